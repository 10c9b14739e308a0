"""Migration checks that triage themselves: each replay graded as it finishes, the check
sorted into passes, fails and what needs a look, the person's verdict the last word.

The fake target answers "GOOD answer to ..." except to "hard" prompts ("BAD answer") and
"boom" ones (it fails), so every item's group is known before the check runs; a scripted
judge on the same fake server answers when the test lets it, so "still grading" is seen
without waiting on any clock."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from journal.core.cancel import CancelToken
from journal.core.check_triage import Group, ItemTriage, outcomes_of, triage_item
from journal.core.domain import RunStatus, Verdict
from journal.core.expectations import parse_expectation
from journal.core.grades import (
    add_expectation,
    grade_history,
    record_grade,
    run_outcome,
    set_combine_rule,
)
from journal.core.grading import (
    CombineRule,
    GradeResult,
    GradeStatus,
    OutcomeStatus,
    RunOutcome,
    not_graded,
)
from journal.core.migration_check import (
    CheckEvents,
    MigrationChecker,
    accept_passes,
    check_groups,
    check_items,
    get_check,
    items_left,
    triage,
)
from journal.core.models import Run
from journal.core.ollama_service import OllamaService
from journal.core.queries import create_experiment, get_run, set_verdict
from journal.core.storage import Journal
from tests.core.test_migration_check import TARGET, _target_reply
from tests.fake_ollama import FakeModel, FakeOllama
from tests.past_runs import add_past_run

JUDGE = "judge:1b"
VERDICT = json.dumps({"pass": True, "score": 0.9, "reason": "it answers"})


class HeldJudge:
    """A judge that answers only as often as the test allows (`allow`), and keeps what it
    was asked."""

    def __init__(self) -> None:
        self.turns = threading.Semaphore(0)
        self.asked: list[str] = []
        self._changed = threading.Condition()

    def allow(self, count: int = 1) -> None:
        for _ in range(count):
            self.turns.release()

    def wait_asked(self, count: int) -> bool:
        """Block until the judge has been asked `count` times (False after 30 s)."""
        with self._changed:
            return self._changed.wait_for(lambda: len(self.asked) >= count, 30)

    def __call__(self, messages: list[dict[str, Any]], options: dict[str, Any]) -> str:
        with self._changed:
            self.asked.append(json.dumps(messages))
            self._changed.notify_all()
        self.turns.acquire(timeout=60)
        return VERDICT


@pytest.fixture
def held() -> Iterator[HeldJudge]:
    judge = HeldJudge()
    yield judge
    judge.allow(100)  # no server thread stays behind


@pytest.fixture
def server(fake_ollama: FakeOllama, held: HeldJudge) -> FakeOllama:
    fake_ollama.add_model(FakeModel(TARGET, family="new", reply=_target_reply))
    fake_ollama.add_model(FakeModel(JUDGE, reply=held))
    return fake_ollama


@pytest.fixture
def checker(journal: Journal, server: FakeOllama) -> Iterator[MigrationChecker]:
    with MigrationChecker(journal, OllamaService(server.url), judge_model=JUDGE) as made:
        yield made


def _experiments(journal: Journal, plan: list[tuple[str, list[str]]]) -> list[int]:
    """One experiment per (prompt, expectation lines), each with a past run that worked."""
    with journal.write() as session:
        sources = []
        for prompt, lines in plan:
            experiment = create_experiment(session, title=prompt).id or 0
            for line in lines:
                add_expectation(session, experiment, parse_expectation(line))
            sources.append(add_past_run(session, experiment, prompt, Verdict.WORKED))
        return sources


FORTY = (
    [(f"question {n}", ["contains:GOOD", "words<=20"]) for n in range(1, 31)]
    + [(f"open question {n}", ["judge:answers the question"]) for n in range(31, 35)]
    + [(f"hard question {n}", ["contains:GOOD"]) for n in range(35, 39)]
    + [("a question with no expectations", []), ("boom", ["contains:GOOD"])]
)


class Seen:
    """What the checker told, by position: its group each time it was graded."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.groups: dict[int, list[Group]] = {}
        self.failures: list[tuple[int, str]] = []

    def graded(self, position: int, run_id: int, triage: ItemTriage) -> None:
        with self.lock:
            self.groups.setdefault(position, []).append(triage.group)

    def events(self) -> CheckEvents:
        return CheckEvents(
            graded=self.graded, grading_failed=lambda p, m: self.failures.append((p, m))
        )


