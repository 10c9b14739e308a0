"""`journal export --force` replaces only an earlier export: a person's own files stay, special
files are refused at once (never opened, so nothing hangs), and a failure changes nothing."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest

from journal.core.storage import Journal
from tests.core.test_export_import import populate
from tests.core.test_export_target import NEVER_BLOCKS, _device, _person_files, _socket, _tree
from tests.journal_process import run_cli as _cli


@pytest.fixture
def ids(journal: Journal) -> dict[str, int]:
    return populate(journal)


def _error(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("journal: error: "), err
    return lines[0].removeprefix("journal: error: ")


def _export(capsys: pytest.CaptureFixture[str], db: Path, *argv: str) -> tuple[int, str]:
    code, _, err = _cli(capsys, "--db", str(db), "export", *argv)
    return code, err


def test_force_does_not_replace_a_persons_own_file(
    capsys: pytest.CaptureFixture[str], db_path: Path, ids: dict[str, int], tmp_path: Path
) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# My notes\n")
    for force in ([], ["--force"]):
        code, err = _export(capsys, db_path, "-o", str(notes), *force)
        assert code == 1
        assert _error(err) == (
            f"{notes} exists and is not an LLM Journal export; it was left alone. "
            "Choose another name."
        )
    assert notes.read_text() == "# My notes\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@NEVER_BLOCKS
def test_force_on_a_folder_keeps_the_persons_files_in_it(
    capsys: pytest.CaptureFixture[str], db_path: Path, ids: dict[str, int], tmp_path: Path
) -> None:
    folder = tmp_path / "notebook"
    assert _export(capsys, db_path, "-o", str(folder), "--layout", "folder")[0] == 0
    _person_files(folder)
    theirs = {k: v for k, v in _tree(folder).items() if not k.startswith(("index", "000"))}
    code, err = _export(
        capsys, db_path, "-o", str(folder), "--layout", "folder", "--force", "--tag", "geo"
    )
    assert code == 0 and err.startswith("Exported 1 experiment and 2 runs"), err
    after = _tree(folder)
    assert {k: after[k] for k in theirs} == theirs
    assert sorted(set(after) - set(theirs)) == ["0001-rivers-that-cross-borders.md", "index.md"]


@NEVER_BLOCKS
@pytest.mark.parametrize("layout", ["file", "folder"])
@pytest.mark.parametrize("force", [[], ["--force"]])
def test_a_named_pipe_is_refused_at_once_with_a_hint(
    capsys: pytest.CaptureFixture[str],
    db_path: Path,
    ids: dict[str, int],
    tmp_path: Path,
    layout: str,
    force: list[str],
) -> None:
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    code, err = _export(capsys, db_path, "-o", str(pipe), "--layout", layout, *force)
    assert code == 1
    assert _error(err) == (
        f"{pipe} is a named pipe, not a file; nothing was written. "
        "To write to standard output, use -o -."
    )
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)


def test_a_device_is_refused_and_stays_a_device(
    capsys: pytest.CaptureFixture[str], db_path: Path, ids: dict[str, int], tmp_path: Path
) -> None:
    device = _device(tmp_path / "null")
    code, err = _export(capsys, db_path, "-o", str(device), "--force")
    assert code == 1 and _error(err).startswith(f"{device} is a device, not a file;")
    assert stat.S_ISCHR(os.lstat(device).st_mode)


def test_a_socket_is_refused(
    capsys: pytest.CaptureFixture[str],
    db_path: Path,
    ids: dict[str, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    with _socket("s.sock") as path:
        code, err = _export(capsys, db_path, "-o", "s.sock", "--force")
        assert code == 1 and _error(err).startswith("s.sock is a socket, not a file;")
        assert stat.S_ISSOCK(os.lstat(path).st_mode)


@NEVER_BLOCKS
def test_a_failed_replacement_changes_nothing(
    capsys: pytest.CaptureFixture[str],
    db_path: Path,
    ids: dict[str, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    folder = tmp_path / "notebook"
    _export(capsys, db_path, "-o", str(folder), "--layout", "folder")
    _person_files(folder)
    before = _tree(folder)
    real = os.rename
    failed = False

    def rename(source: Any, target: Any) -> None:
        nonlocal failed
        if Path(target) == folder and not failed:  # the new export, moving in
            failed = True
            raise OSError(28, "No space left on device")
        real(source, target)

    monkeypatch.setattr(os, "rename", rename)
    code, err = _export(capsys, db_path, "-o", str(folder), "--layout", "folder", "--force")
    assert code == 1
    assert _error(err) == (
        f"Cannot write the export to {folder}: No space left on device. Nothing there was changed."
    )
    assert _tree(folder) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
