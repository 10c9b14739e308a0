"""Archiving: an experiment put away, out of the default list but not deleted.

An archived experiment is still found by search (marked as archived), shown by
`journal list --archived` (or `--all`), exported, checked and counted everywhere else:
only the default list leaves it out (see read_sql.ARCHIVED_CHOICES).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import text
from sqlmodel import Session

from journal.core.errors import InvalidInputError
from journal.core.models import to_iso, utcnow
from journal.core.queries import get_experiment
from journal.core.trash import refuse_if_trashed

__all__ = ["set_archived"]


def set_archived(
    session: Session, experiment_ids: Iterable[int], archived: bool = True
) -> list[int]:
    """Archive the experiments (or, with `archived=False`, take them out of the archive);
    the ids whose mark changed, in the order given. All or nothing."""
    ids = list(dict.fromkeys(experiment_ids))
    if not ids:
        raise InvalidInputError("Name at least one experiment.")
    changed: list[int] = []
    for experiment_id in ids:
        experiment = get_experiment(session, experiment_id)
        refuse_if_trashed(session, experiment_id=experiment_id)
        if (experiment.archived_at is not None) != archived:
            changed.append(experiment_id)
    session.execute(
        text(
            "UPDATE experiment SET archived_at = :stamp "
            "WHERE id IN (SELECT value FROM json_each(:ids))"
        ),
        {"stamp": to_iso(utcnow()) if archived else None, "ids": str(changed)},
    )
    session.expire_all()
    return changed
