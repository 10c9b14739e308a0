"""The window keeps its shape: it fits half of a 1920-wide screen, and nothing changes width
when a run starts, streams and ends, or when Settings open."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QPoint, QSettings, Qt
from PySide6.QtGui import QHelpEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QToolTip
from pytestqt.qtbot import QtBot

from journal.gui.elided_label import ElidedLabel
from journal.gui.elided_tool_button import ElidedToolButton
from journal.gui.expectations_editor import ExpectationsEditor
from journal.gui.i18n import install_language, remove_language
from journal.gui.main_window import MainWindow
from journal.gui.prompt_panel import PromptPanel
from journal.gui.settings_store import SettingsStore
from journal.gui.shortcut_button import ShortcutButton
from tests.fake_ollama import FakeModel, FakeOllama
from tests.gui.window_setup import started_window

LONG_ANSWER = "A river that crosses borders " * 40


@pytest.fixture
def window(
    qtbot: QtBot, db_path: Path, tmp_path: Path, fake_ollama: FakeOllama
) -> Iterator[MainWindow]:
    fake_ollama.add_model(FakeModel("long:1b", reply=lambda m, o: LONG_ANSWER))
    with started_window(qtbot, db_path, fake_ollama.url, tmp_path) as window:
        yield window


def _widths(window: MainWindow) -> tuple[list[int], ...]:
    return (
        window.main_splitter.sizes(),
        window.work_splitter.sizes(),
        window.right_splitter.sizes(),
    )


def _open_new_experiment(qtbot: QtBot, window: MainWindow) -> None:
    QTest.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.editor.experiment_id() is not None)


def test_the_window_fits_half_of_a_1920_wide_screen(qtbot: QtBot, window: MainWindow) -> None:
    _open_new_experiment(qtbot, window)
    window.editor.expectations.add_line.setText("contains:Paris")
    window.editor.expectations.add_button.click()
    hint = window.minimumSizeHint()
    assert hint.width() <= 960 and hint.height() <= 640, hint
    window.resize(960, 640)
    qtbot.waitUntil(lambda: window.width() == 960)
    # everything of the experiment fits the width: its notes scroll down, never sideways
    assert window.editor.minimumSizeHint().width() <= window.editor_area.viewport().width()
    assert window.prompt_panel.run_button.isVisible()
    assert not window.prompt_panel.run_button.visibleRegion().isEmpty()


@pytest.fixture
def french(qapp: QApplication) -> Iterator[None]:
    """The window's French, installed before the window is built (as at start-up)."""
    translators = install_language(qapp, "fr")
    try:
        yield
    finally:
        remove_language(qapp, translators)


def test_the_french_window_fits_half_of_a_1920_wide_screen(
    qtbot: QtBot, french: None, db_path: Path, tmp_path: Path, fake_ollama: FakeOllama
) -> None:
    with started_window(qtbot, db_path, fake_ollama.url, tmp_path) as window:
        _open_new_experiment(qtbot, window)
        window.editor.expectations.add_line.setText("contains:Paris")
        window.editor.expectations.add_button.click()
        run_button = window.prompt_panel.run_button
        window.resize(1920, 1080)
        qtbot.waitUntil(lambda: run_button.text() == "Exécuter  Ctrl+Entrée")  # room: all of it
        hint = window.minimumSizeHint()
        assert hint.width() <= 960 and hint.height() <= 640, hint
        window.resize(960, 640)
        qtbot.waitUntil(lambda: window.width() == 960)
        assert window.editor.minimumSizeHint().width() <= window.editor_area.viewport().width()
        why = window.outcome.why
        assert why.placeholderText() == "Pourquoi ?"
        # the verdict row is not cut: "Pourquoi ?" shows whole, on the line below if need be
        qtbot.waitUntil(lambda: why.width() >= why.sizeHint().width())
        assert not why.visibleRegion().isEmpty()
        assert run_button.text() in ("Exécuter", "Exécuter  Ctrl+Entrée")
        assert not run_button.visibleRegion().isEmpty()
        window.prompt_panel.set_prompt("Nomme trois fleuves")
        assert run_button.isEnabled() and "Ctrl+Entrée" in run_button.toolTip()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_window_with_a_suggested_verdict_fits_half_of_a_1920_wide_screen(
    qtbot: QtBot,
    qapp: QApplication,
    language: str,
    db_path: Path,
    tmp_path: Path,
    fake_ollama: FakeOllama,
) -> None:
    """The grades' "Suggested: partly ✓" button gives way (to "…partly ✓" and less) rather
    than widening the window; its tooltip says the suggestion whole."""
    fake_ollama.add_model(FakeModel("geo:1b", reply=lambda m, o: "Paris is the capital."))
    translators = install_language(qapp, language)  # as at start-up
    try:
        with started_window(qtbot, db_path, fake_ollama.url, tmp_path) as window:
            _open_new_experiment(qtbot, window)
            for line in ("contains:Paris", "contains:Berlin"):
                window.editor.expectations.add_line.setText(line)
                window.editor.expectations.add_button.click()
            window.prompt_panel.model_picker.set_current_model("geo:1b")
            window.prompt_panel.set_prompt("What is the capital of France?")
            window.resize(1920, 1080)
            accept = window.outcome.accept_button
            with qtbot.waitSignal(window.runs.finished, timeout=15_000):
                QTest.keyClick(
                    window.prompt_panel, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier
                )
            qtbot.waitUntil(accept.isVisible, timeout=10_000)
            partly = "en partie" if language == "fr" else "partly"
            suggested = ("Suggéré : " if language == "fr" else "Suggested: ") + partly + " ✓"
            assert accept.text() == suggested
            qtbot.waitUntil(lambda: accept.shown_text() == suggested)  # room: all of it
            hint = window.minimumSizeHint()
            assert hint.width() <= 960 and hint.height() <= 640, hint
            window.resize(960, 640)
            qtbot.waitUntil(lambda: window.width() == 960)
            assert accept.isVisible() and not accept.visibleRegion().isEmpty()
            assert accept.width() >= accept.minimumSizeHint().width()
            # on the verdict row if it fits there, else on the line under it: whole
            qtbot.waitUntil(lambda: accept.shown_text() == suggested)
            assert accept.width() >= accept.sizeHint().width()
            assert partly in accept.toolTip()  # the tooltip says what is suggested
            why = window.outcome.why  # the note field has room for its "Why?" and more
            qtbot.waitUntil(lambda: why.width() >= why.sizeHint().width())
            assert not why.visibleRegion().isEmpty()
            answer_pane = window.display.answer_pane
            assert answer_pane.width() >= answer_pane.minimumSizeHint().width()
    finally:
        remove_language(qapp, translators)


