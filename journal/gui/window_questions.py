"""The questions the main window asks the person (save where, pull, stop, quit unsaved).

MainWindow keeps a classmethod for each, so tests can answer for the person; the dialogs
themselves live here, and their Qt classes are imported when asked: each costs start-up time
the window need not.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QWidget

translate = QCoreApplication.translate


def ask_save_path(parent: QWidget) -> str:
    from PySide6.QtWidgets import QFileDialog

    path, _ = QFileDialog.getSaveFileName(
        parent,
        translate("window_questions", "Save the answer as"),
        "answer.md",
        translate("window_questions", "Text (*.md *.txt);;All files (*)"),
    )
    return path


def offer_pull(parent: QWidget, model: str) -> bool:
    from PySide6.QtWidgets import QMessageBox

    answer = QMessageBox.question(
        parent,
        translate("window_questions", "Model not available"),
        translate(
            "window_questions", "{model} is not on this Ollama any more. Pull it now?"
        ).format(model=model),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes,
    )
    return answer == QMessageBox.StandardButton.Yes


def ask_stop_running(parent: QWidget) -> bool:
    from PySide6.QtWidgets import QMessageBox

    answer = QMessageBox.question(
        parent,
        translate("window_questions", "A run is still streaming"),
        translate(
            "window_questions",
            "An answer is still streaming. Stop it and quit?\n\n"
            "The text received so far is kept in the journal.",
        ),
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def ask_unsaved(parent: QWidget, reason: str) -> str:
    """ "save", "quit" or "cancel" for an answer the journal has not taken yet."""
    from PySide6.QtWidgets import QMessageBox

    box = QMessageBox(
        QMessageBox.Icon.Warning,
        translate("window_questions", "The answer is not saved"),
        translate(
            "window_questions",
            "The last answer is not in the journal yet: {reason}\n\n"
            "Quitting now keeps only what was saved before. Save the answer to a file first?",
        ).format(reason=reason),
        QMessageBox.StandardButton.Save
        | QMessageBox.StandardButton.Discard
        | QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setDefaultButton(QMessageBox.StandardButton.Save)
    choice = box.exec()
    if choice == QMessageBox.StandardButton.Save:
        return "save"
    return "quit" if choice == QMessageBox.StandardButton.Discard else "cancel"
