"""The Shell Recharge card in a real browser: its device page follows the simulated Shell API.

The stack starts a public session of the demo card before Home Assistant comes up. The card's
page must show that session as the simulator holds it, and its buttons must stop and start
sessions there. The simulator's operator answers when a test lets it, so every state between
a request and its answer can be seen on the page.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
import time
from typing import Any

from playwright.async_api import Page, expect

from custom_components.blue_current.api.shell import normalize_ema_id
from custom_components.blue_current.shell_recharge.entity import card_name
from simulator.shell import SimSession, State

from .conftest import E2E
from .stack import SHELL_CARD, SHELL_EVSE
from .ui import (
    SCREENSHOTS,
    SIM_TIMEOUT,
    device_page,
    row,
    save_screenshots,
    shown,
    state_name,
    until,
    until_shown,
)

# Home Assistant's own names of a battery_charging binary sensor's states.
CHARGING, NOT_CHARGING = "Charging", "Not charging"
HELD = 3600.0  # seconds: an operator delay no test waits for


def _status(session: SimSession) -> str:
    """The session status the page must show for the simulator's session."""
    return state_name("session_status", session.state.value.replace("-", "_"))


async def _card_page(e2e: E2E) -> Page:
    entities = await e2e.stack.card_entities()
    return await device_page(e2e, entities["session_status"])


async def _press(page: Page, name: str) -> None:
    button = row(page, "button", name).get_by_role("button", name="Press")
    await expect(button).to_be_enabled()
    await button.click()


def test_card_page_shows_the_public_session(e2e: E2E) -> None:
    """The card's page: the session's status and EVSE equal the simulator's."""
    stack = e2e.stack
    session = stack.shell_session()
    assert session.state is State.STARTED  # the demo's public session runs
    assert session.evse_id == SHELL_EVSE

    async def check() -> None:
        page = await _card_page(e2e)
        # The device is named by the card number's last characters, never the whole number.
        await expect(page.get_by_text(card_name(normalize_ema_id(SHELL_CARD)))).to_be_visible()
        await expect(page.get_by_text(SHELL_CARD)).to_have_count(0)
        assert await shown(page, "Session status") == _status(stack.shell_session()) == "Started"
        assert await shown(page, "Session EVSE") == session.evse_id
        assert await shown(page, "Active sessions") == str(len(await stack.shell_active())) == "1"
        assert await shown(page, "Charging", kind="simple") == CHARGING
        assert await shown(page, "Session stopped") == "Unknown"
        assert await shown(page, "Last error") == state_name("last_error", "none")

    e2e.run(check())


def test_screenshot_of_the_card_page(e2e: E2E, tmp_path_factory: Any) -> None:
    """The picture of the card in the README, while its session runs."""
    target = SCREENSHOTS or tmp_path_factory.mktemp("screenshots")

    async def shoot() -> dict[str, bytes]:
        page = await _card_page(e2e)
        await until_shown(page, "Session status", state_name("session_status", "started"))
        await page.wait_for_timeout(500)  # icons and the relative times settle
        return {"shell-card.png": await page.screenshot(full_page=True)}

    save_screenshots(e2e.run(shoot()), target)


def test_stop_and_start_a_session_from_the_page(e2e: E2E) -> None:
    """Press "Stop session": the simulator's session is asked to stop, then stops, and the
    page shows each state. "Start session" then starts a new one at the default EVSE."""
    stack = e2e.stack
    shell = stack.shell
    session_id = stack.shell_session_id
    assert stack.shell_session(session_id).state is State.STARTED
    delays = shell.start_delay, shell.stop_delay

    def state_is(state: State, wanted: str = session_id) -> bool:
        return stack.shell_session(wanted).state is state

    async def press() -> None:
        page = await _card_page(e2e)
        await until_shown(page, "Session status", _status(stack.shell_session(session_id)))

        shell.stop_delay = HELD  # the operator holds the stop until we let it go
        await _press(page, "Stop session")
        await until(lambda: state_is(State.STOP_REQUESTED), "the stop request")
        await until_shown(page, "Session status", _status(stack.shell_session(session_id)))
        assert await shown(page, "Session status") == "Stop requested"

        shell.stop_delay = 0  # the operator stops it; the card's next poll (5 s) sees it
        assert state_is(State.STOPPED)
        await until_shown(page, "Session status", _status(stack.shell_session(session_id)))
        assert await shown(page, "Session status") == "Stopped"
        await until_shown(page, "Charging", NOT_CHARGING, kind="simple")
        assert await shown(page, "Active sessions") == "0"
        assert await shown(page, "Session stopped") != "Unknown"
        assert await stack.shell_active() == []

        # Start again at the card's default EVSE; the operator answers at once.
        shell.start_delay = 0
        await _press(page, "Start session")
        new_id = await _new_session(stack.shell_active, session_id)
        new = stack.shell_session(new_id)
        assert new.state is State.STARTED
        assert new.evse_id == SHELL_EVSE
        await until_shown(page, "Session status", _status(new))
        assert await shown(page, "Session EVSE") == new.evse_id
        await until_shown(page, "Charging", CHARGING, kind="simple")
        assert await shown(page, "Last error") == state_name("last_error", "none")

    try:
        e2e.run(press())
    finally:
        shell.start_delay, shell.stop_delay = delays  # the demo's operator again


async def _new_session(
    active: Callable[[], Awaitable[list[str]]], old_id: str, timeout: float = SIM_TIMEOUT
) -> str:
    """The id of the one running session that is not `old_id`, once the simulator has one."""
    deadline = time.monotonic() + timeout
    while not (ids := [i for i in await active() if i != old_id]):
        if time.monotonic() > deadline:
            raise AssertionError("the simulator never saw a new session start")
        await asyncio.sleep(0.2)
    (new_id,) = ids
    return new_id
