"""Migration checks: replay what worked before on a new model, and see what still passes.

A check is saved before anything runs: its selection, target model and digest, and one item
per past run. Each replay is linked to its item in the same transaction that records it, so
a check killed mid-way keeps every finished item and `resume` runs only the items without a
finished (`done`) replay. Every replay is graded as it finishes against its experiment's
expectations (deterministic ones at once, judge and similarity in the background), so the
check sorts itself into passes, fails and what needs a look (`check_triage`); the person's
verdict on a replay (`queries.set_verdict`, `triage`, `accept_passes`) overrides its grades.
The original run's verdict is the baseline the older outcomes compare with. Nothing here
prints.
"""

from __future__ import annotations

import enum
import json
import threading
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import insert, text
from sqlmodel import Session, col, select

from journal.core.cancel import CancelToken
from journal.core.capabilities import Needs, capabilities_on, require_capable
from journal.core.check_triage import (
    Group,
    ItemTriage,
    left_ungraded,
    outcome_record,
    outcomes_of,
    triage_item,
)
from journal.core.conversation_replay import regenerate_chain
from journal.core.conversations import chain, history_of
from journal.core.dispatch import (
    Station,
    Survey,
    Work,
    find_pinned,
)
from journal.core.domain import LIVE_STATUSES_SQL, ExperimentFilter, last_user_text
from journal.core.errors import (
    InvalidInputError,
    NotFoundError,
)
from journal.core.formatting import short_digest
from journal.core.jobs import (
    JobBusyError,
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
from journal.core.messages import NO_RUNS_AT_ALL, NO_RUNS_MATCH, Message
from journal.core.models import (
    CheckStatus,
    MigrationCheck,
    MigrationCheckItem,
    Run,
    RunStatus,
    Verdict,
    utcnow,
)
from journal.core.ollama_service import normalise_model_name
from journal.core.ownership import current_owner
from journal.core.queries import get_run, set_verdict
from journal.core.read_sql import filter_clauses
from journal.core.replay import (
    ModelIdentity,
    ProgressCallback,
    ReplayEdits,
    ReplayPlan,
    identity_from,
    plan_replay,
    record_replay,
)
from journal.core.runner import RunEvents
from journal.core.trash import refuse_if_trashed

CheckBusyError = JobBusyError
"""The check is being run by a live program; two runners would replay items twice."""


# -- outcomes and the summary -----------------------------------------------------------


class Outcome(enum.StrEnum):
    """Where one item stands. Every item has exactly one outcome (they partition a check)."""

    STILL_WORKS = "still works"  # baseline worked, new worked
    REGRESSED = "regressed"  # baseline worked, new partly or failed
    IMPROVED = "improved"  # baseline partly, failed or unjudged; new worked
    DOES_NOT_WORK = "does not work"  # baseline not worked; new partly or failed
    UNTRIAGED = "untriaged"  # the replay finished and has no verdict yet
    FAILED_TO_RUN = "failed to run"  # the replay ended failed or interrupted
    CANCELLED = "cancelled"  # the replay was stopped (a cancelled check): it did not fail
    PENDING = "pending"  # not replayed yet (or replaying right now)


UNFINISHED = (Outcome.FAILED_TO_RUN, Outcome.CANCELLED)
"""The replay did not finish: a resume runs it again."""


def classify(
    baseline: Verdict | None, new_status: RunStatus | None, new_verdict: Verdict | None
) -> Outcome:
    if new_status is None or new_status.is_live:
        return Outcome.PENDING
    if new_status is RunStatus.CANCELLED:
        return Outcome.CANCELLED
    if new_status is not RunStatus.DONE:
        return Outcome.FAILED_TO_RUN
    if new_verdict is None:
        return Outcome.UNTRIAGED
    worked_before = baseline is Verdict.WORKED
    works_now = new_verdict is Verdict.WORKED
    if worked_before:
        return Outcome.STILL_WORKS if works_now else Outcome.REGRESSED
    return Outcome.IMPROVED if works_now else Outcome.DOES_NOT_WORK


@dataclass(frozen=True)
class CheckSummary:
    """Counts per group, and per outcome; each set adds up to `total`.

    "34 of 40 pass on qwen3:8b (4 fail, 2 need a look)": the groups of `check_triage`,
    where the person's verdict, once given, overrides the grades (`by_verdict` of the
    counted items carry one: "(4 fail, 2 need a look; 3 by your verdict)"). Items whose
    judge grades are still coming and items not replayed yet follow when present.
    `ungraded`: finished replays with grades missing and none coming (a cancelled
    grading): resuming the check grades them.

    The outcomes compare verdicts with the baseline (the original run's verdict): still
    work = the new verdict is `worked` where the original's was; regressed = the original
    worked and the new verdict is partly or failed; untriaged = replays that finished
    without a verdict; improved, does-not-work, failed to run (failed, cancelled or
    interrupted replays) and pending.
    """

    target_model: str
    total: int = 0
    passed: int = 0
    failed: int = 0
    needs_look: int = 0
    grading: int = 0
    by_verdict: int = 0
    ungraded: int = 0
    still_work: int = 0
    regressed: int = 0
    improved: int = 0
    does_not_work: int = 0
    untriaged: int = 0
    failed_to_run: int = 0
    pending: int = 0
    worked_before: int = 0

    @classmethod
    def of(cls, target_model: str, items: list[CheckItemView]) -> CheckSummary:
        groups = [item.group for item in items]
        outcomes = [item.outcome for item in items]
        return cls(
            target_model=target_model,
            total=len(items),
            passed=groups.count(Group.PASS),
            failed=groups.count(Group.FAIL),
            needs_look=groups.count(Group.NEEDS_LOOK),
            grading=groups.count(Group.GRADING),
            by_verdict=sum(1 for item in items if item.by_verdict),
            ungraded=sum(1 for item in items if item.ungraded),
            still_work=outcomes.count(Outcome.STILL_WORKS),
            regressed=outcomes.count(Outcome.REGRESSED),
            improved=outcomes.count(Outcome.IMPROVED),
            does_not_work=outcomes.count(Outcome.DOES_NOT_WORK),
            untriaged=outcomes.count(Outcome.UNTRIAGED),
            failed_to_run=sum(1 for outcome in outcomes if outcome in UNFINISHED),
            pending=outcomes.count(Outcome.PENDING),
            worked_before=sum(1 for item in items if item.baseline is Verdict.WORKED),
        )

    def line(self) -> str:
        looks = "needs a look" if self.needs_look == 1 else "need a look"
        inside = f"{self.failed} fail, {self.needs_look} {looks}"
        if self.by_verdict:
            inside += f"; {self.by_verdict} by your verdict"
        head = f"{self.passed} of {self.total} pass on {self.target_model} ({inside})"
        extras = [(self.grading, "still grading"), (self.pending, "not run yet")]
        tail = "; ".join(f"{count} {label}" for count, label in extras if count)
        return f"{head}; {tail}" if tail else head

    @property
    def replayed(self) -> int:
        """Items whose replay has ended (done, failed or cancelled)."""
        return self.total - self.pending

    def as_dict(self) -> dict[str, Any]:
        return {
            "target_model": self.target_model,
            "total": self.total,
            "passed": self.passed,
            "failed": self.failed,
            "needs_look": self.needs_look,
            "grading": self.grading,
            "by_verdict": self.by_verdict,
            "ungraded": self.ungraded,
            "still_work": self.still_work,
            "regressed": self.regressed,
            "improved": self.improved,
            "does_not_work": self.does_not_work,
            "untriaged": self.untriaged,
            "failed_to_run": self.failed_to_run,
            "pending": self.pending,
            "worked_before": self.worked_before,
            "line": self.line(),
        }


@dataclass(frozen=True)
class CheckItemView:
    """One row of a check: the original run against its replay."""

    position: int
    source_run_id: int
    new_run_id: int | None
    experiment_id: int
    experiment_title: str
    prompt: str
    source_model: str
    baseline: Verdict | None
    new_status: RunStatus | None
    new_verdict: Verdict | None
    new_wall_seconds: float | None
    outcome: Outcome
    triage: ItemTriage = field(default_factory=lambda: ItemTriage(Group.PENDING, ""))
    # The original run is in the trash (it stays there while the check compares it, see
    # core.trash): the item keeps its record and says so.
    source_in_trash: bool = False

    @property
    def group(self) -> Group:
        return self.triage.group

    @property
    def reason(self) -> str:
        """Why it is in its group, in one line: what failed, what needs a look."""
        return self.triage.reason

    @property
    def by_verdict(self) -> bool:
        return self.triage.by_verdict

    @property
    def ungraded(self) -> bool:
        """A finished run with grades missing and none coming: resuming grades it."""
        return left_ungraded(self.new_status, self.triage)

    def as_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "source_run_id": self.source_run_id,
            "new_run_id": self.new_run_id,
            "experiment_id": self.experiment_id,
            "experiment_title": self.experiment_title,
            "prompt": self.prompt,
            "source_model": self.source_model,
            "baseline": self.baseline.value if self.baseline else None,
            "new_status": self.new_status.value if self.new_status else None,
            "new_verdict": self.new_verdict.value if self.new_verdict else None,
            "new_wall_seconds": self.new_wall_seconds,
            "source_in_trash": self.source_in_trash,
            "outcome": self.outcome.value,
            "group": self.group.value,
            "reason": self.reason,
            "by_verdict": self.by_verdict,
            "grades": outcome_record(self.triage.outcome),
        }


