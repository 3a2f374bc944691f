"""Numbers of a charge point: the charging-current limit (and price-based charging's settings)."""

from __future__ import annotations

from homeassistant.components.number import (
    NumberDeviceClass,
    NumberEntity,
    NumberEntityDescription,
    NumberMode,
)
from homeassistant.const import UnitOfElectricCurrent
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from ..entry import AccountConfigEntry
from .coordinator import BlueCurrentCoordinator
from .entity import ChargePointEntity, async_add_as_they_appear
from .limit import DEFAULT_MAX_CURRENT, MIN_CURRENT

CHARGING_CURRENT_LIMIT = NumberEntityDescription(
    key="charging_current_limit",
    translation_key="charging_current_limit",
    device_class=NumberDeviceClass.CURRENT,
    native_unit_of_measurement=UnitOfElectricCurrent.AMPERE,
    native_min_value=MIN_CURRENT,
    native_step=1,
    mode=NumberMode.SLIDER,
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AccountConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the numbers of every charge point, now and when more appear."""
    coordinator = entry.runtime_data
    async_add_as_they_appear(
        entry,
        async_add_entities,
        per_charge_point=lambda evse_id: [
            ChargingCurrentLimit(coordinator, evse_id, CHARGING_CURRENT_LIMIT)
        ],
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
