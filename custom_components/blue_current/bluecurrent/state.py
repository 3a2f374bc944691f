"""What an account's coordinator knows, and how one event from the cloud changes it.

Pure: no Home Assistant import, so every rule here is tested without Home Assistant.
`AccountData.apply` applies an event and returns a `Change` that says what moved; the
coordinator turns that into listener calls, requests and device removals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from operator import attrgetter

from ..api.bluecurrent import (
    ChargeCard,
    ChargeCardsEvent,
    ChargePoint,
    ChargePointSettings,
    ChargePointsEvent,
    ChargePointStatus,
    Event,
    GridCurrentEvent,
    GridStatus,
    GridStatusEvent,
    OverrideSchedule,
    OverrideSchedulesEvent,
    SettingsEvent,
    StatusEvent,
)

STATUS_FIELDS = tuple(f.name for f in fields(ChargePointStatus))
_status_values = attrgetter(*STATUS_FIELDS)
_SETTING_FIELDS = tuple(f.name for f in fields(ChargePointSettings))

# A changed key with no field list: anything about it may have changed.
EVERYTHING: frozenset[str] | None = None


@dataclass(frozen=True, slots=True)
class ChargePointData:
    """Everything known about one charge point. Replaced, never changed, on an update."""

    info: ChargePoint
    settings: ChargePointSettings
    status: ChargePointStatus | None = None

    @property
    def smart_charging(self) -> bool:
        """Whether smart charging (and so its current limit) applies."""
        return bool(self.settings.smart_charging)


@dataclass(frozen=True, slots=True)
class Change:
    """What one event changed.

    keys: charge point or grid id → the ChargePointStatus fields that changed (EVERYTHING
    when the change is not a status change, or the first status). added/removed: charge
    points or grids that appeared or left the account. everyone: something every entity may
    show changed (the cards). unplaced: charge points whose grid is not known yet.
    """

    keys: Mapping[str, frozenset[str] | None] = field(default_factory=dict)
    added: frozenset[str] = frozenset()
    removed: frozenset[str] = frozenset()
    everyone: bool = False
    unplaced: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        """Whether anything changed at all."""
        return bool(self.keys or self.added or self.removed or self.everyone or self.unplaced)


NOTHING = Change()


@dataclass(slots=True)
class AccountData:
    """The account's state. The mappings are updated in place; their values are immutable."""

    charge_points: dict[str, ChargePointData] = field(default_factory=dict)
    grids: dict[str, GridStatus] = field(default_factory=dict)
    grid_of_charge_point: dict[str, str] = field(default_factory=dict)
    cards: tuple[ChargeCard, ...] = ()
    # The account's override-current schedules; None until the cloud listed them.
    overrides: tuple[OverrideSchedule, ...] | None = None

    def apply(self, event: Event) -> Change:
        """Apply one event from the cloud; return what changed."""
        match event:
            case StatusEvent():
                return self._apply_status(event)
            case SettingsEvent(evse_id=evse_id, settings=settings):
                return self._apply_settings(evse_id, settings)
            case GridCurrentEvent():
                return self._apply_grid_current(event)
            case GridStatusEvent(grid=grid, evse_id=evse_id):
                return self._apply_grid_status(grid, evse_id)
            case ChargePointsEvent(charge_points=listed, unreadable=unreadable):
                return self._apply_charge_points(listed, complete=not unreadable)
            case ChargeCardsEvent(cards=cards):
                if cards == self.cards:
                    return NOTHING
                self.cards = cards
                return Change(everyone=True)
            case OverrideSchedulesEvent(schedules=schedules):
                return self._apply_overrides(schedules)

    def _apply_status(self, event: StatusEvent) -> Change:
        new = event.status
        current = self.charge_points.get(new.evse_id)
        if current is None:
            return NOTHING
        old = current.status
        if old is None:
            changed = EVERYTHING
        elif event.follows is old:  # the client compared with what we hold: take its answer
            changed = event.changed
            if not changed:
                return NOTHING
        else:
            # Field by field in one pass: most pushes change one or two of them.
            changed = frozenset(
                name
                for name, before, after in zip(
                    STATUS_FIELDS, _status_values(old), _status_values(new), strict=True
                )
                if before != after
            )
            if not changed:
                return NOTHING
        self.charge_points[new.evse_id] = ChargePointData(current.info, current.settings, new)
        return Change(keys={new.evse_id: changed})

    def _apply_settings(self, evse_id: str, settings: ChargePointSettings) -> Change:
        current = self.charge_points.get(evse_id)
        if current is None:
            return NOTHING
        merged = merge_settings(current.settings, settings)
        if merged == current.settings:
            return NOTHING
        self.charge_points[evse_id] = replace(current, settings=merged)
        return Change(keys={evse_id: EVERYTHING})

    def _apply_grid_current(self, event: GridCurrentEvent) -> Change:
        grid_id = self.grid_of_charge_point.get(event.evse_id)
        if grid_id is None:
            return Change(unplaced=frozenset({event.evse_id}))
        grid = self.grids[grid_id]
        updated = replace(
            grid,
            current_phase_1=event.current_phase_1,
            current_phase_2=event.current_phase_2,
            current_phase_3=event.current_phase_3,
        )
        if updated == grid:
            return NOTHING
        self.grids[grid_id] = updated
        return Change(keys={grid_id: EVERYTHING})

    def _apply_grid_status(self, grid: GridStatus, evse_id: str | None) -> Change:
        known = grid.grid_id in self.grids
        if evse_id is not None:
            self.grid_of_charge_point[evse_id] = grid.grid_id
        if self.grids.get(grid.grid_id) == grid:
            return NOTHING
        self.grids[grid.grid_id] = grid
        if known:
            return Change(keys={grid.grid_id: EVERYTHING})
        return Change(added=frozenset({grid.grid_id}))

    def _apply_charge_points(self, listed: tuple[ChargePoint, ...], *, complete: bool) -> Change:
        """Take the listed charge points; drop those missing only from a complete list.

        A list with unreadable entries says nothing about the charge points it lacks: they
        may be among the unreadable ones, so they stay.
        """
        previous = self.charge_points
        updated: dict[str, ChargePointData] = {} if complete else dict(previous)
        for info in listed:
            old = previous.get(info.evse_id)
            if old is None:
                updated[info.evse_id] = ChargePointData(info=info, settings=info.settings)
            else:
                settings = merge_settings(old.settings, info.settings)
                updated[info.evse_id] = replace(old, info=info, settings=settings)
        self.charge_points = updated
        # Names, tariffs and availability may have changed for any of them: wake everyone.
        return Change(
            added=frozenset(updated.keys() - previous.keys()),
            removed=frozenset(previous.keys() - updated.keys()),
            everyone=True,
        )

    def _apply_overrides(self, schedules: tuple[OverrideSchedule, ...]) -> Change:
        old = self.overrides
        if old == schedules:
            return NOTHING
        self.overrides = schedules
        if old is None:
            touched = set(self.charge_points)  # the first list: everyone learns it
        else:
            # The charge points whose set of schedules changed.
            touched = {
                evse_id
                for schedule in set(old) ^ set(schedules)
                for evse_id in schedule.charge_points
            }
        return Change(keys={e: EVERYTHING for e in sorted(touched) if e in self.charge_points})


def merge_settings(old: ChargePointSettings, new: ChargePointSettings) -> ChargePointSettings:
    """The old settings with every field the new ones carry (None means: not sent)."""
    changes = {name: value for name in _SETTING_FIELDS if (value := getattr(new, name)) is not None}
    return replace(old, **changes) if changes else old
