"""Config flow: add a Blue Current account by its API token; reauthenticate; reconfigure.

The account form lives in `_async_account_form` so that another kind of entry can join
later: `async_step_user` then becomes a menu and the account form moves to its own step.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigFlow, ConfigFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import section
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import TextSelector, TextSelectorConfig, TextSelectorType
from homeassistant.util import dt as dt_util
import probatio
from yarl import URL

from .api.bluecurrent import (
    DEFAULT_URL,
    Account,
    BlueCurrentAlreadyConnectedError,
    BlueCurrentAuthError,
    BlueCurrentClient,
    BlueCurrentConnectionError,
    BlueCurrentProtocolError,
    BlueCurrentRateLimitError,
)
from .const import CONF_API_TOKEN, CONF_SERVER_URL, DOMAIN, LOGGER, PORTAL_URL

# The server URL is for testing against another server; it sits in a collapsed section.
SECTION_ADVANCED = "advanced"
WEBSOCKET_SCHEMES = frozenset({"ws", "wss"})

_TOKEN_SELECTOR = TextSelector(
    TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="off")
)
_URL_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))

_TOKEN_ONLY_SCHEMA = probatio.Schema({probatio.Required(CONF_API_TOKEN): _TOKEN_SELECTOR})
_TOKEN_AND_SERVER_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_API_TOKEN): _TOKEN_SELECTOR,
        probatio.Optional(SECTION_ADVANCED): section(
            probatio.Schema({probatio.Optional(CONF_SERVER_URL): _URL_SELECTOR}),
            {"collapsed": True},
        ),
    }
)


class _FormError(Exception):
    """A problem to show on the form: a key of `config.error` and its placeholders."""

    def __init__(self, error: str, placeholders: Mapping[str, str] | None = None) -> None:
        super().__init__(error)
        self.error = error
        self.placeholders = dict(placeholders or {})


def _is_websocket_url(url: str) -> bool:
    try:
        parsed = URL(url)
    except ValueError:
        return False
    return parsed.scheme in WEBSOCKET_SCHEMES and bool(parsed.host)


def _read_form(user_input: Mapping[str, Any]) -> tuple[str, str | None]:
    """The token and the server URL (None: the default server) the user entered."""
    token = str(user_input[CONF_API_TOKEN]).strip()
    advanced: Mapping[str, Any] = user_input.get(SECTION_ADVANCED) or {}
    url = str(advanced.get(CONF_SERVER_URL) or "").strip() or None
    if url is not None and not _is_websocket_url(url):
        raise _FormError("invalid_server_url")
    return token, url


def _entry_data(
    token: str, url: str | None, previous: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Entry data as core's integration stores it; server_url only when one was given."""
    data = {k: v for k, v in (previous or {}).items() if k not in (CONF_API_TOKEN, CONF_SERVER_URL)}
    data[CONF_API_TOKEN] = token
    if url is not None:
        data[CONF_SERVER_URL] = url
    return data


def _local_time(moment: datetime) -> str:
    return dt_util.as_local(moment).strftime("%Y-%m-%d %H:%M:%S %Z")


async def _async_read_account(hass: HomeAssistant, token: str, url: str | None) -> Account:
    """Check the token with Blue Current and return its account, or raise _FormError."""
    client = BlueCurrentClient(async_get_clientsession(hass), token, url=url or DEFAULT_URL)
    try:
        return await client.get_account()
    except BlueCurrentAuthError as err:
        raise _FormError("invalid_token") from err
    except BlueCurrentRateLimitError as err:
        raise _FormError("limit_reached", {"reset_at": _local_time(err.reset_at)}) from err
    except BlueCurrentAlreadyConnectedError as err:
        raise _FormError("already_connected") from err
    except (BlueCurrentConnectionError, BlueCurrentProtocolError) as err:
        LOGGER.debug("Could not check the Blue Current token: %s", err)
        raise _FormError("cannot_connect") from err
    except Exception as err:
        LOGGER.exception("Unexpected error while checking a Blue Current token")
        raise _FormError("unknown") from err


class BlueCurrentConfigFlow(ConfigFlow, domain=DOMAIN):
    """Set up a Blue Current account."""

    VERSION = 1

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the API token of the account to add."""
        return await self._async_account_form("user", user_input)

    async def _async_account_form(
        self, step_id: str, user_input: dict[str, Any] | None
    ) -> ConfigFlowResult:
        """The account form: check the token, then add the account once."""
        errors: dict[str, str] = {}
        placeholders = {"portal_url": PORTAL_URL}
        if user_input is not None:
            try:
                token, url = _read_form(user_input)
                account = await _async_read_account(self.hass, token, url)
            except _FormError as err:
                errors["base"] = err.error
                placeholders.update(err.placeholders)
            else:
                await self.async_set_unique_id(account.customer_id, raise_on_progress=False)
                self._abort_if_unique_id_configured()
                return self.async_create_entry(title=account.email, data=_entry_data(token, url))
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(
                _TOKEN_AND_SERVER_SCHEMA, _advanced_only(user_input)
            ),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """Blue Current refused the stored token: ask for a new one."""
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Check a new token for the same account; keep the server URL."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        placeholders = {"email": entry.title, "portal_url": PORTAL_URL}
        if user_input is not None:
            token = str(user_input[CONF_API_TOKEN]).strip()
            try:
                account = await _async_read_account(
                    self.hass, token, entry.data.get(CONF_SERVER_URL)
                )
            except _FormError as err:
                errors["base"] = err.error
                placeholders.update(err.placeholders)
            else:
                data = {**entry.data, CONF_API_TOKEN: token}
                return await self._async_update_account(entry, account, data)
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=_TOKEN_ONLY_SCHEMA,
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the token (and the server URL) of an account."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        placeholders = {"email": entry.title, "portal_url": PORTAL_URL}
        if user_input is not None:
            try:
                token, url = _read_form(user_input)
                account = await _async_read_account(self.hass, token, url)
            except _FormError as err:
                errors["base"] = err.error
                placeholders.update(err.placeholders)
            else:
                data = _entry_data(token, url, entry.data)
                return await self._async_update_account(entry, account, data)
        suggested = _advanced_only(user_input)
        if suggested is None and CONF_SERVER_URL in entry.data:
            suggested = {SECTION_ADVANCED: {CONF_SERVER_URL: entry.data[CONF_SERVER_URL]}}
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(_TOKEN_AND_SERVER_SCHEMA, suggested),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def _async_update_account(
        self, entry: ConfigEntry, account: Account, data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Store the new data when the token belongs to the entry's account, and reload."""
        await self.async_set_unique_id(account.customer_id, raise_on_progress=False)
        self._abort_if_unique_id_mismatch(
            reason="wrong_account", description_placeholders={"email": entry.title}
        )
        return self.async_update_reload_and_abort(entry, data=data)


def _advanced_only(user_input: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """What to show again after an error: the server URL, never the token."""
    if user_input is None or SECTION_ADVANCED not in user_input:
        return None
    return {SECTION_ADVANCED: user_input[SECTION_ADVANCED]}
