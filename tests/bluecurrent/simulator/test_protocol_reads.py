"""Validation, authentication and the read commands, over a raw websocket."""

from __future__ import annotations

import re

import aiohttp

from simulator.bluecurrent import BlueCurrentCloud, populate
from simulator.server import Simulator

from .conftest import EVSE, TOKEN
from .keys import (
    CAPACITY_TARIFF_KEYS,
    CARD_KEYS,
    CHARGE_POINT_KEYS,
    DEFAULT_CARD_KEYS,
    GRID_STATUS_KEYS,
    PROFILE_OFF_KEYS,
    SETTINGS_KEYS,
    STATUS_KEYS,
    TARIFF_KEYS,
)
from .peer import Peer

WIRE_TIME = re.compile(r"^\d{8} \d{2}:\d{2}:\d{2}$")


async def test_validation_is_answered_with_exactly_one_frame(
    simulator: Simulator, http: aiohttp.ClientSession, cloud: BlueCurrentCloud
) -> None:
    peer = await Peer.open(http, simulator.bluecurrent_url)
    reply = await peer.login(TOKEN)
    assert reply == {
        "object": "STATUS_API_TOKEN",
        "success": True,
        "token": cloud.account(TOKEN).session_token,
        "customer_id": "CU1",
    }
    await peer.assert_silent()


