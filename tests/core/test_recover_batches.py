"""A recovered journal keeps its batches and their items, and each run's host and input
row, checked and mended like the other tables (see test_recover for the real damage)."""

from __future__ import annotations

from pathlib import Path

from sqlmodel import col, select

from journal.core.input_sets import add_row, check_row
from journal.core.models import Batch, BatchItem, CheckStatus, Run
from journal.core.recover import recover_journal
from journal.core.storage import Journal
from tests.core.test_recover import EXPERIMENTS, build_journal, damage_middle_leaf, table_rows


def add_batches(path: Path, padding: str = "") -> None:
    """An input row per experiment; every run made from its experiment's row on a host; a
    batch per experiment over its runs, the last one left running by a program gone."""
    with Journal.open(path) as journal, journal.write() as session:
        for experiment in range(1, EXPERIMENTS + 1):
            row = add_row(
                session,
                experiment,
                check_row({"river": f"brook{experiment}{padding}"}, ["contains:b"]),
            )
            batch = Batch(
                experiment_id=experiment,
                name=f"batch {experiment}",
                prompt="Name {{river}}",
                options={"seed": experiment},
                think=experiment % 2 == 0,
                models=[{"name": "llama3:8b", "digest": "abc"}],
                hosts=[{"host": "http://a:11434"}],
                status=CheckStatus.RUNNING if experiment == EXPERIMENTS else CheckStatus.DONE,
                owner="gone" if experiment == EXPERIMENTS else "",
            )
            session.add(batch)
            session.flush()
            assert batch.id is not None
            runs = session.exec(
                select(Run).where(Run.experiment_id == experiment).order_by(col(Run.id))
            ).all()
            for position, run in enumerate(runs, start=1):
                run.host = f"http://gpu{experiment % 3}:11434"
                run.input_row_id = row.id
                session.add(run)
                session.add(
                    BatchItem(
                        batch_id=batch.id,
                        position=position,
                        input_row_id=row.id,
                        variables={"river": f"brook{experiment}"},
                        model="llama3:8b",
                        run_id=run.id,
                    )
                )


def test_an_intact_journal_keeps_its_batches_items_hosts_and_rows(tmp_path: Path) -> None:
    built = build_journal(tmp_path / "damaged.sqlite")
    add_batches(built.path)
    target = tmp_path / "recovered.sqlite"

    report = recover_journal(built.path, target)

    assert report.complete
    assert report.table("batch").copied == EXPERIMENTS
    assert report.table("batch_item").copied == len(table_rows(built.path, "batch_item"))
    assert f"{EXPERIMENTS} batches" in report.summary()
    assert report.interrupted_batches == [EXPERIMENTS]
    assert "1 batch left running is now marked interrupted" in report.summary()
    batches = table_rows(built.path, "batch")
    recovered = table_rows(target, "batch")
    assert recovered[EXPERIMENTS]["status"] == "interrupted"
    assert recovered[EXPERIMENTS]["owner"] == ""
    for table in (batches, recovered):
        for row in table.values():
            for changed in ("status", "owner", "heartbeat_at", "finished_at"):
                row.pop(changed)
    assert recovered == batches
    assert table_rows(target, "batch_item") == table_rows(built.path, "batch_item")
    runs, kept = table_rows(built.path, "run"), table_rows(target, "run")
    assert {i: (r["host"], r["input_row_id"]) for i, r in kept.items()} == {
        i: (r["host"], r["input_row_id"]) for i, r in runs.items()
    }
    with Journal.open(target) as journal, journal.read() as session:
        batch = session.get(Batch, 1)
        assert batch is not None and batch.models == [{"name": "llama3:8b", "digest": "abc"}]


def test_items_of_lost_runs_keep_their_batch_without_the_run(tmp_path: Path) -> None:
    built = build_journal(tmp_path / "damaged.sqlite")
    add_batches(built.path)
    items = table_rows(built.path, "batch_item")
    lost = set(damage_middle_leaf(built.path, "run"))
    target = tmp_path / "recovered.sqlite"

    report = recover_journal(built.path, target)

    unlinked = sorted(item for item, row in items.items() if row["run_id"] in lost)
    assert unlinked and report.batch_items_unlinked == unlinked
    assert report.table("batch").copied == EXPERIMENTS
    after = table_rows(target, "batch_item")
    assert after == {
        item: {**row, "run_id": None if item in unlinked else row["run_id"]}
        for item, row in items.items()
    }
    assert f"{len(unlinked)} batch items whose run or input row was lost" in report.summary()


def test_lost_input_rows_leave_their_runs_and_items_without_the_link(tmp_path: Path) -> None:
    built = build_journal(tmp_path / "damaged.sqlite")
    add_batches(built.path, padding="x" * 1500)  # rows big enough to fill several pages
    lost = set(damage_middle_leaf(built.path, "input_row"))
    runs = table_rows(built.path, "run")
    target = tmp_path / "recovered.sqlite"

    report = recover_journal(built.path, target)

    orphaned = sorted(run for run, row in runs.items() if row["input_row_id"] in lost)
    assert orphaned and report.runs_unlinked_from_rows == orphaned
    assert all(table_rows(target, "run")[run]["input_row_id"] is None for run in orphaned)
    assert report.table("batch_item").copied == len(table_rows(target, "batch_item"))
    assert all(row["input_row_id"] not in lost for row in table_rows(target, "batch_item").values())
