"""A Home Assistant process running one flavour of blue_current; the orchestrator drives it.

`python -m bench.worker core|ours|floor` waits for commands on stdin. A "session" starts a
fresh Home Assistant instance on a fresh event loop (made as Home Assistant's runner makes
it), adds one config entry pointed at the simulator and replies once every entity has a
state. Within a session the orchestrator opens and closes measurement windows; "end" stops the
instance. Both flavours have the domain `blue_current`, so a worker only ever runs one:
"core" turns custom integrations off, "ours" lets Home Assistant find custom_components.
"floor" runs no integration: its sessions are the floor of bench.floor. A "bare" session runs
without Home Assistant: the client library alone (or, for the floor, the cheapest receiver).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping
import cProfile
import gc
import importlib
import logging
import os
from pathlib import Path
import pkgutil
import queue
import sys
import tempfile
import threading
import time
import tracemalloc
from types import MappingProxyType
from typing import Any, TextIO, cast

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from homeassistant import bootstrap, loader, runner
from homeassistant.config_entries import ConfigEntries, ConfigEntry, ConfigEntryState
from homeassistant.const import (
    EVENT_STATE_CHANGED,
    EVENT_STATE_REPORTED,
    STATE_UNAVAILABLE,
    STATE_UNKNOWN,
    Platform,
)
from homeassistant.core import (
    CALLBACK_TYPE,
    Event,
    EventStateChangedData,
    EventStateReportedData,
    HomeAssistant,
    callback,
)
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.aiohttp_client import DATA_RESOLVER, HassAsyncDNSResolver
from homeassistant.helpers.entity_platform import MAX_ENABLED_ENTITIES_PER_CONFIG_ENTRY
from homeassistant.helpers.event import async_track_state_change_event
from homeassistant.setup import async_setup_component

from . import floor
from .channel import FLOOR, WORKER_KINDS, Message, decode, encode
from .profiling import OURS, WindowProfile

DOMAIN = "blue_current"
TIME_ZONE = "Europe/Amsterdam"
IDLE_LIMIT = 900.0  # seconds without a command: the orchestrator is gone, exit
READY_TIMEOUT = 120.0  # seconds a set-up may take before it counts as failed
MARKER_PREFIX = "actual_kwh_"  # the sensor whose state times a CH_STATUS (see bench.stream)
STATUS_PREFIX = "activity_"  # every charge point shows its activity once its status is in
GRID_PREFIX = "grid_avg_current"  # and the grid its average current

PROFILE_ENV = "BENCH_PROFILE"  # a directory: each window is profiled (cProfile) into it

_LOGGER = logging.getLogger("bench.worker")

# Imported whole before any timing (with the Home Assistant platforms they use), so a set-up
# measures set-up and not Python's imports. Ours is found by its package name only: its
# modules move around inside the package.
_PACKAGES = {"core": "homeassistant.components.blue_current", "ours": OURS}
_RECONNECT_DELAY = "reconnect_delay"  # our back-off (attempt -> seconds), wherever it lives


class Channel:
    """Commands in from stdin (a reader thread), replies out on a private copy of stdout."""

    def __init__(self) -> None:
        """Keep stdout for replies; everything else written to fd 1 goes to stderr."""
        self._out: TextIO = os.fdopen(os.dup(1), "w", encoding="utf-8")
        os.dup2(2, 1)
        self._inbox: queue.Queue[Message | None] = queue.Queue()
        self.closed = False  # stdin closed, "quit", or idle too long: the worker exits
        threading.Thread(target=self._read, name="bench-stdin", daemon=True).start()

    def _read(self) -> None:
        for line in sys.stdin:
            message = decode(line)
            if message is not None:
                self._inbox.put(message)
        self._inbox.put(None)  # the orchestrator closed our stdin

    def receive(self, timeout: float = IDLE_LIMIT) -> Message | None:
        """The next command; None (from then on) when stdin closed or nothing came in time."""
        if self.closed:
            return None
        try:
            message = self._inbox.get(timeout=timeout)
        except queue.Empty:
            message = None
        if message is None or message.get("cmd") == "quit":
            self.closed = True
            return None
        return message

    def reply(self, message: Message) -> None:
        """Send one reply line."""
        self._out.write(encode(message))
        self._out.flush()


async def start_hass(flavor: str, config_dir: str) -> HomeAssistant:
    """A running Home Assistant core: registries, config entries, core integrations."""
    hass = HomeAssistant(config_dir)
    loader.async_setup(hass)
    hass.config.skip_pip = True
    await hass.config.async_set_time_zone(TIME_ZONE)
    if flavor != "ours":
        # No custom integrations: "blue_current", if any, is then Home Assistant's own.
        hass.data[loader.DATA_CUSTOM_COMPONENTS] = {}
    hass.data[DATA_RESOLVER] = cast("HassAsyncDNSResolver", LoopbackResolver())
    hass.config_entries = ConfigEntries(hass, {})
    if not await bootstrap.async_load_base_functionality(hass):
        raise RuntimeError("Home Assistant could not load its registries")
    for domain in sorted(bootstrap.CORE_INTEGRATIONS):
        if not await async_setup_component(hass, domain, {}):
            raise RuntimeError(f"Home Assistant could not set up {domain}")
    await hass.async_start()
    return hass


class LoopbackResolver(AbstractResolver):
    """Stands in for Home Assistant's zeroconf-backed resolver, which would open multicast
    sockets; the simulator's URL is an IP address, so nothing is ever resolved."""

    async def resolve(self, host: str, port: int = 0, family: Any = 0) -> list[ResolveResult]:
        """Refuse: the benchmark only connects to 127.0.0.1."""
        raise OSError(f"the benchmark resolves no names ({host})")

    async def close(self) -> None:
        """Nothing to close."""

    async def real_close(self) -> None:
        """Nothing to close (Home Assistant's resolver has this too)."""


