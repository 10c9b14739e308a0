"""Repeats: the seeds they send, and what their runs add up to (k of N pass, M distinct
answers, "worked only some of the time"); and naming an expectation by position or name."""

from __future__ import annotations

from typing import Any

import pytest

from journal.core.domain import RunStatus, Verdict
from journal.core.errors import InvalidInputError, NotFoundError
from journal.core.expectations import parse_expectation
from journal.core.grades import add_expectation, find_expectation
from journal.core.grading_queue import grade_now
from journal.core.models import Run
from journal.core.option_schema import INT64_MAX
from journal.core.queries import create_experiment, set_verdict
from journal.core.stability import (
    DEFAULT_SEED,
    MAX_REPEAT,
    Stability,
    repeat_groups,
    repeat_seeds,
    stability_of,
    with_seed,
    works_only_sometimes,
)
from journal.core.storage import Journal

QUESTION = [{"role": "user", "content": "Capital of France?"}]


def _run(journal: Journal, experiment_id: int, response: str, **fields: Any) -> int:
    values: dict[str, Any] = {
        "model": "llama3:8b",
        "status": RunStatus.DONE,
        "messages": QUESTION,
        "options": {"temperature": 0.5, "seed": 0},
        "response": response,
    }
    values.update(fields)
    with journal.write() as session:
        run = Run(experiment_id=experiment_id, **values)
        session.add(run)
        session.flush()
        assert run.id is not None
        run_id = run.id
    grade_now(journal, run_id)
    return run_id


def _expect(journal: Journal, experiment_id: int, line: str) -> None:
    with journal.write() as session:
        add_expectation(session, experiment_id, parse_expectation(line))


# -- seeds -----------------------------------------------------------------------------------


def test_seeds_count_up_from_the_seed_option_or_from_zero() -> None:
    seeds = repeat_seeds({"seed": 42, "temperature": 0.3}, 3)
    assert seeds.seeds == [42, 43, 44] and seeds.from_options
    assert seeds.description == "seeds 42 to 44 (from the seed option)"
    default = repeat_seeds({"temperature": 0.3}, 2)
    assert default.seeds == [DEFAULT_SEED, DEFAULT_SEED + 1] and not default.from_options
    assert default.description == "seeds 0 to 1 (no seed set: starting at 0)"
    assert repeat_seeds({}, 1).description == "seed 0 (no seed set: starting at 0)"
    assert with_seed({"temperature": 0.3, "seed": 1}, 7) == {"temperature": 0.3, "seed": 7}


@pytest.mark.parametrize(
    ("options", "count", "says"),
    [
        ({}, 0, "1 to 1000"),
        ({}, MAX_REPEAT + 1, "1 to 1000"),
        ({"seed": -1}, 3, "random seed"),
        ({"seed": "7"}, 3, "whole number"),
        ({"seed": True}, 3, "whole number"),
        ({"seed": INT64_MAX}, 2, "no room"),
    ],
)
def test_seeds_that_cannot_repeat_are_refused(
    options: dict[str, Any], count: int, says: str
) -> None:
    with pytest.raises(InvalidInputError, match=says):
        repeat_seeds(options, count)


# -- what repeats add up to ------------------------------------------------------------------


def test_k_of_n_pass_and_distinct_answers(journal: Journal, experiment_id: int) -> None:
    _expect(journal, experiment_id, "contains:Paris")
    ids = [
        _run(journal, experiment_id, "Paris.", options={"seed": 0}),
        _run(journal, experiment_id, " Paris. \n", options={"seed": 1}),
        _run(journal, experiment_id, "Lyon.", options={"seed": 2}),
        _run(journal, experiment_id, "Par", options={"seed": 3}, status=RunStatus.CANCELLED),
    ]
    with journal.read() as session:
        stability = stability_of(session, ids)
    assert stability == Stability(runs=4, passed=2, failed=1, needs_look=1, distinct_answers=2)
    assert stability.sometimes
    assert stability.line == (
        "2 of 4 pass, 2 distinct answers (1 needs a look): worked only some of the time"
    )


