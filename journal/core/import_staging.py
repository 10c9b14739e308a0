"""An import's working copy: checked records in a temporary SQLite file, merged into the
journal by a few set-based statements under the write lock.

Reading and checking an export is most of an import's time, and none of it needs the
journal. Done inside the write transaction, it held the journal's write lock for 13 s of a
15 s import of 10,000 experiments x 3 runs, and a run streaming meanwhile could not save
its text. So records go to a staging file as they are read, with no lock held, and the
lock is taken only for INSERT ... SELECT from that file (under 2 s at that size): still
one all-or-nothing transaction, which indexes the new rows for search once, at its end
(see bulk_insert).

Rows are staged exactly as the journal will store them (JSON as text, times in the
journal's one form); the staging columns carry no type, so SQLite applies the journal's
column affinities on the final INSERT just as it would to the values themselves."""

from __future__ import annotations

import json
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

from journal.core.bulk_insert import search_indexed_at_end
from journal.core.errors import InvalidInputError, StorageError
from journal.core.notebook_format import ImportFormatError
from journal.core.storage import Journal

ATTACHED_AS = "journal_import"  # the staging file's schema name while attached
BATCH = 500  # rows per executemany: memory stays flat whatever the export's size

# Bookkeeping columns of the staging tables, besides the journal's own.
_SEQ = "staging_seq"  # the order records were read in: new ids follow it
_EXPERIMENT_UUID = "staging_experiment_uuid"  # the run's experiment, by uuid
_REPLAY_OF_UUID = "staging_replay_of_uuid"  # the run it replays, by uuid
_WAS_LIVE = "staging_was_live"  # exported while streaming: staged as interrupted
_INPUT_ROW_UUID = "staging_input_row_uuid"  # the input row it was made from, by uuid
_HAS_GRADING = "staging_has_grading"  # the experiment has a row of experiment_grading
_THRESHOLD = "staging_threshold"  # ... and these are its values
_GRADING_UPDATED_AT = "staging_grading_updated_at"
_RUN_UUID = "staging_run_uuid"  # the grade's run, by uuid
_LINKED = "staging_linked"  # the grade names its expectation (by expectation_uuid), or none
_PARENT_UUID = "staging_parent_uuid"  # the run it follows (its conversation's previous turn)
_BASED_ON_UUID = "staging_based_on_uuid"  # the run of its experiment whose prompt it reran
_WHERE = "staging_where"  # "file:line" of a run that follows another, for a refusal
IMAGE_COLUMNS = ("sha256", "mime", "size", "width", "height", "data", "created_at")


def _quoted(names: Sequence[str], table: str = "") -> str:
    """`"a", "b"`, or with `table` `s."a", s."b"`: names from the journal's own schema."""
    prefix = f"{table}." if table else ""
    return ", ".join(f'{prefix}"{name}"' for name in names)


def _columns_then(names: Sequence[str]) -> str:
    """`"a", "b", ` (ready for more columns), or nothing for no names."""
    return f"{_quoted(names)}, " if names else ""


def _insert(table: str, columns: Sequence[str], *bookkeeping: str) -> str:
    names = [*(f'"{name}"' for name in columns), *bookkeeping]
    return f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"


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
    new_expectations: int = 0
    present_expectations: int = 0
    new_grades: int = 0
    present_grades: int = 0
    new_inputs: int = 0
    present_inputs: int = 0
    new_images: int = 0
    present_images: int = 0
    new_checks: int = 0
    present_checks: int = 0


