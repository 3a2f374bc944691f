"""The actions start_public_charge_session and stop_public_charge_session against the simulator.

Every way a start or stop can fail comes back as a translated error that says what happened,
and lands on the card's last error sensor.
"""

from __future__ import annotations

import asyncio
import json
import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_DEVICE_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.blue_current.const import CONF_DEFAULT_EVSE_ID, DOMAIN
from custom_components.blue_current.shell_recharge.coordinator import ShellCoordinator
from simulator.server import Simulator
from simulator.shell import Corruption, ShellCloud
from tests.waiting import wait_for

from .conftest import (
    EMA_ID,
    EVSE_ID,
    OTHER_EVSE_ID,
    START_DELAY,
    UNKNOWN_EMA_ID,
    UNKNOWN_EVSE_ID,
    call_action,
    call_while_time_passes,
    card_data,
    entity_id,
    move_time,
    paths,
    state_of,
)

START = "start_public_charge_session"
STOP = "stop_public_charge_session"


def _coordinator(entry: MockConfigEntry) -> ShellCoordinator:
    coordinator = entry.runtime_data
    assert isinstance(coordinator, ShellCoordinator)
    return coordinator


# Starting.


async def test_start_and_wait_until_started(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    shell_cloud: ShellCloud,
    card_device_id: str,
) -> None:
    response = await call_while_time_passes(
        hass,
        frozen,
        START,
        {ATTR_DEVICE_ID: card_device_id, "evse_id": f" {OTHER_EVSE_ID.lower()} ", "wait": True},
    )

    assert response is not None
    session_id = response["session_id"]
    assert response == {"session_id": session_id, "evse_id": OTHER_EVSE_ID, "state": "started"}
    assert shell_cloud.session(str(session_id)).evse_id == OTHER_EVSE_ID
    start = next(r for r in shell_cloud.requests if r.path.endswith("/start"))
    assert json.loads(start.body) == {"evChargeNumber": EMA_ID, "evseId": OTHER_EVSE_ID}
    assert state_of(hass, "last_error") == "none"


async def test_start_without_waiting_uses_the_default_evse(
    hass: HomeAssistant, shell_cloud: ShellCloud, card_device_id: str
) -> None:
    response = await call_action(hass, START, {ATTR_DEVICE_ID: card_device_id})

    assert response["evse_id"] == EVSE_ID
    assert response["state"] == "start_requested"
    assert shell_cloud.session(str(response["session_id"])).evse_id == EVSE_ID


async def test_start_response_before_the_first_poll_saw_it(
    hass: HomeAssistant, shell_cloud: ShellCloud, card_device_id: str
) -> None:
    """The poll right after the start fails: the answer still names the session."""
    shell_cloud.fail_next(500, route="active")
    response = await call_action(hass, START, {ATTR_DEVICE_ID: card_device_id})

    assert response["state"] == "start_requested"
    assert paths(shell_cloud)[-2:] == ["start", "active"]


async def test_start_without_any_evse(
    hass: HomeAssistant, setup_shell: MockConfigEntry, card_device_id: str
) -> None:
    hass.config_entries.async_update_entry(setup_shell, options={})
    with pytest.raises(ServiceValidationError) as raised:
        await call_action(hass, START, {ATTR_DEVICE_ID: card_device_id})
    assert raised.value.translation_key == "shell_no_evse_id"


async def test_start_with_a_malformed_evse_id(
    hass: HomeAssistant, shell_cloud: ShellCloud, card_device_id: str
) -> None:
    sent = len(shell_cloud.requests)
    with pytest.raises(ServiceValidationError) as raised:
        await call_action(hass, START, {ATTR_DEVICE_ID: card_device_id, "evse_id": "socket 4"})
    assert raised.value.translation_key == "shell_invalid_evse_id"
    assert raised.value.translation_placeholders == {"evse_id": "socket 4"}
    assert len(shell_cloud.requests) == sent


