"""Errors raised by the Shell Recharge client. Every failure of the client is one of these.

Messages carry HTTP statuses and the API's error codes, never a credential or a token.
"""

from __future__ import annotations


class ShellError(Exception):
    """Base class of every error the client raises."""

    def __init__(self, message: str, *, status: int | None = None, code: str | None = None) -> None:
        """Keep the HTTP status and the API's error code (e.g. E0001), when there are any."""
        super().__init__(message)
        self.status = status
        self.code = code


class ShellValidationError(ShellError):
    """A parameter was refused: by the client before sending, or by the API with a 400."""


class ShellEmaIdCheckError(ShellValidationError):
    """The EMA-ID's last character is not the check character its other characters give.

    Almost always a typing error somewhere in the number. `expected` is the check character
    the rest of the number calls for, `given` the one that was typed, and `position` where it
    stands in the EMA-ID as typed (1-based, white space removed).
    """

    def __init__(self, *, expected: str, given: str, position: int) -> None:
        """Keep the expected and the given check character and its position."""
        super().__init__(
            f"The EMA-ID's check character is {expected}, not {given}: "
            "compare the number with the card"
        )
        self.expected = expected
        self.given = given
        self.position = position


class ShellAuthError(ShellError):
    """The client id or secret was refused, or the access token stayed invalid after a refresh."""


class ShellNotFoundError(ShellError):
    """The API does not know the session, card or EVSE (404)."""


class ShellRateLimitError(ShellError):
    """The partner's request quota is used up (429)."""

    def __init__(
        self,
        message: str,
        *,
        retry_after: float | None = None,
        status: int | None = 429,
        code: str | None = None,
    ) -> None:
        """Keep how many seconds the API asked us to wait, when it said so."""
        super().__init__(message, status=status, code=code)
        self.retry_after = retry_after


class ShellServerError(ShellError):
    """The API failed on its side (500, 503 and other 5xx)."""


class ShellConnectionError(ShellError):
    """The API could not be reached, or did not answer in time."""


class ShellResponseError(ShellError):
    """The API answered something we cannot read: bad JSON, missing keys, a foreign requestId."""
