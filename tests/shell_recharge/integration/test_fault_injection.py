"""Fault-injection run of a Shell Recharge card: every fault the fake Shell API offers.

Each fault spoils the next poll of the card's active sessions: HTTP 401 (the client fetches
a new token and asks once more), 429 with and without Retry-After, 500, 503, every kind of
spoilt body (bad JSON, not an object, wrong or missing request id, no data, …) and answers
that are slow but in time, or too slow. After each, the run moves the frozen clock on to the
next poll and checks that the card's entities are available and equal the fake API's truth,
that no traceback was logged and that no task or timer was left behind. Figures:
    scripts/run python -m pytest -p no:cacheprovider -q -s \
        tests/shell_recharge/integration/test_fault_injection.py
"""

from __future__ import annotations

import asyncio
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import timedelta
import logging
import random
import time

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.blue_current.const import SHELL_POLL_INTERVAL
from simulator.shell import ShellCloud
from simulator.shell.faults import Corruption
from tests.faults import live_timers, percentile, real_now
from tests.waiting import wait_for

from .conftest import entity_id

SEED = 5
TIMEOUT = 15.0  # the client's request timeout
PER_KIND = 12


FAULTS: dict[str, Callable[[ShellCloud], None]] = {
    "http-401": lambda cloud: cloud.fail_next(401, route="active"),
    "http-429-retry-after": lambda cloud: cloud.fail_next(429, 90, route="active"),
    "http-429-no-retry-after": lambda cloud: cloud.fail_next(429, route="active"),
    "http-500": lambda cloud: cloud.fail_next(500, route="active"),
    "http-503": lambda cloud: cloud.fail_next(503, retry_after=30, route="active"),
    "http-500-bad-json-body": lambda cloud: cloud.fail_next(
        500, route="active", corruption=Corruption.BAD_JSON
    ),
    **{
        f"body-{corruption.value}": (
            lambda cloud, corruption=corruption: cloud.corrupt_next(corruption, route="active")
        )
        for corruption in Corruption
    },
    "slow-in-time": lambda cloud: cloud.slow(5),
    "slow-too-slow": lambda cloud: cloud.slow(TIMEOUT + 10),
}


async def test_shell_fault_injection_run(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    shell_cloud: ShellCloud,
    setup_shell: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    hass.loop.slow_callback_duration = 1e9  # moving frozen time is not a slow callback
    coordinator = setup_shell.runtime_data
    registry = er.async_get(hass)
    entities = [
        e.entity_id for e in er.async_entries_for_config_entry(registry, setup_shell.entry_id)
    ]
    # Nothing changes at the fake API meanwhile: the truth is what the entities show now
    # (the stop button is unavailable by design while no session runs).
    truth = {e: state.state for e in entities if (state := hass.states.get(e)) is not None}
    assert truth[entity_id("active_sessions")] == "0"

    def polls() -> int:
        return sum(1 for request in shell_cloud.requests if request.path.endswith("/active"))

    def recovered() -> bool:
        if not coordinator.last_update_success:
            return False
        return all(
            (state := hass.states.get(e)) is not None and state.state == shown
            for e, shown in truth.items()
        )

    async def move_on(seconds: float) -> None:
        """Let time pass; then give a poll that started real time to finish (a request in
        flight must not meet the next move of the clock: it would time out)."""
        frozen.tick(timedelta(seconds=seconds))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
        await hass.async_add_executor_job(time.sleep, 0.02)
        await hass.async_block_till_done()

    planned = [kind for kind in FAULTS for _ in range(PER_KIND)]
    random.Random(SEED).shuffle(planned)
    injected: Counter[str] = Counter()
    healed: Counter[str] = Counter()
    wall: dict[str, list[float]] = defaultdict(list)
    simulated: list[float] = []
    unavailable_seen: Counter[str] = Counter()
    baseline_tasks = len(asyncio.all_tasks())
    baseline_timers = live_timers(hass)
    checked = len(caplog.records)
    assert coordinator.last_update_success
    assert recovered()
    for kind in planned:
        injected[kind] += 1
        started = real_now()
        moved = 0.0
        FAULTS[kind](shell_cloud)
        asked = polls()
        # On to the next poll, which meets the fault.
        slow = kind.startswith("slow")
        # On to the next poll, which meets the fault (after a 429 the card may keep quiet
        # a while longer).
        for _ in range(10):
            await move_on(SHELL_POLL_INTERVAL / 2)
            moved += SHELL_POLL_INTERVAL / 2
            if polls() > asked:
                break
        await wait_for(hass, lambda asked=asked: polls() > asked, f"the poll that meets {kind}")
        if slow:
            await move_on(TIMEOUT + 1 if kind == "slow-too-slow" else 6)
            moved += TIMEOUT + 1 if kind == "slow-too-slow" else 6
            shell_cloud.slow(0)
        await hass.async_add_executor_job(time.sleep, 0.002)
        await hass.async_block_till_done()
        if not coordinator.last_update_success:
            unavailable_seen[kind] += 1
        # Then poll after poll (as the coordinator schedules them) until all is well again.
        for _ in range(10):
            if recovered():
                break
            await move_on(SHELL_POLL_INTERVAL / 2)
            moved += SHELL_POLL_INTERVAL / 2
        await wait_for(hass, recovered, f"recovery after {kind}")
        wall[kind].append(real_now() - started)
        simulated.append(moved)
        for record in caplog.records[checked:]:
            # Home Assistant's coordinator adds the "Full error" at debug level by design.
            if record.levelno < logging.INFO and "custom_components" not in record.pathname:
                continue
            assert record.exc_info is None, f"{kind}: traceback: {record.getMessage()}"
        checked = len(caplog.records)
        assert len(asyncio.all_tasks()) <= baseline_tasks + 6, kind
        assert live_timers(hass) <= baseline_timers + 6, kind
        healed[kind] += 1

    everything = sorted(t for times in wall.values() for t in times)
    ordered = sorted(simulated)
    lines = [
        (
            f"Shell fault-injection run: {sum(injected.values())} faults, "
            f"{sum(healed.values())} recovered"
        ),
        *(
            f"  {kind:32} {injected[kind]:3} injected {healed[kind]:3} recovered "
            f"({unavailable_seen[kind]} showed unavailable meanwhile)"
            for kind in sorted(injected)
        ),
        (
            f"recovery (wall): max {everything[-1] * 1000:.1f} ms, "
            f"p99 {percentile(everything, 0.99) * 1000:.1f} ms"
        ),
        f"recovery (simulated): max {ordered[-1]:.0f} s, p99 {percentile(ordered, 0.99):.0f} s",
    ]
    print("\n" + "\n".join(lines))
    assert healed == injected
    assert sum(injected.values()) == len(FAULTS) * PER_KIND
    # A 401 is healed by a fresh token within the same poll: the user never sees it.
    assert unavailable_seen["http-401"] == 0
    assert unavailable_seen["slow-in-time"] == 0
    assert unavailable_seen["http-500"] == PER_KIND
