"""Where the journal and the settings file live and where Ollama answers: flags first, then
the environment."""

from __future__ import annotations

import ipaddress
import os
import re
from pathlib import Path

from journal.core import messages
from journal.core.errors import InvalidInputError
from journal.core.messages import message

APP_NAME = "llm-journal"
DB_ENV = "JOURNAL_DB"
DB_FILENAME = "journal.sqlite"
CONFIG_ENV = "JOURNAL_CONFIG"
CONFIG_FILENAME = "settings.toml"
DEFAULT_OLLAMA_HOST = "http://127.0.0.1:11434"
OLLAMA_HOST_ENV = "OLLAMA_HOST"


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


def default_config_path() -> Path:
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / CONFIG_FILENAME


def resolve_config_path() -> Path:
    """The settings file: JOURNAL_CONFIG, then the user config dir. Not the journal's folder:
    the settings belong to the machine and the person, whichever journal is open."""
    env = os.environ.get(CONFIG_ENV)
    if env:
        return Path(env).expanduser()
    return default_config_path()


def resolve_ollama_host(explicit: str | None = None, *, source: str = "") -> str:
    """The Ollama address to use: `explicit` (named `source` in messages, e.g. "--host")
    wins, then OLLAMA_HOST, then the default; normalised the way the ollama client reads
    it (`host` -> `http://host:11434`) so messages name the real URL.

    An unusable value raises InvalidInputError naming where it came from, before anything
    (the ollama client included) tries to use it.
    """
    if explicit is not None:
        return _normalise_host(explicit, f"{source} '{explicit}'" if source else f"'{explicit}'")
    env = os.environ.get(OLLAMA_HOST_ENV)
    if env:
        return _normalise_host(env, f"{OLLAMA_HOST_ENV}='{env}'", fix=OLLAMA_HOST_ENV)
    return DEFAULT_OLLAMA_HOST


_HOST_NAME = re.compile(r"[^\s/?#@\[\]:]+")


def _normalise_host(raw: str, where: str, *, fix: str = "") -> str:
    """`fix`: the environment variable to fix or unset, named in the refusal."""

    def refuse(template: str, **params: object) -> InvalidInputError:
        reason = message(template, **params)
        if fix:
            said = message(messages.HOST_REFUSED_FIX, where=where, reason=reason, variable=fix)
        else:
            said = message(messages.HOST_REFUSED, where=where, reason=reason)
        return InvalidInputError(said)

    text = raw.strip()
    if not text:
        raise refuse(messages.HOST_EMPTY, default=DEFAULT_OLLAMA_HOST)
    scheme, separator, rest = text.partition("://")
    if not separator:
        scheme, rest = "http", text
    scheme, rest = scheme.lower(), rest.rstrip("/")
    if scheme not in ("http", "https"):
        raise refuse(messages.HOST_SCHEME, default=DEFAULT_OLLAMA_HOST)
    netloc, slash, path = rest.partition("/")
    if "?" in rest or "#" in rest:
        raise refuse(messages.HOST_QUERY)
    userinfo, at, hostport = netloc.rpartition("@")
    if hostport.startswith("["):  # an IPv6 address: [::1] or [::1]:11434
        end = hostport.find("]")
        if end == -1:
            raise refuse(messages.HOST_IPV6_OPEN)
        host, after = hostport[: end + 1], hostport[end + 1 :]
        try:
            ipaddress.IPv6Address(host[1:-1].replace("%25", "%"))
        except ValueError:
            raise refuse(messages.HOST_NOT_IPV6, host=host) from None
        if after and not after.startswith(":"):
            raise refuse(messages.HOST_AFTER_IPV6, after=after)
        port = after[1:]
    else:
        if hostport.count(":") > 1:
            raise refuse(messages.HOST_IPV6_BRACKETS)
        host, _, port = hostport.partition(":")
        if not host:
            raise refuse(messages.HOST_NO_HOST, default=DEFAULT_OLLAMA_HOST)
        if not _HOST_NAME.fullmatch(host):
            raise refuse(messages.HOST_BAD_NAME, host=host)
    if not port:
        port = "443" if scheme == "https" else "11434"
    elif not (port.isascii() and port.isdigit() and 1 <= int(port) <= 65535):
        raise refuse(messages.HOST_PORT, port=port)
    return f"{scheme}://{userinfo}{at}{host}:{port}{slash}{path}"
