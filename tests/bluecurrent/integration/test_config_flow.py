"""The config flow against the simulator: add, refuse, reauthenticate, reconfigure."""

from __future__ import annotations

from collections.abc import Iterator
import re
from typing import Any
from unittest.mock import AsyncMock, patch

from homeassistant.config_entries import SOURCE_USER, ConfigFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, section
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.blue_current.const import CONF_API_TOKEN, CONF_SERVER_URL, DOMAIN, PORTAL_URL
from custom_components.blue_current.form import SECTION_ADVANCED
from simulator.bluecurrent import BlueCurrentCloud, protocol
from simulator.server import Simulator

from .conftest import API_TOKEN, CUSTOMER_ID, EMAIL

OTHER_TOKEN = "other-account-token"
OTHER_EMAIL = "neighbour@example.com"
NEW_TOKEN = "fresh-token-same-account"


@pytest.fixture
def mock_setup_entry() -> Iterator[AsyncMock]:
    """Entries the flow creates or reloads are not really set up."""
    with patch("custom_components.blue_current.async_setup_entry", return_value=True) as mocked:
        yield mocked


@pytest.fixture
def other_account(bc_cloud: BlueCurrentCloud) -> None:
    """A second customer in the cloud."""
    bc_cloud.add_account(OTHER_TOKEN, customer_id="5678", email=OTHER_EMAIL)


@pytest.fixture
def new_token(bc_cloud: BlueCurrentCloud) -> None:
    """A second token of the fixture's customer (a token made anew in the portal)."""
    bc_cloud.add_account(NEW_TOKEN, customer_id=CUSTOMER_ID, email=EMAIL)


def _form(token: str, url: str | None = None) -> dict[str, Any]:
    """What the frontend sends: the token, and the (collapsed) advanced section."""
    return {CONF_API_TOKEN: token, SECTION_ADVANCED: {} if url is None else {CONF_SERVER_URL: url}}


async def _start_user_flow(hass: HomeAssistant) -> ConfigFlowResult:
    """The user step is a menu; its Blue Current option opens the account form."""
    result = await hass.config_entries.flow.async_init(DOMAIN, context={"source": SOURCE_USER})
    assert result["type"] is FlowResultType.MENU
    assert result["step_id"] == "user"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {"next_step_id": "blue_current"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "blue_current"
    assert result["errors"] == {}
    return result


def _suggested(result: ConfigFlowResult, field: str) -> str | None:
    """The value the form suggests for a top-level field."""
    schema = result["data_schema"]
    assert schema is not None
    for key in schema.schema:
        if key == field:
            suggested = (key.description or {}).get("suggested_value")
            return None if suggested is None else str(suggested)
    raise AssertionError(f"no field {field}")


def _is_required(result: ConfigFlowResult, field: str) -> bool:
    """Whether the frontend itself insists on the field (and shows its own message)."""
    schema = result["data_schema"]
    assert schema is not None
    return any(key == field and type(key).__name__ == "Required" for key in schema.schema)


def _advanced_open(result: ConfigFlowResult) -> bool:
    schema = result["data_schema"]
    assert schema is not None
    advanced = schema.schema[SECTION_ADVANCED]
    assert isinstance(advanced, section)
    return advanced.options == {"collapsed": False}


def _suggested_server_url(result: ConfigFlowResult) -> str | None:
    """The server URL the form suggests, looked up in its advanced section."""
    schema = result["data_schema"]
    assert schema is not None
    for key, value in schema.schema.items():
        if key == SECTION_ADVANCED:
            assert isinstance(value, section)
            for inner in value.schema.schema:
                if inner == CONF_SERVER_URL:
                    description = inner.description or {}
                    suggested = description.get("suggested_value")
                    return None if suggested is None else str(suggested)
    return None


# Adding an account.


async def test_user_flow_creates_entry(
    hass: HomeAssistant, bc_simulator: Simulator, mock_setup_entry: AsyncMock
) -> None:
    result = await _start_user_flow(hass)
    assert result["description_placeholders"] == {"portal_url": PORTAL_URL}
    schema = result["data_schema"]
    assert schema is not None
    advanced = schema.schema[SECTION_ADVANCED]
    assert isinstance(advanced, section)
    assert advanced.options == {"collapsed": True}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _form(f"  {API_TOKEN} ", bc_simulator.bluecurrent_url)
    )

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == EMAIL
    assert result["data"] == {
        CONF_API_TOKEN: API_TOKEN,
        CONF_SERVER_URL: bc_simulator.bluecurrent_url,
    }
    assert result["result"].unique_id == CUSTOMER_ID
    assert mock_setup_entry.await_count == 1


