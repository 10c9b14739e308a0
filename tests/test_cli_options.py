"""`-o KEY=VALUE` on `journal run` and `journal replay`: the core's validator, one-line errors,
and `--allow-unknown-option` for keys Ollama does not know."""

from __future__ import annotations

from pathlib import Path

import pytest

from journal.core.queries import get_run
from journal.core.storage import Journal
from tests.fake_ollama import FakeOllama
from tests.journal_process import run_cli


def _run(capsys: pytest.CaptureFixture[str], db: Path, host: str, *options: str) -> tuple[int, str]:
    argv = ["--db", str(db), "run", "--host", host, "-m", "llama3:8b", "-p", "Hi", *options]
    code, _, err = run_cli(capsys, *argv)
    return code, err


def _one_line_error(err: str) -> str:
    assert "Traceback" not in err
    assert err.count("\n") == 1 and err.startswith("journal: error: "), err
    return err[len("journal: error: ") : -1]


def test_a_typo_is_refused_with_a_suggestion_and_nothing_is_recorded(
    capsys: pytest.CaptureFixture[str], fake_ollama: FakeOllama, db_path: Path
) -> None:
    code, err = _run(capsys, db_path, fake_ollama.url, "-o", "temprature=0.2")
    assert code == 1
    assert _one_line_error(err) == (
        "Unknown option temprature: did you mean temperature? "
        "Add --allow-unknown-option to send it anyway."
    )
    assert not db_path.exists()
    assert fake_ollama.requests_for("/api/chat") == []


def test_allow_unknown_option_sends_and_records_it(
    capsys: pytest.CaptureFixture[str], fake_ollama: FakeOllama, db_path: Path
) -> None:
    code, err = _run(capsys, db_path, fake_ollama.url, "--allow-unknown-option", "-o", "mirostat=2")
    assert code == 0, err
    (request,) = fake_ollama.requests_for("/api/chat")
    assert request.body["options"] == {"mirostat": 2}
    with Journal.open(db_path) as journal, journal.read() as session:
        assert get_run(session, 1).options == {"mirostat": 2}


@pytest.mark.parametrize(
    ("option", "message"),
    [
        ("foo=1e999", "Option foo holds Infinity, which JSON cannot carry."),
        ("foo=" + "[" * 200 + "]" * 200, "Option foo is nested deeper than 16 levels."),
        ("temperature=1e999", "Option temperature needs a finite number, not '1e999'."),
        ("seed=99999999999999999999", "Option seed must fit a 64-bit integer"),
        ("top_p=1.5", "Option top_p must be between 0 and 1, not 1.5."),
        ("num_ctx=0", "Option num_ctx must be between 1 and 2147483647, not 0."),
        ("keep_alive=soon", "keep_alive takes a duration like 5m, 1h30m or 300ms"),
        ("keep_alive=1e3", "keep_alive takes a duration like 5m, 1h30m or 300ms"),
    ],
)
def test_values_that_would_not_survive_are_one_line_errors(
    capsys: pytest.CaptureFixture[str],
    fake_ollama: FakeOllama,
    db_path: Path,
    option: str,
    message: str,
) -> None:
    code, err = _run(capsys, db_path, fake_ollama.url, "--allow-unknown-option", "-o", option)
    assert code == 1
    assert _one_line_error(err).startswith(message)
    assert fake_ollama.requests_for("/api/chat") == []


def test_a_replay_accepts_the_keys_its_run_recorded_and_checks_new_ones(
    capsys: pytest.CaptureFixture[str], fake_ollama: FakeOllama, db_path: Path
) -> None:
    code, err = _run(capsys, db_path, fake_ollama.url, "--allow-unknown-option", "-o", "mirostat=2")
    assert code == 0, err
    db = ["--db", str(db_path)]
    host = ["--host", fake_ollama.url]
    code, _, err = run_cli(capsys, *db, "replay", *host, "1")
    assert code == 0, err  # mirostat was recorded: not a new typo
    code, _, err = run_cli(capsys, *db, "replay", *host, "1", "-o", "mirostat=1")
    assert code == 0, err
    assert fake_ollama.requests_for("/api/chat")[-1].body["options"] == {"mirostat": 1}

    code, _, err = run_cli(capsys, *db, "replay", *host, "1", "-o", "num_batchh=8")
    assert code == 1
    assert _one_line_error(err) == (
        "Unknown option num_batchh: did you mean num_batch? "
        "Add --allow-unknown-option to send it anyway."
    )
    code, _, err = run_cli(
        capsys, *db, "replay", *host, "1", "-o", "num_batchh=8", "--allow-unknown-option"
    )
    assert code == 0, err
    code, _, err = run_cli(capsys, *db, "replay", *host, "1", "-o", "temperature=-1")
    assert _one_line_error(err) == "Option temperature must be at least 0, not -1.0."
    assert len(fake_ollama.requests_for("/api/chat")) == 4
