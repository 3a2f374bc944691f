"""Async client for the Shell Recharge "EV charge sessions" partner API.

Start and stop only ask the operator to act; callers poll `retrieve` or `active` to learn
what happened. Every call carries a fresh `RequestId` and must get it echoed back.
"""

from __future__ import annotations

import asyncio
from base64 import b64encode
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
import json
import logging
import math
import time
import uuid

import aiohttp

from .errors import (
    ShellAuthError,
    ShellConnectionError,
    ShellError,
    ShellNotFoundError,
    ShellRateLimitError,
    ShellResponseError,
    ShellServerError,
    ShellValidationError,
)
from .models import (
    ChargeSession,
    lower_keys,
    validate_ema_id,
    validate_evse_id,
    validate_session_id,
)

_LOGGER = logging.getLogger(__name__)

PRODUCTION_URL = "https://api.shell.com"
TEST_URL = "https://api-test.shell.com"
API_V2 = "/ev/v2"
API_V1 = "/ev/v1"
TOKEN_PATH = "/v2/oauth/token"

# Refresh this long before the token runs out (at most half its life), so no call races expiry.
TOKEN_REFRESH_MARGIN = 60.0


@dataclass(frozen=True, slots=True)
class _Token:
    value: str = field(repr=False)
    refresh_at: float | None  # on the client's clock; None: keep until the API refuses it

    def is_fresh(self, now: float) -> bool:
        return self.refresh_at is None or now < self.refresh_at


@dataclass(frozen=True, slots=True)
class _Answer:
    status: int
    retry_after: str | None
    body: bytes


