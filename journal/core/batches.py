"""Batches: an experiment's prompt template run for every input row, on each chosen model,
`repeat` times, spread over the Ollama hosts, every answer graded.

A batch is saved whole before anything runs: its template, each model pinned to the
digest it had when the batch started, its hosts and their limits, and one item per
row x model x repeat holding the row's values as they were then (editing the row later
never changes what the batch runs, nor the runs it made). Items are ordered model by
model, so a host loads each model once. Running, resuming, pausing, hosts going down and
grading are the machinery migration checks use (`jobs`, `dispatch`): a batch killed
mid-way resumes with every finished item kept and nothing run twice.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import insert, text
from sqlmodel import Session, col, select

from journal.core.cancel import CancelToken
from journal.core.capabilities import Needs, capabilities_on, require_capable, thinks
from journal.core.check_triage import Group, ItemTriage, left_ungraded, outcomes_of, triage_item
from journal.core.dispatch import (
    DispatchEvents,
    HostLimit,
    Station,
    Work,
    pin_models,
)
from journal.core.domain import RunStatus, Verdict
from journal.core.errors import InvalidInputError, NotFoundError
from journal.core.formatting import plural, short_digest
from journal.core.input_sets import list_rows
from journal.core.jobs import (
    JobRunner,
    can_resume,
    claim,
    effective_status,
    finish,
    link_item,
    require_claimed,
    run_item,
    settle,
)
from journal.core.models import Batch, BatchItem, CheckStatus, Run, utcnow
from journal.core.ownership import current_owner
from journal.core.queries import get_experiment
from journal.core.runner import RunEvents, RunSpec, record_pending
from journal.core.templates import render_run, variables_of
from journal.core.trash import refuse_if_trashed

__all__ = [
    "BatchEvents",
    "BatchItemView",
    "BatchRunResult",
    "BatchRunner",
    "BatchSummary",
    "BatchView",
    "ModelTally",
    "ResultsGrid",
    "batch_items",
    "default_template",
    "get_batch",
    "list_batches",
    "results_grid",
]

MAX_REPEAT = 100
MAX_ITEMS = 100_000
UNSET: Any = object()  # `create(format=...)` not given: the latest run's


# -- reading batches -------------------------------------------------------------------


@dataclass(frozen=True)
class BatchItemView:
    """One item: which row (its values as the batch kept them), model and repeat, and
    where its newest run stands."""

    position: int
    row_id: int | None
    row_label: str
    variables: dict[str, str]
    model: str
    repeat: int
    run_id: int | None
    status: RunStatus | None
    verdict: Verdict | None
    wall_seconds: float | None
    host: str
    triage: ItemTriage = field(default_factory=lambda: ItemTriage(Group.PENDING, ""))

    @property
    def group(self) -> Group:
        return self.triage.group

    @property
    def ungraded(self) -> bool:
        """A finished run with grades missing and none coming: resuming grades it."""
        return left_ungraded(self.status, self.triage)

    def as_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "row_id": self.row_id,
            "row": self.row_label,
            "variables": dict(self.variables),
            "model": self.model,
            "repeat": self.repeat,
            "run_id": self.run_id,
            "status": self.status.value if self.status else None,
            "verdict": self.verdict.value if self.verdict else None,
            "wall_seconds": self.wall_seconds,
            "host": self.host or None,
            "group": self.group.value,
            "reason": self.triage.reason,
        }


@dataclass(frozen=True)
class ModelTally:
    """One model's items by group: "qwen3:8b 37/40"."""

    model: str
    digest: str
    total: int = 0
    passed: int = 0
    failed: int = 0
    needs_look: int = 0
    grading: int = 0
    pending: int = 0

    @property
    def line(self) -> str:
        return f"{self.model} {self.passed}/{self.total}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "digest": self.digest,
            "total": self.total,
            "passed": self.passed,
            "failed": self.failed,
            "needs_look": self.needs_look,
            "grading": self.grading,
            "pending": self.pending,
        }


