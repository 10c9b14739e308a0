"""The Insights figures as journal.core.insights computed them before they were read in one
statement (a correlated subquery per standing, quartiles by `statistics` over every value,
weeks per run): kept as the oracle tests/core/test_insights_equivalence.py compares the
one-statement reading with."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from journal.core.domain import ExperimentFilter, RunStatus, Verdict
from journal.core.grading import OutcomeStatus, not_graded, verdict_standing
from journal.core.insights import (
    Activity,
    DigestSeen,
    Distribution,
    Insights,
    ModelOutcomes,
    ModelSpeed,
    PassRatePoint,
    PassRateTrend,
    WeekActivity,
)
from journal.core.ollama_service import normalise_model_name
from journal.core.pass_rates import read_standings
from journal.core.read_sql import (
    ARCHIVED_HIDDEN,
    STANDING_RUN,
    VERDICTS,
    archive_clauses,
    filter_clauses,
    model_key,
)

# -- selecting as the list does ---------------------------------------------------------


def _selection(filters: ExperimentFilter, params: dict[str, Any]) -> tuple[str, str]:
    """(SQL for the selected experiments' ids, conditions on their runs `r`)."""
    clauses = [*filter_clauses(filters, params), *archive_clauses(ARCHIVED_HIDDEN)]
    experiments = f"SELECT e.id FROM experiment AS e WHERE {' AND '.join(clauses)}"
    runs = [f"r.experiment_id IN ({experiments})", "r.trashed_at IS NULL"]
    if filters.model:
        params["stats_model"] = filters.model
        runs.append(f"{model_key('r.model')} = {model_key(':stats_model')}")
    return experiments, " AND ".join(runs)


def _rows(session: Session, sql: str, params: dict[str, Any]) -> list[Any]:
    return list(session.execute(text(sql), params).all())


_WEEK = "date({}, 'weekday 0', '-6 days')"
"""SQL for the Monday (UTC, ISO date) of the week of a stored moment."""

Tally = Counter[tuple[str, str, str, str, OutcomeStatus]]
"""Finished runs counted by (tag, "" for all; model name; digest; week; where they stand)."""


# -- where runs stand -------------------------------------------------------------------

_GRADED_EXPERIMENTS = """(EXISTS (SELECT 1 FROM expectation AS x WHERE x.experiment_id = e.id)
    OR EXISTS (SELECT 1 FROM run AS g WHERE g.experiment_id = e.id
        AND g.input_row_id IS NOT NULL))"""
"""Experiments whose runs may have expectations to grade by (their own or an input
row's): `read_standings` reads those run by run; any other finished run stands by its
verdict alone, so SQL counts those by (verdict, status) groups."""

_PAGE = 500  # experiments per `read_standings` statement, near the list's page


def _plain_standing(verdict: str | None, status: str) -> OutcomeStatus:
    """Where a finished run with no expectations stands, as `read_standings` puts it."""
    if verdict in VERDICTS:
        return verdict_standing(Verdict(verdict))
    unfinished = not_graded(RunStatus(status), 0)
    assert unfinished is not None  # a run with nothing to grade by is never graded
    return unfinished.status


def _tally(session: Session, filters: ExperimentFilter) -> Tally:
    params: dict[str, Any] = {}
    experiments, runs = _selection(filters, params)
    tally: Tally = Counter()
    finished = f"{runs} AND r.status NOT IN ('pending', 'streaming')"
    plain = _rows(
        session,
        f"""WITH p AS (
            SELECT r.experiment_id, {model_key("r.model")} AS name, r.model_digest AS digest,
                {_WEEK.format("r.created_at")} AS week, r.verdict, r.status
            FROM run AS r JOIN experiment AS e ON e.id = r.experiment_id
            WHERE {finished} AND NOT {_GRADED_EXPERIMENTS})
        SELECT '', name, digest, week, verdict, status, count(*) FROM p
        GROUP BY 2, 3, 4, 5, 6
        UNION ALL
        SELECT t.name, p.name, digest, week, verdict, status, count(*)
        FROM p JOIN tag AS t ON t.experiment_id = p.experiment_id
        GROUP BY 1, 2, 3, 4, 5, 6""",
        params,
    )
    for tag, model, digest, week, verdict, status, number in plain:
        tally[(tag, model, digest, week, _plain_standing(verdict, status))] += number
    graded = _rows(session, f"{experiments} AND {_GRADED_EXPERIMENTS}", params)
    ids = [row[0] for row in graded]
    if not ids:
        return tally
    tags: dict[int, list[str]] = defaultdict(list)
    weeks: dict[int, str] = {}
    for start in range(0, len(ids), _PAGE):
        page = ",".join(str(int(experiment_id)) for experiment_id in ids[start : start + _PAGE])
        for experiment_id, tag in _rows(
            session, f"SELECT experiment_id, name FROM tag WHERE experiment_id IN ({page})", {}
        ):
            tags[experiment_id].append(tag)
        weeks.update(
            _rows(
                session,
                f"SELECT r.id, {_WEEK.format('r.created_at')} FROM run AS r "
                f"WHERE r.experiment_id IN ({page})",
                {},
            )
        )
        wanted = normalise_model_name(filters.model) if filters.model else None
        for experiment in read_standings(session, ids[start : start + _PAGE]).values():
            for standing in experiment.standings:
                model = normalise_model_name(standing.model)
                if wanted is not None and model != wanted:
                    continue
                for tag in ("", *tags.get(standing.experiment_id, ())):
                    key = (tag, model, standing.digest, weeks[standing.run_id], standing.status)
                    tally[key] += 1
    return tally


# -- which models work ------------------------------------------------------------------


def model_outcomes(session: Session, filters: ExperimentFilter) -> tuple[ModelOutcomes, ...]:
    """Verdicts and pass rates per model@digest, overall (tag "") then per tag."""
    return _outcomes(session, filters, _tally(session, filters))


def _outcomes(
    session: Session, filters: ExperimentFilter, tally: Tally
) -> tuple[ModelOutcomes, ...]:
    params: dict[str, Any] = {}
    _, runs = _selection(filters, params)
    name = model_key("r.model")
    verdicts = _rows(
        session,
        f"""WITH s AS (
            SELECT r.experiment_id, {name} AS name, r.model_digest AS digest, r.verdict
            FROM run AS r WHERE {runs} AND {STANDING_RUN})
        SELECT '', name, digest, verdict, count(*) FROM s GROUP BY 2, 3, 4
        UNION ALL
        SELECT t.name, s.name, digest, verdict, count(*)
        FROM s JOIN tag AS t ON t.experiment_id = s.experiment_id GROUP BY 1, 2, 3, 4""",
        params,
    )
    counts: dict[tuple[str, str, str], Counter[str]] = defaultdict(Counter)
    for tag, model, digest, verdict, number in verdicts:
        counts[(tag, model, digest)][verdict if verdict in VERDICTS else ""] += number
    for (tag, model, digest, _, status), number in tally.items():
        seen = counts[(tag, model, digest)]
        seen["runs"] += number
        seen[status.value] += number
    return tuple(
        ModelOutcomes(
            model=model,
            digest=digest,
            tag=tag,
            worked=seen[Verdict.WORKED.value],
            partly=seen[Verdict.PARTLY.value],
            failed=seen[Verdict.FAILED.value],
            unjudged=seen[""],
            runs=seen["runs"],
            passed=seen[OutcomeStatus.PASS.value],
            runs_failed=seen[OutcomeStatus.FAIL.value],
            needs_look=seen[OutcomeStatus.NEEDS_LOOK.value],
        )
        for (tag, model, digest), seen in sorted(counts.items())
    )


# -- are they getting better ------------------------------------------------------------


def pass_rate_over_time(session: Session, filters: ExperimentFilter) -> PassRateTrend:
    """Each model's finished runs per week by where they stand, and the moments a model
    name got new weights. The series are per model name (`llama3:8b`), the level at which
    Ollama swaps weights under a name."""
    return _trend(session, filters, _tally(session, filters))


def _trend(session: Session, filters: ExperimentFilter, tally: Tally) -> PassRateTrend:
    weeks: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for (tag, model, _, week, status), number in tally.items():
        if not tag:
            seen = weeks[(model, week)]
            seen["runs"] += number
            seen[status.value] += number
    points = tuple(
        PassRatePoint(
            model,
            week,
            seen["runs"],
            seen[OutcomeStatus.PASS.value],
            seen[OutcomeStatus.FAIL.value],
            seen[OutcomeStatus.NEEDS_LOOK.value],
        )
        for (model, week), seen in sorted(weeks.items())
    )
    params: dict[str, Any] = {}
    _, runs = _selection(filters, params)
    digests = _rows(
        session,
        f"""SELECT {model_key("r.model")} AS name, r.model_digest, min(r.created_at) AS first
        FROM run AS r WHERE {runs} AND r.model_digest != ''
        GROUP BY 1, 2 ORDER BY name, first""",
        params,
    )
    new_weights = []
    previous = None
    for model, digest, first_seen in digests:
        if model == previous:
            new_weights.append(DigestSeen(model, digest, first_seen))
        previous = model
    return PassRateTrend(points, tuple(new_weights))


# -- how fast ---------------------------------------------------------------------------


def model_speed(session: Session, filters: ExperimentFilter) -> tuple[ModelSpeed, ...]:
    """Per model name, the distributions of what Ollama reported for its finished runs."""
    params: dict[str, Any] = {}
    _, runs = _selection(filters, params)
    rows = _rows(
        session,
        f"""SELECT {model_key("r.model")} AS name, r.eval_count, r.eval_duration,
            r.first_token_seconds, r.load_duration
        FROM run AS r WHERE {runs} AND r.status = 'done' ORDER BY name""",
        params,
    )
    figures: dict[str, tuple[list[float], list[float], list[float], list[int]]] = {}
    for model, eval_count, eval_duration, first_token, load_duration in rows:
        speed, first, load, count = figures.setdefault(model, ([], [], [], [0]))
        count[0] += 1
        if eval_count and eval_duration:
            speed.append(eval_count / eval_duration * 1e9)
        if first_token is not None:
            first.append(float(first_token))
        if load_duration is not None:
            load.append(load_duration / 1e9)
    return tuple(
        ModelSpeed(
            model, count[0], Distribution.of(speed), Distribution.of(first), Distribution.of(load)
        )
        for model, (speed, first, load, count) in figures.items()
    )


# -- where the time goes ----------------------------------------------------------------


def activity(session: Session, filters: ExperimentFilter) -> Activity:
    params: dict[str, Any] = {}
    _, runs = _selection(filters, params)
    weeks = _rows(
        session,
        f"SELECT {_WEEK.format('r.created_at')} AS week, count(*) FROM run AS r "
        f"WHERE {runs} GROUP BY 1 ORDER BY 1",
        params,
    )
    unrated = session.execute(
        text(
            f"SELECT count(*) FROM run AS r WHERE {runs} AND {STANDING_RUN} AND r.verdict IS NULL"
        ),
        params,
    ).scalar_one()
    return Activity(tuple(WeekActivity(week, number) for week, number in weeks), int(unrated))


def compute_insights(session: Session, filters: ExperimentFilter) -> Insights:
    """Every answer at once, reading the runs' standings once."""
    tally = _tally(session, filters)
    return Insights(
        outcomes=_outcomes(session, filters, tally),
        trend=_trend(session, filters, tally),
        speed=model_speed(session, filters),
        activity=activity(session, filters),
    )
