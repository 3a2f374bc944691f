"""A raw websocket client for protocol tests: sends dicts, reads dicts, nothing clever."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import aiohttp

TIMEOUT = 2.0


class Peer:
    """One websocket to the simulator."""

    def __init__(self, socket: aiohttp.ClientWebSocketResponse) -> None:
        """Wrap an open websocket."""
        self.socket = socket
        self.authorization = ""

    @classmethod
    async def open(cls, session: aiohttp.ClientSession, url: str) -> Peer:
        """Connect."""
        return cls(await session.ws_connect(url))

    async def send(self, command: str, **fields: Any) -> None:
        """Send a command with the stored Authorization (when there is one)."""
        frame: dict[str, Any] = {"command": command, **fields}
        if self.authorization:
            frame.setdefault("Authorization", self.authorization)
        await self.socket.send_str(json.dumps(frame))

    async def recv(self, wait: float = TIMEOUT) -> dict[str, Any]:
        """The next frame, as a dict."""
        message = await self.socket.receive(timeout=wait)
        assert message.type is aiohttp.WSMsgType.TEXT, message
        frame = json.loads(message.data)
        assert isinstance(frame, dict)
        return frame

    async def recv_many(self, count: int) -> list[dict[str, Any]]:
        """The next frames."""
        return [await self.recv() for _ in range(count)]

    async def assert_silent(self, seconds: float = 0.15) -> None:
        """Nothing arrives for a while."""
        try:
            message = await self.socket.receive(timeout=seconds)
        except TimeoutError:
            return
        raise AssertionError(f"unexpected frame {message}")

    async def closed(self) -> aiohttp.WSMessage:
        """Wait for the server to close; the close message (code in .data)."""
        async with asyncio.timeout(TIMEOUT):
            while True:
                message = await self.socket.receive()
                if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                    return message

    async def login(self, api_token: str) -> dict[str, Any]:
        """VALIDATE_API_TOKEN on this socket; keeps the session token for later frames."""
        await self.send("VALIDATE_API_TOKEN", token=api_token)
        reply = await self.recv()
        self.authorization = f"Token {reply['token']}"
        return reply

    async def hello(self, api_token: str) -> None:
        """Log in and say HELLO, as a main connection does."""
        await self.login(api_token)
        await self.send("HELLO", header="homeassistant")
