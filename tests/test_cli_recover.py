"""`journal recover DAMAGED -o NEW` end to end, and the damaged-file message that points to it."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest

from journal.core.migrations import LATEST_VERSION
from journal.core.queries import create_experiment
from journal.core.storage import Journal
from tests.core.test_recover import (
    EXPERIMENTS,
    RUNS_PER_EXPERIMENT,
    build_journal,
    damage_middle_leaf,
    digest,
    leaf_pages,
    overwrite_page,
    run_word,
)
from tests.journal_process import run_cli


def _one_error_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("journal: error: ")
    assert "Traceback" not in err
    return lines[0]


def test_recover_a_damaged_journal_and_use_the_new_one(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    damaged = build_journal(tmp_path / "journal.sqlite").path
    lost = damage_middle_leaf(damaged, "run")
    before = digest(damaged)
    target = tmp_path / "recovered.sqlite"

    code, out, err = run_cli(capsys, "recover", str(damaged), "-o", str(target))

    assert (code, out) == (0, "")
    copied = EXPERIMENTS * RUNS_PER_EXPERIMENT - len(lost)
    summary, hint = err.splitlines()
    assert summary.startswith(
        f"Recovered {EXPERIMENTS} experiments, {copied} runs and 1 migration check into "
        f"{target}; {len(lost)} runs in a damaged part of the file could not be read. "
    )
    assert hint == f"Open it with `journal --db {target}`."
    assert digest(damaged) == before

    code, out, _ = run_cli(capsys, "--db", str(target), "list", "--json", "--limit", "1000")
    assert code == 0 and len(json.loads(out)) == EXPERIMENTS
    code, out, _ = run_cli(capsys, "--db", str(target), "search", run_word(1, 0), "--json")
    assert code == 0 and [hit["experiment_id"] for hit in json.loads(out)] == [1]


def test_recover_json_prints_the_report(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    damaged = build_journal(tmp_path / "journal.sqlite").path
    lost = damage_middle_leaf(damaged, "experiment")
    target = tmp_path / "recovered.sqlite"

    code, out, err = run_cli(capsys, "recover", str(damaged), "-o", str(target), "--json")

    assert (code, err) == (0, "")
    report = json.loads(out)
    assert report["tables"]["experiment"] == {
        "copied": EXPERIMENTS - len(lost),
        "lost": len(lost),
        "skipped": 0,
        "unreadable_ids": [[lost[0], lost[-1]]],
        "skipped_ids": [],
    }
    assert report["tables"]["run"]["copied"] == EXPERIMENTS * RUNS_PER_EXPERIMENT
    assert report["placeholder_experiments"] == lost
    assert report["source_schema"] == LATEST_VERSION
    assert report["complete"] is False
    assert report["summary"].startswith(f"Recovered {EXPERIMENTS - len(lost)} experiments")


def test_an_intact_journal_exports_the_same_before_and_after(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    original = build_journal(tmp_path / "journal.sqlite").path
    target = tmp_path / "recovered.sqlite"
    code, _, err = run_cli(capsys, "recover", str(original), "-o", str(target))
    assert code == 0 and "; nothing was lost." in err

    exports = []
    for path in (original, target):
        code, out, _ = run_cli(capsys, "--db", str(path), "export", "-o", "-")
        assert code == 0
        exports.append(out)
    assert exports[0] == exports[1]
    assert len(exports[0]) > 10_000


def test_nothing_readable_is_one_line_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    damaged = tmp_path / "journal.sqlite"
    with Journal.open(damaged) as journal, journal.write() as session:
        create_experiment(session, title="the only one")
    ((page, _),) = leaf_pages(damaged, "experiment")
    overwrite_page(damaged, page)
    target = tmp_path / "recovered.sqlite"

    code, out, err = run_cli(capsys, "recover", str(damaged), "-o", str(target))

    assert (code, out) == (1, "")
    assert _one_error_line(err) == (
        f"journal: error: Nothing could be read from {damaged}: every record is in a damaged "
        "part of the file. Nothing was written."
    )
    assert not target.exists()


@pytest.mark.parametrize("case", ["target-exists", "not-a-journal", "stdout"])
def test_refusals_are_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, case: str
) -> None:
    source = tmp_path / "journal.sqlite"
    target = tmp_path / "recovered.sqlite"
    if case == "not-a-journal":
        source.write_text("just notes\n")
    else:
        build_journal(source)
    if case == "target-exists":
        target.write_text("mine\n")
    output = "-" if case == "stdout" else str(target)

    code, out, err = run_cli(capsys, "recover", str(source), "-o", output)

    assert (code, out) == (1, "")
    line = _one_error_line(err)
    assert {
        "target-exists": f"{target} already exists; name a new file for the recovered journal.",
        "not-a-journal": f"{source} is not an LLM Journal file (it is not an SQLite database)",
        "stdout": "A journal cannot go to standard output",
    }[case] in line
    assert target.read_text() == "mine\n" if case == "target-exists" else not target.exists()


def test_the_damaged_message_gives_a_command_that_works(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    damaged = build_journal(tmp_path / "journal.sqlite").path
    damage_middle_leaf(damaged, "experiment")
    code, _, err = run_cli(capsys, "--db", str(damaged), "list")
    assert code == 1
    advice = err.split("`")[1]  # the command between backticks, as a person would copy it
    argv = shlex.split(advice)
    assert argv[:2] == ["journal", "recover"]

    monkeypatch.chdir(tmp_path)  # the advice names recovered.sqlite beside where it is run
    code, _, err = run_cli(capsys, *argv[1:])

    assert code == 0, err
    code, out, _ = run_cli(capsys, "--db", "recovered.sqlite", "list", "--json", "--limit", "99")
    assert code == 0 and len(json.loads(out)) == EXPERIMENTS
