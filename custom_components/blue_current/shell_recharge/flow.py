"""Config-flow steps of a Shell Recharge card, and its options (the start button's EVSE).

A card is added by the partner API's client credentials and the card's EMA-ID; both are
checked by fetching a token and the card's active sessions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from homeassistant.config_entries import ConfigFlow, ConfigFlowResult, OptionsFlowWithReload
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.selector import (
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)
import probatio

from ..api.shell import (
    ShellAuthError,
    ShellEmaIdCheckError,
    ShellError,
    ShellRateLimitError,
    ShellRechargeClient,
    ShellValidationError,
    normalize_ema_id,
    validate_ema_id,
    validate_evse_id,
)
from ..const import (
    CONF_CLIENT_ID,
    CONF_CLIENT_SECRET,
    CONF_DEFAULT_EVSE_ID,
    CONF_EMA_ID,
    CONF_ENTRY_KIND,
    CONF_ENVIRONMENT,
    CONF_SERVER_URL,
    ENTRY_KIND_SHELL,
    ENVIRONMENT_PRODUCTION,
    ENVIRONMENT_TEST,
    LOGGER,
    SHELL_POLL_INTERVAL,
)
from ..form import (
    SECRET_SELECTOR,
    SECTION_ADVANCED,
    TEXT_SELECTOR,
    FormCheck,
    FormError,
    advanced_section,
    advanced_server_url,
    filled_in,
)
from . import shell_base_url

STEP_CARD = "shell_recharge"
SHELL_PORTAL_URL = "https://developer.shell.com"
HTTP_SCHEMES = frozenset({"http", "https"})

_ENVIRONMENT_SELECTOR = SelectSelector(
    SelectSelectorConfig(
        options=[ENVIRONMENT_PRODUCTION, ENVIRONMENT_TEST],
        mode=SelectSelectorMode.LIST,
        translation_key=CONF_ENVIRONMENT,
    )
)
# Text fields are optional for the frontend: a blank one is our own field error
# (filled_in), shown alone instead of next to the frontend's "not all fields" message.
_CREDENTIALS_FIELDS = {
    probatio.Optional(CONF_CLIENT_ID): TEXT_SELECTOR,
    probatio.Optional(CONF_CLIENT_SECRET): SECRET_SELECTOR,
}
_CREDENTIALS_SCHEMA = probatio.Schema(_CREDENTIALS_FIELDS)
_OPTIONS_SCHEMA = probatio.Schema({probatio.Optional(CONF_DEFAULT_EVSE_ID): TEXT_SELECTOR})


def _card_schema(form: FormCheck) -> probatio.Schema:
    """Credentials, environment, card, and the server URL in a section open on its error.

    The same for adding and reconfiguring; there an empty secret keeps the stored one.
    """
    return probatio.Schema(
        {
            **_CREDENTIALS_FIELDS,
            probatio.Required(
                CONF_ENVIRONMENT, default=ENVIRONMENT_PRODUCTION
            ): _ENVIRONMENT_SELECTOR,
            probatio.Optional(CONF_EMA_ID): TEXT_SELECTOR,
            probatio.Optional(SECTION_ADVANCED): advanced_section(open_=form.advanced_open),
        }
    )


@dataclass(frozen=True, slots=True)
class _Card:
    """What a card form says: the partner's credentials, where the API is, and the card."""

    client_id: str
    client_secret: str = field(repr=False)
    environment: str
    ema_id: str  # validated: upper case, hyphens kept
    server_url: str | None

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

    @classmethod
    def stored(cls, data: Mapping[str, Any]) -> _Card:
        return cls(
            client_id=data[CONF_CLIENT_ID],
            client_secret=data[CONF_CLIENT_SECRET],
            environment=data[CONF_ENVIRONMENT],
            ema_id=data[CONF_EMA_ID],
            server_url=data.get(CONF_SERVER_URL),
        )


def _read_ema_id(user_input: Mapping[str, Any]) -> str:
    """The EMA-ID as we send it; a wrong check character says which one it should be."""
    text = filled_in(user_input, CONF_EMA_ID, "ema_id_required")
    try:
        return validate_ema_id(text)
    except ShellEmaIdCheckError as err:
        raise FormError(
            "invalid_ema_id_check",
            {"given": err.given, "expected": err.expected},
            field=CONF_EMA_ID,
        ) from err
    except ShellValidationError as err:
        raise FormError("invalid_ema_id", field=CONF_EMA_ID) from err


def stored_number_error(data: Mapping[str, Any]) -> ShellEmaIdCheckError | None:
    """Why the card's stored number cannot be right (a card added before the check
    character was checked), or None."""
    try:
        validate_ema_id(str(data[CONF_EMA_ID]))
    except ShellEmaIdCheckError as err:
        return err
    except ShellValidationError:
        return None  # not a number the check applies to
    return None


def _read_form(user_input: Mapping[str, Any], stored_secret: str | None = None) -> _Card:
    """The card form as entered; raises FormError before anything is sent."""
    url = advanced_server_url(user_input, HTTP_SCHEMES, "invalid_shell_server_url")
    client_id = filled_in(user_input, CONF_CLIENT_ID, "client_id_required")
    if stored_secret is not None and not str(user_input.get(CONF_CLIENT_SECRET) or "").strip():
        secret = stored_secret  # reconfigure: an empty secret keeps the stored one
    else:
        secret = filled_in(user_input, CONF_CLIENT_SECRET, "client_secret_required")
    return _Card(
        client_id=client_id,
        client_secret=secret,
        environment=str(user_input[CONF_ENVIRONMENT]),
        ema_id=_read_ema_id(user_input),
        server_url=None if url is None else url.rstrip("/"),
    )


