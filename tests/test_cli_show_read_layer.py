"""`journal show` reads through the read layer: what it printed over the ORM, without it.

tests/fixtures/show/recorded.json holds what `show` printed for tests/show_journal.py's
journal (every feature it shows) on the commit before it left SQLModel; the text is
compared byte for byte, the JSON parsed (its keys now come in the tables' field order,
where the ORM gave them in the order SQLAlchemy loaded them).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from journal.core.read_records import EXPERIMENT_COLUMNS, RUN_COLUMNS
from tests.journal_process import run_cli
from tests.show_journal import build_show_journal
from tests.test_cli_read_layer import _WITHOUT_ORM, _folder

RECORDED = Path(__file__).parent / "fixtures" / "show" / "recorded.json"


def test_show_prints_what_it_printed_over_the_orm(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    build_show_journal(db_path)
    recorded = json.loads(RECORDED.read_text(encoding="utf-8"))
    for command, was in recorded.items():
        code, out, err = run_cli(capsys, "--db", str(db_path), *command.split())
        assert (code, err) == (was["code"], was["err"]), command
        if "--json" in command and out:
            assert json.loads(out) == json.loads(was["out"]), command
        else:
            assert out == was["out"], command


def test_show_json_keys_come_in_the_tables_field_order(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    build_show_journal(db_path)
    code, out, err = run_cli(capsys, "--db", str(db_path), "show", "1", "--json", "--history")
    assert code == 0, err
    record = json.loads(out)
    grading = ["expectations", "rule", "repeats", "works_only_sometimes"]
    assert list(record) == [*EXPERIMENT_COLUMNS, "runs", *grading]
    run_keys = [name for name in RUN_COLUMNS if name not in ("owner", "heartbeat_at")]
    more = ["tokens_per_second", "grades", "outcome", "grade_history", "format_check", "images"]
    assert all(list(run) == [*run_keys, *more] for run in record["runs"])


@pytest.mark.parametrize(
    "argv", [["show", "1"], ["show", "1", "--json", "--history"], ["show", "2"], ["show", "9"]]
)
def test_show_imports_no_orm_and_leaves_the_file_as_it_was(db_path: Path, argv: list[str]) -> None:
    build_show_journal(db_path)
    before = _folder(db_path)
    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT_ORM, "--db", str(db_path), *argv],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.stderr.splitlines()[-1] == "ORM: []", done.stderr
    assert done.returncode == (0 if argv[1] == "1" else 1), done.stderr
    assert _folder(db_path) == before
