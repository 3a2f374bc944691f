"""Switches of a charge point: charging, plug-and-charge, linked charge cards only, block."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from homeassistant.components.switch import SwitchEntity, SwitchEntityDescription
from homeassistant.const import EntityCategory

from ..api.bluecurrent import Activity, BlueCurrentClient, Setting
from .charging import session_running
from .commands import Command, async_run_command, async_start_session
from .coordinator import BlueCurrentCoordinator
from .entity import (
    ChargePointEntity,
    Reads,
    from_charge_point,
    from_status,
    setup_per_charge_point,
)
from .select import chosen_card_uid
from .state import ChargePointData


@dataclass(frozen=True, kw_only=True)
class ChargePointSwitchDescription(SwitchEntityDescription):
    """A switch; is_on None means: no state known (the switch is then unavailable)."""

    is_on: Reads[bool | None]
    commands: tuple[Command, Command]  # (switching off, switching on)
    writable_fn: Callable[[ChargePointData], bool]
    set_fn: Callable[[BlueCurrentClient, str, bool], Coroutine[Any, Any, None]]


def _setting_on(setting: Setting | None) -> bool | None:
    return None if setting is None else setting.value


def _writable(setting: Setting | None) -> bool:
    return setting is not None and setting.writable


def _blocked(cp: ChargePointData) -> bool | None:
    activity = None if cp.status is None else cp.status.activity
    if activity in (None, Activity.OFFLINE):
        return None  # nobody can tell whether an offline charge point is blocked
    # Charging is "not blocked": the switch stays available, and blocking then asks to
    # stop the session first (bluecurrent/commands.py) instead of greying out.
    return activity is Activity.UNAVAILABLE


SWITCHES: tuple[ChargePointSwitchDescription, ...] = (
    ChargePointSwitchDescription(
        key="plug_and_charge",
        translation_key="plug_and_charge",
        commands=(Command.PLUG_AND_CHARGE, Command.PLUG_AND_CHARGE),
        entity_category=EntityCategory.CONFIG,
        is_on=from_charge_point(lambda cp: _setting_on(cp.settings.plug_and_charge)),
        writable_fn=lambda cp: _writable(cp.settings.plug_and_charge),
        set_fn=lambda client, evse_id, on: client.set_plug_and_charge(evse_id, on),
    ),
    ChargePointSwitchDescription(
        key="linked_charge_cards_only",
        translation_key="linked_charge_cards_only",
        commands=(Command.LINKED_CHARGE_CARDS_ONLY, Command.LINKED_CHARGE_CARDS_ONLY),
        entity_category=EntityCategory.CONFIG,
        is_on=from_charge_point(lambda cp: _setting_on(cp.settings.linked_charge_cards_only)),
        writable_fn=lambda cp: _writable(cp.settings.linked_charge_cards_only),
        set_fn=lambda client, evse_id, on: client.set_linked_charge_cards_only(evse_id, on),
    ),
    ChargePointSwitchDescription(
        key="block",
        translation_key="block",
        commands=(Command.UNBLOCK, Command.BLOCK),
        is_on=from_charge_point(_blocked, "activity"),
        writable_fn=lambda cp: True,
        set_fn=lambda client, evse_id, on: client.block(evse_id, on),
    ),
)


CHARGING = SwitchEntityDescription(key="charging", translation_key="charging")
CHARGING_READS = from_status(session_running, "activity")


class ChargePointSwitch(ChargePointEntity, SwitchEntity):
    """A switch whose state is what the cloud confirmed, never a guess."""

    entity_description: ChargePointSwitchDescription

    def __init__(
        self,
        coordinator: BlueCurrentCoordinator,
        evse_id: str,
        description: ChargePointSwitchDescription,
    ) -> None:
        """Follow the setting (or the activity, for block) of the charge point."""
        super().__init__(coordinator, evse_id, description, description.is_on.status_fields)

    @property
    def is_on(self) -> bool | None:
        """The confirmed state."""
        cp = self.charge_point
        return None if cp is None else self.entity_description.is_on(cp)

    @property
    def available(self) -> bool:
        """Unavailable without a known state or when the account may not change it."""
        cp = self.charge_point
        return (
            super().available
            and cp is not None
            and self.entity_description.is_on(cp) is not None
            and self.entity_description.writable_fn(cp)
        )

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Switch on; the state follows the cloud's confirmation."""
        await self._async_set(True)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Switch off; the state follows the cloud's confirmation."""
        await self._async_set(False)

    async def _async_set(self, on: bool) -> None:
        description = self.entity_description
        await async_run_command(
            self.hass,
            self.coordinator,
            self.evse_id,
            description.commands[on],
            lambda: description.set_fn(self.coordinator.client, self.evse_id, on),
        )


class ChargingSwitch(ChargePointEntity, SwitchEntity):
    """Charging: on starts a session with the card the charge-card select shows, off stops it.

    The state is the cloud's activity (a session held back by a profile is on too). Turning
    on a running session, or off an idle one, sends nothing: control loops (evcc, EV Smart
    Charging) may repeat themselves without spending requests or getting errors.
    """

    def __init__(
        self,
        coordinator: BlueCurrentCoordinator,
        evse_id: str,
        description: SwitchEntityDescription,
    ) -> None:
        """Follow the charge point's activity."""
        super().__init__(coordinator, evse_id, description, CHARGING_READS.status_fields)

    @property
    def is_on(self) -> bool | None:
        """Whether a session runs."""
        cp = self.charge_point
        return None if cp is None else CHARGING_READS(cp)

    async def async_turn_on(self, **kwargs: Any) -> None:
        """Start a session, unless one runs."""
        if self.is_on:
            return
        card_uid = chosen_card_uid(self.coordinator, self.evse_id)
        await async_start_session(self.hass, self.coordinator, self.evse_id, card_uid)

    async def async_turn_off(self, **kwargs: Any) -> None:
        """Stop the session, if one runs."""
        if self.is_on is False:
            return
        await async_run_command(
            self.hass,
            self.coordinator,
            self.evse_id,
            Command.STOP,
            lambda: self.coordinator.client.stop_session(self.evse_id),
        )


# Add the switches of every charge point, now and when more appear.
async_setup_entry = setup_per_charge_point(
    per_charge_point=lambda coordinator, evse_id: [
        ChargingSwitch(coordinator, evse_id, CHARGING),
        *(ChargePointSwitch(coordinator, evse_id, description) for description in SWITCHES),
    ],
)
