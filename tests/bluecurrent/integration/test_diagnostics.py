"""Diagnostics: useful for a bug report, and free of secrets and personal data."""

from __future__ import annotations

from http import HTTPStatus

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion
from syrupy.filters import props

from custom_components.blue_current.const import CONF_API_TOKEN, CONF_SERVER_URL
from simulator.bluecurrent import BlueCurrentCloud, OverrideSchedule
from simulator.server import Simulator
from tests.waiting import wait_for

from .conftest import API_TOKEN, EMAIL, EVSE_IDS

REDACTED = "**REDACTED**"


async def _raw_download(hass_client: ClientSessionGenerator, entry: MockConfigEntry) -> str:
    """The whole file a user would attach to an issue, as text."""
    client = await hass_client()
    response = await client.get(f"/api/diagnostics/config_entry/{entry.entry_id}")
    assert response.status == HTTPStatus.OK
    return await response.text()


async def test_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    setup_account: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, setup_account)

    # The simulator's port changes per run; the server URL is asserted below.
    assert diagnostics == snapshot(exclude=props("server_url"))

    # What makes it useful.
    assert diagnostics["connection"] == {
        "connected": True,
        "socket_open": True,
    }
    entry = diagnostics["entry"]
    assert isinstance(entry, dict)
    assert entry["data"] == {
        CONF_API_TOKEN: REDACTED,
        CONF_SERVER_URL: setup_account.data[CONF_SERVER_URL],
    }
    assert entry["title"] == REDACTED
    assert entry["unique_id"] == REDACTED
    charge_points = diagnostics["charge_points"]
    assert isinstance(charge_points, dict)
    assert sorted(charge_points) == sorted(EVSE_IDS)
    for evse_id in EVSE_IDS:
        charge_point = charge_points[evse_id]
        assert isinstance(charge_point, dict)
        assert charge_point["info"]["evse_id"] == evse_id
        assert charge_point["info"]["model_type"]
        assert charge_point["status"]["evse_id"] == evse_id
        assert charge_point["status"]["activity"] == "available"
        assert charge_point["status"]["vehicle_status"] == "standby"
        assert charge_point["settings"]["plug_and_charge"] is not None
        # Where it stands and what it is called are the owner's business.
        assert charge_point["info"]["name"] == REDACTED
        assert charge_point["info"]["latitude"] == REDACTED
        assert charge_point["info"]["longitude"] == REDACTED
    grids = diagnostics["grids"]
    assert isinstance(grids, dict)
    assert grids
    assert set(diagnostics["grid_of_charge_point"]) == set(EVSE_IDS)
    cards = diagnostics["cards"]
    assert isinstance(cards, list)
    assert len(cards) == 2
    for card in cards:
        assert card["valid"] is True
        for key in ("uid", "card_id", "name", "customer_name"):
            assert card[key] == REDACTED


async def test_download_has_no_secrets(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    bc_cloud: BlueCurrentCloud,
    setup_account: MockConfigEntry,
) -> None:
    """Not the token, the session token, the e-mail address, card numbers or places."""
    await get_diagnostics_for_config_entry(hass, hass_client, setup_account)  # loads the view
    raw = await _raw_download(hass_client, setup_account)

    account = bc_cloud.account(API_TOKEN)
    assert "BCU100001" in raw  # the check below would be meaningless on an empty download
    secrets = [API_TOKEN, account.session_token, EMAIL, account.customer_name]
    for card in account.cards:
        secrets.extend([card.uid, card.card_id])
    for charge_point in account.charge_points.values():
        secrets.append(charge_point.name)
        secrets.extend(
            str(coordinate) for coordinate in (charge_point.x_coord, charge_point.y_coord)
        )
    for secret in secrets:
        assert secret
        assert secret not in raw, f"{secret!r} leaked into the diagnostics"


async def test_diagnostics_while_disconnected(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    bc_simulator: Simulator,
    setup_account: MockConfigEntry,
) -> None:
    """The connection state shows that the cloud is gone; the last snapshot stays."""
    await bc_simulator.stop()
    coordinator = setup_account.runtime_data
    for _ in range(100):
        if not coordinator.connected:
            break
        await hass.async_block_till_done()
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, setup_account)

    assert diagnostics["connection"] == {
        "connected": False,
        "socket_open": False,
    }
    charge_points = diagnostics["charge_points"]
    assert isinstance(charge_points, dict)
    assert sorted(charge_points) == sorted(EVSE_IDS)


async def test_diagnostics_list_the_override_schedules(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    bc_cloud: BlueCurrentCloud,
    setup_account: MockConfigEntry,
) -> None:
    """A schedule made in the app is listed (what limits a charge point is often the question)."""
    bc_cloud.account(API_TOKEN).schedules[99] = OverrideSchedule(
        schedule_id=99,
        charge_points=[EVSE_IDS[0]],
        start_time="08:00",
        stop_time="09:00",
        start_days=["MO"],
        stop_days=["MO"],
        current=7,
    )
    assert await hass.config_entries.async_reload(setup_account.entry_id)
    coordinator = setup_account.runtime_data
    await wait_for(hass, lambda: coordinator.data.overrides, "the schedules listed")

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, setup_account)

    assert diagnostics["override_schedules"] == [
        {
            "schedule_id": "99",
            "charge_points": [EVSE_IDS[0]],
            "start_time": "08:00",
            "stop_time": "09:00",
            "start_days": ["MO"],
            "stop_days": ["MO"],
            "current": 7.0,
        }
    ]
    assert diagnostics["current_limit_schedules"] == {}  # none of them is ours
