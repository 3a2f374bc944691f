"""The card's binary sensor: snapshot, unique ids."""

from __future__ import annotations

from collections.abc import Iterator
from unittest.mock import patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
import pytest
from pytest_homeassistant_custom_component.common import MockConfigEntry
from syrupy.assertion import SnapshotAssertion

from .platforms import check_snapshot, check_unique_ids_and_device

PLATFORM = Platform.BINARY_SENSOR


@pytest.fixture
def only_this_platform() -> Iterator[None]:
    with patch("custom_components.blue_current.CARD_PLATFORMS", [PLATFORM]):
        yield


@pytest.mark.usefixtures("only_this_platform")
async def test_snapshot(
    hass: HomeAssistant,
    frozen: FrozenDateTimeFactory,
    shell_entry: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    await check_snapshot(hass, frozen, shell_entry, entity_registry, snapshot)


async def test_unique_ids_and_device(
    only_this_platform: None,
    hass: HomeAssistant,
    setup_shell: MockConfigEntry,
    entity_registry: er.EntityRegistry,
) -> None:
    check_unique_ids_and_device(hass, PLATFORM, setup_shell, entity_registry)
