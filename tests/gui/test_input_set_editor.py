"""The inputs table under the expectations: rows shown from the journal, cells saved through
the core (or refused and put back), rows pasted from a spreadsheet, columns added and
renamed, rows removed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit
from pytestqt.qtbot import QtBot

from journal.core.input_sets import add_rows, check_row, list_rows
from journal.core.queries import create_experiment, get_experiment
from journal.core.storage import Journal
from journal.gui.context import AppContext
from journal.gui.experiment_editor import ExperimentEditor
from journal.gui.input_set_editor import InputSetEditor
from journal.gui.main_window import MainWindow
from journal.gui.settings_store import SettingsStore
from tests.fake_ollama import FakeOllama

CITIES = [("Paris", "France"), ("Rome", "Italy"), ("Lima", "Peru")]


def _add(journal: Journal, experiment_id: int, *rows: dict[str, str]) -> None:
    with journal.write() as session:
        add_rows(session, experiment_id, [check_row(row) for row in rows])


def _stored(journal: Journal, experiment_id: int) -> list[dict[str, str]]:
    with journal.read() as session:
        return [row.values for row in list_rows(session, experiment_id)]


def _expectations(journal: Journal, experiment_id: int) -> list[tuple[str, ...]]:
    with journal.read() as session:
        return [row.expectations for row in list_rows(session, experiment_id)]


class Editing:
    """An experiment editor on the test's journal, like the window's, its inputs open."""

    def __init__(self, qtbot: QtBot, journal: Journal) -> None:
        self.qtbot = qtbot
        self.journal = journal
        self.context = AppContext.for_journal(journal)
        self.editor = ExperimentEditor(self.context)
        qtbot.addWidget(self.editor)
        self.editor.resize(900, 700)
        self.editor.show()
        self.inputs: InputSetEditor = self.editor.inputs
        self.inputs.toggle.setChecked(True)
        self.problems: list[str] = []
        self.context.problem_found.connect(self.problems.append)

    def open(self, experiment_id: int) -> None:
        with self.journal.read() as session:
            experiment = get_experiment(session, experiment_id)
        self.editor.load(experiment)

    def written(self) -> None:
        """Every write asked for is on disk."""
        assert self.context.wait_for_writes()

    def shown(self) -> list[list[str]]:
        model = self.inputs.table.model()
        return [
            [model.index(row, column).data() for column in range(model.columnCount())]
            for row in range(model.rowCount())
        ]

    def headers(self) -> list[str]:
        model = self.inputs.table.model()
        return [
            model.headerData(column, Qt.Orientation.Horizontal)
            for column in range(model.columnCount())
        ]

    def open_editors(self) -> list[QLineEdit]:
        """The cell editors open (one closed a moment ago waits to be deleted, hidden)."""
        found = self.inputs.table.viewport().findChildren(QLineEdit)
        return [line for line in found if line.isVisible()]

    def type_into(self, row: int, column: int, text: str) -> None:
        """Double-click a cell, type `text` over it and press Enter, as a person would."""
        table = self.inputs.table
        index = table.model().index(row, column)
        table.setCurrentIndex(index)
        table.edit(index)
        (line,) = self.open_editors()
        line.selectAll()
        QTest.keyClicks(line, text)
        QTest.keyClick(line, Qt.Key.Key_Return)
        # The view commits a cell a moment after Enter (a queued call in Qt 6).
        editing = QAbstractItemView.State.EditingState
        self.qtbot.waitUntil(lambda: table.state() != editing, timeout=5000)


@pytest.fixture
def editing(qtbot: QtBot, journal: Journal) -> Editing:
    return Editing(qtbot, journal)


@pytest.fixture
def cities(journal: Journal, experiment_id: int) -> int:
    rows = [{"city": city, "country": country} for city, country in CITIES]
    _add(journal, experiment_id, *rows)
    with journal.write() as session:
        from journal.core.input_sets import find_row, update_row

        lima = find_row(session, experiment_id, "3")
        update_row(session, lima.id, check_row(lima.values, ["contains:Rimac", "words<=40"]))
    return experiment_id


def test_rows_show_one_a_line_with_their_variables_and_expectations(
    editing: Editing, cities: int, journal: Journal
) -> None:
    editing.open(cities)
    assert editing.inputs.summary.text() == "3 inputs · variables: city, country"
    assert editing.headers() == ["city", "country", "expect"]
    assert editing.shown() == [
        ["Paris", "France", ""],
        ["Rome", "Italy", ""],
        ["Lima", "Peru", "contains:Rimac ⏎ words<=40"],
    ]
    model = editing.inputs.table.model()
    assert [model.headerData(row, Qt.Orientation.Vertical) for row in range(3)] == ["1", "2", "3"]
    assert model.index(2, 2).data(Qt.ItemDataRole.EditRole) == "contains:Rimac\nwords<=40"
    # Another experiment: its own rows (none), and the header says how to start.
    with journal.write() as session:
        other = create_experiment(session, title="other").id
    assert other is not None
    editing.open(other)
    assert editing.shown() == []
    assert "paste rows from a spreadsheet" in editing.inputs.summary.text()
    editing.open(cities)
    assert len(editing.shown()) == 3


def test_an_edited_cell_is_saved_through_the_core(
    qtbot: QtBot, editing: Editing, cities: int, journal: Journal
) -> None:
    editing.open(cities)
    editing.type_into(1, 0, "Milan")
    editing.type_into(0, 2, "contains:Seine")
    editing.written()
    qtbot.waitUntil(lambda: _expectations(journal, cities)[0] == ("contains:Seine",))
    assert _stored(journal, cities)[1] == {"city": "Milan", "country": "Italy"}
    assert editing.shown()[1][0] == "Milan"
    assert not editing.inputs.message.isVisible()


def test_a_refused_cell_says_why_and_goes_back_to_what_is_saved(
    editing: Editing, cities: int, journal: Journal
) -> None:
    editing.open(cities)
    editing.type_into(2, 2, "nonsense:x")
    assert editing.inputs.message.isVisible()
    assert "nonsense" in editing.inputs.message.text()
    assert editing.shown()[2][2] == "contains:Rimac ⏎ words<=40"
    editing.written()
    assert _expectations(journal, cities)[2] == ("contains:Rimac", "words<=40")


def _tsv(count: int, header: str = "") -> str:
    lines = [f'City {n}\t"Country\n{n}"' for n in range(1, count + 1)]
    return "\r\n".join([*([header] if header else []), *lines]) + "\r\n"


def test_twenty_rows_pasted_with_ctrl_v_are_added_in_order_in_one_go(
    qtbot: QtBot, editing: Editing, cities: int, journal: Journal
) -> None:
    editing.open(cities)
    QApplication.clipboard().setText(_tsv(20))
    editing.inputs.table.setFocus()
    QTest.keyClick(editing.inputs.table, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(editing.shown()) == 23, timeout=5000)
    stored = _stored(journal, cities)
    assert stored[3:] == [{"city": f"City {n}", "country": f"Country\n{n}"} for n in range(1, 21)]
    assert editing.inputs.summary.text() == "23 inputs · variables: city, country"


def test_twenty_rows_pasted_under_a_header_go_by_column_name(
    qtbot: QtBot, editing: Editing, experiment_id: int, journal: Journal
) -> None:
    editing.open(experiment_id)
    editing.inputs.paste_text("Paris, TX\tUSA\n")  # no header: which cell is which?
    assert editing.inputs.message.text() == (
        "Paste a header line first (the variable names), or add a row."
    )
    editing.inputs.paste_text(_tsv(20, header="city\tcountry").replace("City", "Town"))
    qtbot.waitUntil(lambda: len(editing.shown()) == 20, timeout=5000)
    assert not editing.inputs.message.isVisible()
    assert _stored(journal, experiment_id)[0] == {"city": "Town 1", "country": "Country\n1"}
    assert [row["city"] for row in _stored(journal, experiment_id)][-1] == "Town 20"
    # Now the set has columns, a header in another order still maps by name.
    editing.inputs.paste_text("country\tcity\nChile\tSantiago\n")
    qtbot.waitUntil(lambda: len(editing.shown()) == 21, timeout=5000)
    assert _stored(journal, experiment_id)[20] == {"city": "Santiago", "country": "Chile"}


def test_a_paste_with_one_bad_row_adds_none(
    editing: Editing, cities: int, journal: Journal
) -> None:
    editing.open(cities)
    editing.inputs.paste_text("Oslo\tNorway\nBern\n")
    assert "Line 2 of the pasted text" in editing.inputs.message.text()
    editing.written()
    assert len(_stored(journal, cities)) == 3


def test_a_column_is_added_and_renamed_in_every_row(
    qtbot: QtBot,
    editing: Editing,
    cities: int,
    journal: Journal,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    editing.open(cities)
    answers = iter(["tone", "town"])
    monkeypatch.setattr(editing.inputs, "ask_column_name", lambda *_: next(answers))
    assert editing.inputs.add_column_button.toolTip()
    QTest.mouseClick(editing.inputs.add_column_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "tone" in editing.headers(), timeout=5000)
    assert [row["tone"] for row in _stored(journal, cities)] == ["", "", ""]
    header = editing.inputs.table.horizontalHeader()
    spot = QPoint(header.sectionViewportPosition(0) + 10, header.height() // 2)
    QTest.mouseDClick(header.viewport(), Qt.MouseButton.LeftButton, pos=spot)
    qtbot.waitUntil(lambda: editing.headers()[0] == "town", timeout=5000)
    assert _stored(journal, cities)[0] == {"town": "Paris", "country": "France", "tone": ""}
    assert editing.inputs.summary.text() == "3 inputs · variables: town, country, tone"


def test_a_clashing_column_name_is_refused_with_the_reason(
    qtbot: QtBot, editing: Editing, cities: int, journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    editing.open(cities)
    monkeypatch.setattr(editing.inputs, "ask_column_name", lambda *_: "country")
    editing.inputs.ask_add_column()
    qtbot.waitUntil(editing.inputs.message.isVisible, timeout=5000)
    assert "already have a column country" in editing.inputs.message.text()
    assert list(_stored(journal, cities)[0]) == ["city", "country"]


def test_selected_rows_are_removed_with_delete_once_confirmed(
    qtbot: QtBot,
    editing: Editing,
    cities: int,
    journal: Journal,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    editing.open(cities)
    asked: list[int] = []

    def confirm(count: int) -> bool:
        asked.append(count)
        return True

    monkeypatch.setattr(editing.inputs, "confirm_removal", confirm)
    table = editing.inputs.table
    model = table.model()
    table.selectionModel().select(
        model.index(0, 0),
        table.selectionModel().SelectionFlag.Select | table.selectionModel().SelectionFlag.Rows,
    )
    table.selectionModel().select(
        model.index(2, 0),
        table.selectionModel().SelectionFlag.Select | table.selectionModel().SelectionFlag.Rows,
    )
    assert editing.inputs.remove_button.isEnabled()
    table.setFocus()
    QTest.keyClick(table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: len(editing.shown()) == 1, timeout=5000)
    assert asked == [2]
    assert _stored(journal, cities) == [{"city": "Rome", "country": "Italy"}]
    assert editing.shown()[0][0] == "Rome"


def test_a_row_is_added_with_the_prompts_variables_and_edited_at_once(
    qtbot: QtBot, editing: Editing, experiment_id: int, journal: Journal
) -> None:
    editing.open(experiment_id)
    editing.inputs.set_prompt_source(lambda: ["Tell me about {{city}} in {{country}}", ""])
    assert "Ctrl+Shift+N" in editing.inputs.add_row_button.toolTip()
    editing.inputs.setFocus()
    QTest.keyClick(
        editing.inputs,
        Qt.Key.Key_N,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: len(editing.shown()) == 1, timeout=5000)
    assert editing.headers() == ["city", "country"]
    assert _stored(journal, experiment_id) == [{"city": "", "country": ""}]
    qtbot.waitUntil(lambda: len(editing.open_editors()) == 1)


def test_the_window_fills_an_empty_set_by_the_prompts_variables_and_reloads_after_import(
    qtbot: QtBot, tmp_path: Path, db_path: Path, fake_ollama: FakeOllama
) -> None:
    with Journal.open(db_path) as journal:
        with journal.write() as session:
            experiment_id = create_experiment(session, title="cities").id
        assert experiment_id is not None
    store = SettingsStore(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    window = MainWindow(db=str(db_path), host=fake_ollama.url, settings=store)
    qtbot.addWidget(window)
    window.show()
    window.start()
    inputs = window.editor.inputs
    qtbot.waitUntil(lambda: window.editor.experiment_id() == experiment_id, timeout=10_000)
    window.prompt_panel.set_prompt("What is {{city}} known for in {{country}}?")
    inputs.paste_text("Paris\tFrance\nRome\tItaly\n")
    model: Any = inputs.table.model()
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=5000)
    assert inputs.summary.text() == "2 inputs · variables: city, country"
    assert window.context.journal is not None
    _add(window.context.journal, experiment_id, {"city": "Lima", "country": "Peru"})
    window.browser.refresh()  # what an import does once it is in
    assert model.rowCount() == 3
    window.close()


def test_adding_the_expect_column_lets_a_row_get_its_own_expectations(
    qtbot: QtBot, editing: Editing, journal: Journal, experiment_id: int
) -> None:
    _add(journal, experiment_id, {"city": "Paris"})
    editing.open(experiment_id)
    assert editing.headers() == ["city"]
    editing.inputs.add_column("expect")
    assert editing.headers() == ["city", "expect"]
    editing.type_into(0, 1, "contains:Seine")
    qtbot.waitUntil(lambda: _expectations(journal, experiment_id) == [("contains:Seine",)])
