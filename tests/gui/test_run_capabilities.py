"""The window's Run and Replay refuse a model that cannot do what the run needs, the way
other run errors are shown, before anything is recorded."""

from __future__ import annotations

from typing import Any

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from journal.core.capabilities import IncapableModelError
from journal.core.images import add_image, user_message
from journal.core.ollama_service import OllamaService
from journal.core.queries import create_experiment
from journal.core.runner import RunSpec
from journal.core.storage import Journal
from journal.gui.context import AppContext
from journal.gui.run_controller import RunController
from tests.fake_ollama import FakeModel, FakeOllama
from tests.image_bytes import png


@pytest.fixture
def context(journal: Journal, fake_ollama: FakeOllama) -> AppContext:
    fake_ollama.add_model(FakeModel("llava:7b", capabilities=["completion", "vision"]))
    return AppContext.for_journal(journal, OllamaService(fake_ollama.url))


def _runs(journal: Journal) -> int:
    with journal.read() as session:
        return int(session.execute(text("SELECT count(*) FROM run")).scalar_one())


def test_run_and_replay_refuse_a_model_that_cannot_see(
    qtbot: QtBot, context: AppContext, journal: Journal, fake_ollama: FakeOllama
) -> None:
    with journal.write() as session:
        experiment = create_experiment(session, title="look").id or 0
        sha = add_image(session, png(), "cat.png").sha256
    shows = [user_message("What is it?", [sha])]
    runs = RunController(context)
    failed: list[Any] = []
    problems: list[str] = []
    runs.failed.connect(failed.append)
    context.problem_found.connect(problems.append)
    for repeat in (1, 3):
        with qtbot.waitSignal(runs.running_changed, check_params_cb=lambda r: not r):
            assert runs.start(RunSpec(experiment, "llama3:8b", messages=shows), repeat)
    said = "llama3:8b cannot see images; pick a vision model."
    assert [type(error) for error in failed] == [IncapableModelError] * 2
    assert problems == [said, said]  # shown like any run error
    assert _runs(journal) == 0 and fake_ollama.requests_for("/api/chat") == []

    with qtbot.waitSignal(runs.finished, timeout=10_000) as finished:
        assert runs.start(RunSpec(experiment, "llava:7b", messages=shows))
    seen = finished.args[0]
    assert seen.response.startswith("I see 1 image. ")
    with qtbot.waitSignal(runs.running_changed, check_params_cb=lambda r: not r):
        assert runs.replay(seen.id, "llama3:8b")
    assert problems[-1] == said and _runs(journal) == 1
