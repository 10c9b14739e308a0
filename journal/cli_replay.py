"""`journal replay`, `journal check`, `journal triage` and `journal matrix`.

Answers stream to stdout like `journal run`; identity warnings, progress and run ids go to
stderr, so `journal replay 12 > answer.txt` keeps only the answer. Light to import: the
core is imported inside the handlers.
"""

from __future__ import annotations

import argparse
import sys
import threading
from typing import TYPE_CHECKING, Any

from journal.cli_grading import add_grading_arguments, grading_from_args, run_grading_record
from journal.cli_stream import EXIT_OUTPUT_CLOSED, AnswerPrinter, Notices, StopOnSignals
from journal.cli_support import (
    RAW_HELP,
    STYLE_ADDED,
    STYLE_END,
    STYLE_REMOVED,
    AddCommand,
    add_filter_arguments,
    count,
    filters_from,
    free_text,
    host_limits,
    ollama_host,
    open_journal,
    open_journal_for_reading,
    open_reader,
    print_json,
    print_table,
    read_text,
    record_id,
    run_record,
    service,
    write_exact,
    write_styled,
)

if TYPE_CHECKING:
    from journal.core.cancel import CancelToken
    from journal.core.check_triage import Group, ItemTriage
    from journal.core.migration_check import CheckItemView, CheckView, MigrationChecker
    from journal.core.models import Run
    from journal.core.ollama_service import OllamaService
    from journal.core.replay import ModelIdentity, ReplayEdits, ReplayPlan
    from journal.core.stability import RepeatSeeds
    from journal.core.storage import Journal
    from journal.core.word_diff import DiffOp

VERDICTS = ("worked", "partly", "failed")


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# -- shared pieces ----------------------------------------------------------------------


def _edits(args: argparse.Namespace) -> ReplayEdits:
    """`-o KEY=VALUE` overrides an option, `-o KEY=` removes it; -p/-s replace the text."""
    from journal.core.options import REQUEST_FIELDS, parse_assignments
    from journal.core.output_format import parse_format
    from journal.core.replay import Recorded, ReplayEdits

    pairs = args.option or []
    removed = [pair[:-1].strip() for pair in pairs if pair.endswith("=") and pair.count("=") == 1]
    options, request = parse_assignments(
        [pair for pair in pairs if not (pair.endswith("=") and pair.count("=") == 1)],
        allow_unknown=True,  # the replayed run's own keys are no typo: plan_replay decides
    )
    merged_options: dict[str, Any] = dict(options)
    merged_request: dict[str, Any] = dict(request)
    for key in removed:
        (merged_request if key in REQUEST_FIELDS else merged_options)[key] = None
    return ReplayEdits(
        options=merged_options,
        request=merged_request,
        prompt=read_text(args.prompt, "prompt") if args.prompt is not None else None,
        system_prompt=read_text(args.system, "system prompt") if args.system is not None else None,
        allow_unknown=args.allow_unknown_option,
        format=Recorded.AS_RECORDED if args.format is None else parse_format(args.format),
    )


def _missing_model(model: str, host: str, *, suggest_pull: bool) -> Exception:
    from journal.core.errors import ModelNotFoundError

    error = ModelNotFoundError(model, host)
    if not suggest_pull:
        return error
    from journal.core.errors import JournalError

    return JournalError(f"{error.message[:-1]}, or add --pull to pull it first.")


class _PullProgress:
    """Pull progress on stderr: a live percentage on a terminal, else one line per step."""

    def __init__(self, live: bool) -> None:
        self.live = live
        self.last = ""

    def __call__(self, status: str, completed: int, total: int) -> None:
        if self.live and total:
            write_exact(sys.stderr, "\r")
            sys.stderr.write(f"  {status}: {completed * 100 // total}%")
            if completed >= total:
                sys.stderr.write("\n")
            sys.stderr.flush()
        elif status != self.last:
            _say(f"  {status}")
        self.last = status


def _pull(ollama: OllamaService, names: list[str], cancel: CancelToken) -> None:
    """Pull each model with its progress on stderr (one line per step; a live percentage
    on a terminal)."""
    from journal.core.cancel import StreamCancelled
    from journal.core.errors import JournalError

    live = sys.stderr.isatty()
    for name in names:
        _say(f"pulling {name}")
        try:
            with StopOnSignals(cancel):
                ollama.pull(name, _PullProgress(live), cancel)
        except StreamCancelled:
            raise JournalError(f"Pulling {name} was cancelled; nothing was replayed.") from None


