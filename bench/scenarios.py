"""The five scenarios. Each returns rows with a number for core and one for ours (and, for the
steady push, the floor), plus the profiles it took."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
import math
import time

from homeassistant.helpers.entity_platform import MAX_ENABLED_ENTITIES_PER_CONFIG_ENTRY

from .channel import FLAVORS, FLOOR, Message
from .harness import BARE, Bench, Fleet, Worker, workers
from .results import (
    Outcome,
    Row,
    Target,
    WindowProfile,
    floor_ratio_at_most,
    not_more_than_core,
    ours_below,
    ours_equal,
    ours_true,
    ratio_at_most,
)
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
    calibrate: float = 6.0  # of which: ours' state changes per message counted, for the floor
    profile_messages: int = 1_000  # the profiled window after the measured one
    sensor_floor_messages: int = 3_000  # then the write floor's window with plain sensors
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
    settle=1.0,
    calibrate=0.5,
    profile_messages=40,
    sensor_floor_messages=40,
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

type Scenario = Callable[[Bench, Plan, dict[str, Worker]], Awaitable[Outcome]]


async def _each[T](flavors: Sequence[str], job: Callable[[str], Awaitable[T]]) -> dict[str, T]:
    """Run a job for every flavour side by side."""
    results = await asyncio.gather(*(job(flavor) for flavor in flavors))
    return dict(zip(flavors, results, strict=True))


async def _end(worker: Worker) -> None:
    await worker.request({"cmd": "end"}, COMMAND_TIMEOUT)


async def _session(worker: Worker, fleet: Fleet, **extra: object) -> Message:
    return await worker.request(fleet.params(worker.role, **extra), SESSION_TIMEOUT)


# 1. Steady push.

RECEIVE_FLOOR = FLOOR + BARE  # the cheapest receiver, no Home Assistant
WRITE_FLOOR = FLOOR  # the same receiver in Home Assistant, plus plain state writes
FLOORS = (RECEIVE_FLOOR, WRITE_FLOOR)
PROFILED = ("ours", WRITE_FLOOR)  # profiled side by side after the measured window
CLIENT_LIMIT = 1.3  # ours' client alone, times the receive floor
HASS_LIMIT = 1.3  # ours in Home Assistant, times the write floor
TOTAL_LIMIT = 0.5  # ours' total, times core's
PROFILE_DRAIN = 0.5  # seconds a profile goes on after the stream's last frame


async def steady(bench: Bench, plan: Plan, running: dict[str, Worker]) -> Outcome:
    """20 charging charge points at 1 Hz plus the grid at 1 Hz, everyone side by side.

    Besides the two Home Assistant processes: each flavour's client library alone (no Home
    Assistant), the receive floor (the cheapest receiver) and the write floor (that receiver
    in Home Assistant, writing plain entities as often as ours changes states). Ours' state
    changes per message are counted while the stream settles, before the window, and set the
    write floor's writes per message.
    """
    bare_roles = tuple(f + BARE for f in FLAVORS)
    extra_roles = (*bare_roles, RECEIVE_FLOOR, WRITE_FLOOR)
    roles = (*FLAVORS, *extra_roles)
    fleet = bench.fleet("steady", roles, plan.steady_charge_points, charging=True)
    stream = Stream(fleet, seed=SEED, grid=True)
    rate = stream.sources * plan.steady_speed
    limit = plan.steady_messages / rate + 60

    async def play(seconds: float) -> None:
        await stream.play(max(1, round(seconds * rate)), rate, record=False, limit=limit)

    async with workers(extra_roles, bench.log_dir) as extra:
        everyone = {**running, **extra}

        async def each(
            chosen: Sequence[str], message: Message, within: float
        ) -> dict[str, Message]:
            return await _each(chosen, lambda r: everyone[r].request(message, within))

        await _each(roles, lambda r: _session(everyone[r], fleet))
        await play(plan.settle - plan.calibrate - 1 / plan.steady_speed)
        await each(("ours",), {"cmd": "measure_start"}, 10)
        calibration = await stream.play(
            max(1, round(plan.calibrate * rate)), rate, record=False, limit=limit
        )
        counted = (await each(("ours",), {"cmd": "measure_stop"}, 60))["ours"]
        calibrated = counted["changed"] / calibration.messages
        await each((WRITE_FLOOR,), {"cmd": "writes", "per_message": calibrated}, 10)
        await play(1 / plan.steady_speed)  # a round of every source with the floor writing
        await each(roles, {"cmd": "measure_start"}, 10)
        played = await stream.play(plan.steady_messages, rate, record=True, limit=limit)
        await asyncio.sleep(plan.drain)
        windows = await each(roles, {"cmd": "measure_stop"}, 60)
        # Each profiled worker answers twice: once profiling, once with the profile.
        seconds = plan.profile_messages / rate + PROFILE_DRAIN
        await each(PROFILED, {"cmd": "profile", "seconds": seconds}, 10)
        profiled = await stream.play(plan.profile_messages, rate, record=False, limit=limit)
        replies = await _each(PROFILED, lambda r: everyone[r].receive(seconds + 60))
        # The same writes of plain sensors: what Home Assistant's sensor platform adds.
        sensor_writes = {"cmd": "writes", "per_message": calibrated, "entities": "sensors"}
        await each((WRITE_FLOOR,), sensor_writes, 10)
        await play(1 / plan.steady_speed)
        await each(FLOORS, {"cmd": "measure_start"}, 10)
        sensor_played = await stream.play(
            plan.sensor_floor_messages, rate, record=False, limit=limit
        )
        await asyncio.sleep(plan.drain)
        sensor_windows = await each(FLOORS, {"cmd": "measure_stop"}, 60)
        await _each(roles, lambda r: _end(everyone[r]))
    profiles = [
        WindowProfile.from_reply(
            r, profiled.messages, windows[r]["cpu_s"] * 1e6 / played.messages, replies[r]
        )
        for r in PROFILED
    ]
    ours_changes = windows["ours"]["changed"] / played.messages
    sensor_floor = _write_floor(sensor_windows, sensor_played.messages, ours_changes)
    rows = _steady_rows(
        plan, played.messages, windows, stream, calibrated, sensor_floor=sensor_floor
    )
    return Outcome(rows, profiles)


def _write_floor(windows: dict[str, Message], messages: int, ours_changes: float) -> float:
    """CPU s per 10,000 messages of the write floor's writes: its process less the receive
    floor's, scaled from its own writes per message to ours' state changes per message."""
    cpu = {r: float(windows[r]["cpu_s"]) * 10_000 / messages for r in FLOORS}
    floor_writes = windows[WRITE_FLOOR]["changed"] / messages
    scale = ours_changes / floor_writes if floor_writes else math.nan
    return (cpu[WRITE_FLOOR] - cpu[RECEIVE_FLOOR]) * scale


def _steady_rows(
    plan: Plan,
    messages: int,
    windows: dict[str, Message],
    stream: Stream,
    calibrated: float,
    *,
    sensor_floor: float,
) -> list[Row]:
    cpu = {r: windows[r]["cpu_s"] * 10_000 / messages for r in windows}
    in_hass = {f: cpu[f] - cpu[f + BARE] for f in FLAVORS}
    writes = {f: (windows[f]["changed"] + windows[f]["reported"]) / messages for f in FLAVORS}
    changed = {f: windows[f]["changed"] / messages for f in FLAVORS}
    floor_writes = windows[WRITE_FLOOR]["changed"] / messages
    # The write floor made about as many writes per message as ours changed states before the
    # window; its cost above the receive floor is scaled to ours' exact count in the window.
    scale = changed["ours"] / floor_writes if floor_writes else math.nan
    receive_floor = cpu[RECEIVE_FLOOR]
    write_floor = _write_floor(windows, messages, changed["ours"])
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
            floor=receive_floor + write_floor,
            target=ratio_at_most(TOTAL_LIMIT, f"≤ {TOTAL_LIMIT:g} of core"),
            chart="Total",
            absolute=True,
            floor_label="receive + write floor",
            short="CPU per 10,000 messages, total",
            note=_reach_note(cpu, receive_floor, write_floor),
        ),
        Row(
            name,
            "… of which the client library alone, no Home Assistant (s)",
            cpu["core" + BARE],
            cpu["ours" + BARE],
            floor=receive_floor,
            target=floor_ratio_at_most(CLIENT_LIMIT, f"≤ {CLIENT_LIMIT:g} × receive floor"),
            chart="Client library alone",
            absolute=True,
            floor_label="receive floor",
            short="CPU per 10,000 messages, client library alone",
        ),
        Row(
            name,
            "… of which in Home Assistant: total − client alone (s)",
            in_hass["core"],
            in_hass["ours"],
            floor=write_floor,
            target=floor_ratio_at_most(HASS_LIMIT, f"≤ {HASS_LIMIT:g} × write floor"),
            chart="In Home Assistant",
            absolute=True,
            floor_label="write floor",
            short="CPU per 10,000 messages, in Home Assistant",
        ),
        Row(
            name,
            "… in Home Assistant, against the same writes of plain sensors (s)",
            math.nan,
            in_hass["ours"],
            floor=sensor_floor,
            short="CPU per 10,000 messages, in Home Assistant, against plain sensors",
            note=_sensor_floor_note(write_floor, sensor_floor),
        ),
        Row(
            name,
            "State writes per message",
            writes["core"],
            writes["ours"],
            floor=floor_writes,
            target=ours_equal(changed["ours"], "= state changes per message"),
            chart="State writes per message",
            note=(
                f"the write floor wrote {floor_writes:.3f} states per message, at the rate ours "
                f"changed states while the stream settled ({calibrated:.3f}); its CPU above the "
                f"receive floor is scaled by {scale:.3f} to ours' {changed['ours']:.3f} state "
                "changes per message in the window."
            ),
        ),
        Row(
            name,
            "State changes per message",
            changed["core"],
            changed["ours"],
            floor=floor_writes,
        ),
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


def _sensor_floor_note(write_floor: float, sensor_floor: float) -> str:
    """What the sensor platform adds to a write, against the in-HA target."""
    limit = HASS_LIMIT * write_floor
    verdict = "above" if sensor_floor > limit else "within"
    return (
        f"the same writes cost {sensor_floor:.2f} s per 10,000 messages when the entities are "
        f"plain sensors (a device class, unit and state class, as ours' sensors have) instead "
        f"of {write_floor:.2f} s for plain entities: Home Assistant's sensor platform alone "
        f"puts them {verdict} the in-Home Assistant target of {HASS_LIMIT:g} × the write floor "
        f"({limit:.2f} s), before any integration code runs."
    )


def _reach_note(cpu: dict[str, float], receive_floor: float, write_floor: float) -> str:
    """How far the floors let the total go, against the target on core's total."""
    core = cpu["core"]
    best = (receive_floor + write_floor) / core
    at_limits = (CLIENT_LIMIT * receive_floor + HASS_LIMIT * write_floor) / core
    return (
        f"the floors add up to {receive_floor + write_floor:.2f} s per 10,000 messages "
        f"({best:.2f} of core's total): no client can go below that. At the limits of the two "
        f"floor targets ({CLIENT_LIMIT:g} × receive floor + {HASS_LIMIT:g} × write floor) the "
        f"total would be {at_limits:.2f} of core's, "
        + (
            f"within the target of {TOTAL_LIMIT:g}."
            if at_limits <= TOTAL_LIMIT
            else f"above the target of {TOTAL_LIMIT:g}: meeting both floor targets is not enough."
        )
    )


