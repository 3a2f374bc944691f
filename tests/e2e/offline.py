"""Catch every attempt to reach a host by name, inside the end-to-end tests' network namespace.

In the namespace (tests/e2e/conftest.py), only loopback exists, so a call to the internet
fails; but a failure shows only when the caller logs it. The trap makes every such call
visible: it makes the addresses of the machine's name servers (from /etc/resolv.conf) local,
answers each query there with "no such name" at once, and keeps the names asked for. A call
to a host by name asks for its name first, so the names it keeps are the hosts somebody
tried to reach.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
import ipaddress
from pathlib import Path
import shutil
import struct

RESOLV_CONF = Path("/etc/resolv.conf")
DNS_PORT = 53
HEADER = struct.Struct("!HHHHHH")  # id, flags, questions, answers, authorities, additionals
NAME_ERROR = 3  # RCODE "no such name"


def name_servers(resolv_conf: Path = RESOLV_CONF) -> list[str]:
    """The IPv4 name servers the resolvers of this machine ask."""
    servers = []
    for line in resolv_conf.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2 and parts[0] == "nameserver":
            address = ipaddress.ip_address(parts[1].split("%")[0])
            if address.version == 4:
                servers.append(str(address))
    return servers


def question(packet: bytes) -> str | None:
    """The name a DNS query asks for; None for what is no query."""
    if len(packet) < HEADER.size:
        return None
    _, flags, count, *_ = HEADER.unpack_from(packet)
    if flags & 0x8000 or count < 1:  # an answer, or no question
        return None
    labels, offset = [], HEADER.size
    while offset < len(packet) and (length := packet[offset]) != 0:
        if length & 0xC0:  # compression has no place in a question
            return None
        labels.append(packet[offset + 1 : offset + 1 + length].decode("ascii", "replace"))
        offset += 1 + length
    return ".".join(labels).lower()


def no_such_name(packet: bytes) -> bytes:
    """The answer to a query: its own question, and "no such name"."""
    ident, flags, count, *_ = HEADER.unpack_from(packet)
    recursion_desired = flags & 0x0100
    answer_flags = 0x8000 | recursion_desired | 0x0080 | NAME_ERROR  # QR, RD, RA, NXDOMAIN
    return HEADER.pack(ident, answer_flags, count, 0, 0, 0) + packet[HEADER.size :]


class _Listener(asyncio.DatagramProtocol):
    def __init__(self, names: list[str]) -> None:
        self.names = names
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.DatagramTransport)
        self.transport = transport

    def datagram_received(self, data: bytes, addr: tuple[str | object, ...]) -> None:
        name = question(data)
        if name is None or self.transport is None:
            return
        self.names.append(name)
        self.transport.sendto(no_such_name(data), addr)


@dataclass
class NameTrap:
    """Answers on the name servers' addresses; `names` is every name asked for, in order."""

    names: list[str] = field(default_factory=list)
    _transports: list[asyncio.DatagramTransport] = field(default_factory=list)

    async def start(self) -> None:
        """Make the name servers' addresses local and listen there.

        Only inside the tests' own network namespace: on the machine's, the addresses and
        port 53 belong to the real resolver.
        """
        ip = shutil.which("ip")
        assert ip is not None
        loop = asyncio.get_running_loop()
        for server in name_servers():
            if not ipaddress.ip_address(server).is_loopback:
                # A local route, not an address: the address is ours to bind, but no
                # interface shows it, so Home Assistant's discovery does not see it.
                command = ["route", "add", "local", f"{server}/32", "dev", "lo"]
                process = await asyncio.create_subprocess_exec(ip, *command)
                if await asyncio.wait_for(process.wait(), 10):
                    raise RuntimeError(f"ip {' '.join(command)} failed")
            transport, _ = await loop.create_datagram_endpoint(
                lambda: _Listener(self.names), local_addr=(server, DNS_PORT)
            )
            self._transports.append(transport)

    def stop(self) -> None:
        """Stop listening."""
        for transport in self._transports:
            transport.close()
        self._transports.clear()
