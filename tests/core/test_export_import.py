"""Markdown export and import: a readable notebook that reads back exactly, whatever it holds."""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from journal.core import export_markdown
from journal.core.domain import ExperimentFilter, RunStatus, Verdict
from journal.core.errors import InvalidInputError
from journal.core.expectations import (
    Expectation,
    Kind,
    Target,
    check_expectation,
    format_expectation,
)
from journal.core.export_entries import ExportSelection
from journal.core.export_markdown import Layout, export_to_path, export_to_stream, preview_markdown
from journal.core.grading import GradeStatus
from journal.core.images import link_images
from journal.core.import_markdown import import_markdown, read_export
from journal.core.input_sets import check_row
from journal.core.models import (
    CheckStatus,
    ExpectationRow,
    Experiment,
    GradeRow,
    GradingRule,
    ImageRow,
    InputRow,
    MigrationCheck,
    MigrationCheckItem,
    Run,
)
from journal.core.notebook_format import (
    ExportError,
    ExportTargetExistsError,
    ImportFormatError,
    experiment_file_name,
    fence_for,
    slugify,
)
from journal.core.option_schema import OPTION_RULES, REQUEST_FIELDS
from journal.core.queries import create_experiment, set_verdict
from journal.core.storage import Journal
from journal.core.templates import render_all, variables_of

T0 = datetime(2026, 1, 31, 14, 5, 9, 123456, tzinfo=UTC)
DIGEST = "365c0bd3c000a25d28ddbf732fe1c6add414de7275464c4e4d1c3b5fcb5d8ad1"

TRICKY_PROMPT = (
    'Name three rivers.\n---\n<!-- llm-journal:experiment {"uuid": "fake"} -->\n'
    "````\nstill the prompt\r\nwith CRLF\rand a lone CR\n"
)
TRICKY_ANSWER = (
    "1. Rhine\n2. Danube\n3. Mekong\n\n```python\nprint('<b>')\n"  # an unclosed fence
    "<!-- an HTML comment that never ends\n![tracker](http://example.com/x.png)\n"
)


def _text_of(path: Path) -> str:
    return path.read_bytes().decode("utf-8")


def _export(journal: Journal, selection: ExportSelection | None = None, **kw: Any) -> str:
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "export.md"
        export_to_path(journal, target, selection=selection, **kw)
        return _text_of(target)


def _folder_bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def _uuid_of(journal: Journal, run_id: int) -> str:
    with journal.read() as session:
        run = session.get(Run, run_id)
        assert run is not None
        return run.uuid


def populate(journal: Journal) -> dict[str, int]:
    """Three experiments: one with a judged run, a replay and thinking; one tricky; one empty."""
    with journal.write() as session:
        rivers = create_experiment(
            session,
            title="Rivers that cross borders",
            hypothesis="It lists exactly three.",
            expected="Three real rivers, one per line.",
            conclusion="Works at temperature 0.2.",
            tags=["geo", "rivers"],
        )
        tricky = create_experiment(
            session,
            title="`Ticks` & <b>HTML</b> | pipes #",
            hypothesis="---\n```\nan unclosed fence in a hypothesis\n<!-- llm-journal:run {} -->",
            conclusion="See ![chart](http://example.com/c.png) and <img src=x>",
            tags=["odd"],
        )
        empty = create_experiment(session, title="")
        assert rivers.id and tricky.id and empty.id
        first = Run(
            experiment_id=rivers.id,
            model="llama3:8b",
            model_digest=DIGEST,
            model_family="llama",
            model_parameter_size="8.0B",
            model_quantization="Q4_0",
            model_details={"family": "llama", "families": ["llama"], "size": 4661224676},
            ollama_version="0.10.1",
            system_prompt="You are terse.",
            messages=[{"role": "user", "content": "Name three rivers"}],
            options={"temperature": 0.2, "seed": 42, "top_p": 1.0, "stop": ["###"]},
            keep_alive="5m",
            think="low",
            response="Rhine, Danube, Mekong.\n",
            thinking="Three rivers that cross borders...",
            status=RunStatus.DONE,
            done_reason="stop",
            prompt_eval_count=12,
            eval_count=42,
            total_duration=1_400_000_000,
            load_duration=1_200_000_000,
            prompt_eval_duration=50_000_000,
            eval_duration=1_190_000_000,
            final_chunk={"done": True, "done_reason": "stop", "eval_count": 42},
            first_token_seconds=0.21,
            wall_seconds=1.45,
            created_at=T0,
            started_at=T0,
            finished_at=T0 + timedelta(seconds=2),
        )
        session.add(first)
        session.flush()
        assert first.id is not None
        replay = Run(
            experiment_id=rivers.id,
            replay_of_id=first.id,
            model="qwen3:0.6b",
            messages=[{"role": "user", "content": "Name three rivers"}],
            options={"temperature": 1, "seed": 42},
            think=False,
            response="",
            status=RunStatus.FAILED,
            error="Ollama reported an error (HTTP 500): boom",
            created_at=T0 + timedelta(minutes=1),
        )
        odd = Run(
            experiment_id=tricky.id,
            model="llama3:8b",
            system_prompt="``` three ticks ````` five ticks",
            messages=[
                {"role": "system", "content": "be odd"},
                {"role": "user", "content": TRICKY_PROMPT, "images": ["aGVsbG8="]},
            ],
            response=TRICKY_ANSWER,
            status=RunStatus.CANCELLED,
            verdict_note="\x00NUL, \x1b escape, \u2028 line separator, \ufeff",
            created_at=T0 + timedelta(minutes=2),
        )
        session.add_all([replay, odd])
        session.flush()
        assert replay.id and odd.id
        set_verdict(session, first.id, Verdict.WORKED, "exactly three, all real")
        set_verdict(session, odd.id, Verdict.FAILED)
        return {
            "rivers": rivers.id,
            "tricky": tricky.id,
            "empty": empty.id,
            "first": first.id,
            "replay": replay.id,
            "odd": odd.id,
        }


