"""Binary sensors of Shell Recharge cards: set up by the card entry."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .entry import AnyConfigEntry, async_setup_platform
from .shell_recharge import binary_sensor as card_binary_sensor

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant, entry: AnyConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add the entry's binary sensors."""
    await async_setup_platform(
        hass, entry, async_add_entities, card=card_binary_sensor.async_setup_entry
    )
