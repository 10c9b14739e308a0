"""The trash: deleting experiments and runs so that a slip can be taken back.

Deleting is a soft delete first. `trash_experiments` and `trash_runs` stamp the rows with
one moment (`trashed_at`) in one write: an experiment takes its runs along, a run the later
turns that follow it. Everything that shows experiments and runs to people leaves stamped
rows out (see `queries.live_run` and `read_sql.filter_clauses`). Restoring clears exactly the
rows one delete stamped, so a run trashed on its own earlier stays in the trash when its
experiment comes back; the `TrashReceipt` a delete returns is what the window's Undo takes.

Only `empty_trash` removes rows, and the foreign keys' CASCADE then takes along what belongs
to them: grades, input rows, batches and their items, expectations, later turns. Before that,
records that must stay true are looked after: a replay whose original goes keeps a note of it
in its `replay_info` ("original_deleted"), since `replay_of_id` would silently become NULL;
a run a migration check compares (as its source or its replay) stays in the trash, with its
experiment, and the emptying says so: deleting it would drop or reset the check's item and
change the check's counts without anyone asking. A batch item answered by a deleted run goes
with it (reset, it would be run again on resume). Images that no run shows any more go too.
Nothing is trashed or deleted under a live run or a running batch.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from journal.core.domain import LIVE_STATUSES_SQL
from journal.core.errors import InvalidInputError, NotFoundError
from journal.core.formatting import human_size, plural
from journal.core.messages import KEPT_CHECKED_EXPERIMENT, KEPT_CHECKED_RUN, Message, message
from journal.core.models import to_iso, utcnow
from journal.core.read_sql import RUN_PLACE

__all__ = [
    "EmptiedTrash",
    "TrashReceipt",
    "TrashedItem",
    "empty_trash",
    "refuse_if_trashed",
    "restore_experiments",
    "restore_runs",
    "trash_contents",
    "trash_experiments",
    "trash_runs",
    "trashed_note",
    "undo_trash",
]


@dataclass(frozen=True)
class TrashReceipt:
    """What one delete (or restore) changed: the rows it stamped (or cleared) and when.

    `experiment_ids` are the experiments named; `run_ids` every run the stamp reached,
    including an experiment's runs and the later turns of a run."""

    stamp: datetime
    experiment_ids: tuple[int, ...] = ()
    run_ids: tuple[int, ...] = ()
    # Runs named on their own (not an experiment's): `run_ids` minus these are taken along.
    named_run_ids: tuple[int, ...] = ()

    def summary(self, *, restored: bool = False) -> str:
        """One line for a person: what moved, and how to take it back."""
        if self.experiment_ids:
            names = _names("experiment", self.experiment_ids)
            runs = len(self.run_ids)
            its = "its" if len(self.experiment_ids) == 1 else "their"
            what = f"{names} and {its} {plural(runs, 'run')}" if runs else names
            again = " ".join(str(i) for i in self.experiment_ids)
        else:
            names = _names("run", self.named_run_ids)
            later = len(self.run_ids) - len(self.named_run_ids)
            what = f"{names} and {plural(later, 'later turn')}" if later else names
            again = "--run " + " ".join(str(i) for i in self.named_run_ids)
        if restored:
            return f"Restored {what} from the trash."
        them = "it" if len(self.experiment_ids or self.named_run_ids) == 1 else "them"
        return f"Moved {what} to the trash; journal restore {again} brings {them} back."


def _names(noun: str, ids: Sequence[int]) -> str:
    listed = ", ".join(str(i) for i in ids)
    return f"{noun if len(ids) == 1 else noun + 's'} {listed}"


def _ids_json(ids: Iterable[int]) -> str:
    return json.dumps(sorted(set(ids)))


def _unique(ids: Iterable[int]) -> list[int]:
    return list(dict.fromkeys(ids))


# -- deleting -------------------------------------------------------------------------------


