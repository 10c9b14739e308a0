"""The journal window: lays out the panes and wires them to the context and the controllers.

The window shows itself before the storage layer is even imported (SQLModel costs ~300 ms);
`start()` then has the context open the journal in the background. What happens to runs
belongs to the RunController, which runs are shown to the RunDisplay, which experiment is
open to the ExperimentBrowser, and every message to the person comes from the AppContext.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from journal.core.domain import Verdict
from journal.core.paths import resolve_db_path, resolve_ollama_host
from journal.gui.banner import Banner
from journal.gui.context import PROBLEM_SHOWN_MS, AppContext
from journal.gui.experiment_browser import ExperimentBrowser
from journal.gui.experiment_editor import ExperimentEditor
from journal.gui.list_panel import ListPanel
from journal.gui.prompt_panel import PromptPanel
from journal.gui.resources import app_icon
from journal.gui.run_controller import RunController
from journal.gui.run_display import RunDisplay
from journal.gui.settings_store import SettingsStore

if TYPE_CHECKING:
    from journal.core.errors import JournalError, ModelNotFoundError
    from journal.core.models import Run
    from journal.core.ollama_service import OllamaService
    from journal.core.storage import Journal


class MainWindow(QMainWindow):
    def __init__(
        self,
        db: str | None = None,
        host: str | None = None,
        settings: SettingsStore | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings or SettingsStore()
        self.context = AppContext(
            resolve_db_path(db),
            resolve_ollama_host(host or self.settings.ollama_host()),
            parent=self,
        )
        self.runs = RunController(self.context, self)
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
        picker = self.prompt_panel.model_picker
        self.display = RunDisplay(self.context, self.runs, picker.current_model, self)
        self.browser = ExperimentBrowser(
            self.context, self.list_panel, self.editor, self.display, self
        )
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

        self.right_splitter = QSplitter(Qt.Orientation.Vertical)
        self.right_splitter.addWidget(self.editor)
        self.right_splitter.addWidget(self.work_splitter)
        self.right_splitter.addWidget(self.history_view)
        for index, stretch in enumerate((0, 1, 0)):
            self.right_splitter.setStretchFactor(index, stretch)
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
        for banner in (self.journal_banner, self.save_banner, self.banner):
            layout.addWidget(banner)
        layout.addWidget(self.main_splitter, 1)
        self.setCentralWidget(central)

    def _action(
        self, text: str, slot: Callable[[], object], keys: list[str] | None = None, does: str = ""
    ) -> QAction:
        """An action of the window; `does` is what the shortcut table (F1) says of it."""
        action = QAction(text, self)
        if keys:
            action.setShortcuts([QKeySequence(key) for key in keys])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.setWhatsThis(does or text.replace("&", ""))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        a = self._action
        self.new_action = a("&New experiment", self.new_experiment, ["Ctrl+N"])
        self.open_action = a(
            "&Open journal…", self.choose_journal, ["Ctrl+O"], "Open or create another journal"
        )
        self.export_action = a(
            "&Export as Markdown…",
            self.export_markdown,
            ["Ctrl+E"],
            "Export the journal as Markdown",
        )
        self.import_action = a(
            "&Import…", self.import_markdown, ["Ctrl+I"], "Import a Markdown export"
        )
        self.settings_action = a("S&ettings…", self.open_settings, ["Ctrl+,"], "Settings")
        self.quit_action = a("&Quit", self.close, ["Ctrl+Q"])
        self.run_action = a(
            "&Run", self.run_prompt, ["Ctrl+Return", "Ctrl+Enter"], "Run the prompt"
        )
        self.stop_action = a(
            "&Stop", self.stop_run, ["Esc"], "Stop the running answer (the partial text is kept)"
        )
        self.stop_action.setEnabled(False)
        self.replay_action = a(
            "Re&play the selected run",
            self.replay_selected_run,
            ["Ctrl+R"],
            "Replay the selected run: same model, prompt, options and seed",
        )
        self.replay_on_action = a(
            "Replay on the chosen &model",
            self.replay_selected_run_on_model,
            ["Ctrl+Shift+R"],
            "Replay the selected run on the model chosen in the picker",
        )
        self.fan_out_action = a(
            "Replay on &several models…",
            self.replay_on_several_models,
            ["Ctrl+Alt+R"],
            "Replay the selected run on several models, one after another",
        )
        self.compare_action = a(
            "&Compare selected runs…",
            self.compare_selected_runs,
            ["Ctrl+D"],
            "Compare the runs selected in the history",
        )
        self.compare_ids_action = a(
            "Compare runs by &id…",
            self.compare_runs_by_id,
            ["Ctrl+Shift+D"],
            "Compare any runs by id, across experiments",
        )
        self.check_action = a(
            "Migration &check…",
            self.open_migration_check,
            ["Ctrl+Shift+M"],
            "Migration check: replay what worked on a new model",
        )
        self.matrix_action = a(
            "Experiment × model &matrix…", self.open_matrix, ["Ctrl+M"], "Experiment × model matrix"
        )
        self.verdict_actions = [
            a(label, self._verdict_chooser(verdict), [key], does)
            for label, verdict, key, does in (
                ("Worked", Verdict.WORKED, "Ctrl+1", "Verdict: worked"),
                ("Partly", Verdict.PARTLY, "Ctrl+2", "Verdict: partly"),
                ("Failed", Verdict.FAILED, "Ctrl+3", "Verdict: failed"),
                ("Clear verdict", None, "Ctrl+0", "Clear the verdict"),
            )
        ]
        self.search_action = a(
            "&Search", self.list_panel.focus_search, ["Ctrl+F"], "Search the journal"
        )
        self.prompt_action = a(
            "Focus &prompt", self.prompt_panel.focus_prompt, ["Ctrl+L"], "Focus the prompt"
        )
        self.refresh_models_action = a(
            "&Refresh models",
            self.prompt_panel.model_picker.refresh,
            ["F5"],
            "Refresh the model list",
        )
        self.pull_action = a("&Pull a model…", self.pull_model, ["Ctrl+Shift+P"], "Pull a model")
        self.details_action = a("Model &details…", self.show_model_details)
        self.shortcuts_action = a(
            "&Keyboard shortcuts", self.show_shortcuts, ["F1"], "All keyboard shortcuts"
        )
        self.about_action = a("&About LLM Journal", self.show_about)
        self._build_menus()

    def _verdict_chooser(self, verdict: Verdict | None) -> Callable[[], None]:
        return lambda: self.outcome.choose(verdict)

    def _build_menus(self) -> None:
        bar = self.menuBar()
        for title, groups in (
            (
                "&File",
                [
                    [self.new_action, self.open_action],
                    [self.export_action, self.import_action],
                    [self.settings_action],
                    [self.quit_action],
                ],
            ),
            (
                "&Run",
                [
                    [
                        self.run_action,
                        self.stop_action,
                        self.replay_action,
                        self.replay_on_action,
                        self.fan_out_action,
                    ],
                    [
                        self.compare_action,
                        self.compare_ids_action,
                        self.check_action,
                        self.matrix_action,
                    ],
                    self.verdict_actions,
                    [self.search_action, self.prompt_action],
                ],
            ),
            ("&Models", [[self.refresh_models_action, self.pull_action, self.details_action]]),
            ("&Help", [[self.shortcuts_action, self.about_action]]),
        ):
            menu = bar.addMenu(title)
            for number, group in enumerate(groups):
                if number:
                    menu.addSeparator()
                menu.addActions(group)

    def shortcut_actions(self) -> list[QAction]:
        """Every action of the window, in menu order (the shortcut table lists them)."""
        found: list[QAction] = []
        for menu in self.menuBar().findChildren(QMenu):
            found.extend(action for action in menu.actions() if action.text())
        return found + [action for action in self.actions() if action not in found]

    def _build_status_bar(self) -> None:
        self.journal_label = QLabel(str(self.context.path))
        self.journal_label.setToolTip("The journal file")
        self.ollama_label = QLabel(f"Ollama: checking {self.context.host}…")
        bar = self.statusBar()
        bar.addWidget(self.journal_label, 1)
        bar.addPermanentWidget(self.ollama_label)

    def _connect_signals(self) -> None:
        context, runs = self.context, self.runs
        context.said.connect(self._on_context_said)
        context.problem.connect(self._on_context_problem)
        context.journal_opened.connect(self._on_context_journal_opened)
        context.journal_failed.connect(self._on_context_journal_failed)
        context.service_changed.connect(self._on_context_service_changed)
        context.ollama_status.changed.connect(self._on_ollama_changed)
        self.banner.action_clicked.connect(context.ollama_status.check_now)
        self.journal_banner.action_clicked.connect(self.choose_journal)
        self.save_banner.action_clicked.connect(self.save_answer_as)
        self.prompt_panel.run_requested.connect(self.run_prompt)
        self.prompt_panel.stop_requested.connect(self.stop_run)
        self.prompt_panel.model_picker.load_failed.connect(self._on_models_load_failed)
        self.browser.experiment_created.connect(self._on_browser_experiment_created)
        self.display.run_chosen.connect(self._on_display_run_chosen)
        self.history_view.addActions(
            [self.replay_action, self.replay_on_action, self.fan_out_action, self.compare_action]
        )
        runs.running_changed.connect(self._on_runs_running_changed)
        runs.finished.connect(self._on_runs_finished)
        runs.save_failed.connect(self._on_runs_save_failed)
        runs.saved.connect(self._on_runs_saved)
        runs.not_saved.connect(self._on_runs_not_saved)
        runs.model_missing.connect(self._on_runs_model_missing)

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

    # -- what the context says ------------------------------------------------------------

    def start(self) -> None:
        """Open the journal and connect to Ollama, both in the background."""
        self.context.start()

    @Slot(str, int)
    def _on_context_said(self, text: str, msecs: int) -> None:
        self.statusBar().showMessage(text, msecs)

    @Slot(str)
    def _on_context_problem(self, text: str) -> None:
        self.statusBar().showMessage(text, PROBLEM_SHOWN_MS)
        # Not exec(): a problem may be said from inside a view's fetchMore or a paint.
        parent = QApplication.activeWindow() or self
        box = QMessageBox(QMessageBox.Icon.Warning, "LLM Journal", text, parent=parent)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    @Slot(object)
    def _on_context_journal_opened(self, journal: Journal) -> None:
        self.journal_banner.hide()
        self.settings.add_recent_journal(str(journal.path))
        self.journal_label.setText(str(journal.path))
        self.statusBar().clearMessage()

    @Slot(object)
    def _on_context_journal_failed(self, error: JournalError) -> None:
        self.statusBar().clearMessage()
        self.journal_banner.show_message(
            f"<b>The journal could not be opened.</b> {html.escape(error.message)}"
        )

    @Slot(object)
    def _on_context_service_changed(self, service: OllamaService) -> None:
        picker = self.prompt_panel.model_picker
        picker.set_lister(service.list_models)
        self.prompt_panel.set_show_model(service.show_model)
        picker.refresh()

    @Slot(bool, str, str)
    def _on_ollama_changed(self, reachable: bool, version: str, message: str) -> None:
        host = self.context.host
        if reachable:
            self.banner.hide()
            self.ollama_label.setText(f"● Ollama {version} at {host}")
            self.ollama_label.setToolTip("Ollama is answering")
            self.prompt_panel.model_picker.refresh()
            return
        self.ollama_label.setText(f"○ Ollama unreachable at {host}")
        self.ollama_label.setToolTip(message)
        self.banner.show_message(
            f"<b>Ollama is not answering at {host}.</b> Start it with "
            "<code>ollama serve</code>, or set another host in Settings. "
            "The journal stays usable; checking again every few seconds."
        )

    @Slot(str)
    def _on_models_load_failed(self, _message: str) -> None:
        self.context.ollama_status.check_now()

    # -- experiments ----------------------------------------------------------------------

    @Slot()
    def new_experiment(self) -> None:
        self.browser.create_experiment()

    @Slot(int)
    def _on_browser_experiment_created(self, _experiment_id: int) -> None:
        self.prompt_panel.set_prompt("")
        self.prompt_panel.set_system_prompt("")
        self.prompt_panel.options_panel.set_values(self.settings.default_options(), None, None)
        self.editor.focus_title()

    @Slot(object)
    def _on_display_run_chosen(self, run: Run) -> None:
        panel = self.prompt_panel
        panel.model_picker.set_current_model(run.model)
        panel.set_system_prompt(run.system_prompt)
        panel.set_prompt(run.prompt)
        panel.options_panel.set_values(dict(run.options), run.keep_alive, run.think)

    @Slot(int)
    def open_run(self, run_id: int) -> None:
        """Show run `run_id`: its experiment in the list, the run in the history."""
        if self.browser.open_run(run_id):
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
            self.context.say("The journal is still opening…", 5000)
            return
        self.editor.flush()
        experiment_id = self.editor.experiment_id()
        if experiment_id is not None:
            self._start_run(experiment_id)
            return
        from journal.core.formatting import first_line

        self.browser.create_experiment(first_line(self.prompt_panel.prompt()), self._start_run)

    def _start_run(self, experiment_id: int) -> None:
        from journal.core.runner import RunSpec

        panel = self.prompt_panel
        request = panel.options_panel.request_fields()
        spec = RunSpec(
            replay_of_id=self.display.edited_replay_source(
                experiment_id, panel.prompt(), panel.system_prompt()
            ),
            experiment_id=experiment_id,
            model=panel.model_picker.current_model() or "",
            prompt=panel.prompt(),
            system_prompt=panel.system_prompt(),
            options=panel.options_panel.options(),
            keep_alive=request.get("keep_alive"),
            think=request.get("think"),
        )
        if self.runs.start(spec):
            self.display.begin_stream("Waiting for the model…", f"{spec.model}  ·  starting…")

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
            self.context.say("Choose a model to replay on.", 6000)
            return
        self.replay_selected_run(model)

    @Slot()
    def replay_on_several_models(self) -> None:
        from journal.gui.fan_out_dialog import FanOutDialog

        run_id = self._run_to_replay()
        if run_id is None:
            return
        names = [info.name for info in self.prompt_panel.model_picker.models()]
        chosen = FanOutDialog.ask(self, run_id, names)
        if chosen:
            self.outcome.flush()
            if self.runs.replay_on_models(run_id, chosen):
                self._replay_begun(run_id)

    def _run_to_replay(self) -> int | None:
        run_id = self.display.current_run_id()
        if run_id is None or self.context.journal is None or self.context.service is None:
            self.context.say("Select a run in the history to replay it.", 6000)
            return None
        return run_id

    def _replay_begun(self, run_id: int) -> None:
        self.display.begin_stream("Checking the model, then replaying…", f"replaying run {run_id}…")

    @Slot()
    def stop_run(self) -> None:
        if self.runs.is_running:  # Esc stops a queue of replays too
            self.display.set_status("Stopping…")
            self.runs.stop()

    @Slot(bool)
    def _on_runs_running_changed(self, running: bool) -> None:
        self.prompt_panel.set_running(running)
        for action in (self.run_action, self.replay_action, self.replay_on_action):
            action.setEnabled(not running)
        self.fan_out_action.setEnabled(not running)
        self.stop_action.setEnabled(running)

    @Slot(object)
    def _on_runs_finished(self, _run: Run) -> None:
        self.browser.refresh_choices()  # a run on a new model adds it to the filter

    @Slot(str)
    def _on_runs_save_failed(self, reason: str) -> None:
        self.save_banner.show_message(
            f"<b>The answer is not saved yet:</b> {html.escape(reason)} It is kept in memory "
            "and saved as soon as the journal takes it, or save it to a file now."
        )

    @Slot()
    def _on_runs_saved(self) -> None:
        self.save_banner.hide()

    @Slot(int, str)
    def _on_runs_not_saved(self, run_id: int, reason: str) -> None:
        self.save_banner.show_message(
            f"<b>Run {run_id} was not saved:</b> {html.escape(reason)} "
            "Save its answer to a file to keep it."
        )

    @Slot(object)
    def _on_runs_model_missing(self, error: ModelNotFoundError) -> None:
        if self.offer_pull(self, error.model):
            self.pull_model(error.model)

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

            self.context.report(StorageError(f"Cannot write {path}: {exc.strerror or exc}."))
            return
        self.context.say(f"The answer ({len(text)} characters) is in {path}.", 15_000)

    # -- dialogs --------------------------------------------------------------------------

    @Slot()
    def pull_model(self, name: str = "") -> None:
        from journal.gui.pull_dialog import PullDialog

        service = self.context.service
        if service is not None:
            dialog = PullDialog(
                service.pull, name=name if isinstance(name, str) else "", parent=self
            )
            dialog.pulled.connect(self._on_pull_dialog_pulled)
            dialog.open()

    @Slot(str)
    def _on_pull_dialog_pulled(self, name: str) -> None:
        self.prompt_panel.model_picker.refresh()
        self.context.say(f"Pulled {name}.", 8000)

    @Slot()
    def show_model_details(self) -> None:
        from journal.gui.model_details_dialog import ModelDetailsDialog

        name = self.prompt_panel.model_picker.current_model()
        if name and self.context.service is not None:
            ModelDetailsDialog.open_for(self, self.context, name)

    @Slot()
    def compare_selected_runs(self) -> None:
        ids = self.display.selected_run_ids()
        if self.context.journal is None or len(ids) < 2:
            self.context.say(
                "Select two or more runs in the history (Ctrl+click) to compare them.", 6000
            )
            return
        self._open_compare(ids)

    @Slot()
    def compare_runs_by_id(self) -> None:
        import re

        if self.context.journal is None:
            return
        text = self.ask_run_ids(self, ", ".join(map(str, self.display.selected_run_ids())))
        if text is None:
            return
        ids = [int(number) for number in re.findall(r"\d+", text)]
        if len(ids) < 2:
            self.context.say("Give at least two run ids to compare.", 6000)
            return
        self._open_compare(ids)

    def _open_compare(self, ids: list[int]) -> None:
        from journal.gui.compare_dialog import CompareDialog, read_runs

        runs = self.context.read(lambda s: read_runs(s, ids), quiet=True)  # e.g. no run 99
        if runs is not None:
            dialog = CompareDialog(self.context, ids, self, runs=runs)
            dialog.verdict_changed.connect(self._on_compare_dialog_verdict_changed)
            self._show_dialog(dialog, modal=True)

    @Slot(int)
    def _on_compare_dialog_verdict_changed(self, _run_id: int) -> None:
        self.display.reload()

    @Slot()
    def open_migration_check(self) -> None:
        from journal.gui.check_window import CheckWindow

        if self.context.journal is not None and self.context.service is not None:
            window = CheckWindow(self.context, self)
            window.set_source(self.list_panel.filter())
            window.check_finished.connect(self._on_check_window_check_finished)
            self._show_dialog(window)

    @Slot(int)
    def _on_check_window_check_finished(self, _check_id: int) -> None:
        self.browser.refresh()

    @Slot()
    def open_matrix(self) -> None:
        from journal.gui.matrix_dialog import MatrixDialog

        if self.context.journal is not None:
            dialog = MatrixDialog(self.context, self.list_panel.filter(), self)
            dialog.run_activated.connect(self.open_run)
            self._show_dialog(dialog)

    @Slot()
    def export_markdown(self) -> None:
        from journal.gui.export_dialog import ExportDialog

        if self.context.journal is None:
            return
        self.browser.flush()
        self.context.wait_for_writes()  # export what the person sees, edits included
        dialog = ExportDialog(
            self.context, self.list_panel.filter(), self.editor.experiment_id(), self
        )
        dialog.exported.connect(self._on_export_dialog_exported)
        self._show_dialog(dialog, modal=True)

    @Slot(object)
    def _on_export_dialog_exported(self, result: Any) -> None:
        self.context.say(f"Exported to {getattr(result, 'path', '')}.", 10_000)

    @Slot()
    def import_markdown(self) -> None:
        from journal.gui.export_dialog import import_journal_file

        if self.context.journal is not None:
            dialog = import_journal_file(self, self.context)
            dialog.imported.connect(self._on_import_dialog_imported)

    @Slot(object)
    def _on_import_dialog_imported(self, _result: Any) -> None:
        self.browser.refresh()

    @staticmethod
    def _show_dialog(dialog: QWidget, *, modal: bool = False) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if modal and hasattr(dialog, "open"):
            dialog.open()
        else:
            dialog.show()

    @Slot()
    def open_settings(self) -> None:
        from journal.gui.settings_dialog import SettingsDialog

        def check_host(host: str) -> str:
            from journal.core.ollama_service import OllamaService

            return OllamaService(host).version()

        dialog = SettingsDialog(self.settings, str(self.context.path), check_host, self)
        dialog.journal_switch_requested.connect(self._on_settings_journal_switch_requested)
        if dialog.exec():
            host = resolve_ollama_host(self.settings.ollama_host())
            if host != self.context.host:
                self.context.connect_ollama(host)

    @Slot()
    def choose_journal(self) -> None:
        from journal.gui.settings_dialog import SettingsDialog

        start = str(self.context.path.parent) if self.context.path else ""
        path = SettingsDialog.pick_journal_file(self, start)
        if path:
            self._on_settings_journal_switch_requested(path)

    @Slot(str)
    def _on_settings_journal_switch_requested(self, path: str) -> None:
        if self.runs.is_running:
            QMessageBox.information(
                self, "A run is streaming", "Stop the running answer before switching journals."
            )
            return
        self.browser.flush()
        self.context.wait_for_writes()
        self.context.open_journal(Path(path))

    @Slot()
    def show_shortcuts(self) -> None:
        from journal.gui.help_dialogs import shortcut_rows, show_shortcuts

        show_shortcuts(self, shortcut_rows(self.shortcut_actions()))

    @Slot()
    def show_about(self) -> None:
        from journal.gui.help_dialogs import collect_versions, show_about

        status = self.context.ollama_status
        show_about(
            self,
            collect_versions(status.version if status.reachable else None, str(self.context.path)),
        )

    # -- asking the person (classmethods, so tests can answer for them) -------------------

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

    @classmethod
    def ask_save_path(cls, parent: QWidget) -> str:
        path, _ = QFileDialog.getSaveFileName(
            parent, "Save the answer as", "answer.md", "Text (*.md *.txt);;All files (*)"
        )
        return path

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
        self.context.close_journal()
        event.accept()

    def _stop_before_closing(self) -> bool:
        """Stop a streaming run, once the person agrees; False to keep the window open."""
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
