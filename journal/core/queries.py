"""Reading and writing experiments and runs. Every function takes the session it works in.

Lists use keyset paging (`id < :before ORDER BY id DESC`) so the first page of a
100,000-experiment journal costs the same as the first page of ten.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from journal.core.domain import ExperimentFilter, ExperimentSummary, SearchHit, Standing
from journal.core.errors import InvalidInputError, NotFoundError
from journal.core.models import Experiment, Run, RunStatus, Verdict, to_iso, utcnow
from journal.core.search_query import match_query
from journal.core.trash import refuse_if_trashed

LIVE_STATUSES = (RunStatus.PENDING, RunStatus.STREAMING)

VERDICTS = frozenset(verdict.value for verdict in Verdict)

# Which experiments a list shows by their archive mark: the default list leaves archived
# ones out; `journal list --archived` shows only them, `--all` both.
ARCHIVED_HIDDEN = "hidden"
ARCHIVED_ONLY = "only"
ARCHIVED_TOO = "all"
ARCHIVED_CHOICES = (ARCHIVED_HIDDEN, ARCHIVED_ONLY, ARCHIVED_TOO)

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


def filter_clauses(filters: ExperimentFilter, params: dict[str, Any]) -> list[str]:
    """SQL conditions on `experiment AS e` for `filters`, adding their values to `params`;
    shared by the list, export, migration checks and the matrix so all select alike.
    Experiments and runs in the trash never match."""
    clauses: list[str] = ["e.trashed_at IS NULL"]
    if filters.model or filters.verdict or filters.unrated:
        run_clauses = ["r.experiment_id = e.id", "r.trashed_at IS NULL"]
        if filters.model:
            run_clauses.append("(r.model = :model OR r.model = :model_latest)")
            params["model"] = filters.model
            params["model_latest"] = (
                filters.model if ":" in filters.model else f"{filters.model}:latest"
            )
        if filters.verdict:
            params["verdict"] = str(filters.verdict)
        clauses.extend(_standing_clauses(filters, run_clauses))
    if filters.tag:
        clauses.append(
            "EXISTS (SELECT 1 FROM tag AS t WHERE t.experiment_id = e.id AND t.name = :tag)"
        )
        params["tag"] = filters.tag
    if filters.search:
        query = match_query(filters.search)
        if query:
            # A document's rowid packs its experiment id above the low 32 bits (migration 4).
            clauses.append("e.id IN (SELECT rowid >> 32 FROM search WHERE search MATCH :query)")
            params["query"] = query
    if filters.since:
        clauses.append("e.created_at >= :since")
        params["since"] = to_iso(filters.since)
    if filters.until:
        clauses.append("e.created_at < :until")
        params["until"] = to_iso(filters.until)
    return clauses


def model_key(column: str) -> str:
    """SQL for the model `column` names as Ollama means it: `llama3` is `llama3:latest` (a
    tag is a colon after the last slash), as `normalise_model_name` compares names."""
    last = f"substr({column}, length(rtrim({column}, replace({column}, '/', ''))) + 1)"
    # ':' || 'latest': text() would read a quoted ':latest' as a bind parameter.
    return f"(CASE WHEN instr({last}, ':') THEN {column} ELSE {column} || ':' || 'latest' END)"


STANDING_RUN = f"""(r.status = 'done' OR r.verdict IS NOT NULL) AND r.trashed_at IS NULL
    AND NOT EXISTS (
    SELECT 1 FROM run AS later WHERE later.experiment_id = r.experiment_id
    AND (later.status = 'done' OR later.verdict IS NOT NULL) AND later.trashed_at IS NULL
    AND (later.verdict IS NOT NULL, later.id) > (r.verdict IS NOT NULL, r.id)
    AND {model_key("later.model")} = {model_key("r.model")})"""
"""Run `r` gives its model's standing in its experiment: the model's latest judged run, or,
while none of its runs is judged, its latest finished one (verdict NULL: not judged yet);
runs in the trash say nothing.
The one meaning of "worked on a model" for the list's column and the verdict filter."""


def standing_rank(source: str) -> str:
    """SQL for the rows of `source` (a subquery or CTE with the run's `id`, `experiment_id`,
    `name` as `model_key` gives it, `status` and `verdict`, none in the trash) that give
    their model's standing, STANDING_RUN's meaning in one ordered pass instead of a
    correlated subquery per run: for reading the standings of a whole journal at once
    (tests/core/test_standing_rank.py holds the two equal)."""
    return f"""SELECT * FROM (
        SELECT *, row_number() OVER (
            PARTITION BY experiment_id, name ORDER BY verdict IS NOT NULL DESC, id DESC
        ) AS standing_rank
        FROM {source} WHERE status = 'done' OR verdict IS NOT NULL)
    WHERE standing_rank = 1"""


