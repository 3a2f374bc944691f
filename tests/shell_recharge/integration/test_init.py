"""Setting up and unloading card entries, next to account entries, and their diagnostics."""

from __future__ import annotations

import json
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_DEVICE_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
import yaml

from custom_components.blue_current.bluecurrent.coordinator import BlueCurrentCoordinator
from custom_components.blue_current.const import CONF_API_TOKEN, CONF_SERVER_URL, DOMAIN
from custom_components.blue_current.shell_recharge.coordinator import ShellCoordinator
from simulator.server import Simulator
from simulator.shell import ShellCloud
from tests.bluecurrent.integration.conftest import EVSE_IDS
from tests.paths import INTEGRATION
from tests.waiting import wait_for

from .conftest import CARD_ID, CLIENT_ID, CLIENT_SECRET, EMA_ID, EVSE_ID, entity_id

REDACTED = "**REDACTED**"


async def test_setup_and_unload(
    hass: HomeAssistant, setup_shell: MockConfigEntry, shell_cloud: ShellCloud
) -> None:
    assert setup_shell.state is ConfigEntryState.LOADED
    assert isinstance(setup_shell.runtime_data, ShellCoordinator)
    # Set-up checked the card: a token, then its active sessions.
    assert [r.path for r in shell_cloud.requests] == [
        "/v2/oauth/token",
        "/ev/v2/charge-session/active",
    ]
    assert shell_cloud.requests[1].query == {"emaId": EMA_ID}
    entities = er.async_entries_for_config_entry(er.async_get(hass), setup_shell.entry_id)
    assert {e.domain for e in entities} == {"sensor", "binary_sensor", "button"}

    assert await hass.config_entries.async_unload(setup_shell.entry_id)
    await hass.async_block_till_done()
    assert setup_shell.state is ConfigEntryState.NOT_LOADED
    assert hass.states.get(entity_id("session_status")).state == "unavailable"


@pytest.mark.parametrize("status", [429, 500, 503])
async def test_setup_retries_when_the_api_fails(
    hass: HomeAssistant, shell_cloud: ShellCloud, shell_entry: MockConfigEntry, status: int
) -> None:
    shell_cloud.fail_next(status, 30, route="active")
    shell_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(shell_entry.entry_id)
    await hass.async_block_till_done()

    assert shell_entry.state is ConfigEntryState.SETUP_RETRY


async def test_setup_retries_when_unreachable(
    hass: HomeAssistant, shell_simulator: Simulator, shell_entry: MockConfigEntry
) -> None:
    await shell_simulator.stop()
    shell_entry.add_to_hass(hass)
    await hass.config_entries.async_setup(shell_entry.entry_id)
    await hass.async_block_till_done()

    assert shell_entry.state is ConfigEntryState.SETUP_RETRY


def _matches(hass: HomeAssistant, device: dr.DeviceEntry, selector: dict[str, Any]) -> bool:
    """Whether the frontend's device picker offers `device` for this device selector.

    As the frontend filters: a device matches when it matches one of `filter` (integration
    of its config entry, manufacturer, model) and, with `entity`, when one of its
    enabled entities matches one of those (integration, domain).
    """
    entry = hass.config_entries.async_get_entry(device.config_entry_id)
    domains = set() if entry is None else {entry.domain}

    def device_matches(rule: dict[str, str]) -> bool:
        return (
            rule.get("integration") in (None, *domains)
            and rule.get("manufacturer") in (None, device.manufacturer)
            and rule.get("model") in (None, device.model)
        )

    entities = [
        e
        for e in er.async_entries_for_device(er.async_get(hass), device.id)
        if e.disabled_by is None
    ]

    def entity_matches(rule: dict[str, str]) -> bool:
        return any(
            rule.get("integration") in (None, e.platform) and rule.get("domain") in (None, e.domain)
            for e in entities
        )

    filters = selector.get("filter") or [{}]
    entity_filters = selector.get("entity")
    return any(device_matches(rule) for rule in filters) and (
        entity_filters is None or any(entity_matches(rule) for rule in entity_filters)
    )


async def test_each_action_offers_only_its_devices(
    hass: HomeAssistant, setup_account: MockConfigEntry, shell_entry: MockConfigEntry
) -> None:
    """The device pickers of services.yaml: charge points for the charge point actions,
    cards for the card actions; never a grid, never the other kind."""
    shell_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(shell_entry.entry_id)
    grid_id = f"GRID-{EVSE_IDS[0]}"
    devices = dr.async_get(hass)
    await wait_for(
        hass,
        lambda: (
            devices.async_get_device_by_identifier((DOMAIN, grid_id), setup_account.entry_id)
            is not None
        ),
        "the grid device",
    )
    services = yaml.safe_load((INTEGRATION / "services.yaml").read_text(encoding="utf-8"))
    ours = [d for d in devices.devices if any(i[0] == DOMAIN for i in d.identifiers)]
    by_identifier = {next(i[1] for i in d.identifiers if i[0] == DOMAIN): d.id for d in ours}
    charge_points = {by_identifier[evse_id] for evse_id in EVSE_IDS}
    cards = {by_identifier[CARD_ID]}
    assert by_identifier[grid_id] not in charge_points

    expected = {
        "start_charge_session": charge_points,
        "stop_charge_session": charge_points,
        "start_public_charge_session": cards,
        "stop_public_charge_session": cards,
    }
    for action, offered in expected.items():
        selector = services[action]["fields"]["device_id"]["selector"]["device"]
        assert {d.id for d in ours if _matches(hass, d, selector)} == offered, action


