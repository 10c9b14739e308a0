"""What Ollama accepts as options, and how a value is refused when it would not survive.

The option names and Go types come from Ollama v0.10.1 (`api/types.go`, the `Options` and
`Runner` structs). Ollama silently ignores an option it does not know, so a typo would make
a record that lies about the settings; it also converts values without complaint (a float
for an int is truncated, an int beyond 32 bits wraps where it reaches llama.cpp, a float32
overflows to infinity), so the ranges here refuse what would not mean what it says.

Pure functions on plain values, no parsing of text (that is `options`), so the window, the
CLI, replay and import all apply exactly these rules.
"""

from __future__ import annotations

import difflib
import enum
import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from journal.core import messages
from journal.core.errors import InvalidInputError
from journal.core.messages import Message, message

INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1
INT32_MAX = 2**31 - 1  # where llama.cpp takes the value as a C int
FLOAT32_MAX = 3.4028234663852886e38  # Ollama stores float options as Go float32

MAX_DEPTH = 16
"""Lists and objects nested deeper than this inside one option are refused: no option
Ollama knows nests at all, and a deep value only costs every later reader."""

MAX_VALUE_CHARS = 16_384
"""The longest one option may be as JSON (stop sequences included)."""


class OptionKind(enum.Enum):
    INT = "a whole number"
    FLOAT = "a number"
    BOOL = "true or false"
    STRINGS = "a list of texts"


@dataclass(frozen=True)
class OptionRule:
    """One option Ollama knows: its Go type and the values that make sense."""

    kind: OptionKind
    minimum: float | None = None
    maximum: float | None = None
    # Special values and what they mean (a messages.MEANS_* template).
    sentinels: Mapping[int, str] = field(default_factory=dict)

    def range_said(self) -> Message | None:
        """`between 0 and 1`, `at least -2 (-1: no limit, ...)` as a template the window
        translates; None when any value goes."""
        low, high = _number(self.minimum), _number(self.maximum)
        if low is not None and high is not None:
            said = message(messages.RANGE_BETWEEN, low=low, high=high)
        elif low is not None:
            said = message(messages.RANGE_AT_LEAST, low=low)
        elif high is not None:
            said = message(messages.RANGE_AT_MOST, high=high)
        else:
            return None
        special = [
            message(messages.RANGE_VALUE_MEANS, value=value, meaning=message(meaning))
            for value, meaning in self.sentinels.items()
        ]
        if len(special) == 1:
            return message(messages.RANGE_SPECIAL, range=said, special=special[0])
        if len(special) == 2:
            first, second = special
            return message(messages.RANGE_SPECIAL_TWO, range=said, first=first, second=second)
        return said


_INT = OptionKind.INT
_FLOAT = OptionKind.FLOAT

OPTION_RULES: Mapping[str, OptionRule] = {
    # Options: used when predicting.
    "num_keep": OptionRule(_INT, -1, INT32_MAX, {-1: messages.MEANS_KEEP_PROMPT}),
    "seed": OptionRule(_INT),
    "num_predict": OptionRule(
        _INT, -2, None, {-1: messages.MEANS_NO_LIMIT, -2: messages.MEANS_CONTEXT_FULL}
    ),
    "top_k": OptionRule(_INT, 0, INT32_MAX),
    "top_p": OptionRule(_FLOAT, 0, 1),
    "min_p": OptionRule(_FLOAT, 0, 1),
    "typical_p": OptionRule(_FLOAT, 0, 1),
    "repeat_last_n": OptionRule(_INT, -1, INT32_MAX, {-1: messages.MEANS_WHOLE_CONTEXT}),
    "temperature": OptionRule(_FLOAT, 0),
    "repeat_penalty": OptionRule(_FLOAT, 0),
    "presence_penalty": OptionRule(_FLOAT),
    "frequency_penalty": OptionRule(_FLOAT),
    "stop": OptionRule(OptionKind.STRINGS),
    # Runner: used when the model is loaded.
    "num_ctx": OptionRule(_INT, 1, INT32_MAX),
    "num_batch": OptionRule(_INT, 1, INT32_MAX),
    "num_gpu": OptionRule(_INT, -1, INT32_MAX, {-1: messages.MEANS_OLLAMA_DECIDES}),
    "main_gpu": OptionRule(_INT, 0, INT32_MAX),
    "use_mmap": OptionRule(OptionKind.BOOL),
    "num_thread": OptionRule(_INT, 0, INT32_MAX, {0: messages.MEANS_OLLAMA_DECIDES}),
}

REQUEST_FIELDS = ("keep_alive", "think")
"""Not model options but request fields; `-o` and the settings accept them for convenience."""

THINK_LEVELS = ("low", "medium", "high")

# Ollama turns a number into `int(seconds) * time.Second`: beyond this it overflows.
MAX_KEEP_ALIVE_SECONDS = INT64_MAX // 10**9
_KEEP_ALIVE_NUMBER = re.compile(r"\s*-?[0-9]+(\.[0-9]+)?\s*")  # sent as a number, see service