def _no_delay(attempt: int) -> float:
    """Reconnect at once (the compressed day of the requests scenario)."""
    return 0.0


_ORIGINAL_DELAYS: dict[str, object] = {}  # module name -> its delay before we changed it


def point_at_simulator(flavor: str, url: str, *, fast_reconnect: bool) -> None:
    """Core's library reads its URL on each connect; ours takes it from the entry.

    With fast_reconnect both reconnect without waiting (core's DELAY, our back-off);
    otherwise their own delays apply again (a worker serves several sessions).
    """
    if flavor == "core":
        from bluecurrent_api import websocket  # noqa: PLC0415
        from homeassistant.components import blue_current  # noqa: PLC0415

        websocket.URL = url
        _set_delay(vars(blue_current), blue_current.__name__, "DELAY", 0, fast=fast_reconnect)
        return
    holders = _modules_holding(OURS, _RECONNECT_DELAY)
    if not holders:
        raise RuntimeError(f"no module of {OURS} has {_RECONNECT_DELAY}() any more")
    for name in holders:
        namespace = vars(sys.modules[name])
        _set_delay(namespace, name, _RECONNECT_DELAY, _no_delay, fast=fast_reconnect)


def _set_delay(
    namespace: dict[str, object], module: str, name: str, quick: object, *, fast: bool
) -> None:
    original = _ORIGINAL_DELAYS.setdefault(module, namespace[name])
    namespace[name] = quick if fast else original


def _modules_holding(package: str, name: str) -> list[str]:
    """The loaded modules of a package that have a global of that name (defined or imported)."""
    return sorted(
        module_name
        for module_name, module in list(sys.modules.items())
        if (module_name == package or module_name.startswith(package + "."))
        and name in vars(module)
    )


def make_entry(flavor: str, params: Message) -> ConfigEntry:
    """The account entry: core stores only the token; ours also the server URL."""
    data = {"api_token": str(params["token"])}
    if flavor == "ours":
        data["server_url"] = str(params["url"])
    return ConfigEntry(
        data=data,
        discovery_keys=MappingProxyType({}),
        domain=DOMAIN,
        minor_version=1,
        options={},
        source="user",
        subentries_data=None,
        title=str(params["title"]),
        unique_id=str(params["customer_id"]),
        version=1,
    )


