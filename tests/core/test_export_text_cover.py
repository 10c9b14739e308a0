"""Every readable line of an export is under a hash (format 11): an edit anywhere is named,
by file and part, and an untouched export, line endings and trailing spaces changed or not,
reports nothing. The metadata is still what an import reads."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from journal.core.export_markdown import Layout, export_to_path
from journal.core.import_markdown import import_markdown
from journal.core.models import MigrationCheck
from journal.core.notebook_format import CHECKS_DIR, INDEX_NAME
from journal.core.storage import Journal
from tests.core.test_export_import import T0, add_check, check_rows, populate, snapshot

NOTE = "A note of mine.\n\n"
TEXT_BLOCK = "<!-- llm-journal:text "


def _line(at: str, offset: int) -> int:
    return at[:offset].count("\n") + 1


def _before_text_block(number: int) -> Callable[[str], tuple[str, int]]:
    """Adds a note just before the `number`-th text block (0: the head's), inside its part."""

    def edit(original: str) -> tuple[str, int]:
        offset = -1
        for _ in range(number + 1):
            offset = original.index(TEXT_BLOCK, offset + 1)
        return original[:offset] + NOTE + original[offset:], _line(original, offset)

    return edit


def _between_blocks(original: str) -> tuple[str, int]:
    offset = original.index("<!-- llm-journal:run ")
    return original[:offset] + NOTE + original[offset:], _line(original, offset)


def _after_the_end(original: str) -> tuple[str, int]:
    return original + "\n" + NOTE, _line(original, len(original)) + 1


def _import_edited(path: Path, other: Path) -> list[str]:
    with Journal.open(other) as journal:
        return import_markdown(journal, path).edited_text


def _as_if_reformatted(original: str) -> str:
    """What an editor that converts line endings and pads lines would save (the front
    matter's fences aside: metadata, not readable text)."""
    padded = (line if line == "---" else line + "  " for line in original.split("\n"))
    return "".join(line + "\r\n" for line in padded) + "\r\n"


@pytest.fixture
def exported(journal: Journal, tmp_path: Path) -> Path:
    add_check(journal, populate(journal))
    path = tmp_path / "export.md"
    export_to_path(journal, path)
    return path


@pytest.mark.parametrize(
    ("edit", "part"),
    [
        (_before_text_block(0), "before its first experiment"),
        (_before_text_block(1), "experiment 1"),
        (_before_text_block(3), "experiment 3"),
        (_before_text_block(4), "migration check 1"),
        (_between_blocks, "line {line}, between two metadata blocks"),
        (_after_the_end, "line {line}, after the end marker"),
    ],
    ids=["head", "first experiment", "last experiment", "check", "between blocks", "after end"],
)
def test_an_edit_anywhere_in_one_file_is_named_with_its_part(
    journal: Journal,
    exported: Path,
    tmp_path: Path,
    edit: Callable[[str], tuple[str, int]],
    part: str,
) -> None:
    original = exported.read_text(encoding="utf-8")
    assert original.count(TEXT_BLOCK) == 5  # the head, three experiments, the check
    edited, line = edit(original)
    exported.write_text(edited, encoding="utf-8")
    with Journal.open(tmp_path / "other.sqlite") as other:
        result = import_markdown(other, exported)
        assert result.edited_text == [f"{exported} ({part.format(line=line)})"]
        assert snapshot(other.path) == snapshot(journal.path)  # the metadata is what is read
        assert check_rows(other.path) == check_rows(journal.path)


def test_the_part_after_the_last_experiment_has_its_own_hash(
    journal: Journal, tmp_path: Path
) -> None:
    """With no check exported, the "Migration checks" part (the checks left out) follows
    the last experiment's blocks: format 10 left it under no hash."""
    ids = populate(journal)
    add_check(journal, ids)
    with journal.write() as session:
        session.execute(
            text("UPDATE run SET trashed_at = :t WHERE id = :id"), {"t": T0, "id": ids["odd"]}
        )
    path = tmp_path / "export.md"
    export_to_path(journal, path)
    original = path.read_text(encoding="utf-8")
    assert "## Migration checks" in original.split(TEXT_BLOCK)[-2]  # its own text block
    assert _import_edited(path, tmp_path / "untouched.sqlite") == []
    path.write_text(original.replace("is left out: runs", "is dropped: runs"), encoding="utf-8")
    assert _import_edited(path, tmp_path / "other.sqlite") == [
        f"{path} (after its last experiment)"
    ]


def test_an_export_of_no_experiments_but_a_check_is_covered_and_untouched(
    journal: Journal, tmp_path: Path
) -> None:
    """ "No experiments match." sits before the check's text: it is hashed with it (format 10
    hashed it nowhere, and named the untouched check as edited)."""
    with journal.write() as session:
        session.add(MigrationCheck(name="nothing matched", target_model="qwen3:0.6b"))
    path = tmp_path / "export.md"
    export_to_path(journal, path)
    original = path.read_text(encoding="utf-8")
    assert "*No experiments match.*" in original
    assert _import_edited(path, tmp_path / "untouched.sqlite") == []
    path.write_text(original.replace("No experiments match", "Nothing"), encoding="utf-8")
    assert _import_edited(path, tmp_path / "other.sqlite") == [f"{path} (migration check 1)"]


def test_an_untouched_export_reports_nothing_whatever_its_line_endings(
    exported: Path, tmp_path: Path
) -> None:
    assert _import_edited(exported, tmp_path / "as-is.sqlite") == []
    exported.write_bytes(_as_if_reformatted(exported.read_text(encoding="utf-8")).encode("utf-8"))
    assert _import_edited(exported, tmp_path / "reformatted.sqlite") == []


@pytest.fixture
def folder(journal: Journal, tmp_path: Path) -> Path:
    add_check(journal, populate(journal))
    folder = tmp_path / "export"
    export_to_path(journal, folder, layout=Layout.FOLDER)
    return folder


def _edit(path: Path, edit: Callable[[str], tuple[str, int]]) -> int:
    edited, line = edit(path.read_text(encoding="utf-8"))
    path.write_text(edited, encoding="utf-8")
    return line


def test_a_folder_export_names_each_edited_file(folder: Path, tmp_path: Path) -> None:
    index = folder / INDEX_NAME
    assert index.read_text(encoding="utf-8").count(TEXT_BLOCK) == 1
    assert _import_edited(folder, tmp_path / "untouched.sqlite") == []
    (check,) = (folder / CHECKS_DIR).iterdir()
    page = next(folder.glob("0002-*.md"))
    _edit(index, _before_text_block(0))
    _edit(check, _before_text_block(0))
    _edit(page, _before_text_block(0))
    assert _import_edited(folder, tmp_path / "edited.sqlite") == [
        str(index),
        str(page),
        str(check),
    ]


def test_text_a_folder_export_never_writes_is_named_with_its_line(
    folder: Path, tmp_path: Path
) -> None:
    index = folder / INDEX_NAME
    (check,) = (folder / CHECKS_DIR).iterdir()
    page = next(folder.glob("0001-*.md"))
    at_index = _edit(index, _after_the_end)
    at_page = _edit(page, _between_blocks)
    at_check = _edit(check, _after_the_end)
    assert _import_edited(folder, tmp_path / "edited.sqlite") == [
        f"{index} (line {at_index}, after the end marker)",
        f"{page} (line {at_page}, between two metadata blocks)",
        f"{check} (line {at_check}, after the end marker)",
    ]


def test_an_untouched_folder_reports_nothing_whatever_its_line_endings(
    folder: Path, tmp_path: Path
) -> None:
    for path in folder.rglob("*.md"):
        path.write_bytes(_as_if_reformatted(path.read_text(encoding="utf-8")).encode("utf-8"))
    assert _import_edited(folder, tmp_path / "reformatted.sqlite") == []
