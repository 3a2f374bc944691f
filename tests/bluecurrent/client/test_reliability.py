"""No frame ends the connection unseen; no NaN is a number; the watchdogs judge by what arrived."""

from __future__ import annotations

import asyncio
import json
import logging
import time

import aiohttp
import pytest

from custom_components.blue_current.api.bluecurrent import (
    BlueCurrentAlreadyConnectedError,
    BlueCurrentClient,
    BlueCurrentConnectionError,
    BlueCurrentError,
    BlueCurrentHelloTimeoutError,
    BlueCurrentProtocolError,
    ChargePointsEvent,
    SettingsEvent,
    StatusEvent,
)
from custom_components.blue_current.api.bluecurrent.parse import FrameParser
from simulator.bluecurrent import BlueCurrentCloud
from simulator.server import Simulator
from tests.waiting import wait_for

from .conftest import API_TOKEN
from .running import running

EVSE = "BCU100001"
HUGE = "1" + "0" * 400  # an integer far beyond the range of a float
DEEP = "[" * 100_000 + "]" * 100_000


def _status_text(field: str, literal: str) -> str:
    return f'{{"object": "CH_STATUS", "evse_id": "{EVSE}", "data": {{"{field}": {literal}}}}}'


def _led_text(literal: str) -> str:
    return (
        f'{{"object": "CH_SETTINGS", "evse_id": "{EVSE}",'
        f' "data": {{"evse_id": "{EVSE}", "led_intensity": {{"value": {literal}}}}}}}'
    )


@pytest.mark.parametrize(
    "text",
    [
        DEEP,  # RecursionError in the decoder
        f'{{"object": "CH_STATUS", "evse_id": "{EVSE}", "data": {DEEP}}}',
        _status_text("actual_kwh", HUGE),  # OverflowError in float()
        _led_text("NaN"),  # ValueError in int()
        _led_text("Infinity"),  # OverflowError in int()
        _led_text("-Infinity"),
        _led_text(HUGE),
        (
            f'{{"object": "CHARGE_POINTS", "data": [{{"evse_id": "{EVSE}",'
            ' "led_intensity": {"value": NaN}}]}'
        ),
        f'{{"object": "CH_STATUS", "evse_id": "{EVSE}", "data": {{"activity": [[1]]}}}}',
        f'{{"object": "CH_STATUS", "evse_id": {DEEP[:1000]}{DEEP[-1000:]}, "data": {{}}}}',
    ],
    ids=[
        "deep-array",
        "deep-data",
        "huge-energy",
        "led-nan",
        "led-inf",
        "led-minus-inf",
        "led-huge",
        "list-led-nan",
        "activity-list",
        "evse-id-nested",
    ],
)
async def test_a_frame_never_ends_the_receive_task(
    client: BlueCurrentClient, bc_cloud: BlueCurrentCloud, text: str
) -> None:
    async with running(client, bc_cloud=bc_cloud) as recorder:
        await bc_cloud.push_raw(text)
        await bc_cloud.push_status(EVSE)
        await wait_for(
            None,
            lambda: (
                any(e.status.evse_id == EVSE for e in recorder.of(StatusEvent))
                or recorder.task.done()
            ),
        )
        assert not recorder.task.done(), recorder.task
        assert client.connected
    for event in recorder.of(SettingsEvent):
        assert event.settings.led_intensity is None
    for listed in recorder.of(ChargePointsEvent):
        assert [cp.settings.led_intensity for cp in listed.charge_points] == [None]
    *bad, good = [event.status for event in recorder.of(StatusEvent)]
    assert good.session_energy is not None
    assert [(s.activity, s.session_energy) for s in bad] in ([], [(None, None)])


