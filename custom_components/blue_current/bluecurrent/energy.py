"""The lifetime energy of a charge point: the sum of its sessions' energy, counted once.

Pure: no Home Assistant import. The cloud reports only the running (or last) session's
energy; this meter adds what each status adds to it. It remembers the session it counted
and how much of it, so a repeated status, a reconnect or a restart mid-session adds nothing
twice, and a new session (a later start, or the energy back at 0) carries on from the total.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

# Energy readings this close count as the same (the cloud rounds to Wh).
_TOLERANCE = 0.0005


@dataclass(slots=True)
class LifetimeEnergy:
    """Total kWh, and how much of which session is in it."""

    total: float = 0.0
    session_started: datetime | None = None
    counted: float = 0.0  # kWh of that session already in the total

    def observe(self, started: datetime | None, energy: float | None) -> bool:
        """Count what a status adds; return whether the total changed."""
        if energy is None or energy < 0:
            return False
        previous = self.session_started
        if started is not None and (previous is None or started > previous):
            # A new session: its energy counts from 0. Without a known earlier start this
            # may be the session counted so far: a drop to 0 will tell a new one.
            if previous is not None:
                self.counted = 0.0
            self.session_started = started
        elif started is not None and previous is not None and started < previous:
            # The same session with its start moved back: keep counting it.
            self.session_started = started
        if energy + _TOLERANCE < self.counted:
            if energy > _TOLERANCE:
                return False  # a reading below what was counted: wait until it passes it
            self.counted = 0.0  # the session's energy went back to 0: a new session
        added = energy - self.counted
        self.counted = max(self.counted, energy)
        if added <= _TOLERANCE:
            return False
        self.total = round(self.total + added, 3)
        return True

    def as_dict(self) -> dict[str, object]:
        """What is stored to carry the meter over a restart."""
        return {
            "total": self.total,
            "session_started": None
            if self.session_started is None
            else self.session_started.isoformat(),
            "counted": self.counted,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> LifetimeEnergy:
        """The meter as stored; anything unreadable starts from nothing."""
        total, counted, started = (
            data.get("total"),
            data.get("counted"),
            data.get("session_started"),
        )
        meter = cls()
        if isinstance(total, int | float) and not isinstance(total, bool) and total >= 0:
            meter.total = float(total)
        if isinstance(counted, int | float) and not isinstance(counted, bool) and counted >= 0:
            meter.counted = float(counted)
        if isinstance(started, str):
            try:
                meter.session_started = datetime.fromisoformat(started)
            except ValueError:
                meter.counted = 0.0
        return meter
