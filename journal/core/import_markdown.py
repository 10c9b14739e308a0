"""Read a Markdown export back into a journal: all of it or nothing, identity by UUID.

Only the metadata (front matter and `llm-journal:` blocks) is read; the prose around it is
skipped, code blocks included, so no text a model wrote can pass for metadata. The export
is read once, with no lock held: everything is checked, so a damaged or foreign file is
refused with its line number before anything is written, and each record is staged, as
the journal will store it, in a temporary SQLite file (see import_staging). Then one write
transaction merges the staged records in with a few set-based statements; the journal's
write lock is held for those seconds only, not for the reading. Nothing is kept in memory
but uuids, so a large export does not have to fit in it.

Into an empty journal the export's ids are kept (a restore gives back the same journal);
into one that has entries, new experiments and runs get new ids after the existing ones.
Expectations and grades (format 3) come along the same way: by uuid, checked before the first
write (an expectation by the rules that saving one follows, a grade's status, score and the
run and expectation it is about), new ones added, those already there left as they are.

The check refuses whatever would break the journal later, not only what breaks the
import: times that cannot be shown in UTC, ids the journal could never count up to,
NaN and lone surrogates (which JSON and SQLite cannot carry), options a replay could not
send, and replays that replay themselves. A run exported while it was still streaming is
imported as `interrupted`, which is what is true in the journal that receives it.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache, lru_cache, partial
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import Any, BinaryIO, NoReturn

from sqlalchemy import text
from sqlmodel import Session

from journal.core.domain import (
    LIVE_STATUSES,
    MAX_RECORD_ID,
    RunStatus,
    Verdict,
    last_user_text,
)
from journal.core.errors import InvalidInputError
from journal.core.expectations import MAX_WEIGHT, Expectation, Kind, Target, check_expectation
from journal.core.formatting import plural, short_digest
from journal.core.front_matter import parse_block
from journal.core.grading import CombineRule, GradeStatus
from journal.core.images import image_refs
from journal.core.import_staging import Staging, merge
from journal.core.input_sets import check_row as check_input_row
from journal.core.models import CheckStatus, to_iso
from journal.core.notebook_format import (
    ASSETS_DIR,
    BASED_ON_UUID,
    BLOCK_KINDS,
    BLOCK_PREFIX,
    BLOCK_SUFFIX,
    CHECK_LAYOUT,
    CHECKS_DIR,
    COVERED_TEXT_FORMAT,
    EXPERIMENT_FILE,
    FORMAT_KEY,
    FORMAT_VERSION,
    FRONT_MATTER_FENCE,
    GRADING_KEY,
    IMAGE_EXTENSIONS,
    IMAGE_FIELDS,
    IMAGES_KEY,
    INDEX_NAME,
    INPUT_ROW_UUID,
    KIND_CHECK,
    KIND_CHECK_ITEM,
    KIND_END,
    KIND_EXPECTATION,
    KIND_EXPERIMENT,
    KIND_GRADE,
    KIND_INPUT,
    KIND_RUN,
    KIND_TEXT,
    LAYOUT_KEY,
    NEW_RUN_UUID,
    OLDEST_FORMAT_VERSION,
    PARENT_UUID,
    RECORD_KEY,
    REPLAY_OF_UUID,
    SHA256,
    SOURCE_RUN_UUID,
    TEXT_KEY,
    ImportFormatError,
    ProseDigest,
    encode_json,
    end_record,
    is_export_folder,
    load_json,
    runs_not_held,
)
from journal.core.option_schema import shown as shown_value
from journal.core.options import check_recorded, check_request
from journal.core.storage import Journal
from journal.core.templates import check_recorded as check_template

INT64 = 2**63
# Must stay within 1..MAX_RECORD_ID.
ID_COLUMNS = (
    "id",
    "experiment_id",
    "replay_of_id",
    "run_id",
    "expectation_id",
    "input_row_id",
    "parent_id",
)
# From this format a run carries its host and its input row (INPUT_ROW_UUID); an older
# export's runs import with host "" and no row (a format-5 file may hold the columns, as
# numbers of the journal it came from, which mean nothing here).
RUN_PLACE_FORMAT = 6
# From this format a run carries its parent (PARENT_UUID), its `format` and the images its
# messages show (IMAGES_KEY, the bytes in ASSETS_DIR); an older export's runs import with
# none of them.
CONVERSATION_FORMAT = 7
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)  # no journal holds an earlier moment

EXPORTED_LIVE_MESSAGE = (
    "The export was made while this run was still in progress; "
    "the text received until then is kept."
)

# What a record's status or verdict may be, by value.
_RUN_STATUSES = frozenset(status.value for status in RunStatus)
_CHECK_STATUSES = frozenset(status.value for status in CheckStatus)
_GRADE_STATUSES = frozenset(status.value for status in GradeStatus)
_VERDICTS = frozenset(verdict.value for verdict in Verdict)

# JSON columns whose shape the rest of the journal relies on.
_SHAPES: dict[tuple[str, str], tuple[type, ...]] = {
    ("experiment", "tags"): (list,),
    ("run", "messages"): (list,),
    ("run", "options"): (dict,),
    ("run", "model_details"): (dict,),
    ("run", "final_chunk"): (dict,),
    ("run", "replay_info"): (dict, type(None)),
    ("run", "template"): (dict, type(None)),
    ("grade", "grader"): (dict, type(None)),
    ("input_row", "variables"): (dict,),
    ("input_row", "expectations"): (list,),
    ("migration_check", "source_filter"): (dict,),
    ("migration_check", "hosts"): (list,),
}


@dataclass
class ImportResult:
    source: Path
    new_experiments: int = 0
    new_runs: int = 0
    present_experiments: int = 0
    present_runs: int = 0
    dropped_replay_links: int = 0  # replays of runs neither in the export nor the journal
    kept_ids: bool = False  # the journal was empty, so the export's ids were kept
    interrupted_runs: int = 0  # exported while still streaming: imported as interrupted
    new_expectations: int = 0
    new_grades: int = 0
    new_inputs: int = 0
    new_images: int = 0  # images the journal did not hold already
    new_checks: int = 0  # migration checks (format 10)
    present_checks: int = 0
    # Where the readable text no longer matches its hash (format 9 on): a file of a folder
    # export (its index.md from format 11), or a part of a one-file export (the head, an
    # experiment, a check, what follows the last experiment); from format 11 also a line of
    # text where an export writes none. Those edits were not imported: the metadata is what
    # an import reads.
    edited_text: list[str] = field(default_factory=list)

    def edited_lines(self) -> list[str]:
        """One line for each place whose readable text was edited, for the CLI and window."""
        return [
            f"readable text edited in {where}: the edits were not imported "
            "(the metadata is what is read)"
            for where in self.edited_text
        ]

    @property
    def already_present(self) -> int:
        return self.present_experiments + self.present_runs

    def summary(self) -> str:
        text = (
            f"{plural(self.new_experiments, 'new experiment')}, "
            f"{plural(self.new_runs, 'new run')}, {self.already_present:,} already present"
        )
        if self.already_present:
            text += (
                f" ({plural(self.present_experiments, 'experiment')}, "
                f"{plural(self.present_runs, 'run')})"
            )
        if self.dropped_replay_links:
            text += (
                f"; {plural(self.dropped_replay_links, 'replay link')} left out "
                "(the replayed run is in neither the export nor this journal)"
            )
        if self.interrupted_runs:
            text += (
                f"; {plural(self.interrupted_runs, 'run')} still in progress when exported, "
                "imported as interrupted"
            )
        if self.new_expectations or self.new_grades:
            text += (
                f"; {plural(self.new_expectations, 'new expectation')} and "
                f"{plural(self.new_grades, 'new grade')}"
            )
        if self.new_inputs:
            text += f"; {plural(self.new_inputs, 'new input row')}"
        if self.new_images:
            text += f"; {plural(self.new_images, 'new image')}"
        if self.new_checks or self.present_checks:
            text += (
                f"; {plural(self.new_checks, 'new migration check')}"
                f" ({self.present_checks:,} already present)"
            )
        return text + "."


@dataclass
class ParsedRecord:
    """An expectation's or a grade's columns (source ids), and where its block starts."""

    record: dict[str, Any]
    line: int


@dataclass
class ParsedRun:
    record: dict[str, Any]  # columns (source ids) plus replay_of_uuid and input_row
    line: int
    grades: list[ParsedRecord] = field(default_factory=list)


@dataclass
class ParsedCheck:
    """A migration check's columns (source ids) and its items, runs named by uuid."""

    record: dict[str, Any]
    shown: str  # its file, for messages
    line: int
    items: list[ParsedRecord] = field(default_factory=list)


@dataclass
class ParsedExperiment:
    record: dict[str, Any]  # columns (source ids) plus GRADING_KEY
    where: str  # "file:line", for messages
    runs: list[ParsedRun] = field(default_factory=list)
    expectations: list[ParsedRecord] = field(default_factory=list)
    inputs: list[ParsedRecord] = field(default_factory=list)


# -- the target's schema -------------------------------------------------------------------


@dataclass(frozen=True)
class _Column:
    name: str
    kind: str  # INTEGER, REAL, TEXT or JSON, as the schema declares it
    nullable: bool
    required: bool  # NOT NULL without a default: the export must carry it
    default: Any = None  # what the column holds when a record leaves it out


