"""An expectation as a form shows it: a kind, a "not", an argument and a value in separate
fields, next to name, weight and target.

The window edits expectations field by field but every rule about what is valid lives in
`parse_expectation`: the fields are put together into the one-line form and read back
through it, so a form can never save what the command line would refuse, and a value reads
the same in both (`\\n` typed in the value is a newline in a text value, as on the line).
"""

from __future__ import annotations

from journal.core.expectations import (
    Expectation,
    Kind,
    Target,
    format_expectation,
    parse_expectation,
)

__all__ = [
    "from_fields",
    "negation_reads_well",
    "value_text",
]


def negation_reads_well(kind: Kind) -> bool:
    """Whether `not-` is worth offering: a comparison is turned around by its operator
    (`words>50` rather than `not-words<=50`), though the line form takes both."""
    return not kind.compares


def _head(kind: Kind, negated: bool, arg: str | None) -> str:
    head = ("not-" if negated else "") + kind.value
    return head + (f"({arg})" if arg is not None else "")


def value_text(expectation: Expectation) -> str:
    """The VALUE part of the line form, as a person types it: `\\n` for a newline in a
    text value, `<=50` for a comparison, "" for is-json."""
    line = format_expectation(expectation)
    rest = line[len(_head(expectation.kind, expectation.negated, expectation.arg)) :]
    return rest.removeprefix(":") if not expectation.kind.compares else rest


def from_fields(
    kind: Kind,
    value: str,
    *,
    negated: bool = False,
    arg: str = "",
    name: str = "",
    weight: float | str = 1.0,
    target: Target | str = Target.ANSWER,
) -> Expectation:
    """The expectation a form's fields say, checked exactly as the line form is; raises
    InvalidInputError (one line, the reason) when it could not grade a run. An empty `arg`
    is none (the default threshold)."""
    head = _head(kind, negated, arg if arg.strip() else None)
    if kind.compares:
        line = head + value
    elif kind is Kind.IS_JSON and not value:
        line = head
    else:
        line = f"{head}:{value}"
    return parse_expectation(line, name=name, weight=weight, target=target)
