"""Figures over the whole journal for the Insights view and `journal stats`: which models
work, whether they get better, how fast they are, and where the time goes.

One function per question, each taking (session, ExperimentFilter) and returning plain
frozen data; `compute_insights` answers them all, sharing what they read. They select
experiments as the list does (`read_sql.filter_clauses` and `archive_clauses`, so nothing
in the trash counts) and count only their runs that are not in the trash. With a model
in the filter, only that model's runs count (the list's filter selects experiments with
a run on it; here a model's figures are about that model).

Meanings are the ones the rest of the journal uses:
- a model's verdict in an experiment is its standing (`read_sql.STANDING_RUN`: its latest
  judged run, or its latest finished one while none is judged); the standings are then
  counted per model@digest of the run that gives them;
- a run passes, fails or needs a look as `pass_rates.read_standings` says (the verdict
  over the grades); a pass rate here adds runs up (weighted by runs: an experiment run
  ten times counts ten times), not experiments;
- weeks start on Monday (UTC), as ISO dates;
- model names are compared as Ollama compares them (`llama3` is `llama3:latest`).
"""

from __future__ import annotations

import functools
import json
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection
from sqlmodel import Session

from journal.core.domain import LIVE_STATUSES_SQL, ExperimentFilter, RunStatus, Verdict
from journal.core.export_records import RawReader
from journal.core.grading import OutcomeStatus, not_graded, verdict_standing
from journal.core.ollama_service import normalise_model_name
from journal.core.pass_rates import read_standings
from journal.core.read_sql import (
    ARCHIVED_HIDDEN,
    VERDICTS,
    archive_clauses,
    filter_clauses,
    model_key,
    standing_pick,
)

__all__ = [
    "Activity",
    "DigestSeen",
    "Distribution",
    "Insights",
    "ModelOutcomes",
    "ModelSpeed",
    "PassRatePoint",
    "WeekActivity",
    "activity",
    "compute_insights",
    "model_outcomes",
    "model_speed",
    "pass_rate_over_time",
]


# -- the answers ------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelOutcomes:
    """How one model@digest did, over all selected experiments (`tag` "") or over those
    with one tag. Verdicts count standings (one per experiment the model ran in); passed,
    failed and needs_look count runs."""

    model: str
    digest: str
    tag: str
    worked: int
    partly: int
    failed: int
    unjudged: int
    runs: int
    passed: int
    runs_failed: int
    needs_look: int

    @property
    def experiments(self) -> int:
        return self.worked + self.partly + self.failed + self.unjudged

    @property
    def pass_rate(self) -> float | None:
        """Passed of the runs that passed or failed (None when none did either)."""
        decided = self.passed + self.runs_failed
        return self.passed / decided if decided else None


@dataclass(frozen=True)
class PassRatePoint:
    """One model's finished runs of one week, by where they stand."""

    model: str
    week: str  # the Monday, ISO date
    runs: int
    passed: int
    failed: int
    needs_look: int

    @property
    def pass_rate(self) -> float | None:
        decided = self.passed + self.failed
        return self.passed / decided if decided else None


@dataclass(frozen=True)
class DigestSeen:
    """The moment a model name started pointing at other weights: the first run with a
    digest after the name's first digest."""

    model: str
    digest: str
    first_seen: str  # the run's created_at, ISO


@dataclass(frozen=True)
class PassRateTrend:
    points: tuple[PassRatePoint, ...]
    new_weights: tuple[DigestSeen, ...]


@dataclass(frozen=True)
class Distribution:
    """Quartiles of some runs' figure (inclusive method: q1..q3 lie between min and max)."""

    count: int
    minimum: float
    q1: float
    median: float
    q3: float
    maximum: float

    @classmethod
    def of(cls, values: Sequence[float]) -> Distribution | None:
        if not values:
            return None
        ordered = sorted(values)
        if len(ordered) == 1:
            q1 = median = q3 = ordered[0]
        else:
            q1, median, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
        return cls(len(ordered), ordered[0], q1, median, q3, ordered[-1])


