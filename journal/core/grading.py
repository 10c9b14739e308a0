"""Grading a run against its experiment's expectations, and what the grades add up to.

Deterministic kinds are graded here, synchronously: they read the run's text and numbers
and nothing else, so they cost microseconds and can run the moment a run ends. `similar`
and `judge` need Ollama; `journal.core.judging` grades them in the background.

A grade is a fact about a run, said in words a person can read ("missing 'Paris'",
"$.rivers: expected array, got string"). What the grades add up to (`combine`) is a
suggestion only: the person's verdict, when set, is the last word and grading never
writes it.
"""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, NamedTuple, Protocol, TypeVar

from journal.core import messages
from journal.core.domain import RunStatus, Verdict
from journal.core.expectations import (
    REGEX_TIMEOUT,
    Expectation,
    Kind,
    Target,
    parse_json,
    schema_validator,
)
from journal.core.messages import Message, message

__all__ = [
    "CombineRule",
    "Gradable",
    "GradeResult",
    "GradeStatus",
    "NoSuchTurn",
    "OutcomeStatus",
    "RunOutcome",
    "combine",
    "grade_deterministic",
    "not_graded",
    "shown_verdict",
    "text_of",
    "turn_of",
    "ungraded_because",
]

_WORD = re.compile(r"\w+")
_START_SHOWN = 12  # characters of an answer quoted when it is not JSON


class GradeStatus(enum.StrEnum):
    """How one expectation went on one run. `unsure`: a judge could not say (a reply that
    did not parse, a score between its thresholds); `error`: grading itself failed (a
    regex that ran out of time, a missing model)."""

    PASS = "pass"
    FAIL = "fail"
    UNSURE = "unsure"
    ERROR = "error"

    @property
    def decided(self) -> bool:
        return self in (GradeStatus.PASS, GradeStatus.FAIL)


@dataclass(frozen=True)
class GradeResult:
    """One grading, before it is stored. `score` is what it earns toward a weighted rule
    (1 or 0, except a judge's own score); None when nothing was decided. `grader` is the
    record of a judge or embedding call (model, digest, what was sent, the raw reply)."""

    status: GradeStatus
    reason: str
    score: float | None = None
    grader: dict[str, Any] | None = None
    said: Message | None = None  # the reason as a template, for the window (not stored)


class Gradable(Protocol):
    """What grading reads of a run (a `models.Run` is one)."""

    @property
    def response(self) -> str: ...
    @property
    def thinking(self) -> str: ...
    @property
    def done_reason(self) -> str: ...
    @property
    def eval_count(self) -> int | None: ...
    @property
    def eval_duration(self) -> int | None: ...
    @property
    def first_token_seconds(self) -> float | None: ...


_Run = TypeVar("_Run", bound=Gradable)


# -- one expectation, one run ------------------------------------------------------------


class _Finding(NamedTuple):
    """What a check found, true either way: `met` before negation, `fact` a reason that
    reads right whether the expectation was negated or not. (A NamedTuple: read by
    attribute alone, and lighter to define at import than a dataclass.)"""

    met: bool
    fact: Message


class _Said(Exception):
    """An exception whose text is a core message: English as str(), the template kept."""

    def __init__(self, said: Message) -> None:
        super().__init__(said.english())
        self.said = said


class _Unusable(_Said):
    """The check could not be made (a regex out of time): an `error` grade."""


class NoSuchTurn(_Said):
    """A target names a turn the conversation does not have: an `error` grade, since the
    rule does not apply to this run (a fail would count against the model)."""


def turn_of(target: Target, run: _Run, conversation: Sequence[_Run] | None) -> _Run:
    """The run whose text `target` reads: `run` itself, or the turn it names of
    `conversation` (its runs root first, `run` last; None: `run` continues nothing).
    NoSuchTurn says, in words for a person, when there is no such turn."""
    if target.turn is None:
        return run
    turns = conversation if conversation else [run]
    if target.turn > len(turns):
        if len(turns) == 1:
            raise NoSuchTurn(message(messages.G_NO_TURN_ONE, turn=target.turn))
        raise NoSuchTurn(message(messages.G_NO_TURN, turn=target.turn, count=len(turns)))
    return turns[target.turn - 1]