def snapshot(path: Path) -> dict[str, Any]:
    """Every value of every experiment, run, expectation, combine rule and grade, keyed by
    uuid (a rule by its experiment's), ids replaced by uuids."""
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        experiments = {row["id"]: dict(row) for row in conn.execute("SELECT * FROM experiment")}
        runs = {row["id"]: dict(row) for row in conn.execute("SELECT * FROM run")}
        expectations = {row["id"]: dict(row) for row in conn.execute("SELECT * FROM expectation")}
        rules = [dict(row) for row in conn.execute("SELECT * FROM experiment_grading")]
        grades = [dict(row) for row in conn.execute("SELECT * FROM grade")]
        inputs = [dict(row) for row in conn.execute("SELECT * FROM input_row")]
        json_columns = {
            table: {
                row[1] for row in conn.execute(f"PRAGMA table_info({table})") if row[2] == "JSON"
            }
            for table in ("experiment", "run", "expectation", "grade", "input_row")
        }
    finally:
        conn.close()

    def normal(table: str, record: dict[str, Any]) -> dict[str, Any]:
        out = {}
        for key, value in record.items():
            if key in json_columns[table] and value is not None:
                value = json.dumps(json.loads(value))  # types exact: 1 and 1.0 differ
                value = None if value == "null" else value
            out[key] = value
        out.pop("id")
        return out

    result: dict[str, Any] = {}
    for record in experiments.values():
        result[record["uuid"]] = normal("experiment", record)
    for record in runs.values():
        run = normal("run", record)
        run["experiment_id"] = experiments[record["experiment_id"]]["uuid"]
        replayed = record["replay_of_id"]
        run["replay_of_id"] = None if replayed is None else runs[replayed]["uuid"]
        parent = record.get("parent_id")
        run["parent_id"] = None if parent is None else runs[parent]["uuid"]
        made_from = record.get("input_row_id")
        row_uuids = {row["id"]: row["uuid"] for row in inputs}
        run["input_row_id"] = None if made_from is None else row_uuids[made_from]
        result[record["uuid"]] = run
    for record in expectations.values():
        expectation = normal("expectation", record)
        expectation["experiment_id"] = experiments[record["experiment_id"]]["uuid"]
        result[record["uuid"]] = expectation
    for rule in rules:
        uuid = experiments[rule.pop("experiment_id")]["uuid"]
        result[f"grading of {uuid}"] = rule
    for record in grades:
        grade = normal("grade", record)
        grade["run_id"] = runs[record["run_id"]]["uuid"]
        graded = record["expectation_id"]
        grade["expectation_id"] = None if graded is None else expectations[graded]["uuid"]
        result[record["uuid"]] = grade
    for record in inputs:
        row = normal("input_row", record)
        row["experiment_id"] = experiments[record["experiment_id"]]["uuid"]
        result[record["uuid"]] = row
    return result


def count_rows(journal: Journal) -> tuple[int, int]:
    conn = sqlite3.connect(journal.path)
    try:
        return (
            conn.execute("SELECT count(*) FROM experiment").fetchone()[0],
            conn.execute("SELECT count(*) FROM run").fetchone()[0],
        )
    finally:
        conn.close()


CHECK_NAME = "<script>alert(1)</script> `ticks` | pipes"


def add_check(journal: Journal, ids: dict[str, int], *, name: str = CHECK_NAME) -> int:
    """A finished migration check of populate's rivers run, replayed by the rivers replay,
    and of its odd run, not replayed yet."""
    with journal.write() as session:
        check = MigrationCheck(
            name=name,
            source_filter={"run_ids": [ids["first"], ids["odd"]]},
            target_model="qwen3:0.6b",
            hosts=[{"address": "http://127.0.0.1:11434", "limit": 1}],
            status=CheckStatus.DONE,
            created_at=T0,
            updated_at=T0 + timedelta(minutes=3),
            finished_at=T0 + timedelta(minutes=3),
        )
        session.add(check)
        session.flush()
        assert check.id is not None
        first = MigrationCheckItem(
            check_id=check.id, position=1, source_run_id=ids["first"], new_run_id=ids["replay"]
        )
        session.add_all(
            [first, MigrationCheckItem(check_id=check.id, position=2, source_run_id=ids["odd"])]
        )
        return check.id


