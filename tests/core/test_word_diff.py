"""The word diff that the compare dialog, the check's triage view and `check --diff` share."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from journal.core.word_diff import DiffOp, diff_records, word_diff


def test_word_diff_marks_changed_words() -> None:
    ops = word_diff("The quick brown fox.", "The slow brown fox!")
    assert [(op.kind, op.old, op.new) for op in ops] == [
        ("equal", "The ", "The "),
        ("replace", "quick", "slow"),
        ("equal", " brown fox", " brown fox"),
        ("replace", ".", "!"),
    ]
    assert [op.kind for op in word_diff("", "new words")] == ["insert"]
    assert [op.kind for op in word_diff("old words", "")] == ["delete"]
    assert word_diff("", "") == []


@given(st.text(), st.text())
def test_word_diff_gives_both_texts_back(old: str, new: str) -> None:
    ops = word_diff(old, new)
    assert "".join(op.old for op in ops) == old
    assert "".join(op.new for op in ops) == new
    assert all(op.old == op.new for op in ops if op.kind == "equal")


def test_diff_records_are_what_json_output_carries() -> None:
    ops = [DiffOp("equal", "a ", "a "), DiffOp("replace", "b", "c")]
    assert diff_records(ops) == [
        {"op": "equal", "old": "a ", "new": "a "},
        {"op": "replace", "old": "b", "new": "c"},
    ]