def text_of(
    expectation: Expectation, run: Gradable, conversation: Sequence[Gradable] | None = None
) -> str:
    """The text an expectation reads: the answer, or the thinking when it targets that, of
    the run or of the turn of its conversation the target names (NoSuchTurn if none)."""
    target = expectation.target
    turn = turn_of(target, run, conversation)
    return turn.thinking if target.thinking else turn.response


def grade_deterministic(
    expectation: Expectation, run: Gradable, conversation: Sequence[Gradable] | None = None
) -> GradeResult:
    """Grade one deterministic expectation on one finished run, in microseconds for a
    typical answer. `conversation`: the runs of the conversation `run` ends, root first
    (`conversations.chain`), which a turn target reads; None for a run that continues
    nothing. ValueError for `similar`/`judge`, which need Ollama (see judging)."""
    if expectation.kind.needs_ollama:
        raise ValueError(f"{expectation.kind} is graded through Ollama, not here")
    try:
        turn = turn_of(expectation.target, run, conversation)
        finding = _CHECKS[expectation.kind](expectation, turn)
    except (_Unusable, NoSuchTurn) as exc:
        return GradeResult(GradeStatus.ERROR, str(exc), said=exc.said)
    passed = finding.met != expectation.negated
    status = GradeStatus.PASS if passed else GradeStatus.FAIL
    fact = finding.fact
    return GradeResult(status, fact.english(), 1.0 if passed else 0.0, said=fact)


def _read(expectation: Expectation, turn: Gradable) -> str:
    """The answer or thinking of the turn `turn_of` picked."""
    return turn.thinking if expectation.target.thinking else turn.response


def _quoted(text: str, limit: int = 40) -> str:
    """A value inside a one-line reason: quoted, newlines shown as \\n, cut when long."""
    flat = text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    return f"'{flat}'"


def _contains(expectation: Expectation, turn: Gradable) -> _Finding:
    value = expectation.value
    if value in _read(expectation, turn):
        return _Finding(True, message(messages.G_CONTAINS, value=_quoted(value)))
    return _Finding(False, message(messages.G_MISSING, value=_quoted(value)))


def _icontains(expectation: Expectation, turn: Gradable) -> _Finding:
    value = expectation.value
    if value.casefold() in _read(expectation, turn).casefold():
        return _Finding(True, message(messages.G_CONTAINS_ANY_CASE, value=_quoted(value)))
    return _Finding(False, message(messages.G_MISSING_ANY_CASE, value=_quoted(value)))


def _equals(expectation: Expectation, turn: Gradable) -> _Finding:
    wanted, text = expectation.value.strip(), _read(expectation, turn).strip()
    if text == wanted:
        return _Finding(True, message(messages.G_IS, value=_quoted(wanted)))
    return _Finding(False, message(messages.G_IS_NOT, text=_quoted(text), wanted=_quoted(wanted)))


def _starts_with(expectation: Expectation, turn: Gradable) -> _Finding:
    value, text = expectation.value, _read(expectation, turn)
    if text.startswith(value):
        return _Finding(True, message(messages.G_STARTS, value=_quoted(value)))
    start = _quoted(text[: max(len(value), 1)])
    return _Finding(False, message(messages.G_STARTS_NOT, text=start, wanted=_quoted(value)))


def _regex(expectation: Expectation, turn: Gradable) -> _Finding:
    import regex

    pattern = expectation.value
    try:
        match = regex.search(pattern, _read(expectation, turn), timeout=REGEX_TIMEOUT)
    except TimeoutError:
        raise _Unusable(
            message(messages.G_REGEX_TIMEOUT, pattern=_quoted(pattern), seconds=REGEX_TIMEOUT)
        ) from None
    except regex.error as exc:  # saved before the pattern was checked (an import)
        invalid = message(messages.G_REGEX_INVALID, pattern=_quoted(pattern), detail=str(exc))
        raise _Unusable(invalid) from None
    if match is None:
        return _Finding(False, message(messages.G_NO_MATCH, pattern=pattern))
    return _Finding(True, message(messages.G_MATCHES, pattern=pattern, match=_quoted(match[0])))


