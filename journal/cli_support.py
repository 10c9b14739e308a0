"""What the `journal` subcommands share: opening the journal, printing, filters, Ctrl-C.

Qt-free and light to import: command modules (cli.py and feature modules such as an
export or replay command) import this at top level and the heavy core inside functions.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Protocol, TextIO

if TYPE_CHECKING:
    from journal.core.domain import ExperimentFilter
    from journal.core.models import Experiment, Run
    from journal.core.ollama_service import OllamaService
    from journal.core.storage import Journal


class AddCommand(Protocol):
    """`add(name, handler, help)` registers a subcommand with --db, --host (and --json)."""

    def __call__(
        self,
        name: str,
        handler: Callable[[argparse.Namespace], int],
        help_text: str,
        *,
        json_output: bool = True,
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


def service(args: argparse.Namespace) -> OllamaService:
    from journal.core.ollama_service import OllamaService

    return OllamaService(args.host)


def print_json(value: Any, out: TextIO) -> None:
    json.dump(value, out, ensure_ascii=False, indent=2, default=str)
    out.write("\n")


def run_record(run: Run) -> dict[str, Any]:
    record = run.model_dump(mode="json", exclude={"owner", "heartbeat_at"})
    record["tokens_per_second"] = run.tokens_per_second
    return record


def experiment_record(experiment: Experiment, runs: list[Run]) -> dict[str, Any]:
    record = experiment.model_dump(mode="json")
    record["runs"] = [run_record(run) for run in runs]
    return record


def filters_from(args: argparse.Namespace) -> ExperimentFilter:
    from journal.core.domain import ExperimentFilter
    from journal.core.models import Verdict

    verdict = getattr(args, "verdict", None)
    return ExperimentFilter(
        model=getattr(args, "model", None),
        verdict=Verdict(verdict) if verdict else None,
        tag=getattr(args, "tag", None),
        search=getattr(args, "search", None),
    )


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


class cancel_on_sigint:  # noqa: N801 - a context manager that reads like a function
    """First Ctrl-C cancels the stream (keeping the text); a second one aborts for real."""

    def __init__(self, cancel: Any) -> None:
        self.cancel = cancel
        self.previous: Any = None

    def _handler(self, signum: int, frame: Any) -> None:
        # Runs between any two bytecodes of the main thread: cancel first, and never let a
        # failed message (stderr may be mid-write: "reentrant call") stop the cancel.
        if self.cancel.cancelled:
            raise KeyboardInterrupt
        self.cancel.cancel()
        with contextlib.suppress(RuntimeError, OSError):
            print("\n(cancelling… press Ctrl-C again to abort)", file=sys.stderr, flush=True)

    def __enter__(self) -> None:
        self.previous = signal.signal(signal.SIGINT, self._handler)

    def __exit__(self, *_: object) -> None:
        signal.signal(signal.SIGINT, self.previous)


def print_table(rows: Sequence[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:-1], widths, strict=False)]
        print("  ".join([*cells, row[-1]]).rstrip())


def add_filter_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", metavar="M", help="only experiments with a run on this model")
    parser.add_argument(
        "--verdict",
        choices=("worked", "partly", "failed"),
        help="only experiments with a run judged so (on --model, if given)",
    )
    parser.add_argument("--tag", metavar="T", help="only experiments with this tag")
    parser.add_argument("--search", metavar="TEXT", help="only experiments whose text matches")
