"""The Shell Recharge part of the config flow: the menu, the card form, reauth, reconfigure,
and the options (the default EVSE). Entries the flow creates really load, from the simulator."""

from __future__ import annotations

from typing import Any

import aiohttp
from homeassistant.config_entries import SOURCE_USER, ConfigEntryState, ConfigFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, section
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.blue_current import shell_recharge as card_package
from custom_components.blue_current.api.shell import PRODUCTION_URL, TEST_URL
from custom_components.blue_current.const import (
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
)
from custom_components.blue_current.form import SECTION_ADVANCED
from custom_components.blue_current.shell_recharge import shell_base_url
from simulator.server import Simulator
from simulator.shell import Corruption, ShellCloud

from .conftest import (
    CARD_ID,
    CLIENT_ID,
    CLIENT_SECRET,
    EMA_ID,
    EVSE_ID,
    OTHER_EMA_ID,
    TITLE,
    card_data,
)

PORTAL = {"portal_url": "https://developer.shell.com"}


def _form(
    url: str | None,
    *,
    ema_id: str = EMA_ID,
    secret: str | None = CLIENT_SECRET,
    client_id: str = CLIENT_ID,
    environment: str = "production",
) -> dict[str, Any]:
    """What the frontend sends for the card form."""
    form: dict[str, Any] = {
        CONF_CLIENT_ID: client_id,
        CONF_ENVIRONMENT: environment,
        CONF_EMA_ID: ema_id,
        SECTION_ADVANCED: {} if url is None else {CONF_SERVER_URL: url},
    }
    if secret is not None:
        form[CONF_CLIENT_SECRET] = secret
    return form


async def _card_form(hass: HomeAssistant) -> ConfigFlowResult:
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert result["menu_options"] == ["blue_current", "shell_recharge"]
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "shell_recharge"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "shell_recharge"
    assert result["errors"] == {}
    assert result["description_placeholders"] == PORTAL
    return result


def _suggested(result: ConfigFlowResult) -> dict[str, Any]:
    """The values the form suggests, the advanced section's under its own key."""
    schema = result["data_schema"]
    assert schema is not None
    values: dict[str, Any] = {}
    for key, value in schema.schema.items():
        if isinstance(value, section):
            inner = {
                str(k): (k.description or {}).get("suggested_value") for k in value.schema.schema
            }
            values[str(key)] = {k: v for k, v in inner.items() if v is not None}
        elif (suggested := (key.description or {}).get("suggested_value")) is not None:
            values[str(key)] = suggested
    return values


def _advanced_open(result: ConfigFlowResult) -> bool:
    schema = result["data_schema"]
    assert schema is not None
    advanced = schema.schema[SECTION_ADVANCED]
    assert isinstance(advanced, section)
    return advanced.options == {"collapsed": False}


async def test_card_form_creates_a_loaded_entry(
    hass: HomeAssistant, shell_simulator: Simulator, shell_cloud: ShellCloud
) -> None:
    result = await _card_form(hass)
    schema = result["data_schema"]
    assert schema is not None
    advanced = schema.schema[SECTION_ADVANCED]
    assert isinstance(advanced, section)
    assert advanced.options == {"collapsed": True}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"],
        _form(shell_simulator.base_url + "/", ema_id=" nl-tnm-c00122045-k ", client_id=" id "),
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _form(shell_simulator.base_url + "/", ema_id=" nl-tnm-c00122045-k ")
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == TITLE
    assert result["data"] == card_data(shell_simulator.base_url)
    entry = result["result"]
    assert entry.unique_id == CARD_ID
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED
    # Validation fetched a token and the card's active sessions.
    active = [r for r in shell_cloud.requests if r.path == "/ev/v2/charge-session/active"]
    assert active[0].query == {"emaId": EMA_ID}


