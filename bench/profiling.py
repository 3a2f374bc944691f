"""A cProfile of one window of the stream, reduced to what the report shows.

The profiler times with the process's CPU clock: waiting costs nothing, and neither do the
moments another process has the CPU (a wall clock would charge those to whatever function
was running, which on a busy machine is most of what it measures). Reading that clock costs
the profiler about a microsecond per call, which it books to the functions it times; that
cost is measured just before the window (`calibrate`) and taken out again, per call and per
call made, so functions called often do not look costlier than they are. The profiler sees
the calls of every thread on one call stack, so the harness keeps its own threads quiet in
the window. A built-in (C) function's time is charged to the Python function that called it,
so `json.loads`'s scanner counts for whoever decoded the frame.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
import cProfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path
import sys
import time
from typing import Any, cast

OURS = "custom_components.blue_current"

# Where a function's module belongs: the first prefix that matches names its group.
GROUPS: tuple[tuple[str, str], ...] = (
    (f"{OURS}.api", "ours: client library (api/)"),
    (OURS, "ours: integration (Home Assistant side)"),
    ("homeassistant.helpers.entity", "HA: Entity state write (helpers/entity.py)"),
    ("homeassistant.components", "HA: platform entity classes (components/*)"),
    ("homeassistant.core", "HA: state machine and event bus (core.py)"),
    ("homeassistant", "HA: other"),
    ("bluecurrent_api", "bluecurrent-api"),
    ("websockets", "websockets"),
    ("ulid_transform", "HA: context ids (ulid-transform)"),
    ("bench.floor", "floor: receiver and plain entities"),
    ("bench", "bench: harness"),
    ("aiohttp", "aiohttp (websocket reader)"),
    ("yarl", "aiohttp (websocket reader)"),
    ("multidict", "aiohttp (websocket reader)"),
    ("propcache", "aiohttp (websocket reader)"),
    ("asyncio", "event loop (asyncio, selectors)"),
    ("selectors", "event loop (asyncio, selectors)"),
    ("json", "json (standard library)"),
    ("dataclasses", "dataclasses (replace, generated methods)"),
)
GENERATED = "<string>"  # the file name of code made by exec(): dataclasses' __init__, __eq__
OTHER = "other"
IDLE = frozenset(  # built-ins that wait: their time is not work
    {
        "<method 'poll' of 'select.epoll' objects>",
        "<method 'poll' of 'select.poll' objects>",
        "<built-in method select.select>",
        "<method 'control' of 'select.kqueue' objects>",
        "<method 'acquire' of '_thread.lock' objects>",
        "<method 'acquire' of '_thread.RLock' objects>",
    }
)
TOP = 15  # our own functions sent back, most costly first
CALIBRATION_CALLS = 20_000
TIMER = time.process_time

type Key = tuple[str, int, str]  # cProfile's (file, first line, name)


@dataclass(frozen=True, slots=True)
class _Function:
    module: str
    name: str
    where: str
    calls: int
    own: float  # its own time plus the built-ins it called
    cumulative: float


def group_of(module: str) -> str:
    """The group a module's time counts for."""
    for prefix, label in GROUPS:
        if module == prefix or module.startswith(prefix + "."):
            return label
    return OTHER


@dataclass(frozen=True, slots=True)
class Bias:
    """What the profiler adds to the times it records, in seconds per call."""

    callee: float = 0.0  # to the called function's own time
    caller: float = 0.0  # to the calling function's own time, for each call it makes


def _calibration_empty() -> None:
    """Does nothing: what the profiler records for it is the profiler's own cost."""


def _calibration_loop(calls: int) -> None:
    for _ in range(calls):
        _calibration_empty()


def calibrate(calls: int = CALIBRATION_CALLS) -> Bias:
    """Measure the profiler's cost per call on this machine, now."""
    started = time.perf_counter()
    _calibration_loop(calls)
    bare = (time.perf_counter() - started) / calls  # a call and a loop step, unprofiled
    profiler = cProfile.Profile(TIMER)
    profiler.enable()
    _calibration_loop(calls)
    profiler.disable()
    profiler.create_stats()
    stats = cast("dict[Key, tuple[int, int, float, float, dict[Key, Any]]]", profiler.stats)
    callee = caller = 0.0
    for (_file, _line, name), (_cc, calls_made, own_time, _ct, _callers) in stats.items():
        if name == _calibration_empty.__name__:
            callee = own_time / max(1, calls_made)
        elif name == _calibration_loop.__name__:
            caller = own_time / calls
    return Bias(callee=max(0.0, callee - bare / 2), caller=max(0.0, caller - bare / 2))


