"""Who wants to hear about which charge point or grid, and about which of its fields."""

from __future__ import annotations

from collections.abc import Callable

from .charging import Happening
from .state import Change

type Listener = Callable[[], None]
type Remove = Callable[[], None]


class KeyListeners:
    """Listeners per charge point or grid, each with the status fields it shows.

    Most status pushes change one or two fields and most entities show none of them, so a
    push wakes only the entities that show a changed field.
    """

    def __init__(self) -> None:
        """Start with nobody listening."""
        self._by_key: dict[str, list[tuple[Listener, frozenset[str] | None]]] = {}

    def add(self, key: str, listener: Listener, fields: frozenset[str] | None) -> Remove:
        """Call `listener` when `key` changes in one of `fields` (None: in any way)."""
        entry = (listener, fields)
        listeners = self._by_key.setdefault(key, [])
        listeners.append(entry)
        return lambda: listeners.remove(entry)

    def notify(self, change: Change) -> None:
        """Wake the listeners that show something the change touched."""
        for key, changed in change.keys.items():
            for listener, shown in tuple(self._by_key.get(key, ())):
                if changed is None or shown is None or not shown.isdisjoint(changed):
                    listener()


class Listeners:
    """Plain listeners, e.g. the platforms that add entities when charge points appear."""

    def __init__(self) -> None:
        """Start with nobody listening."""
        self._listeners: list[Listener] = []

    def add(self, listener: Listener) -> Remove:
        """Call `listener` on every notify, until the returned function removes it."""
        self._listeners.append(listener)

        def remove() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return remove

    def notify(self) -> None:
        """Call every listener."""
        for listener in tuple(self._listeners):
            listener()


class HappeningListeners:
    """Listeners for what happens at a charge point (sessions, plugs, refused commands)."""

    def __init__(self) -> None:
        """Start with nobody listening."""
        self._by_key: dict[str, list[Callable[[Happening], None]]] = {}

    def add(self, evse_id: str, listener: Callable[[Happening], None]) -> Remove:
        """Call `listener` with each happening at the charge point."""
        listeners = self._by_key.setdefault(evse_id, [])
        listeners.append(listener)
        return lambda: listeners.remove(listener)

    def notify(self, evse_id: str, happening: Happening) -> None:
        """Tell the charge point's listeners."""
        for listener in tuple(self._by_key.get(evse_id, ())):
            listener(happening)
