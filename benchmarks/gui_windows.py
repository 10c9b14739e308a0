"""Ending a benchmark's window within its own section.

`python -m benchmarks` runs every section in one process. A window only closed is freed
later by the garbage collector, in whatever section runs then, in the middle of that
section's event processing; PySide6 crashed there (SIGSEGV) and the run never reached the
sections after the window ones. A window is deleted where its section ends instead.
"""

from __future__ import annotations

import gc
from typing import Any


def dispose(window: Any) -> None:
    """Close `window` (its journal with it) and delete it now, with what it left behind."""
    from PySide6.QtCore import QCoreApplication, QEvent

    window.close()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()
    gc.collect()
