"""Every way a call can fail becomes one typed error."""

from __future__ import annotations

import asyncio
import socket
import time

import aiohttp
import pytest

from custom_components.blue_current.api.shell import (
    ShellAuthError,
    ShellConnectionError,
    ShellError,
    ShellNotFoundError,
    ShellRateLimitError,
    ShellRechargeClient,
    ShellResponseError,
    ShellServerError,
    ShellValidationError,
)
from simulator.shell import Corruption, ShellCloud

from ..conftest import CLIENT_ID, CLIENT_SECRET, EMA_ID, EVSE_ID, OTHER_EVSE_ID

SESSION_ID = "c3e332f0-1bb2-4f50-a96b-e075bbb71e68"


async def _call(client: ShellRechargeClient, endpoint: str, session_id: str) -> object:
    """Call one endpoint by name; a start goes to the EVSE that is still free."""
    if endpoint == "start":
        return await client.start(EMA_ID, OTHER_EVSE_ID)
    if endpoint == "stop":
        await client.stop(session_id)
        return None
    if endpoint == "retrieve":
        return await client.retrieve(session_id)
    return await client.active(EMA_ID)


@pytest.mark.parametrize(
    ("status", "error", "code"),
    [
        (400, ShellValidationError, "E0001"),
        (403, ShellAuthError, "E0403"),
        (404, ShellNotFoundError, "E0038"),
        (410, ShellNotFoundError, "E0410"),
        (500, ShellServerError, "E0005"),
        (502, ShellServerError, "E0502"),
        (503, ShellServerError, "E0014"),
        (418, ShellResponseError, "E0418"),
    ],
)
async def test_http_errors_map_to_typed_errors(
    client: ShellRechargeClient,
    cloud: ShellCloud,
    status: int,
    error: type[ShellError],
    code: str,
) -> None:
    cloud.fail_next(status, route="retrieve")

    with pytest.raises(error) as caught:
        await client.retrieve(SESSION_ID)

    assert type(caught.value) is error
    assert caught.value.status == status
    assert caught.value.code == code
    assert f"HTTP {status}" in str(caught.value)


@pytest.mark.parametrize("endpoint", ["start", "stop", "retrieve", "active"])
async def test_each_endpoint_reports_server_errors(
    client: ShellRechargeClient, cloud: ShellCloud, endpoint: str
) -> None:
    session_id = await client.start(EMA_ID, EVSE_ID)
    cloud.fail_next(503, route=endpoint)

    with pytest.raises(ShellServerError, match="E0014: Service Unavailable"):
        await _call(client, endpoint, session_id)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        (30, 30.0),
        (1.5, 1.5),
        ("0", 0.0),
        (None, None),
        ("Wed, 21 Oct 2026 07:28:00 GMT", None),  # only seconds are read
        ("-5", None),
        ("inf", None),
    ],
)
async def test_rate_limit_keeps_retry_after(
    client: ShellRechargeClient,
    cloud: ShellCloud,
    header: float | str | None,
    seconds: float | None,
) -> None:
    cloud.fail_next(429, retry_after=header)

    with pytest.raises(ShellRateLimitError) as caught:
        await client.active(EMA_ID)

    assert caught.value.retry_after == seconds
    assert caught.value.status == 429
    assert caught.value.code == "E0009"


async def test_404_from_start_is_not_found(client: ShellRechargeClient) -> None:
    with pytest.raises(ShellNotFoundError, match="Location Not Found"):
        await client.start(EMA_ID, "NL*TNM*E09999999*0")


async def test_unknown_card_is_not_found(client: ShellRechargeClient) -> None:
    with pytest.raises(ShellNotFoundError, match="Invalid charge token"):
        await client.start("NL-TNM-C99999999-T", EVSE_ID)  # well-formed, unknown


async def test_unknown_session_is_not_found(client: ShellRechargeClient) -> None:
    with pytest.raises(ShellNotFoundError):
        await client.retrieve(SESSION_ID)
    with pytest.raises(ShellNotFoundError):
        await client.stop(SESSION_ID)


async def test_slow_answer_is_a_connection_error(
    http: aiohttp.ClientSession, base_url: str, cloud: ShellCloud
) -> None:
    client = ShellRechargeClient(
        session=http,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        base_url=base_url,
        request_timeout=0.1,
    )
    await client.authenticate()
    cloud.slow(5)
    started = time.monotonic()

    with pytest.raises(ShellConnectionError, match=r"within 0\.1 s"):
        await client.active(EMA_ID)

    assert time.monotonic() - started < 2


async def test_slow_answer_within_the_timeout_is_fine(
    client: ShellRechargeClient, cloud: ShellCloud
) -> None:
    cloud.slow(0.05)

    assert await client.active(EMA_ID) == []


