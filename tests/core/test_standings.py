"""Which models an experiment worked on, and the verdict filter meaning the same (issue 14).

A model's standing in an experiment is the verdict of its latest judged run (models by name,
`llama3` being `llama3:latest`); a model whose finished runs are not judged yet stands
unrated. "Worked" selects an experiment when some model's standing is worked.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal.core.domain import (
    ExperimentFilter,
    ExperimentSummary,
    RunStatus,
    Verdict,
    with_verdict_choice,
)
from journal.core.formatting import describe_standings
from journal.core.migration_check import filter_record
from journal.core.queries import (
    count_experiments,
    create_experiment,
    experiment_summary,
    list_experiments,
    set_verdict,
)
from journal.core.storage import Journal
from tests.past_runs import add_past_run

WORKED, PARTLY, FAILED = Verdict.WORKED, Verdict.PARTLY, Verdict.FAILED


def _experiment(journal: Journal, *runs: tuple[str, Verdict | None, RunStatus]) -> int:
    with journal.write() as session:
        experiment = create_experiment(session, title="e")
        assert experiment.id is not None
        for model, verdict, status in runs:
            add_past_run(session, experiment.id, verdict=verdict, model=model, status=status)
        return experiment.id


def _matching(journal: Journal, filters: ExperimentFilter) -> set[int]:
    with journal.read() as session:
        rows = list_experiments(session, filters, limit=1000)
        assert count_experiments(session, filters) == len(rows)
    return {row.id for row in rows}


DONE = RunStatus.DONE


def test_a_model_that_worked_then_failed_stands_failed(journal: Journal) -> None:
    eid = _experiment(
        journal,
        ("llama3:8b", WORKED, DONE),
        ("llama3:8b", FAILED, DONE),
        ("llama3:8b", None, DONE),  # a later run not judged yet leaves the verdict standing
    )
    with journal.read() as session:
        assert experiment_summary(session, eid).standings == (("llama3:8b", FAILED),)
    assert _matching(journal, ExperimentFilter(verdict=FAILED)) == {eid}
    assert _matching(journal, ExperimentFilter(verdict=WORKED)) == set()
    assert _matching(journal, ExperimentFilter(unrated=True)) == set()


def test_standings_per_model_by_name(journal: Journal) -> None:
    eid = _experiment(
        journal,
        ("llama3", WORKED, DONE),
        ("llama3:latest", PARTLY, DONE),  # the same model as `llama3`
        ("qwen3:0.6b", WORKED, DONE),
        ("mistral:7b", None, DONE),
        ("gemma:2b", None, RunStatus.FAILED),  # never answered: not a model tried
        ("host:5000/phi", FAILED, DONE),  # a colon in the host is not a tag
    )
    with journal.read() as session:
        (row,) = list_experiments(session)
    assert row.standings == (
        ("host:5000/phi:latest", FAILED),
        ("llama3:latest", PARTLY),
        ("mistral:7b", None),
        ("qwen3:0.6b", WORKED),
    )
    assert (row.models_worked, row.models_judged) == (1, 3)
    assert describe_standings(row.standings) == "worked on 1 of 4 models (1 not judged yet)"
    for verdict in (WORKED, PARTLY, FAILED):
        assert _matching(journal, ExperimentFilter(verdict=verdict)) == {eid}
    assert _matching(journal, ExperimentFilter(unrated=True)) == {eid}


def test_model_with_verdict_asks_for_that_models_standing(journal: Journal) -> None:
    both = _experiment(journal, ("llama3:8b", WORKED, DONE), ("qwen3:0.6b", FAILED, DONE))
    changed = _experiment(journal, ("llama3:8b", WORKED, DONE), ("llama3:8b", FAILED, DONE))
    waiting = _experiment(journal, ("llama3", None, DONE), ("qwen3:0.6b", WORKED, DONE))

    def on(model: str, choice: str) -> set[int]:
        return _matching(journal, with_verdict_choice(ExperimentFilter(model=model), choice))

    assert on("llama3:8b", "worked") == {both}
    assert on("llama3:8b", "failed") == {changed}
    assert on("qwen3:0.6b", "worked") == {waiting}
    assert on("llama3:latest", "unrated") == {waiting}  # `llama3` by its full name
    assert on("qwen3:0.6b", "unrated") == set()


def test_judging_moves_an_experiment_between_filters(journal: Journal) -> None:
    with journal.write() as session:
        experiment = create_experiment(session, title="e")
        assert experiment.id is not None
        eid, run_id = experiment.id, add_past_run(session, experiment.id)
    assert _matching(journal, ExperimentFilter(unrated=True)) == {eid}
    with journal.write() as session:
        set_verdict(session, run_id, WORKED)
    assert _matching(journal, ExperimentFilter(unrated=True)) == set()
    assert _matching(journal, ExperimentFilter(verdict=WORKED)) == {eid}


def test_unrated_is_a_filter_choice_that_is_described() -> None:
    filters = with_verdict_choice(ExperimentFilter(model="m"), "unrated")
    assert filters == ExperimentFilter(model="m", unrated=True)
    assert not ExperimentFilter(unrated=True).is_empty
    assert with_verdict_choice(filters, "worked") == ExperimentFilter(model="m", verdict=WORKED)
    assert with_verdict_choice(filters, None) == ExperimentFilter(model="m")
    assert filter_record(filters) == {"model": "m", "verdict": "unrated"}  # a check's record


def _some_standing(row: ExperimentSummary, choice: str) -> bool:
    wanted = None if choice == "unrated" else Verdict(choice)
    return any(verdict == wanted for _, verdict in row.standings)


RUN = st.tuples(
    st.sampled_from(["llama3", "llama3:latest", "qwen3:0.6b", "org/phi:2b"]),
    st.sampled_from([None, WORKED, PARTLY, FAILED]),
    st.sampled_from([DONE, DONE, RunStatus.FAILED, RunStatus.CANCELLED]),
)


@pytest.mark.parametrize("choice", ["worked", "partly", "failed", "unrated"])
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(experiments=st.lists(st.lists(RUN, max_size=5), min_size=1, max_size=6))
def test_the_filter_selects_exactly_the_experiments_whose_standings_say_so(
    tmp_path_factory: pytest.TempPathFactory,
    choice: str,
    experiments: list[list[tuple[str, Verdict | None, RunStatus]]],
) -> None:
    """For every experiment of a small random journal: matches V == some standing is V."""
    path = tmp_path_factory.mktemp("standings") / "journal.sqlite"
    with Journal.open(path) as journal:
        for runs in experiments:
            _experiment(journal, *runs)
        with journal.read() as session:
            rows = list_experiments(session, limit=1000)
        expected = {row.id for row in rows if _some_standing(row, choice)}
        assert _matching(journal, with_verdict_choice(ExperimentFilter(), choice)) == expected
        on_llama = with_verdict_choice(ExperimentFilter(model="llama3"), choice)
        wanted = None if choice == "unrated" else Verdict(choice)
        assert _matching(journal, on_llama) == {
            row.id for row in rows if ("llama3:latest", wanted) in row.standings
        }


def test_a_run_in_the_trash_says_nothing_about_its_model(journal: Journal) -> None:
    from journal.core.queries import runs_of
    from journal.core.trash import trash_runs, undo_trash

    eid = _experiment(journal, ("llama3:8b", WORKED, DONE), ("llama3:8b", FAILED, DONE))
    worked = ExperimentFilter(verdict=WORKED)
    assert eid not in _matching(journal, worked)
    with journal.write() as session:
        receipt = trash_runs(session, [runs_of(session, eid)[-1].id or 0])
    assert eid in _matching(journal, worked)  # the failed run is in the trash
    with journal.read() as session:
        assert experiment_summary(session, eid).standings == (("llama3:8b", WORKED),)
    with journal.write() as session:
        undo_trash(session, receipt)
    assert eid not in _matching(journal, worked)
