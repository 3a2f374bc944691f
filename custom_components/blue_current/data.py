"""What the account coordinator knows: one snapshot object per charge point and per grid."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

from .api.bluecurrent import (
    ChargeCard,
    ChargePoint,
    ChargePointSettings,
    ChargePointStatus,
    GridStatus,
)


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


@dataclass(slots=True)
class AccountData:
    """The account's state. The mappings are updated in place; their values are immutable."""

    charge_points: dict[str, ChargePointData] = field(default_factory=dict)
    grids: dict[str, GridStatus] = field(default_factory=dict)
    grid_of_charge_point: dict[str, str] = field(default_factory=dict)
    cards: tuple[ChargeCard, ...] = ()


_SETTING_FIELDS = tuple(f.name for f in fields(ChargePointSettings))


def merge_settings(old: ChargePointSettings, new: ChargePointSettings) -> ChargePointSettings:
    """The old settings with every field the new ones carry (None means: not sent)."""
    changes = {name: value for name in _SETTING_FIELDS if (value := getattr(new, name)) is not None}
    return replace(old, **changes) if changes else old