class _Stored:
    """How a table's records are staged, worked out once per table rather than once per
    value: an import stages some 40 columns of each of tens of thousands of records."""

    def __init__(self, columns: list[_Column]) -> None:
        self.columns = columns
        self._names = [c.name for c in columns]
        self._defaults = [c.default for c in columns]
        self._json = [(i, c.name) for i, c in enumerate(columns) if c.kind == "JSON"]
        self._times = [
            (i, c.name)
            for i, c in enumerate(columns)
            if c.kind != "JSON" and c.name.endswith("_at")
        ]

    def row(self, record: dict[str, Any]) -> list[Any]:
        """The record's values as the journal stores them: JSON as text, times in one form
        (the one the journal sorts and filters by), a column left out as its default."""
        row = list(map(record.get, self._names, self._defaults))  # the rest as they are
        for i, name in self._json:
            value = row[i]
            if value is not None and name in record:
                row[i] = encode_json(value)
        for i, name in self._times:
            value = row[i]
            if isinstance(value, str) and name in record:
                row[i] = _stored_time(value)
        return row


class _Missing:
    """The type of `_MISSING` alone, so the types of a record's values tell a key it leaves
    out from every value JSON gives."""


_MISSING: Any = _Missing()  # a key the record leaves out


def _stored_time(value: str) -> str:
    stored = _stored_moment(value)
    assert stored is not None  # checked when the record was read
    return stored


# A time already in the journal's one form (`to_iso`), as exports write them.
_STORED_FORM = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}\+00:00")


@lru_cache(maxsize=4096)
def _stored_moment(text: str) -> str | None:
    """`text` in the form the journal stores times in, or None when `utc_moment` refuses
    it. A time is tested when its record is read and stored a little later: the second
    time, and any repeat, is a lookup. A time already in the stored form (from 1970) is
    its own stored form once `fromisoformat` takes it, with no conversion."""
    if _STORED_FORM.fullmatch(text) and text >= "1970":
        try:
            datetime.fromisoformat(text)
        except ValueError:
            return None
        return text
    moment = utc_moment(text)
    return None if moment is None else to_iso(moment)


def _columns(session: Session, table: str) -> dict[str, _Column]:
    columns = {}
    for row in session.execute(text(f"PRAGMA table_info({table})")):
        name, kind, notnull, default, primary = row[1], str(row[2]).upper(), row[3], row[4], row[5]
        # The default is an SQL expression of the journal's own schema, such as '[]'.
        value = None if default is None else session.execute(text(f"SELECT {default}")).scalar()
        columns[name] = _Column(
            name,
            kind,
            nullable=not notnull,
            required=bool(notnull and default is None),
            default=value,
        )
        if primary:
            columns[name] = _Column(name, kind, nullable=False, required=True)
    return columns


@dataclass(frozen=True)
class _Schema:
    experiment: dict[str, _Column]
    run: dict[str, _Column]
    expectation: dict[str, _Column]
    grade: dict[str, _Column]
    input_row: dict[str, _Column]
    migration_check: dict[str, _Column]

    @classmethod
    def of(cls, journal: Journal) -> _Schema:
        with journal.read() as session:
            return cls(*(_columns(session, table) for table in _TABLES))

    @property
    def staged_runs(self) -> list[_Column]:
        """The run columns staged as read: the merge resolves the four ids by uuid."""
        return [
            c
            for c in self.run.values()
            if c.name
            not in ("experiment_id", "replay_of_id", "input_row_id", "parent_id", "based_on_id")
        ]

    @property
    def staged_expectations(self) -> list[_Column]:
        """The merge finds the experiment by uuid and places each after what it holds."""
        return [c for c in self.expectation.values() if c.name not in ("experiment_id", "position")]

    @property
    def staged_grades(self) -> list[_Column]:
        """The merge finds the run and the expectation by uuid."""
        return [c for c in self.grade.values() if c.name not in ("run_id", "expectation_id")]

    @property
    def staged_inputs(self) -> list[_Column]:
        """Like expectations: found by the experiment's uuid, placed after what it holds."""
        return [c for c in self.input_row.values() if c.name not in ("experiment_id", "position")]


_TABLES = ("experiment", "run", "expectation", "grade", "input_row", "migration_check")


# -- lines, front matter and blocks --------------------------------------------------------


@dataclass
class _Event:
    kind: str  # "header", or one of BLOCK_KINDS
    record: dict[str, Any]
    line: int
    text_at: int = 0  # the first line of readable text since the block before, if any
    # Parsed from JSON text with no NaN, no infinity and no lone surrogate: nothing in it
    # for `_unusable` to find (see _parse_object). False when not known.
    clean: bool = False


class _Lines:
    """A file's lines as bytes, numbered from 1, split at "\\n" only, without line endings.

    The file is read a chunk of whole lines at a time into `buffer`, and searched there by
    compiled patterns: most lines are prose, skipped unread, with no Python code run per
    line. Only lines that matter are decoded (see `text`); a line's number is counted only
    when something needs it (`number`), by counting the newlines before it.
    """

    def __init__(self, path: Path, shown: str) -> None:
        self.path = path
        self.shown = shown
        self.last = 0
        self.text_after_blocks = 0  # the first line of readable text after the last block
        # The lines read and not yet dropped, after one "\n" (the one ending the line before,
        # or a stand-in): a line start is always found as "\n" and what it starts with.
        self.buffer = b"\n"
        self.pos = 1  # where reading is in `buffer`: always the start of a line
        self._counted, self._line = 1, 1  # a position in `buffer` and its line's number
        self._handle: BinaryIO | None = None
        self._rest = b""  # the start of a line the last chunk read cut off
        self._at_end = False

    def fail(self, line: int, reason: str) -> NoReturn:
        raise ImportFormatError(self.shown, line, reason)

    def text(self, number: int, raw: bytes) -> str:
        try:
            return raw.decode("utf-8")
        except UnicodeDecodeError:
            self.fail(number, "this is not UTF-8 text")

    @contextmanager
    def reading(self) -> Iterator[None]:
        """The file open for `more` and `next_line`."""
        try:
            with self.path.open("rb") as handle:
                self._handle = handle
                try:
                    yield
                finally:
                    self._handle = None
        except OSError as exc:
            raise InvalidInputError(f"Cannot read {self.shown}: {exc.strerror or exc}.") from exc

    def number(self, at: int) -> int:
        """The number of the line at position `at` of `buffer`; asked in file order."""
        self._line += self.buffer.count(b"\n", self._counted, at)
        self._counted = at
        return self._line

    def more(self) -> bool:
        """Drop the lines before `pos` and add the next chunk's whole lines; False when the
        file has no more."""
        if self._at_end:
            return False
        assert self._handle is not None
        parts = [self._rest]
        while True:
            chunk = self._handle.read(_CHUNK)
            if not chunk:
                self._at_end, self._rest = True, b""
                break
            cut = chunk.rfind(b"\n") + 1
            if cut:
                parts.append(chunk[:cut])
                self._rest = chunk[cut:]
                break
            parts.append(chunk)  # a line longer than a chunk
        added = b"".join(parts)
        self.number(self.pos)
        self.buffer = self.buffer[self.pos - 1 :] + added  # the "\n" before pos stays
        self._counted = self.pos = 1
        return bool(added)

    def next_line(self) -> tuple[int, bytes] | None:
        """The line at `pos`, numbered, without its line ending; `pos` moves past it."""
        while True:
            end = self.buffer.find(b"\n", self.pos)
            if end >= 0:
                after = end + 1
                break
            if self.pos < len(self.buffer):  # the file's last line, with no line ending
                end = after = len(self.buffer)
                break
            if not self.more():
                return None
        raw = self.buffer[self.pos : end]
        number = self.number(self.pos)
        self.pos = after
        return number, raw.rstrip(b"\r\n")

    def ended(self) -> None:
        """Every line was taken (`pos` at the end): `last` is the number of the last one."""
        after = self.number(len(self.buffer))  # the line after the last "\n"
        self.last = after - 1 if self.buffer.endswith(b"\n") else after


_non_finite = [0]  # floats the import's JSON parsing found NaN or infinite, ever


def _finite_float(text: str) -> float:
    value = float(text)  # what json does with a number that has a fraction or an exponent
    if not math.isfinite(value):  # 1e999
        _non_finite[0] += 1
    return value


def _constant(name: str) -> float:
    _non_finite[0] += 1  # NaN, Infinity or -Infinity
    return float(name)


_scan_import: Callable[[str, int], tuple[Any, int]] = getattr(  # noqa: B009
    json.JSONDecoder(parse_float=_finite_float, parse_constant=_constant), "scan_once"
)


_JSON_SPACE = " \t\n\r"  # the white space JSON allows around a value


def _load_clean(payload: str) -> tuple[Any, bool]:
    """`load_json(payload)`, and whether the value is surely one `_unusable` passes: no
    non-finite number was parsed and the text escapes no surrogate (text decoded from
    UTF-8 holds none raw). Whatever may be unusable is left to the full walk."""
    before = _non_finite[0]  # only ever counts up: a parse in another thread adds a doubt
    try:
        value, end = _scan_import(payload, 0)
    except StopIteration:
        return load_json(payload), False  # raises the usual JSONDecodeError
    if end != len(payload) and payload[end:].strip(_JSON_SPACE):
        return load_json(payload), False  # raises JSONDecodeError("Extra data")
    clean = _non_finite[0] == before and "\\ud" not in payload and "\\uD" not in payload
    return value, clean


