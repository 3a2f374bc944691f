"""Turn raw cloud frames into models, leniently.

A field that cannot be read becomes None and is reported once per field and problem; the
rest of the frame is kept. Only a frame without the keys that identify it is refused.
Nothing here raises anything but BlueCurrentProtocolError, whatever the frame holds:
numbers must be finite, identifiers must be text or integers, and logged values are cut short.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import fields
from datetime import UTC, datetime, time
import json
import logging
import math
import reprlib
from typing import Any
from zoneinfo import ZoneInfo

from .errors import BlueCurrentProtocolError
from .models import (
    VEHICLE_STATUS_BY_LETTER,
    Activity,
    CapacityTariff,
    ChargeCard,
    ChargePoint,
    ChargePointSettings,
    ChargePointStatus,
    DelayedChargingSchedule,
    GridCurrentEvent,
    GridStatus,
    OverrideSchedule,
    PriceBasedChargingSettings,
    Setting,
    StatusEvent,
    Tariff,
    VehicleStatus,
)

_LOGGER = logging.getLogger(__name__)
_ABSENT = object()

# The cloud's timestamps are Amsterdam wall-clock time unless they carry an offset.
CLOUD_TIMEZONE = ZoneInfo("Europe/Amsterdam")
# The ways a timestamp is written, in the order tried; a moment without an offset is the cloud's.
_TIMESTAMP_READERS: tuple[Callable[[str], datetime], ...] = (
    lambda text: datetime.strptime(text, "%Y%m%d %H:%M:%S%z"),
    lambda text: datetime.strptime(text, "%Y%m%d %H:%M:%S").replace(tzinfo=CLOUD_TIMEZONE),
    datetime.fromisoformat,
)
_TIMESTAMP_CACHE_SIZE = 4096  # a few per charge point; cleared when full
_TIMESTAMP_MAX_LENGTH = 40  # longer text is no timestamp: neither parsed nor cached
_STATUS_MEMORY_SIZE = 10_000  # charge points whose last status is kept; cleared when full
EXCERPT_LENGTH = 200  # characters of a received value that a log line or error may show

# Depth and width limits keep a nested value's excerpt short and its making shallow.
_EXCERPT = reprlib.Repr(
    maxlevel=3,
    maxtuple=6,
    maxlist=6,
    maxdict=6,
    maxset=6,
    maxstring=EXCERPT_LENGTH,
    maxlong=40,
    maxother=EXCERPT_LENGTH,
)

type Raw = Mapping[str, Any]

_ACTIVITIES = {activity.value: activity for activity in Activity}


def excerpt(value: object) -> str:
    """A received value as logs and errors show it: its repr, cut to about 200 characters."""
    text = _EXCERPT.repr(value)
    return text if len(text) <= EXCERPT_LENGTH else text[:EXCERPT_LENGTH] + "…"


def identifier(value: object) -> str | None:
    """An id (evse_id, uid, ...) as text: only a non-empty string or an integer is one."""
    if isinstance(value, str):
        return value or None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None


class FrameParser:
    """Parses frames; remembers which problems it already logged."""

    def __init__(self) -> None:
        """Start with nothing reported."""
        self._reported: set[tuple[str, str]] = set()
        self._timestamps: dict[str, datetime | None] = {}
        # Per charge point: its last CH_STATUS data and the field values read from it.
        # evse_id -> its last CH_STATUS data, the values read from it, the status made of them
        self._statuses: dict[str, tuple[Raw, list[Any], ChargePointStatus]] = {}

    def _report(self, field: str, problem: str, value: object) -> None:
        if (field, problem) in self._reported:
            return
        self._reported.add((field, problem))
        _LOGGER.warning("Ignoring %s from Blue Current: %s (%s)", field, problem, excerpt(value))

    # Field readers.

    def number(self, raw: Raw, key: str) -> float | None:
        """A finite number, or None when absent or not numeric; NaN and infinity are not numbers."""
        value = raw.get(key)
        if type(value) is float and value - value == 0.0:
            return value  # the common case, finite (inf - inf and nan - nan are nan)
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self._report(key, "not a number", value)
            return None
        try:
            number = float(value)
        except ValueError:
            self._report(key, "not a number", value)
            return None
        except OverflowError:  # an integer beyond the range of a float
            number = math.inf
        if not math.isfinite(number):
            self._report(key, "not a finite number", value)
            return None
        return number

    def text(self, raw: Raw, key: str) -> str | None:
        """A string, or None."""
        value = raw.get(key)
        if value is None:
            return None
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return str(value)
        self._report(key, "not text", value)
        return None

    def flag(self, raw: Raw, key: str) -> bool | None:
        """A boolean, or None (0/1 are accepted, as some payloads use them)."""
        value = raw.get(key)
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        if value in (0, 1):
            return bool(value)
        self._report(key, "not a boolean", value)
        return None

    def setting(self, raw: Raw, key: str, *, invert: bool = False) -> Setting | None:
        """A {"value", "permission"} object, or a bare boolean (then assumed writable)."""
        value = raw.get(key)
        if value is None:
            return None
        if isinstance(value, Mapping):
            state = self.flag(value, "value")
            if state is None:
                return None
            writable = value.get("permission", "write") == "write"
        elif isinstance(value, bool):
            state, writable = value, True
        else:
            self._report(key, "not a setting", value)
            return None
        return Setting(value=state != invert, writable=writable)

    def timestamp(self, raw: Raw, key: str) -> datetime | None:
        """The wire format "YYYYMMDD HH:MM:SS[+HH:MM]" or ISO 8601; "" and null are None."""
        value = raw.get(key)
        if value is None or value == "":
            return None
        if not isinstance(value, str) or len(value) > _TIMESTAMP_MAX_LENGTH:
            self._report(key, "not a timestamp", value)
            return None
        # Every status repeats the session's timestamps: parse each text once.
        if value not in self._timestamps:
            if len(self._timestamps) >= _TIMESTAMP_CACHE_SIZE:
                self._timestamps.clear()
            self._timestamps[value] = self._parse_timestamp(key, value)
        return self._timestamps[value]

    def _parse_timestamp(self, key: str, value: str) -> datetime | None:
        for read in _TIMESTAMP_READERS:
            try:
                parsed = read(value)
            except ValueError:
                continue
            moment = parsed if parsed.tzinfo else parsed.replace(tzinfo=CLOUD_TIMEZONE)
            try:
                moment.astimezone(UTC)
            except OverflowError:  # e.g. 0001-01-01 east of Greenwich: before datetime.min
                break
            return moment
        self._report(key, "not a timestamp", value)
        return None

    def activity(self, raw: Raw) -> Activity | None:
        """The activity, None for a value we do not know."""
        value = raw.get("activity")
        if value is None:
            return None
        activity = _ACTIVITIES.get(value) if isinstance(value, str) else None
        if activity is None:
            self._report("activity", "unknown value", value)
        return activity

    def vehicle_status(self, raw: Raw) -> VehicleStatus | None:
        """The vehicle status letter, mapped; None for an unknown letter."""
        value = raw.get("vehicle_status")
        if value is None or value == "":
            return None
        status = VEHICLE_STATUS_BY_LETTER.get(value) if isinstance(value, str) else None
        if status is None:
            self._report("vehicle_status", "unknown value", value)
        return status

    # Whole objects.

    def card(self, raw: object) -> ChargeCard | None:
        """A charge card; None when it has no uid."""
        uid = identifier(raw.get("uid")) if isinstance(raw, dict) else None
        if uid is None or not isinstance(raw, dict):
            self._report("charge card", "no uid", raw)
            return None
        valid = raw.get("valid", 1)
        return ChargeCard(
            uid=uid,
            card_id=self.text(raw, "id") or uid,
            name=self.text(raw, "name") or "",
            customer_name=self.text(raw, "customer_name") or "",
            valid=bool(valid) if isinstance(valid, bool | int) else True,
        )

    def settings(self, raw: Raw) -> ChargePointSettings:
        """The settings found in a CHARGE_POINTS entry or a CH_SETTINGS payload."""
        led = raw.get("led_intensity")
        interaction = raw.get("led_interaction")
        linked = self.setting(raw, "public_charging", invert=True)
        if linked is None:
            linked = self.setting(raw, "linked_charge_cards_only")
        return ChargePointSettings(
            plug_and_charge=self.setting(raw, "plug_and_charge"),
            linked_charge_cards_only=linked,
            smart_charging=self.flag(raw, "smart_charging"),
            delayed_charging=self.setting(raw, "delayed_charging"),
            price_based_charging=self.setting(raw, "price_based_charging"),
            delayed_charging_schedule=self.delayed_charging_schedule(raw),
            price_based_charging_settings=self.price_based_charging_settings(raw),
            capacity_tariff=self.capacity_tariff(raw),
            plug_and_charge_charge_card=self.plug_and_charge_card(raw),
            publish_location=self.setting(raw, "publish_location"),
            plug_and_charge_notification=self.flag(raw, "plug_and_charge_notification"),
            led_intensity=_whole(self.number(led, "value")) if isinstance(led, Mapping) else None,
            led_interaction=self.flag(interaction, "value")
            if isinstance(interaction, Mapping)
            else None,
        )

    def charge_point(self, raw: object) -> ChargePoint | None:
        """A CHARGE_POINTS entry; None when it has no evse_id."""
        evse_id = identifier(raw.get("evse_id")) if isinstance(raw, dict) else None
        if evse_id is None or not isinstance(raw, dict):
            self._report("charge point", "no evse_id", raw)
            return None
        tariff = raw.get("tariff")
        default_card = raw.get("default_card")
        return ChargePoint(
            evse_id=evse_id,
            name=self.text(raw, "name") or "",
            model_type=self.text(raw, "model_type"),
            chargepoint_type=self.text(raw, "chargepoint_type"),
            activity=self.activity(raw),
            settings=self.settings(raw),
            tariff=self.tariff(tariff) if isinstance(tariff, Mapping) else None,
            default_card=self.card(default_card) if default_card else None,
            latitude=self.number(raw, "x_coord"),
            longitude=self.number(raw, "y_coord"),
        )

    def tariff(self, raw: Raw) -> Tariff:
        """A charge point's tariff."""
        return Tariff(
            tariff_id=self.text(raw, "tariff_id"),
            price_ex_vat=self.number(raw, "price_ex_vat"),
            price_in_vat=self.number(raw, "price_in_vat"),
            start_price_ex_vat=self.number(raw, "start_price_ex_vat"),
            start_price_in_vat=self.number(raw, "start_price_in_vat"),
            currency=self.text(raw, "currency"),
        )

    def status(self, frame: Raw) -> ChargePointStatus:
        """A CH_STATUS frame's status."""
        return self.status_event(frame).status

    def status_event(self, frame: Raw) -> StatusEvent:
        """A CH_STATUS frame, with the fields that differ from the charge point's last one.

        A charge point repeats most of its status in every push: only the wire keys whose
        value differs from its previous push are read again, the rest is taken from the
        status read then (a field's value depends on its wire value alone). A push that
        changes nothing gives the previous status object itself.
        """
        data = frame.get("data")
        if not isinstance(data, dict):
            raise BlueCurrentProtocolError("CH_STATUS without data")
        evse_id = identifier(frame.get("evse_id")) or identifier(data.get("evse_id"))
        if evse_id is None:
            raise BlueCurrentProtocolError("CH_STATUS without evse_id")
        previous = self._statuses.get(evse_id)
        if previous is None:
            values = [read(self, data) for read in _STATUS_READ]
            status = ChargePointStatus(evse_id, *values)
            event = StatusEvent(status)
        else:
            before, values, follows = previous
            try:
                values, changed = self._read_changed(data, before, values)
            except RecursionError:  # comparing values nested absurdly deep: read them all
                values = [read(self, data) for read in _STATUS_READ]
                status = ChargePointStatus(evse_id, *values)
                event = StatusEvent(status)
            else:
                status = ChargePointStatus(evse_id, *values) if changed else follows
                event = StatusEvent(status, follows, changed)
        if len(self._statuses) >= _STATUS_MEMORY_SIZE:
            self._statuses.clear()
        # Kept as received: a decoded frame is never changed after it was read.
        self._statuses[evse_id] = (data, values, status)
        return event

    def _read_changed(
        self, data: Raw, before: Raw, values: list[Any]
    ) -> tuple[list[Any], frozenset[str]]:
        """The values with the changed wire keys read again, and the fields that changed."""
        # One lookup per key of the new frame: the cheapest diff we measured (a set
        # difference of the items hashes every pair of both frames).
        was = before.get
        keys = [key for key, value in data.items() if was(key, _ABSENT) != value]
        if len(data) != len(before) or any(key not in before for key in keys):
            keys.extend(before.keys() - data.keys())  # keys the new frame left out
        changed: list[str] = []
        for key in keys:
            index = _STATUS_INDEX.get(key)
            if index is None:
                continue
            value = _STATUS_READ[index](self, data)
            if value != values[index]:
                if not changed:
                    values = values.copy()
                values[index] = value
                changed.append(_STATUS_FIELDS[index])
        return values, frozenset(changed)

    def grid_status(self, frame: Raw) -> GridStatus:
        """A GRID_STATUS frame (phases nested in data)."""
        data = frame.get("data")
        grid_id = identifier(data.get("id")) if isinstance(data, dict) else None
        if grid_id is None or not isinstance(data, dict):
            raise BlueCurrentProtocolError("GRID_STATUS without data or id")
        n = self.number
        return GridStatus(
            grid_id=grid_id,
            current_phase_1=n(data, "grid_actual_p1"),
            current_phase_2=n(data, "grid_actual_p2"),
            current_phase_3=n(data, "grid_actual_p3"),
            max_installed=n(data, "grid_max_install"),
            max_reserved=n(data, "grid_max_reserved"),
        )

    def grid_current(self, frame: Raw) -> GridCurrentEvent:
        """A GRID_CURRENT push (flat, identified by a charge point)."""
        evse_id = identifier(frame.get("evse_id"))
        if evse_id is None:
            raise BlueCurrentProtocolError("GRID_CURRENT without evse_id")
        n = self.number
        return GridCurrentEvent(
            evse_id=evse_id,
            current_phase_1=n(frame, "grid_actual_p1"),
            current_phase_2=n(frame, "grid_actual_p2"),
            current_phase_3=n(frame, "grid_actual_p3"),
        )

    def override_schedule(self, raw: object) -> OverrideSchedule | None:
        """One override-current schedule; None when it has no id."""
        schedule_id = identifier(raw.get("schedule_id")) if isinstance(raw, dict) else None
        if schedule_id is None or not isinstance(raw, dict):
            self._report("override schedule", "no schedule_id", raw)
            return None
        charge_points = raw.get("charge_points")
        return OverrideSchedule(
            schedule_id=schedule_id,
            charge_points=_identifiers(charge_points),
            start_time=self.text(raw, "start_time") or "",
            stop_time=self.text(raw, "stop_time") or "",
            start_days=_days(raw.get("override_start_days")),
            stop_days=_days(raw.get("override_end_days")),
            current=self.number(raw, "override_current") or 0.0,
        )

    # Smart charging read-back: every field optional, every key spelling the cloud used.

    def whole_number(self, raw: Raw, key: str) -> int | None:
        """A number rounded to a whole one, or None."""
        value = self.number(raw, key)
        return None if value is None else round(value)

    def clock_time(self, raw: Raw, *keys: str) -> time | None:
        """An "HH:MM" (or "HH:MM:SS") time under the first of the keys present, or None."""
        key = next((k for k in keys if raw.get(k) not in (None, "")), None)
        if key is None:
            return None
        value = raw[key]
        if isinstance(value, str):
            try:
                return time.fromisoformat(value.strip())
            except ValueError:
                pass
        self._report(key, "not a time of day", value)
        return None

    def weekdays(self, raw: Raw, *keys: str) -> tuple[int, ...] | None:
        """ISO weekdays (1 = Monday ... 7) from a list, "[1,2]" or "1,2"; None if unreadable."""
        key = next((k for k in keys if raw.get(k) is not None), None)
        if key is None:
            return None
        value: object = raw[key]
        if isinstance(value, str):
            text = value.strip()
            try:
                value = json.loads(text if text.startswith("[") else f"[{text}]")
            except ValueError, RecursionError:
                self._report(key, "not a list of weekdays", raw[key])
                return None
        if isinstance(value, list | tuple) and all(
            isinstance(day, int) and not isinstance(day, bool) and 1 <= day <= 7 for day in value
        ):
            return tuple(sorted(set(value)))
        self._report(key, "not a list of weekdays", raw[key])
        return None

    def _profile(self, raw: Raw, key: str) -> Raw | None:
        value = raw.get(key)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            self._report(key, "not a setting", value)
            return None
        return value

    def delayed_charging_schedule(self, raw: Raw) -> DelayedChargingSchedule | None:
        """The delayed-charging window; all None while the cloud slims the profile (off)."""
        profile = self._profile(raw, "delayed_charging")
        if profile is None:
            return None
        return DelayedChargingSchedule(
            days=self.weekdays(profile, "selected_days", "days"),
            start_time=self.clock_time(profile, "start_time"),
            end_time=self.clock_time(profile, "end_time"),
        )

    def price_based_charging_settings(self, raw: Raw) -> PriceBasedChargingSettings | None:
        """Price-based settings under the read or the write spelling; all None while off."""
        profile = self._profile(raw, "price_based_charging")
        if profile is None:
            return None
        return PriceBasedChargingSettings(
            expected_departure_time=self.clock_time(
                profile, "expected_departure_time", "expected_leave_time"
            ),
            current_battery_pct=self._percentage(
                profile, "current_battery_pct", "current_battery_percentage"
            ),
            minimum_pct=self._percentage(profile, "minimum_pct", "minimum_percentage"),
            battery_size_kwh=self.number(profile, "battery_size_kwh"),
            expected_kwh=self.number(profile, "expected_kwh"),
            minimum_kwh=self.number(profile, "minimum_kwh"),
        )

    def _percentage(self, raw: Raw, *keys: str) -> int | None:
        key = next((k for k in keys if raw.get(k) is not None), keys[0])
        return self.whole_number(raw, key)

    def capacity_tariff(self, raw: Raw) -> CapacityTariff | None:
        """The capacity tariff: on/off, permission and its maximum."""
        tariff = self._profile(raw, "capacity_tariff")
        if tariff is None:
            return None
        setting = self.setting(raw, "capacity_tariff")
        if setting is None:
            return None
        return CapacityTariff(
            enabled=setting.value,
            writable=setting.writable,
            max_kwh=self.number(tariff, "capacitytariffmaxkwh"),
        )

    def plug_and_charge_card(self, raw: Raw) -> ChargeCard | None:
        """The card plug and charge starts sessions with (uid HOME_USE_CARD_UID: none)."""
        card = raw.get("plug_and_charge_charge_card")
        return None if card is None else self.card(card)


