"""What a charge point's status means for charging: plug, state, the limit in force, sessions.

Pure: no Home Assistant import. Entities read these, and the coordinator turns two statuses
received on one connection into the occurrences the session event entity fires.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from zoneinfo import ZoneInfo

from ..api.bluecurrent import Activity, ChargePointStatus, OverrideSchedule, VehicleStatus
from .state import ChargePointData

# Override schedules are written in the cloud's wall-clock time.
CLOUD_TIMEZONE = ZoneInfo("Europe/Amsterdam")
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
MINUTES_PER_DAY = 24 * 60
MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY

_PLUGGED = {VehicleStatus.VEHICLE_DETECTED: True, VehicleStatus.READY: True}
_SESSION_ACTIVITIES = (Activity.CHARGING, Activity.DELAYED)


class ChargingState(StrEnum):
    """evcc's own words for IEC 61851 A, B and C, so its status needs no mapping."""

    DISCONNECTED = "disconnected"
    CONNECTED = "connected"
    CHARGING = "charging"


class LimitSource(StrEnum):
    """What sets the current a car may draw now."""

    INSTALLATION = "installation"
    SMART_CHARGING = "smart_charging"
    OVERRIDE = "override"
    OFFLINE = "offline"


class Occurrence(StrEnum):
    """The event types of a charge point's session event entity."""

    SESSION_STARTED = "session_started"
    SESSION_STOPPED = "session_stopped"
    VEHICLE_PLUGGED_IN = "vehicle_plugged_in"
    VEHICLE_UNPLUGGED = "vehicle_unplugged"
    COMMAND_REJECTED = "command_rejected"


@dataclass(frozen=True, slots=True)
class Happening:
    """One occurrence at a charge point, with its event data."""

    kind: Occurrence
    data: Mapping[str, object] = field(default_factory=dict)


def _known(status: ChargePointStatus) -> bool:
    """Whether the status describes the charge point now (an offline one's is stale)."""
    return status.activity is not None and status.activity is not Activity.OFFLINE


def plugged(status: ChargePointStatus) -> bool | None:
    """Whether a car is plugged in; None when unknown (offline, a fault state)."""
    if not _known(status):
        return None
    if status.vehicle_status is VehicleStatus.STANDBY:
        return False
    return _PLUGGED.get(status.vehicle_status) if status.vehicle_status else None


def session_running(status: ChargePointStatus) -> bool | None:
    """Whether a session runs (drawing, or held back by a profile); None when unknown."""
    if not _known(status):
        return None
    return status.activity in _SESSION_ACTIVITIES


def battery_charging(status: ChargePointStatus) -> bool | None:
    """Whether the car is charging: a session that draws, with the car ready (C)."""
    if not _known(status):
        return None
    return status.activity is Activity.CHARGING and status.vehicle_status is VehicleStatus.READY


def charging_state(status: ChargePointStatus) -> ChargingState | None:
    """Disconnected, connected or charging; None when the charge point cannot tell."""
    connected = plugged(status)
    if connected is None:
        return None
    if not connected:
        return ChargingState.DISCONNECTED
    return ChargingState.CHARGING if battery_charging(status) else ChargingState.CONNECTED


# Override schedules.


def _minute_of_week(day: str, clock_time: str) -> int | None:
    """Minutes from Monday 00:00 to a day code and "HH:MM"; None when unreadable."""
    try:
        index = WEEKDAY_CODES.index(day.strip().upper())
        hours, minutes = (int(part) for part in clock_time.split(":")[:2])
    except ValueError:
        return None
    return index * MINUTES_PER_DAY + hours * 60 + minutes