async def test_default_servers_follow_the_environment(
    hass: HomeAssistant, shell_simulator: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a server URL the entry names only the environment."""
    # Tests may not reach Shell: both environments are the simulator here.
    monkeypatch.setattr(card_package, "PRODUCTION_URL", shell_simulator.base_url)
    monkeypatch.setattr(card_package, "TEST_URL", shell_simulator.base_url)

    result = await _card_form(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _form(None, environment="test")
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {
        CONF_ENTRY_KIND: ENTRY_KIND_SHELL,
        CONF_CLIENT_ID: CLIENT_ID,
        CONF_CLIENT_SECRET: CLIENT_SECRET,
        CONF_ENVIRONMENT: "test",
        CONF_EMA_ID: EMA_ID,
    }
    await hass.async_block_till_done()
    assert result["result"].state is ConfigEntryState.LOADED

    other = await _card_form(hass)
    other = await hass.config_entries.flow.async_configure(
        other["flow_id"], _form(None, ema_id=OTHER_EMA_ID)
    )
    assert other["type"] is FlowResultType.CREATE_ENTRY
    assert other["data"][CONF_ENVIRONMENT] == "production"


def test_base_url_of_an_entry() -> None:
    assert shell_base_url({CONF_ENVIRONMENT: "production"}) == PRODUCTION_URL
    assert shell_base_url({CONF_ENVIRONMENT: "test"}) == TEST_URL
    assert shell_base_url({CONF_ENVIRONMENT: "test", CONF_SERVER_URL: "http://h:1"}) == "http://h:1"


async def test_card_already_configured(
    hass: HomeAssistant, shell_simulator: Simulator, shell_entry: MockConfigEntry
) -> None:
    """Another spelling of the same card is the same card."""
    shell_entry.add_to_hass(hass)
    result = await _card_form(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _form(shell_simulator.base_url, ema_id="NLTNMC00122045K")
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


@pytest.mark.parametrize(
    "ema_id", ["NL-TNM-C001", "NL TNM C00122045 K!", "NL-TNM-C00122045-K-XYZ1"]
)
async def test_malformed_ema_id_is_refused_before_sending(
    hass: HomeAssistant, shell_simulator: Simulator, shell_cloud: ShellCloud, ema_id: str
) -> None:
    result = await _card_form(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _form(shell_simulator.base_url, ema_id=ema_id)
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_EMA_ID: "invalid_ema_id"}
    assert not shell_cloud.requests
    # The form comes back with what was entered, the secret too (in its password field).
    assert _suggested(result) == {
        CONF_CLIENT_ID: CLIENT_ID,
        CONF_CLIENT_SECRET: CLIENT_SECRET,
        CONF_ENVIRONMENT: "production",
        CONF_EMA_ID: ema_id,
        SECTION_ADVANCED: {CONF_SERVER_URL: shell_simulator.base_url},
    }
    assert not _advanced_open(result)


async def test_wrong_check_character_says_which_is_expected(
    hass: HomeAssistant,
    shell_simulator: Simulator,
    shell_cloud: ShellCloud,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A typing error in the card number: the field says which check character fits."""
    result = await _card_form(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _form(shell_simulator.base_url, ema_id="NL-TNM-C00122045-X")
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_EMA_ID: "invalid_ema_id_check"}
    placeholders = result["description_placeholders"] or {}
    assert (placeholders["given"], placeholders["expected"]) == ("X", "K")
    assert not shell_cloud.requests
    assert CLIENT_SECRET not in caplog.text

    # Without the check character the card is accepted, and stored with it.
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _form(shell_simulator.base_url, ema_id="NL-TNM-C00122045")
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"][CONF_EMA_ID] == EMA_ID
    assert result["result"].unique_id == CARD_ID


@pytest.mark.parametrize(
    ("field", "error"),
    [
        (CONF_CLIENT_ID, "client_id_required"),
        (CONF_CLIENT_SECRET, "client_secret_required"),
        (CONF_EMA_ID, "ema_id_required"),
    ],
)
async def test_blank_fields_are_refused_locally(
    hass: HomeAssistant,
    shell_simulator: Simulator,
    shell_cloud: ShellCloud,
    field: str,
    error: str,
) -> None:
    """A blank field is our own field error, alone (no stale one), and nothing is sent."""
    result = await _card_form(hass)
    schema = result["data_schema"]
    assert schema is not None
    required = {str(k) for k in schema.schema if type(k).__name__ == "Required"}
    assert required == {CONF_ENVIRONMENT}  # the frontend never blocks with its own message
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _form("ftp://example.com")
    )
    assert result["errors"] == {SECTION_ADVANCED: "invalid_shell_server_url"}

    form = _form(shell_simulator.base_url) | {field: "  "}
    result = await hass.config_entries.flow.async_configure(result["flow_id"], form)

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {field: error}
    assert not _advanced_open(result)
    assert not shell_cloud.requests


