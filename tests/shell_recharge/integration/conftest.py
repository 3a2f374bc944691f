"""A Shell Recharge card entry against the fake Shell API on 127.0.0.1.

The fake cloud runs on Home Assistant's clock (dt_util.utcnow), so a test that freezes time
decides when the operator answers a start or a stop. Every test also checks that neither the
client secret nor an access token reached the log, at any level.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
import logging
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant, ServiceResponse
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.blue_current.const import (
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
)
from simulator.server import Simulator
from simulator.shell import ShellCloud

# Fixtures of an account too: some tests run both kinds of entry side by side.
from tests.bluecurrent.integration.conftest import (
    account_entry,
    bc_cloud,
    bc_simulator,
    setup_account,
)
from tests.ha import (
    auto_enable_custom_integrations,
    entity_registry_enabled_by_default,
    snapshot,
)

# Fixtures imported for the tests below this conftest (pytest finds them by name here).
__all__ = [
    "account_entry",
    "auto_enable_custom_integrations",
    "bc_cloud",
    "bc_simulator",
    "entity_registry_enabled_by_default",
    "setup_account",
    "snapshot",
]

CLIENT_ID = "ha-partner-client-id"
CLIENT_SECRET = "Shell-Secret-For-Tests-9f2b"
EMA_ID = "NL-TNM-C00122045-K"
CARD_ID = "NLTNMC00122045K"  # the unique id: upper case, no hyphens
OTHER_EMA_ID = "NL-TNM-C0216599X-A"
UNKNOWN_EMA_ID = "NL-TNM-C09999999-2"  # a valid card number the cloud does not know
EVSE_ID = "NL*TNM*E02003451*0"
OTHER_EVSE_ID = "NL*TNM*E02003452*0"
UNKNOWN_EVSE_ID = "NL*TNM*E09999999*0"
TITLE = f"Shell Recharge {EMA_ID}"
START_DELAY = 12.0  # seconds until the operator starts (or refuses) a session
STOP_DELAY = 8.0
# Tests that move time start on a whole second, so polls land on whole seconds too.
START = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)


def entity_id(key: str, platform: str = "sensor") -> str:
    """The entity id a card entity gets from the device name and its translated name."""
    names = {
        "session_status": "session_status",
        "session_evse_id": "session_evse",
        "session_started": "session_started",
        "session_stopped": "session_stopped",
        "active_sessions": "active_sessions",
        "last_error": "last_error",
        "charging": "charging",
        "start_session": "start_session",
        "stop_session": "stop_session",
    }
    return f"{platform}.shell_recharge_card_2045k_{names[key]}"


def card_data(server_url: str, ema_id: str = EMA_ID) -> dict[str, str]:
    """Entry data of a card entry pointed at the simulator."""
    return {
        CONF_ENTRY_KIND: ENTRY_KIND_SHELL,
        CONF_CLIENT_ID: CLIENT_ID,
        CONF_CLIENT_SECRET: CLIENT_SECRET,
        CONF_ENVIRONMENT: ENVIRONMENT_PRODUCTION,
        CONF_EMA_ID: ema_id,
        CONF_SERVER_URL: server_url,
    }


@pytest.fixture
def frozen(freezer: FrozenDateTimeFactory) -> FrozenDateTimeFactory:
    """Time stands still at START until the test moves it (request it before set-up)."""
    freezer.move_to(START)
    return freezer


@pytest.fixture
def shell_cloud() -> ShellCloud:
    """One partner with two cards and two EVSEs; the operator answers after a few seconds."""
    return ShellCloud(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        cards=[EMA_ID, OTHER_EMA_ID],
        evse_ids=[EVSE_ID, OTHER_EVSE_ID],
        clock=dt_util.utcnow,
        seed=3,
        start_delay=START_DELAY,
        stop_delay=STOP_DELAY,
    )


@pytest.fixture(autouse=True)
def no_secrets_logged(caplog: pytest.LogCaptureFixture, shell_cloud: ShellCloud) -> Iterator[None]:
    """Log the integration at debug level; afterwards, no secret or token may be in the log."""
    # aiohttp's access log cannot read the local time zone of a frozen clock. (The last
    # set_level also sets the capturing handler's level: ours comes last.)
    caplog.set_level(logging.WARNING, logger="aiohttp.access")
    caplog.set_level(logging.DEBUG, logger="custom_components.blue_current")
    yield
    tokens = {
        request.headers["Authorization"].partition(" ")[2]
        for request in shell_cloud.requests
        if request.headers.get("Authorization", "").startswith("Bearer ")
    }
    text = caplog.text
    assert CLIENT_SECRET not in text
    for token in tokens:
        assert token not in text


@pytest.fixture
async def shell_simulator(
    shell_cloud: ShellCloud, socket_enabled: None
) -> AsyncIterator[Simulator]:
    """The fake Shell API on a free port of 127.0.0.1."""
    async with Simulator(extra=[shell_cloud]) as simulator:
        yield simulator


@pytest.fixture
def shell_entry(shell_simulator: Simulator) -> MockConfigEntry:
    """A card entry with a default EVSE (not added to hass yet)."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=TITLE,
        unique_id=CARD_ID,
        data=card_data(shell_simulator.base_url),
        options={CONF_DEFAULT_EVSE_ID: EVSE_ID},
    )


