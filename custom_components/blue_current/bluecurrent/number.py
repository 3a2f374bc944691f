"""Numbers of a charge point: the charging-current limit (and price-based charging's settings)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from homeassistant.components.number import (
    NumberDeviceClass,
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.const import PERCENTAGE, EntityCategory, UnitOfElectricCurrent, UnitOfEnergy

from ..api.bluecurrent import PriceBasedChargingSettings
from .commands import Command, async_run_command
from .coordinator import BlueCurrentCoordinator
from .entity import ChargePointEntity, setup_per_charge_point
from .limit import DEFAULT_MAX_CURRENT, MIN_CURRENT
from .smart import price_settings

CHARGING_CURRENT_LIMIT = NumberEntityDescription(
    key="charging_current_limit",
    translation_key="charging_current_limit",
    device_class=NumberDeviceClass.CURRENT,
    native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
    native_min_value=MIN_CURRENT,
    native_step=1,
    mode=NumberMode.SLIDER,
)


@dataclass(frozen=True, kw_only=True)
class PriceBasedNumberDescription(NumberEntityDescription):
    """A setting of price-based charging; field: its name in the settings patch."""

    value_fn: Callable[[PriceBasedChargingSettings], float | None]
    field: str


PRICE_BASED_NUMBERS: tuple[PriceBasedNumberDescription, ...] = (
    PriceBasedNumberDescription(
        key="battery_size",
        translation_key="battery_size",
        device_class=NumberDeviceClass.ENERGY_STORAGE,
        native_unit_of_measurement=UnitOfEnergy.KILO_WATT_HOUR,
        native_min_value=1,
        native_max_value=250,
        native_step=1,
        mode=NumberMode.BOX,
        entity_category=EntityCategory.CONFIG,
        entity_registry_enabled_default=False,
        value_fn=lambda s: s.battery_size_kwh,
        field="battery_size_kwh",
    ),
    PriceBasedNumberDescription(
        key="minimum_charge",
        translation_key="minimum_charge",
        native_unit_of_measurement=PERCENTAGE,
        native_min_value=0,
        native_max_value=100,
        native_step=1,
        mode=NumberMode.SLIDER,
        entity_category=EntityCategory.CONFIG,
        entity_registry_enabled_default=False,
        value_fn=lambda s: s.minimum_pct,
        field="minimum_pct",
    ),
    PriceBasedNumberDescription(
        key="current_battery_level",
        translation_key="current_battery_level",
        device_class=NumberDeviceClass.BATTERY,
        native_unit_of_measurement=PERCENTAGE,
        native_min_value=0,
        native_max_value=100,
        native_step=1,
        mode=NumberMode.SLIDER,
        entity_category=EntityCategory.CONFIG,
        entity_registry_enabled_default=False,
        value_fn=lambda s: s.current_battery_pct,
        field="current_battery_pct",
    ),
)


class ChargingCurrentLimit(ChargePointEntity, NumberEntity):
    """The most a car may draw, in A: 6 up to the charge point's max usage.

    The state is what the cloud lists; a value set is written a few seconds later, coalesced
    with the values set after it (see limit.py), so it accepts a control loop's floats.
    """

    def __init__(
        self,
        coordinator: BlueCurrentCoordinator,
        evse_id: str,
        description: NumberEntityDescription,
    ) -> None:
        """Wake when the max usage changes; schedules wake every entity of the charge point."""
        super().__init__(coordinator, evse_id, description, frozenset({"max_usage"}))

    @property
    def native_max_value(self) -> float:
        """The charge point's max usage."""
        return float(self.coordinator.limits.max_current(self.evse_id) or DEFAULT_MAX_CURRENT)

    @property
    def native_value(self) -> float | None:
        """The limit the cloud lists."""
        return self.coordinator.limits.limit(self.evse_id)

    @property
    def available(self) -> bool:
        """Known once the schedules were listed and the max usage is known."""
        return super().available and self.native_value is not None

    async def async_set_native_value(self, value: float) -> None:
        """Ask for a limit; the write follows once the coalescing window closes."""
        self.coordinator.limits.request(self.evse_id, value)


class PriceBasedNumber(ChargePointEntity, NumberEntity):
    """A setting of price-based charging: available while that profile is on."""

    entity_description: PriceBasedNumberDescription

    @property
    def native_value(self) -> float | None:
        """The value the cloud reads back."""
        cp = self.charge_point
        settings = None if cp is None else price_settings(cp)
        return None if settings is None else self.entity_description.value_fn(settings)

    @property
    def available(self) -> bool:
        """While price-based charging is on (its settings are only read back then)."""
        return super().available and self.native_value is not None

    async def async_set_native_value(self, value: float) -> None:
        """Patch this one setting; the state follows the cloud's read-back."""
        amount = round(value)
        field = self.entity_description.field
        await async_run_command(
            self.hass,
            self.coordinator,
            self.evse_id,
            Command.PRICE_BASED_CHARGING,
            lambda: self.coordinator.client.update_price_based_charging_settings(
                self.evse_id,
                battery_size_kwh=amount if field == "battery_size_kwh" else None,
                minimum_pct=amount if field == "minimum_pct" else None,
                current_battery_pct=amount if field == "current_battery_pct" else None,
            ),
        )


# Add the numbers of every charge point, now and when more appear.
async_setup_entry = setup_per_charge_point(
    per_charge_point=lambda coordinator, evse_id: [
        ChargingCurrentLimit(coordinator, evse_id, CHARGING_CURRENT_LIMIT),
        *(PriceBasedNumber(coordinator, evse_id, d) for d in PRICE_BASED_NUMBERS),
    ],
)