class ReadyWaiter:
    """Done when the entry is loaded, every enabled entity has a state, every charge point
    shows its activity and the grid its average current.

    Home Assistant adds at most MAX_ENABLED_ENTITIES_PER_CONFIG_ENTRY enabled entities per
    entry and refuses the rest; past that cap, ready means: everything it accepted is there.
    """

    def __init__(self, hass: HomeAssistant, entry_id: str, charge_points: int) -> None:
        """Start listening to state changes."""
        self._hass = hass
        self._entry_id = entry_id
        self._expected = charge_points
        self._registry = er.async_get(hass)
        self._with_status: set[str] = set()
        self._grid_shown = False
        self._done = asyncio.Event()
        self.ready_at = 0.0
        self.ready_cpu = 0.0
        self._unsubscribe = hass.bus.async_listen(EVENT_STATE_CHANGED, self._on_state)

    @property
    def capped(self) -> bool:
        """Whether Home Assistant's cap on enabled entities was reached."""
        enabled = self._registry.entities.get_enabled_count_for_config_entry_id(self._entry_id)
        return enabled >= MAX_ENABLED_ENTITIES_PER_CONFIG_ENTRY

    @callback
    def _on_state(self, event: Event[EventStateChangedData]) -> None:
        entry = self._registry.async_get(event.data["entity_id"])
        if entry is None or entry.config_entry_id != self._entry_id:
            return
        new_state = event.data["new_state"]
        shown = new_state is not None and new_state.state not in (STATE_UNKNOWN, STATE_UNAVAILABLE)
        if entry.unique_id.startswith(STATUS_PREFIX):
            if shown:
                self._with_status.add(entry.entity_id)
            else:
                self._with_status.discard(entry.entity_id)
        elif entry.unique_id.startswith(GRID_PREFIX):
            self._grid_shown = shown
        self.check()

    @callback
    def check(self) -> None:
        """Mark the moment everything is there."""
        if self._done.is_set():
            return
        capped = self.capped
        if not capped and (len(self._with_status) < self._expected or not self._grid_shown):
            return
        entry = self._hass.config_entries.async_get_entry(self._entry_id)
        if entry is None or entry.state is not ConfigEntryState.LOADED:
            return
        for registered in er.async_entries_for_config_entry(self._registry, self._entry_id):
            if registered.disabled_by is not None:
                continue
            if not self._hass.states.get(registered.entity_id):
                return
            if not capped:
                continue
            unique_id = registered.unique_id
            if (
                unique_id.startswith(STATUS_PREFIX)
                and registered.entity_id not in self._with_status
            ):
                return
            if unique_id.startswith(GRID_PREFIX) and not self._grid_shown:
                return
        self.ready_at = time.perf_counter()
        self.ready_cpu = time.process_time()
        self._done.set()

    async def wait(self) -> None:
        """Wait until ready (TimeoutError, saying what is missing, when it never is)."""
        try:
            async with asyncio.timeout(READY_TIMEOUT):
                await self._done.wait()
        except TimeoutError:
            raise TimeoutError(f"not ready after {READY_TIMEOUT:.0f} s: {self.missing()}") from None
        finally:
            self._unsubscribe()

    def missing(self) -> str:
        """What the set-up still lacks."""
        entry = self._hass.config_entries.async_get_entry(self._entry_id)
        registered = er.async_entries_for_config_entry(self._registry, self._entry_id)
        stateless = [
            r.entity_id
            for r in registered
            if r.disabled_by is None and not self._hass.states.get(r.entity_id)
        ]
        return (
            f"entry {entry.state.value if entry else 'gone'}, "
            f"{len(self._with_status)}/{self._expected} charge points show their activity, "
            f"grid shown: {self._grid_shown}, {len(stateless)} entities without a state "
            f"{stateless[:5]}"
        )


