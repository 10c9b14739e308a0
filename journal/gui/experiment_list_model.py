"""The journal list as a Qt model: pages of experiments loaded newest first, only as scrolled."""

from __future__ import annotations

import bisect
import enum
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from functools import lru_cache, partial
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QFont, QGuiApplication, QIcon, QPainter, QPalette, QPen, QPixmap

from journal.core.domain import ExperimentFilter, ExperimentSummary, Verdict
from journal.core.errors import JournalError
from journal.gui.table_style import VERDICT_COLOURS, read_only_flags
from journal.gui.translating import QT_TRANSLATE_NOOP, day_month_time

translate = QCoreApplication.translate

# (filters, before_id, limit) -> summaries with id < before_id, newest (highest id) first.
PageFetcher = Callable[[ExperimentFilter, int | None, int], list[ExperimentSummary]]
# (work, on_done, on_error, owner): runs a blocking read on a pool thread and brings its
# outcome back to the GUI thread (AppContext.read_list); without one, reads run inline.
Background = Callable[
    [Callable[[], Any], Callable[[Any], None], Callable[[JournalError], None], QObject], object
]
AnyIndex = QModelIndex | QPersistentModelIndex

ID_ROLE = Qt.ItemDataRole.UserRole
SUMMARY_ROLE = Qt.ItemDataRole.UserRole + 1

VERDICT_LABELS = {
    Verdict.WORKED: QT_TRANSLATE_NOOP("experiment_list_model", "Worked"),
    Verdict.PARTLY: QT_TRANSLATE_NOOP("experiment_list_model", "Partly"),
    Verdict.FAILED: QT_TRANSLATE_NOOP("experiment_list_model", "Failed"),
}
UNTITLED = QT_TRANSLATE_NOOP("experiment_list_model", "(untitled)")
STANDING_LABELS = {
    Verdict.WORKED: QT_TRANSLATE_NOOP("experiment_list_model", "worked"),
    Verdict.PARTLY: QT_TRANSLATE_NOOP("experiment_list_model", "partly"),
    Verdict.FAILED: QT_TRANSLATE_NOOP("experiment_list_model", "failed"),
}


class Column(enum.IntEnum):
    TITLE = 0
    MODEL = 1
    VERDICT = 2
    PASS_RATE = 3
    RUNS = 4
    DATE = 5


HEADERS = {
    Column.TITLE: QT_TRANSLATE_NOOP("experiment_list_model", "Title"),
    Column.MODEL: QT_TRANSLATE_NOOP("experiment_list_model", "Last model"),
    Column.VERDICT: QT_TRANSLATE_NOOP("experiment_list_model", "Worked"),
    Column.PASS_RATE: QT_TRANSLATE_NOOP("experiment_list_model", "Passes"),
    Column.RUNS: QT_TRANSLATE_NOOP("experiment_list_model", "Runs"),
    Column.DATE: QT_TRANSLATE_NOOP("experiment_list_model", "Date"),
}

HEADER_TIPS = {
    Column.VERDICT: QT_TRANSLATE_NOOP(
        "experiment_list_model",
        "On how many of the models tried it worked: each model counts by its "
        "latest verdict (yours, on its newest judged run). Hover a row for each model. "
        "The verdict filter means the same.",
    ),
    Column.PASS_RATE: QT_TRANSLATE_NOOP(
        "experiment_list_model",
        "How many of the runs on the last model pass the experiment's "
        "expectations (your verdict counts over the grades); — when it has none. "
        "A half-and-half dot: worked only some of the time.",
    ),
}

_icons: dict[Verdict, QIcon] = {}
_sometimes_icons: list[QIcon] = []
_unrated_icons: list[QIcon] = []


def verdict_icon(verdict: Verdict) -> QIcon:
    """A small filled dot in the verdict's colour (needs a QGuiApplication)."""
    icon = _icons.get(verdict)
    if icon is None:
        icon = QIcon()
        for size in (16, 32, 48):
            pixmap = QPixmap(size, size)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(VERDICT_COLOURS[verdict])
            diameter = size * 0.56
            offset = (size - diameter) / 2
            painter.drawEllipse(QRectF(offset, offset, diameter, diameter))
            painter.end()
            icon.addPixmap(pixmap)
        _icons[verdict] = icon
    return icon


