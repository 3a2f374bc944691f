"""Switches: the state is what the cloud confirmed; refusals and read-only settings show."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from unittest.mock import patch

from homeassistant.components.switch import DOMAIN as SWITCH_DOMAIN
from homeassistant.const import (
    ATTR_ENTITY_ID,
    SERVICE_TURN_OFF,
    SERVICE_TURN_ON,
    STATE_OFF,
    STATE_ON,
    STATE_UNAVAILABLE,
    Platform,
)
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from custom_components.blue_current.const import DOMAIN
from simulator.bluecurrent import BlueCurrentCloud, Outcome
from tests.waiting import wait_for

from .conftest import EVSE_IDS

EVSE_ID = EVSE_IDS[0]


@pytest.fixture
def only_switches() -> Iterator[None]:
    """Load the switch platform alone."""
    with patch("custom_components.blue_current.ACCOUNT_PLATFORMS", [Platform.SWITCH]):
        yield


def _entity_id(hass: HomeAssistant, key: str, evse_id: str = EVSE_ID) -> str:
    entity_id = er.async_get(hass).async_get_entity_id(Platform.SWITCH, DOMAIN, f"{key}_{evse_id}")
    assert entity_id is not None, f"no switch {key} for {evse_id}"
    return entity_id


def _state(hass: HomeAssistant, key: str, evse_id: str = EVSE_ID) -> str:
    state = hass.states.get(_entity_id(hass, key, evse_id))
    assert state is not None
    return state.state


async def _switch(hass: HomeAssistant, key: str, on: bool, evse_id: str = EVSE_ID) -> None:
    await hass.services.async_call(
        SWITCH_DOMAIN,
        SERVICE_TURN_ON if on else SERVICE_TURN_OFF,
        {ATTR_ENTITY_ID: _entity_id(hass, key, evse_id)},
        blocking=True,
    )


async def _push_status(hass: HomeAssistant, cloud: BlueCurrentCloud, activity: str) -> None:
    """Push the first charge point's status and wait until the activity shows."""
    await cloud.push_status(EVSE_ID)
    coordinator = hass.config_entries.async_entries(DOMAIN)[0].runtime_data

    def shown() -> bool:
        status = coordinator.data.charge_points[EVSE_ID].status
        return status is not None and status.activity == activity

    await wait_for(hass, shown, f"activity {activity}")


@pytest.mark.usefixtures("only_switches", "entity_registry_enabled_by_default")
async def test_snapshot(
    hass: HomeAssistant,
    snapshot: SnapshotAssertion,
    bc_cloud: BlueCurrentCloud,
    account_entry: MockConfigEntry,
) -> None:
    """The first charge point as delivered; the second blocked, cards only, plug & charge."""
    second = bc_cloud.charge_point(EVSE_IDS[1])
    second.plug_and_charge = True
    second.public_charging = False
    second.block()
    account_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(account_entry.entry_id)
    await hass.async_block_till_done()

    await snapshot_platform(hass, er.async_get(hass), snapshot, account_entry.entry_id)


