"""Typed views of what the Blue Current cloud sends. Frozen: an update makes a new object."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from enum import StrEnum
import math

APP_CARD_UID = "BCU-APP"
"""The card uid that starts a session without a charge card (the app's own card)."""

HOME_USE_CARD_UID = "BCU_HOME_USE"
"""The uid of `plug_and_charge_charge_card` when no card is chosen for plug and charge."""


class VehicleStatus(StrEnum):
    """IEC 61851 vehicle state, named the way Home Assistant's core integration names it."""

    STANDBY = "standby"  # A: no vehicle
    VEHICLE_DETECTED = "vehicle_detected"  # B: plugged in, not charging
    READY = "ready"  # C/D: ready to charge, or charging
    NO_POWER = "no_power"  # E
    VEHICLE_ERROR = "vehicle_error"  # F


VEHICLE_STATUS_BY_LETTER = {
    "A": VehicleStatus.STANDBY,
    "B": VehicleStatus.VEHICLE_DETECTED,
    "C": VehicleStatus.READY,
    "D": VehicleStatus.READY,
    "E": VehicleStatus.NO_POWER,
    "F": VehicleStatus.VEHICLE_ERROR,
}


class Activity(StrEnum):
    """What the charge point is doing."""

    AVAILABLE = "available"
    CHARGING = "charging"
    UNAVAILABLE = "unavailable"  # blocked by its owner
    ERROR = "error"
    OFFLINE = "offline"
    DELAYED = "delayed"  # waiting for a smart-charging schedule


@dataclass(frozen=True, slots=True)
class Account:
    """The account behind an API token."""

    customer_id: str
    email: str


@dataclass(frozen=True, slots=True)
class Setting:
    """A switchable setting of a charge point, and whether this account may change it."""

    value: bool
    writable: bool


@dataclass(frozen=True, slots=True)
class ChargeCard:
    """A charge card of the account."""

    uid: str
    card_id: str
    name: str
    customer_name: str
    valid: bool


@dataclass(frozen=True, slots=True)
class Tariff:
    """The tariff a charge point bills with."""

    tariff_id: str | None
    price_ex_vat: float | None
    price_in_vat: float | None
    start_price_ex_vat: float | None
    start_price_in_vat: float | None
    currency: str | None


@dataclass(frozen=True, slots=True)
class ChargePointSettings:
    """The settings of a charge point, from CHARGE_POINTS or CH_SETTINGS."""

    plug_and_charge: Setting | None = None
    # The wire calls the inverse of this "public_charging".
    linked_charge_cards_only: Setting | None = None
    smart_charging: bool | None = None
    delayed_charging: Setting | None = None
    price_based_charging: Setting | None = None
    publish_location: Setting | None = None
    plug_and_charge_notification: bool | None = None
    led_intensity: int | None = None
    led_interaction: bool | None = None
    # Smart charging as the cloud reads it back; on/off and permission are the Settings above.
    delayed_charging_schedule: DelayedChargingSchedule | None = None
    price_based_charging_settings: PriceBasedChargingSettings | None = None
    capacity_tariff: CapacityTariff | None = None
    plug_and_charge_charge_card: ChargeCard | None = None  # uid HOME_USE_CARD_UID: none


@dataclass(frozen=True, slots=True)
class ChargePoint:
    """A charge point of the account, as GET_CHARGE_POINTS lists it."""

    evse_id: str
    name: str
    model_type: str | None
    chargepoint_type: str | None
    activity: Activity | None
    settings: ChargePointSettings
    tariff: Tariff | None
    default_card: ChargeCard | None
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True, slots=True)
class ChargePointStatus:
    """The live status of a charge point (CH_STATUS). None: unknown or unreadable."""

    evse_id: str
    activity: Activity | None = None
    vehicle_status: VehicleStatus | None = None
    voltage_phase_1: float | None = None
    voltage_phase_2: float | None = None
    voltage_phase_3: float | None = None
    current_phase_1: float | None = None
    current_phase_2: float | None = None
    current_phase_3: float | None = None
    session_energy: float | None = None  # kWh since the session started
    session_cost: float | None = None
    max_usage: float | None = None
    smart_charging_max_usage: float | None = None
    max_offline: float | None = None
    offline_since: datetime | None = None
    session_started: datetime | None = None
    session_stopped: datetime | None = None
    boosting: bool | None = None  # a boost releases the smart-charging profile this session
    # Positive while a smart-charging profile holds the session back (the app's "Scheduled").
    smart_current_heartbeat_timeout: int | None = None
    socket_id: int | None = None

    @property
    def average_voltage(self) -> float | None:
        """Mean of the phases that carry a voltage (what the official app shows)."""
        return _mean_of_nonzero(self.voltage_phase_1, self.voltage_phase_2, self.voltage_phase_3)

    @property
    def average_current(self) -> float | None:
        """Mean of the phases that carry a current."""
        return _mean_of_nonzero(self.current_phase_1, self.current_phase_2, self.current_phase_3)

    @property
    def power(self) -> float | None:
        """Real power in W: the sum of voltage × current over the phases."""
        pairs = (
            (self.voltage_phase_1, self.current_phase_1),
            (self.voltage_phase_2, self.current_phase_2),
            (self.voltage_phase_3, self.current_phase_3),
        )
        if all(v is None or i is None for v, i in pairs):
            return None
        return _finite(round(sum((v or 0.0) * (i or 0.0) for v, i in pairs), 1))

    @property
    def estimated_power_kw(self) -> float | None:
        """The reference library's estimate (avg current × avg voltage × √3), kept for parity."""
        current, voltage = self.average_current, self.average_voltage
        if current is None or voltage is None:
            return None
        return _finite(round(current * voltage * 1.732 / 1000, 2))

    def current_left(self, *, smart_charging: bool) -> float | None:
        """Amperes still available under the limit that applies now."""
        limit = self.smart_charging_max_usage if smart_charging else self.max_usage
        current = self.average_current
        if limit is None or current is None:
            return None
        return _finite(round(limit - current, 1))


