"""The dialogs and windows the main window opens: each gets what it needs (the context, the
list's filter, the runs selected), and what it reports back reaches the right part."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, Qt, Slot

from journal.core.paths import resolve_ollama_host

if TYPE_CHECKING:
    from PySide6.QtWidgets import QDialog, QWidget

    from journal.core.domain import ExperimentFilter
    from journal.gui.batch_window import BatchWindow
    from journal.gui.insights_window import InsightsWindow
    from journal.gui.main_window import MainWindow


translate = QCoreApplication.translate


class WindowDialogs(QObject):
    """Opens pull, details, compare, check, matrix, export, import, settings and help."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._context = window.context
        self._batch_windows: dict[int, BatchWindow] = {}  # experiment id -> its open window
        self._insights: InsightsWindow | None = None

    def _show(self, dialog: QDialog, *, modal: bool = False) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        if modal:
            dialog.open()  # window-modal, without a nested event loop
        else:
            dialog.show()

    # -- models ---------------------------------------------------------------------------

    @Slot()
    def pull_model(self, name: str = "") -> None:
        from journal.gui.pull_dialog import PullDialog

        service = self._context.service
        if service is not None:
            name = name if isinstance(name, str) else ""
            dialog = PullDialog(service.pull, name=name, parent=self._window)
            dialog.pulled.connect(self._on_pull_dialog_pulled)
            dialog.open()

    @Slot(str)
    def _on_pull_dialog_pulled(self, name: str) -> None:
        self._window.prompt_panel.model_picker.refresh()
        self._context.say(translate("window_dialogs", "Pulled {name}.").format(name=name), 8000)

    @Slot()
    def show_model_details(self) -> None:
        from journal.gui.model_details_dialog import ModelDetailsDialog

        name = self._window.prompt_panel.model_picker.current_model()
        if name and self._context.service is not None:
            ModelDetailsDialog.open_for(self._window, self._context, name)

    @Slot()
    def show_models(self) -> None:
        """Loaded and installed models, to unload or delete (Models > Loaded models…)."""
        from journal.gui.models_dialog import ModelsDialog

        service = self._context.service
        if service is not None:
            dialog = ModelsDialog(service, self._window)
            dialog.changed.connect(self._window.prompt_panel.model_picker.refresh)
            dialog.failed.connect(self._context.ollama_status.report_failure)
            self._show(dialog)

    # -- compare, migration checks, matrix ------------------------------------------------

    @Slot()
    def compare_selected_runs(self) -> None:
        ids = self._window.display.selected_run_ids()
        if self._context.journal is None or len(ids) < 2:
            self._context.say(
                translate(
                    "window_dialogs",
                    "Select two or more runs in the history (Ctrl+click) to compare them.",
                ),
                6000,
            )
            return
        self._open_compare(ids)

    @Slot()
    def compare_runs_by_id(self) -> None:
        if self._context.journal is None:
            return
        selected = ", ".join(map(str, self._window.display.selected_run_ids()))
        text = self.ask_run_ids(self._window, selected)
        if text is None:
            return
        ids = [int(number) for number in re.findall(r"\d+", text)]
        if len(ids) < 2:
            self._context.say(
                translate("window_dialogs", "Give at least two run ids to compare."), 6000
            )
            return
        self._open_compare(ids)

    @classmethod
    def ask_run_ids(cls, parent: QWidget, suggested: str) -> str | None:
        from PySide6.QtWidgets import QInputDialog

        text, ok = QInputDialog.getText(
            parent,
            translate("window_dialogs", "Compare runs"),
            translate("window_dialogs", "Run ids to compare (any experiments), e.g. 12, 57, 58:"),
            text=suggested,
        )
        return text if ok else None

    def _open_compare(self, ids: list[int]) -> None:
        from journal.gui.compare_dialog import CompareDialog, read_runs

        runs = self._context.read(lambda s: read_runs(s, ids), quiet=True)  # e.g. no run 99
        if runs is not None:
            dialog = CompareDialog(self._context, ids, self._window, runs=runs)
            dialog.verdict_changed.connect(self._on_compare_dialog_verdict_changed)
            self._show(dialog, modal=True)

    @Slot(int)
    def _on_compare_dialog_verdict_changed(self, _run_id: int) -> None:
        self._window.display.reload()

    @Slot()
    def open_migration_check(self) -> None:
        from journal.gui.check_window import CheckWindow

        if self._context.journal is not None and self._context.service is not None:
            window = CheckWindow(self._context, self._window)
            window.set_source(self._window.list_panel.filter())
            window.check_finished.connect(self._on_check_window_check_finished)
            self._show(window)

    @Slot(int)
    def _on_check_window_check_finished(self, _check_id: int) -> None:
        self._window.browser.refresh()
        self._window.live.refresh_history()  # its replays, written by this window

    @Slot()
    def open_batch_window(self) -> None:
        """Run all rows of the open experiment: its own window, one per experiment."""
        from journal.gui.batch_window import BatchWindow

        experiment_id = self._window.editor.experiment_id()
        if experiment_id is None:
            self._context.say(
                translate("window_dialogs", "Select an experiment to run all its rows."), 6000
            )
            return
        if self._context.journal is None or self._context.service is None:
            return
        self._window.browser.flush()
        window = self._batch_windows.get(experiment_id)
        if window is None:
            model = self._window.prompt_panel.model_picker.current_model() or ""
            window = BatchWindow(self._context, experiment_id, model, self._window)
            window.run_activated.connect(self._window.open_run)
            window.batch_finished.connect(self._on_batch_window_batch_finished)
            window.destroyed.connect(functools.partial(self._batch_windows.pop, experiment_id))
            self._batch_windows[experiment_id] = window
            self._show(window)
        else:
            window.show()
            window.raise_()
            window.activateWindow()

    @Slot(int)
    def _on_batch_window_batch_finished(self, _batch_id: int) -> None:
        self._window.browser.refresh()  # new runs: pass rates, models
        self._window.display.reload()

    def close_batch_windows(self) -> bool:
        """Close every batch window (each asks first while it runs); False when one stays."""
        return all(window.close() for window in list(self._batch_windows.values()))

    @Slot()
    def open_matrix(self) -> None:
        from journal.gui.matrix_dialog import MatrixDialog

        if self._context.journal is not None:
            dialog = MatrixDialog(self._context, self._window.list_panel.filter(), self._window)
            dialog.run_activated.connect(self._window.open_run)
            self._show(dialog)

    # -- insights -------------------------------------------------------------------------

    @Slot()
    def open_insights(self) -> None:
        """The Insights window (one), charting what the list shows; a click in it sets the
        list and brings this window forward."""
        from journal.gui.insights_window import InsightsWindow

        if self._context.journal is None:
            return
        window = self._insights
        if window is None:
            panel = self._window.list_panel
            window = InsightsWindow(self._context, panel.filter(), self._window)
            window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            panel.filters_changed.connect(window.set_filter)
            self._window.live.refreshed.connect(window.refresh)
            self._context.journal_opened.connect(window.refresh)  # another journal
            window.filter_chosen.connect(self._on_insights_filter_chosen)
            window.destroyed.connect(self._on_insights_destroyed)
            self._insights = window
        window.show()
        window.raise_()
        window.activateWindow()

    @Slot(object)
    def _on_insights_filter_chosen(self, filters: ExperimentFilter) -> None:
        self._window.list_panel.apply_filter(filters)
        self._window.raise_()
        self._window.activateWindow()

    @Slot()
    def _on_insights_destroyed(self) -> None:
        self._insights = None

    # -- export and import ----------------------------------------------------------------

    @Slot()
    def export_markdown(self) -> None:
        from journal.gui.export_dialog import ExportDialog

        if self._context.journal is None:
            return
        window = self._window
        window.browser.flush()
        self._context.wait_for_writes()  # export what the person sees, edits included
        dialog = ExportDialog(
            self._context, window.list_panel.filter(), window.editor.experiment_id(), window
        )
        dialog.exported.connect(self._on_export_dialog_exported)
        self._show(dialog, modal=True)

    @Slot(object)
    def _on_export_dialog_exported(self, result: Any) -> None:
        self._context.say(
            translate("window_dialogs", "Exported to {path}.").format(
                path=getattr(result, "path", "")
            ),
            10_000,
        )

    @Slot()
    def import_markdown(self) -> None:
        from journal.gui.import_dialog import import_journal_file

        if self._context.journal is not None:
            dialog = import_journal_file(self._window, self._context)
            dialog.imported.connect(self._on_import_dialog_imported)

    @Slot(object)
    def _on_import_dialog_imported(self, _result: Any) -> None:
        self._window.browser.refresh()

    # -- settings and journals ------------------------------------------------------------

    @Slot()
    def open_settings(self) -> None:
        from journal.gui.settings_dialog import SettingsDialog

        def check_host(host: str) -> str:
            from journal.core.ollama_service import OllamaService

            return OllamaService(host).version()

        settings = self._window.settings
        service = self._context.service
        dialog = SettingsDialog(
            settings,
            str(self._context.path),
            check_host,
            self._window,
            list_models=service.list_models if service is not None else None,
        )
        dialog.journal_switch_requested.connect(self._on_settings_journal_switch_requested)
        if dialog.exec():
            host = resolve_ollama_host(self._window.host_flag or settings.ollama_host())
            if host != self._context.host:
                self._context.connect_ollama(host)
            self._context.grading.models_may_have_changed()

    @Slot()
    def choose_journal(self) -> None:
        from journal.gui.settings_dialog import SettingsDialog

        path = self._context.path
        chosen = SettingsDialog.pick_journal_file(self._window, str(path.parent) if path else "")
        if chosen:
            self._on_settings_journal_switch_requested(chosen)

    @Slot(str)
    def _on_settings_journal_switch_requested(self, path: str) -> None:
        if self._window.runs.is_running:
            from journal.core.errors import JournalError

            self._context.report(
                JournalError(
                    translate(
                        "window_dialogs",
                        "A run is streaming: stop the answer before switching journals.",
                    )
                )
            )
            return
        self._window.browser.flush()
        self._context.wait_for_writes()
        self._context.open_journal(Path(path))

    # -- help -----------------------------------------------------------------------------

    @Slot()
    def show_shortcuts(self) -> None:
        from journal.gui.help_dialogs import shortcut_rows, show_shortcuts

        show_shortcuts(self._window, shortcut_rows(self._window.actions()))

    @Slot()
    def show_about(self) -> None:
        from journal.gui.help_dialogs import collect_versions, show_about

        status = self._context.ollama_status
        version = status.version if status.reachable else None
        show_about(self._window, collect_versions(version, str(self._context.path)))