class WindowProfile:
    """Profile the process from start() to stop()."""

    def __init__(self) -> None:
        """Not started."""
        self._profiler: cProfile.Profile | None = None
        self._bias = Bias()
        self._cpu = 0.0

    def start(self) -> None:
        """Measure the profiler's cost, then start profiling."""
        self._bias = calibrate()
        self._profiler = cProfile.Profile(TIMER)
        self._cpu = time.process_time()
        self._profiler.enable()

    def stop(self) -> dict[str, Any]:
        """Stop; the total, the time per group and our own costliest functions (seconds)."""
        profiler = self._profiler
        if profiler is None:
            raise RuntimeError("the profile was not started")
        profiler.disable()
        cpu = time.process_time() - self._cpu
        self._profiler = None
        profiler.create_stats()
        stats = cast("dict[Key, tuple[int, int, float, float, dict[Key, Any]]]", profiler.stats)
        bias = self._bias
        return {
            **summarize(stats, bias),
            "cpu_s": cpu,
            "bias_us": (bias.callee + bias.caller) * 1e6,
        }


type Stats = dict[Key, tuple[int, int, float, float, dict[Key, Any]]]


def summarize(stats: Stats, bias: Bias | None = None) -> dict[str, Any]:
    """Reduce cProfile's statistics (its `stats` dict) to groups and our own functions.

    Waiting is left out, from the total and from every caller's time ("with callees" of a
    function that waits would still hold the wait; none of ours waits). With a bias, the
    profiler's own cost is taken out of every time.
    """
    bias = bias or Bias()
    modules = _modules_by_file()
    made = _calls_made(stats)
    own: dict[Key, float] = {}
    groups: dict[str, float] = {}
    raw = 0.0
    for key, (_primitive, calls, own_time, _cumulative, callers) in stats.items():
        if key[2] in IDLE:
            continue
        raw += own_time
        corrected = max(0.0, own_time - calls * bias.callee - made.get(key, 0) * bias.caller)
        if key[0] != "~":
            own[key] = own.get(key, 0.0) + corrected
            continue
        # A built-in: its time goes to the Python functions that called it.
        for caller, (_cc, _nc, caller_time, _ct) in callers.items():
            part = corrected * caller_time / own_time if own_time > 0 else 0.0
            if caller[0] == "~":
                groups[OTHER] = groups.get(OTHER, 0.0) + part
            else:
                own[caller] = own.get(caller, 0.0) + part
        if not callers:
            groups[OTHER] = groups.get(OTHER, 0.0) + corrected
    overheads = _OverheadPerCall(stats, bias)
    functions: list[_Function] = []
    for key, seconds in own.items():
        module = "dataclasses" if key[0] == GENERATED else modules.get(key[0])
        module = module or _module_from_path(key[0])
        group = group_of(module)
        groups[group] = groups.get(group, 0.0) + seconds
        if group.startswith("ours"):
            calls, cumulative = stats[key][1], stats[key][3]
            functions.append(
                _Function(
                    module=module,
                    name=_qualname(key[0], key[1], key[2]),
                    where=f"{_relative(key[0])}:{key[1]}",
                    calls=calls,
                    own=seconds,
                    cumulative=max(seconds, cumulative - calls * overheads.of(key)),
                )
            )
    functions.sort(key=lambda f: f.own, reverse=True)
    return {
        "total_s": sum(groups.values()),
        "raw_total_s": raw,
        "groups": dict(sorted(groups.items(), key=lambda item: item[1], reverse=True)),
        "functions": [
            {
                "name": f"{f.module}.{f.name}",
                "where": f.where,
                "calls": f.calls,
                "own_s": f.own,
                "cum_s": f.cumulative,
            }
            for f in functions[:TOP]
        ],
    }


