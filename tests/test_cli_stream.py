"""`journal run` and `replay` as Unix tools: a closed pipe, SIGTERM and SIGHUP stop the stream
and keep the text; a silent server and a journal that refuses the text are said on stderr."""

from __future__ import annotations

import io
import os
import signal
from pathlib import Path

import pytest

from journal.cli_stream import OUTPUT_CLOSED, AnswerPrinter, Notices
from journal.core.cancel import CancelToken
from journal.core.models import Run, RunStatus
from journal.core.queries import get_run
from journal.core.storage import Journal
from tests.fake_ollama import FakeOllama
from tests.journal_process import StreamingJournal
from tests.journal_process import run_cli as _cli


def _run_argv(fake: FakeOllama) -> tuple[str, ...]:
    return ("run", "--host", fake.url, "-m", "llama3:8b", "-p", "a long story")


def _recorded(db_path: Path, run_id: int = 1) -> Run:
    with Journal.open(db_path) as journal, journal.read() as session:
        return get_run(session, run_id)


@pytest.fixture
def long_answers(fake_ollama: FakeOllama) -> FakeOllama:
    fake_ollama.chunks_per_reply = 4000
    fake_ollama.chunk_delay = 0.005
    return fake_ollama


def test_a_closed_pipe_cancels_quietly_and_keeps_the_text(
    long_answers: FakeOllama, db_path: Path
) -> None:
    with StreamingJournal(db_path, *_run_argv(long_answers)) as running:
        seen = running.read_words(5)
        code, err = running.close_output()
    assert code == 141, err  # 128 + SIGPIPE, as `yes | head` reports
    assert b"Traceback" not in err and b"Broken pipe" not in err and b"reach" not in err
    run = _recorded(db_path)
    assert run.status is RunStatus.CANCELLED
    assert run.error == OUTPUT_CLOSED
    assert run.response.startswith(seen.decode().split()[0])
    assert len(run.response) >= len(seen.decode().rstrip())


def test_a_replay_into_a_closed_pipe_is_cancelled_quietly_too(
    capsys: pytest.CaptureFixture[str], long_answers: FakeOllama, db_path: Path
) -> None:
    long_answers.chunks_per_reply = 3
    assert _cli(capsys, "--db", str(db_path), *_run_argv(long_answers))[0] == 0
    long_answers.chunks_per_reply = 4000
    with StreamingJournal(db_path, "replay", "1", "--host", long_answers.url) as running:
        running.read_words(5)
        code, err = running.close_output()
    assert code == 141, err
    assert b"Traceback" not in err
    replay = _recorded(db_path, 2)
    assert (replay.status, replay.error, replay.replay_of_id) == (
        RunStatus.CANCELLED,
        OUTPUT_CLOSED,
        1,
    )


@pytest.mark.parametrize(
    ("signum", "code", "reason"),
    [
        (signal.SIGTERM, 143, "stopped by SIGTERM"),
        (signal.SIGHUP, 129, "stopped by SIGHUP (the terminal closed)"),
    ],
)
def test_sigterm_and_sighup_cancel_like_ctrl_c_with_the_text_flushed(
    long_answers: FakeOllama, db_path: Path, signum: int, code: int, reason: str
) -> None:
    with StreamingJournal(db_path, *_run_argv(long_answers)) as running:
        running.read_words(5)
        exit_code, out, err = running.interrupt(signum=signum)
    assert exit_code == code, err
    assert b"Traceback" not in err
    run = _recorded(db_path)
    assert run.status is RunStatus.CANCELLED  # not `interrupted`: nothing was left behind
    assert run.error == reason
    assert out.decode().strip() == run.response.strip()  # every printed word is on disk


def test_a_silent_server_is_counted_on_stderr_and_ctrl_c_still_stops(
    capsys: pytest.CaptureFixture[str],
    fake_ollama: FakeOllama,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("journal.core.runner.SILENCE_NOTICE_AFTER", 0.2)
    monkeypatch.setattr("journal.cli_stream._SILENCE_MILESTONES", (1,))
    fake_ollama.stall_after = 2
    said_silence = AnswerPrinter.silent

    def silent_then_ctrl_c(printer: AnswerPrinter, seconds: float) -> None:
        # The person presses Ctrl-C once the notice is on screen, however slow the machine.
        said_silence(printer, seconds)
        if seconds >= 1:
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(AnswerPrinter, "silent", silent_then_ctrl_c)
    code, out, err = _cli(capsys, "--db", str(db_path), *_run_argv(fake_ollama))
    assert code == 130
    assert "journal: (no answer from Ollama for 1 s; still waiting, Ctrl-C stops)" in err
    assert _recorded(db_path).status is RunStatus.CANCELLED
    assert len(out.split()) == 2


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_on_a_terminal_the_silence_line_counts_in_place_and_never_overwrites_the_answer() -> None:
    screen = _Terminal()
    printer = AnswerPrinter(CancelToken(), out=screen, err=screen)
    printer.chunk("half an", "")
    printer.silent(3.2)
    printer.silent(3.7)  # same whole second: nothing new
    printer.silent(4.1)
    printer.chunk(" answer", "")
    assert screen.getvalue() == (
        "half an\n"  # the answer's line is ended before the notice takes the next one
        "\r(no answer from Ollama for 3 s; still waiting, Ctrl-C stops)"
        "\r(no answer from Ollama for 4 s; still waiting, Ctrl-C stops)"
        "\r\x1b[K answer"
    )


def test_a_journal_refusing_the_text_is_said_once_and_so_is_its_recovery() -> None:
    err = io.StringIO()
    notices = Notices(err)
    for _ in range(3):
        notices.save_failed("The disk holding j.sqlite is full.")
    notices.saved()
    notices.saved()
    lines = err.getvalue().splitlines()
    assert lines == [
        "journal: not saved yet: The disk holding j.sqlite is full. The answer is kept in memory "
        "and saved as soon as the journal takes it (Ctrl-C gives up).",
        "journal: saved after all: the whole answer is in the journal.",
    ]
