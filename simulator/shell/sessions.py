"""The charge sessions of the fake Shell cloud and the clock-driven machine that moves them.

Start and stop only request a change; the operator's answer comes after a delay on the
injected clock. The state is computed lazily: `advance(now)` replays every change that is due.
The simulator keeps its own copy of the states on purpose: it must not share code with the
client it tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum


class State(StrEnum):
    """Session states as the API names them."""

    START_REQUESTED = "start-requested"
    STARTED = "started"
    STOP_REQUESTED = "stop-requested"
    STOPPED = "stopped"
    FAILED_TO_START = "failed-to-start"
    FAILED_TO_STOP = "failed-to-stop"


FINAL_STATES = frozenset({State.STOPPED, State.FAILED_TO_START})
EVSE_IN_USE = ("EvseInUse", "Evse in use")
EV_NOT_CONNECTED = ("EvNotConnectedToEvse", "EV not connected to EVSE")


@dataclass(slots=True)
class SimSession:
    """One session; mutable because the machine moves it along."""

    session_id: str
    user_id: str
    ema_id: str
    card: str  # the compact EMA-ID, to find a card's sessions however it was written
    evse_id: str
    requested_at: datetime
    last_updated: datetime
    state: State = State.START_REQUESTED
    started_at: datetime | None = None
    stop_requested_at: datetime | None = None
    stopped_at: datetime | None = None
    error: tuple[str, str] | None = None  # (code, message) of the last failure
    start_failure: tuple[str, str] | None = None  # decided when the start was accepted
    stop_failure: tuple[str, str] | None = None

    @property
    def is_final(self) -> bool:
        """Whether nothing more will happen to this session."""
        return self.state in FINAL_STATES


class SessionBook:
    """All sessions, the EVs plugged in, and the rules that move sessions over time."""

    def __init__(
        self, *, start_delay: float, stop_delay: float, session_limit: float | None
    ) -> None:
        """Set the operator's delays (seconds) and how long a session may charge by itself."""
        self.start_delay = start_delay
        self.stop_delay = stop_delay
        self.session_limit = session_limit
        self.sessions: dict[str, SimSession] = {}
        self.ev_connected: dict[str, bool] = {}
        self.start_failures: dict[str, tuple[str, str]] = {}

    def busy(self, evse_id: str) -> bool:
        """Whether a session that is not over holds the EVSE."""
        return any(s.evse_id == evse_id and not s.is_final for s in self.sessions.values())

    def open(self, session: SimSession) -> None:
        """Record a start request; its outcome is fixed now if the EVSE is taken."""
        if self.busy(session.evse_id):
            session.start_failure = EVSE_IN_USE
        elif (scripted := self.start_failures.pop(session.evse_id, None)) is not None:
            session.start_failure = scripted
        self.sessions[session.session_id] = session

    def request_stop(self, session: SimSession, now: datetime) -> None:
        """Ask the operator to stop; nothing changes for a stop already under way."""
        if session.state is not State.STOP_REQUESTED:
            session.state = State.STOP_REQUESTED
            session.stop_requested_at = now
            session.last_updated = now

    def end(self, session: SimSession, now: datetime) -> None:
        """End a session by itself, as when the cable is pulled."""
        session.state = State.STOPPED
        session.stopped_at = now
        session.last_updated = now

    def set_ev_connected(self, evse_id: str, connected: bool, now: datetime) -> None:
        """Plug an EV in or out; unplugging ends the session running at that EVSE."""
        self.advance(now)
        self.ev_connected[evse_id] = connected
        if not connected:
            for session in self.sessions.values():
                if session.evse_id == evse_id and session.state in _CHARGING:
                    self.end(session, now)

    def advance(self, now: datetime) -> None:
        """Apply every change that is due by `now`, in order."""
        for session in self.sessions.values():
            while self._step(session, now):
                pass

    def _step(self, session: SimSession, now: datetime) -> bool:
        """Make the next due change to one session; False when none is due."""
        if session.state is State.START_REQUESTED:
            due = session.requested_at + timedelta(seconds=self.start_delay)
            if now < due:
                return False
            failure = session.start_failure
            if failure is None and not self.ev_connected.get(session.evse_id, True):
                failure = EV_NOT_CONNECTED
            if failure is None:
                session.state = State.STARTED
                session.started_at = due
            else:
                session.state = State.FAILED_TO_START
                session.error = failure
            session.last_updated = due
            return True
        if session.state is State.STOP_REQUESTED and session.stop_requested_at is not None:
            due = session.stop_requested_at + timedelta(seconds=self.stop_delay)
            if now < due:
                return False
            if session.stop_failure is None:
                self.end(session, due)
            else:
                session.state = State.FAILED_TO_STOP
                session.error, session.stop_failure = session.stop_failure, None
                session.last_updated = due
            return True
        if (
            session.state is State.STARTED
            and self.session_limit is not None
            and session.started_at is not None
        ):
            due = session.started_at + timedelta(seconds=self.session_limit)
            if now >= due:
                self.end(session, due)
                return True
        return False


_CHARGING = frozenset({State.STARTED, State.STOP_REQUESTED, State.FAILED_TO_STOP})
