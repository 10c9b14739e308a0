"""The export reads like a notebook, second slice (issue 15): the metadata comes after each
experiment's prose, one compact line a record; a replay and its original link each other;
a prompt sent again is named, not repeated. Read with markdown-it, as a person's reader."""

from __future__ import annotations

import json
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token

from journal.core.domain import RunStatus
from journal.core.export_entries import ExportSelection
from journal.core.export_markdown import Layout, export_to_path, preview_markdown
from journal.core.export_text import run_anchor
from journal.core.import_markdown import import_markdown
from journal.core.models import Run
from journal.core.notebook_format import BLOCK_PREFIX, experiment_file_name
from journal.core.queries import create_experiment
from journal.core.storage import Journal
from tests.core.test_export_import import snapshot
from tests.markdown_readers import markdown_it_problems

READER = MarkdownIt("commonmark", {"html": True}).enable(["table"])


def _prompt(text: str) -> list[dict[str, str]]:
    return [{"role": "user", "content": text}]


def _fill(journal: Journal) -> dict[str, Run]:
    """Experiment "Prompts": run a (the original), b (a replay, same answer), c (a replay
    on tiny:2b, another answer), d (another prompt), e (a's prompt, no system prompt);
    experiment "Elsewhere": f, a replay of a from there."""
    with journal.write() as session:
        prompts = create_experiment(session, title="Prompts")
        elsewhere = create_experiment(session, title="Elsewhere")
        assert prompts.id and elsewhere.id
        done = RunStatus.DONE
        a = Run(
            experiment_id=prompts.id,
            model="big:8b",
            system_prompt="Be terse.",
            messages=_prompt("Name a river"),
            response="Rhine",
            status=done,
        )
        session.add(a)
        session.flush()
        b = Run(
            experiment_id=prompts.id,
            replay_of_id=a.id,
            model="big:8b",
            system_prompt="Be terse.",
            messages=_prompt("Name a river"),
            response="Rhine",
            status=done,
        )
        c = Run(
            experiment_id=prompts.id,
            replay_of_id=a.id,
            model="tiny:2b",
            system_prompt="Be terse.",
            messages=_prompt("Name a river"),
            response="Rhine ",  # one space more: not the same answer
            status=done,
        )
        d = Run(
            experiment_id=prompts.id, model="big:8b", messages=_prompt("Name a sea"), status=done
        )
        e = Run(
            experiment_id=prompts.id, model="big:8b", messages=_prompt("Name a river"), status=done
        )
        f = Run(
            experiment_id=elsewhere.id,
            replay_of_id=a.id,
            model="big:8b",
            system_prompt="Be terse.",
            messages=_prompt("Name a river"),
            response="Rhine",
            status=done,
        )
        runs = {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f}
        for run in runs.values():
            session.add(run)
        session.flush()
        for run in runs.values():
            session.refresh(run)
            session.expunge(run)
    return runs


def _export(journal: Journal, path: Path, **options: object) -> str:
    export_to_path(journal, path, **options)  # type: ignore[arg-type]
    return path.read_text(encoding="utf-8")


def _sections(text: str) -> dict[str, str]:
    """Each run's section (`### Run N ...` up to the next heading of that level), by N."""
    found: dict[str, str] = {}
    for part in text.split("\n### Run ")[1:]:
        number = part.split(" ", 1)[0]
        found[number] = part.split("\n### ", 1)[0].split("\n## ", 1)[0]
    return found


def _link(run: Run, where: str = "") -> str:
    return f"[run {run.id}]({where}#{run_anchor(run.uuid)})"


