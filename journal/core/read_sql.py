"""The one definition of the list and search statements, and of the rows they make.

ORM-free on purpose: the window and the write path run these through SQLModel's session
(journal.core.queries wraps it as a `Reader`), the read-only CLI through plain `sqlite3`
(journal.core.reading), so `journal list` and `journal search` need not import SQLAlchemy,
which costs most of a read command's time. Both bind `:name` parameters the same way.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any, Protocol

from journal.core.domain import ExperimentFilter, ExperimentSummary, SearchHit, Standing, Verdict
from journal.core.errors import InvalidInputError
from journal.core.search_query import match_query

VERDICTS = frozenset(verdict.value for verdict in Verdict)

# Which experiments a list shows by their archive mark: the default list leaves archived
# ones out; `journal list --archived` shows only them, `--all` both.
ARCHIVED_HIDDEN = "hidden"
ARCHIVED_ONLY = "only"
ARCHIVED_TOO = "all"
ARCHIVED_CHOICES = (ARCHIVED_HIDDEN, ARCHIVED_ONLY, ARCHIVED_TOO)


class Reader(Protocol):
    """Runs one SELECT with `:name` parameters and returns all its rows as tuples."""

    def rows(self, sql: str, params: Mapping[str, Any]) -> Sequence[Sequence[Any]]: ...


# -- filters ----------------------------------------------------------------------------


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
    if filters.since or filters.until:
        from journal.core.models import to_iso  # the ORM's module; no read command sets these

        if filters.since:
            clauses.append("e.created_at >= :since")
            params["since"] = to_iso(filters.since)
        if filters.until:
            clauses.append("e.created_at < :until")
            params["until"] = to_iso(filters.until)
    return clauses


def archive_clauses(archived: str) -> list[str]:
    """The SQL condition on `experiment AS e` for one of ARCHIVED_CHOICES."""
    if archived == ARCHIVED_HIDDEN:
        return ["e.archived_at IS NULL"]
    if archived == ARCHIVED_ONLY:
        return ["e.archived_at IS NOT NULL"]
    if archived == ARCHIVED_TOO:
        return []
    raise InvalidInputError(f"Unknown archive filter '{archived}'.")


def normalise_model_name(name: str) -> str:
    """Ollama treats `llama3` as `llama3:latest`; compare names the same way (in SQL:
    `model_key`)."""
    last = name.rsplit("/", 1)[-1]
    return name if ":" in last else f"{name}:latest"


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


def standing_pick(source: str) -> str:
    """SQL for the rows of `source` (a subquery or CTE with the run's `id`, `experiment_id`,
    `name` as `model_key` gives it, `status` and `verdict`, none in the trash) that give
    their model's standing: STANDING_RUN's meaning for a whole journal at once, by grouping
    instead of a correlated subquery per run (tests/core/test_insights_standing.py holds
    the two equal). Per experiment and model, the run with the greatest key (judged ones
    above the others, then the latest), whose other columns SQLite gives from that row (the
    bare columns of one max() aggregate). Run ids are below 2**62, as SQLite gives them one
    after another."""
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


# -- the list ---------------------------------------------------------------------------

SUMMARY_SELECT = """
    SELECT e.id, e.uuid, e.title, e.tags, e.created_at, e.updated_at,
        (SELECT count(*) FROM run WHERE experiment_id = e.id AND trashed_at IS NULL),
        last.model, last.verdict, last.created_at, e.archived_at IS NOT NULL
    FROM experiment AS e
    LEFT JOIN run AS last ON last.id = (
        SELECT max(id) FROM run WHERE experiment_id = e.id AND trashed_at IS NULL)
