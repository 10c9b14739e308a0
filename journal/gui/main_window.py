"""The journal window: lays out the panes and wires them to the core. Nothing more.

The window shows itself before the storage layer is even imported (SQLModel costs ~300 ms);
`start()` then opens the journal in the background and fills the panes when it is ready.
Reads are short indexed queries on the GUI thread; writes and everything that talks to
Ollama run in the background.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QThreadPool, Signal, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from journal.core.domain import RunStatus, Verdict
from journal.core.errors import JournalError
from journal.core.paths import resolve_db_path, resolve_ollama_host
from journal.gui.answer_view import AnswerView
from journal.gui.banner import Banner
from journal.gui.experiment_editor import ExperimentEditor
from journal.gui.list_panel import ListPanel
from journal.gui.ollama_status import OllamaStatus
from journal.gui.outcome_panel import OutcomePanel
from journal.gui.prompt_panel import PromptPanel
from journal.gui.resources import app_icon
from journal.gui.run_controller import RunController
from journal.gui.run_history import RunHistoryModel
from journal.gui.settings_store import SettingsStore
from journal.gui.tasks import run_in_background

if TYPE_CHECKING:
    from sqlmodel import Session

    from journal.core.models import Run
    from journal.core.ollama_service import OllamaService
    from journal.core.storage import Journal

T = TypeVar("T")

SHORTCUTS: list[tuple[str, str]] = [
    ("Ctrl+N", "New experiment"),
    ("Ctrl+F", "Search the journal"),
    ("Ctrl+Return", "Run the prompt"),
    ("Esc", "Stop the running answer (the partial text is kept)"),
    ("Ctrl+R", "Replay the selected run: same model, prompt, options and seed"),
    ("Ctrl+Shift+R", "Replay the selected run on the model chosen in the picker"),
    ("Ctrl+Alt+R", "Replay the selected run on several models, one after another"),
    ("Ctrl+D", "Compare the runs selected in the history"),
    ("Ctrl+Shift+D", "Compare any runs by id, across experiments"),
    ("Ctrl+Shift+M", "Migration check: replay what worked on a new model"),
    ("Ctrl+M", "Experiment × model matrix"),
    ("Ctrl+1", "Verdict: worked"),
    ("Ctrl+2", "Verdict: partly"),
    ("Ctrl+3", "Verdict: failed"),
    ("Ctrl+0", "Clear the verdict"),
    ("Ctrl+L", "Focus the prompt"),
    ("F5", "Refresh the model list"),
    ("Ctrl+Shift+P", "Pull a model"),
    ("Ctrl+E", "Export the journal as Markdown"),
    ("Ctrl+I", "Import a Markdown export"),
    ("Ctrl+,", "Settings"),
    ("Ctrl+Q", "Quit"),
]


class MainWindow(QMainWindow):
    journal_opened = Signal(object)  # the Journal, once its first page is listed

    def __init__(
        self,
        db: str | None = None,
        host: str | None = None,
        settings: SettingsStore | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings or SettingsStore()
        self.db_path = resolve_db_path(db)
        self.host = resolve_ollama_host(host or self.settings.ollama_host())
        self.journal: Journal | None = None
        self.service: OllamaService | None = None
        self._writes = QThreadPool(self)
        self._writes.setMaxThreadCount(1)  # one writer, in order: edits never overtake
        self._shown_run_id: int | None = None
        self._pending_notice = ""
        self._fan_out: tuple[int, list[str]] | None = None  # run to replay, models still to go
        self._streaming_run_id: int | None = None
        self._unsaved_reason = ""  # why the streaming run's text is not on disk yet
        self._unsaved_text = ""  # an answer the journal never took (RunNotSavedError)

        self.setWindowTitle("LLM Journal")
        self.setWindowIcon(app_icon())
        self.resize(1280, 820)
        self._build_panes()
        self._build_actions()
        self._build_status_bar()
        self._connect_signals()
        self._restore_layout()

    # -- layout -------------------------------------------------------------------------

    def _build_panes(self) -> None:
        self.banner = Banner("Retry now")
        self.journal_banner = Banner("Open another journal…")
        self.save_banner = Banner("Save answer as…")
        self.list_panel = ListPanel()
        self.editor = ExperimentEditor()
        self.prompt_panel = PromptPanel()
        self.answer_view = AnswerView()
        self.answer_view.set_placeholder("Run the prompt to see the answer here.")
        self.stats_label = QLabel()
        self.stats_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.stats_label.setEnabled(False)  # muted text
        self.outcome = OutcomePanel()
        self.history_model = RunHistoryModel(self)
        self.history_view = QTreeView()
        self.history_view.setModel(self.history_model)
        self.history_view.setRootIsDecorated(False)
        self.history_view.setUniformRowHeights(True)
        self.history_view.setAlternatingRowColors(True)
        # Several rows can be selected to compare them; the current row is the one shown.
        self.history_view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.history_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.history_view.setAccessibleName("Run history")
        header = self.history_view.header()
        header.setStretchLastSection(False)
        for column in range(self.history_model.columnCount()):
            mode = (
                QHeaderView.ResizeMode.Stretch
                if column == 3
                else QHeaderView.ResizeMode.ResizeToContents
            )
            header.setSectionResizeMode(column, mode)
        self.runs = RunController(self)
        self.ollama = OllamaStatus(self)

        answer_pane = QWidget()
        answer_layout = QVBoxLayout(answer_pane)
        answer_layout.setContentsMargins(0, 0, 0, 0)
        answer_layout.addWidget(self.answer_view, 1)
        answer_layout.addWidget(self.stats_label)
        answer_layout.addWidget(self.outcome)

        self.work_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.work_splitter.addWidget(self.prompt_panel)
        self.work_splitter.addWidget(answer_pane)
        self.work_splitter.setStretchFactor(0, 2)
        self.work_splitter.setStretchFactor(1, 3)

        self.right_splitter = QSplitter(Qt.Orientation.Vertical)
        self.right_splitter.addWidget(self.editor)
        self.right_splitter.addWidget(self.work_splitter)
        self.right_splitter.addWidget(self.history_view)
        self.right_splitter.setStretchFactor(0, 0)
        self.right_splitter.setStretchFactor(1, 1)
        self.right_splitter.setStretchFactor(2, 0)
        self.right_splitter.setSizes([190, 500, 110])

        self.main_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.main_splitter.addWidget(self.list_panel)
        self.main_splitter.addWidget(self.right_splitter)
        self.main_splitter.setStretchFactor(0, 0)
        self.main_splitter.setStretchFactor(1, 1)
        self.main_splitter.setSizes([470, 810])

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        layout.addWidget(self.journal_banner)
        layout.addWidget(self.save_banner)
        layout.addWidget(self.banner)
        layout.addWidget(self.main_splitter, 1)
        self.setCentralWidget(central)

    def _action(
        self,
        text: str,
        slot: Callable[[], object],
        shortcuts: list[str] | None = None,
        tip: str = "",
    ) -> QAction:
        action = QAction(text, self)
        if shortcuts:
            action.setShortcuts([QKeySequence(s) for s in shortcuts])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.new_action = self._action("&New experiment", self.new_experiment, ["Ctrl+N"])
        self.open_action = self._action("&Open journal…", self.choose_journal, ["Ctrl+O"])
        self.export_action = self._action("&Export as Markdown…", self.export_markdown, ["Ctrl+E"])
        self.import_action = self._action("&Import…", self.import_markdown, ["Ctrl+I"])
        self.quit_action = self._action("&Quit", self.close, ["Ctrl+Q"])
        self.run_action = self._action("&Run", self.run_prompt, ["Ctrl+Return", "Ctrl+Enter"])
        self.stop_action = self._action("&Stop", self.stop_run, ["Esc"])
        self.replay_action = self._action(
            "Re&play the selected run", self.replay_selected_run, ["Ctrl+R"]
        )
        self.replay_on_action = self._action(
            "Replay on the chosen &model", self.replay_selected_run_on_model, ["Ctrl+Shift+R"]
        )
        self.fan_out_action = self._action(
            "Replay on &several models…", self.replay_on_several_models, ["Ctrl+Alt+R"]
        )
        self.compare_action = self._action(
            "&Compare selected runs…", self.compare_selected_runs, ["Ctrl+D"]
        )
        self.compare_ids_action = self._action(
            "Compare runs by &id…", self.compare_runs_by_id, ["Ctrl+Shift+D"]
        )
        self.check_action = self._action(
            "Migration &check…", self.open_migration_check, ["Ctrl+Shift+M"]
        )
        self.matrix_action = self._action(
            "Experiment × model &matrix…", self.open_matrix, ["Ctrl+M"]
        )
        self.stop_action.setEnabled(False)
        self.search_action = self._action("&Search", self.list_panel.focus_search, ["Ctrl+F"])
        self.prompt_action = self._action(
            "Focus &prompt", self.prompt_panel.focus_prompt, ["Ctrl+L"]
        )
        self.verdict_actions = [
            self._action("Worked", lambda: self.outcome.choose(Verdict.WORKED), ["Ctrl+1"]),
            self._action("Partly", lambda: self.outcome.choose(Verdict.PARTLY), ["Ctrl+2"]),
            self._action("Failed", lambda: self.outcome.choose(Verdict.FAILED), ["Ctrl+3"]),
            self._action("Clear verdict", lambda: self.outcome.choose(None), ["Ctrl+0"]),
        ]
        self.refresh_models_action = self._action(
            "&Refresh models", self.prompt_panel.model_picker.refresh, ["F5"]
        )
        self.pull_action = self._action("&Pull a model…", self.pull_model, ["Ctrl+Shift+P"])
        self.details_action = self._action("Model &details…", self.show_model_details)
        self.settings_action = self._action("S&ettings…", self.open_settings, ["Ctrl+,"])
        self.shortcuts_action = self._action("&Keyboard shortcuts", self.show_shortcuts, ["F1"])
        self.about_action = self._action("&About LLM Journal", self.show_about)

        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.new_action, self.open_action])
        file_menu.addSeparator()
        file_menu.addActions([self.export_action, self.import_action])
        file_menu.addSeparator()
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        run_menu = bar.addMenu("&Run")
        run_menu.addActions(
            [
                self.run_action,
                self.stop_action,
                self.replay_action,
                self.replay_on_action,
                self.fan_out_action,
            ]
        )
        run_menu.addSeparator()
        run_menu.addActions(
            [self.compare_action, self.compare_ids_action, self.check_action, self.matrix_action]
        )
        run_menu.addSeparator()
        run_menu.addActions(self.verdict_actions)
        run_menu.addSeparator()
        run_menu.addActions([self.search_action, self.prompt_action])
        models_menu = bar.addMenu("&Models")
        models_menu.addActions([self.refresh_models_action, self.pull_action, self.details_action])
        help_menu = bar.addMenu("&Help")
        help_menu.addActions([self.shortcuts_action, self.about_action])

    def _build_status_bar(self) -> None:
        self.journal_label = QLabel(str(self.db_path))
        self.journal_label.setToolTip("The journal file")
        self.ollama_label = QLabel(f"Ollama: checking {self.host}…")
        bar = self.statusBar()
        bar.addWidget(self.journal_label, 1)
        bar.addPermanentWidget(self.ollama_label)

    def _connect_signals(self) -> None:
        self.banner.action_clicked.connect(self.ollama.check_now)
        self.journal_banner.action_clicked.connect(self.choose_journal)
        self.save_banner.action_clicked.connect(self.save_answer_as)
        self.list_panel.experiment_selected.connect(self._on_list_experiment_selected)
        self.editor.edited.connect(self._on_editor_edited)
        self.prompt_panel.run_requested.connect(self.run_prompt)
        self.prompt_panel.stop_requested.connect(self.stop_run)
        self.outcome.verdict_chosen.connect(self._on_outcome_verdict_chosen)
        self.outcome.why_edited.connect(self._on_outcome_why_edited)
        self.history_view.selectionModel().currentRowChanged.connect(
            self._on_history_current_changed
        )
        self.runs.started.connect(self._on_runs_started)
        self.runs.text_received.connect(self._on_runs_text_received)
        self.runs.stats_updated.connect(self._on_runs_stats_updated)
        self.runs.finished.connect(self._on_runs_finished)
        self.runs.failed.connect(self._on_runs_failed)
        self.runs.notice.connect(self._on_runs_notice)
        self.runs.silent.connect(self._on_runs_silent)
        self.runs.save_failed.connect(self._on_runs_save_failed)
        self.runs.saved.connect(self._on_runs_saved)
        self.history_view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.history_view.addActions(
            [self.replay_action, self.replay_on_action, self.fan_out_action, self.compare_action]
        )
        self.ollama.changed.connect(self._on_ollama_changed)
        self.prompt_panel.model_picker.load_failed.connect(self._on_models_load_failed)

    def _restore_layout(self) -> None:
        geometry = self.settings.window_geometry()
        if geometry:
            self.restoreGeometry(geometry)
        for name, splitter in self._splitters().items():
            state = self.settings.splitter_state(name)
            if state:
                splitter.restoreState(state)
        self.answer_view.set_raw_mode(self.settings.raw_mode())

    def _splitters(self) -> dict[str, QSplitter]:
        return {
            "main": self.main_splitter,
            "right": self.right_splitter,
            "work": self.work_splitter,
        }

    # -- start-up -----------------------------------------------------------------------

    def start(self) -> None:
        """Open the journal and connect to Ollama, both in the background.

        Even the imports happen off the GUI thread (httpx and SQLModel take a few hundred
        milliseconds between them), so the freshly shown window stays responsive.
        """

        def import_stack() -> None:
            # One thread imports what both need: pydantic imported by two threads at once
            # (SQLModel's and the ollama client's) trips PySide6's import hook.
            import journal.core.storage  # noqa: F401
            from journal.core.ollama_service import import_ollama

            import_ollama()

        def ready(_: object) -> None:
            self.open_journal(self.db_path)
            self._connect_ollama(self.host)

        run_in_background(import_stack, ready, owner=self)

    def open_journal(self, path: Path) -> None:
        def work() -> Journal:
            from journal.core.storage import Journal

            return Journal.open(path)

        self.statusBar().showMessage(f"Opening {path}…")
        run_in_background(work, self._on_journal_opened, self._on_journal_failed, owner=self)

    def _on_journal_opened(self, journal: Journal) -> None:
        if self.journal is not None:
            self.journal.close()
        self.journal = journal
        self.db_path = journal.path
        self.journal_banner.hide()
        self.settings.add_recent_journal(str(journal.path))
        self.journal_label.setText(str(journal.path))
        self.statusBar().clearMessage()
        self.editor.load(None)
        self.history_model.set_runs([])
        self._show_run(None)
        self.list_panel.model().set_fetcher(self._fetch_page)
        self.list_panel.set_counter(self._count)
        self._refresh_choices()
        self.list_panel.select_first()
        self.journal_opened.emit(journal)

    def _on_journal_failed(self, error: JournalError) -> None:
        from html import escape

        self.statusBar().clearMessage()
        self.journal_banner.show_message(
            f"<b>The journal could not be opened.</b> {escape(error.message)}"
        )

    def _connect_ollama(self, host: str) -> None:
        from journal.core.ollama_service import OllamaService

        self.host = host
        self.service = OllamaService(host)
        service = self.service
        picker = self.prompt_panel.model_picker
        picker.set_lister(service.list_models)
        self.prompt_panel.set_show_model(service.show_model)
        self.ollama.watch(host, service.version)
        picker.refresh()

    # -- storage helpers ----------------------------------------------------------------

    def _read(self, query: Callable[[Session], T]) -> T | None:
        """Run a short read on the GUI thread; show a storage problem instead of raising."""
        if self.journal is None:
            return None
        try:
            with self.journal.read() as session:
                return query(session)
        except JournalError as error:
            self._show_error(error)
            return None

    def _write(
        self, change: Callable[[Session], T], on_done: Callable[[T], None] | None = None
    ) -> None:
        """Run a write on the single writer thread, in order with all other writes."""
        journal = self.journal
        if journal is None:
            return

        def work() -> T:
            with journal.write() as session:
                return change(session)

        run_in_background(work, on_done, self._show_error, pool=self._writes, owner=self)

    def _fetch_page(self, filters: Any, before: int | None, limit: int) -> list[Any]:
        from journal.core.queries import list_experiments

        rows = self._read(lambda s: list_experiments(s, filters, limit=limit, before_id=before))
        return rows or []

    def _count(self, filters: Any) -> int:
        """Runs on a pool thread (the list panel counts in the background)."""
        from journal.core.queries import count_experiments

        journal = self.journal
        if journal is None:
            return 0
        with journal.read() as session:
            return count_experiments(session, filters)

    def _refresh_choices(self) -> None:
        from journal.core.queries import all_tags, used_models

        models = self._read(used_models) or []
        tags = self._read(all_tags) or []
        self.list_panel.set_choices(models, tags)
        self.editor.set_tag_choices(tags)

    def _refresh_list_row(self, experiment_id: int) -> None:
        from journal.core.queries import experiment_summary

        summary = self._read(lambda s: experiment_summary(s, experiment_id))
        if summary is not None:
            self.list_panel.model().upsert(summary)

    def _show_error(self, error: JournalError) -> None:
        from journal.core.errors import OllamaError

        if isinstance(error, OllamaError):
            self.ollama.report_failure(error)
        self.statusBar().showMessage(error.message, 15_000)
        QMessageBox.warning(self, "LLM Journal", error.message)

    # -- experiments --------------------------------------------------------------------

    @Slot(int)
    def _on_list_experiment_selected(self, experiment_id: int) -> None:
        from journal.core.queries import experiment_detail

        self.editor.flush()
        self.outcome.flush()
        detail = self._read(lambda s: experiment_detail(s, experiment_id))
        if detail is None:
            return
        self.editor.load(detail.experiment)
        self._load_history(detail.runs, select_id=None)

    def _load_history(self, runs: list[Run], select_id: int | None) -> None:
        self.history_model.set_runs(runs)
        if not runs:
            self._show_run(None)
            return
        row = self.history_model.row_of(select_id) if select_id is not None else 0
        self._select_history_row(row or 0)

    def _select_history_row(self, row: int) -> None:
        index = self.history_model.index(row, 0)
        self.history_view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    @Slot(QModelIndex, QModelIndex)
    def _on_history_current_changed(self, current: QModelIndex, _: QModelIndex) -> None:
        if current.isValid():
            self._show_run(self.history_model.run(current.row()), fill_prompt=True)

    @Slot()
    def new_experiment(self) -> None:
        from journal.core.queries import create_experiment, experiment_summary

        self.editor.flush()
        defaults = self.settings.default_options()

        def create(session: Session) -> Any:
            experiment = create_experiment(session)
            assert experiment.id is not None
            return experiment_summary(session, experiment.id)

        def created(summary: Any) -> None:
            self.list_panel.model().upsert(summary)
            self.list_panel.select_experiment(summary.id)
            self.prompt_panel.set_prompt("")
            self.prompt_panel.set_system_prompt("")
            self.prompt_panel.options_panel.set_values(defaults, None, None)
            self.editor.focus_title()

        self._write(create, created)

    @Slot(int, dict)
    def _on_editor_edited(self, experiment_id: int, changes: dict[str, Any]) -> None:
        from journal.core.queries import update_experiment

        def done(_: Any) -> None:
            self._refresh_list_row(experiment_id)
            if "tags" in changes:
                self._refresh_choices()

        self._write(lambda s: update_experiment(s, experiment_id, **changes), done)

    # -- runs ---------------------------------------------------------------------------

    def _show_run(self, run: Run | None, *, fill_prompt: bool = False) -> None:
        from journal.core.formatting import model_label, run_stats

        self._shown_run_id = run.id if run is not None else None
        if run is None:
            self.answer_view.clear()
            self.stats_label.clear()
            self.outcome.show_run(None, None, "")
            return
        if run.id == self._streaming_run_id:
            return  # the live stream owns the answer view
        self.answer_view.show_answer(run.response, run.thinking)
        self._show_run_status(run)
        stats = run_stats(run)
        self.stats_label.setText(f"{model_label(run)}" + (f"  ·  {stats}" if stats else ""))
        self.outcome.show_run(run.id, run.verdict, run.verdict_note)
        if fill_prompt:
            panel = self.prompt_panel
            panel.model_picker.set_current_model(run.model)
            panel.set_system_prompt(run.system_prompt)
            panel.set_prompt(run.prompt)
            panel.options_panel.set_values(dict(run.options), run.keep_alive, run.think)

    def _show_run_status(self, run: Run) -> None:
        notice = _replay_notice(run)
        if run.status is RunStatus.DONE and notice:
            self.answer_view.set_status(notice, "warning")
        elif run.status is RunStatus.CANCELLED:
            self.answer_view.set_status("Stopped — the partial answer is kept.", "warning")
        elif run.status is RunStatus.INTERRUPTED:
            self.answer_view.set_status(run.error or "Interrupted.", "warning")
        elif run.status is RunStatus.FAILED:
            self.answer_view.set_status(run.error or "The run failed.", "error")
        else:
            self.answer_view.set_status("", "info")

    @Slot()
    def run_prompt(self) -> None:
        if self.runs.is_running:
            return
        ok, why = self.prompt_panel.can_run()
        if not ok:
            self.statusBar().showMessage(why, 8000)
            return
        if self.journal is None or self.service is None:
            self.statusBar().showMessage("The journal is still opening…", 5000)
            return
        self.editor.flush()
        experiment_id = self.editor.experiment_id()
        if experiment_id is not None:
            self._start_run(experiment_id)
            return
        from journal.core.formatting import first_line
        from journal.core.queries import create_experiment, experiment_summary

        title = first_line(self.prompt_panel.prompt())

        def create(session: Session) -> Any:
            experiment = create_experiment(session, title=title)
            assert experiment.id is not None
            return experiment_summary(session, experiment.id)

        def created(summary: Any) -> None:
            self.list_panel.model().upsert(summary)
            self.list_panel.select_experiment(summary.id)
            self._start_run(summary.id)

        self._write(create, created)

    def _start_run(self, experiment_id: int) -> None:
        from journal.core.runner import RunSpec

        panel = self.prompt_panel
        request = panel.options_panel.request_fields()
        spec = RunSpec(
            replay_of_id=self._edited_replay_source(experiment_id),
            experiment_id=experiment_id,
            model=panel.model_picker.current_model() or "",
            prompt=panel.prompt(),
            system_prompt=panel.system_prompt(),
            options=panel.options_panel.options(),
            keep_alive=request.get("keep_alive"),
            think=request.get("think"),
        )
        if not self.runs.start(self.journal, self.service, spec):
            return
        self._set_running(True)
        self.answer_view.begin_stream()
        self.answer_view.set_status("Waiting for the model…", "info")
        self.stats_label.setText(f"{spec.model}  ·  starting…")

    def _edited_replay_source(self, experiment_id: int) -> int | None:
        """Running the shown run's own prompt again (model or settings changed, say) is a
        replay with edits: link it. A new prompt is a new original run."""
        shown = self._shown_run_id
        row = self.history_model.row_of(shown) if shown is not None else None
        if row is None:
            return None
        run = self.history_model.run(row)
        same_prompt = (run.prompt, run.system_prompt) == (
            self.prompt_panel.prompt(),
            self.prompt_panel.system_prompt(),
        )
        return run.id if run.experiment_id == experiment_id and same_prompt else None

    def _set_running(self, running: bool) -> None:
        self.prompt_panel.set_running(running)
        for action in (
            self.run_action,
            self.replay_action,
            self.replay_on_action,
            self.fan_out_action,
        ):
            action.setEnabled(not running)
        self.stop_action.setEnabled(running)

    def _selected_run_id(self) -> int | None:
        index = self.history_view.selectionModel().currentIndex()
        return self.history_model.run(index.row()).id if index.isValid() else None

    @Slot()
    def replay_selected_run(self, model: str | None = None) -> None:
        run_id = self._selected_run_id()
        if run_id is None or self.journal is None or self.service is None:
            self.statusBar().showMessage("Select a run in the history to replay it.", 6000)
            return
        self._replay(run_id, model)

    @Slot()
    def replay_on_several_models(self) -> None:
        from journal.gui.fan_out_dialog import FanOutDialog

        run_id = self._selected_run_id()
        if run_id is None or self.journal is None or self.service is None:
            self.statusBar().showMessage("Select a run in the history to replay it.", 6000)
            return
        names = [info.name for info in self.prompt_panel.model_picker.models()]
        chosen = FanOutDialog.ask(self, run_id, names)
        if chosen:
            self._fan_out = (run_id, chosen[1:])
            self._replay(run_id, chosen[0])

    def _replay(self, run_id: int, model: str | None) -> None:
        if self.journal is None or self.service is None:
            return
        self.outcome.flush()
        if self._fan_out is not None:
            left = len(self._fan_out[1])
            self.statusBar().showMessage(
                f"Replaying run {run_id} on {model}" + (f"; {left} more queued" if left else "")
            )
        if self.runs.start_replay(self.journal, self.service, run_id, model):
            self._set_running(True)
            self.answer_view.begin_stream()
            self.answer_view.set_status("Checking the model, then replaying…", "info")
            self.stats_label.setText(f"replaying run {run_id}…")

    @Slot()
    def replay_selected_run_on_model(self) -> None:
        model = self.prompt_panel.model_picker.current_model()
        if not model:
            self.statusBar().showMessage("Choose a model to replay on.", 6000)
            return
        self.replay_selected_run(model)

    @Slot(str)
    def _on_runs_notice(self, text: str) -> None:
        self.statusBar().showMessage(text, 30_000)
        self._pending_notice = text

    @Slot(float)
    def _on_runs_silent(self, seconds: float) -> None:
        # An "info" status gives way to the first text that arrives (_on_runs_text_received).
        if (
            self._shown_run_id == self._streaming_run_id
            and self.answer_view.status_kind() == "info"
        ):
            self.answer_view.set_status(
                f"No answer from Ollama for {int(seconds)} s. A model can take a while to "
                "load; Esc stops.",
                "info",
            )

    @Slot(str)
    def _on_runs_save_failed(self, reason: str) -> None:
        self._unsaved_reason = reason
        self.save_banner.show_message(
            f"<b>The answer is not saved yet:</b> {html.escape(reason)} It is kept in memory "
            "and saved as soon as the journal takes it, or save it to a file now."
        )

    @Slot()
    def _on_runs_saved(self) -> None:
        self._unsaved_reason = ""
        self._unsaved_text = ""
        self.save_banner.hide()
        self.statusBar().showMessage("Saved: the whole answer is in the journal now.", 10_000)

    @Slot()
    def save_answer_as(self) -> None:
        """Write the answer that the journal could not take yet to a file of the person's."""
        text = self._unsaved_text or self.runs.answer_so_far()
        path = self.ask_save_path(self)
        if not path:
            return
        try:
            Path(path).write_text(text, encoding="utf-8")
        except OSError as exc:
            QMessageBox.warning(self, "LLM Journal", f"Cannot write {path}: {exc.strerror or exc}.")
            return
        self.statusBar().showMessage(f"The answer ({len(text)} characters) is in {path}.", 15_000)

    @classmethod
    def ask_save_path(cls, parent: QWidget) -> str:
        path, _ = QFileDialog.getSaveFileName(
            parent, "Save the answer as", "answer.md", "Text (*.md *.txt);;All files (*)"
        )
        return path

    @Slot()
    def stop_run(self) -> None:
        self._fan_out = None  # Esc stops the queue too
        if self.runs.is_running:
            self.answer_view.set_status("Stopping…", "info")
            self.runs.stop()

    @Slot(object)
    def _on_runs_started(self, run: Run) -> None:
        from journal.core.queries import runs_of

        self._streaming_run_id = run.id
        self.history_model.set_live_run(run.id)
        if self._pending_notice:
            self.answer_view.set_status(self._pending_notice, "warning")
        runs = self._read(lambda s: runs_of(s, run.experiment_id)) or []
        if self.editor.experiment_id() == run.experiment_id:
            self._load_history(runs, select_id=run.id)
            self._shown_run_id = run.id
            self.outcome.show_run(run.id, None, "")
        self._refresh_list_row(run.experiment_id)

    @Slot(str, str)
    def _on_runs_text_received(self, content: str, thinking: str) -> None:
        if self._shown_run_id is not None and self._shown_run_id == self._streaming_run_id:
            if self.answer_view.status_kind() == "info":
                self.answer_view.set_status("", "info")
            self.answer_view.append_text(content, thinking)

    @Slot(dict)
    def _on_runs_stats_updated(self, stats: dict[str, Any]) -> None:
        from journal.core.formatting import seconds

        if self._shown_run_id != self._streaming_run_id:
            return
        parts = [f"{stats['chunks']} tokens"]
        if "rate" in stats:
            parts.append(f"{stats['rate']:.1f} tok/s")
        if "first_token" in stats:
            parts.append(f"first token {seconds(stats['first_token'])}")
        parts.append(f"{seconds(stats['seconds'])}")
        model = self.prompt_panel.model_picker.current_model() or ""
        self.stats_label.setText(f"{model}  ·  streaming  ·  " + " · ".join(parts))

    @Slot(object)
    def _on_runs_finished(self, run: Run) -> None:
        from journal.core.queries import runs_of

        self._pending_notice = ""
        self._streaming_run_id = None
        self.history_model.set_live_run(None)
        self._set_running(False)
        was_shown = self._shown_run_id == run.id
        if was_shown:
            self.answer_view.end_stream()
        if self.editor.experiment_id() == run.experiment_id:
            runs = self._read(lambda s: runs_of(s, run.experiment_id)) or []
            self.history_model.set_runs(runs)
            row = self.history_model.row_of(run.id or 0)
            if row is not None:
                self._select_history_row(row)
            self._show_run(run)
        self._refresh_list_row(run.experiment_id)
        self._refresh_choices()
        if run.status is RunStatus.FAILED:
            self.ollama.check_now()  # a failed run may mean the server went away
        self._next_fan_out()

    def _next_fan_out(self) -> None:
        if self._fan_out is None:
            return
        run_id, models = self._fan_out
        if not models:
            self._fan_out = None
            self.statusBar().showMessage(f"Replayed run {run_id} on every chosen model.", 8000)
            return
        self._fan_out = (run_id, models[1:])
        self._replay(run_id, models[0])

    @Slot(object)
    def _on_runs_failed(self, error: JournalError) -> None:
        from journal.core.errors import ModelNotFoundError

        self._pending_notice = ""
        self._fan_out = None  # e.g. a missing model: stop rather than fail the rest too
        self._streaming_run_id = None
        self.history_model.set_live_run(None)
        self._set_running(False)
        self.answer_view.end_stream()
        from journal.core.runner import RunNotSavedError

        if isinstance(error, RunNotSavedError):  # the text is still here: offer it, no box
            self._unsaved_text = error.text
            self.save_banner.show_message(
                f"<b>Run {error.run_id} was not saved:</b> {html.escape(error.reason)} "
                "Save its answer to a file to keep it."
            )
            return
        if isinstance(error, ModelNotFoundError):  # a replay's model is gone: offer to pull it
            self.answer_view.set_status(error.message, "error")
            if self.offer_pull(self, error.model):
                self.pull_model(error.model)
            return
        self._show_error(error)

    @classmethod
    def offer_pull(cls, parent: QWidget, model: str) -> bool:
        answer = QMessageBox.question(
            parent,
            "Model not available",
            f"{model} is not on this Ollama any more. Pull it now?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.Yes

    @Slot(int, object)
    def _on_outcome_verdict_chosen(self, run_id: int, verdict: Verdict | None) -> None:
        from journal.core.queries import set_verdict

        self._write(lambda s: set_verdict(s, run_id, verdict), self._on_verdict_saved)

    @Slot(int, str)
    def _on_outcome_why_edited(self, run_id: int, why: str) -> None:
        from journal.core.queries import set_verdict

        verdict = self.outcome.verdict() if self.outcome.run_id() == run_id else None
        self._write(lambda s: set_verdict(s, run_id, verdict, why), self._on_verdict_saved)

    def _on_verdict_saved(self, run: Run) -> None:
        row = self.history_model.row_of(run.id or 0)
        if row is not None:
            runs = [self.history_model.run(r) for r in range(self.history_model.rowCount())]
            runs[row] = run
            self.history_model.set_runs(runs)
            self._select_history_row(self.history_model.row_of(run.id or 0) or 0)
        self._refresh_list_row(run.experiment_id)

    # -- Ollama -------------------------------------------------------------------------

    @Slot(bool, str, str)
    def _on_ollama_changed(self, reachable: bool, version: str, message: str) -> None:
        if reachable:
            self.banner.hide()
            self.ollama_label.setText(f"● Ollama {version} at {self.host}")
            self.ollama_label.setToolTip("Ollama is answering")
            self.prompt_panel.model_picker.refresh()
            return
        self.ollama_label.setText(f"○ Ollama unreachable at {self.host}")
        self.ollama_label.setToolTip(message)
        self.banner.show_message(
            f"<b>Ollama is not answering at {self.host}.</b> Start it with "
            "<code>ollama serve</code>, or set another host in Settings. "
            "The journal stays usable; checking again every few seconds."
        )

    @Slot(str)
    def _on_models_load_failed(self, message: str) -> None:
        self.ollama.check_now()

    @Slot()
    def pull_model(self, name: str = "") -> None:
        from journal.gui.pull_dialog import PullDialog

        if self.service is None:
            return
        dialog = PullDialog(
            self.service.pull, name=name if isinstance(name, str) else "", parent=self
        )
        dialog.pulled.connect(self._on_pull_dialog_pulled)
        dialog.open()

    @Slot(str)
    def _on_pull_dialog_pulled(self, name: str) -> None:
        self.prompt_panel.model_picker.refresh()
        self.statusBar().showMessage(f"Pulled {name}.", 8000)

    @Slot()
    def show_model_details(self) -> None:
        from journal.gui.model_details_dialog import ModelDetailsDialog

        name = self.prompt_panel.model_picker.current_model()
        service = self.service
        if name and service is not None:
            ModelDetailsDialog.open_for(self, name, lambda: service)

    # -- compare, migration checks, matrix ----------------------------------------------

    @Slot()
    def compare_selected_runs(self) -> None:

        rows = sorted({index.row() for index in self.history_view.selectionModel().selectedRows()})
        if self.journal is None or len(rows) < 2:
            self.statusBar().showMessage(
                "Select two or more runs in the history (Ctrl+click) to compare them.", 6000
            )
            return
        ids = [self.history_model.run(row).id for row in reversed(rows)]  # oldest first
        self._open_compare(ids)

    @classmethod
    def ask_run_ids(cls, parent: QWidget, suggested: str) -> str | None:
        from PySide6.QtWidgets import QInputDialog

        text, ok = QInputDialog.getText(
            parent,
            "Compare runs",
            "Run ids to compare (any experiments), e.g. 12, 57, 58:",
            text=suggested,
        )
        return text if ok else None

    @Slot()
    def compare_runs_by_id(self) -> None:
        import re

        if self.journal is None:
            return
        selected = [
            str(self.history_model.run(index.row()).id)
            for index in self.history_view.selectionModel().selectedRows()
        ]
        text = self.ask_run_ids(self, ", ".join(reversed(selected)))
        if text is None:
            return
        ids = [int(number) for number in re.findall(r"\d+", text)]
        if len(ids) < 2:
            self.statusBar().showMessage("Give at least two run ids to compare.", 6000)
            return
        self._open_compare(ids)

    def _open_compare(self, ids: list[int]) -> None:
        from journal.core.errors import NotFoundError
        from journal.core.queries import get_run
        from journal.gui.compare_dialog import CompareDialog

        assert self.journal is not None
        try:
            with self.journal.read() as session:
                for run_id in ids:
                    get_run(session, run_id)
        except NotFoundError as error:
            self.statusBar().showMessage(error.message, 8000)
            return
        dialog = CompareDialog(self.journal, ids, self)
        dialog.verdict_changed.connect(self._on_compare_dialog_verdict_changed)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    @Slot(int)
    def _on_compare_dialog_verdict_changed(self, run_id: int) -> None:
        self._reload_current_experiment(select_run=self._shown_run_id)

    @Slot()
    def open_migration_check(self) -> None:
        from journal.gui.check_window import CheckWindow

        if self.journal is None or self.service is None:
            return
        window = CheckWindow(self.journal, self.service, self)
        window.set_source(self.list_panel.filter())
        window.check_finished.connect(self._on_check_window_check_finished)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        window.show()

    @Slot(int)
    def _on_check_window_check_finished(self, _: int) -> None:
        self.list_panel.model().refresh()
        self._refresh_choices()

    @Slot()
    def open_matrix(self) -> None:
        from journal.gui.matrix_dialog import MatrixDialog

        if self.journal is None:
            return
        dialog = MatrixDialog(self.journal, self.list_panel.filter(), self)
        dialog.run_activated.connect(self.open_run)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    @Slot(int)
    def open_run(self, run_id: int) -> None:
        """Show run `run_id`: select its experiment in the list, then the run in the history."""
        from journal.core.queries import get_run

        run = self._read(lambda s: get_run(s, run_id))
        if run is None:
            return
        elsewhere = self.editor.experiment_id() != run.experiment_id
        if elsewhere and not self.list_panel.select_experiment(run.experiment_id):
            self.list_panel.clear_filters()  # filtered out of the list: show everything
            self.list_panel.select_experiment(run.experiment_id)
        if self.editor.experiment_id() != run.experiment_id:  # selected already: load it
            self._on_list_experiment_selected(run.experiment_id)
        row = self.history_model.row_of(run_id)
        if row is not None:
            self._select_history_row(row)
        self.activateWindow()

    def _reload_current_experiment(self, select_run: int | None) -> None:
        from journal.core.queries import runs_of

        experiment_id = self.editor.experiment_id()
        if experiment_id is None:
            return
        runs = self._read(lambda s: runs_of(s, experiment_id)) or []
        self._load_history(runs, select_id=select_run)
        self._refresh_list_row(experiment_id)

    # -- export and import --------------------------------------------------------------

    @Slot()
    def export_markdown(self) -> None:
        from journal.gui.export_dialog import ExportDialog

        if self.journal is None:
            return
        self.editor.flush()
        self.outcome.flush()
        self._writes.waitForDone(5000)  # export what the person sees, edits included
        dialog = ExportDialog(
            self.journal, self.list_panel.filter(), self.editor.experiment_id(), self
        )
        dialog.exported.connect(self._on_export_dialog_exported)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()

    @Slot(object)
    def _on_export_dialog_exported(self, result: Any) -> None:
        self.statusBar().showMessage(f"Exported to {getattr(result, 'path', '')}.", 10_000)

    @Slot()
    def import_markdown(self) -> None:
        from journal.gui.export_dialog import import_journal_file

        if self.journal is None:
            return
        dialog = import_journal_file(self, self.journal)
        dialog.imported.connect(self._on_import_dialog_imported)

    @Slot(object)
    def _on_import_dialog_imported(self, result: Any) -> None:
        self.list_panel.model().refresh()
        self._refresh_choices()

    # -- settings, help, journal switching ----------------------------------------------

    @Slot()
    def open_settings(self) -> None:
        from journal.gui.settings_dialog import SettingsDialog

        def check_host(host: str) -> str:
            from journal.core.ollama_service import OllamaService

            return OllamaService(host).version()

        dialog = SettingsDialog(self.settings, str(self.db_path), check_host, self)
        dialog.journal_switch_requested.connect(self._on_settings_journal_switch_requested)
        if dialog.exec():
            host = resolve_ollama_host(self.settings.ollama_host())
            if host != self.host:
                self._connect_ollama(host)

    @Slot()
    def choose_journal(self) -> None:
        from journal.gui.settings_dialog import SettingsDialog

        path = SettingsDialog.pick_journal_file(self, str(self.db_path.parent))
        if path:
            self._on_settings_journal_switch_requested(path)

    @Slot(str)
    def _on_settings_journal_switch_requested(self, path: str) -> None:
        if self.runs.is_running:
            QMessageBox.information(
                self, "A run is streaming", "Stop the running answer before switching journals."
            )
            return
        self.editor.flush()
        self.outcome.flush()
        self._writes.waitForDone(5000)
        self.open_journal(Path(path))

    @Slot()
    def show_shortcuts(self) -> None:
        from journal.gui.help_dialogs import show_shortcuts

        show_shortcuts(self, SHORTCUTS)

    @Slot()
    def show_about(self) -> None:
        from journal.gui.help_dialogs import collect_versions, show_about

        version = self.ollama.version if self.ollama.reachable else None
        show_about(self, collect_versions(version, str(self.db_path)))

    # -- closing ------------------------------------------------------------------------

    @classmethod
    def ask_stop_running(cls, parent: QWidget) -> bool:
        answer = QMessageBox.question(
            parent,
            "A run is still streaming",
            "An answer is still streaming. Stop it and quit?\n\n"
            "The text received so far is kept in the journal.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    @classmethod
    def ask_unsaved(cls, parent: QWidget, reason: str) -> str:
        """ "save", "quit" or "cancel" for an answer the journal has not taken yet."""
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            "The answer is not saved",
            f"The last answer is not in the journal yet: {reason}\n\n"
            "Quitting now keeps only what was saved before. Save the answer to a file first?",
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

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self.runs.is_running and self._unsaved_reason:
            choice = self.ask_unsaved(self, self._unsaved_reason)
            if choice == "cancel":
                event.ignore()
                return
            if choice == "save":
                self.save_answer_as()
            self.runs.stop()
            self.runs.abandon_saving()
            self.runs.wait(5000)
        elif self.runs.is_running:
            if not self.ask_stop_running(self):
                event.ignore()
                return
            self.runs.stop()
            self.runs.wait(5000)
        self.editor.flush()
        self.outcome.flush()
        self._writes.waitForDone(5000)
        self.settings.set_window_geometry(self.saveGeometry())
        for name, splitter in self._splitters().items():
            self.settings.set_splitter_state(name, splitter.saveState())
        self.settings.set_raw_mode(self.answer_view.raw_mode)
        if self.journal is not None:
            self.journal.close()
            self.journal = None
        event.accept()


def _replay_notice(run: Run) -> str:
    """What a replay found about the model's identity, in one sentence (or nothing)."""
    info = getattr(run, "replay_info", None) or {}
    if run.replay_of_id is None:
        return ""
    if info.get("digest_changed"):
        before = str(info.get("digest_before") or "")[:12]
        now = str(info.get("digest_now") or "")[:12]
        return (
            f"Replay of run {run.replay_of_id}: {run.model} changed since then: {before} -> {now}"
        )
    return f"Replay of run {run.replay_of_id}."
