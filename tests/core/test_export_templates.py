"""A run's template and values in an export: shown to people, carried exactly to the
importer, and checked against the text the run says it sent before anything is written."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from journal.core.export_markdown import export_to_path
from journal.core.import_markdown import import_markdown
from journal.core.models import Run, RunStatus
from journal.core.notebook_format import ImportFormatError
from journal.core.queries import create_experiment
from journal.core.storage import Journal
from journal.core.templates import render_run
from tests.core.test_export_import import snapshot

VALUES = {"word": "*kiwi* <b>x</b> {{x}}", "lang": ""}


@pytest.fixture
def source(tmp_path: Path) -> Iterator[Journal]:
    with Journal.open(tmp_path / "source.sqlite") as journal:
        texts = render_run("Say {{word}} {{{{literal}}", "Answer in French{{lang}}.", VALUES)
        assert texts.template is not None
        with journal.write() as session:
            experiment = create_experiment(session, title="templates")
            assert experiment.id is not None
            session.add(
                Run(
                    experiment_id=experiment.id,
                    model="llama3:8b",
                    system_prompt=texts.system,
                    messages=[{"role": "user", "content": texts.prompt}],
                    template=texts.template.to_json(),
                    response="Kiwi!",
                    status=RunStatus.DONE,
                )
            )
            session.add(
                Run(
                    experiment_id=experiment.id,
                    model="llama3:8b",
                    messages=[{"role": "user", "content": "no {{ .Prompt }} here"}],
                    status=RunStatus.DONE,
                )
            )
        yield journal


@pytest.fixture
def target(tmp_path: Path) -> Iterator[Journal]:
    with Journal.open(tmp_path / "target.sqlite") as journal:
        yield journal


def _export(journal: Journal, path: Path) -> str:
    export_to_path(journal, path)
    return path.read_text(encoding="utf-8")


def _runs(journal: Journal) -> list[Any]:
    conn = sqlite3.connect(journal.path)
    try:
        return conn.execute("SELECT template FROM run ORDER BY id").fetchall()
    finally:
        conn.close()


def test_the_readable_export_shows_the_template_and_the_values(
    source: Journal, tmp_path: Path
) -> None:
    text = _export(source, tmp_path / "notes.md")
    assert (
        "#### Prompt\n\n```text\nSay *kiwi* <b>x</b> {{x}} {{literal}}\n```\n\n"
        "#### Template\n\n"
        "**System prompt template:**\n\n```text\nAnswer in French{{lang}}.\n```\n\n"
        "**Prompt template:**\n\n```text\nSay {{word}} {{{{literal}}\n```\n\n"
        "**Values:**\n\n"
        "- `word`: \\*kiwi\\* &lt;b>x&lt;/b> \\{\\{x\\}\\}\n"
        "- `lang`: *(empty)*\n\n"
    ) in text
    assert text.count("#### Template") == 1  # the run without variables shows none
    assert '"template": null' in text


def test_export_import_export_keeps_the_template_byte_for_byte(
    source: Journal, target: Journal, tmp_path: Path
) -> None:
    first = _export(source, tmp_path / "first.md")
    result = import_markdown(target, tmp_path / "first.md")
    assert (result.new_experiments, result.new_runs) == (1, 2)
    assert snapshot(target.path) == snapshot(source.path)
    assert _export(target, tmp_path / "second.md") == first
    assert _runs(target)[1] == (None,)


def _damaged(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


DAMAGES: dict[str, tuple[Any, ...]] = {
    "prompt edited": (
        '"content": "Say *kiwi*',
        '"content": "Say *lime*',
        "run template: the prompt is not what its template and values render to",
    ),
    "system prompt edited": (
        '"system_prompt": "Answer in French."',
        '"system_prompt": "Answer in German."',
        "run template: the system prompt is not what its template and values render to",
    ),
    "value missing": (
        ', "lang": ""}',
        "}",
        "run template: No value for the variable {{lang}}: give NAME=VALUE for each "
        "(values given: word)",
    ),
    "value unused": (
        ', "lang": ""}',
        ', "lang": "", "wrod": "x"}',
        "run template: The value for wrod would be used nowhere",
    ),
    "not an object": (
        '"template": {"prompt": "Say {{word}} {{{{literal}}", ',
        '"template": ["Say {{word}} {{{{literal}}", {',
        "run field 'template' has the wrong shape",
        ('"lang": ""}},', '"lang": ""}}],'),
    ),
    "bad shape": (
        '"template": {"prompt"',
        '"template": {"extra": 1, "prompt"',
        "run template: the template must be an object with prompt, system and values, only",
    ),
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_an_import_checks_the_template_before_writing_anything(
    source: Journal, target: Journal, tmp_path: Path, damage: str
) -> None:
    old, new, reason, *more = DAMAGES[damage]
    text = _damaged(_export(source, tmp_path / "notes.md"), old, new)
    for also_old, also_new in more:
        text = _damaged(text, also_old, also_new)
    damaged = tmp_path / "damaged.md"
    damaged.write_text(text, encoding="utf-8")
    with pytest.raises(ImportFormatError) as refused:
        import_markdown(target, damaged)
    assert refused.value.reason.startswith(reason), refused.value.reason
    assert _runs(target) == []
