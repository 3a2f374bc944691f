"""Typed views of Shell charge sessions, the rules for the ids we send, and lenient parsing.

The API is inconsistent across versions and endpoints (`sessionState` vs `SessionState`,
PascalCase keys in 1.0.0, "Started" vs "started"), so reading is forgiving about spelling
but strict about meaning: a session without an id or a known state is an error.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
import re

from .errors import ShellEmaIdCheckError, ShellResponseError, ShellValidationError

EMA_ID_LENGTH = range(14, 20)
# ISO 15118-1 contract id without separators: country (2), provider (3), instance (9), and
# then, optionally, the check character.
EMA_ID_BODY = 14
EVSE_ID_LENGTH = range(18, 37)

_SESSION_ID = re.compile(r"[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}", re.IGNORECASE)
_EMA_ID = re.compile(r"[A-Z0-9-]+")
# eMI3 EVSE id: country, operator, "E", outlet; the "*" separators are optional.
_EVSE_ID = re.compile(r"[A-Z]{2}\*?[A-Z0-9]{3}\*?E[A-Z0-9][A-Z0-9*]*")


class SessionState(StrEnum):
    """Where a charge session is; start and stop are only requests until the operator acts."""

    START_REQUESTED = "start-requested"
    STARTED = "started"
    STOP_REQUESTED = "stop-requested"
    STOPPED = "stopped"
    FAILED_TO_START = "failed-to-start"
    FAILED_TO_STOP = "failed-to-stop"

    @classmethod
    def from_wire(cls, text: str) -> SessionState:
        """Read a state however it is spelled: "Started", "start-requested", "START_REQUESTED"."""
        state = _STATE_BY_LETTERS.get(_letters(text))
        if state is None:
            raise ShellResponseError(f"Unknown session state {text[:40]!r}")
        return state

    @property
    def is_final(self) -> bool:
        """Whether nothing more will happen; a failed stop leaves the session running."""
        return self in {SessionState.STOPPED, SessionState.FAILED_TO_START}


def _letters(text: str) -> str:
    return "".join(char for char in text.lower() if char.isalpha())


_STATE_BY_LETTERS = {_letters(state.value): state for state in SessionState}


class FailureCode(StrEnum):
    """Why a start or stop failed, as the API names it (`sessionState.error.code`)."""

    INTERNAL_ERROR = "InternalError"
    SERVICE_UNAVAILABLE = "ServiceUnavailable"
    CHARGE_TOKEN_NOT_SUPPORTED = "ChargeTokenNotSupported"
    SESSION_INVALID = "SessionInvalid"
    EV_NOT_CONNECTED_TO_EVSE = "EvNotConnectedToEvse"
    EVSE_IN_USE = "EvseInUse"
    EVSE_OUT_OF_SERVICE = "EvseOutOfService"
    EVSE_NOT_FOUND = "EvseNotFound"
    EVSE_NOT_SUPPORTED = "EvseNotSupported"


@dataclass(frozen=True, slots=True, kw_only=True)
class ChargeSession:
    """One charge session of a card, as `retrieve` or `active` reports it.

    `error_code` stays a plain string because the API may add codes; compare it with
    `FailureCode` members.
    """

    session_id: str
    state: SessionState
    ema_id: str | None = None
    evse_id: str | None = None
    user_id: str | None = None
    started_at: datetime | None = None
    stopped_at: datetime | None = None
    last_updated: datetime | None = None
    error_code: str | None = None
    error_message: str | None = None

    @classmethod
    def from_wire(cls, raw: object) -> ChargeSession:
        """Build a session from one element of a response's `data` list."""
        fields = lower_keys(raw, "session")
        session_id = fields.get("id", fields.get("sessionid"))
        if not isinstance(session_id, str) or not session_id:
            raise ShellResponseError("A session has no id")
        status, error_code, error_message = _state_parts(fields)
        return cls(
            session_id=session_id,
            state=SessionState.from_wire(status),
            ema_id=_optional_text(fields, "emaid"),
            evse_id=_optional_text(fields, "evseid"),
            user_id=_optional_text(fields, "userid"),
            started_at=_optional_time(fields, "startedat"),
            stopped_at=_optional_time(fields, "stoppedat"),
            last_updated=_optional_time(fields, "lastupdated"),
            error_code=error_code,
            error_message=error_message,
        )


def lower_keys(raw: object, what: str) -> dict[str, object]:
    """Index a JSON object by lower-cased keys, so camelCase and PascalCase both match."""
    if not isinstance(raw, Mapping):
        raise ShellResponseError(f"The {what} is not a JSON object")
    return {str(key).lower(): value for key, value in raw.items()}


def _state_parts(fields: Mapping[str, object]) -> tuple[str, str | None, str | None]:
    """Return status, error code and message from a state object or a 1.0.0 flat string."""
    raw = fields.get("sessionstate")
    if isinstance(raw, str):
        return raw, _optional_text(fields, "sessioncode"), _optional_text(fields, "sessionmessage")
    if raw is None:
        raise ShellResponseError("A session has no state")
    state = lower_keys(raw, "session state")
    status = state.get("status")
    if not isinstance(status, str):
        raise ShellResponseError("A session state has no status")
    error = state.get("error")
    if error is None:
        return status, None, None
    details = lower_keys(error, "session error")
    return status, _optional_text(details, "code"), _optional_text(details, "message")


def _optional_text(fields: Mapping[str, object], key: str) -> str | None:
    value = fields.get(key)
    if value is None or isinstance(value, str):
        return value or None
    raise ShellResponseError(f"{key} is not a string")


