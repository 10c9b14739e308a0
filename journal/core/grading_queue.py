"""Grading runs when they finish and on request, without ever blocking the caller.

`grade_now` grades a run's deterministic expectations at once (microseconds each), so a
command can print them the moment the run ends. Everything that needs Ollama goes to a
`GradingQueue`: one worker thread per queue, runs graded one after another, each judge or
embedding request waiting for its turn behind the person's runs on the host
(`host_gate`). The window and the command line drive the same queue; its events, like the
runner's `RunEvents`, are plain callbacks run on the worker thread (the window relays them
to its own thread).

Re-grading is always explicit (`regrade`, `regrade_matching`) and adds grades: the history
stays. A run that did not finish is never graded.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, select

from journal.core.cancel import CancelToken, StreamCancelled
from journal.core.domain import ExperimentFilter, RunStatus
from journal.core.errors import JournalError
from journal.core.expectations import Expectation, Kind
from journal.core.grades import (
    Grade,
    RunExpectation,
    conversation_of,
    expectations_of_run,
    record_grade,
    record_grades,
    run_outcome,
    runs_to_grade,
)
from journal.core.grading import GradeResult, GradeStatus, RunOutcome, grade_deterministic
from journal.core.host_gate import gate_for
from journal.core.judging import JudgedRun, judge, similar
from journal.core.models import GradeRow, Run
from journal.core.ollama_service import OllamaService
from journal.core.queries import get_run
from journal.core.storage import Journal

__all__ = ["GradingEvents", "GradingQueue", "grade_now", "grade_one", "grading_model"]

log = logging.getLogger(__name__)


@dataclass
class GradingEvents:
    """Optional callbacks, run on the queue's worker thread."""

    graded: Callable[[Grade], None] | None = None
    """One grade was stored."""
    finished: Callable[[int, RunOutcome], None] | None = None
    """A run's queued grading is over (done or cancelled): its outcome as it now stands."""
    failed: Callable[[int, str], None] | None = None
    """Grading a run could not be stored or read (the journal's message); others go on."""


@dataclass(frozen=True)
class _ToGrade:
    """A run, the expectations to grade it by, and the conversation it ends (root first,
    the run last), which an expectation naming a turn reads."""

    run: Run
    expectations: list[RunExpectation]
    conversation: list[Run]


def _with_conversation(session: Session, run: Run, expectations: list[RunExpectation]) -> _ToGrade:
    """Read the conversation only when an expectation names a turn."""
    turns = any(saved.expectation.target.turn is not None for saved in expectations)
    conversation = conversation_of(session, run) if turns else [run]
    return _ToGrade(run, expectations, conversation)


def _read(journal: Journal, run_id: int) -> _ToGrade:
    """The run, and its expectations: its experiment's, then its input row's."""
    with journal.read() as session:
        run = get_run(session, run_id)
        return _with_conversation(session, run, expectations_of_run(session, run))


def _ungraded(journal: Journal, run_id: int, run: Run | None = None) -> _ToGrade:
    """The run (read, unless given as it just ended), and those of its expectations that
    have no grade yet."""
    with journal.read() as session:
        run = run if run is not None else get_run(session, run_id)
        graded = set(
            session.exec(
                select(GradeRow.expectation_uuid).where(GradeRow.run_id == run_id).distinct()
            )
        )
        expectations = expectations_of_run(session, run)
        missing = [saved for saved in expectations if saved.uuid not in graded]
        return _with_conversation(session, run, missing)


def _deterministic(journal: Journal, job: _ToGrade) -> list[Grade]:
    run = job.run
    results = [
        (saved, grade_deterministic(saved.expectation, run, job.conversation))
        for saved in job.expectations
        if not saved.expectation.kind.needs_ollama
    ]
    if not results:
        return []
    assert run.id is not None
    with journal.write() as session:
        return record_grades(session, run.id, results)


def grade_now(journal: Journal, run_id: int) -> list[Grade]:
    """Grade the run's deterministic expectations now and store the grades (in
    expectation order). A run that did not finish gets none: it needs a look."""
    job = _read(journal, run_id)
    if job.run.status is not RunStatus.DONE:
        return []
    return _deterministic(journal, job)


def grading_model(kind: Kind, override: str | None = None) -> str:
    """The model `kind` is graded with: `override` (--judge, --embed-model), else the
    settings (`models.judge`, `models.embedding`), read now; "" when none is set.
    Raises SettingsFileError when the settings file cannot be read."""
    if override is not None:
        return override.strip()
    from journal.core.settings import SettingsFile

    settings = SettingsFile().load()
    return settings.judge_model if kind is Kind.JUDGE else settings.embedding_model


