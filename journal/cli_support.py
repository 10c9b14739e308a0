"""What the `journal` subcommands share: opening the journal, arguments, printing, Ctrl-C.

Qt-free and light to import: command modules (cli.py and feature modules such as an
export or replay command) import this at top level and the heavy core inside functions.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, NoReturn, Protocol, TextIO, cast

from journal.core.errors import InvalidInputError
from journal.core.terminal import visible_controls

if TYPE_CHECKING:
    from journal.core.domain import ExperimentFilter, ExperimentSummary
    from journal.core.host_limits import HostLimit
    from journal.core.models import Run
    from journal.core.ollama_service import OllamaService
    from journal.core.reading import ReadJournal
    from journal.core.settings import Settings
    from journal.core.storage import Journal


class AddCommand(Protocol):
    """`add(name, handler, help)` registers a subcommand with --db, --host (and --json);
    `many_hosts` makes its --host repeatable (a list of addresses)."""

    def __call__(
        self,
        name: str,
        handler: Callable[[argparse.Namespace], int],
        help_text: str,
        *,
        json_output: bool = True,
        many_hosts: bool = False,
    ) -> argparse.ArgumentParser: ...


def open_journal(args: argparse.Namespace) -> Journal:
    """For commands that write: creates the journal if there is none yet."""
    from journal.core.paths import resolve_db_path
    from journal.core.storage import Journal

    return Journal.open(resolve_db_path(args.db))


def open_journal_for_reading(args: argparse.Namespace) -> Journal:
    """For commands that only read: never creates a journal, and reads one it cannot write."""
    from journal.core.paths import resolve_db_path
    from journal.core.storage import Journal

    return Journal.open_for_reading(resolve_db_path(args.db))


def open_reader(args: argparse.Namespace) -> ReadJournal:
    """For commands that only read (list, search, show, matrix): plain sqlite3,
    never creating, upgrading or otherwise writing to the journal."""
    from journal.core.paths import resolve_db_path
    from journal.core.reading import ReadJournal

    return ReadJournal.open(resolve_db_path(args.db))


def given_hosts(args: argparse.Namespace) -> list[str]:
    """The --host values: a list from a command whose --host repeats (`journal batch --host A
    --host B`), one string from the others (or `journal --host A batch`), none when not
    given."""
    given = getattr(args, "host", None)
    if given is None:
        return []
    return [given] if isinstance(given, str) else list(given)


def ollama_host(args: argparse.Namespace) -> str:
    """The Ollama address: --host (the first one), then OLLAMA_HOST, then the settings
    file's first host, then the default (the core's one rule); refused in one line if
    unusable."""
    given = given_hosts(args)
    if len(given) > 1 or (given and "limit=" in given[0]):
        return host_limits(args)[0].address
    from journal.core.settings import choose_host

    return choose_host(given[0] if given else None, source="--host").host


def host_limits(args: argparse.Namespace) -> list[HostLimit]:
    """The hosts a command spreading work uses, with their limits: each --host (`URL` or
    `URL,limit=N`), else OLLAMA_HOST or the settings' first, then the settings' others."""
    from journal.core.hosts import choose_host_limits

    return choose_host_limits(given_hosts(args))


def saved_settings() -> Settings:
    """The settings file (default options for new runs...), refused in one line if damaged."""
    from journal.core.settings import SettingsFile

    return SettingsFile().load()


def service(args: argparse.Namespace) -> OllamaService:
    host = ollama_host(args)  # before the client is even imported
    from journal.core.ollama_service import OllamaService

    return OllamaService(host)


# -- arguments --------------------------------------------------------------------------

LARGEST_ID = 2**63 - 1
"""SQLite's largest integer: no record has a larger id, and the driver cannot even look
one up (it raises OverflowError)."""


class ArgumentsRefused(InvalidInputError):
    """The command line cannot be parsed; main() prints it and exits with status 2."""


class JournalArgumentParser(argparse.ArgumentParser):
    """argparse, with each mistake told in one line instead of a usage block and an exit,
    and a misspelled command, option or choice answered with the likely one."""

    def _get_formatter(self) -> argparse.HelpFormatter:
        """argparse's formatter at the width argparse would give it (see `help_width`)."""
        make: Callable[..., argparse.HelpFormatter] = self.formatter_class
        return make(prog=self.prog, width=help_width() - 2)

    def error(self, message: str) -> NoReturn:
        self._refuse(f"error: {message}" + ("" if message.endswith("?") else "."))

    def _refuse(self, message: str) -> NoReturn:
        raise ArgumentsRefused(f"{self.prog}: {message} See `{self.prog} --help`.")

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        """argparse's check of a value against `choices`: a subcommand or a --verdict."""
        choices = action.choices
        if choices is None or value in choices:
            return
        names = [str(choice) for choice in choices]
        guess = _did_you_mean(str(value), names)
        if isinstance(action, argparse._SubParsersAction):
            what = action.metavar.lower() if isinstance(action.metavar, str) else "command"
            known = guess or f" The {what}s: {', '.join(names)}."
            self._refuse(f"unknown {what} '{value}'.{known}")
        try:
            super()._check_value(action, value)
        except argparse.ArgumentError as refused:
            raise argparse.ArgumentError(
                action, refused.message + (f".{guess}" if guess else "")
            ) from None

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        """Each (sub)command refuses an option it does not know, naming the likely one."""
        parsed, extras = super().parse_known_args(args, namespace)
        options = extras[: extras.index("--")] if "--" in extras else extras
        unknown = next((token for token in options if _looks_like_option(token)), None)
        if unknown is not None:
            given = unknown.split("=", 1)[0]
            guess = _did_you_mean(given, list(self._option_string_actions))
            self._refuse(f"unknown option '{given}'.{guess}")
        return parsed, extras


