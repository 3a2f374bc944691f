"""Binary sensors of a charge point: a car plugged in, charging, online, boosting."""

from __future__ import annotations

from dataclasses import dataclass

from homeassistant.components.binary_sensor import (
    BinarySensorEntity,
    BinarySensorEntityDescription,
)
from homeassistant.components.binary_sensor.const import BinarySensorDeviceClass
from homeassistant.const import EntityCategory

from ..api.bluecurrent import Activity
from .charging import battery_charging, plugged
from .coordinator import BlueCurrentCoordinator
from .entity import ChargePointEntity, Reads, from_status, setup_per_charge_point


@dataclass(frozen=True, kw_only=True)
class ChargePointBinarySensorDescription(BinarySensorEntityDescription):
    """A binary sensor of a charge point; None means: not known now."""

    is_on: Reads[bool | None]


BINARY_SENSORS: tuple[ChargePointBinarySensorDescription, ...] = (
    ChargePointBinarySensorDescription(
        key="vehicle_connected",
        translation_key="vehicle_connected",
        device_class=BinarySensorDeviceClass.PLUG,
        is_on=from_status(plugged, "activity", "vehicle_status"),
    ),
    ChargePointBinarySensorDescription(
        key="charging",
        translation_key="charging",
        device_class=BinarySensorDeviceClass.BATTERY_CHARGING,
        is_on=from_status(battery_charging, "activity", "vehicle_status"),
    ),
    ChargePointBinarySensorDescription(
        key="online",
        translation_key="online",
        device_class=BinarySensorDeviceClass.CONNECTIVITY,
        entity_category=EntityCategory.DIAGNOSTIC,
        entity_registry_enabled_default=False,
        is_on=from_status(
            lambda s: None if s.activity is None else s.activity is not Activity.OFFLINE,
            "activity",
        ),
    ),
    ChargePointBinarySensorDescription(
        key="boosting",
        translation_key="boosting",
        entity_registry_enabled_default=False,
        is_on=from_status(lambda s: s.boosting, "boosting"),
    ),
)


class ChargePointBinarySensor(ChargePointEntity, BinarySensorEntity):
    """A binary sensor read from the charge point's status."""

    entity_description: ChargePointBinarySensorDescription

    def __init__(
        self,
        coordinator: BlueCurrentCoordinator,
        evse_id: str,
        description: ChargePointBinarySensorDescription,
    ) -> None:
        """Wake on the status fields the description reads."""
        super().__init__(coordinator, evse_id, description, description.is_on.status_fields)

    @property
    def is_on(self) -> bool | None:
        """The value from the charge point's snapshot."""
        cp = self.charge_point
        return None if cp is None else self.entity_description.is_on(cp)


# Add the binary sensors of every charge point, now and when more appear.
async_setup_entry = setup_per_charge_point(
    per_charge_point=lambda coordinator, evse_id: (
        ChargePointBinarySensor(coordinator, evse_id, description) for description in BINARY_SENSORS
    ),
)
