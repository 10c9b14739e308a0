"""Showing what another program (the CLI, a second window) wrote, within about a second.

Twice a second the window asks the core's ChangeWatch whether anyone else committed; its
own commits are not news. On news the journal is read again in the background and merged
on the GUI thread: the list (selection, scroll position and current row kept; a new
experiment appears at the top, a deleted one leaves), the filter choices, the open
experiment's run history (the run shown stays shown) and its fields - unless the person has
unsaved edits, which are kept and said to be.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QPoint, QTimer, Signal, Slot
from PySide6.QtWidgets import QAbstractItemView

from journal.core.errors import JournalError
from journal.gui.experiment_list_model import ID_ROLE

if TYPE_CHECKING:
    from journal.core.change_watch import ChangeWatch
    from journal.core.domain import ExperimentFilter, ExperimentSummary
    from journal.core.queries import ExperimentDetail
    from journal.core.storage import Journal
    from journal.gui.context import AppContext
    from journal.gui.experiment_editor import ExperimentEditor
    from journal.gui.list_panel import ListPanel
    from journal.gui.run_display import RunDisplay

POLL_MS = 500
EDITS_KEPT = "The experiment was changed elsewhere; your edits are kept."


class LiveRefresh(QObject):
    """Polls for other programs' commits and refreshes what the window shows."""

    refreshed = Signal()  # a refresh for news from elsewhere was merged into every part

    def __init__(
        self,
        context: AppContext,
        list_panel: ListPanel,
        editor: ExperimentEditor,
        display: RunDisplay,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._list = list_panel
        self._editor = editor
        self._display = display
        self._watch: ChangeWatch | None = None
        self._journal: Journal | None = None
        self._waiting = 0  # parts of the refresh under way still to be merged
        self._again = False  # news came while refreshing: refresh once more after
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._on_timer_timeout)
        context.journal_opened.connect(self._on_context_journal_opened)

    def stop(self) -> None:
        """Stop watching (the journal closes or another opens)."""
        self._timer.stop()
        if self._watch is not None:
            self._watch.close()
            self._watch = None
        self._journal = None

    def poll(self) -> bool:
        """Ask now whether anyone else wrote; refresh if so. True when there was news."""
        watch = self._watch
        if watch is None or self._context.journal is not self._journal:
            self.stop()  # the journal was closed under us
            return False
        if not watch.changed():
            return False
        if self._waiting:
            self._again = True
        else:
            self.refresh()
        return True

    def refresh(self) -> None:
        """Read the list, the choices and the open experiment again in the background."""
        from journal.core.queries import all_tags, experiment_detail, used_models

        journal = self._context.journal
        if journal is None:
            return
        model = self._list.model()
        filters, limit = model.filter(), model.refresh_limit()
        fetch = self._context.fetch_page

        def read_list() -> tuple[list[ExperimentSummary], list[str], list[str]]:
            page = fetch(filters, None, limit)
            with journal.read() as session:
                return page, used_models(session), all_tags(session)

        self._waiting = 1
        self._context.run(
            read_list,
            lambda read: self._on_list_read(filters, limit, read),
            self._on_read_failed,
            owner=self,
        )
        experiment_id = self._editor.experiment_id()
        if experiment_id is None:
            return

        def read_open() -> ExperimentDetail:
            with journal.read() as session:
                return experiment_detail(session, experiment_id)

        # In order with this window's writes: an edit handed to the writer is on disk
        # before the fields are read back, so it is never taken for a change made elsewhere.
        self._waiting += 1
        self._context.write_in_order(read_open, self._on_open_read, self._on_read_failed)

    def refresh_history(self) -> None:
        """Read the open experiment's runs again, the shown run kept (a check or batch
        window wrote them through this journal, so they are not news)."""
        from journal.core.queries import runs_of

        experiment_id = self._editor.experiment_id()
        journal = self._context.journal
        if experiment_id is None or journal is None:
            return

        def read() -> list[Any]:
            with journal.read() as session:
                return runs_of(session, experiment_id)

        self._context.run(
            read, lambda runs: self._display.refresh_runs(experiment_id, runs), owner=self
        )

    # -- merging what was read ------------------------------------------------------------

    def _on_list_read(
        self, filters: ExperimentFilter, limit: int, read: tuple[list[Any], list[str], list[str]]
    ) -> None:
        page, models, tags = read
        view = self._list.view()
        anchor = self._top_row_id(view)
        self._list.model().apply_refresh(filters, page, limit)
        if anchor is not None:  # scrolled down: the same experiment stays at the top
            row = self._list.model().row_of(anchor)
            if row is not None:
                index = self._list.model().index(row, 0)
                view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtTop)
        self._list.set_choices(models, tags)
        self._editor.set_tag_choices(tags)
        self._part_done()

    def _on_open_read(self, detail: ExperimentDetail) -> None:
        experiment = detail.experiment
        if experiment.id == self._editor.experiment_id() and experiment.id is not None:
            self._display.refresh_runs(experiment.id, detail.runs)
            if not self._editor.refresh_fields(experiment):
                self._context.say(EDITS_KEPT)
        self._part_done()

    def _on_read_failed(self, error: JournalError) -> None:
        self._context.report(error, quiet=True)
        self._part_done()

    def _part_done(self) -> None:
        self._waiting = max(0, self._waiting - 1)
        if self._waiting:
            return
        self.refreshed.emit()
        if self._again:
            self._again = False
            self.refresh()

    @staticmethod
    def _top_row_id(view: QAbstractItemView) -> int | None:
        """The experiment at the top of a list scrolled down; None at the very top."""
        if view.verticalScrollBar().value() == 0:
            return None
        value = view.indexAt(QPoint(0, 0)).data(ID_ROLE)
        return int(value) if value is not None else None

    # -- slots ----------------------------------------------------------------------------

    @Slot(object)
    def _on_context_journal_opened(self, journal: Journal) -> None:
        from journal.core.change_watch import ChangeWatch

        self.stop()
        self._journal = journal
        self._watch = ChangeWatch(journal)
        self._timer.start()

    @Slot()
    def _on_timer_timeout(self) -> None:
        self.poll()