class DigestWarnings:
    """Say each digest change once, however many runs share it."""

    def __init__(self) -> None:
        self._said: set[tuple[str, str | None, str | None]] = set()

    def __call__(self, identities: list[ModelIdentity]) -> None:
        for identity in identities:
            key = (identity.display_name, identity.digest_before, identity.digest_now)
            warning = identity.warning()
            if warning and key not in self._said:
                self._said.add(key)
                _say(f"warning: {warning}")


def replay_status_line(run: Run) -> str:
    """What `journal replay` (and a conversation's reply) says once a run has ended."""
    from journal.core.formatting import run_stats
    from journal.core.models import RunStatus

    if run.status is RunStatus.DONE:
        stats = run_stats(run)
        return f"run {run.id} done" + (f" · {stats}" if stats else "")
    if run.status is RunStatus.CANCELLED:
        return (
            f"run {run.id} cancelled; the partial answer is kept ({len(run.response)} characters)."
        )
    return f"run {run.id} recorded as {run.status.value}: {run.error}"


# -- journal replay ---------------------------------------------------------------------


def cmd_replay(args: argparse.Namespace) -> int:
    from journal.core.cancel import CancelToken
    from journal.core.capabilities import check_specs
    from journal.core.formatting import plural
    from journal.core.models import RunStatus
    from journal.core.options import UnknownOptionError
    from journal.core.replay import (
        QueueEvents,
        Replayer,
        ReplayQueue,
        missing_models,
    )
    from journal.core.stability import repeated_plans

    ollama_host(args)  # a bad --host or OLLAMA_HOST is refused before the journal is opened
    edits = _edits(args)
    if args.regenerate_all:
        from journal.cli_conversation import regenerate_conversation

        return regenerate_conversation(args, edits)
    cancel = CancelToken()
    with open_journal(args) as journal:
        ollama = service(args)
        replayer = Replayer(journal, ollama)
        try:
            fanned = replayer.fan_out(args.run_id, args.model or [], edits)
            plans: list[ReplayPlan] = fanned
            seeds: list[RepeatSeeds] = []
            if args.repeat is not None:
                plans, seeds = repeated_plans(fanned, args.repeat, edits)
        except UnknownOptionError as error:
            raise error.with_hint("Add --allow-unknown-option to send it anyway.") from None
        identities = replayer.identify_all(plans)
        missing = missing_models(identities)
        if missing and args.pull:
            _pull(ollama, missing, cancel)
            identities = replayer.identify_all(plans)
            missing = missing_models(identities)
        if missing:
            raise _missing_model(missing[0], ollama.host, suggest_pull=not args.pull)
        DigestWarnings()(identities)
        # A model that cannot see the run's images or think is refused before any replay.
        check_specs(ollama, [plan.spec for plan in plans])
        for plan, chosen in zip(fanned, seeds, strict=False):
            times = plural(chosen.count, "time")
            _say(f"replaying run {args.run_id} on {plan.model} {times}: {chosen.description}")
        if not seeds and len(plans) > 1:
            _say(f"replaying run {args.run_id} on {len(plans)} models, one at a time")
        # With --json the answers are not streamed; notices still go to stderr.
        printer = Notices() if args.json else AnswerPrinter(cancel)
        grading = grading_from_args(journal, args)

        def started(index: int, total: int, run: Run) -> None:
            prefix = f"[{index}/{total}] " if total > 1 else ""
            seed = f" (seed {run.options.get('seed')})" if seeds else ""
            _say(f"{prefix}run {run.id} replays run {run.replay_of_id} on {run.model}{seed}")

        def chunk(index: int, content: str, thinking: str) -> None:
            if isinstance(printer, AnswerPrinter):
                printer.chunk(content, thinking)

        def progress(index: int, total: int, run: Run) -> None:
            if isinstance(printer, AnswerPrinter):
                printer.end_answer(gap=index < total)  # a blank line between answers
                if printer.closed:
                    return
            _say(replay_status_line(run))
            grading.finished(run)

        queue = ReplayQueue(replayer, plans)
        events = QueueEvents(started=started, chunk=chunk, run=printer.events())
        stopped: int | None = None
        try:
            with StopOnSignals(cancel) as stop:
                runs = queue.run(cancel, progress, events)
            stopped = grading.finish(cancel.cancelled)
        finally:
            grading.close()
        if seeds:
            _say_stability(journal, [plan.model for plan in fanned], runs)
        if args.json:
            print_json(
                [{**run_record(run), **run_grading_record(journal, run)} for run in runs],
                sys.stdout,
            )
    skipped = len(plans) - len(runs)
    if cancel.cancelled:
        if isinstance(printer, AnswerPrinter) and printer.closed:
            return EXIT_OUTPUT_CLOSED  # the reader left, as with `| head`: nothing to say
        if skipped:
            _say(f"{plural(skipped, 'replay')} not started (cancelled).")
        return stop.exit_code
    if stopped is not None:
        return stopped
    if any(run.status is not RunStatus.DONE for run in runs):
        return 1
    return 0