@pytest.mark.parametrize(
    ("code", "translation_key", "last_error"),
    [
        ("EvseOutOfService", "shell_evse_out_of_service", "evse_out_of_service"),
        ("EvseNotSupported", "shell_evse_not_supported", "evse_not_supported"),
        ("EvseNotFound", "shell_unknown_evse", "unknown_evse"),
        ("ChargeTokenNotSupported", "shell_card_not_supported", "card_not_supported"),
        ("InternalError", "shell_start_failed", "start_failed"),
    ],
)
async def test_operator_refuses_the_start(
    *,
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    shell_cloud: ShellCloud,
    card_device_id: str,
    code: str,
    translation_key: str,
    last_error: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="custom_components.blue_current")
    shell_cloud.fail_next_start(EVSE_ID, code, "Operator says no")
    with pytest.raises(HomeAssistantError) as raised:
        await call_while_time_passes(
            hass, frozen, START, {ATTR_DEVICE_ID: card_device_id, "wait": True}
        )

    assert raised.value.translation_key == translation_key
    placeholders = raised.value.translation_placeholders or {}
    assert placeholders["evse_id"] == EVSE_ID
    # The operator's code and words are for a bug report (the debug log), not for the user.
    assert "error" not in placeholders
    assert "Operator says no" in caplog.text
    assert state_of(hass, "last_error") == last_error
    assert hass.states.get(entity_id("session_status")).state == "failed_to_start"


async def test_start_evse_in_use(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    shell_cloud: ShellCloud,
    card_device_id: str,
) -> None:
    """Someone else charges there: the operator refuses the start, and the user reads why."""
    shell_cloud.fail_next_start(EVSE_ID, "EvseInUse", "Evse in use")
    with pytest.raises(HomeAssistantError) as raised:
        await call_while_time_passes(
            hass, frozen, START, {ATTR_DEVICE_ID: card_device_id, "wait": True}
        )

    assert raised.value.translation_key == "shell_evse_in_use"
    assert str(raised.value) == (
        "EVSE NL*TNM*E02003451*0 is in use by another session; "
        "Shell Recharge did not start charging"  # Home Assistant drops the final full stop
    )
    assert state_of(hass, "last_error") == "evse_in_use"
    assert hass.states.get(entity_id("charging", "binary_sensor")).state == "off"


async def test_start_car_not_connected(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    shell_cloud: ShellCloud,
    card_device_id: str,
) -> None:
    shell_cloud.set_ev_connected(EVSE_ID, False)
    with pytest.raises(HomeAssistantError) as raised:
        await call_while_time_passes(
            hass, frozen, START, {ATTR_DEVICE_ID: card_device_id, "wait": True}
        )

    assert raised.value.translation_key == "shell_ev_not_connected"
    assert str(raised.value) == (
        "No car is connected to EVSE NL*TNM*E02003451*0. Plug in the cable, then start again"
    )
    assert state_of(hass, "last_error") == "ev_not_connected"


async def test_start_unknown_evse(
    hass: HomeAssistant, shell_cloud: ShellCloud, card_device_id: str
) -> None:
    with pytest.raises(HomeAssistantError) as raised:
        await call_action(hass, START, {ATTR_DEVICE_ID: card_device_id, "evse_id": UNKNOWN_EVSE_ID})

    assert raised.value.translation_key == "shell_unknown_evse"
    assert raised.value.translation_placeholders == {"evse_id": UNKNOWN_EVSE_ID}
    assert state_of(hass, "last_error") == "unknown_evse"


async def test_start_with_a_card_shell_does_not_know(
    hass: HomeAssistant, shell_simulator: Simulator
) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=f"Shell Recharge {UNKNOWN_EMA_ID}",
        unique_id=UNKNOWN_EMA_ID.replace("-", ""),
        data=card_data(shell_simulator.base_url, UNKNOWN_EMA_ID),
        options={CONF_DEFAULT_EVSE_ID: EVSE_ID},
    )
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, "NLTNMC099999992"), entry.entry_id
    )
    assert device is not None

    with pytest.raises(HomeAssistantError) as raised:
        await call_action(hass, START, {ATTR_DEVICE_ID: device.id})
    assert raised.value.translation_key == "shell_unknown_card"


@pytest.mark.parametrize(
    ("status", "retry_after", "translation_key", "placeholders", "last_error"),
    [
        (429, 45, "shell_rate_limited", {"retry_after": "45"}, "rate_limited"),
        (429, None, "shell_rate_limited", {"retry_after": "60"}, "rate_limited"),
        (400, None, "shell_request_refused", None, "request_refused"),
        (500, None, "shell_server_error", None, "server_error"),
        (503, None, "shell_server_error", None, "server_error"),
    ],
)
async def test_start_refused_by_the_api(
    *,
    hass: HomeAssistant,
    shell_cloud: ShellCloud,
    card_device_id: str,
    status: int,
    retry_after: int | None,
    translation_key: str,
    placeholders: dict[str, str] | None,
    last_error: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="custom_components.blue_current")
    shell_cloud.fail_next(status, retry_after, route="start")
    with pytest.raises(HomeAssistantError) as raised:
        await call_action(hass, START, {ATTR_DEVICE_ID: card_device_id})

    assert raised.value.translation_key == translation_key
    if placeholders is not None:
        assert raised.value.translation_placeholders == placeholders
    else:  # said in words; the HTTP status goes to the debug log
        assert not raised.value.translation_placeholders
        assert f"Shell start: HTTP {status}" in caplog.text
    assert state_of(hass, "last_error") == last_error