class Profile:
    """cProfile of the event loop's thread, when BENCH_PROFILE names a directory."""

    def __init__(self, flavor: str, what: str) -> None:
        """Start profiling (or do nothing without BENCH_PROFILE)."""
        self._directory = os.environ.get(PROFILE_ENV, "")
        self._name = f"{flavor}-{what}-{os.getpid()}-{time.time_ns()}.prof"
        self._profiler: cProfile.Profile | None = None
        if self._directory:
            self._profiler = cProfile.Profile()
            self._profiler.enable()

    def stop(self) -> None:
        """Stop and write the statistics (pstats format)."""
        if self._profiler is not None:
            self._profiler.disable()
            self._profiler.dump_stats(Path(self._directory) / self._name)
            self._profiler = None


class CpuClock:
    """Process CPU (all threads) and wall time between start() and stop()."""

    def __init__(self) -> None:
        """Not started."""
        self._wall = 0.0
        self._cpu = 0.0
        self._times = os.times()

    def start(self) -> None:
        """Take the clocks."""
        self._wall = time.perf_counter()
        self._times = os.times()
        self._cpu = time.process_time()

    def stop(self) -> Message:
        """CPU seconds (user, system, total) and wall seconds since start()."""
        cpu = time.process_time() - self._cpu
        times = os.times()
        return {
            "cpu_s": cpu,
            "user_s": times.user - self._times.user,
            "system_s": times.system - self._times.system,
            "wall_s": time.perf_counter() - self._wall,
        }


class Meter:
    """A measurement window: process CPU, state writes, and the marker sensors' states."""

    def __init__(self, hass: HomeAssistant, entry_id: str | None, flavor: str) -> None:
        """Nothing is counted before start(); without an entry there are no marker sensors."""
        self._hass = hass
        self._entry_id = entry_id
        self._flavor = flavor
        self._changed = 0
        self._reported = 0
        self._marks: list[tuple[str, str, float]] = []
        self._markers: dict[str, str] = {}
        self._unsubscribe: list[CALLBACK_TYPE] = []
        self._clock = CpuClock()
        self._profile: Profile | None = None

    @callback
    def _count_changed(self, _data: EventStateChangedData) -> bool:
        self._changed += 1
        return False  # counted; nothing to run

    @callback
    def _count_reported(self, _data: EventStateReportedData) -> bool:
        self._reported += 1
        return False

    @callback
    def _ignore(self, _event: Event[EventStateChangedData]) -> None:
        """Never called: the filters say no."""

    @callback
    def _ignore_reported(self, _event: Event[EventStateReportedData]) -> None:
        """Never called: the filter says no."""

    @callback
    def _on_marker(self, event: Event[EventStateChangedData]) -> None:
        new_state = event.data["new_state"]
        if new_state is not None:
            evse_id = self._markers[event.data["entity_id"]]
            self._marks.append((evse_id, new_state.state, event.time_fired_timestamp))

    def start(self) -> None:
        """Reset the counters and take the CPU clock."""
        registry = er.async_get(self._hass)
        registered_here = (
            er.async_entries_for_config_entry(registry, self._entry_id) if self._entry_id else []
        )
        self._markers = {
            registered.entity_id: registered.unique_id.removeprefix(MARKER_PREFIX)
            for registered in registered_here
            if registered.domain == "sensor" and registered.unique_id.startswith(MARKER_PREFIX)
        }
        self._changed = self._reported = 0
        self._marks = []
        gc.collect()
        bus = self._hass.bus
        self._unsubscribe = [
            bus.async_listen(EVENT_STATE_CHANGED, self._ignore, event_filter=self._count_changed),
            bus.async_listen(
                EVENT_STATE_REPORTED, self._ignore_reported, event_filter=self._count_reported
            ),
            async_track_state_change_event(self._hass, list(self._markers), self._on_marker),
        ]
        self._clock.start()
        self._profile = Profile(self._flavor, "window")

    def stop(self) -> Message:
        """What the window saw."""
        clock = self._clock.stop()
        if self._profile is not None:
            self._profile.stop()
            self._profile = None
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        return {
            **clock,
            "changed": self._changed,
            "reported": self._reported,
            "marked": sorted(self._markers.values()),
            "marks": self._marks,
        }