@dataclass(frozen=True)
class ModelSpeed:
    """One model's finished runs as Ollama timed them; None where no run reported it."""

    model: str
    runs: int
    tokens_per_second: Distribution | None  # eval_count / eval_duration
    first_token_seconds: Distribution | None
    load_seconds: Distribution | None  # load_duration


@dataclass(frozen=True)
class WeekActivity:
    week: str  # the Monday, ISO date
    runs: int


@dataclass(frozen=True)
class Activity:
    """Runs made per week (every run, finished or not) and the runs waiting for a verdict:
    standings with no verdict yet, what `--verdict unrated` finds."""

    weeks: tuple[WeekActivity, ...]
    unrated: int


@dataclass(frozen=True)
class Insights:
    outcomes: tuple[ModelOutcomes, ...]
    trend: PassRateTrend
    speed: tuple[ModelSpeed, ...]
    activity: Activity


# -- reading the journal once ----------------------------------------------------------

_DAY = """CASE WHEN substr(r.created_at, -6) = '+00:00' THEN substr(r.created_at, 1, 10)
    ELSE date(r.created_at) END"""
"""SQL for the UTC date of a stored moment: the text's own date when it is written in UTC,
as the journal writes every moment (`models.to_iso`), so most rows need no date()."""

_WEEK = "date({}, 'weekday 0', '-6 days')"
"""SQL for the Monday (UTC, ISO date) of the week of a date or moment."""

_GRADED = """SELECT experiment_id FROM expectation
    UNION SELECT experiment_id FROM run INDEXED BY run_input_row WHERE input_row_id IS NOT NULL"""
"""Experiments whose runs may have expectations to grade by (their own or an input
row's): `read_standings` reads those run by run (the index named, as the planner
would rather scan every run for IS NOT NULL); any other finished run stands by its
verdict alone, so SQL counts those by (verdict, status) groups."""

_PAGE = 500  # experiments per `read_standings` statement, near the list's page

_STANDING_SOURCE = "(SELECT id, experiment_id, tags, name, digest, status, verdict FROM runs)"
"""Only what the standings are counted by, so the grouping sorts narrow rows."""


def _statement(filters: ExperimentFilter, params: dict[str, Any]) -> str:
    """One statement for every figure: the selected runs are read once (one pass over
    `run`, kept in a temporary table), then grouped for each question; rows are
    (kind, tags, name, digest, a, b, c, number). The finished runs' timings come as they
    are, a row per run that has one ('q'): sorting them in Python for the quartiles costs
    a third of what SQLite's window functions took (CPU, measured at 100,000 experiments).

    Per-tag figures are grouped by the experiment's tag list (`experiment.tags`, which the
    `tag` table mirrors by trigger) and spread over its tags in Python: a handful of
    distinct lists instead of a join per run."""
    clauses = [*filter_clauses(filters, params), *archive_clauses(ARCHIVED_HIDDEN)]
    if filters.model:
        params["stats_model"] = filters.model
        clauses.append(f"{model_key('r.model')} = {model_key(':stats_model')}")
    return f"""WITH graded(id) AS MATERIALIZED ({_GRADED}),
    runs AS MATERIALIZED (
        SELECT r.id, r.experiment_id, e.tags, {model_key("r.model")} AS name,
            r.model_digest AS digest, r.status, r.verdict, r.created_at, {_DAY} AS day,
            r.experiment_id IN graded AS graded, r.eval_count, r.eval_duration,
            r.first_token_seconds, r.load_duration
        FROM experiment AS e JOIN run AS r ON r.experiment_id = e.id
        WHERE {" AND ".join(clauses)} AND r.trashed_at IS NULL),
    standing AS ({standing_pick(_STANDING_SOURCE)}),
    cube AS MATERIALIZED (
        SELECT tags, name, digest, day, verdict, status, graded, count(*) AS n,
            min(created_at) AS first
        FROM runs GROUP BY 1, 2, 3, 4, 5, 6, 7)
    SELECT 'v', tags, name, digest, verdict, NULL, NULL, count(*) FROM standing
        GROUP BY tags, name, digest, verdict
    UNION ALL SELECT 'p', tags, name, digest, {_WEEK.format("day")}, verdict, status, sum(n)
        FROM cube WHERE NOT graded AND status NOT IN {LIVE_STATUSES_SQL}
        GROUP BY 2, 3, 4, 5, 6, 7
    UNION ALL SELECT 'g', NULL, NULL, NULL, NULL, NULL, NULL, experiment_id FROM runs
        WHERE graded GROUP BY experiment_id
    UNION ALL SELECT 'd', NULL, name, digest, min(first), NULL, NULL, NULL FROM cube
        WHERE digest != '' GROUP BY name, digest
    UNION ALL SELECT 'w', NULL, NULL, NULL, {_WEEK.format("day")}, NULL, NULL, sum(n)
        FROM cube GROUP BY 5
    UNION ALL SELECT 'c', NULL, name, NULL, NULL, NULL, NULL, sum(n) FROM cube
        WHERE status = 'done' GROUP BY name
    UNION ALL SELECT 'q', NULL, name, NULL, eval_count, eval_duration, first_token_seconds,
        load_duration FROM runs WHERE status = 'done' AND (eval_count AND eval_duration
            OR first_token_seconds IS NOT NULL OR load_duration IS NOT NULL)"""


