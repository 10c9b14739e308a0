"""The inputs of the experiment shown, under its expectations: a table of cases, one column
per {{variable}}, edited cell by cell, filled by pasting from a spreadsheet.

Every change is written at once through the context, in order with the window's other
writes; the core checks it first (a refused cell keeps its text and the reason shows in
red). Pasted rows are read and checked whole by the core and written in one go, so a paste
adds all its rows or none. Runs never change: each keeps the values it was made with.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QSize, Qt, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from journal.core.errors import InvalidInputError, JournalError
from journal.core.input_rows import EXPECTATION_COLUMNS, check_row, read_pasted
from journal.gui.dialog_helpers import error_label
from journal.gui.elided_label import ElidedLabel
from journal.gui.i18n import error_text
from journal.gui.input_set_model import InputSetModel
from journal.gui.translating import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from sqlmodel import Session

    from journal.core.input_sets import RowInput, SavedRow
    from journal.gui.context import AppContext

translate = QCoreApplication.translate

ADD_ROW_KEYS = "Ctrl+Shift+N"
ROWS_SHOWN = 4.5  # the table's height in rows: it scrolls beyond, never grows
EMPTY = QT_TRANSLATE_NOOP(
    "input_set_editor", "No inputs yet: paste rows from a spreadsheet (Ctrl+V) or add a row"
)


class _InputsTable(QTableView):
    """Asks for ROWS_SHOWN rows, whatever their number, so nothing moves as rows come."""

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(super().sizeHint().width(), self.maximumHeight())


class InputSetEditor(QWidget):
    """Reads and writes the shown experiment's input rows through the context."""

    def __init__(self, context: AppContext | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._context = context
        self._experiment_id: int | None = None
        self._prompt_templates: Callable[[], Sequence[str]] = list
        self.model = InputSetModel(self)
        self._init_header()
        self._init_table()
        self._init_layout()
        self._init_actions()
        self._init_connections()
        self.load(None)

    def _init_header(self) -> None:
        self.toggle = QToolButton()
        self.toggle.setText(translate("input_set_editor", "&Inputs"))
        self.toggle.setCheckable(True)  # folded at first: the notes above need the room
        self.toggle.setAutoRaise(True)
        self.toggle.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.toggle.setToolTip(translate("input_set_editor", "Show or hide the inputs (Alt+I)"))
        self.summary = ElidedLabel()
        self.summary.setEnabled(False)  # muted
        self.summary.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.add_row_button = QPushButton(translate("input_set_editor", "Add ro&w"))
        self.add_row_button.setToolTip(
            translate("input_set_editor", "Add an empty row at the end ({keys})").format(
                keys=ADD_ROW_KEYS
            )
        )
        self.add_column_button = QPushButton(translate("input_set_editor", "Add c&olumn"))
        self.add_column_button.setToolTip(
            translate(
                "input_set_editor",
                "Add a variable to every row (or the expect column, for a row's own expectations)",
            )
        )
        self.paste_button = QPushButton(translate("input_set_editor", "Paste"))
        self.paste_button.setToolTip(
            translate(
                "input_set_editor",
                "Add the rows copied from a spreadsheet (Ctrl+V); a first line of column names "
                "says which cell goes where",
            )
        )
        self.remove_button = QPushButton(translate("input_set_editor", "Remove"))
        self.remove_button.setToolTip(
            translate("input_set_editor", "Remove the selected rows (Delete)")
        )

    def _init_table(self) -> None:
        self.table = _InputsTable()
        self.table.setModel(self.model)
        self.table.setAccessibleName(translate("input_set_editor", "Inputs"))
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setDefaultSectionSize(180)
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        line = self.table.fontMetrics().height() + 6  # one line of text a row, as the lists
        rows.setMinimumSectionSize(line)
        rows.setDefaultSectionSize(line)
        frame = 2 * self.table.frameWidth()
        self.table.setMinimumHeight(header.sizeHint().height() + line + frame)
        self.table.setMaximumHeight(int(header.sizeHint().height() + line * ROWS_SHOWN + frame))
        self.table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.message = error_label()
        self.message.setWordWrap(False)
        self.message.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def _init_layout(self) -> None:
        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.addWidget(self.toggle)
        header.addWidget(self.summary, 1)
        for button in (
            self.add_row_button,
            self.add_column_button,
            self.paste_button,
            self.remove_button,
        ):
            header.addWidget(button)
        self.body = QWidget()
        body = QVBoxLayout(self.body)
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(2)
        body.addWidget(self.table)
        body.addWidget(self.message)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(header)
        layout.addWidget(self.body)
        chain = [
            self.toggle,
            self.add_row_button,
            self.add_column_button,
            self.paste_button,
            self.remove_button,
            self.table,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _init_actions(self) -> None:
        def action(keys: QKeySequence | str, slot: Callable[[], None], owner: QWidget) -> None:
            item = QAction(owner)
            item.setShortcut(QKeySequence(keys))
            item.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            item.triggered.connect(slot)
            owner.addAction(item)

        action(ADD_ROW_KEYS, self.add_row, self)
        action(QKeySequence(QKeySequence.StandardKey.Paste), self.paste_clipboard, self.table)
        action(QKeySequence(QKeySequence.StandardKey.Delete), self.remove_selected, self.table)

    def _init_connections(self) -> None:
        self.toggle.toggled.connect(self._on_toggle_toggled)
        self._on_toggle_toggled(False)
        self.add_row_button.clicked.connect(self.add_row)
        self.add_column_button.clicked.connect(self.ask_add_column)
        self.paste_button.clicked.connect(self.paste_clipboard)
        self.remove_button.clicked.connect(self.remove_selected)
        self.table.horizontalHeader().sectionDoubleClicked.connect(self._on_header_double_clicked)
        self.table.selectionModel().selectionChanged.connect(self._refresh)
        self.model.row_edited.connect(self._on_model_row_edited)
        self.model.edit_refused.connect(self._show_message)

    # -- what is shown --------------------------------------------------------------------

    def set_prompt_source(self, templates: Callable[[], Sequence[str]]) -> None:
        """Where the prompt and system prompt come from: their {{variables}} are the columns
        of a set that has none yet."""
        self._prompt_templates = templates

    def load(self, experiment_id: int | None) -> None:
        """Show the input rows of `experiment_id` (None: nothing)."""

        def read(session: Session) -> list[SavedRow]:
            from journal.core.input_sets import list_rows

            assert experiment_id is not None
            return list_rows(session, experiment_id)

        found = None
        if experiment_id is not None and self._context is not None:
            found = self._context.read(read)
        self._experiment_id = experiment_id if found is not None else None
        self.model.set_rows(found or [])
        self._show_message("")
        self.setEnabled(self._experiment_id is not None)
        self._refresh()

    def reload(self) -> None:
        """Read the rows again (after an import, or a change written here)."""
        self.load(self._experiment_id)

    # -- changing rows --------------------------------------------------------------------

    @Slot()
    def add_row(self) -> None:
        """An empty row at the end, its first cell ready to type in."""
        columns = self._columns_for_new_rows()
        if not columns:
            name = self.ask_column_name(
                translate("input_set_editor", "Add a row"),
                translate("input_set_editor", "The first variable of the inputs:"),
                "",
            )
            if not name:
                return
            columns = [name]
        try:
            row = check_row(dict.fromkeys(columns, ""))
        except InvalidInputError as error:
            self._show_message(error_text(error))
            return
        self._add_rows([row], edit_first=True)

    @Slot()
    def paste_clipboard(self) -> None:
        self.paste_text(QApplication.clipboard().text())

    def paste_text(self, text: str) -> None:
        """Add the rows of a spreadsheet's copied cells, all or none (see read_pasted)."""
        if self._experiment_id is None:
            return
        columns = self.model.columns() if self.model.rowCount() else self._prompt_variables()
        try:
            rows = read_pasted(text, columns)
        except InvalidInputError as error:
            self._show_message(error_text(error))
            return
        self._add_rows(rows)

    @Slot()
    def remove_selected(self) -> None:
        """Remove the selected rows, once the person says yes."""
        chosen = self._selected_rows()
        if self._experiment_id is None or not chosen:
            return
        if not self.confirm_removal(len(chosen)):
            return
        from journal.core.input_sets import remove_row

        ids = [row.id for row in chosen]

        def remove(session: Session) -> int:
            for row_id in ids:
                remove_row(session, row_id)
            return len(ids)

        def removed(count: int) -> None:
            said = translate("input_set_editor", "Removed %n input(s).", None, count)
            self._done(said)

        self._write(remove, removed)

    # -- columns --------------------------------------------------------------------------

    @Slot()
    def ask_add_column(self) -> None:
        name = self.ask_column_name(
            translate("input_set_editor", "Add a column"),
            translate("input_set_editor", "Name of the new variable:"),
            "",
        )
        if name:
            self.add_column(name)

    def add_column(self, name: str) -> None:
        """A new variable in every row ("" in each), or the expect column shown."""
        if self._experiment_id is None:
            return
        if name in EXPECTATION_COLUMNS:
            self.model.show_expect_column()
            self._refresh()
            return
        if not self.model.rowCount():
            try:
                row = check_row(dict.fromkeys([*self._columns_for_new_rows(), name], ""))
            except InvalidInputError as error:
                self._show_message(error_text(error))
                return
            self._add_rows([row])
            return
        from journal.core.input_sets import add_column

        experiment_id = self._experiment_id
        self._write(
            lambda s: add_column(s, experiment_id, name),
            lambda _: self._done(
                translate("input_set_editor", "Added the column {name}.").format(name=name)
            ),
        )

    def rename_column(self, old: str, new: str) -> None:
        from journal.core.input_sets import rename_column

        if self._experiment_id is None or new == old:
            return
        experiment_id = self._experiment_id
        self._write(
            lambda s: rename_column(s, experiment_id, old, new),
            lambda _: self._done(
                translate("input_set_editor", "Renamed the column {old} to {new}.").format(
                    old=old, new=new
                )
            ),
        )

    @Slot(int)
    def _on_header_double_clicked(self, column: int) -> None:
        if not self.model.is_variable_column(column):
            self._show_message(
                translate(
                    "input_set_editor",
                    "The expect column keeps its name: it holds the expectations.",
                )
            )
            return
        old = self.model.columns()[column]
        new = self.ask_column_name(
            translate("input_set_editor", "Rename a column"),
            translate("input_set_editor", "New name for {name}:").format(name=old),
            old,
        )
        if new:
            self.rename_column(old, new)

    # -- asking the person (tests answer in their place) ----------------------------------

    def ask_column_name(self, title: str, label: str, text: str) -> str:
        name, ok = QInputDialog.getText(self, title, label, text=text)
        return name.strip() if ok else ""

    def confirm_removal(self, count: int) -> bool:
        answer = QMessageBox.question(
            self,
            translate("input_set_editor", "Remove inputs"),
            translate(
                "input_set_editor",
                "Remove %n input row(s)? Runs made from them keep their values.",
                None,
                count,
            ),
        )
        return answer == QMessageBox.StandardButton.Yes

    # -- writing --------------------------------------------------------------------------

    def _add_rows(self, rows: list[RowInput], *, edit_first: bool = False) -> None:
        from journal.core.input_sets import add_rows

        experiment_id = self._experiment_id
        if experiment_id is None:
            return

        def added(saved: list[SavedRow]) -> None:
            self.toggle.setChecked(True)
            count = len(saved)
            said = translate("input_set_editor", "Added %n input(s).", None, count)
            self._done(said if count > 1 else "")
            place = self.model.rowCount() - len(saved)
            index = self.model.index(place, 0)
            self.table.setCurrentIndex(index)
            self.table.scrollTo(index)
            if edit_first:
                self.table.setFocus(Qt.FocusReason.OtherFocusReason)
                self.table.edit(index)

        self._write(lambda s: add_rows(s, experiment_id, rows), added)

    @Slot(object, object)
    def _on_model_row_edited(self, before: SavedRow, row: RowInput) -> None:
        from journal.core.input_sets import update_row

        self._show_message("")

        def failed(error: JournalError) -> None:
            self.model.replace_row(before)
            self._show_message(error_text(error))

        self._write(lambda s: update_row(s, before.id, row), self.model.replace_row, failed)

    def _write(
        self,
        change: Callable[[Session], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[JournalError], None] | None = None,
    ) -> None:
        if self._context is not None:
            self._context.write(change, on_done, on_error or self._on_write_failed, owner=self)

    def _on_write_failed(self, error: JournalError) -> None:
        self.reload()
        self._show_message(error_text(error))

    def _done(self, said: str) -> None:
        """After a change of whole rows or columns: show them as the journal has them."""
        self.reload()
        if said and self._context is not None:
            self._context.say(said, 6000)

    # -- state ----------------------------------------------------------------------------

    def _prompt_variables(self) -> list[str]:
        from journal.core.templates import variables_of

        return variables_of(self._prompt_templates())

    def _columns_for_new_rows(self) -> list[str]:
        variables = self.model.variables()
        return variables or self._prompt_variables()

    def _selected_rows(self) -> list[SavedRow]:
        rows = self.model.rows()
        places = {index.row() for index in self.table.selectionModel().selectedIndexes()}
        current = self.table.currentIndex()
        if not places and current.isValid():
            places = {current.row()}
        return [rows[place] for place in sorted(places) if place < len(rows)]

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setToolTip(text)
        self.message.setVisible(bool(text))

    @Slot()
    def _refresh(self) -> None:
        count = self.model.rowCount()
        variables = self.model.variables()
        if count:
            summary = translate(
                "input_set_editor", "%n input(s) · variables: {variables}", None, count
            )
            self.summary.setText(summary.format(variables=", ".join(variables)))
        else:
            self.summary.setText(translate("input_set_editor", EMPTY))
        self.summary.setToolTip(self.summary.text())
        self.remove_button.setEnabled(bool(self._selected_rows()))

    @Slot(bool)
    def _on_toggle_toggled(self, shown: bool) -> None:
        self.body.setVisible(shown)
        arrow = Qt.ArrowType.DownArrow if shown else Qt.ArrowType.RightArrow
        self.toggle.setArrowType(arrow)