def test_the_metadata_follows_each_experiments_prose_one_line_a_record(
    journal: Journal, tmp_path: Path
) -> None:
    """Item 1: in each experiment's part, every metadata block comes after its last prose
    line, one line each (compact JSON), hidden by a reader; import stays exact."""
    _fill(journal)
    text = _export(journal, tmp_path / "notes.md")
    body = text.split("\n---\n", 1)[1]
    parts = body.split("\n## ")[2:]  # after the head and the overview
    assert [part.split("\n", 1)[0] for part in parts] == ["Prompts", "Elsewhere"]
    for part in parts:
        lines = part.rstrip("\n").split("\n")
        first = next(n for n, line in enumerate(lines) if line.startswith(BLOCK_PREFIX))
        assert all(line.startswith(BLOCK_PREFIX) for line in lines[first:] if line), part
        for line in lines[first:]:
            if line:
                assert line.endswith(" -->") and json.loads(line.split(" ", 2)[2][:-4])
        assert not any(line.startswith(BLOCK_PREFIX) for line in lines[:first])
    assert not any(line.startswith('  "') for line in body.split("\n"))  # nothing indented
    kinds = [line.split(" ", 2)[1] for line in body.split("\n") if line.startswith(BLOCK_PREFIX)]
    assert kinds.count("llm-journal:run") == 6
    with Journal.open(tmp_path / "other.sqlite") as other:
        import_markdown(other, tmp_path / "notes.md")
        assert snapshot(other.path) == snapshot(journal.path)
        assert _export(other, tmp_path / "again.md") == text
    folder = tmp_path / "folder"
    export_to_path(journal, folder, layout=Layout.FOLDER)
    page = (folder / experiment_file_name(1, "Prompts")).read_text(encoding="utf-8")
    lines = page.split("\n---\n", 1)[1].rstrip("\n").split("\n")
    first = next(n for n, line in enumerate(lines) if line.startswith(BLOCK_PREFIX))
    assert all(line.startswith(BLOCK_PREFIX) for line in lines[first:] if line)


def test_a_replay_and_its_original_link_each_other(journal: Journal, tmp_path: Path) -> None:
    """Item 2: the replay says which run it replays, linked; the original lists its
    replays, linked, with their model and whether the answer is the very same."""
    runs = _fill(journal)
    a, b, c, f = runs["a"], runs["b"], runs["c"], runs["f"]
    text = _export(journal, tmp_path / "notes.md")
    sections = _sections(text)
    assert f"- **Replays:** {_link(a)}\n" in sections[str(b.id)]
    assert f"- **Replays:** {_link(a)} of experiment 1\n" in sections[str(f.id)]
    assert (
        f"- **Replayed by:** {_link(b)} on `big:8b`: same answer · {_link(c)} on `tiny:2b`: "
        f"differs · {_link(f)} of experiment 2 on `big:8b`: same answer\n"
    ) in sections[str(a.id)]
    # A folder links into the other experiment's file.
    folder = tmp_path / "folder"
    export_to_path(journal, folder, layout=Layout.FOLDER)
    other = (folder / experiment_file_name(2, "Elsewhere")).read_text(encoding="utf-8")
    original = _link(a, experiment_file_name(1, "Prompts"))
    assert f"- **Replays:** {original} of experiment 1\n" in other
    # Without its original in the export, a replay names it in plain text.
    alone = _export(journal, tmp_path / "alone.md", selection=ExportSelection(experiment_id=2))
    assert f"- **Replays:** run {a.uuid[:8]} (not in this export)\n" in alone
    assert "Replayed by" not in alone
    only_first = _export(journal, tmp_path / "first.md", selection=ExportSelection(experiment_id=1))
    assert f"{_link(c)} on `tiny:2b`: differs\n" in only_first  # f is not in it
    assert "of experiment 2" not in only_first
    # The preview has no anchors, so it links nowhere.
    preview = preview_markdown(journal, ExportSelection())
    assert f"- **Replays:** run {a.id}\n" in preview


def test_a_prompt_sent_again_is_named_not_repeated(journal: Journal, tmp_path: Path) -> None:
    """Item 3: in one experiment, a run with an earlier run's prompt and system prompt says
    so, linked; another system prompt (or none) or another experiment shows it in full."""
    runs = _fill(journal)
    a, b, c, d, e, f = (runs[name] for name in "abcdef")
    text = _export(journal, tmp_path / "notes.md")
    sections = _sections(text)
    assert "```text\nName a river\n```" in sections[str(a.id)]
    for again in (b, c):
        section = sections[str(again.id)]
        assert f"#### Prompt\n\n*Same prompt and system prompt as {_link(a)}.*\n" in section
        assert "Name a river" not in section and "Be terse." not in section
    assert "```text\nName a sea\n```" in sections[str(d.id)]
    assert "```text\nName a river\n```" in sections[str(e.id)]  # no system prompt: not a's
    assert "```text\nName a river\n```" in sections[str(f.id)]  # another experiment
    with Journal.open(tmp_path / "other.sqlite") as other:
        import_markdown(other, tmp_path / "notes.md")  # the metadata keeps every prompt
        assert snapshot(other.path) == snapshot(journal.path)