class Session:
    """One Home Assistant instance with one entry, from set-up to "end"."""

    def __init__(self, channel: Channel, flavor: str, params: Message) -> None:
        """Remember what to set up."""
        self._channel = channel
        self._flavor = flavor
        self._params = params
        self.ended = False

    async def run(self, config_dir: str) -> None:
        """Set up, answer commands, stop."""
        params = self._params
        point_at_simulator(
            self._flavor, str(params["url"]), fast_reconnect=bool(params["fast_reconnect"])
        )
        hass = await start_hass(self._flavor, config_dir)
        try:
            entry = make_entry(self._flavor, params)
            try:
                result = await self._set_up(hass, entry, trace_memory=bool(params["memory"]))
            except Exception as err:
                _LOGGER.exception("Set-up failed")
                self._channel.reply({"error": f"set-up failed: {err!r}"})
                return
            self._channel.reply(result)
            await self._serve(hass, entry)
        finally:
            await hass.async_stop()

    async def _set_up(
        self, hass: HomeAssistant, entry: ConfigEntry, *, trace_memory: bool
    ) -> Message:
        charge_points = int(self._params["charge_points"])
        waiter = ReadyWaiter(hass, entry.entry_id, charge_points)
        # Start each measurement from a collected heap, so a full collection that earlier work
        # made due does not land in one flavour's numbers by chance.
        gc.collect()
        if trace_memory:
            tracemalloc.start()
        base_memory = tracemalloc.get_traced_memory()[0] if trace_memory else 0
        profile = Profile(self._flavor, f"setup{charge_points}")
        started, started_cpu = time.perf_counter(), time.process_time()
        if entry.entry_id in {e.entry_id for e in hass.config_entries.async_entries(DOMAIN)}:
            await hass.config_entries.async_setup(entry.entry_id)
        else:
            await hass.config_entries.async_add(entry)
        if entry.state is not ConfigEntryState.LOADED:
            raise RuntimeError(f"the entry is {entry.state.value}: {entry.reason}")
        waiter.check()
        await waiter.wait()
        profile.stop()
        result: Message = {
            "setup_s": waiter.ready_at - started,
            "setup_cpu_s": waiter.ready_cpu - started_cpu,
            "entities": len(er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id)),
            "enabled": er.async_get(hass).entities.get_enabled_count_for_config_entry_id(
                entry.entry_id
            ),
            "capped": waiter.capped,
            "by_domain": _enabled_by_domain(hass, entry.entry_id),
            "states": len(hass.states.async_all()),
        }
        if trace_memory:
            gc.collect()
            result["memory_bytes"] = tracemalloc.get_traced_memory()[0] - base_memory
            tracemalloc.stop()
        return result

    async def _serve(self, hass: HomeAssistant, entry: ConfigEntry) -> None:
        async def reload(_message: Message) -> Message:
            if not await hass.config_entries.async_unload(entry.entry_id):
                return {"error": "unload failed"}
            await hass.async_block_till_done()
            return await self._set_up(hass, entry, trace_memory=False)

        meter = Meter(hass, entry.entry_id, self._flavor)
        commands = {**window_commands(self._channel, meter), "reload": reload}
        self.ended = await serve(self._channel, commands)


type Handler = Callable[[Message], Awaitable[Message]]


PROFILE_SETTLE = 0.05  # seconds for the threads that passed a command on to go back to sleep


def window_commands(channel: Channel, meter: Meter) -> dict[str, Handler]:
    """Measurement windows, and profiled windows, of a Home Assistant session."""

    async def measure_start(_message: Message) -> Message:
        meter.start()
        return {"ok": True}

    async def measure_stop(_message: Message) -> Message:
        return meter.stop()

    async def profile(message: Message) -> Message:
        """Profile for `seconds`; reply once when started, then with the profile.

        The profiler sees every thread's calls on one call stack, so the harness's own
        threads must not run Python code while it is on: the command is read before it
        starts, and the next one only after it stopped.
        """
        gc.collect()
        await asyncio.sleep(PROFILE_SETTLE)
        window = WindowProfile()
        window.start()
        channel.reply({"ok": True})
        await asyncio.sleep(float(message["seconds"]))
        return window.stop()

    return {"measure_start": measure_start, "measure_stop": measure_stop, "profile": profile}


