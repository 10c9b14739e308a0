"""The person's judgement of a run: worked, partly, failed, and why; and, until they give
one, the verdict the grades suggest, shown as a suggestion only."""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from PySide6.QtCore import QCoreApplication, QSize, Qt, Signal, Slot
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from journal.core.domain import Verdict
from journal.gui.elided_tool_button import ElidedToolButton
from journal.gui.table_style import VERDICT_COLOURS
from journal.gui.throttle import Throttle
from journal.gui.translating import QT_TRANSLATE_NOOP

translate = QCoreApplication.translate

ACCEPT_KEYS = "Ctrl+Shift+A"
NOTE_DELAY_MS = 400  # the note is saved once typing pauses this long

VERDICT_LABELS = cast(
    dict[Verdict, tuple[str, str]],
    {
        Verdict.WORKED: (QT_TRANSLATE_NOOP("outcome_panel", "Worked"), "Ctrl+1"),
        Verdict.PARTLY: (QT_TRANSLATE_NOOP("outcome_panel", "Partly"), "Ctrl+2"),
        Verdict.FAILED: (QT_TRANSLATE_NOOP("outcome_panel", "Failed"), "Ctrl+3"),
    },
)


def _verdict_word(verdict: Verdict) -> str:
    """The verdict's label as shown, in lower case, for inside a sentence."""
    return translate("outcome_panel", VERDICT_LABELS[verdict][0]).lower()


def _mark_tip(verdict: Verdict) -> str:
    return translate(
        "outcome_panel", "Mark this run as “{verdict}” ({keys}; again to clear)"
    ).format(verdict=_verdict_word(verdict), keys=VERDICT_LABELS[verdict][1])