def trash_experiments(session: Session, experiment_ids: Iterable[int]) -> TrashReceipt:
    """Move experiments and their runs to the trash; all or nothing."""
    ids = _unique(experiment_ids)
    if not ids:
        raise InvalidInputError("Name at least one experiment to move to the trash.")
    for experiment_id in ids:
        row = session.execute(
            text("SELECT trashed_at FROM experiment WHERE id = :id"), {"id": experiment_id}
        ).first()
        if row is None:
            raise NotFoundError(f"There is no experiment {experiment_id}.")
        if row[0] is not None:
            raise InvalidInputError(f"Experiment {experiment_id} is already in the trash.")
    live = session.execute(
        text(
            f"SELECT id FROM run WHERE experiment_id IN (SELECT value FROM json_each(:ids)) "
            f"AND status IN {LIVE_STATUSES_SQL} ORDER BY id LIMIT 1"
        ),
        {"ids": _ids_json(ids)},
    ).scalar()
    if live is not None:
        raise InvalidInputError(f"Run {live} is still running; cancel it first.")
    running = _running_batches(session, ids)
    if running:
        batch_id, experiment_id = running[0]
        raise InvalidInputError(
            f"Batch {batch_id} of experiment {experiment_id} is still running; stop it first."
        )
    stamp = utcnow()
    params = {"ids": _ids_json(ids), "stamp": to_iso(stamp)}
    run_ids = [
        row[0]
        for row in session.execute(
            text(
                "SELECT id FROM run WHERE experiment_id IN (SELECT value FROM json_each(:ids)) "
                "AND trashed_at IS NULL ORDER BY id"
            ),
            params,
        )
    ]
    session.execute(
        text(
            "UPDATE run SET trashed_at = :stamp WHERE trashed_at IS NULL "
            "AND experiment_id IN (SELECT value FROM json_each(:ids))"
        ),
        params,
    )
    session.execute(
        text(
            "UPDATE experiment SET trashed_at = :stamp "
            "WHERE id IN (SELECT value FROM json_each(:ids))"
        ),
        params,
    )
    session.expire_all()
    return TrashReceipt(stamp, tuple(ids), tuple(run_ids))


def _running_batches(session: Session, experiment_ids: Sequence[int]) -> list[tuple[int, int]]:
    """(batch, experiment) of the batches of these experiments a live program is running:
    it would go on adding runs to an experiment in the trash, or one deleted under it."""
    from journal.core.ownership import owner_is_gone

    now = utcnow()
    rows = session.execute(
        text(
            "SELECT id, experiment_id, owner, heartbeat_at FROM batch WHERE status = 'running' "
            "AND experiment_id IN (SELECT value FROM json_each(:ids)) ORDER BY id"
        ),
        {"ids": _ids_json(experiment_ids)},
    )
    return [
        (row[0], row[1])
        for row in rows
        if not owner_is_gone(row[2], None if row[3] is None else _moment(row[3]), now)
    ]


_SUBTREE = """
    WITH RECURSIVE down(id) AS (
        SELECT value FROM json_each(:ids)
        UNION SELECT r.id FROM run AS r JOIN down ON r.parent_id = down.id
    )
"""


