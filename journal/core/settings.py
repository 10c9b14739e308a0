"""The person's settings, shared by the window and the command line: one TOML file.

Why a file in the user config dir (`JOURNAL_CONFIG` overrides it) and not a table in the
journal: the Ollama hosts belong to the machine, not to the notebook (a journal copied to a
laptop or shared with a colleague must not carry gpu-box's address along); one person keeps
several journals and wants one set of defaults for all of them; the command line reads the
settings without opening, locking or creating a journal; and a text file can be read, edited
and kept under version control by hand.

Reading is strict: a file that does not parse, or holds a value the journal would refuse
from `journal config set`, is refused with its path and line and never rewritten. Writing
keeps every key this version does not know (a newer version's, the next feature's) and
replaces the file atomically, so a crash leaves the old file or the new one, never half.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from journal.core import messages
from journal.core.errors import InvalidInputError, JournalError
from journal.core.host_limits import HostLimit, parse_host_limit
from journal.core.messages import SETTINGS_CANNOT_READ, SETTINGS_CANNOT_SAVE, Message, message
from journal.core.option_schema import REQUEST_FIELDS, check_keep_alive, check_think, shown
from journal.core.options import check_options, parse_assignments, parse_value
from journal.core.paths import (
    DEFAULT_OLLAMA_HOST,
    OLLAMA_HOST_ENV,
    resolve_config_path,
    resolve_ollama_host,
)

HOSTS = "ollama.hosts"
OPTIONS = "defaults.options"
KEEP_ALIVE = "defaults.keep_alive"
THINK = "defaults.think"
JUDGE_MODEL = "models.judge"
EMBEDDING_MODEL = "models.embedding"

_FILE_HEADER = (
    "# LLM Journal settings: see `journal config list`. Hand edits are welcome;\n"
    "# `journal config set` and the window rewrite this file and keep no comments.\n\n"
)


class SettingsFileError(JournalError):
    """The settings file cannot be read or written as it stands; it was left as it is."""

    def __init__(self, said: str | Message, path: Path, key: str = "") -> None:
        super().__init__(said)
        self.path = path
        self.key = key


class _Problem(InvalidInputError):
    """A value refused, with where inside it (an option's name) for the line number."""

    def __init__(self, said: str | Message, at: tuple[str, ...] = ()) -> None:
        super().__init__(said)
        self.at = at


def _said(error: JournalError) -> str | Message:
    """What `error` says, as a template when it came as one (the window translates it)."""
    return error.core_message or error.message


# -- the keys ----------------------------------------------------------------------------


def _check_hosts(value: Any) -> list[str]:
    """Addresses, each with `limit=N` when it takes more than one request at once."""
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        example = f'["{DEFAULT_OLLAMA_HOST}", "http://gpu:11434 limit=2"]'
        raise _Problem(message(messages.SETTINGS_HOSTS_LIST, key=HOSTS, example=example))
    hosts: list[HostLimit] = []
    for item in value:
        host = parse_host_limit(item, source=HOSTS)
        if any(known.address == host.address for known in hosts):
            raise _Problem(message(messages.SETTINGS_HOST_TWICE, key=HOSTS, host=host.address))
        hosts.append(host)
    return [host.text for host in hosts]


def _toml_problem(value: Any) -> str | None:
    """Why TOML cannot hold `value` (JSON can: `json_problem` has checked the rest)."""
    if value is None:
        return "is null, which a TOML file cannot hold"
    if isinstance(value, list):
        return next(filter(None, map(_toml_problem, value)), None)
    if isinstance(value, dict):
        return next(filter(None, map(_toml_problem, value.values())), None)
    return None


def _check_options(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _Problem(message(messages.SETTINGS_OPTIONS_TABLE, key=OPTIONS))
    for key, item in value.items():
        if key in REQUEST_FIELDS:
            raise _Problem(message(messages.SETTINGS_OWN_SETTING, key=key), (key,))
        try:
            # Unknown names pass here: they were refused when typed unless the person
            # allowed them, or written into the file by hand on purpose. Values never pass.
            check_options({key: item}, allow_unknown=True)
        except InvalidInputError as error:
            raise _Problem(_said(error), (key,)) from None
        if _toml_problem(item):
            raise _Problem(message(messages.SETTINGS_OPTION_NOT_TOML, key=key), (key,))
    return dict(value)


def _check_keep_alive(value: Any) -> Any:
    check_keep_alive(value)  # a duration text or seconds
    return value


def _check_think(value: Any) -> Any:
    check_think(value)  # true, false or a level
    return value


def _model_check(key: str) -> Callable[[Any], str]:
    def check(value: Any) -> str:
        if not isinstance(value, str):
            raise _Problem(message(messages.SETTINGS_MODEL_NAME, key=key, value=shown(value)))
        name = value.strip()
        if any(char.isspace() or not char.isprintable() for char in name):
            raise _Problem(message(messages.SETTINGS_MODEL_NAME, key=key, value=shown(value)))
        return name

    return check


def _one_word(key: str, words: Sequence[str]) -> str:
    if len(words) != 1:
        raise InvalidInputError(f"{key} takes one value, not {len(words)}.")
    return words[0]


def _parse_options(words: Sequence[str], allow_unknown: bool) -> dict[str, Any]:
    options, request = parse_assignments(list(words), allow_unknown=allow_unknown)
    if request:
        key = next(iter(request))
        raise InvalidInputError(
            f"{key} is a setting of its own: journal config set defaults.{key} VALUE."
        )
    return options


def format_assignment(key: str, value: Any) -> str:
    """`KEY=VALUE` as a person types it after `-o`, so a saved value reads back the same."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, float):
        # repr is the shortest text that reads back as the same float (0.123456789 stays it);
        # a whole float keeps its ".0" off so "temperature=1" reads as typed.
        text = repr(value)
        if text.endswith(".0"):
            text = text[:-2]
    else:
        text = json.dumps(value, ensure_ascii=False)
    return f"{key}={text}"


def format_option_lines(options: Mapping[str, Any]) -> str:
    """Options one `KEY=VALUE` a line, the way the window's Settings dialog shows them."""
    return "\n".join(format_assignment(key, value) for key, value in options.items())


def _lines(text: str) -> Iterator[tuple[int, str]]:
    """(number, line) of each line that says something: blank lines and # comments skipped."""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            yield number, stripped


def parse_option_lines(
    text: str,
    *,
    allow_unknown: bool = False,
    recorded: Collection[str] = (),
    unknown_hint: str = "",
) -> dict[str, Any]:
    """`KEY=VALUE` lines -> options and request fields, checked as `journal run -o` checks
    them: unknown keys are refused (with `unknown_hint`, what to do where it is shown)
    unless allowed or `recorded` (saved before). InvalidInputError names the line at fault."""
    from journal.core.options import UnknownOptionError

    lines: list[str] = []
    for number, line in _lines(text):
        try:
            parse_assignments([line], allow_unknown=allow_unknown, recorded=recorded)
        except UnknownOptionError as error:
            hinted = error.with_hint(unknown_hint) if unknown_hint else error
            raise _line_refused(number, _said(hinted)) from None
        except InvalidInputError as error:
            raise _line_refused(number, _said(error)) from None
        lines.append(line)
    options, request = parse_assignments(lines, allow_unknown=allow_unknown, recorded=recorded)
    for key, value in options.items():
        if _toml_problem(value):
            raise InvalidInputError(message(messages.SETTINGS_OPTION_NOT_TOML, key=key))
    return {**options, **request}


def parse_host_lines(text: str) -> list[str]:
    """One Ollama address a line, with `limit=N` when it takes several requests at once ->
    ollama.hosts, each checked and normalised as --host is; InvalidInputError names the
    line at fault."""
    hosts: list[HostLimit] = []
    for number, line in _lines(text):
        try:
            host = parse_host_limit(line, source="")
        except InvalidInputError as error:
            raise _line_refused(number, _said(error)) from None
        if any(known.address == host.address for known in hosts):
            listed = message(messages.SETTINGS_HOST_LISTED, host=host.address)
            raise _line_refused(number, listed)
        hosts.append(host)
    return [host.text for host in hosts]


def _line_refused(number: int, reason: str | Message) -> InvalidInputError:
    """A line of the Settings dialog refused: its number, then why."""
    return InvalidInputError(message(messages.SETTINGS_LINE, line=number, reason=reason))


def _scalar_words(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, bool):
        return ["true" if value else "false"]
    return [str(value)]


@dataclass(frozen=True)
class SettingKey:
    """One setting: what it is for, its value when unset, and how it is checked, typed on
    the command line (`parse`) and shown as words `journal config set` takes (`words`)."""

    name: str
    about: str
    default: Callable[[], Any]
    check: Callable[[Any], Any]
    parse: Callable[[Sequence[str], bool], Any]
    words: Callable[[Any], list[str]]


KEYS: dict[str, SettingKey] = {
    key.name: key
    for key in (
        SettingKey(
            HOSTS,
            "Ollama addresses, the first one used unless --host or OLLAMA_HOST says otherwise",
            list,
            _check_hosts,
            lambda words, _: list(words),
            list,
        ),
        SettingKey(
            OPTIONS,
            "options new runs start with, KEY=VALUE... (journal run -o overrides them)",
            dict,
            _check_options,
            _parse_options,
            lambda value: [format_assignment(k, v) for k, v in value.items()],
        ),
        SettingKey(
            KEEP_ALIVE,
            "how long Ollama keeps the model loaded after a new run: 5m, 1h, -1",
            lambda: None,
            _check_keep_alive,
            lambda words, _: parse_value("keep_alive", _one_word(KEEP_ALIVE, words)),
            _scalar_words,
        ),
        SettingKey(
            THINK,
            "whether new runs ask the model to think: true, false, low, medium, high",
            lambda: None,
            _check_think,
            lambda words, _: parse_value("think", _one_word(THINK, words)),
            _scalar_words,
        ),
        SettingKey(
            JUDGE_MODEL,
            "the local model that grades judge: expectations (--judge overrides it)",
            str,
            _model_check(JUDGE_MODEL),
            lambda words, _: _one_word(JUDGE_MODEL, words),
            _scalar_words,
        ),
        SettingKey(
            EMBEDDING_MODEL,
            "the local model whose embeddings grade similar: expectations (--embed-model wins)",
            str,
            _model_check(EMBEDDING_MODEL),
            lambda words, _: _one_word(EMBEDDING_MODEL, words),
            _scalar_words,
        ),
    )
}


def setting_key(name: str) -> SettingKey:
    """The key called `name`, or InvalidInputError naming the known ones."""
    key = KEYS.get(name)
    if key is not None:
        return key
    import difflib

    close = difflib.get_close_matches(name, KEYS, n=1)
    hint = f"did you mean {close[0]}?" if close else f"the settings are {', '.join(KEYS)}."
    raise InvalidInputError(f"Unknown setting {name}: {hint}")


def parse_setting(name: str, words: Sequence[str], *, allow_unknown: bool = False) -> Any:
    """The value `journal config set NAME WORDS...` means, checked."""
    key = setting_key(name)
    if not words:
        raise InvalidInputError(f"{name} needs a value; `journal config unset {name}` clears it.")
    return key.check(key.parse(words, allow_unknown))


@dataclass(frozen=True)
class Settings:
    """The settings as read: the known keys that are set (`settings[KEY]` gives the
    default for the others) and, as they were, the keys this version does not know."""

    values: Mapping[str, Any] = field(default_factory=dict)
    unknown: Mapping[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.values[name] if name in self.values else setting_key(name).default()

    @property
    def hosts(self) -> list[str]:
        """The addresses, first one first (their limits left out)."""
        return [host.address for host in self.host_limits]

    @property
    def host_limits(self) -> list[HostLimit]:
        return [parse_host_limit(entry, source=HOSTS) for entry in self[HOSTS]]

    @property
    def options(self) -> dict[str, Any]:
        return dict(self[OPTIONS])

    @property
    def request(self) -> dict[str, Any]:
        """The request fields (keep_alive, think) new runs send, when set."""
        fields = {"keep_alive": self[KEEP_ALIVE], "think": self[THINK]}
        return {name: value for name, value in fields.items() if value is not None}

    @property
    def judge_model(self) -> str:
        return str(self[JUDGE_MODEL])

    @property
    def embedding_model(self) -> str:
        return str(self[EMBEDDING_MODEL])


# -- the file ----------------------------------------------------------------------------


class SettingsFile:
    """The settings file at `path` (default: JOURNAL_CONFIG, then the user config dir).

    Holds nothing between calls: each read sees what the CLI, the window or an editor wrote
    last, and each change rereads the file before it writes.
    """

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self.path = Path(path) if path is not None else resolve_config_path()

    def load(self) -> Settings:
        document, text = self._read()
        return self._settings(document, text)

    def update(self, changes: Mapping[str, Any]) -> Settings:
        """Set each known key to its value (None unsets it), checked, in one atomic write.

        A key being replaced may hold a bad value in the file: that is how a person repairs
        it without an editor. Anything else wrong in the file refuses the change.
        """
        document, text = self._read()
        self._settings(document, text, skip=changes.keys())
        for name, value in changes.items():
            key = setting_key(name)
            *parents, leaf = name.split(".")
            table = document
            for part in parents:
                table = table.setdefault(part, {})
            checked = None if value is None else key.check(value)
            if checked is None or checked == key.default():
                table.pop(leaf, None)
            else:
                table[leaf] = checked
        for name in KEYS:  # drop tables left empty, e.g. [models] after the last unset
            parent = name.split(".")[0]
            if document.get(parent) == {}:
                del document[parent]
        self._write(document)
        return self._settings(document, "")

    # -- reading ----------------------------------------------------------------------

    def _read(self) -> tuple[dict[str, Any], str]:
        import tomllib  # here: `journal --help` lists the keys and reads no file

        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return {}, ""
        except OSError as error:
            reason = error.strerror or str(error)
            raise SettingsFileError(
                Message(SETTINGS_CANNOT_READ, {"path": str(self.path), "reason": reason}), self.path
            ) from None
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            raise self._refuse(line, message(messages.SETTINGS_NOT_UTF8), syntax=True) from None
        text = text.removeprefix("\ufeff")  # some editors start a file with a byte-order mark
        try:
            return tomllib.loads(text), text
        except tomllib.TOMLDecodeError as error:
            reason, line = _decode_error(str(error), text)
            raise self._refuse(line, reason, syntax=True) from None

    def _settings(
        self, document: dict[str, Any], text: str, skip: Collection[str] = ()
    ) -> Settings:
        values: dict[str, Any] = {}
        for name, key in KEYS.items():
            *parents, leaf = name.split(".")
            table: Any = document
            for depth, part in enumerate(parents, start=1):
                table = table.get(part, {})
                if not isinstance(table, dict):
                    where = ".".join(parents[:depth])
                    raise self._refuse(
                        _line_of(text, tuple(parents[:depth])),
                        message(messages.SETTINGS_MUST_BE_TABLE, key=where),
                    )
            if leaf not in table or name in skip:
                continue
            try:
                values[name] = key.check(table[leaf])
            except InvalidInputError as error:
                at = (*parents, leaf, *(error.at if isinstance(error, _Problem) else ()))
                raise self._refuse(_line_of(text, at), _said(error), key=name) from None
        return Settings(values, dict(_unknown(document)))

    def _refuse(
        self, line: int | None, reason: str | Message, *, key: str = "", syntax: bool = False
    ) -> SettingsFileError:
        where = f"{self.path}:{line}" if line else str(self.path)
        if syntax:
            said = message(messages.SETTINGS_NOT_TOML, where=where, reason=reason)
        elif key:
            said = message(messages.SETTINGS_REFUSED_KEY, where=where, reason=reason, key=key)
        else:
            said = message(messages.SETTINGS_REFUSED, where=where, reason=reason)
        return SettingsFileError(said, self.path, key)

    # -- writing ----------------------------------------------------------------------

    def _write(self, document: dict[str, Any]) -> None:
        import tempfile

        import tomli_w

        text = _FILE_HEADER + tomli_w.dumps(document)
        target = Path(os.path.realpath(self.path))  # a symlinked file stays a symlink
        temp = ""
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temp = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
            )
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
                out.write(text)
                out.flush()
                os.fsync(out.fileno())
            # A new file keeps mkstemp's 0600: an address may carry a password.
            with contextlib.suppress(FileNotFoundError):
                os.chmod(temp, stat.S_IMODE(os.stat(target).st_mode))
            os.replace(temp, target)
        except OSError as error:
            if temp:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
            reason = error.strerror or str(error)
            raise SettingsFileError(
                Message(SETTINGS_CANNOT_SAVE, {"path": str(self.path), "reason": reason}), self.path
            ) from None
        # The rename itself survives a power cut once the folder is on disk too.
        with contextlib.suppress(OSError):
            folder = os.open(target.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)


_POSITION = re.compile(r"\s*\((?:at line (\d+), column \d+|at end of document)\)$")


def _decode_error(message: str, text: str) -> tuple[str, int]:
    """tomllib's reason and line number: it writes them into one message."""
    match = _POSITION.search(message)
    if match is None:
        return message, 0
    reason = message[: match.start()]
    line = int(match.group(1)) if match.group(1) else max(1, len(text.splitlines()))
    return reason[:1].lower() + reason[1:], line


_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_DOTTED = re.compile(rf"\s*({_KEY_PART}(?:\s*\.\s*{_KEY_PART})*)\s*")
_HEADER = re.compile(rf"\s*\[\[?{_DOTTED.pattern}\]\]?")
_ASSIGNMENT = re.compile(rf"{_DOTTED.pattern}=")


def _dotted(text: str) -> tuple[str, ...]:
    return tuple(part.strip("\"'") for part in re.findall(_KEY_PART, text))


def _line_of(text: str, at: tuple[str, ...]) -> int | None:
    """The line that sets `at` (or the deepest part of it found): a best effort for a
    message, reading headers and `key =` lines; None when nothing matches."""
    table: tuple[str, ...] = ()
    best, best_depth = None, 0
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            table = _dotted(header.group(1))
            found = table
        else:
            assignment = _ASSIGNMENT.match(line)
            if assignment is None:
                continue
            found = (*table, *_dotted(assignment.group(1)))
        if found and at[: len(found)] == found and len(found) > best_depth:
            best, best_depth = number, len(found)
    return best


def _unknown(document: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """The dotted keys (and values) of the document that no known key covers."""
    tables = {name.split(".")[0] for name in KEYS}
    for top, value in document.items():
        if top not in tables:
            yield top, value
            continue
        for inner, item in value.items():
            if f"{top}.{inner}" not in KEYS:
                yield f"{top}.{inner}", item


# -- what the settings decide ------------------------------------------------------------


@dataclass(frozen=True)
class HostChoice:
    """The Ollama address to use and what decided it: the flag's name, OLLAMA_HOST,
    "settings" (the first of ollama.hosts) or "default"."""

    host: str
    source: str


def choose_host(
    explicit: str | None = None,
    *,
    source: str = "--host",
    saved_hosts: Sequence[str] | None = None,
) -> HostChoice:
    """The one rule, for the command line and the window alike: the flag (`explicit`),
    then OLLAMA_HOST, then the settings file's first host, then the default.

    The usual order for a tool: what this invocation says beats what this shell says
    beats what was saved for every day. `saved_hosts` None reads the settings file, and
    only when neither the flag nor OLLAMA_HOST decides.
    """
    if explicit is not None:
        return HostChoice(resolve_ollama_host(explicit, source=source), source)
    if os.environ.get(OLLAMA_HOST_ENV):
        return HostChoice(resolve_ollama_host(None), OLLAMA_HOST_ENV)
    hosts = SettingsFile().load().hosts if saved_hosts is None else list(saved_hosts)
    if hosts:
        return HostChoice(hosts[0], "settings")
    return HostChoice(DEFAULT_OLLAMA_HOST, "default")


def new_run_options(
    settings: Settings, pairs: Sequence[str], *, allow_unknown: bool = False
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(options, request fields) for a new run: the saved defaults, then each
    `KEY=VALUE` over them; `KEY=` drops a default. Replays never come here: they send what
    their run recorded."""
    from journal.core.option_schema import is_known
    from journal.core.options import UnknownOptionError

    saved = settings.options
    removed = [pair[:-1].strip() for pair in pairs if _removes(pair)]
    options, request = parse_assignments(
        [pair for pair in pairs if not _removes(pair)],
        allow_unknown=allow_unknown,
        recorded=saved.keys(),  # saved on purpose: not a new typo
    )
    merged = {**saved, **options}
    fields = {**settings.request, **request}
    for key in removed:
        if not key:
            raise InvalidInputError("Options are KEY=VALUE, like temperature=0.2; got '='.")
        if key not in merged and not is_known(key) and not allow_unknown:
            raise UnknownOptionError(key)
        merged.pop(key, None)
        fields.pop(key, None)
    return merged, fields


def _removes(pair: str) -> bool:
    """`KEY=` with nothing after it: drop KEY (as `journal replay -o KEY=` does)."""
    return pair.endswith("=") and pair.count("=") == 1
