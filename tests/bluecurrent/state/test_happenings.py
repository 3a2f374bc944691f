"""Happenings: told between two statuses of one connection, never replayed; cards go along."""

from __future__ import annotations

from datetime import UTC, datetime

from custom_components.blue_current.api.bluecurrent import (
    Activity,
    ChargeCard,
    ChargePointStatus,
    VehicleStatus,
)
from custom_components.blue_current.bluecurrent.charging import Happening, Occurrence
from custom_components.blue_current.bluecurrent.happenings import Happenings

START = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)
STOP = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
IDLE = ChargePointStatus(
    evse_id="A", activity=Activity.AVAILABLE, vehicle_status=VehicleStatus.STANDBY
)
CHARGING = ChargePointStatus(
    evse_id="A",
    activity=Activity.CHARGING,
    vehicle_status=VehicleStatus.READY,
    session_started=START,
    session_energy=1.0,
)
DONE = ChargePointStatus(
    evse_id="A",
    activity=Activity.AVAILABLE,
    vehicle_status=VehicleStatus.VEHICLE_DETECTED,
    session_started=START,
    session_stopped=STOP,
    session_energy=7.5,
)
CARD = ChargeCard(uid="UID1", card_id="NL-BCU-C12345678-9", name="", customer_name="", valid=True)


def _heard(happenings: Happenings) -> list[Happening]:
    heard: list[Happening] = []
    happenings.listen("A", heard.append)
    return heard


def test_a_session_is_told_with_the_card_that_started_it() -> None:
    happenings = Happenings()
    heard = _heard(happenings)
    happenings.status_arrived(None, IDLE, None, ())  # the first status: nothing to compare
    assert happenings.is_live("A")
    happenings.session_cards["A"] = CARD.uid
    happenings.status_arrived(IDLE, CHARGING, None, (CARD,))
    happenings.status_arrived(CHARGING, DONE, frozenset({"activity", "session_stopped"}), (CARD,))

    assert [h.kind for h in heard] == [
        Occurrence.VEHICLE_PLUGGED_IN,
        Occurrence.SESSION_STARTED,
        Occurrence.SESSION_STOPPED,
    ]
    assert heard[1].data["card"] == CARD.card_id
    assert heard[2].data["energy"] == 7.5
    assert happenings.session_cards == {}  # the session is over: its card is forgotten


def test_nothing_is_told_across_a_new_connection_or_for_other_fields() -> None:
    happenings = Happenings()
    heard = _heard(happenings)
    happenings.status_arrived(None, IDLE, None, ())
    happenings.connection_changed()
    assert not happenings.is_live("A")
    # A push that changed none of the fields a happening reads tells nothing.
    happenings.status_arrived(IDLE, CHARGING, frozenset({"session_energy"}), ())
    assert heard == []


def test_a_refused_command_is_told_and_a_listener_can_leave() -> None:
    happenings = Happenings()
    heard: list[Happening] = []
    remove = happenings.listen("A", heard.append)
    happenings.report_rejection("A", "start_session", "already_charging")
    remove()
    happenings.report_rejection("A", "start_session", "already_charging")
    assert heard == [
        Happening(
            Occurrence.COMMAND_REJECTED,
            {"command": "start_session", "reason": "already_charging"},
        )
    ]
