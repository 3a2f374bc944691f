"""Selects of a charge point: the charge card to start with, the smart-charging profile.

The card choice lives in the select entity (and is restored with it after a restart); the
start button and the charging switch read it from the select's state, so what the user sees
is what starts the session.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from functools import partial
from typing import Any

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.const import EntityCategory, Platform
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.restore_state import RestoredExtraData, RestoreEntity

from ..api.bluecurrent import APP_CARD_UID, ChargeCard, ChargePointSettings
from ..const import DOMAIN
from .commands import Command, async_run_command
from .coordinator import BlueCurrentCoordinator
from .entity import ChargePointEntity, setup_per_charge_point

NO_CARD = "no_card"

CHARGE_CARD = SelectEntityDescription(
    key="charge_card", translation_key="charge_card", entity_category=EntityCategory.CONFIG
)


def card_label(card: ChargeCard) -> str:
    """How a card shows in the list: its name and printed number."""
    return f"{card.name} ({card.card_id})" if card.name else card.card_id


def chosen_card_uid(coordinator: BlueCurrentCoordinator, evse_id: str) -> str:
    """The uid of the card the charge point's select shows (the app card for no card)."""
    registry = er.async_get(coordinator.hass)
    entity_id = registry.async_get_entity_id(
        Platform.SELECT, DOMAIN, f"{CHARGE_CARD.key}_{evse_id}"
    )
    state = None if entity_id is None else coordinator.hass.states.get(entity_id)
    if state is not None:
        for card in coordinator.data.cards:
            if card_label(card) == state.state:
                return card.uid
    return APP_CARD_UID


class ChargeCardSelect(ChargePointEntity, SelectEntity, RestoreEntity):
    """Which of the account's cards starts a session; remembered across restarts by uid."""

    _card_uid: str | None = None

    async def async_added_to_hass(self) -> None:
        """Restore the card chosen before a restart, by uid: a renamed card stays chosen."""
        await super().async_added_to_hass()
        extra = await self.async_get_last_extra_data()
        uid = extra.as_dict().get("card_uid") if extra is not None else None
        if uid in {card.uid for card in self.coordinator.data.cards if card.valid}:
            self._card_uid = str(uid)

    @property
    def extra_restore_state_data(self) -> RestoredExtraData:
        """Remember the chosen card's uid (None: no card)."""
        return RestoredExtraData({"card_uid": self._card_uid})

    @property
    def options(self) -> list[str]:
        """No card, then the account's valid cards."""
        cards = self.coordinator.data.cards
        return [NO_CARD, *(card_label(card) for card in cards if card.valid)]

    @property
    def current_option(self) -> str:
        """The chosen card, or no card."""
        for card in self.coordinator.data.cards:
            if card.uid == self._card_uid:
                return card_label(card)
        return NO_CARD

    async def async_select_option(self, option: str) -> None:
        """Choose the card for the next session started from the button."""
        self._card_uid = next(
            (card.uid for card in self.coordinator.data.cards if card_label(card) == option),
            None,
        )
        self.async_write_ha_state()


# Smart charging: which profile holds a session back until it may charge.

PROFILE_OFF = "off"
PROFILE_DELAYED = "delayed_charging"
PROFILE_PRICE_BASED = "price_based_charging"

SMART_CHARGING_PROFILE = SelectEntityDescription(
    key="smart_charging_profile",
    translation_key="smart_charging_profile",
    options=[PROFILE_OFF, PROFILE_DELAYED, PROFILE_PRICE_BASED],
)


def current_profile(settings: ChargePointSettings) -> str | None:
    """The profile that is on, off for none; None when the cloud did not say."""
    delayed, price = settings.delayed_charging, settings.price_based_charging
    if delayed is None or price is None:
        return None
    if delayed.value:
        return PROFILE_DELAYED
    return PROFILE_PRICE_BASED if price.value else PROFILE_OFF


class SmartChargingProfileSelect(ChargePointEntity, SelectEntity):
    """Off, delayed charging or price-based charging, as the cloud reads it back.

    The profiles are exclusive: switching one on switches the other off first.
    """

    @property
    def current_option(self) -> str | None:
        """The profile that is on."""
        cp = self.charge_point
        return None if cp is None else current_profile(cp.settings)

    @property
    def available(self) -> bool:
        """Only with permission to change both profiles."""
        cp = self.charge_point
        if not super().available or cp is None or self.current_option is None:
            return False
        delayed, price = cp.settings.delayed_charging, cp.settings.price_based_charging
        return delayed is not None and delayed.writable and price is not None and price.writable

    async def async_select_option(self, option: str) -> None:
        """Switch the profile that is on off, then the chosen one on."""
        current = self.current_option
        if option == current:
            return
        client = self.coordinator.client
        switches: dict[str, Callable[[str, bool], Coroutine[Any, Any, None]]] = {
            PROFILE_DELAYED: client.set_delayed_charging,
            PROFILE_PRICE_BASED: client.set_price_based_charging,
        }
        steps: list[tuple[str, bool]] = []
        if current in switches:
            steps.append((current, False))
        if option in switches:
            steps.append((option, True))
        for profile, on in steps:
            await async_run_command(
                self.hass,
                self.coordinator,
                self.evse_id,
                Command.SMART_CHARGING_PROFILE,
                partial(switches[profile], self.evse_id, on),
            )


# Add a charge-card select to every charge point, now and when more appear.
async_setup_entry = setup_per_charge_point(
    per_charge_point=lambda coordinator, evse_id: [
        ChargeCardSelect(coordinator, evse_id, CHARGE_CARD),
        SmartChargingProfileSelect(coordinator, evse_id, SMART_CHARGING_PROFILE),
    ],
)
