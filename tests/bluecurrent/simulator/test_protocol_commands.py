"""Settings, block, actions with their two-stage verdicts, smart charging, schedules."""

from __future__ import annotations

import time

import pytest

from simulator.bluecurrent import BlueCurrentCloud, Outcome

from .conftest import EVSE
from .keys import DELAYED_KEYS, PRICE_BASED_KEYS, SCHEDULE_KEYS, VERDICT_KEYS
from .peer import Peer


def verdict(command: str, error: str = "", result: object = None) -> dict[str, object]:
    return {
        "object": f"STATUS_{command}",
        "success": not error,
        "flow_id": "",
        "evse_id": EVSE,
        "result": {} if result is None else result,
        "error": error,
    }


def ack(command: str, error: str = "") -> dict[str, object]:
    return {
        "object": f"RECEIVED_{command}",
        "success": not error,
        "error": error,
        "evse_id": EVSE,
        "flow_id": "",
    }


async def test_plug_and_charge_is_acknowledged_decided_then_pushed(
    peer: Peer, cloud: BlueCurrentCloud
) -> None:
    await peer.send("SET_PLUG_AND_CHARGE", evse_id=EVSE, value=True)
    received, status, settings = await peer.recv_many(3)
    assert received == ack("SET_PLUG_AND_CHARGE")
    assert status == verdict("SET_PLUG_AND_CHARGE", result={"setting": "set true"})
    assert settings["object"] == "CH_SETTINGS"
    assert settings["data"]["plug_and_charge"] == {"value": True, "permission": "write"}
    assert cloud.charge_point(EVSE).plug_and_charge is True


async def test_public_charging_off_means_linked_cards_only(
    peer: Peer, cloud: BlueCurrentCloud
) -> None:
    await peer.send("SET_PUBLIC_CHARGING", evse_id=EVSE, value=False)
    _, status, settings = await peer.recv_many(3)
    assert status["result"] == {"setting": "set false"}
    assert settings["data"]["public_charging"]["value"] is False
    assert settings["data"]["linked_charge_cards_only"] is True
    assert cloud.charge_point(EVSE).public_charging is False


async def test_a_rejected_setting_keeps_the_value_and_pushes_nothing(
    peer: Peer, cloud: BlueCurrentCloud
) -> None:
    cloud.set_verdict("SET_PLUG_AND_CHARGE", Outcome.REJECTED)
    await peer.send("SET_PLUG_AND_CHARGE", evse_id=EVSE, value=True)
    _, status = await peer.recv_many(2)
    assert status == verdict("SET_PLUG_AND_CHARGE", "REJECTED", {"setting": "set false"})
    await peer.assert_silent()
    assert cloud.charge_point(EVSE).plug_and_charge is False


async def test_a_setting_needs_a_boolean(peer: Peer) -> None:
    await peer.send("SET_PLUG_AND_CHARGE", evse_id=EVSE, value="yes")
    assert (await peer.recv())["error"] == 9


async def test_block_and_unblock_push_the_activity_only_when_it_changes(
    peer: Peer, cloud: BlueCurrentCloud
) -> None:
    cloud.charge_point(EVSE).start_charging()
    await peer.send("SET_INOPERATIVE", evse_id=EVSE)
    status, pushed = await peer.recv_many(2)
    assert status == verdict("SET_INOPERATIVE")
    assert pushed["object"] == "CH_STATUS"
    assert pushed["data"]["activity"] == "unavailable"
    assert pushed["data"]["stop_datetime"] == "20250310 12:00:00"  # blocking ends the session

    await peer.send("SET_OPERATIVE", evse_id=EVSE)
    status, pushed = await peer.recv_many(2)
    assert status == verdict("SET_OPERATIVE")
    assert pushed["data"]["activity"] == "available"

    await peer.send("SET_OPERATIVE", evse_id=EVSE)
    assert await peer.recv() == verdict("SET_OPERATIVE")
    await peer.assert_silent()


async def test_start_session_starts_charging(peer: Peer, cloud: BlueCurrentCloud) -> None:
    card = cloud.account("api-token-1").cards[0]
    await peer.send("START_SESSION", evse_id=EVSE, session_token=card.uid)
    received, status, pushed = await peer.recv_many(3)
    assert received == ack("START_SESSION")
    assert status == verdict("START_SESSION")
    assert set(status) == VERDICT_KEYS
    assert pushed["object"] == "CH_STATUS"
    assert pushed["data"]["activity"] == "charging"
    assert pushed["data"]["vehicle_status"] == "C"
    assert cloud.charge_point(EVSE).session_card == card.uid


