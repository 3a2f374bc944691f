"""Set-up, unload and the connection's life cycle."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.blue_current.const import DOMAIN

from .conftest import EVSE_IDS


async def test_setup_and_unload(hass: HomeAssistant, setup_account: MockConfigEntry) -> None:
    entry = setup_account
    assert entry.state is ConfigEntryState.LOADED
    coordinator = entry.runtime_data
    assert coordinator.connected
    assert sorted(coordinator.data.charge_points) == list(EVSE_IDS)
    devices = dr.async_entries_for_config_entry(dr.async_get(hass), entry.entry_id)
    assert {ident for d in devices for _, ident in d.identifiers} >= set(EVSE_IDS)
    entities = er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)
    assert entities
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.NOT_LOADED
    assert not coordinator.client.connected
    assert hass.services.has_service(DOMAIN, "start_charge_session")
