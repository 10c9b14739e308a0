"""The window's grading actions (re-grade, stop) and the status bar's "grading 2 runs…"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Slot
from PySide6.QtWidgets import QToolButton

if TYPE_CHECKING:
    from journal.gui.main_window import MainWindow

translate = QCoreApplication.translate

STOP_KEYS = "Ctrl+Alt+G"


class GradingControls(QObject):
    """Re-grades the selected runs or the experiment and stops grading, through the
    context's grading relay; shows what is pending in the status bar (click: stop)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self._window = window
        self._relay = window.context.grading
        self.status_button = QToolButton()
        self.status_button.setObjectName("gradingStatus")
        self.status_button.setAutoRaise(True)
        self.status_button.setToolTip(
            translate(
                "grading_controls",
                "Judge and embedding grades are on their way; click to stop grading ({keys})",
            ).format(keys=STOP_KEYS)
        )
        self.status_button.hide()
        window.statusBar().addPermanentWidget(self.status_button)
        self.status_button.clicked.connect(self.stop)
        self._relay.pending_changed.connect(self._on_relay_pending_changed)
        settings = window.settings
        self._relay.set_models(lambda: (settings.judge_model(), settings.embedding_model()))

    def status_text(self) -> str:
        """What the status bar says about grading ("" when nothing is pending)."""
        return self.status_button.text() if self.status_button.isVisible() else ""

    @Slot()
    def regrade_selected(self) -> None:
        """Grade the runs selected in the history again (the history of grades is kept)."""
        from journal.core.grades import runs_to_grade

        display, context = self._window.display, self._window.context
        selected = display.selected_run_ids()
        experiment_id = self._window.editor.experiment_id()
        if not selected or experiment_id is None:
            context.say(
                translate("grading_controls", "Select runs in the history to re-grade them."), 6000
            )
            return
        gradable = context.read(lambda s: runs_to_grade(s, experiment_id=experiment_id), quiet=True)
        run_ids = [run_id for run_id in selected if run_id in set(gradable or [])]
        self._start(run_ids)

    @Slot()
    def regrade_experiment(self) -> None:
        """Grade every finished run of the open experiment again."""
        experiment_id = self._window.editor.experiment_id()
        if experiment_id is None:
            return
        self._window.editor.flush()
        self._start(None, experiment_id)

    @Slot()
    def stop(self) -> None:
        """Stop grading: what is queued is dropped, a judgement in flight is not stored."""
        left = self._relay.cancel()
        if left:
            self._window.context.say(
                translate(
                    "grading_controls",
                    "Grading stopped: %n run(s) not graded again; re-grade (Ctrl+G) when you like.",
                    None,
                    left,
                ),
                10_000,
            )

    def _start(self, run_ids: list[int] | None, experiment_id: int | None = None) -> None:
        if run_ids is None and experiment_id is not None:
            count = self._relay.regrade_experiment(experiment_id)
        else:
            count = self._relay.regrade(run_ids or [])
        context = self._window.context
        if count:
            context.say(translate("grading_controls", "Re-grading %n run(s)…", None, count), 5000)
        else:
            context.say(
                translate(
                    "grading_controls",
                    "Nothing to re-grade: only finished runs of an experiment with "
                    "expectations are graded.",
                ),
                8000,
            )

    @Slot(int)
    def _on_relay_pending_changed(self, count: int) -> None:
        self.status_button.setText(translate("grading_controls", "grading %n run(s)…", None, count))
        self.status_button.setVisible(count > 0)
        self._window.stop_grading_action.setEnabled(count > 0)
