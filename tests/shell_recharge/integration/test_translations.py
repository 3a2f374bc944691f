"""The card's translations: every enum state and error has a name in English and Dutch."""

from __future__ import annotations

import json
from typing import Any

from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.core import HomeAssistant
from homeassistant.helpers.service import async_get_all_descriptions
from homeassistant.helpers.translation import async_get_translations
from homeassistant.setup import async_setup_component
import pytest

from custom_components.blue_current.const import DOMAIN
from custom_components.blue_current.shell_recharge import binary_sensor, button, sensor
from custom_components.blue_current.shell_recharge.models import FailureReason
from tests.paths import INTEGRATION


def _load(name: str) -> dict[str, Any]:
    data = json.loads((INTEGRATION / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.mark.parametrize("name", ["strings.json", "translations/nl.json"])
def test_card_enum_states_are_named(name: str) -> None:
    sensors = _load(name)["entity"]["sensor"]
    icons = _load("icons.json")["entity"]["sensor"]
    enums = [d for d in sensor.SHELL_SENSORS if d.device_class is SensorDeviceClass.ENUM]
    assert {d.key for d in enums} == {"session_status", "last_error"}
    for description in enums:
        assert description.options is not None
        assert set(description.options) == set(sensors[description.key]["state"])
    # Each session state has its own icon.
    assert set(icons["session_status"]["state"]) == set(sensors["session_status"]["state"])
    assert {r.value for r in FailureReason} < set(sensors["last_error"]["state"])


def test_card_entities_have_names_and_icons() -> None:
    strings = _load("strings.json")["entity"]
    icons = _load("icons.json")["entity"]
    platforms = {
        "sensor": sensor.SHELL_SENSORS,
        "binary_sensor": binary_sensor.SHELL_BINARY_SENSORS,
        "button": button.SHELL_BUTTONS,
    }
    for platform, descriptions in platforms.items():
        for description in descriptions:
            assert description.translation_key == description.key
            assert strings[platform][description.key]["name"], description.key
            assert icons[platform][description.key]["default"].startswith("mdi:")


async def test_dutch_names_of_the_card(hass: HomeAssistant) -> None:
    assert await async_setup_component(hass, DOMAIN, {})
    names = await async_get_translations(hass, "nl", "entity", [DOMAIN])
    prefix = f"component.{DOMAIN}.entity"
    assert names[f"{prefix}.sensor.session_status.state.start_requested"] == "Start aangevraagd"
    assert names[f"{prefix}.binary_sensor.charging.name"] == "Laden"
    errors = await async_get_translations(hass, "nl", "exceptions", [DOMAIN])
    message = errors[f"component.{DOMAIN}.exceptions.shell_evse_in_use.message"]
    assert message.startswith("EVSE {evse_id} wordt door een andere sessie gebruikt")


async def test_action_descriptions_load(hass: HomeAssistant) -> None:
    """services.yaml passes Home Assistant's own schema (an invalid file loads as empty)."""
    assert await async_setup_component(hass, DOMAIN, {})
    descriptions = await async_get_all_descriptions(hass)
    start = descriptions[DOMAIN]["start_public_charge_session"]
    stop = descriptions[DOMAIN]["stop_public_charge_session"]
    assert set(start["fields"]) == {"device_id", "evse_id", "wait"}
    assert set(stop["fields"]) == {"device_id", "session_id", "wait"}
    assert start["fields"]["device_id"]["selector"]["device"]["filter"] == [
        {"integration": DOMAIN, "manufacturer": "Shell Recharge", "model": "Charge card"}
    ]
    # The charge point actions' pickers load too, with their entity filter.
    charge_point = descriptions[DOMAIN]["start_charge_session"]["fields"]["device_id"]
    assert charge_point["selector"]["device"]["entity"] == [
        {"integration": DOMAIN, "domain": ["button"]}
    ]
    assert start["response"] == {"optional": True}
