"""The settings file the window and the CLI share: round trip, atomic writes, a damaged
file refused with its path and line and left as it is, unknown keys kept, every value
checked by the core's rules, and the one rule that picks the Ollama host."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from journal.core.errors import InvalidInputError
from journal.core.messages import SETTINGS_CANNOT_SAVE
from journal.core.options import UnknownOptionError
from journal.core.paths import resolve_config_path
from journal.core.settings import (
    EMBEDDING_MODEL,
    HOSTS,
    JUDGE_MODEL,
    KEEP_ALIVE,
    OPTIONS,
    THINK,
    Settings,
    SettingsFile,
    SettingsFileError,
    choose_host,
    new_run_options,
    parse_host_lines,
    parse_option_lines,
    parse_setting,
)
from tests.conftest import UNREACHABLE_HOST


@pytest.fixture
def store(tmp_path: Path) -> SettingsFile:
    return SettingsFile(tmp_path / "settings.toml")


def test_the_path_is_the_user_config_dir_or_journal_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("JOURNAL_CONFIG", raising=False)
    assert resolve_config_path() == Path(os.environ["XDG_CONFIG_HOME"]) / (
        "llm-journal/settings.toml"
    )
    monkeypatch.setenv("JOURNAL_CONFIG", str(tmp_path / "mine.toml"))
    assert resolve_config_path() == tmp_path / "mine.toml"
    assert SettingsFile().path == tmp_path / "mine.toml"


def test_no_file_means_every_default_and_nothing_is_written(store: SettingsFile) -> None:
    settings = store.load()
    assert settings.hosts == [] and settings.options == {} and settings.request == {}
    assert settings.judge_model == "" and settings.embedding_model == ""
    assert not store.path.exists()


def test_a_round_trip_keeps_every_value_and_type(store: SettingsFile) -> None:
    store.update(
        {
            HOSTS: ["gpu-box", "http://127.0.0.1:11434"],
            OPTIONS: {"temperature": 0.2, "seed": 42, "stop": ["###", "END"]},
            KEEP_ALIVE: "5m",
            THINK: "high",
            JUDGE_MODEL: "qwen3:8b",
            EMBEDDING_MODEL: "nomic-embed-text",
        }
    )
    again = SettingsFile(store.path).load()
    assert again.hosts == ["http://gpu-box:11434", "http://127.0.0.1:11434"]  # normalised
    assert again.options == {"temperature": 0.2, "seed": 42, "stop": ["###", "END"]}
    assert again.request == {"keep_alive": "5m", "think": "high"}
    assert again.judge_model == "qwen3:8b"
    assert again.embedding_model == "nomic-embed-text"
    text = store.path.read_text(encoding="utf-8")
    assert text.startswith("# LLM Journal settings")
    assert '[ollama]\nhosts = [\n    "http://gpu-box:11434",' in text

    store.update({THINK: False, KEEP_ALIVE: None, JUDGE_MODEL: ""})
    again = store.load()
    assert again.request == {"think": False}
    assert again.judge_model == ""
    assert "keep_alive" not in store.path.read_text(encoding="utf-8")


def test_unknown_keys_are_kept_through_a_write(store: SettingsFile) -> None:
    store.path.write_text(
        "# mine\n"
        'future = { colour = "teal" }\n\n'
        "[ollama]\n"
        'hosts = ["http://a:11434"]\n'
        "spread = true\n\n"
        "[batch]\n"
        "size = 8\n"
        "when = 2026-01-02T03:04:05Z\n",
        encoding="utf-8",
    )
    loaded = store.load()
    assert set(loaded.unknown) == {"future", "ollama.spread", "batch"}
    store.update({HOSTS: ["http://b:11434"]})
    again = store.load()
    assert again.hosts == ["http://b:11434"]
    assert again.unknown == loaded.unknown


def test_a_write_replaces_the_file_whole_and_keeps_its_mode(store: SettingsFile) -> None:
    store.update({HOSTS: ["http://a:11434"]})
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600  # an address may hold a password
    store.path.chmod(0o640)
    before = store.path.stat().st_ino
    store.update({HOSTS: ["http://b:11434"]})
    assert store.path.stat().st_ino != before  # a new file renamed over, not rewritten
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o640
    assert [p.name for p in store.path.parent.iterdir()] == ["settings.toml"]


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(
    store: SettingsFile, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.update({HOSTS: ["http://a:11434"]})
    before = store.path.read_bytes()

    def refuse(source: object, target: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(SettingsFileError) as refused:
        store.update({HOSTS: ["http://b:11434"]})
    assert refused.value.message == (
        f"Cannot save the settings file {store.path}: No space left on device. Nothing was changed."
    )
    said = refused.value.core_message  # a template the window says in its language
    assert said is not None and said.template == SETTINGS_CANNOT_SAVE
    assert store.path.read_bytes() == before
    assert [p.name for p in store.path.parent.iterdir()] == ["settings.toml"]


def test_a_symlinked_file_stays_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "dotfiles" / "settings.toml"
    real.parent.mkdir()
    real.write_text("", encoding="utf-8")
    link = tmp_path / "settings.toml"
    link.symlink_to(real)
    SettingsFile(link).update({THINK: True})
    assert link.is_symlink()
    assert "think = true" in real.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("text", "where", "reason"),
    [
        ('[ollama]\nhosts = ["http://a:11434"\n', ":2", "is not valid toml: unclosed array"),
        ("[defaults]\nthink = maybe\n", ":2", "is not valid toml: invalid value"),
        ("[defaults]\nthink = true\nthink = false\n", ":3", "cannot overwrite a value"),
    ],
)
def test_a_file_that_does_not_parse_is_refused_in_one_line_and_left_alone(
    store: SettingsFile, text: str, where: str, reason: str
) -> None:
    store.path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsFileError) as refused:
        store.load()
    message = refused.value.message
    assert message.startswith(f"The settings file {store.path}{where} ")
    assert reason in message.lower()
    assert message.endswith("Fix it in an editor; it is left as it is.")
    assert "\n" not in message
    with pytest.raises(SettingsFileError):
        store.update({HOSTS: ["http://a:11434"]})  # never overwritten silently
    assert store.path.read_text(encoding="utf-8") == text


def test_text_that_is_not_utf8_names_its_line(store: SettingsFile) -> None:
    store.path.write_bytes(b'[models]\njudge = "caf\xe9"\n')
    with pytest.raises(SettingsFileError, match=r"settings.toml:2 is not valid TOML: it is not"):
        store.load()


@pytest.mark.parametrize(
    ("text", "line", "reason", "key"),
    [
        (
            '[ollama]\nhosts = ["gpu box"]\n',
            2,
            "ollama.hosts 'gpu box' is not a usable Ollama address: 'gpu box' is not a host name.",
            HOSTS,
        ),
        (
            "[ollama]\nhosts = 'http://a:11434'\n",
            2,
            'ollama.hosts is a list of addresses, like ["http://127.0.0.1:11434", '
            '"http://gpu:11434 limit=2"].',
            HOSTS,
        ),
        (
            "[defaults.options]\nseed = 4\n\ntemperature = 'hot'\n",
            4,
            "Option temperature needs a number, not 'hot'.",
            OPTIONS,
        ),
        (
            "defaults.options = { top_p = 3 }\n",
            1,
            "Option top_p must be between 0 and 1, not 3.",
            OPTIONS,
        ),
        (
            "[defaults]\nkeep_alive = 'soon'\n",
            2,
            "keep_alive takes a duration like 5m",
            KEEP_ALIVE,
        ),
        (
            "[defaults]\n\nthink = 'hard'\n",
            3,
            "think takes true, false, low, medium or high, not 'hard'.",
            THINK,
        ),
        (
            "[defaults.options]\nthink = true\n",
            2,
            "think is a setting of its own (defaults.think), not an option.",
            OPTIONS,
        ),
        (
            "[models]\njudge = 3\n",
            2,
            "models.judge is a model name, like llama3:8b, not 3.",
            JUDGE_MODEL,
        ),
    ],
)
def test_a_bad_value_is_refused_with_path_line_and_the_cores_reason(
    store: SettingsFile, text: str, line: int, reason: str, key: str
) -> None:
    store.path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsFileError) as refused:
        store.load()
    message = refused.value.message
    assert message.startswith(f"The settings file {store.path}:{line}: {reason}")
    assert message.endswith(f"Fix it in an editor or with `journal config unset {key}`.")
    assert "\n" not in message


def test_the_bad_key_itself_can_be_replaced_or_unset_but_nothing_else(
    store: SettingsFile,
) -> None:
    text = "[defaults]\nthink = 'hard'\n"
    store.path.write_text(text, encoding="utf-8")
    with pytest.raises(SettingsFileError):
        store.update({HOSTS: ["http://a:11434"]})
    assert store.path.read_text(encoding="utf-8") == text
    store.update({THINK: None})
    assert store.load().request == {}


def test_a_file_that_is_a_folder_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(SettingsFileError, match=r"^Cannot read the settings file .*: Is a dir"):
        SettingsFile(tmp_path).load()


def test_a_table_where_a_table_belongs(store: SettingsFile) -> None:
    store.path.write_text("defaults = 3\n", encoding="utf-8")
    with pytest.raises(SettingsFileError) as refused:
        store.load()
    assert refused.value.message == (
        f"The settings file {store.path}:1: defaults must be a table, like [defaults]. "
        "Fix it in an editor; it is left as it is."
    )


# -- values typed on the command line --------------------------------------------------


def test_hosts_are_checked_by_the_cores_host_rules() -> None:
    assert parse_setting(HOSTS, ["gpu-box", "https://x"]) == [
        "http://gpu-box:11434",
        "https://x:443",
    ]
    with pytest.raises(InvalidInputError, match="only http:// and https:// work"):
        parse_setting(HOSTS, ["ftp://gpu-box"])
    with pytest.raises(InvalidInputError, match="lists http://a:11434 twice"):
        parse_setting(HOSTS, ["a", "http://a:11434"])


def test_options_are_checked_by_the_cores_option_rules() -> None:
    assert parse_setting(OPTIONS, ["temperature=0.2", "seed=42"]) == {
        "temperature": 0.2,
        "seed": 42,
    }
    with pytest.raises(UnknownOptionError, match="did you mean temperature"):
        parse_setting(OPTIONS, ["temprature=0.2"])
    assert parse_setting(OPTIONS, ["mirostat=2"], allow_unknown=True) == {"mirostat": 2}
    with pytest.raises(InvalidInputError, match="top_p must be between 0 and 1"):
        parse_setting(OPTIONS, ["top_p=2"], allow_unknown=True)
    with pytest.raises(InvalidInputError, match="keep_alive is a setting of its own"):
        parse_setting(OPTIONS, ["keep_alive=5m"])
    with pytest.raises(InvalidInputError, match="null, which a TOML file cannot hold"):
        parse_setting(OPTIONS, ["foo=null"], allow_unknown=True)


def test_request_fields_and_models_take_one_checked_value() -> None:
    assert parse_setting(KEEP_ALIVE, ["-1"]) == "-1"
    assert parse_setting(THINK, ["yes"]) is True
    assert parse_setting(THINK, ["medium"]) == "medium"
    with pytest.raises(InvalidInputError, match="keep_alive takes a duration"):
        parse_setting(KEEP_ALIVE, ["soon"])
    with pytest.raises(InvalidInputError, match=r"defaults\.think takes one value, not 2"):
        parse_setting(THINK, ["true", "false"])
    assert parse_setting(JUDGE_MODEL, ["qwen3:8b"]) == "qwen3:8b"
    with pytest.raises(InvalidInputError, match=r"^Unknown setting ollama.host: did you mean"):
        parse_setting("ollama.host", ["x"])


def test_the_dialogs_lines_name_the_line_at_fault() -> None:
    assert parse_host_lines("gpu-box\n\n# spare\nhttp://127.0.0.1:11434\n") == [
        "http://gpu-box:11434",
        "http://127.0.0.1:11434",
    ]
    with pytest.raises(InvalidInputError, match=r"^Line 2: 'ftp://x' is not a usable"):
        parse_host_lines("gpu-box\nftp://x")
    with pytest.raises(InvalidInputError, match=r"^Line 2: http://gpu-box:11434 is listed"):
        parse_host_lines("gpu-box\nhttp://gpu-box:11434")
    assert parse_option_lines("seed=1\nthink=low") == {"seed": 1, "think": "low"}
    with pytest.raises(InvalidInputError, match=r"^Line 1: Unknown option temprature: .* Tick"):
        parse_option_lines("temprature=1", unknown_hint="Tick it.")


# -- the host rule ---------------------------------------------------------------------


def test_flag_then_ollama_host_then_the_first_saved_host_then_the_default(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("JOURNAL_CONFIG", str(tmp_path / "settings.toml"))
    SettingsFile().update({HOSTS: ["http://saved:11434", "http://spare:11434"]})
    assert choose_host("flag-box", source="--host").host == "http://flag-box:11434"
    choice = choose_host()
    assert (choice.host, choice.source) == (UNREACHABLE_HOST, "OLLAMA_HOST")
    monkeypatch.delenv("OLLAMA_HOST")
    choice = choose_host()
    assert (choice.host, choice.source) == ("http://saved:11434", "settings")
    SettingsFile().update({HOSTS: None})
    choice = choose_host()
    assert (choice.host, choice.source) == ("http://127.0.0.1:11434", "default")


def test_the_file_is_read_only_when_the_flag_and_ollama_host_say_nothing(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    config = tmp_path / "settings.toml"
    config.write_text("[ollama\n", encoding="utf-8")
    monkeypatch.setenv("JOURNAL_CONFIG", str(config))
    assert choose_host("http://a:1").host == "http://a:1"
    assert choose_host().host == UNREACHABLE_HOST
    monkeypatch.delenv("OLLAMA_HOST")
    with pytest.raises(SettingsFileError, match=r"settings.toml:1 is not valid TOML"):
        choose_host()


def test_a_bad_ollama_host_is_refused_even_with_saved_hosts(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OLLAMA_HOST", "ftp://x")
    with pytest.raises(InvalidInputError, match=r"^OLLAMA_HOST='ftp://x' is not a usable"):
        choose_host(saved_hosts=["http://saved:11434"])


# -- new runs ----------------------------------------------------------------------------


def test_a_new_run_starts_from_the_defaults_then_o_overrides_and_key_equals_drops() -> None:
    saved = Settings(
        {
            OPTIONS: {"temperature": 0.2, "seed": 42, "stop": ["###"], "mirostat": 2},
            KEEP_ALIVE: "5m",
            THINK: True,
        }
    )
    assert new_run_options(saved, []) == (
        {"temperature": 0.2, "seed": 42, "stop": ["###"], "mirostat": 2},
        {"keep_alive": "5m", "think": True},
    )
    options, request = new_run_options(
        saved, ["temperature=0.7", "seed=", "stop=END", "think=", "mirostat=1"]
    )
    assert options == {"temperature": 0.7, "stop": ["END"], "mirostat": 1}
    assert request == {"keep_alive": "5m"}
    with pytest.raises(UnknownOptionError, match="did you mean temperature"):
        new_run_options(saved, ["temprature="])
    with pytest.raises(UnknownOptionError):
        new_run_options(saved, ["mirostat_x=1"])


def test_an_option_reads_back_as_the_same_number() -> None:
    from journal.core.settings import format_assignment

    for value in (0.123456789, 0.1, 1.0, 1e-7, 2.5e10, 123456789.0):
        text = format_assignment("temperature", value)
        assert float(text.partition("=")[2]) == value, text
    assert format_assignment("temperature", 1.0) == "temperature=1"
