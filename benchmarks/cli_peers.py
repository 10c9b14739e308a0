"""The CLI next to its peers: the journal, `llm` and the sqlite3 floor on one corpus.

The same texts are loaded into the journal and into `llm`'s logs.db, and each command runs
as a person runs it, a fresh process each time, the three tools in turn within a round (the
order turning each round, so a noisy moment is shared out), for a few rounds. Printed per
command: each tool's min-max, and the journal/floor ratio of every round with its median,
within or over the goal (issue 16: reads within 3x the floor, export within 2x).

`llm` is installed once, in a throwaway venv under the benchmark cache, never as a
dependency. llm 0.36 writes new logs into its `turns` tables and still reads (merged) the
`responses` table older versions wrote; the corpus goes into `responses` and its full-text
index, which is what llm's migrations create and its triggers keep.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.cli_floor import floor_commands
from benchmarks.figures import emit, note
from benchmarks.synthetic import EVERY_ROW_WORD, RARE_WORD, cached, cached_peer_journal

LLM_VERSION = "0.36"
TOOLS = ("journal", "llm", "floor")
READ_GOAL = 3.0
EXPORT_GOAL = 2.0


@dataclass(frozen=True)
class PeerCommand:
    name: str
    label: str  # as the table says it
    goal: float  # the journal/floor ratio to stay within
    journal: list[str]
    llm: list[str] | None  # None: llm has no such command
    floor: list[str]


@dataclass
class Timings:
    """Seconds per tool, one per round, and the journal/floor ratio of each round."""

    seconds: dict[str, list[float]] = field(default_factory=dict)

    def add(self, tool: str, value: float) -> None:
        self.seconds.setdefault(tool, []).append(value)

    def ratios(self) -> list[float]:
        pairs = zip(self.seconds.get("journal", []), self.seconds.get("floor", []), strict=False)
        return [journal / floor for journal, floor in pairs if floor > 0]


def round_order(round_number: int) -> tuple[str, ...]:
    """The tools in the order round `round_number` runs them: turned by one each round."""
    shift = round_number % len(TOOLS)
    return TOOLS[shift:] + TOOLS[:shift]


def span(seconds: Sequence[float]) -> str:
    """A min-max range as the issue's table writes it: milliseconds, or seconds from 1 s."""
    if not seconds:
        return "-"
    low, high = min(seconds), max(seconds)
    if high >= 1:
        return f"{low:.1f}-{high:.1f} s"
    return f"{low * 1000:.0f}-{high * 1000:.0f} ms"


def standing(ratios: Sequence[float], goal: float) -> str:
    """'within' or 'over' the goal, said of the median ratio."""
    if not ratios:
        return "-"
    return "within" if statistics.median(ratios) <= goal else "over"


def table_lines(size: int, rows: Sequence[tuple[PeerCommand, Timings]]) -> list[str]:
    """The peer table in Markdown: ranges per tool, then the journal/floor ratios."""
    lines = [
        f"| whole process, {size:,} | journal | llm {LLM_VERSION} | floor "
        "| journal/floor by round | median | goal |",
        "|---|---|---|---|---|---|---|",
    ]
    for command, timings in rows:
        ratios = timings.ratios()
        by_round = " ".join(f"{ratio:.1f}" for ratio in ratios) or "-"
        median = f"{statistics.median(ratios):.1f}x" if ratios else "-"
        lines.append(
            f"| {command.label} | {span(timings.seconds.get('journal', []))} "
            f"| {span(timings.seconds.get('llm', []))} | {span(timings.seconds.get('floor', []))} "
            f"| {by_round} | {median} | {standing(ratios, command.goal)} {command.goal:g}x |"
        )
    return lines


# -- llm, in a venv of its own ------------------------------------------------------------


