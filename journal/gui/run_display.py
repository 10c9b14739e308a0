"""The runs of the open experiment: the answer shown (or streaming in), its figures and verdict,
and the history of runs below; which run is shown is kept here and nowhere else."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QCoreApplication,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from journal.core.domain import RunStatus, Verdict
from journal.core.formatting import short_digest
from journal.gui.answer_view import AnswerView
from journal.gui.elided_label import ElidedLabel
from journal.gui.grade_marks import (
    GradeStrip,
    RunGrades,
    counts_text,
    read_experiment_grades,
    read_run_grades,
)
from journal.gui.i18n import error_text
from journal.gui.outcome_panel import OutcomePanel
from journal.gui.run_history import HistoryView, RunHistoryModel
from journal.gui.run_images import RunImages
from journal.gui.translating import QT_TRANSLATE_NOOP, decimal, duration_text

if TYPE_CHECKING:
    from sqlmodel import Session

    from journal.core.errors import ModelNotFoundError
    from journal.core.images import StoredImage
    from journal.core.models import Run
    from journal.core.output_format import FormatCheck
    from journal.gui.context import AppContext
    from journal.gui.run_controller import RunController


translate = QCoreApplication.translate
# Marks a module-level text for lupdate; it is translated where it is shown.

COPY_KEYS = "Ctrl+Shift+C"
COPY_TIP = QT_TRANSLATE_NOOP("run_display", "Copy the answer as written, in Markdown ({keys})")
COPIED_SHOWN_MS = 3000


class RunDisplay(QObject):
    """Owns the answer pane and the run history (the window places them); follows the run
    controller's signals while a run streams; saves verdicts through the context."""

    run_chosen = Signal(object)  # the person selected this Run in the history: load its setup
    runs_changed = Signal(int)  # an experiment whose runs changed (started, ended, judged)
    shown_run_changed = Signal(object)  # the id of the run shown now, or None

    def __init__(
        self,
        context: AppContext,
        runs: RunController,
        current_model: Callable[[], str | None],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._context = context
        self._current_model = current_model
        self._experiment_id: int | None = None
        self._shown_run_id: int | None = None
        self._live_run_id: int | None = None
        self._refreshing = False  # rows read again: selecting the shown run is not a choice
        self._init_widgets()
        self._init_connections(runs)

    def _init_widgets(self) -> None:
        # Which turn of a conversation the answer is: it was written with the turns before.
        self.turn_label = ElidedLabel()
        self.turn_label.setAccessibleName(translate("run_display", "Conversation turn"))
        self.turn_label.hide()
        self.run_images = RunImages(self._context)
        self.answer_view = AnswerView()
        self.answer_view.set_placeholder(
            translate("run_display", "Run the prompt to see the answer here.")
        )
        self.stats_label = ElidedLabel()
        self.stats_label.setEnabled(False)  # muted text
        self.outcome = OutcomePanel()
        self.grade_strip = GradeStrip()
        self.copy_button = QToolButton()
        self.copy_button.setObjectName("copyAnswer")
        self.copy_button.setText(translate("run_display", "Copy"))
        self.copy_button.setAutoRaise(True)
        self.copy_button.setToolTip(_copy_tip())
        self.copy_button.setEnabled(False)
        self.answer_pane = QWidget()
        layout = QVBoxLayout(self.answer_pane)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.turn_label)
        layout.addWidget(self.run_images)
        layout.addWidget(self.answer_view, 1)
        layout.addWidget(self.grade_strip)
        # the copy button sits at the end of the figures' line: the pane grows no wider
        figures = QHBoxLayout()
        figures.setContentsMargins(0, 0, 0, 0)
        figures.addWidget(self.stats_label, 1)
        figures.addWidget(self.copy_button)
        layout.addLayout(figures)
        layout.addWidget(self.outcome)

        self.history_model = RunHistoryModel(self)
        self.history_view = view = HistoryView(self.history_model)
        view.setRootIsDecorated(False)
        view.setUniformRowHeights(True)
        view.setAlternatingRowColors(True)
        # Several rows can be selected to compare them; the current row is the one shown.
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setAccessibleName(translate("run_display", "Run history"))
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        header = view.header()
        header.setStretchLastSection(False)
        for column in range(self.history_model.columnCount()):
            options = column == RunHistoryModel.OPTIONS
            mode = (
                QHeaderView.ResizeMode.Stretch
                if options
                else QHeaderView.ResizeMode.ResizeToContents
            )
            header.setSectionResizeMode(column, mode)

    def _init_connections(self, runs: RunController) -> None:
        self.history_view.selectionModel().currentRowChanged.connect(
            self._on_history_current_changed
        )
        self.outcome.verdict_chosen.connect(self._on_outcome_verdict_chosen)
        self.copy_button.clicked.connect(self.copy_answer)
        self.outcome.why_edited.connect(self._on_outcome_why_edited)
        runs.started.connect(self._on_runs_started)
        runs.text_received.connect(self._on_runs_text_received)
        runs.stats_updated.connect(self._on_runs_stats_updated)
        runs.silent.connect(self._on_runs_silent)
        runs.finished.connect(self._on_runs_finished)
        runs.failed.connect(self._on_runs_failed)
        runs.model_missing.connect(self._on_runs_model_missing)
        self._context.grading.grades_changed.connect(self._on_grading_grades_changed)

    # -- what is shown --------------------------------------------------------------------

    @property
    def shown_run_id(self) -> int | None:
        return self._shown_run_id

    def clear(self) -> None:
        """No experiment (another journal was opened)."""
        self._experiment_id = None
        self.history_model.set_runs([])
        self._show_run(None)

    def load(self, experiment_id: int, runs: list[Run], select_id: int | None = None) -> None:
        """Show the runs of `experiment_id`, the newest (or `select_id`) selected."""
        self._experiment_id = experiment_id
        self._set_history(runs)
        self._read_grades([run.id for run in runs if run.id is not None])
        if not runs:
            self._show_run(None)
            return
        row = self.history_model.row_of(select_id) if select_id is not None else 0
        self._select_row(row or 0)

    def _set_history(self, runs: list[Run]) -> None:
        """The history's rows, and which of them showed images (metadata only, one read,
        none when no run names an image)."""
        from journal.core.images import image_refs, images_shown

        self.history_model.set_runs(runs)
        shown = {}  # no read at all, not even a session, for a history without images
        if any(image_refs(run.messages) for run in runs):
            shown = self._context.read(lambda s: images_shown(s, runs), quiet=True) or {}
        self.history_model.set_images(shown)

    def reload(self) -> None:
        """Read the experiment's runs again, keeping the shown one (a verdict set elsewhere)."""
        from journal.core.queries import runs_of

        experiment_id = self._experiment_id
        if experiment_id is None:
            return
        runs = self._context.read(lambda s: runs_of(s, experiment_id)) or []
        self.load(experiment_id, runs, select_id=self._shown_run_id)
        self.runs_changed.emit(experiment_id)

    def refresh_runs(
        self,
        experiment_id: int,
        runs: list[Run],
        grades: list[RunGrades],
        images: dict[int, list[StoredImage]],
    ) -> None:
        """The runs of the open experiment, their grades and the images they showed, read
        again (off the GUI thread) because another program wrote: the run shown stays
        selected and shown as it is, and nothing is loaded into the prompt."""
        if experiment_id != self._experiment_id:
            return
        shown = self._shown_run_id
        self._refreshing = True
        try:
            self.history_model.update_runs(runs, grades)
            self.history_model.set_images(images)
            row = self.history_model.row_of(shown) if shown is not None else None
            if row is None and runs:
                row = 0  # the shown run is gone, or there was none: show the newest
            current = self.history_view.selectionModel().currentIndex()
            if row is not None and (not current.isValid() or current.row() != row):
                self._select_row(row)
        finally:
            self._refreshing = False
        if row is None:
            self._show_run(None)
        elif self.history_model.run(row).id != shown:
            self._show_run(self.history_model.run(row))

    def select_run(self, run_id: int) -> bool:
        row = self.history_model.row_of(run_id)
        if row is not None:
            self._select_row(row)
        return row is not None

    def current_run_id(self) -> int | None:
        index = self.history_view.selectionModel().currentIndex()
        return self.history_model.run(index.row()).id if index.isValid() else None

    def selected_run_ids(self) -> list[int]:
        """The runs selected in the history, oldest first."""
        rows = {index.row() for index in self.history_view.selectionModel().selectedRows()}
        return sorted(self.history_model.run(row).id for row in rows)

    def flush(self) -> None:
        """Save a verdict note still being typed."""
        self.outcome.flush()

    def based_on_source(self, experiment_id: int, prompt: str, system: str) -> int | None:
        """Running the shown run's own prompt again (model or settings changed, say) makes
        a new run "based on" it, never a replay (only Replay promises the same request
        again). A new prompt is a run on its own."""
        shown = self._shown_run_id
        row = self.history_model.row_of(shown) if shown is not None else None
        if row is None:
            return None
        run = self.history_model.run(row)
        same_prompt = (run.prompt, run.system_prompt) == (prompt, system)
        return run.id if run.experiment_id == experiment_id and same_prompt else None

    def copy_answer(self) -> None:
        """Copy the shown answer as the model wrote it (its Markdown, not the rendered
        text), to paste into a note or a chat; says so in the status bar and the tooltip."""
        text = self.answer_view.response_text()
        if self._shown_run_id is None or not text:
            self._context.say(translate("run_display", "No answer to copy."), COPIED_SHOWN_MS)
            return
        QApplication.clipboard().setText(text)
        self._context.say(
            translate("run_display", "Copied the answer of run {id}.").format(
                id=self._shown_run_id
            ),
            COPIED_SHOWN_MS,
        )
        self.copy_button.setToolTip(
            translate("run_display", "Copied. {tip}").format(tip=_copy_tip())
        )

    def begin_stream(self, status: str, stats: str) -> None:
        """A run or replay is on its way: the answer view waits for it."""
        self.answer_view.begin_stream()
        self.answer_view.set_status(status, "info")
        self.stats_label.setText(stats)

    def set_status(self, text: str, kind: str = "info") -> None:
        self.answer_view.set_status(text, kind)

    def _select_row(self, row: int) -> None:
        index = self.history_model.index(row, 0)
        self.history_view.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )

    def _show_run(self, run: Run | None, *, chosen: bool = False) -> None:
        from journal.core.formatting import model_label

        shown = run.id if run is not None else None
        if shown != self._shown_run_id:
            self._shown_run_id = shown
            self.copy_button.setToolTip(_copy_tip())
            self.shown_run_changed.emit(shown)
        self.copy_button.setEnabled(shown is not None)
        self._show_turn(run)
        self.run_images.show_run(shown)
        if run is None:
            self.answer_view.clear()
            self.stats_label.clear()
            self.outcome.show_run(None, None, "")
            self.grade_strip.show_grades(None)
            return
        if run.id == self._live_run_id:
            return  # the live stream owns the answer view
        self.answer_view.show_answer(run.response, run.thinking, format_check(run))
        self._show_status(run)
        stats = figures_text(run)
        self.stats_label.setText(f"{model_label(run)}" + (f"  ·  {stats}" if stats else ""))
        self.outcome.show_run(run.id, run.verdict, run.verdict_note)
        self._show_grades(self.history_model.grades(run.id or 0))
        if chosen:
            self.run_chosen.emit(run)

    def _show_turn(self, run: Run | None) -> None:
        """ "Turn 3 · follows run 14" above a follow-up's answer; nothing for a single run."""
        node = self.history_model.turn(run.id or 0) if run is not None else None
        if run is None or run.parent_id is None:
            self.turn_label.hide()
            return
        text = translate("run_display", "Follows run {parent}").format(parent=run.parent_id)
        if node is not None:
            text = translate("run_display", "Turn {turn} · follows run {parent}").format(
                turn=node.turn, parent=run.parent_id
            )
        if node is not None and node.siblings > 1:
            text += translate("run_display", " · branch {branch} of {siblings}").format(
                branch=node.branch, siblings=node.siblings
            )
        self.turn_label.setText(text)
        self.turn_label.setToolTip(
            translate(
                "run_display",
                "The model was sent the earlier turns of this conversation with this prompt",
            )
        )
        self.turn_label.show()

    def _show_status(self, run: Run) -> None:
        notice = replay_notice(run)
        if run.status is RunStatus.DONE and notice:
            self.answer_view.set_status(notice, "warning" if run.replay_of_id else "info")
        elif run.status is RunStatus.CANCELLED:
            self.answer_view.set_status(
                translate("run_display", "Stopped — the partial answer is kept."), "warning"
            )
        elif run.status is RunStatus.INTERRUPTED:
            self.answer_view.set_status(
                run.error or translate("run_display", "Interrupted."), "warning"
            )
        elif run.status is RunStatus.FAILED:
            self.answer_view.set_status(
                run.error or translate("run_display", "The run failed."), "error"
            )
        else:
            self.answer_view.set_status("", "info")

    @Slot(QModelIndex, QModelIndex)
    def _on_history_current_changed(self, current: QModelIndex, _: QModelIndex) -> None:
        if current.isValid() and not self._refreshing:
            self._show_run(self.history_model.run(current.row()), chosen=True)

    # -- a run streaming ------------------------------------------------------------------

    @Slot(object, str)
    def _on_runs_started(self, run: Run, notice: str) -> None:
        from journal.core.queries import runs_of

        self._live_run_id = run.id
        self.history_model.set_live_run(run.id)
        if notice:
            self.answer_view.set_status(notice, "warning")
        elif run.based_on_id is not None:
            self.answer_view.set_status(replay_notice(run), "info")
        if self._experiment_id == run.experiment_id:
            runs = self._context.read(lambda s: runs_of(s, run.experiment_id)) or []
            self.load(run.experiment_id, runs, select_id=run.id)
            self._shown_run_id = run.id
            self._show_turn(run)
            self.outcome.show_run(run.id, None, "")
            self.grade_strip.show_grades(None)
        self.runs_changed.emit(run.experiment_id)

    @Slot(str, str)
    def _on_runs_text_received(self, content: str, thinking: str) -> None:
        if self._shown_run_id is not None and self._shown_run_id == self._live_run_id:
            if self.answer_view.status_kind() == "info":
                self.answer_view.set_status("", "info")
            self.answer_view.append_text(content, thinking)

    @Slot(dict)
    def _on_runs_stats_updated(self, stats: dict[str, Any]) -> None:
        if self._shown_run_id != self._live_run_id:
            return
        chunks = stats["chunks"]
        parts = [translate("run_display", "%n token(s)", None, chunks)]
        if "rate" in stats:
            rate = decimal(stats["rate"], 1)
            parts.append(translate("run_display", "{rate} tok/s").format(rate=rate))
        if "first_token" in stats:
            first = duration_text(stats["first_token"])
            parts.append(translate("run_display", "first token {time}").format(time=first))
        parts.append(duration_text(stats["seconds"]))
        model = self._current_model() or ""
        streaming = translate("run_display", "streaming")
        self.stats_label.setText(f"{model}  ·  {streaming}  ·  " + " · ".join(parts))

    @Slot(float)
    def _on_runs_silent(self, seconds: float) -> None:
        # An "info" status gives way to the first text that arrives (_on_runs_text_received).
        if self._shown_run_id == self._live_run_id and self.answer_view.status_kind() == "info":
            self.answer_view.set_status(
                translate(
                    "run_display",
                    "No answer from Ollama for {seconds} s. A model can take a while to "
                    "load; Esc stops.",
                ).format(seconds=int(seconds)),
                "info",
            )

    @Slot(object)
    def _on_runs_finished(self, run: Run) -> None:
        from journal.core.queries import runs_of

        self._live_run_id = None
        self.history_model.set_live_run(None)
        if self._experiment_id != run.experiment_id:
            if self._shown_run_id == run.id:
                self.answer_view.end_stream()
            self.runs_changed.emit(run.experiment_id)
            return
        # The run is shown again as recorded, once: selecting its row shows it (and loads its
        # setup into the prompt); only a row that was current already needs showing here.
        # A 5,000-chunk answer set three times over kept the event loop ~25 ms longer.
        runs = self._context.read(lambda s: runs_of(s, run.experiment_id)) or []
        self._set_history(runs)
        self._shown_run_id = None
        row = self.history_model.row_of(run.id or 0)
        if row is not None:
            self._select_row(row)
        if self._shown_run_id != run.id:
            self._show_run(run)
        self.runs_changed.emit(run.experiment_id)

    @Slot(object)
    def _on_runs_failed(self, _error: object) -> None:
        self._live_run_id = None
        self.history_model.set_live_run(None)
        self.answer_view.end_stream()

    @Slot(object)
    def _on_runs_model_missing(self, error: ModelNotFoundError) -> None:
        self.answer_view.set_status(error_text(error), "error")

    # -- grades ---------------------------------------------------------------------------

    def _read_grades(self, run_ids: list[int]) -> None:
        """Read the grades of these runs of the shown experiment into the history."""
        relay, experiment_id = self._context.grading, self._experiment_id
        if experiment_id is None or not run_ids:
            return
        if len(run_ids) == 1:  # one run's grades changed

            def read(session: Session) -> list[RunGrades]:
                return [read_run_grades(session, run_ids[0], pending=relay.is_pending(run_ids[0]))]

        else:  # a whole history: in a few queries, however many runs
            model = self.history_model
            runs = {run_id: model.run(model.row_of(run_id) or 0).status for run_id in run_ids}
            waiting = {run_id for run_id in run_ids if relay.is_pending(run_id)}

            def read(session: Session) -> list[RunGrades]:
                return read_experiment_grades(session, experiment_id, runs, waiting)

        self.history_model.set_grades(self._context.read(read, quiet=True) or [])

    def _show_grades(self, grades: RunGrades | None) -> None:
        self.grade_strip.show_grades(grades)
        outcome = grades.outcome if grades is not None else None
        suggestion = outcome.suggested_verdict if outcome is not None else None
        self.outcome.set_suggestion(suggestion, counts_text(outcome) if outcome is not None else "")

    @Slot(int)
    def _on_grading_grades_changed(self, run_id: int) -> None:
        if self.history_model.row_of(run_id) is None:
            return
        self._read_grades([run_id])
        if run_id == self._shown_run_id and run_id != self._live_run_id:
            self._show_grades(self.history_model.grades(run_id))

    # -- verdicts -------------------------------------------------------------------------

    @Slot(int, object)
    def _on_outcome_verdict_chosen(self, run_id: int, verdict: Verdict | None) -> None:
        from journal.core.queries import set_verdict

        self._context.write(lambda s: set_verdict(s, run_id, verdict), self._on_verdict_saved)

    @Slot(int, str)
    def _on_outcome_why_edited(self, run_id: int, why: str) -> None:
        from journal.core.queries import set_verdict

        verdict = self.outcome.verdict() if self.outcome.run_id() == run_id else None
        self._context.write(lambda s: set_verdict(s, run_id, verdict, why), self._on_verdict_saved)

    def _on_verdict_saved(self, run: Run) -> None:
        row = self.history_model.row_of(run.id or 0)
        if row is not None:
            runs = [self.history_model.run(r) for r in range(self.history_model.rowCount())]
            runs[row] = run
            self.history_model.set_runs(runs)
            self._select_row(self.history_model.row_of(run.id or 0) or 0)
        self.runs_changed.emit(run.experiment_id)


