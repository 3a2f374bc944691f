"""The connection of a Blue Current account: connect, back off, obey the rate limit, keep it fresh.

What an event changes is worked out in state.py; this module only owns the websocket's
lifecycle and acts on those changes (wake entities, ask for details, remove devices).
"""

from __future__ import annotations

import asyncio
from collections.abc import Set as AbstractSet
from datetime import datetime, timedelta
import random
import time
from typing import TYPE_CHECKING

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed, ConfigEntryNotReady
from homeassistant.helpers import device_registry as dr, issue_registry as ir
from homeassistant.helpers.event import (
    async_call_later,
    async_track_point_in_utc_time,
    async_track_time_interval,
)
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator

from ..api.bluecurrent import (
    Activity,
    BlueCurrentAuthError,
    BlueCurrentClient,
    BlueCurrentError,
    BlueCurrentRateLimitError,
    ChargePointsEvent,
    ChargePointStatus,
    Event,
    StatusEvent,
)
from ..const import (
    DOMAIN,
    LOGGER,
    RECONNECT_MAX_DELAY,
    RECONNECT_MIN_DELAY,
    SETUP_TIMEOUT,
    SILENT_CHARGING_AFTER,
)
from ..entry import AccountConfigEntry
from ..timefmt import local_time
from .happenings import Happenings
from .listeners import KeyListeners, Listeners
from .state import AccountData, Change

if TYPE_CHECKING:
    from .limit import CurrentLimits

WATCHDOG_INTERVAL = timedelta(seconds=60)
# The cloud does not push a changed list of charge points or cards: ask now and then.
ACCOUNT_REFRESH_INTERVAL = timedelta(hours=1)


def reconnect_delay(attempt: int) -> float:
    """Exponential backoff with jitter: about 1 s, 2 s, 4 s … capped at 5 minutes."""
    # The exponent is bounded: after days of outage 2**attempt would overflow a float.
    ceiling = min(RECONNECT_MAX_DELAY, RECONNECT_MIN_DELAY * 2 ** min(attempt + 1, 16))
    return max(RECONNECT_MIN_DELAY, random.uniform(ceiling / 2, ceiling))


def account_label(entry: ConfigEntry) -> str:
    """How the log names an account: by the end of its entry id, never by its title.

    The title is the account's e-mail address, which must not reach the log.
    """
    return f"account {entry.entry_id[-6:]}"


def rate_limit_issue_id(entry: ConfigEntry) -> str:
    """The repair issue shown while an account is at its request limit."""
    return f"rate_limited_{entry.entry_id}"


