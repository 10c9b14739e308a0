"""Conversations on the command line: `journal run --continue RUN`, the thread of turns in
`journal show`, and `journal replay RUN --regenerate-all`.

Light to import: the core is imported inside the handlers. The rules (what a follow-up
inherits, how full the context is, how a conversation replays) live in
core.conversations and core.conversation_replay; this module only reads arguments and
prints.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from journal.cli_support import (
    ollama_host,
    open_journal,
    print_json,
    read_text,
    run_record,
    service,
)

if TYPE_CHECKING:
    from journal.core.models import Run
    from journal.core.read_records import RunRecord
    from journal.core.replay import ReplayEdits

CONTINUE_CONFLICTS = (
    ("experiment", "--experiment"),
    ("title", "--title"),
    ("tag", "--tag"),
    ("hypothesis", "--hypothesis"),
    ("var", "--var"),
)


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def refuse(message: str) -> int:
    """Arguments that cannot go together: one line, and exit status 2 as for a bad one."""
    _say(f"journal: error: {message}")
    return 2


# -- journal run --continue -------------------------------------------------------------


def _option_changes(
    pairs: list[str], recorded: Any, allow_unknown: bool
) -> tuple[dict[str, Any], dict[str, Any]]:
    """`-o KEY=VALUE` over the parent's options, `-o KEY=` drops one: (options, request)."""
    from journal.core.options import REQUEST_FIELDS, parse_assignments

    removed = [pair[:-1].strip() for pair in pairs if pair.endswith("=") and pair.count("=") == 1]
    options, request = parse_assignments(
        [pair for pair in pairs if not (pair.endswith("=") and pair.count("=") == 1)],
        allow_unknown=allow_unknown,
        recorded=recorded,
    )
    changes: dict[str, Any] = dict(options)
    fields: dict[str, Any] = dict(request)
    for key in removed:
        (fields if key in REQUEST_FIELDS else changes)[key] = None
    return changes, fields


def cmd_follow_up(args: argparse.Namespace) -> int:
    """`journal run --continue RUN -p TEXT [--image FILE]`: the next turn after RUN, on RUN's
    model and settings unless -m, -s or -o say otherwise; the context warning goes to stderr."""
    from journal.cli import run_and_grade
    from journal.cli_expect import add_expectations, read_expectation
    from journal.cli_grading import expectation_line
    from journal.core.capabilities import check_specs
    from journal.core.conversations import UNSET, chain_ids, check_context, follow_up
    from journal.core.errors import InvalidInputError
    from journal.core.images import read_image_file, user_message
    from journal.core.options import UnknownOptionError
    from journal.core.queries import get_run
    from journal.core.stability import repeat_seeds

    given = [flag for name, flag in CONTINUE_CONFLICTS if getattr(args, name, None)]
    if given:
        return refuse(
            f"--continue adds a turn to run {args.continue_run}'s experiment: "
            f"{', '.join(given)} cannot go with it."
        )
    ollama_host(args)
    prompt = read_text(args.prompt, "prompt")
    if not prompt.strip():
        raise InvalidInputError("The prompt is empty: give it with -p TEXT, -p @FILE or -p -.")
    system = read_text(args.system, "system prompt") if args.system is not None else None
    expectations = [read_expectation(line) for line in args.expect or []]
    images = [read_image_file(path) for path in args.image or []]
    shas = [image.sha256 for image in images]
    with open_journal(args) as journal:
        with journal.read() as session:
            parent = get_run(session, args.continue_run)
            turn = len(chain_ids(session, args.continue_run)) + 1
            try:
                changes, fields = _option_changes(
                    args.option or [], parent.options.keys(), args.allow_unknown_option
                )
            except UnknownOptionError as error:
                raise error.with_hint("Add --allow-unknown-option to send it anyway.") from None
            spec = follow_up(
                session,
                args.continue_run,
                prompt,
                model=args.model,
                options=changes,
                system_prompt=system,
                keep_alive=fields.get("keep_alive", UNSET),
                think=fields.get("think", UNSET),
                allow_unknown=args.allow_unknown_option,
                messages=[user_message(prompt, shas)] if images else None,
            )
        repeat = repeat_seeds(spec.options, args.repeat) if args.repeat is not None else None
        ollama = service(args)
        # Images anywhere in the conversation (it is all sent again) need a vision model:
        # refused before anything is written, as a first turn is.
        check_specs(ollama, [spec])
        warning = check_context(ollama, spec, parent).warning()
        if warning:
            _say(f"warning: {warning}")
        with journal.write() as session:
            added = add_expectations(session, spec.experiment_id, expectations)
        for saved in added:
            _say(f"experiment {spec.experiment_id} expects {expectation_line(saved)}")
        _say(f"continuing run {args.continue_run} (turn {turn})")
        return run_and_grade(journal, args, spec, repeat, None, images)


