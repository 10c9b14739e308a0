"""A recovered journal keeps its conversations (each run's parent), formats and images,
checked and mended like the other tables (see test_recover for the real damage): a run whose
parent was lost keeps its text without the link, an image whose bytes no longer match their
SHA-256 is dropped, and links from runs to images go with a lost run or image."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

from sqlmodel import col, select

from journal.core.images import link_images
from journal.core.models import ImageRow, Run
from journal.core.recover import recover_journal
from journal.core.storage import Journal
from tests.core.test_recover import EXPERIMENTS, build_journal, damage_middle_leaf, table_rows

IMAGES = [bytes([n]) * (200 + n) for n in range(3)]
SHAS = [hashlib.sha256(data).hexdigest() for data in IMAGES]
SCHEMA = {"type": "object", "properties": {"river": {"type": "string"}}}


def add_conversations(path: Path) -> None:
    """In each experiment the second run follows the first and the third the second; the
    second is asked for JSON, the third for SCHEMA; the first shows an image of three."""
    with Journal.open(path) as journal, journal.write() as session:
        for number, data in enumerate(IMAGES):
            session.add(
                ImageRow(
                    sha256=SHAS[number],
                    mime="image/png",
                    size=len(data),
                    width=1,
                    height=1,
                    data=data,
                )
            )
        session.flush()
        for experiment in range(1, EXPERIMENTS + 1):
            runs = session.exec(
                select(Run).where(Run.experiment_id == experiment).order_by(col(Run.id))
            ).all()
            runs[1].parent_id, runs[1].format = runs[0].id, "json"
            runs[2].parent_id, runs[2].format = runs[1].id, SCHEMA
            shown = SHAS[experiment % len(SHAS)]
            runs[0].messages = [{**runs[0].messages[0], "images": [shown]}]
            for run in runs:
                session.add(run)
            assert runs[0].id is not None
            link_images(session, runs[0].id, runs[0].messages)


def _all(path: Path, query: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(query).fetchall()
    finally:
        conn.close()


IMAGE_ROWS = "SELECT sha256, mime, size, width, height, data, created_at FROM image ORDER BY 1"
LINKS = "SELECT run_id, sha256 FROM run_image ORDER BY run_id, sha256"


def test_an_intact_journal_keeps_its_conversations_formats_and_images(tmp_path: Path) -> None:
    built = build_journal(tmp_path / "damaged.sqlite")
    add_conversations(built.path)
    target = tmp_path / "recovered.sqlite"

    report = recover_journal(built.path, target)

    assert report.complete
    assert report.table("image").copied == 3 and "3 images" in report.summary()
    assert report.table("run_image").copied == EXPERIMENTS
    runs, kept = table_rows(built.path, "run"), table_rows(target, "run")
    assert {i: (r["parent_id"], r["format"]) for i, r in kept.items()} == {
        i: (r["parent_id"], r["format"]) for i, r in runs.items()
    }
    assert _all(target, IMAGE_ROWS) == _all(built.path, IMAGE_ROWS)
    assert _all(target, LINKS) == _all(built.path, LINKS)
    assert not report.runs_unlinked_from_parents and not report.images_dropped
    with Journal.open(target) as journal, journal.read() as session:
        third = session.get(Run, 3)
        assert third is not None and third.format == SCHEMA and third.parent_id == 2


def test_runs_whose_parent_was_lost_keep_their_text_without_the_link(tmp_path: Path) -> None:
    built = build_journal(tmp_path / "damaged.sqlite")
    add_conversations(built.path)
    runs = table_rows(built.path, "run")
    links = _all(built.path, LINKS)
    lost = set(damage_middle_leaf(built.path, "run"))
    target = tmp_path / "recovered.sqlite"

    report = recover_journal(built.path, target)

    orphaned = sorted(r for r, row in runs.items() if r not in lost and row["parent_id"] in lost)
    assert orphaned and report.runs_unlinked_from_parents == orphaned
    kept = table_rows(target, "run")
    for run in orphaned:
        assert kept[run]["parent_id"] is None and kept[run]["response"] == runs[run]["response"]
    others = set(kept) - set(orphaned)
    assert all(kept[run]["parent_id"] == runs[run]["parent_id"] for run in others)
    dropped = [link for link in links if link[0] in lost]
    assert dropped and report.image_links_dropped == len(dropped)
    assert _all(target, LINKS) == [link for link in links if link[0] not in lost]
    summary = report.summary()
    assert "whose parent (the turn before it) was lost keep" in summary
    assert f"{len(dropped)} links from a run to an image whose run or image was lost" in summary


def test_an_image_whose_bytes_do_not_match_its_hash_is_dropped(tmp_path: Path) -> None:
    built = build_journal(tmp_path / "damaged.sqlite")
    add_conversations(built.path)
    conn = sqlite3.connect(built.path)
    conn.execute("UPDATE image SET data = X'00' WHERE sha256 = ?", (SHAS[1],))
    conn.execute("UPDATE run SET format = '7' WHERE id = 2")  # no format Ollama takes
    conn.commit()
    conn.close()
    links = _all(built.path, LINKS)
    target = tmp_path / "recovered.sqlite"

    report = recover_journal(built.path, target)

    assert report.images_dropped == [SHAS[1]]
    assert [row[0] for row in _all(target, IMAGE_ROWS)] == sorted([SHAS[0], SHAS[2]])
    assert _all(target, LINKS) == [link for link in links if link[1] != SHAS[1]]
    showing = len([link for link in links if link[1] == SHAS[1]])
    assert report.image_links_dropped == showing
    assert report.table("run").skipped_ids == [2]
    assert report.runs_unlinked_from_parents == [3]
    summary = report.summary()
    assert "1 image whose values are damaged was left out" in summary
    assert "1 image whose bytes no longer match its SHA-256 was dropped" in summary
