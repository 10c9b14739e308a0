"""What an export reads: the selected experiments with everything shown about them, in keyset
pages of ascending id, as plain records (every column, JSON parsed), inside the caller's
read transaction (one consistent snapshot). The Markdown is made from these elsewhere
(export_markdown); nothing here writes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from journal.core.domain import ExperimentFilter
from journal.core.export_records import RawReader, id_list, json_columns, read_record
from journal.core.export_text import code, when
from journal.core.image_records import image_refs
from journal.core.notebook_format import (
    BASED_ON_UUID,
    GRADING_KEY,
    IMAGES_KEY,
    INPUT_ROW_UUID,
    PARENT_UUID,
    REPLAY_OF_UUID,
    encode_json,
    load_json,
)
from journal.core.read_sql import filter_clauses

if TYPE_CHECKING:  # `journal export` reads over plain sqlite3 and never imports the ORM
    from sqlmodel import Session

PAGE_SIZE = 500


@dataclass(frozen=True)
class ExportSelection:
    """Which experiments: those matching `filters`, or only `experiment_id` among them."""

    filters: ExperimentFilter = field(default_factory=ExperimentFilter)
    experiment_id: int | None = None

    def describe(self) -> str:
        """One sentence for the top of the export; empty for the whole journal."""
        if self.experiment_id is not None and self.filters.is_empty:
            return f"Experiment {self.experiment_id} only."
        parts = []
        f = self.filters
        if f.model and f.verdict:
            parts.append(f"with a run on {code(f.model)} judged {f.verdict.value}")
        elif f.model:
            parts.append(f"with a run on {code(f.model)}")
        elif f.verdict:
            parts.append(f"with a run judged {f.verdict.value}")
        if f.tag:
            parts.append(f"tagged {code(f.tag)}")
        if f.search:
            parts.append(f"matching {code(f.search)}")
        if f.since:
            parts.append(f"created since {when(f.since)}")
        if f.until:
            parts.append(f"created before {when(f.until)}")
        if self.experiment_id is not None:
            parts.append(f"only experiment {self.experiment_id}")
        return f"Experiments {', '.join(parts)}." if parts else ""


@dataclass(frozen=True)
class RunLink:
    """Another exported run, for a link to its anchor: where it lives and what it is."""

    run_id: int
    uuid: str
    experiment_id: int
    experiment_title: str
    model: str = ""
    same_answer: bool = False  # a replay's answer is exactly its original's


@dataclass
class RunEntry:
    # Every column, plus replay_of_uuid, input_row and parent (their uuids) and images (the
    # image rows its messages show, without their bytes).
    record: dict[str, Any]
    replayed_experiment_id: int | None = None  # for the reader: where the replayed run lives
    grades: list[dict[str, Any]] = field(default_factory=list)  # every column, oldest first
    parent_experiment_id: int | None = None  # where the run it follows lives
    original: RunLink | None = None  # the run it replays, when this export holds it too
    replays: list[RunLink] = field(default_factory=list)  # its replays this export holds


@dataclass
class ExperimentEntry:
    record: dict[str, Any]  # every column, plus GRADING_KEY
    runs: list[RunEntry]
    expectations: list[dict[str, Any]] = field(default_factory=list)  # in their order
    inputs: list[dict[str, Any]] = field(default_factory=list)  # input rows, in their order

    @property
    def grades(self) -> int:
        return sum(len(run.grades) for run in self.runs)


# -- reading -------------------------------------------------------------------------------


def selection_clauses(selection: ExportSelection, params: dict[str, Any]) -> list[str]:
    clauses = filter_clauses(selection.filters, params)
    if selection.experiment_id is not None:
        clauses.append("e.id = :only_id")
        params["only_id"] = selection.experiment_id
    return clauses


# Each statement's `{ids}` is an id_list: the page's experiments (or runs).
_RUNS_OF = f"""
    SELECT r.*, o.uuid AS {REPLAY_OF_UUID}, o.experiment_id AS replayed_experiment_id,
        i.uuid AS {INPUT_ROW_UUID}, p.uuid AS {PARENT_UUID},
        p.experiment_id AS parent_experiment_id, b.uuid AS {BASED_ON_UUID}
    FROM run AS r LEFT JOIN run AS o ON o.id = r.replay_of_id
        LEFT JOIN input_row AS i ON i.id = r.input_row_id
        LEFT JOIN run AS p ON p.id = r.parent_id
        LEFT JOIN run AS b ON b.id = r.based_on_id AND b.trashed_at IS NULL
    WHERE r.experiment_id IN {{ids}} AND r.trashed_at IS NULL
    ORDER BY r.experiment_id, r.id
    """
_EXPECTATIONS_OF = (
    "SELECT * FROM expectation WHERE experiment_id IN {ids} ORDER BY experiment_id, position"
)
_INPUTS_OF = "SELECT * FROM input_row WHERE experiment_id IN {ids} ORDER BY experiment_id, position"
_GRADINGS_OF = (
    "SELECT experiment_id, threshold, updated_at FROM experiment_grading "
    "WHERE experiment_id IN {ids}"
)
_IMAGES_OF = (
    "SELECT sha256, mime, size, width, height, created_at FROM image "
    "WHERE sha256 IN (SELECT value FROM json_each(:refs))"
)
_GRADES_OF = """
    SELECT g.* FROM grade AS g JOIN run AS r ON r.id = g.run_id
    WHERE r.experiment_id IN {ids} AND r.trashed_at IS NULL
    ORDER BY g.run_id, g.id
    """
_ORIGINALS_OF = (
    "SELECT o.id, o.uuid, e.id, e.title FROM run AS o "
    "JOIN experiment AS e ON e.id = o.experiment_id "
    "WHERE o.id IN {ids} AND o.trashed_at IS NULL AND {where}"
)
_REPLAYS_OF = (
    "SELECT x.replay_of_id, x.id, x.uuid, e.id, e.title, x.model, "
    "x.response IS o.response FROM run AS x "
    "JOIN run AS o ON o.id = x.replay_of_id "
    "JOIN experiment AS e ON e.id = x.experiment_id "
    "WHERE x.replay_of_id IN {ids} AND x.trashed_at IS NULL AND {where} ORDER BY x.id"
)


class Columns(NamedTuple):
    """The columns holding JSON, per table: parsed in every record read from it."""

    experiment: frozenset[str]
    run: frozenset[str]
    grade: frozenset[str]
    input_row: frozenset[str]

    @classmethod
    def of(cls, reader: RawReader) -> Columns:
        return cls(*(json_columns(reader, table) for table in cls._fields))


Keyed = tuple[list[str], list[tuple[Any, ...]]]  # column names, and rows


class PageRows(NamedTuple):
    """One page of experiments and all that is shown about them, as the database returned
    them: plain tuples, read inside the caller's snapshot. Turning them into records
    (assemble_page) needs no database, so it can happen in another process
    (export_parallel): a page of tuples crosses a process boundary several times cheaper
    than the records made of it."""

    columns: Columns
    experiments: Keyed
    runs: Keyed
    images: Keyed  # the image rows the page's runs show (no bytes)
    originals: list[tuple[Any, ...]]  # _ORIGINALS_OF: the runs the page's runs replay
    replays: list[tuple[Any, ...]]  # _REPLAYS_OF: the replays of the page's runs
    grades: Keyed
    expectations: Keyed
    inputs: Keyed
    gradings: list[tuple[Any, ...]]


def iter_entries(
    source: Session | RawReader, selection: ExportSelection, *, page_size: int = PAGE_SIZE
) -> Iterator[ExperimentEntry]:
    """The selected experiments with their runs, by ascending id, `page_size` at a time,
    read as plain tuples (a session is read on its own connection: RawReader.of_session)."""
    for page in iter_pages(source, selection, page_size=page_size):
        yield from assemble_page(page)


def iter_pages(
    source: Session | RawReader, selection: ExportSelection, *, page_size: int = PAGE_SIZE
) -> Iterator[PageRows]:
    """iter_entries' pages as rows, each read when the one before has been taken."""
    reader = RawReader.of_session(source)
    columns = Columns.of(reader)
    after = 0
    while True:
        params: dict[str, Any] = {"after": after, "limit": page_size}
        clauses = [*selection_clauses(selection, params), "e.id > :after"]
        experiments = reader.keyed(
            f"SELECT e.* FROM experiment AS e WHERE {' AND '.join(clauses)} "
            "ORDER BY e.id LIMIT :limit",
            params,
        )
        found = experiments[1]
        if not found:
            return
        ids = id_list(row[0] for row in found)  # e.* starts with the id
        runs = reader.keyed(_RUNS_OF.format(ids=ids))
        yield PageRows(
            columns,
            experiments,
            runs,
            _images_of(reader, runs),
            *_replay_rows(reader, selection, runs),
            reader.keyed(_GRADES_OF.format(ids=ids)),
            reader.keyed(_EXPECTATIONS_OF.format(ids=ids)),
            reader.keyed(_INPUTS_OF.format(ids=ids)),
            reader.rows(_GRADINGS_OF.format(ids=ids)),
        )
        after = found[-1][0]
        if len(found) < page_size:
            return


