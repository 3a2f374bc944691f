"""The charge card a charge point's "Start charge session" button uses.

The choice lives in the select entity (and is restored with it after a restart); the start
button reads it from the select's state, so what the user sees is what starts the session.
"""

from __future__ import annotations

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.const import EntityCategory, Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.restore_state import RestoredExtraData, RestoreEntity

from ..api.bluecurrent import APP_CARD_UID, ChargeCard
from ..const import DOMAIN
from ..entry import AccountConfigEntry
from .coordinator import BlueCurrentCoordinator
from .entity import ChargePointEntity, async_add_as_they_appear

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


async def async_setup_entry(
    hass: HomeAssistant,
    entry: AccountConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a charge-card select to every charge point, now and when more appear."""
    coordinator = entry.runtime_data
    async_add_as_they_appear(
        entry,
        async_add_entities,
        per_charge_point=lambda evse_id: [ChargeCardSelect(coordinator, evse_id, CHARGE_CARD)],
    )


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
