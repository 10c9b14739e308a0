"""`journal batch` end to end: spread over two fake hosts, listed and shown, refused when
incomplete, and a batch of 200 items killed with SIGKILL and resumed, every item exactly
once; `journal check` over two hosts too."""

from __future__ import annotations

import json
import signal
import subprocess
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from journal.core.input_sets import RowInput, add_rows
from journal.core.queries import create_experiment
from journal.core.storage import Journal
from tests.fake_ollama import FakeModel, FakeOllama
from tests.journal_process import journal_command
from tests.journal_process import run_cli as _cli
from tests.past_runs import seed_past_runs

MODEL = "echo:1b"


def _prompt(messages: list[dict[str, Any]]) -> str:
    return str([m for m in messages if m.get("role") == "user"][-1]["content"])


class Gate:
    """Holds the answer to one prompt until released: the test knows, without sleeping,
    that the journal process is waiting on that very request."""

    def __init__(self, prompt: str) -> None:
        self.prompt = prompt
        self.reached = threading.Event()
        self.release = threading.Event()

    def reply(self, messages: list[dict[str, Any]], options: dict[str, Any]) -> str:
        prompt = _prompt(messages)
        if prompt == self.prompt and not self.release.is_set():
            self.reached.set()
            self.release.wait(60)
        return f"You said {prompt}"


def _echo(messages: list[dict[str, Any]], options: dict[str, Any]) -> str:
    return f"You said {_prompt(messages)}"


@pytest.fixture
def second_host() -> Iterator[FakeOllama]:
    fake = FakeOllama([FakeModel(MODEL, digest="e" * 64, reply=_echo)]).start()
    try:
        yield fake
    finally:
        fake.stop()


def _seed(db_path: Path, words: list[str]) -> None:
    with Journal.open(db_path) as journal, journal.write() as session:
        experiment = create_experiment(session, title="echoes")
        assert experiment.id is not None
        add_rows(session, experiment.id, [RowInput({"word": word}) for word in words])


def _done_per_word(db_path: Path) -> Counter[str]:
    with Journal.open(db_path) as journal, journal.read() as session:
        rows = session.execute(
            text("SELECT json_extract(template, '$.values.word') FROM run WHERE status = 'done'")
        )
        return Counter(row[0] for row in rows)


def test_a_batch_over_two_hosts_prints_progress_a_grid_and_a_summary_per_model(
    capsys: pytest.CaptureFixture[str],
    fake_ollama: FakeOllama,
    second_host: FakeOllama,
    db_path: Path,
) -> None:
    fake_ollama.add_model(FakeModel(MODEL, digest="e" * 64, reply=_echo))
    _seed(db_path, ["kiwi", "fig", "plum"])
    code, out, err = _cli(
        capsys,
        "--db",
        str(db_path),
        "batch",
        "1",
        "-m",
        MODEL,
        "-p",
        "say {{word}}",
        "--host",
        fake_ollama.url,
        "--host",
        f"{second_host.url},limit=2",
    )
    assert code == 0, err
    assert f"batch 1: 3 runs (3 cases x {MODEL}) on {MODEL}@{'e' * 12}" in err
    assert f"hosts: {fake_ollama.url}, {second_host.url} limit=2" in err
    assert err.count(f" {MODEL} · word=") == 3 and "[3/3]" in err
    assert out.splitlines()[-1] == f"{MODEL} 0/3"  # no expectations: each needs a look
    assert "word=kiwi" in out and f"{MODEL}@{'e' * 12}" in out

    code, out, _ = _cli(capsys, "--db", str(db_path), "show", "1")
    assert code == 0 and out.count("\nhost: http://127.0.0.1:") == 3  # who served each run
    code, out, _ = _cli(capsys, "--db", str(db_path), "batch", "--list")
    assert code == 0 and "done" in out and "3/3" in out
    code, out, _ = _cli(capsys, "--db", str(db_path), "batch", "--show", "1", "--json")
    record = json.loads(out)
    assert record["grid"]["rows"] == ["word=kiwi", "word=fig", "word=plum"]
    assert {item["host"] for item in record["items"]} <= {fake_ollama.url, second_host.url}
    assert record["hosts"] == [
        {"address": fake_ollama.url, "limit": 1},
        {"address": second_host.url, "limit": 2},
    ]


def test_a_batch_without_its_experiment_or_models_is_refused_in_one_line(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    code, _, err = _cli(capsys, "--db", str(db_path), "batch", "1")
    assert code != 0
    assert err.strip().splitlines() == [
        "journal: error: Say which experiment and models: journal batch EXPERIMENT -m MODEL "
        "[-m MODEL ...] (or --resume ID, --list, --show ID)."
    ]
    code, _, err = _cli(
        capsys, "--db", str(db_path), "batch", "1", "-m", "m", "--host", "x:1,limit=0"
    )
    assert code != 0 and "limit=0 is not a number of requests" in err


def test_a_batch_of_200_killed_with_sigkill_resumes_with_every_item_exactly_once(
    capsys: pytest.CaptureFixture[str], fake_ollama: FakeOllama, db_path: Path
) -> None:
    words = [f"w{n:03}" for n in range(1, 201)]
    gate = Gate("say w120")
    fake_ollama.add_model(FakeModel(MODEL, reply=gate.reply))
    _seed(db_path, words)
    command = journal_command(
        db_path, "batch", "1", "-m", MODEL, "-p", "say {{word}}", "--host", fake_ollama.url
    )
    process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert gate.reached.wait(120), "the batch never reached item 120"
        process.kill()  # SIGKILL: no cleanup of any kind
        process.communicate(timeout=30)
    finally:
        gate.release.set()
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    before = _done_per_word(db_path)
    assert len(before) == 119 and set(before.values()) == {1}

    code, _, err = _cli(capsys, "--db", str(db_path), "batch", "--resume", "1")
    assert code == 0, err
    assert "resuming batch 1:" in err
    assert err.count(f" {MODEL} · word=") == 81  # item 120 again, and the 80 after it
    done = _done_per_word(db_path)
    assert done == Counter({word: 1 for word in words})  # nothing lost, nothing twice
    with Journal.open(db_path) as journal, journal.read() as session:
        statuses = Counter(row[0] for row in session.execute(text("SELECT status FROM run")).all())
    assert statuses == Counter({"done": 200, "interrupted": 1})  # the answer cut by the kill


def test_a_check_spreads_over_every_host_given(
    capsys: pytest.CaptureFixture[str],
    fake_ollama: FakeOllama,
    second_host: FakeOllama,
    db_path: Path,
) -> None:
    fake_ollama.add_model(FakeModel(MODEL, digest="e" * 64, reply=_echo))
    for fake in (fake_ollama, second_host):
        fake.chunk_delay = 0.02
    seed_past_runs(db_path, [f"question {n}" for n in range(1, 7)])
    code, _, err = _cli(
        capsys,
        "--db",
        str(db_path),
        "check",
        "--target",
        MODEL,
        "--host",
        fake_ollama.url,
        "--host",
        second_host.url,
        "--json",
    )
    assert code == 0, err
    with Journal.open(db_path) as journal, journal.read() as session:
        hosts = {
            row[0]
            for row in session.execute(text("SELECT host FROM run WHERE replay_of_id IS NOT NULL"))
        }
    assert hosts == {fake_ollama.url, second_host.url}
