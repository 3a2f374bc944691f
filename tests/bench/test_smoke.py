"""A smoke run of the benchmark harness (`python -m bench --smoke`), so it cannot rot.

Every scenario runs at tiny sizes against the simulator, with both integrations in their own
Home Assistant processes; the table must hold a number for core and for ours on every row.
"""

from __future__ import annotations

import os
from pathlib import Path
import re
import subprocess
import sys

ROOT = Path(__file__).resolve().parents[2]
VALUE = re.compile(r"-?[\d,]+(\.\d+)?|yes|no")
SCENARIOS = ("Steady push", "Set-up", "Requests", "Memory", "Scale")


def _rows(readme: str) -> list[list[str]]:
    """The metric rows of the results table (not the header, not the scenario titles)."""
    lines = readme.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| Metric |"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        if not line.startswith("| **"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


SENSOR_FLOOR_ROW = "… in Home Assistant, against the same writes of plain sensors (s)"


def test_smoke_run_gives_numbers_for_both(tmp_path: Path) -> None:
    # Subprocesses must not start coverage of their own: only the tests count for coverage.
    env = {k: v for k, v in os.environ.items() if not k.startswith("COVERAGE_PROCESS_")}
    result = subprocess.run(
        [sys.executable, "-m", "bench", "--smoke", "--output", str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=100,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    assert "| Metric | Core | Ours | Floor |" in result.stdout

    readme = (tmp_path / "README.md").read_text(encoding="utf-8")
    for scenario in SCENARIOS:
        assert f"| **{scenario}" in readme, scenario
    rows = _rows(readme)
    assert len(rows) >= 20
    for metric, core, ours, *_ in rows:
        assert VALUE.fullmatch(core) or metric == SENSOR_FLOOR_ROW, (metric, core)
        assert VALUE.fullmatch(ours), (metric, ours)
    # Ours in Home Assistant against the same writes of plain sensors (core has no such row).
    [sensors] = [row for row in rows if row[0] == SENSOR_FLOOR_ROW]
    assert sensors[1] == "n/a"
    assert float(sensors[3]) > 0
    assert "the same writes cost" in readme
    # The three CPU rows of the steady push have a floor, and ours ÷ floor.
    floors = {row[0]: (row[3], row[5]) for row in rows if row[3]}
    cpu_rows = [metric for metric in floors if "CPU" in metric or "… of which" in metric]
    assert len(cpu_rows) == 3, floors
    for metric in cpu_rows:
        floor, ours_to_floor = floors[metric]
        assert float(floor) > 0, metric
        assert float(ours_to_floor) > 0, metric
    assert "≤ 1.3 × receive floor" in readme
    assert "≤ 1.3 × write floor" in readme
    assert "≤ 0.5 of core" in readme
    # The profiled window names our own functions.
    profiled = readme.split("## Where our time goes", 1)[1].split("## Machine", 1)[0]
    assert "| ours: client library (api/) |" in profiled
    assert "custom_components/blue_current/" in profiled
    assert "python -m bench --smoke" in readme
    assert (tmp_path / "ratios.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
