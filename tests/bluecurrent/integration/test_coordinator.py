"""The connection's life: reconnects, the rate limit, reauth, the watchdog, account changes."""

from __future__ import annotations

import asyncio
from datetime import timedelta
import logging

from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import SOURCE_REAUTH, ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import (
    device_registry as dr,
    entity_registry as er,
    issue_registry as ir,
)
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.blue_current.bluecurrent import coordinator as coordinator_module
from custom_components.blue_current.bluecurrent.coordinator import reconnect_delay
from custom_components.blue_current.const import CONF_SERVER_URL, DOMAIN
from simulator.bluecurrent import BlueCurrentCloud
from simulator.bluecurrent.connection import Connection
from simulator.bluecurrent.ratelimit import LimitSignal
from simulator.server import Simulator
from tests.bluecurrent.client.running import commands
from tests.quality import backs
from tests.waiting import wait_for

from .conftest import API_TOKEN, EVSE_IDS

ACTIVITY = "sensor.driveway_activity"


def test_backoff_grows_with_jitter_and_is_capped() -> None:
    for attempt in range(12):
        delay = reconnect_delay(attempt)
        ceiling = min(300.0, 2.0 ** (attempt + 1))
        assert max(1.0, ceiling / 2) <= delay <= ceiling
    assert reconnect_delay(50) <= 300


@backs("entity-unavailable", "log-when-unavailable")
async def test_reconnects_after_a_clean_close(
    hass: HomeAssistant,
    setup_account: MockConfigEntry,
    bc_cloud: BlueCurrentCloud,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="custom_components.blue_current")
    coordinator = setup_account.runtime_data
    assert hass.states.get(ACTIVITY).state == "available"
    await bc_cloud.close_connections(1000)
    await wait_for(hass, lambda: not coordinator.connected)
    assert hass.states.get(ACTIVITY).state == STATE_UNAVAILABLE
    assert caplog.text.count("lost") == 1
    # Nothing before the backoff ends; then the connection is back.
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=3))
    await wait_for(hass, lambda: coordinator.connected)
    await wait_for(hass, lambda: hass.states.get(ACTIVITY).state == "available")
    assert caplog.text.count("is back") == 1
    # A reconnect asks every status again but not the grids or cards it already knows.
    # (The entities are available again as soon as the connection is; the requests follow.)
    await wait_for(
        hass,
        lambda: commands(bc_cloud).count("GET_CH_STATUS") == 2 * len(EVSE_IDS),
        "the statuses asked again",
    )
    assert commands(bc_cloud).count("GET_GRID_STATUS") == len(EVSE_IDS)
    assert commands(bc_cloud).count("GET_CHARGE_CARDS") == 1
    assert commands(bc_cloud).count("GET_CH_STATUS") == 2 * len(EVSE_IDS)
    # The session token was kept: no second validation.
    assert commands(bc_cloud).count("VALIDATE_API_TOKEN") == 1


async def test_backoff_grows_while_the_cloud_is_away(
    hass: HomeAssistant,
    setup_account: MockConfigEntry,
    bc_cloud: BlueCurrentCloud,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Attempts after about 1 s, 2 s, 4 s … (the README's backoff), capped at 5 minutes."""
    # The jitter takes the top of its range: waits of 2, 4, 8, 16, … seconds.
    monkeypatch.setattr(coordinator_module.random, "uniform", lambda _low, high: high)
    coordinator = setup_account.runtime_data
    waits: list[float] = []
    handshakes_before_wait: list[int] = []

    async def record(seconds: float) -> None:
        # Instead of waiting: note the wait and how many handshakes the cloud saw so far.
        waits.append(seconds)
        handshakes_before_wait.append(bc_cloud.handshakes)
        if len(waits) == 12:
            bc_cloud.down = False  # the cloud comes back before the 13th attempt
        await asyncio.sleep(0)

    monkeypatch.setattr(coordinator, "_sleep", record)
    bc_cloud.down = True
    handshakes = bc_cloud.handshakes
    await bc_cloud.close_connections(1011)
    await wait_for(hass, lambda: coordinator.connected and len(waits) == 12, "the way back")
    assert waits == [2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 300.0, 300.0, 300.0, 300.0]
    # One refused handshake between two waits: an attempt per wait, none in between.
    assert [n - handshakes for n in handshakes_before_wait] == list(range(12))
    assert bc_cloud.handshakes - handshakes == 12
    # After a long outage the delay stays capped (no overflow after many attempts).
    assert coordinator_module.reconnect_delay(5000) == 300.0


async def test_a_rate_limit_while_away_shows_a_repair(
    hass: HomeAssistant, setup_account: MockConfigEntry, bc_cloud: BlueCurrentCloud
) -> None:
    coordinator = setup_account.runtime_data
    bc_cloud.reject_second_connection = True  # refuses every handshake while one is open
    await bc_cloud.close_connections(1011)
    await wait_for(hass, lambda: not coordinator.connected)
    bc_cloud.budget.budget = 0  # every new handshake is now refused as rate limited
    bc_cloud.limit_signal = LimitSignal.CLOSE
    await hass.async_block_till_done()
    issues = ir.async_get(hass)
    # Within a few backoff periods the rate-limit refusal shows up as a repair issue.
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=5))
    await wait_for(
        hass,
        lambda: issues.async_get_issue(DOMAIN, f"rate_limited_{setup_account.entry_id}"),
        "the rate-limit repair",
    )


