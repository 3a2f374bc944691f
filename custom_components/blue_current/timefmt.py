"""How a moment is shown to a user in a message: local time with its zone."""

from __future__ import annotations

from datetime import datetime

from homeassistant.util import dt as dt_util


def local_time(moment: datetime) -> str:
    """The moment in Home Assistant's time zone, e.g. "2026-03-29 00:00:30 CET"."""
    return dt_util.as_local(moment).strftime("%Y-%m-%d %H:%M:%S %Z")