async def _async_check_card(flow: ConfigFlow, card: _Card) -> _Card:
    """Fetch a token and the card's active sessions; return the card, or raise FormError."""
    client = ShellRechargeClient(
        session=async_get_clientsession(flow.hass),
        client_id=card.client_id,
        client_secret=card.client_secret,
        base_url=shell_base_url(card.entry_data()),
    )
    try:
        await client.authenticate()
        await client.active(card.ema_id)
    except ShellAuthError as err:
        raise FormError("invalid_auth") from err
    except ShellRateLimitError as err:
        seconds = SHELL_POLL_INTERVAL if err.retry_after is None else err.retry_after
        raise FormError("shell_rate_limited", {"retry_after": f"{seconds:g}"}) from err
    except ShellValidationError as err:
        raise FormError("invalid_ema_id", field=CONF_EMA_ID) from err
    except ShellError as err:
        LOGGER.debug("Could not check the Shell Recharge card: %s", err)
        raise FormError("shell_cannot_connect") from err
    except Exception as err:
        LOGGER.exception("Unexpected error while checking a Shell Recharge card")
        raise FormError("unknown") from err
    return card


class CardFlowSteps(ConfigFlow):
    """The steps of a card entry; mixed into the integration's one config flow."""

    async def async_step_shell_recharge(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the partner credentials and the card; check them; add the card once."""
        form = FormCheck({"portal_url": SHELL_PORTAL_URL})
        if user_input is not None and (
            card := await form.attempt(lambda: _async_check_card(self, _read_form(user_input)))
        ):
            await self.async_set_unique_id(card.unique_id, raise_on_progress=False)
            self._abort_if_unique_id_configured()
            return self.async_create_entry(title=card.title, data=card.entry_data())
        return self.async_show_form(
            step_id=STEP_CARD,
            # What the user typed stays after an error, the secret too (in its password field).
            data_schema=self.add_suggested_values_to_schema(_card_schema(form), user_input),
            **form.shown(),
        )

    async def async_step_shell_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Check new client credentials for the same card."""
        entry = self._get_reauth_entry()
        form = FormCheck({"card": entry.title, "portal_url": SHELL_PORTAL_URL})
        if user_input is not None:
            stored = _Card.stored(entry.data)

            async def check() -> _Card:
                renewed = _Card(
                    client_id=filled_in(user_input, CONF_CLIENT_ID, "client_id_required"),
                    client_secret=filled_in(
                        user_input, CONF_CLIENT_SECRET, "client_secret_required"
                    ),
                    environment=stored.environment,
                    ema_id=stored.ema_id,
                    server_url=stored.server_url,
                )
                return await _async_check_card(self, renewed)

            if card := await form.attempt(check):
                return self.async_update_reload_and_abort(entry, data=card.entry_data())
        suggested = user_input or {CONF_CLIENT_ID: entry.data[CONF_CLIENT_ID]}
        return self.async_show_form(
            step_id="shell_reauth_confirm",
            data_schema=self.add_suggested_values_to_schema(_CREDENTIALS_SCHEMA, suggested),
            **form.shown(),
        )

    async def async_step_reconfigure_shell(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Change the credentials, environment or server of a card (not the card itself)."""
        entry = self._get_reconfigure_entry()
        form = FormCheck({"card": entry.title, "portal_url": SHELL_PORTAL_URL})
        if user_input is not None and (
            card := await form.attempt(
                lambda: _async_check_card(
                    self, _read_form(user_input, entry.data[CONF_CLIENT_SECRET])
                )
            )
        ):
            await self.async_set_unique_id(card.unique_id, raise_on_progress=False)
            if stored_number_error(entry.data) is not None:
                # The stored number was never a card Shell knows: this corrects it. The
                # device and entities of the wrong number go; the card's own come back.
                self._abort_if_unique_id_configured()
                devices = dr.async_get(self.hass)
                for device in dr.async_entries_for_config_entry(devices, entry.entry_id):
                    devices.async_remove_device(device.id)
                return self.async_update_reload_and_abort(
                    entry, unique_id=card.unique_id, title=card.title, data=card.entry_data()
                )
            self._abort_if_unique_id_mismatch(
                reason="wrong_card", description_placeholders={"card": entry.title}
            )
            return self.async_update_reload_and_abort(entry, data=card.entry_data())
        suggested: Mapping[str, Any] | None = user_input
        if suggested is None:
            stored = _Card.stored(entry.data)
            suggested = {
                CONF_CLIENT_ID: stored.client_id,
                CONF_ENVIRONMENT: stored.environment,
                CONF_EMA_ID: stored.ema_id,
            }
            if stored.server_url is not None:
                suggested[SECTION_ADVANCED] = {CONF_SERVER_URL: stored.server_url}
        return self.async_show_form(
            step_id="reconfigure_shell",
            data_schema=self.add_suggested_values_to_schema(_card_schema(form), suggested),
            **form.shown(),
        )


class CardOptionsFlow(OptionsFlowWithReload):
    """The EVSE a card's start button uses; empty for none (the button is then unavailable)."""

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> ConfigFlowResult:
        """Ask for the default EVSE id; the entry reloads when it changed."""
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        if (wrong := stored_number_error(self.config_entry.data)) is not None:
            # The card cannot work until its number is corrected (Reconfigure): say so here.
            errors["base"] = "invalid_ema_id_check"
            placeholders = {"given": wrong.given, "expected": wrong.expected}
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
            data_schema=self.add_suggested_values_to_schema(_OPTIONS_SCHEMA, suggested),
            errors=errors,
            description_placeholders=placeholders,
        )
