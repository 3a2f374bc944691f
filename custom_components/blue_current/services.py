"""Actions: start and stop a charge session on a charge point or with a Shell Recharge card."""

from __future__ import annotations

from homeassistant.config_entries import ConfigEntryState
from homeassistant.const import ATTR_DEVICE_ID
from homeassistant.core import (
    HomeAssistant,
    ServiceCall,
    ServiceResponse,
    SupportsResponse,
    callback,
)
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import config_validation as cv, device_registry as dr
import probatio

from .api.bluecurrent import APP_CARD_UID
from .commands import async_run_command
from .const import DOMAIN
from .coordinator import BlueCurrentCoordinator
from .shell_commands import (
    async_start_session,
    async_stop_session,
    checked_evse_id,
    state_key,
)
from .shell_coordinator import ShellCoordinator

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

ATTR_EVSE_ID = "evse_id"
ATTR_WAIT = "wait"
ATTR_SESSION_ID = "session_id"
ATTR_STATE = "state"
SERVICE_START_PUBLIC_CHARGE_SESSION = "start_public_charge_session"
SERVICE_STOP_PUBLIC_CHARGE_SESSION = "stop_public_charge_session"

START_PUBLIC_SCHEMA = probatio.Schema(
    {
        probatio.Required(ATTR_DEVICE_ID): cv.string,
        probatio.Optional(ATTR_EVSE_ID): cv.string,
        probatio.Optional(ATTR_WAIT, default=False): cv.boolean,
    }
)
STOP_PUBLIC_SCHEMA = probatio.Schema(
    {
        probatio.Required(ATTR_DEVICE_ID): cv.string,
        probatio.Optional(ATTR_SESSION_ID): cv.string,
        probatio.Optional(ATTR_WAIT, default=False): cv.boolean,
    }
)


@callback
def async_setup_services(hass: HomeAssistant) -> None:
    """Register the actions of the integration."""

    async def start_charge_session(call: ServiceCall) -> None:
        coordinator, evse_id = _charge_point_of(hass, call.data[ATTR_DEVICE_ID])
        card = call.data.get(ATTR_CHARGING_CARD_ID)
        uid = APP_CARD_UID if card in (None, "", APP_CARD_UID) else _card_uid(coordinator, card)
        await async_run_command(
            coordinator.client.start_session(evse_id, uid),
            command=SERVICE_START_CHARGE_SESSION,
            charge_point=evse_id,
        )

    async def stop_charge_session(call: ServiceCall) -> None:
        coordinator, evse_id = _charge_point_of(hass, call.data[ATTR_DEVICE_ID])
        await async_run_command(
            coordinator.client.stop_session(evse_id),
            command=SERVICE_STOP_CHARGE_SESSION,
            charge_point=evse_id,
        )

    async def start_public_charge_session(call: ServiceCall) -> ServiceResponse:
        coordinator = _card_of(hass, call.data[ATTR_DEVICE_ID])
        evse_id = checked_evse_id(coordinator, call.data.get(ATTR_EVSE_ID))
        session_id, session = await async_start_session(
            coordinator, evse_id, wait=call.data[ATTR_WAIT]
        )
        state = "start_requested" if session is None else state_key(session)
        return {ATTR_SESSION_ID: session_id, ATTR_EVSE_ID: evse_id, ATTR_STATE: state}

    async def stop_public_charge_session(call: ServiceCall) -> ServiceResponse:
        coordinator = _card_of(hass, call.data[ATTR_DEVICE_ID])
        session_id, session = await async_stop_session(
            coordinator, call.data.get(ATTR_SESSION_ID), wait=call.data[ATTR_WAIT]
        )
        state = "stop_requested" if session is None else state_key(session)
        return {ATTR_SESSION_ID: session_id, ATTR_STATE: state}

    hass.services.async_register(
        DOMAIN, SERVICE_START_CHARGE_SESSION, start_charge_session, schema=START_SCHEMA
    )
    hass.services.async_register(
        DOMAIN, SERVICE_STOP_CHARGE_SESSION, stop_charge_session, schema=STOP_SCHEMA
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_START_PUBLIC_CHARGE_SESSION,
        start_public_charge_session,
        schema=START_PUBLIC_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )
    hass.services.async_register(
        DOMAIN,
        SERVICE_STOP_PUBLIC_CHARGE_SESSION,
        stop_public_charge_session,
        schema=STOP_PUBLIC_SCHEMA,
        supports_response=SupportsResponse.OPTIONAL,
    )


def _charge_point_of(hass: HomeAssistant, device_id: str) -> tuple[BlueCurrentCoordinator, str]:
    """The coordinator and EVSE id behind a device id, or a translated validation error."""
    device = dr.async_get(hass).async_get(device_id)
    evse_id = None
    if device is not None:
        evse_id = next((ident for domain, ident in device.identifiers if domain == DOMAIN), None)
    if device is None or evse_id is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_device_id",
            translation_placeholders={"device_id": device_id},
        )
    entry = hass.config_entries.async_get_entry(device.config_entry_id)
    if entry is None or entry.domain != DOMAIN or entry.state is not ConfigEntryState.LOADED:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="config_entry_not_loaded"
        )
    coordinator = entry.runtime_data
    if not isinstance(coordinator, BlueCurrentCoordinator) or (
        evse_id not in coordinator.data.charge_points
    ):
        # A Shell card or a grid: not a charge point.
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="invalid_device_id",
            translation_placeholders={"device_id": device_id},
        )
    return coordinator, evse_id


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


def _card_of(hass: HomeAssistant, device_id: str) -> ShellCoordinator:
    """The coordinator of the Shell Recharge card behind a device id."""
    device = dr.async_get(hass).async_get(device_id)
    if device is None or not any(domain == DOMAIN for domain, _ in device.identifiers):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="shell_invalid_device",
            translation_placeholders={"device_id": device_id},
        )
    entry = hass.config_entries.async_get_entry(device.config_entry_id)
    if entry is None or entry.domain != DOMAIN or entry.state is not ConfigEntryState.LOADED:
        raise ServiceValidationError(translation_domain=DOMAIN, translation_key="shell_not_loaded")
    coordinator = entry.runtime_data
    if not isinstance(coordinator, ShellCoordinator):
        # A charge point or a grid of an account.
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="shell_invalid_device",
            translation_placeholders={"device_id": device_id},
        )
    return coordinator
