"""State of the simulated cloud: accounts, charge cards, charge points, grids, schedules.

A charge point's mutators (plug_in, start_charging, ...) are what a test or the protocol
handler calls; they keep the outputs (currents, voltages, vehicle status) at their nominal
values. The physics module adds time and noise on top. Smart charging (delayed and
price-based profiles, boosts, override-current caps) is applied at the clock's time on
every settle, that is after each change and on each tick.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Literal

from .clock import CLOUD_TIMEZONE, Clock, system_clock

# The card uid the app (and Home Assistant) starts sessions with.
APP_CARD_UID = "BCU-APP"
# The plug-and-charge card's uid when none is chosen.
HOME_USE_CARD_UID = "BCU_HOME_USE"
SECONDS_PER_HOUR = 3600.0
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


type Permission = Literal["write", "read", "none"]
"""What the account may do with a setting; only "write" may change it."""

WEEK_MINUTES = 7 * 24 * 60
# Seconds the cloud reports in smart_current_heartbeat_timeout while a profile holds a session
# back (0 otherwise). The unit is undocumented; clients should only read "positive".
HEARTBEAT_TIMEOUT = 300

# Price-based charging plans against a fixed day-ahead curve: euro per kWh (VAT included) for
# each hour of the Amsterdam day, the same every day. Night and early afternoon are cheap.
PRICE_CURVE: tuple[float, ...] = (
    0.23, 0.20, 0.19, 0.18, 0.19, 0.21, 0.25, 0.31,  # 00:00-07:59
    0.33, 0.28, 0.24, 0.21, 0.19, 0.17, 0.19, 0.22,  # 08:00-15:59
    0.27, 0.34, 0.37, 0.35, 0.30, 0.27, 0.25, 0.24,  # 16:00-23:59
)  # fmt: skip
CHEAP_PRICE = 0.20
"""Hours at or below this price are the cheap hours: 01:00-05:00 and 12:00-15:00."""


def price_at(moment: datetime) -> float:
    """The price of the hour a moment falls in."""
    return PRICE_CURVE[moment.astimezone(CLOUD_TIMEZONE).hour]


def is_cheap(moment: datetime) -> bool:
    """Whether a moment falls in a cheap hour."""
    return price_at(moment) <= CHEAP_PRICE


@dataclass(kw_only=True)
class DelayedCharging:
    """Charging held back outside a daily window on the chosen days (1 = Monday ... 7).

    On a chosen day a car charges only inside the window; on other days it is not held.
    A window that wraps midnight (22:00-07:00) is open before its end and from its start on;
    a window whose start equals its end is open all day.
    """

    enabled: bool = False
    permission: Permission = "write"
    days: list[int] = field(default_factory=lambda: [1, 2, 3, 4, 5, 6, 7])
    start_time: str = "22:00"
    end_time: str = "07:00"

    def in_window(self, moment: datetime) -> bool:
        """Whether the time of day at this moment is inside the window."""
        now = moment.astimezone(CLOUD_TIMEZONE).time()
        start, end = time.fromisoformat(self.start_time), time.fromisoformat(self.end_time)
        if start < end:
            return start <= now < end
        if start > end:
            return now >= start or now < end
        return True

    def holds_back(self, moment: datetime) -> bool:
        """Whether this profile keeps a session from drawing at this moment."""
        day = moment.astimezone(CLOUD_TIMEZONE).isoweekday()
        return self.enabled and day in self.days and not self.in_window(moment)


@dataclass(kw_only=True)
class PriceBasedCharging:
    """Charging held back until the cheap hours of PRICE_CURVE.

    The battery level is the level the user gave plus what this session charged; below the
    minimum the car charges whatever the price. The departure time is kept and read back only.
    """

    enabled: bool = False
    permission: Permission = "write"
    expected_departure_time: str = "07:30"
    current_battery_pct: int = 20
    minimum_pct: int = 10
    battery_size_kwh: int = 60

    def battery_pct(self, charged_kwh: float) -> float:
        """The estimated battery level after charging this much."""
        return self.current_battery_pct + charged_kwh / self.battery_size_kwh * 100

    def holds_back(self, moment: datetime, charged_kwh: float) -> bool:
        """Whether this profile keeps a session from drawing at this moment."""
        above_minimum = self.battery_pct(charged_kwh) >= self.minimum_pct
        return self.enabled and above_minimum and not is_cheap(moment)


@dataclass(kw_only=True)
class CapacityTariff:
    """The Belgian capacity tariff: a limit on the peak the charge point may add."""

    enabled: bool = False
    permission: Permission = "write"
    max_kwh: float | None = 4.0


@dataclass(kw_only=True, eq=False)  # identity: a charge point is one thing
class ChargePoint:
    """One charge point: its settings and its live state.

    The outputs (currents, vehicle status, the profile holding a session back) change in
    settle(), which every mutator and every tick calls. Energy is counted by meter(), on each
    tick and before each settle, so it is the integral of the power from the session start.
    """

    evse_id: str
    name: str = ""
    model_type: str = "U:MOVE22"
    chargepoint_type: str = "UMOVE"
    socket_id: int = 1
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
    # The account may see but not change its settings: "write" permissions read as "read".
    read_only: bool = False
    x_coord: float = 52.0907
    y_coord: float = 5.1214
    tariff: Tariff = field(default_factory=Tariff)
    default_card: Card = field(
        default_factory=lambda: Card(
            uid=APP_CARD_UID, card_id=APP_CARD_UID, name="", customer_name=""
        )
    )
    plug_and_charge_card: Card = field(
        default_factory=lambda: Card(
            uid=HOME_USE_CARD_UID, card_id=HOME_USE_CARD_UID, name="", customer_name=""
        )
    )
    delayed: DelayedCharging = field(default_factory=DelayedCharging)
    price_based: PriceBasedCharging = field(default_factory=PriceBasedCharging)
    capacity_tariff: CapacityTariff | None = field(default_factory=CapacityTariff)  # None: not sent
    # The account's override-current schedules (shared with the account; see Account.schedules).
    overrides: dict[int, OverrideSchedule] = field(default_factory=dict, repr=False)

    online: bool = True
    offline_since: datetime | None = None
    blocked: bool = False
    vehicle_status: str = "A"
    session_card: str | None = None
    start_datetime: datetime | None = None
    stop_datetime: datetime | None = None
    actual_kwh: float = 0.0
    total_cost: float = 0.0
    boosting: bool = False  # a boost releases the profile for the rest of the session
    held_by: str | None = None  # the profile holding the session back, as of the last settle
    override_in_force: float | None = None  # the override cap, as of the last settle
    metered_at: datetime | None = None  # the session's energy is counted up to here
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
        """Amperes per phase the installation allows (smart charging's share when it is on)."""
        return self.smartcharging_max_usage if self.smart_charging else self.max_usage

    @property
    def limit_in_force(self) -> float:
        """Amperes per phase the car may draw now: the limit, capped by an override schedule."""
        cap = self.override_in_force
        return float(self.current_limit) if cap is None else min(float(self.current_limit), cap)

    @property
    def held_back(self) -> bool:
        """Whether a smart-charging profile keeps the running session from drawing."""
        return self.held_by is not None

    @property
    def heartbeat_timeout(self) -> int:
        """smart_current_heartbeat_timeout: positive while a profile holds the session."""
        return HEARTBEAT_TIMEOUT if self.held_back else 0

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

    def permission(self, setting: DelayedCharging | PriceBasedCharging | CapacityTariff) -> str:
        """What the account may do with a profile; read_only turns "write" into "read"."""
        if self.read_only and setting.permission == "write":
            return "read"
        return setting.permission

    def holding_profile(self, moment: datetime) -> str | None:
        """The profile that keeps the running session from drawing at a moment, if any."""
        if not self.charging or self.boosting:
            return None
        if self.delayed.holds_back(moment):
            return "delayed_charging"
        if self.price_based.holds_back(moment, self.actual_kwh):
            return "price_based_charging"
        return None

    def override_cap(self, moment: datetime) -> float | None:
        """The lowest current of the override schedules that cover this charge point now."""
        caps = [
            schedule.current
            for schedule in self.overrides.values()
            if self.evse_id in schedule.charge_points and schedule.active(moment)
        ]
        return min(caps) if caps else None

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
        self.start_datetime = self.metered_at = self.clock()
        self.stop_datetime = None
        self.actual_kwh = 0.0
        self.total_cost = self.tariff.start_price_in_vat
        self.boosting = False
        self.settle()

    def stop_charging(self) -> None:
        """End the running session, if any; the car stays plugged in."""
        if not self.charging:
            return
        self.session_card = None
        self.stop_datetime = self.clock()
        self.metered_at = None
        self.boosting = False  # a boost only lasts for the session it was given to
        self.settle()

    def go_offline(self) -> None:
        """The charge point loses its connection to the cloud."""
        if self.online:
            self.online = False
            self.offline_since = self.clock()

    def come_online(self) -> None:
        """The charge point is back; the time it was away added no energy."""
        self.online = True
        self.offline_since = None
        if self.metered_at is not None:
            self.metered_at = self.clock()
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

    def meter(self, ahead: float = 0.0) -> None:
        """Count the session's energy and cost up to now, at the power drawn since the last count.

        `ahead` is how many seconds the model runs ahead of the clock (a tick that covers more
        time than the clock moved: a warm-up, or a test that does not move its clock). The
        session's start moves back by as much, so its energy stays the integral of its power
        from its start time. Time offline adds no energy: the cloud hears nothing.
        """
        if self.metered_at is None:
            return  # no session
        now = self.clock()
        seconds = max((now - self.metered_at).total_seconds(), 0.0) + ahead
        if ahead > 0 and self.start_datetime is not None:
            self.start_datetime -= timedelta(seconds=ahead)
        self.metered_at = now
        if not self.online:
            return
        watts = sum(a * v for a, v in zip(self.currents, self.voltages, strict=True))
        kwh = watts / 1000 * seconds / SECONDS_PER_HOUR
        self.actual_kwh += kwh
        self.total_cost += kwh * self.tariff.price_in_vat

    def settle(self) -> None:
        """Apply profiles and overrides at the clock's time; put outputs at nominal values.

        The energy drawn until now is counted first, at the power before the change.
        """
        self.meter()
        if not self.online:
            return  # the cloud keeps the last values it heard
        now = self.clock()
        self.held_by = self.holding_profile(now)
        self.override_in_force = self.override_cap(now)
        if self.vehicle_status in {"B", "C"}:  # a plugged-in car, not in a fault state
            # A session held back still reads "C": the car is ready, the cloud waits.
            self.vehicle_status = "C" if self.charging else "B"
        if self.drawing:
            used = min(self.phases, self.car_phases)
            self.currents = [self.limit_in_force if i < used else 0.0 for i in range(3)]
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
    """A user override that caps the charging current of some charge points, weekly.

    Each start day opens the cap at the start time; it closes at the first stop time on a
    stop day after that (at most a week later: start MO 00:00, stop MO 00:00 is the whole week).
    """

    schedule_id: int
    charge_points: list[str]
    start_time: str
    stop_time: str
    start_days: list[str]
    stop_days: list[str]
    current: float

    def active(self, moment: datetime) -> bool:
        """Whether the cap applies at this moment."""
        local = moment.astimezone(CLOUD_TIMEZONE)
        now = (local.weekday() * 24 + local.hour) * 60 + local.minute + local.second / 60
        stops = [_week_minute(day, self.stop_time) for day in self.stop_days]
        for day in self.start_days:
            start = _week_minute(day, self.start_time)
            length = min(((stop - start - 1) % WEEK_MINUTES) + 1 for stop in stops)
            if (now - start) % WEEK_MINUTES < length:
                return True
        return False


def _week_minute(day: str, clock_time: str) -> int:
    """Minutes from Monday 00:00 to a day code and "HH:MM"."""
    moment = time.fromisoformat(clock_time)
    return (WEEKDAY_CODES.index(day) * 24 + moment.hour) * 60 + moment.minute


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