def _optional_time(fields: Mapping[str, object], key: str) -> datetime | None:
    text = _optional_text(fields, key)
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text)
        # The API writes UTC; a stamp without an offset is read as UTC rather than local time.
        moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        moment.astimezone(UTC)  # OverflowError at the ends of the calendar (0001-01-01+01:00)
    except (ValueError, OverflowError) as err:
        raise ShellResponseError(f"{key} is not a timestamp") from err
    return moment


# The eMI3 "Check Digit Calculation for Contract-IDs". A character stands for a value
# v = 0..35 (0-9, then A-Z), split as v = 9q + r. The two bits of q (q = 2 q1 + q2) form a
# row vector over Z2, the two trits of r (r = 3 r1 + r2) one over Z3. The character at
# position i (from 1) adds (q1, q2) P2^i and (r1, r2) P3^i to two running sums, and the
# check character is the one character that brings both sums of all fifteen to zero. The
# powers of P2 repeat every 3 and those of P3 every 8, so a changed character, two swapped
# neighbours, or two swapped around a third, never leave both sums at zero.
_CHARACTERS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_MATRICES = {2: ((0, 1), (1, 1)), 3: ((0, 1), (1, 2))}  # modulus: P2 over Z2, P3 over Z3

type _Vector = tuple[int, int]


def _check_sums(text: str) -> dict[int, _Vector]:
    """Both weighted sums of `text` (upper-case letters and digits only)."""
    sums: dict[int, _Vector] = {2: (0, 0), 3: (0, 0)}
    # Horner's rule from the last character back gives character i the weight P^i.
    for char in reversed(text):
        q, r = divmod(_CHARACTERS.index(char), 9)
        digits: dict[int, _Vector] = {2: divmod(q, 2), 3: divmod(r, 3)}
        for modulus, ((a, b), (c, d)) in _MATRICES.items():
            x = sums[modulus][0] + digits[modulus][0]
            y = sums[modulus][1] + digits[modulus][1]
            sums[modulus] = ((x * a + y * c) % modulus, (x * b + y * d) % modulus)
    return sums


def _balanced(text: str) -> bool:
    return all(vector == (0, 0) for vector in _check_sums(text).values())


def ema_id_check_character(ema_id: str) -> str:
    """Return the check character of an EMA-ID, e.g. "K" for NL-TNM-C00122045.

    Reads the 14 letters and digits before the check character (case, hyphens and white
    space do not matter; a check character already there is ignored). Raises
    ShellValidationError for text that is not 14 or 15 letters and digits.
    """
    compact = "".join(ema_id.split()).upper().replace("-", "")
    if (
        len(compact) not in (EMA_ID_BODY, EMA_ID_BODY + 1)
        or not compact.isascii()
        or not compact.isalnum()
    ):
        raise ShellValidationError("An ISO EMA-ID has 14 letters and digits and a check character")
    body = compact[:EMA_ID_BODY]
    return next(char for char in _CHARACTERS if _balanced(body + char))


def validate_ema_id(text: str) -> str:
    """Return the EMA-ID as we send it: upper case, white space removed, hyphens kept.

    Hyphens stay because the card prints them and the API's own examples carry them. An
    ISO 15118-1 EMA-ID (14 letters and digits without its check character, 15 with it) is
    checked: a wrong check character raises ShellEmaIdCheckError, a missing one is added
    (after a hyphen when the EMA-ID is written with hyphens), so that one card has one
    spelling. Other lengths the API accepts pass unchecked.
    """
    ema_id = "".join(text.split()).upper()
    if len(ema_id) not in EMA_ID_LENGTH or not _EMA_ID.fullmatch(ema_id):
        raise ShellValidationError("An EMA-ID has 14 to 19 letters, digits or hyphens")
    compact = ema_id.replace("-", "")
    if len(compact) == EMA_ID_BODY:
        ema_id = ema_id.rstrip("-")
        separator = "-" if "-" in ema_id else ""
        return f"{ema_id}{separator}{ema_id_check_character(compact)}"
    if len(compact) == EMA_ID_BODY + 1 and not _balanced(compact):
        raise ShellEmaIdCheckError(
            expected=ema_id_check_character(compact),
            given=compact[-1],
            position=len(ema_id),
        )
    return ema_id


def normalize_ema_id(text: str) -> str:
    """Return the compact EMA-ID (upper case, no spaces or hyphens): one value per card.

    "nl-tnm-c00122045-k", "NL TNM C00122045 K", "NLTNMC00122045K" and "NL-TNM-C00122045"
    (the check character added) all give the same result, so it serves as a unique id.
    Raises ShellValidationError for text that is no EMA-ID, ShellEmaIdCheckError (one of
    them) for a wrong check character.
    """
    return validate_ema_id(text).replace("-", "")


def validate_evse_id(text: str) -> str:
    """Return the EVSE id as we send it (upper case, trimmed), e.g. NL*TNM*E02003451*0."""
    evse_id = text.strip().upper()
    if len(evse_id) not in EVSE_ID_LENGTH or not _EVSE_ID.fullmatch(evse_id):
        raise ShellValidationError("An EVSE id has 18 to 36 characters, like NL*TNM*E02003451*0")
    return evse_id


def validate_session_id(text: str) -> str:
    """Return the session id as we send it: a 36-character UUID, trimmed, case kept."""
    session_id = text.strip()
    if not _SESSION_ID.fullmatch(session_id):
        raise ShellValidationError("A session id is a UUID of 36 characters")
    return session_id