def _load_json(text: str) -> tuple[Any, Message | None]:
    """(value, why it is not JSON: None when it is) for an answer that should be JSON."""
    try:
        return parse_json(text), None
    except RecursionError:
        return None, message(messages.G_NOT_JSON_DEEP)
    except json.JSONDecodeError as exc:
        at = {"detail": exc.msg, "position": exc.pos + 1}
        if not text.strip():
            return None, message(messages.G_NOT_JSON_EMPTY_AT, **at)
        start = _quoted(text.lstrip()[:_START_SHOWN], 16)
        return None, message(messages.G_NOT_JSON_AT, start=start, **at)
    except ValueError as exc:
        return None, message(messages.G_NOT_JSON, detail=str(exc))


def _is_json(expectation: Expectation, turn: Gradable) -> _Finding:
    value, why = _load_json(_read(expectation, turn))
    if why is not None:
        return _Finding(False, why)
    return _Finding(True, message(messages.G_IS_JSON, type=_json_type(value)))


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _json_schema(expectation: Expectation, turn: Gradable) -> _Finding:
    from jsonschema.exceptions import best_match
    from referencing.exceptions import Unresolvable

    if expectation.value.startswith("@"):
        raise _Unusable(message(messages.G_SCHEMA_UNREAD, value=expectation.value))
    try:
        validator = schema_validator(expectation.value)
    except ValueError as exc:
        raise _Unusable(message(messages.G_SCHEMA_NOT_JSON, detail=str(exc))) from None
    value, why = _load_json(_read(expectation, turn))
    if why is not None:
        return _Finding(False, why)
    try:
        error = best_match(validator.iter_errors(value))
    except Unresolvable as exc:
        raise _Unusable(message(messages.G_SCHEMA_REF, ref=_quoted(str(exc.ref)))) from None
    except TimeoutError:
        raise _Unusable(message(messages.G_SCHEMA_TIMEOUT, seconds=REGEX_TIMEOUT)) from None
    except RecursionError:
        raise _Unusable(message(messages.G_SCHEMA_DEEP)) from None
    if error is None:
        return _Finding(True, message(messages.G_SCHEMA_MATCHES))
    where = error.json_path
    if error.validator == "type":
        expected = error.validator_value
        wanted = " or ".join(expected) if isinstance(expected, list) else str(expected)
        got = _json_type(error.instance)
        return _Finding(
            False, message(messages.G_SCHEMA_TYPE, where=where, wanted=wanted, type=got)
        )
    said = " ".join(error.message.split())
    if len(said) > 120:
        said = said[:119] + "…"
    return _Finding(False, message(messages.G_SCHEMA_SAID, where=where, detail=said))


def _compared(expectation: Expectation, measured: float, shown: Message) -> _Finding:
    comparison = expectation.comparison
    met = comparison.holds(measured)
    if met != expectation.negated:
        return _Finding(met, shown)
    wanted = expectation.value.strip()
    template = messages.G_COMPARED_NOT if expectation.negated else messages.G_COMPARED
    return _Finding(met, message(template, shown=shown, wanted=wanted))


def _counted(count: int, one: str, many: str) -> Message:
    """`1 word`, `72 words`."""
    return message(one) if count == 1 else message(many, count=count)


def _words(expectation: Expectation, turn: Gradable) -> _Finding:
    count = len(_WORD.findall(_read(expectation, turn)))
    return _compared(expectation, count, _counted(count, messages.G_ONE_WORD, messages.G_WORDS))


def _chars(expectation: Expectation, turn: Gradable) -> _Finding:
    count = len(_read(expectation, turn))
    shown = _counted(count, messages.G_ONE_CHARACTER, messages.G_CHARACTERS)
    return _compared(expectation, count, shown)


