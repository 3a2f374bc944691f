"""Actions: start and stop a charge session on a charge point named by its device."""

from __future__ import annotations

from datetime import UTC, datetime

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import ATTR_DEVICE_ID
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.blue_current.bluecurrent.services import (
    ATTR_CHARGING_CARD_ID,
    SERVICE_START_CHARGE_SESSION,
    SERVICE_STOP_CHARGE_SESSION,
)
from custom_components.blue_current.const import DOMAIN
from simulator.bluecurrent import APP_CARD_UID, BlueCurrentCloud, Outcome
from tests.waiting import wait_for

from .conftest import API_TOKEN, EVSE_IDS, received

EVSE_ID = EVSE_IDS[0]
GRID_ID = f"GRID-{EVSE_IDS[0]}"


def _device_id(hass: HomeAssistant, entry: MockConfigEntry, identifier: str = EVSE_ID) -> str:
    device = dr.async_get(hass).async_get_device_by_identifier((DOMAIN, identifier), entry.entry_id)
    assert device is not None, f"no device {identifier}"
    return device.id


async def _start(hass: HomeAssistant, device_id: str, card: str | None = None) -> None:
    data = {ATTR_DEVICE_ID: device_id}
    if card is not None:
        data[ATTR_CHARGING_CARD_ID] = card
    await hass.services.async_call(DOMAIN, SERVICE_START_CHARGE_SESSION, data, blocking=True)


async def _stop(hass: HomeAssistant, device_id: str) -> None:
    await hass.services.async_call(
        DOMAIN, SERVICE_STOP_CHARGE_SESSION, {ATTR_DEVICE_ID: device_id}, blocking=True
    )