async def test_start_refused_credentials(
    hass: HomeAssistant, shell_cloud: ShellCloud, card_device_id: str
) -> None:
    """The token was revoked and a new one is refused (both ways of sending credentials)."""
    shell_cloud.revoke_tokens()
    shell_cloud.fail_next(401, route="token", times=2)
    with pytest.raises(HomeAssistantError) as raised:
        await call_action(hass, START, {ATTR_DEVICE_ID: card_device_id})

    assert raised.value.translation_key == "shell_auth_failed"
    assert state_of(hass, "last_error") == "auth_failed"


async def test_start_unreadable_answer(
    hass: HomeAssistant,
    shell_cloud: ShellCloud,
    card_device_id: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="custom_components.blue_current")
    shell_cloud.corrupt_next(Corruption.BAD_JSON, route="start")
    with pytest.raises(HomeAssistantError) as raised:
        await call_action(hass, START, {ATTR_DEVICE_ID: card_device_id})

    assert raised.value.translation_key == "shell_cannot_connect"
    assert not raised.value.translation_placeholders  # in words; the detail is logged
    assert "The start answer is not valid JSON" in caplog.text
    assert state_of(hass, "last_error") == "cannot_connect"


async def test_start_api_unreachable(
    hass: HomeAssistant, shell_simulator: Simulator, card_device_id: str
) -> None:
    await shell_simulator.stop()
    with pytest.raises(HomeAssistantError) as raised:
        await call_action(hass, START, {ATTR_DEVICE_ID: card_device_id})

    assert raised.value.translation_key == "shell_cannot_connect"
    assert str(raised.value) == (
        "Could not reach the Shell API; check the internet connection and try again"
    )


async def test_start_not_confirmed_in_three_minutes(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    shell_cloud: ShellCloud,
    card_device_id: str,
) -> None:
    shell_cloud.start_delay = 600
    with pytest.raises(HomeAssistantError) as raised:
        await call_while_time_passes(
            hass, frozen, START, {ATTR_DEVICE_ID: card_device_id, "wait": True}
        )

    assert raised.value.translation_key == "shell_start_not_confirmed"
    assert state_of(hass, "last_error") == "start_not_confirmed"
    assert hass.states.get(entity_id("session_status")).state == "start_requested"


async def test_a_later_success_clears_the_last_error(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    shell_cloud: ShellCloud,
    card_device_id: str,
) -> None:
    with pytest.raises(HomeAssistantError):
        await call_action(hass, START, {ATTR_DEVICE_ID: card_device_id, "evse_id": UNKNOWN_EVSE_ID})
    assert state_of(hass, "last_error") == "unknown_evse"

    await call_while_time_passes(
        hass, frozen, START, {ATTR_DEVICE_ID: card_device_id, "wait": True}
    )
    assert state_of(hass, "last_error") == "none"


# Stopping.


async def test_stop_the_active_session(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    shell_cloud: ShellCloud,
    card_device_id: str,
) -> None:
    started = await call_while_time_passes(
        hass, frozen, START, {ATTR_DEVICE_ID: card_device_id, "wait": True}
    )
    assert started is not None

    response = await call_action(hass, STOP, {ATTR_DEVICE_ID: card_device_id})

    assert response == {"session_id": started["session_id"], "state": "stop_requested"}
    stop = next(r for r in shell_cloud.requests if r.path.endswith("/stop"))
    assert stop.query == {"sessionId": started["session_id"]}
    await move_time(hass, frozen, 15)
    assert hass.states.get(entity_id("session_status")).state == "stopped"
    assert hass.states.get(entity_id("session_stopped")).state != "unknown"