def check_rows(path: Path) -> list[tuple[Any, ...]]:
    """Every migration check and item, runs by uuid (ids differ between journals)."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT c.uuid, c.name, c.source_filter, c.target_model, c.target_digest, c.hosts, "
            "c.status, c.created_at, c.updated_at, c.finished_at, i.position, s.uuid, n.uuid "
            "FROM migration_check AS c LEFT JOIN migration_check_item AS i "
            "ON i.check_id = c.id LEFT JOIN run AS s ON s.id = i.source_run_id "
            "LEFT JOIN run AS n ON n.id = i.new_run_id ORDER BY c.uuid, i.position"
        ).fetchall()
    finally:
        conn.close()


@pytest.fixture
def ids(journal: Journal) -> dict[str, int]:
    return populate(journal)


@pytest.fixture
def other(tmp_path: Path) -> Iterator[Journal]:
    with Journal.open(tmp_path / "other.sqlite") as opened:
        yield opened


# -- reading like a notebook --------------------------------------------------------------


def test_export_reads_like_a_lab_notebook(journal: Journal, ids: dict[str, int]) -> None:
    text = _export(journal)
    assert text.startswith(
        '---\n{\n  "layout": "file",\n  "llm_journal": 11\n}\n---\n\n# LLM Journal\n'
    )
    assert "\n## Rivers that cross borders\n" in text
    assert f"*Experiment {ids['rivers']} · created " in text
    assert "**Tags:** `geo` · `rivers`" in text
    assert "\n### Hypothesis\n\n> It lists exactly three.\n" in text
    assert "\n### Expected outcome\n\n> Three real rivers, one per line.\n" in text
    assert "\n### Conclusion\n\n> Works at temperature 0.2.\n" in text
    run = text[text.index(f"### Run {ids['first']} · llama3:8b · worked") :]
    assert "- **Model:** `llama3:8b` · digest `365c0bd3c000` · llama · 8.0B · Q4_0" in run
    assert '- **Options:** `temperature=0.2` · `seed=42` · `top_p=1.0` · `stop=["###"]`' in run
    assert '- **Request:** keep_alive `5m` · think `"low"`' in run
    assert "first token 210 ms" in run and "35.3 tok/s" in run and "42 tokens" in run
    assert "Ollama 0.10.1" in run and "2026-01-31 14:05:09 UTC" in run
    assert "#### System prompt\n\n```text\nYou are terse.\n```\n" in run
    assert "#### Prompt\n\n```text\nName three rivers\n```\n" in run
    assert "#### Thinking\n\n```text\nThree rivers that cross borders...\n```\n" in run
    assert "#### Answer\n\n```text\nRhine, Danube, Mekong.\n```\n" in run
    assert "#### Verdict: worked\n\n> exactly three, all real\n" in run
    replay = text[text.index(f"### Run {ids['replay']} · qwen3:0.6b · failed · unrated") :]
    first = _uuid_of(journal, ids["first"])
    assert f"- **Replays:** [run {ids['first']}](#run-{first})\n" in replay
    assert "#### Error\n\n```text\nOllama reported an error (HTTP 500): boom\n```\n" in replay
    assert "\n## (untitled)\n" in text
    assert text.endswith('<!-- llm-journal:end {"experiments": 3, "runs": 3} -->\n')


def test_metadata_carries_every_column(journal: Journal, ids: dict[str, int]) -> None:
    text = _export(journal)
    start = text.index("<!-- llm-journal:run {")
    block = text[start + len("<!-- llm-journal:run ") : text.index(" -->", start)]
    record = json.loads(block)
    # Nothing in the trash is exported, so its mark is left out (format 8), and so is the
    # run a run is based on when it is based on none.
    assert set(Run.model_fields) - {"trashed_at", "based_on_id"} <= set(record)
    assert "trashed_at" not in record and "based_on_id" not in record
    assert record["replay_of_uuid"] is None
    assert record["model_digest"] == DIGEST
    assert record["options"] == {"temperature": 0.2, "seed": 42, "top_p": 1.0, "stop": ["###"]}
    assert isinstance(record["options"]["top_p"], float) and isinstance(
        record["options"]["seed"], int
    )
    assert record["created_at"] == "2026-01-31T14:05:09.123456+00:00"
    assert list(record) == sorted(record)


def test_fences_are_longer_than_any_backtick_run_inside(
    journal: Journal, ids: dict[str, int]
) -> None:
    text = _export(journal)
    assert fence_for("no ticks") == "```"
    assert fence_for("``` and `````") == "``````"
    assert "``````text\n``` three ticks ````` five ticks\n``````\n" in text
    # the prompt holds a line of four backticks: its fence has five
    assert "`````text\nName three rivers.\n---\n" in text


def test_tricky_text_cannot_pass_for_metadata_or_break_out(
    journal: Journal, ids: dict[str, int], other: Journal
) -> None:
    text = _export(journal)
    # The prompt's fake marker line stays verbatim, but inside a fence the importer skips.
    fake = '<!-- llm-journal:experiment {"uuid": "fake"} -->'
    markers = [line for line in text.split("\n") if line.startswith("<!-- llm-journal:")]
    # experiments, runs, end, the fake one, and the text hashes (each experiment's, the head's)
    assert len(markers) == 3 + 3 + 1 + 1 + 3 + 1 and markers.count(fake) == 1
    assert f"`````text\nName three rivers.\n---\n{fake}\n````\n" in text
    assert "\r" not in text and "\x00" not in text  # line endings and NUL only in the JSON
    assert "\u2028" not in text.split("# LLM Journal")[0]
    # An answer is code: its unclosed fence and endless HTML comment stay inside the fence.
    assert (
        "#### Answer\n\n````text\n1. Rhine\n2. Danube\n3. Mekong\n\n```python\n"
        "print('<b>')\n<!-- an HTML comment that never ends\n"
        "![tracker](http://example.com/x.png)\n````\n\n#### Verdict: failed\n"
    ) in text
    # A person's text is escaped: images, links and raw HTML show as the text they are.
    assert "> See !\\[chart\\](http://example.com/c.png) and &lt;img src=x>\n" in text
    assert "> \\---  \n> \\`\\`\\`  \n> an unclosed fence in a hypothesis  \n" in text
    assert "> ␀NUL, ␛ escape" in text
    assert "\n## \\`Ticks\\` & &lt;b>HTML&lt;/b> \\| pipes \\#\n" in text
    before = snapshot(journal.path)
    result = import_markdown(other, _write(text, other.path.parent / "tricky.md"))
    assert (result.new_experiments, result.new_runs) == (3, 3)
    assert snapshot(other.path) == before


def _write(text: str, path: Path) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


# -- determinism, atomic writes, replacing ------------------------------------------------


def test_the_same_journal_gives_the_same_bytes(
    journal: Journal, ids: dict[str, int], tmp_path: Path
) -> None:
    assert _export(journal) == _export(journal) == _export(journal, page_size=1)
    export_to_path(journal, tmp_path / "a", layout=Layout.FOLDER)
    export_to_path(journal, tmp_path / "b", layout=Layout.FOLDER, page_size=2)
    assert _folder_bytes(tmp_path / "a") == _folder_bytes(tmp_path / "b")


def test_an_explicit_export_time_is_the_only_clock(journal: Journal, ids: dict[str, int]) -> None:
    text = _export(journal, exported_at=T0)
    assert '"exported_at": "2026-01-31T14:05:09.123456+00:00"' in text
    assert "Exported 2026-01-31 14:05:09 UTC." in text


def test_an_existing_file_is_replaced_only_when_asked(
    journal: Journal, ids: dict[str, int], tmp_path: Path
) -> None:
    target = tmp_path / "notes.md"
    export_to_path(journal, target, selection=ExportSelection(experiment_id=ids["empty"]))
    earlier = target.read_bytes()
    with pytest.raises(ExportTargetExistsError) as refused:
        export_to_path(journal, target)
    assert refused.value.replaceable and "already exists" in refused.value.message
    assert target.read_bytes() == earlier
    result = export_to_path(journal, target, force=True)
    assert _text_of(target).startswith("---\n") and result.size == target.stat().st_size
    assert target.read_bytes() != earlier
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".notes.md")]


def test_a_failed_export_leaves_the_target_as_it_was(
    journal: Journal, ids: dict[str, int], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target, folder = tmp_path / "notes.md", tmp_path / "notes"
    export_to_path(journal, target)
    export_to_path(journal, folder, layout=Layout.FOLDER)
    before_file, before_folder = target.read_bytes(), _folder_bytes(folder)
    entries_seen = 0
    real = export_markdown.render_experiment

    def failing(*args: Any, **kwargs: Any) -> list[str]:
        nonlocal entries_seen
        entries_seen += 1
        if entries_seen == 2:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(export_markdown, "render_experiment", failing)
    with pytest.raises(ExportError, match="No space left on device"):
        export_to_path(journal, target, force=True)
    entries_seen = 0
    with pytest.raises(ExportError, match="Nothing there was changed"):
        export_to_path(journal, folder, layout=Layout.FOLDER, force=True)
    assert target.read_bytes() == before_file
    assert _folder_bytes(folder) == before_folder
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".notes")]  # no temp left


def test_folders_are_replaced_only_if_they_hold_an_earlier_export(
    journal: Journal, ids: dict[str, int], tmp_path: Path
) -> None:
    precious = tmp_path / "precious"
    precious.mkdir()
    (precious / "thesis.md").write_text("years of work")
    with pytest.raises(ExportTargetExistsError) as refused:
        export_to_path(journal, precious, layout=Layout.FOLDER, force=True)
    assert not refused.value.replaceable
    assert (precious / "thesis.md").read_text() == "years of work"

    empty = tmp_path / "empty"
    empty.mkdir()
    export_to_path(journal, empty, layout=Layout.FOLDER)  # nothing to lose
    assert (empty / "index.md").exists()
    with pytest.raises(ExportTargetExistsError):
        export_to_path(journal, empty, layout=Layout.FOLDER)
    (empty / "mine.md").write_text("a person's own file")
    export_to_path(journal, empty, layout=Layout.FOLDER, force=True)
    assert (empty / "mine.md").read_text() == "a person's own file"  # only the export's replaced
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_refuses_to_write_over_a_journal_or_the_wrong_kind_of_path(
    journal: Journal, ids: dict[str, int], tmp_path: Path
) -> None:
    with pytest.raises(ExportTargetExistsError, match="journal database"):
        export_to_path(journal, journal.path, force=True)
    with pytest.raises(ExportTargetExistsError, match="is a folder"):
        export_to_path(journal, tmp_path, force=True)
    with pytest.raises(ExportTargetExistsError, match="is a file"):
        export_to_path(journal, journal.path, layout=Layout.FOLDER, force=True)
    assert count_rows(journal) == (3, 3)


# -- the folder layout ---------------------------------------------------------------------


def test_folder_layout_has_an_index_and_a_file_per_experiment(
    journal: Journal, ids: dict[str, int], tmp_path: Path
) -> None:
    folder = tmp_path / "export"
    result = export_to_path(journal, folder, layout=Layout.FOLDER)
    assert (result.experiments, result.runs) == (3, 3)
    names = sorted(p.name for p in folder.iterdir())
    rivers = f"{ids['rivers']:04d}-rivers-that-cross-borders.md"
    tricky = f"{ids['tricky']:04d}-ticks-b-html-b-pipes.md"
    untitled = f"{ids['empty']:04d}-untitled.md"
    assert names == sorted(["index.md", rivers, tricky, untitled])
    index = _text_of(folder / "index.md")
    assert f"[{ids['rivers']} · Rivers that cross borders]({rivers})" in index
    assert "| 2 | llama3:8b, qwen3:0.6b | 1 worked · 1 unrated |" in index
    assert index.endswith('<!-- llm-journal:end {"experiments": 3, "runs": 3} -->\n')
    page = _text_of(folder / rivers)
    front, body = page.split("\n---\n", 1)
    meta = json.loads(front.removeprefix("---\n"))
    record = meta["experiment"]  # nested: no column is a reader's document metadata
    assert record["title"] == "Rivers that cross borders" and record["tags"] == ["geo", "rivers"]
    assert meta == {"experiment": record, "llm_journal": 11, "layout": "experiment"}
    assert body.startswith("\n# Rivers that cross borders\n")
    assert "[index](index.md)" in body
    assert f'\n## Run {ids["first"]} · llama3:8b · worked <a id="run-' in body
    assert "\n### Prompt\n" in body
    assert page.endswith('<!-- llm-journal:end {"runs": 2} -->\n')


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Rivers that cross borders", "rivers-that-cross-borders"),
        ("Ünïcödé Straße, Ærøskøbing!", "unicode-strasse-aeroskobing"),
        ("../../etc/passwd", "etc-passwd"),
        ("..", "untitled"),
        ("", "untitled"),
        ("日本語のタイトル", "untitled"),
        ("a/b\\c:d*e?f", "a-b-c-d-e-f"),
        ("word " * 30, ("word-" * 12).rstrip("-")),
        ("x" * 100, "x" * 60),
    ],
)
def test_slugs_are_safe_file_names(title: str, slug: str) -> None:
    assert slugify(title) == slug
    assert len(slugify(title)) <= 60
    assert experiment_file_name(42, title) == f"0042-{slug}.md"


# -- selections ----------------------------------------------------------------------------


def _exported_ids(journal: Journal, selection: ExportSelection) -> list[int]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.md"
        export_to_path(journal, path, selection=selection)
        return [parsed.record["id"] for parsed in read_export(journal, path)]


def test_filters_and_one_experiment_select_what_is_exported(
    journal: Journal, ids: dict[str, int]
) -> None:
    everything = [ids["rivers"], ids["tricky"], ids["empty"]]
    cases = {
        ExportSelection(): everything,
        ExportSelection(ExperimentFilter(model="llama3:8b")): [ids["rivers"], ids["tricky"]],
        ExportSelection(ExperimentFilter(model="qwen3:0.6b")): [ids["rivers"]],
        ExportSelection(ExperimentFilter(verdict=Verdict.FAILED)): [ids["tricky"]],
        ExportSelection(ExperimentFilter(tag="geo")): [ids["rivers"]],
        ExportSelection(ExperimentFilter(search="unclosed")): [ids["tricky"]],
        ExportSelection(ExperimentFilter(since=datetime.now(UTC) + timedelta(days=1))): [],
        ExportSelection(experiment_id=ids["tricky"]): [ids["tricky"]],
    }
    for selection, expected in cases.items():
        assert _exported_ids(journal, selection) == expected, selection
    text = _export(journal, ExportSelection(ExperimentFilter(model="llama3:8b", tag="geo")))
    assert "Experiments with a run on `llama3:8b`, tagged `geo`." in text
    empty = _export(journal, ExportSelection(ExperimentFilter(tag="nothing")))
    assert "*No experiments match.*" in empty
    assert empty.endswith('<!-- llm-journal:end {"experiments": 0, "runs": 0} -->\n')


def test_stream_export_and_preview(journal: Journal, ids: dict[str, int]) -> None:
    import io

    out = io.StringIO()
    result = export_to_stream(journal, out)
    assert (result.path, result.experiments, result.runs) == (None, 3, 3)
    assert out.getvalue() == _export(journal)
    preview = preview_markdown(journal, ExportSelection(), experiments=1)
    assert "Rivers that cross borders" in preview and "Ticks" not in preview
    assert "llm-journal" not in preview and not preview.startswith("---")
    short = preview_markdown(journal, ExportSelection(), max_chars=200)
    assert short.endswith("*… (the preview stops here)*\n") and len(short) < 260


# -- importing -----------------------------------------------------------------------------


def test_restore_into_an_empty_journal_gives_back_the_same_journal(
    journal: Journal, ids: dict[str, int], other: Journal, tmp_path: Path
) -> None:
    add_check(journal, ids)
    path = tmp_path / "export.md"
    export_to_path(journal, path)
    result = import_markdown(other, path)
    assert (result.new_experiments, result.new_runs, result.already_present) == (3, 3, 0)
    assert result.kept_ids and result.dropped_replay_links == 0 and result.new_checks == 1
    assert snapshot(other.path) == snapshot(journal.path)
    assert check_rows(other.path) == check_rows(journal.path)
    again = tmp_path / "again.md"
    export_to_path(other, again)
    assert again.read_bytes() == path.read_bytes()
    # the search index and tag table are filled by the schema's own triggers
    from journal.core.queries import list_experiments

    with other.read() as session:
        found = list_experiments(session, ExperimentFilter(search="Mekong", tag="geo"))
    assert [row.id for row in found] == [ids["rivers"]]


def test_importing_twice_adds_nothing(
    journal: Journal, ids: dict[str, int], other: Journal, tmp_path: Path
) -> None:
    export_to_path(journal, tmp_path / "export", layout=Layout.FOLDER)
    first = import_markdown(other, tmp_path / "export")
    assert (first.new_experiments, first.new_runs) == (3, 3)
    second = import_markdown(other, tmp_path / "export" / "index.md")
    assert (second.new_experiments, second.new_runs, second.already_present) == (0, 0, 6)
    assert second.summary() == (
        "0 new experiments, 0 new runs, 6 already present (3 experiments, 3 runs)."
    )
    assert count_rows(other) == (3, 3)


def test_one_file_of_a_folder_export_imports_on_its_own(
    journal: Journal, ids: dict[str, int], other: Journal, tmp_path: Path
) -> None:
    export_to_path(journal, tmp_path / "export", layout=Layout.FOLDER)
    result = import_markdown(other, tmp_path / "export" / "0001-rivers-that-cross-borders.md")
    assert (result.new_experiments, result.new_runs) == (1, 2)
    source = snapshot(journal.path)
    assert all(source[uuid] == value for uuid, value in snapshot(other.path).items())


def test_import_merges_into_a_journal_with_its_own_entries(
    journal: Journal, ids: dict[str, int], other: Journal, tmp_path: Path
) -> None:
    with other.write() as session:
        mine = create_experiment(session, title="already here")
        assert mine.id is not None
        session.add(Run(experiment_id=mine.id, model="m", response="mine"))
    export_to_path(
        journal, tmp_path / "one.md", selection=ExportSelection(experiment_id=ids["rivers"])
    )
    result = import_markdown(other, tmp_path / "one.md")
    assert (result.new_experiments, result.new_runs) == (1, 2) and not result.kept_ids
    conn = sqlite3.connect(other.path)
    rows = dict(conn.execute("SELECT uuid, id FROM run").fetchall())
    replay_of = conn.execute(
        "SELECT o.uuid FROM run AS r JOIN run AS o ON o.id = r.replay_of_id"
    ).fetchall()
    conn.close()
    source = snapshot(journal.path)
    first_uuid = next(u for u, r in source.items() if r.get("model_digest") == DIGEST)
    assert replay_of == [(first_uuid,)]  # re-resolved by uuid, under new ids
    assert sorted(rows.values()) == [1, 2, 3]

    # A run added to the experiment later joins the experiment already imported.
    with journal.write() as session:
        session.add(
            Run(
                experiment_id=ids["rivers"],
                model="gemma3:4b",
                response="later",
                status=RunStatus.DONE,  # a live run would be imported as interrupted
            )
        )
    export_to_path(
        journal, tmp_path / "two.md", selection=ExportSelection(experiment_id=ids["rivers"])
    )
    later = import_markdown(other, tmp_path / "two.md")
    assert (later.new_experiments, later.new_runs, later.present_experiments) == (0, 1, 1)
    assert count_rows(other) == (2, 4)
    merged, now = snapshot(other.path), snapshot(journal.path)
    assert {k: v for k, v in merged.items() if k in now} == {
        k: v for k, v in now.items() if k in merged
    }
    assert len([k for k in merged if k in now]) == 1 + 3  # the experiment and its three runs


def test_a_replay_of_a_run_left_out_of_the_export_is_reported(
    journal: Journal, ids: dict[str, int], other: Journal, tmp_path: Path
) -> None:
    with journal.write() as session:
        session.add(Run(experiment_id=ids["empty"], replay_of_id=ids["first"], model="m"))
    path = tmp_path / "one.md"
    export_to_path(journal, path, selection=ExportSelection(experiment_id=ids["empty"]))
    first = _uuid_of(journal, ids["first"])
    assert f"- **Replays:** run {first[:8]} (not in this export)\n" in _text_of(path)
    result = import_markdown(other, path)
    assert result.new_runs == 1 and result.dropped_replay_links == 1
    assert "1 replay link left out" in result.summary()


def test_an_export_converted_to_crlf_still_imports_exactly(
    journal: Journal, ids: dict[str, int], other: Journal, tmp_path: Path
) -> None:
    text = _export(journal)
    path = _write("\ufeff" + text.replace("\n", "\r\n"), tmp_path / "windows.md")
    import_markdown(other, path)
    assert snapshot(other.path) == snapshot(journal.path)


# -- damaged and foreign files -------------------------------------------------------------


def _damage(text: str, old: str, new: str, count: int = 1) -> str:
    assert old in text, old
    return text.replace(old, new, count)


def _run_uuids(text: str) -> list[str]:
    # a block holds no raw "<" (its JSON escapes it), so [^<]* stays inside one block
    return re.findall(r'<!-- llm-journal:run \{[^<]*?, "uuid": "([^"]+)"', text)


def _without_line(text: str, start: str) -> str:
    """`text` less the one line that starts with `start`."""
    begin = text.index(start)
    return text[:begin] + text[text.index("\n", begin) + 1 :]


SECOND_RUN = '<!-- llm-journal:run {"created_at": "2026-01-31T14:06'
THIRD_RUN = '<!-- llm-journal:run {"created_at": "2026-01-31T14:07'


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


DAMAGES: dict[str, Any] = {
    "invalid JSON": (
        lambda t: _damage(t, '"model": "qwen3:0.6b",', '"model": "qwen3:0.6b"'),
        lambda t: _line_of(t, SECOND_RUN),
        "metadata block is not valid JSON (Expecting ',' delimiter)",
    ),
    "cut short": (
        lambda t: t[: t.index("<!-- llm-journal:end")],
        lambda t: t.count("\n"),
        "the file ends without its llm-journal:end marker: it is incomplete",
    ),
    "not an export": (
        lambda t: "# My notes\n\n" + t,
        lambda t: 1,
        "not an LLM Journal export: it does not start with llm-journal front matter",
    ),
    "newer format": (
        lambda t: _damage(t, '"llm_journal": 11', '"llm_journal": 12'),
        lambda t: 1,
        "written by a newer LLM Journal (export format 12; this version reads formats 1 to 11)",
    ),
    "unknown field": (
        lambda t: _damage(t, '"model": "qwen3:0.6b",', '"model": "qwen3:0.6b", "colour": 1,'),
        lambda t: _line_of(t, SECOND_RUN),
        "run field 'colour' is unknown to this version of LLM Journal",
    ),
    "bad status": (
        lambda t: _damage(t, '"status": "failed"', '"status": "exploded"'),
        lambda t: _line_of(t, SECOND_RUN),
        'run status "exploded" is not one the journal knows',
    ),
    "float count": (
        lambda t: _damage(t, '"eval_count": 42,', '"eval_count": 42.5,'),
        lambda t: _line_of(t, "<!-- llm-journal:run {"),
        "run field 'eval_count' must be a whole number, not 42.5",
    ),
    "bad time": (
        lambda t: _damage(
            t, '"created_at": "2026-01-31T14:05:09.123456+00:00"', '"created_at": "soon"'
        ),
        lambda t: _line_of(t, "<!-- llm-journal:run {"),
        "run field 'created_at' must be an ISO 8601 time",
    ),
    "block never closed": (
        lambda t: _damage(t, '"wall_seconds": 1.45} -->', '"wall_seconds": 1.45}'),
        lambda t: _line_of(t, "<!-- llm-journal:run {"),
        "the llm-journal:run block starting here lacks its -->",
    ),
    "removed run": (
        lambda t: _without_line(t, THIRD_RUN),
        lambda t: _line_of(t, "<!-- llm-journal:end"),
        'the end marker counts {"experiments": 3, "runs": 3} but the file holds',
    ),
    "duplicate uuid": (
        lambda t: t.replace(_run_uuids(t)[1], _run_uuids(t)[0]),
        lambda t: _line_of(t, SECOND_RUN),
        "run uuid ",
    ),
    "unclosed fence": (
        lambda t: _damage(t, "\n`````\n\n*Image 1", "\n\n*Image 1"),
        lambda t: _line_of(t, "`````text\nName three rivers."),
        "a code block opened here never closes",
    ),
    "moved run": (
        lambda t: _damage(t, '"experiment_id": 1,', '"experiment_id": 2,'),
        lambda t: _line_of(t, "<!-- llm-journal:run {"),
        "this run belongs to experiment 2 but sits under experiment 1",
    ),
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_damaged_export_is_refused_with_line_and_reason_and_nothing_imported(
    journal: Journal, ids: dict[str, int], other: Journal, tmp_path: Path, damage: str
) -> None:
    assert ids["rivers"] == 1
    change, line, reason = DAMAGES[damage]
    damaged = change(_export(journal))
    path = _write(damaged, tmp_path / "notes.md")
    before = path.read_bytes()
    with pytest.raises(ImportFormatError) as refused:
        import_markdown(other, path)
    assert refused.value.reason.startswith(reason), refused.value.reason
    assert refused.value.line == line(damaged)
    assert str(refused.value) == f"{path}:{refused.value.line}: {refused.value.reason}"
    assert count_rows(other) == (0, 0)
    assert path.read_bytes() == before


def test_a_file_that_is_not_text_or_not_there_is_refused(other: Journal, tmp_path: Path) -> None:
    binary = tmp_path / "picture.md"
    binary.write_bytes(b"---\n\xff\xfe\n---\n")
    with pytest.raises(ImportFormatError, match=r"picture.md:2: this is not UTF-8 text"):
        import_markdown(other, binary)
    with pytest.raises(InvalidInputError, match="There is no file or folder"):
        import_markdown(other, tmp_path / "missing.md")
    with pytest.raises(InvalidInputError, match=r"has no index\.md"):
        import_markdown(other, tmp_path)
    with pytest.raises(ImportFormatError, match="not an LLM Journal export"):
        import_markdown(other, other.path)


def test_a_damaged_file_late_in_a_folder_imports_nothing(
    journal: Journal, ids: dict[str, int], other: Journal, tmp_path: Path
) -> None:
    folder = tmp_path / "export"
    export_to_path(journal, folder, layout=Layout.FOLDER)
    last = sorted(folder.glob("0*.md"))[-1]
    last.write_text(last.read_text().replace('"runs": 0', '"runs": 5'))
    with pytest.raises(ImportFormatError, match=rf"{last.name}:\d+: the end marker counts"):
        import_markdown(other, folder)
    assert count_rows(other) == (0, 0)
    last.unlink()
    with pytest.raises(ImportFormatError, match=r"index.md:\d+: the index counts"):
        import_markdown(other, folder)
    assert count_rows(other) == (0, 0)


# -- any journal survives the round trip ---------------------------------------------------

TRICKS = [
    "---",
    "```",
    "````",
    "~~~",
    '<!-- llm-journal:experiment {"uuid": "x"} -->',
    "<!-- llm-journal:end {} -->",
    "<!--",
    "-->",
    "<script>alert(1)</script>",
    "&amp;",
    "\r\n",
    "\r",
    "\n",
    "\n\n",
    "\u2028",
    "\u2029",
    "\x85",
    "\x00",
    "\x1b[31m",
    "\ufeff",
    "\ufffe",
    "%%",
    "![x](http://example.com/x.png)",
    "# heading",
    "> quote",
    "| a | b |",
    "\t",
    "  ",
    "é",
    "😀",
    "\U0010ffff",
]
tricky_text = st.lists(st.one_of(st.text(max_size=8), st.sampled_from(TRICKS)), max_size=6).map(
    "".join
)
# Non-finite floats cannot be in a journal: JSON has no NaN/Infinity and the core refuses them.
finite = st.floats(allow_nan=False, allow_infinity=False)
scalars = st.one_of(st.none(), st.booleans(), st.integers(), finite, tricky_text)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(tricky_text, inner, max_size=3),
    max_leaves=6,
)
int64 = st.none() | st.integers(min_value=-(2**63), max_value=2**63 - 1)
# What a journal can hold: times from 1970, options a replay can send, finished runs (a live
# one is imported as interrupted), keep_alive as Ollama reads it.
moments = st.datetimes(min_value=datetime(1970, 1, 1), timezones=st.just(UTC))
unknown_option = tricky_text.filter(
    lambda key: key not in OPTION_RULES and key not in REQUEST_FIELDS
)
settled = st.sampled_from([status for status in RunStatus if not status.is_live])
keep_alives = st.sampled_from(["5m", "1h30m", "300ms", "-1", "0", "90", "1.5"])


one_line = tricky_text.filter(lambda text: "\n" not in text and "\r" not in text)
_VALUES: dict[Kind, st.SearchStrategy[str]] = {
    Kind.REGEX: st.sampled_from([r"^\d{3}-\d{4}$", "Rhine|Danube", "(?i)<b>", r"\n\\n"]),
    Kind.IS_JSON: st.just(""),
    Kind.JSON_SCHEMA: st.sampled_from(['{"type":"object"}', '{"items":{"type":"string"}}']),
    Kind.WORDS: st.integers(0, 500).map(lambda n: f"<={n}"),
    Kind.CHARS: st.integers(0, 500).map(lambda n: f">={n}"),
    Kind.LINES: st.integers(0, 9).map(lambda n: f"=={n}"),
    Kind.TOKENS_PER_SECOND: st.sampled_from([">=20", "<3.5"]),
    Kind.FIRST_TOKEN: st.sampled_from(["<=2s", "<500ms"]),
    Kind.EQUALS: tricky_text,
}


targets = st.builds(Target, st.booleans(), st.none() | st.integers(1, 12))
"""answer, thinking, and a turn's (turn:3, turn:3:thinking): all are exported as text."""


