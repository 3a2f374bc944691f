"""Constants shared by the integration's modules."""

from __future__ import annotations

import logging
from typing import Final

DOMAIN: Final = "blue_current"
LOGGER = logging.getLogger(__package__)

# Entry data. An account entry holds exactly what core's blue_current stores (api_token),
# plus server_url only when the user changed it in advanced mode.
CONF_API_TOKEN: Final = "api_token"
CONF_SERVER_URL: Final = "server_url"
CONF_ENTRY_KIND: Final = "kind"  # absent on account entries, so core's entries load unchanged
ENTRY_KIND_SHELL: Final = "shell_recharge"

PORTAL_URL: Final = "https://my.bluecurrent.nl"

# How long set-up may wait for the charge points before Home Assistant moves on.
SETUP_TIMEOUT: Final = 30.0
# A charging charge point that has been silent this long gets its status asked again.
SILENT_CHARGING_AFTER: Final = 300.0
RECONNECT_MIN_DELAY: Final = 1.0
RECONNECT_MAX_DELAY: Final = 300.0
