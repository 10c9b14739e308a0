"""Runs side by side: which settings differ, how the answers differ, and a verdict for each."""

from __future__ import annotations

import functools
import html
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt, Signal, Slot
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGridLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from journal.core.domain import RunStatus, Verdict
from journal.core.errors import JournalError
from journal.core.formatting import seconds, short_digest
from journal.gui.answer_view import SafeTextBrowser
from journal.gui.dialog_helpers import DELETED, INSERTED, diff_html, plain_html, tint
from journal.gui.i18n import error_text
from journal.gui.translating import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from sqlmodel import Session

    from journal.core.models import Run
    from journal.gui.context import AppContext

translate = QCoreApplication.translate

DIFFERS = QColor(210, 153, 34)
PROMPT_LINES = 4  # a prompt box's height at most; a longer prompt scrolls
VERDICT_CHOICES: list[tuple[str, Verdict | None]] = [
    (QT_TRANSLATE_NOOP("compare_dialog", "Not rated"), None),
    (QT_TRANSLATE_NOOP("compare_dialog", "Worked"), Verdict.WORKED),
    (QT_TRANSLATE_NOOP("compare_dialog", "Partly"), Verdict.PARTLY),
    (QT_TRANSLATE_NOOP("compare_dialog", "Failed"), Verdict.FAILED),
]
# A prompt row's title when every run shares it, its title when they differ, and the name
# of one run's box, by what the row shows.
PROMPT_CAPTIONS = {
    "prompt": (
        QT_TRANSLATE_NOOP("compare_dialog", "Prompt (the same for every run)"),
        QT_TRANSLATE_NOOP("compare_dialog", "Prompts differ"),
        QT_TRANSLATE_NOOP("compare_dialog", "Prompt of run {number}"),
    ),
    "system": (
        QT_TRANSLATE_NOOP("compare_dialog", "System prompt (the same for every run)"),
        QT_TRANSLATE_NOOP("compare_dialog", "System prompts differ"),
        QT_TRANSLATE_NOOP("compare_dialog", "System prompt of run {number}"),
    ),
}


def _option_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


@dataclass(frozen=True)
class RunFacts:
    """What the dialog shows of a run, copied out of the session that read it."""

    id: int
    experiment_id: int
    experiment_title: str
    model: str
    digest: str
    status: RunStatus
    tokens: int | None
    tokens_per_second: float | None
    wall_seconds: float | None
    verdict: Verdict | None
    answer: str
    error: str
    options: dict[str, Any] = field(default_factory=dict)
    prompt: str = ""
    system_prompt: str = ""
    verdict_note: str = ""

    @classmethod
    def of(cls, run: Run, title: str) -> RunFacts:
        assert run.id is not None
        return cls(
            id=run.id,
            experiment_id=run.experiment_id,
            experiment_title=title,
            model=run.model,
            digest=run.model_digest,
            status=RunStatus(run.status),
            tokens=run.eval_count,
            tokens_per_second=run.tokens_per_second,
            wall_seconds=run.wall_seconds,
            verdict=run.verdict,
            answer=run.response,
            error=run.error,
            options=dict(run.options),
            prompt=run.prompt,
            system_prompt=run.system_prompt,
            verdict_note=run.verdict_note,
        )


def read_runs(session: Session, run_ids: Sequence[int]) -> list[RunFacts]:
    """The runs to compare, in order; NotFoundError names a run that does not exist."""
    from journal.core.queries import get_experiment, get_run

    facts = []
    for run_id in run_ids:
        run = get_run(session, run_id)
        title = get_experiment(session, run.experiment_id).title
        facts.append(RunFacts.of(run, title))
    return facts