_VERDICT_PLACE = {Verdict.WORKED.value: 0, Verdict.PARTLY.value: 1, Verdict.FAILED.value: 2}
_UNJUDGED, _RUNS = 3, 4
_STATUS_PLACE = {OutcomeStatus.PASS: 5, OutcomeStatus.FAIL: 6, OutcomeStatus.NEEDS_LOOK: 7}
"""Where a count goes in a row of `_Read.outcomes`: ModelOutcomes' fields after the tag."""


@dataclass
class _Read:
    """What the one statement found, counted as the answers need it (rows of plain
    integers: a large journal has a row per model@digest and tag, or per week)."""

    outcomes: dict[tuple[str, str, str], list[int]]  # (tag, model, digest): ModelOutcomes
    trend: dict[tuple[str, str], list[int]]  # (model, week): runs, passed, failed, needs look
    digests: list[tuple[str, str, str]]  # (model name, digest, first created_at)
    weeks: dict[str, int]
    timings: dict[str, _Timings]  # per model name, of its finished runs
    unrated: int = 0  # standings with no verdict yet

    def add_standings(
        self, tags: tuple[str, ...], name: str, digest: str, verdict: Any, number: int
    ) -> None:
        place = _VERDICT_PLACE.get(verdict, _UNJUDGED)
        for tag in tags:
            self._outcome(tag, name, digest)[place] += number
        if verdict is None:
            self.unrated += number

    def add_runs(
        self,
        tags: tuple[str, ...],
        name: str,
        digest: str,
        week: str,
        status: OutcomeStatus,
        number: int,
    ) -> None:
        """`number` finished runs standing at `status`, under "" and each of `tags`."""
        place = _STATUS_PLACE[status]
        for tag in tags:
            counts = self._outcome(tag, name, digest)
            counts[_RUNS] += number
            counts[place] += number
        week_counts = self.trend.get((name, week))
        if week_counts is None:
            week_counts = self.trend[(name, week)] = [0, 0, 0, 0]
        week_counts[0] += number
        week_counts[place - _RUNS] += number

    def _outcome(self, tag: str, name: str, digest: str) -> list[int]:
        counts = self.outcomes.get((tag, name, digest))
        if counts is None:
            counts = self.outcomes[(tag, name, digest)] = [0] * 8
        return counts


@functools.lru_cache(maxsize=1024)
def _tags(listed: str) -> tuple[str, ...]:
    """The tags a row of tag list `listed` counts under: "" (every experiment) and each
    of the list, as the `tag` table holds them; a journal has few distinct lists."""
    return ("", *dict.fromkeys(str(tag) for tag in json.loads(listed)))


