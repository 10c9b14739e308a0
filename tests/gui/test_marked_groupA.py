# ruff: noqa: N999 - the file name is the group's (test_marked_<group>.py)
"""Group A of the window's modules is marked for translation (issue 15): lupdate finds their
strings, and what they show really goes through the installed translator."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from journal.gui.batch_window import plan_text
from journal.gui.options_panel import OptionsPanel
from journal.gui.run_display import replay_notice
from journal.gui.window_actions import build_actions


def test_the_options_panel_speaks_through_the_translator(qtbot: QtBot, guillemets: None) -> None:
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
    qtbot: QtBot, guillemets: None
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


def test_counts_and_notices_go_through_the_translator(guillemets: None) -> None:
    # Qt puts the count in after the translator answered: "«3 row(s)»" here, "3 lignes" in French.
    assert plan_text(3, 2, 1) == "«3 row(s)» × «2 model(s)» = «6 run(s)»"
    run = SimpleNamespace(replay_of_id=3, model="m:1b", replay_info={})
    assert replay_notice(run) == "«Replay of run 3.»"  # type: ignore[arg-type]