@pytest.mark.parametrize(
    "url", ["ws://127.0.0.1:1/shell", "api.shell.com", "https://", "http://[::1/x"]
)
async def test_invalid_server_url(
    hass: HomeAssistant, shell_simulator: Simulator, shell_cloud: ShellCloud, url: str
) -> None:
    result = await _card_form(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], _form(url))

    assert result["type"] is FlowResultType.FORM
    # Shown at the section that holds the URL, which opens; everything typed stays.
    assert result["errors"] == {SECTION_ADVANCED: "invalid_shell_server_url"}
    assert _advanced_open(result)
    assert _suggested(result)[SECTION_ADVANCED] == {CONF_SERVER_URL: url}
    assert _suggested(result)[CONF_CLIENT_SECRET] == CLIENT_SECRET
    assert not shell_cloud.requests


@pytest.mark.parametrize(
    ("route", "status", "retry_after", "errors", "placeholders"),
    [
        ("active", 400, None, {CONF_EMA_ID: "invalid_ema_id"}, PORTAL),
        ("active", 429, 30, {"base": "shell_rate_limited"}, {**PORTAL, "retry_after": "30"}),
        ("token", 429, None, {"base": "shell_rate_limited"}, {**PORTAL, "retry_after": "60"}),
        ("active", 500, None, {"base": "shell_cannot_connect"}, PORTAL),
        ("active", 503, None, {"base": "shell_cannot_connect"}, PORTAL),
        ("token", 503, None, {"base": "shell_cannot_connect"}, PORTAL),
    ],
)
async def test_api_errors_while_checking(
    *,
    hass: HomeAssistant,
    shell_simulator: Simulator,
    shell_cloud: ShellCloud,
    route: str,
    status: int,
    retry_after: int | None,
    errors: dict[str, str],
    placeholders: dict[str, str],
) -> None:
    shell_cloud.fail_next(status, retry_after, route=route)
    result = await _card_form(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _form(shell_simulator.base_url)
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors
    assert result["description_placeholders"] == placeholders
    # Nothing is left over: the next try succeeds.
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _form(shell_simulator.base_url)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_unreadable_answer_while_checking(
    hass: HomeAssistant, shell_simulator: Simulator, shell_cloud: ShellCloud
) -> None:
    shell_cloud.corrupt_next(Corruption.WRONG_REQUEST_ID, route="active")
    result = await _card_form(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _form(shell_simulator.base_url)
    )

    assert result["errors"] == {"base": "shell_cannot_connect"}


async def test_api_unreachable_while_checking(
    hass: HomeAssistant, shell_simulator: Simulator
) -> None:
    url = shell_simulator.base_url
    await shell_simulator.stop()
    result = await _card_form(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], _form(url))

    assert result["errors"] == {"base": "shell_cannot_connect"}