@pytest.fixture
async def setup_shell(hass: HomeAssistant, shell_entry: MockConfigEntry) -> MockConfigEntry:
    """The card entry, set up: its first poll done."""
    shell_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(shell_entry.entry_id)
    await hass.async_block_till_done()
    return shell_entry


@pytest.fixture
def card_device_id(hass: HomeAssistant, setup_shell: MockConfigEntry) -> str:
    """The device id of the card."""
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, CARD_ID), setup_shell.entry_id
    )
    assert device is not None
    return device.id


def active_polls(cloud: ShellCloud) -> list[float]:
    """When the card's active sessions were asked, in seconds since the first request."""
    requests = [r for r in cloud.requests if r.path.endswith("/active")]
    first = cloud.requests[0].at
    return [round((r.at - first).total_seconds()) for r in requests]


def paths(cloud: ShellCloud) -> list[str]:
    """The last path segment of every request, in order (token, active, start, ...)."""
    return [r.path.rsplit("/", 1)[1] for r in cloud.requests]


async def move_time(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float, step: float = 1.0
) -> None:
    """Let `seconds` pass in steps, firing the timers that fall due and letting them run."""
    passed = 0.0
    while passed < seconds:
        tick = min(step, seconds - passed)
        freezer.tick(timedelta(seconds=tick))
        passed += tick
        async_fire_time_changed(hass)
        # Polls run as background tasks; wait for them (and their requests) too.
        await hass.async_block_till_done(wait_background_tasks=True)


async def call_while_time_passes(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    service: str,
    data: dict[str, Any],
    *,
    limit: float = 240.0,
) -> ServiceResponse:
    """Call an action that waits for the operator, moving time a second at a time meanwhile."""
    call = asyncio.create_task(
        hass.services.async_call(DOMAIN, service, data, blocking=True, return_response=True)
    )
    passed = 0.0
    while not call.done() and passed < limit:
        await move_time(hass, freezer, 1)
        passed += 1
    return await call


def state_of(hass: HomeAssistant, key: str, platform: str = "sensor") -> str:
    """The state of one of the card's entities, by its key."""
    state = hass.states.get(entity_id(key, platform))
    assert state is not None, key
    return state.state


async def call_action(hass: HomeAssistant, service: str, data: dict[str, Any]) -> dict[str, Any]:
    """Call one of the integration's actions and return its response."""
    response = await hass.services.async_call(
        DOMAIN, service, data, blocking=True, return_response=True
    )
    assert response is not None
    return dict(response)


@pytest.fixture
def only_this_platform(request: pytest.FixtureRequest) -> Iterator[None]:
    """Set up only the platform the test module is about (its PLATFORM)."""
    with patch("custom_components.blue_current.CARD_PLATFORMS", [request.module.PLATFORM]):
        yield
