"""`journal inputs EXPERIMENT import FILE | list | add NAME=VALUE ... | remove ROW`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from journal.core.queries import create_experiment
from journal.core.storage import Journal
from tests.journal_process import run_cli


@pytest.fixture
def db(db_path: Path) -> list[str]:
    with Journal.open(db_path) as journal, journal.write() as session:
        create_experiment(session, title="capitals")
    return ["--db", str(db_path)]


def ok(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[str, str]:
    code, out, err = run_cli(capsys, *argv)
    assert code == 0, err
    return out, err


def one_line_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run_cli(capsys, *argv)
    assert code in (1, 2) and out == "", (code, out, err)
    assert "Traceback" not in err and err.count("\n") == 1, err
    return err.strip()


def test_import_list_add_remove(
    capsys: pytest.CaptureFixture[str], db: list[str], tmp_path: Path
) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_bytes(b"\xef\xbb\xbfcountry;expected\r\nFrance;Paris\r\nItaly;Rome\r\n;\r\n")
    _, err = ok(capsys, *db, "inputs", "1", "import", str(cases))
    assert err == f"experiment 1: 2 input rows added from {cases} (rows 1 to 2)\n"
    _, err = ok(capsys, *db, "inputs", "1", "add", "country=Spain", "--expect", "icontains:madrid")
    assert err == "experiment 1: input row 3 added\n"
    out, _ = ok(capsys, *db, "inputs", "1", "list")
    assert out.splitlines() == [
        "#  country  expectations",
        "1  France   contains:Paris",
        "2  Italy    contains:Rome",
        "3  Spain    icontains:madrid",
    ]
    _, err = ok(capsys, "inputs", "1", "remove", "2", *db)
    assert "input row 2 removed" in err
    out, _ = ok(capsys, *db, "inputs", "1", "list", "--json")
    records = json.loads(out)
    assert [(r["position"], r["values"], r["expectations"]) for r in records] == [
        (1, {"country": "France"}, ["contains:Paris"]),
        (2, {"country": "Spain"}, ["icontains:madrid"]),
    ]


def test_errors_are_one_line(
    capsys: pytest.CaptureFixture[str], db: list[str], tmp_path: Path
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1\n", encoding="utf-8")
    assert one_line_error(capsys, *db, "inputs", "1", "import", str(bad)) == (
        f"journal: error: {bad}:2: 1 cells where the header names 2 columns"
    )
    assert "no input row" in one_line_error(capsys, *db, "inputs", "1", "remove", "9")
    assert "cannot be a variable name" in one_line_error(capsys, *db, "inputs", "1", "add", "9x=1")
    assert "experiment 7" in one_line_error(capsys, *db, "inputs", "7", "list")
    assert "required: ACTION" in one_line_error(capsys, *db, "inputs", "1")
    missing = tmp_path / "nope.csv"
    assert "Cannot read" in one_line_error(capsys, *db, "inputs", "1", "import", str(missing))


def test_a_long_or_multiline_cell_is_one_short_line_in_the_table(
    capsys: pytest.CaptureFixture[str], db: list[str]
) -> None:
    ok(capsys, *db, "inputs", "1", "add", "text=" + "a\nb" * 100)
    out, _ = ok(capsys, *db, "inputs", "1", "list")
    assert len(out.splitlines()) == 2 and out.splitlines()[1].endswith("…")
