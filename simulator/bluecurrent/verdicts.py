"""What the charge point answers to a command, as set by a test."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Outcome(StrEnum):
    """The verdict in STATUS_<CMD>."""

    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"
    TIMEOUT = "TIMEOUT"
    SILENT = "SILENT"  # no STATUS_<CMD> at all, to test a client's own timeout


@dataclass(frozen=True, kw_only=True)
class Verdict:
    """An outcome and how long the charge point takes to give it."""

    outcome: Outcome = Outcome.ACCEPTED
    delay: float = 0.0  # seconds between RECEIVED_<CMD> and STATUS_<CMD>


class VerdictBook:
    """Verdicts per command; commands not in the book are accepted at once."""

    def __init__(self) -> None:
        """Start with every command accepted."""
        self._by_command: dict[str, Verdict] = {}

    def set(self, command: str, outcome: Outcome, delay: float = 0.0) -> None:
        """Fix the verdict for a command (e.g. "START_SESSION")."""
        self._by_command[command] = Verdict(outcome=outcome, delay=delay)

    def clear(self) -> None:
        """Accept everything at once again."""
        self._by_command.clear()

    def get(self, command: str) -> Verdict:
        """The verdict for a command."""
        return self._by_command.get(command, Verdict())
