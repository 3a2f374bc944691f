"""One client websocket: ordered, serialised sending and the ways a server can end it."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
import json
from typing import Any

from aiohttp import web

from .frames import Frame
from .model import Account


@dataclass(frozen=True, kw_only=True)
class ReceivedFrame:
    """A frame a client sent, kept for assertions."""

    connection: int
    text: str
    message: dict[str, Any] | None  # None when the text is not a JSON object

    @property
    def command(self) -> str | None:
        """The command it carried, if any."""
        if self.message is None:
            return None
        command = self.message.get("command")
        return command if isinstance(command, str) else None


class Connection:
    """A client's websocket; `account` is set once it said HELLO (then it gets pushes)."""

    def __init__(self, number: int, request: web.Request, socket: web.WebSocketResponse) -> None:
        """Wrap an accepted websocket."""
        self.number = number
        self.account: Account | None = None
        self._request = request
        self._socket = socket
        # Pushes, delayed verdicts and replies come from different tasks; keep frames whole.
        self._lock = asyncio.Lock()
        self.peer_gone = False  # a write found the client gone: later frames are dropped

    async def send(self, frame: Frame | str) -> None:
        """Send a frame (a dict as JSON, a string as is); dropped once the socket is closed."""
        text = frame if isinstance(frame, str) else json.dumps(frame)
        async with self._lock:
            if self._socket.closed or self.peer_gone:
                return
            try:
                await self._socket.send_str(text)
            except ConnectionError:  # reset, or lost in the middle of a large frame
                self.peer_gone = True  # the client went away while we wrote

    async def close(self, code: int | None, message: str = "") -> None:
        """Close with a code, or drop the TCP connection without a close frame (None)."""
        if code is None:
            transport = self._request.transport
            if transport is not None:
                transport.abort()
            return
        await self._socket.close(code=code, message=message.encode())
