"""Fault-injection run: over a thousand faults of every kind the simulator offers, on frozen time.

One Home Assistant instance takes the whole batch, in a shuffled (seeded) order. After each
fault the run checks that the integration recovered: the entities equal the simulator's
truth and are available, no traceback was logged, no task or timer was left behind, and
every reconnect waited as long as the backoff says (never shorter, never longer).

Time stands still (freezer); the run moves it on exactly by the backoff the coordinator
chose, so the check of "within the backoff" is exact, and the run is fast.
The figures (faults by kind, recovery times, reconnect attempts) are printed at the end:
    scripts/run python -m pytest -p no:cacheprovider -q -s \
        tests/bluecurrent/integration/test_fault_injection.py
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
import json
import logging
import math
import os
import random
import time

from aiohttp import ClientSession, ClientWebSocketResponse
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.button import ButtonEntity
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er, issue_registry as ir
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.blue_current.api.bluecurrent.parse import FrameParser
from custom_components.blue_current.api.bluecurrent.ratelimit import next_reset
from custom_components.blue_current.bluecurrent import coordinator as coordinator_module
from custom_components.blue_current.bluecurrent.coordinator import (
    BlueCurrentCoordinator,
    rate_limit_issue_id,
)
from custom_components.blue_current.const import (
    DOMAIN,
    RECONNECT_MAX_DELAY,
    RECONNECT_MIN_DELAY,
)
from simulator.bluecurrent import BlueCurrentCloud, frames
from simulator.bluecurrent.verdicts import Outcome
from simulator.server import Simulator
from tests.faults import live_timer_handles, live_timers, percentile, real_now
from tests.waiting import wait_for

from .conftest import API_TOKEN, EVSE_IDS

SEED = 12
# FAULT_SCALE=0.1 for a quick look, =10 for a long soak; the suite runs the default 1.
SCALE = float(os.environ.get("FAULT_SCALE", "1"))
HELLO_WAIT = 30.0  # the client's wait for the charge-point list after HELLO
COMMAND_WAIT = 40.0  # the client's wait for a command's verdict
HEARTBEAT = 30.0
CLIENT_MAX_FRAME = 4 * 1024 * 1024  # aiohttp's default largest message

# How many faults of each kind. Reconnecting kinds cost the most time; frame faults little.
CONNECTION_KINDS = {
    "close-clean-1000": 30,
    "close-abnormal-1011": 30,
    "drop-without-close": 30,
    "close-4001-rate-limit": 15,
    "stall-live-socket": 30,
    "stall-after-hello": 15,
    "handshake-refused-already-connected": 15,
    "already-connected-socket-left-open": 15,
}
FRAME_KINDS = {
    "malformed-json": 80,
    "unknown-object": 80,
    "partial-frame": 80,
    "oversized-field": 40,
    "oversized-frame": 6,
    "deeply-nested": 80,
    "missing-keys": 110,
    "wrong-types": 110,
    "nan-inf": 110,
}
COMMAND_KINDS = {
    "verdict-rejected": 50,
    "verdict-timeout": 50,
    "verdict-slow": 40,
    "verdict-silent": 20,
}
RATE_LIMIT = "close-4001-rate-limit"  # waits for the daily reset by design


@dataclass
class Figures:
    """What the run measured."""

    injected: Counter[str] = field(default_factory=Counter)
    recovered: Counter[str] = field(default_factory=Counter)
    wall: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    simulated: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    attempts: int = 0  # reconnect attempts made
    attempts_in_bounds: int = 0  # … whose delay lay within the backoff's bounds
    early_attempts: int = 0  # … that came before the backoff ended (must stay 0)
    max_tasks: int = 0
    max_timers: int = 0

    def report(self) -> str:
        everything = sorted(t for times in self.wall.values() for t in times)
        simulated = sorted(
            t for kind, times in self.simulated.items() if kind != RATE_LIMIT for t in times
        )
        rate_limited = self.simulated[RATE_LIMIT] or [0.0]
        lines = [
            (
                f"faults injected: {sum(self.injected.values())}, "
                f"recovered: {sum(self.recovered.values())}"
            ),
            *(
                f"  {kind:40} {self.injected[kind]:4} injected {self.recovered[kind]:4} "
                f"recovered, max {max(self.wall[kind]) * 1000:7.1f} ms"
                for kind in sorted(self.injected)
            ),
            (
                f"recovery (wall): max {everything[-1] * 1000:.1f} ms, "
                f"p99 {percentile(everything, 0.99) * 1000:.1f} ms, "
                f"median {percentile(everything, 0.5) * 1000:.1f} ms"
            ),
            (
                f"recovery (simulated time moved on, rate limit aside): "
                f"max {max(simulated):.1f} s, p99 {percentile(simulated, 0.99):.1f} s"
            ),
            (
                f"rate limit: reconnected at the daily reset, after "
                f"{min(rate_limited) / 3600:.1f}-{max(rate_limited) / 3600:.1f} h simulated"
            ),
            (
                f"reconnect attempts: {self.attempts}, within the backoff bounds: "
                f"{self.attempts_in_bounds}, before the backoff ended: {self.early_attempts}"
            ),
            f"most tasks at once: {self.max_tasks}, most timers at once: {self.max_timers}",
        ]
        return "\n".join(lines)


def backoff_bounds(attempt: int) -> tuple[float, float]:
    """The delays reconnect_delay may choose for an attempt (its documented range)."""
    ceiling = min(RECONNECT_MAX_DELAY, RECONNECT_MIN_DELAY * 2 ** min(attempt + 1, 16))
    return max(RECONNECT_MIN_DELAY, ceiling / 2), ceiling


class Run:
    """Drives one Home Assistant instance through faults and checks each recovery."""

    def __init__(
        self,
        *,
        hass: HomeAssistant,
        entry: MockConfigEntry,
        cloud: BlueCurrentCloud,
        simulator: Simulator,
        freezer: FrozenDateTimeFactory,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        self.hass = hass
        self.entry = entry
        self.cloud = cloud
        self.simulator = simulator
        self.freezer = freezer
        self.caplog = caplog
        self.coordinator: BlueCurrentCoordinator = entry.runtime_data
        self.parser = FrameParser()
        self.rng = random.Random(SEED)
        self.figures = Figures()
        self.delays: list[tuple[int, float]] = []  # (attempt, delay) the coordinator chose
        self.handled = 0  # delays[:handled] were waited out by the run
        self.moved = 0.0  # simulated seconds moved on for the current fault
        self.baseline_tasks = 0
        self.baseline_timers = 0
        self.log_checked = 0

    # Time.

    async def move_on(self, seconds: float) -> None:
        """Let `seconds` pass for every timer (HA's, the client's, the simulator's)."""
        self.moved += seconds
        self.freezer.tick(timedelta(seconds=seconds))
        async_fire_time_changed(self.hass)
        await self.hass.async_block_till_done()

    async def pause(self, seconds: float = 0.005) -> None:
        """Let real time pass (sockets work in real time) without moving the frozen clock."""
        await self.hass.async_block_till_done()
        await self.hass.async_add_executor_job(time.sleep, seconds)
        await self.hass.async_block_till_done()

    async def until(self, condition: Callable[[], object], what: str) -> None:
        await wait_for(self.hass, condition, what, within=10.0)

    # Truth.

    def truth_holds(self) -> bool:
        data = self.coordinator.data
        for evse_id in EVSE_IDS:
            known = data.charge_points.get(evse_id)
            truth = self.parser.status(frames.status(self.cloud.charge_point(evse_id)))
            if known is None or known.status != truth:
                return False
        return True

    def entities_show_truth(self) -> list[str]:
        """What differs between the entities and the simulator (empty when nothing)."""
        problems: list[str] = []
        states = self.hass.states
        for evse_id, name in zip(EVSE_IDS, ("driveway", "garage"), strict=True):
            charge_point = self.cloud.charge_point(evse_id)
            activity = states.get(f"sensor.{name}_activity")
            if activity is None or activity.state != charge_point.activity:
                problems.append(f"{name} activity {activity and activity.state}")
            energy = states.get(f"sensor.{name}_energy_usage")
            if energy is None or not math.isclose(
                float(energy.state), round(charge_point.actual_kwh, 3)
            ):
                problems.append(f"{name} energy {energy and energy.state}")
        registry = er.async_get(self.hass)
        for entity in er.async_entries_for_config_entry(registry, self.entry.entry_id):
            state = states.get(entity.entity_id)
            if state is not None and state.state == STATE_UNAVAILABLE:
                problems.append(f"{entity.entity_id} unavailable")
        return problems

    async def change_truth(self, evse_id: str) -> None:
        """The cloud's next regular push: a little more energy, told to the integration."""
        charge_point = self.cloud.charge_point(evse_id)
        charge_point.actual_kwh = round(charge_point.actual_kwh + 0.125, 3)
        await self.cloud.push_status(evse_id)

    async def verify(self, kind: str, started: float) -> None:
        """The integration shows the truth again, cleanly; record how long that took."""
        await self.until(lambda: self.coordinator.connected, f"connected after {kind}")
        await self.until(self.truth_holds, f"the truth after {kind}")
        await self.until(lambda: not self.entities_show_truth(), f"the entities after {kind}")
        self.figures.wall[kind].append(real_now() - started)
        self.figures.simulated[kind].append(self.moved)
        self.check_log(kind)
        self.check_leaks(kind)
        self.figures.recovered[kind] += 1

    def check_log(self, kind: str) -> None:
        records = self.caplog.records[self.log_checked :]
        self.log_checked = len(self.caplog.records)
        for record in records:
            # Our code at any level; others from INFO up (asyncio notes a reset socket, Home
            # Assistant's coordinator a "Full error", at debug level by design).
            if record.levelno < logging.INFO and "custom_components" not in record.pathname:
                continue
            assert record.exc_info is None, f"{kind}: traceback logged: {record.getMessage()}"
            assert "Traceback" not in record.getMessage(), f"{kind}: {record.getMessage()}"

    def check_leaks(self, kind: str) -> None:
        tasks = len(asyncio.all_tasks())
        timers = live_timers(self.hass)
        self.figures.max_tasks = max(self.figures.max_tasks, tasks)
        self.figures.max_timers = max(self.figures.max_timers, timers)
        # A leak grows with every fault; a bounded margin holds whatever runs right now.
        assert tasks <= self.baseline_tasks + 8, f"{kind}: {tasks} tasks"
        assert timers <= self.baseline_timers + 8, f"{kind}: {timers} timers: " + "\n".join(
            repr(handle) for handle in live_timer_handles(self.hass)
        )

    # Reconnects.

    async def back_off_until_connected(
        self, *, on_attempt: Callable[[int], Awaitable[None]] | None = None
    ) -> None:
        """Each time the coordinator waits, check that no attempt comes early, then move
        time on by exactly that wait; until the connection is back."""
        attempts = 0
        while True:
            await self.until(
                lambda: self.coordinator.connected or len(self.delays) > self.handled,
                "a connection or the next backoff",
            )
            if self.coordinator.connected and len(self.delays) == self.handled:
                return
            await self.wait_out_backoff()
            attempts += 1
            if on_attempt is not None:
                await on_attempt(attempts)

    async def wait_out_backoff(self) -> None:
        """Check the coordinator's next wait (its bounds, no early attempt); let it pass."""
        attempt, delay = self.delays[self.handled]
        self.handled += 1
        low, high = backoff_bounds(attempt)
        self.figures.attempts += 1
        if low <= delay <= high:
            self.figures.attempts_in_bounds += 1
        handshakes = self.cloud._connection_count
        await self.pause()
        if self.cloud._connection_count != handshakes:
            self.figures.early_attempts += 1
        await self.move_on(delay + 0.001)

    async def await_drop(self) -> None:
        await self.until(
            lambda: not self.coordinator.connected and len(self.delays) > self.handled,
            "the drop to be noticed",
        )

    async def open_ghost(self, session: ClientSession) -> ClientWebSocketResponse:
        """Another connection that says HELLO and so holds the account."""
        ghost = await session.ws_connect(self.simulator.bluecurrent_url)
        token = self.cloud.account(API_TOKEN).session_token
        await ghost.send_json({"command": "HELLO", "Authorization": f"Token {token}"})
        await self.until(lambda: self.cloud.main_connections == 1, "the ghost's HELLO")
        return ghost

    # Faults.

    async def connection_fault(self, kind: str) -> None:
        match kind:
            case "close-clean-1000" | "close-abnormal-1011" | "drop-without-close":
                code = {"close-clean-1000": 1000, "close-abnormal-1011": 1011}.get(kind)
                await self.cloud.close_connections(code)
                await self.await_drop()
                await self.back_off_until_connected()
            case "close-4001-rate-limit":
                await self.rate_limit()
            case "stall-live-socket":
                self.cloud.stall()
                # Two keepalive periods: the socket answers pings, so it stays up.
                await self.move_on(HEARTBEAT + 1)
                await self.pause(0.01)
                await self.move_on(HEARTBEAT + 1)
                await self.pause(0.01)
                self.cloud.stall(False)
                assert len(self.delays) == self.handled, "a live, quiet socket was declared dead"
                await self.change_truth(EVSE_IDS[0])
            case "stall-after-hello":
                self.cloud.stall()
                await self.cloud.close_connections(1011)
                await self.await_drop()
                hellos = self.commands("HELLO")
                await self.wait_out_backoff()
                await self.until(lambda: self.commands("HELLO") > hellos, "the unanswered HELLO")
                self.cloud.stall(False)  # too late for that HELLO: it stays unanswered
                await self.pause()
                assert not self.coordinator.connected
                await self.move_on(HELLO_WAIT + 1)
                await self.await_drop()
                await self.back_off_until_connected()
            case "handshake-refused-already-connected" | "already-connected-socket-left-open":
                await self.already_connected(refuse=kind.startswith("handshake"))
        await self.change_truth(EVSE_IDS[1])

    @property
    def reset_button(self) -> ButtonEntity:
        component = self.hass.data["button"]
        return next(e for e in component.entities if e.entity_id == "button.driveway_reset")

    def commands(self, command: str) -> int:
        return sum(1 for frame in self.cloud.received if frame.command == command)

    async def rate_limit(self) -> None:
        issues = ir.async_get(self.hass)
        issue_id = rate_limit_issue_id(self.entry)
        reset = next_reset(dt_util.utcnow())
        await self.cloud.close_connections(4001)
        await self.until(lambda: issues.async_get_issue(DOMAIN, issue_id), "the repair")
        # Until the reset: no attempt at all.
        handshakes = self.cloud._connection_count
        await self.move_on((reset - dt_util.utcnow()).total_seconds() - 60)
        await self.pause()
        self.figures.attempts += 1
        if self.cloud._connection_count != handshakes:
            self.figures.early_attempts += 1
        else:
            self.figures.attempts_in_bounds += 1
        await self.move_on(61)
        await self.until(lambda: self.coordinator.connected, "the reconnect after the reset")
        await self.until(lambda: not issues.async_get_issue(DOMAIN, issue_id), "no repair")

    async def already_connected(self, *, refuse: bool) -> None:
        await self.cloud.close_connections(1011)
        await self.await_drop()
        if refuse:
            self.cloud.reject_second_connection = True
        else:
            self.cloud.leave_second_connection_open = True
        async with ClientSession() as session:
            ghost = await self.open_ghost(session)

            async def release(attempts: int) -> None:
                if attempts == 2:  # two attempts met the other connection; now it goes
                    await ghost.close()
                    await self.until(lambda: self.cloud.main_connections == 0, "the ghost gone")
                    self.cloud.reject_second_connection = False
                    self.cloud.leave_second_connection_open = False

            await self.back_off_until_connected(on_attempt=release)
            assert ghost.closed

    async def frame_fault(self, kind: str) -> None:
        evse_id = self.rng.choice(EVSE_IDS)
        await self.cloud.push_raw(self.bad_frame(kind, evse_id))
        await self.pause(0.001)
        if len(self.delays) > self.handled:  # the frame ended the connection
            await self.back_off_until_connected()
        # The cloud's next regular push brings the truth again.
        await self.change_truth(evse_id)

    def bad_frame(self, kind: str, evse_id: str) -> str:
        rng = self.rng
        status = frames.status(self.cloud.charge_point(evse_id))
        text = json.dumps(status)
        match kind:
            case "malformed-json":
                return rng.choice(["{", "}", "nul", "{'a': 1}", "[1,", text.replace(":", "=")])
            case "unknown-object":
                return json.dumps({"object": f"NEW_THING_{rng.randrange(99)}", "data": [1]})
            case "partial-frame":
                return text[: rng.randrange(1, len(text) - 1)]
            case "oversized-field":
                field_name = rng.choice(["activity", "evse_id", "vehicle_status", "start_datetime"])
                status["data"][field_name] = "x" * 500_000
                return json.dumps(status)
            case "oversized-frame":
                return json.dumps({"object": "CH_STATUS", "junk": "y" * (CLIENT_MAX_FRAME + 10)})
            case "deeply-nested":
                depth = rng.choice([5_000, 50_000, 200_000])
                opener, closer = rng.choice([("[", "]"), ('{"a":', "}")])
                return (
                    '{"object": "CH_STATUS", "data": ' + opener * depth + "1" + closer * depth + "}"
                )
            case "missing-keys":
                choice = rng.randrange(5)
                if choice == 0:
                    del status["data"]
                elif choice == 1:
                    del status["evse_id"]
                    del status["data"]["evse_id"]
                elif choice == 2:
                    del status["object"]
                elif choice == 3:
                    return json.dumps({"object": "GRID_STATUS", "data": {}})
                else:
                    return json.dumps({"object": "CHARGE_POINTS"})
                return json.dumps(status)
            case "wrong-types":
                key = rng.choice(list(status["data"]))
                status["data"][key] = rng.choice([[1, 2], {"a": 1}, True, "abc", -1, 10**30])
                if rng.random() < 0.2:
                    status["data"] = rng.choice([[status["data"]], "data", 5])
                return json.dumps(status)
            case "nan-inf":
                key = rng.choice(["actual_kwh", "total_kw", "actual_v1", "avg_current"])
                spelled = rng.choice(["NaN", "Infinity", "-Infinity", "1e400", '"nan"', '"inf"'])
                status["data"][key] = "@@"
                return json.dumps(status).replace('"@@"', spelled)
        raise AssertionError(kind)

    async def command_fault(self, kind: str) -> None:
        outcome, delay = {
            "verdict-rejected": (Outcome.REJECTED, 0.0),
            "verdict-timeout": (Outcome.TIMEOUT, 0.0),
            "verdict-slow": (Outcome.ACCEPTED, 5.0),
            "verdict-silent": (Outcome.SILENT, 0.0),
        }[kind]
        self.cloud.set_verdict("SOFT_RESET", outcome, delay=delay)
        asked = self.commands("SOFT_RESET")
        # The button's own press, in a task of the test: a service call runs in a Home
        # Assistant task, which async_block_till_done would wait for, and the verdict only
        # comes once the run moves time on.
        press = asyncio.create_task(self.reset_button.async_press())
        await self.until(lambda: self.commands("SOFT_RESET") > asked, "the command to arrive")
        wait = COMMAND_WAIT + 1 if outcome is Outcome.SILENT else delay + 0.1
        for _ in range(3):
            # The cloud may still be scheduling its answer: give it a moment, then move on.
            await self.pause(0.002)
            if press.done() or not wait:
                break
            await self.move_on(wait)
        await self.until(press.done, f"the verdict of {kind}")
        if outcome is Outcome.ACCEPTED:
            await press
        else:
            with pytest.raises(HomeAssistantError):
                await press
        self.cloud.verdicts.clear()
        await self.change_truth(EVSE_IDS[0])

    async def run(self) -> Figures:
        planned = [
            (group, kind)
            for group, kinds in (
                ("connection", CONNECTION_KINDS),
                ("frame", FRAME_KINDS),
                ("command", COMMAND_KINDS),
            )
            for kind, count in kinds.items()
            for _ in range(max(1, round(count * SCALE)))
        ]
        self.rng.shuffle(planned)
        original = coordinator_module.reconnect_delay

        def recorded(attempt: int) -> float:
            delay = original(attempt)
            self.delays.append((attempt, delay))
            return delay

        coordinator_module.reconnect_delay = recorded  # observed, not changed
        try:
            await self.pause()
            self.baseline_tasks = len(asyncio.all_tasks())
            self.baseline_timers = live_timers(self.hass)
            self.check_log("set-up")
            for group, kind in planned:
                self.moved = 0.0
                started = real_now()
                self.figures.injected[kind] += 1
                if group == "connection":
                    await self.connection_fault(kind)
                elif group == "frame":
                    await self.frame_fault(kind)
                else:
                    await self.command_fault(kind)
                await self.verify(kind, started)
        finally:
            coordinator_module.reconnect_delay = original
        return self.figures


async def test_fault_injection_run(
    freezer: FrozenDateTimeFactory,
    hass: HomeAssistant,
    bc_simulator: Simulator,
    account_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    freezer.move_to(datetime(2026, 3, 28, 22, 0, tzinfo=dt_util.UTC))  # a DST change ahead
    await hass.config.async_set_time_zone("Europe/Amsterdam")
    # aiohttp's access log cannot read the local time zone of a frozen clock; the last
    # set_level also sets the capturing handler's level, so ours comes last.
    caplog.set_level(logging.WARNING, logger="aiohttp.access")
    caplog.set_level(logging.DEBUG, logger="custom_components.blue_current")
    account_entry.add_to_hass(hass)
    # The reset button is off by default; the command faults press it.
    er.async_get(hass).async_get_or_create(
        "button",
        DOMAIN,
        f"reset_{EVSE_IDS[0]}",
        config_entry=account_entry,
        suggested_object_id="driveway_reset",
    )
    assert await hass.config_entries.async_setup(account_entry.entry_id)
    await hass.async_block_till_done()
    hass.loop.slow_callback_duration = 1e9  # moving frozen time is not a slow callback
    assert bc_simulator.bluecurrent is not None
    run = Run(
        hass=hass,
        entry=account_entry,
        cloud=bc_simulator.bluecurrent,
        simulator=bc_simulator,
        freezer=freezer,
        caplog=caplog,
    )
    await wait_for(hass, run.truth_holds, "the first statuses")
    figures = await run.run()
    print("\nBlue Current fault-injection run\n" + figures.report())
    assert (
        sum(CONNECTION_KINDS.values()) + sum(FRAME_KINDS.values()) + sum(COMMAND_KINDS.values())
        >= 1000
    )
    assert figures.recovered == figures.injected
    assert figures.early_attempts == 0
    assert figures.attempts_in_bounds == figures.attempts
    # Unloading leaves nothing behind (the harness also fails the test on a lingering timer).
    assert await hass.config_entries.async_unload(account_entry.entry_id)
    await hass.async_block_till_done()
    assert not [t for t in asyncio.all_tasks() if DOMAIN in t.get_name()]
