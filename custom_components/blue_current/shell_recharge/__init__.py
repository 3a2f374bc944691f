"""A Shell Recharge charge card: its public charging sessions, polled from the partner API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ConfigEntryError
from homeassistant.helpers.aiohttp_client import async_get_clientsession

from ..api.shell import (
    PRODUCTION_URL,
    TEST_URL,
    ShellEmaIdCheckError,
    ShellRechargeClient,
    validate_ema_id,
)
from ..const import (
    CONF_CLIENT_ID,
    CONF_CLIENT_SECRET,
    CONF_EMA_ID,
    CONF_ENVIRONMENT,
    CONF_SERVER_URL,
    DOMAIN,
    ENVIRONMENT_TEST,
)
from ..entry import CardConfigEntry
from .coordinator import ShellCoordinator

PLATFORMS = [Platform.BINARY_SENSOR, Platform.BUTTON, Platform.SENSOR]


def shell_base_url(data: Mapping[str, Any]) -> str:
    """The Shell API host of a card: the server URL if given, else its environment's."""
    server_url = data.get(CONF_SERVER_URL)
    if server_url:
        return str(server_url)
    return TEST_URL if data.get(CONF_ENVIRONMENT) == ENVIRONMENT_TEST else PRODUCTION_URL


async def async_setup_card(hass: HomeAssistant, entry: CardConfigEntry) -> None:
    """Read the card's sessions once; from then on they are polled.

    A card stored with a wrong check character (added before it was checked) is no card
    Shell knows: the entry does not load, and says which character the number calls for.
    """
    try:
        validate_ema_id(entry.data[CONF_EMA_ID])
    except ShellEmaIdCheckError as err:
        raise ConfigEntryError(
            translation_domain=DOMAIN,
            translation_key="shell_invalid_ema_id_check",
            translation_placeholders={"given": err.given, "expected": err.expected},
        ) from err
    coordinator = ShellCoordinator(
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
    await coordinator.async_config_entry_first_refresh()
    entry.runtime_data = coordinator
