"""The card's sensors: snapshot, unique ids."""

from __future__ import annotations

from homeassistant.const import Platform

from . import platforms

PLATFORM = Platform.SENSOR


# The checks every card platform shares, run for this one.
test_snapshot = platforms.test_snapshot
test_unique_ids_and_device = platforms.test_unique_ids_and_device
