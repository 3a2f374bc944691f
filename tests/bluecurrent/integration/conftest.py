"""Home Assistant tests: the integration runs against the Blue Current simulator on 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator

from homeassistant.core import HomeAssistant
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.blue_current.const import CONF_API_TOKEN, CONF_SERVER_URL, DOMAIN
from simulator.bluecurrent import BlueCurrentCloud
from simulator.bluecurrent.demo import populate
from simulator.server import Simulator
from tests.ha import (
    auto_enable_custom_integrations,
    entity_registry_enabled_by_default,
    snapshot,
)
from tests.waiting import wait_for

# Fixtures imported for the tests below this conftest (pytest finds them by name here).
__all__ = ["auto_enable_custom_integrations", "entity_registry_enabled_by_default", "snapshot"]

API_TOKEN = "test-api-token"
CUSTOMER_ID = "1234"
EMAIL = "owner@example.com"
EVSE_IDS = ("BCU100001", "BCU100002")


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
    """The account entry, set up, with every charge point's status and the overrides received."""
    account_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(account_entry.entry_id)
    await hass.async_block_till_done()
    coordinator = account_entry.runtime_data
    await wait_for(hass, lambda: coordinator.data.overrides is not None, "the override list")
    return account_entry


def received(cloud: BlueCurrentCloud, command: str) -> list[dict[str, object]]:
    """What the cloud received of one command, in order."""
    return [f.message for f in cloud.received if f.command == command and f.message is not None]
