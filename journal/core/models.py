"""The journal's records: experiments and the runs made for them.

The table classes map onto the schema that `migrations` builds; they never create tables
themselves, so a journal file only changes shape through a numbered migration.
"""

from __future__ import annotations

import enum
import uuid as uuid_module
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Column, LargeBinary, String
from sqlalchemy import Enum as SAEnum
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from journal.core.domain import RunStatus, Verdict, last_user_text, tokens_per_second

__all__ = [
    "Batch",
    "BatchItem",
    "ExpectationRow",
    "Experiment",
    "GradeRow",
    "GradingRule",
    "ImageRow",
    "InputRow",
    "Run",
    "RunImage",
    "RunStatus",
    "Verdict",
    "to_iso",
    "utcnow",
]


def _enum_type(enum_class: type[enum.StrEnum]) -> SAEnum:
    """Store the enum's value as plain text, and give back the enum on read."""
    return SAEnum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        length=16,
        values_callable=lambda members: [member.value for member in members],
    )


def utcnow() -> datetime:
    return datetime.now(UTC)


def to_iso(moment: datetime) -> str:
    """The one text form of a moment in the file: UTC, microseconds, explicit offset."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def new_uuid() -> str:
    return str(uuid_module.uuid4())


class UTCDateTime(TypeDecorator[datetime]):
    """ISO 8601 text with an explicit UTC offset, so files sort and export unambiguously."""

    impl = String
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> str | None:
        return None if value is None else to_iso(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class Experiment(SQLModel, table=True):
    """One question being tried out: what was expected and what was concluded."""

    __tablename__ = "experiment"

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid)
    title: str = ""
    hypothesis: str = ""
    expected: str = ""
    conclusion: str = ""
    tags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    # Set while it is in the trash (see core.trash), and while it is archived.
    trashed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    archived_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Run(SQLModel, table=True):
    """One request to a model, recorded before it is sent and kept whatever happens."""

    __tablename__ = "run"

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid)
    experiment_id: int = Field(foreign_key="experiment.id")
    replay_of_id: int | None = Field(default=None, foreign_key="run.id")
    # A new run made from this run's prompt with other settings (not a replay of it).
    based_on_id: int | None = Field(default=None, foreign_key="run.id")
    # For a replay: the model identity compared before it ran (see core.replay.ModelIdentity).
    replay_info: dict[str, Any] | None = Field(
        default=None, sa_column=Column(JSON(none_as_null=True), nullable=True)
    )

    # What was asked, and of which model (identity as Ollama reported it at run time).
    model: str
    model_digest: str = ""
    model_family: str = ""
    model_parameter_size: str = ""
    model_quantization: str = ""
    model_details: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    ollama_version: str = ""
    # What was sent: the rendered text, whether or not it came from a template.
    system_prompt: str = ""
    messages: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    # The template(s) and values the prompt and system prompt were rendered from, or None
    # (see core.templates.TemplateRecord).
    template: dict[str, Any] | None = Field(
        default=None, sa_column=Column(JSON(none_as_null=True), nullable=True)
    )
    options: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    keep_alive: str | None = None
    think: Any = Field(default=None, sa_column=Column(JSON, nullable=True))

    # What came back.
    response: str = ""
    thinking: str = ""
    status: RunStatus = Field(default=RunStatus.PENDING, sa_type=_enum_type(RunStatus))
    error: str = ""
    done_reason: str = ""
    prompt_eval_count: int | None = None
    eval_count: int | None = None
    total_duration: int | None = None
    load_duration: int | None = None
    prompt_eval_duration: int | None = None
    eval_duration: int | None = None
    final_chunk: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    first_token_seconds: float | None = None
    wall_seconds: float | None = None

    # Where it ran: the Ollama host that served it ("" before schema 8), and the input row
    # it was made from (None once that row is removed; `template` keeps the values).
    host: str = ""
    input_row_id: int | None = Field(default=None, foreign_key="input_row.id")
    # A follow-up: the run whose answer this turn continues (see core.conversations); its
    # `messages` hold only this turn's, the history is rebuilt from the chain.
    parent_id: int | None = Field(default=None, foreign_key="run.id")
    # Ollama's `format` as sent: None, "json", or a JSON schema (an object).
    format: Any = Field(default=None, sa_column=Column(JSON(none_as_null=True), nullable=True))

    # The person's judgement.
    verdict: Verdict | None = Field(default=None, sa_type=_enum_type(Verdict))
    verdict_note: str = ""

    # Bookkeeping: who is streaming this run, so a crash can be told from a live stream.
    owner: str = ""
    heartbeat_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    # Set while it is in the trash, with its experiment or on its own (see core.trash).
    trashed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)

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


class CheckStatus(enum.StrEnum):
    """Where a migration check or a batch stands; `interrupted` is also inferred from a dead
    owner. `paused`: the person stopped taking new items and let the running ones end."""

    RUNNING = "running"
    DONE = "done"
    PAUSED = "paused"
    CANCELLED = "cancelled"
    INTERRUPTED = "interrupted"


class MigrationCheck(SQLModel, table=True):
    """A set of past runs replayed on one target model, to see what still works."""

    __tablename__ = "migration_check"

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid)
    name: str = ""
    # How the runs were picked: the filter's fields, or {"run_ids": [...]}.
    source_filter: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON, nullable=False)
    )
    target_model: str
    target_digest: str = ""
    # The hosts it was spread over, [{"address": ..., "limit": n}] (see core.dispatch).
    hosts: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    status: CheckStatus = Field(default=CheckStatus.RUNNING, sa_type=_enum_type(CheckStatus))
    # Which process runs the check, so a killed one reads as interrupted (see ownership).
    owner: str = ""
    heartbeat_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class MigrationCheckItem(SQLModel, table=True):
    """One past run of a check and, once it ran, its replay on the target model."""

    __tablename__ = "migration_check_item"

    id: int | None = Field(default=None, primary_key=True)
    check_id: int = Field(foreign_key="migration_check.id")
    position: int  # 1-based order within the check
    source_run_id: int = Field(foreign_key="run.id")
    new_run_id: int | None = Field(default=None, foreign_key="run.id")


class ExpectationRow(SQLModel, table=True):
    """One expectation of an experiment, in its place in the list (1-based `position`).

    Kind, target and the rest are kept as plain text; `journal.core.grades` turns a row into
    an `expectations.Expectation` and back."""

    __tablename__ = "expectation"

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid)
    experiment_id: int = Field(foreign_key="experiment.id")
    position: int
    kind: str
    negated: bool = False
    arg: str | None = None
    value: str = ""
    name: str = ""
    weight: float = 1.0
    target: str = "answer"
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class GradingRule(SQLModel, table=True):
    """How an experiment's grades combine; no row means every expectation must pass."""

    __tablename__ = "experiment_grading"

    experiment_id: int = Field(primary_key=True, foreign_key="experiment.id")
    threshold: float | None = None
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class GradeRow(SQLModel, table=True):
    """One grading of one run against one expectation, as the expectation was then."""

    __tablename__ = "grade"

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid)
    run_id: int = Field(foreign_key="run.id")
    expectation_id: int | None = Field(default=None, foreign_key="expectation.id")
    expectation_uuid: str
    expectation: str  # the one-line form when graded
    name: str = ""
    weight: float = 1.0
    target: str = "answer"
    status: str
    score: float | None = None
    reason: str = ""
    # For judge and similar: model, digest, options, what was sent and the raw reply.
    grader: dict[str, Any] | None = Field(
        default=None, sa_column=Column(JSON(none_as_null=True), nullable=True)
    )
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class InputRow(SQLModel, table=True):
    """One case of an experiment's input set, in its place (1-based `position`): a value
    per variable, and the row's own expectations in their one-line form."""

    __tablename__ = "input_row"

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid)
    experiment_id: int = Field(foreign_key="experiment.id")
    position: int
    variables: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    expectations: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Batch(SQLModel, table=True):
    """An experiment's template run for each input row x model x repeat (see core.batches)."""

    __tablename__ = "batch"

    id: int | None = Field(default=None, primary_key=True)
    uuid: str = Field(default_factory=new_uuid)
    experiment_id: int = Field(foreign_key="experiment.id")
    name: str = ""
    prompt: str
    system_prompt: str = ""
    options: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    think: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    keep_alive: str | None = None
    # Ollama's `format` every item sends (None, "json" or a schema), as run.format.
    format: Any = Field(default=None, sa_column=Column(JSON(none_as_null=True), nullable=True))
    # [{"name": ..., "digest": ...}]: each model as it was when the batch started.
    models: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    repeat: int = 1
    hosts: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False)
    )
    status: CheckStatus = Field(default=CheckStatus.RUNNING, sa_type=_enum_type(CheckStatus))
    owner: str = ""
    heartbeat_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    updated_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class BatchItem(SQLModel, table=True):
    """One case of a batch: a row's values (as they were), one model, one repeat; and the
    run that answers it once it ran (the newest attempt)."""

    __tablename__ = "batch_item"

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="batch.id")
    position: int
    input_row_id: int | None = Field(default=None, foreign_key="input_row.id")
    variables: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    model: str
    repeat: int = 1
    run_id: int | None = Field(default=None, foreign_key="run.id")


class ImageRow(SQLModel, table=True):
    """An image's bytes, once, whatever number of messages show it (see core.images)."""

    __tablename__ = "image"

    sha256: str = Field(primary_key=True)
    mime: str
    size: int  # bytes
    width: int | None = None
    height: int | None = None
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class RunImage(SQLModel, table=True):
    """Which runs' messages show which images."""

    __tablename__ = "run_image"

    run_id: int = Field(primary_key=True, foreign_key="run.id")
    sha256: str = Field(primary_key=True, foreign_key="image.sha256")