class Staging:
    """A temporary SQLite file that collects an export's records as they are read.

    `experiment_columns` are the journal's experiment columns (id included);
    `run_columns` its run columns without experiment_id, replay_of_id and input_row_id,
    which the merge resolves by uuid; `expectation_columns` without experiment_id and
    position (the merge places each after what its experiment holds); `grade_columns`
    without run_id and expectation_id (resolved by uuid). The file is removed when the
    context ends, whatever happened.
    """

    def __init__(
        self,
        experiment_columns: Sequence[str],
        run_columns: Sequence[str],
        expectation_columns: Sequence[str] = (),
        grade_columns: Sequence[str] = (),
        input_columns: Sequence[str] = (),
        check_columns: Sequence[str] = (),
    ) -> None:
        self.experiment_columns = tuple(experiment_columns)
        self.run_columns = tuple(run_columns)
        self.expectation_columns = tuple(expectation_columns)
        self.grade_columns = tuple(grade_columns)
        self.input_columns = tuple(input_columns)
        self.check_columns = tuple(check_columns)
        # Migration checks are few: kept in memory, each with its items (position, source
        # run uuid, replay uuid or None).
        self.checks: list[tuple[tuple[Any, ...], list[tuple[int, str, str | None]]]] = []
        self._inputs: list[tuple[Any, ...]] = []
        self._experiments: list[tuple[Any, ...]] = []
        self._runs: list[tuple[Any, ...]] = []
        self._expectations: list[tuple[Any, ...]] = []
        self._grades: list[tuple[Any, ...]] = []
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
        self._add_experiments = _insert(
            "experiment", self.experiment_columns, _HAS_GRADING, _THRESHOLD, _GRADING_UPDATED_AT
        )
        self._add_runs = _insert(
            "run",
            self.run_columns,
            _EXPERIMENT_UUID,
            _REPLAY_OF_UUID,
            _WAS_LIVE,
            _INPUT_ROW_UUID,
            _PARENT_UUID,
            _WHERE,
            _BASED_ON_UUID,
        )
        self._add_image = _insert("image", IMAGE_COLUMNS)
        self._add_expectations = _insert("expectation", self.expectation_columns, _EXPERIMENT_UUID)
        self._add_grades = _insert("grade", self.grade_columns, _RUN_UUID, _LINKED)
        self._add_inputs = _insert("input_row", self.input_columns, _EXPERIMENT_UUID)

    def _create(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, isolation_level=None)
        try:
            # A scratch file: no rollback journal, no fsync; a crash loses only the scratch.
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
            conn.execute(
                f"CREATE TABLE experiment ({_SEQ} INTEGER PRIMARY KEY, "
                f"{_quoted(self.experiment_columns)}, "
                f"{_HAS_GRADING}, {_THRESHOLD}, {_GRADING_UPDATED_AT})"
            )
            conn.execute(
                f"CREATE TABLE run ({_SEQ} INTEGER PRIMARY KEY, {_quoted(self.run_columns)}, "
                f"{_EXPERIMENT_UUID}, {_REPLAY_OF_UUID}, {_WAS_LIVE}, {_INPUT_ROW_UUID}, "
                f"{_PARENT_UUID}, {_WHERE}, {_BASED_ON_UUID})"
            )
            conn.execute(f"CREATE TABLE image ({_quoted(IMAGE_COLUMNS)}, PRIMARY KEY (sha256))")
            conn.execute(
                f"CREATE TABLE expectation ({_SEQ} INTEGER PRIMARY KEY, "
                f"{_columns_then(self.expectation_columns)}{_EXPERIMENT_UUID})"
            )
            conn.execute(
                f"CREATE TABLE input_row ({_SEQ} INTEGER PRIMARY KEY, "
                f"{_columns_then(self.input_columns)}{_EXPERIMENT_UUID})"
            )
            conn.execute(
                f"CREATE TABLE grade ({_SEQ} INTEGER PRIMARY KEY, "
                f"{_columns_then(self.grade_columns)}{_RUN_UUID}, {_LINKED})"
            )
            conn.execute("BEGIN")
        except BaseException:
            conn.close()
            raise
        return conn

    def add_experiment(
        self, values: Sequence[Any], grading: tuple[float | None, str] | None = None
    ) -> None:
        """One experiment, its values in the order of `experiment_columns`; `grading` its
        row of experiment_grading (threshold, updated_at), if it has one."""
        threshold, updated_at = grading or (None, None)
        self._experiments.append((*values, int(grading is not None), threshold, updated_at))
        if len(self._experiments) >= BATCH:
            self._flush()

    def add_expectation(self, values: Sequence[Any], experiment_uuid: str) -> None:
        """One expectation, its values in the order of `expectation_columns`, in its
        experiment's order."""
        self._expectations.append((*values, experiment_uuid))
        if len(self._expectations) >= BATCH:
            self._flush()

    def add_input(self, values: Sequence[Any], experiment_uuid: str) -> None:
        """One input row, its values in the order of `input_columns`, in its experiment's
        order."""
        self._inputs.append((*values, experiment_uuid))
        if len(self._inputs) >= BATCH:
            self._flush()

    def add_grade(self, values: Sequence[Any], run_uuid: str, linked: bool) -> None:
        """One grade, its values in the order of `grade_columns`; `linked` when it names
        its expectation (which the merge finds by the grade's expectation_uuid)."""
        self._grades.append((*values, run_uuid, int(linked)))
        if len(self._grades) >= BATCH:
            self._flush()

    def add_run(
        self,
        values: Sequence[Any],
        experiment_uuid: str,
        replay_of_uuid: str | None,
        was_live: bool,
        input_row_uuid: str | None = None,
        parent_uuid: str | None = None,
        where: str | None = None,
        based_on_uuid: str | None = None,
    ) -> None:
        """One run, its values in the order of `run_columns`; `input_row_uuid` the input
        row of its experiment it was made from, `parent_uuid` the run of its experiment it
        follows, `based_on_uuid` the run of its experiment whose prompt it sent again (all
        found by uuid in the merge); `where` its file:line, for a refusal."""
        self._runs.append(
            (
                *values,
                experiment_uuid,
                replay_of_uuid,
                int(was_live),
                input_row_uuid,
                parent_uuid,
                where if parent_uuid is not None else None,
                based_on_uuid,
            )
        )
        if len(self._runs) >= BATCH:
            self._flush()

    def add_check(self, values: Sequence[Any], items: list[tuple[int, str, str | None]]) -> None:
        """One migration check, its values in the order of `check_columns`, and its items."""
        self.checks.append((tuple(values), items))

    def add_image(self, values: Sequence[Any]) -> None:
        """One image, its values in the order of IMAGE_COLUMNS (bytes and all), written at
        once: the bytes are not kept in memory. An image staged already is not staged again."""
        conn = self._open()
        with self._failures():
            conn.execute(self._add_image.replace("INSERT", "INSERT OR IGNORE", 1), tuple(values))

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
            if self._expectations:
                conn.executemany(self._add_expectations, self._expectations)
            if self._grades:
                conn.executemany(self._add_grades, self._grades)
            if self._inputs:
                conn.executemany(self._add_inputs, self._inputs)
        self._experiments.clear()
        self._runs.clear()
        self._expectations.clear()
        self._grades.clear()
        self._inputs.clear()

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
        connection = session.connection()
        with search_indexed_at_end(connection):  # not one row at a time by the triggers
            return _merge(connection, staging)


