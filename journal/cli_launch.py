"""The `journal` command's first step, kept to the standard library's `sys`.

`journal --version` is what scripts and package managers ask to see whether the journal is
there; it needs no parser and no command module, so it is answered before any is imported.
Everything else goes on to `journal.cli`.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

GLOBAL_VALUE_OPTIONS = ("--db", "--host")
"""Options before the command that take a value; `--db=PATH` is one token."""


def command_words(tokens: Sequence[str]) -> list[str]:
    """`tokens` without the global options and their values, as the parser would see the
    command; a global option given without its value keeps what follows as its value."""
    words: list[str] = []
    rest = list(tokens)
    while rest:
        token = rest.pop(0)
        if token in GLOBAL_VALUE_OPTIONS:
            rest = rest[1:]
        elif not token.startswith(tuple(option + "=" for option in GLOBAL_VALUE_OPTIONS)):
            words.append(token)
    return words


def asks_only_version(tokens: Sequence[str]) -> bool:
    """True for `journal --version`, with or without --db/--host (benchmarks and scripts
    pass --db everywhere)."""
    return command_words(tokens) == ["--version"]


def main(argv: Sequence[str] | None = None) -> int:
    given = sys.argv[1:] if argv is None else list(argv)
    if asks_only_version(given):
        from journal import __version__

        print(f"journal {__version__}")
        return 0
    from journal.cli import main as run_command

    return run_command(given)
