"""The simulated Blue Current cloud: accounts, the websocket endpoint, pushes and faults."""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Iterator, Mapping
import contextlib
import hashlib
import json
import random
from typing import Any

from aiohttp import WSMsgType, web

from . import frames, physics
from .clock import Clock, system_clock
from .connection import Connection, ReceivedFrame
from .frames import Frame
from .model import Account, Card, ChargePoint, Grid
from .protocol import ERROR_BAD_REQUEST, Context, dispatch
from .ratelimit import LimitSignal, RequestBudget
from .verdicts import Outcome, VerdictBook

PATH = "/haserver"
REJECT_HEADER = "x-websocket-reject-reason"
LIMIT_REASON = "Request limit reached"
ALREADY_CONNECTED_REASON = "Already connected"
CLOSE_LIMIT = 4001
ERROR_INVALID_AUTH = 1
ERROR_LIMIT = 42
RECEIVED_LOG_SIZE = 10_000
CLOSE_TIMEOUT = 2.0  # seconds to wait for a client's close reply; keeps shutdowns short


class BlueCurrentCloud:
    """Serves ws://HOST:PORT/haserver; tests drive it through plain methods.

    Rate limit: every frame received counts against its account's daily budget (the
    validation connections too). Once a budget is spent, new handshakes are refused with
    HTTP 403 + "Request limit reached", and a live socket gets `limit_signal`.

    "Already connected": the handshake carries no credentials, so when
    `reject_second_connection` is on, any handshake is refused while some connection has
    said HELLO (as the real cloud refuses a second connection from one address). With
    `leave_second_connection_open` the handshake succeeds instead, and a HELLO while another
    connection holds the account is answered with an ERROR "Already connected"; that socket
    is then left open but never served (no answers, no pushes) until the client closes it.

    Down: with `down` on, every handshake is refused with HTTP 503 (the cloud is away);
    `handshakes` counts every handshake, refused or not.
    """

    def __init__(
        self,
        *,
        clock: Clock = system_clock,
        seed: int = 0,
        tick_interval: float | None = None,
        request_budget: int | None = None,
        limit_signal: LimitSignal = LimitSignal.CLOSE,
        reject_second_connection: bool = False,
        leave_second_connection_open: bool = False,
        arrivals: bool = False,
    ) -> None:
        """A cloud with no accounts yet; tick_interval None means no background ticker."""
        self.clock = clock
        self.tick_interval = tick_interval
        self.limit_signal = limit_signal
        self.reject_second_connection = reject_second_connection
        self.leave_second_connection_open = leave_second_connection_open
        self.arrivals = arrivals  # cars come and go by themselves on each tick
        self.verdicts = VerdictBook()
        self.budget = RequestBudget(clock, request_budget)
        self.received: deque[ReceivedFrame] = deque(maxlen=RECEIVED_LOG_SIZE)
        self._rng = random.Random(seed)
        self._accounts: dict[str, Account] = {}
        self._connections: set[Connection] = set()
        self._unserved: set[Connection] = set()  # open, but told "Already connected"
        self._connection_count = 0
        self.down = False
        self.handshakes = 0
        self._stalled = False
        self._told_status: dict[str, Frame] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._last_tick = clock()

    # Building the world.

    def add_account(
        self,
        api_token: str,
        *,
        customer_id: str = "",
        email: str = "user@example.com",
        customer_name: str = "Demo User",
        session_token: str = "",
    ) -> Account:
        """Add a customer; ids and the session token derive from the API token by default."""
        digest = hashlib.sha256(api_token.encode()).hexdigest()
        account = Account(
            api_token=api_token,
            customer_id=customer_id or str(int(digest[:8], 16) % 1_000_000),
            email=email,
            customer_name=customer_name,
            session_token=session_token or digest[8:40],
        )
        self._accounts[api_token] = account
        return account

    def add_charge_point(
        self, api_token: str, evse_id: str, *, grid: str = "main", **fields: Any
    ) -> ChargePoint:
        """Add a charge point to an account, behind the grid with this label."""
        account = self._accounts[api_token]
        charge_point = ChargePoint(
            evse_id=evse_id, clock=self.clock, overrides=account.schedules, **fields
        )
        account.charge_points[evse_id] = charge_point
        account.grids.setdefault(grid, Grid()).charge_points.append(charge_point)
        # Clients start from GET_CH_STATUS; a push is due once the state moves from here.
        self._told_status[evse_id] = frames.status_data(charge_point)
        return charge_point

    def add_card(
        self, api_token: str, uid: str, *, card_id: str, name: str, valid: bool = True
    ) -> Card:
        """Add a charge card to an account."""
        account = self._accounts[api_token]
        card = Card(
            uid=uid, card_id=card_id, name=name, customer_name=account.customer_name, valid=valid
        )
        account.cards.append(card)
        return card

    # Looking things up.

    @property
    def accounts(self) -> list[Account]:
        """Every account."""
        return list(self._accounts.values())

    def account(self, api_token: str) -> Account:
        """The account of an API token."""
        return self._accounts[api_token]

    def _charge_points(self) -> Iterator[tuple[Account, ChargePoint]]:
        for account in self._accounts.values():
            for charge_point in account.charge_points.values():
                yield account, charge_point

    def charge_point(self, evse_id: str) -> ChargePoint:
        """A charge point of any account."""
        return next(cp for _, cp in self._charge_points() if cp.evse_id == evse_id)

    def grid(self, grid_id: str) -> Grid:
        """A grid by its wire id ("GRID-<evse_id>")."""
        return next(
            grid
            for account in self._accounts.values()
            for grid in account.grids.values()
            if grid.grid_id == grid_id
        )

    def requests_used(self, api_token: str) -> int:
        """Requests counted today against an API token."""
        return self.budget.used(api_token)

    @property
    def main_connections(self) -> int:
        """Open connections that said HELLO."""
        return sum(1 for connection in self._connections if connection.account is not None)

    @property
    def open_connections(self) -> int:
        """Open connections of any kind."""
        return len(self._connections)

    # Faults and verdicts.

    def set_verdict(self, command: str, outcome: Outcome, *, delay: float = 0.0) -> None:
        """How the charge point answers a command, and after how many seconds."""
        self.verdicts.set(command, outcome, delay)

    def stall(self, on: bool = True) -> None:
        """Stop (or resume) answering and pushing; frames are still logged."""
        self._stalled = on

    async def close_connections(self, code: int | None = 1000) -> None:
        """Close every connection with a code, or drop them without a close frame (None)."""
        await asyncio.gather(*(c.close(code) for c in list(self._connections)))

    # Pushes.

    def owner(self, charge_point: ChargePoint) -> Account:
        """The account a charge point belongs to."""
        return next(a for a, cp in self._charge_points() if cp is charge_point)

    async def send(self, connection: Connection, frame: Frame | str) -> None:
        """Send unless stalled."""
        if not self._stalled:
            await connection.send(frame)

    async def _broadcast(self, account: Account | None, frame: Frame | str) -> None:
        """Send to the connections that said HELLO (for one account, or all)."""
        for connection in list(self._connections):
            if connection.account is not None and account in (None, connection.account):
                await self.send(connection, frame)

    def status_frame(self, charge_point: ChargePoint) -> Frame:
        """CH_STATUS, remembered so a tick only pushes what changed since."""
        frame = frames.status(charge_point)
        self._told_status[charge_point.evse_id] = frame["data"]
        return frame

    async def _push_status_if_changed(self, charge_point: ChargePoint) -> None:
        if self._told_status[charge_point.evse_id] != frames.status_data(charge_point):
            await self.push_status(charge_point.evse_id)

    async def push_status(self, evse_id: str) -> None:
        """Push CH_STATUS of a charge point to its account's main connections."""
        charge_point = self.charge_point(evse_id)
        await self._broadcast(self.owner(charge_point), self.status_frame(charge_point))

    async def push_settings(self, evse_id: str) -> None:
        """Push CH_SETTINGS of a charge point."""
        charge_point = self.charge_point(evse_id)
        await self._broadcast(self.owner(charge_point), frames.settings(charge_point))

    async def push_grid_current(self, grid_id: str) -> None:
        """Push the flat GRID_CURRENT of a grid."""
        grid = self.grid(grid_id)
        await self._broadcast(self.owner(grid.charge_points[0]), frames.grid_current(grid))

    async def push_raw(self, frame: str | Mapping[str, Any]) -> None:
        """Push anything (malformed, unknown, partial) to every main connection."""
        await self._broadcast(None, frame if isinstance(frame, str) else dict(frame))

    async def publish(self, charge_point: ChargePoint, *, settings: bool) -> None:
        """After a change: CH_SETTINGS when asked, CH_STATUS when it differs from the last."""
        if settings:
            await self.push_settings(charge_point.evse_id)
        await self._push_status_if_changed(charge_point)

    # Time.

    async def tick(self, seconds: float) -> None:
        """Advance the model; push changed CH_STATUS and every grid's GRID_CURRENT.

        The model moves by `seconds` or by as much as the clock moved since the last tick,
        whichever is more: a tick that covers time the clock did not move (a warm-up before
        the demo, a test with a clock standing still) moves running sessions' starts back.
        """
        now = self.clock()
        moved = max((now - self._last_tick).total_seconds(), 0.0)
        ahead = max(seconds - moved, 0.0)
        self._last_tick = now
        for account in self._accounts.values():
            for charge_point in account.charge_points.values():
                if self.arrivals:
                    physics.come_and_go(charge_point, seconds, self._rng)
                physics.advance_charge_point(charge_point, ahead, self._rng)
            for grid in account.grids.values():
                physics.advance_grid(grid, seconds, self._rng)
            for charge_point in account.charge_points.values():
                await self._push_status_if_changed(charge_point)
            for grid in account.grids.values():
                await self._broadcast(account, frames.grid_current(grid))

    async def _ticker(self, interval: float) -> None:
        while True:
            await asyncio.sleep(interval)
            await self.tick(interval)

    def _spawn(self, job: Awaitable[None]) -> None:
        async def run() -> None:
            await job

        task = asyncio.create_task(run())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def run_after(self, delay: float, job: Callable[[], Awaitable[None]]) -> None:
        """Run now when there is no delay (keeps replies in order), else in the background."""
        if delay <= 0:
            await job()
            return

        async def later() -> None:
            await asyncio.sleep(delay)
            await job()

        self._spawn(later())

    # The websocket endpoint.

    def install(self, app: web.Application) -> None:
        """Add the /haserver route and the ticker to an aiohttp application."""
        app.router.add_get(PATH, self._handle)
        app.on_startup.append(self._on_startup)
        app.on_shutdown.append(self._on_shutdown)

    async def _on_startup(self, _app: web.Application) -> None:
        if self.tick_interval is not None:
            self._spawn(self._ticker(self.tick_interval))

    async def _on_shutdown(self, _app: web.Application) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self.close_connections(1001)

    def _handshake_refusal(self) -> str | None:
        if self.budget.any_exhausted():
            return LIMIT_REASON
        if self.reject_second_connection and self.main_connections:
            return ALREADY_CONNECTED_REASON
        return None

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        self.handshakes += 1
        if self.down:
            return web.Response(status=503, text="Service unavailable")
        refusal = self._handshake_refusal()
        if refusal is not None:
            return web.Response(status=403, headers={REJECT_HEADER: refusal}, text=refusal)
        socket = web.WebSocketResponse(autoping=True, timeout=CLOSE_TIMEOUT)
        await socket.prepare(request)
        self._connection_count += 1
        connection = Connection(self._connection_count, request, socket)
        self._connections.add(connection)
        try:
            async for message in socket:
                if message.type is WSMsgType.TEXT:
                    await self._on_frame(connection, message.data)
                elif message.type is WSMsgType.BINARY:
                    await self._on_frame(connection, message.data.decode(errors="replace"))
        finally:
            self._connections.discard(connection)
            self._unserved.discard(connection)
        return socket

    def _held_by_another(self, connection: Connection) -> bool:
        """Whether a HELLO on this connection meets another that holds the account."""
        return self.leave_second_connection_open and any(
            other is not connection and other.account is not None for other in self._connections
        )

    def _account_for(self, message: dict[str, Any]) -> Account | None:
        authorization = message.get("Authorization")
        return next(
            (
                account
                for account in self._accounts.values()
                if authorization == f"Token {account.session_token}"
            ),
            None,
        )

    async def _spend(self, connection: Connection, account: Account) -> bool:
        """Count a request; over the budget, signal it and say no."""
        if self.budget.spend(account.api_token):
            return True
        if self.limit_signal is LimitSignal.CLOSE:
            await connection.close(CLOSE_LIMIT, LIMIT_REASON)
        else:
            await self.send(connection, frames.error(ERROR_LIMIT))
        return False

    async def _on_frame(self, connection: Connection, text: str) -> None:
        message = _json_object(text)
        self.received.append(
            ReceivedFrame(connection=connection.number, text=text, message=message)
        )
        if self._stalled or connection in self._unserved:
            return
        if message is None:
            await self.send(connection, frames.error(ERROR_BAD_REQUEST))
            return
        if message.get("command") == "VALIDATE_API_TOKEN":
            # The one command without a session token: it yields one.
            account = self._accounts.get(str(message.get("token")))
            if account is None or await self._spend(connection, account):
                await self.send(connection, frames.api_token_status(account))
            return
        account = self._account_for(message)
        if account is None:
            await self.send(connection, frames.error(ERROR_INVALID_AUTH))
            return
        if not await self._spend(connection, account):
            return
        if message.get("command") == "HELLO" and self._held_by_another(connection):
            self._unserved.add(connection)
            await self.send(connection, frames.already_connected())
            return
        await dispatch(Context(hub=self, connection=connection, account=account, message=message))


def _json_object(text: str) -> dict[str, Any] | None:
    with contextlib.suppress(ValueError):
        value = json.loads(text)
        if isinstance(value, dict):
            return value
    return None
