"""Number entities of a charge point: set up by the Blue Current account it belongs to."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .bluecurrent import number as account_number
from .entry import AnyConfigEntry, async_setup_platform

PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant, entry: AnyConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add the entry's number entities."""
    await async_setup_platform(
        hass, entry, async_add_entities, account=account_number.async_setup_entry
    )
