"""The card's buttons: snapshot, unique ids, start and stop, refusals."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from simulator.shell import ShellCloud

from . import platforms
from .conftest import EVSE_ID, START_DELAY, entity_id, move_time, paths

PLATFORM = Platform.BUTTON


# The checks every card platform shares, run for this one.
test_snapshot = platforms.test_snapshot
test_unique_ids_and_device = platforms.test_unique_ids_and_device


async def _press(hass: HomeAssistant, key: str) -> None:
    await hass.services.async_call(
        "button", "press", {ATTR_ENTITY_ID: entity_id(key, "button")}, blocking=True
    )


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