@st.composite
def expectations(draw: st.DrawFn) -> dict[str, Any]:
    """An expectation a person could have saved: any kind, tricky text where it is free."""
    kind = draw(st.sampled_from(list(Kind)))
    value = draw(_VALUES.get(kind, tricky_text.filter(str.strip)))
    expectation = Expectation(
        kind=kind,
        value=value,
        arg=draw(st.none() | st.just("0.85")) if kind is Kind.SIMILAR else None,
        negated=draw(st.booleans()),
        name=draw(one_line),
        weight=draw(st.sampled_from([1.0, 0.5, 2, 3.25])),
        target=Target.ANSWER if kind.about_the_run else draw(targets),
    )
    try:
        check_expectation(expectation)
    except InvalidInputError:
        assume(False)
    return {
        "expectation": expectation,
        "created_at": draw(moments),
        "updated_at": draw(moments),
    }


grades = st.fixed_dictionaries(
    {
        "expectation": st.none() | st.integers(0, 7),  # which of its experiment's, or removed
        "expectation_uuid": st.uuids().map(str),
        "expectation_text": tricky_text,
        "name": tricky_text,
        "weight": st.sampled_from([1.0, 0.25, 4]),
        "target": targets.map(str),
        "status": st.sampled_from([status.value for status in GradeStatus]),
        "score": st.none() | st.floats(0, 1),
        "reason": tricky_text,
        "grader": st.none() | st.dictionaries(tricky_text, json_values, max_size=3),
        "created_at": moments,
    }
)


