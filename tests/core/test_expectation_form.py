"""The form's fields put together and read back exactly as the one-line form is."""

from __future__ import annotations

import pytest

from journal.core.errors import InvalidInputError
from journal.core.expectation_form import (
    from_fields,
    negation_reads_well,
    value_text,
)
from journal.core.expectations import Expectation, Kind, Target, parse_expectation

LINES = [
    "contains:Paris",
    "not-contains:As an AI",
    r"icontains:two\nlines",
    r"equals:a \\n stays",
    "equals:",
    "starts-with:{",
    r"regex:^\d{3}-\d{4}$",
    r"regex:one\ntwo",
    "is-json",
    "not-is-json",
    'json-schema:{"type": "object"}',
    "words<=50",
    "chars>=200",
    "not-lines==3",
    "tokens-per-second>=20",
    "first-token<=2s",
    "done-reason:stop",
    "similar:the reference",
    "similar(0.65):the reference",
    "judge:names three real rivers",
]


@pytest.mark.parametrize("line", LINES)
def test_the_fields_of_a_line_make_the_same_expectation_again(line: str) -> None:
    expectation = parse_expectation(line, name="n", weight=2, target="answer")
    again = from_fields(
        expectation.kind,
        value_text(expectation),
        negated=expectation.negated,
        arg=expectation.arg or "",
        name="n",
        weight="2",
    )
    assert again == expectation
    assert again.text == line


def test_a_value_shows_a_newline_as_typed() -> None:
    assert value_text(Expectation(Kind.CONTAINS, "a\nb")) == r"a\nb"
    assert value_text(Expectation(Kind.WORDS, "<=50")) == "<=50"
    assert value_text(Expectation(Kind.IS_JSON)) == ""


@pytest.mark.parametrize(
    ("kind", "value", "fields", "reason"),
    [
        (Kind.REGEX, "(a", {}, "not a valid regex"),
        (Kind.JSON_SCHEMA, '{"type": 12}', {}, "json-schema"),
        (Kind.WORDS, "50", {}, "compares with"),
        (Kind.WORDS, "<=", {}, "compares with"),
        (Kind.CONTAINS, "", {}, "needs a value"),
        (Kind.SIMILAR, "x", {"arg": "2"}, "similarity"),
        (Kind.CONTAINS, "x", {"weight": "heavy"}, "weight"),
        (Kind.FIRST_TOKEN, "<=2s", {"target": Target.THINKING}, "about the run"),
    ],
)
def test_fields_the_core_refuses_give_its_reason(
    kind: Kind, value: str, fields: dict[str, str], reason: str
) -> None:
    with pytest.raises(InvalidInputError, match=reason):
        from_fields(kind, value, **fields)  # type: ignore[arg-type]


def test_a_comparison_is_offered_no_not() -> None:
    assert negation_reads_well(Kind.CONTAINS)
    assert not negation_reads_well(Kind.WORDS)
