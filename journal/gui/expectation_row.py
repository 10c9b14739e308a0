"""One expectation as a row of fields, checked by the core as the person types.

The row knows what it shows and whether that is valid; it does not save. Saving, order and
trying belong to the list (expectations_editor), which asks each row for `expectation()`.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from journal.core.errors import InvalidInputError
from journal.core.expectation_form import from_fields, negation_reads_well, value_text
from journal.core.expectations import DEFAULT_SIMILARITY, MAX_TURN, Expectation, Kind, Target
from journal.core.grading import GradeResult, GradeStatus
from journal.gui.i18n import error_text, message_text
from journal.gui.kind_help import kind_help
from journal.gui.translating import QT_TRANSLATE_NOOP

translate = QCoreApplication.translate

ERROR_COLOUR = "#c62828"
MARKS = {
    GradeStatus.PASS: (QT_TRANSLATE_NOOP("expectation_row", "✓ pass"), "#2e7d32"),
    GradeStatus.FAIL: (QT_TRANSLATE_NOOP("expectation_row", "✗ fail"), ERROR_COLOUR),
    GradeStatus.UNSURE: (QT_TRANSLATE_NOOP("expectation_row", "? unsure"), "#b26a00"),
    GradeStatus.ERROR: (QT_TRANSLATE_NOOP("expectation_row", "! not graded"), "#b26a00"),
}

TARGET_CHOICES = {
    QT_TRANSLATE_NOOP("expectation_row", "answer"): (False, False),
    QT_TRANSLATE_NOOP("expectation_row", "thinking"): (True, False),
    QT_TRANSLATE_NOOP("expectation_row", "answer of turn"): (False, True),
    QT_TRANSLATE_NOOP("expectation_row", "thinking of turn"): (True, True),
}
"""What the target box offers: (reads the thinking, names a turn) by the (English) words
shown, translated; each item's data is its English key."""


def _fixed_slot(widget: QWidget) -> None:
    """Keep a field's place when it is hidden, so the rows stay aligned."""
    policy = widget.sizePolicy()
    policy.setRetainSizeWhenHidden(True)
    widget.setSizePolicy(policy)


