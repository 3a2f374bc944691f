"""Time passing: sessions draw current and gain energy and cost, the house load wanders."""

from __future__ import annotations

import random

from .model import ChargePoint, Grid

VOLTAGE_NOISE = 3.0  # volts either side of nominal
HOUSE_LOAD_MAX = 10.0  # amperes per phase


def advance_charge_point(charge_point: ChargePoint, ahead: float, rng: random.Random) -> None:
    """Let a charge point run until the clock's time, plus `ahead` seconds the clock did not move.

    Energy is counted at the power drawn since the last tick; then profiles and override
    schedules are applied at the new time, and the car's draw wanders a little.
    """
    charge_point.meter(ahead)
    if not charge_point.online:
        return  # the cloud hears nothing from it
    charge_point.settle()
    if not charge_point.drawing:
        return
    # Cars rarely take the full limit; an ampere less now and then.
    charge_point.currents = [
        max(current - rng.choice((0, 0, 1)), 0.0) if current else 0.0
        for current in charge_point.currents
    ]
    charge_point.voltages = [
        round(volts + rng.uniform(-VOLTAGE_NOISE, VOLTAGE_NOISE), 1) if volts else 0.0
        for volts in charge_point.voltages
    ]


def advance_grid(grid: Grid, seconds: float, rng: random.Random) -> None:
    """The rest of the building uses a bit more or less; longer steps wander further."""
    reach = min(seconds / 10, 1.0)
    grid.household = [
        min(max(load + rng.uniform(-reach, reach), 0.0), HOUSE_LOAD_MAX) for load in grid.household
    ]


FULL_KWH = 20.0  # a car "is full" after this much energy in one session
MEAN_SECONDS_TO_ARRIVE = 1800.0
MEAN_SECONDS_TO_LEAVE = 600.0


def come_and_go(charge_point: ChargePoint, seconds: float, rng: random.Random) -> None:
    """Cars arrive at free charge points, fill up, and leave a while after."""
    if not charge_point.online or charge_point.blocked:
        return
    if charge_point.charging:
        if charge_point.actual_kwh >= FULL_KWH:
            charge_point.stop_charging()
    elif charge_point.vehicle_status == "A":
        if rng.random() < seconds / MEAN_SECONDS_TO_ARRIVE:
            charge_point.plug_in(car_phases=rng.choice((1, 3)))
            if not charge_point.charging:  # plug and charge may have started it already
                charge_point.start_charging(charge_point.default_card.uid)
    elif rng.random() < seconds / MEAN_SECONDS_TO_LEAVE:
        charge_point.unplug()
