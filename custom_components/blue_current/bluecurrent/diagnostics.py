"""Diagnostics of an account: the entry, the connection and what the cloud told us."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data

from ..const import CONF_API_TOKEN
from ..entry import AccountConfigEntry, entry_diagnostics

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


def account_diagnostics(entry: AccountConfigEntry) -> dict[str, Any]:
    """Describe an account; nothing that identifies the user or grants access."""
    coordinator = entry.runtime_data
    data = coordinator.data
    diagnostics = {
        "entry": entry_diagnostics(entry),
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
        # None until the cloud listed them; the current limits are the ones marked ours.
        "override_schedules": None
        if data.overrides is None
        else [asdict(schedule) for schedule in data.overrides],
        "current_limit_schedules": coordinator.limits.owned,
    }
    return async_redact_data(diagnostics, TO_REDACT)
