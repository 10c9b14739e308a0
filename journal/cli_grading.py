"""What `run`, `replay`, `grade` and `show` say about grades: one line per result, the outcome
and the suggested verdict, and JSON records. Grading the runs a command makes as they end,
and waiting for the results that need Ollama, is journal.cli_grading_wait's: `show` prints
through this module and never waits. Light to import: the core is imported inside the
functions.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from journal.cli_grading_wait import RunGrader
    from journal.core.grade_records import Grade, SavedExpectation
    from journal.core.grading import GradeResult, RunOutcome
    from journal.core.models import Run, Verdict
    from journal.core.read_records import ExperimentGrading, RunRecord
    from journal.core.read_sql import Reader
    from journal.core.repeats import RepeatGroup
    from journal.core.storage import Journal


# -- lines for a person -----------------------------------------------------------------


def result_line(status: str, label: str, reason: str) -> str:
    """`pass    contains:Paris — contains 'Paris'`: one result, one line."""
    return f"{status:<6}  {label} — {' '.join(reason.split())}"


def grade_line(grade: Grade) -> str:
    line = result_line(grade.status.value, grade.label, grade.reason)
    return line + " (graded against an older version)" if grade.stale else line


def try_line(result: GradeResult, label: str) -> str:
    return result_line(result.status.value, label, result.reason)


def verdict_text(person: Verdict | None, outcome: RunOutcome) -> str:
    """`verdict: worked (yours)`, `suggested verdict: partly`, or `no verdict suggested`."""
    from journal.core.grading import shown_verdict

    verdict, suggested = shown_verdict(person, outcome)
    if verdict is None:
        return "no verdict suggested"
    if suggested:
        return f"suggested verdict: {verdict.value}"
    return f"verdict: {verdict.value} (yours)"


def outcome_line(outcome: RunOutcome, person: Verdict | None) -> str:
    """`fail · 1 of 2 pass; missing 'Paris' · suggested verdict: partly`."""
    status = "needs a look" if outcome.status.value == "needs-look" else outcome.status.value
    return f"{status} · {outcome.reason} · {verdict_text(person, outcome)}"


def expectation_line(saved: SavedExpectation) -> str:
    """`2. contains:Paris (name capital, weight 2, on thinking)`."""
    expectation = saved.expectation
    extras = []
    if expectation.name:
        extras.append(f"name {expectation.name}")
    if expectation.weight != 1:
        extras.append(f"weight {expectation.weight:g}")
    if expectation.target.value != "answer":
        extras.append(f"on {expectation.target.value}")
    more = f" ({', '.join(extras)})" if extras else ""
    return f"{saved.position}. {saved.text}{more}"


def rule_text(threshold: float | None) -> str:
    if threshold is None:
        return "all must pass"
    return f"a weighted score of {threshold:g} or more passes"


# -- records for --json -----------------------------------------------------------------


def expectation_record(saved: SavedExpectation) -> dict[str, Any]:
    expectation = saved.expectation
    return {
        "id": saved.id,
        "uuid": saved.uuid,
        "position": saved.position,
        "line": saved.text,
        "kind": expectation.kind.value,
        "value": expectation.value,
        "arg": expectation.arg,
        "negated": expectation.negated,
        "name": expectation.name,
        "weight": expectation.weight,
        "target": expectation.target.value,
        "created_at": saved.created_at.isoformat(),
        "updated_at": saved.updated_at.isoformat(),
    }


def grade_record(grade: Grade) -> dict[str, Any]:
    return {
        "id": grade.id,
        "uuid": grade.uuid,
        "run_id": grade.run_id,
        "expectation_id": grade.expectation_id,
        "expectation_uuid": grade.expectation_uuid,
        "expectation": grade.expectation_text,
        "name": grade.name,
        "weight": grade.weight,
        "target": grade.target.value,
        "status": grade.status.value,
        "score": grade.score,
        "reason": grade.reason,
        "grader": grade.grader,
        "created_at": grade.created_at.isoformat(),
        "stale": grade.stale,
    }


def outcome_record(outcome: RunOutcome, person: Verdict | None) -> dict[str, Any]:
    from journal.core.grading import shown_verdict

    verdict, suggested = shown_verdict(person, outcome)
    return {
        "status": outcome.status.value,
        "reason": outcome.reason,
        "summary": outcome.summary,
        "suggested_verdict": (
            outcome.suggested_verdict.value if outcome.suggested_verdict else None
        ),
        "verdict_shown": verdict.value if verdict else None,
        "verdict_is_suggestion": suggested,
        "score": outcome.score,
        "total": outcome.total,
        "passed": outcome.passed,
        "failed": outcome.failed,
        "unsure": outcome.unsure,
        "errors": outcome.errors,
        "ungraded": outcome.ungraded,
    }


def repeat_record(group: RepeatGroup) -> dict[str, Any]:
    stability = group.stability
    return {
        "model": group.model,
        "run_ids": group.run_ids,
        "runs": stability.runs,
        "passed": stability.passed,
        "failed": stability.failed,
        "needs_look": stability.needs_look,
        "distinct_answers": stability.distinct_answers,
        "worked_only_sometimes": stability.sometimes,
        "line": stability.line,
    }


def run_grading_record(journal: Journal, run: Run, *, history: bool = False) -> dict[str, Any]:
    """The `grades` and `outcome` (and with `history`, `grade_history`) of a run record."""
    from journal.core.grades import current_grades, grade_history, run_outcome

    assert run.id is not None
    with journal.read() as session:
        record: dict[str, Any] = {
            "grades": [grade_record(grade) for grade in current_grades(session, run.id)],
            "outcome": outcome_record(run_outcome(session, run.id), run.verdict),
        }
        if history:
            record["grade_history"] = [
                grade_record(grade) for grade in grade_history(session, run.id)
            ]
    return record


# -- grading the runs a command makes ---------------------------------------------------


def add_grading_arguments(parser: argparse.ArgumentParser, *, wait: bool = True) -> None:
    """--judge and --embed-model (and --wait-grades) for commands that grade runs."""
    parser.add_argument(
        "--judge",
        metavar="MODEL",
        help="the judge model for judge: expectations (default: `journal config get models.judge`)",
    )
    parser.add_argument(
        "--embed-model",
        metavar="MODEL",
        help="the embedding model for similar: expectations (default: `journal config get "
        "models.embedding`)",
    )
    if wait:
        parser.add_argument(
            "--wait-grades",
            action="store_true",
            help="wait for judge and similar results and print them (Ctrl-C stops waiting; "
            "else `journal grade RUN` grades them later)",
        )


def grading_from_args(journal: Journal, args: argparse.Namespace) -> RunGrader:
    from journal.cli_grading_wait import RunGrader
    from journal.cli_support import service

    return RunGrader(
        journal,
        lambda: service(args),
        judge_model=getattr(args, "judge", None),
        embedding_model=getattr(args, "embed_model", None),
        wait=getattr(args, "wait_grades", False),
    )


# -- journal show -----------------------------------------------------------------------


class ShownGrading(NamedTuple):
    """An experiment's grading (read_records.read_grading's) as `journal show` says it. A
    NamedTuple, not a dataclass: lighter for `show` to define at import."""

    found: ExperimentGrading

    @property
    def works_only_sometimes(self) -> bool:
        return any(group.stability.sometimes for group in self.found.repeats)

    def text_lines(self) -> list[str]:
        """The experiment's part: its expectations and its repeats."""
        lines = []
        if self.found.expectations:
            lines.append(f"expectations ({rule_text(self.found.rule.threshold)}):")
            lines += [f"  {expectation_line(saved)}" for saved in self.found.expectations]
        for group in self.found.repeats:
            ids = ", ".join(str(run_id) for run_id in group.run_ids[:8])
            if len(group.run_ids) > 8:
                ids += f", … {len(group.run_ids) - 8} more"
            lines.append(f"repeats on {group.model} (runs {ids}): {group.stability.line}")
        return lines

    def run_lines(self, run: Run | RunRecord) -> list[str]:
        """A run's part: its outcome, then one line per current grade."""
        assert run.id is not None
        graded = self.found.runs[run.id]
        if not self.found.expectations and not graded.grades:
            return []
        lines = [f"grades: {outcome_line(graded.outcome, run.verdict)}"]
        lines += [f"  {grade_line(grade)}" for grade in graded.grades]
        return lines

    def record(self) -> dict[str, Any]:
        return {
            "expectations": [expectation_record(saved) for saved in self.found.expectations],
            "rule": self.found.rule.text,
            "repeats": [repeat_record(group) for group in self.found.repeats],
            "works_only_sometimes": self.works_only_sometimes,
        }

    def run_record(self, run: Run | RunRecord, *, history: bool) -> dict[str, Any]:
        assert run.id is not None
        graded = self.found.runs[run.id]
        record: dict[str, Any] = {
            "grades": [grade_record(grade) for grade in graded.grades],
            "outcome": outcome_record(graded.outcome, run.verdict),
        }
        if history:
            record["grade_history"] = [grade_record(grade) for grade in graded.history]
        return record


def shown_grading(reader: Reader, experiment_id: int, runs: list[RunRecord]) -> ShownGrading:
    """The experiment's grading as `journal show` says it, read over `reader` (no ORM);
    `runs` as stored (a run its dead writer left live is graded as live)."""
    from journal.core.read_records import read_grading

    return ShownGrading(read_grading(reader, experiment_id, runs))
