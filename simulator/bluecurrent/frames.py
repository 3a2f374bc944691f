"""Server-to-client frames, in the exact raw shapes the Blue Current cloud sends."""

from __future__ import annotations

from typing import Any

from .clock import wire_time
from .model import Account, CapacityTariff, Card, ChargePoint, Grid, OverrideSchedule

type Frame = dict[str, Any]

ERROR_MESSAGES = {
    0: "Unknown command",
    1: "Invalid Auth Token",
    2: "Not authorized",
    9: "Unknown error",
    42: "Request limit reached",
}


def _average(values: list[float]) -> float:
    """Mean of the phases in use (zeros skipped), as the cloud and its client compute it."""
    used = [value for value in values if value]
    return round(sum(used) / len(used), 1) if used else 0


def _amperes(current: float) -> float:
    """Whole amperes as integers, as the cloud sends them; a fractional cap to one decimal."""
    whole = round(current)
    return whole if abs(current - whole) < 0.05 else round(current, 1)


def _setting(value: object, *, read_only: bool = False) -> dict[str, object]:
    return {"value": value, "permission": "read" if read_only else "write"}


def card_entry(card: Card) -> Frame:
    """A card as it appears in CHARGE_CARDS."""
    return {
        "uid": card.uid,
        "id": card.card_id,
        "name": card.name,
        "customer_name": card.customer_name,
        "valid": int(card.valid),
        "date_created": card.date_created,
        "date_modified": card.date_modified,
        "date_became_invalid": card.date_became_invalid,
    }


def _default_card(card: Card) -> Frame:
    return {
        "uid": card.uid,
        "id": card.card_id,
        "name": card.name,
        "customer_name": card.customer_name,
    }


def _profile(value: bool, permission: str) -> Frame:
    return {"value": value, "permission": permission}


def delayed_charging(charge_point: ChargePoint) -> Frame:
    """The delayed-charging profile; slimmed to value and permission while off (or hidden)."""
    delayed = charge_point.delayed
    permission = charge_point.permission(delayed)
    if not delayed.enabled or permission == "none":
        return _profile(delayed.enabled, permission)
    held = charge_point.held_by == "delayed_charging"
    return {
        **_profile(True, permission),
        "selected_days": list(delayed.days),  # the write command calls them "days"
        "start_time": delayed.start_time,
        "end_time": delayed.end_time,
        "smart_current_heartbeat_timeout": charge_point.heartbeat_timeout if held else 0,
    }


def price_based_charging(charge_point: ChargePoint) -> Frame:
    """The price-based profile; its settings only while on, under the cloud's read keys."""
    price = charge_point.price_based
    permission = charge_point.permission(price)
    if not price.enabled or permission == "none":
        return _profile(price.enabled, permission)
    return {
        **_profile(True, permission),
        "expected_leave_time": price.expected_departure_time,  # written as ..._departure_time
        "current_battery_pct": price.current_battery_pct,
        "minimum_pct": price.minimum_pct,
        "battery_size_kwh": price.battery_size_kwh,
    }


def capacity_tariff(charge_point: ChargePoint, tariff: CapacityTariff) -> Frame:
    """The capacity tariff and its limit."""
    return {
        **_profile(tariff.enabled, charge_point.permission(tariff)),
        "capacitytariffmaxkwh": tariff.max_kwh,
    }


def _common_settings(charge_point: ChargePoint) -> Frame:
    common: Frame = {
        "evse_id": charge_point.evse_id,
        "model_type": charge_point.model_type,
        "chargepoint_type": charge_point.chargepoint_type,
        "smart_charging": charge_point.smart_charging,
        "plug_and_charge": _setting(charge_point.plug_and_charge, read_only=charge_point.read_only),
        "public_charging": _setting(charge_point.public_charging, read_only=charge_point.read_only),
        "linked_charge_cards_only": not charge_point.public_charging,
        "plug_and_charge_notification": charge_point.plug_and_charge_notification,
        "default_card": _default_card(charge_point.default_card),
        "delayed_charging": delayed_charging(charge_point),
        "price_based_charging": price_based_charging(charge_point),
        "plug_and_charge_charge_card": _default_card(charge_point.plug_and_charge_card),
    }
    if charge_point.capacity_tariff is not None:
        common["capacity_tariff"] = capacity_tariff(charge_point, charge_point.capacity_tariff)
    return common


