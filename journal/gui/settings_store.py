"""Typed access to the person's preferences, so no caller spells keys or guesses value types.

Two homes: what the command line needs too (Ollama hosts, default options for new runs)
lives in the core's settings file (`journal config`); what only the window needs (its
geometry, splitters, raw mode, recent journals) stays in QSettings.
"""

from __future__ import annotations

import json
import logging
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from journal.core.errors import InvalidInputError, JournalError
from journal.core.option_schema import REQUEST_FIELDS
from journal.core.settings import (
    EMBEDDING_MODEL,
    HOSTS,
    JUDGE_MODEL,
    KEEP_ALIVE,
    OPTIONS,
    THINK,
    Settings,
    SettingsFile,
    SettingsFileError,
    choose_host,
)
from journal.gui.i18n import error_text

ORGANIZATION = "llm-journal"
APPLICATION = "LLM Journal"
MAX_RECENT_JOURNALS = 8
LANGUAGE_KEY = "language"

# Where the window kept these before they moved to the settings file.
_OLD_HOST_KEY = "ollama/host"
_OLD_OPTIONS_KEY = "experiments/default_options"

log = logging.getLogger(__name__)


class SettingsStore:
    """Reads and writes the person's preferences. Pass a QSettings and a SettingsFile to
    keep tests off the real user settings (e.g.
    `QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)`); without a
    SettingsFile, JOURNAL_CONFIG or the user config dir decides, as for `journal config`."""

    def __init__(
        self, settings: QSettings | None = None, config: SettingsFile | None = None
    ) -> None:
        self._settings = settings if settings is not None else QSettings(ORGANIZATION, APPLICATION)
        self._config = config if config is not None else SettingsFile()
        self._reported = ""
        self._move_to_config()

    @property
    def settings(self) -> QSettings:
        return self._settings

    @property
    def config(self) -> SettingsFile:
        """The settings file shared with `journal config`."""
        return self._config

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

    # -- the settings file ----------------------------------------------------------------

    def shared(self) -> Settings:
        """The settings file as it is now; an empty one while it cannot be read, so the
        window still starts (`problem()` says why, the Settings dialog shows it)."""
        try:
            return self._config.load()
        except SettingsFileError as error:
            if error.message != self._reported:  # once, not at every new experiment
                self._reported = error.message
                log.warning("%s", error.message)
            return Settings()

    def problem(self) -> str:
        """Why the settings file cannot be used as it stands, or ""."""
        try:
            self._config.load()
        except SettingsFileError as error:
            return error_text(error)
        return ""

    def ollama_host(self) -> str:
        """The host the window uses when no --host flag says otherwise: OLLAMA_HOST, then
        the first saved host, then the default (the core's rule, as for the CLI)."""
        return choose_host(None, saved_hosts=self.ollama_hosts()).host

    def ollama_hosts(self) -> list[str]:
        """The saved hosts, the first one the default."""
        return self.shared().hosts

    def set_ollama_host(self, host: str | None) -> None:
        """Save `host` as the one host (None: none saved)."""
        self.set_ollama_hosts([host] if host else [])

    def set_ollama_hosts(self, hosts: list[str]) -> None:
        """Raises JournalError (a bad address, a settings file that cannot be written)."""
        self._config.update({HOSTS: hosts or None})

    def default_options(self) -> dict[str, Any]:
        """Options (and request fields such as `think`) that new experiments start with."""
        saved = self.shared()
        return {**saved.options, **saved.request}

    def set_default_options(self, options: dict[str, Any]) -> None:
        """Raises JournalError (a bad value, a settings file that cannot be written)."""
        self._config.update(_split_defaults(options))

    def judge_model(self) -> str:
        """The model that grades `judge:` expectations; "" for none."""
        return self.shared().judge_model

    def embedding_model(self) -> str:
        """The model whose embeddings grade `similar:` expectations; "" for none."""
        return self.shared().embedding_model

    def save_shared(
        self,
        hosts: list[str],
        defaults: dict[str, Any],
        *,
        judge_model: str | None = None,
        embedding_model: str | None = None,
    ) -> None:
        """Hosts, default options and (when given; "" for none) the grading models in one
        write, as the Settings dialog's OK saves them."""
        changes: dict[str, Any] = {HOSTS: hosts or None, **_split_defaults(defaults)}
        if judge_model is not None:
            changes[JUDGE_MODEL] = judge_model or None
        if embedding_model is not None:
            changes[EMBEDDING_MODEL] = embedding_model or None
        self._config.update(changes)

    def _move_to_config(self) -> None:
        """Once: move what older versions kept in QSettings into the settings file, where
        the CLI reads it too. A value already in the file wins (it was set on purpose,
        with `journal config`); one that cannot be saved is left in QSettings for next time."""
        host = self._text(_OLD_HOST_KEY)
        options = self._json(_OLD_OPTIONS_KEY, None)
        if host is None and self._settings.value(_OLD_OPTIONS_KEY) is None:
            return
        try:
            saved = self._config.load()
        except SettingsFileError as error:
            log.warning("Settings not moved to the settings file yet: %s", error.message)
            return
        changes: dict[str, Any] = {}
        if host and not saved.hosts:
            changes[HOSTS] = [host]
        if isinstance(options, dict) and options and not saved.options and not saved.request:
            changes.update(_split_defaults(options))
        for key, value in changes.items():
            try:
                self._config.update({key: value})
            except InvalidInputError as error:
                log.warning("%s from the old window settings is dropped: %s", key, error.message)
            except JournalError as error:
                log.warning("Settings not moved to the settings file yet: %s", error.message)
                return
        self._settings.remove(_OLD_HOST_KEY)
        self._settings.remove(_OLD_OPTIONS_KEY)
        self._settings.sync()

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

    def language(self) -> str:
        """ "system" (the default: follow the system locale), "en" or "fr"."""
        value = self._text(LANGUAGE_KEY)
        return value if value in ("en", "fr") else "system"

    def set_language(self, language: str) -> None:
        """Takes effect at the next start: the window is built in one language."""
        self._set_text(LANGUAGE_KEY, None if language == "system" else language)


def _split_defaults(defaults: dict[str, Any]) -> dict[str, Any]:
    """The window's one list of defaults (options, keep_alive, think) as the file's keys."""
    options = {key: value for key, value in defaults.items() if key not in REQUEST_FIELDS}
    return {
        OPTIONS: options or None,
        KEEP_ALIVE: defaults.get("keep_alive"),
        THINK: defaults.get("think"),
    }
