"""The table (stdout and bench/README.md), the ratio chart, and the machine it ran on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
import math
import os
from pathlib import Path
import platform

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, NullLocator

from .results import Row

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


def table(rows: Sequence[Row]) -> str:
    """A Markdown table: one section per scenario."""
    lines = [
        "| Metric | Core | Ours | Ratio (ours/core) | Target | Met |",
        "|---|---:|---:|---:|---|:---:|",
    ]
    scenario = None
    for row in rows:
        if row.scenario != scenario:
            scenario = row.scenario
            lines.append(f"| **{scenario}** | | | | | |")
        ratio = "" if math.isnan(row.ratio) else f"{row.ratio:.2f}"
        met = {None: "", True: "yes", False: "**no**"}[row.met]
        target = row.target.text if row.target else ""
        lines.append(
            f"| {row.metric} | {row.shown(row.core)} | {row.shown(row.ours)} | {ratio} "
            f"| {target} | {met} |"
        )
    return "\n".join(lines)


def _findings(rows: Sequence[Row]) -> list[str]:
    notes = [f"- {row.metric}: {row.note}" for row in rows if row.note]
    return ["## Found in this run", "", *notes, ""] if notes else []


def chart(rows: Sequence[Row], path: Path) -> None:
    """Horizontal bars of ours/core (log scale), 1 = as costly as core; targets marked."""
    charted = [r for r in rows if r.chart and not math.isnan(r.ratio) and r.ratio > 0]
    colors = {True: "#2e7d32", False: "#c62828", None: "#1565c0"}
    # A bare Figure draws with Agg and needs no GUI backend (no pyplot state).
    figure = Figure(figsize=(8.5, 0.45 * len(charted) + 1.8))
    axes = figure.subplots()
    positions = list(range(len(charted)))
    axes.barh(positions, [r.ratio for r in charted], color=[colors[r.met] for r in charted])
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
            Patch(color=colors[True], label="target met"),
            Patch(color=colors[False], label="target missed"),
            Patch(color=colors[None], label="no target"),
            Line2D([], [], color="black", label="target ratio"),
        ],
        loc="lower right",
        fontsize=8,
    )
    axes.set_xlabel("ours / core (log scale; below 1 = ours is cheaper)")
    axes.set_title("blue_current: ours next to Home Assistant's own")
    figure.tight_layout()
    figure.savefig(path, dpi=110)


def readme(
    rows: Sequence[Row],
    *,
    machine: Machine,
    command: str,
    wall_seconds: float,
    load: tuple[float, float],
    notes: Sequence[str],
) -> str:
    """bench/README.md."""
    missed = [r for r in rows if r.met is False]
    met = [r for r in rows if r.met is True]
    summary = f"{len(met)} of {len(met) + len(missed)} targets met."
    if missed:
        names = "; ".join(f"{r.metric} ({r.target.text})" for r in missed if r.target)
        summary += f" Missed: {names}."
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmarks: our `blue_current` next to Home Assistant's",
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
        table(rows),
        "",
        f"![ours / core per metric]({CHART})",
        "",
        *_findings(rows),
        "## Machine",
        "",
        f"- CPU: {machine.cpu}, {machine.cores} cores; memory {machine.memory_gib:.1f} GiB",
        f"- System: {machine.system}; Python {machine.python}",
        f"- Home Assistant {machine.home_assistant}; bluecurrent-api {machine.bluecurrent_api}",
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


def write(directory: Path, text: str, rows: Sequence[Row]) -> None:
    """README.md and the chart into a directory."""
    directory.mkdir(parents=True, exist_ok=True)
    chart(rows, directory / CHART)
    (directory / "README.md").write_text(text, encoding="utf-8")
