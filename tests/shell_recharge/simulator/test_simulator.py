"""What the fake cloud does for callers other than our client: raw requests and hosting."""

from __future__ import annotations

import asyncio
import json
import uuid

import aiohttp
from aiohttp import web
import pytest

from simulator.shell import ShellCloud, State

from ..conftest import CLIENT_ID, CLIENT_SECRET, EMA_ID, EVSE_ID, FakeClock

API = "/ev/v2/charge-session"


async def _token(http: aiohttp.ClientSession, base_url: str) -> str:
    form = {
        "grant_type": "client_credentials",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    async with http.post(f"{base_url}/v2/oauth/token", data=form) as reply:
        assert reply.status == 200
        body = await reply.json()
    assert body["token_type"] == "Bearer"
    assert body["expires_in"] == 3599
    return str(body["access_token"])


async def _call(
    http: aiohttp.ClientSession,
    url: str,
    *,
    method: str = "GET",
    headers: dict[str, str] | None = None,
    params: dict[str, str] | None = None,
    data: str | None = None,
) -> tuple[int, dict[str, object]]:
    async with http.request(method, url, headers=headers, params=params, data=data) as reply:
        return reply.status, await reply.json()


async def test_missing_authorization_header(http: aiohttp.ClientSession, base_url: str) -> None:
    request_id = str(uuid.uuid4())
    status, body = await _call(
        http, f"{base_url}{API}/active", headers={"RequestId": request_id}, params={"emaId": EMA_ID}
    )

    assert status == 400
    assert body == {
        "requestId": request_id,
        "status": "FAILED",
        "errors": [
            {
                "code": "E0001",
                "message": "Bad Request",
                "description": "Authorization header is missing",
            }
        ],
    }


@pytest.mark.parametrize("authorization", ["Bearer nope", "Basic abc", "Bearer"])
async def test_invalid_bearer(
    http: aiohttp.ClientSession, base_url: str, authorization: str
) -> None:
    headers = {"Authorization": authorization, "RequestId": str(uuid.uuid4())}
    status, body = await _call(http, f"{base_url}{API}/active", headers=headers)

    assert status == 401
    assert body["errors"] == [
        {"code": "E0003", "message": "Unauthorized", "description": "Invalid Access Token"}
    ]


@pytest.mark.parametrize("request_id", [None, "", "12345", "not-a-uuid-at-all-not-a-uuid-at-all!"])
async def test_request_id_is_required(
    http: aiohttp.ClientSession, base_url: str, request_id: str | None
) -> None:
    headers = {"Authorization": f"Bearer {await _token(http, base_url)}"}
    if request_id is not None:
        headers["RequestId"] = request_id
    status, body = await _call(
        http, f"{base_url}{API}/active", headers=headers, params={"emaId": EMA_ID}
    )

    assert status == 400
    assert "RequestId" in json.dumps(body)


@pytest.mark.parametrize(
    "payload",
    [
        "not json",
        "[]",
        json.dumps({"evseId": EVSE_ID}),
        json.dumps({"evChargeNumber": EMA_ID, "evseId": "NL*TNM*E1"}),
        json.dumps({"evChargeNumber": "", "evseId": EVSE_ID}),
    ],
)
async def test_start_body_is_checked(
    http: aiohttp.ClientSession, base_url: str, payload: str
) -> None:
    headers = {
        "Authorization": f"Bearer {await _token(http, base_url)}",
        "RequestId": str(uuid.uuid4()),
        "Content-Type": "application/json",
    }
    status, body = await _call(
        http, f"{base_url}{API}/start", method="POST", headers=headers, data=payload
    )

    assert status == 400
    assert "evChargeNumber | evseId" in json.dumps(body)


@pytest.mark.parametrize(
    ("endpoint", "params"),
    [
        ("stop", {}),
        ("retrieve", {"sessionId": "1234"}),
        ("active", {}),
        ("active", {"emaId": "NL-TNM"}),
    ],
)
async def test_query_parameters_are_checked(
    http: aiohttp.ClientSession, base_url: str, endpoint: str, params: dict[str, str]
) -> None:
    headers = {
        "Authorization": f"Bearer {await _token(http, base_url)}",
        "RequestId": str(uuid.uuid4()),
    }
    method = "POST" if endpoint == "stop" else "GET"
    status, body = await _call(
        http, f"{base_url}{API}/{endpoint}", method=method, headers=headers, params=params
    )

    assert status == 400
    assert body["status"] == "FAILED"


async def test_500_carries_details(
    http: aiohttp.ClientSession, base_url: str, shell_cloud: ShellCloud
) -> None:
    shell_cloud.fail_next(500)
    headers = {
        "Authorization": f"Bearer {await _token(http, base_url)}",
        "RequestId": str(uuid.uuid4()),
    }
    status, body = await _call(http, f"{base_url}{API}/active", headers=headers)

    assert status == 500
    assert body["details"] == ["Simulated failure"]


async def test_requests_are_recorded(
    http: aiohttp.ClientSession, base_url: str, shell_cloud: ShellCloud, clock: FakeClock
) -> None:
    await _token(http, base_url)

    [recorded] = shell_cloud.requests
    assert recorded.method == "POST"
    assert recorded.path == "/v2/oauth/token"
    assert "client_id=partner-client-id" in recorded.body
    assert recorded.at == clock.now


def test_controls_name_unknown_things(shell_cloud: ShellCloud) -> None:
    with pytest.raises(KeyError):
        shell_cloud.set_ev_connected("NL*TNM*E00000000*0", True)
    with pytest.raises(KeyError):
        shell_cloud.session(str(uuid.uuid4()))


def test_seed_makes_the_cloud_repeatable(clock: FakeClock) -> None:
    def user_ids(seed: int) -> dict[str, str]:
        shell_cloud = ShellCloud(
            client_id="a", client_secret="b", cards=[EMA_ID], evse_ids=[], clock=clock, seed=seed
        )
        return dict(shell_cloud._users)

    assert user_ids(3) == user_ids(3)
    assert user_ids(3) != user_ids(4)


def test_default_clock_is_utc_wall_time() -> None:
    shell_cloud = ShellCloud(client_id="a", client_secret="b", cards=[], evse_ids=[EVSE_ID])
    shell_cloud.set_ev_connected(EVSE_ID, False)  # reads the clock; must not fail without one

    assert shell_cloud.requests == []


def test_state_values_are_the_apis() -> None:
    assert [s.value for s in State] == [
        "start-requested",
        "started",
        "stop-requested",
        "stopped",
        "failed-to-start",
        "failed-to-stop",
    ]


async def test_shutdown_releases_slow_answers(
    shell_cloud: ShellCloud, http: aiohttp.ClientSession, socket_enabled: None
) -> None:
    """A host stopping mid-answer does not wait out the delay."""
    app = web.Application()
    shell_cloud.install(app)
    runner = web.AppRunner(app, shutdown_timeout=30)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    shell_cloud.slow(30)

    pending = asyncio.create_task(http.post(f"http://127.0.0.1:{port}/v2/oauth/token"))
    for _ in range(500):  # until the cloud holds the request
        if shell_cloud.requests:
            break
        await asyncio.sleep(0.01)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await runner.cleanup()

    assert loop.time() - started < 5
    reply = await pending  # answered at once (no grant type: 400), not after 30 s
    assert reply.status == 400
    reply.release()
