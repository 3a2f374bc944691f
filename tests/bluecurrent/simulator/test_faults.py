"""Rate limit, connection policy, stalls, closes and raw pushes."""

from __future__ import annotations

from datetime import datetime
from typing import cast

import aiohttp
from aiohttp import web
import pytest

from simulator.bluecurrent import (
    CLOUD_TIMEZONE,
    BlueCurrentCloud,
    LimitSignal,
    ManualClock,
    Outcome,
)
from simulator.bluecurrent.connection import Connection
from simulator.server import Simulator
from tests.waiting import wait_for

from .conftest import EVSE, TOKEN
from .peer import Peer

LIMIT_ERROR = {"object": "ERROR", "error": 42, "message": "Request limit reached"}


async def refusal(http: aiohttp.ClientSession, simulator: Simulator) -> str:
    """The reject reason of a refused handshake."""
    with pytest.raises(aiohttp.WSServerHandshakeError) as caught:
        await http.ws_connect(simulator.bluecurrent_url)
    assert caught.value.status == 403
    assert caught.value.headers is not None
    return caught.value.headers["x-websocket-reject-reason"]


async def test_every_frame_counts_including_validation_connections(
    simulator: Simulator, http: aiohttp.ClientSession, cloud: BlueCurrentCloud, peer: Peer
) -> None:
    assert cloud.requests_used(TOKEN) == 2  # VALIDATE_API_TOKEN + HELLO
    other = await Peer.open(http, simulator.bluecurrent_url)
    await other.login(TOKEN)
    await other.send("GET_ACCOUNT")
    await other.recv()
    await other.send("VALIDATE_API_TOKEN", token="unknown")  # nobody's: not counted
    await other.recv()
    assert cloud.requests_used(TOKEN) == 4


async def test_over_the_budget_the_socket_closes_with_4001_and_handshakes_are_refused(
    simulator: Simulator, http: aiohttp.ClientSession, cloud: BlueCurrentCloud, peer: Peer
) -> None:
    cloud.budget.budget = 3
    await peer.send("GET_CHARGE_POINTS")
    assert (await peer.recv())["object"] == "CHARGE_POINTS"
    await peer.send("GET_CHARGE_POINTS")
    closing = await peer.closed()
    assert (closing.data, closing.extra) == (4001, "Request limit reached")
    assert cloud.requests_used(TOKEN) == 4
    assert await refusal(http, simulator) == "Request limit reached"


async def test_over_the_budget_an_error_42_answers(peer: Peer, cloud: BlueCurrentCloud) -> None:
    cloud.budget.budget = 2
    cloud.limit_signal = LimitSignal.ERROR
    await peer.send("GET_CHARGE_POINTS")
    await peer.send("VALIDATE_API_TOKEN", token=TOKEN)
    assert await peer.recv_many(2) == [LIMIT_ERROR, LIMIT_ERROR]
    assert not peer.socket.closed


async def test_the_budget_resets_at_midnight_in_amsterdam(
    simulator: Simulator,
    http: aiohttp.ClientSession,
    cloud: BlueCurrentCloud,
    clock: ManualClock,
    peer: Peer,
) -> None:
    cloud.budget.budget = 2
    cloud.limit_signal = LimitSignal.ERROR
    await peer.send("GET_CHARGE_POINTS")
    assert await peer.recv() == LIMIT_ERROR
    clock.set(datetime(2025, 3, 11, 0, 0, 1, tzinfo=CLOUD_TIMEZONE))
    assert cloud.requests_used(TOKEN) == 0
    await peer.send("GET_CHARGE_POINTS")
    assert (await peer.recv())["object"] == "CHARGE_POINTS"
    fresh = await Peer.open(http, simulator.bluecurrent_url)
    assert (await fresh.login(TOKEN))["success"] is True


async def test_the_day_is_the_amsterdam_day(cloud: BlueCurrentCloud, clock: ManualClock) -> None:
    cloud.budget.budget = 1
    clock.set(datetime.fromisoformat("2025-03-10T22:59:00+00:00"))  # 23:59 in Amsterdam
    assert cloud.budget.spend(TOKEN) is True
    assert cloud.budget.any_exhausted() is True
    clock.set(datetime.fromisoformat("2025-03-10T23:00:00+00:00"))  # midnight in Amsterdam
    assert cloud.budget.any_exhausted() is False
    assert cloud.requests_used(TOKEN) == 0


async def test_a_second_main_connection_is_refused_when_asked(
    simulator: Simulator, http: aiohttp.ClientSession, cloud: BlueCurrentCloud
) -> None:
    cloud.reject_second_connection = True
    validation = await Peer.open(http, simulator.bluecurrent_url)
    await validation.login(TOKEN)
    main = await Peer.open(http, simulator.bluecurrent_url)  # validation is no main connection
    await main.hello(TOKEN)
    await wait_for(None, lambda: cloud.main_connections == 1)
    assert await refusal(http, simulator) == "Already connected"
    await main.socket.close()
    await wait_for(None, lambda: cloud.main_connections == 0)
    await (await Peer.open(http, simulator.bluecurrent_url)).socket.close()


