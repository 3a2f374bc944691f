"""Binary sensors of a charge point: plug, charging, online, boosting; against the simulator."""

from __future__ import annotations

from collections.abc import Iterator
from unittest.mock import patch

from homeassistant.const import STATE_OFF, STATE_ON, STATE_UNKNOWN, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from custom_components.blue_current.api.bluecurrent.parse import FrameParser
from custom_components.blue_current.const import DOMAIN
from simulator.bluecurrent import BlueCurrentCloud
from tests.waiting import wait_for

from .conftest import EVSE_IDS

EVSE_ID = EVSE_IDS[0]


@pytest.fixture
def only_binary_sensors() -> Iterator[None]:
    """Load the binary sensor platform alone."""
    with patch("custom_components.blue_current.ACCOUNT_PLATFORMS", [Platform.BINARY_SENSOR]):
        yield


def _state(hass: HomeAssistant, key: str, evse_id: str = EVSE_ID) -> str:
    registry = er.async_get(hass)
    entity_id = registry.async_get_entity_id(Platform.BINARY_SENSOR, DOMAIN, f"{key}_{evse_id}")
    assert entity_id is not None, key
    state = hass.states.get(entity_id)
    assert state is not None, entity_id
    return state.state


async def _push(hass: HomeAssistant, cloud: BlueCurrentCloud, evse_id: str = EVSE_ID) -> None:
    coordinator = hass.config_entries.async_entries(DOMAIN)[0].runtime_data
    told = FrameParser().status(cloud.status_frame(cloud.charge_point(evse_id)))
    await cloud.push_status(evse_id)
    await wait_for(
        hass, lambda: coordinator.data.charge_points[evse_id].status == told, "the pushed status"
    )


@pytest.mark.usefixtures("only_binary_sensors", "entity_registry_enabled_by_default")
async def test_snapshot(
    hass: HomeAssistant,
    snapshot: SnapshotAssertion,
    bc_cloud: BlueCurrentCloud,
    account_entry: MockConfigEntry,
) -> None:
    """The first charge point charging, the second offline."""
    bc_cloud.charge_point(EVSE_IDS[0]).start_charging()
    bc_cloud.charge_point(EVSE_IDS[1]).go_offline()
    account_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(account_entry.entry_id)
    await hass.async_block_till_done()
    await snapshot_platform(hass, er.async_get(hass), snapshot, account_entry.entry_id)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_plug_charging_online_and_boosting(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """Each follows the cloud: plug in, charge, a profile holds back, boost, offline."""
    charge_point = bc_cloud.charge_point(EVSE_ID)
    assert [_state(hass, key) for key in ("vehicle_connected", "charging", "online")] == [
        STATE_OFF,
        STATE_OFF,
        STATE_ON,
    ]
    charge_point.plug_in()
    await _push(hass, bc_cloud)
    assert (_state(hass, "vehicle_connected"), _state(hass, "charging")) == (STATE_ON, STATE_OFF)

    charge_point.start_charging()
    await _push(hass, bc_cloud)
    assert _state(hass, "charging") == STATE_ON
    assert _state(hass, "boosting") == STATE_OFF

    # Delayed charging outside its window holds the session: plugged in, not charging.
    charge_point.delayed.enabled = True
    charge_point.delayed.start_time, charge_point.delayed.end_time = "00:00", "00:01"
    charge_point.delayed.days = [1, 2, 3, 4, 5, 6, 7]
    charge_point.settle()
    await _push(hass, bc_cloud)
    assert (_state(hass, "vehicle_connected"), _state(hass, "charging")) == (STATE_ON, STATE_OFF)
    # A boost releases it for this session.
    charge_point.boosting = True
    charge_point.settle()
    await _push(hass, bc_cloud)
    assert (_state(hass, "boosting"), _state(hass, "charging")) == (STATE_ON, STATE_ON)

    charge_point.unplug()
    await _push(hass, bc_cloud)
    assert (_state(hass, "vehicle_connected"), _state(hass, "charging")) == (STATE_OFF, STATE_OFF)
    assert _state(hass, "boosting") == STATE_OFF

    charge_point.go_offline()
    await _push(hass, bc_cloud)
    assert _state(hass, "online") == STATE_OFF
    # Offline, the cloud's plug state is stale: unknown.
    assert _state(hass, "vehicle_connected") == STATE_UNKNOWN
    assert _state(hass, "charging") == STATE_UNKNOWN
