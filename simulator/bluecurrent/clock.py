"""Time for the simulated cloud: an injectable clock and the wire's timestamp format."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

# The cloud speaks Amsterdam wall-clock time and resets its request budget there.
CLOUD_TIMEZONE = ZoneInfo("Europe/Amsterdam")

type Clock = Callable[[], datetime]
"""Returns the current time, timezone-aware."""


def system_clock() -> datetime:
    """The real time."""
    return datetime.now(UTC)


class ManualClock:
    """A clock that only moves when told to; for deterministic tests."""

    def __init__(self, start: datetime) -> None:
        """Start at an aware datetime."""
        if start.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = start

    def __call__(self) -> datetime:
        """The current simulated time."""
        return self._now

    def advance(self, seconds: float) -> None:
        """Move the time forward."""
        self._now += timedelta(seconds=seconds)

    def set(self, moment: datetime) -> None:
        """Jump to an aware datetime."""
        if moment.tzinfo is None:
            raise ValueError("ManualClock needs an aware datetime")
        self._now = moment


def wire_time(moment: datetime | None) -> str:
    """Format as the cloud does: naive Amsterdam time, or "" for no time (never null)."""
    if moment is None:
        return ""
    return moment.astimezone(CLOUD_TIMEZONE).strftime("%Y%m%d %H:%M:%S")


def cloud_day(moment: datetime) -> date:
    """The Amsterdam calendar day a moment falls on."""
    return moment.astimezone(CLOUD_TIMEZONE).date()
