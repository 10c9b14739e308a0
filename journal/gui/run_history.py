"""The runs of the current experiment, newest first: model, digest, key options, verdict."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QFont, QPalette
from PySide6.QtWidgets import QApplication

from journal.core.domain import RunStatus, Verdict
from journal.gui.table_style import VERDICT_COLOURS

KEY_OPTIONS = ("temperature", "seed", "num_ctx", "num_predict", "top_p", "top_k")

Index = QModelIndex | QPersistentModelIndex


def _local_time(moment: datetime | None) -> str:
    if moment is None:
        return ""
    local = moment.astimezone()
    now = datetime.now().astimezone()
    if local.date() == now.date():
        return local.strftime("%H:%M")
    if local.year == now.year:
        return local.strftime("%d %b %H:%M")
    return local.strftime("%Y-%m-%d")


def options_summary(options: dict[str, Any]) -> str:
    shown = [f"{key}={options[key]}" for key in KEY_OPTIONS if key in options]
    others = len(options) - len(shown)
    if others > 0:
        shown.append(f"+{others}")
    return " ".join(shown)


class RunHistoryModel(QAbstractTableModel):
    """Holds core Run objects; the window reloads it after each run or verdict."""

    HEADERS = ("#", "Model", "Digest", "Options", "Status", "Verdict", "When")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._runs: list[Any] = []
        self._live_run_id: int | None = None

    def set_live_run(self, run_id: int | None) -> None:
        """The run streaming right now shows as such until it is reloaded from disk."""
        self._live_run_id = run_id
        if self._runs:
            self.dataChanged.emit(self.index(0, 4), self.index(len(self._runs) - 1, 4))

    def set_runs(self, runs: list[Any]) -> None:
        self.beginResetModel()
        self._runs = sorted(runs, key=lambda run: run.id, reverse=True)
        self.endResetModel()

    def run(self, row: int) -> Any:
        return self._runs[row]

    def row_of(self, run_id: int) -> int | None:
        for row, run in enumerate(self._runs):
            if run.id == run_id:
                return row
        return None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._runs)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(  # noqa: N802
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.HEADERS)
        ):
            return self.HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._runs):
            return None
        run = self._runs[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 4 and run.id == self._live_run_id:
                return "streaming…"
            return self._display(run, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(run, column)
        if role == Qt.ItemDataRole.UserRole:
            return run.id
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == 5 and run.verdict in VERDICT_COLOURS:
                return QBrush(VERDICT_COLOURS[run.verdict])
            if column == 4 and run.status in (RunStatus.FAILED, RunStatus.INTERRUPTED):
                return QBrush(VERDICT_COLOURS[Verdict.FAILED])
            if column in (2, 6):
                palette = QApplication.palette()
                return palette.brush(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        if role == Qt.ItemDataRole.FontRole and column == 2:
            font = QFont("monospace")
            font.setStyleHint(QFont.StyleHint.Monospace)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    @staticmethod
    def _display(run: Any, column: int) -> str:
        if column == 0:
            return f"{run.id}" + (" ↻" if run.replay_of_id else "")
        if column == 1:
            return str(run.model)
        if column == 2:
            return str(run.short_digest)
        if column == 3:
            return options_summary(run.options)
        if column == 4:
            return str(run.status.value)
        if column == 5:
            return run.verdict.value if run.verdict else "—"
        if column == 6:
            return _local_time(run.started_at or run.created_at)
        return ""

    def _tooltip(self, run: Any, column: int) -> str | None:
        if column == 0:
            lines = [f"Replays run {run.replay_of_id}"] if run.replay_of_id else []
            replayed_by = [str(other.id) for other in self._runs if other.replay_of_id == run.id]
            if replayed_by:
                lines.append(f"Replayed by run {', '.join(reversed(replayed_by))}")
            return "\n".join(lines) or None
        if column == 2:
            return str(run.model_digest) or "digest unknown (the run never reached Ollama)"
        if column == 3 and run.options:
            return "\n".join(f"{key} = {value}" for key, value in sorted(run.options.items()))
        if column == 4 and run.error:
            return str(run.error)
        if column == 5 and run.verdict_note:
            return str(run.verdict_note)
        if column == 6:
            moment = run.started_at or run.created_at
            return moment.astimezone().isoformat(timespec="seconds") if moment else None
        return None