@pytest.mark.parametrize(
    ("prepare", "card"),
    [
        (lambda cp: None, "UNKNOWN-CARD"),
        (lambda cp: cp.block(), "BCU-APP"),
        (lambda cp: cp.start_charging(), "BCU-APP"),
        (lambda cp: cp.set_vehicle_status("F"), "BCU-APP"),
    ],
    ids=["unknown card", "blocked", "already charging", "vehicle error"],
)
async def test_start_session_is_rejected_by_the_charge_point(
    peer: Peer, cloud: BlueCurrentCloud, prepare: object, card: str
) -> None:
    assert callable(prepare)
    prepare(cloud.charge_point(EVSE))
    await peer.send("START_SESSION", evse_id=EVSE, session_token=card)
    assert await peer.recv_many(2) == [ack("START_SESSION"), verdict("START_SESSION", "REJECTED")]
    await peer.assert_silent()


async def test_an_offline_charge_point_times_out(peer: Peer, cloud: BlueCurrentCloud) -> None:
    cloud.charge_point(EVSE).go_offline()
    await peer.send("SOFT_RESET", evse_id=EVSE)
    assert await peer.recv_many(2) == [ack("SOFT_RESET"), verdict("SOFT_RESET", "TIMEOUT")]
    assert cloud.charge_point(EVSE).resets == 0


async def test_configured_timeout_verdict(peer: Peer, cloud: BlueCurrentCloud) -> None:
    cloud.set_verdict("REBOOT", Outcome.TIMEOUT)
    await peer.send("REBOOT", evse_id=EVSE)
    assert await peer.recv_many(2) == [ack("REBOOT"), verdict("REBOOT", "TIMEOUT")]
    assert cloud.charge_point(EVSE).reboots == 0
    cloud.verdicts.clear()
    await peer.send("REBOOT", evse_id=EVSE)
    assert await peer.recv_many(2) == [ack("REBOOT"), verdict("REBOOT")]
    assert cloud.charge_point(EVSE).reboots == 1


async def test_a_delayed_verdict_does_not_hold_up_other_answers(
    peer: Peer, cloud: BlueCurrentCloud
) -> None:
    cloud.set_verdict("START_SESSION", Outcome.ACCEPTED, delay=0.3)
    began = time.monotonic()
    await peer.send("START_SESSION", evse_id=EVSE, session_token="BCU-APP")
    await peer.send("GET_CH_SETTINGS", evse_id=EVSE)
    received, settings = await peer.recv_many(2)
    assert received == ack("START_SESSION")
    assert settings["object"] == "CH_SETTINGS"  # answered while the verdict is pending
    status, pushed = await peer.recv_many(2)
    assert status == verdict("START_SESSION")
    assert time.monotonic() - began >= 0.3
    assert pushed["data"]["activity"] == "charging"


async def test_a_silent_charge_point_never_gives_a_verdict(
    peer: Peer, cloud: BlueCurrentCloud
) -> None:
    cloud.set_verdict("SOFT_RESET", Outcome.SILENT)
    await peer.send("SOFT_RESET", evse_id=EVSE)
    assert await peer.recv() == ack("SOFT_RESET")
    await peer.assert_silent()


async def test_stop_session_without_a_session_is_refused_in_the_ack(peer: Peer) -> None:
    await peer.send("STOP_SESSION", evse_id=EVSE)
    assert await peer.recv() == ack("STOP_SESSION", f"no active session for chargepoint: {EVSE}")
    await peer.assert_silent()


async def test_stop_session_ends_the_session(
    peer: Peer, cloud: BlueCurrentCloud, clock: object
) -> None:
    cloud.charge_point(EVSE).start_charging()
    await peer.send("STOP_SESSION", evse_id=EVSE)
    received, status, pushed = await peer.recv_many(3)
    assert (received, status) == (ack("STOP_SESSION"), verdict("STOP_SESSION"))
    data = pushed["data"]
    assert (data["activity"], data["vehicle_status"]) == ("available", "B")
    assert data["stop_datetime"] == "20250310 12:00:00"


