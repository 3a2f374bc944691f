"""Blue Current websocket client: one long-lived connection per account.

Unlike the reference library it never blocks while disconnected, waits for the cloud's
verdict on every command (with a timeout), reports a clean close as a disconnect, and
keeps a connection alive through a malformed frame. Whatever a frame holds, run() ends only
with one of our errors, so the caller always learns that the connection is gone.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
import json
import logging
from typing import Any

import aiohttp
from multidict import CIMultiDict
import orjson

from .errors import (
    BlueCurrentAlreadyConnectedError,
    BlueCurrentAuthError,
    BlueCurrentCommandRejectedError,
    BlueCurrentCommandTimeoutError,
    BlueCurrentConnectionClosedError,
    BlueCurrentConnectionError,
    BlueCurrentError,
    BlueCurrentHelloTimeoutError,
    BlueCurrentNotConnectedError,
    BlueCurrentProtocolError,
    BlueCurrentRateLimitError,
    BlueCurrentSessionExpiredError,
)
from .models import (
    APP_CARD_UID,
    Account,
    ChargeCardsEvent,
    ChargePointSettings,
    ChargePointsEvent,
    Event,
    GridStatusEvent,
    OverrideCurrentPlan,
    OverrideSchedule,
    OverrideSchedulesEvent,
    Setting,
    SettingsEvent,
)
from .parse import EXCERPT_LENGTH, FrameParser, excerpt, identifier
from .ratelimit import next_reset

_LOGGER = logging.getLogger(__name__)
_TEXT = aiohttp.WSMsgType.TEXT

DEFAULT_URL = "wss://motown.bluecurrent.nl/haserver"
RATE_LIMIT_CLOSE_CODE = 4001
_REJECT_REASON_HEADER = "x-websocket-reject-reason"
_ERROR_INVALID_AUTH = 1
_ERROR_RATE_LIMIT = 42
_ALREADY_CONNECTED = "Already connected"

type Frame = dict[str, Any]
type EventListener = Callable[[Event], None]

# Commands whose answer is a plain object rather than a STATUS_ verdict.
_OVERRIDE_ANSWERS = frozenset(
    {"LIST_OVERRIDE_CURRENT", "POST_SET_OVERRIDE_CURRENT", "POST_EDIT_OVERRIDE_CURRENT"}
    | {"POST_CLEAR_OVERRIDE_CURRENT"}
)


def _utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(slots=True)
class _Waiters:
    """Futures waiting for the cloud's answer to a command, per (command, evse_id)."""

    by_key: dict[tuple[str, str | None], deque[asyncio.Future[Frame]]] = field(default_factory=dict)

    def add(self, command: str, evse_id: str | None) -> asyncio.Future[Frame]:
        future: asyncio.Future[Frame] = asyncio.get_running_loop().create_future()
        self.by_key.setdefault((command, evse_id), deque()).append(future)
        return future

    def discard(self, command: str, evse_id: str | None, future: asyncio.Future[Frame]) -> None:
        queue = self.by_key.get((command, evse_id))
        if queue is not None and future in queue:
            queue.remove(future)
            if not queue:
                del self.by_key[(command, evse_id)]

    def take(self, command: str, evse_id: str | None) -> asyncio.Future[Frame] | None:
        """The oldest waiter for this answer; without evse_id, any waiter of the command."""
        key = (command, evse_id)
        if key not in self.by_key and evse_id is None:
            key = next((k for k in self.by_key if k[0] == command), key)
        queue = self.by_key.get(key)
        if not queue:
            return None
        future = queue.popleft()
        if not queue:
            del self.by_key[key]
        return future

    def take_oldest(self) -> asyncio.Future[Frame] | None:
        """The first waiter of the longest-waiting command."""
        for key in self.by_key:
            return self.take(*key)
        return None

    def fail_all(self, error: BlueCurrentError) -> None:
        for queue in self.by_key.values():
            for future in queue:
                if not future.done():
                    future.set_exception(error)
        self.by_key.clear()


