"""The session event entity: what happens live fires once; nothing is replayed."""

from __future__ import annotations

from datetime import timedelta

from homeassistant.components.event import ATTR_EVENT_TYPE
from homeassistant.const import EVENT_STATE_CHANGED, Platform
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
import pytest
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    snapshot_platform,
)
from syrupy.assertion import SnapshotAssertion

from custom_components.blue_current.api.bluecurrent.parse import FrameParser
from custom_components.blue_current.const import DOMAIN
from simulator.bluecurrent import BlueCurrentCloud, Outcome
from tests.waiting import wait_for

from .conftest import EVSE_IDS

EVSE_ID = EVSE_IDS[0]

type Fired = list[tuple[str, dict[str, object]]]


def _entity_id(hass: HomeAssistant, platform: Platform, key: str) -> str:
    entity_id = er.async_get(hass).async_get_entity_id(platform, DOMAIN, f"{key}_{EVSE_ID}")
    assert entity_id is not None, key
    return entity_id


def _record(hass: HomeAssistant) -> Fired:
    """Every event the charging_session entity fires, with its data."""
    entity_id = _entity_id(hass, Platform.EVENT, "charging_session")
    fired: Fired = []

    @callback
    def record(event: Event) -> None:
        new = event.data["new_state"]
        if event.data["entity_id"] == entity_id and new is not None and new.state != "unavailable":
            old = event.data["old_state"]
            if old is not None and old.state == new.state:
                return  # an availability write, not a new event
            attributes = dict(new.attributes)
            kind = attributes.pop(ATTR_EVENT_TYPE, None)
            if kind is not None:
                for static in ("event_types", "friendly_name"):
                    attributes.pop(static, None)
                fired.append((str(kind), attributes))

    hass.bus.async_listen(EVENT_STATE_CHANGED, record)
    return fired


async def _push(hass: HomeAssistant, cloud: BlueCurrentCloud) -> None:
    coordinator = hass.config_entries.async_entries(DOMAIN)[0].runtime_data
    told = FrameParser().status(cloud.status_frame(cloud.charge_point(EVSE_ID)))
    await cloud.push_status(EVSE_ID)
    await wait_for(
        hass, lambda: coordinator.data.charge_points[EVSE_ID].status == told, "the pushed status"
    )


