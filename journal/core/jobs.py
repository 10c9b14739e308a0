"""What migration checks and batches share: a saved job of items, run to the end once.

A job (a `migration_check` or a `batch` row) is saved before anything runs and claimed by
the program that runs it (`owner`, `heartbeat_at`): a job whose program died reads
`interrupted` and can be resumed; a live one cannot be run twice. Each item links the run
that answers it in the transaction that records that run (`link_item`), so a job killed
mid-way keeps every finished item, and a pass runs only items without a `done` run:
exactly once counts finished runs. Items are spread over hosts by `dispatch`, and every
finished run is graded (`JobGrading`): deterministic expectations at once, judge and
similarity in the background.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, Self, TypeVar

from sqlalchemy import text
from sqlmodel import Session

from journal.core.cancel import CancelToken
from journal.core.check_triage import ItemTriage, outcomes_of, triage_item
from journal.core.dispatch import Dispatcher, DispatchResult, HostLimit, Station
from journal.core.errors import JournalError, ModelNotFoundError
from journal.core.grading import RunOutcome
from journal.core.grading_queue import GradingEvents, GradingQueue
from journal.core.models import Batch, CheckStatus, MigrationCheck, Run, RunStatus, to_iso, utcnow
from journal.core.ollama_service import OllamaService
from journal.core.ownership import current_owner, owner_is_gone
from journal.core.queries import get_run
from journal.core.runner import RunEvents, RunRecorder, RunSpec, identify_streaming
from journal.core.storage import Journal

__all__ = [
    "JobBusyError",
    "JobGrading",
    "JobRunner",
    "can_resume",
    "claim",
    "effective_status",
    "finish",
    "run_item",
    "settle",
]

Job = TypeVar("Job", MigrationCheck, Batch)


class JobBusyError(JournalError):
    """The job is being run by a live program; two runners would run items twice."""


def effective_status(job: MigrationCheck | Batch) -> CheckStatus:
    """The status people see: `running` with a dead owner reads `interrupted`."""
    if job.status is CheckStatus.RUNNING and owner_is_gone(job.owner, job.heartbeat_at, utcnow()):
        return CheckStatus.INTERRUPTED
    return job.status


class LeftToDo(Protocol):
    """What a check's or a batch's summary counts of the work still to do."""

    @property
    def pending(self) -> int: ...
    @property
    def failed_to_run(self) -> int: ...
    @property
    def ungraded(self) -> int: ...


def can_resume(status: CheckStatus, summary: LeftToDo) -> bool:
    """Not running, with items to run (again) or grades to give."""
    return status is not CheckStatus.RUNNING and (
        summary.pending + summary.failed_to_run + summary.ungraded > 0
    )


def claim(job: MigrationCheck | Batch, label: str) -> None:
    """Make this program the job's runner (in the caller's write transaction); refused
    while another live program, or this one, runs it."""
    if effective_status(job) is CheckStatus.RUNNING:
        where = "this program" if job.owner == current_owner() else job.owner
        raise JobBusyError(
            f"{label} is still running (in {where}); wait for it to finish or cancel it first."
        )
    now = utcnow()
    job.status = CheckStatus.RUNNING
    job.owner = current_owner()
    job.heartbeat_at = now
    job.updated_at = now
    job.finished_at = None


def require_claimed(job: MigrationCheck | Batch, label: str, resume_hint: str) -> None:
    if job.status is not CheckStatus.RUNNING or job.owner != current_owner():
        raise JobBusyError(f"{label} is not claimed by this program; {resume_hint}")


def finish(journal: Journal, model: type[Job], job_id: int, status: CheckStatus) -> None:
    """Record how the pass ended and release the job."""
    with journal.write() as session:
        job = session.get(model, job_id)
        if job is None:
            return  # deleted meanwhile (its experiment went)
        now = utcnow()
        job.status = status
        job.owner = ""
        job.heartbeat_at = None
        job.updated_at = now
        job.finished_at = now
        session.add(job)


def link_item(
    session: Session, *, item_table: str, run_column: str, job_table: str, item_id: int, run: Run
) -> None:
    """Point the item at its run, and beat the job's heartbeat, in the run's transaction."""
    now = to_iso(utcnow())
    session.execute(
        text(f"UPDATE {item_table} SET {run_column} = :run WHERE id = :item"),
        {"run": run.id, "item": item_id},
    )
    job_column = "check_id" if job_table == "migration_check" else "batch_id"
    session.execute(
        text(
            f"UPDATE {job_table} SET heartbeat_at = :now, updated_at = :now "
            f"WHERE id = (SELECT {job_column} FROM {item_table} WHERE id = :item)"
        ),
        {"now": now, "item": item_id},
    )


def run_item(
    journal: Journal,
    station: Station,
    spec: RunSpec,
    record: Callable[[Session], Run],
    link: Callable[[Session, Run], None],
    *,
    cancel: CancelToken,
    events: RunEvents,
    grading: JobGrading | None = None,
) -> Run:
    """Record the item's run (`record`), link it (`link`) and mark it sent, with the model's
    identity the survey found on this host, in one transaction; then stream it (no request
    beyond the chat). With `grading`, the run counts as still grading from the moment it
    is recorded until the caller grades it (a window reading the job in between must not
    take a finished run whose grades are a moment away for one that needs a look). A model
    the survey did not see here raises ModelNotFoundError before anything is written (the
    dispatcher sends the item elsewhere)."""
    info = station.model(spec.model)
    if info is None:
        raise ModelNotFoundError(spec.model, station.address)
    identity = station.recorder.identity(info, station.version)
    with journal.write() as session:
        run = record(session)
        link(session, run)
        assert run.id is not None
        identify_streaming(session, run.id, identity)
    run_id = run.id
    if grading is not None:  # "grading", not "needs a look", until its grades are in
        grading.expect(run_id)
    try:
        run = station.recorder.execute(
            spec,
            cancel=cancel,
            events=events,
            run=run,
            identified=True,
            abandon=cancel,  # cancelling the job also stops waiting for a journal that refuses
        )
    except BaseException:
        if grading is not None:
            grading.forget(run_id)
        raise
    if grading is not None and run.status is not RunStatus.DONE:
        grading.forget(run_id)  # not graded: it needs a look now
    return run


# -- grading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Waiting:
    position: int
    graded: Callable[[int, int, ItemTriage], None] | None
    failed: Callable[[int, str], None] | None


class JobGrading:
    """Grades a job's finished runs and tells who listens where each item stands.

    Deterministic expectations are graded at once, in the item's thread; judge and
    similarity grades on a grading queue of their own, in the background (they go on
    after a pass returns: `grading_runs`, `wait`, `cancel`)."""

    def __init__(
        self,
        journal: Journal,
        service: OllamaService,
        *,
        judge_model: str | None = None,
        embedding_model: str | None = None,
        judge_options: dict[str, Any] | None = None,
    ) -> None:
        self.journal = journal
        self._lock = threading.RLock()  # a signal handler may cancel meanwhile
        self._waiting: dict[int, _Waiting] = {}
        self._expected: set[int] = set()  # running now: graded when they end
        self.queue = GradingQueue(
            journal,
            service,
            judge_model=judge_model,
            embedding_model=embedding_model,
            judge_options=judge_options,
            events=GradingEvents(finished=self._landed, failed=self._failed),
        )

    @property
    def grading_runs(self) -> frozenset[int]:
        """The runs whose grades have not all landed: queued ones, and runs being answered
        that will be graded as they end (`expect`)."""
        with self._lock:
            return frozenset(self._waiting) | frozenset(self._expected)

    def expect(self, run_id: int) -> None:
        """The run is being answered and will be graded when it ends."""
        with self._lock:
            self._expected.add(run_id)

    def forget(self, run_id: int) -> None:
        """The run ended without an answer to grade."""
        with self._lock:
            self._expected.discard(run_id)

    def wait(self, timeout: float | None = None) -> bool:
        return self.queue.wait(timeout)

    def cancel(self) -> None:
        """Stop grading: the grades given so far stay; resuming grades the rest."""
        with self._lock:
            self._waiting.clear()
            self._expected.clear()
        self.queue.cancel()

    def close(self, timeout: float | None = 30) -> bool:
        self.cancel()
        return self.queue.close(timeout)

    def grade(
        self,
        position: int,
        run_id: int,
        graded: Callable[[int, int, ItemTriage], None] | None = None,
        failed: Callable[[int, str], None] | None = None,
        run: Run | None = None,
    ) -> None:
        """Grade what the finished run has no grade for (all of it when it is new); `run`:
        the run as it just ended, when the caller has it."""
        waiting = _Waiting(position, graded, failed)
        with self._lock:  # before queueing: the grades may land before this returns
            self._waiting[run_id] = waiting
            self._expected.discard(run_id)
        try:
            _, queued = self.queue.grade_missing(run_id, run)
        except BaseException:
            with self._lock:
                self._waiting.pop(run_id, None)
            raise
        if not queued:
            with self._lock:
                self._waiting.pop(run_id, None)
        self._tell(waiting, run_id, None)

    def _tell(self, waiting: _Waiting, run_id: int, outcome: RunOutcome | None) -> None:
        if waiting.graded is None:
            return
        with self.journal.read() as session:
            run = get_run(session, run_id)
            if outcome is None:
                outcome = outcomes_of(session, [run_id])[run_id]
        triage = triage_item(run.status, run.verdict, outcome, grading=run_id in self.grading_runs)
        waiting.graded(waiting.position, run_id, triage)

    def _landed(self, run_id: int, outcome: RunOutcome) -> None:
        with self._lock:
            waiting = self._waiting.pop(run_id, None)
        if waiting is not None:
            self._tell(waiting, run_id, outcome)

    def _failed(self, run_id: int, message: str) -> None:
        with self._lock:
            waiting = self._waiting.pop(run_id, None)
        if waiting is not None and waiting.failed is not None:
            waiting.failed(waiting.position, message)


# -- the runners' shared part ---------------------------------------------------------------


class JobRunner:
    """What a check's and a batch's runner share: the journal, the hosts they spread over
    (`hosts`; else the job's own, else `service`'s), how runs are recorded on each host, and
    grading (judge and similarity through `service`, in the background: `grading_runs`,
    `wait_grades`, `cancel_grades`; `close` when done)."""

    def __init__(
        self,
        journal: Journal,
        service: OllamaService,
        *,
        hosts: Sequence[HostLimit] = (),
        recorder_for: Callable[[OllamaService], RunRecorder] | None = None,
        judge_model: str | None = None,
        embedding_model: str | None = None,
        judge_options: dict[str, Any] | None = None,
    ) -> None:
        self.journal = journal
        self.service = service
        self.hosts = list(hosts)
        self.recorder_for = recorder_for
        self.grading = JobGrading(
            journal,
            service,
            judge_model=judge_model,
            embedding_model=embedding_model,
            judge_options=judge_options,
        )

    @property
    def grading_runs(self) -> frozenset[int]:
        """The runs whose queued grades have not all landed."""
        return self.grading.grading_runs

    def wait_grades(self, timeout: float | None = None) -> bool:
        """Block until every queued grade has landed; False on timeout."""
        return self.grading.wait(timeout)

    def cancel_grades(self) -> None:
        """Stop grading: the grades given so far stay; resuming grades the rest."""
        self.grading.cancel()

    def close(self, timeout: float | None = 30) -> bool:
        """Stop grading and its worker, waiting up to `timeout` seconds (a window closing
        waits briefly: a cancelled judgement ends within milliseconds)."""
        return self.grading.close(timeout)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def hosts_for(self, saved: list[dict[str, Any]]) -> list[HostLimit]:
        """The hosts given to this runner, else those the job was run with, else the
        service's own."""
        if self.hosts:
            return self.hosts
        recorded = [HostLimit.from_record(value) for value in saved]
        return recorded or [HostLimit(self.service.host)]

    def dispatcher(self, saved: list[dict[str, Any]]) -> Dispatcher:
        return Dispatcher(self.journal, self.hosts_for(saved), recorder_for=self.recorder_for)


def settle(
    journal: Journal,
    model: type[Job],
    job_id: int,
    result: DispatchResult,
    pins: Mapping[str, str],
    *,
    cancel: CancelToken,
    drain: threading.Event,
) -> CheckStatus:
    """How a pass left the job, recorded: cancelled, paused (drained with items left),
    interrupted (items no host could take: the error that says why is raised), or done."""
    if cancel.cancelled:
        status = CheckStatus.CANCELLED
    elif result.left:
        status = CheckStatus.PAUSED if drain.is_set() else CheckStatus.INTERRUPTED
    else:
        status = CheckStatus.DONE
    finish(journal, model, job_id, status)
    if status is CheckStatus.INTERRUPTED:
        result.raise_for_left(pins)
    return status