"""


def summaries(reader: Reader, where: str, params: Mapping[str, Any]) -> list[ExperimentSummary]:
    """The list rows SUMMARY_SELECT `where` (a WHERE, ORDER and LIMIT) selects."""
    rows = reader.rows(f"{SUMMARY_SELECT} {where}", params)
    standings = standings_of(reader, [row[0] for row in rows])
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


def list_summaries(
    reader: Reader,
    filters: ExperimentFilter | None = None,
    *,
    limit: int = 200,
    before_id: int | None = None,
    archived: str = ARCHIVED_HIDDEN,
    pass_rates: bool = False,
) -> list[ExperimentSummary]:
    """Newest first; pass the last id of a page as `before_id` for the next page.
    `archived` is one of ARCHIVED_CHOICES. With `pass_rates`, each row carries its pass
    rate (one more statement for the page, the window's list's)."""
    params: dict[str, Any] = {"limit": max(0, limit)}
    clauses = [*filter_clauses(filters or ExperimentFilter(), params), *archive_clauses(archived)]
    if before_id is not None:
        clauses.append("e.id < :before")
        params["before"] = before_id
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    rows = summaries(reader, f"{where} ORDER BY e.id DESC LIMIT :limit", params)
    return with_pass_rates(reader, rows) if pass_rates else rows


def with_pass_rates(reader: Reader, rows: list[ExperimentSummary]) -> list[ExperimentSummary]:
    """`rows`, each with its pass rate (pass_rates.experiment_pass_rates): one statement."""
    from journal.core.pass_rates import experiment_pass_rates  # the read commands need none

    if not rows:
        return rows
    rates = experiment_pass_rates(reader, [row.id for row in rows])
    return [replace(row, pass_rate=rates.get(row.id)) for row in rows]


def standings_of(reader: Reader, experiment_ids: list[int]) -> dict[int, tuple[Standing, ...]]:
    """The models' standings (STANDING_RUN) of a page of experiments: one statement."""
    if not experiment_ids:
        return {}
    ids = ", ".join(str(int(experiment_id)) for experiment_id in experiment_ids)
    found = reader.rows(
        f"SELECT r.experiment_id, {model_key('r.model')} AS name, r.verdict FROM run AS r "
        f"WHERE r.experiment_id IN ({ids}) AND {STANDING_RUN} ORDER BY r.experiment_id, name",
        {},
    )
    standings: dict[int, list[Standing]] = {}
    for experiment_id, name, verdict in found:
        known = verdict in VERDICTS  # one written by a newer version reads as not judged
        standings.setdefault(experiment_id, []).append((name, Verdict(verdict) if known else None))
    return {experiment_id: tuple(models) for experiment_id, models in standings.items()}


# -- search -----------------------------------------------------------------------------

# CROSS JOIN keeps the full-text index as the outer loop: it yields matches newest first.
SEARCH_BATCH = """
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


def search_hits(
    reader: Reader,
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
        rows = reader.rows(
            SEARCH_BATCH,
            {"query": query, "before": before, "batch": batch, "open": marks[0], "close": marks[1]},
        )
        for rowid, title, snippet, archived, hidden in rows:
            experiment_id = rowid >> 32
            if not hidden and experiment_id not in hits and len(hits) < limit:
                hits[experiment_id] = SearchHit(experiment_id, title, snippet, bool(archived))
        if len(rows) < batch:
            break
        before = rows[-1][0]
    return list(hits.values())


# -- journal show -----------------------------------------------------------------------

RUN_IMAGES = (
    "SELECT i.sha256, i.mime, i.size, i.width, i.height FROM run_image AS r "
    "JOIN image AS i ON i.sha256 = r.sha256 WHERE r.run_id = :run"
)
"""The images a run shows (no bytes), in no order (image_records.in_message_order)."""

EXPERIMENT_TRASHED_AT = "SELECT trashed_at FROM experiment WHERE id = :id"

RUN_PLACE = (
    "SELECT r.trashed_at, e.trashed_at, e.id FROM run AS r "
    "JOIN experiment AS e ON e.id = r.experiment_id WHERE r.id = :id"
)
"""Where a run stands with respect to the trash: its trashed_at, its experiment's, and the
experiment's id."""
