"""Keep the entities (and so the history) of a user coming from core's blue_current."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er

from ..const import DOMAIN, LOGGER
from ..entry import AccountConfigEntry
from .entity import grid_unique_id

# Core gave its grid sensors these bare keys as unique ids: two accounts would collide.
CORE_GRID_KEYS = (
    "grid_actual_p1",
    "grid_actual_p2",
    "grid_actual_p3",
    "grid_avg_current",
    "grid_max_current",
)


@callback
def async_listen_for_core_grid(hass: HomeAssistant, entry: AccountConfigEntry) -> CALLBACK_TYPE:
    """Once the grid of the first charge point is known, move core's grid sensors onto it.

    Core showed the grid of the account's first charge point; its sensors keep their entity
    ids and history and get a unique id that names the grid.
    """
    coordinator = entry.runtime_data

    @callback
    def migrate_when_known() -> None:
        first = next(iter(coordinator.data.charge_points), None)
        grid_id = coordinator.data.grid_of_charge_point.get(first) if first else None
        if grid_id is not None:
            async_migrate_core_grid_ids(hass, entry, grid_id)
            unsubscribe()

    unsubscribe = coordinator.structure_listeners.add(migrate_when_known)
    return unsubscribe


@callback
def async_migrate_core_grid_ids(
    hass: HomeAssistant, entry: AccountConfigEntry, grid_id: str
) -> None:
    """Give this entry's bare-key grid sensors the grid-scoped unique id."""
    registry = er.async_get(hass)
    for key in CORE_GRID_KEYS:
        entity_id = registry.async_get_entity_id(Platform.SENSOR, DOMAIN, key)
        if entity_id is None:
            continue
        registry_entry = registry.async_get(entity_id)
        if registry_entry is None or registry_entry.config_entry_id != entry.entry_id:
            continue
        new_id = grid_unique_id(key, grid_id)
        if registry.async_get_entity_id(Platform.SENSOR, DOMAIN, new_id) is not None:
            continue
        LOGGER.debug("Moving %s to unique id %s", entity_id, new_id)
        registry.async_update_entity(entity_id, new_unique_id=new_id)
