"""Options as people give them (`KEY=VALUE` text) and as runs record them, checked once.

The one validator behind `-o` on the command line, the window's settings, the default
options in the preferences, replays and imports. Three ways to meet an option:

- new (typed now): an unknown key is refused with a suggestion, unless the person allows
  unknown options: real Ollama ignores them silently, so a typo would make a record that
  lies about the settings;
- forced (unknown options allowed): any key that looks like an option name;
- recorded (a run already holds it): the key is accepted, a recorded unknown key is not a
  new typo; the value is still checked.

Values are always checked against the rules in `option_schema`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Collection, Mapping
from typing import Any

from journal.core import messages
from journal.core.errors import InvalidInputError
from journal.core.messages import Message, message
from journal.core.option_schema import (
    MAX_VALUE_CHARS,
    OPTION_RULES,
    REQUEST_FIELDS,
    OptionKind,
    check_keep_alive,
    check_think,
    check_value,
    suggestion,
)

__all__ = [
    "REQUEST_FIELDS",
    "UnknownOptionError",
    "check_options",
    "check_recorded",
    "check_request",
    "parse_assignments",
    "parse_value",
]

_OPTION_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_TRUE = ("true", "on", "yes", "1")
_FALSE = ("false", "off", "no", "0")


class UnknownOptionError(InvalidInputError):
    """A key Ollama does not know, typed now: most likely a typo."""

    def __init__(self, key: str, hint: str = "") -> None:
        self.key = key
        self.suggestion = suggestion(key)
        refusal: Message
        if self.suggestion and self.suggestion != key:
            refusal = message(messages.OPTION_UNKNOWN_CLOSE, key=key, close=self.suggestion)
        else:
            refusal = message(messages.OPTION_UNKNOWN, key=key)
        if hint:
            refusal = message(messages.OPTION_HINTED, refusal=refusal, hint=hint)
        super().__init__(refusal)

    def with_hint(self, hint: str) -> UnknownOptionError:
        """The same refusal, plus what to do where it is shown (a flag, a checkbox)."""
        return UnknownOptionError(self.key, hint)


# -- typed values ------------------------------------------------------------------------


def check_options(
    options: Mapping[str, Any],
    *,
    allow_unknown: bool = False,
    recorded: Collection[str] = (),
) -> None:
    """Refuse the first option that cannot be sent as it stands (InvalidInputError).

    `recorded` are keys a run already holds: accepted even when unknown.
    """
    for key, value in options.items():
        if not isinstance(key, str):
            raise InvalidInputError(message(messages.OPTION_NAME_NOT_TEXT, key=key))
        if key not in OPTION_RULES and key not in recorded:
            if key in REQUEST_FIELDS:
                raise InvalidInputError(message(messages.OPTION_REQUEST_FIELD, key=key))
            if not allow_unknown:
                raise UnknownOptionError(key)
            _check_name(key)
        # A recorded value was sent once and Ollama took it: a replay sends it again as it
        # was, even where the journal's ranges are stricter today. New values (-o, the
        # window's fields) were range-checked when they were parsed.
        check_value(key, value, ranges=key not in recorded)


def check_request(keep_alive: Any = None, think: Any = None) -> None:
    check_keep_alive(keep_alive)
    check_think(think)


def check_recorded(options: Mapping[str, Any], keep_alive: Any = None, think: Any = None) -> None:
    """What a replay or an import accepts from a run: every recorded key, checked values."""
    if not isinstance(options, Mapping):
        raise InvalidInputError(message(messages.OPTION_RECORDED_NOT_OBJECT))
    check_options(options, allow_unknown=True, recorded=options.keys())
    check_request(keep_alive, think)


def _check_name(key: str) -> None:
    if not _OPTION_NAME.fullmatch(key):
        raise InvalidInputError(message(messages.OPTION_BAD_NAME, key=key))


# -- text --------------------------------------------------------------------------------


def parse_value(key: str, raw: str) -> Any:
    """The value `raw` means for `key`, checked; InvalidInputError naming key and reason."""
    if len(raw) > MAX_VALUE_CHARS:
        raise InvalidInputError(message(messages.OPTION_TOO_LONG, key=key, most=MAX_VALUE_CHARS))
    text = raw.strip()
    if key == "think":
        lowered = text.lower()
        if lowered in _TRUE:
            return True
        if lowered in _FALSE:
            return False
        check_think(lowered)
        return lowered
    if key == "keep_alive":
        check_keep_alive(text)
        return text
    rule = OPTION_RULES.get(key)
    if rule is None:
        value = _loose(key, raw, text)
    elif rule.kind is OptionKind.INT:
        value = _whole(key, raw, text)
    elif rule.kind is OptionKind.FLOAT:
        value = _float(key, raw, text)
    elif rule.kind is OptionKind.BOOL:
        lowered = text.lower()
        if lowered not in (*_TRUE, *_FALSE):
            raise _refused(messages.OPTION_NEEDS_BOOL, key, raw)
        value = lowered in _TRUE
    else:  # a list of texts: one text, or a JSON list
        value = _json(key, text) if text.startswith("[") else [raw]
    check_value(key, value)
    return value


def _refused(template: str, key: str, raw: str) -> InvalidInputError:
    """`raw` as typed, quoted, refused for `key`."""
    return InvalidInputError(message(template, key=key, value=f"'{raw}'"))


def _float(key: str, raw: str, text: str) -> float:
    try:
        number = float(text)
    except ValueError:
        raise _refused(messages.OPTION_NEEDS_NUMBER, key, raw) from None
    if not math.isfinite(number):
        raise _refused(messages.OPTION_NEEDS_FINITE, key, raw)
    return number


def _whole(key: str, raw: str, text: str) -> int:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        number = float(text)
    except ValueError:
        raise _refused(messages.OPTION_NEEDS_WHOLE, key, raw) from None
    if not math.isfinite(number):
        raise _refused(messages.OPTION_NEEDS_FINITE, key, raw)
    if not number.is_integer():
        raise _refused(messages.OPTION_NEEDS_WHOLE, key, raw)
    return int(number)


def _loose(key: str, raw: str, text: str) -> Any:
    """An unknown option: JSON when it looks like JSON (numbers, lists, objects, true,
    false, null, quoted text), otherwise the text as typed."""
    if text and (text[0] in '[{"-' or text[0].isdigit() or text in ("true", "false", "null")):
        try:
            return json.loads(text, parse_constant=_no_constant)
        except ValueError:
            return raw
        except RecursionError:
            raise InvalidInputError(message(messages.OPTION_NESTED, key=key)) from None
    return raw


def _no_constant(name: str) -> Any:
    # json.loads would turn NaN/Infinity into floats that JSON (and the journal) cannot hold.
    raise ValueError(name)


def _json(key: str, text: str) -> Any:
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        said = message(messages.OPTION_JSON, key=key, detail=exc.msg, text=text)
        raise InvalidInputError(said) from None
    except ValueError as exc:
        said = message(messages.OPTION_JSON_CONSTANT, key=key, detail=str(exc), text=text)
        raise InvalidInputError(said) from None
    except RecursionError:
        raise InvalidInputError(message(messages.OPTION_NESTED, key=key)) from None


def parse_assignments(
    pairs: list[str],
    *,
    allow_unknown: bool = False,
    recorded: Collection[str] = (),
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split `-o` pairs into (model options, request fields), each checked. Repeated
    `stop` adds up. Unknown keys are refused unless allowed or `recorded`."""
    options: dict[str, Any] = {}
    request: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise InvalidInputError(message(messages.OPTION_ASSIGNMENT, pair=pair))
        if key not in OPTION_RULES and key not in REQUEST_FIELDS and key not in recorded:
            if not allow_unknown:
                raise UnknownOptionError(key)
            _check_name(key)
        value = parse_value(key, raw)
        if key in REQUEST_FIELDS:
            request[key] = value
        elif key == "stop" and "stop" in options:
            options["stop"] = [*options["stop"], *value]
            check_value("stop", options["stop"])
        else:
            options[key] = value
    return options, request
