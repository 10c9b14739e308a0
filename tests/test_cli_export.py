"""`journal export` and `journal import` end to end: files, folders, stdout, and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from journal.core.storage import Journal
from tests.core.test_export_import import add_check, check_rows, count_rows, populate, snapshot
from tests.journal_process import run_cli as _cli


@pytest.fixture
def ids(journal: Journal) -> dict[str, int]:
    return populate(journal)


def _one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("journal: error: ")
    assert "Traceback" not in err
    return lines[0]


def test_export_to_a_file_then_refuse_to_overwrite_it_without_force(
    capsys: pytest.CaptureFixture[str], db_path: Path, ids: dict[str, int], tmp_path: Path
) -> None:
    target = tmp_path / "notes.md"
    code, out, err = _cli(capsys, "--db", str(db_path), "export", "-o", str(target))
    assert code == 0 and out == ""
    assert err == f"Exported 3 experiments and 3 runs to {target} ({_kb(target)}).\n"
    first = target.read_bytes()
    assert first.startswith(b'---\n{\n  "layout": "file",\n  "llm_journal": 11\n}\n---\n')

    code, _, err = _cli(capsys, "--db", str(db_path), "export", "-o", str(target), "--tag", "geo")
    line = _one_error_line(err)
    assert code == 1
    assert line == (
        f"journal: error: {target} already exists; nothing was written. Add --force to replace it."
    )
    assert target.read_bytes() == first

    code, _, err = _cli(
        capsys, "--db", str(db_path), "export", "-o", str(target), "--tag", "geo", "--force"
    )
    assert code == 0 and "Exported 1 experiment and 2 runs" in err
    assert target.read_bytes() != first and b"Experiments tagged `geo`." in target.read_bytes()


def _kb(path: Path) -> str:
    return f"{path.stat().st_size / 1000:.1f} KB"


def test_export_to_stdout_is_the_same_document(
    capsys: pytest.CaptureFixture[str], db_path: Path, ids: dict[str, int], tmp_path: Path
) -> None:
    code, out, err = _cli(capsys, "--db", str(db_path), "export", "-o", "-")
    assert code == 0 and err == "Exported 3 experiments and 3 runs to standard output.\n"
    _cli(capsys, "--db", str(db_path), "export", "-o", str(tmp_path / "x.md"))
    assert out == (tmp_path / "x.md").read_text(encoding="utf-8")

    code, _, err = _cli(capsys, "--db", str(db_path), "export", "-o", "-", "--layout", "folder")
    assert code == 1 and "A folder cannot go to standard output" in _one_error_line(err)


def test_export_to_stdout_of_runs_showing_images_is_refused_in_one_line(
    capsys: pytest.CaptureFixture[str], db_path: Path, tmp_path: Path
) -> None:
    from tests.core.test_export_conversations import conversation

    with Journal.open(db_path) as journal:
        conversation(journal)
    code, out, err = _cli(capsys, "--db", str(db_path), "export", "-o", "-")
    assert code == 1 and out == ""
    assert _one_error_line(err) == (
        "journal: error: These experiments show images, which standard output cannot carry "
        "(they are files beside the export); export to a file or folder instead, such as "
        "`journal export -o notebook.md`. Nothing was written."
    )
    code, out, _ = _cli(capsys, "--db", str(db_path), "export", "-o", "-", "--search", "alone")
    assert code == 0 and '"llm_journal": 11' in out  # no images there: as before


def test_export_a_folder_with_json_summary_and_replace_it(
    capsys: pytest.CaptureFixture[str], db_path: Path, ids: dict[str, int], tmp_path: Path
) -> None:
    folder = tmp_path / "notebook"
    argv = ["--db", str(db_path), "export", "-o", str(folder), "--layout", "folder", "--json"]
    code, out, _ = _cli(capsys, *argv)
    assert code == 0
    record = json.loads(out)
    assert record["experiments"] == 3 and record["runs"] == 3 and record["layout"] == "folder"
    assert (folder / "index.md").exists() and (
        folder / "0001-rivers-that-cross-borders.md"
    ).exists()
    code, _, err = _cli(capsys, *argv)
    assert code == 1 and "Add --force" in _one_error_line(err)
    code, _, _ = _cli(capsys, *argv, "--force", "--experiment", str(ids["rivers"]))
    assert code == 0
    assert sorted(p.name for p in folder.iterdir()) == [
        "0001-rivers-that-cross-borders.md",
        "index.md",
    ]

    home = tmp_path / "home"
    home.mkdir()
    (home / "keep.txt").write_text("mine")
    code, _, err = _cli(
        capsys, "--db", str(db_path), "export", "-o", str(home), "--layout", "folder", "--force"
    )
    assert code == 1 and "not an LLM Journal export" in _one_error_line(err)
    assert (home / "keep.txt").read_text() == "mine"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--model", "qwen3:0.6b"], "Exported 1 experiment and 2 runs"),
        (["--verdict", "failed"], "Exported 1 experiment and 1 run "),
        (["--search", "terse"], "Exported 1 experiment and 2 runs"),
        (["--since", "2999-01-01"], "Exported 0 experiments and 0 runs"),
        (["--since", "2000-01-01T00:00"], "Exported 3 experiments and 3 runs"),
        (["--experiment", "3"], "Exported 1 experiment and 0 runs"),
    ],
)
def test_export_filters(
    capsys: pytest.CaptureFixture[str],
    db_path: Path,
    ids: dict[str, int],
    tmp_path: Path,
    args: list[str],
    expected: str,
) -> None:
    code, _, err = _cli(capsys, "--db", str(db_path), "export", "-o", str(tmp_path / "x.md"), *args)
    assert code == 0 and err.startswith(expected), err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "yesterday"], "--since takes a date like 2026-01-31"),
        (["--experiment", "99"], "There is no experiment 99."),
    ],
)
def test_export_bad_arguments_fail_in_one_line(
    capsys: pytest.CaptureFixture[str],
    db_path: Path,
    ids: dict[str, int],
    tmp_path: Path,
    args: list[str],
    message: str,
) -> None:
    code, _, err = _cli(capsys, "--db", str(db_path), "export", "-o", str(tmp_path / "x.md"), *args)
    assert code == 1 and message in _one_error_line(err)
    assert not (tmp_path / "x.md").exists()


def test_import_twice_adds_nothing_the_second_time(
    capsys: pytest.CaptureFixture[str], db_path: Path, ids: dict[str, int], tmp_path: Path
) -> None:
    export = tmp_path / "notes.md"
    _cli(capsys, "--db", str(db_path), "export", "-o", str(export))
    other = tmp_path / "other.sqlite"
    code, _, err = _cli(capsys, "--db", str(other), "import", str(export))
    assert code == 0
    assert err == f"Imported {export}: 3 new experiments, 3 new runs, 0 already present.\n"
    code, out, _ = _cli(capsys, "--db", str(other), "import", str(export), "--json")
    assert code == 0
    record = json.loads(out)
    assert (record["new_experiments"], record["new_runs"]) == (0, 0)
    assert (record["present_experiments"], record["present_runs"]) == (3, 3)
    code, _, err = _cli(capsys, "--db", str(other), "import", str(export))
    assert "0 new experiments, 0 new runs, 6 already present" in err
    assert snapshot(other) == snapshot(db_path)


def test_a_damaged_file_is_refused_with_its_line_and_nothing_imported(
    capsys: pytest.CaptureFixture[str], db_path: Path, ids: dict[str, int], tmp_path: Path
) -> None:
    export = tmp_path / "notes.md"
    _cli(capsys, "--db", str(db_path), "export", "-o", str(export))
    text = export.read_text(encoding="utf-8")
    damaged = text.replace('"model": "qwen3:0.6b",', '"model": "qwen3:0.6b"', 1)
    export.write_text(damaged, encoding="utf-8")
    line = damaged[: damaged.index('"model": "qwen3:0.6b" ')].count("\n") + 1  # its block's line
    other = tmp_path / "other.sqlite"
    code, out, err = _cli(capsys, "--db", str(other), "import", str(export))
    assert code == 1 and out == ""
    assert _one_error_line(err) == (
        f"journal: error: {export}:{line}: metadata block is not valid JSON "
        "(Expecting ',' delimiter)"
    )
    with Journal.open(other) as journal:
        assert count_rows(journal) == (0, 0)

    code, _, err = _cli(capsys, "--db", str(other), "import", str(tmp_path / "nowhere"))
    assert code == 1 and "There is no file or folder" in _one_error_line(err)


def test_import_says_which_readable_text_was_edited(
    capsys: pytest.CaptureFixture[str], db_path: Path, ids: dict[str, int], tmp_path: Path
) -> None:
    export = tmp_path / "notes.md"
    _cli(capsys, "--db", str(db_path), "export", "-o", str(export), "--layout", "folder")
    page = next(p for p in sorted(export.iterdir()) if p.name.startswith("0001-"))
    text = page.read_text(encoding="utf-8")
    assert "\n## Hypothesis\n" in text
    page.write_text(text.replace("\n## Hypothesis\n", "\n## My hypothesis\n", 1), encoding="utf-8")
    code, _, err = _cli(capsys, "--db", str(tmp_path / "other.sqlite"), "import", str(export))
    assert code == 0
    assert err.splitlines()[1:] == [
        f"readable text edited in {page}: the edits were not imported "
        "(the metadata is what is read)"
    ]


def test_import_of_a_lone_check_file_needs_its_runs_in_the_journal(
    capsys: pytest.CaptureFixture[str], db_path: Path, ids: dict[str, int], tmp_path: Path
) -> None:
    runs_only = tmp_path / "runs.md"
    _cli(capsys, "--db", str(db_path), "export", "-o", str(runs_only))
    with Journal.open(db_path) as journal:
        add_check(journal, ids)
    folder = tmp_path / "notes"
    _cli(capsys, "--db", str(db_path), "export", "-o", str(folder), "--layout", "folder")
    (page,) = (folder / "checks").iterdir()
    holding = tmp_path / "holding.sqlite"
    _cli(capsys, "--db", str(holding), "import", str(runs_only))
    code, _, err = _cli(capsys, "--db", str(holding), "import", str(page))
    assert code == 0
    assert err == (
        f"Imported {page}: 0 new experiments, 0 new runs, 0 already present; "
        "1 new migration check (0 already present).\n"
    )
    assert check_rows(holding) == check_rows(db_path)
    empty = tmp_path / "empty.sqlite"
    code, out, err = _cli(capsys, "--db", str(empty), "import", str(page))
    assert code == 1 and out == ""
    line = _one_error_line(err)
    assert line.startswith(f"journal: error: {page}:") and "cannot be imported: runs " in line
    assert line.endswith(" are not in this export nor in this journal")
    assert check_rows(empty) == []