def _parse_object(
    lines: _Lines, payload: str, line: int, what: str, extra_data: str | None = None
) -> tuple[dict[str, Any], bool]:
    """The JSON object `payload` holds, and whether it is clean (see `_load_clean`)."""
    try:
        value, clean = _load_clean(payload)
    except json.JSONDecodeError as exc:
        if extra_data is not None and exc.msg == "Extra data":
            lines.fail(line, extra_data)
        lines.fail(line + exc.lineno - 1, f"{what} is not valid JSON ({exc.msg})")
    except RecursionError:
        lines.fail(line, f"{what} is nested too deeply")
    if not isinstance(value, dict):
        lines.fail(line, f"{what} is not a JSON object")
    return value, clean


_FENCE = FRONT_MATTER_FENCE.encode()
_FOUND = "found"  # on a KIND_TEXT event: the hash of the readable text as it is now
_BLOCK = BLOCK_PREFIX.encode()
_SUFFIX = BLOCK_SUFFIX.encode()
_CHUNK = 1 << 22  # bytes read at a time: memory stays flat whatever the export's size
# A line that opens a code block or starts a metadata block, found with the "\n" before it
# (a pattern starting with ^ tries every position; one starting with "\n" skips to them).
_SPECIAL_LINE = re.compile(rb"\n(?:```|" + re.escape(_BLOCK) + rb")")
# A line with more than spaces and tabs on it (a line ending's \r aside), found likewise.
_TEXT_LINE = re.compile(rb"\n(?![ \t]*\r*$)", re.MULTILINE)


@cache
def _closing_fence(length: int) -> re.Pattern[bytes]:
    """A line that closes a code block opened by `length` backticks: a line of as many or
    more, with only spaces or tabs after them."""
    return re.compile(rb"\n`{%d,}[ \t]*\r*$" % length, re.MULTILINE)


def _events(lines: _Lines) -> Iterator[_Event]:
    """The front matter, then every metadata block outside code blocks, in order."""
    with lines.reading():
        yield from _events_in(lines)


def _events_in(lines: _Lines) -> Iterator[_Event]:
    first = lines.next_line()
    if first is None or first[1].removeprefix(b"\xef\xbb\xbf") != _FENCE:
        lines.fail(1, "not an LLM Journal export: it does not start with llm-journal front matter")
    collected = []
    while (numbered := lines.next_line()) is not None:
        number, raw = numbered
        if raw == _FENCE:
            break
        collected.append(lines.text(number, raw))
    else:
        lines.fail(1, "the front matter never ends (no closing --- line)")
    header = parse_block("\n".join(collected), lines.shown, 2)  # JSON, or a note app's YAML
    version = header.get(FORMAT_KEY)
    if type(version) is not int:
        lines.fail(1, f"not an LLM Journal export: its front matter has no {FORMAT_KEY} version")
    if version > FORMAT_VERSION:
        lines.fail(
            1,
            f"written by a newer LLM Journal (export format {version}; this version reads "
            f"formats {OLDEST_FORMAT_VERSION} to {FORMAT_VERSION}); update LLM Journal to "
            "import it",
        )
    if version < OLDEST_FORMAT_VERSION:
        lines.fail(1, f"unknown export format {version}")
    yield _Event("header", header, 1)
    yield from _blocks(lines)


def _blocks(lines: _Lines) -> Iterator[_Event]:
    """The metadata blocks after the front matter. Everything else is readable text, hashed
    a stretch at a time (code blocks included: only a block ends a stretch)."""
    fence, fence_line = 0, 0  # the open code block's backticks, and its first line
    prose = ProseDigest()  # the readable text since the last block, for a KIND_TEXT block
    text_at = 0  # where that text starts (0: there is none)
    start = lines.pos  # where its part not yet hashed starts

    def first_text(end: int) -> int:
        """The number of the first line with text from `start` to `end`, or 0."""
        found = _TEXT_LINE.search(lines.buffer, start - 1, end)
        return 0 if found is None else lines.number(found.start() + 1)

    while True:
        buffer = lines.buffer
        if fence:
            found = _closing_fence(fence).search(buffer, lines.pos - 1)
            if found is not None:
                end = buffer.find(b"\n", found.end())
                lines.pos = len(buffer) if end < 0 else end + 1
                fence = 0
                continue
        else:
            found = _SPECIAL_LINE.search(buffer, lines.pos - 1)
            if found is not None:
                at = found.start() + 1
                if buffer.startswith(b"```", at):
                    end = buffer.find(b"\n", at)
                    end = len(buffer) if end < 0 else end + 1
                    opening = buffer[at:end]
                    fence = len(opening) - len(opening.lstrip(b"`"))
                    text_at = text_at or first_text(at) or lines.number(at)
                    fence_line = lines.number(at)
                    lines.pos = end
                    continue
                prose.add_lines(buffer[start:at].split(b"\n"))
                text_at = text_at or first_text(at)
                lines.pos = at
                event = _read_block(lines)
                if event.kind == KIND_TEXT:
                    record = event.record
                    if set(record) != {TEXT_KEY} or not isinstance(record[TEXT_KEY], str):
                        lines.fail(event.line, f"a text block holds only its {TEXT_KEY}")
                    record[_FOUND] = prose.hexdigest()
                event.text_at = text_at
                prose, text_at, start = ProseDigest(), 0, lines.pos
                yield event
                continue
        # No line that matters in the rest of the buffer: all of it is readable text.
        end = len(buffer)
        prose.add_lines(buffer[start:end].split(b"\n"))
        text_at = text_at or first_text(end)
        lines.pos = end
        if not lines.more():
            break
        start = lines.pos
    lines.ended()
    lines.text_after_blocks = text_at
    if fence:
        lines.fail(fence_line, "a code block opened here never closes; the file was edited or cut")


def _read_block(lines: _Lines) -> _Event:
    """The metadata block whose first line is at `lines.pos`."""
    numbered = lines.next_line()
    assert numbered is not None  # the line was found in the buffer
    number, raw = numbered
    kind, _, payload = raw[len(_BLOCK) :].partition(b" ")
    if kind.decode("utf-8", "replace") not in BLOCK_KINDS:
        lines.fail(
            number, f"unknown metadata block 'llm-journal:{kind.decode('utf-8', 'replace')}'"
        )
    parts = [payload]
    while not parts[-1].rstrip().endswith(_SUFFIX):
        following = lines.next_line()
        if following is None:
            lines.fail(number, f"the llm-journal:{kind.decode()} block starting here never closes")
        parts.append(following[1])
    joined = b"\n".join(parts).rstrip()[: -len(_SUFFIX)]
    try:
        decoded = joined.decode("utf-8")
    except UnicodeDecodeError as exc:
        lines.fail(number + joined.count(b"\n", 0, exc.start), "this is not UTF-8 text")
    # With its --> missing, a block runs on into the next one: name the block, not the join.
    unclosed = f"the llm-journal:{kind.decode()} block starting here lacks its -->"
    record, clean = _parse_object(lines, decoded, number, "metadata block", unclosed)
    return _Event(kind.decode(), record, number, clean=clean)


# -- checking records ----------------------------------------------------------------------


def _describe(value: Any) -> str:
    shown = json.dumps(value, ensure_ascii=False)
    return shown if len(shown) <= 40 else shown[:39] + "…"


def utc_moment(text: str) -> datetime | None:
    """`text` as a UTC moment the journal can store, show and export, or None.

    A time without an offset is UTC, as the journal reads it. Year 1 at +14:00 is a valid
    ISO time but no UTC one, and every later export would fail on it.
    """
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        moment = moment.astimezone(UTC)
    except OverflowError:
        return None
    return moment if moment >= EARLIEST else None