def _say_stability(journal: Journal, models: list[str], runs: list[Run]) -> None:
    """What each model's repeats add up to: `qwen3:8b: 3 of 5 pass, 2 distinct answers`."""
    from journal.core.stability import stability_of

    with journal.read() as session:
        for model in models:
            ids = [run.id for run in runs if run.model == model and run.id is not None]
            if ids:
                _say(f"{model}: {stability_of(session, ids).line}")


# -- journal check ----------------------------------------------------------------------


def _progress_line(index: int, total: int, run: Run, triage: ItemTriage | None = None) -> str:
    seconds = f", {run.wall_seconds:.1f} s" if run.wall_seconds is not None else ""
    line = f"[{index}/{total}] run {run.replay_of_id} -> run {run.id}: {run.status.value}"
    if run.error and run.status.value == "failed":
        line += f" ({run.error})"
    return line + seconds + (f" · {_standing(triage)}" if triage else "")


def _standing(triage: ItemTriage) -> str:
    """`pass`, `fail: 0 of 1 pass; missing 'Paris'`, `needs a look: ...`."""
    from journal.core.check_triage import Group

    if triage.group is Group.PASS:
        return "pass"
    if triage.group is Group.GRADING:
        return "more grades coming"
    return f"{triage.group.value}: {_one_line(triage.reason)}"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def cmd_check(args: argparse.Namespace) -> int:
    if args.list:
        return _check_list(args)
    if args.show is not None:
        return _check_show(args)
    if args.accept_passes is not None:
        return _check_accept(args)
    return _check_run(args)