# -- a check sorts itself --------------------------------------------------------------------


def test_a_forty_item_check_arrives_sorted_into_pass_fail_and_needs_a_look(
    journal: Journal, checker: MigrationChecker, held: HeldJudge
) -> None:
    sources = _experiments(journal, FORTY)
    check_id = checker.create(TARGET, run_ids=sources)
    seen = Seen()

    result = checker.run(check_id, events=seen.events())

    # The replays are done; the four judge grades are still coming, and say so.
    assert result.ran == 40 and not result.cancelled
    assert result.summary.line() == (
        "30 of 40 pass on newmodel:1b (4 fail, 2 need a look); 4 still grading"
    )
    assert checker.grading_runs and len(checker.grading_runs) == 4
    with journal.read() as session:
        live = get_check(session, check_id, grading=checker.grading_runs)
        stored = get_check(session, check_id)  # what another program sees meanwhile
    assert live.summary == result.summary
    assert stored.summary.line() == "30 of 40 pass on newmodel:1b (4 fail, 6 need a look)"
    assert seen.groups[31] == [Group.GRADING]

    held.allow(4)
    assert checker.wait_grades(30)
    assert not checker.grading_runs
    with journal.read() as session:
        view = get_check(session, check_id)
        items = check_items(session, check_id)
    assert view.summary.line() == "34 of 40 pass on newmodel:1b (4 fail, 2 need a look)"
    assert view.summary.ungraded == 0 and view.summary.failed_to_run == 1  # boom: retried
    groups = check_groups(items)
    assert [item.position for item in groups[Group.PASS]] == list(range(1, 35))
    assert [item.position for item in groups[Group.FAIL]] == [35, 36, 37, 38]
    assert [item.position for item in groups[Group.NEEDS_LOOK]] == [39, 40]
    assert groups[Group.FAIL][0].reason == "0 of 1 pass; missing 'GOOD'"
    assert groups[Group.FAIL][0].triage.suggested_verdict is Verdict.FAILED
    assert items[38].reason == "no expectations to grade it by"
    assert items[39].reason == "the replay failed: not graded"
    assert items[0].reason == "2 of 2 pass" and items[33].reason == "1 of 1 pass"
    assert seen.groups[31] == [Group.GRADING, Group.PASS]  # told again when it landed
    assert seen.groups[1] == [Group.PASS] and seen.groups[35] == [Group.FAIL]
    assert 40 not in seen.groups  # a failed replay is not graded
    assert not seen.failures
    record = items[34].as_dict()
    assert record["group"] == "fail" and record["reason"] == "0 of 1 pass; missing 'GOOD'"
    assert record["grades"]["suggested_verdict"] == "failed" and not record["by_verdict"]
    assert len(held.asked) == 4
    with journal.read() as session:  # grading suggests; it never writes a verdict
        assert all(get_run(session, item.new_run_id or 0).verdict is None for item in items[:39])


def test_accepting_all_passes_takes_one_call_and_never_overwrites_a_verdict(
    journal: Journal, checker: MigrationChecker
) -> None:
    sources = _experiments(journal, FORTY[:30] + FORTY[34:])
    check_id = checker.create(TARGET, run_ids=sources)
    checker.run(check_id)
    with journal.write() as session:
        triage(session, check_id, 2, Verdict.PARTLY, "the second GOOD is off")

    with journal.write() as session:
        accepted = accept_passes(session, check_id)

    with journal.read() as session:
        items = check_items(session, check_id)
        view = get_check(session, check_id)
        second = get_run(session, items[1].new_run_id or 0)
        first = get_run(session, items[0].new_run_id or 0)
    assert accepted == [item.new_run_id for item in items[:30] if item.position != 2]
    assert second.verdict is Verdict.PARTLY and second.verdict_note == "the second GOOD is off"
    assert first.verdict is Verdict.WORKED
    assert first.verdict_note == f"accepted in check {check_id}: its grades pass (2 of 2 pass)"
    assert view.summary.line() == (
        "29 of 36 pass on newmodel:1b (5 fail, 2 need a look; 30 by your verdict)"
    )
    with journal.write() as session:
        assert accept_passes(session, check_id) == []  # nothing left to accept


