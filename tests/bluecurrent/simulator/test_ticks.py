"""Time passing in the cloud: physics, and the pushes that follow from it."""

from __future__ import annotations

import aiohttp
import pytest

from simulator.bluecurrent import BlueCurrentCloud, ManualClock, frames, populate
from simulator.server import Simulator
from tests.waiting import wait_for

from .conftest import EVSE, EVSE_2, START, TOKEN
from .keys import GRID_CURRENT_KEYS, STATUS_KEYS
from .peer import Peer


async def test_an_idle_tick_pushes_only_the_grid_current(
    peer: Peer, bc_cloud: BlueCurrentCloud
) -> None:
    await bc_cloud.tick(5)
    grid = await peer.recv()
    assert set(grid) == GRID_CURRENT_KEYS
    assert grid["object"] == "GRID_CURRENT"
    assert grid["evse_id"] == EVSE
    await peer.assert_silent()


async def test_a_charging_car_gains_energy_and_cost(peer: Peer, bc_cloud: BlueCurrentCloud) -> None:
    charge_point = bc_cloud.charge_point(EVSE)
    charge_point.start_charging()
    await bc_cloud.tick(3600)
    status, grid = await peer.recv_many(2)
    assert status["object"] == "CH_STATUS"
    assert set(status["data"]) == STATUS_KEYS
    data = status["data"]
    assert 10.0 < data["actual_kwh"] < 11.1  # 3 x 16 A x 230 V for an hour, a little less
    assert data["total_cost"] == round(charge_point.actual_kwh * 0.29, 2)
    for phase in ("p1", "p2", "p3"):
        assert data[f"actual_{phase}"] in {15, 16}
    for phase in ("v1", "v2", "v3"):
        assert 227 <= data[f"actual_{phase}"] <= 233
    # The grid carries the house and the car.
    house = bc_cloud.grid(f"GRID-{EVSE}").household
    for number in (1, 2, 3):
        car = data[f"actual_p{number}"]
        assert grid[f"grid_actual_p{number}"] == round(house[number - 1] + car)


async def test_a_three_phase_car_under_smart_charging_at_a_single_phase_point(
    bc_cloud: BlueCurrentCloud,
) -> None:
    charge_point = bc_cloud.charge_point(EVSE_2)  # an H:MOVE2, wired for one phase
    charge_point.smart_charging = True
    charge_point.plug_in(car_phases=3)
    assert charge_point.vehicle_status == "B"
    charge_point.start_charging()
    await bc_cloud.tick(60)
    assert charge_point.currents[1:] == [0.0, 0.0]
    assert charge_point.voltages[1:] == [0.0, 0.0]
    assert 12 <= charge_point.currents[0] <= 13  # smartcharging_max_usage
    data = frames.status_data(charge_point)
    # Averages skip the phases not in use, as the cloud computes them.
    assert data["avg_current"] == data["actual_p1"]
    assert data["avg_voltage"] == data["actual_v1"]
    assert data["current_left"] == 13 - data["actual_p1"]


async def test_a_single_phase_car_at_a_three_phase_point(bc_cloud: BlueCurrentCloud) -> None:
    charge_point = bc_cloud.charge_point(EVSE)
    charge_point.plug_in(car_phases=1)
    charge_point.start_charging()
    assert charge_point.currents == [16.0, 0.0, 0.0]
    assert charge_point.voltages == [230.0, 230.0, 230.0]


async def test_going_offline_is_pushed_once(
    peer: Peer, bc_cloud: BlueCurrentCloud, clock: ManualClock
) -> None:
    charge_point = bc_cloud.charge_point(EVSE_2)
    charge_point.go_offline()
    charge_point.go_offline()  # still the first moment
    clock.advance(60)
    await bc_cloud.tick(60)
    status, _ = await peer.recv_many(2)
    assert status["evse_id"] == EVSE_2
    assert status["data"]["activity"] == "offline"
    assert status["data"]["offline_since"] == "20250310 12:00:00"
    await bc_cloud.tick(60)
    assert (await peer.recv())["object"] == "GRID_CURRENT"
    await peer.assert_silent()
    charge_point.come_online()
    await bc_cloud.tick(60)
    status, _ = await peer.recv_many(2)
    assert (status["data"]["activity"], status["data"]["offline_since"]) == ("available", "")