async def test_user_flow_default_server_stores_token_only(
    hass: HomeAssistant,
    bc_simulator: Simulator,
    mock_setup_entry: AsyncMock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Without a server URL the entry holds exactly what core's integration stores."""
    # Tests may not reach the real cloud: the default server is the simulator here.
    monkeypatch.setattr(
        "custom_components.blue_current.bluecurrent.flow.DEFAULT_URL", bc_simulator.bluecurrent_url
    )
    result = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], _form(API_TOKEN))

    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {CONF_API_TOKEN: API_TOKEN}

    # The frontend may also leave the section out entirely.
    other = await _start_user_flow(hass)
    other = await hass.config_entries.flow.async_configure(
        other["flow_id"], {CONF_API_TOKEN: API_TOKEN}
    )
    assert other["type"] is FlowResultType.ABORT
    assert other["reason"] == "already_configured"


async def test_user_flow_already_configured(
    hass: HomeAssistant,
    bc_simulator: Simulator,
    account_entry: MockConfigEntry,
    mock_setup_entry: AsyncMock,
) -> None:
    account_entry.add_to_hass(hass)
    result = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _form(API_TOKEN, bc_simulator.bluecurrent_url)
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"
    assert len(hass.config_entries.async_entries(DOMAIN)) == 1
    mock_setup_entry.assert_not_awaited()


async def test_user_flow_invalid_token_then_valid(
    hass: HomeAssistant, bc_simulator: Simulator, mock_setup_entry: AsyncMock
) -> None:
    """An error keeps the form open with the server URL; the next try can succeed."""
    url = bc_simulator.bluecurrent_url
    result = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _form("not-a-token", url)
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "invalid_token"}
    assert _suggested_server_url(result) == url
    # What the user typed stays, the token too (in its password field), to correct it.
    assert _suggested(result, CONF_API_TOKEN) == "not-a-token"
    # The token's error is not in the advanced section: it stays as the user left it.
    assert not _advanced_open(result)

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _form(API_TOKEN, url)
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY


@pytest.mark.parametrize("token", ["", "   ", "\t\n"])
async def test_user_flow_blank_token_refused_locally(
    hass: HomeAssistant,
    bc_simulator: Simulator,
    bc_cloud: BlueCurrentCloud,
    caplog: pytest.LogCaptureFixture,
    token: str,
) -> None:
    """A blank token is a field error of ours, sent nowhere, shown without an older error."""
    url = bc_simulator.bluecurrent_url
    result = await _start_user_flow(hass)
    # The frontend does not block an empty field with its own message next to ours.
    assert not _is_required(result, CONF_API_TOKEN)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _form("wrong-token", url)
    )
    assert result["errors"] == {"base": "invalid_token"}
    received = len(bc_cloud.received)

    result = await hass.config_entries.flow.async_configure(result["flow_id"], _form(token, url))

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_API_TOKEN: "token_required"}
    assert len(bc_cloud.received) == received
    assert _suggested_server_url(result) == url
    assert "wrong-token" not in caplog.text


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8123/haserver",
        "https://motown.bluecurrent.nl/haserver",
        "motown.bluecurrent.nl/haserver",
        "wss://",
        "ws://[::1/haserver",
    ],
)
async def test_user_flow_invalid_server_url(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, url: str
) -> None:
    result = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _form(API_TOKEN, url)
    )

    assert result["type"] is FlowResultType.FORM
    # The error is shown at the section that holds the URL, and the section opens.
    assert result["errors"] == {SECTION_ADVANCED: "invalid_server_url"}
    assert _advanced_open(result)
    assert _suggested_server_url(result) == url
    assert _suggested(result, CONF_API_TOKEN) == API_TOKEN
    # Nothing was sent anywhere.
    assert not bc_cloud.received


