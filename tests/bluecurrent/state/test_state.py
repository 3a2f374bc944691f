"""state.py on its own: what each event changes, without Home Assistant or a socket."""

from __future__ import annotations

import ast

from custom_components.blue_current.api.bluecurrent import (
    Activity,
    ChargeCard,
    ChargeCardsEvent,
    ChargePoint,
    ChargePointSettings,
    ChargePointsEvent,
    ChargePointStatus,
    GridCurrentEvent,
    GridStatus,
    GridStatusEvent,
    Setting,
    SettingsEvent,
    StatusEvent,
)
from custom_components.blue_current.bluecurrent.state import (
    EVERYTHING,
    NOTHING,
    AccountData,
    merge_settings,
)
from tests.paths import INTEGRATION


def _charge_point(evse_id: str, name: str = "") -> ChargePoint:
    return ChargePoint(
        evse_id=evse_id,
        name=name,
        model_type=None,
        chargepoint_type=None,
        activity=None,
        settings=ChargePointSettings(),
        tariff=None,
        default_card=None,
        latitude=None,
        longitude=None,
    )


def _account(*evse_ids: str) -> AccountData:
    data = AccountData()
    data.apply(ChargePointsEvent(tuple(_charge_point(e) for e in evse_ids)))
    return data


def test_no_home_assistant_import() -> None:
    tree = ast.parse((INTEGRATION / "bluecurrent" / "state.py").read_text(encoding="utf-8"))
    imported = [
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    ] + [a.name for node in ast.walk(tree) if isinstance(node, ast.Import) for a in node.names]
    assert not [name for name in imported if name.startswith("homeassistant")]


def test_a_list_adds_and_removes_and_wakes_everyone() -> None:
    data = AccountData()
    change = data.apply(ChargePointsEvent((_charge_point("A"), _charge_point("B"))))
    assert change.added == {"A", "B"}
    assert change.removed == frozenset()
    assert change.everyone
    change = data.apply(ChargePointsEvent((_charge_point("B", "Garage"), _charge_point("C"))))
    assert (change.added, change.removed) == (frozenset({"C"}), frozenset({"A"}))
    assert set(data.charge_points) == {"B", "C"}
    assert data.charge_points["B"].info.name == "Garage"


def test_the_first_status_changes_everything_then_only_what_moved() -> None:
    data = _account("A")
    first = ChargePointStatus(evse_id="A", activity=Activity.AVAILABLE, session_energy=1.0)
    assert data.apply(StatusEvent(first)).keys == {"A": EVERYTHING}
    second = ChargePointStatus(evse_id="A", activity=Activity.CHARGING, session_energy=1.0)
    assert data.apply(StatusEvent(second)).keys == {"A": frozenset({"activity"})}
    # The same status again changes nothing.
    assert not data.apply(StatusEvent(second))
    assert data.charge_points["A"].status == second


def test_a_status_of_an_unknown_charge_point_is_ignored() -> None:
    data = _account("A")
    assert data.apply(StatusEvent(ChargePointStatus(evse_id="Z"))) is NOTHING
    assert "Z" not in data.charge_points


def test_settings_merge_and_wake_the_charge_point() -> None:
    data = _account("A")
    on = Setting(value=True, writable=True)
    change = data.apply(SettingsEvent("A", ChargePointSettings(plug_and_charge=on)))
    assert change.keys == {"A": EVERYTHING}
    # A later partial update keeps what it does not carry.
    data.apply(SettingsEvent("A", ChargePointSettings(smart_charging=True)))
    settings = data.charge_points["A"].settings
    assert (settings.plug_and_charge, settings.smart_charging) == (on, True)
    assert not data.apply(SettingsEvent("A", ChargePointSettings(smart_charging=True)))
    assert not data.apply(SettingsEvent("Z", ChargePointSettings(smart_charging=True)))


def test_merge_settings_takes_only_what_was_sent() -> None:
    old = ChargePointSettings(smart_charging=True, led_intensity=3)
    assert merge_settings(old, ChargePointSettings()) is old
    assert merge_settings(old, ChargePointSettings(led_intensity=5)).led_intensity == 5


def test_grids_appear_then_change() -> None:
    data = _account("A")
    grid = GridStatus(grid_id="G", current_phase_1=1.0)
    change = data.apply(GridStatusEvent(grid, "A"))
    assert change.added == {"G"}
    assert data.grid_of_charge_point == {"A": "G"}
    assert not data.apply(GridStatusEvent(grid, "A"))
    change = data.apply(GridCurrentEvent("A", 2.0, 0.0, 0.0))
    assert change.keys == {"G": EVERYTHING}
    assert data.grids["G"].current_phase_1 == 2.0
    assert not data.apply(GridCurrentEvent("A", 2.0, 0.0, 0.0))


def test_grid_currents_of_an_unplaced_charge_point_ask_for_its_grid() -> None:
    data = _account("A")
    change = data.apply(GridCurrentEvent("A", 1.0, 1.0, 1.0))
    assert change.unplaced == {"A"}
    assert not data.grids


def test_cards_wake_everyone_only_when_they_changed() -> None:
    data = AccountData()
    cards = (ChargeCard("UID1", "NL-ABC-1", "Mine", "", valid=True),)
    assert data.apply(ChargeCardsEvent(cards)).everyone
    assert not data.apply(ChargeCardsEvent(cards))
    assert data.cards == cards


def test_a_status_that_follows_the_held_one_is_taken_by_its_changed_fields() -> None:
    data = _account("A")
    first = ChargePointStatus(evse_id="A", activity=Activity.AVAILABLE, session_energy=1.0)
    data.apply(StatusEvent(first))
    second = ChargePointStatus(evse_id="A", activity=Activity.CHARGING, session_energy=2.0)
    # The client's comparison is trusted only when it compared with the status held here.
    told = frozenset({"session_energy"})
    assert data.apply(StatusEvent(second, follows=first, changed=told)).keys == {"A": told}
    assert data.charge_points["A"].status is second
    assert not data.apply(StatusEvent(second, follows=second, changed=frozenset()))
    # Compared with another status: every field is compared here again.
    third = ChargePointStatus(evse_id="A", activity=Activity.AVAILABLE, session_energy=2.0)
    change = data.apply(StatusEvent(third, follows=first, changed=frozenset({"session_energy"})))
    assert change.keys == {"A": frozenset({"activity"})}
