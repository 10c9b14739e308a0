"""The pieces every dialog builds the same way (journal/gui/dialog_helpers.py)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QVBoxLayout
from pytestqt.qtbot import QtBot

from journal.core.word_diff import word_diff
from journal.gui.dialog_helpers import (
    busy_bar,
    diff_html,
    error_label,
    fit_height,
    hint_label,
    plain_html,
)


def test_an_error_label_is_hidden_plain_bold_and_copyable(qtbot: QtBot) -> None:
    label = error_label()
    qtbot.addWidget(label)
    assert label.isHidden()
    assert label.textFormat() is Qt.TextFormat.PlainText  # messages quote people and models
    assert label.font().bold() and label.wordWrap()
    assert label.textInteractionFlags() & Qt.TextInteractionFlag.TextSelectableByMouse


def test_a_hint_is_plain_wrapped_text_and_a_busy_bar_waits_hidden(qtbot: QtBot) -> None:
    hint = hint_label("<b>a title</b>")
    qtbot.addWidget(hint)
    assert hint.textFormat() is Qt.TextFormat.PlainText and hint.wordWrap()
    bar = busy_bar()
    qtbot.addWidget(bar)
    assert bar.isHidden() and (bar.minimum(), bar.maximum()) == (0, 0)


def test_diff_html_marks_changes_and_escapes_model_text() -> None:
    html = diff_html(word_diff("The <b>Nile</b> is long.", "The <b>Amazon</b> is long."))
    assert "line-through" in html and "&lt;b&gt;" in html and "<b>" not in html
    assert "Nile" in html and "Amazon" in html
    assert plain_html("a <i>\nb") == '<div style="white-space:pre-wrap">a &lt;i&gt;<br>b</div>'


def test_fit_height_grows_a_window_for_a_message_that_just_appeared(qtbot: QtBot) -> None:
    dialog = QDialog()
    qtbot.addWidget(dialog)
    layout = QVBoxLayout(dialog)
    message = QLabel()
    message.setWordWrap(True)
    layout.addWidget(message)
    dialog.resize(200, 40)
    dialog.show()
    message.setText("a message long enough to need several lines at this width " * 4)
    fit_height(dialog)
    assert dialog.height() > 40