# A template: tricky text, variables, and double braces that are no variables.
template_text = st.lists(
    st.one_of(
        tricky_text,
        st.sampled_from(["{{word}}", "{{x_1}}", "{{_}}", "{{{{", "{{ .Prompt }}", '{{"a": 1}}']),
    ),
    max_size=5,
).map("".join)


@st.composite
def templated(draw: st.DrawFn) -> dict[str, Any]:
    """A run's template and values, and the prompt and system prompt they render to."""
    prompt, system = draw(template_text), draw(template_text)
    values = {name: draw(tricky_text) for name in variables_of([prompt, system])}
    sent_prompt, sent_system = render_all([prompt, system], values)
    return {
        "template": {"prompt": prompt, "system": system, "values": values},
        "prompt": sent_prompt,
        "system_prompt": sent_system,
    }


@st.composite
def input_sets(draw: st.DrawFn) -> list[dict[str, Any]]:
    """An input set: rows naming the same variables, tricky values, expectations of any
    kind in their one-line form."""
    names = draw(
        st.lists(
            st.sampled_from(["word", "x_1", "_", "Country", "expect_"]),
            min_size=1,
            max_size=3,
            unique=True,
        )
    )
    rows = []
    for _ in range(draw(st.integers(0, 3))):
        values = {name: draw(tricky_text) for name in names}
        lines = [
            format_expectation(item["expectation"])
            for item in draw(st.lists(expectations(), max_size=2))
        ]
        try:  # only what saving a row lets through (a \r has no one-line form)
            row = check_row(values, lines)
        except InvalidInputError:
            assume(False)
        rows.append(
            {
                "variables": row.values,
                "expectations": list(row.expectations),
                "created_at": draw(moments),
                "updated_at": draw(moments),
            }
        )
    return rows


