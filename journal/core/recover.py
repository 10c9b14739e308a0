"""Getting back what a damaged journal still holds, into a new journal file.

SQLite's own `.recover` needs the `sqlite_dbpage` table, which many builds (Debian's among
them) leave out, and `.dump` drops the application id that marks a journal; so the journal
reads what it still can itself. The damaged file is only ever opened read-only. Its rows
are read in rowid order, a page of rows at a time; where the b-tree is damaged, reading
skips ahead to where it works again, and an intact index of the same table tells how many
rows the damaged part held. The new journal is built under a hidden name beside the target
and renamed only when it is whole, so a recovery cut short never looks finished.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import sqlite3
from bisect import bisect_left, bisect_right
from collections.abc import Container, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

from journal.core.domain import MAX_RECORD_ID, RunStatus, Verdict
from journal.core.errors import (
    CannotOpenJournalError,
    CorruptJournalError,
    InvalidInputError,
    NewerJournalError,
    NotAJournalError,
    StorageError,
)
from journal.core.expectations import Kind, Target
from journal.core.formatting import plural, plural_noun
from journal.core.grading import GradeStatus
from journal.core.journal_file import (
    BUSY_TIMEOUT_MS,
    SQLITE_HEADER,
    latest_backup,
    read_only_uri,
    storage_error,
)
from journal.core.migrations import APPLICATION_ID, LATEST_VERSION, apply_migrations
from journal.core.models import CheckStatus, new_uuid, to_iso, utcnow
from journal.core.queries import INTERRUPTED_MESSAGE

# The tables that hold what people recorded, parents first. `tag` and the `search` index
# are derived from them by the schema's own triggers and migrations, so they are rebuilt.
TABLES = (
    "experiment",
    "run",
    "migration_check",
    "migration_check_item",
    "expectation",
    "experiment_grading",
    "grade",
    "input_row",
    "batch",
    "batch_item",
    "image",
    "run_image",
)
PLACEHOLDER_TITLE = "(recovered: experiment {id} was damaged)"

_NOUNS = {
    "experiment": "experiment",
    "run": "run",
    "migration_check": "migration check",
    "migration_check_item": "migration check item",
    "expectation": "expectation",
    "experiment_grading": "rule for combining grades",
    "grade": "grade",
    "input_row": "input row",
    "batch": "batch",
    "batch_item": "batch item",
    "image": "image",
    "run_image": "link from a run to an image",
}
# Tables whose ids AUTOINCREMENT counts (the others have no counter to keep).
_COUNTED = frozenset(TABLES) - {"experiment_grading", "image", "run_image"}

# What each column must hold for the journal to read the row back (the models' types).
_JSON_SHAPES: dict[str, dict[str, type | None]] = {
    "experiment": {"tags": list},
    "run": {
        "model_details": dict,
        "messages": list,
        "options": dict,
        "think": None,  # any JSON value
        "final_chunk": dict,
        "replay_info": dict,
        "template": dict,
        "format": None,  # "json" or a JSON schema object: see _usable
    },
    "migration_check": {"source_filter": dict, "hosts": list},
    "grade": {"grader": dict},
    "input_row": {"variables": dict, "expectations": list},
    "batch": {"options": dict, "think": None, "format": None, "models": list, "hosts": list},
    "batch_item": {"variables": dict},
}
_MOMENTS = {
    "experiment": ("created_at", "updated_at", "trashed_at", "archived_at"),
    "run": ("heartbeat_at", "created_at", "started_at", "finished_at", "trashed_at"),
    "migration_check": ("heartbeat_at", "created_at", "updated_at", "finished_at"),
    "expectation": ("created_at", "updated_at"),
    "experiment_grading": ("updated_at",),
    "grade": ("created_at",),
    "input_row": ("created_at", "updated_at"),
    "batch": ("heartbeat_at", "created_at", "updated_at", "finished_at"),
}


class _Targets:
    """Every text `Target.parse` reads (answer, thinking, turn:2, ...): too many to list."""

    def __contains__(self, text: object) -> bool:
        try:
            return isinstance(text, str) and Target.parse(text).value == text
        except ValueError:
            return False


_TARGETS = _Targets()
_CHOICES: dict[str, dict[str, Container[str | None]]] = {
    "run": {
        "status": frozenset(status.value for status in RunStatus),
        "verdict": frozenset([None, *(verdict.value for verdict in Verdict)]),
    },
    "migration_check": {"status": frozenset(status.value for status in CheckStatus)},
    "batch": {"status": frozenset(status.value for status in CheckStatus)},
    "expectation": {"kind": frozenset(kind.value for kind in Kind), "target": _TARGETS},
    "grade": {"status": frozenset(status.value for status in GradeStatus), "target": _TARGETS},
}
_RECORD_IDS = {
    "experiment": ("id",),
    "run": ("id", "experiment_id", "replay_of_id", "input_row_id", "parent_id", "based_on_id"),
    "migration_check": ("id",),
    "migration_check_item": ("id", "check_id", "source_run_id", "new_run_id"),
    "expectation": ("id", "experiment_id"),
    "experiment_grading": ("experiment_id",),
    "grade": ("id", "run_id", "expectation_id"),
    "input_row": ("id", "experiment_id"),
    "batch": ("id", "experiment_id"),
    "batch_item": ("id", "batch_id", "input_row_id", "run_id"),
    "run_image": ("run_id",),
}

PAGE_ROWS = 200

# SQLite's primary result codes that mean the bytes read are wrong, not that the file is
# busy or the program is at fault (https://sqlite.org/rescode.html).
_DAMAGE_CODES = frozenset({7, 10, 11, 18, 20, 24, 25, 26})  # NOMEM IOERR CORRUPT TOOBIG ...


# -- the report -------------------------------------------------------------------------


@dataclass
class TableRecovery:
    """What became of one table's rows.

    `lost` counts the rows in damaged parts of the file, as an intact index of the table
    lists them; None when no index could say (then `unreadable` still names the id ranges).
    `skipped` rows were read but held values the journal cannot use (JSON that no longer
    parses, a time or status that is not one), or clashed with a row already copied.
    """

    copied: int = 0
    lost: int | None = 0
    skipped: int = 0
    unreadable: list[tuple[int, int]] = field(default_factory=list)
    skipped_ids: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "copied": self.copied,
            "lost": self.lost,
            "skipped": self.skipped,
            "unreadable_ids": [list(span) for span in self.unreadable],
            "skipped_ids": self.skipped_ids,
        }


@dataclass
class RecoveryReport:
    """What a recovery copied, what it could not, and what it changed to keep the rest whole."""

    source: Path
    target: Path
    source_version: int
    tables: dict[str, TableRecovery] = field(default_factory=dict)
    placeholder_experiments: list[int] = field(default_factory=list)
    placeholder_expectations: int = 0  # expectations kept under those placeholders
    replay_links_removed: list[int] = field(default_factory=list)  # runs that replayed a lost run
    check_items_dropped: list[int] = field(default_factory=list)  # their run or check was lost
    check_items_unlinked: list[int] = field(default_factory=list)  # their replay was lost
    grades_dropped: list[int] = field(default_factory=list)  # their run was lost
    grades_unlinked: list[int] = field(default_factory=list)  # their expectation was lost
    renumbered_experiments: list[int] = field(default_factory=list)  # gaps in expectations
    renumbered_input_sets: list[int] = field(default_factory=list)  # gaps in input rows
    runs_unlinked_from_rows: list[int] = field(default_factory=list)  # their input row was lost
    batch_items_dropped: list[int] = field(default_factory=list)  # their batch was lost
    batch_items_unlinked: list[int] = field(default_factory=list)  # their run or row was lost
    runs_unlinked_from_parents: list[int] = field(default_factory=list)  # their parent was lost
    images_dropped: list[str] = field(default_factory=list)  # bytes not matching their SHA-256
    image_links_dropped: int = 0  # run_image rows whose run or image was lost
    interrupted_runs: list[int] = field(default_factory=list)
    interrupted_checks: list[int] = field(default_factory=list)
    interrupted_batches: list[int] = field(default_factory=list)

    def table(self, name: str) -> TableRecovery:
        return self.tables.setdefault(name, TableRecovery())

    @property
    def copied(self) -> int:
        return sum(table.copied for table in self.tables.values())

    @property
    def complete(self) -> bool:
        """No row was lost or left out (runs left live are still marked interrupted)."""
        return all(table.lost == 0 and not table.skipped for table in self.tables.values())

    def summary(self) -> str:
        """One sentence for what was recovered and lost; a second for what was mended."""
        empty = TableRecovery()
        copied = [
            plural(self.tables.get("experiment", empty).copied, "experiment"),
            plural(self.tables.get("run", empty).copied, "run"),
        ]
        for name, noun in (
            ("migration_check", "migration check"),
            ("expectation", "expectation"),
            ("grade", "grade"),
            ("input_row", "input row"),
            ("batch", "batch"),
            ("image", "image"),
        ):
            number = self.tables.get(name, empty).copied
            if number:
                copied.append(plural(number, noun))
        text = f"Recovered {_join(copied)} into {self.target}"
        losses = []
        for name, table in self.tables.items():
            noun = _NOUNS[name]
            if table.lost is None:
                losses.append(
                    f"an unknown number of {plural_noun(noun)} "
                    f"(ids {_spans(table.unreadable)}) in a damaged part of the file could "
                    "not be read"
                )
            elif table.lost:
                losses.append(
                    f"{plural(table.lost, noun)} in a damaged part of the file could not be read"
                )
            if table.skipped:
                losses.append(
                    f"{plural(table.skipped, noun)} whose values are damaged "
                    f"{_verb(table.skipped, 'was', 'were')} left out"
                )
        text += f"; {'; '.join(losses)}." if losses else "; nothing was lost."
        mended = "; ".join(self._mended())
        if mended:
            text += f" {mended[0].upper()}{mended[1:]}."
        return text

    def _mended(self) -> list[str]:
        mended = []
        if self.placeholder_experiments:
            number = len(self.placeholder_experiments)
            held = "runs and expectations" if self.placeholder_expectations else "runs"
            mended.append(
                f"the {held} of {plural(number, 'lost experiment')} now belong to "
                f"{_verb(number, 'a placeholder', 'placeholders')} titled "
                f"'{PLACEHOLDER_TITLE.format(id='N')}'"
            )
        if self.replay_links_removed:
            number = len(self.replay_links_removed)
            mended.append(
                f"{plural(number, 'run')} no longer {_verb(number, 'links', 'link')} to the "
                f"lost {_verb(number, 'run it', 'runs they')} replayed"
            )
        if self.check_items_dropped:
            number = len(self.check_items_dropped)
            mended.append(
                f"{plural(number, 'migration check item')} whose run or check was lost "
                f"{_verb(number, 'was', 'were')} dropped"
            )
        if self.check_items_unlinked:
            mended.append(
                f"{plural(len(self.check_items_unlinked), 'migration check item')} whose replay "
                "was lost will run again on resume"
            )
        if self.grades_dropped:
            number = len(self.grades_dropped)
            mended.append(
                f"{plural(number, 'grade')} of lost runs {_verb(number, 'was', 'were')} dropped"
            )
        if self.grades_unlinked:
            number = len(self.grades_unlinked)
            mended.append(
                f"{plural(number, 'grade')} of lost expectations {_verb(number, 'keeps', 'keep')} "
                "the expectation's text, as a removed one's would"
            )
        if self.renumbered_experiments:
            number = len(self.renumbered_experiments)
            mended.append(
                f"the expectations of {plural(number, 'experiment')} were renumbered to close "
                "the gaps lost ones left"
            )
        if self.runs_unlinked_from_rows:
            number = len(self.runs_unlinked_from_rows)
            mended.append(
                f"{plural(number, 'run')} whose input row was lost "
                f"{_verb(number, 'is', 'are')} graded by its experiment's expectations only, "
                "as once a row is removed"
            )
        if self.batch_items_dropped:
            number = len(self.batch_items_dropped)
            mended.append(
                f"{plural(number, 'batch item')} whose batch was lost "
                f"{_verb(number, 'was', 'were')} dropped"
            )
        if self.batch_items_unlinked:
            number = len(self.batch_items_unlinked)
            mended.append(
                f"{plural(number, 'batch item')} whose run or input row was lost "
                f"{_verb(number, 'keeps', 'keep')} its values without the link"
            )
        if self.runs_unlinked_from_parents:
            number = len(self.runs_unlinked_from_parents)
            mended.append(
                f"{plural(number, 'run')} whose parent (the turn before it) was lost "
                f"{_verb(number, 'keeps', 'keep')} its text and now "
                f"{_verb(number, 'starts', 'start')} a conversation"
            )
        if self.images_dropped:
            number = len(self.images_dropped)
            mended.append(
                f"{plural(number, 'image')} whose bytes no longer match "
                f"{_verb(number, 'its', 'their')} SHA-256 {_verb(number, 'was', 'were')} dropped"
            )
        if self.image_links_dropped:
            number = self.image_links_dropped
            mended.append(
                f"{plural(number, 'link')} from a run to an image whose run or image was lost "
                f"{_verb(number, 'was', 'were')} dropped"
            )
        if self.renumbered_input_sets:
            number = len(self.renumbered_input_sets)
            mended.append(
                f"the input rows of {plural(number, 'experiment')} were renumbered to close "
                "the gaps lost ones left"
            )
        for live, noun, left in (
            (self.interrupted_runs, "run", "streaming"),
            (self.interrupted_checks, "migration check", "running"),
            (self.interrupted_batches, "batch", "running"),
        ):
            if live:
                mended.append(
                    f"{plural(len(live), noun)} left {left} {_verb(len(live), 'is', 'are')} "
                    "now marked interrupted"
                )
        return mended

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": str(self.source),
            "target": str(self.target),
            "source_schema": self.source_version,
            "tables": {name: table.as_dict() for name, table in self.tables.items()},
            "placeholder_experiments": self.placeholder_experiments,
            "placeholder_expectations": self.placeholder_expectations,
            "replay_links_removed": self.replay_links_removed,
            "check_items_dropped": self.check_items_dropped,
            "check_items_unlinked": self.check_items_unlinked,
            "grades_dropped": self.grades_dropped,
            "grades_unlinked": self.grades_unlinked,
            "renumbered_experiments": self.renumbered_experiments,
            "renumbered_input_sets": self.renumbered_input_sets,
            "runs_unlinked_from_rows": self.runs_unlinked_from_rows,
            "batch_items_dropped": self.batch_items_dropped,
            "batch_items_unlinked": self.batch_items_unlinked,
            "runs_unlinked_from_parents": self.runs_unlinked_from_parents,
            "images_dropped": self.images_dropped,
            "image_links_dropped": self.image_links_dropped,
            "interrupted_runs": self.interrupted_runs,
            "interrupted_checks": self.interrupted_checks,
            "interrupted_batches": self.interrupted_batches,
            "complete": self.complete,
            "summary": self.summary(),
        }


def _verb(number: int, singular: str, plural: str) -> str:
    return singular if number == 1 else plural


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _spans(spans: list[tuple[int, int]]) -> str:
    def span(first: int, last: int) -> str:
        if first == last:
            return str(first)
        return f"{first} and up" if last >= MAX_RECORD_ID else f"{first}-{last}"

    return ", ".join(span(first, last) for first, last in spans)


# -- recovering -------------------------------------------------------------------------


def recover_journal(damaged: Path | str, target: Path | str) -> RecoveryReport:
    """Copy every row `damaged` still holds into a new journal at `target`.

    Raises a StorageError (for a person) when `damaged` is not a journal, is newer than this
    program, or holds nothing readable; InvalidInputError when `target` exists already.
    """
    damaged, target = Path(damaged), Path(target)
    if os.path.lexists(target):
        raise InvalidInputError(
            f"{target} already exists; name a new file for the recovered journal. "
            "Nothing was written."
        )
    source, version = _open_damaged(damaged)
    try:
        report = RecoveryReport(damaged, target, version)
        _make_folder(target)
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.recovering")
        try:
            _build(source, damaged, temporary, target, report)
            if report.copied == 0 and not report.complete:
                raise CorruptJournalError(
                    f"Nothing could be read from {damaged}: every record is in a damaged part "
                    f"of the file{_backup_hint(damaged)}. Nothing was written."
                )
            _move_into_place(temporary, target)
        finally:
            for leftover in ("", "-journal", "-wal", "-shm"):
                Path(f"{temporary}{leftover}").unlink(missing_ok=True)
    finally:
        source.close()
    return report


def _backup_hint(path: Path) -> str:
    backup = latest_backup(path)
    return f"; go back to {backup} (the copy kept before its last upgrade)" if backup else ""


# -- the damaged file, read-only --------------------------------------------------------


def _is_damage(exc: sqlite3.Error) -> bool:
    """Whether a failure means the bytes read are wrong (skip them), not busy or a bug."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:  # the driver could not convert what it read: text that is not UTF-8
        return isinstance(exc, sqlite3.OperationalError)
    return code & 0xFF in _DAMAGE_CODES


