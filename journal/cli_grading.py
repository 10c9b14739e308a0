"""What `run`, `replay`, `grade` and `show` say about grades: one line per result, the outcome
and the suggested verdict, JSON records, and the grading of runs as a command makes them.

Deterministic results are printed the moment a run ends. Results that need Ollama (judge,
similar) are left for `journal grade` unless the command waits for them (`--wait-grades`):
then a `GradingQueue` asks in the background, behind the command's own runs on the host,
and the main thread prints each result as it comes, so nothing is written to the terminal
from two threads at once. Light to import: the core is imported inside the functions.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from journal.core.formatting import plural

if TYPE_CHECKING:
    import queue

    from journal.core.grade_records import Grade, SavedExpectation
    from journal.core.grading import GradeResult, RunOutcome
    from journal.core.grading_queue import GradingEvents, GradingQueue
    from journal.core.models import Run, Verdict
    from journal.core.ollama_service import OllamaService
    from journal.core.read_records import RunRecord
    from journal.core.read_sql import Reader
    from journal.core.repeats import RepeatGroup
    from journal.core.storage import Journal


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# -- lines for a person -----------------------------------------------------------------


def result_line(status: str, label: str, reason: str) -> str:
    """`pass    contains:Paris — contains 'Paris'`: one result, one line."""
    return f"{status:<6}  {label} — {' '.join(reason.split())}"


def grade_line(grade: Grade) -> str:
    line = result_line(grade.status.value, grade.label, grade.reason)
    return line + " (graded against an older version)" if grade.stale else line


def try_line(result: GradeResult, label: str) -> str:
    return result_line(result.status.value, label, result.reason)


def verdict_text(person: Verdict | None, outcome: RunOutcome) -> str:
    """`verdict: worked (yours)`, `suggested verdict: partly`, or `no verdict suggested`."""
    from journal.core.grading import shown_verdict

    verdict, suggested = shown_verdict(person, outcome)
    if verdict is None:
        return "no verdict suggested"
    if suggested:
        return f"suggested verdict: {verdict.value}"
    return f"verdict: {verdict.value} (yours)"


def outcome_line(outcome: RunOutcome, person: Verdict | None) -> str:
    """`fail · 1 of 2 pass; missing 'Paris' · suggested verdict: partly`."""
    status = "needs a look" if outcome.status.value == "needs-look" else outcome.status.value
    return f"{status} · {outcome.reason} · {verdict_text(person, outcome)}"


def expectation_line(saved: SavedExpectation) -> str:
    """`2. contains:Paris (name capital, weight 2, on thinking)`."""
    expectation = saved.expectation
    extras = []
    if expectation.name:
        extras.append(f"name {expectation.name}")
    if expectation.weight != 1:
        extras.append(f"weight {expectation.weight:g}")
    if expectation.target.value != "answer":
        extras.append(f"on {expectation.target.value}")
    more = f" ({', '.join(extras)})" if extras else ""
    return f"{saved.position}. {saved.text}{more}"


def rule_text(threshold: float | None) -> str:
    if threshold is None:
        return "all must pass"
    return f"a weighted score of {threshold:g} or more passes"


# -- records for --json -----------------------------------------------------------------


def expectation_record(saved: SavedExpectation) -> dict[str, Any]:
    expectation = saved.expectation
    return {
        "id": saved.id,
        "uuid": saved.uuid,
        "position": saved.position,
        "line": saved.text,
        "kind": expectation.kind.value,
        "value": expectation.value,
        "arg": expectation.arg,
        "negated": expectation.negated,
        "name": expectation.name,
        "weight": expectation.weight,
        "target": expectation.target.value,
        "created_at": saved.created_at.isoformat(),
        "updated_at": saved.updated_at.isoformat(),
    }


def grade_record(grade: Grade) -> dict[str, Any]:
    return {
        "id": grade.id,
        "uuid": grade.uuid,
        "run_id": grade.run_id,
        "expectation_id": grade.expectation_id,
        "expectation_uuid": grade.expectation_uuid,
        "expectation": grade.expectation_text,
        "name": grade.name,
        "weight": grade.weight,
        "target": grade.target.value,
        "status": grade.status.value,
        "score": grade.score,
        "reason": grade.reason,
        "grader": grade.grader,
        "created_at": grade.created_at.isoformat(),
        "stale": grade.stale,
    }


def outcome_record(outcome: RunOutcome, person: Verdict | None) -> dict[str, Any]:
    from journal.core.grading import shown_verdict

    verdict, suggested = shown_verdict(person, outcome)
    return {
        "status": outcome.status.value,
        "reason": outcome.reason,
        "summary": outcome.summary,
        "suggested_verdict": (
            outcome.suggested_verdict.value if outcome.suggested_verdict else None
        ),
        "verdict_shown": verdict.value if verdict else None,
        "verdict_is_suggestion": suggested,
        "score": outcome.score,
        "total": outcome.total,
        "passed": outcome.passed,
        "failed": outcome.failed,
        "unsure": outcome.unsure,
        "errors": outcome.errors,
        "ungraded": outcome.ungraded,
    }


def repeat_record(group: RepeatGroup) -> dict[str, Any]:
    stability = group.stability
    return {
        "model": group.model,
        "run_ids": group.run_ids,
        "runs": stability.runs,
        "passed": stability.passed,
        "failed": stability.failed,
        "needs_look": stability.needs_look,
        "distinct_answers": stability.distinct_answers,
        "worked_only_sometimes": stability.sometimes,
        "line": stability.line,
    }


def run_grading_record(journal: Journal, run: Run, *, history: bool = False) -> dict[str, Any]:
    """The `grades` and `outcome` (and with `history`, `grade_history`) of a run record."""
    from journal.core.grades import current_grades, grade_history, run_outcome

    assert run.id is not None
    with journal.read() as session:
        record: dict[str, Any] = {
            "grades": [grade_record(grade) for grade in current_grades(session, run.id)],
            "outcome": outcome_record(run_outcome(session, run.id), run.verdict),
        }
        if history:
            record["grade_history"] = [
                grade_record(grade) for grade in grade_history(session, run.id)
            ]
    return record


# -- grading the runs a command makes ---------------------------------------------------


def add_grading_arguments(parser: argparse.ArgumentParser, *, wait: bool = True) -> None:
    """--judge and --embed-model (and --wait-grades) for commands that grade runs."""
    parser.add_argument(
        "--judge",
        metavar="MODEL",
        help="the judge model for judge: expectations (default: `journal config get models.judge`)",
    )
    parser.add_argument(
        "--embed-model",
        metavar="MODEL",
        help="the embedding model for similar: expectations (default: `journal config get "
        "models.embedding`)",
    )
    if wait:
        parser.add_argument(
            "--wait-grades",
            action="store_true",
            help="wait for judge and similar results and print them (Ctrl-C stops waiting; "
            "else `journal grade RUN` grades them later)",
        )


def _them(count: int) -> str:
    return "it" if count == 1 else "them"


@dataclass(frozen=True)
class GradingEvent:
    kind: str  # "graded", "finished", "failed", or "stopped" (Ctrl-C)
    run_id: int = 0
    grade: Grade | None = None
    outcome: RunOutcome | None = None
    message: str = ""


class GradingInbox:
    """A grading queue's events, handed to the command's main thread in order: the queue's
    worker puts them here and the command takes them, so only one thread ever writes to
    the terminal. `stop` (from a signal handler: SimpleQueue.put is reentrant) ends a wait."""

    def __init__(self) -> None:
        # Imported here, as signals and threads are in wait_for_results: `journal show`
        # prints grades through this module and waits for none.
        import queue

        self._events: queue.SimpleQueue[GradingEvent] = queue.SimpleQueue()

    def events(self) -> GradingEvents:
        from journal.core.grading_queue import GradingEvents

        put = self._events.put
        return GradingEvents(
            graded=lambda grade: put(GradingEvent("graded", grade.run_id, grade=grade)),
            finished=lambda run_id, outcome: put(GradingEvent("finished", run_id, outcome=outcome)),
            failed=lambda run_id, message: put(GradingEvent("failed", run_id, message=message)),
        )

    def stop(self) -> None:
        self._events.put(GradingEvent("stopped"))

    def next(self) -> GradingEvent:
        """The next event, waiting for it."""
        return self._events.get()

    def arrived(self) -> Iterator[GradingEvent]:
        """The events that came in so far, without waiting."""
        import queue

        while True:
            try:
                yield self._events.get_nowait()
            except queue.Empty:
                return


@dataclass
class _Waiting:
    """A run whose judge/similar results are being asked for."""

    later: int  # results that need Ollama
    arrived: int = 0


class RunGrading:
    """Grades each run a command makes as it ends and says how it went on stderr.

    Deterministic results are graded and printed at once. Judge and similar results are
    left for `journal grade`, or, with `wait`, asked for in the background and printed
    by `wait_for_results` (and between runs, as they come)."""

    def __init__(
        self,
        journal: Journal,
        service: Callable[[], OllamaService],
        *,
        judge_model: str | None = None,
        embedding_model: str | None = None,
        wait: bool = False,
    ) -> None:
        self.journal = journal
        self._service = service
        self.judge_model = judge_model
        self.embedding_model = embedding_model
        self.wait = wait
        self._queue: GradingQueue | None = None
        self._inbox = GradingInbox()
        self._printed: set[int] = set()  # grade ids already said
        self._waiting: dict[int, _Waiting] = {}
        self._left: dict[int, int] = {}  # run id -> judge/similar results not graded

    def _grading_queue(self) -> GradingQueue:
        if self._queue is None:
            from journal.core.grading_queue import GradingQueue

            self._queue = GradingQueue(
                self.journal,
                self._service(),
                judge_model=self.judge_model,
                embedding_model=self.embedding_model,
                events=self._inbox.events(),
            )
        return self._queue

    def finished(self, run: Run) -> None:
        """A run just ended: grade it (deterministic results now) and say so."""
        from journal.core.domain import RunStatus
        from journal.core.grades import expectations_of_run, get_combine_rule
        from journal.core.grading import combine
        from journal.core.grading_queue import grade_now

        assert run.id is not None
        with self.journal.read() as session:
            expectations = expectations_of_run(session, run)
            rule = get_combine_rule(session, run.experiment_id)
        if not expectations:
            return
        if run.status is not RunStatus.DONE:
            _say(f"run {run.id} {run.status.value}: not graded (it needs a look)")
            return
        later = sum(1 for saved in expectations if saved.expectation.kind.needs_ollama)
        if self.wait and later:
            grades = self._grading_queue().grade_finished(run.id)
            self._waiting[run.id] = _Waiting(later)
        else:
            grades = grade_now(self.journal, run.id)
            if later:
                self._left[run.id] = later
        _say(f"grades of run {run.id}:")
        for grade in grades:
            self._printed.add(grade.id)
            _say("  " + grade_line(grade))
        # As of these results: the queue may already be asking about the others.
        results = {grade.expectation_uuid: grade.result for grade in grades}
        outcome = combine(
            rule, [(saved.expectation.weight, results.get(saved.uuid)) for saved in expectations]
        )
        _say(f"  run {run.id}: {outcome_line(outcome, run.verdict)}")
        if later and self.wait:
            _say(f"  {plural(later, 'judge/similar result')} to follow")
        elif later:
            _say(
                f"  {plural(later, 'judge/similar result')} not graded yet: "
                f"`journal grade {run.id}` grades {_them(later)} (or add --wait-grades)"
            )
        self._print_arrived()

    def _say_outcome(self, run_id: int) -> None:
        from journal.core.grades import run_outcome
        from journal.core.queries import get_run

        with self.journal.read() as session:
            person = get_run(session, run_id).verdict
            outcome = run_outcome(session, run_id)
        _say(f"run {run_id}: {outcome_line(outcome, person)}")

    def _print_arrived(self) -> None:
        """Print the results that came in so far, without waiting."""
        for event in self._inbox.arrived():
            self._print(event)

    def _print(self, event: GradingEvent) -> None:
        waiting = self._waiting.get(event.run_id)
        if event.kind == "graded" and event.grade is not None:
            if event.grade.id in self._printed:
                return
            self._printed.add(event.grade.id)
            if waiting is not None:
                waiting.arrived += 1
            _say(f"run {event.run_id}: " + grade_line(event.grade))
        elif event.kind == "finished" and event.outcome is not None:
            if waiting is None:
                return
            del self._waiting[event.run_id]
            if waiting.arrived < waiting.later:
                self._left[event.run_id] = waiting.later - waiting.arrived
            self._say_outcome(event.run_id)
        elif event.kind == "failed":
            if waiting is not None:
                del self._waiting[event.run_id]
                self._left[event.run_id] = waiting.later - waiting.arrived
            _say(f"run {event.run_id}: grading failed: {event.message}")

    def wait_for_results(self) -> int | None:
        """With `wait`: print the judge and similar results as they come until all are in.
        Ctrl-C stops waiting (what is not in is said to be missing): returns the exit
        code then, else None."""
        from journal.cli_stream import StopOnSignals
        from journal.core.cancel import CancelToken

        self._print_arrived()
        if not self._waiting:
            return None
        stop_token = CancelToken()
        stop_token.add_callback(self._inbox.stop)
        stopped = False
        with StopOnSignals(stop_token) as stop:
            missing = sum(waiting.later - waiting.arrived for waiting in self._waiting.values())
            _say(f"waiting for {plural(missing, 'judge/similar result')} (Ctrl-C stops waiting)")
            while self._waiting:
                event = self._inbox.next()
                if event.kind == "stopped":
                    stopped = True
                    break
                self._print(event)
        if not stopped:
            return None
        self.give_up()
        return stop.exit_code

    def finish(self, cancelled: bool) -> int | None:
        """After the runs: a stop stops the grading too, else wait for the results as
        `wait_for_results` does; its exit code when Ctrl-C stopped the waiting."""
        if cancelled:
            self.give_up()
            return None
        return self.wait_for_results()

    def give_up(self) -> None:
        """Stop grading in the background (the runs were stopped, or Ctrl-C while waiting)
        and say which results are missing."""
        if not self._waiting:
            return
        self.close()  # cancels what is in flight; nothing half-done is stored
        self._print_arrived()
        for run_id, waiting in self._waiting.items():
            self._left[run_id] = waiting.later - waiting.arrived
        self._waiting.clear()
        _say("stopped waiting for grades.")
        self._say_left()

    def _say_left(self) -> None:
        """One line per run whose judge/similar results are missing, if waiting stopped."""
        for run_id, count in self._left.items():
            if count and self.wait:
                _say(
                    f"run {run_id}: {plural(count, 'judge/similar result')} missing: "
                    f"`journal grade {run_id}` grades {_them(count)}"
                )

    def close(self) -> None:
        if self._queue is not None:
            self._queue.close()


def grading_from_args(journal: Journal, args: argparse.Namespace) -> RunGrading:
    from journal.cli_support import service

    return RunGrading(
        journal,
        lambda: service(args),
        judge_model=getattr(args, "judge", None),
        embedding_model=getattr(args, "embed_model", None),
        wait=getattr(args, "wait_grades", False),
    )


# -- journal show -----------------------------------------------------------------------


@dataclass
class RunGrades:
    grades: list[Grade]
    outcome: RunOutcome
    history: list[Grade]


@dataclass
class ExperimentGrades:
    """What `journal show` says about an experiment's grading."""

    expectations: list[SavedExpectation]
    threshold: float | None
    rule: str
    runs: dict[int, RunGrades]
    repeats: list[RepeatGroup]

    @property
    def works_only_sometimes(self) -> bool:
        return any(group.stability.sometimes for group in self.repeats)

    def text_lines(self) -> list[str]:
        """The experiment's part: its expectations and its repeats."""
        lines = []
        if self.expectations:
            lines.append(f"expectations ({rule_text(self.threshold)}):")
            lines += [f"  {expectation_line(saved)}" for saved in self.expectations]
        for group in self.repeats:
            ids = ", ".join(str(run_id) for run_id in group.run_ids[:8])
            if len(group.run_ids) > 8:
                ids += f", … {len(group.run_ids) - 8} more"
            lines.append(f"repeats on {group.model} (runs {ids}): {group.stability.line}")
        return lines

    def run_lines(self, run: Run | RunRecord) -> list[str]:
        """A run's part: its outcome, then one line per current grade."""
        assert run.id is not None
        graded = self.runs[run.id]
        if not self.expectations and not graded.grades:
            return []
        lines = [f"grades: {outcome_line(graded.outcome, run.verdict)}"]
        lines += [f"  {grade_line(grade)}" for grade in graded.grades]
        return lines

    def record(self) -> dict[str, Any]:
        return {
            "expectations": [expectation_record(saved) for saved in self.expectations],
            "rule": self.rule,
            "repeats": [repeat_record(group) for group in self.repeats],
            "works_only_sometimes": self.works_only_sometimes,
        }

    def run_record(self, run: Run | RunRecord, *, history: bool) -> dict[str, Any]:
        assert run.id is not None
        graded = self.runs[run.id]
        record: dict[str, Any] = {
            "grades": [grade_record(grade) for grade in graded.grades],
            "outcome": outcome_record(graded.outcome, run.verdict),
        }
        if history:
            record["grade_history"] = [grade_record(grade) for grade in graded.history]
        return record


def experiment_grades(
    reader: Reader, experiment_id: int, runs: list[RunRecord], *, history: bool = False
) -> ExperimentGrades:
    """The experiment's grading as `journal show` says it, read over `reader` (no ORM);
    `runs` as stored (a run its dead writer left live is graded as live)."""
    from journal.core.read_records import read_grading

    found = read_grading(reader, experiment_id, runs)
    return ExperimentGrades(
        expectations=found.expectations,
        threshold=found.rule.threshold,
        rule=found.rule.text,
        runs={
            run_id: RunGrades(graded.grades, graded.outcome, graded.history if history else [])
            for run_id, graded in found.runs.items()
        },
        repeats=found.repeats,
    )