async def serve(channel: Channel, commands: Mapping[str, Handler]) -> bool:
    """Answer commands until "end" (True), or "quit" or the orchestrator is gone (False)."""
    while True:
        message = await asyncio.to_thread(channel.receive)
        if message is None:
            return False
        command = str(message.get("cmd"))
        if command == "end":
            return True
        handler = commands.get(command)
        if handler is None:
            reply = {"error": f"unknown command {command!r}"}
        else:
            reply = await handler(message)
        channel.reply(reply)


def bare_commands() -> dict[str, Handler]:
    """Measurement windows of a session without Home Assistant: CPU only."""
    clock = CpuClock()

    async def measure_start(_message: Message) -> Message:
        gc.collect()
        clock.start()
        return {"ok": True}

    async def measure_stop(_message: Message) -> Message:
        no_states = {"changed": 0, "reported": 0, "marked": [], "marks": []}
        return {**clock.stop(), **no_states}

    return {"measure_start": measure_start, "measure_stop": measure_stop}


class BareSession:
    """The client library alone, without Home Assistant: what receiving the frames costs.

    Core's is bluecurrent-api's Client with a receiver that does nothing; ours is our
    BlueCurrentClient with a listener that does nothing. Both parse every frame as they
    would inside Home Assistant.
    """

    def __init__(self, channel: Channel, flavor: str, params: Message) -> None:
        """Remember whom to connect as."""
        self._channel = channel
        self._flavor = flavor
        self._url = str(params["url"])
        self._token = str(params["token"])
        self.ended = False

    async def run(self, _config_dir: str) -> None:
        """Connect, wait for the charge points, answer commands, disconnect."""
        listed = asyncio.Event()
        session: aiohttp.ClientSession | None = None
        if self._flavor == "core":
            from bluecurrent_api import Client, websocket  # noqa: PLC0415

            websocket.URL = self._url
            reference = Client()
            await reference.validate_api_token(self._token)

            async def receiver(message: dict[str, Any]) -> None:
                if message.get("object") == "CHARGE_POINTS":
                    listed.set()

            task = asyncio.create_task(reference.connect(receiver, reference.get_charge_points))
        else:
            from custom_components.blue_current.api.bluecurrent import (  # noqa: PLC0415
                BlueCurrentClient,
                ChargePointsEvent,
                Event as ClientEvent,
            )

            session = aiohttp.ClientSession()
            client = BlueCurrentClient(session, self._token, url=self._url)

            def listener(event: ClientEvent) -> None:
                if isinstance(event, ChargePointsEvent):
                    listed.set()

            task = asyncio.create_task(client.run(listener, client.request_charge_points))
        try:
            async with asyncio.timeout(READY_TIMEOUT):
                await listed.wait()
            self._channel.reply({"setup_s": 0.0})
            self.ended = await serve(self._channel, bare_commands())
        finally:
            task.cancel()
            await asyncio.gather(task, return_exceptions=True)
            if session is not None:
                await session.close()


class FloorSession:
    """The write floor: Home Assistant, plain entities, the cheapest receiver (bench.floor).

    Per frame the receiver decodes and drops it, then writes `per_message` states on average
    (the "writes" command sets it; zero until then).
    """

    def __init__(self, channel: Channel, _kind: str, params: Message) -> None:
        """Remember whom to connect as."""
        self._channel = channel
        self._url = str(params["url"])
        self._token = str(params["token"])
        self.ended = False

    async def run(self, config_dir: str) -> None:
        """Start Home Assistant, add the entities, connect, answer commands, stop."""
        hass = await start_hass(FLOOR, config_dir)
        session = aiohttp.ClientSession()
        task: asyncio.Task[None] | None = None
        try:
            plain, sensors = await floor.add_plain_entities(hass)
            writer = floor.Writer(plain)
            ws = await floor.open_stream(session, self._url, self._token)
            task = asyncio.create_task(floor.drain(ws, writer.on_frame))
            self._channel.reply({"setup_s": 0.0, "entities": floor.ENTITIES})

            async def writes(message: Message) -> Message:
                writer.per_message = float(message["per_message"])
                if message.get("entities") == "sensors":
                    writer.write_to(sensors)
                return {"ok": True}

            meter = Meter(hass, None, FLOOR)
            commands = {**window_commands(self._channel, meter), "writes": writes}
            self.ended = await serve(self._channel, commands)
        finally:
            if task is not None:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
            await session.close()
            await hass.async_stop()


