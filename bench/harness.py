"""The orchestrator's side: worker processes and the simulated cloud they connect to."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable, Sequence
import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
import sys
import time
from typing import IO

from simulator.bluecurrent import Account, BlueCurrentCloud, ManualClock, populate
from simulator.bluecurrent.connection import Connection
from simulator.server import Simulator

from .channel import Message, decode, encode

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT = 60.0  # seconds for a worker to import Home Assistant and say ready
REPLY_LIMIT = 64 * 1024 * 1024  # bytes in one reply line (the marks of a long window)
LOG_TAIL = 3000  # characters of a worker's log shown when it fails
BARE = "-bare"  # role suffix: the client library alone, no Home Assistant


class WorkerError(RuntimeError):
    """A worker failed, answered with an error, or did not answer in time."""


def flavor_of(role: str) -> str:
    """The flavour a role runs: "core-bare" runs core's client library without HA."""
    return role.removesuffix(BARE)


class Worker:
    """One `python -m bench.worker FLAVOR` process, playing a role ("core", "ours-bare")."""

    def __init__(self, role: str, log_dir: Path) -> None:
        """Nothing runs before start()."""
        self.role = role
        self.flavor = flavor_of(role)
        self._log_path = log_dir / f"worker-{role}-{time.monotonic_ns()}.log"
        self._log: IO[bytes] | None = None
        self._process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        """Start the process and wait until it has imported everything."""
        self._log = self._log_path.open("wb")
        self._process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.worker",
            self.flavor,
            cwd=ROOT,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=self._log,
            limit=REPLY_LIMIT,
        )
        await self._read(START_TIMEOUT)

    async def request(self, message: Message, within: float) -> Message:
        """Send a command and wait for its reply; WorkerError on an error reply."""
        process = self._require()
        assert process.stdin is not None
        process.stdin.write(encode(message).encode())
        await process.stdin.drain()
        reply = await self._read(within)
        if "error" in reply:
            raise WorkerError(f"{self.role}: {reply['error']}{self._tail()}")
        return reply

    async def receive(self, within: float) -> Message:
        """The next reply of a command that answers more than once; WorkerError on an error."""
        reply = await self._read(within)
        if "error" in reply:
            raise WorkerError(f"{self.role}: {reply['error']}{self._tail()}")
        return reply

    async def _read(self, within: float) -> Message:
        process = self._require()
        assert process.stdout is not None
        try:
            async with asyncio.timeout(within):
                while True:
                    line = await process.stdout.readline()
                    if not line:
                        raise WorkerError(f"{self.role}: the worker exited{self._tail()}")
                    message = decode(line.decode())
                    if message is not None:
                        return message
        except TimeoutError:
            raise WorkerError(f"{self.role}: no answer in {within:.0f} s{self._tail()}") from None

    def _require(self) -> asyncio.subprocess.Process:
        if self._process is None:
            raise WorkerError(f"{self.role}: not started")
        return self._process

    def _tail(self) -> str:
        if self._log is not None:
            self._log.flush()
        try:
            text = self._log_path.read_text(errors="replace")
        except OSError:
            return ""
        return f"\n--- {self._log_path.name} (end) ---\n{text[-LOG_TAIL:]}" if text else ""

    async def close(self) -> None:
        """Ask the worker to quit; kill it when it does not."""
        process = self._process
        if process is not None and process.returncode is None:
            with contextlib.suppress(OSError, RuntimeError):
                assert process.stdin is not None
                process.stdin.write(encode({"cmd": "quit"}).encode())
                await process.stdin.drain()
                process.stdin.close()
            try:
                async with asyncio.timeout(15):
                    await process.wait()
            except TimeoutError:
                process.kill()
                await process.wait()
        if self._log is not None:
            self._log.close()
            self._log = None


@contextlib.asynccontextmanager
async def workers(roles: Sequence[str], log_dir: Path) -> AsyncIterator[dict[str, Worker]]:
    """Started workers, one per role (started side by side); closed on the way out."""
    started = {role: Worker(role, log_dir) for role in roles}
    try:
        await asyncio.gather(*(worker.start() for worker in started.values()))
        yield started
    finally:
        await asyncio.gather(*(worker.close() for worker in started.values()))


class BenchCloud(BlueCurrentCloud):
    """The simulated cloud, plus what the benchmarks need: per-account pushes and drops."""

    def connections_of(self, account: Account) -> list[Connection]:
        """The account's main connections (those that said HELLO)."""
        return [c for c in self._connections if c.account is account]

    async def push(self, account: Account, text: str) -> float | None:
        """Send a frame to the account's main connection; the wall time it was sent."""
        sent_at = None
        for connection in self.connections_of(account):
            sent_at = time.time()
            await self.send(connection, text)
        return sent_at

    async def drop(self, accounts: Iterable[Account]) -> None:
        """Cut the accounts' main connections without a close frame (a network drop)."""
        wanted = list(accounts)
        for connection in list(self._connections):
            if any(connection.account is account for account in wanted):
                await connection.close(None)


@dataclass(frozen=True, slots=True)
class Fleet:
    """One account per role, built alike: the same charge points, cards and grid."""

    cloud: BenchCloud
    url: str
    tag: str
    accounts: dict[str, Account]

    def params(self, role: str, **extra: object) -> Message:
        """The "session" command that sets a role up against its account."""
        account = self.accounts[role]
        return {
            "cmd": "session",
            "url": self.url,
            "token": account.api_token,
            "customer_id": account.customer_id,
            "title": account.email,
            "charge_points": len(account.charge_points),
            "fast_reconnect": False,
            "memory": False,
            "bare": role.endswith(BARE),
            **extra,
        }

    def requests_used(self) -> dict[str, int]:
        """Requests each role's account sent so far (today)."""
        return {f: self.cloud.requests_used(a.api_token) for f, a in self.accounts.items()}

    def all_connected(self) -> bool:
        """Every account has its main connection."""
        return all(self.cloud.connections_of(a) for a in self.accounts.values())


class Bench:
    """The simulator of a whole run, and the accounts its scenarios add to it."""

    def __init__(self, log_dir: Path) -> None:
        """A cloud whose clock stands still, so every timestamp is the same for both."""
        self.log_dir = log_dir
        start = datetime.now(UTC).replace(microsecond=0)
        self.cloud = BenchCloud(clock=ManualClock(start), seed=1)
        self._simulator = Simulator(bluecurrent=self.cloud)

    async def __aenter__(self) -> Bench:
        """Listen on a free port of 127.0.0.1."""
        await self._simulator.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        """Stop listening."""
        await self._simulator.stop()

    def fleet(self, tag: str, roles: Sequence[str], charge_points: int, *, charging: bool) -> Fleet:
        """Add one account per role with `charge_points` charge points on one grid."""
        accounts: dict[str, Account] = {}
        for role in roles:
            account = populate(
                self.cloud,
                api_token=f"bench-{tag}-{role}",
                customer_id=f"{tag}-{role}",
                email=f"{tag}-{role}@bench.invalid",
                charge_points=charge_points,
                seed=7,
            )
            if charging:
                for charge_point in account.charge_points.values():
                    charge_point.start_charging()
            accounts[role] = account
        return Fleet(
            cloud=self.cloud, url=self._simulator.bluecurrent_url, tag=tag, accounts=accounts
        )