@dataclass(frozen=True)
class CheckView:
    """A saved check as people see it: `status` already says `interrupted` for a check
    whose program died, even before anyone resumed it."""

    id: int
    uuid: str
    name: str
    source_filter: dict[str, Any]
    target_model: str
    target_digest: str
    status: CheckStatus
    owner: str
    created_at: datetime
    updated_at: datetime
    finished_at: datetime | None
    summary: CheckSummary

    @property
    def resumable(self) -> bool:
        """Not running, with replays to run or grades to give."""
        return can_resume(self.status, self.summary)

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "uuid": self.uuid,
            "name": self.name,
            "source_filter": self.source_filter,
            "target_model": self.target_model,
            "target_digest": self.target_digest,
            "status": self.status.value,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "summary": self.summary.as_dict(),
        }


@dataclass(frozen=True)
class CheckRunResult:
    """What one pass over a check did."""

    check_id: int
    summary: CheckSummary
    ran: int  # replays recorded in this pass
    cancelled: bool
    warnings: tuple[str, ...] = ()
    status: CheckStatus = CheckStatus.DONE  # how the pass left the check


# -- choosing the runs ------------------------------------------------------------------


def filter_record(filters: ExperimentFilter) -> dict[str, Any]:
    """The filter as JSON for the check's record (only the fields that are set)."""
    record: dict[str, Any] = {}
    for name in ("model", "verdict", "tag", "search"):
        value = getattr(filters, name)
        if value:
            record[name] = str(value)
    if filters.unrated:
        record["verdict"] = "unrated"
    for name in ("since", "until"):
        moment = getattr(filters, name)
        if moment is not None:
            record[name] = moment.isoformat()
    return record


