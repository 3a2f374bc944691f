"""Errors raised by the Blue Current client. Every failure of the client is one of these."""

from __future__ import annotations

from datetime import datetime


class BlueCurrentError(Exception):
    """Base class of every error the client raises."""


class BlueCurrentConnectionError(BlueCurrentError):
    """The cloud could not be reached, or the connection broke."""


class BlueCurrentConnectionClosedError(BlueCurrentConnectionError):
    """The cloud closed the connection cleanly although we did not ask for it."""


class BlueCurrentNotConnectedError(BlueCurrentConnectionError):
    """A request was made while there is no open connection."""


class BlueCurrentSessionExpiredError(BlueCurrentConnectionError):
    """The cloud no longer accepts the session token; validating the API token again helps."""


class BlueCurrentHelloTimeoutError(BlueCurrentConnectionError):
    """No charge-point list arrived in time after HELLO: the cloud keeps the socket but not us."""


class BlueCurrentProtocolError(BlueCurrentError):
    """The cloud sent something that does not follow the protocol.

    Raised by run() when a frame could not be handled at all (an unexpected failure while
    reading it): the connection ends so that the caller reconnects.
    """


class BlueCurrentAuthError(BlueCurrentError):
    """The API token (or the session token derived from it) was refused."""


class BlueCurrentAlreadyConnectedError(BlueCurrentError):
    """The cloud refused a connection because another client is connected."""


class BlueCurrentRateLimitError(BlueCurrentError):
    """The account used up its daily request budget."""

    def __init__(self, reset_at: datetime) -> None:
        """Store the moment the budget resets."""
        super().__init__(f"Request limit reached; resets at {reset_at.isoformat()}")
        self.reset_at = reset_at


class BlueCurrentCommandError(BlueCurrentError):
    """A command was not carried out."""

    def __init__(self, command: str, evse_id: str | None, reason: str) -> None:
        """Keep what failed and why, for the caller to translate."""
        where = f" for {evse_id}" if evse_id else ""
        super().__init__(f"{command}{where}: {reason}")
        self.command = command
        self.evse_id = evse_id
        self.reason = reason


class BlueCurrentCommandRejectedError(BlueCurrentCommandError):
    """The cloud or the charge point rejected the command."""


class BlueCurrentCommandTimeoutError(BlueCurrentCommandError):
    """No verdict arrived in time, or the charge point reported a timeout."""
