"""Hypothesis strategies for what a cloud might send: any JSON, real frames spoilt, raw junk.

Every fuzz test runs with FUZZ_SETTINGS: derandomized and without an example database, so
CI draws the same examples on every run.
"""

from __future__ import annotations

import copy
import json
import random
from typing import Any

from hypothesis import HealthCheck, settings, strategies as st

FUZZ_SETTINGS = settings(
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
        HealthCheck.filter_too_much,
    ],
)

type Json = Any

HUGE = 10**400  # far beyond the range of a float
# Python 3.14's JSON decoder gives up (RecursionError) somewhere between 60,000 and 100,000
# levels on the main thread's stack: this is past that, with room.
TOO_DEEP_LEVELS = 150_000
TOO_DEEP = "\u2063too deep\u2063"  # a marker in a value, replaced by to_text
_TOO_DEEP_TEXT = json.dumps(TOO_DEEP)

# Values that broke parsers before, or plausibly could: wrong types, NaN/inf, huge, empty.
NASTY_VALUES: list[Json] = [
    None,
    "",
    " ",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "-Infinity",
    "1e400",
    "-0",
    "0x10",
    "1_000",
    True,
    False,
    0,
    1,
    -1,
    2**63,
    HUGE,
    -HUGE,
    1e308,
    -1e308,
    5e-324,
    float("nan"),
    float("inf"),
    float("-inf"),
    [],
    {},
    [[[]]],
    [None],
    {"value": None},
    {"value": float("nan")},
    "\x00",
    "\ud7ff\ue000",
    "x" * 5000,
    "20240101 25:61:61",
    "2024-13-45T99:99:99",
    "99999999 00:00:00+99:99",
    "00010101 00:00:00",  # before datetime.min once moved to UTC
    "99991231 23:59:59-01:00",
    "0001-01-01T00:00:00+01:00",
    "9999-12-31T23:59:59-05:00",
    "A",
    "Z",
]

# What a number may turn into: NaN, infinities, beyond a float, numeric-looking text, not a number.
NASTY_NUMBERS: list[Json] = [
    float("nan"),
    float("inf"),
    float("-inf"),
    HUGE,
    -HUGE,
    2**1023,
    1e308,
    "nan",
    "inf",
    "-Infinity",
    "1e400",
    "",
    "12,5",
    True,
    None,
    [1],
    {"value": 1},
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-HUGE, max_value=HUGE),
    st.floats(),  # NaN and ±inf included
    st.text(max_size=30),
)


def json_values(max_leaves: int = 25) -> st.SearchStrategy[Json]:
    """Any JSON value (NaN and Infinity included, as Python's json accepts them)."""
    return st.recursive(
        scalars,
        lambda children: (
            st.lists(children, max_size=5)
            | st.dictionaries(st.text(max_size=12), children, max_size=5)
        ),
        max_leaves=max_leaves,
    )


def nested(depth: int) -> Json:
    """A list nested `depth` levels deep."""
    value: Json = []
    for _ in range(depth):
        value = [value]
    return value


_SEEDED = st.randoms(use_true_random=True, note_method_calls=False)


