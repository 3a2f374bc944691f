"""Reading sessions: forgiving about spelling, strict about meaning."""

from __future__ import annotations

from dataclasses import FrozenInstanceError
from datetime import UTC, datetime

import pytest

from custom_components.blue_current.api.shell import (
    ChargeSession,
    FailureCode,
    SessionState,
    ShellResponseError,
)

SESSION_ID = "78b5d7a3-bdba-43d7-9851-1c84fcddb782"


@pytest.mark.parametrize(
    ("text", "state"),
    [
        ("Started", SessionState.STARTED),
        ("STARTED", SessionState.STARTED),
        ("start-requested", SessionState.START_REQUESTED),
        ("Start-Requested", SessionState.START_REQUESTED),
        ("START_REQUESTED", SessionState.START_REQUESTED),
        ("StopRequested", SessionState.STOP_REQUESTED),
        ("stopped", SessionState.STOPPED),
        ("Failed-To-Start", SessionState.FAILED_TO_START),
        ("failed to stop", SessionState.FAILED_TO_STOP),
    ],
)
def test_states_compare_without_case(text: str, state: SessionState) -> None:
    assert SessionState.from_wire(text) is state


def test_unknown_state() -> None:
    with pytest.raises(ShellResponseError, match="Unknown session state 'Paused'"):
        SessionState.from_wire("Paused")


def test_final_states() -> None:
    assert {s for s in SessionState if s.is_final} == {
        SessionState.STOPPED,
        SessionState.FAILED_TO_START,
    }


def test_documented_retrieve_example() -> None:
    session = ChargeSession.from_wire(
        {
            "id": SESSION_ID,
            "userId": "281482b6-2c9a-4fd1-b3ea-1928edb40ef9",
            "emaId": "NL-TNM-C00122045-K",
            "evseId": "NL*TNM*E02003451*0",
            "lastUpdated": "2024-06-19T07:36:57.985998Z",
            "startedAt": "2024-06-19T11:20:27Z",
            "stoppedAt": None,
            "sessionState": {"status": "Started"},
        }
    )

    assert session == ChargeSession(
        session_id=SESSION_ID,
        state=SessionState.STARTED,
        ema_id="NL-TNM-C00122045-K",
        evse_id="NL*TNM*E02003451*0",
        user_id="281482b6-2c9a-4fd1-b3ea-1928edb40ef9",
        started_at=datetime(2024, 6, 19, 11, 20, 27, tzinfo=UTC),
        stopped_at=None,
        last_updated=datetime(2024, 6, 19, 7, 36, 57, 985998, tzinfo=UTC),
    )


def test_failure_code_is_kept() -> None:
    session = ChargeSession.from_wire(
        {
            "id": SESSION_ID,
            "SessionState": {
                "status": "failed-to-start",
                "error": {"code": "EvseInUse", "message": "Evse in use"},
            },
        }
    )

    assert session.state is SessionState.FAILED_TO_START
    assert session.error_code == FailureCode.EVSE_IN_USE
    assert session.error_message == "Evse in use"


def test_legacy_flat_state() -> None:
    session = ChargeSession.from_wire(
        {
            "Id": SESSION_ID,
            "EmaId": "NL-TNM-C00122045-K",
            "StartedAt": "2024-06-19T11:20:27",
            "SessionState": "failed-to-start",
            "SessionCode": "EvNotConnectedToEvse",
            "SessionMessage": "",
        }
    )

    assert session.state is SessionState.FAILED_TO_START
    assert session.error_code == FailureCode.EV_NOT_CONNECTED_TO_EVSE
    assert session.error_message is None
    # A stamp without an offset is UTC, not the machine's local time.
    assert session.started_at == datetime(2024, 6, 19, 11, 20, 27, tzinfo=UTC)


def test_legacy_session_id_key() -> None:
    session = ChargeSession.from_wire({"SessionId": SESSION_ID, "sessionState": "Stopped"})
    assert session.session_id == SESSION_ID


def test_offset_is_kept() -> None:
    session = ChargeSession.from_wire(
        {"id": SESSION_ID, "sessionState": "started", "startedAt": "2024-06-19T13:20:27+02:00"}
    )
    assert session.started_at == datetime(2024, 6, 19, 11, 20, 27, tzinfo=UTC)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], "session is not a JSON object"),
        ({"sessionState": {"status": "started"}}, "no id"),
        ({"id": 5, "sessionState": {"status": "started"}}, "no id"),
        ({"id": SESSION_ID}, "no state"),
        ({"id": SESSION_ID, "sessionState": {"error": None}}, "no status"),
        ({"id": SESSION_ID, "sessionState": ["started"]}, "session state is not"),
        ({"id": SESSION_ID, "sessionState": {"status": "started", "error": "x"}}, "error is not"),
        ({"id": SESSION_ID, "sessionState": "started", "evseId": 7}, "evseid is not a string"),
        ({"id": SESSION_ID, "sessionState": "started", "startedAt": "noon"}, "not a timestamp"),
    ],
)
def test_malformed_sessions(raw: object, message: str) -> None:
    with pytest.raises(ShellResponseError, match=message):
        ChargeSession.from_wire(raw)


def test_models_are_frozen() -> None:
    session = ChargeSession(session_id=SESSION_ID, state=SessionState.STARTED)
    attribute = "state"
    with pytest.raises(FrozenInstanceError):
        setattr(session, attribute, SessionState.STOPPED)
