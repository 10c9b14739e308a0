"""Where the journal lives: the user data dir unless --db or JOURNAL_DB says otherwise."""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "llm-journal"
DB_ENV = "JOURNAL_DB"
DB_FILENAME = "journal.sqlite"
DEFAULT_OLLAMA_HOST = "http://127.0.0.1:11434"


def default_db_path() -> Path:
    import platformdirs  # imported here: only needed when no path is given

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)) / DB_FILENAME


def resolve_db_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The command-line value wins, then JOURNAL_DB, then the user data dir."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env).expanduser()
    return default_db_path()


def resolve_ollama_host(explicit: str | None = None) -> str:
    """Normalise a host the way the ollama client does, so messages name the real URL."""
    raw = explicit or os.environ.get("OLLAMA_HOST") or DEFAULT_OLLAMA_HOST
    raw = raw.strip().rstrip("/")
    if "://" not in raw:
        raw = "http://" + raw
    scheme, _, rest = raw.partition("://")
    hostport, slash, path = rest.partition("/")
    has_port = "]:" in hostport if hostport.startswith("[") else ":" in hostport
    if not hostport:
        hostport = "127.0.0.1"
    if not has_port:
        hostport += ":443" if scheme == "https" else ":11434"
    return f"{scheme}://{hostport}{slash}{path}"
