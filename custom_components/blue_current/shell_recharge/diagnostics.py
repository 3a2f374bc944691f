"""Diagnostics of a Shell Recharge card: the entry, the polling and the card's sessions."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from homeassistant.components.diagnostics import async_redact_data

from ..const import CONF_CLIENT_ID, CONF_CLIENT_SECRET, CONF_EMA_ID
from ..entry import CardConfigEntry, entry_diagnostics

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


def card_diagnostics(entry: CardConfigEntry) -> dict[str, Any]:
    """Describe a card; neither the partner's credentials nor the card's number."""
    coordinator = entry.runtime_data
    card = coordinator.data
    quiet_until = coordinator.rate_limited_until
    interval = coordinator.update_interval
    diagnostics = {
        "entry": entry_diagnostics(entry),
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
