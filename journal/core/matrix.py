"""The experiment x model matrix: which experiments work on which weights.

Rows are experiments (newest first, paged like the list, with the list's filters); columns
are models *by digest*, because `llama3:latest` last spring and today may be other weights;
a cell is the latest verdict of that experiment's runs on that model and digest, with the
run to open, and on request their pass rate (`pass_rates=True`). One SQL query per page,
whatever the journal's size (two with the pass rates).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from journal.core.domain import ExperimentFilter, PassRate, Verdict
from journal.core.formatting import short_digest
from journal.core.read_sql import Reader, filter_clauses, normalise_model_name

if TYPE_CHECKING:  # the ORM only where a session is handed in: `journal matrix` reads without it
    from sqlmodel import Session


@dataclass(frozen=True)
class MatrixColumn:
    model: str  # normalised: `llama3` and `llama3:latest` are one column
    digest: str

    @property
    def label(self) -> str:
        return f"{self.model}@{short_digest(self.digest)}"


@dataclass(frozen=True)
class MatrixCell:
    verdict: Verdict | None  # of the latest judged run; None when no run there is judged
    run_id: int  # the run to open: the latest judged one, else the latest one
    latest_run_id: int
    runs: int
    pass_rate: PassRate | None = None  # with `pass_rates=True`: its finished runs' pass rate

    def as_dict(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "verdict": self.verdict.value if self.verdict else None,
            "run_id": self.run_id,
            "latest_run_id": self.latest_run_id,
            "runs": self.runs,
        }
        rate = self.pass_rate
        if rate is not None:
            record["pass_rate"] = {
                "passed": rate.passed,
                "runs": rate.runs,
                "failed": rate.failed,
                "needs_look": rate.needs_look,
                "last_failure": rate.last_failure,
            }
        return record


@dataclass(frozen=True)
class MatrixRow:
    experiment_id: int
    title: str
    cells: dict[MatrixColumn, MatrixCell] = field(default_factory=dict)


@dataclass(frozen=True)
class Matrix:
    columns: list[MatrixColumn]
    rows: list[MatrixRow]
    next_before_id: int | None  # pass as `before_id` for the next page; None at the end

    def as_dict(self) -> dict[str, Any]:
        return {
            "columns": [
                {"label": c.label, "model": c.model, "digest": c.digest} for c in self.columns
            ],
            "rows": [
                {
                    "experiment_id": row.experiment_id,
                    "title": row.title,
                    "cells": {column.label: cell.as_dict() for column, cell in row.cells.items()},
                }
                for row in self.rows
            ],
            "next_before_id": self.next_before_id,
        }


def _column_clause(models: Sequence[str] | None, params: dict[str, Any]) -> str:
    if not models:
        return ""
    names = {name for model in models for name in (model, normalise_model_name(model))}
    params["column_models"] = json.dumps(sorted(names))
    return " AND r.model IN (SELECT value FROM json_each(:column_models))"


# Runs that never reached a model (no digest: the model was missing, the server down)
# say nothing about any weights, so they make no cell.
_MATRIX_SQL = """
    WITH page AS (
        SELECT e.id, e.title FROM experiment AS e {where} ORDER BY e.id DESC LIMIT :limit
    ),
    cells AS (
        SELECT r.experiment_id, r.model, r.model_digest, count(*) AS runs,
            min(r.id) AS first_id, max(r.id) AS latest_id,
            max(CASE WHEN r.verdict IS NOT NULL THEN r.id END) AS judged_id
        FROM run AS r
        WHERE r.experiment_id IN (SELECT id FROM page) AND r.model_digest != ''
            AND r.trashed_at IS NULL {columns}
        GROUP BY r.experiment_id, r.model, r.model_digest
    )
    SELECT p.id, p.title, c.model, c.model_digest, c.runs, c.first_id, c.latest_id,
        c.judged_id, j.verdict
    FROM page AS p
    LEFT JOIN cells AS c ON c.experiment_id = p.id
    LEFT JOIN run AS j ON j.id = c.judged_id
    ORDER BY p.id DESC