@dataclass(frozen=True)
class BatchSummary:
    """Per model, in the batch's order; `line`: "qwen3:8b 37/40 · llama3.2:3b 31/40"."""

    models: tuple[ModelTally, ...]
    ungraded: int = 0
    failed_to_run: int = 0

    @property
    def total(self) -> int:
        return sum(tally.total for tally in self.models)

    @property
    def pending(self) -> int:
        return sum(tally.pending for tally in self.models)

    @property
    def done(self) -> int:
        return self.total - self.pending

    def line(self) -> str:
        head = " · ".join(tally.line for tally in self.models)
        waiting = [
            (sum(t.grading for t in self.models), "still grading"),
            (self.pending, "not run yet"),
        ]
        tail = "; ".join(f"{count} {label}" for count, label in waiting if count)
        return f"{head} ({tail})" if tail else head

    @classmethod
    def of(cls, pins: dict[str, str], items: Sequence[BatchItemView]) -> BatchSummary:
        tallies: dict[str, dict[str, int]] = {name: {} for name in pins}
        for item in items:
            counts = tallies.setdefault(item.model, {})
            counts["total"] = counts.get("total", 0) + 1
            key = {
                Group.PASS: "passed",
                Group.FAIL: "failed",
                Group.NEEDS_LOOK: "needs_look",
                Group.GRADING: "grading",
                Group.PENDING: "pending",
            }[item.group]
            counts[key] = counts.get(key, 0) + 1
        return cls(
            tuple(
                ModelTally(name, pins.get(name, ""), **counts) for name, counts in tallies.items()
            ),
            ungraded=sum(1 for item in items if item.ungraded),
            failed_to_run=sum(
                1
                for item in items
                if item.status is not None
                and not item.status.is_live
                and item.status is not RunStatus.DONE
            ),
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "models": [tally.as_dict() for tally in self.models],
            "total": self.total,
            "pending": self.pending,
            "ungraded": self.ungraded,
            "failed_to_run": self.failed_to_run,
            "line": self.line(),
        }


@dataclass(frozen=True)
class BatchView:
    id: int
    uuid: str
    experiment_id: int
    name: str
    prompt: str
    system_prompt: str
    pins: dict[str, str]
    repeat: int
    hosts: tuple[HostLimit, ...]
    status: CheckStatus
    owner: str
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    summary: BatchSummary

    @property
    def resumable(self) -> bool:
        """Not running, with items to run or grades to give."""
        return can_resume(self.status, self.summary)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "uuid": self.uuid,
            "experiment_id": self.experiment_id,
            "name": self.name,
            "prompt": self.prompt,
            "system_prompt": self.system_prompt,
            "models": [{"name": n, "digest": d} for n, d in self.pins.items()],
            "repeat": self.repeat,
            "hosts": [host.record() for host in self.hosts],
            "status": self.status.value,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "summary": self.summary.as_dict(),
        }


def _pins(batch: Batch) -> dict[str, str]:
    return {
        str(entry["name"]): str(entry.get("digest") or "")
        for entry in batch.models
        if isinstance(entry, dict) and "name" in entry
    }


def row_label(variables: dict[str, str], limit: int = 60) -> str:
    """A row as one short line: "word=kiwi, lang=French"; "(no variables)" for none."""
    line = ", ".join(f"{name}={' '.join(value.split())}" for name, value in variables.items())
    if not line:
        return "(no variables)"
    return line if len(line) <= limit else line[: limit - 1] + "…"


def get_batch_record(session: Session, batch_id: int) -> Batch:
    batch = session.get(Batch, batch_id)
    if batch is None:
        raise NotFoundError(f"There is no batch {batch_id}.")
    return batch