def _merge(connection: Connection, staging: Staging) -> Merged:
    """Set-based: each statement handles every staged record at once.

    Into an empty journal the export's ids are kept; otherwise new records get new ids
    after the existing ones, in the order they were read. Records whose uuid the journal
    already holds are skipped. Input rows go in before runs, so a new run finds the row it
    was made from by uuid; replay links are resolved by uuid once every run is in.
    """
    staged = ATTACHED_AS

    def one(sql: str, **params: Any) -> Any:
        return connection.execute(text(sql), params).one()

    kept_ids = bool(one(_IS_EMPTY)[0])
    last_experiment_id = one("SELECT coalesce(max(id), 0) FROM main.experiment")[0]

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
    inputs, present_inputs = _merge_ordered(
        connection, "input_row", staging.input_columns, kept_ids
    )
    if inputs > present_inputs:
        _refuse_mixed_input_sets(connection)

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
            f"INSERT INTO main.run ({_quoted(columns)}, "
            '"experiment_id", "replay_of_id", "input_row_id") '
            f"SELECT {_quoted(columns, 's')}, e.id, NULL, "
            "(SELECT i.id FROM main.input_row AS i "
            f"WHERE i.uuid = s.{_INPUT_ROW_UUID} AND i.experiment_id = e.id) "
            f"FROM {staged}.run AS s "
            f"JOIN main.experiment AS e ON e.uuid = s.{_EXPERIMENT_UUID} "
            "WHERE NOT EXISTS (SELECT 1 FROM main.run AS r WHERE r.uuid = s.uuid) "
            f"ORDER BY s.{_SEQ}"
        )
    ).rowcount
    assert inserted == new_runs, (inserted, new_runs)
    _link_parents(connection, last_run_id)
    # A run based on another names a run of its own experiment; one not found there (not
    # exported, say) is simply a run on its own, which is true of it all the same.
    connection.execute(
        text(
            "UPDATE main.run AS target SET based_on_id = original.id "
            f"FROM {staged}.run AS s JOIN main.run AS original "
            f"ON original.uuid = s.{_BASED_ON_UUID} "
            "WHERE target.id > :last AND s.uuid = target.uuid "
            "AND original.experiment_id = target.experiment_id"
        ),
        {"last": last_run_id},
    )

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
    new_images, present_images = _merge_images(connection, last_run_id)
    _merge_gradings(connection, last_experiment_id)
    expectations, present_expectations = _merge_ordered(
        connection, "expectation", staging.expectation_columns, kept_ids
    )
    grades, present_grades = _merge_grades(connection, staging, kept_ids)
    new_checks = _merge_checks(connection, staging, kept_ids)
    return Merged(
        new_experiments=experiments - present_experiments,
        present_experiments=present_experiments,
        new_runs=new_runs,
        present_runs=runs - new_runs,
        interrupted_runs=interrupted,
        dropped_replay_links=links - linked,
        kept_ids=kept_ids,
        new_expectations=expectations - present_expectations,
        present_expectations=present_expectations,
        new_grades=grades - present_grades,
        present_grades=present_grades,
        new_inputs=inputs - present_inputs,
        present_inputs=present_inputs,
        new_images=new_images,
        present_images=present_images,
        new_checks=new_checks,
        present_checks=len(staging.checks) - new_checks,
    )


