"""Nothing is lost across a restart of Home Assistant: the account entry is unloaded and set up
again on the same storage, in the middle of a charging session and across the end of one."""

from __future__ import annotations

from datetime import datetime
import math

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.blue_current.const import DOMAIN
from simulator.bluecurrent import BlueCurrentCloud
from simulator.bluecurrent.model import ChargePoint
from tests.waiting import wait_for

from .conftest import EVSE_IDS

SESSION_SENSORS = {
    "energy_usage": "sensor.driveway_energy_usage",
    "total_cost": "sensor.driveway_total_cost",
    "started_on": "sensor.driveway_started_on",
    "stopped_on": "sensor.driveway_stopped_on",
    "activity": "sensor.driveway_activity",
}


def shown(hass: HomeAssistant, key: str) -> str:
    state = hass.states.get(SESSION_SENSORS[key])
    assert state is not None, key
    return state.state


def same_moment(state: str, moment: datetime | None) -> bool:
    if moment is None:
        return state == "unknown"
    parsed = dt_util.parse_datetime(state)
    return parsed is not None and abs((parsed - moment).total_seconds()) < 1


def shows_the_session(hass: HomeAssistant, charge_point: ChargePoint) -> bool:
    """The session sensors equal the simulator's truth."""
    return (
        shown(hass, "activity") == charge_point.activity
        and math.isclose(float(shown(hass, "energy_usage")), round(charge_point.actual_kwh, 3))
        and math.isclose(float(shown(hass, "total_cost")), round(charge_point.total_cost, 2))
        and same_moment(shown(hass, "started_on"), charge_point.start_datetime)
        and same_moment(shown(hass, "stopped_on"), charge_point.stop_datetime)
    )


async def restart(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Unload the entry (as Home Assistant stops), then set it up again on the same storage."""
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.NOT_LOADED
    assert hass.states.get(SESSION_SENSORS["activity"]).state == STATE_UNAVAILABLE
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    assert entry.state is ConfigEntryState.LOADED


@pytest.mark.usefixtures("entity_registry_enabled_by_default")  # stopped-on is off
async def test_a_restart_mid_session_and_across_its_end_loses_nothing(
    hass: HomeAssistant, setup_account: MockConfigEntry, bc_cloud: BlueCurrentCloud
) -> None:
    registry = er.async_get(hass)
    entities_before = {
        e.unique_id: e.entity_id
        for e in er.async_entries_for_config_entry(registry, setup_account.entry_id)
    }
    charge_point = bc_cloud.charge_point(EVSE_IDS[0])
    charge_point.plug_in()
    charge_point.start_charging()
    for _ in range(6):
        await bc_cloud.tick(600)  # an hour of charging, pushed every ten minutes
    await wait_for(hass, lambda: shows_the_session(hass, charge_point), "the session")
    energy_before = float(shown(hass, "energy_usage"))
    assert energy_before > 1

    # Restart in the middle of the session; it goes on while Home Assistant is down.
    assert await hass.config_entries.async_unload(setup_account.entry_id)
    await hass.async_block_till_done()
    await bc_cloud.tick(900)
    assert await hass.config_entries.async_setup(setup_account.entry_id)
    await hass.async_block_till_done()
    await wait_for(hass, lambda: shows_the_session(hass, charge_point), "the session after")
    assert float(shown(hass, "energy_usage")) > energy_before  # never back to 0 or stale
    # (A tick of the simulator moves a running session's start back as the session ages.)
    assert same_moment(shown(hass, "started_on"), charge_point.start_datetime)
    assert shown(hass, "activity") == "charging"

    # Down while the session ends and the car leaves; up again after.
    await restart(hass, setup_account)
    assert await hass.config_entries.async_unload(setup_account.entry_id)
    await hass.async_block_till_done()
    await bc_cloud.tick(600)
    final_energy = round(charge_point.actual_kwh, 3)
    charge_point.unplug()
    assert await hass.config_entries.async_setup(setup_account.entry_id)
    await hass.async_block_till_done()
    await wait_for(hass, lambda: shows_the_session(hass, charge_point), "the ended session")
    assert math.isclose(float(shown(hass, "energy_usage")), final_energy)
    assert same_moment(shown(hass, "started_on"), charge_point.start_datetime)
    assert shown(hass, "stopped_on") not in ("unknown", STATE_UNAVAILABLE)
    assert shown(hass, "activity") == "available"
    # The same entities, under the same ids, on the same devices.
    entities_after = {
        e.unique_id: e.entity_id
        for e in er.async_entries_for_config_entry(registry, setup_account.entry_id)
    }
    assert entities_after == entities_before
    assert all(
        registry.async_get(entity_id).platform == DOMAIN for entity_id in entities_after.values()
    )
