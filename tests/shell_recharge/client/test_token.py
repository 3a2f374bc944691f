"""OAuth2 client credentials: fetch, cache, refresh before expiry and after a 401."""

from __future__ import annotations

import asyncio
import base64
from urllib.parse import parse_qs

import aiohttp
import pytest

from custom_components.blue_current.api.shell import (
    ShellAuthError,
    ShellRateLimitError,
    ShellRechargeClient,
    ShellResponseError,
    ShellServerError,
)
from simulator.shell import Corruption, ShellCloud

from ..conftest import CLIENT_ID, CLIENT_SECRET, EMA_ID, FakeClock


def _token_requests(shell_cloud: ShellCloud) -> int:
    return sum(r.path == "/v2/oauth/token" for r in shell_cloud.requests)


async def test_token_is_fetched_with_basic_credentials(
    client: ShellRechargeClient, shell_cloud: ShellCloud
) -> None:
    await client.active(EMA_ID)

    token = shell_cloud.requests[0]
    assert (token.method, token.path) == ("POST", "/v2/oauth/token")
    assert token.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert parse_qs(token.body) == {"grant_type": ["client_credentials"]}
    expected = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
    assert token.headers["Authorization"] == f"Basic {expected}"


async def test_token_is_cached(client: ShellRechargeClient, shell_cloud: ShellCloud) -> None:
    for _ in range(3):
        await client.active(EMA_ID)

    assert shell_cloud.tokens_issued == 1
    bearers = {r.headers["Authorization"] for r in shell_cloud.requests if "charge" in r.path}
    assert len(bearers) == 1


async def test_token_is_refreshed_a_minute_before_it_expires(
    client: ShellRechargeClient, shell_cloud: ShellCloud, clock: FakeClock
) -> None:
    shell_cloud.token_lifetime = 3600
    await client.active(EMA_ID)

    clock.advance(3600 - 61)
    await client.active(EMA_ID)
    assert shell_cloud.tokens_issued == 1

    clock.advance(2)  # 59 s left: still valid, but too close to expiry to rely on
    await client.active(EMA_ID)
    assert shell_cloud.tokens_issued == 2


async def test_short_lived_token_is_refreshed_at_half_its_life(
    client: ShellRechargeClient, shell_cloud: ShellCloud, clock: FakeClock
) -> None:
    shell_cloud.token_lifetime = 20
    await client.active(EMA_ID)

    clock.advance(9)
    await client.active(EMA_ID)
    clock.advance(1)
    await client.active(EMA_ID)

    assert shell_cloud.tokens_issued == 2


async def test_expires_in_as_string(
    client: ShellRechargeClient, shell_cloud: ShellCloud, clock: FakeClock
) -> None:
    shell_cloud.expires_in_as_string = True
    shell_cloud.token_lifetime = 100
    await client.active(EMA_ID)

    clock.advance(60)
    await client.active(EMA_ID)

    assert shell_cloud.tokens_issued == 2


async def test_401_fetches_a_new_token_and_retries_once(
    client: ShellRechargeClient, shell_cloud: ShellCloud
) -> None:
    await client.active(EMA_ID)
    shell_cloud.revoke_tokens()

    assert await client.active(EMA_ID) == []

    assert shell_cloud.tokens_issued == 2
    paths = [r.path for r in shell_cloud.requests]
    assert paths[-3:] == [
        "/ev/v2/charge-session/active",
        "/v2/oauth/token",
        "/ev/v2/charge-session/active",
    ]
    refused, retried = [r for r in shell_cloud.requests if r.path.endswith("active")][-2:]
    assert refused.headers["Authorization"] != retried.headers["Authorization"]
    assert refused.headers["RequestId"] != retried.headers["RequestId"]


async def test_second_401_is_an_auth_error(
    client: ShellRechargeClient, shell_cloud: ShellCloud
) -> None:
    shell_cloud.fail_next(401, route="active", times=2)

    with pytest.raises(ShellAuthError) as caught:
        await client.active(EMA_ID)

    assert caught.value.status == 401
    assert caught.value.code == "E0003"
    assert shell_cloud.tokens_issued == 2