async def test_reboot_ends_a_session_and_soft_reset_does_not(
    peer: Peer, cloud: BlueCurrentCloud
) -> None:
    charge_point = cloud.charge_point(EVSE)
    charge_point.start_charging()
    await cloud.push_status(EVSE)
    assert (await peer.recv())["data"]["activity"] == "charging"
    await peer.send("SOFT_RESET", evse_id=EVSE)
    assert await peer.recv_many(2) == [ack("SOFT_RESET"), verdict("SOFT_RESET")]
    await peer.assert_silent()
    assert (charge_point.resets, charge_point.charging) == (1, True)
    await peer.send("REBOOT", evse_id=EVSE)
    *_, pushed = await peer.recv_many(3)
    assert pushed["data"]["activity"] == "available"
    assert (charge_point.reboots, charge_point.charging) == (1, False)


async def test_delayed_charging_switch_and_schedule(peer: Peer, cloud: BlueCurrentCloud) -> None:
    await peer.send("SET_DELAYED_CHARGING", evse_id=EVSE, value=True)
    status, settings = await peer.recv_many(2)
    assert set(status) == VERDICT_KEYS
    assert status["object"] == "STATUS_SET_DELAYED_CHARGING"
    assert (status["success"], status["error"]) == (True, "")
    assert set(status["result"]) == DELAYED_KEYS
    assert status["result"]["value"] is True
    assert settings["data"]["delayed_charging"]["value"] is True

    for days in ("[1,2]", "1,2", [2, 1]):
        await peer.send(
            "SAVE_SCHEDULE_DELAYED_CHARGING",
            evse_id=EVSE,
            days=days,
            start_time="13:00",
            end_time="20:00",
        )
        status, settings = await peer.recv_many(2)
        assert status["object"] == "STATUS_SAVE_SCHEDULE_DELAYED_CHARGING"
        assert status["result"]["selected_days"] == [1, 2]  # read back under its read key
        assert settings["data"]["delayed_charging"] == status["result"]
    delayed = cloud.charge_point(EVSE).delayed
    assert (delayed.start_time, delayed.end_time) == ("13:00", "20:00")


@pytest.mark.parametrize(
    "fields",
    [
        {"days": "[8]", "start_time": "13:00", "end_time": "20:00"},
        {"days": "[1,", "start_time": "13:00", "end_time": "20:00"},
        {"days": [True], "start_time": "13:00", "end_time": "20:00"},
        {"days": 5, "start_time": "13:00", "end_time": "20:00"},
        {"days": "[1]", "start_time": "25:00", "end_time": "20:00"},
    ],
)
async def test_a_bad_delayed_schedule_is_an_error(peer: Peer, fields: dict[str, object]) -> None:
    await peer.send("SAVE_SCHEDULE_DELAYED_CHARGING", evse_id=EVSE, **fields)
    assert await peer.recv() == {"object": "ERROR", "error": 9, "message": "Unknown error"}


async def test_price_based_charging_switch_and_partial_update(
    peer: Peer, cloud: BlueCurrentCloud
) -> None:
    await peer.send("SET_PRICE_BASED_CHARGING", evse_id=EVSE, value=True)
    status, settings = await peer.recv_many(2)
    assert set(status["result"]) == PRICE_BASED_KEYS
    assert settings["data"]["price_based_charging"]["value"] is True

    await peer.send("PATCH_PRICE_BASED_CHARGING_SETTINGS", evse_id=EVSE, minimum_pct=30)
    status, _ = await peer.recv_many(2)
    assert status["object"] == "STATUS_PATCH_PRICE_BASED_CHARGING_SETTINGS"
    assert (status["result"]["minimum_pct"], status["result"]["battery_size_kwh"]) == (30, 60)

    await peer.send(
        "PATCH_PRICE_BASED_CHARGING_SETTINGS",
        evse_id=EVSE,
        expected_departure_time="06:45",
        current_battery_pct=55,
        battery_size_kwh=77,
    )
    status, _ = await peer.recv_many(2)
    price = cloud.charge_point(EVSE).price_based
    assert (price.expected_departure_time, price.current_battery_pct) == ("06:45", 55)
    assert (price.minimum_pct, price.battery_size_kwh) == (30, 77)


