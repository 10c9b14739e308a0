"""Where an export goes: what may be replaced there, and writing so that a failure changes nothing.

`--force` replaces only what an earlier export wrote. A file is replaced only if it is an
export itself (or empty); a folder only if its index.md says an export wrote it, and then
only index.md, the experiment files that carry an export's front matter and its `assets`
folder of images named by their hashes: anything else a person keeps in that folder stays.
A one-file export's images go into `assets` beside it, added to what is there (a file of
the same name must be the same image: the name is its hash), and taken back out if the
export fails. Named pipes, devices and sockets are refused after a stat,
before anything opens them (opening a named pipe waits for a writer, forever).
"""

from __future__ import annotations

import os
import secrets
import shutil
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TextIO

from journal.core.journal_file import SQLITE_HEADER
from journal.core.notebook_format import (
    ASSET_NAME,
    ASSETS_DIR,
    CHECK_LAYOUT,
    CHECKS_DIR,
    EXPERIMENT_FILE,
    INDEX_NAME,
    ExportError,
    ExportTargetExistsError,
    Layout,
    SpecialTargetError,
    export_layout,
    is_export_folder,
)

LARGE_BUFFER = 2**20  # a one-file export: tens of megabytes, written a few kilobytes a time


@contextmanager
def new_text_file(path: Path, buffering: int = -1) -> Iterator[TextIO]:
    # "x": never clobber; newline="": the text holds only "\n", written as is everywhere.
    with path.open("x", encoding="utf-8", newline="", buffering=buffering) as handle:
        yield handle


# A new file, never one that is there already (as "x"), not inherited by a child process.
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0)


def write_new_file(path: str, text: str) -> int:
    """Create the file `path` (never replacing one) holding `text` in UTF-8, as new_text_file
    would write it; return its size in bytes. A folder export writes a file per experiment,
    and a text file object's layers (buffer, encoder, line endings) cost more than the write:
    here it is one encode, os.write and os.close."""
    data = text.encode("utf-8")
    descriptor = os.open(path, _NEW_FILE, 0o666)
    try:
        written = os.write(descriptor, data)
        if written < len(data):  # a regular file takes it all at once, but a write may stop
            view = memoryview(data)
            while written < len(data):
                written += os.write(descriptor, view[written:])
    finally:
        os.close(descriptor)
    return len(data)


def write_export_file(path: str, text: str) -> int:
    """write_new_file, into a folder this export made: a file there already can only be its
    own, half written by a worker that died (export_parallel), and is written again."""
    try:
        return write_new_file(path, text)
    except FileExistsError:
        os.unlink(path)
        return write_new_file(path, text)


def _sibling(target: Path, role: str) -> Path:
    return target.with_name(f".{target.name}.{secrets.token_hex(4)}.{role}")


# -- what is at the target -----------------------------------------------------------------


def _special_kind(mode: int) -> str | None:
    """What a file that is neither a regular file nor a folder is, for a message."""
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _is_journal_file(path: Path, journal_path: Path | None) -> bool:
    """Whether the regular file `path` is the journal being exported, or any SQLite file."""
    if journal_path is not None:
        for candidate in (journal_path, Path(f"{journal_path}-wal"), Path(f"{journal_path}-shm")):
            try:
                if candidate.exists() and path.samefile(candidate):
                    return True
            except OSError:
                pass
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return False
    with os.fdopen(descriptor, "rb") as handle:
        try:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
        except OSError:
            return False


def check_target(
    target: Path, layout: Layout, *, force: bool, journal_path: Path | None = None
) -> bool:
    """Raise ExportTargetExistsError if the export may not go to `target`; otherwise return
    whether it will replace something there.

    Even when told to replace, only what an earlier export wrote is replaced (see the module
    docstring): `--force` on a home folder or on someone's notes must not delete them.
    """
    try:
        mode = os.lstat(target).st_mode
    except OSError:
        return False  # nothing there (or nothing reachable: writing will say why)
    if stat.S_ISLNK(mode):
        try:
            kind = _special_kind(os.stat(target).st_mode)
        except OSError:
            kind = None
        if kind is not None:
            raise SpecialTargetError(target, kind)
        raise ExportTargetExistsError(
            target,
            f"{target} is a symbolic link; it was left alone. Name what it points to, "
            "or a new path.",
            replaceable=False,
        )
    kind = _special_kind(mode)
    if kind is not None:
        raise SpecialTargetError(target, kind)
    if layout is Layout.FILE:
        _check_file_target(target, stat.S_ISDIR(mode), journal_path)
    else:
        if not stat.S_ISDIR(mode):
            raise ExportTargetExistsError(
                target,
                f"{target} is a file. The folder layout needs the name of a folder.",
                replaceable=False,
            )
        with os.scandir(target) as entries:
            if next(entries, None) is None:
                return True  # an empty folder: nothing to lose
        if not is_export_folder(target):
            raise ExportTargetExistsError(
                target,
                f"{target} is a folder that is not an LLM Journal export; it was left alone. "
                "Choose a new or empty folder.",
                replaceable=False,
            )
    if not force:
        raise ExportTargetExistsError(
            target, f"{target} already exists; nothing was written.", replaceable=True
        )
    return True


