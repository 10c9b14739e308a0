"""Deterministic grading per kind (hostile values included), and what grades add up to."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from journal.core.domain import RunStatus, Verdict
from journal.core.errors import InvalidInputError
from journal.core.expectations import REGEX_TIMEOUT, Expectation, Kind, parse_expectation
from journal.core.grading import (
    CombineRule,
    GradeResult,
    GradeStatus,
    OutcomeStatus,
    combine,
    grade_deterministic,
    not_graded,
    outcome_of,
    shown_verdict,
)


@dataclass
class Answer:
    """A finished run, as grading reads it."""

    response: str = ""
    thinking: str = ""
    done_reason: str = "stop"
    eval_count: int | None = 100
    eval_duration: int | None = 2_000_000_000  # 50 tokens per second
    first_token_seconds: float | None = 0.25


def grade(line: str, answer: Answer | str, **fields: object) -> GradeResult:
    run = Answer(answer) if isinstance(answer, str) else answer
    return grade_deterministic(parse_expectation(line, **fields), run)  # type: ignore[arg-type]


PASS, FAIL, UNSURE, ERROR = (
    GradeStatus.PASS,
    GradeStatus.FAIL,
    GradeStatus.UNSURE,
    GradeStatus.ERROR,
)


@pytest.mark.parametrize(
    ("line", "answer", "status", "reason"),
    [
        ("contains:Paris", "The capital is Paris.", PASS, "contains 'Paris'"),
        ("contains:Paris", "The capital is Lyon.", FAIL, "missing 'Paris'"),
        ("icontains:paris", "PARIS!", PASS, "contains 'paris' (ignoring case)"),
        ("not-contains:As an AI", "As an AI, I cannot", FAIL, "contains 'As an AI'"),
        ("not-contains:As an AI", "Sure.", PASS, "missing 'As an AI'"),
        ("equals:42", "  42\n", PASS, "is '42'"),
        ("equals:42", "41", FAIL, "is '41', not '42'"),
        ("equals:", "\n \n", PASS, "is ''"),
        ("starts-with:{", '{"a": 1}', PASS, "starts with '{'"),
        ("starts-with:{", "```json", FAIL, "starts with '`', not '{'"),
        (r"regex:^\d{3}-\d{4}$", "555-1234", PASS, "matches /^\\d{3}-\\d{4}$/ at '555-1234'"),
        (r"regex:^\d{3}-\d{4}$", "call 555-1234", FAIL, "no match for /^\\d{3}-\\d{4}$/"),
        ("is-json", ' {"a": [1, 2]} ', PASS, "is JSON (object)"),
        ("is-json", "```json\n{}\n```", FAIL, "not JSON (Expecting value at character 1"),
        ("is-json", "", FAIL, "not JSON (Expecting value at character 1; starts nothing)"),
        ("is-json", '{"x": NaN}', FAIL, "not JSON (NaN is not JSON)"),
        ("not-is-json", "hello", PASS, "not JSON"),
        ("words<=3", "one two three", PASS, "3 words"),
        ("words<=3", "one, two; three four", FAIL, "4 words, expected <=3"),
        ("words==2", "Größe über", PASS, "2 words"),  # Unicode \w+ runs
        ("words==3", "東京 is big", PASS, "3 words"),
        ("not-words<=3", "a b", FAIL, "2 words, expected not <=3"),
        ("chars>=5", "abcd", FAIL, "4 characters, expected >=5"),
        ("lines==3", "\na\n\nc\n\n", PASS, "3 lines"),  # blank lines inside count
        ("lines==1", "single", PASS, "1 line"),
        ("lines==0", "  \n ", PASS, "0 lines"),
    ],
)
def test_each_kind_grades_with_a_readable_reason(
    line: str, answer: str, status: GradeStatus, reason: str
) -> None:
    result = grade(line, answer)
    assert result.status is status
    assert reason in result.reason
    assert result.score == (1.0 if status is PASS else 0.0)
    assert "\n" not in result.reason


def test_run_kinds_read_the_run() -> None:
    run = Answer("x", done_reason="length", first_token_seconds=2.5)
    assert grade("done-reason:stop", run).reason == "done because 'length', not 'stop'"
    assert grade("done-reason:length", run).status is PASS
    assert grade("tokens-per-second>=20", run).reason == "50.0 tokens per second"
    assert grade("tokens-per-second>=60", run).status is FAIL
    assert grade("first-token<=2s", run).reason == "first token after 2.50 s, expected <=2s"
    assert grade("first-token<=3000ms", run).status is PASS
    assert grade("first-token<=300ms", Answer("x")).reason == "first token after 250 ms"


def test_run_kinds_without_numbers_are_an_error_not_a_fail() -> None:
    run = Answer("x", eval_count=None, first_token_seconds=None)
    result = grade("tokens-per-second>=20", run)
    assert result.status is ERROR and "no token count" in result.reason
    assert result.score is None
    assert grade("first-token<=2s", run).status is ERROR


def test_thinking_target_reads_the_thinking() -> None:
    run = Answer("answer text", thinking="the reasoning mentions Paris")
    assert grade("contains:Paris", run).status is FAIL
    assert grade("contains:Paris", run, target="thinking").status is PASS


def test_catastrophic_regex_ends_by_the_time_limit_with_an_error() -> None:
    result = grade("regex:(a+)+$", "a" * 50_000 + "!")
    assert result.status is ERROR
    assert f"ran out of time ({REGEX_TIMEOUT:g} s)" in result.reason
    assert "simplify the pattern" in result.reason
    assert result.score is None


def test_a_regex_saved_unchecked_is_an_error_not_a_crash() -> None:
    result = grade_deterministic(Expectation(Kind.REGEX, "("), Answer("x"))
    assert result.status is ERROR and "is not valid" in result.reason


def test_a_ten_megabyte_answer_is_graded() -> None:
    big = ("word " * 2_000_000) + "Paris"
    assert len(big) > 10_000_000
    assert grade("contains:Paris", big).status is PASS
    assert grade("words>1000000", big).reason == "2,000,001 words"
    assert grade("is-json", big).status is FAIL
    assert grade(r"regex:Paris$", big).status is PASS
    assert grade("lines==1", big).status is PASS
    assert grade('json-schema:{"type": "object"}', big).status is FAIL


RIVERS = (
    'json-schema:{"type": "object", "required": ["rivers"], '
    '"properties": {"rivers": {"type": "array", "items": {"type": "string"}}}}'
)


def test_json_schema_names_the_failing_path() -> None:
    assert grade(RIVERS, '{"rivers": ["Rhine", "Danube"]}').reason == "matches the schema"
    result = grade(RIVERS, '{"rivers": "Rhine"}')
    assert result.status is FAIL
    assert result.reason == "$.rivers: expected array, got string"
    assert grade(RIVERS, '{"rivers": ["Rhine", 3]}').reason == (
        "$.rivers[1]: expected string, got integer"
    )
    assert grade(RIVERS, "{}").reason == "$: 'rivers' is a required property"
    assert grade(RIVERS, "rivers").reason.startswith("not JSON")


def test_json_schema_with_a_remote_ref_never_touches_the_network() -> None:
    # Saved without the check (as an old import might): grading resolves nothing remote.
    schema = json.dumps({"$ref": "https://example.invalid/schema.json"})
    result = grade_deterministic(
        Expectation(Kind.JSON_SCHEMA, schema),
        Answer("{}"),
    )
    assert result.status is ERROR
    assert "remote references are never fetched" in result.reason


def test_json_schema_patterns_run_under_the_time_limit() -> None:
    line = 'json-schema:{"type": "string", "pattern": "^(a+)+$"}'
    result = grade(line, json.dumps("a" * 50_000 + "!"))
    assert result.status is ERROR and "ran out of time" in result.reason
    assert grade(line, json.dumps("aaa")).status is PASS


def test_json_schema_on_deeply_nested_json() -> None:
    result = grade('json-schema:{"type": "array"}', "[" * 100_000 + "]" * 100_000)
    assert result.status is FAIL and "nested too deeply" in result.reason


def test_background_kinds_are_not_graded_here() -> None:
    with pytest.raises(ValueError, match="through Ollama"):
        grade("judge:three rivers", "x")


# -- combining -------------------------------------------------------------------------


def _g(status: GradeStatus, score: float | None = None) -> GradeResult:
    if score is None and status.decided:
        score = 1.0 if status is PASS else 0.0
    return GradeResult(status, f"{status.value} reason", score)


ALL = CombineRule()


def test_all_must_pass() -> None:
    outcome = combine(ALL, [(1, _g(PASS)), (1, _g(PASS))])
    assert outcome.status is OutcomeStatus.PASS
    assert outcome.suggested_verdict is Verdict.WORKED
    assert outcome.reason == "2 of 2 pass"

    some = combine(ALL, [(1, _g(PASS)), (1, _g(FAIL))])
    assert some.status is OutcomeStatus.FAIL
    assert some.suggested_verdict is Verdict.PARTLY
    assert some.reason == "1 of 2 pass; fail reason"

    none = combine(ALL, [(1, _g(FAIL)), (1, _g(FAIL))])
    assert none.suggested_verdict is Verdict.FAILED


def test_unsure_needs_a_look_unless_something_already_failed() -> None:
    looks = combine(ALL, [(1, _g(PASS)), (1, _g(UNSURE))])
    assert looks.status is OutcomeStatus.NEEDS_LOOK
    assert looks.suggested_verdict is None
    assert looks.reason == "1 of 2 pass (1 unsure); unsure: unsure reason"
    failed = combine(ALL, [(1, _g(FAIL)), (1, _g(UNSURE)), (1, None)])
    assert failed.status is OutcomeStatus.FAIL
    assert failed.suggested_verdict is Verdict.FAILED
    missing = combine(ALL, [(1, _g(PASS)), (1, None)])
    assert missing.status is OutcomeStatus.NEEDS_LOOK
    assert missing.reason == "1 of 2 pass (1 not graded); not graded yet"
    errors = combine(ALL, [(1, _g(ERROR))])
    assert errors.status is OutcomeStatus.NEEDS_LOOK and errors.errors == 1


def test_weighted_score_threshold() -> None:
    rule = CombineRule.parse("score>=0.7")
    assert rule.text == "score>=0.7"
    outcome = combine(rule, [(3, _g(PASS)), (1, _g(FAIL))])
    assert outcome.status is OutcomeStatus.PASS and outcome.score == 0.75
    assert outcome.suggested_verdict is Verdict.WORKED
    below = combine(rule, [(1, _g(PASS)), (1, _g(FAIL))])
    assert below.status is OutcomeStatus.FAIL
    assert below.suggested_verdict is Verdict.PARTLY
    assert "score 0.50 (needs 0.7)" in below.reason
    judged = combine(rule, [(1, _g(PASS, 0.8)), (1, _g(PASS, 0.7))])
    assert judged.score == pytest.approx(0.75) and judged.status is OutcomeStatus.PASS


def test_weighted_open_grades_only_matter_when_they_could_change_it() -> None:
    rule = CombineRule.weighted_at(0.5)
    decided = combine(rule, [(3, _g(PASS)), (1, _g(UNSURE))])
    assert decided.status is OutcomeStatus.PASS  # 0.75 already, whatever the judge says
    hopeless = combine(rule, [(3, _g(FAIL)), (1, None)])
    assert hopeless.status is OutcomeStatus.FAIL  # at best 0.25
    open_ = combine(rule, [(1, _g(PASS)), (1, _g(FAIL)), (1, _g(ERROR))])
    assert open_.status is OutcomeStatus.NEEDS_LOOK


def test_combine_rule_text_is_checked() -> None:
    assert CombineRule.parse("all") == CombineRule()
    for bad in ("most", "score>=0", "score>=1.5", "score>0.5"):
        with pytest.raises(InvalidInputError):
            CombineRule.parse(bad)


def test_a_run_that_did_not_finish_is_not_graded_and_needs_a_look() -> None:
    for status in (RunStatus.FAILED, RunStatus.CANCELLED, RunStatus.INTERRUPTED):
        outcome = not_graded(status, 2)
        assert outcome is not None
        assert outcome.status is OutcomeStatus.NEEDS_LOOK
        assert outcome.reason == f"the run {status.value}: not graded"
        assert outcome.suggested_verdict is None
    assert not_graded(RunStatus.DONE, 2) is None
    no_rules = not_graded(RunStatus.DONE, 0)
    assert no_rules is not None and no_rules.reason == "no expectations to grade it by"
    live = not_graded(RunStatus.STREAMING, 1)
    assert live is not None and "graded when it ends" in live.reason


def test_the_persons_verdict_wins_over_the_suggestion() -> None:
    outcome = combine(ALL, [(1, _g(PASS))])
    assert shown_verdict(None, outcome) == (Verdict.WORKED, True)
    assert shown_verdict(Verdict.FAILED, outcome) == (Verdict.FAILED, False)


def test_outcome_of_grades_only_a_finished_run_with_expectations() -> None:
    passing = GradeResult(GradeStatus.PASS, "ok")
    graded = [(1.0, passing), (2.0, None)]
    rule = CombineRule()
    assert outcome_of(RunStatus.DONE, rule, graded) == combine(rule, graded)
    assert outcome_of("failed", rule, graded) == not_graded(RunStatus.FAILED, 2)
    assert outcome_of(RunStatus.STREAMING, rule, graded) == not_graded(RunStatus.STREAMING, 2)
    assert outcome_of(RunStatus.DONE, rule, []) == not_graded(RunStatus.DONE, 0)
