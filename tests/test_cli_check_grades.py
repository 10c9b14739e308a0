"""`journal check` with expectations: each replay said with where it stands, `--show` in
groups with the reasons, `--accept-passes`, judge grades waited for (Ctrl-C stops the wait,
`--resume` gives the rest)."""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import time
from pathlib import Path

import pytest

from journal.core.grades import grade_history
from journal.core.models import Verdict
from journal.core.queries import get_run
from journal.core.storage import Journal
from tests.core.test_check_triage import JUDGE, HeldJudge, _experiments
from tests.core.test_migration_check import _target_reply
from tests.fake_ollama import FakeModel, FakeOllama
from tests.journal_process import journal_command
from tests.journal_process import run_cli as _cli

TARGET = "newmodel:1b"


def _seed(db_path: Path, plan: list[tuple[str, list[str]]]) -> None:
    """One experiment per (prompt, expectation lines), with a past run that worked."""
    with Journal.open(db_path) as journal:
        _experiments(journal, plan)


@pytest.fixture
def server(fake_ollama: FakeOllama) -> FakeOllama:
    fake_ollama.add_model(FakeModel(TARGET, reply=_target_reply))
    return fake_ollama


def test_a_check_says_where_each_replay_stands_and_shows_them_in_groups(
    capsys: pytest.CaptureFixture[str], server: FakeOllama, db_path: Path
) -> None:
    _seed(
        db_path,
        [
            ("easy one", ["contains:GOOD", "words<=10"]),
            ("hard one", ["contains:GOOD"]),
            ("nothing expected", []),
            ("boom", ["contains:GOOD"]),
        ],
    )
    db = ("--db", str(db_path))
    code, out, err = _cli(capsys, *db, "check", "--host", server.url, "--target", TARGET)
    assert code == 0, err
    lines = err.splitlines()
    assert re.match(r"^\[1/4\] run 1 -> run 5: done, \d+\.\d s · pass$", lines[1])
    assert re.match(r"^\[2/4\] .*: done, .* · fail: 0 of 1 pass; missing 'GOOD'$", lines[2])
    assert lines[3].endswith(" · needs a look: no expectations to grade it by")
    assert re.match(r"^\[4/4\] run 4 -> run 8: failed \(.*\), \d+\.\d s$", lines[4])
    assert out == f"1 of 4 pass on {TARGET} (1 fail, 2 need a look)\n"

    code, out, err = _cli(capsys, *db, "check", "--show", "1")
    assert code == 0
    sections = out.split("\n\n")
    assert sections[1].splitlines()[0] == "passes (1)"
    assert sections[1].splitlines()[2].endswith("easy one  2 of 2 pass")
    assert sections[2].splitlines()[0] == "fails (1)"
    assert sections[2].splitlines()[2].endswith("hard one  0 of 1 pass; missing 'GOOD'")
    assert sections[3].splitlines()[0] == "needs a look (2)"
    assert sections[3].splitlines()[2].endswith("no expectations to grade it by")
    assert re.search(r"  boom\s+the replay failed: not graded$", sections[3].splitlines()[3])
    assert out.endswith(f"\n1 of 4 pass on {TARGET} (1 fail, 2 need a look)\n")
    assert "accept the passes as worked with `journal check --accept-passes 1`" in err

    code, out, _ = _cli(capsys, *db, "check", "--show", "1", "--json")
    record = json.loads(out)
    assert record["groups"] == {
        "pass": [1],
        "fail": [2],
        "needs a look": [3, 4],
        "grading": [],
        "pending": [],
    }
    hard = record["items"][1]
    assert hard["group"] == "fail" and hard["reason"] == "0 of 1 pass; missing 'GOOD'"
    assert hard["grades"]["suggested_verdict"] == "failed"
    assert record["summary"]["passed"] == 1 and record["summary"]["needs_look"] == 2

    code, out, err = _cli(capsys, *db, "check", "--accept-passes", "1")
    assert code == 0
    assert err == "check 1: 1 passing replay accepted as worked (runs 5)\n"
    assert out == f"1 of 4 pass on {TARGET} (1 fail, 2 need a look; 1 by your verdict)\n"
    code, out, err = _cli(capsys, *db, "check", "--accept-passes", "1", "--json")
    assert json.loads(out)["accepted_runs"] == []
    code, out, err = _cli(capsys, *db, "check", "--accept-passes", "1")
    assert "no pass is waiting for your verdict; nothing changed" in err

    code, out, err = _cli(capsys, *db, "triage", "1", "2", "worked", "--why", "good enough")
    assert out == f"2 of 4 pass on {TARGET} (0 fail, 2 need a look; 2 by your verdict)\n"
    with Journal.open(db_path) as journal, journal.read() as session:
        assert get_run(session, 5).verdict is Verdict.WORKED
        assert get_run(session, 6).verdict_note == "good enough"


