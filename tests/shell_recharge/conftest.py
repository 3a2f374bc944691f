"""Host a ShellCloud on 127.0.0.1 and point a real client at it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import aiohttp
from aiohttp import web
import pytest

from custom_components.blue_current.api.shell import ShellRechargeClient
from simulator.shell import ShellCloud

CLIENT_ID = "partner-client-id"
CLIENT_SECRET = "Sup3r-Secret-Shell-Value"
EMA_ID = "NL-TNM-C00122045-K"
OTHER_EMA_ID = "NL-TNM-C0216599X-A"
EVSE_ID = "NL*TNM*E02003451*0"
OTHER_EVSE_ID = "NL*TNM*E02003452*0"
START_DELAY = 10.0
STOP_DELAY = 20.0


class FakeClock:
    """Wall time for the cloud and monotonic seconds for the client, moved only by tests."""

    def __init__(self) -> None:
        self.now = datetime(2026, 5, 1, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def monotonic(self) -> float:
        return self.now.timestamp()

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def shell_cloud(clock: FakeClock) -> ShellCloud:
    return ShellCloud(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        cards=[EMA_ID, OTHER_EMA_ID],
        evse_ids=[EVSE_ID, OTHER_EVSE_ID],
        clock=clock,
        seed=7,
        start_delay=START_DELAY,
        stop_delay=STOP_DELAY,
    )


@pytest.fixture
async def base_url(shell_cloud: ShellCloud, socket_enabled: None) -> AsyncIterator[str]:
    """Serve the cloud the way a host would: on its own app, on a free loopback port.

    `socket_enabled` lifts Home Assistant's socket ban; connections stay limited to 127.0.0.1.
    """
    app = web.Application()
    shell_cloud.install(app)
    runner = web.AppRunner(app, shutdown_timeout=1.0)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield f"http://127.0.0.1:{port}"
    await runner.cleanup()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


@pytest.fixture
def client(http: aiohttp.ClientSession, base_url: str, clock: FakeClock) -> ShellRechargeClient:
    return ShellRechargeClient(
        session=http,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        base_url=base_url,
        clock=clock.monotonic,
        request_timeout=2.0,
    )