def sometimes_icon() -> QIcon:
    """A dot half in the worked colour, half in the failed one: "worked only some of the
    time" (needs a QGuiApplication)."""
    if not _sometimes_icons:
        icon = QIcon()
        for size in (16, 32, 48):
            pixmap = QPixmap(size, size)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(Qt.PenStyle.NoPen)
            diameter = size * 0.56
            offset = (size - diameter) / 2
            circle = QRectF(offset, offset, diameter, diameter)
            for verdict, start in ((Verdict.WORKED, 90), (Verdict.FAILED, 270)):
                painter.setBrush(VERDICT_COLOURS[verdict])
                painter.drawPie(circle, start * 16, 180 * 16)
            painter.end()
            icon.addPixmap(pixmap)
        _sometimes_icons.append(icon)
    return _sometimes_icons[0]


def unrated_icon() -> QIcon:
    """A hollow ring in the placeholder colour: finished runs not judged yet (needs a
    QGuiApplication)."""
    if not _unrated_icons:
        icon = QIcon()
        colour = QGuiApplication.palette().color(QPalette.ColorRole.PlaceholderText)
        for size in (16, 32, 48):
            pixmap = QPixmap(size, size)
            pixmap.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pixmap)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            pen_width = max(1.0, size / 10)
            painter.setPen(QPen(colour, pen_width))
            diameter = size * 0.56 - pen_width
            offset = (size - diameter) / 2
            painter.drawEllipse(QRectF(offset, offset, diameter, diameter))
            painter.end()
            icon.addPixmap(pixmap)
        _unrated_icons.append(icon)
    return _unrated_icons[0]


def standings_icon(summary: ExperimentSummary) -> QIcon | None:
    """Worked on every model tried (green dot), on some (half dot), on none judged so far
    (the best verdict's dot: partly or failed), or none judged yet (a ring)."""
    tried, worked, judged = len(summary.standings), summary.models_worked, summary.models_judged
    if not tried:
        return None
    if not judged:
        return unrated_icon()
    if worked == tried:
        return verdict_icon(Verdict.WORKED)
    if worked:
        return sometimes_icon()
    partly = any(verdict is Verdict.PARTLY for _, verdict in summary.standings)
    return verdict_icon(Verdict.PARTLY if partly else Verdict.FAILED)


def standings_text(summary: ExperimentSummary) -> str:
    """`2 of 3`: worked on 2 of the 3 models tried; `—` while none is judged yet."""
    if not summary.standings:
        return ""
    if not summary.models_judged:
        return "—"
    return translate("experiment_list_model", "{worked} of {tried}").format(
        worked=summary.models_worked, tried=len(summary.standings)
    )


def standings_tooltip(summary: ExperimentSummary) -> str:
    """`Worked on 2 of 3 models` then each model and its standing, one a line."""
    if not summary.standings:
        if summary.run_count:
            return translate("experiment_list_model", "No finished runs yet")
        return translate("experiment_list_model", "No runs yet")
    lines = [_standings_heading(summary)]
    lines += [
        translate("experiment_list_model", "{model}: {standing}").format(
            model=model, standing=_standing_label(verdict)
        )
        for model, verdict in summary.standings
    ]
    return "\n".join(lines)


def _standings_heading(summary: ExperimentSummary) -> str:
    """`Worked on 2 of 3 models`, `Worked on 1 of 2 models (1 not judged yet)`, `Not judged
    yet (2 models)`: the window's words for the CLI's describe_standings."""
    tried = len(summary.standings)
    waiting = sum(verdict is None for _, verdict in summary.standings)
    if waiting == tried:
        return translate("experiment_list_model", "Not judged yet (%n model(s))", None, tried)
    worked = sum(verdict is Verdict.WORKED for _, verdict in summary.standings)
    heading = translate("experiment_list_model", "Worked on {worked} of %n model(s)", None, tried)
    heading = heading.format(worked=worked)
    if not waiting:
        return heading
    return translate("experiment_list_model", "{heading} ({waiting} not judged yet)").format(
        heading=heading, waiting=waiting
    )


def _standing_label(verdict: Verdict | None) -> str:
    if verdict is None:
        return translate("experiment_list_model", "not judged yet")
    return translate("experiment_list_model", STANDING_LABELS[verdict])


