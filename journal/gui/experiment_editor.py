"""The experiment's own words: title, hypothesis, expected outcome, tags and conclusion.

Edits are reported in one debounced batch so the window can save them within a second
without a Save button and without a write per keystroke.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QSize, QStringListModel, Qt, Signal, Slot
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCompleter,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from journal.gui.expectations_editor import ExpectationsEditor
from journal.gui.input_set_editor import InputSetEditor
from journal.gui.throttle import Throttle

if TYPE_CHECKING:
    from journal.gui.context import AppContext

translate = QCoreApplication.translate

SAVE_DELAY_MS = 400


class _TagCompleter(QCompleter):
    """Completes the tag being typed after the last comma, not the whole field."""

    def splitPath(self, path: str) -> list[str]:  # noqa: N802 - Qt override
        return [path.rsplit(",", 1)[-1].strip()]

    def pathFromIndex(self, index: Any) -> str:  # noqa: N802 - Qt override
        widget = self.widget()
        typed = widget.text() if isinstance(widget, QLineEdit) else ""
        head = typed.rsplit(",", 1)[0] + ", " if "," in typed else ""
        return f"{head}{index.data()}, "


class _NoteBox(QPlainTextEdit):
    """A note that asks for its smallest height and grows into what is left over, so the
    expectations beside it get their rows first."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(super().sizeHint().width(), self.minimumHeight())


def _note_box(placeholder: str, lines: int) -> QPlainTextEdit:
    box = _NoteBox()
    box.setPlaceholderText(placeholder)
    box.setTabChangesFocus(True)
    height = box.fontMetrics().lineSpacing() * lines + 14
    box.setMinimumHeight(height)
    box.setMaximumHeight(height * 3)
    return box


