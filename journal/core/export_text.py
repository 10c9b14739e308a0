"""The export's readable text pieces, shared by the modules that write it (export_markdown,
export_checks): what a person or a model wrote, shown as the very text by every reader, and
the anchors the export links to. Nothing here reads the journal or writes metadata.
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from typing import Any

from journal.core.notebook_format import (
    code_span,
    escape_inline,
    escape_line,
    escape_lines,
    fence_for,
)

_CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def run_anchor(uuid: Any) -> str:
    """`run-<uuid>`: the id of a run's anchor, the same in every export of the run. Only
    hex digits and dashes ever reach the HTML: a uuid of another shape is hashed."""
    value = str(uuid or "")
    if not _CANONICAL_UUID.fullmatch(value):
        value = hashlib.sha256(value.encode("utf-8", "replace")).hexdigest()[:32]
    return f"run-{value}"


# Control characters show as their Unicode pictures (␀, ␛): visible, and never binary.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CANONICAL_UTC = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?\+00:00$"
)
# What escape_inline would change, or whitespace to collapse: anything else is plain.
_NOT_PLAIN = re.compile(r"[\x00-\x1f\x7f-\x9f\\`*_\[\]{}|<~$]|&#?\w+;|%%|:/|#$|\s\s|[^\S ]")


def _picture(match: re.Match[str]) -> str:
    point = ord(match.group())
    if point < 0x20:
        return chr(0x2400 + point)
    return "\u2421" if point == 0x7F else "\ufffd"


# _CONTROL's characters below 128: deleting them from the bytes of ASCII text is a scan
# several times faster than the regex's, and every prompt and answer is scanned.
_CONTROL_BYTES = bytes([*range(0x09), *range(0x0B, 0x20), 0x7F])


def _has_control(value: str) -> bool:
    if len(value) > 100 and value.isascii():  # a short one: the regex costs less
        raw = value.encode("ascii")
        return len(raw.translate(None, _CONTROL_BYTES)) != len(raw)
    return _CONTROL.search(value) is not None


def readable(value: str) -> str:
    """Text for people: one kind of line ending, no control characters."""
    if value.isprintable():  # one line without a control character (a C scan): as it is
        return value
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub(_picture, value) if _has_control(value) else value


def inline(value: Any) -> str:
    """A value a person (or Ollama) wrote, on one line of Markdown: spaces collapsed, shown
    as written by every reader (see notebook_format.escape_inline)."""
    if type(value) is str and not _NOT_PLAIN.search(value) and value == value.strip(" "):
        return value
    shown = escape_inline(" ".join(readable(str(value)).split()))
    # A heading's closing #s would vanish; one escaped # ends the sequence.
    return shown[:-1] + "\\#" if shown.endswith("#") else shown


def quote(value: str) -> str:
    """A person's text (a hypothesis, a note) as a blockquote that shows it as written:
    escaped line by line, its line breaks kept as hard breaks."""
    if value.isprintable():  # one line, no control character, no space but " " (a C scan)
        line = value.rstrip(" ")
        return f"> {escape_line(line)}\n\n" if line.lstrip(" ") else ">\n\n"
    lines = escape_lines(readable(value)) or [""]
    quoted = []
    for number, line in enumerate(lines):
        if not line:
            quoted.append(">")
        elif number + 1 < len(lines) and lines[number + 1]:
            quoted.append(f"> {line}  ")  # two spaces: a line break every reader knows
        else:
            quoted.append(f"> {line}")
    return "\n".join(quoted) + "\n\n"


def code(value: str) -> str:
    return code_span(readable(value))


def code_block(value: str, info: str = "text") -> str:
    """Text a model or a server wrote, in a fence no line of it can close: every reader
    shows it as it is, line breaks and all, and interprets none of it."""
    shown = readable(value).rstrip("\n")
    fence = fence_for(shown)
    return f"{fence}{info}\n{shown}\n{fence}\n\n"


def heading(level: int, title: str) -> str:
    return f"{'#' * level} {title}\n\n"


def when(value: Any) -> str:
    """`2026-01-31 14:05:09 UTC` for people; the exact text is in the metadata."""
    if value is None:
        return "-"
    if isinstance(value, str) and _CANONICAL_UTC.match(value):  # what the journal writes
        return f"{value[:10]} {value[11:19]} UTC"
    try:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    except ValueError:
        return inline(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


__all__ = ["code", "code_block", "heading", "inline", "quote", "readable", "run_anchor", "when"]
