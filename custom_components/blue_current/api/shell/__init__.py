"""Client for the Shell Recharge "EV charge sessions" partner API (no Home Assistant inside)."""

from .client import (
    API_V1,
    API_V2,
    PRODUCTION_URL,
    TEST_URL,
    TOKEN_PATH,
    ShellRechargeClient,
)
from .errors import (
    ShellAuthError,
    ShellConnectionError,
    ShellEmaIdCheckError,
    ShellError,
    ShellNotFoundError,
    ShellRateLimitError,
    ShellResponseError,
    ShellServerError,
    ShellValidationError,
)
from .models import (
    ChargeSession,
    FailureCode,
    SessionState,
    ema_id_check_character,
    normalize_ema_id,
    validate_ema_id,
    validate_evse_id,
    validate_session_id,
)

__all__ = [
    "API_V1",
    "API_V2",
    "PRODUCTION_URL",
    "TEST_URL",
    "TOKEN_PATH",
    "ChargeSession",
    "FailureCode",
    "SessionState",
    "ShellAuthError",
    "ShellConnectionError",
    "ShellEmaIdCheckError",
    "ShellError",
    "ShellNotFoundError",
    "ShellRateLimitError",
    "ShellRechargeClient",
    "ShellResponseError",
    "ShellServerError",
    "ShellValidationError",
    "ema_id_check_character",
    "normalize_ema_id",
    "validate_ema_id",
    "validate_evse_id",
    "validate_session_id",
]