async def test_stop_a_named_session_of_several(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    shell_cloud: ShellCloud,
    card_device_id: str,
) -> None:
    first = await call_action(hass, START, {ATTR_DEVICE_ID: card_device_id})
    second = await call_action(
        hass, START, {ATTR_DEVICE_ID: card_device_id, "evse_id": OTHER_EVSE_ID}
    )
    await move_time(hass, frozen, START_DELAY + 5)
    assert hass.states.get(entity_id("active_sessions")).state == "2"

    with pytest.raises(ServiceValidationError) as raised:
        await call_action(hass, STOP, {ATTR_DEVICE_ID: card_device_id})
    assert raised.value.translation_key == "shell_several_sessions"
    names = (raised.value.translation_placeholders or {})["sessions"]
    assert str(first["session_id"]) in names
    assert str(second["session_id"]) in names

    response = await call_action(
        hass,
        STOP,
        {ATTR_DEVICE_ID: card_device_id, "session_id": str(first["session_id"]).upper()},
    )
    assert response["session_id"] == first["session_id"]
    await move_time(hass, frozen, 15)
    assert hass.states.get(entity_id("active_sessions")).state == "1"
    assert shell_cloud.session(str(second["session_id"])).state.value == "started"


async def test_stop_without_a_session(
    hass: HomeAssistant, shell_cloud: ShellCloud, card_device_id: str
) -> None:
    with pytest.raises(ServiceValidationError) as raised:
        await call_action(hass, STOP, {ATTR_DEVICE_ID: card_device_id})
    assert raised.value.translation_key == "shell_no_session"


async def test_stop_a_malformed_session_id(
    hass: HomeAssistant, shell_cloud: ShellCloud, card_device_id: str
) -> None:
    with pytest.raises(ServiceValidationError) as raised:
        await call_action(hass, STOP, {ATTR_DEVICE_ID: card_device_id, "session_id": "last-one"})
    assert raised.value.translation_key == "shell_invalid_session_id"


async def test_stop_an_unknown_session(
    hass: HomeAssistant, shell_cloud: ShellCloud, card_device_id: str
) -> None:
    unknown = "c3e332f0-1bb2-4f50-a96b-e075bbb71e68"
    with pytest.raises(HomeAssistantError) as raised:
        await call_action(hass, STOP, {ATTR_DEVICE_ID: card_device_id, "session_id": unknown})
    assert raised.value.translation_key == "shell_session_not_found"
    assert raised.value.translation_placeholders == {"session_id": unknown}
    assert state_of(hass, "last_error") == "session_not_found"


async def test_stop_and_wait_until_stopped(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    shell_cloud: ShellCloud,
    card_device_id: str,
) -> None:
    started = await call_while_time_passes(
        hass, frozen, START, {ATTR_DEVICE_ID: card_device_id, "wait": True}
    )
    assert started is not None

    response = await call_while_time_passes(
        hass, frozen, STOP, {ATTR_DEVICE_ID: card_device_id, "wait": True}
    )

    assert response == {"session_id": started["session_id"], "state": "stopped"}
    assert hass.states.get(entity_id("charging", "binary_sensor")).state == "off"


async def test_stop_refused_by_the_operator(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    shell_cloud: ShellCloud,
    card_device_id: str,
) -> None:
    started = await call_while_time_passes(
        hass, frozen, START, {ATTR_DEVICE_ID: card_device_id, "wait": True}
    )
    assert started is not None
    shell_cloud.fail_next_stop(str(started["session_id"]), "SessionInvalid", "Cannot stop")

    with pytest.raises(HomeAssistantError) as raised:
        await call_while_time_passes(
            hass, frozen, STOP, {ATTR_DEVICE_ID: card_device_id, "wait": True}
        )

    assert raised.value.translation_key == "shell_stop_failed"
    assert raised.value.translation_placeholders == {"session_id": started["session_id"]}
    assert "SessionInvalid" not in str(raised.value)  # the operator's code is for the log
    assert hass.states.get(entity_id("session_status")).state == "failed_to_stop"
    assert state_of(hass, "last_error") == "stop_failed"
    # A failed stop leaves the car charging: it can be stopped again.
    assert hass.states.get(entity_id("charging", "binary_sensor")).state == "on"
    assert hass.states.get(entity_id("stop_session", "button")).state != "unavailable"


async def test_stop_not_confirmed(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    shell_cloud: ShellCloud,
    card_device_id: str,
) -> None:
    await call_while_time_passes(
        hass, frozen, START, {ATTR_DEVICE_ID: card_device_id, "wait": True}
    )
    shell_cloud.stop_delay = 900
    with pytest.raises(HomeAssistantError) as raised:
        await call_while_time_passes(
            hass, frozen, STOP, {ATTR_DEVICE_ID: card_device_id, "wait": True}
        )

    assert raised.value.translation_key == "shell_stop_not_confirmed"
    assert state_of(hass, "last_error") == "stop_not_confirmed"
    assert hass.states.get(entity_id("session_status")).state == "stop_requested"