def _refuse(path: Path, exc: sqlite3.Error) -> NoReturn:
    """Raise what a failure of the damaged file that is not damage means: a StorageError
    (busy, unreadable), or the failure itself, a bug."""
    error = storage_error(path, exc, unchanged=True)
    if error is None:
        raise exc
    raise error from exc


def _open_damaged(path: Path) -> tuple[sqlite3.Connection, int]:
    """A read-only connection to `path` and its schema version, or a StorageError saying
    why there is nothing to recover from it."""
    try:
        if path.is_dir():
            raise NotAJournalError(f"{path} is a folder, not a journal file.")
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except FileNotFoundError:
        raise CannotOpenJournalError(f"There is no file at {path}.") from None
    except OSError as exc:
        raise CannotOpenJournalError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    if header != SQLITE_HEADER:
        raise NotAJournalError(
            f"{path} is not an LLM Journal file (it is not an SQLite database); "
            "nothing was recovered."
        )
    try:
        uri = read_only_uri(path)
    except sqlite3.DatabaseError as exc:
        if not _is_damage(exc):
            _refuse(path, exc)
        uri = f"{path.resolve().as_uri()}?mode=ro"  # the table list is damaged: said below
    wal = Path(f"{path}-wal")
    if uri.endswith("immutable=1") and wal.exists() and wal.stat().st_size:
        raise StorageError(
            f"The latest changes to {path} are in {wal.name}, which cannot be read without "
            "write access to its folder: copy both files to a folder you may write, and "
            "recover from there."
        )
    try:
        source = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        _refuse(path, exc)
    try:
        version = _check_damaged(source, path)
    except BaseException:
        source.close()
        raise
    return source, version


