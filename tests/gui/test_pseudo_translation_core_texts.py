"""What the core reports to the window goes through the translator too (issue 15): with a
pseudo-translation installed, the list's standings under a filter, the trash dialog after a
restore and after emptying, the check window's summary and a batch's summary leave nothing
but data (titles, model names, ids, numbers) unwrapped."""

from __future__ import annotations

import socket
import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSettings, Qt
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from journal.core.batches import BatchEvents, BatchRunner
from journal.core.domain import ExperimentFilter, Verdict
from journal.core.models import Run
from journal.core.ollama_service import OllamaService
from journal.core.output_format import check_answer
from journal.core.queries import create_experiment, runs_of
from journal.core.storage import Journal
from journal.core.trash import trash_experiments, trash_runs
from journal.gui.answer_view import AnswerView
from journal.gui.batch_window import BatchWindow
from journal.gui.check_window import CheckWindow
from journal.gui.context import AppContext
from journal.gui.experiment_list_model import Column, ExperimentListModel
from journal.gui.main_window import MainWindow
from journal.gui.settings_store import SettingsStore
from journal.gui.trash_dialog import TrashDialog
from tests.fake_ollama import FakeModel, FakeOllama
from tests.gui.pseudo_translation import is_marked, pseudo_translation, unmarked_texts
from tests.gui.test_batch_window import ALPHA, BETA, WORDS, _experiment, _models
from tests.gui.test_check_window_triage import TARGET, TWELVE, _reply, _seed
from tests.gui.test_list_standings import PLANS, _fetcher, _fill
from tests.past_runs import add_past_run


def _without(said: str, data: list[str]) -> str:
    for value in sorted(data, key=len, reverse=True):
        said = said.replace(value, " ")
    return said


def test_the_lists_standings_under_a_filter_are_marked(qtbot: QtBot, journal: Journal) -> None:
    ids = _fill(journal)
    models = ["llama3:8b", "qwen3:0.6b", "mistral:7b"]
    with pseudo_translation():
        model = ExperimentListModel(_fetcher(journal))
        model.set_filter(ExperimentFilter(model="llama3:8b"))
        tips = []
        for title in PLANS:
            row = model.row_of(ids[title])
            assert row is not None
            tip = model.index(row, Column.VERDICT).data(Qt.ItemDataRole.ToolTipRole)
            tips.append(_without(tip, models))
    assert [tip for tip in tips if not is_marked(tip)] == []


def _trash_some(db_path: Path) -> None:
    with Journal.open(db_path) as journal, journal.write() as session:
        for title in ("Lakes", "Rivers"):
            experiment = create_experiment(session, title=title)
            assert experiment.id is not None
            for _ in range(2):
                add_past_run(session, experiment.id, verdict=Verdict.WORKED, model="llama3:8b")
            if title == "Lakes":
                trash_experiments(session, [experiment.id])
            else:
                first = runs_of(session, experiment.id)[0].id
                assert first is not None
                trash_runs(session, [first])


def test_the_trash_dialog_after_a_restore_and_emptying_is_marked(
    qtbot: QtBot, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _trash_some(db_path)
    monkeypatch.setattr(TrashDialog, "confirm_empty", classmethod(lambda *_: True))
    with pseudo_translation():
        settings = SettingsStore(
            QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        )
        main = MainWindow(db=str(db_path), settings=settings)
        qtbot.addWidget(main)
        main.show()
        main.start()
        qtbot.waitUntil(lambda: main.context.journal is not None, timeout=10_000)
        main.trash_action.trigger()
        dialog = main.findChild(TrashDialog, "trashDialog")
        assert dialog is not None
        shown = ["Lakes", "Rivers", "llama3:8b"]
        rows = [dialog.tree.topLevelItem(row) for row in range(dialog.tree.topLevelItemCount())]
        lakes = [item for item in rows if item is not None and "Lakes" in item.text(1)]
        assert len(lakes) == 1
        lakes[0].setSelected(True)
        dialog.restore_button.click()
        qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() == 1)
        assert dialog.message.text()
        assert unmarked_texts(dialog, allowed=shown) == []
        dialog.empty_button.click()
        qtbot.waitUntil(lambda: dialog.tree.topLevelItemCount() == 0)
        assert dialog.message.text()
        assert unmarked_texts(dialog, allowed=shown) == []