def test_the_persons_verdicts_override_the_grades_in_the_counts(
    journal: Journal, checker: MigrationChecker
) -> None:
    sources = _experiments(
        journal,
        [("easy", ["contains:GOOD"]), ("hard", ["contains:GOOD"]), ("boom", ["contains:GOOD"])],
    )
    check_id = checker.create(TARGET, run_ids=sources)
    checker.run(check_id)
    with journal.read() as session:
        assert get_check(session, check_id).summary.line() == (
            "1 of 3 pass on newmodel:1b (1 fail, 1 needs a look)"
        )
    with journal.write() as session:
        triage(session, check_id, 1, Verdict.FAILED)  # its grades pass; the person says no
        triage(session, check_id, 2, Verdict.WORKED)  # its grades fail; the person says fine
        triage(session, check_id, 3, Verdict.PARTLY)  # it never ran whole; the person saw it
    with journal.read() as session:
        view = get_check(session, check_id)
        items = check_items(session, check_id)
    assert view.summary.line() == (
        "1 of 3 pass on newmodel:1b (2 fail, 0 need a look; 3 by your verdict)"
    )
    assert [(item.group, item.reason) for item in items] == [
        (Group.FAIL, "your verdict: failed"),
        (Group.PASS, "your verdict: worked"),
        (Group.FAIL, "your verdict: partly"),
    ]
    assert items[0].triage.outcome is not None
    assert items[0].triage.outcome.status is OutcomeStatus.PASS  # the grades still say so
    with journal.write() as session:
        triage(session, check_id, 1, None)  # the verdict taken back: the grades speak again
    with journal.read() as session:
        assert check_items(session, check_id)[0].group is Group.PASS


def test_what_is_left_is_what_a_person_still_has_to_judge(
    journal: Journal, checker: MigrationChecker, held: HeldJudge
) -> None:
    sources = _experiments(
        journal,
        [
            ("easy", ["contains:GOOD"]),
            ("hard", ["contains:GOOD"]),
            ("nothing expected", []),
            ("boom", ["contains:GOOD"]),
            ("open", ["judge:answers"]),
            ("hard too", ["contains:GOOD"]),
        ],
    )
    check_id = checker.create(TARGET, run_ids=sources)
    checker.run(check_id)
    with journal.read() as session:
        left = items_left(session, check_id, grading=checker.grading_runs)
    assert [item.position for item in left] == [2, 3, 4, 6]  # not the pass, not the grading
    with journal.write() as session:
        triage(session, check_id, 2, Verdict.FAILED)
        assert [item.position for item in items_left(session, check_id)] == [3, 4, 5, 6]
    held.allow()
    assert checker.wait_grades(30)
    with journal.read() as session:
        assert [item.position for item in items_left(session, check_id)] == [3, 4, 6]


