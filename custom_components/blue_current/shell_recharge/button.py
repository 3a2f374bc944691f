"""Buttons of a Shell Recharge card: start at the default EVSE, stop the shown session."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription

from .coordinator import ShellCoordinator
from .entity import ShellCardEntity, setup_per_card
from .sessions import async_start_session, async_stop_session, checked_evse_id


@dataclass(frozen=True, kw_only=True)
class ShellCardButtonDescription(ButtonEntityDescription):
    """A button of a card; available_fn says when pressing it makes sense."""

    press_fn: Callable[[ShellCoordinator], Coroutine[Any, Any, None]]
    available_fn: Callable[[ShellCoordinator], bool]
    attributes_fn: Callable[[ShellCoordinator], dict[str, Any]] | None = None


async def _start_at_default_evse(coordinator: ShellCoordinator) -> None:
    # Does not wait for the operator: the session status sensor shows how it goes.
    await async_start_session(
        coordinator, checked_evse_id(coordinator, coordinator.default_evse_id), wait=False
    )


async def _stop_active_session(coordinator: ShellCoordinator) -> None:
    await async_stop_session(coordinator, None, prefer_shown=True)


def _session_to_stop(coordinator: ShellCoordinator) -> dict[str, Any]:
    """Which session the stop button stops: the one the card's sensors show (or the only
    one), so that with several sessions the user sees which before pressing."""
    data = coordinator.data
    shown = data.session if data.session in data.stoppable else None
    if shown is None and len(data.stoppable) == 1:
        shown = data.stoppable[0]
    if shown is None:
        return {"session_id": None, "evse_id": None}
    return {"session_id": shown.session_id, "evse_id": shown.evse_id}


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
        attributes_fn=_session_to_stop,
    ),
)


class ShellCardButton(ShellCardEntity, ButtonEntity):
    """A button of a Shell Recharge card; a refusal is raised as a translated error."""

    entity_description: ShellCardButtonDescription

    @property
    def available(self) -> bool:
        """The card's data is current, and the button has something to do."""
        return super().available and self.entity_description.available_fn(self.coordinator)

    @property
    def extra_state_attributes(self) -> dict[str, Any] | None:
        """What the button acts on, if it says."""
        attributes_fn = self.entity_description.attributes_fn
        return None if attributes_fn is None else attributes_fn(self.coordinator)

    async def async_press(self) -> None:
        """Ask the API; the card's sensors follow the session from here."""
        await self.entity_description.press_fn(self.coordinator)


# One of each for the card.
async_setup_entry = setup_per_card(ShellCardButton, SHELL_BUTTONS)
