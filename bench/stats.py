"""Percentiles and latencies: frames as sent, matched with states as Home Assistant wrote them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
import math
from typing import Any

from .stream import Sent


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), linear between ranks; NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def median(values: Sequence[float]) -> float:
    """The 50th percentile."""
    return percentile(values, 50)


@dataclass(frozen=True, slots=True)
class Latency:
    """How long sent frames took to show up as states."""

    seconds: list[float | None]  # per sent frame, None when its state never showed

    @property
    def shown(self) -> list[float]:
        """The latencies of the frames that showed."""
        return [s for s in self.seconds if s is not None]

    @property
    def missing(self) -> int:
        """Frames whose state never showed."""
        return sum(1 for s in self.seconds if s is None)

    def p(self, q: float) -> float:
        """A percentile of the shown ones, in seconds."""
        return percentile(self.shown, q)


def latency(sent: Sequence[Sent], marks: Sequence[Sequence[Any]]) -> Latency:
    """Match each sent CH_STATUS with the first state of its energy sensor at that value.

    `marks` are the worker's (evse_id, state, wall time) of the energy sensors.
    """
    first_seen: dict[tuple[str, int], float] = {}
    for evse_id, state, at in marks:
        try:
            wh = round(float(state) * 1000)
        except ValueError:
            continue  # unknown / unavailable
        key = (str(evse_id), wh)
        if key not in first_seen or at < first_seen[key]:
            first_seen[key] = float(at)
    seconds: list[float | None] = []
    for frame in sent:
        seen = first_seen.get((frame.evse_id, frame.wh))
        seconds.append(None if seen is None else max(0.0, seen - frame.at))
    return Latency(seconds)


def window(sent: Sequence[Sent], result: Latency, start: float, end: float) -> list[float]:
    """Shown latencies of the frames sent between start and end (wall clock)."""
    return [
        seconds
        for frame, seconds in zip(sent, result.seconds, strict=True)
        if seconds is not None and start <= frame.at < end
    ]
