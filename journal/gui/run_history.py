"""The runs of the current experiment, newest first: model, digest, key options, verdict.

A conversation's turns are listed together as a thread: its root, then its turns depth
first (oldest branch first), each marked "↳" under the one it continues. Threads are
ordered by their newest run, so the turn just added stays near the top. The order is
built from the runs already loaded (`conversations.forest`), without a query.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QFont, QPalette
from PySide6.QtWidgets import QApplication

from journal.core.domain import RunStatus, Verdict
from journal.core.grading import OutcomeStatus
from journal.core.templates import values_line
from journal.gui.grade_marks import RunGrades
from journal.gui.table_style import VERDICT_COLOURS

if TYPE_CHECKING:
    from journal.core.conversations import TurnNode

GRADE_COLOURS = {
    OutcomeStatus.PASS: VERDICT_COLOURS[Verdict.WORKED],
    OutcomeStatus.FAIL: VERDICT_COLOURS[Verdict.FAILED],
    OutcomeStatus.NEEDS_LOOK: VERDICT_COLOURS[Verdict.PARTLY],
}

KEY_OPTIONS = ("temperature", "seed", "num_ctx", "num_predict", "top_p", "top_k")
MAX_INDENT = 6  # deeper turns are marked as deep as this: the tooltip says which turn
INDENT = "   "  # per level below turn 2: about the width of "↳ ", so each mark sits under
# the model name of the turn it continues

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

    HEADERS = ("#", "Model", "Digest", "Options", "Status", "Grades", "Verdict", "When")
    ID, MODEL, DIGEST, OPTIONS, STATUS, GRADES, VERDICT, WHEN = range(8)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._runs: list[Any] = []
        self._live_run_id: int | None = None
        self._grades: dict[int, RunGrades] = {}
        self._nodes: dict[int, TurnNode] = {}  # the turns of conversations, by run id

    def set_grades(self, grades: RunGrades) -> None:
        """What a run's grades add up to, shown in the Grades column (and its tooltip)."""
        self._grades[grades.run_id] = grades
        row = self.row_of(grades.run_id)
        if row is not None:
            index = self.index(row, self.GRADES)
            self.dataChanged.emit(index, index)

    def grades(self, run_id: int) -> RunGrades | None:
        return self._grades.get(run_id)

    def set_live_run(self, run_id: int | None) -> None:
        """The run streaming right now shows as such until it is reloaded from disk."""
        self._live_run_id = run_id
        if self._runs:
            column = self.STATUS
            self.dataChanged.emit(self.index(0, column), self.index(len(self._runs) - 1, column))

    def set_runs(self, runs: list[Any]) -> None:
        self.beginResetModel()
        self._runs, self._nodes = threaded(runs)
        self.endResetModel()

    def turn(self, run_id: int) -> TurnNode | None:
        """Where run `run_id` stands in its conversation; None for a run on its own."""
        return self._nodes.get(run_id)

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
        if column == self.GRADES:  # a run still streaming has no grades yet, not "needs a look"
            live = run.status.is_live or run.id == self._live_run_id
            return None if live else self._grades_data(run.id, role)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.STATUS and run.id == self._live_run_id:
                return "streaming…"
            return self._display(run, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(run, column)
        if role == Qt.ItemDataRole.UserRole:
            return run.id
        if role == Qt.ItemDataRole.ForegroundRole:
            if column == self.VERDICT and run.verdict in VERDICT_COLOURS:
                return QBrush(VERDICT_COLOURS[run.verdict])
            if column == self.STATUS and run.status in (RunStatus.FAILED, RunStatus.INTERRUPTED):
                return QBrush(VERDICT_COLOURS[Verdict.FAILED])
            if column in (self.DIGEST, self.WHEN):
                palette = QApplication.palette()
                return palette.brush(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        if role == Qt.ItemDataRole.FontRole and column == self.DIGEST:
            font = QFont("monospace")
            font.setStyleHint(QFont.StyleHint.Monospace)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _grades_data(self, run_id: int, role: int) -> Any:
        grades = self._grades.get(run_id)
        if grades is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return grades.cell
        if role == Qt.ItemDataRole.ToolTipRole:
            return grades.tooltip if grades.outcome.total else None
        if role == Qt.ItemDataRole.ForegroundRole and not grades.pending:
            colour = GRADE_COLOURS.get(grades.outcome.status)
            return QBrush(colour) if colour is not None else None
        return None

    def _display(self, run: Any, column: int) -> str:
        if column == self.ID:
            return f"{run.id}" + (" ↻" if run.replay_of_id else "")
        if column == self.MODEL:
            node = self._nodes.get(run.id)
            if node is None or node.depth == 0:
                return str(run.model)
            return INDENT * (min(node.depth, MAX_INDENT) - 1) + f"↳ {run.model}"
        if column == self.DIGEST:
            return str(run.short_digest)
        if column == self.OPTIONS:
            return options_summary(run.options)
        if column == self.STATUS:
            return str(run.status.value)
        if column == self.VERDICT:
            return run.verdict.value if run.verdict else "—"
        if column == self.WHEN:
            return _local_time(run.started_at or run.created_at)
        return ""

    def _tooltip(self, run: Any, column: int) -> str | None:
        node = self._nodes.get(run.id)
        if column == self.MODEL and node is not None:
            return node.label()
        if column == self.ID:
            lines = [f"Replays run {run.replay_of_id}"] if run.replay_of_id else []
            if run.based_on_id is not None:
                lines.append(f"Based on run {run.based_on_id} (its prompt, other settings)")
            if node is not None:
                lines[:0] = [node.label(), *_continued(node)]
            replayed_by = [str(other.id) for other in self._runs if other.replay_of_id == run.id]
            if replayed_by:
                lines.append(f"Replayed by run {', '.join(reversed(replayed_by))}")
            based = [str(other.id) for other in self._runs if other.based_on_id == run.id]
            if based:
                lines.append(f"Run {', '.join(reversed(based))} based on this one")
            values = values_line(run.template)
            if values:
                lines.insert(0, f"Variables: {values}")
            return "\n".join(lines) or None
        if column == self.DIGEST:
            return str(run.model_digest) or "digest unknown (the run never reached Ollama)"
        if column == self.OPTIONS and run.options:
            return "\n".join(f"{key} = {value}" for key, value in sorted(run.options.items()))
        if column == self.STATUS and run.error:
            return str(run.error)
        if column == self.VERDICT and run.verdict_note:
            return str(run.verdict_note)
        if column == self.WHEN:
            moment = run.started_at or run.created_at
            return moment.astimezone().isoformat(timespec="seconds") if moment else None
        return None


def _continued(node: TurnNode) -> list[str]:
    """Where the conversation goes on from `node`: the last turn of each branch below it."""
    if not node.children:
        return []
    ends = [str(run.id) for run in node.tips()]
    if len(ends) == 1:
        return [f"Continued up to run {ends[0]}"]
    return [f"Its {len(ends)} branches end at runs {', '.join(ends)}"]


def threaded(runs: list[Any]) -> tuple[list[Any], dict[int, TurnNode]]:
    """The rows in order (threads by their newest run, newest first; each thread root
    first, depth first) and the turns of conversations by run id (single runs left out)."""
    if not runs:
        return [], {}
    from journal.core.conversations import forest  # runs are loaded: so is the storage layer

    threads: list[tuple[int, list[TurnNode]]] = []
    for root in forest(runs):
        nodes = list(root.walk())
        threads.append((max(node.run_id for node in nodes), nodes))
    threads.sort(key=lambda thread: thread[0], reverse=True)
    rows = [node.run for _, nodes in threads for node in nodes]
    turns = {node.run_id: node for _, nodes in threads if len(nodes) > 1 for node in nodes}
    return rows, turns
