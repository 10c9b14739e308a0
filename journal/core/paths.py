"""Where the journal and the settings file live and where Ollama answers: flags first, then
the environment."""

from __future__ import annotations

import ipaddress
import os
import re
from pathlib import Path

from journal.core.errors import InvalidInputError

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
        return _normalise_host(
            env, f"{OLLAMA_HOST_ENV}='{env}'", fix=f" Fix or unset {OLLAMA_HOST_ENV}."
        )
    return DEFAULT_OLLAMA_HOST


_HOST_NAME = re.compile(r"[^\s/?#@\[\]:]+")


def _normalise_host(raw: str, where: str, *, fix: str = "") -> str:
    def refuse(reason: str) -> InvalidInputError:
        return InvalidInputError(f"{where} is not a usable Ollama address: {reason}.{fix}")

    text = raw.strip()
    if not text:
        raise refuse(f"it is empty; leave it out for {DEFAULT_OLLAMA_HOST}")
    scheme, separator, rest = text.partition("://")
    if not separator:
        scheme, rest = "http", text
    scheme, rest = scheme.lower(), rest.rstrip("/")
    if scheme not in ("http", "https"):
        raise refuse(f"only http:// and https:// work, as in {DEFAULT_OLLAMA_HOST}")
    netloc, slash, path = rest.partition("/")
    if "?" in rest or "#" in rest:
        raise refuse("an Ollama address has no ?query or #fragment")
    userinfo, at, hostport = netloc.rpartition("@")
    if hostport.startswith("["):  # an IPv6 address: [::1] or [::1]:11434
        end = hostport.find("]")
        if end == -1:
            raise refuse("the IPv6 address has no closing ']', as in http://[::1]:11434")
        host, after = hostport[: end + 1], hostport[end + 1 :]
        try:
            ipaddress.IPv6Address(host[1:-1].replace("%25", "%"))
        except ValueError:
            raise refuse(f"{host} is not an IPv6 address") from None
        if after and not after.startswith(":"):
            raise refuse(f"'{after}' after the IPv6 address is not a :port")
        port = after[1:]
    else:
        if hostport.count(":") > 1:
            raise refuse("write an IPv6 address in brackets, as in http://[::1]:11434")
        host, _, port = hostport.partition(":")
        if not host:
            raise refuse(f"it names no host, as in {DEFAULT_OLLAMA_HOST}")
        if not _HOST_NAME.fullmatch(host):
            raise refuse(f"'{host}' is not a host name")
    if not port:
        port = "443" if scheme == "https" else "11434"
    elif not (port.isascii() and port.isdigit() and 1 <= int(port) <= 65535):
        raise refuse(f"the port must be a number from 1 to 65535, not '{port}'")
    return f"{scheme}://{userinfo}{at}{host}:{port}{slash}{path}"
