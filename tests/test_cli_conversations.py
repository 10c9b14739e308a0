"""Conversations on the command line: `journal run --continue`, the thread in `journal show`,
`journal replay --regenerate-all` and `journal check --regenerate-all`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from journal.core.conversations import chain
from journal.core.queries import get_run
from journal.core.storage import Journal
from tests.fake_ollama import FakeModel, FakeOllama
from tests.journal_process import run_cli

TARGET = "newmodel:1b"


def _reply(messages: list[dict[str, Any]], options: dict[str, Any]) -> str:
    users = sum(1 for message in messages if message["role"] == "user")
    return f"reply {users} to {messages[-1]['content']}"


@pytest.fixture
def conversation(
    capsys: pytest.CaptureFixture[str], fake_ollama: FakeOllama, db_path: Path
) -> list[str]:
    """Runs 1-3: a first turn and two follow-ups (`journal run --continue`); the command
    prefix for more."""
    fake_ollama.add_model(FakeModel(TARGET, family="new", reply=_reply))
    base = ["--db", str(db_path), "run", "--host", fake_ollama.url]
    code, _, err = run_cli(
        capsys, *base, "-m", "llama3:8b", "-p", "Name a river", "-s", "Be brief", "-o", "seed=3"
    )
    assert code == 0, err
    for parent, prompt in ((1, "How long is it?"), (2, "Its source?")):
        code, _, err = run_cli(capsys, *base, "--continue", str(parent), "-p", prompt)
        assert code == 0, err
        assert f"continuing run {parent} (turn {parent + 1})" in err
        assert "warning" not in err
    return base


def test_run_continue_sends_the_conversation_on_the_parents_settings(
    capsys: pytest.CaptureFixture[str],
    fake_ollama: FakeOllama,
    db_path: Path,
    conversation: list[str],
) -> None:
    with Journal.open(db_path) as journal, journal.read() as session:
        third = get_run(session, 3)
        first = get_run(session, 1)
        second = get_run(session, 2)
    assert (third.parent_id, third.model, third.system_prompt) == (2, "llama3:8b", "Be brief")
    assert third.options == {"seed": 3} and third.experiment_id == first.experiment_id
    body = fake_ollama.requests_for("/api/chat")[-1].body
    assert body["messages"] == [
        {"role": "system", "content": "Be brief"},
        {"role": "user", "content": "Name a river"},
        {"role": "assistant", "content": first.response},
        {"role": "user", "content": "How long is it?"},
        {"role": "assistant", "content": second.response},
        {"role": "user", "content": "Its source?"},
    ]
    # Another model, a small context: the warning is said before the answer.
    code, out, err = run_cli(
        capsys, *conversation, "--continue", "3", "-p", "More?", "-m", TARGET, "-o", "num_ctx=64"
    )
    assert code == 0, err
    assert "warning: This conversation is about" in err and "of 64 tokens" in err
    assert out.strip() == "reply 4 to More?"


def test_run_continue_refuses_what_cannot_go_with_it(
    capsys: pytest.CaptureFixture[str], fake_ollama: FakeOllama, db_path: Path
) -> None:
    code, _, err = run_cli(
        capsys, "--db", str(db_path), "run", "--continue", "1", "-p", "x", "-t", "T"
    )
    assert code == 2 and err == (
        "journal: error: --continue adds a turn to run 1's experiment: --title cannot go with it.\n"
    )
    code, _, err = run_cli(capsys, "--db", str(db_path), "run", "-p", "x")
    assert code == 2 and "-m MODEL" in err
    code, _, err = run_cli(
        capsys, "--db", str(db_path), "run", "--host", fake_ollama.url, "--continue", "9", "-p", "x"
    )
    assert code == 1 and err == "journal: error: There is no run 9.\n"


def test_show_prints_the_turns_as_a_thread_with_branches(
    capsys: pytest.CaptureFixture[str], db_path: Path, conversation: list[str]
) -> None:
    code, _, err = run_cli(capsys, *conversation, "--continue", "1", "-p", "Another way")
    assert code == 0, err
    code, out, err = run_cli(capsys, "--db", str(db_path), "show", "1")
    assert code == 0, err
    headings = [line for line in out.splitlines() if "## " in line]
    assert [line.split(" · ")[0] for line in headings] == [
        "## turn 1 (run 1)",
        "  ## turn 2 (run 2, branch 1 of 2 from run 1)",
        "    ## turn 3 (run 3, follows run 2)",
        "  ## turn 2 (run 4, branch 2 of 2 from run 1)",
    ]
    assert "\n    prompt: Its source?\n" in out
    code, out, _ = run_cli(capsys, "--db", str(db_path), "show", "1", "--json")
    assert [run["parent_id"] for run in json.loads(out)["runs"]] == [None, 1, 2, 1]


def test_replay_regenerate_all_makes_a_new_branch_and_refuses_a_lone_run(
    capsys: pytest.CaptureFixture[str],
    fake_ollama: FakeOllama,
    db_path: Path,
    conversation: list[str],
) -> None:
    host = ["--db", str(db_path), "replay", "--host", fake_ollama.url]
    code, out, err = run_cli(capsys, *host, "3", "--regenerate-all", "-m", TARGET, "--json")
    assert code == 0, err
    assert "regenerating the 3 turns of run 3's conversation" in err
    assert "[3/3] run 6 replays run 3 on newmodel:1b, continues run 5" in err
    records = json.loads(out)
    assert [(r["id"], r["parent_id"], r["replay_of_id"]) for r in records] == [
        (4, None, 1),
        (5, 4, 2),
        (6, 5, 3),
    ]
    assert records[2]["response"] == "reply 3 to Its source?"
    with Journal.open(db_path) as journal, journal.read() as session:
        assert [run.id for run in chain(session, 6)] == [4, 5, 6]
    code, _, err = run_cli(capsys, *host, "1", "--regenerate-all")
    assert code == 1
    assert err == (
        "journal: error: Run 1 continues no earlier turn: there is no conversation to "
        "regenerate; replay it on its own instead.\n"
    )
    code, _, err = run_cli(capsys, *host, "3", "--regenerate-all", "-p", "x")
    assert code == 2 and "--regenerate-all cannot go with -p" in err


def test_check_regenerate_all_replays_every_turn_on_the_target(
    capsys: pytest.CaptureFixture[str],
    fake_ollama: FakeOllama,
    db_path: Path,
    conversation: list[str],
) -> None:
    code, out, err = run_cli(
        capsys,
        "--db",
        str(db_path),
        "check",
        "--host",
        fake_ollama.url,
        "--target",
        TARGET,
        "--run",
        "3",
        "--regenerate-all",
        "--json",
    )
    assert code == 0, err
    view = json.loads(out)
    assert view["source_filter"] == {"run_ids": [3], "regenerate": True}
    with Journal.open(db_path) as journal, journal.read() as session:
        turns = chain(session, 6)
    assert [(turn.replay_of_id, turn.model) for turn in turns] == [
        (1, TARGET),
        (2, TARGET),
        (3, TARGET),
    ]
