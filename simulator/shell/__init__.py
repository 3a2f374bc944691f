"""Fake Shell Recharge "EV charge sessions" API, mounted on an aiohttp app by its host."""

from .cloud import RecordedRequest, ShellCloud
from .faults import Corruption
from .sessions import SimSession, State
from .wire import KeyStyle, StateStyle

__all__ = [
    "Corruption",
    "KeyStyle",
    "RecordedRequest",
    "ShellCloud",
    "SimSession",
    "State",
    "StateStyle",
]
