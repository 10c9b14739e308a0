"""The live run statuses (a writer still owns the run) are one constant, domain.LIVE_STATUSES,
which RunStatus.is_live and every statement's `status IN ...` (LIVE_STATUSES_SQL) read."""

from __future__ import annotations

import json
import sqlite3

from journal.core import queries
from journal.core.domain import LIVE_STATUSES, LIVE_STATUSES_SQL, RunStatus


def test_is_live_and_the_sql_list_say_the_same_statuses() -> None:
    live = {status for status in RunStatus if status.is_live}
    assert live == set(LIVE_STATUSES) == {RunStatus.PENDING, RunStatus.STREAMING}
    every = json.dumps([status.value for status in RunStatus])
    with sqlite3.connect(":memory:") as connection:
        found = connection.execute(
            f"SELECT value FROM json_each(?) WHERE value IN {LIVE_STATUSES_SQL}", (every,)
        ).fetchall()
    assert {RunStatus(value) for (value,) in found} == live
    assert queries.LIVE_STATUSES is LIVE_STATUSES
