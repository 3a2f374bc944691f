"""Buttons: each press reaches the charge point and returns only with its verdict."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import datetime
from unittest.mock import patch

from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.components.select import (
    ATTR_OPTION,
    DOMAIN as SELECT_DOMAIN,
    SERVICE_SELECT_OPTION,
)
from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from custom_components.blue_current.const import DOMAIN
from simulator.bluecurrent import (
    APP_CARD_UID,
    CLOUD_TIMEZONE,
    BlueCurrentCloud,
    ManualClock,
    Outcome,
)
from tests.waiting import wait_for

from .conftest import API_TOKEN, EVSE_IDS, received


@pytest.fixture(autouse=True)
def buttons_enabled(entity_registry_enabled_by_default: None) -> None:
    """The buttons are off by default (the charging switch starts and stops sessions).

    Autouse, so the registry patch is in place before the entry is set up.
    """


EVSE_ID = EVSE_IDS[0]
NAME = "Driveway"  # the charge point's name in the cloud, and so its device's
# Button key -> the command it sends.
COMMANDS = {
    "reset": "SOFT_RESET",
    "reboot": "REBOOT",
    "start_charge_session": "START_SESSION",
    "stop_charge_session": "STOP_SESSION",
}


@pytest.fixture
def only_buttons() -> Iterator[None]:
    """Load the button platform alone."""
    with patch("custom_components.blue_current.ACCOUNT_PLATFORMS", [Platform.BUTTON]):
        yield


def _entity_id(hass: HomeAssistant, platform: Platform, unique_id: str) -> str:
    entity_id = er.async_get(hass).async_get_entity_id(platform, DOMAIN, unique_id)
    assert entity_id is not None, f"no {platform} with unique id {unique_id}"
    return entity_id


async def _press(hass: HomeAssistant, key: str, evse_id: str = EVSE_ID) -> None:
    await hass.services.async_call(
        BUTTON_DOMAIN,
        SERVICE_PRESS,
        {ATTR_ENTITY_ID: _entity_id(hass, Platform.BUTTON, f"{key}_{evse_id}")},
        blocking=True,
    )


@pytest.mark.usefixtures("only_buttons", "entity_registry_enabled_by_default")
async def test_snapshot(
    hass: HomeAssistant, snapshot: SnapshotAssertion, setup_account: MockConfigEntry
) -> None:
    """Four buttons per charge point."""
    await snapshot_platform(hass, er.async_get(hass), snapshot, setup_account.entry_id)


@pytest.mark.usefixtures("setup_account")
@pytest.mark.parametrize(("key", "counter"), [("reset", "resets"), ("reboot", "reboots")])
async def test_reset_and_reboot_wait_for_the_verdict(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, key: str, counter: str
) -> None:
    """The press returns once the charge point carried the command out, not before.

    The charge point answers after a delay and counts the command only when it accepts it:
    a press that returned on the cloud's acknowledgement would still see 0.
    """
    bc_cloud.set_verdict(COMMANDS[key], Outcome.ACCEPTED, delay=0.05)
    charge_point = bc_cloud.charge_point(EVSE_ID)
    await _press(hass, key)
    assert getattr(charge_point, counter) == 1
    assert getattr(bc_cloud.charge_point(EVSE_IDS[1]), counter) == 0
    assert [m["evse_id"] for m in received(bc_cloud, COMMANDS[key])] == [EVSE_ID]


@pytest.mark.usefixtures("setup_account")
async def test_start_and_stop(hass: HomeAssistant, bc_cloud: BlueCurrentCloud) -> None:
    """Start without a chosen card uses the app's card; stop ends the session."""
    charge_point = bc_cloud.charge_point(EVSE_ID)
    charge_point.plug_in()
    await _press(hass, "start_charge_session")
    assert charge_point.charging
    assert charge_point.session_card == APP_CARD_UID
    assert received(bc_cloud, "START_SESSION")[-1]["session_token"] == APP_CARD_UID

    await _press(hass, "stop_charge_session")
    assert not charge_point.charging
    assert charge_point.stop_datetime is not None


