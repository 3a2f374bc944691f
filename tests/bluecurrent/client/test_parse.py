"""Lenient parsing: one unreadable field is dropped (and logged once), the rest is kept."""

from datetime import UTC, datetime, timedelta, timezone
import logging

import pytest

from custom_components.blue_current.api.bluecurrent import (
    Activity,
    BlueCurrentProtocolError,
    ChargePointStatus,
    VehicleStatus,
)
from custom_components.blue_current.api.bluecurrent.parse import CLOUD_TIMEZONE, FrameParser


def _status_frame(**data: object) -> dict[str, object]:
    base: dict[str, object] = {
        "actual_v1": 230,
        "actual_v2": 231,
        "actual_v3": 0,
        "actual_p1": 10,
        "actual_p2": 11,
        "actual_p3": 0,
        "activity": "charging",
        "actual_kwh": 1.5,
        "max_usage": 16,
        "smartcharging_max_usage": 13,
        "max_offline": 6,
        "offline_since": "",
        "start_datetime": "20240101 10:00:00",
        "stop_datetime": "20240101 10:30:00+01:00",
        "total_cost": 1.2,
        "vehicle_status": "C",
        "evse_id": "BCU1",
    }
    base.update(data)
    return {"object": "CH_STATUS", "evse_id": "BCU1", "data": base}


def test_status_derived_values_match_the_reference_library() -> None:
    status = FrameParser().status(_status_frame())
    assert status.average_voltage == 230.5
    assert status.average_current == 10.5
    # The reference library's example: current_left 2.5 with smart charging, total_kw 4.19.
    assert status.current_left(smart_charging=True) == 2.5
    assert status.current_left(smart_charging=False) == 5.5
    assert status.estimated_power_kw == 4.19
    # Real power: 230×10 + 231×11.
    assert status.power == 4841.0
    assert status.vehicle_status is VehicleStatus.READY
    assert status.activity is Activity.CHARGING
    assert status.session_started == datetime(2024, 1, 1, 10, 0, tzinfo=CLOUD_TIMEZONE)
    assert status.session_stopped == datetime(
        2024, 1, 1, 10, 30, tzinfo=timezone(timedelta(hours=1))
    )
    assert status.offline_since is None


@pytest.mark.parametrize(
    ("field", "value", "attribute"),
    [
        ("offline_since", None, "offline_since"),
        ("start_datetime", "yesterday", "session_started"),
        ("vehicle_status", "ready", "vehicle_status"),
        ("activity", "dancing", "activity"),
        ("actual_v1", "high", "voltage_phase_1"),
        ("actual_p1", True, "current_phase_1"),
        ("max_usage", [16], "max_usage"),
    ],
)
def test_bad_field_is_dropped_and_logged_once(
    field: str, value: object, attribute: str, caplog: pytest.LogCaptureFixture
) -> None:
    parser = FrameParser()
    caplog.set_level(logging.WARNING)
    first = parser.status(_status_frame(**{field: value}))
    second = parser.status(_status_frame(**{field: value}))
    assert getattr(first, attribute) is None
    assert first == second
    # Everything else is kept.
    assert first.session_energy == 1.5
    assert first.evse_id == "BCU1"
    warnings = [r for r in caplog.records if field in r.getMessage()]
    assert len(warnings) == (0 if value is None else 1)


def test_iso_timestamp_is_understood() -> None:
    status = FrameParser().status(_status_frame(start_datetime="2024-05-01T08:00:00+00:00"))
    assert status.session_started == datetime(2024, 5, 1, 8, tzinfo=UTC)
    naive = FrameParser().status(_status_frame(start_datetime="2024-05-01T10:00:00"))
    assert naive.session_started == datetime(2024, 5, 1, 10, tzinfo=CLOUD_TIMEZONE)


def test_status_without_identity_is_refused() -> None:
    parser = FrameParser()
    with pytest.raises(BlueCurrentProtocolError):
        parser.status({"object": "CH_STATUS", "data": {"activity": "charging"}})
    with pytest.raises(BlueCurrentProtocolError):
        parser.status({"object": "CH_STATUS", "evse_id": "BCU1", "data": "nope"})
    # The evse id inside data is enough.
    assert parser.status({"object": "CH_STATUS", "data": {"evse_id": "X"}}).evse_id == "X"


def test_power_and_averages_when_idle_or_unknown() -> None:
    idle = FrameParser().status(_status_frame(actual_p1=0, actual_p2=0, actual_v3=0))
    assert idle.average_current == 0.0
    assert idle.power == 0.0
    empty = ChargePointStatus(evse_id="X")
    assert empty.power is None
    assert empty.average_voltage is None
    assert empty.estimated_power_kw is None
    assert empty.current_left(smart_charging=False) is None