class FloorBareSession:
    """The receive floor: the cheapest receiver alone, no Home Assistant (bench.floor)."""

    def __init__(self, channel: Channel, _kind: str, params: Message) -> None:
        """Remember whom to connect as."""
        self._channel = channel
        self._url = str(params["url"])
        self._token = str(params["token"])
        self.ended = False

    async def run(self, _config_dir: str) -> None:
        """Connect, answer commands, disconnect."""
        async with aiohttp.ClientSession() as session:
            ws = await floor.open_stream(session, self._url, self._token)
            task = asyncio.create_task(floor.drain(ws))
            try:
                self._channel.reply({"setup_s": 0.0})
                self.ended = await serve(self._channel, bare_commands())
            finally:
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
                await ws.close()


def _enabled_by_domain(hass: HomeAssistant, entry_id: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for registered in er.async_entries_for_config_entry(er.async_get(hass), entry_id):
        if registered.disabled_by is None:
            counts[registered.domain] = counts.get(registered.domain, 0) + 1
    return dict(sorted(counts.items()))


def _preimport(kind: str) -> None:
    package = _PACKAGES.get(kind)
    if package is None:
        return
    names = [package]
    root = importlib.import_module(package)
    names.extend(info.name for info in pkgutil.walk_packages(root.__path__, prefix=f"{package}."))
    platforms = {str(platform) for platform in Platform}
    for name in names:
        importlib.import_module(name)
        if (platform := name.rsplit(".", 1)[-1]) in platforms:
            importlib.import_module(f"homeassistant.components.{platform}")


def _close_loop(loop: asyncio.AbstractEventLoop) -> None:
    pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
    for task in pending:
        task.cancel()
    if pending:
        loop.run_until_complete(asyncio.wait(pending, timeout=10))
    loop.run_until_complete(loop.shutdown_default_executor())
    asyncio.set_event_loop(None)
    loop.close()


def main(argv: list[str]) -> int:
    """Serve sessions until "quit" or until stdin closes."""
    if len(argv) != 2 or argv[1] not in WORKER_KINDS:
        print(f"usage: python -m bench.worker {{{'|'.join(WORKER_KINDS)}}}", file=sys.stderr)
        return 2
    flavor = argv[1]
    logging.basicConfig(
        level=logging.WARNING,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )
    channel = Channel()
    _preimport(flavor)
    channel.reply({"ready": True, "flavor": flavor, "pid": os.getpid()})
    while True:
        message = channel.receive()
        if message is None:
            return 0
        if message.get("cmd") != "session":
            channel.reply({"error": f"expected a session, got {message.get('cmd')!r}"})
            continue
        bare = bool(message.get("bare"))
        session: Session | BareSession | FloorSession | FloorBareSession
        if flavor == FLOOR:
            session = (FloorBareSession if bare else FloorSession)(channel, flavor, message)
        else:
            session = (BareSession if bare else Session)(channel, flavor, message)
        loop = runner.create_event_loop()
        asyncio.set_event_loop(loop)
        try:
            with tempfile.TemporaryDirectory(prefix="bench-ha-") as config_dir:
                loop.run_until_complete(session.run(config_dir))
        except Exception as err:
            _LOGGER.exception("Session failed")
            channel.reply({"error": f"session failed: {err!r}"})
            continue
        finally:
            _close_loop(loop)
        if channel.closed:
            return 0
        if session.ended:
            channel.reply({"ended": True})


if __name__ == "__main__":
    sys.exit(main(sys.argv))
