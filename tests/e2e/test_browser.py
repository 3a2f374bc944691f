"""A person in a real browser: Home Assistant's own frontend, the integration, the simulator.

The stack is the one scripts/develop runs, on a fresh config directory with a copy of the
integration. The simulator does not tick here, so what the page shows must equal what the
simulator holds, to the precision the page shows.
"""

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

from simulator.bluecurrent.model import ChargePoint

from .conftest import E2E
from .stack import INTEGRATION

STRINGS: dict[str, Any] = json.loads((INTEGRATION / "strings.json").read_text(encoding="utf-8"))
SENSOR_STATES: dict[str, dict[str, str]] = {
    key: value.get("state", {}) for key, value in STRINGS["entity"]["sensor"].items()
}
# IEC 61851 states as the cloud reports them, and the state our sensor names them.
VEHICLE_STATUS = {
    "A": "standby",
    "B": "vehicle_detected",
    "C": "ready",
    "D": "ready",
    "E": "no_power",
    "F": "vehicle_error",
}
NUMBER = re.compile(r"^(-?[\d,]+(?:\.(\d+))?)\s*(\S+)$")
SIM_TIMEOUT = 15.0  # seconds for a command from the page to reach the simulator

SCREENSHOTS = (
    Path(os.environ.get("BC_SCREENSHOTS", "")) if os.environ.get("BC_SCREENSHOTS") else None
)


async def _device_page(e2e: E2E, entity_id: str) -> Page:
    """Open the device page of the device `entity_id` belongs to, and wait for its cards."""
    device_id = await e2e.stack.render(f"{{{{ device_id('{entity_id}') }}}}")
    assert re.fullmatch(r"[0-9a-f]{32}", device_id), device_id
    page = e2e.page
    await page.goto(f"{e2e.stack.url}/config/devices/device/{device_id}")
    await page.locator("ha-device-entities-card").first.wait_for()
    return page


def _row(page: Page, kind: str, name: str) -> Locator:
    """An entity row of the device page: `kind` is sensor, button or toggle."""
    return page.locator(f"hui-{kind}-entity-row").filter(has=page.get_by_text(name, exact=True))


async def _shown(page: Page, name: str) -> str:
    """The value a sensor row shows, as text."""
    value = _row(page, "sensor", name).locator("hui-generic-entity-row")
    await expect(value).to_have_count(1)
    return (await value.inner_text()).strip()


async def _until_shown(page: Page, name: str, text: str, timeout: float = SIM_TIMEOUT) -> None:
    """Wait until the sensor row `name` shows `text`."""
    deadline = time.monotonic() + timeout
    while (shown := await _shown(page, name)) != text:
        if time.monotonic() > deadline:
            raise AssertionError(f"{name} shows {shown!r}, not {text!r}")
        await asyncio.sleep(0.2)


def _number_matches(shown: str, expected: float, unit: str) -> bool:
    """`shown` is `expected` in `unit`, rounded to the digits the page shows."""
    match = NUMBER.match(shown.replace("\u00a0", " "))
    if match is None:
        return False
    number, decimals, shown_unit = match.groups()
    digits = len(decimals or "")
    return shown_unit == unit and float(number.replace(",", "")) == round(expected, digits)


def _state_name(sensor: str, state: str) -> str:
    return SENSOR_STATES[sensor][state]


async def _until(condition: Callable[[], bool], what: str, timeout: float = SIM_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"the simulator never saw {what}")
        await asyncio.sleep(0.1)