def llm_venv(cache: Path) -> Path | None:
    """The `llm` executable, installed on first use; None (and a note) when it cannot be."""
    venv = cache / f"peer-llm-{LLM_VERSION}" / "venv"
    executable = venv / "bin" / "llm"
    if executable.exists():
        return executable
    note(f"installing llm=={LLM_VERSION} into {venv} (once)")
    shutil.rmtree(venv, ignore_errors=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run(
            [str(venv / "bin" / "pip"), "install", "-q", f"llm=={LLM_VERSION}"], check=True
        )
    except (OSError, subprocess.CalledProcessError) as error:
        note(f"llm could not be installed ({error}): the table shows the journal and the floor")
        shutil.rmtree(venv, ignore_errors=True)
        return None
    return executable


def load_llm(journal_db: Path, target: Path, llm: Path) -> None:
    """llm's own schema (its migrations, run by its own Python), then the journal's texts in
    bulk: an experiment is a conversation named by its title, each run a response whose
    prompt is the user's message (the first run's also carries the experiment's title and
    prose, which the journal's search finds too)."""
    target.unlink(missing_ok=True)
    migrate = (
        "import sys, sqlite_utils, llm.migrations as m;"
        " m.migrate(sqlite_utils.Database(sys.argv[1]))"
    )
    subprocess.run([str(llm.parent / "python"), "-c", migrate, str(target)], check=True)
    source = sqlite3.connect(f"file:{journal_db}?mode=ro", uri=True)
    conn = sqlite3.connect(target, isolation_level=None)
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("BEGIN")
    seen: set[int] = set()
    for row in source.execute(
        "SELECT e.id, e.title, e.hypothesis, e.expected, e.conclusion, r.id, r.model,"
        " r.system_prompt, r.messages, r.options, r.response, r.created_at, r.eval_count"
        " FROM run AS r JOIN experiment AS e ON e.id = r.experiment_id ORDER BY r.id"
    ):
        (number, title, hypothesis, expected, conclusion, run_id, model, system) = row[:8]
        messages, options, response, created, tokens = row[8:]
        conversation = f"{number:026d}"
        prompt = "\n\n".join(message["content"] for message in json.loads(messages))
        if number not in seen:
            seen.add(number)
            prompt = "\n\n".join(filter(None, (title, hypothesis, expected, conclusion, prompt)))
            conn.execute(
                "INSERT INTO conversations (id, name, model) VALUES (?, ?, ?)",
                (conversation, title, model),
            )
        conn.execute(
            "INSERT INTO responses (id, model, prompt, system, prompt_json, options_json,"
            " response, response_json, conversation_id, duration_ms, datetime_utc,"
            " input_tokens, output_tokens) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                f"{run_id:026d}",
                model,
                prompt,
                system or None,
                messages,
                options,
                response,
                None,
                conversation,
                2000,
                created.replace("+00:00", ""),
                None,
                tokens,
            ),
        )
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    source.close()


def cached_llm_logs(cache: Path, journal_db: Path, size: int, llm: Path) -> Path:
    folder = cache / f"peer-llm-{LLM_VERSION}" / f"logs-{size}"
    cached(folder / "logs.db", lambda partial: load_llm(journal_db, partial, llm))
    return folder


# -- the run ------------------------------------------------------------------------------


def commands(
    db: Path, work: Path, llm: Path | None, llm_folder: Path | None, shown: int
) -> list[PeerCommand]:
    journal = [sys.executable, "-m", "journal", "--db", str(db)]
    floors = floor_commands(db, work / "floor.md", RARE_WORD, EVERY_ROW_WORD, shown)

    def peer(*arguments: str) -> list[str] | None:
        if llm is None or llm_folder is None:
            return None
        return [str(llm), *arguments]

    logs = ("logs", "list", "-d", str(llm_folder / "logs.db")) if llm_folder else ()
    return [
        PeerCommand(
            "search_rare",
            "search, rare word",
            READ_GOAL,
            [*journal, "search", RARE_WORD],
            peer(*logs, "-n", "20", "-l", "-q", RARE_WORD),
            floors["search_rare"],
        ),
        PeerCommand(
            "search_every_row",
            "search, a word in every row",
            READ_GOAL,
            [*journal, "search", EVERY_ROW_WORD],
            peer(*logs, "-n", "20", "-l", "-q", EVERY_ROW_WORD),
            floors["search_every_row"],
        ),
        PeerCommand(
            "list_200_json",
            "newest 200 as JSON (`list --limit 200 --json`)",
            READ_GOAL,
            [*journal, "list", "--limit", "200", "--json"],
            peer(*logs, "-n", "200", "--json"),
            floors["list_200_json"],
        ),
        PeerCommand(
            "show_json",
            f"`show {shown} --json`",
            READ_GOAL,
            [*journal, "show", str(shown), "--json"],
            None,
            floors["show_json"],
        ),
        PeerCommand(
            "matrix_json",
            "`matrix --json` (newest 50)",
            READ_GOAL,
            [*journal, "matrix", "--json"],
            None,
            floors["matrix_json"],
        ),
        PeerCommand(
            "export_markdown",
            "Markdown export of everything",
            EXPORT_GOAL,
            [*journal, "export", "--force", "-o", str(work / "journal.md")],
            peer(*logs, "-n", "0"),
            floors["export_markdown"],
        ),
        PeerCommand(
            "version",
            "`--version`",
            READ_GOAL,
            [*journal, "--version"],
            peer("--version"),
            floors["version"],
        ),
    ]


