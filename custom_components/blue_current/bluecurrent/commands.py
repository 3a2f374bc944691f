"""The one place that turns client errors of a command into translated HA errors."""

from __future__ import annotations

from collections.abc import Awaitable

from homeassistant.exceptions import HomeAssistantError

from ..api.bluecurrent import (
    BlueCurrentCommandRejectedError,
    BlueCurrentCommandTimeoutError,
    BlueCurrentConnectionError,
    BlueCurrentError,
)
from ..const import DOMAIN


async def async_run_command(action: Awaitable[None], *, command: str, charge_point: str) -> None:
    """Await a command; raise a HomeAssistantError the user can read when it fails."""
    placeholders = {"command": command, "charge_point": charge_point}
    try:
        await action
    except BlueCurrentCommandTimeoutError as err:
        raise HomeAssistantError(
            translation_domain=DOMAIN,
            translation_key="command_timeout",
            translation_placeholders=placeholders,
        ) from err
    except BlueCurrentCommandRejectedError as err:
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
