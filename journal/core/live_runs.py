"""A run whose recording process has gone, as both paths tell it.

The write path saves it on open (queries); `journal show` shows it so without writing
(read_records). Kept apart from both so that opening the journal for writing (the window's
start, every writing command) does not import the read layer's records with it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from journal.core.domain import RunStatus

if TYPE_CHECKING:
    from journal.core.models import Run
    from journal.core.read_records import RunRecord

INTERRUPTED_MESSAGE = (
    "The program recording this run stopped before the answer was complete; "
    "the text received until then is kept."
)


def end_if_owner_gone(run: Run | RunRecord, now: datetime) -> bool:
    """Make `run` (in memory) what it is once its live status is known false: interrupted,
    text intact, when the process that recorded it is gone. The write path saves that on
    open; a command that only reads shows it so, leaving the file as it is."""
    if not run.status.is_live:
        return False
    # Only a live run asks whose it is: the check imports `socket`, which a read spares.
    from journal.core.ownership import owner_is_gone

    if not owner_is_gone(run.owner, run.heartbeat_at, now):
        return False
    run.status = RunStatus.INTERRUPTED
    run.error = run.error or INTERRUPTED_MESSAGE
    run.finished_at = run.heartbeat_at or now
    run.owner = ""
    return True