def _check_run(args: argparse.Namespace) -> int:
    from journal.core.cancel import CancelToken
    from journal.core.errors import InvalidInputError
    from journal.core.formatting import plural, short_digest
    from journal.core.migration_check import (
        CheckEvents,
        CheckRunResult,
        check_items,
        get_check,
    )
    from journal.core.models import CheckStatus, RunStatus

    if args.run and any((args.model, args.verdict, args.tag, args.search)):
        raise InvalidInputError("Pick the runs with --run or with filters, not both.")
    ollama_host(args)  # a bad --host or OLLAMA_HOST is refused before the journal is opened
    cancel = CancelToken()
    warn = DigestWarnings()
    replaying: set[int] = set()  # items whose progress line is still to come
    standing: dict[int, ItemTriage] = {}  # where they stand, for that line
    said = threading.Lock()  # grades land on the grading thread

    def starting(position: int, total: int, source_id: int, identity: ModelIdentity) -> None:
        warn([identity])

    def progress(index: int, total: int, run: Run) -> None:
        with said:
            _say(_progress_line(index, total, run, standing.pop(index, None)))
            replaying.discard(index)

    def graded(position: int, run_id: int, triage: ItemTriage) -> None:
        with said:
            if position in replaying:
                standing[position] = triage
            else:  # its line is out (or none comes): said as it lands
                _say(f"item {position} (run {run_id}) graded: {_standing(triage)}")

    def grading_failed(position: int, message: str) -> None:
        _say(f"item {position}: grading failed: {message}")

    events = CheckEvents(
        starting=starting,
        run=Notices().events(),
        graded=graded,
        grading_failed=grading_failed,
    )
    with open_journal(args) as journal, _checker(args, journal) as checker:
        ollama = checker.service
        view = None
        if args.resume is not None:
            with journal.read() as session:
                view = get_check(session, args.resume)
                replaying.update(
                    item.position
                    for item in check_items(session, args.resume)
                    if item.new_status is not RunStatus.DONE
                )
            if not view.resumable and view.status is not CheckStatus.RUNNING:
                _say(f"check {view.id} has nothing left to run.")
                return _print_summary(args, view)
        target = view.target_model if view else args.target
        if len(checker.hosts) <= 1 and ollama.find_model(target) is None:
            if not args.pull:
                raise _missing_model(target, ollama.host, suggest_pull=True)
            _pull(ollama, [target], cancel)
        result: CheckRunResult
        if view is not None:
            check_id = view.id
            if view.status is not CheckStatus.RUNNING:  # else resume says who runs it
                _say(f"resuming check {check_id}: {view.summary.line()}")
                if view.summary.ungraded:
                    _say(f"grading the {plural(view.summary.ungraded, 'replay')} left ungraded")
            with StopOnSignals(cancel) as stop:
                result = checker.resume(check_id, cancel=cancel, progress=progress, events=events)
        else:
            check_id = checker.create(
                target,
                filters=None if args.run else filters_from(args),
                run_ids=args.run,
                name=args.name or "",
                regenerate=args.regenerate_all,
            )
            with journal.read() as session:
                created = get_check(session, check_id)
            replaying.update(range(1, created.summary.total + 1))
            _say(
                f"check {check_id}: {plural(created.summary.total, 'run')} on {target} "
                f"@ {short_digest(created.target_digest)} · {created.name}"
            )
            with StopOnSignals(cancel) as stop:
                result = checker.run(check_id, cancel=cancel, progress=progress, events=events)
        for warning in result.warnings:
            _say(f"warning: {warning}")
        stopped = None
        if result.cancelled:
            checker.cancel_grades()  # Ctrl-C stops everything; resume grades the rest
        elif checker.grading_runs:
            stopped = _wait_for_grades(checker, check_id)
        with journal.read() as session:
            view = get_check(session, check_id, grading=checker.grading_runs)
    code = _print_summary(args, view)
    if result.cancelled:
        _say(f"check {check_id} cancelled; resume it with `journal check --resume {check_id}`.")
        return stop.exit_code
    return stopped if stopped is not None else code


def _checker(args: argparse.Namespace, journal: Any) -> MigrationChecker:
    """Spread over --host (each given), else a new check over the settings' hosts and a
    resumed one over its own."""
    from journal.core.migration_check import MigrationChecker

    hosts = host_limits(args) if (args.host or args.resume is None) else []
    return MigrationChecker(
        journal,
        service(args),
        hosts=hosts,
        judge_model=args.judge,
        embedding_model=args.embed_model,
    )


def _wait_for_grades(checker: MigrationChecker, check_id: int) -> int | None:
    """Wait for the judge and similarity grades still coming, each said as it lands.
    Ctrl-C stops waiting (what landed is kept, resuming grades the rest): its exit code."""
    from journal.core.cancel import CancelToken
    from journal.core.formatting import plural

    stop_waiting = CancelToken()
    stop_waiting.add_callback(checker.cancel_grades)
    with StopOnSignals(stop_waiting) as stop:
        waiting = len(checker.grading_runs)
        _say(
            f"waiting for the judge and similarity grades of {plural(waiting, 'replay')} "
            f"(Ctrl-C stops; `journal check --resume {check_id}` grades the rest)"
        )
        checker.wait_grades()
    if not stop_waiting.cancelled:
        return None
    _say(f"grading stopped; `journal check --resume {check_id}` grades the rest.")
    return stop.exit_code


def _print_summary(args: argparse.Namespace, view: CheckView) -> int:
    if args.json:
        print_json(view.as_dict(), sys.stdout)
    else:
        print(view.summary.line())
    return 0