def charge_point_entry(charge_point: ChargePoint) -> Frame:
    """One entry of CHARGE_POINTS."""
    tariff = charge_point.tariff
    return {
        **_common_settings(charge_point),
        "name": charge_point.name,
        "activity": charge_point.activity,
        "tariff": {
            "tariff_id": tariff.tariff_id,
            "price_ex_vat": tariff.price_ex_vat,
            "start_price_ex_vat": tariff.start_price_ex_vat,
            "price_in_vat": tariff.price_in_vat,
            "start_price_in_vat": tariff.start_price_in_vat,
            "currency": tariff.currency,
            "permission": tariff.permission,
        },
        "publish_location": _setting(charge_point.publish_location),
        "x_coord": charge_point.x_coord,
        "y_coord": charge_point.y_coord,
    }


def charge_points(account: Account) -> Frame:
    """Reply to GET_CHARGE_POINTS."""
    entries = [charge_point_entry(cp) for cp in account.charge_points.values()]
    return {"object": "CHARGE_POINTS", "data": entries}


def status_data(charge_point: ChargePoint) -> Frame:
    """The data of CH_STATUS; also what a tick compares to decide whether to push."""
    amps = [_amperes(current) for current in charge_point.currents]
    volts = list(charge_point.voltages)
    avg_current = _average([float(a) for a in amps])
    avg_voltage = _average(volts)
    limit = charge_point.limit_in_force
    # Under an override schedule the smart-charging limit in force is the capped one.
    smart_limit = (
        charge_point.smartcharging_max_usage if charge_point.override_in_force is None else limit
    )
    return {
        "evse_id": charge_point.evse_id,
        "actual_p1": amps[0],
        "actual_p2": amps[1],
        "actual_p3": amps[2],
        "actual_v1": volts[0],
        "actual_v2": volts[1],
        "actual_v3": volts[2],
        "activity": charge_point.activity,
        "actual_kwh": round(charge_point.actual_kwh, 3),
        "max_usage": charge_point.max_usage,
        "smartcharging_max_usage": smart_limit,
        "max_offline": charge_point.max_offline,
        "offline_since": wire_time(charge_point.offline_since),
        "start_datetime": wire_time(charge_point.start_datetime),
        "stop_datetime": wire_time(charge_point.stop_datetime),
        "total_cost": round(charge_point.total_cost, 2),
        "vehicle_status": charge_point.vehicle_status,
        "avg_voltage": avg_voltage,
        "avg_current": avg_current,
        "current_left": round(limit - avg_current, 1),
        "total_kw": round(sum(a * v for a, v in zip(amps, volts, strict=True)) / 1000, 2),
        "boosting": charge_point.boosting,
        "smart_current_heartbeat_timeout": charge_point.heartbeat_timeout,
        "socket_id": charge_point.socket_id,
    }


def status(charge_point: ChargePoint) -> Frame:
    """CH_STATUS: reply to GET_CH_STATUS and the push on change (top-level evse_id)."""
    return {
        "object": "CH_STATUS",
        "evse_id": charge_point.evse_id,
        "data": status_data(charge_point),
    }


def settings(charge_point: ChargePoint) -> Frame:
    """CH_SETTINGS: reply to GET_CH_SETTINGS and the push after a settings change."""
    data = {
        **_common_settings(charge_point),
        "led_intensity": _setting(charge_point.led_intensity),
        "led_interaction": _setting(charge_point.led_interaction),
    }
    return {"object": "CH_SETTINGS", "data": data}


def grid_status(grid: Grid) -> Frame:
    """GRID_STATUS: phases nested in data, named after the grid, no evse_id."""
    p1, p2, p3 = grid.currents
    return {
        "object": "GRID_STATUS",
        "data": {
            "id": grid.grid_id,
            "grid_actual_p1": p1,
            "grid_actual_p2": p2,
            "grid_actual_p3": p3,
            "grid_max_install": grid.max_install,
            "grid_max_reserved": grid.max_reserved,
            "grid_avg_current": _average([p1, p2, p3]),
            "grid_max_current": max(p1, p2, p3),
        },
    }