def _lines(expectation: Expectation, turn: Gradable) -> _Finding:
    # Surrounding blank space trimmed: a model's trailing newline is not a line.
    text = _read(expectation, turn).strip()
    count = text.count("\n") + 1 if text else 0
    return _compared(expectation, count, _counted(count, messages.G_ONE_LINE, messages.G_LINES))


def _tokens_per_second(expectation: Expectation, turn: Gradable) -> _Finding:
    if not turn.eval_count or not turn.eval_duration:
        raise _Unusable(message(messages.G_NO_TOKENS))
    speed = turn.eval_count / turn.eval_duration * 1e9
    return _compared(expectation, speed, message(messages.G_SPEED, speed=speed))


def _first_token(expectation: Expectation, turn: Gradable) -> _Finding:
    seconds = turn.first_token_seconds
    if seconds is None:
        raise _Unusable(message(messages.G_NO_FIRST_TOKEN))
    if seconds < 1:
        shown = message(messages.G_FIRST_TOKEN_MS, ms=seconds * 1000)
    else:
        shown = message(messages.G_FIRST_TOKEN_S, seconds=seconds)
    return _compared(expectation, seconds, shown)


def _done_reason(expectation: Expectation, turn: Gradable) -> _Finding:
    wanted, actual = expectation.value.strip(), turn.done_reason
    if actual == wanted:
        return _Finding(True, message(messages.G_DONE_BECAUSE, reason=_quoted(actual)))
    if not actual:
        return _Finding(False, message(messages.G_DONE_NOTHING_NOT, wanted=_quoted(wanted)))
    said = message(messages.G_DONE_BECAUSE_NOT, actual=_quoted(actual), wanted=_quoted(wanted))
    return _Finding(False, said)


_CHECKS = {
    Kind.CONTAINS: _contains,
    Kind.ICONTAINS: _icontains,
    Kind.EQUALS: _equals,
    Kind.STARTS_WITH: _starts_with,
    Kind.REGEX: _regex,
    Kind.IS_JSON: _is_json,
    Kind.JSON_SCHEMA: _json_schema,
    Kind.WORDS: _words,
    Kind.CHARS: _chars,
    Kind.LINES: _lines,
    Kind.TOKENS_PER_SECOND: _tokens_per_second,
    Kind.FIRST_TOKEN: _first_token,
    Kind.DONE_REASON: _done_reason,
}


# -- what the grades add up to -------------------------------------------------------------


@dataclass(frozen=True)
class CombineRule:
    """How an experiment's grades combine: every expectation must pass (`threshold` None,
    the default), or the weighted score (sum of weight x score over the sum of weights)
    must reach `threshold`."""

    threshold: float | None = None

    @property
    def weighted(self) -> bool:
        return self.threshold is not None

    @property
    def text(self) -> str:
        """`all`, or `score>=0.7`: what `parse` reads back."""
        return "all" if self.threshold is None else f"score>={self.threshold:g}"

    @classmethod
    def parse(cls, text: str) -> CombineRule:
        """`all` or `score>=N` (0 < N <= 1); InvalidInputError otherwise."""
        from journal.core.errors import InvalidInputError

        cleaned = text.strip()
        if cleaned == "all":
            return cls()
        match = re.fullmatch(r"score\s*>=\s*([0-9]*\.?[0-9]+)", cleaned)
        if match is None:
            raise InvalidInputError(
                f"How results combine is 'all' (every one must pass) or 'score>=0.7' "
                f"(a weighted score), not {text!r}."
            )
        return cls.weighted_at(float(match[1]))

    @classmethod
    def weighted_at(cls, threshold: float) -> CombineRule:
        from journal.core.errors import InvalidInputError

        if not (0 < threshold <= 1):  # NaN fails too
            raise InvalidInputError(
                f"A score threshold is above 0, up to 1 (like score>=0.7), not {threshold:g}."
            )
        return cls(float(threshold))