def _random_json(rng: random.Random, budget: int = 8) -> Json:
    """A small JSON value of any shape."""
    kind = rng.randrange(8 if budget > 0 else 6)
    if kind == 0:
        return None
    if kind == 1:
        return rng.random() < 0.5
    if kind == 2:
        return rng.randint(-(2**70), 2**70)
    if kind == 3:
        return rng.choice([rng.uniform(-1e6, 1e6), rng.choice(NASTY_NUMBERS)])
    if kind in {4, 5}:
        return "".join(
            chr(rng.choice([rng.randrange(32, 127), rng.randrange(0x10FFFF)]))
            for _ in range(rng.randrange(12))
        )
    if kind == 6:
        return [_random_json(rng, budget // 2) for _ in range(rng.randrange(4))]
    return {f"k{rng.randrange(9)}": _random_json(rng, budget // 2) for _ in range(rng.randrange(4))}


def _weird_value(rng: random.Random) -> Json:
    """Something a field should not hold: a nasty classic, any small JSON, or deep nesting."""
    match rng.randrange(4):
        case 0 | 1:
            return copy.deepcopy(rng.choice(NASTY_VALUES))  # a copy: the list must stay as it is
        case 2:
            return _random_json(rng)
        case _:
            # Now and then nesting past the decoder's limit (it costs ~20 ms to refuse).
            return TOO_DEEP if rng.randrange(50) == 0 else nested(rng.randrange(50, 400))


def _slots(value: Json) -> list[tuple[Json, Any]]:
    """Every (container, key) in a JSON value: the places a mutation can hit."""
    found: list[tuple[Json, Any]] = []
    stack = [value]
    while stack:
        container = stack.pop()
        if isinstance(container, dict):
            keys: list[Any] = list(container)
        elif isinstance(container, list):
            keys = list(range(len(container)))
        else:
            continue
        for key in keys:
            found.append((container, key))
            stack.append(container[key])
    return found


def _is_number(value: Json) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def spoil(template: Json, rng: random.Random, max_mutations: int = 4) -> Json:
    """A copy of a real frame or body with a few values replaced, removed, wrapped or retyped.

    Numbers are aimed at on purpose (one mutation in three), since NaN and overflow hide there.
    """
    value = copy.deepcopy(template)
    for _ in range(rng.randrange(max_mutations + 1)):
        slots = _slots(value)
        numbers = [(c, k) for c, k in slots if _is_number(c[k])]
        if numbers and rng.randrange(3) == 0:
            container, key = rng.choice(numbers)
            container[key] = copy.deepcopy(rng.choice(NASTY_NUMBERS))
            continue
        if not slots:
            break
        container, key = rng.choice(slots)
        match rng.choice(["replace", "replace", "remove", "wrap", "as-text"]):
            case "replace":
                container[key] = _weird_value(rng)
            case "remove":
                del container[key]
            case "wrap":
                container[key] = [container[key]]
            case _:
                container[key] = json.dumps(container[key], allow_nan=True)
    return value


def mutated(templates: list[Json]) -> st.SearchStrategy[Json]:
    """Real frames or bodies, spoilt (see spoil).

    Hypothesis draws the template and a seed; the mutations follow from the seed. That keeps
    an example to two draws, fast enough for tens of thousands of examples, and repeatable
    since the seed is drawn like any other value.
    """
    return st.builds(spoil, st.sampled_from(templates), _SEEDED)


def _spoil_text(text: str, rng: random.Random) -> str:
    match rng.randrange(3):
        case 0:
            return text[: rng.randrange(len(text) + 1)]
        case 1:
            at = rng.randrange(len(text) + 1)
            return text[:at] + chr(rng.randrange(0x10FFFF)) + text[at:]
        case _:
            depth = rng.choice([10, 1_100, 30_000, TOO_DEEP_LEVELS])
            return "[" * depth + text + "]" * depth


def spoilt_text(texts: list[str]) -> st.SearchStrategy[str]:
    """A real frame's text, cut off, with a character inserted, or wrapped in deep nesting."""
    return st.builds(_spoil_text, st.sampled_from(texts), _SEEDED)


def encoded(texts: st.SearchStrategy[str]) -> st.SearchStrategy[str | bytes]:
    """Text as sent in a text frame, or encoded as a binary frame might carry it."""
    return texts | st.tuples(texts, st.sampled_from(["utf-8", "utf-16", "utf-32"])).map(
        lambda pair: pair[0].encode(pair[1], errors="surrogatepass")
    )


def to_text(value: Json) -> str:
    """JSON text the way a lenient server writes it (NaN and Infinity as bare words).

    TOO_DEEP becomes nesting that Python could not build, let alone write, as a value.
    """
    text = json.dumps(value, allow_nan=True)
    if _TOO_DEEP_TEXT in text:
        text = text.replace(_TOO_DEEP_TEXT, "[" * TOO_DEEP_LEVELS + "]" * TOO_DEEP_LEVELS)
    return text