HOW_KEYS = ("regenerate",)
"""Keys of a check's `source_filter` that say how its items replay, not which runs."""


def regenerates(source_filter: dict[str, Any]) -> bool:
    """Whether a check replays every turn of a conversation again (`{"regenerate": true}`)
    instead of only the last turn, sent with the recorded history."""
    return bool(source_filter.get("regenerate"))


ALL_EXPERIMENTS = "all experiments"


def describe_selection(source_filter: dict[str, Any]) -> str:
    """`verdict=worked model=llama3:8b` or `runs 3, 5, 8`: a default name for a check."""
    if "run_ids" in source_filter:
        ids = [str(run_id) for run_id in source_filter["run_ids"]]
        shown = ", ".join(ids[:5]) + (", …" if len(ids) > 5 else "")
        return f"run{'s' if len(ids) != 1 else ''} {shown}"
    parts = [f"{key}={value}" for key, value in source_filter.items() if key not in HOW_KEYS]
    return " ".join(parts) or ALL_EXPERIMENTS


def _no_runs_match(source_filter: dict[str, Any]) -> Message:
    selection = describe_selection(source_filter)
    if selection == ALL_EXPERIMENTS:
        return Message(NO_RUNS_AT_ALL)
    return Message(NO_RUNS_MATCH, {"selection": selection})


