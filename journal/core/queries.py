"""Reading and writing experiments and runs. Every function takes the session it works in.

Lists use keyset paging (`id < :before ORDER BY id DESC`) so the first page of a
100,000-experiment journal costs the same as the first page of ten.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from journal.core import read_sql
from journal.core.domain import LIVE_STATUSES as LIVE_STATUSES
from journal.core.domain import ExperimentFilter, ExperimentSummary, SearchHit
from journal.core.errors import InvalidInputError, NotFoundError
from journal.core.live_runs import INTERRUPTED_MESSAGE as INTERRUPTED_MESSAGE
from journal.core.live_runs import end_if_owner_gone as end_if_owner_gone
from journal.core.models import Experiment, Run, Verdict, to_iso, utcnow
from journal.core.trash import refuse_if_trashed

EDITABLE_EXPERIMENT_FIELDS = ("title", "hypothesis", "expected", "conclusion", "tags")


@dataclass
class ExperimentDetail:
    experiment: Experiment
    runs: list[Run] = field(default_factory=list)


# -- experiments ------------------------------------------------------------------------


def normalise_tags(tags: list[str] | str) -> list[str]:
    """Tags are trimmed, de-duplicated and kept in the order given; commas separate."""
    raw = tags.split(",") if isinstance(tags, str) else tags
    seen: dict[str, None] = {}
    for tag in raw:
        cleaned = " ".join(tag.split())
        if cleaned:
            seen.setdefault(cleaned, None)
    return list(seen)


def create_experiment(
    session: Session,
    *,
    title: str = "",
    hypothesis: str = "",
    expected: str = "",
    conclusion: str = "",
    tags: list[str] | None = None,
) -> Experiment:
    experiment = Experiment(
        title=title,
        hypothesis=hypothesis,
        expected=expected,
        conclusion=conclusion,
        tags=normalise_tags(tags or []),
    )
    session.add(experiment)
    session.flush()
    return experiment


def get_experiment(session: Session, experiment_id: int) -> Experiment:
    experiment = session.get(Experiment, experiment_id)
    if experiment is None:
        raise NotFoundError(f"There is no experiment {experiment_id}.")
    return experiment


def update_experiment(session: Session, experiment_id: int, **changes: Any) -> Experiment:
    experiment = get_experiment(session, experiment_id)
    for name, value in changes.items():
        if name not in EDITABLE_EXPERIMENT_FIELDS:
            raise InvalidInputError(f"An experiment has no editable field '{name}'.")
        setattr(experiment, name, normalise_tags(value) if name == "tags" else value)
    experiment.updated_at = utcnow()
    session.add(experiment)
    session.flush()
    return experiment


def delete_experiment(session: Session, experiment_id: int) -> None:
    session.delete(get_experiment(session, experiment_id))
    session.flush()


def experiment_detail(session: Session, experiment_id: int) -> ExperimentDetail:
    experiment = get_experiment(session, experiment_id)
    return ExperimentDetail(experiment, runs_of(session, experiment_id))


def all_tags(session: Session) -> list[str]:
    rows = session.execute(text("SELECT DISTINCT name FROM tag ORDER BY name COLLATE NOCASE"))
    return [row[0] for row in rows]


def used_models(session: Session) -> list[str]:
    rows = session.execute(
        text("SELECT DISTINCT model FROM run WHERE trashed_at IS NULL ORDER BY model")
    )
    return [row[0] for row in rows]


# -- runs -------------------------------------------------------------------------------


def runs_of(session: Session, experiment_id: int) -> list[Run]:
    """The experiment's runs, oldest first, without those in the trash."""
    statement = (
        select(Run)
        .where(Run.experiment_id == experiment_id, col(Run.trashed_at).is_(None))
        .order_by(col(Run.id))
    )
    return list(session.exec(statement))


def get_run(session: Session, run_id: int) -> Run:
    run = session.get(Run, run_id)
    if run is None:
        raise NotFoundError(f"There is no run {run_id}.")
    return run


def replays_of(session: Session, run_id: int) -> list[Run]:
    statement = (
        select(Run)
        .where(Run.replay_of_id == run_id, col(Run.trashed_at).is_(None))
        .order_by(col(Run.id))
    )
    return list(session.exec(statement))


