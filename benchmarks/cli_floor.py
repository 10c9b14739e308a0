"""The floor the CLI is measured against: Python scripts that use nothing but `sqlite3`.

Each script opens the journal file read-only, runs the statement the journal's command runs
and prints the same rows (for export: writes the same fields to a file), in a fresh
`python -c` process as the journal's command is one. Nothing here imports the journal: a
floor that paid for its imports would not be a floor. tests/test_benchmarks_cli_peers.py
holds each script's rows equal to the journal command's on a small journal.
"""

from __future__ import annotations

import sys
from pathlib import Path

_OPEN = """
import json, sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
"""

# `journal search WORD` (not a terminal: [ ] around the match), newest experiments first.
SEARCH = (
    _OPEN
    + """
word, limit = sys.argv[2], int(sys.argv[3])
query = '"' + word.replace('"', '""') + '"*'
sql = '''SELECT s.rowid, e.title, snippet(search, -1, '[', ']', '…', 12),
    e.archived_at IS NOT NULL,
    e.trashed_at IS NOT NULL OR ((s.rowid & 4294967295) != 0 AND EXISTS (
        SELECT 1 FROM run AS r WHERE r.id = s.rowid & 4294967295 AND r.trashed_at IS NOT NULL))
    FROM search AS s CROSS JOIN experiment AS e ON e.id = s.rowid >> 32
    WHERE search MATCH ? AND s.rowid < ? ORDER BY s.rowid DESC LIMIT ?'''
hits = {}
before, batch = 2**63 - 1, max(4 * limit, 40)
while len(hits) < limit:
    rows = db.execute(sql, (query, before, batch)).fetchall()
    for rowid, title, snippet, archived, hidden in rows:
        if not hidden and rowid >> 32 not in hits and len(hits) < limit:
            hits[rowid >> 32] = (title, snippet, archived)
    if len(rows) < batch:
        break
    before = rows[-1][0]
out = []
for number, (title, snippet, archived) in hits.items():
    shelf = " [archived]" if archived else ""
    out.append(f"{number}: {title or '(untitled)'}{shelf}\\n    {' '.join(snippet.split())}\\n")
sys.stdout.write("".join(out))
"""
)

# `journal list --limit N --json`: the page's summaries, then the page's standings.
LIST_JSON = (
    _OPEN
    + """
limit = int(sys.argv[2])
rows = db.execute('''SELECT e.id, e.uuid, e.title, e.tags, e.created_at, e.updated_at,
    (SELECT count(*) FROM run WHERE experiment_id = e.id AND trashed_at IS NULL),
    last.model, last.verdict, last.created_at, e.archived_at IS NOT NULL
    FROM experiment AS e LEFT JOIN run AS last ON last.id = (
        SELECT max(id) FROM run WHERE experiment_id = e.id AND trashed_at IS NULL)
    WHERE e.trashed_at IS NULL AND e.archived_at IS NULL ORDER BY e.id DESC LIMIT ?''',
    (limit,)).fetchall()
key = "(CASE WHEN instr(substr({0}, length(rtrim({0}, replace({0}, '/', ''))) + 1), ':') " \\
    "THEN {0} ELSE {0} || ':latest' END)"
standings = {}
if rows:
    ids = ", ".join(str(row[0]) for row in rows)
    for number, name, verdict in db.execute(f'''SELECT experiment_id, name, verdict FROM (
        SELECT r.experiment_id, {key.format("r.model")} AS name, r.verdict, row_number() OVER (
            PARTITION BY r.experiment_id, {key.format("r.model")}
            ORDER BY r.verdict IS NOT NULL DESC, r.id DESC) AS rank
        FROM run AS r WHERE r.experiment_id IN ({ids}) AND r.trashed_at IS NULL
            AND (r.status = 'done' OR r.verdict IS NOT NULL))
        WHERE rank = 1 ORDER BY experiment_id, name'''):
        standings.setdefault(number, []).append({"model": name, "verdict": verdict})
fields = ("id", "uuid", "title", "tags", "created_at", "updated_at", "run_count",
    "last_model", "last_verdict", "last_run_at")
records = []
for row in rows:
    record = dict(zip(fields, row))
    record["tags"] = json.loads(record["tags"])
    record.update(snippet=None, pass_rate=None, standings=standings.get(row[0], []),
        archived=bool(row[10]))
    records.append(record)
json.dump(records, sys.stdout, ensure_ascii=False, indent=2)
sys.stdout.write("\\n")
"""
)

# `journal show ID --json`: the experiment and its runs (the rows; not the grades' summary).
SHOW_JSON = (
    _OPEN
    + """
db.row_factory = sqlite3.Row
number = int(sys.argv[2])
experiment = dict(db.execute("SELECT * FROM experiment WHERE id = ?", (number,)).fetchone())
experiment["runs"] = [dict(row) for row in db.execute(
    "SELECT * FROM run WHERE experiment_id = ? AND trashed_at IS NULL ORDER BY id", (number,))]
json.dump(experiment, sys.stdout, ensure_ascii=False, indent=2)
sys.stdout.write("\\n")
"""
)

