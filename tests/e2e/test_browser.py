"""A person in a real browser: Home Assistant's own frontend, the integration, the simulator.

The stack is the one scripts/develop runs, on a fresh config directory with a copy of the
integration. The simulator does not tick here, so what the page shows must equal what the
simulator holds, to the precision the page shows.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.async_api import expect

from simulator.bluecurrent.model import ChargePoint

from .conftest import E2E
from .stack import CHARGING_DASHBOARD
from .ui import (
    SCREENSHOTS,
    device_page,
    row,
    save_screenshots,
    shown,
    state_name,
    until,
    until_shown,
)

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


def _number_matches(text: str, expected: float, unit: str) -> bool:
    """`text` is `expected` in `unit`, rounded to the digits the page shows."""
    match = NUMBER.match(text.replace("\u00a0", " "))
    if match is None:
        return False
    number, decimals, shown_unit = match.groups()
    digits = len(decimals or "")
    return shown_unit == unit and float(number.replace(",", "")) == round(expected, digits)


def test_device_page_shows_the_simulator_values(e2e: E2E) -> None:
    """The charging charge point's page: every checked value equals the simulator's."""
    charge_point: ChargePoint = e2e.stack.charge_point(0)
    assert charge_point.charging  # the demo's first charge point is charging

    async def check() -> None:
        page = await device_page(e2e, "sensor.driveway_activity")
        await expect(page.get_by_text(f"Serial number: {charge_point.evse_id}")).to_be_visible()
        await expect(
            page.get_by_text(f"{charge_point.model_type} ({charge_point.chargepoint_type})")
        ).to_be_visible()
        assert await shown(page, "Activity") == state_name("activity", charge_point.activity)
        assert VEHICLE_STATUS[charge_point.vehicle_status] == "ready"
        assert await shown(page, "Vehicle connected", "simple") == "Plugged in"
        numbers = {
            "Energy usage": (charge_point.actual_kwh, "kWh"),
            # The first session seen counts in full.
            "Lifetime energy": (charge_point.actual_kwh, "kWh"),
            "Total cost": (charge_point.total_cost, "€"),
            # Max usage, vehicle status and the tariff prices are disabled by default.
            "Average current": (
                sum(loaded := [c for c in charge_point.currents if c]) / max(len(loaded), 1),
                "A",
            ),
        }
        assert charge_point.actual_kwh > 0  # a value that shows whether it was read at all
        for name, (expected, unit) in numbers.items():
            text = await shown(page, name)
            assert _number_matches(text, expected, unit), f"{name}: page {text!r}, sim {expected}"

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
    """Switch "Charging" on: the simulator starts, the page shows Charging."""
    charge_point = e2e.stack.charge_point(1)
    assert not charge_point.charging  # a car waits at the second one

    async def press() -> None:
        page = await device_page(e2e, "sensor.garage_activity")
        await until_shown(page, "Activity", state_name("activity", "available"))
        charging = row(page, "toggle", "Charging")
        await expect(charging.get_by_role("switch")).not_to_be_checked()
        await charging.locator("ha-entity-toggle").click()
        await until(lambda: charge_point.charging, "the session start")
        await until_shown(page, "Activity", state_name("activity", "charging"))
        await expect(charging.get_by_role("switch")).to_be_checked()

    e2e.run(press())


def test_plug_and_charge_toggle_reaches_the_simulator(e2e: E2E) -> None:
    """Toggle Plug & Charge on and off again; the simulator's setting follows each time."""
    charge_point = e2e.stack.charge_point(1)
    assert not charge_point.plug_and_charge

    async def toggle() -> None:
        page = await device_page(e2e, "sensor.garage_activity")
        plug_and_charge = row(page, "toggle", "Plug & Charge")
        # Its state; the click goes to the drawn toggle.
        switch = plug_and_charge.get_by_role("switch")
        toggle = plug_and_charge.locator("ha-entity-toggle")
        await expect(switch).not_to_be_checked()
        await toggle.click()
        await until(lambda: charge_point.plug_and_charge, "Plug & Charge turned on")
        await expect(switch).to_be_checked()
        await toggle.click()
        await until(lambda: not charge_point.plug_and_charge, "Plug & Charge turned off")
        await expect(switch).not_to_be_checked()

    e2e.run(toggle())


def test_screenshots_of_device_page_and_dashboard(e2e: E2E, tmp_path_factory: Any) -> None:
    """The pictures in the README: the device page and the overview dashboard.

    BC_SCREENSHOTS=docs/images scripts/test tests/e2e   refreshes the README's copies.
    """
    target = SCREENSHOTS or tmp_path_factory.mktemp("screenshots")

    async def shoot() -> dict[str, bytes]:
        page = await device_page(e2e, "sensor.driveway_activity")
        await until_shown(page, "Activity", state_name("activity", "charging"))
        device = await page.screenshot(full_page=True)
        await page.goto(f"{e2e.stack.url}/home")  # the Overview dashboard
        await page.get_by_text("Driveway").first.wait_for()  # the charge points' areas
        await page.wait_for_timeout(1000)  # cards settle (icons, fonts)
        dashboard = await page.screenshot()
        return {"device-page.png": device, "dashboard.png": dashboard}

    save_screenshots(e2e.run(shoot()), target)


def test_current_limit_slider_reaches_the_car(e2e: E2E) -> None:
    """Move the charging current limit down with the keyboard: the car's current follows."""
    charge_point = e2e.stack.charge_point(0)
    assert charge_point.charging

    async def slide() -> None:
        page = await device_page(e2e, "sensor.driveway_activity")
        slider = row(page, "number", "Charging current limit").get_by_role("slider")
        await expect(slider).to_have_count(1)
        for _ in range(4):
            await slider.press("ArrowLeft")
        # Coalesced: one write about 3 s after the first change, with the last value.
        await until(lambda: charge_point.currents[0] == charge_point.max_usage - 4, "the cap")
        await until(
            lambda: (
                [
                    f.command for f in e2e.stack.cloud.received if "OVERRIDE_CURRENT" in f.command
                ].count("POST_SET_OVERRIDE_CURRENT")
                == 1
            ),
            "one schedule",
        )

    e2e.run(slide())


def test_charging_and_energy_dashboards(e2e: E2E, tmp_path_factory: Any) -> None:
    """The demo's "Charging" dashboard shows each charge point's controls; the Energy
    dashboard counts each charge point's lifetime energy as a device."""
    target = SCREENSHOTS or tmp_path_factory.mktemp("screenshots")

    async def look() -> dict[str, bytes]:
        (prefs,) = await e2e.stack.ws({"type": "energy/get_prefs"})
        assert {d["stat_consumption"] for d in prefs["device_consumption"]} == {
            "sensor.driveway_lifetime_energy",
            "sensor.garage_lifetime_energy",
        }
        page = e2e.page
        await page.goto(f"{e2e.stack.url}/{CHARGING_DASHBOARD}/driveway")
        tiles = page.locator("hui-tile-card")
        await expect(tiles).to_have_count(5)
        await expect(page.locator("hui-history-graph-card")).to_have_count(1)
        await page.wait_for_timeout(1000)  # cards settle (icons, fonts)
        charging = await page.screenshot()
        await page.goto(f"{e2e.stack.url}/energy")
        await page.locator("hui-energy-devices-graph-card").first.wait_for()
        await page.wait_for_timeout(1000)
        energy = await page.screenshot()
        return {"charging-dashboard.png": charging, "energy-dashboard.png": energy}

    save_screenshots(e2e.run(look()), target)
