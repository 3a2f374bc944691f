"""A fake Blue Current cloud (the websocket `haserver` endpoint) for tests and the demo."""

from .clock import CLOUD_TIMEZONE, Clock, ManualClock, system_clock, wire_time
from .cloud import BlueCurrentCloud
from .connection import ReceivedFrame
from .demo import populate
from .model import (
    APP_CARD_UID,
    CHEAP_PRICE,
    HEARTBEAT_TIMEOUT,
    HOME_USE_CARD_UID,
    PRICE_CURVE,
    Account,
    CapacityTariff,
    Card,
    ChargePoint,
    DelayedCharging,
    Grid,
    OverrideSchedule,
    PriceBasedCharging,
    Tariff,
    is_cheap,
    price_at,
)
from .ratelimit import LimitSignal
from .verdicts import Outcome

__all__ = [
    "APP_CARD_UID",
    "CHEAP_PRICE",
    "CLOUD_TIMEZONE",
    "HEARTBEAT_TIMEOUT",
    "HOME_USE_CARD_UID",
    "PRICE_CURVE",
    "Account",
    "BlueCurrentCloud",
    "CapacityTariff",
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
    "is_cheap",
    "populate",
    "price_at",
    "system_clock",
    "wire_time",
]