def _check_list(args: argparse.Namespace) -> int:
    from journal.core.formatting import short_digest
    from journal.core.migration_check import list_checks

    with open_journal_for_reading(args) as journal, journal.read() as session:
        checks = list_checks(session, limit=args.limit)
    if args.json:
        print_json([check.as_dict() for check in checks], sys.stdout)
        return 0
    if not checks:
        _say("No checks yet. Start one with `journal check --target MODEL --verdict worked`.")
        return 0
    table = [("ID", "CREATED", "STATUS", "TARGET", "DONE", "SUMMARY")]
    for check in checks:
        summary = check.summary
        finished = summary.total - summary.pending
        table.append(
            (
                str(check.id),
                check.created_at.isoformat()[:16].replace("T", " "),
                check.status.value,
                f"{check.target_model}@{short_digest(check.target_digest)}",
                f"{finished}/{summary.total}",
                f"{check.name}: {summary.line()}",
            )
        )
    print_table(table)
    return 0


def _render_diff(ops: list[DiffOp], colour: bool) -> str:
    marks = (
        (STYLE_REMOVED, STYLE_END, STYLE_ADDED, STYLE_END) if colour else ("[-", "-]", "{+", "+}")
    )
    out: list[str] = []
    for op in ops:
        if op.kind == "equal":
            out.append(op.old)
            continue
        if op.old:
            out.append(f"{marks[0]}{op.old}{marks[1]}")
        if op.new:
            out.append(f"{marks[2]}{op.new}{marks[3]}")
    return "".join(out)


_ITEM_HEADER = ("#", "RUN", "NEW", "BASELINE", "NOW", "STATUS", "OUTCOME", "PROMPT", "WHY")
_GROUP_TITLES = {
    "pass": "passes",
    "fail": "fails",
    "needs a look": "needs a look",
    "grading": "still grading",
    "pending": "not run yet",
}


def _item_row(item: CheckItemView) -> tuple[str, ...]:
    from journal.core.formatting import first_line

    return (
        str(item.position),
        f"{item.source_run_id} (in the trash)" if item.source_in_trash else str(item.source_run_id),
        str(item.new_run_id or "-"),
        item.baseline.value if item.baseline else "-",
        item.new_verdict.value if item.new_verdict else "-",
        item.new_status.value if item.new_status else "-",
        item.outcome.value,
        first_line(item.prompt, 40) or first_line(item.experiment_title, 40),
        _one_line(item.reason),
    )


def _print_groups(groups: dict[Group, list[CheckItemView]]) -> None:
    """Each group that has items: a heading, then its items (the reason last, whole)."""
    first = True
    for group, items in groups.items():
        if not items:
            continue
        if not first:
            print()
        first = False
        print(f"{_GROUP_TITLES[group.value]} ({len(items)})")
        print_table([_ITEM_HEADER, *(_item_row(item) for item in items)])


def _check_show(args: argparse.Namespace) -> int:
    from journal.core.check_triage import Group
    from journal.core.formatting import short_digest
    from journal.core.migration_check import check_groups, check_items, get_check, item_runs
    from journal.core.word_diff import diff_records, word_diff

    with open_journal_for_reading(args) as journal, journal.read() as session:
        view = get_check(session, args.show)
        items = check_items(session, args.show)
        diffs: dict[int, list[DiffOp]] = {}
        if args.diff:
            for item in items:
                source, new = item_runs(session, args.show, item.position)
                if new is not None:
                    diffs[item.position] = word_diff(source.response, new.response)
    groups = check_groups(items)
    if args.json:
        record = view.as_dict()
        record["groups"] = {
            group.value: [item.position for item in members] for group, members in groups.items()
        }
        record["items"] = [item.as_dict() for item in items]
        for entry in record["items"]:
            if entry["position"] in diffs:
                entry["diff"] = diff_records(diffs[entry["position"]])
        print_json(record, sys.stdout)
        return 0
    out = sys.stdout
    out.write(f"# check {view.id}: {view.name}\n")
    out.write(
        f"target: {view.target_model}@{short_digest(view.target_digest)} · {view.status.value} · "
        f"created {view.created_at.isoformat()[:16].replace('T', ' ')}\n\n"
    )
    _print_groups(groups)
    colour = out.isatty()
    for position, ops in diffs.items():
        item = items[position - 1]
        out.write(f"\n## {position}: run {item.source_run_id} -> run {item.new_run_id}\n")
        write_styled(out, _render_diff(ops, colour).rstrip("\n") + "\n")
    out.write(f"\n{view.summary.line()}\n")
    if view.resumable:
        _say(f"resume it with `journal check --resume {view.id}`")
    if any(item.new_verdict is None for item in groups[Group.PASS]):
        _say(f"accept the passes as worked with `journal check --accept-passes {view.id}`")
    return 0


