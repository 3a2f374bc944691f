"""The charge-card select: the account's valid cards, used by the start button, restored."""

from __future__ import annotations

from collections.abc import Iterator
from unittest.mock import patch

from homeassistant.components.button import DOMAIN as BUTTON_DOMAIN, SERVICE_PRESS
from homeassistant.components.select import (
    ATTR_OPTION,
    ATTR_OPTIONS,
    DOMAIN as SELECT_DOMAIN,
    SERVICE_SELECT_OPTION,
)
from homeassistant.const import ATTR_ENTITY_ID, Platform
from homeassistant.core import HomeAssistant, State
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    mock_restore_cache_with_extra_data,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.blue_current.const import DOMAIN
from simulator.bluecurrent import APP_CARD_UID, BlueCurrentCloud, Card, populate
from tests.waiting import wait_for

from .conftest import API_TOKEN, CUSTOMER_ID, EMAIL, EVSE_IDS


@pytest.fixture(autouse=True)
def buttons_enabled(entity_registry_enabled_by_default: None) -> None:
    """The buttons are off by default (the charging switch starts and stops sessions).

    Autouse, so the registry patch is in place before the entry is set up.
    """


EVSE_ID = EVSE_IDS[0]
# The entity id the select gets on a fresh install (device "Driveway").
SELECT_ENTITY_ID = "select.driveway_charge_card"
NAMELESS_CARD_ID = "NL-BCU-C00003-7"


@pytest.fixture
def bc_cloud() -> BlueCurrentCloud:
    """The conftest account, plus a card without a name and one that is no longer valid."""
    cloud = BlueCurrentCloud(seed=1)
    populate(cloud, api_token=API_TOKEN, customer_id=CUSTOMER_ID, email=EMAIL, seed=1)
    cloud.add_card(API_TOKEN, "04A1B2C3D4E5F6", card_id=NAMELESS_CARD_ID, name="")
    cloud.add_card(API_TOKEN, "04FFEEDDCCBBAA", card_id="NL-BCU-C00004-1", name="Lost", valid=False)
    return cloud


@pytest.fixture
def only_selects() -> Iterator[None]:
    """Load the select platform alone."""
    with patch("custom_components.blue_current.ACCOUNT_PLATFORMS", [Platform.SELECT]):
        yield


def _cards(cloud: BlueCurrentCloud) -> list[Card]:
    return cloud.account(API_TOKEN).cards


def _label(card: Card) -> str:
    return f"{card.name} ({card.card_id})" if card.name else card.card_id


def _entity_id(hass: HomeAssistant, platform: Platform, unique_id: str) -> str:
    entity_id = er.async_get(hass).async_get_entity_id(platform, DOMAIN, unique_id)
    assert entity_id is not None, f"no {platform} with unique id {unique_id}"
    return entity_id


def _select_state(hass: HomeAssistant, evse_id: str = EVSE_ID) -> State:
    state = hass.states.get(_entity_id(hass, Platform.SELECT, f"charge_card_{evse_id}"))
    assert state is not None
    return state


async def _choose(hass: HomeAssistant, option: str, evse_id: str = EVSE_ID) -> None:
    await hass.services.async_call(
        SELECT_DOMAIN,
        SERVICE_SELECT_OPTION,
        {
            ATTR_ENTITY_ID: _entity_id(hass, Platform.SELECT, f"charge_card_{evse_id}"),
            ATTR_OPTION: option,
        },
        blocking=True,
    )


async def _start(hass: HomeAssistant, evse_id: str = EVSE_ID) -> None:
    entity_id = _entity_id(hass, Platform.BUTTON, f"start_charge_session_{evse_id}")
    await hass.services.async_call(
        BUTTON_DOMAIN, SERVICE_PRESS, {ATTR_ENTITY_ID: entity_id}, blocking=True
    )


