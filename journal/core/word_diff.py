"""Word-level differences between two answers: one implementation for every reader.

The compare dialog, the migration check's triage view and `journal check --show --diff` all
show old against new through `word_diff`; each only renders the ops its own way.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

DiffKind = Literal["equal", "delete", "insert", "replace"]

_TOKENS = re.compile(r"\s+|\w+|[^\w\s]", re.UNICODE)


@dataclass(frozen=True)
class DiffOp:
    """A stretch of the two answers: `old` and `new` text joined back exactly."""

    kind: DiffKind
    old: str
    new: str


def word_diff(old: str, new: str) -> list[DiffOp]:
    """Word-level differences between two answers, for the CLI and the window to render.

    Tokens are words, single punctuation marks and runs of whitespace; whitespace never
    anchors a match (difflib's junk), so "a b" vs "a  c" reads as one replaced word.
    Concatenating every op's `old` gives `old` back exactly, and likewise for `new`.
    """
    old_tokens = _TOKENS.findall(old)
    new_tokens = _TOKENS.findall(new)
    matcher = difflib.SequenceMatcher(str.isspace, old_tokens, new_tokens)
    ops: list[DiffOp] = []
    for kind, i1, i2, j1, j2 in matcher.get_opcodes():
        op = DiffOp(kind, "".join(old_tokens[i1:i2]), "".join(new_tokens[j1:j2]))
        if ops and ops[-1].kind == op.kind:
            ops[-1] = DiffOp(op.kind, ops[-1].old + op.old, ops[-1].new + op.new)
        else:
            ops.append(op)
    return ops


def diff_records(ops: list[DiffOp]) -> list[dict[str, str]]:
    """The ops as JSON records (`--json`): `{"op": "replace", "old": ..., "new": ...}`."""
    return [{"op": op.kind, "old": op.old, "new": op.new} for op in ops]