def grade_one(
    expectation: Expectation,
    run: JudgedRun,
    service: OllamaService | None = None,
    *,
    judge_model: str | None = None,
    embedding_model: str | None = None,
    judge_options: dict[str, Any] | None = None,
    cancel: CancelToken | None = None,
    conversation: Sequence[JudgedRun] | None = None,
) -> GradeResult:
    """Grade one expectation on one run and store nothing: "Try on the selected run" in
    the window, `journal expect ... test`. `conversation`: the runs `run` ends, root first
    (`grades.conversation_of`), for a target that names a turn. Deterministic kinds answer
    at once; `judge` and `similar` wait for their turn behind the person's runs on the
    service's host, then ask it (blocking: call from a worker thread). Raises
    StreamCancelled when `cancel` fires."""
    kind = expectation.kind
    if not kind.needs_ollama:
        return grade_deterministic(expectation, run, conversation)
    if service is None:
        raise ValueError(f"{kind} needs an Ollama service")
    try:
        model = grading_model(kind, judge_model if kind is Kind.JUDGE else embedding_model)
    except JournalError as exc:  # a settings file that cannot be read
        return GradeResult(GradeStatus.ERROR, exc.message)
    with gate_for(service.host).background_turn(cancel):
        if kind is Kind.JUDGE:
            return judge(
                service,
                model,
                expectation,
                run,
                cancel=cancel,
                options=judge_options,
                conversation=conversation,
            )
        return similar(service, model, expectation, run, cancel=cancel, conversation=conversation)


@dataclass(frozen=True)
class _Job:
    run_id: int
    everything: bool  # deterministic kinds too (a re-grade), or only Ollama's
    missing_only: bool = False  # only expectations without a grade yet