def _check_accept(args: argparse.Namespace) -> int:
    """Every passing replay without a verdict becomes `worked`; a verdict given stays."""
    from journal.core.formatting import plural
    from journal.core.migration_check import accept_passes, get_check

    check_id = args.accept_passes
    with open_journal(args) as journal:
        with journal.write() as session:
            accepted = accept_passes(session, check_id)
        with journal.read() as session:
            view = get_check(session, check_id)
    if args.json:
        print_json({**view.as_dict(), "accepted_runs": accepted}, sys.stdout)
        return 0
    if accepted:
        shown = ", ".join(str(run_id) for run_id in accepted)
        _say(
            f"check {check_id}: {plural(len(accepted), 'passing replay')} accepted as worked "
            f"(runs {shown})"
        )
    else:
        _say(f"check {check_id}: no pass is waiting for your verdict; nothing changed.")
    print(view.summary.line())
    return 0


# -- journal triage ---------------------------------------------------------------------


def cmd_triage(args: argparse.Namespace) -> int:
    from journal.core.migration_check import get_check, triage
    from journal.core.models import Verdict

    verdict = None if args.verdict == "none" else Verdict(args.verdict)
    with open_journal(args) as journal:
        with journal.write() as session:
            run = triage(session, args.check_id, args.item, verdict, args.why)
            record = run_record(run)
        with journal.read() as session:
            summary = get_check(session, args.check_id).summary
    if args.json:
        print_json(record, sys.stdout)
    else:
        _say(
            f"check {args.check_id} item {args.item} (run {run.id}): "
            f"{args.verdict if verdict else 'unrated'}"
        )
        print(summary.line())
    return 0


# -- journal matrix ---------------------------------------------------------------------


def cmd_matrix(args: argparse.Namespace) -> int:
    from journal.cli_fit import fit_table, fitting_width
    from journal.core.formatting import first_line, plural
    from journal.core.matrix import matrix_page

    with open_reader(args) as journal:
        matrix = matrix_page(
            journal,
            filters_from(args),
            limit=args.limit,
            before_id=args.before,
            models=args.column or None,
        )
    if args.json:
        print_json(matrix.as_dict(), sys.stdout)
        return 0
    if not matrix.rows:
        _say("No experiments match.")
        return 0
    table = [("ID", *(column.label for column in matrix.columns), "TITLE")]
    for row in matrix.rows:
        cells = []
        for column in matrix.columns:
            cell = row.cells.get(column)
            if cell is None:
                cells.append("-")
            else:
                verdict = cell.verdict.value if cell.verdict else "unrated"
                cells.append(f"{verdict}#{cell.run_id}")
        table.append((str(row.experiment_id), *cells, first_line(row.title, 60) or "(untitled)"))
    fitted = fit_table(table, fitting_width(wide=args.wide))
    for line in fitted.lines:
        print(line)
    if fitted.hidden:
        _say(f"{plural(fitted.hidden, 'more model')}: --wide shows all")
    if matrix.next_before_id is not None:
        _say(f"more: journal matrix --before {matrix.next_before_id}")
    return 0


# -- registration -----------------------------------------------------------------------