def _check_damaged(source: sqlite3.Connection, path: Path) -> int:
    try:
        source.execute("PRAGMA query_only = ON")
        source.execute("PRAGMA cell_size_check = ON")  # notice more damage, sooner
        # An entry of the table list that no longer parses (a trigger's text, say) is then
        # passed over instead of making the whole file unreadable; nothing is written.
        source.execute("PRAGMA writable_schema = ON")
        application_id = source.execute("PRAGMA application_id").fetchone()[0]
        version = source.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.Error as exc:
        if not _is_damage(exc):
            _refuse(path, exc)
        raise CorruptJournalError(
            f"Nothing could be read from {path}: the start of the file is damaged ({exc})"
            f"{_backup_hint(path)}."
        ) from exc
    if application_id != APPLICATION_ID:
        raise NotAJournalError(
            f"{path} is an SQLite database but not an LLM Journal file; nothing was recovered."
        )
    if version > LATEST_VERSION:
        raise NewerJournalError(
            f"{path} was written by a newer LLM Journal (schema {version}; this version "
            f"knows up to {LATEST_VERSION}). Update LLM Journal to recover it."
        )
    try:
        source.execute("SELECT name FROM sqlite_master").fetchall()
    except sqlite3.Error as exc:
        if not _is_damage(exc):
            _refuse(path, exc)
        raise CorruptJournalError(
            f"Nothing could be read from {path}: the list of its tables is damaged ({exc})"
            f"{_backup_hint(path)}."
        ) from exc
    if version < 1:
        raise NotAJournalError(f"{path} holds no journal records; there is nothing to recover.")
    return int(version)


