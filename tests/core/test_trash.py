"""The trash (issue 14): what is in it leaves every view and comes back whole on restore;
emptying it deletes for good but keeps other records true; archive and duplicate."""

from __future__ import annotations

import io
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from journal.core.archive import set_archived
from journal.core.batches import BatchRunner, _latest_template
from journal.core.domain import ExperimentFilter
from journal.core.duplicate import duplicate_experiment
from journal.core.errors import InvalidInputError
from journal.core.expectations import parse_expectation
from journal.core.export_entries import ExportSelection, count_selection
from journal.core.export_markdown import export_to_stream
from journal.core.grades import add_expectation, list_expectations, record_grade
from journal.core.images import add_image, link_images, user_message
from journal.core.input_sets import RowInput, add_rows, list_rows
from journal.core.matrix import experiment_matrix
from journal.core.messages import KEPT_CHECKED_RUN
from journal.core.migration_check import check_items, select_source_runs
from journal.core.migrations import apply_migrations
from journal.core.models import Run, RunStatus, Verdict
from journal.core.ollama_service import OllamaService
from journal.core.pass_rates import experiment_pass_rates
from journal.core.queries import (
    SessionReader,
    count_experiments,
    create_experiment,
    get_run,
    list_experiments,
    runs_of,
    search,
    set_verdict,
)
from journal.core.read_records import replay_notes
from journal.core.read_sql import ARCHIVED_ONLY, ARCHIVED_TOO
from journal.core.replay import Replayer
from journal.core.storage import Journal
from journal.core.trash import (
    empty_trash,
    restore_experiments,
    restore_runs,
    trash_contents,
    trash_experiments,
    trash_runs,
    trashed_note,
    undo_trash,
)
from tests.conftest import UNREACHABLE_HOST
from tests.image_bytes import png

DIGEST = "d" * 64


def _experiment(
    journal: Journal, title: str, *, runs: int = 1, word: str = ""
) -> tuple[int, list[int]]:
    """An experiment with `runs` finished runs on one model, each answering `word`."""
    with journal.write() as session:
        experiment = create_experiment(session, title=title)
        assert experiment.id is not None
        ids = []
        for number in range(runs):
            run = Run(
                experiment_id=experiment.id,
                model="llama3:8b",
                model_digest=DIGEST,
                messages=[{"role": "user", "content": f"{title} prompt {number}"}],
                response=f"{word} answer",
                status=RunStatus.DONE,
            )
            session.add(run)
            session.flush()
            assert run.id is not None
            ids.append(run.id)
        return experiment.id, ids


def _turn(journal: Journal, parent: int, **fields: Any) -> int:
    with journal.write() as session:
        source = get_run(session, parent)
        run = Run(
            experiment_id=source.experiment_id,
            model=source.model,
            parent_id=parent,
            messages=[{"role": "user", "content": "and then?"}],
            status=RunStatus.DONE,
            **fields,
        )
        session.add(run)
        session.flush()
        assert run.id is not None
        return run.id


def _listed(journal: Journal, **kw: Any) -> list[int]:
    with journal.read() as session:
        return [row.id for row in list_experiments(session, **kw)]


def _found(journal: Journal, word: str) -> list[int]:
    with journal.read() as session:
        return [hit.experiment_id for hit in search(session, word)]


