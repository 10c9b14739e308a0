"""The Markdown export's format in one place, so what the exporter writes the importer reads.

An export is Markdown for people plus metadata for the importer, and the metadata is the
truth: every column of every experiment and run, as JSON, in front matter (`---` lines at
the top of a file) or in `<!-- llm-journal:KIND {...} -->` blocks, one line each, after the
readable part of each experiment (before each section up to format 8).
The readable text around it is a view of that data, free to tidy line endings and control
characters; the importer never parses prose.

The JSON escapes `<`, `>` and `&` (so a block can never be closed early or read as HTML),
and every character YAML or JavaScript treat as a line break or refuse (C1 controls,
U+2028/2029, U+FEFF, U+FFFE/FFFF), so front matter stays valid YAML for Obsidian and
GitHub. Each top-level key sits on its own line, sorted, so a changed verdict is a
one-line diff in git.

The readable text must harm no reader, whatever the journal holds: a Markdown reader turns
text into HTML, links and images. So nothing from the journal is ever written as Markdown
it could interpret. What a model or a server wrote (answers, thinking, prompts, errors) goes
in fenced code blocks that no line inside can close; what a person wrote (titles, notes,
tags) is escaped so that every reader shows it as the very text; front matter, which readers
without front matter support show as text, carries no link syntax either.
The exporter's own HTML is its metadata comments and each run's empty anchor,
`<a id="run-<uuid>"></a>`, whose id holds only hex digits and dashes (export_text.run_anchor);
its own links are to index.md, the experiment files and those anchors.
Every change to what an export holds bumps FORMAT_VERSION; the importer reads every version
from OLDEST_FORMAT_VERSION on (it reads only the metadata, whose meaning never changed).
"""

from __future__ import annotations

import enum
import hashlib
import json
import math
import os
import re
import stat
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from itertools import repeat
from operator import itemgetter, methodcaller
from pathlib import Path
from typing import Any, BinaryIO

from journal.core.errors import InvalidInputError, JournalError
from journal.core.formatting import short_digest

# 1: the first format. 2: model text only in fences, a person's text escaped everywhere, and
# a folder's experiment file holds its record under RECORD_KEY in the front matter.
# 3: expectations (a block each after the experiment's), how their grades combine (GRADING_KEY
# in the experiment's record) and grades (a block each in their run's section).
# 4: a run made from a template holds it and its values (the `template` column), shown
# under the run's prompt.
# 5: an experiment's input set (a block per row after its expectations), shown as a table.
# 6: a run's `host` (the Ollama address that served it, shown on its model line) and the
# input row it was made from, by uuid (INPUT_ROW_UUID); older formats import with host ""
# and no row.
# 7: conversations, structured output and images: a run's parent by uuid (PARENT_UUID; the
# readable text shows a follow-up as a turn of its root's conversation), its `format` (null,
# "json" or a JSON schema object, shown on its request line), and the images its messages
# show, listed in its metadata (IMAGES_KEY: sha256, mime, size, width, height, created_at)
# and written as files `assets/<sha256>.<ext>` beside the Markdown (ASSETS_DIR), linked from
# the text. Older formats import with no parent, no format and no images.
# 8: an archived experiment's record holds `archived_at` (left out when not archived);
# experiments and runs in the trash are never exported, and `trashed_at` is never written.
# Older formats import with nothing archived.
# 9: the metadata follows the readable part: each experiment's blocks, one line each, after
# its prose, led by a KIND_TEXT block (the hash of that prose; one also ends the head of a
# one-file export); a replay and its original link each other, a repeated prompt is named,
# not shown again. The records mean what they meant: older formats import as they did.
# 10: migration checks whose runs the export holds: a readable section each, its KIND_TEXT
# block, then a KIND_CHECK block and a KIND_CHECK_ITEM block per item (its runs by uuid);
# in one file, a "Migration checks" part after the experiments, in a folder a file each in
# CHECKS_DIR (layout CHECK_LAYOUT) and a table in index.md; the end markers count them.
# Older formats import with no checks.
# 11: every readable line is under a KIND_TEXT hash: a one-file export's text after its last
# block (no experiments matched, or the "Migration checks" part when no check could be
# exported) gets one before the end marker, and so does a folder's index.md; readable text
# anywhere else (between two blocks, after the end marker) is an edit. The records mean
# what they meant: format 10 imports as it did.
FORMAT_VERSION = 11
COVERED_TEXT_FORMAT = 11  # from this format on, readable text outside every hash is an edit
OLDEST_FORMAT_VERSION = 1
FORMAT_KEY = "llm_journal"  # in every file's front matter: the format version
LAYOUT_KEY = "layout"  # in a header's front matter: "file" or "folder"
# In a folder export's experiment file (from format 2): the experiment's record, nested, so
# that no column lands where a reader looks for document metadata (pandoc -s renders a
# top-level `title` as Markdown, raw HTML included).
RECORD_KEY = "experiment"