@pytest.mark.usefixtures("setup_account")
async def test_start_uses_the_chosen_card(hass: HomeAssistant, bc_cloud: BlueCurrentCloud) -> None:
    """The card chosen in the select is the one the session starts with."""
    card = bc_cloud.account(API_TOKEN).cards[1]
    await hass.services.async_call(
        SELECT_DOMAIN,
        SERVICE_SELECT_OPTION,
        {
            ATTR_ENTITY_ID: _entity_id(hass, Platform.SELECT, f"charge_card_{EVSE_ID}"),
            ATTR_OPTION: f"{card.name} ({card.card_id})",
        },
        blocking=True,
    )
    await _press(hass, "start_charge_session")
    assert bc_cloud.charge_point(EVSE_ID).session_card == card.uid

    # The other charge point keeps starting without a card.
    await _press(hass, "start_charge_session", EVSE_IDS[1])
    assert bc_cloud.charge_point(EVSE_IDS[1]).session_card == APP_CARD_UID


async def _push(hass: HomeAssistant, cloud: BlueCurrentCloud, activity: str) -> None:
    """Push the charge point's status and wait until the integration knows the activity."""
    await cloud.push_status(EVSE_ID)
    coordinator = hass.config_entries.async_entries(DOMAIN)[0].runtime_data

    def known() -> bool:
        status = coordinator.data.charge_points[EVSE_ID].status
        return status is not None and status.activity == activity

    await wait_for(hass, known, f"activity {activity}")


def _assert_readable(err: HomeAssistantError, translation_key: str) -> str:
    """The error is ours, names the charge point by its name, and reads as words."""
    assert err.translation_domain == DOMAIN
    assert err.translation_key == translation_key
    assert (err.translation_placeholders or {}).get("charge_point") == NAME
    message = str(err)
    assert NAME in message
    # Never the EVSE id, a command key or a raw answer of the cloud.
    for raw in (EVSE_ID, "REJECTED", "TIMEOUT", "_charge_session", "chargepoint"):
        assert raw not in message, message
    assert message != translation_key
    return message


@pytest.mark.usefixtures("setup_account")
@pytest.mark.parametrize("key", list(COMMANDS))
@pytest.mark.parametrize("outcome", [Outcome.REJECTED, Outcome.TIMEOUT])
async def test_refused_press_raises(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, key: str, outcome: Outcome
) -> None:
    """A rejection or a timeout the state does not explain: what was refused, and why."""
    charge_point = bc_cloud.charge_point(EVSE_ID)
    charge_point.plug_in()
    if key == "stop_charge_session":
        charge_point.start_charging()  # else there is nothing to stop (see below)
    await _push(hass, bc_cloud, "charging" if charge_point.charging else "available")
    bc_cloud.set_verdict(COMMANDS[key], outcome)
    before = (charge_point.resets, charge_point.reboots, charge_point.charging)

    with pytest.raises(HomeAssistantError) as raised:
        await _press(hass, key)
    reason = "refused" if outcome is Outcome.REJECTED else "timeout"
    _assert_readable(raised.value, f"{key}_{reason}")
    assert received(bc_cloud, COMMANDS[key])
    assert (charge_point.resets, charge_point.reboots, charge_point.charging) == before


@pytest.mark.usefixtures("setup_account")
async def test_stop_without_a_session_sends_nothing(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud
) -> None:
    """Nothing runs: the stop button says so and does not ask the cloud."""
    with pytest.raises(ServiceValidationError) as raised:
        await _press(hass, "stop_charge_session")
    message = _assert_readable(raised.value, "no_session_to_stop")
    assert message == f"{NAME} has no charge session to stop"
    assert not received(bc_cloud, "STOP_SESSION")


@pytest.mark.usefixtures("setup_account")
async def test_start_while_charging_or_blocked_sends_nothing(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud
) -> None:
    """Already charging, or blocked: the start button says why, and sends nothing."""
    charge_point = bc_cloud.charge_point(EVSE_ID)
    charge_point.plug_in()
    charge_point.start_charging()
    await _push(hass, bc_cloud, "charging")
    with pytest.raises(ServiceValidationError) as raised:
        await _press(hass, "start_charge_session")
    _assert_readable(raised.value, "already_charging")

    charge_point.block()
    await _push(hass, bc_cloud, "unavailable")
    with pytest.raises(ServiceValidationError) as raised:
        await _press(hass, "start_charge_session")
    _assert_readable(raised.value, "blocked_cannot_start")
    assert not received(bc_cloud, "START_SESSION")


@pytest.mark.usefixtures("setup_account")
@pytest.mark.parametrize("key", list(COMMANDS))
async def test_offline_charge_point_sends_nothing(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, key: str
) -> None:
    """An offline charge point cannot answer: every button says so before sending."""
    bc_cloud.charge_point(EVSE_ID).go_offline()
    await _push(hass, bc_cloud, "offline")
    with pytest.raises(ServiceValidationError) as raised:
        await _press(hass, key)
    _assert_readable(raised.value, f"{key}_offline")
    assert not received(bc_cloud, COMMANDS[key])


