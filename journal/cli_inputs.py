"""`journal inputs EXPERIMENT import FILE | list | add NAME=VALUE ... | remove ROW`.

An experiment's input set, a table of cases for its template's variables; the core reads,
checks and stores it (core.input_sets). Light to import: the core is imported inside the
handlers.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from journal.cli_support import (
    AddCommand,
    accept_common_after_action,
    free_text,
    open_journal,
    open_journal_for_reading,
    print_json,
    print_table,
    record_id,
)

if TYPE_CHECKING:
    from journal.core.input_sets import SavedRow

CELL_WIDTH = 40


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _cell(value: str) -> str:
    """One line, cut short: a table shows cases, `--json` gives them whole."""
    line = " ".join(value.splitlines()) if ("\n" in value or "\r" in value) else value
    return line if len(line) <= CELL_WIDTH else line[: CELL_WIDTH - 1] + "…"


def row_record(row: SavedRow) -> dict[str, object]:
    return {
        "position": row.position,
        "uuid": row.uuid,
        "values": row.values,
        "expectations": list(row.expectations),
    }


def _choose_an_action(args: argparse.Namespace) -> int:
    from journal.core.errors import InvalidInputError

    raise InvalidInputError(
        "Say what to do: journal inputs EXPERIMENT import FILE | list | add NAME=VALUE ... | "
        "remove ROW."
    )


def cmd_inputs_import(args: argparse.Namespace) -> int:
    from journal.core.formatting import plural
    from journal.core.input_sets import import_file

    with open_journal(args) as journal, journal.write() as session:
        added = import_file(session, args.experiment, Path(args.file))
    first = added[0].position if added else 0
    _say(
        f"experiment {args.experiment}: {plural(len(added), 'input row')} added from "
        f"{args.file} (rows {first} to {first + len(added) - 1})"
    )
    return 0


def cmd_inputs_list(args: argparse.Namespace) -> int:
    from journal.core.input_sets import list_rows
    from journal.core.queries import get_experiment

    with open_journal_for_reading(args) as journal, journal.read() as session:
        get_experiment(session, args.experiment)
        rows = list_rows(session, args.experiment)
    if args.json:
        print_json([row_record(row) for row in rows], sys.stdout)
        return 0
    if not rows:
        _say(
            f"experiment {args.experiment} has no input rows: add some with "
            f"`journal inputs {args.experiment} import cases.csv` or `add NAME=VALUE`."
        )
        return 0
    names = list(rows[0].values)
    table = [("#", *names, "expectations")]
    for row in rows:
        table.append(
            (
                str(row.position),
                *(_cell(row.values.get(name, "")) for name in names),
                _cell(" · ".join(row.expectations)),
            )
        )
    print_table(table)
    return 0


def cmd_inputs_add(args: argparse.Namespace) -> int:
    from journal.core.input_sets import add_row, row_from_cells
    from journal.core.templates import parse_assignments

    cells = parse_assignments(args.values)
    row = row_from_cells(cells, args.expect or ())
    with open_journal(args) as journal, journal.write() as session:
        saved = add_row(session, args.experiment, row)
    if args.json:
        print_json(row_record(saved), sys.stdout)
    _say(f"experiment {args.experiment}: input row {saved.position} added")
    return 0


def cmd_inputs_remove(args: argparse.Namespace) -> int:
    from journal.core.input_sets import find_row, remove_row

    with open_journal(args) as journal, journal.write() as session:
        row = find_row(session, args.experiment, args.row)
        remove_row(session, row.id)
    _say(
        f"experiment {args.experiment}: input row {row.position} removed; "
        "runs made from it keep their values."
    )
    return 0


def register(add: AddCommand) -> None:
    inputs = add(
        "inputs",
        _choose_an_action,
        "an experiment's input set (one row per case): import, list, add, remove",
        json_output=False,
    )
    inputs.add_argument(
        "experiment", type=record_id, metavar="EXPERIMENT", help="the experiment's id"
    )
    actions = inputs.add_subparsers(
        dest="action", metavar="ACTION", required=True, help="what to do with its input set"
    )

    importing = actions.add_parser(
        "import",
        help="add the rows of a CSV (comma or semicolon) or JSON Lines (.jsonl) file; "
        "the first CSV row names the variables; columns expected and expect hold expectations",
    )
    importing.add_argument(
        "file", type=free_text, metavar="FILE", help="the .csv or .jsonl file to read"
    )
    importing.set_defaults(handler=cmd_inputs_import)

    listing = actions.add_parser("list", help="the rows as a table")
    listing.add_argument("--json", action="store_true", help="print them as JSON")
    listing.set_defaults(handler=cmd_inputs_list)

    adding = actions.add_parser("add", help="add one row: NAME=VALUE for each variable")
    adding.add_argument(
        "values",
        nargs="+",
        type=free_text,
        metavar="NAME=VALUE",
        help="a value for each variable of the prompt",
    )
    adding.add_argument(
        "--expect",
        action="append",
        type=free_text,
        metavar="LINE",
        help="an expectation of this row only, like contains:Paris (repeatable)",
    )
    adding.add_argument("--json", action="store_true", help="print the row as JSON")
    adding.set_defaults(handler=cmd_inputs_add)

    removing = actions.add_parser("remove", help="remove one row (its runs stay as they are)")
    removing.add_argument("row", type=free_text, metavar="ROW", help="the row's # in list")
    removing.set_defaults(handler=cmd_inputs_remove)

    for action in (importing, listing, adding, removing):
        accept_common_after_action(action)
