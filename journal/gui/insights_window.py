"""The Insights window (View > Insights…): four charts over the journal, as the list filters
it, each answering a question: which models work, are they getting better, how fast are
they, where does the time go. A click on a bar or a point sets the list to the experiments
behind it.

The figures are computed in the background (core.insights) when the window opens, when the
list's filter changes, when the journal changes and on F5; the charts are shaped in
core.insights_charts and drawn by insights_chart (Qt Graphs, loaded only here)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from journal.core.domain import UNRATED, ExperimentFilter, with_verdict_choice
from journal.core.errors import JournalError
from journal.core.insights_charts import (
    MEASURES,
    OutcomeBar,
    SpeedRow,
    TrendLine,
    WeightsMark,
    activity_weeks,
    filter_for_outcome,
    filter_for_week,
    filter_parts,
    outcome_bars,
    speed_rows,
    tags_of,
    trend,
)
from journal.gui.insights_chart import ChartPanel
from journal.gui.insights_specs import (
    OUTCOME_CHOICES,
    activity_spec,
    measure_words,
    outcome_spec,
    speed_spec,
    trend_spec,
)

if TYPE_CHECKING:
    from journal.core.insights import Insights, WeekActivity
    from journal.gui.context import AppContext
    from journal.gui.tasks import Task

translate = QCoreApplication.translate


def filter_words(filters: ExperimentFilter) -> str:
    """The subtitle: what the list's filter narrows the charts to."""
    words = {
        "tag": translate("insights_window", "Tag: {value}"),
        "model": translate("insights_window", "Model: {value}"),
        "verdict": translate("insights_window", "Verdict: {value}"),
        "unrated": translate("insights_window", "Unrated"),
        "search": translate("insights_window", "Search: {value}"),
        "since": translate("insights_window", "Since {value}"),
        "until": translate("insights_window", "Before {value}"),
    }
    parts = [words[field].format(value=value) for field, value in filter_parts(filters)]
    if not parts:
        return translate("insights_window", "The whole journal (the list's filters narrow it)")
    return translate("insights_window", "Filtered by the list: {filters}").format(
        filters=" · ".join(parts)
    )


