"""The Blue Current integration: charge points (push) and Shell Recharge cards (poll).

Each product lives in its own package (bluecurrent/, shell_recharge/); this module and the
platform modules beside it only hand an entry to the product it belongs to.
"""

from __future__ import annotations

from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.typing import ConfigType

from .bluecurrent import (
    PLATFORMS as ACCOUNT_PLATFORMS,
    async_remove_account,
    async_setup_account,
)
from .const import DOMAIN
from .entry import AnyConfigEntry, is_account_entry, is_card_entry
from .services import async_setup_services
from .shell_recharge import PLATFORMS as CARD_PLATFORMS, async_setup_card

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions, once, whether or not an entry loads."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: AnyConfigEntry) -> bool:
    """Connect an account, or start polling a Shell Recharge card, and set up its entities."""
    if is_card_entry(entry):
        await async_setup_card(hass, entry)
        await hass.config_entries.async_forward_entry_setups(entry, CARD_PLATFORMS)
    elif is_account_entry(entry):
        await async_setup_account(hass, entry)
        await hass.config_entries.async_forward_entry_setups(entry, ACCOUNT_PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: AnyConfigEntry) -> bool:
    """Close the connection or stop polling (through the unload callbacks); drop the entities."""
    platforms = CARD_PLATFORMS if is_card_entry(entry) else ACCOUNT_PLATFORMS
    return await hass.config_entries.async_unload_platforms(entry, platforms)


async def async_remove_entry(hass: HomeAssistant, entry: AnyConfigEntry) -> None:
    """An entry is deleted: remove what it stored besides its config entry."""
    if is_account_entry(entry):
        await async_remove_account(hass, entry)
