"""The five scenarios. Each returns rows with a number for core and one for ours."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
import time

from homeassistant.helpers.entity_platform import MAX_ENABLED_ENTITIES_PER_CONFIG_ENTRY

from .channel import FLAVORS, Message
from .harness import BARE, Bench, Fleet, Worker, workers
from .results import Row, Target, not_more_than_core, ours_below, ours_true, ratio_at_most
from .stats import latency, median, percentile, window
from .stream import Stream

SESSION_TIMEOUT = 600.0  # seconds a set-up (500 charge points, traced memory) may take
COMMAND_TIMEOUT = 60.0
DAY_DROPS = 24 * 6  # a drop every 10 minutes
SEED = 2026


@dataclass(frozen=True, slots=True)
class Plan:
    """Sizes of a run: the full one, or a smoke run that only proves the harness works."""

    steady_charge_points: int = 20
    steady_messages: int = 10_000
    steady_speed: float = 4.0  # the 1 Hz stream is replayed this many times faster
    settle: float = 11.0  # seconds of stream before a window (registries save after 10 s)
    drain: float = 2.0  # seconds after the last frame before a window closes
    setup_sizes: tuple[int, ...] = (1, 10, 100)
    setup_repeats: int = 3
    requests_charge_points: int = 20
    requests_drops: int = DAY_DROPS
    memory_charge_points: int = 100
    scale_charge_points: int = 500
    scale_seconds: float = 60.0
    scale_edge: float = 10.0  # seconds at either end compared for a growing backlog


FULL = Plan()
SMOKE = Plan(
    steady_charge_points=3,
    steady_messages=80,
    steady_speed=10.0,
    settle=0.3,
    drain=0.5,
    setup_sizes=(1, 3),
    setup_repeats=1,
    requests_charge_points=3,
    requests_drops=2,
    memory_charge_points=4,
    scale_charge_points=20,
    scale_seconds=1.0,
    scale_edge=0.3,
)

type Scenario = Callable[[Bench, Plan, dict[str, Worker]], Awaitable[list[Row]]]


async def _each[T](flavors: Sequence[str], job: Callable[[str], Awaitable[T]]) -> dict[str, T]:
    """Run a job for every flavour side by side."""
    results = await asyncio.gather(*(job(flavor) for flavor in flavors))
    return dict(zip(flavors, results, strict=True))


async def _end(worker: Worker) -> None:
    await worker.request({"cmd": "end"}, COMMAND_TIMEOUT)


async def _session(worker: Worker, fleet: Fleet, **extra: object) -> Message:
    return await worker.request(fleet.params(worker.role, **extra), SESSION_TIMEOUT)


# 1. Steady push.


async def steady(bench: Bench, plan: Plan, running: dict[str, Worker]) -> list[Row]:
    """20 charging charge points at 1 Hz plus the grid at 1 Hz, both flavours side by side.

    Two more processes take the same stream with the client library alone (no Home
    Assistant): what merely receiving and parsing the frames costs, the same for both.
    """
    bare_roles = tuple(f + BARE for f in FLAVORS)
    roles = (*FLAVORS, *bare_roles)
    fleet = bench.fleet("steady", roles, plan.steady_charge_points, charging=True)
    stream = Stream(fleet, seed=SEED, grid=True)
    rate = stream.sources * plan.steady_speed
    limit = plan.steady_messages / rate + 60
    async with workers(bare_roles, bench.log_dir) as bare:
        everyone = {**running, **bare}
        await _each(roles, lambda r: _session(everyone[r], fleet))
        await stream.play(max(1, round(plan.settle * rate)), rate, record=False, limit=limit)
        await _each(roles, lambda r: everyone[r].request({"cmd": "measure_start"}, 10))
        played = await stream.play(plan.steady_messages, rate, record=True, limit=limit)
        await asyncio.sleep(plan.drain)
        windows = await _each(roles, lambda r: everyone[r].request({"cmd": "measure_stop"}, 60))
        await _each(roles, lambda r: _end(everyone[r]))
    messages = played.messages
    cpu = {r: windows[r]["cpu_s"] * 10_000 / messages for r in roles}
    in_hass = {f: cpu[f] - cpu[f + BARE] for f in FLAVORS}
    writes = {f: (windows[f]["changed"] + windows[f]["reported"]) / messages for f in FLAVORS}
    changed = {f: windows[f]["changed"] / messages for f in FLAVORS}
    lat = {f: latency(stream.sent[f], windows[f]["marks"]) for f in FLAVORS}
    shown = {f: 100 * (1 - lat[f].missing / max(1, len(stream.sent[f]))) for f in FLAVORS}
    name = (
        f"Steady push: {plan.steady_charge_points} charge points + grid at 1 Hz, "
        f"{messages:,} messages (replayed at {plan.steady_speed:g}×)"
    )
    return [
        Row(
            name,
            "CPU seconds per 10,000 messages",
            cpu["core"],
            cpu["ours"],
            decimals=2,
            target=ratio_at_most(1 / 3, "≤ 1/3 of core"),
            chart="CPU per message",
            note=_floor_note(cpu),
        ),
        Row(
            name,
            "… of which the client library alone, no Home Assistant (s)",
            cpu["core" + BARE],
            cpu["ours" + BARE],
        ),
        Row(
            name,
            "… of which in Home Assistant: total − client alone (s)",
            in_hass["core"],
            in_hass["ours"],
            chart="CPU per message in HA",
        ),
        Row(
            name,
            "State writes per message",
            writes["core"],
            writes["ours"],
            target=ratio_at_most(1 / 5, "≤ 1/5 of core"),
            chart="State writes per message",
        ),
        Row(name, "State changes per message", changed["core"], changed["ours"]),
        Row(
            name,
            "Latency p50, send → state (ms)",
            lat["core"].p(50) * 1000,
            lat["ours"].p(50) * 1000,
            chart="Latency p50",
        ),
        Row(
            name,
            "Latency p99, send → state (ms)",
            lat["core"].p(99) * 1000,
            lat["ours"].p(99) * 1000,
            chart="Latency p99",
        ),
        Row(name, "CH_STATUS frames that reached a state (%)", shown["core"], shown["ours"], 1),
    ]


def _floor_note(cpu: dict[str, float]) -> str:
    floor = cpu["ours" + BARE]
    share = floor / cpu["core"]
    if share <= 1 / 3:
        return ""
    return (
        f"receiving and parsing the frames, before any Home Assistant work, costs ours "
        f"{floor:.2f} s per 10,000 messages with no Home Assistant at all (core's library "
        f"{cpu['core' + BARE]:.2f} s): already {share:.2f} of core's total. Below 1/3 of core is "
        "out of reach on this machine whatever happens inside Home Assistant; the row "
        "'in Home Assistant' compares what the integrations control."
    )


# 2. Set-up.


async def setup(bench: Bench, plan: Plan, running: dict[str, Worker]) -> list[Row]:
    """Time from adding the entry until every entity has a state; flavours take turns."""
    sizes = plan.setup_sizes
    fleets = {n: bench.fleet(f"setup{n}", FLAVORS, n, charging=True) for n in sizes}
    times: dict[tuple[str, int], list[float]] = {(f, n): [] for f in FLAVORS for n in sizes}
    cpu: dict[tuple[str, int], list[float]] = {(f, n): [] for f in FLAVORS for n in sizes}
    reloads: dict[str, list[float]] = {f: [] for f in FLAVORS}
    entities: dict[str, tuple[int, int]] = {}
    largest = max(sizes)
    for flavor in FLAVORS:  # warm-up: the first set-up of a process is not counted
        await _session(running[flavor], fleets[min(sizes)])
        await _end(running[flavor])
    turn = 0
    for repeat in range(plan.setup_repeats):
        for n in sizes:
            order = FLAVORS if turn % 2 == 0 else tuple(reversed(FLAVORS))
            turn += 1
            for flavor in order:
                worker = running[flavor]
                result = await _session(worker, fleets[n])
                if n == largest:
                    entities[flavor] = (int(result["entities"]), int(result["enabled"]))
                times[flavor, n].append(result["setup_s"])
                cpu[flavor, n].append(result["setup_cpu_s"])
                if n == largest and repeat == 0:
                    reload = await worker.request({"cmd": "reload"}, SESSION_TIMEOUT)
                    reloads[flavor].append(reload["setup_s"])
                await _end(worker)
    name = f"Set-up: config entry until every entity has a state (median of {plan.setup_repeats})"
    rows = [
        Row(
            name,
            f"Set-up time, {n} charge point{'s' if n > 1 else ''} (s)",
            median(times["core", n]),
            median(times["ours", n]),
            decimals=3,
            target=ratio_at_most(1 / 2, "≤ 1/2 of core") if n == largest else None,
            chart=f"Set-up, {n} CPs" if n == largest else "",
        )
        for n in sizes
    ]
    rows.append(
        Row(
            name,
            f"Set-up CPU, {largest} charge points (s)",
            median(cpu["core", largest]),
            median(cpu["ours", largest]),
            decimals=3,
        )
    )
    rows.append(
        Row(
            name,
            f"Entities registered, {largest} charge points",
            entities["core"][0],
            entities["ours"][0],
            0,
            note=(
                f"core registers {entities['core'][0]:,} entities ({entities['core'][1]:,} "
                f"enabled), ours {entities['ours'][0]:,} ({entities['ours'][1]:,} enabled). "
                "Most of a set-up is Home Assistant's own work per entity (entity and device "
                "registry, first state write), so its time follows these counts."
            ),
        )
    )
    rows.append(
        Row(
            name,
            f"Reload (registries filled), {largest} charge points (s)",
            median(reloads["core"]),
            median(reloads["ours"]),
            decimals=3,
        )
    )
    return rows


# 3. Requests.


async def _quiet(fleet: Fleet, *, quiet: float = 0.3, limit: float = 30.0) -> dict[str, int]:
    """Request counts once every account is connected and nothing was sent for `quiet` s."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    counts = fleet.requests_used()
    changed_at = loop.time()
    while loop.time() < deadline:
        await asyncio.sleep(0.02)
        now_counts = fleet.requests_used()
        if now_counts != counts:
            counts, changed_at = now_counts, loop.time()
        elif fleet.all_connected() and loop.time() - changed_at >= quiet:
            return counts
    raise TimeoutError("the integrations did not settle after a (re)connect")