def trash_runs(session: Session, run_ids: Iterable[int]) -> TrashReceipt:
    """Move runs, each with the later turns that follow it, to the trash; all or nothing."""
    ids = _unique(run_ids)
    if not ids:
        raise InvalidInputError("Name at least one run to move to the trash.")
    for run_id in ids:
        row = _run_place(session, run_id)
        if row is None:
            raise NotFoundError(f"There is no run {run_id}.")
        if row[1] is not None:
            raise InvalidInputError(
                f"Run {run_id} is already in the trash, with its experiment {row[2]}."
            )
        if row[0] is not None:
            raise InvalidInputError(f"Run {run_id} is already in the trash.")
    params: dict[str, Any] = {"ids": _ids_json(ids)}
    subtree = [
        row[0]
        for row in session.execute(
            text(
                f"{_SUBTREE} SELECT r.id, r.status FROM run AS r JOIN down ON r.id = down.id "
                "WHERE r.trashed_at IS NULL ORDER BY r.id"
            ),
            params,
        )
    ]
    live = session.execute(
        text(
            f"SELECT id FROM run WHERE id IN (SELECT value FROM json_each(:all)) "
            f"AND status IN {LIVE_STATUSES_SQL} ORDER BY id LIMIT 1"
        ),
        {"all": _ids_json(subtree)},
    ).scalar()
    if live is not None:
        raise InvalidInputError(f"Run {live} is still running; cancel it first.")
    stamp = utcnow()
    session.execute(
        text("UPDATE run SET trashed_at = :stamp WHERE id IN (SELECT value FROM json_each(:all))"),
        {"stamp": to_iso(stamp), "all": _ids_json(subtree)},
    )
    session.expire_all()
    return TrashReceipt(stamp, (), tuple(subtree), tuple(ids))


# -- taking back ------------------------------------------------------------------------------


def undo_trash(session: Session, receipt: TrashReceipt) -> TrashReceipt:
    """Take back exactly what one delete stamped (the window's Edit > Undo)."""
    params = {
        "stamp": to_iso(receipt.stamp),
        "experiments": _ids_json(receipt.experiment_ids),
        "runs": _ids_json(receipt.run_ids),
    }
    session.execute(
        text(
            "UPDATE run SET trashed_at = NULL WHERE trashed_at = :stamp "
            "AND id IN (SELECT value FROM json_each(:runs))"
        ),
        params,
    )
    session.execute(
        text(
            "UPDATE experiment SET trashed_at = NULL WHERE trashed_at = :stamp "
            "AND id IN (SELECT value FROM json_each(:experiments))"
        ),
        params,
    )
    session.expire_all()
    return receipt


def restore_experiments(session: Session, experiment_ids: Iterable[int]) -> TrashReceipt:
    """Bring experiments back with the runs that went with them (not runs trashed earlier
    on their own); all or nothing."""
    ids = _unique(experiment_ids)
    if not ids:
        raise InvalidInputError("Name at least one experiment to restore.")
    run_ids: list[int] = []
    stamps: list[str] = []
    for experiment_id in ids:
        row = session.execute(
            text("SELECT trashed_at FROM experiment WHERE id = :id"), {"id": experiment_id}
        ).first()
        if row is None:
            raise NotFoundError(f"There is no experiment {experiment_id}.")
        if row[0] is None:
            raise InvalidInputError(f"Experiment {experiment_id} is not in the trash.")
        stamps.append(row[0])
    for experiment_id, stamp in zip(ids, stamps, strict=True):
        params = {"id": experiment_id, "stamp": stamp}
        run_ids += [
            row[0]
            for row in session.execute(
                text("SELECT id FROM run WHERE experiment_id = :id AND trashed_at = :stamp"),
                params,
            )
        ]
        session.execute(
            text(
                "UPDATE run SET trashed_at = NULL WHERE experiment_id = :id AND trashed_at = :stamp"
            ),
            params,
        )
        session.execute(text("UPDATE experiment SET trashed_at = NULL WHERE id = :id"), params)
    session.expire_all()
    return TrashReceipt(utcnow(), tuple(ids), tuple(sorted(run_ids)))


