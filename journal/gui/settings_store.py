"""Typed access to the window's QSettings, so no caller spells keys or guesses value types."""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "llm-journal"
APPLICATION = "LLM Journal"
MAX_RECENT_JOURNALS = 8


class SettingsStore:
    """Reads and writes the person's preferences. Pass a QSettings to keep tests off the real
    user settings (e.g. `QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)`)."""

    def __init__(self, settings: QSettings | None = None) -> None:
        self._settings = settings if settings is not None else QSettings(ORGANIZATION, APPLICATION)

    @property
    def settings(self) -> QSettings:
        return self._settings

    def sync(self) -> None:
        self._settings.sync()

    # -- plain values ---------------------------------------------------------------------

    def _text(self, key: str) -> str | None:
        value = self._settings.value(key)
        if value is None:
            return None
        text = str(value).strip()
        return text or None

    def _set_text(self, key: str, value: str | None) -> None:
        if value is None or not value.strip():
            self._settings.remove(key)
        else:
            self._settings.setValue(key, value.strip())

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._settings.value(key)
        if isinstance(value, QByteArray):
            return value if not value.isEmpty() else None
        if isinstance(value, (bytes, bytearray)):
            return QByteArray(bytes(value)) if value else None
        return None

    def _json(self, key: str, default: Any) -> Any:
        # Lists and dicts are stored as JSON text: an INI file turns a one-item list into a
        # plain string and loses the types inside a dict.
        text = self._text(key)
        if text is None:
            return default
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            return default

    # -- Ollama ---------------------------------------------------------------------------

    def ollama_host(self) -> str | None:
        """The host the person chose, or None to use OLLAMA_HOST or the default."""
        return self._text("ollama/host")

    def set_ollama_host(self, host: str | None) -> None:
        self._set_text("ollama/host", host)

    def default_options(self) -> dict[str, Any]:
        """Options (and request fields such as `think`) that new experiments start with."""
        value = self._json("experiments/default_options", {})
        return dict(value) if isinstance(value, dict) else {}

    def set_default_options(self, options: dict[str, Any]) -> None:
        if options:
            self._settings.setValue("experiments/default_options", json.dumps(options))
        else:
            self._settings.remove("experiments/default_options")

    # -- journals -------------------------------------------------------------------------

    def recent_journals(self) -> list[str]:
        """Most recent first."""
        value = self._json("journals/recent", [])
        if not isinstance(value, list):
            return []
        return [str(path) for path in value if isinstance(path, str) and path][:MAX_RECENT_JOURNALS]

    def add_recent_journal(self, path: str) -> None:
        paths = [path, *(p for p in self.recent_journals() if p != path)]
        self._settings.setValue("journals/recent", json.dumps(paths[:MAX_RECENT_JOURNALS]))

    def last_journal(self) -> str | None:
        return self._text("journals/last")

    def set_last_journal(self, path: str | None) -> None:
        self._set_text("journals/last", path)

    # -- window ---------------------------------------------------------------------------

    def window_geometry(self) -> QByteArray | None:
        return self._bytes("window/geometry")

    def set_window_geometry(self, geometry: QByteArray) -> None:
        self._settings.setValue("window/geometry", geometry)

    def window_state(self) -> QByteArray | None:
        return self._bytes("window/state")

    def set_window_state(self, state: QByteArray) -> None:
        self._settings.setValue("window/state", state)

    def splitter_state(self, name: str) -> QByteArray | None:
        return self._bytes(f"splitters/{name}")

    def set_splitter_state(self, name: str, state: QByteArray) -> None:
        self._settings.setValue(f"splitters/{name}", state)

    def raw_mode(self) -> bool:
        """Show answers as raw text instead of rendered Markdown."""
        value = self._settings.value("view/raw_mode", False)
        if isinstance(value, str):  # INI files give strings back
            return value.strip().lower() in ("true", "1", "yes")
        return bool(value)

    def set_raw_mode(self, raw: bool) -> None:
        self._settings.setValue("view/raw_mode", bool(raw))