def standing_pick(source: str) -> str:
    """`standing_rank`'s rows by grouping instead of a window, for a whole journal at once
    (a quarter less CPU at 100,000 experiments, where only the counts are wanted): per
    experiment and model, the run with the greatest key (judged ones above the others, then
    the latest), whose other columns SQLite gives from that row (the bare columns of one
    max() aggregate). Run ids are below 2**62, as SQLite gives them one after another."""
    return f"""SELECT *, max(
            CASE WHEN verdict IS NULL THEN id - 4611686018427387904 ELSE id END
        ) AS standing_key
        FROM {source} WHERE status = 'done' OR verdict IS NOT NULL
        GROUP BY experiment_id, name"""


def _standing_clauses(filters: ExperimentFilter, run_clauses: list[str]) -> list[str]:
    """EXISTS conditions for the model filter alone (a run of it, as `run_clauses` say) or
    with `verdict` or `unrated`, which hold for a model's standing: on `filters.model`
    when one is given, else on some model."""
    exists = "EXISTS (SELECT 1 FROM run AS r WHERE {})"
    if not (filters.verdict or filters.unrated):
        return [exists.format(" AND ".join(run_clauses))]
    on_model = [f"{model_key('r.model')} = {model_key(':model')}"] if filters.model else []
    wanted = [(filters.verdict, "r.verdict = :verdict"), (filters.unrated, "r.verdict IS NULL")]
    return [
        exists.format(" AND ".join(["r.experiment_id = e.id", *on_model, verdict, STANDING_RUN]))
        for chosen, verdict in wanted
        if chosen
    ]


_SUMMARY_SELECT = """
    SELECT e.id, e.uuid, e.title, e.tags, e.created_at, e.updated_at,
        (SELECT count(*) FROM run WHERE experiment_id = e.id AND trashed_at IS NULL),
        last.model, last.verdict, last.created_at, e.archived_at IS NOT NULL
    FROM experiment AS e
    LEFT JOIN run AS last ON last.id = (
        SELECT max(id) FROM run WHERE experiment_id = e.id AND trashed_at IS NULL)
"""


def _summaries(session: Session, where: str, params: dict[str, Any]) -> list[ExperimentSummary]:
    rows = session.execute(text(f"{_SUMMARY_SELECT} {where}"), params).all()
    standings = _standings_of(session, [row[0] for row in rows])
    return [
        ExperimentSummary(
            id=row[0],
            uuid=row[1],
            title=row[2],
            tags=json.loads(row[3]),
            created_at=row[4],
            updated_at=row[5],
            run_count=row[6],
            last_model=row[7],
            last_verdict=row[8],
            last_run_at=row[9],
            standings=standings.get(row[0], ()),
            archived=bool(row[10]),
        )
        for row in rows
    ]


def list_experiments(
    session: Session,
    filters: ExperimentFilter | None = None,
    *,
    limit: int = 200,
    before_id: int | None = None,
    pass_rates: bool = False,
    archived: str = ARCHIVED_HIDDEN,
) -> list[ExperimentSummary]:
    """Newest first; pass the last id of a page as `before_id` for the next page. With
    `pass_rates`, each row carries its pass rate (one more statement for the page).
    `archived` is one of ARCHIVED_CHOICES."""
    filters = filters or ExperimentFilter()
    params: dict[str, Any] = {"limit": max(0, limit)}
    clauses = [*filter_clauses(filters, params), *archive_clauses(archived)]
    if before_id is not None:
        clauses.append("e.id < :before")
        params["before"] = before_id
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = _summaries(session, f"{where} ORDER BY e.id DESC LIMIT :limit", params)
    return _with_pass_rates(session, rows) if pass_rates else rows


def experiment_summary(
    session: Session, experiment_id: int, *, pass_rates: bool = False
) -> ExperimentSummary:
    """The list row of one experiment, to refresh it after an edit or a run."""
    rows = _summaries(session, "WHERE e.id = :id", {"id": experiment_id})
    if not rows:
        raise NotFoundError(f"There is no experiment {experiment_id}.")
    return _with_pass_rates(session, rows)[0] if pass_rates else rows[0]


