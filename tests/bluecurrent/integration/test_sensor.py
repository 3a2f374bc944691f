"""Sensors: the simulator's values, written only when they change, unavailable offline."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import (
    ATTR_UNIT_OF_MEASUREMENT,
    EVENT_STATE_CHANGED,
    EVENT_STATE_REPORTED,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    Platform,
)
from homeassistant.core import Event, HassJob, HassJobType, HomeAssistant, callback
from homeassistant.helpers import device_registry as dr, entity_registry as er
from homeassistant.util import dt as dt_util
from homeassistant.util.async_ import get_scheduled_timer_handles
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.blue_current.api.bluecurrent import OverrideCurrentPlan
from custom_components.blue_current.api.bluecurrent.parse import FrameParser
from custom_components.blue_current.bluecurrent.charging import CLOUD_TIMEZONE, WEEKDAY_CODES
from custom_components.blue_current.bluecurrent.energy import LifetimeEnergy
from custom_components.blue_current.bluecurrent.sensor import (
    CHARGE_POINT_SENSORS,
    CURRENT_LIMIT_SENSORS,
    GRID_SENSORS,
    LAST_SESSION_SENSORS,
    LIFETIME_ENERGY,
)
from custom_components.blue_current.const import DOMAIN
from simulator.bluecurrent import BlueCurrentCloud, ManualClock, Tariff, populate
from tests.waiting import wait_for

from .conftest import API_TOKEN, CUSTOMER_ID, EMAIL, EVSE_IDS

# The first hour of summer time in Amsterdam: the cloud's naive wall-clock times must
# still come out as the right instants.
START = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
GRID_ID = f"GRID-{EVSE_IDS[0]}"


@pytest.fixture
def clock() -> ManualClock:
    """The simulated cloud's time; it moves only when a test moves it."""
    return ManualClock(START)


@pytest.fixture
def bc_cloud(clock: ManualClock) -> BlueCurrentCloud:
    """The conftest account, on a clock that stands still (timestamps in snapshots)."""
    cloud = BlueCurrentCloud(clock=clock, seed=1)
    populate(cloud, api_token=API_TOKEN, customer_id=CUSTOMER_ID, email=EMAIL, seed=1)
    return cloud


@pytest.fixture
def only_sensors() -> Iterator[None]:
    """Load the sensor platform alone."""
    with patch("custom_components.blue_current.ACCOUNT_PLATFORMS", [Platform.SENSOR]):
        yield


def _entity_id(hass: HomeAssistant, unique_id: str) -> str:
    entity_id = er.async_get(hass).async_get_entity_id(Platform.SENSOR, DOMAIN, unique_id)
    assert entity_id is not None, f"no sensor with unique id {unique_id}"
    return entity_id


def _state(hass: HomeAssistant, key: str, evse_id: str = EVSE_IDS[0]) -> str:
    """The state of the sensor `key` of a charge point (or of a grid)."""
    state = hass.states.get(_entity_id(hass, f"{key}_{evse_id}"))
    assert state is not None
    return state.state


def _unit(hass: HomeAssistant, key: str, evse_id: str = EVSE_IDS[0]) -> str | None:
    state = hass.states.get(_entity_id(hass, f"{key}_{evse_id}"))
    assert state is not None
    return state.attributes.get(ATTR_UNIT_OF_MEASUREMENT)