def _read(
    source: sqlite3.Connection, path: Path, sql: str, parameters: tuple[Any, ...] = ()
) -> list[Any] | None:
    """The rows of `sql` in the damaged file, or None where it is damaged."""
    try:
        return source.execute(sql, parameters).fetchall()
    except sqlite3.Error as exc:
        if _is_damage(exc):
            return None
        _refuse(path, exc)


def _sequence(source: sqlite3.Connection, path: Path, table: str) -> int | None:
    """The table's AUTOINCREMENT counter: the highest id it ever gave, if that still reads."""
    rows = _read(source, path, "SELECT seq FROM sqlite_sequence WHERE name = ?", (table,))
    return rows[0][0] if rows and isinstance(rows[0][0], int) else None


class _TableScan:
    """The readable rows of one table of the damaged file, in rowid order.

    A page of rows is read at a time. When that fails, rows are read one by one; when even
    the next one cannot be read, probes ever further ahead find where reading works again,
    and a binary search narrows the unreadable span down to the smallest one that skips it.
    """

    def __init__(self, source: sqlite3.Connection, path: Path, table: str):
        self.source = source
        self.path = path
        self.table = table
        # `*`: columns by position, as the schema version defines them; a name that damage
        # changed in the table list cannot lose its column.
        self.select = f'SELECT rowid, * FROM "{table}" WHERE rowid >= ? ORDER BY rowid LIMIT ?'
        self.unreadable: list[tuple[int, int]] = []
        self.last_id = 0  # the highest rowid read
        self._said: int | None = None

    def _read(self, sql: str, parameters: tuple[Any, ...] = ()) -> list[Any] | None:
        return _read(self.source, self.path, sql, parameters)

    def rows(self) -> Iterator[tuple[Any, ...]]:
        start = 1  # the next rowid to read from
        careful = 0  # rows still to read one at a time since a page failed
        while True:
            batch = self._read(self.select, (start, 1 if careful else PAGE_ROWS))
            if batch is None:
                if not careful:
                    careful = PAGE_ROWS
                    continue
                resume = self._skip_from(start)
                if resume is None:
                    return
                start = resume
                continue
            if not batch:
                return
            yield from batch
            self.last_id = max(self.last_id, batch[-1][0])
            start = batch[-1][0] + 1
            careful = max(0, careful - len(batch))

    def _readable_from(self, rowid: int) -> bool:
        # Seeking `rowid >= N` lands in the page that holds N, or would: the first rowid of
        # the page after a damaged one reads, while `rowid > N - 1` would seek into it.
        return self._read(self.select, (rowid, 1)) is not None

    def highest_used(self) -> int:
        """The highest rowid the table has used, as far as the file still says: its largest
        row (the b-tree's rightmost path) or its AUTOINCREMENT counter, whichever reads."""
        if self._said is None:
            said = [0]
            highest = self._read(f'SELECT max(rowid) FROM "{self.table}"')
            if highest and isinstance(highest[0][0], int):
                said.append(highest[0][0])
            sequence = _sequence(self.source, self.path, self.table)
            if sequence is not None:
                said.append(sequence)
            self._said = min(max(said), MAX_RECORD_ID)
        return max(self._said, self.last_id)

    def _skip_from(self, start: int) -> int | None:
        """The smallest rowid past `start` from which reading works again (the rows from
        `start` up to it are unreadable), or None when nothing from `start` on reads."""
        said = self.highest_used()
        bound = said + 1 if said >= start else MAX_RECORD_ID + 1  # nothing says where it ends
        failed, step = start, 1
        while True:
            probe = min(start + step, bound)
            if self._readable_from(probe):
                break
            failed = probe
            if probe >= bound:
                self.unreadable.append((start, bound - 1))
                return None
            step *= 2
        while probe - failed > 1:
            middle = (failed + probe) // 2
            if self._readable_from(middle):
                probe = middle
            else:
                failed = middle
        self.unreadable.append((start, probe - 1))
        return probe

    def listed_ids(self) -> list[int] | None:
        """Every rowid of the table, sorted, from the first of its indexes that reads whole
        (an index lives in other pages than the rows); None when none does."""
        indexes = self._read(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?", (self.table,)
        )
        for (name,) in indexes or []:
            # A partial index cannot list every row: SQLite refuses it ("no query solution").
            quoted = str(name).replace('"', '""')
            try:
                rows = self.source.execute(
                    f'SELECT rowid FROM "{self.table}" INDEXED BY "{quoted}" ORDER BY rowid'
                ).fetchall()
            except (sqlite3.Error, ValueError):
                continue
            return [row[0] for row in rows]
        return None


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')]