def set_verdict(
    session: Session, run_id: int, verdict: Verdict | None, why: str | None = None
) -> Run:
    """Judge a run. A run in the trash is refused: its verdict would change standings the
    moment it is restored, judged by someone who could no longer see it."""
    refuse_if_trashed(session, run_id=run_id)
    run = get_run(session, run_id)
    run.verdict = verdict
    if why is not None:
        run.verdict_note = why
    session.add(run)
    touch_experiment(session, run.experiment_id)
    session.flush()
    return run


def touch_experiment(session: Session, experiment_id: int) -> None:
    session.execute(
        text("UPDATE experiment SET updated_at = :now WHERE id = :id"),
        {"now": to_iso(utcnow()), "id": experiment_id},
    )


def renumber_positions(session: Session, table: str, rows: Sequence[Any]) -> None:
    """Give `rows` of `table` (expectations, input rows) the positions 1, 2, ... in order;
    None leaves a gap for a row about to be added.

    In two steps, through negative numbers, because SQLite checks the unique index on
    (experiment, position) row by row, not at the end of the statement."""
    changed = [
        (place, row) for place, row in enumerate(rows, start=1) if row and row.position != place
    ]
    for _, row in changed:
        session.execute(
            text(f"UPDATE {table} SET position = -position WHERE id = :id"), {"id": row.id}
        )
    for place, row in changed:
        session.execute(
            text(f"UPDATE {table} SET position = :place WHERE id = :id"),
            {"place": place, "id": row.id},
        )
        row.position = place
    session.flush()
    for _, row in changed:
        session.expire(row)


# -- lists and search -------------------------------------------------------------------


class SessionReader:
    """A session as read_sql's Reader: its statements run through SQLAlchemy's text()."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def rows(self, sql: str, params: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        return [tuple(row) for row in self.session.execute(text(sql), dict(params))]


def list_experiments(
    session: Session,
    filters: ExperimentFilter | None = None,
    *,
    limit: int = 200,
    before_id: int | None = None,
    pass_rates: bool = False,
    archived: str = read_sql.ARCHIVED_HIDDEN,
) -> list[ExperimentSummary]:
    """Newest first; pass the last id of a page as `before_id` for the next page. With
    `pass_rates`, each row carries its pass rate (one more statement for the page).
    `archived` is one of ARCHIVED_CHOICES."""
    return read_sql.list_summaries(
        SessionReader(session),
        filters,
        limit=limit,
        before_id=before_id,
        archived=archived,
        pass_rates=pass_rates,
    )


def experiment_summary(
    session: Session, experiment_id: int, *, pass_rates: bool = False
) -> ExperimentSummary:
    """The list row of one experiment, to refresh it after an edit or a run."""
    rows = read_sql.summaries(SessionReader(session), "WHERE e.id = :id", {"id": experiment_id})
    if not rows:
        raise NotFoundError(f"There is no experiment {experiment_id}.")
    return read_sql.with_pass_rates(SessionReader(session), rows)[0] if pass_rates else rows[0]


def count_experiments(
    session: Session,
    filters: ExperimentFilter | None = None,
    *,
    archived: str = read_sql.ARCHIVED_HIDDEN,
) -> int:
    params: dict[str, Any] = {}
    clauses = [
        *read_sql.filter_clauses(filters or ExperimentFilter(), params),
        *read_sql.archive_clauses(archived),
    ]
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    statement = text(f"SELECT count(*) FROM experiment AS e {where}")
    return int(session.execute(statement, params).scalar_one())


def search(
    session: Session,
    user_text: str,
    *,
    limit: int = 20,
    marks: tuple[str, str] = ("[", "]"),
) -> list[SearchHit]:
    """Newest matching experiments first (read_sql.search_hits says how)."""
    return read_sql.search_hits(SessionReader(session), user_text, limit=limit, marks=marks)


# -- recovery ---------------------------------------------------------------------------


def has_live_runs(session: Session) -> bool:
    statement = select(Run.id).where(col(Run.status).in_(list(LIVE_STATUSES))).limit(1)
    return session.exec(statement).first() is not None


def mark_interrupted_runs(session: Session) -> list[int]:
    """Runs left live by a process that is gone become `interrupted`, text intact."""
    now = utcnow()
    live = session.exec(select(Run).where(col(Run.status).in_(list(LIVE_STATUSES))))
    marked = []
    for run in live:
        if end_if_owner_gone(run, now):
            session.add(run)
            assert run.id is not None
            marked.append(run.id)
    session.flush()
    return marked