async def requests(bench: Bench, plan: Plan, running: dict[str, Worker]) -> list[Row]:
    """Requests at set-up and per reconnect; a day with a drop every 10 minutes."""
    fleet = bench.fleet("requests", FLAVORS, plan.requests_charge_points, charging=False)
    drops = plan.requests_drops
    per_drop: dict[str, list[int]] = {f: [] for f in FLAVORS}
    # Both reconnect at once instead of after their back-off: the day is compressed.
    await _each(FLAVORS, lambda f: _session(running[f], fleet, fast_reconnect=True))
    initial = await _quiet(fleet)
    counts = initial
    for _ in range(drops):
        await fleet.cloud.drop(fleet.accounts.values())
        after = await _quiet(fleet)
        for flavor in FLAVORS:
            per_drop[flavor].append(after[flavor] - counts[flavor])
        counts = after
    await _each(FLAVORS, lambda f: _end(running[f]))
    reconnect = {f: sum(per_drop[f]) / drops for f in FLAVORS}
    day = {f: initial[f] + reconnect[f] * DAY_DROPS for f in FLAVORS}
    name = (
        f"Requests: {plan.requests_charge_points} charge points, "
        f"{drops} drops (a day has {DAY_DROPS})"
    )
    return [
        Row(
            name,
            "Requests at set-up (token check included)",
            initial["core"],
            initial["ours"],
            0,
        ),
        Row(name, "Requests per reconnect", reconnect["core"], reconnect["ours"], 1),
        Row(
            name,
            "Requests per day, connection dropping every 10 min",
            day["core"],
            day["ours"],
            0,
            target=not_more_than_core(),
            chart="Requests per day",
        ),
    ]


