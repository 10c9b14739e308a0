"""The `journal` command. Sits on the core only: it must never import Qt.

`journal` alone starts the window; subcommands work headless. Heavy imports (SQLModel,
ollama) happen inside the commands that need them so `--help` stays instant.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from journal import __version__
from journal.cli_launch import GLOBAL_VALUE_OPTIONS, asks_only_version, command_words
from journal.cli_support import (
    RAW_HELP,
    STYLE_END,
    STYLE_MATCH,
    AddCommand,
    ArgumentsRefused,
    JournalArgumentParser,
    add_filter_arguments,
    count,
    filters_from,
    free_text,
    join_dash_values,
    ollama_host,
    open_journal,
    open_reader,
    print_json,
    print_table,
    read_text,
    record_id,
    run_record,
    saved_settings,
    service,
    summary_record,
    terminal_output,
    write_styled,
)
from journal.core.search_query import SEARCH_EXAMPLES, SEARCH_SYNTAX_HELP

if TYPE_CHECKING:
    from journal.cli_stream import AnswerPrinter, StopOnSignals
    from journal.core.images import ImageFile
    from journal.core.models import Run
    from journal.core.ollama_service import ModelInfo
    from journal.core.output_format import FormatCheck
    from journal.core.read_records import RunRecord
    from journal.core.runner import RunSpec
    from journal.core.stability import RepeatSeeds
    from journal.core.storage import Journal

VERDICT_CHOICES = ("worked", "partly", "failed", "none")
FORMAT_HELP = (
    'ask for structured output: json, a JSON schema (\'{"type": "object", ...}\') or '
    "@schema.json; the run records it and journal show says whether the answer matched"
)


# -- commands ---------------------------------------------------------------------------


def cmd_run(args: argparse.Namespace) -> int:
    from journal.cli_expect import add_expectations, read_expectation
    from journal.cli_grading import expectation_line
    from journal.core.capabilities import Needs, model_capabilities, require_capable
    from journal.core.errors import InvalidInputError
    from journal.core.formatting import first_line
    from journal.core.images import read_image_file, user_message
    from journal.core.options import UnknownOptionError
    from journal.core.output_format import parse_format
    from journal.core.queries import create_experiment, get_experiment
    from journal.core.runner import RunRecorder, RunSpec
    from journal.core.settings import new_run_options
    from journal.core.stability import repeat_seeds
    from journal.core.templates import parse_assignments, render_run

    if args.continue_run is not None:
        from journal.cli_conversation import cmd_follow_up

        return cmd_follow_up(args)
    if not args.model:
        from journal.cli_conversation import refuse

        return refuse("name the model with -m MODEL (only --continue RUN may leave it out).")
    # A bad --host, OLLAMA_HOST or settings file is refused before anything is written.
    ollama_host(args)
    settings = saved_settings()
    prompt = read_text(args.prompt, "prompt")
    if not prompt.strip():
        raise InvalidInputError("The prompt is empty: give it with -p TEXT, -p @FILE or -p -.")
    system = read_text(args.system, "system prompt")
    output_format = parse_format(args.format or "")
    # Every {{name}} needs a --var and every --var a {{name}}: refused, like a bad argument
    # (exit 2), before anything is sent or written.
    try:
        texts = render_run(prompt, system, parse_assignments(args.var or []))
    except InvalidInputError as error:
        print(f"journal: error: {error.message}", file=sys.stderr)
        return 2
    try:
        # The settings' default options first, then -o over them (KEY= drops one).
        options, request = new_run_options(
            settings, args.option or [], allow_unknown=args.allow_unknown_option
        )
    except UnknownOptionError as error:
        raise error.with_hint("Add --allow-unknown-option to send it anyway.") from None
    # So is an expectation that could not grade anything, or a repeat without room.
    expectations = [read_expectation(line) for line in args.expect or []]
    repeat = repeat_seeds(options, args.repeat) if args.repeat is not None else None
    # An image that is missing, too big or no image at all is refused the same way.
    images = [read_image_file(path) for path in args.image or []]
    model_info = None
    if args.experiment is None:
        # A new experiment holding nothing but a failed run is noise: ask Ollama first and
        # refuse before anything is written. An existing experiment records the attempt.
        model_info = RunRecorder.check_model(service(args), args.model)
    # A model that cannot see the images or think is refused before anything is written.
    require_capable(
        args.model,
        model_capabilities(service(args), args.model),
        Needs(vision=bool(images), thinking=bool(request.get("think"))),
    )
    with open_journal(args) as journal:
        with journal.write() as session:
            if args.experiment is not None:
                experiment = get_experiment(session, args.experiment)
            else:
                experiment = create_experiment(
                    session,
                    title=args.title or first_line(prompt),
                    hypothesis=read_text(args.hypothesis, "hypothesis"),
                    tags=args.tag or [],
                )
            assert experiment.id is not None
            experiment_id = experiment.id
            added = add_expectations(session, experiment_id, expectations)
        for saved in added:
            print(f"experiment {experiment_id} expects {expectation_line(saved)}", file=sys.stderr)
        spec = RunSpec(
            experiment_id=experiment_id,
            model=args.model,
            prompt=texts.prompt,
            system_prompt=texts.system,
            messages=(
                [user_message(texts.prompt, [image.sha256 for image in images])] if images else None
            ),
            template=None if texts.template is None else texts.template.to_json(),
            options=options,
            keep_alive=request.get("keep_alive"),
            think=request.get("think"),
            format=output_format,
        )
        return run_and_grade(journal, args, spec, repeat, model_info, images)


def run_and_grade(
    journal: Journal,
    args: argparse.Namespace,
    spec: RunSpec,
    repeat: RepeatSeeds | None,
    model_info: ModelInfo | None,
    images: Sequence[ImageFile] = (),
) -> int:
    """Run `spec` (once, or once per seed of `repeat`), streaming each answer, grading each
    run as it ends; with a repeat, say what the runs add up to. The `images` its message
    shows are stored with each run, in the transaction that records it."""
    from dataclasses import replace

    from journal.cli_grading import grading_from_args
    from journal.cli_stream import AnswerPrinter, StopOnSignals
    from journal.core.cancel import CancelToken
    from journal.core.formatting import plural
    from journal.core.images import add_image
    from journal.core.runner import RunRecorder, record_pending
    from journal.core.stability import stability_of, with_seed

    recorder = RunRecorder(journal, service(args))
    seeds: list[int | None] = [None] if repeat is None else list(repeat.seeds)
    if repeat is not None:
        print(f"{repeat.count} runs with {repeat.description}", file=sys.stderr)
    cancel = CancelToken()
    printer = AnswerPrinter(cancel)
    grading = grading_from_args(journal, args)
    runs: list[Run] = []
    codes: list[int] = []
    try:
        for index, seed in enumerate(seeds, start=1):
            seeded = spec if seed is None else replace(spec, options=with_seed(spec.options, seed))
            with journal.write() as session:
                for image in images:
                    add_image(session, image.data, image.name)
                run = record_pending(session, seeded)
            where = "" if repeat is None else f"[{index}/{len(seeds)}] "
            which = "" if seed is None else f" (seed {seed})"
            print(
                f"{where}run {run.id} of experiment {spec.experiment_id}: {spec.model}{which}",
                file=sys.stderr,
            )
            # Stopping also gives up waiting for a journal that refuses the last write.
            with StopOnSignals(cancel) as stop:
                run = recorder.execute(
                    seeded,
                    cancel=cancel,
                    events=printer.events(),
                    run=run,
                    model_info=model_info,
                    abandon=cancel,
                )
            printer.end_answer(gap=index < len(seeds) and not cancel.cancelled)
            codes.append(report_run(run, printer, stop))
            if printer.closed:
                return codes[-1]
            runs.append(run)
            grading.finished(run)
            if cancel.cancelled:
                break
        left = len(seeds) - len(runs)
        if left:
            print(f"{plural(left, 'run')} not started (cancelled).", file=sys.stderr)
        stopped = grading.finish(cancel.cancelled)
    finally:
        grading.close()
    if repeat is not None:
        with journal.read() as session:
            stability = stability_of(session, [run.id for run in runs if run.id is not None])
        print(f"{spec.model}: {stability.line}", file=sys.stderr)
    if stopped is not None:
        return stopped
    # A stop (130, 141, ...) says more than a failed run (1), which says more than success.
    return next((code for code in codes if code > 1), max(codes))


def report_run(run: Run, printer: AnswerPrinter, stop: StopOnSignals) -> int:
    """The last word of `run`/`replay` on stderr, and the exit code a script can test."""
    from journal.cli_stream import EXIT_OUTPUT_CLOSED
    from journal.core.formatting import run_stats
    from journal.core.models import RunStatus

    if run.status is RunStatus.DONE:
        print(f"run {run.id} done · {run_stats(run)}", file=sys.stderr)
        return 0
    if run.status is RunStatus.CANCELLED:
        if printer.closed:
            return EXIT_OUTPUT_CLOSED  # the reader left, as with `| head`: nothing to say
        why = f" ({run.error})" if run.error else ""
        print(
            f"run {run.id} cancelled{why}; the partial answer is kept "
            f"({len(run.response)} characters).",
            file=sys.stderr,
        )
        return stop.exit_code
    print(f"journal: error: {run.error}", file=sys.stderr)
    print(f"run {run.id} recorded as {run.status.value}.", file=sys.stderr)
    return 1


def cmd_list(args: argparse.Namespace) -> int:
    from journal.core.formatting import describe_standings
    from journal.core.read_sql import ARCHIVED_HIDDEN, ARCHIVED_ONLY, ARCHIVED_TOO, list_summaries

    shelf = ARCHIVED_TOO if args.all else ARCHIVED_ONLY if args.archived else ARCHIVED_HIDDEN
    with open_reader(args) as journal:
        rows = list_summaries(journal, filters_from(args), limit=args.limit, archived=shelf)
    if args.json:
        print_json([summary_record(row) for row in rows], sys.stdout)
        return 0
    if not rows:
        print("No experiments match.", file=sys.stderr)
        return 0
    table = [("ID", "CREATED", "RUNS", "LAST MODEL", "VERDICT", "TITLE")]
    for row in rows:
        table.append(
            (
                str(row.id),
                row.created_at[:16].replace("T", " "),
                str(row.run_count),
                row.last_model or "-",
                describe_standings(row.standings) or "-",
                (row.title or "(untitled)") + (" [archived]" if row.archived else ""),
            )
        )
    print_table(table)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from copy import copy
    from datetime import UTC, datetime

    from journal.cli_grading import shown_grading
    from journal.core.errors import NotFoundError
    from journal.core.formatting import model_label, options_label, run_stats
    from journal.core.read_records import (
        end_if_owner_gone,
        json_record,
        read_experiment,
        read_runs,
        replay_notes,
        run_images,
        trash_note,
    )

    # Plain sqlite3 and plain records (journal.core.read_records): no ORM to import.
    with open_reader(args) as journal:
        in_trash = trash_note(journal, experiment_id=args.id)
        if in_trash is not None:
            raise NotFoundError(in_trash)
        experiment = read_experiment(journal, args.id)
        stored = read_runs(journal, args.id)
        sources = replay_notes(journal, stored)
        shown = {run.id: run_images(journal, run) for run in stored}
        grading = shown_grading(journal, args.id, stored)
    now = datetime.now(UTC)  # a run its dead writer left live reads as interrupted, unwritten
    runs = [copy(run) for run in stored]
    for run in runs:
        end_if_owner_gone(run, now)
    if args.json:
        record = json_record(experiment)
        record["runs"] = []
        for run in runs:
            run_json = json_record(run, leave_out=("owner", "heartbeat_at"))
            run_json["tokens_per_second"] = run.tokens_per_second
            run_json.update(grading.run_record(run, history=args.history))
            run_json["format_check"] = format_record(run)
            run_json["images"] = [
                {
                    "sha256": image.sha256,
                    "mime": image.mime,
                    "size": image.size,
                    "width": image.width,
                    "height": image.height,
                }
                for image in shown.get(run.id, [])
            ]
            record["runs"].append(run_json)
        record.update(grading.record())
        print_json(record, sys.stdout)
        return 0
    from journal.cli_conversation import thread_blocks  # the text's threads, not --json's

    out = sys.stdout
    out.write(f"# {experiment.id}: {experiment.title or '(untitled)'}\n")
    if experiment.tags:
        out.write(f"tags: {', '.join(experiment.tags)}\n")
    for label, value in (
        ("hypothesis", experiment.hypothesis),
        ("expected", experiment.expected),
        ("conclusion", experiment.conclusion),
    ):
        if value:
            out.write(f"{label}: {value}\n")
    for line in grading.text_lines():
        out.write(line + "\n")

    def block(run: RunRecord) -> list[str]:
        lines = [f"{model_label(run)} · {run.status.value}"]
        lines[0] += f" · {run.verdict.value if run.verdict else 'unrated'}"
        if run.id in sources:
            lines.append(sources[run.id])
        if run.based_on_id is not None:
            lines.append(f"based on run {run.based_on_id} (its prompt, other settings)")
        if run.host:
            lines.append(f"host: {run.host}")
        if run.options:
            lines.append(f"options: {options_label(run)}")
        lines.extend(format_lines(run).splitlines())
        if run.template is not None:
            lines.append(template_lines(run.template).removesuffix("\n"))
        if run.system_prompt:
            lines.append(f"system: {run.system_prompt}")
        lines.append(f"prompt: {run.prompt}")
        for image in shown.get(run.id, []):
            lines.append(f"image: {image.label}")
        if run.thinking:
            lines.append(f"thinking: {run.thinking}")
        lines.append(f"answer: {run.response}")
        if run.error:
            lines.append(f"error: {run.error}")
        if run.verdict_note:
            lines.append(f"why: {run.verdict_note}")
        stats = run_stats(run)
        if stats:
            lines.append(f"stats: {stats}")
        lines.extend(grading.run_lines(run))
        return lines

    # A conversation's turns are shown as a thread: each under the one it continues.
    for depth, title, lines in thread_blocks(runs, block):
        indent = "  " * depth
        out.write(f"\n{indent}## {title} · {lines[0]}\n")
        for line in lines[1:]:
            for part in line.split("\n"):
                out.write(f"{indent}{part}\n")
    return 0


def _format_check(run: Run | RunRecord) -> FormatCheck | None:
    """What a finished run's answer is against the format it asked for; None without one."""
    if run.format is None:
        return None  # most runs: no format, and no output_format to import
    from journal.core.domain import RunStatus
    from journal.core.output_format import check_answer

    if run.status is not RunStatus.DONE:
        return None
    return check_answer(run.format, run.response)