def select_source_runs(session: Session, filters: ExperimentFilter) -> list[int]:
    """For each matching experiment, its latest run satisfying the run-level filters; for
    an experiment whose runs came from its input set, the latest such run of every row
    (a check of a prompt that works for twenty inputs replays all twenty).

    Experiment-level filters (tag, search, dates) come from the list's own SQL so a check
    and `journal list` agree; model and verdict must hold for the chosen run itself.
    Runs still streaming are never chosen. Oldest experiment first, rows in their order.
    """
    params: dict[str, Any] = {}
    clauses = filter_clauses(replace(filters, model=None, verdict=None), params)
    clauses.append(f"r.status NOT IN {LIVE_STATUSES_SQL}")
    clauses.append("r.trashed_at IS NULL")
    if filters.model:
        clauses.append("(r.model = :run_model OR r.model = :run_model_latest)")
        params["run_model"] = filters.model
        params["run_model_latest"] = normalise_model_name(filters.model)
    if filters.verdict:
        clauses.append("r.verdict = :run_verdict")
        params["run_verdict"] = str(filters.verdict)
    rows = session.execute(
        text(
            f"""
            SELECT max(r.id), r.experiment_id, r.input_row_id, min(ir.position)
            FROM run AS r JOIN experiment AS e ON e.id = r.experiment_id
            LEFT JOIN input_row AS ir ON ir.id = r.input_row_id
            WHERE {" AND ".join(clauses)}
            GROUP BY r.experiment_id, r.input_row_id
            ORDER BY r.experiment_id, min(ir.position)
            """
        ),
        params,
    ).all()
    with_rows = {row[1] for row in rows if row[2] is not None}
    # An experiment run from its rows is checked by its rows; its other runs (before the
    # input set, or from a row since removed) are not the case being carried forward.
    return [row[0] for row in rows if row[2] is not None or row[1] not in with_rows]


def _explicit_runs(session: Session, run_ids: list[int]) -> list[int]:
    unique = list(dict.fromkeys(run_ids))
    for run_id in unique:
        get_run(session, run_id)  # a clear "There is no run N." for a typo
        refuse_if_trashed(session, run_id=run_id)
    return unique


# -- reading checks ---------------------------------------------------------------------


def get_check_record(session: Session, check_id: int) -> MigrationCheck:
    check = session.get(MigrationCheck, check_id)
    if check is None:
        raise NotFoundError(f"There is no check {check_id}.")
    return check


def _prompt_of(messages_json: str | None) -> str:
    try:
        messages = json.loads(messages_json or "[]")
    except json.JSONDecodeError:
        return ""
    return last_user_text(messages) if isinstance(messages, list) else ""


_ITEMS_SQL = """
    SELECT i.check_id, i.position, i.source_run_id, i.new_run_id, s.experiment_id, e.title,
        s.messages, s.model, s.verdict, n.status, n.verdict, n.wall_seconds,
        s.trashed_at IS NOT NULL OR e.trashed_at IS NOT NULL
    FROM migration_check_item AS i
    JOIN run AS s ON s.id = i.source_run_id
    JOIN experiment AS e ON e.id = s.experiment_id
    LEFT JOIN run AS n ON n.id = i.new_run_id
    WHERE i.check_id IN (SELECT value FROM json_each(:ids))
    ORDER BY i.check_id, i.position
"""


def _item_views(
    session: Session, check_ids: list[int], grading: Collection[int] = ()
) -> dict[int, list[CheckItemView]]:
    views: dict[int, list[CheckItemView]] = {check_id: [] for check_id in check_ids}
    rows = list(session.execute(text(_ITEMS_SQL), {"ids": json.dumps(check_ids)}))
    finished = [row[3] for row in rows if row[9] and not RunStatus(row[9]).is_live]
    outcomes = outcomes_of(session, finished)
    for row in rows:
        baseline = Verdict(row[8]) if row[8] else None
        new_status = RunStatus(row[9]) if row[9] else None
        new_verdict = Verdict(row[10]) if row[10] else None
        outcome = outcomes.get(row[3]) if row[3] is not None else None
        views[row[0]].append(
            CheckItemView(
                position=row[1],
                source_run_id=row[2],
                new_run_id=row[3],
                experiment_id=row[4],
                experiment_title=row[5],
                prompt=_prompt_of(row[6]),
                source_model=row[7],
                baseline=baseline,
                new_status=new_status,
                new_verdict=new_verdict,
                new_wall_seconds=row[11],
                outcome=classify(baseline, new_status, new_verdict),
                triage=triage_item(new_status, new_verdict, outcome, grading=row[3] in grading),
                source_in_trash=bool(row[12]),
            )
        )
    return views


def _view(check: MigrationCheck, items: list[CheckItemView]) -> CheckView:
    assert check.id is not None
    return CheckView(
        id=check.id,
        uuid=check.uuid,
        name=check.name,
        source_filter=dict(check.source_filter),
        target_model=check.target_model,
        target_digest=check.target_digest,
        status=effective_status(check),
        owner=check.owner,
        created_at=check.created_at,
        updated_at=check.updated_at,
        finished_at=check.finished_at,
        summary=CheckSummary.of(check.target_model, items),
    )


