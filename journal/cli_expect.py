"""`journal expect EXPERIMENT add | list | remove | move | rule | test` and `journal grade`.

An experiment's expectations are written in their one-line form (`contains:Paris`,
`words<=50`, `judge:names three real rivers`), checked by the core when saved; `test`
grades one on a run without saving anything; `grade` re-grades runs explicitly, keeping
the history. Light to import: the core is imported inside the handlers.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from journal.cli_grading import (
    add_grading_arguments,
    expectation_line,
    expectation_record,
    grade_line,
    outcome_line,
    rule_text,
    run_grading_record,
    try_line,
)
from journal.cli_grading_wait import GradingInbox
from journal.cli_stream import StopOnSignals
from journal.cli_support import (
    AddCommand,
    accept_common_after_action,
    add_filter_arguments,
    count,
    filters_from,
    free_text,
    ollama_host,
    open_journal,
    open_journal_for_reading,
    print_json,
    print_table,
    record_id,
    service,
)

if TYPE_CHECKING:
    from sqlmodel import Session

    from journal.core.expectations import Expectation
    from journal.core.grades import SavedExpectation
    from journal.core.models import Run
    from journal.core.storage import Journal

ON_HELP = (
    "what it reads: answer (the default), thinking, or a turn of the conversation the run "
    "ends: turn:2 (its answer), turn:2:thinking"
)


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


# -- reading expectations from the command line -----------------------------------------


def read_expectation(
    line: str, *, name: str = "", weight: str | float = 1.0, target: str = "answer"
) -> Expectation:
    """An expectation as typed, checked, with a `json-schema:@file` read from the current
    folder now (so a bad file is refused before anything is written)."""
    from journal.core.expectations import load_schema_file, parse_expectation

    return load_schema_file(parse_expectation(line, name=name, weight=weight, target=target))


def add_expectations(
    session: Session, experiment_id: int, expectations: list[Expectation]
) -> list[SavedExpectation]:
    """Add each expectation the experiment does not already have (`run --expect` given
    twice adds nothing twice); returns the ones added."""
    from journal.core.grades import add_expectation, list_expectations

    have = {saved.expectation for saved in list_expectations(session, experiment_id)}
    added = []
    for expectation in expectations:
        if expectation not in have:
            added.append(add_expectation(session, experiment_id, expectation))
            have.add(expectation)
    return added


# -- journal expect -------------------------------------------------------------------------


def _list_lines(saved: list[SavedExpectation]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = [("#", "WEIGHT", "ON", "NAME", "EXPECTATION")]
    for item in saved:
        expectation = item.expectation
        rows.append(
            (
                str(item.position),
                f"{expectation.weight:g}",
                expectation.target.value,
                expectation.name or "-",
                item.text,
            )
        )
    return rows


def cmd_expect_add(args: argparse.Namespace) -> int:
    from journal.core.grades import add_expectation

    expectation = read_expectation(
        args.line, name=args.name or "", weight=args.weight, target=args.on
    )
    with open_journal(args) as journal, journal.write() as session:
        saved = add_expectation(session, args.experiment, expectation, position=args.at)
        record = expectation_record(saved)
    if args.json:
        print_json(record, sys.stdout)
    _say(f"experiment {args.experiment}: added {expectation_line(saved)}")
    return 0


def cmd_expect_list(args: argparse.Namespace) -> int:
    from journal.core.grades import get_combine_rule, list_expectations
    from journal.core.queries import get_experiment

    with open_journal_for_reading(args) as journal, journal.read() as session:
        get_experiment(session, args.experiment)
        saved = list_expectations(session, args.experiment)
        rule = get_combine_rule(session, args.experiment)
    if args.json:
        print_json(
            {
                "experiment_id": args.experiment,
                "rule": rule.text,
                "expectations": [expectation_record(item) for item in saved],
            },
            sys.stdout,
        )
        return 0
    if not saved:
        _say(
            f"Experiment {args.experiment} has no expectations yet: add one with "
            f"`journal expect {args.experiment} add 'contains:TEXT'`."
        )
        return 0
    print_table(_list_lines(saved))
    _say(f"results combine: {rule_text(rule.threshold)} (rule {rule.text})")
    return 0


def cmd_expect_remove(args: argparse.Namespace) -> int:
    from journal.core.grades import find_expectation, remove_expectation

    with open_journal(args) as journal, journal.write() as session:
        saved = find_expectation(session, args.experiment, args.expectation)
        remove_expectation(session, saved.id)
    _say(
        f"experiment {args.experiment}: removed {expectation_line(saved)}; "
        "its past grades stay in the runs' history."
    )
    return 0


def cmd_expect_move(args: argparse.Namespace) -> int:
    from journal.core.grades import find_expectation, move_expectation

    with open_journal(args) as journal, journal.write() as session:
        saved = find_expectation(session, args.experiment, args.expectation)
        ordered = move_expectation(session, saved.id, args.position)
    moved = next(item for item in ordered if item.id == saved.id)
    _say(f"experiment {args.experiment}: moved to {expectation_line(moved)}")
    return 0


def cmd_expect_rule(args: argparse.Namespace) -> int:
    from journal.core.grades import get_combine_rule, set_combine_rule
    from journal.core.grading import CombineRule
    from journal.core.queries import get_experiment

    if args.rule is None:
        with open_journal_for_reading(args) as journal, journal.read() as session:
            get_experiment(session, args.experiment)
            rule = get_combine_rule(session, args.experiment)
        print(rule.text)
        _say(f"experiment {args.experiment}: {rule_text(rule.threshold)}")
        return 0
    rule = CombineRule.parse(args.rule)
    with open_journal(args) as journal, journal.write() as session:
        set_combine_rule(session, args.experiment, rule)
    _say(f"experiment {args.experiment}: {rule_text(rule.threshold)} (rule {rule.text})")
    return 0


def _run_to_test(session: Session, experiment_id: int, run_id: int | None) -> Run:
    from journal.core.domain import RunStatus
    from journal.core.errors import InvalidInputError, NotFoundError
    from journal.core.queries import get_experiment, get_run, runs_of

    get_experiment(session, experiment_id)
    if run_id is not None:
        run = get_run(session, run_id)
        if run.experiment_id != experiment_id:
            raise InvalidInputError(
                f"Run {run_id} belongs to experiment {run.experiment_id}, not {experiment_id}."
            )
        return run
    done = [run for run in runs_of(session, experiment_id) if run.status is RunStatus.DONE]
    if not done:
        raise NotFoundError(
            f"Experiment {experiment_id} has no finished run to test on: run it first "
            f"(journal run --experiment {experiment_id} ...)."
        )
    return done[-1]


def cmd_expect_test(args: argparse.Namespace) -> int:
    from journal.core.cancel import CancelToken, StreamCancelled
    from journal.core.domain import RunStatus
    from journal.core.grades import conversation_of
    from journal.core.grading_queue import grade_one

    expectation = read_expectation(args.line, name=args.name or "", target=args.on)
    with open_journal_for_reading(args) as journal, journal.read() as session:
        run = _run_to_test(session, args.experiment, args.run)
        conversation = conversation_of(session, run)
    if run.status is not RunStatus.DONE:
        _say(f"note: run {run.id} {run.status.value}; its answer may be partial.")
    ollama = service(args) if expectation.kind.needs_ollama else None
    if ollama is not None:
        _say(f"asking Ollama at {ollama.host} ({expectation.kind.value})…")
    cancel = CancelToken()
    try:
        with StopOnSignals(cancel) as stop:
            result = grade_one(
                expectation,
                run,
                ollama,
                judge_model=args.judge,
                embedding_model=args.embed_model,
                cancel=cancel,
                conversation=conversation,
            )
    except StreamCancelled:
        _say("test cancelled; nothing was saved.")
        return stop.exit_code
    if args.json:
        print_json(
            {
                "experiment_id": args.experiment,
                "run_id": run.id,
                "expectation": expectation.text,
                "name": expectation.name,
                "target": expectation.target.value,
                "status": result.status.value,
                "score": result.score,
                "reason": result.reason,
                "grader": result.grader,
                "saved": False,
            },
            sys.stdout,
        )
    else:
        print(try_line(result, expectation.label))
    _say(f"tested on run {run.id} ({run.model}); nothing was saved.")
    return 0


def _choose_an_action(args: argparse.Namespace) -> int:
    from journal.core.errors import InvalidInputError

    raise InvalidInputError(
        "Say what to do: journal expect EXPERIMENT add | list | remove | move | rule | test."
    )


# -- journal grade --------------------------------------------------------------------------


def _nothing_to_grade(session: Session, args: argparse.Namespace) -> str:
    """Why the selection holds no run to grade, in one line."""
    from journal.core.domain import RunStatus
    from journal.core.grades import expectations_of_run, list_expectations
    from journal.core.queries import get_run

    if args.run_id is not None:
        run = get_run(session, args.run_id)
        if run.status is not RunStatus.DONE:
            return f"Run {run.id} {run.status.value}: a run that did not finish is not graded."
        if not expectations_of_run(session, run):
            return (
                f"Experiment {run.experiment_id} of run {run.id} has no expectations: add one "
                f"with `journal expect {run.experiment_id} add 'contains:TEXT'`."
            )
    if args.experiment is not None:
        if not list_expectations(session, args.experiment):
            return (
                f"Experiment {args.experiment} has no expectations: add one with "
                f"`journal expect {args.experiment} add 'contains:TEXT'`."
            )
        return f"Experiment {args.experiment} has no finished runs to grade."
    return "No finished runs with expectations match."


def _has_filters(args: argparse.Namespace) -> bool:
    return any((args.model, args.verdict, args.tag, args.search))


def cmd_grade(args: argparse.Namespace) -> int:
    from journal.core.errors import InvalidInputError, NotFoundError
    from journal.core.grades import runs_to_grade

    chosen = [args.run_id is not None, args.experiment is not None or _has_filters(args)]
    if all(chosen):
        raise InvalidInputError("Pick the runs with RUN, or with --experiment and filters.")
    if not any(chosen) and not args.all:
        raise InvalidInputError(
            "Say which runs to grade: journal grade RUN, --experiment ID, filters such as "
            "--model M, or --all."
        )
    if args.all and any(chosen):
        raise InvalidInputError("--all grades every run: give it alone.")
    ollama_host(args)  # a bad --host is refused before anything is graded
    with open_journal(args) as journal:
        with journal.read() as session:
            run_ids = runs_to_grade(
                session,
                run_id=args.run_id,
                experiment_id=args.experiment,
                filters=filters_from(args) if _has_filters(args) else None,
            )
            if not run_ids:
                raise NotFoundError(_nothing_to_grade(session, args))
        return _grade_runs(journal, args, run_ids)


def _grade_runs(journal: Journal, args: argparse.Namespace, run_ids: list[int]) -> int:
    from journal.core.cancel import CancelToken
    from journal.core.formatting import plural
    from journal.core.grading_queue import GradingQueue
    from journal.core.queries import get_run

    total = len(run_ids)
    _say(f"grading {plural(total, 'run')} (Ctrl-C stops)")
    inbox = GradingInbox()
    stop_token = CancelToken()
    stop_token.add_callback(inbox.stop)
    done: list[int] = []
    failed = 0
    counts = {"pass": 0, "fail": 0, "needs-look": 0}
    grading = GradingQueue(
        journal,
        service(args),
        judge_model=args.judge,
        embedding_model=args.embed_model,
        events=inbox.events(),
    )
    with grading, StopOnSignals(stop_token) as stop:
        grading.regrade(run_ids)
        while len(done) < total:
            event = inbox.next()
            if event.kind == "stopped":
                break
            place = f"[{len(done) + 1}/{total}] run {event.run_id}"
            if event.grade is not None:
                _say(f"{place}: {grade_line(event.grade)}")
                continue
            done.append(event.run_id)
            if event.outcome is None:
                failed += 1
                _say(f"{place}: grading failed: {event.message}")
                continue
            counts[event.outcome.status.value] += 1
            with journal.read() as session:
                run = get_run(session, event.run_id)
            if not args.json:
                print(f"run {run.id} · {run.model}: {outcome_line(event.outcome, run.verdict)}")
                sys.stdout.flush()
    if args.json:
        records = []
        for run_id in done:
            with journal.read() as session:
                run = get_run(session, run_id)
            records.append(
                {
                    "run_id": run_id,
                    "experiment_id": run.experiment_id,
                    "model": run.model,
                    "verdict": run.verdict.value if run.verdict else None,
                    **run_grading_record(journal, run, history=args.history),
                }
            )
        print_json(records, sys.stdout)
    summary = (
        f"{len(done)} of {total} runs graded: {counts['pass']} pass, {counts['fail']} fail, "
        f"{counts['needs-look']} need a look"
    )
    if failed:
        summary += f", {failed} could not be graded"
    _say(summary)
    if stop_token.cancelled:
        left = total - len(done)
        _say(
            f"grading stopped: {plural(left, 'run')} not graded again; "
            "what was graded is kept and earlier grades stand for the rest."
        )
        return stop.exit_code
    return 1 if failed else 0


# -- registration ---------------------------------------------------------------------------


def register(add: AddCommand) -> None:
    expect = add(
        "expect",
        _choose_an_action,
        "what a good answer of an experiment must satisfy: add, list, remove, move, rule, test",
        json_output=False,
    )
    expect.add_argument(
        "experiment", type=record_id, metavar="EXPERIMENT", help="the experiment's id"
    )
    actions = expect.add_subparsers(
        dest="action", metavar="ACTION", required=True, help="what to do with its expectations"
    )

    adding = actions.add_parser(
        "add",
        help="add an expectation, e.g. contains:Paris, words<=50, regex:^\\d+$, "
        "judge:names three real rivers",
    )
    adding.add_argument("line", type=free_text, metavar="LINE", help="[not-]KIND[(ARG)]:VALUE")
    adding.add_argument("--name", type=free_text, help="a short name to call it by")
    adding.add_argument("--weight", default="1", metavar="W", help="its weight (default 1)")
    adding.add_argument("--on", default="answer", metavar="TARGET", help=ON_HELP)
    adding.add_argument("--at", type=count, metavar="POSITION", help="where (default: the end)")
    adding.add_argument("--json", action="store_true", help="print the record as JSON")
    adding.set_defaults(handler=cmd_expect_add)

    listing = actions.add_parser("list", help="the expectations in order, and the rule")
    listing.add_argument("--json", action="store_true", help="print them as JSON")
    listing.set_defaults(handler=cmd_expect_list)

    removing = actions.add_parser("remove", help="remove one (its past grades stay)")
    removing.add_argument(
        "expectation", type=free_text, metavar="POSITION|NAME", help="which one: # or name"
    )
    removing.set_defaults(handler=cmd_expect_remove)

    moving = actions.add_parser("move", help="move one to another position")
    moving.add_argument(
        "expectation", type=free_text, metavar="POSITION|NAME", help="which one: # or name"
    )
    moving.add_argument("position", type=count, metavar="TO", help="its new position (1 is first)")
    moving.set_defaults(handler=cmd_expect_move)

    rule = actions.add_parser(
        "rule", help="how results combine: all (every one passes) or score>=0.7 (weighted)"
    )
    rule.add_argument("rule", nargs="?", metavar="all|score>=X", help="omit to print it")
    rule.set_defaults(handler=cmd_expect_rule)

    testing = actions.add_parser(
        "test", help="grade one expectation on a run without saving anything"
    )
    testing.add_argument("line", type=free_text, metavar="LINE", help="[not-]KIND[(ARG)]:VALUE")
    testing.add_argument(
        "--run", type=record_id, metavar="RUN", help="the run (default: the latest finished)"
    )
    testing.add_argument("--name", type=free_text, help="a name, as add takes it")
    testing.add_argument("--on", default="answer", metavar="TARGET", help=ON_HELP)
    testing.add_argument("--json", action="store_true", help="print the result as JSON")
    add_grading_arguments(testing, wait=False)
    testing.set_defaults(handler=cmd_expect_test)

    for action in (adding, listing, removing, moving, rule, testing):
        accept_common_after_action(action)

    grade = add(
        "grade",
        cmd_grade,
        "grade runs again against their experiments' expectations (the history is kept)",
    )
    grade.add_argument(
        "run_id", nargs="?", type=record_id, metavar="RUN", help="the run to grade again"
    )
    grade.add_argument(
        "--experiment", type=record_id, metavar="ID", help="every finished run of an experiment"
    )
    add_filter_arguments(grade)
    grade.add_argument("--all", action="store_true", help="every finished run with expectations")
    grade.add_argument(
        "--history", action="store_true", help="with --json: every grade, not only the current"
    )
    add_grading_arguments(grade, wait=False)