def format_lines(run: Run | RunRecord) -> str:
    """The format a run asked for, on one line, and what its answer turned out to be."""
    if run.format is None:
        return ""
    from journal.core.output_format import format_label

    lines = f"format: {format_label(run.format)}\n"
    check = _format_check(run)
    if check is not None:
        status = {True: "pass", False: "fail", None: "unsure"}[check.ok]
        lines += f"format check: {status} · {check.summary}\n"
    return lines


def format_record(run: Run | RunRecord) -> dict[str, Any] | None:
    """`format_lines` for --json: parsed, valid (null: no schema or not checkable), why."""
    check = _format_check(run)
    if check is None:
        return None
    return {"parsed": check.parsed, "valid": check.valid, "summary": check.summary}


def template_lines(template: dict[str, Any]) -> str:
    """What a run was rendered from, for `journal show`: its templates and values."""
    lines = []
    if template.get("system"):
        lines.append(f"system template: {template['system']}")
    lines.append(f"prompt template: {template.get('prompt', '')}")
    values = template.get("values") or {}
    shown = ", ".join(f"{name}={value}" for name, value in values.items())
    lines.append(f"values: {shown or '(none)'}")
    return "".join(line + "\n" for line in lines)


def cmd_verdict(args: argparse.Namespace) -> int:
    from journal.core.models import Verdict
    from journal.core.queries import set_verdict

    verdict = None if args.verdict == "none" else Verdict(args.verdict)
    with open_journal(args) as journal, journal.write() as session:
        run = set_verdict(session, args.run_id, verdict, args.why)
        record = run_record(run)
    if args.json:
        print_json(record, sys.stdout)
    else:
        print(f"run {args.run_id}: {args.verdict if verdict else 'unrated'}", file=sys.stderr)
    return 0


