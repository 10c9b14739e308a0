"""`journal models` with sizes and loaded marks, `journal unload` and `journal rm-model`."""

from __future__ import annotations

import json

import pytest

from journal.core.ollama_service import ChatRequest, OllamaService
from tests.conftest import UNREACHABLE_HOST
from tests.fake_ollama import FakeOllama
from tests.journal_process import run_cli as _cli


def _load(fake: FakeOllama, model: str) -> None:
    request = ChatRequest(model, [{"role": "user", "content": "hi"}], keep_alive="10m")
    OllamaService(fake.url).chat(request, lambda _content, _thinking: None)


def _rows(out: str) -> dict[str, str]:
    return {line.split()[0]: line for line in out.splitlines()[1:]}


def test_models_shows_size_on_disk_and_which_are_loaded(
    capsys: pytest.CaptureFixture[str], fake_ollama: FakeOllama
) -> None:
    _load(fake_ollama, "qwen3:0.6b")
    code, out, _ = _cli(capsys, "models", "--host", fake_ollama.url)
    assert code == 0
    rows = _rows(out)
    assert "4.7 GB" in rows["llama3:8b"] and rows["llama3:8b"].rstrip().endswith("-")
    assert "523 MB" in rows["qwen3:0.6b"] and "until " in rows["qwen3:0.6b"]
    code, out, _ = _cli(capsys, "models", "--host", fake_ollama.url, "--json")
    records = {r["name"]: r for r in json.loads(out)}
    assert records["llama3:8b"]["loaded_until"] is None
    assert records["qwen3:0.6b"]["loaded_until"]


def test_models_loaded_lists_only_what_is_in_memory(
    capsys: pytest.CaptureFixture[str], fake_ollama: FakeOllama
) -> None:
    code, _, err = _cli(capsys, "models", "--loaded", "--host", fake_ollama.url)
    assert code == 0 and err == "No model is loaded now.\n"
    _load(fake_ollama, "llama3:8b")
    code, out, _ = _cli(capsys, "models", "--loaded", "--host", fake_ollama.url)
    header, row = out.splitlines()
    assert header.split() == ["NAME", "DIGEST", "SIZE", "PROCESSOR", "CONTEXT", "LOADED"]
    assert row.startswith("llama3:8b") and "4.7 GB" in row and "100% GPU" in row
    code, out, _ = _cli(capsys, "models", "--loaded", "--json", "--host", fake_ollama.url)
    (record,) = json.loads(out)
    assert record["name"] == "llama3:8b" and record["expires_at"]


def test_unload_says_what_it_did(
    capsys: pytest.CaptureFixture[str], fake_ollama: FakeOllama
) -> None:
    _load(fake_ollama, "llama3:8b")
    code, out, _ = _cli(capsys, "unload", "llama3:8b", "--host", fake_ollama.url)
    assert (code, out) == (0, "Unloaded llama3:8b: Ollama no longer holds it in memory.\n")
    code, out, _ = _cli(capsys, "unload", "llama3:8b", "--host", fake_ollama.url)
    assert (code, out) == (0, "llama3:8b was not loaded; nothing changed.\n")
    code, _, err = _cli(capsys, "unload", "nope:1b", "--host", fake_ollama.url)
    assert code == 1 and err.startswith("journal: error: There is no model 'nope:1b'")


def test_rm_model_asks_on_a_terminal_and_deletes_on_yes(
    capsys: pytest.CaptureFixture[str], fake_ollama: FakeOllama, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = iter(["n", "y"])
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda _prompt="": next(answers))
    code, out, err = _cli(capsys, "rm-model", "qwen3:0.6b", "--host", fake_ollama.url)
    assert code == 1 and err == "Nothing deleted.\n"
    assert "Delete qwen3:0.6b (523 MB on disk)" in out
    assert "qwen3:0.6b" in fake_ollama.models
    code, out, _ = _cli(capsys, "rm-model", "qwen3:0.6b", "--host", fake_ollama.url)
    assert code == 0 and out.endswith(
        f"Deleted qwen3:0.6b (523 MB on disk) from {fake_ollama.url}.\n"
    )
    assert "qwen3:0.6b" not in fake_ollama.models


def test_rm_model_with_yes_does_not_ask_and_a_script_must_say_yes(
    capsys: pytest.CaptureFixture[str], fake_ollama: FakeOllama, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    code, out, _ = _cli(capsys, "rm-model", "--yes", "llama3:8b", "--host", fake_ollama.url)
    assert code == 0 and out.startswith("Deleted llama3:8b (4.7 GB on disk)")
    monkeypatch.setattr("sys.stdin.isatty", lambda: False)
    code, _, err = _cli(capsys, "rm-model", "qwen3:0.6b", "--host", fake_ollama.url)
    assert code == 1 and "add --yes to delete it from a script" in err
    assert "qwen3:0.6b" in fake_ollama.models  # nothing deleted
    code, _, _ = _cli(capsys, "rm-model", "-y", "qwen3:0.6b", "--host", fake_ollama.url)
    assert code == 0 and fake_ollama.models == {}


def test_a_dead_server_is_one_line_for_each_command(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["rm-model", "-y", "x"], ["unload", "x"], ["models", "--loaded"]):
        code, out, err = _cli(capsys, *argv, "--host", UNREACHABLE_HOST)
        assert code == 1 and out == ""
        assert err.startswith(f"journal: error: Cannot reach Ollama at {UNREACHABLE_HOST}")
        assert err.count("\n") == 1