def _rows(journal: Journal, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(journal.path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


# -- migration 10 ---------------------------------------------------------------------------


def test_migration_10_adds_trash_and_archive_marks_to_a_schema_9_journal(tmp_path: Path) -> None:
    path = tmp_path / "nine.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    apply_migrations(conn, target=9)
    now = "2026-01-01T00:00:00.000000+00:00"
    conn.execute(
        "INSERT INTO experiment (uuid, title, created_at, updated_at) VALUES ('e', 'otters', ?, ?)",
        (now, now),
    )
    conn.execute(
        "INSERT INTO run (uuid, experiment_id, model, status, created_at) "
        "VALUES ('r', 1, 'm', 'done', ?)",
        (now,),
    )
    conn.close()
    with Journal.open(path) as journal:
        assert _listed(journal) == [1]
        with journal.read() as session:
            assert [run.trashed_at for run in runs_of(session, 1)] == [None]
        with journal.write() as session:
            trash_experiments(session, [1])
        assert _listed(journal) == [] and _found(journal, "otters") == []
    assert path.with_name("nine.sqlite.schema9.bak").exists()


def test_the_list_reads_runs_outside_the_trash_from_an_index(journal: Journal) -> None:
    from journal.core.read_sql import SUMMARY_SELECT

    plan = " ".join(
        str(row[3]) for row in _rows(journal, f"EXPLAIN QUERY PLAN {SUMMARY_SELECT} LIMIT 1")
    )
    assert plan.count("COVERING INDEX run_kept") == 2, plan


# -- each surface leaves the trash out, and has it back after restore --------------------------


def test_a_trashed_experiment_leaves_every_view_and_comes_back_on_restore(journal: Journal) -> None:
    kept, _ = _experiment(journal, "kept", word="walrus")
    gone, gone_runs = _experiment(journal, "gone", runs=2, word="walrus")
    everything = ExportSelection()

    def views() -> dict[str, Any]:
        with journal.read() as session:
            matrix = experiment_matrix(session)
            return {
                "list": [row.id for row in list_experiments(session)],
                "count": count_experiments(session),
                "search": [hit.experiment_id for hit in search(session, "walrus")],
                "matrix": [row.experiment_id for row in matrix.rows],
                "export": count_selection(session, everything),
                "check sources": select_source_runs(session, ExperimentFilter()),
                "stats": sorted(experiment_pass_rates(session, [kept, gone])),
                "models": [row.run_count for row in list_experiments(session)],
            }

    before = views()
    assert before["list"] == [gone, kept] and before["export"] == (2, 3)
    with journal.write() as session:
        receipt = trash_experiments(session, [gone])
    assert receipt.run_ids == tuple(gone_runs)
    assert receipt.summary() == (
        f"Moved experiment {gone} and its 2 runs to the trash; "
        f"journal restore {gone} brings it back."
    )
    after = views()
    assert after["list"] == [kept] and after["count"] == 1
    assert after["search"] == [kept] and after["matrix"] == [kept]
    assert after["export"] == (1, 1)
    assert gone_runs[-1] not in after["check sources"]
    assert after["stats"] == [kept]
    with journal.read() as session:
        assert trashed_note(session, experiment_id=gone) == (
            f"Experiment {gone} is in the trash (journal restore {gone})."
        )
    with journal.write() as session:
        restored = restore_experiments(session, [gone])
    assert (
        restored.summary(restored=True)
        == f"Restored experiment {gone} and its 2 runs from the trash."
    )
    assert views() == before


def test_a_trashed_run_leaves_its_experiment_with_its_later_turns(journal: Journal) -> None:
    experiment, (first, second) = _experiment(journal, "chat", runs=2, word="heron")
    turn = _turn(journal, second)
    later = _turn(journal, turn)
    with journal.write() as session:
        receipt = trash_runs(session, [second])
    assert receipt.run_ids == (second, turn, later)
    assert "Moved run" in receipt.summary() and "2 later turns" in receipt.summary()
    with journal.read() as session:
        assert [run.id for run in runs_of(session, experiment)] == [first]
        assert list_experiments(session)[0].run_count == 1
        assert select_source_runs(session, ExperimentFilter()) == [first]
        assert [(i.kind, i.id, i.runs) for i in trash_contents(session)] == [("run", second, 2)]
    with journal.write() as session:
        undo_trash(session, receipt)
    with journal.read() as session:
        assert [run.id for run in runs_of(session, experiment)] == [first, second, turn, later]


def test_restoring_an_experiment_leaves_a_run_trashed_before_it_in_the_trash(
    journal: Journal,
) -> None:
    experiment, (first, second) = _experiment(journal, "two", runs=2)
    with journal.write() as session:
        trash_runs(session, [first])
    with journal.write() as session:
        trash_experiments(session, [experiment])
    with journal.write() as session, pytest.raises(InvalidInputError, match="journal restore"):
        restore_runs(session, [first])
    with journal.write() as session:
        restore_experiments(session, [experiment])
    with journal.read() as session:
        assert [run.id for run in runs_of(session, experiment)] == [second]
    with journal.write() as session:
        restore_runs(session, [first])
    with journal.read() as session:
        assert [run.id for run in runs_of(session, experiment)] == [first, second]


def test_a_running_run_is_not_trashed(journal: Journal) -> None:
    experiment, (run_id,) = _experiment(journal, "live")
    with journal.write() as session:
        session.execute(text("UPDATE run SET status = 'streaming' WHERE id = :id"), {"id": run_id})
    for trash, ids in ((trash_runs, [run_id]), (trash_experiments, [experiment])):
        with journal.write() as session, pytest.raises(InvalidInputError) as refused:
            trash(session, ids)
        assert refused.value.message == f"Run {run_id} is still running; cancel it first."
    assert _listed(journal) == [experiment]


def _batch(journal: Journal, experiment: int, run_id: int, *, owner: str = "") -> int:
    now = "2026-01-01T00:00:00.000000+00:00"
    with journal.write() as session:
        session.execute(
            text(
                "INSERT INTO batch (uuid, experiment_id, prompt, status, owner, heartbeat_at, "
                "created_at, updated_at) VALUES ('b', :e, 'p', :status, :owner, :now, :now, :now)"
            ),
            {"e": experiment, "now": now, "owner": owner, "status": "running" if owner else "done"},
        )
        for position, run in enumerate((run_id, None), start=1):
            session.execute(
                text(
                    "INSERT INTO batch_item (batch_id, position, model, run_id) "
                    "VALUES (1, :position, 'm', :run)"
                ),
                {"position": position, "run": run},
            )
    return 1


def test_an_experiment_with_a_running_batch_is_not_trashed(journal: Journal) -> None:
    from journal.core.ownership import current_owner

    experiment, (run_id,) = _experiment(journal, "batched")
    batch = _batch(journal, experiment, run_id, owner=current_owner())
    with journal.write() as session, pytest.raises(InvalidInputError) as refused:
        trash_experiments(session, [experiment])
    assert refused.value.message == (
        f"Batch {batch} of experiment {experiment} is still running; stop it first."
    )


def test_emptying_takes_the_batch_item_of_a_deleted_run_along(journal: Journal) -> None:
    experiment, (run_id, other) = _experiment(journal, "batched", runs=2)
    _batch(journal, experiment, run_id)
    with journal.write() as session:
        trash_runs(session, [run_id])
    with journal.write() as session:
        assert empty_trash(session).runs == 1
    # The item it answered goes (it would read "not run yet"); the batch keeps the others.
    assert _rows(journal, "SELECT position, run_id FROM batch_item") == [(2, None)]
    with journal.read() as session:
        assert [run.id for run in runs_of(session, experiment)] == [other]


def test_no_new_run_or_turn_lands_in_the_trash(journal: Journal) -> None:
    from journal.core.runner import RunSpec, record_pending

    experiment, (first, second) = _experiment(journal, "closed", runs=2)
    with journal.write() as session:
        trash_runs(session, [first])
    with journal.write() as session, pytest.raises(InvalidInputError, match="in the trash"):
        record_pending(session, RunSpec(experiment, "m", prompt="more", parent_id=first))
    with journal.write() as session:
        trash_experiments(session, [experiment])
    with journal.write() as session, pytest.raises(InvalidInputError, match="restore"):
        record_pending(session, RunSpec(experiment, "m", prompt="more"))
    with journal.write() as session:  # a migration check still replays what it compares
        record_pending(session, RunSpec(experiment, "m", prompt="again", replay_of_id=second))


def test_a_batch_never_starts_from_the_trash(journal: Journal) -> None:
    experiment, (run_id,) = _experiment(journal, "batch")
    with journal.write() as session:
        trash_runs(session, [run_id])
    with journal.read() as session:
        assert _latest_template(session, experiment) is None
    with journal.write() as session:
        restore_runs(session, [run_id])
        trash_experiments(session, [experiment])
    with (
        BatchRunner(journal, OllamaService(UNREACHABLE_HOST)) as runner,
        pytest.raises(InvalidInputError, match="in the trash"),
    ):
        runner.create(experiment, ["llama3:8b"])


def test_a_run_in_the_trash_is_neither_judged_nor_replayed(journal: Journal) -> None:
    """`journal verdict` and `journal replay` on a run nobody can see would change standings
    and records behind the person's back: both say where the run is instead."""
    _, (run_id,) = _experiment(journal, "judged")
    with journal.write() as session:
        trash_runs(session, [run_id])
    with journal.write() as session, pytest.raises(InvalidInputError, match="in the trash"):
        set_verdict(session, run_id, Verdict.WORKED)
    with pytest.raises(InvalidInputError, match=r"journal restore --run"):
        Replayer(journal, OllamaService(UNREACHABLE_HOST)).fan_out(run_id, [])
    with journal.write() as session:
        restore_runs(session, [run_id])
        assert set_verdict(session, run_id, Verdict.WORKED).verdict is Verdict.WORKED


# -- emptying -----------------------------------------------------------------------------------


def test_emptying_deletes_what_belongs_to_it_and_keeps_other_records_true(journal: Journal) -> None:
    kept, (original,) = _experiment(journal, "kept")
    gone, (gone_run,) = _experiment(journal, "gone")
    with journal.write() as session:
        add_expectation(session, gone, parse_expectation("contains:x"))
        add_rows(session, gone, [RowInput({"word": "kiwi"})])
        record_grade(session, gone_run, list_expectations(session, gone)[0], _passing())
        image = add_image(session, png(), "a.png")
        lonely = add_image(session, png(shade=9), "b.png")
        run = get_run(session, gone_run)
        run.messages = [user_message("look", [image.sha256])]
        session.add(run)
        link_images(session, gone_run, run.messages)
        replay = Run(experiment_id=kept, model="m", replay_of_id=original, status=RunStatus.DONE)
        session.add(replay)
        session.flush()
        replay_id = replay.id
    with journal.write() as session:
        trash_experiments(session, [gone])
        trash_runs(session, [original])
    with journal.read() as session:
        notes = replay_notes(SessionReader(session), [get_run(session, replay_id)])  # type: ignore[arg-type]
        assert notes == {replay_id: f"replays run {original} (in the trash)"}
    with journal.write() as session:
        emptied = empty_trash(session)
    assert (emptied.experiments, emptied.runs, emptied.images) == (1, 2, 2)
    assert emptied.image_bytes == image.size + lonely.size
    assert emptied.summary().startswith("Deleted 1 experiment and 2 runs for good, and freed 2")
    for table in ("grade", "input_row", "expectation", "image", "run_image"):
        assert _rows(journal, f"SELECT count(*) FROM {table}") == [(0,)], table
    with journal.read() as session:
        survivor = get_run(session, replay_id)  # type: ignore[arg-type]
        assert survivor.replay_of_id is None
        assert survivor.replay_info is not None
        assert survivor.replay_info["original_deleted"]["run"] == original
        assert replay_notes(SessionReader(session), [survivor])[replay_id].startswith(  # type: ignore[index]
            f"replays run {original} (deleted "
        )
        assert trash_contents(session) == []


def _passing() -> Any:
    from journal.core.grading import GradeResult, GradeStatus

    return GradeResult(GradeStatus.PASS, "ok", 1.0)


def test_emptying_keeps_a_run_a_migration_check_compares(journal: Journal) -> None:
    experiment, (source,) = _experiment(journal, "checked")
    now = "2026-01-01T00:00:00.000000+00:00"
    with journal.write() as session:
        session.execute(
            text(
                "INSERT INTO migration_check (uuid, target_model, status, created_at, updated_at) "
                "VALUES ('c', 'm', 'done', :now, :now)"
            ),
            {"now": now},
        )
        session.execute(
            text(
                "INSERT INTO migration_check_item (check_id, position, source_run_id) "
                "VALUES (1, 1, :run)"
            ),
            {"run": source},
        )
    with journal.read() as session:
        assert [item.source_in_trash for item in check_items(session, 1)] == [False]
    with journal.write() as session:
        trash_experiments(session, [experiment])
    with journal.read() as session:
        (item,) = check_items(session, 1)
        assert item.source_in_trash and item.source_run_id == source
    with journal.write() as session:
        emptied = empty_trash(session)
    assert (emptied.experiments, emptied.runs) == (0, 0)
    assert f"Kept run {source} in the trash: migration check 1 compares it." in emptied.kept_lines()
    assert KEPT_CHECKED_RUN in {said.template for said in emptied.kept}  # said as a template
    assert _rows(journal, "SELECT source_run_id FROM migration_check_item") == [(source,)]
    with journal.read() as session:
        assert [item.id for item in trash_contents(session)] == [experiment]


# -- archive and duplicate ----------------------------------------------------------------------


def test_archived_leaves_only_the_default_list(journal: Journal) -> None:
    shown, _ = _experiment(journal, "shown", word="puffin")
    shelved, _ = _experiment(journal, "shelved", word="puffin")
    with journal.write() as session:
        assert set_archived(session, [shelved]) == [shelved]
    assert _listed(journal) == [shown]
    assert _listed(journal, archived=ARCHIVED_ONLY) == [shelved]
    assert _listed(journal, archived=ARCHIVED_TOO) == [shelved, shown]
    with journal.read() as session:
        hits = search(session, "puffin")
        assert [(hit.experiment_id, hit.archived) for hit in hits] == [
            (shelved, True),
            (shown, False),
        ]
        assert count_selection(session, ExportSelection()) == (2, 2)
    with journal.write() as session:
        assert set_archived(session, [shelved], archived=False) == [shelved]
    assert _listed(journal) == [shelved, shown]


def test_duplicate_copies_expectations_and_inputs_not_runs(journal: Journal) -> None:
    source, (run_id,) = _experiment(journal, "original")
    with journal.write() as session:
        add_expectation(session, source, parse_expectation("contains:Paris"))
        add_rows(session, source, [RowInput({"city": "Paris"}, ("contains:Seine",))])
        session.execute(
            text("UPDATE experiment SET tags = '[\"geo\"]', hypothesis = 'h' WHERE id = :id"),
            {"id": source},
        )
    with journal.write() as session:
        copy = duplicate_experiment(session, source)
    assert (copy.expectations, copy.input_rows) == (1, 1)
    assert copy.draft["run_id"] == run_id and copy.draft["prompt"] == "original prompt 0"
    with journal.read() as session:
        new = list_experiments(session)[0]
        assert (new.id, new.title, new.tags, new.run_count) == (
            copy.experiment_id,
            "original (copy)",
            ["geo"],
            0,
        )
        assert [e.text for e in list_expectations(session, copy.experiment_id)] == [
            "contains:Paris"
        ]
        rows = list_rows(session, copy.experiment_id)
        assert [(row.values, list(row.expectations)) for row in rows] == [
            ({"city": "Paris"}, ["contains:Seine"])
        ]
        assert rows[0].uuid != list_rows(session, source)[0].uuid


# -- export, import and recovery ------------------------------------------------------------------


def test_export_leaves_the_trash_out_and_carries_the_archive(
    journal: Journal, tmp_path: Path
) -> None:
    from journal.core.import_markdown import import_markdown

    kept, (run_id, trashed_run) = _experiment(journal, "kept", runs=2)
    gone, _ = _experiment(journal, "gone")
    with journal.write() as session:
        set_archived(session, [kept])
        trash_runs(session, [trashed_run])
        trash_experiments(session, [gone])
    out = io.StringIO()
    result = export_to_stream(journal, out, exported_at=datetime(2026, 1, 1, tzinfo=UTC))
    assert (result.experiments, result.runs) == (1, 1)
    assert "trashed_at" not in out.getvalue() and '"archived_at"' in out.getvalue()
    exported = tmp_path / "export.md"
    exported.write_text(out.getvalue(), encoding="utf-8")
    with Journal.open(tmp_path / "other.sqlite") as other:
        import_markdown(other, exported)
        assert _listed(other) == [] and _listed(other, archived=ARCHIVED_ONLY) == [kept]
        assert _rows(other, "SELECT id FROM run") == [(run_id,)]


def test_a_schema_10_journal_recovers_with_its_marks(journal: Journal, tmp_path: Path) -> None:
    from journal.core.recover import recover_journal

    kept, _ = _experiment(journal, "kept")
    gone, _ = _experiment(journal, "gone")
    with journal.write() as session:
        set_archived(session, [kept])
        trash_experiments(session, [gone])
    target = tmp_path / "recovered.sqlite"
    assert recover_journal(journal.path, target).complete
    with Journal.open(target) as recovered:
        assert _listed(recovered) == [] and _listed(recovered, archived=ARCHIVED_ONLY) == [kept]
        with recovered.read() as session:
            assert [item.id for item in trash_contents(session)] == [gone]