def cmd_search(args: argparse.Namespace) -> int:
    from journal.core.read_sql import search_hits

    highlight = sys.stdout.isatty() and not args.json
    marks = (STYLE_MATCH, STYLE_END) if highlight else ("[", "]")
    with open_reader(args) as journal:
        hits = search_hits(journal, args.text, limit=args.limit, marks=marks)
    if args.json:
        print_json([hit.__dict__ for hit in hits], sys.stdout)
        return 0
    if not hits:
        print("Nothing matches.", file=sys.stderr)
        return 0
    for hit in hits:
        snippet = " ".join(hit.snippet.split())
        title = (hit.title or "(untitled)") + (" [archived]" if hit.archived else "")
        write_styled(sys.stdout, f"{hit.experiment_id}: {title}\n    {snippet}\n")
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    # Refused here, in one line, rather than in the window: a bad --host or OLLAMA_HOST, a
    # settings file that does not parse (the window reads its hosts and default options).
    ollama_host(args)
    saved_settings()
    from journal.gui.app import run_app

    return run_app(db=args.db, host=args.host)


# -- parser -----------------------------------------------------------------------------


def _common(parser: argparse.ArgumentParser, *, top: bool, many_hosts: bool = False) -> None:
    default = None if top else argparse.SUPPRESS
    parser.add_argument(
        "--db",
        default=default,
        metavar="PATH",
        help="journal file (default: $JOURNAL_DB or the user data dir)",
    )
    if many_hosts:
        parser.add_argument(
            "--host",
            action="append",
            default=default,
            metavar="URL",
            help="an Ollama address, URL or URL,limit=N for a host that takes N requests at "
            "once (repeatable; default: $OLLAMA_HOST, then the hosts of `journal config get "
            "ollama.hosts`, else http://127.0.0.1:11434)",
        )
        return
    parser.add_argument(
        "--host",
        default=default,
        metavar="URL",
        help="Ollama address (default: $OLLAMA_HOST, else the first of `journal config get "
        "ollama.hosts`, else http://127.0.0.1:11434)",
    )


