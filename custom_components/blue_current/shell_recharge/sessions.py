"""Start and stop sessions of a Shell Recharge card; the one place that translates its failures.

Buttons and actions both go through here, so a refusal reads the same everywhere and lands
on the card's last error sensor too.
"""

from __future__ import annotations

from typing import NoReturn

from homeassistant.exceptions import HomeAssistantError, ServiceValidationError

from ..api.shell import (
    ChargeSession,
    SessionState,
    ShellAuthError,
    ShellError,
    ShellNotFoundError,
    ShellRateLimitError,
    ShellServerError,
    ShellValidationError,
    validate_evse_id,
    validate_session_id,
)
from ..const import DOMAIN, LOGGER, SHELL_POLL_INTERVAL
from .coordinator import Command, ShellCoordinator
from .models import HOLDING_STATES, CardData, CommandFailure, FailureReason, session_failure

# A stop that is not answered yet.
_STILL_STOPPING = frozenset(
    {SessionState.START_REQUESTED, SessionState.STARTED, SessionState.STOP_REQUESTED}
)
# Words of the API's 404 answer to a start when it is the card, not the EVSE, it does not know.
_UNKNOWN_CARD_HINTS = ("charge token", "emaid", "ema-id")


def failure_of_error(
    err: ShellError,
    *,
    command: Command,
    evse_id: str | None = None,
    session_id: str | None = None,
) -> CommandFailure:
    """What a refused start or stop means for the user."""
    reason = FailureReason.CANNOT_CONNECT
    retry_after: float | None = None
    if isinstance(err, ShellRateLimitError):
        reason = FailureReason.RATE_LIMITED
        retry_after = err.retry_after
    elif isinstance(err, ShellAuthError):
        reason = FailureReason.AUTH_FAILED
    elif isinstance(err, ShellNotFoundError) and command == "start":
        text = str(err).lower()
        unknown_card = any(hint in text for hint in _UNKNOWN_CARD_HINTS)
        reason = FailureReason.UNKNOWN_CARD if unknown_card else FailureReason.UNKNOWN_EVSE
    elif isinstance(err, ShellNotFoundError):
        reason = FailureReason.SESSION_NOT_FOUND
    elif isinstance(err, ShellServerError):
        reason = FailureReason.SERVER_ERROR
    elif isinstance(err, ShellValidationError):
        reason = FailureReason.REQUEST_REFUSED
    return CommandFailure(
        reason,
        evse_id=evse_id,
        session_id=session_id,
        code=err.code,
        message=str(err),
        retry_after=retry_after,
    )


# What each failure's message names; its translation key is "shell_<reason>".
_PLACEHOLDERS: dict[FailureReason, tuple[str, ...]] = {
    FailureReason.EVSE_IN_USE: ("evse_id",),
    FailureReason.EV_NOT_CONNECTED: ("evse_id",),
    FailureReason.UNKNOWN_EVSE: ("evse_id",),
    FailureReason.UNKNOWN_CARD: (),
    FailureReason.EVSE_OUT_OF_SERVICE: ("evse_id",),
    FailureReason.EVSE_NOT_SUPPORTED: ("evse_id",),
    FailureReason.CARD_NOT_SUPPORTED: ("evse_id",),
    FailureReason.START_FAILED: ("evse_id",),
    FailureReason.STOP_FAILED: ("session_id",),
    FailureReason.START_NOT_CONFIRMED: ("session_id",),
    FailureReason.STOP_NOT_CONFIRMED: ("session_id",),
    FailureReason.SESSION_NOT_FOUND: ("session_id",),
    FailureReason.RATE_LIMITED: ("retry_after",),
    FailureReason.AUTH_FAILED: (),
    FailureReason.SERVER_ERROR: (),
    FailureReason.REQUEST_REFUSED: (),
    FailureReason.CANNOT_CONNECT: (),
}


def raise_failure(failure: CommandFailure) -> NoReturn:
    """Raise the translated error that says what happened, in words.

    The API's own code and text are for a bug report, not for the user: they go to the
    debug log.
    """
    code, message = failure.code, failure.message
    if code or message:
        LOGGER.debug("Shell Recharge: %s (%s: %s)", failure.reason.value, code, message)
    wait = SHELL_POLL_INTERVAL if failure.retry_after is None else failure.retry_after
    values = {
        "evse_id": failure.evse_id or "-",
        "session_id": failure.session_id or "-",
        "retry_after": f"{wait:g}",
    }
    raise HomeAssistantError(
        translation_domain=DOMAIN,
        translation_key=f"shell_{failure.reason.value}",
        translation_placeholders={name: values[name] for name in _PLACEHOLDERS[failure.reason]},
    )


