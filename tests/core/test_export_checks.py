"""Migration checks in a one-file export (format 10): a readable section each, their records
after it, imported back by uuid, byte-identical on re-export, and safe in every reader."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from journal.core import import_markdown as importer
from journal.core import import_staging
from journal.core.errors import InvalidInputError
from journal.core.export_entries import ExportSelection
from journal.core.export_markdown import Layout, export_to_path
from journal.core.import_markdown import import_markdown
from journal.core.import_staging import Merged, Staging
from journal.core.models import MigrationCheck
from journal.core.notebook_format import CHECKS_DIR, INDEX_NAME, ImportFormatError
from journal.core.storage import Journal
from tests.core.test_export_import import T0, add_check, check_rows, populate, snapshot
from tests.markdown_readers import (
    COMMANDS,
    MARKDOWN_IT,
    available,
    html_problems,
    markdown_it_problems,
    own_links_of,
    render,
)

FORMAT_9 = Path(__file__).parents[1] / "fixtures" / "export_format9.md"
# The format-9 file imported, given a finished migration check of its runs 1 (replayed by
# run 2) and 3, and written by the format-10 exporter (the commit before format 11: every
# readable line under a hash), without a clock.
FORMAT_10 = Path(__file__).parents[1] / "fixtures" / "export_format10.md"


def test_a_check_round_trips_byte_for_byte(journal: Journal, tmp_path: Path) -> None:
    ids = populate(journal)
    add_check(journal, ids)
    path = tmp_path / "export.md"
    export_to_path(journal, path)
    text = path.read_text(encoding="utf-8")
    assert "\n## Migration checks\n" in text
    assert "| 1 | [run 1](#run-" in text and "| 2 | [run 3](#run-" in text
    assert "<!-- llm-journal:check {" in text and text.count("llm-journal:check_item ") == 2
    assert "<script>" not in text
    with Journal.open(tmp_path / "other.sqlite") as other:
        result = import_markdown(other, path)
        assert (result.new_checks, result.present_checks) == (1, 0)
        assert "1 new migration check" in result.summary()
        assert check_rows(other.path) == check_rows(journal.path)
        assert snapshot(other.path) == snapshot(journal.path)
        again = tmp_path / "again.md"
        export_to_path(other, again)
        assert again.read_bytes() == path.read_bytes()
        twice = import_markdown(other, path)  # its uuid is there: skipped, like an experiment
        assert (twice.new_checks, twice.present_checks) == (0, 1)
        assert len(check_rows(other.path)) == 2


def test_a_check_whose_runs_are_not_all_exported_is_named_and_left_out(
    journal: Journal, tmp_path: Path
) -> None:
    ids = populate(journal)
    check = add_check(journal, ids)
    with journal.write() as session:
        session.execute(
            text("UPDATE run SET trashed_at = :t WHERE id = :id"), {"t": T0, "id": ids["odd"]}
        )
    path = tmp_path / "export.md"
    export_to_path(journal, path)
    exported = path.read_text(encoding="utf-8")
    assert (
        f"*Check {check} (" in exported and f"runs {ids['odd']} are not in this export" in exported
    )
    assert "llm-journal:check " not in exported
    with Journal.open(tmp_path / "other.sqlite") as other:
        assert import_markdown(other, path).new_checks == 0


def test_a_check_item_naming_a_run_not_exported_is_refused_before_any_write(
    journal: Journal, tmp_path: Path
) -> None:
    ids = populate(journal)
    add_check(journal, ids)
    path = tmp_path / "export.md"
    export_to_path(journal, path)
    text = path.read_text(encoding="utf-8")
    start = text.index('"source_run": "') + len('"source_run": "')
    # Another hex digit keeps the uuid well-formed; the run's own uuid may begin with "0".
    other_digit = "1" if text[start] == "0" else "0"
    damaged = tmp_path / "damaged.md"
    damaged.write_text(text[:start] + other_digit + text[start + 1 :], encoding="utf-8")
    with Journal.open(tmp_path / "other.sqlite") as other:
        with pytest.raises(ImportFormatError, match="are not in this export nor in this journal"):
            import_markdown(other, damaged)
        conn = sqlite3.connect(other.path)
        try:
            assert conn.execute("SELECT count(*) FROM experiment").fetchone() == (0,)
        finally:
            conn.close()


@pytest.mark.parametrize("command", ["markdown-it", *COMMANDS])
def test_a_check_with_a_hostile_name_comes_out_as_text(
    journal: Journal, tmp_path: Path, command: str
) -> None:
    ids = populate(journal)
    export_to_path(journal, tmp_path / "before.md")
    before = MARKDOWN_IT["commonmark"].parse((tmp_path / "before.md").read_text(encoding="utf-8"))
    add_check(journal, ids)
    path = tmp_path / "export.md"
    export_to_path(journal, path)
    text = path.read_text(encoding="utf-8")
    # The check's text, check and two item blocks; nothing else of it is HTML.
    blocks = sum(token.type == "html_block" for token in before) + 4
    if command == "markdown-it":
        assert not markdown_it_problems(text, own_links=frozenset(), blocks=blocks)
        return
    if not available(command):
        pytest.skip(f"{command} is not installed")
    assert not html_problems(render(command, text), own_links=frozenset(), blocks=blocks)
    folder = tmp_path / "export"
    export_to_path(journal, folder, layout=Layout.FOLDER)
    (page,) = (folder / CHECKS_DIR).iterdir()
    own = frozenset({f"../{name}" for name in os.listdir(folder)})
    shown = render(command, page.read_text(encoding="utf-8"))
    assert not html_problems(shown, own_links=own, blocks=5)


def test_a_format_9_export_still_imports_with_no_checks(journal: Journal, tmp_path: Path) -> None:
    """The format-8 fixture imported and written by the format-9 exporter (the commit
    before format 10: migration checks), without a clock: it imports as it did."""
    text = FORMAT_9.read_text(encoding="utf-8")
    assert '"llm_journal": 9' in text.split("\n---\n", 1)[0]
    result = import_markdown(journal, FORMAT_9)
    assert (result.new_experiments, result.new_runs, result.new_checks) == (2, 5, 0)
    again = tmp_path / "again.md"
    export_to_path(journal, again)
    assert again.read_text(encoding="utf-8") == text.replace(
        '"llm_journal": 9', '"llm_journal": 11', 1
    )


def test_a_format_10_export_still_imports_with_its_check(journal: Journal, tmp_path: Path) -> None:
    text = FORMAT_10.read_text(encoding="utf-8")
    assert '"llm_journal": 10' in text.split("\n---\n", 1)[0]
    result = import_markdown(journal, FORMAT_10)
    assert (result.new_experiments, result.new_runs, result.new_checks) == (2, 5, 1)
    assert result.edited_text == []
    again = tmp_path / "again.md"
    export_to_path(journal, again)  # no text after its check: format 11 writes the same
    assert again.read_text(encoding="utf-8") == text.replace(
        '"llm_journal": 10', '"llm_journal": 11', 1
    )


def _lone_check(journal: Journal, tmp_path: Path) -> tuple[Path, dict[str, int], Path]:
    """A check's file from a folder export, the journal's ids, and a one-file export of
    the same journal made before the check (its runs, no check)."""
    ids = populate(journal)
    runs_only = tmp_path / "runs.md"
    export_to_path(journal, runs_only)
    add_check(journal, ids)
    folder = tmp_path / "export"
    export_to_path(journal, folder, layout=Layout.FOLDER)
    (page,) = (folder / CHECKS_DIR).iterdir()
    return page, ids, runs_only


def test_a_lone_check_file_imports_into_a_journal_holding_its_runs(
    journal: Journal, tmp_path: Path
) -> None:
    page, _, runs_only = _lone_check(journal, tmp_path)
    with Journal.open(tmp_path / "other.sqlite") as other:
        import_markdown(other, runs_only)
        assert check_rows(other.path) == []
        result = import_markdown(other, page)
        assert (result.new_experiments, result.new_runs, result.new_checks) == (0, 0, 1)
        assert result.edited_text == []
        assert check_rows(other.path) == check_rows(journal.path)
        again = import_markdown(other, page)
        assert (again.new_checks, again.present_checks) == (0, 1)


def test_a_lone_check_file_lacking_runs_is_refused_naming_them_before_any_write(
    journal: Journal, tmp_path: Path
) -> None:
    page, ids, _ = _lone_check(journal, tmp_path)
    uuids = {row[0]: str(row[1]) for row in _rows(journal, "SELECT id, uuid FROM run")}
    rivers = tmp_path / "rivers.md"  # the check's first item's runs, not its second's
    export_to_path(journal, rivers, selection=ExportSelection(experiment_id=ids["rivers"]))
    with Journal.open(tmp_path / "other.sqlite") as other:
        import_markdown(other, rivers)
        before = snapshot(other.path)
        with pytest.raises(ImportFormatError) as refused:
            import_markdown(other, page)
        assert str(refused.value).endswith(
            f'migration check 1 cannot be imported: runs "{uuids[ids["odd"]]}" '
            "are not in this export nor in this journal"
        )
        assert str(refused.value).startswith(f"{page}:")
        assert snapshot(other.path) == before and check_rows(other.path) == []
    with Journal.open(tmp_path / "empty.sqlite") as empty:
        with pytest.raises(ImportFormatError) as refused:
            import_markdown(empty, page)
        lacking = ", ".join(f'"{uuids[ids[k]]}"' for k in ("first", "replay", "odd"))
        assert f"runs {lacking} are not in" in str(refused.value)
        assert check_rows(empty.path) == []


def test_a_lone_checks_run_gone_before_the_merge_is_refused_and_nothing_written(
    journal: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its runs are looked up without the write lock: one deleted meanwhile (another
    program emptied the trash) is caught under the lock, and the merge rolls back."""
    page, ids, runs_only = _lone_check(journal, tmp_path)
    odd = str(_rows(journal, f"SELECT uuid FROM run WHERE id = {ids['odd']}")[0][0])
    real_merge = import_staging.merge

    def trash_emptied_then_merge(target: Journal, staging: Staging) -> Merged:
        conn = sqlite3.connect(target.path)
        try:
            with conn:
                conn.execute("DELETE FROM run WHERE uuid = ?", (odd,))
        finally:
            conn.close()
        return real_merge(target, staging)

    with Journal.open(tmp_path / "other.sqlite") as other:
        import_markdown(other, runs_only)
        monkeypatch.setattr(importer, "merge", trash_emptied_then_merge)
        with pytest.raises(InvalidInputError, match="left this journal during the import"):
            import_markdown(other, page)
        assert check_rows(other.path) == []


