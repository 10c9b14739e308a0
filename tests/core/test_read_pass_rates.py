"""The list's pass rates read over plain sqlite3 (journal.core.reading), as the window's first
page is read before SQLModel is even imported: the same rows the session gives, and no ORM."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from journal.core.expectations import parse_expectation
from journal.core.grades import add_expectation
from journal.core.grading_queue import grade_now
from journal.core.input_sets import add_row, check_row
from journal.core.models import Run, RunStatus
from journal.core.queries import create_experiment, list_experiments
from journal.core.read_sql import ARCHIVED_TOO, list_summaries
from journal.core.reading import ReadJournal
from journal.core.storage import Journal


def _populate(db_path: Path) -> None:
    """An experiment graded by its own expectation (one pass, one fail), one by an input
    row's, one with no runs."""
    with Journal.open(db_path) as journal:
        with journal.write() as session:
            own = create_experiment(session, title="own")
            rows = create_experiment(session, title="rows")
            create_experiment(session, title="bare")
            assert own.id is not None and rows.id is not None
            add_expectation(session, own.id, parse_expectation("contains:Paris"))
            row = add_row(session, rows.id, check_row({"city": "x"}, ["contains:Lyon"]))
            runs = [
                Run(
                    experiment_id=experiment,
                    model="m",
                    status=RunStatus.DONE,
                    response=text,
                    messages=[{"role": "user", "content": "q"}],
                    input_row_id=row_id,
                )
                for experiment, text, row_id in (
                    (own.id, "Paris", None),
                    (own.id, "Lyon", None),
                    (rows.id, "Lyon", row.id),
                )
            ]
            session.add_all(runs)
            session.flush()
            run_ids = [run.id for run in runs]
        for run_id in run_ids:
            assert run_id is not None
            grade_now(journal, run_id)


def test_the_lists_pass_rates_over_sqlite3_are_the_sessions(db_path: Path) -> None:
    _populate(db_path)
    with Journal.open(db_path) as journal, journal.read() as session:
        expected = list_experiments(session, limit=10, pass_rates=True, archived=ARCHIVED_TOO)
    with ReadJournal.open(db_path) as reader:
        read = list_summaries(reader, limit=10, pass_rates=True, archived=ARCHIVED_TOO)
    assert read == expected
    counted = {
        row.title: row.pass_rate and (row.pass_rate.passed, row.pass_rate.runs) for row in read
    }
    assert counted == {"own": (1, 2), "rows": (1, 1), "bare": counted["bare"]}  # the row's counts


_WITHOUT_ORM = """
import sys
from journal.core.read_sql import list_summaries
from journal.core.reading import ReadJournal
with ReadJournal.open(sys.argv[1]) as reader:
    rows = list_summaries(reader, limit=10, pass_rates=True)
heavy = sorted(name for name in sys.modules if name.split(".")[0] in ("sqlalchemy", "sqlmodel"))
print(len(rows), sum(row.pass_rate is not None for row in rows), heavy)
"""


def test_the_lists_pass_rates_import_no_orm(db_path: Path) -> None:
    _populate(db_path)
    done = subprocess.run(
        [sys.executable, "-c", _WITHOUT_ORM, str(db_path)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split(maxsplit=2)[2].strip() == "[]"
    assert done.stdout.split()[:2] == ["3", "3"]
