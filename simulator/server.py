"""One aiohttp server on one port hosting the simulated clouds."""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Protocol, Self

from aiohttp import web

from .bluecurrent import BlueCurrentCloud
from .bluecurrent.cloud import PATH as BLUECURRENT_PATH

SHUTDOWN_TIMEOUT = 2.0  # seconds; sockets are closed on shutdown, nothing should linger


class Installable(Protocol):
    """A simulated cloud: adds its routes (and start/stop hooks) to the application."""

    def install(self, app: web.Application) -> None:
        """Add routes to the application."""


class Simulator:
    """Hosts the Blue Current cloud and any extra clouds (e.g. the Shell API)."""

    def __init__(
        self, bluecurrent: BlueCurrentCloud | None = None, extra: Sequence[Installable] = ()
    ) -> None:
        """Build the application; nothing listens before start()."""
        self.bluecurrent = bluecurrent
        self.app = web.Application()
        clouds: list[Installable] = [] if bluecurrent is None else [bluecurrent]
        for cloud in [*clouds, *extra]:
            cloud.install(self.app)
        self._runner: web.AppRunner | None = None
        self._host = ""
        self._port = 0

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> None:
        """Listen; port 0 picks a free port (see `port`)."""
        runner = web.AppRunner(self.app, shutdown_timeout=SHUTDOWN_TIMEOUT)
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        self._host = host
        self._port = runner.addresses[0][1]

    async def stop(self) -> None:
        """Close every connection and stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def port(self) -> int:
        """The port listened on."""
        return self._port

    @property
    def base_url(self) -> str:
        """http://HOST:PORT"""
        return f"http://{self._host}:{self._port}"

    @property
    def bluecurrent_url(self) -> str:
        """ws://HOST:PORT/haserver"""
        return f"ws://{self._host}:{self._port}{BLUECURRENT_PATH}"

    async def __aenter__(self) -> Self:
        """Start on a free port of 127.0.0.1."""
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Stop."""
        await self.stop()