async def test_user_flow_server_unreachable(hass: HomeAssistant, bc_simulator: Simulator) -> None:
    url = bc_simulator.base_url.replace("http://", "ws://") + "/no-such-endpoint"
    result = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _form(API_TOKEN, url)
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}


async def test_user_flow_protocol_error(
    hass: HomeAssistant, bc_simulator: Simulator, bc_cloud: BlueCurrentCloud
) -> None:
    """An account answer without a login is a server fault: cannot_connect."""
    bc_cloud.account(API_TOKEN).email = ""
    result = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _form(API_TOKEN, bc_simulator.bluecurrent_url)
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "cannot_connect"}


async def test_user_flow_rate_limited(
    hass: HomeAssistant, bc_simulator: Simulator, bc_cloud: BlueCurrentCloud
) -> None:
    """The refusal says when to try again, in local time (the reset is 00:00:30 Amsterdam)."""
    await hass.config.async_set_time_zone("Europe/Amsterdam")
    bc_cloud.budget.budget = 1
    bc_cloud.budget.spend(API_TOKEN)

    result = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _form(API_TOKEN, bc_simulator.bluecurrent_url)
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "limit_reached"}
    placeholders = result["description_placeholders"]
    assert placeholders is not None
    assert placeholders["portal_url"] == PORTAL_URL
    assert re.fullmatch(r"\d{4}-\d\d-\d\d 00:00:30 CES?T", placeholders["reset_at"])


async def test_user_flow_already_connected(
    hass: HomeAssistant,
    bc_cloud: BlueCurrentCloud,
    setup_account: MockConfigEntry,
) -> None:
    """The cloud refuses a second connection while the loaded entry holds one."""
    bc_cloud.reject_second_connection = True
    assert bc_cloud.main_connections == 1
    url = setup_account.data[CONF_SERVER_URL]

    result = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _form(OTHER_TOKEN, url)
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "already_connected"}


async def test_user_flow_unexpected_error(
    hass: HomeAssistant,
    bc_simulator: Simulator,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """An answer the flow has no message for is logged, and shown as unknown."""

    async def refuse(_ctx: protocol.Context) -> None:
        raise protocol.CommandError(protocol.ERROR_UNKNOWN_COMMAND)

    monkeypatch.setitem(protocol.HANDLERS, "GET_ACCOUNT", refuse)
    result = await _start_user_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _form(API_TOKEN, bc_simulator.bluecurrent_url)
    )

    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "unknown"}
    assert "Unexpected error while checking a Blue Current token" in caplog.text
    assert API_TOKEN not in caplog.text


# Reauthentication.


async def test_reauth_success(
    hass: HomeAssistant,
    account_entry: MockConfigEntry,
    new_token: None,
    mock_setup_entry: AsyncMock,
) -> None:
    account_entry.add_to_hass(hass)
    url = account_entry.data[CONF_SERVER_URL]
    result = await account_entry.start_reauth_flow(hass)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"
    placeholders = result["description_placeholders"]
    assert placeholders is not None
    assert placeholders["email"] == EMAIL
    assert placeholders["portal_url"] == PORTAL_URL
    schema = result["data_schema"]
    assert schema is not None
    assert list(schema.schema) == [CONF_API_TOKEN]

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_TOKEN: NEW_TOKEN}
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert account_entry.data == {CONF_API_TOKEN: NEW_TOKEN, CONF_SERVER_URL: url}
    assert mock_setup_entry.await_count == 1  # reloaded with the new token


