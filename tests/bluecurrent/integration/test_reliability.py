"""What no frame, fault or bug of ours may do: end the connection unseen, leave entities stale,
remove charge points on an unreadable list, or put the account's e-mail in the log."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
import logging
import time

from aiohttp import ClientSession
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNAVAILABLE
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.blue_current.api.bluecurrent import ChargePointsEvent, Event
from custom_components.blue_current.api.bluecurrent.parse import FrameParser
from custom_components.blue_current.bluecurrent.entity import Reads
from custom_components.blue_current.bluecurrent.sensor import ChargePointSensor
from custom_components.blue_current.bluecurrent.state import (
    AccountData,
    Change,
    ChargePointData,
)
from custom_components.blue_current.const import DOMAIN
from simulator.bluecurrent import BlueCurrentCloud
from simulator.bluecurrent.frames import charge_point_entry
from simulator.server import Simulator
from tests.waiting import wait_for

from .conftest import API_TOKEN, EMAIL, EVSE_IDS

ACTIVITY = "sensor.driveway_activity"
ENERGY = "sensor.driveway_energy_usage"
GARAGE_ACTIVITY = "sensor.garage_activity"


def advance(hass: HomeAssistant, seconds: float) -> None:
    """Let `seconds` pass for the integration's timers (backoff, timeouts)."""
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))


async def advance_until(
    hass: HomeAssistant, condition: Callable[[], bool], what: str, seconds: float = 20
) -> None:
    """Let `seconds` pass for the timers, over and over, until `condition` holds (5 s real)."""
    for _ in range(100):
        advance(hass, seconds)
        await hass.async_block_till_done()
        if condition():
            return
        await hass.async_add_executor_job(time.sleep, 0.05)
    pytest.fail(f"timed out waiting for {what}")