async def test_unreachable_api_is_a_connection_error(
    http: aiohttp.ClientSession, socket_enabled: None
) -> None:
    # A port that was free a moment ago: nothing listens there.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = ShellRechargeClient(
        session=http,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        base_url=f"http://127.0.0.1:{port}",
    )

    with pytest.raises(ShellConnectionError, match="Cannot reach") as caught:
        await client.active(EMA_ID)

    assert caught.value.status is None


@pytest.mark.parametrize(
    ("corruption", "message"),
    [
        (Corruption.BAD_JSON, "not valid JSON"),
        (Corruption.NOT_AN_OBJECT, "not a JSON object"),
        (Corruption.WRONG_REQUEST_ID, "another request"),
        (Corruption.NO_REQUEST_ID, "no requestId"),
    ],
)
@pytest.mark.parametrize("endpoint", ["start", "stop", "retrieve", "active"])
async def test_malformed_answers(
    client: ShellRechargeClient,
    cloud: ShellCloud,
    corruption: Corruption,
    message: str,
    endpoint: str,
) -> None:
    session_id = await client.start(EMA_ID, EVSE_ID)
    cloud.corrupt_next(corruption, route=endpoint)

    with pytest.raises(ShellResponseError, match=message):
        await _call(client, endpoint, session_id)


async def test_data_that_is_not_a_list(client: ShellRechargeClient, cloud: ShellCloud) -> None:
    cloud.corrupt_next(Corruption.DATA_NOT_A_LIST, route="active")

    with pytest.raises(ShellResponseError, match="data is not a list"):
        await client.active(EMA_ID)


async def test_start_answer_without_session_id(
    client: ShellRechargeClient, cloud: ShellCloud
) -> None:
    cloud.corrupt_next(Corruption.NO_DATA, route="start")

    with pytest.raises(ShellResponseError, match="no sessionId"):
        await client.start(EMA_ID, EVSE_ID)


async def test_retrieve_answer_without_session(
    client: ShellRechargeClient, cloud: ShellCloud
) -> None:
    session_id = await client.start(EMA_ID, EVSE_ID)
    cloud.corrupt_next(Corruption.NO_DATA, route="retrieve")

    with pytest.raises(ShellResponseError, match="holds no session"):
        await client.retrieve(session_id)


async def test_active_answer_without_data_means_no_sessions(
    client: ShellRechargeClient, cloud: ShellCloud
) -> None:
    await client.start(EMA_ID, EVSE_ID)
    cloud.corrupt_next(Corruption.NO_DATA, route="active")

    assert await client.active(EMA_ID) == []


@pytest.mark.parametrize("endpoint", ["retrieve", "active"])
async def test_session_without_id(
    client: ShellRechargeClient, cloud: ShellCloud, endpoint: str
) -> None:
    session_id = await client.start(EMA_ID, EVSE_ID)
    cloud.corrupt_next(Corruption.BROKEN_SESSION, route=endpoint)

    with pytest.raises(ShellResponseError, match="no id"):
        await _call(client, endpoint, session_id)


async def test_error_status_with_unreadable_body(
    client: ShellRechargeClient, cloud: ShellCloud
) -> None:
    cloud.fail_next(502, route="active", corruption=Corruption.BAD_JSON)

    with pytest.raises(ShellServerError, match=r"^Shell active: HTTP 502$") as caught:
        await client.active(EMA_ID)

    assert caught.value.code is None


async def test_unused_faults_can_be_cleared(client: ShellRechargeClient, cloud: ShellCloud) -> None:
    cloud.fail_next(500, route="active")
    cloud.clear_faults()

    assert await client.active(EMA_ID) == []


async def test_faults_without_route_spare_the_token_endpoint(
    client: ShellRechargeClient, cloud: ShellCloud
) -> None:
    cloud.fail_next(500)

    with pytest.raises(ShellServerError, match="active"):
        await client.active(EMA_ID)

    assert cloud.tokens_issued == 1


async def test_faults_are_used_up_in_order(client: ShellRechargeClient, cloud: ShellCloud) -> None:
    cloud.fail_next(503, route="active")
    cloud.fail_next(429, route="active", retry_after=2)

    with pytest.raises(ShellServerError):
        await client.active(EMA_ID)
    with pytest.raises(ShellRateLimitError):
        await client.active(EMA_ID)
    assert await client.active(EMA_ID) == []


async def test_concurrent_failures_do_not_leak_tasks(
    client: ShellRechargeClient, cloud: ShellCloud
) -> None:
    cloud.fail_next(500, times=3)

    results = await asyncio.gather(
        *(client.active(EMA_ID) for _ in range(3)), return_exceptions=True
    )

    assert all(isinstance(r, ShellServerError) for r in results)


async def test_success_status_with_failed_body(
    client: ShellRechargeClient, cloud: ShellCloud
) -> None:
    session_id = await client.start(EMA_ID, EVSE_ID)
    cloud.corrupt_next(Corruption.FAILED_STATUS, route="stop")

    with pytest.raises(ShellResponseError, match="failed: Backend failed") as caught:
        await client.stop(session_id)

    assert caught.value.code == "E0005"
