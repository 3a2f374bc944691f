"""Buttons of a charge point: reboot, reset, start and stop a charge session."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.components.button.const import ButtonDeviceClass
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .commands import async_run_command
from .coordinator import BlueCurrentConfigEntry, BlueCurrentCoordinator
from .entity import ChargePointEntity

PARALLEL_UPDATES = 1


@dataclass(frozen=True, kw_only=True)
class ChargePointButtonDescription(ButtonEntityDescription):
    """A button; press_fn sends the command and returns once the cloud confirmed it."""

    press_fn: Callable[[BlueCurrentCoordinator, str], Coroutine[Any, Any, None]]


BUTTONS: tuple[ChargePointButtonDescription, ...] = (
    ChargePointButtonDescription(
        key="reset",
        translation_key="reset",
        device_class=ButtonDeviceClass.RESTART,
        entity_category=EntityCategory.CONFIG,
        press_fn=lambda coordinator, evse_id: coordinator.client.reset(evse_id),
    ),
    ChargePointButtonDescription(
        key="reboot",
        translation_key="reboot",
        device_class=ButtonDeviceClass.RESTART,
        entity_category=EntityCategory.CONFIG,
        press_fn=lambda coordinator, evse_id: coordinator.client.reboot(evse_id),
    ),
    ChargePointButtonDescription(
        key="start_charge_session",
        translation_key="start_charge_session",
        press_fn=lambda coordinator, evse_id: coordinator.client.start_session(
            evse_id, coordinator.selected_card(evse_id)
        ),
    ),
    ChargePointButtonDescription(
        key="stop_charge_session",
        translation_key="stop_charge_session",
        press_fn=lambda coordinator, evse_id: coordinator.client.stop_session(evse_id),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BlueCurrentConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the buttons of every charge point, now and when more appear."""
    coordinator = entry.runtime_data
    known: set[str] = set()

    @callback
    def add_new() -> None:
        new = coordinator.data.charge_points.keys() - known
        known.update(new)
        async_add_entities(
            ChargePointButton(coordinator, evse_id, description)
            for evse_id in new
            for description in BUTTONS
        )

    add_new()
    entry.async_on_unload(coordinator.async_add_structure_listener(add_new))


class ChargePointButton(ChargePointEntity, ButtonEntity):
    """A button that waits for the cloud's verdict and reports a rejection."""

    entity_description: ChargePointButtonDescription

    async def async_press(self) -> None:
        """Send the command and wait for the verdict."""
        await async_run_command(
            self.entity_description.press_fn(self.coordinator, self.evse_id),
            command=self.entity_description.key,
            charge_point=self.evse_id,
        )
