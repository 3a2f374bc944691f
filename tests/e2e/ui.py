"""What the browser tests share: finding a device page, reading its rows, bounded waits."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import json
import os
from pathlib import Path
import re
import time
from typing import Any

from playwright.async_api import Locator, Page, expect

from .conftest import E2E
from .stack import INTEGRATION

STRINGS: dict[str, Any] = json.loads((INTEGRATION / "strings.json").read_text(encoding="utf-8"))
SENSOR_STATES: dict[str, dict[str, str]] = {
    key: value.get("state", {}) for key, value in STRINGS["entity"]["sensor"].items()
}
SIM_TIMEOUT = 15.0  # seconds for a command from the page to reach the simulator

# BC_SCREENSHOTS=docs/images scripts/test tests/e2e   refreshes the README's pictures.
SCREENSHOTS = (
    Path(os.environ.get("BC_SCREENSHOTS", "")) if os.environ.get("BC_SCREENSHOTS") else None
)
MIN_SCREENSHOT_BYTES = 20_000  # smaller is an empty page


async def device_page(e2e: E2E, entity_id: str) -> Page:
    """Open the device page of the device `entity_id` belongs to, and wait for its cards."""
    device_id = await e2e.stack.render(f"{{{{ device_id('{entity_id}') }}}}")
    assert re.fullmatch(r"[0-9a-f]{32}", device_id), device_id
    page = e2e.page
    await page.goto(f"{e2e.stack.url}/config/devices/device/{device_id}")
    await page.locator("ha-device-entities-card").first.wait_for()
    return page


def row(page: Page, kind: str, name: str) -> Locator:
    """An entity row of the device page: `kind` is sensor, button, toggle or simple."""
    return page.locator(f"hui-{kind}-entity-row").filter(has=page.get_by_text(name, exact=True))


async def shown(page: Page, name: str, kind: str = "sensor") -> str:
    """The value a sensor row (or another row of `kind`) shows, as text."""
    value = row(page, kind, name).locator("hui-generic-entity-row")
    await expect(value).to_have_count(1)
    return (await value.inner_text()).strip()


async def until_shown(
    page: Page, name: str, text: str, timeout: float = SIM_TIMEOUT, kind: str = "sensor"
) -> None:
    """Wait until the row `name` shows `text`."""
    deadline = time.monotonic() + timeout
    while (now := await shown(page, name, kind)) != text:
        if time.monotonic() > deadline:
            raise AssertionError(f"{name} shows {now!r}, not {text!r}")
        await asyncio.sleep(0.2)


def state_name(sensor: str, state: str) -> str:
    """The name the page shows for a state of one of our enum sensors."""
    return SENSOR_STATES[sensor][state]


async def until(condition: Callable[[], bool], what: str, timeout: float = SIM_TIMEOUT) -> None:
    """Wait until the simulator shows `condition`."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"the simulator never saw {what}")
        await asyncio.sleep(0.1)


def save_screenshots(images: dict[str, bytes], target: Path) -> None:
    """Check that each image is a PNG with something in it, and write it to `target`."""
    target.mkdir(parents=True, exist_ok=True)
    for name, image in images.items():
        assert image.startswith(b"\x89PNG\r\n\x1a\n")
        assert len(image) > MIN_SCREENSHOT_BYTES, f"{name} looks empty"
        (target / name).write_bytes(image)