def _feature_commands() -> list[Callable[[AddCommand], None]]:
    """Each feature module registers its own subcommands (kept light to import)."""
    commands: list[Callable[[AddCommand], None]] = []
    from journal.cli_replay import register as register_replay  # replay, check, triage, matrix

    commands.append(register_replay)
    from journal.cli_export import register as register_export  # export, import

    commands.append(register_export)
    from journal.cli_recover import register as register_recover  # recover

    commands.append(register_recover)
    from journal.cli_config import register as register_config  # config

    commands.append(register_config)
    from journal.cli_expect import register as register_expect  # expect, grade

    commands.append(register_expect)
    from journal.cli_inputs import register as register_inputs  # inputs

    commands.append(register_inputs)
    from journal.cli_hosts import register as register_hosts  # hosts

    commands.append(register_hosts)
    from journal.cli_batch import register as register_batch  # batch

    commands.append(register_batch)
    from journal.cli_trash import register as register_trash  # rm, restore, trash, ...

    commands.append(register_trash)
    from journal.cli_stats import register as register_stats  # stats

    commands.append(register_stats)
    return commands


READ_COMMAND_MODULES: dict[str, str | None] = {
    "list": None,
    "search": None,
    "show": None,
    "matrix": "journal.cli_replay",
}
"""Commands that only read, with the module that registers each (None: this one). People
script them, so their parser is built alone, without importing every other command's
module; tests/test_cli_read_layer.py holds it to the full parser's reading."""