def restore_runs(session: Session, run_ids: Iterable[int]) -> TrashReceipt:
    """Bring runs back with the later turns trashed with them; all or nothing."""
    ids = _unique(run_ids)
    if not ids:
        raise InvalidInputError("Name at least one run to restore.")
    restored: list[int] = []
    checked: list[tuple[int, str]] = []
    for run_id in ids:
        row = session.execute(
            text(
                "SELECT r.trashed_at, e.trashed_at, e.id, p.id, p.trashed_at FROM run AS r "
                "JOIN experiment AS e ON e.id = r.experiment_id "
                "LEFT JOIN run AS p ON p.id = r.parent_id WHERE r.id = :id"
            ),
            {"id": run_id},
        ).first()
        if row is None:
            raise NotFoundError(f"There is no run {run_id}.")
        if row[1] is not None:
            raise InvalidInputError(
                f"Run {run_id} is in the trash with its experiment {row[2]}; "
                f"journal restore {row[2]} brings both back."
            )
        if row[0] is None:
            raise InvalidInputError(f"Run {run_id} is not in the trash.")
        if row[4] is not None and row[3] not in ids:
            raise InvalidInputError(
                f"Run {run_id} follows run {row[3]}, which is in the trash; "
                f"journal restore --run {row[3]} brings both back."
            )
        checked.append((run_id, row[0]))
    for run_id, stamp in checked:
        params = {"ids": _ids_json([run_id]), "stamp": stamp}
        found = [
            row[0]
            for row in session.execute(
                text(
                    "WITH RECURSIVE down(id) AS (SELECT value FROM json_each(:ids) "
                    "UNION SELECT r.id FROM run AS r JOIN down ON r.parent_id = down.id "
                    "WHERE r.trashed_at = :stamp) SELECT id FROM down"
                ),
                params,
            )
        ]
        session.execute(
            text(
                "UPDATE run SET trashed_at = NULL WHERE trashed_at = :stamp "
                "AND id IN (SELECT value FROM json_each(:found))"
            ),
            {"stamp": stamp, "found": _ids_json(found)},
        )
        restored += found
    session.expire_all()
    return TrashReceipt(utcnow(), (), tuple(sorted(set(restored))), tuple(ids))


# -- what is in it ----------------------------------------------------------------------------


@dataclass(frozen=True)
class TrashedItem:
    """An experiment in the trash (with how many runs went with it), or a run trashed on its
    own (with how many later turns went with it)."""

    kind: str  # "experiment" or "run"
    id: int
    experiment_id: int
    label: str  # the experiment's title, or the run's model
    trashed_at: datetime
    runs: int  # an experiment's runs, or a run's later turns

    def as_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "id": self.id,
            "experiment_id": self.experiment_id,
            "label": self.label,
            "trashed_at": to_iso(self.trashed_at),
            "runs": self.runs,
        }


def trash_contents(session: Session) -> list[TrashedItem]:
    """Everything in the trash, most recently trashed first."""
    items = [
        TrashedItem("experiment", row[0], row[0], row[1], _moment(row[2]), row[3])
        for row in session.execute(
            text(
                "SELECT e.id, e.title, e.trashed_at, (SELECT count(*) FROM run AS r "
                "WHERE r.experiment_id = e.id AND r.trashed_at = e.trashed_at) "
                "FROM experiment AS e WHERE e.trashed_at IS NOT NULL"
            )
        )
    ]
    # A run trashed on its own: its experiment is not trashed with the same stamp, and
    # neither is its parent (else it went along as a later turn).
    items += [
        TrashedItem("run", row[0], row[1], row[2], _moment(row[3]), row[4])
        for row in session.execute(
            text(
                """
                WITH RECURSIVE roots AS (
                    SELECT r.id, r.experiment_id, r.model, r.trashed_at FROM run AS r
                    JOIN experiment AS e ON e.id = r.experiment_id
                    LEFT JOIN run AS p ON p.id = r.parent_id
                    WHERE r.trashed_at IS NOT NULL
                        AND (e.trashed_at IS NULL OR e.trashed_at != r.trashed_at)
                        AND (p.id IS NULL OR p.trashed_at IS NULL
                             OR p.trashed_at != r.trashed_at)
                ), down(root, id) AS (
                    SELECT id, id FROM roots
                    UNION SELECT down.root, r.id FROM run AS r JOIN down ON r.parent_id = down.id
                    JOIN roots ON roots.id = down.root WHERE r.trashed_at = roots.trashed_at
                )
                SELECT roots.id, roots.experiment_id, roots.model, roots.trashed_at,
                    (SELECT count(*) - 1 FROM down WHERE down.root = roots.id)
                FROM roots
                """
            )
        )
    ]
    return sorted(items, key=lambda item: (item.trashed_at, item.id), reverse=True)