def get_check(session: Session, check_id: int, *, grading: Collection[int] = ()) -> CheckView:
    """The check and its summary. `grading`: the replays whose judge or similarity grades
    this program is still waiting for (`MigrationChecker.grading_runs`): "still grading"
    rather than "needs a look"."""
    check = get_check_record(session, check_id)
    return _view(check, _item_views(session, [check_id], grading)[check_id])


def check_items(
    session: Session, check_id: int, *, grading: Collection[int] = ()
) -> list[CheckItemView]:
    get_check_record(session, check_id)
    return _item_views(session, [check_id], grading)[check_id]


def check_groups(items: list[CheckItemView]) -> dict[Group, list[CheckItemView]]:
    """The items by group, in the groups' order, each in the check's order."""
    groups: dict[Group, list[CheckItemView]] = {group: [] for group in Group}
    for item in items:
        groups[item.group].append(item)
    return groups


def items_left(
    session: Session, check_id: int, *, grading: Collection[int] = ()
) -> list[CheckItemView]:
    """What a person still has to judge, in the check's order: replays without their
    verdict that do not pass (fails, and what needs a look). Passes are settled by their
    grades (`accept_passes` makes it the person's word); items still grading or not
    replayed yet are not ready."""
    return left_of(check_items(session, check_id, grading=grading))


def left_of(items: list[CheckItemView]) -> list[CheckItemView]:
    """`items_left` of items already read (the window keeps them)."""
    return [
        item
        for item in items
        if item.new_verdict is None and item.group in (Group.FAIL, Group.NEEDS_LOOK)
    ]


def grades_coming(items: list[CheckItemView]) -> int:
    """How many grades (judge, similarity) the items still grading wait for."""
    return sum(
        item.triage.outcome.ungraded
        for item in items
        if item.group is Group.GRADING and item.triage.outcome is not None
    )


def grades_missing(items: list[CheckItemView]) -> int:
    """How many grades finished replays lack with none coming (a grading stopped when its
    program or window closed): resuming the check gives exactly these."""
    return sum(
        item.triage.outcome.ungraded
        for item in items
        if item.ungraded and item.triage.outcome is not None
    )


def accept_passes(session: Session, check_id: int) -> list[int]:
    """Set the person's verdict `worked` on every replay whose grades pass and that has no
    verdict yet; a verdict already given is never changed. Returns the runs accepted."""
    accepted = []
    for item in check_items(session, check_id):
        if item.group is Group.PASS and item.new_verdict is None and item.new_run_id:
            why = f"accepted in check {check_id}: its grades pass ({item.reason})"
            set_verdict(session, item.new_run_id, Verdict.WORKED, why)
            accepted.append(item.new_run_id)
    return accepted


def list_checks(
    session: Session, *, limit: int = 50, before_id: int | None = None
) -> list[CheckView]:
    """Newest first, each with its summary (two queries whatever the page size)."""
    statement = select(MigrationCheck).order_by(col(MigrationCheck.id).desc()).limit(limit)
    if before_id is not None:
        statement = statement.where(col(MigrationCheck.id) < before_id)
    checks = list(session.exec(statement))
    items = _item_views(session, [check.id for check in checks if check.id is not None])
    return [_view(check, items[check.id]) for check in checks if check.id is not None]


def _item(session: Session, check_id: int, position: int) -> MigrationCheckItem:
    get_check_record(session, check_id)
    item = session.exec(
        select(MigrationCheckItem).where(
            MigrationCheckItem.check_id == check_id, MigrationCheckItem.position == position
        )
    ).first()
    if item is None:
        raise NotFoundError(f"Check {check_id} has no item {position}.")
    return item


def item_runs(session: Session, check_id: int, position: int) -> tuple[Run, Run | None]:
    """The original run of an item and its replay (None before it ran)."""
    item = _item(session, check_id, position)
    source = get_run(session, item.source_run_id)
    return source, get_run(session, item.new_run_id) if item.new_run_id else None