def help_width() -> int:
    """`shutil.get_terminal_size().columns`, as argparse asks it for its help (COLUMNS, else
    the terminal on standard output, else 80), without importing shutil: argparse asks on
    every argument a parser adds, and shutil, with the compression modules it imports, was
    a read command's largest import after dataclasses (tests/test_cli_read_imports.py)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        stdout = sys.__stdout__
        try:
            columns = os.get_terminal_size(stdout.fileno()).columns if stdout is not None else 0
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


def _looks_like_option(token: str) -> bool:
    """`--limt`, `-x`; not `-` or `-5`."""
    return (token.startswith("--") and len(token) > 2) or (
        token[:1] == "-" and token[1:2].isalpha()
    )


def _did_you_mean(given: str, known: Sequence[str]) -> str:
    """` Did you mean 'search'?`, or empty when nothing is close."""
    import difflib  # only a refused argument needs it

    close = difflib.get_close_matches(given, known, n=1, cutoff=0.6)
    return f" Did you mean '{close[0]}'?" if close else ""


def accept_common_after_action(parser: argparse.ArgumentParser) -> None:
    """--db and --host after an action too (`journal expect 3 list --db j.sqlite`)."""
    parser.add_argument("--db", default=argparse.SUPPRESS, metavar="PATH", help=argparse.SUPPRESS)
    parser.add_argument("--host", default=argparse.SUPPRESS, metavar="URL", help=argparse.SUPPRESS)


def _whole_number(text: str) -> int | None:
    digits = text.strip()
    return int(digits) if digits.isascii() and digits.isdigit() else None


def record_id(text: str) -> int:
    """argparse type for the id of an experiment, run or check."""
    number = _whole_number(text)
    if number is None or not 1 <= number <= LARGEST_ID:
        raise argparse.ArgumentTypeError(
            f"'{text}' is not an id (ids are whole numbers from 1 to {LARGEST_ID})"
        )
    return number


def count(text: str) -> int:
    """argparse type for how many (a --limit, an item number)."""
    number = _whole_number(text)
    if number is None or not 1 <= number <= LARGEST_ID:
        raise argparse.ArgumentTypeError(f"'{text}' is not a whole number from 1 to {LARGEST_ID}")
    return number


def free_text(text: str) -> str:
    """argparse type marking an argument that holds prose (a prompt, a note, a tag): its
    value may begin with a dash, see `join_dash_values`."""
    return text


def join_dash_values(parser: argparse.ArgumentParser, argv: Sequence[str]) -> list[str]:
    """Let free text begin with a dash: `--why '---'`, `-p '-5 degrees?'`, `search -O2`.

    argparse takes such a value for an option and stops. Joined to its option
    (`--why=---`, `-p-5`) it cannot be mistaken; a search text that is no option of its
    command moves behind `--`. `-` alone (standard input) is left as it is.
    """
    tokens = list(argv)
    out: list[str] = []
    moved: list[str] = []
    current = parser
    positionals = 0
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if token == "--":
            out += tokens[index - 1 :]
            moved = []  # the person already separated the texts: leave them be
            break
        action = _option_taking_a_value(current, token)
        if action is not None and index < len(tokens):
            value = tokens[index]
            index += 1
            if action.type is free_text and value.startswith("-") and value != "-":
                out.append(f"{token}={value}" if token.startswith("--") else token + value)
            else:
                out += [token, value]
            continue
        if token.startswith("-") and token != "-" and not _is_option(current, token):
            if positionals == 0 and not moved and _text_positional(current):
                moved.append(token)
                continue
        elif not token.startswith("-") or token == "-":
            command = _subcommand(current, token)
            if command is not None:
                current, positionals = command, 0
            else:
                positionals += 1
        out.append(token)
    return [*out, "--", *moved] if moved else out


def _long_option(parser: argparse.ArgumentParser, token: str) -> argparse.Action | None:
    """The action of a long option, exact or abbreviated as argparse allows."""
    actions = parser._option_string_actions
    if token in actions:
        return actions[token]
    matches = {actions[name] for name in actions if name.startswith(token)}
    return matches.pop() if len(matches) == 1 else None


def _is_option(parser: argparse.ArgumentParser, token: str) -> bool:
    name = token.split("=", 1)[0]
    if token.startswith("--"):
        return _long_option(parser, name) is not None
    return token[:2] in parser._option_string_actions


def _option_taking_a_value(parser: argparse.ArgumentParser, token: str) -> argparse.Action | None:
    """The action when `token` is an option whose value is the next token."""
    if not token.startswith("-") or "=" in token:
        return None
    if token.startswith("--"):
        action = _long_option(parser, token)
    elif len(token) == 2:
        action = parser._option_string_actions.get(token)
    else:
        return None  # -pVALUE: the value is attached already
    return action if action is not None and action.nargs is None else None


def _subcommand(parser: argparse.ArgumentParser, token: str) -> argparse.ArgumentParser | None:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            found: argparse.ArgumentParser | None = action.choices.get(token)
            return found
    return None


def _text_positional(parser: argparse.ArgumentParser) -> bool:
    """True when the command's only positional argument is free text (`search TEXT`)."""
    positional = [action for action in parser._actions if not action.option_strings]
    return len(positional) == 1 and positional[0].type is free_text


