"""The charging-current limit: an override schedule of ours, written coalesced, read back."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
import random
from typing import Any
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.number import (
    ATTR_MAX,
    ATTR_VALUE,
    DOMAIN as NUMBER_DOMAIN,
    SERVICE_SET_VALUE,
)
from homeassistant.const import ATTR_ENTITY_ID, STATE_UNAVAILABLE, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.blue_current.const import DOMAIN
from simulator.bluecurrent import BlueCurrentCloud, OverrideSchedule
from tests.waiting import wait_for

from .conftest import API_TOKEN, EVSE_IDS

EVSE_ID = EVSE_IDS[0]
OVERRIDE_COMMANDS = ("POST_SET_OVERRIDE_CURRENT", "POST_EDIT_OVERRIDE_CURRENT")
WRITES = (*OVERRIDE_COMMANDS, "POST_CLEAR_OVERRIDE_CURRENT")
ALL_DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


@pytest.fixture
def only_numbers() -> Iterator[None]:
    """Load the number platform alone."""
    with patch("custom_components.blue_current.ACCOUNT_PLATFORMS", [Platform.NUMBER]):
        yield


def _entity_id(hass: HomeAssistant, evse_id: str = EVSE_ID) -> str:
    entity_id = er.async_get(hass).async_get_entity_id(
        Platform.NUMBER, DOMAIN, f"charging_current_limit_{evse_id}"
    )
    assert entity_id is not None
    return entity_id


def _state(hass: HomeAssistant, evse_id: str = EVSE_ID) -> str:
    state = hass.states.get(_entity_id(hass, evse_id))
    assert state is not None
    return state.state


async def _set(hass: HomeAssistant, value: float, evse_id: str = EVSE_ID) -> None:
    await hass.services.async_call(
        NUMBER_DOMAIN,
        SERVICE_SET_VALUE,
        {ATTR_ENTITY_ID: _entity_id(hass, evse_id), ATTR_VALUE: value},
        blocking=True,
    )


def _writes(cloud: BlueCurrentCloud) -> list[dict[str, object]]:
    return [f.message for f in cloud.received if f.command in WRITES and f.message is not None]


async def _advance(hass: HomeAssistant, freezer: FrozenDateTimeFactory, seconds: float) -> None:
    freezer.tick(timedelta(seconds=seconds))
    async_fire_time_changed(hass)
    await hass.async_block_till_done()


async def _written(hass: HomeAssistant, cloud: BlueCurrentCloud, count: int) -> None:
    await wait_for(hass, lambda: len(_writes(cloud)) >= count, f"{count} writes")
    await hass.async_block_till_done()


@pytest.mark.usefixtures("only_numbers", "entity_registry_enabled_by_default")
async def test_snapshot(
    hass: HomeAssistant, snapshot: SnapshotAssertion, setup_account: MockConfigEntry
) -> None:
    """No schedule of ours: the limit is the max usage."""
    await snapshot_platform(hass, er.async_get(hass), snapshot, setup_account.entry_id)


async def test_a_value_is_written_once_the_window_closes(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    bc_cloud: BlueCurrentCloud,
    setup_account: MockConfigEntry,
) -> None:
    """A float is rounded down; one whole-week schedule of ours; the car's current follows."""
    charge_point = bc_cloud.charge_point(EVSE_ID)
    charge_point.start_charging()
    assert _state(hass) == "16.0"
    await _set(hass, 10.7)
    await _advance(hass, freezer, 2.5)
    assert _writes(bc_cloud) == []
    assert _state(hass) == "16.0"  # what the cloud lists, not what was asked

    await _advance(hass, freezer, 1)
    await _written(hass, bc_cloud, 1)
    sent = _writes(bc_cloud)[0]
    assert sent["command"] == "POST_SET_OVERRIDE_CURRENT"
    assert sent["chargepoints"] == [EVSE_ID]
    assert sent["overridevalue"] == 10.0
    assert sent["overridestartdays"] == ALL_DAYS
    assert sent["overridestopdays"] == ALL_DAYS
    assert (sent["overridestarttime"], sent["overridestoptime"]) == ("00:00", "00:00")
    await wait_for(hass, lambda: _state(hass) == "10.0", "the listed limit")
    assert charge_point.currents[0] == 10.0
    # The other charge point is not touched.
    assert _state(hass, EVSE_IDS[1]) == "16.0"


