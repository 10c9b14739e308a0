"""The import dialog: pick an export, import it in the background, say what came in or why not."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from journal.core.export_markdown import Layout, export_to_path
from journal.core.storage import Journal
from journal.gui.context import AppContext
from journal.gui.import_dialog import ImportDialog, import_journal_file
from tests.core.test_export_import import count_rows, populate
from tests.gui.test_export_dialog import visible_error


@pytest.fixture
def ids(journal: Journal) -> dict[str, int]:
    return populate(journal)


def test_import_reports_counts_then_nothing_new(
    qtbot: QtBot,
    journal: Journal,
    ids: dict[str, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    export = tmp_path / "export"
    export_to_path(journal, export, layout=Layout.FOLDER)
    monkeypatch.setattr(
        ImportDialog, "pick_source", staticmethod(lambda parent, folder, start: str(export))
    )
    with Journal.open(tmp_path / "other.sqlite") as other:
        dialog = ImportDialog(AppContext.for_journal(other))
        qtbot.addWidget(dialog)
        dialog.show()
        assert not dialog.import_button.isEnabled()
        dialog.folder_button.click()
        assert dialog.path_edit.text() == str(export)
        with qtbot.waitSignal(dialog.imported) as imported:
            dialog.import_button.click()
            assert dialog.busy_bar.isVisibleTo(dialog) and not dialog.import_button.isEnabled()
        assert imported.args[0].new_experiments == 3
        assert dialog.result_label.text() == (
            "Imported: 3 new experiments, 3 new runs, 0 already present."
        )
        with qtbot.waitSignal(dialog.imported):
            dialog.import_button.click()
        assert "0 new experiments, 0 new runs, 6 already present" in dialog.result_label.text()
        assert count_rows(other) == (3, 3)


def test_a_damaged_export_is_refused_with_its_line(
    qtbot: QtBot, journal: Journal, ids: dict[str, int], tmp_path: Path
) -> None:
    notes = tmp_path / "notes.md"
    export_to_path(journal, notes)
    text = notes.read_text(encoding="utf-8")
    notes.write_text(text.replace('"status": "failed"', '"status": "exploded"'), encoding="utf-8")
    with Journal.open(tmp_path / "other.sqlite") as other:
        dialog = import_journal_file(None, AppContext.for_journal(other))
        qtbot.addWidget(dialog)
        assert dialog.isVisible()
        dialog.path_edit.setText(str(notes))
        with qtbot.waitSignal(dialog.import_failed) as failed:
            dialog.start_import()
        assert failed.args[0].startswith(f"{notes}:")
        assert 'run status "exploded" is not one the journal knows' in failed.args[0]
        assert visible_error(dialog.error_label) == failed.args[0]
        assert dialog.result_label.text() == "Nothing was imported."
        assert count_rows(other) == (0, 0)


def test_the_result_says_which_readable_text_was_edited(
    qtbot: QtBot, journal: Journal, ids: dict[str, int], tmp_path: Path
) -> None:
    notes = tmp_path / "notes.md"
    export_to_path(journal, notes)
    text = notes.read_text(encoding="utf-8")
    notes.write_text(text.replace("### Hypothesis", "### My hypothesis", 1), encoding="utf-8")
    with Journal.open(tmp_path / "other.sqlite") as other:
        dialog = import_journal_file(None, AppContext.for_journal(other))
        qtbot.addWidget(dialog)
        dialog.path_edit.setText(str(notes))
        with qtbot.waitSignal(dialog.imported):
            dialog.start_import()
        assert dialog.result_label.text().splitlines() == [
            "Imported: 3 new experiments, 3 new runs, 0 already present.",
            f"Readable text edited in {notes} (experiment {ids['rivers']}): the edits were not "
            "imported (the metadata is what is read).",
        ]
