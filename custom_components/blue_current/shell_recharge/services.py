"""Actions of a Shell Recharge card: start and stop a public charge session."""

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

from ..const import DOMAIN
from ..entry import is_card_entry
from .coordinator import ShellCoordinator
from .sessions import async_start_session, async_stop_session, checked_evse_id, state_key

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
def async_register_services(hass: HomeAssistant) -> None:
    """Register the card actions."""

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


def _card_of(hass: HomeAssistant, device_id: str) -> ShellCoordinator:
    """The coordinator of the Shell Recharge card behind a device id.

    Errors name the device as the user sees it, never by its registry id.
    """
    device = dr.async_get(hass).async_get(device_id)
    name = None if device is None else device.name_by_user or device.name
    if device is None or name is None:
        raise ServiceValidationError(
            translation_domain=DOMAIN, translation_key="shell_device_not_found"
        )
    ours = any(domain == DOMAIN for domain, _ in device.identifiers)
    entry = hass.config_entries.async_get_entry(device.config_entry_id)
    if ours and (
        entry is None or entry.domain != DOMAIN or entry.state is not ConfigEntryState.LOADED
    ):
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="shell_not_loaded",
            translation_placeholders={"device": name},
        )
    if not ours or entry is None or not is_card_entry(entry):
        # Another integration's device, or a charge point or grid of an account.
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key="shell_invalid_device",
            translation_placeholders={"device": name},
        )
    return entry.runtime_data
