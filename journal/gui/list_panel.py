"""The journal list pane: find an experiment by typing or filtering, and pick it to open it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial

from PySide6.QtCore import (
    QCoreApplication,
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRectF,
    QSize,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QFontMetrics, QIcon, QKeyEvent, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QTreeView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from journal.core.domain import UNRATED, ExperimentFilter, with_verdict_choice
from journal.core.errors import JournalError
from journal.gui.experiment_list_model import (
    ID_ROLE,
    VERDICT_LABELS,
    Column,
    ExperimentListModel,
    unrated_icon,
    verdict_icon,
)
from journal.gui.i18n import error_text
from journal.gui.list_filter import ListFilter
from journal.gui.tasks import Task, run_in_background
from journal.gui.throttle import Throttle
from journal.gui.translating import QT_TRANSLATE_NOOP, day_month_year

translate = QCoreApplication.translate

Counter = Callable[[ExperimentFilter], int]
translate = QCoreApplication.translate
CUSTOM_RANGE = "range"  # the date choice of a since/until range applied from elsewhere

SEARCH_PLACEHOLDER = QT_TRANSLATE_NOOP("list_panel", "Search title, prompts, answers, notes…")
EMPTY_JOURNAL = QT_TRANSLATE_NOOP("list_panel", "No experiments yet — press Ctrl+N to start one")
EMPTY_FILTERED = QT_TRANSLATE_NOOP("list_panel", "Nothing matches these filters")
DATE_RANGES = (
    (QT_TRANSLATE_NOOP("list_panel", "Any time"), None),
    (QT_TRANSLATE_NOOP("list_panel", "Today"), "today"),
    (QT_TRANSLATE_NOOP("list_panel", "Last 7 days"), "7d"),
    (QT_TRANSLATE_NOOP("list_panel", "Last 30 days"), "30d"),
    (QT_TRANSLATE_NOOP("list_panel", "This year"), "year"),
)


def since_for(date_range: str | None, now: datetime | None = None) -> datetime | None:
    """The start (aware, local time) of a date range named in DATE_RANGES."""
    local = (now or datetime.now()).astimezone()
    midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if date_range == "today":
        return midnight
    if date_range == "7d":
        return local - timedelta(days=7)
    if date_range == "30d":
        return local - timedelta(days=30)
    if date_range == "year":
        return midnight.replace(month=1, day=1)
    return None


def _search_icon(palette: QPalette) -> QIcon:
    """The theme's find icon, or a drawn magnifier in the palette's muted text colour."""
    themed = QIcon.fromTheme(QIcon.ThemeIcon.EditFind)
    if not themed.isNull():
        return themed
    icon = QIcon()
    for size in (16, 32):
        pixmap = QPixmap(size, size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        unit = size / 16
        pen = QPen(palette.color(QPalette.ColorRole.PlaceholderText), 1.6 * unit)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.drawEllipse(QRectF(2.5 * unit, 2.5 * unit, 8 * unit, 8 * unit))
        painter.drawLine(QPointF(9.5 * unit, 9.5 * unit), QPointF(13.5 * unit, 13.5 * unit))
        painter.end()
        icon.addPixmap(pixmap)
    return icon


class _RowDelegate(QStyledItemDelegate):
    """Rows a little taller than the style's minimum, easier to scan and to click; the
    right-aligned run count keeps a gap so it does not run into the date beside it."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        if index.column() != Column.RUNS:
            super().paint(painter, option, index)
            return
        # Background, selection and focus over the whole cell; the text inset on the right.
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text, opt.text = opt.text, ""
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        rect.setRight(rect.right() - opt.fontMetrics.horizontalAdvance("M"))
        enabled = bool(opt.state & QStyle.StateFlag.State_Enabled)
        group = QPalette.ColorGroup.Normal if enabled else QPalette.ColorGroup.Disabled
        if enabled and not opt.state & QStyle.StateFlag.State_Active:
            group = QPalette.ColorGroup.Inactive
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.save()
        painter.setFont(opt.font)
        painter.setPen(opt.palette.color(group, role))
        painter.drawText(rect, opt.displayAlignment, text)
        painter.restore()

    def sizeHint(  # noqa: N802 - Qt override
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), size.height() + 6)


