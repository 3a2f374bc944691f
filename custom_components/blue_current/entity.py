"""What every entity of both products shares: a state is written only when it changed."""

from __future__ import annotations

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
        """What the next write would carry that can change (the static attributes left out).

        A sensor's state is its native value formatted by fixed rules (unit, precision,
        device class) and its capability attributes (state class, options) come from its
        description, so the native value and the extra attributes stand for it: the same
        comparison, without formatting twice for every write.
        """
        available = self.available
        if not available:
            return (False,)
        if isinstance(self, SensorEntity):
            return (True, self.native_value, self.extra_state_attributes)
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
        except Exception:  # noqa: BLE001 (any refusal; it is logged with its cause)
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