def test_settings_objects_and_bare_booleans() -> None:
    parser = FrameParser()
    settings = parser.settings(
        {
            "plug_and_charge": {"value": True, "permission": "read"},
            "public_charging": {"value": True, "permission": "write"},
            "smart_charging": 1,
            "led_intensity": {"value": 40, "permission": "write"},
            "led_interaction": {"value": False},
            "delayed_charging": "yes",
        }
    )
    assert settings.plug_and_charge is not None
    assert settings.plug_and_charge.value is True
    assert settings.plug_and_charge.writable is False
    # public charging on means: not only linked cards.
    assert settings.linked_charge_cards_only is not None
    assert settings.linked_charge_cards_only.value is False
    assert settings.smart_charging is True
    assert settings.led_intensity == 40
    assert settings.led_interaction is False
    assert settings.delayed_charging is None
    flat = parser.settings({"linked_charge_cards_only": True, "plug_and_charge": False})
    assert flat.linked_charge_cards_only is not None
    assert flat.linked_charge_cards_only.value is True
    assert flat.plug_and_charge is not None
    assert flat.plug_and_charge.value is False


def test_charge_point_entry_and_cards() -> None:
    parser = FrameParser()
    cp = parser.charge_point(
        {
            "evse_id": "BCU100186",
            "name": "",
            "model_type": "U:MOVE22",
            "chargepoint_type": "UMOVE",
            "activity": "offline",
            "smart_charging": False,
            "default_card": {"uid": "BCU-APP", "id": "BCU-APP", "name": "", "customer_name": ""},
            "tariff": {"tariff_id": "T1", "price_in_vat": 0.2613, "currency": "EUR"},
            "x_coord": 50.8,
            "y_coord": "4.3",
        }
    )
    assert cp is not None
    assert cp.name == ""
    assert cp.activity is Activity.OFFLINE
    assert cp.tariff is not None
    assert cp.tariff.price_in_vat == 0.2613
    assert cp.tariff.price_ex_vat is None
    assert cp.default_card is not None
    assert cp.default_card.uid == "BCU-APP"
    assert (cp.latitude, cp.longitude) == (50.8, 4.3)
    assert parser.charge_point({"name": "no id"}) is None
    assert parser.card({"id": "no uid"}) is None
    card = parser.card({"uid": "AB12", "valid": 0})
    assert card is not None
    assert (card.card_id, card.name, card.valid) == ("AB12", "", False)


def test_grid_frames() -> None:
    parser = FrameParser()
    grid = parser.grid_status(
        {
            "object": "GRID_STATUS",
            "data": {
                "id": "GRID-BCU1",
                "grid_actual_p1": 1,
                "grid_actual_p2": 2,
                "grid_actual_p3": 4,
                "grid_max_install": 40,
                "grid_max_reserved": 25,
            },
        }
    )
    assert grid.average_current == 2.3
    assert grid.max_current == 4
    assert (grid.max_installed, grid.max_reserved) == (40, 25)
    with pytest.raises(BlueCurrentProtocolError):
        parser.grid_status({"object": "GRID_STATUS", "data": {"grid_actual_p1": 1}})
    current = parser.grid_current({"evse_id": "BCU1", "grid_actual_p1": None, "grid_actual_p2": 3})
    assert (current.current_phase_1, current.current_phase_2) == (None, 3)
    with pytest.raises(BlueCurrentProtocolError):
        parser.grid_current({"grid_actual_p1": 1})


def test_override_schedules() -> None:
    parser = FrameParser()
    schedule = parser.override_schedule(
        {
            "schedule_id": 7,
            "charge_points": ["BCU1"],
            "start_time": "08:00",
            "stop_time": "18:00",
            "override_start_days": "MO, TU",
            "override_end_days": ["TU"],
            "override_current": 6,
        }
    )
    assert schedule is not None
    assert schedule.schedule_id == "7"
    assert schedule.start_days == ("MO", "TU")
    assert schedule.stop_days == ("TU",)
    assert schedule.current == 6.0
    assert parser.override_schedule({"start_time": "08:00"}) is None
    odd = parser.override_schedule({"schedule_id": "1", "charge_points": "BCU1"})
    assert odd is not None
    assert (odd.charge_points, odd.start_days) == ((), ())


def test_timestamp_cache_is_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    from custom_components.blue_current.api.bluecurrent import parse

    monkeypatch.setattr(parse, "_TIMESTAMP_CACHE_SIZE", 1)
    parser = FrameParser()
    first = parser.status(_status_frame(start_datetime="20240101 10:00:00"))
    second = parser.status(_status_frame(start_datetime="20240102 10:00:00"))
    assert first.session_started == datetime(2024, 1, 1, 10, tzinfo=CLOUD_TIMEZONE)
    assert second.session_started == datetime(2024, 1, 2, 10, tzinfo=CLOUD_TIMEZONE)
    assert len(parser._timestamps) == 1
