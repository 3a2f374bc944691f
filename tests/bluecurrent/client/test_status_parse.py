"""A CH_STATUS push is read incrementally: only changed wire keys again, with the same result."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from custom_components.blue_current.api.bluecurrent import (
    Activity,
    ChargePointStatus,
    parse as parse_module,
)
from custom_components.blue_current.api.bluecurrent.parse import FrameParser

FULL: dict[str, Any] = {
    "activity": "charging",
    "vehicle_status": "C",
    "actual_v1": 230.0,
    "actual_v2": 231.0,
    "actual_v3": 232.0,
    "actual_p1": 10.0,
    "actual_p2": 11.0,
    "actual_p3": 12.0,
    "actual_kwh": 3.5,
    "total_cost": 1.25,
    "max_usage": 32,
    "smartcharging_max_usage": 16,
    "max_offline": 6,
    "offline_since": "",
    "start_datetime": "20260301 10:00:00",
    "stop_datetime": "",
    "boosting": False,
    "smart_current_heartbeat_timeout": 0,
    "socket_id": 1,
}


def _frame(data: dict[str, Any]) -> dict[str, Any]:
    return {"object": "CH_STATUS", "data": {"evse_id": "BCU1", **data}}


def test_the_reader_table_follows_the_model() -> None:
    names = [f.name for f in fields(ChargePointStatus)][1:]
    assert len(parse_module._STATUS_READERS) == len(names)
    assert {key for key, _read in parse_module._STATUS_READERS} == set(FULL)
    status = FrameParser().status(_frame(FULL))
    # Every field got its own wire value (positions line up).
    assert (status.voltage_phase_1, status.voltage_phase_2, status.voltage_phase_3) == (
        230.0,
        231.0,
        232.0,
    )
    assert (status.current_phase_1, status.current_phase_3) == (10.0, 12.0)
    assert (status.session_energy, status.session_cost) == (3.5, 1.25)
    assert (status.max_usage, status.smart_charging_max_usage, status.max_offline) == (32, 16, 6)
    assert status.activity is Activity.CHARGING
    assert (status.boosting, status.smart_current_heartbeat_timeout, status.socket_id) == (
        False,
        0,
        1,
    )
    assert status.session_started is not None
    assert status.session_stopped is None


def test_a_push_reads_the_same_as_a_fresh_parser() -> None:
    parser = FrameParser()
    parser.status(_frame(FULL))
    pushes = [
        {**FULL, "actual_p1": 9.5, "actual_kwh": 3.6},
        {**FULL, "activity": "available", "stop_datetime": "20260301 11:00:00"},
        {k: v for k, v in FULL.items() if k != "total_cost"},  # a key left out
        {**FULL, "actual_v1": "nan", "max_usage": "abc"},  # unreadable values
    ]
    for push in pushes:
        assert parser.status(_frame(push)) == FrameParser().status(_frame(push)), push


def test_values_nested_too_deep_to_compare_are_read_again() -> None:
    deep: object = 1.0
    for _ in range(5000):
        deep = [deep]
    parser = FrameParser()
    parser.status(_frame({**FULL, "actual_v1": deep}))
    status = parser.status(_frame({**FULL, "actual_v1": deep}))
    assert status.voltage_phase_1 is None
    assert status.voltage_phase_2 == 231.0


def test_a_push_tells_which_fields_changed_from_the_status_it_follows() -> None:
    parser = FrameParser()
    first = parser.status_event(_frame(FULL))
    assert (first.follows, first.changed) == (None, frozenset())  # nothing to compare with
    second = parser.status_event(_frame({**FULL, "actual_p1": 9.5, "actual_kwh": 3.6}))
    assert second.follows is first.status
    assert second.changed == {"current_phase_1", "session_energy"}
    # A wire value that differs but reads the same (32 and "32") is no change.
    third = parser.status_event(
        _frame({**FULL, "actual_p1": 9.5, "actual_kwh": 3.6, "max_usage": "32"})
    )
    assert third.changed == frozenset()
    assert third.status is second.status  # nothing changed: the same status object
    assert third.follows is second.status
