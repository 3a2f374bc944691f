"""JSON shapes of the Shell API: envelopes, sessions in each key spelling, and error bodies."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum

from .sessions import SimSession

type Json = dict[str, object]


class KeyStyle(StrEnum):
    """How session keys are spelled; real servers differ by endpoint and version."""

    SDK = "sdk"  # retrieve `sessionState`, active `SessionState`: what the SDK 2.x models read
    CAMEL = "camel"  # `sessionState` everywhere
    PASCAL_STATE = "pascal-state"  # `SessionState` everywhere
    LEGACY = "legacy"  # 1.0.0: PascalCase keys, a flat state string, SessionCode/SessionMessage


class StateStyle(StrEnum):
    """How state values are written: the 2.x examples capitalise them, 1.0.0 did not."""

    CAPITALISED = "capitalised"  # "Started", "Start-requested"
    LOWER = "lower"  # "started", "start-requested"


# Example bodies from the reference, by HTTP status: (code, message, description).
ERRORS: dict[int, tuple[str, str, str]] = {
    400: ("E0001", "Bad Request", "Missing / Invalid value"),
    401: ("E0003", "Unauthorized", "Invalid Access Token"),
    404: ("E0038", "Not Found", "Requested API resource not found"),
    429: ("E0009", "Too Many Requests", "Exceeded maximum allowed number of request limit"),
    500: ("E0005", "Internal Server Error", "Unexpected failure in the backend"),
    503: ("E0014", "Connectivity Error", "Service Unavailable"),
}


def timestamp(moment: datetime | None) -> str | None:
    """Write a moment the way the API does: UTC with a Z."""
    if moment is None:
        return None
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def envelope(request_id: str, data: list[Json] | None, style: KeyStyle) -> Json:
    """Wrap a successful answer: requestId, status and (when given) data."""
    legacy = style is KeyStyle.LEGACY
    body: Json = {"RequestId" if legacy else "requestId": request_id}
    body["Status" if legacy else "status"] = "SUCCESS"
    if data is not None:
        body["Data" if legacy else "data"] = data
    return body


def started_json(session_id: str, style: KeyStyle) -> Json:
    """The data element of a start answer."""
    return {"SessionId" if style is KeyStyle.LEGACY else "sessionId": session_id}


def session_json(session: SimSession, *, endpoint: str, keys: KeyStyle, states: StateStyle) -> Json:
    """One session as `retrieve` or `active` lists it."""
    status = session.state.value
    if states is StateStyle.CAPITALISED:
        status = status.capitalize()
    code, message = session.error or (None, None)
    fields: Json = {
        "id": session.session_id,
        "userId": session.user_id,
        "emaId": session.ema_id,
        "evseId": session.evse_id,
        "lastUpdated": timestamp(session.last_updated),
        "startedAt": timestamp(session.started_at),
        "stoppedAt": timestamp(session.stopped_at),
    }
    if keys is KeyStyle.LEGACY:
        legacy = {key[0].upper() + key[1:]: value for key, value in fields.items()}
        return legacy | {"SessionState": status, "SessionCode": code, "SessionMessage": message}
    state: Json = {"status": status}
    if code is not None:
        state["error"] = {"code": code, "message": message}
    pascal = keys is KeyStyle.PASCAL_STATE or (keys is KeyStyle.SDK and endpoint == "active")
    return fields | {"SessionState" if pascal else "sessionState": state}


def error_json(request_id: str | None, status: int, description: str | None = None) -> Json:
    """An error body in the 2.x shape; a 500 also carries `details`."""
    code, message, default = ERRORS.get(status, (f"E{status:04d}", "Error", "Request failed"))
    error: Json = {"code": code, "message": message, "description": description or default}
    body: Json = {"requestId": request_id, "status": "FAILED", "errors": [error]}
    if status == 500:
        body["details"] = ["Simulated failure"]
    return body


def oauth_error_json(error: str, description: str) -> Json:
    """An error body of the token endpoint (RFC 6749 names)."""
    return {"error": error, "error_description": description}