async def test_stop_while_a_start_is_awaited(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    shell_cloud: ShellCloud,
    setup_shell: MockConfigEntry,
    card_device_id: str,
) -> None:
    """Stopping a session whose start an action waits for ends that wait: never started."""
    coordinator = _coordinator(setup_shell)
    shell_cloud.start_delay = 120
    # Not a Home Assistant task: waiting for those would wait for this one too.
    waiting = asyncio.create_task(
        call_action(hass, START, {ATTR_DEVICE_ID: card_device_id, "wait": True})
    )
    # Followed, and seen by the poll right after the start (else there is nothing to stop).
    await wait_for(hass, lambda: coordinator.following and coordinator.data.stoppable, "the start")

    response = await call_action(hass, STOP, {ATTR_DEVICE_ID: card_device_id})

    with pytest.raises(HomeAssistantError) as raised:
        await waiting
    assert raised.value.translation_key == "shell_start_not_confirmed"
    assert coordinator.following == (response["session_id"],)
    await move_time(hass, frozen, 15)
    assert hass.states.get(entity_id("session_status")).state == "stopped"
    assert state_of(hass, "last_error") == "none"


async def test_operator_answers_at_once(
    hass: HomeAssistant, shell_cloud: ShellCloud, card_device_id: str
) -> None:
    """The first poll after the start already sees it started: nothing left to wait for."""
    shell_cloud.start_delay = 0
    response = await call_action(hass, START, {ATTR_DEVICE_ID: card_device_id, "wait": True})
    assert response["state"] == "started"


async def test_started_session_vanishes(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    shell_cloud: ShellCloud,
    card_device_id: str,
) -> None:
    """The API lists no sessions and forgot the new one: the start is not confirmed."""
    shell_cloud.fail_next(404, route="active")
    shell_cloud.fail_next(404, route="retrieve")
    with pytest.raises(HomeAssistantError) as raised:
        await call_while_time_passes(
            hass, frozen, START, {ATTR_DEVICE_ID: card_device_id, "wait": True}
        )
    assert raised.value.translation_key == "shell_start_not_confirmed"
    assert state_of(hass, "last_error") == "session_not_found"


# Which device.


async def test_unknown_device(hass: HomeAssistant, setup_shell: MockConfigEntry) -> None:
    for service in (START, STOP):
        with pytest.raises(ServiceValidationError) as raised:
            await call_action(hass, service, {ATTR_DEVICE_ID: "no-such-device"})
        assert raised.value.translation_key == "shell_device_not_found"
        assert "no-such-device" not in str(raised.value)


async def test_device_of_another_integration(
    hass: HomeAssistant, setup_shell: MockConfigEntry
) -> None:
    other = MockConfigEntry(domain="other")
    other.add_to_hass(hass)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=other.entry_id, identifiers={("other", "thing")}
    )
    with pytest.raises(ServiceValidationError) as raised:
        await call_action(hass, START, {ATTR_DEVICE_ID: device.id})
    assert raised.value.translation_key == "shell_invalid_device"


async def test_card_not_loaded(
    hass: HomeAssistant, setup_shell: MockConfigEntry, card_device_id: str
) -> None:
    await hass.config_entries.async_unload(setup_shell.entry_id)
    assert setup_shell.state is ConfigEntryState.NOT_LOADED
    with pytest.raises(ServiceValidationError) as raised:
        await call_action(hass, START, {ATTR_DEVICE_ID: card_device_id})
    assert raised.value.translation_key == "shell_not_loaded"


async def test_unload_releases_a_waiting_start(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    shell_cloud: ShellCloud,
    setup_shell: MockConfigEntry,
    card_device_id: str,
) -> None:
    """Unloading the card does not leave an action hanging: it ends as not confirmed."""
    coordinator = _coordinator(setup_shell)
    shell_cloud.start_delay = 600

    async def unload_once_following() -> None:
        await wait_for(hass, lambda: coordinator.following, "the start")
        await hass.config_entries.async_unload(setup_shell.entry_id)

    task = hass.async_create_task(unload_once_following())
    with pytest.raises(HomeAssistantError) as raised:
        await call_action(hass, START, {ATTR_DEVICE_ID: card_device_id, "wait": True})
    await task
    assert raised.value.translation_key == "shell_start_not_confirmed"
    assert not coordinator.following


# A card stored with a wrong check character (added before the check existed).


