"""The `journal` command end to end: output, JSON, exit codes, and one-line errors."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from journal.cli import main
from journal.core.models import RunStatus
from journal.core.queries import create_experiment, get_run, list_experiments
from journal.core.storage import Journal
from tests.conftest import UNREACHABLE_HOST
from tests.fake_ollama import FakeOllama
from tests.journal_process import StreamingJournal, run_journal
from tests.journal_process import run_cli as _cli


def test_models_table_and_json(capsys: pytest.CaptureFixture[str], fake_ollama: FakeOllama) -> None:
    code, out, _ = _cli(capsys, "models", "--host", fake_ollama.url)
    assert code == 0
    header, *rows = out.splitlines()
    assert header.split() == ["NAME", "DIGEST", "SIZE", "FAMILY", "PARAMS", "QUANT", "LOADED"]
    assert any(row.startswith("llama3:8b") and "Q4_0" in row for row in rows)
    code, out, _ = _cli(capsys, "models", "--host", fake_ollama.url, "--json")
    records = json.loads(out)
    assert {r["name"] for r in records} == {"llama3:8b", "qwen3:0.6b"}
    assert all(len(r["digest"]) == 64 for r in records)


def test_host_comes_from_ollama_host(
    capsys: pytest.CaptureFixture[str], fake_ollama: FakeOllama, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OLLAMA_HOST", f"127.0.0.1:{fake_ollama.port}")
    code, out, _ = _cli(capsys, "models")
    assert code == 0 and "llama3:8b" in out


def test_run_streams_records_and_reports(
    capsys: pytest.CaptureFixture[str], fake_ollama: FakeOllama, db_path: Path
) -> None:
    code, out, err = _cli(
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
        "-H",
        "It lists three",
        "-t",
        "Rivers",
        "--tag",
        "geo",
        "-o",
        "temperature=0.2",
        "-o",
        "seed=42",
        "-o",
        "stop=END",
        "-o",
        "keep_alive=2m",
    )
    assert code == 0, err
    assert "run 1 of experiment 1" in err
    assert "run 1 done" in err and "tok/s" in err
    with Journal.open(db_path) as journal, journal.read() as session:
        run = get_run(session, 1)
    assert out.strip() == run.response.strip()
    assert run.options == {"temperature": 0.2, "seed": 42, "stop": ["END"]}
    assert run.keep_alive == "2m"
    assert run.system_prompt == "Be brief"

    code, out, _ = _cli(capsys, "--db", str(db_path), "show", "1", "--json")
    record = json.loads(out)
    assert record["title"] == "Rivers"
    assert record["hypothesis"] == "It lists three"
    assert record["tags"] == ["geo"]
    assert record["runs"][0]["status"] == "done"
    assert record["runs"][0]["model_digest"]

    # a second run added to the same experiment
    code, _, err = _cli(
        capsys,
        "--db",
        str(db_path),
        "run",
        "--host",
        fake_ollama.url,
        "-m",
        "qwen3:0.6b",
        "-p",
        "Name three rivers",
        "--experiment",
        "1",
    )
    assert code == 0, err
    code, out, _ = _cli(capsys, "--db", str(db_path), "show", "1")
    assert "## run 1 · llama3:8b @ " in out and "## run 2 · qwen3:0.6b @ " in out


def test_list_verdict_and_search(
    capsys: pytest.CaptureFixture[str], fake_ollama: FakeOllama, db_path: Path
) -> None:
    db = ("--db", str(db_path))
    for model, prompt in (("llama3:8b", "about zebras"), ("qwen3:0.6b", "about otters")):
        assert (
            _cli(capsys, *db, "run", "--host", fake_ollama.url, "-m", model, "-p", prompt)[0] == 0
        )
    code, out, err = _cli(capsys, *db, "verdict", "2", "worked", "--why", "concise")
    assert code == 0 and "run 2: worked" in err
    code, out, _ = _cli(capsys, *db, "list")
    lines = out.splitlines()
    assert lines[0].split()[:5] == ["ID", "CREATED", "RUNS", "LAST", "MODEL"]
    assert lines[1].startswith("2 ") and "worked" in lines[1] and "about otters" in lines[1]
    code, out, _ = _cli(capsys, *db, "list", "--verdict", "worked", "--json")
    assert [row["id"] for row in json.loads(out)] == [2]
    code, out, _ = _cli(capsys, *db, "list", "--model", "llama3:8b", "--json")
    assert [row["id"] for row in json.loads(out)] == [1]
    code, out, _ = _cli(capsys, *db, "list", "--search", "zebras", "--json")
    assert [row["id"] for row in json.loads(out)] == [1]
    code, out, _ = _cli(capsys, *db, "search", "otters")
    assert out.startswith("2: about otters") and "[otters]" in out
    code, out, _ = _cli(capsys, *db, "search", "concise", "--json")
    assert [hit["experiment_id"] for hit in json.loads(out)] == [2]
    code, out, err = _cli(capsys, *db, "verdict", "2", "none")
    assert code == 0 and "unrated" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["show", "99"], "There is no experiment 99."),
        (["verdict", "5", "worked"], "There is no run 5."),
        (["run", "-m", "llama3:8b", "-p", "  "], "The prompt is empty"),
        (["run", "-m", "llama3:8b", "-p", "x", "-o", "seed=abc"], "seed needs a whole number"),
        (["run", "-m", "llama3:8b", "-p", "x", "-o", "temperature=nan"], "a finite number"),
        (["run", "-m", "llama3:8b", "-p", "x", "-o", "oops"], "Options are KEY=VALUE"),
        (["run", "-m", "llama3:8b", "-p", "@/no/such/file"], "Cannot read the prompt"),
        (["models"], "Cannot reach Ollama at http://127.0.0.1:9"),
    ],
)
def test_errors_are_one_clear_line(
    capsys: pytest.CaptureFixture[str], journal: Journal, argv: list[str], message: str
) -> None:
    db_path = journal.path
    code, _, err = _cli(capsys, "--db", str(db_path), *argv)
    assert code == 1
    assert err.count("\n") == 1 and err.startswith("journal: error: ")
    assert message in err


def test_run_against_a_dead_server_writes_nothing_for_a_new_experiment(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    run = ["--db", str(db_path), "run", "--host", UNREACHABLE_HOST, "-m", "llama3:8b"]
    code, _, err = _cli(capsys, *run, "-p", "hello")
    assert code == 1
    assert "ollama serve" in err and "recorded" not in err and "Traceback" not in err
    assert not db_path.exists()  # no journal, no experiment holding one failed run


def test_run_of_a_missing_model_writes_nothing_for_a_new_experiment(
    capsys: pytest.CaptureFixture[str], db_path: Path, fake_ollama: FakeOllama
) -> None:
    Journal.open(db_path).close()
    run = ["--db", str(db_path), "run", "--host", fake_ollama.url]
    code, _, err = _cli(capsys, *run, "-m", "nope:1b", "-p", "hello")
    assert code == 1 and "ollama pull nope:1b" in err
    with Journal.open(db_path) as journal, journal.read() as session:
        assert list_experiments(session) == []
    assert fake_ollama.requests_for("/api/chat") == []


def test_run_in_an_existing_experiment_records_the_failed_attempt(
    capsys: pytest.CaptureFixture[str], db_path: Path
) -> None:
    with Journal.open(db_path) as journal, journal.write() as session:
        create_experiment(session, title="rivers")
    run = ["--db", str(db_path), "run", "--host", UNREACHABLE_HOST, "-m", "llama3:8b"]
    code, _, err = _cli(capsys, *run, "-p", "hello", "--experiment", "1")
    assert code == 1
    assert "ollama serve" in err and "recorded as failed" in err
    with Journal.open(db_path) as journal, journal.read() as session:
        assert get_run(session, 1).status is RunStatus.FAILED


def test_not_a_journal_is_refused_without_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("hello")
    code, _, err = _cli(capsys, "--db", str(bogus), "list")
    assert code == 1 and "not an LLM Journal file" in err and "Traceback" not in err
    assert bogus.read_text() == "hello"


def test_journal_db_environment_variable(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "env.sqlite"
    monkeypatch.setenv("JOURNAL_DB", str(target))
    code, _, err = _cli(capsys, "list")  # reading creates nothing
    assert code == 1 and f"There is no journal at {target} yet" in err
    assert not target.exists()
    _cli(capsys, "verdict", "1", "worked")  # writing creates it
    assert target.exists()


def test_default_journal_lives_in_the_user_data_dir(capsys: pytest.CaptureFixture[str]) -> None:
    default = Path(os.environ["XDG_DATA_HOME"]) / "llm-journal" / "journal.sqlite"
    code, _, err = _cli(capsys, "list")
    assert code == 1 and f"There is no journal at {default} yet" in err
    _cli(capsys, "verdict", "1", "worked")
    assert default.exists()


def test_prompt_from_stdin_and_file(fake_ollama: FakeOllama, db_path: Path, tmp_path: Path) -> None:
    prompt_file = tmp_path / "prompt.txt"
    prompt_file.write_text("from a file ```with``` backticks", encoding="utf-8")
    for prompt_arg, stdin in (("-", "from stdin 🧪"), (f"@{prompt_file}", "")):
        result = run_journal(
            db_path,
            "run",
            "--host",
            fake_ollama.url,
            "-m",
            "llama3:8b",
            "-p",
            prompt_arg,
            stdin=stdin,
        )
        assert result.returncode == 0, result.stderr
    with Journal.open(db_path) as journal, journal.read() as session:
        assert get_run(session, 1).prompt == "from stdin 🧪"
        assert get_run(session, 2).prompt == "from a file ```with``` backticks"


def test_ctrl_c_cancels_and_keeps_the_partial_answer(
    fake_ollama: FakeOllama, db_path: Path
) -> None:
    fake_ollama.stall_after = 4
    with StreamingJournal(
        db_path, "run", "--host", fake_ollama.url, "-m", "llama3:8b", "-p", "a long story"
    ) as running:
        running.read_words(4)
        code, out, err = running.interrupt()
    assert code == 130, err
    assert b"cancelled; the partial answer is kept" in err
    assert b"Traceback" not in err
    with Journal.open(db_path) as journal, journal.read() as session:
        run = get_run(session, 1)
    assert run.status is RunStatus.CANCELLED
    assert run.response
    assert out.decode().strip() == run.response.strip()


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("models", "run", "list", "show", "verdict", "search"):
        assert command in out


def test_run_with_variables_records_the_template_and_shows_it(
    capsys: pytest.CaptureFixture[str], fake_ollama: FakeOllama, db_path: Path
) -> None:
    run = ["--db", str(db_path), "run", "--host", fake_ollama.url, "-m", "llama3:8b"]
    code, _, err = _cli(
        capsys,
        *run,
        "-p",
        "say {{word}} {{{{literal}}",
        "-s",
        "Answer in {{lang}}.",
        "--var",
        "word=kiwi=fruit",
        "--var",
        "lang={{x}}",
    )
    assert code == 0, err
    assert fake_ollama.requests_for("/api/chat")[-1].body["messages"] == [
        {"role": "system", "content": "Answer in {{x}}."},
        {"role": "user", "content": "say kiwi=fruit {{literal}}"},
    ]
    template = {
        "prompt": "say {{word}} {{{{literal}}",
        "system": "Answer in {{lang}}.",
        "values": {"word": "kiwi=fruit", "lang": "{{x}}"},
    }
    with Journal.open(db_path) as journal, journal.read() as session:
        recorded = get_run(session, 1)
    assert recorded.prompt == "say kiwi=fruit {{literal}}"
    assert recorded.system_prompt == "Answer in {{x}}."
    assert recorded.template == template

    code, out, _ = _cli(capsys, "--db", str(db_path), "show", "1")
    assert code == 0
    assert (
        "system template: Answer in {{lang}}.\n"
        "prompt template: say {{word}} {{{{literal}}\n"
        "values: word=kiwi=fruit, lang={{x}}\n"
        "system: Answer in {{x}}.\n"
        "prompt: say kiwi=fruit {{literal}}\n"
    ) in out
    code, out, _ = _cli(capsys, "--db", str(db_path), "show", "1", "--json")
    assert json.loads(out)["runs"][0]["template"] == template


def test_a_run_without_variables_records_no_template(
    capsys: pytest.CaptureFixture[str], fake_ollama: FakeOllama, db_path: Path
) -> None:
    run = ["--db", str(db_path), "run", "--host", fake_ollama.url, "-m", "llama3:8b"]
    code, _, err = _cli(capsys, *run, "-p", "Fill {{ .Prompt }} and {{ name }}")
    assert code == 0, err
    with Journal.open(db_path) as journal, journal.read() as session:
        recorded = get_run(session, 1)
    assert recorded.prompt == "Fill {{ .Prompt }} and {{ name }}" and recorded.template is None
    code, out, _ = _cli(capsys, "--db", str(db_path), "show", "1")
    assert "template" not in out and "values:" not in out


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ([], "No value for the variable {{word}}: give NAME=VALUE for each (values given: none)."),
        (["--var", "word=kiwi", "--var", "wrod=lime"], "The value for wrod would be used nowhere"),
        (["--var", "word"], "'word' is no variable value: write NAME=VALUE"),
        (["--var", "9=kiwi"], "'9' cannot be a variable name"),
    ],
)
def test_a_variable_problem_is_one_line_and_nothing_is_sent_or_written(
    capsys: pytest.CaptureFixture[str],
    fake_ollama: FakeOllama,
    db_path: Path,
    variables: list[str],
    message: str,
) -> None:
    run = ["--db", str(db_path), "run", "--host", fake_ollama.url, "-m", "llama3:8b"]
    code, out, err = _cli(capsys, *run, "-p", "say {{word}}", *variables)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith(f"journal: error: {message}")
    assert fake_ollama.requests == []  # not even asked which models it has
    assert not db_path.exists()