def test_the_check_windows_summary_and_selection_are_marked(
    qtbot: QtBot, journal: Journal, fake_ollama: FakeOllama
) -> None:
    fake_ollama.add_model(FakeModel(TARGET, family="new", reply=_reply))
    sources = _seed(journal, TWELVE[:3])
    with pseudo_translation():
        window = CheckWindow(AppContext.for_journal(journal, OllamaService(fake_ollama.url)))
        qtbot.addWidget(window)
        window.show()
        qtbot.waitUntil(lambda: window.target_picker.is_installed(TARGET), timeout=5000)
        window.set_runs(sources)
        window.target_picker.set_current_model(TARGET)
        shown = [TARGET, fake_ollama.url, *(prompt for prompt, _ in TWELVE[:3])]
        said = [window.source_label.text()]
        with qtbot.waitSignal(window.check_finished, timeout=15_000):
            window.start_button.click()
        said += [window.summary_text(), window.progress_label.text(), window.message_text()]
        said.append(window.items_model.index_of(1, 3).data())  # the original verdict
        window.set_source(ExperimentFilter(model=TARGET, verdict=Verdict.WORKED))
        said.append(window.source_label.text())
    assert all(said)
    assert [text for text in said if not is_marked(_without(text, shown))] == []


def test_a_batchs_summary_and_status_are_marked(qtbot: QtBot, journal: Journal) -> None:
    host = FakeOllama(_models()).start()
    try:
        experiment_id = _experiment(journal, host.url, WORDS)
        drain = threading.Event()

        def stop_after_two(position: int, total: int, run: Run) -> None:
            if position == 2:
                drain.set()

        with BatchRunner(journal, OllamaService(host.url)) as runner:
            batch_id = runner.create(experiment_id, [ALPHA, BETA])
            runner.run(batch_id, drain=drain, events=BatchEvents(finished=stop_after_two))
        dead = f"{socket.gethostname()}:{2**22 + 1}"  # no such process: interrupted
        with journal.write() as session:
            session.execute(
                text("UPDATE batch SET status = 'running', owner = :owner WHERE id = :id"),
                {"owner": dead, "id": batch_id},
            )
        with pseudo_translation():
            window = BatchWindow(
                AppContext.for_journal(journal, OllamaService(host.url)),
                experiment_id,
                current_model=ALPHA,
            )
            qtbot.addWidget(window)
            with qtbot.waitSignal(window.models_loaded, timeout=10_000):
                window.show()
            qtbot.waitUntil(lambda: window.current_batch_id() == batch_id)
            said: list[Any] = [
                window.summary_label.text(),
                window.batches_box.currentText().split(" · ")[1],  # where it stands
            ]
        assert "not run yet" in said[0]
        assert [text for text in said if not is_marked(_without(text, [ALPHA, BETA]))] == []
    finally:
        host.stop()


@pytest.mark.parametrize(
    ("asked", "answer"),
    [
        ("json", "{not json"),
        ("json", ""),
        ({"type": "object", "required": ["name"]}, '{"age": 3}'),
        ({"type": "object"}, "{}"),
    ],
)
def test_the_format_check_under_an_answer_is_marked(
    qtbot: QtBot, asked: object, answer: str
) -> None:
    with pseudo_translation():
        view = AnswerView()
        qtbot.addWidget(view)
        view.show_answer(answer, "", check_answer(asked, answer))
        shown = [
            answer,
            "Expecting property name enclosed in double quotes",
            "'name' is a required property",
        ]
        assert unmarked_texts(view, allowed=shown) == []
