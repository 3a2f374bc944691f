"""Our client drives smart charging on the simulator and reads every change back as events."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from custom_components.blue_current.api.bluecurrent import (
    HOME_USE_CARD_UID,
    Activity,
    BlueCurrentClient,
    BlueCurrentCommandRejectedError,
    CapacityTariff,
    ChargePointsEvent,
    DelayedChargingSchedule,
    OverrideCurrentPlan,
    PriceBasedChargingSettings,
    Setting,
    SettingsEvent,
    StatusEvent,
)
from simulator.bluecurrent import CLOUD_TIMEZONE, HEARTBEAT_TIMEOUT, BlueCurrentCloud, ManualClock
from tests.waiting import wait_for

from .running import Recorder, running

EVSE = "BCU100001"
MONDAY_NOON = datetime(2025, 3, 10, 12, 0, tzinfo=CLOUD_TIMEZONE)


@pytest.fixture
def clock(cloud: BlueCurrentCloud) -> ManualClock:
    """The cloud's time, standing still at Monday noon until a test moves it."""
    clock = ManualClock(MONDAY_NOON)
    for account in cloud.accounts:
        for charge_point in account.charge_points.values():
            charge_point.clock = clock
    cloud.clock = clock
    return clock


async def last_settings(recorder: Recorder, after: int) -> SettingsEvent:
    """The first CH_SETTINGS after `after` of them arrived."""
    return await recorder.next_of(SettingsEvent, after)


async def status_where(recorder: Recorder, condition: object) -> StatusEvent:
    """The latest status event once one meets the condition."""
    assert callable(condition)

    def found() -> bool:
        return any(condition(event.status) for event in recorder.of(StatusEvent))

    await wait_for(None, found, "a matching status")
    return [event for event in recorder.of(StatusEvent) if condition(event.status)][-1]


async def test_delayed_charging_reads_back_and_holds_until_boosted(
    client: BlueCurrentClient, cloud: BlueCurrentCloud, clock: ManualClock
) -> None:
    cloud.charge_point(EVSE).start_charging()
    async with running(client, cloud=cloud) as recorder:
        await client.set_delayed_charging(EVSE, True)
        on = await last_settings(recorder, 0)
        assert on.settings.delayed_charging == Setting(value=True, writable=True)
        held = await status_where(recorder, lambda s: s.activity is Activity.DELAYED)
        assert held.status.smart_current_heartbeat_timeout == HEARTBEAT_TIMEOUT
        assert (held.status.boosting, held.status.average_current) == (False, 0.0)

        await client.set_delayed_charging_schedule(EVSE, [1, 2, 3], "23:00", "06:30")
        window = await last_settings(recorder, 1)
        assert window.settings.delayed_charging_schedule == DelayedChargingSchedule(
            days=(1, 2, 3), start_time=time(23, 0), end_time=time(6, 30)
        )

        # The other profile is refused while this one is on.
        with pytest.raises(BlueCurrentCommandRejectedError):
            await client.set_price_based_charging(EVSE, True)
        # So is the other profile's boost.
        with pytest.raises(BlueCurrentCommandRejectedError):
            await client.override_price_based_charging_profile(EVSE, True)

        await client.override_delayed_charging_profile(EVSE, True)
        boosted = await status_where(recorder, lambda s: s.boosting)
        assert boosted.status.activity is Activity.CHARGING
        assert boosted.status.smart_current_heartbeat_timeout == 0

        await client.set_delayed_charging(EVSE, False)
        off = await last_settings(recorder, 2)
        assert off.settings.delayed_charging == Setting(value=False, writable=True)
        assert off.settings.delayed_charging_schedule == DelayedChargingSchedule()


