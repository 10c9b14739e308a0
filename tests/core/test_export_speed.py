"""The export's fast paths (issue 16) give the very text the plain ways gave: each is held
equal to the plain way, and shown to be taken. No timing here: the machines are shared."""

from __future__ import annotations

import os
import random
import re
from pathlib import Path
from typing import Any, TextIO

import pytest

from journal.core import export_text, notebook_format
from journal.core.export_entries import ExperimentEntry, RunEntry
from journal.core.export_markdown import render_experiment
from journal.core.export_target import write_file_atomically
from journal.core.notebook_format import (
    BLOCK_PREFIX,
    BLOCK_SUFFIX,
    TEXT_KEY,
    ProseDigest,
    longest_backtick_run,
    metadata_block,
)

_BACKTICK_RUNS = re.compile(r"`+")


def _plain_digest(text: str) -> str:
    digest = ProseDigest()
    for line in text.split("\n"):
        digest.add_line(line.encode("utf-8"))
    return digest.hexdigest()


def test_prose_digest_of_text_in_any_pieces_is_the_line_by_line_digest() -> None:
    rng = random.Random(16)
    parts = ["a", "  ", "\t", "\n", "\r", "\u00a0", "é", "\n\n", " \n", "\r\n", "x "]
    for _ in range(2000):
        text = "".join(rng.choice(parts) for _ in range(rng.randint(0, 40)))
        digest = ProseDigest()
        cuts = sorted(rng.randint(0, len(text)) for _ in range(rng.randint(0, 3)))
        for start, end in zip([0, *cuts], [*cuts, len(text)], strict=True):
            digest.add_text(text[start:end])
        assert digest.hexdigest() == _plain_digest(text), repr(text)


def _entry() -> ExperimentEntry:
    run: dict[str, Any] = {
        "id": 7,
        "uuid": "00000000-0000-4000-9000-000000000007",
        "experiment_id": 1,
        "model": "llama3:8b",
        "status": "done",
        "messages": [{"role": "user", "content": "Name a river.\n  Indented `code`."}],
        "response": "The Rhine.\n```\nfenced\n```\n",
        "verdict": "worked",
        "verdict_note": "Right.\n\nAnd short.",
        "created_at": "2026-01-01T00:00:00.000000+00:00",
    }
    experiment = {
        "id": 1,
        "uuid": "00000000-0000-4000-8000-000000000001",
        "title": "Rivers *and* seas",
        "hypothesis": "It knows rivers.\n- a list\n# a heading",
        "created_at": "2026-01-01T00:00:00.000000+00:00",
    }
    return ExperimentEntry(experiment, [RunEntry(run)])


def test_an_experiment_s_prose_is_hashed_in_one_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = ProseDigest.add_text

    def counted(self: ProseDigest, text: str) -> None:
        calls.append(text)
        real(self, text)

    monkeypatch.setattr(ProseDigest, "add_text", counted)
    pieces = list(render_experiment(_entry(), level=2, metadata=True))
    assert len(calls) == 1  # not once per heading, fence and list
    prose, blocks = pieces
    assert calls == [prose]
    assert f'"{TEXT_KEY}": "{_plain_digest(prose)}"' in blocks  # the hash of the very prose


def test_a_metadata_block_sorts_each_set_of_keys_once(monkeypatch: pytest.MonkeyPatch) -> None:
    records: list[dict[str, Any]] = [
        {"zeta": 1, "alpha": "<b>", "mid": [3, {"y": 1, "x": 2}], "b": None},
        {"zeta": 2, "alpha": "a\u2028b", "mid": {"k": True}, "b": 1.5},
        {"only": "one"},
        {},
    ]
    expected = [
        f"{BLOCK_PREFIX}run {notebook_format.dump_value(dict(sorted(r.items())))} {BLOCK_SUFFIX}\n"
        for r in records
    ]
    sorts: list[int] = []

    def counted(items: Any, **kwargs: Any) -> list[Any]:
        sorts.append(1)
        return sorted(items, **kwargs)

    notebook_format._key_orders.clear()
    monkeypatch.setattr(notebook_format, "sorted", counted, raising=False)
    assert [metadata_block("run", records[0], one_line=True)] == expected[:1]
    before = len(sorts)
    assert [metadata_block("run", records[0], one_line=True)] == expected[:1]
    assert len(sorts) == before  # the same keys again: no sort
    shuffled = dict(reversed(list(records[0].items())))
    assert metadata_block("run", shuffled, one_line=True) == expected[0]
    assert [metadata_block("run", r, one_line=True) for r in records] == expected


def test_the_one_file_export_goes_to_disk_in_large_pieces(tmp_path: Path) -> None:
    target = tmp_path / "journal.md"
    on_disk: list[int] = []

    def write_into(out: TextIO) -> tuple[int, int]:
        out.write("x" * 200_000)
        on_disk.append(os.stat(out.name).st_size)  # still in the buffer: one write later
        return 0, 0

    write_file_atomically(target, write_into, force=False)
    assert on_disk == [0]
    assert target.read_text(encoding="utf-8") == "x" * 200_000


def test_readable_scans_long_ascii_text_without_the_regex(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    searches: list[str] = []
    real = export_text._CONTROL

    class Counted:
        def search(self, value: str) -> Any:
            searches.append(value)
            return real.search(value)

        def sub(self, repl: Any, value: str) -> str:
            return real.sub(repl, value)

    monkeypatch.setattr(export_text, "_CONTROL", Counted())
    long_text = "An answer of a few lines.\n\tIndented.\n" * 20
    assert export_text.readable(long_text) == long_text
    assert searches == []
    assert export_text.readable(long_text + "\x1b[31m\x7f") == long_text + "␛[31m␡"
    assert export_text.readable(long_text + "é\x85") == long_text + "é\ufffd"  # the regex
    for point in range(0x2500):  # every control character, in long and short text alike
        for text in (f"a{chr(point)}b", long_text + chr(point)):
            assert export_text._has_control(text) == bool(real.search(text)), point


def test_longest_backtick_run_is_the_longest_run() -> None:
    rng = random.Random(11)
    for _ in range(5000):
        text = "".join(
            rng.choice("a``\n") * rng.choice([1, 2, 3, 5, 8, 17]) for _ in range(rng.randint(0, 30))
        )
        runs = [len(run) for run in _BACKTICK_RUNS.findall(text)]
        assert longest_backtick_run(text) == max(runs, default=0), repr(text)
    assert longest_backtick_run("x" + "`" * 100_000 + "y``") == 100_000


def test_export_markdown_still_renders_a_fence_longer_than_the_answer_s() -> None:
    pieces = "".join(render_experiment(_entry(), level=2, metadata=False))
    assert "````text\nThe Rhine.\n```\nfenced\n```\n````" in pieces
    assert export_text.code_block("a ````` b") == "``````text\na ````` b\n``````\n\n"
