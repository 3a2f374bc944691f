"""Smart-charging actions: delayed-charging schedule, price-based settings, override currents."""

from __future__ import annotations

from collections import defaultdict
from datetime import time, timedelta
from functools import partial

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_DEVICE_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv
from homeassistant.util import dt as dt_util
from homeassistant.util.json import JsonValueType
import probatio

from ..api.bluecurrent import OverrideCurrentPlan, OverrideSchedule, OverrideSchedulesEvent
from ..const import DOMAIN
from ..entry import is_account_entry
from .charging import CLOUD_TIMEZONE, WEEKDAY_CODES
from .commands import Command, async_run_command
from .coordinator import BlueCurrentCoordinator
from .services import charge_point_of
from .smart import clock_text

SERVICE_SET_DELAYED_CHARGING_SCHEDULE = "set_delayed_charging_schedule"
SERVICE_SET_PRICE_BASED_CHARGING = "set_price_based_charging"
SERVICE_SET_CURRENT_OVERRIDE = "set_current_override"
SERVICE_CLEAR_CURRENT_OVERRIDE = "clear_current_override"
SERVICE_LIST_CURRENT_OVERRIDES = "list_current_overrides"

ATTR_DAYS = "days"
ATTR_START_TIME = "start_time"
ATTR_END_TIME = "end_time"
ATTR_BATTERY_SIZE = "battery_size"
ATTR_MINIMUM_CHARGE = "minimum_charge"
ATTR_CURRENT_BATTERY_LEVEL = "current_battery_level"
ATTR_DEPARTURE_TIME = "departure_time"
ATTR_CURRENT = "current"
ATTR_DURATION = "duration"
ATTR_SCHEDULE_ID = "schedule_id"

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DEVICES = probatio.All(cv.ensure_list, [cv.string])
_DAYS = probatio.All(cv.ensure_list, [probatio.In(DAY_NAMES)], probatio.Length(min=1))

DELAYED_SCHEMA = probatio.Schema(
    {
        probatio.Required(ATTR_DEVICE_ID): _DEVICES,
        probatio.Required(ATTR_DAYS): _DAYS,
        probatio.Required(ATTR_START_TIME): cv.time,
        probatio.Required(ATTR_END_TIME): cv.time,
    }
)
PRICE_BASED_SCHEMA = probatio.Schema(
    {
        probatio.Required(ATTR_DEVICE_ID): _DEVICES,
        probatio.Optional(ATTR_BATTERY_SIZE): probatio.All(
            probatio.Coerce(float), probatio.Range(min=1, max=250)
        ),
        probatio.Optional(ATTR_MINIMUM_CHARGE): probatio.All(
            probatio.Coerce(float), probatio.Range(min=0, max=100)
        ),
        probatio.Optional(ATTR_CURRENT_BATTERY_LEVEL): probatio.All(
            probatio.Coerce(float), probatio.Range(min=0, max=100)
        ),
        probatio.Optional(ATTR_DEPARTURE_TIME): cv.time,
    }
)
OVERRIDE_SCHEMA = probatio.Schema(
    {
        probatio.Required(ATTR_DEVICE_ID): _DEVICES,
        probatio.Required(ATTR_CURRENT): probatio.All(
            probatio.Coerce(float), probatio.Range(min=0, max=80)
        ),
        probatio.Optional(ATTR_DAYS): _DAYS,
        probatio.Optional(ATTR_START_TIME): cv.time,
        probatio.Optional(ATTR_END_TIME): cv.time,
        probatio.Optional(ATTR_DURATION): cv.positive_time_period,
    }
)
CLEAR_SCHEMA = probatio.Schema({probatio.Required(ATTR_SCHEDULE_ID): cv.string})
LIST_SCHEMA = probatio.Schema({probatio.Optional(ATTR_DEVICE_ID): _DEVICES})


def _charge_points(
    hass: HomeAssistant, device_ids: list[str]
) -> dict[BlueCurrentCoordinator, list[str]]:
    """The charge points behind the devices, per account (in the order given)."""
    grouped: dict[BlueCurrentCoordinator, list[str]] = defaultdict(list)
    for device_id in device_ids:
        coordinator, evse_id = charge_point_of(hass, device_id)
        if evse_id not in grouped[coordinator]:
            grouped[coordinator].append(evse_id)
    return grouped


