"""The read commands import only what reading needs: the rest stays behind function imports.

`list`, `search`, `show` and `matrix` are held to three times a bare `python -c` with sqlite3
(issue 16), and that python pays its start-up too: what the journal adds is mostly imports.
Each module named here was moved out of these commands' way (waiting on grades, signals,
a run's owner, "did you mean", a damaged file's hints, a format check, threads of a
conversation); this test keeps it out, by name, not by time.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from journal.cli_support import help_width
from journal.core.expectations import parse_expectation
from journal.core.grades import add_expectation
from journal.core.models import Run, RunStatus
from journal.core.queries import create_experiment
from journal.core.storage import Journal

NEVER_READ = (
    # the write path
    "sqlalchemy",
    "sqlmodel",
    "journal.core.storage",
    "journal.core.models",
    # a run's owner: only a live run asks, and reading one finished does not
    "journal.core.ownership",
    "socket",
    # "did you mean": only a refused argument or expectation kind
    "difflib",
    # grading runs as a command makes them, and waiting for judge/similar results
    "journal.cli_grading_wait",
    # a damaged journal's hints
    "glob",
    "shlex",
)
"""Modules none of the read commands below may load."""

NOT_WAITING = (
    # waiting for judge/similar grades, stopped by Ctrl-C: run, replay, grade
    "queue",
    "signal",
    "threading",
    "journal.cli_stream",
    "journal.core.cancel",
)
"""Modules for commands that wait or stream; `matrix` still loads them through cli_replay."""

NOT_FITTING = ("shutil", "bz2", "lzma")
"""argparse asks shutil the terminal's width (cli_support.help_width answers without it);
`matrix` still loads it, to fit its table to the terminal (journal.cli_fit)."""

SHOW_PLAIN = ("journal.core.output_format",)
"""A journal whose runs asked for no format never checks one."""

SHOW_JSON = (*SHOW_PLAIN, "journal.cli_conversation")
"""--json lists the runs flat: no threads of a conversation to draw."""

COMMANDS: list[tuple[list[str], tuple[str, ...]]] = [
    (["list", "--limit", "200", "--json"], NEVER_READ + NOT_WAITING + NOT_FITTING),
    (["list"], NEVER_READ + NOT_WAITING + NOT_FITTING),
    (["search", "quokka"], NEVER_READ + NOT_WAITING + NOT_FITTING),
    (["search", "quokka", "--json"], NEVER_READ + NOT_WAITING + NOT_FITTING),
    (["show", "1", "--json"], NEVER_READ + NOT_WAITING + NOT_FITTING + SHOW_JSON),
    (["show", "1"], NEVER_READ + NOT_WAITING + NOT_FITTING + SHOW_PLAIN),
    (["matrix", "--json"], NEVER_READ),
]

_LOADED = """
import runpy, sys
try:
    runpy.run_module("journal", run_name="__main__")
finally:
    print("loaded:", " ".join(sorted(sys.modules)), file=sys.stderr)
"""


def _plain_journal(db_path: Path) -> None:
    """An experiment with an expectation and finished runs (no format, no conversation)."""
    with Journal.open(db_path) as journal, journal.write() as session:
        experiment = create_experiment(session, title="quokka count", hypothesis="plain")
        assert experiment.id is not None
        add_expectation(session, experiment.id, parse_expectation("contains:quokka"))
        for number in range(3):
            session.add(
                Run(
                    experiment_id=experiment.id,
                    model="llama3",
                    messages=[{"role": "user", "content": "how many quokkas?"}],
                    response=f"{number} quokka",
                    status=RunStatus.DONE,
                )
            )


def _loaded(db_path: Path, argv: list[str]) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _LOADED, "--db", str(db_path), *argv],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip()
    last = done.stderr.splitlines()[-1]
    assert last.startswith("loaded: ")
    return set(last.removeprefix("loaded: ").split())


@pytest.mark.parametrize(("argv", "left_out"), COMMANDS)
def test_a_read_command_leaves_out_what_it_does_not_use(
    db_path: Path, argv: list[str], left_out: tuple[str, ...]
) -> None:
    _plain_journal(db_path)
    loaded = _loaded(db_path, argv)
    assert not {name for name in loaded if name.split(".")[0] in left_out or name in left_out}


def test_show_still_imports_what_a_format_or_a_conversation_needs(db_path: Path) -> None:
    """The moved imports still happen when they are needed: `show` as text threads the
    runs, and a run that asked for a format is checked (tests/test_cli_show_read_layer.py
    holds what they print)."""
    _plain_journal(db_path)
    with Journal.open(db_path) as journal, journal.write() as session:
        session.add(
            Run(
                experiment_id=1,
                model="llama3",
                messages=[{"role": "user", "content": "as JSON"}],
                response='{"quokkas": 2}',
                status=RunStatus.DONE,
                format="json",
            )
        )
    loaded = _loaded(db_path, ["show", "1"])
    assert {"journal.cli_conversation", "journal.core.output_format"} <= loaded


@pytest.mark.parametrize("columns", [None, "100", "37", "0", "-3", "wide", ""])
def test_help_width_is_what_shutil_says(
    monkeypatch: pytest.MonkeyPatch, columns: str | None
) -> None:
    """The help is as wide as argparse made it with shutil (COLUMNS, else the terminal,
    else 80)."""
    import shutil

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    assert help_width() == shutil.get_terminal_size().columns


def test_help_reads_as_argparse_wrote_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """`journal --help` and a command's help, at a narrow width, as argparse's own formatter
    (the one that asks shutil) lays them out."""
    import argparse

    from journal.cli import build_parser
    from journal.cli_support import JournalArgumentParser

    monkeypatch.setenv("COLUMNS", "57")

    def helps() -> list[str]:
        parser = build_parser()
        show = build_parser("show")
        return [parser.format_help(), parser.format_usage(), show.format_help()]

    ours = helps()
    monkeypatch.setattr(
        JournalArgumentParser, "_get_formatter", argparse.ArgumentParser._get_formatter
    )
    assert ours == helps()
