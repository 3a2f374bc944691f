"""Fuzzing what reads Shell answers: any status, header and body is read or raises our error.

Deterministic (derandomized, no example database). Bodies: the simulator's real answers
(sessions in every key spelling, start answers, error bodies, token answers) with values
spoilt, any JSON value, and raw bytes. Each answer runs through every reader the client has:
the envelope check, the start, active and retrieve readers, the token reader and the reading
of an unsuccessful answer (which must return an error, never raise one).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
import math
import time

import aiohttp
from hypothesis import given, settings, strategies as st
import pytest

from custom_components.blue_current.api.shell import (
    ChargeSession,
    ShellError,
    ShellRechargeClient,
    ShellResponseError,
    ShellServerError,
)
from custom_components.blue_current.api.shell.client import (
    _Answer,
    _data,
    _http_error,
    _read_answer,
    _sessions,
    _started_session_id,
)
from simulator.shell.sessions import SimSession, State
from simulator.shell.wire import (
    KeyStyle,
    StateStyle,
    envelope,
    error_json,
    oauth_error_json,
    session_json,
    started_json,
)
from tests.fuzzing import FUZZ_SETTINGS, Json, json_values, mutated, spoilt_text, to_text

from ..conftest import CLIENT_ID, CLIENT_SECRET, EMA_ID, EVSE_ID

REQUEST_ID = "6f1c1a3e-3f7a-4c43-9a4b-0d3e1c1f2a6b"
SESSION_ID = "0b9c6f2e-5a1d-4e7b-8c3f-2d4a6b8c0e1f"
READERS = ("token", "start", "active", "retrieve")
STATUSES = [200, 201, 202, 204, 302, 400, 401, 403, 404, 410, 418, 429, 500, 502, 503]


def _templates() -> list[Json]:
    """The simulator's answers, in every spelling it knows."""
    moment = datetime(2025, 3, 30, 0, 30, tzinfo=UTC)
    session = SimSession(
        session_id=SESSION_ID,
        user_id="user-1",
        ema_id=EMA_ID,
        card=EMA_ID.replace("-", ""),
        evse_id=EVSE_ID,
        requested_at=moment,
        last_updated=moment + timedelta(minutes=2),
        state=State.FAILED_TO_STOP,
        started_at=moment + timedelta(minutes=1),
        stopped_at=moment + timedelta(minutes=2),
        error=("EvseInUse", "Evse in use"),
    )
    bodies: list[Json] = []
    for keys in KeyStyle:
        for states in StateStyle:
            for endpoint in ("retrieve", "active"):
                entry = session_json(session, endpoint=endpoint, keys=keys, states=states)
                bodies.append(envelope(REQUEST_ID, [entry, entry], keys))
        bodies.append(envelope(REQUEST_ID, [started_json(SESSION_ID, keys)], keys))
    bodies += [error_json(REQUEST_ID, status) for status in (400, 401, 404, 429, 500, 503)]
    bodies += [
        oauth_error_json("invalid_client", "Client authentication failed"),
        {"access_token": "token-1", "token_type": "Bearer", "expires_in": 3599},
        {"access_token": "token-1", "token_type": "Bearer", "expires_in": "3599"},
        {**envelope(REQUEST_ID, None, KeyStyle.CAMEL), "status": "FAILED"},
    ]
    return bodies


TEMPLATES = _templates()
# Mostly successes, so that spoilt bodies get past the status to the readers behind it.
statuses = st.sampled_from([200] * 8 + [202] * 2 + STATUSES)
retry_after = st.one_of(
    st.none(),
    st.sampled_from(["", "5", "0", "-1", "nan", "inf", "1e400", "1" + "0" * 400, "Wed, 21 Oct"]),
    st.text(max_size=12),
)
structured = st.builds(
    _Answer, statuses, retry_after, mutated(TEMPLATES).map(lambda body: to_text(body).encode())
)
any_json = st.builds(
    _Answer, statuses, st.none(), json_values().map(lambda body: to_text(body).encode())
)
raw = st.builds(
    _Answer,
    statuses,
    st.none(),
    st.one_of(
        spoilt_text([to_text(body) for body in TEMPLATES]).map(
            lambda text: text.encode(errors="surrogatepass")
        ),
        st.binary(max_size=200),
    ),
)


@dataclass
class Tally:
    """What the answers came to."""

    examples: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    foreign: list[str] = field(default_factory=list)
    bad_values: list[str] = field(default_factory=list)


