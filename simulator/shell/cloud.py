"""ShellCloud: a fake Shell "EV charge sessions" API that mounts its routes on a host's app.

It speaks the real paths (`/v2/oauth/token`, `/ev/v2/charge-session/...` and the v1 twins),
checks the bearer token and the `RequestId` header like the gateway does, and answers with
the error bodies of the reference. Tests steer it through plain methods and attributes.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
from collections.abc import Awaitable, Callable, Iterable
import contextlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
import json
import random
import re
from urllib.parse import parse_qsl
import uuid

from aiohttp import web

from .faults import Corruption, Fault, FaultQueue, spoil
from .sessions import SessionBook, SimSession
from .wire import (
    Json,
    KeyStyle,
    StateStyle,
    envelope,
    error_json,
    oauth_error_json,
    session_json,
    started_json,
)

_UUID = re.compile(r"[{]?[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}[}]?")
_SESSION_GONE = "Session not found or Session has already been stopped"

type Clock = Callable[[], datetime]
type _Handler = Callable[[web.Request, str, str], _Reply]


@dataclass(frozen=True, slots=True)
class RecordedRequest:
    """One request as the cloud received it, for tests to inspect."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: str
    at: datetime


@dataclass(frozen=True, slots=True)
class _Reply:
    status: int
    payload: Json
    headers: dict[str, str] = field(default_factory=dict)


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _compact(ema_id: str) -> str:
    """One spelling per card, so "NL-TNM-…" and "nltnm…" find the same one."""
    return "".join(ema_id.split()).replace("-", "").upper()


