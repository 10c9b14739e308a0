"""The journal's vocabulary as plain Python: enums and value objects, no database.

Light to import on purpose: the window imports this at start-up, before the storage layer
(SQLModel costs ~300 ms to import) is loaded in the background.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

MAX_RECORD_ID = 2**31 - 1
"""The largest id an experiment or a run may have. The search index will pack an experiment
id and a run id into one 64-bit rowid, so ids stay below 2^31; the journal itself never gets
near (it counts up from 1), so only an import can bring such an id, and it refuses it."""


class RunStatus(enum.StrEnum):
    PENDING = "pending"
    STREAMING = "streaming"
    DONE = "done"
    CANCELLED = "cancelled"
    FAILED = "failed"
    INTERRUPTED = "interrupted"

    @property
    def is_live(self) -> bool:
        return self in (RunStatus.PENDING, RunStatus.STREAMING)


class Verdict(enum.StrEnum):
    WORKED = "worked"
    PARTLY = "partly"
    FAILED = "failed"


@dataclass(frozen=True)
class ExperimentFilter:
    """The filters shared by the list, search, export and migration checks.

    `model` and `verdict` must hold for the same run: "worked on llama3" means one run.
    """

    model: str | None = None
    verdict: Verdict | None = None
    tag: str | None = None
    search: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    @property
    def is_empty(self) -> bool:
        return not any((self.model, self.verdict, self.tag, self.search, self.since, self.until))


@dataclass(frozen=True)
class ExperimentSummary:
    """One row of the journal list."""

    id: int
    uuid: str
    title: str
    tags: list[str]
    created_at: str
    updated_at: str
    run_count: int
    last_model: str | None
    last_verdict: str | None
    last_run_at: str | None
    snippet: str | None = None


@dataclass(frozen=True)
class SearchHit:
    experiment_id: int
    title: str
    snippet: str
