"""Diagnostics of an entry: each product describes its own; shared: the entry itself."""

from __future__ import annotations

from typing import Any

from homeassistant.core import HomeAssistant

from .bluecurrent.diagnostics import account_diagnostics
from .entry import AnyConfigEntry, is_account_entry, is_card_entry
from .shell_recharge.diagnostics import card_diagnostics


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: AnyConfigEntry
) -> dict[str, Any]:
    """Describe an entry; nothing that identifies the user or grants access."""
    if is_card_entry(entry):
        return card_diagnostics(entry)
    if is_account_entry(entry):
        return account_diagnostics(entry)
    raise ValueError(f"not an entry of {entry.domain}")
