"""The grouping form of a model's standing (`read_sql.standing_pick`, what Insights counts a
whole journal's standings with) picks exactly the runs `read_sql.STANDING_RUN` (the list's and
the verdict filter's meaning) picks, with the picked run's own columns, over random journals
of past runs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from journal.core.domain import RunStatus, Verdict
from journal.core.queries import create_experiment
from journal.core.read_sql import STANDING_RUN, model_key, standing_pick
from journal.core.storage import Journal
from tests.past_runs import add_past_run

GONE = datetime(2026, 1, 2, tzinfo=UTC)
RUN = st.tuples(
    st.integers(0, 1),  # which experiment
    st.sampled_from(["llama3", "llama3:latest", "qwen3:0.6b", "org/phi:2b", "org/phi"]),
    st.sampled_from([None, Verdict.WORKED, Verdict.PARTLY, Verdict.FAILED]),
    st.sampled_from([*RunStatus, RunStatus.DONE, RunStatus.DONE]),
    st.booleans(),  # in the trash
    st.sampled_from(["", "1" * 64, "2" * 64]),  # digest
)

Picked = set[tuple[int, str | None, str]]  # (run id, verdict, digest)


def _picked(journal: Journal) -> tuple[Picked, Picked]:
    runs = f"""(SELECT r.id, r.experiment_id, {model_key("r.model")} AS name, r.status,
        r.verdict, r.model_digest AS digest FROM run AS r WHERE r.trashed_at IS NULL)"""
    with journal.read() as session:
        by_exists = session.execute(
            text(f"SELECT r.id, r.verdict, r.model_digest FROM run AS r WHERE {STANDING_RUN}")
        )
        by_group = session.execute(text(f"SELECT id, verdict, digest FROM ({standing_pick(runs)})"))
        return {tuple(row) for row in by_exists}, {tuple(row) for row in by_group}


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(runs=st.lists(RUN, max_size=14))
@example(  # judged, then finished and not judged: the judged one stands
    runs=[
        (0, "llama3", Verdict.WORKED, RunStatus.DONE, False, "1" * 64),
        (0, "llama3:latest", None, RunStatus.DONE, False, "2" * 64),
    ]
)
def test_the_grouping_form_picks_the_runs_standing_run_picks(
    tmp_path_factory: pytest.TempPathFactory,
    runs: list[tuple[int, str, Verdict | None, RunStatus, bool, str]],
) -> None:
    path = tmp_path_factory.mktemp("pick") / "journal.sqlite"
    with Journal.open(path) as journal:
        with journal.write() as session:
            ids = [create_experiment(session, title=f"e{n}").id for n in range(2)]
            for experiment, model, verdict, status, trashed, digest in runs:
                experiment_id = ids[experiment]
                assert experiment_id is not None
                add_past_run(
                    session, experiment_id, verdict=verdict, model=model, status=status,
                    trashed_at=GONE if trashed else None, digest=digest,
                )  # fmt: skip
        by_exists, by_group = _picked(journal)
    assert by_group == by_exists