def triage(
    session: Session,
    check_id: int,
    position: int,
    verdict: Verdict | None,
    why: str | None = None,
) -> Run:
    """Judge the replay of item `position`: the same as `set_verdict` on the new run."""
    item = _item(session, check_id, position)
    if item.new_run_id is None:
        raise InvalidInputError(
            f"Item {position} of check {check_id} has not been replayed yet: nothing to judge. "
            f"Resume the check first (journal check --resume {check_id})."
        )
    return set_verdict(session, item.new_run_id, verdict, why)


# -- running checks ---------------------------------------------------------------------


@dataclass
class CheckEvents:
    """Optional per-item callbacks (run in the checking thread), like the replay queue's."""

    starting: Callable[[int, int, int, ModelIdentity], None] | None = None
    """(position, total, source_run_id, identity) before the replay is recorded."""
    chunk: Callable[[int, str, str], None] | None = None
    """(position, content, thinking)."""
    run: RunEvents = field(default_factory=RunEvents)
    """Passed to every replay as they are (`silent`, `save_failed`, `saved`)."""
    graded: Callable[[int, int, ItemTriage], None] | None = None
    """(position, new run id, where it stands) once a replay's deterministic grades are in,
    and again when its judge or similarity grades land: read the check again. From the
    grading thread for the latter, possibly after `run` returned."""
    grading_failed: Callable[[int, str], None] | None = None
    """(position, the journal's message): an item's queued grading could not be stored."""


