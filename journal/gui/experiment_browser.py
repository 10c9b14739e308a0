"""Which experiment is open, and the list, the editor and the run history kept in step with
the journal: opening one, creating one, saving its edits, finding a run again."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal, Slot

if TYPE_CHECKING:
    from sqlmodel import Session

    from journal.core.domain import ExperimentSummary
    from journal.core.errors import JournalError
    from journal.core.storage import Journal
    from journal.gui.context import AppContext
    from journal.gui.experiment_editor import ExperimentEditor
    from journal.gui.list_panel import ListPanel
    from journal.gui.run_display import RunDisplay
    from journal.gui.tasks import Task


class ExperimentBrowser(QObject):
    """Reads and writes experiments through the context for the list, editor and runs."""

    experiment_created = Signal(int)  # a new, empty experiment is open and selected

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
        list_panel.experiment_selected.connect(self._on_list_experiment_selected)
        # A page that cannot be read is said once, by the context; the list shows its state.
        list_panel.model().load_failed.connect(self._on_list_model_load_failed)
        editor.edited.connect(self._on_editor_edited)
        display.runs_changed.connect(self._on_display_runs_changed)
        context.journal_found.connect(self._on_context_journal_found)
        context.journal_opened.connect(self._on_context_journal_opened)
        context.journal_failed.connect(self._on_context_journal_failed)
        self._early_read: Task | None = None  # the first page, read before the journal opens
        self._listed_early: object = None  # the path whose first page shows before it opened

    def flush(self) -> None:
        """Hand edits still being typed to the writer."""
        self._editor.flush()
        self._display.flush()

    # -- opening --------------------------------------------------------------------------

    @Slot(object)
    def _on_context_journal_found(self, path: object) -> None:
        """List the first page while the stack loads and the journal opens (a few hundred
        ms); a file that cannot be read so (an older one, say) is listed once open."""
        model = self._list.model()
        filters, limit, fetch = model.filter(), model.page_size(), self._context.fetch_page

        def listed(page: list[ExperimentSummary]) -> None:
            self._early_read = None
            if self._context.journal is None and model.filter() == filters:
                model.set_fetcher(fetch, self._context.read_list, first_page=page)
                self._listed_early = path

        def unreadable(_: JournalError) -> None:
            self._early_read = None  # said, if it matters, when the journal opens or fails

        read = partial(fetch, filters, None, limit)
        self._early_read = self._context.read_list(read, listed, unreadable, self)

    @Slot(object)
    def _on_context_journal_opened(self, journal: Journal) -> None:
        self._editor.load(None)
        self._display.clear()
        model = self._list.model()
        if self._early_read is not None:
            self._early_read.cancel()
            self._early_read = None
        chosen = self._list.current_experiment_id()  # clicked before the journal opened
        listed_early, self._listed_early = self._listed_early, None
        if model.has_fetcher() and listed_early == journal.path:
            model.refresh()  # listed early: opening may have marked runs interrupted
        else:
            model.set_fetcher(self._context.fetch_page, self._context.read_list)
            chosen = None
        self._list.set_counter(self._context.count)
        self.refresh_choices()
        if chosen is not None:
            self.open_experiment(chosen)
        else:
            self._list.select_first()

    @Slot(object)
    def _on_context_journal_failed(self, _error: JournalError) -> None:
        if self._early_read is not None:
            self._early_read.cancel()
            self._early_read = None
        if self._context.journal is None and self._list.model().has_fetcher():
            self._listed_early = None
            self._list.model().set_fetcher(None)  # listed early, but it cannot be used

    @Slot(int)
    def _on_list_experiment_selected(self, experiment_id: int) -> None:
        self.open_experiment(experiment_id)

    def open_experiment(self, experiment_id: int) -> None:
        from journal.core.queries import experiment_detail

        self.flush()
        detail = self._context.read(lambda s: experiment_detail(s, experiment_id))
        if detail is None:
            return
        self._editor.load(detail.experiment)
        self._display.load(experiment_id, detail.runs)

    def open_run(self, run_id: int) -> bool:
        """Show run `run_id`: select its experiment in the list, then the run in the history."""
        from journal.core.queries import get_run

        run = self._context.read(lambda s: get_run(s, run_id))
        if run is None:
            return False
        elsewhere = self._editor.experiment_id() != run.experiment_id
        if elsewhere and not self._list.select_experiment(run.experiment_id):
            self._list.clear_filters()  # filtered out of the list: show everything
            self._list.select_experiment(run.experiment_id)
        if self._editor.experiment_id() != run.experiment_id:  # selected already: load it
            self.open_experiment(run.experiment_id)
        self._display.select_run(run_id)
        return True

    # -- creating and saving --------------------------------------------------------------

    def create_experiment(self, title: str = "", then: Callable[[int], None] | None = None) -> None:
        """Write a new experiment, show it selected, then `then(id)` (or announce it)."""
        from journal.core.queries import create_experiment, experiment_summary

        self._editor.flush()

        def create(session: Session) -> Any:
            experiment = create_experiment(session, title=title)
            assert experiment.id is not None
            return experiment_summary(session, experiment.id, pass_rates=True)

        def created(summary: Any) -> None:
            self._list.model().upsert(summary)
            self._list.select_experiment(summary.id)
            if then is not None:
                then(summary.id)
            else:
                self.experiment_created.emit(summary.id)

        self._context.write(create, created, owner=self)

    @Slot(int, dict)
    def _on_editor_edited(self, experiment_id: int, changes: dict[str, Any]) -> None:
        from journal.core.queries import update_experiment

        def done(_: Any) -> None:
            self.refresh_row(experiment_id)
            if "tags" in changes:
                self.refresh_choices()

        self._context.write(lambda s: update_experiment(s, experiment_id, **changes), done)

    # -- keeping the list current ---------------------------------------------------------

    @Slot(int)
    def _on_display_runs_changed(self, experiment_id: int) -> None:
        self.refresh_row(experiment_id)

    @Slot(object)
    def _on_list_model_load_failed(self, error: Any) -> None:
        self._context.report(error)

    def refresh_row(self, experiment_id: int) -> None:
        from journal.core.queries import experiment_summary

        summary = self._context.read(
            lambda s: experiment_summary(s, experiment_id, pass_rates=True)
        )
        if summary is not None:
            self._list.model().upsert(summary)

    def refresh_choices(self) -> None:
        """The models and tags the filters offer (after a run, an import, a tag edit)."""
        from journal.core.queries import all_tags, used_models

        models = self._context.read(used_models) or []
        tags = self._context.read(all_tags) or []
        self._list.set_choices(models, tags)
        self._editor.set_tag_choices(tags)

    def refresh(self) -> None:
        """Everything may have changed (an import, a migration check): reload the list and
        the inputs shown."""
        self._list.model().refresh()
        self.refresh_choices()
        self._editor.inputs.reload()