# -- checking and adapting rows ---------------------------------------------------------


def _strict_json(text: str) -> Any:
    def refuse(constant: str) -> Any:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def _usable(table: str, row: dict[str, Any]) -> bool:
    """Whether the journal can read this row back: ids in range, JSON that parses to the
    right shape, times that are times, statuses and verdicts it knows."""
    for name in _RECORD_IDS.get(table, ()):
        value = row.get(name)
        if value is not None and not (isinstance(value, int) and 1 <= value <= MAX_RECORD_ID):
            return False
    for name, shape in _JSON_SHAPES.get(table, {}).items():
        value = row.get(name)
        if value is None:
            continue  # NOT NULL columns refuse it on insert
        if not isinstance(value, str):
            return False
        try:
            parsed = _strict_json(value)
        except (ValueError, RecursionError):
            return False
        if shape is not None and not isinstance(parsed, shape):
            return False
    if table == "run" and row.get("format") is not None:
        answer_format = _strict_json(row["format"])  # parsed above
        if (
            answer_format is not None
            and answer_format != "json"
            and not isinstance(answer_format, dict)
        ):
            return False
    if table == "image" and not _whole_image(row):
        return False
    for name in _MOMENTS.get(table, ()):
        value = row.get(name)
        if value is None:
            continue
        try:
            datetime.fromisoformat(value)
        except (TypeError, ValueError):
            return False
    return all(
        row[name] in allowed for name, allowed in _CHOICES.get(table, {}).items() if name in row
    )


