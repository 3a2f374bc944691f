"""Polling of a card: the cadence (60 s; 5 s after a command until it settles, 3 min at most),
Retry-After, sessions that end by themselves, and failures of the API."""

from __future__ import annotations

from datetime import timedelta
from itertools import pairwise
import logging

import aiohttp
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_DEVICE_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.blue_current.api.shell import ShellRechargeClient
from custom_components.blue_current.const import DOMAIN
from simulator.server import Simulator
from simulator.shell import ShellCloud
from tests.quality import backs

from .conftest import (
    CLIENT_ID,
    CLIENT_SECRET,
    EMA_ID,
    EVSE_ID,
    OTHER_EVSE_ID,
    active_polls,
    call_action,
    move_time,
    paths,
    state_of,
)


async def _start(hass: HomeAssistant, device_id: str) -> dict[str, object]:
    return await call_action(hass, "start_public_charge_session", {ATTR_DEVICE_ID: device_id})


async def _stop(hass: HomeAssistant, device_id: str) -> None:
    await hass.services.async_call(
        DOMAIN, "stop_public_charge_session", {ATTR_DEVICE_ID: device_id}, blocking=True
    )


@backs("appropriate-polling")
async def test_polling_cadence(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    shell_cloud: ShellCloud,
    setup_shell: MockConfigEntry,
    card_device_id: str,
) -> None:
    """Every minute; after a start or stop every 5 s until it settled; then every minute."""
    await move_time(hass, frozen, 130)
    assert active_polls(shell_cloud) == [0, 60, 120]

    response = await _start(hass, card_device_id)
    assert response["state"] == "start_requested"
    assert state_of(hass, "session_status") == "start_requested"
    await move_time(hass, frozen, 100)
    # At 130 right after the start; 5 s apart until the operator started it (12 s); a minute.
    assert active_polls(shell_cloud)[3:] == [130, 135, 140, 145, 205]
    assert state_of(hass, "session_status") == "started"
    assert state_of(hass, "charging", "binary_sensor") == "on"

    await _stop(hass, card_device_id)
    assert state_of(hass, "session_status") == "stop_requested"
    await move_time(hass, frozen, 80)
    assert active_polls(shell_cloud)[8:] == [230, 235, 240, 300]
    assert state_of(hass, "session_status") == "stopped"
    assert state_of(hass, "charging", "binary_sensor") == "off"


def _gaps(polls: list[float]) -> list[float]:
    return [b - a for a, b in pairwise(polls)]


async def test_fast_polling_ends_after_three_minutes(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    shell_cloud: ShellCloud,
    setup_shell: MockConfigEntry,
    card_device_id: str,
) -> None:
    """An operator that never answers: 5 s polls for 3 minutes, then the minute again."""
    shell_cloud.start_delay = 3600
    await move_time(hass, frozen, 10)
    await _start(hass, card_device_id)
    await move_time(hass, frozen, 320)

    polls = active_polls(shell_cloud)[1:]
    gaps = _gaps(polls)
    fast = [poll for poll, gap in zip(polls, gaps, strict=False) if gap == 5]
    assert polls[0] == 10
    assert fast == list(range(10, 190, 5))
    assert gaps[len(fast) :] == [60, 60]
    assert state_of(hass, "session_status") == "start_requested"
    assert state_of(hass, "last_error") == "start_not_confirmed"
    assert setup_shell.runtime_data.following == ()


