"""Base entity of a Shell Recharge card: one device per card, unique ids "{key}_{card}"."""

from __future__ import annotations

from homeassistant.helpers.device_registry import DeviceEntryType, DeviceInfo
from homeassistant.helpers.entity import EntityDescription
from homeassistant.helpers.update_coordinator import CoordinatorEntity

from ..const import DOMAIN
from ..entity import WritesOnlyChanges
from .coordinator import ShellCoordinator

SHELL_MANUFACTURER = "Shell Recharge"
SHELL_MODEL = "Charge card"


class ShellCardEntity(WritesOnlyChanges, CoordinatorEntity[ShellCoordinator]):
    """An entity of a card; the card is named by its compact EMA-ID (upper case, no hyphens)."""

    _attr_has_entity_name = True

    def __init__(self, coordinator: ShellCoordinator, description: EntityDescription) -> None:
        """Describe the card's device."""
        super().__init__(coordinator)
        self.entity_description = description
        self._attr_unique_id = f"{description.key}_{coordinator.card_id}"
        self._attr_device_info = DeviceInfo(
            identifiers={(DOMAIN, coordinator.card_id)},
            name=coordinator.config_entry.title,
            manufacturer=SHELL_MANUFACTURER,
            model=SHELL_MODEL,
            serial_number=coordinator.ema_id,
            entry_type=DeviceEntryType.SERVICE,
        )
