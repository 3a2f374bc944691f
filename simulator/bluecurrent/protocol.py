"""Commands of an authorised client: one handler per command, in the cloud's reply shapes."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
import json
import re
from typing import Any, Protocol

from . import frames
from .connection import Connection
from .frames import Frame
from .model import WEEKDAY_CODES, Account, ChargePoint, OverrideSchedule
from .verdicts import Outcome, VerdictBook

_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
ERROR_UNKNOWN_COMMAND = 0
ERROR_NOT_AUTHORIZED = 2
ERROR_BAD_REQUEST = 9


class CommandError(Exception):
    """Ends a command with an ERROR frame of this code."""

    def __init__(self, code: int) -> None:
        """Remember the ERROR code."""
        super().__init__(code)
        self.code = code


class Hub(Protocol):
    """What handlers need from the cloud."""

    verdicts: VerdictBook

    async def send(self, connection: Connection, frame: Frame) -> None:
        """Send to one connection."""

    def status_frame(self, charge_point: ChargePoint) -> Frame:
        """CH_STATUS for a charge point, remembered as the last one told."""

    async def publish(self, charge_point: ChargePoint, *, settings: bool) -> None:
        """Push CH_SETTINGS (when asked) and CH_STATUS (when it changed) to the owner."""

    async def run_after(self, delay: float, job: Callable[[], Awaitable[None]]) -> None:
        """Run a job now (delay 0, in order) or later in the background."""


@dataclass(kw_only=True)
class Context:
    """One command being handled."""

    hub: Hub
    connection: Connection
    account: Account
    message: dict[str, Any]

    async def reply(self, frame: Frame) -> None:
        """Answer on the connection the command came from."""
        await self.hub.send(self.connection, frame)

    def charge_point(self) -> ChargePoint:
        """The charge point named by evse_id; ERROR 2 when it is not the account's."""
        charge_point = self.account.charge_points.get(self.text("evse_id"))
        if charge_point is None:
            raise CommandError(ERROR_NOT_AUTHORIZED)
        return charge_point

    def text(self, key: str) -> str:
        """A required string field."""
        value = self.message.get(key)
        if not isinstance(value, str):
            raise CommandError(ERROR_BAD_REQUEST)
        return value

    def flag(self, key: str) -> bool:
        """A required boolean field."""
        value = self.message.get(key)
        if not isinstance(value, bool):
            raise CommandError(ERROR_BAD_REQUEST)
        return value

    def number(self, key: str) -> float:
        """A required number field."""
        value = self.message.get(key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise CommandError(ERROR_BAD_REQUEST)
        return float(value)

    def clock_time(self, key: str) -> str:
        """A required "HH:MM" field."""
        value = self.text(key)
        if not _TIME.match(value):
            raise CommandError(ERROR_BAD_REQUEST)
        return value

    def day_codes(self, key: str) -> list[str]:
        """A required list of day codes ("MO" ... "SU")."""
        value = self.message.get(key)
        if not isinstance(value, list) or not value or not set(value) <= set(WEEKDAY_CODES):
            raise CommandError(ERROR_BAD_REQUEST)
        return [str(day) for day in value]


type Handler = Callable[[Context], Awaitable[None]]
HANDLERS: dict[str, Handler] = {}


def handles(*commands: str) -> Callable[[Handler], Handler]:
    """Register a handler for commands."""

    def register(handler: Handler) -> Handler:
        for command in commands:
            HANDLERS[command] = handler
        return handler

    return register


# Reads.


@handles("HELLO")
async def _hello(ctx: Context) -> None:
    # No reply: the cloud just starts pushing to this connection.
    ctx.connection.account = ctx.account


@handles("GET_ACCOUNT")
async def _get_account(ctx: Context) -> None:
    await ctx.reply(frames.account_info(ctx.account))


@handles("GET_CHARGE_POINTS")
async def _get_charge_points(ctx: Context) -> None:
    await ctx.reply(frames.charge_points(ctx.account))


@handles("GET_CH_STATUS")
async def _get_status(ctx: Context) -> None:
    await ctx.reply(ctx.hub.status_frame(ctx.charge_point()))


@handles("GET_CH_SETTINGS")
async def _get_settings(ctx: Context) -> None:
    await ctx.reply(frames.settings(ctx.charge_point()))


@handles("GET_GRID_STATUS")
async def _get_grid_status(ctx: Context) -> None:
    await ctx.reply(frames.grid_status(ctx.account.grid_of(ctx.charge_point())))


@handles("GET_CHARGE_CARDS")
async def _get_charge_cards(ctx: Context) -> None:
    limit = ctx.number("limit") if "limit" in ctx.message else 100
    await ctx.reply(frames.charge_cards(ctx.account, int(limit)))


# Commands a charge point answers: verdicts, delays, and what changes when accepted.


@dataclass(kw_only=True)
class Change:
    """What an accepted command does, and what the verdict carries."""

    apply: Callable[[], None]
    result: Callable[[], Frame]
    settings: bool = False  # push CH_SETTINGS after it
    refusal: Callable[[], Outcome | None] = lambda: None  # the charge point's own "no"


async def _decide(
    ctx: Context, command: str, charge_point: ChargePoint, change: Change, *, acknowledge: bool
) -> None:
    """RECEIVED_<CMD> (when acknowledged), then STATUS_<CMD> after the configured delay."""
    if acknowledge:
        await ctx.reply(frames.received(command, charge_point.evse_id))
    verdict = ctx.hub.verdicts.get(command)

    async def finish() -> None:
        outcome = verdict.outcome
        if outcome is Outcome.ACCEPTED:
            # A charge point that is offline cannot answer; otherwise it may say no itself.
            outcome = Outcome.TIMEOUT if not charge_point.online else change.refusal() or outcome
        if outcome is Outcome.SILENT:
            return
        accepted = outcome is Outcome.ACCEPTED
        if accepted:
            change.apply()
            charge_point.settle()  # a profile switched on or off changes what the car draws
        error = "" if accepted else outcome.value
        await ctx.reply(frames.verdict(command, charge_point.evse_id, error, change.result()))
        if accepted:
            await ctx.hub.publish(charge_point, settings=change.settings)

    await ctx.hub.run_after(verdict.delay, finish)


@handles("SET_PLUG_AND_CHARGE", "SET_PUBLIC_CHARGING")
async def _set_setting(ctx: Context) -> None:
    charge_point, value = ctx.charge_point(), ctx.flag("value")
    attribute = ctx.text("command").removeprefix("SET_").lower()

    def apply() -> None:
        setattr(charge_point, attribute, value)

    def result() -> Frame:
        return frames.setting_result(bool(getattr(charge_point, attribute)))

    def refusal() -> Outcome | None:
        return Outcome.REJECTED if charge_point.read_only else None

    change = Change(apply=apply, result=result, settings=True, refusal=refusal)
    await _decide(ctx, ctx.text("command"), charge_point, change, acknowledge=True)


@handles("SET_OPERATIVE", "SET_INOPERATIVE")
async def _set_operative(ctx: Context) -> None:
    charge_point = ctx.charge_point()
    command = ctx.text("command")
    apply = charge_point.unblock if command == "SET_OPERATIVE" else charge_point.block
    change = Change(apply=apply, result=dict)
    await _decide(ctx, command, charge_point, change, acknowledge=False)


@handles("START_SESSION")
async def _start_session(ctx: Context) -> None:
    charge_point, card_uid = ctx.charge_point(), ctx.text("session_token")

    def refusal() -> Outcome | None:
        refused = (
            card_uid not in ctx.account.card_uids()
            or charge_point.blocked
            or charge_point.charging
            or charge_point.vehicle_status in "EF"
        )
        return Outcome.REJECTED if refused else None

    change = Change(
        apply=lambda: charge_point.start_charging(card_uid), result=dict, refusal=refusal
    )
    await _decide(ctx, "START_SESSION", charge_point, change, acknowledge=True)


@handles("STOP_SESSION")
async def _stop_session(ctx: Context) -> None:
    charge_point = ctx.charge_point()
    if not charge_point.charging:
        # Refused by the cloud itself: the ack carries the error and no verdict follows.
        error = f"no active session for chargepoint: {charge_point.evse_id}"
        await ctx.reply(frames.received("STOP_SESSION", charge_point.evse_id, error))
        return
    change = Change(apply=charge_point.stop_charging, result=dict)
    await _decide(ctx, "STOP_SESSION", charge_point, change, acknowledge=True)


@handles("SOFT_RESET")
async def _soft_reset(ctx: Context) -> None:
    charge_point = ctx.charge_point()

    def apply() -> None:
        charge_point.resets += 1

    await _decide(
        ctx, "SOFT_RESET", charge_point, Change(apply=apply, result=dict), acknowledge=True
    )


@handles("REBOOT")
async def _reboot(ctx: Context) -> None:
    charge_point = ctx.charge_point()

    def apply() -> None:
        # A reboot ends the running session; the car stays plugged in.
        charge_point.reboots += 1
        charge_point.stop_charging()

    await _decide(ctx, "REBOOT", charge_point, Change(apply=apply, result=dict), acknowledge=True)


# Smart charging: answered with STATUS_<CMD> only; the result is the profile as it stands
# (read back as CH_SETTINGS sends it). Only a profile with "write" permission may change, and
# the two profiles are exclusive: switching one on while the other is on is refused.


async def _smart(
    ctx: Context,
    charge_point: ChargePoint,
    apply: Callable[[], None],
    refusal: Callable[[], bool] = lambda: False,
    *,
    settings: bool = True,
) -> None:
    delayed = "DELAYED" in ctx.text("command")
    profile = charge_point.delayed if delayed else charge_point.price_based
    builder = frames.delayed_charging if delayed else frames.price_based_charging

    def refused() -> Outcome | None:
        writable = charge_point.permission(profile) == "write"
        return Outcome.REJECTED if not writable or refusal() else None

    change = Change(
        apply=apply, result=lambda: builder(charge_point), settings=settings, refusal=refused
    )
    await _decide(ctx, ctx.text("command"), charge_point, change, acknowledge=False)


@handles("SET_DELAYED_CHARGING")
async def _set_delayed(ctx: Context) -> None:
    charge_point, value = ctx.charge_point(), ctx.flag("value")

    def apply() -> None:
        charge_point.delayed.enabled = value

    def refusal() -> bool:
        return value and charge_point.price_based.enabled

    await _smart(ctx, charge_point, apply, refusal)


def _parse_days(value: object) -> list[int]:
    """Days as the library sends them ("[1,2]"), or a plain list; 1 = Monday ... 7."""
    if isinstance(value, str):
        try:
            value = json.loads(value if value.startswith("[") else f"[{value}]")
        except json.JSONDecodeError:
            raise CommandError(ERROR_BAD_REQUEST) from None
    if not isinstance(value, list) or not all(
        isinstance(day, int) and not isinstance(day, bool) and 1 <= day <= 7 for day in value
    ):
        raise CommandError(ERROR_BAD_REQUEST)
    return sorted(set(value))


@handles("SAVE_SCHEDULE_DELAYED_CHARGING")
async def _save_delayed_schedule(ctx: Context) -> None:
    charge_point = ctx.charge_point()
    days = _parse_days(ctx.message.get("days"))
    start, end = ctx.clock_time("start_time"), ctx.clock_time("end_time")

    def apply() -> None:
        delayed = charge_point.delayed
        delayed.days, delayed.start_time, delayed.end_time = days, start, end

    await _smart(ctx, charge_point, apply)


@handles("SET_PRICE_BASED_CHARGING")
async def _set_price_based(ctx: Context) -> None:
    charge_point, value = ctx.charge_point(), ctx.flag("value")

    def apply() -> None:
        charge_point.price_based.enabled = value

    def refusal() -> bool:
        return value and charge_point.delayed.enabled

    await _smart(ctx, charge_point, apply, refusal)


_PERCENTAGES = ("current_battery_pct", "minimum_pct")


@handles("PATCH_PRICE_BASED_CHARGING_SETTINGS")
async def _patch_price_based(ctx: Context) -> None:
    charge_point = ctx.charge_point()
    # A partial update: only the fields sent change.
    departure = (
        ctx.clock_time("expected_departure_time")
        if ("expected_departure_time" in ctx.message)
        else None
    )
    numbers = {
        key: int(ctx.number(key))
        for key in ("current_battery_pct", "minimum_pct", "battery_size_kwh")
        if key in ctx.message
    }
    if any(not 0 <= numbers[key] <= 100 for key in _PERCENTAGES if key in numbers):
        raise CommandError(ERROR_BAD_REQUEST)
    if numbers.get("battery_size_kwh", 1) <= 0:
        raise CommandError(ERROR_BAD_REQUEST)

    def apply() -> None:
        price = charge_point.price_based
        if departure is not None:
            price.expected_departure_time = departure
        for key, number in numbers.items():
            setattr(price, key, number)

    await _smart(ctx, charge_point, apply)


@handles("OVERRIDE_CHARGING_PROFILES", "OVERRIDE_DELAYED_CHARGING_TIMEOUT")
async def _boost(ctx: Context) -> None:
    """Boost (value true) or end the boost of the running session under the command's profile.

    OVERRIDE_DELAYED_CHARGING_TIMEOUT is delayed charging's boost, OVERRIDE_CHARGING_PROFILES
    price-based charging's. Refused without a session or with that profile off.
    """
    charge_point, value = ctx.charge_point(), ctx.flag("value")
    delayed = "DELAYED" in ctx.text("command")
    profile = charge_point.delayed if delayed else charge_point.price_based

    def apply() -> None:
        charge_point.boosting = value

    def refusal() -> bool:
        return not charge_point.charging or not profile.enabled

    await _smart(ctx, charge_point, apply, refusal, settings=False)


# Override-current schedules of the account.


@handles("LIST_OVERRIDE_CURRENT")
async def _list_overrides(ctx: Context) -> None:
    await ctx.reply(frames.schedules(ctx.account))


def _schedule_from(ctx: Context, schedule_id: int) -> OverrideSchedule:
    evse_ids = ctx.message.get("chargepoints")
    if not isinstance(evse_ids, list) or not evse_ids:
        raise CommandError(ERROR_BAD_REQUEST)
    if not set(evse_ids) <= set(ctx.account.charge_points):
        raise CommandError(ERROR_NOT_AUTHORIZED)
    return OverrideSchedule(
        schedule_id=schedule_id,
        charge_points=[str(evse_id) for evse_id in evse_ids],
        start_time=ctx.clock_time("overridestarttime"),
        stop_time=ctx.clock_time("overridestoptime"),
        start_days=ctx.day_codes("overridestartdays"),
        stop_days=ctx.day_codes("overridestopdays"),
        current=_current(ctx),
    )


def _current(ctx: Context) -> float:
    value = ctx.number("overridevalue")
    if value < 0:
        raise CommandError(ERROR_BAD_REQUEST)
    return value


async def _apply_caps(ctx: Context, *schedules: OverrideSchedule | None) -> None:
    """Let the charge points of these schedules draw what the schedules now allow."""
    evse_ids = {evse_id for s in schedules if s is not None for evse_id in s.charge_points}
    for evse_id in sorted(evse_ids):
        charge_point = ctx.account.charge_points.get(evse_id)
        if charge_point is not None:
            charge_point.settle()
            await ctx.hub.publish(charge_point, settings=False)


def _schedule_id(ctx: Context) -> int:
    """schedule_id comes as an int (clear) or a string (edit)."""
    value = ctx.message.get("schedule_id")
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise CommandError(ERROR_BAD_REQUEST)
    try:
        return int(value)
    except ValueError:
        raise CommandError(ERROR_BAD_REQUEST) from None


@handles("POST_SET_OVERRIDE_CURRENT")
async def _set_override(ctx: Context) -> None:
    schedule = _schedule_from(ctx, ctx.account.next_schedule_id)
    ctx.account.next_schedule_id += 1
    ctx.account.schedules[schedule.schedule_id] = schedule
    await ctx.reply(frames.schedule_answer("POST_SET_OVERRIDE_CURRENT", schedule))
    await _apply_caps(ctx, schedule)


@handles("POST_EDIT_OVERRIDE_CURRENT")
async def _edit_override(ctx: Context) -> None:
    schedule = _schedule_from(ctx, _schedule_id(ctx))
    old = ctx.account.schedules.get(schedule.schedule_id)
    if old is not None:
        ctx.account.schedules[schedule.schedule_id] = schedule
    error = "" if old is not None else "NOT_FOUND"
    await ctx.reply(frames.schedule_answer("POST_EDIT_OVERRIDE_CURRENT", schedule, error))
    if old is not None:
        await _apply_caps(ctx, old, schedule)


@handles("POST_CLEAR_OVERRIDE_CURRENT")
async def _clear_override(ctx: Context) -> None:
    schedule_id = _schedule_id(ctx)
    removed = ctx.account.schedules.pop(schedule_id, None)
    await ctx.reply(frames.cleared(str(schedule_id), "" if removed else "NOT_FOUND"))
    await _apply_caps(ctx, removed)


async def dispatch(ctx: Context) -> None:
    """Run the command's handler; ERROR frames for unknown commands and bad requests."""
    handler = HANDLERS.get(str(ctx.message.get("command")), _unknown)
    try:
        await handler(ctx)
    except CommandError as err:
        await ctx.reply(frames.error(err.code))


async def _unknown(_ctx: Context) -> None:
    raise CommandError(ERROR_UNKNOWN_COMMAND)