class Layout(enum.StrEnum):
    FILE = "file"  # one Markdown file
    FOLDER = "folder"  # index.md plus one file per experiment


FRONT_MATTER_FENCE = "---"
BLOCK_PREFIX = "<!-- llm-journal:"
BLOCK_SUFFIX = "-->"
KIND_EXPERIMENT = "experiment"
KIND_RUN = "run"
KIND_EXPECTATION = "expectation"
KIND_GRADE = "grade"
KIND_INPUT = "input"
KIND_END = "end"
# From format 9: {"sha256": ...} of the readable text since the block before it (the head of
# a one-file export, or an experiment's prose), so an import can say which readable text was
# edited: it never reads that text, the metadata is what it imports.
KIND_TEXT = "text"
TEXT_KEY = "sha256"
# From format 10: a migration check (its columns less the process bookkeeping `owner` and
# `heartbeat_at`), then each of its items: {"position", SOURCE_RUN_UUID, NEW_RUN_UUID}.
KIND_CHECK = "check"
KIND_CHECK_ITEM = "check_item"
SOURCE_RUN_UUID = "source_run"
NEW_RUN_UUID = "new_run"  # the replay, or null before it ran
BLOCK_KINDS = (
    KIND_EXPERIMENT,
    KIND_RUN,
    KIND_EXPECTATION,
    KIND_GRADE,
    KIND_INPUT,
    KIND_END,
    KIND_TEXT,
    KIND_CHECK,
    KIND_CHECK_ITEM,
)

