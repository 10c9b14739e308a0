"""What an export may replace: only what an earlier export wrote, never a special file, and on
failure nothing at the target has changed."""

from __future__ import annotations

import os
import socket
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from journal.core.export_entries import ExportSelection
from journal.core.export_markdown import Layout, export_to_path
from journal.core.export_target import check_target, earlier_export_files
from journal.core.notebook_format import (
    ExportError,
    ExportTargetExistsError,
    SpecialTargetError,
    export_layout,
)
from journal.core.storage import Journal
from tests.core.test_export_import import populate

# A named pipe must never be opened: that would wait for a writer forever. These tests fail
# (rather than hang the suite) if it ever is.
NEVER_BLOCKS = pytest.mark.timeout(60)


@pytest.fixture
def ids(journal: Journal) -> dict[str, int]:
    return populate(journal)


def _tree(folder: Path) -> dict[str, Any]:
    """Every entry under `folder`: bytes of files, targets of links, kinds of the rest."""
    found: dict[str, Any] = {}
    for path in sorted(folder.rglob("*")):
        mode = os.lstat(path).st_mode
        name = str(path.relative_to(folder))
        if stat.S_ISLNK(mode):
            found[name] = ("link", os.readlink(path))
        elif stat.S_ISREG(mode):
            found[name] = path.read_bytes()
        elif stat.S_ISDIR(mode):
            found[name] = "folder"
        else:
            found[name] = ("special", stat.S_IFMT(mode))
    return found


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


@contextmanager
def _socket(name: str) -> Iterator[Path]:
    """A listening Unix socket at `name`, relative: a socket's path must stay short."""
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        server.bind(name)
        yield Path(name).absolute()
    finally:
        server.close()


def _device(path: Path) -> Path:
    try:
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))  # what /dev/null is
    except (PermissionError, AttributeError):
        pytest.skip("making a device node needs privileges this test does not have")
    return path


# -- one file ------------------------------------------------------------------------------


def test_a_file_is_replaced_only_if_an_export_wrote_it(
    journal: Journal, ids: dict[str, int], tmp_path: Path
) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("# My notes\n\nyears of work\n")
    for force in (False, True):
        with pytest.raises(ExportTargetExistsError, match="is not an LLM Journal export") as no:
            export_to_path(journal, notes, force=force)
        assert not no.value.replaceable  # --force would not help: it is not an export
    assert notes.read_text() == "# My notes\n\nyears of work\n"

    # An index.md or an experiment's file is an export, but not of one file.
    folder = tmp_path / "folder"
    export_to_path(journal, folder, layout=Layout.FOLDER)
    for name in ("index.md", "0001-rivers-that-cross-borders.md"):
        before = (folder / name).read_bytes()
        with pytest.raises(ExportTargetExistsError, match="is not an LLM Journal export"):
            export_to_path(journal, folder / name, force=True)
        assert (folder / name).read_bytes() == before

    earlier = tmp_path / "earlier.md"
    export_to_path(journal, earlier, selection=ExportSelection(experiment_id=ids["empty"]))
    assert export_layout(earlier) == "file"
    export_to_path(journal, earlier, force=True)
    assert "Rivers that cross borders" in earlier.read_text(encoding="utf-8")

    empty = tmp_path / "empty.md"
    empty.touch()  # nothing to lose
    export_to_path(journal, empty, force=True)
    assert export_layout(empty) == "file"
    assert _leftovers(tmp_path) == []


def test_a_format_1_export_converted_to_crlf_is_still_recognised(
    journal: Journal, ids: dict[str, int], tmp_path: Path
) -> None:
    fixture = Path(__file__).parents[1] / "fixtures" / "export_format1.md"
    old = tmp_path / "old.md"
    old.write_bytes(b"\xef\xbb\xbf" + fixture.read_bytes().replace(b"\n", b"\r\n"))
    assert export_layout(old) == "file"
    export_to_path(journal, old, force=True)
    assert '"llm_journal": 11' in old.read_text(encoding="utf-8")


# -- a folder ------------------------------------------------------------------------------


