"""Config-flow steps of a Blue Current account: add by API token, reauthenticate, reconfigure.

The entry data is exactly what core's blue_current stores ({"api_token"}), plus the server
URL only when the user changed it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigFlow, ConfigFlowResult
from homeassistant.helpers.aiohttp_client import async_get_clientsession
import probatio

from ..api.bluecurrent import (
    DEFAULT_URL,
    Account,
    BlueCurrentAlreadyConnectedError,
    BlueCurrentAuthError,
    BlueCurrentClient,
    BlueCurrentConnectionError,
    BlueCurrentProtocolError,
    BlueCurrentRateLimitError,
)
from ..const import CONF_API_TOKEN, CONF_SERVER_URL, LOGGER, PORTAL_URL
from ..form import (
    SECRET_SELECTOR,
    SECTION_ADVANCED,
    FormCheck,
    FormError,
    advanced_section,
    advanced_server_url,
    filled_in,
)
from ..timefmt import local_time

STEP_ACCOUNT = "blue_current"
WEBSOCKET_SCHEMES = frozenset({"ws", "wss"})
# Optional for the frontend: a blank token is our own field error (filled_in).
_TOKEN_ONLY_SCHEMA = probatio.Schema({probatio.Optional(CONF_API_TOKEN): SECRET_SELECTOR})


def _token_and_server_schema(form: FormCheck) -> probatio.Schema:
    """The token, and the server URL in a section that is open when it holds the error."""
    return probatio.Schema(
        {
            probatio.Optional(CONF_API_TOKEN): SECRET_SELECTOR,
            probatio.Optional(SECTION_ADVANCED): advanced_section(open_=form.advanced_open),
        }
    )


def _read_token(user_input: Mapping[str, Any]) -> str:
    """The token as typed, trimmed; a blank one is refused before anything is sent."""
    return filled_in(user_input, CONF_API_TOKEN, "token_required")


def _read_form(user_input: Mapping[str, Any]) -> tuple[str, str | None]:
    """The token and the server URL (None: the default server) the user entered."""
    url = advanced_server_url(user_input, WEBSOCKET_SCHEMES, "invalid_server_url")
    return _read_token(user_input), url


def _entry_data(
    token: str, url: str | None, previous: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Entry data as core's integration stores it; server_url only when one was given."""
    data = {k: v for k, v in (previous or {}).items() if k not in (CONF_API_TOKEN, CONF_SERVER_URL)}
    data[CONF_API_TOKEN] = token
    if url is not None:
        data[CONF_SERVER_URL] = url
    return data


async def _async_check_form(
    flow: ConfigFlow, user_input: Mapping[str, Any], previous: Mapping[str, Any] | None = None
) -> tuple[Account, dict[str, Any]]:
    """The account behind the form's token, and the entry data to store; or FormError."""
    token, url = _read_form(user_input)
    account = await _async_read_account(flow, token, url)
    return account, _entry_data(token, url, previous)


async def _async_read_account(flow: ConfigFlow, token: str, url: str | None) -> Account:
    """Check the token with Blue Current and return its account, or raise FormError."""
    client = BlueCurrentClient(async_get_clientsession(flow.hass), token, url=url or DEFAULT_URL)
    try:
        return await client.get_account()
    except BlueCurrentAuthError as err:
        raise FormError("invalid_token") from err
    except BlueCurrentRateLimitError as err:
        raise FormError("limit_reached", {"reset_at": local_time(err.reset_at)}) from err
    except BlueCurrentAlreadyConnectedError as err:
        raise FormError("already_connected") from err
    except (BlueCurrentConnectionError, BlueCurrentProtocolError) as err:
        LOGGER.debug("Could not check the Blue Current token: %s", err)
        raise FormError("cannot_connect") from err
    except Exception as err:
        LOGGER.exception("Unexpected error while checking a Blue Current token")
        raise FormError("unknown") from err


class AccountFlowSteps(ConfigFlow):
    """The steps of an account entry; mixed into the integration's one config flow."""

    async def async_step_blue_current(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the API token of the account to add; check it; add the account once."""
        form = FormCheck({"portal_url": PORTAL_URL})
        if user_input is not None and (
            checked := await form.attempt(lambda: _async_check_form(self, user_input))
        ):
            account, data = checked
            await self.async_set_unique_id(account.customer_id, raise_on_progress=False)
            self._abort_if_unique_id_configured()
            return self.async_create_entry(title=account.email, data=data)
        # After an error the form shows what the user typed, the token too (in its
        # password field), so it can be corrected rather than typed again.
        return self.async_show_form(
            step_id=STEP_ACCOUNT,
            data_schema=self.add_suggested_values_to_schema(
                _token_and_server_schema(form), user_input
            ),
            **form.shown(),
        )

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Check a new token for the same account; keep the server URL."""
        entry = self._get_reauth_entry()
        form = FormCheck({"email": entry.title, "portal_url": PORTAL_URL})
        if user_input is not None:

            async def check() -> tuple[Account, str]:
                token = _read_token(user_input)
                url = entry.data.get(CONF_SERVER_URL)
                return await _async_read_account(self, token, url), token

            if checked := await form.attempt(check):
                account, token = checked
                data = {**entry.data, CONF_API_TOKEN: token}
                return await self._async_update_account(entry, account, data)
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=self.add_suggested_values_to_schema(_TOKEN_ONLY_SCHEMA, user_input),
            **form.shown(),
        )

    async def async_step_reconfigure_account(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the token (and the server URL) of an account."""
        entry = self._get_reconfigure_entry()
        form = FormCheck({"email": entry.title, "portal_url": PORTAL_URL})
        if user_input is not None and (
            checked := await form.attempt(lambda: _async_check_form(self, user_input, entry.data))
        ):
            return await self._async_update_account(entry, *checked)
        suggested: Mapping[str, Any] | None = user_input
        if suggested is None and CONF_SERVER_URL in entry.data:
            suggested = {SECTION_ADVANCED: {CONF_SERVER_URL: entry.data[CONF_SERVER_URL]}}
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                _token_and_server_schema(form), suggested
            ),
            **form.shown(),
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
