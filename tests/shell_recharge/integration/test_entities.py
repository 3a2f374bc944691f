"""The card's device and entities: snapshots per platform, unique ids, buttons."""

from __future__ import annotations

from collections.abc import Iterator
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from custom_components.blue_current.const import DOMAIN
from simulator.shell import ShellCloud

from .conftest import CARD_ID, EMA_ID, EVSE_ID, START_DELAY, TITLE, entity_id, move_time, paths

UNIQUE_IDS = {
    Platform.SENSOR: [
        f"{key}_{CARD_ID}"
        for key in (
            "session_status",
            "session_evse_id",
            "session_started",
            "session_stopped",
            "active_sessions",
            "last_error",
        )
    ],
    Platform.BINARY_SENSOR: [f"charging_{CARD_ID}"],
    Platform.BUTTON: [f"start_session_{CARD_ID}", f"stop_session_{CARD_ID}"],
}


@pytest.fixture
def platform() -> Platform:
    """The platform a test loads; all of them unless a test says otherwise."""
    return Platform.SENSOR


@pytest.fixture
def only_platform(platform: Platform) -> Iterator[None]:
    with patch("custom_components.blue_current.CARD_PLATFORMS", [platform]):
        yield


async def _press(hass: HomeAssistant, key: str) -> None:
    await hass.services.async_call(
        "button", "press", {ATTR_ENTITY_ID: entity_id(key, "button")}, blocking=True
    )


@pytest.mark.parametrize("platform", [Platform.SENSOR, Platform.BINARY_SENSOR, Platform.BUTTON])
async def test_snapshot(
    *,
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    only_platform: None,
    shell_cloud: ShellCloud,
    shell_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """A card charging at its default EVSE."""
    shell_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(shell_entry.entry_id)
    await hass.async_block_till_done()
    coordinator = shell_entry.runtime_data
    await coordinator.async_start(EVSE_ID)
    await move_time(hass, frozen, START_DELAY + 3)

    await snapshot_platform(hass, entity_registry, snapshot, shell_entry.entry_id)


@pytest.mark.parametrize("platform", list(UNIQUE_IDS))
async def test_unique_ids_and_device(
    hass: HomeAssistant,
    only_platform: None,
    platform: Platform,
    setup_shell: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Unique ids are "{key}_{card}"; every entity sits on the card's one device."""
    entries = er.async_entries_for_config_entry(entity_registry, setup_shell.entry_id)
    assert [e.unique_id for e in entries] == UNIQUE_IDS[platform]
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, CARD_ID), setup_shell.entry_id
    )
    assert device is not None
    assert (device.name, device.manufacturer, device.model) == (
        TITLE,
        "Shell Recharge",
        "Charge card",
    )
    assert device.serial_number == EMA_ID
    assert device.entry_type is dr.DeviceEntryType.SERVICE
    assert {e.device_id for e in entries} == {device.id}


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


async def test_buttons_start_and_stop(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    shell_cloud: ShellCloud,
    setup_shell: MockConfigEntry,
) -> None:
    await _press(hass, "start_session")
    assert paths(shell_cloud)[-2:] == ["start", "active"]
    assert hass.states.get(entity_id("session_status")).state == "start_requested"
    # A start that is still only requested can be stopped already.
    assert hass.states.get(entity_id("stop_session", "button")).state == "unknown"

    await move_time(hass, frozen, START_DELAY + 3)
    assert hass.states.get(entity_id("charging", "binary_sensor")).state == "on"

    await _press(hass, "stop_session")
    assert paths(shell_cloud)[-2:] == ["stop", "active"]
    await move_time(hass, frozen, 15)
    assert hass.states.get(entity_id("session_status")).state == "stopped"
    assert hass.states.get(entity_id("stop_session", "button")).state == "unavailable"


async def test_stop_button_stops_the_shown_session_of_several(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    shell_cloud: ShellCloud,
    setup_shell: MockConfigEntry,
) -> None:
    coordinator = setup_shell.runtime_data
    first = await coordinator.async_start("NL*TNM*E02003452*0")
    second = await coordinator.async_start(EVSE_ID)
    await move_time(hass, frozen, START_DELAY + 3)

    await _press(hass, "stop_session")
    assert shell_cloud.session(second).state.value == "stop-requested"
    assert shell_cloud.session(first).state.value == "started"


async def test_button_refusal_is_a_translated_error(
    hass: HomeAssistant, shell_cloud: ShellCloud, setup_shell: MockConfigEntry
) -> None:
    shell_cloud.fail_next(503, route="start")
    with pytest.raises(HomeAssistantError) as raised:
        await _press(hass, "start_session")
    assert raised.value.translation_key == "shell_server_error"
    assert hass.states.get(entity_id("last_error")).state == "server_error"


async def test_stop_button_when_the_session_is_gone(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    shell_cloud: ShellCloud,
    setup_shell: MockConfigEntry,
) -> None:
    """Between two polls the session ended; pressing stop is refused by the API."""
    session_id = await setup_shell.runtime_data.async_start(EVSE_ID)
    await move_time(hass, frozen, START_DELAY + 3)
    shell_cloud.end_session(session_id)

    with pytest.raises(HomeAssistantError) as raised:
        await _press(hass, "stop_session")
    assert raised.value.translation_key == "shell_session_not_found"


async def test_start_button_without_default_evse(
    hass: HomeAssistant, shell_cloud: ShellCloud, setup_shell: MockConfigEntry
) -> None:
    """Unavailable, and the press (say, from a stale script) explains why."""
    hass.config_entries.async_update_entry(setup_shell, options={})
    await hass.config_entries.async_reload(setup_shell.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(entity_id("start_session", "button")).state == "unavailable"

    button = next(
        e
        for e in hass.data["entity_components"]["button"].entities
        if e.entity_id == entity_id("start_session", "button")
    )
    with pytest.raises(ServiceValidationError) as raised:
        await button.async_press()
    assert raised.value.translation_key == "shell_no_evse_id"