def _whole_image(row: dict[str, Any]) -> bool:
    """An image's bytes are what its name, their SHA-256, says: a message shows it by that."""
    data, sha = row.get("data"), row.get("sha256")
    return isinstance(data, bytes) and hashlib.sha256(data).hexdigest() == sha


def _no_longer_live(table: str, row: dict[str, Any], report: RecoveryReport) -> None:
    """Nothing streams into the new file: runs and checks left live become interrupted, as
    `mark_interrupted_runs` would make them once their program is gone."""
    if table == "run" and row.get("status") in (RunStatus.PENDING, RunStatus.STREAMING):
        row.update(
            status=RunStatus.INTERRUPTED.value,
            error=row.get("error") or INTERRUPTED_MESSAGE,
            finished_at=row.get("heartbeat_at") or to_iso(utcnow()),
            owner="",
        )
        report.interrupted_runs.append(row["id"])
    if table in ("migration_check", "batch") and row.get("status") == CheckStatus.RUNNING:
        row.update(
            status=CheckStatus.INTERRUPTED.value,
            finished_at=row.get("heartbeat_at") or to_iso(utcnow()),
            owner="",
            heartbeat_at=None,
        )
        interrupted = report.interrupted_checks if table != "batch" else report.interrupted_batches
        interrupted.append(row["id"])


# -- the new journal --------------------------------------------------------------------


def _make_folder(target: Path) -> None:
    try:
        target.absolute().parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StorageError(f"Cannot create the folder for {target}: {exc.strerror}.") from exc


def _build(
    source: sqlite3.Connection,
    damaged: Path,
    temporary: Path,
    target: Path,
    report: RecoveryReport,
) -> None:
    """Write the new journal at `temporary`: the damaged file's schema version, its rows,
    the links mended, then every later migration."""
    try:
        conn = sqlite3.connect(temporary, isolation_level=None)
        try:
            conn.execute("PRAGMA foreign_keys = OFF")  # mended below, checked at the end
            apply_migrations(conn, target=report.source_version)
            conn.execute("BEGIN IMMEDIATE")
            for table in TABLES:
                _copy_table(source, damaged, conn, table, report)
            _mend_links(conn, report)
            conn.execute("COMMIT")
            apply_migrations(conn)
            broken = conn.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise AssertionError(f"recovery left broken links: {broken[:5]}")
        finally:
            conn.close()
        with temporary.open("rb") as handle:
            os.fsync(handle.fileno())
    except sqlite3.Error as exc:
        error = storage_error(target, exc)
        if error is None:
            raise
        raise error from exc
    except OSError as exc:
        raise StorageError(f"Cannot write {target}: {exc.strerror or exc}.") from exc


def _copy_table(
    source: sqlite3.Connection,
    damaged: Path,
    conn: sqlite3.Connection,
    table: str,
    report: RecoveryReport,
) -> None:
    columns = _columns(conn, table)
    if not columns:
        return  # not in the damaged file's schema version
    counts = report.table(table)
    if len(_columns(source, table)) != len(columns):
        # The table's entry in the file's table list is damaged: its rows cannot be found.
        highest = _sequence(source, damaged, table)
        counts.lost = None
        counts.unreadable = [(1, highest or MAX_RECORD_ID)]
        if table in _COUNTED:
            _keep_sequence(conn, table, highest or 0)
        return
    insert = (
        f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})'
    )
    scan = _TableScan(source, damaged, table)
    for rowid, *values in scan.rows():
        row = dict(zip(columns, values, strict=True))
        row["id"] = rowid  # the id is the rowid, whatever damage made of its declaration
        if not _usable(table, row):
            counts.skipped += 1
            counts.skipped_ids.append(rowid)
            if table == "image":
                report.images_dropped.append(str(row.get("sha256")))
            continue
        _no_longer_live(table, row, report)
        try:
            conn.execute(insert, [row[name] for name in columns])
        except sqlite3.IntegrityError:  # a NULL where none may be, a uuid seen already
            counts.skipped += 1
            counts.skipped_ids.append(rowid)
            continue
        counts.copied += 1
    counts.unreadable = scan.unreadable
    counts.lost = _lost(scan) if scan.unreadable else 0
    if table in _COUNTED:
        _keep_sequence(conn, table, scan.highest_used())