_ITEMS_SQL = """
    SELECT i.batch_id, i.position, i.input_row_id, i.variables, i.model, i.repeat, i.run_id,
        r.status, r.verdict, r.wall_seconds, r.host
    FROM batch_item AS i LEFT JOIN run AS r ON r.id = i.run_id
    WHERE i.batch_id IN (SELECT value FROM json_each(:ids))
    ORDER BY i.batch_id, i.position
"""


def _item_views(
    session: Session, batch_ids: list[int], grading: Collection[int] = ()
) -> dict[int, list[BatchItemView]]:
    views: dict[int, list[BatchItemView]] = {batch_id: [] for batch_id in batch_ids}
    rows = list(session.execute(text(_ITEMS_SQL), {"ids": json.dumps(batch_ids)}))
    finished = [row[6] for row in rows if row[7] and not RunStatus(row[7]).is_live]
    outcomes = outcomes_of(session, finished)
    for row in rows:
        variables = json.loads(row[3]) if isinstance(row[3], str) else dict(row[3] or {})
        status = RunStatus(row[7]) if row[7] else None
        verdict = Verdict(row[8]) if row[8] else None
        outcome = outcomes.get(row[6]) if row[6] is not None else None
        views[row[0]].append(
            BatchItemView(
                position=row[1],
                row_id=row[2],
                row_label=row_label(variables),
                variables=variables,
                model=row[4],
                repeat=row[5],
                run_id=row[6],
                status=status,
                verdict=verdict,
                wall_seconds=row[9],
                host=row[10] or "",
                triage=triage_item(status, verdict, outcome, grading=row[6] in grading),
            )
        )
    return views


def _view(batch: Batch, items: list[BatchItemView]) -> BatchView:
    assert batch.id is not None
    pins = _pins(batch)
    return BatchView(
        id=batch.id,
        uuid=batch.uuid,
        experiment_id=batch.experiment_id,
        name=batch.name,
        prompt=batch.prompt,
        system_prompt=batch.system_prompt,
        pins=pins,
        repeat=batch.repeat,
        hosts=tuple(HostLimit.from_record(host) for host in batch.hosts),
        status=effective_status(batch),
        owner=batch.owner,
        created_at=batch.created_at,
        updated_at=batch.updated_at,
        finished_at=batch.finished_at,
        summary=BatchSummary.of(pins, items),
    )


def get_batch(session: Session, batch_id: int, *, grading: Collection[int] = ()) -> BatchView:
    """The batch and its summary per model. `grading`: the runs whose judge or similarity
    grades this program still waits for (`BatchRunner.grading_runs`)."""
    batch = get_batch_record(session, batch_id)
    return _view(batch, _item_views(session, [batch_id], grading)[batch_id])


def batch_items(
    session: Session, batch_id: int, *, grading: Collection[int] = ()
) -> list[BatchItemView]:
    get_batch_record(session, batch_id)
    return _item_views(session, [batch_id], grading)[batch_id]


def list_batches(
    session: Session, *, experiment_id: int | None = None, limit: int = 50
) -> list[BatchView]:
    """Newest first, each with its summary (two queries whatever the page size)."""
    statement = select(Batch).order_by(col(Batch.id).desc()).limit(limit)
    if experiment_id is not None:
        statement = statement.where(Batch.experiment_id == experiment_id)
    batches = list(session.exec(statement))
    items = _item_views(session, [batch.id for batch in batches if batch.id is not None])
    return [_view(batch, items[batch.id]) for batch in batches if batch.id is not None]


# -- the results grid --------------------------------------------------------------------


