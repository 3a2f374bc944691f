"""Buttons of a charge point: reboot, reset, start and stop a session, boost."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from homeassistant.components.button import ButtonEntity, ButtonEntityDescription
from homeassistant.components.button.const import ButtonDeviceClass
from homeassistant.const import EntityCategory

from ..api.bluecurrent import Activity
from .commands import Command, async_run_command, async_start_session
from .coordinator import BlueCurrentCoordinator
from .entity import ChargePointEntity, setup_per_charge_point
from .select import chosen_card_uid
from .state import ChargePointData


@dataclass(frozen=True, kw_only=True)
class ChargePointButtonDescription(ButtonEntityDescription):
    """A button; press_fn sends the command and returns once the cloud confirmed it."""

    command: Command
    press_fn: Callable[[BlueCurrentCoordinator, str], Coroutine[Any, Any, None]]


# A reset or reboot is rare: off by default, which keeps a 500-charge-point account within
# Home Assistant's 10,000 entities per entry now that the smart-charging entities are on.
BUTTONS: tuple[ChargePointButtonDescription, ...] = (
    ChargePointButtonDescription(
        key="reset",
        translation_key="reset",
        entity_registry_enabled_default=False,
        command=Command.RESET,
        device_class=ButtonDeviceClass.RESTART,
        entity_category=EntityCategory.CONFIG,
        press_fn=lambda coordinator, evse_id: coordinator.client.reset(evse_id),
    ),
    ChargePointButtonDescription(
        key="reboot",
        translation_key="reboot",
        entity_registry_enabled_default=False,
        command=Command.REBOOT,
        device_class=ButtonDeviceClass.RESTART,
        entity_category=EntityCategory.CONFIG,
        press_fn=lambda coordinator, evse_id: coordinator.client.reboot(evse_id),
    ),
    ChargePointButtonDescription(
        key="start_charge_session",
        translation_key="start_charge_session",
        command=Command.START,
        press_fn=lambda coordinator, evse_id: coordinator.client.start_session(
            evse_id, chosen_card_uid(coordinator, evse_id)
        ),
    ),
    ChargePointButtonDescription(
        key="stop_charge_session",
        translation_key="stop_charge_session",
        command=Command.STOP,
        press_fn=lambda coordinator, evse_id: coordinator.client.stop_session(evse_id),
    ),
)


class ChargePointButton(ChargePointEntity, ButtonEntity):
    """A button that waits for the cloud's verdict and reports a rejection."""

    entity_description: ChargePointButtonDescription

    async def async_press(self) -> None:
        """Send the command and wait for the verdict."""
        description = self.entity_description
        if description.command is Command.START:
            # The card goes with the session's events.
            card_uid = chosen_card_uid(self.coordinator, self.evse_id)
            await async_start_session(self.hass, self.coordinator, self.evse_id, card_uid)
            return
        await async_run_command(
            self.hass,
            self.coordinator,
            self.evse_id,
            description.command,
            lambda: description.press_fn(self.coordinator, self.evse_id),
        )


BOOST = ButtonEntityDescription(
    key="boost", translation_key="boost", entity_registry_enabled_default=False
)
_BOOST_FIELDS = frozenset({"activity", "boosting", "smart_current_heartbeat_timeout"})


def held_back(cp: ChargePointData) -> bool:
    """Whether a smart-charging profile holds the running session back (and no boost runs)."""
    status = cp.status
    if status is None or status.boosting:
        return False
    waiting = (status.smart_current_heartbeat_timeout or 0) > 0
    return status.activity is Activity.DELAYED or waiting


class BoostButton(ChargePointEntity, ButtonEntity):
    """Charge now, despite the profile that holds the session back, until the session ends."""

    def __init__(
        self,
        coordinator: BlueCurrentCoordinator,
        evse_id: str,
        description: ButtonEntityDescription,
    ) -> None:
        """Wake when the activity, the boost or the heartbeat changes."""
        super().__init__(coordinator, evse_id, description, _BOOST_FIELDS)

    @property
    def available(self) -> bool:
        """Only while a profile holds the session back."""
        cp = self.charge_point
        return super().available and cp is not None and held_back(cp)

    async def async_press(self) -> None:
        """Boost with the command of the profile that is on."""
        cp = self.charge_point
        client = self.coordinator.client
        delayed = (
            cp is not None
            and cp.settings.delayed_charging is not None
            and (cp.settings.delayed_charging.value)
        )
        boost = (
            client.override_delayed_charging_profile
            if delayed
            else client.override_price_based_charging_profile
        )
        await async_run_command(
            self.hass,
            self.coordinator,
            self.evse_id,
            Command.BOOST,
            lambda: boost(self.evse_id, True),
        )


# Add the buttons of every charge point, now and when more appear.
async_setup_entry = setup_per_charge_point(
    per_charge_point=lambda coordinator, evse_id: [
        *(ChargePointButton(coordinator, evse_id, description) for description in BUTTONS),
        BoostButton(coordinator, evse_id, BOOST),
    ],
)