class GradingQueue:
    """Grades runs in the background on one worker thread; cancellable, never blocking.

    `judge_model` and `embedding_model` override the settings (`models.judge`,
    `models.embedding`), which are read when a grade needs them, so a change in Settings
    applies to the next one. A missing model is an `error` grade naming the setting.
    """

    def __init__(
        self,
        journal: Journal,
        service: OllamaService,
        *,
        judge_model: str | None = None,
        embedding_model: str | None = None,
        judge_options: dict[str, Any] | None = None,
        events: GradingEvents | None = None,
    ) -> None:
        self.journal = journal
        self.service = service
        self.judge_model = judge_model
        self.embedding_model = embedding_model
        self.judge_options = dict(judge_options or {})
        self.events = events or GradingEvents()
        self._changed = threading.Condition()
        self._jobs: deque[_Job] = deque()
        self._busy = False
        self._closed = False
        self._token = CancelToken()
        self._worker: threading.Thread | None = None

    # -- what callers ask -------------------------------------------------------------

    def grade_finished(self, run_id: int) -> list[Grade]:
        """A run just ended: grade its deterministic expectations now (returned, in order)
        and queue the ones that need Ollama."""
        job = _read(self.journal, run_id)
        if job.run.status is not RunStatus.DONE:
            return []
        grades = _deterministic(self.journal, job)
        for grade in grades:
            self._emit(self.events.graded, grade)
        if any(saved.expectation.kind.needs_ollama for saved in job.expectations):
            self._enqueue([_Job(run_id, everything=False)])
        return grades

    def grade_missing(self, run_id: int, run: Run | None = None) -> tuple[list[Grade], bool]:
        """Grade only what the run has no grade for yet: its deterministic expectations now
        (returned, in order), the ones that need Ollama queued; and whether anything was
        queued. A grade already given is kept and never asked again (what resuming a
        cancelled check needs); for a run just finished it is `grade_finished`. `run`: the
        run as it ended, when the caller has it (a batch item), saving a read."""
        job = _ungraded(self.journal, run_id, run)
        if job.run.status is not RunStatus.DONE:
            return [], False
        grades = _deterministic(self.journal, job)
        for grade in grades:
            self._emit(self.events.graded, grade)
        queued = any(saved.expectation.kind.needs_ollama for saved in job.expectations)
        if queued:
            self._enqueue([_Job(run_id, everything=False, missing_only=True)])
        return grades, queued

    def regrade(self, run_ids: Iterable[int]) -> int:
        """Queue a full re-grade of each run (history is kept); returns how many."""
        jobs = [_Job(run_id, everything=True) for run_id in run_ids]
        self._enqueue(jobs)
        return len(jobs)

    def regrade_matching(
        self,
        *,
        run_id: int | None = None,
        experiment_id: int | None = None,
        filters: ExperimentFilter | None = None,
    ) -> list[int]:
        """Queue a re-grade of one run, an experiment's runs, or the runs a filter selects
        (see `grades.runs_to_grade`); returns the run ids queued."""
        with self.journal.read() as session:
            run_ids = runs_to_grade(
                session, run_id=run_id, experiment_id=experiment_id, filters=filters
            )
        self.regrade(run_ids)
        return run_ids

    @property
    def pending(self) -> int:
        """Runs queued or being graded."""
        with self._changed:
            return len(self._jobs) + (1 if self._busy else 0)

    def cancel(self) -> None:
        """Drop everything queued and stop what is in flight; nothing half-done is stored
        (a cancelled judgement is no judgement)."""
        with self._changed:
            self._jobs.clear()
            token, self._token = self._token, CancelToken()
            self._changed.notify_all()
        token.cancel("grading cancelled")

    def wait(self, timeout: float | None = None) -> bool:
        """Block until nothing is queued or in flight (`--wait-grades`); False on timeout."""
        with self._changed:
            return self._changed.wait_for(lambda: not self._jobs and not self._busy, timeout)

    def close(self, timeout: float | None = 30) -> bool:
        """Cancel everything and stop the worker, waiting up to `timeout` seconds for it
        (a window closing waits briefly: a cancelled judgement ends within milliseconds).
        False when the worker was still busy when the time ran out."""
        with self._changed:
            self._closed = True
        self.cancel()
        if self._worker is not None:
            self._worker.join(timeout=timeout)
            return not self._worker.is_alive()
        return True

    def __enter__(self) -> GradingQueue:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # -- the worker ---------------------------------------------------------------------

    def _enqueue(self, jobs: list[_Job]) -> None:
        with self._changed:
            if self._closed:
                raise RuntimeError("the grading queue is closed")
            self._jobs.extend(jobs)
            if self._worker is None:
                self._worker = threading.Thread(
                    target=self._work, name="grading-queue", daemon=True
                )
                self._worker.start()
            self._changed.notify_all()

    def _work(self) -> None:
        while True:
            with self._changed:
                self._changed.wait_for(lambda: self._jobs or self._closed)
                if self._closed and not self._jobs:
                    return
                job = self._jobs.popleft()
                token = self._token
                self._busy = True
            try:
                self._grade(job, token)
            except JournalError as exc:
                self._emit(self.events.failed, job.run_id, exc.message)
            except Exception as exc:  # a bug: say it, keep the queue alive for the others
                log.exception("grading run %s failed", job.run_id)
                self._emit(self.events.failed, job.run_id, f"{type(exc).__name__}: {exc}")
            finally:
                with self._changed:
                    self._busy = False
                    self._changed.notify_all()

    def _grade(self, job: _Job, token: CancelToken) -> None:
        if token.cancelled:
            return
        if job.missing_only:
            found = _ungraded(self.journal, job.run_id)
        else:
            found = _read(self.journal, job.run_id)
        if found.run.status is RunStatus.DONE:
            if job.everything:
                for grade in _deterministic(self.journal, found):
                    self._emit(self.events.graded, grade)
            for saved in found.expectations:
                if not saved.expectation.kind.needs_ollama:
                    continue
                try:
                    result = self._ask_ollama(saved, found, token)
                except StreamCancelled:
                    break
                with self.journal.write() as session:
                    grade = record_grade(session, job.run_id, saved, result)
                self._emit(self.events.graded, grade)
        with self.journal.read() as session:
            outcome = run_outcome(session, job.run_id)
        self._emit(self.events.finished, job.run_id, outcome)

    def _ask_ollama(
        self, saved: RunExpectation, found: _ToGrade, token: CancelToken
    ) -> GradeResult:
        return grade_one(
            saved.expectation,
            found.run,
            self.service,
            judge_model=self.judge_model,
            embedding_model=self.embedding_model,
            judge_options=self.judge_options,
            cancel=token,
            conversation=found.conversation,
        )

    def _emit(self, callback: Callable[..., None] | None, *args: Any) -> None:
        if callback is None:
            return
        try:
            callback(*args)
        except Exception:  # a listener's failure must not stop the grading
            log.exception("a grading event listener failed")
