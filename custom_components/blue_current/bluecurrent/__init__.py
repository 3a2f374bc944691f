"""A Blue Current account: its websocket connection, charge points, grids and cards."""

from __future__ import annotations

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from ..api.bluecurrent import DEFAULT_URL, BlueCurrentClient
from ..const import CONF_API_TOKEN, CONF_SERVER_URL
from ..entry import AccountConfigEntry
from .coordinator import BlueCurrentCoordinator
from .limit import CurrentLimits, async_forget_owned
from .migration import async_listen_for_core_grid

# The platforms of an account.
PLATFORMS = [
    Platform.BINARY_SENSOR,
    Platform.BUTTON,
    Platform.EVENT,
    Platform.NUMBER,
    Platform.SELECT,
    Platform.SENSOR,
    Platform.SWITCH,
    Platform.TIME,
]


async def async_setup_account(hass: HomeAssistant, entry: AccountConfigEntry) -> None:
    """Connect the account; return once its charge points are known."""
    client = BlueCurrentClient(
        async_get_clientsession(hass),
        entry.data[CONF_API_TOKEN],
        url=entry.data.get(CONF_SERVER_URL, DEFAULT_URL),
    )
    coordinator = BlueCurrentCoordinator(hass, entry, client)
    entry.runtime_data = coordinator
    coordinator.limits = CurrentLimits(hass, coordinator)
    await coordinator.limits.async_load()
    entry.async_on_unload(coordinator.limits.async_shutdown)
    entry.async_on_unload(async_listen_for_core_grid(hass, entry))
    await coordinator.async_start()


async def async_remove_account(hass: HomeAssistant, entry: AccountConfigEntry) -> None:
    """Delete what the account stored beside its entry."""
    await async_forget_owned(hass, entry.entry_id)