def _number(value: float | None) -> float | None:
    """A bound as a message says it: 1, not 1.0."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else float(value)


def shown(value: Any) -> str:
    """A value as a person reads it in a message, cut short when long."""
    if isinstance(value, float) and not math.isfinite(value):
        text = "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    elif isinstance(value, str):
        text = f"'{value}'"
    else:
        try:
            text = json.dumps(value, ensure_ascii=False)
        except (TypeError, ValueError, RecursionError):
            text = type(value).__name__
    return text if len(text) <= 60 else text[:59] + "…"


def is_known(key: str) -> bool:
    return key in OPTION_RULES or key in REQUEST_FIELDS


def suggestion(key: str) -> str | None:
    """The known option `key` was probably meant to be (`temprature` -> temperature)."""
    names = [*OPTION_RULES, *REQUEST_FIELDS]
    lowered = key.lower()
    if lowered in names:
        return lowered
    matches = difflib.get_close_matches(lowered, names, n=1, cutoff=0.6)
    return matches[0] if matches else None


# -- values ------------------------------------------------------------------------------


def check_value(key: str, value: Any, *, ranges: bool = True) -> None:
    """Raise InvalidInputError (naming `key` and the reason) unless Ollama can take `value`
    for `key` and mean what it says; any key, known or not.

    Without `ranges`, a value only has to be sendable (type, finiteness, size): for values a
    run already recorded, which Ollama took then, and a replay must send again as they were.
    """
    rule = OPTION_RULES.get(key)
    if rule is not None:
        _check_known(key, rule, value, ranges=ranges)
    problem = json_problem(value)
    if problem:
        raise InvalidInputError(f"Option {key} {problem}.")


def _check_known(key: str, rule: OptionRule, value: Any, *, ranges: bool) -> None:
    if rule.kind is OptionKind.BOOL:
        if not isinstance(value, bool):
            raise _refused(messages.OPTION_NEEDS_BOOL, key, value)
        return
    if rule.kind is OptionKind.STRINGS:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise _refused(messages.OPTION_NEEDS_TEXTS, key, value)
        if "" in value:
            raise InvalidInputError(message(messages.OPTION_EMPTY_STOP, key=key))
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        needs = (
            messages.OPTION_NEEDS_WHOLE
            if rule.kind is OptionKind.INT
            else messages.OPTION_NEEDS_NUMBER
        )
        raise _refused(needs, key, value)
    if isinstance(value, float) and not math.isfinite(value):
        raise _refused(messages.OPTION_NEEDS_FINITE, key, value)
    if rule.kind is OptionKind.INT:
        if isinstance(value, float) and not value.is_integer():
            raise _refused(messages.OPTION_NEEDS_WHOLE, key, value)
        if not INT64_MIN <= value <= INT64_MAX:
            said = message(
                messages.OPTION_INT64, key=key, low=INT64_MIN, high=INT64_MAX, value=shown(value)
            )
            raise InvalidInputError(said)
    elif abs(value) > FLOAT32_MAX:
        raise _refused(messages.OPTION_FLOAT32, key, value)
    if not ranges:
        return
    below = rule.minimum is not None and value < rule.minimum
    above = rule.maximum is not None and value > rule.maximum
    if below or above:
        said = message(messages.OPTION_RANGE, key=key, range=rule.range_said(), value=shown(value))
        raise InvalidInputError(said)


def _refused(template: str, key: str, value: Any) -> InvalidInputError:
    return InvalidInputError(message(template, key=key, value=shown(value)))


def json_problem(value: Any) -> str | None:
    """Why `value` cannot travel as JSON to Ollama and back into the journal, or None.

    Worded to follow "Option KEY ..." or "... field 'name' ...".
    """
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if not _is_unicode(item):
                return "holds text that is not valid Unicode (a lone surrogate)"
        elif isinstance(item, float):
            if not math.isfinite(item):
                return f"holds {shown(item)}, which JSON cannot carry"
        elif isinstance(item, bool) or item is None:
            pass
        elif isinstance(item, int):
            if item.bit_length() > 1023:  # beyond any float64, which is how Go reads it
                return "holds a number too large for JSON readers"
        elif isinstance(item, list | dict):
            if depth >= MAX_DEPTH:
                return f"is nested deeper than {MAX_DEPTH} levels"
            if isinstance(item, dict):
                for name in item:
                    if not isinstance(name, str):
                        return f"has a key that is not text: {shown(name)}"
                    stack.append((name, depth + 1))
                stack.extend((inner, depth + 1) for inner in item.values())
            else:
                stack.extend((inner, depth + 1) for inner in item)
        else:
            return f"holds a {type(item).__name__}, which is not a JSON value"
    # A number, true, false or null checked above is at most a few hundred characters: only
    # text, lists and objects can be too long (an import checks every recorded option).
    if isinstance(value, str | list | dict) and (
        len(json.dumps(value, ensure_ascii=False)) > MAX_VALUE_CHARS
    ):
        return f"is longer than {MAX_VALUE_CHARS} characters as JSON"
    return None


def _is_unicode(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# -- request fields ----------------------------------------------------------------------


def check_think(value: Any) -> None:
    if value is None or isinstance(value, bool) or value in THINK_LEVELS:
        return
    raise InvalidInputError(message(messages.THINK_VALUES, value=shown(value)))


def check_keep_alive(value: Any) -> None:
    """Refuse what Ollama would refuse or misread: a Go duration (`5m`, `1h30m`, `-1s`) or
    seconds (`90`, `-1`), sent as the service sends it (see `keep_alive_value`)."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise InvalidInputError(message(messages.KEEP_ALIVE_VALUES, value=shown(value)))
    if isinstance(value, str) and not _KEEP_ALIVE_NUMBER.fullmatch(value):
        try:
            go_duration(value)
        except DurationError as error:
            if error.said is None:
                said = message(messages.KEEP_ALIVE_VALUES, value=shown(value))
            else:
                said = message(messages.KEEP_ALIVE_VALUES_WHY, value=shown(value), why=error.said)
            raise InvalidInputError(said) from None
        return
    seconds = float(value)
    if not math.isfinite(seconds):
        raise InvalidInputError(message(messages.KEEP_ALIVE_VALUES, value=shown(value)))
    if seconds >= MAX_KEEP_ALIVE_SECONDS + 1:
        said = message(messages.KEEP_ALIVE_TOO_MANY, value=value, most=MAX_KEEP_ALIVE_SECONDS)
        raise InvalidInputError(said)