class ShellCloud:
    """The fake Shell API: OAuth2 tokens, charge sessions and injectable faults."""

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        cards: Iterable[str],
        evse_ids: Iterable[str],
        clock: Clock = _utc_now,
        seed: int | None = None,
        start_delay: float = 5.0,
        stop_delay: float = 5.0,
        session_limit: float | None = None,
        token_lifetime: float = 3599,
    ) -> None:
        """Accept one partner's credentials, its cards (EMA-IDs) and the EVSEs it may use.

        Delays and limits are seconds on `clock`; `seed` makes ids and tokens repeatable.
        """
        self._client_id = client_id
        self._client_secret = client_secret
        self._clock = clock
        self._rng = random.Random(seed)
        self._users = {_compact(card): self._new_uuid() for card in cards}
        self._evses = {evse_id.upper(): evse_id for evse_id in evse_ids}
        self._book = SessionBook(
            start_delay=start_delay, stop_delay=stop_delay, session_limit=session_limit
        )
        self._tokens: dict[str, datetime] = {}
        self._faults = FaultQueue()
        self._delay = 0.0
        self._closing: asyncio.Event | None = None
        self.token_lifetime = token_lifetime
        self.key_style = KeyStyle.SDK
        self.state_style = StateStyle.CAPITALISED
        self.accept_status = 202  # for start and stop; the 2.x docs say 200
        self.active_empty_as_404 = False
        self.expires_in_as_string = False
        self.omit_expires_in = False
        self.accept_basic_auth = True
        self.accept_form_auth = True
        self.tokens_issued = 0
        self.requests: list[RecordedRequest] = []

    def install(self, app: web.Application) -> None:
        """Add the token endpoints and the v1 and v2 charge-session routes to `app`."""
        for version in ("v1", "v2"):
            app.router.add_post(f"/{version}/oauth/token", self._serve_token)
            prefix = f"/ev/{version}/charge-session"
            app.router.add_post(f"{prefix}/start", self._api_route("start", self._start))
            app.router.add_post(f"{prefix}/stop", self._api_route("stop", self._stop))
            app.router.add_get(f"{prefix}/retrieve", self._api_route("retrieve", self._retrieve))
            app.router.add_get(f"{prefix}/active", self._api_route("active", self._active))
        app.on_shutdown.append(self._release_slow_answers)

    # --- control API for tests and the demo -------------------------------------------

    @property
    def start_delay(self) -> float:
        """Seconds from a start request until the operator starts (or refuses) the session."""
        return self._book.start_delay

    @start_delay.setter
    def start_delay(self, seconds: float) -> None:
        self._book.start_delay = seconds

    @property
    def stop_delay(self) -> float:
        """Seconds from a stop request until the session is stopped."""
        return self._book.stop_delay

    @stop_delay.setter
    def stop_delay(self, seconds: float) -> None:
        self._book.stop_delay = seconds

    @property
    def session_limit(self) -> float | None:
        """Seconds after which a started session ends by itself; None: never."""
        return self._book.session_limit

    @session_limit.setter
    def session_limit(self, seconds: float | None) -> None:
        self._book.session_limit = seconds

    def fail_next(
        self,
        status: int,
        retry_after: float | str | None = None,
        *,
        route: str | None = None,
        times: int = 1,
        corruption: Corruption | None = None,
    ) -> None:
        """Answer the next `times` requests with `status`, its body, and `Retry-After` if given.

        `retry_after` is seconds, or a string sent as it is (e.g. an HTTP date).

        `route` is "token", "start", "stop", "retrieve" or "active"; None means any of the
        charge-session routes. `corruption` also spoils the error body.
        """
        fault = Fault(route, status=status, retry_after=retry_after, corruption=corruption)
        self._faults.add(fault, times)

    def corrupt_next(
        self, corruption: Corruption, *, route: str | None = None, times: int = 1
    ) -> None:
        """Spoil the next `times` answers the way `corruption` says; `route` as for fail_next."""
        self._faults.add(Fault(route, corruption=corruption), times)

    def clear_faults(self) -> None:
        """Forget faults that were queued but not used."""
        self._faults.clear()

    def slow(self, seconds: float) -> None:
        """Hold every answer for `seconds` (real time) until told `slow(0)`."""
        self._delay = seconds

    def revoke_tokens(self) -> None:
        """Make every access token issued so far invalid, as a key rotation would."""
        self._tokens.clear()

    def session(self, session_id: str) -> SimSession:
        """Return a session as it stands now (KeyError if unknown)."""
        self._book.advance(self._clock())
        return self._book.sessions[session_id]

    def end_session(self, session_id: str) -> None:
        """End a session by itself (cable pulled, car full): it becomes `stopped` now."""
        session = self.session(session_id)
        if session.is_final:
            raise ValueError(f"Session {session_id} is already over")
        self._book.end(session, self._clock())

    def set_ev_connected(self, evse_id: str, connected: bool) -> None:
        """Plug an EV in or out at an EVSE; starts fail with EvNotConnectedToEvse without one."""
        self._book.set_ev_connected(self._known_evse(evse_id), connected, self._clock())

    def fail_next_start(
        self, evse_id: str, code: str = "EvseOutOfService", message: str = "Evse out of service"
    ) -> None:
        """Make the next start at `evse_id` end in `failed-to-start` with this error."""
        self._book.start_failures[self._known_evse(evse_id)] = (code, message)

    def fail_next_stop(
        self, session_id: str, code: str = "InternalError", message: str = "Stop failed"
    ) -> None:
        """Make the next stop of a session end in `failed-to-stop` with this error."""
        self.session(session_id).stop_failure = (code, message)

    # --- serving ----------------------------------------------------------------------

    def _known_evse(self, evse_id: str) -> str:
        return self._evses[evse_id.upper()]

    def _new_uuid(self) -> str:
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    async def _release_slow_answers(self, _app: web.Application) -> None:
        # Let held answers go at once, so the host shuts down without waiting for them.
        if self._closing is not None:
            self._closing.set()
            self._closing = None

    async def _pause(self) -> None:
        if self._delay <= 0:
            return
        if self._closing is None:
            self._closing = asyncio.Event()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), self._delay)

    def _api_route(
        self, route: str, handler: _Handler
    ) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def serve(request: web.Request) -> web.Response:
            return await self._serve(
                request, route, lambda text: self._checked(request, text, handler)
            )

        return serve

    async def _serve_token(self, request: web.Request) -> web.Response:
        return await self._serve(request, "token", lambda text: self._token(request, text))

    async def _serve(
        self, request: web.Request, route: str, answer: Callable[[str], _Reply]
    ) -> web.Response:
        """Record, delay, inject faults, then answer."""
        text = await request.text()
        self.requests.append(
            RecordedRequest(
                method=request.method,
                path=request.path,
                query=dict(request.query),
                headers=dict(request.headers),
                body=text,
                at=self._clock(),
            )
        )
        await self._pause()
        fault = self._faults.take(route)
        if fault is not None and fault.status is not None:
            headers = {}
            if isinstance(fault.retry_after, str):
                headers["Retry-After"] = fault.retry_after
            elif fault.retry_after is not None:
                headers["Retry-After"] = f"{fault.retry_after:g}"
            request_id = request.headers.get("RequestId")
            reply = _Reply(fault.status, error_json(request_id, fault.status), headers)
        else:
            self._book.advance(self._clock())
            reply = answer(text)
        if fault is not None and fault.corruption is not None:
            body = spoil(reply.payload, fault.corruption, self._rng)
        else:
            body = json.dumps(reply.payload)
        return web.Response(
            status=reply.status, text=body, content_type="application/json", headers=reply.headers
        )

    def _checked(self, request: web.Request, text: str, handler: _Handler) -> _Reply:
        """The gateway's checks: a bearer token that is valid now, and a UUID RequestId."""
        request_id = request.headers.get("RequestId")
        authorization = request.headers.get("Authorization")
        if not authorization:
            return _Reply(400, error_json(request_id, 400, "Authorization header is missing"))
        scheme, _, token = authorization.partition(" ")
        expires = self._tokens.get(token.strip())
        if scheme.lower() != "bearer" or expires is None or self._clock() >= expires:
            return _Reply(401, error_json(request_id, 401))
        if request_id is None or not _UUID.fullmatch(request_id):
            return _Reply(
                400, error_json(request_id, 400, "RequestId header is missing or invalid")
            )
        return handler(request, text, request_id)

    def _token(self, request: web.Request, text: str) -> _Reply:
        form = dict(parse_qsl(text))
        if form.get("grant_type") != "client_credentials":
            refusal = oauth_error_json("unsupported_grant_type", "Use client_credentials")
            return _Reply(400, refusal)
        if self._credentials(request, form) != (self._client_id, self._client_secret):
            return _Reply(401, oauth_error_json("invalid_client", "Client authentication failed"))
        token = f"{self._rng.getrandbits(128):032x}"
        self._tokens[token] = self._clock() + timedelta(seconds=self.token_lifetime)
        self.tokens_issued += 1
        body: Json = {"access_token": token, "token_type": "Bearer"}
        if not self.omit_expires_in:
            lifetime = int(self.token_lifetime)
            body["expires_in"] = str(lifetime) if self.expires_in_as_string else lifetime
        return _Reply(200, body)

    def _credentials(self, request: web.Request, form: dict[str, str]) -> tuple[str, str] | None:
        """Credentials from a Basic header or from form fields, as far as each is accepted."""
        scheme, _, encoded = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "basic" and self.accept_basic_auth:
            try:
                decoded = base64.b64decode(encoded, validate=True).decode()
            except binascii.Error, UnicodeDecodeError:
                return None
            client_id, _, secret = decoded.partition(":")
            return client_id, secret
        if "client_id" in form and self.accept_form_auth:
            return form["client_id"], form.get("client_secret", "")
        return None

    def _start(self, _request: web.Request, text: str, request_id: str) -> _Reply:
        try:
            body: object = json.loads(text)
        except ValueError:
            body = None
        fields = body if isinstance(body, dict) else {}
        ema_id, evse_id = fields.get("evChargeNumber"), fields.get("evseId")
        if not (
            isinstance(ema_id, str)
            and 1 <= len(ema_id) <= 50
            and isinstance(evse_id, str)
            and 18 <= len(evse_id) <= 36
        ):
            description = "Missing / Invalid value for: evChargeNumber | evseId"
            return _Reply(400, error_json(request_id, 400, description))
        user_id = self._users.get(_compact(ema_id))
        if user_id is None:
            description = "Invalid charge token with given EmaId was not found"
            return _Reply(404, error_json(request_id, 404, description))
        known_evse = self._evses.get(evse_id.upper())
        if known_evse is None:
            return _Reply(404, error_json(request_id, 404, "Location Not Found"))
        now = self._clock()
        session = SimSession(
            session_id=self._new_uuid(),
            user_id=user_id,
            ema_id=ema_id,
            card=_compact(ema_id),
            evse_id=known_evse,
            requested_at=now,
            last_updated=now,
        )
        self._book.open(session)
        data = [started_json(session.session_id, self.key_style)]
        return _Reply(self.accept_status, envelope(request_id, data, self.key_style))

    def _session_from(self, request: web.Request, request_id: str) -> SimSession | _Reply:
        session_id = request.query.get("sessionId", "")
        if len(session_id) != 36 or not _UUID.fullmatch(session_id):
            description = "Missing / Invalid value for: sessionId"
            return _Reply(400, error_json(request_id, 400, description))
        session = self._book.sessions.get(session_id.lower())
        if session is None:
            return _Reply(404, error_json(request_id, 404, "Session not found"))
        return session

    def _stop(self, request: web.Request, _text: str, request_id: str) -> _Reply:
        session = self._session_from(request, request_id)
        if isinstance(session, _Reply):
            return session
        if session.is_final:
            return _Reply(404, error_json(request_id, 404, _SESSION_GONE))
        self._book.request_stop(session, self._clock())
        return _Reply(self.accept_status, envelope(request_id, None, self.key_style))

    def _retrieve(self, request: web.Request, _text: str, request_id: str) -> _Reply:
        session = self._session_from(request, request_id)
        if isinstance(session, _Reply):
            return session
        item = self._render(session, "retrieve")
        return _Reply(200, envelope(request_id, [item], self.key_style))

    def _active(self, request: web.Request, _text: str, request_id: str) -> _Reply:
        ema_id = request.query.get("emaId", "")
        if not 14 <= len(ema_id) <= 19:
            description = "Missing / Invalid value for: emaId"
            return _Reply(400, error_json(request_id, 400, description))
        card = _compact(ema_id)
        sessions = [s for s in self._book.sessions.values() if s.card == card and not s.is_final]
        if not sessions and self.active_empty_as_404:
            return _Reply(404, error_json(request_id, 404, _SESSION_GONE))
        data = [self._render(session, "active") for session in sessions]
        return _Reply(200, envelope(request_id, data, self.key_style))

    def _render(self, session: SimSession, endpoint: str) -> Json:
        return session_json(
            session, endpoint=endpoint, keys=self.key_style, states=self.state_style
        )
