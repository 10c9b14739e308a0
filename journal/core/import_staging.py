"""An import's working copy: checked records in a temporary SQLite file, merged into the
journal by a few set-based statements under the write lock.

Reading and checking an export is most of an import's time, and none of it needs the
journal. Done inside the write transaction, it held the journal's write lock for 13 s of a
15 s import of 10,000 experiments x 3 runs, and a run streaming meanwhile could not save
its text. So records go to a staging file as they are read, with no lock held, and the
lock is taken only for INSERT ... SELECT from that file (under 2 s at that size): still
one all-or-nothing transaction.

Rows are staged exactly as the journal will store them (JSON as text, times in the
journal's one form); the staging columns carry no type, so SQLite applies the journal's
column affinities on the final INSERT just as it would to the values themselves."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any

from sqlalchemy import Connection, text

from journal.core.errors import StorageError
from journal.core.storage import Journal

ATTACHED_AS = "journal_import"  # the staging file's schema name while attached
BATCH = 500  # rows per executemany: memory stays flat whatever the export's size

# Bookkeeping columns of the staging tables, besides the journal's own.
_SEQ = "staging_seq"  # the order records were read in: new ids follow it
_EXPERIMENT_UUID = "staging_experiment_uuid"  # the run's experiment, by uuid
_REPLAY_OF_UUID = "staging_replay_of_uuid"  # the run it replays, by uuid
_WAS_LIVE = "staging_was_live"  # exported while streaming: staged as interrupted


def _quoted(names: Sequence[str], table: str = "") -> str:
    """`"a", "b"`, or with `table` `s."a", s."b"`: names from the journal's own schema."""
    prefix = f"{table}." if table else ""
    return ", ".join(f'{prefix}"{name}"' for name in names)


@dataclass(frozen=True)
class Merged:
    """What the merge did, for ImportResult."""

    new_experiments: int
    present_experiments: int
    new_runs: int
    present_runs: int
    interrupted_runs: int  # among the new runs
    dropped_replay_links: int  # new runs replaying a run in neither the export nor the journal
    kept_ids: bool