async def _switch(hass: HomeAssistant, service: str) -> None:
    await hass.services.async_call(
        "switch",
        service,
        {"entity_id": _entity_id(hass, Platform.SWITCH, "charging")},
        blocking=True,
    )


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_snapshot(
    hass: HomeAssistant, snapshot: SnapshotAssertion, setup_account: MockConfigEntry
) -> None:
    """Nothing happened yet: no event type, every type listed."""
    registry = er.async_get(hass)
    entries = er.async_entries_for_config_entry(registry, setup_account.entry_id)
    for entry in entries:
        if entry.domain != Platform.EVENT:
            registry.async_remove(entry.entity_id)
    await snapshot_platform(hass, registry, snapshot, setup_account.entry_id)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_a_session_from_plug_to_unplug(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """Plug in, start from Home Assistant with the chosen card, stop, unplug: four events."""
    fired = _record(hass)
    cloud_card = bc_cloud.account("test-api-token").cards[0]
    await hass.services.async_call(
        "select",
        "select_option",
        {
            "entity_id": _entity_id(hass, Platform.SELECT, "charge_card"),
            "option": f"{cloud_card.name} ({cloud_card.card_id})",
        },
        blocking=True,
    )
    charge_point = bc_cloud.charge_point(EVSE_ID)
    charge_point.plug_in()
    await _push(hass, bc_cloud)
    await _switch(hass, "turn_on")
    await wait_for(hass, lambda: len(fired) == 2, "the session start")
    assert charge_point.session_card == cloud_card.uid

    charge_point.actual_kwh, charge_point.total_cost = 4.2, 1.22
    await _push(hass, bc_cloud)
    await _switch(hass, "turn_off")
    await wait_for(hass, lambda: len(fired) == 3, "the session stop")
    charge_point.unplug()
    await _push(hass, bc_cloud)
    await wait_for(hass, lambda: len(fired) == 4, "the unplug")

    assert [kind for kind, _ in fired] == [
        "vehicle_plugged_in",
        "session_started",
        "session_stopped",
        "vehicle_unplugged",
    ]
    assert fired[1][1] == {"card": cloud_card.card_id}
    stopped = fired[2][1]
    assert stopped["energy"] == 4.2
    assert stopped["cost"] == 1.22
    assert stopped["card"] == cloud_card.card_id
    assert isinstance(stopped["duration"], float)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_nothing_is_replayed_after_a_reconnect_or_restart(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """What changed while disconnected or stopped does not fire; the next live change does."""
    fired = _record(hass)
    charge_point = bc_cloud.charge_point(EVSE_ID)
    coordinator = setup_account.runtime_data

    await bc_cloud.close_connections()
    await wait_for(hass, lambda: not coordinator.connected, "the disconnect")
    charge_point.plug_in()
    charge_point.start_charging()
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=10))
    await wait_for(hass, lambda: coordinator.connected, "the reconnect")
    await wait_for(
        hass,
        lambda: (
            (status := coordinator.data.charge_points[EVSE_ID].status) is not None
            and status.activity == "charging"
        ),
        "the fresh status",
    )
    await _push(hass, bc_cloud)
    assert fired == []

    assert await hass.config_entries.async_unload(setup_account.entry_id)
    charge_point.stop_charging()
    charge_point.unplug()
    assert await hass.config_entries.async_setup(setup_account.entry_id)
    await hass.async_block_till_done()
    fired = _record(hass)
    await wait_for(hass, lambda: setup_account.runtime_data.connected, "connected")
    await _push(hass, bc_cloud)
    assert fired == []

    charge_point.plug_in()
    await _push(hass, bc_cloud)
    await wait_for(hass, lambda: fired != [], "a live plug")
    assert [kind for kind, _ in fired] == ["vehicle_plugged_in"]


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
async def test_a_refused_command_fires_command_rejected(
    hass: HomeAssistant, bc_cloud: BlueCurrentCloud, setup_account: MockConfigEntry
) -> None:
    """The charge point says no: the action fails and the event says which command and why."""
    bc_cloud.charge_point(EVSE_ID).plug_in()
    await _push(hass, bc_cloud)
    fired = _record(hass)
    bc_cloud.set_verdict("START_SESSION", Outcome.REJECTED)
    with pytest.raises(HomeAssistantError):
        await _switch(hass, "turn_on")
    await wait_for(hass, lambda: fired != [], "the event")
    assert fired == [
        (
            "command_rejected",
            {"command": "start_charge_session", "reason": "start_charge_session_refused"},
        )
    ]


def test_happenings_read_only_their_declared_fields() -> None:
    """The coordinator looks for happenings only when one of HAPPENING_FIELDS changed."""
    from dataclasses import fields as dataclass_fields, replace
    from datetime import UTC, datetime, timedelta

    from custom_components.blue_current.api.bluecurrent import (
        Activity,
        ChargePointStatus,
        VehicleStatus,
    )
    from custom_components.blue_current.bluecurrent.charging import HAPPENING_FIELDS, transitions

    moment = datetime(2026, 1, 1, tzinfo=UTC)
    old = ChargePointStatus(
        evse_id=EVSE_ID,
        activity=Activity.AVAILABLE,
        vehicle_status=VehicleStatus.STANDBY,
        session_started=moment,
        session_stopped=moment + timedelta(hours=1),
        session_energy=1.0,
    )
    others = {
        "activity": Activity.CHARGING,
        "vehicle_status": VehicleStatus.READY,
        "session_started": moment + timedelta(hours=2),
        "session_stopped": moment + timedelta(hours=3),
        "offline_since": moment,
    }
    moved = []
    for field in dataclass_fields(ChargePointStatus):
        if field.name == "evse_id":
            continue
        new = replace(old, **{field.name: others.get(field.name, 2.0)})
        if field.name not in HAPPENING_FIELDS:
            assert transitions(old, new) == [], field.name
        elif transitions(old, new):
            moved.append(field.name)
    # A plug, a new start, a new stop (the activity only ever together with one of them).
    assert sorted(moved) == ["session_started", "session_stopped", "vehicle_status"]