def _headings(tokens: list[Token]) -> list[tuple[str, str]]:
    return [
        (t.tag, tokens[n + 1].content) for n, t in enumerate(tokens) if t.type == "heading_open"
    ]


def test_the_readable_part_parses_into_the_expected_sections(
    journal: Journal, tmp_path: Path
) -> None:
    """The readable part as markdown-it reads it: the overview's rows, one section per
    experiment, an anchor per run, replay links that reach those anchors; nothing live."""
    runs = _fill(journal)
    text = _export(journal, tmp_path / "notes.md")
    tokens = READER.parse(text.split("\n---\n", 1)[1])
    headings = _headings(tokens)
    assert [title for tag, title in headings if tag == "h2"] == ["Overview", "Prompts", "Elsewhere"]
    runs_shown = [title for tag, title in headings if tag == "h3" and title.startswith("Run ")]
    assert len(runs_shown) == 6
    rows = [t for t in tokens if t.type == "tr_open"]
    assert len(rows) == (1 + 2) + (1 + 5) + (1 + 1)  # overview, then each "Runs at a glance"
    anchors = {
        t.content for t in _inline(tokens) if t.type == "html_inline" and t.content.startswith("<a")
    }
    assert anchors == {f'<a id="{run_anchor(run.uuid)}">' for run in runs.values()}
    hrefs = [str(t.attrGet("href")) for t in _inline(tokens) if t.type == "link_open"]
    replay_links = [h for h in hrefs if h == f"#{run_anchor(runs['a'].uuid)}"]
    assert len(replay_links) >= 1 + 2 + 1 + 2  # overview or glance, b, c, f, b's and c's prompt
    for href in hrefs:
        assert f'<a id="{href[1:]}"></a>' in text
    blocks = text.count(f"\n{BLOCK_PREFIX}")
    assert not markdown_it_problems(text, own_links=frozenset(), blocks=blocks)


def _inline(tokens: list[Token]) -> list[Token]:
    return [child for t in tokens for child in (t.children or ())]


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_import_says_which_readable_text_was_edited_and_imports_the_metadata(
    journal: Journal, tmp_path: Path
) -> None:
    """Item 4: each experiment's metadata holds the hash of its readable text; an import
    names the experiment (one file) or the file (folder) whose text no longer matches it,
    and imports what the metadata says all the same."""
    _fill(journal)
    notes = tmp_path / "notes.md"
    export_to_path(journal, notes)
    with Journal.open(tmp_path / "clean.sqlite") as clean:
        assert import_markdown(clean, notes).edited_text == []
    # An editor that converts line endings and trims trailing spaces edits nothing.
    text = notes.read_text(encoding="utf-8")
    trimmed = tmp_path / "trimmed.md"
    trimmed.write_bytes(
        "\n".join(line.rstrip(" ") for line in text.split("\n")).replace("\n", "\r\n").encode()
    )
    with Journal.open(tmp_path / "trimmed.sqlite") as other:
        assert import_markdown(other, trimmed).edited_text == []

    _edit(notes, "\n## Elsewhere\n", "\n## Elsewhere, renamed by hand\n")
    _edit(notes, "\n## Overview\n", "\n## Overview of my notes\n")
    with Journal.open(tmp_path / "other.sqlite") as other:
        result = import_markdown(other, notes)
        assert result.edited_text == [
            f"{notes} (before its first experiment)",
            f"{notes} (experiment 2)",
        ]
        assert result.edited_lines()[1] == (
            f"readable text edited in {notes} (experiment 2): the edits were not imported "
            "(the metadata is what is read)"
        )
        assert snapshot(other.path) == snapshot(journal.path)  # the metadata, as it was

    folder = tmp_path / "folder"
    export_to_path(journal, folder, layout=Layout.FOLDER)
    page = folder / experiment_file_name(1, "Prompts")
    _edit(page, "```text\nName a sea\n```", "```text\nName an ocean\n```")
    with Journal.open(tmp_path / "third.sqlite") as third:
        result = import_markdown(third, folder)
        assert result.edited_text == [str(page)]
        assert snapshot(third.path) == snapshot(journal.path)
