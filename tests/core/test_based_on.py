"""A run made from a shown run's prompt with other settings is a new run "based on" it, not
a replay: recorded so, said so, exported, imported and recovered with the link."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from journal.core.domain import RunStatus
from journal.core.export_markdown import export_to_path
from journal.core.import_markdown import import_markdown
from journal.core.models import Run
from journal.core.queries import create_experiment, get_run
from journal.core.recover import recover_journal
from journal.core.runner import RunSpec, record_pending
from journal.core.storage import Journal
from journal.core.trash import trash_runs
from tests.journal_process import run_cli


def _two_runs(journal: Journal) -> tuple[int, int]:
    """Run 1 and a run based on it (its prompt, another model)."""
    with journal.write() as session:
        experiment = create_experiment(session, title="rivers").id or 0
        first = record_pending(session, RunSpec(experiment, "llama3:8b", prompt="Name a river"))
        second = record_pending(
            session,
            RunSpec(experiment, "qwen3:0.6b", prompt="Name a river", based_on_id=first.id),
        )
        for run in (first, second):  # answered
            run.status, run.response = RunStatus.DONE, "The Rhine."
            session.add(run)
        return first.id or 0, second.id or 0


def _export(journal: Journal) -> str:
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "export.md"
        export_to_path(journal, target)
        return target.read_text(encoding="utf-8")


def test_a_run_based_on_another_is_not_a_replay(tmp_path: Path) -> None:
    with Journal.open(tmp_path / "j.sqlite") as journal:
        first, second = _two_runs(journal)
        with journal.read() as session:
            run: Run = get_run(session, second)
        assert run.based_on_id == first and run.replay_of_id is None
        text = _export(journal)
    assert f"- **Based on:** run {first} (its prompt, other settings)\n" in text
    assert "**Replays:**" not in text


def test_export_import_keeps_the_link_byte_for_byte(tmp_path: Path) -> None:
    with Journal.open(tmp_path / "a.sqlite") as journal:
        first, second = _two_runs(journal)
        text = _export(journal)
    exported = tmp_path / "export.md"
    exported.write_text(text, encoding="utf-8")
    with Journal.open(tmp_path / "b.sqlite") as other:
        import_markdown(other, exported)
        with other.read() as session:
            assert get_run(session, second).based_on_id == first
        assert _export(other) == text


def test_a_link_to_a_run_in_the_trash_is_left_out_of_the_export(tmp_path: Path) -> None:
    with Journal.open(tmp_path / "a.sqlite") as journal:
        first, _ = _two_runs(journal)
        with journal.write() as session:
            trash_runs(session, [first])
        text = _export(journal)
    assert "based_on" not in text and "**Based on:**" not in text
    exported = tmp_path / "export.md"
    exported.write_text(text, encoding="utf-8")
    with Journal.open(tmp_path / "b.sqlite") as other:
        import_markdown(other, exported)  # a run on its own, which is true of it too


def test_recover_keeps_the_link(tmp_path: Path) -> None:
    with Journal.open(tmp_path / "a.sqlite") as journal:
        first, second = _two_runs(journal)
    recover_journal(tmp_path / "a.sqlite", tmp_path / "r.sqlite")
    with Journal.open(tmp_path / "r.sqlite") as recovered, recovered.read() as session:
        assert get_run(session, second).based_on_id == first


def test_show_says_based_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "j.sqlite"
    with Journal.open(db) as journal:
        first, _ = _two_runs(journal)
    code, out, err = run_cli(capsys, "--db", str(db), "show", "1")
    assert code == 0, err
    assert f"based on run {first} (its prompt, other settings)" in out
    assert "replays run" not in out