async def test_unknown_api_token_fails_validation(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    peer = await Peer.open(http, simulator.bluecurrent_url)
    await peer.send("VALIDATE_API_TOKEN", token="nope")
    assert await peer.recv() == {"object": "STATUS_API_TOKEN", "success": False, "error": ""}


async def test_get_account_gives_the_login(
    simulator: Simulator, http: aiohttp.ClientSession, cloud: BlueCurrentCloud
) -> None:
    peer = await Peer.open(http, simulator.bluecurrent_url)
    session_token = cloud.account(TOKEN).session_token
    await peer.send("GET_ACCOUNT", Authorization=f"Token {session_token}")
    reply = await peer.recv()
    assert reply["object"] == "ACCOUNT"
    assert reply["login"] == "owner@example.com"
    await peer.send("GET_ACCOUNT", Authorization=session_token)  # without "Token "
    assert await peer.recv() == {"object": "ERROR", "error": 1, "message": "Invalid Auth Token"}


async def test_every_command_needs_authorization(
    simulator: Simulator, http: aiohttp.ClientSession
) -> None:
    peer = await Peer.open(http, simulator.bluecurrent_url)
    await peer.send("HELLO", header="homeassistant")
    await peer.send("GET_CHARGE_POINTS", Authorization="Token wrong")
    invalid = {"object": "ERROR", "error": 1, "message": "Invalid Auth Token"}
    assert await peer.recv_many(2) == [invalid, invalid]


async def test_unknown_and_malformed_frames_get_errors(peer: Peer) -> None:
    await peer.send("MAKE_COFFEE")
    await peer.socket.send_str("not json")
    await peer.socket.send_str("[1, 2]")
    await peer.send("GET_CH_STATUS")  # no evse_id
    await peer.send("GET_CH_STATUS", evse_id="BCU999999")  # not this account's
    assert await peer.recv_many(5) == [
        {"object": "ERROR", "error": 0, "message": "Unknown command"},
        {"object": "ERROR", "error": 9, "message": "Unknown error"},
        {"object": "ERROR", "error": 9, "message": "Unknown error"},
        {"object": "ERROR", "error": 9, "message": "Unknown error"},
        {"object": "ERROR", "error": 2, "message": "Not authorized"},
    ]


async def test_hello_gets_no_reply(peer: Peer) -> None:
    await peer.assert_silent()


async def test_charge_points_carry_every_key(peer: Peer) -> None:
    await peer.send("GET_CHARGE_POINTS")
    reply = await peer.recv()
    assert reply["object"] == "CHARGE_POINTS"
    assert [entry["evse_id"] for entry in reply["data"]] == [EVSE, "BCU100002"]
    for entry in reply["data"]:
        assert set(entry) == CHARGE_POINT_KEYS
        assert set(entry["tariff"]) == TARIFF_KEYS
        assert set(entry["default_card"]) == DEFAULT_CARD_KEYS
        # Both profiles are off: slimmed to value and permission, as the cloud sends them.
        assert entry["delayed_charging"] == {"value": False, "permission": "write"}
        assert set(entry["price_based_charging"]) == PROFILE_OFF_KEYS
        assert set(entry["capacity_tariff"]) == CAPACITY_TARIFF_KEYS
        assert set(entry["plug_and_charge_charge_card"]) == DEFAULT_CARD_KEYS
        assert entry["plug_and_charge_charge_card"]["uid"] == "BCU_HOME_USE"
        for key in ("plug_and_charge", "public_charging", "publish_location"):
            assert set(entry[key]) == {"value", "permission"}
        assert entry["activity"] == "available"
        assert entry["default_card"]["uid"] == "BCU-APP"
        assert entry["linked_charge_cards_only"] is not entry["public_charging"]["value"]


async def test_status_has_top_level_evse_id_and_wire_timestamps(
    peer: Peer, cloud: BlueCurrentCloud
) -> None:
    await peer.send("GET_CH_STATUS", evse_id=EVSE)
    idle = await peer.recv()
    assert idle["object"] == "CH_STATUS"
    assert idle["evse_id"] == EVSE
    assert set(idle["data"]) == STATUS_KEYS
    data = idle["data"]
    assert (data["start_datetime"], data["stop_datetime"], data["offline_since"]) == ("", "", "")
    assert data["vehicle_status"] == "A"

    cloud.charge_point(EVSE).start_charging()
    await peer.send("GET_CH_STATUS", evse_id=EVSE)
    data = (await peer.recv())["data"]
    assert data["start_datetime"] == "20250310 12:00:00"  # Amsterdam wall-clock time
    assert WIRE_TIME.match(data["start_datetime"])
    assert data["stop_datetime"] == ""
    assert data["vehicle_status"] == "C"
    assert data["activity"] == "charging"
    assert (data["actual_p1"], data["actual_p2"], data["actual_p3"]) == (16, 16, 16)
    assert data["avg_current"] == 16
    assert data["avg_voltage"] == 230
    assert data["current_left"] == 0
    assert data["total_kw"] == 11.04
    assert (data["boosting"], data["smart_current_heartbeat_timeout"]) == (False, 0)
    assert data["socket_id"] == 1


async def test_a_capacity_tariff_can_be_absent(peer: Peer, cloud: BlueCurrentCloud) -> None:
    cloud.charge_point(EVSE).capacity_tariff = None
    await peer.send("GET_CH_SETTINGS", evse_id=EVSE)
    assert set((await peer.recv())["data"]) == SETTINGS_KEYS - {"capacity_tariff"}


async def test_settings_carry_every_key(peer: Peer) -> None:
    await peer.send("GET_CH_SETTINGS", evse_id=EVSE)
    reply = await peer.recv()
    assert reply["object"] == "CH_SETTINGS"
    assert set(reply["data"]) == SETTINGS_KEYS
    assert reply["data"]["plug_and_charge"] == {"value": False, "permission": "write"}
    assert reply["data"]["public_charging"] == {"value": True, "permission": "write"}
    assert set(reply["data"]["led_intensity"]) == {"value", "permission"}


async def test_grid_status_is_nested_and_named_after_the_first_charge_point(peer: Peer) -> None:
    await peer.send("GET_GRID_STATUS", evse_id="BCU100002")
    reply = await peer.recv()
    assert reply["object"] == "GRID_STATUS"
    assert set(reply) == {"object", "data"}
    assert set(reply["data"]) == GRID_STATUS_KEYS
    assert reply["data"]["id"] == f"GRID-{EVSE}"


async def test_charge_cards_respect_the_limit(peer: Peer) -> None:
    await peer.send("GET_CHARGE_CARDS", limit=1)
    await peer.send("GET_CHARGE_CARDS")
    one, every = await peer.recv_many(2)
    assert one["object"] == "CHARGE_CARDS"
    assert len(one["cards"]) == 1
    assert len(every["cards"]) == 2
    assert set(one["cards"][0]) == CARD_KEYS
    assert one["cards"][0]["valid"] == 1
    await peer.send("GET_CHARGE_CARDS", limit="ten")
    assert (await peer.recv())["error"] == 9


async def test_answers_come_in_the_order_asked(http: aiohttp.ClientSession, clock: object) -> None:
    cloud = BlueCurrentCloud(seed=3)
    populate(cloud, api_token=TOKEN, charge_points=4, grids=2)
    async with Simulator(bluecurrent=cloud) as simulator:
        peer = await Peer.open(http, simulator.bluecurrent_url)
        await peer.login(TOKEN)
        asked = ["BCU100004", "BCU100001", "BCU100003", "BCU100002"]
        for evse_id in asked:
            await peer.send("GET_GRID_STATUS", evse_id=evse_id)
            await peer.send("GET_CH_STATUS", evse_id=evse_id)
        replies = await peer.recv_many(8)
        await peer.socket.close()
    grids = [reply["data"]["id"] for reply in replies[::2]]
    assert grids == ["GRID-BCU100003", "GRID-BCU100001", "GRID-BCU100003", "GRID-BCU100001"]
    assert [reply["evse_id"] for reply in replies[1::2]] == asked


async def test_binary_frames_are_read_as_text(peer: Peer) -> None:
    await peer.socket.send_bytes(
        f'{{"command": "GET_CH_SETTINGS", "evse_id": "{EVSE}", '
        f'"Authorization": "{peer.authorization}"}}'.encode()
    )
    assert (await peer.recv())["object"] == "CH_SETTINGS"


async def test_received_frames_are_logged(peer: Peer, cloud: BlueCurrentCloud) -> None:
    await peer.socket.send_str("garbage")
    await peer.send("GET_CHARGE_POINTS")
    await peer.recv_many(2)
    log = list(cloud.received)
    assert [frame.command for frame in log] == [
        "VALIDATE_API_TOKEN",
        "HELLO",
        None,
        "GET_CHARGE_POINTS",
    ]
    assert log[2].message is None
    assert log[2].text == "garbage"
    assert len({frame.connection for frame in log}) == 1