def _unusable(value: Any) -> str | None:
    """Why a parsed JSON value cannot be stored and read back, or None: Python's json
    accepts NaN and Infinity (JSON has neither) and lone surrogates (SQLite refuses them)."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)  # exact types: these values come straight from json
        if kind is str:
            if not item.isascii():
                try:
                    item.encode("utf-8")
                except UnicodeEncodeError:
                    return "holds text that is not valid Unicode (a lone surrogate)"
        elif kind is float:
            if not math.isfinite(item):
                return f"holds {shown_value(item)}, which JSON does not allow"
        elif kind is dict:
            stack.extend(item)
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
    return None


def _check_value(table: str, column: _Column, value: Any) -> str | None:
    """Why `value` cannot go into `column`, or None if it can."""
    name = f"{table} field '{column.name}'"
    if value is None:
        return None if column.nullable else f"{name} must not be null"
    kind = column.kind
    if kind == "INTEGER":
        if type(value) is not int or not -INT64 <= value < INT64:
            return f"{name} must be a whole number, not {_describe(value)}"
        if column.name in ID_COLUMNS and not 1 <= value <= MAX_RECORD_ID:
            return f"{name} must be between 1 and {MAX_RECORD_ID}, not {_describe(value)}"
    elif kind == "REAL":
        if type(value) not in (int, float):
            return f"{name} must be a number, not {_describe(value)}"
    elif kind == "TEXT":
        if not isinstance(value, str):
            return f"{name} must be text, not {_describe(value)}"
        if column.name.endswith("_at"):
            try:
                datetime.fromisoformat(value)
            except ValueError:
                return f"{name} must be an ISO 8601 time, not {_describe(value)}"
            if utc_moment(value) is None:
                return f"{name} must be a time from 1970 to 9999 in UTC, not {_describe(value)}"
    shape = _SHAPES.get((table, column.name))
    if shape is not None and not isinstance(value, shape):
        return f"{name} has the wrong shape: {_describe(value)}"
    return None


class _Quick:
    """A table's columns as checks built once, each a test that a common good value passes
    at once; a value it does not pass goes to `_check_value`, which says what is wrong (or
    finds nothing), so the outcome is `_check_value`'s for every value."""

    def __init__(self, table: str, columns: dict[str, _Column]) -> None:
        self.columns = columns
        self.plan = [
            (column.name, column, _quick_kind(column), _SHAPES.get((table, column.name)))
            for column in columns.values()
        ]
        self._names = [name for name, _, _, _ in self.plan]
        # What each record's value types (its signature) leave to test: see `passes`.
        self._signatures: dict[tuple[type, ...], _Left | None] = {}

    def passes(self, record: dict[str, Any]) -> bool:
        """Whether every column of `record` surely passes its quick test, found without a
        Python step per column: the types of its values (their signature, a few C calls)
        settle all but the ranges of whole numbers and the times, tested here in bulk.
        False says only "not surely": the column by column tests then run as always."""
        values = list(map(record.get, self._names, repeat(_MISSING)))
        signature = tuple(map(type, values))
        left = self._signatures.get(signature, _UNKNOWN)
        if left is _UNKNOWN:
            if len(self._signatures) > 256:
                self._signatures.clear()
            left = self._signatures[signature] = self._left(signature)
        if left is None:
            return False
        wholes, ids, moments = left.wholes(values), left.ids(values), left.moments(values)
        if wholes and (min(wholes) < -INT64 or max(wholes) >= INT64):
            return False
        if ids and (min(ids) < 1 or max(ids) > MAX_RECORD_ID):
            return False
        return None not in map(_stored_moment, moments)

    def _left(self, signature: tuple[type, ...]) -> _Left | None:
        """What values of these types leave to test, or None when one of them fails its
        quick test whatever its value (or may: a missing column, a null)."""
        wholes, ids, moments = [], [], []
        for i, ((_, column, kind, shape), exact) in enumerate(
            zip(self.plan, signature, strict=True)
        ):
            if exact is _Missing:
                if column.required:
                    return None
                continue
            if exact is type(None):
                if column.nullable:
                    continue
                return None
            if kind == _TEXT:
                passes = exact is str
            elif kind == _WHOLE:
                passes = exact is int
                wholes.append(i)
            elif kind == _RECORD_ID:
                passes = exact is int
                ids.append(i)
            elif kind == _NUMBER:
                passes = exact is int or exact is float
            elif kind == _MOMENT:
                passes = exact is str
                moments.append(i)
            else:
                passes = True
            if not passes or (shape is not None and not issubclass(exact, shape)):
                return None
        return _Left(_taker(wholes), _taker(ids), _taker(moments))

    @classmethod
    def of(cls, table: str, columns: dict[str, _Column]) -> _Quick:
        """The same checks for the same columns: one import checks every record against
        the same schema dicts."""
        quick = _BUILT.get((table, id(columns)))
        if quick is None or quick.columns is not columns:  # (an id reused: built again)
            if len(_BUILT) > 64:
                _BUILT.clear()
            quick = _BUILT[(table, id(columns))] = cls(table, columns)
        return quick


_BUILT: dict[tuple[str, int], _Quick] = {}  # by table and its columns' dict


@dataclass(frozen=True)
class _Left:
    """Of a record's values, those whose quick test their type does not settle."""

    wholes: Callable[[list[Any]], tuple[Any, ...]]  # whole numbers: in range?
    ids: Callable[[list[Any]], tuple[Any, ...]]  # record ids: from 1 to MAX_RECORD_ID?
    moments: Callable[[list[Any]], tuple[Any, ...]]  # times: ones the journal can store?


_UNKNOWN: Any = object()  # a signature not seen yet


def _taker(positions: list[int]) -> Callable[[list[Any]], tuple[Any, ...]]:
    """The values at `positions` of a list, as a tuple, by one C call."""
    if not positions:
        return lambda values: ()
    if len(positions) == 1:
        only = positions[0]
        return lambda values: (values[only],)
    return itemgetter(*positions)


# A column's quick test (`_Quick`): exact types, as json gives them.
_ANY, _WHOLE, _RECORD_ID, _NUMBER, _TEXT, _MOMENT = range(6)


def _quick_kind(column: _Column) -> int:
    if column.kind == "INTEGER":
        return _RECORD_ID if column.name in ID_COLUMNS else _WHOLE
    if column.kind == "REAL":
        return _NUMBER
    if column.kind == "TEXT":
        return _MOMENT if column.name.endswith("_at") else _TEXT
    return _ANY  # JSON, or a type `_check_value` tests nothing of


def _check_record(
    fail: Callable[[str], NoReturn],
    table: str,
    record: dict[str, Any],
    columns: dict[str, _Column],
    extra: frozenset[str] = frozenset(),
    *,
    clean: bool = False,
) -> None:
    """Refuse the record (by `fail`) for the first problem found; `clean` when its JSON
    was found to hold nothing `_unusable` refuses (see `_load_clean`)."""
    if not record.keys() - extra <= columns.keys():
        for key in record:
            if key not in columns and key not in extra:
                fail(
                    f"{table} field '{key}' is unknown to this version of LLM Journal "
                    "(is the export from a newer one?)"
                )
    if not clean and _unusable(record):  # one walk for the whole record; then the field
        for key, value in record.items():
            problem = _unusable(value)
            if problem:
                fail(f"{table} field '{key}' {problem}")
    quick = _Quick.of(table, columns)
    get = record.get
    for name, column, kind, shape in [] if quick.passes(record) else quick.plan:
        value = get(name, _MISSING)
        if value is _MISSING:
            if column.required:
                fail(f"{table} field '{name}' is missing")
            continue
        if value is None:
            if column.nullable:
                continue
        else:  # the quick test (see _Quick), inline: it runs for every column of every record
            exact = type(value)
            if kind == _ANY:
                passes = True
            elif kind == _TEXT:
                passes = exact is str
            elif kind == _WHOLE:
                passes = exact is int and -INT64 <= value < INT64
            elif kind == _RECORD_ID:
                passes = exact is int and 1 <= value <= MAX_RECORD_ID
            elif kind == _NUMBER:
                passes = exact is int or exact is float
            else:
                passes = exact is str and _stored_moment(value) is not None
            if passes and (shape is None or isinstance(value, shape)):
                continue
        problem = _check_value(table, column, value)
        if problem:
            fail(problem)
    uuid = record.get("uuid")
    if not isinstance(uuid, str) or not uuid.strip():
        fail(f"{table} uuid must be non-empty text")
    if table == "experiment":
        tags = record.get("tags", [])
        if not all(isinstance(tag, str) for tag in tags):
            fail("experiment tags must all be text")
        _check_grading(fail, record.get(GRADING_KEY))
    elif table == "expectation":
        _check_expectation(fail, record)
    elif table == "grade":
        _check_grade(fail, record)
    elif table == "input_row":
        _check_input(fail, record)
    elif table == "migration_check":
        if record.get("status") not in _CHECK_STATUSES:
            fail(f"check status {_describe(record.get('status'))} is not one the journal knows")
    else:
        if record.get("status", RunStatus.PENDING.value) not in _RUN_STATUSES:
            fail(f"run status {_describe(record.get('status'))} is not one the journal knows")
        verdict = record.get("verdict")
        if verdict is not None and verdict not in _VERDICTS:
            fail(f"run verdict {_describe(verdict)} is not worked, partly, failed or null")
        replay = record.get(REPLAY_OF_UUID)
        if replay is not None and not isinstance(replay, str):
            fail(f"run {REPLAY_OF_UUID} must be text or null")
        messages = record.get("messages", [])
        if not all(isinstance(message, dict) for message in messages):
            fail("run messages must all be JSON objects")
        for message in messages:
            if not isinstance(message.get("role"), str) or not message["role"]:
                fail(f"run message {_describe(message)} has no role")
            if not isinstance(message.get("content", ""), str):
                fail(f"run message content must be text, not {_describe(message['content'])}")
        template = record.get("template")
        if template is not None:
            try:  # the text it says it sent must be what its template gives
                check_template(template, last_user_text(messages), record.get("system_prompt", ""))
            except InvalidInputError as error:
                fail(f"run template: {error.message}")
        try:  # what a replay of it will send
            check_recorded(record.get("options", {}))
        except InvalidInputError as error:
            fail(f"run options: {error.message.rstrip('.')}")
        try:
            check_request(record.get("keep_alive"), record.get("think"))
        except InvalidInputError as error:
            fail(f"run {error.message.rstrip('.')}")


