"""Key sets every frame must carry: the seeds' examples plus the protocol reference."""

CHARGE_POINT_KEYS = {
    "evse_id",
    "name",
    "model_type",
    "chargepoint_type",
    "activity",
    "smart_charging",
    "plug_and_charge",
    "public_charging",
    "linked_charge_cards_only",
    "plug_and_charge_notification",
    "default_card",
    "tariff",
    "publish_location",
    "x_coord",
    "y_coord",
    "delayed_charging",
    "price_based_charging",
    "capacity_tariff",
    "plug_and_charge_charge_card",
}
TARIFF_KEYS = {
    "tariff_id",
    "price_ex_vat",
    "start_price_ex_vat",
    "price_in_vat",
    "start_price_in_vat",
    "currency",
    "permission",
}
DEFAULT_CARD_KEYS = {"uid", "id", "name", "customer_name"}
STATUS_KEYS = {
    "evse_id",
    "actual_p1",
    "actual_p2",
    "actual_p3",
    "actual_v1",
    "actual_v2",
    "actual_v3",
    "activity",
    "actual_kwh",
    "max_usage",
    "smartcharging_max_usage",
    "max_offline",
    "offline_since",
    "start_datetime",
    "stop_datetime",
    "total_cost",
    "vehicle_status",
    "avg_voltage",
    "avg_current",
    "current_left",
    "total_kw",
    "boosting",
    "smart_current_heartbeat_timeout",
    "socket_id",
}
SETTINGS_KEYS = {
    "evse_id",
    "model_type",
    "chargepoint_type",
    "plug_and_charge",
    "public_charging",
    "linked_charge_cards_only",
    "smart_charging",
    "plug_and_charge_notification",
    "default_card",
    "led_intensity",
    "led_interaction",
    "delayed_charging",
    "price_based_charging",
    "capacity_tariff",
    "plug_and_charge_charge_card",
}
# A smart-charging profile that is off (or hidden) is slimmed to these.
PROFILE_OFF_KEYS = {"value", "permission"}
DELAYED_KEYS = {
    "value",
    "permission",
    "selected_days",
    "start_time",
    "end_time",
    "smart_current_heartbeat_timeout",
}
PRICE_BASED_KEYS = {
    "value",
    "permission",
    "expected_leave_time",
    "current_battery_pct",
    "minimum_pct",
    "battery_size_kwh",
}
CAPACITY_TARIFF_KEYS = {"value", "permission", "capacitytariffmaxkwh"}
GRID_STATUS_KEYS = {
    "id",
    "grid_actual_p1",
    "grid_actual_p2",
    "grid_actual_p3",
    "grid_max_install",
    "grid_max_reserved",
    "grid_avg_current",
    "grid_max_current",
}
GRID_CURRENT_KEYS = {"object", "evse_id", "grid_actual_p1", "grid_actual_p2", "grid_actual_p3"}
CARD_KEYS = {
    "uid",
    "id",
    "name",
    "customer_name",
    "valid",
    "date_created",
    "date_modified",
    "date_became_invalid",
}
SCHEDULE_KEYS = {
    "schedule_id",
    "charge_points",
    "start_time",
    "stop_time",
    "override_start_days",
    "override_end_days",
    "override_current",
}
VERDICT_KEYS = {"object", "success", "flow_id", "evse_id", "result", "error"}