async def test_writes_are_coalesced_and_spaced(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    bc_cloud: BlueCurrentCloud,
    setup_account: MockConfigEntry,
) -> None:
    """Last value wins in the window; an unchanged value sends nothing; 10 s between writes."""
    for value in (7.5, 12.2, 9.9):
        await _set(hass, value)
        await _advance(hass, freezer, 1)
    await _advance(hass, freezer, 0.5)
    await _written(hass, bc_cloud, 1)
    assert [w["overridevalue"] for w in _writes(bc_cloud)] == [9.0]

    # The same value again: nothing to send.
    await _set(hass, 9.4)
    await _advance(hass, freezer, 4)
    assert len(_writes(bc_cloud)) == 1

    # A new value right after a write waits until 10 s after it.
    await _set(hass, 11)
    await _advance(hass, freezer, 4)
    assert len(_writes(bc_cloud)) == 1
    await _advance(hass, freezer, 4)
    await _written(hass, bc_cloud, 2)
    second = _writes(bc_cloud)[1]
    # Our schedule is edited, not a second one made.
    assert second["command"] == "POST_EDIT_OVERRIDE_CURRENT"
    assert second["overridevalue"] == 11.0
    assert len(bc_cloud.account(API_TOKEN).schedules) == 1


async def test_max_usage_clears_our_schedule(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    bc_cloud: BlueCurrentCloud,
    setup_account: MockConfigEntry,
) -> None:
    """At the charge point's max usage no cap is needed: our schedule goes."""
    await _set(hass, 8)
    await _advance(hass, freezer, 3.5)
    await _written(hass, bc_cloud, 1)
    await _advance(hass, freezer, 10)
    await _set(hass, 16)
    await _advance(hass, freezer, 3.5)
    await _written(hass, bc_cloud, 2)
    assert _writes(bc_cloud)[1]["command"] == "POST_CLEAR_OVERRIDE_CURRENT"
    assert bc_cloud.account(API_TOKEN).schedules == {}
    await wait_for(hass, lambda: _state(hass) == "16.0", "no cap")
    state = hass.states.get(_entity_id(hass))
    assert state is not None
    assert state.attributes[ATTR_MAX] == 16


async def test_ours_is_found_after_a_restart_and_others_are_left_alone(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    bc_cloud: BlueCurrentCloud,
    setup_account: MockConfigEntry,
) -> None:
    """After a restart our schedule is edited again; a schedule made in the app never is."""
    account = bc_cloud.account(API_TOKEN)
    account.schedules[99] = OverrideSchedule(
        schedule_id=99,
        charge_points=[EVSE_ID],
        start_time="08:00",
        stop_time="09:00",
        start_days=["MO"],
        stop_days=["MO"],
        current=7,
    )
    await _set(hass, 12)
    await _advance(hass, freezer, 3.5)
    await _written(hass, bc_cloud, 1)
    ours = next(s for s in account.schedules.values() if s.schedule_id != 99)

    assert await hass.config_entries.async_reload(setup_account.entry_id)
    await hass.async_block_till_done()
    coordinator = setup_account.runtime_data
    await wait_for(hass, lambda: coordinator.data.overrides is not None, "the list")
    assert _state(hass) == "12.0"
    await _advance(hass, freezer, 10)
    await _set(hass, 9)
    await _advance(hass, freezer, 3.5)
    await _written(hass, bc_cloud, 2)
    edit = _writes(bc_cloud)[1]
    assert edit["command"] == "POST_EDIT_OVERRIDE_CURRENT"
    assert edit["schedule_id"] == str(ours.schedule_id)
    await _advance(hass, freezer, 10)
    await _set(hass, 16)
    await _advance(hass, freezer, 3.5)
    await _written(hass, bc_cloud, 3)
    assert _writes(bc_cloud)[2]["schedule_id"] == ours.schedule_id
    assert list(account.schedules) == [99]  # the app's schedule is still there, unchanged
    assert account.schedules[99].current == 7


async def test_a_schedule_removed_elsewhere_is_made_again(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    bc_cloud: BlueCurrentCloud,
    setup_account: MockConfigEntry,
) -> None:
    """Ours deleted in the app (not listed again yet): the edit is refused, a new one made."""
    await _set(hass, 10)
    await _advance(hass, freezer, 3.5)
    await _written(hass, bc_cloud, 1)
    bc_cloud.account(API_TOKEN).schedules.clear()
    await _advance(hass, freezer, 10)
    await _set(hass, 8)
    await _advance(hass, freezer, 3.5)
    await _written(hass, bc_cloud, 3)
    assert [w["command"] for w in _writes(bc_cloud)] == [
        "POST_SET_OVERRIDE_CURRENT",
        "POST_EDIT_OVERRIDE_CURRENT",
        "POST_SET_OVERRIDE_CURRENT",
    ]
    await wait_for(hass, lambda: _state(hass) == "8.0", "the new schedule")
    assert [s.current for s in bc_cloud.account(API_TOKEN).schedules.values()] == [8.0]