def _merge_checks(connection: Connection, staging: Staging, kept_ids: bool) -> int:
    """New migration checks (by uuid) with their items, linked to the runs by uuid (every
    one is in the journal by now: the export held them). Ids are kept into a journal that
    had no experiments, runs or checks. Returns how many were new."""
    keep = (
        kept_ids
        and connection.execute(
            text("SELECT NOT EXISTS (SELECT 1 FROM main.migration_check)")
        ).scalar()
    )
    columns = [c for c in staging.check_columns if keep or c != "id"]
    insert = text(
        f"INSERT INTO main.migration_check ({_quoted(columns)}) "
        f"VALUES ({', '.join(f':c{n}' for n in range(len(columns)))})"
    )
    add_item = text(
        "INSERT INTO main.migration_check_item (check_id, position, source_run_id, new_run_id) "
        "VALUES (:check, :position, (SELECT id FROM main.run WHERE uuid = :source), "
        "(SELECT id FROM main.run WHERE uuid = :new))"
    )
    new = 0
    for values, items in staging.checks:
        record = dict(zip(staging.check_columns, values, strict=True))
        present = connection.execute(
            text("SELECT 1 FROM main.migration_check WHERE uuid = :uuid"), {"uuid": record["uuid"]}
        ).first()
        if present is not None:
            continue
        _refuse_runs_gone(connection, record, items)
        params = {f"c{n}": record[name] for n, name in enumerate(columns)}
        check_id = connection.execute(insert, params).lastrowid
        for position, source, replay in items:
            connection.execute(
                add_item,
                {"check": check_id, "position": position, "source": source, "new": replay},
            )
        new += 1
    return new


def _refuse_runs_gone(
    connection: Connection, record: dict[str, Any], items: list[tuple[int, str, str | None]]
) -> None:
    """A check file imported on its own names runs the journal held when it was read; one
    deleted since (its trash emptied meanwhile) is refused, and the whole merge rolls back."""
    named = sorted({run for _, source, replay in items for run in (source, replay) if run})
    held = connection.execute(
        text("SELECT count(*) FROM main.run WHERE uuid IN (SELECT value FROM json_each(:uuids))"),
        {"uuids": json.dumps(named)},
    ).scalar()
    if held != len(named):
        raise InvalidInputError(
            f"Runs of migration check {record.get('id')} left this journal during the import; "
            "nothing was imported. Import again to see which."
        )


