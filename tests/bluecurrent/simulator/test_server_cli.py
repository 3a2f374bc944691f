"""The server that hosts the clouds, and the command line."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
import runpy
import signal
import sys

import aiohttp
from aiohttp import web
import pytest

from custom_components.blue_current.api.shell import ShellRechargeClient
from simulator.__main__ import (
    DEMO_SHELL_CARD,
    DEMO_SHELL_EVSES,
    build_cloud,
    build_shell_cloud,
    main,
    parse_args,
    serve,
)
from simulator.bluecurrent import BlueCurrentCloud, LimitSignal
from simulator.server import Simulator

from tests.waiting import wait_for

from .peer import Peer

REPO = Path(__file__).parents[3]


class Ping:
    """A stand-in for another cloud (the Shell API): one route."""

    def install(self, app: web.Application) -> None:
        async def ping(_request: web.Request) -> web.Response:
            return web.json_response({"pong": True})

        app.router.add_get("/ping", ping)


async def test_extra_clouds_share_the_port(http: aiohttp.ClientSession) -> None:
    cloud = BlueCurrentCloud()
    async with Simulator(bluecurrent=cloud, extra=[Ping()]) as simulator:
        assert simulator.port > 0
        assert simulator.base_url == f"http://127.0.0.1:{simulator.port}"
        assert simulator.bluecurrent_url == f"ws://127.0.0.1:{simulator.port}/haserver"
        async with http.get(f"{simulator.base_url}/ping") as response:
            assert await response.json() == {"pong": True}
        peer = await Peer.open(http, simulator.bluecurrent_url)
        await peer.send("VALIDATE_API_TOKEN", token="x")
        assert (await peer.recv())["success"] is False
        await simulator.stop()
        assert (await peer.closed()).data == 1001  # going away
    await simulator.stop()  # a second stop is harmless


async def test_a_simulator_without_blue_current(http: aiohttp.ClientSession) -> None:
    simulator = Simulator(extra=[Ping()])
    await simulator.start(port=0)
    try:
        async with http.get(f"{simulator.base_url}/ping") as response:
            assert response.status == 200
        async with http.get(f"{simulator.base_url}/haserver") as response:
            assert response.status == 404
    finally:
        await simulator.stop()


def test_options_build_the_cloud() -> None:
    args = parse_args(
        [
            "--token",
            "T",
            "--charge-points",
            "3",
            "--grids",
            "2",
            "--cards",
            "1",
            "--request-budget",
            "50",
            "--limit-signal",
            "error",
            "--reject-second-connection",
            "--arrivals",
            "--customer-id",
            "C9",
            "--email",
            "me@example.com",
            "--tick",
            "0",
        ]
    )
    cloud = build_cloud(args)
    account = cloud.account("T")
    assert (account.customer_id, account.email) == ("C9", "me@example.com")
    assert (len(account.charge_points), len(account.grids), len(account.cards)) == (3, 2, 1)
    assert cloud.budget.budget == 50
    assert cloud.limit_signal is LimitSignal.ERROR
    assert cloud.reject_second_connection
    assert cloud.arrivals
    assert cloud.tick_interval is None
    assert build_cloud(parse_args([])).tick_interval == 5.0


def test_shell_options() -> None:
    args = parse_args(
        [
            *("--shell-card", "NL-ABC-C12345678-X", "--shell-evse", "NL*ABC*E12345678*1"),
            *("--shell-client-id", "id", "--shell-client-secret", "secret"),
        ]
    )
    cloud = build_shell_cloud(args)
    assert args.shell_card == ["NL-ABC-C12345678-X"]
    assert args.shell_evse == ["NL*ABC*E12345678*1"]
    assert "secret" not in repr(cloud)
    defaults = parse_args([])
    assert defaults.shell_card == [DEMO_SHELL_CARD]
    assert defaults.shell_evse == list(DEMO_SHELL_EVSES)


@pytest.mark.parametrize("argv", [["--charge-points", "0"], ["--grids", "3"]])
def test_impossible_options_are_refused(argv: list[str]) -> None:
    with pytest.raises(SystemExit):
        main(argv)


def test_run_as_a_module(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "argv", ["simulator", "--grids", "9"])
    monkeypatch.delitem(sys.modules, "simulator.__main__")  # run it fresh, as -m does
    with pytest.raises(SystemExit):
        runpy.run_module("simulator", run_name="__main__")


async def test_serve_until_sigterm(
    http: aiohttp.ClientSession, capsys: pytest.CaptureFixture[str]
) -> None:
    printed: list[str] = []

    def ready() -> bool:
        printed.append(capsys.readouterr().out)
        return "ws://" in "".join(printed)

    task = asyncio.create_task(serve(parse_args(["--port", "0", "--tick", "0"])))
    await wait_for(None, ready)
    url = "".join(printed).splitlines()[0].split(": ", 1)[1].strip()
    peer = await Peer.open(http, url)
    assert (await peer.login("demo-token"))["success"] is True
    os.kill(os.getpid(), signal.SIGTERM)  # serve() installed its handler before printing
    async with asyncio.timeout(5):
        await task
    assert (await peer.closed()).data == 1001


async def test_command_line_smoke(http: aiohttp.ClientSession) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "simulator",
        "--port",
        "0",
        "--token",
        "cli-token",
        "--charge-points",
        "3",
        cwd=REPO,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        async with asyncio.timeout(20):
            line = (await process.stdout.readline()).decode()
        url = line.split(": ", 1)[1].strip()
        assert url.startswith("ws://127.0.0.1:")
        assert url.endswith("/haserver")
        peer = await Peer.open(http, url)
        await peer.hello("cli-token")
        await peer.send("GET_CHARGE_POINTS")
        reply = await peer.recv(wait=5)
        assert len(reply["data"]) == 3
        await peer.socket.close()
        # The Shell Recharge API answers on the same port.
        async with asyncio.timeout(5):
            shell_line = (await process.stdout.readline()).decode()
        shell = ShellRechargeClient(
            session=http,
            client_id="demo-client",
            client_secret="demo-secret",
            base_url=shell_line.split(": ", 1)[1].strip(),
        )
        assert await shell.active(DEMO_SHELL_CARD) == []
        session_id = await shell.start(DEMO_SHELL_CARD, DEMO_SHELL_EVSES[0])
        assert (await shell.retrieve(session_id)).evse_id == DEMO_SHELL_EVSES[0]
    finally:
        process.terminate()
        async with asyncio.timeout(10):
            assert await process.wait() == 0
