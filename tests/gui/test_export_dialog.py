"""The export dialog: scope, layout, destination, preview, exporting."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from journal.core import export_parallel
from journal.core.domain import ExperimentFilter
from journal.core.export_entries import ExportSelection
from journal.core.export_markdown import Layout, export_to_path
from journal.core.storage import Journal
from journal.gui.context import AppContext
from journal.gui.export_dialog import ExportDialog
from tests.core.test_export_import import populate


@pytest.fixture
def ids(journal: Journal) -> dict[str, int]:
    return populate(journal)


def _open(
    qtbot: QtBot,
    journal: Journal,
    filters: ExperimentFilter | None = None,
    current: int | None = None,
) -> ExportDialog:
    # waitSignal runs a real event loop: the pool thread gets the interpreter meanwhile.
    dialog = ExportDialog(AppContext.for_journal(journal), filters or ExperimentFilter(), current)
    qtbot.addWidget(dialog)
    with qtbot.waitSignals([dialog.counts_shown, dialog.preview_shown], timeout=10_000):
        dialog.show()
    return dialog


def visible_error(label: QLabel) -> str:
    assert label.isVisibleTo(label.window())
    return label.text()


def test_scopes_show_their_counts_and_the_preview_follows_the_choice(
    qtbot: QtBot, journal: Journal, ids: dict[str, int]
) -> None:
    dialog = _open(qtbot, journal, ExperimentFilter(tag="geo"), ids["tricky"])
    assert dialog.experiment_radio.isChecked()
    assert dialog.all_count.text() == "3 experiments, 3 runs"
    assert dialog.filter_count.text() == "tag geo: 1 experiment, 2 runs"
    assert dialog.experiment_count.text() == "#2 `Ticks` & <b>HTML</b> | pipes #: 1 run"
    shown = dialog.preview.toPlainText()
    assert "`Ticks` & <b>HTML</b> | pipes #" in shown  # the person's text shows as written
    assert "Rivers that cross borders" not in shown
    assert '"model_digest"' not in shown and '"layout"' not in shown  # no metadata

    with qtbot.waitSignal(dialog.preview_shown):
        dialog.all_radio.click()
    shown = dialog.preview.toPlainText()
    assert "Rivers that cross borders" in shown and "Hypothesis" in shown
    assert "Name three rivers" in shown and "exactly three, all real" in shown
    with qtbot.waitSignal(dialog.preview_shown):
        dialog.filter_radio.click()
    assert "Experiments tagged geo." in dialog.preview.toPlainText()


def test_without_a_filter_or_an_experiment_only_the_whole_journal_is_offered(
    qtbot: QtBot, journal: Journal, ids: dict[str, int]
) -> None:
    dialog = _open(qtbot, journal)
    assert dialog.all_radio.isChecked()
    assert not dialog.filter_radio.isEnabled() and not dialog.experiment_radio.isEnabled()
    assert dialog.filter_count.text() == "No filter is set."
    assert dialog.experiment_count.text() == "No experiment is open."


def test_export_runs_in_the_background_with_a_busy_indicator(
    qtbot: QtBot, journal: Journal, ids: dict[str, int], tmp_path: Path
) -> None:
    dialog = _open(qtbot, journal, current=ids["rivers"])
    target = tmp_path / "notes.md"
    dialog.path_edit.setText(str(target))
    with qtbot.waitSignal(dialog.exported) as exported:
        dialog.export_button.click()
        assert dialog.busy_bar.isVisibleTo(dialog) and not dialog.export_button.isEnabled()
        assert dialog.status_label.text() == f"Exporting to {target}…"
    result = exported.args[0]
    assert (result.experiments, result.runs, result.path) == (1, 2, target)
    assert not dialog.busy_bar.isVisibleTo(dialog) and dialog.export_button.isEnabled()
    assert dialog.status_label.text().startswith(f"Exported 1 experiment and 2 runs to {target}")
    assert "# Rivers that cross borders" in target.read_text(encoding="utf-8")


def test_replacing_an_earlier_export_asks_first(
    qtbot: QtBot,
    journal: Journal,
    ids: dict[str, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / "notes.md"
    export_to_path(journal, target, selection=ExportSelection(experiment_id=ids["empty"]))
    earlier = target.read_text(encoding="utf-8")
    asked: list[str] = []
    answer = False

    def confirm(cls: Any, parent: Any, path: str) -> bool:
        asked.append(path)
        return answer

    monkeypatch.setattr(ExportDialog, "confirm_overwrite", classmethod(confirm))
    dialog = _open(qtbot, journal)
    dialog.path_edit.setText(str(target))
    dialog.export_button.click()
    assert asked == [str(target)] and not dialog.is_exporting()
    assert target.read_text(encoding="utf-8") == earlier

    answer = True
    with qtbot.waitSignal(dialog.exported):
        dialog.export_button.click()
    assert len(asked) == 2
    assert target.read_text(encoding="utf-8") != earlier


def test_folder_layout_with_the_destination_picker(
    qtbot: QtBot,
    journal: Journal,
    ids: dict[str, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    picked: list[tuple[Layout, str]] = []
    folder = tmp_path / "notebook"

    def pick(parent: Any, layout: Layout, start: str) -> str:
        picked.append((layout, start))
        return str(folder)

    monkeypatch.setattr(ExportDialog, "pick_destination", staticmethod(pick))
    dialog = _open(qtbot, journal)
    dialog.path_edit.setText(str(tmp_path / "journal.md"))
    dialog.folder_radio.click()
    assert dialog.path_edit.text() == str(tmp_path / "journal")
    dialog.browse_button.click()
    assert picked == [(Layout.FOLDER, str(tmp_path / "journal"))]
    assert dialog.path_edit.text() == str(folder)
    with qtbot.waitSignal(dialog.exported):
        dialog.export_button.click()
    assert (folder / "index.md").exists()
    assert (folder / "0001-rivers-that-cross-borders.md").exists()
    dialog.file_radio.click()
    assert dialog.path_edit.text() == f"{folder}.md"


def test_a_destination_that_must_not_be_replaced_is_refused_with_the_reason(
    qtbot: QtBot, journal: Journal, ids: dict[str, int], tmp_path: Path
) -> None:
    precious = tmp_path / "thesis"
    precious.mkdir()
    (precious / "chapter1.md").write_text("years of work")
    dialog = _open(qtbot, journal)
    dialog.folder_radio.click()
    dialog.path_edit.setText(str(precious))
    dialog.export_button.click()
    assert "not an LLM Journal export; it was left alone" in visible_error(dialog.error_label)
    assert not dialog.is_exporting()
    assert sorted(p.name for p in precious.iterdir()) == ["chapter1.md"]

    dialog.path_edit.setText("")
    dialog.export_button.click()
    assert visible_error(dialog.error_label) == "Choose where to save the export."


def test_a_failing_export_says_why(
    qtbot: QtBot, journal: Journal, ids: dict[str, int], tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    dialog = _open(qtbot, journal)
    dialog.path_edit.setText(str(blocker / "notes.md"))
    with qtbot.waitSignal(dialog.export_failed) as failed:
        dialog.export_button.click()
    assert failed.args[0].startswith(f"Cannot write the export to {blocker / 'notes.md'}")
    assert visible_error(dialog.error_label) == failed.args[0]
    assert dialog.export_button.isEnabled() and not dialog.busy_bar.isVisibleTo(dialog)


def test_an_export_rendered_by_worker_processes_from_the_window_is_the_same(
    qtbot: QtBot,
    journal: Journal,
    ids: dict[str, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The window exports from a pool thread; worker processes started from there (spawn,
    never fork) write what one process writes."""
    monkeypatch.setattr(export_parallel, "SERIAL_EXPERIMENTS", 0)
    monkeypatch.setenv(export_parallel.WORKERS_VARIABLE, "2")
    alone = tmp_path / "alone.md"
    export_to_path(journal, alone, workers=1)
    dialog = _open(qtbot, journal)
    target = tmp_path / "notes.md"
    dialog.path_edit.setText(str(target))
    with qtbot.waitSignal(dialog.exported, timeout=60_000) as exported:
        dialog.export_button.click()
    assert exported.args[0].experiments == 3
    assert target.read_bytes() == alone.read_bytes()
