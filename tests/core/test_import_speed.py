"""Issue 16: importing an export costs Python steps per metadata block and per code block,
not per line of text, and checking a record a few steps, not one per column. Counted here
in traced lines, never timed (the machines are shared). What is read stays what a line by
line reader finds: the same blocks at the same line numbers, the same text hashes, the
same refusals, whatever the chunks the file is read in."""

from __future__ import annotations

import re
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from journal.core import import_markdown
from journal.core.domain import RunStatus
from journal.core.errors import JournalError
from journal.core.export_markdown import export_to_path
from journal.core.front_matter import parse_block
from journal.core.import_markdown import _events, _Lines, _stored_moment, read_export, utc_moment
from journal.core.models import Run, to_iso
from journal.core.notebook_format import (
    BLOCK_KINDS,
    FORMAT_KEY,
    KIND_TEXT,
    TEXT_KEY,
    ImportFormatError,
    ProseDigest,
)
from journal.core.queries import create_experiment
from journal.core.storage import Journal

# -- steps, counted -------------------------------------------------------------------------


def _traced(function: Callable[[], Any]) -> Counter[str]:
    """The lines of import_markdown that `function` ran, by the function they are in."""
    counts: Counter[str] = Counter()
    module = import_markdown.__file__

    def local(frame: FrameType, event: str, arg: Any) -> Any:
        if event == "line":
            counts[frame.f_code.co_name] += 1
        return local

    def calls(frame: FrameType, event: str, arg: Any) -> Any:
        return local if frame.f_code.co_filename == module else None

    before = sys.gettrace()
    sys.settrace(calls)
    try:
        function()
    finally:
        sys.settrace(before)
    return counts


def _export_with(journal: Journal, path: Path, lines: int) -> Path:
    """One experiment and its run, with `lines` lines of hypothesis (quoted text) and as
    many of answer (a code block)."""
    with journal.write() as session:
        experiment = create_experiment(
            session,
            title="Long text",
            hypothesis="\n".join(f"hypothesis line {n}" for n in range(lines)),
        )
        assert experiment.id is not None
        session.add(
            Run(
                experiment_id=experiment.id,
                model="llama3:8b",
                messages=[{"role": "user", "content": "Count"}],
                options={"temperature": 0.2, "seed": 7},
                keep_alive="5m",
                response="\n\n".join(f"answer line {n}" for n in range(lines)),
                status=RunStatus.DONE,
                done_reason="stop",
            )
        )
    export_to_path(journal, path)
    return path


def test_reading_costs_no_step_per_line_of_text(tmp_path: Path) -> None:
    """The same export with 20 lines of text or 2,000: the same Python lines run (the old
    reader ran several for each line of the file)."""
    counts = []
    for lines in (20, 2_000):
        with Journal.open(tmp_path / f"{lines}.sqlite") as journal:
            path = _export_with(journal, tmp_path / f"{lines}.md", lines)
            assert len(path.read_bytes().splitlines()) > 2 * lines
            list(read_export(journal, path))  # what is worked out once, out of the count
            # The checks built per schema are kept in a bounded cache that other tests fill
            # too; emptied here, neither count includes the one line that empties it.
            import_markdown._BUILT.clear()
            counts.append(_traced(lambda: list(read_export(journal, path))))  # noqa: B023
    short, long = counts
    assert sum(long.values()) == sum(short.values()), {
        k: (short[k], long[k]) for k in short.keys() | long.keys() if short[k] != long[k]
    }


def test_a_good_record_is_checked_without_a_step_per_column(tmp_path: Path) -> None:
    """Its values' types settle most columns at once; the ranges and times left are tested
    in bulk. The column by column tests (several lines a column) run only for a record that
    does not surely pass them."""
    with Journal.open(tmp_path / "j.sqlite") as journal:
        path = _export_with(journal, tmp_path / "e.md", 3)
        columns = len(import_markdown._Schema.of(journal).run)
        assert columns > 30
        traced = _traced(lambda: list(read_export(journal, path)))
    # Two records: the experiment and its run.
    assert traced["_check_record"] < columns, traced["_check_record"]


# -- times ----------------------------------------------------------------------------------


def _stored_by_conversion(text: str) -> str | None:
    moment = utc_moment(text)
    return None if moment is None else to_iso(moment)


offsets = st.integers(min_value=-14 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
moments = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=offsets
)
times = st.one_of(
    moments.map(lambda moment: moment.isoformat(timespec="microseconds")),
    moments.map(lambda moment: to_iso(moment)),  # the stored form itself
    moments.map(lambda moment: moment.isoformat()),
    moments.map(lambda moment: moment.replace(tzinfo=None).isoformat()),
    st.from_regex(
        r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}\+00:00", fullmatch=True
    ),
    st.text(max_size=40),
)


