"""A migration check that triages itself, against a real Ollama serving a real (tiny) model:
a deterministic expectation that always holds, one that never does, and a judge.

Asserts the groups, the reasons and what is recorded, never the model's wisdom: the judge's
own grade may be pass, fail or unsure, so its item may land in any group.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from journal.core.check_triage import Group
from journal.core.expectations import parse_expectation
from journal.core.grades import add_expectation, current_grades
from journal.core.grading import GradeStatus
from journal.core.migration_check import (
    MigrationChecker,
    accept_passes,
    check_groups,
    check_items,
    get_check,
)
from journal.core.models import RunStatus, Verdict
from journal.core.ollama_service import OllamaService
from journal.core.queries import create_experiment, get_run, set_verdict
from journal.core.runner import RunRecorder, RunSpec
from journal.core.storage import Journal
from tests.journal_process import run_journal

pytestmark = pytest.mark.ollama

SHORT = {"num_predict": 16, "temperature": 0.0, "seed": 42}
NEVER = "ZQX-never-said-QXZ"
PLAN = (
    ("Say the number 1.", f"not-contains:{NEVER}"),  # holds whatever the model says
    ("Say the number 2.", f"contains:{NEVER}"),  # never holds
    ("Say the number 3.", "judge:the answer is a number"),
)


def _worked_runs(journal: Journal, service: OllamaService, model: str) -> list[int]:
    """One experiment per line of PLAN, with its expectation and a run judged worked."""
    recorder = RunRecorder(journal, service)
    ids = []
    for prompt, line in PLAN:
        with journal.write() as session:
            experiment = create_experiment(session, title=prompt).id or 0
            add_expectation(session, experiment, parse_expectation(line))
        run = recorder.execute(RunSpec(experiment, model, prompt=prompt, options=SHORT))
        assert run.status is RunStatus.DONE, run.error
        with journal.write() as session:
            set_verdict(session, run.id or 0, Verdict.WORKED)
        ids.append(run.id or 0)
    return ids


@pytest.mark.timeout(900)  # seven requests to a CPU-only model on a shared machine
def test_a_check_on_the_real_model_sorts_itself_and_a_judge_grades_in_the_background(
    journal: Journal, real_ollama: str, real_model: str
) -> None:
    service = OllamaService(real_ollama)
    sources = _worked_runs(journal, service, real_model)
    with MigrationChecker(
        journal, service, judge_model=real_model, judge_options={"num_predict": 160}
    ) as checker:
        check_id = checker.create(real_model, run_ids=sources)
        result = checker.run(check_id)
        assert result.ran == 3 and not result.cancelled
        assert checker.wait_grades(600)
    with journal.read() as session:
        view = get_check(session, check_id)
        items = check_items(session, check_id)
        judged = current_grades(session, items[2].new_run_id or 0)
    groups = check_groups(items)
    assert items[0].group is Group.PASS and items[0].reason == "1 of 1 pass"
    assert items[1].group is Group.FAIL
    assert items[1].reason == f"0 of 1 pass; missing '{NEVER}'"
    assert items[2].group in (Group.PASS, Group.FAIL, Group.NEEDS_LOOK)
    assert not groups[Group.GRADING] and not groups[Group.PENDING]
    (grade,) = judged
    assert grade.status in (GradeStatus.PASS, GradeStatus.FAIL, GradeStatus.UNSURE)
    assert grade.reason.startswith(f"judge {real_model}: ")
    assert grade.grader is not None and grade.grader["model"] == real_model
    listed = service.find_model(real_model)
    assert listed is not None and grade.grader["digest"] == listed.digest
    passed = len(groups[Group.PASS])
    assert view.summary.passed == passed and view.summary.failed == len(groups[Group.FAIL])
    assert view.summary.line().startswith(f"{passed} of 3 pass on {real_model} (")

    with journal.write() as session:
        accepted = accept_passes(session, check_id)
    assert accepted == [item.new_run_id for item in groups[Group.PASS]]
    with journal.read() as session:
        assert get_run(session, items[0].new_run_id or 0).verdict is Verdict.WORKED
        assert get_run(session, items[1].new_run_id or 0).verdict is None  # a fail: untouched
        after = get_check(session, check_id).summary
    assert after.by_verdict == passed


@pytest.mark.timeout(900)
def test_journal_check_shows_the_groups_against_real_ollama(
    db_path: Path, real_ollama: str, real_model: str
) -> None:
    with Journal.open(db_path) as journal:
        _worked_runs(journal, OllamaService(real_ollama), real_model)
    host = ("--host", real_ollama)
    result = run_journal(
        db_path, "check", *host, "--target", real_model, "--run", "1", "--run", "2"
    )
    assert result.returncode == 0, result.stderr
    assert " · pass\n" in result.stderr and f" · fail: 0 of 1 pass; missing '{NEVER}'" in (
        result.stderr
    )
    assert result.stdout == f"1 of 2 pass on {real_model} (1 fail, 0 need a look)\n"
    shown = run_journal(db_path, "check", "--show", "1", "--json")
    record = json.loads(shown.stdout)
    assert record["groups"]["pass"] == [1] and record["groups"]["fail"] == [2]
    assert record["items"][1]["grades"]["suggested_verdict"] == "failed"