async def test_plug_and_charge_follows_the_cloud(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """Turning on changes the charge point's setting; the state is the confirmed value."""
    charge_point = bc_cloud.charge_point(EVSE_ID)
    assert _state(hass, "plug_and_charge") == STATE_OFF

    await _switch(hass, "plug_and_charge", True)
    assert charge_point.plug_and_charge is True
    assert _state(hass, "plug_and_charge") == STATE_ON
    sent = [f.message for f in bc_cloud.received if f.command == "SET_PLUG_AND_CHARGE"]
    assert sent
    assert sent[-1] is not None
    assert sent[-1]["evse_id"] == EVSE_ID
    assert sent[-1]["value"] is True

    await _switch(hass, "plug_and_charge", False)
    assert charge_point.plug_and_charge is False
    assert _state(hass, "plug_and_charge") == STATE_OFF
    # The other charge point was not touched.
    assert bc_cloud.charge_point(EVSE_IDS[1]).plug_and_charge is False
    assert _state(hass, "plug_and_charge", EVSE_IDS[1]) == STATE_OFF


async def test_state_waits_for_the_verdict(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """No optimistic state: until the charge point answers, the switch stays off."""
    bc_cloud.set_verdict("SET_PLUG_AND_CHARGE", Outcome.ACCEPTED, delay=0.2)
    turning_on = asyncio.ensure_future(_switch(hass, "plug_and_charge", True))
    for _ in range(100):  # not _wait_for: it would wait for the service call to finish
        if any(f.command == "SET_PLUG_AND_CHARGE" for f in bc_cloud.received):
            break
        await asyncio.sleep(0.005)
    await asyncio.sleep(0.05)
    assert not turning_on.done()
    assert _state(hass, "plug_and_charge") == STATE_OFF
    await turning_on
    assert _state(hass, "plug_and_charge") == STATE_ON


async def test_linked_charge_cards_only_is_public_charging_inverted(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """On means: not public. Changes made elsewhere (the app) arrive as CH_SETTINGS."""
    charge_point = bc_cloud.charge_point(EVSE_ID)
    assert charge_point.public_charging is True
    assert _state(hass, "linked_charge_cards_only") == STATE_OFF

    await _switch(hass, "linked_charge_cards_only", True)
    assert charge_point.public_charging is False
    assert _state(hass, "linked_charge_cards_only") == STATE_ON
    sent = [f.message for f in bc_cloud.received if f.command == "SET_PUBLIC_CHARGING"]
    assert sent
    assert sent[-1] is not None
    assert sent[-1]["value"] is False

    # The owner opens the charge point to the public again in the app.
    charge_point.public_charging = True
    await bc_cloud.push_settings(EVSE_ID)
    await wait_for(
        hass, lambda: _state(hass, "linked_charge_cards_only") == STATE_OFF, "the app's change"
    )


async def test_block_follows_the_activity(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """Blocking makes the charge point unavailable; the switch is on once the cloud says so."""
    charge_point = bc_cloud.charge_point(EVSE_ID)
    assert _state(hass, "block") == STATE_OFF

    await _switch(hass, "block", True)
    assert charge_point.blocked is True
    await wait_for(hass, lambda: _state(hass, "block") == STATE_ON, "blocked")
    assert [f.command for f in bc_cloud.received if f.command == "SET_INOPERATIVE"] == [
        "SET_INOPERATIVE"
    ]

    await _switch(hass, "block", False)
    assert charge_point.blocked is False
    await wait_for(hass, lambda: _state(hass, "block") == STATE_OFF, "unblocked")


async def test_block_stays_available_while_charging(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """While charging the block switch is off, not unavailable; blocking asks to stop first."""
    charge_point = bc_cloud.charge_point(EVSE_ID)
    charge_point.plug_in()
    charge_point.start_charging()
    await _push_status(hass, bc_cloud, "charging")
    assert _state(hass, "block") == STATE_OFF
    # The settings switches do not depend on the activity.
    assert _state(hass, "plug_and_charge") == STATE_OFF

    with pytest.raises(ServiceValidationError) as raised:
        await _switch(hass, "block", True)
    assert raised.value.translation_domain == DOMAIN
    assert raised.value.translation_key == "stop_session_first"
    assert (raised.value.translation_placeholders or {})["charge_point"] == "Driveway"
    assert str(raised.value) == (
        "Driveway is charging: stop the charge session before you block it"
    )
    assert not any(f.command == "SET_INOPERATIVE" for f in bc_cloud.received)
    assert charge_point.charging
    assert _state(hass, "block") == STATE_OFF

    charge_point.stop_charging()
    await _push_status(hass, bc_cloud, "available")
    assert _state(hass, "block") == STATE_OFF

    # Offline, nobody can tell whether it is blocked.
    charge_point.go_offline()
    await _push_status(hass, bc_cloud, "offline")
    assert _state(hass, "block") == STATE_UNAVAILABLE

    charge_point.come_online()
    await _push_status(hass, bc_cloud, "available")
    assert _state(hass, "block") == STATE_OFF


async def test_read_only_setting_is_unavailable(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """A setting the account may only read ("permission": "read") cannot be switched."""
    assert _state(hass, "plug_and_charge") == STATE_OFF
    charge_point = bc_cloud.charge_point(EVSE_ID)
    charge_point.read_only = True
    await bc_cloud.push_settings(EVSE_ID)
    await wait_for(hass, lambda: _state(hass, "plug_and_charge") == STATE_UNAVAILABLE, "read-only")
    assert _state(hass, "linked_charge_cards_only") == STATE_UNAVAILABLE
    assert _state(hass, "plug_and_charge", EVSE_IDS[1]) == STATE_OFF

    # Write permission back: available, with the value the cloud sent.
    charge_point.read_only = False
    charge_point.plug_and_charge = True
    await bc_cloud.push_settings(EVSE_ID)
    await wait_for(hass, lambda: _state(hass, "plug_and_charge") == STATE_ON, "writable")


@pytest.mark.usefixtures("setup_account")
@pytest.mark.parametrize(
    ("key", "command", "outcome"),
    [
        ("plug_and_charge", "SET_PLUG_AND_CHARGE", Outcome.REJECTED),
        ("linked_charge_cards_only", "SET_PUBLIC_CHARGING", Outcome.REJECTED),
        ("block", "SET_INOPERATIVE", Outcome.REJECTED),
        ("plug_and_charge", "SET_PLUG_AND_CHARGE", Outcome.TIMEOUT),
        ("block", "SET_INOPERATIVE", Outcome.TIMEOUT),
    ],
)
async def test_refused_command_raises_and_keeps_the_state(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, key: str, command: str, outcome: Outcome
) -> None:
    """A refusal is an error the user sees, and the switch does not move."""
    bc_cloud.set_verdict(command, outcome)
    with pytest.raises(HomeAssistantError) as raised:
        await _switch(hass, key, True)
    assert raised.value.translation_domain == DOMAIN
    reason = "refused" if outcome is Outcome.REJECTED else "timeout"
    assert raised.value.translation_key == f"{key}_{reason}"
    assert raised.value.translation_placeholders == {"charge_point": "Driveway"}
    message = str(raised.value)
    assert "Driveway" in message
    assert EVSE_ID not in message
    assert outcome.value not in message
    assert any(f.command == command for f in bc_cloud.received)
    await hass.async_block_till_done()
    assert _state(hass, key) == STATE_OFF
    charge_point = bc_cloud.charge_point(EVSE_ID)
    assert (charge_point.plug_and_charge, charge_point.public_charging) == (False, True)
    assert charge_point.blocked is False


async def test_offline_charge_point_sends_nothing(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """An offline charge point cannot answer: the switch says so and sends nothing."""
    charge_point = bc_cloud.charge_point(EVSE_ID)
    charge_point.go_offline()
    await _push_status(hass, bc_cloud, "offline")
    with pytest.raises(ServiceValidationError) as raised:
        await _switch(hass, "plug_and_charge", True)
    assert raised.value.translation_key == "plug_and_charge_offline"
    assert "Driveway is offline" in str(raised.value)
    assert not any(f.command == "SET_PLUG_AND_CHARGE" for f in bc_cloud.received)
    assert charge_point.plug_and_charge is False
    assert _state(hass, "plug_and_charge") == STATE_OFF


async def test_charging_starts_with_the_chosen_card_and_stops(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """On starts a session with the select's card, off stops it; the state is the activity."""
    charge_point = bc_cloud.charge_point(EVSE_ID)
    card = bc_cloud.account("test-api-token").cards[1]
    select_id = er.async_get(hass).async_get_entity_id(
        Platform.SELECT, DOMAIN, f"charge_card_{EVSE_ID}"
    )
    await hass.services.async_call(
        "select",
        "select_option",
        {ATTR_ENTITY_ID: select_id, "option": f"{card.name} ({card.card_id})"},
        blocking=True,
    )
    charge_point.plug_in()
    await _push_status(hass, bc_cloud, "available")
    assert _state(hass, "charging") == STATE_OFF

    await _switch(hass, "charging", True)
    assert charge_point.session_card == card.uid
    await wait_for(hass, lambda: _state(hass, "charging") == STATE_ON, "charging")
    # On again (a control loop repeating itself) sends nothing.
    await _switch(hass, "charging", True)
    assert [f.command for f in bc_cloud.received].count("START_SESSION") == 1

    await _switch(hass, "charging", False)
    assert not charge_point.charging
    await wait_for(hass, lambda: _state(hass, "charging") == STATE_OFF, "stopped")
    await _switch(hass, "charging", False)
    assert [f.command for f in bc_cloud.received].count("STOP_SESSION") == 1


async def test_charging_is_on_while_a_profile_holds_the_session(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """A session held back by delayed charging still runs: the switch stays on."""
    charge_point = bc_cloud.charge_point(EVSE_ID)
    charge_point.delayed.enabled = True
    charge_point.delayed.start_time, charge_point.delayed.end_time = "00:00", "00:01"
    await _switch(hass, "charging", True)
    await _push_status(hass, bc_cloud, "delayed")
    assert _state(hass, "charging") == STATE_ON


async def test_charging_refused_raises(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """A refused start is an error the user sees; the switch stays off."""
    bc_cloud.set_verdict("START_SESSION", Outcome.REJECTED)
    with pytest.raises(HomeAssistantError) as raised:
        await _switch(hass, "charging", True)
    assert raised.value.translation_key == "no_car_connected"
    assert _state(hass, "charging") == STATE_OFF
    assert setup_account.runtime_data.happenings.session_cards == {}