async def test_rate_limit_waits_for_the_reset_and_shows_a_repair(
    hass: HomeAssistant,
    setup_account: MockConfigEntry,
    bc_cloud: BlueCurrentCloud,
    freezer: FrozenDateTimeFactory,
) -> None:
    await hass.config.async_set_time_zone("Europe/Amsterdam")
    coordinator = setup_account.runtime_data
    bc_cloud.limit_signal = LimitSignal.CLOSE
    bc_cloud.budget.budget = bc_cloud.requests_used(API_TOKEN)
    await coordinator.client.request_status(EVSE_IDS[0])  # one over the budget: 4001
    await wait_for(hass, lambda: not coordinator.connected)
    issue_id = f"rate_limited_{setup_account.entry_id}"
    issue = ir.async_get(hass).async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_key == "rate_limited"
    assert issue.translation_placeholders is not None
    assert "00:00:30" in issue.translation_placeholders["reset_at"]
    assert hass.states.get(ACTIVITY).state == STATE_UNAVAILABLE
    # Hours pass but it is not yet the reset: no new attempt.
    handshakes_before = len(bc_cloud.received)
    freezer.tick(timedelta(minutes=30))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert len(bc_cloud.received) == handshakes_before
    # The budget resets; at 00:00:30 Amsterdam the integration reconnects and clears the repair.
    bc_cloud.budget.budget = None
    freezer.tick(timedelta(days=1))
    async_fire_time_changed(hass)
    await wait_for(hass, lambda: coordinator.connected)
    assert ir.async_get(hass).async_get_issue(DOMAIN, issue_id) is None


async def test_invalid_token_at_setup_starts_reauth(
    hass: HomeAssistant, bc_simulator: Simulator
) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id="1234",
        data={"api_token": "revoked", CONF_SERVER_URL: bc_simulator.bluecurrent_url},
    )
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_ERROR
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert [flow["context"]["source"] for flow in flows] == [SOURCE_REAUTH]


async def test_token_revoked_while_running_starts_reauth(
    hass: HomeAssistant, setup_account: MockConfigEntry, bc_cloud: BlueCurrentCloud
) -> None:
    coordinator = setup_account.runtime_data
    account = bc_cloud.account(API_TOKEN)
    account.session_token = "rotated"  # the old session token is refused from now on
    bc_cloud.add_account("other-token", customer_id="99")  # keep the cloud populated
    del bc_cloud._accounts[API_TOKEN]  # the API token itself is revoked
    await coordinator.client.request_status(EVSE_IDS[0])
    await wait_for(hass, lambda: not coordinator.connected)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=3))
    await wait_for(hass, lambda: hass.config_entries.flow.async_progress_by_handler(DOMAIN))
    flows = hass.config_entries.flow.async_progress_by_handler(DOMAIN)
    assert flows[0]["context"]["source"] == SOURCE_REAUTH


async def test_cannot_connect_at_setup_retries(hass: HomeAssistant, socket_enabled: None) -> None:
    entry = MockConfigEntry(
        domain=DOMAIN,
        unique_id="1234",
        data={"api_token": API_TOKEN, CONF_SERVER_URL: "ws://127.0.0.1:9/haserver"},
    )
    entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(entry.entry_id)
    assert entry.state is ConfigEntryState.SETUP_RETRY


