"""The charge card the "Start charge session" button uses, per charge point."""

from __future__ import annotations

from homeassistant.components.select import SelectEntity, SelectEntityDescription
from homeassistant.const import EntityCategory
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity_platform import AddConfigEntryEntitiesCallback
from homeassistant.helpers.restore_state import RestoredExtraData, RestoreEntity

from .api.bluecurrent import ChargeCard
from .coordinator import BlueCurrentConfigEntry
from .entity import ChargePointEntity, async_add_as_they_appear

PARALLEL_UPDATES = 0

NO_CARD = "no_card"

CHARGE_CARD = SelectEntityDescription(
    key="charge_card", translation_key="charge_card", entity_category=EntityCategory.CONFIG
)


def card_label(card: ChargeCard) -> str:
    """How a card shows in the list: its name and printed number."""
    return f"{card.name} ({card.card_id})" if card.name else card.card_id


async def async_setup_entry(
    hass: HomeAssistant,
    entry: BlueCurrentConfigEntry,
    async_add_entities: AddConfigEntryEntitiesCallback,
) -> None:
    """Add a charge-card select to every charge point, now and when more appear."""
    coordinator = entry.runtime_data
    async_add_as_they_appear(
        entry,
        coordinator,
        async_add_entities,
        per_charge_point=lambda evse_id: [ChargeCardSelect(coordinator, evse_id, CHARGE_CARD)],
    )


class ChargeCardSelect(ChargePointEntity, SelectEntity, RestoreEntity):
    """Which of the account's cards starts a session; remembered across restarts."""

    _status_fields = frozenset[str]()  # cards and the choice are not part of the status

    async def async_added_to_hass(self) -> None:
        """Restore the card chosen before a restart, by uid: a renamed card stays chosen."""
        await super().async_added_to_hass()
        extra = await self.async_get_last_extra_data()
        uid = extra.as_dict().get("card_uid") if extra is not None else None
        if uid in {card.uid for card in self.coordinator.data.cards if card.valid}:
            self.coordinator.select_card(self.evse_id, str(uid))
        self._written = self._shown()

    @property
    def extra_restore_state_data(self) -> RestoredExtraData:
        """Remember the chosen card's uid (None: no card)."""
        return RestoredExtraData({"card_uid": self.coordinator.selected_card_uid(self.evse_id)})

    @property
    def options(self) -> list[str]:
        """No card, then the account's valid cards."""
        cards = self.coordinator.data.cards
        return [NO_CARD, *(card_label(card) for card in cards if card.valid)]

    @property
    def current_option(self) -> str:
        """The chosen card, or no card."""
        uid = self.coordinator.selected_card_uid(self.evse_id)
        for card in self.coordinator.data.cards:
            if card.uid == uid:
                return card_label(card)
        return NO_CARD

    def _shown(self) -> object:
        return (self.available, self.current_option, tuple(self.options))

    async def async_select_option(self, option: str) -> None:
        """Choose the card for the next session started from the button."""
        self._select(option)
        self._handle_coordinator_update()

    def _select(self, option: str) -> None:
        uid = next(
            (card.uid for card in self.coordinator.data.cards if card_label(card) == option),
            None,
        )
        self.coordinator.select_card(self.evse_id, uid)
