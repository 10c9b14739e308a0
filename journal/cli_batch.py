"""`journal batch`: an experiment's template over its input rows x models x repeats, spread
over the Ollama hosts, every answer graded; `--resume`, `--list`, `--show`.

Progress goes to stderr, a line per item as it ends (several hosts finish items in any
order); the summary per model and the results grid to stdout. Light to import: the core
is imported inside the handlers.
"""

from __future__ import annotations

import argparse
import sys
import threading
from typing import TYPE_CHECKING, Any

from journal.cli_grading import add_grading_arguments
from journal.cli_stream import Notices, StopOnSignals
from journal.cli_support import (
    AddCommand,
    count,
    free_text,
    host_limits,
    open_journal,
    open_journal_for_reading,
    print_json,
    print_table,
    record_id,
    service,
)

if TYPE_CHECKING:
    from journal.core.batches import BatchItemView, BatchRunner, BatchView
    from journal.core.check_triage import ItemTriage
    from journal.core.models import Run
    from journal.core.storage import Journal


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def cmd_batch(args: argparse.Namespace) -> int:
    if args.list:
        return _batch_list(args)
    if args.show is not None:
        return _batch_show(args)
    return _batch_run(args)


def _standing(triage: ItemTriage) -> str:
    from journal.core.check_triage import Group

    if triage.group is Group.PASS:
        return "pass"
    if triage.group is Group.GRADING:
        return "more grades coming"
    return f"{triage.group.value}: {' '.join(triage.reason.split())}"


def _options(args: argparse.Namespace) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """-o KEY=VALUE over the latest run's options (None: keep them), and request fields."""
    from journal.core.options import parse_assignments

    if not args.option:
        return None, {}
    return parse_assignments(args.option)


def _runner(args: argparse.Namespace, journal: Journal, resuming: bool) -> BatchRunner:
    from journal.core.batches import BatchRunner

    # A resumed batch keeps its own hosts unless --host names others.
    hosts = host_limits(args) if (args.host or not resuming) else []
    return BatchRunner(
        journal,
        service(args),
        hosts=hosts,
        judge_model=args.judge,
        embedding_model=args.embed_model,
    )


def _batch_run(args: argparse.Namespace) -> int:
    from journal.core.batches import BatchEvents, batch_items, get_batch
    from journal.core.cancel import CancelToken
    from journal.core.errors import InvalidInputError
    from journal.core.eta import Eta
    from journal.core.formatting import plural, short_digest
    from journal.core.models import RunStatus

    resuming = args.resume is not None
    if not resuming and (args.experiment is None or not args.model):
        raise InvalidInputError(
            "Say which experiment and models: journal batch EXPERIMENT -m MODEL [-m MODEL ...]"
            " (or --resume ID, --list, --show ID)."
        )
    cancel = CancelToken()
    said = threading.Lock()
    labels: dict[int, str] = {}
    standing: dict[int, ItemTriage] = {}
    printed: set[int] = set()
    eta_box: list[Eta] = []

    def finished(position: int, total: int, run: Run) -> None:
        eta = eta_box[0]
        eta.finished()
        seconds = f", {run.wall_seconds:.1f} s" if run.wall_seconds is not None else ""
        line = (
            f"[{eta.done}/{eta.total}] #{position} {run.model} · {labels.get(position, '')}: "
            f"{run.status.value}"
        )
        if run.error and run.status.value == "failed":
            line += f" ({run.error})"
        line += seconds + (f" on {run.host}" if len(hosts_used) > 1 else "")
        with said:
            triage = standing.pop(position, None)
            if triage is not None:
                line += f" · {_standing(triage)}"
            printed.add(position)
            left = eta.text() if run.status is not RunStatus.CANCELLED else ""
            _say(line + (f" · {left}" if left else ""))

    def graded(position: int, run_id: int, triage: ItemTriage) -> None:
        with said:
            if position in printed:
                _say(f"item {position} (run {run_id}) graded: {_standing(triage)}")
            else:
                standing[position] = triage

    def host_down(address: str, reason: str) -> None:
        _say(f"warning: {address} stopped answering ({reason}); its items go to the other hosts")

    events = BatchEvents(
        finished=finished,
        graded=graded,
        grading_failed=lambda position, message: _say(
            f"item {position}: grading failed: {message}"
        ),
        host_down=host_down,
        run=Notices().events(),
    )
    hosts_used: list[str] = []
    with open_journal(args) as journal, _runner(args, journal, resuming) as runner:
        if resuming:
            batch_id = args.resume
            with journal.read() as session:
                view = get_batch(session, batch_id)
            if not view.resumable and view.status.value != "running":
                _say(f"batch {batch_id} has nothing left to run.")
                return _print_summary(args, journal, batch_id, runner)
            _say(f"resuming batch {batch_id}: {view.summary.line()}")
        else:
            options, request = _options(args)
            format_given: dict[str, Any] = {}
            if args.format is not None:
                from journal.core.output_format import parse_format

                format_given["format"] = parse_format(args.format)
            batch_id = runner.create(
                args.experiment,
                args.model,
                prompt=args.prompt,
                system=args.system,
                options=options,
                think=request.get("think"),
                keep_alive=request.get("keep_alive"),
                **format_given,
                repeat=args.repeat or 1,
                name=args.name or "",
            )
            with journal.read() as session:
                view = get_batch(session, batch_id)
            pins = ", ".join(f"{name}@{short_digest(digest)}" for name, digest in view.pins.items())
            _say(f"batch {batch_id}: {plural(view.summary.total, 'run')} ({view.name}) on {pins}")
        hosts_used.extend(host.text for host in (runner.hosts or view.hosts))
        if len(hosts_used) > 1:
            _say(f"hosts: {', '.join(hosts_used)}")
        with journal.read() as session:
            items = batch_items(session, batch_id)
        labels.update({item.position: item.row_label for item in items})
        eta_box.append(Eta(sum(1 for item in items if item.status is not RunStatus.DONE)))
        with StopOnSignals(cancel) as stop:
            if resuming:
                result = runner.resume(batch_id, cancel=cancel, events=events)
            else:
                result = runner.run(batch_id, cancel=cancel, events=events)
        for warning in result.warnings:
            _say(f"warning: {warning}")
        if result.cancelled:
            runner.cancel_grades()
        elif runner.grading_runs:
            _say(
                f"waiting for the judge and similarity grades of "
                f"{plural(len(runner.grading_runs), 'run')} (Ctrl-C stops; "
                f"`journal batch --resume {batch_id}` grades the rest)"
            )
            waiting = CancelToken()
            waiting.add_callback(runner.cancel_grades)
            with StopOnSignals(waiting):
                runner.wait_grades()
        code = _print_summary(args, journal, batch_id, runner)
    if result.cancelled:
        _say(f"batch {batch_id} cancelled; resume it with `journal batch --resume {batch_id}`.")
        return stop.exit_code
    return code