@given(text=times)
@example(text="1970-01-01T00:00:00.000000+00:00")
@example(text="1969-12-31T23:59:59.999999+00:00")
@example(text="2026-02-30T00:00:00.000000+00:00")
@example(text="2026-01-01T24:00:00.000000+00:00")
@example(text="2026-01-01T00:00:00.000000-00:00")
@example(text="0001-01-01T00:00:00.000000+14:00")
@settings(max_examples=300)
def test_a_time_is_stored_as_converting_it_would_store_it(text: str) -> None:
    """A time in the stored form skips the conversion, and a repeat is a lookup; the
    outcome is the conversion's, refusals included."""
    assert _stored_moment(text) == _stored_by_conversion(text)
    assert _stored_moment(text) == _stored_by_conversion(text)  # the second time, looked up


# -- what is read, against a line by line reader ---------------------------------------------


def _reference(path: Path) -> Iterator[tuple[Any, ...]]:
    """The events of `path` as a reader that takes the file one line at a time finds them:
    the rules of the format, spelled out, to hold the chunked reader to."""
    shown = "f.md"

    def fail(line: int, reason: str) -> NoReturn:
        raise ImportFormatError(shown, line, reason)

    raw_lines = path.read_bytes().split(b"\n")
    if raw_lines[-1] == b"":
        raw_lines.pop()  # the file ends with a line ending
    lines = [line.rstrip(b"\r\n") for line in raw_lines]
    if lines:
        lines[0] = raw_lines[0].removeprefix(b"\xef\xbb\xbf").rstrip(b"\r\n")
    if not lines or lines[0] != b"---":
        fail(1, "not an LLM Journal export: it does not start with llm-journal front matter")
    head, closing = [], 0
    for index in range(1, len(lines)):
        if lines[index] == b"---":
            closing = index
            break
        try:
            head.append(lines[index].decode("utf-8"))
        except UnicodeDecodeError:
            fail(index + 1, "this is not UTF-8 text")
    if not closing:
        fail(1, "the front matter never ends (no closing --- line)")
    header = parse_block("\n".join(head), shown, 2)
    if type(header.get(FORMAT_KEY)) is not int:
        fail(1, f"not an LLM Journal export: its front matter has no {FORMAT_KEY} version")
    if header[FORMAT_KEY] != 11:
        fail(1, "the tests write format 11")
    yield ("header", header, 1, 0)
    fence, fence_line, text_at = 0, 0, 0
    prose: list[bytes] = []
    index = closing + 1
    while index < len(lines):
        raw, number = lines[index], index + 1
        index += 1
        if fence:
            stripped = raw.rstrip(b" \t")
            if raw.startswith(b"`") and len(stripped) >= fence and not stripped.strip(b"`"):
                fence = 0
        elif raw.startswith(b"```"):
            fence, fence_line = len(raw) - len(raw.lstrip(b"`")), number
        elif raw.startswith(b"<!-- llm-journal:"):
            kind, _, payload = raw[len(b"<!-- llm-journal:") :].partition(b" ")
            if kind.decode("utf-8", "replace") not in BLOCK_KINDS:
                fail(
                    number,
                    f"unknown metadata block 'llm-journal:{kind.decode('utf-8', 'replace')}'",
                )
            parts = [payload]
            while not parts[-1].rstrip().endswith(b"-->"):
                if index == len(lines):
                    fail(
                        number, f"the llm-journal:{kind.decode()} block starting here never closes"
                    )
                parts.append(lines[index])
                index += 1
            joined = b"\n".join(parts).rstrip()[:-3]
            try:
                decoded = joined.decode("utf-8")
            except UnicodeDecodeError as exc:
                fail(number + joined.count(b"\n", 0, exc.start), "this is not UTF-8 text")
            unclosed = f"the llm-journal:{kind.decode()} block starting here lacks its -->"
            lines_of = _Lines(path, shown)
            record, _ = import_markdown._parse_object(
                lines_of, decoded, number, "metadata block", unclosed
            )
            digest = ProseDigest()
            digest.add_lines(prose)
            if kind.decode() == KIND_TEXT:
                if set(record) != {TEXT_KEY} or not isinstance(record[TEXT_KEY], str):
                    fail(number, f"a text block holds only its {TEXT_KEY}")
                record["found"] = digest.hexdigest()
            yield (kind.decode(), record, number, text_at)
            prose, text_at = [], 0
            continue
        prose.append(raw)
        if not text_at and raw.rstrip(b" \t"):
            text_at = number
    if fence:
        fail(fence_line, "a code block opened here never closes; the file was edited or cut")
    yield ("end", len(lines), text_at)


