"""Who wants to hear about which charge point or grid, and about which of its fields."""

from __future__ import annotations

from collections.abc import Callable
from itertools import chain

from .state import Change

type Listener = Callable[[], None]
type Remove = Callable[[], None]


class KeyListeners:
    """Listeners per charge point or grid, each with the status fields it shows.

    Most status pushes change one or two fields and most entities show none of them, so a
    push wakes only the entities that show a changed field: listeners are filed per field,
    and a push looks up only the fields it changed.
    """

    def __init__(self) -> None:
        """Start with nobody listening."""
        # key -> field -> listeners. Under None: those that want every change; under "":
        # those that show no status field (woken only when the charge point changed as a
        # whole: the list, its settings, its first status).
        self._by_key: dict[str, dict[str | None, list[Listener]]] = {}

    def add(self, key: str, listener: Listener, fields: frozenset[str] | None) -> Remove:
        """Call `listener` when `key` changes in one of `fields` (None: in any way)."""
        by_field = self._by_key.setdefault(key, {})
        filed: tuple[str | None, ...] = (None,) if fields is None else tuple(sorted(fields))
        filed = filed or ("",)
        for name in filed:
            by_field.setdefault(name, []).append(listener)

        def remove() -> None:
            for name in filed:
                by_field[name].remove(listener)

        return remove

    def notify(self, change: Change) -> None:
        """Wake the listeners that show something the change touched, each once."""
        for key, changed in change.keys.items():
            by_field = self._by_key.get(key)
            if not by_field:
                continue
            if changed is None:
                groups = list(by_field.values())
            else:
                groups = [by_field[name] for name in changed if name in by_field]
                if None in by_field:
                    groups.append(by_field[None])
            if not groups:
                continue
            woken = groups[0] if len(groups) == 1 else dict.fromkeys(chain(*groups))
            for listener in tuple(woken):
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