async def test_unexpected_error_while_checking(
    hass: HomeAssistant,
    shell_simulator: Simulator,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A failure outside the client's errors (here: a closed HTTP session) shows as unknown."""
    closed = aiohttp.ClientSession()
    await closed.close()
    monkeypatch.setattr(
        "custom_components.blue_current.shell_recharge.flow.async_get_clientsession",
        lambda _hass: closed,
    )
    result = await _card_form(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _form(shell_simulator.base_url)
    )

    assert result["errors"] == {"base": "unknown"}
    assert "Unexpected error while checking a Shell Recharge card" in caplog.text


# Reauthentication.


async def test_reauth(
    hass: HomeAssistant, shell_cloud: ShellCloud, setup_shell: MockConfigEntry
) -> None:
    result = await setup_shell.start_reauth_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "shell_reauth_confirm"
    placeholders = result["description_placeholders"]
    assert placeholders is not None
    assert placeholders["card"] == TITLE
    assert placeholders["portal_url"] == PORTAL["portal_url"]
    assert _suggested(result) == {CONF_CLIENT_ID: CLIENT_ID}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_CLIENT_ID: CLIENT_ID, CONF_CLIENT_SECRET: "old-secret"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_auth"}
    assert _suggested(result) == {CONF_CLIENT_ID: CLIENT_ID, CONF_CLIENT_SECRET: "old-secret"}

    requests = len(shell_cloud.requests)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_CLIENT_ID: CLIENT_ID, CONF_CLIENT_SECRET: " "}
    )
    assert result["errors"] == {CONF_CLIENT_SECRET: "client_secret_required"}
    assert len(shell_cloud.requests) == requests

    tokens_before = shell_cloud.tokens_issued
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_CLIENT_ID: f" {CLIENT_ID} ", CONF_CLIENT_SECRET: CLIENT_SECRET}
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert dict(setup_shell.data) == card_data(setup_shell.data[CONF_SERVER_URL])
    assert setup_shell.state is ConfigEntryState.LOADED
    # Checked, then reloaded: each with a token of its own.
    assert shell_cloud.tokens_issued == tokens_before + 2


async def test_refused_credentials_at_setup_start_reauth(
    hass: HomeAssistant, shell_simulator: Simulator
) -> None:
    data = card_data(shell_simulator.base_url) | {CONF_CLIENT_SECRET: "rotated-away"}
    entry = MockConfigEntry(domain=DOMAIN, title=TITLE, unique_id=CARD_ID, data=data)
    entry.add_to_hass(hass)
    await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["step_id"] for flow in flows] == ["shell_reauth_confirm"]


# Reconfiguration.


async def test_reconfigure(
    hass: HomeAssistant,
    shell_simulator: Simulator,
    shell_cloud: ShellCloud,
    setup_shell: MockConfigEntry,
) -> None:
    url = shell_simulator.base_url
    result = await setup_shell.start_reconfigure_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure_shell"
    assert result["description_placeholders"] == {**PORTAL, "card": TITLE}
    assert _suggested(result) == {
        CONF_CLIENT_ID: CLIENT_ID,
        CONF_ENVIRONMENT: "production",
        CONF_EMA_ID: EMA_ID,
        SECTION_ADVANCED: {CONF_SERVER_URL: url},
    }

    # An error keeps the form and what was entered.
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _form("ftp://example.com", secret=None)
    )
    assert result["errors"] == {SECTION_ADVANCED: "invalid_shell_server_url"}
    assert _advanced_open(result)
    assert _suggested(result)[SECTION_ADVANCED] == {CONF_SERVER_URL: "ftp://example.com"}

    # No secret: the stored one is kept; the card may be spelled differently.
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _form(url, secret=None, ema_id="nltnmc00122045k", environment="test")
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert dict(setup_shell.data) == card_data(url, "NLTNMC00122045K") | {CONF_ENVIRONMENT: "test"}
    assert setup_shell.state is ConfigEntryState.LOADED


async def test_reconfigure_without_server_url(
    hass: HomeAssistant, shell_simulator: Simulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(card_package, "PRODUCTION_URL", shell_simulator.base_url)
    data = card_data(shell_simulator.base_url)
    del data[CONF_SERVER_URL]
    entry = MockConfigEntry(domain=DOMAIN, title=TITLE, unique_id=CARD_ID, data=data)
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)

    assert _suggested(result)[SECTION_ADVANCED] == {}