async def test_offline_charge_points_are_frozen(bc_cloud: BlueCurrentCloud) -> None:
    charge_point = bc_cloud.charge_point(EVSE)
    charge_point.start_charging()
    charge_point.go_offline()
    await bc_cloud.tick(3600)
    assert charge_point.actual_kwh == 0
    assert charge_point.activity == "offline"
    charge_point.stop_charging()
    assert charge_point.currents == [16.0, 16.0, 16.0]  # the last values the cloud heard


async def test_grids_split_the_charge_points(http: aiohttp.ClientSession) -> None:
    bc_cloud = BlueCurrentCloud(seed=1)
    populate(bc_cloud, api_token=TOKEN, charge_points=3, grids=2)
    grids = bc_cloud.account(TOKEN).grids.values()
    assert [[cp.evse_id for cp in grid.charge_points] for grid in grids] == [
        ["BCU100001", "BCU100002"],
        ["BCU100003"],
    ]
    async with Simulator(bluecurrent=bc_cloud) as simulator:
        peer = await Peer.open(http, simulator.bluecurrent_url)
        await peer.hello(TOKEN)
        await wait_for(None, lambda: bc_cloud.main_connections == 1)
        await bc_cloud.push_grid_current("GRID-BCU100003")
        assert (await peer.recv())["evse_id"] == "BCU100003"
        await bc_cloud.tick(1)
        assert [frame["evse_id"] for frame in await peer.recv_many(2)] == [
            "BCU100001",
            "BCU100003",
        ]
        await peer.socket.close()


async def test_the_same_seed_gives_the_same_story() -> None:
    stories = []
    for _ in range(2):
        bc_cloud = BlueCurrentCloud(seed=42, clock=ManualClock(START))
        populate(bc_cloud, api_token=TOKEN, seed=42)
        bc_cloud.charge_point(EVSE).start_charging()
        for _ in range(5):
            await bc_cloud.tick(30)
        charge_point = bc_cloud.charge_point(EVSE)
        grid = bc_cloud.grid(f"GRID-{EVSE}")
        stories.append((charge_point.actual_kwh, charge_point.voltages, grid.household))
    assert stories[0] == stories[1]


async def test_the_background_ticker_pushes(http: aiohttp.ClientSession) -> None:
    bc_cloud = BlueCurrentCloud(tick_interval=0.02)
    populate(bc_cloud, api_token=TOKEN)
    async with Simulator(bluecurrent=bc_cloud) as simulator:
        peer = await Peer.open(http, simulator.bluecurrent_url)
        await peer.hello(TOKEN)
        assert (await peer.recv())["object"] == "GRID_CURRENT"
        await peer.socket.close()


@pytest.mark.parametrize("plug_and_charge", [False, True])
async def test_cars_come_fill_up_and_go(plug_and_charge: bool) -> None:
    bc_cloud = BlueCurrentCloud(seed=5, clock=ManualClock(START), arrivals=True)
    populate(bc_cloud, api_token=TOKEN, charge_points=1)
    charge_point = bc_cloud.charge_point(EVSE)
    charge_point.plug_and_charge = plug_and_charge
    await bc_cloud.tick(10_000)  # long enough for anything to happen
    assert charge_point.activity == "charging"
    assert charge_point.actual_kwh > 20
    await bc_cloud.tick(10_000)
    assert (charge_point.charging, charge_point.vehicle_status) == (False, "B")
    await bc_cloud.tick(10_000)
    assert charge_point.vehicle_status == "A"
    charge_point.block()
    await bc_cloud.tick(10_000)
    assert charge_point.vehicle_status == "A"
