"""Sensors of a charge point (CH_STATUS, tariff, smart charging, sessions) and of a grid."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from homeassistant.components.sensor import (
    RestoreSensor,
    SensorDeviceClass,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    CURRENCY_EURO,
    EntityCategory,
    UnitOfElectricCurrent,
    UnitOfElectricPotential,
    UnitOfEnergy,
    UnitOfPower,
    UnitOfTime,
)
from homeassistant.core import callback
from homeassistant.helpers.event import async_track_time_interval
from homeassistant.helpers.restore_state import RestoredExtraData, RestoreEntity
from homeassistant.util import dt as dt_util

from ..api.bluecurrent import Activity, ChargePointStatus, GridStatus, Tariff, VehicleStatus
from ..entity import SensorValue, WrittenSensor
from .charging import (
    ChargingState,
    LimitSource,
    SessionSummary,
    charging_state,
    finished_session,
    limit_in_force,
)
from .coordinator import BlueCurrentCoordinator
from .energy import LifetimeEnergy
from .entity import (
    ChargePointEntity,
    GridEntity,
    Reads,
    from_charge_point,
    from_status,
    setup_per_charge_point,
)
from .state import ChargePointData

_VOLTAGES = ("voltage_phase_1", "voltage_phase_2", "voltage_phase_3")
_CURRENTS = ("current_phase_1", "current_phase_2", "current_phase_3")


@dataclass(frozen=True, kw_only=True)
class ChargePointSensorDescription(SensorEntityDescription):
    """A sensor of a charge point.

    tariff_unit: the sensor shows a tariff price, in the tariff's currency (per kWh or not).
    cycle_start: for a total that starts again (a session's cost), when it last did (the
    state's last_reset).
    """

    reads: Reads[SensorValue]
    tariff_unit: Callable[[str], str] | None = None
    cycle_start: Reads[datetime | None] | None = None


@dataclass(frozen=True, kw_only=True)
class GridSensorDescription(SensorEntityDescription):
    """A sensor of a grid."""

    value_fn: Callable[[GridStatus], float | None]


def _voltage(
    key: str, read: Callable[[ChargePointStatus], float | None], *fields: str, enabled: bool
) -> ChargePointSensorDescription:
    return ChargePointSensorDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.VOLTAGE,
        native_unit_of_measurement=UnitOfElectricPotential.VOLT,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=enabled,
        reads=from_status(read, *fields),
    )


def _current(
    key: str,
    reads: Reads[float | None],
    *,
    enabled: bool = True,
    category: EntityCategory | None = None,
) -> ChargePointSensorDescription:
    return ChargePointSensorDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.CURRENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=enabled,
        entity_category=category,
        reads=reads,
    )


def _timestamp(
    key: str,
    read: Callable[[ChargePointStatus], datetime | None],
    field: str,
    *,
    enabled: bool = True,
) -> ChargePointSensorDescription:
    return ChargePointSensorDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.TIMESTAMP,
        entity_registry_enabled_default=enabled,
        reads=from_status(read, field),
    )


def _per_kwh(currency: str) -> str:
    return f"{currency}/{UnitOfEnergy.KILO_WATT_HOUR}"


def _price(
    key: str, read: Callable[[Tariff], float | None], *, per_kwh: bool
) -> ChargePointSensorDescription:
    def value(cp: ChargePointData) -> float | None:
        return None if cp.info.tariff is None else read(cp.info.tariff)

    return ChargePointSensorDescription(
        key=key,
        translation_key=key,
        entity_category=EntityCategory.DIAGNOSTIC,
        # Diagnostic and rarely changing; off by default keeps large accounts under
        # Home Assistant's 10,000 entities per entry (bench/README.md, scale).
        entity_registry_enabled_default=False,
        suggested_display_precision=4 if per_kwh else 2,
        tariff_unit=_per_kwh if per_kwh else str,
        reads=from_charge_point(value),
    )


_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _delayed_days(cp: ChargePointData) -> str | None:
    schedule = cp.settings.delayed_charging_schedule
    if schedule is None or schedule.days is None:
        return None
    return ", ".join(_DAY_NAMES[day - 1] for day in schedule.days)


# The cloud calls a blocked charge point "unavailable", the word Home Assistant uses for an
# entity it cannot reach (history draws a gap, automations cannot tell it from a lost
# connection); the sensor shows it as "blocked".
BLOCKED = "blocked"
ACTIVITY_OPTIONS = [BLOCKED if a is Activity.UNAVAILABLE else a.value for a in Activity]


def activity_state(activity: Activity | None) -> str | None:
    """The activity as the sensor shows it."""
    if activity is None:
        return None
    return BLOCKED if activity is Activity.UNAVAILABLE else activity.value


def _current_left(cp: ChargePointData) -> float | None:
    return None if cp.status is None else cp.status.current_left(smart_charging=cp.smart_charging)


CHARGE_POINT_SENSORS: tuple[ChargePointSensorDescription, ...] = (
    _voltage("actual_v1", lambda s: s.voltage_phase_1, "voltage_phase_1", enabled=False),
    _voltage("actual_v2", lambda s: s.voltage_phase_2, "voltage_phase_2", enabled=False),
    _voltage("actual_v3", lambda s: s.voltage_phase_3, "voltage_phase_3", enabled=False),
    # Off by default since the charging state is on (10,000 entities per entry, 500 points).
    _voltage("avg_voltage", lambda s: s.average_voltage, *_VOLTAGES, enabled=False),
    _current(
        "actual_p1", from_status(lambda s: s.current_phase_1, "current_phase_1"), enabled=False
    ),
    _current(
        "actual_p2", from_status(lambda s: s.current_phase_2, "current_phase_2"), enabled=False
    ),
    _current(
        "actual_p3", from_status(lambda s: s.current_phase_3, "current_phase_3"), enabled=False
    ),
    _current("avg_current", from_status(lambda s: s.average_current, *_CURRENTS)),
    ChargePointSensorDescription(
        key="power",
        translation_key="power",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.WATT,
        state_class=SensorStateClass.MEASUREMENT,
        reads=from_status(lambda s: s.power, *_VOLTAGES, *_CURRENTS),
    ),
    ChargePointSensorDescription(
        key="total_kw",
        translation_key="total_kw",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.KILO_WATT,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        reads=from_status(lambda s: s.estimated_power_kw, *_VOLTAGES, *_CURRENTS),
    ),
    ChargePointSensorDescription(
        key="actual_kwh",
        translation_key="actual_kwh",
        device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        state_class=SensorStateClass.TOTAL_INCREASING,
        reads=from_status(lambda s: s.session_energy, "session_energy"),
    ),
    ChargePointSensorDescription(
        key="total_cost",
        translation_key="total_cost",
        device_class=SensorDeviceClass.MONETARY,
        # Kept in euro (not the tariff's currency) so long-term statistics stay continuous.
        native_unit_of_measurement=CURRENCY_EURO,
        # What the Energy dashboard expects of a cost; the cost of a new session starts at 0.
        state_class=SensorStateClass.TOTAL,
        suggested_display_precision=2,
        reads=from_status(lambda s: s.session_cost, "session_cost"),
        # Every session's cost starts at 0: statistics then begin a new cycle, no refund.
        cycle_start=from_status(lambda s: s.session_started, "session_started"),
    ),
    ChargePointSensorDescription(
        key="vehicle_status",
        translation_key="vehicle_status",
        # The plug binary sensor and the charging state say it in fewer words.
        entity_registry_enabled_default=False,
        device_class=SensorDeviceClass.ENUM,
        options=[status.value for status in VehicleStatus],
        reads=from_status(lambda s: s.vehicle_status, "vehicle_status"),
    ),
    ChargePointSensorDescription(
        key="activity",
        translation_key="activity",
        device_class=SensorDeviceClass.ENUM,
        options=ACTIVITY_OPTIONS,
        reads=from_status(lambda s: activity_state(s.activity), "activity"),
    ),
    _current(
        "max_usage",
        from_status(lambda s: s.max_usage, "max_usage"),
        enabled=False,  # the current limit's maximum, and the limit-in-force sensor
        category=EntityCategory.DIAGNOSTIC,
    ),
    _current(
        "smartcharging_max_usage",
        from_status(lambda s: s.smart_charging_max_usage, "smart_charging_max_usage"),
        enabled=False,
        category=EntityCategory.DIAGNOSTIC,
    ),
    _current(
        "max_offline",
        from_status(lambda s: s.max_offline, "max_offline"),
        enabled=False,
        category=EntityCategory.DIAGNOSTIC,
    ),
    _current(
        "current_left",
        from_charge_point(_current_left, *_CURRENTS, "max_usage", "smart_charging_max_usage"),
        enabled=False,
    ),
    _timestamp("start_datetime", lambda s: s.session_started, "session_started"),
    # Off by default (the last session's sensors and the online sensor tell the same), so a
    # 500-charge-point account stays within 10,000 entities per entry.
    _timestamp("stop_datetime", lambda s: s.session_stopped, "session_stopped", enabled=False),
    _timestamp("offline_since", lambda s: s.offline_since, "offline_since", enabled=False),
    ChargePointSensorDescription(
        key="charging_state",
        translation_key="charging_state",
        device_class=SensorDeviceClass.ENUM,
        options=[state.value for state in ChargingState],
        reads=from_status(charging_state, "activity", "vehicle_status"),
    ),
    ChargePointSensorDescription(
        key="delayed_charging_days",
        translation_key="delayed_charging_days",
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        reads=from_charge_point(_delayed_days),
    ),
    _price("price_in_vat", lambda t: t.price_in_vat, per_kwh=True),
    _price("price_ex_vat", lambda t: t.price_ex_vat, per_kwh=True),
    _price("start_price_in_vat", lambda t: t.start_price_in_vat, per_kwh=False),
    _price("start_price_ex_vat", lambda t: t.start_price_ex_vat, per_kwh=False),
)


def _grid_current(
    key: str,
    read: Callable[[GridStatus], float | None],
    *,
    enabled: bool = True,
    limit: bool = False,
) -> GridSensorDescription:
    """A current of the grid; a limit (installed, reserved) is diagnostic, without statistics."""
    return GridSensorDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.CURRENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        state_class=None if limit else SensorStateClass.MEASUREMENT,
        entity_category=EntityCategory.DIAGNOSTIC if limit else None,
        entity_registry_enabled_default=enabled,
        value_fn=read,
    )


GRID_SENSORS: tuple[GridSensorDescription, ...] = (
    _grid_current("grid_actual_p1", lambda g: g.current_phase_1, enabled=False),
    _grid_current("grid_actual_p2", lambda g: g.current_phase_2, enabled=False),
    _grid_current("grid_actual_p3", lambda g: g.current_phase_3, enabled=False),
    _grid_current("grid_avg_current", lambda g: g.average_current),
    _grid_current("grid_max_current", lambda g: g.max_current),
    _grid_current("grid_max_install", lambda g: g.max_installed, limit=True),
    _grid_current("grid_max_reserved", lambda g: g.max_reserved, limit=True),
)


class ChargePointSensor(ChargePointEntity, WrittenSensor):
    """A sensor of a charge point."""

    entity_description: ChargePointSensorDescription

    def __init__(
        self,
        coordinator: BlueCurrentCoordinator,
        evse_id: str,
        description: ChargePointSensorDescription,
    ) -> None:
        """Create the sensor; a tariff price gets the tariff's currency."""
        fields = description.reads.status_fields
        if description.cycle_start is not None:
            fields |= description.cycle_start.status_fields
        super().__init__(coordinator, evse_id, description, fields)
        tariff = coordinator.data.charge_points[evse_id].info.tariff
        if description.tariff_unit is not None and tariff is not None:
            currency = tariff.currency or CURRENCY_EURO
            self._attr_native_unit_of_measurement = description.tariff_unit(currency)

    def _current_value(self) -> SensorValue:
        """The value from the charge point's snapshot."""
        cp = self.charge_point
        return None if cp is None else self.entity_description.reads(cp)

    @property
    def last_reset(self) -> datetime | None:
        """When a total that starts again last did (None for the other sensors)."""
        cp = self.charge_point
        cycle_start = self.entity_description.cycle_start
        return None if cp is None or cycle_start is None else cycle_start(cp)


class GridSensor(GridEntity, WrittenSensor):
    """A sensor of a grid."""

    entity_description: GridSensorDescription

    def _current_value(self) -> float | None:
        """The value from the grid's snapshot."""
        grid = self.grid
        return None if grid is None else self.entity_description.value_fn(grid)


# The limit in force now, and why.


@dataclass(frozen=True, kw_only=True)
class CurrentLimitSensorDescription(SensorEntityDescription):
    """The amperes in force (source False) or what sets them (source True)."""

    source: bool


CURRENT_LIMIT_SENSORS: tuple[CurrentLimitSensorDescription, ...] = (
    CurrentLimitSensorDescription(
        key="current_limit",
        translation_key="current_limit",
        device_class=SensorDeviceClass.CURRENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        source=False,
    ),
    CurrentLimitSensorDescription(
        key="current_limit_source",
        translation_key="current_limit_source",
        device_class=SensorDeviceClass.ENUM,
        options=[source.value for source in LimitSource],
        entity_registry_enabled_default=False,
        source=True,
    ),
)
_LIMIT_FIELDS = frozenset({"activity", "max_usage", "smart_charging_max_usage", "max_offline"})
# Override schedules open and close on the minute.
_SCHEDULE_CHECK = timedelta(minutes=1)


class CurrentLimitSensor(ChargePointEntity, WrittenSensor):
    """The current a car may draw now: the installation's, smart charging's, an override's."""

    entity_description: CurrentLimitSensorDescription

    def __init__(
        self,
        coordinator: BlueCurrentCoordinator,
        evse_id: str,
        description: CurrentLimitSensorDescription,
    ) -> None:
        """Wake on the limits in the status; schedules wake every entity of the charge point."""
        super().__init__(coordinator, evse_id, description, _LIMIT_FIELDS)

    async def async_added_to_hass(self) -> None:
        """Look again every minute: an override schedule may open or close."""
        await super().async_added_to_hass()
        self.async_on_remove(
            async_track_time_interval(self.hass, self._async_minute, _SCHEDULE_CHECK)
        )

    @callback
    def _async_minute(self, _now: datetime) -> None:
        self._handle_coordinator_update()

    def _current_value(self) -> float | str | None:
        """The amperes, or the source."""
        cp = self.charge_point
        if cp is None:
            return None
        amps, source = limit_in_force(cp, self.coordinator.data.overrides, dt_util.utcnow())
        if self.entity_description.source:
            return None if source is None else source.value
        return amps


# Energy over the charge point's life, and the last session.

LIFETIME_ENERGY = SensorEntityDescription(
    key="lifetime_energy",
    translation_key="lifetime_energy",
    device_class=SensorDeviceClass.ENERGY,
    native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
    state_class=SensorStateClass.TOTAL_INCREASING,
    suggested_display_precision=2,
)
_SESSION_FIELDS = frozenset({"session_energy", "session_started"})


class LifetimeEnergySensor(ChargePointEntity, WrittenSensor, RestoreEntity):
    """The sum of every session's energy, for the Energy dashboard; never goes down."""

    def __init__(
        self,
        coordinator: BlueCurrentCoordinator,
        evse_id: str,
        description: SensorEntityDescription,
    ) -> None:
        """Start from nothing until the stored meter is restored."""
        super().__init__(coordinator, evse_id, description, _SESSION_FIELDS)
        self._meter = LifetimeEnergy()

    async def async_added_to_hass(self) -> None:
        """Restore the meter (total and the session counted so far), then count what is new."""
        await super().async_added_to_hass()
        extra = await self.async_get_last_extra_data()
        if extra is not None:
            self._meter = LifetimeEnergy.from_dict(extra.as_dict())
        self._observe()

    @property
    def extra_restore_state_data(self) -> RestoredExtraData:
        """The meter: its total and how much of which session is in it."""
        return RestoredExtraData(self._meter.as_dict())

    def _observe(self) -> None:
        cp = self.charge_point
        if cp is not None and cp.status is not None:
            self._meter.observe(cp.status.session_started, cp.status.session_energy)

    @callback
    def _handle_coordinator_update(self) -> None:
        self._observe()
        super()._handle_coordinator_update()

    def _current_value(self) -> float:
        """The total in kWh."""
        return self._meter.total


@dataclass(frozen=True, kw_only=True)
class LastSessionSensorDescription(SensorEntityDescription):
    """A figure of the last finished session."""

    value_fn: Callable[[SessionSummary], float | None]


LAST_SESSION_SENSORS: tuple[LastSessionSensorDescription, ...] = (
    LastSessionSensorDescription(
        key="last_session_energy",
        translation_key="last_session_energy",
        device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        suggested_display_precision=2,
        entity_registry_enabled_default=False,
        value_fn=lambda session: session.energy,
    ),
    LastSessionSensorDescription(
        key="last_session_cost",
        translation_key="last_session_cost",
        device_class=SensorDeviceClass.MONETARY,
        native_unit_of_measurement=CURRENCY_EURO,
        suggested_display_precision=2,
        entity_registry_enabled_default=False,
        value_fn=lambda session: session.cost,
    ),
    LastSessionSensorDescription(
        key="last_session_duration",
        translation_key="last_session_duration",
        device_class=SensorDeviceClass.DURATION,
        native_unit_of_measurement=UnitOfTime.MINUTES,
        suggested_display_precision=0,
        entity_registry_enabled_default=False,
        value_fn=lambda session: session.duration,
    ),
)
_FINISHED_FIELDS = frozenset(
    {"activity", "session_energy", "session_cost", "session_started", "session_stopped"}
)


class LastSessionSensor(ChargePointEntity, WrittenSensor, RestoreSensor):
    """A figure of the last finished session: kept while the next one runs, and restored."""

    entity_description: LastSessionSensorDescription

    def __init__(
        self,
        coordinator: BlueCurrentCoordinator,
        evse_id: str,
        description: LastSessionSensorDescription,
    ) -> None:
        """Nothing known until restored or until a status reports a finished session."""
        super().__init__(coordinator, evse_id, description, _FINISHED_FIELDS)
        self._value: float | None = None

    async def async_added_to_hass(self) -> None:
        """Restore the last value; a finished session in the status replaces it."""
        await super().async_added_to_hass()
        last = await self.async_get_last_sensor_data()
        if last is not None and isinstance(last.native_value, int | float):
            self._value = float(last.native_value)
        self._read()

    def _read(self) -> None:
        cp = self.charge_point
        session = None if cp is None or cp.status is None else finished_session(cp.status)
        if session is not None:
            self._value = self.entity_description.value_fn(session)

    @callback
    def _handle_coordinator_update(self) -> None:
        self._read()
        super()._handle_coordinator_update()

    def _current_value(self) -> float | None:
        """The last finished session's figure."""
        return self._value


# Add sensors for every charge point and grid, now and when more appear.
async_setup_entry = setup_per_charge_point(
    per_charge_point=lambda coordinator, evse_id: [
        *(ChargePointSensor(coordinator, evse_id, d) for d in CHARGE_POINT_SENSORS),
        *(CurrentLimitSensor(coordinator, evse_id, d) for d in CURRENT_LIMIT_SENSORS),
        LifetimeEnergySensor(coordinator, evse_id, LIFETIME_ENERGY),
        *(LastSessionSensor(coordinator, evse_id, d) for d in LAST_SESSION_SENSORS),
    ],
    per_grid=lambda coordinator, grid_id: (
        GridSensor(coordinator, grid_id, d) for d in GRID_SENSORS
    ),
)