def _calls_made(stats: Stats) -> dict[Key, int]:
    """How many calls each function made to functions the profiler saw."""
    made: dict[Key, int] = {}
    for _cc, _nc, _tt, _ct, callers in stats.values():
        for caller, (_caller_cc, calls, _caller_tt, _caller_ct) in callers.items():
            made[caller] = made.get(caller, 0) + calls
    return made


class _OverheadPerCall:
    """The profiler's cost inside one call of a function, its callees' calls included.

    O(f) = callee bias + Σ over callees g of (calls of g per call of f) × (caller bias + O(g)),
    from the call graph's averages; a call back into a function still being worked out (a
    cycle) counts as a leaf.
    """

    def __init__(self, stats: Stats, bias: Bias) -> None:
        """Index the callees of every function."""
        self._stats = stats
        self._bias = bias
        self._callees: dict[Key, list[tuple[Key, int]]] = {}
        for key, (_cc, _nc, _tt, _ct, callers) in stats.items():
            for caller, (_caller_cc, calls, _caller_tt, _caller_ct) in callers.items():
                self._callees.setdefault(caller, []).append((key, calls))
        self._known: dict[Key, float] = {}
        self._open: set[Key] = set()

    def of(self, key: Key) -> float:
        """Seconds of profiler cost per call of `key`, everything below it included."""
        known = self._known.get(key)
        if known is not None:
            return known
        if key in self._open:
            return self._bias.callee
        self._open.add(key)
        calls = max(1, self._stats[key][1])
        total = self._bias.callee
        for callee, times in self._callees.get(key, ()):
            if callee[2] in IDLE:
                continue
            total += times / calls * (self._bias.caller + self.of(callee))
        self._open.discard(key)
        self._known[key] = total
        return total


def _modules_by_file() -> dict[str, str]:
    found: dict[str, str] = {}
    for name, module in list(sys.modules.items()):
        path = getattr(module, "__file__", None)
        if isinstance(path, str):
            found.setdefault(path, name)
    return found


def _module_from_path(path: str) -> str:
    """A dotted name for a file no loaded module claims (best effort)."""
    parts = Path(path).with_suffix("").parts
    for anchor in ("site-packages", "custom_components"):
        if anchor in parts:
            index = parts.index(anchor)
            tail = parts[index + 1 :] if anchor == "site-packages" else parts[index:]
            return ".".join(p for p in tail if p != "__init__")
    return OTHER


def _relative(path: str) -> str:
    parts = Path(path).parts
    for anchor in ("custom_components", "site-packages"):
        if anchor in parts:
            index = parts.index(anchor)
            start = index if anchor == "custom_components" else index + 1
            return "/".join(parts[start:])
    return path


def _qualname(path: str, line: int, name: str) -> str:
    """The function's qualified name (Class.method), from the source; its bare name otherwise.

    A generator expression or lambda is named inside the function that holds it.
    """
    functions = _functions(path)
    for first, _last, qualname in functions:
        if line == first:
            return qualname
    holders = [(first, qualname) for first, last, qualname in functions if first <= line <= last]
    if holders:
        return f"{max(holders)[1]}.<locals>.{name}"
    return name


@cache
def _functions(path: str) -> list[tuple[int, int, str]]:
    """(first line, last line, qualified name) of each function in a file; the first line is
    the def's and, again, the first decorator's."""
    try:
        tree = ast.parse(Path(path).read_text(encoding="utf-8"))
    except OSError, SyntaxError, ValueError:
        return []
    found: list[tuple[int, int, str]] = []
    _walk(tree.body, "", found)
    return found


def _walk(body: Iterable[ast.stmt], prefix: str, found: list[tuple[int, int, str]]) -> None:
    for node in body:
        if isinstance(node, ast.ClassDef):
            _walk(node.body, f"{prefix}{node.name}.", found)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            name = f"{prefix}{node.name}"
            last = node.end_lineno or node.lineno
            found.append((node.lineno, last, name))
            if node.decorator_list:
                found.append((node.decorator_list[0].lineno, last, name))
            _walk(node.body, f"{name}.<locals>.", found)
