"""Export format 7 carries conversations, formats and images: a follow-up names its parent
by uuid and reads as a turn of its root's conversation, a run's `format` travels as sent
(and shows on its request line), and the images its messages show are files in `assets/`
beside the Markdown, linked from it, listed in the run's metadata and checked by hash when
read back. Standard output cannot carry files: an export there that needs images is refused."""

from __future__ import annotations

import hashlib
import io
import os
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text as sql

from journal.core import export_target
from journal.core.domain import RunStatus
from journal.core.export_markdown import Layout, export_to_path, export_to_stream
from journal.core.images import link_images
from journal.core.import_markdown import import_markdown
from journal.core.models import ImageRow, Run
from journal.core.notebook_format import ExportError, ImportFormatError
from journal.core.queries import create_experiment
from journal.core.storage import Journal
from tests.core.test_export_import import snapshot
from tests.markdown_readers import (
    COMMANDS,
    available,
    html_problems,
    markdown_it_problems,
    render,
)

T0 = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 3
JPEG = b"\xff\xd8\xff\xe0" + b"<b>jpeg</b>" * 40
PNG_SHA = hashlib.sha256(PNG).hexdigest()
JPEG_SHA = hashlib.sha256(JPEG).hexdigest()
SCHEMA = {
    "type": "object",
    "properties": {"river": {"type": "string", "description": "<script>x</script> `ticks`"}},
    "required": ["river"],
}


def _image(data: bytes, mime: str, width: int | None, height: int | None) -> ImageRow:
    return ImageRow(
        sha256=hashlib.sha256(data).hexdigest(),
        mime=mime,
        size=len(data),
        width=width,
        height=height,
        data=data,
        created_at=T0,
    )


def _run(experiment_id: int, parent: Run | None, prompt: str, **fields: Any) -> Run:
    message: dict[str, Any] = {"role": "user", "content": prompt}
    if "images" in fields:
        message["images"] = fields.pop("images")
    return Run(
        experiment_id=experiment_id,
        model="llava:7b",
        status=RunStatus.DONE,
        messages=[message],
        response=f"answer to {prompt}",
        parent_id=None if parent is None else parent.id,
        created_at=T0,
        **fields,
    )


def conversation(journal: Journal) -> dict[str, int]:
    """A root (showing a PNG), turn 2 (asked for JSON), turn 3, and a branch at turn 2
    (a JSON schema, the PNG again and a JPEG); a lone run in a second experiment."""
    with journal.write() as session:
        experiment = create_experiment(session, title="rivers in pictures")
        lone = create_experiment(session, title="alone")
        assert experiment.id is not None and lone.id is not None
        session.add(_image(PNG, "image/png", 16, 12))
        session.add(_image(JPEG, "image/jpeg", None, None))
        made: dict[str, Run] = {}
        for name, parent, fields in (
            ("root", None, {"images": [PNG_SHA]}),
            ("second", "root", {"format": "json"}),
            ("third", "second", {}),
            ("branch", "root", {"format": SCHEMA, "images": [PNG_SHA, JPEG_SHA]}),
        ):
            run = _run(experiment.id, made.get(parent or ""), f"the {name}", **fields)
            session.add(run)
            session.flush()
            assert run.id is not None
            link_images(session, run.id, run.messages)
            made[name] = run
        session.add(_run(lone.id, None, "alone"))
        return {name: int(run.id or 0) for name, run in made.items()}