async def test_a_frame_that_cannot_be_handled_ends_run_with_our_error(
    client: BlueCurrentClient, bc_cloud: BlueCurrentCloud, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Defence in depth: a failure nobody foresaw ends the connection visibly, never silently."""

    def broken(_parser: FrameParser, _frame: object) -> None:
        raise ZeroDivisionError  # stands for a parser bug not known yet

    monkeypatch.setattr(FrameParser, "status_event", broken)
    async with running(client, bc_cloud=bc_cloud) as recorder:
        await bc_cloud.push_status(EVSE)
        with pytest.raises(BlueCurrentProtocolError, match="ZeroDivisionError") as caught:
            await asyncio.wait_for(recorder.task, 3)
    assert isinstance(caught.value.__cause__, ZeroDivisionError)


@pytest.mark.parametrize(
    "literal",
    ['"nan"', '"NaN"', '"inf"', '"-Infinity"', "NaN", "Infinity", "-Infinity", "1e400", HUGE],
    ids=lambda literal: literal if len(literal) < 20 else "10**400",
)
def test_only_finite_numbers_are_numbers(literal: str, caplog: pytest.LogCaptureFixture) -> None:
    parser = FrameParser()
    for _ in range(2):
        status = parser.status(json.loads(_status_text("actual_kwh", literal)))
        assert status.session_energy is None
        settings = parser.settings(json.loads(_led_text(literal))["data"])
        assert settings.led_intensity is None
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2, lines  # once per field and problem
    assert all("not a finite number" in line or "not a number" in line for line in lines)


@pytest.mark.parametrize(
    "frame",
    [
        {"object": "CH_STATUS", "evse_id": ["BCU1"], "data": {}},
        {"object": "CH_STATUS", "evse_id": True, "data": {"evse_id": {"id": 1}}},
        {"object": "CH_STATUS", "evse_id": "", "data": []},
    ],
)
def test_an_identifier_is_text_or_an_integer(frame: dict[str, object]) -> None:
    with pytest.raises(BlueCurrentProtocolError):
        FrameParser().status(frame)


def test_a_long_text_is_no_timestamp_and_is_not_kept() -> None:
    parser = FrameParser()
    assert parser.timestamp({"start": "2" * 500_000}, "start") is None
    assert parser._timestamps == {}


async def test_logged_frame_text_is_capped(
    client: BlueCurrentClient, bc_cloud: BlueCurrentCloud, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, "custom_components.blue_current.api")
    big = "x" * 500_000
    status = {"object": "CH_STATUS", "evse_id": EVSE}
    async with running(client, bc_cloud=bc_cloud) as recorder:
        await bc_cloud.push_raw({**status, "data": {"actual_kwh": big, "activity": [big] * 3}})
        await bc_cloud.push_raw({"object": big, "data": {}})
        await bc_cloud.push_raw({"object": "CHARGE_POINTS", "data": big})
        await bc_cloud.push_raw({"object": "ERROR", "error": 9, "message": big})
        await bc_cloud.push_status(EVSE)
        await wait_for(None, lambda: len(recorder.of(StatusEvent)) == 2)
    messages = [r.getMessage() for r in caplog.records]
    assert any("not a number" in m for m in messages)
    assert any("reported an error" in m for m in messages)
    assert max(len(m) for m in messages) < 500, max(messages, key=len)[:300]
    assert any(m.endswith("…)") or "…" in m for m in messages)


async def test_an_oversized_frame_ends_run_with_our_error(
    client: BlueCurrentClient, bc_cloud: BlueCurrentCloud
) -> None:
    """Beyond aiohttp's 4 MB limit a frame cannot even be received: reconnect."""
    async with running(client, bc_cloud=bc_cloud) as recorder:
        await bc_cloud.push_raw({"object": "CH_STATUS", "evse_id": EVSE, "data": "x" * 5_000_000})
        with pytest.raises(BlueCurrentConnectionError):
            await asyncio.wait_for(recorder.task, 3)


async def test_a_quiet_healthy_connection_is_not_declared_dead(
    simulator: Simulator, session: aiohttp.ClientSession
) -> None:
    """Pongs come back at once on 127.0.0.1: over 3 s of 0.1 s heartbeats, nothing drops.

    Judged by loop timing, as before, the same run dropped the connection 13 times.
    """
    client = BlueCurrentClient(
        session, API_TOKEN, url=simulator.bluecurrent_url, heartbeat=0.1, hello_timeout=60
    )
    drops: list[BlueCurrentError] = []
    deadline = time.monotonic() + 3.0
    while (left := deadline - time.monotonic()) > 0:
        try:
            async with asyncio.timeout(left):
                await client.run(lambda _: None, client.request_charge_points)
        except TimeoutError:
            break
        except BlueCurrentError as err:
            drops.append(err)
    assert drops == []
    assert client._received >= 5  # pongs to the pings (one every other period), and the list


async def test_no_charge_point_list_after_hello_ends_run(
    simulator: Simulator, session: aiohttp.ClientSession, bc_cloud: BlueCurrentCloud
) -> None:
    client = BlueCurrentClient(session, API_TOKEN, url=simulator.bluecurrent_url, hello_timeout=0.3)
    await client.validate_token()
    bc_cloud.stall()  # the socket opens and stays open, but nothing is answered
    started = time.monotonic()
    with pytest.raises(BlueCurrentHelloTimeoutError):
        await asyncio.wait_for(client.run(lambda _: None, client.request_charge_points), 5)
    assert time.monotonic() - started < 2
    assert not client.connected
    await wait_for(None, lambda: bc_cloud.open_connections == 0, "the socket to close")


async def test_already_connected_on_a_socket_left_open_ends_run(
    simulator: Simulator, session: aiohttp.ClientSession, bc_cloud: BlueCurrentCloud
) -> None:
    bc_cloud.leave_second_connection_open = True
    first = BlueCurrentClient(session, API_TOKEN, url=simulator.bluecurrent_url)
    second = BlueCurrentClient(session, API_TOKEN, url=simulator.bluecurrent_url, hello_timeout=0.5)
    await second.validate_token()
    async with running(first, first.request_charge_points, bc_cloud=bc_cloud) as recorder:
        await recorder.next_of(ChargePointsEvent)
        with pytest.raises(BlueCurrentAlreadyConnectedError):
            await asyncio.wait_for(second.run(lambda _: None, second.request_charge_points), 5)
        assert first.connected
    assert not second.connected


async def test_a_served_connection_outlives_the_hello_timeout(
    simulator: Simulator, session: aiohttp.ClientSession, bc_cloud: BlueCurrentCloud
) -> None:
    client = BlueCurrentClient(session, API_TOKEN, url=simulator.bluecurrent_url, hello_timeout=0.1)
    async with running(client, client.request_charge_points, bc_cloud=bc_cloud) as recorder:
        await recorder.next_of(ChargePointsEvent)
        await asyncio.sleep(0.3)
        assert client.connected
        assert not recorder.task.done()


@pytest.mark.parametrize(
    "text",
    ["00010101 00:00:00", "00010101 00:00:00+01:00", "99991231 23:59:59-01:00"],
)
def test_a_moment_that_does_not_exist_in_utc_is_no_timestamp(text: str) -> None:
    """datetime.min east of Greenwich: Home Assistant's conversion to UTC would overflow."""
    assert FrameParser().timestamp({"start": text}, "start") is None


def test_derived_values_that_overflow_are_unknown() -> None:
    """Finite readings far beyond reality must not add up to infinity in the power."""
    status = FrameParser().status(
        json.loads(
            f'{{"object": "CH_STATUS", "evse_id": "{EVSE}", "data": {{"actual_v1": 1e300,'
            ' "actual_v2": 1e308, "actual_v3": 1e308, "actual_p1": 1e300, "actual_p2": 1e308,'
            ' "actual_p3": 1e308, "max_usage": -1e308}}'
        )
    )
    assert (status.power, status.estimated_power_kw) == (None, None)
    assert (status.average_voltage, status.average_current) == (None, None)
    assert status.current_left(smart_charging=False) is None


def test_weekdays_as_text_nested_too_deeply_are_unreadable() -> None:
    """The days of delayed charging may come as text, which is decoded: RecursionError before."""
    deep = "[" * 100_000 + "]" * 100_000
    settings = FrameParser().settings(
        {"delayed_charging": {"value": True, "selected_days": deep, "start_time": "22:00"}}
    )
    assert settings.delayed_charging_schedule is not None
    assert settings.delayed_charging_schedule.days is None
    assert settings.delayed_charging_schedule.start_time is not None
