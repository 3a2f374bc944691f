"""The model without a network: clock, charge point states, profiles, budget, verdicts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from simulator.bluecurrent import (
    ChargePoint,
    DelayedCharging,
    ManualClock,
    Outcome,
    wire_time,
)
from simulator.bluecurrent.ratelimit import RequestBudget
from simulator.bluecurrent.verdicts import Verdict, VerdictBook

from .conftest import START, amsterdam


def test_manual_clock_needs_aware_times() -> None:
    with pytest.raises(ValueError, match="aware"):
        ManualClock(datetime(2025, 1, 1))  # noqa: DTZ001
    clock = ManualClock(START)
    with pytest.raises(ValueError, match="aware"):
        clock.set(datetime(2025, 1, 1))  # noqa: DTZ001
    clock.advance(90)
    assert clock() == amsterdam(10, 12, 1).replace(second=30)


def test_wire_time_is_amsterdam_wall_clock() -> None:
    assert wire_time(None) == ""
    assert wire_time(datetime(2025, 7, 1, 10, 0, tzinfo=UTC)) == "20250701 12:00:00"  # CEST
    assert wire_time(datetime(2025, 1, 1, 10, 0, tzinfo=UTC)) == "20250101 11:00:00"  # CET


@pytest.mark.parametrize(
    ("moment", "held"),
    [
        (amsterdam(10, 23), False),  # Monday night, in the window
        (amsterdam(11, 6, 59), False),  # Tuesday morning, still in the window
        (amsterdam(11, 7), True),  # Tuesday, a chosen day: closed from 07:00
        (amsterdam(10, 12), True),
        (amsterdam(16, 12), False),  # Sunday is not chosen: not held at all
        (amsterdam(16, 23), False),
        (amsterdam(17, 3), False),  # Monday before 07:00 is inside the window
    ],
)
def test_a_window_across_midnight(moment: datetime, held: bool) -> None:
    profile = DelayedCharging(enabled=True, days=[1, 2, 3, 4, 5, 6])
    assert profile.holds_back(moment) is held
    assert profile.in_window(moment) is (moment.hour >= 22 or moment.hour < 7)


def test_a_window_within_a_day() -> None:
    profile = DelayedCharging(enabled=True, days=[1], start_time="09:00", end_time="17:00")
    assert not profile.holds_back(amsterdam(10, 9))
    assert profile.holds_back(amsterdam(10, 17))
    assert profile.holds_back(amsterdam(10, 8, 59))
    assert not profile.holds_back(amsterdam(11, 8))  # Tuesday
    assert not DelayedCharging().holds_back(amsterdam(10, 8))  # switched off
    always = DelayedCharging(enabled=True, start_time="00:00", end_time="00:00")
    assert not always.holds_back(amsterdam(12, 15))


def test_plug_and_charge_starts_on_the_default_card() -> None:
    charge_point = ChargePoint(evse_id="BCU1", plug_and_charge=True, clock=ManualClock(START))
    charge_point.plug_in()
    assert charge_point.session_card == "BCU-APP"
    assert charge_point.activity == "charging"
    charge_point.unplug()
    assert (charge_point.vehicle_status, charge_point.charging) == ("A", False)
    assert charge_point.stop_datetime == START


def test_a_blocked_charge_point_does_not_start_on_plug_in() -> None:
    charge_point = ChargePoint(evse_id="BCU1", plug_and_charge=True)
    charge_point.block()
    charge_point.plug_in()
    assert (charge_point.activity, charge_point.charging) == ("unavailable", False)
    charge_point.unblock()
    assert charge_point.activity == "available"


def test_vehicle_faults() -> None:
    charge_point = ChargePoint(evse_id="BCU1")
    with pytest.raises(ValueError, match="ABCDEF"):
        charge_point.set_vehicle_status("G")
    with pytest.raises(ValueError, match="ABCDEF"):
        charge_point.set_vehicle_status("")
    charge_point.set_vehicle_status("F")
    assert charge_point.activity == "error"
    charge_point.start_charging()
    assert charge_point.vehicle_status == "F"  # a fault is not overwritten
    assert charge_point.currents == [0.0, 0.0, 0.0]


def test_the_budget_without_a_limit() -> None:
    budget = RequestBudget(ManualClock(START))
    assert all(budget.spend("t") for _ in range(1000))
    assert budget.used("t") == 1000
    assert not budget.any_exhausted()


def test_the_verdict_book() -> None:
    book = VerdictBook()
    assert book.get("REBOOT") == Verdict()
    book.set("REBOOT", Outcome.REJECTED, 2.5)
    assert book.get("REBOOT") == Verdict(outcome=Outcome.REJECTED, delay=2.5)
    book.clear()
    assert book.get("REBOOT").outcome is Outcome.ACCEPTED


def test_read_only_settings_are_sent_as_read_permission() -> None:
    from simulator.bluecurrent import frames
    from simulator.bluecurrent.model import ChargePoint

    charge_point = ChargePoint(evse_id="BCU1", read_only=True)
    settings = frames.settings(charge_point)["data"]
    assert settings["plug_and_charge"]["permission"] == "read"
    assert settings["public_charging"]["permission"] == "read"
    assert frames.settings(ChargePoint(evse_id="BCU2"))["data"]["plug_and_charge"] == {
        "value": False,
        "permission": "write",
    }
