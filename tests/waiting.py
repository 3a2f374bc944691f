"""The one way tests wait for something that happens over a socket."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
import time

from homeassistant.core import HomeAssistant
import pytest

PAUSE = 0.005


async def wait_for(
    hass: HomeAssistant | None,
    condition: Callable[[], object],
    what: str = "the condition",
    *,
    within: float = 5.0,
) -> None:
    """Return once `condition()` holds; fail the test after `within` seconds.

    With `hass` (Home Assistant tests), its pending work runs between checks and the pause
    sleeps in a worker thread, so real time passes even when a test froze the clock
    (asyncio.sleep would never return under freezer). Without it (client and simulator
    tests), the pause is an asyncio.sleep.
    """
    for _ in range(int(within / PAUSE)):
        if hass is not None:
            await hass.async_block_till_done()
        if condition():
            return
        if hass is None:
            await asyncio.sleep(PAUSE)
        else:
            await hass.async_add_executor_job(time.sleep, PAUSE)
    pytest.fail(f"timed out waiting for {what}")