class Staging:
    """A temporary SQLite file that collects an export's records as they are read.

    `experiment_columns` are the journal's experiment columns (id included);
    `run_columns` its run columns without experiment_id and replay_of_id, which the merge
    resolves by uuid. The file is removed when the context ends, whatever happened.
    """

    def __init__(self, experiment_columns: Sequence[str], run_columns: Sequence[str]) -> None:
        self.experiment_columns = tuple(experiment_columns)
        self.run_columns = tuple(run_columns)
        self._experiments: list[tuple[Any, ...]] = []
        self._runs: list[tuple[Any, ...]] = []
        self._conn: sqlite3.Connection | None = None
        with self._failures():
            handle, name = tempfile.mkstemp(prefix="journal-import-", suffix=".sqlite")
        os.close(handle)
        self.path = Path(name)
        try:
            with self._failures():
                self._conn = self._create()
        except BaseException:
            self.remove()
            raise
        self._add_experiments = (
            f"INSERT INTO experiment ({_quoted(self.experiment_columns)}) "
            f"VALUES ({', '.join('?' * len(self.experiment_columns))})"
        )
        self._add_runs = (
            f"INSERT INTO run ({_quoted(self.run_columns)}, {_EXPERIMENT_UUID}, "
            f"{_REPLAY_OF_UUID}, {_WAS_LIVE}) "
            f"VALUES ({', '.join('?' * (len(self.run_columns) + 3))})"
        )

    def _create(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None)
        try:
            # A scratch file: no rollback journal, no fsync; a crash loses only the scratch.
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
            conn.execute(
                f"CREATE TABLE experiment ({_SEQ} INTEGER PRIMARY KEY, "
                f"{_quoted(self.experiment_columns)})"
            )
            conn.execute(
                f"CREATE TABLE run ({_SEQ} INTEGER PRIMARY KEY, {_quoted(self.run_columns)}, "
                f"{_EXPERIMENT_UUID}, {_REPLAY_OF_UUID}, {_WAS_LIVE})"
            )
            conn.execute("BEGIN")
        except BaseException:
            conn.close()
            raise
        return conn

    def add_experiment(self, values: Sequence[Any]) -> None:
        """One experiment, its values in the order of `experiment_columns`."""
        self._experiments.append(tuple(values))
        if len(self._experiments) >= BATCH:
            self._flush()

    def add_run(
        self,
        values: Sequence[Any],
        experiment_uuid: str,
        replay_of_uuid: str | None,
        was_live: bool,
    ) -> None:
        """One run, its values in the order of `run_columns`."""
        self._runs.append((*values, experiment_uuid, replay_of_uuid, int(was_live)))
        if len(self._runs) >= BATCH:
            self._flush()

    def finish(self) -> None:
        """Write what is still buffered and close the file, ready to be attached."""
        self._flush()
        conn = self._open()
        with self._failures():
            conn.execute("COMMIT")
            # The merge finds a new run's row here by uuid, to link its replay.
            conn.execute(f"CREATE INDEX run_uuid ON run(uuid, {_REPLAY_OF_UUID})")
            conn.close()
        self._conn = None

    def _flush(self) -> None:
        conn = self._open()
        with self._failures():
            if self._experiments:
                conn.executemany(self._add_experiments, self._experiments)
            if self._runs:
                conn.executemany(self._add_runs, self._runs)
        self._experiments.clear()
        self._runs.clear()

    def _open(self) -> sqlite3.Connection:
        if self._conn is None:
            raise RuntimeError("the staging file is already closed")
        return self._conn

    @contextmanager
    def _failures(self) -> Iterator[None]:
        """The temporary folder full or unwritable: say so, not a traceback."""
        try:
            yield
        except (OSError, sqlite3.OperationalError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise StorageError(
                f"Cannot import: the temporary folder {tempfile.gettempdir()} cannot hold the "
                f"import's working copy ({reason}); nothing was imported. Free some space "
                "there, or point TMPDIR to another folder."
            ) from exc

    def remove(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        self.path.unlink(missing_ok=True)

    def __enter__(self) -> Staging:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.remove()


# -- the merge, under the write lock --------------------------------------------------------


def merge(journal: Journal, staging: Staging) -> Merged:
    """Add what the staging file holds and the journal lacks, in one write transaction."""
    with journal.write_attached(staging.path, ATTACHED_AS) as session:
        return _merge(session.connection(), staging)


def _merge(connection: Connection, staging: Staging) -> Merged:
    """Set-based: each statement handles every staged record at once.

    Into an empty journal the export's ids are kept; otherwise new records get new ids
    after the existing ones, in the order they were read. Records whose uuid the journal
    already holds are skipped. Replay links are resolved by uuid once every run is in.
    """
    staged = ATTACHED_AS

    def one(sql: str, **params: Any) -> Any:
        return connection.execute(text(sql), params).one()

    kept_ids = bool(one(_IS_EMPTY)[0])

    experiments, present_experiments = one(
        f"SELECT count(*), count(m.id) FROM {staged}.experiment AS s "
        "LEFT JOIN main.experiment AS m ON m.uuid = s.uuid"
    )
    columns = [c for c in staging.experiment_columns if kept_ids or c != "id"]
    inserted = connection.execute(
        text(
            f"INSERT INTO main.experiment ({_quoted(columns)}) "
            f"SELECT {_quoted(columns, 's')} FROM {staged}.experiment AS s "
            "WHERE NOT EXISTS (SELECT 1 FROM main.experiment AS m WHERE m.uuid = s.uuid) "
            f"ORDER BY s.{_SEQ}"
        )
    ).rowcount
    assert inserted == experiments - present_experiments, (inserted, experiments)

    last_run_id = one("SELECT coalesce(max(id), 0) FROM main.run")[0]
    runs, new_runs, interrupted, links = one(
        f"SELECT count(*), count(*) - count(r.id), "
        f"coalesce(sum(s.{_WAS_LIVE}) FILTER (WHERE r.id IS NULL), 0), "
        f"count(s.{_REPLAY_OF_UUID}) FILTER (WHERE r.id IS NULL) "
        f"FROM {staged}.run AS s LEFT JOIN main.run AS r ON r.uuid = s.uuid"
    )
    columns = [c for c in staging.run_columns if kept_ids or c != "id"]
    inserted = connection.execute(
        text(
            f'INSERT INTO main.run ({_quoted(columns)}, "experiment_id", "replay_of_id") '
            f"SELECT {_quoted(columns, 's')}, "
            f"(SELECT e.id FROM main.experiment AS e WHERE e.uuid = s.{_EXPERIMENT_UUID}), "
            f"NULL FROM {staged}.run AS s "
            "WHERE NOT EXISTS (SELECT 1 FROM main.run AS r WHERE r.uuid = s.uuid) "
            f"ORDER BY s.{_SEQ}"
        )
    ).rowcount
    assert inserted == new_runs, (inserted, new_runs)

    # The new runs are exactly those after the last id: AUTOINCREMENT never reuses one,
    # and into an empty journal (ids kept) every run is new.
    linked = connection.execute(
        text(
            "UPDATE main.run AS target SET replay_of_id = original.id "
            f"FROM {staged}.run AS s JOIN main.run AS original "
            f"ON original.uuid = s.{_REPLAY_OF_UUID} "
            "WHERE target.id > :last AND s.uuid = target.uuid"
        ),
        {"last": last_run_id},
    ).rowcount
    return Merged(
        new_experiments=experiments - present_experiments,
        present_experiments=present_experiments,
        new_runs=new_runs,
        present_runs=runs - new_runs,
        interrupted_runs=interrupted,
        dropped_replay_links=links - linked,
        kept_ids=kept_ids,
    )


_IS_EMPTY = (
    "SELECT NOT EXISTS (SELECT 1 FROM main.experiment) AND NOT EXISTS (SELECT 1 FROM main.run)"
)