async def test_rate_limited_at_setup_retries(
    hass: HomeAssistant, account_entry: MockConfigEntry, bc_cloud: BlueCurrentCloud
) -> None:
    await hass.config.async_set_time_zone("Europe/Amsterdam")
    bc_cloud.budget.budget = 0
    bc_cloud.budget.spend(API_TOKEN)
    account_entry.add_to_hass(hass)
    assert not await hass.config_entries.async_setup(account_entry.entry_id)
    assert account_entry.state is ConfigEntryState.SETUP_RETRY
    assert "00:00:30" in str(account_entry.reason)


async def test_setup_gives_up_after_the_timeout(
    hass: HomeAssistant,
    account_entry: MockConfigEntry,
    bc_cloud: BlueCurrentCloud,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(coordinator_module, "SETUP_TIMEOUT", 0.2)
    account_entry.add_to_hass(hass)
    # The token is validated, then the cloud stops answering: no charge points arrive.
    original = bc_cloud._on_frame

    async def answer_only_validation(connection: Connection, text: str) -> None:
        if "VALIDATE_API_TOKEN" in text:
            await original(connection, text)

    monkeypatch.setattr(bc_cloud, "_on_frame", answer_only_validation)
    assert not await hass.config_entries.async_setup(account_entry.entry_id)
    assert account_entry.state is ConfigEntryState.SETUP_RETRY


async def test_watchdog_asks_a_silent_charging_charge_point(
    hass: HomeAssistant,
    setup_account: MockConfigEntry,
    bc_cloud: BlueCurrentCloud,
    freezer: FrozenDateTimeFactory,
) -> None:
    charge_point = bc_cloud.charge_point(EVSE_IDS[0])
    charge_point.plug_in()
    charge_point.start_charging()
    await bc_cloud.push_status(EVSE_IDS[0])
    await wait_for(hass, lambda: hass.states.get(ACTIVITY).state == "charging")
    asked = commands(bc_cloud).count("GET_CH_STATUS")
    freezer.tick(timedelta(minutes=2))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()
    assert commands(bc_cloud).count("GET_CH_STATUS") == asked  # not silent long enough
    freezer.tick(timedelta(minutes=4))
    async_fire_time_changed(hass)
    await wait_for(hass, lambda: commands(bc_cloud).count("GET_CH_STATUS") == asked + 1)
    # Only the charging one is asked.
    last = next(f for f in reversed(bc_cloud.received) if f.command == "GET_CH_STATUS")
    assert last.message is not None
    assert last.message["evse_id"] == EVSE_IDS[0]


@backs("stale-devices")
async def test_charge_points_come_and_go_without_reload(
    hass: HomeAssistant,
    setup_account: MockConfigEntry,
    bc_cloud: BlueCurrentCloud,
    freezer: FrozenDateTimeFactory,
) -> None:
    devices = dr.async_get(hass)
    bc_cloud.add_charge_point(API_TOKEN, "BCU200001", name="Barn", grid="barn")
    del bc_cloud.account(API_TOKEN).charge_points[EVSE_IDS[1]]
    freezer.tick(timedelta(hours=1, seconds=1))
    async_fire_time_changed(hass)
    await wait_for(hass, lambda: hass.states.get("sensor.barn_activity") is not None)
    await wait_for(hass, lambda: hass.states.get("sensor.barn_activity").state == "available")
    assert (
        devices.async_get_device_by_identifier((DOMAIN, "BCU200001"), setup_account.entry_id)
        is not None
    )
    assert (
        devices.async_get_device_by_identifier((DOMAIN, EVSE_IDS[1]), setup_account.entry_id)
        is None
    )
    registry = er.async_get(hass)
    assert registry.async_get_entity_id("sensor", DOMAIN, f"activity_{EVSE_IDS[1]}") is None
    # The new charge point's own grid shows up as a device of its own.
    await wait_for(
        hass,
        lambda: devices.async_get_device_by_identifier(
            (DOMAIN, "GRID-BCU200001"), setup_account.entry_id
        ),
    )


async def test_every_grid_of_the_account(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, account_entry: MockConfigEntry
) -> None:
    bc_cloud.add_charge_point(API_TOKEN, "BCU300001", name="Shed", grid="second")
    account_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(account_entry.entry_id)
    coordinator = account_entry.runtime_data
    await wait_for(hass, lambda: len(coordinator.data.grids) == 2)
    await hass.async_block_till_done()
    registry = er.async_get(hass)
    for grid_id in coordinator.data.grids:
        assert registry.async_get_entity_id("sensor", DOMAIN, f"grid_avg_current_{grid_id}")
