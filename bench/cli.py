"""`python -m bench`: run the scenarios, print the table, write bench/README.md and the chart."""

from __future__ import annotations

import argparse
import asyncio
from dataclasses import replace
import os
from pathlib import Path
import shlex
import sys
import tempfile
import time

from . import floor, report
from .channel import FLAVORS
from .harness import ROOT, Bench, workers
from .results import Outcome
from .scenarios import DAY_DROPS, FULL, SCENARIOS, SMOKE, Plan

BENCH_DIR = ROOT / "bench"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description="Benchmark our blue_current next to Home Assistant's own.",
    )
    parser.add_argument(
        "--smoke", action="store_true", help="tiny sizes: proves the harness works in seconds"
    )
    parser.add_argument(
        "--only",
        default="",
        help=f"comma-separated scenarios to run ({', '.join(SCENARIOS)}); default all",
    )
    parser.add_argument(
        "--speed",
        type=float,
        default=None,
        help="replay speed of the steady 1 Hz stream (default 4, smoke 10)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="where README.md and the chart go (default bench/ for a full run of everything; "
        "otherwise nothing is written unless given)",
    )
    return parser


NOTES = """\
- **Each flavour in its own Home Assistant process.** Both integrations have the domain
  `blue_current`, so each runs in its own Home Assistant core (`python -m bench.worker
  core|ours`; event loop made by Home Assistant's runner, registries on a temporary config
  dir, `homeassistant` and `persistent_notification` set up). The `core` worker turns custom
  integrations off, so `blue_current` is Home Assistant's own, with `bluecurrent-api` pointed
  at the simulator by setting `bluecurrent_api.websocket.URL`. Ours gets the simulator's URL in
  its entry data (`server_url`). The integrations' modules are imported before anything is
  timed.
- **One simulator.** The orchestrator runs the simulated Blue Current cloud (`simulator/`) on
  127.0.0.1 in its own process; each flavour has its own account, built alike. The same frame
  text goes to both, in alternating order; its send time is the wall clock just before the
  simulator writes it to the socket.
- **Steady push.** {plan.steady_charge_points} charging charge points each send CH_STATUS at 1 Hz
  and the grid sends GRID_CURRENT at 1 Hz, both integrations side by side. Each CH_STATUS raises
  the session energy by 1-9 Wh and, by chance, also changes the session cost, one phase current
  or one phase voltage (1-3 fields); the simulator derives the averages and the power as the
  cloud does. To fit the run in 10 minutes the stream is replayed {plan.steady_speed:g}× faster
  than real time (each source at {plan.steady_speed:g} Hz). After {plan.settle:g} s of stream
  (the registries' delayed saves happen in it) a window opens for {plan.steady_messages:,}
  messages and closes {plan.drain:g} s after the last. CPU is `time.process_time()` of the
  process (all its threads) over the window. State writes are `state_changed` plus
  `state_reported` events (every `async_write_ha_state` that reaches the state machine); state
  changes are `state_changed` only. Latency runs from the simulator's send to the moment Home
  Assistant fired the `state_changed` of the energy sensor with the new value.
- **Six processes take the steady stream at once**, each on its own account of the same
  simulator, all getting the same frame text: core and ours in Home Assistant; each flavour's
  client library alone, without Home Assistant (core's `bluecurrent-api` `Client` with a
  receiver that does nothing, our `BlueCurrentClient` with a listener that does nothing; both
  parse every frame as they would in Home Assistant); and the two floors (`bench/floor.py`).
  "In Home Assistant" is the total minus the client alone, per flavour.
- **Receive floor.** The cheapest client that reads the same stream: one aiohttp websocket that
  logs in as the account's main connection (token check, `HELLO`) and then decodes each frame
  with `orjson.loads` (the decoder Home Assistant's `json_loads` uses) and drops it. Its own
  process, no Home Assistant.
- **Write floor.** The same receiver inside a Home Assistant process (started like the others),
  with {floor_entities} plain entities (an `Entity` with a name, a unique id and a state, added
  through an `EntityComponent`). Per frame it writes, round robin, as many of them with a new
  value as ours changes states per message: a running fraction carries to the next frame.
  That rate is ours' `state_changed` count per message over the last {plan.calibrate:g} s of
  the settling stream, measured in the same run just before the window; nothing else runs.
  The write floor is its CPU minus the receive floor's, scaled by (ours' state changes per
  message in the window) ÷ (its own writes per message in the window), a correction of a few
  per cent at most (the row "State writes per message" says by how much). The floor of the
  total is receive floor + write floor.
- **Profiled window.** After the measured window, {plan.profile_messages:,} more messages with
  cProfile on in ours and in the write floor; see "Where our time goes".
- **Write floor with plain sensors.** Then {plan.sensor_floor_messages:,} more messages in which the
  write floor writes, at the same rate, {floor_entities} plain sensors instead (a
  `SensorEntity` with a device class, unit and state class as ours' sensors have: energy,
  current, voltage, power and cost in turn), measured and scaled the same way. It shows what
  Home Assistant's sensor platform adds to every write, whoever makes it; ours' in-Home
  Assistant CPU is shown against it in its own row.
- **Set-up.** A fresh Home Assistant per measurement; the time from adding the entry until it
  is loaded, every enabled entity has a state, every charge point's `activity` sensor shows a
  value and so does the grid's average current. The flavours take turns; median of
  {plan.setup_repeats}, after one warm-up set-up per process; `gc.collect()` before each.
  Reload: the same entry unloaded and set up again, registries already filled.
- **Requests.** Frames the simulator received from each account (its request counter), with
  {plan.requests_charge_points} charge points: at set-up (the token check included), then per
  reconnect after the simulator cuts the connection (no close frame), {plan.requests_drops}
  times. A day: set-up + {day_drops} reconnects. Both integrations' reconnect delays are set to 0
  (core's `DELAY`, our back-off) so the day is compressed; requests only come from (re)connects
  here: nothing is charging, so our watchdog for silent charging charge points asks nothing.
- **Memory.** `tracemalloc` from just before adding the entry until it is ready, after
  `gc.collect()`: what the set-up leaves allocated (entities, states, registry entries, the
  integration's data). Per charge point: (with {plan.memory_charge_points} − with 1) /
  {memory_steps}.
- **Scale.** {plan.scale_charge_points} charging charge points, each sending CH_STATUS once a
  second (real time) for {plan.scale_seconds:g} s, one flavour at a time. CPU is the process's
  share of one core over the window. It keeps up when every frame reached a state, the median
  latency of the last {plan.scale_edge:g} s is less than 250 ms above that of the first
  {plan.scale_edge:g} s, and the simulator could send on schedule (p99 less than 250 ms late: a
  reader that stops reading fills the socket and holds the sender up).
"""


PROFILES = """\
## More profiles

`BENCH_PROFILE=DIR python -m bench --only steady` (or `--only setup`) makes every Home Assistant
worker also write a cProfile of each measurement window and each set-up into DIR
(`python -m pstats FILE`); those windows then cost more CPU than in a run without it.

- **Steady push, core.** `async_write_ha_state` of every entity of the charge point on every
  frame (one dispatcher signal per charge point), most of them writing an unchanged state,
  which Home Assistant turns into `state_reported` events.
- **Set-up.** For both, Home Assistant's own work per entity dominates
  (`EntityPlatform._async_add_entity`: entity registry `async_get_or_create`, the device
  registry lookup, the first state write); the integrations' own code is a small part, so a
  set-up's time follows the number of entities.
- **A sparse stream costs more per frame.** Each frame wakes the process on its own; the
  fewer frames per second, the colder the caches. The replay speed therefore changes the
  absolute CPU per message, for everyone alike (the floors show it too).
"""


def notes(plan: Plan) -> list[str]:
    """How each number is obtained, with this run's sizes."""
    text = NOTES.format(
        plan=plan,
        day_drops=DAY_DROPS,
        memory_steps=plan.memory_charge_points - 1,
        floor_entities=floor.ENTITIES,
    )
    return text.rstrip().splitlines()


async def _run(plan: Plan, names: list[str], log_dir: Path) -> Outcome:
    everything = Outcome([])
    async with Bench(log_dir) as bench, workers(FLAVORS, log_dir) as running:
        for name in names:
            started = time.monotonic()
            print(f"bench: {name} ...", file=sys.stderr, flush=True)
            outcome = await SCENARIOS[name](bench, plan, running)
            everything.rows.extend(outcome.rows)
            everything.profiles.extend(outcome.profiles)
            print(
                f"bench: {name} done in {time.monotonic() - started:.0f} s",
                file=sys.stderr,
                flush=True,
            )
    return everything


def main(argv: list[str] | None = None) -> int:
    """Run, print, write."""
    args = _parser().parse_args(argv)
    plan = SMOKE if args.smoke else FULL
    if args.speed is not None:
        plan = replace(plan, steady_speed=args.speed)
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(SCENARIOS)
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        print(f"unknown scenario(s): {', '.join(unknown)}", file=sys.stderr)
        return 2
    output = args.output
    if output is None and not args.smoke and names == list(SCENARIOS):
        output = BENCH_DIR
    command = shlex.join(["python", "-m", "bench", *(sys.argv[1:] if argv is None else argv)])
    load_before = os.getloadavg()[0]
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bench-logs-") as logs:
        outcome = asyncio.run(_run(plan, names, Path(logs)))
    rows = outcome.rows
    wall = time.monotonic() - started
    load_after = os.getloadavg()[0]
    print(report.table(rows))
    profiled = report.profiles_section(outcome.profiles)
    if profiled:
        print("\n" + "\n".join(profiled))
    print(f"\nwall time {wall:.0f} s", file=sys.stderr)
    if output is not None:
        text = report.readme(
            rows,
            machine=report.Machine.here(),
            command=command,
            wall_seconds=wall,
            load=(load_before, load_after),
            notes=[*notes(plan), "", *PROFILES.rstrip().splitlines()],
            profiles=outcome.profiles,
        )
        report.write(output, text, rows)
        print(f"wrote {output / 'README.md'} and {output / report.CHART}", file=sys.stderr)
    return 0
