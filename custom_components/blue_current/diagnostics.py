"""Diagnostics of an account or a Shell Recharge card: the entry and what the cloud told us."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data
from homeassistant.core import HomeAssistant

from .const import CONF_API_TOKEN, CONF_CLIENT_ID, CONF_CLIENT_SECRET, CONF_EMA_ID
from .coordinator import BlueCurrentCoordinator
from .shell_coordinator import AnyConfigEntry, ShellCoordinator

# Keys redacted wherever they occur: secrets, the account's identity, card numbers, names
# and the places of the charge points.
TO_REDACT = frozenset(
    {
        CONF_API_TOKEN,
        "email",
        "login",
        "title",
        "unique_id",
        "uid",
        "card_id",
        "id",
        "name",
        "customer_name",
        "latitude",
        "longitude",
        "x_coord",
        "y_coord",
    }
)


# A card entry: the partner's credentials, any token, and the card's number (also in the
# title, the unique id and each session), and the API's id of the card's user.
SHELL_TO_REDACT = frozenset(
    {
        CONF_CLIENT_ID,
        CONF_CLIENT_SECRET,
        CONF_EMA_ID,
        "access_token",
        "token",
        "title",
        "unique_id",
        "user_id",
    }
)


async def async_get_config_entry_diagnostics(
    hass: HomeAssistant, entry: AnyConfigEntry
) -> dict[str, Any]:
    """Describe an entry; nothing that identifies the user or grants access."""
    coordinator = entry.runtime_data
    if isinstance(coordinator, ShellCoordinator):
        return _shell_diagnostics(entry, coordinator)
    return _account_diagnostics(entry, coordinator)


def _entry(entry: AnyConfigEntry) -> dict[str, Any]:
    return {
        "title": entry.title,
        "unique_id": entry.unique_id,
        "version": entry.version,
        "minor_version": entry.minor_version,
        "data": dict(entry.data),
        "options": dict(entry.options),
    }


def _shell_diagnostics(entry: AnyConfigEntry, coordinator: ShellCoordinator) -> dict[str, Any]:
    card = coordinator.data
    quiet_until = coordinator.rate_limited_until
    interval = coordinator.update_interval
    diagnostics = {
        "entry": _entry(entry),
        "polling": {
            "last_update_success": coordinator.last_update_success,
            "last_exception": None
            if coordinator.last_exception is None
            else str(coordinator.last_exception),
            "update_interval": None if interval is None else interval.total_seconds(),
            "following": list(coordinator.following),
            "rate_limited_until": None if quiet_until is None else quiet_until.isoformat(),
        },
        "card": {
            "active": [asdict(session) for session in card.active],
            "session": None if card.session is None else asdict(card.session),
            "last_error": None if card.last_error is None else asdict(card.last_error),
        },
    }
    return async_redact_data(diagnostics, SHELL_TO_REDACT)


def _account_diagnostics(
    entry: AnyConfigEntry, coordinator: BlueCurrentCoordinator
) -> dict[str, Any]:
    data = coordinator.data
    diagnostics = {
        "entry": _entry(entry),
        "connection": {
            "connected": coordinator.connected,
            "socket_open": coordinator.client.connected,
        },
        "charge_points": {
            evse_id: asdict(charge_point) for evse_id, charge_point in data.charge_points.items()
        },
        "grids": {grid_id: asdict(grid) for grid_id, grid in data.grids.items()},
        "grid_of_charge_point": dict(data.grid_of_charge_point),
        "cards": [asdict(card) for card in data.cards],
    }
    return async_redact_data(diagnostics, TO_REDACT)