@dataclass(frozen=True)
class GridCell:
    """One row x model: its items (one per repeat) and what they add up to."""

    items: tuple[BatchItemView, ...]

    @property
    def passed(self) -> int:
        return sum(1 for item in self.items if item.group is Group.PASS)

    @property
    def group(self) -> Group:
        """The cell's standing: pass when all pass, fail when any fails, else the first
        item's group that is not settled (pending, grading, needs a look)."""
        groups = [item.group for item in self.items]
        for unsettled in (Group.PENDING, Group.GRADING, Group.NEEDS_LOOK):
            if unsettled in groups:
                return unsettled
        return Group.FAIL if Group.FAIL in groups else Group.PASS

    @property
    def text(self) -> str:
        """ "✓", "✗", "?" (needs a look), "…" (grading or not run yet); "2/3" for repeats."""
        marks = {
            Group.PASS: "✓",
            Group.FAIL: "✗",
            Group.NEEDS_LOOK: "?",
            Group.GRADING: "…",
            Group.PENDING: "·",
        }
        if len(self.items) == 1:
            return marks[self.group]
        return f"{marks[self.group]} {self.passed}/{len(self.items)}"

    @property
    def run_id(self) -> int | None:
        """The run a click opens: the first one that needs attention, else the first."""
        for item in self.items:
            if item.group is not Group.PASS and item.run_id is not None:
                return item.run_id
        return self.items[0].run_id if self.items else None


@dataclass(frozen=True)
class ResultsGrid:
    """Rows = input rows (in the batch's order), columns = model@digest."""

    rows: tuple[str, ...]
    columns: tuple[str, ...]
    cells: tuple[tuple[GridCell, ...], ...]

    def lines(self) -> list[list[str]]:
        """The grid as text cells, header first (for a terminal table)."""
        table = [["ROW", *self.columns]]
        for label, cells in zip(self.rows, self.cells, strict=True):
            table.append([label, *(cell.text for cell in cells)])
        return table


def results_grid(view: BatchView, items: Sequence[BatchItemView]) -> ResultsGrid:
    keys: dict[tuple[int | None, str], str] = {}
    for item in sorted(items, key=lambda i: i.position):
        key = (item.row_id, row_label(item.variables, limit=10_000))
        keys.setdefault(key, item.row_label)
    models = list(view.pins)
    for item in items:
        if item.model not in models:
            models.append(item.model)
    found: dict[tuple[tuple[int | None, str], str], list[BatchItemView]] = {}
    for item in items:
        key = (item.row_id, row_label(item.variables, limit=10_000))
        found.setdefault((key, item.model), []).append(item)
    columns = tuple(
        f"{model}@{short_digest(view.pins.get(model, ''))}" if view.pins.get(model) else model
        for model in models
    )
    cells = tuple(
        tuple(
            GridCell(tuple(sorted(found.get((key, model), []), key=lambda i: i.repeat)))
            for model in models
        )
        for key in keys
    )
    return ResultsGrid(tuple(keys.values()), columns, cells)


# -- running batches -----------------------------------------------------------------------


@dataclass
class BatchEvents:
    """Optional per-item callbacks, run in the thread that runs the item (several at once
    when the hosts allow), except `graded` for judge grades (the grading thread)."""

    starting: Callable[[int, int, str, str], None] | None = None
    """(position, total, model, host) before the run is recorded."""
    chunk: Callable[[int, str, str], None] | None = None
    """(position, content, thinking)."""
    finished: Callable[[int, int, Run], None] | None = None
    """(position, total, run) once it ended and its deterministic grades are in."""
    graded: Callable[[int, int, ItemTriage], None] | None = None
    """(position, run id, where it stands) once graded, and again when judge grades land."""
    grading_failed: Callable[[int, str], None] | None = None
    host_down: Callable[[str, str], None] | None = None
    """(address, reason): the host's items go back to the queue for the others."""
    run: RunEvents = field(default_factory=RunEvents)


@dataclass(frozen=True)
class BatchRunResult:
    batch_id: int
    summary: BatchSummary
    ran: int
    status: CheckStatus
    warnings: tuple[str, ...] = ()

    @property
    def cancelled(self) -> bool:
        return self.status is CheckStatus.CANCELLED


@dataclass(frozen=True)
class _Template:
    prompt: str
    system: str
    options: dict[str, Any]
    think: Any
    keep_alive: str | None
    format: Any = None