# -- journal show -----------------------------------------------------------------------


def thread_blocks(
    runs: list[RunRecord], block: Callable[[RunRecord], list[str]]
) -> list[tuple[int, str, list[str]]]:
    """(depth, title, lines) for each run in thread order: a run that is part of a
    conversation is titled `turn 2 (run 14, follows run 12)` and comes under the turn it
    continues; a run on its own is titled `run 12`, as before conversations."""
    from journal.core.threads import forest

    shown: list[tuple[int, str, list[str]]] = []
    for root in forest(runs):
        alone = not root.children and root.run.parent_id is None
        for node in root.walk():
            title = f"run {node.run_id}" if alone else node.label()
            shown.append((node.depth, title, block(node.run)))
    return shown


# -- journal replay --regenerate-all ----------------------------------------------------


def regenerate_conversation(args: argparse.Namespace, edits: ReplayEdits) -> int:
    """Every turn of RUN's conversation again, each with the new answers as history, as a
    new branch (on -m MODEL, else each turn's own model)."""
    from dataclasses import replace

    from journal.cli_grading import grading_from_args
    from journal.cli_replay import DigestWarnings, replay_status_line
    from journal.cli_stream import EXIT_OUTPUT_CLOSED, AnswerPrinter, Notices, StopOnSignals
    from journal.core.cancel import CancelToken
    from journal.core.conversation_replay import conversation_turns, regenerate_all
    from journal.core.models import RunStatus
    from journal.core.replay import ModelIdentity, QueueEvents, Replayer, ReplayPlan

    refused = [
        flag
        for flag, value in (("-p", args.prompt), ("--repeat", args.repeat), ("--pull", args.pull))
        if value
    ]
    if len(args.model or []) > 1:
        refused.append("more than one -m")
    if refused:
        return refuse(f"--regenerate-all cannot go with {', '.join(refused)}.")
    if args.model:
        edits = replace(edits, model=args.model[0])
    ollama_host(args)
    cancel = CancelToken()
    with open_journal(args) as journal:
        ollama = service(args)
        replayer = Replayer(journal, ollama)
        total = len(conversation_turns(replayer, args.run_id))
        _say(f"regenerating the {total} turns of run {args.run_id}'s conversation, one by one")
        printer = Notices() if args.json else AnswerPrinter(cancel)
        warn = DigestWarnings()
        grading = grading_from_args(journal, args)  # each new turn, as `replay` does

        def starting(index: int, total: int, plan: ReplayPlan, identity: ModelIdentity) -> None:
            warn([identity])

        def started(index: int, total: int, run: Run) -> None:
            follows = f", continues run {run.parent_id}" if run.parent_id else ""
            _say(
                f"[{index}/{total}] run {run.id} replays run {run.replay_of_id} "
                f"on {run.model}{follows}"
            )

        def chunk(index: int, content: str, thinking: str) -> None:
            if isinstance(printer, AnswerPrinter):
                printer.chunk(content, thinking)

        def progress(index: int, total: int, run: Run) -> None:
            if isinstance(printer, AnswerPrinter):
                printer.end_answer(gap=index < total)
                if printer.closed:
                    return
            _say(replay_status_line(run))
            grading.finished(run)

        events = QueueEvents(starting=starting, started=started, chunk=chunk, run=printer.events())
        stopped: int | None = None
        try:
            with StopOnSignals(cancel) as stop:
                runs = regenerate_all(
                    replayer, args.run_id, edits, cancel=cancel, progress=progress, events=events
                )
            stopped = grading.finish(cancel.cancelled)
        finally:
            grading.close()
        if args.json:
            print_json([run_record(run) for run in runs], sys.stdout)
    if cancel.cancelled:
        if isinstance(printer, AnswerPrinter) and printer.closed:
            return EXIT_OUTPUT_CLOSED
        return stop.exit_code
    if stopped is not None:
        return stopped
    if len(runs) < total:
        _say(f"stopped after turn {len(runs)} of {total}: the turns after it were not sent.")
        return 1
    return 0 if all(run.status is RunStatus.DONE for run in runs) else 1