class OutcomeStatus(enum.StrEnum):
    """Where a run stands: passes, fails, or needs a person to look (not graded: a failed
    or cancelled run, no expectations, grades still missing; or a grade unsure or in
    error that could change the outcome)."""

    PASS = "pass"
    FAIL = "fail"
    NEEDS_LOOK = "needs-look"


@dataclass(frozen=True)
class RunOutcome:
    """What a run's grades add up to.

    `score` is the weighted score of the decided grades over all weights (0..1), None when
    nothing was graded. `suggested_verdict` follows from the grades (all pass: worked; some:
    partly; none: failed; under a weighted rule, reaching the threshold is worked) and is
    None while the outcome needs a look. `reason` is one line for a person, in English (the
    CLI's); the window builds its own from the figures and what the core said: `said`, the
    whole reason of a run not graded at all, or else `detail`, what follows the counts (a
    stored grade's reason, as written, or a template), and `threshold`, a weighted rule's.
    """

    status: OutcomeStatus
    reason: str
    suggested_verdict: Verdict | None = None
    score: float | None = None
    total: int = 0
    passed: int = 0
    failed: int = 0
    unsure: int = 0
    errors: int = 0
    ungraded: int = 0
    said: Message | None = None
    detail: Message | str = ""
    threshold: float | None = None

    @property
    def summary(self) -> str:
        """`2 of 3 pass`, with what else is there: `(1 unsure, 1 not graded)`."""
        extra = [
            f"{count} {word}"
            for count, word in (
                (self.unsure, "unsure"),
                (self.errors, "error" if self.errors == 1 else "errors"),
                (self.ungraded, "not graded"),
            )
            if count
        ]
        text = f"{self.passed} of {self.total} pass"
        return f"{text} ({', '.join(extra)})" if extra else text


def not_graded(run_status: RunStatus | str, expectations: int) -> RunOutcome | None:
    """The outcome of a run that is not graded at all, or None when it is graded.

    A failed, cancelled or interrupted run is never graded: its answer is not whole, so it
    needs a look. A live run is not graded yet."""
    status = RunStatus(run_status)
    if status is RunStatus.DONE:
        if expectations == 0:
            return _not_graded(message(messages.GRADES_NONE))
        return None
    return _not_graded(ungraded_because(status), expectations)


_ENDED = {
    RunStatus.CANCELLED: messages.GRADES_RUN_CANCELLED,
    RunStatus.FAILED: messages.GRADES_RUN_FAILED,
    RunStatus.INTERRUPTED: messages.GRADES_RUN_INTERRUPTED,
}


def ungraded_because(status: RunStatus) -> Message:
    """Why a run that did not end well, or has not ended, is not graded."""
    if status.is_live:
        return message(messages.GRADES_LIVE)
    return message(_ENDED[status])


def _not_graded(said: Message, expectations: int = 0) -> RunOutcome:
    return RunOutcome(
        OutcomeStatus.NEEDS_LOOK,
        said.english(),
        total=expectations,
        ungraded=expectations,
        said=said,
    )


def outcome_of(
    run_status: RunStatus | str,
    rule: CombineRule,
    graded: Sequence[tuple[float, GradeResult | None]],
) -> RunOutcome:
    """What a run's (weight, current grade or None) pairs, one per expectation, add up to:
    not graded when it did not finish or has no expectations (`not_graded`), else combined
    under `rule`. Every place that says where a run stands by its grades asks here."""
    unfinished = not_graded(run_status, len(graded))
    return unfinished if unfinished is not None else combine(rule, graded)