def register(add: AddCommand) -> None:
    replay = add(
        "replay",
        cmd_replay,
        "replay a past run (same model, prompt, options and seed), or edit it first",
    )
    replay.add_argument("run_id", type=record_id, metavar="RUN_ID", help="the run to replay")
    replay.add_argument(
        "-m",
        "--model",
        action="append",
        metavar="MODEL",
        help="replay on this model instead (repeat to fan out to several, one at a time)",
    )
    replay.add_argument(
        "-o",
        "--option",
        action="append",
        metavar="KEY=VALUE",
        help="override an option (KEY= removes it); also think=... and keep_alive=...",
    )
    replay.add_argument(
        "--allow-unknown-option",
        action="store_true",
        help="send -o keys Ollama does not know (it ignores them silently)",
    )
    replay.add_argument(
        "-p", "--prompt", type=free_text, help="replace the prompt (@FILE or - work too)"
    )
    replay.add_argument(
        "-s", "--system", type=free_text, help="replace the system prompt (@FILE or -)"
    )
    replay.add_argument(
        "--format",
        type=free_text,
        metavar="FORMAT",
        help="send this format instead of the run's: json, a JSON schema ('{...}'), "
        "@schema.json, or none to drop it",
    )
    replay.add_argument("--pull", action="store_true", help="pull a missing model first")
    replay.add_argument(
        "--repeat",
        type=count,
        metavar="N",
        help="replay N times (on each model) with the seeds s, s+1, ... (s: the run's seed, "
        "else 0), grade each, and say how many pass and how many answers differ",
    )
    replay.add_argument(
        "--regenerate-all",
        action="store_true",
        help="a turn of a conversation: every turn of it again, each sent with the new answers "
        "as history, as a new branch (the last turn alone replays with the recorded history)",
    )
    add_grading_arguments(replay)
    replay.add_argument("--raw", action="store_true", help=RAW_HELP)

    check = add(
        "check",
        cmd_check,
        "replay past runs on a new model, each replay graded: what passes, fails, needs a look",
        many_hosts=True,
    )
    mode = check.add_mutually_exclusive_group(required=True)
    mode.add_argument("--target", metavar="MODEL", help="start a check against this model")
    mode.add_argument(
        "--show", type=record_id, metavar="ID", help="print a saved check, its items in groups"
    )
    mode.add_argument(
        "--resume", type=record_id, metavar="ID", help="continue a check, grading what is left"
    )
    mode.add_argument("--list", action="store_true", help="list saved checks")
    mode.add_argument(
        "--accept-passes",
        type=record_id,
        metavar="ID",
        help="judge every passing replay without a verdict as worked (a verdict given stays)",
    )
    add_filter_arguments(check)
    check.add_argument(
        "--run",
        type=record_id,
        action="append",
        metavar="ID",
        help="check these runs instead of filtering (repeatable)",
    )
    check.add_argument("--name", type=free_text, help="a name for the check")
    check.add_argument(
        "--regenerate-all",
        action="store_true",
        help="for a turn of a conversation, regenerate every turn on the target (each with "
        "the new answers as history) instead of replaying the last with the recorded history",
    )
    check.add_argument("--pull", action="store_true", help="pull the target model first")
    check.add_argument(
        "--judge", metavar="MODEL", help="the model for judge: expectations (not models.judge)"
    )
    check.add_argument(
        "--embed-model",
        metavar="MODEL",
        help="the model for similar: expectations (not models.embedding)",
    )
    check.add_argument("--diff", action="store_true", help="with --show: word diff of answers")
    check.add_argument("--limit", type=count, default=50, metavar="N", help="with --list")
    check.add_argument("--raw", action="store_true", help=f"with --show: {RAW_HELP}")

    triage = add("triage", cmd_triage, "judge a replay of a check (same as verdict NEW_RUN)")
    triage.add_argument("check_id", type=record_id, metavar="CHECK_ID", help="the check's id")
    triage.add_argument("item", type=count, metavar="ITEM", help="the item's # in check --show")
    triage.add_argument(
        "verdict", choices=(*VERDICTS, "none"), help="how the replay did (none: unrated)"
    )
    triage.add_argument("--why", type=free_text, help="why it worked or not")

    matrix = add("matrix", cmd_matrix, "experiments x models (by digest): the latest verdicts")
    add_filter_arguments(matrix)
    matrix.add_argument(
        "--limit", type=count, default=50, metavar="N", help="experiments per page (default 50)"
    )
    matrix.add_argument("--before", type=record_id, metavar="ID", help="the page after this id")
    matrix.add_argument(
        "--column", action="append", metavar="MODEL", help="only these models as columns"
    )
    matrix.add_argument(
        "--wide",
        action="store_true",
        help="every column in full; else a terminal (or $COLUMNS) gets what fits, names cut "
        "with …, and a piped output without $COLUMNS gets everything",
    )
