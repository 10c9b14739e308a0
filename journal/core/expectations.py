"""What a good answer must satisfy: expectations, their one-line text form, and the checks
made when one is saved.

"Expected outcome" is free text a person has to read; an expectation is a rule the journal
can check by itself, so every run can be graded and a migration check can sort itself. The
one-line form `[not-]KIND[(ARG)]:VALUE` is what the command line takes, the window shows and
an export writes, so it must read back exactly: `format_expectation(parse_expectation(x))`
is `x` for every valid line, and `parse_expectation(format_expectation(e))` is `e`.

Escapes: in a text value (contains, icontains, equals, starts-with, done-reason, similar,
judge) `\\n` stands for a newline. To keep that reversible, backslashes right before an `n`
are halved (`\\\\n` is a backslash and an `n`), an odd one left over with the `n` making
the newline; every other backslash is itself. `regex` and `json-schema` values are taken as
written: they have escapes of their own, in which `\\n` already means a newline.

Everything here is checked when an expectation is saved (a bad regex, a schema that is not
JSON or points at the network), so grading a run never meets a rule that cannot work.
"""

from __future__ import annotations

import enum
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeGuard

from journal.core import messages
from journal.core.errors import InvalidInputError, JournalError
from journal.core.formatting import one_line

if TYPE_CHECKING:
    from jsonschema.protocols import Validator

__all__ = [
    "DEFAULT_SIMILARITY",
    "MAX_TURN",
    "MAX_WEIGHT",
    "REGEX_TIMEOUT",
    "ROW_EXPECTATION_PREFIX",
    "Comparison",
    "Expectation",
    "Kind",
    "Target",
    "check_expectation",
    "check_schema",
    "format_expectation",
    "is_finite_number",
    "load_schema_file",
    "parse_expectation",
    "parse_json",
    "readable_row_lines",
    "row_expectation_uuid",
    "schema_validator",
]


class Kind(enum.StrEnum):
    """The kinds of expectation, as their one-line form names them."""

    CONTAINS = "contains"
    ICONTAINS = "icontains"
    EQUALS = "equals"
    STARTS_WITH = "starts-with"
    REGEX = "regex"
    IS_JSON = "is-json"
    JSON_SCHEMA = "json-schema"
    WORDS = "words"
    CHARS = "chars"
    LINES = "lines"
    TOKENS_PER_SECOND = "tokens-per-second"
    FIRST_TOKEN = "first-token"
    DONE_REASON = "done-reason"
    SIMILAR = "similar"
    JUDGE = "judge"

    @property
    def compares(self) -> bool:
        """Written `KIND<=N` (an operator and a number), not `KIND:VALUE`."""
        return self in _COMPARISONS

    @property
    def needs_ollama(self) -> bool:
        """Graded in the background through Ollama (an embedding model, a judge model)."""
        return self in (Kind.SIMILAR, Kind.JUDGE)

    @property
    def about_the_run(self) -> bool:
        """About how the run went (speed, why it stopped), not about a text."""
        return self in (Kind.TOKENS_PER_SECOND, Kind.FIRST_TOKEN, Kind.DONE_REASON)

    @property
    def example(self) -> str:
        """One valid line of this kind, to show a person how it is written."""
        return _EXAMPLES[self]


_COMPARISONS = frozenset(
    {Kind.WORDS, Kind.CHARS, Kind.LINES, Kind.TOKENS_PER_SECOND, Kind.FIRST_TOKEN}
)
# Kinds whose value is text a person wrote, where `\n` stands for a newline.
_TEXT_VALUES = frozenset(
    {
        Kind.CONTAINS,
        Kind.ICONTAINS,
        Kind.EQUALS,
        Kind.STARTS_WITH,
        Kind.DONE_REASON,
        Kind.SIMILAR,
        Kind.JUDGE,
    }
)


