"""A ready-made account: charge points, cards and grids, the same for the same seed."""

from __future__ import annotations

import random

from .cloud import BlueCurrentCloud
from .model import Account

MODELS = (("U:MOVE22", "UMOVE", 3), ("H:MOVE2", "HMOVE", 1), ("U:MOVE11", "UMOVE", 3))
NAMES = ("Driveway", "Garage", "Office", "Carport", "Visitors")


def populate(
    cloud: BlueCurrentCloud,
    *,
    api_token: str,
    customer_id: str = "",
    email: str = "user@example.com",
    charge_points: int = 2,
    cards: int = 2,
    grids: int = 1,
    seed: int = 0,
) -> Account:
    """Add an account with idle charge points split over `grids` grids."""
    rng = random.Random(seed)
    account = cloud.add_account(api_token, customer_id=customer_id, email=email)
    for number in range(charge_points):
        model_type, chargepoint_type, phases = MODELS[number % len(MODELS)]
        cloud.add_charge_point(
            api_token,
            f"BCU{100001 + number}",
            grid=f"grid{number * grids // charge_points}",
            name=NAMES[number % len(NAMES)],
            model_type=model_type,
            chargepoint_type=chargepoint_type,
            phases=phases,
            car_phases=phases,
            x_coord=round(52.0 + rng.random(), 6),
            y_coord=round(4.5 + rng.random(), 6),
        )
    for number in range(1, cards + 1):
        cloud.add_card(
            api_token,
            f"{rng.getrandbits(56):014X}",
            card_id=f"NL-BCU-C{number:05d}-{rng.randrange(10)}",
            name=f"Card {number}",
        )
    return account
