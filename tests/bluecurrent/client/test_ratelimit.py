"""The request budget resets at 00:00:30 Amsterdam time, also across DST changes."""

from datetime import UTC, datetime

import pytest

from custom_components.blue_current.api.bluecurrent import next_reset


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Winter (UTC+1): the next local 00:00:30 is 23:00:30 UTC.
        (datetime(2026, 1, 15, 12, 0, tzinfo=UTC), datetime(2026, 1, 15, 23, 0, 30, tzinfo=UTC)),
        # Summer (UTC+2).
        (datetime(2026, 7, 1, 8, 0, tzinfo=UTC), datetime(2026, 7, 1, 22, 0, 30, tzinfo=UTC)),
        # Just before the reset: still today's.
        (
            datetime(2026, 1, 15, 23, 0, 29, tzinfo=UTC),
            datetime(2026, 1, 15, 23, 0, 30, tzinfo=UTC),
        ),
        # At the reset: the next day's.
        (
            datetime(2026, 1, 15, 23, 0, 30, tzinfo=UTC),
            datetime(2026, 1, 16, 23, 0, 30, tzinfo=UTC),
        ),
        # Local midnight has passed but not 00:00:30.
        (
            datetime(2026, 1, 15, 23, 0, 10, tzinfo=UTC),
            datetime(2026, 1, 15, 23, 0, 30, tzinfo=UTC),
        ),
        # The night clocks go forward (29 March 2026): reset is at 23:00:30 UTC on the 28th,
        # and the one after at 22:00:30 UTC on the 29th (a 23-hour day).
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), datetime(2026, 3, 29, 22, 0, 30, tzinfo=UTC)),
        # The night clocks go back (25 October 2026): a 25-hour day.
        (datetime(2026, 10, 24, 22, 30, tzinfo=UTC), datetime(2026, 10, 25, 23, 0, 30, tzinfo=UTC)),
    ],
)
def test_next_reset(now: datetime, expected: datetime) -> None:
    assert next_reset(now) == expected
