"""State of the simulated cloud: accounts, charge cards, charge points, grids, schedules.

A charge point's mutators (plug_in, start_charging, ...) are what a test or the protocol
handler calls; they keep the outputs (currents, voltages, vehicle status) at their nominal
values. The physics module adds time and noise on top.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from .clock import CLOUD_TIMEZONE, Clock, system_clock

# The card uid the app (and Home Assistant) starts sessions with.
APP_CARD_UID = "BCU-APP"
VEHICLE_LETTERS = "ABCDEF"
NOMINAL_VOLTAGE = 230.0
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(kw_only=True)
class Card:
    """A charge card of the account."""

    uid: str
    card_id: str
    name: str
    customer_name: str
    valid: bool = True
    date_created: str = "2024-01-15"
    date_modified: str = "2024-01-15"
    date_became_invalid: str | None = None


@dataclass(kw_only=True)
class Tariff:
    """What a session at a charge point costs (prices per kWh and per session)."""

    tariff_id: str = "NLBCUT994"
    price_ex_vat: float = 0.2397
    start_price_ex_vat: float = 0.0
    price_in_vat: float = 0.29
    start_price_in_vat: float = 0.0
    currency: str = "EUR"
    permission: str = "read"


@dataclass(kw_only=True)
class DelayedCharging:
    """Charging held back outside a weekly window (days 1 = Monday ... 7)."""

    enabled: bool = False
    days: list[int] = field(default_factory=lambda: [1, 2, 3, 4, 5, 6, 7])
    start_time: str = "22:00"
    end_time: str = "07:00"
    override: bool = False  # "boost": charge now despite the window

    def allows(self, moment: datetime) -> bool:
        """Whether the window is open at this moment."""
        local = moment.astimezone(CLOUD_TIMEZONE)
        now = local.time()
        start, end = time.fromisoformat(self.start_time), time.fromisoformat(self.end_time)
        if start <= end:
            return start <= now < end and local.isoweekday() in self.days
        # The window wraps midnight: its morning part belongs to the day before.
        if now >= start:
            return local.isoweekday() in self.days
        if now < end:
            return (local - timedelta(days=1)).isoweekday() in self.days
        return False

    def holds_back(self, moment: datetime) -> bool:
        """Whether this profile keeps a session from drawing current."""
        return self.enabled and not self.override and not self.allows(moment)


@dataclass(kw_only=True)
class PriceBasedCharging:
    """Settings of price-based charging; the simulator keeps them, it has no price model."""

    enabled: bool = False
    expected_departure_time: str = "07:30"
    current_battery_pct: int = 20
    minimum_pct: int = 10
    battery_size_kwh: int = 60
    override: bool = False  # "boost"


@dataclass(kw_only=True, eq=False)  # identity: a charge point is one thing
class ChargePoint:
    """One charge point: its settings and its live state."""

    evse_id: str
    name: str = ""
    model_type: str = "U:MOVE22"
    chargepoint_type: str = "UMOVE"
    phases: int = 3  # phases wired to the charge point
    car_phases: int = 3  # phases the plugged-in car charges on
    max_usage: int = 16
    smartcharging_max_usage: int = 13
    max_offline: int = 6
    smart_charging: bool = False
    plug_and_charge: bool = False
    public_charging: bool = True
    plug_and_charge_notification: bool = False
    publish_location: bool = False
    led_intensity: int = 50
    led_interaction: bool = True
    read_only: bool = False  # the account may see but not change plug & charge / public charging
    x_coord: float = 52.0907
    y_coord: float = 5.1214
    tariff: Tariff = field(default_factory=Tariff)
    default_card: Card = field(
        default_factory=lambda: Card(
            uid=APP_CARD_UID, card_id=APP_CARD_UID, name="", customer_name=""
        )
    )
    delayed: DelayedCharging = field(default_factory=DelayedCharging)
    price_based: PriceBasedCharging = field(default_factory=PriceBasedCharging)

    online: bool = True
    offline_since: datetime | None = None
    blocked: bool = False
    vehicle_status: str = "A"
    session_card: str | None = None
    start_datetime: datetime | None = None
    stop_datetime: datetime | None = None
    actual_kwh: float = 0.0
    total_cost: float = 0.0
    currents: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])
    voltages: list[float] = field(default_factory=lambda: [0.0, 0.0, 0.0])
    resets: int = 0
    reboots: int = 0
    clock: Clock = field(default=system_clock, repr=False, compare=False)

    # Derived state.

    @property
    def charging(self) -> bool:
        """Whether a session is running (drawing current or held back)."""
        return self.session_card is not None

    @property
    def current_limit(self) -> int:
        """Amperes per phase the car may draw."""
        return self.smartcharging_max_usage if self.smart_charging else self.max_usage

    @property
    def held_back(self) -> bool:
        """Whether a smart-charging profile keeps the running session from drawing."""
        return self.charging and self.delayed.holds_back(self.clock())

    @property
    def drawing(self) -> bool:
        """Whether the car takes current right now (not in a fault state E/F)."""
        return (
            self.charging
            and self.online
            and self.vehicle_status in {"B", "C", "D"}
            and not self.held_back
        )

    @property
    def activity(self) -> str:
        """The activity the cloud reports."""
        if not self.online:
            return "offline"
        if self.blocked:
            return "unavailable"
        if self.vehicle_status == "F":
            return "error"
        if self.charging:
            return "delayed" if self.held_back else "charging"
        return "available"

    # Mutators, for tests and the protocol handler.

    def plug_in(self, car_phases: int | None = None) -> None:
        """A car is connected; with plug and charge it starts on the default card."""
        if car_phases is not None:
            self.car_phases = car_phases
        if self.vehicle_status == "A":
            self.vehicle_status = "B"
        if self.plug_and_charge and not self.blocked and not self.charging:
            self.start_charging(self.default_card.uid)
        self.settle()

    def unplug(self) -> None:
        """The car leaves; a running session ends."""
        self.stop_charging()
        self.vehicle_status = "A"

    def start_charging(self, card_uid: str = APP_CARD_UID) -> None:
        """Start a session (plugging a car in first when none is)."""
        if self.vehicle_status == "A":
            self.vehicle_status = "B"
        self.session_card = card_uid
        self.start_datetime = self.clock()
        self.stop_datetime = None
        self.actual_kwh = 0.0
        self.total_cost = self.tariff.start_price_in_vat
        self.settle()

    def stop_charging(self) -> None:
        """End the running session, if any; the car stays plugged in."""
        if not self.charging:
            return
        self.session_card = None
        self.stop_datetime = self.clock()
        # A boost only lasts for the session it was given to.
        self.delayed.override = False
        self.price_based.override = False
        self.settle()

    def go_offline(self) -> None:
        """The charge point loses its connection to the cloud."""
        if self.online:
            self.online = False
            self.offline_since = self.clock()

    def come_online(self) -> None:
        """The charge point is back."""
        self.online = True
        self.offline_since = None
        self.settle()

    def block(self) -> None:
        """Make the charge point unavailable (SET_INOPERATIVE); a session ends."""
        self.stop_charging()
        self.blocked = True

    def unblock(self) -> None:
        """Make it available again (SET_OPERATIVE)."""
        self.blocked = False

    def set_vehicle_status(self, letter: str) -> None:
        """Force an IEC 61851 state, e.g. "E" (no power) or "F" (error)."""
        if len(letter) != 1 or letter not in VEHICLE_LETTERS:
            raise ValueError(f"vehicle status must be one of {VEHICLE_LETTERS}")
        self.vehicle_status = letter

    def settle(self) -> None:
        """Put currents, voltages and the vehicle state at their nominal values."""
        if not self.online:
            return  # the cloud keeps the last values it heard
        if self.vehicle_status in {"B", "C"}:  # a plugged-in car, not in a fault state
            self.vehicle_status = "C" if self.drawing else "B"
        if self.drawing:
            used = min(self.phases, self.car_phases)
            self.currents = [float(self.current_limit) if i < used else 0.0 for i in range(3)]
            self.voltages = [NOMINAL_VOLTAGE if i < self.phases else 0.0 for i in range(3)]
        else:
            self.currents = [0.0, 0.0, 0.0]
            self.voltages = [0.0, 0.0, 0.0]


@dataclass(kw_only=True, eq=False)
class Grid:
    """The connection of a building: the charge points behind one meter."""

    charge_points: list[ChargePoint] = field(default_factory=list)
    max_install: int = 40
    max_reserved: int = 25
    household: list[float] = field(default_factory=lambda: [2.0, 1.0, 3.0])

    @property
    def grid_id(self) -> str:
        """Named after its first charge point, as the cloud does."""
        return f"GRID-{self.charge_points[0].evse_id}"

    @property
    def currents(self) -> list[int]:
        """Amperes per phase on the meter: the house plus every charge point."""
        totals = list(self.household)
        for charge_point in self.charge_points:
            for phase in range(3):
                totals[phase] += charge_point.currents[phase]
        return [round(total) for total in totals]


@dataclass(kw_only=True)
class OverrideSchedule:
    """A user override of the charging current (the simulator stores it, no physics)."""

    schedule_id: int
    charge_points: list[str]
    start_time: str
    stop_time: str
    start_days: list[str]
    stop_days: list[str]
    current: float


@dataclass(kw_only=True)
class Account:
    """A Blue Current customer with an API token."""

    api_token: str
    customer_id: str
    email: str
    session_token: str
    customer_name: str = ""
    charge_points: dict[str, ChargePoint] = field(default_factory=dict)
    cards: list[Card] = field(default_factory=list)
    grids: dict[str, Grid] = field(default_factory=dict)  # by the caller's label
    schedules: dict[int, OverrideSchedule] = field(default_factory=dict)
    next_schedule_id: int = 1

    def card_uids(self) -> set[str]:
        """Uids a session may be started with (the app card included)."""
        return {APP_CARD_UID} | {card.uid for card in self.cards if card.valid}

    def grid_of(self, charge_point: ChargePoint) -> Grid:
        """The grid a charge point belongs to."""
        return next(grid for grid in self.grids.values() if charge_point in grid.charge_points)
