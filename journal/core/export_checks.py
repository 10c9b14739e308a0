"""The migration checks of an export (format 10): a readable section each, then its records,
so a journal rebuilt from its export keeps its checks. One file: a "Migration checks" part
after the experiments; a folder: `checks/<NNNN>-<slug>.md` each, and a table in index.md.

A check is exported when the export holds every run it names (its source runs and the
replays made so far): the importer links items to runs by uuid, and a check item cannot
stand without its source run. A check missing some is named, with the runs it lacks, under
the "Migration checks" heading, and left out. The standing of each item is what
check_triage says from the replay's grades and verdict, which the export carries too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from journal.core.domain import RunStatus, Verdict
from journal.core.export_records import RawReader, json_columns, read_record
from journal.core.export_target import new_text_file
from journal.core.export_text import code, heading, inline, run_anchor, when
from journal.core.formatting import plural
from journal.core.notebook_format import (
    CHECK_LAYOUT,
    CHECKS_DIR,
    FORMAT_KEY,
    FORMAT_VERSION,
    INDEX_NAME,
    KIND_CHECK,
    KIND_CHECK_ITEM,
    KIND_END,
    LAYOUT_KEY,
    NEW_RUN_UUID,
    SOURCE_RUN_UUID,
    ProseDigest,
    end_record,
    experiment_file_name,
    front_matter,
    metadata_block,
    runs_not_held,
    text_block,
)

if TYPE_CHECKING:  # check_triage reads with the ORM: imported only when there are checks
    from journal.core.check_triage import Group

# Process bookkeeping: meaningless in another journal, never exported.
LEFT_OUT_COLUMNS = ("owner", "heartbeat_at")
# By check_triage.Group, in its order.
_STANDING = {
    "pass": "passes",
    "fail": "fails",
    "needs a look": "needs a look",
    "grading": "grading",
    "pending": "not replayed yet",
}
_HEADING = "Migration checks"


@dataclass(frozen=True)
class CheckRun:
    """A run an item names: its id, uuid and experiment (for a link to its anchor)."""

    run_id: int
    uuid: str
    experiment_id: int
    experiment_title: str
    model: str


@dataclass
class CheckItemEntry:
    position: int
    source: CheckRun
    replay: CheckRun | None
    standing: str = ""
    group: Group | None = None  # read_checks sets every item's


@dataclass
class CheckEntry:
    record: dict[str, Any]  # its columns, less LEFT_OUT_COLUMNS
    items: list[CheckItemEntry] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)  # run ids this export does not hold

    @property
    def file_name(self) -> str:
        return experiment_file_name(int(self.record["id"]), str(self.record.get("name") or ""))


_ITEMS = """
    SELECT i.check_id, i.position, s.id, s.uuid, s.experiment_id, es.title,
        n.id, n.uuid, n.experiment_id, en.title, n.status, n.verdict, s.model, n.model,
        s.id IN held, n.id IS NULL OR n.id IN held
    FROM migration_check_item AS i JOIN run AS s ON s.id = i.source_run_id
        JOIN experiment AS es ON es.id = s.experiment_id
        LEFT JOIN run AS n ON n.id = i.new_run_id
        LEFT JOIN experiment AS en ON en.id = n.experiment_id
    ORDER BY i.check_id, i.position
"""


def read_checks(
    reader: RawReader, where: str, params: dict[str, Any], *, whole: bool = True
) -> list[CheckEntry]:
    """Every check, by id, with its items; `where` selects the exported experiments (alias
    e), so a run is held when it is out of the trash and its experiment is selected. A
    check of no runs belongs to no experiment: only an export of the `whole` journal has it."""
    keys, found = reader.keyed("SELECT * FROM migration_check ORDER BY id")
    if not found:
        return []
    from journal.core.check_triage import outcomes_of, triage_item

    json_of = json_columns(reader, "migration_check")
    checks: dict[int, CheckEntry] = {}
    for row in found:
        record = read_record("migration_check", keys, row, json_of)
        for name in LEFT_OUT_COLUMNS:
            record.pop(name, None)
        checks[record["id"]] = CheckEntry(record)
    held = (
        "WITH held AS (SELECT r.id FROM run AS r JOIN experiment AS e "
        f"ON e.id = r.experiment_id WHERE r.trashed_at IS NULL AND {where})"
    )
    replays: list[tuple[CheckItemEntry, str | None, str | None]] = []
    for row in reader.rows(held + _ITEMS, params):
        check = checks[row[0]]
        source = CheckRun(row[2], str(row[3]), row[4], str(row[5] or ""), str(row[12]))
        replay = None
        if row[6] is not None:
            replay = CheckRun(row[6], str(row[7]), row[8], str(row[9] or ""), str(row[13]))
        item = CheckItemEntry(row[1], source, replay)
        check.items.append(item)
        if not row[14]:
            check.missing.append(source.run_id)
        if not row[15] and replay is not None:
            check.missing.append(replay.run_id)
        replays.append((item, row[10], row[11]))
    ran = [item.replay.run_id for item, _, _ in replays if item.replay]
    outcomes = outcomes_of(reader.session(), ran) if ran else {}
    for item, status, verdict in replays:
        triage = triage_item(
            RunStatus(status) if status else None,
            Verdict(verdict) if verdict else None,
            outcomes.get(item.replay.run_id) if item.replay else None,
        )
        item.group = triage.group
        item.standing = (
            f"verdict: {verdict}" if triage.by_verdict and verdict else _STANDING[triage.group]
        )
    return [check for check in checks.values() if check.items or whole]


def _left_out(checks: list[CheckEntry]) -> str:
    """One line for each check this export cannot carry, naming the runs it lacks."""
    lines = []
    for check in checks:
        if check.missing:
            runs = ", ".join(str(run) for run in sorted(set(check.missing)))
            lines.append(
                f"*Check {check.record['id']} ({_name(check)}) is left out: "
                f"{runs_not_held(runs)}.*\n\n"
            )
    return "".join(lines)


def write_checks(
    checks: list[CheckEntry], write: Callable[[str], object], *, metadata: bool, lead: str = ""
) -> tuple[int, int, str]:
    """The "Migration checks" part of a one-file export, `lead` (readable text before it)
    hashed with the first check's text; return (checks, items) exported and the readable
    text left to write, which no check's hash covers (the caller covers it, format 11)."""
    if not checks:
        return 0, 0, lead
    head = lead + heading(2, _HEADING) + _left_out(checks)
    exported = items = 0
    for check in checks:
        if check.missing:
            continue
        prose = ProseDigest()
        for piece in _check_prose(check, 3, head, _anchor_here):
            prose.add_text(piece)
            write(piece)
        head = ""
        if metadata:
            write(text_block(prose) + "".join(_blocks(check)) + "\n")
        exported += 1
        items += len(check.items)
    return exported, items, head


