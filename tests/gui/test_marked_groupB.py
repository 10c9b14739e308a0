# ruff: noqa: N999  (the file name is the one the issue-15 brief gives: test_marked_<group>)
"""Group B's window modules speak through Qt's translator (issue 15): lupdate finds their
marked strings, and the widgets really ask the installed translator for what they show."""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTranslator
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel
from pytestqt.qtbot import QtBot

from journal.gui.experiment_list_model import Column, ExperimentListModel
from journal.gui.i18n import install_language, remove_language
from journal.gui.prompt_panel import PromptPanel

ROOT = Path(__file__).resolve().parents[2]
MODULES = (
    "expectations_editor",
    "prompt_panel",
    "answer_view",
    "list_panel",
    "export_dialog",
    "experiment_editor",
    "model_picker",
    "main_window",
    "input_set_editor",
    "expectation_row",
    "compare_dialog",
    "experiment_list_model",
    "check_items_model",
    "batch_job",
    "batch_grid_model",
    "saved_checks",
    "window_questions",
)


def _lupdate() -> str:
    return str(Path(sys.executable).with_name("pyside6-lupdate"))


def _extracted(module: str, folder: Path) -> list[tuple[str, str]]:
    """The (context, source) pairs lupdate finds in journal/gui/<module>.py."""
    ts = folder / f"{module}.ts"
    source = ROOT / "journal" / "gui" / f"{module}.py"
    subprocess.run([_lupdate(), str(source), "-ts", str(ts)], check=True, capture_output=True)
    return [
        (context.findtext("name", ""), message.findtext("source", ""))
        for context in ET.parse(ts).getroot().iter("context")
        for message in context.iter("message")
    ]


@pytest.mark.parametrize("module", MODULES)
def test_lupdate_finds_the_module_s_marked_strings(module: str, tmp_path: Path) -> None:
    messages = _extracted(module, tmp_path)
    assert messages, f"journal/gui/{module}.py marks no string for translation"
    # The context is the module's name, so a translator knows where each text is shown.
    assert {context for context, _ in messages} == {module}


class _Wrapping(QTranslator):
    """Answers every text as «text»: what shows wrapped went through the translator."""

    def translate(
        self,
        context: str,
        source: str,
        disambiguation: str | None = None,
        n: int = -1,
    ) -> str:
        return f"«{source}»"


@pytest.fixture
def wrapping() -> Iterator[None]:
    app = QCoreApplication.instance()
    assert app is not None
    translator = _Wrapping()
    app.installTranslator(translator)
    try:
        yield
    finally:
        app.removeTranslator(translator)


def _texts(widget: PromptPanel) -> set[str]:
    return {label.text() for label in widget.findChildren(QLabel)} | {
        button.text() for button in widget.findChildren(QAbstractButton)
    }


@pytest.mark.usefixtures("wrapping")
def test_the_prompt_panel_shows_what_the_translator_says(qtbot: QtBot) -> None:
    panel = PromptPanel()
    qtbot.addWidget(panel)
    texts = _texts(panel)
    assert {"«&Model»", "«&Prompt»", "«Settings»", "«Run  Ctrl+Enter»"} <= texts
    run_tip = panel.can_run()[1]
    assert run_tip.startswith("«") and run_tip.endswith("»")  # why Run is off, translated


@pytest.mark.usefixtures("wrapping")
def test_headers_kept_as_constants_are_translated_where_shown(qtbot: QtBot) -> None:
    model = ExperimentListModel()
    title = model.headerData(Column.TITLE, Qt.Orientation.Horizontal)
    tip = model.headerData(Column.VERDICT, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
    assert title == "«Title»"
    assert tip.startswith("«On how many of the models tried it worked")


@pytest.mark.usefixtures("wrapping")
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