def _check_grading(fail: Callable[[str], NoReturn], grading: Any) -> None:
    """An experiment's rule for combining grades, as `journal expect` would set it."""
    if grading is None:
        return
    if not isinstance(grading, dict) or set(grading) != {"threshold", "updated_at"}:
        fail(
            f"experiment {GRADING_KEY} must be null or an object with threshold and "
            f"updated_at, not {_describe(grading)}"
        )
    threshold = grading["threshold"]
    if threshold is not None:
        if type(threshold) not in (int, float):
            fail(f"experiment {GRADING_KEY} threshold must be a number, not {_describe(threshold)}")
        try:
            CombineRule.weighted_at(threshold)
        except InvalidInputError as error:
            fail(f"experiment {GRADING_KEY}: {error.message.rstrip('.')}")
    updated = grading["updated_at"]
    if not isinstance(updated, str) or utc_moment(updated) is None:
        fail(
            f"experiment {GRADING_KEY} updated_at must be a time from 1970 to 9999 in UTC, "
            f"not {_describe(updated)}"
        )


def _check_expectation(fail: Callable[[str], NoReturn], record: dict[str, Any]) -> None:
    """The rules an expectation must meet when a person saves one (a valid regex, a schema
    that is JSON and fetches nothing, a weight above 0), applied before anything is written."""
    negated = record.get("negated", 0)
    if type(negated) is not int or negated not in (0, 1):
        fail(f"expectation field 'negated' must be 0 or 1, not {_describe(negated)}")
    if record["position"] < 1:
        fail(f"expectation position must be 1 or more, not {_describe(record['position'])}")
    try:
        kind = Kind(record["kind"])
    except ValueError:
        fail(
            f"expectation kind {_describe(record['kind'])} is not one this version of "
            "LLM Journal knows (is the export from a newer one?)"
        )
    target = _target(fail, "expectation", record)
    value = record.get("value", "")
    if kind is Kind.JSON_SCHEMA and value.startswith("@"):
        fail("expectation json-schema names a file; an export carries the schema itself")
    expectation = Expectation(
        kind=kind,
        value=value,
        arg=record.get("arg"),
        negated=bool(negated),
        name=record.get("name", ""),
        weight=record.get("weight", 1.0),
        target=target,
    )
    try:
        check_expectation(expectation)
    except InvalidInputError as error:
        fail(error.message.rstrip("."))


def _target(fail: Callable[[str], NoReturn], what: str, record: dict[str, Any]) -> Target:
    """An expectation's or a grade's target as its text spells it (`Target.parse`)."""
    written = record.get("target", Target.ANSWER.value)
    try:
        if not isinstance(written, str):
            raise ValueError("it is text, like answer, thinking or turn:2")
        return Target.parse(written)
    except ValueError as error:
        fail(f"{what} target {_describe(written)}: {error}")


def _check_input(fail: Callable[[str], NoReturn], record: dict[str, Any]) -> None:
    """An input row as saving one checks it: variable names, text values, expectations in
    their one-line form that the journal can grade by."""
    if type(record["position"]) is not int or record["position"] < 1:
        fail(f"input position must be 1 or more, not {_describe(record['position'])}")
    expectations = record.get("expectations", [])
    if not all(isinstance(line, str) for line in expectations):
        fail("input expectations must all be text")
    try:
        row = check_input_row(record.get("variables", {}), expectations)
    except InvalidInputError as error:
        fail(f"input row: {error.message.rstrip('.')}")
    if list(row.expectations) != expectations:
        fail("input expectations must be written in their one-line form")


def _check_grade(fail: Callable[[str], NoReturn], record: dict[str, Any]) -> None:
    """A grade as grading stores it: a status it knows, a score from 0 to 1, the weight and
    target of an expectation. Which run and expectation it is about is checked with its
    experiment (`_check_links`)."""
    status = record["status"]
    if status not in _GRADE_STATUSES:
        fail(f"grade status {_describe(status)} is not pass, fail, unsure or error")
    score = record.get("score")
    if score is not None and not 0 <= score <= 1:
        fail(f"grade score must be from 0 to 1, or null, not {_describe(score)}")
    weight = record.get("weight", 1.0)
    if not 0 < weight <= MAX_WEIGHT:
        fail(f"grade weight must be above 0, up to {MAX_WEIGHT:g}, not {_describe(weight)}")
    _target(fail, "grade", record)
    if not record["expectation_uuid"].strip():
        fail("grade expectation_uuid must be non-empty text")


def _check_links(lines: _Lines, experiment: ParsedExperiment) -> None:
    """An experiment's expectations are numbered 1, 2, ... in the order they come, and each
    grade that names an expectation names one of them, by id and by uuid alike; a run made
    from an input row names one of the experiment's rows, by id and by uuid alike."""
    uuids: dict[Any, str] = {}
    seen: dict[str, str] = {}
    input_uuids: dict[Any, str] = {}
    for number, row in enumerate(experiment.inputs, start=1):
        if row.record["position"] != number:
            lines.fail(
                row.line,
                f"input position {_describe(row.record['position'])} where {number} was "
                "expected: an experiment's input rows are numbered 1, 2, ... in their order",
            )
        _unique(input_uuids, row.record["uuid"], f"{lines.shown}:{row.line}", "input uuid")
    input_ids = {row.record["uuid"]: row.record["id"] for row in experiment.inputs}
    for run in experiment.runs:
        _check_input_link(lines, run, input_ids, experiment.record.get("id"))
    _check_parents(lines, experiment)
    for number, expectation in enumerate(experiment.expectations, start=1):
        position = expectation.record["position"]
        if position != number:
            lines.fail(
                expectation.line,
                f"expectation position {_describe(position)} where {number} was expected: "
                "an experiment's expectations are numbered 1, 2, ... in their order",
            )
        uuid = expectation.record["uuid"]
        _unique(seen, uuid, f"{lines.shown}:{expectation.line}", "expectation uuid")
        uuids[expectation.record["id"]] = uuid
    for run in experiment.runs:
        for grade in run.grades:
            named = grade.record.get("expectation_id")
            if named is None:
                continue  # an expectation removed since: the grade keeps its uuid and text
            if named not in uuids:
                lines.fail(
                    grade.line,
                    f"this grade is about expectation {_describe(named)}, which is not one of "
                    f"experiment {_describe(experiment.record.get('id'))}'s expectations",
                )
            if uuids[named] != grade.record["expectation_uuid"]:
                lines.fail(
                    grade.line,
                    f"this grade's expectation_uuid is not the uuid of expectation "
                    f"{_describe(named)}",
                )


def _check_parents(lines: _Lines, experiment: ParsedExperiment) -> None:
    """A follow-up's parent, when it is in the export, is an earlier run of the same
    experiment, by id and by uuid alike (so no run can follow itself, even through others);
    one the export lacks must be in the journal (checked by the merge)."""
    earlier: dict[Any, Any] = {}
    later = {run.record["uuid"] for run in experiment.runs}
    for run in experiment.runs:
        parent = run.record.get(PARENT_UUID)
        if parent is not None:
            if parent in earlier:
                if earlier[parent] != run.record.get("parent_id"):
                    lines.fail(
                        run.line, f"this run's parent_id is not the id of run {_describe(parent)}"
                    )
            elif parent in later:
                lines.fail(
                    run.line,
                    f"this run follows run {_describe(parent)}, which comes after it: a turn "
                    "follows the turn before it",
                )
        earlier[run.record["uuid"]] = run.record.get("id")


def _check_input_link(
    lines: _Lines, run: ParsedRun, input_ids: dict[str, Any], experiment_id: Any
) -> None:
    row_uuid, row_id = run.record.get(INPUT_ROW_UUID), run.record.get("input_row_id")
    if row_uuid is None:
        if row_id is not None:
            lines.fail(
                run.line,
                f"this run's input_row_id is {_describe(row_id)} but its {INPUT_ROW_UUID} is "
                "null: give both or neither",
            )
        return
    if row_uuid not in input_ids:
        lines.fail(
            run.line,
            f"this run was made from input row {_describe(row_uuid)}, which is not one of "
            f"experiment {_describe(experiment_id)}'s input rows",
        )
    if input_ids[row_uuid] != row_id:
        lines.fail(
            run.line,
            f"this run's input_row_id is not the id of input row {_describe(row_uuid)}",
        )


# -- files and folders ---------------------------------------------------------------------