def _days(value: object) -> tuple[str, ...]:
    if isinstance(value, str):
        return tuple(day.strip() for day in value.split(",") if day.strip())
    if isinstance(value, list | tuple):
        return tuple(day for day in value if isinstance(day, str))
    return ()


def _identifiers(value: object) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        return ()
    return tuple(text for item in value if (text := identifier(item)) is not None)


def _whole(value: float | None) -> int | None:
    """A finite number rounded towards zero (number() never returns NaN or infinity)."""
    return None if value is None else int(value)


# The fields of ChargePointStatus after evse_id, in order, each with its wire key and reader.
_STATUS_READERS: tuple[tuple[str, Callable[[FrameParser, Raw], Any]], ...] = (
    ("activity", FrameParser.activity),
    ("vehicle_status", FrameParser.vehicle_status),
    ("actual_v1", lambda p, raw: p.number(raw, "actual_v1")),
    ("actual_v2", lambda p, raw: p.number(raw, "actual_v2")),
    ("actual_v3", lambda p, raw: p.number(raw, "actual_v3")),
    ("actual_p1", lambda p, raw: p.number(raw, "actual_p1")),
    ("actual_p2", lambda p, raw: p.number(raw, "actual_p2")),
    ("actual_p3", lambda p, raw: p.number(raw, "actual_p3")),
    ("actual_kwh", lambda p, raw: p.number(raw, "actual_kwh")),
    ("total_cost", lambda p, raw: p.number(raw, "total_cost")),
    ("max_usage", lambda p, raw: p.number(raw, "max_usage")),
    ("smartcharging_max_usage", lambda p, raw: p.number(raw, "smartcharging_max_usage")),
    ("max_offline", lambda p, raw: p.number(raw, "max_offline")),
    ("offline_since", lambda p, raw: p.timestamp(raw, "offline_since")),
    ("start_datetime", lambda p, raw: p.timestamp(raw, "start_datetime")),
    ("stop_datetime", lambda p, raw: p.timestamp(raw, "stop_datetime")),
    ("boosting", lambda p, raw: p.flag(raw, "boosting")),
    (
        "smart_current_heartbeat_timeout",
        lambda p, raw: p.whole_number(raw, "smart_current_heartbeat_timeout"),
    ),
    ("socket_id", lambda p, raw: p.whole_number(raw, "socket_id")),
)
_STATUS_INDEX = {key: index for index, (key, _read) in enumerate(_STATUS_READERS)}
_STATUS_FIELDS = tuple(f.name for f in fields(ChargePointStatus))[1:]
_STATUS_READ = tuple(read for _key, read in _STATUS_READERS)