async def reconnect(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Move time on through growing backoffs until the connection is back with its entities.

    Between two moves the new connection gets a (real) second to come up, so the client's own
    timers (the wait for the charge-point list) never fire on a connection being made.
    """
    coordinator = entry.runtime_data
    for seconds in (5, 10, 20, 40, 80, 160, 320):
        advance(hass, seconds)
        for _ in range(100):
            await hass.async_block_till_done()
            if coordinator.connected:
                break
            await hass.async_add_executor_job(time.sleep, 0.01)
        if coordinator.connected:
            break
    await wait_for(hass, lambda: coordinator.connected, "the connection to come back")
    await wait_for(hass, lambda: hass.states.get(ACTIVITY).state != STATE_UNAVAILABLE)


def sensors_of(hass: HomeAssistant, evse_id: str) -> list[str]:
    registry = er.async_get(hass)
    return [
        entity.entity_id
        for entity in registry.entities.values()
        if entity.unique_id.endswith(f"_{evse_id}") and entity.domain == "sensor"
    ]


# Defect 5: an unreadable list is not "these charge points are gone".


def test_state_keeps_charge_points_missing_from_an_incomplete_list() -> None:
    parser = FrameParser()
    first, second = (parser.charge_point({"evse_id": e, "name": e}) for e in ("A", "B"))
    assert first is not None
    assert second is not None
    data = AccountData()
    data.apply(ChargePointsEvent((first, second)))
    change = data.apply(ChargePointsEvent((replace(first, name="renamed"),), unreadable=1))
    assert not change.removed
    assert set(data.charge_points) == {"A", "B"}
    assert data.charge_points["A"].info.name == "renamed"
    change = data.apply(ChargePointsEvent((first,)))
    assert change.removed == {"B"}
    assert isinstance(data.charge_points["A"], ChargePointData)


async def test_an_unreadable_list_removes_no_charge_point(
    hass: HomeAssistant, setup_account: MockConfigEntry, bc_cloud: BlueCurrentCloud
) -> None:
    coordinator = setup_account.runtime_data
    devices = dr.async_get(hass)
    before = sensors_of(hass, EVSE_IDS[0])
    assert before
    # Every entry unreadable, then one readable and one without evse_id.
    await bc_cloud.push_raw({"object": "CHARGE_POINTS", "data": [{"name": "x"}, 7, None]})
    readable = charge_point_entry(bc_cloud.charge_point(EVSE_IDS[0]))
    await bc_cloud.push_raw(
        {"object": "CHARGE_POINTS", "data": [readable, {"evse_id": None, "name": "Garage"}]}
    )
    # A marker: frames arrive in order, so once this status shows, both lists were handled.
    garage = bc_cloud.charge_point(EVSE_IDS[1])
    garage.plug_in()
    garage.start_charging()
    await bc_cloud.push_status(EVSE_IDS[1])
    await wait_for(hass, lambda: hass.states.get(GARAGE_ACTIVITY).state == "charging")
    await hass.async_block_till_done()
    assert set(coordinator.data.charge_points) == set(EVSE_IDS)
    for evse_id in EVSE_IDS:
        assert devices.async_get_device_by_identifier((DOMAIN, evse_id), setup_account.entry_id)
    assert sensors_of(hass, EVSE_IDS[0]) == before
    assert hass.states.get(GARAGE_ACTIVITY).state != STATE_UNAVAILABLE
    assert coordinator.connected


async def test_a_removed_charge_point_comes_back_with_its_entities(
    hass: HomeAssistant,
    setup_account: MockConfigEntry,
    bc_cloud: BlueCurrentCloud,
    freezer: FrozenDateTimeFactory,
) -> None:
    coordinator = setup_account.runtime_data
    account = bc_cloud.account(API_TOKEN)
    garage = account.charge_points.pop(EVSE_IDS[1])
    await coordinator.client.request_charge_points()
    await wait_for(hass, lambda: EVSE_IDS[1] not in coordinator.data.charge_points)
    await hass.async_block_till_done()
    assert hass.states.get(GARAGE_ACTIVITY) is None
    assert not sensors_of(hass, EVSE_IDS[1])
    # Back on the account: the next list brings its device and entities back, no reload.
    account.charge_points[EVSE_IDS[1]] = garage
    await coordinator.client.request_charge_points()
    await wait_for(hass, lambda: hass.states.get(GARAGE_ACTIVITY) is not None, "the entities")
    await wait_for(hass, lambda: hass.states.get(GARAGE_ACTIVITY).state == "available")
    assert dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, EVSE_IDS[1]), setup_account.entry_id
    )
    assert len(sensors_of(hass, EVSE_IDS[1])) == len(sensors_of(hass, EVSE_IDS[0]))


# Defect 6: the log names the account without personal data.


async def test_the_log_never_names_the_account_by_its_email(
    hass: HomeAssistant,
    setup_account: MockConfigEntry,
    bc_cloud: BlueCurrentCloud,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    assert setup_account.title == EMAIL
    coordinator = setup_account.runtime_data
    await bc_cloud.close_connections(1011)
    await wait_for(hass, lambda: not coordinator.connected)
    await reconnect(hass, setup_account)
    lines = [r.getMessage() for r in caplog.records]
    lost = [
        line for line in lines if line.startswith("Connection to Blue Current") and "lost" in line
    ]
    back = [
        line
        for line in lines
        if line.startswith("Connection to Blue Current") and "is back" in line
    ]
    assert len(lost) == 1
    assert len(back) == 1
    label = f"account {setup_account.entry_id[-6:]}"
    assert label in lost[0]
    assert label in back[0]
    assert not [line for line in lines if EMAIL in line or "owner@" in line]


# Defect 1: nothing ends the connection unseen.


async def test_an_unexpected_error_ends_the_connection_visibly_and_reconnects(
    hass: HomeAssistant,
    setup_account: MockConfigEntry,
    bc_cloud: BlueCurrentCloud,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.INFO, logger="custom_components.blue_current")
    coordinator = setup_account.runtime_data
    original_on_open = coordinator._on_open
    failures = [RuntimeError("a fault of ours")]

    async def on_open() -> None:
        if failures:
            raise failures.pop()
        await original_on_open()

    monkeypatch.setattr(coordinator, "_on_open", on_open)
    await bc_cloud.close_connections(1000)
    await wait_for(hass, lambda: not coordinator.connected)
    # The reconnect meets the fault: it is logged and another attempt follows.
    await reconnect(hass, setup_account)
    assert "Unexpected error on the connection" in caplog.text
    assert hass.states.get(ACTIVITY).state == "available"


async def test_an_update_that_cannot_be_taken_reconnects(
    hass: HomeAssistant,
    setup_account: MockConfigEntry,
    bc_cloud: BlueCurrentCloud,
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.INFO, logger="custom_components.blue_current")
    original_apply = AccountData.apply
    failures = [ZeroDivisionError()]

    def apply(data: AccountData, event: Event) -> Change:
        if failures:
            raise failures.pop()
        return original_apply(data, event)

    monkeypatch.setattr(AccountData, "apply", apply)
    charge_point = bc_cloud.charge_point(EVSE_IDS[0])
    charge_point.plug_in()
    await bc_cloud.push_status(EVSE_IDS[0])
    # The state may be off: the entities go unavailable and a new connection starts over.
    await wait_for(hass, lambda: hass.states.get(ACTIVITY).state == STATE_UNAVAILABLE)
    assert "Could not take an update" in caplog.text
    await reconnect(hass, setup_account)
    await wait_for(hass, lambda: hass.states.get(ACTIVITY).state == charge_point.activity)


# Defect 4: a HELLO that is never served times out and the connection is made again.


async def test_a_stuck_hello_times_out_and_reconnects(
    hass: HomeAssistant, setup_account: MockConfigEntry, bc_cloud: BlueCurrentCloud
) -> None:
    coordinator = setup_account.runtime_data
    bc_cloud.stall()
    await bc_cloud.close_connections(1011)
    await wait_for(hass, lambda: not coordinator.connected)
    advance(hass, 5)  # the backoff: the handshake succeeds, HELLO is never answered
    await wait_for(hass, lambda: bc_cloud.open_connections == 1, "the new connection")
    opened = bc_cloud._connection_count
    bc_cloud.stall(False)
    # Still nothing: the cloud is quiet on this socket until the client gives up on it.
    await hass.async_block_till_done()
    assert not coordinator.connected
    advance(hass, 31)  # the client's wait for the charge-point list
    await wait_for(hass, lambda: bc_cloud.open_connections == 0, "the stuck socket to close")
    await reconnect(hass, setup_account)
    assert bc_cloud._connection_count > opened


async def test_already_connected_with_the_socket_left_open_recovers(
    hass: HomeAssistant,
    setup_account: MockConfigEntry,
    bc_cloud: BlueCurrentCloud,
    bc_simulator: Simulator,
) -> None:
    coordinator = setup_account.runtime_data
    account = bc_cloud.account(API_TOKEN)
    bc_cloud.leave_second_connection_open = True
    await bc_cloud.close_connections(1011)
    await wait_for(hass, lambda: not coordinator.connected)
    async with (
        ClientSession() as session,
        session.ws_connect(bc_simulator.bluecurrent_url) as ghost,
    ):
        # Another connection holds the account while ours comes back.
        await ghost.send_json(
            {"command": "HELLO", "Authorization": f"Token {account.session_token}"}
        )
        await wait_for(hass, lambda: bc_cloud.main_connections == 1, "the ghost's HELLO")

        def hellos() -> int:
            return sum(1 for frame in bc_cloud.received if frame.command == "HELLO")

        # Each attempt is told "Already connected" and the next follows after the backoff.
        for _ in range(3):
            said = hellos()
            # Past the longest backoff of these first attempts (16 s with jitter), again and
            # again: the backoff's timer may be set only after the attempt's answer came in.
            await advance_until(hass, lambda said=said: hellos() > said, "another attempt")
        assert not coordinator.connected
    # The other connection is gone: the next attempt is served.
    await wait_for(hass, lambda: bc_cloud.main_connections == 0)
    await reconnect(hass, setup_account)


# Defect 2: a value Home Assistant refuses stops only that entity.


@pytest.mark.usefixtures("entity_registry_enabled_by_default")  # vehicle status is off
async def test_a_refused_value_leaves_the_other_entities_fresh(
    hass: HomeAssistant,
    setup_account: MockConfigEntry,
    bc_cloud: BlueCurrentCloud,
    caplog: pytest.LogCaptureFixture,
) -> None:
    coordinator = setup_account.runtime_data
    energy = next(
        entity
        for entity in hass.data["sensor"].entities
        if entity.entity_id == ENERGY and isinstance(entity, ChargePointSensor)
    )
    description = energy.entity_description
    # A numeric sensor that would show text: Home Assistant refuses to write that state.
    energy.entity_description = replace(
        description, reads=Reads(lambda _cp: "not a number", description.reads.status_fields)
    )
    vehicle = "sensor.driveway_vehicle_status"
    vehicle_before = hass.states.get(vehicle).state
    charge_point = bc_cloud.charge_point(EVSE_IDS[0])
    charge_point.plug_in()
    charge_point.start_charging()
    charge_point.actual_kwh = 4.2
    await bc_cloud.push_status(EVSE_IDS[0])
    # The same push changed energy, activity and vehicle status: the last two still show it.
    await wait_for(hass, lambda: hass.states.get(ACTIVITY).state == "charging")
    assert hass.states.get(vehicle).state != vehicle_before
    assert coordinator.connected
    assert f"{ENERGY} could not show its new state" in caplog.text
    # Logged once, not on every push.
    charge_point.actual_kwh = 5.0
    await bc_cloud.push_status(EVSE_IDS[0])
    await hass.async_block_till_done()
    assert caplog.text.count("could not show its new state") == 1
