"""The table (stdout and bench/README.md), the ratio chart, and the machine it ran on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
import importlib.util
import math
import os
from pathlib import Path
import platform
import time
import timeit

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, NullLocator
from ulid_transform import ulid_at_time

from .results import Row, WindowProfile

CHART = "ratios.png"


@dataclass(frozen=True, slots=True)
class Machine:
    """Where a run happened."""

    cpu: str
    cores: int
    memory_gib: float
    system: str
    python: str
    home_assistant: str
    bluecurrent_api: str
    pure_python: tuple[str, ...] = ()  # libraries running without their compiled part
    context_id_us: float = math.nan  # what one context id (ulid) costs here, in µs

    @classmethod
    def here(cls) -> Machine:
        """Describe this machine."""
        return cls(
            cpu=_cpu_model(),
            cores=os.cpu_count() or 0,
            memory_gib=_memory_gib(),
            system=platform.platform(),
            python=platform.python_version(),
            home_assistant=version("homeassistant"),
            bluecurrent_api=version("bluecurrent-api"),
            pure_python=tuple(
                library
                for library, compiled in _COMPILED_PARTS
                if importlib.util.find_spec(compiled) is None
            ),
            context_id_us=_context_id_us(),
        )


def _context_id_us() -> float:
    """µs per ulid_at_time(), the id Home Assistant makes for the context of each state write."""
    now = time.time()
    calls = 20_000
    return timeit.timeit(lambda: ulid_at_time(now), number=calls) * 1e6 / calls


# Libraries on the path of every message whose compiled part Home Assistant counts on.
_COMPILED_PARTS = (
    ("ulid-transform", "ulid_transform._ulid_impl"),
    ("aiohttp", "aiohttp._websocket.reader_c"),
    ("multidict", "multidict._multidict"),
    ("yarl", "yarl._quoting_c"),
    ("propcache", "propcache._helpers_c"),
    ("orjson", "orjson.orjson"),
)


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        pass
    return math.nan


def _number(value: float) -> str:
    return "" if math.isnan(value) else f"{value:.2f}"


def table(rows: Sequence[Row]) -> str:
    """A Markdown table: one section per scenario."""
    lines = [
        "| Metric | Core | Ours | Floor | Ours ÷ core | Ours ÷ floor | Target | Met |",
        "|---|---:|---:|---:|---:|---:|---|:---:|",
    ]
    scenario = None
    for row in rows:
        if row.scenario != scenario:
            scenario = row.scenario
            lines.append(f"| **{scenario}** | | | | | | | |")
        met = {None: "", True: "yes", False: "**no**"}[row.met]
        target = row.target.text if row.target else ""
        floor = "" if math.isnan(row.floor) else row.shown(row.floor)
        lines.append(
            f"| {row.metric} | {row.shown(row.core)} | {row.shown(row.ours)} | {floor} "
            f"| {_number(row.ratio)} | {_number(row.floor_ratio)} | {target} | {met} |"
        )
    return "\n".join(lines)


def _targets(rows: Sequence[Row]) -> list[str]:
    """One line per target: what it asks, what ours did, met or missed."""
    lines = []
    for row in rows:
        if row.target is None:
            continue
        verdict = {None: "not measured", True: "met", False: "**missed**"}[row.met]
        against = ""
        if row.target.floor_ratio is not None:
            against = f" ({_number(row.floor_ratio)} × the floor's {row.shown(row.floor)})"
        elif row.target.ratio is not None:
            against = f" ({_number(row.ratio)} of core's {row.shown(row.core)})"
        lines.append(
            f"- {row.name}: {row.target.text}. Ours {row.shown(row.ours)}{against}: {verdict}."
        )
    return ["Targets:", "", *lines, ""] if lines else []


def _findings(rows: Sequence[Row]) -> list[str]:
    notes = [f"- {row.metric}: {row.note}" for row in rows if row.note]
    return ["## Found in this run", "", *notes, ""] if notes else []


TOP_FUNCTIONS = 10  # of our own functions, in the README


def profiles_section(profiles: Sequence[WindowProfile]) -> list[str]:
    """Where the time of a profiled window goes, per group, and our costliest functions."""
    if not profiles:
        return []
    by_role = {p.role: p for p in profiles}
    ours = by_role.get("ours")
    roles = list(by_role)
    names = [_ROLE_NAMES.get(r, r) for r in roles]
    groups: dict[str, float] = {}
    for profile in profiles:
        for group, seconds in profile.groups.items():
            groups[group] = groups.get(group, 0.0) + seconds
    order = sorted(groups, key=lambda g: ours.groups.get(g, 0.0) if ours else 0.0, reverse=True)
    messages = profiles[0].messages
    header = " | ".join(f"{name} (µs per message) | share" for name in names)
    checks = "; ".join(
        f"{name}: {p.profiled_us:,.0f} µs per message with the profiler on, "
        f"{p.corrected_us:,.0f} once its cost ({p.bias_us:.1f} µs per call) is taken out, "
        f"{p.measured_us:,.0f} measured without it"
        for name, p in zip(names, profiles, strict=True)
    )
    lines = [
        "## Where our time goes: one profiled window",
        "",
        (
            f"After the measured window, {messages:,} more messages of the same stream with "
            f"cProfile on in {' and in '.join(names)}, timed with the process's CPU clock "
            "(waiting, and other processes' turns on the CPU, cost nothing). The profiler's "
            "own cost per call is measured just before and taken out of every function's "
            "time; a built-in (C) function's time is charged to the Python function that "
            "called it. Each share of what is left is shown as CPU per message at the "
            f"measured window's cost (the table's CPU row, without the profiler). Check "
            f"({checks}): the closer the middle number is to the last, the better the "
            "correction; read the numbers as where the time goes, not to the microsecond."
        ),
        "",
        f"| Where (by module) | {header} |",
        "|---|" + "---:|---:|" * len(roles),
    ]
    for group in order:
        if all(by_role[r].us(by_role[r].groups.get(group, 0.0)) < 0.05 for r in roles):
            continue
        cells = []
        for role in roles:
            profile = by_role[role]
            seconds = profile.groups.get(group, 0.0)
            cells.append(f"{profile.us(seconds):,.1f} | {profile.share(seconds):.0%}")
        lines.append(f"| {group} | {' | '.join(cells)} |")
    totals = " | ".join(f"{by_role[r].measured_us:,.1f} | 100%" for r in roles)
    lines.append(f"| **total** | {totals} |")
    lines += _reading(ours, by_role.get("floor"))
    if ours is not None and ours.functions:
        lines += [
            "",
            (
                f"Top {TOP_FUNCTIONS} of our own functions (`custom_components.blue_current.*`) "
                "by own time: the function's own code plus the built-ins it calls, not the "
                "Python functions it calls (those are in the last column)."
            ),
            "",
            (
                "| # | Function | Where | Calls per message | Own (µs per message) "
                "| With callees (µs per message) |"
            ),
            "|---:|---|---|---:|---:|---:|",
        ]
        for number, function in enumerate(ours.functions[:TOP_FUNCTIONS], start=1):
            name = function.name.removeprefix("custom_components.blue_current.")
            lines.append(
                f"| {number} | `{name}` | {function.where} "
                f"| {function.calls / max(1, ours.messages):.2f} "
                f"| {ours.us(function.own_s):.1f} "
                f"| {ours.us(function.cum_s):.1f} |"
            )
    lines.append("")
    return lines


_WRITE_PATH = (  # Home Assistant's work for any state write, plain entity or not
    "HA: Entity state write (helpers/entity.py)",
    "HA: state machine and event bus (core.py)",
    "HA: context ids (ulid-transform)",
)


def _reading(ours: WindowProfile | None, floor: WindowProfile | None) -> list[str]:
    """The profile table in a sentence: our own code, and Home Assistant's part of the writes."""
    if ours is None:
        return []

    def us(profile: WindowProfile, *names: str) -> float:
        return sum(profile.us(profile.groups.get(name, 0.0)) for name in names)

    client = us(ours, "ours: client library (api/)")
    integration = us(ours, "ours: integration (Home Assistant side)")
    text = (
        f"Our own code takes {client + integration:,.0f} µs per message: {client:,.0f} in the "
        f"client library, {integration:,.0f} on the Home Assistant side, plus "
        f"{us(ours, 'dataclasses (replace, generated methods)'):,.0f} in the dataclass "
        f"methods it calls and {us(ours, 'json (standard library)'):,.0f} in `json`. Home "
        f"Assistant's path of a state write (entity, state machine, context id) takes "
        f"{us(ours, *_WRITE_PATH):,.0f} µs per message in ours"
    )
    if floor is not None:
        text += f" and {us(floor, *_WRITE_PATH):,.0f} in the write floor"
    text += (
        "; the sensor platform's own state and unit handling (`SensorEntity.state`, "
        f"`unit_of_measurement`) adds {us(ours, 'HA: platform entity classes (components/*)'):,.0f}"
        " µs per message that plain entities do not pay."
    )
    return ["", text]