def _latest_template(session: Session, experiment_id: int) -> _Template | None:
    """The experiment's latest prompt, as its newest run was made (its template when it
    had one), with that run's settings."""
    run = session.exec(
        select(Run)
        .where(Run.experiment_id == experiment_id, col(Run.trashed_at).is_(None))
        .order_by(col(Run.id).desc())
    ).first()
    if run is None:
        return None
    template = run.template if isinstance(run.template, dict) else None
    prompt = str(template["prompt"]) if template else run.prompt
    system = str(template["system"]) if template else run.system_prompt
    return _Template(
        prompt, system, dict(run.options), run.think, run.keep_alive, format=run.format
    )


def default_template(session: Session, experiment_id: int) -> tuple[str, str] | None:
    """(prompt, system prompt) a batch of the experiment runs when none is given: its
    latest prompt (`create`'s default), or None before its first run."""
    latest = _latest_template(session, experiment_id)
    return (latest.prompt, latest.system) if latest is not None else None


def _cases(
    session: Session, experiment_id: int, prompt: str, system: str
) -> list[tuple[int | None, dict[str, str]]]:
    """(row id, the values the template uses) per input row; one case without values when
    the template has no variables and the experiment no rows. Every row is checked now:
    a batch never starts with a row it cannot render."""
    used = variables_of([prompt, system])
    rows = list_rows(session, experiment_id)
    if not rows:
        if used:
            names = ", ".join(used)
            raise InvalidInputError(
                f"The prompt uses {names}, but experiment {experiment_id} has no input rows: "
                f"add them (journal inputs {experiment_id} add/import, or in the window)."
            )
        return [(None, {})]
    cases: list[tuple[int | None, dict[str, str]]] = []
    for row in rows:
        missing = [name for name in used if name not in row.values]
        if missing:
            braces = ", ".join(f"{{{{{name}}}}}" for name in missing)
            columns = ", ".join(row.values) or "none"
            raise InvalidInputError(
                f"The prompt uses {braces}, but input row {row.position} has no value for it "
                f"(the input set's columns: {columns}): add the column, or fix the prompt."
            )
        values = {name: row.values[name] for name in used}
        try:
            render_run(prompt, system, values)
        except InvalidInputError as error:
            raise InvalidInputError(f"Input row {row.position}: {error.message}") from None
        cases.append((row.id, values))
    return cases