def test_accepting_passes_of_a_check_that_does_not_exist_is_one_clear_line(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    _seed(db_path, [("q", [])])
    code, _, err = _cli(capsys, "--db", str(db_path), "check", "--accept-passes", "7")
    assert code == 1 and err == "journal: error: There is no check 7.\n"


# -- judge grades, waited for --------------------------------------------------------------


class StderrReader:
    """A `journal check` child process whose stderr is read as it comes, never past a
    deadline."""

    def __init__(self, db: Path, *argv: str) -> None:
        self.process = subprocess.Popen(
            journal_command(db, *argv), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        self.err = b""

    def read_until(self, text: str, timeout: float = 60) -> bool:
        assert self.process.stderr is not None
        deadline = time.monotonic() + timeout
        while text.encode() not in self.err:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.process.stderr], [], [], left)[0]:
                return False
            data = os.read(self.process.stderr.fileno(), 4096)
            if not data:
                return False
            self.err += data
        return True

    def finish(self, timeout: float = 60) -> tuple[int, str, str]:
        out, err = self.process.communicate(timeout=timeout)
        return self.process.returncode, out.decode(), (self.err + err).decode()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        for stream in (self.process.stdout, self.process.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def held(server: FakeOllama) -> HeldJudge:
    judge = HeldJudge()
    server.add_model(FakeModel(JUDGE, reply=judge))
    return judge


def _check_with_a_judge(db_path: Path, server: FakeOllama) -> StderrReader:
    _seed(db_path, [(f"question {n}", ["contains:GOOD", "judge:answers it"]) for n in (1, 2)])
    return StderrReader(
        db_path, "check", "--host", server.url, "--target", TARGET, "--judge", JUDGE
    )


def test_a_check_waits_for_its_judge_grades_and_says_each_as_it_lands(
    server: FakeOllama, held: HeldJudge, db_path: Path
) -> None:
    check = _check_with_a_judge(db_path, server)
    try:
        assert check.read_until("waiting for the judge and similarity grades of 2 replays")
        held.allow(2)
        code, out, err = check.finish()
    finally:
        held.allow(100)
        check.close()
    assert code == 0, err
    assert "[1/2] run 1 -> run 3: done" in err and " · more grades coming" in err
    assert "item 1 (run 3) graded: pass" in err and "item 2 (run 4) graded: pass" in err
    assert out == f"2 of 2 pass on {TARGET} (0 fail, 0 need a look)\n"


def test_ctrl_c_stops_waiting_for_grades_and_resume_gives_the_rest(
    capsys: pytest.CaptureFixture[str], server: FakeOllama, held: HeldJudge, db_path: Path
) -> None:
    check = _check_with_a_judge(db_path, server)
    try:
        assert check.read_until("waiting for the judge and similarity grades")
        assert held.wait_asked(1)  # the first judgement is in flight, held
        check.process.send_signal(signal.SIGINT)
        code, out, err = check.finish()
    finally:
        held.allow(100)
        check.close()
    assert code == 130, err
    assert "Traceback" not in err
    assert "grading stopped; `journal check --resume 1` grades the rest." in err
    assert out == f"0 of 2 pass on {TARGET} (0 fail, 2 need a look)\n"
    with Journal.open(db_path) as journal, journal.read() as session:
        kept = [grade.id for grade in grade_history(session, 3)]
    assert len(kept) == 1  # contains:GOOD, given at once; no half-done judgement

    code, out, err = _cli(
        capsys, "--db", str(db_path), "check", "--resume", "1", "--host", server.url,
        "--judge", JUDGE,
    )  # fmt: skip
    assert code == 0, err
    assert "grading the 2 replays left ungraded" in err
    assert out == f"2 of 2 pass on {TARGET} (0 fail, 0 need a look)\n"
    with Journal.open(db_path) as journal, journal.read() as session:
        history = [grade.id for grade in grade_history(session, 3)]
    assert history[0] == kept[0] and len(history) == 2  # kept, and the judge's added
