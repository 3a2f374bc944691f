"""What every entity of both products shares: a state is written only when it changed."""

from __future__ import annotations

from abc import abstractmethod
from datetime import datetime

from homeassistant.components.sensor import SensorEntity
from homeassistant.core import callback
from homeassistant.helpers.entity import Entity

from .const import LOGGER

_NOT_WRITTEN = object()


class WritesOnlyChanges(Entity):
    """An entity that writes its state only when what Home Assistant would write changed.

    The comparison covers the state and its attributes as Home Assistant computes them, so
    no subclass can forget to declare what it shows. Every write, from an update or from
    anywhere else, is remembered, so the next comparison is always against what is shown.
    """

    _written: object = _NOT_WRITTEN
    _form_known = False
    _refused = False  # Home Assistant refused the last state (logged once)

    def _state_form(self) -> tuple[object, ...]:
        """What the next write would carry that can change (the static attributes left out)."""
        if not self.available:
            return (False,)
        return (
            True,
            self.state,
            self.capability_attributes,
            self.state_attributes,
            self.extra_state_attributes,
        )

    @callback
    def _handle_coordinator_update(self) -> None:
        """Write the new state if it changed; a state Home Assistant refuses stops only this
        entity: the exception does not travel back into the loop that wakes the others."""
        try:
            form = self._state_form()
            if form != self._written:
                self._written = form
                self._form_known = True
                self.async_write_ha_state()
        except Exception:  # any refusal; it is logged with its cause
            if not self._refused:
                LOGGER.exception("%s could not show its new state", self.entity_id)
            self._refused = True
        else:
            self._refused = False

    @callback
    def _async_write_ha_state(self) -> None:
        if not self._form_known:
            self._written = self._state_form()
        self._form_known = False
        super()._async_write_ha_state()


type SensorValue = float | str | datetime | None


class WrittenSensor(WritesOnlyChanges, SensorEntity):
    """A sensor whose value is computed once per write: compared with the shown one, then
    handed to Home Assistant as the native value (never computed a second time)."""

    @abstractmethod
    def _current_value(self) -> SensorValue:
        """The value the sensor shows now."""

    def _state_form(self) -> tuple[object, ...]:
        """The native value and the extra attributes stand for the state.

        A sensor's state is its native value formatted by fixed rules (unit, precision,
        device class) and its capability attributes (state class, options) come from its
        description: the same comparison, without formatting twice for every write.
        """
        if not self.available:
            return (False,)
        value = self._current_value()
        # Whether written now or not: when the form is unchanged, so is this value.
        self._attr_native_value = value
        return (True, value, self.extra_state_attributes)
