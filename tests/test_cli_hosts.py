"""`journal hosts` through `journal.cli.main`: two fake Ollama servers and one address where
nothing listens; the table, -v, --json, the exit codes and where the hosts come from."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import UNREACHABLE_HOST
from tests.fake_ollama import FakeModel, FakeOllama
from tests.journal_process import run_cli


@pytest.fixture
def second_ollama() -> Iterator[FakeOllama]:
    """Another server, as a second machine would be: its own version and model."""
    fake = FakeOllama([FakeModel(name="smollm2:135m", parameter_size="135M")], version="0.11.4")
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()


def _digest(fake: FakeOllama, name: str) -> str:
    return str(fake._tag_entry(fake.models[name])["digest"])


def test_the_table_lists_each_host_in_order(
    capsys: pytest.CaptureFixture[str], fake_ollama: FakeOllama, second_ollama: FakeOllama
) -> None:
    code, out, err = run_cli(
        capsys,
        "hosts",
        "--host",
        fake_ollama.url,
        "--host",
        UNREACHABLE_HOST,
        "--host",
        f"{second_ollama.url},limit=3",
    )
    assert (code, err) == (0, "")
    header, first, dead, second = out.splitlines()
    assert header.split() == ["ADDRESS", "LIMIT", "STATE", "VERSION", "MODELS", "REASON"]
    assert first.split() == [fake_ollama.url, "1", "up", "0.10.1", "2"]
    assert dead.split() == [
        UNREACHABLE_HOST,
        "1",
        "unreachable",
        "-",
        "-",
        "Connection",
        "refused",
    ]
    assert second.split() == [second_ollama.url, "3", "up", "0.11.4", "1"]


def test_verbose_lists_the_models_with_short_digests(
    capsys: pytest.CaptureFixture[str], fake_ollama: FakeOllama, second_ollama: FakeOllama
) -> None:
    code, out, _ = run_cli(
        capsys, "hosts", "-v", "--host", fake_ollama.url, "--host", second_ollama.url
    )
    assert code == 0
    models = out.split("\n\n", 1)[1]
    assert models.splitlines() == [
        fake_ollama.url,
        f"  llama3:8b   {_digest(fake_ollama, 'llama3:8b')[:12]}",
        f"  qwen3:0.6b  {_digest(fake_ollama, 'qwen3:0.6b')[:12]}",
        "",
        second_ollama.url,
        f"  smollm2:135m  {_digest(second_ollama, 'smollm2:135m')[:12]}",
    ]


def test_json_for_scripts(
    capsys: pytest.CaptureFixture[str], fake_ollama: FakeOllama, second_ollama: FakeOllama
) -> None:
    code, out, err = run_cli(
        capsys,
        "hosts",
        "--json",
        "--host",
        second_ollama.url,
        "--host",
        UNREACHABLE_HOST,
        "--host",
        fake_ollama.url,
    )
    assert (code, err) == (0, "")
    second, dead, first = json.loads(out)
    digest = _digest(second_ollama, "smollm2:135m")
    assert second == {
        "address": second_ollama.url,
        "state": "up",
        "reason": None,
        "version": "0.11.4",
        "models": [{"name": "smollm2:135m", "digest": digest, "short_digest": digest[:12]}],
        "limit": 1,
    }
    assert dead == {
        "address": UNREACHABLE_HOST,
        "state": "unreachable",
        "reason": "Connection refused",
        "version": None,
        "models": [],
        "limit": 1,
    }
    assert [m["name"] for m in first["models"]] == ["llama3:8b", "qwen3:0.6b"]


def test_no_host_answering_exits_1_with_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "hosts", "--host", UNREACHABLE_HOST, "--host", "127.0.0.1:1")
    assert code == 1
    assert len(out.splitlines()) == 3  # the table still says why each is down
    assert err == (
        "journal: error: no Ollama host answered (2 hosts asked); start Ollama there, or name "
        "others with --host or `journal config set ollama.hosts`.\n"
    )
    code, out, err = run_cli(capsys, "hosts", "--json", "--host", UNREACHABLE_HOST)
    assert code == 1 and err.count("\n") == 1
    assert json.loads(out)[0]["state"] == "unreachable"


def test_without_host_ollama_host_first_then_the_settings(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    fake_ollama: FakeOllama,
    second_ollama: FakeOllama,
) -> None:
    monkeypatch.setenv("JOURNAL_CONFIG", str(tmp_path / "settings.toml"))
    code, _, _ = run_cli(capsys, "config", "set", "ollama.hosts", second_ollama.url)
    assert code == 0
    # conftest points OLLAMA_HOST at an address where nothing listens: it comes first.
    code, out, err = run_cli(capsys, "hosts", "--json")
    assert (code, err) == (0, "")
    assert [h["address"] for h in json.loads(out)] == [UNREACHABLE_HOST, second_ollama.url]
    monkeypatch.delenv("OLLAMA_HOST")
    code, out, _ = run_cli(capsys, "hosts", "--json")
    assert [h["address"] for h in json.loads(out)] == [second_ollama.url]
    # --host before the command names one host, as it does for every command.
    code, out, _ = run_cli(capsys, "--host", fake_ollama.url, "hosts", "--json")
    assert [h["address"] for h in json.loads(out)] == [fake_ollama.url]


def test_a_bad_address_is_refused_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(capsys, "hosts", "--host", "http://[::1")
    assert code == 1 and out == ""
    assert err.startswith("journal: error: ") and err.count("\n") == 1


def test_other_commands_keep_one_host(capsys: pytest.CaptureFixture[str]) -> None:
    from journal.cli import build_parser

    args = build_parser().parse_args(["models", "--host", "a", "--host", "b"])
    assert args.host == "b"


def test_the_settings_give_each_host_its_limit(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    second_ollama: FakeOllama,
) -> None:
    monkeypatch.setenv("JOURNAL_CONFIG", str(tmp_path / "settings.toml"))
    monkeypatch.delenv("OLLAMA_HOST")
    hosts = [f"{second_ollama.url} limit=2", UNREACHABLE_HOST]
    assert run_cli(capsys, "config", "set", "ollama.hosts", *hosts)[0] == 0
    code, out, _ = run_cli(capsys, "hosts", "--json")
    assert [(h["address"], h["limit"]) for h in json.loads(out)] == [
        (second_ollama.url, 2),
        (UNREACHABLE_HOST, 1),
    ]
    code, _, err = run_cli(capsys, "config", "set", "ollama.hosts", "http://a:1 limit=many")
    assert code != 0 and "limit=many is not a number of requests from 1 to 64" in err