async def test_reauth_error_then_success(
    hass: HomeAssistant,
    account_entry: MockConfigEntry,
    new_token: None,
    mock_setup_entry: AsyncMock,
) -> None:
    account_entry.add_to_hass(hass)
    result = await account_entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_TOKEN: "still-wrong"}
    )

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reauth_confirm"
    assert result["errors"] == {"base": "invalid_token"}
    assert _suggested(result, CONF_API_TOKEN) == "still-wrong"
    assert account_entry.data[CONF_API_TOKEN] == API_TOKEN

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_TOKEN: "  "}
    )
    assert result["errors"] == {CONF_API_TOKEN: "token_required"}

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_TOKEN: NEW_TOKEN}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reauth_successful"
    assert account_entry.data[CONF_API_TOKEN] == NEW_TOKEN


async def test_reauth_wrong_account(
    hass: HomeAssistant,
    account_entry: MockConfigEntry,
    other_account: None,
    mock_setup_entry: AsyncMock,
) -> None:
    account_entry.add_to_hass(hass)
    before = dict(account_entry.data)
    result = await account_entry.start_reauth_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_API_TOKEN: OTHER_TOKEN}
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"
    assert result["description_placeholders"] == {"email": EMAIL}
    assert dict(account_entry.data) == before
    mock_setup_entry.assert_not_awaited()


# Reconfiguration.


async def test_reconfigure_success(
    hass: HomeAssistant,
    account_entry: MockConfigEntry,
    new_token: None,
    mock_setup_entry: AsyncMock,
) -> None:
    account_entry.add_to_hass(hass)
    url = account_entry.data[CONF_SERVER_URL]
    result = await account_entry.start_reconfigure_flow(hass)

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert result["description_placeholders"] == {"email": EMAIL, "portal_url": PORTAL_URL}
    assert _suggested_server_url(result) == url

    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _form(NEW_TOKEN, url)
    )
    await hass.async_block_till_done()

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert account_entry.data == {CONF_API_TOKEN: NEW_TOKEN, CONF_SERVER_URL: url}
    assert account_entry.unique_id == CUSTOMER_ID
    assert mock_setup_entry.await_count == 1


async def test_reconfigure_back_to_default_server(
    hass: HomeAssistant,
    bc_simulator: Simulator,
    account_entry: MockConfigEntry,
    mock_setup_entry: AsyncMock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Clearing the server URL drops it from the entry (core's data shape again)."""
    monkeypatch.setattr(
        "custom_components.blue_current.bluecurrent.flow.DEFAULT_URL", bc_simulator.bluecurrent_url
    )
    account_entry.add_to_hass(hass)
    result = await account_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(result["flow_id"], _form(API_TOKEN))

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert account_entry.data == {CONF_API_TOKEN: API_TOKEN}


async def test_reconfigure_without_server_url_suggests_nothing(
    hass: HomeAssistant, bc_simulator: Simulator
) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN, title=EMAIL, unique_id=CUSTOMER_ID, data={CONF_API_TOKEN: API_TOKEN}
    )
    entry.add_to_hass(hass)
    result = await entry.start_reconfigure_flow(hass)

    assert result["type"] is FlowResultType.FORM
    assert _suggested_server_url(result) is None


async def test_reconfigure_error_keeps_form(
    hass: HomeAssistant, account_entry: MockConfigEntry
) -> None:
    account_entry.add_to_hass(hass)
    result = await account_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _form(API_TOKEN, "http://example.com")
    )

    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "reconfigure"
    assert result["errors"] == {SECTION_ADVANCED: "invalid_server_url"}
    assert _advanced_open(result)
    assert _suggested_server_url(result) == "http://example.com"
    assert _suggested(result, CONF_API_TOKEN) == API_TOKEN
    assert account_entry.data[CONF_API_TOKEN] == API_TOKEN


async def test_reconfigure_wrong_account(
    hass: HomeAssistant,
    account_entry: MockConfigEntry,
    other_account: None,
    mock_setup_entry: AsyncMock,
) -> None:
    account_entry.add_to_hass(hass)
    before = dict(account_entry.data)
    result = await account_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], _form(OTHER_TOKEN, before[CONF_SERVER_URL])
    )

    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "wrong_account"
    assert result["description_placeholders"] == {"email": EMAIL}
    assert dict(account_entry.data) == before
    mock_setup_entry.assert_not_awaited()
