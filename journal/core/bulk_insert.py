"""Many experiments and runs added in one write transaction, indexed for search once.

The search insert triggers index one row per statement step: an import of 10,000
experiments x 3 runs ran them 40,000 times inside its INSERT ... SELECT, most of the
transaction's time. Inside the transaction the two triggers are dropped, the rows go in,
their documents are written by two set-based statements, and the triggers are created
again from the SQL the journal itself stored for them, all before COMMIT. DDL is
transactional in SQLite and the write lock keeps every other writer out meanwhile, so
nobody ever sees the journal without its triggers; and a failure anywhere rolls the whole
transaction back, triggers included.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, text

from journal.core.migrations import (
    INDEX_EXPERIMENTS_AFTER,
    INDEX_RUNS_AFTER,
    SEARCH_INSERT_TRIGGERS,
)


@contextmanager
def search_indexed_at_end(connection: Connection) -> Iterator[None]:
    """Inside a write transaction: experiments and runs inserted in the block are indexed
    for search when it ends, all at once, as the insert triggers would have indexed them.

    Only the insert triggers are lifted: a row updated or deleted in the block is handled
    by its own trigger as always. New rows are told by their ids, above the largest when
    the block began (AUTOINCREMENT never hands out a smaller one). On an exception nothing
    is restored here: the caller's transaction rolls back, and the triggers with it.
    """
    last_experiment, last_run = connection.execute(
        text(
            "SELECT (SELECT coalesce(max(id), 0) FROM main.experiment), "
            "(SELECT coalesce(max(id), 0) FROM main.run)"
        )
    ).one()
    names = ", ".join(f"'{name}'" for name in _INDEXING)
    triggers = connection.exec_driver_sql(
        "SELECT name, sql FROM main.sqlite_master "
        f"WHERE type = 'trigger' AND name IN ({names}) ORDER BY name"
    ).all()
    for name, _ in triggers:
        connection.exec_driver_sql(f'DROP TRIGGER main."{name}"')
    yield
    after = {"experiment": last_experiment, "run": last_run}
    for name, sql in triggers:  # a trigger the journal lacked indexes nothing here either
        connection.execute(text(_INDEXING[name]), after)
        connection.exec_driver_sql(sql)


# Each insert trigger, and the statement that does its work for many rows at once.
_INDEXING = dict(
    zip(SEARCH_INSERT_TRIGGERS, (INDEX_EXPERIMENTS_AFTER, INDEX_RUNS_AFTER), strict=True)
)