async def test_an_evcc_like_control_loop(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    bc_cloud: BlueCurrentCloud,
    setup_account: MockConfigEntry,
) -> None:
    """Floats every 2 to 5 s for a minute: at most one write per 10 s reaches the cloud.

    Measured: 20 set_value calls in 60 s became 6 commands (the rate limit, not more).
    """
    rng = random.Random(7)
    limits = setup_account.runtime_data.limits
    elapsed = 0.0
    asked = 0
    sent_at: list[float] = []
    while elapsed < 60:
        await _set(hass, rng.uniform(6, 16))
        asked += 1
        step = rng.uniform(2, 5)
        await _advance(hass, freezer, step)
        elapsed += step
        # Let a write that went out finish (its answer travels in real time).
        await wait_for(hass, lambda: not limits.sending, "the answer")
        sent_at.extend([elapsed] * (len(_writes(bc_cloud)) - len(sent_at)))
    await _advance(hass, freezer, 15)
    await hass.async_block_till_done()
    await wait_for(hass, lambda: not limits.busy, "the last write")
    writes = _writes(bc_cloud)
    assert asked >= 12
    # One write per 10 s at most: six in the minute (the seventh after the loop ended).
    assert len([t for t in sent_at if t <= 60]) <= 6, sent_at
    assert len(writes) <= 7, writes
    last = writes[-1]
    await wait_for(
        hass,
        lambda: (
            last["command"] == "POST_CLEAR_OVERRIDE_CURRENT"
            or _state(hass) == f"{float(str(last['overridevalue']))}"
        ),
        "the last value listed",
    )


