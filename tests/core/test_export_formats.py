"""Exports written in an older format still import, exactly: the metadata is the truth, and
its meaning has not changed; only the readable text around it has.

`tests/fixtures/export_format1.md` was written by the format-1 exporter (the commit before
format 2, with a fixed clock and fixed uuids) from a small journal with tricky text, and is
kept as it came out. `tests/fixtures/export_format2.md` is that journal (the format-1 file
imported) written by the format-2 exporter, the commit before format 3, with the same clock.
`tests/fixtures/export_format3.md` is the format-2 file imported, given two expectations
and two grades (fixed uuids and times), and written by the format-3 exporter, the commit
before format 4 (run templates), with the same clock. `tests/fixtures/export_format4.md` is
the format-3 file imported, given a run made from a template (fixed uuid and times), and
written by the format-4 exporter, the commit before format 5 (input sets), with the same
clock. `tests/fixtures/export_format5.md` is the format-4 file imported, given two input rows
(fixed uuids and times) and, on its template run, a host and the first row as the run's
input row (numbers a format-5 file may hold but that mean nothing in another journal), and
written by the format-5 exporter, the commit before format 6 (a run's host and input row),
with the same clock. `tests/fixtures/export_format6.md` is the format-5 file imported, given
on its template run the host and input row (the first) format 5 could not carry, and written
by the format-6 exporter (main at schema 9, the commit before format 7: conversations,
formats and images), with the same clock; its runs hold `parent_id` and `format` as null.
`tests/fixtures/export_format7.md` is the format-6 file imported, given a follow-up turn of its
first run that asked for `"json"` (fixed uuid and times), and written by the format-7 exporter
(main at schema 9, the commit before format 8: the trash and the archive), with the same clock.
`tests/fixtures/export_format8.md` is the format-7 file imported, its experiment 2 archived
(at 2026-02-01T09:00:00Z) and its run 4 based on run 1, written by the format-8 exporter (the
commit before format 9: metadata after the prose, one line a record), without a clock.
`tests/fixtures/export_format9.md` is the format-8 file imported and written by the format-9
exporter (the commit before format 10: migration checks), without a clock; its test is in
test_export_checks.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest

from journal.core.export_markdown import Layout, export_to_path
from journal.core.import_markdown import import_markdown
from journal.core.notebook_format import (
    FORMAT_VERSION,
    INDEX_NAME,
    OLDEST_FORMAT_VERSION,
    ImportFormatError,
)
from journal.core.storage import Journal
from tests.core.test_export_import import snapshot
from tests.markdown_readers import MARKDOWN_IT, markdown_it_problems

FIXTURE = Path(__file__).parents[1] / "fixtures" / "export_format1.md"
FORMAT_2 = Path(__file__).parents[1] / "fixtures" / "export_format2.md"
FORMAT_3 = Path(__file__).parents[1] / "fixtures" / "export_format3.md"
FORMAT_4 = Path(__file__).parents[1] / "fixtures" / "export_format4.md"
FORMAT_5 = Path(__file__).parents[1] / "fixtures" / "export_format5.md"
FORMAT_6 = Path(__file__).parents[1] / "fixtures" / "export_format6.md"
FORMAT_7 = Path(__file__).parents[1] / "fixtures" / "export_format7.md"
FORMAT_8 = Path(__file__).parents[1] / "fixtures" / "export_format8.md"


def _rows(journal: Journal, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(journal.path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_the_fixture_is_a_format_1_export() -> None:
    assert FORMAT_VERSION == 11 and OLDEST_FORMAT_VERSION == 1
    head = FIXTURE.read_text(encoding="utf-8").split("\n---\n", 1)[0]
    assert '"llm_journal": 1' in head and '"layout": "file"' in head


def test_a_format_1_export_still_imports_exactly(journal: Journal, tmp_path: Path) -> None:
    result = import_markdown(journal, FIXTURE)
    assert (result.new_experiments, result.new_runs, result.already_present) == (2, 3, 0)
    assert result.kept_ids and result.dropped_replay_links == 0
    assert _rows(journal, "SELECT id, uuid, title, tags FROM experiment ORDER BY id") == [
        (
            1,
            "7e1f0000-0000-4000-8000-000000000001",
            "Rivers that cross borders",
            '["geo", "rivers"]',
        ),
        (2, "7e1f0000-0000-4000-8000-000000000002", "`Ticks` & <b>HTML</b> | pipes #", '["odd"]'),
    ]
    runs = _rows(
        journal,
        "SELECT id, replay_of_id, status, verdict, verdict_note, options, response FROM run "
        "ORDER BY id",
    )
    assert [run[:4] for run in runs] == [
        (1, None, "done", "worked"),
        (2, 1, "failed", None),
        (3, None, "cancelled", "failed"),
    ]
    assert runs[0][5] == '{"temperature": 0.2, "seed": 42, "stop": ["###"]}'
    assert runs[2][4] == "\x00NUL and \u2028 separator"
    assert "\\`<script>alert(2)</script>`\n[x](javascript:alert(3))" in str(runs[2][6])

    # Exported again, it is a format-2 export that round-trips byte for byte, and is safe.
    again = tmp_path / "again.md"
    export_to_path(journal, again)
    text = again.read_text(encoding="utf-8")
    assert text.startswith('---\n{\n  "layout": "file",\n  "llm_journal": 11\n}\n---\n')
    assert not markdown_it_problems(text, own_links=frozenset(), blocks=2 + 3 + 1 + 2 + 1)
    with Journal.open(tmp_path / "third.sqlite") as third:
        import_markdown(third, again)
        assert snapshot(third.path) == snapshot(journal.path)
        export_to_path(third, tmp_path / "thrice.md")
    assert (tmp_path / "thrice.md").read_bytes() == again.read_bytes()


def test_a_format_2_export_still_imports_exactly(journal: Journal, tmp_path: Path) -> None:
    head = FORMAT_2.read_text(encoding="utf-8").split("\n---\n", 1)[0]
    assert '"llm_journal": 2' in head and '"layout": "file"' in head
    result = import_markdown(journal, FORMAT_2)
    assert (result.new_experiments, result.new_runs, result.already_present) == (2, 3, 0)
    with Journal.open(tmp_path / "from_format_1.sqlite") as older:
        import_markdown(older, FIXTURE)
        assert snapshot(journal.path) == snapshot(older.path)  # the same journal, both ways
    again = tmp_path / "again.md"
    export_to_path(journal, again)
    with Journal.open(tmp_path / "third.sqlite") as third:
        import_markdown(third, again)
        assert snapshot(third.path) == snapshot(journal.path)
        export_to_path(third, tmp_path / "thrice.md")
    assert (tmp_path / "thrice.md").read_bytes() == again.read_bytes()


def test_a_format_3_export_still_imports_exactly(journal: Journal, tmp_path: Path) -> None:
    head = FORMAT_3.read_text(encoding="utf-8").split("\n---\n", 1)[0]
    assert '"llm_journal": 3' in head and '"layout": "file"' in head
    result = import_markdown(journal, FORMAT_3)
    assert (result.new_experiments, result.new_runs, result.already_present) == (2, 3, 0)
    assert (result.new_expectations, result.new_grades) == (2, 2)
    assert _rows(journal, "SELECT template FROM run") == [(None,), (None,), (None,)]
    assert _rows(journal, "SELECT uuid, status, reason FROM grade ORDER BY id") == [
        ("7e1f0000-0000-4000-8000-000000000303", "pass", "found 'Rhine'"),
        ("7e1f0000-0000-4000-8000-000000000304", "fail", "61 words"),
    ]
    with Journal.open(tmp_path / "from_format_2.sqlite") as older:
        import_markdown(older, FORMAT_2)
        older_records = snapshot(older.path)
    # The runs the format-2 file held came through unchanged (adding the expectations moved
    # the experiment's updated_at); format 3 added the expectations and grades.
    records = snapshot(journal.path)
    runs = {uuid: record for uuid, record in older_records.items() if "model" in record}
    assert len(runs) == 3 and {uuid: records[uuid] for uuid in runs} == runs
    assert len(records) == len(older_records) + 4
    again = tmp_path / "again.md"
    export_to_path(journal, again)
    assert again.read_text(encoding="utf-8").startswith(
        '---\n{\n  "layout": "file",\n  "llm_journal": 11\n}\n---\n'
    )
    with Journal.open(tmp_path / "third.sqlite") as third:
        import_markdown(third, again)
        assert snapshot(third.path) == snapshot(journal.path)
        export_to_path(third, tmp_path / "thrice.md")
    assert (tmp_path / "thrice.md").read_bytes() == again.read_bytes()


def test_a_format_4_export_still_imports_exactly(journal: Journal, tmp_path: Path) -> None:
    head = FORMAT_4.read_text(encoding="utf-8").split("\n---\n", 1)[0]
    assert '"llm_journal": 4' in head and '"layout": "file"' in head
    result = import_markdown(journal, FORMAT_4)
    assert (result.new_experiments, result.new_runs, result.already_present) == (2, 4, 0)
    assert (result.new_expectations, result.new_grades, result.new_inputs) == (2, 2, 0)
    assert _rows(journal, "SELECT template FROM run WHERE template IS NOT NULL") == [
        (
            '{"prompt": "Name a river in {{country}}?", "system": "", '
            '"values": {"country": "France | `Seine`"}}',
        )
    ]
    assert _rows(journal, "SELECT count(*) FROM input_row") == [(0,)]
    with Journal.open(tmp_path / "from_format_3.sqlite") as older:
        import_markdown(older, FORMAT_3)
        older_records = snapshot(older.path)
    records = snapshot(journal.path)
    kept = {uuid: record for uuid, record in older_records.items() if "model" in record}
    assert len(kept) == 3 and {uuid: records[uuid] for uuid in kept} == kept
    again = tmp_path / "again.md"
    export_to_path(journal, again)
    assert again.read_text(encoding="utf-8").startswith(
        '---\n{\n  "layout": "file",\n  "llm_journal": 11\n}\n---\n'
    )
    with Journal.open(tmp_path / "third.sqlite") as third:
        import_markdown(third, again)
        assert snapshot(third.path) == snapshot(journal.path)
        export_to_path(third, tmp_path / "thrice.md")
    assert (tmp_path / "thrice.md").read_bytes() == again.read_bytes()


def test_a_format_5_export_still_imports_with_no_host_and_no_row(
    journal: Journal, tmp_path: Path
) -> None:
    text = FORMAT_5.read_text(encoding="utf-8")
    head = text.split("\n---\n", 1)[0]
    assert '"llm_journal": 5' in head and '"layout": "file"' in head
    assert '"host": "http://gpu-box:11434"' in text and '"input_row_id": 1,' in text
    result = import_markdown(journal, FORMAT_5)
    assert (result.new_experiments, result.new_runs, result.already_present) == (2, 4, 0)
    assert (result.new_expectations, result.new_grades, result.new_inputs) == (2, 2, 2)
    assert _rows(journal, "SELECT host, input_row_id FROM run") == [("", None)] * 4
    assert _rows(journal, "SELECT uuid, variables, expectations FROM input_row") == [
        ("7e1f0000-0000-4000-8000-000000000501", '{"country": "France"}', '["contains:Seine"]'),
        (
            "7e1f0000-0000-4000-8000-000000000502",
            '{"country": "Chile | `Andes` <b>"}',
            '["icontains:b\u00edo", "words<=40"]',
        ),
    ]
    with Journal.open(tmp_path / "from_format_4.sqlite") as older:
        import_markdown(older, FORMAT_4)
        older_records = snapshot(older.path)
    records = snapshot(journal.path)
    kept = {uuid: record for uuid, record in older_records.items() if "model" in record}
    assert len(kept) == 4 and {uuid: records[uuid] for uuid in kept} == kept
    again = tmp_path / "again.md"
    export_to_path(journal, again)
    assert again.read_text(encoding="utf-8").startswith(
        '---\n{\n  "layout": "file",\n  "llm_journal": 11\n}\n---\n'
    )
    with Journal.open(tmp_path / "third.sqlite") as third:
        import_markdown(third, again)
        assert snapshot(third.path) == snapshot(journal.path)
        export_to_path(third, tmp_path / "thrice.md")
    assert (tmp_path / "thrice.md").read_bytes() == again.read_bytes()


def test_a_format_6_export_still_imports_with_no_parent_format_or_images(
    journal: Journal, tmp_path: Path
) -> None:
    text = FORMAT_6.read_text(encoding="utf-8")
    head = text.split("\n---\n", 1)[0]
    assert '"llm_journal": 6' in head and '"layout": "file"' in head
    assert '"input_row": "7e1f0000-0000-4000-8000-000000000501"' in text
    result = import_markdown(journal, FORMAT_6)
    assert (result.new_experiments, result.new_runs, result.already_present) == (2, 4, 0)
    assert (result.new_expectations, result.new_grades, result.new_inputs) == (2, 2, 2)
    assert result.new_images == 0
    assert _rows(journal, "SELECT host, input_row_id FROM run ORDER BY id") == [
        ("", None),
        ("", None),
        ("", None),
        ("http://gpu-box:11434", 1),
    ]
    assert _rows(journal, "SELECT parent_id, format FROM run") == [(None, None)] * 4
    assert _rows(journal, "SELECT count(*) FROM image") == [(0,)]
    with Journal.open(tmp_path / "from_format_5.sqlite") as older:
        import_markdown(older, FORMAT_5)
        older_records = snapshot(older.path)
    records = snapshot(journal.path)
    assert records.keys() == older_records.keys()
    changed = {uuid for uuid in records if records[uuid] != older_records[uuid]}
    assert changed == {"7e1f0000-0000-4000-8000-000000000401"}  # the host and row it gained
    again = tmp_path / "again.md"
    export_to_path(journal, again)
    assert again.read_text(encoding="utf-8").startswith(
        '---\n{\n  "layout": "file",\n  "llm_journal": 11\n}\n---\n'
    )
    with Journal.open(tmp_path / "third.sqlite") as third:
        import_markdown(third, again)
        assert snapshot(third.path) == snapshot(journal.path)
        export_to_path(third, tmp_path / "thrice.md")
    assert (tmp_path / "thrice.md").read_bytes() == again.read_bytes()


def test_a_format_7_export_still_imports_with_nothing_archived(
    journal: Journal, tmp_path: Path
) -> None:
    text = FORMAT_7.read_text(encoding="utf-8")
    assert '"llm_journal": 7' in text.split("\n---\n", 1)[0] and "archived_at" not in text
    result = import_markdown(journal, FORMAT_7)
    assert (result.new_experiments, result.new_runs, result.already_present) == (2, 5, 0)
    assert _rows(journal, "SELECT archived_at, trashed_at FROM experiment") == [(None, None)] * 2
    assert _rows(journal, "SELECT parent_id, format FROM run WHERE parent_id IS NOT NULL") == [
        (1, '"json"')
    ]
    again = tmp_path / "again.md"
    export_to_path(journal, again)
    exported = again.read_text(encoding="utf-8")
    # Nothing archived, nothing in the trash: the records are those format 7 wrote (the
    # readable part has since gained an overview, run tables and run anchors, and format 9
    # writes each record on one line, after its experiment's prose).
    assert _metadata(exported) == _metadata(text.replace('"llm_journal": 7', '"llm_journal": 11'))
    assert "\n## Overview\n" in exported and "\n## Overview\n" not in text


def test_a_format_8_export_still_imports_exactly(journal: Journal, tmp_path: Path) -> None:
    """The format-7 fixture imported, experiment 2 archived and run 4 based on run 1 (what
    format 8 added), written by the format-8 exporter: it imports as it did."""
    text = FORMAT_8.read_text(encoding="utf-8")
    assert '"llm_journal": 8' in text.split("\n---\n", 1)[0]
    result = import_markdown(journal, FORMAT_8)
    assert (result.new_experiments, result.new_runs, result.already_present) == (2, 5, 0)
    assert _rows(journal, "SELECT id, archived_at FROM experiment") == [
        (1, None),
        (2, "2026-02-01T09:00:00.000000+00:00"),
    ]
    assert _rows(journal, "SELECT id FROM run WHERE based_on_id = 1") == [(4,)]
    again = tmp_path / "again.md"
    export_to_path(journal, again)
    exported = again.read_text(encoding="utf-8")
    assert _metadata(exported) == _metadata(text.replace('"llm_journal": 8', '"llm_journal": 11'))
    with Journal.open(tmp_path / "third.sqlite") as third:
        import_markdown(third, again)
        assert snapshot(third.path) == snapshot(journal.path)
        export_to_path(third, tmp_path / "thrice.md")
    assert (tmp_path / "thrice.md").read_bytes() == again.read_bytes()


_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)
_BLOCK = re.compile(r"<!-- llm-journal:(\w+) (.*) -->", re.DOTALL)
# Not a record: what format 9 adds to check the readable text (see notebook_format).
_CHECKS = frozenset({"text"})


def _metadata(text: str) -> list[tuple[str, object]]:
    """An export's front matter and metadata records, parsed: what the importer reads,
    whatever the layout of the JSON."""
    found = _FRONT_MATTER.match(text)
    assert found is not None
    records: list[tuple[str, object]] = [("front matter", json.loads(found.group(1)))]
    for token in MARKDOWN_IT["commonmark"].parse(text):  # blocks, not text in a fence
        if token.type == "html_block":
            block = _BLOCK.fullmatch(token.content.rstrip("\n"))
            assert block is not None, token.content
            if block.group(1) not in _CHECKS:
                records.append((block.group(1), json.loads(block.group(2))))
    return records


@pytest.mark.parametrize("version", [0, FORMAT_VERSION + 1])
def test_a_format_outside_the_known_ones_is_refused(
    journal: Journal, tmp_path: Path, version: int
) -> None:
    text = FIXTURE.read_text(encoding="utf-8").replace(
        '"llm_journal": 1', f'"llm_journal": {version}', 1
    )
    path = tmp_path / "odd.md"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFormatError, match="export format"):
        import_markdown(journal, path)
    assert _rows(journal, "SELECT count(*) FROM run") == [(0,)]


def test_a_format_1_folder_with_flat_front_matter_still_imports(
    journal: Journal, tmp_path: Path
) -> None:
    """Format 1 wrote an experiment file's record as the front matter itself; format 2 nests
    it. The fixture is imported, exported as a folder, and its front matter flattened back."""
    import_markdown(journal, FIXTURE)
    folder = tmp_path / "v1"
    export_to_path(journal, folder, layout=Layout.FOLDER)
    for page in folder.iterdir():
        front, rest = page.read_text(encoding="utf-8").split("\n---\n", 1)
        meta = json.loads(front.removeprefix("---\n"))
        meta = {**meta.pop("experiment", {}), **meta, "llm_journal": 1}
        if page.name == INDEX_NAME:  # before format 11 it held only its end marker
            rest = re.sub(r"<!-- llm-journal:text .*\n", "", rest)
        page.write_text(f"---\n{json.dumps(meta, indent=2)}\n---\n{rest}", encoding="utf-8")
    with Journal.open(tmp_path / "other.sqlite") as other:
        result = import_markdown(other, folder)
        assert (result.new_experiments, result.new_runs) == (2, 3)
        assert snapshot(other.path) == snapshot(journal.path)
