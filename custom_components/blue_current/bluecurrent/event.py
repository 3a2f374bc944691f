"""The session event entity of a charge point: sessions, plugs and refused commands, live."""

from __future__ import annotations

from homeassistant.components.event import EventEntity, EventEntityDescription
from homeassistant.core import callback

from .charging import Happening, Occurrence
from .entity import ChargePointEntity, setup_per_charge_point

CHARGING_SESSION = EventEntityDescription(
    key="charging_session",
    translation_key="charging_session",
    event_types=[occurrence.value for occurrence in Occurrence],
    entity_registry_enabled_default=False,
)


class ChargingSessionEvent(ChargePointEntity, EventEntity):
    """Fires what happens at the charge point while connected; nothing is replayed.

    The coordinator compares two statuses of one connection only, so what changed while
    Home Assistant was stopped or disconnected never fires after a restart or reconnect.
    """

    async def async_added_to_hass(self) -> None:
        """Hear the charge point's happenings."""
        await super().async_added_to_hass()
        self.async_on_remove(self.coordinator.happenings.listen(self.evse_id, self._async_happened))

    @callback
    def _async_happened(self, happening: Happening) -> None:
        self._trigger_event(happening.kind.value, dict(happening.data))
        self.async_write_ha_state()


# Add a session event entity to every charge point, now and when more appear.
async_setup_entry = setup_per_charge_point(
    per_charge_point=lambda coordinator, evse_id: [
        ChargingSessionEvent(coordinator, evse_id, CHARGING_SESSION)
    ],
)
