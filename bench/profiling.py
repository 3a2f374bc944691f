"""A cProfile of one window of the stream, reduced to what the report shows.

cProfile's own clock is cheap (a custom one, such as the process's CPU clock, costs about a
microsecond per call and would make functions that are called often look far costlier than
they are), but it is a wall clock: the time spent waiting (in the selector's poll, or in
another thread's lock) is taken out. The profiler sees the calls of every thread (it is
process-wide) on one call stack, so the harness keeps its own threads quiet in the window.
A built-in (C) function's time is charged to the Python function that called it, so
`json.loads`'s scanner counts for whoever decoded the frame. The window's process CPU time is
measured as well, so the report can turn shares into CPU per message.
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


class WindowProfile:
    """Profile the event loop's thread from start() to stop()."""

    def __init__(self) -> None:
        """Not started."""
        self._profiler: cProfile.Profile | None = None
        self._cpu = 0.0

    def start(self) -> None:
        """Start profiling."""
        self._profiler = cProfile.Profile()
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
        return {**summarize(stats), "cpu_s": cpu}


def summarize(stats: dict[Key, tuple[int, int, float, float, dict[Key, Any]]]) -> dict[str, Any]:
    """Reduce cProfile's statistics (its `stats` dict) to groups and our own functions.

    Waiting is left out, from the total and from every caller's time ("with callees" of a
    function that waits still holds the wait; none of ours does).
    """
    modules = _modules_by_file()
    own: dict[Key, float] = {}
    groups: dict[str, float] = {}
    total = 0.0
    for key, (_primitive, _calls, own_time, _cumulative, callers) in stats.items():
        if key[2] in IDLE:
            continue
        total += own_time
        if key[0] != "~":
            own[key] = own.get(key, 0.0) + own_time
            continue
        # A built-in: its time goes to the Python functions that called it.
        charged = 0.0
        for caller, (_cc, _nc, caller_time, _ct) in callers.items():
            if caller[0] != "~":
                own[caller] = own.get(caller, 0.0) + caller_time
                charged += caller_time
        if own_time > charged:
            groups[OTHER] = groups.get(OTHER, 0.0) + own_time - charged
    functions: list[_Function] = []
    for key, seconds in own.items():
        module = "dataclasses" if key[0] == GENERATED else modules.get(key[0])
        module = module or _module_from_path(key[0])
        group = group_of(module)
        groups[group] = groups.get(group, 0.0) + seconds
        if group_of(module).startswith("ours"):
            calls, cumulative = stats[key][1], stats[key][3]
            functions.append(
                _Function(
                    module=module,
                    name=_qualname(key[0], key[1], key[2]),
                    where=f"{_relative(key[0])}:{key[1]}",
                    calls=calls,
                    own=seconds,
                    cumulative=cumulative,
                )
            )
    functions.sort(key=lambda f: f.own, reverse=True)
    return {
        "total_s": total,
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
