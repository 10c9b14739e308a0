# ruff: noqa: N999 - the file name is the group's, as the task names it
"""Marking group C (issue 15): every module of the group with visible text keeps it marked
for translation (pyside6-lupdate finds its messages), and what the widgets show really goes
through the installed translator."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTranslator
from PySide6.QtWidgets import QPushButton
from pytestqt.qtbot import QtBot

GUI = Path(__file__).resolve().parents[2] / "journal" / "gui"

# The group's modules that show text; the others of the group (banner, elided_label,
# table_style, throttle, list_filter, ollama_status, resources, dialog_helpers,
# experiment_browser) hold none of their own: their callers pass it in translated.
MARKED = (
    "check_runner",
    "crash_dialog",
    "expectation_trial",
    "fan_out_dialog",
    "follow_up",
    "format_setting",
    "grade_marks",
    "grading_controls",
    "help_dialogs",
    "image_strip",
    "import_dialog",
    "input_set_model",
    "live_refresh",
    "matrix_dialog",
    "model_details_dialog",
    "models_dialog",
    "outcome_panel",
    "pull_dialog",
    "run_history",
    "run_images",
    "status_display",
    "trash_actions",
    "trash_dialog",
    "variables_form",
    "window_dialogs",
)


def _lupdate() -> str:
    found = Path(sys.executable).with_name("pyside6-lupdate")
    return str(found) if found.exists() else shutil.which("pyside6-lupdate") or "pyside6-lupdate"


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    """What pyside6-lupdate finds in the group's modules: file name -> contexts."""
    ts = tmp_path_factory.mktemp("lupdate") / "groupC.ts"
    files = [str(GUI / f"{module}.py") for module in MARKED]
    subprocess.run([_lupdate(), *files, "-ts", str(ts)], check=True, capture_output=True)
    found: dict[str, set[str]] = {}
    for context in ET.parse(ts).getroot().iter("context"):
        for message in context.iter("message"):
            for location in message.iter("location"):
                name = Path(location.get("filename", "")).stem
                found.setdefault(name, set()).add(context.findtext("name") or "")
    return found


@pytest.mark.parametrize("module", MARKED)
def test_module_keeps_its_strings_marked(module: str, extracted: dict[str, set[str]]) -> None:
    assert module in extracted, f"pyside6-lupdate finds no marked string in {module}.py"
    assert extracted[module] == {module}  # the context is the file's own name


class _Wrapping(QTranslator):
    """Every text, wrapped in « »: what reaches the screen unwrapped was not marked."""

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str:
        return "«" + source + "»"


@pytest.fixture
def wrapping(qtbot: QtBot) -> Iterator[None]:
    translator = _Wrapping()
    QCoreApplication.installTranslator(translator)
    yield
    QCoreApplication.removeTranslator(translator)


def test_dialogs_show_their_text_through_the_translator(qtbot: QtBot, wrapping: None) -> None:
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


def test_counts_and_verdicts_go_through_the_translator(qtbot: QtBot, wrapping: None) -> None:
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