def lean_command(tokens: Sequence[str]) -> str | None:
    """The read command `tokens` run ("" for `--version` alone), whose parser can be built
    alone; None for anything else, help included (it lists every command)."""
    if asks_only_version(tokens):
        return ""
    if any(token in ("-h", "--help") for token in tokens):
        return None
    words = command_words(tokens)
    return words[0] if words and words[0] in READ_COMMAND_MODULES else None


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """Every command's parser; with `only` (see `lean_command`), that command's alone."""
    parser = JournalArgumentParser(
        prog="journal",
        description="A lab notebook for experiments with local Ollama models. "
        "Run without a command to open the window.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    _common(parser, top=True)
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", help="`journal COMMAND --help` tells more"
    )

    def add(
        name: str,
        handler: Callable[[argparse.Namespace], int],
        help_text: str,
        *,
        json_output: bool = True,
        many_hosts: bool = False,
    ) -> argparse.ArgumentParser:
        if only is not None and name != only:
            return JournalArgumentParser(add_help=False)  # a stand-in, never used
        sub = commands.add_parser(name, help=help_text, description=help_text)
        _common(sub, top=False, many_hosts=many_hosts)
        if json_output:
            sub.add_argument("--json", action="store_true", help="print records as JSON")
        sub.set_defaults(handler=handler)
        return sub

    if only is None:
        from journal.cli_models import register as register_models  # models, unload, rm-model

        register_models(add)

    run = add("run", cmd_run, "run a prompt on a model and record it", json_output=False)
    run.add_argument("-m", "--model", help="the model (with --continue: the parent's if left out)")
    run.add_argument(
        "-p",
        "--prompt",
        required=True,
        type=free_text,
        help="the prompt; @FILE reads a file, - reads standard input",
    )
    run.add_argument("-s", "--system", type=free_text, help="system prompt (@FILE or - work too)")
    run.add_argument(
        "--var",
        action="append",
        type=free_text,
        metavar="NAME=VALUE",
        help="a value for {{NAME}} in the prompt or system prompt (repeatable); {{{{ writes {{",
    )
    run.add_argument(
        "--image",
        action="append",
        metavar="FILE",
        help="show the model this PNG, JPEG or WebP image with the prompt (repeatable; "
        "needs a vision model); it is kept in the journal",
    )
    run.add_argument("-H", "--hypothesis", type=free_text, help="what you expect to happen")
    run.add_argument(
        "-t", "--title", type=free_text, help="experiment title (default: the prompt's first line)"
    )
    run.add_argument(
        "--tag", action="append", type=free_text, help="tag the new experiment (repeatable)"
    )
    run.add_argument(
        "-o",
        "--option",
        action="append",
        metavar="KEY=VALUE",
        help="model option such as temperature=0.2, seed=42, stop=END; "
        "also think=true and keep_alive=5m (repeatable); these override the settings' "
        "defaults.options, and KEY= drops one",
    )
    run.add_argument(
        "--allow-unknown-option",
        action="store_true",
        help="send -o keys Ollama does not know (it ignores them silently)",
    )
    run.add_argument("--format", type=free_text, metavar="FORMAT", help=FORMAT_HELP)
    run.add_argument(
        "--experiment",
        type=record_id,
        metavar="ID",
        help="add the run to this experiment instead of a new one",
    )
    run.add_argument(
        "--expect",
        action="append",
        type=free_text,
        metavar="LINE",
        help="an expectation every run of the experiment is graded by, like contains:Paris, "
        "words<=50 or judge:names three real rivers (repeatable; added to the experiment)",
    )
    if only in (None, "run"):  # else `run` is a stand-in: spare a read its module import
        from journal.cli_grading import add_grading_arguments

        add_grading_arguments(run)
    run.add_argument(
        "--repeat",
        type=count,
        metavar="N",
        help="run it N times with the seeds s, s+1, ... (s: the seed option, else 0), "
        "grade each, and say how many pass and how many answers differ",
    )
    run.add_argument(
        "--continue",
        dest="continue_run",
        type=record_id,
        metavar="RUN",
        help="a follow-up: send the prompt as the next turn after RUN's answer, with its "
        "conversation as history and its model and settings unless -m, -s or -o change them "
        "(continuing a turn that already has follow-ups starts another branch)",
    )
    run.add_argument("--raw", action="store_true", help=RAW_HELP)

    listing = add("list", cmd_list, "list experiments, newest first")
    add_filter_arguments(listing)
    listing.add_argument(
        "--limit", type=count, default=50, metavar="N", help="at most N experiments (default 50)"
    )
    shelf = listing.add_mutually_exclusive_group()
    shelf.add_argument(
        "--archived", action="store_true", help="only archived experiments (journal archive)"
    )
    shelf.add_argument("--all", action="store_true", help="archived experiments and the others")

    show = add(
        "show", cmd_show, "show an experiment with its expectations and all its runs and grades"
    )
    show.add_argument("id", type=record_id, metavar="ID", help="the experiment's id")
    show.add_argument(
        "--history",
        action="store_true",
        help="with --json: every grade of each run, not only the current ones",
    )
    show.add_argument("--raw", action="store_true", help=RAW_HELP)

    verdict = add("verdict", cmd_verdict, "judge a run")
    verdict.add_argument("run_id", type=record_id, metavar="RUN_ID", help="the run to judge")
    verdict.add_argument(
        "verdict", choices=VERDICT_CHOICES, help="how the run did (none: unrated again)"
    )
    verdict.add_argument("--why", type=free_text, help="why it worked or not")

    searching = add("search", cmd_search, "full-text search, newest matches first")
    searching.add_argument("text", type=free_text, metavar="TEXT", help=SEARCH_SYNTAX_HELP)
    searching.formatter_class = argparse.RawDescriptionHelpFormatter
    searching.epilog = SEARCH_EXAMPLES
    searching.add_argument(
        "--limit", type=count, default=20, metavar="N", help="at most N experiments (default 20)"
    )
    for register in _feature_commands() if only is None else _registers_of(only):
        register(add)
    return parser


