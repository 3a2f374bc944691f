"""Smart-charging read-back: profiles, capacity tariff, plug-and-charge card, status fields.

Every field is optional: its absence leaves what parsed before untouched, and an unreadable
value is dropped (and logged once) while the rest of the frame is kept.
"""

from __future__ import annotations

from datetime import time
import logging
from typing import Any

import pytest

from custom_components.blue_current.api.bluecurrent import (
    HOME_USE_CARD_UID,
    CapacityTariff,
    ChargePointSettings,
    DelayedChargingSchedule,
    PriceBasedChargingSettings,
    Setting,
)
from custom_components.blue_current.api.bluecurrent.parse import FrameParser

# What the cloud sends with delayed charging on (the shape another client of the backend saw).
SETTINGS: dict[str, Any] = {
    "evse_id": "BCU123456",
    "plug_and_charge": {"value": True, "permission": "write"},
    "public_charging": {"value": False, "permission": "write"},
    "smart_charging": True,
    "delayed_charging": {
        "value": True,
        "permission": "write",
        "selected_days": [1, 2, 3, 4, 5],
        "start_time": "23:00",
        "end_time": "07:00",
        "smart_current_heartbeat_timeout": 0,
    },
    "price_based_charging": {"value": False, "permission": "read"},
    "capacity_tariff": {"value": True, "permission": "write", "capacitytariffmaxkwh": 4.0},
    "plug_and_charge_charge_card": {
        "customer_name": "Your Name",
        "id": "BCU_HOME_USE",
        "uid": "BCU_HOME_USE",
    },
}

LEGACY_SETTINGS: dict[str, Any] = {
    "evse_id": "BCU1",
    "plug_and_charge": {"value": False, "permission": "write"},
    "public_charging": {"value": True, "permission": "write"},
    "smart_charging": False,
    "led_intensity": {"value": 50, "permission": "write"},
    "led_interaction": {"value": True, "permission": "write"},
}

STATUS: dict[str, Any] = {
    "evse_id": "BCU1",
    "actual_v1": 230,
    "actual_v2": 230,
    "actual_v3": 230,
    "actual_p1": 0,
    "actual_p2": 0,
    "actual_p3": 0,
    "activity": "delayed",
    "actual_kwh": 0,
    "max_usage": 16,
    "smartcharging_max_usage": 13,
    "offline_since": "",
    "start_datetime": "20250310 12:00:00",
    "stop_datetime": "",
    "total_cost": 0,
    "vehicle_status": "C",
}


def _status(**data: object) -> dict[str, object]:
    return {"object": "CH_STATUS", "evse_id": "BCU1", "data": {**STATUS, **data}}


def test_delayed_charging_on_reads_its_window() -> None:
    settings = FrameParser().settings(SETTINGS)
    assert settings.delayed_charging == Setting(value=True, writable=True)
    assert settings.delayed_charging_schedule == DelayedChargingSchedule(
        days=(1, 2, 3, 4, 5), start_time=time(23, 0), end_time=time(7, 0)
    )


def test_a_profile_that_is_off_reads_as_an_empty_window() -> None:
    # Off, the cloud slims the profile to value and permission: the old window no longer applies.
    settings = FrameParser().settings(SETTINGS)
    assert settings.price_based_charging == Setting(value=False, writable=False)
    assert settings.price_based_charging_settings == PriceBasedChargingSettings()
    slim = FrameParser().settings({"delayed_charging": {"value": False, "permission": "none"}})
    assert slim.delayed_charging == Setting(value=False, writable=False)
    assert slim.delayed_charging_schedule == DelayedChargingSchedule()


def test_capacity_tariff_and_plug_and_charge_card() -> None:
    settings = FrameParser().settings(SETTINGS)
    assert settings.capacity_tariff == CapacityTariff(enabled=True, writable=True, max_kwh=4.0)
    card = settings.plug_and_charge_charge_card
    assert card is not None
    assert card.uid == HOME_USE_CARD_UID
    assert card.customer_name == "Your Name"
    never_set = FrameParser().settings({"capacity_tariff": {"value": False, "permission": "read"}})
    assert never_set.capacity_tariff == CapacityTariff(enabled=False, writable=False)


@pytest.mark.parametrize(
    ("profile", "expected"),
    [
        (
            # The older read keys.
            {
                "expected_leave_time": "07:30",
                "expected_kwh": 30.5,
                "minimum_kwh": 10,
                "battery_size_kwh": 77.5,
            },
            PriceBasedChargingSettings(
                expected_departure_time=time(7, 30),
                expected_kwh=30.5,
                minimum_kwh=10.0,
                battery_size_kwh=77.5,
            ),
        ),
        (
            # The PATCH's own names, read back as written.
            {
                "expected_departure_time": "06:45",
                "current_battery_pct": 20,
                "minimum_pct": 30,
                "battery_size_kwh": 60,
            },
            PriceBasedChargingSettings(
                expected_departure_time=time(6, 45),
                current_battery_pct=20,
                minimum_pct=30,
                battery_size_kwh=60.0,
            ),
        ),
        (
            # The library's payload field names.
            {"current_battery_percentage": 55.4, "minimum_percentage": 40.0},
            PriceBasedChargingSettings(current_battery_pct=55, minimum_pct=40),
        ),
    ],
    ids=["read keys", "write keys", "library names"],
)
def test_price_based_settings_under_either_spelling(
    profile: dict[str, object], expected: PriceBasedChargingSettings
) -> None:
    raw = {"price_based_charging": {"value": True, "permission": "write", **profile}}
    settings = FrameParser().settings(raw)
    assert settings.price_based_charging == Setting(value=True, writable=True)
    assert settings.price_based_charging_settings == expected