# `journal matrix --json`: a page of experiments x (model, digest), latest verdicts, each
# cell under its column's label (the model and the digest's first 12 characters).
MATRIX_JSON = (
    _OPEN
    + """
limit = int(sys.argv[2])
found = db.execute('''WITH page AS (
        SELECT e.id, e.title FROM experiment AS e WHERE e.trashed_at IS NULL
        ORDER BY e.id DESC LIMIT ?),
    cells AS (
        SELECT r.experiment_id, r.model, r.model_digest, count(*) AS runs,
            max(r.id) AS latest_id, max(CASE WHEN r.verdict IS NOT NULL THEN r.id END) AS judged
        FROM run AS r WHERE r.experiment_id IN (SELECT id FROM page) AND r.model_digest != ''
            AND r.trashed_at IS NULL GROUP BY r.experiment_id, r.model, r.model_digest)
    SELECT p.id, p.title, c.model, c.model_digest, c.runs, c.latest_id, c.judged, j.verdict
    FROM page AS p LEFT JOIN cells AS c ON c.experiment_id = p.id
    LEFT JOIN run AS j ON j.id = c.judged ORDER BY p.id DESC''', (limit,))
rows = {}
for number, title, model, digest, runs, latest, judged, verdict in found:
    row = rows.setdefault(number, {"experiment_id": number, "title": title, "cells": {}})
    if model is not None:
        row["cells"][f"{model}@{digest[:12]}"] = {"verdict": verdict,
            "run_id": judged if judged is not None else latest, "latest_run_id": latest,
            "runs": runs}
json.dump({"rows": list(rows.values())}, sys.stdout, ensure_ascii=False, indent=2)
sys.stdout.write("\\n")
"""
)

# `journal export -o FILE`: every experiment, oldest first, with its title, prose, each run's
# prompt and answer fenced and its metadata as JSON, read as a stream and written to FILE.
EXPORT = (
    _OPEN
    + """
db.row_factory = sqlite3.Row
prose = ("hypothesis", "expected", "conclusion")
text = ("messages", "response", "thinking", "system_prompt", "final_chunk")
with open(sys.argv[2], "w", encoding="utf-8") as out:
    current = None
    for row in db.execute('''SELECT e.id AS e_id, e.uuid AS e_uuid, e.title AS e_title,
            e.hypothesis, e.expected, e.conclusion, e.tags AS e_tags,
            e.created_at AS e_created_at, r.*
        FROM experiment AS e LEFT JOIN run AS r ON r.experiment_id = e.id
            AND r.trashed_at IS NULL
        WHERE e.trashed_at IS NULL ORDER BY e.id, r.id'''):
        if row["e_id"] != current:
            current = row["e_id"]
            out.write(f"## {row['e_id']}: {row['e_title'] or '(untitled)'}\\n\\n")
            for field in prose:
                if row[field]:
                    out.write(f"**{field.capitalize()}:** {row[field]}\\n\\n")
            meta = {"uuid": row["e_uuid"], "tags": json.loads(row["e_tags"]),
                "created_at": row["e_created_at"]}
            out.write(f"```json\\n{json.dumps(meta, ensure_ascii=False)}\\n```\\n\\n")
        if row["id"] is None:
            continue
        out.write(f"### Run {row['id']} · {row['model']}\\n\\n")
        for message in json.loads(row["messages"]):
            out.write(f"````text\\n{message['content']}\\n````\\n\\n")
        out.write(f"````text\\n{row['response']}\\n````\\n\\n")
        meta = {key: row[key] for key in row.keys()
            if not key.startswith("e_") and key not in prose and key not in text}
        out.write(f"```json\\n{json.dumps(meta, ensure_ascii=False)}\\n```\\n\\n")
"""
)

# `journal --version`: a Python process that prints one line.
VERSION = "import sys; print('journal ' + sys.argv[1])"


def floor_command(script: str, *arguments: object) -> list[str]:
    """The command line that runs `script` in a fresh process, as the journal's command runs."""
    return [sys.executable, "-c", script, *(str(argument) for argument in arguments)]


def floor_commands(
    db: Path, export_to: Path, rare_word: str, every_word: str, shown: int
) -> dict[str, list[str]]:
    """Each compared command's floor, by the name the peer table gives the command."""
    from journal import __version__

    return {
        "search_rare": floor_command(SEARCH, db, rare_word, 20),
        "search_every_row": floor_command(SEARCH, db, every_word, 20),
        "list_200_json": floor_command(LIST_JSON, db, 200),
        "show_json": floor_command(SHOW_JSON, db, shown),
        "matrix_json": floor_command(MATRIX_JSON, db, 50),
        "export_markdown": floor_command(EXPORT, db, export_to),
        "version": floor_command(VERSION, __version__),
    }