_ROLE_NAMES = {"ours": "ours", "floor": "write floor", "core": "core"}

_COLORS = {True: "#2e7d32", False: "#c62828", None: "#1565c0"}
_CORE_COLOR = "#9e9e9e"
_FLOOR_COLOR = "#37474f"


def chart(rows: Sequence[Row], path: Path) -> None:
    """Two panels: CPU per message of core, ours and the floor with the targets; then ours /
    core for the other charted metrics (log scale), targets marked."""
    absolute = [r for r in rows if r.chart and r.absolute]
    relative = [
        r for r in rows if r.chart and not r.absolute and not math.isnan(r.ratio) and r.ratio > 0
    ]
    heights = [max(1, len(absolute)) * 1.1 + 0.6, max(1, len(relative)) * 0.45 + 0.9]
    # A bare Figure draws with Agg and needs no GUI backend (no pyplot state).
    figure = Figure(figsize=(9, sum(heights) + 0.8))
    top, bottom = figure.subplots(2, 1, height_ratios=heights)
    _absolute_panel(top, absolute)
    _ratio_panel(bottom, relative)
    figure.suptitle("blue_current: ours next to Home Assistant's own and the floor")
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def _absolute_panel(axes: Axes, rows: Sequence[Row]) -> None:
    if not rows:
        axes.set_axis_off()
        return
    width = 0.26
    for index, row in enumerate(rows):
        bars = (
            (index - width, row.core, _CORE_COLOR, ""),
            (index, row.ours, _COLORS[row.met], ""),
            (index + width, row.floor, _FLOOR_COLOR, f" {row.floor_label}"),
        )
        for position, value, color, label in bars:
            if math.isnan(value):
                continue
            axes.barh(position, value, height=width * 0.9, color=color)
            axes.annotate(
                f"{value:.2f}{label}",
                (value, position),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=7,
            )
        goal = _goal(row)
        if goal is not None:
            axes.plot([goal, goal], [index - 0.45, index + 0.45], color="black", linewidth=1.5)
            axes.annotate(
                row.target.text if row.target else "",
                (goal, index - 0.45),
                xytext=(3, -1),
                textcoords="offset points",
                va="top",
                fontsize=7,
            )
    axes.set_yticks(range(len(rows)), [r.chart for r in rows])
    axes.invert_yaxis()
    high = max(
        v for r in rows for v in (r.core, r.ours, r.floor, _goal(r) or 0) if not math.isnan(v)
    )
    axes.set_xlim(0, high * 1.2)
    axes.set_xlabel("CPU seconds per 10,000 messages")
    axes.set_title("Steady push: core, ours and the floor", fontsize=10)
    axes.legend(
        handles=[
            Patch(color=_CORE_COLOR, label="core"),
            Patch(color=_COLORS[True], label="ours, target met"),
            Patch(color=_COLORS[False], label="ours, target missed"),
            Patch(color=_FLOOR_COLOR, label="floor"),
            Line2D([], [], color="black", label="target"),
        ],
        loc="lower right",
        fontsize=7,
    )


