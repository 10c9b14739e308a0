"""`journal rm`, `restore`, `trash`, `archive` and `duplicate`: putting experiments and runs
away, and taking them back.

The core does the work (core.trash, core.archive, core.duplicate); these handlers say what
it did in one line. Light to import: the core is imported inside the handlers.
"""

from __future__ import annotations

import argparse
import sys

from journal.cli_support import (
    AddCommand,
    open_journal,
    open_journal_for_reading,
    print_json,
    print_table,
    record_id,
)


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _receipt_json(receipt: object, *, restored: bool = False) -> dict[str, object]:
    from journal.core.models import to_iso
    from journal.core.trash import TrashReceipt

    assert isinstance(receipt, TrashReceipt)
    return {
        "restored" if restored else "trashed": {
            "experiments": list(receipt.experiment_ids),
            "runs": list(receipt.run_ids),
        },
        "at": to_iso(receipt.stamp),
        "message": receipt.summary(restored=restored),
    }


def _nothing_named(what: str) -> int:
    from journal.core.errors import InvalidInputError

    raise InvalidInputError(f"Name what to {what}: EXPERIMENT ... or --run RUN ...")


def _move(args: argparse.Namespace, *, restored: bool) -> int:
    """`journal rm` and `journal restore`: the named experiments and runs, in one write."""
    from journal.core.trash import restore_experiments, restore_runs, trash_experiments, trash_runs

    if not args.experiments and not args.run:
        return _nothing_named("restore" if restored else "move to the trash")
    of_experiments = restore_experiments if restored else trash_experiments
    of_runs = restore_runs if restored else trash_runs
    with open_journal(args) as journal, journal.write() as session:
        receipts = []
        if args.experiments:
            receipts.append(of_experiments(session, args.experiments))
        if args.run:
            receipts.append(of_runs(session, args.run))
    if args.json:
        print_json([_receipt_json(r, restored=restored) for r in receipts], sys.stdout)
    else:
        for receipt in receipts:
            _say(receipt.summary(restored=restored))
    return 0


def cmd_rm(args: argparse.Namespace) -> int:
    return _move(args, restored=False)


def cmd_restore(args: argparse.Namespace) -> int:
    return _move(args, restored=True)


def cmd_trash(args: argparse.Namespace) -> int:
    if args.empty:
        return _empty(args)
    from journal.core.formatting import plural
    from journal.core.trash import trash_contents

    with open_journal_for_reading(args) as journal, journal.read() as session:
        items = trash_contents(session)
    if args.json:
        print_json([item.as_json() for item in items], sys.stdout)
        return 0
    if not items:
        _say("The trash is empty.")
        return 0
    rows = [("WHAT", "TRASHED", "WITH", "EXPERIMENT / MODEL", "RESTORE")]
    for item in items:
        when = item.trashed_at.isoformat(timespec="minutes").replace("T", " ")[:16]
        if item.kind == "experiment":
            rows.append(
                (
                    f"experiment {item.id}",
                    when,
                    plural(item.runs, "run"),
                    item.label or "(untitled)",
                    f"journal restore {item.id}",
                )
            )
        else:
            rows.append(
                (
                    f"run {item.id}",
                    when,
                    plural(item.runs, "later turn") if item.runs else "-",
                    f"{item.experiment_id}: {item.label}",
                    f"journal restore --run {item.id}",
                )
            )
    print_table(rows)
    return 0


def _empty(args: argparse.Namespace) -> int:
    from journal.core.trash import empty_trash, trash_contents

    with open_journal(args) as journal:
        if not args.yes and sys.stdin.isatty():
            with journal.read() as session:
                items = trash_contents(session)
            if not items:
                _say("The trash is empty.")
                return 0
            answer = input(
                f"Delete the {len(items)} item(s) in the trash for good? This cannot be "
                "undone. [y/N] "
            )
            if answer.strip().lower() not in ("y", "yes"):
                _say("Nothing was deleted.")
                return 1
        with journal.write() as session:
            emptied = empty_trash(session)
    if args.json:
        print_json(emptied.as_json(), sys.stdout)
    else:
        _say(emptied.summary())
    return 0


def cmd_archive(args: argparse.Namespace) -> int:
    from journal.core.archive import set_archived

    with open_journal(args) as journal, journal.write() as session:
        changed = set_archived(session, args.experiments, archived=not args.undo)
    unchanged = [i for i in dict.fromkeys(args.experiments) if i not in changed]
    if args.json:
        print_json({"changed": changed, "unchanged": unchanged}, sys.stdout)
        return 0
    done = "Took out of the archive" if args.undo else "Archived"
    if changed:
        names = ", ".join(str(i) for i in changed)
        tail = "" if args.undo else "; journal list --archived shows them"
        _say(f"{done} experiment{'s' if len(changed) > 1 else ''} {names}{tail}.")
    if unchanged:
        state = "not archived" if args.undo else "already archived"
        _say(f"Left {', '.join(str(i) for i in unchanged)} as they were ({state}).")
    return 0


def cmd_duplicate(args: argparse.Namespace) -> int:
    from journal.core.duplicate import duplicate_experiment

    with open_journal(args) as journal, journal.write() as session:
        copy = duplicate_experiment(session, args.experiment)
    if args.json:
        print_json(copy.as_json(), sys.stdout)
        return 0
    _say(copy.summary())
    if copy.draft:
        _say(
            f"An experiment keeps no prompt of its own: start the copy's first run from run "
            f"{copy.draft['run_id']}'s prompt and settings (--json lists them)."
        )
    print(copy.experiment_id)
    return 0


def register(add: AddCommand) -> None:
    rm = add(
        "rm",
        cmd_rm,
        "move experiments (with their runs) or runs (with their later turns) to the trash",
    )
    rm.add_argument(
        "experiments",
        nargs="*",
        type=record_id,
        metavar="EXPERIMENT",
        help="an experiment to move to the trash, with all its runs",
    )
    rm.add_argument(
        "--run",
        nargs="+",
        type=record_id,
        metavar="RUN",
        help="a run to move to the trash, with the turns that follow it",
    )

    restore = add("restore", cmd_restore, "bring experiments or runs back from the trash")
    restore.add_argument(
        "experiments",
        nargs="*",
        type=record_id,
        metavar="EXPERIMENT",
        help="an experiment to bring back, with the runs that went with it",
    )
    restore.add_argument(
        "--run",
        nargs="+",
        type=record_id,
        metavar="RUN",
        help="a run to bring back, with the later turns that went with it",
    )

    trash = add("trash", cmd_trash, "list what is in the trash, or empty it")
    trash.add_argument(
        "--empty",
        action="store_true",
        help="delete what is in the trash for good, and the images no run shows any more",
    )
    trash.add_argument(
        "--yes",
        action="store_true",
        help="with --empty: do not ask first (it never asks when not run in a terminal)",
    )

    archive = add(
        "archive",
        cmd_archive,
        "hide experiments from the default list without deleting them",
    )
    archive.add_argument(
        "experiments",
        nargs="+",
        type=record_id,
        metavar="EXPERIMENT",
        help="an experiment to archive",
    )
    archive.add_argument(
        "--undo", action="store_true", help="take the experiments out of the archive instead"
    )

    duplicate = add(
        "duplicate",
        cmd_duplicate,
        "copy an experiment with its expectations and input set (not its runs); prints the new id",
    )
    duplicate.add_argument(
        "experiment", type=record_id, metavar="EXPERIMENT", help="the experiment to copy"
    )