class BlueCurrentCoordinator(DataUpdateCoordinator[AccountData]):
    """Keeps one websocket to the Blue Current cloud for a config entry.

    Entities subscribe per charge point or grid (`key_listeners`), so a status push only
    wakes the entities that show a changed field; `async_update_listeners` is kept for what
    concerns everyone (connection lost or back, the list of charge points, the cards).
    """

    config_entry: AccountConfigEntry
    limits: CurrentLimits  # the current-limit writers, set up with the account

    def __init__(
        self, hass: HomeAssistant, entry: AccountConfigEntry, client: BlueCurrentClient
    ) -> None:
        """Create the coordinator; nothing connects before async_start."""
        super().__init__(hass, LOGGER, config_entry=entry, name=DOMAIN, always_update=False)
        self.client = client
        self.data = AccountData()
        # Until the charge points arrive nothing is known: entities start unavailable.
        self.last_update_success = False
        # Entities listen per charge point or grid; platforms listen for new ones.
        self.key_listeners = KeyListeners()
        self.structure_listeners = Listeners()
        # Sessions starting and stopping, cars plugging in, commands refused: live only.
        self.happenings = Happenings()
        self._last_status_at: dict[str, float] = {}
        self._awaiting_status: set[str] = set()
        self._grid_asked: set[str] = set()
        self._ready = asyncio.Event()
        self._charge_points_known = False
        self._was_connected = False
        self._fresh_connection = True
        self._broken: str | None = None  # why the coordinator itself ended the connection
        self.label = account_label(entry)

    @property
    def connected(self) -> bool:
        """Whether the connection is up and the charge points are known."""
        return self.last_update_success

    # Lifecycle.

    async def async_start(self) -> None:
        """Validate the token, start the connection task, wait for the charge points."""
        try:
            await self.client.validate_token()
        except BlueCurrentAuthError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="invalid_token"
            ) from err
        except BlueCurrentRateLimitError as err:
            raise ConfigEntryNotReady(
                translation_domain=DOMAIN,
                translation_key="rate_limited",
                translation_placeholders={"reset_at": local_time(err.reset_at)},
            ) from err
        except BlueCurrentError as err:
            raise ConfigEntryNotReady(
                translation_domain=DOMAIN, translation_key="cannot_connect"
            ) from err
        entry = self.config_entry
        entry.async_create_background_task(
            self.hass, self._run_connection(), f"{DOMAIN} websocket {self.label}"
        )
        entry.async_on_unload(self.client.disconnect)
        entry.async_on_unload(
            async_track_time_interval(self.hass, self._async_watchdog, WATCHDOG_INTERVAL)
        )
        entry.async_on_unload(
            async_track_time_interval(
                self.hass, self._async_refresh_account, ACCOUNT_REFRESH_INTERVAL
            )
        )
        try:
            async with asyncio.timeout(SETUP_TIMEOUT):
                await self._ready.wait()
        except TimeoutError:
            if not self._charge_points_known:
                raise ConfigEntryNotReady(
                    translation_domain=DOMAIN, translation_key="setup_timeout"
                ) from None

    async def _run_connection(self) -> None:
        """Connect, and reconnect with backoff, until the entry unloads.

        Whatever ends a connection, it is logged, the entities go unavailable and a new one
        follows: nothing may end this task but the entry's unload (or a refused token).
        """
        attempt = 0
        while True:
            try:
                await self.client.run(self._handle_event, self._on_open)
            except BlueCurrentAuthError:
                self._mark_disconnected("the API token is no longer valid")
                self.config_entry.async_start_reauth(self.hass)
                return
            except BlueCurrentRateLimitError as err:
                self._mark_disconnected("the daily request limit was reached")
                self._create_rate_limit_issue(err.reset_at)
                await self._sleep_until(err.reset_at)
                continue
            except BlueCurrentError as err:
                reason = str(err)
            except Exception as err:  # a fault of ours must not end the task unseen
                LOGGER.exception("Unexpected error on the connection of %s", self.label)
                reason = f"unexpected error ({type(err).__name__})"
            else:
                if self._broken is None:
                    return  # disconnect() was called: the entry is unloading
                reason = self._broken
            self._broken = None
            if self.connected:
                attempt = 0
            self._mark_disconnected(reason)
            delay = reconnect_delay(attempt)
            LOGGER.debug(
                "%s: connection ended (%s); next attempt in %.1f s", self.label, reason, delay
            )
            await self._sleep(delay)
            attempt += 1

    async def _on_open(self) -> None:
        self._fresh_connection = True
        self._broken = None
        self.happenings.connection_changed()
        await self.client.request_charge_points()
        if not self.data.cards:
            await self.client.request_charge_cards()

    async def _sleep(self, seconds: float) -> None:
        # Timers instead of asyncio.sleep, so tests can move time with async_fire_time_changed.
        # The callbacks are marked @callback: they must run in the event loop, not a thread.
        wake = asyncio.Event()
        cancel = async_call_later(self.hass, seconds, callback(lambda _: wake.set()))
        try:
            await wake.wait()
        finally:
            cancel()

    async def _sleep_until(self, moment: datetime) -> None:
        wake = asyncio.Event()
        cancel = async_track_point_in_utc_time(self.hass, callback(lambda _: wake.set()), moment)
        try:
            await wake.wait()
        finally:
            cancel()

    @callback
    def _mark_connected(self) -> None:
        if self.connected:
            return
        self.last_update_success = True
        if self._was_connected:
            LOGGER.info("Connection to Blue Current (%s) is back", self.label)
        self._was_connected = True
        ir.async_delete_issue(self.hass, DOMAIN, rate_limit_issue_id(self.config_entry))
        self.async_update_listeners()

    @callback
    def _mark_disconnected(self, reason: str) -> None:
        if not self.connected:
            return
        self.last_update_success = False
        self.happenings.connection_changed()
        LOGGER.info("Connection to Blue Current (%s) lost: %s", self.label, reason)
        self.async_update_listeners()

    def _create_rate_limit_issue(self, reset_at: datetime) -> None:
        ir.async_create_issue(
            self.hass,
            DOMAIN,
            rate_limit_issue_id(self.config_entry),
            is_fixable=False,
            severity=ir.IssueSeverity.WARNING,
            translation_key="rate_limited",
            # No account name here: repair issues end up in diagnostics, the e-mail must not.
            translation_placeholders={"reset_at": local_time(reset_at)},
        )

    # Events from the cloud.

    @callback
    def handle_local(self, event: Event) -> None:
        """Apply what a command's answer told (e.g. a stored schedule) as if it was pushed."""
        self._handle_event(event)

    @callback
    def _handle_event(self, event: Event) -> None:
        if self._broken is not None:
            return  # the connection is being ended; the next one starts from scratch
        try:
            self._apply(event)
        except Exception as err:  # what we know may be off: start over
            LOGGER.exception("Could not take an update from Blue Current for %s", self.label)
            self._end_connection(f"an update could not be taken ({type(err).__name__})")

    def _apply(self, event: Event) -> None:
        before = self._held_status(event)
        change = self.data.apply(event)
        if isinstance(event, StatusEvent):
            self._on_status(event.status.evse_id)
        elif isinstance(event, ChargePointsEvent):
            self._on_charge_points(change)
        if change.unplaced:
            self._ask_grids(change.unplaced)
        if change.removed:
            self._remove_devices(change.removed)
        self.key_listeners.notify(change)
        if change.added or change.removed:
            self.structure_listeners.notify()
        if change.everyone:
            self.async_update_listeners()
        if isinstance(event, StatusEvent) and event.status.evse_id in self.data.charge_points:
            changed = change.keys.get(event.status.evse_id, frozenset())
            self.happenings.status_arrived(before, event.status, changed, self.data.cards)

    def _held_status(self, event: Event) -> ChargePointStatus | None:
        """The status a pushed one follows on this connection (None: nothing to compare)."""
        if not isinstance(event, StatusEvent) or not self.happenings.is_live(event.status.evse_id):
            return None
        cp = self.data.charge_points.get(event.status.evse_id)
        return None if cp is None else cp.status

    def _end_connection(self, reason: str) -> None:
        """Close the connection; _run_connection reports `reason` and reconnects."""
        self._broken = reason
        self.config_entry.async_create_background_task(
            self.hass, self.client.disconnect(), f"{DOMAIN} end connection {self.label}"
        )

    def _on_status(self, evse_id: str) -> None:
        if evse_id not in self.data.charge_points:
            return
        self._last_status_at[evse_id] = time.monotonic()
        if self._awaiting_status:
            self._awaiting_status.discard(evse_id)
            if not self._awaiting_status:
                self._ready.set()

    def _on_charge_points(self, change: Change) -> None:
        self._charge_points_known = True
        self._mark_connected()
        listed = list(self.data.charge_points)
        # After a (re)connect every status may be stale; on a refresh only new ones are missing.
        fresh = self._fresh_connection
        to_ask = listed if fresh else [e for e in listed if e in change.added]
        self._fresh_connection = False
        self._awaiting_status.update(to_ask)
        if not self._awaiting_status:
            self._ready.set()
        if to_ask:
            self.config_entry.async_create_background_task(
                self.hass, self._ask_details(to_ask), f"{DOMAIN} details"
            )
        if fresh and self.data.overrides is None:
            # Which override schedules exist (the current limit is one): once, after the
            # statuses were asked for; the hourly refresh keeps the list fresh, so a reconnect
            # costs no extra request.
            self.config_entry.async_create_background_task(
                self.hass, self._list_overrides(), f"{DOMAIN} overrides"
            )

    async def _ask_details(self, evse_ids: list[str]) -> None:
        """Ask the status of every charge point, and the grid of those not yet placed."""
        try:
            for evse_id in evse_ids:
                await self.client.request_status(evse_id)
            await self._ask_grids_now(evse_ids)
        except BlueCurrentError as err:
            LOGGER.debug("Could not ask for details: %s", err)

    async def _list_overrides(self) -> None:
        """Ask for the override-current schedules (the answer arrives as an event too)."""
        try:
            await self.client.list_override_currents()
        except BlueCurrentError as err:
            LOGGER.debug("Could not list the override schedules: %s", err)

    def _ask_grids(self, evse_ids: AbstractSet[str]) -> None:
        self.config_entry.async_create_background_task(
            self.hass, self._ask_grids_now(sorted(evse_ids)), f"{DOMAIN} grids"
        )

    async def _ask_grids_now(self, evse_ids: list[str]) -> None:
        # A grid's members never change while we run: each charge point is asked once.
        # In list order, so the first charge point's grid (core's only grid) comes first.
        for evse_id in [e for e in evse_ids if e not in self._grid_asked]:
            self._grid_asked.add(evse_id)
            try:
                await self.client.request_grid_status(evse_id)
            except BlueCurrentError:
                self._grid_asked.discard(evse_id)
                raise

    def _remove_devices(self, evse_ids: AbstractSet[str]) -> None:
        registry = dr.async_get(self.hass)
        for evse_id in evse_ids:
            self._last_status_at.pop(evse_id, None)
            self._grid_asked.discard(evse_id)  # when it comes back, its grid is asked again
            if evse_id in self._awaiting_status:
                self._awaiting_status.discard(evse_id)
                if not self._awaiting_status:
                    self._ready.set()
            device = registry.async_get_device_by_identifier(
                (DOMAIN, evse_id), self.config_entry.entry_id
            )
            if device is not None:
                registry.async_remove_device(device.id)

    async def _async_watchdog(self, _now: datetime) -> None:
        """Ask again for the status of charging charge points that went silent."""
        if not self.connected:
            return
        silent_since = time.monotonic() - SILENT_CHARGING_AFTER
        for evse_id, cp in self.data.charge_points.items():
            if cp.status is None or cp.status.activity is not Activity.CHARGING:
                continue
            if self._last_status_at.get(evse_id, 0.0) < silent_since:
                self._last_status_at[evse_id] = time.monotonic()
                try:
                    await self.client.request_status(evse_id)
                except BlueCurrentError as err:
                    LOGGER.debug("Watchdog could not ask %s: %s", evse_id, err)

    async def _async_refresh_account(self, _now: datetime) -> None:
        """Pick up charge points, cards and override schedules added or removed elsewhere."""
        if not self.connected:
            return
        try:
            await self.client.request_charge_points()
            await self.client.request_charge_cards()
        except BlueCurrentError as err:
            LOGGER.debug("Could not refresh the account: %s", err)
            return
        await self._list_overrides()

    async def _async_update_data(self) -> AccountData:
        # Pushed, never polled; a refresh returns what we have.
        return self.data
