"""Buttons of charge points and Shell Recharge cards: set up by the entry's product."""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .bluecurrent import button as account_button
from .entry import AnyConfigEntry, async_setup_platform
from .shell_recharge import button as card_button

PARALLEL_UPDATES = 1


async def async_setup_entry(
    hass: HomeAssistant, entry: AnyConfigEntry, async_add_entities: AddConfigEntryEntitiesCallback
) -> None:
    """Add the entry's buttons."""
    await async_setup_platform(
        hass,
        entry,
        async_add_entities,
        account=account_button.async_setup_entry,
        card=card_button.async_setup_entry,
    )