def _goal(row: Row) -> float | None:
    """The value ours must stay under, when the target is a ratio to core or to the floor."""
    target = row.target
    if target is None:
        return None
    if target.ratio is not None and not math.isnan(row.core):
        return target.ratio * row.core
    if target.floor_ratio is not None and not math.isnan(row.floor):
        return target.floor_ratio * row.floor
    return None


def _ratio_panel(axes: Axes, charted: Sequence[Row]) -> None:
    if not charted:
        axes.set_axis_off()
        return
    positions = list(range(len(charted)))
    axes.barh(positions, [r.ratio for r in charted], color=[_COLORS[r.met] for r in charted])
    axes.set_yticks(positions, [r.chart for r in charted])
    axes.invert_yaxis()
    axes.set_xscale("log")
    ticks = [0.1, 0.2, 1 / 3, 0.5, 1.0, 2.0, 5.0]
    low = min(0.1, *(r.ratio * 0.8 for r in charted))
    high = max(2.0, *(r.ratio * 1.3 for r in charted))
    axes.set_xlim(low, high)
    axes.xaxis.set_major_locator(FixedLocator([t for t in ticks if low <= t <= high]))
    axes.xaxis.set_minor_locator(NullLocator())
    axes.xaxis.set_major_formatter(lambda value, _pos: f"{value:.2g}")
    axes.axvline(1.0, color="black", linewidth=1)
    for position, row in zip(positions, charted, strict=True):
        axes.annotate(
            f"{row.ratio:.2f}",
            (row.ratio, position),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            fontsize=8,
        )
        if row.target is not None and row.target.ratio is not None:
            axes.plot([row.target.ratio] * 2, [position - 0.4, position + 0.4], color="black")
    axes.legend(
        handles=[
            Patch(color=_COLORS[True], label="target met"),
            Patch(color=_COLORS[False], label="target missed"),
            Patch(color=_COLORS[None], label="no target"),
            Line2D([], [], color="black", label="target ratio"),
        ],
        loc="lower right",
        fontsize=7,
    )
    axes.set_xlabel("ours / core (log scale; below 1 = ours is cheaper)")
    axes.set_title("Ours next to core", fontsize=10)