def _link_parents(connection: Connection, last_run_id: int) -> None:
    """Each new follow-up gets its parent: a run of its own experiment, found by uuid among
    the runs just added or already in the journal. One found nowhere there is refused (the
    whole merge rolls back), naming the run's place in the export."""
    staged = ATTACHED_AS
    connection.execute(
        text(
            "UPDATE main.run AS target SET parent_id = parent.id "
            f"FROM {staged}.run AS s JOIN main.run AS parent ON parent.uuid = s.{_PARENT_UUID} "
            "WHERE target.id > :last AND s.uuid = target.uuid "
            "AND parent.experiment_id = target.experiment_id"
        ),
        {"last": last_run_id},
    )
    orphan = connection.execute(
        text(
            f"SELECT s.{_WHERE}, s.{_PARENT_UUID}, t.experiment_id FROM {staged}.run AS s "
            "JOIN main.run AS t ON t.uuid = s.uuid "
            f"WHERE t.id > :last AND s.{_PARENT_UUID} IS NOT NULL AND t.parent_id IS NULL "
            f"ORDER BY s.{_SEQ} LIMIT 1"
        ),
        {"last": last_run_id},
    ).first()
    if orphan is not None:
        where, parent, experiment = orphan
        shown, _, line = str(where).rpartition(":")
        raise ImportFormatError(
            shown,
            int(line),
            f'this run follows run "{parent}", which is neither an earlier run of its '
            f"experiment in the export nor one of experiment {experiment}'s runs in this journal",
        )


def _merge_images(connection: Connection, last_run_id: int) -> tuple[int, int]:
    """Images the journal lacks are added (one it holds already is not written again), and
    the new runs' links to the images their messages show are rebuilt. (new, present)"""
    staged = ATTACHED_AS
    total, present = connection.execute(
        text(
            f"SELECT count(*), count(m.sha256) FROM {staged}.image AS s "
            "LEFT JOIN main.image AS m ON m.sha256 = s.sha256"
        )
    ).one()
    connection.execute(
        text(
            f"INSERT INTO main.image ({_quoted(IMAGE_COLUMNS)}) "
            f"SELECT {_quoted(IMAGE_COLUMNS, 's')} FROM {staged}.image AS s "
            "WHERE NOT EXISTS (SELECT 1 FROM main.image AS m WHERE m.sha256 = s.sha256) "
            "ORDER BY s.sha256"
        )
    )
    connection.execute(
        text(
            """
            INSERT OR IGNORE INTO main.run_image (run_id, sha256)
            SELECT r.id, i.value FROM main.run AS r, json_each(r.messages) AS m,
                json_each(m.value, '$.images') AS i
            WHERE r.id > :last AND instr(r.messages, '"images"') AND m.type = 'object'
                AND json_type(m.value, '$.images') = 'array' AND i.type = 'text'
                AND i.value IN (SELECT sha256 FROM main.image)
            """
        ),
        {"last": last_run_id},
    )
    return total - present, present


def _merge_gradings(connection: Connection, last_experiment_id: int) -> None:
    """A new experiment comes with its rule for combining grades; an experiment the journal
    has already keeps its own (an import never edits what is there)."""
    connection.execute(
        text(
            "INSERT INTO main.experiment_grading (experiment_id, threshold, updated_at) "
            f"SELECT e.id, s.{_THRESHOLD}, s.{_GRADING_UPDATED_AT} "
            f"FROM {ATTACHED_AS}.experiment AS s JOIN main.experiment AS e ON e.uuid = s.uuid "
            f"WHERE s.{_HAS_GRADING} AND e.id > :last ORDER BY s.{_SEQ}"
        ),
        {"last": last_experiment_id},
    )


