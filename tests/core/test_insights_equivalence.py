"""Insights read in one statement (a window function for the standings, quartiles read at
their places, weeks per day) give exactly the figures the former reading gave (one query
per question, a correlated subquery per standing, `statistics` over every value; kept in
tests/insights_oracle.py), over random journals of past runs and the list's filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from journal.core.domain import ExperimentFilter, RunStatus, Verdict
from journal.core.expectations import parse_expectation
from journal.core.grades import add_expectation
from journal.core.insights import compute_insights
from journal.core.queries import create_experiment
from journal.core.storage import Journal
from tests import insights_oracle
from tests.past_runs import add_past_run

START = datetime(2026, 1, 1, 9, tzinfo=UTC)
TIMING = st.one_of(st.none(), st.just(0), st.integers(1, 5_000_000_000))
RUN = st.fixed_dictionaries(
    {
        "experiment": st.integers(0, 3),
        "model": st.sampled_from(["llama3", "llama3:latest", "qwen3:0.6b", "org/phi"]),
        "digest": st.sampled_from(["", "1" * 64, "2" * 64, "3" * 64]),
        "verdict": st.sampled_from([None, Verdict.WORKED, Verdict.PARTLY, Verdict.FAILED]),
        "status": st.sampled_from([*RunStatus, RunStatus.DONE, RunStatus.DONE]),
        "trashed": st.booleans(),
        "day": st.integers(0, 40),
        "eval_count": TIMING,
        "eval_duration": TIMING,
        "load_duration": TIMING,
        "first_token_seconds": st.one_of(st.none(), st.floats(0, 10)),
    }
)
EXPERIMENT = st.tuples(
    st.sampled_from([[], ["json"], ["code"], ["json", "code"]]),
    st.sampled_from(["", "archived", "trashed", "expects"]),
)
FILTERS = [
    ExperimentFilter(),
    ExperimentFilter(tag="json"),
    ExperimentFilter(model="llama3"),
    ExperimentFilter(verdict=Verdict.WORKED),
]


def _fill(
    journal: Journal, experiments: list[tuple[list[str], str]], runs: list[dict[str, Any]]
) -> None:
    with journal.write() as session:
        ids = []
        for tags, mark in experiments:
            experiment_id = create_experiment(session, title="e", tags=tags).id
            assert experiment_id is not None
            ids.append(experiment_id)
            if mark == "expects":
                add_expectation(session, experiment_id, parse_expectation("contains:Paris"))
            elif mark:
                session.execute(
                    text(f"UPDATE experiment SET {mark}_at = '2026-03-01' WHERE id = :id"),
                    {"id": experiment_id},
                )
        for number, run in enumerate(runs):
            moment = START + timedelta(days=run["day"], seconds=number)
            add_past_run(
                session, ids[run["experiment"] % len(ids)], model=run["model"],
                digest=run["digest"], verdict=run["verdict"], status=run["status"],
                trashed_at=moment if run["trashed"] else None, created_at=moment,
                eval_count=run["eval_count"], eval_duration=run["eval_duration"],
                load_duration=run["load_duration"],
                first_token_seconds=run["first_token_seconds"],
            )  # fmt: skip


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    experiments=st.lists(EXPERIMENT, min_size=1, max_size=3),
    runs=st.lists(RUN, max_size=16),
)
def test_one_statement_gives_what_the_former_queries_gave(
    tmp_path_factory: pytest.TempPathFactory,
    experiments: list[tuple[list[str], str]],
    runs: list[dict[str, Any]],
) -> None:
    path = tmp_path_factory.mktemp("insights") / "journal.sqlite"
    with Journal.open(path) as journal:
        _fill(journal, experiments, runs)
        with journal.read() as session:
            for filters in FILTERS:
                expected = insights_oracle.compute_insights(session, filters)
                assert compute_insights(session, filters) == expected, filters
