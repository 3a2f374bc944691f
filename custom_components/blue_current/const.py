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

# Shell Recharge card entries: data["kind"] == ENTRY_KIND_SHELL, plus these keys.
CONF_CLIENT_ID: Final = "client_id"
CONF_CLIENT_SECRET: Final = "client_secret"
CONF_ENVIRONMENT: Final = "environment"
CONF_EMA_ID: Final = "ema_id"
CONF_DEFAULT_EVSE_ID: Final = "default_evse_id"  # an option, not entry data
ENVIRONMENT_PRODUCTION: Final = "production"
ENVIRONMENT_TEST: Final = "test"

# Polling of a card: its active sessions every minute; after a start or stop every 5 s
# until the session settles, for 3 minutes at most (the operator may take that long).
SHELL_POLL_INTERVAL: Final = 60.0
SHELL_FAST_POLL_INTERVAL: Final = 5.0
SHELL_SETTLE_TIMEOUT: Final = 180.0
