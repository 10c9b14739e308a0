"""Turn targets (`turn:2`, `turn:2:thinking`) survive an export and an import, and an
import refuses a target no expectation can have."""

from __future__ import annotations

from pathlib import Path

import pytest

from journal.core.expectations import Target, parse_expectation
from journal.core.export_markdown import export_to_path
from journal.core.grades import add_expectation, current_grades, list_expectations
from journal.core.grading_queue import grade_now
from journal.core.import_markdown import import_markdown
from journal.core.models import Run, RunStatus
from journal.core.notebook_format import ImportFormatError
from journal.core.queries import runs_of
from journal.core.storage import Journal


def _conversation(journal: Journal, experiment_id: int) -> int:
    """Two turns, the second graded by expectations that name turns; the last run's id."""
    parent: int | None = None
    with journal.write() as session:
        for number in (1, 2):
            run = Run(
                experiment_id=experiment_id,
                model="llama3:8b",
                status=RunStatus.DONE,
                messages=[{"role": "user", "content": f"Q{number}"}],
                response=f"A{number}",
                thinking=f"T{number}",
                parent_id=parent,
            )
            session.add(run)
            session.flush()
            parent = run.id
        for line, target in (("contains:A1", "turn:1"), ("contains:T2", "turn:2:thinking")):
            add_expectation(session, experiment_id, parse_expectation(line, target=target))
    assert parent is not None
    grade_now(journal, parent)
    return parent


def test_turn_targets_round_trip_through_an_export(
    journal: Journal, experiment_id: int, tmp_path: Path
) -> None:
    _conversation(journal, experiment_id)
    path = tmp_path / "out.md"
    export_to_path(journal, path)
    text = path.read_text(encoding="utf-8")
    assert '"target": "turn:2:thinking"' in text
    assert "- contains:T2 · on the thinking of turn 2\n" in text  # for a person reading it
    with Journal.open(tmp_path / "again.sqlite") as again:
        import_markdown(again, path)
        with again.read() as session:
            saved = list_expectations(session, experiment_id)
            last = runs_of(session, experiment_id)[-1]
            assert last.id is not None
            grades = current_grades(session, last.id)
    assert [item.expectation.target for item in saved] == [
        Target(turn=1),
        Target(thinking=True, turn=2),
    ]
    assert [(grade.target.value, grade.status.value) for grade in grades] == [
        ("turn:1", "pass"),
        ("turn:2:thinking", "pass"),
    ]


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("turn:0", "turns count from 1"),
        ("turn:two", "a turn is a number, like turn:2, not 'two'"),
    ],
)
def test_an_import_refuses_a_bad_turn_target(
    journal: Journal, experiment_id: int, tmp_path: Path, written: str, says: str
) -> None:
    _conversation(journal, experiment_id)
    path = tmp_path / "out.md"
    export_to_path(journal, path)
    text = path.read_text(encoding="utf-8")
    assert text.count('"target": "turn:1"') == 2  # the expectation and its grade
    for edited in (
        text.replace('"target": "turn:1"', f'"target": "{written}"', 1),
        text[::-1].replace('"1:nrut" :"tegrat"', f'"{written[::-1]}" :"tegrat"', 1)[::-1],
    ):
        path.write_text(edited, encoding="utf-8")
        with (
            Journal.open(tmp_path / "fresh.sqlite") as fresh,
            pytest.raises(ImportFormatError) as refused,
        ):
            import_markdown(fresh, path)
        assert f'target "{written}": ' in refused.value.reason
        assert says in refused.value.reason
