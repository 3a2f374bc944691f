"""Base entity of a Shell Recharge card: one device per card, unique ids "{key}_{card}"."""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import Entity, EntityDescription
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from ..const import DOMAIN
from ..entity import WritesOnlyChanges
from ..entry import CardConfigEntry
from .coordinator import ShellCoordinator

SHELL_MANUFACTURER = "Shell Recharge"
SHELL_MODEL = "Charge card"


def card_name(card_id: str) -> str:
    """The card's device name: the end of its number only, as on a bank statement.

    The whole EMA-ID stays in the config entry; the device registry, entity ids and logs
    that Home Assistant derives from the device name never carry it.
    """
    return f"Shell Recharge card {card_id[-5:]}"


class ShellCardEntity(WritesOnlyChanges, CoordinatorEntity[ShellCoordinator]):
    """An entity of a card, identified by its compact EMA-ID, named by the end of it."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: ShellCoordinator, description: EntityDescription) -> None:
        """Describe the card's device."""
        super().__init__(coordinator)
        self.entity_description = description
        self._attr_unique_id = f"{description.key}_{coordinator.card_id}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, coordinator.card_id)},
            name=card_name(coordinator.card_id),
            manufacturer=SHELL_MANUFACTURER,
            model=SHELL_MODEL,
            entry_type=DeviceEntryType.SERVICE,
        )


def setup_per_card[D: EntityDescription](
    build: Callable[[ShellCoordinator, D], Entity], descriptions: Sequence[D]
) -> Callable[
    [HomeAssistant, CardConfigEntry, AddConfigEntryEntitiesCallback], Coroutine[Any, Any, None]
]:
    """A platform's async_setup_entry: one entity per description for the card."""

    async def async_setup_entry(
        hass: HomeAssistant,
        entry: CardConfigEntry,
        async_add_entities: AddConfigEntryEntitiesCallback,
    ) -> None:
        async_add_entities(build(entry.runtime_data, d) for d in descriptions)

    return async_setup_entry
