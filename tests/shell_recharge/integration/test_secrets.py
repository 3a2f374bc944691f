"""No secret and no personal data anywhere but in the config entries.

An account and a card run through their scenarios with every logger at DEBUG: set-up, a
dropped connection and its reconnect, a refused command, the daily rate limit with its
repair, a charging session, public sessions started and stopped, a 401 that needs a new
token, a 429, a 500, diagnostics of both entries. Afterwards no log record (nor its
exception text), repair issue, diagnostics output or stored file other than the config
entries may hold the API token, the session token, the client secret, an access token,
the account's e-mail address or the card's EMA-ID. The scan's figures are printed:
    scripts/run python -m pytest -p no:cacheprovider -q -s \
        tests/shell_recharge/integration/test_secrets.py
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
import json
import logging
import time
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_DEVICE_ID, EVENT_HOMEASSISTANT_FINAL_WRITE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import issue_registry as ir
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.blue_current.const import DOMAIN
from simulator.bluecurrent import BlueCurrentCloud
from simulator.bluecurrent.verdicts import Outcome
from simulator.shell import ShellCloud
from tests.bluecurrent.integration.conftest import API_TOKEN, EMAIL, EVSE_IDS
from tests.waiting import wait_for

from .conftest import CLIENT_SECRET, EMA_ID, call_while_time_passes, move_time

EXEMPT_STORAGE = "core.config_entries"  # the config entries: where credentials belong


async def move_on(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


async def account_scenarios(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    cloud: BlueCurrentCloud,
    entry: MockConfigEntry,
) -> None:
    coordinator = entry.runtime_data
    # A charging session, pushed.
    charge_point = cloud.charge_point(EVSE_IDS[0])
    charge_point.plug_in()
    charge_point.start_charging()
    await cloud.tick(600)
    await wait_for(hass, lambda: hass.states.get("sensor.driveway_activity").state == "charging")
    # A dropped connection and its reconnect.
    await cloud.close_connections(1011)
    await wait_for(hass, lambda: not coordinator.connected)
    for _ in range(20):
        if coordinator.connected:
            break
        await move_on(hass, freezer, 2)
        await hass.async_add_executor_job(time.sleep, 0.05)  # real time for the handshake
    await wait_for(hass, lambda: coordinator.connected, "the reconnect")
    # A command the charge point refuses.
    cloud.set_verdict("SOFT_RESET", Outcome.REJECTED)
    with pytest.raises(HomeAssistantError):
        await hass.services.async_call(
            "button", "press", {"entity_id": "button.driveway_reset"}, blocking=True
        )
    cloud.verdicts.clear()
    # The daily limit: a repair, then the reconnect after the reset.
    await cloud.close_connections(4001)
    issue_id = f"rate_limited_{entry.entry_id}"
    await wait_for(hass, lambda: ir.async_get(hass).async_get_issue(DOMAIN, issue_id), "repair")


async def card_scenarios(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, cloud: ShellCloud, device_id: str
) -> None:
    response = await call_while_time_passes(
        hass,
        freezer,
        "start_public_charge_session",
        {ATTR_DEVICE_ID: device_id, "wait": True},
    )
    assert response is not None
    assert response["state"] == "started"
    for status, retry_after in ((401, None), (429, 30), (500, None)):
        cloud.fail_next(status, retry_after, route="active")
        await move_time(hass, freezer, 70, step=10)
    await call_while_time_passes(
        hass, freezer, "stop_public_charge_session", {ATTR_DEVICE_ID: device_id, "wait": True}
    )


def findings_in(text: str, secrets: dict[str, str]) -> list[str]:
    lowered = text.lower()
    return [name for name, secret in secrets.items() if secret.lower() in lowered]


@pytest.fixture
def debug_everywhere(caplog: pytest.LogCaptureFixture) -> None:
    """Every logger at DEBUG from before the entries are set up (request it first)."""
    caplog.set_level(logging.WARNING, logger="aiohttp.access")  # cannot read a frozen clock
    caplog.set_level(logging.DEBUG)  # every other logger, and the capturing handler


@pytest.mark.usefixtures("entity_registry_enabled_by_default")  # every entity may log
async def test_no_secret_outside_the_config_entries(
    *,
    debug_everywhere: None,
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    bc_cloud: BlueCurrentCloud,
    shell_cloud: ShellCloud,
    setup_account: MockConfigEntry,
    setup_shell: MockConfigEntry,
    card_device_id: str,
    hass_client: ClientSessionGenerator,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    await account_scenarios(hass, frozen, bc_cloud, setup_account)
    diagnostics = [await get_diagnostics_for_config_entry(hass, hass_client, setup_account)]
    repairs = [
        issue.to_json() for issue in ir.async_get(hass).issues.values() if issue.domain == DOMAIN
    ]
    # The account's connection is a background task for as long as it is loaded; the card's
    # helpers wait for every background task, so the account goes before the card's turn.
    assert await hass.config_entries.async_unload(setup_account.entry_id)
    await hass.async_block_till_done()
    await card_scenarios(hass, frozen, shell_cloud, card_device_id)
    diagnostics.append(await get_diagnostics_for_config_entry(hass, hass_client, setup_shell))
    repairs += [
        issue.to_json() for issue in ir.async_get(hass).issues.values() if issue.domain == DOMAIN
    ]
    hass.bus.async_fire(EVENT_HOMEASSISTANT_FINAL_WRITE)  # every store writes what it holds
    await hass.async_block_till_done()
    await move_on(hass, frozen, 60)
    await asyncio.sleep(0)

    secrets = {
        "API token": API_TOKEN,
        "session token": bc_cloud.account(API_TOKEN).session_token,
        "client secret": CLIENT_SECRET,
        "e-mail": EMAIL,
        "EMA-ID": EMA_ID,
    }
    for number, request in enumerate(shell_cloud.requests):
        authorization = request.headers.get("Authorization", "")
        if authorization.startswith("Bearer "):
            secrets[f"access token {number}"] = authorization.removeprefix("Bearer ")
    assert len(secrets) > 6  # tokens were issued and used

    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    findings: list[str] = []
    records = caplog.get_records("setup") + caplog.get_records("call")
    for record in records:
        text = formatter.format(record)  # the message with its exception text, if any
        findings += [f"log {record.name}: {name}" for name in findings_in(text, secrets)]
    for number, output in enumerate(diagnostics):
        text = json.dumps(output, default=str)
        findings += [f"diagnostics {number}: {name}" for name in findings_in(text, secrets)]
    for issue in repairs:
        text = json.dumps(issue, default=str)
        findings += [f"repair {issue['issue_id']}: {name}" for name in findings_in(text, secrets)]
    stored = {key: value for key, value in hass_storage.items() if key != EXEMPT_STORAGE}
    for key, value in stored.items():
        text = json.dumps(value, default=str)
        findings += [f"storage {key}: {name}" for name in findings_in(text, secrets)]
    print(
        f"\nsecrets scan: {len(records)} log records, {len(diagnostics)} diagnostics, "
        f"{len(repairs)} repairs, {len(stored)} stored files, {len(secrets)} secrets; "
        f"findings: {len(findings)}"
    )
    assert len(records) > 200
    assert repairs  # the rate-limit repair was there to be scanned
    assert stored  # so were the registries
    assert findings == [], findings