@dataclass(kw_only=True)
class ShellRechargeClient:
    """Start, stop and follow charge sessions of Shell Recharge cards.

    `session` is the caller's aiohttp session; the client never closes it. `clock` is
    monotonic seconds and only decides when the access token is refreshed.
    """

    session: aiohttp.ClientSession
    client_id: str
    client_secret: str = field(repr=False)
    base_url: str = PRODUCTION_URL
    api_prefix: str = API_V2
    token_path: str = TOKEN_PATH
    request_timeout: float = 15.0
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)
    _token: _Token | None = field(default=None, init=False, repr=False)
    _token_lock: asyncio.Lock = field(default_factory=asyncio.Lock, init=False, repr=False)
    _form_credentials: bool = field(default=False, init=False, repr=False)

    async def authenticate(self) -> None:
        """Fetch a new access token now; raises ShellAuthError when the credentials are refused."""
        async with self._token_lock:
            self._token = await self._fetch_token()

    async def start(self, ema_id: str, evse_id: str) -> str:
        """Ask to start charging with card `ema_id` at `evse_id`; returns the new session id."""
        body = {"evChargeNumber": validate_ema_id(ema_id), "evseId": validate_evse_id(evse_id)}
        return _started_session_id(await self._call("POST", "start", body=body))

    async def stop(self, session_id: str) -> None:
        """Ask to stop a session; it becomes `stop-requested` until the operator confirms."""
        await self._call("POST", "stop", params={"sessionId": validate_session_id(session_id)})

    async def retrieve(self, session_id: str) -> ChargeSession:
        """Return the current state of one session."""
        params = {"sessionId": validate_session_id(session_id)}
        data = _data(await self._call("GET", "retrieve", params=params), "retrieve")
        if not data:
            raise ShellResponseError("The retrieve answer holds no session")
        return ChargeSession.from_wire(data[0])

    async def active(self, ema_id: str) -> list[ChargeSession]:
        """Return the sessions of a card that are not over yet (none: an empty list)."""
        params = {"emaId": validate_ema_id(ema_id)}
        try:
            payload = await self._call("GET", "active", params=params)
        except ShellNotFoundError:
            # The API also says "no sessions" with a 404 ("Session not found").
            return []
        return _sessions(payload, "active")

    async def _call(
        self,
        method: str,
        endpoint: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Mapping[str, str] | None = None,
    ) -> dict[str, object]:
        """Send one API call; on a 401 get a new token and try exactly once more."""
        url = f"{self.base_url.rstrip('/')}/{self.api_prefix.strip('/')}/charge-session/{endpoint}"
        token = await self._access_token()
        request_id, answer = await self._send_call(method, url, token, params=params, body=body)
        if answer.status == 401:
            self._drop_token(token)
            token = await self._access_token()
            request_id, answer = await self._send_call(method, url, token, params=params, body=body)
        return _read_answer(endpoint, answer, request_id)

    async def _send_call(
        self,
        method: str,
        url: str,
        token: str,
        *,
        params: Mapping[str, str] | None,
        body: Mapping[str, str] | None,
    ) -> tuple[str, _Answer]:
        request_id = str(uuid.uuid4())
        headers = {
            "Authorization": f"Bearer {token}",
            "RequestId": request_id,
            "Accept": "application/json",
        }
        answer = await self._send(method, url, headers=headers, params=params, json_body=body)
        _LOGGER.debug("Shell %s %s (RequestId %s): HTTP %s", method, url, request_id, answer.status)
        return request_id, answer

    async def _access_token(self) -> str:
        token = self._token
        if token is not None and token.is_fresh(self.clock()):
            return token.value
        async with self._token_lock:
            # Another call may have fetched one while this one waited for the lock.
            if self._token is None or not self._token.is_fresh(self.clock()):
                self._token = await self._fetch_token()
            return self._token.value

    def _drop_token(self, refused: str) -> None:
        if self._token is not None and self._token.value == refused:
            self._token = None

    async def _fetch_token(self) -> _Token:
        """Get a token with Basic credentials; fall back to form fields if those are refused."""
        url = f"{self.base_url.rstrip('/')}/{self.token_path.strip('/')}"
        answer = await self._request_token(url, form_credentials=self._form_credentials)
        if answer.status in {400, 401} and not self._form_credentials:
            fallback = await self._request_token(url, form_credentials=True)
            if 200 <= fallback.status < 300:
                self._form_credentials = True
            answer = fallback
        if not 200 <= answer.status < 300:
            error = _http_error("token", answer)
            if isinstance(error, ShellValidationError | ShellNotFoundError | ShellResponseError):
                # Any other refusal of the token endpoint means the credentials or URL are wrong.
                raise ShellAuthError(str(error), status=error.status, code=error.code)
            raise error
        return self._read_token(answer)

    async def _request_token(self, url: str, *, form_credentials: bool) -> _Answer:
        form = {"grant_type": "client_credentials"}
        headers = {"Accept": "application/json"}
        if form_credentials:
            form |= {"client_id": self.client_id, "client_secret": self.client_secret}
        else:
            pair = f"{self.client_id}:{self.client_secret}".encode()
            headers["Authorization"] = f"Basic {b64encode(pair).decode('ascii')}"
        return await self._send("POST", url, headers=headers, form=form)

    def _read_token(self, answer: _Answer) -> _Token:
        fields = lower_keys(_json(answer.body, "token"), "token answer")
        value = fields.get("access_token")
        if not isinstance(value, str) or not value:
            raise ShellResponseError("The token answer has no access_token")
        lifetime = _seconds(fields.get("expires_in"))
        if not lifetime:
            _LOGGER.debug("Fetched a Shell access token without a stated lifetime")
            return _Token(value, None)
        _LOGGER.debug("Fetched a Shell access token valid for %s s", lifetime)
        margin = min(TOKEN_REFRESH_MARGIN, lifetime / 2)
        return _Token(value, self.clock() + lifetime - margin)

    async def _send(
        self,
        method: str,
        url: str,
        *,
        headers: Mapping[str, str],
        params: Mapping[str, str] | None = None,
        json_body: Mapping[str, str] | None = None,
        form: Mapping[str, str] | None = None,
    ) -> _Answer:
        timeout = aiohttp.ClientTimeout(total=self.request_timeout)
        try:
            async with self.session.request(
                method,
                url,
                headers=headers,
                params=params,
                json=json_body,
                data=form,
                timeout=timeout,
            ) as response:
                body = await response.read()
                return _Answer(response.status, response.headers.get("Retry-After"), body)
        except TimeoutError as err:
            raise ShellConnectionError(
                f"The Shell API did not answer within {self.request_timeout} s"
            ) from err
        except aiohttp.ClientError as err:
            # The type only: aiohttp's text may hold the URL with the card's EMA-ID.
            raise ShellConnectionError(
                f"Cannot reach the Shell API ({type(err).__name__})"
            ) from err