class ExpectationRow(QWidget):
    """Kind, not, argument, value, name, weight and target; under them one line that says
    why the fields are refused (red) or how the last try went."""

    changed = Signal()  # a field was edited by the person
    remove_requested = Signal()

    def __init__(self, expectation: Expectation | None = None, saved_id: int | None = None) -> None:
        super().__init__()
        self.saved_id = saved_id  # None until the journal has it
        self.saved: Expectation | None = expectation if saved_id is not None else None
        self.adding = False  # an add is on its way to the journal
        self.sent: Expectation | None = self.saved  # what was last handed to the writer
        self.removed = False  # taken out of the list (an add on its way is undone)
        self._loading = False
        self._init_fields()
        self._init_layout()
        self._init_connections()
        self.show_expectation(expectation or Expectation(Kind.CONTAINS))

    def _init_fields(self) -> None:
        self.kind = QComboBox()
        for number, kind in enumerate(Kind):
            self.kind.addItem(kind.value, kind)
            self.kind.setItemData(number, kind_help(kind), Qt.ItemDataRole.ToolTipRole)
        self.kind.setAccessibleName(translate("expectation_row", "Kind"))
        self.kind.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.negated = QCheckBox(translate("expectation_row", "not"))
        self.negated.setToolTip(
            translate("expectation_row", "Turn it around: the run passes when this is NOT so")
        )
        self.arg = QLineEdit()
        self.arg.setPlaceholderText(f"{DEFAULT_SIMILARITY:g}")
        self.arg.setToolTip(translate("expectation_row", "How similar, from 0 to 1 (empty: 0.8)"))
        self.arg.setAccessibleName(translate("expectation_row", "Similarity threshold"))
        self.arg.setFixedWidth(self.arg.fontMetrics().horizontalAdvance("0.888") + 16)
        _fixed_slot(self.arg)
        self.value = QLineEdit()
        self.value.setAccessibleName(translate("expectation_row", "Value"))
        self.value.setToolTip(
            translate("expectation_row", "What to check; \\n stands for a new line")
        )
        self.name = QLineEdit()
        self.name.setPlaceholderText(translate("expectation_row", "name"))
        self.name.setToolTip(
            translate("expectation_row", "A short name to show instead of the rule (optional)")
        )
        self.name.setAccessibleName(translate("expectation_row", "Name"))
        self.name.setFixedWidth(self.name.fontMetrics().horizontalAdvance("m") * 9)
        self.weight = QLineEdit()
        self.weight.setToolTip(
            translate("expectation_row", "Weight in a weighted score (above 0; 1 by default)")
        )
        self.weight.setAccessibleName(translate("expectation_row", "Weight"))
        self.weight.setFixedWidth(self.weight.fontMetrics().horizontalAdvance("00.00") + 16)
        self.target = QComboBox()
        for words in TARGET_CHOICES:
            self.target.addItem(translate("expectation_row", words), words)
        self.target.setToolTip(
            translate(
                "expectation_row",
                "Which text it reads: the answer or the model's thinking, of the run graded or "
                "of one turn of the conversation it ends (turn 1 is the first)",
            )
        )
        self.target.setAccessibleName(translate("expectation_row", "Reads"))
        self.turn = QSpinBox()
        self.turn.setRange(1, 999)  # sized for three digits: wider would crowd the row
        self.turn.setFixedWidth(self.turn.sizeHint().width())
        self.turn.setRange(1, MAX_TURN)
        self.turn.setValue(2)
        self.turn.setToolTip(
            translate(
                "expectation_row",
                "Which turn of the conversation: 1 is its first run, the run graded its last",
            )
        )
        self.turn.setAccessibleName(translate("expectation_row", "Turn"))
        _fixed_slot(self.turn)
        self.remove = QToolButton()
        self.remove.setText("✕")
        self.remove.setAutoRaise(True)
        self.remove.setToolTip(translate("expectation_row", "Remove this expectation (Alt+Delete)"))
        self.remove.setAccessibleName(translate("expectation_row", "Remove"))
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.message.setVisible(False)

    def _init_layout(self) -> None:
        fields = QHBoxLayout()
        fields.setContentsMargins(0, 0, 0, 0)
        fields.setSpacing(4)
        for widget in self.fields():
            fields.addWidget(widget, 1 if widget is self.value else 0)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 2)
        layout.setSpacing(1)
        layout.addLayout(fields)
        layout.addWidget(self.message)

    def _init_connections(self) -> None:
        self.kind.currentIndexChanged.connect(self._on_kind_changed)
        self.negated.toggled.connect(self._on_field_edited)
        self.target.currentIndexChanged.connect(self._on_target_changed)
        self.turn.valueChanged.connect(self._on_field_edited)
        for edit in (self.arg, self.value, self.name, self.weight):
            edit.textEdited.connect(self._on_field_edited)
        self.remove.clicked.connect(self.remove_requested)

    # -- what it shows --------------------------------------------------------------------

    def show_expectation(self, expectation: Expectation) -> None:
        self._loading = True
        try:
            self.kind.setCurrentIndex(self.kind.findData(expectation.kind))
            self.negated.setChecked(expectation.negated)
            self.arg.setText(expectation.arg or "")
            self.value.setText(value_text(expectation))
            self.name.setText(expectation.name)
            self.weight.setText(f"{expectation.weight:g}")
            target = expectation.target
            shown = {reads: text for text, reads in TARGET_CHOICES.items()}
            words = shown[(target.thinking, target.turn is not None)]
            self.target.setCurrentIndex(self.target.findData(words))
            if target.turn is not None:
                self.turn.setValue(target.turn)
        finally:
            self._loading = False
        self._fit_kind()
        self._fit_target()
        self.validate()

    def current_kind(self) -> Kind:
        return Kind(self.kind.currentData())

    def expectation(self) -> Expectation | None:
        """What the fields say, checked by the core; None when it is refused."""
        try:
            return self._read()
        except InvalidInputError:
            return None

    def validate(self) -> Expectation | None:
        """Check the fields now: the core's reason in red under the row, or nothing."""
        try:
            expectation = self._read()
        except InvalidInputError as error:
            self.show_message(error_text(error), ERROR_COLOUR)
            return None
        self.show_message("")
        return expectation

    def show_result(self, result: GradeResult) -> None:
        mark, colour = MARKS[result.status]
        shown = translate("expectation_row", mark)
        # a fresh grade's reason comes as a template: said in the window's language
        reason = result.reason if result.said is None else message_text(result.said)
        said = translate("expectation_row", "{mark}: {reason}").format(mark=shown, reason=reason)
        self.show_message(said, colour)

    def show_trying(self) -> None:
        self.show_message(translate("expectation_row", "trying…"), "")

    def show_message(self, text: str, colour: str = "") -> None:
        self.message.setText(text)
        self.message.setToolTip(text)
        self.message.setStyleSheet(f"color: {colour};" if colour else "")
        self.message.setVisible(bool(text))

    def message_text(self) -> str:
        return "" if self.message.isHidden() else self.message.text()

    def is_trying(self) -> bool:
        """The row shows that its try is under way (no result yet)."""
        return self.message_text() == translate("expectation_row", "trying…")

    def fields(self) -> list[QWidget]:
        """The focusable fields, in tab order."""
        return [
            self.kind,
            self.negated,
            self.arg,
            self.value,
            self.name,
            self.weight,
            self.target,
            self.turn,
            self.remove,
        ]

    # -- internals ------------------------------------------------------------------------

    def _read(self) -> Expectation:
        kind = self.current_kind()
        return from_fields(
            kind,
            self.value.text(),
            negated=self.negated.isChecked(),
            arg=self.arg.text() if kind is Kind.SIMILAR else "",
            name=self.name.text(),
            weight=self.weight.text().strip() or 1.0,
            target=self._target(),
        )

    def _target(self) -> Target:
        thinking, names_turn = TARGET_CHOICES[self.target.currentData()]
        return Target(thinking=thinking, turn=self.turn.value() if names_turn else None)

    def _fit_target(self) -> None:
        """The turn's number only when the target names a turn."""
        self.turn.setVisible(TARGET_CHOICES[self.target.currentData()][1])

    @Slot()
    def _on_target_changed(self) -> None:
        self._fit_target()
        self._on_field_edited()

    def _fit_kind(self) -> None:
        """Offer only the fields the kind takes."""
        kind = self.current_kind()
        self.kind.setToolTip(kind_help(kind))
        self.arg.setVisible(kind is Kind.SIMILAR)
        self.negated.setEnabled(negation_reads_well(kind) or self.negated.isChecked())
        self.value.setEnabled(kind is not Kind.IS_JSON)
        self.value.setPlaceholderText(kind.example.split(":", 1)[-1] if kind.example else "")
        if kind.compares:
            self.value.setPlaceholderText(kind.example[len(kind.value) :])
        elif kind is Kind.IS_JSON:
            self.value.setPlaceholderText(translate("expectation_row", "(takes no value)"))

    @Slot()
    def _on_kind_changed(self) -> None:
        if self._loading:
            return
        if self.current_kind() is Kind.IS_JSON:
            self.value.clear()
        self._fit_kind()
        self._on_field_edited()

    @Slot()
    def _on_field_edited(self) -> None:
        if self._loading:
            return
        self.validate()
        self.changed.emit()