def _experiments_in_file(
    path: Path,
    shown: str,
    schema: _Schema,
    edited: list[str] | None = None,
    checks: list[ParsedCheck] | None = None,
) -> Iterator[ParsedExperiment]:
    """The experiments of one export file (the whole journal, or one experiment's file);
    where its readable text no longer matches its hash is added to `edited`, its migration
    checks (after the experiments, format 10) to `checks`."""
    edited = [] if edited is None else edited
    checks = [] if checks is None else checks
    earlier_checks = len(checks)  # of the folder's other files
    head_edited = False  # one-file: a text block, not yet known to be an experiment's
    texts = 0  # one-file: text blocks so far (the first ends the head)
    lines = _Lines(path, shown)
    events = _events(lines)
    header = next(events)
    layout = header.record.get(LAYOUT_KEY)
    version = header.record[FORMAT_KEY]
    covered = version >= COVERED_TEXT_FORMAT
    current: ParsedExperiment | None = None

    def start(record: dict[str, Any], line: int, clean: bool = False) -> ParsedExperiment:
        _check_record(
            lambda reason: lines.fail(line, reason),
            "experiment",
            record,
            schema.experiment,
            frozenset({GRADING_KEY}),
            clean=clean,
        )
        return ParsedExperiment(record, f"{shown}:{line}")

    if layout == "experiment":
        current = start(_experiment_of_file(header, lines), 1)
    elif layout == "folder":
        lines.fail(1, "this is the index of a folder export; import the folder itself")
    elif layout not in ("file", CHECK_LAYOUT):
        lines.fail(1, f"unknown export layout {_describe(layout)}")
    experiments = runs = expectations = grades = inputs = 0
    end: _Event | None = None
    for event in events:
        if end is not None:
            lines.fail(event.line, "metadata after the llm-journal:end marker")
        if layout == CHECK_LAYOUT and event.kind not in _CHECK_FILE_KINDS:
            lines.fail(event.line, f"an llm-journal:{event.kind} block in a check's file")
        if covered and event.kind != KIND_TEXT and event.text_at:
            edited.append(_uncovered(shown, event.text_at, "between two metadata blocks"))
        if event.kind == KIND_TEXT:
            changed = event.record[TEXT_KEY] != event.record[_FOUND]
            if layout in ("experiment", CHECK_LAYOUT):
                if changed:
                    edited.append(shown)
            else:  # it leads an experiment's or a check's blocks, ends the head, or the file
                if head_edited:
                    edited.append(f"{shown} (before its first experiment)")
                head_edited = changed
                texts += 1
            continue
        if head_edited and event.kind == KIND_CHECK:
            edited.append(f"{shown} (migration check {_describe(event.record.get('id'))})")
            head_edited = False
        if head_edited and event.kind != KIND_EXPERIMENT:
            # From format 11 a text block that is not the head's, just before the end
            # marker, covers what follows the last experiment.
            part = "after its last experiment" if texts > 1 else "before its first experiment"
            edited.append(f"{shown} ({part})")
            head_edited = False
        if len(checks) > earlier_checks and event.kind not in _CHECK_FILE_KINDS[1:]:
            lines.fail(event.line, f"an llm-journal:{event.kind} block after the migration checks")
        if event.kind == KIND_EXPERIMENT:
            if head_edited:
                edited.append(f"{shown} (experiment {_describe(event.record.get('id'))})")
                head_edited = False
            if layout == "experiment":
                lines.fail(event.line, "an experiment block inside one experiment's file")
            if current is not None:
                _check_links(lines, current)
                yield current
            current = start(event.record, event.line, event.clean)
            experiments += 1
        elif event.kind == KIND_RUN:
            if current is None:
                lines.fail(event.line, "a run block before any experiment")
            _check_run(lines, event, current, schema, version)
            current.runs.append(ParsedRun(event.record, event.line))
            runs += 1
        elif event.kind == KIND_EXPECTATION:
            if current is None:
                lines.fail(event.line, "an expectation block before any experiment")
            _check_owned(lines, event, "expectation", schema.expectation, current.record)
            current.expectations.append(ParsedRecord(event.record, event.line))
            expectations += 1
        elif event.kind == KIND_INPUT:
            if current is None:
                lines.fail(event.line, "an input block before any experiment")
            _check_owned(lines, event, "input_row", schema.input_row, current.record)
            current.inputs.append(ParsedRecord(event.record, event.line))
            inputs += 1
        elif event.kind == KIND_GRADE:
            if current is None or not current.runs:
                lines.fail(event.line, "a grade block before any run")
            run = current.runs[-1]
            _check_owned(lines, event, "grade", schema.grade, run.record)
            run.grades.append(ParsedRecord(event.record, event.line))
            grades += 1
        elif event.kind == KIND_CHECK:
            if layout == "experiment":
                lines.fail(event.line, "a migration check inside one experiment's file")
            _check_record(
                partial(lines.fail, event.line),
                "migration_check",
                event.record,
                schema.migration_check,
                clean=event.clean,
            )
            checks.append(ParsedCheck(event.record, shown, event.line))
        elif event.kind == KIND_CHECK_ITEM:
            if len(checks) == earlier_checks:
                lines.fail(event.line, "a check item block before any migration check")
            _check_check_item(lines, event, checks[-1])
            checks[-1].items.append(ParsedRecord(event.record, event.line))
        else:
            end = event
    if end is None:
        lines.fail(lines.last, "the file ends without its llm-journal:end marker: it is incomplete")
    if covered and lines.text_after_blocks:
        edited.append(_uncovered(shown, lines.text_after_blocks, "after the end marker"))
    expected = end_record(
        experiments=None if layout in ("experiment", CHECK_LAYOUT) else experiments,
        runs=runs,
        expectations=expectations,
        grades=grades,
        inputs=inputs,
        checks=len(checks) - earlier_checks,
        check_items=sum(len(check.items) for check in checks[earlier_checks:]),
    )
    if end.record != expected:
        lines.fail(
            end.line,
            f"the end marker counts {_describe(end.record)} but the file holds "
            f"{_describe(expected)}: blocks were removed or added, or hidden by an edited "
            "code block",
        )
    if current is not None:
        _check_links(lines, current)
        yield current


_CHECK_FILE_KINDS = (KIND_TEXT, KIND_CHECK, KIND_CHECK_ITEM, KIND_END)  # the text first


def _uncovered(shown: str, line: int, where: str) -> str:
    """Where readable text sits that no text block covers (format 11 on): an export
    writes none there, so a person added it."""
    return f"{shown} (line {line}, {where})"


def _check_check_item(lines: _Lines, event: _Event, check: ParsedCheck) -> None:
    """An item holds its 1-based position (once in its check) and its runs by uuid."""
    record = event.record
    if set(record) != {"position", SOURCE_RUN_UUID, NEW_RUN_UUID}:
        lines.fail(event.line, f"a check item holds position, {SOURCE_RUN_UUID}, {NEW_RUN_UUID}")
    position = record["position"]
    if type(position) is not int or not 1 <= position <= MAX_RECORD_ID:
        lines.fail(
            event.line,
            f"check item position must be a whole number from 1, not {_describe(position)}",
        )
    if any(item.record["position"] == position for item in check.items):
        lines.fail(event.line, f"check item position {position} is given twice")
    if not isinstance(record[SOURCE_RUN_UUID], str):
        lines.fail(event.line, f"check item {SOURCE_RUN_UUID} must be a run's uuid")
    if record[NEW_RUN_UUID] is not None and not isinstance(record[NEW_RUN_UUID], str):
        lines.fail(event.line, f"check item {NEW_RUN_UUID} must be a run's uuid or null")


def _experiment_of_file(header: _Event, lines: _Lines) -> dict[str, Any]:
    """The record in an experiment file's front matter: nested under RECORD_KEY from
    format 2, the front matter itself (less the format keys) in format 1. From format 2 a
    property a note app added beside them (tags, aliases, cssclasses) is not the journal's
    and is left alone: the file still imports, from its record."""
    if header.record[FORMAT_KEY] == 1:
        return {k: v for k, v in header.record.items() if k not in (FORMAT_KEY, LAYOUT_KEY)}
    record = header.record.get(RECORD_KEY)
    if not isinstance(record, dict):
        lines.fail(1, f"the front matter must hold the experiment under {RECORD_KEY!r}")
    return record


def _check_run(
    lines: _Lines, event: _Event, experiment: ParsedExperiment, schema: _Schema, version: int
) -> None:
    def fail(reason: str) -> NoReturn:
        lines.fail(event.line, reason)

    _check_record(
        fail,
        "run",
        event.record,
        schema.run,
        frozenset({REPLAY_OF_UUID, INPUT_ROW_UUID, PARENT_UUID, BASED_ON_UUID, IMAGES_KEY}),
        clean=event.clean,
    )
    if version < RUN_PLACE_FORMAT:
        event.record.update({"host": "", "input_row_id": None, INPUT_ROW_UUID: None})
    if version < CONVERSATION_FORMAT:
        event.record.update({"parent_id": None, PARENT_UUID: None, "format": None})
        event.record[IMAGES_KEY] = []
    row = event.record.get(INPUT_ROW_UUID)
    if row is not None and not isinstance(row, str):
        fail(f"run {INPUT_ROW_UUID} must be text or null, not {_describe(row)}")
    parent = event.record.get(PARENT_UUID)
    if parent is not None and not isinstance(parent, str):
        fail(f"run {PARENT_UUID} must be text or null, not {_describe(parent)}")
    if (parent is None) != (event.record.get("parent_id") is None):
        fail(f"this run's parent_id and its {PARENT_UUID} must be given both or neither")
    based_on = event.record.get(BASED_ON_UUID)
    if based_on is not None and not isinstance(based_on, str):
        fail(f"run {BASED_ON_UUID} must be text or null, not {_describe(based_on)}")
    if (based_on is None) != (event.record.get("based_on_id") is None):
        fail(f"this run's based_on_id and its {BASED_ON_UUID} must be given both or neither")
    answer_format = event.record.get("format")
    if (
        answer_format is not None
        and answer_format != "json"
        and not isinstance(answer_format, dict)
    ):
        shown = _describe(answer_format)
        fail(f'run format must be null, "json" or a JSON schema object, not {shown}')
    _check_images(fail, event.record)
    owner = experiment.record.get("id")
    if event.record.get("experiment_id") != owner:
        fail(
            f"this run belongs to experiment {_describe(event.record.get('experiment_id'))} "
            f"but sits under experiment {_describe(owner)}"
        )


