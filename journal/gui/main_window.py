"""The journal window: lays out the panes and wires them to the context and the controllers.

The window shows itself before the storage layer is even imported (SQLModel costs ~300 ms);
`start()` then has the context open the journal in the background. What happens to runs
belongs to the RunController, which runs are shown to the RunDisplay, which experiment is
open to the ExperimentBrowser, and every message to the person comes from the AppContext.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, Slot
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import QMainWindow, QScrollArea, QSplitter, QVBoxLayout, QWidget

from journal.core.paths import resolve_db_path, resolve_ollama_host
from journal.gui import window_questions
from journal.gui.banner import Banner
from journal.gui.context import AppContext
from journal.gui.experiment_browser import ExperimentBrowser
from journal.gui.experiment_editor import ExperimentEditor
from journal.gui.follow_up import FollowUps
from journal.gui.grading_controls import GradingControls
from journal.gui.list_panel import ListPanel
from journal.gui.live_refresh import LiveRefresh
from journal.gui.prompt_panel import PromptPanel
from journal.gui.resources import app_icon
from journal.gui.run_controller import RunController
from journal.gui.run_display import RunDisplay
from journal.gui.settings_store import SettingsStore
from journal.gui.status_display import StatusDisplay
from journal.gui.trash_actions import TrashActions
from journal.gui.window_actions import build_actions
from journal.gui.window_dialogs import WindowDialogs

if TYPE_CHECKING:
    from journal.core.errors import JournalError, ModelNotFoundError
    from journal.core.models import Run
    from journal.core.ollama_service import OllamaService
    from journal.core.storage import Journal

translate = QCoreApplication.translate

EDITOR_MIN_HEIGHT = 110  # the title and a line of notes; the rest scrolls
FIRST_SIZE = (1280, 820)
LIST_WIDTH = 330  # the list's first width; it keeps it as the window grows or shrinks


class MainWindow(QMainWindow):
    """The panes, the menus and the status bar; the parts they are wired to do the work."""

    # Made from window_actions.MENUS (see _build_actions).
    new_action: QAction
    open_action: QAction
    export_action: QAction
    import_action: QAction
    settings_action: QAction
    quit_action: QAction
    undo_action: QAction
    delete_action: QAction
    duplicate_action: QAction
    archive_action: QAction
    trash_action: QAction
    run_action: QAction
    stop_action: QAction
    replay_action: QAction
    continue_action: QAction
    replay_on_action: QAction
    fan_out_action: QAction
    compare_action: QAction
    compare_ids_action: QAction
    check_action: QAction
    batch_action: QAction
    matrix_action: QAction
    try_expectations_action: QAction
    expectation_from_format_action: QAction
    worked_action: QAction
    partly_action: QAction
    failed_action: QAction
    clear_verdict_action: QAction
    accept_suggestion_action: QAction
    regrade_action: QAction
    regrade_experiment_action: QAction
    stop_grading_action: QAction
    search_action: QAction
    prompt_action: QAction
    refresh_models_action: QAction
    pull_action: QAction
    details_action: QAction
    shortcuts_action: QAction
    about_action: QAction

    def __init__(
        self,
        db: str | None = None,
        host: str | None = None,
        settings: SettingsStore | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings or SettingsStore()
        self.host_flag = host  # --host: wins over the settings for as long as the window runs
        self.context = AppContext(
            resolve_db_path(db),
            resolve_ollama_host(host or self.settings.ollama_host()),
            parent=self,
        )
        self.runs = RunController(self.context, self)
        self.dialogs = WindowDialogs(self)
        self.setWindowTitle(translate("main_window", "LLM Journal"))
        self.setWindowIcon(app_icon())
        self._fit_first_size()
        self.status = StatusDisplay(self, self.context)
        self.grading = GradingControls(self)
        self._build_panes()
        self.trash = TrashActions(self)
        self._build_actions()
        self._connect_signals()
        self._restore_layout()

    # -- layout -------------------------------------------------------------------------

    def _build_panes(self) -> None:
        # The status display's parts, by the names tests and scripts use.
        self.banner = self.status.ollama_banner
        self.journal_banner = self.status.journal_banner
        self.journal_label = self.status.journal_label
        self.ollama_label = self.status.ollama_label
        self.save_banner = Banner(translate("main_window", "Save answer as…"))
        self.list_panel = ListPanel()
        self.editor = ExperimentEditor(self.context)
        self.prompt_panel = PromptPanel()
        picker = self.prompt_panel.model_picker
        self.display = RunDisplay(self.context, self.runs, picker.current_model, self)
        self.follow_ups = FollowUps(self.context, self.runs, self.display, self.prompt_panel, self)
        self.browser = ExperimentBrowser(
            self.context, self.list_panel, self.editor, self.display, self
        )
        # Other programs' writes show within a second.
        self.live = LiveRefresh(self.context, self.list_panel, self.editor, self.display, self)
        # The display's parts, by the names the window's menus and tests use.
        self.answer_view = self.display.answer_view
        self.outcome = self.display.outcome
        self.history_model = self.display.history_model
        self.history_view = self.display.history_view

        self.work_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.work_splitter.addWidget(self.prompt_panel)
        self.work_splitter.addWidget(self.display.answer_pane)
        self.work_splitter.setStretchFactor(0, 2)
        self.work_splitter.setStretchFactor(1, 3)

        # The experiment's notes scroll rather than squeeze the prompt and the answer, so
        # the window fits a short screen and keeps its shape whatever an experiment holds.
        self.editor_area = QScrollArea()
        self.editor_area.setWidget(self.editor)
        self.editor_area.setWidgetResizable(True)
        self.editor_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.editor_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.editor_area.setMinimumHeight(EDITOR_MIN_HEIGHT)

        self.right_splitter = QSplitter(Qt.Orientation.Vertical)
        self.right_splitter.addWidget(self.editor_area)
        self.right_splitter.addWidget(self.work_splitter)
        self.right_splitter.addWidget(self.history_view)
        for index, stretch in enumerate((0, 1, 0)):
            self.right_splitter.setStretchFactor(index, stretch)
        self.right_splitter.setSizes([330, 420, 150])  # the notes scroll; a few runs show

        self.main_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.main_splitter.addWidget(self.list_panel)
        self.main_splitter.addWidget(self.right_splitter)
        self.main_splitter.setStretchFactor(0, 0)
        self.main_splitter.setStretchFactor(1, 1)
        self.main_splitter.setSizes([LIST_WIDTH, 1280 - LIST_WIDTH])

        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(6, 6, 6, 0)
        for banner in (self.journal_banner, self.save_banner, self.banner):
            layout.addWidget(banner)
        layout.addWidget(self.main_splitter, 1)
        self.setCentralWidget(central)

    def _build_actions(self) -> None:
        for name, action in build_actions(self).items():
            setattr(self, f"{name}_action", action)
        self.stop_action.setEnabled(False)
        self.stop_grading_action.setEnabled(False)
        self.batch_action.setEnabled(False)  # until an experiment is open
        self.undo_action.setEnabled(False)  # until something is deleted
        self.trash.bind_keys(self.delete_action)

    def _connect_signals(self) -> None:
        context, runs = self.context, self.runs
        context.journal_opened.connect(self._on_context_journal_opened)
        context.service_changed.connect(self._on_context_service_changed)
        context.ollama_status.changed.connect(self._on_ollama_status_changed)
        self.journal_banner.action_clicked.connect(self.dialogs.choose_journal)
        self.save_banner.action_clicked.connect(self.save_answer_as)
        self.prompt_panel.run_requested.connect(self.run_prompt)
        self.prompt_panel.stop_requested.connect(self.stop_run)
        self.prompt_panel.model_picker.load_failed.connect(self._on_model_picker_load_failed)
        self.browser.experiment_created.connect(self._on_browser_experiment_created)
        self.list_panel.experiment_selected.connect(self._on_list_panel_experiment_selected)
        self.display.run_chosen.connect(self._on_display_run_chosen)
        self.display.shown_run_changed.connect(self.editor.expectations.set_selected_run)
        panel = self.prompt_panel
        self.editor.inputs.set_prompt_source(lambda: [panel.prompt(), panel.system_prompt()])
        self.follow_ups.active_changed.connect(self._on_follow_ups_active_changed)
        self.trash.undo_available.connect(self.undo_action.setEnabled)
        list_view = self.list_panel.view()
        list_view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        list_view.addActions([self.duplicate_action, self.archive_action])
        self.history_view.addActions(
            [
                self.continue_action,
                self.replay_action,
                self.replay_on_action,
                self.fan_out_action,
                self.compare_action,
                self.regrade_action,
            ]
        )
        runs.running_changed.connect(self._on_runs_running_changed)
        runs.finished.connect(self._on_runs_finished)
        runs.save_failed.connect(self._on_runs_save_failed)
        runs.saved.connect(self._on_runs_saved)
        runs.not_saved.connect(self._on_runs_not_saved)
        runs.model_missing.connect(self._on_runs_model_missing)

    def _fit_first_size(self) -> None:
        """FIRST_SIZE, within a short screen's free area (1366x768): a saved geometry wins."""
        width, height = FIRST_SIZE
        screen = self.screen()
        if screen is not None:
            free = screen.availableGeometry()
            width, height = min(width, free.width()), min(height, free.height())
        self.resize(width, height)

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

    # -- the journal and Ollama -----------------------------------------------------------

    def start(self) -> None:
        """Open the journal and connect to Ollama, both in the background."""
        self.context.start()

    @Slot(object)
    def _on_context_journal_opened(self, journal: Journal) -> None:
        self.settings.add_recent_journal(str(journal.path))
        self.batch_action.setEnabled(False)  # no experiment is open in the new journal yet

    @Slot(object)
    def _on_context_service_changed(self, service: OllamaService) -> None:
        picker = self.prompt_panel.model_picker
        picker.set_lister(service.list_models)
        picker.set_loaded_lister(service.loaded_models)
        self.prompt_panel.set_show_model(service.show_model)
        picker.refresh()

    @Slot(bool, str, str)
    def _on_ollama_status_changed(self, reachable: bool, _version: str, _message: str) -> None:
        self.prompt_panel.model_picker.set_reachable(reachable)
        if reachable:  # back (or there at last): list its models
            self.prompt_panel.model_picker.refresh()

    @Slot(object)
    def _on_model_picker_load_failed(self, error: JournalError) -> None:
        self.context.ollama_status.report_failure(error)

    # -- experiments ----------------------------------------------------------------------

    @Slot()
    def new_experiment(self) -> None:
        self.browser.create_experiment()

    @Slot(int)
    def _on_list_panel_experiment_selected(self, _experiment_id: int) -> None:
        self.batch_action.setEnabled(True)

    @Slot(int)
    def _on_browser_experiment_created(self, _experiment_id: int) -> None:
        self.prompt_panel.set_prompt("")
        self.prompt_panel.set_system_prompt("")
        self.prompt_panel.options_panel.set_values(self.settings.default_options(), None, None)
        self.prompt_panel.format_setting.set_value(None)
        self.editor.focus_title()

    @Slot(object)
    def _on_display_run_chosen(self, run: Run) -> None:
        from contextlib import suppress

        from journal.core.errors import InvalidInputError
        from journal.core.templates import TemplateRecord

        if self.follow_ups.run_chosen(run):
            return  # the turn continued stays, and so does the follow-up being written
        panel = self.prompt_panel
        panel.model_picker.set_current_model(run.model)
        # A run made from a template gives back its template and values, to run it again.
        record = TemplateRecord(run.prompt, run.system_prompt)
        if run.template is not None:
            with suppress(InvalidInputError):  # a record the journal cannot read: as sent
                record = TemplateRecord.from_json(run.template)
        panel.set_variable_values(record.values)
        panel.set_system_prompt(record.system)
        panel.set_prompt(record.prompt)
        panel.options_panel.set_values(dict(run.options), run.keep_alive, run.think)
        panel.format_setting.set_value(run.format)

    @Slot(int)
    def open_run(self, run_id: int) -> None:
        """Show run `run_id`: its experiment in the list, the run in the history, and the
        window in front of the one that asked (the matrix, a batch)."""
        if self.browser.open_run(run_id):
            self.raise_()
            self.activateWindow()

    # -- runs -----------------------------------------------------------------------------

    @Slot()
    def run_prompt(self) -> None:
        if self.runs.is_running:
            return
        ok, why = self.prompt_panel.can_run()
        if not ok:
            self.context.say(why, 8000)
            return
        if self.context.journal is None or self.context.service is None:
            self.context.say(translate("main_window", "The journal is still opening…"), 5000)
            return
        if self.prompt_panel.rendered() is None:  # the reason is shown under the variables
            return
        self.editor.flush()
        if self.follow_ups.active:  # the parent's experiment, whichever is open
            self.follow_ups.send()
            return
        experiment_id = self.editor.experiment_id()
        if experiment_id is not None:
            self._start_run(experiment_id)
            return
        from journal.core.formatting import first_line

        self.browser.create_experiment(first_line(self.prompt_panel.prompt()), self._start_run)

    def _start_run(self, experiment_id: int) -> None:
        from journal.core.images import user_message
        from journal.core.runner import RunSpec

        panel = self.prompt_panel
        texts = panel.rendered()  # the core's rendering, as in `journal run --var`
        if texts is None:
            return
        request = panel.options_panel.request_fields()
        images = panel.attached_images.images()
        spec = RunSpec(
            based_on_id=self.display.based_on_source(experiment_id, texts.prompt, texts.system),
            experiment_id=experiment_id,
            model=panel.model_picker.current_model() or "",
            prompt=texts.prompt,
            system_prompt=texts.system,
            template=None if texts.template is None else texts.template.to_json(),
            options=panel.options_panel.options(),
            keep_alive=request.get("keep_alive"),
            think=request.get("think"),
            format=panel.output_format(),
            messages=(
                [user_message(texts.prompt, [image.sha256 for image in images])] if images else None
            ),
        )
        if self.runs.start(spec, repeat=panel.repeat(), images=images):
            waiting = translate("main_window", "Waiting for the model…")
            starting = translate("main_window", "{model}  ·  starting…")
            self.display.begin_stream(waiting, starting.format(model=spec.model))

    @Slot()
    def replay_selected_run(self, model: str | None = None) -> None:
        run_id = self._run_to_replay()
        if run_id is not None:
            self.outcome.flush()
            if self.runs.replay(run_id, model if isinstance(model, str) else None):
                self._replay_begun(run_id)

    @Slot()
    def replay_selected_run_on_model(self) -> None:
        model = self.prompt_panel.model_picker.current_model()
        if not model:
            self.context.say(translate("main_window", "Choose a model to replay on."), 6000)
            return
        self.replay_selected_run(model)

    @Slot()
    def replay_on_several_models(self) -> None:
        from journal.gui.fan_out_dialog import FanOutDialog

        run_id = self._run_to_replay()
        if run_id is None:
            return
        names = [info.name for info in self.prompt_panel.model_picker.models()]
        regenerate = False
        node = self.history_model.turn(run_id)
        if node is not None and node.depth > 0:  # a follow-up: its whole conversation?
            answer = FanOutDialog.ask_conversation(self, run_id, names)
            chosen, regenerate = answer if answer else (None, False)
        else:
            chosen = FanOutDialog.ask(self, run_id, names)
        if chosen:
            self.outcome.flush()
            start = self.runs.regenerate if regenerate else self.runs.replay_on_models
            if start(run_id, chosen):
                self._replay_begun(run_id)

    def _run_to_replay(self) -> int | None:
        run_id = self.display.current_run_id()
        if run_id is None or self.context.journal is None or self.context.service is None:
            self.context.say(
                translate("main_window", "Select a run in the history to replay it."), 6000
            )
            return None
        return run_id

    def _replay_begun(self, run_id: int) -> None:
        checking = translate("main_window", "Checking the model, then replaying…")
        replaying = translate("main_window", "replaying run {number}…").format(number=run_id)
        self.display.begin_stream(checking, replaying)

    @Slot()
    def stop_run(self) -> None:
        if self.runs.is_running:  # Esc stops a queue of replays too
            self.display.set_status(translate("main_window", "Stopping…"))
            self.runs.stop()
        else:  # Esc with nothing running leaves follow-up mode
            self.follow_ups.leave()

    @Slot(bool)
    def _on_follow_ups_active_changed(self, active: bool) -> None:
        self.stop_action.setEnabled(active or self.runs.is_running)

    @Slot(bool)
    def _on_runs_running_changed(self, running: bool) -> None:
        self.prompt_panel.set_running(running)
        for action in (self.run_action, self.replay_action, self.replay_on_action):
            action.setEnabled(not running)
        self.fan_out_action.setEnabled(not running)
        self.continue_action.setEnabled(not running)
        self.stop_action.setEnabled(running or self.follow_ups.active)

    @Slot(object)
    def _on_runs_finished(self, _run: Run) -> None:
        self.browser.refresh_choices()  # a run on a new model adds it to the filter

    @Slot(str)
    def _on_runs_save_failed(self, reason: str) -> None:
        import html

        self.save_banner.show_message(
            translate(
                "main_window",
                "<b>The answer is not saved yet:</b> {reason} It is kept in memory "
                "and saved as soon as the journal takes it, or save it to a file now.",
            ).format(reason=html.escape(reason))
        )

    @Slot()
    def _on_runs_saved(self) -> None:
        self.save_banner.hide()

    @Slot(int, str)
    def _on_runs_not_saved(self, run_id: int, reason: str) -> None:
        import html

        self.save_banner.show_message(
            translate(
                "main_window",
                "<b>Run {number} was not saved:</b> {reason} Save its answer to a file to keep it.",
            ).format(number=run_id, reason=html.escape(reason))
        )

    @Slot(object)
    def _on_runs_model_missing(self, error: ModelNotFoundError) -> None:
        if self.offer_pull(self, error.model):
            self.dialogs.pull_model(error.model)

    @Slot()
    def save_answer_as(self) -> None:
        """Write the answer that the journal could not take yet to a file of the person's."""
        text = self.runs.answer_to_keep()
        path = self.ask_save_path(self)
        if not path:
            return
        try:
            Path(path).write_text(text, encoding="utf-8")
        except OSError as exc:
            from journal.core.errors import StorageError
            from journal.core.messages import CANNOT_WRITE_FILE, message

            reason = exc.strerror or str(exc)
            self.context.report(StorageError(message(CANNOT_WRITE_FILE, path=path, reason=reason)))
            return
        size = len(text)
        said = translate("main_window", "The answer (%n character(s)) is in {path}.", None, size)
        self.context.say(said.format(path=path), 15_000)

    # -- asking the person (classmethods, so tests can answer for them) -------------------

    @classmethod
    def ask_save_path(cls, parent: QWidget) -> str:
        return window_questions.ask_save_path(parent)

    @classmethod
    def offer_pull(cls, parent: QWidget, model: str) -> bool:
        return window_questions.offer_pull(parent, model)

    @classmethod
    def ask_stop_running(cls, parent: QWidget) -> bool:
        return window_questions.ask_stop_running(parent)

    @classmethod
    def ask_unsaved(cls, parent: QWidget, reason: str) -> str:
        """ "save", "quit" or "cancel" for an answer the journal has not taken yet."""
        return window_questions.ask_unsaved(parent, reason)

    # -- closing --------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if not self._stop_before_closing():
            event.ignore()
            return
        self.browser.flush()
        self.settings.set_window_geometry(self.saveGeometry())
        for name, splitter in self._splitters().items():
            self.settings.set_splitter_state(name, splitter.saveState())
        self.settings.set_raw_mode(self.answer_view.raw_mode)
        self.live.stop()
        self.context.close_journal()
        event.accept()

    def _stop_before_closing(self) -> bool:
        """Stop a streaming run and running batches, once the person agrees; False to
        keep the window open."""
        if not self.dialogs.close_batch_windows():
            return False
        if not self.runs.is_running:
            return True
        reason = self.runs.unsaved_reason()
        if reason:
            choice = self.ask_unsaved(self, reason)
            if choice == "cancel":
                return False
            if choice == "save":
                self.save_answer_as()
            self.runs.stop()
            self.runs.abandon_saving()
        else:
            if not self.ask_stop_running(self):
                return False
            self.runs.stop()
        self.runs.wait(5000)
        return True
