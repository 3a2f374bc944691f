"""The demo as scripts/develop starts it: clean, offline, and able to resume.

Each test runs its own demo stack on a fresh config directory, with the integration linked in
as scripts/develop does, on a loop thread of its own. Where the kernel allows it, that thread
has a network namespace of its own with the name trap in it (tests/e2e/offline.py), so every
attempt to reach a host by name is seen.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
import json
from pathlib import Path
import re

import pytest

from .conftest import LoopThread
from .offline import NameTrap
from .stack import (
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