def format_date(iso: str, now: datetime | None = None) -> tuple[str, str]:
    """(short, full) local-time texts for a stored timestamp: `27 Nov 14:05` within the
    current year, `2025-03-01` before it; the full form is ISO 8601 for the tooltip."""
    now = now or datetime.now().astimezone()
    return _format_date(iso, now.year, QLocale().name())


@lru_cache(maxsize=8192)
def _format_date(iso: str, this_year: int, language: str) -> tuple[str, str]:
    # `language` keys the cache: the same moment reads otherwise in another language.
    try:
        moment = datetime.fromisoformat(iso)
    except ValueError:
        return iso, iso
    local = moment.astimezone()
    full = local.isoformat(sep=" ", timespec="seconds")
    if local.year == this_year:
        return day_month_time(local), full
    return f"{local:%Y-%m-%d}", full


class ExperimentListModel(QAbstractTableModel):
    """Experiments newest first, fetched a page at a time through a callable.

    Rows are always ordered by descending id (the fetcher's contract), which makes keyset
    paging, `row_of` (a binary search) and `upsert` cheap at 100,000 rows.

    With a `background` runner (the window's) every read runs on a pool thread: asking
    returns at once and the rows arrive later. Each answer carries the generation it was
    asked in; a new filter or fetcher starts a new one, so a page asked for an older filter
    is dropped (and, still queued, not even read). Without one (tests, tools) reads run
    inline, with the same code.
    """

    load_failed = Signal(object)  # the JournalError raised by the fetcher
    contents_edited = Signal()  # rows changed other than by paging: upsert, remove, refresh

    def __init__(
        self,
        fetch_page: PageFetcher | None = None,
        page_size: int = 200,
        parent: QObject | None = None,
        background: Background | None = None,
    ) -> None:
        super().__init__(parent)
        self._fetch_page = fetch_page
        self._background = background
        self._page_size = max(1, page_size)
        self._filter = ExperimentFilter()
        self._rows: list[ExperimentSummary] = []
        self._exhausted = fetch_page is None
        self._generation = _Generation()
        self._loading = False  # a first page or a next one is on its way: no other fetchMore
        self._reloading = False  # the rows are the last filter's until the first page comes
        self._busy = False  # set while changing rows: no nested fetchMore
        self._settling = False  # rows changed: the view lays them out before asking for more
        # Rows shown or taken away while a first page is on its way, which may have been
        # read before the change was written: made again on that page when it comes.
        self._edits_meanwhile: list[ExperimentSummary | int] = []
        if fetch_page is not None:
            self._reload(self._page_size)

    # -- configuration ------------------------------------------------------------------

    def set_fetcher(
        self,
        fetch_page: PageFetcher | None,
        background: Background | None = None,
        first_page: list[ExperimentSummary] | None = None,
    ) -> None:
        """Start (or stop, with None) reading from storage; loads the first page, or shows
        `first_page` (read already with the current filter and page size)."""
        self._fetch_page = fetch_page
        self._background = background
        if first_page is None or fetch_page is None:
            if fetch_page is not None:
                self._clear()  # the old source's rows go at once (without one, _reload clears)
            self._reload(self._page_size)
        else:
            self._generation.value += 1
            self._loading = self._reloading = False
            self._show_first_page(first_page, self._page_size)

    def has_fetcher(self) -> bool:
        return self._fetch_page is not None

    def set_filter(self, filters: ExperimentFilter) -> None:
        self._filter = filters
        self._reload(self._page_size)

    def filter(self) -> ExperimentFilter:
        return self._filter

    def page_size(self) -> int:
        return self._page_size

    @contextmanager
    def _changing(self) -> Iterator[None]:
        """Guard a fetch or a change of rows: views (and model testers) react to row signals
        by calling fetchMore, which must not start another fetch in the middle of this one."""
        outer = self._busy
        self._busy = True
        try:
            yield
        finally:
            self._busy = outer
            if not outer and self._background is not None:
                self._settle()

    def _settle(self) -> None:
        """Ask for no page until the view has laid the new rows out.

        QTreeView lays its rows out again after every insertion at the top level, and each
        layout asks for one more page unasked (qtreeview.cpp, QTreeViewPrivate::layout).
        When a page came at once, that made one page more; with pages arriving later, each
        arrival would ask for the next, down to the last of 100,000 rows. The view's own
        checks after the layout (is the last row on screen? has the person scrolled to the
        end?) still ask, once this zero-timer, queued after the layout's, has run.
        """
        if not self._settling:
            self._settling = True
            QTimer.singleShot(0, self, self._settled)

    def _settled(self) -> None:
        self._settling = False

    # -- reading rows -------------------------------------------------------------------

    def summary(self, row: int) -> ExperimentSummary:
        return self._rows[row]

    def row_of(self, experiment_id: int) -> int | None:
        row = self._position_of(experiment_id)
        if row < len(self._rows) and self._rows[row].id == experiment_id:
            return row
        return None

    def _position_of(self, experiment_id: int) -> int:
        return bisect.bisect_left(self._rows, -experiment_id, key=lambda summary: -summary.id)

    # -- changes made elsewhere in the window -------------------------------------------

    def refresh(self) -> None:
        """Reload with the current filter, keeping as many rows loaded as now.

        Rows are merged rather than reset, so the view keeps its selection and scroll
        position when, say, one title changed.
        """
        if self._fetch_page is None:
            return
        filters, limit = self._filter, self.refresh_limit()

        def merge(page: list[ExperimentSummary]) -> None:
            self.apply_refresh(filters, page, limit)

        self._request(None, limit, merge)

    def refresh_limit(self) -> int:
        """How many rows a refresh reads: as many as are loaded, at least a page."""
        return max(self._page_size, len(self._rows))

    def apply_refresh(
        self, filters: ExperimentFilter, page: list[ExperimentSummary], limit: int
    ) -> bool:
        """Merge the newest `limit` rows, read (maybe in the background) with `filters`;
        False, changing nothing, when the filter changed meanwhile.

        Rows paged in since the read, older than all of it, stay: a person scrolling
        down while the list refreshes does not lose them.
        """
        if filters != self._filter or self._fetch_page is None:
            return False
        with self._changing():
            full = len(page) >= limit
            older = [row for row in self._rows if row.id < page[-1].id] if full and page else []
            self._merge(page + older)
            if not older:
                self._exhausted = not full
        self.contents_edited.emit()
        return True

    def upsert(self, summary: ExperimentSummary) -> None:
        """Show a new or changed experiment without reloading.

        A new experiment newer than every loaded row goes to the top even when a filter is
        active: the person just made it and expects to see it. One older than the loaded
        rows is left for paging to bring.
        """
        if self._reloading:
            self._edits_meanwhile.append(summary)
        with self._changing():
            row = self.row_of(summary.id)
            if row is not None:
                self._rows[row] = summary
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(Column) - 1))
            else:
                row = self._position_of(summary.id)
                if row == len(self._rows) and self._rows and not self._exhausted:
                    return
                self.beginInsertRows(QModelIndex(), row, row)
                self._rows.insert(row, summary)
                self.endInsertRows()
        self.contents_edited.emit()

    def remove(self, experiment_id: int) -> None:
        if self._reloading:
            self._edits_meanwhile.append(experiment_id)
        row = self.row_of(experiment_id)
        if row is None:
            return
        with self._changing():
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()
        self.contents_edited.emit()

    # -- Qt model interface -------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(Column)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        return read_only_flags(index)

    def headerData(  # noqa: N802
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return translate("experiment_list_model", HEADERS[Column(section)])
        if role == Qt.ItemDataRole.ToolTipRole:
            tip = HEADER_TIPS.get(Column(section))
            return translate("experiment_list_model", tip) if tip else None
        if role == Qt.ItemDataRole.TextAlignmentRole and section == Column.RUNS:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.parent().isValid():
            return None
        row, column = index.row(), index.column()
        if not 0 <= row < len(self._rows) or not 0 <= column < len(Column):
            return None
        summary = self._rows[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(summary, Column(column))
        if role == ID_ROLE:
            return summary.id
        if role == SUMMARY_ROLE:
            return summary
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(summary, Column(column))
        if role == Qt.ItemDataRole.ForegroundRole and summary.archived:  # put away: muted
            return QGuiApplication.palette().brush(QPalette.ColorRole.PlaceholderText)
        if column == Column.TITLE and not summary.title.strip():
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setItalic(True)
                return font
            if role == Qt.ItemDataRole.ForegroundRole:
                return QGuiApplication.palette().brush(QPalette.ColorRole.PlaceholderText)
        if role == Qt.ItemDataRole.DecorationRole and column == Column.VERDICT:
            return standings_icon(summary)
        if role == Qt.ItemDataRole.DecorationRole and column == Column.PASS_RATE:
            rate = summary.pass_rate
            return sometimes_icon() if rate is not None and rate.sometimes else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Column.RUNS:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    @staticmethod
    def _display(summary: ExperimentSummary, column: Column) -> Any:
        if column == Column.TITLE:
            return " ".join(summary.title.split()) or translate("experiment_list_model", UNTITLED)
        if column == Column.MODEL:
            return summary.last_model or ""
        if column == Column.VERDICT:
            return standings_text(summary)
        if column == Column.PASS_RATE:
            return summary.pass_rate.fraction if summary.pass_rate is not None else ""
        if column == Column.RUNS:
            return summary.run_count
        return format_date(summary.created_at)[0]

    @staticmethod
    def _tooltip(summary: ExperimentSummary, column: Column) -> str | None:
        if column == Column.TITLE:
            lines = [summary.title.strip() or translate("experiment_list_model", UNTITLED)]
            if summary.archived:
                archived = translate("experiment_list_model", "{title} (archived)")
                lines[0] = archived.format(title=lines[0])
            if summary.tags:
                tags = translate("experiment_list_model", "Tags: {tags}")
                lines.append(tags.format(tags=", ".join(summary.tags)))
            return "\n".join(lines)
        if column == Column.DATE:
            created = translate("experiment_list_model", "Created {date}")
            return created.format(date=format_date(summary.created_at)[1])
        if column == Column.VERDICT:
            return standings_tooltip(summary)
        if column == Column.PASS_RATE and summary.pass_rate is not None:
            return summary.pass_rate.description
        if column == Column.MODEL and summary.last_run_at:
            last = translate("experiment_list_model", "{model}, last run {date}")
            return last.format(model=summary.last_model, date=format_date(summary.last_run_at)[1])
        return None

    # -- paging -------------------------------------------------------------------------

    def canFetchMore(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008, N802
        if parent.isValid() or self._loading or self._busy or self._settling:
            return False
        return self._fetch_page is not None and not self._exhausted

    def fetchMore(self, parent: AnyIndex = QModelIndex()) -> None:  # noqa: B008, N802
        """Ask for the next page; it is appended when it comes (one request at a time)."""
        if parent.isValid() or not self.canFetchMore(parent):
            return
        self._loading = True
        before = self._rows[-1].id if self._rows else None
        limit = self._page_size
        self._request(before, limit, lambda page: self._take_next_page(page, limit))

    def fetch_until(self, experiment_id: int, max_rows: int = 100_000) -> int | None:
        """Load pages until `experiment_id` is among the rows; its row, or None.

        Rows come in descending id order, so once the loaded rows pass below the id it is
        known not to match the filter and loading stops. Pages double in size so reaching
        an old experiment takes a few queries, not hundreds. The one read that waits, on
        the GUI thread: the caller selects the row next (opening a run found elsewhere).
        """
        limit = self._page_size
        while (row := self.row_of(experiment_id)) is None:
            if self._loading:
                self._read_now()
            if not self.canFetchMore() or len(self._rows) >= max_rows:
                return None
            if self._rows and self._rows[-1].id < experiment_id:
                return None
            self._loading = True
            size = min(limit, max_rows - len(self._rows))
            before = self._rows[-1].id if self._rows else None
            self._request(before, size, partial(self._take_next_page, limit=size), now=True)
            limit = min(limit * 2, 10_000)
        return row

    def _read_now(self) -> None:
        """Drop the answer on its way and read what it would have brought, inline."""
        self._generation.value += 1
        self._loading = False
        if self._reloading:
            self._reload(self._page_size, now=True)

    def _take_next_page(self, page: list[ExperimentSummary], limit: int) -> None:
        self._loading = False
        self._exhausted = len(page) < limit
        if self._rows:  # rows merged in by a refresh meanwhile are not added twice
            last = self._rows[-1].id
            page = [summary for summary in page if summary.id < last]
        with self._changing():
            self._append_page(page)

    def _append_page(self, page: list[ExperimentSummary]) -> None:
        n = len(page)
        if n <= 0:
            return
        start = len(self._rows)
        self.beginInsertRows(QModelIndex(), start, start + n - 1)
        self._rows.extend(page)
        self.endInsertRows()

    def _request(
        self,
        before_id: int | None,
        limit: int,
        on_page: Callable[[list[ExperimentSummary]], None],
        now: bool = False,
    ) -> None:
        """Read a page (in the background, unless `now` or without a runner) and hand it
        to `on_page` if no new filter or fetcher came meanwhile; a failure is reported."""
        fetch, filters = self._fetch_page, self._filter
        assert fetch is not None
        current, generation = self._generation, self._generation.value

        def read() -> list[ExperimentSummary] | None:
            if current.value != generation:  # asked again since: not worth reading
                return None
            return fetch(filters, before_id, limit)

        def done(page: list[ExperimentSummary] | None) -> None:
            if page is not None and current.value == generation:
                on_page(page)

        def failed(error: JournalError) -> None:
            if current.value == generation:
                self._failed(error)

        if self._background is None or now:
            try:
                page = read()
            except JournalError as error:
                failed(error)
            else:
                done(page)
        else:
            self._background(read, done, failed, self)

    def _failed(self, error: JournalError) -> None:
        """Stop views asking again (refresh or set_filter retries) and say why; a first
        page that failed leaves no rows of the filter before."""
        self._loading = False
        self._exhausted = True
        if self._reloading:
            self._reloading = False
            self._clear()
        self.load_failed.emit(error)

    def _reload(self, limit: int, now: bool = False) -> None:
        """Read the first page for the current filter; until it comes the rows stay."""
        self._generation.value += 1
        self._edits_meanwhile = []
        if self._fetch_page is None:
            self._loading = self._reloading = False
            self._clear()
            return
        self._loading = self._reloading = True
        self._request(None, limit, lambda page: self._show_first_page(page, limit), now)

    def _show_first_page(self, page: list[ExperimentSummary], limit: int) -> None:
        self._loading = self._reloading = False
        with self._changing():
            self.beginResetModel()
            self._rows = list(page)
            self._exhausted = len(page) < limit
            self.endResetModel()
        edits, self._edits_meanwhile = self._edits_meanwhile, []
        for edit in edits:  # in the order made: the last word on an experiment wins
            if isinstance(edit, int):
                self.remove(edit)
            else:
                self.upsert(edit)

    def _clear(self) -> None:
        with self._changing():
            self.beginResetModel()
            self._rows = []
            self._exhausted = True
            self.endResetModel()

    def _merge(self, new: list[ExperimentSummary]) -> None:
        """Turn the rows into `new` with row removals and insertions, then refresh data."""
        root = QModelIndex()
        new_ids = {summary.id for summary in new}
        row = len(self._rows) - 1
        while row >= 0:
            if self._rows[row].id in new_ids:
                row -= 1
                continue
            last = row
            while row >= 0 and self._rows[row].id not in new_ids:
                row -= 1
            self.beginRemoveRows(root, row + 1, last)
            del self._rows[row + 1 : last + 1]
            self.endRemoveRows()
        # What is left is an ordered subsequence of `new`: insert the gaps, top down.
        row = 0
        i = 0
        while i < len(new):
            if row < len(self._rows) and self._rows[row].id == new[i].id:
                row += 1
                i += 1
                continue
            next_kept = self._rows[row].id if row < len(self._rows) else None
            j = i
            while j < len(new) and new[j].id != next_kept:
                j += 1
            self.beginInsertRows(root, row, row + (j - i) - 1)
            self._rows[row:row] = new[i:j]
            self.endInsertRows()
            row += j - i
            i = j
        # Only the rows whose contents changed are repainted (at most one span of them).
        changed = [
            row
            for row, (old, summary) in enumerate(zip(self._rows, new, strict=True))
            if old != summary
        ]
        self._rows[:] = new
        if changed:
            self.dataChanged.emit(
                self.index(changed[0], 0), self.index(changed[-1], len(Column) - 1)
            )


class _Generation:
    """Which request is current: a plain counter a pool thread may read (never a QObject's
    attribute, which may be gone by then)."""

    def __init__(self) -> None:
        self.value = 0
