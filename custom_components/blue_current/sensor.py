"""Sensors of charge points, grids and Shell Recharge cards: set up by the entry's product."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .bluecurrent import sensor as account_sensor
from .entry import AnyConfigEntry, async_setup_platform
from .shell_recharge import sensor as card_sensor

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant, entry: AnyConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add the entry's sensors."""
    await async_setup_platform(
        hass,
        entry,
        async_add_entities,
        account=account_sensor.async_setup_entry,
        card=card_sensor.async_setup_entry,
    )