def _lost(scan: _TableScan) -> int | None:
    """How many rows the unreadable spans held, as an intact index lists them."""
    listed = scan.listed_ids()
    if listed is None:
        return None
    return sum(
        bisect_right(listed, last) - bisect_left(listed, first) for first, last in scan.unreadable
    )


def _keep_sequence(conn: sqlite3.Connection, table: str, highest: int) -> None:
    """Ids already used in the damaged file, readable or not, are not given out again."""
    updated = conn.execute(
        "UPDATE sqlite_sequence SET seq = ? WHERE name = ? AND seq < ?", (highest, table, highest)
    ).rowcount
    if not updated and highest > 0:
        exists = conn.execute("SELECT 1 FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()
        if exists is None:
            conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, highest))


def _has_table(conn: sqlite3.Connection, table: str) -> bool:
    found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,))
    return found.fetchone() is not None


def _mend_links(conn: sqlite3.Connection, report: RecoveryReport) -> None:
    """Keep what survived whole where what it points to was lost, and say so."""
    grading = _has_table(conn, "expectation")  # schema 5 on
    inputs = _has_table(conn, "input_row")  # schema 7 on
    batches = _has_table(conn, "batch")  # schema 8 on
    owned = ["SELECT experiment_id, created_at FROM run"]
    if inputs:
        owned.append("SELECT experiment_id, created_at FROM input_row")
    if batches:
        owned.append("SELECT experiment_id, created_at FROM batch")
    if grading:
        owned += [
            "SELECT experiment_id, created_at FROM expectation",
            "SELECT experiment_id, updated_at FROM experiment_grading",
        ]
    orphans = conn.execute(
        f"SELECT experiment_id, min(created_at) FROM ({' UNION ALL '.join(owned)}) "
        "WHERE experiment_id NOT IN (SELECT id FROM experiment) "
        "GROUP BY experiment_id ORDER BY experiment_id"
    ).fetchall()
    if grading:
        report.placeholder_expectations = conn.execute(
            "SELECT count(*) FROM expectation "
            "WHERE experiment_id NOT IN (SELECT id FROM experiment)"
        ).fetchone()[0]
    for experiment_id, created_at in orphans:
        conn.execute(
            "INSERT INTO experiment (id, uuid, title, tags, created_at, updated_at) "
            "VALUES (?, ?, ?, '[]', ?, ?)",
            (
                experiment_id,
                new_uuid(),
                PLACEHOLDER_TITLE.format(id=experiment_id),
                created_at,
                created_at,
            ),
        )
        report.placeholder_experiments.append(experiment_id)
    report.replay_links_removed = _ids(
        conn,
        "SELECT id FROM run WHERE replay_of_id IS NOT NULL "
        "AND replay_of_id NOT IN (SELECT id FROM run) ORDER BY id",
    )
    conn.execute(
        "UPDATE run SET replay_of_id = NULL "
        "WHERE replay_of_id IS NOT NULL AND replay_of_id NOT IN (SELECT id FROM run)"
    )
    if "based_on_id" in _columns(conn, "run"):  # a lost original: the run is new all the same
        conn.execute(
            "UPDATE run SET based_on_id = NULL "
            "WHERE based_on_id IS NOT NULL AND based_on_id NOT IN (SELECT id FROM run)"
        )
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'migration_check_item'").fetchone():
        _mend_check_items(conn, report)
    if grading:
        _mend_grades(conn, report)
        _renumber(conn, "expectation", report)
    if inputs:
        _renumber(conn, "input_row", report)
    if batches:
        _mend_batches(conn, report)
    if _has_table(conn, "image"):  # schema 9 on
        _mend_conversations(conn, report)


def _mend_conversations(conn: sqlite3.Connection, report: RecoveryReport) -> None:
    # Unlike the schema's ON DELETE CASCADE (deleting a turn deletes those after it): a turn
    # whose parent was lost in the damage keeps its text, and starts a conversation of its
    # own. A link from a run to an image goes with either.
    lost_parent = "parent_id IS NOT NULL AND parent_id NOT IN (SELECT id FROM run)"
    report.runs_unlinked_from_parents = _ids(
        conn, f"SELECT id FROM run WHERE {lost_parent} ORDER BY id"
    )
    conn.execute(f"UPDATE run SET parent_id = NULL WHERE {lost_parent}")
    report.image_links_dropped = conn.execute(
        "DELETE FROM run_image WHERE run_id NOT IN (SELECT id FROM run) "
        "OR sha256 NOT IN (SELECT sha256 FROM image)"
    ).rowcount