async def test_token_without_lifetime_is_kept_until_refused(
    client: ShellRechargeClient, shell_cloud: ShellCloud, clock: FakeClock
) -> None:
    shell_cloud.omit_expires_in = True
    shell_cloud.token_lifetime = 10**6
    await client.authenticate()

    clock.advance(10**6 - 1)
    await client.active(EMA_ID)
    assert shell_cloud.tokens_issued == 1

    clock.advance(1)  # the cloud's own lifetime is over: a 401, then a new token
    await client.active(EMA_ID)
    assert shell_cloud.tokens_issued == 2


async def test_wrong_secret_is_an_auth_error(
    http: aiohttp.ClientSession, base_url: str, shell_cloud: ShellCloud
) -> None:
    client = ShellRechargeClient(
        session=http, client_id=CLIENT_ID, client_secret="wrong", base_url=base_url
    )

    with pytest.raises(ShellAuthError) as caught:
        await client.active(EMA_ID)

    assert caught.value.status == 401
    assert caught.value.code == "invalid_client"
    # Basic first, then form fields; no API call without a token.
    assert [r.path for r in shell_cloud.requests] == ["/v2/oauth/token"] * 2


async def test_falls_back_to_form_credentials_and_remembers(
    client: ShellRechargeClient, shell_cloud: ShellCloud, clock: FakeClock
) -> None:
    shell_cloud.accept_basic_auth = False
    await client.active(EMA_ID)

    form = parse_qs(shell_cloud.requests[1].body)
    assert form == {
        "grant_type": ["client_credentials"],
        "client_id": [CLIENT_ID],
        "client_secret": [CLIENT_SECRET],
    }
    assert "Authorization" not in shell_cloud.requests[1].headers

    clock.advance(4000)
    await client.active(EMA_ID)
    tokens = [r for r in shell_cloud.requests if r.path.endswith("token")]
    assert len(tokens) == 3  # basic, form, then form straight away
    assert "Authorization" not in tokens[2].headers


async def test_basic_refused_and_form_refused(
    client: ShellRechargeClient, shell_cloud: ShellCloud
) -> None:
    shell_cloud.accept_basic_auth = False
    shell_cloud.accept_form_auth = False

    with pytest.raises(ShellAuthError):
        await client.authenticate()


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, ShellAuthError),
        (404, ShellAuthError),
        (429, ShellRateLimitError),
        (500, ShellServerError),
        (503, ShellServerError),
    ],
)
async def test_token_endpoint_failures(
    client: ShellRechargeClient, shell_cloud: ShellCloud, status: int, error: type[Exception]
) -> None:
    shell_cloud.fail_next(status, route="token", times=2)

    with pytest.raises(error):
        await client.active(EMA_ID)


@pytest.mark.parametrize(
    "corruption", [Corruption.BAD_JSON, Corruption.NOT_AN_OBJECT, Corruption.NO_DATA]
)
async def test_malformed_token_answer(
    client: ShellRechargeClient, shell_cloud: ShellCloud, corruption: Corruption
) -> None:
    shell_cloud.corrupt_next(corruption, route="token")

    with pytest.raises(ShellResponseError):
        await client.authenticate()


async def test_unsupported_grant_type(
    http: aiohttp.ClientSession, base_url: str, shell_cloud: ShellCloud
) -> None:
    async with http.post(f"{base_url}/v2/oauth/token", data={"grant_type": "password"}) as reply:
        assert reply.status == 400
        assert (await reply.json())["error"] == "unsupported_grant_type"


async def test_garbled_basic_header(http: aiohttp.ClientSession, base_url: str) -> None:
    headers = {"Authorization": "Basic %%%"}
    form = {"grant_type": "client_credentials"}
    async with http.post(f"{base_url}/v2/oauth/token", data=form, headers=headers) as reply:
        assert reply.status == 401


async def test_concurrent_calls_share_one_token_fetch(
    client: ShellRechargeClient, shell_cloud: ShellCloud
) -> None:
    await asyncio.gather(*(client.active(EMA_ID) for _ in range(5)))

    assert shell_cloud.tokens_issued == 1
