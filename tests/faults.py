"""What both fault-injection runs measure with: real time, percentiles, live timers."""

from __future__ import annotations

import math
import time

from homeassistant.core import HomeAssistant
from homeassistant.util.async_ import get_scheduled_timer_handles


def real_now() -> float:
    """Wall-clock seconds that keep running while the test froze time (freezegun leaves
    clock_gettime alone)."""
    return time.clock_gettime(time.CLOCK_MONOTONIC)


def percentile(ordered: list[float], share: float) -> float:
    """The value below which `share` of the (sorted) values lie; 0 for no values."""
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


def live_timer_handles(hass: HomeAssistant) -> list[object]:
    """Timers that will still fire (cancelled ones wait in the heap until their time)."""
    return [h for h in get_scheduled_timer_handles(hass.loop) if not h.cancelled()]


def live_timers(hass: HomeAssistant) -> int:
    """How many timers will still fire."""
    return len(live_timer_handles(hass))
