"""The one place that turns a command on a charge point into words the user can read.

Before sending, a command the charge point's state makes pointless (a stop without a session,
a start while charging or blocked, anything while offline) is refused with the reason, and
nothing is sent. After sending, the cloud's answer (a bare "REJECTED", its own English text,
a timeout) becomes a translated message that names the charge point by its name and says what
was refused and why; an answer we cannot explain is "Blue Current refused", never the raw text.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import StrEnum

from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers import device_registry as dr

from ..api.bluecurrent import (
    Activity,
    BlueCurrentCommandRejectedError,
    BlueCurrentCommandTimeoutError,
    BlueCurrentConnectionError,
    BlueCurrentError,
    ChargePointStatus,
    VehicleStatus,
)
from ..const import DOMAIN, LOGGER
from .coordinator import BlueCurrentCoordinator


class Command(StrEnum):
    """What the user asked a charge point to do; the first word of its error messages' keys."""

    START = "start_charge_session"
    STOP = "stop_charge_session"
    RESET = "reset"
    REBOOT = "reboot"
    BLOCK = "block"
    UNBLOCK = "unblock"
    PLUG_AND_CHARGE = "plug_and_charge"
    LINKED_CHARGE_CARDS_ONLY = "linked_charge_cards_only"
    SMART_CHARGING_PROFILE = "smart_charging_profile"
    DELAYED_CHARGING_SCHEDULE = "delayed_charging_schedule"
    PRICE_BASED_CHARGING = "price_based_charging"
    BOOST = "boost"
    CURRENT_OVERRIDE = "current_override"


class Why(StrEnum):
    """Why a command was not carried out, when the reason does not depend on the command.

    Each is the suffix of one message per command: "<command>_<why>".
    """

    OFFLINE = "offline"
    TIMEOUT = "timeout"
    REFUSED = "refused"
    NOT_CONNECTED = "not_connected"


# Reasons that belong to one command; each is a message key of its own.
ALREADY_CHARGING = "already_charging"
BLOCKED_CANNOT_START = "blocked_cannot_start"
NO_CAR_CONNECTED = "no_car_connected"
CAR_NOT_READY = "car_not_ready"
NO_SESSION_TO_STOP = "no_session_to_stop"
STOP_SESSION_FIRST = "stop_session_first"

# Every message key a command's error can have; each names the charge point.
MESSAGE_KEYS = frozenset(
    {
        *(f"{command}_{why}" for command in Command for why in Why),
        ALREADY_CHARGING,
        BLOCKED_CANNOT_START,
        NO_CAR_CONNECTED,
        CAR_NOT_READY,
        NO_SESSION_TO_STOP,
        STOP_SESSION_FIRST,
    }
)

# A session holds the charge point in these activities.
_SESSION_ACTIVITIES = frozenset({Activity.CHARGING, Activity.DELAYED})
# The vehicle states in which a charge point does not start a session.
_CAR_NOT_READY = frozenset({VehicleStatus.NO_POWER, VehicleStatus.VEHICLE_ERROR})
# The cloud's own text when a stop finds no session ("no active session for chargepoint: …").
_NO_ACTIVE_SESSION = "no active session"


def charge_point_name(
    hass: HomeAssistant, coordinator: BlueCurrentCoordinator, evse_id: str
) -> str:
    """The charge point's name as the user sees it: their name for the device, else the cloud's."""
    device = dr.async_get(hass).async_get_device_by_identifier(
        (DOMAIN, evse_id), coordinator.config_entry.entry_id
    )
    if device is not None and (device.name_by_user or device.name):
        return device.name_by_user or device.name or evse_id
    known = coordinator.data.charge_points.get(evse_id)
    return (known.info.name if known is not None else None) or evse_id


