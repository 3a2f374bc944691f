"""Config flow: a menu of two kinds of entry, each with reauthentication and reconfiguration.

A Blue Current account is added by its API token (entry data exactly as core stores it). A
Shell Recharge charge card is added by the partner API's client credentials and the card's
EMA-ID; its options hold the EVSE its start button uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from homeassistant.config_entries import (
    ConfigEntry,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlow,
    OptionsFlowWithReload,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.data_entry_flow import section
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
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
from .api.shell import (
    PRODUCTION_URL as SHELL_PRODUCTION_URL,
    TEST_URL as SHELL_TEST_URL,
    ShellAuthError,
    ShellError,
    ShellRateLimitError,
    ShellRechargeClient,
    ShellValidationError,
    normalize_ema_id,
    validate_ema_id,
    validate_evse_id,
)
from .const import (
    CONF_API_TOKEN,
    CONF_CLIENT_ID,
    CONF_CLIENT_SECRET,
    CONF_DEFAULT_EVSE_ID,
    CONF_EMA_ID,
    CONF_ENTRY_KIND,
    CONF_ENVIRONMENT,
    CONF_SERVER_URL,
    DOMAIN,
    ENTRY_KIND_SHELL,
    ENVIRONMENT_PRODUCTION,
    ENVIRONMENT_TEST,
    LOGGER,
    PORTAL_URL,
    SHELL_POLL_INTERVAL,
)

# The server URL is for testing against another server; it sits in a collapsed section.
SECTION_ADVANCED = "advanced"
WEBSOCKET_SCHEMES = frozenset({"ws", "wss"})
HTTP_SCHEMES = frozenset({"http", "https"})
# The two kinds of entry the user step offers.
MENU_ACCOUNT = "blue_current"
MENU_SHELL = "shell_recharge"
SHELL_PORTAL_URL = "https://developer.shell.com"

_TOKEN_SELECTOR = TextSelector(
    TextSelectorConfig(type=TextSelectorType.PASSWORD, autocomplete="off")
)
_URL_SELECTOR = TextSelector(TextSelectorConfig(type=TextSelectorType.URL))
_TEXT_SELECTOR = TextSelector()
_ENVIRONMENT_SELECTOR = SelectSelector(
    SelectSelectorConfig(
        options=[ENVIRONMENT_PRODUCTION, ENVIRONMENT_TEST],
        mode=SelectSelectorMode.LIST,
        translation_key=CONF_ENVIRONMENT,
    )
)

_ADVANCED_SECTION = section(
    probatio.Schema({probatio.Optional(CONF_SERVER_URL): _URL_SELECTOR}), {"collapsed": True}
)

_TOKEN_ONLY_SCHEMA = probatio.Schema({probatio.Required(CONF_API_TOKEN): _TOKEN_SELECTOR})
_TOKEN_AND_SERVER_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_API_TOKEN): _TOKEN_SELECTOR,
        probatio.Optional(SECTION_ADVANCED): _ADVANCED_SECTION,
    }
)

_SHELL_CARD_FIELDS = {
    probatio.Required(CONF_ENVIRONMENT, default=ENVIRONMENT_PRODUCTION): _ENVIRONMENT_SELECTOR,
    probatio.Required(CONF_EMA_ID): _TEXT_SELECTOR,
    probatio.Optional(SECTION_ADVANCED): _ADVANCED_SECTION,
}
_SHELL_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_CLIENT_ID): _TEXT_SELECTOR,
        probatio.Required(CONF_CLIENT_SECRET): _TOKEN_SELECTOR,
        **_SHELL_CARD_FIELDS,
    }
)
# Reconfigure: an empty secret keeps the stored one (secrets are never shown again).
_SHELL_RECONFIGURE_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_CLIENT_ID): _TEXT_SELECTOR,
        probatio.Optional(CONF_CLIENT_SECRET): _TOKEN_SELECTOR,
        **_SHELL_CARD_FIELDS,
    }
)
_SHELL_CREDENTIALS_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_CLIENT_ID): _TEXT_SELECTOR,
        probatio.Required(CONF_CLIENT_SECRET): _TOKEN_SELECTOR,
    }
)
_SHELL_OPTIONS_SCHEMA = probatio.Schema({probatio.Optional(CONF_DEFAULT_EVSE_ID): _TEXT_SELECTOR})


class _FormError(Exception):
    """A problem to show on the form: a key of `config.error`, its field and placeholders."""

    def __init__(
        self,
        error: str,
        placeholders: Mapping[str, str] | None = None,
        *,
        field: str = "base",
    ) -> None:
        super().__init__(error)
        self.error = error
        self.field = field
        self.placeholders = dict(placeholders or {})


@dataclass(frozen=True, slots=True)
class _ShellCard:
    """What a Shell form says: the partner's credentials, where the API is, and the card."""

    client_id: str
    client_secret: str = field(repr=False)
    environment: str
    ema_id: str  # validated: upper case, hyphens kept
    server_url: str | None

    @property
    def base_url(self) -> str:
        if self.server_url is not None:
            return self.server_url
        return SHELL_TEST_URL if self.environment == ENVIRONMENT_TEST else SHELL_PRODUCTION_URL

    @property
    def unique_id(self) -> str:
        return normalize_ema_id(self.ema_id)

    @property
    def title(self) -> str:
        return f"Shell Recharge {self.ema_id}"

    def entry_data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            CONF_ENTRY_KIND: ENTRY_KIND_SHELL,
            CONF_CLIENT_ID: self.client_id,
            CONF_CLIENT_SECRET: self.client_secret,
            CONF_ENVIRONMENT: self.environment,
            CONF_EMA_ID: self.ema_id,
        }
        if self.server_url is not None:
            data[CONF_SERVER_URL] = self.server_url
        return data


