"""Does a prompt work every time, or only sometimes? Repeats with seeds, and what they add up to.

One good answer may be luck: the same request sent again with another seed can fail. A
repeat sends the same request N times with the seeds s, s+1, ... (s the request's own
`seed` option, else DEFAULT_SEED), so every answer can be reproduced, and each run records
the seed it used. What the runs add up to ("3 of 5 pass, 2 distinct answers") is computed
from the runs and their grades, never stored: the person's verdict, when set, counts over
the grades, as everywhere else.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sqlmodel import Session, col, select

from journal.core.errors import InvalidInputError
from journal.core.grades import run_outcome
from journal.core.grading import OutcomeStatus
from journal.core.models import Run
from journal.core.option_schema import INT64_MAX
from journal.core.repeats import (
    RepeatGroup,
    Stability,
    repeat_groups_from,
    stability_from,
    standing,
)
from journal.core.replay import ReplayEdits, ReplayPlan, plan_replay

__all__ = [
    "DEFAULT_SEED",
    "MAX_REPEAT",
    "RepeatGroup",
    "RepeatSeeds",
    "Stability",
    "repeat_groups",
    "repeat_seeds",
    "repeated_plans",
    "stability_of",
    "with_seed",
    "works_only_sometimes",
]

DEFAULT_SEED = 0
"""The first seed of a repeat whose request sets none: fixed, so the repeat can be replayed."""

MAX_REPEAT = 1000
"""More repeats than this in one go is a typo, not an experiment."""


@dataclass(frozen=True)
class RepeatSeeds:
    """The seeds of a repeat: `first`, `first + 1`, ... `count` of them."""

    first: int
    count: int
    from_options: bool
    """True when `first` is the request's own seed; False when none was set (DEFAULT_SEED)."""

    @property
    def seeds(self) -> list[int]:
        return list(range(self.first, self.first + self.count))

    @property
    def description(self) -> str:
        """`seeds 42 to 46 (from the seed option)`, for a line on the terminal."""
        span = (
            f"seed {self.first}"
            if self.count == 1
            else f"seeds {self.first} to {self.first + self.count - 1}"
        )
        where = "from the seed option" if self.from_options else "no seed set: starting at 0"
        return f"{span} ({where})"


def repeat_seeds(options: Mapping[str, Any], count: int) -> RepeatSeeds:
    """The seeds for `count` repeats of a request with `options`; InvalidInputError for a
    count out of range or a seed that cannot start a repeat (a negative seed asks Ollama
    for a random one, so the runs could not be reproduced)."""
    if not 1 <= count <= MAX_REPEAT:
        raise InvalidInputError(f"A repeat runs 1 to {MAX_REPEAT} times, not {count}.")
    seed = options.get("seed")
    if seed is None:
        return RepeatSeeds(DEFAULT_SEED, count, from_options=False)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise InvalidInputError(f"The seed is a whole number, not {seed!r}: a repeat counts up.")
    if seed < 0:
        raise InvalidInputError(
            f"seed={seed} asks Ollama for a random seed, so repeats could not be replayed: "
            "set seed=0 or more (or drop it to start at 0)."
        )
    if seed + count - 1 > INT64_MAX:
        raise InvalidInputError(
            f"seed={seed} leaves no room for {count} repeats: the largest seed is {INT64_MAX}."
        )
    return RepeatSeeds(seed, count, from_options=True)


def with_seed(options: Mapping[str, Any], seed: int) -> dict[str, Any]:
    """`options` with `seed` set: what one repeat sends and records."""
    return {**options, "seed": seed}


def repeated_plans(
    plans: Sequence[ReplayPlan], count: int, edits: ReplayEdits | None = None
) -> tuple[list[ReplayPlan], list[RepeatSeeds]]:
    """Each replay plan `count` times in a row, with the seeds s, s+1, ... (s the seed the
    plan sends, else DEFAULT_SEED), and the seeds of each plan. `edits` are the ones the
    plans were made with: each repeat is planned again with its seed on top."""
    edits = edits or ReplayEdits()
    repeated: list[ReplayPlan] = []
    seeds: list[RepeatSeeds] = []
    for plan in plans:
        chosen = repeat_seeds(plan.spec.options, count)
        seeds.append(chosen)
        for seed in chosen.seeds:
            reseeded = replace(edits, model=plan.model, options={**edits.options, "seed": seed})
            repeated.append(plan_replay(plan.source, reseeded, history=plan.spec.history))
    return repeated, seeds


# -- what repeats add up to ----------------------------------------------------------------


def _standing(session: Session, run: Run) -> OutcomeStatus:
    assert run.id is not None
    return standing(run, lambda run: run_outcome(session, run.id or 0).status)


def _stability(session: Session, runs: Sequence[Run]) -> Stability:
    return stability_from(runs, [_standing(session, run) for run in runs])


def stability_of(session: Session, run_ids: Iterable[int]) -> Stability:
    """What these runs (a repeat just made) add up to."""
    ids = list(dict.fromkeys(run_ids))
    found = {run.id: run for run in session.exec(select(Run).where(col(Run.id).in_(ids)))}
    return _stability(session, [found[run_id] for run_id in ids if run_id in found])


def repeat_groups(session: Session, experiment_id: int) -> list[RepeatGroup]:
    """The experiment's repeated requests (two runs or more, live runs left out), in the
    order of their first run."""
    statement = (
        select(Run)
        .where(Run.experiment_id == experiment_id, col(Run.trashed_at).is_(None))
        .order_by(col(Run.id))
    )
    return repeat_groups_from(list(session.exec(statement)), lambda run: _standing(session, run))


def works_only_sometimes(session: Session, experiment_id: int) -> bool:
    """True when some request of the experiment, repeated, worked only some of the time:
    the mark the window and the command line show on such an experiment."""
    return any(group.stability.sometimes for group in repeat_groups(session, experiment_id))