def _accounts(hass: HomeAssistant) -> list[BlueCurrentCoordinator]:
    return [
        entry.runtime_data
        for entry in hass.config_entries.async_entries(DOMAIN)
        if entry.state is ConfigEntryState.LOADED and is_account_entry(entry)
    ]


def _override_plan(call: ServiceCall, evse_ids: list[str]) -> OverrideCurrentPlan:
    """Days and times, or a duration from now (in the cloud's time zone)."""
    data = call.data
    duration: timedelta | None = data.get(ATTR_DURATION)
    start: time | None = data.get(ATTR_START_TIME)
    end: time | None = data.get(ATTR_END_TIME)
    if duration is not None and (start is None and end is None and ATTR_DAYS not in data):
        begin = dt_util.utcnow().astimezone(CLOUD_TIMEZONE)
        until = begin + min(duration, timedelta(days=6, hours=23))
        return OverrideCurrentPlan(
            charge_points=tuple(evse_ids),
            start_time=begin.strftime("%H:%M"),
            start_days=(WEEKDAY_CODES[begin.weekday()],),
            stop_time=until.strftime("%H:%M"),
            stop_days=(WEEKDAY_CODES[until.weekday()],),
            current=float(data[ATTR_CURRENT]),
        )
    if duration is not None or start is None or end is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="override_needs_times_or_duration"
        )
    days = tuple(WEEKDAY_CODES[DAY_NAMES.index(day)] for day in data.get(ATTR_DAYS, DAY_NAMES))
    return OverrideCurrentPlan(
        charge_points=tuple(evse_ids),
        start_time=clock_text(start),
        start_days=days,
        stop_time=clock_text(end),
        stop_days=days,
        current=float(data[ATTR_CURRENT]),
    )


def _day_names(codes: tuple[str, ...]) -> list[JsonValueType]:
    return [DAY_NAMES[WEEKDAY_CODES.index(code)] for code in codes if code in WEEKDAY_CODES]


def schedule_data(schedule: OverrideSchedule) -> dict[str, JsonValueType]:
    """An override schedule as action response data."""
    charge_points: list[JsonValueType] = list(schedule.charge_points)
    return {
        "schedule_id": schedule.schedule_id,
        "charge_points": charge_points,
        "start_time": schedule.start_time,
        "stop_time": schedule.stop_time,
        "start_days": _day_names(schedule.start_days),
        "stop_days": _day_names(schedule.stop_days),
        "current": schedule.current,
    }


def _list_locally(
    coordinator: BlueCurrentCoordinator, schedules: tuple[OverrideSchedule, ...]
) -> None:
    coordinator.handle_local(OverrideSchedulesEvent(schedules))