def _is_websocket_url(url: str) -> bool:
    try:
        parsed = URL(url)
    except ValueError:
        return False
    return parsed.scheme in WEBSOCKET_SCHEMES and bool(parsed.host)


def _is_http_url(url: str) -> bool:
    try:
        parsed = URL(url)
    except ValueError:
        return False
    return parsed.scheme in HTTP_SCHEMES and bool(parsed.host)


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


def _read_shell_form(user_input: Mapping[str, Any], stored_secret: str | None = None) -> _ShellCard:
    """The card form as entered; raises _FormError before anything is sent."""
    advanced: Mapping[str, Any] = user_input.get(SECTION_ADVANCED) or {}
    url = str(advanced.get(CONF_SERVER_URL) or "").strip().rstrip("/") or None
    if url is not None and not _is_http_url(url):
        raise _FormError("invalid_shell_server_url")
    try:
        ema_id = validate_ema_id(str(user_input[CONF_EMA_ID]))
    except ShellValidationError as err:
        raise _FormError("invalid_ema_id", field=CONF_EMA_ID) from err
    return _ShellCard(
        client_id=str(user_input[CONF_CLIENT_ID]).strip(),
        client_secret=str(user_input.get(CONF_CLIENT_SECRET) or "").strip()
        or (stored_secret or ""),
        environment=str(user_input[CONF_ENVIRONMENT]),
        ema_id=ema_id,
        server_url=url,
    )


def _stored_card(data: Mapping[str, Any]) -> _ShellCard:
    return _ShellCard(
        client_id=data[CONF_CLIENT_ID],
        client_secret=data[CONF_CLIENT_SECRET],
        environment=data[CONF_ENVIRONMENT],
        ema_id=data[CONF_EMA_ID],
        server_url=data.get(CONF_SERVER_URL),
    )


