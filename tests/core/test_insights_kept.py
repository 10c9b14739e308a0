"""`compute_insights` keeps its answer with the connection while the journal does not change:
asked again, it gives the same answer without reading every run; after any commit (this
journal's writer, another process's) or in a write session, it reads the journal again.
The property test compares every answer with the former reading (tests/insights_oracle.py)
while runs are added, judged and trashed between questions."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from journal.core.domain import ExperimentFilter, Verdict
from journal.core.insights import compute_insights
from journal.core.queries import create_experiment
from journal.core.storage import Journal
from tests import insights_oracle
from tests.past_runs import add_past_run


def test_the_same_question_is_answered_from_what_was_kept(journal: Journal) -> None:
    with journal.write() as session:
        experiment_id = create_experiment(session, title="a", tags=["json"]).id
        assert experiment_id is not None
        add_past_run(session, experiment_id, verdict=Verdict.WORKED)
    with journal.read() as session:
        first = compute_insights(session, ExperimentFilter())
    seen: list[str] = []
    with journal.read() as session:
        raw = session.connection().connection.driver_connection
        assert isinstance(raw, sqlite3.Connection)
        raw.set_trace_callback(seen.append)  # every statement the connection runs
        again = compute_insights(session, ExperimentFilter())
        by_tag = compute_insights(session, ExperimentFilter(tag="json"))
        by_tag_again = compute_insights(session, ExperimentFilter(tag="json"))
        raw.set_trace_callback(None)
    assert again is first
    assert by_tag_again is by_tag
    assert sum("FROM run" in statement for statement in seen) == 1  # the tag's one reading


def test_a_commit_is_seen_at_once(journal: Journal, db_path: Path) -> None:
    """By this journal's writer, and by another connection (another process, say)."""
    with journal.write() as session:
        experiment_id = create_experiment(session, title="a").id
        assert experiment_id is not None
        add_past_run(session, experiment_id, verdict=Verdict.WORKED)
    with journal.read() as session:
        assert compute_insights(session, ExperimentFilter()).outcomes[0].worked == 1
    with journal.write() as session:
        add_past_run(session, experiment_id, model="qwen3:0.6b", verdict=Verdict.FAILED)
    with journal.read() as session:
        assert [o.failed for o in compute_insights(session, ExperimentFilter()).outcomes] == [
            0,
            1,
        ]
    with Journal.open(db_path) as elsewhere, elsewhere.write() as session:
        session.execute(text("UPDATE run SET trashed_at = '2026-03-01' WHERE verdict = 'failed'"))
    with journal.read() as session:
        assert [o.failed for o in compute_insights(session, ExperimentFilter()).outcomes] == [0]


def test_a_write_session_reads_its_own_changes(journal: Journal) -> None:
    """Its answer is never kept (the changes may be rolled back) nor taken from before."""
    with journal.write() as session:
        experiment_id = create_experiment(session, title="a").id
        assert experiment_id is not None
    with journal.read() as session:
        assert compute_insights(session, ExperimentFilter()).outcomes == ()

    def judge_then_fail() -> None:
        with journal.write() as session:
            add_past_run(session, experiment_id, verdict=Verdict.WORKED)
            assert compute_insights(session, ExperimentFilter()).outcomes[0].worked == 1
            raise RuntimeError("rolled back")

    with pytest.raises(RuntimeError):
        judge_then_fail()
    with journal.read() as session:
        assert compute_insights(session, ExperimentFilter()).outcomes == ()


FILTERS = st.sampled_from(
    [ExperimentFilter(), ExperimentFilter(tag="json"), ExperimentFilter(model="llama3")]
)
STEP = st.one_of(
    st.tuples(st.just("ask"), FILTERS),
    st.tuples(
        st.just("run"),
        st.tuples(
            st.integers(0, 2),
            st.sampled_from(["llama3", "qwen3:0.6b"]),
            st.sampled_from([None, Verdict.WORKED, Verdict.FAILED]),
        ),
    ),
    st.tuples(st.just("judge"), st.sampled_from([None, Verdict.PARTLY])),
    st.tuples(st.just("trash"), st.booleans()),
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, max_size=12))
def test_every_answer_is_the_journal_as_it_is(
    tmp_path_factory: pytest.TempPathFactory, steps: list[tuple[str, Any]]
) -> None:
    path = tmp_path_factory.mktemp("kept") / "journal.sqlite"
    with Journal.open(path) as journal:
        with journal.write() as session:
            ids = [create_experiment(session, title="e", tags=tags).id for tags in ([], ["json"])]
        for kind, what in [*steps, ("ask", ExperimentFilter())]:
            if kind == "ask":
                with journal.read() as session:
                    expected = insights_oracle.compute_insights(session, what)
                    assert compute_insights(session, what) == expected
                continue
            with journal.write() as session:
                if kind == "run":
                    experiment, model, verdict = what
                    add_past_run(session, ids[experiment % 2], model=model, verdict=verdict)
                else:
                    column, value = ("verdict", what) if kind == "judge" else ("trashed_at", None)
                    if kind == "trash" and what:
                        value = "2026-03-01"
                    session.execute(
                        text(
                            f"UPDATE run SET {column} = :value WHERE id = (SELECT max(id) FROM run)"
                        ),
                        {"value": value if value is None else str(value)},
                    )