async def test_account_and_card_side_by_side(
    hass: HomeAssistant, setup_account: MockConfigEntry, shell_entry: MockConfigEntry
) -> None:
    """Each kind gets its own coordinator and platforms; the actions keep to their kind."""
    shell_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(shell_entry.entry_id)
    await hass.async_block_till_done()

    assert isinstance(setup_account.runtime_data, BlueCurrentCoordinator)
    assert isinstance(shell_entry.runtime_data, ShellCoordinator)
    # The account entry is exactly what core's integration stores.
    assert set(setup_account.data) == {CONF_API_TOKEN, CONF_SERVER_URL}
    registry = er.async_get(hass)
    account_domains = {
        e.domain for e in er.async_entries_for_config_entry(registry, setup_account.entry_id)
    }
    assert account_domains == {
        "binary_sensor",
        "button",
        "event",
        "number",
        "select",
        "sensor",
        "switch",
        "time",
    }

    devices = dr.async_get(hass)
    card = devices.async_get_device_by_identifier((DOMAIN, CARD_ID), shell_entry.entry_id)
    charge_point = devices.async_get_device_by_identifier(
        (DOMAIN, EVSE_IDS[0]), setup_account.entry_id
    )
    assert card is not None
    assert charge_point is not None

    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(
            DOMAIN, "start_charge_session", {ATTR_DEVICE_ID: card.id}, blocking=True
        )
    assert raised.value.translation_key == "invalid_device_id"
    # The device is named as the user sees it, never by its registry id.
    assert str(raised.value) == f"{card.name} is not a Blue Current charge point"
    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(
            DOMAIN,
            "start_public_charge_session",
            {ATTR_DEVICE_ID: charge_point.id, "evse_id": EVSE_ID},
            blocking=True,
            return_response=True,
        )
    assert raised.value.translation_key == "shell_invalid_device"
    assert str(raised.value) == "Driveway is not a Shell Recharge charge card"
    devices.async_update_device(charge_point.id, name_by_user="My charger")
    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(
            DOMAIN,
            "stop_public_charge_session",
            {ATTR_DEVICE_ID: charge_point.id},
            blocking=True,
            return_response=True,
        )
    assert str(raised.value) == "My charger is not a Shell Recharge charge card"
    assert charge_point.id not in str(raised.value)

    # Unloading the card leaves the account running.
    assert await hass.config_entries.async_unload(shell_entry.entry_id)
    await wait_for(hass, lambda: setup_account.state is ConfigEntryState.LOADED)
    assert hass.states.get(f"{Platform.SENSOR}.garage_activity") is not None


async def test_diagnostics(
    *,
    frozen: FrozenDateTimeFactory,
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    setup_shell: MockConfigEntry,
    shell_cloud: ShellCloud,
    snapshot: SnapshotAssertion,
) -> None:
    coordinator = setup_shell.runtime_data
    await coordinator.async_start(EVSE_ID)
    diagnostics: dict[str, Any] = await get_diagnostics_for_config_entry(
        hass, hass_client, setup_shell
    )

    entry = diagnostics["entry"]
    assert entry["title"] == REDACTED
    assert entry["unique_id"] == REDACTED
    data = entry["data"]
    assert data["client_id"] == REDACTED
    assert data["client_secret"] == REDACTED
    assert data["ema_id"] == REDACTED
    assert data["kind"] == "shell_recharge"
    assert diagnostics["polling"]["update_interval"] == 5.0
    assert diagnostics["card"]["session"]["ema_id"] == REDACTED
    assert diagnostics["card"]["session"]["user_id"] == REDACTED
    assert diagnostics["card"]["session"]["evse_id"] == EVSE_ID
    assert diagnostics["card"]["session"]["state"] == "start-requested"
    # Nothing that grants access or names the card, however it is spelled.
    text = json.dumps(diagnostics)
    tokens = {
        r.headers["Authorization"].partition(" ")[2]
        for r in shell_cloud.requests
        if r.headers.get("Authorization", "").startswith("Bearer ")
    }
    assert tokens
    for secret in (CLIENT_ID, CLIENT_SECRET, EMA_ID, CARD_ID, *tokens):
        assert secret not in text
    assert diagnostics == snapshot(exclude=_changing)


def _changing(prop: object, path: tuple[object, ...]) -> bool:
    """Fields that differ per run: the simulator's URL (a free port)."""
    return prop == CONF_SERVER_URL


async def test_diagnostics_after_a_failure(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    setup_shell: MockConfigEntry,
    shell_cloud: ShellCloud,
) -> None:
    shell_cloud.fail_next(429, 90, route="active")
    await setup_shell.runtime_data.async_refresh()

    diagnostics: dict[str, Any] = await get_diagnostics_for_config_entry(
        hass, hass_client, setup_shell
    )
    polling = diagnostics["polling"]
    assert polling["last_update_success"] is False
    assert "try again in 90 seconds" in polling["last_exception"]
    assert polling["rate_limited_until"] is not None


async def test_idle_card(hass: HomeAssistant, setup_shell: MockConfigEntry) -> None:
    expected = {
        entity_id("session_status"): "idle",
        entity_id("session_evse_id"): "unknown",
        entity_id("session_started"): "unknown",
        entity_id("session_stopped"): "unknown",
        entity_id("active_sessions"): "0",
        entity_id("last_error"): "none",
        entity_id("charging", "binary_sensor"): "off",
        entity_id("start_session", "button"): "unknown",
        entity_id("stop_session", "button"): "unavailable",
    }
    assert {key: hass.states.get(key).state for key in expected} == expected