async def _grid_known(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """The grid is asked after the statuses: wait until its sensors exist."""
    await wait_for(
        hass,
        lambda: (
            er.async_get(hass).async_get_entity_id(
                Platform.SENSOR, DOMAIN, f"grid_avg_current_{GRID_ID}"
            )
            is not None
        ),
        "the grid sensors",
    )


@pytest.mark.usefixtures("only_sensors", "entity_registry_enabled_by_default")
async def test_snapshot(
    hass: HomeAssistant,
    snapshot: SnapshotAssertion,
    bc_cloud: BlueCurrentCloud,
    clock: ManualClock,
    account_entry: MockConfigEntry,
) -> None:
    """One charge point charging, one offline after a finished session, and the grid."""
    charging = bc_cloud.charge_point(EVSE_IDS[0])
    charging.plug_in()
    charging.start_charging(bc_cloud.account(API_TOKEN).cards[0].uid)
    charging.currents = [16.0, 15.0, 16.0]
    charging.voltages = [229.5, 231.0, 230.2]
    charging.actual_kwh = 21.348
    charging.total_cost = 6.19
    finished = bc_cloud.charge_point(EVSE_IDS[1])
    finished.tariff = Tariff(
        price_in_vat=0.35, price_ex_vat=0.2893, start_price_in_vat=0.5, start_price_ex_vat=0.4132
    )
    clock.set(START - timedelta(hours=3))
    finished.start_charging()
    finished.actual_kwh = 7.5
    clock.set(START - timedelta(hours=1))
    finished.stop_charging()
    finished.unplug()
    clock.set(START + timedelta(minutes=30))
    finished.go_offline()

    account_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(account_entry.entry_id)
    await _grid_known(hass, account_entry)

    await snapshot_platform(hass, er.async_get(hass), snapshot, account_entry.entry_id)


@pytest.mark.usefixtures("only_sensors", "entity_registry_enabled_by_default")
async def test_unique_ids_as_in_core(hass: HomeAssistant, setup_account: MockConfigEntry) -> None:
    """Unique ids "{key}_{evse_id}" as in core; "{key}_{grid_id}" for the grid (core: bare key)."""
    await _grid_known(hass, setup_account)
    registry = er.async_get(hass)
    unique_ids = {
        e.unique_id for e in er.async_entries_for_config_entry(registry, setup_account.entry_id)
    }
    keys = [d.key for d in (*CHARGE_POINT_SENSORS, *CURRENT_LIMIT_SENSORS, *LAST_SESSION_SENSORS)]
    keys.append(LIFETIME_ENERGY.key)
    expected = {f"{key}_{evse_id}" for key in keys for evse_id in EVSE_IDS}
    expected |= {f"{d.key}_{GRID_ID}" for d in GRID_SENSORS}
    assert unique_ids == expected
    assert "power_BCU100001" in unique_ids  # the shape itself, not only the derivation
    assert "grid_avg_current_GRID-BCU100001" in unique_ids


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_values_follow_a_charge_session(
    hass: HomeAssistant,
    bc_cloud: BlueCurrentCloud,
    clock: ManualClock,
    setup_account: MockConfigEntry,
) -> None:
    """Plug in, charge, stop: every sensor shows what the simulated cloud says."""
    evse_id = EVSE_IDS[0]
    assert _state(hass, "activity") == "available"
    assert _state(hass, "vehicle_status") == "standby"
    assert _state(hass, "start_datetime") == STATE_UNKNOWN

    charge_point = bc_cloud.charge_point(evse_id)
    charge_point.plug_in()
    await bc_cloud.push_status(evse_id)
    await wait_for(hass, lambda: _state(hass, "vehicle_status") == "vehicle_detected", "plug")
    assert _state(hass, "activity") == "available"
    assert float(_state(hass, "power")) == 0

    charge_point.start_charging()
    charge_point.currents = [16.0, 15.0, 14.0]
    charge_point.voltages = [229.5, 231.0, 230.2]
    charge_point.actual_kwh = 3.456
    charge_point.total_cost = 1.0
    await bc_cloud.push_status(evse_id)
    await wait_for(hass, lambda: _state(hass, "activity") == "charging", "charging")

    assert _state(hass, "vehicle_status") == "ready"
    for phase in range(3):
        assert float(_state(hass, f"actual_v{phase + 1}")) == charge_point.voltages[phase]
        assert float(_state(hass, f"actual_p{phase + 1}")) == charge_point.currents[phase]
    watts = sum(v * a for v, a in zip(charge_point.voltages, charge_point.currents, strict=True))
    assert float(_state(hass, "power")) == pytest.approx(watts)
    assert float(_state(hass, "power")) == pytest.approx(10359.8)
    assert float(_state(hass, "avg_voltage")) == 230.2
    assert float(_state(hass, "avg_current")) == 15.0
    assert float(_state(hass, "total_kw")) == pytest.approx(15.0 * 230.2 * 1.732 / 1000, abs=0.01)
    assert float(_state(hass, "current_left")) == charge_point.max_usage - 15.0
    assert float(_state(hass, "actual_kwh")) == 3.456
    assert float(_state(hass, "total_cost")) == 1.0
    assert _state(hass, "start_datetime") == "2026-03-29T01:30:00+00:00"
    assert _state(hass, "stop_datetime") == STATE_UNKNOWN
    assert float(_state(hass, "max_usage")) == charge_point.max_usage
    assert float(_state(hass, "smartcharging_max_usage")) == charge_point.smartcharging_max_usage
    assert float(_state(hass, "max_offline")) == charge_point.max_offline

    clock.advance(5400)
    charge_point.stop_charging()
    await bc_cloud.push_status(evse_id)
    await wait_for(hass, lambda: _state(hass, "activity") == "available", "stopped")
    assert _state(hass, "vehicle_status") == "vehicle_detected"
    assert _state(hass, "stop_datetime") == "2026-03-29T03:00:00+00:00"
    assert _state(hass, "start_datetime") == "2026-03-29T01:30:00+00:00"
    assert float(_state(hass, "power")) == 0
    assert float(_state(hass, "actual_kwh")) == 3.456  # the session's total stays

    charge_point.go_offline()
    await bc_cloud.push_status(evse_id)
    await wait_for(hass, lambda: _state(hass, "activity") == "offline", "offline")
    assert _state(hass, "offline_since") == "2026-03-29T03:00:00+00:00"
    # The other charge point was never touched.
    assert _state(hass, "activity", EVSE_IDS[1]) == "available"


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_vehicle_error_and_block(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """The enum sensors follow fault states and a blocked charge point."""
    evse_id = EVSE_IDS[1]
    charge_point = bc_cloud.charge_point(evse_id)
    charge_point.plug_in()
    charge_point.set_vehicle_status("F")
    await bc_cloud.push_status(evse_id)
    await wait_for(hass, lambda: _state(hass, "activity", evse_id) == "error", "error")
    assert _state(hass, "vehicle_status", evse_id) == "vehicle_error"

    charge_point.set_vehicle_status("E")
    charge_point.block()
    await bc_cloud.push_status(evse_id)
    # The cloud says "unavailable"; Home Assistant reserves that word for an entity it cannot
    # reach, so a block is the option "blocked": a state in the history, not a gap.
    await wait_for(hass, lambda: _state(hass, "activity", evse_id) == "blocked", "block")
    assert _state(hass, "vehicle_status", evse_id) == "no_power"
    activity = hass.states.get(_entity_id(hass, f"activity_{evse_id}"))
    assert activity is not None
    assert "blocked" in activity.attributes["options"]
    assert STATE_UNAVAILABLE not in activity.attributes["options"]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_session_cost_is_a_total_with_cents(
    hass: HomeAssistant, setup_account: MockConfigEntry
) -> None:
    """The Energy dashboard takes a cost entity with state class total; cents, in euro."""
    state = hass.states.get(_entity_id(hass, f"total_cost_{EVSE_IDS[0]}"))
    assert state is not None
    assert state.attributes["state_class"] == "total"
    assert state.attributes[ATTR_UNIT_OF_MEASUREMENT] == "€"
    entry = er.async_get(hass).async_get(state.entity_id)
    assert entry is not None
    assert entry.options["sensor"]["suggested_display_precision"] == 2


async def test_session_cost_restarts_with_each_session(
    hass: HomeAssistant,
    bc_cloud: BlueCurrentCloud,
    clock: ManualClock,
    setup_account: MockConfigEntry,
) -> None:
    """Each session's cost starts again from 0: last_reset is the session's start, so the
    long-term statistics count a new session as a new cycle, not as a refund."""
    evse_id = EVSE_IDS[0]
    entity_id = _entity_id(hass, f"total_cost_{evse_id}")

    def shown() -> tuple[str, datetime | None]:
        state = hass.states.get(entity_id)
        assert state is not None
        last_reset = state.attributes.get("last_reset")
        return state.state, None if last_reset is None else dt_util.parse_datetime(last_reset)

    charge_point = bc_cloud.charge_point(evse_id)
    charge_point.plug_in()
    charge_point.start_charging()
    charge_point.total_cost = 4.2
    await bc_cloud.push_status(evse_id)
    await wait_for(hass, lambda: shown()[0] == "4.2", "the first session's cost")
    assert shown() == ("4.2", START)

    clock.advance(3600)
    charge_point.stop_charging()
    charge_point.start_charging()
    charge_point.total_cost = 0.3
    await bc_cloud.push_status(evse_id)
    await wait_for(hass, lambda: shown()[0] == "0.3", "the second session's cost")
    assert shown() == ("0.3", START + timedelta(hours=1))


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_tariff_prices_carry_the_tariff_currency(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, account_entry: MockConfigEntry
) -> None:
    """Prices per kWh are "<currency>/kWh", start prices "<currency>"; values as sent."""
    bc_cloud.charge_point(EVSE_IDS[1]).tariff = Tariff(
        currency="CHF",
        price_in_vat=0.41,
        price_ex_vat=0.38,
        start_price_in_vat=1.5,
        start_price_ex_vat=1.39,
    )
    account_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(account_entry.entry_id)
    await hass.async_block_till_done()

    # Diagnostic sensors, disabled by default (enabled here).
    assert _unit(hass, "price_in_vat") == "EUR/kWh"
    assert _unit(hass, "price_ex_vat") == "EUR/kWh"
    assert _unit(hass, "start_price_in_vat") == "EUR"
    assert _unit(hass, "start_price_ex_vat") == "EUR"
    assert float(_state(hass, "price_in_vat")) == 0.29
    assert float(_state(hass, "price_ex_vat")) == 0.2397
    assert float(_state(hass, "start_price_in_vat")) == 0

    other = EVSE_IDS[1]
    assert _unit(hass, "price_in_vat", other) == "CHF/kWh"
    assert _unit(hass, "start_price_ex_vat", other) == "CHF"
    assert float(_state(hass, "price_in_vat", other)) == 0.41
    assert float(_state(hass, "price_ex_vat", other)) == 0.38
    assert float(_state(hass, "start_price_in_vat", other)) == 1.5
    assert float(_state(hass, "start_price_ex_vat", other)) == 1.39


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_grid(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """The grid is a device of its own; GRID_CURRENT pushes move its phase currents."""
    await _grid_known(hass, setup_account)
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, GRID_ID), setup_account.entry_id
    )
    assert device is not None
    assert device.model == "Grid"
    assert device.config_entry_id == setup_account.entry_id
    grid_entities = er.async_entries_for_device(er.async_get(hass), device.id)
    assert {e.unique_id for e in grid_entities} == {f"{d.key}_{GRID_ID}" for d in GRID_SENSORS}

    grid = bc_cloud.grid(GRID_ID)
    assert grid.currents == [2, 1, 3]
    assert [float(_state(hass, f"grid_actual_p{n}", GRID_ID)) for n in (1, 2, 3)] == [2, 1, 3]
    assert float(_state(hass, "grid_avg_current", GRID_ID)) == 2.0
    assert float(_state(hass, "grid_max_current", GRID_ID)) == 3
    assert float(_state(hass, "grid_max_install", GRID_ID)) == grid.max_install
    assert float(_state(hass, "grid_max_reserved", GRID_ID)) == grid.max_reserved

    # A car starts charging behind the meter, and the house uses more.
    bc_cloud.charge_point(EVSE_IDS[0]).start_charging()
    grid.household = [4.0, 0.0, 6.0]
    await bc_cloud.push_grid_current(GRID_ID)
    await wait_for(
        hass, lambda: _state(hass, "grid_actual_p1", GRID_ID) == "20.0", "the grid current"
    )
    assert grid.currents == [20, 16, 22]
    assert [float(_state(hass, f"grid_actual_p{n}", GRID_ID)) for n in (1, 2, 3)] == [20, 16, 22]
    assert float(_state(hass, "grid_avg_current", GRID_ID)) == 19.3
    assert float(_state(hass, "grid_max_current", GRID_ID)) == 22
    assert float(_state(hass, "grid_max_install", GRID_ID)) == grid.max_install


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_a_push_writes_only_what_changed(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """One changed field: its entity (and what derives from it) writes; nothing else does.

    Every platform is loaded: switches, buttons and the select of the charge point must
    stay quiet too. Writes of an unchanged state (state_reported) count as writes.
    """
    registry = er.async_get(hass)
    ours = {
        e.entity_id for e in er.async_entries_for_config_entry(registry, setup_account.entry_id)
    }
    assert {entity_id.split(".")[0] for entity_id in ours} >= {
        "button",
        "select",
        "sensor",
        "switch",
    }
    writes: list[str] = []

    @callback
    def ours_only(event_data: dict[str, object]) -> bool:
        return event_data["entity_id"] in ours

    @callback
    def record(event: Event) -> None:
        writes.append(event.data["entity_id"])

    hass.bus.async_listen(EVENT_STATE_CHANGED, record, ours_only)
    hass.bus.async_listen(EVENT_STATE_REPORTED, record, ours_only)

    def sensor(key: str, evse_id: str = EVSE_IDS[0]) -> str:
        return _entity_id(hass, f"{key}_{evse_id}")

    first, second = (bc_cloud.charge_point(evse_id) for evse_id in EVSE_IDS)

    # Energy only.
    first.actual_kwh = 1.5
    await bc_cloud.push_status(EVSE_IDS[0])
    await wait_for(hass, lambda: _state(hass, "actual_kwh") == "1.5", "the energy")
    assert sorted(writes) == sorted([sensor("actual_kwh"), sensor("lifetime_energy")])

    # The limit, and the remaining current that derives from it.
    writes.clear()
    first.max_usage = 20
    await bc_cloud.push_status(EVSE_IDS[0])
    await wait_for(hass, lambda: _state(hass, "max_usage") == "20.0", "the limit")
    limit_number = registry.async_get_entity_id(
        "number", DOMAIN, f"charging_current_limit_{EVSE_IDS[0]}"
    )
    # The number's maximum is the max usage: Home Assistant stores the new capability in the
    # entity registry, and that update writes the state once more.
    shown = (sensor("max_usage"), sensor("current_left"), sensor("current_limit"))
    assert sorted(writes) == sorted([*shown, limit_number, limit_number])

    # One phase current: the phase, the averages and both powers follow.
    first.start_charging()
    await bc_cloud.push_status(EVSE_IDS[0])
    await wait_for(hass, lambda: _state(hass, "activity") == "charging", "the session")
    writes.clear()
    first.currents = [19.0, 20.0, 20.0]
    await bc_cloud.push_status(EVSE_IDS[0])
    await wait_for(hass, lambda: _state(hass, "actual_p1") == "19.0", "the current")
    assert sorted(writes) == sorted(
        sensor(key) for key in ("actual_p1", "avg_current", "power", "total_kw", "current_left")
    )

    # A push without any change writes nothing. The next push, of the other charge point,
    # comes over the same socket after it: once that one shows, the first was handled.
    writes.clear()
    await bc_cloud.push_status(EVSE_IDS[0])
    second.actual_kwh = 0.25
    await bc_cloud.push_status(EVSE_IDS[1])
    await wait_for(hass, lambda: _state(hass, "actual_kwh", EVSE_IDS[1]) == "0.25", "marker")
    assert sorted(writes) == sorted(
        [sensor("actual_kwh", EVSE_IDS[1]), sensor("lifetime_energy", EVSE_IDS[1])]
    )


def _our_timer_jobs(hass: HomeAssistant) -> list[HassJob[..., object]]:
    """The HassJobs of the integration's pending timers (async_call_later and friends)."""
    return [
        arg
        for handle in get_scheduled_timer_handles(hass.loop)
        for arg in handle._args or ()
        if isinstance(arg, HassJob)
        and getattr(arg.target, "__module__", "").startswith("custom_components.blue_current")
    ]


async def _disconnect(hass: HomeAssistant, cloud: BlueCurrentCloud, entry: MockConfigEntry) -> None:
    await cloud.close_connections()
    await wait_for(hass, lambda: not entry.runtime_data.connected, "the disconnect")


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_unavailable_while_disconnected(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """Every entity of the account is unavailable while the socket is down."""
    await _grid_known(hass, setup_account)
    entity_ids = [
        e.entity_id
        for e in er.async_entries_for_config_entry(er.async_get(hass), setup_account.entry_id)
    ]
    assert {entity_id.split(".")[0] for entity_id in entity_ids} >= {
        "button",
        "select",
        "sensor",
        "switch",
    }

    def states() -> set[str]:
        return {state.state for e in entity_ids if (state := hass.states.get(e)) is not None}

    # Unavailable by design while connected: a smart-charging profile's settings (the
    # profiles are off) and the boost (no session held back).
    by_design = {
        "boost",
        "delayed_charging_start",
        "delayed_charging_end",
        "departure_time",
        "battery_size",
        "minimum_charge",
        "current_battery_level",
    }
    registry = er.async_get(hass)
    unavailable = {
        entry.unique_id.rsplit("_", 1)[0]
        for e in entity_ids
        if (state := hass.states.get(e)) is not None
        and state.state == STATE_UNAVAILABLE
        and (entry := registry.async_get(e)) is not None
    }
    assert unavailable == by_design
    await _disconnect(hass, bc_cloud, setup_account)
    assert states() == {STATE_UNAVAILABLE}


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_available_again_after_reconnect(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """After the backoff the coordinator reconnects; what changed meanwhile shows."""
    await _grid_known(hass, setup_account)
    coordinator = setup_account.runtime_data
    await _disconnect(hass, bc_cloud, setup_account)
    assert _state(hass, "activity") == STATE_UNAVAILABLE

    # The reconnect waits on a timer. A timer job that is not a callback runs in a worker
    # thread, where waking an asyncio.Event raises under Home Assistant's debug loop and
    # leaves the connection task stuck for good (the test run would then hang at
    # teardown): refuse that before firing the timer.
    jobs = _our_timer_jobs(hass)
    assert jobs, "no reconnect timer pending"
    in_executor = [job for job in jobs if job.job_type is HassJobType.Executor]
    assert not in_executor, f"timer jobs would run in a worker thread: {in_executor}"

    bc_cloud.charge_point(EVSE_IDS[0]).plug_in()
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=10))
    await wait_for(hass, lambda: coordinator.connected, "the reconnect")
    await wait_for(
        hass, lambda: _state(hass, "vehicle_status") == "vehicle_detected", "a fresh status"
    )
    assert _state(hass, "activity") == "available"
    assert float(_state(hass, "grid_avg_current", GRID_ID)) == 2.0


def test_each_entity_declares_every_status_field_it_reads() -> None:
    """A push that changes a field an entity does not declare must not change what it shows.

    Otherwise the coordinator would skip waking it and it would show a stale value. Sensors
    and switches are checked: buttons and the card select show no status.
    """
    from datetime import UTC, datetime, timedelta
    from typing import Any

    from custom_components.blue_current.api.bluecurrent import (
        Activity,
        ChargePoint,
        ChargePointSettings,
        ChargePointStatus,
        VehicleStatus,
    )
    from custom_components.blue_current.bluecurrent.state import ChargePointData
    from custom_components.blue_current.bluecurrent.switch import SWITCHES

    moment = datetime(2026, 1, 1, tzinfo=UTC)
    base: dict[str, Any] = {
        "evse_id": "BCU1",
        "activity": Activity.CHARGING,
        "vehicle_status": VehicleStatus.READY,
        "session_started": moment,
        "session_stopped": moment,
        "offline_since": moment,
    }
    other: dict[str, Any] = {
        "activity": Activity.AVAILABLE,
        "vehicle_status": VehicleStatus.STANDBY,
        "session_started": moment + timedelta(hours=1),
        "session_stopped": moment + timedelta(hours=1),
        "offline_since": moment + timedelta(hours=1),
    }
    # Values some entities tell apart where `other` does not (blocked and available are
    # both "not charging" to some, but not to the block switch).
    more: dict[str, tuple[Any, ...]] = {"activity": (Activity.UNAVAILABLE, Activity.OFFLINE)}
    numbers = [f for f in ChargePointStatus.__dataclass_fields__ if f not in base]
    for number, name in enumerate(numbers):
        base[name] = 10.0 + number
    info = ChargePoint(
        evse_id="BCU1",
        name="",
        model_type=None,
        chargepoint_type=None,
        activity=None,
        settings=ChargePointSettings(smart_charging=True),
        tariff=None,
        default_card=None,
        latitude=None,
        longitude=None,
    )

    from custom_components.blue_current.bluecurrent.binary_sensor import BINARY_SENSORS
    from custom_components.blue_current.bluecurrent.switch import CHARGING, CHARGING_READS

    shown = [(d.key, d.reads) for d in CHARGE_POINT_SENSORS] + [(d.key, d.is_on) for d in SWITCHES]
    shown += [(f"binary_sensor.{d.key}", d.is_on) for d in BINARY_SENSORS]
    shown.append((f"switch.{CHARGING.key}", CHARGING_READS))
    # Entities that are not built from a description's Reads, checked the same way.
    from custom_components.blue_current.bluecurrent import button, charging, sensor
    from custom_components.blue_current.bluecurrent.entity import Reads

    shown += [
        ("button.boost", Reads(button.held_back, button._BOOST_FIELDS)),
        (
            "sensor.current_limit",
            Reads(lambda cp: charging.limit_in_force(cp, (), moment), sensor._LIMIT_FIELDS),
        ),
        (
            "sensor.last_session",
            Reads(lambda cp: charging.finished_session(cp.status), sensor._FINISHED_FIELDS),
        ),
        (
            "sensor.lifetime_energy",
            Reads(
                lambda cp: (cp.status.session_started, cp.status.session_energy),
                sensor._SESSION_FIELDS,
            ),
        ),
    ]
    # Moved only by states this check does not try: an offline activity (online), a
    # session held back without a boost (the boost button).
    moved_elsewhere = {"binary_sensor.online", "button.boost"}

    def value(reads: Any, fields: dict[str, Any]) -> object:
        status = ChargePointStatus(**fields)
        return reads(ChargePointData(info=info, settings=info.settings, status=status))

    checked = 0
    for key, reads in shown:
        for name in ChargePointStatus.__dataclass_fields__:
            if name == "evse_id" or name in reads.status_fields:
                continue
            changed = {**base, name: other.get(name, 99.0)}
            assert value(reads, changed) == value(reads, base), (
                f"{key} reads {name} without declaring it"
            )
            checked += 1
        # And what it declares does move it (so the declaration is not too wide for nothing).
        moved = [
            name
            for name in reads.status_fields
            if any(
                value(reads, {**base, name: alternative}) != value(reads, base)
                for alternative in (other.get(name, 99.0), *more.get(name, ()))
            )
        ]
        assert moved or not reads.status_fields or key in moved_elsewhere, key
    assert checked > 100


async def test_a_push_wakes_only_what_changed(
    hass: HomeAssistant, setup_account: MockConfigEntry, bc_cloud: BlueCurrentCloud
) -> None:
    coordinator = setup_account.runtime_data
    woken: list[str] = []
    for name, fields in (
        ("energy", frozenset({"session_energy"})),
        ("activity", frozenset({"activity"})),
        ("everything", None),
    ):
        setup_account.async_on_unload(
            coordinator.key_listeners.add(EVSE_IDS[0], lambda name=name: woken.append(name), fields)
        )
    charge_point = bc_cloud.charge_point(EVSE_IDS[0])
    charge_point.actual_kwh += 1.5
    await bc_cloud.push_status(EVSE_IDS[0])
    await wait_for(hass, lambda: woken, "a wake-up")
    assert sorted(woken) == ["energy", "everything"]


# Charging state, the limit in force, lifetime energy and the last session.


async def _push(hass: HomeAssistant, cloud: BlueCurrentCloud, evse_id: str = EVSE_IDS[0]) -> None:
    """Push a status and wait until the coordinator holds exactly that status."""
    coordinator = hass.config_entries.async_entries(DOMAIN)[0].runtime_data
    told = FrameParser().status(cloud.status_frame(cloud.charge_point(evse_id)))
    await cloud.push_status(evse_id)
    await wait_for(
        hass, lambda: coordinator.data.charge_points[evse_id].status == told, "the pushed status"
    )


def _number(hass: HomeAssistant, key: str, evse_id: str = EVSE_IDS[0]) -> float:
    return float(_state(hass, key, evse_id))


async def _reconnect(hass: HomeAssistant, cloud: BlueCurrentCloud, entry: MockConfigEntry) -> None:
    await _disconnect(hass, cloud, entry)
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=10))
    await wait_for(hass, lambda: entry.runtime_data.connected, "the reconnect")
    await wait_for(hass, lambda: _state(hass, "activity") != STATE_UNAVAILABLE, "available")


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_charging_state_in_evcc_words(
    hass: HomeAssistant,
    bc_cloud: BlueCurrentCloud,
    clock: ManualClock,
    setup_account: MockConfigEntry,
) -> None:
    """disconnected (A), connected (B, or a session held back), charging (C); offline unknown."""
    charge_point = bc_cloud.charge_point(EVSE_IDS[0])
    assert _state(hass, "charging_state") == "disconnected"
    charge_point.plug_in()
    await _push(hass, bc_cloud)
    assert _state(hass, "charging_state") == "connected"
    charge_point.start_charging()
    await _push(hass, bc_cloud)
    assert _state(hass, "charging_state") == "charging"
    # Delayed charging holds the session back outside its window: connected, not charging.
    charge_point.delayed.enabled = True
    charge_point.delayed.start_time, charge_point.delayed.end_time = "23:00", "23:30"
    charge_point.settle()
    await _push(hass, bc_cloud)
    assert _state(hass, "activity") == "delayed"
    assert _state(hass, "charging_state") == "connected"
    charge_point.go_offline()
    await _push(hass, bc_cloud)
    assert _state(hass, "charging_state") == STATE_UNKNOWN


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_current_limit_and_its_source(
    hass: HomeAssistant,
    bc_cloud: BlueCurrentCloud,
    clock: ManualClock,
    freezer: FrozenDateTimeFactory,
    setup_account: MockConfigEntry,
) -> None:
    """Installation, smart charging, an override schedule in its window, offline."""
    charge_point = bc_cloud.charge_point(EVSE_IDS[0])
    assert (_number(hass, "current_limit"), _state(hass, "current_limit_source")) == (
        16.0,
        "installation",
    )

    charge_point.smart_charging = True
    await bc_cloud.push_settings(EVSE_IDS[0])
    await wait_for(hass, lambda: _state(hass, "current_limit") == "13.0", "smart charging")
    assert _state(hass, "current_limit_source") == "smart_charging"

    # A schedule made in the app, from half an hour ago until half an hour from now.
    now = dt_util.utcnow()
    opens, closes = ((now + timedelta(minutes=m)).astimezone(CLOUD_TIMEZONE) for m in (-30, 30))
    client = setup_account.runtime_data.client
    plan = OverrideCurrentPlan(
        charge_points=(EVSE_IDS[0],),
        start_time=opens.strftime("%H:%M"),
        start_days=(WEEKDAY_CODES[opens.weekday()],),
        stop_time=closes.strftime("%H:%M"),
        stop_days=(WEEKDAY_CODES[closes.weekday()],),
        current=8,
    )
    await client.set_override_current(plan)
    await client.list_override_currents()
    await wait_for(hass, lambda: _state(hass, "current_limit") == "8.0", "the override")
    assert _state(hass, "current_limit_source") == "override"

    # The window closes: the minute timer notices.
    later = now + timedelta(minutes=32)
    freezer.move_to(later)
    async_fire_time_changed(hass, later)
    await wait_for(hass, lambda: _state(hass, "current_limit") == "13.0", "the window closed")

    charge_point.go_offline()
    await bc_cloud.push_status(EVSE_IDS[0])
    await wait_for(hass, lambda: _state(hass, "current_limit_source") == "offline", "offline")
    assert _number(hass, "current_limit") == charge_point.max_offline


