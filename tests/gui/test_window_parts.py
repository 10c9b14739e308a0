"""The window's own small parts: run history model, editor autosave, verdict buttons."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from journal.core.domain import Verdict
from journal.core.models import Run, RunStatus
from journal.core.queries import create_experiment, get_experiment
from journal.core.storage import Journal
from journal.gui.experiment_editor import ExperimentEditor
from journal.gui.outcome_panel import OutcomePanel
from journal.gui.run_history import RunHistoryModel, options_summary


def _runs(journal: Journal, experiment_id: int) -> list[Run]:
    with journal.write() as session:
        runs = [
            Run(
                experiment_id=experiment_id,
                model="llama3:8b",
                model_digest="a" * 64,
                options={"temperature": 0.2, "seed": 1, "mirostat": 2},
                status=RunStatus.DONE,
                verdict=Verdict.WORKED,
                verdict_note="fine",
            ),
            Run(
                experiment_id=experiment_id,
                model="qwen3:0.6b",
                status=RunStatus.FAILED,
                error="Cannot reach Ollama",
                replay_of_id=None,
            ),
        ]
        for run in runs:
            session.add(run)
        session.flush()
        return runs


def test_run_history_model_is_a_well_behaved_model(
    qtmodeltester: ModelTester, journal: Journal, experiment_id: int
) -> None:
    model = RunHistoryModel()
    model.set_runs(_runs(journal, experiment_id))
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]
    assert model.rowCount() == 2
    newest, oldest = model.run(0), model.run(1)
    assert newest.id > oldest.id  # newest first
    assert model.data(model.index(1, model.VERDICT)) == "worked"
    assert model.data(model.index(1, 2)) == "a" * 12
    assert (
        model.data(
            model.index(
                0,
                4,
            )
        )
        == "failed"
    )
    assert model.data(model.index(0, 4), Qt.ItemDataRole.ToolTipRole) == "Cannot reach Ollama"
    assert model.data(model.index(0, 0), Qt.ItemDataRole.ToolTipRole) is None
    model.set_live_run(newest.id)
    assert model.data(model.index(0, 4)) == "streaming…"


def test_options_summary_shows_key_options_first() -> None:
    assert options_summary({"mirostat": 2, "seed": 1, "temperature": 0.2}) == (
        "temperature=0.2 seed=1 +1"
    )


def test_editor_autosaves_changed_fields_once(qtbot: QtBot, journal: Journal) -> None:
    with journal.write() as session:
        experiment = create_experiment(session, title="Old", tags=["a"])
    editor = ExperimentEditor()
    qtbot.addWidget(editor)
    editor.load(experiment)
    editor.set_tag_choices(["alpha", "beta"])
    saved: list[dict[str, object]] = []
    editor.edited.connect(lambda _, changes: saved.append(changes))
    QTest.keyClicks(editor.title, " and new")
    editor.hypothesis.setPlainText("it improves")
    # Debounced: one batch, well within a second of the last keystroke.
    qtbot.waitUntil(lambda: len(saved) == 1, timeout=3000)
    assert saved == [{"title": "Old and new", "hypothesis": "it improves"}]
    editor.load(None)
    assert not editor.title.isEnabled()


def test_editor_flushes_pending_edits_when_switching(qtbot: QtBot, journal: Journal) -> None:
    with journal.write() as session:
        first = create_experiment(session, title="First")
        second = create_experiment(session, title="Second")
    editor = ExperimentEditor()
    qtbot.addWidget(editor)
    editor.load(first)
    saved: list[tuple[int, dict[str, object]]] = []
    editor.edited.connect(lambda eid, changes: saved.append((eid, changes)))
    QTest.keyClicks(editor.tags, "x, y")
    editor.load(second)  # before the debounce fired
    assert saved == [(first.id, {"tags": ["x", "y"]})]
    with journal.read() as session:
        assert get_experiment(session, first.id or 0).tags == []  # the window writes it


def test_verdict_buttons_toggle_and_clear(qtbot: QtBot) -> None:
    panel = OutcomePanel()
    qtbot.addWidget(panel)
    chosen: list[object] = []
    panel.verdict_chosen.connect(lambda _, verdict: chosen.append(verdict))
    panel.show_run(7, None, "")
    panel.choose(Verdict.PARTLY)
    panel.choose(Verdict.PARTLY)  # the same one again clears it
    panel.choose(Verdict.FAILED)
    assert chosen == [Verdict.PARTLY, None, Verdict.FAILED]
    assert panel.verdict() is Verdict.FAILED
    panel.show_run(None, None, "")
    panel.choose(Verdict.WORKED)  # nothing to judge: nothing happens
    assert chosen == [Verdict.PARTLY, None, Verdict.FAILED]


def test_why_note_is_debounced(qtbot: QtBot, tmp_path: Path) -> None:
    panel = OutcomePanel()
    qtbot.addWidget(panel)
    panel.show_run(3, Verdict.WORKED, "")
    with qtbot.waitSignal(panel.why_edited, timeout=3000) as blocker:
        QTest.keyClicks(panel.why, "clear and short")
    assert blocker.args == [3, "clear and short"]