async def test_rate_limit_waits_for_retry_after(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    shell_cloud: ShellCloud,
    setup_shell: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    shell_cloud.fail_next(429, 120, route="active")
    await move_time(hass, frozen, 61)
    assert state_of(hass, "session_status") == "unavailable"
    assert "The Shell API rate limit was reached; try again in 120 seconds" in caplog.text

    await move_time(hass, frozen, 200)
    # Nothing before the 120 s are over; then the minute again.
    assert active_polls(shell_cloud) == [0, 60, 181, 241]
    assert state_of(hass, "session_status") == "idle"
    assert "Fetching blue_current Shell Recharge card data recovered" in caplog.text


async def test_rate_limit_without_retry_after_waits_a_minute(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    shell_cloud: ShellCloud,
    setup_shell: MockConfigEntry,
) -> None:
    shell_cloud.fail_next(429, route="active")
    await move_time(hass, frozen, 130)
    assert active_polls(shell_cloud) == [0, 60, 121]


async def test_rate_limited_command_pauses_polling(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    shell_cloud: ShellCloud,
    setup_shell: MockConfigEntry,
    card_device_id: str,
) -> None:
    """A 429 to a start holds the next poll back too; the entities stay available."""
    await move_time(hass, frozen, 50)
    shell_cloud.fail_next(429, 30, route="start")
    with pytest.raises(HomeAssistantError):
        await _start(hass, card_device_id)
    assert setup_shell.runtime_data.rate_limited_until == dt_util.utcnow() + timedelta(seconds=30)

    await move_time(hass, frozen, 80)
    assert active_polls(shell_cloud) == [0, 120]
    assert state_of(hass, "session_status") == "idle"
    assert state_of(hass, "last_error") == "rate_limited"


async def test_rate_limit_while_following(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    shell_cloud: ShellCloud,
    setup_shell: MockConfigEntry,
    card_device_id: str,
) -> None:
    await move_time(hass, frozen, 10)
    await _start(hass, card_device_id)
    shell_cloud.fail_next(429, 20, route="active")
    await move_time(hass, frozen, 100)

    assert active_polls(shell_cloud)[1:] == [10, 15, 36, 96]
    assert state_of(hass, "session_status") == "started"


async def test_session_ends_by_itself(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    shell_cloud: ShellCloud,
    setup_shell: MockConfigEntry,
    card_device_id: str,
) -> None:
    """The cable is pulled: the session leaves the active list; how it ended is asked once."""
    response = await _start(hass, card_device_id)
    await move_time(hass, frozen, 20)
    assert state_of(hass, "session_status") == "started"
    assert state_of(hass, "session_started") == "2026-05-01T10:00:12+00:00"
    assert state_of(hass, "session_evse_id") == EVSE_ID

    await move_time(hass, frozen, 10)
    shell_cloud.end_session(str(response["session_id"]))
    await move_time(hass, frozen, 60)

    assert state_of(hass, "session_status") == "stopped"
    assert state_of(hass, "session_stopped") == "2026-05-01T10:00:30+00:00"
    assert state_of(hass, "charging", "binary_sensor") == "off"
    assert state_of(hass, "active_sessions") == "0"
    assert paths(shell_cloud).count("retrieve") == 1
    # The ended session stays on show; later polls ask nothing more about it.
    await move_time(hass, frozen, 60)
    assert paths(shell_cloud).count("retrieve") == 1
    assert state_of(hass, "session_evse_id") == EVSE_ID


async def test_session_forgotten_by_the_api(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    shell_cloud: ShellCloud,
    setup_shell: MockConfigEntry,
    card_device_id: str,
) -> None:
    response = await _start(hass, card_device_id)
    await move_time(hass, frozen, 20)
    shell_cloud.end_session(str(response["session_id"]))
    shell_cloud.fail_next(404, route="retrieve")
    await move_time(hass, frozen, 60)

    assert state_of(hass, "session_status") == "stopped"
    assert state_of(hass, "session_stopped") == "unknown"


async def test_session_started_elsewhere(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    shell_cloud: ShellCloud,
    shell_simulator: Simulator,
    setup_shell: MockConfigEntry,
) -> None:
    """A session of the card started by another app shows up at the next poll."""
    async with aiohttp.ClientSession() as http:
        other_app = ShellRechargeClient(
            session=http,
            client_id=CLIENT_ID,
            client_secret=CLIENT_SECRET,
            base_url=shell_simulator.base_url,
        )
        await other_app.start(EMA_ID, OTHER_EVSE_ID)
    await move_time(hass, frozen, 60)

    assert state_of(hass, "session_status") == "started"
    assert state_of(hass, "session_evse_id") == OTHER_EVSE_ID
    assert state_of(hass, "active_sessions") == "1"
    assert state_of(hass, "stop_session", "button") == "unknown"


async def test_refused_credentials_while_polling_start_reauth(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    shell_cloud: ShellCloud,
    setup_shell: MockConfigEntry,
) -> None:
    shell_cloud.revoke_tokens()
    shell_cloud.fail_next(401, route="token", times=2)
    await move_time(hass, frozen, 61)

    assert state_of(hass, "session_status") == "unavailable"
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["step_id"] for flow in flows] == ["shell_reauth_confirm"]


async def test_api_failure_makes_entities_unavailable_once(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    shell_cloud: ShellCloud,
    setup_shell: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="custom_components.blue_current")
    shell_cloud.fail_next(503, route="active", times=2)
    await move_time(hass, frozen, 121)
    assert state_of(hass, "session_status") == "unavailable"
    assert state_of(hass, "start_session", "button") == "unavailable"
    # One line for the two failed polls (the debug traceback aside), in words.
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    failures = [m for m in errors if "Could not read the sessions" in m]
    assert len(failures) == 1
    assert "E0014" not in failures[0]
    # The API's status and code are in the debug log, for a bug report.
    debug = [r.getMessage() for r in caplog.records if r.levelno == logging.DEBUG]
    assert any("HTTP 503 E0014" in m for m in debug)

    await move_time(hass, frozen, 60)
    assert state_of(hass, "session_status") == "idle"
    assert state_of(hass, "start_session", "button") == "unknown"
