"""Base entities: device info, availability, and writing state only when it changed."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from .api.bluecurrent import GridStatus
from .const import DOMAIN, PORTAL_URL
from .coordinator import BlueCurrentCoordinator
from .data import ChargePointData

_UNSET = object()


class BlueCurrentEntity(CoordinatorEntity[BlueCurrentCoordinator]):
    """An entity that follows one charge point or grid of the coordinator.

    Pushes for its charge point or grid wake it; it writes its state only when what it
    shows (`_shown`) differs from what it last wrote, so one changed field of a status
    push costs one state write, not one per entity of the charge point.
    """

    _attr_has_entity_name = True
    # The ChargePointStatus fields the entity shows (None: all); descriptions may say instead.
    _status_fields: frozenset[str] | None = None

    def __init__(
        self, coordinator: BlueCurrentCoordinator, key: str, description: EntityDescription
    ) -> None:
        """Bind the entity to the charge point or grid with id `key`."""
        super().__init__(coordinator)
        self.entity_description = description
        self._key = key
        self._written: object = _UNSET

    async def async_added_to_hass(self) -> None:
        """Subscribe to the pushes for this entity's charge point or grid."""
        await super().async_added_to_hass()
        status_fields = getattr(self.entity_description, "status_fields", self._status_fields)
        self.async_on_remove(
            self.coordinator.async_add_key_listener(
                self._key, self._handle_coordinator_update, status_fields
            )
        )
        self._written = self._shown()

    def _shown(self) -> object:
        """What the entity shows; its state is written again only when this changes."""
        return self.available

    @callback
    def _handle_coordinator_update(self) -> None:
        shown = self._shown()
        if shown != self._written:
            self._written = shown
            self.async_write_ha_state()


class ChargePointEntity(BlueCurrentEntity):
    """An entity of a charge point; unique id "{key}_{evse_id}" as in core."""

    def __init__(
        self, coordinator: BlueCurrentCoordinator, evse_id: str, description: EntityDescription
    ) -> None:
        """Describe the charge point's device."""
        super().__init__(coordinator, evse_id, description)
        self.evse_id = evse_id
        self._attr_unique_id = f"{description.key}_{evse_id}"
        info = coordinator.data.charge_points[evse_id].info
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, evse_id)},
            name=info.name or evse_id,
            manufacturer="Blue Current",
            model=info.model_type,
            model_id=info.chargepoint_type,
            serial_number=evse_id,
            configuration_url=PORTAL_URL,
        )

    @property
    def charge_point(self) -> ChargePointData | None:
        """The charge point's current snapshot; None once it left the account."""
        return self.coordinator.data.charge_points.get(self.evse_id)

    @property
    def available(self) -> bool:
        """Connected, and the charge point is still on the account."""
        return self.coordinator.connected and self.evse_id in self.coordinator.data.charge_points


class GridEntity(BlueCurrentEntity):
    """An entity of a grid (a building's connection), on a device of its own."""

    def __init__(
        self, coordinator: BlueCurrentCoordinator, grid_id: str, description: EntityDescription
    ) -> None:
        """Describe the grid's device; the unique id carries the grid id, unique per account."""
        super().__init__(coordinator, grid_id, description)
        self.grid_id = grid_id
        self._attr_unique_id = grid_unique_id(description.key, grid_id)
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, grid_id)},
            name=grid_id,
            manufacturer="Blue Current",
            model="Grid",
            configuration_url=PORTAL_URL,
        )

    @property
    def grid(self) -> GridStatus | None:
        """The grid's current snapshot."""
        return self.coordinator.data.grids.get(self.grid_id)

    @property
    def available(self) -> bool:
        """Connected, and the grid is known."""
        return self.coordinator.connected and self.grid_id in self.coordinator.data.grids


def grid_unique_id(key: str, grid_id: str) -> str:
    """Core used the bare key, which collides across accounts; we add the grid id."""
    return f"{key}_{grid_id}"


@callback
def async_add_as_they_appear(
    entry: ConfigEntry,
    coordinator: BlueCurrentCoordinator,
    async_add_entities: AddConfigEntryEntitiesCallback,
    *,
    per_charge_point: Callable[[str], Iterable[Entity]] | None = None,
    per_grid: Callable[[str], Iterable[Entity]] | None = None,
) -> None:
    """Add a platform's entities for every charge point and grid, now and as more appear."""
    known: set[str] = set()

    @callback
    def add_new() -> None:
        entities: list[Entity] = []
        for ids, build in (
            (coordinator.data.charge_points.keys(), per_charge_point),
            (coordinator.data.grids.keys(), per_grid),
        ):
            if build is None:
                continue
            for new_id in ids - known:
                known.add(new_id)
                entities.extend(build(new_id))
        if entities:
            async_add_entities(entities)

    add_new()
    entry.async_on_unload(coordinator.async_add_structure_listener(add_new))
