"""`journal config` through `journal.cli.main`, the host rule on the command line, and
`journal run` starting from the saved default options (replays keep what they recorded)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from journal.core.queries import get_run
from journal.core.storage import Journal
from tests.conftest import UNREACHABLE_HOST
from tests.fake_ollama import FakeOllama
from tests.journal_process import run_cli


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "conf" / "settings.toml"
    monkeypatch.setenv("JOURNAL_CONFIG", str(path))
    return path


def _ok(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[str, str]:
    code, out, err = run_cli(capsys, *argv)
    assert code == 0, err
    return out, err


def _one_line_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, out, err = run_cli(capsys, *argv)
    assert code == 1 and out == ""
    assert "Traceback" not in err
    assert err.count("\n") == 1 and err.startswith("journal: error: "), err
    return err[len("journal: error: ") : -1]


# -- journal config ----------------------------------------------------------------------


def test_set_get_list_and_unset(capsys: pytest.CaptureFixture[str], config: Path) -> None:
    out, err = _ok(capsys, "config", "list")
    assert "ollama.hosts         (not set)" in out
    assert err == f"settings file: {config} (not written yet)\n"
    assert not config.exists()  # reading creates nothing

    out, err = _ok(
        capsys, "config", "set", "ollama.hosts", "http://gpu-box:11434", "http://127.0.0.1:11434"
    )
    assert err == (
        f"ollama.hosts = http://gpu-box:11434 http://127.0.0.1:11434 (saved in {config})\n"
    )
    _ok(capsys, "config", "set", "defaults.options", "temperature=0.2", "seed=42", "stop=###")
    _ok(capsys, "config", "set", "defaults.keep_alive", "-1")
    _ok(capsys, "config", "set", "defaults.think", "high")
    _ok(capsys, "config", "set", "models.judge", "qwen3:8b")

    out, _ = _ok(capsys, "config", "get", "ollama.hosts")
    assert out == "http://gpu-box:11434\nhttp://127.0.0.1:11434\n"
    out, _ = _ok(capsys, "config", "get", "defaults.options")
    assert out == 'temperature=0.2\nseed=42\nstop=["###"]\n'
    out, _ = _ok(capsys, "config", "get", "defaults.options", "--json")
    assert json.loads(out) == {"temperature": 0.2, "seed": 42, "stop": ["###"]}
    out, _ = _ok(capsys, "config", "get", "models.embedding", "--json")
    assert json.loads(out) == ""

    out, _ = _ok(capsys, "config", "list")
    assert "defaults.options     temperature=0.2 seed=42 'stop=[\"###\"]'\n" in out
    assert "defaults.keep_alive  -1\n" in out
    out, _ = _ok(capsys, "config", "list", "--json")
    listed = json.loads(out)
    assert listed["file"] == str(config)
    assert listed["settings"] == {
        "ollama.hosts": ["http://gpu-box:11434", "http://127.0.0.1:11434"],
        "defaults.options": {"temperature": 0.2, "seed": 42, "stop": ["###"]},
        "defaults.keep_alive": "-1",
        "defaults.think": "high",
        "models.judge": "qwen3:8b",
        "models.embedding": "",
    }

    _, err = _ok(capsys, "config", "unset", "defaults.think")
    assert err == f"defaults.think unset (saved in {config})\n"
    out, _ = _ok(capsys, "config", "get", "defaults.think", "--json")
    assert json.loads(out) is None


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["set", "ollama.hosts", "ftp://gpu-box"],
            "ollama.hosts 'ftp://gpu-box' is not a usable Ollama address: only http:// and "
            "https:// work, as in http://127.0.0.1:11434.",
        ),
        (
            ["set", "defaults.options", "temprature=0.2"],
            "Unknown option temprature: did you mean temperature? "
            "Add --allow-unknown-option to save it anyway.",
        ),
        (
            ["set", "defaults.options", "top_p=1.5"],
            "Option top_p must be between 0 and 1, not 1.5.",
        ),
        (
            ["set", "defaults.options", "think=true"],
            "think is a setting of its own: journal config set defaults.think VALUE.",
        ),
        (["set", "defaults.think", "maybe"], "think takes true, false, low, medium or high"),
        (["set", "defaults.keep_alive", "soon"], "keep_alive takes a duration like 5m"),
        (["get", "ollama.host"], "Unknown setting ollama.host: did you mean ollama.hosts?"),
        (["unset", "nope"], "Unknown setting nope: the settings are ollama.hosts, "),
    ],
)
def test_refusals_are_one_line_and_write_nothing(
    capsys: pytest.CaptureFixture[str], config: Path, argv: list[str], message: str
) -> None:
    assert _one_line_error(capsys, "config", *argv).startswith(message)
    assert not config.exists()


def test_allow_unknown_option_saves_a_name_ollama_does_not_know(
    capsys: pytest.CaptureFixture[str], config: Path
) -> None:
    _ok(capsys, "config", "set", "defaults.options", "mirostat=2", "--allow-unknown-option")
    out, _ = _ok(capsys, "config", "get", "defaults.options")
    assert out == "mirostat=2\n"


def test_a_damaged_file_is_named_with_its_line_and_never_overwritten(
    capsys: pytest.CaptureFixture[str], config: Path
) -> None:
    config.parent.mkdir()
    text = '[ollama]\nhosts = ["http://a:11434"]\n[defaults\nthink = true\n'
    config.write_text(text, encoding="utf-8")
    for argv in (
        ["config", "list"],
        ["config", "set", "ollama.hosts", "http://b:11434"],
        ["config", "unset", "defaults.think"],
    ):
        assert _one_line_error(capsys, *argv) == (
            f"The settings file {config}:3 is not valid TOML: expected ']' at the end of a "
            "table declaration. Fix it in an editor; it is left as it is."
        )
    assert config.read_text(encoding="utf-8") == text


def test_a_hand_broken_value_names_the_key_that_repairs_it(
    capsys: pytest.CaptureFixture[str], config: Path
) -> None:
    config.parent.mkdir()
    config.write_text("[defaults.options]\nseed = 1\ntop_k = 'many'\n", encoding="utf-8")
    assert _one_line_error(capsys, "config", "get", "ollama.hosts") == (
        f"The settings file {config}:3: Option top_k needs a whole number, not 'many'. "
        "Fix it in an editor or with `journal config unset defaults.options`."
    )
    _ok(capsys, "config", "set", "defaults.options", "top_k=40")
    out, _ = _ok(capsys, "config", "get", "defaults.options")
    assert out == "top_k=40\n"


def test_unknown_keys_are_listed_and_kept(capsys: pytest.CaptureFixture[str], config: Path) -> None:
    config.parent.mkdir()
    config.write_text("[batch]\nspread = true\n", encoding="utf-8")
    _ok(capsys, "config", "set", "models.judge", "qwen3:8b")
    out, _ = _ok(capsys, "config", "list")
    assert 'batch                {"spread": true} (not used by this version; kept)' in out
    assert "[batch]\nspread = true\n" in config.read_text(encoding="utf-8")


def test_help_names_the_config_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        run_cli(capsys, "--help")
    assert "config" in capsys.readouterr().out


# -- which host the commands use ---------------------------------------------------------


def test_the_host_is_the_flag_then_ollama_host_then_the_settings(
    capsys: pytest.CaptureFixture[str],
    config: Path,
    fake_ollama: FakeOllama,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _ok(capsys, "config", "set", "ollama.hosts", fake_ollama.url, "http://spare:11434")
    # OLLAMA_HOST (unreachable in tests) beats the settings file...
    assert UNREACHABLE_HOST in _one_line_error(capsys, "models")
    # ...the flag beats OLLAMA_HOST...
    out, _ = _ok(capsys, "models", "--host", fake_ollama.url)
    assert "llama3:8b" in out
    # ...and without either, the settings file's first host is used.
    monkeypatch.delenv("OLLAMA_HOST")
    out, _ = _ok(capsys, "models")
    assert "llama3:8b" in out
    _ok(capsys, "config", "set", "ollama.hosts", "http://127.0.0.1:9")
    assert "Cannot reach Ollama at http://127.0.0.1:9" in _one_line_error(capsys, "models")


def test_the_window_is_not_started_on_a_damaged_settings_file(
    capsys: pytest.CaptureFixture[str], config: Path, db_path: Path
) -> None:
    config.parent.mkdir()
    config.write_text("[defaults]\nthink = 'hard'\n", encoding="utf-8")
    message = _one_line_error(capsys, "--db", str(db_path))
    assert message.startswith(f"The settings file {config}:2: think takes true, false")


# -- journal run starts from the defaults; replay does not ------------------------------


def _run(capsys: pytest.CaptureFixture[str], db: Path, host: str, *more: str) -> None:
    _ok(capsys, "--db", str(db), "run", "--host", host, "-m", "llama3:8b", "-p", "Hi", *more)


def test_run_sends_and_records_the_default_options(
    capsys: pytest.CaptureFixture[str], config: Path, fake_ollama: FakeOllama, db_path: Path
) -> None:
    _ok(capsys, "config", "set", "defaults.options", "temperature=0.2", "seed=42", "stop=###")
    _ok(capsys, "config", "set", "defaults.keep_alive", "2m")
    _ok(capsys, "config", "set", "defaults.think", "false")

    _run(capsys, db_path, fake_ollama.url)
    _run(capsys, db_path, fake_ollama.url, "-o", "seed=7", "-o", "stop=", "-o", "keep_alive=")
    first, second = (request.body for request in fake_ollama.requests_for("/api/chat"))
    assert first["options"] == {"temperature": 0.2, "seed": 42, "stop": ["###"]}
    assert first["keep_alive"] == "2m" and first["think"] is False
    assert second["options"] == {"temperature": 0.2, "seed": 7}
    assert "keep_alive" not in second and second["think"] is False
    with Journal.open(db_path) as journal, journal.read() as session:
        assert get_run(session, 1).options == {"temperature": 0.2, "seed": 42, "stop": ["###"]}
        assert get_run(session, 1).keep_alive == "2m"
        assert get_run(session, 2).options == {"temperature": 0.2, "seed": 7}

    # A replay sends what its run recorded, whatever the defaults say now.
    _ok(capsys, "config", "set", "defaults.options", "temperature=0.9", "top_k=5")
    _ok(capsys, "--db", str(db_path), "replay", "--host", fake_ollama.url, "2")
    replayed = fake_ollama.requests_for("/api/chat")[-1].body
    assert replayed["options"] == {"temperature": 0.2, "seed": 7}


def test_run_refuses_a_damaged_settings_file_before_writing_anything(
    capsys: pytest.CaptureFixture[str], config: Path, fake_ollama: FakeOllama, db_path: Path
) -> None:
    config.parent.mkdir()
    config.write_text("[defaults.options]\ntemperature = 'hot'\n", encoding="utf-8")
    message = _one_line_error(
        capsys, "--db", str(db_path), "run", "--host", fake_ollama.url, "-m", "m", "-p", "Hi"
    )
    assert message.startswith(f"The settings file {config}:2: Option temperature needs")
    assert not db_path.exists()
    assert fake_ollama.requests_for("/api/chat") == []
