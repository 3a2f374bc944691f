"""Home Assistant tests: the integration runs against the Blue Current simulator on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
import time
from unittest.mock import PropertyMock, patch

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from syrupy.assertion import SnapshotAssertion

from custom_components.blue_current.const import CONF_API_TOKEN, CONF_SERVER_URL, DOMAIN
from simulator.bluecurrent import BlueCurrentCloud
from simulator.bluecurrent.demo import populate
from simulator.server import Simulator

API_TOKEN = "test-api-token"
CUSTOMER_ID = "1234"
EMAIL = "owner@example.com"
EVSE_IDS = ("BCU100001", "BCU100002")


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Load our integration from custom_components."""


@pytest.fixture
def bc_cloud() -> BlueCurrentCloud:
    """A cloud with one account: two idle charge points on one grid, two cards."""
    cloud = BlueCurrentCloud(seed=1)
    populate(cloud, api_token=API_TOKEN, customer_id=CUSTOMER_ID, email=EMAIL, seed=1)
    return cloud


@pytest.fixture
async def bc_simulator(
    bc_cloud: BlueCurrentCloud, socket_enabled: None
) -> AsyncIterator[Simulator]:
    """The simulator, listening on a free port of 127.0.0.1 (the only host tests may reach)."""
    async with Simulator(bluecurrent=bc_cloud) as simulator:
        yield simulator


@pytest.fixture
def account_entry(bc_simulator: Simulator) -> MockConfigEntry:
    """An account entry pointed at the simulator (not added to hass yet)."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=EMAIL,
        unique_id=CUSTOMER_ID,
        data={CONF_API_TOKEN: API_TOKEN, CONF_SERVER_URL: bc_simulator.bluecurrent_url},
    )


@pytest.fixture
async def setup_account(hass: HomeAssistant, account_entry: MockConfigEntry) -> MockConfigEntry:
    """The account entry, set up, with every charge point's status received."""
    account_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(account_entry.entry_id)
    await hass.async_block_till_done()
    return account_entry


async def wait_for(
    hass: HomeAssistant, condition: Callable[[], object], what: str = "the condition"
) -> None:
    """Let the websocket deliver until the condition holds (about 5 s at most).

    Sleeps in a worker thread: real time passes even when a test froze the clock
    (asyncio.sleep would never return under freezer).
    """
    for _ in range(500):
        await hass.async_block_till_done()
        if condition():
            return
        await hass.async_add_executor_job(time.sleep, 0.01)
    pytest.fail(f"timed out waiting for {what}")


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Home Assistant's serializer (the plugin's override loses against syrupy's fixture)."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
def entity_registry_enabled_by_default() -> Iterator[None]:
    """Create every entity enabled, also those disabled by default."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield
