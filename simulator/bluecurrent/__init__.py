"""A fake Blue Current cloud (the websocket `haserver` endpoint) for tests and the demo."""

from .clock import CLOUD_TIMEZONE, Clock, ManualClock, system_clock, wire_time
from .cloud import BlueCurrentCloud
from .connection import ReceivedFrame
from .demo import populate
from .model import (
    APP_CARD_UID,
    Account,
    Card,
    ChargePoint,
    DelayedCharging,
    Grid,
    OverrideSchedule,
    PriceBasedCharging,
    Tariff,
)
from .ratelimit import LimitSignal
from .verdicts import Outcome

__all__ = [
    "APP_CARD_UID",
    "CLOUD_TIMEZONE",
    "Account",
    "BlueCurrentCloud",
    "Card",
    "ChargePoint",
    "Clock",
    "DelayedCharging",
    "Grid",
    "LimitSignal",
    "ManualClock",
    "Outcome",
    "OverrideSchedule",
    "PriceBasedCharging",
    "ReceivedFrame",
    "Tariff",
    "populate",
    "system_clock",
    "wire_time",
]