def combine(rule: CombineRule, graded: Sequence[tuple[float, GradeResult | None]]) -> RunOutcome:
    """What (weight, grade or None when not graded yet) pairs add up to under `rule`.

    An unsure, failed-to-grade or missing grade only makes the run "need a look" when it
    could change the outcome: under "all must pass" a definite fail is a fail whatever the
    others say; under a weighted rule, the outcome is decided when even the best (or worst)
    the open grades could earn would not change which side of the threshold it is on.
    """
    total = len(graded)
    if total == 0:
        return _not_graded(message(messages.GRADES_NONE))
    counts = {status: 0 for status in GradeStatus}
    ungraded = 0
    first_fail = ""
    first_open: Message | None = None
    earned = 0.0
    open_weight = 0.0
    weights = 0.0
    for weight, grade in graded:
        weights += weight
        if grade is None:
            ungraded += 1
            open_weight += weight
            first_open = first_open or message(messages.GRADES_NOT_YET)
            continue
        counts[grade.status] += 1
        if grade.status.decided:
            earned += weight * (grade.score if grade.score is not None else 0.0)
            if grade.status is GradeStatus.FAIL and not first_fail:
                first_fail = grade.reason
        else:
            open_weight += weight
            first_open = first_open or _open_because(grade)
    passed, failed = counts[GradeStatus.PASS], counts[GradeStatus.FAIL]
    unsure, errors = counts[GradeStatus.UNSURE], counts[GradeStatus.ERROR]
    decided_any = passed + failed > 0
    score = earned / weights if decided_any and weights else None
    if rule.threshold is None:
        if failed:
            status = OutcomeStatus.FAIL
        elif open_weight:
            status = OutcomeStatus.NEEDS_LOOK
        else:
            status = OutcomeStatus.PASS
    else:
        low, high = earned / weights, (earned + open_weight) / weights
        if low >= rule.threshold:
            status = OutcomeStatus.PASS
        elif high < rule.threshold:
            status = OutcomeStatus.FAIL
        else:
            status = OutcomeStatus.NEEDS_LOOK
    outcome = RunOutcome(
        status,
        "",
        score=score,
        total=total,
        passed=passed,
        failed=failed,
        unsure=unsure,
        errors=errors,
        ungraded=ungraded,
        threshold=rule.threshold,
    )
    return _explained(outcome, first_fail, first_open)


def _open_because(grade: GradeResult) -> Message:
    """An unsure or failed-to-grade grade, its stored reason kept as written."""
    if grade.status is GradeStatus.UNSURE:
        return message(messages.GRADE_UNSURE_BECAUSE, reason=grade.reason)
    return message(messages.GRADE_ERROR_BECAUSE, reason=grade.reason)


def _explained(outcome: RunOutcome, first_fail: str, first_open: Message | None) -> RunOutcome:
    summary = outcome.summary
    if outcome.threshold is not None and outcome.score is not None:
        summary += f", score {outcome.score:.2f} (needs {outcome.threshold:g})"
    if outcome.status is OutcomeStatus.NEEDS_LOOK:
        detail = first_open or message(messages.GRADES_NOT_YET)
        return replace(outcome, reason=f"{summary}; {detail.english()}", detail=detail)
    if outcome.status is OutcomeStatus.FAIL:
        reason = f"{summary}; {first_fail}" if first_fail else summary
        verdict = _suggestion(outcome)
        return replace(outcome, reason=reason, suggested_verdict=verdict, detail=first_fail)
    return replace(outcome, reason=summary, suggested_verdict=Verdict.WORKED)


def _suggestion(outcome: RunOutcome) -> Verdict:
    """A failing outcome: partly when something passed (or earned a score), else failed."""
    if outcome.passed or (outcome.score or 0) > 0:
        return Verdict.PARTLY
    return Verdict.FAILED


def verdict_standing(verdict: Verdict) -> OutcomeStatus:
    """Where the person's verdict puts a run, which overrides its grades wherever runs are
    counted (pass rates, repeats, checks): only "worked" passes; "partly" is not a pass."""
    return OutcomeStatus.PASS if verdict is Verdict.WORKED else OutcomeStatus.FAIL


def shown_verdict(person: Verdict | None, outcome: RunOutcome) -> tuple[Verdict | None, bool]:
    """(the verdict to show, whether it is only the grades' suggestion): the person's
    verdict, when set, wins and is never replaced."""
    if person is not None:
        return person, False
    return outcome.suggested_verdict, outcome.suggested_verdict is not None