def _moment(value: str) -> datetime:
    return datetime.fromisoformat(value)


def trashed_note(
    session: Session, *, experiment_id: int | None = None, run_id: int | None = None
) -> str | None:
    """ "in the trash (journal restore N)" for an item in the trash, else None: what `show`
    and the window say instead of the item (read_records.trash_note words it)."""
    from journal.core.queries import SessionReader
    from journal.core.read_records import trash_note

    return trash_note(SessionReader(session), experiment_id=experiment_id, run_id=run_id)


def _run_place(session: Session, run_id: int | None) -> Any:
    """(the run's trashed_at, its experiment's trashed_at, the experiment's id), or None
    when there is no such run: where a run stands with respect to the trash."""
    return session.execute(text(RUN_PLACE), {"id": run_id}).first()


def refuse_if_trashed(
    session: Session, *, experiment_id: int | None = None, run_id: int | None = None
) -> None:
    """InvalidInputError when the experiment or run is in the trash: a batch or a check
    never starts from what is there."""
    note = trashed_note(session, experiment_id=experiment_id, run_id=run_id)
    if note is not None:
        raise InvalidInputError(note)


# -- emptying -------------------------------------------------------------------------------


@dataclass
class EmptiedTrash:
    """What emptying the trash removed, and what it kept and why."""

    experiments: int = 0
    runs: int = 0
    images: int = 0
    image_bytes: int = 0
    # One line each: what stayed, and why (a template, so the window says it in its language).
    kept: list[Message] = field(default_factory=list)

    def summary(self) -> str:
        if not (self.experiments or self.runs or self.images):
            gone = "Nothing was deleted"
        else:
            gone = (
                f"Deleted {plural(self.experiments, 'experiment')} and "
                f"{plural(self.runs, 'run')} for good"
            )
            if self.images:
                gone += (
                    f", and freed {plural(self.images, 'image')} "
                    f"({human_size(self.image_bytes)}) no run shows any more"
                )
        return "\n".join([f"{gone}.", *self.kept_lines()])

    def kept_lines(self) -> list[str]:
        return [said.english() for said in self.kept]

    def as_json(self) -> dict[str, Any]:
        return {
            "experiments": self.experiments,
            "runs": self.runs,
            "images": self.images,
            "image_bytes": self.image_bytes,
            "kept": self.kept_lines(),
        }


def _column(session: Session, sql: str, **params: Any) -> list[int]:
    return [row[0] for row in session.execute(text(sql), params)]


