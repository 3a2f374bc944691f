"""What every entity of both products shares: a state is written only when it changed."""

from __future__ import annotations

from homeassistant.components.sensor import SensorEntity
from homeassistant.core import callback
from homeassistant.helpers.entity import Entity

_NOT_WRITTEN = object()


class WritesOnlyChanges(Entity):
    """An entity that writes its state only when what Home Assistant would write changed.

    The comparison covers the state and its attributes as Home Assistant computes them, so
    no subclass can forget to declare what it shows. Every write, from an update or from
    anywhere else, is remembered, so the next comparison is always against what is shown.
    """

    _written: object = _NOT_WRITTEN
    _form_known = False

    def _state_form(self) -> tuple[object, ...]:
        """What the next write would carry that can change (the static attributes left out).

        A sensor's state is its native value formatted by fixed rules (unit, precision,
        device class), so the native value stands for it: the same comparison, without
        formatting twice for every write.
        """
        available = self.available
        if not available:
            return (False,)
        shown = self.native_value if isinstance(self, SensorEntity) else self.state
        return (
            True,
            shown,
            self.capability_attributes,
            self.state_attributes,
            self.extra_state_attributes,
        )

    @callback
    def _handle_coordinator_update(self) -> None:
        form = self._state_form()
        if form != self._written:
            self._written = form
            self._form_known = True
            self.async_write_ha_state()

    @callback
    def _async_write_ha_state(self) -> None:
        if not self._form_known:
            self._written = self._state_form()
        self._form_known = False
        super()._async_write_ha_state()