def _rows(path: Path, query: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(query).fetchall()
    finally:
        conn.close()


def _links(path: Path) -> list[tuple[Any, ...]]:
    return _rows(
        path,
        "SELECT r.uuid, p.uuid, r.format, ri.sha256 FROM run AS r "
        "LEFT JOIN run AS p ON p.id = r.parent_id "
        "LEFT JOIN run_image AS ri ON ri.run_id = r.id ORDER BY r.uuid, ri.sha256",
    )


def _images(path: Path) -> list[tuple[Any, ...]]:
    return _rows(path, "SELECT sha256, mime, size, width, height, data, created_at FROM image")


ASSETS = {f"assets/{PNG_SHA}.png", f"assets/{JPEG_SHA}.jpg"}


@pytest.mark.parametrize("layout", [Layout.FILE, Layout.FOLDER])
def test_conversations_formats_and_images_round_trip_byte_for_byte(
    journal: Journal, tmp_path: Path, layout: Layout
) -> None:
    conversation(journal)
    first = tmp_path / "first" / ("export.md" if layout is Layout.FILE else "export")
    export_to_path(journal, first, layout=layout)
    assets = (first.parent if layout is Layout.FILE else first) / "assets"
    assert sorted(p.name for p in assets.iterdir()) == sorted(Path(a).name for a in ASSETS)
    assert (assets / f"{PNG_SHA}.png").read_bytes() == PNG
    with Journal.open(tmp_path / "other.sqlite") as other:
        result = import_markdown(other, first)
        assert (result.new_runs, result.new_images) == (5, 2)
        assert _links(other.path) == _links(journal.path)
        assert _images(other.path) == _images(journal.path)
        assert snapshot(other.path) == snapshot(journal.path)
        second = tmp_path / "second" / first.name
        export_to_path(other, second, layout=layout)
    if layout is Layout.FILE:
        assert second.read_bytes() == first.read_bytes()
    else:
        for page in first.iterdir():
            if page.is_file():
                assert (second / page.name).read_bytes() == page.read_bytes()
    assert (second.parent if layout is Layout.FILE else second).joinpath(
        "assets", f"{JPEG_SHA}.jpg"
    ).read_bytes() == JPEG


def test_the_markdown_shows_turns_formats_and_images_safely(
    journal: Journal, tmp_path: Path
) -> None:
    ids = conversation(journal)
    path = tmp_path / "export.md"
    export_to_path(journal, path)
    text = path.read_text(encoding="utf-8")
    root, second, third, branch = ids["root"], ids["second"], ids["third"], ids["branch"]
    headings = [line for line in text.splitlines() if line.startswith("### Run ")]
    # Turns in order under their root: the branch after the line it branches from.
    assert [int(line.split()[2]) for line in headings] == [root, second, third, branch, 5]
    assert f"- **Conversation:** turn 1 of run {root}'s conversation; followed by runs " in text
    assert (
        f"- **Conversation:** turn 2 of run {root}'s conversation, after run {root}; "
        f"followed by run {third}"
    ) in text
    assert f"- **Conversation:** turn 3 of run {root}'s conversation, after run {second}" in text
    assert (
        f"- **Conversation:** turn 2 of run {root}'s conversation, after run {root}: "
        "a branch from turn 1"
    ) in text
    assert "- **Request:** format: JSON\n" in text
    assert "- **Request:** format: JSON schema (below)\n" in text
    assert '#### Format: JSON schema\n\n```text\n{\n  "type": "object",' in text
    assert f"![image 1](assets/{PNG_SHA}.png)" in text
    assert f"![image 2](assets/{JPEG_SHA}.jpg)" in text
    assert '"parent": null' in text and f'"sha256": "{JPEG_SHA}"' in text
    blocks = 2 + 5 + 1 + 3  # experiments, runs, end, the text hashes (the head, each)
    own = frozenset(ASSETS)
    assert not markdown_it_problems(text, own_links=frozenset(), blocks=blocks, own_images=own)
    for command in [command for command in COMMANDS if available(command)]:
        html = render(command, text)
        assert not html_problems(html, own_links=frozenset(), blocks=blocks, own_images=own)
    for link in ASSETS:
        assert (path.parent / link).is_file()  # every image link resolves


def test_an_export_to_standard_output_needing_images_is_refused(
    journal: Journal, tmp_path: Path
) -> None:
    conversation(journal)
    out = io.StringIO()
    with pytest.raises(ExportError) as refused:
        export_to_stream(journal, out)
    assert "standard output cannot carry" in refused.value.message
    assert (
        "\n" not in refused.value.message and "export to a file or folder" in refused.value.message
    )
    assert out.getvalue() == ""
    from journal.core.export_entries import ExportSelection

    alone = export_to_stream(journal, out, selection=ExportSelection(experiment_id=2))
    assert alone.runs == 1 and '"format": null' in out.getvalue()


def test_a_failed_export_leaves_no_assets_behind(
    journal: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    conversation(journal)
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "mine.txt").write_text("a person's file")

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(export_target, "_move_without_replacing", refuse)
    with pytest.raises(ExportError, match="No space left on device"):
        export_to_path(journal, tmp_path / "export.md")
    assert not (tmp_path / "export.md").exists()
    assert not [name for name in os.listdir(tmp_path) if name.startswith(".export.md")]
    assert os.listdir(tmp_path / "assets") == ["mine.txt"]  # nothing half-written is left
    monkeypatch.undo()
    export_to_path(journal, tmp_path / "export.md")
    assert len(os.listdir(tmp_path / "assets")) == 3
    # Replacing a folder export takes its old assets along, and keeps a person's files.
    folder = tmp_path / "folder"
    export_to_path(journal, folder, layout=Layout.FOLDER)
    (folder / "notes.txt").write_text("mine")
    with journal.write() as session:
        session.execute(sql("DELETE FROM run WHERE id = 4"))
    export_to_path(journal, folder, layout=Layout.FOLDER, force=True)
    assert os.listdir(folder / "assets") == [f"{PNG_SHA}.png"]
    assert (folder / "notes.txt").read_text() == "mine"


def test_a_missing_or_altered_asset_is_refused_naming_the_file(
    journal: Journal, tmp_path: Path
) -> None:
    conversation(journal)
    path = tmp_path / "export.md"
    export_to_path(journal, path)
    jpeg = tmp_path / "assets" / f"{JPEG_SHA}.jpg"
    text = path.read_text(encoding="utf-8")
    line = text[: text.index('"content": "the branch"')].rfind("<!-- llm-journal:run")
    run_line = text[:line].count("\n") + 1
    with Journal.open(tmp_path / "other.sqlite") as other:
        jpeg.write_bytes(JPEG[:-1] + b"!")
        with pytest.raises(ImportFormatError) as altered:
            import_markdown(other, path)
        assert altered.value.message == (
            f"{path}:{run_line}: the image file {jpeg} is not the image it names: its bytes "
            "were altered"
        )
        jpeg.unlink()
        with pytest.raises(ImportFormatError) as missing:
            import_markdown(other, path)
        assert missing.value.message.startswith(
            f"{path}:{run_line}: the image file {jpeg} is missing"
        )
        assert _rows(other.path, "SELECT count(*) FROM run") == [(0,)]
        assert _rows(other.path, "SELECT count(*) FROM image") == [(0,)]


def test_an_image_the_journal_holds_is_not_written_again(journal: Journal, tmp_path: Path) -> None:
    conversation(journal)
    path = tmp_path / "export.md"
    export_to_path(journal, path)
    with Journal.open(tmp_path / "other.sqlite") as other:
        with other.write() as session:
            session.add(_image(PNG, "image/png", 16, 12))
        result = import_markdown(other, path)
        assert result.new_images == 1 and "1 new image" in result.summary()
        assert _rows(other.path, "SELECT count(*) FROM image") == [(2,)]
        assert _rows(other.path, "SELECT count(*) FROM run_image") == [(3,)]
        again = import_markdown(other, path)
        assert (again.new_runs, again.new_images) == (0, 0)


def test_a_parent_must_be_an_earlier_run_of_the_experiment_or_in_the_journal(
    journal: Journal, tmp_path: Path
) -> None:
    ids = conversation(journal)
    path = tmp_path / "export.md"
    export_to_path(journal, path)
    text = path.read_text(encoding="utf-8")
    uuids = dict(_rows(journal.path, "SELECT id, uuid FROM run"))
    root_uuid = uuids[ids["root"]]
    start = text.index('"content": "the second"')
    run_line = text[: text[:start].rfind("<!-- llm-journal:run")].count("\n") + 1
    damaged = tmp_path / "damaged.md"
    with Journal.open(tmp_path / "other.sqlite") as other:
        # A parent in neither the export nor the journal: refused when merging, file:line.
        block = text[: text.index("-->", start)]
        damaged.write_text(
            block.replace(f'"parent": "{root_uuid}"', '"parent": "not-a-run"').replace(
                f'"parent_id": {ids["root"]},', '"parent_id": 3,'
            )
            + text[len(block) :],
            encoding="utf-8",
        )
        with pytest.raises(ImportFormatError) as refused:
            import_markdown(other, damaged)
        assert refused.value.message == (
            f'{damaged}:{run_line}: this run follows run "not-a-run", which is neither an '
            "earlier run of its experiment in the export nor one of experiment 1's runs in "
            "this journal"
        )
        assert _rows(other.path, "SELECT count(*) FROM run") == [(0,)]
        # A parent id that is not the parent's: refused before anything is written.
        damaged.write_text(
            block.replace(f'"parent_id": {ids["root"]},', '"parent_id": 3,') + text[len(block) :],
            encoding="utf-8",
        )
        with pytest.raises(ImportFormatError, match="parent_id is not the id of run"):
            import_markdown(other, damaged)
        # A format that is not one Ollama takes.
        damaged.write_text(text.replace('"format": "json"', '"format": 7', 1), encoding="utf-8")
        with pytest.raises(ImportFormatError, match='run format must be null, "json" or a JSON'):
            import_markdown(other, damaged)
        # A parent already in the journal, not in the export: the follow-ups link to it.
        import_markdown(other, path)
        with other.write() as session:  # the follow-ups go, with their images' links
            session.execute(sql("DELETE FROM run WHERE parent_id IS NOT NULL"))
        root_start = text[: text.index('"content": "the root"')].rfind("<!-- llm-journal:run")
        second_start = text[:start].rfind("<!-- llm-journal:run")
        without_root = (text[:root_start] + text[second_start:]).replace(
            '{"experiments": 2, "runs": 5}', '{"experiments": 2, "runs": 4}'
        )
        damaged.write_text(without_root, encoding="utf-8")
        result = import_markdown(other, damaged)
        assert result.new_runs == 3
        assert _links(other.path) == _links(journal.path)


def test_an_older_format_imports_with_no_parent_format_or_images(
    journal: Journal, tmp_path: Path
) -> None:
    conversation(journal)
    path = tmp_path / "export.md"
    export_to_path(journal, path)
    older = tmp_path / "older.md"
    text = path.read_text(encoding="utf-8").replace('"llm_journal": 11', '"llm_journal": 6', 1)
    older.write_text(text, encoding="utf-8")
    with Journal.open(tmp_path / "other.sqlite") as other:
        result = import_markdown(other, older)
        assert (result.new_runs, result.new_images) == (5, 0)
        assert _rows(other.path, "SELECT count(*) FROM run WHERE parent_id IS NOT NULL") == [(0,)]
        assert _rows(other.path, "SELECT count(*) FROM run WHERE format IS NOT NULL") == [(0,)]
        assert _rows(other.path, "SELECT count(*) FROM image") == [(0,)]
        assert _rows(other.path, "SELECT count(*) FROM run_image") == [(0,)]
