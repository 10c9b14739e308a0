"""Where the app's icon and other files live: `resources/` beside the package."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtGui import QIcon

RESOURCES = Path(__file__).resolve().parents[2] / "resources"


def app_icon() -> QIcon:
    path = RESOURCES / "llm-journal.svg"
    return QIcon(str(path)) if path.exists() else QIcon()
