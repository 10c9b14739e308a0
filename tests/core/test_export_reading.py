"""How an export reads the journal (issue 16): `journal export` over plain sqlite3 in one read
transaction, never importing SQLAlchemy, writing the very bytes the window's export writes."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from journal.core import export_checks
from journal.core.check_triage import Group
from journal.core.errors import NotFoundError
from journal.core.export_entries import ExportSelection, iter_entries
from journal.core.export_markdown import (
    Layout,
    _reading,
    export_to_path,
    export_to_stream,
    open_for_export,
    require_experiment,
)
from journal.core.migrations import LATEST_VERSION, apply_migrations
from journal.core.notebook_format import _JSON_STRING, _no_link_syntax, front_matter
from journal.core.reading import ReadJournal
from journal.core.storage import Journal
from tests.core.test_export_import import add_check, populate
from tests.journal_process import run_cli


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_the_read_layer_writes_the_bytes_the_window_writes(
    journal: Journal, tmp_path: Path
) -> None:
    """A ReadJournal (the CLI's) and a Journal (the window's) give the same export, a
    migration check with a replay included: its outcome is read by the ORM's check_triage,
    on the ReadJournal's own connection."""
    ids = populate(journal)
    add_check(journal, ids)
    window_file, window_folder = tmp_path / "window.md", tmp_path / "window"
    export_to_path(journal, window_file)
    export_to_path(journal, window_folder, layout=Layout.FOLDER)
    with ReadJournal.open(journal.path) as reader:
        cli_file, cli_folder = tmp_path / "cli.md", tmp_path / "cli"
        export_to_path(reader, cli_file)
        export_to_path(reader, cli_folder, layout=Layout.FOLDER)
        assert not reader._connection.in_transaction  # the snapshot ended with the export
    text = cli_file.read_text(encoding="utf-8")
    assert "llm-journal:check_item " in text
    assert cli_file.read_bytes() == window_file.read_bytes()
    assert _files(cli_folder) == _files(window_folder)


def test_an_export_reads_one_snapshot_whatever_is_written_meanwhile(
    journal: Journal, tmp_path: Path
) -> None:
    populate(journal)
    with ReadJournal.open(journal.path) as reader, _reading(reader) as rows:
        entries = iter_entries(rows, ExportSelection(), page_size=1)
        first = next(entries)
        writer = sqlite3.connect(journal.path)
        with writer:
            writer.execute(
                "UPDATE experiment SET title = 'changed' WHERE id != ?", (first.record["id"],)
            )
        writer.close()
        titles = [entry.record["title"] for entry in entries]
    assert titles and "changed" not in titles


def test_journal_export_never_imports_sqlalchemy(journal: Journal, tmp_path: Path) -> None:
    """The CLI's export reads over plain sqlite3: SQLAlchemy's import would cost it more
    than a 10,000-experiment journal's queries (a journal with migration checks of replays
    imports it for their grades, check_triage's)."""
    populate(journal)
    out = tmp_path / "cli.md"
    script = (
        "import sys\n"
        "from journal.cli import main\n"
        "code = main(sys.argv[1:])\n"
        "print(code, 'sqlalchemy' in sys.modules, 'journal.core.storage' in sys.modules)\n"
    )
    argv = [sys.executable, "-c", script, "--db", str(journal.path), "export", "-o", str(out)]
    done = subprocess.run(argv, capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.split() == ["0", "False", "False"], done.stderr
    window = tmp_path / "window.md"
    export_to_path(journal, window)
    assert out.read_bytes() == window.read_bytes()


def test_standard_output_and_one_experiment_read_the_same_way(
    journal: Journal, tmp_path: Path
) -> None:
    import io

    ids = populate(journal)
    with ReadJournal.open(journal.path) as reader:
        require_experiment(reader, ids["rivers"])
        with pytest.raises(NotFoundError, match=r"^There is no experiment 999\.$"):
            require_experiment(reader, 999)
        out = io.StringIO()
        export_to_stream(reader, out)
    window = io.StringIO()
    export_to_stream(journal, window)
    assert out.getvalue() == window.getvalue()


def test_each_check_group_has_its_words() -> None:
    assert list(export_checks._STANDING) == [group.value for group in Group]


@pytest.mark.parametrize(
    "record",
    [
        {"title": "plain", "tags": ["a", "b"], "options": {"x": [1, 2]}},
        {"title": "see [this](http://x)", "tags": []},
        {"note": "ftp://host", "tags": ["[x]"]},
        {"jid": "XMPP:me@host", "list": [[], {}]},
        {"key[": 1, "other": "a: //b"},
        {"nested": {"deep": "[link]", "n": None}, "x": "y"},
    ],
)
def test_front_matter_escapes_link_syntax_in_strings_only(record: dict[str, object]) -> None:
    """Its scan of every string at once finds what the callback per string escapes."""
    from journal.core.notebook_format import FRONT_MATTER_FENCE, dump_record

    slow = _JSON_STRING.sub(_no_link_syntax, dump_record(record, expand="nested"))
    fence = FRONT_MATTER_FENCE
    assert front_matter(record, expand="nested") == f"{fence}\n{slow}\n{fence}\n"


def test_journal_export_upgrades_an_older_journal_as_it_always_did(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """An older journal is opened as before the read layer (which would refuse it): upgraded,
    with its copy kept, then exported."""
    db_path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(db_path, isolation_level=None)
    apply_migrations(conn, target=LATEST_VERSION - 1)
    conn.close()
    out = tmp_path / "export.md"
    code, _, err = run_cli(capsys, "--db", str(db_path), "export", "-o", str(out))
    assert code == 0 and "Exported 0 experiments" in err
    assert isinstance(open_for_export(db_path), ReadJournal)  # current now


def test_a_live_run_is_exported_as_every_later_export_shows_it(journal: Journal) -> None:
    """A run a writer left live is marked by the write path's open (if its writer is gone),
    so the export does not read such a journal on the read layer."""
    populate(journal)
    assert isinstance(open_for_export(journal.path), ReadJournal)
    with sqlite3.connect(journal.path) as raw:
        raw.execute("UPDATE run SET status = 'streaming' WHERE id = (SELECT min(id) FROM run)")
    opened = open_for_export(journal.path)
    try:
        assert isinstance(opened, Journal)
    finally:
        opened.close()
