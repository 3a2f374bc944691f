"""A session's energy is the integral of its power from its start time, as the cloud reports them.

The demo used to warm up with a tick the clock did not follow: 1.94 kWh after 5 min 40 s at
10.8 kW. Now a tick that runs ahead of the clock moves the session's start back instead.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from simulator.bluecurrent import (
    CLOUD_TIMEZONE,
    BlueCurrentCloud,
    ManualClock,
    OverrideSchedule,
    frames,
    populate,
)

from .conftest import EVSE, START, TOKEN


def wire_start(data: dict[str, object]) -> datetime:
    """The session start as CH_STATUS sends it (Amsterdam wall-clock time)."""
    text = data["start_datetime"]
    assert isinstance(text, str)
    return datetime.strptime(text, "%Y%m%d %H:%M:%S").replace(tzinfo=CLOUD_TIMEZONE)


def watts(data: dict[str, object]) -> float:
    """The power CH_STATUS shows: the sum of volts times amperes over the phases."""
    total = 0.0
    for phase in (1, 2, 3):
        amps, volts = data[f"actual_p{phase}"], data[f"actual_v{phase}"]
        assert isinstance(amps, int | float)
        assert isinstance(volts, int | float)
        total += amps * volts
    return total


async def test_the_demo_warm_up_moves_the_start_back(
    cloud: BlueCurrentCloud, clock: ManualClock
) -> None:
    charge_point = cloud.charge_point(EVSE)
    charge_point.plug_in()
    charge_point.start_charging()  # 12:00:00
    await cloud.tick(300)  # the demo's warm-up: five minutes the clock does not show
    for _ in range(68):  # then 5 min 40 s of five-second ticks, as the demo runs
        clock.advance(5)
        await cloud.tick(5)
    data = frames.status_data(charge_point)
    assert wire_start(data) == START - timedelta(minutes=5)
    hours = (clock() - wire_start(data)).total_seconds() / 3600
    assert hours == (5 * 60 + 340) / 3600
    # At most the full 3 x 16 A x 233 V, at least 3 x 15 A x 227 V, all the way from the start.
    assert 3 * 15 * 227 / 1000 * hours <= data["actual_kwh"] <= 3 * 16 * 233 / 1000 * hours


async def test_energy_is_the_integral_of_the_reported_power(
    cloud: BlueCurrentCloud, clock: ManualClock
) -> None:
    """Warm-ups, clock jumps, a hold, a boost and a cap: energy always equals the integral."""
    charge_point = cloud.charge_point(EVSE)
    charge_point.start_charging()
    integral = 0.0  # kWh, from what CH_STATUS showed during each interval
    shown = frames.status_data(charge_point)
    elapsed = 0.0  # seconds since the start, as CH_STATUS and the clock tell it

    def account() -> None:
        nonlocal integral, shown, elapsed
        now = frames.status_data(charge_point)
        since_start = (clock() - wire_start(now)).total_seconds()
        integral += watts(shown) / 1000 * (since_start - elapsed) / 3600
        shown, elapsed = now, since_start
        assert abs(now["actual_kwh"] - integral) <= 0.0005 + 1e-9  # actual_kwh has 3 decimals

    async def tick(seconds: float, *, clock_moves: float = 0.0) -> None:
        clock.advance(clock_moves)
        await cloud.tick(seconds)
        account()

    await tick(300)  # a warm-up
    for _ in range(10):
        await tick(5, clock_moves=5)
    await tick(0, clock_moves=600)  # the clock ran on without a tick
    await tick(60, clock_moves=20)  # the model ran ahead of the clock
    # Held back by delayed charging (noon is outside 22:00-07:00): no power, time still runs.
    charge_point.delayed.enabled = True
    await tick(30, clock_moves=30)
    assert charge_point.activity == "delayed"
    await tick(600, clock_moves=600)
    await tick(120)
    # A boost between ticks: the energy before it is counted at the power before it.
    clock.advance(40)
    charge_point.boosting = True
    charge_point.settle()
    account()
    await tick(90, clock_moves=90)
    assert charge_point.activity == "charging"
    # An override cap of 7.5 A between ticks.
    clock.advance(15)
    charge_point.overrides[1] = OverrideSchedule(
        schedule_id=1,
        charge_points=[EVSE],
        start_time="00:00",
        stop_time="00:00",
        start_days=["MO"],
        stop_days=["MO"],
        current=7.5,
    )
    charge_point.settle()
    account()
    await tick(3600)
    assert charge_point.currents[0] in {6.5, 7.5}  # the cap, or an ampere less
    assert integral > 5  # it did charge


async def test_offline_time_adds_no_energy(cloud: BlueCurrentCloud, clock: ManualClock) -> None:
    charge_point = cloud.charge_point(EVSE)
    charge_point.start_charging()
    clock.advance(60)
    await cloud.tick(60)
    before = charge_point.actual_kwh
    charge_point.go_offline()
    clock.advance(1800)
    await cloud.tick(5)
    charge_point.come_online()
    assert charge_point.actual_kwh == before  # the cloud heard nothing meanwhile
    clock.advance(60)
    await cloud.tick(60)
    assert charge_point.actual_kwh > before
    assert charge_point.start_datetime == START  # nothing ran ahead of the clock


async def test_a_live_ticker_leaves_the_start_alone() -> None:
    """On the real clock the ticks follow the clock: no start moves back."""
    cloud = BlueCurrentCloud(tick_interval=0.02)
    populate(cloud, api_token=TOKEN, charge_points=1)
    charge_point = cloud.charge_point(EVSE)
    charge_point.start_charging()
    started = charge_point.start_datetime
    assert started is not None
    task = asyncio.create_task(cloud._ticker(0.02))
    try:
        while charge_point.actual_kwh == 0:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)
    finally:
        task.cancel()
    moved = charge_point.start_datetime
    assert moved is not None
    assert (started - moved).total_seconds() < 0.005  # at most a timer's early wake-up
    # Energy covers the time since the start, not more.
    assert charge_point.metered_at is not None
    seconds = (charge_point.metered_at - moved).total_seconds()
    assert charge_point.actual_kwh <= 3 * 16 * 233 / 1000 * seconds / 3600 + 1e-9
