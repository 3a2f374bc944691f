"""The Blue Current integration: charge points (push) and Shell Recharge cards (poll)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import config_validation as cv
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.typing import ConfigType

from .api.bluecurrent import DEFAULT_URL, BlueCurrentClient
from .api.shell import PRODUCTION_URL, TEST_URL, ShellRechargeClient
from .const import (
    CONF_API_TOKEN,
    CONF_CLIENT_ID,
    CONF_CLIENT_SECRET,
    CONF_EMA_ID,
    CONF_ENVIRONMENT,
    CONF_SERVER_URL,
    DOMAIN,
    ENVIRONMENT_TEST,
)
from .coordinator import BlueCurrentCoordinator
from .migration import async_listen_for_core_grid
from .services import async_setup_services
from .shell_coordinator import AnyConfigEntry, ShellCoordinator, is_account_entry, is_shell_entry

# The platforms of each kind of entry: accounts (as before cards arrived) and cards.
PLATFORMS = [Platform.BUTTON, Platform.SELECT, Platform.SENSOR, Platform.SWITCH]
SHELL_PLATFORMS = [Platform.BINARY_SENSOR, Platform.BUTTON, Platform.SENSOR]

CONFIG_SCHEMA = cv.config_entry_only_config_schema(DOMAIN)


async def async_setup(hass: HomeAssistant, config: ConfigType) -> bool:
    """Register the actions, once, whether or not an entry loads."""
    async_setup_services(hass)
    return True


def shell_base_url(data: Mapping[str, Any]) -> str:
    """The Shell API host of a card entry: the server URL if given, else its environment's."""
    server_url = data.get(CONF_SERVER_URL)
    if server_url:
        return str(server_url)
    return TEST_URL if data.get(CONF_ENVIRONMENT) == ENVIRONMENT_TEST else PRODUCTION_URL


async def async_setup_entry(hass: HomeAssistant, entry: AnyConfigEntry) -> bool:
    """Connect an account, or start polling a Shell Recharge card, and set up its entities."""
    if is_shell_entry(entry):
        shell = ShellCoordinator(
            hass,
            entry,
            ShellRechargeClient(
                session=async_get_clientsession(hass),
                client_id=entry.data[CONF_CLIENT_ID],
                client_secret=entry.data[CONF_CLIENT_SECRET],
                base_url=shell_base_url(entry.data),
            ),
            entry.data[CONF_EMA_ID],
        )
        await shell.async_config_entry_first_refresh()
        entry.runtime_data = shell
        await hass.config_entries.async_forward_entry_setups(entry, SHELL_PLATFORMS)
    elif is_account_entry(entry):
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


async def async_unload_entry(hass: HomeAssistant, entry: AnyConfigEntry) -> bool:
    """Close the connection or stop polling (through the unload callbacks); drop the entities."""
    platforms = SHELL_PLATFORMS if is_shell_entry(entry) else PLATFORMS
    return await hass.config_entries.async_unload_platforms(entry, platforms)