# -- terminal output --------------------------------------------------------------------

RAW_HELP = "write text to a terminal byte for byte, escape sequences included"

# Placeholders for the journal's own styles; `write_styled` turns them into escape
# sequences while everything around them goes through `visible_controls`.
STYLE_END, STYLE_MATCH, STYLE_REMOVED, STYLE_ADDED = "\ue000", "\ue001", "\ue002", "\ue003"
_STYLES = {
    STYLE_END: "\x1b[0m",
    STYLE_MATCH: "\x1b[1;33m",
    STYLE_REMOVED: "\x1b[31m",
    STYLE_ADDED: "\x1b[32m",
}
_STYLE_PATTERN = re.compile("|".join(_STYLES))


class VisibleControls:
    """A terminal stream that shows control characters instead of obeying them.

    Stands in for sys.stdout or sys.stderr while a command runs on a terminal, so text a
    model or an import wrote cannot retitle the window, clear the screen or plant links.
    It has no `buffer`: bytes written there would bypass it.
    """

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(visible_controls(text))
        return len(text)

    def write_exact(self, text: str) -> None:
        """For the journal's own control sequences (colours, a progress line's \\r)."""
        self.stream.write(text)

    def __getattr__(self, name: str) -> Any:
        if name == "buffer":
            raise AttributeError(name)
        return getattr(self.stream, name)


