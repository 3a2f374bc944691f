"""Base entities of an account: a charge point's or a grid's device, availability, wake-ups.

A description says what its entity shows with a `Reads`: the value function and the
status fields it depends on, made together by `from_status` or `from_charge_point`, so a
push wakes an entity exactly when one of those fields changed.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass
from typing import Any

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.device_registry import DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from ..api.bluecurrent import ChargePointStatus, GridStatus
from ..const import DOMAIN, PORTAL_URL
from ..entity import WritesOnlyChanges
from ..entry import AccountConfigEntry
from .coordinator import BlueCurrentCoordinator
from .state import STATUS_FIELDS, ChargePointData


@dataclass(frozen=True, slots=True)
class Reads[T]:
    """What an entity shows of a charge point, and the status fields that can change it."""

    value: Callable[[ChargePointData], T]
    status_fields: frozenset[str]

    def __call__(self, charge_point: ChargePointData) -> T:
        """The value for this snapshot of the charge point."""
        return self.value(charge_point)


def from_status[T](read: Callable[[ChargePointStatus], T], *names: str) -> Reads[T | None]:
    """A value computed from the status fields `names` (None before the first status)."""
    unknown = set(names) - set(STATUS_FIELDS)
    if unknown:
        raise ValueError(f"ChargePointStatus has no fields {sorted(unknown)}")

    def value(cp: ChargePointData) -> T | None:
        return None if cp.status is None else read(cp.status)

    return Reads(value, frozenset(names))


def from_charge_point[T](read: Callable[[ChargePointData], T], *status_names: str) -> Reads[T]:
    """A value from the whole snapshot: settings and the list (which wake every entity of
    the charge point when they change), plus the status fields `status_names`."""
    unknown = set(status_names) - set(STATUS_FIELDS)
    if unknown:
        raise ValueError(f"ChargePointStatus has no fields {sorted(unknown)}")
    return Reads(read, frozenset(status_names))


class AccountEntity(WritesOnlyChanges, CoordinatorEntity[BlueCurrentCoordinator]):
    """An entity that follows one charge point or grid of the account."""

    _attr_has_entity_name = True

    def __init__(
        self,
        coordinator: BlueCurrentCoordinator,
        key: str,
        description: EntityDescription,
        status_fields: frozenset[str],
    ) -> None:
        """Follow the charge point or grid `key`; a status push wakes it for `status_fields`."""
        super().__init__(coordinator)
        self.entity_description = description
        self._key = key
        self._status_fields = status_fields

    async def async_added_to_hass(self) -> None:
        """Listen to the pushes for this entity's charge point or grid."""
        await super().async_added_to_hass()
        self.async_on_remove(
            self.coordinator.key_listeners.add(
                self._key, self._handle_coordinator_update, self._status_fields
            )
        )


class ChargePointEntity(AccountEntity):
    """An entity of a charge point; unique id "{key}_{evse_id}" as in core."""

    def __init__(
        self,
        coordinator: BlueCurrentCoordinator,
        evse_id: str,
        description: EntityDescription,
        status_fields: frozenset[str] = frozenset(),
    ) -> None:
        """Describe the charge point's device."""
        super().__init__(coordinator, evse_id, description, status_fields)
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


class GridEntity(AccountEntity):
    """An entity of a grid (a building's connection), on a device of its own."""

    def __init__(
        self, coordinator: BlueCurrentCoordinator, grid_id: str, description: EntityDescription
    ) -> None:
        """Describe the grid's device; the unique id carries the grid id, unique per account."""
        # A grid has no status fields: every change of it is a change of what it shows.
        super().__init__(coordinator, grid_id, description, frozenset())
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
    entry: AccountConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    *,
    per_charge_point: Callable[[str], Iterable[Entity]] | None = None,
    per_grid: Callable[[str], Iterable[Entity]] | None = None,
) -> None:
    """Add a platform's entities for every charge point and grid, now and as more appear.

    A charge point that leaves the account is forgotten here too (its device, and so its
    entities, are removed), so that it gets its entities again when it comes back.
    """
    coordinator = entry.runtime_data
    known: dict[str, set[str]] = {"charge points": set(), "grids": set()}

    @callback
    def add_new() -> None:
        entities: list[Entity] = []
        for kind, ids, build in (
            ("charge points", coordinator.data.charge_points.keys(), per_charge_point),
            ("grids", coordinator.data.grids.keys(), per_grid),
        ):
            if build is None:
                continue
            seen = known[kind]
            seen.intersection_update(ids)  # forget those that left
            for new_id in ids - seen:
                seen.add(new_id)
                entities.extend(build(new_id))
        if entities:
            async_add_entities(entities)

    add_new()
    entry.async_on_unload(coordinator.structure_listeners.add(add_new))


type PerKey = Callable[[BlueCurrentCoordinator, str], Iterable[Entity]]


def setup_per_charge_point(
    per_charge_point: PerKey | None = None, *, per_grid: PerKey | None = None
) -> Callable[
    [HomeAssistant, AccountConfigEntry, AddConfigEntryEntitiesCallback], Coroutine[Any, Any, None]
]:
    """A platform's async_setup_entry: these entities for every charge point and grid."""

    async def async_setup_entry(
        hass: HomeAssistant,
        entry: AccountConfigEntry,
        async_add_entities: AddConfigEntryEntitiesCallback,
    ) -> None:
        coordinator = entry.runtime_data
        async_add_as_they_appear(
            entry,
            async_add_entities,
            per_charge_point=None
            if per_charge_point is None
            else lambda evse_id: per_charge_point(coordinator, evse_id),
            per_grid=None if per_grid is None else lambda grid_id: per_grid(coordinator, grid_id),
        )

    return async_setup_entry
