"""An experiment, its runs and their grades as plain records, read without the ORM.

`journal show` only reads, and importing SQLAlchemy costs it ten times its queries. It reads
here, over a read_sql `Reader` (journal.core.reading's plain sqlite3, or a session through
queries.SessionReader), records with the attribute names of the SQLModel tables, so the
formatting, grading and threading rules apply to both. The statements it shares with the
write path (the trash, a run's images) are read_sql's; the tables stay the schema
(journal.core.models, built by journal.core.migrations).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

from journal.core.domain import RunStatus, Verdict, last_user_text, tokens_per_second
from journal.core.errors import NotFoundError
from journal.core.grade_records import (
    Grade,
    RowExpectation,
    RunExpectation,
    SavedExpectation,
    grade_of,
    row_expectations,
    run_grading,
    runs_expectations,
    saved_expectation,
)
from journal.core.grading import CombineRule, RunOutcome
from journal.core.image_records import StoredImage, in_message_order
from journal.core.live_runs import INTERRUPTED_MESSAGE, end_if_owner_gone
from journal.core.read_sql import EXPERIMENT_TRASHED_AT, RUN_IMAGES, RUN_PLACE, Reader
from journal.core.repeats import RepeatGroup, repeat_groups_from, standing

if TYPE_CHECKING:
    from journal.core.models import Run


def moment(value: str | None) -> datetime | None:
    """A moment as the file holds it (models.UTCDateTime's text), read as the ORM reads it."""
    if value is None:
        return None
    parsed = datetime.fromisoformat(value)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _at(value: str) -> datetime:
    parsed = moment(value)
    assert parsed is not None
    return parsed


def _json(value: str | None) -> Any:
    return None if value is None else json.loads(value)


@dataclass
class ExperimentRecord:
    """An `experiment` row (models.Experiment's fields, in its order)."""

    id: int
    uuid: str
    title: str
    hypothesis: str
    expected: str
    conclusion: str
    tags: list[str]
    created_at: datetime
    updated_at: datetime
    trashed_at: datetime | None
    archived_at: datetime | None


@dataclass
class RunRecord:
    """A `run` row (models.Run's fields, in its order, with its properties)."""

    id: int
    uuid: str
    experiment_id: int
    replay_of_id: int | None
    based_on_id: int | None
    replay_info: dict[str, Any] | None
    model: str
    model_digest: str
    model_family: str
    model_parameter_size: str
    model_quantization: str
    model_details: dict[str, Any]
    ollama_version: str
    system_prompt: str
    messages: list[dict[str, Any]]
    template: dict[str, Any] | None
    options: dict[str, Any]
    keep_alive: str | None
    think: Any
    response: str
    thinking: str
    status: RunStatus
    error: str
    done_reason: str
    prompt_eval_count: int | None
    eval_count: int | None
    total_duration: int | None
    load_duration: int | None
    prompt_eval_duration: int | None
    eval_duration: int | None
    final_chunk: dict[str, Any]
    first_token_seconds: float | None
    wall_seconds: float | None
    host: str
    input_row_id: int | None
    parent_id: int | None
    format: Any
    verdict: Verdict | None
    verdict_note: str
    owner: str
    heartbeat_at: datetime | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    trashed_at: datetime | None

    @property
    def tokens_per_second(self) -> float | None:
        return tokens_per_second(self.eval_count, self.eval_duration)

    @property
    def short_digest(self) -> str:
        from journal.core.formatting import short_digest

        return short_digest(self.model_digest)

    @property
    def prompt(self) -> str:
        """The last user message: what people mean by "the prompt" of a run."""
        return last_user_text(self.messages)


EXPERIMENT_COLUMNS = tuple(field.name for field in fields(ExperimentRecord))
RUN_COLUMNS = tuple(field.name for field in fields(RunRecord))
_JSON_COLUMNS = frozenset(
    {"tags", "replay_info", "model_details", "messages", "template", "options", "think"}
    | {"final_chunk", "format"}
)
_MOMENT_COLUMNS = frozenset(
    {"created_at", "updated_at", "trashed_at", "archived_at", "heartbeat_at"}
    | {"started_at", "finished_at"}
)


def _values(columns: Sequence[str], row: Sequence[Any]) -> dict[str, Any]:
    values = dict(zip(columns, row, strict=True))
    for name in columns:
        if name in _JSON_COLUMNS:
            values[name] = _json(values[name])
        elif name in _MOMENT_COLUMNS:
            values[name] = moment(values[name])
    return values


def read_experiment(reader: Reader, experiment_id: int) -> ExperimentRecord:
    """The experiment (in the trash or not); NotFoundError as queries.get_experiment says."""
    rows = reader.rows(
        f"SELECT {', '.join(EXPERIMENT_COLUMNS)} FROM experiment WHERE id = :id",
        {"id": experiment_id},
    )
    if not rows:
        raise NotFoundError(f"There is no experiment {experiment_id}.")
    return ExperimentRecord(**_values(EXPERIMENT_COLUMNS, rows[0]))


def read_runs(reader: Reader, experiment_id: int) -> list[RunRecord]:
    """The experiment's runs, oldest first, without those in the trash (queries.runs_of)."""
    rows = reader.rows(
        f"SELECT {', '.join(RUN_COLUMNS)} FROM run "
        "WHERE experiment_id = :id AND trashed_at IS NULL ORDER BY id",
        {"id": experiment_id},
    )
    found = []
    for row in rows:
        values = _values(RUN_COLUMNS, row)
        values["status"] = RunStatus(values["status"])
        values["verdict"] = None if values["verdict"] is None else Verdict(values["verdict"])
        found.append(RunRecord(**values))
    return found


def json_record(
    record: ExperimentRecord | RunRecord, *, leave_out: Iterable[str] = ()
) -> dict[str, Any]:
    """`record` as --json gives it: a SQLModel's model_dump(mode="json") (moments ISO 8601
    with a Z for UTC, enums by value), in the table's field order."""
    left_out = set(leave_out)
    found: dict[str, Any] = {}
    for field in fields(record):
        if field.name in left_out:
            continue
        value = getattr(record, field.name)
        if isinstance(value, datetime):
            text = value.isoformat()
            value = text[:-6] + "Z" if text.endswith("+00:00") else text
        elif isinstance(value, RunStatus | Verdict):
            value = value.value
        found[field.name] = value
    return found


# -- the trash --------------------------------------------------------------------------


def trash_note(
    reader: Reader, *, experiment_id: int | None = None, run_id: int | None = None
) -> str | None:
    """ "in the trash (journal restore N)" for an item in the trash, else None: what `show`
    and the window say instead of the item."""
    if experiment_id is not None:
        rows = reader.rows(EXPERIMENT_TRASHED_AT, {"id": experiment_id})
        if rows and rows[0][0] is not None:
            return f"Experiment {experiment_id} is in the trash (journal restore {experiment_id})."
        return None
    places = reader.rows(RUN_PLACE, {"id": run_id})
    if not places:
        return None
    row = places[0]
    if row[1] is not None:
        return f"Run {run_id} is in the trash with experiment {row[2]} (journal restore {row[2]})."
    if row[0] is not None:
        return f"Run {run_id} is in the trash (journal restore --run {run_id})."
    return None


def replay_notes(reader: Reader, runs: Sequence[Run | RunRecord]) -> dict[int, str]:
    """ "replays run N", by run id, for each replay among `runs`, saying when the original is
    in the trash or was deleted (a replay keeps its own record either way)."""
    notes: dict[int, str] = {}
    for run in runs:
        if run.id is None:
            continue
        gone = (run.replay_info or {}).get("original_deleted")
        if run.replay_of_id is not None:
            where = trash_note(reader, run_id=run.replay_of_id)
            notes[run.id] = f"replays run {run.replay_of_id}" + (" (in the trash)" if where else "")
        elif isinstance(gone, dict):
            notes[run.id] = (
                f"replays run {gone.get('run')} (deleted {str(gone.get('deleted_at'))[:10]})"
            )
    return notes


def run_images(reader: Reader, run: RunRecord) -> list[StoredImage]:
    """The images the run's own messages show, in the order they first appear (no bytes)."""
    return in_message_order(reader.rows(RUN_IMAGES, {"run": run.id}), run.messages)


# -- grades -----------------------------------------------------------------------------


# The records below are NamedTuples, not frozen dataclasses: read by attribute alone, and a
# dataclass costs `journal show` several times as much to define at import.


class _ExpectationRow(NamedTuple):
    id: int
    uuid: str
    experiment_id: int
    position: int
    kind: str
    negated: bool
    arg: str | None
    value: str
    name: str
    weight: float
    target: str
    created_at: datetime
    updated_at: datetime


class _GradeRow(NamedTuple):
    id: int
    uuid: str
    run_id: int
    expectation_id: int | None
    expectation_uuid: str
    expectation: str
    name: str
    weight: float
    target: str
    status: str
    score: float | None
    reason: str
    grader: dict[str, Any] | None
    created_at: datetime


class _InputRow(NamedTuple):
    id: int
    uuid: str
    experiment_id: int
    expectations: list[str]
    created_at: datetime
    updated_at: datetime


class RunGrading(NamedTuple):
    """A run's current grades, what they add up to, and (when asked) every grading."""

    grades: list[Grade]
    outcome: RunOutcome
    history: list[Grade]


class ExperimentGrading(NamedTuple):
    """An experiment's expectations, rule, each run's grading and its repeats."""

    expectations: list[SavedExpectation]
    rule: CombineRule
    runs: dict[int, RunGrading]
    repeats: list[RepeatGroup]


def read_grading(
    reader: Reader, experiment_id: int, runs: Sequence[RunRecord]
) -> ExperimentGrading:
    """What grades.current_grades, run_outcome, grade_history, list_expectations and
    stability.repeat_groups give for the experiment's `runs` (as stored, not as shown),
    in five statements whatever the number of runs."""
    thresholds = reader.rows(
        "SELECT threshold FROM experiment_grading WHERE experiment_id = :id", {"id": experiment_id}
    )
    rule = CombineRule(thresholds[0][0] if thresholds else None)
    expectations = [
        saved_expectation(_expectation_row(row))
        for row in reader.rows(
            "SELECT id, uuid, experiment_id, position, kind, negated, arg, value, name, weight,"
            " target, created_at, updated_at FROM expectation WHERE experiment_id = :id "
            "ORDER BY position",
            {"id": experiment_id},
        )
    ]
    by_row: dict[int, tuple[int, Sequence[RowExpectation]]] = {}
    for row in reader.rows(
        "SELECT id, uuid, experiment_id, expectations, created_at, updated_at FROM input_row "
        "WHERE id IN (SELECT input_row_id FROM run WHERE experiment_id = :id)",
        {"id": experiment_id},
    ):
        input_row = _InputRow(row[0], row[1], row[2], json.loads(row[3]), _at(row[4]), _at(row[5]))
        by_row[input_row.id] = (input_row.experiment_id, row_expectations(input_row))
    expected = runs_expectations(
        [(run.id, run.experiment_id, run.input_row_id) for run in runs],
        {experiment_id: expectations},
        by_row,
    )
    by_run: dict[int, list[_GradeRow]] = {}
    for row in reader.rows(
        "SELECT g.id, g.uuid, g.run_id, g.expectation_id, g.expectation_uuid, g.expectation,"
        " g.name, g.weight, g.target, g.status, g.score, g.reason, g.grader, g.created_at "
        "FROM grade AS g JOIN run AS r ON r.id = g.run_id WHERE r.experiment_id = :id "
        "ORDER BY g.id",
        {"id": experiment_id},
    ):
        grade = _grade_row(row)
        by_run.setdefault(grade.run_id, []).append(grade)
    graded = {
        run.id: _run_grading(run, expected[run.id], by_run.get(run.id, []), rule) for run in runs
    }
    repeats = repeat_groups_from(
        list(runs), lambda run: standing(run, lambda run: graded[run.id].outcome.status)
    )
    return ExperimentGrading(expectations, rule, graded, repeats)


def _expectation_row(row: Sequence[Any]) -> _ExpectationRow:
    id_, uuid, experiment_id, position, kind, negated, arg, value, name, weight = row[:10]
    return _ExpectationRow(
        id_,
        uuid,
        experiment_id,
        position,
        kind,
        bool(negated),
        arg,
        value,
        name,
        weight,
        row[10],
        _at(row[11]),
        _at(row[12]),
    )


def _grade_row(row: Sequence[Any]) -> _GradeRow:
    id_, uuid, run_id, expectation_id, expectation_uuid, expectation, name, weight = row[:8]
    target, status, score, reason, grader, created_at = row[8:]
    return _GradeRow(
        id_,
        uuid,
        run_id,
        expectation_id,
        expectation_uuid,
        expectation,
        name,
        weight,
        target,
        status,
        score,
        reason,
        _json(grader),
        _at(created_at),
    )


def _run_grading(
    run: RunRecord,
    expectations: Sequence[RunExpectation],
    rows: Sequence[_GradeRow],
    rule: CombineRule,
) -> RunGrading:
    grades, outcome = run_grading(run.status, expectations, rows, rule)
    return RunGrading(grades, outcome, [grade_of(row) for row in rows])


__all__ = [
    "INTERRUPTED_MESSAGE",
    "ExperimentGrading",
    "ExperimentRecord",
    "RunGrading",
    "RunRecord",
    "end_if_owner_gone",
    "json_record",
    "read_experiment",
    "read_grading",
    "read_runs",
    "replay_notes",
    "run_images",
    "trash_note",
]