@dataclass(frozen=True)
class Target:
    """Which text an expectation reads: the answer or the model's thinking, of the graded
    run or, when `turn` is set, of that turn of the conversation the graded run ends (1 is
    the conversation's first run, the graded run its last). A conversation is graded as a
    whole by its last turn, so "the second answer must name Paris" is a rule of its own.

    Stored and written as text, the one place it is spelled: `answer`, `thinking`,
    `turn:2` (the answer of turn 2) and `turn:2:thinking`."""

    thinking: bool = False
    turn: int | None = None

    ANSWER: ClassVar[Target]
    THINKING: ClassVar[Target]

    def __post_init__(self) -> None:
        if self.turn is not None and not 1 <= self.turn <= MAX_TURN:
            raise ValueError(f"a turn is from 1 to {MAX_TURN}, not {self.turn}")

    @property
    def value(self) -> str:
        """The stored text, as `parse` reads it back."""
        reads = "thinking" if self.thinking else "answer"
        if self.turn is None:
            return reads
        return f"turn:{self.turn}" + (":thinking" if self.thinking else "")

    @property
    def described(self) -> str:
        """For a person: "the answer", "the thinking of turn 2"."""
        reads = "the thinking" if self.thinking else "the answer"
        return reads if self.turn is None else f"{reads} of turn {self.turn}"

    def __str__(self) -> str:
        return self.value

    @classmethod
    def parse(cls, text: str) -> Target:
        """The target `text` spells; ValueError saying why not (one clause, for a
        message naming the expectation)."""
        if text == "answer":
            return cls.ANSWER
        if text == "thinking":
            return cls.THINKING
        parts = text.split(":")
        if parts[0] != "turn" or len(parts) not in (2, 3):
            raise ValueError(
                f"it reads the answer, the thinking or a turn ({_TURN_FORMS}), not {text!r}"
            )
        if len(parts) == 3 and parts[2] != "thinking":
            raise ValueError(
                f"a turn's answer is turn:N, its thinking turn:N:thinking, not {text!r}"
            )
        number = parts[1]
        if not re.fullmatch(r"-?[0-9]+", number):
            raise ValueError(f"a turn is a number, like turn:2, not {number!r}")
        if number.startswith("-") or not number.strip("0"):
            raise ValueError(
                f"turns count from 1 (turn:1 is the conversation's first), not {number}"
            )
        if number.startswith("0"):
            raise ValueError(f"write the turn as turn:{number.lstrip('0')}, not {text!r}")
        if len(number) > len(str(MAX_TURN)) or int(number) > MAX_TURN:
            shown = number if len(number) <= 12 else number[:11] + "…"
            raise ValueError(f"a conversation has at most {MAX_TURN} turns, not {shown}")
        return cls(thinking=len(parts) == 3, turn=int(number))


Target.ANSWER = Target()
Target.THINKING = Target(thinking=True)

_TURN_FORMS = "turn:2, turn:2:thinking"
MAX_TURN = 10_000
"""The highest turn a target names: far beyond any conversation (`conversations.MAX_DEPTH`
bounds how far up a chain is read)."""


DEFAULT_SIMILARITY = 0.8
"""The cosine similarity `similar:TEXT` needs when no `(ARG)` says otherwise."""

MAX_WEIGHT = 1000.0

REGEX_TIMEOUT = 0.5
"""Seconds a regex may take on one answer. A pattern like `(a+)+$` takes exponential time
on a long run of a's; the `regex` package stops it here and the grade says so."""

_EXAMPLES = {
    Kind.CONTAINS: "contains:Paris",
    Kind.ICONTAINS: "icontains:paris",
    Kind.EQUALS: "equals:42",
    Kind.STARTS_WITH: "starts-with:{",
    Kind.REGEX: r"regex:^\d{3}-\d{4}$",
    Kind.IS_JSON: "is-json",
    Kind.JSON_SCHEMA: 'json-schema:{"type": "object"} or json-schema:@schema.json',
    Kind.WORDS: "words<=50",
    Kind.CHARS: "chars>=200",
    Kind.LINES: "lines==3",
    Kind.TOKENS_PER_SECOND: "tokens-per-second>=20",
    Kind.FIRST_TOKEN: "first-token<=2s",
    Kind.DONE_REASON: "done-reason:stop",
    Kind.SIMILAR: "similar(0.8):the reference answer",
    Kind.JUDGE: "judge:names three real rivers",
}

_OPERATORS = ("<=", ">=", "==", "<", ">")
_NUMBER = r"[0-9]+(?:\.[0-9]+)?"
_COMPARISON = re.compile(rf"\s*(<=|>=|==|<|>)\s*({_NUMBER})\s*(ms|s)?\s*")
_HEAD = re.compile(r"(not-)?([a-z][a-z-]*)")