# 2. Set-up.


async def setup(bench: Bench, plan: Plan, running: dict[str, Worker]) -> Outcome:
    """Time from adding the entry until every entity has a state; flavours take turns."""
    sizes = plan.setup_sizes
    fleets = {n: bench.fleet(f"setup{n}", FLAVORS, n, charging=True) for n in sizes}
    times: dict[tuple[str, int], list[float]] = {(f, n): [] for f in FLAVORS for n in sizes}
    cpu: dict[tuple[str, int], list[float]] = {(f, n): [] for f in FLAVORS for n in sizes}
    reloads: dict[str, list[float]] = {f: [] for f in FLAVORS}
    registered: dict[tuple[str, int], int] = {}
    enabled: dict[tuple[str, int], int] = {}
    largest, smallest = max(sizes), min(sizes)
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
                registered[flavor, n] = int(result["entities"])
                enabled[flavor, n] = int(result["enabled"])
                times[flavor, n].append(result["setup_s"])
                cpu[flavor, n].append(result["setup_cpu_s"])
                if n == largest and repeat == 0:
                    reload = await worker.request({"cmd": "reload"}, SESSION_TIMEOUT)
                    reloads[flavor].append(reload["setup_s"])
                await _end(worker)
    name = f"Set-up: config entry until every entity has a state (median of {plan.setup_repeats})"
    steps = largest - smallest

    def per_charge_point(counts: dict[tuple[str, int], int], flavor: str) -> float:
        return (counts[flavor, largest] - counts[flavor, smallest]) / steps

    per_entity = {f: 1e6 * median(times[f, largest]) / registered[f, largest] for f in FLAVORS}
    rows = [
        Row(
            name,
            f"Set-up time, {n} charge point{'s' if n > 1 else ''} (s)",
            median(times["core", n]),
            median(times["ours", n]),
            decimals=3,
            chart=f"Set-up, {n} CPs" if n == largest else "",
        )
        for n in sizes
    ]
    rows.append(
        Row(
            name,
            f"Set-up time per registered entity, {largest} charge points (µs)",
            per_entity["core"],
            per_entity["ours"],
            decimals=1,
            target=not_more_than_core(),
            chart="Set-up per entity",
        )
    )
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
            registered["core", largest],
            registered["ours", largest],
            0,
            note=(
                f"core registers {registered['core', largest]:,} entities "
                f"({enabled['core', largest]:,} enabled), ours {registered['ours', largest]:,} "
                f"({enabled['ours', largest]:,} enabled). Most of a set-up is Home Assistant's "
                "own work per entity (entity and device registry, first state write), so its "
                "time follows these counts."
            ),
        )
    )
    rows.extend(
        Row(
            name,
            f"{label} entities per charge point ({smallest} → {largest} charge points)",
            per_charge_point(counts, "core"),
            per_charge_point(counts, "ours"),
            1,
        )
        for label, counts in (("Registered", registered), ("Enabled", enabled))
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
    return Outcome(rows)


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


async def requests(bench: Bench, plan: Plan, running: dict[str, Worker]) -> Outcome:
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
    return Outcome(
        [
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
    )


# 4. Memory.


async def memory(bench: Bench, plan: Plan, running: dict[str, Worker]) -> Outcome:
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
    return Outcome(
        [
            Row(
                name,
                "Memory per charge point (KiB)",
                per_cp["core"],
                per_cp["ours"],
                1,
                chart="Memory per CP",
            ),
            Row(
                name,
                f"Memory left by set-up, {n} charge points (MiB)",
                total["core"],
                total["ours"],
            ),
        ]
    )


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


async def scale(bench: Bench, plan: Plan, running: dict[str, Worker]) -> Outcome:
    """N charge points at 1 Hz each for a minute, one flavour at a time."""
    # One flavour at a time: the other's worker waits idle, with no Home Assistant yet.
    runs = {flavor: await _scale_one(bench, plan, running[flavor]) for flavor in FLAVORS}
    core, ours = runs["core"], runs["ours"]
    name = (
        f"Scale: {plan.scale_charge_points} charge points at 1 message/s each "
        f"for {plan.scale_seconds:g} s"
    )
    cap = MAX_ENABLED_ENTITIES_PER_CONFIG_ENTRY
    return Outcome(
        [
            Row(
                name,
                f"Enabled entities (Home Assistant adds at most {cap:,} per entry)",
                core.enabled,
                ours.enabled,
                0,
                target=ours_below(cap, f"< {cap:,} (under the cap)"),
            ),
            Row(
                name,
                "Charge points whose energy sensor Home Assistant added",
                core.marked,
                ours.marked,
                0,
                target=Target(
                    "all charge points",
                    lambda _core, ours, _floor: ours >= plan.scale_charge_points,
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
                name,
                "Simulator behind schedule, p99 (ms)",
                core.lag_p99 * 1000,
                ours.lag_p99 * 1000,
                1,
            ),
            Row(
                name,
                "CH_STATUS frames that reached a state (%)",
                core.shown_percent,
                ours.shown_percent,
                1,
            ),
        ]
    )


SCENARIOS: dict[str, Scenario] = {
    "steady": steady,
    "setup": setup,
    "requests": requests,
    "memory": memory,
    "scale": scale,
}