def write_check_files(folder: Path, checks: list[CheckEntry]) -> tuple[str, int, int]:
    """A folder export's check files in CHECKS_DIR (made for the first one); return the
    index's part about them and (checks, items) exported."""
    if not checks:
        return "", 0, 0
    rows = ["| Check | Created | Target | Items | Standing |\n|---|---|---|--:|---|\n"]
    exported = items = 0
    for check in checks:
        if check.missing:
            continue
        if not exported:
            (folder / CHECKS_DIR).mkdir()
        with new_text_file(folder / CHECKS_DIR / check.file_name) as out:
            out.write(front_matter({FORMAT_KEY: FORMAT_VERSION, LAYOUT_KEY: CHECK_LAYOUT}))
            out.write("\n")
            prose = ProseDigest()
            for piece in _check_prose(check, 1, "", _anchor_in_folder):
                prose.add_text(piece)
                out.write(piece)
            out.write(text_block(prose) + "".join(_blocks(check)) + "\n")
            counts = end_record(runs=0, checks=1, check_items=len(check.items))
            out.write(metadata_block(KIND_END, counts, one_line=True))
        record = check.record
        cells = [
            f"[{record['id']} · {_name(check)}]({CHECKS_DIR}/{check.file_name})",
            when(record.get("created_at")).split(" ", 1)[0],
            code(str(record.get("target_model") or "")),
            str(len(check.items)),
            _counts(check, " · "),
        ]
        rows.append("| " + " | ".join(cells) + " |\n")
        exported += 1
        items += len(check.items)
    index = heading(2, _HEADING) + _left_out(checks)
    return index + ("".join(rows) + "\n" if exported else ""), exported, items


def _name(check: CheckEntry) -> str:
    return inline(check.record.get("name") or "") or "(unnamed)"


def _anchor_here(run: CheckRun) -> str:
    return f"[run {run.run_id}](#{run_anchor(run.uuid)})"


def _anchor_in_folder(run: CheckRun) -> str:
    where = experiment_file_name(run.experiment_id, run.experiment_title)
    return f"[run {run.run_id}](../{where}#{run_anchor(run.uuid)})"


def _counts(check: CheckEntry, separator: str) -> str:
    counts = dict.fromkeys(_STANDING, 0)
    for item in check.items:
        counts[item.group or "pending"] += 1
    return separator.join(f"{count} {_STANDING[group]}" for group, count in counts.items() if count)


def _check_prose(
    check: CheckEntry, level: int, head: str, link: Callable[[CheckRun], str]
) -> Iterator[str]:
    record = check.record
    yield head + heading(level, f"Check {record.get('id')} · {_name(check)}")
    facts = [
        f"created {when(record.get('created_at'))}",
        inline(str(record.get("status") or "")),
        f"to {code(str(record.get('target_model') or ''))}",
        plural(len(check.items), "item"),
    ]
    if record.get("finished_at"):
        facts.append(f"finished {when(record['finished_at'])}")
    line = f"*{' · '.join(facts)}*"
    if level == 1:
        line += f" · [index](../{INDEX_NAME})"
    models = dict.fromkeys(code(item.source.model) for item in check.items)
    if models:
        line += "  \n**From:** " + ", ".join(models)
    yield line + "\n\n"
    if check.items:
        rows = ["| # | Source run | Replay | Standing |\n|--:|---|---|---|\n"]
        for item in check.items:
            replay = "—" if item.replay is None else link(item.replay)
            source = link(item.source)
            rows.append(f"| {item.position} | {source} | {replay} | {item.standing} |\n")
        yield "".join(rows) + "\n"
        yield f"**Standing:** {_counts(check, ' · ')}\n\n"


def _blocks(check: CheckEntry) -> Iterator[str]:
    yield metadata_block(KIND_CHECK, check.record, one_line=True)
    for item in check.items:
        record = {"position": item.position, SOURCE_RUN_UUID: item.source.uuid}
        record[NEW_RUN_UUID] = None if item.replay is None else item.replay.uuid
        yield metadata_block(KIND_CHECK_ITEM, record, one_line=True)


__all__ = ["CheckEntry", "read_checks", "write_check_files", "write_checks"]
