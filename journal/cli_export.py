"""`journal export` and `journal import`: the journal as a Markdown notebook, and back.

Light to import like every command module: the core is imported inside the handlers.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from journal.cli_support import (
    AddCommand,
    add_filter_arguments,
    filters_from,
    open_journal,
    record_id,
)
from journal.cli_support import print_json as _print_json

if TYPE_CHECKING:
    from journal.core.domain import ExperimentFilter
    from journal.core.export_entries import ExportSelection
    from journal.core.export_markdown import ExportResult
    from journal.core.reading import ReadJournal
    from journal.core.storage import Journal


def parse_since(value: str) -> datetime:
    """`2026-01-31` (midnight UTC) or an ISO time such as `2026-01-31T14:00+01:00`."""
    from journal.core.errors import InvalidInputError

    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInputError(
            f"--since takes a date like 2026-01-31 or a time like 2026-01-31T14:00, not '{value}'."
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _filters(args: argparse.Namespace) -> ExperimentFilter:
    filters = filters_from(args)
    since: Any = getattr(args, "since", None)
    if isinstance(since, str):
        since = parse_since(since)
    if since is not None and filters.since is None:
        filters = dataclasses.replace(filters, since=since)
    return filters


def _to_stdout(journal: Journal | ReadJournal, selection: ExportSelection) -> ExportResult:
    """UTF-8 whatever the terminal's encoding: the export is a UTF-8 document."""
    from journal.core.export_markdown import export_to_stream

    sys.stdout.flush()
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is None:
        return export_to_stream(journal, sys.stdout, selection=selection)
    out = io.TextIOWrapper(buffer, encoding="utf-8", newline="")
    try:
        return export_to_stream(journal, out, selection=selection)
    finally:
        try:
            out.flush()
        finally:
            out.detach()  # sys.stdout keeps its buffer


def cmd_export(args: argparse.Namespace) -> int:
    from journal.core.errors import InvalidInputError
    from journal.core.export_entries import ExportSelection
    from journal.core.export_markdown import (
        Layout,
        export_to_path,
        open_for_export,
        require_experiment,
    )
    from journal.core.notebook_format import ExportTargetExistsError, SpecialTargetError
    from journal.core.paths import resolve_db_path

    selection = ExportSelection(_filters(args), args.experiment)
    layout = Layout(args.layout)
    if args.output == "-" and layout is Layout.FOLDER:
        raise InvalidInputError("A folder cannot go to standard output: name a folder with -o.")
    with open_for_export(resolve_db_path(args.db)) as journal:  # no ORM, mostly
        if args.experiment is not None:
            require_experiment(journal, args.experiment)  # "There is no experiment 42."
        if args.output == "-":
            result = _to_stdout(journal, selection)
        else:
            try:
                result = export_to_path(
                    journal, Path(args.output), layout=layout, selection=selection, force=args.force
                )
            except ExportTargetExistsError as exc:
                if isinstance(exc, SpecialTargetError):
                    raise InvalidInputError(
                        f"{exc.message} To write to standard output, use -o -."
                    ) from None
                if exc.replaceable and not args.force:
                    raise InvalidInputError(f"{exc.message} Add --force to replace it.") from None
                raise
    if args.json:
        record = {
            "path": None if result.path is None else str(result.path),
            "layout": result.layout.value,
            "experiments": result.experiments,
            "runs": result.runs,
            "size": result.size,
        }
        _print_json(record, sys.stderr if result.path is None else sys.stdout)
    else:
        print(result.summary(), file=sys.stderr)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from journal.core.import_markdown import import_markdown

    with open_journal(args) as journal:
        result = import_markdown(journal, Path(args.path))
    if args.json:  # every count the import keeps, including ones added later
        _print_json({**dataclasses.asdict(result), "source": str(result.source)}, sys.stdout)
    else:
        print(f"Imported {args.path}: {result.summary()}", file=sys.stderr)
        for line in result.edited_lines():
            print(line, file=sys.stderr)
    return 0


def register(add: AddCommand) -> None:
    export = add(
        "export",
        cmd_export,
        "write experiments as a Markdown notebook: one file, or a folder of files",
    )
    export.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="PATH",
        help="the file (or folder, with --layout folder) to write; - for standard output",
    )
    add_filter_arguments(export)
    with contextlib.suppress(argparse.ArgumentError):  # the shared filters may gain --since
        export.add_argument(
            "--since",
            metavar="DATE",
            help="only experiments created on or after DATE (2026-01-31, 2026-01-31T14:00)",
        )
    export.add_argument("--experiment", type=record_id, metavar="ID", help="only this experiment")
    export.add_argument(
        "--layout",
        choices=("file", "folder"),
        default="file",
        help="one Markdown file (default), or a folder with index.md and a file per experiment",
    )
    export.add_argument(
        "--force",
        action="store_true",
        help="replace PATH if an earlier export wrote it (in a folder, only the export's files)",
    )

    importing = add(
        "import",
        cmd_import,
        "read an export (a file or a folder) back; what is already in the journal is skipped",
    )
    importing.add_argument("path", metavar="PATH", help="an exported .md file or export folder")