def _check(tally: Tally, value: object) -> None:
    """A session has an id and a state; error values are errors; numbers are finite."""
    if isinstance(value, list):
        for item in value:
            _check(tally, item)
    elif isinstance(value, ChargeSession):
        if not value.session_id:
            tally.bad_values.append(f"session without id: {value!r}"[:200])
        for moment in (value.started_at, value.stopped_at, value.last_updated):
            try:
                if moment is not None:
                    moment.astimezone(UTC)
            except OverflowError:
                tally.bad_values.append(f"a moment outside UTC: {moment!r}")
    elif isinstance(value, ShellError):
        retry = getattr(value, "retry_after", None)
        if retry is not None and not (math.isfinite(retry) and retry >= 0):
            tally.bad_values.append(f"retry_after {retry!r}")
    elif not isinstance(value, str):
        tally.bad_values.append(f"unexpected {type(value).__name__}")


def _feed(client: ShellRechargeClient, tally: Tally, answer: _Answer) -> None:
    """Every reader of the client on one answer; each is judged on its own."""
    _check(tally, _http_error("active", answer))  # returns an error; raising would be a bug
    token = client._read_token  # the token endpoint reads the body without an envelope
    readers: list[tuple[str, Callable[[], object]]] = [("token", lambda: token(answer))]
    try:
        payload: Mapping[str, object] = _read_answer("active", answer, REQUEST_ID)
    except ShellError as err:
        tally.outcomes[f"envelope: {type(err).__name__}"] += 1
    else:
        readers += [
            ("start", lambda: _started_session_id(payload)),
            ("active", lambda: _sessions(payload, "active")),
            (
                "retrieve",
                lambda: [ChargeSession.from_wire(item) for item in _data(payload, "retrieve")[:1]],
            ),
        ]
    for name, reader in readers:
        try:
            value = reader()
        except ShellError as err:
            tally.outcomes[f"{name}: {type(err).__name__}"] += 1
        else:
            tally.outcomes[f"{name}: read"] += 1
            if name != "token":
                _check(tally, value)


@pytest.mark.parametrize(
    ("strategy", "examples"),
    [(structured, 8_000), (any_json, 1_000), (raw, 1_000)],
    ids=["structured", "any-json", "raw"],
)
async def test_every_answer_is_read_or_refused_with_our_error(
    strategy: st.SearchStrategy[_Answer], examples: int
) -> None:
    tally = Tally()
    async with aiohttp.ClientSession() as session:
        client = ShellRechargeClient(
            session=session, client_id=CLIENT_ID, client_secret=CLIENT_SECRET
        )

        @settings(FUZZ_SETTINGS, max_examples=examples)
        @given(strategy)
        def fuzz(answer: _Answer) -> None:
            tally.examples += 1
            try:
                _feed(client, tally, answer)
            except Exception as err:  # noqa: BLE001 - what is not ours is what this test counts
                tally.foreign.append(f"{type(err).__name__}: {str(err)[:80]} <- {answer!r}"[:300])

        started = time.perf_counter()
        fuzz()
        elapsed = time.perf_counter() - started
    print(f"{examples} asked, {tally.examples} run in {elapsed:.1f} s: {dict(tally.outcomes)}")
    assert tally.foreign == []
    assert tally.bad_values == []
    assert tally.examples >= examples
    if strategy is structured:  # spoilt real bodies must reach the readers behind the envelope
        assert min(tally.outcomes[f"{name}: read"] for name in READERS) > 100


async def test_nesting_past_the_decoder_limit_is_a_response_error() -> None:
    """A RecursionError escaped the JSON decoder before."""
    deep = _Answer(200, None, b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(ShellResponseError, match="nested too deeply"):
        _read_answer("active", deep, REQUEST_ID)
    error = _http_error("active", _Answer(503, None, deep.body))
    assert isinstance(error, ShellServerError)


async def test_a_lifetime_beyond_any_float_means_no_lifetime() -> None:
    """An OverflowError escaped float() for a huge integer before."""
    async with aiohttp.ClientSession() as session:
        client = ShellRechargeClient(
            session=session, client_id=CLIENT_ID, client_secret=CLIENT_SECRET
        )
        body = b'{"access_token": "t", "expires_in": 1' + b"0" * 400 + b"}"
        assert client._read_token(_Answer(200, None, body)).refresh_at is None


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-05:00"])
def test_a_moment_that_does_not_exist_in_utc_is_no_timestamp(moment: str) -> None:
    with pytest.raises(ShellResponseError, match="startedat is not a timestamp"):
        ChargeSession.from_wire(
            {"id": SESSION_ID, "sessionState": {"status": "Started"}, "startedAt": moment}
        )
