"""Front matter read as YAML 1.2: what the exporter wrote (JSON) and what a note app made of it."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from journal.core.errors import InvalidInputError
from journal.core.front_matter import parse_block, read_front_matter, read_yaml
from journal.core.notebook_format import front_matter, load_json

FIXTURES = sorted((Path(__file__).parent.parent / "fixtures").glob("export_format*.md"))


def _exact(value: Any) -> str:
    """Equal values of equal types in equal order: 1, 1.0 and True differ."""
    return json.dumps(value, ensure_ascii=False)


def _one(text: str) -> Any:
    return read_yaml(f"value: {text}", "x.md", 2)["value"]


# -- YAML 1.1 traps: YAML 1.2 core schema types only null, booleans and numbers -------------


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("yes", "yes"),
        ("no", "no"),
        ("on", "on"),
        ("off", "off"),
        ("Y", "Y"),
        ("1_000", "1_000"),
        ("2024-01-01", "2024-01-01"),
        ("2026-01-31T14:05:09.123456+00:00", "2026-01-31T14:05:09.123456+00:00"),
        ("2024-01-01 10:00:00", "2024-01-01 10:00:00"),
        ("1:20", "1:20"),  # a YAML 1.1 sexagesimal 80
        ("NaN", "NaN"),
        ("<<", "<<"),
        ("=", "="),
        ("0b101", "0b101"),
        ("0o17", 15),  # YAML 1.2's octal (1.1 read it as text and 017 as 15)
        ("017", 17),
        ("0x1F", 31),
        ("-12", -12),
        ("1.5", 1.5),
        ("1e3", 1000.0),
        (".5", 0.5),
        ("true", True),
        ("False", False),
        ("null", None),
        ("~", None),
        ("", None),
        ("'no'", "no"),
        ('"2024-01-01"', "2024-01-01"),
        ("'12'", "12"),
        ("!!str 12", "12"),
        ("!!float 3", 3.0),
        ("!!int '7'", 7),
    ],
)
def test_plain_scalars_are_typed_by_yaml_1_2_core_only(written: str, read: Any) -> None:
    assert _exact(_one(written)) == _exact(read)


def test_the_library_would_have_read_1_000_and_dates_otherwise() -> None:
    """Why front_matter types plain scalars itself: ruamel.yaml's own "1.2" reading keeps
    YAML 1.1's underscores and timestamps. If this ever fails, the library changed."""
    from ruamel.yaml import YAML

    loaded = YAML(typ="safe", pure=True).load("a: 1_000\nb: 2024-01-01\nc: no\n")
    assert loaded["a"] == 1000 and not isinstance(loaded["b"], str) and loaded["c"] == "no"


def test_nested_values_and_unicode() -> None:
    text = (
        "experiment:\n"
        "  title: Flüsse — 河流 😀\n"
        "  tags: [geo, 'on', 2024-01-01]\n"
        "  options:\n"
        "    - {seed: 42, stop: ['###']}\n"
        '    - "\\u00e9\\ud83d\\ude00"\n'
    )
    assert read_yaml(text, "x.md", 2) == {
        "experiment": {
            "title": "Flüsse — 河流 😀",
            "tags": ["geo", "on", "2024-01-01"],
            "options": [{"seed": 42, "stop": ["###"]}, "é😀"],
        }
    }