def checked_evse_id(coordinator: ShellCoordinator, evse_id: str | None) -> str:
    """The EVSE id to start at: the one given, else the card's default; validated."""
    chosen = (evse_id or "").strip() or coordinator.default_evse_id
    if chosen is None:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="shell_no_evse_id")
    try:
        return validate_evse_id(chosen)
    except ShellValidationError as err:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="shell_invalid_evse_id",
            translation_placeholders={"evse_id": chosen},
        ) from err


def session_to_stop(data: CardData, session_id: str | None, *, prefer_shown: bool) -> str:
    """The session id given (validated), else the card's one stoppable session.

    With several, `prefer_shown` takes the one the sensors show (a button cannot ask);
    otherwise the caller must name one.
    """
    if session_id is not None and session_id.strip():
        try:
            checked = validate_session_id(session_id)
        except ShellValidationError as err:
            raise ServiceValidationError(
                translation_domain=DOMAIN,
                translation_key="shell_invalid_session_id",
                translation_placeholders={"session_id": session_id},
            ) from err
        known = data.find(checked)
        return checked if known is None else known.session_id
    stoppable = data.stoppable
    if prefer_shown and data.session is not None and data.session in stoppable:
        return data.session.session_id
    if len(stoppable) == 1:
        return stoppable[0].session_id
    if not stoppable:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="shell_no_session")
    raise ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="shell_several_sessions",
        translation_placeholders={"sessions": ", ".join(s.session_id for s in stoppable)},
    )


def check_can_start(coordinator: ShellCoordinator, evse_id: str) -> None:
    """Refuse, before any request, a start at an EVSE where the card already has a session:
    the API would open another one rather than refuse."""
    wanted = evse_id.upper()
    running = next(
        (
            s
            for s in coordinator.data.active
            if s.state in HOLDING_STATES and (s.evse_id or "").upper() == wanted
        ),
        None,
    )
    if running is not None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="shell_already_charging_here",
            translation_placeholders={"evse_id": evse_id, "session_id": running.session_id},
        )


async def async_start_session(
    coordinator: ShellCoordinator, evse_id: str, *, wait: bool
) -> tuple[str, ChargeSession | None]:
    """Start at a (validated) EVSE; with `wait`, return only once the session started.

    Returns the session id and the session as last seen (None before the first poll saw it).
    """
    check_can_start(coordinator, evse_id)
    try:
        session_id = await coordinator.async_start(evse_id)
    except ShellError as err:
        failure = failure_of_error(err, command="start", evse_id=evse_id)
        coordinator.async_set_failure(failure)
        raise_failure(failure)
    if not wait:
        return session_id, coordinator.data.find(session_id)
    session = await coordinator.async_wait_settled(session_id)
    if session is None or session.state is SessionState.START_REQUESTED:
        raise_failure(
            CommandFailure(
                FailureReason.START_NOT_CONFIRMED, evse_id=evse_id, session_id=session_id
            )
        )
    if session.state is SessionState.FAILED_TO_START:
        raise_failure(session_failure(session, FailureReason.START_FAILED))
    return session_id, session


async def async_stop_session(
    coordinator: ShellCoordinator,
    session_id: str | None,
    *,
    wait: bool = False,
    prefer_shown: bool = False,
) -> tuple[str, ChargeSession | None]:
    """Stop a session (by default the card's active one); with `wait`, until it stopped."""
    chosen = session_to_stop(coordinator.data, session_id, prefer_shown=prefer_shown)
    try:
        await coordinator.async_stop(chosen)
    except ShellError as err:
        failure = failure_of_error(err, command="stop", session_id=chosen)
        coordinator.async_set_failure(failure)
        raise_failure(failure)
    if not wait:
        return chosen, coordinator.data.find(chosen)
    session = await coordinator.async_wait_settled(chosen)
    if session is None or session.state in _STILL_STOPPING:
        raise_failure(CommandFailure(FailureReason.STOP_NOT_CONFIRMED, session_id=chosen))
    if session.state is SessionState.FAILED_TO_STOP:
        raise_failure(session_failure(session, FailureReason.STOP_FAILED))
    return chosen, session


def state_key(session: ChargeSession | None) -> str:
    """A session's state as entities and actions name it: started, start_requested, …"""
    return "idle" if session is None else session.state.value.replace("-", "_")
