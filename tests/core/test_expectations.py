"""Expectations: the one-line form reads back exactly, and what cannot grade a run is
refused when saved, in one line that names the expectation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from journal.core.errors import InvalidInputError
from journal.core.expectations import (
    Expectation,
    Kind,
    Target,
    check_expectation,
    format_expectation,
    load_schema_file,
    parse_expectation,
)


@pytest.mark.parametrize(
    ("line", "kind", "value", "arg", "negated"),
    [
        ("contains:Paris", Kind.CONTAINS, "Paris", None, False),
        ("icontains:paris", Kind.ICONTAINS, "paris", None, False),
        ("not-contains:As an AI", Kind.CONTAINS, "As an AI", None, True),
        ("equals:42", Kind.EQUALS, "42", None, False),
        ("equals:", Kind.EQUALS, "", None, False),
        ("starts-with:{", Kind.STARTS_WITH, "{", None, False),
        (r"regex:^\d{3}-\d{4}$", Kind.REGEX, r"^\d{3}-\d{4}$", None, False),
        ("is-json", Kind.IS_JSON, "", None, False),
        ("not-is-json", Kind.IS_JSON, "", None, True),
        ('json-schema:{"type": "object"}', Kind.JSON_SCHEMA, '{"type": "object"}', None, False),
        ("json-schema:@schema.json", Kind.JSON_SCHEMA, "@schema.json", None, False),
        ("words<=50", Kind.WORDS, "<=50", None, False),
        ("chars>=200", Kind.CHARS, ">=200", None, False),
        ("lines==3", Kind.LINES, "==3", None, False),
        ("tokens-per-second>=20", Kind.TOKENS_PER_SECOND, ">=20", None, False),
        ("first-token<=2s", Kind.FIRST_TOKEN, "<=2s", None, False),
        ("first-token<500ms", Kind.FIRST_TOKEN, "<500ms", None, False),
        ("done-reason:stop", Kind.DONE_REASON, "stop", None, False),
        ("similar(0.8):reference text", Kind.SIMILAR, "reference text", "0.8", False),
        ("similar:reference text", Kind.SIMILAR, "reference text", None, False),
        ("judge:rubric in plain words", Kind.JUDGE, "rubric in plain words", None, False),
        ("contains:a\\nb", Kind.CONTAINS, "a\nb", None, False),
        ("contains:a\\\\nb", Kind.CONTAINS, "a\\nb", None, False),
        ("contains:C:\\dir", Kind.CONTAINS, "C:\\dir", None, False),
        ("contains:  padded ", Kind.CONTAINS, "  padded ", None, False),
    ],
)
def test_the_line_form_reads_into_its_parts_and_back(
    line: str, kind: Kind, value: str, arg: str | None, negated: bool
) -> None:
    expectation = parse_expectation(line)
    assert (expectation.kind, expectation.value, expectation.arg, expectation.negated) == (
        kind,
        value,
        arg,
        negated,
    )
    assert expectation.text == line
    assert parse_expectation(format_expectation(expectation)) == expectation


def test_name_weight_and_target_are_fields_of_their_own() -> None:
    expectation = parse_expectation(
        "contains:Paris", name="capital", weight="2.5", target="thinking"
    )
    assert expectation.name == "capital" and expectation.weight == 2.5
    assert expectation.target is Target.THINKING
    assert expectation.text == "contains:Paris"
    assert expectation.label == "capital"


def test_comparisons_read_their_operator_and_number() -> None:
    assert parse_expectation("words<=50").comparison.holds(50)
    assert not parse_expectation("words<50").comparison.holds(50)
    assert parse_expectation("first-token<=2s").comparison.number == 2.0
    assert parse_expectation("first-token<=1500ms").comparison.number == 1.5
    assert parse_expectation("first-token<=2").comparison.number == 2.0
    assert parse_expectation("similar:x").threshold == 0.8
    assert parse_expectation("similar(0.65):x").threshold == 0.65


@pytest.mark.parametrize(
    ("line", "says"),
    [
        ("contans:Paris", "there is no kind contans: did you mean contains?"),
        ("contains:", "contains needs a value: contains:Paris."),
        ("contains:   ", "contains needs a value"),
        ("judge:", "judge needs a value"),
        ("contains Paris", "a : goes after the kind: contains:Paris."),
        ("is-json:yes", "is-json takes no value"),
        ("words:50", "words compares a number: words<=50."),
        ("words<=fifty", "words compares with <=, >=, ==, <, > and a number"),
        ("words<=5.5", "words counts whole numbers"),
        ("chars>=2s", "chars counts without a unit"),
        ("regex:(", "not a valid regex: missing ) at position 1."),
        ("regex:a{2,1}", "not a valid regex"),
        ("contains(1):x", "contains takes no (...)"),
        ("similar(2):x", "similar(ARG) is a similarity above 0, up to 1, not '2'."),
        ("similar(high):x", "similar(ARG) is a similarity from 0 to 1, not 'high'."),
        ("similar(0.8:x", "the ( after the kind is never closed."),
        ("json-schema:{nope", "the schema is not JSON"),
        ('json-schema:{"type": "banana"}', "not a valid JSON schema: $.type:"),
        ("json-schema:[1]", "a schema is a JSON object"),
        (
            'json-schema:{"$ref": "https://example.com/s.json"}',
            "$ref 'https://example.com/s.json' points outside the schema; remote references "
            "are never fetched (no network)",
        ),
        ('json-schema:{"type": "number", "minimum": NaN}', "the schema is not JSON"),
        ("", "it starts with a kind"),
        (" contains:x", "it starts with a kind"),
        ("contains:a\nb", "it must be one line."),
    ],
)
def test_what_cannot_grade_is_refused_in_one_line_naming_it(line: str, says: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        parse_expectation(line)
    message = caught.value.message
    assert says in message
    assert "\n" not in message
    assert message.startswith("Expectation '")


def test_bad_fields_are_refused() -> None:
    for weight in (0, -1, "heavy", float("nan"), 1e9):
        with pytest.raises(InvalidInputError, match="weight"):
            parse_expectation("contains:x", weight=weight)
    with pytest.raises(InvalidInputError, match="the answer, the thinking or a turn"):
        parse_expectation("contains:x", target="prompt")
    with pytest.raises(InvalidInputError, match="about the run, not the thinking"):
        parse_expectation("done-reason:stop", target="thinking")
    with pytest.raises(InvalidInputError, match="a name is one line"):
        check_expectation(Expectation(Kind.CONTAINS, "x", name="two\nlines"))


def test_a_named_expectation_is_named_in_its_error() -> None:
    with pytest.raises(InvalidInputError, match=r"^Expectation 'phone number': not a valid regex"):
        check_expectation(Expectation(Kind.REGEX, "(", name="phone number"))


def test_regex_and_schema_values_are_one_line_as_written() -> None:
    # Their own escapes already mean a newline: the value is taken as written.
    assert parse_expectation(r"regex:a\nb").value == r"a\nb"
    with pytest.raises(InvalidInputError, match=r"a regex is one line: write a newline as \\n"):
        check_expectation(Expectation(Kind.REGEX, "a\nb"))


def test_schema_file_is_read_when_saved_and_kept_inline(tmp_path: Path) -> None:
    schema = {"type": "object", "required": ["rivers"], "properties": {"rivers": {"type": "array"}}}
    (tmp_path / "schema.json").write_text(json.dumps(schema, indent=2), encoding="utf-8")
    written = parse_expectation("json-schema:@schema.json")
    saved = load_schema_file(written, tmp_path)
    assert saved.kind is Kind.JSON_SCHEMA
    assert json.loads(saved.value) == schema
    assert "\n" not in saved.text and parse_expectation(saved.text) == saved
    # Anything else passes through unchanged.
    other = parse_expectation("contains:x")
    assert load_schema_file(other, tmp_path) is other


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (None, "cannot read"),
        ("{not json", "the schema is not JSON"),
        ('{"type": 5}', "not a valid JSON schema"),
        ('{"$ref": "http://example.com/x"}', "remote references are never fetched"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ],
)
def test_a_bad_schema_file_is_refused_naming_it(
    tmp_path: Path, content: str | None, says: str
) -> None:
    path = tmp_path / "schema.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(InvalidInputError) as caught:
        load_schema_file(parse_expectation("json-schema:@schema.json"), tmp_path)
    assert says in caught.value.message
    assert "schema.json" in caught.value.message
    assert "\n" not in caught.value.message


def test_local_refs_and_ids_are_fine() -> None:
    parse_expectation(
        'json-schema:{"$defs": {"r": {"type": "string"}}, "type": "array", '
        '"items": {"$ref": "#/$defs/r"}}'
    )
    parse_expectation(
        'json-schema:{"$id": "https://example.com/root", "type": "object", '
        '"properties": {"a": {"$ref": "https://example.com/root"}}}'
    )


# -- the round trip, for every valid line ----------------------------------------------

_TEXT_KINDS = ["contains", "icontains", "equals", "starts-with", "done-reason", "judge"]
# Heavy on the characters the escaping is about.
_VALUE_TEXT = st.text(
    alphabet=st.sampled_from(["\\", "n", "\n", "a", " ", "é", ":", "(", ")", "\t", "🧪"]),
    max_size=24,
)
_LINE_TEXT = st.lists(
    st.sampled_from(["\\", "n", "a", " ", "é", ":", "(", ")", "\t", "\\n"]), max_size=24
).map("".join)


@given(
    st.booleans(),
    st.sampled_from([*_TEXT_KINDS, "similar", "similar(0.5)", "similar(1)"]),
    _LINE_TEXT,
)
def test_format_of_parse_is_the_line_for_every_valid_text_line(
    negated: bool, head: str, value: str
) -> None:
    line = ("not-" if negated else "") + head + ":" + value
    try:
        expectation = parse_expectation(line)
    except InvalidInputError:
        assume(False)
        return
    assert format_expectation(expectation) == line


@given(
    st.booleans(),
    st.sampled_from(["words", "chars", "lines", "tokens-per-second", "first-token"]),
    st.sampled_from(["<=", ">=", "==", "<", ">", " <= ", "=", "=>"]),
    st.sampled_from(["0", "50", "2.5", "007", "2s", "250ms", " 3 "]),
)
def test_format_of_parse_is_the_line_for_every_valid_comparison(
    negated: bool, kind: str, operator: str, number: str
) -> None:
    line = ("not-" if negated else "") + kind + operator + number
    try:
        expectation = parse_expectation(line)
    except InvalidInputError:
        assume(False)
        return
    assert format_expectation(expectation) == line


@given(
    st.sampled_from([Kind(kind) for kind in _TEXT_KINDS] + [Kind.SIMILAR]),
    _VALUE_TEXT,
    st.booleans(),
    st.sampled_from([None, "0.8", "0.25"]),
    st.builds(Target, st.booleans(), st.none() | st.integers(1, 40)),
)
def test_parse_of_format_is_the_expectation(
    kind: Kind, value: str, negated: bool, arg: str | None, target: Target
) -> None:
    expectation = Expectation(
        kind,
        value,
        arg=arg if kind is Kind.SIMILAR else None,
        negated=negated,
        target=Target.ANSWER if kind.about_the_run else target,
    )
    try:
        check_expectation(expectation)
    except InvalidInputError:
        assume(False)
        return
    line = format_expectation(expectation)
    assert "\n" not in line
    assert parse_expectation(line, target=expectation.target) == expectation


@given(st.text(max_size=30))
def test_parse_never_fails_other_than_with_a_message(line: str) -> None:
    try:
        expectation = parse_expectation(line)
    except InvalidInputError as error:
        message = error.message
    else:
        assert format_expectation(expectation) == line
        return
    assert "\n" not in message


@pytest.mark.parametrize(
    ("text", "target"),
    [
        ("answer", Target.ANSWER),
        ("thinking", Target.THINKING),
        ("turn:1", Target(turn=1)),
        ("turn:2", Target(turn=2)),
        ("turn:12:thinking", Target(thinking=True, turn=12)),
    ],
)
def test_a_target_may_name_a_turn(text: str, target: Target) -> None:
    expectation = parse_expectation("contains:Paris", target=text)
    assert expectation.target == target
    assert expectation.target.value == text == str(target)
    assert Target.parse(target.value) == target


def test_turn_targets_read_for_a_person() -> None:
    assert Target.ANSWER.described == "the answer"
    assert Target(turn=2).described == "the answer of turn 2"
    assert Target(thinking=True, turn=3).described == "the thinking of turn 3"


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("turn:0", "turns count from 1 (turn:1 is the conversation's first), not 0."),
        ("turn:-2", "turns count from 1 (turn:1 is the conversation's first), not -2."),
        ("turn:two", "a turn is a number, like turn:2, not 'two'."),
        ("turn:", "a turn is a number, like turn:2, not ''."),
        ("turn:02", "write the turn as turn:2, not 'turn:02'."),
        ("turn:2:answer", "a turn's answer is turn:N, its thinking turn:N:thinking"),
        ("turn 2", "it reads the answer, the thinking or a turn (turn:2, turn:2:thinking)"),
        ("turn:99999", "a conversation has at most 10000 turns, not 99999."),
        ("turn:" + "9" * 5000, "a conversation has at most 10000 turns"),
    ],
)
def test_bad_turn_targets_are_refused_in_one_line(text: str, says: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        parse_expectation("contains:Paris", target=text)
    message = caught.value.message
    assert message.startswith("Expectation 'contains:Paris': ")
    assert says in message
    assert "\n" not in message


def test_about_the_run_kinds_refuse_a_turn_target() -> None:
    for line in ("done-reason:stop", "first-token<=2s", "tokens-per-second>=20"):
        with pytest.raises(InvalidInputError, match="about the run, not the answer of turn 2"):
            parse_expectation(line, target="turn:2")
    with pytest.raises(ValueError, match="a turn is from 1"):
        Target(turn=0)
