"""Grading the runs a command makes as they end, and waiting for the results that need Ollama.

Deterministic results are printed the moment a run ends. Results that need Ollama (judge,
similar) are left for `journal grade` unless the command waits for them (`--wait-grades`):
then a `GradingQueue` asks in the background, behind the command's own runs on the host,
and the main thread prints each result as it comes, so nothing is written to the terminal
from two threads at once. Apart from journal.cli_grading (which `show` prints grades with)
so that a read never imports the queue, its events or Ctrl-C handling.
"""

from __future__ import annotations

import queue
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from journal.cli_grading import grade_line, outcome_line
from journal.core.formatting import plural

if TYPE_CHECKING:
    from journal.core.grade_records import Grade
    from journal.core.grading import RunOutcome
    from journal.core.grading_queue import GradingEvents, GradingQueue
    from journal.core.models import Run
    from journal.core.ollama_service import OllamaService
    from journal.core.storage import Journal


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


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


class RunGrader:
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