@st.composite
def journals(draw: st.DrawFn) -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    experiments = []
    for _ in range(draw(st.integers(1, 3))):
        experiment = {
            "title": draw(tricky_text),
            "hypothesis": draw(tricky_text),
            "expected": draw(tricky_text),
            "conclusion": draw(tricky_text),
            "tags": draw(st.lists(tricky_text, max_size=3)),
            "created_at": draw(moments),
            "updated_at": draw(moments),
            "expectations": draw(st.lists(expectations(), max_size=3)),
            "grading": draw(st.none() | st.tuples(st.floats(0, 1, exclude_min=True), moments)),
            "inputs": draw(input_sets()),
        }
        runs: list[dict[str, Any]] = []
        for _ in range(draw(st.integers(0, 3))):
            runs.append(
                {
                    "model": draw(tricky_text),
                    "model_digest": draw(tricky_text),
                    "model_details": draw(st.dictionaries(tricky_text, json_values, max_size=3)),
                    "system_prompt": draw(tricky_text),
                    "messages": draw(
                        st.lists(
                            st.fixed_dictionaries(
                                {"role": st.sampled_from(["user", "system", "assistant"])},
                                optional={"content": tricky_text, "images": json_values},
                            ),
                            max_size=3,
                        )
                    ),
                    "options": draw(st.dictionaries(unknown_option, json_values, max_size=4)),
                    "keep_alive": draw(st.none() | keep_alives),
                    "think": draw(st.none() | st.booleans() | st.sampled_from(["low", "high"])),
                    "response": draw(tricky_text),
                    "thinking": draw(tricky_text),
                    "status": draw(settled),
                    "error": draw(tricky_text),
                    "eval_count": draw(int64),
                    "eval_duration": draw(int64),
                    "final_chunk": draw(st.dictionaries(tricky_text, json_values, max_size=3)),
                    "first_token_seconds": draw(st.none() | finite),
                    "verdict": draw(st.none() | st.sampled_from(list(Verdict))),
                    "verdict_note": draw(tricky_text),
                    "owner": draw(tricky_text),
                    "heartbeat_at": draw(st.none() | moments),
                    "created_at": draw(moments),
                    "finished_at": draw(st.none() | moments),
                    "replay": draw(st.none() | st.integers(0, 8)),
                    "grades": draw(st.lists(grades, max_size=3)),
                    # A follow-up of an earlier run of its experiment (which, modulo).
                    "parent": draw(st.none() | st.integers(0, 8)),
                    "format": draw(
                        st.none()
                        | st.just("json")
                        | st.dictionaries(tricky_text, json_values, max_size=3)
                    ),
                    # Images of IMAGES a user message shows (by hash).
                    "shows": draw(st.lists(st.integers(0, len(IMAGES) - 1), max_size=3)),
                }
            )
            made = draw(st.none() | templated())
            if made is not None:  # the text it sent is what the template gives
                runs[-1]["template"] = made["template"]
                runs[-1]["system_prompt"] = made["system_prompt"]
                runs[-1]["messages"].append({"role": "user", "content": made["prompt"]})
        experiments.append((experiment, runs))
    return experiments