@dataclass
class _Timings:
    """A model's finished runs: how many (SQL counts them), and the figures of those that
    have them."""

    runs: int = 0
    tokens_per_second: list[float] = field(default_factory=list)  # eval_count / eval_duration
    first_token_seconds: list[float] = field(default_factory=list)
    load_seconds: list[float] = field(default_factory=list)  # load_duration

    def add(self, eval_count: Any, eval_duration: Any, first_token: Any, load: Any) -> None:
        """One run's timings, as SQL holds them (None where Ollama did not say; a run
        with no tokens or no time has no speed)."""
        if eval_count and eval_duration:
            self.tokens_per_second.append(float(eval_count / eval_duration * 1e9))
        if first_token is not None:
            self.first_token_seconds.append(float(first_token))
        if load is not None:
            self.load_seconds.append(float(load / 1e9))


def _read(session: Session, filters: ExperimentFilter) -> _Read:
    params: dict[str, Any] = {}
    found = _Read({}, {}, [], {}, defaultdict(_Timings))
    graded: list[int] = []
    timings = found.timings
    for kind, tags, name, digest, a, b, c, number in _rows(
        session, _statement(filters, params), params
    ):
        if kind == "q":  # most rows: a finished run's timings
            timings[name].add(a, b, c, number)
        elif kind == "v":
            found.add_standings(_tags(tags), name, digest, a, number)
        elif kind == "p":
            found.add_runs(_tags(tags), name, digest, a, _plain_standing(b, c), number)
        elif kind == "g":
            graded.append(number)
        elif kind == "d":
            found.digests.append((name, digest, a))
        elif kind == "c":
            timings[name].runs = number
        else:  # "w"
            found.weeks[a] = number
    if graded:
        _add_graded(session, filters, sorted(graded), found)
    return found


def _rows(session: Session, sql: str, params: dict[str, Any]) -> list[Any]:
    """The rows as sqlite3 gives them (plain tuples): the statement's 'q' rows are a row
    per finished run, which SQLAlchemy's rows would make cost half again as much."""
    return RawReader.of_session(session).rows(sql, params)


# -- where runs stand -------------------------------------------------------------------


@functools.lru_cache(maxsize=64)
def _plain_standing(verdict: str | None, status: str) -> OutcomeStatus:
    """Where a finished run with no expectations stands, as `read_standings` puts it."""
    if verdict in VERDICTS:
        return verdict_standing(Verdict(verdict))
    unfinished = not_graded(RunStatus(status), 0)
    assert unfinished is not None  # a run with nothing to grade by is never graded
    return unfinished.status


def _add_graded(session: Session, filters: ExperimentFilter, ids: list[int], found: _Read) -> None:
    """Adds the finished runs of these experiments (which may have expectations) as
    `read_standings` puts them, a page of experiments at a time."""
    tags: dict[int, list[str]] = defaultdict(list)
    weeks: dict[int, str] = {}
    wanted = normalise_model_name(filters.model) if filters.model else None
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
        for experiment in read_standings(session, ids[start : start + _PAGE]).values():
            for standing in experiment.standings:
                model = normalise_model_name(standing.model)
                if wanted is not None and model != wanted:
                    continue
                found.add_runs(
                    ("", *tags.get(standing.experiment_id, ())), model, standing.digest,
                    weeks[standing.run_id], standing.status, 1,
                )  # fmt: skip


# -- which models work ------------------------------------------------------------------


def model_outcomes(session: Session, filters: ExperimentFilter) -> tuple[ModelOutcomes, ...]:
    """Verdicts and pass rates per model@digest, overall (tag "") then per tag."""
    return _outcomes(_read(session, filters))


def _outcomes(found: _Read) -> tuple[ModelOutcomes, ...]:
    return tuple(
        ModelOutcomes(model, digest, tag, *counts)
        for (tag, model, digest), counts in sorted(found.outcomes.items())
    )


