"""What is known about a Shell Recharge card, and the ways a start or stop can fail."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ..api.shell import ChargeSession, FailureCode, SessionState

# A session in these states holds the EVSE: the car charges (or may) until it is stopped.
RUNNING_STATES = frozenset(
    {SessionState.STARTED, SessionState.STOP_REQUESTED, SessionState.FAILED_TO_STOP}
)
# A session in these states holds (or is about to hold) an EVSE for the card.
HOLDING_STATES = RUNNING_STATES | {SessionState.START_REQUESTED}
# The states a stop can be asked from.
STOPPABLE_STATES = frozenset(
    {SessionState.START_REQUESTED, SessionState.STARTED, SessionState.FAILED_TO_STOP}
)


class FailureReason(StrEnum):
    """Why the card's last start or stop failed: the states of the last error sensor."""

    EVSE_IN_USE = "evse_in_use"
    EV_NOT_CONNECTED = "ev_not_connected"
    UNKNOWN_EVSE = "unknown_evse"
    UNKNOWN_CARD = "unknown_card"
    EVSE_OUT_OF_SERVICE = "evse_out_of_service"
    EVSE_NOT_SUPPORTED = "evse_not_supported"
    CARD_NOT_SUPPORTED = "card_not_supported"
    START_FAILED = "start_failed"
    STOP_FAILED = "stop_failed"
    START_NOT_CONFIRMED = "start_not_confirmed"
    STOP_NOT_CONFIRMED = "stop_not_confirmed"
    SESSION_NOT_FOUND = "session_not_found"
    RATE_LIMITED = "rate_limited"
    AUTH_FAILED = "auth_failed"
    SERVER_ERROR = "server_error"
    CANNOT_CONNECT = "cannot_connect"
    REQUEST_REFUSED = "request_refused"


# The operator's failure codes that tell the user something specific; others are generic.
# Keyed in lower case: the API's spelling of values varies.
_REASON_OF_CODE: dict[str, FailureReason] = {
    code.lower(): reason
    for code, reason in (
        (FailureCode.EVSE_IN_USE, FailureReason.EVSE_IN_USE),
        (FailureCode.EV_NOT_CONNECTED_TO_EVSE, FailureReason.EV_NOT_CONNECTED),
        (FailureCode.EVSE_NOT_FOUND, FailureReason.UNKNOWN_EVSE),
        (FailureCode.EVSE_OUT_OF_SERVICE, FailureReason.EVSE_OUT_OF_SERVICE),
        (FailureCode.EVSE_NOT_SUPPORTED, FailureReason.EVSE_NOT_SUPPORTED),
        (FailureCode.CHARGE_TOKEN_NOT_SUPPORTED, FailureReason.CARD_NOT_SUPPORTED),
    )
}


@dataclass(frozen=True, slots=True)
class CommandFailure:
    """What went wrong with the card's last start or stop, and where."""

    reason: FailureReason
    evse_id: str | None = None
    session_id: str | None = None
    code: str | None = None
    message: str | None = None
    retry_after: float | None = None


@dataclass(frozen=True, slots=True)
class CardData:
    """What is known about a card. Replaced, never changed, on an update."""

    active: tuple[ChargeSession, ...] = ()
    # The session the card's entities show: the newest one, kept after it ended.
    session: ChargeSession | None = None
    last_error: CommandFailure | None = None

    @property
    def charging(self) -> bool:
        """Whether a session holds an EVSE for this card."""
        return any(s.state in RUNNING_STATES for s in self.active)

    @property
    def stoppable(self) -> tuple[ChargeSession, ...]:
        """The active sessions a stop may be asked for."""
        return tuple(s for s in self.active if s.state in STOPPABLE_STATES)

    def find(self, session_id: str) -> ChargeSession | None:
        """A session of the card by its id (compared without regard to case)."""
        wanted = session_id.lower()
        candidates = (*self.active, *((self.session,) if self.session else ()))
        return next((s for s in candidates if s.session_id.lower() == wanted), None)


def session_failure(session: ChargeSession, fallback: FailureReason) -> CommandFailure:
    """The failure a failed session reports; `fallback` for codes without a message of ours."""
    code = session.error_code
    return CommandFailure(
        _REASON_OF_CODE.get(code.lower(), fallback) if code is not None else fallback,
        evse_id=session.evse_id,
        session_id=session.session_id,
        code=session.error_code,
        message=session.error_message,
    )
