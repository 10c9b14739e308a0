"""The peer benchmark's pieces: its floor scripts print what the journal's commands print
(on a small journal with archived and trashed records), and its table says the ratios."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

import pytest

from benchmarks import cli_floor
from benchmarks.cli_peers import (
    PeerCommand,
    Timings,
    round_order,
    span,
    standing,
    table_lines,
)
from benchmarks.synthetic import EVERY_ROW_WORD, RARE_WORD, build
from journal.cli import main

ARCHIVED = 57
TRASHED = 58


@pytest.fixture(scope="module")
def small_journal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("peers") / "journal.sqlite"
    build(path, 60, answer_words=20)
    conn = sqlite3.connect(path)
    with conn:
        moment = "2026-02-01T00:00:00.000000+00:00"
        conn.execute("UPDATE experiment SET archived_at = ? WHERE id = ?", (moment, ARCHIVED))
        conn.execute("UPDATE experiment SET trashed_at = ? WHERE id = ?", (moment, TRASHED))
        conn.execute("UPDATE run SET trashed_at = ? WHERE id = 3", (moment,))
        conn.execute("UPDATE run SET verdict = 'worked' WHERE id IN (5, 6)")
    conn.close()
    return path


def journal_output(capsys: pytest.CaptureFixture[str], db: Path, *arguments: str) -> str:
    capsys.readouterr()
    assert main(["--db", str(db), *arguments]) == 0
    return capsys.readouterr().out


def floor_output(script: str, *arguments: object) -> str:
    done = subprocess.run(
        cli_floor.floor_command(script, *arguments), capture_output=True, text=True, check=True
    )
    return done.stdout


@pytest.mark.parametrize("word", [RARE_WORD, EVERY_ROW_WORD, "axolotl"])
def test_floor_search_prints_the_journals_hits(
    capsys: pytest.CaptureFixture[str], small_journal: Path, word: str
) -> None:
    expected = journal_output(capsys, small_journal, "search", word)
    assert expected.strip()
    assert floor_output(cli_floor.SEARCH, small_journal, word, 20) == expected


def test_floor_list_prints_the_journals_records(
    capsys: pytest.CaptureFixture[str], small_journal: Path
) -> None:
    expected = json.loads(journal_output(capsys, small_journal, "list", "--limit", "200", "--json"))
    found = json.loads(floor_output(cli_floor.LIST_JSON, small_journal, 200))
    assert [record["id"] for record in expected] == [record["id"] for record in found]
    assert found == expected
    assert ARCHIVED not in {record["id"] for record in found}


def test_floor_show_prints_the_journals_rows(
    capsys: pytest.CaptureFixture[str], small_journal: Path
) -> None:
    for number in (2, 3):  # experiment 2 has a run in the trash
        expected = json.loads(journal_output(capsys, small_journal, "show", str(number), "--json"))
        found = json.loads(floor_output(cli_floor.SHOW_JSON, small_journal, number))
        assert (found["id"], found["title"], found["hypothesis"]) == (
            expected["id"],
            expected["title"],
            expected["hypothesis"],
        )

        def runs(record: dict[str, Any]) -> list[tuple[Any, ...]]:
            return [(run["id"], run["response"], run["verdict"]) for run in record["runs"]]

        assert runs(found) == runs(expected)


def test_floor_matrix_prints_the_journals_cells(
    capsys: pytest.CaptureFixture[str], small_journal: Path
) -> None:
    expected = json.loads(journal_output(capsys, small_journal, "matrix", "--json"))
    found = json.loads(floor_output(cli_floor.MATRIX_JSON, small_journal, 50))

    def cells(matrix: dict[str, Any]) -> list[tuple[int, dict[str, tuple[Any, ...]]]]:
        return [
            (
                row["experiment_id"],
                {
                    label: (cell["run_id"], cell["verdict"], cell["latest_run_id"], cell["runs"])
                    for label, cell in row["cells"].items()
                },
            )
            for row in matrix["rows"]
        ]

    assert cells(found) == cells(expected)
    assert TRASHED not in {row["experiment_id"] for row in found["rows"]}


def test_floor_export_writes_the_fields_the_journals_export_writes(
    capsys: pytest.CaptureFixture[str], small_journal: Path, tmp_path: Path
) -> None:
    journal_output(capsys, small_journal, "export", "-o", str(tmp_path / "journal.md"))
    floor_output(cli_floor.EXPORT, small_journal, tmp_path / "floor.md")
    exported = (tmp_path / "journal.md").read_text(encoding="utf-8")
    floor = (tmp_path / "floor.md").read_text(encoding="utf-8")
    conn = sqlite3.connect(small_journal)
    experiments = conn.execute(
        "SELECT title, hypothesis, conclusion FROM experiment WHERE trashed_at IS NULL"
    ).fetchall()
    runs = conn.execute(
        "SELECT r.uuid, r.response, r.messages FROM run AS r JOIN experiment AS e"
        " ON e.id = r.experiment_id WHERE r.trashed_at IS NULL AND e.trashed_at IS NULL"
    ).fetchall()
    left_out = conn.execute(
        "SELECT response FROM run WHERE trashed_at IS NOT NULL"
        " OR experiment_id IN (SELECT id FROM experiment WHERE trashed_at IS NOT NULL)"
    ).fetchall()
    conn.close()
    for text in [field for row in experiments for field in row] + [
        *(uuid for uuid, _, _ in runs),
        *(response for _, response, _ in runs),
        *(json.loads(messages)[0]["content"] for _, _, messages in runs),
    ]:
        assert text in exported
        assert text in floor
    for (response,) in left_out:
        assert response not in exported
        assert response not in floor


def test_version_floor_prints_one_line() -> None:
    assert floor_output(cli_floor.VERSION, "1.2.3") == "journal 1.2.3\n"


def test_each_round_turns_the_order_of_the_tools() -> None:
    orders = [round_order(number) for number in range(3)]
    assert orders == [
        ("journal", "llm", "floor"),
        ("llm", "floor", "journal"),
        ("floor", "journal", "llm"),
    ]
    assert round_order(3) == orders[0]


def test_the_table_says_ranges_ratios_and_the_goal() -> None:
    command = PeerCommand("search_rare", "search, rare word", 3.0, [], None, [])
    timings = Timings()
    for journal, floor in ((0.090, 0.030), (0.150, 0.025), (0.070, 0.035)):
        timings.add("journal", journal)
        timings.add("floor", floor)
    export = PeerCommand("export_markdown", "Markdown export", 2.0, [], [], [])
    slow = Timings()
    for journal, llm, floor in ((12.0, 30.0, 1.1), (17.0, 38.0, 1.8)):
        slow.add("journal", journal)
        slow.add("llm", llm)
        slow.add("floor", floor)
    lines = table_lines(100_000, [(command, timings), (export, slow)])
    assert lines[0].startswith("| whole process, 100,000 | journal | llm 0.36 | floor |")
    assert lines[2] == (
        "| search, rare word | 70-150 ms | - | 25-35 ms | 3.0 6.0 2.0 | 3.0x | within 3x |"
    )
    assert lines[3] == (
        "| Markdown export | 12.0-17.0 s | 30.0-38.0 s | 1.1-1.8 s | 10.9 9.4 | 10.2x | over 2x |"
    )


def test_span_and_standing_edges() -> None:
    assert span([]) == "-"
    assert span([0.0114, 0.0151]) == "11-15 ms"
    assert standing([], 3.0) == "-"
    assert standing([3.0], 3.0) == "within"
    assert standing([3.1, 2.0, 4.0], 3.0) == "over"