# 4. Memory.


async def memory(bench: Bench, plan: Plan, running: dict[str, Worker]) -> list[Row]:
    """tracemalloc: what a set-up leaves allocated, with 1 and with N charge points."""
    n = plan.memory_charge_points
    small, large = (
        bench.fleet("memory1", FLAVORS, 1, charging=True),
        bench.fleet(f"memory{n}", FLAVORS, n, charging=True),
    )
    used: dict[str, dict[int, int]] = {f: {} for f in FLAVORS}
    for flavor in FLAVORS:
        worker = running[flavor]
        await _session(worker, small)  # warm-up, not traced
        await _end(worker)
        for fleet, size in ((small, 1), (large, n)):
            result = await _session(worker, fleet, memory=True)
            used[flavor][size] = int(result["memory_bytes"])
            await _end(worker)
    per_cp = {f: (used[f][n] - used[f][1]) / (n - 1) / 1024 for f in FLAVORS}
    total = {f: used[f][n] / 1024 / 1024 for f in FLAVORS}
    name = f"Memory (tracemalloc, after set-up): {n} charge points"
    return [
        Row(
            name,
            "Memory per charge point (KiB)",
            per_cp["core"],
            per_cp["ours"],
            1,
            chart="Memory per CP",
        ),
        Row(name, f"Memory left by set-up, {n} charge points (MiB)", total["core"], total["ours"]),
    ]


# 5. Scale.


@dataclass(frozen=True, slots=True)
class _ScaleRun:
    cpu_percent: float
    keeps_up: bool
    p50: float
    p99: float
    growth: float
    lag_p99: float
    shown_percent: float
    enabled: int
    by_domain: dict[str, int]
    marked: int