async def test_a_second_main_connection_can_be_left_open_unserved(
    simulator: Simulator, http: aiohttp.ClientSession, cloud: BlueCurrentCloud, peer: Peer
) -> None:
    cloud.leave_second_connection_open = True
    second = await Peer.open(http, simulator.bluecurrent_url)  # the handshake succeeds
    await second.hello(TOKEN)
    assert await second.recv() == {"object": "ERROR", "error": 9, "message": "Already connected"}
    await second.send("GET_CHARGE_POINTS")
    await cloud.push_status(EVSE)
    await second.assert_silent()
    assert cloud.received[-1].command == "GET_CHARGE_POINTS"
    assert not second.socket.closed
    assert cloud.main_connections == 1
    assert (await peer.recv())["object"] == "CH_STATUS"  # the first one is served as before
    await peer.send("GET_CHARGE_POINTS")
    assert (await peer.recv())["object"] == "CHARGE_POINTS"
    await second.socket.close()
    await wait_for(None, lambda: cloud.open_connections == 1)


async def test_a_stalled_cloud_logs_but_does_not_answer_or_push(
    peer: Peer, cloud: BlueCurrentCloud
) -> None:
    cloud.stall()
    await peer.send("GET_CHARGE_POINTS")
    await cloud.push_status(EVSE)
    await peer.assert_silent()
    assert cloud.received[-1].command == "GET_CHARGE_POINTS"
    cloud.stall(on=False)
    await peer.send("GET_CHARGE_POINTS")
    assert (await peer.recv())["object"] == "CHARGE_POINTS"


@pytest.mark.parametrize("code", [1000, 1011, 4001])
async def test_close_connections_with_a_code(
    peer: Peer, cloud: BlueCurrentCloud, code: int
) -> None:
    await cloud.close_connections(code)
    assert (await peer.closed()).data == code
    await wait_for(None, lambda: cloud.open_connections == 0)


async def test_drop_connections_without_a_close_frame(peer: Peer, cloud: BlueCurrentCloud) -> None:
    await cloud.close_connections(None)
    message = await peer.closed()
    assert message.type is aiohttp.WSMsgType.CLOSED
    assert peer.socket.close_code == 1006
    await wait_for(None, lambda: cloud.open_connections == 0)


async def test_raw_pushes_reach_main_connections_only(
    simulator: Simulator, http: aiohttp.ClientSession, cloud: BlueCurrentCloud, peer: Peer
) -> None:
    bystander = await Peer.open(http, simulator.bluecurrent_url)
    await bystander.login(TOKEN)
    await cloud.push_raw("not json at all")
    await cloud.push_raw({"object": "CH_STATUS", "evse_id": EVSE})
    assert (await peer.socket.receive_str()) == "not json at all"
    assert await peer.recv() == {"object": "CH_STATUS", "evse_id": EVSE}
    await bystander.assert_silent()


async def test_pushes_stay_within_the_account(
    simulator: Simulator, http: aiohttp.ClientSession, cloud: BlueCurrentCloud, peer: Peer
) -> None:
    cloud.add_account("api-token-2", customer_id="CU2")
    assert [account.customer_id for account in cloud.accounts] == ["CU1", "CU2"]
    cloud.add_charge_point("api-token-2", "BCU200001")
    stranger = await Peer.open(http, simulator.bluecurrent_url)
    await stranger.hello("api-token-2")
    await wait_for(None, lambda: cloud.main_connections == 2)
    await cloud.push_status(EVSE)
    await cloud.push_settings(EVSE)
    assert [frame["object"] for frame in await peer.recv_many(2)] == ["CH_STATUS", "CH_SETTINGS"]
    await stranger.assert_silent()
    await stranger.send("GET_CH_STATUS", evse_id=EVSE)
    assert (await stranger.recv())["error"] == 2


async def test_a_late_verdict_for_a_closed_connection_is_dropped(
    peer: Peer, cloud: BlueCurrentCloud
) -> None:
    cloud.set_verdict("SOFT_RESET", Outcome.ACCEPTED, delay=0.05)
    await peer.send("SOFT_RESET", evse_id=EVSE)
    assert (await peer.recv())["object"] == "RECEIVED_SOFT_RESET"
    await peer.socket.close()
    await wait_for(None, lambda: cloud.charge_point(EVSE).resets == 1)


@pytest.mark.parametrize("error", [ConnectionResetError(), ConnectionError("Connection lost")])
async def test_a_peer_that_vanishes_mid_write_is_ignored(error: ConnectionError) -> None:
    """The first failed write marks the peer gone; nothing more is written, nothing raised."""

    class Vanishing:
        closed = False
        writes = 0

        async def send_str(self, _text: str) -> None:
            self.writes += 1
            raise error

    socket = Vanishing()
    connection = Connection(1, cast("web.Request", None), cast("web.WebSocketResponse", socket))
    assert not connection.peer_gone
    await connection.send({"object": "CH_STATUS"})
    assert connection.peer_gone
    await connection.send("text")
    assert socket.writes == 1