async def test_price_based_settings_read_back(
    client: BlueCurrentClient, cloud: BlueCurrentCloud, clock: ManualClock
) -> None:
    async with running(client, cloud=cloud) as recorder:
        await client.set_price_based_charging(EVSE, True)
        await client.update_price_based_charging_settings(
            EVSE, expected_departure_time="06:45", minimum_pct=15, battery_size_kwh=77
        )
        patched = await last_settings(recorder, 1)
        assert patched.settings.price_based_charging == Setting(value=True, writable=True)
        assert patched.settings.price_based_charging_settings == PriceBasedChargingSettings(
            expected_departure_time=time(6, 45),
            current_battery_pct=20,
            minimum_pct=15,
            battery_size_kwh=77.0,
        )
        # 18:00 is expensive and the battery (20 %) is above its minimum: a session waits.
        clock.set(MONDAY_NOON.replace(hour=18))
        cloud.charge_point(EVSE).start_charging()
        await cloud.push_status(EVSE)
        held = await status_where(recorder, lambda s: s.activity is Activity.DELAYED)
        assert held.status.smart_current_heartbeat_timeout == HEARTBEAT_TIMEOUT


async def test_without_write_permission_writes_are_refused(
    client: BlueCurrentClient, cloud: BlueCurrentCloud, clock: ManualClock
) -> None:
    charge_point = cloud.charge_point(EVSE)
    charge_point.delayed.permission = "read"
    async with running(client, cloud=cloud):
        with pytest.raises(BlueCurrentCommandRejectedError):
            await client.set_delayed_charging(EVSE, True)
        with pytest.raises(BlueCurrentCommandRejectedError):
            await client.set_delayed_charging_schedule(EVSE, [1], "01:00", "02:00")
    assert not charge_point.delayed.enabled
    assert charge_point.delayed.days == [1, 2, 3, 4, 5, 6, 7]


async def test_the_charge_point_list_carries_the_smart_charging_fields(
    client: BlueCurrentClient, cloud: BlueCurrentCloud, clock: ManualClock
) -> None:
    charge_point = cloud.charge_point(EVSE)
    charge_point.price_based.enabled = True
    charge_point.price_based.permission = "read"
    assert charge_point.capacity_tariff is not None
    charge_point.capacity_tariff.enabled = True

    async def on_open() -> None:
        await client.request_charge_points()

    async with running(client, on_open) as recorder:
        points = await recorder.next_of(ChargePointsEvent)
    settings = points.charge_points[0].settings
    assert settings.price_based_charging == Setting(value=True, writable=False)
    assert settings.price_based_charging_settings is not None
    assert settings.price_based_charging_settings.expected_departure_time == time(7, 30)
    assert settings.delayed_charging_schedule == DelayedChargingSchedule()  # off
    assert settings.capacity_tariff == CapacityTariff(enabled=True, writable=True, max_kwh=4.0)
    assert settings.plug_and_charge_charge_card is not None
    assert settings.plug_and_charge_charge_card.uid == HOME_USE_CARD_UID


async def test_override_schedules_are_typed_and_cap_the_current(
    client: BlueCurrentClient, cloud: BlueCurrentCloud, clock: ManualClock
) -> None:
    cloud.charge_point(EVSE).start_charging()
    week = OverrideCurrentPlan(
        charge_points=(EVSE,),
        start_time="00:00",
        start_days=("MO",),
        stop_time="00:00",
        stop_days=("MO",),
        current=9.5,
    )
    async with running(client, cloud=cloud) as recorder:
        created = await client.set_override_current(week)
        capped = await status_where(recorder, lambda s: s.smart_charging_max_usage == 9.5)
        assert capped.status.current_phase_1 == 9.5
        evening = await client.set_override_current(
            OverrideCurrentPlan(
                charge_points=(EVSE, "BCU100002"),
                start_time="18:00",
                start_days=("MO", "TU"),
                stop_time="23:00",
                stop_days=("MO", "TU"),
                current=6,
            )
        )
        listed = await client.list_override_currents()
        assert [(s.schedule_id, s.current) for s in listed] == [
            (created.schedule_id, 9.5),
            (evening.schedule_id, 6.0),
        ]
        assert listed[1].charge_points == (EVSE, "BCU100002")
        assert listed[1].start_days == ("MO", "TU")
        await client.clear_override_current(created.schedule_id)
        await status_where(recorder, lambda s: s.current_phase_1 == 16)
        assert [s.schedule_id for s in await client.list_override_currents()] == [
            evening.schedule_id
        ]
