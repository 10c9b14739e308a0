"""Runs a prompt, or replays runs one after another, in the background; says what happens.

The controller owns the workflow: which run is live, a queue of replays (the core's
ReplayQueue, the same one `journal replay -m A -m B` drives), what a replay found about its
model, and whether the answer is on disk yet. The run's thread reports every event through
one relay (tasks.TaskRunner.run_reporting): thousands of chunks a second arrive on the GUI
thread as a few dozen ordered batches, so a 5,000-chunk stream is a few dozen repaints.
The window hears of all of it through signals only.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, QTimer, Signal, Slot

from journal.core.cancel import CancelToken
from journal.core.domain import RunStatus
from journal.core.errors import JournalError, ModelNotFoundError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from journal.core.images import ImageFile
    from journal.core.models import Run
    from journal.core.runner import RunSpec
    from journal.core.stability import RepeatSeeds
    from journal.gui.context import AppContext
    from journal.gui.tasks import Report

translate = QCoreApplication.translate

DRAIN_INTERVAL_MS = 40  # text reaches the screen at most this often
CLOCK_INTERVAL_MS = 40  # how often the seconds shown move on, even while Ollama is silent
NOTICE_SHOWN_MS = 30_000


class RunController(QObject):
    """One run (or one queue of replays) at a time; `stop()` cancels within milliseconds,
    keeping the partial text."""

    running_changed = Signal(bool)  # a run or a queue began (True), or all of it ended
    started = Signal(object, str)  # the Run now streaming (pending on disk), a notice or ""
    text_received = Signal(str, str)  # content, thinking (a coalesced batch)
    stats_updated = Signal(dict)  # live figures: chunks, seconds, first_token, rate
    finished = Signal(object)  # a recorded Run, whatever its status (the last: not running)
    failed = Signal(object)  # the JournalError that kept a run from being recorded
    silent = Signal(float)  # seconds Ollama has sent nothing, repeated while it stays silent
    save_failed = Signal(str)  # why the answer is not on disk yet; it is kept in memory
    saved = Signal()  # after save_failed: everything received is on disk now
    not_saved = Signal(int, str)  # run id, why: the journal never took it; save it elsewhere
    model_missing = Signal(object)  # the ModelNotFoundError of a replay: pull the model?
    repeated = Signal(list)  # the run ids of a repeat once it ended (its summary is said)

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._cancel: CancelToken | None = None
        self._abandon: CancelToken | None = None
        self._live_run_id: int | None = None
        self._pending_notice = ""  # what the replay found about its model, until it starts
        self._unsaved_reason = ""  # why the live run's text is not on disk yet
        self._unsaved_text = ""  # an answer the journal never took (RunNotSavedError)
        self._fan_out: int | None = None  # the run being replayed on several chosen models
        self._repeat: RepeatSeeds | None = None  # the seeds of a repeated prompt
        self._repeated: list[int] = []  # the runs a repeat has recorded so far
        self._queued = 0  # replays still to come after the live one
        self._last_run: Run | None = None  # said `finished` once the whole task has ended
        self._answer: list[str] = []  # everything streamed by the live run
        self._chunks = 0
        self._started_at = 0.0
        self._first_chunk_at: float | None = None
        # A clock, not a throttle: the seconds shown keep counting while Ollama is silent.
        self._clock = QTimer(self)
        self._clock.setInterval(CLOCK_INTERVAL_MS)
        self._clock.timeout.connect(self._on_clock_timeout)

    # -- state ----------------------------------------------------------------------------

    @property
    def is_running(self) -> bool:
        return self._cancel is not None

    @property
    def live_run_id(self) -> int | None:
        """The run whose answer is streaming now, once it is on disk."""
        return self._live_run_id

    def unsaved_reason(self) -> str:
        """Why the live run's answer is not in the journal yet ("" when it is)."""
        return self._unsaved_reason if self.is_running else ""

    def answer_so_far(self) -> str:
        """The answer text streamed by the current (or last) run, whatever is on disk."""
        return "".join(self._answer)

    def answer_to_keep(self) -> str:
        """What "save the answer as" writes: an answer the journal refused, else the last."""
        return self._unsaved_text or self.answer_so_far()

    # -- starting ---------------------------------------------------------------------------

    def start(self, spec: RunSpec, repeat: int = 1, images: Sequence[ImageFile] = ()) -> bool:
        """Run `spec` (a core RunSpec), `repeat` times with seeds s, s+1, ... when more than
        once; False if a run is already going, nothing is open or the seeds cannot be.
        The `images` its messages name are stored in the write that records each run."""
        from journal.core.capabilities import check_specs
        from journal.core.runner import RunRecorder

        journal, service = self._context.journal, self._context.service
        if journal is None or service is None or self.is_running:
            return False
        recorder = RunRecorder(journal, service)
        if repeat > 1:
            return self._start_repeat(recorder, spec, repeat, images)

        def execute(report: Report, cancel: CancelToken, abandon: CancelToken) -> None:
            check_specs(service, [spec])  # a model that cannot: `failed`, nothing recorded
            events = self._run_events(report)
            events.started = lambda run: report(("started", run))
            events.chunk = lambda content, thinking: report(
                ("chunk", content, thinking, time.monotonic())
            )
            run = recorder.execute(
                spec,
                cancel=cancel,
                events=events,
                abandon=abandon,
                run=_record_showing(recorder, spec, images),
            )
            report(("finished", run))

        return self._launch(execute, fan_out=None)

    def _start_repeat(
        self, recorder: Any, spec: RunSpec, repeat: int, images: Sequence[ImageFile]
    ) -> bool:
        """One run per seed, one after another, like a fan-out; Esc stops the rest."""
        from dataclasses import replace

        from journal.core.capabilities import check_specs
        from journal.core.stability import repeat_seeds, with_seed

        try:
            seeds = repeat_seeds(spec.options, repeat)
        except JournalError as error:
            self._context.report(error)
            return False

        def execute(report: Report, cancel: CancelToken, abandon: CancelToken) -> None:
            check_specs(recorder.service, [spec])
            for index, seed in enumerate(seeds.seeds, start=1):
                if cancel.cancelled:
                    return
                report(("starting", index, seeds.count, spec.model, time.monotonic()))
                events = self._run_events(report)
                events.started = lambda run: report(("started", run))
                events.chunk = lambda content, thinking: report(
                    ("chunk", content, thinking, time.monotonic())
                )
                one = replace(spec, options=with_seed(spec.options, seed))
                run = recorder.execute(
                    one,
                    cancel=cancel,
                    events=events,
                    abandon=abandon,
                    run=_record_showing(recorder, one, images),
                )
                report(("finished", run))
                if run.status is RunStatus.FAILED:
                    return  # the server or the model is gone: the rest would fail alike

        self._repeat, self._repeated = seeds, []
        return self._launch(execute, fan_out=None)

    def replay(self, run_id: int, model: str | None = None) -> bool:
        """Replay run `run_id` as recorded (on `model` instead, if given), linked to it."""
        return self._replay(run_id, [model] if model else [], fan_out=False)

    def replay_on_models(self, run_id: int, models: list[str]) -> bool:
        """Replay run `run_id` on each of `models`, one after another; Esc stops the rest."""
        return bool(models) and self._replay(run_id, list(models), fan_out=True)

    def regenerate(self, run_id: int, models: list[str]) -> bool:
        """Every turn of run `run_id`'s conversation again on each of `models` (the core's
        `regenerate_all`: each turn sent with the new answers before it, a new branch
        from a new root), one model after another; Esc stops the rest."""
        from journal.core.conversation_replay import regenerate_all
        from journal.core.replay import QueueEvents, ReplayEdits, Replayer, require_available

        journal, service = self._context.journal, self._context.service
        if journal is None or service is None or self.is_running or not models:
            return False
        replayer = Replayer(journal, service)

        def execute(report: Report, cancel: CancelToken, abandon: CancelToken) -> None:
            def starting(index: int, total: int, plan: Any, identity: Any) -> None:
                report(("starting", index, total, plan.model, time.monotonic()))
                regenerating = translate(
                    "run_controller", "Regenerating turn {index} of {total} on {model}; Esc stops"
                )
                report(("say", regenerating.format(index=index, total=total, model=plan.model)))
                warning = identity.warning()
                if warning and identity.available:
                    report(("notice", warning))
                require_available([identity])

            for model in models:
                if cancel.cancelled:
                    return
                events = QueueEvents(
                    starting=starting,
                    started=lambda index, total, run: report(("started", run)),
                    chunk=lambda index, content, thinking: report(
                        ("chunk", content, thinking, time.monotonic())
                    ),
                    run=self._run_events(report),
                )
                regenerate_all(
                    replayer,
                    run_id,
                    ReplayEdits(model=model),
                    cancel=cancel,
                    progress=lambda index, total, run: report(("finished", run)),
                    events=events,
                )

        return self._launch(execute, fan_out=None)

    def _replay(self, run_id: int, models: list[str], *, fan_out: bool) -> bool:
        """Before anything is recorded, each model's digest is compared with the one the run
        used: a changed tag is said (`started`'s notice), a missing model is `failed`
        (ModelNotFoundError) and ends the queue."""
        from journal.core.capabilities import check_specs
        from journal.core.replay import QueueEvents, Replayer, ReplayQueue, require_available

        journal, service = self._context.journal, self._context.service
        if journal is None or service is None or self.is_running:
            return False
        replayer = Replayer(journal, service)

        def execute(report: Report, cancel: CancelToken, abandon: CancelToken) -> None:
            plans = replayer.fan_out(run_id, models)
            check_specs(service, [plan.spec for plan in plans])  # before any is recorded
            queue = ReplayQueue(replayer, plans)

            def starting(index: int, total: int, plan: Any, identity: Any) -> None:
                warning = identity.warning()
                report(("starting", index, total, plan.model, time.monotonic()))
                if warning and identity.available:
                    report(("notice", warning))
                require_available([identity])  # nothing is recorded for a missing model

            events = QueueEvents(
                starting=starting,
                started=lambda index, total, run: report(("started", run)),
                chunk=lambda index, content, thinking: report(
                    ("chunk", content, thinking, time.monotonic())
                ),
                run=self._run_events(report),
            )
            # The queue gives up waiting for a refusing journal when cancelled (as the CLI).
            queue.run(cancel, lambda index, total, run: report(("finished", run)), events)

        return self._launch(execute, fan_out=run_id if fan_out else None)

    @staticmethod
    def _run_events(report: Report) -> Any:
        from journal.core.runner import RunEvents

        return RunEvents(
            silent=lambda seconds: report(("silent", seconds)),
            save_failed=lambda reason: report(("save_failed", reason)),
            saved=lambda: report(("saved",)),
            ollama_failed=lambda error: report(("ollama_failed", error)),
        )

    def _launch(self, execute: Any, *, fan_out: int | None) -> bool:
        if self._cancel is not None:
            return False
        self._fan_out = fan_out
        cancel, abandon = CancelToken(), CancelToken()
        self._cancel, self._abandon = cancel, abandon
        self._answer = []
        self._unsaved_text = ""
        self._begin_run(time.monotonic())
        self._context.tasks.run_reporting(
            lambda report: execute(report, cancel, abandon),
            self._on_task_progress,
            self._on_task_done,
            self._on_task_failed,
            interval_ms=DRAIN_INTERVAL_MS,
            pool=self._pool,
            owner=self,
        )
        self._clock.start()
        self.running_changed.emit(True)
        return True

    # -- stopping ---------------------------------------------------------------------------

    def stop(self) -> None:
        """Stop the answer streaming now (its text is kept) and any replays still queued."""
        if self._cancel is not None:
            self._cancel.cancel()

    def abandon_saving(self) -> None:
        """Stop waiting for the journal to accept an answer it refused (disk full, say): the
        run ends with RunNotSavedError, which carries the whole text, through `not_saved`.
        A replay queue gives up when stopped, as in the CLI: `stop()` as well."""
        if self._abandon is not None:
            self._abandon.cancel()

    def wait(self, msecs: int = 5000) -> bool:
        """Block until the run's thread is done (used when quitting)."""
        return bool(self._pool.waitForDone(msecs))

    # -- what the run's thread reports, in order --------------------------------------------

    @Slot(list)
    def _on_task_progress(self, items: list[Any]) -> None:
        content: list[str] = []
        thinking: list[str] = []
        for item in items:
            if item[0] == "chunk":
                _, text, thought, at = item
                self._chunks += 1
                if self._first_chunk_at is None:
                    self._first_chunk_at = at
                if text:
                    content.append(text)
                if thought:
                    thinking.append(thought)
                continue
            self._emit_text(content, thinking)
            content, thinking = [], []
            self._on_event(item)
        self._emit_text(content, thinking)

    def _emit_text(self, content: list[str], thinking: list[str]) -> None:
        if not content and not thinking:
            return
        text = "".join(content)
        if text:
            self._answer.append(text)
        self.text_received.emit(text, "".join(thinking))

    def _on_event(self, item: tuple[Any, ...]) -> None:
        kind = item[0]
        if kind == "starting":
            _, index, total, model, at = item
            self._queued = total - index
            if index > 1:
                self._answer = []
                self._begin_run(at)
            self._say_queue(index, total, model)
        elif kind == "say":
            self._context.say(item[1], 0)
        elif kind == "notice":
            self._pending_notice = item[1]
            self._context.say(item[1], NOTICE_SHOWN_MS)
        elif kind == "started":
            run = item[1]
            self._live_run_id = run.id
            self.started.emit(run, self._pending_notice)
        elif kind == "silent":
            self.silent.emit(item[1])
        elif kind == "ollama_failed":  # the one place a run tells the server watcher
            self._context.ollama_status.report_failure(item[1])
        elif kind == "save_failed":
            self._unsaved_reason = item[1]
            self.save_failed.emit(item[1])
        elif kind == "saved":
            self._unsaved_reason = ""
            self._unsaved_text = ""
            self.saved.emit()
            self._context.say(
                translate("run_controller", "Saved: the whole answer is in the journal now."),
                10_000,
            )
        elif kind == "finished":
            run = item[1]
            self._context.grading.grade_finished(run)  # a failed run is not graded
            if self._repeat is not None and run.id is not None:
                self._repeated.append(run.id)
            self._emit_stats()
            self._end_run()
            if self._queued and not self._stopped():
                self.finished.emit(run)
            else:  # the last one: said once `is_running` is False, so Run works again
                self._last_run = run

    def _say_queue(self, index: int, total: int, model: str) -> None:
        seeds = self._repeat
        if seeds is not None:
            seed = seeds.first + index - 1
            text = translate(
                "run_controller", "Run {index} of {total} on {model} (seed {seed}); Esc stops"
            )
            self._context.say(text.format(index=index, total=total, model=model, seed=seed), 0)
            return
        run_id = self._fan_out
        if run_id is None:
            return
        left = total - index
        text = translate("run_controller", "Replaying run {id} on {model}").format(
            id=run_id, model=model
        )
        if left:
            text += translate("run_controller", "; %n more queued", None, left)
        self._context.say(text, 0)

    def _begin_run(self, at: float) -> None:
        self._started_at = at
        self._chunks = 0
        self._first_chunk_at = None
        self._unsaved_reason = ""

    def _end_run(self) -> None:
        self._live_run_id = None
        self._pending_notice = ""
        self._unsaved_reason = ""

    @Slot()
    def _on_clock_timeout(self) -> None:
        self._emit_stats()

    def _emit_stats(self) -> None:
        now = time.monotonic()
        first = self._first_chunk_at
        stats: dict[str, Any] = {"chunks": self._chunks, "seconds": now - self._started_at}
        if first is not None:
            stats["first_token"] = first - self._started_at
            streaming = now - first
            if streaming > 0.2:
                stats["rate"] = self._chunks / streaming
        self.stats_updated.emit(stats)

    # -- how it ended -----------------------------------------------------------------------

    def _finish(self) -> None:
        self._clock.stop()
        self._cancel = None
        self._abandon = None
        self._queued = 0
        self._end_run()
        self.running_changed.emit(False)
        last, self._last_run = self._last_run, None
        if last is not None:
            self.finished.emit(last)

    def _stopped(self) -> bool:
        return self._cancel is not None and self._cancel.cancelled

    def _on_task_done(self, _: object) -> None:
        fan_out, self._fan_out = self._fan_out, None
        stopped = self._stopped()  # Esc stopped the queue: not every model was replayed
        self._finish()  # says `finished` for the last run: grading on finish comes first
        if fan_out is not None and not stopped:
            self._context.say(
                translate("run_controller", "Replayed run {id} on every chosen model.").format(
                    id=fan_out
                ),
                8000,
            )
        self._say_repeated(stopped)

    def _say_repeated(self, stopped: bool) -> None:
        """What a repeat added up to ("2 of 3 pass, 2 distinct answers"), as the grades
        stand now, in the status line."""
        seeds, self._repeat = self._repeat, None
        run_ids, self._repeated = self._repeated, []
        if seeds is None or not run_ids:
            return
        from journal.core.stability import Stability, stability_of

        journal = self._context.journal
        if journal is None:
            return

        def read() -> Stability:  # on the writer thread: after the runs' own grades are stored
            with journal.read() as session:
                return stability_of(session, run_ids)

        def say(stability: Stability) -> None:
            count = seeds.count
            made = (
                translate("run_controller", "Stopped after {done} of %n run(s)", None, count)
                if stopped
                else translate("run_controller", "Repeated %n time(s)", None, count)
            ).format(done=len(run_ids))
            last = seeds.first + seeds.count - 1
            said = translate("run_controller", "{made} (seeds {first} to {last}): {summary}.")
            self._context.say(
                said.format(made=made, first=seeds.first, last=last, summary=stability.line), 0
            )
            self.repeated.emit(run_ids)

        self._context.write_in_order(read, say, self._context.report)

    def _on_task_failed(self, error: JournalError) -> None:
        from journal.core.runner import RunNotSavedError

        self._fan_out = None  # e.g. a missing model: stop rather than fail the rest too
        self._repeat, self._repeated = None, []
        self._finish()
        self.failed.emit(error)
        if isinstance(error, RunNotSavedError):  # the text is still here: offer it, no box
            self._unsaved_text = error.text
            self.not_saved.emit(error.run_id, error.reason)
        elif isinstance(error, ModelNotFoundError):  # a replay's model is gone: pull it?
            self.model_missing.emit(error)
        else:
            self._context.report(error)


def _record_showing(recorder: Any, spec: RunSpec, images: Sequence[ImageFile]) -> Run | None:
    """The run recorded as pending with the images it shows, in one write; None (the
    recorder records it) when it shows none."""
    if not images:
        return None
    from journal.core.images import store_images
    from journal.core.runner import record_pending

    with recorder.journal.write() as session:
        store_images(session, images)
        return record_pending(session, spec)
