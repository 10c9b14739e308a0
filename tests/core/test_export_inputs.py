"""Input sets travel with an export (format 5): a metadata block per row, read back exactly,
checked before anything is written, and a Markdown table a person can read."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from journal.core.errors import InvalidInputError
from journal.core.export_markdown import Layout, export_to_path
from journal.core.import_markdown import import_markdown
from journal.core.input_sets import add_row, check_row, list_rows, remove_row
from journal.core.notebook_format import ImportFormatError
from journal.core.recover import recover_journal
from journal.core.storage import Journal
from tests.core.test_export_import import snapshot
from tests.markdown_readers import markdown_it_problems

HOSTILE = [
    "a | pipe",
    "``` fence and `ticks`",
    "line one\nline two\r\n- a list?",
    "<script>alert(1)</script> &amp; <b>bold</b>",
    "[link](javascript:alert(2)) ![img](http://x/y.png) # not a heading",
    "",
]


@pytest.fixture
def filled(journal: Journal, experiment_id: int) -> Journal:
    with journal.write() as session:
        for number, value in enumerate(HOSTILE):
            add_row(
                session,
                experiment_id,
                check_row(
                    {"text": value, "n": str(number)},
                    ["contains:a | b", "not-icontains:<b>"] if number % 2 else [],
                ),
            )
        add_row(session, experiment_id, check_row({"text": "x|`<" * 250_000, "n": "big"}))
    return journal


def _rows(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT position, variables, expectations FROM input_row ORDER BY position"
        ).fetchall()
    finally:
        conn.close()


def test_input_rows_round_trip_byte_for_byte(filled: Journal, tmp_path: Path) -> None:
    first = tmp_path / "first.md"
    export_to_path(filled, first)
    with Journal.open(tmp_path / "other.sqlite") as other:
        result = import_markdown(other, first)
        assert result.new_inputs == len(HOSTILE) + 1
        assert "7 new input rows" in result.summary()
        assert snapshot(other.path) == snapshot(filled.path)
        assert _rows(other.path) == _rows(filled.path)
        export_to_path(other, tmp_path / "second.md")
        again = import_markdown(other, first)
        assert again.new_inputs == 0
    assert (tmp_path / "second.md").read_bytes() == first.read_bytes()


def test_a_folder_export_carries_them_too(filled: Journal, tmp_path: Path) -> None:
    export_to_path(filled, tmp_path / "folder", layout=Layout.FOLDER)
    with Journal.open(tmp_path / "other.sqlite") as other:
        assert import_markdown(other, tmp_path / "folder").new_inputs == len(HOSTILE) + 1
        assert snapshot(other.path) == snapshot(filled.path)


def test_the_table_shows_cells_as_text(filled: Journal, tmp_path: Path) -> None:
    path = tmp_path / "export.md"
    export_to_path(filled, path)
    text = path.read_text(encoding="utf-8")
    table = text.split("### Inputs\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert table[0] == "| # | text | n | Expectations |"
    assert table[1] == "|--:|---|---|---|"
    assert table[2] == "| 1 | a \\| pipe | 0 |  |"
    assert table[3] == (
        "| 2 | \\`\\`\\` fence and \\`ticks\\` | 1 | contains:a \\| b · not-icontains:&lt;b> |"
    )
    assert table[4] == "| 3 | line one line two - a list? | 2 |  |"
    assert "&lt;script>" in table[5] and "<script>" not in text.split("### Inputs", 1)[1]
    assert len(table) == 2 + len(HOSTILE) + 1
    # every row is exactly the table's columns: no pipe got out of its cell
    for line in table:
        assert len(re.findall(r"(?<!\\)\|", line)) == 5, line
    assert not markdown_it_problems(text, own_links=frozenset(), blocks=1 + 7 + 1 + 2)


def _damage(path: Path, old: str, new: str) -> Path:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    damaged = path.with_name("damaged.md")
    damaged.write_text(text.replace(old, new, 1), encoding="utf-8")
    return damaged


@pytest.mark.parametrize(
    ("old", "new", "reason"),
    [
        ('pipe", "n": "0"}', 'pipe", "two words": "0"}', "cannot be a variable name"),
        ('pipe", "n": "0"}', 'pipe", "n": 0}', "The value of n must be text"),
        ('"contains:a | b"', '"contains a | b"', "input row: Expectation"),
        ('"contains:a | b"', '"contains:a \\\\n b\\n"', "must be one line"),
        ('"position": 2', '"position": 3', "input position 3 where 2 was expected"),
        ('"inputs": 7', '"inputs": 6', "the end marker counts"),
        ('"variables": {"text": "a', '"colour": 1, "variables": {"text": "a', "unknown to this"),
    ],
)
def test_a_damaged_input_row_is_refused_before_anything_is_written(
    filled: Journal, tmp_path: Path, old: str, new: str, reason: str
) -> None:
    path = tmp_path / "export.md"
    export_to_path(filled, path)
    damaged = _damage(path, old, new)
    with Journal.open(tmp_path / "other.sqlite") as other:
        with pytest.raises(ImportFormatError) as raised:
            import_markdown(other, damaged)
        assert reason in raised.value.message and "\n" not in raised.value.message
        assert raised.value.message.startswith(f"{damaged}:")
        assert _rows(other.path) == []
        conn = sqlite3.connect(other.path)
        assert conn.execute("SELECT count(*) FROM experiment").fetchone() == (0,)
        conn.close()


def test_recover_keeps_the_input_rows(filled: Journal, tmp_path: Path) -> None:
    filled.close()
    report = recover_journal(filled.path, tmp_path / "recovered.sqlite")
    assert report.table("input_row").copied == len(HOSTILE) + 1
    assert "7 input rows" in report.summary()
    assert _rows(tmp_path / "recovered.sqlite") == _rows(filled.path)
    with Journal.open(tmp_path / "recovered.sqlite") as recovered, recovered.read() as session:
        assert [row.values["n"] for row in list_rows(session, 1)][-1] == "big"


def test_rows_naming_other_variables_are_not_merged_into_an_existing_set(
    filled: Journal, tmp_path: Path
) -> None:
    """The export's experiment is already in the journal, with rows of its own that name
    other variables: merging would mix two sets, so nothing is imported."""
    path = tmp_path / "export.md"
    export_to_path(filled, path)
    with Journal.open(tmp_path / "other.sqlite") as other:
        import_markdown(other, path)
        with other.write() as session:
            for row in list_rows(session, 1):
                remove_row(session, row.id)
            add_row(session, 1, check_row({"city": "Paris"}))
        before = snapshot(other.path)
        with pytest.raises(InvalidInputError, match=r"name other variables.*nothing was imported"):
            import_markdown(other, path)
        assert snapshot(other.path) == before