@dataclass(frozen=True, slots=True)
class GridStatus:
    """Currents of a grid (building connection). None: not reported (yet)."""

    grid_id: str
    current_phase_1: float | None = None
    current_phase_2: float | None = None
    current_phase_3: float | None = None
    max_installed: float | None = None
    max_reserved: float | None = None

    @property
    def average_current(self) -> float | None:
        """Mean of the loaded phases."""
        return _mean_of_nonzero(self.current_phase_1, self.current_phase_2, self.current_phase_3)

    @property
    def max_current(self) -> float | None:
        """Largest phase current."""
        phases = [
            p
            for p in (self.current_phase_1, self.current_phase_2, self.current_phase_3)
            if p is not None
        ]
        return max(phases) if phases else None


@dataclass(frozen=True, slots=True)
class OverrideSchedule:
    """A user override of the charging current for a set of charge points."""

    schedule_id: str
    charge_points: tuple[str, ...]
    start_time: str
    stop_time: str
    start_days: tuple[str, ...]
    stop_days: tuple[str, ...]
    current: float


@dataclass(frozen=True, slots=True, kw_only=True)
class OverrideCurrentPlan:
    """What to ask for when creating or editing an override schedule."""

    charge_points: tuple[str, ...]
    start_time: str  # HH:MM
    start_days: tuple[str, ...]  # MO, TU, WE, TH, FR, SA, SU
    stop_time: str
    stop_days: tuple[str, ...]
    current: float  # amperes

    def to_wire(self) -> dict[str, object]:
        """The request fields, named the way the cloud expects them."""
        return {
            "chargepoints": list(self.charge_points),
            "overridestarttime": self.start_time,
            "overridestartdays": list(self.start_days),
            "overridestoptime": self.stop_time,
            "overridestopdays": list(self.stop_days),
            "overridevalue": float(self.current),
        }


@dataclass(frozen=True, slots=True, kw_only=True)
class DelayedChargingSchedule:
    """The window of delayed charging, as read back from the cloud.

    The cloud sends the window only while the profile is on; while it is off every field
    is None (so a merge replaces a window that no longer applies).
    """

    days: tuple[int, ...] | None = None  # ISO weekdays: 1 = Monday ... 7 = Sunday
    start_time: time | None = None
    end_time: time | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class PriceBasedChargingSettings:
    """The settings of price-based charging, as read back (each under either spelling).

    The cloud sends them only while the profile is on; while it is off every field is None.
    """

    expected_departure_time: time | None = None  # read back as expected_leave_time too
    current_battery_pct: int | None = None  # or current_battery_percentage
    minimum_pct: int | None = None  # or minimum_percentage
    battery_size_kwh: float | None = None
    expected_kwh: float | None = None  # older backends
    minimum_kwh: float | None = None  # older backends


@dataclass(frozen=True, slots=True, kw_only=True)
class CapacityTariff:
    """The capacity-tariff setting (Belgium) and its limit."""

    enabled: bool
    writable: bool
    max_kwh: float | None = None  # the wire's capacitytariffmaxkwh


# Events the client delivers to its listener.


@dataclass(frozen=True, slots=True)
class ChargePointsEvent:
    """The full list of charge points of the account.

    unreadable: entries of the list that could not be read (no evse_id, not an object).
    When it is not 0 the list is incomplete: a charge point missing from it may still be
    on the account.
    """

    charge_points: tuple[ChargePoint, ...]
    unreadable: int = 0


@dataclass(frozen=True, slots=True)
class StatusEvent:
    """A new status of one charge point.

    follows: the status the client compared this one with (the charge point's previous
    one on this client), and changed: the fields that differ from it. A receiver that holds
    exactly `follows` can take `changed` instead of comparing every field again.
    """

    status: ChargePointStatus
    follows: ChargePointStatus | None = None
    changed: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class SettingsEvent:
    """New settings of one charge point. Fields that are None were not sent."""

    evse_id: str
    settings: ChargePointSettings


@dataclass(frozen=True, slots=True)
class GridStatusEvent:
    """A full grid status; evse_id is the charge point it was asked for, when known."""

    grid: GridStatus
    evse_id: str | None


@dataclass(frozen=True, slots=True)
class GridCurrentEvent:
    """New grid phase currents, reported through one of the grid's charge points."""

    evse_id: str
    current_phase_1: float | None
    current_phase_2: float | None
    current_phase_3: float | None


@dataclass(frozen=True, slots=True)
class ChargeCardsEvent:
    """The charge cards of the account."""

    cards: tuple[ChargeCard, ...]


@dataclass(frozen=True, slots=True)
class OverrideSchedulesEvent:
    """The override-current schedules of the account."""

    schedules: tuple[OverrideSchedule, ...]


type Event = (
    ChargePointsEvent
    | StatusEvent
    | SettingsEvent
    | GridStatusEvent
    | GridCurrentEvent
    | ChargeCardsEvent
    | OverrideSchedulesEvent
)


def _mean_of_nonzero(*values: float | None) -> float | None:
    if all(v is None for v in values):
        return None
    loaded = [v for v in values if v]
    return _finite(round(sum(loaded) / len(loaded), 1)) if loaded else 0.0


def _finite(value: float) -> float | None:
    """A derived value, or None when finite inputs (beyond any real reading) overflowed."""
    return value if math.isfinite(value) else None
