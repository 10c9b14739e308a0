"""Turning `KEY=VALUE` text into Ollama options with the types Ollama expects."""

from __future__ import annotations

import json
import math
from typing import Any

from journal.core.errors import InvalidInputError

INT_OPTIONS = frozenset(
    {
        "seed",
        "top_k",
        "num_ctx",
        "num_predict",
        "num_keep",
        "repeat_last_n",
        "num_batch",
        "num_gpu",
        "main_gpu",
        "num_thread",
        "mirostat",
    }
)
FLOAT_OPTIONS = frozenset(
    {
        "temperature",
        "top_p",
        "min_p",
        "typical_p",
        "repeat_penalty",
        "presence_penalty",
        "frequency_penalty",
        "mirostat_tau",
        "mirostat_eta",
    }
)
# Not model options but request fields; accepted with -o for convenience.
REQUEST_FIELDS = frozenset({"keep_alive", "think"})


def parse_value(key: str, raw: str) -> Any:
    text = raw.strip()
    try:
        if key in INT_OPTIONS:
            return int(text)
        if key in FLOAT_OPTIONS:
            number = float(text)
            if not math.isfinite(number):
                raise InvalidInputError(f"Option {key} needs a finite number, not '{raw}'.")
            return number
    except ValueError:
        kind = "a whole number" if key in INT_OPTIONS else "a number"
        raise InvalidInputError(f"Option {key} needs {kind}, not '{raw}'.") from None
    if key == "stop":
        if text.startswith("["):
            parsed = _json(key, text)
            if not isinstance(parsed, list) or not all(isinstance(s, str) for s in parsed):
                raise InvalidInputError("Option stop takes a string or a JSON list of strings.")
            return parsed
        return [raw]
    if key == "think":
        lowered = text.lower()
        if lowered in ("true", "on", "yes", "1"):
            return True
        if lowered in ("false", "off", "no", "0"):
            return False
        if lowered in ("low", "medium", "high"):
            return lowered
        raise InvalidInputError("think takes true, false, low, medium or high.")
    if key == "keep_alive":
        return text
    if text and (text[0] in '[{"-' or text[0].isdigit() or text in ("true", "false", "null")):
        try:
            return json.loads(text, parse_constant=_no_constant)
        except (json.JSONDecodeError, ValueError):
            return raw
    return raw


def _no_constant(name: str) -> Any:
    # json.loads would turn NaN/Infinity into floats that JSON (and the journal) cannot hold.
    raise ValueError(name)


def _json(key: str, text: str) -> Any:
    try:
        return json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"Option {key}: {exc.msg} in '{text}'.") from None
    except ValueError as exc:
        raise InvalidInputError(f"Option {key}: {exc} is not allowed in '{text}'.") from None


def parse_assignments(pairs: list[str]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split `-o` pairs into (model options, request fields). Repeated `stop` adds up."""
    options: dict[str, Any] = {}
    request: dict[str, Any] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise InvalidInputError(f"Options are KEY=VALUE, like temperature=0.2; got '{pair}'.")
        value = parse_value(key, raw)
        if key in REQUEST_FIELDS:
            request[key] = value
        elif key == "stop" and "stop" in options:
            options["stop"] = [*options["stop"], *value]
        else:
            options[key] = value
    return options, request