def test_resume_after_cancel_keeps_grades_and_gives_only_the_missing_ones(
    journal: Journal, checker: MigrationChecker, held: HeldJudge
) -> None:
    sources = _experiments(
        journal, [(f"question {n}", ["contains:GOOD", "judge:answers"]) for n in range(1, 7)]
    )
    check_id = checker.create(TARGET, run_ids=sources)
    cancel = CancelToken()
    first_landed = threading.Event()

    def graded(position: int, run_id: int, triage: ItemTriage) -> None:
        if position == 1 and triage.group is Group.PASS:
            first_landed.set()

    def cancel_at_three(position: int, total: int, run: Run) -> None:
        if position == 3:
            cancel.cancel()

    result = checker.run(
        check_id, cancel=cancel, progress=cancel_at_three, events=CheckEvents(graded=graded)
    )
    assert result.cancelled and result.ran == 3
    held.allow()  # the first judgement lands
    assert first_landed.wait(30)
    assert held.wait_asked(2)  # the second judgement is asked, and held
    checker.cancel_grades()  # a cancelled judgement is no judgement: nothing stored
    assert checker.wait_grades(30)
    with journal.read() as session:
        view = get_check(session, check_id)
        items = check_items(session, check_id)
        before = {
            item.position: [g.id for g in grade_history(session, item.new_run_id or 0)]
            for item in items[:3]
        }
    assert view.resumable and view.summary.ungraded == 2 and view.summary.pending == 3
    assert [len(ids) for ids in before.values()] == [2, 1, 1]  # contains for all; one judge
    assert view.summary.line() == (
        "1 of 6 pass on newmodel:1b (0 fail, 2 need a look); 3 not run yet"
    )
    asked_first = len(held.asked)

    held.allow(100)
    result = checker.resume(check_id)
    assert result.ran == 3
    assert checker.wait_grades(30)
    with journal.read() as session:
        view = get_check(session, check_id)
        after = {
            item.position: [g.id for g in grade_history(session, item.new_run_id or 0)]
            for item in check_items(session, check_id)
        }
    assert view.summary.line() == "6 of 6 pass on newmodel:1b (0 fail, 0 need a look)"
    assert after[1] == before[1]  # kept, never asked again
    for position in (2, 3):  # the contains grade kept, the judge's added
        assert after[position][0] == before[position][0] and len(after[position]) == 2
    assert all(len(after[position]) == 2 for position in (4, 5, 6))
    assert len(held.asked) == asked_first + 2 + 3  # items 2 and 3, then the three new ones
    assert not any("question 1" in asked for asked in held.asked[asked_first:])


# -- the rules, one by one -----------------------------------------------------------------

PASSING = RunOutcome(OutcomeStatus.PASS, "1 of 1 pass", Verdict.WORKED, 1.0, 1, 1)
FAILING = RunOutcome(OutcomeStatus.FAIL, "0 of 1 pass; missing 'x'", Verdict.FAILED, 0.0, 1)
WAITING = RunOutcome(
    OutcomeStatus.NEEDS_LOOK, "0 of 1 pass (1 not graded); ...", total=1, ungraded=1
)
UNSURE = RunOutcome(
    OutcomeStatus.NEEDS_LOOK, "0 of 1 pass (1 unsure); unsure: hm", total=1, unsure=1
)


@pytest.mark.parametrize(
    ("status", "verdict", "outcome", "grading", "group", "reason"),
    [
        (None, None, None, False, Group.PENDING, "not replayed yet"),
        (RunStatus.STREAMING, None, None, False, Group.PENDING, "replaying now"),
        (RunStatus.DONE, None, PASSING, False, Group.PASS, "1 of 1 pass"),
        (RunStatus.DONE, None, FAILING, False, Group.FAIL, "0 of 1 pass; missing 'x'"),
        (RunStatus.DONE, None, UNSURE, True, Group.NEEDS_LOOK, UNSURE.reason),
        (
            RunStatus.DONE,
            None,
            WAITING,
            True,
            Group.GRADING,
            "0 of 1 pass (1 not graded); more grades coming",
        ),
        (RunStatus.DONE, None, WAITING, False, Group.NEEDS_LOOK, WAITING.reason),
        (RunStatus.FAILED, None, None, False, Group.NEEDS_LOOK, "the replay failed: not graded"),
        (
            RunStatus.CANCELLED,
            None,
            None,
            False,
            Group.NEEDS_LOOK,
            "the replay was cancelled: not graded",
        ),
        (RunStatus.DONE, Verdict.WORKED, FAILING, False, Group.PASS, "your verdict: worked"),
        (RunStatus.DONE, Verdict.PARTLY, PASSING, False, Group.FAIL, "your verdict: partly"),
        (RunStatus.INTERRUPTED, Verdict.WORKED, None, False, Group.PASS, "your verdict: worked"),
    ],
)
def test_triage_item(
    status: RunStatus | None,
    verdict: Verdict | None,
    outcome: RunOutcome | None,
    grading: bool,
    group: Group,
    reason: str,
) -> None:
    found = triage_item(status, verdict, outcome, grading=grading)
    assert (found.group, found.reason) == (group, reason)
    assert found.by_verdict == (verdict is not None and status is not None and not status.is_live)