async def test_start_and_stop(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """Without a card the session starts on the app's card; stop ends it."""
    charge_point = bc_cloud.charge_point(EVSE_ID)
    charge_point.plug_in()
    await _start(hass, _device_id(hass, setup_account))
    assert charge_point.charging
    assert charge_point.session_card == APP_CARD_UID
    assert not bc_cloud.charge_point(EVSE_IDS[1]).charging

    await _stop(hass, _device_id(hass, setup_account))
    assert not charge_point.charging
    assert [m["evse_id"] for m in received(bc_cloud, "STOP_SESSION")] == [EVSE_ID]


@pytest.mark.parametrize(
    "spelling",
    [
        "printed number",
        "uid",
        "number in other case, with spaces",
    ],
)
async def test_start_with_a_card(
    hass: HomeAssistant,
    bc_cloud: BlueCurrentCloud,
    setup_account: MockConfigEntry,
    spelling: str,
) -> None:
    """A card named by its printed number or uid: the session runs on the card's uid."""
    card = bc_cloud.account(API_TOKEN).cards[1]
    given = {
        "printed number": card.card_id,
        "uid": card.uid,
        "number in other case, with spaces": f"  {card.card_id.lower()} ",
    }[spelling]
    await _start(hass, _device_id(hass, setup_account), given)
    assert bc_cloud.charge_point(EVSE_ID).session_card == card.uid
    assert received(bc_cloud, "START_SESSION")[-1]["session_token"] == card.uid


@pytest.mark.parametrize("card", ["", APP_CARD_UID])
async def test_start_with_the_app_card(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry, card: str
) -> None:
    """An empty card, or the app card's own uid, means: no charge card."""
    await _start(hass, _device_id(hass, setup_account), card)
    assert bc_cloud.charge_point(EVSE_ID).session_card == APP_CARD_UID


async def test_unknown_card(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """A card the account does not have is refused before anything is sent."""
    with pytest.raises(ServiceValidationError) as raised:
        await _start(hass, _device_id(hass, setup_account), "NL-XXX-999999-9")
    assert raised.value.translation_domain == DOMAIN
    assert raised.value.translation_key == "unknown_card"
    placeholders = raised.value.translation_placeholders or {}
    assert placeholders["card"] == "NL-XXX-999999-9"
    assert placeholders["cards"] == ", ".join(
        card.card_id for card in bc_cloud.account(API_TOKEN).cards
    )
    assert not received(bc_cloud, "START_SESSION")
    assert not bc_cloud.charge_point(EVSE_ID).charging


async def test_device_of_another_integration(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """Devices that are not charge points are refused, named as the user sees them."""
    other_entry = MockConfigEntry(domain="other_integration")
    other_entry.add_to_hass(hass)
    other = dr.async_get(hass).async_get_or_create(
        config_entry_id=other_entry.entry_id,
        identifiers={("other_integration", EVSE_ID)},
        name="Heat pump",
    )
    registry = dr.async_get(hass)
    await wait_for(
        hass,
        lambda: (
            registry.async_get_device_by_identifier((DOMAIN, GRID_ID), setup_account.entry_id)
            is not None
        ),
        "the grid device (asked after the statuses)",
    )
    grid = _device_id(hass, setup_account, GRID_ID)

    for device_id, message in (
        (other.id, "Heat pump is not a Blue Current charge point"),
        (grid, f"{GRID_ID} is not a Blue Current charge point"),
        (
            "no-such-device",
            "The chosen device no longer exists, or is not a Blue Current charge point",
        ),
    ):
        for call in (_start, _stop):
            with pytest.raises(ServiceValidationError) as raised:
                await call(hass, device_id)
            assert raised.value.translation_domain == DOMAIN
            assert str(raised.value) == message
    assert not received(bc_cloud, "START_SESSION")
    assert not received(bc_cloud, "STOP_SESSION")


async def test_entry_not_loaded(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """The device is still there, its account is not: config_entry_not_loaded."""
    device_id = _device_id(hass, setup_account)
    assert await hass.config_entries.async_unload(setup_account.entry_id)
    await hass.async_block_till_done()

    for call in (_start, _stop):
        with pytest.raises(ServiceValidationError) as raised:
            await call(hass, device_id)
        assert raised.value.translation_domain == DOMAIN
        assert raised.value.translation_key == "config_entry_not_loaded"
        assert str(raised.value) == "The Blue Current account of Driveway is not loaded"
    assert not received(bc_cloud, "START_SESSION")


@pytest.mark.parametrize(
    ("outcome", "translation_key"),
    # No car is plugged in: that is why a charge point rejects a start.
    [(Outcome.REJECTED, "no_car_connected"), (Outcome.TIMEOUT, "start_charge_session_timeout")],
)
async def test_refused_start(
    hass: HomeAssistant,
    bc_cloud: BlueCurrentCloud,
    setup_account: MockConfigEntry,
    outcome: Outcome,
    translation_key: str,
) -> None:
    """The charge point's refusal is an error the user can read."""
    bc_cloud.set_verdict("START_SESSION", outcome)
    with pytest.raises(HomeAssistantError) as raised:
        await _start(hass, _device_id(hass, setup_account))
    assert not isinstance(raised.value, ServiceValidationError)
    assert raised.value.translation_domain == DOMAIN
    assert raised.value.translation_key == translation_key
    assert raised.value.translation_placeholders == {"charge_point": "Driveway"}
    assert EVSE_ID not in str(raised.value)
    assert not bc_cloud.charge_point(EVSE_ID).charging


async def test_stop_without_a_session(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """Nothing runs: the action says so in words and asks the cloud nothing."""
    with pytest.raises(ServiceValidationError) as raised:
        await _stop(hass, _device_id(hass, setup_account))
    assert raised.value.translation_key == "no_session_to_stop"
    assert str(raised.value) == "Driveway has no charge session to stop"
    assert not received(bc_cloud, "STOP_SESSION")


async def test_not_connected(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """While the connection is down the action fails at once with not_connected."""
    device_id = _device_id(hass, setup_account)
    await bc_cloud.close_connections()
    await wait_for(hass, lambda: not setup_account.runtime_data.connected, "the disconnect")

    with pytest.raises(HomeAssistantError) as raised:
        await _start(hass, device_id)
    assert raised.value.translation_domain == DOMAIN
    assert raised.value.translation_key == "start_charge_session_not_connected"
    assert str(raised.value).startswith(
        "Driveway: the request to start a charge session was not sent"
    )
    assert not bc_cloud.charge_point(EVSE_ID).charging


# Smart-charging actions.


async def test_set_delayed_charging_schedule_on_several_charge_points(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """Days as names, times as times: one command per charge point, in the cloud's words."""
    devices = [_device_id(hass, setup_account, evse_id) for evse_id in EVSE_IDS]
    await hass.services.async_call(
        DOMAIN,
        "set_delayed_charging_schedule",
        {
            ATTR_DEVICE_ID: devices,
            "days": ["fri", "mon"],
            "start_time": "23:00",
            "end_time": "6:30",
        },
        blocking=True,
    )
    sent = received(bc_cloud, "SAVE_SCHEDULE_DELAYED_CHARGING")
    assert [(m["evse_id"], m["days"], m["start_time"], m["end_time"]) for m in sent] == [
        (evse_id, "[1,5]", "23:00", "06:30") for evse_id in EVSE_IDS
    ]
    delayed = bc_cloud.charge_point(EVSE_IDS[1]).delayed
    assert (delayed.days, delayed.start_time, delayed.end_time) == ([1, 5], "23:00", "06:30")


async def test_set_price_based_charging_patches_what_is_given(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """Only the fields given go out; nothing given is a validation error."""
    device = _device_id(hass, setup_account)
    await hass.services.async_call(
        DOMAIN,
        "set_price_based_charging",
        {ATTR_DEVICE_ID: device, "minimum_charge": 25, "departure_time": "07:15"},
        blocking=True,
    )
    sent = received(bc_cloud, "PATCH_PRICE_BASED_CHARGING_SETTINGS")[-1]
    assert {k: v for k, v in sent.items() if k not in ("command", "evse_id", "Authorization")} == {
        "minimum_pct": 25,
        "expected_departure_time": "07:15",
    }
    price = bc_cloud.charge_point(EVSE_ID).price_based
    assert (price.minimum_pct, price.expected_departure_time, price.battery_size_kwh) == (
        25,
        "07:15",
        60,
    )
    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(
            DOMAIN, "set_price_based_charging", {ATTR_DEVICE_ID: device}, blocking=True
        )
    assert raised.value.translation_key == "nothing_to_set"


async def test_set_list_and_clear_current_overrides(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """Make a schedule for both charge points, list it (response data), clear it."""
    devices = [_device_id(hass, setup_account, evse_id) for evse_id in EVSE_IDS]
    made = await hass.services.async_call(
        DOMAIN,
        "set_current_override",
        {
            ATTR_DEVICE_ID: devices,
            "current": 10,
            "days": ["sat", "sun"],
            "start_time": "08:00",
            "end_time": "18:00",
        },
        blocking=True,
        return_response=True,
    )
    assert made is not None
    schedules = made["schedules"]
    assert isinstance(schedules, list)
    assert len(schedules) == 1
    schedule = schedules[0]
    assert isinstance(schedule, dict)
    assert schedule["charge_points"] == list(EVSE_IDS)
    assert (schedule["start_days"], schedule["start_time"], schedule["stop_time"]) == (
        ["sat", "sun"],
        "08:00",
        "18:00",
    )
    sent = received(bc_cloud, "POST_SET_OVERRIDE_CURRENT")[-1]
    assert sent["overridestartdays"] == ["SA", "SU"]
    assert sent["overridevalue"] == 10.0

    listed = await hass.services.async_call(
        DOMAIN,
        "list_current_overrides",
        {ATTR_DEVICE_ID: [devices[1]]},
        blocking=True,
        return_response=True,
    )
    assert listed == {"schedules": [schedule]}

    await hass.services.async_call(
        DOMAIN, "clear_current_override", {"schedule_id": schedule["schedule_id"]}, blocking=True
    )
    assert bc_cloud.account(API_TOKEN).schedules == {}
    listed = await hass.services.async_call(
        DOMAIN, "list_current_overrides", {}, blocking=True, return_response=True
    )
    assert listed == {"schedules": []}
    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(
            DOMAIN, "clear_current_override", {"schedule_id": "404"}, blocking=True
        )
    assert raised.value.translation_key == "unknown_schedule"


async def test_set_current_override_for_a_duration(
    hass: HomeAssistant,
    bc_cloud: BlueCurrentCloud,
    freezer: FrozenDateTimeFactory,
    setup_account: MockConfigEntry,
) -> None:
    """For two hours from now, in the cloud's time zone; the car's current is capped now."""
    freezer.move_to(datetime(2026, 6, 10, 21, 30, tzinfo=UTC))  # 23:30 Wednesday in Amsterdam
    charge_point = bc_cloud.charge_point(EVSE_ID)
    charge_point.start_charging()
    await hass.services.async_call(
        DOMAIN,
        "set_current_override",
        {ATTR_DEVICE_ID: _device_id(hass, setup_account), "current": 7, "duration": "02:00:00"},
        blocking=True,
    )
    sent = received(bc_cloud, "POST_SET_OVERRIDE_CURRENT")[-1]
    assert (sent["overridestarttime"], sent["overridestartdays"]) == ("23:30", ["WE"])
    assert (sent["overridestoptime"], sent["overridestopdays"]) == ("01:30", ["TH"])
    assert charge_point.currents[0] == 7.0

    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(
            DOMAIN,
            "set_current_override",
            {
                ATTR_DEVICE_ID: _device_id(hass, setup_account),
                "current": 7,
                "duration": "01:00:00",
                "start_time": "08:00",
            },
            blocking=True,
        )
    assert raised.value.translation_key == "override_needs_times_or_duration"


async def test_smart_actions_refuse_a_grid(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """A grid is a device of the integration, but not a charge point."""
    await wait_for(
        hass,
        lambda: (
            dr.async_get(hass).async_get_device_by_identifier(
                (DOMAIN, GRID_ID), setup_account.entry_id
            )
            is not None
        ),
        "the grid",
    )
    with pytest.raises(ServiceValidationError) as raised:
        await hass.services.async_call(
            DOMAIN,
            "set_delayed_charging_schedule",
            {
                ATTR_DEVICE_ID: _device_id(hass, setup_account, GRID_ID),
                "days": ["mon"],
                "start_time": "23:00",
                "end_time": "07:00",
            },
            blocking=True,
        )
    assert raised.value.translation_key == "invalid_device_id"
    assert received(bc_cloud, "SAVE_SCHEDULE_DELAYED_CHARGING") == []
