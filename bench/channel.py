"""The line protocol between the orchestrator and a worker: one JSON object per line.

The worker writes its replies on its own copy of stdout, each line prefixed, so a stray
print of a library can never be taken for a reply.
"""

from __future__ import annotations

import json
from typing import Any

PREFIX = "@@bench "

FLAVORS = ("core", "ours")  # Home Assistant's blue_current, and ours
FLOOR = "floor"  # no integration: the cheapest receive (and, in Home Assistant, state writes)
WORKER_KINDS = (*FLAVORS, FLOOR)  # what `python -m bench.worker KIND` runs

type Message = dict[str, Any]


def encode(message: Message) -> str:
    """One line, newline included."""
    return PREFIX + json.dumps(message, separators=(",", ":")) + "\n"


def decode(line: str) -> Message | None:
    """The message on a line, or None for a line that is not one of ours."""
    if not line.startswith(PREFIX):
        return None
    value = json.loads(line[len(PREFIX) :])
    if not isinstance(value, dict):
        raise TypeError("a bench message must be a JSON object")
    return value