class OutcomePanel(QWidget):
    """Verdict buttons (exclusive, click again to clear) and a debounced "why" note."""

    verdict_chosen = Signal(int, object)  # run id, Verdict | None
    why_edited = Signal(int, str)  # run id, note

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._run_id: int | None = None
        self._suggestion: Verdict | None = None
        self._suggestion_why = ""
        self._loading = False
        self._group = QButtonGroup(self)
        self._group.setExclusive(False)  # exclusive by hand, so a second click can clear
        self._buttons: dict[Verdict, QPushButton] = {}
        self._init_rows()
        self._note_later = Throttle(self._emit_note, NOTE_DELAY_MS, debounce=True, parent=self)
        self._group.buttonClicked.connect(self._on_group_clicked)
        self.accept_button.clicked.connect(self.accept_suggestion)
        self.why.textEdited.connect(self._on_why_text_edited)
        self.show_run(None, None, "")

    def _init_rows(self) -> None:
        """The verdict row; under it a second one, which the accept button and the "why"
        field move to when the verdict row has no room for them (half a 1920 screen in
        French)."""
        self._row = QHBoxLayout()
        self._verdict_label = QLabel(translate("outcome_panel", "Verdict"))
        self._row.addWidget(self._verdict_label)
        for verdict, (label, _shortcut) in VERDICT_LABELS.items():
            button = QPushButton(translate("outcome_panel", label))
            button.setCheckable(True)
            button.setToolTip(_mark_tip(verdict))
            button.setObjectName(f"verdict-{verdict.value}")
            self._group.addButton(button)
            self._buttons[verdict] = button
            self._row.addWidget(button)
        self.accept_button = ElidedToolButton()  # gives way on a narrow window
        self.accept_button.setObjectName("acceptSuggestion")
        self.accept_button.setAutoRaise(True)
        self.accept_button.hide()
        self._row.addWidget(self.accept_button)
        self.why = QLineEdit()
        self.why.setPlaceholderText(translate("outcome_panel", "Why?"))
        self.why.setToolTip(
            translate("outcome_panel", "Why this verdict: what worked, what didn't")
        )
        self.why.setClearButtonEnabled(True)
        self._row.addWidget(self.why, 1)
        self._second_row = QHBoxLayout()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._row)
        layout.addLayout(self._second_row)

    # -- room ---------------------------------------------------------------------------

    def wrapped(self) -> bool:
        """Whether the accept button and the "why" field sit on a line of their own, under
        the verdict buttons (a narrow window, a long language)."""
        return self._second_row.indexOf(self.why) >= 0

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """As narrow as the wider of the two lines: the accept button and the "why" field
        move down rather than widen the window."""
        hint = super().minimumSizeHint()
        if getattr(self, "why", None) is None:  # asked while the rows are being built
            return hint
        first = self._width(self._verdict_parts(), lambda part: part.minimumSizeHint())
        second = self._width(self._moving_parts(), lambda part: part.minimumSizeHint())
        return QSize(max(first, second), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._arrange()

    def _verdict_parts(self) -> list[QWidget]:
        """The label and the verdict buttons: always on the first line."""
        return [self._verdict_label, *self._buttons.values()]

    def _moving_parts(self) -> list[QWidget]:
        """The accept button (when shown) and the "why" field, which go down together."""
        shown = self.accept_button.isVisibleTo(self)
        return [self.accept_button, self.why] if shown else [self.why]

    def _width(self, parts: list[QWidget], size_of: Callable[[QWidget], QSize]) -> int:
        spacing = max(0, self._row.spacing()) * (len(parts) - 1)
        return sum(size_of(part).width() for part in parts) + spacing

    def _arrange(self) -> None:
        """All on one line when every part gets the width it asks for; else the accept
        button and the "why" field on the line below, the field as wide as the panel."""
        parts = self._verdict_parts() + self._moving_parts()
        wrap = self.width() < self._width(parts, lambda part: part.sizeHint())
        if wrap == self.wrapped():
            return
        source, target = (self._row, self._second_row) if wrap else (self._second_row, self._row)
        for part in (self.accept_button, self.why):
            source.removeWidget(part)
            target.addWidget(part, 1 if part is self.why else 0)
        self.updateGeometry()

    def run_id(self) -> int | None:
        return self._run_id

    def show_run(self, run_id: int | None, verdict: Verdict | None, why: str) -> None:
        self.flush()
        self._loading = True
        self._run_id = run_id
        for value, button in self._buttons.items():
            button.setChecked(value == verdict)
            button.setEnabled(run_id is not None)
        self.why.setText(why)
        self.why.setEnabled(run_id is not None)
        self._loading = False
        self.set_suggestion(None, "")

    def suggestion(self) -> Verdict | None:
        """The verdict the grades suggest, while the person has not given one."""
        return self._suggestion if self.verdict() is None else None

    def set_suggestion(self, verdict: Verdict | None, why: str) -> None:
        """Show `verdict` as the grades' suggestion (`why`: what they add up to): the
        button outlined, never pressed; the person's own verdict, once given, wins."""
        self._suggestion = verdict if self._run_id is not None else None
        self._suggestion_why = why
        self._show_suggestion()

    def accept_suggestion(self) -> None:
        """Make the suggested verdict the person's (one click, or Ctrl+Shift+A)."""
        suggested = self.suggestion()
        if suggested is not None:
            self.choose(suggested)

    def _show_suggestion(self) -> None:
        suggested = self.suggestion()
        for value, button in self._buttons.items():
            if value is suggested:
                colour = VERDICT_COLOURS[value].name()
                button.setStyleSheet(
                    f"QPushButton {{ border: 2px dashed {colour}; border-radius: 4px;"
                    " padding: 3px 10px; }"
                )
                button.setToolTip(
                    translate(
                        "outcome_panel",
                        "Suggested by the grades ({why}). Click, or {keys}, to make it your "
                        "verdict.",
                    ).format(why=self._suggestion_why, keys=ACCEPT_KEYS)
                )
            else:
                button.setStyleSheet("")
                button.setToolTip(_mark_tip(value))
        self.accept_button.setVisible(suggested is not None)
        self._arrange()
        if suggested is not None:
            self.accept_button.setText(
                translate("outcome_panel", "Suggested: {verdict} ✓").format(
                    verdict=_verdict_word(suggested)
                )
            )
            self.accept_button.setToolTip(
                translate(
                    "outcome_panel",
                    "The grades suggest “{verdict}” ({why}); click or {keys} to accept it",
                ).format(
                    verdict=_verdict_word(suggested), why=self._suggestion_why, keys=ACCEPT_KEYS
                )
            )

    def verdict(self) -> Verdict | None:
        for value, button in self._buttons.items():
            if button.isChecked():
                return value
        return None

    def choose(self, verdict: Verdict | None) -> None:
        """Set a verdict as if clicked (keyboard shortcuts); choosing the current one clears.
        A verdict given from the keyboard is usually followed by its reason: the cursor goes
        to the "why" field, ready to type."""
        if self._run_id is None:
            return
        new = None if verdict is not None and verdict == self.verdict() else verdict
        for value, button in self._buttons.items():
            button.setChecked(value == new)
        self._show_suggestion()
        self.verdict_chosen.emit(self._run_id, new)
        if new is not None:
            # the cursor after a note already there, so typing adds to it, never replaces it
            self.why.setFocus(Qt.FocusReason.OtherFocusReason)
            self.why.end(False)

    def flush(self) -> None:
        """Emit a note still being typed now (before another run is shown)."""
        self._note_later.flush()

    @Slot(object)
    def _on_group_clicked(self, clicked: QPushButton) -> None:
        chosen = next(value for value, button in self._buttons.items() if button is clicked)
        for button in self._buttons.values():
            if button is not clicked:
                button.setChecked(False)
        self._show_suggestion()
        if self._run_id is not None:
            self.verdict_chosen.emit(self._run_id, chosen if clicked.isChecked() else None)

    @Slot()
    def _on_why_text_edited(self) -> None:
        if not self._loading:
            self._note_later()

    def _emit_note(self) -> None:
        if self._run_id is not None:
            self.why_edited.emit(self._run_id, self.why.text())