# Not a column: a run names the run it replays by uuid, since ids differ between journals.
REPLAY_OF_UUID = "replay_of_uuid"
# Not a column: a run names the input row it was made from by uuid (or null), since ids
# differ between journals; the row is one of its experiment's. From format 6.
INPUT_ROW_UUID = "input_row"
# Not a column: a run names the run whose answer it follows (its conversation's previous
# turn) by uuid, or null; the parent is an earlier run of the same experiment. From format 7.
PARENT_UUID = "parent"
# Not a column: the run of the same experiment whose prompt a run sent again with other
# settings (`based_on_id`), by uuid; both are left out when a run is based on none. From
# format 8.
BASED_ON_UUID = "based_on"
# Not a column: the images a run's messages show (the journal's `image` rows without their
# bytes), in first-use order; the bytes are the files ASSETS_DIR/<sha256>.<ext>. From format 7.
IMAGES_KEY = "images"
IMAGE_FIELDS = ("sha256", "mime", "size", "width", "height", "created_at")
# Inside a folder export (format 10): a file per migration check, named like an
# experiment's (`0003-to-qwen.md`), whose front matter's layout is CHECK_LAYOUT.
CHECKS_DIR = "checks"
CHECK_LAYOUT = "check"
# Beside a one-file export, inside a folder export: the images, one file each, by hash.
ASSETS_DIR = "assets"
IMAGE_EXTENSIONS = {"image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}
ASSET_NAME = re.compile(r"^[0-9a-f]{64}\.(?:png|jpg|webp)$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")


def asset_name(sha256: str, mime: str) -> str:
    """`<sha256>.png`: the file an image is written to (ExportError for a type no export
    carries)."""
    extension = IMAGE_EXTENSIONS.get(mime)
    if extension is None:
        raise ExportError(
            f"Image {short_digest(sha256)}… is {mime!r}, which an export cannot carry (only "
            "PNG, JPEG and WebP); nothing was written."
        )
    return f"{sha256}.{extension}"


# Not a column: an experiment's row of `experiment_grading` (how its grades combine), as
# {"threshold": ..., "updated_at": ...}, or null when it has none (every expectation must
# pass). From format 3; an older export's experiments have none.
GRADING_KEY = "grading"


def end_record(
    *,
    experiments: int | None = None,
    runs: int,
    expectations: int = 0,
    grades: int = 0,
    inputs: int = 0,
    checks: int = 0,
    check_items: int = 0,
) -> dict[str, int]:
    """What an end marker counts, so that a block removed or added is noticed: experiments
    (not in one experiment's file) and runs always, expectations, grades, input rows and
    migration checks and their items when there are any (an export without them reads as
    earlier formats wrote it)."""
    record = {} if experiments is None else {"experiments": experiments}
    record["runs"] = runs
    if expectations:
        record["expectations"] = expectations
    if grades:
        record["grades"] = grades
    if inputs:
        record["inputs"] = inputs
    if checks:
        record["checks"] = checks
    if check_items:
        record["check_items"] = check_items
    return record


INDEX_NAME = "index.md"
EXPERIMENT_FILE = re.compile(r"^[0-9]{4,}-[a-z0-9-]*\.md$")
SLUG_LENGTH = 60

# Characters the JSON must not carry raw: HTML-significant ones, and those YAML (front
# matter) or JavaScript read as line breaks or refuse. They only ever occur inside JSON
# strings, so replacing them in the encoded text with \u escapes is always valid JSON.
_UNSAFE_IN_JSON = re.compile("[<>&\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")

# Letters NFKD does not decompose into ASCII, folded by hand for file names.
_FOLD = str.maketrans(
    {"ß": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "œ": "oe", "Œ": "oe", "đ": "d",
     "Đ": "d", "ł": "l", "Ł": "l", "þ": "th", "Þ": "th", "ð": "d", "Ð": "d", "ı": "i"}
)  # fmt: skip
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_LINE_ENDING = re.compile(r"\r\n|\r|\n")


class ExportError(JournalError):
    """The export could not be written; what was there before is unchanged."""


class ExportTargetExistsError(ExportError):
    """The chosen file or folder exists and replacing it was not asked for (or not safe)."""

    def __init__(self, path: Path, message: str, *, replaceable: bool) -> None:
        self.path = path
        self.replaceable = replaceable  # True: asking to replace it would be allowed
        super().__init__(message)


class SpecialTargetError(ExportTargetExistsError):
    """The chosen path is a named pipe, a device or a socket: an export writes only files."""

    def __init__(self, path: Path, kind: str) -> None:
        self.kind = kind
        super().__init__(
            path, f"{path} is {kind}, not a file; nothing was written.", replaceable=False
        )


class ImportFormatError(InvalidInputError):
    """An export file that is damaged or foreign: `path:line: reason`, nothing imported."""

    def __init__(self, path: Path | str, line: int, reason: str) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        super().__init__(f"{path}:{line}: {reason}")


# -- JSON ----------------------------------------------------------------------------------


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


_encode_string: Callable[[str], str] = json.encoder.encode_basestring


def _no_default(value: Any) -> Any:
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


# json.dumps(ensure_ascii=False) builds a new C encoder on every call; an export makes tens of
# thousands of calls for options and messages, so one encoder is built once and reused.
_c_make_encoder = getattr(json.encoder, "c_make_encoder", None)
_container_encoder: Callable[[Any, int], Any] | None = (
    None
    if _c_make_encoder is None
    else _c_make_encoder(None, _no_default, _encode_string, None, ": ", ", ", False, False, True)
)


def _encode(value: Any) -> str:
    """JSON for one value, as json.dumps(ensure_ascii=False) writes it, without its per-call
    setup for the common scalars (an export encodes hundreds of thousands of them)."""
    kind = type(value)
    if kind is str:
        return _encode_string(value)
    if value is None:
        return "null"
    if kind is bool:
        return "true" if value else "false"
    if kind is int:
        return int.__repr__(value)
    if kind is float and math.isfinite(value):
        return float.__repr__(value)
    if _container_encoder is not None and (kind is dict or kind is list):
        return "".join(_container_encoder(value, 0))
    return json.dumps(value, ensure_ascii=False)


def encode_json(value: Any) -> str:
    """`json.dumps(value, ensure_ascii=False)`, faster: what the journal itself stores."""
    return _encode(value)


def _escape_unsafe(encoded: str) -> str:
    if (
        encoded.isascii()
        and "<" not in encoded
        and ">" not in encoded
        and "&" not in encoded
        and "\x7f" not in encoded
    ):
        return encoded  # the common case, found by fast scans instead of a regex
    return _UNSAFE_IN_JSON.sub(_escape, encoded)


def dump_value(value: Any) -> str:
    """One JSON value on one line, safe inside an HTML comment and in YAML front matter.

    Object keys keep their order: the journal's own order is part of what round-trips.
    """
    return _escape_unsafe(_encode(value))


_key_prefixes: dict[str, str] = {}


def _key_prefix(key: str) -> str:
    """`  "key": `; the same few column names come back for every record."""
    prefix = _key_prefixes.get(key)
    if prefix is None:
        prefix = f"  {_encode_string(key)}: "
        if len(_key_prefixes) < 1000:
            _key_prefixes[key] = prefix
    return prefix


def dump_record(record: Mapping[str, Any], *, expand: str | None = None) -> str:
    """A JSON object with one sorted top-level key per line (git diffs stay small); the
    object under `expand`, if any, gets one key per line too."""
    if not record:
        return "{}"
    lines = []
    for key in sorted(record):
        value = record[key]
        kind = type(value)  # the common scalars inline: this runs for every column
        if key == expand and kind is dict:
            encoded = dump_record(value).replace("\n", "\n  ")
        elif kind is str:
            encoded = _encode_string(value)
        elif value is None:
            encoded = "null"
        elif kind is int:
            encoded = int.__repr__(value)
        else:
            encoded = _encode(value)
        lines.append(f"{_key_prefix(key)}{encoded}")
    return _escape_unsafe("{\n" + ",\n".join(lines) + "\n}")


_scan_json: Callable[[str, int], tuple[Any, int]] = getattr(json.JSONDecoder(), "scan_once")  # noqa: B009


def load_json(text: str) -> Any:
    """`json.loads(text)` without its per-call overhead when `text` is exactly one value."""
    try:
        value, end = _scan_json(text, 0)
    except StopIteration:
        return json.loads(text)  # raises the usual JSONDecodeError
    return value if end == len(text) else json.loads(text)


_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
# In front matter, what a CommonMark reader without front matter support would make a link
# of: brackets, and the colon of `scheme://` and of `xmpp:` (GFM's extended autolinks).
_LINK_SYNTAX = re.compile(r"[\[\]]|:(?=//)|(?<=xmpp):", re.IGNORECASE)


def _no_link_syntax(match: re.Match[str]) -> str:
    return _LINK_SYNTAX.sub(_escape, match.group())


def front_matter(record: Mapping[str, Any], *, expand: str | None = None) -> str:
    """The record as front matter: JSON, which is YAML too; its strings hold no link syntax
    (\\u escapes instead), so a reader that shows it as Markdown shows only text."""
    encoded = dump_record(record, expand=expand)
    # Its strings, side by side, looked at in one scan: most records hold no link syntax,
    # and a callback per string (a folder export writes a record per file) costs more.
    if _LINK_SYNTAX.search("".join(_JSON_STRING.findall(encoded))):
        encoded = _JSON_STRING.sub(_no_link_syntax, encoded)
    return f"{FRONT_MATTER_FENCE}\n{encoded}\n{FRONT_MATTER_FENCE}\n"


_key_orders: dict[tuple[Any, ...], tuple[tuple[Any, ...], Callable[[Any], Any]]] = {}


def _sorted_keys(record: Mapping[str, Any]) -> dict[str, Any]:
    """`dict(sorted(record.items()))`; the records of one table share their keys, so each
    set of keys is sorted once (an export writes a block for every record)."""
    keys = tuple(record)
    known = _key_orders.get(keys)
    if known is None:
        order = tuple(sorted(keys))
        if len(order) < 2:
            return dict(sorted(record.items()))
        known = order, itemgetter(*order)
        if len(_key_orders) < 1000:
            _key_orders[keys] = known
    order, values = known
    return dict(zip(order, values(record), strict=True))


def metadata_block(kind: str, record: Mapping[str, Any], *, one_line: bool = False) -> str:
    payload = dump_value(_sorted_keys(record)) if one_line else dump_record(record)
    return f"{BLOCK_PREFIX}{kind} {payload} {BLOCK_SUFFIX}\n"


def runs_not_held(runs: str, where: str = "this export") -> str:
    """The words for a migration check's runs missing from `where`, the same when the
    exporter leaves the check out and when the importer refuses it."""
    return f"runs {runs} are not in {where}"


# ProseDigest.add_line's strip, on text (a C call: an export strips every line it writes)
_trimmed: Callable[[str], str] = methodcaller("rstrip", " \t\r\n")


class ProseDigest:
    """SHA-256 (its first 16 hex digits) of readable text, counted alike by the exporter
    and the importer: each line without its line ending and trailing spaces, blank lines
    left out, so an editor that trims lines or converts line endings edits nothing."""

    def __init__(self) -> None:
        self._sha = hashlib.sha256()
        self._rest = ""

    def add_line(self, raw: bytes) -> None:
        line = raw.rstrip(b" \t\r\n")
        if line:
            self._sha.update(line + b"\n")

    def add_lines(self, raws: Iterable[bytes]) -> None:
        """`add_line` for each of `raws`, in one update: the importer hashes a stretch of
        prose at a time, without a call per line."""
        kept = b"\n".join(filter(None, map(bytes.rstrip, raws, repeat(b" \t\r\n"))))
        if kept:
            self._sha.update(kept + b"\n")

    def add_text(self, text: str) -> None:
        """As add_line for each whole line of `text` (the rest waits for the next call),
        hashed in one update: an export adds every line it writes."""
        lines = (self._rest + text).split("\n") if self._rest else text.split("\n")
        self._rest = lines.pop()
        kept = list(filter(None, map(_trimmed, lines)))
        if kept:
            kept.append("")
            self._sha.update("\n".join(kept).encode("utf-8"))

    def hexdigest(self) -> str:
        if self._rest:
            self.add_line(self._rest.encode("utf-8"))
            self._rest = ""
        return self._sha.hexdigest()[:16]


def text_block(digest: ProseDigest) -> str:
    """The KIND_TEXT block that ends a stretch of readable text."""
    return metadata_block(KIND_TEXT, {TEXT_KEY: digest.hexdigest()}, one_line=True)


# -- Markdown pieces -----------------------------------------------------------------------


def longest_backtick_run(text: str) -> int:
    """The longest run of backticks in `text`: found by substring searches (a run of n is
    there if n backticks are), doubling then halving, a few fast scans of the text instead
    of a regex's pass over every answer that holds a fence."""
    if "`" not in text:
        return 0
    found, missing = 1, 2  # a run of `found` is there; `missing` is not known to be yet
    while "`" * missing in text:
        found, missing = missing, missing * 2
    while missing - found > 1:
        middle = (found + missing) // 2
        if "`" * middle in text:
            found = middle
        else:
            missing = middle
    return found


def fence_for(text: str) -> str:
    """A backtick fence no line of `text` can close: longer than any run inside, at least 3."""
    return "`" * max(3, longest_backtick_run(text) + 1)


EMPTY_CODE = "*(empty)*"


def code_span(text: str) -> str:
    """`text` as inline code whatever backticks it holds (one line; line endings become
    spaces).

    Never empty: a lone pair of backticks is no code span, and would pair with the next
    span's backticks and turn its contents into live Markdown.
    """
    if (
        "`" not in text
        and "\n" not in text
        and "\r" not in text
        and text.strip(" ") == text
        and text
    ):
        return f"`{text}`"
    if not text:
        return EMPTY_CODE
    text = " ".join(_LINE_ENDING.split(text))  # a line ending could start a block instead
    ticks = "`" * (longest_backtick_run(text) + 1)
    if text.startswith(("`", " ")) or text.endswith(("`", " ")):
        text = f" {text} "
    return f"{ticks}{text}{ticks}"


# -- a person's text as Markdown -----------------------------------------------------------
#
# Escaped so that CommonMark, GFM, pandoc and Python-Markdown (the window's preview) all show
# the very text: a backslash before the ASCII punctuation all of them unescape; an entity for
# the rest (`<` and `&` above all, which Python-Markdown does not unescape).

# What starts an inline construct anywhere in a line: code, emphasis, links and images,
# pandoc's attributes and spans, raw HTML and autolinks, table cells, strikethrough. (An `&`
# only starts an entity, and a `_` between letters or digits starts nothing: see below.)
_INLINE = str.maketrans(
    {
        "\\": "\\\\",
        "`": "\\`",
        "*": "\\*",
        "[": "\\[",
        "]": "\\]",
        "{": "\\{",
        "}": "\\}",
        "|": "\\|",
        "<": "&lt;",
        "~": "&#126;",
        "$": "&#36;",  # pandoc reads $...$ as math, even to a $ inside a later code span
    }
)
_INLINE_CHARS = re.compile(r"[\\`*\[\]{}|<~$]")
# Whatever escape_inline changes holds one of these (a class: one scan, no alternatives).
_ESCAPED = re.compile(r"[\\`*\[\]{}|<~$&_%:]")
_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_UNDERSCORES = re.compile(r"_+")
# The colon of `scheme://` for schemes other than these: GFM readers link `ftp://` text.
_LIVE_SCHEMES = frozenset({"http", "https"})
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):(?=//)")
# What starts a block at the start of a line, beyond what _INLINE escapes: headings,
# quotes, list items, setext underlines, thematic breaks, pandoc's definition lists,
# fenced divs, example lists and grid tables.
_BLOCK_START = {
    "#": "\\#",
    ">": "\\>",
    "+": "\\+",
    "-": "\\-",
    "=": "&#61;",
    ":": "&#58;",
    "(": "\\(",
}
# An ordered list item: CommonMark's `1.` and `1)`, pandoc's `a.`, `iv)` and `@.`; the
# delimiter after it gets the backslash.
_LIST_MARKER = re.compile(r"(?:[0-9]{1,9}|[A-Za-z]|[ivxlcdmIVXLCDM]+|@[\w-]*)(?=[.)](?:[ \t]|$))")
_NBSP = "\u00a0"


def _link_scheme(match: re.Match[str]) -> str:
    scheme = match.group(1)
    return match.group() if scheme.lower() in _LIVE_SCHEMES else f"{scheme}&#58;"


def _underscores(match: re.Match[str]) -> str:
    """`snake_case` stays as it is: no reader takes a `_` between letters for emphasis."""
    text, start, end = match.string, match.start(), match.end()
    if start > 0 and end < len(text) and text[start - 1].isalnum() and text[end].isalnum():
        return match.group()
    return "\\_" * (end - start)


def escape_inline(text: str) -> str:
    """One line of text escaped for anywhere in a line of Markdown but its start."""
    if not _ESCAPED.search(text):  # nothing below would change it: one C scan
        return text
    if "&" in text:
        text = _ENTITY.sub("&amp;", text)  # before the entities below are added
    if _INLINE_CHARS.search(text):  # translate looks each character up: slower than a scan
        text = text.translate(_INLINE)
    if "_" in text:
        text = _UNDERSCORES.sub(_underscores, text)
    if "%%" in text:  # an Obsidian comment would hide everything up to the next %%
        text = text.replace("%%", "%&#37;")
    if ":/" in text:
        text = _SCHEME.sub(_link_scheme, text)
    return text


def escape_line(text: str) -> str:
    """One line of a person's text, escaped to stand at the start of a Markdown line.

    Leading spaces become no-break spaces: the indentation shows, and can make no code block.
    """
    body = text.lstrip(" \t")
    indent = text[: len(text) - len(body)]
    if indent:
        indent = _NBSP * (len(indent) + 3 * indent.count("\t"))
    if not body:
        return indent
    first = _BLOCK_START.get(body[0])
    if first is not None:
        return indent + first + escape_inline(body[1:])
    marker = _LIST_MARKER.match(body)
    if marker is not None:
        end = marker.end()
        return f"{indent}{escape_inline(body[:end])}\\{body[end]}{escape_inline(body[end + 1 :])}"
    return indent + escape_inline(body)


def escape_lines(text: str) -> list[str]:
    """A person's text (several lines) as escaped Markdown lines; "" between paragraphs.

    Trailing spaces go (they would be hard breaks), runs of blank lines become one.
    """
    lines: list[str] = []
    for line in _LINE_ENDING.split(text):
        line = line.rstrip(" \t")
        if not line.strip():
            if lines and lines[-1]:
                lines.append("")
            continue
        lines.append(escape_line(line))
    if lines and not lines[-1]:
        lines.pop()
    return lines


# -- file names ----------------------------------------------------------------------------


def slugify(title: str, max_length: int = SLUG_LENGTH) -> str:
    """ASCII, lowercase, dashes, at most `max_length` characters, never empty.

    Only `[a-z0-9-]` survive, so a slug can hold no path separator, no `..` and no name
    that means something to Windows on its own (it always follows the experiment id).
    """
    folded = unicodedata.normalize("NFKD", title.translate(_FOLD))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    slug = _NOT_SLUG.sub("-", ascii_text).strip("-")
    if len(slug) > max_length:
        cut = slug[:max_length]
        if slug[max_length] != "-" and "-" in cut[max_length // 2 :]:
            cut = cut[: cut.rindex("-")]  # end on a whole word when one is near
        slug = cut.strip("-")
    return slug or "untitled"


def experiment_file_name(experiment_id: int, title: str) -> str:
    """`0042-rivers-that-cross-borders.md`: stable while the title stays the same."""
    return f"{experiment_id:04d}-{slugify(title)}.md"


# An export's front matter is small; a file whose first lines run past this is no export.
FRONT_MATTER_LIMIT = 8 * 2**20
_OPEN_QUIETLY = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)


# An export's front matter fits in this much: read in one os.read (`--force` onto a folder
# reads every old file's), and only a larger one is read line by line.
_FRONT_MATTER_CHUNK = 2**13
_CLOSING_FENCE = re.compile(rb"^---\r*$", re.MULTILINE)  # as a line read, less "\r\n"


_READ_BY_LINES = (
    b"?"  # _front_matter_text cannot tell from the head alone (a body "?" reads so too)
)


def _front_matter_text(head: bytes, whole: bool) -> bytes | None:
    """The lines between the fences at the start of `head` (a file's first bytes; `whole`:
    all of them), joined by "\n" as export_layout's line by line read joins them; None when
    it is no front matter; _READ_BY_LINES when `head` cannot tell (the file is then read
    line by line, which is always right)."""
    first_end = head.find(b"\n", 0, 8) + 1  # as readline(8) reads the first line
    if not first_end:
        return _READ_BY_LINES
    if head[:first_end].removeprefix(b"\xef\xbb\xbf").rstrip(b"\r\n") != b"---":
        return None
    closing = _CLOSING_FENCE.search(head, first_end)
    if closing is None or (closing.end() == len(head) and not whole):
        return None if whole else _READ_BY_LINES
    body = head[first_end : closing.start()]  # each line with its "\n"
    if b"\r" in body:  # each line without its trailing "\r"s too
        return b"\n".join(line.rstrip(b"\r") for line in body.split(b"\n")[:-1])
    return body[:-1]


def export_layout(path: Path | str) -> str | None:
    """The layout written in `path`'s front matter if an export wrote it ("file", "folder"
    for a folder's index.md, "experiment", "check"), else None.

    Only a regular file is read: the open neither follows a symbolic link nor waits for a
    named pipe's writer, and what it opened is checked before a byte is read.
    """
    try:
        descriptor = os.open(path, _OPEN_QUIETLY)
    except OSError:
        return None
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            return None
        head = os.read(descriptor, _FRONT_MATTER_CHUNK)
        found = _front_matter_text(head, whole=len(head) == status.st_size)
        if found is None:
            return None
        if found == _READ_BY_LINES:
            os.lseek(descriptor, 0, os.SEEK_SET)
            found = _front_matter_by_lines(os.fdopen(os.dup(descriptor), "rb"))
    except OSError:
        return None
    finally:
        os.close(descriptor)
    return None if found is None else _layout_of(found)


def _front_matter_by_lines(handle: BinaryIO) -> bytes | None:
    """The front matter's lines joined by "\n", read a line at a time up to
    FRONT_MATTER_LIMIT; None if there is none."""
    with handle:
        if handle.readline(8).removeprefix(b"\xef\xbb\xbf").rstrip(b"\r\n") != b"---":
            return None
        lines: list[bytes] = []
        size = 0
        while True:
            raw = handle.readline(FRONT_MATTER_LIMIT + 1 - size)
            size += len(raw)
            if not raw or size > FRONT_MATTER_LIMIT:
                return None
            line = raw.rstrip(b"\r\n")
            if line == b"---":
                return b"\n".join(lines)
            lines.append(line)


def _layout_of(front: bytes) -> str | None:
    try:
        header = load_json(front.decode("utf-8"))
    except (ValueError, RecursionError):
        return None
    if not isinstance(header, dict) or type(header.get(FORMAT_KEY)) is not int:
        return None
    layout = header.get(LAYOUT_KEY)
    return layout if isinstance(layout, str) else None


def is_export_folder(path: Path) -> bool:
    """Whether `path` is a folder an earlier export wrote: its index.md says so up front."""
    return export_layout(path / INDEX_NAME) == Layout.FOLDER.value