class ExperimentEditor(QWidget):
    """Shows one experiment; emits `edited` with only the fields that changed."""

    edited = Signal(int, dict)  # experiment id, {field: new value}

    def __init__(self, context: AppContext | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._experiment_id: int | None = None
        self._saved: dict[str, Any] = {}
        self._loading = False
        self._save_later = Throttle(self._emit_changes, SAVE_DELAY_MS, debounce=True, parent=self)
        self._init_fields(context)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(translate("experiment_editor", "Tags"), self.tags)
        form.addRow(translate("experiment_editor", "Hypothesis"), self.hypothesis)
        form.addRow(translate("experiment_editor", "Expected"), self.expected)
        form.addRow("", self.expectations)
        form.addRow("", self.inputs)
        form.addRow(translate("experiment_editor", "Conclusion"), self.conclusion)

        self._empty = QLabel(
            translate("experiment_editor", "Select an experiment, or press Ctrl+N to start one.")
        )
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty.setWordWrap(True)
        self._empty.setEnabled(False)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addWidget(self.title)
        layout.addLayout(form)
        layout.addWidget(self._empty)

        self.title.textEdited.connect(self._on_field_edited)
        self.tags.textEdited.connect(self._on_field_edited)
        for box in (self.hypothesis, self.expected, self.conclusion):
            box.textChanged.connect(self._on_field_edited)
        self.load(None)

    def _init_fields(self, context: AppContext | None) -> None:
        """The title, tags and notes, and the expectations and inputs between them."""
        self.title = QLineEdit()
        self.title.setPlaceholderText(
            translate("experiment_editor", "Untitled experiment — what are you trying?")
        )
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setWeight(QFont.Weight.DemiBold)
        self.title.setFont(font)
        self.title.setFrame(False)
        self.title.setAccessibleName(translate("experiment_editor", "Title"))

        self.tags = QLineEdit()
        self.tags.setPlaceholderText(translate("experiment_editor", "tags, separated by commas"))
        self.tags.setAccessibleName(translate("experiment_editor", "Tags"))
        self._tag_model = QStringListModel(self)
        completer = _TagCompleter(self._tag_model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tags.setCompleter(completer)

        self.hypothesis = _note_box(
            translate("experiment_editor", "Hypothesis: what do you expect, and why?"), 2
        )
        self.expected = _note_box(
            translate("experiment_editor", "Expected outcome: what would count as “it worked”?"), 2
        )
        self.conclusion = _note_box(
            translate("experiment_editor", "Conclusion: what did you learn?"), 2
        )
        # Saves its own rows through the context; loaded and flushed with the rest.
        self.expectations = ExpectationsEditor(context)
        self.inputs = InputSetEditor(context)  # writes each change at once: nothing to flush

    # -- public -----------------------------------------------------------------------

    def experiment_id(self) -> int | None:
        return self._experiment_id

    def load(self, experiment: Any | None) -> None:
        """Show `experiment` (a core Experiment) or an empty state; flushes pending edits."""
        self.flush()
        self._loading = True
        try:
            self._experiment_id = experiment.id if experiment is not None else None
            values = self._values_of(experiment)
            self.title.setText(values["title"])
            self.tags.setText(", ".join(values["tags"]))
            self.hypothesis.setPlainText(values["hypothesis"])
            self.expected.setPlainText(values["expected"])
            self.conclusion.setPlainText(values["conclusion"])
            self._saved = values
        finally:
            self._loading = False
        self.expectations.load(self._experiment_id)
        self.inputs.load(self._experiment_id)
        has = experiment is not None
        for widget in (self.title, self.tags, self.hypothesis, self.expected, self.conclusion):
            widget.setEnabled(has)
        self._empty.setVisible(not has)

    def has_unsaved_edits(self) -> bool:
        """Typed words not yet handed to the writer (the save waits for typing to pause)."""
        return self._experiment_id is not None and self.current_values() != self._saved

    def refresh_fields(self, experiment: Any) -> bool:
        """Show `experiment` as stored now (another program changed it), unless the person
        has unsaved edits: False then, and the fields are kept as typed. Only the fields
        that changed are set, so the cursor stays where it is in the others."""
        if experiment is None or experiment.id != self._experiment_id:
            return True
        values = self._values_of(experiment)
        if values == self._saved:
            return True
        if self.has_unsaved_edits():
            return False
        self._loading = True
        try:
            if values["title"] != self._saved.get("title"):
                self.title.setText(values["title"])
            if values["tags"] != self._saved.get("tags"):
                self.tags.setText(", ".join(values["tags"]))
            for key, box in (
                ("hypothesis", self.hypothesis),
                ("expected", self.expected),
                ("conclusion", self.conclusion),
            ):
                if values[key] != self._saved.get(key):
                    box.setPlainText(values[key])
            self._saved = values
        finally:
            self._loading = False
        return True

    def set_tag_choices(self, tags: list[str]) -> None:
        self._tag_model.setStringList(tags)

    def focus_title(self) -> None:
        self.title.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.title.selectAll()

    def flush(self) -> None:
        """Emit pending edits now (before switching experiments or closing)."""
        self._save_later.flush()
        self.expectations.flush()

    def current_values(self) -> dict[str, Any]:
        from journal.core.queries import normalise_tags

        return {
            "title": self.title.text().strip(),
            "tags": normalise_tags(self.tags.text()),
            "hypothesis": self.hypothesis.toPlainText(),
            "expected": self.expected.toPlainText(),
            "conclusion": self.conclusion.toPlainText(),
        }

    # -- internals ----------------------------------------------------------------------

    @staticmethod
    def _values_of(experiment: Any | None) -> dict[str, Any]:
        if experiment is None:
            return {"title": "", "tags": [], "hypothesis": "", "expected": "", "conclusion": ""}
        return {
            "title": experiment.title,
            "tags": list(experiment.tags),
            "hypothesis": experiment.hypothesis,
            "expected": experiment.expected,
            "conclusion": experiment.conclusion,
        }

    @Slot()
    def _on_field_edited(self) -> None:
        if not self._loading and self._experiment_id is not None:
            self._save_later()

    def _emit_changes(self) -> None:
        if self._experiment_id is None:
            return
        values = self.current_values()
        changes = {key: value for key, value in values.items() if self._saved.get(key) != value}
        if changes:
            self._saved.update(changes)
            self.edited.emit(self._experiment_id, changes)
