"""A user of core's blue_current switches to this integration and keeps every entity.

The entity and device registries are built the way core leaves them (core's unique ids,
entity ids and devices, its grid sensors with bare keys and no device), then our
integration sets up the unchanged config entry.
"""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.util import slugify
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.blue_current import DOMAIN
from custom_components.blue_current.api import bluecurrent
from custom_components.blue_current.bluecurrent import migration
from simulator.server import Simulator

from .conftest import API_TOKEN, CUSTOMER_ID, EMAIL, EVSE_IDS

# Core's charge-point entities: (platform, key, English name, enabled by default).
CORE_CHARGE_POINT_ENTITIES = (
    (Platform.SENSOR, "actual_v1", "Voltage phase 1", False),
    (Platform.SENSOR, "actual_v2", "Voltage phase 2", False),
    (Platform.SENSOR, "actual_v3", "Voltage phase 3", False),
    (Platform.SENSOR, "avg_voltage", "Average voltage", True),
    (Platform.SENSOR, "actual_p1", "Current phase 1", False),
    (Platform.SENSOR, "actual_p2", "Current phase 2", False),
    (Platform.SENSOR, "actual_p3", "Current phase 3", False),
    (Platform.SENSOR, "avg_current", "Average current", True),
    (Platform.SENSOR, "total_kw", "Total power", True),
    (Platform.SENSOR, "actual_kwh", "Energy usage", True),
    (Platform.SENSOR, "total_cost", "Total cost", True),
    (Platform.SENSOR, "vehicle_status", "Vehicle status", True),
    (Platform.SENSOR, "activity", "Activity", True),
    (Platform.SENSOR, "max_usage", "Max usage", True),
    (Platform.SENSOR, "smartcharging_max_usage", "Smart charging max usage", False),
    (Platform.SENSOR, "max_offline", "Offline max usage", False),
    (Platform.SENSOR, "current_left", "Remaining current", False),
    (Platform.SENSOR, "start_datetime", "Started on", True),
    (Platform.SENSOR, "stop_datetime", "Stopped on", True),
    (Platform.SENSOR, "offline_since", "Offline since", True),
    (Platform.BUTTON, "reset", "Reset", True),
    (Platform.BUTTON, "reboot", "Reboot", True),
    (Platform.BUTTON, "stop_charge_session", "Stop charge session", True),
    (Platform.SWITCH, "plug_and_charge", "Plug & Charge", True),
    (Platform.SWITCH, "linked_charge_cards_only", "Linked charging cards only", True),
    (Platform.SWITCH, "block", "Block charge point", True),
)
# Core's grid sensors: bare keys as unique ids, no device.
CORE_GRID_ENTITIES = (
    ("grid_actual_p1", "Grid current phase 1", False),
    ("grid_actual_p2", "Grid current phase 2", False),
    ("grid_actual_p3", "Grid current phase 3", False),
    ("grid_avg_current", "Average grid current", True),
    ("grid_max_current", "Max grid current", True),
)
CHARGE_POINT_NAMES = {"BCU100001": "Driveway", "BCU100002": "Garage"}


def _build_core_registries(hass: HomeAssistant, entry: MockConfigEntry) -> dict[str, str]:
    """Registry entries as core creates them; returns unique id → entity id."""
    devices = dr.async_get(hass)
    entities = er.async_get(hass)
    created: dict[str, str] = {}
    for evse_id in EVSE_IDS:
        device = devices.async_get_or_create(
            config_entry_id=entry.entry_id,
            identifiers={(DOMAIN, evse_id)},
            name=CHARGE_POINT_NAMES[evse_id],
            manufacturer="Blue Current",
            model="U:MOVE22",
        )
        for platform, key, name, enabled in CORE_CHARGE_POINT_ENTITIES:
            registered = entities.async_get_or_create(
                platform,
                DOMAIN,
                f"{key}_{evse_id}",
                config_entry=entry,
                device_id=device.id,
                suggested_object_id=slugify(f"{CHARGE_POINT_NAMES[evse_id]} {name}"),
                disabled_by=None if enabled else er.RegistryEntryDisabler.INTEGRATION,
            )
            created[registered.unique_id] = registered.entity_id
    for key, name, enabled in CORE_GRID_ENTITIES:
        registered = entities.async_get_or_create(
            Platform.SENSOR,
            DOMAIN,
            key,
            config_entry=entry,
            suggested_object_id=slugify(name),
            disabled_by=None if enabled else er.RegistryEntryDisabler.INTEGRATION,
        )
        created[registered.unique_id] = registered.entity_id
    return created