def format_check(run: Run) -> FormatCheck | None:
    """What a finished run's answer is against the format it asked for; None without one."""
    from journal.core.output_format import check_answer

    if run.format is None or run.status is not RunStatus.DONE:
        return None
    return check_answer(run.format, run.response)


def replay_notice(run: Run) -> str:
    """What a replay found about the model's identity, in one sentence; for a run based
    on another, that it is a new run; else nothing."""
    info = getattr(run, "replay_info", None) or {}
    if run.replay_of_id is None:
        based_on = getattr(run, "based_on_id", None)
        if based_on is None:
            return ""
        return translate("run_display", "A new run based on run {id}.").format(id=based_on)
    if info.get("digest_changed"):
        before = short_digest(str(info.get("digest_before") or ""))
        now = short_digest(str(info.get("digest_now") or ""))
        return translate(
            "run_display", "Replay of run {id}: {model} changed since then: {before} -> {now}"
        ).format(id=run.replay_of_id, model=run.model, before=before, now=now)
    return translate("run_display", "Replay of run {id}.").format(id=run.replay_of_id)


def _copy_tip() -> str:
    return translate("run_display", COPY_TIP).format(keys=COPY_KEYS)


def figures_text(run: Run) -> str:
    """`42 tokens · 35.2 tok/s · first token 210 ms · load 1.20 s · total 1.40 s · stop`, in
    the window's language (the CLI prints formatting.run_stats); Ollama's done reason is its
    own word."""
    parts = []
    tokens = run.eval_count
    if tokens is not None:
        parts.append(translate("run_display", "%n token(s)", None, tokens))
    if run.tokens_per_second is not None:
        rate = decimal(run.tokens_per_second, 1)
        parts.append(translate("run_display", "{rate} tok/s").format(rate=rate))
    if run.first_token_seconds is not None:
        first = duration_text(run.first_token_seconds)
        parts.append(translate("run_display", "first token {time}").format(time=first))
    if run.load_duration:
        load = duration_text(run.load_duration / 1e9)
        parts.append(translate("run_display", "load {time}").format(time=load))
    if run.wall_seconds is not None:
        total = duration_text(run.wall_seconds)
        parts.append(translate("run_display", "total {time}").format(time=total))
    if run.done_reason:
        parts.append(run.done_reason)
    return " · ".join(parts)