class InsightsWindow(QWidget):
    """Four charts over the experiments the list shows; clicks narrow the list."""

    filter_chosen = Signal(object)  # the ExperimentFilter behind a clicked bar or point

    def __init__(
        self, context: AppContext, filters: ExperimentFilter, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("insightsWindow")
        self.setWindowTitle(translate("insights_window", "Insights"))
        self._context = context
        self._filters = filters
        self._insights: Insights | None = None
        self._task: Task | None = None
        self._bars: tuple[OutcomeBar, ...] = ()
        self._lines: tuple[TrendLine, ...] = ()
        self._marks: tuple[WeightsMark, ...] = ()
        self._speeds: tuple[SpeedRow, ...] = ()
        self._weeks: tuple[WeekActivity, ...] = ()
        self._init_header()
        self._init_charts()
        self._init_layout()
        self._init_connections()
        self._follow_palette()
        self.resize(1100, 720)
        self.refresh()

    def _init_header(self) -> None:
        self.subtitle = QLabel(filter_words(self._filters))
        self.subtitle.setObjectName("insights-subtitle")
        self.subtitle.setWordWrap(True)
        self.state = QLabel()
        self.state.setObjectName("insights-state")
        self.state.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.refresh_button = QToolButton()
        self.refresh_button.setText(translate("insights_window", "&Refresh"))
        self.refresh_button.setToolTip(
            translate("insights_window", "Compute the charts again from the journal (F5)")
        )
        self._refresh_action = QAction(self)
        self._refresh_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Refresh))
        self.addAction(self._refresh_action)

    def _init_charts(self) -> None:
        self.outcomes = ChartPanel(translate("insights_window", "Which models work"), "outcomes")
        self.tag_choice = QComboBox()
        self.tag_choice.setToolTip(translate("insights_window", "Show the verdicts for one tag"))
        self.tag_choice.addItem(translate("insights_window", "All tags"), "")
        self.outcomes.add_control(self.tag_choice)
        self.trend = ChartPanel(translate("insights_window", "Getting better?"), "trend")
        self.speed = ChartPanel(translate("insights_window", "How fast"), "speed")
        self.measure_choice = QComboBox()
        self.measure_choice.setToolTip(translate("insights_window", "Which speed figure to show"))
        for measure in MEASURES:
            self.measure_choice.addItem(measure_words(measure), measure)
        self.speed.add_control(self.measure_choice)
        self.activity = ChartPanel(translate("insights_window", "Where the time goes"), "activity")
        self.unrated_button = QPushButton()
        self.unrated_button.setObjectName("unrated-link")
        self.unrated_button.setFlat(True)
        self.unrated_button.setToolTip(
            translate("insights_window", "Show the experiments with runs to judge in the list")
        )
        self.unrated_button.hide()
        self.activity.add_control(self.unrated_button)

    def _init_layout(self) -> None:
        header = QHBoxLayout()
        header.addWidget(self.subtitle, 1)
        header.addWidget(self.state)
        header.addWidget(self.refresh_button)
        grid = QGridLayout()
        grid.setSpacing(8)
        grid.addWidget(self.outcomes, 0, 0)
        grid.addWidget(self.trend, 0, 1)
        grid.addWidget(self.speed, 1, 0)
        grid.addWidget(self.activity, 1, 1)
        for line in (0, 1):
            grid.setRowStretch(line, 1)
            grid.setColumnStretch(line, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 10, 10)
        layout.addLayout(header)
        layout.addLayout(grid, 1)
        QWidget.setTabOrder(self.refresh_button, self.tag_choice)
        QWidget.setTabOrder(self.tag_choice, self.measure_choice)
        QWidget.setTabOrder(self.measure_choice, self.unrated_button)

    def _init_connections(self) -> None:
        self.refresh_button.clicked.connect(self.refresh)
        self._refresh_action.triggered.connect(self.refresh)
        self.tag_choice.currentIndexChanged.connect(self._on_tag_choice_changed)
        self.measure_choice.currentIndexChanged.connect(self._on_measure_choice_changed)
        self.unrated_button.clicked.connect(self._on_unrated_button_clicked)
        self.outcomes.bridge.bar_clicked.connect(self._on_outcome_bar_clicked)
        self.trend.bridge.point_clicked.connect(self._on_trend_point_clicked)
        self.speed.bridge.bar_clicked.connect(self._on_speed_bar_clicked)
        self.activity.bridge.bar_clicked.connect(self._on_activity_bar_clicked)

    # -- computing ------------------------------------------------------------------------

    def filters(self) -> ExperimentFilter:
        return self._filters

    @Slot(object)
    def set_filter(self, filters: ExperimentFilter) -> None:
        """Chart what the list shows now."""
        if filters == self._filters:
            return
        self._filters = filters
        self.subtitle.setText(filter_words(filters))
        self.refresh()

    @Slot()
    def refresh(self) -> None:
        """Compute every chart again in the background; the charts shown stay until then."""
        from journal.core.insights import compute_insights

        journal = self._context.journal
        if journal is None:
            return
        if self._task is not None:
            self._task.cancel()
        filters = self._filters
        self.state.setText(translate("insights_window", "Computing…"))
        if self._insights is None:
            for panel in self._panels():
                panel.show_sentence(translate("insights_window", "Computing…"))

        def work() -> Insights:
            with journal.read() as session:
                return compute_insights(session, filters)

        self._task = self._context.run(work, self._on_computed, self._on_failed, owner=self)

    def busy(self) -> bool:
        return self._task is not None

    def _on_computed(self, insights: Insights) -> None:
        self._task = None
        self._insights = insights
        self.state.clear()
        self._refill_tags(insights)
        self._show_outcomes()
        self._show_trend()
        self._show_speed()
        self._show_activity()

    def _on_failed(self, error: JournalError) -> None:
        self._task = None
        self.state.setText(translate("insights_window", "Could not compute the charts."))
        self._context.report(error, quiet=True)

    def _panels(self) -> tuple[ChartPanel, ...]:
        return (self.outcomes, self.trend, self.speed, self.activity)

    # -- the four charts ------------------------------------------------------------------

    def _refill_tags(self, insights: Insights) -> None:
        chosen = self.tag_choice.currentData()
        self.tag_choice.blockSignals(True)
        try:
            while self.tag_choice.count() > 1:
                self.tag_choice.removeItem(1)
            for tag in tags_of(insights):
                self.tag_choice.addItem(tag, tag)
            self.tag_choice.setCurrentIndex(max(self.tag_choice.findData(chosen), 0))
        finally:
            self.tag_choice.blockSignals(False)

    def _show_outcomes(self) -> None:
        if self._insights is None:
            return
        tag = self.tag_choice.currentData() or ""
        self._bars = outcome_bars(self._insights, tag)
        if not self._bars:
            self.outcomes.show_sentence(
                translate("insights_window", "No run to count yet: run a prompt on a model.")
            )
        else:
            self.outcomes.show_chart(outcome_spec(self._bars))

    def _show_trend(self) -> None:
        if self._insights is None:
            return
        self._lines, self._marks = trend(self._insights)
        if not self._lines:
            self.trend.show_sentence(
                translate(
                    "insights_window",
                    "No pass rates yet: judge runs or give experiments expectations, "
                    "and each week's share of passing runs shows here.",
                )
            )
        else:
            self.trend.show_chart(trend_spec(self._lines, self._marks))

    def _show_speed(self) -> None:
        if self._insights is None:
            return
        measure = self.measure_choice.currentData()
        self._speeds = speed_rows(self._insights, measure)
        if not self._speeds:
            self.speed.show_sentence(
                translate("insights_window", "No finished run reported this figure yet.")
            )
        else:
            self.speed.show_chart(speed_spec(self._speeds, measure))

    def _show_activity(self) -> None:
        if self._insights is None:
            return
        self._weeks = activity_weeks(self._insights)
        unrated = self._insights.activity.unrated
        self.unrated_button.setText(
            translate("insights_window", "%n run(s) wait for a verdict", None, unrated)
        )
        self.unrated_button.setVisible(unrated > 0)
        if not self._weeks:
            self.activity.show_sentence(
                translate("insights_window", "No runs yet: the runs of each week show here.")
            )
        else:
            self.activity.show_chart(activity_spec(self._weeks))

    @Slot(int)
    def _on_tag_choice_changed(self, _index: int) -> None:
        self._show_outcomes()

    @Slot(int)
    def _on_measure_choice_changed(self, _index: int) -> None:
        self._show_speed()

    # -- clicks: the runs behind a bar or a point ------------------------------------------

    def _choose(self, filters: ExperimentFilter) -> None:
        self.filter_chosen.emit(filters)

    @Slot(int, int)
    def _on_outcome_bar_clicked(self, index: int, segment: int) -> None:
        if 0 <= index < len(self._bars):
            verdict = OUTCOME_CHOICES[segment] if 0 <= segment < len(OUTCOME_CHOICES) else None
            tag = self.tag_choice.currentData() or ""
            self._choose(filter_for_outcome(self._filters, self._bars[index].model, verdict, tag))

    @Slot(int, int)
    def _on_trend_point_clicked(self, series: int, point: int) -> None:
        if 0 <= series < len(self._lines):
            line = self._lines[series]
            if 0 <= point < len(line.points):
                self._choose(filter_for_week(self._filters, line.points[point][0], line.model))
        elif series == len(self._lines) and 0 <= point < len(self._marks):
            mark = self._marks[point]
            self._choose(filter_for_week(self._filters, mark.week, mark.model))

    @Slot(int, int)
    def _on_speed_bar_clicked(self, index: int, _segment: int) -> None:
        if 0 <= index < len(self._speeds):
            self._choose(replace(self._filters, model=self._speeds[index].model))

    @Slot(int, int)
    def _on_activity_bar_clicked(self, index: int, _segment: int) -> None:
        from datetime import date

        if 0 <= index < len(self._weeks):
            week = date.fromisoformat(self._weeks[index].week)
            self._choose(filter_for_week(self._filters, week))

    @Slot()
    def _on_unrated_button_clicked(self) -> None:
        self._choose(with_verdict_choice(self._filters, UNRATED))

    # -- light and dark -------------------------------------------------------------------

    def _follow_palette(self) -> None:
        dark = self.palette().color(QPalette.ColorRole.Window).lightness() < 128
        for panel in self._panels():
            panel.set_dark(dark)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.PaletteChange:
            self._follow_palette()
        super().changeEvent(event)
