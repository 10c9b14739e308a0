"""A folder export whose front matter a note app rewrote as YAML imports as it was written."""

from __future__ import annotations

import re
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML
from ruamel.yaml.resolver import BaseResolver

from journal.core.export_markdown import Layout, export_to_path
from journal.core.front_matter import read_front_matter
from journal.core.import_markdown import import_markdown
from journal.core.notebook_format import ImportFormatError
from journal.core.queries import create_experiment
from journal.core.storage import Journal
from tests.core.test_export_import import count_rows, populate, snapshot

_FRONT = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)


class _CoreSchema(BaseResolver):
    """A writer of the YAML 1.2 core schema, and nothing more: it leaves date-like text and
    `1_000` unquoted, as a note app does (ruamel.yaml's own 1.2 resolver would quote them)."""

    def __init__(self, version: Any = None, loader: Any = None) -> None:
        super().__init__(loader)


for _tag, _pattern, _first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+.0123456789",
    ),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
):
    _CoreSchema.add_implicit_resolver_base(
        f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), _first
    )


def _note_app_rewrite(
    page: Path, change: dict[str, Any] | None = None, added: dict[str, Any] | None = None
) -> str:
    """The page with its front matter rewritten as a note app writes properties: YAML block
    style, keys in another order, no quotes it can do without; `change` sets record fields,
    `added` adds properties of the note app's own beside the journal's."""
    text = page.read_text(encoding="utf-8")
    header = read_front_matter(text.split("\n"), page.name)
    assert header is not None
    record = header.get("experiment", {})
    record.update(change or {})
    header.update(added or {})
    reordered = {key: header[key] for key in reversed(header)}
    if "experiment" in reordered:
        reordered["experiment"] = {key: record[key] for key in reversed(record)}
    yaml = YAML(typ="safe", pure=True)
    yaml.Resolver = _CoreSchema
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[assignment]
    yaml.allow_unicode = True
    yaml.width = 60  # long text folded over lines
    written = StringIO()
    yaml.dump(reordered, written)
    rewritten = _FRONT.sub(lambda _: f"---\n{written.getvalue()}---\n", text, count=1)
    page.write_text(rewritten, encoding="utf-8")
    return written.getvalue()


def _folder_bytes(folder: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def _add_yaml_traps(journal: Journal) -> None:
    with journal.write() as session:
        create_experiment(
            session,
            title="yes",
            hypothesis="2024-01-01",
            expected="1_000",
            conclusion="~ no",
            tags=["no", "on", "off", "1_000", "2024-01-01", "0b11", "Flüsse 河流"],
        )


def test_front_matter_rewritten_as_yaml_imports_to_the_same_records(
    journal: Journal, tmp_path: Path
) -> None:
    populate(journal)
    _add_yaml_traps(journal)
    first = tmp_path / "first"
    export_to_path(journal, first, layout=Layout.FOLDER)
    exported = _folder_bytes(first)
    for page in sorted(first.glob("*.md")):
        written = _note_app_rewrite(page)
        assert "{" not in written.splitlines()[0]  # YAML now, not JSON
    trap = _note_app_rewrite(next(first.glob("0004-*.md")))
    assert "created_at: 20" in trap and "- no\n" in trap and "- 1_000\n" in trap
    assert _folder_bytes(first) != exported
    with Journal.open(tmp_path / "fresh.sqlite") as fresh:
        import_markdown(fresh, first)
        again = tmp_path / "again"
        export_to_path(fresh, again, layout=Layout.FOLDER)
        assert _folder_bytes(again) == exported
        assert snapshot(fresh.path) == snapshot(journal.path)


def test_properties_a_note_app_adds_are_left_alone(journal: Journal, tmp_path: Path) -> None:
    populate(journal)
    first = tmp_path / "first"
    export_to_path(journal, first, layout=Layout.FOLDER)
    exported = _folder_bytes(first)
    for page in sorted(first.glob("0*.md")):
        _note_app_rewrite(page, added={"tags": ["llm"], "aliases": ["x"], "cssclasses": []})
    with Journal.open(tmp_path / "fresh.sqlite") as fresh:
        import_markdown(fresh, first)
        again = tmp_path / "again"
        export_to_path(fresh, again, layout=Layout.FOLDER)
        assert _folder_bytes(again) == exported
        assert snapshot(fresh.path) == snapshot(journal.path)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title": 2024}, "experiment field 'title' must be text, not 2024"),
        ({"uuid": 7}, "experiment field 'uuid' must be text, not 7"),
        ({"id": "1"}, "experiment field 'id' must be a whole number, not \"1\""),
        ({"tags": "geo"}, "experiment field 'tags' has the wrong shape"),
    ],
)
def test_a_type_a_note_app_changed_is_refused_before_any_write(
    journal: Journal, tmp_path: Path, change: dict[str, Any], message: str
) -> None:
    populate(journal)
    folder = tmp_path / "export"
    export_to_path(journal, folder, layout=Layout.FOLDER)
    page = next(folder.glob("0001-*.md"))
    _note_app_rewrite(page, change)
    with Journal.open(tmp_path / "fresh.sqlite") as fresh:
        with pytest.raises(ImportFormatError) as caught:
            import_markdown(fresh, folder)
        assert caught.value.path == str(page)
        assert message in caught.value.reason
        assert count_rows(fresh) == (0, 0)


def test_a_date_a_note_app_tagged_is_refused_naming_the_key(
    journal: Journal, tmp_path: Path
) -> None:
    populate(journal)
    folder = tmp_path / "export"
    export_to_path(journal, folder, layout=Layout.FOLDER)
    page = next(folder.glob("0001-*.md"))
    text = page.read_text(encoding="utf-8")
    page.write_text(re.sub(r'"created_at": "', '"created_at": !!timestamp "', text, count=1))
    with Journal.open(tmp_path / "fresh.sqlite") as fresh:
        with pytest.raises(
            ImportFormatError, match=r"`experiment\.created_at` is a date, expected"
        ):
            import_markdown(fresh, folder)
        assert count_rows(fresh) == (0, 0)