def test_the_persons_verdict_counts_over_the_grades(journal: Journal, experiment_id: int) -> None:
    _expect(journal, experiment_id, "contains:Paris")
    first = _run(journal, experiment_id, "Paris.", options={"seed": 0})
    second = _run(journal, experiment_id, "Paris!", options={"seed": 1})
    with journal.read() as session:
        assert not stability_of(session, [first, second]).sometimes
    with journal.write() as session:
        set_verdict(session, second, Verdict.PARTLY)
    with journal.read() as session:
        stability = stability_of(session, [first, second])
    assert (stability.passed, stability.failed) == (1, 1)
    assert stability.line == "1 of 2 pass, 2 distinct answers: worked only some of the time"


def test_without_expectations_every_run_needs_a_look(journal: Journal, experiment_id: int) -> None:
    ids = [_run(journal, experiment_id, "same"), _run(journal, experiment_id, "same")]
    with journal.read() as session:
        stability = stability_of(session, ids)
    assert stability.line == "0 of 2 pass, 1 distinct answer (2 need a look)"
    assert not stability.sometimes


def test_repeat_groups_are_the_same_request_but_for_the_seed(
    journal: Journal, experiment_id: int
) -> None:
    _expect(journal, experiment_id, "contains:Paris")
    a = _run(journal, experiment_id, "Paris", options={"temperature": 0.5, "seed": 0})
    b = _run(journal, experiment_id, "Lyon", options={"temperature": 0.5, "seed": 1})
    _run(journal, experiment_id, "Paris", options={"temperature": 0.9, "seed": 0})  # other
    _run(journal, experiment_id, "Paris", model="qwen3:0.6b")  # alone on its model
    _run(journal, experiment_id, "", status=RunStatus.STREAMING)  # live: not yet
    with journal.read() as session:
        groups = repeat_groups(session, experiment_id)
        sometimes = works_only_sometimes(session, experiment_id)
    assert [(group.model, group.run_ids) for group in groups] == [("llama3:8b", [a, b])]
    assert groups[0].stability.line.startswith("1 of 2 pass, 2 distinct answers")
    assert sometimes


def test_an_experiment_that_always_works_is_not_marked(journal: Journal) -> None:
    with journal.write() as session:
        experiment = create_experiment(session, title="steady")
        assert experiment.id is not None
        experiment_id = experiment.id
    _expect(journal, experiment_id, "contains:Paris")
    for seed in range(3):
        _run(journal, experiment_id, f"Paris {seed}", options={"seed": seed})
    with journal.read() as session:
        assert not works_only_sometimes(session, experiment_id)
        assert repeat_groups(session, experiment_id)[0].stability.line == (
            "3 of 3 pass, 3 distinct answers"
        )


# -- naming an expectation -------------------------------------------------------------------


def test_find_an_expectation_by_position_name_or_text(journal: Journal, experiment_id: int) -> None:
    with journal.write() as session:
        add_expectation(session, experiment_id, parse_expectation("contains:Paris", name="city"))
        add_expectation(session, experiment_id, parse_expectation("words<=50", name="short"))
        add_expectation(session, experiment_id, parse_expectation("equals:2", name="short"))
        add_expectation(session, experiment_id, parse_expectation("is-json"))
    with journal.read() as session:
        assert find_expectation(session, experiment_id, "2").text == "words<=50"
        assert find_expectation(session, experiment_id, "city").text == "contains:Paris"
        assert find_expectation(session, experiment_id, "is-json").position == 4
        with pytest.raises(InvalidInputError, match=r"Expectations 2, 3 .* position"):
            find_expectation(session, experiment_id, "short")
        with pytest.raises(NotFoundError, match="1 to 4, not 5"):
            find_expectation(session, experiment_id, "5")
        with pytest.raises(NotFoundError, match="named 'town'"):
            find_expectation(session, experiment_id, "town")


def test_repeats_and_threads_take_the_same_kinds_of_run() -> None:
    """One AnyRun (domain's) for the rules over runs alone, so they cannot drift apart."""
    from journal.core import domain, repeats, threads

    assert vars(repeats)["AnyRun"] is vars(threads)["AnyRun"] is domain.AnyRun
    assert [ref.__forward_arg__ for ref in domain.AnyRun.__constraints__] == ["Run", "RunRecord"]
