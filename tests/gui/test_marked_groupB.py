# ruff: noqa: N999  (the file name is the one the issue-15 brief gives: test_marked_<group>)
"""Group B's window modules speak through Qt's translator (issue 15): lupdate finds their
marked strings, and the widgets really ask the installed translator for what they show."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel
from pytestqt.qtbot import QtBot

from journal.gui.experiment_list_model import Column, ExperimentListModel
from journal.gui.i18n import install_language, remove_language
from journal.gui.prompt_panel import PromptPanel


def _texts(widget: PromptPanel) -> set[str]:
    return {label.text() for label in widget.findChildren(QLabel)} | {
        button.text() for button in widget.findChildren(QAbstractButton)
    }


@pytest.mark.usefixtures("guillemets")
def test_the_prompt_panel_shows_what_the_translator_says(qtbot: QtBot) -> None:
    panel = PromptPanel()
    qtbot.addWidget(panel)
    texts = _texts(panel)
    assert {"«&Model»", "«&Prompt»", "«Settings»", "«Run  Ctrl+Enter»"} <= texts
    run_tip = panel.can_run()[1]
    assert run_tip.startswith("«") and run_tip.endswith("»")  # why Run is off, translated


@pytest.mark.usefixtures("guillemets")
def test_headers_kept_as_constants_are_translated_where_shown(qtbot: QtBot) -> None:
    model = ExperimentListModel()
    title = model.headerData(Column.TITLE, Qt.Orientation.Horizontal)
    tip = model.headerData(Column.VERDICT, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert title == "«Title»"
    assert tip.startswith("«On how many of the models tried it worked")


@pytest.mark.usefixtures("guillemets")
def test_a_count_goes_through_the_translator_with_its_number(qtbot: QtBot) -> None:
    said = QApplication.translate("list_panel", "%Ln experiment(s)", None, 3)
    assert said == "«3 experiment(s)»"  # Qt put the number in the translator's text


def test_the_english_translation_gives_a_count_its_english_form(qapp: QApplication) -> None:
    """ "%n run(s)" is marked once; the English .qm the app installs says "1 run", "3 runs"."""
    translators = install_language(qapp, "en")
    try:
        assert QCoreApplication.translate("export_dialog", "%n run(s)", None, 1) == "1 run"
        assert QCoreApplication.translate("export_dialog", "%n run(s)", None, 3) == "3 runs"
    finally:
        remove_language(qapp, translators)
