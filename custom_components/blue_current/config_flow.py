"""Config flow: a menu of the two kinds of entry; each product brings its own steps."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigFlowResult, OptionsFlow
from homeassistant.core import callback

from .bluecurrent.flow import STEP_ACCOUNT, AccountFlowSteps
from .const import DOMAIN
from .entry import is_card_data, is_card_entry
from .shell_recharge.flow import STEP_CARD, CardFlowSteps, CardOptionsFlow


class BlueCurrentConfigFlow(AccountFlowSteps, CardFlowSteps, domain=DOMAIN):
    """Add a Blue Current account or a Shell Recharge card."""

    VERSION = 1

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> OptionsFlow:
        """The options of a card: its default EVSE."""
        return CardOptionsFlow()

    @classmethod
    @callback
    def async_supports_options_flow(cls, config_entry: ConfigEntry) -> bool:
        """Only card entries have options; accounts stay as core made them."""
        return is_card_entry(config_entry)

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Choose what to add: a Blue Current account or a Shell Recharge card."""
        return self.async_show_menu(step_id="user", menu_options=[STEP_ACCOUNT, STEP_CARD])

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """The stored token (or the card's client credentials) was refused: ask anew."""
        if is_card_data(entry_data):
            return await self.async_step_shell_reauth_confirm()
        return await self.async_step_reauth_confirm()

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change how an account or a card connects."""
        if is_card_entry(self._get_reconfigure_entry()):
            return await self.async_step_reconfigure_shell(user_input)
        return await self.async_step_reconfigure_account(user_input)
