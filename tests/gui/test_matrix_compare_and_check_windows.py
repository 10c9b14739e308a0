"""The matrix, compare and migration-check windows against a real journal and the fake Ollama."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from journal.core.domain import ExperimentFilter, RunStatus, Verdict
from journal.core.storage import Journal
from journal.gui.check_items_model import WHY_COLUMN
from journal.gui.context import AppContext
from tests.fake_ollama import FakeModel, FakeOllama
from tests.past_runs import record_run


def _experiment(journal: Journal, title: str) -> int:
    from journal.core.queries import create_experiment

    with journal.write() as session:
        experiment = create_experiment(session, title=title)
        assert experiment.id is not None
        return experiment.id


@pytest.fixture
def answers(fake_ollama: FakeOllama) -> FakeOllama:
    fake_ollama.add_model(FakeModel("llama3:8b", reply=lambda m, o: "The Nile is long."))
    fake_ollama.add_model(
        FakeModel("qwen3:0.6b", reply=lambda m, o: "The Amazon is long.", family="qwen3")
    )
    return fake_ollama


# -- the matrix -------------------------------------------------------------------------


def test_matrix_shows_verdicts_and_opens_runs(
    qtbot: QtBot, qtmodeltester: Any, journal: Journal, answers: FakeOllama
) -> None:
    from journal.gui.matrix_dialog import UNRATED, MatrixDialog
    from journal.gui.table_style import VERDICT_COLOURS

    first, qwen = _experiment(journal, "rivers"), "qwen3:0.6b"
    worked = record_run(journal, answers.url, first, verdict=Verdict.WORKED).id or 0
    record_run(journal, answers.url, first, model=qwen)
    second = _experiment(journal, "lakes")
    failed = record_run(journal, answers.url, second, model=qwen, verdict=Verdict.FAILED).id or 0

    dialog = MatrixDialog(AppContext.for_journal(journal), ExperimentFilter())
    qtbot.addWidget(dialog)
    model = dialog.model
    qtmodeltester.check(model)
    assert model.rowCount() == 2 and model.columnCount() == 2
    labels = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(2)]
    assert labels[0].startswith("llama3:8b@") and labels[1].startswith("qwen3:0.6b@")
    assert model.headerData(0, Qt.Orientation.Vertical) == "lakes"  # newest first
    lakes_qwen, rivers_llama = model.index(0, 1), model.index(1, 0)
    assert lakes_qwen.data() == "failed"
    assert lakes_qwen.data(Qt.ItemDataRole.BackgroundRole) == VERDICT_COLOURS[Verdict.FAILED]
    assert rivers_llama.data() == "worked"
    assert model.index(1, 1).data() == UNRATED
    assert model.index(0, 0).data() is None  # no run of lakes on llama3

    dialog.show()
    qtbot.waitExposed(dialog)
    view = dialog.view
    for index, run_id in ((lakes_qwen, failed), (rivers_llama, worked)):
        centre = view.visualRect(index).center()
        # A real double-click is a press first: the view only activates the pressed cell.
        QTest.mouseClick(
            view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre
        )
        with qtbot.waitSignal(dialog.run_activated, timeout=1000) as blocker:
            QTest.mouseDClick(
                view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, centre
            )
        assert blocker.args == [run_id]


def test_matrix_pages_through_many_experiments(
    qtbot: QtBot, qtmodeltester: Any, journal: Journal, answers: FakeOllama
) -> None:
    from journal.gui.matrix_dialog import MatrixModel

    ids = [_experiment(journal, f"e{n}") for n in range(5)]
    record_run(journal, answers.url, ids[0], verdict=Verdict.PARTLY)
    from journal.core.matrix import experiment_matrix

    def fetch(before_id: int | None, limit: int) -> Any:
        with journal.read() as session:
            return experiment_matrix(session, limit=limit, before_id=before_id)

    model = MatrixModel(fetch, page_size=2)
    assert model.rowCount() == 2 and model.canFetchMore()
    qtmodeltester.check(model)
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 5 and model.columnCount() == 1
    assert model.index(4, 0).data() == "partly"


# -- compare ----------------------------------------------------------------------------


def test_compare_highlights_differences_and_saves_verdicts(
    qtbot: QtBot, journal: Journal, answers: FakeOllama
) -> None:
    from journal.core.queries import get_run
    from journal.gui.compare_dialog import CompareDialog

    experiment = _experiment(journal, "rivers")
    options = {"temperature": 0.2, "seed": 1}
    first = record_run(journal, answers.url, experiment, options=options).id or 0
    other = _experiment(journal, "<b>lakes</b>")
    second = (
        record_run(
            journal, answers.url, other, model="qwen3:0.6b", options={"temperature": 0.7, "seed": 1}
        ).id
        or 0
    )

    dialog = CompareDialog(AppContext.for_journal(journal), [first, second])
    qtbot.addWidget(dialog)
    assert dialog.differing_options() == ["temperature"]
    reference, diffed = (view.toPlainText() for view in dialog.answer_views)
    assert reference == "The Nile is long."
    assert "Nile" in diffed and "Amazon" in diffed  # the deletion and the insertion
    assert "<b>" not in diffed  # no markup: just text
    html = dialog.answer_views[1].toHtml()
    assert "line-through" in html

    box = dialog.verdict_boxes[1]
    with qtbot.waitSignal(dialog.verdict_changed, timeout=3000) as blocker:
        box.setCurrentIndex(box.findText("Partly"))
    assert blocker.args == [second]
    with journal.read() as session:
        assert get_run(session, second).verdict is Verdict.PARTLY
        assert get_run(session, first).verdict is None


def test_compare_shows_what_each_run_was_asked_and_why_its_verdict(
    qtbot: QtBot, journal: Journal, answers: FakeOllama
) -> None:
    from journal.core.queries import set_verdict
    from journal.gui.compare_dialog import CompareDialog

    experiment = _experiment(journal, "rivers")
    first = record_run(journal, answers.url, experiment, "Name three rivers").id or 0
    second = (
        record_run(
            journal, answers.url, experiment, "Name three long rivers", system_prompt="Be brief"
        ).id
        or 0
    )
    with journal.write() as session:
        set_verdict(session, first, Verdict.FAILED, "only two were real")
    dialog = CompareDialog(AppContext.for_journal(journal), [first, second])
    qtbot.addWidget(dialog)
    shown = [view.toPlainText() for view in dialog.prompt_views]
    assert shown == ["Name three rivers", "Name three long rivers", "(none)", "Be brief"]
    assert [label.text() for label in dialog.why_labels] == ["only two were real", "—"]

    same = record_run(journal, answers.url, experiment, "Name three rivers").id or 0
    dialog = CompareDialog(AppContext.for_journal(journal), [first, same])
    qtbot.addWidget(dialog)
    # one prompt for both, and no system prompt row when they are the same
    assert [view.toPlainText() for view in dialog.prompt_views] == ["Name three rivers"]


# -- migration checks -------------------------------------------------------------------


@pytest.fixture
def worked_runs(journal: Journal, answers: FakeOllama) -> list[int]:
    return [
        record_run(
            journal, answers.url, _experiment(journal, f"task {n}"), verdict=Verdict.WORKED
        ).id
        or 0
        for n in range(3)
    ]


def _check_window(qtbot: QtBot, journal: Journal, fake: FakeOllama) -> Any:
    from journal.core.ollama_service import OllamaService
    from journal.gui.check_window import CheckWindow

    window = CheckWindow(AppContext.for_journal(journal, OllamaService(fake.url)))
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: len(window.target_picker.models()) == 2, timeout=3000)
    window.set_source(ExperimentFilter(verdict=Verdict.WORKED))
    window.target_picker.set_current_model("qwen3:0.6b")
    return window


def test_check_runs_and_triages_by_keyboard(
    qtbot: QtBot, qtmodeltester: Any, journal: Journal, answers: FakeOllama, worked_runs: list[int]
) -> None:
    window = _check_window(qtbot, journal, answers)
    with qtbot.waitSignal(window.check_finished, timeout=5000):
        window.start_button.click()
    qtmodeltester.check(window.items_model)
    model = window.items_model
    assert [model.index(row, 0).data() for row in range(model.rowCount())] == [
        "Passes (0)",
        "Fails (0)",
        "Needs a look (3)",
        "Still grading (0)",
        "Not run yet (0)",
    ]
    assert window.summary_text() == "0 of 3 pass on qwen3:0.6b (0 fail, 3 need a look)"
    assert window.progress_label.text() == "3 of 3 replayed"
    assert window.progress_label.toolTip().startswith("Latest: item ")  # run numbers kept
    assert window.selected_position() == 1  # the first item left to look at
    assert "Amazon" in window.new_view.toPlainText()  # the first item's diff is shown
    assert "Nile" in window.original_view.toPlainText()

    window.items_view.setFocus()
    with qtbot.waitSignal(window.item_triaged, timeout=3000):
        QTest.keyClick(window.items_view, Qt.Key.Key_W)
    assert window.selected_position() == 2  # moved on
    with qtbot.waitSignal(window.item_triaged, timeout=3000):
        QTest.keyClick(window.items_view, Qt.Key.Key_P)
    assert window.summary_text() == (
        "1 of 3 pass on qwen3:0.6b (1 fail, 1 needs a look; 2 by your verdict)"
    )
    assert model.index_of(2, WHY_COLUMN).data() == "your verdict: partly"
    assert model.index_of(2).parent().data() == "Fails (1)"

    window.select_position(1)
    with qtbot.waitSignal(window.item_triaged, timeout=3000):
        QTest.keyClick(window.items_view, Qt.Key.Key_0)
    assert window.summary_text() == (
        "0 of 3 pass on qwen3:0.6b (1 fail, 2 need a look; 1 by your verdict)"
    )
    assert window.selected_position() == 1  # clearing stays on the item

    # reopening the saved check shows the same thing
    other = _check_window(qtbot, journal, answers)
    assert other.checks_list.check_ids() == [window.current_check_id()]
    assert other.current_check_id() is None
    other.checks_list.setCurrentItem(other.checks_list.topLevelItem(0))  # a click opens it
    assert other.current_check_id() == window.current_check_id()
    assert other.summary_text() == window.summary_text()


def test_check_window_lists_checks_shows_the_prompt_and_says_progress_in_words(
    qtbot: QtBot, journal: Journal, answers: FakeOllama, worked_runs: list[int]
) -> None:
    window = _check_window(qtbot, journal, answers)
    combo = window.target_picker.combo
    details = [str(combo.itemData(row, Qt.ItemDataRole.ToolTipRole)) for row in range(2)]
    assert any("qwen3 · 8.0B · Q4_0" in text for text in details)  # the rich picker
    assert window.target_picker.current_model() == "qwen3:0.6b"
    assert window.checks_list.topLevelItemCount() == 0
    with qtbot.waitSignal(window.check_finished, timeout=5000):
        window.start_button.click()
    assert window.progress_label.text() == "3 of 3 replayed"
    (row,) = [window.checks_list.topLevelItem(0)]
    assert row is not None
    name, target, status, date = (row.text(column) for column in range(4))
    assert name and target == "qwen3:0.6b" and status == "done" and date
    assert row.isSelected()  # the open check
    window.select_position(2)
    assert window.prompt_view.toPlainText() == "Name three rivers"  # the original's prompt
    assert "Nile" in window.original_view.toPlainText()


def _streaming(journal: Journal) -> bool:
    from sqlalchemy import text

    with journal.read() as session:
        found = session.execute(text("SELECT 1 FROM run WHERE status = 'streaming'")).first()
    return found is not None


def test_check_cancel_then_resume(
    qtbot: QtBot, journal: Journal, answers: FakeOllama, worked_runs: list[int]
) -> None:
    window = _check_window(qtbot, journal, answers)
    answers.chunk_delay = 0.2
    with qtbot.waitSignal(window.check_finished, timeout=5000):
        with qtbot.waitSignal(window.check_started, timeout=3000):
            window.start_button.click()
        qtbot.waitUntil(lambda: _streaming(journal), timeout=5000)
        window.cancel_button.click()
    assert window.summary_text().startswith("0 of 3 pass on qwen3:0.6b (0 fail, ")
    assert window.resume_button.isEnabled()
    assert window.progress_label.text().endswith("of 3 replayed")  # no "…": it stopped
    model = window.items_model
    stopped = [item for item in model.items() if item.new_status is RunStatus.CANCELLED]
    assert stopped  # the replay streaming when Cancel was pressed
    for item in stopped:
        assert "cancelled" in model.index_of(item.position, WHY_COLUMN).data()
        tip = model.index_of(item.position).data(Qt.ItemDataRole.ToolTipRole)
        assert "(cancelled)" in tip and "failed" not in tip

    answers.chunk_delay = 0
    with qtbot.waitSignal(window.check_finished, timeout=5000):
        window.resume_button.click()
    assert window.summary_text() == "0 of 3 pass on qwen3:0.6b (0 fail, 3 need a look)"
    assert not window.resume_button.isEnabled()


def test_a_check_spreads_over_the_settings_hosts(
    qtbot: QtBot, journal: Journal, answers: FakeOllama, worked_runs: list[int]
) -> None:
    from journal.core.models import MigrationCheck
    from journal.core.settings import SettingsFile

    with FakeOllama(list(answers.models.values())) as other:
        SettingsFile().update({"ollama.hosts": [answers.url, f"{other.url} limit=2"]})
        window = _check_window(qtbot, journal, answers)
        with qtbot.waitSignal(window.check_finished, timeout=10_000):
            window.start_button.click()
        check_id = window.current_check_id()
        with journal.read() as session:
            check = session.get(MigrationCheck, check_id)
            assert check is not None
            assert check.hosts == [
                {"address": answers.url, "limit": 1},
                {"address": other.url, "limit": 2},
            ]


def test_a_check_can_regenerate_every_turn_of_a_conversation(
    qtbot: QtBot, journal: Journal, answers: FakeOllama
) -> None:
    from journal.core.conversations import chain, follow_up
    from journal.core.ollama_service import OllamaService
    from journal.core.runner import RunRecorder

    first = record_run(journal, answers.url, _experiment(journal, "chat"), "Name a river")
    with journal.read() as session:
        spec = follow_up(session, first.id or 0, "How long is it?")
    second = RunRecorder(journal, OllamaService(answers.url)).execute(spec)
    window = _check_window(qtbot, journal, answers)
    window.set_runs([second.id or 0])
    assert not window.regenerate_box.isChecked()  # by default only the last turn
    window.regenerate_box.setChecked(True)
    with qtbot.waitSignal(window.check_finished, timeout=5000):
        window.start_button.click()
    assert window.summary_text().startswith("0 of 1 pass on qwen3:0.6b")
    assert "every turn regenerated" in window.summary_label.toolTip()
    new_run = window.items_model.items()[0].new_run_id
    with journal.read() as session:
        turns = chain(session, new_run or 0)
    assert [(turn.model, turn.replay_of_id) for turn in turns] == [
        ("qwen3:0.6b", first.id),
        ("qwen3:0.6b", second.id),
    ]
