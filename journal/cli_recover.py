"""`journal recover`: copy what a damaged journal still holds into a new journal file.

Light to import like every command module: the core is imported inside the handler.
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path

from journal.cli_support import AddCommand, print_json


def cmd_recover(args: argparse.Namespace) -> int:
    from journal.core.errors import InvalidInputError
    from journal.core.recover import recover_journal

    if args.output == "-":
        raise InvalidInputError("A journal cannot go to standard output: name a new file with -o.")
    target = Path(args.output).expanduser()
    report = recover_journal(Path(args.damaged).expanduser(), target)
    if args.json:
        print_json(report.as_dict(), sys.stdout)
    else:
        print(report.summary(), file=sys.stderr)
        print(f"Open it with `journal --db {shlex.quote(str(target))}`.", file=sys.stderr)
    return 0


def register(add: AddCommand) -> None:
    recover = add(
        "recover",
        cmd_recover,
        "copy what a damaged journal still holds into a new journal file",
    )
    recover.add_argument(
        "damaged", metavar="DAMAGED", help="the damaged journal file (only read, never changed)"
    )
    recover.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="NEW",
        help="the new journal file to write; it must not exist yet",
    )
