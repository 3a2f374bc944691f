"""Sessions move on the injected clock: requested, started, stopped, or failed on the way."""

from __future__ import annotations

from datetime import timedelta

import pytest

from custom_components.blue_current.api.shell import (
    FailureCode,
    SessionState,
    ShellNotFoundError,
    ShellRechargeClient,
)
from simulator.shell import ShellCloud

from ..conftest import (
    EMA_ID,
    EVSE_ID,
    OTHER_EMA_ID,
    OTHER_EVSE_ID,
    START_DELAY,
    STOP_DELAY,
    FakeClock,
)


async def test_full_life_of_a_session(
    client: ShellRechargeClient, shell_cloud: ShellCloud, clock: FakeClock
) -> None:
    requested = clock.now
    session_id = await client.start(EMA_ID, EVSE_ID)
    assert (await client.retrieve(session_id)).state is SessionState.START_REQUESTED

    clock.advance(START_DELAY - 1)
    assert (await client.retrieve(session_id)).state is SessionState.START_REQUESTED

    clock.advance(1)
    started = await client.retrieve(session_id)
    assert started.state is SessionState.STARTED
    assert started.started_at == requested + timedelta(seconds=START_DELAY)

    clock.advance(600)
    stop_requested = clock.now
    await client.stop(session_id)
    stopping = await client.retrieve(session_id)
    assert stopping.state is SessionState.STOP_REQUESTED
    assert stopping.last_updated == stop_requested
    assert [s.session_id for s in await client.active(EMA_ID)] == [session_id]

    clock.advance(STOP_DELAY)
    stopped = await client.retrieve(session_id)
    assert stopped.state is SessionState.STOPPED
    assert stopped.started_at == started.started_at
    assert stopped.stopped_at == stop_requested + timedelta(seconds=STOP_DELAY)
    assert stopped.last_updated == stopped.stopped_at
    assert await client.active(EMA_ID) == []

    with pytest.raises(ShellNotFoundError, match="already been stopped"):
        await client.stop(session_id)


async def test_states_catch_up_after_a_long_pause(
    client: ShellRechargeClient, shell_cloud: ShellCloud, clock: FakeClock
) -> None:
    shell_cloud.session_limit = 3600
    session_id = await client.start(EMA_ID, EVSE_ID)

    clock.advance(10 * 3600)
    session = await client.retrieve(session_id)

    assert session.state is SessionState.STOPPED
    assert session.started_at is not None
    assert session.stopped_at == session.started_at + timedelta(hours=1)


async def test_stop_twice_is_accepted_while_stopping(
    client: ShellRechargeClient, clock: FakeClock
) -> None:
    session_id = await client.start(EMA_ID, EVSE_ID)
    clock.advance(START_DELAY)
    await client.stop(session_id)
    first = (await client.retrieve(session_id)).last_updated

    clock.advance(1)
    await client.stop(session_id)

    assert (await client.retrieve(session_id)).last_updated == first


async def test_evse_in_use(client: ShellRechargeClient, clock: FakeClock) -> None:
    first = await client.start(EMA_ID, EVSE_ID)
    second = await client.start(OTHER_EMA_ID, EVSE_ID)

    clock.advance(START_DELAY)

    assert (await client.retrieve(first)).state is SessionState.STARTED
    failed = await client.retrieve(second)
    assert failed.state is SessionState.FAILED_TO_START
    assert failed.error_code == FailureCode.EVSE_IN_USE
    assert failed.error_message == "Evse in use"
    assert failed.started_at is None
    assert await client.active(OTHER_EMA_ID) == []


async def test_ev_not_connected(
    client: ShellRechargeClient, shell_cloud: ShellCloud, clock: FakeClock
) -> None:
    shell_cloud.set_ev_connected(EVSE_ID, False)
    session_id = await client.start(EMA_ID, EVSE_ID)

    clock.advance(START_DELAY)
    session = await client.retrieve(session_id)

    assert session.state is SessionState.FAILED_TO_START
    assert session.error_code == FailureCode.EV_NOT_CONNECTED_TO_EVSE

    shell_cloud.set_ev_connected(EVSE_ID, True)
    retry = await client.start(EMA_ID, EVSE_ID)
    clock.advance(START_DELAY)
    assert (await client.retrieve(retry)).state is SessionState.STARTED