class BlueCurrentClient:
    """A client for one Blue Current account."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        api_token: str,
        *,
        url: str = DEFAULT_URL,
        command_timeout: float = 40.0,
        connect_timeout: float = 10.0,
        heartbeat: float = 30.0,
        hello_timeout: float = 30.0,
        now: Callable[[], datetime] = _utcnow,
    ) -> None:
        """Prepare a client; nothing is sent until validate_token() or run().

        heartbeat: seconds of silence after which the connection is pinged; a ping with no
        frame or pong in the next period ends it. hello_timeout: seconds after HELLO within
        which the first charge-point list must arrive, or run() ends.
        """
        self._session = session
        self._api_token = api_token
        self._url = url
        self._command_timeout = command_timeout
        self._connect_timeout = connect_timeout
        self._heartbeat = heartbeat
        self._hello_timeout = hello_timeout
        self._now = now
        self._session_token: str | None = None
        self._customer_id: str | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._closing = False
        self._failure: BlueCurrentError | None = None  # why a watchdog closed the connection
        self._received = 0  # messages of any kind on the main connection, pongs included
        self._charge_points_seen = False
        self._waiters = _Waiters()
        self._grid_requests: deque[str] = deque()
        self._parser = FrameParser()
        self._listener: EventListener | None = None

    def __repr__(self) -> str:
        """Never show tokens."""
        return f"BlueCurrentClient(url={self._url!r}, connected={self.connected})"

    @property
    def connected(self) -> bool:
        """True while the main connection is open."""
        return self._ws is not None and not self._ws.closed

    @property
    def customer_id(self) -> str | None:
        """The account's customer id, once the token was validated."""
        return self._customer_id

    # Validation (short-lived connections, one frame each way).

    async def validate_token(self) -> str:
        """Exchange the API token for a session token; returns the customer id."""
        reply = await self._exchange_one(
            {"command": "VALIDATE_API_TOKEN", "token": self._api_token}
        )
        return self._read_validation(reply)

    def _read_validation(self, reply: Frame) -> str:
        """Keep the session token and customer id of a STATUS_API_TOKEN answer."""
        if reply.get("object") != "STATUS_API_TOKEN":
            raise BlueCurrentProtocolError(f"unexpected answer {excerpt(reply.get('object'))}")
        if not reply.get("success"):
            raise BlueCurrentAuthError("The API token was refused")
        token, customer_id = reply.get("token"), identifier(reply.get("customer_id"))
        if not isinstance(token, str) or not token or customer_id is None:
            raise BlueCurrentProtocolError("token validation answer lacks token or customer_id")
        self._session_token = token
        self._customer_id = customer_id
        return customer_id

    async def get_account(self) -> Account:
        """Validate the token (when not done yet) and read the account's e-mail address."""
        if self._session_token is None:
            await self.validate_token()
        reply = await self._exchange_one(self._with_auth({"command": "GET_ACCOUNT"}))
        return self._read_account(reply)

    def _read_account(self, reply: Frame) -> Account:
        """The account an ACCOUNT answer describes."""
        login = reply.get("login") if reply.get("object") == "ACCOUNT" else None
        if not isinstance(login, str) or not login or self._customer_id is None:
            raise BlueCurrentProtocolError("account answer lacks a login")
        return Account(customer_id=self._customer_id, email=login)

    async def _exchange_one(self, frame: Frame) -> Frame:
        ws = await self._open()
        try:
            await ws.send_str(json.dumps(frame))
            async with asyncio.timeout(self._connect_timeout):
                message = await ws.receive()
        except TimeoutError as err:
            raise BlueCurrentConnectionError("No answer from Blue Current in time") from err
        except (aiohttp.ClientError, OSError) as err:
            raise BlueCurrentConnectionError(f"Connection failed: {type(err).__name__}") from err
        finally:
            await ws.close()
        if message.type not in (aiohttp.WSMsgType.TEXT, aiohttp.WSMsgType.BINARY):
            raise BlueCurrentConnectionError("Blue Current closed the connection without answer")
        reply = _decode(message.data)
        if reply.get("object") == "ERROR":
            error = self._error_from_frame(reply)
            if isinstance(error, BlueCurrentSessionExpiredError):
                # While validating there is no session yet: the API token itself was refused.
                raise BlueCurrentAuthError("The API token was refused")
            raise error
        return reply

    async def _open(self) -> aiohttp.ClientWebSocketResponse:
        try:
            return await self._session.ws_connect(
                self._url,
                timeout=aiohttp.ClientWSTimeout(ws_receive=None, ws_close=5.0),
                # Pings are ours (see _keepalive): we see the pongs and can time them.
                autoping=False,
            )
        except aiohttp.WSServerHandshakeError as err:
            reason = str(CIMultiDict(err.headers or ()).get(_REJECT_REASON_HEADER, ""))
            if "Request limit reached" in reason:
                raise BlueCurrentRateLimitError(next_reset(self._now())) from err
            if _ALREADY_CONNECTED in reason:
                raise BlueCurrentAlreadyConnectedError(_ALREADY_CONNECTED) from err
            raise BlueCurrentConnectionError(f"Handshake refused (HTTP {err.status})") from err
        except TimeoutError as err:
            raise BlueCurrentConnectionError("Timed out connecting to Blue Current") from err
        except (aiohttp.ClientError, OSError) as err:
            raise BlueCurrentConnectionError(f"Cannot connect: {type(err).__name__}") from err

    # The main connection.

    async def run(
        self,
        listener: EventListener,
        on_open: Callable[[], Awaitable[None]] | None = None,
    ) -> None:
        """Connect, say HELLO, call on_open, then deliver events until the connection ends.

        Returns only after disconnect(); any other end raises a BlueCurrentError
        (a clean close by the cloud raises BlueCurrentConnectionClosedError; no charge-point
        list within hello_timeout of HELLO raises BlueCurrentHelloTimeoutError; a frame that
        could not be handled at all raises BlueCurrentProtocolError).
        on_open may send requests but must not wait for command verdicts; it is expected to
        ask for the charge points (request_charge_points).
        """
        if self._session_token is None:
            await self.validate_token()
        self._closing = False
        self._failure = None
        self._received = 0
        self._charge_points_seen = False
        self._listener = listener
        ws = await self._open()
        self._ws = ws
        watchdogs = (
            asyncio.create_task(self._keepalive(ws)),
            asyncio.create_task(self._expect_charge_points(ws)),
        )
        try:
            await self._send({"command": "HELLO", "header": "homeassistant"})
            if on_open is not None:
                await on_open()
            await self._receive_loop(ws)
            if self._closing:
                return
            if self._failure is not None:
                raise self._failure
            raise self._close_error(ws.close_code)
        except (aiohttp.ClientError, OSError) as err:
            raise BlueCurrentConnectionError(f"Connection lost: {type(err).__name__}") from err
        finally:
            for watchdog in watchdogs:
                watchdog.cancel()
            self._ws = None
            self._listener = None
            self._grid_requests.clear()
            self._waiters.fail_all(BlueCurrentNotConnectedError("The connection was closed"))
            if not ws.closed:
                await ws.close()

    async def disconnect(self) -> None:
        """Close the main connection; run() then returns normally."""
        self._closing = True
        if self._ws is not None:
            await self._ws.close()

    async def _fail(self, ws: aiohttp.ClientWebSocketResponse, error: BlueCurrentError) -> None:
        """End the connection from a watchdog; run() then raises `error`."""
        if self._failure is None:
            self._failure = error
        await ws.close()

    async def _keepalive(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        """Ping a quiet connection; close it when nothing, not even the pong, comes back.

        Without this a connection that died silently (a router reboot) looks open for hours.
        What counts is whether a message arrived since the last look, never how late the
        loop woke up: a pong that came back at once is as good as any frame.
        """
        seen = self._received
        pinged = False
        while not ws.closed:
            await asyncio.sleep(self._heartbeat)
            if self._received != seen:  # something arrived during the period (maybe the pong)
                seen = self._received
                pinged = False
                continue
            if pinged:
                error = BlueCurrentConnectionError("The connection stopped answering pings")
                await self._fail(ws, error)
                return
            pinged = True
            try:
                await ws.ping()
            except aiohttp.ClientError, OSError:
                return  # the connection is closing; the receive loop reports how it ended

    async def _expect_charge_points(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        """End a connection that got no charge-point list in time after HELLO.

        The cloud may keep a socket open without serving it ("Already connected", a stuck
        session): without this the caller would wait for the list forever.
        """
        await asyncio.sleep(self._hello_timeout)
        if not self._charge_points_seen:
            error = BlueCurrentHelloTimeoutError(
                f"No charge-point list within {self._hello_timeout:g} s after HELLO"
            )
            await self._fail(ws, error)

    async def _receive_loop(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        async for message in ws:
            self._received += 1
            kind = message.type
            if kind is not _TEXT:  # almost every message is a text frame: test that first
                if kind is aiohttp.WSMsgType.PING:
                    await ws.pong(message.data)
                    continue
                if kind is aiohttp.WSMsgType.PONG:
                    continue
                if kind is aiohttp.WSMsgType.ERROR:
                    raise BlueCurrentConnectionError("Connection error")
            try:
                self._on_frame(message.data)
            except BlueCurrentError:
                raise
            except Exception as err:
                # A frame we failed to handle: end the connection rather than go on unseen.
                _LOGGER.debug("Failed to handle a frame from Blue Current", exc_info=True)
                raise BlueCurrentProtocolError(
                    f"A frame could not be handled ({type(err).__name__})"
                ) from err

    def _on_frame(self, data: str | bytes) -> None:
        """Decode one frame and deliver its event; a malformed frame is skipped."""
        try:
            frame = _decode(data)
        except BlueCurrentProtocolError as err:
            _LOGGER.warning("Skipping a malformed frame from Blue Current: %s", err)
            return
        self._handle(frame)

    def _close_error(self, code: int | None) -> BlueCurrentError:
        if code == RATE_LIMIT_CLOSE_CODE:
            return BlueCurrentRateLimitError(next_reset(self._now()))
        if code in (aiohttp.WSCloseCode.OK, aiohttp.WSCloseCode.GOING_AWAY):
            return BlueCurrentConnectionClosedError("Blue Current closed the connection")
        return BlueCurrentConnectionError(f"Connection lost (close code {code})")

    # Incoming frames.

    def _handle(self, frame: Frame) -> None:
        name = frame.get("object")
        if not isinstance(name, str):
            _LOGGER.warning("Skipping a frame without object from Blue Current")
            return
        if name == "CHARGE_POINTS":
            self._charge_points_seen = True  # the cloud serves us, even if the list is unreadable
        try:
            event = self._to_event(name, frame)
        except BlueCurrentProtocolError as err:
            _LOGGER.warning("Skipping an unreadable %s frame: %s", excerpt(name), err)
            return
        if event is not None and self._listener is not None:
            try:
                self._listener(event)
            except Exception:
                _LOGGER.exception("Error in the Blue Current event listener")

    def _to_event(self, name: str, frame: Frame) -> Event | None:
        parser = self._parser
        match name:
            case "CH_STATUS":
                return parser.status_event(frame)
            case "GRID_CURRENT":
                return parser.grid_current(frame)
            case "GRID_STATUS":
                asked_for = self._grid_requests.popleft() if self._grid_requests else None
                return GridStatusEvent(parser.grid_status(frame), asked_for)
            case "CH_SETTINGS":
                data = _mapping(frame.get("data"), "CH_SETTINGS data")
                evse_id = identifier(data.get("evse_id")) or identifier(frame.get("evse_id"))
                if evse_id is None:
                    raise BlueCurrentProtocolError("CH_SETTINGS without evse_id")
                return SettingsEvent(evse_id, parser.settings(data))
            case "CHARGE_POINTS":
                entries = _list(frame.get("data"), "CHARGE_POINTS data")
                points = [parser.charge_point(entry) for entry in entries]
                readable = tuple(p for p in points if p is not None)
                return ChargePointsEvent(readable, unreadable=len(points) - len(readable))
            case "CHARGE_CARDS":
                entries = _list(frame.get("cards", frame.get("data")), "CHARGE_CARDS cards")
                cards = (parser.card(entry) for entry in entries)
                return ChargeCardsEvent(tuple(c for c in cards if c is not None))
            case "ERROR":
                self._handle_error(frame)
                return None
            case "HELLO":
                return None
        if name in _OVERRIDE_ANSWERS:
            return self._handle_override_answer(name, frame)
        if name.startswith(("STATUS_", "RECEIVED_")):
            return self._handle_verdict(name, frame)
        _LOGGER.debug("Ignoring %s from Blue Current", excerpt(name))
        return None

    def _handle_error(self, frame: Frame) -> None:
        error = self._error_from_frame(frame)
        if isinstance(
            error,
            BlueCurrentRateLimitError
            | BlueCurrentSessionExpiredError
            | BlueCurrentAlreadyConnectedError,
        ):
            raise error  # the connection is of no further use; run() ends with this error
        # Other errors answer a request; the cloud does not say which, so the oldest fails.
        future = self._waiters.take_oldest()
        if future is None:
            _LOGGER.warning("Blue Current reported an error: %s", error)
        elif not future.done():
            future.set_exception(error)

    def _error_from_frame(self, frame: Mapping[str, Any]) -> BlueCurrentError:
        code = frame.get("error")
        message = _reason(frame.get("message")) or "unknown error"
        if _ALREADY_CONNECTED.lower() in message.lower():
            # Another connection holds the account; this socket will not be served.
            return BlueCurrentAlreadyConnectedError(_ALREADY_CONNECTED)
        if code == _ERROR_RATE_LIMIT:
            return BlueCurrentRateLimitError(next_reset(self._now()))
        if code == _ERROR_INVALID_AUTH:
            self._session_token = None
            return BlueCurrentSessionExpiredError("The session token was refused")
        return BlueCurrentCommandRejectedError("request", None, message)

    def _handle_verdict(self, name: str, frame: Frame) -> Event | None:
        received = name.startswith("RECEIVED_")
        command = name.removeprefix("RECEIVED_").removeprefix("STATUS_")
        evse_id = identifier(frame.get("evse_id"))
        error = frame.get("error") or ""
        if received and not error:
            return None  # an acknowledgement; the verdict follows
        future = self._waiters.take(command, evse_id)
        if future is not None and not future.done():
            future.set_result(frame)
        if not error and frame.get("success", True) is not False:
            return self._setting_event(command, frame)
        return None

    def _setting_event(self, command: str, frame: Frame) -> Event | None:
        """A confirmed setting change, so listeners need not wait for CH_SETTINGS."""
        evse_id = identifier(frame.get("evse_id"))
        result = frame.get("result")
        text = result.get("setting") if isinstance(result, Mapping) else None
        if evse_id is None or not isinstance(text, str):
            return None
        # The cloud words its answer "set true" / "set false".
        value = "true" in text
        if command == "SET_PLUG_AND_CHARGE":
            settings = ChargePointSettings(plug_and_charge=Setting(value=value, writable=True))
        elif command == "SET_PUBLIC_CHARGING":
            settings = ChargePointSettings(
                linked_charge_cards_only=Setting(value=not value, writable=True)
            )
        else:
            return None
        return SettingsEvent(evse_id, settings)

    def _handle_override_answer(self, name: str, frame: Frame) -> Event | None:
        future = self._waiters.take(name, None)
        if future is not None and not future.done():
            future.set_result(frame)
        if name != "LIST_OVERRIDE_CURRENT":
            return None
        entries = _list(frame.get("data"), "override schedules")
        schedules = (self._parser.override_schedule(entry) for entry in entries)
        return OverrideSchedulesEvent(tuple(s for s in schedules if s is not None))

    # Outgoing frames.

    def _with_auth(self, frame: Frame) -> Frame:
        if self._session_token is None:
            raise BlueCurrentNotConnectedError("The token has not been validated")
        return {**frame, "Authorization": f"Token {self._session_token}"}

    async def _send(self, frame: Frame) -> None:
        ws = self._ws
        if ws is None or ws.closed:
            raise BlueCurrentNotConnectedError("Not connected to Blue Current")
        try:
            await ws.send_str(json.dumps(self._with_auth(frame)))
        except (aiohttp.ClientError, OSError) as err:
            raise BlueCurrentNotConnectedError("Not connected to Blue Current") from err

    async def _command(
        self,
        command: str,
        evse_id: str | None = None,
        /,
        **fields: Any,
    ) -> Frame:
        """Send a command and wait for its verdict; raise when it is negative or late."""
        future = self._waiters.add(command, evse_id)
        frame: Frame = {"command": command, **fields}
        if evse_id is not None:
            frame["evse_id"] = evse_id
        try:
            await self._send(frame)
            async with asyncio.timeout(self._command_timeout):
                reply = await future
        except TimeoutError as err:
            raise BlueCurrentCommandTimeoutError(command, evse_id, "no answer in time") from err
        finally:
            self._waiters.discard(command, evse_id, future)
        return _verdict(command, evse_id, reply)

    # Requests whose answers arrive as events.

    async def request_charge_points(self) -> None:
        """Ask for the list of charge points (answered by a ChargePointsEvent)."""
        await self._send({"command": "GET_CHARGE_POINTS"})

    async def request_status(self, evse_id: str) -> None:
        """Ask for a charge point's status (answered by a StatusEvent)."""
        await self._send({"command": "GET_CH_STATUS", "evse_id": evse_id})

    async def request_settings(self, evse_id: str) -> None:
        """Ask for a charge point's settings (answered by a SettingsEvent)."""
        await self._send({"command": "GET_CH_SETTINGS", "evse_id": evse_id})

    async def request_grid_status(self, evse_id: str) -> None:
        """Ask for the status of a charge point's grid (answered by a GridStatusEvent)."""
        self._grid_requests.append(evse_id)
        try:
            await self._send({"command": "GET_GRID_STATUS", "evse_id": evse_id})
        except BlueCurrentError:
            self._grid_requests.pop()
            raise

    async def request_charge_cards(self) -> None:
        """Ask for the account's charge cards (answered by a ChargeCardsEvent)."""
        await self._send({"command": "GET_CHARGE_CARDS", "limit": 100})

    # Commands with a verdict.

    async def set_plug_and_charge(self, evse_id: str, value: bool) -> None:
        """Switch plug-and-charge."""
        await self._command("SET_PLUG_AND_CHARGE", evse_id, value=value)

    async def set_linked_charge_cards_only(self, evse_id: str, value: bool) -> None:
        """Allow only the account's linked cards (the wire speaks of public charging)."""
        await self._command("SET_PUBLIC_CHARGING", evse_id, value=not value)

    async def block(self, evse_id: str, value: bool) -> None:
        """Block (out of operation) or unblock a charge point."""
        await self._command("SET_INOPERATIVE" if value else "SET_OPERATIVE", evse_id)

    async def reset(self, evse_id: str) -> None:
        """Soft-reset a charge point."""
        await self._command("SOFT_RESET", evse_id)

    async def reboot(self, evse_id: str) -> None:
        """Reboot a charge point."""
        await self._command("REBOOT", evse_id)

    async def start_session(self, evse_id: str, card_uid: str = APP_CARD_UID) -> None:
        """Start a charge session with a card (the app card by default)."""
        await self._command("START_SESSION", evse_id, session_token=card_uid)

    async def stop_session(self, evse_id: str) -> None:
        """Stop the charge session."""
        await self._command("STOP_SESSION", evse_id)

    async def set_delayed_charging(self, evse_id: str, value: bool) -> None:
        """Switch delayed (scheduled) charging."""
        await self._command("SET_DELAYED_CHARGING", evse_id, value=value)

    async def set_delayed_charging_schedule(
        self, evse_id: str, days: list[int], start_time: str, end_time: str
    ) -> None:
        """Set the delayed-charging window; days are 1 (Monday) to 7."""
        await self._command(
            "SAVE_SCHEDULE_DELAYED_CHARGING",
            evse_id,
            days="[" + ",".join(str(day) for day in days) + "]",
            start_time=start_time,
            end_time=end_time,
        )

    async def set_price_based_charging(self, evse_id: str, value: bool) -> None:
        """Switch price-based (dynamic tariff) charging."""
        await self._command("SET_PRICE_BASED_CHARGING", evse_id, value=value)

    async def update_price_based_charging_settings(
        self,
        evse_id: str,
        *,
        expected_departure_time: str | None = None,
        current_battery_pct: int | None = None,
        minimum_pct: int | None = None,
        battery_size_kwh: int | None = None,
    ) -> None:
        """Patch the price-based charging settings; None leaves a field unchanged."""
        patch = {
            "expected_departure_time": expected_departure_time,
            "current_battery_pct": current_battery_pct,
            "minimum_pct": minimum_pct,
            "battery_size_kwh": battery_size_kwh,
        }
        await self._command(
            "PATCH_PRICE_BASED_CHARGING_SETTINGS",
            evse_id,
            **{key: value for key, value in patch.items() if value is not None},
        )

    async def override_price_based_charging_profile(self, evse_id: str, value: bool) -> None:
        """Boost: charge now despite the price-based profile."""
        await self._command("OVERRIDE_CHARGING_PROFILES", evse_id, value=value)

    async def override_delayed_charging_profile(self, evse_id: str, value: bool) -> None:
        """Boost: charge now despite the delayed-charging window."""
        await self._command("OVERRIDE_DELAYED_CHARGING_TIMEOUT", evse_id, value=value)

    async def list_override_currents(self) -> tuple[OverrideSchedule, ...]:
        """The account's override-current schedules."""
        reply = await self._command("LIST_OVERRIDE_CURRENT")
        entries = _list(reply.get("data"), "override schedules")
        schedules = (self._parser.override_schedule(entry) for entry in entries)
        return tuple(s for s in schedules if s is not None)

    async def set_override_current(self, plan: OverrideCurrentPlan) -> OverrideSchedule:
        """Create an override-current schedule."""
        reply = await self._command("POST_SET_OVERRIDE_CURRENT", **plan.to_wire())
        return self._schedule_from(reply)

    async def edit_override_current(
        self, schedule_id: str, plan: OverrideCurrentPlan
    ) -> OverrideSchedule:
        """Change an override-current schedule."""
        reply = await self._command(
            "POST_EDIT_OVERRIDE_CURRENT", schedule_id=schedule_id, **plan.to_wire()
        )
        return self._schedule_from(reply)

    async def clear_override_current(self, schedule_id: str) -> None:
        """Delete an override-current schedule."""
        await self._command("POST_CLEAR_OVERRIDE_CURRENT", schedule_id=int(schedule_id))

    def _schedule_from(self, reply: Frame) -> OverrideSchedule:
        schedule = self._parser.override_schedule(reply.get("data"))
        if schedule is None:
            raise BlueCurrentProtocolError("override answer without a schedule")
        return schedule


def _decode(data: str | bytes) -> Frame:
    try:
        frame = orjson.loads(data)
    except orjson.JSONDecodeError:
        frame = _decode_leniently(data)
    except TypeError as err:
        raise BlueCurrentProtocolError("not JSON") from err
    if not isinstance(frame, dict):
        raise BlueCurrentProtocolError("not a JSON object")
    return frame


def _decode_leniently(data: str | bytes) -> object:
    """What orjson refuses but Python reads (NaN, Infinity, huge integers): the parser
    then drops just those values, and the rest of the frame is kept."""
    try:
        return json.loads(data)
    except (TypeError, ValueError) as err:
        raise BlueCurrentProtocolError("not JSON") from err
    except RecursionError as err:
        raise BlueCurrentProtocolError("JSON nested too deeply") from err


def _verdict(command: str, evse_id: str | None, reply: Frame) -> Frame:
    """The answer to a command when it is positive; raise when it is negative."""
    error = _reason(reply.get("error"))
    if error.upper() == "TIMEOUT":
        raise BlueCurrentCommandTimeoutError(command, evse_id, "the charge point timed out")
    if error or reply.get("success") is False:
        raise BlueCurrentCommandRejectedError(command, evse_id, error or "rejected")
    return reply


def _reason(value: object) -> str:
    """The text of an error or message field, cut short; "" when there is none."""
    if not value:
        return ""
    if isinstance(value, str):
        return value if len(value) <= EXCERPT_LENGTH else value[:EXCERPT_LENGTH] + "…"
    return excerpt(value)


def _mapping(value: object, what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise BlueCurrentProtocolError(f"{what} is not an object")
    return value


def _list(value: object, what: str) -> list[Any]:
    if not isinstance(value, list):
        raise BlueCurrentProtocolError(f"{what} is not a list")
    return value