@pytest.mark.parametrize("days", ["[1,2,7]", "7,2,1", [7, 1, 2, 2]])
def test_days_as_the_write_command_spells_them(days: object) -> None:
    raw = {"delayed_charging": {"value": True, "days": days, "start_time": "13:00:00"}}
    schedule = FrameParser().settings(raw).delayed_charging_schedule
    assert schedule == DelayedChargingSchedule(days=(1, 2, 7), start_time=time(13, 0))


def test_absence_changes_nothing() -> None:
    parser = FrameParser()
    settings = parser.settings(LEGACY_SETTINGS)
    assert settings == ChargePointSettings(
        plug_and_charge=Setting(value=False, writable=True),
        linked_charge_cards_only=Setting(value=False, writable=True),
        smart_charging=False,
        led_intensity=50,
        led_interaction=True,
    )
    status = parser.status(_status())
    assert (status.boosting, status.smart_current_heartbeat_timeout, status.socket_id) == (
        None,
        None,
        None,
    )
    entry = parser.charge_point({**LEGACY_SETTINGS, "name": "Driveway"})
    assert entry is not None
    assert entry.settings == settings


def test_status_smart_charging_fields() -> None:
    status = FrameParser().status(
        _status(boosting=True, smart_current_heartbeat_timeout=300, socket_id=1)
    )
    assert status.boosting is True
    assert status.smart_current_heartbeat_timeout == 300
    assert status.socket_id == 1
    # The reference library's 0/1 flags and a null (no information) are understood too.
    idle = FrameParser().status(_status(boosting=0, smart_current_heartbeat_timeout=None))
    assert (idle.boosting, idle.smart_current_heartbeat_timeout) == (False, None)


@pytest.mark.parametrize(
    ("profile", "field", "logged"),
    [
        ({"selected_days": "weekdays"}, "days", "selected_days"),
        ({"selected_days": [0, 8]}, "days", "selected_days"),
        ({"selected_days": [True]}, "days", "selected_days"),
        ({"selected_days": 5}, "days", "selected_days"),
        ({"start_time": "25:00"}, "start_time", "start_time"),
        ({"start_time": 2300}, "start_time", "start_time"),
        ({"end_time": "soon"}, "end_time", "end_time"),
    ],
)
def test_a_bad_window_field_is_dropped_and_logged_once(
    profile: dict[str, object], field: str, logged: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    parser = FrameParser()
    raw = {"delayed_charging": {**SETTINGS["delayed_charging"], **profile}}
    first = parser.settings(raw).delayed_charging_schedule
    second = parser.settings(raw).delayed_charging_schedule
    assert first == second
    assert first is not None
    assert getattr(first, field) is None
    # The rest of the window is kept.
    kept = {"days": (1, 2, 3, 4, 5), "start_time": time(23, 0), "end_time": time(7, 0)}
    for name, value in kept.items():
        if name != field:
            assert getattr(first, name) == value
    assert len([r for r in caplog.records if logged in r.getMessage()]) == 1


@pytest.mark.parametrize(
    ("raw", "logged"),
    [
        ({"delayed_charging": "yes"}, "delayed_charging"),
        ({"price_based_charging": ["on"]}, "price_based_charging"),
        ({"capacity_tariff": True}, "capacity_tariff"),
        ({"plug_and_charge_charge_card": {"id": "no uid"}}, "charge card"),
    ],
)
def test_an_unreadable_object_is_dropped_and_logged_once(
    raw: dict[str, object], logged: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    parser = FrameParser()
    settings = parser.settings({**LEGACY_SETTINGS, **raw})
    parser.settings({**LEGACY_SETTINGS, **raw})
    assert settings.delayed_charging_schedule is None
    assert settings.price_based_charging_settings is None
    assert settings.capacity_tariff is None
    assert settings.plug_and_charge_charge_card is None
    assert settings.led_intensity == 50  # the rest is kept
    assert len([r for r in caplog.records if logged in r.getMessage()]) == 1


def test_bad_price_based_and_tariff_numbers_are_dropped(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    raw = {
        "price_based_charging": {
            "value": True,
            "permission": "write",
            "expected_leave_time": "at eight",
            "minimum_pct": "lots",
            "battery_size_kwh": 60,
        },
        "capacity_tariff": {"value": True, "permission": "write", "capacitytariffmaxkwh": "x"},
    }
    settings = FrameParser().settings(raw)
    assert settings.price_based_charging_settings == PriceBasedChargingSettings(
        battery_size_kwh=60.0
    )
    assert settings.capacity_tariff == CapacityTariff(enabled=True, writable=True)
    messages = " ".join(r.getMessage() for r in caplog.records)
    for key in ("expected_leave_time", "minimum_pct", "capacitytariffmaxkwh"):
        assert key in messages


@pytest.mark.parametrize(
    ("field", "value", "attribute"),
    [
        ("boosting", "maybe", "boosting"),
        ("smart_current_heartbeat_timeout", "long", "smart_current_heartbeat_timeout"),
        ("socket_id", [1], "socket_id"),
    ],
)
def test_a_bad_status_field_is_dropped_and_logged_once(
    field: str, value: object, attribute: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING)
    parser = FrameParser()
    first = parser.status(_status(**{field: value}))
    second = parser.status(_status(**{field: value}))
    assert getattr(first, attribute) is None
    assert first == second
    assert first.activity == "delayed"  # the rest is kept
    assert len([r for r in caplog.records if field in r.getMessage()]) == 1
