"""Our Blue Current client against the simulator on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from custom_components.blue_current.api.bluecurrent import BlueCurrentClient
from simulator.bluecurrent import BlueCurrentCloud
from simulator.bluecurrent.demo import populate
from simulator.server import Simulator

API_TOKEN = "client-test-token"
CUSTOMER_ID = "777"
EMAIL = "driver@example.com"


@pytest.fixture
def bc_cloud() -> BlueCurrentCloud:
    """One account with three charge points on two grids and two cards."""
    bc_cloud = BlueCurrentCloud(seed=3)
    populate(
        bc_cloud,
        api_token=API_TOKEN,
        customer_id=CUSTOMER_ID,
        email=EMAIL,
        charge_points=3,
        grids=2,
        seed=3,
    )
    return bc_cloud


@pytest.fixture
async def simulator(bc_cloud: BlueCurrentCloud, socket_enabled: None) -> AsyncIterator[Simulator]:
    """The simulator on a free port."""
    async with Simulator(bluecurrent=bc_cloud) as simulator:
        yield simulator


@pytest.fixture
async def session() -> AsyncIterator[aiohttp.ClientSession]:
    """A plain aiohttp session, as Home Assistant would inject one."""
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def client(simulator: Simulator, session: aiohttp.ClientSession) -> BlueCurrentClient:
    """A client of the account, with short timeouts for tests."""
    return BlueCurrentClient(session, API_TOKEN, url=simulator.bluecurrent_url, command_timeout=1.0)