@pytest.mark.usefixtures("setup_account")
async def test_refusals_of_the_charge_point_itself(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud
) -> None:
    """The cloud's own refusals, read from its texts and the state, in words."""
    charge_point = bc_cloud.charge_point(EVSE_ID)
    # The session ended but no status said so yet: the cloud answers with its own text.
    charge_point.plug_in()
    charge_point.start_charging()
    await _push(hass, bc_cloud, "charging")
    charge_point.stop_charging()
    with pytest.raises(HomeAssistantError) as raised:
        await _press(hass, "stop_charge_session")
    _assert_readable(raised.value, "no_session_to_stop")
    assert received(bc_cloud, "STOP_SESSION")
    await _push(hass, bc_cloud, "available")

    # A car in error: the charge point rejects the start.
    charge_point.set_vehicle_status("F")
    await _push(hass, bc_cloud, "error")
    with pytest.raises(HomeAssistantError) as raised:
        await _press(hass, "start_charge_session")
    _assert_readable(raised.value, "car_not_ready")
    assert not charge_point.charging

    # No car at all, and the charge point says no.
    charge_point.unplug()
    await _push(hass, bc_cloud, "available")
    bc_cloud.set_verdict("START_SESSION", Outcome.REJECTED)
    with pytest.raises(HomeAssistantError) as raised:
        await _press(hass, "start_charge_session")
    _assert_readable(raised.value, "no_car_connected")


@pytest.mark.usefixtures("setup_account")
async def test_connection_lost_while_waiting(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud
) -> None:
    """The connection drops before the verdict: not_connected, not a hang."""
    bc_cloud.set_verdict("REBOOT", Outcome.ACCEPTED, delay=30)
    pressing = asyncio.ensure_future(_press(hass, "reboot"))
    for _ in range(200):
        if received(bc_cloud, "REBOOT"):
            break
        await asyncio.sleep(0.005)
    assert not pressing.done()

    await bc_cloud.close_connections()
    with pytest.raises(HomeAssistantError) as raised:
        await asyncio.wait_for(pressing, timeout=2)
    _assert_readable(raised.value, "reboot_not_connected")
    assert bc_cloud.charge_point(EVSE_ID).reboots == 0


def _available(hass: HomeAssistant, key: str) -> bool:
    state = hass.states.get(_entity_id(hass, Platform.BUTTON, f"{key}_{EVSE_ID}"))
    assert state is not None
    return state.state != "unavailable"


# A Wednesday evening in Amsterdam: outside the default 22:00-07:00 window, a dear hour.
EVENING = datetime(2026, 6, 10, 18, 0, tzinfo=CLOUD_TIMEZONE)


async def _held_by(
    hass: HomeAssistant, cloud: BlueCurrentCloud, profile: str, entry: MockConfigEntry
) -> None:
    """Start a session that the profile holds back, on a charge point whose clock stands still."""
    charge_point = cloud.charge_point(EVSE_ID)
    charge_point.clock = ManualClock(EVENING)
    if profile == "delayed":
        charge_point.delayed.enabled = True
    else:
        charge_point.price_based.enabled = True
        charge_point.price_based.current_battery_pct = 50
    charge_point.start_charging()
    await cloud.push_settings(EVSE_ID)
    await cloud.push_status(EVSE_ID)
    coordinator = entry.runtime_data

    def held() -> bool:
        status = coordinator.data.charge_points[EVSE_ID].status
        return status is not None and status.activity == "delayed"

    await wait_for(hass, held, "the session held back")


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize(
    ("profile", "command"),
    [("delayed", "OVERRIDE_DELAYED_CHARGING_TIMEOUT"), ("price", "OVERRIDE_CHARGING_PROFILES")],
)
async def test_boost_releases_the_profile_holding_the_session(
    hass: HomeAssistant,
    bc_cloud: BlueCurrentCloud,
    setup_account: MockConfigEntry,
    profile: str,
    command: str,
) -> None:
    """Available only while held back; the boost command of the profile that is on."""
    assert not _available(hass, "boost")
    await _held_by(hass, bc_cloud, profile, setup_account)
    assert _available(hass, "boost")

    await _press(hass, "boost")
    assert [m["value"] for m in received(bc_cloud, command)] == [True]
    charge_point = bc_cloud.charge_point(EVSE_ID)
    assert charge_point.boosting
    await bc_cloud.push_status(EVSE_ID)
    await wait_for(hass, lambda: not _available(hass, "boost"), "boosting")
