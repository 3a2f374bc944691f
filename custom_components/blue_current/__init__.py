"""The Blue Current integration: charge points (push) and Shell Recharge cards (poll)."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.typing import ConfigType

from .api.bluecurrent import DEFAULT_URL, BlueCurrentClient
from .const import CONF_API_TOKEN, CONF_SERVER_URL, DOMAIN
from .coordinator import BlueCurrentConfigEntry, BlueCurrentCoordinator
from .migration import async_listen_for_core_grid
from .services import async_setup_services

PLATFORMS = [Platform.BUTTON, Platform.SELECT, Platform.SENSOR, Platform.SWITCH]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions, once, whether or not an entry loads."""
    async_setup_services(hass)
    return True


async def async_setup_entry(hass: HomeAssistant, entry: BlueCurrentConfigEntry) -> bool:
    """Connect an account and set up its entities."""
    client = BlueCurrentClient(
        async_get_clientsession(hass),
        entry.data[CONF_API_TOKEN],
        url=entry.data.get(CONF_SERVER_URL, DEFAULT_URL),
    )
    coordinator = BlueCurrentCoordinator(hass, entry, client)
    entry.runtime_data = coordinator
    entry.async_on_unload(async_listen_for_core_grid(hass, entry))
    await coordinator.async_start()
    await hass.config_entries.async_forward_entry_setups(entry, PLATFORMS)
    return True


async def async_unload_entry(hass: HomeAssistant, entry: BlueCurrentConfigEntry) -> bool:
    """Close the connection (through the entry's unload callbacks) and drop the entities."""
    return await hass.config_entries.async_unload_platforms(entry, PLATFORMS)
