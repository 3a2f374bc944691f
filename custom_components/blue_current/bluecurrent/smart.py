"""Smart-charging settings as entities read them, and the commands that change them.

A profile's settings are read back only while the profile is on, and only an account with
write permission may change them: entities of a profile are available only then.
"""

from __future__ import annotations

from datetime import time

from ..api.bluecurrent import (
    DelayedChargingSchedule,
    PriceBasedChargingSettings,
    Setting,
)
from .state import ChargePointData

ALL_DAYS = (1, 2, 3, 4, 5, 6, 7)


def _on_and_writable(setting: Setting | None) -> bool:
    return setting is not None and setting.value and setting.writable


def delayed_schedule(cp: ChargePointData) -> DelayedChargingSchedule | None:
    """The delayed-charging window, while that profile is on and may be changed."""
    if not _on_and_writable(cp.settings.delayed_charging):
        return None
    return cp.settings.delayed_charging_schedule


def price_settings(cp: ChargePointData) -> PriceBasedChargingSettings | None:
    """The price-based settings, while that profile is on and may be changed."""
    if not _on_and_writable(cp.settings.price_based_charging):
        return None
    return cp.settings.price_based_charging_settings


def clock_text(moment: time) -> str:
    """ "HH:MM", as the cloud takes times of day."""
    return moment.strftime("%H:%M")