def assemble_page(page: PageRows) -> list[ExperimentEntry]:
    """The page's experiments as entries: records with their JSON parsed, runs with their
    grades, images and replay links. JSON the journal cannot parse stops the export
    (read_record)."""
    columns = page.columns
    keys, found = page.experiments
    experiments = [
        _without_trash_marks(read_record("experiment", keys, row, columns.experiment))
        for row in found
    ]
    runs: dict[int, list[RunEntry]] = {record["id"]: [] for record in experiments}
    by_id: dict[int, RunEntry] = {}
    keys, found = page.runs
    for row in found:
        record = _without_trash_marks(read_record("run", keys, row, columns.run))
        if record.get(BASED_ON_UUID) is None:  # based on none (or on a run in the trash)
            record.pop(BASED_ON_UUID, None)
            record.pop("based_on_id", None)
        replayed = record.pop("replayed_experiment_id")
        parent_experiment = record.pop("parent_experiment_id")
        by_id[record["id"]] = RunEntry(record, replayed, parent_experiment_id=parent_experiment)
        runs[record["experiment_id"]].append(by_id[record["id"]])
    _list_images(page.images, list(by_id.values()))
    _link_replays(page.originals, page.replays, by_id)
    keys, found = page.grades
    for row in found:
        grade = read_record("grade", keys, row, columns.grade)
        by_id[grade["run_id"]].grades.append(grade)
    expectations: dict[int, list[dict[str, Any]]] = {experiment: [] for experiment in runs}
    keys, found = page.expectations
    for row in found:
        expectation = dict(zip(keys, row, strict=True))
        expectations[expectation["experiment_id"]].append(expectation)
    inputs: dict[int, list[dict[str, Any]]] = {experiment: [] for experiment in runs}
    keys, found = page.inputs
    for row in found:
        input_row = read_record("input_row", keys, row, columns.input_row)
        inputs[input_row["experiment_id"]].append(input_row)
    gradings = {row[0]: {"threshold": row[1], "updated_at": row[2]} for row in page.gradings}
    entries = []
    for record in experiments:
        record[GRADING_KEY] = gradings.get(record["id"])
        entries.append(
            ExperimentEntry(
                record, runs[record["id"]], expectations[record["id"]], inputs[record["id"]]
            )
        )
    return entries