async def _async_check_card(hass: HomeAssistant, card: _ShellCard) -> None:
    """Fetch a token and the card's active sessions, or raise _FormError."""
    client = ShellRechargeClient(
        session=async_get_clientsession(hass),
        client_id=card.client_id,
        client_secret=card.client_secret,
        base_url=card.base_url,
    )
    try:
        await client.authenticate()
        await client.active(card.ema_id)
    except ShellAuthError as err:
        raise _FormError("invalid_auth") from err
    except ShellRateLimitError as err:
        seconds = SHELL_POLL_INTERVAL if err.retry_after is None else err.retry_after
        raise _FormError("shell_rate_limited", {"retry_after": f"{seconds:g}"}) from err
    except ShellValidationError as err:
        raise _FormError("invalid_ema_id", field=CONF_EMA_ID) from err
    except ShellError as err:
        LOGGER.debug("Could not check the Shell Recharge card: %s", err)
        raise _FormError("shell_cannot_connect") from err
    except Exception as err:
        LOGGER.exception("Unexpected error while checking a Shell Recharge card")
        raise _FormError("unknown") from err


def _shell_suggestions(user_input: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """What to show again after an error: everything but the secret."""
    if user_input is None:
        return None
    return {k: v for k, v in user_input.items() if k != CONF_CLIENT_SECRET}


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

    @staticmethod
    @callback
    def async_get_options_flow(config_entry: ConfigEntry) -> OptionsFlow:
        """The options of a card: its default EVSE."""
        return ShellOptionsFlow()

    @classmethod
    @callback
    def async_supports_options_flow(cls, config_entry: ConfigEntry) -> bool:
        """Only card entries have options; accounts stay as core made them."""
        return config_entry.data.get(CONF_ENTRY_KIND) == ENTRY_KIND_SHELL

    async def async_step_user(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Choose what to add: a Blue Current account or a Shell Recharge card."""
        return self.async_show_menu(step_id="user", menu_options=[MENU_ACCOUNT, MENU_SHELL])

    async def async_step_blue_current(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the API token of the account to add; check it; add the account once."""
        errors: dict[str, str] = {}
        placeholders = {"portal_url": PORTAL_URL}
        if user_input is not None:
            try:
                token, url = _read_form(user_input)
                account = await _async_read_account(self.hass, token, url)
            except _FormError as err:
                errors[err.field] = err.error
                placeholders.update(err.placeholders)
            else:
                await self.async_set_unique_id(account.customer_id, raise_on_progress=False)
                self._abort_if_unique_id_configured()
                return self.async_create_entry(title=account.email, data=_entry_data(token, url))
        return self.async_show_form(
            step_id=MENU_ACCOUNT,
            data_schema=self.add_suggested_values_to_schema(
                _TOKEN_AND_SERVER_SCHEMA, _advanced_only(user_input)
            ),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_shell_recharge(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the partner credentials and the card; check them; add the card once."""
        errors: dict[str, str] = {}
        placeholders = {"portal_url": SHELL_PORTAL_URL}
        if user_input is not None:
            try:
                card = _read_shell_form(user_input)
                await _async_check_card(self.hass, card)
            except _FormError as err:
                errors[err.field] = err.error
                placeholders.update(err.placeholders)
            else:
                await self.async_set_unique_id(card.unique_id, raise_on_progress=False)
                self._abort_if_unique_id_configured()
                return self.async_create_entry(title=card.title, data=card.entry_data())
        return self.async_show_form(
            step_id=MENU_SHELL,
            data_schema=self.add_suggested_values_to_schema(
                _SHELL_SCHEMA, _shell_suggestions(user_input)
            ),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def async_step_reauth(self, entry_data: Mapping[str, Any]) -> ConfigFlowResult:
        """The stored token (or the card's client credentials) was refused: ask anew."""
        if entry_data.get(CONF_ENTRY_KIND) == ENTRY_KIND_SHELL:
            return await self.async_step_shell_reauth_confirm()
        return await self.async_step_reauth_confirm()

    async def async_step_shell_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Check new client credentials for the same card."""
        entry = self._get_reauth_entry()
        errors: dict[str, str] = {}
        placeholders = {"card": entry.title, "portal_url": SHELL_PORTAL_URL}
        if user_input is not None:
            stored = _stored_card(entry.data)
            card = _ShellCard(
                client_id=str(user_input[CONF_CLIENT_ID]).strip(),
                client_secret=str(user_input[CONF_CLIENT_SECRET]).strip(),
                environment=stored.environment,
                ema_id=stored.ema_id,
                server_url=stored.server_url,
            )
            try:
                await _async_check_card(self.hass, card)
            except _FormError as err:
                errors[err.field] = err.error
                placeholders.update(err.placeholders)
            else:
                return self.async_update_reload_and_abort(entry, data=card.entry_data())
        suggested = {CONF_CLIENT_ID: entry.data[CONF_CLIENT_ID]}
        return self.async_show_form(
            step_id="shell_reauth_confirm",
            data_schema=self.add_suggested_values_to_schema(_SHELL_CREDENTIALS_SCHEMA, suggested),
            errors=errors,
            description_placeholders=placeholders,
        )

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
                errors[err.field] = err.error
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
        if entry.data.get(CONF_ENTRY_KIND) == ENTRY_KIND_SHELL:
            return await self.async_step_reconfigure_shell(user_input)
        errors: dict[str, str] = {}
        placeholders = {"email": entry.title, "portal_url": PORTAL_URL}
        if user_input is not None:
            try:
                token, url = _read_form(user_input)
                account = await _async_read_account(self.hass, token, url)
            except _FormError as err:
                errors[err.field] = err.error
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

    async def async_step_reconfigure_shell(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the credentials, environment or server of a card (not the card itself)."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        placeholders = {"card": entry.title, "portal_url": SHELL_PORTAL_URL}
        if user_input is not None:
            try:
                card = _read_shell_form(user_input, entry.data[CONF_CLIENT_SECRET])
                await _async_check_card(self.hass, card)
            except _FormError as err:
                errors[err.field] = err.error
                placeholders.update(err.placeholders)
            else:
                await self.async_set_unique_id(card.unique_id, raise_on_progress=False)
                self._abort_if_unique_id_mismatch(
                    reason="wrong_card", description_placeholders={"card": entry.title}
                )
                return self.async_update_reload_and_abort(entry, data=card.entry_data())
        suggested = _shell_suggestions(user_input)
        if suggested is None:
            stored = _stored_card(entry.data)
            suggested = {
                CONF_CLIENT_ID: stored.client_id,
                CONF_ENVIRONMENT: stored.environment,
                CONF_EMA_ID: stored.ema_id,
            }
            if stored.server_url is not None:
                suggested[SECTION_ADVANCED] = {CONF_SERVER_URL: stored.server_url}
        return self.async_show_form(
            step_id="reconfigure_shell",
            data_schema=self.add_suggested_values_to_schema(_SHELL_RECONFIGURE_SCHEMA, suggested),
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


class ShellOptionsFlow(OptionsFlowWithReload):
    """The EVSE a card's start button uses; empty for none (the button is then unavailable)."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the default EVSE id; the entry reloads when it changed."""
        errors: dict[str, str] = {}
        if user_input is not None:
            text = str(user_input.get(CONF_DEFAULT_EVSE_ID) or "").strip()
            if not text:
                return self.async_create_entry(data={})
            try:
                evse_id = validate_evse_id(text)
            except ShellValidationError:
                errors[CONF_DEFAULT_EVSE_ID] = "invalid_evse_id"
            else:
                return self.async_create_entry(data={CONF_DEFAULT_EVSE_ID: evse_id})
        suggested = user_input if user_input is not None else dict(self.config_entry.options)
        return self.async_show_form(
            step_id="init",
            data_schema=self.add_suggested_values_to_schema(_SHELL_OPTIONS_SCHEMA, suggested),
            errors=errors,
        )
