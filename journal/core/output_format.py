"""Structured output: the `format` a run asks Ollama for, as a person gives it, and what
its answer turned out to be.

Ollama takes `format` as "json" (any JSON) or a JSON schema (an object). A run records it
and a replay sends it again, so the one parse here serves `journal run --format`, the
window's Format setting and a replay's override alike. The schema rules are the
expectations' own (`json-schema:`), so a format the journal accepts is one an expectation
can grade, and `expectation_for` turns one into the other.

Ollama constrains the answer only as well as the model follows the grammar: a small model
may still answer off the schema, so `check_answer` says what came back, never assumes it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from journal.core.errors import InvalidInputError
from journal.core.expectations import (
    REGEX_TIMEOUT,
    Expectation,
    Kind,
    UnreadableFileError,
    check_schema,
    parse_json,
    read_schema_text,
    schema_validator,
)
from journal.core.formatting import one_line
from journal.core.messages import (
    FORMAT_BROKE_AT,
    FORMAT_EMPTY,
    FORMAT_MATCHES,
    FORMAT_NO_MATCH,
    FORMAT_NOT_JSON,
    FORMAT_SCHEMA_REF,
    FORMAT_SCHEMA_TIMEOUT,
    FORMAT_SCHEMA_UNCHECKED,
    FORMAT_TOO_DEEP,
    FORMAT_VALID,
    FORMAT_VALID_BUT,
    Message,
    message,
)

__all__ = [
    "FormatCheck",
    "check_answer",
    "expectation_for",
    "format_label",
    "parse_format",
    "parse_schema",
    "schema_text",
]

_HOW = 'give json, none, a JSON schema like {"type": "object"}, or @schema.json'
_SHOWN = 60  # characters of a refused format quoted in its message


def parse_format(text: str, base_dir: Path | None = None) -> str | dict[str, Any] | None:
    """None ("" or "none"), "json", or a checked JSON schema (inline text, or `@file.json`
    read from `base_dir`, default the current folder). InvalidInputError says why not."""
    given = text.strip()
    if given.lower() in ("", "none"):
        return None
    if given.lower() == "json":
        return "json"
    if given.startswith("@"):
        return _schema_file(given[1:].strip(), base_dir)
    if not given.startswith("{"):
        shown = given if len(given) <= _SHOWN else given[: _SHOWN - 1] + "…"
        raise InvalidInputError(f"The format {shown!r} is not one the journal knows: {_HOW}.")
    return _schema(given, "The format")


def _schema_file(relative: str, base_dir: Path | None) -> dict[str, Any]:
    if not relative:
        raise InvalidInputError("--format @ needs a file name, like @schema.json.")
    try:
        path, text = read_schema_text(relative, base_dir)
    except UnreadableFileError as unreadable:
        raise InvalidInputError(
            f"Cannot read the format from {unreadable.path}: {unreadable.reason}."
        ) from None
    return _schema(text, f"The format in {path}")


def parse_schema(text: str) -> dict[str, Any]:
    """`text` as a JSON schema object (the window's schema editor), or InvalidInputError."""
    return _schema(text, "")


def _schema(text: str, where: str) -> dict[str, Any]:
    """`text` read as a JSON schema object, checked by the expectations' own rules."""

    def refuse(reason: str) -> InvalidInputError:
        return InvalidInputError(f"{where}: {reason}" if where else reason[:1].upper() + reason[1:])

    try:
        schema = parse_json(text)
    except RecursionError:
        raise refuse("the schema is nested too deeply.") from None
    except ValueError as exc:
        broke = _json_reason(exc)
        said = broke.english() if isinstance(broke, Message) else broke
        raise refuse(f"the schema is not JSON ({said}).") from None
    if not isinstance(schema, dict):
        raise refuse('a schema is a JSON object, like {"type": "object"}.')
    check_schema(schema, refuse)
    return schema


def format_from_record(value: Any) -> str | dict[str, Any] | None:
    """A format as a run recorded it (a JSON column: anything could be there), checked like
    one a person typed, so a replay never sends what the journal would refuse."""
    if value is None or value == "":
        return None
    if value == "json":
        return "json"
    if isinstance(value, dict):
        return _schema(schema_text(value), "The recorded format")
    raise InvalidInputError(f"The recorded format {value!r} is not json or a JSON schema.")


def schema_text(schema: dict[str, Any]) -> str:
    """A schema on one line, as `journal show` prints it and an expectation stores it."""
    return json.dumps(schema, ensure_ascii=False, separators=(",", ":"))


def format_label(value: Any) -> str:
    """`none`, `json` or the schema on one line."""
    if value is None or value == "":
        return "none"
    if isinstance(value, dict):
        return schema_text(value)
    return str(value)


@dataclass(frozen=True)
class FormatCheck:
    """What a run's answer is, against the format it asked for. `valid` is None when there
    was no schema to match (format "json") or the schema could not be checked on it
    (`reason` says why); `pretty` is the answer indented when it parses, else as it is."""

    parsed: bool
    valid: bool | None
    # The journal's own reasons are messages (said in the window's language); what the JSON
    # reader or the schema validator said is their text, as it came.
    reason: Message | str
    pretty: str

    @property
    def ok(self) -> bool | None:
        """True: what was asked for came back; False: it did not; None: not known."""
        if not self.parsed:
            return False
        return True if self.valid is None and not self.reason else self.valid

    @property
    def message(self) -> Message:
        """What came back, for a person: `valid JSON, matches the schema`, `not JSON: ...`."""
        if not self.parsed:
            return message(FORMAT_NOT_JSON, reason=self.reason)
        if self.valid is True:
            return message(FORMAT_MATCHES)
        if self.valid is False:
            return message(FORMAT_NO_MATCH, reason=self.reason)
        return (
            message(FORMAT_VALID_BUT, reason=self.reason) if self.reason else message(FORMAT_VALID)
        )

    @property
    def summary(self) -> str:
        """`message` in English, as the CLI prints it."""
        return self.message.english()


def check_answer(value: Any, text: str) -> FormatCheck:
    """The answer `text` read as JSON and, for a schema, checked against it (the first
    error, on one line)."""
    try:
        parsed = parse_json(text)
    except RecursionError:
        return FormatCheck(False, None, message(FORMAT_TOO_DEEP), text)
    except ValueError as exc:
        reason = message(FORMAT_EMPTY) if not text.strip() else _json_reason(exc)
        return FormatCheck(False, None, reason, text)
    pretty = json.dumps(parsed, ensure_ascii=False, indent=2)
    if not isinstance(value, dict):
        return FormatCheck(True, None, "", pretty)
    valid, reason = _match(value, parsed)
    return FormatCheck(True, valid, reason, pretty)


def _match(schema: dict[str, Any], instance: Any) -> tuple[bool | None, Message | str]:
    from jsonschema.exceptions import best_match
    from referencing.exceptions import Unresolvable

    try:
        error = best_match(schema_validator(schema_text(schema)).iter_errors(instance))
    except Unresolvable:
        return None, message(FORMAT_SCHEMA_REF)
    except TimeoutError:
        return None, message(FORMAT_SCHEMA_TIMEOUT, seconds=REGEX_TIMEOUT)
    except (RecursionError, ValueError):
        return None, message(FORMAT_SCHEMA_UNCHECKED)
    if error is None:
        return True, ""
    said = one_line(error.message)
    return False, said if error.json_path == "$" else f"{error.json_path}: {said}"


def expectation_for(value: Any) -> Expectation | None:
    """The expectation that holds when the answer is what the format asked for: `is-json`,
    `json-schema:{...}`, or None without a format."""
    if value == "json":
        return Expectation(Kind.IS_JSON)
    if isinstance(value, dict):
        return Expectation(Kind.JSON_SCHEMA, value=schema_text(value))
    return None


def _json_reason(exc: ValueError) -> Message | str:
    if isinstance(exc, json.JSONDecodeError):
        return message(FORMAT_BROKE_AT, detail=exc.msg, line=exc.lineno, column=exc.colno)
    return str(exc)
