"""Deleting, undoing, duplicating and archiving from the window (issue 14).

A delete asks nothing: it moves the experiment or runs to the trash, says in the status bar
what went, and Edit > Undo (Ctrl+Z) takes exactly that delete back through the receipt the
core returned. Writes go to the context's writer thread like every other edit of the window;
the list and the history change at once, the selection moving to the next row.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal, Slot
from PySide6.QtGui import QAction

if TYPE_CHECKING:
    from sqlmodel import Session

    from journal.core.errors import JournalError
    from journal.core.storage import Journal
    from journal.core.trash import TrashReceipt
    from journal.gui.main_window import MainWindow

translate = QCoreApplication.translate

UNDO_SHOWN_MS = 20_000


def _quoted(title: str) -> str:
    title = " ".join(title.split())
    return f"'{title}'" if title else translate("trash_actions", "the untitled experiment")


def moved_line(receipt: TrashReceipt, title: str) -> str:
    """What a delete moved to the trash, and how to take it back, for the status bar."""
    if receipt.experiment_ids:
        runs = len(receipt.run_ids)
        if runs:
            return translate(
                "trash_actions",
                "Moved {title} and its %n run(s) to the trash. Ctrl+Z brings it back.",
                None,
                runs,
            ).format(title=_quoted(title))
        return translate(
            "trash_actions", "Moved {title} to the trash. Ctrl+Z brings it back."
        ).format(title=_quoted(title))
    named = len(receipt.named_run_ids)
    later = len(receipt.run_ids) - named
    ids = ", ".join(str(run_id) for run_id in receipt.named_run_ids)
    if named == 1 and not later:
        line = translate("trash_actions", "Moved run {ids} to the trash. Ctrl+Z brings it back.")
    elif named == 1:
        line = translate(
            "trash_actions",
            "Moved run {ids} and %n later turn(s) that followed to the trash. "
            "Ctrl+Z brings them back.",
            None,
            later,
        )
    elif not later:
        line = translate("trash_actions", "Moved runs {ids} to the trash. Ctrl+Z brings them back.")
    else:
        line = translate(
            "trash_actions",
            "Moved runs {ids} and %n later turn(s) that followed to the trash. "
            "Ctrl+Z brings them back.",
            None,
            later,
        )
    return line.format(ids=ids)


class TrashActions(QObject):
    """The Edit menu's delete, undo, duplicate and archive, on the window's list and history."""

    undo_available = Signal(bool)  # Edit > Undo works: a delete of this window just happened

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._context = window.context
        self._list = window.list_panel
        self._receipt: TrashReceipt | None = None
        self._title = ""  # the trashed experiment's title
        self._experiment_id: int | None = None  # whose runs the receipt trashed
        self._context.journal_opened.connect(self._on_context_journal_opened)

    def bind_keys(self, delete: QAction) -> None:
        """The Delete key works in the journal list and the run history only (typing
        elsewhere keeps it), and is in both lists' context menus."""
        delete.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self._list.view().addAction(delete)
        self._window.history_view.addAction(delete)

    def forget_undo(self) -> None:
        """Undo no longer applies (the trash was emptied or restored from)."""
        self._receipt = None
        self.undo_available.emit(False)

    @Slot(object)
    def _on_context_journal_opened(self, _journal: Journal) -> None:
        self.forget_undo()

    def _refused(self, error: JournalError) -> None:
        self._context.report(error, quiet=True)

    def _current(self) -> tuple[int, str] | None:
        experiment_id = self._list.current_experiment_id()
        if experiment_id is None:
            self._context.say(
                translate("trash_actions", "Select an experiment in the list first."), 6000
            )
            return None
        return experiment_id, self._title_of(experiment_id)

    def _title_of(self, experiment_id: int) -> str:
        row = self._list.model().row_of(experiment_id)
        return self._list.model().summary(row).title if row is not None else ""

    # -- deleting -------------------------------------------------------------------------

    @Slot()
    def delete(self) -> None:
        """The runs selected in the history when it has the focus, else the experiment."""
        if self._window.history_view.hasFocus():
            self.delete_runs()
        else:
            self.delete_experiment()

    @Slot()
    def delete_experiment(self) -> None:
        from journal.core.trash import trash_experiments

        current = self._current()
        if current is None:
            return
        experiment_id, title = current
        self._window.browser.flush()

        def done(receipt: TrashReceipt) -> None:
            self._remove_row(experiment_id)
            self._remember(receipt, title, None)

        self._context.write(
            lambda s: trash_experiments(s, [experiment_id]), done, self._refused, owner=self
        )

    @Slot()
    def delete_runs(self) -> None:
        from journal.core.trash import trash_runs

        display = self._window.display
        run_ids = display.selected_run_ids()
        experiment_id = self._window.editor.experiment_id()
        if not run_ids or experiment_id is None:
            self._context.say(translate("trash_actions", "Select runs in the history first."), 6000)
            return
        display.flush()

        def done(receipt: TrashReceipt) -> None:
            self._reload_runs(experiment_id, self._next_run(receipt.run_ids))
            self._remember(receipt, "", experiment_id)

        self._context.write(lambda s: trash_runs(s, run_ids), done, self._refused, owner=self)

    def _remember(self, receipt: TrashReceipt, title: str, experiment_id: int | None) -> None:
        self._receipt, self._title, self._experiment_id = receipt, title, experiment_id
        self.undo_available.emit(True)
        self._context.say(moved_line(receipt, title), UNDO_SHOWN_MS)

    def _remove_row(self, experiment_id: int) -> None:
        """Take the row out of the list and open the one that came after it."""
        model = self._list.model()
        row = model.row_of(experiment_id)
        model.remove(experiment_id)
        if model.rowCount() == 0:
            self._window.editor.load(None)
            self._window.display.clear()
            return
        row = min(row if row is not None else 0, model.rowCount() - 1)
        self._list.select_experiment(model.summary(row).id)

    def _next_run(self, gone: tuple[int, ...]) -> int | None:
        """The run to show once `gone` left the history: the next one down, else above."""
        model = self._window.history_model
        rows = [model.run(row).id for row in range(model.rowCount())]
        first = min((rows.index(run_id) for run_id in gone if run_id in rows), default=0)
        below = [run_id for run_id in rows[first:] if run_id not in gone]
        above = [run_id for run_id in rows[:first] if run_id not in gone]
        return below[0] if below else (above[-1] if above else None)

    def _reload_runs(self, experiment_id: int, select_id: int | None) -> None:
        from journal.core.queries import runs_of

        if self._window.editor.experiment_id() == experiment_id:
            runs = self._context.read(lambda s: runs_of(s, experiment_id)) or []
            self._window.display.load(experiment_id, runs, select_id)
        self._window.browser.refresh_row(experiment_id)

    # -- undoing --------------------------------------------------------------------------

    @Slot()
    def undo(self) -> None:
        from journal.core.trash import undo_trash

        receipt = self._receipt
        if receipt is None:
            self._context.say(translate("trash_actions", "Nothing to undo."), 4000)
            return
        self.forget_undo()
        title, experiment_id = self._title, self._experiment_id

        def done(_: object) -> None:
            if receipt.experiment_ids:
                self._window.browser.refresh_row(receipt.experiment_ids[0])
                if not self._list.select_experiment(receipt.experiment_ids[0]):
                    self._list.clear_filters()
                    self._list.select_experiment(receipt.experiment_ids[0])
                self._context.say(
                    translate("trash_actions", "Brought back {title} from the trash.").format(
                        title=_quoted(title)
                    ),
                    8000,
                )
                return
            assert experiment_id is not None
            self._reload_runs(experiment_id, receipt.named_run_ids[0])
            self._window.browser.open_run(receipt.named_run_ids[0])
            self._context.say(receipt.summary(restored=True), 8000)

        self._context.write(lambda s: undo_trash(s, receipt), done, owner=self)

    # -- duplicating and archiving --------------------------------------------------------

    @Slot()
    def duplicate_experiment(self) -> None:
        from journal.core.duplicate import duplicate_experiment
        from journal.core.queries import experiment_summary

        current = self._current()
        if current is None:
            return
        experiment_id, title = current
        self._window.browser.flush()

        def copy(session: Session) -> tuple[Any, Any]:
            made = duplicate_experiment(session, experiment_id)
            return made, experiment_summary(session, made.experiment_id, pass_rates=True)

        def done(result: tuple[Any, Any]) -> None:
            made, summary = result
            self._list.model().upsert(summary)
            self._list.select_experiment(made.experiment_id)
            self._set_draft(made.draft)
            self._context.say(
                translate(
                    "trash_actions",
                    "Duplicated {title} with {expectations} expectations and "
                    "{rows} input rows; its prompt is ready to run.",
                ).format(
                    title=_quoted(title), expectations=made.expectations, rows=made.input_rows
                ),
                10_000,
            )

        self._context.write(copy, done, self._refused, owner=self)

    def _set_draft(self, draft: dict[str, Any]) -> None:
        """The copy starts from the source's newest prompt and settings."""
        if not draft:
            return
        panel = self._window.prompt_panel
        panel.model_picker.set_current_model(draft["model"])
        panel.set_system_prompt(draft["system"] or "")
        panel.set_prompt(draft["prompt"] or "")
        panel.options_panel.set_values(draft["options"], draft["keep_alive"], draft["think"])
        panel.format_setting.set_value(draft["format"])

    @Slot()
    def toggle_archived(self) -> None:
        from journal.core.archive import set_archived

        current = self._current()
        if current is None:
            return
        experiment_id, title = current
        row = self._list.model().row_of(experiment_id)
        archive = row is None or not self._list.model().summary(row).archived

        def done(_: object) -> None:
            from journal.core.read_sql import ARCHIVED_HIDDEN
            from journal.gui.list_filter import archive_choice

            if archive and archive_choice(self._list.filter()) == ARCHIVED_HIDDEN:
                self._remove_row(experiment_id)
                self._context.say(
                    translate(
                        "trash_actions",
                        "Archived {title}: the list hides it; "
                        "the Archived button under the filters shows it.",
                    ).format(title=_quoted(title)),
                    10_000,
                )
                return
            self._window.browser.refresh_row(experiment_id)
            line = (
                translate("trash_actions", "Archived {title}.")
                if archive
                else translate("trash_actions", "Took back out of the archive: {title}.")
            )
            self._context.say(line.format(title=_quoted(title)), 8000)

        self._context.write(
            lambda s: set_archived(s, [experiment_id], archive), done, self._refused, owner=self
        )

    # -- the trash ------------------------------------------------------------------------

    @Slot()
    def open_trash(self) -> None:
        from journal.gui.trash_dialog import TrashDialog

        dialog = TrashDialog.show_for(self._window, self._context)
        dialog.changed.connect(self._on_trash_changed, Qt.ConnectionType.UniqueConnection)

    @Slot()
    def _on_trash_changed(self) -> None:
        """Something was restored or deleted for good: what the window shows may be stale."""
        self.forget_undo()
        self._window.browser.refresh()
        self._window.display.reload()
