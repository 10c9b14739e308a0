"""Which process is streaming a run, so a crash can be told apart from a live stream.

Two processes may share a journal (the window and a `journal run` in a terminal). At start
a run left `streaming` is only marked `interrupted` when its owner is provably gone: same
machine and that process no longer exists, or another machine whose heartbeat went stale.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

STALE_AFTER = timedelta(minutes=10)


def current_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def owner_is_gone(owner: str, heartbeat_at: datetime | None, now: datetime) -> bool:
    host, _, pid_text = owner.rpartition(":")
    if not owner or not pid_text.isdigit():
        return True
    if host == socket.gethostname():
        pid = int(pid_text)
        return pid != os.getpid() and not _process_exists(pid)
    return heartbeat_at is None or now - heartbeat_at > STALE_AFTER
