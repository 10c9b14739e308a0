"""The journal list: paging through a real journal, search and filters, selection, edits."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFont, QIcon
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QToolButton
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from journal.core.domain import ExperimentFilter, ExperimentSummary
from journal.core.errors import StorageError
from journal.core.models import Run, Verdict
from journal.core.queries import (
    count_experiments,
    create_experiment,
    delete_experiment,
    list_experiments,
    update_experiment,
)
from journal.core.storage import Journal
from journal.gui.experiment_list_model import (
    ID_ROLE,
    Column,
    ExperimentListModel,
    PageFetcher,
    format_date,
)
from journal.gui.i18n import install_language, remove_language
from journal.gui.list_panel import EMPTY_FILTERED, EMPTY_JOURNAL, ListPanel

# The model draws verdict dots, which needs a QGuiApplication even without a view.
pytestmark = pytest.mark.usefixtures("qapp")

MODELS = ("llama3:8b", "qwen3:0.6b", "mistral:7b")
VERDICTS = (Verdict.WORKED, Verdict.PARTLY, Verdict.FAILED, None)
OLD = datetime(2020, 5, 17, 9, 30, tzinfo=UTC)


def _fill(journal: Journal, count: int, *, runs: bool = True) -> list[int]:
    """`count` experiments, oldest first. Experiment n (from 0) has no runs if n % 5 == 4,
    else 1 + n % 2 runs of model MODELS[n % 3], the last rated VERDICTS[n % 4]; every tenth
    mentions a zebra in its hypothesis; the first three were made in 2020; number 7 is
    untitled; odd ones are tagged poetry, even ones json."""
    ids = []
    with journal.write() as session:
        for n in range(count):
            experiment = create_experiment(
                session,
                title="" if n == 7 else f"Experiment {n}",
                hypothesis="zebra stripes" if n % 10 == 0 else "",
                tags=["poetry" if n % 2 else "json"],
            )
            if n < 3:
                experiment.created_at = OLD
            session.add(experiment)
            session.flush()
            assert experiment.id is not None
            ids.append(experiment.id)
            run_count = 0 if n % 5 == 4 or not runs else 1 + n % 2
            for k in range(run_count):
                last = k == run_count - 1
                session.add(
                    Run(
                        experiment_id=experiment.id,
                        model=MODELS[n % 3],
                        response="an answer",
                        verdict=VERDICTS[n % 4] if last else None,
                    )
                )
    return ids


def _fetcher(journal: Journal, calls: list[int | None] | None = None) -> PageFetcher:
    def fetch(filters: ExperimentFilter, before: int | None, n: int) -> list[ExperimentSummary]:
        if calls is not None:
            calls.append(before)
        with journal.read() as s:
            return list_experiments(s, filters, limit=n, before_id=before)

    return fetch


def _counter(journal: Journal) -> Callable[[ExperimentFilter], int]:
    def count(filters: ExperimentFilter) -> int:
        with journal.read() as s:
            return count_experiments(s, filters)

    return count


def _check(qtmodeltester: ModelTester, model: ExperimentListModel) -> None:
    """qtmodeltester.check, with the type pytest-qt does not declare."""
    check: Callable[[ExperimentListModel], None] = qtmodeltester.check
    check(model)


def _ids(model: ExperimentListModel) -> list[int]:
    return [model.summary(row).id for row in range(model.rowCount())]


def _panel(
    qtbot: QtBot, journal: Journal, *, counter: bool = False, page_size: int = 200
) -> ListPanel:
    panel = ListPanel(ExperimentListModel(page_size=page_size))
    qtbot.addWidget(panel)
    panel.resize(460, 640)
    panel.model().set_fetcher(_fetcher(journal))
    if counter:
        panel.set_counter(_counter(journal))
    return panel


def _combo(panel: ListPanel, name: str) -> QComboBox:
    combo = panel.findChild(QComboBox, name)
    assert combo is not None
    return combo


def _search_box(panel: ListPanel) -> QLineEdit:
    box = panel.findChild(QLineEdit, "search")
    assert box is not None
    return box


def _choose(combo: QComboBox, text: str) -> None:
    index = combo.findText(text)
    assert index >= 0, text
    combo.setCurrentIndex(index)


# -- the model --------------------------------------------------------------------------


def test_pages_load_newest_first_without_duplicates(
    journal: Journal, qtmodeltester: ModelTester
) -> None:
    ids = _fill(journal, 450, runs=False)
    calls: list[int | None] = []
    model = ExperimentListModel(_fetcher(journal, calls))
    assert model.rowCount() == 200
    assert _ids(model) == sorted(ids, reverse=True)[:200]
    assert model.canFetchMore(QModelIndex())
    assert not model.canFetchMore(model.index(0, 0))

    model.fetchMore(QModelIndex())
    assert model.rowCount() == 400
    assert calls == [None, ids[-200]]  # keyset: the next page starts below the last id
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 450
    assert not model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert len(calls) == 3
    assert _ids(model) == sorted(ids, reverse=True)
    _check(qtmodeltester, model)

    model.set_filter(ExperimentFilter(tag="json"))
    assert model.rowCount() == 200
    assert all(model.summary(row).tags == ["json"] for row in range(200))
    _check(qtmodeltester, model)  # the tester may page on its own
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == 225
    assert len(set(_ids(model))) == 225
    _check(qtmodeltester, model)


def test_fetch_more_while_fetching_does_nothing(journal: Journal) -> None:
    _fill(journal, 30, runs=False)
    fetch = _fetcher(journal)
    calls: list[int | None] = []
    model = ExperimentListModel(page_size=10)

    def reentrant(filters: ExperimentFilter, before: int | None, n: int) -> list[ExperimentSummary]:
        calls.append(before)
        assert not model.canFetchMore(QModelIndex())
        model.fetchMore(QModelIndex())  # a view asking again mid-fetch
        return fetch(filters, before, n)

    model.set_fetcher(reentrant)
    model.fetchMore(QModelIndex())
    assert len(calls) == 2
    assert model.rowCount() == 20


def test_without_a_fetcher_the_model_is_empty(qtmodeltester: ModelTester) -> None:
    model = ExperimentListModel()
    assert model.rowCount() == 0
    assert not model.canFetchMore(QModelIndex())
    model.set_filter(ExperimentFilter(search="x"))
    assert model.rowCount() == 0
    _check(qtmodeltester, model)


def test_taking_the_fetcher_away_empties_the_list_in_one_reset(journal: Journal) -> None:
    _fill(journal, 3, runs=False)
    model = ExperimentListModel(page_size=10)
    model.set_fetcher(_fetcher(journal))
    assert model.rowCount() == 3
    resets: list[int] = []
    model.modelReset.connect(lambda: resets.append(model.rowCount()))
    model.set_fetcher(None)
    assert resets == [0]
    assert not model.has_fetcher()
    assert not model.canFetchMore(QModelIndex())


def test_columns_show_what_a_person_reads(journal: Journal, qtmodeltester: ModelTester) -> None:
    ids = _fill(journal, 10)
    model = ExperimentListModel(_fetcher(journal))
    _check(qtmodeltester, model)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(6)]
    assert headers == ["Title", "Last model", "Worked", "Passes", "Runs", "Date"]

    def cell(experiment: int, column: Column, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        row = model.row_of(ids[experiment])
        assert row is not None
        return model.index(row, column).data(role)

    assert cell(5, Column.TITLE) == "Experiment 5"
    assert cell(5, Column.TITLE, ID_ROLE) == ids[5]
    assert cell(5, Column.MODEL) == "mistral:7b"
    assert cell(5, Column.VERDICT) == "0 of 1"  # partly on its one model
    assert isinstance(cell(5, Column.VERDICT, Qt.ItemDataRole.DecorationRole), QIcon)
    assert cell(5, Column.RUNS) == 2
    alignment = cell(5, Column.RUNS, Qt.ItemDataRole.TextAlignmentRole)
    assert isinstance(alignment, Qt.AlignmentFlag)
    assert alignment & Qt.AlignmentFlag.AlignRight
    assert cell(4, Column.MODEL) == ""  # no runs
    assert cell(3, Column.VERDICT) == ""  # no finished run
    assert cell(3, Column.VERDICT, Qt.ItemDataRole.DecorationRole) is None

    assert cell(7, Column.TITLE) == "(untitled)"
    font = cell(7, Column.TITLE, Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont) and font.italic()
    assert cell(5, Column.TITLE, Qt.ItemDataRole.FontRole) is None

    assert cell(0, Column.DATE) == format_date(OLD.isoformat())[0]
    assert str(cell(0, Column.DATE, Qt.ItemDataRole.ToolTipRole)).startswith("Created 2020-05-17")


def test_dates_are_short_this_year_and_iso_before() -> None:
    now = datetime.now().astimezone()
    this_year = now.replace(month=3, day=9, hour=14, minute=5)
    short, full = format_date(this_year.isoformat(), now)
    assert short == f"9 {this_year:%b} 14:05"
    assert full.startswith(f"{now.year}-03-09 14:05")
    older = this_year.replace(year=now.year - 1)
    assert format_date(older.isoformat(), now)[0] == f"{now.year - 1}-03-09"


def test_dates_name_the_month_in_the_windows_language(qapp: QApplication) -> None:
    now = datetime.now().astimezone()
    this_year = now.replace(month=3, day=9, hour=14, minute=5)
    translators = install_language(qapp, "fr")
    try:
        assert format_date(this_year.isoformat(), now)[0] == "9 mars 14:05"
    finally:
        remove_language(qapp, translators)
    assert format_date(this_year.isoformat(), now)[0] == "9 Mar 14:05"


def test_upsert_and_refresh_show_changes_in_place(
    journal: Journal, qtmodeltester: ModelTester
) -> None:
    ids = _fill(journal, 12)
    model = ExperimentListModel(_fetcher(journal), page_size=3)
    _check(qtmodeltester, model)  # watches every change below; it may load a page itself
    loaded = model.rowCount()
    assert model.canFetchMore(QModelIndex())
    edited: list[None] = []
    model.contents_edited.connect(lambda: edited.append(None))

    with journal.write() as session:
        create_experiment(session, title="Brand new")
    with journal.read() as session:
        newest = list_experiments(session, limit=1)[0]
    model.upsert(newest)
    assert model.rowCount() == loaded + 1
    assert model.index(0, Column.TITLE).data() == "Brand new"
    assert model.row_of(newest.id) == 0
    model.upsert(newest)  # the same experiment again replaces, never duplicates
    assert model.rowCount() == loaded + 1

    with journal.write() as session:
        update_experiment(session, ids[10], title="Renamed")
        delete_experiment(session, ids[9])
    model.refresh()  # as many rows as before: one more old one fills the gap
    row = model.row_of(ids[10])
    assert row is not None
    assert model.index(row, Column.TITLE).data() == "Renamed"
    assert model.row_of(ids[9]) is None
    remaining = [newest.id, *(eid for eid in reversed(ids) if eid != ids[9])]
    assert _ids(model) == remaining[: loaded + 1]

    model.remove(ids[10])
    assert model.row_of(ids[10]) is None
    assert model.rowCount() == loaded
    assert len(edited) == 4


def test_a_failing_fetch_is_reported_and_not_retried_by_paging(qtbot: QtBot) -> None:
    def broken(filters: ExperimentFilter, before: int | None, n: int) -> list[ExperimentSummary]:
        raise StorageError("The journal is busy.")

    panel = ListPanel()
    qtbot.addWidget(panel)
    with qtbot.waitSignal(panel.model().load_failed) as blocker:
        panel.model().set_fetcher(broken)
    assert isinstance(blocker.args[0], StorageError)
    assert not panel.model().canFetchMore(QModelIndex())
    assert "busy" in (panel.empty_message() or "")


# -- the panel --------------------------------------------------------------------------


def test_typing_narrows_after_a_pause_and_enter_applies_at_once(
    qtbot: QtBot, journal: Journal
) -> None:
    _fill(journal, 30)
    panel = _panel(qtbot, journal)
    model = panel.model()
    box = _search_box(panel)
    assert box.placeholderText() == "Search title, prompts, answers, notes…"
    assert model.rowCount() == 30

    with qtbot.waitSignal(panel.filters_changed) as blocker:
        QTest.keyClicks(box, "zebra")
        assert panel.filter().search is None  # not on every keystroke
    assert blocker.args == [ExperimentFilter(search="zebra")]
    titles = [model.summary(r).title for r in range(model.rowCount())]
    assert titles == ["Experiment 20", "Experiment 10", "Experiment 0"]

    box.clear()
    QTest.keyClicks(box, "Experiment 2")
    QTest.keyClick(box, Qt.Key.Key_Return)
    assert panel.filter().search == "Experiment 2"
    titles = [model.summary(r).title for r in range(model.rowCount())]
    assert titles == [f"Experiment {n}" for n in (*range(29, 19, -1), 2)]

    QTest.keyClick(box, Qt.Key.Key_Escape)
    assert box.text() == ""
    assert model.rowCount() == 30


def test_filters_narrow_and_clear_restores(qtbot: QtBot, journal: Journal) -> None:
    ids = _fill(journal, 30)
    panel = _panel(qtbot, journal, counter=True)
    panel.set_choices(list(MODELS), ["json", "poetry"])
    model = panel.model()
    clear = panel.findChild(QToolButton, "clear-filters")
    assert clear is not None and clear.isHidden()
    qtbot.waitUntil(lambda: panel.count_text() == "30 experiments")

    def expected(keep: Callable[[int], bool]) -> list[int]:
        return [eid for n, eid in reversed(list(enumerate(ids))) if keep(n)]

    _choose(_combo(panel, "model-filter"), "qwen3:0.6b")
    assert _ids(model) == expected(lambda n: n % 3 == 1 and n % 5 != 4)
    assert not clear.isHidden()
    qtbot.waitUntil(lambda: panel.count_text() == f"{model.rowCount()} matching")

    _choose(_combo(panel, "verdict-filter"), "Worked")
    assert _ids(model) == [ids[28], ids[16]]
    assert panel.filter() == ExperimentFilter(model="qwen3:0.6b", verdict=Verdict.WORKED)

    with qtbot.waitSignal(panel.filters_changed) as blocker:
        clear.click()
    assert blocker.args == [ExperimentFilter()]
    assert model.rowCount() == 30
    assert clear.isHidden()
    assert _combo(panel, "model-filter").currentText() == "Any model"
    qtbot.waitUntil(lambda: panel.count_text() == "30 experiments")

    _choose(_combo(panel, "tag-filter"), "poetry")
    assert _ids(model) == expected(lambda n: n % 2 == 1)
    panel.clear_filters()

    _choose(_combo(panel, "date-filter"), "Last 30 days")
    assert _ids(model) == ids[3:][::-1]
    qtbot.waitUntil(lambda: panel.count_text() == "27 matching")


def test_choices_keep_the_current_selection_while_it_exists(qtbot: QtBot, journal: Journal) -> None:
    _fill(journal, 12)
    panel = _panel(qtbot, journal)
    panel.set_choices(list(MODELS), ["json", "poetry"])
    models = _combo(panel, "model-filter")
    _choose(models, "mistral:7b")
    panel.set_choices(["llama3:8b", "mistral:7b", "phi3:mini"], ["json"])
    assert models.currentText() == "mistral:7b"
    assert [models.itemText(i) for i in range(models.count())] == [
        "Any model",
        "llama3:8b",
        "mistral:7b",
        "phi3:mini",
    ]
    with qtbot.waitSignal(panel.filters_changed) as blocker:
        panel.set_choices(["llama3:8b"], ["json"])  # the chosen model is gone
    assert models.currentText() == "Any model"
    assert blocker.args == [ExperimentFilter()]


def test_without_a_counter_the_label_counts_loaded_rows(qtbot: QtBot, journal: Journal) -> None:
    _fill(journal, 30)
    panel = _panel(qtbot, journal)
    qtbot.waitUntil(lambda: panel.count_text() == "30 experiments")
    _choose(_combo(panel, "date-filter"), "Last 7 days")
    qtbot.waitUntil(lambda: panel.count_text() == "27 matching")

    paged = _panel(qtbot, journal, page_size=10)
    model = paged.model()
    assert model.canFetchMore(QModelIndex())

    def says_there_are_more() -> bool:
        more = model.canFetchMore(QModelIndex())
        expected = f"{model.rowCount()}+ experiments" if more else "30 experiments"
        return paged.count_text() == expected

    qtbot.waitUntil(says_there_are_more)


def test_selecting_a_row_emits_its_id_once(qtbot: QtBot, journal: Journal) -> None:
    ids = _fill(journal, 20)
    panel = _panel(qtbot, journal)
    panel.show()
    qtbot.waitExposed(panel)
    view = panel.view()
    row = panel.model().row_of(ids[12])
    assert row is not None
    point = view.visualRect(panel.model().index(row, 0)).center()
    with qtbot.waitSignal(panel.experiment_selected) as blocker:
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert blocker.args == [ids[12]]
    assert panel.current_experiment_id() == ids[12]

    with qtbot.assertNotEmitted(panel.experiment_selected):
        QTest.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
        panel.select_experiment(ids[12])

    with qtbot.waitSignal(panel.experiment_selected) as blocker:
        QTest.keyClick(view, Qt.Key.Key_Down)
    assert blocker.args == [ids[11]]

    with qtbot.waitSignal(panel.experiment_selected) as blocker:
        panel.select_first()
    assert blocker.args == [ids[-1]]


def test_select_experiment_loads_pages_until_found(qtbot: QtBot, journal: Journal) -> None:
    ids = _fill(journal, 90, runs=False)
    calls: list[int | None] = []
    panel = ListPanel(ExperimentListModel(_fetcher(journal, calls), page_size=20))
    qtbot.addWidget(panel)
    assert panel.model().rowCount() == 20
    with qtbot.waitSignal(panel.experiment_selected) as blocker:
        assert panel.select_experiment(ids[0])
    assert blocker.args == [ids[0]]
    assert panel.current_experiment_id() == ids[0]
    assert _ids(panel.model()) == sorted(ids, reverse=True)
    assert len(calls) == 4  # pages grow (20, 20, 40, 80): an old id costs a few queries

    panel.select_experiment(ids[-2])
    panel.model().set_filter(ExperimentFilter(tag="json"))  # even numbers only
    assert panel.current_experiment_id() == ids[-2]  # still listed: still selected
    calls.clear()
    assert not panel.select_experiment(ids[-3])  # odd: filtered out
    assert panel.current_experiment_id() is None
    assert calls == []  # the first page already passed below it: nothing more to load


def test_selection_survives_refresh_and_new_experiments(qtbot: QtBot, journal: Journal) -> None:
    ids = _fill(journal, 8)
    panel = _panel(qtbot, journal)
    panel.select_experiment(ids[3])
    with journal.write() as session:
        update_experiment(session, ids[3], title="Better title")
        create_experiment(session, title="Newer")
    with qtbot.assertNotEmitted(panel.experiment_selected):
        panel.model().refresh()
    assert panel.current_experiment_id() == ids[3]
    row = panel.model().row_of(ids[3])
    assert row is not None
    assert panel.model().index(row, Column.TITLE).data() == "Better title"
    assert panel.model().index(0, Column.TITLE).data() == "Newer"


def test_empty_states_say_why_the_list_is_empty(qtbot: QtBot, journal: Journal) -> None:
    panel = ListPanel()
    qtbot.addWidget(panel)
    assert panel.empty_message() is None  # still loading: say nothing yet
    panel.model().set_fetcher(_fetcher(journal))
    assert panel.empty_message() == EMPTY_JOURNAL
    assert EMPTY_JOURNAL == "No experiments yet — press Ctrl+N to start one"

    with journal.write() as session:
        create_experiment(session, title="Only one")
    panel.model().refresh()
    assert panel.empty_message() is None

    box = _search_box(panel)
    QTest.keyClicks(box, "nothing like this")
    QTest.keyClick(box, Qt.Key.Key_Return)
    assert panel.empty_message() == EMPTY_FILTERED == "Nothing matches these filters"


def test_down_from_the_search_box_moves_into_the_list(qtbot: QtBot, journal: Journal) -> None:
    ids = _fill(journal, 5)
    panel = _panel(qtbot, journal)
    panel.show()
    qtbot.waitExposed(panel)
    panel.focus_search()
    with qtbot.waitSignal(panel.experiment_selected) as blocker:
        QTest.keyClick(_search_box(panel), Qt.Key.Key_Down)
    assert blocker.args == [ids[-1]]
    assert panel.focusWidget() is panel.view()