async def test_reconfigure_to_another_card(
    hass: HomeAssistant, shell_simulator: Simulator, setup_shell: MockConfigEntry
) -> None:
    before = dict(setup_shell.data)
    result = await setup_shell.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _form(shell_simulator.base_url, ema_id=OTHER_EMA_ID)
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_card"
    assert result["description_placeholders"] == {"card": TITLE}
    assert dict(setup_shell.data) == before


async def test_reconfigure_corrects_a_wrong_check_character(
    hass: HomeAssistant, shell_simulator: Simulator, shell_cloud: ShellCloud
) -> None:
    """A card stored with a wrong check character does not load; its options say so, and
    Reconfigure with the number as printed makes it the card it should have been."""
    wrong = "NL-TNM-C00122045-X"
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=f"Shell Recharge {wrong}",
        unique_id="NLTNMC00122045X",
        data=card_data(shell_simulator.base_url, wrong),
    )
    entry.add_to_hass(hass)
    # What the card had from before the check: a device and entities under the wrong number.
    old_device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, "NLTNMC00122045X")}
    )
    old_sensor = er.async_get(hass).async_get_or_create(
        "sensor",
        DOMAIN,
        "session_status_NLTNMC00122045X",
        device_id=old_device.id,
        config_entry=entry,
    )
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_ERROR

    result = await hass.config_entries.options.async_init(entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_ema_id_check"}
    assert result["description_placeholders"] == {"given": "X", "expected": "K"}

    result = await entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _form(shell_simulator.base_url, secret=None, ema_id=EMA_ID)
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert entry.unique_id == CARD_ID
    assert entry.title == TITLE
    assert entry.data[CONF_EMA_ID] == EMA_ID
    assert entry.state is ConfigEntryState.LOADED
    assert dr.async_get(hass).async_get(old_device.id) is None
    assert er.async_get(hass).async_get(old_sensor.entity_id) is None
    card = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, CARD_ID), entry.entry_id)
    assert card is not None


# Options.


async def test_options_set_and_clear_the_default_evse(
    hass: HomeAssistant, setup_shell: MockConfigEntry
) -> None:
    start_button = "button.shell_recharge_nl_tnm_c00122045_k_start_session"
    hass.config_entries.async_update_entry(setup_shell, options={})
    await hass.config_entries.async_reload(setup_shell.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(start_button).state == "unavailable"

    result = await hass.config_entries.options.async_init(setup_shell.entry_id)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "init"
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_DEFAULT_EVSE_ID: "socket 4"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_DEFAULT_EVSE_ID: "invalid_evse_id"}
    assert _suggested(result) == {CONF_DEFAULT_EVSE_ID: "socket 4"}

    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_DEFAULT_EVSE_ID: " nl*tnm*e02003451*0 "}
    )
    await hass.async_block_till_done()
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert setup_shell.options == {CONF_DEFAULT_EVSE_ID: EVSE_ID}
    # The entry reloaded: the start button has an EVSE now.
    assert hass.states.get(start_button).state == "unknown"

    result = await hass.config_entries.options.async_init(setup_shell.entry_id)
    assert _suggested(result) == {CONF_DEFAULT_EVSE_ID: EVSE_ID}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_DEFAULT_EVSE_ID: ""}
    )
    await hass.async_block_till_done()
    assert setup_shell.options == {}
    assert hass.states.get(start_button).state == "unavailable"


async def test_accounts_have_no_options(hass: HomeAssistant) -> None:
    account = MockConfigEntry(domain=DOMAIN, data={CONF_API_TOKEN: "token"})
    card = MockConfigEntry(domain=DOMAIN, data=card_data("http://127.0.0.1:1"))
    account.add_to_hass(hass)
    card.add_to_hass(hass)

    assert account.supports_options is False
    assert card.supports_options is True