@contextlib.contextmanager
def terminal_output(*, raw: bool) -> Iterator[None]:
    """While a command runs, what it writes to a terminal shows controls visibly; with
    `raw` (--raw), or when the output is piped, every byte goes out as it is."""
    saved = sys.stdout, sys.stderr
    if not raw:
        for name in ("stdout", "stderr"):
            stream = getattr(sys, name)
            if stream is not None and stream.isatty():
                setattr(sys, name, cast(TextIO, VisibleControls(stream)))
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def write_exact(stream: TextIO, text: str) -> None:
    """Write the journal's own control sequence, past a VisibleControls if there is one."""
    exact: Callable[[str], object] = getattr(stream, "write_exact", stream.write)
    exact(text)


def write_styled(stream: TextIO, text: str) -> None:
    """Write `text`, its STYLE_* placeholders as escape sequences and the rest as text."""
    start = 0
    for match in _STYLE_PATTERN.finditer(text):
        stream.write(text[start : match.start()])
        write_exact(stream, _STYLES[match.group()])
        start = match.end()
    stream.write(text[start:])


def print_json(value: Any, out: TextIO) -> None:
    json.dump(value, out, ensure_ascii=False, indent=2, default=str)
    out.write("\n")


def run_record(run: Run) -> dict[str, Any]:
    record = run.model_dump(mode="json", exclude={"owner", "heartbeat_at"})
    record["tokens_per_second"] = run.tokens_per_second
    return record


def summary_record(row: ExperimentSummary) -> dict[str, Any]:
    """A list row as JSON: its fields, with each model's standing as model and verdict."""
    standings = [
        {"model": model, "verdict": verdict.value if verdict else None}
        for model, verdict in row.standings
    ]
    return {**row.__dict__, "standings": standings}


def filters_from(args: argparse.Namespace) -> ExperimentFilter:
    from journal.core.domain import ExperimentFilter, with_verdict_choice

    filters = ExperimentFilter(
        model=getattr(args, "model", None),
        tag=getattr(args, "tag", None),
        search=getattr(args, "search", None),
    )
    return with_verdict_choice(filters, getattr(args, "verdict", None))


def read_text(value: str | None, label: str) -> str:
    if value == "-":
        return sys.stdin.read()
    if value and value.startswith("@"):
        from pathlib import Path

        from journal.core.errors import InvalidInputError

        path = Path(value[1:]).expanduser()
        try:
            return path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInputError(f"Cannot read the {label} from {path}: {exc}.") from None
    return value or ""


def print_table(rows: Sequence[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=False)]
        print("  ".join([*cells, row[-1]]).rstrip())


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", metavar="M", help="only experiments with a run on this model")
    parser.add_argument(
        "--verdict",
        choices=("worked", "partly", "failed", "unrated"),
        help="only experiments whose latest verdict on some model (on --model, if given) is "
        "this; unrated: a model with a finished run not judged yet",
    )
    parser.add_argument("--tag", metavar="T", type=free_text, help="only experiments with this tag")
    parser.add_argument(
        "--search",
        metavar="TEXT",
        type=free_text,
        help="only experiments whose text matches, read as `journal search` reads it",
    )
