"""Sensors of a Shell Recharge card: the session it shows, its sessions, the last error."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import EntityCategory

from ..api.shell import SessionState
from ..entity import SensorValue, WrittenSensor
from .entity import ShellCardEntity, setup_per_card
from .models import CardData, FailureReason
from .sessions import state_key


@dataclass(frozen=True, kw_only=True)
class ShellCardSensorDescription(SensorEntityDescription):
    """A sensor of a Shell Recharge card; value_fn reads it from the card's data."""

    value_fn: Callable[[CardData], SensorValue]
    attributes_fn: Callable[[CardData], dict[str, Any]] | None = None


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
        # With several sessions the other sensors show one; this lists them all.
        attributes_fn=lambda card: {"session_ids": [s.session_id for s in card.active]},
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


class ShellCardSensor(ShellCardEntity, WrittenSensor):
    """A sensor of a Shell Recharge card."""

    entity_description: ShellCardSensorDescription

    def _current_value(self) -> SensorValue:
        """The value from the card's data."""
        return self.entity_description.value_fn(self.coordinator.data)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """What the sensor lists besides its state, if anything."""
        attributes_fn = self.entity_description.attributes_fn
        return None if attributes_fn is None else attributes_fn(self.coordinator.data)


# One of each for the card.
async_setup_entry = setup_per_card(ShellCardSensor, SHELL_SENSORS)
