"""The integration's actions: each product registers its own, once, at start-up."""

from __future__ import annotations

from homeassistant.core import HomeAssistant, callback

from .bluecurrent.services import async_register_services as async_register_account_services
from .bluecurrent.smart_services import async_register_smart_services
from .shell_recharge.services import async_register_services as async_register_card_services


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions of both products (a charge point's smart charging among them)."""
    async_register_account_services(hass)
    async_register_smart_services(hass)
    async_register_card_services(hass)
