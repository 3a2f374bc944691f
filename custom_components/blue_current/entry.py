"""The two kinds of config entry: a Blue Current account and a Shell Recharge card."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeGuard

from homeassistant.config_entries import ConfigEntry
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .const import CONF_ENTRY_KIND, ENTRY_KIND_SHELL

if TYPE_CHECKING:
    from .bluecurrent.coordinator import BlueCurrentCoordinator
    from .shell_recharge.coordinator import ShellCoordinator

type AccountConfigEntry = ConfigEntry[BlueCurrentCoordinator]
type CardConfigEntry = ConfigEntry[ShellCoordinator]
# Platforms, diagnostics and actions serve both kinds; the entry data tells which one it is.
type AnyConfigEntry = ConfigEntry[BlueCurrentCoordinator | ShellCoordinator]

type PlatformSetup[E: ConfigEntry[Any]] = Callable[
    [HomeAssistant, E, AddConfigEntryEntitiesCallback], Awaitable[None]
]


def is_card_data(data: Mapping[str, Any]) -> bool:
    """Whether entry data is a Shell Recharge card's (an account's carries no kind, as core's)."""
    return data.get(CONF_ENTRY_KIND) == ENTRY_KIND_SHELL


def is_card_entry(entry: ConfigEntry[Any]) -> TypeGuard[CardConfigEntry]:
    """Whether the entry is a Shell Recharge card."""
    return is_card_data(entry.data)


def is_account_entry(entry: ConfigEntry[Any]) -> TypeGuard[AccountConfigEntry]:
    """Whether the entry is a Blue Current account."""
    return not is_card_data(entry.data)


async def async_setup_platform(
    hass: HomeAssistant,
    entry: AnyConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
    *,
    account: PlatformSetup[AccountConfigEntry] | None = None,
    card: PlatformSetup[CardConfigEntry] | None = None,
) -> None:
    """Hand a platform's set-up to the product the entry belongs to."""
    if is_card_entry(entry):
        if card is not None:
            await card(hass, entry, async_add_entities)
    elif is_account_entry(entry) and account is not None:
        await account(hass, entry, async_add_entities)


def entry_diagnostics(entry: ConfigEntry[Any]) -> dict[str, Any]:
    """The entry as stored (each product redacts what identifies the user)."""
    return {
        "title": entry.title,
        "unique_id": entry.unique_id,
        "version": entry.version,
        "minor_version": entry.minor_version,
        "data": dict(entry.data),
        "options": dict(entry.options),
    }
