"""Sensors of charge points (CH_STATUS, tariff), grids (GRID_STATUS) and Shell Recharge cards."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
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
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .api.bluecurrent import Activity, ChargePointStatus, GridStatus, Tariff, VehicleStatus
from .api.shell import SessionState
from .coordinator import BlueCurrentCoordinator
from .data import ChargePointData
from .entity import ChargePointEntity, GridEntity, async_add_as_they_appear
from .shell_commands import state_key
from .shell_coordinator import AnyConfigEntry, CardData, FailureReason, ShellCoordinator
from .shell_entity import ShellCardEntity

PARALLEL_UPDATES = 0

type SensorValue = float | str | datetime | None


@dataclass(frozen=True, kw_only=True)
class ChargePointSensorDescription(SensorEntityDescription):
    """A sensor of a charge point; value_fn reads it from the charge point's snapshot.

    status_fields: the ChargePointStatus fields value_fn reads; a status push that changes
    none of them does not wake the sensor (None: every push does).
    """

    value_fn: Callable[[ChargePointData], SensorValue]
    status_fields: frozenset[str] | None = None


@dataclass(frozen=True, kw_only=True)
class GridSensorDescription(SensorEntityDescription):
    """A sensor of a grid."""

    value_fn: Callable[[GridStatus], float | None]


def _status[T](read: Callable[[ChargePointStatus], T]) -> Callable[[ChargePointData], T | None]:
    def value(cp: ChargePointData) -> T | None:
        return None if cp.status is None else read(cp.status)

    return value


def _tariff(read: Callable[[Tariff], float | None]) -> Callable[[ChargePointData], SensorValue]:
    def value(cp: ChargePointData) -> SensorValue:
        return None if cp.info.tariff is None else read(cp.info.tariff)

    return value


def _voltage(
    key: str, read: Callable[[ChargePointStatus], float | None], *, enabled: bool
) -> ChargePointSensorDescription:
    return ChargePointSensorDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.VOLTAGE,
        native_unit_of_measurement=UnitOfElectricPotential.VOLT,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=enabled,
        value_fn=_status(read),
    )


def _current(
    key: str,
    read: Callable[[ChargePointData], float | None],
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
        value_fn=read,
    )


def _timestamp(
    key: str, read: Callable[[ChargePointStatus], datetime | None]
) -> ChargePointSensorDescription:
    return ChargePointSensorDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=_status(read),
    )


def _price(key: str, read: Callable[[Tariff], float | None]) -> ChargePointSensorDescription:
    return ChargePointSensorDescription(
        key=key,
        translation_key=key,
        entity_category=EntityCategory.DIAGNOSTIC,
        # Diagnostic and rarely changing; off by default keeps large accounts under
        # Home Assistant's 10,000 entities per entry (bench/README.md, scale).
        entity_registry_enabled_default=False,
        suggested_display_precision=4 if "start" not in key else 2,
        value_fn=_tariff(read),
    )


def _current_left(cp: ChargePointData) -> float | None:
    return None if cp.status is None else cp.status.current_left(smart_charging=cp.smart_charging)


_CHARGE_POINT_SENSORS: tuple[ChargePointSensorDescription, ...] = (
    _voltage("actual_v1", lambda s: s.voltage_phase_1, enabled=False),
    _voltage("actual_v2", lambda s: s.voltage_phase_2, enabled=False),
    _voltage("actual_v3", lambda s: s.voltage_phase_3, enabled=False),
    _voltage("avg_voltage", lambda s: s.average_voltage, enabled=True),
    _current("actual_p1", _status(lambda s: s.current_phase_1), enabled=False),
    _current("actual_p2", _status(lambda s: s.current_phase_2), enabled=False),
    _current("actual_p3", _status(lambda s: s.current_phase_3), enabled=False),
    _current("avg_current", _status(lambda s: s.average_current)),
    ChargePointSensorDescription(
        key="power",
        translation_key="power",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.WATT,
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=_status(lambda s: s.power),
    ),
    ChargePointSensorDescription(
        key="total_kw",
        translation_key="total_kw",
        device_class=SensorDeviceClass.POWER,
        native_unit_of_measurement=UnitOfPower.KILO_WATT,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=False,
        value_fn=_status(lambda s: s.estimated_power_kw),
    ),
    ChargePointSensorDescription(
        key="actual_kwh",
        translation_key="actual_kwh",
        device_class=SensorDeviceClass.ENERGY,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        state_class=SensorStateClass.TOTAL_INCREASING,
        value_fn=_status(lambda s: s.session_energy),
    ),
    ChargePointSensorDescription(
        key="total_cost",
        translation_key="total_cost",
        device_class=SensorDeviceClass.MONETARY,
        native_unit_of_measurement=CURRENCY_EURO,
        value_fn=_status(lambda s: s.session_cost),
    ),
    ChargePointSensorDescription(
        key="vehicle_status",
        translation_key="vehicle_status",
        device_class=SensorDeviceClass.ENUM,
        options=[status.value for status in VehicleStatus],
        value_fn=_status(lambda s: s.vehicle_status),
    ),
    ChargePointSensorDescription(
        key="activity",
        translation_key="activity",
        device_class=SensorDeviceClass.ENUM,
        options=[activity.value for activity in Activity],
        value_fn=_status(lambda s: s.activity),
    ),
    _current("max_usage", _status(lambda s: s.max_usage), category=EntityCategory.DIAGNOSTIC),
    _current(
        "smartcharging_max_usage",
        _status(lambda s: s.smart_charging_max_usage),
        enabled=False,
        category=EntityCategory.DIAGNOSTIC,
    ),
    _current(
        "max_offline",
        _status(lambda s: s.max_offline),
        enabled=False,
        category=EntityCategory.DIAGNOSTIC,
    ),
    _current("current_left", _current_left, enabled=False),
    _timestamp("start_datetime", lambda s: s.session_started),
    _timestamp("stop_datetime", lambda s: s.session_stopped),
    _timestamp("offline_since", lambda s: s.offline_since),
    _price("price_in_vat", lambda t: t.price_in_vat),
    _price("price_ex_vat", lambda t: t.price_ex_vat),
    _price("start_price_in_vat", lambda t: t.start_price_in_vat),
    _price("start_price_ex_vat", lambda t: t.start_price_ex_vat),
)

_VOLTAGES = frozenset({"voltage_phase_1", "voltage_phase_2", "voltage_phase_3"})
_CURRENTS = frozenset({"current_phase_1", "current_phase_2", "current_phase_3"})
# What each sensor reads from the status (tests/integration/test_sensor.py checks this).
_STATUS_FIELDS: dict[str, frozenset[str]] = {
    "actual_v1": frozenset({"voltage_phase_1"}),
    "actual_v2": frozenset({"voltage_phase_2"}),
    "actual_v3": frozenset({"voltage_phase_3"}),
    "avg_voltage": _VOLTAGES,
    "actual_p1": frozenset({"current_phase_1"}),
    "actual_p2": frozenset({"current_phase_2"}),
    "actual_p3": frozenset({"current_phase_3"}),
    "avg_current": _CURRENTS,
    "power": _VOLTAGES | _CURRENTS,
    "total_kw": _VOLTAGES | _CURRENTS,
    "actual_kwh": frozenset({"session_energy"}),
    "total_cost": frozenset({"session_cost"}),
    "vehicle_status": frozenset({"vehicle_status"}),
    "activity": frozenset({"activity"}),
    "max_usage": frozenset({"max_usage"}),
    "smartcharging_max_usage": frozenset({"smart_charging_max_usage"}),
    "max_offline": frozenset({"max_offline"}),
    "current_left": _CURRENTS | {"max_usage", "smart_charging_max_usage"},
    "start_datetime": frozenset({"session_started"}),
    "stop_datetime": frozenset({"session_stopped"}),
    "offline_since": frozenset({"offline_since"}),
}
CHARGE_POINT_SENSORS = tuple(
    replace(d, status_fields=_STATUS_FIELDS.get(d.key, frozenset())) for d in _CHARGE_POINT_SENSORS
)


def _grid_current(
    key: str, read: Callable[[GridStatus], float | None], *, enabled: bool = True
) -> GridSensorDescription:
    return GridSensorDescription(
        key=key,
        translation_key=key,
        device_class=SensorDeviceClass.CURRENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        state_class=SensorStateClass.MEASUREMENT,
        entity_registry_enabled_default=enabled,
        value_fn=read,
    )


GRID_SENSORS: tuple[GridSensorDescription, ...] = (
    _grid_current("grid_actual_p1", lambda g: g.current_phase_1, enabled=False),
    _grid_current("grid_actual_p2", lambda g: g.current_phase_2, enabled=False),
    _grid_current("grid_actual_p3", lambda g: g.current_phase_3, enabled=False),
    _grid_current("grid_avg_current", lambda g: g.average_current),
    _grid_current("grid_max_current", lambda g: g.max_current),
    GridSensorDescription(
        key="grid_max_install",
        translation_key="grid_max_install",
        device_class=SensorDeviceClass.CURRENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda g: g.max_installed,
    ),
    GridSensorDescription(
        key="grid_max_reserved",
        translation_key="grid_max_reserved",
        device_class=SensorDeviceClass.CURRENT,
        native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
        entity_category=EntityCategory.DIAGNOSTIC,
        value_fn=lambda g: g.max_reserved,
    ),
)


@dataclass(frozen=True, kw_only=True)
class ShellCardSensorDescription(SensorEntityDescription):
    """A sensor of a Shell Recharge card; value_fn reads it from the card's data."""

    value_fn: Callable[[CardData], SensorValue]