def test_device_page_shows_the_simulator_values(e2e: E2E) -> None:
    """The charging charge point's page: every checked value equals the simulator's."""
    charge_point: ChargePoint = e2e.stack.charge_point(0)
    assert charge_point.charging  # the demo's first charge point is charging

    async def check() -> None:
        page = await _device_page(e2e, "sensor.driveway_activity")
        await expect(page.get_by_text(f"Serial number: {charge_point.evse_id}")).to_be_visible()
        await expect(
            page.get_by_text(f"{charge_point.model_type} ({charge_point.chargepoint_type})")
        ).to_be_visible()
        assert await _shown(page, "Activity") == _state_name("activity", charge_point.activity)
        assert await _shown(page, "Vehicle status") == _state_name(
            "vehicle_status", VEHICLE_STATUS[charge_point.vehicle_status]
        )
        numbers = {
            "Energy usage": (charge_point.actual_kwh, "kWh"),
            "Total cost": (charge_point.total_cost, "€"),
            "Max usage": (charge_point.max_usage, "A"),
            "Price incl. VAT": (charge_point.tariff.price_in_vat, "EUR/kWh"),
            "Price excl. VAT": (charge_point.tariff.price_ex_vat, "EUR/kWh"),
        }
        assert charge_point.actual_kwh > 0  # a value that shows whether it was read at all
        for name, (expected, unit) in numbers.items():
            shown = await _shown(page, name)
            assert _number_matches(shown, expected, unit), f"{name}: page {shown!r}, sim {expected}"

    e2e.run(check())


def test_number_check_fails_on_a_wrong_value() -> None:
    """The comparison above is strict: another value, unit or rounding does not pass."""
    assert _number_matches("0.92 kWh", 0.917, "kWh")
    assert _number_matches("11,010 W", 11009.6, "W")
    assert not _number_matches("0.92 kWh", 0.93, "kWh")
    assert not _number_matches("0.92 kWh", 0.917, "Wh")
    assert not _number_matches("917 Wh", 0.917, "kWh")
    assert not _number_matches("Unknown", 0.917, "kWh")


def test_start_charge_session_from_the_page(e2e: E2E) -> None:
    """Press "Start charge session": the simulator starts, the page shows Charging."""
    charge_point = e2e.stack.charge_point(1)
    assert not charge_point.charging  # a car waits at the second one

    async def press() -> None:
        page = await _device_page(e2e, "sensor.garage_activity")
        await _until_shown(page, "Activity", _state_name("activity", "available"))
        await (
            _row(page, "button", "Start charge session").get_by_role("button", name="Press").click()
        )
        await _until(lambda: charge_point.charging, "the session start")
        await _until_shown(page, "Activity", _state_name("activity", "charging"))

    e2e.run(press())


def test_plug_and_charge_toggle_reaches_the_simulator(e2e: E2E) -> None:
    """Toggle Plug & Charge on and off again; the simulator's setting follows each time."""
    charge_point = e2e.stack.charge_point(1)
    assert not charge_point.plug_and_charge

    async def toggle() -> None:
        page = await _device_page(e2e, "sensor.garage_activity")
        row = _row(page, "toggle", "Plug & Charge")
        switch = row.get_by_role("switch")  # its state; the click goes to the drawn toggle
        toggle = row.locator("ha-entity-toggle")
        await expect(switch).not_to_be_checked()
        await toggle.click()
        await _until(lambda: charge_point.plug_and_charge, "Plug & Charge turned on")
        await expect(switch).to_be_checked()
        await toggle.click()
        await _until(lambda: not charge_point.plug_and_charge, "Plug & Charge turned off")
        await expect(switch).not_to_be_checked()

    e2e.run(toggle())


def test_screenshots_of_device_page_and_dashboard(e2e: E2E, tmp_path_factory: Any) -> None:
    """The pictures in the README: the device page and the overview dashboard.

    BC_SCREENSHOTS=docs/images scripts/test tests/e2e   refreshes the README's copies.
    """
    target = SCREENSHOTS or tmp_path_factory.mktemp("screenshots")
    target.mkdir(parents=True, exist_ok=True)

    async def shoot() -> dict[str, bytes]:
        page = await _device_page(e2e, "sensor.driveway_activity")
        await _until_shown(page, "Activity", _state_name("activity", "charging"))
        device = await page.screenshot(full_page=True)
        await page.goto(f"{e2e.stack.url}/home")  # the Overview dashboard
        await page.get_by_text("Driveway").first.wait_for()  # the charge points' areas
        await page.wait_for_timeout(1000)  # cards settle (icons, fonts)
        dashboard = await page.screenshot()
        return {"device-page.png": device, "dashboard.png": dashboard}

    for name, image in e2e.run(shoot()).items():
        assert image.startswith(b"\x89PNG\r\n\x1a\n")
        assert len(image) > 20_000, f"{name} looks empty"
        (target / name).write_bytes(image)