async def test_unavailable_while_disconnected(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """No connection, no limit shown."""
    await bc_cloud.close_connections()
    await wait_for(hass, lambda: _state(hass) == STATE_UNAVAILABLE, "unavailable")


# Price-based charging's settings.


def _price_entity(hass: HomeAssistant, key: str) -> str:
    entity_id = er.async_get(hass).async_get_entity_id(Platform.NUMBER, DOMAIN, f"{key}_{EVSE_ID}")
    assert entity_id is not None, key
    return entity_id


def _price_state(hass: HomeAssistant, key: str) -> str:
    state = hass.states.get(_price_entity(hass, key))
    assert state is not None
    return state.state


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_price_based_settings_while_the_profile_is_on(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """Unavailable while off; each number patches only its own field and reads back."""
    keys = ("battery_size", "minimum_charge", "current_battery_level")
    assert {_price_state(hass, key) for key in keys} == {STATE_UNAVAILABLE}
    charge_point = bc_cloud.charge_point(EVSE_ID)
    charge_point.price_based.enabled = True
    await bc_cloud.push_settings(EVSE_ID)
    await wait_for(hass, lambda: _price_state(hass, "battery_size") == "60.0", "the settings")
    assert float(_price_state(hass, "minimum_charge")) == 10
    assert float(_price_state(hass, "current_battery_level")) == 20

    for key, value, field in (
        ("battery_size", 77.4, "battery_size_kwh"),
        ("minimum_charge", 35, "minimum_pct"),
        ("current_battery_level", 42.6, "current_battery_pct"),
    ):
        await hass.services.async_call(
            NUMBER_DOMAIN,
            SERVICE_SET_VALUE,
            {ATTR_ENTITY_ID: _price_entity(hass, key), ATTR_VALUE: value},
            blocking=True,
        )
        sent = [
            f.message
            for f in bc_cloud.received
            if f.command == "PATCH_PRICE_BASED_CHARGING_SETTINGS" and f.message is not None
        ][-1]
        assert {k: v for k, v in sent.items() if k in PATCH_FIELDS} == {field: round(value)}
    price = charge_point.price_based
    assert (price.battery_size_kwh, price.minimum_pct, price.current_battery_pct) == (77, 35, 43)
    await wait_for(hass, lambda: float(_price_state(hass, "minimum_charge")) == 35, "read back")
    assert float(_price_state(hass, "battery_size")) == 77
    assert float(_price_state(hass, "current_battery_level")) == 43


PATCH_FIELDS = ("battery_size_kwh", "minimum_pct", "current_battery_pct", "expected_departure_time")


async def test_a_refused_write_is_told_to_the_event_entity(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    bc_cloud: BlueCurrentCloud,
    setup_account: MockConfigEntry,
) -> None:
    """The write goes out after the service call returned: a refusal fires command_rejected."""
    rejections: list[dict[str, object]] = []
    setup_account.runtime_data.happenings.listen(
        EVSE_ID, lambda happening: rejections.append(dict(happening.data))
    )
    account = bc_cloud.account(API_TOKEN)
    charge_point = account.charge_points.pop(EVSE_ID)  # the cloud no longer lets us
    try:
        await _set(hass, 9)
        await _advance(hass, freezer, 3.5)
        await wait_for(hass, lambda: rejections != [], "the refusal")
    finally:
        account.charge_points[EVSE_ID] = charge_point
    assert rejections == [{"command": "charging_current_limit", "reason": "Not authorized"}]
    assert _state(hass) == "16.0"
    assert account.schedules == {}


async def test_a_write_without_connection_goes_out_after_the_reconnect(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    bc_cloud: BlueCurrentCloud,
    setup_account: MockConfigEntry,
) -> None:
    """Asked just before the connection dropped: kept, and sent once it is back."""
    coordinator = setup_account.runtime_data
    await _set(hass, 7)
    await bc_cloud.close_connections()
    await wait_for(hass, lambda: not coordinator.connected, "the disconnect")
    await _advance(hass, freezer, 3.5)
    assert _writes(bc_cloud) == []
    assert coordinator.limits.busy
    # The reconnect (backoff) and the retry (10 s later).
    await _advance(hass, freezer, 5)
    await wait_for(hass, lambda: coordinator.connected, "the reconnect")
    await wait_for(hass, lambda: coordinator.data.overrides is not None, "the list")
    await _advance(hass, freezer, 10)
    await _written(hass, bc_cloud, 1)
    assert _writes(bc_cloud)[0]["overridevalue"] == 7.0
    await wait_for(hass, lambda: _state(hass) == "7.0", "the limit")


async def test_the_list_is_refreshed_hourly_and_not_per_reconnect(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    bc_cloud: BlueCurrentCloud,
    setup_account: MockConfigEntry,
) -> None:
    """A reconnect costs no list request; a change made in the app shows within the hour."""
    coordinator = setup_account.runtime_data

    def lists() -> int:
        return [f.command for f in bc_cloud.received].count("LIST_OVERRIDE_CURRENT")

    assert lists() == 1
    await _set(hass, 10)
    await _advance(hass, freezer, 3.5)
    await _written(hass, bc_cloud, 1)
    await wait_for(hass, lambda: _state(hass) == "10.0", "ours")

    await bc_cloud.close_connections()
    await wait_for(hass, lambda: not coordinator.connected, "the disconnect")
    await _advance(hass, freezer, 5)
    await wait_for(hass, lambda: coordinator.connected, "the reconnect")
    assert _state(hass) == "10.0"
    assert lists() == 1

    # Ours, changed to 8 A in the app.
    (ours,) = bc_cloud.account(API_TOKEN).schedules.values()
    ours.current = 8
    await _advance(hass, freezer, 3601)
    await wait_for(hass, lambda: _state(hass) == "8.0", "the app's change")
    assert lists() == 2


async def test_deleting_the_entry_forgets_which_schedule_was_ours(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    bc_cloud: BlueCurrentCloud,
    setup_account: MockConfigEntry,
) -> None:
    """The file that remembers our schedule goes with the entry; a reload keeps it."""
    key = f"{DOMAIN}.current_limits.{setup_account.entry_id}"
    await _set(hass, 12)
    await _advance(hass, freezer, 3.5)
    await _written(hass, bc_cloud, 1)
    await _advance(hass, freezer, 15)  # past the store's delayed save
    await hass.async_block_till_done()
    assert list(hass_storage[key]["data"]) == [EVSE_ID]

    assert await hass.config_entries.async_reload(setup_account.entry_id)
    await hass.async_block_till_done()
    assert key in hass_storage
    await hass.config_entries.async_remove(setup_account.entry_id)
    await hass.async_block_till_done()
    assert key not in hass_storage
