"""Export format 6 carries where each run ran (its host) and the input row it was made
from (by the row's uuid): read back into another journal, the run keeps both and the row's
expectations still grade it; the host shows on the run's model line as plain text."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text as sql

from journal.core.domain import RunStatus
from journal.core.export_markdown import Layout, export_to_path
from journal.core.grades import current_grades, row_expectation_uuid, run_outcome
from journal.core.grading import OutcomeStatus
from journal.core.grading_queue import grade_now
from journal.core.import_markdown import import_markdown
from journal.core.input_sets import add_row, check_row
from journal.core.models import Run
from journal.core.notebook_format import ImportFormatError
from journal.core.queries import create_experiment
from journal.core.storage import Journal
from tests.core.test_export_import import snapshot
from tests.markdown_readers import markdown_it_problems

HOST = "http://gpu-<b>box</b>*1*|`x`:11434"


def _filled(journal: Journal) -> tuple[int, str]:
    """An experiment with two input rows and three runs: one from each row (on HOST) and
    one from none; returns the experiment id and the second row's uuid."""
    with journal.write() as session:
        experiment = create_experiment(session, title="capitals")
        assert experiment.id is not None
        first = add_row(
            session, experiment.id, check_row({"country": "France"}, ["contains:Paris"])
        )
        second = add_row(session, experiment.id, check_row({"country": "Italy"}, ["contains:Rome"]))
        for row_id, answer, host in ((first.id, "Paris", HOST), (second.id, "Milan", HOST)):
            session.add(
                Run(
                    experiment_id=experiment.id,
                    model="m",
                    status=RunStatus.DONE,
                    messages=[{"role": "user", "content": "capital?"}],
                    response=answer,
                    host=host,
                    input_row_id=row_id,
                )
            )
        session.add(
            Run(experiment_id=experiment.id, model="m", status=RunStatus.DONE, response="?")
        )
        experiment_id = experiment.id
    for run_id in (1, 2, 3):
        grade_now(journal, run_id)
    return experiment_id, second.uuid


def _runs(path: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT r.uuid, r.host, i.uuid FROM run AS r "
            "LEFT JOIN input_row AS i ON i.id = r.input_row_id ORDER BY r.id"
        ).fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize("layout", [Layout.FILE, Layout.FOLDER])
def test_host_and_input_row_round_trip_and_the_row_grades_still_show(
    journal: Journal, tmp_path: Path, layout: Layout
) -> None:
    _filled(journal)
    exported = tmp_path / "export"
    export_to_path(journal, exported, layout=layout)
    with Journal.open(tmp_path / "other.sqlite") as other:
        # Something there already: the imported rows and runs get other ids than the export's.
        with other.write() as session:
            earlier = create_experiment(session, title="earlier")
            assert earlier.id is not None
            add_row(session, earlier.id, check_row({"country": "Spain"}))
            session.add(Run(experiment_id=earlier.id, model="m", status=RunStatus.DONE))
        import_markdown(other, exported)
        assert _runs(other.path)[1:] == _runs(journal.path)
        assert _runs(other.path)[2][1:] == (HOST, _runs(journal.path)[1][2])
        with other.read() as session:
            ids = [row[0] for row in session.execute(_ID_OF_RUNS).all()]
            outcomes = [run_outcome(session, run_id).status for run_id in ids]
            second = current_grades(session, ids[1])
        assert outcomes == [OutcomeStatus.PASS, OutcomeStatus.FAIL, OutcomeStatus.NEEDS_LOOK]
        assert [(grade.expectation_text, grade.stale) for grade in second] == [
            ("contains:Rome", False)
        ]
        export_to_path(other, tmp_path / "again.md")
    with Journal.open(tmp_path / "third.sqlite") as third:
        import_markdown(third, exported)
        assert snapshot(third.path) == snapshot(journal.path)


_ID_OF_RUNS = sql(
    "SELECT r.id FROM run AS r JOIN experiment AS e ON e.id = r.experiment_id "
    "WHERE e.title = 'capitals' ORDER BY r.id"
)


def test_the_markdown_shows_the_host_as_text_and_the_rows_grades(
    journal: Journal, tmp_path: Path
) -> None:
    _, row_uuid = _filled(journal)
    path = tmp_path / "export.md"
    export_to_path(journal, path)
    text = path.read_text(encoding="utf-8")
    model_lines = [line for line in text.splitlines() if line.startswith("- **Model:**")]
    assert len(model_lines) == 3
    assert model_lines[0] == (
        "- **Model:** `m` · on http://gpu-&lt;b>box&lt;/b>\\*1\\*\\|\\`x\\`:11434"
    )
    assert " on " not in model_lines[2]  # no host: nothing said
    assert "- **Input row:** 2" in text
    assert "- **fail** · contains:Rome" in text  # the row's grade, shown as current
    assert f'"input_row": "{row_uuid}"' in text
    blocks = 1 + 2 + 3 + 2 + 1 + 2  # experiment, rows, runs, grades, end, two text hashes
    assert not markdown_it_problems(text, own_links=frozenset(), blocks=blocks)
    with journal.read() as session:
        grades = current_grades(session, 2)
    assert grades[0].expectation_uuid == row_expectation_uuid(row_uuid, 1)


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_a_run_naming_no_row_of_its_experiment_is_refused(journal: Journal, tmp_path: Path) -> None:
    _, row_uuid = _filled(journal)
    path = tmp_path / "export.md"
    export_to_path(journal, path)
    text = path.read_text(encoding="utf-8")
    line = _line_of(text, f'"input_row": "{row_uuid}",')
    damaged = tmp_path / "damaged.md"
    damaged.write_text(
        text.replace(f'"input_row": "{row_uuid}"', '"input_row": "no-such-row"'),
        encoding="utf-8",
    )
    start = text[: text.index(f'"input_row": "{row_uuid}"')].rfind("<!-- llm-journal:run")
    run_line = text[:start].count("\n") + 1
    assert run_line == line  # a record is one line
    with Journal.open(tmp_path / "other.sqlite") as other:
        with pytest.raises(ImportFormatError) as refused:
            import_markdown(other, damaged)
        assert refused.value.message == (
            f'{damaged}:{run_line}: this run was made from input row "no-such-row", which is '
            "not one of experiment 1's input rows"
        )
        assert _runs(other.path) == []


def test_an_older_format_imports_with_no_host_and_no_row(journal: Journal, tmp_path: Path) -> None:
    _filled(journal)
    path = tmp_path / "export.md"
    export_to_path(journal, path)
    text = path.read_text(encoding="utf-8").replace('"llm_journal": 11', '"llm_journal": 5', 1)
    older = tmp_path / "older.md"
    older.write_text(text, encoding="utf-8")
    with Journal.open(tmp_path / "other.sqlite") as other:
        import_markdown(other, older)
        assert [run[1:] for run in _runs(other.path)] == [("", None)] * 3
