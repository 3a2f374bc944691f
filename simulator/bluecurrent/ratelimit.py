"""The daily request budget per API token, reset at midnight Amsterdam time."""

from __future__ import annotations

from collections import Counter
from datetime import date
from enum import StrEnum

from .clock import Clock, cloud_day


class LimitSignal(StrEnum):
    """How a live connection learns that the budget is spent."""

    CLOSE = "close"  # close the socket with code 4001
    ERROR = "error"  # answer {"object": "ERROR", "error": 42, ...}


class RequestBudget:
    """Counts requests per token; None as budget means unlimited."""

    def __init__(self, clock: Clock, budget: int | None = None) -> None:
        """Count against the clock's Amsterdam day."""
        self._clock = clock
        self.budget = budget
        self._used: Counter[str] = Counter()
        self._day: date = cloud_day(clock())

    def _roll_over(self) -> None:
        today = cloud_day(self._clock())
        if today != self._day:
            self._day = today
            self._used.clear()

    def spend(self, token: str) -> bool:
        """Count one request; False when it is over the budget."""
        self._roll_over()
        self._used[token] += 1
        return self.budget is None or self._used[token] <= self.budget

    def used(self, token: str) -> int:
        """Requests counted today for a token."""
        self._roll_over()
        return self._used[token]

    def any_exhausted(self) -> bool:
        """Whether some token has used its whole budget today."""
        self._roll_over()
        budget = self.budget
        return budget is not None and any(count >= budget for count in self._used.values())
