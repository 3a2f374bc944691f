"""The listener bus: a change wakes exactly the listeners that show what it touched, once."""

from __future__ import annotations

from custom_components.blue_current.bluecurrent.listeners import KeyListeners
from custom_components.blue_current.bluecurrent.state import EVERYTHING, Change


def test_a_change_wakes_only_who_shows_a_changed_field_once() -> None:
    bus = KeyListeners()
    woken: list[str] = []
    bus.add("A", lambda: woken.append("energy"), frozenset({"session_energy"}))
    bus.add("A", lambda: woken.append("power"), frozenset({"current_phase_1", "voltage_phase_1"}))
    bus.add("A", lambda: woken.append("all"), None)
    bus.add("A", lambda: woken.append("none"), frozenset())
    bus.add("B", lambda: woken.append("other"), None)

    bus.notify(Change(keys={"A": frozenset({"current_phase_1", "voltage_phase_1"})}))
    assert sorted(woken) == ["all", "power"]  # power once, though both its fields moved

    woken.clear()
    bus.notify(Change(keys={"A": frozenset({"activity"})}))
    assert woken == ["all"]

    woken.clear()
    bus.notify(Change(keys={"A": EVERYTHING}))
    assert sorted(woken) == ["all", "energy", "none", "power"]


def test_removed_listeners_are_not_woken() -> None:
    bus = KeyListeners()
    woken: list[str] = []
    remove = bus.add("A", lambda: woken.append("energy"), frozenset({"session_energy"}))
    remove_none = bus.add("A", lambda: woken.append("none"), frozenset())
    remove()
    remove_none()
    bus.notify(Change(keys={"A": EVERYTHING}))
    bus.notify(Change(keys={"Z": EVERYTHING}))
    assert woken == []