def empty_trash(session: Session) -> EmptiedTrash:
    """Delete for good what is in the trash, except what must stay for another record to
    remain true (see the module's docstring); then the images no run shows any more."""
    result = EmptiedTrash()
    # Runs a migration check compares: they, the turns they follow, and their experiment stay.
    pinned = _column(
        session,
        """
        WITH RECURSIVE up(id) AS (
            SELECT source_run_id FROM migration_check_item
            UNION SELECT new_run_id FROM migration_check_item WHERE new_run_id IS NOT NULL
            UNION SELECT r.parent_id FROM run AS r JOIN up ON r.id = up.id
                WHERE r.parent_id IS NOT NULL
        )
        SELECT r.id FROM run AS r JOIN experiment AS e ON e.id = r.experiment_id
        WHERE r.id IN (SELECT id FROM up)
            AND (r.trashed_at IS NOT NULL OR e.trashed_at IS NOT NULL)
        ORDER BY r.id
        """,
    )
    checks: dict[int, list[int]] = {}
    for run_id, check_id in session.execute(
        text(
            "SELECT DISTINCT r, check_id FROM (SELECT source_run_id AS r, check_id "
            "FROM migration_check_item UNION SELECT new_run_id, check_id "
            "FROM migration_check_item) WHERE r IN (SELECT value FROM json_each(:ids))"
        ),
        {"ids": _ids_json(pinned)},
    ):
        checks.setdefault(run_id, []).append(check_id)
    kept_experiments = set(
        _column(
            session,
            "SELECT DISTINCT experiment_id FROM run "
            "WHERE id IN (SELECT value FROM json_each(:ids))",
            ids=_ids_json(pinned),
        )
    )
    busy_experiments = set(
        _column(
            session, f"SELECT DISTINCT experiment_id FROM run WHERE status IN {LIVE_STATUSES_SQL}"
        )
    ) | {experiment for _, experiment in _running_batches(session, _trashed_experiments(session))}
    experiments = [
        experiment_id
        for experiment_id in _column(
            session, "SELECT id FROM experiment WHERE trashed_at IS NOT NULL ORDER BY id"
        )
        if experiment_id not in kept_experiments and experiment_id not in busy_experiments
    ]
    for run_id in pinned:
        used_by = ", ".join(str(c) for c in sorted(checks.get(run_id, [])))
        if used_by:
            result.kept.append(message(KEPT_CHECKED_RUN, run=run_id, checks=used_by))
    for experiment_id in sorted(kept_experiments & set(_trashed_experiments(session))):
        result.kept.append(message(KEPT_CHECKED_EXPERIMENT, experiment=experiment_id))
    own_runs = [
        run_id
        for run_id in _column(
            session,
            "SELECT r.id FROM run AS r JOIN experiment AS e ON e.id = r.experiment_id "
            "WHERE r.trashed_at IS NOT NULL AND e.trashed_at IS NULL "
            f"AND r.status NOT IN {LIVE_STATUSES_SQL} ORDER BY r.id",
        )
        if run_id not in set(pinned)
    ]
    doomed = _column(
        session,
        f"""
        {_SUBTREE}
        SELECT id FROM down
        UNION SELECT id FROM run WHERE experiment_id IN (SELECT value FROM json_each(:exps))
        """,
        ids=_ids_json(own_runs),
        exps=_ids_json(experiments),
    )
    session.execute(
        text(
            """
            UPDATE run SET replay_info = json_set(coalesce(replay_info, '{}'),
                '$.original_deleted', json_object(
                    'run', replay_of_id,
                    'uuid', (SELECT o.uuid FROM run AS o WHERE o.id = run.replay_of_id),
                    'deleted_at', :now))
            WHERE replay_of_id IN (SELECT value FROM json_each(:doomed))
                AND id NOT IN (SELECT value FROM json_each(:doomed))
            """
        ),
        {"doomed": _ids_json(doomed), "now": to_iso(utcnow())},
    )
    # A batch item answered by a deleted run goes with it (else it would read "not run yet"
    # and a resume would run it again); its batch keeps the other items.
    session.execute(
        text("DELETE FROM batch_item WHERE run_id IN (SELECT value FROM json_each(:doomed))"),
        {"doomed": _ids_json(doomed)},
    )
    session.execute(
        text("DELETE FROM run WHERE id IN (SELECT value FROM json_each(:ids))"),
        {"ids": _ids_json(own_runs)},
    )
    session.execute(
        text("DELETE FROM experiment WHERE id IN (SELECT value FROM json_each(:ids))"),
        {"ids": _ids_json(experiments)},
    )
    result.experiments, result.runs = len(experiments), len(doomed)
    row = session.execute(
        text(
            "SELECT count(*), coalesce(sum(size), 0) FROM image "
            "WHERE sha256 NOT IN (SELECT sha256 FROM run_image)"
        )
    ).one()
    result.images, result.image_bytes = int(row[0]), int(row[1])
    session.execute(text("DELETE FROM image WHERE sha256 NOT IN (SELECT sha256 FROM run_image)"))
    session.expire_all()
    return result


def _trashed_experiments(session: Session) -> list[int]:
    return _column(session, "SELECT id FROM experiment WHERE trashed_at IS NOT NULL")
