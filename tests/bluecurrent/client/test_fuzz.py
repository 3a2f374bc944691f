"""Fuzzing what reads Blue Current frames: any input is read into our models or raises our error.

Deterministic (derandomized, no example database). Inputs: real frames with values spoilt
(wrong types, NaN/inf, huge integers, nested arrays, keys removed), any JSON value, and raw
text or bytes (cut-off frames, inserted characters, nesting past the decoder's limit).
A frame runs through every reader the client has for it: the receive path (decode, then the
handler that delivers events), and the readers of command, validation and account answers.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import UTC, datetime, time
import logging
import math
from time import perf_counter
from typing import Any

import aiohttp
from hypothesis import given, settings, strategies as st
import pytest

from custom_components.blue_current.api.bluecurrent import (
    BlueCurrentClient,
    BlueCurrentError,
    BlueCurrentProtocolError,
    ChargePointsEvent,
    Event,
    GridCurrentEvent,
    GridStatusEvent,
    StatusEvent,
)
from custom_components.blue_current.api.bluecurrent.client import _decode, _verdict
from custom_components.blue_current.api.bluecurrent.parse import EXCERPT_LENGTH
from simulator.bluecurrent import BlueCurrentCloud, ManualClock, frames, populate
from simulator.bluecurrent.model import CapacityTariff, OverrideSchedule
from simulator.server import Simulator
from tests.fuzzing import (
    FUZZ_SETTINGS,
    Json,
    encoded,
    json_values,
    mutated,
    spoilt_text,
    to_text,
)

from .conftest import API_TOKEN

EVSE = "BCU100001"
LEAF_TYPES = (type(None), str, int, float, bool, datetime, time)  # the fields of our models


def _templates() -> list[Json]:
    """One real frame of every kind the client reads, as the simulator writes them."""
    clock = ManualClock(datetime(2025, 3, 30, 0, 30, tzinfo=UTC))  # the same frames every run
    bc_cloud = BlueCurrentCloud(clock=clock, seed=1)
    account = populate(bc_cloud, api_token="fuzz", customer_id="42", charge_points=2, seed=1)
    charge_point = account.charge_points[EVSE]
    # Smart charging on: its settings are only in the frames while a profile is on.
    charge_point.delayed.enabled = True
    charge_point.price_based.enabled = True
    charge_point.capacity_tariff = CapacityTariff(enabled=True)
    charge_point.start_charging()
    clock.advance(3600)  # into summer time
    charge_point.stop_charging()  # both session timestamps set
    grid = account.grid_of(charge_point)
    schedule = OverrideSchedule(
        schedule_id=7,
        charge_points=[EVSE],
        start_time="18:00",
        stop_time="22:00",
        start_days=["MO", "TU"],
        stop_days=["MO", "TU"],
        current=10.0,
    )
    days_as_text = frames.settings(charge_point)
    days_as_text["data"]["delayed_charging"]["selected_days"] = "[1,3,5]"
    return [
        days_as_text,
        frames.status(charge_point),
        frames.charge_points(account),
        frames.settings(charge_point),
        frames.grid_status(grid),
        frames.grid_current(grid),
        frames.charge_cards(account, 100),
        {"object": "LIST_OVERRIDE_CURRENT", "data": [frames.schedule_entry(schedule)]},
        frames.schedule_answer("POST_SET_OVERRIDE_CURRENT", schedule),
        frames.cleared("7"),
        frames.received("START_SESSION", EVSE),
        frames.verdict("SET_PLUG_AND_CHARGE", EVSE, "", frames.setting_result(True)),
        frames.verdict("SET_PUBLIC_CHARGING", EVSE, "", frames.setting_result(False)),
        frames.verdict("SOFT_RESET", EVSE, "REJECTED", {}),
        frames.error(2),
        frames.error(1),  # these three end a connection: the fuzzing tells how many did
        frames.error(42),
        frames.already_connected(),
        frames.api_token_status(account),
        frames.account_info(account),
    ]


TEMPLATES = _templates()
TEMPLATE_TEXTS = [to_text(template) for template in TEMPLATES]

structured_frames = encoded(mutated(TEMPLATES).map(to_text))
any_json = encoded(json_values().map(to_text))
raw_input = st.one_of(
    spoilt_text(TEMPLATE_TEXTS),
    st.text(max_size=200),
    st.binary(max_size=200),
    st.sampled_from(["", "null", "{}", "[]", '"x"', "NaN", "-Infinity", "1e400"]),
)


@dataclass
class Tally:
    """What the inputs came to: how many were read, and what each error was."""

    examples: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    foreign: list[str] = field(default_factory=list)
    bad_events: list[str] = field(default_factory=list)

    def check_event(self, event: Event) -> None:
        """An event carries only finite numbers, moments that exist in UTC and non-empty ids.

        The values derived from a status or grid (means, power, current left) are finite too.
        """
        derived: list[tuple[str, object]] = []
        if isinstance(event, StatusEvent):
            status = event.status
            derived = [
                ("average_voltage", status.average_voltage),
                ("average_current", status.average_current),
                ("power", status.power),
                ("estimated_power_kw", status.estimated_power_kw),
                ("current_left", status.current_left(smart_charging=True)),
                ("current_left", status.current_left(smart_charging=False)),
            ]
        elif isinstance(event, GridStatusEvent):
            derived = [
                ("average_current", event.grid.average_current),
                ("max_current", event.grid.max_current),
            ]
        for name, value in [*_leaves(event), *derived]:
            if not isinstance(value, LEAF_TYPES):
                self.bad_events.append(f"{name}={value!r} in {type(event).__name__}")
            if isinstance(value, float) and not math.isfinite(value):
                self.bad_events.append(f"{name}={value!r} in {type(event).__name__}")
            if isinstance(value, datetime) and not _in_utc(value):
                self.bad_events.append(f"{name}={value!r} in {type(event).__name__}")
            if name in {"evse_id", "grid_id", "uid", "schedule_id"} and value == "":
                self.bad_events.append(f"empty {name} in {type(event).__name__}")


def _in_utc(moment: datetime) -> bool:
    try:
        moment.astimezone(UTC)
    except OverflowError:
        return False
    return True


def _leaves(value: object, name: str = "") -> Iterator[tuple[str, object]]:
    if is_dataclass(value) and not isinstance(value, type):
        for item in fields(value):
            yield from _leaves(getattr(value, item.name), item.name)
    elif isinstance(value, tuple | frozenset):
        for item in value:
            yield from _leaves(item, name)
    else:
        yield name, value


def _feed(client: BlueCurrentClient, data: str | bytes) -> str:
    """Everything the client does with one incoming frame; returns what became of it."""
    try:
        frame = _decode(data)
    except BlueCurrentProtocolError:
        return "malformed (skipped)"
    client._handle(frame)  # the receive path: may raise ours (ERROR frames) or deliver an event
    readers: list[Callable[[dict[str, Any]], object]] = [
        client._read_validation,
        client._read_account,
        client._schedule_from,
        lambda reply: _verdict("SOFT_RESET", EVSE, reply),
    ]
    for reader in readers:
        try:
            reader(frame)
        except BlueCurrentError:
            continue
    return "handled"


def _run(client: BlueCurrentClient, tally: Tally, data: str | bytes) -> None:
    tally.examples += 1
    try:
        tally.outcomes[_feed(client, data)] += 1
    except BlueCurrentError as err:
        tally.outcomes[type(err).__name__] += 1
    except Exception as err:  # noqa: BLE001 - what is not ours is what this test counts
        tally.foreign.append(f"{type(err).__name__}: {str(err)[:80]} <- {data[:80]!r}")


@pytest.mark.parametrize(
    ("strategy", "examples"),
    [(structured_frames, 8_000), (any_json, 1_000), (raw_input, 1_000)],
    ids=["structured", "any-json", "raw"],
)
async def test_every_frame_is_read_or_refused_with_our_error(
    strategy: st.SearchStrategy[str | bytes], examples: int, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, "custom_components.blue_current.api")
    async with aiohttp.ClientSession() as session:
        tally = Tally()
        client = BlueCurrentClient(session, API_TOKEN)
        client._listener = tally.check_event

        @settings(FUZZ_SETTINGS, max_examples=examples)
        @given(strategy)
        def fuzz(data: str | bytes) -> None:
            _run(client, tally, data)

        started = perf_counter()
        fuzz()
        elapsed = perf_counter() - started
    print(f"{examples} asked, {tally.examples} run in {elapsed:.1f} s: {dict(tally.outcomes)}")
    assert tally.foreign == []
    assert tally.bad_events == []
    assert tally.examples >= examples
    longest = max((len(record.getMessage()) for record in caplog.records), default=0)
    assert longest < 2 * EXCERPT_LENGTH + 200


async def test_fuzzed_frames_through_a_live_socket(
    simulator: Simulator, session: aiohttp.ClientSession, bc_cloud: BlueCurrentCloud
) -> None:
    """500 fuzzed frames pushed by the simulator: the client goes on or ends with our error."""
    sample: list[str] = []

    @settings(FUZZ_SETTINGS, max_examples=500)
    @given(st.one_of(mutated(TEMPLATES).map(to_text), json_values().map(to_text), raw_input))
    def collect(data: str | bytes) -> None:
        sample.append(data if isinstance(data, str) else data.decode(errors="replace"))

    collect()
    assert len(sample) >= 500

    client = BlueCurrentClient(session, API_TOKEN, url=simulator.bluecurrent_url)
    tally = Tally()
    events: list[Event] = []

    def listener(event: Event) -> None:
        events.append(event)
        tally.check_event(event)

    endings: Counter[str] = Counter()
    foreign: list[str] = []
    task: asyncio.Task[None] | None = None
    for number, text in enumerate(sample):
        if task is None or task.done():
            task = await _start(client, listener, events)
        await bc_cloud.push_raw(text)
        sentinel = f"SENTINEL{number}"
        await bc_cloud.push_raw(
            {"object": "GRID_CURRENT", "evse_id": sentinel, "grid_actual_p1": 1}
        )
        async with asyncio.timeout(5):
            while not task.done() and not _delivered(events, sentinel):
                await asyncio.sleep(0.001)
        if task.done():
            error = task.exception()
            if isinstance(error, BlueCurrentError):
                endings[type(error).__name__] += 1
            else:
                foreign.append(f"{error!r} <- {text[:80]!r}")
    assert task is not None
    await client.disconnect()
    await asyncio.wait_for(task, 3)
    ended = sum(endings.values())
    print(f"{len(sample)} frames: {len(sample) - ended} kept going, {ended} ended: {dict(endings)}")
    assert foreign == []
    assert tally.bad_events == []
    # Only frames that say so end a connection: ERROR 1, ERROR 42, "Already connected".
    assert set(endings) <= {
        "BlueCurrentSessionExpiredError",
        "BlueCurrentRateLimitError",
        "BlueCurrentAlreadyConnectedError",
    }


async def _start(
    client: BlueCurrentClient, listener: Callable[[Event], None], events: list[Event]
) -> asyncio.Task[None]:
    """A new main connection, once the cloud serves it (its charge-point list arrived)."""
    lists = len(events)
    task = asyncio.create_task(client.run(listener, client.request_charge_points))
    async with asyncio.timeout(5):
        while not any(isinstance(event, ChargePointsEvent) for event in events[lists:]):
            assert not task.done() or task.result() is None
            await asyncio.sleep(0.001)
    return task


def _delivered(events: list[Event], sentinel: str) -> bool:
    return any(
        isinstance(event, GridCurrentEvent) and event.evse_id == sentinel for event in events[-3:]
    )
