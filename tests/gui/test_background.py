"""Background work and pacing: the task runner's progress relay, the throttle, and the run
controller's coalesced stream (what keeps a 5,000-chunk answer to a few dozen repaints)."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

from journal.core.errors import JournalError, StorageError
from journal.core.ollama_service import OllamaService
from journal.core.queries import create_experiment
from journal.core.runner import RunSpec
from journal.core.storage import Journal
from journal.gui.context import AppContext
from journal.gui.run_controller import RunController
from journal.gui.tasks import Report, TaskRunner
from journal.gui.throttle import Throttle
from tests.fake_ollama import FakeOllama
from tests.past_runs import record_run

# -- the task runner ------------------------------------------------------------------------


def test_the_application_owns_one_task_runner(qtbot: QtBot) -> None:
    runner = TaskRunner.for_application()
    assert TaskRunner.for_application() is runner
    import journal.gui.tasks as tasks

    assert not hasattr(tasks, "_dispatcher") and not hasattr(tasks, "_keys")


def test_progress_arrives_in_order_in_few_batches_and_before_the_outcome(qtbot: QtBot) -> None:
    batches: list[list[Any]] = []
    outcome: list[str] = []

    def work(report: Report) -> str:
        for n in range(5000):
            report(n)
        return "done"

    def done(result: str) -> None:
        outcome.append(f"{result} after {sum(len(batch) for batch in batches)}")

    TaskRunner.for_application().run_reporting(
        work, batches.append, done, interval_ms=40, owner=None
    )
    qtbot.waitUntil(lambda: bool(outcome), timeout=5000)
    assert outcome == ["done after 5000"]
    assert [n for batch in batches for n in batch] == list(range(5000))
    assert len(batches) < 60, "5,000 reports must not mean 5,000 deliveries"


def test_a_cancelled_task_reports_nothing(qtbot: QtBot) -> None:
    from PySide6.QtCore import QThreadPool

    pool = QThreadPool()
    pool.setMaxThreadCount(1)  # the second task's outcome comes after the first's
    release = threading.Event()
    seen: list[Any] = []

    def work(report: Report) -> None:
        release.wait(5)
        report("late")

    runner = TaskRunner.for_application()
    task = runner.run_reporting(
        work, seen.append, seen.append, seen.append, interval_ms=0, pool=pool
    )
    task.cancel()
    release.set()
    after: list[object] = []
    runner.run(lambda: "next", after.append, pool=pool)
    qtbot.waitUntil(lambda: after == ["next"], timeout=5000)
    assert seen == []


def test_a_journal_error_goes_to_on_error_and_a_bug_to_the_crash_hook(
    qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    hooked: list[BaseException] = []
    monkeypatch.setattr("sys.excepthook", lambda kind, value, trace: hooked.append(value))
    errors: list[JournalError] = []
    runner = TaskRunner.for_application()

    def storage() -> None:
        raise StorageError("The disk is full.")

    def bug() -> None:
        raise KeyError("oops")

    runner.run(storage, None, errors.append)
    runner.run(bug, None, errors.append)
    qtbot.waitUntil(lambda: len(errors) == 1 and len(hooked) == 1, timeout=5000)
    assert errors[0].message == "The disk is full."
    assert isinstance(hooked[0], KeyError)


# -- the throttle -----------------------------------------------------------------------------


def test_throttle_calls_at_once_then_with_the_last_arguments(qtbot: QtBot) -> None:
    calls: list[int] = []
    throttle = Throttle(calls.append, 60)
    for n in range(100):
        throttle(n)
    assert calls == [0]  # the first at once; the rest wait for the interval
    assert throttle.pending
    qtbot.waitUntil(lambda: calls == [0, 99], timeout=3000)
    assert not throttle.pending


def test_debounce_waits_for_a_pause_and_flush_calls_now(qtbot: QtBot) -> None:
    calls: list[str] = []
    debounce = Throttle(calls.append, 60, debounce=True)
    debounce("a")
    debounce("ab")
    assert calls == []
    qtbot.waitUntil(lambda: calls == ["ab"], timeout=3000)
    debounce("abc")
    debounce.flush()
    assert calls == ["ab", "abc"]
    debounce("dropped")
    debounce.cancel()
    debounce.flush()
    assert calls == ["ab", "abc"]


# -- the run controller's stream --------------------------------------------------------------


@pytest.fixture
def context(journal: Journal, fake_ollama: FakeOllama) -> AppContext:
    return AppContext.for_journal(journal, OllamaService(fake_ollama.url))


def test_a_5000_chunk_stream_is_a_few_dozen_repaints(
    qtbot: QtBot, context: AppContext, journal: Journal, fake_ollama: FakeOllama
) -> None:
    fake_ollama.chunks_per_reply = 5000
    with journal.write() as session:
        experiment = create_experiment(session, title="long")
    assert experiment.id is not None
    runs = RunController(context)
    batches: list[str] = []
    runs.text_received.connect(lambda content, _thinking: batches.append(content))
    running: list[bool] = []
    runs.running_changed.connect(running.append)
    running_when_finished: list[bool] = []
    runs.finished.connect(lambda _: running_when_finished.append(runs.is_running))
    with qtbot.waitSignal(runs.finished, timeout=30_000) as finished:
        assert runs.start(RunSpec(experiment.id, "llama3:8b", prompt="go"))
    run = finished.args[0]
    assert len(run.response.split()) == 5000
    assert "".join(batches) == run.response == runs.answer_so_far()
    assert len(batches) < 100, f"{len(batches)} repaints for 5,000 chunks"
    assert running == [True, False]
    assert running_when_finished == [False]  # Run works again from `finished` on
    assert not runs.is_running and runs.live_run_id is None


def test_replays_on_several_models_run_through_one_queue(
    qtbot: QtBot, context: AppContext, journal: Journal
) -> None:
    with journal.write() as session:
        experiment = create_experiment(session, title="colours")
    assert experiment.id is not None and context.service is not None
    original = record_run(journal, context.service, experiment.id, "Name a colour")
    assert original.id is not None
    runs = RunController(context)
    started: list[int] = []
    finished: list[Any] = []
    said: list[str] = []
    runs.started.connect(lambda run, _notice: started.append(run.id))
    runs.finished.connect(finished.append)
    running_when_finished: list[bool] = []
    runs.finished.connect(lambda _: running_when_finished.append(runs.is_running))
    context.said.connect(lambda text, _ms: said.append(text))
    with qtbot.waitSignal(runs.running_changed, timeout=20_000, check_params_cb=lambda r: not r):
        assert runs.replay_on_models(original.id, ["qwen3:0.6b", "llama3:8b"])
    assert [run.model for run in finished] == ["qwen3:0.6b", "llama3:8b"]
    assert [run.id for run in finished] == started
    assert all(run.replay_of_id == original.id for run in finished)
    assert running_when_finished == [True, False]  # the queue goes on after the first
    # the count in Qt's plural forms (the English ones come with the app's translation)
    queued = QCoreApplication.translate("run_controller", "; %n more queued", None, 1)
    assert said[0] == f"Replaying run {original.id} on qwen3:0.6b{queued}"  # "; 1 more queued"
    assert said[-1] == f"Replayed run {original.id} on every chosen model."


def test_stopping_a_queue_of_replays_stops_the_rest(
    qtbot: QtBot, context: AppContext, journal: Journal, fake_ollama: FakeOllama
) -> None:
    from journal.core.domain import RunStatus

    with journal.write() as session:
        experiment = create_experiment(session, title="colours")
    assert experiment.id is not None and context.service is not None
    original = record_run(journal, context.service, experiment.id, "Name a colour")
    assert original.id is not None
    fake_ollama.stall_after = 2  # the first replay hangs until stopped
    runs = RunController(context)
    finished: list[Any] = []
    said: list[str] = []
    runs.finished.connect(finished.append)
    context.said.connect(lambda text, _ms: said.append(text))
    with qtbot.waitSignal(runs.started, timeout=10_000):
        assert runs.replay_on_models(original.id, ["qwen3:0.6b", "llama3:8b"])
    assert not runs.replay(original.id)  # one thing at a time
    with qtbot.waitSignal(runs.running_changed, timeout=10_000, check_params_cb=lambda r: not r):
        runs.stop()
    assert [(run.model, run.status) for run in finished] == [("qwen3:0.6b", RunStatus.CANCELLED)]
    assert not any("every chosen model" in text for text in said)