@dataclass(frozen=True)
class Comparison:
    """`<=50` read: an operator and a number (a first-token duration in seconds)."""

    operator: str
    number: float

    def holds(self, measured: float) -> bool:
        if self.operator == "<=":
            return measured <= self.number
        if self.operator == ">=":
            return measured >= self.number
        if self.operator == "<":
            return measured < self.number
        if self.operator == ">":
            return measured > self.number
        return measured == self.number


@dataclass(frozen=True)
class Expectation:
    """One rule a run's answer should meet.

    `value` is the decoded value (a real newline where the line form says `\\n`; for a
    comparison, the text after the kind, like `<=50`). `arg` is the text in `(ARG)` as
    written (only `similar` takes one: its threshold). Name, weight and target are not part
    of the line form: they are separate fields wherever an expectation is written.
    Built from stored rows without checks; `parse_expectation` and `check_expectation` are
    the doors for what a person typed.
    """

    kind: Kind
    value: str = ""
    arg: str | None = None
    negated: bool = False
    name: str = ""
    weight: float = 1.0
    target: Target = Target.ANSWER

    @property
    def text(self) -> str:
        """The one-line form."""
        return format_expectation(self)

    @property
    def label(self) -> str:
        """What to call it in a message: its name, else its line."""
        return self.name or self.text

    @property
    def comparison(self) -> Comparison:
        """The operator and number of a comparison kind (ValueError for other kinds)."""
        match = _COMPARISON.fullmatch(self.value)
        if not self.kind.compares or match is None:
            raise ValueError(f"{self.text} is not a comparison")
        number = float(match[2])
        if match[3] == "ms":
            number /= 1000
        return Comparison(match[1], number)

    @property
    def threshold(self) -> float:
        """The similarity `similar` needs: its `(ARG)`, else DEFAULT_SIMILARITY."""
        return DEFAULT_SIMILARITY if self.arg is None else float(self.arg)


# -- the line form -------------------------------------------------------------------------

_BACKSLASHES_THEN_N = re.compile(r"(\\*)n")
_BACKSLASHES_BEFORE = re.compile(r"(\\*)(n|\n)")