"""


def _merge(old: MatrixCell, new: MatrixCell) -> MatrixCell:
    """Two spellings of one model (`llama3`, `llama3:latest`) with the same digest."""
    judged = [cell for cell in (old, new) if cell.verdict is not None]
    best = max(judged or (old, new), key=lambda cell: cell.run_id)
    return MatrixCell(
        verdict=best.verdict,
        run_id=best.run_id,
        latest_run_id=max(old.latest_run_id, new.latest_run_id),
        runs=old.runs + new.runs,
    )


def experiment_matrix(
    session: Session,
    filters: ExperimentFilter | None = None,
    *,
    limit: int = 50,
    before_id: int | None = None,
    models: Sequence[str] | None = None,
    pass_rates: bool = False,
) -> Matrix:
    """One page of the matrix (`matrix_page`) read through a session. With `pass_rates`,
    each cell carries its runs' pass rate (one more statement for the page)."""
    from journal.core.queries import SessionReader

    matrix = matrix_page(
        SessionReader(session), filters, limit=limit, before_id=before_id, models=models
    )
    if not pass_rates:
        return matrix
    return replace(matrix, rows=_with_pass_rates(session, matrix.rows))


def matrix_page(
    reader: Reader,
    filters: ExperimentFilter | None = None,
    *,
    limit: int = 50,
    before_id: int | None = None,
    models: Sequence[str] | None = None,
) -> Matrix:
    """One page of the matrix. Columns are those the page's runs use (oldest weights of a
    model first); `models` restricts the columns to those model names."""
    params: dict[str, Any] = {"limit": max(0, limit)}
    clauses = filter_clauses(filters or ExperimentFilter(), params)
    if before_id is not None:
        clauses.append("e.id < :before")
        params["before"] = before_id
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    statement = _MATRIX_SQL.format(where=where, columns=_column_clause(models, params))
    rows: dict[int, MatrixRow] = {}
    first_seen: dict[MatrixColumn, int] = {}
    for row in reader.rows(statement, params):
        experiment_id = row[0]
        matrix_row = rows.setdefault(experiment_id, MatrixRow(experiment_id, row[1]))
        if row[2] is None:
            continue  # an experiment without runs on any model: an empty row
        column = MatrixColumn(normalise_model_name(row[2]), row[3])
        first_seen[column] = min(first_seen.get(column, row[5]), row[5])
        cell = MatrixCell(
            verdict=Verdict(row[8]) if row[8] else None,
            run_id=row[7] if row[7] is not None else row[6],
            latest_run_id=row[6],
            runs=row[4],
        )
        previous = matrix_row.cells.get(column)
        matrix_row.cells[column] = cell if previous is None else _merge(previous, cell)
    columns = sorted(first_seen, key=lambda column: (column.model, first_seen[column]))
    page = list(rows.values())
    next_before = page[-1].experiment_id if page and len(page) == limit else None
    return Matrix(columns, page, next_before)


def _with_pass_rates(session: Session, page: list[MatrixRow]) -> list[MatrixRow]:
    """The page's rows with each cell's pass rate: its finished runs on those weights."""
    from journal.core.pass_rates import RunStanding, pass_rate_of, read_standings

    found = read_standings(session, [row.experiment_id for row in page])
    rated: list[MatrixRow] = []
    for row in page:
        experiment = found.get(row.experiment_id)
        by_column: dict[MatrixColumn, list[RunStanding]] = {}
        for standing in experiment.standings if experiment else []:
            if standing.digest:
                column = MatrixColumn(normalise_model_name(standing.model), standing.digest)
                by_column.setdefault(column, []).append(standing)
        expectations = len(experiment.expectations) if experiment else 0
        cells = {
            column: replace(
                cell,
                pass_rate=pass_rate_of(by_column.get(column, []), expectations, model=column.label),
            )
            for column, cell in row.cells.items()
        }
        rated.append(MatrixRow(row.experiment_id, row.title, cells))
    return rated


def matrix_columns(
    session: Session,
    filters: ExperimentFilter | None = None,
    *,
    models: Sequence[str] | None = None,
) -> list[MatrixColumn]:
    """Every column of the whole (filtered) journal, for a view that wants stable columns
    across pages. It reads every run: cheap for thousands, measurable for 100,000s."""
    params: dict[str, Any] = {}
    clauses = [
        "r.model_digest != ''",
        "r.trashed_at IS NULL",
        *filter_clauses(filters or ExperimentFilter(), params),
    ]
    statement = f"""
        SELECT r.model, r.model_digest, min(r.id) FROM run AS r
        JOIN experiment AS e ON e.id = r.experiment_id
        WHERE {" AND ".join(clauses)} {_column_clause(models, params)}
        GROUP BY r.model, r.model_digest
    """
    first_seen: dict[MatrixColumn, int] = {}
    from journal.core.queries import SessionReader

    for model, digest, first in SessionReader(session).rows(statement, params):
        column = MatrixColumn(normalise_model_name(model), digest)
        first_seen[column] = min(first_seen.get(column, first), first)
    return sorted(first_seen, key=lambda column: (column.model, first_seen[column]))
