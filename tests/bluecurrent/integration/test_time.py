"""Times of smart charging: the delayed-charging window and the departure, read back."""

from __future__ import annotations

from datetime import datetime

from homeassistant.components.time import ATTR_TIME, DOMAIN as TIME_DOMAIN, SERVICE_SET_VALUE
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from custom_components.blue_current.const import DOMAIN
from simulator.bluecurrent import CLOUD_TIMEZONE, BlueCurrentCloud, ManualClock, populate
from tests.waiting import wait_for

from .conftest import API_TOKEN, CUSTOMER_ID, EMAIL, EVSE_IDS, received

EVSE_ID = EVSE_IDS[0]
# A Wednesday noon in Amsterdam.
NOON = datetime(2026, 6, 10, 12, 0, tzinfo=CLOUD_TIMEZONE)


@pytest.fixture
def clock() -> ManualClock:
    """The cloud's time, moved by the test."""
    return ManualClock(NOON)


@pytest.fixture
def bc_cloud(clock: ManualClock) -> BlueCurrentCloud:
    """The conftest account on a clock the test moves."""
    cloud = BlueCurrentCloud(clock=clock, seed=1)
    populate(cloud, api_token=API_TOKEN, customer_id=CUSTOMER_ID, email=EMAIL, seed=1)
    return cloud


def _entity_id(hass: HomeAssistant, platform: Platform, key: str) -> str:
    entity_id = er.async_get(hass).async_get_entity_id(platform, DOMAIN, f"{key}_{EVSE_ID}")
    assert entity_id is not None, key
    return entity_id


def _state(hass: HomeAssistant, key: str, platform: Platform = Platform.TIME) -> str:
    state = hass.states.get(_entity_id(hass, platform, key))
    assert state is not None
    return state.state


async def _set_time(hass: HomeAssistant, key: str, value: str) -> None:
    await hass.services.async_call(
        TIME_DOMAIN,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: _entity_id(hass, Platform.TIME, key), ATTR_TIME: value},
        blocking=True,
    )


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_snapshot(
    hass: HomeAssistant,
    snapshot: SnapshotAssertion,
    bc_cloud: BlueCurrentCloud,
    account_entry: MockConfigEntry,
) -> None:
    """Delayed charging on for the first charge point: its window shows; the rest is off."""
    bc_cloud.charge_point(EVSE_ID).delayed.enabled = True
    account_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(account_entry.entry_id)
    await hass.async_block_till_done()
    registry = er.async_get(hass)
    for entry in er.async_entries_for_config_entry(registry, account_entry.entry_id):
        if entry.domain != Platform.TIME:
            registry.async_remove(entry.entity_id)
    await snapshot_platform(hass, registry, snapshot, account_entry.entry_id)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_delayed_window_is_set_and_holds_the_car_outside_it(
    hass: HomeAssistant,
    bc_cloud: BlueCurrentCloud,
    clock: ManualClock,
    setup_account: MockConfigEntry,
) -> None:
    """The window shows while the profile is on; a new start keeps the days and the end.

    At noon, outside the 22:00-07:00 window, the plugged-in car waits (boost available);
    once the window opens it charges.
    """
    charge_point = bc_cloud.charge_point(EVSE_ID)
    assert _state(hass, "delayed_charging_start") == STATE_UNAVAILABLE
    charge_point.delayed.enabled = True
    charge_point.delayed.days = [1, 2, 3, 4, 5]
    await bc_cloud.push_settings(EVSE_ID)
    await wait_for(hass, lambda: _state(hass, "delayed_charging_start") == "22:00:00", "window")
    assert _state(hass, "delayed_charging_end") == "07:00:00"

    await _set_time(hass, "delayed_charging_start", "21:30")
    assert received(bc_cloud, "SAVE_SCHEDULE_DELAYED_CHARGING")[-1] | {"Authorization": ""} == {
        "command": "SAVE_SCHEDULE_DELAYED_CHARGING",
        "evse_id": EVSE_ID,
        "days": "[1,2,3,4,5]",
        "start_time": "21:30",
        "end_time": "07:00",
        "Authorization": "",
    }
    await wait_for(hass, lambda: _state(hass, "delayed_charging_start") == "21:30:00", "read back")
    assert charge_point.delayed.start_time == "21:30"

    charge_point.start_charging()
    await bc_cloud.push_status(EVSE_ID)
    await wait_for(hass, lambda: _state(hass, "activity", Platform.SENSOR) == "delayed", "held")
    assert _state(hass, "boost", Platform.BUTTON) != STATE_UNAVAILABLE
    assert _state(hass, "charging", Platform.BINARY_SENSOR) == "off"

    clock.set(NOON.replace(hour=21, minute=45))
    await bc_cloud.tick(0)
    await wait_for(
        hass, lambda: _state(hass, "activity", Platform.SENSOR) == "charging", "the window open"
    )
    assert _state(hass, "charging", Platform.BINARY_SENSOR) == "on"
    assert _state(hass, "boost", Platform.BUTTON) == STATE_UNAVAILABLE


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_departure_time_while_price_based_charging_is_on(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """Read back under the cloud's read key; set with a partial patch."""
    charge_point = bc_cloud.charge_point(EVSE_ID)
    assert _state(hass, "departure_time") == STATE_UNAVAILABLE
    charge_point.price_based.enabled = True
    await bc_cloud.push_settings(EVSE_ID)
    await wait_for(hass, lambda: _state(hass, "departure_time") == "07:30:00", "departure")

    await _set_time(hass, "departure_time", "06:45")
    sent = received(bc_cloud, "PATCH_PRICE_BASED_CHARGING_SETTINGS")[-1]
    assert sent["expected_departure_time"] == "06:45"
    assert "minimum_pct" not in sent
    await wait_for(hass, lambda: _state(hass, "departure_time") == "06:45:00", "read back")


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_read_only_profile_leaves_the_times_unavailable(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """Permission "read": the window is the cloud's to keep."""
    charge_point = bc_cloud.charge_point(EVSE_ID)
    charge_point.delayed.enabled = True
    charge_point.delayed.permission = "read"
    await bc_cloud.push_settings(EVSE_ID)
    await wait_for(
        hass,
        lambda: (
            setup_account.runtime_data.data.charge_points[EVSE_ID].settings.delayed_charging
            is not None
            and setup_account.runtime_data.data.charge_points[
                EVSE_ID
            ].settings.delayed_charging.value
        ),
        "the settings",
    )
    assert _state(hass, "delayed_charging_start") == STATE_UNAVAILABLE
    # Home Assistant does not call an unavailable entity: nothing goes out.
    await _set_time(hass, "delayed_charging_start", "21:00")
    assert received(bc_cloud, "SAVE_SCHEDULE_DELAYED_CHARGING") == []