def _decode(text: str) -> str:
    """`\\n` -> newline; a run of k backslashes before `n` -> k // 2 of them, the `n` a
    newline when k is odd. Every other backslash is itself (regexes read as written)."""

    def one(match: re.Match[str]) -> str:
        count = len(match[1])
        return "\\" * (count // 2) + ("\n" if count % 2 else "n")

    return _BACKSLASHES_THEN_N.sub(one, text)


def _encode(value: str) -> str:
    """The inverse of `_decode`: double the backslashes before an `n` or a newline, and
    write each newline as `\\n`."""

    def one(match: re.Match[str]) -> str:
        doubled = "\\" * (2 * len(match[1]))
        return doubled + ("\\n" if match[2] == "\n" else "n")

    return _BACKSLASHES_BEFORE.sub(one, value)


def format_expectation(expectation: Expectation) -> str:
    """`[not-]KIND[(ARG)]:VALUE`, exactly as `parse_expectation` reads it back."""
    head = ("not-" if expectation.negated else "") + expectation.kind.value
    if expectation.kind.compares:
        return head + expectation.value
    if expectation.arg is not None:
        head += f"({expectation.arg})"
    if expectation.kind is Kind.IS_JSON:
        return head
    value = _encode(expectation.value) if expectation.kind in _TEXT_VALUES else expectation.value
    return f"{head}:{value}"


def parse_expectation(
    line: str,
    *,
    name: str = "",
    weight: float | str = 1.0,
    target: Target | str = Target.ANSWER,
) -> Expectation:
    """Read one line (and the separate fields) into a checked Expectation.

    Raises InvalidInputError, one line naming the expectation, for anything that could not
    grade a run: an unknown kind, a missing value, a bad regex or schema, a weight <= 0.
    A `json-schema:@path` stays a path here; `load_schema_file` reads it when it is saved.
    """
    if "\n" in line or "\r" in line:
        raise _refused(
            line.splitlines()[0] if line.strip() else line,
            messages.message(messages.EXPECT_ONE_LINE),
        )
    head = _HEAD.match(line)
    if head is None:
        raise _refused(
            line,
            messages.message(messages.EXPECT_STARTS_WITH_KIND, example=_EXAMPLES[Kind.CONTAINS]),
        )
    negated, kind = bool(head[1]), _kind(line, head[2])
    rest = line[head.end() :]
    arg: str | None = None
    if kind.compares:
        if rest.startswith(":"):
            raise _refused(
                line,
                messages.message(
                    messages.EXPECT_COMPARES_A_NUMBER, kind=kind, example=_EXAMPLES[kind]
                ),
            )
        value = rest
    else:
        if rest.startswith("("):
            close = rest.find(")")
            if close < 0:
                raise _refused(line, messages.message(messages.EXPECT_OPEN_PARENTHESIS))
            arg, rest = rest[1:close], rest[close + 1 :]
        if kind is Kind.IS_JSON and not rest:
            value = ""
        elif not rest.startswith(":"):
            raise _refused(line, messages.message(messages.EXPECT_COLON, example=_EXAMPLES[kind]))
        else:
            value = _decode(rest[1:]) if kind in _TEXT_VALUES else rest[1:]
            if kind is Kind.IS_JSON:
                raise _refused(line, messages.message(messages.EXPECT_IS_JSON_ALONE))
    expectation = Expectation(
        kind=kind,
        value=value,
        arg=arg,
        negated=negated,
        name=name,
        weight=_weight(line, weight),
        target=_target(line, target),
    )
    return check_expectation(expectation)


def _kind(line: str, word: str) -> Kind:
    try:
        return Kind(word)
    except ValueError:
        import difflib  # only a misspelled kind needs it

        close = difflib.get_close_matches(word, [kind.value for kind in Kind], n=1)
        reason = (
            messages.message(messages.EXPECT_NO_SUCH_KIND_CLOSE, word=word, close=close[0])
            if close
            else messages.message(
                messages.EXPECT_NO_SUCH_KIND,
                word=word,
                kinds=", ".join(kind.value for kind in Kind),
            )
        )
        raise _refused(line, reason) from None


def _weight(line: str, weight: float | str) -> float:
    try:
        number = float(weight)
    except (TypeError, ValueError):
        raise _refused(
            line, messages.message(messages.EXPECT_WEIGHT_NOT_NUMBER, weight=weight)
        ) from None
    if not (0 < number <= MAX_WEIGHT):  # NaN fails this too
        raise _refused(line, messages.message(messages.EXPECT_WEIGHT_RANGE, most=MAX_WEIGHT))
    return number


def _target(line: str, target: Target | str) -> Target:
    if isinstance(target, Target):
        return target
    try:
        return Target.parse(target)
    except ValueError as exc:
        raise _refused(line, f"{exc}.") from None


def _refused(line: str, reason: str | messages.Message) -> InvalidInputError:
    shown = line if len(line) <= 60 else line[:59] + "…"
    return InvalidInputError(
        messages.message(messages.EXPECTATION_REFUSED, line=shown, reason=reason)
    )


# -- checks made when saving ---------------------------------------------------------------


def check_expectation(expectation: Expectation) -> Expectation:
    """`expectation` itself if it can grade a run; InvalidInputError (one line, naming it)
    if not. The one rule for the CLI, the window and an import alike."""
    line = expectation.text
    shown = expectation.name or line

    def refuse(reason: str | messages.Message) -> InvalidInputError:
        return _refused(shown, reason)

    kind, value = expectation.kind, expectation.value
    _weight(shown, expectation.weight)
    if "\n" in expectation.name or "\r" in expectation.name:
        raise refuse(messages.message(messages.EXPECT_NAME_ONE_LINE))
    target = expectation.target
    if kind.about_the_run and target != Target.ANSWER:
        raise refuse(
            messages.message(messages.EXPECT_ABOUT_THE_RUN, kind=kind, target=target.described)
        )
    if expectation.arg is not None and kind is not Kind.SIMILAR:
        raise refuse(
            messages.message(messages.EXPECT_NO_ARGUMENT, kind=kind, example=_EXAMPLES[kind])
        )
    if kind.compares:
        _check_comparison(expectation, refuse)
    elif kind is Kind.IS_JSON:
        if value:
            raise refuse(messages.message(messages.EXPECT_IS_JSON_ALONE))
    elif kind is Kind.EQUALS:
        pass  # an empty value is fair: the answer must be blank
    elif not value.strip():
        raise refuse(
            messages.message(messages.EXPECT_NEEDS_VALUE, kind=kind, example=_EXAMPLES[kind])
        )
    if kind in (Kind.REGEX, Kind.JSON_SCHEMA) and ("\n" in value or "\r" in value):
        raise refuse(messages.message(messages.EXPECT_ONE_LINE_NEWLINE, kind=kind))
    if kind is Kind.REGEX:
        _check_regex(value, refuse)
    elif kind is Kind.JSON_SCHEMA and not value.startswith("@"):
        _check_schema_text(value, refuse)
    elif kind is Kind.SIMILAR and expectation.arg is not None:
        _check_threshold(expectation.arg, refuse)
    return expectation


def _check_comparison(expectation: Expectation, refuse: Any) -> None:
    kind = expectation.kind
    match = _COMPARISON.fullmatch(expectation.value)
    if match is None:
        raise refuse(
            messages.message(
                messages.EXPECT_COMPARES_WITH,
                kind=kind,
                operators=", ".join(_OPERATORS),
                example=_EXAMPLES[kind],
            )
        )
    if match[3] and kind is not Kind.FIRST_TOKEN:
        raise refuse(messages.message(messages.EXPECT_NO_UNIT, kind=kind, example=_EXAMPLES[kind]))
    if kind in (Kind.WORDS, Kind.CHARS, Kind.LINES) and "." in match[2]:
        raise refuse(
            messages.message(messages.EXPECT_WHOLE_NUMBERS, kind=kind, example=_EXAMPLES[kind])
        )


def _check_threshold(arg: str, refuse: Any) -> None:
    try:
        threshold = float(arg)
    except ValueError:
        raise refuse(messages.message(messages.EXPECT_SIMILARITY, arg=arg)) from None
    if not (0 < threshold <= 1) or arg != arg.strip():
        raise refuse(messages.message(messages.EXPECT_SIMILARITY_RANGE, arg=arg))


def _check_regex(pattern: str, refuse: Any) -> None:
    import regex

    try:
        regex.compile(pattern)
    except regex.error as exc:
        raise refuse(f"not a valid regex: {exc}.") from None
    except (OverflowError, RecursionError, ValueError) as exc:
        raise refuse(f"not a usable regex: {exc}.") from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_json(text: str) -> Any:
    """JSON as the journal reads it: NaN and Infinity are not JSON, control characters in
    strings are allowed (a newline the line form decoded). ValueError says why not."""
    return json.loads(text, parse_constant=_refuse_constant, strict=False)


def _check_schema_text(text: str, refuse: Any) -> None:
    try:
        schema = parse_json(text)
    except RecursionError:
        raise refuse("the schema is nested too deeply.") from None
    except ValueError as exc:
        raise refuse(f"the schema is not JSON ({_json_reason(exc)}).") from None
    check_schema(schema, refuse)


def check_schema(schema: Any, refuse: Any) -> None:
    """Refuse (with `refuse`, an error class taking the reason) what is no JSON schema: the
    one test behind a `json-schema` expectation and a run's structured output format."""
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import SchemaError

    if not isinstance(schema, dict | bool):
        raise refuse('a schema is a JSON object, like {"type": "object"}.')
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        where = exc.json_path if exc.path else "$"
        raise refuse(f"not a valid JSON schema: {where}: {one_line(exc.message)}.") from None
    except RecursionError:
        raise refuse("the schema is nested too deeply.") from None
    remote = next(_outside_references(schema, _local_ids(schema)), None)
    if remote is not None:
        raise refuse(
            f"$ref {remote!r} points outside the schema; remote references are never "
            "fetched (no network): put the definition under $defs."
        )


def _local_ids(schema: Any) -> set[str]:
    """The `$id`s a schema gives itself, which `$ref` may name without the network."""
    found: set[str] = set()
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("$id"), str):
                found.add(node["$id"].rstrip("#"))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _outside_references(schema: Any, ids: set[str]) -> Any:
    stack = [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key in ("$ref", "$dynamicRef"):
                ref = node.get(key)
                if isinstance(ref, str) and not ref.startswith("#"):
                    base = ref.split("#", 1)[0]
                    if base not in ids:
                        yield ref
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def _json_reason(exc: ValueError) -> str:
    if isinstance(exc, json.JSONDecodeError):
        return f"{exc.msg} at character {exc.pos + 1}"
    return str(exc)


class UnreadableFileError(Exception):
    """A schema file that cannot be read as UTF-8 text: each caller says so in its words."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def read_schema_text(relative: str, base_dir: Path | None) -> tuple[Path, str]:
    """The file named after an `@` (a `json-schema:@file` expectation, a `--format @file`):
    its path, from `base_dir` (default: the current folder) unless absolute, and its text."""
    path = Path(relative).expanduser()
    if not path.is_absolute():
        path = (base_dir or Path.cwd()) / path
    try:
        return path, path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UnreadableFileError(path, getattr(exc, "strerror", None) or str(exc)) from None


def load_schema_file(expectation: Expectation, base_dir: Path | None = None) -> Expectation:
    """A `json-schema:@path` with the file's schema inline, read now and checked, so that a
    saved expectation never depends on a file that may change or vanish; any other
    expectation as it is. A relative path is read from `base_dir` (default: the current
    folder)."""
    if expectation.kind is not Kind.JSON_SCHEMA or not expectation.value.startswith("@"):
        return expectation
    shown = expectation.name or expectation.text
    relative = expectation.value[1:].strip()
    if not relative:
        raise _refused(shown, "json-schema:@ needs a file name, like json-schema:@schema.json.")
    try:
        path, text = read_schema_text(relative, base_dir)
    except UnreadableFileError as unreadable:
        raise _refused(shown, f"cannot read {unreadable.path}: {unreadable.reason}.") from None

    def refuse(reason: str) -> InvalidInputError:
        return _refused(shown, f"{path}: {reason}")

    try:
        schema = parse_json(text)
    except RecursionError:
        raise refuse("the schema is nested too deeply.") from None
    except ValueError as exc:
        raise refuse(f"the schema is not JSON ({_json_reason(exc)}).") from None
    check_schema(schema, refuse)
    inline = json.dumps(schema, ensure_ascii=False, separators=(",", ":"))
    return replace(expectation, value=inline)


@lru_cache(maxsize=256)
def schema_validator(text: str) -> Validator:
    """The compiled validator of an inline schema (cached: a migration check grades the
    same schema hundreds of times). Remote `$ref`s resolve to nothing, never the network;
    `pattern` and `patternProperties` run under the regex time limit."""
    from jsonschema_specifications import REGISTRY  # type: ignore[import-untyped]

    validator_class = _limited_validator_class()
    schema = parse_json(text)
    # An explicit registry: jsonschema's default one fetches unknown http(s) URLs (with a
    # deprecation warning). This one knows the meta-schemas and nothing else.
    validator: Validator = validator_class(schema, registry=REGISTRY)
    return validator


@lru_cache(maxsize=1)
def _limited_validator_class() -> Any:
    """Draft 2020-12, with the two keywords that run a regex on model text switched to the
    `regex` package and its time limit (Python's `re` cannot be interrupted)."""
    import regex
    from jsonschema import Draft202012Validator, validators
    from jsonschema.exceptions import ValidationError

    def pattern(validator: Any, patrn: str, instance: Any, schema: Any) -> Any:
        if validator.is_type(instance, "string") and not regex.search(
            patrn, instance, timeout=REGEX_TIMEOUT
        ):
            yield ValidationError(f"{instance!r} does not match {patrn!r}")

    def pattern_properties(validator: Any, patterns: Any, instance: Any, schema: Any) -> Any:
        if not validator.is_type(instance, "object"):
            return
        for patrn, subschema in patterns.items():
            for key, item in instance.items():
                if regex.search(patrn, key, timeout=REGEX_TIMEOUT):
                    yield from validator.descend(item, subschema, path=key, schema_path=patrn)

    return validators.extend(  # type: ignore[no-untyped-call]
        Draft202012Validator,
        validators={"pattern": pattern, "patternProperties": pattern_properties},
    )


def is_finite_number(value: Any) -> TypeGuard[float]:
    """A real JSON number: not a bool, not NaN or infinite."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


ROW_EXPECTATION_PREFIX = "row:"


def row_expectation_uuid(row_uuid: str, position: int) -> str:
    """The stable name of the expectation at `position` (1-based) in an input row's list:
    its grades are stored under it (`grade.expectation_uuid`, no expectation_id)."""
    return f"{ROW_EXPECTATION_PREFIX}{row_uuid}:{position}"


def readable_row_lines(lines: Iterable[str]) -> list[tuple[int, Expectation]]:
    """(1-based position, expectation) of each of an input row's lines that reads as one.
    A line that no longer does (saving a row checks each, so only a hand-edited journal
    holds one) grades nothing rather than stopping every other grade. ORM-free, so the
    list's pass rates read without SQLModel."""
    found: list[tuple[int, Expectation]] = []
    for position, line in enumerate(lines, start=1):
        try:
            found.append((position, parse_expectation(line)))
        except JournalError:
            continue
    return found
