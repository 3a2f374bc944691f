"""The client secret and the access token never show up in errors, reprs or logs."""

from __future__ import annotations

import logging

import aiohttp
import pytest

from custom_components.blue_current.api.shell import (
    ShellError,
    ShellRechargeClient,
)
from simulator.shell import Corruption, ShellCloud

from ..conftest import CLIENT_ID, CLIENT_SECRET, EMA_ID, EVSE_ID, START_DELAY, FakeClock


def _secrets(client: ShellRechargeClient, shell_cloud: ShellCloud) -> list[str]:
    tokens = [
        r.headers["Authorization"].removeprefix("Bearer ")
        for r in shell_cloud.requests
        if "charge-session" in r.path
    ]
    assert tokens, "no API call carried a token"
    return [CLIENT_SECRET, *tokens]


async def _collect_errors(client: ShellRechargeClient, shell_cloud: ShellCloud) -> list[ShellError]:
    errors: list[ShellError] = []
    shell_cloud.fail_next(401, route="active", times=2)
    shell_cloud.fail_next(429, retry_after=5, route="active")
    shell_cloud.fail_next(500, route="active")
    shell_cloud.corrupt_next(Corruption.BAD_JSON, route="active")
    shell_cloud.corrupt_next(Corruption.WRONG_REQUEST_ID, route="active")
    for _ in range(5):
        try:
            await client.active(EMA_ID)
        except ShellError as err:
            errors.append(err)
    try:
        await client.retrieve("not-a-session")
    except ShellError as err:
        errors.append(err)
    return errors


async def test_secrets_stay_out_of_errors_reprs_and_logs(
    client: ShellRechargeClient,
    shell_cloud: ShellCloud,
    clock: FakeClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    session_id = await client.start(EMA_ID, EVSE_ID)
    clock.advance(START_DELAY)
    await client.retrieve(session_id)
    errors = await _collect_errors(client, shell_cloud)
    await client.stop(session_id)

    assert len(errors) == 6
    secrets = _secrets(client, shell_cloud)
    texts = [repr(client), str(client), caplog.text]
    for err in errors:
        texts += [str(err), repr(err), repr(err.__cause__), str(err.__cause__)]
    for secret in secrets:
        assert all(secret not in text for text in texts), secret
    assert CLIENT_ID in repr(client)
    assert "RequestId" in caplog.text  # the log does say what was asked


async def test_refused_credentials_are_not_echoed(
    http: aiohttp.ClientSession, base_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    client = ShellRechargeClient(
        session=http, client_id=CLIENT_ID, client_secret="Wr0ng-Secret-Value", base_url=base_url
    )

    with pytest.raises(ShellError) as caught:
        await client.authenticate()

    for text in (str(caught.value), repr(caught.value), repr(client), caplog.text):
        assert "Wr0ng-Secret-Value" not in text
