"""Each endpoint, its wire format, and the spellings real servers use."""

from __future__ import annotations

import json
import uuid

import aiohttp
import pytest

from custom_components.blue_current.api.shell import (
    API_V1,
    SessionState,
    ShellRechargeClient,
)
from simulator.shell import KeyStyle, ShellCloud, StateStyle

from ..conftest import (
    CLIENT_ID,
    CLIENT_SECRET,
    EMA_ID,
    EVSE_ID,
    OTHER_EMA_ID,
    START_DELAY,
    FakeClock,
)


async def test_start_sends_the_documented_request(
    client: ShellRechargeClient, shell_cloud: ShellCloud
) -> None:
    session_id = await client.start(EMA_ID, EVSE_ID)

    assert uuid.UUID(session_id)
    start = shell_cloud.requests[-1]
    assert (start.method, start.path) == ("POST", "/ev/v2/charge-session/start")
    assert json.loads(start.body) == {"evChargeNumber": EMA_ID, "evseId": EVSE_ID}
    assert start.headers["Authorization"].startswith("Bearer ")
    assert start.headers["Accept"] == "application/json"
    assert uuid.UUID(start.headers["RequestId"]).version == 4
    assert shell_cloud.session(session_id).state == "start-requested"


async def test_every_call_has_a_fresh_request_id(
    client: ShellRechargeClient, shell_cloud: ShellCloud
) -> None:
    session_id = await client.start(EMA_ID, EVSE_ID)
    await client.retrieve(session_id)
    await client.active(EMA_ID)
    await client.stop(session_id)

    ids = [r.headers["RequestId"] for r in shell_cloud.requests if "charge-session" in r.path]
    assert len(ids) == 4
    assert len(set(ids)) == 4


async def test_stop_sends_the_session_as_query(
    client: ShellRechargeClient, shell_cloud: ShellCloud, clock: FakeClock
) -> None:
    session_id = await client.start(EMA_ID, EVSE_ID)
    clock.advance(START_DELAY)

    await client.stop(session_id)

    stop = shell_cloud.requests[-1]
    assert (stop.method, stop.path, stop.query) == (
        "POST",
        "/ev/v2/charge-session/stop",
        {"sessionId": session_id},
    )
    assert shell_cloud.session(session_id).state == "stop-requested"


async def test_retrieve_returns_a_typed_session(
    client: ShellRechargeClient, shell_cloud: ShellCloud, clock: FakeClock
) -> None:
    requested = clock.now
    session_id = await client.start(EMA_ID, EVSE_ID)
    clock.advance(START_DELAY + 3)

    session = await client.retrieve(session_id)

    assert session.session_id == session_id
    assert session.state is SessionState.STARTED
    assert session.ema_id == EMA_ID
    assert session.evse_id == EVSE_ID
    assert session.user_id == shell_cloud.session(session_id).user_id
    assert session.started_at is not None
    assert session.started_at.utcoffset() is not None
    assert (session.started_at - requested).total_seconds() == START_DELAY
    assert session.stopped_at is None
    assert session.last_updated == session.started_at
    assert session.error_code is None
    assert shell_cloud.requests[-1].query == {"sessionId": session_id}


async def test_active_lists_only_the_cards_open_sessions(
    client: ShellRechargeClient, shell_cloud: ShellCloud
) -> None:
    mine = await client.start(EMA_ID, EVSE_ID)
    await client.start(OTHER_EMA_ID, "NL*TNM*E02003452*0")

    sessions = await client.active(EMA_ID)

    assert [s.session_id for s in sessions] == [mine]
    assert sessions[0].state is SessionState.START_REQUESTED
    assert shell_cloud.requests[-1].query == {"emaId": EMA_ID}


async def test_active_finds_the_card_however_it_is_written(client: ShellRechargeClient) -> None:
    await client.start(EMA_ID, EVSE_ID)

    assert len(await client.active(" nl-tnm-c00122045-k ")) == 1


@pytest.mark.parametrize("as_404", [False, True], ids=["empty-list", "404"])
async def test_no_active_sessions_in_either_form(
    client: ShellRechargeClient, shell_cloud: ShellCloud, as_404: bool
) -> None:
    shell_cloud.active_empty_as_404 = as_404

    assert await client.active(EMA_ID) == []

    assert shell_cloud.requests[-1].path == "/ev/v2/charge-session/active"


@pytest.mark.parametrize("status", [200, 202])
async def test_start_and_stop_accept_200_and_202(
    client: ShellRechargeClient, shell_cloud: ShellCloud, status: int
) -> None:
    shell_cloud.accept_status = status

    session_id = await client.start(EMA_ID, EVSE_ID)
    await client.stop(session_id)

    assert shell_cloud.session(session_id).state == "stop-requested"


@pytest.mark.parametrize("keys", list(KeyStyle))
@pytest.mark.parametrize("states", list(StateStyle))
async def test_every_key_and_state_spelling_parses(
    client: ShellRechargeClient,
    shell_cloud: ShellCloud,
    clock: FakeClock,
    keys: KeyStyle,
    states: StateStyle,
) -> None:
    shell_cloud.key_style, shell_cloud.state_style = keys, states
    session_id = await client.start(EMA_ID, EVSE_ID)

    assert (await client.active(EMA_ID))[0].state is SessionState.START_REQUESTED
    clock.advance(START_DELAY)
    retrieved = await client.retrieve(session_id)
    active = await client.active(EMA_ID)

    assert retrieved.state is SessionState.STARTED
    assert [s.session_id for s in active] == [session_id]
    assert active[0] == retrieved


async def test_the_sdk_style_uses_both_state_keys(
    client: ShellRechargeClient, http: aiohttp.ClientSession, base_url: str
) -> None:
    """The simulator's default matches the SDK: retrieve `sessionState`, active `SessionState`."""
    session_id = await client.start(EMA_ID, EVSE_ID)
    token = client._token
    assert token is not None
    headers = {"Authorization": f"Bearer {token.value}", "RequestId": str(uuid.uuid4())}

    url = f"{base_url}/ev/v2/charge-session"
    async with http.get(f"{url}/retrieve", params={"sessionId": session_id}, headers=headers) as r:
        retrieved = await r.json()
    async with http.get(f"{url}/active", params={"emaId": EMA_ID}, headers=headers) as r:
        active = await r.json()

    assert retrieved["data"][0]["sessionState"] == {"status": "Start-requested"}
    assert active["data"][0]["SessionState"] == {"status": "Start-requested"}


async def test_v1_prefix(
    http: aiohttp.ClientSession, base_url: str, shell_cloud: ShellCloud, clock: FakeClock
) -> None:
    client = ShellRechargeClient(
        session=http,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        base_url=f"{base_url}/",
        api_prefix=API_V1,
        token_path="v1/oauth/token",
        clock=clock.monotonic,
    )

    session_id = await client.start(EMA_ID, EVSE_ID)
    await client.retrieve(session_id)
    await client.active(EMA_ID)
    await client.stop(session_id)

    assert [r.path for r in shell_cloud.requests] == [
        "/v1/oauth/token",
        "/ev/v1/charge-session/start",
        "/ev/v1/charge-session/retrieve",
        "/ev/v1/charge-session/active",
        "/ev/v1/charge-session/stop",
    ]
