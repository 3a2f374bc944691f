"""Fixtures: a populated cloud on a manual clock, served on a free 127.0.0.1 port."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

import aiohttp
import pytest

from simulator.bluecurrent import CLOUD_TIMEZONE, BlueCurrentCloud, ManualClock, populate
from simulator.server import Simulator
from tests.waiting import wait_for

from .peer import Peer

TOKEN = "api-token-1"
EVSE = "BCU100001"
EVSE_2 = "BCU100002"
# Monday 10 March 2025, noon in Amsterdam (CET, +01:00).
START = datetime(2025, 3, 10, 12, 0, tzinfo=CLOUD_TIMEZONE)


@pytest.fixture(autouse=True)
def _loopback(socket_enabled: None) -> None:
    """Sockets on (Home Assistant's test plugin turns them off); hosts stay 127.0.0.1 only."""


def simulator_cloud(simulator: Simulator) -> BlueCurrentCloud:
    """The Blue Current cloud a simulator hosts."""
    assert simulator.bluecurrent is not None
    return simulator.bluecurrent


@pytest.fixture
def clock() -> ManualClock:
    """Time stands still until a test moves it."""
    return ManualClock(START)


@pytest.fixture
def bc_cloud(clock: ManualClock) -> BlueCurrentCloud:
    """One account with two charge points on one grid and two cards."""
    bc_cloud = BlueCurrentCloud(clock=clock, seed=7)
    populate(bc_cloud, api_token=TOKEN, customer_id="CU1", email="owner@example.com", seed=7)
    return bc_cloud


@pytest.fixture
async def simulator(bc_cloud: BlueCurrentCloud) -> AsyncIterator[Simulator]:
    """The cloud, listening."""
    async with Simulator(bluecurrent=bc_cloud) as simulator:
        yield simulator


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """A client session for raw websockets."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
async def peer(simulator: Simulator, http: aiohttp.ClientSession) -> AsyncIterator[Peer]:
    """A main connection that has said HELLO."""
    peer = await Peer.open(http, simulator.bluecurrent_url)
    await peer.hello(TOKEN)
    await wait_for(None, lambda: simulator_cloud(simulator).main_connections == 1)
    yield peer
    await peer.socket.close()


def amsterdam(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment in March 2025 (the 10th is a Monday), Amsterdam time."""
    return datetime(2025, 3, day, hour, minute, tzinfo=CLOUD_TIMEZONE)
