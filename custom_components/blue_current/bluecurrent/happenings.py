"""What happens at an account's charge points, told to whoever listens (the event entities).

Sessions starting and stopping and cars plugging in are read from two statuses of one
connection: a status from before a reconnect or a restart is never compared, so nothing is
replayed. Refused commands are told as they are refused. The card Home Assistant started a
running session with goes with that session's events.
"""

from __future__ import annotations

from collections.abc import Callable

from ..api.bluecurrent import ChargeCard, ChargePointStatus
from .charging import HAPPENING_FIELDS, Happening, Occurrence, transitions

type HappeningListener = Callable[[Happening], None]
type Remove = Callable[[], None]


class Happenings:
    """The happenings of one account's charge points, and who listens to them."""

    def __init__(self) -> None:
        """Nothing seen, nobody listening."""
        self._listeners: dict[str, list[HappeningListener]] = {}
        # The card Home Assistant started a charge point's running session with (its uid).
        self.session_cards: dict[str, str] = {}
        # Charge points whose status arrived on the current connection: only those compare.
        self._live: set[str] = set()

    def listen(self, evse_id: str, listener: HappeningListener) -> Remove:
        """Call `listener` with each happening at the charge point."""
        listeners = self._listeners.setdefault(evse_id, [])
        listeners.append(listener)
        return lambda: listeners.remove(listener)

    def report(self, evse_id: str, happening: Happening) -> None:
        """Tell the charge point's listeners."""
        for listener in tuple(self._listeners.get(evse_id, ())):
            listener(happening)

    def report_rejection(self, evse_id: str, command: str, reason: str) -> None:
        """A command for the charge point was refused or timed out."""
        self.report(
            evse_id,
            Happening(Occurrence.COMMAND_REJECTED, {"command": str(command), "reason": reason}),
        )

    def connection_changed(self) -> None:
        """A connection opened or was lost: statuses from before it compare with nothing."""
        self._live.clear()

    def is_live(self, evse_id: str) -> bool:
        """Whether the charge point's status arrived on this connection."""
        return evse_id in self._live

    def status_arrived(
        self,
        before: ChargePointStatus | None,
        after: ChargePointStatus,
        changed: frozenset[str] | None,
        cards: tuple[ChargeCard, ...],
    ) -> None:
        """Tell what happened between the status held before (None: none on this
        connection) and the one that arrived; `changed`: its fields that moved (None: any)."""
        evse_id = after.evse_id
        self._live.add(evse_id)
        if before is None or (changed is not None and changed.isdisjoint(HAPPENING_FIELDS)):
            return
        card_uid = self.session_cards.get(evse_id)
        card = None
        if card_uid is not None:
            known = next((c for c in cards if c.uid == card_uid), None)
            card = card_uid if known is None else known.card_id
        for happening in transitions(before, after, card=card):
            if happening.kind is Occurrence.SESSION_STOPPED:
                self.session_cards.pop(evse_id, None)
            self.report(evse_id, happening)
