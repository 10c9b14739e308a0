"""Every text the main window shows goes through the translator (issue 15): with a
pseudo-translation installed, nothing but user data, model names, Ollama's own words and
numbers is left unwrapped, before and after a run."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from journal.gui.format_setting import SCHEMA_EXAMPLE
from tests.fake_ollama import FakeModel, FakeOllama
from tests.gui.pseudo_translation import pseudo_translation, unmarked_texts
from tests.gui.window_setup import started_window

OPTION_NAMES = (
    "temperature",
    "top_p",
    "top_k",
    "seed",
    "num_ctx",
    "num_predict",
    "keep_alive",
    "think",
    "stop",
    "extra",
)
PROMPT = "What is the capital of France?"
ANSWER = "Paris."


def test_the_main_window_shows_only_marked_text_before_and_after_a_run(
    qtbot: QtBot, db_path: Path, tmp_path: Path, fake_ollama: FakeOllama
) -> None:
    fake_ollama.add_model(FakeModel("tiny:1b", reply=lambda m, o: ANSWER))
    with (
        pseudo_translation(),
        started_window(qtbot, db_path, fake_ollama.url, tmp_path) as window,
    ):
        shown_as_is = [
            str(db_path),
            fake_ollama.url,
            *fake_ollama.models,
            *(model.digest[:12] for model in fake_ollama.models.values()),
            "llama · 8.0B · Q4_0",  # what Ollama says of a model: family, size, quantisation
            *OPTION_NAMES,  # as the CLI and Ollama spell them
            "stop",  # Ollama's done reason
            SCHEMA_EXAMPLE,  # JSON, not words
            PROMPT,
            ANSWER,
        ]
        assert unmarked_texts(window, allowed=shown_as_is) == []
        window.prompt_panel.model_picker.set_current_model("tiny:1b")
        window.prompt_panel.set_prompt(PROMPT)
        with qtbot.waitSignal(window.runs.finished, timeout=15_000):
            QTest.keyClick(
                window.prompt_panel, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
            )
        qtbot.waitUntil(lambda: ANSWER in window.answer_view.answer_text())
        # the ended run's grading is written after it: let it land before the window goes
        qtbot.waitUntil(lambda: window.context.grading.pending == 0)
        assert window.context.wait_for_writes()
        assert unmarked_texts(window, allowed=shown_as_is) == []
