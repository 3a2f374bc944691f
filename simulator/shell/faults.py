"""Faults the fake Shell cloud can be told to inject into its next answers."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
import json
import random
import uuid

from .wire import Json


class Corruption(StrEnum):
    """Ways to spoil an otherwise good answer."""

    BAD_JSON = "bad-json"  # the body is cut off mid-way
    NOT_AN_OBJECT = "not-an-object"  # valid JSON, but a list
    WRONG_REQUEST_ID = "wrong-request-id"  # the echo names another request
    NO_REQUEST_ID = "no-request-id"
    NO_DATA = "no-data"  # `data` (or `access_token`) left out
    BROKEN_SESSION = "broken-session"  # every session loses its id
    FAILED_STATUS = "failed-status"  # a 2xx whose body says FAILED, with an error
    DATA_NOT_A_LIST = "data-not-a-list"  # `data` is an object instead of a list


@dataclass(frozen=True, slots=True)
class Fault:
    """One queued fault: an error status or a corruption, for one route or any."""

    route: str | None
    status: int | None = None
    retry_after: float | str | None = None
    corruption: Corruption | None = None

    def matches(self, route: str) -> bool:
        """Whether this fault is meant for `route`; no route means any charge-session route."""
        return self.route == route or (self.route is None and route != "token")


class FaultQueue:
    """Faults in the order they were queued; each is used up by the first matching request."""

    def __init__(self) -> None:
        """Start with nothing queued."""
        self._pending: list[Fault] = []

    def add(self, fault: Fault, times: int) -> None:
        """Queue `fault` for the next `times` matching requests."""
        self._pending.extend([fault] * times)

    def take(self, route: str) -> Fault | None:
        """Remove and return the first fault for `route`, if any."""
        for index, fault in enumerate(self._pending):
            if fault.matches(route):
                return self._pending.pop(index)
        return None

    def clear(self) -> None:
        """Forget every queued fault."""
        self._pending.clear()


def spoil(payload: Json, corruption: Corruption, rng: random.Random) -> str:
    """Render `payload` as JSON text, spoiled the way `corruption` says."""
    if corruption is Corruption.BAD_JSON:
        text = json.dumps(payload)
        return text[: max(1, len(text) // 2)]
    if corruption is Corruption.NOT_AN_OBJECT:
        return json.dumps([payload])
    spoilt = dict(payload)
    id_key = next((key for key in spoilt if key.lower() == "requestid"), "requestId")
    if corruption is Corruption.WRONG_REQUEST_ID:
        spoilt[id_key] = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    elif corruption is Corruption.NO_REQUEST_ID:
        spoilt.pop(id_key, None)
    elif corruption is Corruption.FAILED_STATUS:
        spoilt["status"] = "FAILED"
        spoilt["errors"] = [{"code": "E0005", "message": "Failed", "description": "Backend failed"}]
    elif corruption is Corruption.DATA_NOT_A_LIST:
        spoilt["data"] = {}
    elif corruption is Corruption.NO_DATA:
        for key in [key for key in spoilt if key.lower() in {"data", "access_token"}]:
            del spoilt[key]
    else:
        data = next((value for key, value in spoilt.items() if key.lower() == "data"), [])
        for item in data if isinstance(data, list) else []:
            if isinstance(item, dict):
                item.pop("id", None)
                item.pop("Id", None)
    return json.dumps(spoilt)