def _check_file_target(target: Path, is_dir: bool, journal_path: Path | None) -> None:
    if is_dir:
        raise ExportTargetExistsError(
            target,
            f"{target} is a folder. Choose a file name, or export as a folder.",
            replaceable=False,
        )
    if _is_journal_file(target, journal_path):
        raise ExportTargetExistsError(
            target,
            f"{target} is a journal database, not an export; it was left alone.",
            replaceable=False,
        )
    if os.path.getsize(target) and export_layout(target) != Layout.FILE.value:
        raise ExportTargetExistsError(
            target,
            f"{target} exists and is not an LLM Journal export; it was left alone. "
            "Choose another name.",
            replaceable=False,
        )


# -- writing -------------------------------------------------------------------------------


Assets = Callable[[], Iterable[tuple[str, bytes]]]


def write_file_atomically(
    target: Path,
    write_into: Callable[[TextIO], tuple[int, int]],
    *,
    force: bool,
    journal_path: Path | None = None,
    assets: Assets | None = None,
) -> tuple[int, int]:
    """Write a file beside `target`, then move it into place: the target is the old file or
    the whole new one, never half of it. `assets`, called once the text is written, gives
    the images it links to (file name, bytes): they go into ASSETS_DIR beside it first, and
    come out again if the file cannot be moved into place."""
    temporary = _sibling(target, "tmp")
    try:
        with new_text_file(temporary, LARGE_BUFFER) as out:
            counts = write_into(out)
            out.flush()
            os.fsync(out.fileno())
        with _assets_beside(target.parent / ASSETS_DIR, assets() if assets else ()):
            if force:
                # Checked again at the last moment: what appeared meanwhile is no export's.
                check_target(target, Layout.FILE, force=True, journal_path=journal_path)
                os.replace(temporary, target)
            else:
                _move_without_replacing(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return counts


def _not_a_folder(folder: Path) -> ExportTargetExistsError:
    return ExportTargetExistsError(
        folder,
        f"{folder} is not a folder, and this export's images go there; nothing was written.",
        replaceable=False,
    )


@contextmanager
def _assets_beside(folder: Path, files: Iterable[tuple[str, bytes]]) -> Iterator[None]:
    """The files added to `folder` (made if need be) for the length of the block; if the
    block fails, what was added is removed again, and the folder if it was made."""
    created = False
    placed: list[Path] = []
    try:
        for name, data in files:
            if not placed and not created:
                created = _asset_folder(folder)
            path = folder / name
            if os.path.lexists(path):
                if not _holds(path, data):
                    raise ExportTargetExistsError(
                        path,
                        f"{path} is not the image this export shows under that name; it was "
                        "left alone and nothing was written. Move it elsewhere first.",
                        replaceable=False,
                    )
                continue
            temporary = _sibling(path, "tmp")
            try:
                with temporary.open("xb") as out:
                    out.write(data)
                    out.flush()
                    os.fsync(out.fileno())
                _move_without_replacing(temporary, path)
            finally:
                temporary.unlink(missing_ok=True)
            placed.append(path)
        yield
    except BaseException:
        for path in placed:
            with suppress(OSError):
                path.unlink()
        if created:
            with suppress(OSError):
                folder.rmdir()
        raise


def _asset_folder(folder: Path) -> bool:
    """Make sure `folder` is a real folder (not a link); return whether it was made."""
    try:
        mode = os.lstat(folder).st_mode
    except FileNotFoundError:
        folder.mkdir()
        return True
    if not stat.S_ISDIR(mode):
        raise _not_a_folder(folder)
    return False


def _holds(path: Path, data: bytes) -> bool:
    """Whether the regular file `path` holds exactly `data`."""
    try:
        if not stat.S_ISREG(os.lstat(path).st_mode) or os.path.getsize(path) != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def write_assets(folder: Path, files: Iterable[tuple[str, bytes]]) -> None:
    """A new export folder's images: `folder` is made for the first one (none, no folder)."""
    made = False
    for name, data in files:
        if not made:
            folder.mkdir()
            made = True
        with (folder / name).open("xb") as out:
            out.write(data)


def _size(entry: os.DirEntry[str]) -> int:
    if entry.is_dir(follow_symlinks=False):
        with os.scandir(entry.path) as inside:
            return sum(item.stat().st_size for item in inside)
    return entry.stat().st_size


def _remove_written(path: Path) -> None:
    """Remove what an export wrote at `path`: a file, its assets folder (only images) or
    its checks folder (only check files)."""
    if path.name in (ASSETS_DIR, CHECKS_DIR) and path.is_dir() and not path.is_symlink():
        pattern = ASSET_NAME if path.name == ASSETS_DIR else EXPERIMENT_FILE
        for name in os.listdir(path):
            if pattern.match(name):
                (path / name).unlink(missing_ok=True)
        path.rmdir()
    else:
        path.unlink(missing_ok=True)


def _move_without_replacing(source: Path, target: Path) -> None:
    """Rename, failing rather than replacing a file created meanwhile (link is atomic)."""
    try:
        os.link(source, target)
    except FileExistsError:
        raise ExportTargetExistsError(
            target, f"{target} appeared while exporting; nothing was written.", replaceable=True
        ) from None
    except OSError:  # a file system without hard links
        if os.path.lexists(target):
            raise ExportTargetExistsError(
                target, f"{target} already exists; nothing was written.", replaceable=True
            ) from None
        os.replace(source, target)
    else:
        source.unlink()


def write_folder_atomically(
    target: Path, write_into: Callable[[Path], tuple[int, int]], *, force: bool
) -> tuple[tuple[int, int], int]:
    """Write the export into a new folder beside `target`, then swap it into place, taking
    along whatever a person keeps in the old one. Return the counts and the export's size."""
    temporary = _sibling(target, "tmp")
    temporary.mkdir()
    try:
        counts = write_into(temporary)
        with os.scandir(temporary) as entries:
            sizes = {entry.name: _size(entry) for entry in entries}
        written, size = list(sizes), sum(sizes.values())
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    try:
        if os.path.lexists(target):
            # Checked again at the last moment: it may have changed while the export ran.
            check_target(target, Layout.FOLDER, force=force)
            _swap(target, temporary, written)
        else:
            _rename_into_place(temporary, target)
    finally:
        if os.path.lexists(temporary):  # it failed: remove what the export wrote, only that
            for name in written:
                with suppress(OSError):
                    _remove_written(temporary / name)
            with suppress(OSError):  # still holding a person's files: see _move_back
                temporary.rmdir()
    return counts, size


def _rename_into_place(folder: Path, target: Path) -> None:
    try:
        os.rename(folder, target)
    except OSError:
        if os.path.lexists(target):
            raise ExportTargetExistsError(
                target, f"{target} appeared while exporting; nothing was written.", replaceable=True
            ) from None
        raise


def earlier_export_files(folder: Path) -> set[str]:
    """The names in `folder` that an earlier export wrote: its index.md, the experiment
    files with an export's front matter, an assets folder that holds only images named by
    their hashes and a checks folder that holds only an export's check files. Everything
    else there is a person's own."""
    names = set()
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name == ASSETS_DIR:
                if _only_assets(entry):
                    names.add(entry.name)
                continue
            if entry.name == CHECKS_DIR:
                if _only_checks(entry):
                    names.add(entry.name)
                continue
            if entry.name == INDEX_NAME:
                layout = Layout.FOLDER.value
            elif EXPERIMENT_FILE.match(entry.name):
                layout = "experiment"
            else:
                continue
            if export_layout(entry.path) == layout:
                names.add(entry.name)
    return names


def _only_assets(entry: os.DirEntry[str]) -> bool:
    if not entry.is_dir(follow_symlinks=False):
        return False
    with os.scandir(entry.path) as inside:
        return all(
            ASSET_NAME.match(item.name) and item.is_file(follow_symlinks=False) for item in inside
        )


def _only_checks(entry: os.DirEntry[str]) -> bool:
    if not entry.is_dir(follow_symlinks=False):
        return False
    with os.scandir(entry.path) as inside:
        return all(
            EXPERIMENT_FILE.match(item.name) and export_layout(item.path) == CHECK_LAYOUT
            for item in inside
        )


def _swap(target: Path, new: Path, written: list[str]) -> None:
    """Put `new` in the place of the export folder `target`, with the person's own files
    moved along first; if anything fails, everything goes back where it was."""
    earlier = earlier_export_files(target)
    keep = sorted(set(os.listdir(target)) - earlier)
    clash = sorted(set(keep) & set(written))
    if clash:
        raise ExportTargetExistsError(
            target,
            f"{target / clash[0]} is not from an earlier export, and this export would "
            "replace it; nothing was written. Move it elsewhere first.",
            replaceable=False,
        )
    moved: list[str] = []
    old = _sibling(target, "old")
    try:
        for name in keep:
            os.rename(target / name, new / name)
            moved.append(name)
        os.rename(target, old)
        try:
            os.rename(new, target)
        except BaseException:
            os.rename(old, target)
            raise
    except BaseException:
        _move_back(new, target, moved)
        raise
    # Only what the earlier export wrote is deleted: anything else (a file saved into the
    # folder in the instant of the swap) stays in the hidden old folder rather than be lost.
    for name in earlier:
        with suppress(OSError):
            _remove_written(old / name)
    with suppress(OSError):
        old.rmdir()


def _move_back(new: Path, target: Path, names: list[str]) -> None:
    stuck = []
    for name in reversed(names):
        try:
            os.rename(new / name, target / name)
        except OSError:
            stuck.append(name)
    if stuck:
        raise ExportError(
            f"The export to {target} failed, and {len(stuck)} of your files there could not "
            f"be moved back: they are in {new}."
        )


__all__ = [
    "check_target",
    "earlier_export_files",
    "new_text_file",
    "write_export_file",
    "write_file_atomically",
    "write_folder_atomically",
    "write_new_file",
]