@callback
def async_register_smart_services(hass: HomeAssistant) -> None:
    """Register the smart-charging actions."""

    async def set_delayed_schedule(call: ServiceCall) -> None:
        days = sorted(DAY_NAMES.index(day) + 1 for day in set(call.data[ATTR_DAYS]))
        start, end = clock_text(call.data[ATTR_START_TIME]), clock_text(call.data[ATTR_END_TIME])
        for coordinator, evse_ids in _charge_points(hass, call.data[ATTR_DEVICE_ID]).items():
            for evse_id in evse_ids:
                await async_run_command(
                    hass,
                    coordinator,
                    evse_id,
                    Command.DELAYED_CHARGING_SCHEDULE,
                    partial(
                        coordinator.client.set_delayed_charging_schedule, evse_id, days, start, end
                    ),
                )

    async def set_price_based(call: ServiceCall) -> None:
        data = call.data
        departure: time | None = data.get(ATTR_DEPARTURE_TIME)
        patch = {
            "battery_size_kwh": data.get(ATTR_BATTERY_SIZE),
            "minimum_pct": data.get(ATTR_MINIMUM_CHARGE),
            "current_battery_pct": data.get(ATTR_CURRENT_BATTERY_LEVEL),
        }
        if departure is None and all(value is None for value in patch.values()):
            raise ServiceValidationError(
                translation_domain=DOMAIN, translation_key="nothing_to_set"
            )
        whole = {key: None if value is None else round(value) for key, value in patch.items()}
        for coordinator, evse_ids in _charge_points(hass, data[ATTR_DEVICE_ID]).items():
            for evse_id in evse_ids:
                await async_run_command(
                    hass,
                    coordinator,
                    evse_id,
                    Command.PRICE_BASED_CHARGING,
                    partial(
                        coordinator.client.update_price_based_charging_settings,
                        evse_id,
                        expected_departure_time=None
                        if departure is None
                        else clock_text(departure),
                        battery_size_kwh=whole["battery_size_kwh"],
                        minimum_pct=whole["minimum_pct"],
                        current_battery_pct=whole["current_battery_pct"],
                    ),
                )

    async def set_override(call: ServiceCall) -> ServiceResponse:
        created: list[JsonValueType] = []
        for coordinator, evse_ids in _charge_points(hass, call.data[ATTR_DEVICE_ID]).items():
            plan = _override_plan(call, evse_ids)
            stored = await async_run_command(
                hass,
                coordinator,
                evse_ids[0],
                Command.CURRENT_OVERRIDE,
                partial(coordinator.client.set_override_current, plan),
            )
            _list_locally(coordinator, (*(coordinator.data.overrides or ()), stored))
            created.append(schedule_data(stored))
        return {"schedules": created}

    async def clear_override(call: ServiceCall) -> None:
        schedule_id = call.data[ATTR_SCHEDULE_ID]
        for coordinator in _accounts(hass):
            listed = coordinator.data.overrides or ()
            schedule = next((s for s in listed if s.schedule_id == schedule_id), None)
            if schedule is not None:
                named = schedule.charge_points[0] if schedule.charge_points else ""
                await async_run_command(
                    hass,
                    coordinator,
                    named,
                    Command.CURRENT_OVERRIDE,
                    partial(coordinator.client.clear_override_current, schedule_id),
                )
                _list_locally(
                    coordinator,
                    tuple(
                        s for s in coordinator.data.overrides or () if s.schedule_id != schedule_id
                    ),
                )
                return
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="unknown_schedule",
            translation_placeholders={"schedule_id": schedule_id},
        )

    async def list_overrides(call: ServiceCall) -> ServiceResponse:
        if ATTR_DEVICE_ID in call.data:
            grouped = _charge_points(hass, call.data[ATTR_DEVICE_ID])
            wanted: dict[BlueCurrentCoordinator, set[str] | None] = {
                coordinator: set(evse_ids) for coordinator, evse_ids in grouped.items()
            }
        else:
            wanted = dict.fromkeys(_accounts(hass))
        schedules: list[JsonValueType] = []
        for coordinator, evse_ids in wanted.items():
            # Ask the cloud: a schedule made in the app since the last list shows too.
            named = next(iter(evse_ids or coordinator.data.charge_points), "")
            listed = await async_run_command(
                hass,
                coordinator,
                named,
                Command.CURRENT_OVERRIDE,
                coordinator.client.list_override_currents,
            )
            schedules.extend(
                schedule_data(s)
                for s in listed
                if evse_ids is None or evse_ids & set(s.charge_points)
            )
        return {"schedules": schedules}

    hass.services.async_register(
        DOMAIN, SERVICE_SET_DELAYED_CHARGING_SCHEDULE, set_delayed_schedule, schema=DELAYED_SCHEMA
    )
    hass.services.async_register(
        DOMAIN, SERVICE_SET_PRICE_BASED_CHARGING, set_price_based, schema=PRICE_BASED_SCHEMA
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_SET_CURRENT_OVERRIDE,
        set_override,
        schema=OVERRIDE_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN, SERVICE_CLEAR_CURRENT_OVERRIDE, clear_override, schema=CLEAR_SCHEMA
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_LIST_CURRENT_OVERRIDES,
        list_overrides,
        schema=LIST_SCHEMA,
        supports_response=SupportsResponse.ONLY,
    )