class CompareDialog(QDialog):
    """Two or more runs (of one experiment or several) in columns; the first is the
    reference every other answer is diffed against."""

    verdict_changed = Signal(int)  # a run whose verdict was saved
    verdict_failed = Signal(int, str)  # run id, the error the context reported

    def __init__(
        self,
        context: AppContext,
        run_ids: list[int],
        parent: QWidget | None = None,
        *,
        runs: list[RunFacts] | None = None,
    ) -> None:
        """Compare `run_ids` (read now, raising JournalError, unless `runs` were read)."""
        super().__init__(parent)
        if len(run_ids) < 2:
            raise ValueError("CompareDialog needs two or more runs")
        self.setWindowTitle(translate("compare_dialog", "Compare runs"))
        self.resize(min(420 * len(run_ids), 1400), 680)
        self._context = context
        if runs is None:
            assert context.journal is not None
            with context.journal.read() as session:
                runs = read_runs(session, run_ids)
        self.runs = runs
        self.verdict_boxes: list[QComboBox] = []
        self.why_labels: list[QLabel] = []
        self.prompt_views: list[QPlainTextEdit] = []
        self.answer_views: list[SafeTextBrowser] = []

        top = self._init_verdicts()
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self._init_prompts())
        splitter.addWidget(self._init_options())
        splitter.addWidget(self._init_answers())
        for index, stretch in enumerate((1, 1, 3)):
            splitter.setStretchFactor(index, stretch)
        splitter.setChildrenCollapsible(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        layout = QVBoxLayout(self)
        layout.addWidget(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.buttons)
        self._init_connections()

    # -- layout ----------------------------------------------------------------------------

    def _init_verdicts(self) -> QWidget:
        """A header per run (model, digest, stats) over its verdict, editable in place."""
        top = QWidget()
        grid = QGridLayout(top)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(18)
        for column, run in enumerate(self.runs):
            grid.addWidget(self._header(run, column == 0), 0, column)
            box = QComboBox()
            for label, verdict in VERDICT_CHOICES:
                box.addItem(translate("compare_dialog", label), verdict.value if verdict else "")
            box.setCurrentIndex(self._choice_of(run.verdict))
            box.setToolTip(
                translate("compare_dialog", "Verdict of run {number}").format(number=run.id)
            )
            self.verdict_boxes.append(box)
            why = QLabel(run.verdict_note or "—")
            why.setWordWrap(True)
            why.setTextFormat(Qt.TextFormat.PlainText)
            why.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            why.setToolTip(
                translate("compare_dialog", "Why run {number} got its verdict (its note)").format(
                    number=run.id
                )
            )
            self.why_labels.append(why)
            form = QFormLayout()
            form.addRow(translate("compare_dialog", "Verdict:"), box)
            form.addRow(translate("compare_dialog", "Why:"), why)
            holder = QWidget()
            holder.setLayout(form)
            form.setContentsMargins(0, 0, 0, 0)
            grid.addWidget(holder, 1, column, Qt.AlignmentFlag.AlignLeft)
            grid.setColumnStretch(column, 1)
        return top

    def _init_prompts(self) -> QWidget:
        """What each run was asked: one prompt when they share it, else one per column; the
        system prompts too, when they differ."""
        prompts = QWidget()
        grid = QGridLayout(prompts)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(18)
        rows: list[tuple[str, list[str]]] = [("prompt", [run.prompt for run in self.runs])]
        systems = [run.system_prompt for run in self.runs]
        if len(set(systems)) > 1:
            none = translate("compare_dialog", "(none)")
            rows.append(("system", [text or none for text in systems]))
        for row, (shows, texts) in enumerate(rows):
            shared = len(set(texts)) == 1
            same, differ, name = PROMPT_CAPTIONS[shows]
            title = translate("compare_dialog", same if shared else differ)
            grid.addWidget(QLabel(f"<b>{title}</b>"), 2 * row, 0, 1, len(self.runs))
            for column, text in enumerate(texts[:1] if shared else texts):
                view = QPlainTextEdit(text)
                view.setReadOnly(True)
                number = self.runs[column].id
                view.setAccessibleName(translate("compare_dialog", name).format(number=number))
                view.setMaximumHeight(view.fontMetrics().lineSpacing() * PROMPT_LINES + 12)
                self.prompt_views.append(view)
                grid.addWidget(view, 2 * row + 1, column, 1, len(self.runs) if shared else 1)
        for column in range(len(self.runs)):
            grid.setColumnStretch(column, 1)
        return prompts

    def _init_options(self) -> QWidget:
        self.options_table = self._options_table()
        options_box = QWidget()
        options_layout = QVBoxLayout(options_box)
        options_layout.setContentsMargins(0, 0, 0, 0)
        options_layout.addWidget(
            QLabel(translate("compare_dialog", "<b>Options</b> (rows that differ are highlighted)"))
        )
        options_layout.addWidget(self.options_table)
        return options_box

    def _init_answers(self) -> QWidget:
        """Each answer in its column, every one after the first diffed against the first."""
        from journal.core.word_diff import word_diff

        answers = QWidget()
        answer_grid = QGridLayout(answers)
        answer_grid.setContentsMargins(0, 0, 0, 0)
        answer_grid.setHorizontalSpacing(18)
        reference = self.runs[0].answer
        for column, run in enumerate(self.runs):
            caption = (
                translate("compare_dialog", "Answer")
                if column == 0
                else translate("compare_dialog", "Answer, against the first run")
            )
            answer_grid.addWidget(QLabel(f"<b>{caption}</b>"), 0, column)
            view = SafeTextBrowser()
            view.setReadOnly(True)
            text = run.answer if run.answer or not run.error else f"[{run.error}]"
            if column == 0:
                view.setHtml(plain_html(text))
            else:
                view.setHtml(diff_html(word_diff(reference, text), self.palette()))
            self.answer_views.append(view)
            answer_grid.addWidget(view, 1, column)
            answer_grid.setColumnStretch(column, 1)

        added = html.escape(translate("compare_dialog", "added"))
        removed = html.escape(translate("compare_dialog", "removed"))
        compared = html.escape(translate("compare_dialog", "compared with the first run"))
        legend = QLabel(
            f'<span style="background-color:{tint(INSERTED, 0.35, self.palette()).name()}">'
            f"&nbsp;{added}&nbsp;</span>&nbsp;&nbsp;"
            f'<span style="background-color:{tint(DELETED, 0.35, self.palette()).name()};'
            f' text-decoration:line-through">&nbsp;{removed}&nbsp;</span>'
            f"&nbsp;&nbsp;{compared}"
        )
        answer_grid.addWidget(legend, 2, 0, 1, len(self.runs))
        return answers

    def _init_connections(self) -> None:
        for box in self.verdict_boxes:
            box.currentIndexChanged.connect(self._on_verdict_box_changed)
        self.buttons.rejected.connect(self.reject)

    # -- building --------------------------------------------------------------------------

    @staticmethod
    def _choice_of(verdict: Verdict | None) -> int:
        return next(i for i, (_, choice) in enumerate(VERDICT_CHOICES) if choice == verdict)

    def _header(self, run: RunFacts, reference: bool) -> QLabel:
        digest = short_digest(run.digest) or translate("compare_dialog", "no digest")
        tokens, speed, wall = run.tokens, run.tokens_per_second, run.wall_seconds
        stats = [
            translate("compare_dialog", "%n token(s)", None, tokens) if tokens is not None else "",
            translate("compare_dialog", "{speed} tok/s").format(speed=f"{speed:.1f}")
            if speed is not None
            else "",
            translate("compare_dialog", "total {time}").format(time=seconds(wall))
            if wall is not None
            else "",
        ]
        heading = (
            translate("compare_dialog", "<b>Run {number}</b> (reference)")
            if reference
            else translate("compare_dialog", "<b>Run {number}</b>")
        ).format(number=run.id)
        title = run.experiment_title or translate("compare_dialog", "(untitled)")
        label = QLabel(
            f"{heading} · {html.escape(title)}"
            f"<br><b>{html.escape(run.model)}</b> @ <code>{html.escape(digest)}</code>"
            f"<br>{html.escape(run.status.value)}"
            f"{' · ' if any(stats) else ''}{html.escape(' · '.join(s for s in stats if s))}"
        )
        label.setTextFormat(Qt.TextFormat.RichText)
        label.setToolTip(
            translate("compare_dialog", "digest {digest}").format(digest=run.digest)
            if run.digest
            else translate("compare_dialog", "The model was never reached")
        )
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setWordWrap(True)
        return label

    def _options_table(self) -> QTableWidget:
        keys = sorted({key for run in self.runs for key in run.options})
        table = QTableWidget(len(keys), len(self.runs))
        run_number = translate("compare_dialog", "Run {number}")
        table.setHorizontalHeaderLabels([run_number.format(number=run.id) for run in self.runs])
        table.setVerticalHeaderLabels(keys)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        wash = QBrush(tint(DIFFERS, 0.35, self.palette()))
        for row, key in enumerate(keys):
            texts = [
                _option_text(run.options[key]) if key in run.options else "" for run in self.runs
            ]
            differs = len(set(texts)) > 1
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text if key in self.runs[column].options else "—")
                item.setToolTip(text or translate("compare_dialog", "not set"))
                if differs:
                    item.setBackground(wash)
                    item.setData(Qt.ItemDataRole.UserRole, True)
                table.setItem(row, column, item)
        if not keys:
            table.setRowCount(1)
            table.setVerticalHeaderLabels([""])
            table.setSpan(0, 0, 1, len(self.runs))
            table.setItem(
                0, 0, QTableWidgetItem(translate("compare_dialog", "No run sets any option."))
            )
        return table

    # -- reading back ----------------------------------------------------------------------

    def differing_options(self) -> list[str]:
        """The option keys whose values differ across the runs (the highlighted rows)."""
        table = self.options_table
        keys = []
        for row in range(table.rowCount()):
            item, header = table.item(row, 0), table.verticalHeaderItem(row)
            if item is not None and header is not None and item.data(Qt.ItemDataRole.UserRole):
                keys.append(header.text())
        return keys

    # -- verdicts --------------------------------------------------------------------------

    @Slot(int)
    def _on_verdict_box_changed(self, _index: int) -> None:
        box = self.sender()
        if not isinstance(box, QComboBox) or box not in self.verdict_boxes:
            return
        run_id = self.runs[self.verdict_boxes.index(box)].id
        raw = box.currentData()
        verdict = Verdict(raw) if raw else None

        def change(session: Session) -> int:
            from journal.core.queries import set_verdict

            set_verdict(session, run_id, verdict)
            return run_id

        self._context.write(
            change,
            self._on_verdict_saved,
            functools.partial(self._on_verdict_error, run_id),
            owner=self,
        )

    def _on_verdict_saved(self, run_id: int) -> None:
        self.verdict_changed.emit(run_id)

    def _on_verdict_error(self, run_id: int, error: JournalError) -> None:
        about = translate("compare_dialog", "The verdict of run {number} was not saved.")
        self._context.report(error, about=about.format(number=run_id))
        self.verdict_failed.emit(run_id, error_text(error))