def grid_current(grid: Grid) -> Frame:
    """GRID_CURRENT push: flat, with the evse_id of the grid's first charge point."""
    p1, p2, p3 = grid.currents
    return {
        "object": "GRID_CURRENT",
        "evse_id": grid.charge_points[0].evse_id,
        "grid_actual_p1": p1,
        "grid_actual_p2": p2,
        "grid_actual_p3": p3,
    }


def charge_cards(account: Account, limit: int) -> Frame:
    """Reply to GET_CHARGE_CARDS."""
    return {"object": "CHARGE_CARDS", "cards": [card_entry(card) for card in account.cards[:limit]]}


def schedule_entry(schedule: OverrideSchedule) -> Frame:
    """An override-current schedule, days as comma-separated strings."""
    return {
        "schedule_id": str(schedule.schedule_id),
        "charge_points": list(schedule.charge_points),
        "start_time": schedule.start_time,
        "stop_time": schedule.stop_time,
        "override_start_days": ",".join(schedule.start_days),
        "override_end_days": ",".join(schedule.stop_days),
        "override_current": schedule.current,
    }


def schedules(account: Account) -> Frame:
    """Reply to LIST_OVERRIDE_CURRENT."""
    entries = [schedule_entry(schedule) for schedule in account.schedules.values()]
    return {"object": "LIST_OVERRIDE_CURRENT", "data": entries}


def schedule_answer(command: str, schedule: OverrideSchedule, error: str = "") -> Frame:
    """Reply to POST_SET/POST_EDIT_OVERRIDE_CURRENT: the schedule as stored (or as asked)."""
    return {
        "object": command,
        "success": not error,
        "error": error,
        "data": schedule_entry(schedule),
    }


def cleared(schedule_id: str, error: str = "") -> Frame:
    """Reply to POST_CLEAR_OVERRIDE_CURRENT."""
    return {
        "object": "POST_CLEAR_OVERRIDE_CURRENT",
        "success": not error,
        "error": error,
        "schedule_id": schedule_id,
    }


def received(command: str, evse_id: str, error: str = "") -> Frame:
    """RECEIVED_<CMD>: the cloud took the command and passed it on to the charge point."""
    return {
        "object": f"RECEIVED_{command}",
        "success": not error,
        "error": error,
        "evse_id": evse_id,
        "flow_id": "",
    }


def verdict(command: str, evse_id: str, error: str, result: Frame) -> Frame:
    """STATUS_<CMD>: the charge point's answer; error is "" or REJECTED/TIMEOUT."""
    return {
        "object": f"STATUS_{command}",
        "success": not error,
        "flow_id": "",
        "evse_id": evse_id,
        "result": result,
        "error": error,
    }


def setting_result(value: bool) -> Frame:
    """The result of STATUS_SET_PLUG_AND_CHARGE / STATUS_SET_PUBLIC_CHARGING."""
    return {"setting": f"set {str(value).lower()}"}


def api_token_status(account: Account | None) -> Frame:
    """Reply to VALIDATE_API_TOKEN."""
    if account is None:
        return {"object": "STATUS_API_TOKEN", "success": False, "error": ""}
    return {
        "object": "STATUS_API_TOKEN",
        "success": True,
        "token": account.session_token,
        "customer_id": account.customer_id,
    }


def account_info(account: Account) -> Frame:
    """Reply to GET_ACCOUNT."""
    return {
        "object": "ACCOUNT",
        "login": account.email,
        "email": account.email,
        "full_name": account.customer_name,
        "customer_id": account.customer_id,
    }


def error(code: int) -> Frame:
    """ERROR frame with the cloud's message for the code."""
    return {"object": "ERROR", "error": code, "message": ERROR_MESSAGES[code]}


def already_connected() -> Frame:
    """ERROR on a socket the cloud accepted but will not serve, as another connection holds it.

    The code is not documented; clients can only go by the message.
    """
    return {"object": "ERROR", "error": 9, "message": "Already connected"}