def _replay_rows(
    reader: RawReader, selection: ExportSelection, runs: Keyed
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The originals the page's runs replay and the replays of the page's runs, among the
    runs the export holds as well (their experiments are selected, nothing is in the
    trash), so the text links them both ways."""
    keys, found = runs
    if not found:
        return [], []
    replay_of = keys.index("replay_of_id")
    originals = sorted({row[replay_of] for row in found if row[replay_of]})
    params: dict[str, Any] = {}
    where = " AND ".join(selection_clauses(selection, params))
    held = []
    if originals:
        held = reader.rows(_ORIGINALS_OF.format(ids=id_list(originals), where=where), params)
    ids = id_list(row[0] for row in found)  # r.* starts with the id
    return held, reader.rows(_REPLAYS_OF.format(ids=ids, where=where), params)


def _link_replays(
    originals: list[tuple[Any, ...]], replays: list[tuple[Any, ...]], by_id: dict[int, RunEntry]
) -> None:
    """Each run's original and replays, from _replay_rows."""
    if originals:
        held = {
            row[0]: RunLink(row[0], str(row[1]), row[2], str(row[3] or "")) for row in originals
        }
        for run in by_id.values():
            run.original = held.get(run.record.get("replay_of_id") or 0)
    for row in replays:
        link = RunLink(row[1], str(row[2]), row[3], str(row[4] or ""), str(row[5]), bool(row[6]))
        by_id[row[0]].replays.append(link)


def _without_trash_marks(record: dict[str, Any]) -> dict[str, Any]:
    """What is in the trash is never exported, so `trashed_at` says nothing and is left
    out; `archived_at` is carried only when set (from format 8), so an export of a journal
    without archived experiments holds what format 7 held."""
    record.pop("trashed_at", None)
    if record.get("archived_at", "") is None:
        del record["archived_at"]
    return record


def _images_of(reader: RawReader, runs: Keyed) -> Keyed:
    """The image rows (no bytes) that the runs' messages name. Only messages that mention
    images are parsed here; one that cannot be parsed names none here, and stops the export
    when its run is assembled (read_record)."""
    keys, found = runs
    messages = keys.index("messages")
    refs: set[str] = set()
    for row in found:
        raw = row[messages]
        # A key written with escapes (`"\\u0069mages"`) is the same key: parse those too.
        if isinstance(raw, str) and ('"images"' in raw or "\\u" in raw):
            try:
                refs.update(image_refs(load_json(raw)))
            except ValueError:
                continue
    if not refs:
        return [], []
    return reader.keyed(_IMAGES_OF, {"refs": encode_json(sorted(refs))})


def _list_images(images: Keyed, entries: list[RunEntry]) -> None:
    """Each run's IMAGES_KEY: the image rows its messages name that the journal holds (one
    it lacks is named in the messages only), in first-use order."""
    keys, found = images
    held = {row[0]: dict(zip(keys, row, strict=True)) for row in found}
    for entry in entries:
        names = image_refs(entry.record.get("messages")) if held else ()
        entry.record[IMAGES_KEY] = [held[name] for name in names if name in held]


def selection_has_images(source: Session | RawReader, selection: ExportSelection) -> bool:
    """Whether an export of `selection` would carry an image (standard output cannot): a
    message of one of its runs names an image the journal holds, as _list_images reads it."""
    params: dict[str, Any] = {}
    clauses = selection_clauses(selection, params)
    where = f"AND {' AND '.join(clauses)}" if clauses else ""
    [(row,)] = RawReader.of_session(source).rows(
        f"""
            SELECT EXISTS (
                SELECT 1 FROM run AS r JOIN experiment AS e ON e.id = r.experiment_id,
                    json_each(r.messages) AS m
                WHERE r.trashed_at IS NULL AND instr(r.messages, '"images"')
                    AND m.type = 'object'
                    AND json_type(m.value, '$.images') = 'array'
                    AND EXISTS (SELECT 1 FROM image AS g WHERE g.sha256 IN
                        (SELECT value FROM json_each(m.value, '$.images')))
                    {where}
            )
            """,
        params,
    )
    return bool(row)


def count_selection(source: Session | RawReader, selection: ExportSelection) -> tuple[int, int]:
    """(experiments, runs) that `selection` would export."""
    params: dict[str, Any] = {}
    clauses = selection_clauses(selection, params)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    [row] = RawReader.of_session(source).rows(
        f"""
            SELECT count(*), coalesce(sum(
                (SELECT count(*) FROM run
                 WHERE run.experiment_id = e.id AND run.trashed_at IS NULL)), 0)
            FROM experiment AS e {where}
            """,
        params,
    )
    return int(row[0]), int(row[1])


__all__ = [
    "PAGE_SIZE",
    "Columns",
    "ExperimentEntry",
    "ExportSelection",
    "PageRows",
    "RunEntry",
    "RunLink",
    "assemble_page",
    "count_selection",
    "iter_entries",
    "iter_pages",
    "selection_clauses",
    "selection_has_images",
]
