"""Actions on a charge point: start and stop a charge session."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_DEVICE_ID
from homeassistant.core import HomeAssistant, ServiceCall, callback
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, device_registry as dr
import probatio

from ..api.bluecurrent import APP_CARD_UID
from ..const import DOMAIN
from ..entry import is_account_entry
from .commands import Command, async_run_command, async_start_session
from .coordinator import BlueCurrentCoordinator

ATTR_CHARGING_CARD_ID = "charging_card_id"  # core's name, so existing automations keep working
SERVICE_START_CHARGE_SESSION = "start_charge_session"
SERVICE_STOP_CHARGE_SESSION = "stop_charge_session"

START_SCHEMA = probatio.Schema(
    {
        probatio.Required(ATTR_DEVICE_ID): cv.string,
        probatio.Optional(ATTR_CHARGING_CARD_ID): cv.string,
    }
)
STOP_SCHEMA = probatio.Schema({probatio.Required(ATTR_DEVICE_ID): cv.string})


@callback
def async_register_services(hass: HomeAssistant) -> None:
    """Register the charge-point actions."""

    async def start_charge_session(call: ServiceCall) -> None:
        coordinator, evse_id = charge_point_of(hass, call.data[ATTR_DEVICE_ID])
        card = call.data.get(ATTR_CHARGING_CARD_ID)
        uid = APP_CARD_UID if card in (None, "", APP_CARD_UID) else _card_uid(coordinator, card)
        await async_start_session(hass, coordinator, evse_id, uid)

    async def stop_charge_session(call: ServiceCall) -> None:
        coordinator, evse_id = charge_point_of(hass, call.data[ATTR_DEVICE_ID])
        await async_run_command(
            hass,
            coordinator,
            evse_id,
            Command.STOP,
            lambda: coordinator.client.stop_session(evse_id),
        )

    hass.services.async_register(
        DOMAIN, SERVICE_START_CHARGE_SESSION, start_charge_session, schema=START_SCHEMA
    )
    hass.services.async_register(
        DOMAIN, SERVICE_STOP_CHARGE_SESSION, stop_charge_session, schema=STOP_SCHEMA
    )


def charge_point_of(hass: HomeAssistant, device_id: str) -> tuple[BlueCurrentCoordinator, str]:
    """The coordinator and EVSE id behind a device id, or a translated validation error.

    Errors name the device as the user sees it, never by its registry id.
    """
    device = dr.async_get(hass).async_get(device_id)
    name = None if device is None else device.name_by_user or device.name
    if device is None or name is None:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="device_not_found")
    evse_id = next((ident for domain, ident in device.identifiers if domain == DOMAIN), None)
    entry = hass.config_entries.async_get_entry(device.config_entry_id)
    if evse_id is not None and (
        entry is None or entry.domain != DOMAIN or entry.state is not ConfigEntryState.LOADED
    ):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="config_entry_not_loaded",
            translation_placeholders={"device": name},
        )
    if (
        evse_id is None
        or entry is None
        or not is_account_entry(entry)
        or evse_id not in entry.runtime_data.data.charge_points
    ):
        # Another integration's device, a Shell card or a grid: not a charge point.
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_device_id",
            translation_placeholders={"device": name},
        )
    return entry.runtime_data, evse_id


def _card_uid(coordinator: BlueCurrentCoordinator, card: str) -> str:
    """The uid of an account card named by its printed number or uid."""
    wanted = card.strip().casefold()
    for known in coordinator.data.cards:
        if wanted in (known.uid.casefold(), known.card_id.casefold()):
            return known.uid
    raise ServiceValidationError(
        translation_domain=DOMAIN,
        translation_key="unknown_card",
        translation_placeholders={
            "card": card,
            "cards": ", ".join(c.card_id for c in coordinator.data.cards) or "-",
        },
    )