def _mend_batches(conn: sqlite3.Connection, report: RecoveryReport) -> None:
    # As the schema's own ON DELETE rules do: a run or a batch item whose input row is gone
    # keeps its values without the link; an item goes with its batch and keeps its values
    # without a run that is gone (it runs again if the batch is resumed).
    lost_row = "input_row_id IS NOT NULL AND input_row_id NOT IN (SELECT id FROM input_row)"
    report.runs_unlinked_from_rows = _ids(conn, f"SELECT id FROM run WHERE {lost_row} ORDER BY id")
    conn.execute(f"UPDATE run SET input_row_id = NULL WHERE {lost_row}")
    lost_batch = "batch_id NOT IN (SELECT id FROM batch)"
    report.batch_items_dropped = _ids(
        conn, f"SELECT id FROM batch_item WHERE {lost_batch} ORDER BY id"
    )
    conn.execute(f"DELETE FROM batch_item WHERE {lost_batch}")
    lost_run = "run_id IS NOT NULL AND run_id NOT IN (SELECT id FROM run)"
    report.batch_items_unlinked = _ids(
        conn, f"SELECT id FROM batch_item WHERE ({lost_row}) OR ({lost_run}) ORDER BY id"
    )
    conn.execute(f"UPDATE batch_item SET input_row_id = NULL WHERE {lost_row}")
    conn.execute(f"UPDATE batch_item SET run_id = NULL WHERE {lost_run}")


def _mend_check_items(conn: sqlite3.Connection, report: RecoveryReport) -> None:
    # As the schema's own ON DELETE rules do: an item goes with its check or its source
    # run; an item whose replay is gone waits to be replayed again.
    lost_source = (
        "check_id NOT IN (SELECT id FROM migration_check) "
        "OR source_run_id NOT IN (SELECT id FROM run)"
    )
    report.check_items_dropped = _ids(
        conn, f"SELECT id FROM migration_check_item WHERE {lost_source} ORDER BY id"
    )
    conn.execute(f"DELETE FROM migration_check_item WHERE {lost_source}")
    lost_replay = "new_run_id IS NOT NULL AND new_run_id NOT IN (SELECT id FROM run)"
    report.check_items_unlinked = _ids(
        conn, f"SELECT id FROM migration_check_item WHERE {lost_replay} ORDER BY id"
    )
    conn.execute(f"UPDATE migration_check_item SET new_run_id = NULL WHERE {lost_replay}")


def _mend_grades(conn: sqlite3.Connection, report: RecoveryReport) -> None:
    # As the schema's own ON DELETE rules do: a grade goes with its run; a grade whose
    # expectation is gone keeps the expectation's uuid and text, as a removed one's does.
    lost_run = "run_id NOT IN (SELECT id FROM run)"
    report.grades_dropped = _ids(conn, f"SELECT id FROM grade WHERE {lost_run} ORDER BY id")
    conn.execute(f"DELETE FROM grade WHERE {lost_run}")
    lost_expectation = (
        "expectation_id IS NOT NULL AND expectation_id NOT IN (SELECT id FROM expectation)"
    )
    report.grades_unlinked = _ids(
        conn, f"SELECT id FROM grade WHERE {lost_expectation} ORDER BY id"
    )
    conn.execute(f"UPDATE grade SET expectation_id = NULL WHERE {lost_expectation}")


def _renumber(conn: sqlite3.Connection, table: str, report: RecoveryReport) -> None:
    """An experiment's expectations (and input rows) are numbered 1, 2, ... with no gap
    (adding one relies on it): where a lost one left a gap, those after it move up, their
    order kept."""
    rows = conn.execute(
        f"SELECT id, experiment_id, position FROM {table} ORDER BY experiment_id, position"
    ).fetchall()
    moves: list[tuple[int, int]] = []
    renumbered = (
        report.renumbered_input_sets if table == "input_row" else report.renumbered_experiments
    )
    place, current = 0, None
    for expectation_id, experiment_id, position in rows:
        place = place + 1 if experiment_id == current else 1
        current = experiment_id
        if position != place:
            moves.append((expectation_id, place))
            if experiment_id not in renumbered:
                renumbered.append(experiment_id)
    # Through negative numbers: SQLite checks the unique (experiment, position) row by row.
    conn.executemany(f"UPDATE {table} SET position = -? WHERE id = ?", [(p, i) for i, p in moves])
    conn.executemany(
        f"UPDATE {table} SET position = -position WHERE id = ?", [(i,) for i, _ in moves]
    )


def _ids(conn: sqlite3.Connection, sql: str) -> list[int]:
    return [row[0] for row in conn.execute(sql)]


def _move_into_place(temporary: Path, target: Path) -> None:
    """Rename, failing rather than replacing a file created meanwhile (link is atomic)."""
    appeared = InvalidInputError(f"{target} appeared while recovering; nothing was written.")
    try:
        os.link(temporary, target)
    except FileExistsError:
        raise appeared from None
    except OSError:  # a file system without hard links
        if os.path.lexists(target):
            raise appeared from None
        os.replace(temporary, target)
    else:
        with contextlib.suppress(OSError):
            temporary.unlink()
