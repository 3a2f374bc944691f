"""Rows of the report: a metric measured for core, ours and (where there is one) the floor,
the target it may have, and the profile of one window."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
import math
from typing import Any


@dataclass(frozen=True, slots=True)
class Target:
    """What ours must achieve, against core, against the floor, or on its own."""

    text: str
    met: Callable[[float, float, float], bool]  # (core, ours, floor) -> met
    ratio: float | None = None  # the ours/core ratio to stay under, when that is the target
    floor_ratio: float | None = None  # the ours/floor ratio to stay under, when that is it


def ratio_at_most(limit: float, text: str) -> Target:
    """ours / core <= limit."""
    return Target(text, lambda core, ours, _floor: core > 0 and ours / core <= limit, limit)


def floor_ratio_at_most(limit: float, text: str) -> Target:
    """ours / floor <= limit."""
    return Target(
        text,
        lambda _core, ours, floor: floor > 0 and ours / floor <= limit,
        floor_ratio=limit,
    )


def not_more_than_core(text: str = "≤ core") -> Target:
    """ours <= core."""
    return Target(text, lambda core, ours, _floor: ours <= core, 1.0)


def ours_below(limit: float, text: str) -> Target:
    """ours < limit, whatever core does."""
    return Target(text, lambda _core, ours, _floor: ours < limit)


def ours_equal(value: float, text: str) -> Target:
    """ours == value (to a part in a million: both come from the same counts)."""
    return Target(text, lambda _core, ours, _floor: math.isclose(ours, value, rel_tol=1e-6))


def ours_true(text: str) -> Target:
    """A yes/no metric that must be yes for ours."""
    return Target(text, lambda _core, ours, _floor: ours >= 1)


@dataclass(frozen=True, slots=True)
class Row:
    """One metric: core, ours and the floor (NaN where there is no floor)."""

    scenario: str
    metric: str
    core: float
    ours: float
    decimals: int = 2
    floor: float = math.nan
    yes_no: bool = False
    target: Target | None = None
    chart: str = ""  # label in the chart; empty = not charted
    absolute: bool = False  # charted as core / ours / floor values, not as ours / core
    floor_label: str = ""  # which floor, in the chart
    short: str = ""  # the metric's name in the list of targets, when not `metric`

    @property
    def name(self) -> str:
        """The metric's name on its own (the table's may lean on the row above)."""
        return self.short or self.metric

    note: str = ""  # something this run found that the number alone does not say

    @property
    def ratio(self) -> float:
        """ours / core (NaN when it means nothing)."""
        return _ratio(self.ours, self.core, yes_no=self.yes_no)

    @property
    def floor_ratio(self) -> float:
        """ours / floor (NaN without a floor)."""
        return _ratio(self.ours, self.floor, yes_no=self.yes_no)

    @property
    def met(self) -> bool | None:
        """Whether the target is met; None without a target or without numbers."""
        if self.target is None or math.isnan(self.ours):
            return None
        needs_core = self.target.ratio is not None
        needs_floor = self.target.floor_ratio is not None
        if (needs_core and math.isnan(self.core)) or (needs_floor and math.isnan(self.floor)):
            return None
        return self.target.met(self.core, self.ours, self.floor)

    def shown(self, value: float) -> str:
        """A value as the table shows it."""
        if math.isnan(value):
            return "n/a"
        if self.yes_no:
            return "yes" if value >= 1 else "no"
        return f"{value:,.{self.decimals}f}"


def _ratio(value: float, base: float, *, yes_no: bool) -> float:
    if yes_no or not base or math.isnan(base) or math.isnan(value):
        return math.nan
    return value / base


@dataclass(frozen=True, slots=True)
class ProfiledFunction:
    """One of our own functions in a profiled window."""

    name: str  # module.Class.function
    where: str  # file:line inside custom_components/
    calls: int
    own_s: float  # its own time plus the built-ins it called
    cum_s: float  # with everything it called


@dataclass(frozen=True, slots=True)
class WindowProfile:
    """cProfile of one window of the stream in one process (see bench.profiling).

    Profiled times are shares of the profile's total; `measured_us` (the process's CPU per
    message in the measured window, without the profiler) turns them into CPU per message.
    """

    role: str
    messages: int
    total_s: float  # profiled time, waiting and the profiler's own cost left out
    raw_total_s: float  # profiled time as recorded, waiting left out
    bias_us: float  # the profiler's own cost per call, taken out of total_s
    cpu_s: float  # the process's CPU time in the profiled window (profiler on)
    measured_us: float  # the process's CPU per message in the measured window (profiler off)
    groups: dict[str, float]  # profiled seconds per group of modules
    functions: list[ProfiledFunction]

    @classmethod
    def from_reply(
        cls, role: str, messages: int, measured_us: float, reply: dict[str, Any]
    ) -> WindowProfile:
        """What a worker's profile command said."""
        return cls(
            role=role,
            messages=messages,
            total_s=float(reply["total_s"]),
            raw_total_s=float(reply["raw_total_s"]),
            bias_us=float(reply["bias_us"]),
            cpu_s=float(reply["cpu_s"]),
            measured_us=measured_us,
            groups={str(k): float(v) for k, v in reply["groups"].items()},
            functions=[ProfiledFunction(**f) for f in reply["functions"]],
        )

    def share(self, seconds: float) -> float:
        """A profiled time as a share of the profile's total."""
        return seconds / self.total_s if self.total_s > 0 else math.nan

    def us(self, seconds: float) -> float:
        """A profiled time as CPU microseconds per message, at the measured window's cost."""
        return self.share(seconds) * self.measured_us

    @property
    def profiled_us(self) -> float:
        """CPU per message with the profiler on."""
        return self.cpu_s * 1e6 / max(1, self.messages)

    @property
    def corrected_us(self) -> float:
        """The profile's total per message once the profiler's own cost is taken out."""
        return self.total_s * 1e6 / max(1, self.messages)


@dataclass(slots=True)
class Outcome:
    """What a scenario measured: its rows, and the profiles it took."""

    rows: list[Row]
    profiles: list[WindowProfile] = field(default_factory=list)
