"""The journal's vocabulary as plain Python: enums and value objects, no database.

Light to import on purpose: the window imports this at start-up, before the storage layer
(SQLModel costs ~300 ms to import) is loaded in the background.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from journal.core.models import Run
    from journal.core.read_records import RunRecord

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
        return self in LIVE_STATUSES


LIVE_STATUSES = (RunStatus.PENDING, RunStatus.STREAMING)
"""A run's statuses while a writer still owns it: nothing else may end, grade or move it."""
LIVE_STATUSES_SQL = "(" + ", ".join(f"'{status.value}'" for status in LIVE_STATUSES) + ")"
"""LIVE_STATUSES as an SQL list, for `status IN ...` and `status NOT IN ...`."""

AnyRun = TypeVar("AnyRun", "Run", "RunRecord")
"""A run as the window reads it (the ORM's Run) or as `journal show` does (read_records'
RunRecord): the rules over runs alone (repeats, threads) take either."""


class Verdict(enum.StrEnum):
    WORKED = "worked"
    PARTLY = "partly"
    FAILED = "failed"


@dataclass(frozen=True)
class ExperimentFilter:
    """The filters shared by the list, search, export and migration checks.

    `verdict` asks for a model's standing (the verdict of its latest judged run): "worked"
    means it worked on some model, on `model` when one is given. `unrated` asks for a model
    with a finished run and no verdict yet: runs still to judge.
    """

    model: str | None = None
    verdict: Verdict | None = None
    tag: str | None = None
    search: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    unrated: bool = False

    @property
    def is_empty(self) -> bool:
        return not any(
            (self.model, self.verdict, self.unrated, self.tag, self.search, self.since, self.until)
        )


UNRATED = "unrated"
"""The verdict filter's choice for experiments still to judge (`--verdict unrated`)."""

VERDICT_FILTER_CHOICES = (*(verdict.value for verdict in Verdict), UNRATED)


def with_verdict_choice(filters: ExperimentFilter, choice: str | None) -> ExperimentFilter:
    """`filters` asking for one of VERDICT_FILTER_CHOICES (None: any verdict); the CLI's
    `--verdict` and the window's verdict list read a choice the same way."""
    if choice == UNRATED:
        return replace(filters, verdict=None, unrated=True)
    return replace(filters, verdict=Verdict(choice) if choice else None, unrated=False)


Standing = tuple[str, Verdict | None]
"""A model (as Ollama names it: `llama3:latest`) and its standing in an experiment: the
verdict of its latest judged run, or None when its finished runs are not judged yet."""


@dataclass(frozen=True)
class PassRate:
    """How a set of runs stands against its experiment's expectations: `passed` of `runs`
    pass (the person's verdict, when set, counts over the grades, as everywhere else).
    `expectations` is how many the experiment has (0: nothing to grade by); `sometimes`
    marks a request that, repeated, worked only some of the time; `last_failure` says why
    the latest failing run failed."""

    runs: int
    passed: int
    failed: int
    needs_look: int
    expectations: int
    model: str = ""
    sometimes: bool = False
    last_failure: str = ""

    @property
    def fraction(self) -> str:
        """`3/4`, or `—` when there is nothing to grade by or no run to grade (the list's
        column, headed "Passes")."""
        if not self.expectations or not self.runs:
            return "—"
        return f"{self.passed}/{self.runs}"

    @property
    def short(self) -> str:
        """`3/4 pass`, or `—` when there is nothing to grade by or no run to grade."""
        if not self.expectations or not self.runs:
            return "—"
        return f"{self.passed}/{self.runs} pass"

    @property
    def description(self) -> str:
        """Lines for a tooltip: `3 of 4 runs on llama3:8b pass (1 needs a look)`, why the
        latest failure failed, and the mark."""
        if not self.expectations:
            lines = ["No expectations: nothing to grade the runs by."]
        elif not self.runs:
            lines = ["No finished runs to grade yet."]
        else:
            noun = "run" if self.runs == 1 else "runs"
            on = f" on {self.model}" if self.model else ""
            verb = "passes" if self.runs == 1 else "pass"
            text = f"{self.passed} of {self.runs} {noun}{on} {verb}"
            extra = [f"{self.failed} failed"] if self.failed else []
            if self.needs_look:
                verb = "needs" if self.needs_look == 1 else "need"
                extra.append(f"{self.needs_look} {verb} a look")
            lines = [f"{text} ({', '.join(extra)})" if extra else text]
            if self.last_failure:
                lines.append(f"Latest failure: {self.last_failure}")
        if self.sometimes:
            lines.append("Worked only some of the time: one request, repeated, passed and failed.")
        return "\n".join(lines)


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
    pass_rate: PassRate | None = None
    """Set by `list_experiments(..., pass_rates=True)`; None otherwise."""
    standings: tuple[Standing, ...] = ()
    """Each model tried (with a finished or judged run), by name, and its standing."""

    @property
    def models_worked(self) -> int:
        return sum(verdict is Verdict.WORKED for _, verdict in self.standings)

    @property
    def models_judged(self) -> int:
        return sum(verdict is not None for _, verdict in self.standings)

    archived: bool = False


@dataclass(frozen=True)
class SearchHit:
    experiment_id: int
    title: str
    snippet: str
    archived: bool = False  # found although the default list hides it


def last_user_text(messages: Sequence[Any]) -> str:
    """A run's prompt as people mean it: its last user message's text ("" without one).
    The window, `show`, the export and import all read a run's prompt through this."""
    for message in reversed(messages):
        if isinstance(message, dict) and message.get("role") == "user":
            return str(message.get("content", ""))
    return ""


def tokens_per_second(eval_count: int | None, eval_duration: int | None) -> float | None:
    """Generation speed from Ollama's counts (its duration is in nanoseconds); None when a
    run did not say."""
    if eval_count and eval_duration:
        return eval_count / eval_duration * 1e9
    return None