def _refuse_mixed_input_sets(connection: Connection) -> None:
    """Every row of an input set names the same variables: new rows merged into an
    experiment the journal already holds must name what its rows name. Raising here rolls
    the whole merge back."""
    mixed = connection.execute(
        text(
            f"""
            SELECT e.id FROM main.input_row AS r JOIN main.experiment AS e
                ON e.id = r.experiment_id
            WHERE e.uuid IN (SELECT {_EXPERIMENT_UUID} FROM {ATTACHED_AS}.input_row)
            GROUP BY e.id
            HAVING count(DISTINCT (SELECT group_concat(k.key, ',') FROM
                (SELECT key FROM json_each(r.variables) ORDER BY key) AS k)) > 1
            ORDER BY e.id LIMIT 1
            """
        )
    ).scalar()
    if mixed is not None:
        raise InvalidInputError(
            f"Cannot import: the export's input rows for experiment {mixed} name other "
            "variables than the rows it already holds; nothing was imported."
        )


def _merge_ordered(
    connection: Connection, table: str, staged_columns: Sequence[str], kept_ids: bool
) -> tuple[int, int]:
    """New expectations or input rows (by uuid) go after what their experiment already
    holds, in the export's order: into a new experiment, at the positions they had.
    (staged, present)"""
    staged = ATTACHED_AS
    total, present = connection.execute(
        text(
            f"SELECT count(*), count(m.id) FROM {staged}.{table} AS s "
            f"LEFT JOIN main.{table} AS m ON m.uuid = s.uuid"
        )
    ).one()
    columns = [c for c in staged_columns if kept_ids or c != "id"]
    # The SELECT reads the table it fills, so SQLite runs it to the end before inserting:
    # every new row's position counts from what the experiment held before this statement.
    inserted = connection.execute(
        text(
            f"""
            INSERT INTO main.{table} ({_quoted(columns)}, "experiment_id", "position")
            SELECT {_quoted(columns, "f")}, e.id, f.rank + coalesce(
                (SELECT max(m.position) FROM main.{table} AS m
                 WHERE m.experiment_id = e.id), 0)
            FROM (
                SELECT s.*, row_number() OVER (
                    PARTITION BY s.{_EXPERIMENT_UUID} ORDER BY s.{_SEQ}) AS rank
                FROM {staged}.{table} AS s
                WHERE NOT EXISTS (SELECT 1 FROM main.{table} AS m WHERE m.uuid = s.uuid)
            ) AS f JOIN main.experiment AS e ON e.uuid = f.{_EXPERIMENT_UUID}
            ORDER BY f.{_SEQ}
            """
        )
    ).rowcount
    assert inserted == total - present, (inserted, total, present)
    return total, present


def _merge_grades(connection: Connection, staging: Staging, kept_ids: bool) -> tuple[int, int]:
    """New grades (by uuid), about their run and expectation as this journal numbers them;
    a grade of an expectation since removed stays unlinked, as it was. (staged, present)"""
    staged = ATTACHED_AS
    total, present = connection.execute(
        text(
            f"SELECT count(*), count(m.id) FROM {staged}.grade AS s "
            "LEFT JOIN main.grade AS m ON m.uuid = s.uuid"
        )
    ).one()
    columns = [c for c in staging.grade_columns if kept_ids or c != "id"]
    inserted = connection.execute(
        text(
            f"""
            INSERT INTO main.grade ({_quoted(columns)}, "run_id", "expectation_id")
            SELECT {_quoted(columns, "s")},
                (SELECT r.id FROM main.run AS r WHERE r.uuid = s.{_RUN_UUID}),
                CASE WHEN s.{_LINKED} THEN (
                    SELECT x.id FROM main.expectation AS x WHERE x.uuid = s.expectation_uuid)
                END
            FROM {staged}.grade AS s
            WHERE NOT EXISTS (SELECT 1 FROM main.grade AS m WHERE m.uuid = s.uuid)
            ORDER BY s.{_SEQ}
            """
        )
    ).rowcount
    assert inserted == total - present, (inserted, total, present)
    return total, present


_IS_EMPTY = (
    "SELECT NOT EXISTS (SELECT 1 FROM main.experiment) AND NOT EXISTS (SELECT 1 FROM main.run)"
)