def _print_summary(
    args: argparse.Namespace, journal: Journal, batch_id: int, runner: BatchRunner | None
) -> int:
    from journal.core.batches import batch_items, get_batch, results_grid

    grading = runner.grading_runs if runner is not None else frozenset()
    with journal.read() as session:
        view = get_batch(session, batch_id, grading=grading)
        items = batch_items(session, batch_id, grading=grading)
    if args.json:
        print_json(_record(view, items), sys.stdout)
        return 0
    grid = results_grid(view, items)
    print_table([tuple(row) for row in grid.lines()])
    print(view.summary.line())
    return 0


def _record(view: BatchView, items: list[BatchItemView]) -> dict[str, Any]:
    from journal.core.batches import results_grid

    grid = results_grid(view, items)
    record = view.as_dict()
    record["items"] = [item.as_dict() for item in items]
    record["grid"] = {
        "rows": list(grid.rows),
        "columns": list(grid.columns),
        "cells": [
            [{"mark": cell.text, "group": cell.group.value, "run_id": cell.run_id} for cell in row]
            for row in grid.cells
        ],
    }
    return record


def _batch_show(args: argparse.Namespace) -> int:
    from journal.core.batches import get_batch

    with open_journal_for_reading(args) as journal:
        with journal.read() as session:
            view = get_batch(session, args.show)
        if not args.json:
            print(f"batch {view.id}: {view.name} · {view.status.value}")
            print(f"prompt: {' '.join(view.prompt.split())}")
        return _print_summary(args, journal, args.show, None)


def _batch_list(args: argparse.Namespace) -> int:
    from journal.core.batches import list_batches

    with open_journal_for_reading(args) as journal, journal.read() as session:
        batches = list_batches(session, experiment_id=args.experiment, limit=args.limit)
    if args.json:
        print_json([batch.as_dict() for batch in batches], sys.stdout)
        return 0
    if not batches:
        _say("No batches yet. Start one with `journal batch EXPERIMENT -m MODEL`.")
        return 0
    table = [("ID", "EXPERIMENT", "CREATED", "STATUS", "DONE", "SUMMARY")]
    for batch in batches:
        summary = batch.summary
        table.append(
            (
                str(batch.id),
                str(batch.experiment_id),
                batch.created_at.isoformat()[:16].replace("T", " "),
                batch.status.value,
                f"{summary.done}/{summary.total}",
                summary.line(),
            )
        )
    print_table(table)
    return 0


def register(add: AddCommand) -> None:
    batch = add(
        "batch",
        cmd_batch,
        "run an experiment's prompt for every input row on each model, spread over the hosts, "
        "every answer graded",
        many_hosts=True,
    )
    batch.add_argument(
        "experiment",
        type=record_id,
        nargs="?",
        metavar="EXPERIMENT",
        help="the experiment whose input rows to run (with --list: only its batches)",
    )
    mode = batch.add_mutually_exclusive_group()
    mode.add_argument(
        "--resume", type=record_id, metavar="ID", help="run what a batch has left, nothing twice"
    )
    mode.add_argument("--list", action="store_true", help="list batches, newest first")
    mode.add_argument(
        "--show", type=record_id, metavar="ID", help="a batch's results grid and summary"
    )
    batch.add_argument(
        "-m", "--model", action="append", metavar="MODEL", help="a model to run (repeatable)"
    )
    batch.add_argument(
        "-p",
        "--prompt",
        type=free_text,
        metavar="TEMPLATE",
        help="the prompt, with {{name}} variables (default: the experiment's latest prompt)",
    )
    batch.add_argument(
        "-s", "--system", type=free_text, metavar="TEMPLATE", help="the system prompt"
    )
    batch.add_argument(
        "-o",
        "--option",
        action="append",
        metavar="KEY=VALUE",
        help="an option for every run (default: the latest run's options)",
    )
    batch.add_argument(
        "--format",
        metavar="FORMAT",
        help="structured output for every run: json, @schema.json, a schema, or none "
        "(default: the latest run's)",
    )
    batch.add_argument("--repeat", type=count, metavar="N", help="run each case N times")
    batch.add_argument("--name", type=free_text, help="a name for the batch")
    batch.add_argument("--limit", type=count, default=50, metavar="N", help="with --list")
    add_grading_arguments(batch, wait=False)  # a batch waits for its grades
