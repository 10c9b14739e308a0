"""The runs of the current experiment, newest first: model, digest, key options, verdict.

A conversation's turns are listed together as a thread: its root, then its turns depth
first (oldest branch first), each marked "↳" under the one it continues. Threads are
ordered by their newest run, so the turn just added stays near the top. The order is
built from the runs already loaded (`conversations.forest`), without a query.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QFont, QPalette
from PySide6.QtWidgets import QApplication, QTreeView

from journal.core.domain import RunStatus, Verdict
from journal.core.grading import OutcomeStatus
from journal.core.templates import values_line
from journal.gui.grade_marks import RunGrades
from journal.gui.table_style import VERDICT_COLOURS
from journal.gui.translating import QT_TRANSLATE_NOOP, short_moment, size_text

if TYPE_CHECKING:
    from journal.core.conversations import TurnNode
    from journal.core.images import StoredImage

translate = QCoreApplication.translate

GRADE_COLOURS = {
    OutcomeStatus.PASS: VERDICT_COLOURS[Verdict.WORKED],
    OutcomeStatus.FAIL: VERDICT_COLOURS[Verdict.FAILED],
    OutcomeStatus.NEEDS_LOOK: VERDICT_COLOURS[Verdict.PARTLY],
}

# The words a status or a verdict shows as (the stored values, which the CLI also reads,
# stay as they are).
SHOWN_WORDS = cast(
    dict[str, str],
    {
        "pending": QT_TRANSLATE_NOOP("run_history", "pending"),
        "streaming": QT_TRANSLATE_NOOP("run_history", "streaming"),
        "done": QT_TRANSLATE_NOOP("run_history", "done"),
        "cancelled": QT_TRANSLATE_NOOP("run_history", "cancelled"),
        "failed": QT_TRANSLATE_NOOP("run_history", "failed"),
        "interrupted": QT_TRANSLATE_NOOP("run_history", "interrupted"),
        "worked": QT_TRANSLATE_NOOP("run_history", "worked"),
        "partly": QT_TRANSLATE_NOOP("run_history", "partly"),
    },
)

KEY_OPTIONS = ("temperature", "seed", "num_ctx", "num_predict", "top_p", "top_k")
MAX_INDENT = 6  # deeper turns are marked as deep as this: the tooltip says which turn
IMAGE_MARK = "▣"  # after the run id, with the count: the run showed the model images
INDENT = "   "  # per level below turn 2: about the width of "↳ ", so each mark sits under
# the model name of the turn it continues

Index = QModelIndex | QPersistentModelIndex

_SERVED_ROLES = frozenset(
    int(role)
    for role in (
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.UserRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.TextAlignmentRole,
    )
)


def _local_time(moment: datetime | None) -> str:
    if moment is None:
        return ""
    return short_moment(moment, time_today=True)


def options_summary(options: dict[str, Any]) -> str:
    shown = [f"{key}={options[key]}" for key in KEY_OPTIONS if key in options]
    others = len(options) - len(shown)
    if others > 0:
        shown.append(f"+{others}")
    return " ".join(shown)


class RunHistoryModel(QAbstractTableModel):
    """Holds core Run objects; the window reloads it after each run or verdict."""

    HEADERS = cast(
        tuple[str, ...],
        (
            QT_TRANSLATE_NOOP("run_history", "#"),
            QT_TRANSLATE_NOOP("run_history", "Model"),
            QT_TRANSLATE_NOOP("run_history", "Digest"),
            QT_TRANSLATE_NOOP("run_history", "Options"),
            QT_TRANSLATE_NOOP("run_history", "Status"),
            QT_TRANSLATE_NOOP("run_history", "Grades"),
            QT_TRANSLATE_NOOP("run_history", "Verdict"),
            QT_TRANSLATE_NOOP("run_history", "When"),
        ),
    )
    ID, MODEL, DIGEST, OPTIONS, STATUS, GRADES, VERDICT, WHEN = range(8)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._runs: list[Any] = []
        self._live_run_id: int | None = None
        self._grades: dict[int, RunGrades] = {}
        self._nodes: dict[int, TurnNode] = {}  # the turns of conversations, by run id
        self._images: dict[int, tuple[str, str]] = {}  # run id -> (mark, tooltip lines)
        # Each row's texts, worked out once per refresh: the view asks for every cell
        # several times over (once per role, again to size each column to its contents).
        self._cells: list[list[str]] = []

    def set_grades(self, all_grades: list[RunGrades]) -> None:
        """What runs' grades add up to, shown in the Grades column (and its tooltip); a
        whole history's with one change signal, as each has the view measure the column."""
        self._grades.update((grades.run_id, grades) for grades in all_grades)
        if self._runs and all_grades:
            first, last = self.index(0, self.GRADES), self.index(len(self._runs) - 1, self.GRADES)
            self.dataChanged.emit(first, last)

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
        self._fill_cells()
        self.endResetModel()

    def _fill_cells(self) -> None:
        columns = range(len(self.HEADERS))
        self._cells = [[self._display(run, column) for column in columns] for run in self._runs]

    def update_runs(self, runs: list[Any], grades: list[RunGrades]) -> None:
        """Show `runs` and their `grades`, read again; when the rows shown are still there
        in the same order with new ones above, the new rows are inserted instead of a reset,
        so the view keeps its selection and need not lay every row out again."""
        rows, nodes = threaded(runs)
        regraded = {found.run_id for found in grades if self._grades.get(found.run_id) != found}
        for run_grades in grades:
            self._grades[run_grades.run_id] = run_grades
        added = len(rows) - len(self._runs)
        kept = [run.id for run in rows[added:]] if added >= 0 else None
        if not self._runs or kept != [run.id for run in self._runs]:
            self.beginResetModel()
            self._runs, self._nodes = rows, nodes
            self._fill_cells()
            self.endResetModel()
            return
        before = {run.id: _shown_as(run) for run in self._runs}
        if added:
            self.beginInsertRows(QModelIndex(), 0, added - 1)
        self._runs, self._nodes = rows, nodes
        self._fill_cells()
        if added:
            self.endInsertRows()
        changed = [
            row
            for row, run in enumerate(rows[added:], start=added)
            if run.id in regraded or before.get(run.id) != _shown_as(run)
        ]
        if changed:
            last = len(self.HEADERS) - 1
            self.dataChanged.emit(self.index(changed[0], 0), self.index(changed[-1], last))

    def set_images(self, shown: dict[int, list[StoredImage]]) -> None:
        """The images each run showed (metadata, no bytes): a mark after the run id and a
        tooltip listing them, worked out here once per refresh rather than per paint."""
        self._images = {run_id: _image_mark(images) for run_id, images in shown.items() if images}
        for row, run in enumerate(self._runs):
            self._cells[row][self.ID] = self._display(run, self.ID)
        if self._runs:
            first, last = self.index(0, self.ID), self.index(len(self._runs) - 1, self.ID)
            self.dataChanged.emit(first, last)

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
            return translate("run_history", self.HEADERS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in _SERVED_ROLES or not 0 <= index.row() < len(self._runs):
            return None  # the roles asked of every cell and answered by none first: cheap
        row = index.row()
        run = self._runs[row]
        column = index.column()
        if column == self.GRADES:  # a run still streaming has no grades yet, not "needs a look"
            live = run.status.is_live or run.id == self._live_run_id
            return None if live else self._grades_data(run.id, role)
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.STATUS and run.id == self._live_run_id:
                return translate("run_history", "streaming…")
            return self._cells[row][column]
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
            images = self._images.get(run.id)
            return (
                f"{run.id}"
                + (" ↻" if run.replay_of_id else "")
                + (f" {images[0]}" if images else "")
            )
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
            return _shown(str(run.status.value))
        if column == self.VERDICT:
            return _shown(run.verdict.value) if run.verdict else "—"
        if column == self.WHEN:
            return _local_time(run.started_at or run.created_at)
        return ""

    def _tooltip(self, run: Any, column: int) -> str | None:
        node = self._nodes.get(run.id)
        if column == self.MODEL and node is not None:
            return turn_label(node)
        if column == self.ID:
            lines = (
                [translate("run_history", "Replays run {id}").format(id=run.replay_of_id)]
                if run.replay_of_id
                else []
            )
            if run.based_on_id is not None:
                lines.append(
                    translate(
                        "run_history", "Based on run {id} (its prompt, other settings)"
                    ).format(id=run.based_on_id)
                )
            if node is not None:
                lines[:0] = [turn_label(node), *_continued(node)]
            replayed_by = [str(other.id) for other in self._runs if other.replay_of_id == run.id]
            if replayed_by:
                lines.append(
                    translate("run_history", "Replayed by run {ids}").format(
                        ids=", ".join(reversed(replayed_by))
                    )
                )
            based = [str(other.id) for other in self._runs if other.based_on_id == run.id]
            if based:
                lines.append(
                    translate("run_history", "Run {ids} based on this one").format(
                        ids=", ".join(reversed(based))
                    )
                )
            values = values_line(run.template)
            if values:
                lines.insert(
                    0, translate("run_history", "Variables: {values}").format(values=values)
                )
            images = self._images.get(run.id)
            if images:
                lines.append(images[1])
            return "\n".join(lines) or None
        if column == self.DIGEST:
            return str(run.model_digest) or translate(
                "run_history", "digest unknown (the run never reached Ollama)"
            )
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


def _shown(value: str) -> str:
    """A stored status or verdict as the history shows it."""
    word = SHOWN_WORDS.get(value)
    return translate("run_history", word) if word is not None else value


def _shown_as(run: Any) -> tuple[Any, ...]:
    """What the row of `run` shows, to tell whether it changed since it was read."""
    return (
        run.model,
        run.model_digest,
        str(run.options),
        run.status,
        run.verdict,
        run.verdict_note,
        run.error,
        run.started_at,
        run.created_at,
        run.replay_of_id,
        run.template,
    )


class HistoryView(QTreeView):
    """The history's table, whose columns fit their contents: each column's width is
    measured once per change of the rows, not again at each of the layout passes that
    follow a refresh (each measure asks every row for every role; a 50-turn conversation
    took some 50 ms of them, three frames)."""

    def __init__(self, model: RunHistoryModel) -> None:
        super().__init__()
        self._widths: dict[int, int] = {}
        self.setModel(model)
        model.modelReset.connect(self._forget_widths)
        model.layoutChanged.connect(self._forget_widths)
        model.rowsInserted.connect(self._forget_widths)
        model.rowsRemoved.connect(self._forget_widths)
        model.dataChanged.connect(self._on_model_data_changed)

    def sizeHintForColumn(self, column: int) -> int:  # noqa: N802 - Qt override
        width = self._widths.get(column)
        if width is None:
            width = self._widths[column] = super().sizeHintForColumn(column)
        return width

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._forget_widths()
        super().changeEvent(event)

    def _forget_widths(self) -> None:
        self._widths.clear()

    def _on_model_data_changed(self, top_left: QModelIndex, bottom_right: QModelIndex) -> None:
        for column in range(top_left.column(), bottom_right.column() + 1):
            self._widths.pop(column, None)


def _image_mark(images: list[StoredImage]) -> tuple[str, str]:
    """`▣2` and "Showed 2 images:" with one line each (type, size, width×height)."""
    lines = [
        f"  {image.mime}, {size_text(image.size)}"
        + (f", {image.width}×{image.height}" if image.width and image.height else "")
        for image in images
    ]
    count = len(images)
    head = translate("run_history", "Showed %n image(s):", None, count)
    return f"{IMAGE_MARK}{count}", "\n".join([head, *lines])


def turn_label(node: TurnNode) -> str:
    """`turn 2 (run 14, follows run 12)` or `turn 2 (run 15, branch 2 of 2 from run 12)`:
    the window's words for the CLI's TurnNode.label()."""
    parent = node.run.parent_id
    if parent is None:
        text = translate("run_history", "turn 1 (run {run})")
    elif node.siblings > 1:
        text = translate(
            "run_history",
            "turn {turn} (run {run}, branch {branch} of {siblings} from run {parent})",
        )
    else:
        text = translate("run_history", "turn {turn} (run {run}, follows run {parent})")
    return text.format(
        turn=node.turn,
        run=node.run_id,
        branch=node.branch,
        siblings=node.siblings,
        parent=parent,
    )


def _continued(node: TurnNode) -> list[str]:
    """Where the conversation goes on from `node`: the last turn of each branch below it."""
    if not node.children:
        return []
    ends = [str(run.id) for run in node.tips()]
    if len(ends) == 1:
        return [translate("run_history", "Continued up to run {id}").format(id=ends[0])]
    return [
        translate("run_history", "Its {count} branches end at runs {ids}").format(
            count=len(ends), ids=", ".join(ends)
        )
    ]


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
