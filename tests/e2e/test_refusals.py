"""What a new user trips over, in the real frontend: a block, refusals in words, the forms.

Runs after test_browser (the stack is shared): Driveway charges, Garage charges too (started
from the page there).
"""

from __future__ import annotations

import re

from playwright.async_api import Page, expect

from simulator.bluecurrent import Outcome

from .conftest import E2E
from .ui import device_page, row, state_name, until, until_shown


async def _toast(page: Page, text: str) -> str:
    """The frontend shows the action's error in a toast; wait for it, return all it says."""
    toast = page.locator("ha-toast").filter(has_text=text)
    await expect(toast).to_be_visible()
    said = await toast.inner_text()
    await page.keyboard.press("Escape")
    return said


def _sent(e2e: E2E, command: str) -> int:
    return sum(1 for frame in e2e.stack.cloud.received if frame.command == command)


def test_block_switch_while_charging_says_stop_first(e2e: E2E) -> None:
    """The block switch of a charging charge point is a working toggle, not greyed out;
    turning it on says why not, and nothing reaches the charge point."""
    charge_point = e2e.stack.charge_point(0)
    assert charge_point.charging

    async def check() -> None:
        page = await device_page(e2e, "sensor.driveway_activity")
        await until_shown(page, "Activity", state_name("activity", "charging"))
        block = row(page, "toggle", "Block charge point")
        switch = block.get_by_role("switch")
        await expect(switch).to_be_enabled()
        await expect(switch).not_to_be_checked()
        before = _sent(e2e, "SET_INOPERATIVE")
        await block.locator("ha-entity-toggle").click()
        await _toast(page, "Driveway is charging: stop the charge session before you block it")
        await expect(switch).not_to_be_checked()
        assert _sent(e2e, "SET_INOPERATIVE") == before
        assert charge_point.charging
        assert not charge_point.blocked

        # Start while charging: refused in words before anything is sent.
        starts = _sent(e2e, "START_SESSION")
        await (
            row(page, "button", "Start charge session").get_by_role("button", name="Press").click()
        )
        await _toast(page, "Driveway is already charging")
        assert _sent(e2e, "START_SESSION") == starts

    e2e.run(check())


def test_rejected_start_and_a_blocked_charge_point(e2e: E2E) -> None:
    """A start the cloud rejects reads as words, never "REJECTED"; a blocked charge point's
    activity is "Blocked", not Home Assistant's "Unavailable"."""
    charge_point = e2e.stack.charge_point(1)

    async def check() -> None:
        page = await device_page(e2e, "sensor.garage_activity")
        if charge_point.charging:
            await (
                row(page, "button", "Stop charge session")
                .get_by_role("button", name="Press")
                .click()
            )
            await until(lambda: not charge_point.charging, "the session stop")
        await until_shown(page, "Activity", state_name("activity", "available"))

        e2e.stack.cloud.set_verdict("START_SESSION", Outcome.REJECTED)
        try:
            await (
                row(page, "button", "Start charge session")
                .get_by_role("button", name="Press")
                .click()
            )
            said = await _toast(
                page, "Garage: Blue Current refused the request to start a charge session"
            )
        finally:
            e2e.stack.cloud.set_verdict("START_SESSION", Outcome.ACCEPTED)
        assert not re.search("REJECTED|BCU1000|start_charge_session", said), said

        block = row(page, "toggle", "Block charge point")
        await block.locator("ha-entity-toggle").click()
        await until(lambda: charge_point.blocked, "the block")
        await until_shown(page, "Activity", "Blocked")
        await expect(block.get_by_role("switch")).to_be_checked()
        await (
            row(page, "button", "Start charge session").get_by_role("button", name="Press").click()
        )
        await _toast(page, "Garage is blocked: unblock it before you start a charge session")

        await block.locator("ha-entity-toggle").click()
        await until(lambda: not charge_point.blocked, "the unblock")
        await until_shown(page, "Activity", state_name("activity", "available"))

    e2e.run(check())


def test_account_form_after_errors(e2e: E2E) -> None:
    """The account form keeps what was typed, opens Advanced for its own error, refuses a
    blank token itself, and shows only the current error."""

    async def check() -> None:
        page = e2e.page
        await page.goto(f"{e2e.stack.url}/config/integrations/dashboard/add?domain=blue_current")
        await page.get_by_role("button", name="OK").click()  # "Do you want to set up …?"
        dialog = page.locator("dialog-data-entry-flow")
        await dialog.get_by_text("Blue Current account", exact=True).click()
        token = dialog.locator("input[type=password]")
        await token.fill("not-a-token")
        await dialog.get_by_text("Advanced", exact=True).click()
        server = dialog.locator("input[type=url]")
        await server.fill(e2e.stack.server_url)
        await dialog.get_by_role("button", name="Submit").click()

        await expect(dialog.get_by_text("The API token was refused")).to_be_visible()
        await expect(token).to_have_value("not-a-token")

        if not await server.is_visible():  # the token's error does not open Advanced
            await dialog.get_by_text("Advanced", exact=True).click()
        await server.fill("http://example.com")
        await dialog.get_by_role("button", name="Submit").click()
        await expect(dialog.get_by_text("must be a websocket address")).to_be_visible()
        await expect(server).to_be_visible()  # the section opened itself
        await expect(server).to_have_value("http://example.com")
        await expect(dialog.get_by_text("The API token was refused")).to_have_count(0)

        await server.fill(e2e.stack.server_url)
        await token.fill("   ")
        await dialog.get_by_role("button", name="Submit").click()
        await expect(dialog.get_by_text("Paste the API token")).to_be_visible()
        await expect(dialog.get_by_text("Not all required fields")).to_have_count(0)
        await expect(dialog.get_by_text("must be a websocket address")).to_have_count(0)
        await page.keyboard.press("Escape")

    e2e.run(check())
