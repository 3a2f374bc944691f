"""What each card platform's test file checks the same way: a snapshot, unique ids, device."""

from __future__ import annotations

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr, entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from syrupy.assertion import SnapshotAssertion

from custom_components.blue_current.const import DOMAIN

from .conftest import CARD_ID, EMA_ID, EVSE_ID, START_DELAY, move_time

UNIQUE_IDS = {
    Platform.SENSOR: [
        f"{key}_{CARD_ID}"
        for key in (
            "session_status",
            "session_evse_id",
            "session_started",
            "session_stopped",
            "active_sessions",
            "last_error",
        )
    ],
    Platform.BINARY_SENSOR: [f"charging_{CARD_ID}"],
    Platform.BUTTON: [f"start_session_{CARD_ID}", f"stop_session_{CARD_ID}"],
}


async def check_snapshot(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    shell_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """The entities of the platform under test, for a card charging at its default EVSE."""
    shell_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(shell_entry.entry_id)
    await hass.async_block_till_done()
    coordinator = shell_entry.runtime_data
    await coordinator.async_start(EVSE_ID)
    await move_time(hass, frozen, START_DELAY + 3)

    await snapshot_platform(hass, entity_registry, snapshot, shell_entry.entry_id)


def check_unique_ids_and_device(
    hass: HomeAssistant,
    platform: Platform,
    setup_shell: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Unique ids are "{key}_{card}"; every entity sits on the card's one device."""
    entries = er.async_entries_for_config_entry(entity_registry, setup_shell.entry_id)
    assert [e.unique_id for e in entries] == UNIQUE_IDS[platform]
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, CARD_ID), setup_shell.entry_id
    )
    assert device is not None
    # Named by the end of the card's number only: the EMA-ID stays in the config entry.
    assert (device.name, device.manufacturer, device.model) == (
        "Shell Recharge card 2045K",
        "Shell Recharge",
        "Charge card",
    )
    assert device.serial_number is None
    assert EMA_ID not in str(device)
    assert device.entry_type is dr.DeviceEntryType.SERVICE
    assert {e.device_id for e in entries} == {device.id}


# Each card platform's test file binds these two to its PLATFORM (see conftest.only_this_platform).


@pytest.mark.usefixtures("only_this_platform")
async def test_snapshot(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    shell_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """The platform's entities, for a card charging at its default EVSE."""
    await check_snapshot(hass, frozen, shell_entry, entity_registry, snapshot)


@pytest.mark.usefixtures("only_this_platform")
async def test_unique_ids_and_device(
    request: pytest.FixtureRequest,
    hass: HomeAssistant,
    setup_shell: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    """Unique ids "{key}_{card}", all on the card's one device."""
    check_unique_ids_and_device(hass, request.module.PLATFORM, setup_shell, entity_registry)