def readme(
    rows: Sequence[Row],
    *,
    machine: Machine,
    command: str,
    wall_seconds: float,
    load: tuple[float, float],
    notes: Sequence[str],
    profiles: Sequence[WindowProfile] = (),
) -> str:
    """bench/README.md."""
    missed = [r for r in rows if r.met is False]
    met = [r for r in rows if r.met is True]
    summary = f"{len(met)} of {len(met) + len(missed)} targets met."
    if missed:
        names = "; ".join(f"{r.name} ({r.target.text})" for r in missed if r.target)
        summary += f" Missed: {names}."
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmarks: our `blue_current` next to Home Assistant's, and the floor",
        "",
        "Generated by the benchmark harness (`bench/`); do not edit by hand. Reproduce with:",
        "",
        "```",
        command,
        "```",
        "",
        (
            "`scripts/bench` does the same after `scripts/setup`; `python -m bench --smoke` runs "
            "every scenario at tiny sizes in seconds (the test suite does, in `tests/bench`)."
        ),
        "",
        f"Run {when}, {wall_seconds / 60:.1f} minutes wall time. {summary}",
        "",
        *_targets(rows),
        table(rows),
        "",
        f"![core, ours and the floor per metric]({CHART})",
        "",
        *_findings(rows),
        *profiles_section(profiles),
        "## Machine",
        "",
        f"- CPU: {machine.cpu}, {machine.cores} cores; memory {machine.memory_gib:.1f} GiB",
        f"- System: {machine.system}; Python {machine.python}",
        f"- Home Assistant {machine.home_assistant}; bluecurrent-api {machine.bluecurrent_api}",
        *_pure_python(machine, rows),
        (
            f"- Load average (1 min) {load[0]:.2f} before the run, {load[1]:.2f} after it. "
            "Other processes (other developers' test runs) may have shared the CPU during the "
            "run, so absolute numbers can be higher than on an idle machine; the ratios compare "
            "the two integrations under the same conditions."
        ),
        "",
        "## How it is measured",
        "",
        *notes,
        "",
    ]
    return "\n".join(lines)


def _pure_python(machine: Machine, rows: Sequence[Row]) -> list[str]:
    if not machine.pure_python:
        return []
    names = ", ".join(machine.pure_python)
    text = (
        f"- Running without their compiled part here: {names}. Home Assistant's own "
        "installs ship it."
    )
    if "ulid-transform" in machine.pure_python:
        text += (
            f" Every state write makes a context id (a ULID), here in Python at "
            f"{machine.context_id_us:.1f} µs each (compiled: well under 1 µs)"
        )
        writes = next((r for r in rows if r.metric == "State writes per message"), None)
        if writes is not None:
            core, ours = (
                writes.core * machine.context_id_us / 100,
                writes.ours * machine.context_id_us / 100,
            )
            text += (
                f": about {core:.2f} s of core's CPU per 10,000 messages ({writes.core:.2f} "
                f"writes per message) and {ours:.2f} s of ours' ({writes.ours:.2f}). With the "
                "compiled part core's total would be lower by about that much, and ours' "
                "ratio to it higher"
            )
        text += "."
    return [text]


def write(directory: Path, text: str, rows: Sequence[Row]) -> None:
    """README.md and the chart into a directory."""
    directory.mkdir(parents=True, exist_ok=True)
    chart(rows, directory / CHART)
    (directory / "README.md").write_text(text, encoding="utf-8")