# -- refused, with the file, the line and the key ----------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: 1\nb: 2\na: 3", "notes/x.md:4: `a` is given twice"),
        ("x:\n  y: 1\n  y: 2", "notes/x.md:4: `x.y` is given twice"),
        ("created: !!timestamp 2024-01-01", "notes/x.md:2: `created` is a date, expected text"),
        ("a: !!binary aGVsbG8=", "notes/x.md:2: `a` is binary data, expected text"),
        ("a:\n  b: !!set {x}", "notes/x.md:3: `a.b` is a set, expected a list or a mapping"),
        ("a: !thing x", "notes/x.md:2: `a` is tagged !thing, expected text"),
        ("a: !!int many", "notes/x.md:2: `a` is 'many', which is not !!int"),
        ("a: &v [1]\nb: *v", "`b` repeats another value by a YAML alias"),
        ("1: one", "notes/x.md:2: the key '1' is not text"),
        ("a:\n  true: x", "notes/x.md:3: the key 'true' in `a` is not text"),
        ("a: .inf", "notes/x.md:2: `a` is .inf, a number JSON cannot hold"),
        ("a: [.nan]", "notes/x.md:2: `a[0]` is .nan, a number JSON cannot hold"),
        ('a: "\\ud800"', "notes/x.md:2: `a` holds a lone surrogate"),
        ("- a\n- b", "notes/x.md:2: the front matter is not a mapping"),
        ("a: [1", "notes/x.md:2: the front matter is not valid YAML"),
        ("a: b: c", "notes/x.md:2: the front matter is not valid YAML"),
        ("a: " + "[" * 5000 + "]" * 5000, "notes/x.md:2: the front matter opens more than 100"),
        (
            "".join(f"{' ' * depth}a:\n" for depth in range(600)) + " " * 600 + "x",
            "notes/x.md:2: the front matter is nested too deeply",
        ),
    ],
)
def test_what_json_cannot_hold_is_refused(text: str, message: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        parse_block(text, "notes/x.md", 2)
    assert message in caught.value.message


def test_a_key_twice_is_refused_in_json_too() -> None:
    """Python's json keeps the last; YAML refuses, and so does the import."""
    with pytest.raises(InvalidInputError, match=r"x\.md:3: `a` is given twice"):
        parse_block('{"a": 1,\n "a": 2}', "x.md", 2)


# -- finding the block -------------------------------------------------------------------


def test_only_the_first_line_opens_front_matter() -> None:
    body = ["# Notes", "", "```yaml", "---", "a: 1", "---", "```"]
    assert read_front_matter(body, "x.md") is None
    assert read_front_matter(["", "---", "a: 1", "---"], "x.md") is None
    assert read_front_matter([], "x.md") is None


def test_a_fence_line_in_a_code_block_later_does_not_end_or_start_it() -> None:
    lines = ["---", "a: yes", "---", "", "```", "---", "b: 2", "---", "```"]
    assert read_front_matter(lines, "x.md") == {"a": "yes"}
    assert read_front_matter(["\ufeff---", "a: 1", "---"], "x.md") == {"a": 1}
    assert read_front_matter(["---", "---", "text"], "x.md") == {}


def test_an_unclosed_block_is_a_clear_error() -> None:
    with pytest.raises(InvalidInputError, match=r"^notes/x\.md:1: the front matter never ends"):
        read_front_matter(["---", "a: 1", "", "# Title"], "notes/x.md")


def test_errors_count_lines_in_the_file() -> None:
    with pytest.raises(InvalidInputError, match=r"^x\.md:4: `b` is given twice"):
        read_front_matter(["---", "a: 1", "b: 2", "b: 3", "---"], "x.md")


# -- the JSON the exporter writes reads the same ------------------------------------------


_FRONT = re.compile(r"\A---\n(.*?)\n---\n", re.DOTALL)


@pytest.mark.parametrize("fixture", FIXTURES, ids=lambda path: path.name)
def test_every_fixture_front_matter_reads_the_same_as_yaml(fixture: Path) -> None:
    block = _FRONT.match(fixture.read_text(encoding="utf-8"))
    assert block is not None
    as_json = load_json(block.group(1))
    assert _exact(read_yaml(block.group(1), fixture.name, 2)) == _exact(as_json)
    assert _exact(parse_block(block.group(1), fixture.name, 2)) == _exact(as_json)


_JSON_TEXT = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs"]) | st.sampled_from("<>&[]:/\\\"'#")
)
_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | _JSON_TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_JSON_TEXT, inner, max_size=4),
    max_leaves=12,
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(_JSON_TEXT, _JSON, max_size=5), st.sampled_from([None, "nested"]))
def test_what_the_exporter_writes_reads_the_same_as_yaml(
    record: dict[str, Any], expand: str | None
) -> None:
    if expand is not None:
        record = {"nested": record, "llm_journal": 8}
    block = front_matter(record, expand=expand).removeprefix("---\n").removesuffix("\n---\n")
    as_json = load_json(block)  # the exporter sorts the keys
    assert as_json == record
    assert _exact(read_yaml(block, "x.md", 2)) == _exact(as_json)
    assert _exact(parse_block(block, "x.md", 2)) == _exact(as_json)