NO_ERROR = "none"

SHELL_SENSORS: tuple[ShellCardSensorDescription, ...] = (
    ShellCardSensorDescription(
        key="session_status",
        translation_key="session_status",
        device_class=SensorDeviceClass.ENUM,
        options=[state_key(None), *(state.value.replace("-", "_") for state in SessionState)],
        value_fn=lambda card: state_key(card.session),
    ),
    ShellCardSensorDescription(
        key="session_evse_id",
        translation_key="session_evse_id",
        value_fn=lambda card: None if card.session is None else card.session.evse_id,
    ),
    ShellCardSensorDescription(
        key="session_started",
        translation_key="session_started",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda card: None if card.session is None else card.session.started_at,
    ),
    ShellCardSensorDescription(
        key="session_stopped",
        translation_key="session_stopped",
        device_class=SensorDeviceClass.TIMESTAMP,
        value_fn=lambda card: None if card.session is None else card.session.stopped_at,
    ),
    ShellCardSensorDescription(
        key="active_sessions",
        translation_key="active_sessions",
        state_class=SensorStateClass.MEASUREMENT,
        value_fn=lambda card: len(card.active),
    ),
    ShellCardSensorDescription(
        key="last_error",
        translation_key="last_error",
        device_class=SensorDeviceClass.ENUM,
        entity_category=EntityCategory.DIAGNOSTIC,
        options=[NO_ERROR, *(reason.value for reason in FailureReason)],
        value_fn=lambda card: NO_ERROR if card.last_error is None else card.last_error.reason,
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AnyConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add sensors for every charge point and grid, now and when more appear; or a card's."""
    coordinator = entry.runtime_data
    if isinstance(coordinator, ShellCoordinator):
        async_add_entities(ShellCardSensor(coordinator, d) for d in SHELL_SENSORS)
        return
    async_add_as_they_appear(
        entry,
        coordinator,
        async_add_entities,
        per_charge_point=lambda evse_id: (
            ChargePointSensor(coordinator, evse_id, d) for d in CHARGE_POINT_SENSORS
        ),
        per_grid=lambda grid_id: (GridSensor(coordinator, grid_id, d) for d in GRID_SENSORS),
    )


class ChargePointSensor(ChargePointEntity, SensorEntity):
    """A sensor of a charge point."""

    entity_description: ChargePointSensorDescription

    def __init__(
        self,
        coordinator: BlueCurrentCoordinator,
        evse_id: str,
        description: ChargePointSensorDescription,
    ) -> None:
        """Create the sensor; tariff prices get the tariff's currency."""
        super().__init__(coordinator, evse_id, description)
        tariff = coordinator.data.charge_points[evse_id].info.tariff
        if description.key.endswith("_vat") and tariff is not None:
            currency = tariff.currency or CURRENCY_EURO
            per_kwh = not description.key.startswith("start_")
            self._attr_native_unit_of_measurement = (
                f"{currency}/{UnitOfEnergy.KILO_WATT_HOUR}" if per_kwh else currency
            )

    @property
    def native_value(self) -> SensorValue:
        """The value from the charge point's snapshot."""
        cp = self.charge_point
        return None if cp is None else self.entity_description.value_fn(cp)

    def _shown(self) -> object:
        return (self.available, self.native_value)


class GridSensor(GridEntity, SensorEntity):
    """A sensor of a grid."""

    entity_description: GridSensorDescription

    @property
    def native_value(self) -> float | None:
        """The value from the grid's snapshot."""
        grid = self.grid
        return None if grid is None else self.entity_description.value_fn(grid)

    def _shown(self) -> object:
        return (self.available, self.native_value)


class ShellCardSensor(ShellCardEntity, SensorEntity):
    """A sensor of a Shell Recharge card."""

    entity_description: ShellCardSensorDescription

    @property
    def native_value(self) -> SensorValue:
        """The value from the card's data."""
        return self.entity_description.value_fn(self.coordinator.data)