_DURATION_UNITS = {
    "ns": 1,
    "us": 10**3,
    "\u00b5s": 10**3,  # micro sign
    "\u03bcs": 10**3,  # Greek mu
    "ms": 10**6,
    "s": 10**9,
    "m": 60 * 10**9,
    "h": 3600 * 10**9,
}


_TOO_LONG = message(messages.DURATION_TOO_LONG)


class DurationError(ValueError):
    """Go would refuse this duration; the text (sometimes empty) says why."""

    def __init__(self, said: Message | None = None) -> None:
        super().__init__("" if said is None else said.english())
        self.said = said


def go_duration(text: str) -> int:
    """Nanoseconds, exactly as Go's time.ParseDuration reads `text`; else DurationError.

    Ollama parses a keep_alive string with it, so this accepts what Ollama accepts.
    """
    rest, negative = text, False
    if rest[:1] in ("-", "+"):
        negative, rest = rest[0] == "-", rest[1:]
    if rest == "0":
        return 0
    if not rest:
        raise DurationError()
    total = 0
    while rest:
        if not (rest[0] == "." or "0" <= rest[0] <= "9"):
            raise DurationError()
        digits = _leading_digits(rest)
        whole, rest = digits, rest[len(digits) :]
        if whole and int(whole) > 2**63:
            raise DurationError(_TOO_LONG)
        fraction = ""
        if rest[:1] == ".":
            fraction = _leading_digits(rest[1:])
            rest = rest[1 + len(fraction) :]
        if not whole and not fraction:
            raise DurationError()
        unit_length = 0
        while unit_length < len(rest) and not (
            rest[unit_length] == "." or "0" <= rest[unit_length] <= "9"
        ):
            unit_length += 1
        if not unit_length:
            raise DurationError(message(messages.DURATION_NEEDS_UNIT))
        unit_name, rest = rest[:unit_length], rest[unit_length:]
        unit = _DURATION_UNITS.get(unit_name)
        if unit is None:
            raise DurationError(message(messages.DURATION_UNKNOWN_UNIT, unit=unit_name))
        value = int(whole or "0")
        if value > 2**63 // unit:
            raise DurationError(_TOO_LONG)
        value *= unit
        numerator, scale = _go_fraction(fraction)
        if numerator:
            value += int(float(numerator) * (float(unit) / scale))
            if value > 2**63:
                raise DurationError(_TOO_LONG)
        total += value
        if total > 2**63:
            raise DurationError(_TOO_LONG)
    if negative:
        return -total
    if total > INT64_MAX:
        raise DurationError(_TOO_LONG)
    return total


def _leading_digits(text: str) -> str:
    end = 0
    while end < len(text) and "0" <= text[end] <= "9":
        end += 1
    return text[:end]


def _go_fraction(digits: str) -> tuple[int, float]:
    """Go's leadingFraction: digits after the point until they would overflow."""
    value, scale = 0, 1.0
    for char in digits:
        if value > (2**63 - 1) // 10:
            break
        following = value * 10 + int(char)
        if following > 2**63:
            break
        value, scale = following, scale * 10
    return value, scale