@pytest.mark.parametrize(
    ("stored", "expected"),
    [
        ("NL-TNM-C00122045-X", "K"),  # a typing error in the last one
        ("NL-TNM-C00122054-K", "J"),  # two digits swapped
    ],
)
async def test_a_stored_card_with_a_wrong_check_character(
    hass: HomeAssistant,
    shell_simulator: Simulator,
    shell_cloud: ShellCloud,
    stored: str,
    expected: str,
) -> None:
    """The entry does not load and says which character the number calls for; nothing is
    sent, and the actions name the card as not loaded instead of starting anything."""
    card_id = stored.replace("-", "")
    entry = MockConfigEntry(
        domain=DOMAIN,
        title=f"Shell Recharge {stored}",
        unique_id=card_id,
        data=card_data(shell_simulator.base_url, stored),
        options={CONF_DEFAULT_EVSE_ID: EVSE_ID},
    )
    entry.add_to_hass(hass)
    device = dr.async_get(hass).async_get_or_create(
        config_entry_id=entry.entry_id, identifiers={(DOMAIN, card_id)}, name=entry.title
    )
    assert not await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()

    assert entry.state is ConfigEntryState.SETUP_ERROR
    assert entry.reason == (
        f"The last character of the card number ({stored[-1]}) does not match the rest of the "
        f"number: with these characters it would be {expected}. Compare the number with your "
        "card; one wrong or swapped character anywhere changes the last one"
    )
    assert not shell_cloud.requests

    with pytest.raises(ServiceValidationError) as raised:
        await call_action(hass, START, {ATTR_DEVICE_ID: device.id})
    assert raised.value.translation_key == "shell_not_loaded"
    assert str(raised.value) == f"The Shell Recharge card {entry.title} is not loaded"
    assert not shell_cloud.requests


# Several sessions of one card.


async def test_the_card_shows_all_its_sessions(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    shell_cloud: ShellCloud,
    card_device_id: str,
) -> None:
    """The active sessions sensor counts them and lists their ids; the stop button names
    the session it stops, and stops that one."""
    first = await call_action(hass, START, {ATTR_DEVICE_ID: card_device_id})
    second = await call_action(
        hass, START, {ATTR_DEVICE_ID: card_device_id, "evse_id": OTHER_EVSE_ID}
    )
    await move_time(hass, frozen, START_DELAY + 5)

    sessions = hass.states.get(entity_id("active_sessions"))
    assert sessions is not None
    assert sessions.state == "2"
    assert sorted(sessions.attributes["session_ids"]) == sorted(
        [first["session_id"], second["session_id"]]
    )
    shown = hass.states.get(entity_id("session_evse_id"))
    assert shown is not None
    stop = hass.states.get(entity_id("stop_session", "button"))
    assert stop is not None
    shown_id = next(s["session_id"] for s in (first, second) if s["evse_id"] == shown.state)
    assert stop.attributes["session_id"] == shown_id
    assert stop.attributes["evse_id"] == shown.state

    await hass.services.async_call(
        "button", "press", {"entity_id": entity_id("stop_session", "button")}, blocking=True
    )
    assert shell_cloud.session(str(shown_id)).state.value == "stop-requested"
    other_id = next(s["session_id"] for s in (first, second) if s["session_id"] != shown_id)
    assert shell_cloud.session(str(other_id)).state.value == "started"


@pytest.mark.parametrize("wait", [0, START_DELAY + 5])
async def test_start_where_the_card_already_charges_is_refused(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    shell_cloud: ShellCloud,
    card_device_id: str,
    wait: float,
) -> None:
    """Requested or started: a second start at the same EVSE is refused before any request."""
    first = await call_action(hass, START, {ATTR_DEVICE_ID: card_device_id})
    await move_time(hass, frozen, wait)
    starts = paths(shell_cloud).count("start")

    with pytest.raises(ServiceValidationError) as raised:
        await call_action(hass, START, {ATTR_DEVICE_ID: card_device_id, "evse_id": EVSE_ID.lower()})
    assert raised.value.translation_key == "shell_already_charging_here"
    assert raised.value.translation_placeholders == {
        "evse_id": EVSE_ID,
        "session_id": first["session_id"],
    }
    assert paths(shell_cloud).count("start") == starts
    # Another EVSE is fine.
    await call_action(hass, START, {ATTR_DEVICE_ID: card_device_id, "evse_id": OTHER_EVSE_ID})
    assert paths(shell_cloud).count("start") == starts + 1
