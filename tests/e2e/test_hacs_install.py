"""Installed as HACS installs it: only custom_components/blue_current, copied into a config
directory that had nothing else, and config entries set up through the config flow."""

from __future__ import annotations

from custom_components.blue_current.api.shell.models import normalize_ema_id
from custom_components.blue_current.shell_recharge.entity import card_name

from .conftest import E2E
from .stack import DOMAIN, SHELL_CARD

BRAND_IMAGES = ("icon.png", "logo.png", "dark_icon.png", "dark_logo.png", "icon@2x.png")


def test_home_assistant_imported_the_copy(e2e: E2E) -> None:
    components = e2e.stack.config_dir / "custom_components"
    copy = components / DOMAIN
    assert sorted(p.name for p in components.iterdir()) == [DOMAIN]
    assert not copy.is_symlink()
    # Bytecode appears next to the sources Python imported: the copy's, not the repository's.
    assert list((copy / "__pycache__").glob("__init__.*.pyc"))
    assert list((copy / "api" / "bluecurrent" / "__pycache__").glob("client.*.pyc"))


def test_the_entries_set_up_from_the_copy_work(e2e: E2E) -> None:
    """The account and the Shell Recharge card, each added through the config flow."""

    async def check() -> None:
        stack = e2e.stack
        entries = {entry["title"]: entry for entry in await stack.entries()}
        assert sorted(entries) == ["Shell Recharge " + SHELL_CARD, "user@example.com"]
        assert {entry["state"] for entry in entries.values()} == {"loaded"}
        assert entries["Shell Recharge " + SHELL_CARD]["supports_options"]
        devices = await stack.devices()
        assert sorted(d["serial_number"] or d["name"] for d in devices) == [
            "BCU100001",
            "BCU100002",
            "GRID-BCU100001",
            card_name(normalize_ema_id(SHELL_CARD)),
        ]
        states = {s["entity_id"]: s["state"] for s in await stack.api("GET", "/api/states")}
        assert states["sensor.driveway_activity"] == "charging"
        assert states["sensor.garage_activity"] in {"available", "charging"}
        card = await stack.card_entities()
        assert states[card["session_status"]] in {"started", "stopped"}
        assert states[card["start_session"]] != "unavailable"  # the default EVSE is set

    e2e.run(check())


def test_brand_images_are_served_from_the_copy(e2e: E2E) -> None:
    """Home Assistant serves a custom integration's icon and logo from its brand/ folder."""
    brand = e2e.stack.config_dir / "custom_components" / DOMAIN / "brand"

    async def fetch(image: str) -> bytes:
        stack = e2e.stack
        session = stack._http()
        url = f"{stack.url}/api/brands/integration/{DOMAIN}/{image}"
        async with session.get(url, headers=stack._auth()) as response:
            assert response.status == 200, image
            assert response.content_type == "image/png"
            return await response.read()

    for image in BRAND_IMAGES:
        assert e2e.run(fetch(image)) == (brand / image).read_bytes(), image
