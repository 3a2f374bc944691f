"""Buttons of a charge point (reboot, reset, start, stop) and of a Shell Recharge card."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.components.button.const import ButtonDeviceClass
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback

from .commands import async_run_command
from .coordinator import BlueCurrentCoordinator
from .entity import ChargePointEntity, async_add_as_they_appear
from .shell_commands import (
    async_start_session,
    async_stop_session,
    checked_evse_id,
)
from .shell_coordinator import AnyConfigEntry, ShellCoordinator
from .shell_entity import ShellCardEntity

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


@dataclass(frozen=True, kw_only=True)
class ShellCardButtonDescription(ButtonEntityDescription):
    """A button of a card; available_fn says when pressing it makes sense."""

    press_fn: Callable[[ShellCoordinator], Coroutine[Any, Any, None]]
    available_fn: Callable[[ShellCoordinator], bool]


async def _start_at_default_evse(coordinator: ShellCoordinator) -> None:
    # Does not wait for the operator: the session status sensor shows how it goes.
    await async_start_session(
        coordinator, checked_evse_id(coordinator, coordinator.default_evse_id), wait=False
    )


async def _stop_active_session(coordinator: ShellCoordinator) -> None:
    await async_stop_session(coordinator, None, prefer_shown=True)


SHELL_BUTTONS: tuple[ShellCardButtonDescription, ...] = (
    ShellCardButtonDescription(
        key="start_session",
        translation_key="start_session",
        press_fn=_start_at_default_evse,
        available_fn=lambda coordinator: coordinator.default_evse_id is not None,
    ),
    ShellCardButtonDescription(
        key="stop_session",
        translation_key="stop_session",
        press_fn=_stop_active_session,
        available_fn=lambda coordinator: bool(coordinator.data.stoppable),
    ),
)


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AnyConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add the buttons of every charge point, now and when more appear; or a card's."""
    coordinator = entry.runtime_data
    if isinstance(coordinator, ShellCoordinator):
        async_add_entities(ShellCardButton(coordinator, d) for d in SHELL_BUTTONS)
        return
    async_add_as_they_appear(
        entry,
        coordinator,
        async_add_entities,
        per_charge_point=lambda evse_id: (
            ChargePointButton(coordinator, evse_id, description) for description in BUTTONS
        ),
    )


class ChargePointButton(ChargePointEntity, ButtonEntity):
    """A button that waits for the cloud's verdict and reports a rejection."""

    _status_fields = frozenset[str]()  # a button shows no status

    entity_description: ChargePointButtonDescription

    async def async_press(self) -> None:
        """Send the command and wait for the verdict."""
        await async_run_command(
            self.entity_description.press_fn(self.coordinator, self.evse_id),
            command=self.entity_description.key,
            charge_point=self.evse_id,
        )


class ShellCardButton(ShellCardEntity, ButtonEntity):
    """A button of a Shell Recharge card; a refusal is raised as a translated error."""

    entity_description: ShellCardButtonDescription

    @property
    def available(self) -> bool:
        """The card's data is current, and the button has something to do."""
        return super().available and self.entity_description.available_fn(self.coordinator)

    async def async_press(self) -> None:
        """Ask the API; the card's sensors follow the session from here."""
        await self.entity_description.press_fn(self.coordinator)
