"""`journal replay`, `check`, `triage` and `matrix` end to end, including a check killed
with SIGKILL and resumed, and one stopped with Ctrl-C."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import threading
from pathlib import Path
from typing import Any

import pytest

from journal.cli import main
from journal.core.models import RunStatus
from journal.core.queries import get_run, runs_of
from journal.core.storage import Journal
from tests.conftest import UNREACHABLE_HOST
from tests.fake_ollama import FakeModel, FakeOllama
from tests.journal_process import StreamingJournal, journal_command
from tests.journal_process import run_cli as _cli
from tests.past_runs import seed_past_runs

TARGET = "newmodel:1b"
# A replay's progress line; where it stands once graded follows the " · ".
PROGRESS = re.compile(r"^\[(\d+)/(\d+)\] run (\d+) -> run (\d+): (\w+), \d+\.\d s(?: · .*)?$")


def _prompt(messages: list[dict[str, Any]]) -> str:
    return str([m for m in messages if m.get("role") == "user"][-1]["content"])


class Gate:
    """Holds the fake's answer to one prompt until released: the test knows, without
    sleeping, that the journal process is waiting on that very request."""

    def __init__(self, prompt: str) -> None:
        self.prompt = prompt
        self.reached = threading.Event()
        self.release = threading.Event()

    def reply(self, messages: list[dict[str, Any]], options: dict[str, Any]) -> str:
        prompt = _prompt(messages)
        if prompt == self.prompt and not self.release.is_set():
            self.reached.set()
            self.release.wait(60)
        return "BAD answer" if "hard" in prompt else f"GOOD answer to {prompt}"


@pytest.fixture
def recorded(capsys: pytest.CaptureFixture[str], fake_ollama: FakeOllama, db_path: Path) -> int:
    """Run 1: a real `journal run` with system prompt, options and keep_alive."""
    code, _, err = _cli(
        capsys,
        "--db",
        str(db_path),
        "run",
        "--host",
        fake_ollama.url,
        "-m",
        "llama3:8b",
        "-p",
        "Name three rivers",
        "-s",
        "Be brief",
        "-o",
        "seed=42",
        "-o",
        "temperature=0.2",
        "-o",
        "keep_alive=2m",
    )
    assert code == 0, err
    return 1


# -- replay -----------------------------------------------------------------------------


def test_replay_streams_the_answer_and_links_the_run(
    capsys: pytest.CaptureFixture[str],
    fake_ollama: FakeOllama,
    db_path: Path,
    recorded: int,
) -> None:
    code, out, err = _cli(capsys, "--db", str(db_path), "replay", "--host", fake_ollama.url, "1")
    assert code == 0, err
    assert "run 2 replays run 1 on llama3:8b" in err and "run 2 done" in err
    assert "warning" not in err
    with Journal.open(db_path) as journal, journal.read() as session:
        original, replay = get_run(session, 1), get_run(session, 2)
    assert out == replay.response + "\n"
    assert replay.replay_of_id == 1 and replay.experiment_id == original.experiment_id
    first, second = (r.body for r in fake_ollama.requests_for("/api/chat"))
    assert second == first
    assert second["options"] == {"seed": 42, "temperature": 0.2} and second["keep_alive"] == "2m"


def test_replay_fans_out_with_overrides_and_prints_json(
    capsys: pytest.CaptureFixture[str],
    fake_ollama: FakeOllama,
    db_path: Path,
    recorded: int,
) -> None:
    db = ("--db", str(db_path))
    host = ("--host", fake_ollama.url)
    code, out, err = _cli(
        capsys,
        *db,
        "replay",
        *host,
        "1",
        "-m",
        "qwen3:0.6b",
        "-m",
        "llama3:8b",
        "-o",
        "seed=7",
        "-o",
        "temperature=",
        "-p",
        "Name three seas",
    )
    assert code == 0, err
    assert "[1/2] run 2 replays run 1 on qwen3:0.6b" in err
    assert "[2/2] run 3 replays run 1 on llama3:8b" in err
    with Journal.open(db_path) as journal, journal.read() as session:
        two, three = get_run(session, 2), get_run(session, 3)
    assert out == f"{two.response}\n\n{three.response}\n"
    assert two.options == three.options == {"seed": 7}
    assert two.prompt == "Name three seas" and two.system_prompt == "Be brief"

    code, out, err = _cli(capsys, *db, "replay", *host, "1", "--json")
    assert code == 0, err
    records = json.loads(out)
    assert [(r["id"], r["replay_of_id"], r["status"]) for r in records] == [(4, 1, "done")]
    assert records[0]["replay_info"]["digest_changed"] is False


def test_replay_says_when_the_tag_points_to_other_weights(
    capsys: pytest.CaptureFixture[str],
    fake_ollama: FakeOllama,
    db_path: Path,
    recorded: int,
) -> None:
    before = fake_ollama.models["llama3:8b"].digest
    fake_ollama.models["llama3:8b"] = FakeModel("llama3:8b", digest="9f8e7d6c5b4a" + "0" * 52)
    code, _, err = _cli(capsys, "--db", str(db_path), "replay", "--host", fake_ollama.url, "1")
    assert code == 0, err
    assert err.splitlines()[0] == (
        f"warning: llama3:8b changed since run 1: {before[:12]} -> 9f8e7d6c5b4a"
    )
    with Journal.open(db_path) as journal, journal.read() as session:
        replay = get_run(session, 2)
    assert replay.model_digest.startswith("9f8e7d6c5b4a")
    assert replay.replay_info is not None and replay.replay_info["digest_before"] == before


def test_a_missing_model_names_the_fix_and_pull_fetches_it(
    capsys: pytest.CaptureFixture[str],
    fake_ollama: FakeOllama,
    db_path: Path,
    recorded: int,
) -> None:
    db = ("--db", str(db_path))
    host = ("--host", fake_ollama.url)
    code, _, err = _cli(capsys, *db, "replay", *host, "1", "-m", "tinyllama:1.1b")
    assert code == 1
    assert err == (
        f"journal: error: Model 'tinyllama:1.1b' is not available on {fake_ollama.url}. "
        "Pull it with `ollama pull tinyllama:1.1b`, or add --pull to pull it first.\n"
    )
    fake_ollama.pullable["tinyllama:1.1b"] = FakeModel("tinyllama:1.1b")
    code, out, err = _cli(capsys, *db, "replay", *host, "1", "-m", "tinyllama:1.1b", "--pull")
    assert code == 0, err
    assert "pulling tinyllama:1.1b" in err and "  success" in err
    assert "run 2 replays run 1 on tinyllama:1.1b" in err and out.strip()


def test_a_replay_that_fails_exits_non_zero_and_keeps_the_text(
    capsys: pytest.CaptureFixture[str],
    fake_ollama: FakeOllama,
    db_path: Path,
    recorded: int,
) -> None:
    fake_ollama.error_after = 3
    code, out, err = _cli(capsys, "--db", str(db_path), "replay", "--host", fake_ollama.url, "1")
    assert code == 1
    assert "run 2 recorded as failed" in err and "unexpected EOF" in err
    with Journal.open(db_path) as journal, journal.read() as session:
        assert get_run(session, 2).response == out.rstrip("\n")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["replay", "99"], "There is no run 99."),
        (["replay", "1", "-o", "seed=abc"], "seed needs a whole number"),
        (["replay", "1", "--host", UNREACHABLE_HOST], "Cannot reach Ollama"),
        (["check", "--show", "7"], "There is no check 7."),
        (["check", "--resume", "7"], "There is no check 7."),
        (["triage", "7", "1", "worked"], "There is no check 7."),
        (["check", "--target", "x", "--run", "1", "--verdict", "worked"], "not both"),
        (["check", "--target", "nosuch:1b", "--host", "FAKE"], "or add --pull"),
        (["check", "--target", "llama3:8b", "--tag", "none", "--host", "FAKE"], "No runs match"),
    ],
)
def test_errors_are_one_clear_line(
    capsys: pytest.CaptureFixture[str],
    fake_ollama: FakeOllama,
    db_path: Path,
    recorded: int,
    argv: list[str],
    message: str,
) -> None:
    argv = [fake_ollama.url if arg == "FAKE" else arg for arg in argv]
    code, _, err = _cli(capsys, "--db", str(db_path), *argv)
    assert code == 1
    assert err.count("\n") == 1 and err.startswith("journal: error: "), err
    assert message in err


def test_ctrl_c_stops_the_stream_and_skips_the_other_models(
    fake_ollama: FakeOllama, db_path: Path
) -> None:
    seed_past_runs(db_path, ["a long story"])
    fake_ollama.stall_after = 4
    argv = ("replay", "--host", fake_ollama.url, "1", "-m", "llama3:8b", "-m", "qwen3:0.6b")
    with StreamingJournal(db_path, *argv) as running:
        running.read_words(4)
        code, out, err = running.interrupt()
    assert code == 130, err
    assert b"run 2 cancelled; the partial answer is kept" in err
    assert b"1 replay not started (cancelled)." in err and b"Traceback" not in err
    with Journal.open(db_path) as journal, journal.read() as session:
        runs = runs_of(session, 1)
    assert [(run.model, run.status) for run in runs[1:]] == [("llama3:8b", RunStatus.CANCELLED)]
    assert out.decode().strip() == runs[1].response.strip()


# -- check ------------------------------------------------------------------------------


def test_check_runs_headless_and_shows_triages_lists(
    capsys: pytest.CaptureFixture[str], fake_ollama: FakeOllama, db_path: Path
) -> None:
    fake_ollama.add_model(FakeModel(TARGET, reply=Gate("never").reply))
    seed_past_runs(db_path, ["easy one", "hard one", "easy two"])
    db = ("--db", str(db_path))
    code, out, err = _cli(
        capsys, *db, "check", "--host", fake_ollama.url, "--target", TARGET, "--verdict", "worked"
    )
    assert code == 0, err
    lines = err.splitlines()
    assert lines[0].startswith(f"check 1: 3 runs on {TARGET} @ ")
    progress = [PROGRESS.match(line) for line in lines[1:]]
    assert all(progress), lines
    assert [m.groups()[:3] for m in progress if m] == [
        ("1", "3", "1"),
        ("2", "3", "2"),
        ("3", "3", "3"),
    ]
    assert out == f"0 of 3 pass on {TARGET} (0 fail, 3 need a look)\n"

    assert _cli(capsys, *db, "triage", "1", "1", "worked")[0] == 0
    code, out, err = _cli(capsys, *db, "triage", "1", "2", "failed", "--why", "wrong")
    assert code == 0 and "check 1 item 2 (run 5): failed" in err
    assert out == f"1 of 3 pass on {TARGET} (1 fail, 1 needs a look; 2 by your verdict)\n"
    code, _, err = _cli(capsys, *db, "verdict", "6", "worked")  # the same, by run id
    assert code == 0

    code, out, _ = _cli(capsys, *db, "check", "--show", "1", "--diff")
    assert code == 0
    assert out.startswith(f"# check 1: verdict=worked on {TARGET}\n")
    assert "\npasses (2)\n#  RUN" in out and "\nfails (1)\n#  RUN" in out
    assert re.search(
        r"^2\s+2\s+5\s+worked\s+failed\s+done\s+regressed\s+hard one\s+your verdict: failed$",
        out,
        re.M,
    )
    assert "## 2: run 2 -> run 5\n[-old-]{+BAD+} answer[- to hard one-]" in out
    assert out.endswith(f"2 of 3 pass on {TARGET} (1 fail, 0 need a look; 3 by your verdict)\n")

    code, out, _ = _cli(capsys, *db, "check", "--show", "1", "--json", "--diff")
    record = json.loads(out)
    assert record["status"] == "done" and record["summary"]["regressed"] == 1
    assert [item["outcome"] for item in record["items"]] == [
        "still works",
        "regressed",
        "still works",
    ]
    assert record["items"][1]["diff"][0] == {"op": "replace", "old": "old", "new": "BAD"}

    code, out, _ = _cli(capsys, *db, "check", "--list")
    assert out.splitlines()[0].split() == ["ID", "CREATED", "STATUS", "TARGET", "DONE", "SUMMARY"]
    assert " done " in out.splitlines()[1] and "3/3" in out
    code, out, _ = _cli(capsys, *db, "check", "--list", "--json")
    assert [c["id"] for c in json.loads(out)] == [1]

    code, out, err = _cli(capsys, *db, "check", "--resume", "1", "--host", fake_ollama.url)
    assert code == 0 and "nothing left to run" in err
    assert out.startswith("2 of 3 pass")


def test_a_check_running_elsewhere_is_not_resumed(
    capsys: pytest.CaptureFixture[str], fake_ollama: FakeOllama, db_path: Path
) -> None:
    from journal.core.migration_check import MigrationChecker
    from journal.core.ollama_service import OllamaService

    seed_past_runs(db_path, ["q"])
    with Journal.open(db_path) as journal:  # created, so claimed by this (live) process
        MigrationChecker(journal, OllamaService(fake_ollama.url)).create("qwen3:0.6b", run_ids=[1])
    code, _, err = _cli(
        capsys, "--db", str(db_path), "check", "--resume", "1", "--host", fake_ollama.url
    )
    assert code == 1
    assert err == (
        "journal: error: Check 1 is still running (in this program); "
        "wait for it to finish or cancel it first.\n"
    )


def test_check_of_explicit_runs_pulls_the_target(
    capsys: pytest.CaptureFixture[str], fake_ollama: FakeOllama, db_path: Path
) -> None:
    seed_past_runs(db_path, ["a", "b", "c"])
    fake_ollama.pullable[TARGET] = FakeModel(TARGET)
    code, out, err = _cli(
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
        "--run",
        "1",
        "--pull",
        "--name",
        "two of them",
        "--json",
    )
    assert code == 0, err
    assert f"pulling {TARGET}" in err
    record = json.loads(out)
    assert record["name"] == "two of them" and record["source_filter"] == {"run_ids": [3, 1]}
    assert record["summary"]["untriaged"] == 2


def _check_process(db_path: Path, fake: FakeOllama) -> subprocess.Popen[str]:
    command = journal_command(
        db_path, "check", "--host", fake.url, "--target", TARGET, "--verdict", "worked"
    )
    return subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)


def test_a_check_killed_mid_way_resumes_where_it_stopped(
    capsys: pytest.CaptureFixture[str], fake_ollama: FakeOllama, db_path: Path
) -> None:
    gate = Gate("question 4")
    fake_ollama.add_model(FakeModel(TARGET, reply=gate.reply))
    seed_past_runs(db_path, [f"question {n}" for n in range(1, 7)])
    process = _check_process(db_path, fake_ollama)
    try:
        assert gate.reached.wait(60), "the check never reached item 4"
        process.kill()  # SIGKILL: no cleanup of any kind
        _, err = process.communicate(timeout=30)
    finally:
        gate.release.set()
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    assert process.returncode == -signal.SIGKILL
    assert "[3/6] run 3 -> run 9: done" in err

    db = ("--db", str(db_path))
    code, out, _ = _cli(capsys, *db, "check", "--show", "1", "--json")
    record = json.loads(out)
    assert record["status"] == "interrupted"
    assert [item["new_status"] for item in record["items"]] == [
        "done",
        "done",
        "done",
        "interrupted",
        None,
        None,
    ]
    code, out, err = _cli(capsys, *db, "check", "--show", "1")
    assert "resume it with `journal check --resume 1`" in err

    code, out, err = _cli(capsys, *db, "check", "--resume", "1", "--host", fake_ollama.url)
    assert code == 0, err
    assert "resuming check 1" in err
    resumed = [m.groups() for m in map(PROGRESS.match, err.splitlines()) if m]
    assert [(index, source) for index, _, source, _, _ in resumed] == [
        ("4", "4"),
        ("5", "5"),
        ("6", "6"),
    ]
    assert out == f"0 of 6 pass on {TARGET} (0 fail, 6 need a look)\n"
    with Journal.open(db_path) as journal, journal.read() as session:
        replays_of_four = [r for r in runs_of(session, 4) if r.replay_of_id == 4]
    # The killed attempt is kept (interrupted) beside the one that finished.
    assert [r.status for r in replays_of_four] == [RunStatus.INTERRUPTED, RunStatus.DONE]


def test_ctrl_c_cancels_a_check_promptly_and_it_can_resume(
    capsys: pytest.CaptureFixture[str], fake_ollama: FakeOllama, db_path: Path
) -> None:
    gate = Gate("question 2")
    fake_ollama.add_model(FakeModel(TARGET, reply=gate.reply))
    seed_past_runs(db_path, [f"question {n}" for n in range(1, 5)])
    process = _check_process(db_path, fake_ollama)
    try:
        assert gate.reached.wait(60)
        process.send_signal(signal.SIGINT)  # the server stays silent: only cancel ends it
        out, err = process.communicate(timeout=30)
    finally:
        gate.release.set()
        if process.poll() is None:
            process.kill()
            process.wait(timeout=10)
    assert process.returncode == 130, err
    assert "Traceback" not in err
    assert "check 1 cancelled; resume it with `journal check --resume 1`" in err
    assert "[2/4] run 2 -> run 6: cancelled" in err
    assert out == f"0 of 4 pass on {TARGET} (0 fail, 2 need a look); 2 not run yet\n"
    code, out, err = _cli(
        capsys, "--db", str(db_path), "check", "--resume", "1", "--host", fake_ollama.url
    )
    assert code == 0, err
    assert out == f"0 of 4 pass on {TARGET} (0 fail, 4 need a look)\n"


# -- matrix -----------------------------------------------------------------------------


def test_matrix_table_and_json(
    capsys: pytest.CaptureFixture[str], fake_ollama: FakeOllama, db_path: Path
) -> None:
    seed_past_runs(db_path, ["first", "second"])
    db = ("--db", str(db_path))
    code, _, err = _cli(capsys, *db, "replay", "--host", fake_ollama.url, "2", "-m", "qwen3:0.6b")
    assert code == 0, err
    assert _cli(capsys, *db, "verdict", "3", "partly")[0] == 0
    llama = f"llama3:8b@{FakeModel('llama3:8b').digest[:12]}"
    qwen = f"qwen3:0.6b@{FakeModel('qwen3:0.6b').digest[:12]}"
    code, out, _ = _cli(capsys, *db, "matrix")
    assert code == 0
    header, *rows = out.splitlines()
    assert header.split() == ["ID", llama, qwen, "TITLE"]
    assert rows[0].split() == ["2", "worked#2", "partly#3", "second"]
    assert rows[1].split() == ["1", "worked#1", "-", "first"]
    code, out, err = _cli(capsys, *db, "matrix", "--json", "--limit", "1")
    record = json.loads(out)
    assert [c["label"] for c in record["columns"]] == [llama, qwen]
    assert record["rows"][0]["cells"][qwen]["verdict"] == "partly"
    assert record["next_before_id"] == 2
    code, out, err = _cli(capsys, *db, "matrix", "--limit", "1", "--before", "2")
    assert out.splitlines()[1].split() == ["1", "worked#1", "first"]
    assert "more: journal matrix --before 1" in err
    code, out, _ = _cli(capsys, *db, "matrix", "--column", "qwen3:0.6b", "--tag", "none")
    assert code == 0 and out == ""


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("replay", "check", "triage", "matrix"):
        assert command in out