def _person_files(folder: Path) -> None:
    """What a person may keep in an export folder: notes, a vault's settings, a file named
    like an experiment's but not an export's, a link, a named pipe."""
    (folder / "notes.txt").write_text("mine")
    (folder / ".obsidian").mkdir()
    (folder / ".obsidian" / "app.json").write_text("{}")
    (folder / "0099-my-own-page.md").write_text("# not from an export\n")
    (folder / "link.md").symlink_to(folder / "notes.txt")
    os.mkfifo(folder / "0098-a-pipe.md")


@NEVER_BLOCKS
def test_replacing_a_folder_keeps_every_file_an_export_did_not_write(
    journal: Journal, ids: dict[str, int], tmp_path: Path
) -> None:
    folder = tmp_path / "notebook"
    export_to_path(journal, folder, layout=Layout.FOLDER)
    _person_files(folder)
    earlier = earlier_export_files(folder)
    theirs = {k: v for k, v in _tree(folder).items() if k.split("/")[0] not in earlier}
    assert len(theirs) == 6
    assert earlier == {
        "index.md",
        "0001-rivers-that-cross-borders.md",
        "0002-ticks-b-html-b-pipes.md",
        "0003-untitled.md",
    }

    result = export_to_path(
        journal,
        folder,
        layout=Layout.FOLDER,
        selection=ExportSelection(experiment_id=ids["tricky"]),
        force=True,
    )
    after = _tree(folder)
    assert {k: after[k] for k in theirs} == theirs  # every one of them, as it was
    assert sorted(set(after) - set(theirs)) == ["0002-ticks-b-html-b-pipes.md", "index.md"]
    assert "Experiment 2 only." in (folder / "index.md").read_text(encoding="utf-8")
    assert result.size == sum(
        (folder / name).stat().st_size for name in ("index.md", "0002-ticks-b-html-b-pipes.md")
    )
    assert _leftovers(tmp_path) == []


def test_a_file_of_its_own_where_the_export_would_write_stops_the_export(
    journal: Journal, ids: dict[str, int], tmp_path: Path
) -> None:
    folder = tmp_path / "notebook"
    export_to_path(journal, folder, layout=Layout.FOLDER)
    mine = folder / "0001-rivers-that-cross-borders.md"
    mine.write_text("I rewrote this page by hand, front matter and all gone.\n")
    before = _tree(folder)
    with pytest.raises(ExportTargetExistsError, match="is not from an earlier export") as no:
        export_to_path(journal, folder, layout=Layout.FOLDER, force=True)
    assert str(mine) in no.value.message and not no.value.replaceable
    assert _tree(folder) == before
    assert _leftovers(tmp_path) == []


def test_a_folder_that_is_no_export_is_left_alone_even_with_force(
    journal: Journal, ids: dict[str, int], tmp_path: Path
) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "thesis.md").write_text("years of work")
    (home / "index.md").write_text("# My index\n")
    before = _tree(home)
    with pytest.raises(ExportTargetExistsError, match="not an LLM Journal export"):
        export_to_path(journal, home, layout=Layout.FOLDER, force=True)
    assert _tree(home) == before


# -- special files -------------------------------------------------------------------------


@NEVER_BLOCKS
@pytest.mark.parametrize("layout", list(Layout))
@pytest.mark.parametrize("force", [False, True])
def test_a_named_pipe_is_refused_without_being_opened(
    journal: Journal, ids: dict[str, int], tmp_path: Path, layout: Layout, force: bool
) -> None:
    pipe = tmp_path / "pipe.md"
    os.mkfifo(pipe)
    with pytest.raises(SpecialTargetError, match="is a named pipe, not a file") as no:
        export_to_path(journal, pipe, layout=layout, force=force)
    assert not no.value.replaceable and no.value.kind == "a named pipe"
    assert stat.S_ISFIFO(os.lstat(pipe).st_mode)
    assert _leftovers(tmp_path) == []


@NEVER_BLOCKS
def test_a_link_to_a_named_pipe_is_refused_as_the_pipe_it_is(
    journal: Journal, ids: dict[str, int], tmp_path: Path
) -> None:
    os.mkfifo(tmp_path / "pipe")
    (tmp_path / "out.md").symlink_to(tmp_path / "pipe")
    with pytest.raises(SpecialTargetError, match="is a named pipe"):
        check_target(tmp_path / "out.md", Layout.FILE, force=True)
    assert os.readlink(tmp_path / "out.md") == str(tmp_path / "pipe")


