"""The floor: the least any client can spend on the stream, and on the state writes it causes.

Receive floor: one aiohttp websocket on the simulator, logged in as an account's main
connection, that decodes each frame with orjson (the decoder Home Assistant itself uses) and
drops it. Write floor: the same receiver inside a Home Assistant process that, per frame,
writes as many states of plain entities as our integration changes per message; nothing else.
The same writes of plain sensors (a device class, unit and state class, as ours have) show
what Home Assistant's sensor platform adds to each write, whoever makes it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
import logging
from typing import Protocol

import aiohttp
from aiohttp import WSMsgType
from homeassistant.components.sensor import (
    SensorDeviceClass,
    SensorEntity,
    SensorEntityDescription,
    SensorStateClass,
)
from homeassistant.const import (
    CURRENCY_EURO,
    UnitOfElectricCurrent,
    UnitOfElectricPotential,
    UnitOfEnergy,
    UnitOfPower,
)
from homeassistant.core import HomeAssistant
from homeassistant.helpers.entity import Entity
from homeassistant.helpers.entity_component import EntityComponent
import orjson

DOMAIN = "bench_floor"  # the plain entities' domain: entity ids bench_floor.plain_N
SENSOR_DOMAIN = "bench_floor_sensor"  # the plain sensors' domain
ENTITIES = 100  # plain entities the writes rotate over
LOGIN_TIMEOUT = 30.0

_LOGGER = logging.getLogger(__name__)


class LoginError(RuntimeError):
    """The simulator refused the token, or closed before listing the charge points."""


def _frame(message: dict[str, object]) -> str:
    return orjson.dumps(message).decode()


async def open_stream(
    session: aiohttp.ClientSession, url: str, api_token: str
) -> aiohttp.ClientWebSocketResponse:
    """A websocket that gets the account's pushes: token check, HELLO, charge points listed.

    Waiting for the charge-point list (the reply to a request sent after HELLO) proves the
    simulator has taken HELLO, so every push from then on reaches this socket.
    """
    ws = await session.ws_connect(url, autoping=True)
    try:
        await ws.send_str(_frame({"command": "VALIDATE_API_TOKEN", "token": api_token}))
        authorization = f"Token {_session_token(await _next_object(ws))}"
        await ws.send_str(
            _frame({"command": "HELLO", "header": "homeassistant", "Authorization": authorization})
        )
        await ws.send_str(_frame({"command": "GET_CHARGE_POINTS", "Authorization": authorization}))
        while (await _next_object(ws)).get("object") != "CHARGE_POINTS":
            pass
    except BaseException:
        await ws.close()
        raise
    return ws


def _session_token(reply: dict[str, object]) -> str:
    token = reply.get("token")
    if reply.get("object") != "STATUS_API_TOKEN" or not isinstance(token, str):
        raise LoginError("the simulator refused the token")
    return token


async def _next_object(ws: aiohttp.ClientWebSocketResponse) -> dict[str, object]:
    message = await ws.receive(timeout=LOGIN_TIMEOUT)
    if message.type is not WSMsgType.TEXT:
        raise LoginError(f"the simulator ended the connection ({message.type.name})")
    value = orjson.loads(message.data)
    return value if isinstance(value, dict) else {}


async def drain(
    ws: aiohttp.ClientWebSocketResponse, on_frame: Callable[[], None] | None = None
) -> None:
    """Decode every frame and drop it, until the connection ends.

    `on_frame` runs after each frame (the write floor's writes); the receive floor has none.
    """
    receive = ws.receive
    loads = orjson.loads
    text = WSMsgType.TEXT
    while True:
        message = await receive()
        if message.type is not text:
            return
        loads(message.data)
        if on_frame is not None:
            on_frame()


class Shows(Protocol):
    """An entity the writer gives a new value."""

    def show(self, value: int) -> None:
        """Take a new state and write it."""


class PlainEntity(Entity):
    """An entity with a name, a unique id and a state: nothing to compute on a write."""

    _attr_should_poll = False

    def __init__(self, number: int) -> None:
        """Plain N, state 0."""
        self._attr_unique_id = f"plain_{number}"
        self._attr_name = f"Plain {number}"
        self._attr_state = 0

    def show(self, value: int) -> None:
        """Take a new state and write it."""
        self._attr_state = value
        self.async_write_ha_state()


# The kinds of sensor ours writes on a push: energy, current, voltage, power and cost.
SENSOR_KINDS = tuple(
    SensorEntityDescription(
        key=key, device_class=device_class, native_unit_of_measurement=unit, state_class=kind
    )
    for key, device_class, unit, kind in (
        (
            "energy",
            SensorDeviceClass.ENERGY,
            UnitOfEnergy.KILO_WATT_HOUR,
            SensorStateClass.TOTAL_INCREASING,
        ),
        (
            "current",
            SensorDeviceClass.CURRENT,
            UnitOfElectricCurrent.AMPERE,
            SensorStateClass.MEASUREMENT,
        ),
        (
            "voltage",
            SensorDeviceClass.VOLTAGE,
            UnitOfElectricPotential.VOLT,
            SensorStateClass.MEASUREMENT,
        ),
        ("power", SensorDeviceClass.POWER, UnitOfPower.WATT, SensorStateClass.MEASUREMENT),
        ("cost", SensorDeviceClass.MONETARY, CURRENCY_EURO, SensorStateClass.TOTAL),
    )
)


class PlainSensor(SensorEntity):
    """A sensor with a device class, unit and state class as ours have; its value is set."""

    _attr_should_poll = False

    def __init__(self, number: int) -> None:
        """Sensor N, of the kinds in turn, value 0."""
        self.entity_description = SENSOR_KINDS[number % len(SENSOR_KINDS)]
        self._attr_unique_id = f"sensor_{number}"
        self._attr_name = f"Sensor {number}"
        self._attr_native_value = 0.0

    def show(self, value: int) -> None:
        """Take a new value and write it."""
        self._attr_native_value = value / 1000
        self.async_write_ha_state()


async def add_plain_entities(
    hass: HomeAssistant, count: int = ENTITIES
) -> tuple[list[PlainEntity], list[PlainSensor]]:
    """Plain entities and plain sensors, added the ordinary way (an EntityComponent each),
    each with its first state."""
    entities = [PlainEntity(number) for number in range(count)]
    await EntityComponent[PlainEntity](_LOGGER, DOMAIN, hass).async_add_entities(entities)
    sensors = [PlainSensor(number) for number in range(count)]
    await EntityComponent[PlainSensor](_LOGGER, SENSOR_DOMAIN, hass).async_add_entities(sensors)
    return entities, sensors


class Writer:
    """Per frame, `per_message` state writes on average (a fraction carries to the next frame).

    Each write gives the next entity, round robin, a new value: a state change, as each of
    our integration's writes is.
    """

    def __init__(self, entities: Sequence[Shows]) -> None:
        """No writes until per_message is set."""
        self._entities = entities
        self._next = 0
        self._due = 0.0
        self._value = 0
        self.per_message = 0.0
        self.writes = 0

    def write_to(self, entities: Sequence[Shows]) -> None:
        """From now on, write these entities (round robin from the first)."""
        self._entities = entities
        self._next = 0

    def on_frame(self) -> None:
        """The writes one frame causes."""
        self._due += self.per_message
        while self._due >= 1.0:
            self._due -= 1.0
            entity = self._entities[self._next]
            self._next = (self._next + 1) % len(self._entities)
            self._value += 1
            entity.show(self._value)
            self.writes += 1
