"""The pushed workload: CH_STATUS frames with one to three fields changed, and GRID_CURRENT.

Each CH_STATUS raises the session energy by 1 to 9 Wh (so `actual_kwh` never repeats and
its sensor's state times the frame) and, by chance, also changes the session cost, one phase
current or one phase voltage; the frame is then built by the simulator, which derives the
averages and power from the phases as the cloud does. A GRID_CURRENT moves one phase of the
household load. Every account of the fleet gets the same change and so the same frame text.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
import json
import random

from simulator.bluecurrent import ChargePoint, Grid, frames

from .harness import Fleet

EXTRAS = ("cost", "current", "voltage")
YIELD_EVERY = 50  # frames sent back to back (when late) before letting the loop breathe


@dataclass(frozen=True, slots=True)
class Sent:
    """A CH_STATUS as sent to one flavour: which charge point, its energy, when."""

    evse_id: str
    wh: int
    at: float  # wall clock (time.time()), comparable with Home Assistant's event times
    lag: float  # seconds behind its schedule when it went out


@dataclass(slots=True)
class Played:
    """What one play() sent."""

    messages: int = 0
    seconds: float = 0.0
    lags: list[float] = field(default_factory=list)


class Stream:
    """A deterministic stream: the same seed gives the same frames."""

    def __init__(self, fleet: Fleet, *, seed: int, grid: bool) -> None:
        """Round robin over the charge points (and the grid, when `grid`)."""
        self._fleet = fleet
        self._rng = random.Random(seed)
        first = next(iter(fleet.accounts.values()))
        self._evse_ids = list(first.charge_points)
        self._grid = grid
        self._wh = {
            evse_id: round(cp.actual_kwh * 1000) for evse_id, cp in first.charge_points.items()
        }
        self._cents = {
            evse_id: round(cp.total_cost * 100) for evse_id, cp in first.charge_points.items()
        }
        self._position = 0
        self.sent: dict[str, list[Sent]] = {flavor: [] for flavor in fleet.accounts}

    @property
    def sources(self) -> int:
        """Charge points plus the grid: at R frames per second each source sends R/sources."""
        return len(self._evse_ids) + (1 if self._grid else 0)

    def _charge_points(self, evse_id: str) -> list[ChargePoint]:
        return [account.charge_points[evse_id] for account in self._fleet.accounts.values()]

    def _grids(self) -> list[Grid]:
        return [next(iter(a.grids.values())) for a in self._fleet.accounts.values()]

    def _change_charge_point(self, evse_id: str) -> tuple[str, int]:
        rng = self._rng
        charge_points = self._charge_points(evse_id)
        model = charge_points[0]
        self._wh[evse_id] += rng.randint(1, 9)
        wh = self._wh[evse_id]
        extras = rng.sample(EXTRAS, rng.randint(0, 2))
        cost = current = voltage = None
        if "cost" in extras:
            self._cents[evse_id] += rng.randint(1, 5)
            cost = self._cents[evse_id] / 100
        if "current" in extras:
            phase = rng.randrange(model.phases)
            current = (phase, min(16.0, max(6.0, model.currents[phase] + rng.choice((-1, 1)))))
        if "voltage" in extras:
            phase = rng.randrange(model.phases)
            voltage = (phase, min(240.0, max(220.0, model.voltages[phase] + rng.choice((-1, 1)))))
        for charge_point in charge_points:
            charge_point.actual_kwh = wh / 1000
            if cost is not None:
                charge_point.total_cost = cost
            if current is not None:
                charge_point.currents[current[0]] = current[1]
            if voltage is not None:
                charge_point.voltages[voltage[0]] = voltage[1]
        return json.dumps(frames.status(model)), wh

    def _change_grid(self) -> str:
        rng = self._rng
        grids = self._grids()
        phase = rng.randrange(3)
        load = min(10.0, max(0.0, grids[0].household[phase] + rng.choice((-1, 1))))
        for grid in grids:
            grid.household[phase] = load
        return json.dumps(frames.grid_current(grids[0]))

    def next_frame(self) -> tuple[str, str | None, int]:
        """The next frame's text, its charge point (None for the grid) and energy in Wh."""
        source = self._position % self.sources
        self._position += 1
        if source == len(self._evse_ids):
            return self._change_grid(), None, 0
        evse_id = self._evse_ids[source]
        text, wh = self._change_charge_point(evse_id)
        return text, evse_id, wh

    async def play(self, count: int, rate: float, *, record: bool, limit: float) -> Played:
        """Send `count` frames at `rate` per second to every account; record the CH_STATUS."""
        loop = asyncio.get_running_loop()
        cloud = self._fleet.cloud
        accounts = list(self._fleet.accounts.items())
        played = Played()
        start = loop.time()
        deadline = start + limit
        for number in range(count):
            due = start + number / rate
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            elif number % YIELD_EVERY == 0:
                await asyncio.sleep(0)
            now = loop.time()
            if now > deadline:
                raise TimeoutError(f"the stream fell more than {limit:.0f} s behind")
            lag = now - due
            played.lags.append(lag)
            text, evse_id, wh = self.next_frame()
            # Alternate who is served first, so neither flavour always gets the frame later.
            for flavor, account in accounts if number % 2 == 0 else reversed(accounts):
                sent_at = await cloud.push(account, text)
                if record and evse_id is not None and sent_at is not None:
                    self.sent[flavor].append(Sent(evse_id, wh, sent_at, lag))
            played.messages += 1
        played.seconds = loop.time() - start
        return played
