"""The charging-current limit of a charge point: an override schedule this integration owns.

The cloud has no "set the current now" command; a limit is an override-current schedule.
Each charge point gets at most one schedule of ours, covering the whole week. Its id is
stored, so it is found again after a restart; a schedule made elsewhere (the app, another
tool) is never edited or cleared. At the charge point's max usage the schedule is cleared.

Writes are coalesced, because a slider drag or a control loop (evcc) asks many times: the
first request opens a window of COALESCE_WINDOW seconds, the last value asked in it is sent,
a value equal to what the cloud lists sends nothing, and a charge point gets at most one
command per MIN_INTERVAL seconds. A refused write is told to the session event entity.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
import math
from typing import TYPE_CHECKING

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from ..api.bluecurrent import (
    BlueCurrentCommandRejectedError,
    BlueCurrentConnectionError,
    BlueCurrentError,
    BlueCurrentNotConnectedError,
    OverrideCurrentPlan,
    OverrideSchedule,
    OverrideSchedulesEvent,
)
from ..const import DOMAIN, LOGGER
from .charging import WEEKDAY_CODES

if TYPE_CHECKING:
    from .coordinator import BlueCurrentCoordinator

STORAGE_VERSION = 1
COALESCE_WINDOW = 3.0  # seconds from the first request to the write
MIN_INTERVAL = 10.0  # seconds between two commands for one charge point
RETRY_AFTER = MIN_INTERVAL  # a write that found no connection tries again this much later
MIN_CURRENT = 6  # amperes: below this a car stops charging (IEC 61851)
DEFAULT_MAX_CURRENT = 32  # amperes, while the charge point's max usage is not known
COMMAND = "charging_current_limit"
# The whole week: every day from 00:00 to the next day's 00:00.
WHOLE_WEEK_TIME = "00:00"


def whole_week_plan(evse_id: str, amps: int) -> OverrideCurrentPlan:
    """The schedule of ours: this charge point, every day, all day."""
    return OverrideCurrentPlan(
        charge_points=(evse_id,),
        start_time=WHOLE_WEEK_TIME,
        start_days=WEEKDAY_CODES,
        stop_time=WHOLE_WEEK_TIME,
        stop_days=WEEKDAY_CODES,
        current=float(amps),
    )


def _owned_store(hass: HomeAssistant, entry_id: str) -> Store[dict[str, str]]:
    """Where an account remembers which schedules are ours (evse_id -> schedule id)."""
    return Store(hass, STORAGE_VERSION, f"{DOMAIN}.current_limits.{entry_id}")


async def async_forget_owned(hass: HomeAssistant, entry_id: str) -> None:
    """Remove what an account remembered of its schedules (the entry is deleted)."""
    await _owned_store(hass, entry_id).async_remove()


def requested_amperes(value: float, maximum: int) -> int:
    """Whole amperes for a requested value: rounded down (never above what was asked)."""
    return max(MIN_CURRENT, min(maximum, math.floor(value + 1e-6)))


class CurrentLimits:
    """The current-limit schedules of one account's charge points, and their writes."""

    def __init__(self, hass: HomeAssistant, coordinator: BlueCurrentCoordinator) -> None:
        """Nothing owned until async_load."""
        self._hass = hass
        self._coordinator = coordinator
        self._store = _owned_store(hass, coordinator.config_entry.entry_id)
        self._owned: dict[str, str] = {}  # evse_id -> the id of our schedule
        self._pending: dict[str, int] = {}
        self._timers: dict[str, CALLBACK_TYPE] = {}
        self._sending: set[str] = set()
        self._last_sent: dict[str, datetime] = {}

    async def async_load(self) -> None:
        """Read which schedules are ours."""
        stored = await self._store.async_load()
        if isinstance(stored, dict):
            self._owned = {str(evse): str(sid) for evse, sid in stored.items()}

    @callback
    def async_shutdown(self) -> None:
        """Drop writes not sent yet (the entry unloads)."""
        for cancel in self._timers.values():
            cancel()
        self._timers.clear()
        self._pending.clear()

    @property
    def owned(self) -> dict[str, str]:
        """The schedule that is ours, per charge point."""
        return dict(self._owned)

    @property
    def busy(self) -> bool:
        """Whether a write waits for its window or for the cloud's answer."""
        return bool(self._pending or self._sending or self._timers)

    @property
    def sending(self) -> bool:
        """Whether a write waits for the cloud's answer."""
        return bool(self._sending)

    # What the cloud lists.

    def max_current(self, evse_id: str) -> int | None:
        """The charge point's max usage, in whole amperes."""
        cp = self._coordinator.data.charge_points.get(evse_id)
        if cp is None or cp.status is None or not cp.status.max_usage:
            return None
        return int(cp.status.max_usage)

    def schedule(self, evse_id: str) -> OverrideSchedule | None:
        """Our schedule for the charge point, as the cloud lists it."""
        schedule_id = self._owned.get(evse_id)
        listed = self._coordinator.data.overrides
        if schedule_id is None or listed is None:
            return None
        return next(
            (s for s in listed if s.schedule_id == schedule_id and s.charge_points == (evse_id,)),
            None,
        )

    def limit(self, evse_id: str) -> float | None:
        """The limit as the cloud lists it: our schedule's current, else the max usage."""
        if self._coordinator.data.overrides is None:
            return None
        schedule = self.schedule(evse_id)
        if schedule is not None:
            return schedule.current
        maximum = self.max_current(evse_id)
        return None if maximum is None else float(maximum)

    # Writes.

    @callback
    def request(self, evse_id: str, value: float) -> None:
        """Ask for a limit; it is sent once the window closes, if it still differs."""
        maximum = self.max_current(evse_id) or DEFAULT_MAX_CURRENT
        self._pending[evse_id] = requested_amperes(value, maximum)
        if evse_id not in self._timers and evse_id not in self._sending:
            self._schedule(evse_id, COALESCE_WINDOW)

    def _schedule(self, evse_id: str, delay: float) -> None:
        last = self._last_sent.get(evse_id)
        if last is not None:
            spacing = MIN_INTERVAL - (dt_util.utcnow() - last).total_seconds()
            delay = max(delay, spacing)

        @callback
        def fire(_now: datetime) -> None:
            self._timers.pop(evse_id, None)
            self._coordinator.config_entry.async_create_background_task(
                self._hass, self._async_flush(evse_id), f"{DOMAIN} current limit {evse_id}"
            )

        self._timers[evse_id] = async_call_later(self._hass, max(delay, 0.0), fire)

    async def _async_flush(self, evse_id: str) -> None:
        target = self._pending.pop(evse_id, None)
        if target is None:
            return
        self._sending.add(evse_id)
        retry = False
        try:
            await self._async_write(evse_id, target)
        except BlueCurrentConnectionError:
            # No connection: try again later, unless something newer was asked meanwhile.
            self._pending.setdefault(evse_id, target)
            retry = True
        except BlueCurrentError as err:
            reason = getattr(err, "reason", str(err))
            LOGGER.warning("Could not set the current limit of %s: %s", evse_id, reason)
            self._coordinator.happenings.report_rejection(evse_id, COMMAND, reason)
        finally:
            self._sending.discard(evse_id)
        if evse_id in self._pending and evse_id not in self._timers:
            self._schedule(evse_id, RETRY_AFTER if retry else COALESCE_WINDOW)

    async def _async_write(self, evse_id: str, target: int) -> None:
        """Make the cloud list `target` for the charge point, with at most one command."""
        client = self._coordinator.client
        if self._coordinator.data.overrides is None:
            # Which schedule is ours is not known before the cloud listed them.
            raise BlueCurrentNotConnectedError("override schedules not listed yet")
        ours = self.schedule(evse_id)
        if ours is None and evse_id in self._owned:
            await self._async_forget(evse_id)  # removed elsewhere: not ours to look for
        if target == self.limit(evse_id):
            return
        maximum = self.max_current(evse_id)
        if maximum is not None and target >= maximum:
            if ours is None:
                return
            self._last_sent[evse_id] = dt_util.utcnow()
            await client.clear_override_current(ours.schedule_id)
            await self._async_forget(evse_id)
            self._list_locally(lambda s: s.schedule_id != ours.schedule_id)
            return
        plan = whole_week_plan(evse_id, target)
        self._last_sent[evse_id] = dt_util.utcnow()
        stored: OverrideSchedule | None = None
        if ours is not None:
            try:
                stored = await client.edit_override_current(ours.schedule_id, plan)
            except BlueCurrentCommandRejectedError as err:
                if "NOT_FOUND" not in err.reason.upper():
                    raise
                await self._async_forget(evse_id)  # gone meanwhile: make a new one
        if stored is None:
            stored = await client.set_override_current(plan)
        self._owned[evse_id] = stored.schedule_id
        await self._store.async_save(dict(self._owned))
        listed = stored
        self._list_locally(lambda s: s.schedule_id != listed.schedule_id, add=listed)

    async def _async_forget(self, evse_id: str) -> None:
        if self._owned.pop(evse_id, None) is not None:
            await self._store.async_save(dict(self._owned))

    def _list_locally(
        self, keep: Callable[[OverrideSchedule], bool], add: OverrideSchedule | None = None
    ) -> None:
        """What the cloud's answer says it lists now, as if it had been listed again."""
        listed = tuple(s for s in self._coordinator.data.overrides or () if keep(s))
        if add is not None:
            listed = (*listed, add)
        self._coordinator.handle_local(OverrideSchedulesEvent(listed))
