"""Binary sensors of charge points and Shell Recharge cards: set up by the entry's product."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .bluecurrent import binary_sensor as account_binary_sensor
from .entry import AnyConfigEntry, async_setup_platform
from .shell_recharge import binary_sensor as card_binary_sensor

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant, entry: AnyConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add the entry's binary sensors."""
    await async_setup_platform(
        hass,
        entry,
        async_add_entities,
        account=account_binary_sensor.async_setup_entry,
        card=card_binary_sensor.async_setup_entry,
    )