def override_active(schedule: OverrideSchedule, moment: datetime) -> bool:
    """Whether a schedule caps the current at a moment.

    Each start day opens the cap at the start time; it closes at the first stop time on a
    stop day after that (a stop at the very start minute closes it a week later).
    """
    starts = [_minute_of_week(day, schedule.start_time) for day in schedule.start_days]
    stops = [_minute_of_week(day, schedule.stop_time) for day in schedule.stop_days]
    stop_minutes = [stop for stop in stops if stop is not None]
    if not stop_minutes:
        return False
    local = moment.astimezone(CLOUD_TIMEZONE)
    now = local.weekday() * MINUTES_PER_DAY + local.hour * 60 + local.minute
    for start in starts:
        if start is None:
            continue
        length = min((stop - start) % MINUTES_PER_WEEK or MINUTES_PER_WEEK for stop in stop_minutes)
        if (now - start) % MINUTES_PER_WEEK < length:
            return True
    return False


def override_cap(
    evse_id: str, schedules: Iterable[OverrideSchedule], moment: datetime
) -> float | None:
    """The lowest current of the schedules that cap this charge point now, if any."""
    caps = [
        schedule.current
        for schedule in schedules
        if evse_id in schedule.charge_points and override_active(schedule, moment)
    ]
    return min(caps) if caps else None


def limit_in_force(
    cp: ChargePointData, schedules: Iterable[OverrideSchedule] | None, moment: datetime
) -> tuple[float | None, LimitSource | None]:
    """The amperes a car may draw now, and what sets them."""
    status = cp.status
    if status is None or status.activity is None:
        return None, None
    if status.activity is Activity.OFFLINE:
        return status.max_offline, LimitSource.OFFLINE
    if status.activity is Activity.DELAYED:
        return 0.0, LimitSource.SMART_CHARGING  # a profile holds the session back
    candidates: list[tuple[float, LimitSource]] = []
    if status.max_usage is not None:
        candidates.append((status.max_usage, LimitSource.INSTALLATION))
    if cp.smart_charging and status.smart_charging_max_usage is not None:
        candidates.append((status.smart_charging_max_usage, LimitSource.SMART_CHARGING))
    cap = override_cap(status.evse_id, schedules or (), moment)
    if cap is not None:
        candidates.append((cap, LimitSource.OVERRIDE))
    if not candidates:
        return None, None
    # The lowest wins; on a tie the more specific one (the later in the list) explains it.
    amps = min(limit for limit, _ in candidates)
    source = [source for limit, source in candidates if limit == amps][-1]
    return amps, source


# Sessions.


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """A finished session as the status reports it."""

    energy: float | None  # kWh
    cost: float | None
    duration: float | None  # minutes
    started: datetime
    stopped: datetime


def finished_session(status: ChargePointStatus) -> SessionSummary | None:
    """The session the status reports as finished, if it does."""
    started, stopped = status.session_started, status.session_stopped
    if started is None or stopped is None or stopped < started or session_running(status):
        return None
    return SessionSummary(
        energy=status.session_energy,
        cost=status.session_cost,
        duration=round((stopped - started).total_seconds() / 60, 1),
        started=started,
        stopped=stopped,
    )


# The status fields transitions() compares: a status that changed none of them tells nothing.
HAPPENING_FIELDS = frozenset({"activity", "vehicle_status", "session_started", "session_stopped"})


def _later(new: datetime | None, old: datetime | None) -> bool:
    return new is not None and (old is None or new > old)


def transitions(
    old: ChargePointStatus, new: ChargePointStatus, *, card: str | None = None
) -> list[Happening]:
    """What happened between two statuses of one connection, in the order it happened."""
    happened: list[Happening] = []
    was_plugged, is_plugged = plugged(old), plugged(new)
    if was_plugged is False and is_plugged:
        happened.append(Happening(Occurrence.VEHICLE_PLUGGED_IN))
    started = _later(new.session_started, old.session_started)
    if started:
        happened.append(Happening(Occurrence.SESSION_STARTED, {"card": card}))
    summary = finished_session(new)
    if summary is not None and _later(new.session_stopped, old.session_stopped):
        happened.append(
            Happening(
                Occurrence.SESSION_STOPPED,
                {
                    "energy": summary.energy,
                    "cost": summary.cost,
                    "duration": summary.duration,
                    "card": card,
                },
            )
        )
    if was_plugged and is_plugged is False:
        happened.append(Happening(Occurrence.VEHICLE_UNPLUGGED))
    return happened
