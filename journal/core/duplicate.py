"""Duplicating an experiment: a fresh start from what it asked and expected, not its runs.

The copy gets the experiment's own text and tags, its expectations and how their grades
combine, and its input set with every row, each with new uuids so the two never merge on
import. An experiment holds no prompt of its own (a prompt lives on the runs made from it),
so the copy carries none; the `Duplicate` names the newest run's prompt and settings (its
template, when it had one) for the window or the CLI to start the copy's first run from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from journal.core.models import Experiment, Run, new_uuid, to_iso, utcnow
from journal.core.queries import get_experiment
from journal.core.trash import refuse_if_trashed

__all__ = ["COPY_SUFFIX", "Duplicate", "duplicate_experiment"]

COPY_SUFFIX = " (copy)"


@dataclass(frozen=True)
class Duplicate:
    """The new experiment, and the prompt and settings to run it with (empty without runs)."""

    experiment_id: int
    source_id: int
    expectations: int
    input_rows: int
    draft: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> str:
        return (
            f"Duplicated experiment {self.source_id} as experiment {self.experiment_id} "
            f"({self.expectations} expectations, {self.input_rows} input rows; no runs)."
        )

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.experiment_id,
            "source_id": self.source_id,
            "expectations": self.expectations,
            "input_rows": self.input_rows,
            "draft": self.draft,
        }


def _draft(session: Session, experiment_id: int) -> dict[str, Any]:
    """The newest run's prompt (its template's, when made from one) and settings."""
    run = session.exec(
        select(Run)
        .where(Run.experiment_id == experiment_id, col(Run.trashed_at).is_(None))
        .order_by(col(Run.id).desc())
    ).first()
    if run is None:
        return {}
    template = run.template if isinstance(run.template, dict) else None
    return {
        "run_id": run.id,
        "model": run.model,
        "prompt": str(template["prompt"]) if template else run.prompt,
        "system": str(template["system"]) if template else run.system_prompt,
        "options": dict(run.options),
        "format": run.format,
        "think": run.think,
        "keep_alive": run.keep_alive,
    }


def duplicate_experiment(session: Session, experiment_id: int) -> Duplicate:
    """Copy an experiment (not in the trash) with its expectations and input set."""
    source = get_experiment(session, experiment_id)
    refuse_if_trashed(session, experiment_id=experiment_id)
    now = utcnow()
    copy = Experiment(
        title=f"{source.title}{COPY_SUFFIX}",
        hypothesis=source.hypothesis,
        expected=source.expected,
        tags=list(source.tags),
        created_at=now,
        updated_at=now,
    )
    session.add(copy)
    session.flush()
    params = {"source": experiment_id, "copy": copy.id, "now": to_iso(now)}
    expectations = _copy_rows(
        session,
        "expectation",
        "kind, negated, arg, value, name, weight, target",
        params,
    )
    session.execute(
        text(
            "INSERT INTO experiment_grading (experiment_id, threshold, updated_at) "
            "SELECT :copy, threshold, :now FROM experiment_grading WHERE experiment_id = :source"
        ),
        params,
    )
    rows = _copy_rows(session, "input_row", "variables, expectations", params)
    assert copy.id is not None
    return Duplicate(copy.id, experiment_id, expectations, rows, _draft(session, experiment_id))


def _copy_rows(session: Session, table: str, columns: str, params: dict[str, Any]) -> int:
    """Copy `table`'s rows of the source to the copy, in order, each with a new uuid."""
    ids = [
        row[0]
        for row in session.execute(
            text(f"SELECT id FROM {table} WHERE experiment_id = :source ORDER BY position"),
            params,
        )
    ]
    for row_id in ids:
        session.execute(
            text(
                f"INSERT INTO {table} (uuid, experiment_id, position, {columns}, "
                f"created_at, updated_at) SELECT :uuid, :copy, position, {columns}, :now, :now "
                f"FROM {table} WHERE id = :id"
            ),
            {**params, "uuid": new_uuid(), "id": row_id},
        )
    return len(ids)