async def test_core_user_keeps_every_entity(
    hass: HomeAssistant, bc_simulator: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Core's entry holds only the token; it talks to the default server, here the simulator.
    monkeypatch.setattr(bluecurrent.client, "DEFAULT_URL", bc_simulator.bluecurrent_url)
    monkeypatch.setattr(
        "custom_components.blue_current.bluecurrent.DEFAULT_URL", bc_simulator.bluecurrent_url
    )
    entry = MockConfigEntry(
        domain=DOMAIN, title=EMAIL, unique_id=CUSTOMER_ID, data={"api_token": API_TOKEN}
    )
    entry.add_to_hass(hass)
    core_entities = _build_core_registries(hass, entry)
    assert len(core_entities) == len(EVSE_IDS) * len(CORE_CHARGE_POINT_ENTITIES) + len(
        CORE_GRID_ENTITIES
    )

    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.data == {"api_token": API_TOKEN}  # loaded unchanged
    registry = er.async_get(hass)
    grid_id = entry.runtime_data.data.grid_of_charge_point[EVSE_IDS[0]]
    for unique_id, entity_id in core_entities.items():
        kept = registry.async_get(entity_id)
        assert kept is not None, f"{entity_id} disappeared"
        assert kept.platform == DOMAIN
        assert kept.config_entry_id == entry.entry_id
        if unique_id in migration.CORE_GRID_KEYS:
            # Same entity id, history kept; the unique id now names the grid.
            assert kept.unique_id == f"{unique_id}_{grid_id}"
            assert kept.device_id is not None
        else:
            assert kept.unique_id == unique_id
    # No duplicate appeared next to a kept entity (HA would have added "_2").
    ours = er.async_entries_for_config_entry(registry, entry.entry_id)
    ids = {e.entity_id for e in ours}
    assert not [entity_id for entity_id in core_entities.values() if f"{entity_id}_2" in ids]
    # Unique per platform (a switch and a binary sensor may share a key, as "charging").
    assert len({(e.domain, e.unique_id) for e in ours}) == len(ours)
    # Kept entities work: the activity of each charge point has a state.
    for evse_id in EVSE_IDS:
        state = hass.states.get(core_entities[f"activity_{evse_id}"])
        assert state is not None
        assert state.state == "available"
    # And the integration added what core lacked, next to them.
    new = {e.unique_id for e in ours} - {
        registry.async_get(entity_id).unique_id for entity_id in core_entities.values()
    }
    assert f"power_{EVSE_IDS[0]}" in new
    assert f"start_charge_session_{EVSE_IDS[0]}" in new


async def test_grid_migration_leaves_other_accounts_alone(
    hass: HomeAssistant, setup_account: MockConfigEntry
) -> None:
    other = MockConfigEntry(domain=DOMAIN, unique_id="other", data={"api_token": "x"})
    other.add_to_hass(hass)
    registry = er.async_get(hass)
    foreign = registry.async_get_or_create(
        Platform.SENSOR, DOMAIN, "grid_max_current", config_entry=other
    )
    migration.async_migrate_core_grid_ids(hass, setup_account, "GRID-X")
    assert registry.async_get(foreign.entity_id).unique_id == "grid_max_current"
