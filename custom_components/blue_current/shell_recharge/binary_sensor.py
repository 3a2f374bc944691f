"""Binary sensors of a Shell Recharge card: whether a session holds an EVSE (charging)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass

from .entity import ShellCardEntity, setup_per_card
from .models import CardData


@dataclass(frozen=True, kw_only=True)
class ShellCardBinarySensorDescription(BinarySensorEntityDescription):
    """A binary sensor of a card; is_on_fn reads it from the card's data."""

    is_on_fn: Callable[[CardData], bool]


SHELL_BINARY_SENSORS: tuple[ShellCardBinarySensorDescription, ...] = (
    ShellCardBinarySensorDescription(
        key="charging",
        translation_key="charging",
        device_class=BinarySensorDeviceClass.BATTERY_CHARGING,
        is_on_fn=lambda card: card.charging,
    ),
)


class ShellCardBinarySensor(ShellCardEntity, BinarySensorEntity):
    """A binary sensor of a Shell Recharge card."""

    entity_description: ShellCardBinarySensorDescription

    @property
    def is_on(self) -> bool:
        """The value from the card's data."""
        return self.entity_description.is_on_fn(self.coordinator.data)


# One of each for the card.
async_setup_entry = setup_per_card(ShellCardBinarySensor, SHELL_BINARY_SENSORS)