class MigrationChecker(JobRunner):
    """Creates, runs and resumes checks for one journal, spreading replays over the hosts
    it is given (`hosts`; else the check's own, else `service`'s), and grades them:
    deterministically as each one ends, with judge and similarity grades on its own grading
    queue (through `service`), in the background (`judge_model`, `embedding_model` override
    the settings; `judge_options` the judge's). Grading goes on after `run` returns (see
    `JobRunner`)."""

    def _grade(self, position: int, run: Run, events: CheckEvents) -> None:
        assert run.id is not None
        self.grading.grade(position, run.id, events.graded, events.grading_failed, run=run)

    def create(
        self,
        target_model: str,
        *,
        filters: ExperimentFilter | None = None,
        run_ids: list[int] | None = None,
        name: str = "",
        regenerate: bool = False,
    ) -> int:
        """Save a check (status `running`, owned by this process) with one item per run,
        pinned to the target's digest on the first host that has it.

        An item that is a turn of a conversation replays that turn with the recorded
        history; with `regenerate`, every turn of its conversation again, each with the
        new answers (kept in the check's `source_filter` as `{"regenerate": true}`).

        Raises ModelNotFoundError when no host has the target, InvalidInputError when
        nothing matches: an empty check is never saved.
        """
        target_model = target_model.strip()
        if not target_model:
            raise InvalidInputError("Name the model to check against.")
        if (filters is None) == (run_ids is None):
            raise InvalidInputError("Pick the runs by a filter or by their ids, not both.")
        hosts = self.hosts_for([])
        info = find_pinned(hosts, target_model)
        capabilities = capabilities_on([host.address for host in hosts], target_model)
        with self.journal.write() as session:
            if run_ids is not None:
                ids = _explicit_runs(session, run_ids)
                source_filter: dict[str, Any] = {"run_ids": ids}
            else:
                assert filters is not None
                ids = select_source_runs(session, filters)
                source_filter = filter_record(filters)
            if not ids:
                raise InvalidInputError(_no_runs_match(source_filter))
            if regenerate:
                source_filter["regenerate"] = True
            # A target that cannot take the replays: refused, and nothing is saved.
            require_capable(target_model, capabilities, Needs(vision=_show_images(session, ids)))
            now = utcnow()
            check = MigrationCheck(
                name=name.strip() or f"{describe_selection(source_filter)} on {target_model}",
                source_filter=source_filter,
                target_model=target_model,
                target_digest=info.digest,
                hosts=[host.record() for host in hosts],
                status=CheckStatus.RUNNING,
                owner=current_owner(),
                heartbeat_at=now,
                created_at=now,
                updated_at=now,
            )
            session.add(check)
            session.flush()
            assert check.id is not None
            session.execute(
                insert(MigrationCheckItem),
                [
                    {"check_id": check.id, "position": position, "source_run_id": run_id}
                    for position, run_id in enumerate(ids, start=1)
                ],
            )
            return check.id

    def resume(
        self,
        check_id: int,
        *,
        cancel: CancelToken | None = None,
        progress: ProgressCallback | None = None,
        events: CheckEvents | None = None,
    ) -> CheckRunResult:
        """Claim a paused, cancelled, interrupted or finished check and replay what is left.

        Only items without a `done` replay run again (failed ones are retried); finished
        replays with grades missing (a grading cancelled) get those, and keep the grades
        they have. Refused while another live program runs the check. When the target's
        digest changed on every host, the check goes on with the new weights and says so;
        a host that still has the old ones is preferred.
        """
        with self.journal.read() as session:
            check = get_check_record(session, check_id)
            target, pinned, saved = check.target_model, check.target_digest, check.hosts
        hosts = self.hosts_for(saved)
        info = find_pinned(hosts, target, pinned)
        with self.journal.write() as session:
            check = get_check_record(session, check_id)
            claim(check, f"Check {check_id}")
            warnings: list[str] = []
            if pinned and info.digest != pinned:
                warnings.append(
                    f"{normalise_model_name(target)} changed since check {check_id} started: "
                    f"{short_digest(pinned)} -> {short_digest(info.digest)}; "
                    "the replays made from now on record the new digest."
                )
                check.target_digest = info.digest
            check.hosts = [host.record() for host in hosts]
            session.add(check)
        result = self.run(check_id, cancel=cancel, progress=progress, events=events)
        return replace(result, warnings=(*warnings, *result.warnings))

    def run(
        self,
        check_id: int,
        *,
        cancel: CancelToken | None = None,
        progress: ProgressCallback | None = None,
        events: CheckEvents | None = None,
        drain: threading.Event | None = None,
    ) -> CheckRunResult:
        """Replay the check's unfinished items, spread over its hosts (in order on one host
        with limit 1), grading each one as it finishes (and first whatever finished replay
        still lacks grades).

        `progress(position, total, run)` follows every replay, once its deterministic
        grades are in (from the thread that ran it). Cancel stops the streams in progress
        and leaves the rest unrecorded (status `cancelled`); `drain` lets them end and
        starts no more (status `paused`); queued grading goes on unless `cancel_grades`.
        When no host can take what is left (all down, the target gone), the check stops as
        `interrupted` and the error that says why is raised (an item whose host died
        mid-answer keeps its failed run and goes to another host once first). The check
        must be claimed by this process (`create` or `resume` do that).
        """
        cancel = cancel or CancelToken()
        drain = drain or threading.Event()
        events = events or CheckEvents()
        with self.journal.read() as session:
            check = get_check_record(session, check_id)
            require_claimed(check, f"Check {check_id}", "resume it instead.")
            target, pinned, saved = check.target_model, check.target_digest, check.hosts
            regenerate = regenerates(check.source_filter)
            pending = self._unfinished(session, check_id)
            ungraded = [
                (item.position, item.new_run_id)
                for item in check_items(session, check_id, grading=self.grading_runs)
                if item.ungraded and item.new_run_id is not None
            ]
            total = session.execute(
                text("SELECT count(*) FROM migration_check_item WHERE check_id = :id"),
                {"id": check_id},
            ).scalar_one()
        warnings: list[str] = []
        try:
            for position, run_id in ungraded:
                with self.journal.read() as session:
                    self._grade(position, get_run(session, run_id), events)
            dispatcher = self.dispatcher(saved)
            survey = dispatcher.survey({target: pinned}, job=f"check {check_id}")
            warnings.extend(survey.notes)
            sources = {item_id: source_id for item_id, _, source_id in pending}
            adapt = self._adaptations(target, survey, list(sources.values()))

            def execute(work: Work, station: Station, token: CancelToken) -> Run | None:
                run = self._replay_item(
                    work, station, total, sources[work.item_id], adapt, token, events, regenerate
                )
                if run is not None:
                    if run.status is RunStatus.DONE:
                        self._grade(work.position, run, events)
                    if progress is not None:
                        progress(work.position, total, run)
                return run

            work = [Work(item_id, position, target) for item_id, position, _ in pending]
            result = dispatcher.run(
                work,
                execute,
                survey,
                cancel=cancel,
                drain=drain,
            )
        except BaseException:
            finish(self.journal, MigrationCheck, check_id, CheckStatus.INTERRUPTED)
            raise
        warnings.extend(result.down_lines)
        pins = {target: pinned}
        status = settle(
            self.journal, MigrationCheck, check_id, result, pins, cancel=cancel, drain=drain
        )
        with self.journal.read() as session:
            summary = get_check(session, check_id, grading=self.grading_runs).summary
        return CheckRunResult(
            check_id,
            summary,
            result.ran,
            status is CheckStatus.CANCELLED,
            tuple(warnings),
            status=status,
        )

    # -- internals --------------------------------------------------------------------

    @staticmethod
    def _unfinished(session: Session, check_id: int) -> list[tuple[int, int, int]]:
        rows = session.execute(
            text(
                """
                SELECT i.id, i.position, i.source_run_id FROM migration_check_item AS i
                LEFT JOIN run AS n ON n.id = i.new_run_id
                WHERE i.check_id = :id AND (n.id IS NULL OR n.status != 'done')
                ORDER BY i.position
                """
            ),
            {"id": check_id},
        )
        return [(row[0], row[1], row[2]) for row in rows]

    def _adaptations(self, target: str, survey: Survey, sources: Sequence[int]) -> ReplayEdits:
        """A thinking request cannot go to a model that does not think: drop `think`
        for such a target (the replay records the edit) instead of failing every item.
        A target that cannot chat, or cannot see the images some replays show, refuses
        the pass (IncapableModelError) before anything is replayed."""
        capabilities = survey.capabilities(target)
        with self.journal.read() as session:
            vision = _show_images(session, sources)
        require_capable(target, capabilities, Needs(vision=vision))
        if capabilities and "thinking" not in capabilities:
            return ReplayEdits(model=target, request={"think": None})
        return ReplayEdits(model=target)

    def _replay_item(
        self,
        work: Work,
        station: Station,
        total: int,
        source_id: int,
        edits: ReplayEdits,
        cancel: CancelToken,
        events: CheckEvents,
        regenerate: bool = False,
    ) -> Run | None:
        """Replay the item's run (a turn of a conversation with the history it was sent);
        with `regenerate`, every turn of its conversation, only the last linked to the item
        (a turn before it that does not finish is returned unlinked: the item stays to do)."""
        with self.journal.read() as session:
            if session.get(Run, source_id) is None:  # its experiment was deleted meanwhile
                return None
            turns = chain(session, source_id)
        if not regenerate or len(turns) < 2:
            plan = plan_replay(turns[-1], edits, history=history_of(turns[:-1]))
            return self._replay_turn(work, station, total, plan, cancel, events, link=True)

        def send(index: int, plan: ReplayPlan) -> Run | None:
            if cancel.cancelled:
                return None
            last = index == len(turns)
            return self._replay_turn(work, station, total, plan, cancel, events, link=last)

        runs = regenerate_chain(turns, edits, send)
        if not runs or (len(runs) < len(turns) and runs[-1].status is RunStatus.DONE):
            return None  # cancelled between turns: the item was never linked
        return runs[-1]

    def _replay_turn(
        self,
        work: Work,
        station: Station,
        total: int,
        plan: ReplayPlan,
        cancel: CancelToken,
        events: CheckEvents,
        *,
        link: bool,
    ) -> Run:
        identity = identity_from(plan, station.model(plan.model), station.address)
        if link and events.starting:
            events.starting(work.position, total, plan.source_id, identity)

        def record(session: Session) -> Run:
            return record_replay(session, plan, identity)

        def link_to_item(session: Session, run: Run) -> None:
            if not link:  # an earlier turn of a regenerated conversation
                return
            link_item(
                session,
                item_table="migration_check_item",
                run_column="new_run_id",
                job_table="migration_check",
                item_id=work.item_id,
                run=run,
            )

        run_events = replace(events.run)
        if events.chunk:
            chunk = events.chunk
            run_events.chunk = lambda content, thinking: chunk(work.position, content, thinking)
        return run_item(
            self.journal,
            station,
            plan.spec,
            record,
            link_to_item,
            cancel=cancel,
            events=run_events,
            grading=self.grading,
        )


def _show_images(session: Session, run_ids: Sequence[int]) -> bool:
    """Whether any of these runs' messages, or those of the turns before them (a replay of
    a follow-up sends its history), show an image."""
    if not run_ids:
        return False
    found = session.execute(
        text(
            """
            WITH RECURSIVE up(id) AS (
                SELECT value FROM json_each(:ids)
                UNION SELECT r.parent_id FROM run AS r JOIN up ON r.id = up.id
                WHERE r.parent_id IS NOT NULL
            )
            SELECT 1 FROM run_image WHERE run_id IN (SELECT id FROM up) LIMIT 1
            """
        ),
        {"ids": json.dumps(list(run_ids))},
    ).first()
    return found is not None
