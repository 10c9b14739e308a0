"""A big export rendered in worker processes writes the very bytes one process writes."""

from __future__ import annotations

import io
import multiprocessing
import os
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from journal.core import export_markdown, export_parallel
from journal.core.errors import InvalidInputError
from journal.core.export_entries import ExperimentEntry, ExportSelection, PageRows, iter_pages
from journal.core.export_markdown import (
    Layout,
    Rendered,
    export_to_path,
    export_to_stream,
    render_for_file,
)
from journal.core.notebook_format import ExportError
from journal.core.storage import Journal
from tests.core.test_export_import import add_check, populate
from tests.show_journal import build_show_journal


@pytest.fixture
def every_feature(tmp_path: Path) -> Journal:
    """Every kind of run, expectation, grade, image, replay and conversation (show_journal),
    the tricky text and a migration check of test_export_import, several pages of them."""
    path = tmp_path / "every.sqlite"
    build_show_journal(path)
    journal = Journal.open(path)
    add_check(journal, populate(journal))
    return journal


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in folder.rglob("*")
        if path.is_file()
    }


@pytest.fixture
def no_serial_pages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every page goes to a worker, however small the journal."""
    monkeypatch.setattr(export_parallel, "SERIAL_EXPERIMENTS", 0)


@pytest.mark.usefixtures("no_serial_pages")
@pytest.mark.parametrize("layout", [Layout.FILE, Layout.FOLDER])
def test_workers_write_the_bytes_one_process_writes(
    every_feature: Journal, tmp_path: Path, layout: Layout
) -> None:
    alone, shared = tmp_path / "alone", tmp_path / "shared"
    one = export_to_path(every_feature, alone, layout=layout, page_size=1, workers=1)
    two = export_to_path(every_feature, shared, layout=layout, page_size=1, workers=2)
    assert (two.experiments, two.runs, two.size) == (one.experiments, one.runs, one.size)
    if layout is Layout.FILE:
        assert shared.read_bytes() == alone.read_bytes()
        assert (tmp_path / "assets").is_dir()  # the images went beside it
    else:
        assert _tree(shared) == _tree(alone)
        assert any(name.startswith("assets/") for name in _tree(shared))


@pytest.mark.usefixtures("no_serial_pages")
def test_workers_write_standard_output_alike(tmp_path: Path) -> None:
    path = tmp_path / "plain.sqlite"
    journal = Journal.open(path)
    populate(journal)
    written = {1: io.StringIO(), 2: io.StringIO()}
    for workers, out in written.items():
        export_to_stream(journal, out, page_size=1, workers=workers)
    assert written[2].getvalue() == written[1].getvalue()


@pytest.mark.usefixtures("no_serial_pages")
def test_damaged_json_read_by_a_worker_stops_the_export_as_it_would_alone(
    every_feature: Journal, tmp_path: Path
) -> None:
    with sqlite3.connect(every_feature.path) as connection:
        connection.execute("UPDATE run SET options = '{not json' WHERE id = 2")
    connection.close()
    target = tmp_path / "notes.md"
    said = []
    for workers in (1, 2):
        with pytest.raises(ExportError) as error:
            export_to_path(every_feature, target, page_size=1, workers=workers)
        said.append(str(error.value))
        assert not target.exists()
    assert said[0] == said[1]
    assert "holds damaged JSON in options" in said[0]


_DIED = "JOURNAL_TEST_WORKER_DIED"  # where a dying worker leaves word that it died


def _dies_in_a_worker(entry: ExperimentEntry) -> Rendered:
    """render_for_file, but a worker rendering experiment 3 dies as a killed one would."""
    if multiprocessing.parent_process() is not None and entry.record["id"] == 3:
        Path(os.environ[_DIED]).touch()
        os._exit(9)
    return render_for_file(entry)


@pytest.mark.parametrize("at_home", [0, 1])  # pages rendered here while workers start
def test_a_worker_that_dies_costs_no_experiment(
    every_feature: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, at_home: int
) -> None:
    died = tmp_path / "died"
    monkeypatch.setenv(_DIED, str(died))
    monkeypatch.setattr(export_parallel, "SERIAL_EXPERIMENTS", at_home)

    def rendered(render: Any, workers: int) -> list[Rendered]:
        with every_feature.read() as session:
            pages = iter_pages(session, ExportSelection(), page_size=1)
            return list(export_parallel.render_pages(pages, render, workers=workers))

    alone = rendered(render_for_file, 1)
    assert len(alone) >= 3
    assert rendered(_dies_in_a_worker, 2) == alone
    assert died.exists()
    assert rendered(partial(render_for_file, metadata=False), 2) == [
        render_for_file(entry, metadata=False) for entry in _entries(every_feature)
    ]


def _entries(journal: Journal) -> list[ExperimentEntry]:
    from journal.core.export_entries import iter_entries

    with journal.read() as session:
        return list(iter_entries(session, ExportSelection()))


@pytest.mark.parametrize(
    ("value", "workers"), [("1", 1), ("3", 3), (" 2 ", 2), ("", None), ("0", "refused")]
)
def test_the_worker_count_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, value: str, workers: object
) -> None:
    monkeypatch.setenv(export_parallel.WORKERS_VARIABLE, value)
    if workers == "refused":
        with pytest.raises(InvalidInputError, match="JOURNAL_EXPORT_WORKERS must be"):
            export_parallel.worker_count()
    elif workers is None:
        assert 1 <= export_parallel.worker_count() <= export_parallel.MAX_WORKERS
    else:
        assert export_parallel.worker_count() == workers


def test_the_journal_command_exports_a_big_journal_on_workers(tmp_path: Path) -> None:
    """Past SERIAL_EXPERIMENTS experiments, `journal export` starts workers: from the console
    script and from `python -m journal`, each writes what one process writes."""
    from benchmarks.synthetic import build

    db = tmp_path / "big.sqlite"
    build(db, 1_050)  # eleven pages of 100: the eleventh is rendered by a worker
    script = Path(sys.executable).with_name("journal")
    commands = [[sys.executable, "-m", "journal"]]
    if script.exists():
        commands.append([str(script)])
    outputs = []
    for number, command in enumerate(commands * 2):
        workers = "1" if number < len(commands) else "2"
        target = tmp_path / f"export-{number}.md"
        done = subprocess.run(
            [*command, "--db", str(db), "export", "-o", str(target)],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, export_parallel.WORKERS_VARIABLE: workers},
        )
        assert done.returncode == 0, done.stderr
        assert "Exported 1,050 experiments" in done.stderr
        outputs.append(target.read_bytes())
    assert all(output == outputs[0] for output in outputs)


@pytest.mark.usefixtures("no_serial_pages")
@pytest.mark.parametrize("layout", [Layout.FILE, Layout.FOLDER])
def test_a_failed_export_on_workers_leaves_nothing_behind(
    every_feature: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: Layout
) -> None:
    """A write that fails halfway (a full disk) stops the workers with the export: no
    process, no file and no temporary folder is left."""
    written = 0
    real = export_markdown._Tally.add  # runs in the exporting process, once per experiment

    def full_disk(*args: Any) -> None:
        nonlocal written
        written += 1
        if written == 2:
            raise OSError(28, "No space left on device")
        real(*args)

    monkeypatch.setattr(export_markdown._Tally, "add", full_disk)
    target = tmp_path / "notes"
    with pytest.raises(ExportError, match="No space left on device"):
        export_to_path(every_feature, target, layout=layout, page_size=1, workers=2)
    assert multiprocessing.active_children() == []
    left = {path.name for path in tmp_path.iterdir()}
    assert {name for name in left if not name.startswith("every.sqlite")} == set()


@pytest.mark.usefixtures("no_serial_pages")
def test_workers_are_sent_only_a_few_pages_ahead_of_what_is_written(
    every_feature: Journal,
) -> None:
    """What is in flight stays bounded (memory stays flat): pages are read from the journal
    only as written ones make room."""
    taken = 0
    ahead = []
    with every_feature.read() as session:

        def counted() -> Iterator[PageRows]:
            nonlocal taken
            for page in iter_pages(session, ExportSelection(), page_size=1):
                taken += 1
                yield page

        for written, _ in enumerate(
            export_parallel.render_pages(counted(), render_for_file, workers=2), start=1
        ):
            ahead.append(taken - written)
    assert len(ahead) >= 4
    assert max(ahead) <= 2 * export_parallel.PAGES_PER_WORKER


_KILLED_EXPORTER = """
import multiprocessing, sys, time
from journal.core import export_parallel
from journal.core.export_entries import ExportSelection, iter_pages
from journal.core.export_markdown import render_for_file
from journal.core.storage import Journal