def test_outcomes_of_many_runs_agree_with_run_outcome(journal: Journal) -> None:
    with journal.write() as session:
        plain = create_experiment(session, title="plain").id or 0
        weighted = create_experiment(session, title="weighted").id or 0
        bare = create_experiment(session, title="bare").id or 0
        rhine = add_expectation(session, plain, parse_expectation("contains:Rhine"))
        add_expectation(session, plain, parse_expectation("judge:three rivers", weight=2))
        heavy = add_expectation(session, weighted, parse_expectation("contains:Rhine", weight=3))
        add_expectation(session, weighted, parse_expectation("judge:three rivers"))
        set_combine_rule(session, weighted, CombineRule.parse("score>=0.7"))
        runs = [
            add_past_run(session, plain, "p", Verdict.WORKED),
            add_past_run(session, plain, "p", Verdict.WORKED, status=RunStatus.FAILED),
            add_past_run(session, weighted, "p", Verdict.WORKED),
            add_past_run(session, weighted, "p", Verdict.WORKED),
            add_past_run(session, bare, "p", Verdict.WORKED),
        ]
        record_grade(session, runs[0], rhine, GradeResult(GradeStatus.FAIL, "no", 0.0))
        record_grade(session, runs[0], rhine, GradeResult(GradeStatus.PASS, "yes", 1.0))
        record_grade(session, runs[2], heavy, GradeResult(GradeStatus.PASS, "yes", 1.0))
        record_grade(session, runs[3], heavy, GradeResult(GradeStatus.ERROR, "timeout"))
    with journal.read() as session:
        many = outcomes_of(session, runs)
        one = {run_id: run_outcome(session, run_id) for run_id in runs}
    assert many == one
    assert one[runs[1]] == not_graded(RunStatus.FAILED, 2)
    assert one[runs[2]].status is OutcomeStatus.PASS  # 3 of 4 weight: 0.75 >= 0.7 decided


def test_a_check_of_runs_without_expectations_still_counts_verdicts(
    journal: Journal, checker: MigrationChecker
) -> None:
    with journal.write() as session:
        experiment = create_experiment(session, title="x").id or 0
        source = add_past_run(session, experiment, "easy", Verdict.WORKED)
    check_id = checker.create(TARGET, run_ids=[source])
    checker.run(check_id)
    with journal.write() as session:
        new = check_items(session, check_id)[0].new_run_id or 0
        set_verdict(session, new, Verdict.WORKED)  # as the window's Ctrl+1 does
    with journal.read() as session:
        assert get_check(session, check_id).summary.line() == (
            "1 of 1 pass on newmodel:1b (0 fail, 0 need a look; 1 by your verdict)"
        )


def _item(position: int, triage: ItemTriage, verdict: Verdict | None = None) -> Any:
    from journal.core.migration_check import CheckItemView, Outcome

    return CheckItemView(
        position=position,
        source_run_id=position,
        new_run_id=position + 100,
        experiment_id=position,
        experiment_title=f"item {position}",
        prompt="",
        source_model="old:1b",
        baseline=Verdict.WORKED,
        new_status=RunStatus.DONE,
        new_verdict=verdict,
        new_wall_seconds=1.0,
        outcome=Outcome.UNTRIAGED,
        triage=triage,
    )


def test_what_the_window_says_of_what_is_left_and_the_grades_coming() -> None:
    from journal.core.migration_check import grades_coming, grades_missing, left_of

    passing = RunOutcome(OutcomeStatus.PASS, "1 of 1 pass", total=1, passed=1)
    open_two = RunOutcome(OutcomeStatus.NEEDS_LOOK, "not graded yet", total=3, ungraded=2)
    items = [
        _item(1, ItemTriage(Group.PASS, "1 of 1 pass", outcome=passing)),
        _item(2, ItemTriage(Group.FAIL, "your verdict: failed", True, passing), Verdict.FAILED),
        _item(3, ItemTriage(Group.GRADING, "more grades coming", outcome=open_two)),
        _item(4, ItemTriage(Group.NEEDS_LOOK, "not graded yet", outcome=open_two)),
    ]
    assert [item.position for item in left_of(items)] == [4]
    assert grades_coming(items) == 2 and grades_missing(items) == 2
