"""Polling coordinator of a Shell Recharge card: its sessions, polled faster after a command.

The card's active sessions are read every minute. A start or stop only asks the operator to
act, so after one the coordinator follows that session every 5 s until it settles (3 minutes
at most) and then falls back to the minute. A 429 from the API pauses every call until its
Retry-After has passed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Literal

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.event import async_call_later
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from ..api.shell import (
    ChargeSession,
    SessionState,
    ShellAuthError,
    ShellError,
    ShellNotFoundError,
    ShellRateLimitError,
    ShellRechargeClient,
)
from ..const import (
    CONF_DEFAULT_EVSE_ID,
    DOMAIN,
    LOGGER,
    SHELL_FAST_POLL_INTERVAL,
    SHELL_POLL_INTERVAL,
    SHELL_SETTLE_TIMEOUT,
)
from ..entry import CardConfigEntry
from .models import CardData, CommandFailure, FailureReason, session_failure

type Command = Literal["start", "stop"]

# While a command's session is in one of these, the operator has not answered yet.
_PENDING: dict[Command, frozenset[SessionState]] = {
    "start": frozenset({SessionState.START_REQUESTED}),
    "stop": frozenset(
        {SessionState.START_REQUESTED, SessionState.STARTED, SessionState.STOP_REQUESTED}
    ),
}


@dataclass(slots=True)
class _Followed:
    """A session a command is waiting for, and who waits."""

    command: Command
    cancel_deadline: CALLBACK_TYPE
    waiters: list[asyncio.Future[ChargeSession | None]] = field(default_factory=list)


class ShellCoordinator(DataUpdateCoordinator[CardData]):
    """Polls one Shell Recharge card through the partner API."""

    config_entry: CardConfigEntry

    def __init__(
        self,
        hass: HomeAssistant,
        entry: CardConfigEntry,
        client: ShellRechargeClient,
        ema_id: str,
    ) -> None:
        """Poll the card `ema_id` (as the API takes it) every minute."""
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"{DOMAIN} Shell Recharge card",
            update_interval=timedelta(seconds=SHELL_POLL_INTERVAL),
            always_update=False,
        )
        self.client = client
        self.ema_id = ema_id
        # The card's ids are those it was added with: a number stored before the check
        # character was checked (or added) keeps its entities.
        self.card_id = entry.unique_id or "".join(ema_id.split()).upper().replace("-", "")
        self.data = CardData()
        self._following: dict[str, _Followed] = {}
        self._shown_id: str | None = None
        self._quiet_until: datetime | None = None

    @property
    def default_evse_id(self) -> str | None:
        """The EVSE the start button uses; None when the user chose none."""
        value = self.config_entry.options.get(CONF_DEFAULT_EVSE_ID)
        return str(value) if value else None

    @property
    def following(self) -> tuple[str, ...]:
        """The sessions polled at the fast pace."""
        return tuple(self._following)

    @property
    def rate_limited_until(self) -> datetime | None:
        """Until when the API asked us not to call it; None when it did not."""
        return self._quiet_until

    # Commands: the API calls, then following the session until it settles.

    async def async_start(self, evse_id: str) -> str:
        """Ask to start a session at `evse_id`; return its id and follow it."""
        session_id = await self._call(self.client.start(self.ema_id, evse_id))
        self._shown_id = session_id
        await self._async_follow(session_id, "start")
        return session_id

    async def async_stop(self, session_id: str) -> None:
        """Ask to stop a session, and follow it until it stopped."""
        await self._call(self.client.stop(session_id))
        await self._async_follow(session_id, "stop")

    async def async_wait_settled(self, session_id: str) -> ChargeSession | None:
        """The session once the operator answered the command; None if it did not in time."""
        followed = self._following.get(session_id)
        if followed is None:
            return self.data.find(session_id)
        waiter: asyncio.Future[ChargeSession | None] = self.hass.loop.create_future()
        followed.waiters.append(waiter)
        return await waiter

    @callback
    def async_set_failure(self, failure: CommandFailure | None) -> None:
        """Show what went wrong with a command (None: nothing) on the last error sensor."""
        if failure != self.data.last_error:
            self.data = replace(self.data, last_error=failure)
            self.async_update_listeners()

    async def _call[T](self, action: Awaitable[T]) -> T:
        try:
            return await action
        except ShellRateLimitError as err:
            self._hold_off(err.retry_after)
            raise

    async def _async_follow(self, session_id: str, command: Command) -> None:
        previous = self._following.pop(session_id, None)
        if previous is not None:
            previous.cancel_deadline()
            _wake(previous, None)

        @callback
        def give_up(_now: datetime) -> None:
            # Whatever ends a follow cancels this timer first: the session is still followed.
            followed = self._following.pop(session_id)
            LOGGER.debug("No answer to the %s of a Shell session within the limit", command)
            reason = (
                FailureReason.START_NOT_CONFIRMED
                if command == "start"
                else FailureReason.STOP_NOT_CONFIRMED
            )
            self.async_set_failure(CommandFailure(reason, session_id=session_id))
            _wake(followed, None)
            self._set_pace()

        cancel = async_call_later(self.hass, SHELL_SETTLE_TIMEOUT, give_up)
        self._following[session_id] = _Followed(command, cancel)
        self._set_pace()
        await self.async_refresh()

    def _set_pace(self) -> None:
        seconds = SHELL_FAST_POLL_INTERVAL if self._following else SHELL_POLL_INTERVAL
        self.update_interval = timedelta(seconds=seconds)

    def _hold_off(self, retry_after: float | None) -> float:
        """Call nothing before Retry-After (our normal interval when the API gave none)."""
        seconds = retry_after if retry_after is not None else SHELL_POLL_INTERVAL
        self._quiet_until = dt_util.utcnow() + timedelta(seconds=seconds)
        return seconds

    # Polling.

    async def _async_update_data(self) -> CardData:
        if self._quiet_until is not None:
            if dt_util.utcnow() < self._quiet_until:
                # Rate limited by a command or an earlier poll: keep what we know.
                return self.data
            self._quiet_until = None
        try:
            return await self._async_fetch()
        except ShellAuthError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN, translation_key="shell_auth_failed"
            ) from err
        except ShellRateLimitError as err:
            seconds = self._hold_off(err.retry_after)
            raise UpdateFailed(
                translation_domain=DOMAIN,
                translation_key="shell_rate_limited",
                translation_placeholders={"retry_after": f"{seconds:g}"},
                # One second more: the coordinator rounds the loop time down when it schedules.
                retry_after=seconds + 1,
            ) from err
        except ShellError as err:
            LOGGER.debug("Shell Recharge: reading the sessions failed: %s", err)
            raise UpdateFailed(
                translation_domain=DOMAIN, translation_key="shell_update_failed"
            ) from err

    async def _async_fetch(self) -> CardData:
        previous = self.data
        active = tuple(await self.client.active(self.ema_id))
        by_id = {s.session_id: s for s in active}
        # A session that left the active list is over: ask how it ended, for the sessions
        # a command waits for and the one the entities show.
        wanted = set(self._following)
        if previous.session is not None and not previous.session.state.is_final:
            wanted.add(previous.session.session_id)
        ended: dict[str, ChargeSession] = {}
        for session_id in sorted(wanted - by_id.keys()):
            session = await self._async_retrieve_ended(session_id, previous)
            if session is not None:
                ended[session_id] = session
        known = by_id | ended
        # Read now, not before the requests: a command may have failed meanwhile.
        last_error = self._settle(known, self.data.last_error)
        return CardData(
            active=active, session=self._shown(known, active, previous), last_error=last_error
        )

    async def _async_retrieve_ended(
        self, session_id: str, previous: CardData
    ) -> ChargeSession | None:
        try:
            return await self.client.retrieve(session_id)
        except ShellNotFoundError:
            # Forgotten by the API: it is over; keep what we knew, marked stopped.
            known = previous.find(session_id)
            return None if known is None else replace(known, state=SessionState.STOPPED)

    def _settle(
        self, known: dict[str, ChargeSession], last_error: CommandFailure | None
    ) -> CommandFailure | None:
        """Wake the commands whose session the operator answered; return the last error."""
        for session_id, followed in list(self._following.items()):
            session = known.get(session_id)
            if session is not None and session.state in _PENDING[followed.command]:
                continue
            del self._following[session_id]
            followed.cancel_deadline()
            if session is None:
                last_error = CommandFailure(FailureReason.SESSION_NOT_FOUND, session_id=session_id)
            elif session.state is SessionState.FAILED_TO_START:
                last_error = session_failure(session, FailureReason.START_FAILED)
            elif session.state is SessionState.FAILED_TO_STOP:
                last_error = session_failure(session, FailureReason.STOP_FAILED)
            else:
                last_error = None
            _wake(followed, session)
        self._set_pace()
        return last_error

    def _shown(
        self,
        known: dict[str, ChargeSession],
        active: tuple[ChargeSession, ...],
        previous: CardData,
    ) -> ChargeSession | None:
        """The followed or newest session; an ended one stays until another begins."""
        shown = previous.session
        if self._shown_id is not None:
            shown = known.get(self._shown_id) or previous.find(self._shown_id)
        if (shown is None or shown.state.is_final) and active:
            shown = max(active, key=_recency)
        self._shown_id = None if shown is None else shown.session_id
        return shown

    async def async_shutdown(self) -> None:
        """Release every command still waiting, then stop polling."""
        for followed in self._following.values():
            followed.cancel_deadline()
            _wake(followed, None)
        self._following.clear()
        await super().async_shutdown()


def _wake(followed: _Followed, session: ChargeSession | None) -> None:
    for waiter in followed.waiters:
        if not waiter.done():
            waiter.set_result(session)


def _recency(session: ChargeSession) -> datetime:
    moment = session.last_updated or session.started_at
    return moment if moment is not None else datetime.min.replace(tzinfo=dt_util.UTC)
