"""evcc's Home Assistant charger, played against the running stack through the REST API.

evcc reads a status entity and an enabled entity, turns a switch on and off and sends
number.set_value with decimals every control cycle (`templates/definition/charger/
homeassistant.yaml`). These are the same calls, over HTTP with a user's token, and the
simulated cloud must follow, with few commands.
"""

from __future__ import annotations

import asyncio
import math
import random
import time
from typing import Any

from .conftest import E2E
from .ui import until

STATUS = "sensor.garage_charging_state"
ENABLE = "switch.garage_charging"
MAX_CURRENT = "number.garage_charging_current_limit"
OVERRIDES = (
    "POST_SET_OVERRIDE_CURRENT",
    "POST_EDIT_OVERRIDE_CURRENT",
    "POST_CLEAR_OVERRIDE_CURRENT",
)
LOOP_SECONDS = 24.0  # evcc's cycle is 30 s by default; a tighter loop than that, for 24 s
WORDS_B = {"b", "connected", "plugged", "starting", "stopped", "paused", "complete"}
WORDS_C = {"c", "charging"}


def test_evcc_drives_the_charge_point(e2e: E2E) -> None:
    """Status, enable, a minute of decimal limits, disable: the simulator follows each."""
    stack = e2e.stack
    garage = stack.charge_point(1)
    cloud = stack.cloud

    async def state(entity_id: str) -> str:
        answer: dict[str, Any] = await stack.api("GET", f"/api/states/{entity_id}")
        return str(answer["state"])

    async def call(domain: str, service: str, data: dict[str, Any]) -> None:
        await stack.api("POST", f"/api/services/{domain}/{service}", data)

    async def until_state(entity_id: str, wanted: str) -> None:
        deadline = time.monotonic() + 15
        while (now := await state(entity_id)) != wanted:
            assert time.monotonic() < deadline, f"{entity_id} is {now!r}, not {wanted!r}"
            await asyncio.sleep(0.2)

    def overrides() -> int:
        return sum(1 for frame in cloud.received if frame.command in OVERRIDES)

    async def play() -> tuple[int, int]:
        # A car waits at the garage (a browser test may have started it: stop that first).
        if garage.charging:
            await call("switch", "turn_off", {"entity_id": ENABLE})
            await until(lambda: not garage.charging, "the earlier session to stop")
            await until_state(ENABLE, "off")
        # evcc's B, and not enabled.
        assert await state(STATUS) in WORDS_B
        assert await state(ENABLE) == "off"
        await call("switch", "turn_on", {"entity_id": ENABLE})
        await until(lambda: garage.charging, "the session start")
        await until_state(STATUS, "charging")
        assert await state(STATUS) in WORDS_C
        assert await state(ENABLE) == "on"
        # enable again, as a control loop may: nothing more is sent
        starts = sum(1 for frame in cloud.received if frame.command == "START_SESSION")
        await call("switch", "turn_on", {"entity_id": ENABLE})

        before = overrides()
        rng = random.Random(3)
        asked = 0
        last = 16.0
        loop_end = time.monotonic() + LOOP_SECONDS
        while time.monotonic() < loop_end:
            last = round(rng.uniform(6, 15), 2)
            await call("number", "set_value", {"entity_id": MAX_CURRENT, "value": last})
            asked += 1
            await asyncio.sleep(1.5)
        # The last value goes out at most 10 s after the write before it.
        await until(lambda: garage.currents[0] == math.floor(last), "the last limit", timeout=15)
        await until_state(MAX_CURRENT, f"{float(math.floor(last))}")
        sent = overrides() - before
        assert sum(1 for f in cloud.received if f.command == "START_SESSION") == starts

        await call("switch", "turn_off", {"entity_id": ENABLE})
        await until(lambda: not garage.charging, "the session stop")
        await until_state(ENABLE, "off")
        assert await state(STATUS) in WORDS_B
        return asked, sent

    asked, sent = e2e.run(play(), timeout=120)
    # 16 decimal values in 24 s, spaced 10 s apart at most: 3 commands, 4 at the very most.
    assert asked >= 15
    assert 1 <= sent <= 4, f"{asked} set_value calls became {sent} commands"
