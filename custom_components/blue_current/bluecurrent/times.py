"""Times of a charge point's smart charging: the delayed-charging window, the departure."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import time
from typing import Any

from homeassistant.components.time import TimeEntity, TimeEntityDescription
from homeassistant.const import EntityCategory

from .commands import Command, async_run_command
from .coordinator import BlueCurrentCoordinator
from .entity import ChargePointEntity, setup_per_charge_point
from .smart import ALL_DAYS, clock_text, delayed_schedule, price_settings
from .state import ChargePointData


@dataclass(frozen=True, kw_only=True)
class SmartTimeDescription(TimeEntityDescription):
    """A time of day; None from value_fn: the profile is off (the entity is unavailable)."""

    value_fn: Callable[[ChargePointData], time | None]
    command: Command
    set_fn: Callable[
        [BlueCurrentCoordinator, ChargePointData, str, time], Coroutine[Any, Any, None]
    ]


async def _save_window(
    coordinator: BlueCurrentCoordinator,
    cp: ChargePointData,
    evse_id: str,
    start: time | None = None,
    end: time | None = None,
) -> None:
    schedule = delayed_schedule(cp)
    start = start or (schedule.start_time if schedule else None) or time(0)
    end = end or (schedule.end_time if schedule else None) or time(0)
    days = list((schedule.days if schedule else None) or ALL_DAYS)
    await coordinator.client.set_delayed_charging_schedule(
        evse_id, days, clock_text(start), clock_text(end)
    )


async def _save_departure(
    coordinator: BlueCurrentCoordinator, _cp: ChargePointData, evse_id: str, value: time
) -> None:
    await coordinator.client.update_price_based_charging_settings(
        evse_id, expected_departure_time=clock_text(value)
    )


def _window_value(read: Callable[[Any], time | None]) -> Callable[[ChargePointData], time | None]:
    def value(cp: ChargePointData) -> time | None:
        schedule = delayed_schedule(cp)
        return None if schedule is None else read(schedule)

    return value


def _departure(cp: ChargePointData) -> time | None:
    settings = price_settings(cp)
    return None if settings is None else settings.expected_departure_time


TIMES: tuple[SmartTimeDescription, ...] = (
    SmartTimeDescription(
        key="delayed_charging_start",
        translation_key="delayed_charging_start",
        command=Command.DELAYED_CHARGING_SCHEDULE,
        entity_category=EntityCategory.CONFIG,
        entity_registry_enabled_default=False,
        value_fn=_window_value(lambda s: s.start_time),
        set_fn=lambda coordinator, cp, evse_id, value: _save_window(
            coordinator, cp, evse_id, start=value
        ),
    ),
    SmartTimeDescription(
        key="delayed_charging_end",
        translation_key="delayed_charging_end",
        command=Command.DELAYED_CHARGING_SCHEDULE,
        entity_category=EntityCategory.CONFIG,
        entity_registry_enabled_default=False,
        value_fn=_window_value(lambda s: s.end_time),
        set_fn=lambda coordinator, cp, evse_id, value: _save_window(
            coordinator, cp, evse_id, end=value
        ),
    ),
    SmartTimeDescription(
        key="departure_time",
        translation_key="departure_time",
        command=Command.PRICE_BASED_CHARGING,
        entity_category=EntityCategory.CONFIG,
        entity_registry_enabled_default=False,
        value_fn=_departure,
        set_fn=_save_departure,
    ),
)


class SmartChargingTime(ChargePointEntity, TimeEntity):
    """A time of a smart-charging profile: available while that profile is on."""

    entity_description: SmartTimeDescription

    @property
    def native_value(self) -> time | None:
        """The time the cloud reads back."""
        cp = self.charge_point
        return None if cp is None else self.entity_description.value_fn(cp)

    @property
    def available(self) -> bool:
        """While the profile is on (its settings are only read back then)."""
        return super().available and self.native_value is not None

    async def async_set_value(self, value: time) -> None:
        """Send the new time; the state follows the cloud's read-back."""
        cp = self.charge_point
        if cp is None:
            return
        description = self.entity_description
        await async_run_command(
            self.hass,
            self.coordinator,
            self.evse_id,
            description.command,
            lambda: description.set_fn(self.coordinator, cp, self.evse_id, value),
        )


# Add the smart-charging times of every charge point, now and when more appear.
async_setup_entry = setup_per_charge_point(
    per_charge_point=lambda coordinator, evse_id: (
        SmartChargingTime(coordinator, evse_id, description) for description in TIMES
    ),
)