def _outcome(events: Callable[[], Iterator[tuple[Any, ...]]]) -> list[str]:
    found: list[str] = []
    try:
        found.extend(repr(event) for event in events())
    except JournalError as error:
        found.append(f"refused: {error}")
    return found


def _chunked(path: Path) -> Iterator[tuple[Any, ...]]:
    lines = _Lines(path, "f.md")
    for event in _events(lines):
        yield (event.kind, event.record, event.line, event.text_at)
    yield ("end", lines.last, lines.text_after_blocks)


PIECES = [
    b"",
    b"text",
    b"  ",
    b"\t",
    b"\r",
    b" \r",
    b"\r ",
    b"x \t",
    b"```",
    b"````",
    b"``` ",
    b"```\r",
    b"```\r ",
    b"```text",
    b"`",
    b"``",
    b"`````",
    b"`` `",
    b"---",
    b'<!-- llm-journal:text {"text": "abc"} -->',
    b'<!-- llm-journal:text {"text": "e3b0c44298fc1c14"} -->',
    b'<!-- llm-journal:run {"a": 1} -->',
    b'<!-- llm-journal:run {"a":',
    b"2} -->",
    b"-->",
    b" -->  ",
    b"<!-- llm-journal:end {} -->",
    b"<!-- llm-journal:bogus {} -->",
    b'<!-- llm-journal:experiment {"x": [1, 2]} -->\r',
    b"\xff\xfe",
    b'<!-- llm-journal:run {"a": "\xff"} -->',
    b"<!-- llm-journal:run [1] -->",
    b"  <!-- llm-journal:run {} -->",
    b"caf\xc3\xa9",
]
HEADS = [
    b'---\n{"llm_journal": 11, "layout": "file"}\n---\n',
    b'\xef\xbb\xbf---\r\n{"llm_journal": 11}\r\n---\r\n',
    b'---\n{"llm_journal": 11}\n',
    b"",
    b"---\n\xff\n---\n",
]


@given(
    head=st.sampled_from(HEADS),
    body=st.lists(st.sampled_from(PIECES), max_size=40),
    ending=st.sampled_from([b"\n", b"\r\n"]),
    last=st.booleans(),
    chunk=st.sampled_from([1, 2, 3, 7, 16, 64, 1 << 22]),
)
@settings(max_examples=400, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_chunked_reader_finds_what_a_line_by_line_reader_finds(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    head: bytes,
    body: list[bytes],
    ending: bytes,
    last: bool,
    chunk: int,
) -> None:
    """Blocks, their line numbers, the first line of text before each, the text hashes,
    the last line, and each refusal with its line: alike, read in chunks of any size."""
    monkeypatch.setattr(import_markdown, "_CHUNK", chunk)
    path = tmp_path / "f.md"
    path.write_bytes(head + ending.join(body) + (ending if last else b""))
    assert _outcome(lambda: _chunked(path)) == _outcome(lambda: _reference(path))


def test_a_line_longer_than_a_chunk_is_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_markdown, "_CHUNK", 8)
    path = tmp_path / "f.md"
    long = "w" * 100
    path.write_text(
        f'---\n{{"llm_journal": 11}}\n---\n{long}\n<!-- llm-journal:run {{"a": "{long}"}} -->\n'
    )
    events = list(_chunked(path))
    assert events[1] == ("run", {"a": long}, 5, 4)
    assert events[-1] == ("end", 5, 0)


def test_a_refusal_names_the_line_in_a_later_chunk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(import_markdown, "_CHUNK", 16)
    path = tmp_path / "f.md"
    text = '---\n{"llm_journal": 11}\n---\n' + "prose\n" * 50 + "```\n" + "code\n" * 30
    path.write_text(text)
    with pytest.raises(ImportFormatError, match=re.escape("f.md:54: a code block opened here")):
        list(_chunked(path))


def test_times_in_the_stored_form_are_the_utc_ones() -> None:
    assert _stored_moment("2026-01-01T00:00:00.000000+00:00") == "2026-01-01T00:00:00.000000+00:00"
    assert _stored_moment("2026-01-01T02:00:00+02:00") == "2026-01-01T00:00:00.000000+00:00"
    assert _stored_moment(datetime(2026, 1, 1, tzinfo=UTC).isoformat()) is not None
    assert _stored_moment("1969-12-31T23:59:59.999999+00:00") is None