def _standings_of(session: Session, experiment_ids: list[int]) -> dict[int, tuple[Standing, ...]]:
    """The models' standings (STANDING_RUN) of a page of experiments: one statement."""
    if not experiment_ids:
        return {}
    ids = ", ".join(str(int(experiment_id)) for experiment_id in experiment_ids)
    found = session.execute(
        text(
            f"SELECT r.experiment_id, {model_key('r.model')} AS name, r.verdict FROM run AS r "
            f"WHERE r.experiment_id IN ({ids}) AND {STANDING_RUN} ORDER BY r.experiment_id, name"
        )
    )
    standings: dict[int, list[Standing]] = {}
    for experiment_id, name, verdict in found:
        known = verdict in VERDICTS  # one written by a newer version reads as not judged
        standings.setdefault(experiment_id, []).append((name, Verdict(verdict) if known else None))
    return {experiment_id: tuple(models) for experiment_id, models in standings.items()}


def _with_pass_rates(session: Session, rows: list[ExperimentSummary]) -> list[ExperimentSummary]:
    from journal.core.pass_rates import experiment_pass_rates

    if not rows:
        return rows
    rates = experiment_pass_rates(session, [row.id for row in rows])
    return [replace(row, pass_rate=rates.get(row.id)) for row in rows]


def archive_clauses(archived: str) -> list[str]:
    """The SQL condition on `experiment AS e` for one of ARCHIVED_CHOICES."""
    if archived == ARCHIVED_HIDDEN:
        return ["e.archived_at IS NULL"]
    if archived == ARCHIVED_ONLY:
        return ["e.archived_at IS NOT NULL"]
    if archived == ARCHIVED_TOO:
        return []
    raise InvalidInputError(f"Unknown archive filter '{archived}'.")


def count_experiments(
    session: Session, filters: ExperimentFilter | None = None, *, archived: str = ARCHIVED_HIDDEN
) -> int:
    params: dict[str, Any] = {}
    clauses = [*filter_clauses(filters or ExperimentFilter(), params), *archive_clauses(archived)]
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
    """Newest matching experiments first, each with a snippet around its newest match.
    Archived experiments are found too (marked `archived`); what is in the trash is not.

    Ordered by recency, not bm25: ranking scores every match, which costs hundreds of
    milliseconds for a common word in a large journal; recency stays fast. An experiment
    has several documents (its own text, one per run), so matches are read newest first in
    small batches and folded into experiments until `limit` are found.
    """
    query = match_query(user_text)
    if query is None or limit <= 0:
        return []
    hits: dict[int, SearchHit] = {}
    before = 2**63 - 1
    batch = max(4 * limit, 40)
    while len(hits) < limit:
        rows = session.execute(
            _SEARCH_BATCH,
            {
                "query": query,
                "before": before,
                "batch": batch,
                "open": marks[0],
                "close": marks[1],
            },
        ).all()
        for rowid, title, snippet, archived, hidden in rows:
            experiment_id = rowid >> 32
            if not hidden and experiment_id not in hits and len(hits) < limit:
                hits[experiment_id] = SearchHit(experiment_id, title, snippet, bool(archived))
        if len(rows) < batch:
            break
        before = rows[-1][0]
    return list(hits.values())


# CROSS JOIN keeps the full-text index as the outer loop: it yields matches newest first.
_SEARCH_BATCH = text(
    """
    SELECT s.rowid, e.title, snippet(search, -1, :open, :close, '…', 12),
        e.archived_at IS NOT NULL,
        e.trashed_at IS NOT NULL OR ((s.rowid & 4294967295) != 0 AND EXISTS (
            SELECT 1 FROM run AS r WHERE r.id = s.rowid & 4294967295
                AND r.trashed_at IS NOT NULL))
    FROM search AS s CROSS JOIN experiment AS e ON e.id = s.rowid >> 32
    WHERE search MATCH :query AND s.rowid < :before
    ORDER BY s.rowid DESC
    LIMIT :batch
    """
)


# -- recovery ---------------------------------------------------------------------------

INTERRUPTED_MESSAGE = (
    "The program recording this run stopped before the answer was complete; "
    "the text received until then is kept."
)


def has_live_runs(session: Session) -> bool:
    statement = select(Run.id).where(col(Run.status).in_(list(LIVE_STATUSES))).limit(1)
    return session.exec(statement).first() is not None


def mark_interrupted_runs(session: Session) -> list[int]:
    """Runs left live by a process that is gone become `interrupted`, text intact."""
    from journal.core.ownership import owner_is_gone

    now = utcnow()
    live = session.exec(select(Run).where(col(Run.status).in_(list(LIVE_STATUSES))))
    marked = []
    for run in live:
        if owner_is_gone(run.owner, run.heartbeat_at, now):
            run.status = RunStatus.INTERRUPTED
            run.error = run.error or INTERRUPTED_MESSAGE
            run.finished_at = run.heartbeat_at or now
            run.owner = ""
            session.add(run)
            assert run.id is not None
            marked.append(run.id)
    session.flush()
    return marked
