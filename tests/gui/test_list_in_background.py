"""The journal list reads off the GUI thread: the first page shows while SQLModel is still
loading and the journal opening, a page asked for a filter since changed never shows,
paging asks once at a time, and a failed read is still said (issue 16)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from pytestqt.qtbot import QtBot

from journal.core.domain import ExperimentFilter, ExperimentSummary
from journal.core.errors import JournalBusyError
from journal.core.migrations import LATEST_VERSION, apply_migrations
from journal.core.queries import create_experiment
from journal.core.storage import Journal
from journal.gui.context import AppContext
from journal.gui.experiment_list_model import ExperimentListModel
from journal.gui.main_window import MainWindow
from journal.gui.settings_store import SettingsStore

NO_SERVER = "http://127.0.0.1:9"


def _window(qtbot: QtBot, db_path: Path, tmp_path: Path) -> MainWindow:
    settings = SettingsStore(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    window = MainWindow(db=str(db_path), host=NO_SERVER, settings=settings)
    qtbot.addWidget(window)
    window.show()
    return window


def _titles(window: MainWindow) -> list[str]:
    model = window.list_panel.model()
    return [model.summary(row).title for row in range(model.rowCount())]


@pytest.fixture
def held_open(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Journal.open waits until the event is set (set at the end of the test at the latest):
    the stack is loaded, the journal not yet open."""
    gate = threading.Event()
    opening = Journal.open

    def held(path: Path | str) -> Journal:
        gate.wait()
        return opening(path)

    monkeypatch.setattr(Journal, "open", staticmethod(held))
    try:
        yield gate
    finally:
        gate.set()


@pytest.fixture
def three_experiments(db_path: Path) -> None:
    with Journal.open(db_path) as journal, journal.write() as session:
        for n in range(3):
            create_experiment(session, title=f"experiment {n}")


def test_the_first_page_shows_before_the_journal_is_open(
    qtbot: QtBot,
    db_path: Path,
    tmp_path: Path,
    three_experiments: None,
    held_open: threading.Event,
) -> None:
    window = _window(qtbot, db_path, tmp_path)
    window.start()

    qtbot.waitUntil(lambda: _titles(window) == ["experiment 2", "experiment 1", "experiment 0"])
    assert window.context.journal is None  # listed while the journal was still opening

    held_open.set()
    qtbot.waitUntil(lambda: window.editor.experiment_id() is not None, timeout=10_000)
    assert window.editor.title.text() == "experiment 2"  # the first row, opened
    assert _titles(window) == ["experiment 2", "experiment 1", "experiment 0"]


def test_an_older_journal_lists_once_upgraded(
    qtbot: QtBot, db_path: Path, tmp_path: Path, held_open: threading.Event
) -> None:
    raw = sqlite3.connect(db_path, isolation_level=None)
    apply_migrations(raw, target=LATEST_VERSION - 1)
    for n in range(2):
        raw.execute(
            "INSERT INTO experiment (uuid, title, created_at, updated_at) "
            "VALUES (?, ?, '2026-01-01T00:00:00+00:00', '2026-01-01T00:00:00+00:00')",
            (f"uuid-{n}", f"old {n}"),
        )
    raw.close()
    window = _window(qtbot, db_path, tmp_path)
    problems: list[str] = []
    window.context.problem_found.connect(problems.append)
    window.start()
    # The read layer refuses the older file (and writes nothing): nothing is listed yet.
    qtbot.waitUntil(lambda: window.context.journal is None and _titles(window) == [])

    held_open.set()  # the write path upgrades it; the list reads it then
    qtbot.waitUntil(lambda: _titles(window) == ["old 1", "old 0"], timeout=10_000)
    assert window.context.journal is not None and problems == []
    qtbot.waitUntil(lambda: window.editor.experiment_id() is not None)  # once the rows came
    assert window.editor.title.text() == "old 1"


def _summary(experiment_id: int, title: str) -> ExperimentSummary:
    moment = "2026-01-01T00:00:00+00:00"
    return ExperimentSummary(
        experiment_id, f"u{experiment_id}", title, [], moment, moment, 0, None, None, None
    )


