"""Translations and icons: complete, in sync with strings.json, and loadable by Home Assistant."""

from __future__ import annotations

from collections.abc import Iterator
import json
from pathlib import Path
import re
from typing import Any

from homeassistant.components.sensor import SensorDeviceClass
from homeassistant.core import HomeAssistant
from homeassistant.helpers.translation import async_get_translations
from homeassistant.setup import async_setup_component
import pytest
import yaml

from custom_components.blue_current.bluecurrent import sensor
from custom_components.blue_current.const import DOMAIN
from tests.paths import INTEGRATION

STRINGS = INTEGRATION / "strings.json"
TRANSLATIONS = INTEGRATION / "translations"
ICONS = INTEGRATION / "icons.json"
SERVICES = INTEGRATION / "services.yaml"

PLACEHOLDER = re.compile(r"\{(\w+)\}")
REFERENCE = re.compile(r"\[%key:[\w:]+%\]")
# The sections Home Assistant reads from an integration's strings.
KNOWN_SECTIONS = {
    "config",
    "options",
    "entity",
    "exceptions",
    "issues",
    "services",
    "selector",
    "device",
    "device_automation",
    "system_health",
    "config_subentries",
}
# Product names that Dutch keeps as they are.
SAME_IN_DUTCH = {"Plug & Charge"}
# Enum sensors whose every state needs its own icon.
STATE_ICON_SENSORS = ("activity", "vehicle_status")


def _load(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _flatten(data: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, str]]:
    """(dotted key, text) for every string of a translation file."""
    for key, value in data.items():
        path = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            yield from _flatten(value, path)
        else:
            assert isinstance(value, str), f"{path} is not a string"
            yield path, value


@pytest.fixture(scope="module")
def strings() -> dict[str, Any]:
    """strings.json."""
    return _load(STRINGS)


@pytest.fixture(scope="module")
def icons() -> dict[str, Any]:
    """icons.json."""
    return _load(ICONS)


@pytest.fixture(scope="module")
def services() -> dict[str, Any]:
    """services.yaml."""
    data = yaml.safe_load(SERVICES.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_english_is_strings_json() -> None:
    """translations/en.json is what Home Assistant shows; strings.json is what we edit."""
    assert (TRANSLATIONS / "en.json").read_bytes() == STRINGS.read_bytes()


def test_only_known_languages_and_sections(strings: dict[str, Any]) -> None:
    assert sorted(p.name for p in TRANSLATIONS.iterdir()) == ["en.json", "nl.json"]
    assert set(strings) <= KNOWN_SECTIONS


@pytest.mark.parametrize("language", ["en", "nl"])
def test_same_keys_and_placeholders(strings: dict[str, Any], language: str) -> None:
    source = dict(_flatten(strings))
    translated = dict(_flatten(_load(TRANSLATIONS / f"{language}.json")))

    assert sorted(translated) == sorted(source)
    for key, text in source.items():
        other = translated[key]
        assert other.strip(), f"{language}: {key} is empty"
        assert sorted(PLACEHOLDER.findall(other)) == sorted(PLACEHOLDER.findall(text)), (
            f"{language}: placeholders of {key} differ"
        )
        assert sorted(REFERENCE.findall(other)) == sorted(REFERENCE.findall(text)), key


def test_dutch_is_translated(strings: dict[str, Any]) -> None:
    """Not English copied over: nearly every sentence differs (names like "Offline" may not)."""
    source = dict(_flatten(strings))
    dutch = dict(_flatten(_load(TRANSLATIONS / "nl.json")))
    same = [
        key
        for key, text in source.items()
        if dutch[key] == text and " " in text and text not in SAME_IN_DUTCH
    ]
    assert same == []


async def test_home_assistant_loads_dutch(hass: HomeAssistant) -> None:
    assert await async_setup_component(hass, DOMAIN, {})
    names = await async_get_translations(hass, "nl", "entity", [DOMAIN])
    assert names[f"component.{DOMAIN}.entity.switch.block.name"] == "Laadpunt blokkeren"
    config = await async_get_translations(hass, "nl", "config", [DOMAIN])
    assert config[f"component.{DOMAIN}.config.error.invalid_token"].startswith("De API-token")


def test_every_entity_has_an_icon(strings: dict[str, Any], icons: dict[str, Any]) -> None:
    entity_strings: dict[str, dict[str, Any]] = strings["entity"]
    entity_icons: dict[str, dict[str, Any]] = icons["entity"]

    assert set(entity_icons) == set(entity_strings)
    for platform, keys in entity_strings.items():
        assert set(entity_icons[platform]) == set(keys), f"icons of {platform} differ"
        for key, translation in keys.items():
            icon = entity_icons[platform][key]
            assert icon["default"].startswith("mdi:"), (platform, key)
            # Icons for states that do not exist would never show.
            states = set(translation.get("state", {}))
            if platform == "switch":
                states |= {"on", "off"}
            assert set(icon.get("state", {})) <= states, (platform, key)


def test_enum_states_have_icons(strings: dict[str, Any], icons: dict[str, Any]) -> None:
    for key in STATE_ICON_SENSORS:
        states = set(strings["entity"]["sensor"][key]["state"])
        assert set(icons["entity"]["sensor"][key]["state"]) == states, key


def test_switches_have_on_and_off_icons(icons: dict[str, Any]) -> None:
    switches: dict[str, dict[str, Any]] = icons["entity"]["switch"]
    assert switches
    for key, icon in switches.items():
        assert set(icon["state"]) == {"on", "off"}, key
        assert icon["state"]["on"] != icon["state"]["off"], key


def test_icons_are_mdi(icons: dict[str, Any]) -> None:
    for key, value in _flatten(icons):
        assert re.fullmatch(r"mdi:[a-z0-9]+(-[a-z0-9]+)*", value), key


def test_enum_sensor_options_are_translated(strings: dict[str, Any], icons: dict[str, Any]) -> None:
    """Every option an enum sensor can take has a translated name and an icon."""
    descriptions = [*sensor.CHARGE_POINT_SENSORS, *sensor.GRID_SENSORS]
    enums = [d for d in descriptions if d.device_class is SensorDeviceClass.ENUM]
    assert {d.key for d in enums} >= set(STATE_ICON_SENSORS)
    for description in enums:
        key = description.translation_key
        assert key is not None
        assert description.options is not None
        options = set(description.options)
        assert options <= set(strings["entity"]["sensor"][key]["state"]), key
        assert options <= set(icons["entity"]["sensor"][key]["state"]), key


def test_services_are_translated_and_have_icons(
    strings: dict[str, Any], icons: dict[str, Any], services: dict[str, Any]
) -> None:
    assert set(strings["services"]) == set(services)
    assert set(icons["services"]) == set(services)
    for name, service in services.items():
        translation = strings["services"][name]
        assert translation["name"]
        assert translation["description"]
        assert icons["services"][name]["service"].startswith("mdi:")
        fields = service.get("fields") or {}
        assert set(translation.get("fields", {})) == set(fields), name
        for field in fields:
            assert translation["fields"][field]["name"], (name, field)
            assert translation["fields"][field]["description"], (name, field)
