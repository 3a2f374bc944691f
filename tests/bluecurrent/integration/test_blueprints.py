"""The automation blueprints: valid for Home Assistant, and one of each run on the simulator."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
import shutil

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.automation import DOMAIN as AUTOMATION_DOMAIN
from homeassistant.components.automation.helpers import async_get_blueprints
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.setup import async_setup_component
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.blue_current.const import DOMAIN
from simulator.bluecurrent import BlueCurrentCloud
from tests.paths import REPO
from tests.waiting import wait_for

from .conftest import API_TOKEN, EVSE_IDS

BLUEPRINTS = REPO / "blueprints" / "automation" / "blue_current"
EVSE_ID = EVSE_IDS[0]
GRID_POWER = "sensor.grid_power"
CAR_BATTERY = "sensor.car_battery"


@pytest.fixture
def config_dir(hass: HomeAssistant, tmp_path: Path) -> Path:
    """A config directory with our blueprints where Home Assistant looks for them."""
    target = tmp_path / "blueprints" / "automation" / "blue_current"
    shutil.copytree(BLUEPRINTS, target)
    hass.config.config_dir = str(tmp_path)
    return tmp_path


def _entity_id(hass: HomeAssistant, platform: Platform, key: str) -> str:
    entity_id = er.async_get(hass).async_get_entity_id(platform, DOMAIN, f"{key}_{EVSE_ID}")
    assert entity_id is not None, key
    return entity_id


def test_there_are_two_blueprints() -> None:
    assert sorted(p.name for p in BLUEPRINTS.iterdir()) == [
        "charged_by_departure.yaml",
        "follow_solar_surplus.yaml",
    ]


@pytest.mark.usefixtures("config_dir")
@pytest.mark.parametrize("name", ["follow_solar_surplus.yaml", "charged_by_departure.yaml"])
async def test_blueprint_loads_in_home_assistant(hass: HomeAssistant, name: str) -> None:
    """Home Assistant's own blueprint schema accepts it, as an automation blueprint."""
    blueprint = await async_get_blueprints(hass).async_get_blueprint(f"blue_current/{name}")
    assert blueprint.domain == AUTOMATION_DOMAIN
    assert blueprint.metadata["source_url"].endswith(f"/blueprints/automation/blue_current/{name}")
    assert blueprint.inputs


@pytest.mark.usefixtures("config_dir", "entity_registry_enabled_by_default")
async def test_follow_the_solar_surplus(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    bc_cloud: BlueCurrentCloud,
    setup_account: MockConfigEntry,
) -> None:
    """Three phases at 230 V: 690 W per ampere. Importing lowers the limit, exporting raises it."""
    limit = _entity_id(hass, Platform.NUMBER, "charging_current_limit")
    hass.states.async_set(GRID_POWER, "0", {"device_class": "power", "unit_of_measurement": "W"})
    assert await async_setup_component(
        hass,
        AUTOMATION_DOMAIN,
        {
            AUTOMATION_DOMAIN: {
                "use_blueprint": {
                    "path": "blue_current/follow_solar_surplus.yaml",
                    "input": {"current_limit": limit, "grid_power": GRID_POWER},
                }
            }
        },
    )
    charge_point = bc_cloud.charge_point(EVSE_ID)
    charge_point.start_charging()

    async def settle(seconds: float = 11) -> None:
        freezer.tick(timedelta(seconds=seconds))
        async_fire_time_changed(hass)
        await hass.async_block_till_done()
        await wait_for(hass, lambda: not setup_account.runtime_data.limits.busy, "the write")

    # Importing 2 kW at 16 A: down to 13 A.
    hass.states.async_set(GRID_POWER, "2000", {"device_class": "power"})
    await settle()
    await wait_for(hass, lambda: hass.states.get(limit).state == "13.0", "13 A")
    # Exporting 2.3 kW: up by 3 A to 16 A, the max usage: the schedule goes.
    hass.states.async_set(GRID_POWER, "-2300", {"device_class": "power"})
    await settle()
    await wait_for(hass, lambda: hass.states.get(limit).state == "16.0", "16 A")
    assert bc_cloud.account(API_TOKEN).schedules == {}
    # Importing a lot: never below 6 A.
    hass.states.async_set(GRID_POWER, "9000", {"device_class": "power"})
    await settle()
    await wait_for(hass, lambda: hass.states.get(limit).state == "6.0", "6 A")
    assert charge_point.currents[0] == 6.0


@pytest.mark.usefixtures("config_dir", "entity_registry_enabled_by_default")
async def test_charged_by_departure(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """Plugging in turns price-based charging on with the departure and the car's level."""
    hass.states.async_set(CAR_BATTERY, "37.4", {"device_class": "battery"})
    assert await async_setup_component(
        hass,
        AUTOMATION_DOMAIN,
        {
            AUTOMATION_DOMAIN: {
                "use_blueprint": {
                    "path": "blue_current/charged_by_departure.yaml",
                    "input": {
                        "vehicle_connected": _entity_id(
                            hass, Platform.BINARY_SENSOR, "vehicle_connected"
                        ),
                        "profile": _entity_id(hass, Platform.SELECT, "smart_charging_profile"),
                        "departure_entity": _entity_id(hass, Platform.TIME, "departure_time"),
                        "battery_level_entity": _entity_id(
                            hass, Platform.NUMBER, "current_battery_level"
                        ),
                        "departure": "06:45:00",
                        "car_battery": CAR_BATTERY,
                    },
                }
            }
        },
    )
    charge_point = bc_cloud.charge_point(EVSE_ID)
    charge_point.plug_in()
    await bc_cloud.push_status(EVSE_ID)
    price = charge_point.price_based
    await wait_for(
        hass,
        lambda: (
            price.enabled
            and price.expected_departure_time == "06:45"
            and price.current_battery_pct == 37
        ),
        "price-based charging set up",
    )
    departure = _entity_id(hass, Platform.TIME, "departure_time")
    await wait_for(hass, lambda: hass.states.get(departure).state == "06:45:00", "read back")