class ListPanel(QWidget):
    """Search box, filter choices and the list of experiments, newest first."""

    experiment_selected = Signal(int)
    filters_changed = Signal(object)  # ExperimentFilter

    SEARCH_DELAY_MS = 250
    MAX_ROWS_TO_FIND = 100_000

    def __init__(
        self, model: ExperimentListModel | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._model = model if model is not None else ExperimentListModel(parent=self)
        self._init_state()
        self._init_search()
        self._init_filters()
        self._init_status_row()
        self._init_view()
        self._init_layout()
        self._init_connections()
        self._update_empty_state()
        self._update_status()

    # -- layout and state -----------------------------------------------------------------

    def _init_state(self) -> None:
        self._counter: Counter | None = None
        self._count_task: Task | None = None
        self._counted: ExperimentFilter | None = None  # the filter the shown count is for
        self._count_stale = True
        self._emitted_id: int | None = None
        self._restore_id: int | None = None
        self._first_wanted = False  # select_first asked before the first page came
        self._since: datetime | None = None
        self._until: datetime | None = None  # only a filter applied from elsewhere sets it
        # Made when first shown: the first wrap of the view's viewport costs PySide ~8 ms,
        # which the window need not pay before it shows.
        self._empty_label: QLabel | None = None
        self._viewport: QWidget | None = None
        # The many row signals of a page or a reset make one update of the count.
        self._status_later = Throttle(self._update_status, 0, debounce=True, parent=self)

    def _init_search(self) -> None:
        self._search = QLineEdit()
        self._search.setPlaceholderText(translate("list_panel", SEARCH_PLACEHOLDER))
        self._search.setClearButtonEnabled(True)
        self._search.setObjectName("search")
        self._search_action = self._search.addAction(
            _search_icon(self.palette()), QLineEdit.ActionPosition.LeadingPosition
        )
        self._search_action.setToolTip(translate("list_panel", "Search (Ctrl+F)"))
        self._search.installEventFilter(self)
        # The search runs once typing pauses.
        self._search_later = Throttle(
            self._apply_filters, self.SEARCH_DELAY_MS, debounce=True, parent=self
        )

    def _init_filters(self) -> None:
        self._model_combo = self._combo(
            translate("list_panel", "Any model"),
            translate("list_panel", "Only experiments with a run of this model"),
        )
        self._verdict_combo = self._combo(
            translate("list_panel", "Any verdict"),
            translate(
                "list_panel",
                "Only experiments whose latest verdict on some model (on the chosen model, if "
                "any) is this; Unrated: a model with finished runs not judged yet",
            ),
        )
        for verdict, label in VERDICT_LABELS.items():
            shown = translate("experiment_list_model", label)
            self._verdict_combo.addItem(verdict_icon(verdict), shown, verdict.value)
        self._verdict_combo.addItem(unrated_icon(), translate("list_panel", "Unrated"), UNRATED)
        self._tag_combo = self._combo(
            translate("list_panel", "Any tag"),
            translate("list_panel", "Only experiments with this tag"),
        )
        self._date_combo = self._combo(
            translate("list_panel", DATE_RANGES[0][0]),
            translate("list_panel", "Only experiments created since"),
        )
        for label, key in DATE_RANGES[1:]:
            self._date_combo.addItem(translate("list_panel", label), key)

        self._model_combo.setObjectName("model-filter")
        self._verdict_combo.setObjectName("verdict-filter")
        self._tag_combo.setObjectName("tag-filter")
        self._date_combo.setObjectName("date-filter")

    def _init_status_row(self) -> None:
        """How many experiments show, and a way back to all of them."""
        self._count_label = QLabel()
        self._count_label.setObjectName("count")
        self._count_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._clear_button = QToolButton()
        self._clear_button.setText(translate("list_panel", "Clear filters"))
        self._clear_button.setObjectName("clear-filters")
        self._clear_button.setAutoRaise(True)
        self._clear_button.setToolTip(translate("list_panel", "Show every experiment again"))
        policy = self._clear_button.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # the row keeps its height: no jump when shown
        self._clear_button.setSizePolicy(policy)
        self._clear_button.hide()
        self._archived_button = QToolButton()
        self._archived_button.setText(translate("list_panel", "Archived"))
        self._archived_button.setObjectName("archived-filter")
        self._archived_button.setCheckable(True)
        self._archived_button.setAutoRaise(True)
        self._archived_button.setToolTip(
            translate(
                "list_panel", "Show archived experiments too (muted); the list hides them otherwise"
            )
        )

    def _init_view(self) -> None:
        self._view = QTreeView()
        self._view.setModel(self._model)
        self._view.setRootIsDecorated(False)
        self._view.setItemsExpandable(False)
        self._view.setUniformRowHeights(True)  # row heights are never measured: 100k rows stay fast
        self._view.setAlternatingRowColors(True)
        self._view.setSortingEnabled(False)  # newest first, by design
        self._view.setAllColumnsShowFocus(True)
        self._view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self._view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self._view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self._view.setFrameShape(QTreeView.Shape.NoFrame)
        self._view.setItemDelegate(_RowDelegate(self._view))
        self._size_columns()

    def _combo(self, any_label: str, tooltip: str) -> QComboBox:
        combo = QComboBox()
        combo.addItem(any_label, None)
        combo.setToolTip(tooltip)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(6)
        return combo

    def _init_layout(self) -> None:
        filters = QGridLayout()
        filters.setHorizontalSpacing(6)
        filters.setVerticalSpacing(6)
        filters.addWidget(self._model_combo, 0, 0)
        filters.addWidget(self._verdict_combo, 0, 1)
        filters.addWidget(self._tag_combo, 1, 0)
        filters.addWidget(self._date_combo, 1, 1)

        status = QHBoxLayout()
        status.setContentsMargins(2, 0, 0, 0)
        status.addWidget(self._count_label, 1)
        status.addWidget(self._archived_button)
        status.addWidget(self._clear_button)

        controls = QVBoxLayout()
        controls.setContentsMargins(6, 6, 6, 0)
        controls.setSpacing(6)
        controls.addWidget(self._search)
        controls.addLayout(filters)
        controls.addLayout(status)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(controls)
        layout.addWidget(self._view, 1)
        self.setFocusProxy(self._search)

    def _size_columns(self) -> None:
        metrics = QFontMetrics(self._view.font())
        padding = metrics.horizontalAdvance("M") + 6
        icon = self._view.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize) + 4
        samples = {
            Column.MODEL: ("llama3.1:8b", 0),
            Column.VERDICT: ("9 of 9", icon),
            Column.PASS_RATE: ("10/10", icon),
            Column.RUNS: ("Runs", 0),
            Column.DATE: ("27 Nov 14:05", 0),
        }
        header = self._view.header()
        header.setStretchLastSection(False)
        header.setSectionsMovable(False)
        header.setMinimumSectionSize(metrics.horizontalAdvance("Runs") + padding)
        header.setSectionResizeMode(Column.TITLE, QHeaderView.ResizeMode.Stretch)
        for column, (sample, extra) in samples.items():
            label = str(self._model.headerData(column, Qt.Orientation.Horizontal))
            width = max(metrics.horizontalAdvance(sample) + extra, metrics.horizontalAdvance(label))
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, width + padding)

    def _init_connections(self) -> None:
        self._search.textChanged.connect(self._on_search_text_changed)
        self._search.returnPressed.connect(self._on_search_return_pressed)
        for combo in (self._model_combo, self._verdict_combo, self._tag_combo):
            combo.currentIndexChanged.connect(self._on_filter_combo_index_changed)
        self._date_combo.currentIndexChanged.connect(self._on_date_combo_index_changed)
        self._clear_button.clicked.connect(self._on_clear_button_clicked)
        self._archived_button.toggled.connect(self._on_archived_button_toggled)
        selection = self._view.selectionModel()
        selection.currentRowChanged.connect(self._on_selection_current_row_changed)
        self._model.modelAboutToBeReset.connect(self._on_model_about_to_be_reset)
        self._model.modelReset.connect(self._on_model_reset)
        self._model.rowsInserted.connect(self._on_model_rows_changed)
        self._model.rowsRemoved.connect(self._on_model_rows_changed)
        self._model.contents_edited.connect(self._on_model_contents_edited)
        self._model.load_failed.connect(self._on_model_load_failed)

    # -- public interface ---------------------------------------------------------------

    def model(self) -> ExperimentListModel:
        return self._model

    def view(self) -> QTreeView:
        return self._view

    @property
    def search(self) -> QLineEdit:
        """The search box (for the window's tests and focus chain)."""
        return self._search

    def filter(self) -> ExperimentFilter:
        return self._model.filter()

    def set_counter(self, count: Counter | None) -> None:
        """How to count the experiments matching a filter (run in the background), for the
        label under the filters; without one the label counts the loaded rows."""
        self._counter = count
        self._count_stale = True
        self._status_later()

    def set_choices(self, models: list[str], tags: list[str]) -> None:
        """Refill the model and tag choices, keeping the chosen ones that still exist."""
        changed = self._refill(self._model_combo, models)
        changed = self._refill(self._tag_combo, tags) or changed
        if changed:
            self._apply_filters()

    def focus_search(self) -> None:
        self._search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._search.selectAll()

    def clear_filters(self) -> None:
        self._search_later.cancel()
        for widget in (self._search, self._archived_button, *self._combos()):
            widget.blockSignals(True)
        try:
            self._search.clear()
            self._archived_button.setChecked(False)
            for combo in self._combos():
                combo.setCurrentIndex(0)
        finally:
            for widget in (self._search, self._archived_button, *self._combos()):
                widget.blockSignals(False)
        self._since = self._until = None
        self._drop_custom_range()
        self._apply_filters()

    def apply_filter(self, filters: ExperimentFilter) -> None:
        """Show what `filters` selects (from another window, e.g. a click in Insights):
        the choices are set to it, a model or tag the choices lack is added, and a date
        range the presets do not name shows as a range of its own."""
        from journal.core.ollama_service import normalise_model_name

        self._search_later.cancel()
        widgets = (self._search, self._archived_button, *self._combos())
        for widget in widgets:
            widget.blockSignals(True)
        try:
            self._search.setText(filters.search or "")
            if isinstance(filters, ListFilter):
                self._archived_button.setChecked(filters.show_archived)
            wanted = normalise_model_name(filters.model) if filters.model else None
            self._choose(
                self._model_combo, filters.model, lambda d: normalise_model_name(d) == wanted
            )
            self._choose(self._tag_combo, filters.tag, lambda d: d == filters.tag)
            verdict = filters.verdict.value if filters.verdict else None
            choice = UNRATED if filters.unrated else verdict
            self._verdict_combo.setCurrentIndex(max(self._verdict_combo.findData(choice), 0))
            self._since, self._until = filters.since, filters.until
            self._drop_custom_range()
            if filters.since is not None or filters.until is not None:
                self._date_combo.addItem(self._range_words(filters), CUSTOM_RANGE)
                self._date_combo.setCurrentIndex(self._date_combo.count() - 1)
            else:
                self._date_combo.setCurrentIndex(0)
        finally:
            for widget in widgets:
                widget.blockSignals(False)
        self._apply_filters()

    @staticmethod
    def _choose(combo: QComboBox, value: str | None, same: Callable[[str], bool]) -> None:
        """Select the item whose data is `same` as `value` (added when missing); the
        "Any" item for None."""
        if value is None:
            combo.setCurrentIndex(0)
            return
        for index in range(1, combo.count()):
            if same(combo.itemData(index)):
                combo.setCurrentIndex(index)
                return
        combo.addItem(value, value)
        combo.setCurrentIndex(combo.count() - 1)

    @staticmethod
    def _range_words(filters: ExperimentFilter) -> str:
        since = day_month_year(filters.since.astimezone()) if filters.since else ""
        until = day_month_year(filters.until.astimezone()) if filters.until else ""
        if since and until:
            return translate("list_panel", "{since} to {until}").format(since=since, until=until)
        if since:
            return translate("list_panel", "Since {since}").format(since=since)
        return translate("list_panel", "Before {until}").format(until=until)

    def _drop_custom_range(self) -> None:
        index = self._date_combo.findData(CUSTOM_RANGE)
        if index > 0:
            self._date_combo.removeItem(index)

    def current_experiment_id(self) -> int | None:
        index = self._view.selectionModel().currentIndex()
        if not index.isValid():
            return None
        value = index.data(ID_ROLE)
        return int(value) if value is not None else None

    def select_experiment(self, experiment_id: int) -> bool:
        """Make the experiment the current row, loading pages until it is found.

        Emits experiment_selected if it was not already the selected one. Returns False
        (and clears the selection) when it is not in the list, e.g. filtered out.
        """
        self._first_wanted = False
        row = self._model.fetch_until(experiment_id, self.MAX_ROWS_TO_FIND)
        if row is None:
            self._view.selectionModel().clear()
            self._emitted_id = None
            return False
        self._make_current(row)
        return True

    def select_first(self) -> None:
        """Make the first row current: now, or when the first page comes (it is read in
        the background)."""
        self._first_wanted = self._model.rowCount() == 0
        if not self._first_wanted:
            self._make_current(0)

    def _select_first_if_wanted(self) -> None:
        """After the first page came (a reset): an empty one leaves nothing to select."""
        wanted, self._first_wanted = self._first_wanted, False
        if wanted and self._model.rowCount() > 0 and self.current_experiment_id() is None:
            self._make_current(0)

    # -- filters ------------------------------------------------------------------------

    def _combos(self) -> tuple[QComboBox, ...]:
        return (self._model_combo, self._verdict_combo, self._tag_combo, self._date_combo)

    @staticmethod
    def _refill(combo: QComboBox, names: list[str]) -> bool:
        """Replace the names after the "Any" item; True if the chosen name disappeared."""
        chosen = combo.currentData()
        combo.blockSignals(True)
        try:
            while combo.count() > 1:
                combo.removeItem(combo.count() - 1)
            for name in names:
                combo.addItem(name, name)
            index = combo.findData(chosen) if chosen is not None else 0
            combo.setCurrentIndex(max(index, 0))
        finally:
            combo.blockSignals(False)
        return chosen is not None and combo.currentData() != chosen

    def _current_filter(self) -> ExperimentFilter:
        filters = ListFilter(
            model=self._model_combo.currentData(),
            tag=self._tag_combo.currentData(),
            search=self._search.text().strip() or None,
            since=self._since,
            until=self._until,
            show_archived=self._archived_button.isChecked(),
        )
        return with_verdict_choice(filters, self._verdict_combo.currentData())

    def _apply_filters(self) -> None:
        self._search_later.cancel()
        filters = self._current_filter()
        self._clear_button.setVisible(not filters.is_empty)
        if filters == self._model.filter():
            return
        self._model.set_filter(filters)
        self.filters_changed.emit(filters)

    @Slot(str)
    def _on_search_text_changed(self, _text: str) -> None:
        self._search_later()

    @Slot()
    def _on_search_return_pressed(self) -> None:
        self._apply_filters()

    @Slot(int)
    def _on_filter_combo_index_changed(self, _index: int) -> None:
        self._apply_filters()

    @Slot(int)
    def _on_date_combo_index_changed(self, _index: int) -> None:
        # Computed once per choice, so typing in the search box keeps the same filter.
        if self._date_combo.currentData() == CUSTOM_RANGE:
            return  # set with the range by apply_filter
        self._since, self._until = since_for(self._date_combo.currentData()), None
        self._drop_custom_range()
        self._apply_filters()

    @Slot(bool)
    def _on_archived_button_toggled(self, _checked: bool) -> None:
        self._apply_filters()

    @Slot()
    def _on_clear_button_clicked(self) -> None:
        self.clear_filters()
        self._view.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- selection ----------------------------------------------------------------------

    def _make_current(self, row: int) -> None:
        index = self._model.index(row, 0)
        flags = (
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows
        )
        self._view.selectionModel().setCurrentIndex(index, flags)
        self._view.scrollTo(index)

    @Slot(QModelIndex, QModelIndex)
    def _on_selection_current_row_changed(
        self, current: QModelIndex, _previous: QModelIndex
    ) -> None:
        if not current.isValid():
            return
        experiment_id = current.data(ID_ROLE)
        if experiment_id is None or experiment_id == self._emitted_id:
            return
        self._emitted_id = int(experiment_id)
        self.experiment_selected.emit(self._emitted_id)

    @Slot()
    def _on_model_about_to_be_reset(self) -> None:
        self._restore_id = self.current_experiment_id()

    @Slot()
    def _on_model_reset(self) -> None:
        restore, self._restore_id = self._restore_id, None
        row = self._model.row_of(restore) if restore is not None else None
        if row is not None:
            self._make_current(row)  # the same experiment: nothing is emitted
        self._select_first_if_wanted()
        self._update_empty_state()
        self._status_later()

    @Slot()
    def _on_model_rows_changed(self) -> None:
        self._update_empty_state()
        self._status_later()

    @Slot()
    def _on_model_contents_edited(self) -> None:
        self._count_stale = True
        self._status_later()

    @Slot(object)
    def _on_model_load_failed(self, error: JournalError) -> None:
        if self._model.rowCount() == 0:
            unread = translate("list_panel", "The journal could not be read.")
            self._show_empty_state(f"{unread}\n{error_text(error)}")

    # -- empty state and count ----------------------------------------------------------

    def _update_empty_state(self) -> None:
        if self._model.rowCount() > 0 or not self._model.has_fetcher():
            if self._empty_label is not None:
                self._empty_label.hide()
            return
        filtered = not self._model.filter().is_empty
        self._show_empty_state(
            translate("list_panel", EMPTY_FILTERED if filtered else EMPTY_JOURNAL)
        )

    def _show_empty_state(self, text: str) -> None:
        if self._empty_label is None:
            viewport = self._view.viewport()
            label = QLabel(viewport)
            label.setObjectName("empty-state")
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
            label.setWordWrap(True)
            label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            label.setGeometry(viewport.rect().adjusted(16, 16, -16, -16))
            viewport.installEventFilter(self)
            self._empty_label, self._viewport = label, viewport
        self._empty_label.setText(text)
        self._empty_label.show()

    def empty_message(self) -> str | None:
        """The text shown over an empty list, or None when rows (or nothing yet) show."""
        label = self._empty_label
        return None if label is None or label.isHidden() else label.text()

    def count_text(self) -> str:
        return self._count_label.text()

    @staticmethod
    def _count_words(n: int, filtered: bool, more: bool = False) -> str:
        if filtered and more:
            text = translate("list_panel", "%Ln+ matching", None, n)
        elif filtered:
            text = translate("list_panel", "%Ln matching", None, n)
        elif more:
            text = translate("list_panel", "%Ln+ experiment(s)", None, n)
        else:
            text = translate("list_panel", "%Ln experiment(s)", None, n)
        return text

    @Slot()
    def _update_status(self) -> None:
        filters = self._model.filter()
        if not self._model.has_fetcher():
            self._count_label.clear()
            return
        if self._counter is None:
            more = self._model.canFetchMore(QModelIndex())
            text = self._count_words(self._model.rowCount(), not filters.is_empty, more)
            self._count_label.setText(text)
            return
        if not self._count_stale and filters == self._counted:
            return
        self._count_stale = False
        self._counted = filters
        if self._count_task is not None:
            self._count_task.cancel()
        counter = self._counter
        self._count_task = run_in_background(
            lambda: counter(filters),
            partial(self._on_count_finished, filters),
            self._on_count_failed,
        )

    def _on_count_finished(self, filters: ExperimentFilter, count: int) -> None:
        if not isValid(self._count_label) or filters != self._model.filter():
            return
        self._count_task = None
        self._count_label.setText(self._count_words(count, not filters.is_empty))

    def _on_count_failed(self, _error: JournalError) -> None:
        if isValid(self._count_label):
            self._count_task = None
            self._count_label.clear()
            self._count_stale = True

    # -- events -------------------------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if watched is self._viewport and event.type() == QEvent.Type.Resize:
            assert self._empty_label is not None and self._viewport is not None
            self._empty_label.setGeometry(self._viewport.rect().adjusted(16, 16, -16, -16))
        elif watched is self._search and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.key() == Qt.Key.Key_Down and self._model.rowCount() > 0:
                if self.current_experiment_id() is None:
                    self.select_first()
                self._view.setFocus(Qt.FocusReason.TabFocusReason)
                return True
            if event.key() == Qt.Key.Key_Escape and self._search.text():
                self._search.clear()
                self._apply_filters()
                return True
        return super().eventFilter(watched, event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.PaletteChange:
            self._search_action.setIcon(_search_icon(self.palette()))
        super().changeEvent(event)
