"""Rows of the report: a metric measured for both flavours, and the target it may have."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
import math


@dataclass(frozen=True, slots=True)
class Target:
    """What ours must achieve against core (or on its own)."""

    text: str
    met: Callable[[float, float], bool]  # (core, ours) -> met
    ratio: float | None = None  # the ours/core ratio to stay under, when that is the target


def ratio_at_most(limit: float, text: str) -> Target:
    """ours / core <= limit."""
    return Target(text, lambda core, ours: core > 0 and ours / core <= limit, limit)


def not_more_than_core() -> Target:
    """ours <= core."""
    return Target("≤ core", lambda core, ours: ours <= core, 1.0)


def ours_below(limit: float, text: str) -> Target:
    """ours < limit, whatever core does."""
    return Target(text, lambda _core, ours: ours < limit)


def ours_true(text: str) -> Target:
    """A yes/no metric that must be yes for ours."""
    return Target(text, lambda _core, ours: ours >= 1)


@dataclass(frozen=True, slots=True)
class Row:
    """One metric, both flavours."""

    scenario: str
    metric: str
    core: float
    ours: float
    decimals: int = 2
    yes_no: bool = False
    target: Target | None = None
    chart: str = ""  # label in the ratio chart; empty = not charted
    note: str = ""  # something this run found that the number alone does not say

    @property
    def ratio(self) -> float:
        """ours / core (NaN when it means nothing)."""
        if self.yes_no or not self.core or math.isnan(self.core) or math.isnan(self.ours):
            return math.nan
        return self.ours / self.core

    @property
    def met(self) -> bool | None:
        """Whether the target is met; None without a target or without numbers."""
        if self.target is None or math.isnan(self.core) or math.isnan(self.ours):
            return None
        return self.target.met(self.core, self.ours)

    def shown(self, value: float) -> str:
        """A value as the table shows it."""
        if math.isnan(value):
            return "n/a"
        if self.yes_no:
            return "yes" if value >= 1 else "no"
        return f"{value:,.{self.decimals}f}"