def _rows(journal: Journal, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(journal.path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _folder(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_a_folder_export_gives_a_check_its_file_and_a_line_in_the_index(
    journal: Journal, tmp_path: Path
) -> None:
    ids = populate(journal)
    check = add_check(journal, ids)
    folder = tmp_path / "export"
    export_to_path(journal, folder, layout=Layout.FOLDER)
    name = f"{check:04d}-script-alert-1-script-ticks-pipes.md"
    page = (folder / CHECKS_DIR / name).read_text(encoding="utf-8")
    index = (folder / INDEX_NAME).read_text(encoding="utf-8")
    assert f"]({CHECKS_DIR}/{name}) |" in index and '"checks": 1' in index
    assert "| 1 | [run 1](../0001-rivers-that-cross-borders.md#run-" in page
    assert "<script>" not in page + index
    own = frozenset({f"../{n}" for n in os.listdir(folder)} | {f"../{INDEX_NAME}"})
    assert not markdown_it_problems(page, own_links=own, blocks=5)  # and its end
    experiments = frozenset(n for n in os.listdir(folder) if n.endswith(".md"))
    own_index = own_links_of(INDEX_NAME, experiments) | {f"{CHECKS_DIR}/{name}"}
    assert not markdown_it_problems(index, own_links=own_index, blocks=2)  # text, end
    with Journal.open(tmp_path / "other.sqlite") as other:
        assert import_markdown(other, folder).new_checks == 1
        assert check_rows(other.path) == check_rows(journal.path)
        export_to_path(other, tmp_path / "again", layout=Layout.FOLDER)
        assert _folder(tmp_path / "again") == _folder(folder)
    # An earlier export's checks folder is the export's own: replaced when asked.
    with journal.write() as session:
        session.execute(text("DELETE FROM migration_check_item"))
        session.execute(text("DELETE FROM migration_check"))
    export_to_path(journal, folder, layout=Layout.FOLDER, force=True)
    assert not (folder / CHECKS_DIR).exists()


def test_a_check_exported_while_running_imports_as_interrupted(
    journal: Journal, tmp_path: Path
) -> None:
    ids = populate(journal)
    check = add_check(journal, ids)
    with journal.write() as session:
        session.execute(
            text("UPDATE migration_check SET status = 'running', owner = 'pid 1' WHERE id = :id"),
            {"id": check},
        )
    path = tmp_path / "export.md"
    export_to_path(journal, path)
    assert "pid 1" not in path.read_text(encoding="utf-8")
    with Journal.open(tmp_path / "other.sqlite") as other:
        import_markdown(other, path)
        conn = sqlite3.connect(other.path)
        try:
            assert conn.execute("SELECT status, owner FROM migration_check").fetchall() == [
                ("interrupted", "")
            ]
        finally:
            conn.close()


def test_an_edit_to_a_checks_readable_text_is_named_and_not_imported(
    journal: Journal, tmp_path: Path
) -> None:
    ids = populate(journal)
    add_check(journal, ids)
    path = tmp_path / "export.md"
    export_to_path(journal, path)
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("**Standing:**", "**Standing (edited):**"), encoding="utf-8")
    with Journal.open(tmp_path / "other.sqlite") as other:
        result = import_markdown(other, path)
        assert result.edited_text == [f"{path} (migration check 1)"]
        assert check_rows(other.path) == check_rows(journal.path)


def test_a_check_goes_with_a_selection_holding_its_runs_and_one_of_no_runs_only_whole(
    journal: Journal, tmp_path: Path
) -> None:
    ids = populate(journal)
    add_check(journal, ids)
    with journal.write() as session:
        session.add(MigrationCheck(name="nothing matched", target_model="qwen3:0.6b"))
    whole = tmp_path / "whole.md"
    export_to_path(journal, whole)
    assert whole.read_text(encoding="utf-8").count("llm-journal:check ") == 2
    rivers = tmp_path / "rivers.md"  # holds the check's first item, not its second
    export_to_path(journal, rivers, selection=ExportSelection(experiment_id=ids["rivers"]))
    text = rivers.read_text(encoding="utf-8")
    assert "llm-journal:check " not in text and "is left out: runs 3 are not" in text
    assert "nothing matched" not in text