def _check_images(fail: Callable[[str], NoReturn], record: dict[str, Any]) -> None:
    """A run's IMAGES_KEY lists image rows (their bytes are checked against the files when
    staged), each one its messages show, each once."""
    images = record.setdefault(IMAGES_KEY, [])
    if not isinstance(images, list):
        fail(f"run {IMAGES_KEY} must be a list, not {_describe(images)}")
    shown = set(image_refs(record.get("messages", [])))
    seen: set[str] = set()
    for image in images:
        if not isinstance(image, dict) or set(image) != set(IMAGE_FIELDS):
            fail(f"run {IMAGES_KEY}: each must be an object of {', '.join(IMAGE_FIELDS)}")
        sha = image["sha256"]
        if not isinstance(sha, str) or not SHA256.match(sha):
            fail(f"run {IMAGES_KEY}: {_describe(sha)} is not a SHA-256 in lowercase hex")
        which = f"run {IMAGES_KEY}: image {short_digest(sha)}…"
        if sha in seen or sha not in shown:
            fail(f"{which} is listed twice, or no message shows it")
        seen.add(sha)
        if image["mime"] not in IMAGE_EXTENSIONS:
            fail(f"{which} is {_describe(image['mime'])}, not {', '.join(IMAGE_EXTENSIONS)}")
        if type(image["size"]) is not int or image["size"] < 0:
            fail(f"{which} size must be a whole number of bytes")
        for side in ("width", "height"):
            value = image[side]
            if value is not None and (type(value) is not int or not 0 < value < INT64):
                fail(f"{which} {side} must be a whole number or null")
        created = image["created_at"]
        if not isinstance(created, str) or utc_moment(created) is None:
            fail(f"{which} created_at must be a time in UTC")


def _check_owned(
    lines: _Lines, event: _Event, table: str, columns: dict[str, _Column], owner: dict[str, Any]
) -> None:
    """An expectation sits under its experiment's block, a grade under its run's."""

    def fail(reason: str) -> NoReturn:
        lines.fail(event.line, reason)

    _check_record(fail, table, event.record, columns, clean=event.clean)
    key, noun = ("run_id", "run") if table == "grade" else ("experiment_id", "experiment")
    if event.record.get(key) != owner.get("id"):
        fail(
            f"this {table} belongs to {noun} {_describe(event.record.get(key))} "
            f"but sits under {noun} {_describe(owner.get('id'))}"
        )


def _experiment_files(folder: Path, *, missing_ok: bool = False) -> list[str]:
    try:
        names = [name for name in os.listdir(folder) if EXPERIMENT_FILE.match(name)]
    except FileNotFoundError as exc:
        if missing_ok:
            return []
        raise InvalidInputError(f"Cannot read {folder}: {exc.strerror or exc}.") from exc
    except OSError as exc:
        raise InvalidInputError(f"Cannot read {folder}: {exc.strerror or exc}.") from exc
    return sorted(names, key=lambda name: (int(name.partition("-")[0]), name))


def _experiments_in_folder(
    folder: Path,
    schema: _Schema,
    edited: list[str] | None = None,
    checks: list[ParsedCheck] | None = None,
) -> Iterator[ParsedExperiment]:
    """The experiments of a folder export; its migration checks (format 10, a file each
    in CHECKS_DIR) go to `checks` once the experiments are read."""
    checks = [] if checks is None else checks
    edited = [] if edited is None else edited
    index = folder / INDEX_NAME
    if not index.is_file():
        raise InvalidInputError(
            f"{folder} is not an LLM Journal export folder: it has no {INDEX_NAME}."
        )
    lines = _Lines(index, str(index))
    events = _events(lines)
    header = next(events)
    if header.record.get(LAYOUT_KEY) != "folder":
        lines.fail(1, "this is not the index of a folder export")
    # From format 11 its readable text is covered by a text block before the end marker.
    covered = header.record[FORMAT_KEY] >= COVERED_TEXT_FORMAT
    kinds = [KIND_TEXT, KIND_END] if covered else [KIND_END]
    held = "its text block, then the end marker" if covered else "only the end marker"
    blocks: list[_Event] = []
    for event in events:
        if len(blocks) == len(kinds) or event.kind != kinds[len(blocks)]:
            lines.fail(event.line, f"{INDEX_NAME} holds {held}")
        blocks.append(event)
    if len(blocks) < len(kinds):
        lines.fail(lines.last, f"{INDEX_NAME} ends without its llm-journal:end marker")
    end = blocks[-1]
    if covered:
        if blocks[0].record[TEXT_KEY] != blocks[0].record[_FOUND]:
            edited.append(str(index))
        if end.text_at:
            edited.append(_uncovered(str(index), end.text_at, "between two metadata blocks"))
        if lines.text_after_blocks:
            edited.append(_uncovered(str(index), lines.text_after_blocks, "after the end marker"))
    experiments = runs = expectations = grades = inputs = 0
    for name in _experiment_files(folder):
        for parsed in _experiments_in_file(folder / name, str(folder / name), schema, edited):
            experiments += 1
            runs += len(parsed.runs)
            expectations += len(parsed.expectations)
            grades += sum(len(run.grades) for run in parsed.runs)
            inputs += len(parsed.inputs)
            yield parsed
    for name in _experiment_files(folder / CHECKS_DIR, missing_ok=True):
        path = folder / CHECKS_DIR / name
        for _ in _experiments_in_file(path, str(path), schema, edited, checks):
            pass  # a check's file holds no experiment: it fails before yielding one
    found = end_record(
        experiments=experiments,
        runs=runs,
        expectations=expectations,
        grades=grades,
        inputs=inputs,
        checks=len(checks),
        check_items=sum(len(check.items) for check in checks),
    )
    if end.record != found:
        lines.fail(
            end.line,
            f"the index counts {_describe(end.record)} but the folder holds {_describe(found)}: "
            "experiment files are missing or were added",
        )


def _read(
    path: Path,
    schema: _Schema,
    edited: list[str] | None = None,
    checks: list[ParsedCheck] | None = None,
) -> Iterator[ParsedExperiment]:
    if path.is_dir():
        return _experiments_in_folder(path, schema, edited, checks)
    if path.name == INDEX_NAME and is_export_folder(path.parent):
        return _experiments_in_folder(path.parent, schema, edited, checks)
    if not path.exists():
        raise InvalidInputError(f"There is no file or folder {path}.")
    return _experiments_in_file(path, str(path), schema, edited, checks)


def _stage(
    path: Path,
    schema: _Schema,
    staging: Staging,
    edited: list[str],
    journal_runs: Callable[[list[str]], set[str]],
) -> None:
    """Read everything once, refuse what is wrong, and stage every record as it is read;
    `journal_runs` says which of some run uuids the journal holds (for migration checks)."""
    experiment_uuids: dict[str, str] = {}
    run_uuids: dict[str, str] = {}
    experiment_ids: dict[int, str] = {}
    run_ids: dict[int, str] = {}
    expectation_uuids: dict[str, str] = {}
    expectation_ids: dict[int, str] = {}
    grade_uuids: dict[str, str] = {}
    grade_ids: dict[int, str] = {}
    input_uuids: dict[str, str] = {}
    input_ids: dict[int, str] = {}
    replays: dict[str, _Replay] = {}
    experiment_columns = _Stored(list(schema.experiment.values()))
    run_columns = _Stored(schema.staged_runs)
    expectation_columns = _Stored(schema.staged_expectations)
    grade_columns = _Stored(schema.staged_grades)
    input_columns = _Stored(schema.staged_inputs)
    images = _Images(_assets_of(path), staging)
    checks: list[ParsedCheck] = []
    for parsed in _read(path, schema, edited, checks):
        where = parsed.where
        _unique(experiment_uuids, parsed.record["uuid"], where, "experiment uuid")
        _unique(experiment_ids, parsed.record["id"], where, "experiment id")
        grading = parsed.record.get(GRADING_KEY)
        staging.add_experiment(
            experiment_columns.row(parsed.record),
            grading=None if grading is None else _stored_grading(grading),
        )
        shown, _, _ = where.rpartition(":")
        for expectation in parsed.expectations:
            record, found = expectation.record, f"{shown}:{expectation.line}"
            _unique(expectation_uuids, record["uuid"], found, "expectation uuid")
            _unique(expectation_ids, record["id"], found, "expectation id")
            staging.add_expectation(
                expectation_columns.row(record),
                experiment_uuid=parsed.record["uuid"],
            )
        for row in parsed.inputs:
            record, found = row.record, f"{shown}:{row.line}"
            _unique(input_uuids, record["uuid"], found, "input uuid")
            _unique(input_ids, record["id"], found, "input id")
            staging.add_input(
                input_columns.row(record),
                experiment_uuid=parsed.record["uuid"],
            )
        for run in parsed.runs:
            run_where = f"{shown}:{run.line}"
            _unique(run_uuids, run.record["uuid"], run_where, "run uuid")
            _unique(run_ids, run.record["id"], run_where, "run id")
            replayed = run.record.get(REPLAY_OF_UUID)
            if replayed is not None:
                replays[run.record["uuid"]] = _Replay(replayed, run.record["id"], run_where)
            record = run.record
            live = record.get("status", RunStatus.PENDING.value) in LIVE_STATUSES
            if live:
                record = _as_interrupted(record)
            staging.add_run(
                run_columns.row(record),
                experiment_uuid=parsed.record["uuid"],
                replay_of_uuid=replayed,
                was_live=live,
                input_row_uuid=record.get(INPUT_ROW_UUID),
                parent_uuid=record.get(PARENT_UUID),
                where=run_where,
                based_on_uuid=record.get(BASED_ON_UUID),
            )
            for image in record.get(IMAGES_KEY, []):
                images.stage(image, run_where)
            for grade in run.grades:
                found = f"{shown}:{grade.line}"
                _unique(grade_uuids, grade.record["uuid"], found, "grade uuid")
                _unique(grade_ids, grade.record["id"], found, "grade id")
                staging.add_grade(
                    grade_columns.row(grade.record),
                    run_uuid=run.record["uuid"],
                    linked=grade.record.get("expectation_id") is not None,
                )
    _refuse_replay_cycles(replays)
    _stage_checks(checks, run_uuids, schema, staging, journal_runs)
    staging.finish()