def test_a_device_is_refused(journal: Journal, ids: dict[str, int], tmp_path: Path) -> None:
    device = _device(tmp_path / "null")
    for layout in Layout:
        with pytest.raises(SpecialTargetError, match="is a device, not a file"):
            export_to_path(journal, device, layout=layout, force=True)
    assert stat.S_ISCHR(os.lstat(device).st_mode)


def test_a_socket_is_refused(
    journal: Journal, ids: dict[str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    with _socket("s.sock") as path:
        with pytest.raises(SpecialTargetError, match="is a socket, not a file"):
            export_to_path(journal, path, force=True)
        assert stat.S_ISSOCK(os.lstat(path).st_mode)


def test_a_symbolic_link_is_left_alone(
    journal: Journal, ids: dict[str, int], tmp_path: Path
) -> None:
    export_to_path(journal, tmp_path / "real.md")
    (tmp_path / "latest.md").symlink_to(tmp_path / "real.md")
    before = (tmp_path / "real.md").read_bytes()
    with pytest.raises(ExportTargetExistsError, match="symbolic link; it was left alone"):
        export_to_path(journal, tmp_path / "latest.md", force=True)
    assert (tmp_path / "latest.md").is_symlink() and (tmp_path / "real.md").read_bytes() == before


# -- failing half way ----------------------------------------------------------------------


def _failing_rename(
    monkeypatch: pytest.MonkeyPatch, fails: Callable[[Path, Path], bool]
) -> list[tuple[Path, Path]]:
    """os.rename, failing once (disk full) for the first rename `fails` picks."""
    real = os.rename
    done: list[tuple[Path, Path]] = []
    failed = False

    def rename(source: Any, target: Any) -> None:
        nonlocal failed
        if not failed and fails(Path(source), Path(target)):
            failed = True
            raise OSError(28, "No space left on device")
        real(source, target)
        done.append((Path(source), Path(target)))

    monkeypatch.setattr(os, "rename", rename)
    return done


@NEVER_BLOCKS
@pytest.mark.parametrize(
    "step",
    ["moving a person's second file", "moving the old export aside", "moving the new one in"],
)
def test_a_failure_while_swapping_folders_puts_everything_back(
    journal: Journal,
    ids: dict[str, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    step: str,
) -> None:
    folder = tmp_path / "notebook"
    export_to_path(journal, folder, layout=Layout.FOLDER)
    _person_files(folder)
    before = _tree(folder)
    moved: list[str] = []

    def fails(source: Path, target: Path) -> bool:
        if step == "moving a person's second file" and source.parent == folder:
            moved.append(source.name)
            return len(moved) == 2
        if step == "moving the old export aside":
            return source == folder
        return target == folder and source.name.endswith(".tmp")

    _failing_rename(monkeypatch, fails)
    with pytest.raises(ExportError, match=r"No space left on device\. Nothing there was changed"):
        export_to_path(journal, folder, layout=Layout.FOLDER, force=True)
    assert _tree(folder) == before
    assert _leftovers(tmp_path) == []


@NEVER_BLOCKS
def test_when_even_putting_things_back_fails_no_file_of_a_person_is_lost(
    journal: Journal, ids: dict[str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "notebook"
    export_to_path(journal, folder, layout=Layout.FOLDER)
    _person_files(folder)
    theirs = {k: v for k, v in _tree(folder).items() if not k.startswith(("index", "000"))}
    real = os.rename

    def rename(source: Any, target: Any) -> None:
        if Path(target) == folder:  # neither the new export nor the old one gets back in
            raise OSError(5, "Input/output error")
        real(source, target)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(ExportError, match="could not be moved back: they are in") as failed:
        export_to_path(journal, folder, layout=Layout.FOLDER, force=True)
    (kept,) = [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    assert str(kept) in failed.value.message
    assert _tree(kept) == theirs  # all of them, and nothing of the new export
    (old,) = [p for p in tmp_path.iterdir() if p.name.endswith(".old")]
    assert earlier_export_files(old) == {p.name for p in old.iterdir()}