class _Fetcher:
    """Pages of ten experiments titled by the filter's search; a search of "held" waits
    for `release`. Records each read and whether it ran on the GUI thread."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.reads: list[tuple[str | None, int | None, bool]] = []

    def __call__(
        self, filters: ExperimentFilter, before: int | None, limit: int
    ) -> list[ExperimentSummary]:
        on_gui = threading.current_thread() is threading.main_thread()
        self.reads.append((filters.search, before, on_gui))
        if filters.search == "held" or before is not None:
            self.release.wait()
        top = before - 1 if before is not None else 10
        ids = [i for i in range(top, 0, -1)][:limit]
        return [_summary(i, f"{filters.search or 'all'} {i}") for i in ids]


@pytest.fixture
def fetcher() -> Iterator[_Fetcher]:
    fetch = _Fetcher()
    try:
        yield fetch
    finally:
        fetch.release.set()


def _model(fetch: _Fetcher, page_size: int = 10) -> tuple[ExperimentListModel, AppContext]:
    context = AppContext()
    model = ExperimentListModel(page_size=page_size, parent=context)
    model.set_fetcher(fetch, context.read_list)
    return model, context


def _model_titles(model: ExperimentListModel) -> list[str]:
    return [model.summary(row).title for row in range(model.rowCount())]


def test_a_filter_changed_while_a_page_is_read_shows_only_the_new_filters_rows(
    qtbot: QtBot, fetcher: _Fetcher
) -> None:
    model, _context = _model(fetcher)
    qtbot.waitUntil(lambda: model.rowCount() == 10)
    shown: list[list[str]] = []
    model.modelReset.connect(lambda: shown.append(_model_titles(model)))

    model.set_filter(ExperimentFilter(search="held"))  # read on a pool thread, which waits
    qtbot.waitUntil(lambda: len(fetcher.reads) == 2)
    model.set_filter(ExperimentFilter(search="typed"))  # typing on: the GUI never waits
    model.set_filter(ExperimentFilter(search="more"))
    assert _model_titles(model)[0] == "all 10"  # the rows stay until the new ones come
    fetcher.release.set()

    qtbot.waitUntil(lambda: _model_titles(model)[:1] == ["more 10"])
    assert shown == [[f"more {i}" for i in range(10, 0, -1)]]  # the held page never showed
    searches = [search for search, _, _ in fetcher.reads]
    assert searches == [None, "held", "more"]  # "typed", asked meanwhile, was never read
    assert not any(on_gui for _, _, on_gui in fetcher.reads)


def test_a_change_made_while_a_first_page_is_read_is_not_undone_by_that_page(
    qtbot: QtBot, fetcher: _Fetcher
) -> None:
    """Unarchive an experiment and clear the filters at once: the page for the new filter
    may be read before the unarchiving is written. The experiment shown meanwhile (and the
    one taken away) must stay so when that older page comes."""
    model, _context = _model(fetcher, page_size=20)
    qtbot.waitUntil(lambda: model.rowCount() == 10)
    model.set_filter(ExperimentFilter(search="held"))  # its page waits for `release`
    qtbot.waitUntil(lambda: len(fetcher.reads) == 2)
    model.upsert(_summary(11, "brought back"))  # written after the page was read
    model.remove(4)
    fetcher.release.set()

    qtbot.waitUntil(lambda: _model_titles(model)[1:2] == ["held 10"])
    titles = _model_titles(model)
    assert titles[0] == "brought back"
    assert "held 4" not in titles and len(titles) == 10


def test_fetch_more_reads_in_the_background_once_at_a_time(qtbot: QtBot, fetcher: _Fetcher) -> None:
    model, _context = _model(fetcher, page_size=4)
    qtbot.waitUntil(model.canFetchMore)
    assert _model_titles(model) == ["all 10", "all 9", "all 8", "all 7"]

    model.fetchMore()  # returns at once: the page is read on a pool thread
    assert model.rowCount() == 4 and not model.canFetchMore()
    model.fetchMore()  # a view asking again meanwhile starts no second read
    fetcher.release.set()

    qtbot.waitUntil(lambda: model.rowCount() == 8)
    assert _model_titles(model)[4:] == ["all 6", "all 5", "all 4", "all 3"]
    assert [before for _, before, _ in fetcher.reads] == [None, 7]
    assert not any(on_gui for _, _, on_gui in fetcher.reads)


def test_a_page_that_cannot_be_read_in_the_background_is_said(qtbot: QtBot) -> None:
    busy = JournalBusyError("The journal is busy.")

    def failing(
        filters: ExperimentFilter, before: int | None, limit: int
    ) -> list[ExperimentSummary]:
        raise busy

    context = AppContext()
    model = ExperimentListModel(parent=context)
    with qtbot.waitSignal(model.load_failed) as failed:
        model.set_fetcher(failing, context.read_list)
    assert failed.args == [busy]
    assert model.rowCount() == 0 and not model.canFetchMore()