def pages(session):
    yield from iter_pages(session, ExportSelection(), page_size=1)
    workers = [str(child.pid) for child in multiprocessing.active_children()]
    print(" ".join(workers), flush=True)
    time.sleep(600)  # killed meanwhile

if __name__ == "__main__":
    export_parallel.SERIAL_EXPERIMENTS = 0
    with Journal.open(sys.argv[1]) as journal, journal.read() as session:
        for _ in export_parallel.render_pages(pages(session), render_for_file, workers=2):
            pass
"""


def test_workers_end_when_the_exporting_process_is_killed(
    every_feature: Journal, tmp_path: Path
) -> None:
    script = tmp_path / "exporter.py"
    script.write_text(_KILLED_EXPORTER, encoding="utf-8")
    exporter = subprocess.Popen(
        [sys.executable, str(script), str(every_feature.path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[2],
    )
    try:
        assert exporter.stdout is not None
        workers = [int(pid) for pid in exporter.stdout.readline().split()]
        assert workers
    finally:
        exporter.kill()
        exporter.wait()
        if exporter.stdout is not None:
            exporter.stdout.close()
    deadline = time.monotonic() + 60
    while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_running(pid) for pid in workers)


def _running(pid: int) -> bool:
    """Whether process `pid` runs (a zombie, dead but not reaped, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
