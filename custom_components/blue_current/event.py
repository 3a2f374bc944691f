"""The session event entity of a charge point: set up by its Blue Current account."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .bluecurrent import event as account_event
from .entry import AnyConfigEntry, async_setup_platform

PARALLEL_UPDATES = 0


async def async_setup_entry(
    hass: HomeAssistant, entry: AnyConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add the entry's event entities."""
    await async_setup_platform(
        hass, entry, async_add_entities, account=account_event.async_setup_entry
    )
