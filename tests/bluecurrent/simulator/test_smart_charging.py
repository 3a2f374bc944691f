"""Smart charging over the wire, on the manual clock (Amsterdam wall time).

Delayed charging holds a session outside its window on its days, price-based charging until
the cheap hours (unless the battery is below the minimum), a boost releases either for the
rest of the session, override schedules cap the current, and every change reads back.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from simulator.bluecurrent import (
    CHEAP_PRICE,
    HEARTBEAT_TIMEOUT,
    PRICE_CURVE,
    BlueCurrentCloud,
    ManualClock,
    is_cheap,
    price_at,
)
from simulator.bluecurrent.model import Permission

from .conftest import EVSE, EVSE_2, amsterdam
from .keys import DELAYED_KEYS, PRICE_BASED_KEYS, PROFILE_OFF_KEYS
from .peer import Peer

type Data = dict[str, Any]


async def move_to(
    peer: Peer, bc_cloud: BlueCurrentCloud, clock: ManualClock, moment: datetime
) -> dict[str, Data]:
    """Set the clock, let the cloud catch up, return the CH_STATUS data it pushed by evse_id."""
    clock.set(moment)
    await bc_cloud.tick(0)
    pushed: dict[str, Data] = {}
    while (frame := await peer.recv())["object"] != "GRID_CURRENT":
        pushed[frame["evse_id"]] = frame["data"]
    return pushed


async def command(peer: Peer, name: str, count: int, **fields: Any) -> list[Data]:
    """Send a command for EVSE and read the frames that follow it."""
    await peer.send(name, evse_id=EVSE, **fields)
    return await peer.recv_many(count)


async def plug_in(peer: Peer, bc_cloud: BlueCurrentCloud) -> None:
    """A car arrives at EVSE (the cloud pushes its status)."""
    bc_cloud.charge_point(EVSE).plug_in()
    await bc_cloud.push_status(EVSE)
    assert (await peer.recv())["data"]["vehicle_status"] == "B"


def holding(data: Data) -> bool:
    """What the app shows as "Scheduled": a session held back by a profile."""
    return (
        data["activity"] == "delayed"
        and data["vehicle_status"] == "C"
        and (data["actual_p1"], data["actual_p2"], data["actual_p3"]) == (0, 0, 0)
        and data["smart_current_heartbeat_timeout"] == HEARTBEAT_TIMEOUT
    )


def charging(data: Data, amps: int = 16) -> bool:
    """A session drawing (about) this many amperes on every phase."""
    return (
        data["activity"] == "charging"
        and data["smart_current_heartbeat_timeout"] == 0
        and all(amps - 1 <= data[f"actual_p{n}"] <= amps for n in (1, 2, 3))
    )


# The price curve.


def test_the_price_curve_and_its_cheap_hours() -> None:
    assert len(PRICE_CURVE) == 24
    cheap = [hour for hour, price in enumerate(PRICE_CURVE) if price <= CHEAP_PRICE]
    assert cheap == [1, 2, 3, 4, 12, 13, 14]
    assert price_at(amsterdam(10, 18, 30)) == max(PRICE_CURVE)
    assert is_cheap(amsterdam(10, 13, 59))
    assert not is_cheap(amsterdam(10, 15))
    # Hours are Amsterdam hours: 10:00 UTC is 12:00 in summer (cheap), 11:00 in winter (not).
    assert is_cheap(datetime(2025, 7, 1, 10, tzinfo=UTC))
    assert not is_cheap(datetime(2025, 1, 7, 10, tzinfo=UTC))


# Delayed charging.


async def test_delayed_charging_holds_outside_its_window_on_its_days(
    peer: Peer, bc_cloud: BlueCurrentCloud, clock: ManualClock
) -> None:
    await plug_in(peer, bc_cloud)
    weekdays = {"days": "[1,2,3,4,5]", "start_time": "23:00", "end_time": "07:00"}
    _, settings = await command(peer, "SAVE_SCHEDULE_DELAYED_CHARGING", 2, **weekdays)
    # Off, the cloud shows only value and permission.
    assert settings["data"]["delayed_charging"] == {"value": False, "permission": "write"}
    _, settings = await command(peer, "SET_DELAYED_CHARGING", 2, value=True)
    assert settings["data"]["delayed_charging"] == {
        "value": True,
        "permission": "write",
        "selected_days": [1, 2, 3, 4, 5],
        "start_time": "23:00",
        "end_time": "07:00",
        "smart_current_heartbeat_timeout": 0,
    }

    # Monday noon: a session waits.
    *_, held = await command(peer, "START_SESSION", 3, session_token="BCU-APP")
    assert holding(held["data"])
    assert held["data"]["boosting"] is False
    await peer.send("GET_CH_SETTINGS", evse_id=EVSE)
    delayed = (await peer.recv())["data"]["delayed_charging"]
    assert delayed["smart_current_heartbeat_timeout"] == HEARTBEAT_TIMEOUT

    assert await move_to(peer, bc_cloud, clock, amsterdam(10, 22, 59)) == {}  # nothing changes
    assert charging((await move_to(peer, bc_cloud, clock, amsterdam(10, 23)))[EVSE])
    assert charging(bc_cloud.status_frame(bc_cloud.charge_point(EVSE))["data"])
    assert holding((await move_to(peer, bc_cloud, clock, amsterdam(11, 7)))[EVSE])
    # Saturday is not one of its days: the car charges all day.
    assert charging((await move_to(peer, bc_cloud, clock, amsterdam(15, 12)))[EVSE])
    assert holding((await move_to(peer, bc_cloud, clock, amsterdam(17, 12)))[EVSE])  # Monday


async def test_delayed_charging_only_holds_a_session(
    peer: Peer, bc_cloud: BlueCurrentCloud, clock: ManualClock
) -> None:
    await plug_in(peer, bc_cloud)
    await command(peer, "SET_DELAYED_CHARGING", 2, value=True)
    await peer.send("GET_CH_STATUS", evse_id=EVSE)
    idle = (await peer.recv())["data"]
    assert (idle["activity"], idle["vehicle_status"]) == ("available", "B")
    assert idle["smart_current_heartbeat_timeout"] == 0
    # Switching the profile off releases a held session.
    await command(peer, "START_SESSION", 3, session_token="BCU-APP")
    *_, released = await command(peer, "SET_DELAYED_CHARGING", 3, value=False)
    assert charging(released["data"])


# Price-based charging.


async def test_price_based_charging_waits_for_the_cheap_hours(
    peer: Peer, bc_cloud: BlueCurrentCloud, clock: ManualClock
) -> None:
    clock.set(amsterdam(10, 8))  # 0.33 EUR/kWh
    await command(peer, "SET_PRICE_BASED_CHARGING", 2, value=True)
    *_, held = await command(peer, "START_SESSION", 3, session_token="BCU-APP")
    assert holding(held["data"])
    assert await move_to(peer, bc_cloud, clock, amsterdam(10, 11, 59)) == {}
    assert charging((await move_to(peer, bc_cloud, clock, amsterdam(10, 12)))[EVSE])
    assert holding((await move_to(peer, bc_cloud, clock, amsterdam(10, 15)))[EVSE])
    assert charging((await move_to(peer, bc_cloud, clock, amsterdam(11, 1)))[EVSE])
    assert holding((await move_to(peer, bc_cloud, clock, amsterdam(11, 5)))[EVSE])


async def test_below_the_minimum_the_car_charges_at_any_price(
    peer: Peer, bc_cloud: BlueCurrentCloud, clock: ManualClock
) -> None:
    clock.set(amsterdam(10, 17))  # the dearest hours
    patch = {"current_battery_pct": 5, "minimum_pct": 10, "battery_size_kwh": 40}
    await command(peer, "PATCH_PRICE_BASED_CHARGING_SETTINGS", 2, **patch)
    await command(peer, "SET_PRICE_BASED_CHARGING", 2, value=True)
    *_, started = await command(peer, "START_SESSION", 3, session_token="BCU-APP")
    assert charging(started["data"])
    # 2 kWh to the minimum at about 11 kW: a little under 11 minutes.
    charge_point = bc_cloud.charge_point(EVSE)
    minutes = 0
    while charge_point.activity == "charging":
        clock.advance(60)
        await bc_cloud.tick(60)
        minutes += 1
    assert 10 <= minutes <= 12
    assert charge_point.price_based.battery_pct(charge_point.actual_kwh) >= 10
    assert holding(frame_data(bc_cloud, EVSE))


def frame_data(bc_cloud: BlueCurrentCloud, evse_id: str) -> Data:
    """What GET_CH_STATUS would answer now."""
    data: Data = bc_cloud.status_frame(bc_cloud.charge_point(evse_id))["data"]
    return data


# Boosts.


async def test_a_boost_releases_the_profile_until_the_session_ends(
    peer: Peer, bc_cloud: BlueCurrentCloud, clock: ManualClock
) -> None:
    await command(peer, "SET_DELAYED_CHARGING", 2, value=True)  # 22:00-07:00, every day
    *_, held = await command(peer, "START_SESSION", 3, session_token="BCU-APP")
    assert holding(held["data"])
    # Price-based charging's boost is not this profile's.
    refused = await command(peer, "OVERRIDE_CHARGING_PROFILES", 1, value=True)
    assert refused[0]["error"] == "REJECTED"

    verdict, boosted = await command(peer, "OVERRIDE_DELAYED_CHARGING_TIMEOUT", 2, value=True)
    assert verdict["success"] is True
    assert charging(boosted["data"])
    assert boosted["data"]["boosting"] is True
    # Through the window and out of it again: the boost holds for the session.
    await move_to(peer, bc_cloud, clock, amsterdam(11, 9))
    assert charging(frame_data(bc_cloud, EVSE), amps=16)
    assert frame_data(bc_cloud, EVSE)["boosting"] is True

    *_, stopped = await command(peer, "STOP_SESSION", 3)
    assert (stopped["data"]["activity"], stopped["data"]["boosting"]) == ("available", False)
    *_, again = await command(peer, "START_SESSION", 3, session_token="BCU-APP")
    assert holding(again["data"])


async def test_a_boost_can_be_ended(
    peer: Peer, bc_cloud: BlueCurrentCloud, clock: ManualClock
) -> None:
    clock.set(amsterdam(10, 18))
    await command(peer, "SET_PRICE_BASED_CHARGING", 2, value=True)
    await command(peer, "START_SESSION", 3, session_token="BCU-APP")
    _, boosted = await command(peer, "OVERRIDE_CHARGING_PROFILES", 2, value=True)
    assert charging(boosted["data"])
    assert boosted["data"]["boosting"] is True
    _, ended = await command(peer, "OVERRIDE_CHARGING_PROFILES", 2, value=False)
    assert holding(ended["data"])
    assert ended["data"]["boosting"] is False


@pytest.mark.parametrize(
    ("prepare", "boost"),
    [
        ("no session", "OVERRIDE_DELAYED_CHARGING_TIMEOUT"),
        ("profile off", "OVERRIDE_DELAYED_CHARGING_TIMEOUT"),
        ("profile off", "OVERRIDE_CHARGING_PROFILES"),
        ("read only", "OVERRIDE_DELAYED_CHARGING_TIMEOUT"),
    ],
)
async def test_a_boost_without_anything_to_release_is_refused(
    peer: Peer, bc_cloud: BlueCurrentCloud, prepare: str, boost: str
) -> None:
    charge_point = bc_cloud.charge_point(EVSE)
    if prepare != "no session":
        charge_point.start_charging()
    charge_point.delayed.enabled = prepare != "profile off"
    charge_point.read_only = prepare == "read only"
    charge_point.settle()
    assert await command(peer, boost, 1, value=True) == [
        {
            "object": f"STATUS_{boost}",
            "success": False,
            "flow_id": "",
            "evse_id": EVSE,
            "result": (await _profile_read_back(peer, boost)),
            "error": "REJECTED",
        }
    ]
    await peer.assert_silent()
    assert charge_point.boosting is False


async def _profile_read_back(peer: Peer, command_name: str) -> Data:
    await peer.send("GET_CH_SETTINGS", evse_id=EVSE)
    data = (await peer.recv())["data"]
    key = "delayed_charging" if "DELAYED" in command_name else "price_based_charging"
    profile: Data = data[key]
    return profile


# One profile at a time; only with write permission.


async def test_the_profiles_are_exclusive(peer: Peer, bc_cloud: BlueCurrentCloud) -> None:
    charge_point = bc_cloud.charge_point(EVSE)
    await command(peer, "SET_DELAYED_CHARGING", 2, value=True)
    refused = await command(peer, "SET_PRICE_BASED_CHARGING", 1, value=True)
    assert (refused[0]["success"], refused[0]["error"]) == (False, "REJECTED")
    assert set(refused[0]["result"]) == PROFILE_OFF_KEYS
    await peer.assert_silent()  # nothing changed, nothing pushed
    assert not charge_point.price_based.enabled
    # Switching the other one off first is how it is done.
    await command(peer, "SET_DELAYED_CHARGING", 2, value=False)
    _, settings = await command(peer, "SET_PRICE_BASED_CHARGING", 2, value=True)
    assert settings["data"]["price_based_charging"]["value"] is True
    assert settings["data"]["delayed_charging"]["value"] is False
    refused = await command(peer, "SET_DELAYED_CHARGING", 1, value=True)
    assert refused[0]["error"] == "REJECTED"
    # Switching off a profile that is off is fine.
    verdict, _ = await command(peer, "SET_DELAYED_CHARGING", 2, value=False)
    assert verdict["success"] is True


WRITES = [
    ("SET_DELAYED_CHARGING", {"value": True}),
    ("SAVE_SCHEDULE_DELAYED_CHARGING", {"days": "[1]", "start_time": "01:00", "end_time": "02:00"}),
    ("SET_PRICE_BASED_CHARGING", {"value": True}),
    ("PATCH_PRICE_BASED_CHARGING_SETTINGS", {"minimum_pct": 50}),
]


@pytest.mark.parametrize("permission", ["read", "none"])
@pytest.mark.parametrize(("name", "fields"), WRITES, ids=[name for name, _ in WRITES])
async def test_without_write_permission_every_write_is_refused(
    peer: Peer,
    bc_cloud: BlueCurrentCloud,
    permission: Permission,
    name: str,
    fields: dict[str, Any],
) -> None:
    charge_point = bc_cloud.charge_point(EVSE)
    charge_point.delayed.permission = charge_point.price_based.permission = permission
    before = (repr(charge_point.delayed), repr(charge_point.price_based))
    refused = await command(peer, name, 1, **fields)
    assert (refused[0]["success"], refused[0]["error"]) == (False, "REJECTED")
    await peer.assert_silent()
    assert (repr(charge_point.delayed), repr(charge_point.price_based)) == before
    await peer.send("GET_CH_SETTINGS", evse_id=EVSE)
    data = (await peer.recv())["data"]
    assert data["delayed_charging"] == {"value": False, "permission": permission}
    assert data["price_based_charging"] == {"value": False, "permission": permission}


async def test_hidden_settings_are_not_shown_and_read_only_ones_are(
    peer: Peer, bc_cloud: BlueCurrentCloud
) -> None:
    charge_point = bc_cloud.charge_point(EVSE)
    charge_point.delayed.enabled = True
    charge_point.delayed.permission = "none"
    charge_point.price_based.enabled = True  # (a state the cloud itself would refuse)
    charge_point.read_only = True
    await peer.send("GET_CHARGE_POINTS")
    entry = (await peer.recv())["data"][0]
    assert entry["delayed_charging"] == {"value": True, "permission": "none"}
    assert set(entry["price_based_charging"]) == PRICE_BASED_KEYS
    assert entry["price_based_charging"]["permission"] == "read"
    assert entry["capacity_tariff"]["permission"] == "read"


# Every change reads back, in CH_SETTINGS and in the charge point list.


async def test_every_change_reads_back(peer: Peer) -> None:
    async def read_back(key: str) -> tuple[Data, Data]:
        await peer.send("GET_CH_SETTINGS", evse_id=EVSE)
        await peer.send("GET_CHARGE_POINTS")
        settings, points = await peer.recv_many(2)
        return settings["data"][key], points["data"][0][key]

    _, pushed = await command(peer, "SET_DELAYED_CHARGING", 2, value=True)
    settings, listed = await read_back("delayed_charging")
    assert settings == listed == pushed["data"]["delayed_charging"]
    assert set(settings) == DELAYED_KEYS
    window = {"days": [7, 6], "start_time": "09:30", "end_time": "17:45"}
    _, pushed = await command(peer, "SAVE_SCHEDULE_DELAYED_CHARGING", 2, **window)
    settings, listed = await read_back("delayed_charging")
    assert settings == listed == pushed["data"]["delayed_charging"]
    assert (settings["selected_days"], settings["start_time"], settings["end_time"]) == (
        [6, 7],
        "09:30",
        "17:45",
    )
    await command(peer, "SET_DELAYED_CHARGING", 2, value=False)
    assert await read_back("delayed_charging") == ({"value": False, "permission": "write"},) * 2

    await command(peer, "SET_PRICE_BASED_CHARGING", 2, value=True)
    patch = {"expected_departure_time": "06:15", "current_battery_pct": 35, "battery_size_kwh": 82}
    _, pushed = await command(peer, "PATCH_PRICE_BASED_CHARGING_SETTINGS", 2, **patch)
    settings, listed = await read_back("price_based_charging")
    assert settings == listed == pushed["data"]["price_based_charging"]
    assert settings == {
        "value": True,
        "permission": "write",
        "expected_leave_time": "06:15",  # the cloud's read key for the departure
        "current_battery_pct": 35,
        "minimum_pct": 10,
        "battery_size_kwh": 82,
    }


@pytest.mark.parametrize(
    "fields",
    [{"minimum_pct": 101}, {"current_battery_pct": -1}, {"battery_size_kwh": 0}],
)
async def test_impossible_price_based_settings_are_errors(
    peer: Peer, fields: dict[str, object]
) -> None:
    assert (await command(peer, "PATCH_PRICE_BASED_CHARGING_SETTINGS", 1, **fields))[0] == {
        "object": "ERROR",
        "error": 9,
        "message": "Unknown error",
    }


# Override-current schedules.


def plan(days: list[str], start: str, stop: str, amps: float, *evse_ids: str) -> Data:
    return {
        "chargepoints": list(evse_ids or [EVSE]),
        "overridestarttime": start,
        "overridestartdays": days,
        "overridestoptime": stop,
        "overridestopdays": days,
        "overridevalue": amps,
    }


async def test_an_override_schedule_caps_the_current_inside_its_window(
    peer: Peer, bc_cloud: BlueCurrentCloud, clock: ManualClock
) -> None:
    bc_cloud.charge_point(EVSE).start_charging()  # Monday noon, 16 A
    weekdays = ["MO", "TU", "WE", "TH", "FR"]
    await peer.send("POST_SET_OVERRIDE_CURRENT", **plan(weekdays, "08:00", "18:00", 10))
    created, capped = await peer.recv_many(2)
    assert created["data"]["schedule_id"] == "1"
    assert capped["evse_id"] == EVSE  # the other charge point is not in the schedule
    assert charging(capped["data"], amps=10)
    assert (capped["data"]["smartcharging_max_usage"], capped["data"]["current_left"]) == (10, 0)

    released = (await move_to(peer, bc_cloud, clock, amsterdam(10, 18)))[EVSE]
    assert charging(released, amps=16)
    assert released["smartcharging_max_usage"] == 13  # back to the configured value
    assert charging((await move_to(peer, bc_cloud, clock, amsterdam(11, 8)))[EVSE], amps=10)
    assert charging((await move_to(peer, bc_cloud, clock, amsterdam(15, 9)))[EVSE])  # Saturday

    clock.set(amsterdam(12, 9))  # Wednesday
    await bc_cloud.tick(0)
    await peer.recv_many(2)
    edited = plan(weekdays, "08:00", "18:00", 6)
    await peer.send("POST_EDIT_OVERRIDE_CURRENT", schedule_id="1", **edited)
    answer, lowered = await peer.recv_many(2)
    assert answer["success"] is True
    assert charging(lowered["data"], amps=6)

    # A second schedule over the whole week: the lower cap wins while both apply.
    await peer.send("POST_SET_OVERRIDE_CURRENT", **plan(["MO"], "00:00", "00:00", 8, EVSE, EVSE_2))
    assert (await peer.recv())["data"]["schedule_id"] == "2"
    assert (await peer.recv())["evse_id"] == EVSE_2  # its limit in force is now 8
    await peer.send("LIST_OVERRIDE_CURRENT")
    listed = (await peer.recv())["data"]
    assert [(s["schedule_id"], s["override_current"]) for s in listed] == [("1", 6), ("2", 8)]

    await peer.send("POST_CLEAR_OVERRIDE_CURRENT", schedule_id=1)
    cleared, raised = await peer.recv_many(2)
    assert cleared["success"] is True
    assert charging(raised["data"], amps=8)
    await peer.send("POST_CLEAR_OVERRIDE_CURRENT", schedule_id=2)
    _, first, second = await peer.recv_many(3)
    assert charging(first["data"], amps=16)
    assert (second["evse_id"], second["data"]["smartcharging_max_usage"]) == (EVSE_2, 13)


async def test_an_override_schedule_does_not_start_a_session(
    peer: Peer, bc_cloud: BlueCurrentCloud
) -> None:
    await peer.send("POST_SET_OVERRIDE_CURRENT", **plan(["MO"], "00:00", "00:00", 6))
    _, status = await peer.recv_many(2)
    data = status["data"]
    assert (data["activity"], data["actual_p1"], data["smartcharging_max_usage"]) == (
        "available",
        0,
        6,
    )
    bc_cloud.charge_point(EVSE).start_charging()
    assert charging(frame_data(bc_cloud, EVSE), amps=6)
