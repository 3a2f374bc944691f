"""The EMA-ID's check character: a typo in a card number is caught before any request.

The Shell API lists an unknown card's active sessions as an empty list, so a mistyped card
would look like a healthy, idle one. The eMI3 check character catches the typo instead.
"""

from __future__ import annotations

import json

import pytest

from custom_components.blue_current.api.shell import (
    ShellEmaIdCheckError,
    ShellRechargeClient,
    ShellValidationError,
    ema_id_check_character,
    normalize_ema_id,
    validate_ema_id,
)
from simulator.shell import ShellCloud

from ..conftest import EMA_ID, EVSE_ID, OTHER_EMA_ID

CHARACTERS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"

# The published vectors of the eMI3 "Check Digit Calculation for Contract-IDs", and one from
# Shell's own mobility-id library: 14 characters, then the check character.
VECTORS = [
    ("NN123ABCDEFGHI", "T"),
    ("FRXYZ123456789", "2"),
    ("ITA1B2C3E4F5G6", "4"),
    ("ESZU8WOX834H1D", "R"),
    ("PT73902837ABCZ", "Z"),
    ("DE83DUIEN83QGZ", "D"),
    ("DE83DUIEN83ZGQ", "M"),
    ("DE8AA001234567", "0"),
    ("NLTNM000122045", "U"),
]


@pytest.mark.parametrize(("body", "check"), VECTORS)
def test_published_vectors(body: str, check: str) -> None:
    assert ema_id_check_character(body) == check
    assert validate_ema_id(body + check) == body + check


@pytest.mark.parametrize(("ema_id", "check"), [(EMA_ID, "K"), (OTHER_EMA_ID, "A")])
def test_the_cards_printed_check_character(ema_id: str, check: str) -> None:
    """Hyphens, case and a check character already there do not change the answer."""
    assert ema_id_check_character(ema_id) == check
    assert ema_id_check_character(ema_id.lower()[:-2]) == check
    assert validate_ema_id(ema_id) == ema_id


@pytest.mark.parametrize("text", ["NL-TNM-C0012204", "NL-TNM-C00122045-K1", "NLTNMC0012204É"])
def test_check_character_needs_an_iso_ema_id(text: str) -> None:
    with pytest.raises(ShellValidationError, match="EMA-ID"):
        ema_id_check_character(text)


def test_every_single_typo_is_caught() -> None:
    """Each of the 15 characters changed into each of the 35 others: all 525 are refused."""
    card = EMA_ID.replace("-", "")
    caught = 0
    for position, typed in enumerate(card):
        for other in CHARACTERS.replace(typed, ""):
            typo = card[:position] + other + card[position + 1 :]
            with pytest.raises(ShellEmaIdCheckError):
                validate_ema_id(typo)
            caught += 1
    assert caught == 15 * 35


def test_swapped_neighbours_are_caught() -> None:
    card = OTHER_EMA_ID.replace("-", "")
    swaps = [
        card[:i] + card[i + 1] + card[i] + card[i + 2 :]
        for i in range(len(card) - 1)
        if card[i] != card[i + 1]
    ]
    assert len(swaps) > 10
    for swapped in swaps:
        with pytest.raises(ShellEmaIdCheckError):
            validate_ema_id(swapped)


@pytest.mark.parametrize(
    ("typed", "expected", "given", "position"),
    [
        ("NL-TNM-C99999999-X", "T", "X", 18),  # the unknown card a new user got accepted
        ("NL-TNM-C00122045-A", "K", "A", 18),
        ("nltnmc00122054k", "J", "K", 15),  # two digits swapped
        (" NL TNM C0216599X B ", "A", "B", 15),
    ],
)
def test_a_wrong_check_character_says_which_one_fits(
    typed: str, expected: str, given: str, position: int
) -> None:
    with pytest.raises(ShellEmaIdCheckError) as caught:
        validate_ema_id(typed)

    error = caught.value
    assert isinstance(error, ShellValidationError)  # callers that know only the base still refuse
    assert (error.expected, error.given, error.position) == (expected, given, position)
    assert "EMA-ID" in str(error)
    assert expected in str(error)
    with pytest.raises(ShellEmaIdCheckError):
        normalize_ema_id(typed)


@pytest.mark.parametrize(
    ("typed", "sent", "unique"),
    [
        ("NL-TNM-C00122045", "NL-TNM-C00122045-K", "NLTNMC00122045K"),
        ("nl-tnm-c00122045-", "NL-TNM-C00122045-K", "NLTNMC00122045K"),
        ("NLTNMC00122045", "NLTNMC00122045K", "NLTNMC00122045K"),
        (" NL TNM C0216599X ", "NLTNMC0216599XA", "NLTNMC0216599XA"),
    ],
)
def test_a_missing_check_character_is_added(typed: str, sent: str, unique: str) -> None:
    """One card, one spelling: with or without its check character it is the same entry."""
    assert validate_ema_id(typed) == sent
    assert normalize_ema_id(typed) == unique == normalize_ema_id(sent)


def test_other_lengths_pass_unchecked() -> None:
    """Only the ISO form has a check character; other ids the API takes are left alone."""
    assert validate_ema_id("NL-TNM-012204-5-X") == "NL-TNM-012204-5-X"  # 13 without hyphens
    assert validate_ema_id("NLTNMC001220451X") == "NLTNMC001220451X"  # 16


async def test_the_client_sends_nothing_for_a_typo(
    client: ShellRechargeClient, cloud: ShellCloud
) -> None:
    with pytest.raises(ShellEmaIdCheckError):
        await client.active("NL-TNM-C00122045-X")
    with pytest.raises(ShellEmaIdCheckError):
        await client.start("NL-TNM-C00122054-K", EVSE_ID)

    assert cloud.requests == []


async def test_the_client_sends_the_completed_ema_id(
    client: ShellRechargeClient, cloud: ShellCloud
) -> None:
    await client.active("NL-TNM-C00122045")
    await client.start("nltnmc00122045", EVSE_ID)

    queries = [r.query for r in cloud.requests if r.path.endswith("/active")]
    bodies = [json.loads(r.body) for r in cloud.requests if r.path.endswith("/start")]
    assert queries == [{"emaId": EMA_ID}]
    assert [body["evChargeNumber"] for body in bodies] == ["NLTNMC00122045K"]