def _stage_checks(
    checks: list[ParsedCheck],
    run_uuids: dict[str, str],
    schema: _Schema,
    staging: Staging,
    journal_runs: Callable[[list[str]], set[str]],
) -> None:
    """Each check, its items' runs found among the export's runs (a check is exported only
    with all of them) or, for a check file imported on its own, among the journal's;
    staged for the merge. A check lacking some is refused, naming every run it lacks."""
    uuids: dict[str, str] = {}
    ids: dict[int, str] = {}
    columns = _Stored(list(schema.migration_check.values()))
    for check in checks:
        where = f"{check.shown}:{check.line}"
        _unique(uuids, check.record["uuid"], where, "migration check uuid")
        _unique(ids, check.record["id"], where, "migration check id")
        named: dict[str, int] = {}  # run uuid -> the line of the first item naming it
        for item in check.items:
            for run in (item.record[SOURCE_RUN_UUID], item.record[NEW_RUN_UUID]):
                if run is not None and run not in run_uuids:
                    named.setdefault(run, item.line)
        held = journal_runs(list(named))
        lacking = [run for run in named if run not in held]
        if lacking:
            shown = ", ".join(_describe(run) for run in lacking)
            raise ImportFormatError(
                check.shown,
                named[lacking[0]],
                f"migration check {_describe(check.record['id'])} cannot be imported: "
                + runs_not_held(shown, "this export nor in this journal"),
            )
        items = []
        for item in check.items:
            items.append(
                (item.record["position"], item.record[SOURCE_RUN_UUID], item.record[NEW_RUN_UUID])
            )
        record = check.record
        if record["status"] == CheckStatus.RUNNING.value:  # nobody runs it here
            record = dict(record, status=CheckStatus.INTERRUPTED.value)
        staging.add_check(columns.row(record), items)


def _assets_of(path: Path) -> Path:
    """Where an export's images are: ASSETS_DIR beside a one-file export, inside a folder."""
    if path.is_dir():
        return path / ASSETS_DIR
    return path.parent / ASSETS_DIR


class _Images:
    """Each image an export lists, read once from its file, checked against its hash and
    size, and staged with the row the listing gives."""

    def __init__(self, folder: Path, staging: Staging) -> None:
        self.folder = folder
        self.staging = staging
        self.seen: dict[str, dict[str, Any]] = {}

    def stage(self, image: dict[str, Any], where: str) -> None:
        shown, _, line = where.rpartition(":")
        sha = image["sha256"]
        first = self.seen.get(sha)
        if first is not None:
            if first != image:
                raise ImportFormatError(
                    shown,
                    int(line),
                    f"image {short_digest(sha)}… is listed otherwise by another run",
                )
            return
        path = self.folder / f"{sha}.{IMAGE_EXTENSIONS[image['mime']]}"
        try:
            with path.open("rb") as handle:
                data = handle.read(image["size"] + 1)
        except FileNotFoundError:
            raise ImportFormatError(
                shown,
                int(line),
                f"the image file {path} is missing; copy the export's {ASSETS_DIR} folder "
                "along with it",
            ) from None
        except OSError as exc:
            raise InvalidInputError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
        if len(data) != image["size"] or hashlib.sha256(data).hexdigest() != sha:
            raise ImportFormatError(
                shown,
                int(line),
                f"the image file {path} is not the image it names: its bytes were altered",
            )
        moment = utc_moment(image["created_at"])
        assert moment is not None  # checked when the record was read
        self.staging.add_image(
            [
                sha,
                image["mime"],
                image["size"],
                image["width"],
                image["height"],
                data,
                to_iso(moment),
            ]
        )
        self.seen[sha] = image


def _stored_grading(grading: dict[str, Any]) -> tuple[float | None, str]:
    """(threshold, updated_at) as `experiment_grading` stores them."""
    moment = utc_moment(grading["updated_at"])
    assert moment is not None  # checked when the record was read
    return grading["threshold"], to_iso(moment)


@dataclass(frozen=True)
class _Replay:
    replays_uuid: str
    run_id: int
    where: str


def _refuse_replay_cycles(replays: dict[str, _Replay]) -> None:
    """A run cannot replay itself, nor a run that (through others) replays it: the
    journal follows replay links back to the first original."""
    finished: set[str] = set()
    for start in replays:
        path: list[str] = []
        position: dict[str, int] = {}
        current: str | None = start
        while current in replays and current not in finished:
            if current in position:
                _refuse_cycle([replays[uuid] for uuid in path[position[current] :]])
            position[current] = len(path)
            path.append(current)
            current = replays[current].replays_uuid
        finished.update(path)


def _refuse_cycle(cycle: list[_Replay]) -> NoReturn:
    first = cycle[0]
    shown, _, line = first.where.rpartition(":")
    if len(cycle) == 1:
        reason = f"run {first.run_id} replays itself"
    else:
        chain = " -> ".join(str(replay.run_id) for replay in [*cycle, first])
        reason = f"runs replay each other in a cycle ({chain}); a replay needs an original"
    raise ImportFormatError(shown, int(line), reason)


def _unique(seen: dict[Any, str], key: Any, where: str, what: str) -> None:
    first = seen.setdefault(key, where)
    if first != where:
        shown, _, line = where.rpartition(":")
        raise ImportFormatError(shown, int(line), f"{what} {_describe(key)} also at {first}")


# -- importing -----------------------------------------------------------------------------


def _as_interrupted(record: dict[str, Any]) -> dict[str, Any]:
    """A run exported mid-stream: no program here streams it, so it is interrupted."""
    return dict(
        record,
        status=RunStatus.INTERRUPTED.value,
        error=EXPORTED_LIVE_MESSAGE,
        owner="",
        heartbeat_at=None,
        finished_at=record.get("finished_at") or record.get("heartbeat_at"),
    )


def _runs_held_by(journal: Journal) -> Callable[[list[str]], set[str]]:
    """Which of some run uuids `journal` holds (in the trash or not): a check's runs."""

    def held(uuids: list[str]) -> set[str]:
        if not uuids:
            return set()
        with journal.read() as session:
            found = session.execute(
                text("SELECT uuid FROM run WHERE uuid IN (SELECT value FROM json_each(:uuids))"),
                {"uuids": json.dumps(uuids)},
            )
            return {str(row[0]) for row in found}

    return held


def import_markdown(journal: Journal, path: Path | str) -> ImportResult:
    """Import an export file or folder into `journal`: everything new, or nothing.

    Raises ImportFormatError (`file:line: reason`) for a damaged or foreign export and
    InvalidInputError when the path cannot be read; the journal is then unchanged.
    """
    path = Path(path).expanduser()
    schema = _Schema.of(journal)
    with Staging(
        list(schema.experiment),
        [c.name for c in schema.staged_runs],
        [c.name for c in schema.staged_expectations],
        [c.name for c in schema.staged_grades],
        [c.name for c in schema.staged_inputs],
        list(schema.migration_check),
    ) as staging:
        edited: list[str] = []
        # No lock: other programs keep writing meanwhile.
        _stage(path, schema, staging, edited, _runs_held_by(journal))
        merged = merge(journal, staging)  # the write lock, for set-based SQL only
    return ImportResult(
        path,
        new_experiments=merged.new_experiments,
        new_runs=merged.new_runs,
        present_experiments=merged.present_experiments,
        present_runs=merged.present_runs,
        dropped_replay_links=merged.dropped_replay_links,
        kept_ids=merged.kept_ids,
        interrupted_runs=merged.interrupted_runs,
        new_expectations=merged.new_expectations,
        new_grades=merged.new_grades,
        new_inputs=merged.new_inputs,
        new_images=merged.new_images,
        new_checks=merged.new_checks,
        present_checks=merged.present_checks,
        edited_text=edited,
    )


def read_export(journal: Journal, path: Path | str) -> Iterator[ParsedExperiment]:
    """The experiments of an export as the importer sees them (checked against `journal`'s
    schema), without writing anything."""
    return _read(Path(path).expanduser(), _Schema.of(journal))