@st.composite
def checks(draw: st.DrawFn) -> dict[str, Any]:
    """A migration check: tricky fields, and items naming runs by their index among all the
    journal's runs (taken modulo their number), each replayed by another or not yet."""
    return {
        "name": draw(tricky_text),
        "source_filter": draw(st.dictionaries(tricky_text, json_values, max_size=2)),
        "target_model": draw(tricky_text),
        "target_digest": draw(st.sampled_from(["", DIGEST])),
        "hosts": draw(st.lists(st.dictionaries(tricky_text, json_values, max_size=2), max_size=2)),
        "status": draw(st.sampled_from([s for s in CheckStatus if s is not CheckStatus.RUNNING])),
        "created_at": draw(moments),
        "updated_at": draw(moments),
        "finished_at": draw(st.none() | moments),
        "items": draw(st.lists(st.tuples(st.integers(0, 99), st.none() | st.integers(0, 99)))),
    }


def _add_checks(journal: Journal, wanted: list[dict[str, Any]]) -> None:
    with journal.write() as session:
        runs = [row[0] for row in session.execute(text("SELECT id FROM run ORDER BY id"))]
        for fields in wanted:
            fields = dict(fields)
            items = fields.pop("items")
            check = MigrationCheck(**fields)
            session.add(check)
            session.flush()
            assert check.id is not None
            for position, (source, replay) in enumerate(items if runs else [], start=1):
                session.add(
                    MigrationCheckItem(
                        check_id=check.id,
                        position=position,
                        source_run_id=runs[source % len(runs)],
                        new_run_id=None if replay is None else runs[replay % len(runs)],
                    )
                )


# Images a generated run may show: bytes that need escaping nowhere, each type an export
# carries, with and without a size in pixels.
IMAGES = [
    (b"\x89PNG\r\n\x1a\n<script>" + bytes(range(256)), "image/png", 2, 3),
    (b"\xff\xd8\xff" + b"-->" * 50, "image/jpeg", None, None),
    (b"RIFF\x00\x00WEBP" + b"\x00" * 9, "image/webp", 640, 480),
]


def _image_row(index: int) -> ImageRow:
    data, mime, width, height = IMAGES[index]
    return ImageRow(
        sha256=hashlib.sha256(data).hexdigest(),
        mime=mime,
        size=len(data),
        width=width,
        height=height,
        data=data,
        created_at=T0,
    )