async def test_unplugging_ends_the_session(
    client: ShellRechargeClient, shell_cloud: ShellCloud, clock: FakeClock
) -> None:
    session_id = await client.start(EMA_ID, EVSE_ID)
    other = await client.start(OTHER_EMA_ID, OTHER_EVSE_ID)
    clock.advance(START_DELAY + 60)

    shell_cloud.set_ev_connected(EVSE_ID, False)

    session = await client.retrieve(session_id)
    assert session.state is SessionState.STOPPED
    assert session.stopped_at == clock.now
    assert (await client.retrieve(other)).state is SessionState.STARTED


async def test_session_ends_by_itself(
    client: ShellRechargeClient, shell_cloud: ShellCloud, clock: FakeClock
) -> None:
    session_id = await client.start(EMA_ID, EVSE_ID)
    clock.advance(START_DELAY)

    shell_cloud.end_session(session_id)

    assert await client.active(EMA_ID) == []
    assert (await client.retrieve(session_id)).state is SessionState.STOPPED
    with pytest.raises(ValueError, match="already over"):
        shell_cloud.end_session(session_id)


async def test_scripted_start_failure(
    client: ShellRechargeClient, shell_cloud: ShellCloud, clock: FakeClock
) -> None:
    shell_cloud.fail_next_start(EVSE_ID.lower())
    failed = await client.start(EMA_ID, EVSE_ID)
    clock.advance(START_DELAY)

    session = await client.retrieve(failed)
    assert session.state is SessionState.FAILED_TO_START
    assert session.error_code == FailureCode.EVSE_OUT_OF_SERVICE

    works = await client.start(EMA_ID, EVSE_ID)  # only the next start was scripted
    clock.advance(START_DELAY)
    assert (await client.retrieve(works)).state is SessionState.STARTED


async def test_failed_stop_keeps_the_session_running(
    client: ShellRechargeClient, shell_cloud: ShellCloud, clock: FakeClock
) -> None:
    session_id = await client.start(EMA_ID, EVSE_ID)
    clock.advance(START_DELAY)
    shell_cloud.fail_next_stop(session_id, code="ServiceUnavailable", message="Operator offline")

    await client.stop(session_id)
    clock.advance(STOP_DELAY)
    session = await client.retrieve(session_id)
    assert session.state is SessionState.FAILED_TO_STOP
    assert session.error_code == FailureCode.SERVICE_UNAVAILABLE
    assert session.error_message == "Operator offline"
    assert not session.state.is_final
    assert [s.session_id for s in await client.active(EMA_ID)] == [session_id]

    await client.stop(session_id)
    clock.advance(STOP_DELAY)
    assert (await client.retrieve(session_id)).state is SessionState.STOPPED


async def test_stop_before_the_start_went_through(
    client: ShellRechargeClient, clock: FakeClock
) -> None:
    session_id = await client.start(EMA_ID, EVSE_ID)

    await client.stop(session_id)
    clock.advance(max(START_DELAY, STOP_DELAY))

    session = await client.retrieve(session_id)
    assert session.state is SessionState.STOPPED
    assert session.started_at is None


async def test_delays_can_change(
    client: ShellRechargeClient, shell_cloud: ShellCloud, clock: FakeClock
) -> None:
    shell_cloud.start_delay = 0
    shell_cloud.stop_delay = 0
    assert (shell_cloud.start_delay, shell_cloud.stop_delay, shell_cloud.session_limit) == (
        0,
        0,
        None,
    )

    session_id = await client.start(EMA_ID, EVSE_ID)
    assert (await client.retrieve(session_id)).state is SessionState.STARTED
    await client.stop(session_id)
    assert (await client.retrieve(session_id)).state is SessionState.STOPPED
