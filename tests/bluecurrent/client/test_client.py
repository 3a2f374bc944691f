"""Our Blue Current client against the simulator: every command and every fault."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
import logging
import socket

import aiohttp
import aiohttp.web
import pytest

from custom_components.blue_current.api.bluecurrent import (
    BlueCurrentAlreadyConnectedError,
    BlueCurrentAuthError,
    BlueCurrentClient,
    BlueCurrentCommandError,
    BlueCurrentCommandRejectedError,
    BlueCurrentCommandTimeoutError,
    BlueCurrentConnectionClosedError,
    BlueCurrentConnectionError,
    BlueCurrentNotConnectedError,
    BlueCurrentProtocolError,
    BlueCurrentRateLimitError,
    BlueCurrentSessionExpiredError,
    ChargeCardsEvent,
    ChargePointsEvent,
    Event,
    GridCurrentEvent,
    GridStatusEvent,
    OverrideCurrentPlan,
    OverrideSchedulesEvent,
    SettingsEvent,
    StatusEvent,
)
from simulator.bluecurrent import BlueCurrentCloud
from simulator.bluecurrent.ratelimit import LimitSignal
from simulator.bluecurrent.verdicts import Outcome
from simulator.server import Simulator
from tests.waiting import wait_for

from .conftest import API_TOKEN, CUSTOMER_ID, EMAIL
from .running import commands, running

EVSE = "BCU100001"


async def test_validate_and_account(client: BlueCurrentClient, cloud: BlueCurrentCloud) -> None:
    assert await client.validate_token() == CUSTOMER_ID
    assert client.customer_id == CUSTOMER_ID
    account = await client.get_account()
    assert (account.customer_id, account.email) == (CUSTOMER_ID, EMAIL)
    assert commands(cloud) == ["VALIDATE_API_TOKEN", "GET_ACCOUNT"]
    assert API_TOKEN not in repr(client)


async def test_get_account_validates_first(
    client: BlueCurrentClient, cloud: BlueCurrentCloud
) -> None:
    assert (await client.get_account()).email == EMAIL
    assert commands(cloud) == ["VALIDATE_API_TOKEN", "GET_ACCOUNT"]


async def test_invalid_token(simulator: Simulator, session: aiohttp.ClientSession) -> None:
    client = BlueCurrentClient(session, "wrong", url=simulator.bluecurrent_url)
    with pytest.raises(BlueCurrentAuthError) as caught:
        await client.validate_token()
    assert "wrong" not in str(caught.value)
    with pytest.raises(BlueCurrentAuthError):
        await client.run(lambda _: None)


async def test_main_connection_delivers_everything(
    client: BlueCurrentClient, cloud: BlueCurrentCloud
) -> None:
    async def on_open() -> None:
        await client.request_charge_points()
        await client.request_charge_cards()
        for evse_id in ("BCU100001", "BCU100002", "BCU100003"):
            await client.request_status(evse_id)
            await client.request_grid_status(evse_id)
        await client.request_settings(EVSE)

    async with running(client, on_open) as recorder:
        points = await recorder.next_of(ChargePointsEvent)
        assert [cp.evse_id for cp in points.charge_points] == [
            "BCU100001",
            "BCU100002",
            "BCU100003",
        ]
        first = points.charge_points[0]
        assert first.name == "Driveway"
        assert first.model_type == "U:MOVE22"
        assert first.tariff is not None
        assert first.tariff.currency == "EUR"
        cards = await recorder.next_of(ChargeCardsEvent)
        assert len(cards.cards) == 2
        await wait_for(None, lambda: len(recorder.of(StatusEvent)) == 3)
        await wait_for(None, lambda: len(recorder.of(GridStatusEvent)) == 3)
        settings = await recorder.next_of(SettingsEvent)
        assert settings.evse_id == EVSE
        assert settings.settings.plug_and_charge is not None
        # Each grid answer is tied to the charge point it was asked for.
        grids = {event.evse_id: event.grid.grid_id for event in recorder.of(GridStatusEvent)}
        assert grids["BCU100001"] == grids["BCU100002"] != grids["BCU100003"]
        # A grid push names a charge point of the grid.
        await cloud.push_grid_current(grids["BCU100003"])
        pushed = await recorder.next_of(GridCurrentEvent)
        assert pushed.evse_id == "BCU100003"
    assert commands(cloud)[:3] == ["VALIDATE_API_TOKEN", "HELLO", "GET_CHARGE_POINTS"]
    hello = next(f.message for f in cloud.received if f.command == "HELLO")
    assert hello is not None
    assert hello["header"] == "homeassistant"
    assert hello["Authorization"].startswith("Token ")


async def test_settings_commands_confirm_and_report(
    client: BlueCurrentClient, cloud: BlueCurrentCloud
) -> None:
    async with running(client) as recorder:
        await client.set_plug_and_charge(EVSE, True)
        assert cloud.charge_point(EVSE).plug_and_charge is True
        confirmed = await recorder.next_of(SettingsEvent)
        assert confirmed.settings.plug_and_charge is not None
        assert confirmed.settings.plug_and_charge.value is True
        await client.set_linked_charge_cards_only(EVSE, True)
        # Inverted on the wire: linked cards only = no public charging.
        assert cloud.charge_point(EVSE).public_charging is False
        sent = [f.message for f in cloud.received if f.command == "SET_PUBLIC_CHARGING"]
        assert sent[-1] is not None
        assert sent[-1]["value"] is False
        await wait_for(
            None,
            lambda: any(
                e.settings.linked_charge_cards_only is not None
                and e.settings.linked_charge_cards_only.value
                for e in recorder.of(SettingsEvent)
            ),
        )


async def test_actions(client: BlueCurrentClient, cloud: BlueCurrentCloud) -> None:
    card = cloud.account(API_TOKEN).cards[0]
    cloud.charge_point(EVSE).plug_in()
    async with running(client) as recorder:
        await client.block(EVSE, True)
        assert cloud.charge_point(EVSE).blocked
        await client.block(EVSE, False)
        assert not cloud.charge_point(EVSE).blocked
        await client.start_session(EVSE, card.uid)
        assert cloud.charge_point(EVSE).session_card == card.uid
        await wait_for(
            None, lambda: any(e.status.activity == "charging" for e in recorder.of(StatusEvent))
        )
        await client.stop_session(EVSE)
        assert not cloud.charge_point(EVSE).charging
        await client.reset(EVSE)
        await client.reboot(EVSE)
        assert cloud.charge_point(EVSE).resets == 1
        assert cloud.charge_point(EVSE).reboots == 1
        await client.start_session(EVSE)  # the app card
        assert cloud.charge_point(EVSE).session_card == "BCU-APP"


async def test_smart_charging_commands(client: BlueCurrentClient, cloud: BlueCurrentCloud) -> None:
    cloud.charge_point(EVSE).start_charging()  # boosts need a session
    async with running(client):
        await client.set_delayed_charging(EVSE, True)
        await client.set_delayed_charging_schedule(EVSE, [1, 2, 3], "22:00", "06:00")
        await client.override_delayed_charging_profile(EVSE, True)
        await client.set_delayed_charging(EVSE, False)  # the profiles are exclusive
        await client.set_price_based_charging(EVSE, True)
        await client.update_price_based_charging_settings(
            EVSE, expected_departure_time="07:30", battery_size_kwh=60
        )
        await client.override_price_based_charging_profile(EVSE, True)
    sent = {f.command: f.message for f in cloud.received}
    schedule = sent["SAVE_SCHEDULE_DELAYED_CHARGING"]
    assert schedule is not None
    assert schedule["days"] == "[1,2,3]"
    patch = sent["PATCH_PRICE_BASED_CHARGING_SETTINGS"]
    assert patch is not None
    assert "current_battery_pct" not in patch
    assert patch["battery_size_kwh"] == 60
    point = cloud.charge_point(EVSE)
    assert (point.delayed.enabled, point.price_based.enabled) == (False, True)
    assert point.delayed.days == [1, 2, 3]
    assert point.boosting


async def test_override_current_schedules(
    client: BlueCurrentClient, cloud: BlueCurrentCloud
) -> None:
    plan = OverrideCurrentPlan(
        charge_points=(EVSE,),
        start_time="08:00",
        start_days=("MO", "TU"),
        stop_time="18:00",
        stop_days=("TU",),
        current=10,
    )
    async with running(client) as recorder:
        created = await client.set_override_current(plan)
        assert created.charge_points == (EVSE,)
        assert created.start_days == ("MO", "TU")
        assert created.current == 10
        edited = await client.edit_override_current(
            created.schedule_id,
            OverrideCurrentPlan(
                charge_points=(EVSE,),
                start_time="09:00",
                start_days=("WE",),
                stop_time="17:00",
                stop_days=("WE",),
                current=8,
            ),
        )
        assert (edited.start_time, edited.current) == ("09:00", 8)
        listed = await client.list_override_currents()
        assert [s.schedule_id for s in listed] == [created.schedule_id]
        assert recorder.of(OverrideSchedulesEvent)[-1].schedules == listed
        await client.clear_override_current(created.schedule_id)
        assert await client.list_override_currents() == ()


@pytest.mark.parametrize(
    ("outcome", "error"),
    [
        (Outcome.REJECTED, BlueCurrentCommandRejectedError),
        (Outcome.TIMEOUT, BlueCurrentCommandTimeoutError),
        (Outcome.SILENT, BlueCurrentCommandTimeoutError),
    ],
)
async def test_negative_verdicts(
    client: BlueCurrentClient,
    cloud: BlueCurrentCloud,
    outcome: Outcome,
    error: type[BlueCurrentCommandError],
) -> None:
    cloud.set_verdict("REBOOT", outcome, delay=0.05)
    async with running(client):
        with pytest.raises(error) as caught:
            await client.reboot(EVSE)
        assert caught.value.evse_id == EVSE
        assert cloud.charge_point(EVSE).reboots == 0
        # The connection is still good for the next command.
        cloud.set_verdict("REBOOT", Outcome.ACCEPTED)
        await client.reboot(EVSE)


async def test_stop_without_session_is_rejected(client: BlueCurrentClient) -> None:
    async with running(client):
        with pytest.raises(BlueCurrentCommandRejectedError):
            await client.stop_session(EVSE)


async def test_unknown_card_is_rejected(client: BlueCurrentClient, cloud: BlueCurrentCloud) -> None:
    cloud.charge_point(EVSE).plug_in()
    async with running(client):
        with pytest.raises(BlueCurrentCommandRejectedError):
            await client.start_session(EVSE, "NOT-A-CARD")


async def test_no_call_blocks_while_disconnected(client: BlueCurrentClient) -> None:
    with pytest.raises(BlueCurrentNotConnectedError):
        await client.request_status(EVSE)
    await client.validate_token()
    async with asyncio.timeout(0.5):
        with pytest.raises(BlueCurrentNotConnectedError):
            await client.reboot(EVSE)
        with pytest.raises(BlueCurrentNotConnectedError):
            await client.request_grid_status(EVSE)


async def test_pending_command_fails_when_connection_drops(
    client: BlueCurrentClient, cloud: BlueCurrentCloud
) -> None:
    cloud.set_verdict("REBOOT", Outcome.SILENT)
    async with running(client) as recorder:
        pending = asyncio.create_task(client.reboot(EVSE))
        await wait_for(None, lambda: "REBOOT" in commands(cloud))
        await cloud.close_connections(1011)
        with pytest.raises(BlueCurrentNotConnectedError):
            await pending
        with pytest.raises(BlueCurrentConnectionError):
            await recorder.task


@pytest.mark.parametrize(
    ("code", "error"),
    [
        (1000, BlueCurrentConnectionClosedError),
        (1011, BlueCurrentConnectionError),
        (None, BlueCurrentConnectionError),
        (4001, BlueCurrentRateLimitError),
    ],
)
async def test_server_ends_the_connection(
    client: BlueCurrentClient,
    cloud: BlueCurrentCloud,
    code: int | None,
    error: type[Exception],
) -> None:
    async with running(client) as recorder:
        await cloud.close_connections(code)
        with pytest.raises(error):
            await recorder.task
        assert not client.connected


async def test_rate_limit_in_all_three_forms(
    simulator: Simulator, session: aiohttp.ClientSession, cloud: BlueCurrentCloud
) -> None:
    now = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)
    client = BlueCurrentClient(session, API_TOKEN, url=simulator.bluecurrent_url, now=lambda: now)
    # ERROR 42 on a live connection.
    cloud.limit_signal = LimitSignal.ERROR
    cloud.budget.budget = cloud.requests_used(API_TOKEN) + 3
    async with running(client) as recorder:
        await client.request_charge_points()  # within budget
        await client.request_charge_points()  # over it
        with pytest.raises(BlueCurrentRateLimitError) as caught:
            await recorder.task
    assert caught.value.reset_at == datetime(2026, 1, 15, 23, 0, 30, tzinfo=UTC)
    # The handshake is refused while the budget is spent.
    with pytest.raises(BlueCurrentRateLimitError):
        await client.run(lambda _: None)
    with pytest.raises(BlueCurrentRateLimitError):
        await BlueCurrentClient(session, API_TOKEN, url=simulator.bluecurrent_url).validate_token()


async def test_rate_limit_close_4001_from_budget(
    client: BlueCurrentClient, cloud: BlueCurrentCloud
) -> None:
    cloud.limit_signal = LimitSignal.CLOSE
    cloud.budget.budget = cloud.requests_used(API_TOKEN) + 3
    async with running(client) as recorder:
        await client.request_charge_points()
        await client.request_charge_points()
        with pytest.raises(BlueCurrentRateLimitError):
            await recorder.task


async def test_already_connected(
    simulator: Simulator, session: aiohttp.ClientSession, cloud: BlueCurrentCloud
) -> None:
    cloud.reject_second_connection = True
    first = BlueCurrentClient(session, API_TOKEN, url=simulator.bluecurrent_url)
    second = BlueCurrentClient(session, API_TOKEN, url=simulator.bluecurrent_url)
    await second.validate_token()
    async with running(first):
        await wait_for(None, lambda: cloud.main_connections == 1)
        with pytest.raises(BlueCurrentAlreadyConnectedError):
            await second.run(lambda _: None)


async def test_malformed_frames_do_not_end_the_connection(
    client: BlueCurrentClient, cloud: BlueCurrentCloud, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    async with running(client, cloud=cloud) as recorder:
        for bad in (
            "not json",
            "[1, 2]",
            {"no": "object"},
            {"object": "CH_STATUS", "data": {"activity": "charging"}},
            {"object": "CHARGE_POINTS", "data": "nope"},
            {"object": "SOMETHING_NEW", "data": {}},
            {"object": "ERROR", "error": 9, "message": "Unknown error"},
            {"object": "CH_STATUS", "evse_id": EVSE, "data": {"vehicle_status": "Z"}},
        ):
            await cloud.push_raw(bad)
        await cloud.push_status(EVSE)
        await wait_for(None, lambda: len(recorder.of(StatusEvent)) == 2)
        assert client.connected
        assert recorder.of(StatusEvent)[0].status.vehicle_status is None
        assert recorder.of(StatusEvent)[1].status.vehicle_status is not None
    assert "malformed" in caplog.text


async def test_error_frame_fails_the_pending_command(
    client: BlueCurrentClient, cloud: BlueCurrentCloud
) -> None:
    cloud.set_verdict("SOFT_RESET", Outcome.SILENT)
    async with running(client):
        pending = asyncio.create_task(client.reset(EVSE))
        await wait_for(None, lambda: "SOFT_RESET" in commands(cloud))
        await cloud.push_raw({"object": "ERROR", "error": 2, "message": "Not authorized"})
        with pytest.raises(BlueCurrentCommandRejectedError, match="Not authorized"):
            await pending


async def test_expired_session_token_revalidates(
    client: BlueCurrentClient, cloud: BlueCurrentCloud
) -> None:
    async with running(client, cloud=cloud) as recorder:
        await cloud.push_raw({"object": "ERROR", "error": 1, "message": "Invalid Auth Token"})
        with pytest.raises(BlueCurrentSessionExpiredError):
            await recorder.task
    validations = commands(cloud).count("VALIDATE_API_TOKEN")
    async with running(client):
        assert client.connected
    assert commands(cloud).count("VALIDATE_API_TOKEN") == validations + 1


async def test_listener_errors_are_contained(
    client: BlueCurrentClient, cloud: BlueCurrentCloud, caplog: pytest.LogCaptureFixture
) -> None:
    seen: list[Event] = []

    def listener(event: Event) -> None:
        seen.append(event)
        raise RuntimeError("bug in the listener")

    task = asyncio.create_task(client.run(listener))
    await wait_for(None, lambda: cloud.main_connections > 0)
    await cloud.push_status(EVSE)
    await cloud.push_status(EVSE)
    await wait_for(None, lambda: len(seen) == 2)
    assert client.connected
    await client.disconnect()
    await asyncio.wait_for(task, 3)
    assert "bug in the listener" in caplog.text


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_unreachable_and_stalled_cloud(
    simulator: Simulator, session: aiohttp.ClientSession, cloud: BlueCurrentCloud
) -> None:
    nowhere = BlueCurrentClient(session, API_TOKEN, url=f"ws://127.0.0.1:{_closed_port()}/haserver")
    with pytest.raises(BlueCurrentConnectionError):
        await nowhere.validate_token()
    cloud.stall()
    stalled = BlueCurrentClient(
        session, API_TOKEN, url=simulator.bluecurrent_url, connect_timeout=0.2
    )
    with pytest.raises(BlueCurrentConnectionError, match="in time"):
        await stalled.validate_token()


async def test_handshake_refused_for_another_reason(
    session: aiohttp.ClientSession, simulator: Simulator
) -> None:
    client = BlueCurrentClient(session, API_TOKEN, url=f"{simulator.base_url}/elsewhere")
    with pytest.raises(BlueCurrentConnectionError, match="Handshake refused"):
        await client.validate_token()


async def test_unanswered_pings_end_the_connection(
    session: aiohttp.ClientSession, socket_enabled: None
) -> None:
    """A connection that went silent (no frames, no pongs) is given up, not kept for hours."""

    async def mute_cloud(request: aiohttp.web.Request) -> aiohttp.web.WebSocketResponse:
        socket = aiohttp.web.WebSocketResponse(autoping=False)
        await socket.prepare(request)
        async for message in socket:
            if message.type is aiohttp.WSMsgType.TEXT and "VALIDATE" in message.data:
                await socket.send_json(
                    {"object": "STATUS_API_TOKEN", "success": True, "token": "t", "customer_id": 1}
                )
        return socket

    app = aiohttp.web.Application()
    app.router.add_get("/haserver", mute_cloud)
    runner = aiohttp.web.AppRunner(app)
    await runner.setup()
    site = aiohttp.web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        client = BlueCurrentClient(
            session, API_TOKEN, url=f"ws://127.0.0.1:{port}/haserver", heartbeat=0.05
        )
        with pytest.raises(BlueCurrentConnectionError, match="stopped answering pings"):
            await asyncio.wait_for(client.run(lambda _: None), 2)
    finally:
        await runner.cleanup()


type Script = Callable[[aiohttp.web.WebSocketResponse, str], Awaitable[None]]


@asynccontextmanager
async def scripted_cloud(script: Script) -> AsyncIterator[str]:
    """A bare websocket server on 127.0.0.1 that answers every text frame with `script`."""

    async def handle(request: aiohttp.web.Request) -> aiohttp.web.WebSocketResponse:
        socket = aiohttp.web.WebSocketResponse(autoping=False)
        await socket.prepare(request)
        async for message in socket:
            if message.type is aiohttp.WSMsgType.TEXT:
                await script(socket, message.data)
            elif message.type is aiohttp.WSMsgType.PONG:
                await script(socket, "PONG")
        return socket

    app = aiohttp.web.Application()
    app.router.add_get("/haserver", handle)
    runner = aiohttp.web.AppRunner(app)
    await runner.setup()
    await aiohttp.web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"ws://127.0.0.1:{runner.addresses[0][1]}/haserver"
    finally:
        await runner.cleanup()


VALID = {"object": "STATUS_API_TOKEN", "success": True, "token": "t", "customer_id": 1}


@pytest.mark.parametrize(
    ("answer", "error"),
    [
        ({"object": "ERROR", "error": 1, "message": "Invalid Auth Token"}, BlueCurrentAuthError),
        ({"object": "ERROR", "error": 42, "message": "Limit"}, BlueCurrentRateLimitError),
        ({"object": "SOMETHING"}, BlueCurrentProtocolError),
        ({"object": "STATUS_API_TOKEN", "success": True}, BlueCurrentProtocolError),
        (None, BlueCurrentConnectionError),
    ],
)
async def test_validation_answers(
    session: aiohttp.ClientSession,
    socket_enabled: None,
    answer: dict[str, object] | None,
    error: type[Exception],
) -> None:
    async def script(socket: aiohttp.web.WebSocketResponse, _text: str) -> None:
        if answer is None:
            await socket.close()
        else:
            await socket.send_json(answer)

    async with scripted_cloud(script) as url:
        with pytest.raises(error):
            await BlueCurrentClient(session, API_TOKEN, url=url).validate_token()


async def test_account_without_login(session: aiohttp.ClientSession, socket_enabled: None) -> None:
    async def script(socket: aiohttp.web.WebSocketResponse, text: str) -> None:
        await socket.send_json(VALID if "VALIDATE" in text else {"object": "ACCOUNT"})

    async with scripted_cloud(script) as url:
        with pytest.raises(BlueCurrentProtocolError):
            await BlueCurrentClient(session, API_TOKEN, url=url).get_account()


async def test_pings_from_the_cloud_are_answered(
    session: aiohttp.ClientSession, socket_enabled: None
) -> None:
    pongs: list[str] = []

    async def script(socket: aiohttp.web.WebSocketResponse, text: str) -> None:
        if "VALIDATE" in text:
            await socket.send_json(VALID)
        elif "HELLO" in text:
            await socket.ping(b"are you there")
        elif text == "PONG":
            pongs.append(text)
            await socket.close()

    async with scripted_cloud(script) as url:
        client = BlueCurrentClient(session, API_TOKEN, url=url)
        with pytest.raises(BlueCurrentConnectionClosedError):
            await asyncio.wait_for(client.run(lambda _: None), 2)
    assert pongs == ["PONG"]
