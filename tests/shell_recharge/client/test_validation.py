"""Input is checked before anything is sent, and EMA-IDs normalise to one unique id."""

from __future__ import annotations

import pytest

from custom_components.blue_current.api.shell import (
    ShellRechargeClient,
    ShellValidationError,
    normalize_ema_id,
    validate_ema_id,
    validate_evse_id,
    validate_session_id,
)
from simulator.shell import ShellCloud

from ..conftest import EMA_ID, EVSE_ID

BAD_EMA_IDS = [
    "",
    "NL-TNM-C0012",  # 12: too short
    "NL-TNM-C00122045-K-12",  # 21: too long
    "NL-TNM-C00122045/K",  # a character an EMA-ID never has
    "NL-TNM-C00122045-É",
]
BAD_EVSE_IDS = [
    "",
    "NL*TNM*E0200",  # too short
    "NL*TNM*E02003451*0" + "1" * 19,  # 37: too long
    "NL*TNM*X02003451*0",  # no E before the outlet
    "N1*TNM*E02003451*0",
    "NL TNM E02003451 0",
]
BAD_SESSION_IDS = [
    "",
    "c3e332f0-1bb2-4f50-a96b-e075bbb71e6",  # 35
    "c3e332f01bb24f50a96be075bbb71e68",  # no hyphens
    "{c3e332f0-1bb2-4f50-a96b-e075bbb71e68}",  # 38: braces break the 36-character rule
    "g3e332f0-1bb2-4f50-a96b-e075bbb71e68",
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("NL-TNM-C00122045-K", "NLTNMC00122045K"),
        ("nl-tnm-c00122045-k", "NLTNMC00122045K"),
        (" NL TNM C00122045 K ", "NLTNMC00122045K"),
        ("NLTNMC00122045K", "NLTNMC00122045K"),
        ("NL-TNM-C0216599X-A", "NLTNMC0216599XA"),
    ],
)
def test_normalize_ema_id(text: str, expected: str) -> None:
    assert normalize_ema_id(text) == expected


@pytest.mark.parametrize("text", BAD_EMA_IDS)
def test_normalize_rejects_what_is_no_ema_id(text: str) -> None:
    with pytest.raises(ShellValidationError):
        normalize_ema_id(text)


def test_ema_id_is_sent_in_upper_case_with_hyphens() -> None:
    assert validate_ema_id(" nl-tnm-c00122045-k\n") == "NL-TNM-C00122045-K"


def test_evse_id_rules() -> None:
    assert validate_evse_id(" nl*tnm*e02003451*0 ") == "NL*TNM*E02003451*0"
    assert validate_evse_id("NLTNME02003451000000") == "NLTNME02003451000000"
    assert validate_evse_id("DE*ABC*E1234567*8*9*10") == "DE*ABC*E1234567*8*9*10"


def test_session_id_keeps_its_case() -> None:
    text = " C3E332F0-1BB2-4F50-A96B-E075BBB71E68"
    assert validate_session_id(text) == text.strip()


@pytest.mark.parametrize("ema_id", BAD_EMA_IDS)
async def test_start_and_active_refuse_a_bad_ema_id(
    client: ShellRechargeClient, shell_cloud: ShellCloud, ema_id: str
) -> None:
    with pytest.raises(ShellValidationError, match="EMA-ID"):
        await client.start(ema_id, EVSE_ID)
    with pytest.raises(ShellValidationError, match="EMA-ID"):
        await client.active(ema_id)

    assert shell_cloud.requests == []


@pytest.mark.parametrize("evse_id", BAD_EVSE_IDS)
async def test_start_refuses_a_bad_evse_id(
    client: ShellRechargeClient, shell_cloud: ShellCloud, evse_id: str
) -> None:
    with pytest.raises(ShellValidationError, match="EVSE id"):
        await client.start(EMA_ID, evse_id)

    assert shell_cloud.requests == []


@pytest.mark.parametrize("session_id", BAD_SESSION_IDS)
async def test_stop_and_retrieve_refuse_a_bad_session_id(
    client: ShellRechargeClient, shell_cloud: ShellCloud, session_id: str
) -> None:
    with pytest.raises(ShellValidationError, match="UUID"):
        await client.stop(session_id)
    with pytest.raises(ShellValidationError, match="UUID"):
        await client.retrieve(session_id)

    assert shell_cloud.requests == []


async def test_the_cloud_refuses_what_the_client_would_not_send(
    client: ShellRechargeClient, shell_cloud: ShellCloud
) -> None:
    """A 400 from the API is a validation error too, with the API's own code."""
    shell_cloud.fail_next(400, route="start")

    with pytest.raises(ShellValidationError) as caught:
        await client.start(EMA_ID, EVSE_ID)

    assert caught.value.code == "E0001"
    assert caught.value.status == 400
