"""`journal run --format`, `journal replay --format` and what `journal show` says of a run
that asked for structured output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from journal.core.queries import get_run
from journal.core.storage import Journal
from tests.fake_ollama import FakeModel, FakeOllama
from tests.journal_process import run_cli

PERSON = {
    "type": "object",
    "properties": {"name": {"type": "string"}},
    "required": ["name"],
}


def _chat_formats(fake: FakeOllama) -> list[Any]:
    return [request.body.get("format") for request in fake.requests_for("/api/chat")]


def _run(capsys: pytest.CaptureFixture[str], db: Path, url: str, *extra: str) -> str:
    code, _, err = run_cli(
        capsys, "--db", str(db), "run", "--host", url, "-m", "llama3:8b", "-p", "Who?", *extra
    )
    assert code == 0, err
    return err


def test_run_sends_and_records_a_schema_from_a_file_and_show_says_it_matched(
    capsys: pytest.CaptureFixture[str], fake_ollama: FakeOllama, db_path: Path, tmp_path: Path
) -> None:
    schema_file = tmp_path / "person.json"
    schema_file.write_text(json.dumps(PERSON, indent=2), encoding="utf-8")
    _run(capsys, db_path, fake_ollama.url, "--format", f"@{schema_file}")
    assert _chat_formats(fake_ollama) == [PERSON]
    with Journal.open(db_path) as journal, journal.read() as session:
        assert get_run(session, 1).format == PERSON
    code, out, _ = run_cli(capsys, "--db", str(db_path), "show", "1")
    assert code == 0
    assert 'format: {"type":"object","properties":{"name":{"type":"string"}},' in out
    assert "format check: pass · valid JSON, matches the schema\n" in out
    code, out, _ = run_cli(capsys, "--db", str(db_path), "show", "1", "--json")
    check = json.loads(out)["runs"][0]["format_check"]
    assert check == {"parsed": True, "valid": True, "summary": "valid JSON, matches the schema"}


def test_show_says_when_the_answer_is_not_what_the_format_asked_for(
    capsys: pytest.CaptureFixture[str], fake_ollama: FakeOllama, db_path: Path
) -> None:
    fake_ollama.add_model(FakeModel(name="sloppy:1b", reply=lambda *_: '{"nom": "Ada"}'))
    code, _, err = run_cli(
        capsys,
        "--db",
        str(db_path),
        "run",
        "--host",
        fake_ollama.url,
        "-m",
        "sloppy:1b",
        "-p",
        "Who?",
        "--format",
        json.dumps(PERSON),
    )
    assert code == 0, err
    _, out, _ = run_cli(capsys, "--db", str(db_path), "show", "1")
    assert "format check: fail · does not match the schema: 'name' is a required property" in out


def test_a_bad_format_is_refused_before_anything_is_sent_or_written(
    capsys: pytest.CaptureFixture[str], fake_ollama: FakeOllama, db_path: Path
) -> None:
    code, _, err = run_cli(
        capsys,
        "--db",
        str(db_path),
        "run",
        "--host",
        fake_ollama.url,
        "-m",
        "llama3:8b",
        "-p",
        "Who?",
        "--format",
        '{"type": "object",',
    )
    assert code != 0
    assert "The format: the schema is not JSON" in err and "Traceback" not in err
    assert fake_ollama.requests_for("/api/chat") == []
    assert not db_path.exists() or "run 1" not in run_cli(capsys, "--db", str(db_path), "list")[1]


def test_replay_sends_the_format_again_or_the_one_given(
    capsys: pytest.CaptureFixture[str], fake_ollama: FakeOllama, db_path: Path
) -> None:
    _run(capsys, db_path, fake_ollama.url, "--format", "json")
    replay = ("--db", str(db_path), "replay", "1", "--host", fake_ollama.url)
    for extra in ((), ("--format", json.dumps(PERSON)), ("--format", "none")):
        code, _, err = run_cli(capsys, *replay, *extra)
        assert code == 0, err
    assert _chat_formats(fake_ollama) == ["json", "json", PERSON, None]
    _, out, _ = run_cli(capsys, "--db", str(db_path), "show", "1")
    assert out.count("format: json\n") == 2
    assert "format check: pass · valid JSON\n" in out
