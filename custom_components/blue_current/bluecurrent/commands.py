"""The one place that turns client errors of a command into translated HA errors."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING

from homeassistant.exceptions import HomeAssistantError

from ..api.bluecurrent import (
    BlueCurrentCommandRejectedError,
    BlueCurrentCommandTimeoutError,
    BlueCurrentConnectionError,
    BlueCurrentError,
)
from ..const import DOMAIN

if TYPE_CHECKING:
    from .coordinator import BlueCurrentCoordinator


async def async_run_command[T](
    action: Awaitable[T],
    *,
    command: str,
    charge_point: str,
    coordinator: BlueCurrentCoordinator | None = None,
) -> T:
    """Await a command; raise a HomeAssistantError the user can read when it fails.

    With the coordinator, a refusal or timeout is also told to the charge point's session
    event entity (command_rejected).
    """
    placeholders = {"command": command, "charge_point": charge_point}
    try:
        return await action
    except BlueCurrentCommandTimeoutError as err:
        if coordinator is not None:
            coordinator.report_rejection(charge_point, command, "timeout")
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="command_timeout",
            translation_placeholders=placeholders,
        ) from err
    except BlueCurrentCommandRejectedError as err:
        if coordinator is not None:
            coordinator.report_rejection(charge_point, command, err.reason)
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="command_rejected",
            translation_placeholders={**placeholders, "reason": err.reason},
        ) from err
    except BlueCurrentConnectionError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN, translation_key="not_connected"
        ) from err
    except BlueCurrentError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="command_rejected",
            translation_placeholders={**placeholders, "reason": str(err)},
        ) from err


async def async_start_session(
    coordinator: BlueCurrentCoordinator, evse_id: str, card_uid: str, *, command: str
) -> None:
    """Start a session with a card; the card goes with the session's events.

    The card is noted before the command goes out: the status that shows the new session
    may arrive before the verdict does.
    """
    previous = coordinator.session_cards.get(evse_id)
    coordinator.session_cards[evse_id] = card_uid
    try:
        await async_run_command(
            coordinator.client.start_session(evse_id, card_uid),
            command=command,
            charge_point=evse_id,
            coordinator=coordinator,
        )
    except HomeAssistantError:
        if previous is None:
            coordinator.session_cards.pop(evse_id, None)
        else:
            coordinator.session_cards[evse_id] = previous
        raise