def _registers_of(command: str) -> list[Callable[[AddCommand], None]]:
    from importlib import import_module

    module = READ_COMMAND_MODULES.get(command)
    return [import_module(module).register] if module else []


def window_arguments(tokens: Sequence[str]) -> argparse.Namespace | None:
    """The arguments when `tokens` only open the window (`journal`, `journal --db PATH --host
    URL`), read without building every command's parser, which takes longer than showing the
    window. None for anything else: the full parser reads it, and explains what is wrong."""
    found: dict[str, str | None] = {"db": None, "host": None}
    rest = list(tokens)
    while rest:
        option, equals, value = rest.pop(0).partition("=")
        if option not in GLOBAL_VALUE_OPTIONS:
            return None
        if not equals:
            if not rest or rest[0].startswith("-"):
                return None
            value = rest.pop(0)
        found[option[2:]] = value
    return argparse.Namespace(command=None, **found)


def _parsed(given: Sequence[str], only: str | None) -> argparse.Namespace:
    """`given` read by the parser of `only`, or by the full one: a refusal is always worded
    by the full parser, which knows every command to suggest."""
    parser = build_parser(only)
    try:
        return parser.parse_args(join_dash_values(parser, given))
    except ArgumentsRefused:
        if only is None:
            raise
    return _parsed(given, None)


def main(argv: Sequence[str] | None = None) -> int:
    given = sys.argv[1:] if argv is None else argv
    window = window_arguments(given)
    if window is not None:
        args = window
    else:
        only = lean_command(given)
        with terminal_output(raw=False):
            try:
                args = _parsed(given, only)
            except ArgumentsRefused as exc:
                print(exc.message, file=sys.stderr)
                return 2
    handler = getattr(args, "handler", cmd_gui)
    from journal.core.errors import JournalError

    with terminal_output(raw=getattr(args, "raw", False)):
        try:
            return handler(args)
        except JournalError as exc:
            print(f"journal: error: {exc.message}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            from journal.cli_stream import EXIT_INTERRUPTED

            print("journal: interrupted", file=sys.stderr)
            return EXIT_INTERRUPTED
        except BrokenPipeError:
            # `journal list | head`: the reader left; that is not an error worth a traceback.
            sys.stderr.close()
            return 0
