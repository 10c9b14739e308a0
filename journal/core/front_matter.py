"""A Markdown file's front matter (the `---` block at its top), read as YAML 1.2 into JSON.

The exporter writes front matter as JSON, which is YAML 1.2; a note app (Obsidian and the
like) may rewrite it as YAML of its own: keys reordered, quotes dropped. Read as YAML 1.1,
an unquoted `no` would be False, `1_000` a thousand and `2026-01-31` a date, and the file
would no longer say what the exporter wrote; so plain scalars are typed here by the YAML
1.2 core schema alone. ruamel.yaml parses, but its own "1.2" resolver still reads
underscores in numbers and timestamps, so it is told to leave plain scalars untyped
(`_Plain`) and `_plain_value` types them. Whatever JSON cannot hold (dates, binary, sets,
aliases, keys that are not text, NaN) is refused, naming the file, the line and the key.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable
from typing import Any, NoReturn

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.resolver import BaseResolver
from ruamel.yaml.tag import Tag

from journal.core.notebook_format import FRONT_MATTER_FENCE, ImportFormatError

_PLAIN = "tag:llm-journal,2026:plain"  # a plain scalar without a tag: typed by _plain_value
_STANDARD = "tag:yaml.org,2002:"

# The YAML 1.2 core schema (spec 10.3.2), nothing more.
_NULL = re.compile(r"(?:~|null|Null|NULL|)\Z")
_TRUE = re.compile(r"(?:true|True|TRUE)\Z")
_FALSE = re.compile(r"(?:false|False|FALSE)\Z")
_DECIMAL = re.compile(r"[-+]?[0-9]+\Z")
_OCTAL = re.compile(r"0o[0-7]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_INFINITE = re.compile(r"[-+]?\.(?:inf|Inf|INF)\Z|\.(?:nan|NaN|NAN)\Z")
_SURROGATE = re.compile("[\ud800-\udfff]")

# What a tag JSON has no value for holds, for the message.
_FOREIGN = {
    "timestamp": "a date",
    "binary": "binary data",
    "set": "a set",
    "omap": "an ordered map",
    "pairs": "a list of pairs",
}


class _Plain(BaseResolver):
    """Resolves every untagged plain scalar to _PLAIN, quoted ones to text."""

    processing_version = (1, 2)  # read by ruamel.yaml's scanner (a `%YAML 1.1` changes nothing)

    def __init__(self, version: Any = None, loader: Any = None) -> None:
        super().__init__(loader)

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if kind is ScalarNode and implicit[0]:
            return Tag(suffix=_PLAIN)
        return super().resolve(kind, value, implicit)


def _yaml() -> YAML:
    yaml = YAML(typ="safe", pure=True)
    yaml.Resolver = _Plain
    return yaml


class _Reader:
    """One block's nodes to JSON values; `first_line` is the file line of the block's first."""

    def __init__(self, shown: str, first_line: int) -> None:
        self.shown = shown
        self.first_line = first_line
        self.seen: set[int] = set()

    def fail(self, node: Node | None, reason: str) -> NoReturn:
        line = self.first_line + (node.start_mark.line if node is not None else 0)
        raise ImportFormatError(self.shown, line, reason)

    def value(self, node: Node, key: str) -> Any:
        if id(node) in self.seen:
            self.fail(node, f"{_named(key)} repeats another value by a YAML alias; write it out")
        self.seen.add(id(node))
        tag = str(node.tag)
        if isinstance(node, MappingNode) and tag == _STANDARD + "map":
            return self.mapping(node, key)
        if isinstance(node, SequenceNode) and tag == _STANDARD + "seq":
            return [self.value(item, f"{key}[{i}]") for i, item in enumerate(node.value)]
        if isinstance(node, ScalarNode):
            return self.scalar(node, key, tag)
        what = _FOREIGN.get(tag.removeprefix(_STANDARD), f"tagged {tag}")
        self.fail(node, f"{_named(key)} is {what}, expected a list or a mapping")

    def mapping(self, node: MappingNode, key: str) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            plain_text = key_node.tag == _PLAIN and _plain_value(key_node.value) is _TEXT
            if not isinstance(key_node, ScalarNode) or not (
                plain_text or key_node.tag == _STANDARD + "str"
            ):
                shown = key_node.value if isinstance(key_node, ScalarNode) else "a list or mapping"
                where = f" in {_named(key)}" if key else ""
                self.fail(key_node, f"the key {shown!r}{where} is not text")
            name = self.text(key_node, key, key_node.value)
            inner = f"{key}.{name}" if key else name
            if name in result:
                self.fail(key_node, f"{_named(inner)} is given twice")
            result[name] = self.value(value_node, inner)
        return result

    def scalar(self, node: ScalarNode, key: str, tag: str) -> Any:
        text: str = node.value
        if tag == _PLAIN:
            value = _plain_value(text)
            if value is _TEXT:
                return text
        elif tag == _STANDARD + "str":
            return self.text(node, key, text)
        elif tag == _STANDARD + "int":
            value = _integer(text)
        elif tag == _STANDARD + "float":
            value = _plain_value(text)
            value = float(value) if type(value) in (int, float) else _TEXT
        elif tag == _STANDARD + "bool":
            value = True if _TRUE.match(text) else False if _FALSE.match(text) else _TEXT
        elif tag == _STANDARD + "null":
            value = None if _NULL.match(text) else _TEXT
        else:
            what = _FOREIGN.get(tag.removeprefix(_STANDARD), f"tagged {tag}")
            self.fail(node, f"{_named(key)} is {what}, expected text")
        if value is _TEXT:
            self.fail(
                node, f"{_named(key)} is {text!r}, which is not !!{tag.removeprefix(_STANDARD)}"
            )
        if type(value) is float and not math.isfinite(value):
            self.fail(node, f"{_named(key)} is {text}, a number JSON cannot hold")
        return value

    def text(self, node: ScalarNode, key: str, text: str) -> str:
        """Text as JSON reads it: a surrogate pair escaped as two \\u escapes is one
        character (YAML reads each alone); a lone surrogate is no text."""
        if not _SURROGATE.search(text):
            return text
        joined = text.encode("utf-16", "surrogatepass").decode("utf-16", "surrogatepass")
        if _SURROGATE.search(joined):
            self.fail(node, f"{_named(key)} holds a lone surrogate, which is not text")
        return joined


_TEXT = object()  # what _plain_value returns for a plain scalar that is text


def _plain_value(text: str) -> Any:
    """A plain scalar as the YAML 1.2 core schema types it (_TEXT when it is text)."""
    if _NULL.match(text):
        return None
    if _TRUE.match(text):
        return True
    if _FALSE.match(text):
        return False
    number = _integer(text)
    if number is not _TEXT:
        return number
    if _FLOAT.match(text):
        return float(text)
    if _INFINITE.match(text):
        return float(text.lower().replace(".", ""))  # "-inf", "nan": refused by the caller
    return _TEXT


def _integer(text: str) -> Any:
    if _DECIMAL.match(text):
        return int(text)
    if _OCTAL.match(text):
        return int(text[2:], 8)
    if _HEX.match(text):
        return int(text[2:], 16)
    return _TEXT


def _named(key: str) -> str:
    return f"`{key}`" if key else "the front matter"


def parse_block(text: str, shown: str, first_line: int) -> dict[str, Any]:
    """The text between the fences as a JSON object; `first_line` is the file line it
    starts on, for messages (ImportFormatError, `shown:line: reason`).

    What the exporter wrote is JSON and is read as JSON, some 200 times faster than YAML
    and to the same values (JSON is YAML 1.2; tests hold the two to it); anything else,
    including JSON that YAML would refuse (a key twice, NaN, a lone surrogate), is YAML's.
    """
    value = _strict_json(text)
    return value if value is not None else read_yaml(text, shown, first_line)


def _strict_json(text: str) -> dict[str, Any] | None:
    if _ESCAPED_SURROGATE.search(text):
        return None
    try:
        value = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F]")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value = dict(pairs)
    if len(value) != len(pairs):
        raise ValueError("a key twice")
    return value


def _no_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is no JSON")


def read_yaml(text: str, shown: str, first_line: int) -> dict[str, Any]:
    """parse_block without its JSON shortcut."""
    reader = _Reader(shown, first_line)
    if _too_deep(text):
        raise ImportFormatError(
            shown,
            first_line,
            f"the front matter opens more than {_MAX_DEPTH} brackets without closing them: "
            "it is nested too deeply",
        )
    try:
        node = _yaml().compose(text)
        if node is None:
            return {}
        if not isinstance(node, MappingNode):
            reader.fail(node, "the front matter is not a mapping of keys to values")
        return reader.mapping(node, "")
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark is not None else 0)
        problem = exc.problem or exc.context or "cannot be read"
        reason = f"the front matter is not valid YAML ({problem})"
        raise ImportFormatError(shown, line, reason) from None
    except YAMLError as exc:
        raise ImportFormatError(
            shown, first_line, f"the front matter is not valid YAML ({str(exc).strip()})"
        ) from None
    except RecursionError:
        raise ImportFormatError(
            shown, first_line, "the front matter is nested too deeply"
        ) from None


_MAX_DEPTH = 100
_BRACKET = re.compile(r"[\[\]{}]")


def _too_deep(text: str) -> bool:
    """The YAML scanner takes seconds over a few thousand open brackets (quadratic), so
    more than _MAX_DEPTH open at once (quoted ones counted too: no front matter has them)
    are refused before it starts."""
    depth = 0
    for match in _BRACKET.finditer(text):
        depth = depth + 1 if match.group() in "[{" else max(depth - 1, 0)
        if depth > _MAX_DEPTH:
            return True
    return False


def read_front_matter(lines: Iterable[str], shown: str) -> dict[str, Any] | None:
    """The front matter of a file given as its lines (without line endings), or None when
    the file does not start with one. Only the first line can open it and the next `---`
    line closes it: a `---` further down (a rule, a code block) is the file's text."""
    numbered = iter(lines)
    first = next(numbered, None)
    if first is None or first.removeprefix("\ufeff") != FRONT_MATTER_FENCE:
        return None
    collected: list[str] = []
    for line in numbered:
        if line == FRONT_MATTER_FENCE:
            return parse_block("\n".join(collected), shown, 2)
        collected.append(line)
    raise ImportFormatError(shown, 1, "the front matter never ends (no closing --- line)")
