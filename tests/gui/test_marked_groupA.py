# ruff: noqa: N999 - the file name is the group's (test_marked_<group>.py)
"""Group A of the window's modules is marked for translation (issue 15): lupdate finds their
strings, and what they show really goes through the installed translator."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from journal.gui.batch_window import plan_text
from journal.gui.options_panel import OptionsPanel
from journal.gui.run_display import replay_notice
from journal.gui.window_actions import build_actions

GUI = Path(__file__).resolve().parents[2] / "journal" / "gui"
# tasks.py is left out: it shows nothing (its one message is a RuntimeError for a programmer).
MARKED = (
    "window_actions",
    "options_panel",
    "check_window",
    "batch_window",
    "run_display",
    "run_controller",
    "context",
    "grading_relay",
)


@pytest.mark.parametrize("module", MARKED)
def test_lupdate_finds_the_marked_strings_of(module: str, tmp_path: Path) -> None:
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    ts = tmp_path / f"{module}.ts"
    subprocess.run(
        [str(lupdate), str(GUI / f"{module}.py"), "-ts", str(ts)], check=True, capture_output=True
    )
    assert f"<name>{module}</name>" in ts.read_text(encoding="utf-8")
    assert "<message" in ts.read_text(encoding="utf-8")


class Guillemets(QTranslator):
    """Every text comes back as «source»: a text shown without them was never translated."""

    def translate(  # Qt override
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str:
        return f"«{source}»"

    def isEmpty(self) -> bool:  # noqa: N802 - Qt override
        return False


@pytest.fixture
def guillemets(qapp: Any) -> Iterator[Guillemets]:
    translator = Guillemets()
    QCoreApplication.installTranslator(translator)
    yield translator
    QCoreApplication.removeTranslator(translator)


def test_the_options_panel_speaks_through_the_translator(
    qtbot: QtBot, guillemets: Guillemets
) -> None:
    panel = OptionsPanel()
    qtbot.addWidget(panel)
    allow = panel.editor("allow_unknown")
    assert allow.property("text") == "«Allow unknown options»"
    assert allow.toolTip().startswith("«Send option names Ollama does not know.")
    assert panel.editor("temperature").placeholderText() == "«default»"  # type: ignore[attr-defined]
    panel.set_model_defaults({"temperature": 0.7})
    assert panel.editor("temperature").placeholderText() == "«0.7 (model default)»"  # type: ignore[attr-defined]
    # The think choice is shown translated, yet what is sent stays the word the core parses.
    think = panel.editor("think")
    assert think.property("currentText") == "«Default»"
    assert panel.think() is None
    think.setProperty("currentIndex", 5)
    assert think.property("currentText") == "«High»"
    assert panel.think() == "high"
    panel.set_values({}, think=True)
    assert think.property("currentText") == "«On»"
    assert panel.request_fields() == {"think": True}


class _Anything:
    """Any slot path the action table names (the test only reads the menus)."""

    def __getattr__(self, _name: str) -> _Anything:
        return self

    def __call__(self, *_args: Any) -> None:
        return None


class _Window(QMainWindow):
    def __getattr__(self, _name: str) -> _Anything:
        return _Anything()


def test_the_menus_and_what_f1_says_go_through_the_translator(
    qtbot: QtBot, guillemets: Guillemets
) -> None:
    window = _Window()
    qtbot.addWidget(window)
    actions = build_actions(window)
    titles = [action.text() for action in window.menuBar().actions()]
    assert titles == ["«&File»", "«&Edit»", "«&Run»", "«&View»", "«&Models»", "«&Help»"]
    assert actions["replay"].text() == "«Re&play the selected run»"
    assert actions["replay"].whatsThis() == (
        "«Replay the selected run: same model, prompt, options and seed»"
    )
    assert actions["details"].whatsThis() == "«Model details…»"  # no "does": the menu text


def test_counts_and_notices_go_through_the_translator(guillemets: Guillemets) -> None:
    # Qt puts the count in after the translator answered: "«3 row(s)»" here, "3 lignes" in French.
    assert plan_text(3, 2, 1) == "«3 row(s)» × «2 model(s)» = «6 run(s)»"
    run = SimpleNamespace(replay_of_id=3, model="m:1b", replay_info={})
    assert replay_notice(run) == "«Replay of run 3.»"  # type: ignore[arg-type]
