"""The pieces of the report that are plain arithmetic: the profile's reduction and the floor's
write rate. The smoke run proves they work together; these pin down what they compute."""

from __future__ import annotations

import asyncio.base_events
from pathlib import Path

import pytest

from bench.floor import PlainEntity, Writer
from bench.profiling import Bias, summarize

SOURCE = """\
class Parser:
    @staticmethod
    def number(raw, key):
        return raw.get(key)

    def status(self, data):
        return sorted(k for k in data if k)
"""


@pytest.fixture
def ours_file(tmp_path: Path) -> str:
    """A module of ours, by path: custom_components/blue_current/api/parse.py."""
    path = tmp_path / "custom_components" / "blue_current" / "api" / "parse.py"
    path.parent.mkdir(parents=True)
    path.write_text(SOURCE, encoding="utf-8")
    return str(path)


def test_builtins_go_to_their_callers_and_waiting_is_left_out(ours_file: str) -> None:
    number = (ours_file, 2, "number")  # first line: the decorator's
    genexpr = (ours_file, 7, "<genexpr>")
    run_once = (asyncio.base_events.__file__, 1984, "_run_once")
    poll = ("~", 0, "<method 'poll' of 'select.epoll' objects>")
    get = ("~", 0, "<method 'get' of 'dict' objects>")
    stats = {
        number: (10, 10, 0.002, 0.003, {run_once: (10, 10, 0.002, 0.003)}),
        get: (10, 10, 0.001, 0.001, {number: (10, 10, 0.001, 0.001)}),
        genexpr: (30, 30, 0.0005, 0.0005, {run_once: (30, 30, 0.0005, 0.0005)}),
        run_once: (5, 5, 0.004, 5.0, {}),
        poll: (5, 5, 4.0, 4.0, {run_once: (5, 5, 4.0, 4.0)}),
    }

    summary = summarize(stats)

    assert summary["total_s"] == pytest.approx(0.0075)  # the poll's 4 s of waiting are not work
    assert summary["groups"]["ours: client library (api/)"] == pytest.approx(0.0035)
    assert summary["groups"]["event loop (asyncio, selectors)"] == pytest.approx(0.004)
    first, second = summary["functions"]
    assert first["name"] == "custom_components.blue_current.api.parse.Parser.number"
    assert first["own_s"] == pytest.approx(0.003)  # its own time and the dict.get it called
    assert first["cum_s"] == pytest.approx(0.003)
    assert first["calls"] == 10
    assert first["where"] == "custom_components/blue_current/api/parse.py:2"
    assert second["name"].endswith(".parse.Parser.status.<locals>.<genexpr>")


def test_the_profilers_own_cost_is_taken_out_per_call_and_per_call_made(ours_file: str) -> None:
    number = (ours_file, 3, "number")  # first line: the def's
    get = ("~", 0, "<method 'get' of 'dict' objects>")
    stats = {
        number: (10, 10, 0.002, 0.003, {}),
        get: (10, 10, 0.001, 0.001, {number: (10, 10, 0.001, 0.001)}),
    }

    summary = summarize(stats, Bias(callee=1e-5, caller=2e-5))

    assert summary["raw_total_s"] == pytest.approx(0.003)
    # number: 2 ms - 10 calls x 10 µs - 10 calls made x 20 µs; dict.get: 1 ms - 10 x 10 µs.
    assert summary["total_s"] == pytest.approx(0.0017 + 0.0009)
    [function] = summary["functions"]
    assert function["own_s"] == pytest.approx(0.0026)
    # With callees: 3 ms less, per call, 10 µs for itself and 20 + 10 µs per dict.get.
    assert function["cum_s"] == pytest.approx(0.003 - 10 * 4e-5)


class Recorder(PlainEntity):
    """A plain entity that notes its new values instead of writing them."""

    def __init__(self, number: int) -> None:
        super().__init__(number)
        self.shown: list[int] = []

    def show(self, value: int) -> None:
        self.shown.append(value)


def test_the_write_floor_writes_the_rate_it_is_given_round_robin() -> None:
    entities = [Recorder(n) for n in range(3)]
    writer = Writer(entities)
    writer.on_frame()
    assert writer.writes == 0  # no rate yet: no writes

    writer.per_message = 2.5
    per_frame = []
    for _ in range(4):
        before = writer.writes
        writer.on_frame()
        per_frame.append(writer.writes - before)

    assert per_frame == [2, 3, 2, 3]  # the fraction carries to the next frame
    assert [e.shown for e in entities] == [[1, 4, 7, 10], [2, 5, 8], [3, 6, 9]]