async def test_boosts_answer_with_the_profile(peer: Peer, cloud: BlueCurrentCloud) -> None:
    charge_point = cloud.charge_point(EVSE)
    charge_point.start_charging()
    charge_point.delayed.enabled = True
    await peer.send("OVERRIDE_DELAYED_CHARGING_TIMEOUT", evse_id=EVSE, value=True)
    status, pushed = await peer.recv_many(2)
    assert pushed["data"]["boosting"] is True
    assert set(status) == VERDICT_KEYS
    assert status["object"] == "STATUS_OVERRIDE_DELAYED_CHARGING_TIMEOUT"
    assert (status["success"], status["error"]) == (True, "")
    assert set(status["result"]) == DELAYED_KEYS
    assert charge_point.boosting is True
    charge_point.delayed.enabled = False
    charge_point.price_based.enabled = True
    await peer.send("OVERRIDE_CHARGING_PROFILES", evse_id=EVSE, value=False)
    status, pushed = await peer.recv_many(2)
    assert pushed["data"]["boosting"] is False
    assert status["object"] == "STATUS_OVERRIDE_CHARGING_PROFILES"
    assert set(status["result"]) == PRICE_BASED_KEYS
    assert charge_point.boosting is False


async def test_override_current_schedules(peer: Peer) -> None:
    await peer.send("LIST_OVERRIDE_CURRENT")
    assert await peer.recv() == {"object": "LIST_OVERRIDE_CURRENT", "data": []}

    # Tuesday and Wednesday: not in force at the test's Monday noon, so nothing is pushed.
    plan = {
        "chargepoints": [EVSE],
        "overridestarttime": "08:00",
        "overridestartdays": ["TU", "WE"],
        "overridestoptime": "18:00",
        "overridestopdays": ["WE"],
        "overridevalue": 10.0,
    }
    await peer.send("POST_SET_OVERRIDE_CURRENT", **plan)
    created = await peer.recv()
    assert (created["object"], created["success"], created["error"]) == (
        "POST_SET_OVERRIDE_CURRENT",
        True,
        "",
    )
    assert created["data"] == {
        "schedule_id": "1",
        "charge_points": [EVSE],
        "start_time": "08:00",
        "stop_time": "18:00",
        "override_start_days": "TU,WE",
        "override_end_days": "WE",
        "override_current": 10.0,
    }

    await peer.send("POST_EDIT_OVERRIDE_CURRENT", schedule_id="1", **{**plan, "overridevalue": 6})
    edited = await peer.recv()
    assert (edited["success"], edited["data"]["override_current"]) == (True, 6.0)
    await peer.send("POST_EDIT_OVERRIDE_CURRENT", schedule_id="99", **plan)
    missing = await peer.recv()
    assert (missing["success"], missing["error"]) == (False, "NOT_FOUND")
    assert set(missing["data"]) == SCHEDULE_KEYS

    await peer.send("LIST_OVERRIDE_CURRENT")
    listed = await peer.recv()
    assert [entry["override_current"] for entry in listed["data"]] == [6.0]

    await peer.send("POST_CLEAR_OVERRIDE_CURRENT", schedule_id=1)
    await peer.send("POST_CLEAR_OVERRIDE_CURRENT", schedule_id=1)
    assert await peer.recv_many(2) == [
        {"object": "POST_CLEAR_OVERRIDE_CURRENT", "success": True, "error": "", "schedule_id": "1"},
        {
            "object": "POST_CLEAR_OVERRIDE_CURRENT",
            "success": False,
            "error": "NOT_FOUND",
            "schedule_id": "1",
        },
    ]


@pytest.mark.parametrize(
    ("command", "fields", "code"),
    [
        ("POST_SET_OVERRIDE_CURRENT", {"chargepoints": ["BCU999999"]}, 2),
        ("POST_SET_OVERRIDE_CURRENT", {"chargepoints": []}, 9),
        ("POST_SET_OVERRIDE_CURRENT", {"overridestartdays": ["XX"]}, 9),
        ("POST_SET_OVERRIDE_CURRENT", {"overridevalue": "10"}, 9),
        ("POST_SET_OVERRIDE_CURRENT", {"overridevalue": -1}, 9),
        ("POST_EDIT_OVERRIDE_CURRENT", {"schedule_id": "abc"}, 9),
        ("POST_EDIT_OVERRIDE_CURRENT", {"schedule_id": True}, 9),
        ("POST_CLEAR_OVERRIDE_CURRENT", {}, 9),
    ],
)
async def test_bad_schedule_requests_are_errors(
    peer: Peer, command: str, fields: dict[str, object], code: int
) -> None:
    plan: dict[str, object] = {
        "chargepoints": [EVSE],
        "overridestarttime": "08:00",
        "overridestartdays": ["MO"],
        "overridestoptime": "18:00",
        "overridestopdays": ["MO"],
        "overridevalue": 10,
    }
    await peer.send(command, **{**plan, **fields})
    assert (await peer.recv())["error"] == code