def _build(path: Path, plan: list[tuple[dict[str, Any], list[dict[str, Any]]]]) -> Journal:
    """A journal holding exactly what `plan` says: an experiment's fields may hold its
    "expectations" and "grading" (threshold, updated_at), a run's its "grades", the earlier
    run of its experiment it follows ("parent") and the IMAGES it "shows"."""
    journal = Journal.open(path)
    with journal.write() as session:
        shown = {index for _, runs in plan for run in runs for index in run.get("shows", [])}
        for index in sorted(shown):
            session.add(_image_row(index))
        session.flush()
        made: list[Run] = []
        for experiment_fields, runs in plan:
            experiment_fields = dict(experiment_fields)
            wanted = experiment_fields.pop("expectations", [])
            grading = experiment_fields.pop("grading", None)
            inputs = experiment_fields.pop("inputs", [])
            experiment = Experiment(**experiment_fields)
            session.add(experiment)
            session.flush()
            assert experiment.id is not None
            for position, row in enumerate(inputs, start=1):
                session.add(InputRow(experiment_id=experiment.id, position=position, **row))
            saved = _add_expectations(session, experiment.id, wanted)
            if grading is not None:
                threshold, updated_at = grading
                rule = GradingRule(
                    experiment_id=experiment.id, threshold=threshold, updated_at=updated_at
                )
                session.add(rule)
            earlier: list[Run] = []
            for fields in runs:
                fields = dict(fields)
                replay = fields.pop("replay")
                graded = fields.pop("grades", [])
                parent = fields.pop("parent", None)
                shows = fields.pop("shows", [])
                if shows:
                    refs = [_image_row(index).sha256 for index in shows]
                    fields["messages"] = [  # first: the last user message is the prompt
                        {"role": "user", "content": "", "images": refs},
                        *fields["messages"],
                    ]
                run = Run(experiment_id=experiment.id, **fields)
                if replay is not None and made:
                    run.replay_of_id = made[replay % len(made)].id
                if parent is not None and earlier:
                    run.parent_id = earlier[parent % len(earlier)].id
                session.add(run)
                session.flush()
                assert run.id is not None
                if shows:  # the message that shows them (others may hold any JSON)
                    link_images(session, run.id, run.messages[:1])
                made.append(run)
                earlier.append(run)
                for grade in graded:
                    session.add(_grade_row(run.id, saved, grade))
            session.flush()
    return journal


def _add_expectations(
    session: Any, experiment_id: int, wanted: list[dict[str, Any]]
) -> list[ExpectationRow]:
    rows = []
    for position, fields in enumerate(wanted, start=1):
        expectation: Expectation = fields["expectation"]
        row = ExpectationRow(
            experiment_id=experiment_id,
            position=position,
            kind=expectation.kind.value,
            negated=expectation.negated,
            arg=expectation.arg,
            value=expectation.value,
            name=expectation.name,
            weight=expectation.weight,
            target=expectation.target.value,
            created_at=fields["created_at"],
            updated_at=fields["updated_at"],
        )
        session.add(row)
        session.flush()
        rows.append(row)
    return rows


def _grade_row(run_id: int, saved: list[ExpectationRow], fields: dict[str, Any]) -> GradeRow:
    """A grade as grading stores one; of one of `saved`, or of an expectation since removed."""
    which = fields["expectation"]
    row = saved[which % len(saved)] if which is not None and saved else None
    text = fields["expectation_text"]
    if row is not None:
        text = format_expectation(
            Expectation(Kind(row.kind), row.value, row.arg, bool(row.negated))
        )
    return GradeRow(
        run_id=run_id,
        expectation_id=row.id if row is not None else None,
        expectation_uuid=row.uuid if row is not None else fields["expectation_uuid"],
        expectation=text,
        name=fields["name"],
        weight=fields["weight"],
        target=fields["target"],
        status=fields["status"],
        score=fields["score"],
        reason=fields["reason"],
        grader=fields["grader"],
        created_at=fields["created_at"],
    )


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(plan=journals(), wanted=st.lists(checks(), max_size=2))
def test_any_journal_survives_export_import_export_byte_for_byte(
    plan: list[tuple[dict[str, Any], list[dict[str, Any]]]], wanted: list[dict[str, Any]]
) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        with (
            _build(root / "source.sqlite", plan) as source,
            Journal.open(root / "target.sqlite") as target,
        ):
            _add_checks(source, wanted)
            export_to_path(source, root / "first.md")
            export_to_path(source, root / "first", layout=Layout.FOLDER)
            result = import_markdown(target, root / "first.md")
            assert result.new_experiments == len(plan)
            assert result.new_runs == sum(len(runs) for _, runs in plan)
            assert result.new_expectations == sum(len(e["expectations"]) for e, _ in plan)
            assert result.new_grades == sum(len(r["grades"]) for _, runs in plan for r in runs)
            assert result.new_inputs == sum(len(e["inputs"]) for e, _ in plan)
            assert result.new_checks == len(wanted)
            export_to_path(target, root / "second.md")
            assert (root / "second.md").read_bytes() == (root / "first.md").read_bytes()
            assert snapshot(target.path) == snapshot(source.path)
            assert check_rows(target.path) == check_rows(source.path)
            assert _image_rows(target.path) == _image_rows(source.path)
            text = (root / "first.md").read_text(encoding="utf-8")
            for link in re.findall(r"!\[image [0-9]+\]\((assets/[^)]+)\)", text):
                assert (root / link).is_file() and (root / "first" / link).is_file()
            again = import_markdown(target, root / "first")  # the folder holds the same
            assert (again.new_experiments, again.new_runs, again.new_checks) == (0, 0, 0)
            assert again.present_checks == len(wanted)


def _image_rows(path: Path) -> list[tuple[Any, ...]]:
    """Every image, and which runs (by uuid) show which."""
    conn = sqlite3.connect(path)
    try:
        return (
            conn.execute("SELECT * FROM image ORDER BY sha256").fetchall()
            + conn.execute(
                "SELECT r.uuid, i.sha256 FROM run_image AS i JOIN run AS r ON r.id = i.run_id "
                "ORDER BY r.uuid, i.sha256"
            ).fetchall()
        )
    finally:
        conn.close()


# -- a journal recorded against a real Ollama ----------------------------------------------


@pytest.mark.ollama
def test_a_journal_recorded_with_real_ollama_round_trips(
    journal: Journal, other: Journal, real_ollama: str, real_model: str, tmp_path: Path
) -> None:
    from journal.core.ollama_service import OllamaService
    from journal.core.runner import RunRecorder, RunSpec

    with journal.write() as session:
        experiment = create_experiment(session, title="Real round trip", tags=["real"])
        assert experiment.id is not None
    recorder = RunRecorder(journal, OllamaService(real_ollama))
    options = {"num_predict": 16, "temperature": 0.0, "seed": 42}
    spec = RunSpec(experiment.id, real_model, prompt="Say hello.", options=options)
    first = recorder.execute(spec)
    replay = recorder.execute(
        RunSpec(
            experiment.id,
            real_model,
            prompt="Say hello.",
            system_prompt="Answer in one word.",
            options=options,
            keep_alive="1m",
            replay_of_id=first.id,
        )
    )
    assert first.status is RunStatus.DONE and replay.status is RunStatus.DONE
    assert first.model_digest and first.final_chunk and first.eval_count
    export_to_path(journal, tmp_path / "first.md")
    result = import_markdown(other, tmp_path / "first.md")
    assert (result.new_experiments, result.new_runs) == (1, 2)
    export_to_path(other, tmp_path / "second.md")
    assert (tmp_path / "second.md").read_bytes() == (tmp_path / "first.md").read_bytes()
    assert snapshot(other.path) == snapshot(journal.path)
    assert os.path.getsize(tmp_path / "first.md") > 0
