"""The reference client, bluecurrent-api 1.3.3, against the simulator.

Where the reference client and the simulator disagree, the simulator is wrong.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from datetime import datetime
from typing import Any

from bluecurrent_api import Client
from bluecurrent_api.exceptions import (
    AlreadyConnected,
    InvalidApiToken,
    RequestLimitReached,
    WebsocketError,
)
from bluecurrent_api.types import OverrideCurrentPayload, UpdatePriceBasedSettingsPayload
from bluecurrent_api.utils import SMART_CHARGING
import bluecurrent_api.websocket
import pytest

from simulator.bluecurrent import BlueCurrentCloud, LimitSignal, ManualClock, Outcome
from simulator.server import Simulator
from tests.waiting import wait_for

from .conftest import EVSE, EVSE_2, TOKEN

type Message = dict[str, Any]
type Stop = Callable[[list[Message]], bool]


@pytest.fixture(autouse=True)
def _point_the_library_at_the_simulator(
    simulator: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bluecurrent_api.websocket, "URL", simulator.bluecurrent_url)


@pytest.fixture
async def client() -> Client:
    """A client with a validated token."""
    client = Client()
    assert await client.validate_api_token(TOKEN) == "CU1"
    return client


def objects(seen: list[Message]) -> list[str]:
    return [message["object"] for message in seen]


def having(*names: str) -> Stop:
    """Stop once every named object arrived (as often as named)."""

    def stop(seen: list[Message]) -> bool:
        received = objects(seen)
        return all(received.count(name) >= names.count(name) for name in names)

    return stop


async def converse(
    client: Client,
    on_open: Callable[[], Coroutine[Any, Any, None]],
    stop: Stop,
    react: Callable[[Message], Awaitable[None]] | None = None,
) -> list[Message]:
    """connect(), send from on_open, collect until `stop`, then disconnect()."""
    seen: list[Message] = []
    finished = asyncio.Event()

    async def receiver(message: Message) -> None:
        seen.append(message)
        if react is not None:
            await react(message)
        if stop(seen):
            finished.set()

    async def disconnect() -> None:
        await finished.wait()
        await client.disconnect()

    async with asyncio.timeout(5), asyncio.TaskGroup() as group:
        group.create_task(client.connect(receiver, on_open))
        group.create_task(disconnect())
    return seen


async def test_validation_and_email(cloud: BlueCurrentCloud) -> None:
    client = Client()
    assert await client.validate_api_token(TOKEN) == "CU1"
    assert await client.get_email() == "owner@example.com"
    with pytest.raises(InvalidApiToken):
        await Client().validate_api_token("wrong")
    assert [frame.command for frame in cloud.received] == [
        "VALIDATE_API_TOKEN",
        "GET_ACCOUNT",
        "VALIDATE_API_TOKEN",
    ]


async def test_a_home_assistant_style_start(client: Client, cloud: BlueCurrentCloud) -> None:
    cloud.charge_point(EVSE_2).smart_charging = True

    async def on_open() -> None:
        await client.get_charge_points()
        await client.get_charge_cards()

    async def react(message: Message) -> None:
        if message["object"] == "CHARGE_POINTS":
            for entry in message["data"]:
                await client.get_status(entry["evse_id"])
                await client.get_settings(entry["evse_id"])
            await client.get_grid_status(message["data"][0]["evse_id"])

    seen = await converse(
        client,
        on_open,
        having("CH_STATUS", "CH_STATUS", "CH_SETTINGS", "CH_SETTINGS", "GRID_STATUS"),
        react,
    )
    assert objects(seen) == [
        "CHARGE_POINTS",
        "CHARGE_CARDS",
        "CH_STATUS",
        "CH_SETTINGS",
        "CH_STATUS",
        "CH_SETTINGS",
        "GRID_STATUS",
    ]
    assert EVSE_2 in SMART_CHARGING
    assert EVSE not in SMART_CHARGING
    status = seen[2]["data"]
    assert status["vehicle_status"] == "standby"
    assert (status["start_datetime"], status["stop_datetime"], status["offline_since"]) == (
        None,
        None,
        None,
    )
    assert (status["avg_current"], status["current_left"], status["total_kw"]) == (0, 16, 0.0)
    assert seen[4]["data"]["current_left"] == 13  # smart charging limit
    settings = seen[3]["data"]
    assert settings["plug_and_charge"] is False
    assert settings["linked_charge_cards_only"] is False
    assert seen[6]["data"]["id"] == f"GRID-{EVSE}"
    assert len(seen[1]["cards"]) == 2
    assert [frame.command for frame in cloud.received][:4] == [
        "VALIDATE_API_TOKEN",
        "HELLO",
        "GET_CHARGE_POINTS",
        "GET_CHARGE_CARDS",
    ]


async def test_pushed_status_and_grid_current(
    client: Client, cloud: BlueCurrentCloud, clock: ManualClock
) -> None:
    cloud.charge_point(EVSE).start_charging()

    async def on_open() -> None:
        await client.get_charge_points()

    async def react(message: Message) -> None:
        if message["object"] == "CHARGE_POINTS":
            clock.advance(60)
            await cloud.tick(60)

    seen = await converse(client, on_open, having("CH_STATUS", "GRID_CURRENT"), react)
    status = next(message for message in seen if message["object"] == "CH_STATUS")
    assert status["evse_id"] == EVSE
    started = status["data"]["start_datetime"]
    assert isinstance(started, datetime)
    assert started.isoformat() == "2025-03-10T12:00:00+01:00"
    assert status["data"]["vehicle_status"] == "ready"
    assert status["data"]["actual_kwh"] > 0
    grid = next(message for message in seen if message["object"] == "GRID_CURRENT")
    assert grid["evse_id"] == EVSE
    assert set(grid["data"]) == {
        "grid_actual_p1",
        "grid_actual_p2",
        "grid_actual_p3",
        "grid_avg_current",
        "grid_max_current",
    }


async def test_settings_and_block(client: Client, cloud: BlueCurrentCloud) -> None:
    async def on_open() -> None:
        await client.set_plug_and_charge(EVSE, value=True)
        await client.set_linked_charge_cards_only(EVSE, value=True)
        await client.block(EVSE, value=True)
        await client.block(EVSE, value=False)

    seen = await converse(
        client,
        on_open,
        having("PLUG_AND_CHARGE", "LINKED_CHARGE_CARDS_ONLY", "CH_STATUS", "CH_STATUS"),
    )
    assert objects(seen) == [
        "PLUG_AND_CHARGE",
        "CH_SETTINGS",
        "LINKED_CHARGE_CARDS_ONLY",
        "CH_SETTINGS",
        "CH_STATUS",
        "CH_STATUS",
    ]
    assert seen[0] == {
        "object": "PLUG_AND_CHARGE",
        "success": True,
        "flow_id": "",
        "evse_id": EVSE,
        "result": True,
        "error": "",
    }
    assert seen[2]["result"] is True  # inverted from "set false" on the wire
    assert seen[3]["data"]["linked_charge_cards_only"] is True
    assert [seen[4]["data"]["activity"], seen[5]["data"]["activity"]] == [
        "unavailable",
        "available",
    ]
    charge_point = cloud.charge_point(EVSE)
    assert (charge_point.plug_and_charge, charge_point.public_charging) == (True, False)


async def test_actions_and_their_verdicts(client: Client, cloud: BlueCurrentCloud) -> None:
    cloud.set_verdict("REBOOT", Outcome.TIMEOUT)

    async def on_open() -> None:
        await client.stop_session(EVSE)
        await client.start_session(EVSE, "NOT-A-CARD")
        await client.start_session(EVSE, "BCU-APP")
        await client.reset(EVSE)
        await client.reboot(EVSE)
        await client.stop_session(EVSE)

    seen = await converse(
        client, on_open, having("STOP_SESSION", "STOP_SESSION", "REBOOT", "CH_STATUS")
    )
    assert objects(seen) == [
        "STOP_SESSION",
        "START_SESSION",
        "START_SESSION",
        "CH_STATUS",
        "SOFT_RESET",
        "REBOOT",
        "STOP_SESSION",
        "CH_STATUS",
    ]
    assert seen[0]["error"] == f"no active session for chargepoint: {EVSE}"
    assert seen[1]["error"] == f"start_session rejected for chargepoint: {EVSE}"
    assert (seen[2]["success"], seen[2]["error"]) == (True, "")
    assert seen[3]["data"]["activity"] == "charging"
    assert seen[4]["success"] is True
    assert seen[5]["error"] == f"reboot timeout for chargepoint: {EVSE}"
    assert (seen[6]["success"], seen[7]["data"]["activity"]) == (True, "available")


async def test_smart_charging_commands(client: Client, cloud: BlueCurrentCloud) -> None:
    """The library drops every smart-charging verdict: what it sees are the pushes."""
    cloud.charge_point(EVSE).start_charging()  # Monday noon: outside the default window

    async def on_open() -> None:
        await client.set_delayed_charging(EVSE, value=True)
        await client.set_delayed_charging_settings(EVSE, [1, 2], "13:00", "20:00")
        await client.override_delayed_charging_profile(EVSE, value=True)
        await client.set_price_based_charging(EVSE, value=True)  # refused: delayed is on
        await client.set_delayed_charging(EVSE, value=False)
        await client.set_price_based_charging(EVSE, value=True)
        await client.update_price_based_charging_settings(
            EVSE, UpdatePriceBasedSettingsPayload(minimum_percentage=30, battery_size_kwh=75)
        )
        await client.override_price_based_charging_profile(EVSE, value=False)

    seen = await converse(client, on_open, having(*["CH_SETTINGS"] * 5, *["CH_STATUS"] * 3))
    assert objects(seen) == [
        "CH_SETTINGS",  # delayed on ...
        "CH_STATUS",  # ... holds the session back
        "CH_SETTINGS",  # the new window
        "CH_STATUS",  # the boost releases it
        "CH_SETTINGS",  # delayed off (price-based on was refused before it)
        "CH_SETTINGS",  # price-based on
        "CH_SETTINGS",  # its settings
        "CH_STATUS",  # the boost ends; noon is a cheap hour, so it keeps charging
    ]
    held, boosted, unboosted = (m["data"] for m in seen if m["object"] == "CH_STATUS")
    assert (held["activity"], held["vehicle_status"], held["avg_current"]) == (
        "delayed",
        "ready",
        0,
    )
    assert held["smart_current_heartbeat_timeout"] > 0
    assert (boosted["activity"], boosted["boosting"]) == ("charging", True)
    assert boosted["smart_current_heartbeat_timeout"] == 0
    assert (unboosted["activity"], unboosted["boosting"]) == ("charging", False)
    delayed = seen[2]["data"]["delayed_charging"]
    assert (delayed["value"], delayed["selected_days"], delayed["start_time"]) == (
        True,
        [1, 2],
        "13:00",
    )
    assert seen[4]["data"]["delayed_charging"] == {"value": False, "permission": "write"}
    price = seen[6]["data"]["price_based_charging"]
    assert (price["value"], price["minimum_pct"], price["battery_size_kwh"]) == (True, 30, 75)
    assert price["current_battery_pct"] == 20  # untouched by the partial update
    assert cloud.charge_point(EVSE).delayed.end_time == "20:00"


async def test_override_current_schedules(client: Client, cloud: BlueCurrentCloud) -> None:
    cloud.charge_point(EVSE).start_charging()
    payload = OverrideCurrentPayload(
        chargepoints=[EVSE, EVSE_2],
        overridestarttime="08:00",
        overridestartdays=["MO", "TU"],
        overridestoptime="18:00",
        overridestopdays=["TU", "WE"],
        overridevalue=16.0,
    )

    async def on_open() -> None:
        await client.set_user_override_current(payload)
        payload.overridevalue = 8.0
        await client.edit_user_override_current("1", payload)
        await client.get_user_override_currents_list()
        await client.clear_user_override_current("1")

    seen = await converse(client, on_open, having("POST_CLEAR_OVERRIDE_CURRENT"))
    schedules = [m for m in seen if m["object"] != "CH_STATUS"]
    assert objects(schedules) == [
        "POST_SET_OVERRIDE_CURRENT",
        "POST_EDIT_OVERRIDE_CURRENT",
        "LIST_OVERRIDE_CURRENT",
        "POST_CLEAR_OVERRIDE_CURRENT",
    ]
    assert schedules[0]["data"]["override_start_days"] == ["MO", "TU"]
    assert schedules[1]["data"]["override_current"] == 8.0
    listed = schedules[2]["data"]
    assert [entry["override_end_days"] for entry in listed] == [["TU", "WE"]]
    assert listed[0]["charge_points"] == [EVSE, EVSE_2]
    assert schedules[3]["success"] is True
    assert cloud.account(TOKEN).schedules == {}
    # Monday noon is inside the schedule: the 8 A cap shows in the session's status.
    capped = next(
        m["data"]
        for m in seen
        if m["object"] == "CH_STATUS" and m["evse_id"] == EVSE and m["data"]["avg_current"] == 8
    )
    assert capped["smartcharging_max_usage"] == 8
    assert capped["current_left"] == 8  # the library subtracts from max_usage (no smart charging)


async def test_limit_at_the_handshake(client: Client, cloud: BlueCurrentCloud) -> None:
    cloud.budget.budget = 1  # spent on the validation
    with pytest.raises(RequestLimitReached):
        await client.get_email()


@pytest.mark.parametrize("signal", [LimitSignal.CLOSE, LimitSignal.ERROR])
async def test_limit_on_a_live_connection(
    client: Client, cloud: BlueCurrentCloud, signal: LimitSignal
) -> None:
    cloud.budget.budget = 3  # validation, HELLO, charge points
    cloud.limit_signal = signal

    async def on_open() -> None:
        await client.get_charge_points()
        await client.get_charge_cards()

    async def receiver(_message: Message) -> None:
        return

    with pytest.raises(RequestLimitReached):
        async with asyncio.timeout(5):
            await client.connect(receiver, on_open)


async def test_already_connected(client: Client, cloud: BlueCurrentCloud) -> None:
    cloud.reject_second_connection = True

    async def nothing() -> None:
        return

    async def receiver(_message: Message) -> None:
        return

    async with asyncio.timeout(5), asyncio.TaskGroup() as group:
        main = group.create_task(client.connect(receiver, nothing))
        await wait_for(None, lambda: cloud.main_connections == 1)
        with pytest.raises(AlreadyConnected):
            await Client().validate_api_token(TOKEN)
        await client.disconnect()
    assert main.result() is None


@pytest.mark.parametrize(("code", "error"), [(1000, None), (1011, WebsocketError)])
async def test_server_closes(
    client: Client, cloud: BlueCurrentCloud, code: int, error: type[Exception] | None
) -> None:
    async def nothing() -> None:
        return

    async def receiver(_message: Message) -> None:
        return

    async def close_soon() -> None:
        await wait_for(None, lambda: cloud.main_connections == 1)
        await cloud.close_connections(code)

    async with asyncio.timeout(5):
        closer = asyncio.create_task(close_soon())
        if error is None:
            await client.connect(receiver, nothing)  # returns quietly
        else:
            with pytest.raises(error):
                await client.connect(receiver, nothing)
        await closer


async def test_a_wrong_session_token_is_refused(client: Client) -> None:
    client.websocket.auth_token = "Token not-the-session-token"

    async def nothing() -> None:
        return

    async def receiver(_message: Message) -> None:
        return

    with pytest.raises(WebsocketError, match="Invalid Auth Token"):
        async with asyncio.timeout(5):
            await client.connect(receiver, nothing)
