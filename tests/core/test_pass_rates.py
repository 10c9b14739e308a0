"""Pass rates of a page of experiments (the list's) and of matrix cells: k of N pass, the
person's verdict over the grades, the latest model's runs, the "worked only some of the
time" mark; and one statement for a page, however many experiments, runs and grades."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from journal.core.domain import RunStatus, Verdict
from journal.core.expectations import parse_expectation
from journal.core.grades import add_expectation, set_combine_rule
from journal.core.grading import CombineRule
from journal.core.grading_queue import grade_now
from journal.core.matrix import experiment_matrix
from journal.core.pass_rates import experiment_pass_rates
from journal.core.queries import create_experiment, experiment_summary, list_experiments
from journal.core.stability import stability_of, works_only_sometimes
from journal.core.storage import Journal
from tests.past_runs import add_past_run


def _experiment(journal: Journal, *expectations: str, title: str = "rivers") -> int:
    with journal.write() as session:
        experiment = create_experiment(session, title=title)
        assert experiment.id is not None
        for line in expectations:
            add_expectation(session, experiment.id, parse_expectation(line))
        return experiment.id


def _run(journal: Journal, experiment_id: int, response: str, seed: int = 0, **fields: Any) -> int:
    with journal.write() as session:
        options = {"temperature": 0.5, "seed": seed}
        run_id = add_past_run(
            session,
            experiment_id,
            "Capital of France?",
            options=options,
            response=response,
            **fields,
        )
    grade_now(journal, run_id)
    return run_id


@contextmanager
def _statements(journal: Journal) -> Iterator[list[str]]:
    seen: list[str] = []

    def count(*args: Any) -> None:
        if str(args[2]).lstrip().upper().startswith(("SELECT", "WITH")):
            seen.append(str(args[2]))

    event.listen(journal.engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(journal.engine, "before_cursor_execute", count)


def test_a_repeat_that_passed_then_failed_reads_two_of_three_with_the_mark(
    journal: Journal,
) -> None:
    experiment_id = _experiment(journal, "contains:Paris")
    runs = [
        _run(journal, experiment_id, answer, seed)
        for seed, answer in enumerate(["Paris.", "It is Paris", "Lyon"])
    ]
    with journal.read() as session:
        rate = experiment_pass_rates(session, [experiment_id])[experiment_id]
        stability = stability_of(session, runs)
        sometimes = works_only_sometimes(session, experiment_id)
    assert (rate.passed, rate.runs, rate.failed, rate.needs_look) == (2, 3, 1, 0)
    assert (stability.passed, stability.runs) == (rate.passed, rate.runs)  # the same rule
    assert rate.sometimes and sometimes
    assert rate.short == "2/3 pass"
    assert rate.description.splitlines() == [
        "2 of 3 runs on llama3:8b pass (1 failed)",
        "Latest failure: 0 of 1 pass; missing 'Paris'",
        "Worked only some of the time: one request, repeated, passed and failed.",
    ]


def test_only_the_latest_models_runs_count_and_the_persons_verdict_wins(
    journal: Journal,
) -> None:
    experiment_id = _experiment(journal, "contains:Paris")
    _run(journal, experiment_id, "Lyon", model="mistral:7b")
    _run(journal, experiment_id, "Lyon", 1, verdict=Verdict.WORKED)  # judged over the grade
    _run(journal, experiment_id, "Paris", 2, verdict=Verdict.PARTLY)
    _run(journal, experiment_id, "", 3, status=RunStatus.CANCELLED)
    _run(journal, experiment_id, "Par", 4, status=RunStatus.STREAMING)  # live: left out
    with journal.read() as session:
        rate = experiment_pass_rates(session, [experiment_id])[experiment_id]
        sometimes = works_only_sometimes(session, experiment_id)
    assert rate.model == "llama3:8b"
    assert (rate.passed, rate.runs, rate.failed, rate.needs_look) == (1, 3, 1, 1)
    assert rate.last_failure == "judged partly"
    assert rate.sometimes and sometimes  # seeds 1 and 2: one request, worked then partly
    assert "1 failed, 1 needs a look" in rate.description


def test_no_expectations_reads_a_dash_and_a_weighted_rule_is_the_experiments(
    journal: Journal,
) -> None:
    bare = _experiment(journal)
    _run(journal, bare, "Paris")
    weighted = _experiment(journal, "contains:Paris", "contains:France", "words<=3")
    with journal.write() as session:
        set_combine_rule(session, weighted, CombineRule.weighted_at(0.6))
    _run(journal, weighted, "Paris")  # 2 of 3 (weight 1 each): 0.67, passes
    _run(journal, weighted, "Lyon in France is not the capital")  # 1 of 3: fails
    empty = _experiment(journal, "contains:Paris")
    with journal.read() as session:
        rates = experiment_pass_rates(session, [bare, weighted, empty, 999])
    assert rates[bare].short == "—" and rates[bare].expectations == 0
    assert rates[bare].description == "No expectations: nothing to grade the runs by."
    assert (rates[weighted].passed, rates[weighted].runs) == (1, 2)
    assert rates[empty].short == "—"
    assert rates[empty].description == "No finished runs to grade yet."
    assert 999 not in rates


def test_the_mark_shows_without_expectations_when_verdicts_disagree(journal: Journal) -> None:
    experiment_id = _experiment(journal)
    _run(journal, experiment_id, "Paris", 0, verdict=Verdict.WORKED)
    _run(journal, experiment_id, "Lyon", 1, verdict=Verdict.FAILED)
    with journal.read() as session:
        summary = experiment_summary(session, experiment_id, pass_rates=True)
        plain = experiment_summary(session, experiment_id)
    assert summary.pass_rate is not None and summary.pass_rate.sometimes
    assert summary.pass_rate.short == "—"
    assert plain.pass_rate is None


def test_a_page_of_pass_rates_is_one_statement_whatever_its_size(journal: Journal) -> None:
    ids = []
    for number in range(60):
        experiment_id = _experiment(journal, "contains:Paris", "words<=5", title=f"e{number}")
        ids.append(experiment_id)
        for seed in range(3):
            _run(journal, experiment_id, "Paris" if seed != number % 3 else "Lyon", seed)
    for size in (5, 60):
        with _statements(journal) as seen, journal.read() as session:
            page = list_experiments(session, limit=size, pass_rates=True)
        assert len(page) == size
        assert len(seen) == 3, seen  # the rows, their models' standings, their pass rates
        assert all(row.pass_rate is not None for row in page)
        assert {row.pass_rate.short for row in page if row.pass_rate} == {"2/3 pass"}
    with _statements(journal) as seen, journal.read() as session:
        experiment_pass_rates(session, ids)
    assert len(seen) == 1


def test_matrix_cells_carry_the_pass_rate_of_their_weights(journal: Journal) -> None:
    experiment_id = _experiment(journal, "contains:Paris")
    _run(journal, experiment_id, "Paris", 0)
    _run(journal, experiment_id, "Lyon", 1)
    _run(journal, experiment_id, "Paris", 0, model="qwen3:8b")
    with _statements(journal) as seen, journal.read() as session:
        page = experiment_matrix(session, pass_rates=True)
        plain = experiment_matrix(session)
    assert len(seen) == 3  # the page and its rates, then the page alone
    cells = {column.model: cell for column, cell in page.rows[0].cells.items()}
    llama, qwen = cells["llama3:8b"].pass_rate, cells["qwen3:8b"].pass_rate
    assert llama is not None and qwen is not None
    assert (llama.passed, llama.runs, llama.last_failure) == (1, 2, "0 of 1 pass; missing 'Paris'")
    assert llama.sometimes
    assert (qwen.passed, qwen.runs) == (1, 1)
    assert cells["llama3:8b"].as_dict()["pass_rate"]["passed"] == 1
    assert all(cell.pass_rate is None for cell in plain.rows[0].cells.values())
    assert "pass_rate" not in next(iter(plain.rows[0].cells.values())).as_dict()


def test_different_requests_that_pass_and_fail_are_no_mark(journal: Journal) -> None:
    experiment_id = _experiment(journal, "contains:Paris")
    _run(journal, experiment_id, "Paris", 0)
    _run(journal, experiment_id, "Lyon", 0, system_prompt="Answer wrongly.")
    with journal.read() as session:
        rate = experiment_pass_rates(session, [experiment_id])[experiment_id]
        sometimes = works_only_sometimes(session, experiment_id)
    assert (rate.passed, rate.failed, rate.sometimes, sometimes) == (1, 1, False, False)