async def _setup(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


@pytest.mark.usefixtures("only_selects", "entity_registry_enabled_by_default")
async def test_snapshot(
    hass: HomeAssistant, snapshot: SnapshotAssertion, setup_account: MockConfigEntry
) -> None:
    """One select per charge point, no card chosen."""
    await snapshot_platform(hass, er.async_get(hass), snapshot, setup_account.entry_id)


@pytest.mark.usefixtures("setup_account")
async def test_options_are_the_valid_cards(hass: HomeAssistant, bc_cloud: BlueCurrentCloud) -> None:
    """First "no_card", then every valid card by name and number (number alone if nameless)."""
    cards = _cards(bc_cloud)
    valid = [card for card in cards if card.valid]
    assert len(valid) == 3
    assert len(cards) == 4
    state = _select_state(hass)
    assert state.attributes[ATTR_OPTIONS] == ["no_card", *(_label(card) for card in valid)]
    assert NAMELESS_CARD_ID in state.attributes[ATTR_OPTIONS]
    assert not any("Lost" in option for option in state.attributes[ATTR_OPTIONS])
    assert state.state == "no_card"


async def _session_ended(hass: HomeAssistant, cloud: BlueCurrentCloud) -> None:
    """The session ends at the charge point, and the integration hears of it (a start
    while it still thinks the charge point charges is refused before sending)."""
    cloud.charge_point(EVSE_ID).stop_charging()
    await cloud.push_status(EVSE_ID)
    coordinator = hass.config_entries.async_entries(DOMAIN)[0].runtime_data

    def heard() -> bool:
        status = coordinator.data.charge_points[EVSE_ID].status
        return status is not None and status.activity == "available"

    await wait_for(hass, heard, "the end of the session")


@pytest.mark.usefixtures("setup_account")
async def test_chosen_card_starts_the_session(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud
) -> None:
    """The simulator's session runs on the chosen card's uid; "no_card" is the app card."""
    charge_point = bc_cloud.charge_point(EVSE_ID)
    first, _, nameless, _ = _cards(bc_cloud)

    await _choose(hass, _label(first))
    assert _select_state(hass).state == _label(first)
    assert _select_state(hass, EVSE_IDS[1]).state == "no_card"
    await _start(hass)
    assert charge_point.session_card == first.uid

    await _session_ended(hass, bc_cloud)
    await _choose(hass, NAMELESS_CARD_ID)
    await _start(hass)
    assert charge_point.session_card == nameless.uid

    await _session_ended(hass, bc_cloud)
    await _choose(hass, "no_card")
    assert _select_state(hass).state == "no_card"
    await _start(hass)
    assert charge_point.session_card == APP_CARD_UID


async def test_choice_restored_after_restart(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, account_entry: MockConfigEntry
) -> None:
    """The card chosen before a restart is chosen again (by uid, so a renamed card stays)."""
    second = _cards(bc_cloud)[1]
    mock_restore_cache_with_extra_data(
        hass, [(State(SELECT_ENTITY_ID, "Old name (old number)"), {"card_uid": second.uid})]
    )
    await _setup(hass, account_entry)

    assert _entity_id(hass, Platform.SELECT, f"charge_card_{EVSE_ID}") == SELECT_ENTITY_ID
    assert _select_state(hass).state == _label(second)
    await _start(hass)
    assert bc_cloud.charge_point(EVSE_ID).session_card == second.uid


async def test_card_gone_since_the_restart(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, account_entry: MockConfigEntry
) -> None:
    """A remembered card that is no longer valid is not used: back to no card."""
    lost = _cards(bc_cloud)[3]
    assert not lost.valid
    mock_restore_cache_with_extra_data(
        hass, [(State(SELECT_ENTITY_ID, _label(lost)), {"card_uid": lost.uid})]
    )
    await _setup(hass, account_entry)

    assert _select_state(hass).state == "no_card"
    await _start(hass)
    assert bc_cloud.charge_point(EVSE_ID).session_card == APP_CARD_UID


async def test_choice_survives_a_reload(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """Reloading the entry (a new connection and coordinator) keeps the chosen card."""
    first = _cards(bc_cloud)[0]
    await _choose(hass, _label(first))
    assert await hass.config_entries.async_reload(setup_account.entry_id)
    await hass.async_block_till_done()

    assert _select_state(hass).state == _label(first)
    await _start(hass)
    assert bc_cloud.charge_point(EVSE_ID).session_card == first.uid


# The smart-charging profile.


def _profile_state(hass: HomeAssistant) -> str:
    entity_id = er.async_get(hass).async_get_entity_id(
        Platform.SELECT, DOMAIN, f"smart_charging_profile_{EVSE_ID}"
    )
    assert entity_id is not None
    state = hass.states.get(entity_id)
    assert state is not None
    return state.state


async def _choose_profile(hass: HomeAssistant, option: str) -> None:
    entity_id = er.async_get(hass).async_get_entity_id(
        Platform.SELECT, DOMAIN, f"smart_charging_profile_{EVSE_ID}"
    )
    await hass.services.async_call(
        SELECT_DOMAIN,
        SERVICE_SELECT_OPTION,
        {ATTR_ENTITY_ID: entity_id, ATTR_OPTION: option},
        blocking=True,
    )


async def test_profile_switches_the_other_off_first_and_reads_back(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """Off -> delayed -> price-based -> off; the cloud refuses two profiles at once."""
    charge_point = bc_cloud.charge_point(EVSE_ID)
    assert _profile_state(hass) == "off"

    await _choose_profile(hass, "delayed_charging")
    assert charge_point.delayed.enabled
    await wait_for(hass, lambda: _profile_state(hass) == "delayed_charging", "read back")

    await _choose_profile(hass, "price_based_charging")
    assert (charge_point.delayed.enabled, charge_point.price_based.enabled) == (False, True)
    await wait_for(hass, lambda: _profile_state(hass) == "price_based_charging", "read back")
    sent = [
        (f.command, (f.message or {}).get("value"))
        for f in bc_cloud.received
        if f.command in ("SET_DELAYED_CHARGING", "SET_PRICE_BASED_CHARGING")
    ]
    assert sent == [
        ("SET_DELAYED_CHARGING", True),
        ("SET_DELAYED_CHARGING", False),
        ("SET_PRICE_BASED_CHARGING", True),
    ]

    await _choose_profile(hass, "off")
    assert not charge_point.price_based.enabled
    await wait_for(hass, lambda: _profile_state(hass) == "off", "read back")

    # Changed in the app: the push shows it.
    charge_point.delayed.enabled = True
    await bc_cloud.push_settings(EVSE_ID)
    await wait_for(hass, lambda: _profile_state(hass) == "delayed_charging", "the app's change")


async def test_profile_unavailable_without_write_permission(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """Permission "read" (or "none"): the profile cannot be changed from here."""
    charge_point = bc_cloud.charge_point(EVSE_ID)
    charge_point.delayed.permission = "read"
    await bc_cloud.push_settings(EVSE_ID)
    await wait_for(hass, lambda: _profile_state(hass) == "unavailable", "read only")
    charge_point.delayed.permission = "write"
    await bc_cloud.push_settings(EVSE_ID)
    await wait_for(hass, lambda: _profile_state(hass) == "off", "writable again")