def timed(command: Sequence[str], stdout_to: Path | None, env: dict[str, str]) -> float:
    """Seconds for the whole process; what it prints goes to `stdout_to` or nowhere."""
    with open(stdout_to or os.devnull, "w") as out:
        started = time.perf_counter()
        done = subprocess.run(command, stdout=out, stderr=subprocess.PIPE, env=env, check=False)
        elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{command[:4]}... failed: {done.stderr.decode(errors='replace')}")
    return elapsed


def measure(
    results: list[tuple[PeerCommand, Timings]], rounds: int, work: Path, env: dict[str, str]
) -> None:
    """Round 0 warms the caches and is not counted (an export reads the whole file anyway,
    so it waits for round 1); each round runs every command with each tool in turn."""
    for round_number in range(rounds + 1):
        started = time.perf_counter()
        for command, timings in results:
            if round_number == 0 and command.goal == EXPORT_GOAL:
                continue
            for tool in round_order(round_number):
                line = getattr(command, tool)
                if line is None:
                    continue
                export = tool == "llm" and command.goal == EXPORT_GOAL
                elapsed = timed(line, work / "llm.md" if export else None, env)
                if round_number:
                    timings.add(tool, elapsed)
        note(f"round {round_number} of {rounds} took {time.perf_counter() - started:.0f} s")


def report(size: int, results: list[tuple[PeerCommand, Timings]]) -> None:
    for command, timings in results:
        for tool in TOOLS:
            seconds = timings.seconds.get(tool)
            if seconds:
                emit(f"cli_{size}_{command.name}_{tool}_min", min(seconds) * 1000, "ms")
                emit(f"cli_{size}_{command.name}_{tool}_max", max(seconds) * 1000, "ms")
        ratios = timings.ratios()
        emit(f"cli_{size}_{command.name}_journal_floor_ratio", statistics.median(ratios), "x")
        note(
            f"{command.name}: journal/floor {' '.join(f'{r:.1f}' for r in ratios)}, "
            f"{standing(ratios, command.goal)} the goal of {command.goal:g}x"
        )
    for line in table_lines(size, results):
        note(line)


def run(cache: Path, size: int, rounds: int) -> None:
    started = time.perf_counter()
    db = cached_peer_journal(cache, size)
    note(f"peer corpus of {size:,} experiments ready in {time.perf_counter() - started:.1f} s")
    llm = llm_venv(cache)
    llm_folder = cached_llm_logs(cache, db, size, llm) if llm else None
    env = {**os.environ, "LLM_USER_PATH": str(llm_folder or cache)}
    # Measured as people run them: with Python's bytecode cache (set in some shells and CI,
    # PYTHONDONTWRITEBYTECODE would have every start compile the tools' modules again).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    work = Path(tempfile.mkdtemp(prefix="journal-peer-bench-"))
    try:
        results = [
            (command, Timings()) for command in commands(db, work, llm, llm_folder, shown=size // 2)
        ]
        measure(results, rounds, work, env)
        report(size, results)
        note(f"peer section took {time.perf_counter() - started:.0f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)