def _read_answer(endpoint: str, answer: _Answer, request_id: str) -> dict[str, object]:
    """Return the body of a successful answer, after checking it answers our request."""
    if not 200 <= answer.status < 300:
        raise _http_error(endpoint, answer)
    payload = lower_keys(_json(answer.body, endpoint), f"{endpoint} answer")
    echoed = payload.get("requestid")
    if not isinstance(echoed, str):
        raise ShellResponseError(f"The {endpoint} answer has no requestId")
    if echoed.strip().lower() != request_id:
        raise ShellResponseError(f"The {endpoint} answer belongs to another request")
    status = payload.get("status")
    if isinstance(status, str) and status.upper() == "FAILED":
        code, text = _first_error(payload)
        raise ShellResponseError(f"The API reports {endpoint} as failed: {text}", code=code)
    return payload


def _started_session_id(payload: Mapping[str, object]) -> str:
    """The id of the session a start answer announces."""
    data = _data(payload, "start")
    first = lower_keys(data[0], "start result") if data else {}
    session_id = first.get("sessionid")
    if not isinstance(session_id, str) or not session_id:
        raise ShellResponseError("The start answer has no sessionId")
    return session_id


def _sessions(payload: Mapping[str, object], endpoint: str) -> list[ChargeSession]:
    """The sessions an active answer lists."""
    return [ChargeSession.from_wire(item) for item in _data(payload, endpoint)]


def _data(payload: Mapping[str, object], endpoint: str) -> list[object]:
    data = payload.get("data")
    if data is None:
        return []
    if not isinstance(data, list):
        raise ShellResponseError(f"The {endpoint} answer's data is not a list")
    return data


def _json(body: bytes, what: str) -> object:
    try:
        return json.loads(body)
    except ValueError as err:
        raise ShellResponseError(f"The {what} answer is not valid JSON") from err
    except RecursionError as err:
        raise ShellResponseError(f"The {what} answer is nested too deeply") from err


def _seconds(value: object) -> float | None:
    """Read `expires_in` or `Retry-After`: a number or a numeric string; None otherwise."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | str):
        try:
            seconds = float(value)
        except ValueError, OverflowError:  # OverflowError: an integer beyond any float
            return None
        if math.isfinite(seconds) and seconds >= 0:
            return seconds
    return None


def _first_error(payload: Mapping[str, object]) -> tuple[str | None, str]:
    """Return the code and text of the first error in an error body (any of its shapes)."""
    errors = payload.get("errors")
    first: object = errors[0] if isinstance(errors, list) and errors else payload
    fields = {str(key).lower(): value for key, value in _mapping(first).items()}
    code = next((v for k in ("code", "error") if isinstance(v := fields.get(k), str)), None)
    text_keys = ("description", "detail", "error_description", "message", "title")
    text = next((v for k in text_keys if isinstance(v := fields.get(k), str) and v), "")
    return code, text[:200]


def _mapping(value: object) -> Mapping[object, object]:
    return value if isinstance(value, Mapping) else {}


def _http_error(endpoint: str, answer: _Answer) -> ShellError:
    """Turn an unsuccessful HTTP answer into the matching error; the body is optional."""
    try:
        payload: object = json.loads(answer.body)
    except ValueError, RecursionError:
        payload = {}
    code, text = _first_error({str(key).lower(): v for key, v in _mapping(payload).items()})
    status = answer.status
    message = f"Shell {endpoint}: HTTP {status}" + (f" {code}" if code else "")
    message += f": {text}" if text else ""
    if status == 400:
        return ShellValidationError(message, status=status, code=code)
    if status in {401, 403}:
        return ShellAuthError(message, status=status, code=code)
    if status in {404, 410}:
        return ShellNotFoundError(message, status=status, code=code)
    if status == 429:
        retry_after = _seconds(answer.retry_after)
        return ShellRateLimitError(message, retry_after=retry_after, code=code)
    if status >= 500:
        return ShellServerError(message, status=status, code=code)
    return ShellResponseError(message, status=status, code=code)
