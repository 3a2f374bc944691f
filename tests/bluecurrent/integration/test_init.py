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


async def test_what_a_typical_owner_gets_enabled(
    hass: HomeAssistant, setup_account: MockConfigEntry
) -> None:
    """Per charge point, enabled by default: the charging controls, what evcc and the Energy
    dashboard need, and the basics; everything else is there, disabled.

    19 per charge point keeps a 500-charge-point account within Home Assistant's 10,000
    entities per entry (the bench checks it).
    """
    registry = er.async_get(hass)
    entries = er.async_entries_for_config_entry(registry, setup_account.entry_id)
    of_first = [e for e in entries if e.unique_id.endswith(f"_{EVSE_IDS[0]}")]
    enabled = {
        f"{e.domain}.{e.unique_id.removesuffix(f'_{EVSE_IDS[0]}')}"
        for e in of_first
        if e.disabled_by is None
    }
    assert enabled == {
        "switch.charging",
        "number.charging_current_limit",
        "select.smart_charging_profile",
        "binary_sensor.vehicle_connected",
        "binary_sensor.charging",
        "sensor.lifetime_energy",
        "sensor.charging_state",  # evcc's status
        # Before smart charging arrived.
        "select.charge_card",
        "switch.plug_and_charge",
        "switch.linked_charge_cards_only",
        "switch.block",
        "sensor.activity",
        "sensor.actual_kwh",
        "sensor.avg_current",
        "sensor.power",
        "sensor.total_cost",
        "sensor.start_datetime",
        "button.start_charge_session",
        "button.stop_charge_session",
    }
    assert len(of_first) == 56  # all of them, the disabled ones included
