"""When the cloud's daily request budget comes back."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from .parse import CLOUD_TIMEZONE

# The budget resets at midnight in Amsterdam; 30 s of margin keeps us clear of the edge.
RESET_TIME = time(0, 0, 30)


def next_reset(now: datetime) -> datetime:
    """The first 00:00:30 Europe/Amsterdam after `now` (aware), correct across DST changes."""
    local_day = now.astimezone(CLOUD_TIMEZONE).date()
    # Combining a date with a zoned time gives the right offset on DST change days,
    # where adding 24 h to a datetime would not.
    candidate = datetime.combine(local_day, RESET_TIME, CLOUD_TIMEZONE)
    if candidate <= now:
        candidate = datetime.combine(local_day + timedelta(days=1), RESET_TIME, CLOUD_TIMEZONE)
    return candidate
