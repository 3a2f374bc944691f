"""The demo as scripts/develop starts it: clean, offline, and able to resume.

Each test runs its own demo stack on a fresh config directory, with the integration linked in
as scripts/develop does, on a loop thread of its own. Where the kernel allows it, that thread
has a network namespace of its own with the name trap in it (tests/e2e/offline.py), so every
attempt to reach a host by name is seen.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
import json
from pathlib import Path
import re

import pytest

from .conftest import LoopThread
from .offline import NameTrap
from .stack import (
    DOMAIN,
    FOREIGN_ISSUES,
    STEPS,
    USER_NAME,
    USERNAME,
    DemoStack,
    free_port,
)

WATCH = 5.0  # seconds to keep watching the log after a start: errors can come a little later
LOG_PROBLEM = re.compile(r"^\S+ \S+ (ERROR|CRITICAL) |^Traceback ", re.MULTILINE)
# What Home Assistant itself logs when it is stopped while another integration's entry is still
# setting up (seen with backup's under load): the stop cancels that set-up, and logs it with the
# traceback of the cancellation. Only an interrupted start may print it, and never for ours.
FOREIGN_SETUP_CANCELLED = re.compile(
    r"^\S+ \S+ ERROR \(MainThread\) \[homeassistant\.components\.(?!blue_current\])[\w.]+\] "
    r"Setup of config entry '[^']*' for \w+ integration cancelled$"
)


@pytest.fixture
def thread() -> Iterator[LoopThread]:
    loop = LoopThread()
    yield loop
    loop.stop()


@pytest.fixture
def trap(thread: LoopThread) -> Iterator[NameTrap]:
    """The name trap, in the thread's namespace; it asks nothing of a machine without one."""
    names = NameTrap()
    if thread.isolated:
        thread.run(names.start(), 30)
    yield names
    thread.loop.call_soon_threadsafe(names.stop)


class Demo:
    """Start and stop the demo on one config directory, on the same ports every time."""

    def __init__(self, config_dir: Path) -> None:
        self.config_dir = config_dir
        self.console = config_dir.parent / "hass-console.log"  # every start's output, appended
        self.ports = (free_port(), free_port())  # called on the loop: free in its namespace

    def stack(self) -> DemoStack:
        port, sim_port = self.ports
        return DemoStack(
            self.config_dir,
            port=port,
            sim_port=sim_port,
            install="link",  # as scripts/develop
            tick=5.0,  # the simulator moves as in scripts/develop
            console=self.console,
        )

    def output(self) -> int:
        """How much Home Assistant has printed so far."""
        return self.console.stat().st_size if self.console.exists() else 0

    def problems(self, since: int = 0, *, interrupted: bool = False) -> list[str]:
        """Every ERROR or CRITICAL line and traceback Home Assistant printed after `since`.

        `interrupted`: the start was stopped half-way, so another integration's set-up that
        the stop cancelled (and the traceback right after it) is not a problem.
        """
        if not self.console.exists():
            return []
        with self.console.open("rb") as console:
            console.seek(since)
            text = console.read().decode("utf-8", errors="replace")
        found: list[str] = []
        forgiven = False
        for line in text.splitlines():
            if not LOG_PROBLEM.match(line):
                continue
            if interrupted and FOREIGN_SETUP_CANCELLED.match(line):
                forgiven = True
                continue
            if forgiven and line.startswith("Traceback "):
                forgiven = False
                continue
            forgiven = False
            found.append(line)
        return found


async def _open_repairs(stack: DemoStack) -> list[tuple[str, str]]:
    return [(i["domain"], i["issue_id"]) for i in await stack.issues() if not i["ignored"]]


