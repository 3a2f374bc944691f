"""Running a client's main connection inside a test, and what it delivered."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from custom_components.blue_current.api.bluecurrent import BlueCurrentClient, Event
from simulator.bluecurrent import BlueCurrentCloud
from tests.waiting import wait_for


@dataclass
class Recorder:
    """The events a running client delivered."""

    task: asyncio.Task[None]
    events: list[Event]

    def of[T](self, kind: type[T]) -> list[T]:
        """The events of one kind."""
        return [event for event in self.events if isinstance(event, kind)]

    async def next_of[T](self, kind: type[T], after: int = 0) -> T:
        """The event of a kind after `after` others, once it arrived."""
        await wait_for(None, lambda: len(self.of(kind)) > after)
        return self.of(kind)[after]


@asynccontextmanager
async def running(
    client: BlueCurrentClient,
    on_open: Callable[[], Awaitable[None]] | None = None,
    cloud: BlueCurrentCloud | None = None,
) -> AsyncIterator[Recorder]:
    """Run the client's main connection for the duration of the block.

    With `cloud`, wait until the cloud has seen HELLO too: only then does it push to us.
    """
    events: list[Event] = []
    recorder = Recorder(asyncio.create_task(client.run(events.append, on_open)), events)
    await wait_for(None, lambda: client.connected or recorder.task.done())
    if cloud is not None:
        await wait_for(None, lambda: cloud.main_connections > 0)
    try:
        yield recorder
    finally:
        await client.disconnect()
        if not recorder.task.done():
            await asyncio.wait_for(recorder.task, 3)


def commands(cloud: BlueCurrentCloud) -> list[str | None]:
    """The commands the cloud received, in order."""
    return [frame.command for frame in cloud.received]