def refusal_before_sending(command: Command, status: ChargePointStatus | None) -> str | None:
    """The message key when the charge point's state makes the command pointless; else None."""
    if status is None:
        return None  # nothing known yet: let the cloud decide
    activity = status.activity
    if activity is Activity.OFFLINE:
        return f"{command}_{Why.OFFLINE}"
    if command is Command.START:
        if activity in _SESSION_ACTIVITIES:
            return ALREADY_CHARGING
        if activity is Activity.UNAVAILABLE:
            return BLOCKED_CANNOT_START
    if command is Command.STOP and activity in (Activity.AVAILABLE, Activity.UNAVAILABLE):
        return NO_SESSION_TO_STOP
    if command is Command.BLOCK and activity in _SESSION_ACTIVITIES:
        return STOP_SESSION_FIRST
    return None


def _explain_rejection(command: Command, text: str, status: ChargePointStatus | None) -> str:
    """The message key for a rejection: from the cloud's text, else from the state it refused in."""
    if command is Command.STOP and _NO_ACTIVE_SESSION in text.lower():
        return NO_SESSION_TO_STOP
    # The state may have moved since the command was sent (a status arrived meanwhile).
    if (known := refusal_before_sending(command, status)) is not None:
        return known
    if command is Command.START and status is not None:
        if status.vehicle_status in _CAR_NOT_READY:
            return CAR_NOT_READY
        if status.vehicle_status is VehicleStatus.STANDBY:
            return NO_CAR_CONNECTED
    return f"{command}_{Why.REFUSED}"


async def async_run_command[T](
    hass: HomeAssistant,
    coordinator: BlueCurrentCoordinator,
    evse_id: str,
    command: Command,
    send: Callable[[], Awaitable[T]],
) -> T:
    """Send a command unless the state refuses it; raise a readable error when it fails.

    `send` is called only when the command has a chance: a refusal before sending is a
    ServiceValidationError, a failure after sending a HomeAssistantError. A refusal or a
    timeout after sending is also told to the charge point's session event entity.
    """
    known = coordinator.data.charge_points.get(evse_id)
    placeholders = {"charge_point": charge_point_name(hass, coordinator, evse_id)}
    refusal = refusal_before_sending(command, None if known is None else known.status)
    if refusal is not None:
        raise ServiceValidationError(
            translation_domain=DOMAIN,
            translation_key=refusal,
            translation_placeholders=placeholders,
        )
    try:
        return await send()
    except BlueCurrentCommandTimeoutError as err:
        key = f"{command}_{Why.TIMEOUT}"
        coordinator.happenings.report_rejection(evse_id, command, key)
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
        ) from err
    except BlueCurrentConnectionError as err:
        key = f"{command}_{Why.NOT_CONNECTED}"
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
        ) from err
    except BlueCurrentError as err:
        # The cloud's wording stays in the debug log; the user gets words of ours.
        LOGGER.debug("Blue Current refused %s on %s: %s", command, evse_id, err)
        text = err.reason if isinstance(err, BlueCurrentCommandRejectedError) else str(err)
        now = coordinator.data.charge_points.get(evse_id)
        key = _explain_rejection(command, text, None if now is None else now.status)
        coordinator.happenings.report_rejection(evse_id, command, key)
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key=key, translation_placeholders=placeholders
        ) from err


async def async_start_session(
    hass: HomeAssistant, coordinator: BlueCurrentCoordinator, evse_id: str, card_uid: str
) -> None:
    """Start a session with a card; the card goes with the session's events.

    The card is noted before the command goes out: the status that shows the new session
    may arrive before the verdict does.
    """
    previous = coordinator.happenings.session_cards.get(evse_id)
    coordinator.happenings.session_cards[evse_id] = card_uid
    try:
        await async_run_command(
            hass,
            coordinator,
            evse_id,
            Command.START,
            lambda: coordinator.client.start_session(evse_id, card_uid),
        )
    except HomeAssistantError:
        if previous is None:
            coordinator.happenings.session_cards.pop(evse_id, None)
        else:
            coordinator.happenings.session_cards[evse_id] = previous
        raise