@pytest.mark.timeout(300)
def test_the_demo_starts_clean(
    thread: LoopThread, trap: NameTrap, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """First start and a second one: no repair open, no error logged, no call out."""

    async def run() -> None:
        demo = Demo(tmp_path_factory.mktemp("demo") / "config")
        for _ in ("first start", "second start"):
            stack = demo.stack()
            try:
                await stack.start()
                await asyncio.sleep(WATCH)
                assert await _open_repairs(stack) == []
                ignored = {(i["domain"], i["issue_id"]) for i in await stack.issues()}
                assert ignored <= FOREIGN_ISSUES
            finally:
                await stack.stop()
        assert demo.problems() == []

    thread.run(run(), 280)
    assert trap.names == []


def _forget_user_step(config_dir: Path) -> None:
    """Leave what the issue's interrupted start left: the login and the user saved, but not
    that onboarding's user step is done (the next start failed with 'Username "demo" already
    exists')."""
    path = config_dir / ".storage" / "onboarding"
    onboarding = json.loads(path.read_text(encoding="utf-8"))
    onboarding["data"]["done"].remove("user")
    path.write_text(json.dumps(onboarding), encoding="utf-8")


@pytest.mark.timeout(600)
def test_a_start_stopped_at_any_step_resumes(
    thread: LoopThread, trap: NameTrap, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Stop the first start before each of its steps in turn, as Ctrl-C would; each next
    start goes on from there without an error, and the last one leaves the demo as complete
    as an uninterrupted start.

    Two interruptions are harder: before "onboarding", Home Assistant is killed as a power
    cut would (it has just made the user, and saves it a second later); after "account",
    the state the issue met is left (the user made, the step not recorded). The start after
    the kill may log that Home Assistant found its database damaged; it must still resume.
    """

    async def run() -> None:
        demo = Demo(tmp_path_factory.mktemp("resume") / "config")
        killed = False
        for step in STEPS:
            before, stack = demo.output(), demo.stack()
            try:
                await stack.start(until=step)
                if step == "onboarding":
                    stack.kill()
            finally:
                await stack.stop()
            if step == "account":
                _forget_user_step(demo.config_dir)
            if not killed:
                assert demo.problems(before, interrupted=True) == [], f"stopped before {step}"
            killed = step == "onboarding"

        before, stack = demo.output(), demo.stack()
        try:
            await stack.start()
            entries = await stack.entries()
            assert len(entries) == 2
            assert {entry["state"] for entry in entries} == {"loaded"}
            (users,) = await stack.ws({"type": "config/auth/list"})
            people = [user for user in users if not user["system_generated"]]
            assert [(u["name"], u["username"], u["is_owner"]) for u in people] == [
                (USER_NAME, USERNAME, True)
            ]
            devices = await stack.devices()
            charge_points = [d for d in devices if d["serial_number"] and d["entry_type"] is None]
            (areas,) = await stack.ws({"type": "config/area_registry/list"})
            assert len(charge_points) == 2
            assert all(d["area_id"] for d in charge_points)
            names = [area["name"] for area in areas]
            assert len(names) == len(set(names))  # no area made twice
            assert await _open_repairs(stack) == []
        finally:
            await stack.stop()
        assert demo.problems(before) == []

    thread.run(run(), 580)
    assert trap.names == []


@pytest.mark.timeout(300)
def test_a_restart_keeps_the_entities_and_counts_a_session_once(
    thread: LoopThread, trap: NameTrap, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Home Assistant restarts while a car charges its second session: the same entities
    come back, the session energy follows the cloud again, and the lifetime energy goes on
    from the total it had (the first session included) without counting the running
    session twice."""

    async def run() -> None:
        demo = Demo(tmp_path_factory.mktemp("restart") / "config")
        stack = demo.stack()
        try:
            await stack.start()
            charge_point = stack.charge_point(0)
            evse_id = charge_point.evse_id
            keys = (await stack.charge_point_entities())[evse_id]
            energy, lifetime = keys["actual_kwh"], keys["lifetime_energy"]
            switch = await _entity_id(stack, "switch", f"charging_{evse_id}")
            registered = await _registered(stack)

            async def shown() -> tuple[float, float] | None:
                values = [await _state(stack, energy), await _state(stack, lifetime)]
                pushed = round(charge_point.actual_kwh, 3)
                if values[0] is None or values[1] is None or values[0] != pushed:
                    return None
                return values[0], values[1]

            # The demo's first session ends; a second one starts and charges a while.
            first, _ = await _until(shown, "the first session's energy")
            await stack.api("POST", "/api/services/switch/turn_off", {"entity_id": switch})
            await _until(lambda: _done(not charge_point.charging), "the first session to end")
            await stack.api("POST", "/api/services/switch/turn_on", {"entity_id": switch})
            await _until(lambda: _done(charge_point.actual_kwh > 0.01), "the second session")

            session_before, lifetime_before = await _until(shown, "the energy shown")
            assert lifetime_before - session_before >= first - 1e-6  # the first session is in
            await stack.restart_home_assistant()
            await _until(
                lambda: _done(round(charge_point.actual_kwh, 3) > session_before), "more energy"
            )
            session_after, lifetime_after = await _until(shown, "the energy shown again")

            # What the session added since is counted once, on top of the restored total.
            assert lifetime_after == pytest.approx(
                lifetime_before + session_after - session_before, abs=1e-6
            )
            assert await _registered(stack) == registered
        finally:
            await stack.stop()
        assert demo.problems() == []

    thread.run(run(), 280)
    assert trap.names == []


async def _done(condition: bool) -> bool | None:
    return True if condition else None


async def _entity_id(stack: DemoStack, domain: str, unique_id: str) -> str:
    (registry,) = await stack.ws({"type": "config/entity_registry/list"})
    (entity_id,) = [
        e["entity_id"]
        for e in registry
        if e["platform"] == DOMAIN
        and e["unique_id"] == unique_id
        and e["entity_id"].startswith(f"{domain}.")
    ]
    return str(entity_id)


async def _state(stack: DemoStack, entity_id: str) -> float | None:
    answer = await stack.api("GET", f"/api/states/{entity_id}")
    try:
        return float(answer["state"])
    except ValueError:
        return None  # unavailable or unknown, for a moment


async def _registered(stack: DemoStack) -> list[tuple[str, str]]:
    """Our entities as the registry lists them: entity id and unique id."""
    (registry,) = await stack.ws({"type": "config/entity_registry/list"})
    return sorted(
        (entry["entity_id"], entry["unique_id"])
        for entry in registry
        if entry["platform"] == DOMAIN
    )


async def _until[T](probe: Callable[[], Awaitable[T | None]], what: str) -> T:
    deadline = asyncio.get_running_loop().time() + 60
    while (found := await probe()) is None:
        assert asyncio.get_running_loop().time() < deadline, f"no {what} within 60 s"
        await asyncio.sleep(0.5)
    return found