async def test_lifetime_energy_across_a_reconnect_and_repeats(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """A repeated status or a reconnect adds nothing twice; what came meanwhile counts once."""
    charge_point = bc_cloud.charge_point(EVSE_IDS[0])
    charge_point.start_charging()
    charge_point.actual_kwh = 2.0
    await _push(hass, bc_cloud)
    assert _number(hass, "lifetime_energy") == 2.0
    await bc_cloud.push_status(EVSE_IDS[0])
    await _push(hass, bc_cloud)
    assert _number(hass, "lifetime_energy") == 2.0

    await _disconnect(hass, bc_cloud, setup_account)
    charge_point.actual_kwh = 3.25
    await _reconnect(hass, bc_cloud, setup_account)
    await wait_for(hass, lambda: _state(hass, "actual_kwh") == "3.25", "the fresh status")
    assert _number(hass, "lifetime_energy") == 3.25
    # A reading below what was counted (same session) never takes the total down.
    charge_point.actual_kwh = 3.0
    await _push(hass, bc_cloud)
    assert _number(hass, "lifetime_energy") == 3.25
    charge_point.actual_kwh = 3.5
    await _push(hass, bc_cloud)
    assert _number(hass, "lifetime_energy") == 3.5


async def test_lifetime_energy_carries_on_across_a_new_session(
    hass: HomeAssistant,
    bc_cloud: BlueCurrentCloud,
    clock: ManualClock,
    setup_account: MockConfigEntry,
) -> None:
    """A new session resets the session energy to 0; the lifetime total carries on."""
    charge_point = bc_cloud.charge_point(EVSE_IDS[0])
    charge_point.start_charging()
    charge_point.actual_kwh = 5.0
    await _push(hass, bc_cloud)
    charge_point.stop_charging()
    await _push(hass, bc_cloud)
    assert _number(hass, "lifetime_energy") == 5.0

    clock.advance(3600)
    charge_point.start_charging()
    await _push(hass, bc_cloud)
    assert _number(hass, "lifetime_energy") == 5.0
    charge_point.actual_kwh = 1.5
    await _push(hass, bc_cloud)
    assert _number(hass, "lifetime_energy") == 6.5

    # A next session seen only once it had energy already (started while nobody listened).
    clock.advance(3600)
    charge_point.stop_charging()
    charge_point.start_charging()
    charge_point.actual_kwh = 0.75
    await _push(hass, bc_cloud)
    assert _number(hass, "lifetime_energy") == 7.25


async def test_lifetime_energy_and_last_session_survive_a_restart(
    hass: HomeAssistant,
    bc_cloud: BlueCurrentCloud,
    clock: ManualClock,
    setup_account: MockConfigEntry,
) -> None:
    """Restarted mid-session, the meter goes on from what it counted; the last session stays."""
    registry = er.async_get(hass)
    for key in ("last_session_energy", "last_session_cost", "last_session_duration"):
        registry.async_update_entity(_entity_id(hass, f"{key}_{EVSE_IDS[0]}"), disabled_by=None)
    await hass.config_entries.async_reload(setup_account.entry_id)
    await wait_for(hass, lambda: setup_account.runtime_data.connected, "connected")

    charge_point = bc_cloud.charge_point(EVSE_IDS[0])
    charge_point.start_charging()
    charge_point.actual_kwh = 4.0
    charge_point.total_cost = 1.16
    clock.advance(5400)
    charge_point.stop_charging()
    await _push(hass, bc_cloud)
    assert _number(hass, "last_session_energy") == 4.0
    assert _number(hass, "last_session_cost") == 1.16
    assert _number(hass, "last_session_duration") == 90.0

    clock.advance(600)
    charge_point.start_charging()
    charge_point.actual_kwh = 1.0
    await _push(hass, bc_cloud)
    assert _number(hass, "lifetime_energy") == 5.0

    assert await hass.config_entries.async_unload(setup_account.entry_id)
    await hass.async_block_till_done()
    charge_point.actual_kwh = 2.5  # charged on while Home Assistant was down
    assert await hass.config_entries.async_setup(setup_account.entry_id)
    await hass.async_block_till_done()
    await wait_for(hass, lambda: _state(hass, "actual_kwh") == "2.5", "the status after restart")
    assert _number(hass, "lifetime_energy") == 6.5
    # The running session is not the last one: the finished one is kept.
    assert _number(hass, "last_session_energy") == 4.0
    assert _number(hass, "last_session_duration") == 90.0


def test_lifetime_meter_rules() -> None:
    """The meter itself: first session in full, moved-back start, restore of junk."""
    started = datetime(2026, 1, 1, tzinfo=UTC)
    meter = LifetimeEnergy()
    assert meter.observe(started, 3.0)
    assert not meter.observe(started, 3.0)
    assert not meter.observe(None, None)
    # The simulator's warm-up moves a session's start back: still the same session.
    assert meter.observe(started - timedelta(minutes=5), 3.5)
    assert meter.total == 3.5
    # Back to 0 without a new start: a new session.
    assert not meter.observe(started - timedelta(minutes=5), 0.0)
    assert meter.observe(started - timedelta(minutes=5), 1.0)
    assert meter.total == 4.5
    restored = LifetimeEnergy.from_dict(meter.as_dict())
    assert restored == meter
    assert LifetimeEnergy.from_dict({"total": "x", "session_started": "not a time"}) == (
        LifetimeEnergy()
    )
