"""Showing what another program (the CLI, a second window) wrote, within about a second.

Twice a second the window asks the core's ChangeWatch whether anyone else committed; its
own commits are not news. On news the journal is read again in the background and merged
on the GUI thread: the list (selection, scroll position and current row kept; a new
experiment appears at the top, a deleted one leaves), the filter choices, the open
experiment's run history (the run shown stays shown) and its fields - unless the person has
unsaved edits, which are kept and said to be.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import (
    QCoreApplication,
    QObject,
    QPoint,
    QTimer,
    Signal,
    Slot,
)
from PySide6.QtWidgets import QAbstractItemView

from journal.core.errors import JournalError
from journal.gui.experiment_list_model import ID_ROLE
from journal.gui.translating import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from journal.core.change_watch import ChangeWatch
    from journal.core.domain import ExperimentFilter, ExperimentSummary
    from journal.core.images import StoredImage
    from journal.core.queries import ExperimentDetail
    from journal.core.storage import Journal
    from journal.gui.context import AppContext
    from journal.gui.experiment_editor import ExperimentEditor
    from journal.gui.grade_marks import RunGrades
    from journal.gui.list_panel import ListPanel
    from journal.gui.run_display import RunDisplay

translate = QCoreApplication.translate

POLL_MS = 500
# The open experiment, its runs' grades and the images each run showed (no bytes).
OpenRead = tuple["ExperimentDetail", list["RunGrades"], dict[int, list["StoredImage"]]]
EDITS_KEPT = QT_TRANSLATE_NOOP(
    "live_refresh", "The experiment was changed elsewhere; your edits are kept."
)


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
        self._busy = False  # a refresh is being read
        self._again = False  # news came while refreshing: refresh once more after
        self._choices: tuple[list[str], list[str]] | None = None  # the filters' models, tags
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
        if self._busy:
            self._again = True
        else:
            self.refresh()
        return True

    def refresh(self) -> None:
        """Read the list, the filter choices and the open experiment again in the background.

        One read, queued with this window's writes: an edit handed to the writer is on disk
        before the fields are read back, so it is never taken for a change made elsewhere
        (and one task costs the GUI thread less than two).
        """
        from journal.core.queries import all_tags, used_models

        journal = self._context.journal
        if journal is None:
            return
        model = self._list.model()
        filters, limit = model.filter(), model.refresh_limit()
        fetch = self._context.fetch_page
        experiment_id = self._editor.experiment_id()
        read_open = self._open_reader(journal, experiment_id) if experiment_id else None

        def read() -> _Read:
            page = fetch(filters, None, limit)
            with journal.read() as session:
                models, tags = used_models(session), all_tags(session)
            try:
                opened = read_open() if read_open is not None else None
            except JournalError:  # deleted elsewhere, say: the list shows it gone
                opened = None
            return _Read(journal, filters, limit, page, models, tags, opened)

        self._busy = True
        self._context.write_in_order(read, self._on_read, self._on_read_failed)

    def refresh_history(self) -> None:
        """Read the open experiment's runs again, the shown run kept (a check window wrote
        them through this journal, so they are not news)."""
        experiment_id = self._editor.experiment_id()
        journal = self._context.journal
        if experiment_id is None or journal is None:
            return
        read = self._open_reader(journal, experiment_id)
        self._context.run(read, self._on_history_read, self._on_history_failed, owner=self)

    def _open_reader(self, journal: Journal, experiment_id: int) -> Callable[[], OpenRead]:
        """What reads the open experiment, its runs, their grades and the images they showed,
        off the GUI thread."""
        from journal.core.images import images_shown
        from journal.core.queries import experiment_detail
        from journal.gui.grade_marks import read_experiment_grades

        relay = self._context.grading

        def read() -> OpenRead:
            with journal.read() as session:
                detail = experiment_detail(session, experiment_id)
                runs = {run.id: run.status for run in detail.runs if run.id is not None}
                waiting = {run_id for run_id in runs if relay.is_pending(run_id)}
                grades = read_experiment_grades(session, experiment_id, runs, waiting)
                return detail, grades, images_shown(session, detail.runs)

        return read

    # -- merging what was read ------------------------------------------------------------

    def _on_read(self, read: _Read) -> None:
        if read.journal is not self._context.journal:  # another journal was opened meanwhile
            self._done()
            return
        view = self._list.view()
        anchor = self._top_row_id(view)
        self._list.model().apply_refresh(read.filters, read.page, read.limit)
        if anchor is not None:  # scrolled down: the same experiment stays at the top
            row = self._list.model().row_of(anchor)
            if row is not None:
                index = self._list.model().index(row, 0)
                view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtTop)
        if (read.models, read.tags) != self._choices:  # refilling the filters costs a few ms
            self._choices = (read.models, read.tags)
            self._list.set_choices(read.models, read.tags)
            self._editor.set_tag_choices(read.tags)
        if read.opened is not None:
            detail, grades, images = read.opened
            shown = self._show_open(detail, grades, images)
            if shown and not self._editor.refresh_fields(detail.experiment):
                self._context.say(translate("live_refresh", EDITS_KEPT))
        self._done()

    def _on_history_read(self, read: OpenRead) -> None:
        self._show_open(*read)

    def _on_history_failed(self, error: JournalError) -> None:
        self._context.report(error, quiet=True)

    def _show_open(
        self,
        detail: ExperimentDetail,
        grades: list[RunGrades],
        images: dict[int, list[StoredImage]],
    ) -> bool:
        """Show the runs read again if their experiment is still the open one; False if not."""
        experiment_id = detail.experiment.id
        if experiment_id is None or experiment_id != self._editor.experiment_id():
            return False
        self._display.refresh_runs(experiment_id, detail.runs, grades, images)
        return True

    def _on_read_failed(self, error: JournalError) -> None:
        self._context.report(error, quiet=True)
        self._done()

    def _done(self) -> None:
        self._busy = False
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
        self._choices = None  # the browser fills the filters for the new journal
        try:
            self._watch = ChangeWatch(journal)
        except JournalError as error:
            about = translate(
                "live_refresh",
                "Other programs' changes will not show until the journal is opened again.",
            )
            self._context.report(error, quiet=True, about=about)
            return
        self._journal = journal
        self._timer.start()

    @Slot()
    def _on_timer_timeout(self) -> None:
        self.poll()


class _Read(NamedTuple):
    """What one refresh read: the list's newest rows and the open experiment, if any."""

    journal: Journal
    filters: ExperimentFilter
    limit: int
    page: list[ExperimentSummary]
    models: list[str]
    tags: list[str]
    opened: OpenRead | None
