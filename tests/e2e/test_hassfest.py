"""What Home Assistant's hassfest checks in a custom integration, beyond what the products'
test_translations.py modules cover (strings, translations, service icons)."""

from __future__ import annotations

import json
import re
from typing import Any

from awesomeversion import AwesomeVersion, AwesomeVersionStrategy
from PIL import Image
import pytest

from . import ha_requirements
from .stack import INTEGRATION

BRAND = INTEGRATION / "brand"
REQUIRED_KEYS = {
    "domain",
    "name",
    "codeowners",
    "config_flow",
    "documentation",
    "integration_type",
    "iot_class",
    "issue_tracker",
    "requirements",
    "version",
}
KNOWN_KEYS = REQUIRED_KEYS | {
    "after_dependencies",
    "bluetooth",
    "dependencies",
    "dhcp",
    "homekit",
    "loggers",
    "mqtt",
    "quality_scale",
    "single_config_entry",
    "ssdp",
    "usb",
    "zeroconf",
}
INTEGRATION_TYPES = {
    "device",
    "entity",
    "hardware",
    "helper",
    "hub",
    "service",
    "system",
    "virtual",
}
IOT_CLASSES = {
    "assumed_state",
    "calculated",
    "cloud_polling",
    "cloud_push",
    "local_polling",
    "local_push",
}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    data = json.loads((INTEGRATION / "manifest.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_manifest_keys_and_order(manifest: dict[str, Any]) -> None:
    """domain, name, then the rest in alphabetical order; nothing unknown, nothing missing."""
    keys = list(manifest)
    assert keys[:2] == ["domain", "name"]
    assert keys[2:] == sorted(keys[2:])
    assert set(keys) >= REQUIRED_KEYS
    assert set(keys) <= KNOWN_KEYS


def test_manifest_values(manifest: dict[str, Any]) -> None:
    assert manifest["domain"] == INTEGRATION.name
    assert manifest["integration_type"] in INTEGRATION_TYPES
    assert manifest["iot_class"] in IOT_CLASSES
    assert manifest["config_flow"] is True
    assert all(re.fullmatch(r"@[\w-]+(/[\w-]+)?", owner) for owner in manifest["codeowners"])
    for key in ("documentation", "issue_tracker"):
        assert manifest[key].startswith("https://"), key
    version = AwesomeVersion(manifest["version"])
    assert version.strategy in {
        AwesomeVersionStrategy.CALVER,
        AwesomeVersionStrategy.SEMVER,
        AwesomeVersionStrategy.SIMPLEVER,
        AwesomeVersionStrategy.BUILDVER,
        AwesomeVersionStrategy.PEP440,
    }
    # Nothing to install beyond Home Assistant: the clients stand on its aiohttp.
    assert manifest["requirements"] == []
    for logger in manifest.get("loggers", []):
        assert logger.startswith("custom_components.blue_current"), logger


def _png(name: str) -> Image.Image:
    path = BRAND / name
    assert path.is_file(), f"brand/{name} is missing"
    image = Image.open(path)
    assert image.format == "PNG", name
    return image


@pytest.mark.parametrize("prefix", ["", "dark_"])
def test_brand_icons(prefix: str) -> None:
    """Square: 256 × 256, and 512 × 512 for @2x."""
    assert _png(f"{prefix}icon.png").size == (256, 256)
    assert _png(f"{prefix}icon@2x.png").size == (512, 512)


@pytest.mark.parametrize("prefix", ["", "dark_"])
def test_brand_logos(prefix: str) -> None:
    """Shortest side 128–256 (256–512 for @2x); @2x is the same picture at twice the size."""
    logo = _png(f"{prefix}logo.png")
    double = _png(f"{prefix}logo@2x.png")
    assert 128 <= min(logo.size) <= 256
    assert 256 <= min(double.size) <= 512
    assert double.size == (2 * logo.width, 2 * logo.height)


def test_brand_images_have_transparency() -> None:
    for path in sorted(BRAND.glob("*.png")):
        image = Image.open(path)
        assert image.mode == "RGBA", path.name
        corner = image.getpixel((0, 0))
        assert isinstance(corner, tuple)
        assert corner[3] == 0, f"{path.name}: the corner is not transparent"


def test_nothing_else_in_brand() -> None:
    assert sorted(p.name for p in BRAND.iterdir()) == sorted(
        f"{dark}{kind}{size}.png"
        for dark in ("", "dark_")
        for kind in ("icon", "logo")
        for size in ("", "@2x")
    )


def test_develop_requirements_follow_home_assistant() -> None:
    """requirements_develop.txt lists what this Home Assistant needs for default_config and
    the frontend (regenerate: python -m tests.e2e.ha_requirements --write)."""
    assert ha_requirements.REQUIREMENTS_FILE.read_text(encoding="utf-8") == (
        ha_requirements.render()
    )


def test_develop_requirements_cover_default_config() -> None:
    domains = ha_requirements.loaded_domains()
    assert {"default_config", "frontend", "recorder", "history", "energy"} <= domains
    assert any(r.startswith("home-assistant-frontend==") for r in ha_requirements.requirements())
