"""The journal list's filters: the core's ExperimentFilter, and whether archived experiments
show. Archiving is not a filter of the core's (export, search and checks see archived
experiments); only the list hides them, so the list's own filter carries the choice."""

from __future__ import annotations

from dataclasses import dataclass, fields

from journal.core.domain import ExperimentFilter

__all__ = ["ListFilter", "archive_choice"]


@dataclass(frozen=True, eq=False)
class ListFilter(ExperimentFilter):
    """What the list shows; `show_archived` adds the archived experiments, shown muted.

    Without archived experiments it is the same filter as the core's with the same fields,
    and compares equal to it."""

    show_archived: bool = False

    def _core(self) -> tuple[object, ...]:
        return tuple(getattr(self, field.name) for field in fields(ExperimentFilter))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ExperimentFilter):
            return NotImplemented
        shows = other.show_archived if isinstance(other, ListFilter) else False
        theirs = tuple(getattr(other, field.name) for field in fields(ExperimentFilter))
        return shows == self.show_archived and theirs == self._core()

    def __hash__(self) -> int:
        return hash((self._core(), self.show_archived))

    @property
    def is_empty(self) -> bool:
        return super().is_empty and not self.show_archived


def archive_choice(filters: ExperimentFilter) -> str:
    """The core's ARCHIVED_CHOICES value for a list filter: a search finds archived
    experiments too (marked), as `journal search` does; else the list's toggle decides."""
    from journal.core.read_sql import ARCHIVED_HIDDEN, ARCHIVED_TOO

    show = isinstance(filters, ListFilter) and filters.show_archived
    return ARCHIVED_TOO if show or filters.search else ARCHIVED_HIDDEN
