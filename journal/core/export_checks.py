"""The migration checks of a one-file export (format 10): a readable section each, then
its records, so a journal rebuilt from its export keeps its checks.

A check is exported when the export holds every run it names (its source runs and the
replays made so far): the importer links items to runs by uuid and a check item cannot
stand without its source run. A check missing some is named, with the runs it lacks, in a
line under the "Migration checks" heading, and left out. The standing of each item is what
check_triage says from the replay's grades and verdict, which the export carries too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from journal.core import export_markdown as md
from journal.core.check_triage import Group, outcomes_of, triage_item
from journal.core.domain import RunStatus, Verdict
from journal.core.formatting import plural
from journal.core.notebook_format import (
    KIND_CHECK,
    KIND_CHECK_ITEM,
    NEW_RUN_UUID,
    SOURCE_RUN_UUID,
    ProseDigest,
    metadata_block,
    text_block,
)

# Process bookkeeping: meaningless in another journal, never exported.
LEFT_OUT_COLUMNS = ("owner", "heartbeat_at")
_STANDING = {
    Group.PASS: "passes",
    Group.FAIL: "fails",
    Group.NEEDS_LOOK: "needs a look",
    Group.GRADING: "grading",
    Group.PENDING: "not replayed yet",
}


@dataclass
class CheckItemEntry:
    position: int
    source_id: int
    source_uuid: str
    source_model: str
    new_id: int | None
    new_uuid: str | None
    standing: str = ""
    group: Group = Group.PENDING


@dataclass
class CheckEntry:
    record: dict[str, Any]  # its columns, less LEFT_OUT_COLUMNS
    items: list[CheckItemEntry] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)  # run ids this export does not hold


_ITEMS = """
    SELECT i.check_id, i.position, s.id, s.uuid, s.model, n.id, n.uuid, n.status, n.verdict,
        s.id IN held, n.id IS NULL OR n.id IN held
    FROM migration_check_item AS i JOIN run AS s ON s.id = i.source_run_id
        LEFT JOIN run AS n ON n.id = i.new_run_id
    ORDER BY i.check_id, i.position
"""


def read_checks(session: Session, where: str, params: dict[str, Any]) -> list[CheckEntry]:
    """Every check, by id, with its items; `where` selects the exported experiments (alias
    e), so a run is held when it is out of the trash and its experiment is selected."""
    json_columns = md._json_columns(session, "migration_check")
    result = session.execute(text("SELECT * FROM migration_check ORDER BY id"))
    keys = list(result.keys())
    checks: dict[int, CheckEntry] = {}
    for row in result:
        record = md._record("migration_check", keys, row, json_columns)
        for name in LEFT_OUT_COLUMNS:
            record.pop(name, None)
        checks[record["id"]] = CheckEntry(record)
    replays: list[tuple[CheckItemEntry, str, str | None]] = []
    held = (
        "WITH held AS (SELECT r.id FROM run AS r JOIN experiment AS e "
        f"ON e.id = r.experiment_id WHERE r.trashed_at IS NULL AND {where})"
    )
    for row in session.execute(text(held + _ITEMS), params):
        check = checks[row[0]]
        item = CheckItemEntry(row[1], row[2], str(row[3]), str(row[4]), row[5], row[6])
        check.items.append(item)
        if not row[9]:
            check.missing.append(row[2])
        if not row[10]:
            check.missing.append(row[5])
        replays.append((item, row[7], row[8]))
    outcomes = outcomes_of(session, [item.new_id for item, _, _ in replays if item.new_id])
    for item, status, verdict in replays:
        triage = triage_item(
            RunStatus(status) if status else None,
            Verdict(verdict) if verdict else None,
            outcomes.get(item.new_id or 0),
        )
        item.group = triage.group
        item.standing = (
            f"verdict: {verdict}" if triage.by_verdict and verdict else _STANDING[triage.group]
        )
    return list(checks.values())


def write_checks(
    checks: list[CheckEntry], write: Callable[[str], object], *, metadata: bool
) -> tuple[int, int]:
    """The "Migration checks" part of a one-file export; (checks, items) exported."""
    if not checks:
        return 0, 0
    left_out = [check for check in checks if check.missing]
    head = md._heading(2, "Migration checks")
    for check in left_out:
        runs = ", ".join(str(run) for run in sorted(set(check.missing)))
        head += (
            f"*Check {check.record['id']} ({_name(check)}) is left out: runs {runs} "
            "are not in this export.*\n\n"
        )
    exported = items = 0
    for check in checks:
        if check.missing:
            continue
        prose = ProseDigest()
        for piece in _check_prose(check, head):
            prose.add_text(piece)
            write(piece)
        head = ""
        if metadata:
            write(text_block(prose) + "".join(_blocks(check)) + "\n")
        exported += 1
        items += len(check.items)
    if head:
        write(head)
    return exported, items


def _name(check: CheckEntry) -> str:
    return md._inline(check.record.get("name") or "") or "(unnamed)"


def _check_prose(check: CheckEntry, head: str) -> Iterator[str]:
    record = check.record
    yield head + md._heading(3, f"Check {record.get('id')} · {_name(check)}")
    facts = [
        f"created {md._when(record.get('created_at'))}",
        md._inline(str(record.get("status") or "")),
        f"to {md._code(str(record.get('target_model') or ''))}",
        plural(len(check.items), "item"),
    ]
    if record.get("finished_at"):
        facts.append(f"finished {md._when(record['finished_at'])}")
    line = f"*{' · '.join(facts)}*"
    models = list(dict.fromkeys(item.source_model for item in check.items))
    if models:
        line += "  \n**From:** " + ", ".join(md._code(model) for model in models)
    yield line + "\n\n"
    if check.items:
        rows = ["| # | Source run | Replay | Standing |\n|--:|---|---|---|\n"]
        for item in check.items:
            replay = "—"
            if item.new_id is not None:
                replay = f"[run {item.new_id}](#{md.run_anchor(item.new_uuid)})"
            source = f"[run {item.source_id}](#{md.run_anchor(item.source_uuid)})"
            rows.append(f"| {item.position} | {source} | {replay} | {item.standing} |\n")
        yield "".join(rows) + "\n"
    counts = {group: 0 for group in _STANDING}
    for item in check.items:
        counts[item.group] += 1
    shown = [f"{count} {_STANDING[group]}" for group, count in counts.items() if count]
    if shown:
        yield f"**Standing:** {' · '.join(shown)}\n\n"


def _blocks(check: CheckEntry) -> Iterator[str]:
    yield metadata_block(KIND_CHECK, check.record, one_line=True)
    for item in check.items:
        record = {"position": item.position, SOURCE_RUN_UUID: item.source_uuid}
        record[NEW_RUN_UUID] = item.new_uuid
        yield metadata_block(KIND_CHECK_ITEM, record, one_line=True)


__all__ = ["CheckEntry", "read_checks", "write_checks"]
