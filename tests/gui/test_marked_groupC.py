# ruff: noqa: N999 - the file name is the group's, as the task names it
"""Marking group C (issue 15): every module of the group with visible text keeps it marked
for translation (pyside6-lupdate finds its messages), and what the widgets show really goes
through the installed translator."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot


def test_dialogs_show_their_text_through_the_translator(qtbot: QtBot, guillemets: None) -> None:
    from journal.gui.fan_out_dialog import FanOutDialog
    from journal.gui.pull_dialog import PullDialog

    pull = PullDialog(lambda name, on_line, token: None)
    qtbot.addWidget(pull)
    assert pull.windowTitle() == "«Pull a model»"
    assert pull.pull_button.text() == "«&Pull»"
    assert pull.close_button.text() == "«Close»"

    fan_out = FanOutDialog(7, ["a:1b"], conversation=True)
    qtbot.addWidget(fan_out)
    assert fan_out.windowTitle() == "«Replay on several models»"
    assert fan_out.regenerate.toolTip().startswith("«Send every turn up to run 7 again")


def test_counts_and_verdicts_go_through_the_translator(qtbot: QtBot, guillemets: None) -> None:
    from datetime import UTC, datetime

    from journal.core.domain import Verdict
    from journal.core.trash import TrashedItem
    from journal.gui.outcome_panel import OutcomePanel
    from journal.gui.run_history import RunHistoryModel
    from journal.gui.trash_dialog import item_words

    panel = OutcomePanel()
    qtbot.addWidget(panel)
    panel.show_run(1, None, "")
    worked = panel.findChild(QPushButton, f"verdict-{Verdict.WORKED.value}")
    assert worked is not None and worked.text() == "«Worked»"
    assert panel.why.placeholderText() == "«Why?»"

    history = RunHistoryModel()
    assert history.headerData(RunHistoryModel.MODEL, Qt.Orientation.Horizontal) == "«Model»"

    item = TrashedItem("experiment", 4, 4, "Rivers", datetime.now(UTC), 3)
    assert item_words(item) == "«Experiment 'Rivers' and its 3 run(s)»"  # %n: the count