class BatchRunner(JobRunner):
    """Creates, runs and resumes batches for one journal, spreading items over the hosts
    it is given (`hosts`; else the batch's own, else `service`'s), and grades every
    answer (judge and similarity through `service`, in the background; see `JobRunner`)."""

    # -- creating ------------------------------------------------------------------------

    def create(
        self,
        experiment_id: int,
        models: Sequence[str],
        *,
        prompt: str | None = None,
        system: str | None = None,
        options: dict[str, Any] | None = None,
        think: Any = None,
        keep_alive: str | None = None,
        format: Any = UNSET,
        repeat: int = 1,
        name: str = "",
    ) -> int:
        """Save a batch (status `running`, owned by this process) with one item per input
        row x model x repeat; the template defaults to the experiment's latest prompt and
        its settings (its format too, unless `format` says otherwise: None for none).
        Every model is pinned to its digest on the first host that has it
        (ModelNotFoundError when none has it); every row is checked against the template
        first (InvalidInputError naming the row): nothing is saved unless all of it can run.
        """
        names = list(dict.fromkeys(model.strip() for model in models if model.strip()))
        if not names:
            raise InvalidInputError("Choose at least one model for the batch (-m MODEL).")
        if not 1 <= repeat <= MAX_REPEAT:
            raise InvalidInputError(f"Repeat each case 1 to {MAX_REPEAT} times, not {repeat}.")
        with self.journal.read() as session:
            get_experiment(session, experiment_id)
            refuse_if_trashed(session, experiment_id=experiment_id)
            latest = _latest_template(session, experiment_id)
        if prompt is None and latest is None:
            raise InvalidInputError(
                f"Experiment {experiment_id} has no runs yet: give the prompt (-p TEMPLATE)."
            )
        base = latest or _Template("", "", {}, None, None)
        template = _Template(
            prompt if prompt is not None else base.prompt,
            system if system is not None else base.system,
            dict(options) if options is not None else dict(base.options),
            think if think is not None else base.think,
            keep_alive if keep_alive is not None else base.keep_alive,
            base.format if format is UNSET else format,
        )
        if not template.prompt.strip():
            raise InvalidInputError("The batch's prompt is empty: give one with -p.")
        hosts = self.hosts_for([])
        pins = {
            name: info.digest for name, info in pin_models(hosts, dict.fromkeys(names, "")).items()
        }
        # Nothing is saved for a model that cannot take the batch.
        addresses, needs = [host.address for host in hosts], Needs(thinking=thinks(template.think))
        for model in names:
            require_capable(model, capabilities_on(addresses, model), needs)
        with self.journal.write() as session:
            cases = _cases(session, experiment_id, template.prompt, template.system)
            count = len(cases) * len(names) * repeat
            if count > MAX_ITEMS:
                raise InvalidInputError(
                    f"That is {count} runs; a batch holds at most {MAX_ITEMS}: fewer rows, "
                    "models or repeats."
                )
            now = utcnow()
            batch = Batch(
                experiment_id=experiment_id,
                name=name.strip()
                or f"{plural(len(cases), 'case')} x {', '.join(names)}"
                + (f" x {repeat}" if repeat > 1 else ""),
                prompt=template.prompt,
                system_prompt=template.system,
                options=template.options,
                think=template.think,
                keep_alive=template.keep_alive,
                format=template.format,
                models=[{"name": n, "digest": d} for n, d in pins.items()],
                repeat=repeat,
                hosts=[host.record() for host in hosts],
                status=CheckStatus.RUNNING,
                owner=current_owner(),
                heartbeat_at=now,
                created_at=now,
                updated_at=now,
            )
            session.add(batch)
            session.flush()
            assert batch.id is not None
            values = []
            position = 0
            for model in names:
                for row_id, variables in cases:
                    for number in range(1, repeat + 1):
                        position += 1
                        values.append(
                            {
                                "batch_id": batch.id,
                                "position": position,
                                "input_row_id": row_id,
                                "variables": variables,
                                "model": model,
                                "repeat": number,
                            }
                        )
            session.execute(insert(BatchItem), values)
            return batch.id

    # -- running -------------------------------------------------------------------------

    def resume(
        self,
        batch_id: int,
        *,
        cancel: CancelToken | None = None,
        drain: threading.Event | None = None,
        events: BatchEvents | None = None,
    ) -> BatchRunResult:
        """Claim a paused, cancelled, interrupted or finished batch and run what is left
        (items without a `done` run; finished runs missing grades get them), on the hosts
        given to this runner or else the batch's own. Refused while a live program runs it.
        """
        with self.journal.write() as session:
            batch = get_batch_record(session, batch_id)
            claim(batch, f"Batch {batch_id}")
            if self.hosts:
                batch.hosts = [host.record() for host in self.hosts]
            session.add(batch)
        return self.run(batch_id, cancel=cancel, drain=drain, events=events)

    def run(
        self,
        batch_id: int,
        *,
        cancel: CancelToken | None = None,
        drain: threading.Event | None = None,
        events: BatchEvents | None = None,
    ) -> BatchRunResult:
        """Run the batch's unfinished items over its hosts, grading each as it ends.

        Cancel stops the streams in progress (status `cancelled`); `drain` lets them end
        and starts no more (status `paused`). A host that dies: its items go to the others
        (`events.host_down` says so). When no host can take what is left, the batch stops
        as `interrupted` and the error that says why is raised. The batch must be claimed
        by this process (`create` or `resume` do that).
        """
        cancel = cancel or CancelToken()
        drain = drain or threading.Event()
        events = events or BatchEvents()
        with self.journal.read() as session:
            batch = get_batch_record(session, batch_id)
            require_claimed(batch, f"Batch {batch_id}", "resume it instead.")
            pins = _pins(batch)
            saved_hosts = list(batch.hosts)
            spec_base = RunSpec(
                experiment_id=batch.experiment_id,
                model="",
                options=dict(batch.options),
                keep_alive=batch.keep_alive,
                think=batch.think,
                format=batch.format,
            )
            prompt, system = batch.prompt, batch.system_prompt
            items = batch_items(session, batch_id, grading=self.grading_runs)
        total = len(items)
        pending = [item for item in items if item.status is not RunStatus.DONE]
        ungraded = [item for item in items if item.ungraded and item.run_id is not None]
        item_ids = self._item_ids(batch_id)
        warnings: list[str] = []
        try:
            for item in ungraded:
                assert item.run_id is not None
                self.grading.grade(item.position, item.run_id, events.graded, events.grading_failed)
            dispatcher = self.dispatcher(saved_hosts)
            survey = dispatcher.survey(pins, job=f"batch {batch_id}")
            warnings.extend(survey.notes)
            # A model that cannot chat, or think when the batch asks it to, refuses the
            # pass before any item runs: each model is asked once.
            for model in dict.fromkeys(item.model for item in pending):
                needs = Needs(thinking=thinks(spec_base.think))
                require_capable(model, survey.capabilities(model), needs)
            by_position = {item.position: item for item in pending}

            def execute(work: Work, station: Station, token: CancelToken) -> Run | None:
                item = by_position[work.position]
                if events.starting is not None:
                    events.starting(work.position, total, item.model, station.address)
                rendered = render_run(prompt, system, item.variables)
                spec = replace(
                    spec_base,
                    model=item.model,
                    prompt=rendered.prompt,
                    system_prompt=rendered.system,
                    template=rendered.template.to_json() if rendered.template else None,
                    input_row_id=item.row_id,
                )

                def link(session: Session, run: Run) -> None:
                    link_item(
                        session,
                        item_table="batch_item",
                        run_column="run_id",
                        job_table="batch",
                        item_id=work.item_id,
                        run=run,
                    )

                run_events = replace(events.run)
                if events.chunk is not None:
                    chunk = events.chunk
                    run_events.chunk = lambda content, thinking: chunk(
                        work.position, content, thinking
                    )
                run = run_item(
                    self.journal,
                    station,
                    spec,
                    lambda session: record_pending(session, spec),
                    link,
                    cancel=token,
                    events=run_events,
                    grading=self.grading,
                )
                if run.status is RunStatus.DONE:
                    assert run.id is not None
                    self.grading.grade(
                        work.position, run.id, events.graded, events.grading_failed, run=run
                    )
                if events.finished is not None:
                    events.finished(work.position, total, run)
                return run

            work = [Work(item_ids[item.position], item.position, item.model) for item in pending]
            result = dispatcher.run(
                work,
                execute,
                survey,
                cancel=cancel,
                drain=drain,
                events=DispatchEvents(host_down=events.host_down),
            )
        except BaseException:
            finish(self.journal, Batch, batch_id, CheckStatus.INTERRUPTED)
            raise
        warnings.extend(result.down_lines)
        status = settle(self.journal, Batch, batch_id, result, pins, cancel=cancel, drain=drain)
        with self.journal.read() as session:
            summary = get_batch(session, batch_id, grading=self.grading_runs).summary
        return BatchRunResult(batch_id, summary, result.ran, status, tuple(warnings))

    def _item_ids(self, batch_id: int) -> dict[int, int]:
        with self.journal.read() as session:
            rows = session.execute(
                text("SELECT position, id FROM batch_item WHERE batch_id = :id"), {"id": batch_id}
            )
            return {row[0]: row[1] for row in rows}