# -- are they getting better ------------------------------------------------------------


def pass_rate_over_time(session: Session, filters: ExperimentFilter) -> PassRateTrend:
    """Each model's finished runs per week by where they stand, and the moments a model
    name got new weights. The series are per model name (`llama3:8b`), the level at which
    Ollama swaps weights under a name."""
    return _trend(_read(session, filters))


def _trend(found: _Read) -> PassRateTrend:
    points = tuple(
        PassRatePoint(model, week, *counts) for (model, week), counts in sorted(found.trend.items())
    )
    new_weights = []
    previous = None
    for model, digest, first_seen in sorted(found.digests, key=lambda seen: (seen[0], seen[2])):
        if model == previous:
            new_weights.append(DigestSeen(model, digest, first_seen))
        previous = model
    return PassRateTrend(points, tuple(new_weights))


# -- how fast ---------------------------------------------------------------------------


def model_speed(session: Session, filters: ExperimentFilter) -> tuple[ModelSpeed, ...]:
    """Per model name, the distributions of what Ollama reported for its finished runs."""
    return _speed(_read(session, filters))


def _speed(found: _Read) -> tuple[ModelSpeed, ...]:
    return tuple(
        ModelSpeed(
            model,
            timings.runs,
            Distribution.of(timings.tokens_per_second),
            Distribution.of(timings.first_token_seconds),
            Distribution.of(timings.load_seconds),
        )
        for model, timings in sorted(found.timings.items())
    )


# -- where the time goes ----------------------------------------------------------------


def activity(session: Session, filters: ExperimentFilter) -> Activity:
    return _activity(_read(session, filters))


def _activity(found: _Read) -> Activity:
    weeks = tuple(WeekActivity(week, number) for week, number in sorted(found.weeks.items()))
    return Activity(weeks, found.unrated)


def compute_insights(session: Session, filters: ExperimentFilter) -> Insights:
    """Every answer at once, from one statement over the journal (and, for experiments
    with expectations, `read_standings` in pages).

    The answer is kept with the connection, under the filters and what SQLite says about
    changes (`_change_marker`): asked again while nothing was committed, as when the window
    refreshes for a change that was not the journal's or goes back to earlier filters, it
    costs one small statement instead of a pass over every run."""
    connection = session.connection()
    if connection.get_execution_options().get("journal_write"):
        return _answer(session, filters)  # what it writes may yet be rolled back
    marker = _change_marker(connection)
    kept: dict[ExperimentFilter, Insights] = connection.info.setdefault(_KEPT, {})
    if connection.info.get(_KEPT_MARKER) != marker:
        kept.clear()  # answers about the journal as it was
        connection.info[_KEPT_MARKER] = marker
    answer = kept.get(filters)
    if answer is None:
        answer = _answer(session, filters)
        if len(kept) >= _KEPT_FILTERS:
            del kept[next(iter(kept))]
        kept[filters] = answer
    return answer


def _answer(session: Session, filters: ExperimentFilter) -> Insights:
    found = _read(session, filters)
    return Insights(
        outcomes=_outcomes(found),
        trend=_trend(found),
        speed=_speed(found),
        activity=_activity(found),
    )


_KEPT = "journal.core.insights"  # where a connection's `info` keeps the answers
_KEPT_MARKER = "journal.core.insights.marker"  # and the `_change_marker` they hold for
_KEPT_FILTERS = 8  # answers kept per connection, the latest filters


def _change_marker(connection: Connection) -> tuple[int, int]:
    """What changes whenever an answer may: `data_version` whenever another connection
    committed since this one last read (read in the transaction, so it is this
    snapshot's), `total_changes()` whenever this connection wrote (its own commits leave
    `data_version` alone), committed or not."""
    row = connection.exec_driver_sql(
        "SELECT (SELECT data_version FROM pragma_data_version()), total_changes()"
    ).one()
    return int(row[0]), int(row[1])