async def _scale_one(bench: Bench, plan: Plan, worker: Worker) -> _ScaleRun:
    flavor = worker.flavor
    n = plan.scale_charge_points
    fleet = bench.fleet(f"scale-{flavor}", (flavor,), n, charging=True)
    stream = Stream(fleet, seed=SEED, grid=False)
    rate = float(n)  # each charge point once a second
    count = round(rate * plan.scale_seconds)
    limit = plan.scale_seconds + 60
    set_up = await _session(worker, fleet)
    await stream.play(max(1, round(plan.settle * rate)), rate, record=False, limit=limit)
    await worker.request({"cmd": "measure_start"}, 10)
    started = time.time()
    played = await stream.play(count, rate, record=True, limit=limit)
    ended = time.time()
    await asyncio.sleep(plan.drain)
    result = await worker.request({"cmd": "measure_stop"}, 120)
    await _end(worker)
    # Past Home Assistant's cap on enabled entities some charge points have no energy sensor:
    # their frames cannot be timed, and are left out (the row of marked charge points says so).
    marked = set(result["marked"])
    sent = [frame for frame in stream.sent[flavor] if frame.evse_id in marked]
    lat = latency(sent, result["marks"])
    edge = plan.scale_edge
    early = window(sent, lat, started, started + edge)
    late = window(sent, lat, ended - edge, ended)
    growth = median(late) - median(early)
    lag_p99 = percentile(played.lags, 99)
    keeps_up = lat.missing == 0 and growth < 0.25 and lag_p99 < 0.25
    return _ScaleRun(
        cpu_percent=100 * result["cpu_s"] / result["wall_s"],
        keeps_up=keeps_up,
        p50=lat.p(50),
        p99=lat.p(99),
        growth=growth,
        lag_p99=lag_p99,
        shown_percent=100 * (1 - lat.missing / max(1, len(sent))),
        enabled=int(set_up["enabled"]),
        by_domain={str(k): int(v) for k, v in set_up["by_domain"].items()},
        marked=len(marked),
    )


def _cap_note(runs: dict[str, _ScaleRun], charge_points: int) -> str:
    capped = [f for f, run in runs.items() if run.enabled >= MAX_ENABLED_ENTITIES_PER_CONFIG_ENTRY]
    if not capped:
        return ""

    def platforms(flavor: str) -> str:
        counts = runs[flavor].by_domain
        return f"{flavor}: " + ", ".join(f"{domain} {n:,}" for domain, n in counts.items())

    return (
        f"{' and '.join(capped)} reached Home Assistant's cap of "
        f"{MAX_ENABLED_ENTITIES_PER_CONFIG_ENTRY:,} enabled entities per config entry with "
        f"{charge_points} charge points, and Home Assistant refused the rest (a warning in its "
        "log); which platform loses entities depends on the order the platforms set up in. "
        f"Enabled entities per platform: {'; '.join(platforms(f) for f in runs)}. Frames are "
        "timed only for charge points that got an energy sensor, and the CPU share covers "
        "fewer entities than the account has."
    )


async def scale(bench: Bench, plan: Plan, running: dict[str, Worker]) -> list[Row]:
    """N charge points at 1 Hz each for a minute, one flavour at a time."""
    # One flavour at a time: the other's worker waits idle, with no Home Assistant yet.
    runs = {flavor: await _scale_one(bench, plan, running[flavor]) for flavor in FLAVORS}
    core, ours = runs["core"], runs["ours"]
    name = (
        f"Scale: {plan.scale_charge_points} charge points at 1 message/s each "
        f"for {plan.scale_seconds:g} s"
    )
    return [
        Row(
            name,
            "Enabled entities (Home Assistant adds at most 10,000 per entry)",
            core.enabled,
            ours.enabled,
            0,
        ),
        Row(
            name,
            "Charge points whose energy sensor Home Assistant added",
            core.marked,
            ours.marked,
            0,
            target=Target(
                "all charge points", lambda _core, ours: ours >= plan.scale_charge_points
            ),
            note=_cap_note(runs, plan.scale_charge_points),
        ),
        Row(
            name,
            "CPU of the Home Assistant process (% of one core)",
            core.cpu_percent,
            ours.cpu_percent,
            1,
            target=ours_below(25, "ours < 25 %"),
            chart="Scale CPU",
        ),
        Row(
            name,
            "Keeps up (all shown, no growing backlog)",
            float(core.keeps_up),
            float(ours.keeps_up),
            yes_no=True,
            target=ours_true("ours keeps up"),
        ),
        Row(name, "Latency p50 (ms)", core.p50 * 1000, ours.p50 * 1000, 1),
        Row(name, "Latency p99 (ms)", core.p99 * 1000, ours.p99 * 1000, 1),
        Row(
            name,
            f"Latency growth, last vs first {plan.scale_edge:g} s (ms)",
            core.growth * 1000,
            ours.growth * 1000,
            1,
        ),
        Row(
            name, "Simulator behind schedule, p99 (ms)", core.lag_p99 * 1000, ours.lag_p99 * 1000, 1
        ),
        Row(
            name,
            "CH_STATUS frames that reached a state (%)",
            core.shown_percent,
            ours.shown_percent,
            1,
        ),
    ]


SCENARIOS: dict[str, Scenario] = {
    "steady": steady,
    "setup": setup,
    "requests": requests,
    "memory": memory,
    "scale": scale,
}