def test_a_suggestion_button_keeps_the_end_of_its_text_when_short_of_room(
    qtbot: QtBot,
) -> None:
    button = ElidedToolButton()
    qtbot.addWidget(button)
    button.setText("Suggested: partly ✓")
    assert button.minimumSizeHint().width() < button.sizeHint().width()
    button.resize(button.sizeHint())
    button.show()
    assert button.shown_text() == "Suggested: partly ✓"
    button.resize(button.sizeHint().width() - 30, button.height())
    assert button.shown_text().startswith("…") and button.shown_text().endswith("partly ✓")
    button.resize(button.minimumSizeHint())
    assert button.shown_text() == "…✓"
    assert button.text() == "Suggested: partly ✓"


def test_a_run_button_shows_its_key_only_when_there_is_room(qtbot: QtBot) -> None:
    button = ShortcutButton("Run  Ctrl+Enter", "Run")
    qtbot.addWidget(button)
    assert button.minimumSizeHint().width() < button.sizeHint().width()
    button.resize(button.sizeHint())
    button.show()
    assert button.text() == "Run  Ctrl+Enter"
    button.resize(button.minimumSizeHint())
    assert button.text() == "Run"
    button.resize(button.sizeHint().width() + 40, button.height())
    assert button.text() == "Run  Ctrl+Enter"


def test_the_english_run_row_keeps_its_keys_at_its_narrowest(qtbot: QtBot) -> None:
    panel = PromptPanel()
    qtbot.addWidget(panel)
    panel.resize(panel.minimumSizeHint())
    panel.show()
    qtbot.waitUntil(panel.isVisible)
    assert panel.run_button.text() == "Run  Ctrl+Enter"
    assert panel.stop_button.text() == "Stop  Esc"


def test_the_french_hint_under_expectations_wraps_rather_than_being_cut(
    qtbot: QtBot, french: None
) -> None:
    editor = ExpectationsEditor(None)
    qtbot.addWidget(editor)
    editor.resize(420, 300)
    editor.show()
    qtbot.waitUntil(editor.isVisible)
    said = QCoreApplication.translate(
        "expectations_editor", "No expectations yet: type one above (like contains:Paris) or Add."
    )
    assert said.startswith("Aucune attente")
    (hint,) = [label for label in editor.findChildren(QLabel) if label.text() == said]
    box = hint.contentsRect()
    needed = hint.fontMetrics().boundingRect(box, Qt.TextFlag.TextWordWrap, hint.text())
    assert hint.wordWrap() and box.contains(needed), (box, needed)


def test_nothing_changes_width_when_a_run_starts_streams_and_ends(
    qtbot: QtBot, window: MainWindow, fake_ollama: FakeOllama
) -> None:
    fake_ollama.chunk_delay = 0.005
    window.resize(1366, 768)
    _open_new_experiment(qtbot, window)
    window.prompt_panel.model_picker.set_current_model("long:1b")
    window.prompt_panel.set_prompt("Name three rivers " * 30)
    QApplication.processEvents()
    before, size = _widths(window), window.size()
    QTest.keyClick(window.prompt_panel, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(window.answer_view.answer_text()) > 100, timeout=10_000)
    assert _widths(window) == before
    with qtbot.waitSignal(window.runs.finished, timeout=15_000):
        pass
    QApplication.processEvents()
    assert window.display.stats_label.text()  # the long line of figures is there...
    assert _widths(window) == before  # ...and pushed nothing
    window.prompt_panel.set_settings_expanded(True)
    QApplication.processEvents()
    assert window.size() == size  # opening Settings never grows the window
    assert _widths(window)[0] == before[0]


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # offscreen: no stacking
def test_a_cut_label_shows_its_whole_text_on_hover(qtbot: QtBot) -> None:
    label = ElidedLabel("llama3:8b @ 925b2caf9832 · 90 tokens · 28.2 tok/s · first token 11 ms")
    qtbot.addWidget(label)
    label.resize(80, 20)
    label.show()
    assert label.is_elided() and label.shown_text().endswith("…")
    event = QHelpEvent(QEvent.Type.ToolTip, QPoint(5, 5), label.mapToGlobal(QPoint(5, 5)))
    QApplication.sendEvent(label, event)
    assert QToolTip.text() == label.text()
    label.resize(2000, 20)
    assert not label.is_elided()


def test_the_first_size_fits_a_short_screen(qtbot: QtBot, db_path: Path, tmp_path: Path) -> None:
    """On a screen shorter than 820 px (the test screen is 800 high) the window opens within
    it, status bar and all; a saved geometry would win."""
    settings = SettingsStore(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    window = MainWindow(db=str(db_path), host="http://127.0.0.1:9", settings=settings)
    qtbot.addWidget(window)
    free = window.screen().availableGeometry()
    assert free.height() < 820
    assert window.height() <= free.height()
