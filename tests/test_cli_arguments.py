"""Item 10: every CLI argument mistake is one line and an exit code, never a traceback."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from journal.core.errors import InvalidInputError
from journal.core.paths import resolve_ollama_host
from journal.core.queries import get_experiment, get_run
from journal.core.storage import Journal
from tests.fake_ollama import FakeOllama
from tests.journal_process import run_cli, run_journal

TOO_BIG = "99999999999999999999"  # beyond SQLite's 64-bit integers
LARGEST = str(2**63 - 1)


def _one_line(err: str) -> str:
    assert "Traceback" not in err
    assert err.count("\n") == 1, err
    return err


# -- ids and counts ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["show", TOO_BIG],
        ["verdict", TOO_BIG, "worked"],
        ["run", "-m", "llama3:8b", "-p", "x", "--experiment", TOO_BIG],
        ["list", "--limit", TOO_BIG],
        ["search", "rivers", "--limit", TOO_BIG],
        ["export", "-o", "-", "--experiment", TOO_BIG],
        ["replay", TOO_BIG],
        ["check", "--show", TOO_BIG],
        ["check", "--resume", TOO_BIG],
        ["check", "--target", "m", "--run", TOO_BIG],
        ["check", "--list", "--limit", TOO_BIG],
        ["triage", TOO_BIG, "1", "worked"],
        ["triage", "1", TOO_BIG, "worked"],
        ["matrix", "--limit", TOO_BIG],
        ["matrix", "--before", TOO_BIG],
        ["show", "0"],
        ["show", "-3"],
        ["show", "twelve"],
        ["list", "--limit", "0"],
    ],
)
def test_ids_and_counts_out_of_range_are_one_line(
    capsys: pytest.CaptureFixture[str], journal: Journal, argv: list[str]
) -> None:
    code, out, err = run_cli(capsys, "--db", str(journal.path), *argv)
    assert code == 2
    line = _one_line(err)
    assert line.startswith(f"journal {argv[0]}: error: argument ")
    assert f"from 1 to {LARGEST}" in line and f"See `journal {argv[0]} --help`." in line
    assert out == ""


def test_the_largest_id_is_looked_up_and_not_found(
    capsys: pytest.CaptureFixture[str], journal: Journal
) -> None:
    code, _, err = run_cli(capsys, "--db", str(journal.path), "show", LARGEST)
    assert code == 1 and f"There is no experiment {LARGEST}." in _one_line(err)
    code, _, err = run_cli(capsys, "--db", str(journal.path), "list", "--limit", LARGEST)
    assert code == 0


def test_other_argparse_mistakes_are_one_line_too(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "run", "-m", "llama3:8b")
    assert code == 2
    assert "the following arguments are required: -p/--prompt" in _one_line(err)
    code, _, err = run_cli(capsys, "verdict", "1", "splendid")
    assert code == 2 and "invalid choice: 'splendid'" in _one_line(err)


# -- hosts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "reason"),
    [
        ("http://[::1", "no closing ']'"),
        ("http://127.0.0.1:99999", "port must be a number from 1 to 65535"),
        ("http://127.0.0.1:0", "port must be a number from 1 to 65535"),
        ("http://127.0.0.1:http", "port must be a number from 1 to 65535"),
        ("ftp://x", "only http:// and https:// work"),
        ("", "it is empty"),
        ("   ", "it is empty"),
        ("http://", "it names no host"),
        ("http://::1", "in brackets"),
        ("http://[nonsense]:80", "is not an IPv6 address"),
        ("http://my host:11434", "is not a host name"),
        ("http://gpu-box:11434?x=1", "no ?query"),
    ],
)
def test_a_bad_host_is_refused_naming_where_it_came_from(
    capsys: pytest.CaptureFixture[str],
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    host: str,
    reason: str,
) -> None:
    for argv in (["models"], ["run", "-m", "llama3:8b", "-p", "hello"]):
        code, _, err = run_cli(capsys, "--db", str(db_path), *argv, "--host", host)
        assert code == 1
        line = _one_line(err)
        assert line.startswith(f"journal: error: --host '{host}' is not a usable Ollama address")
        assert reason in line
    assert not db_path.exists()  # refused before the journal was touched
    if host.strip():  # an empty OLLAMA_HOST means "not set", as for the ollama client
        monkeypatch.setenv("OLLAMA_HOST", host)
        for argv in (
            ["models"],
            ["run", "-m", "llama3:8b", "-p", "hello"],
            ["replay", "1"],
            ["check", "--target", "llama3:8b"],
        ):
            code, _, err = run_cli(capsys, "--db", str(db_path), *argv)
            assert code == 1
            line = _one_line(err)
            assert line.startswith(f"journal: error: OLLAMA_HOST='{host}' is not a usable")
            assert reason in line and "Fix or unset OLLAMA_HOST." in line
        assert not db_path.exists()


def test_a_bad_ollama_host_does_not_stop_commands_that_never_call_ollama(
    capsys: pytest.CaptureFixture[str], journal: Journal, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OLLAMA_HOST", "http://[::1")
    code, _, err = run_cli(capsys, "--db", str(journal.path), "list")
    assert code == 0, err


@pytest.mark.parametrize(
    ("argv", "environment", "shown"),
    [
        (["--host", "ftp://x"], "http://127.0.0.1:9", "--host 'ftp://x'"),
        ([], "http://[::1", "OLLAMA_HOST='http://[::1'"),
    ],
)
def test_the_window_does_not_start_on_a_bad_host(
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    environment: str,
    shown: str,
) -> None:
    # A child process: should the check fail, the window would open and wait for a person.
    monkeypatch.setenv("OLLAMA_HOST", environment)
    result = run_journal(db_path, *argv, timeout=120)
    assert result.returncode == 1
    line = _one_line(result.stderr)
    assert line.startswith(f"journal: error: {shown} is not a usable Ollama address")


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--db", "/j/a.sqlite"],
        ["--host", "gpu-box", "--db=/j/b.sqlite"],
        ["--db", "/j/a.sqlite", "--db", "/j/c.sqlite"],
        ["--db="],
        ["--host", "  spaced  "],
    ],
)
def test_opening_the_window_reads_its_arguments_as_the_full_parser_does(argv: list[str]) -> None:
    from journal.cli import build_parser, window_arguments

    fast = window_arguments(argv)
    full = build_parser().parse_args(argv)
    assert fast is not None and not hasattr(full, "handler")
    assert (fast.db, fast.host, fast.command) == (full.db, full.host, full.command)


@pytest.mark.parametrize(
    "argv",
    [
        ["list"],
        ["--help"],
        ["--version"],
        ["--db"],
        ["--db", "--host", "x"],
        ["--d", "/j/a.sqlite"],  # an abbreviation: the full parser decides
        ["--bogus"],
        ["--db", "/j/a.sqlite", "models"],
    ],
)
def test_anything_else_goes_to_the_full_parser(argv: list[str]) -> None:
    from journal.cli import window_arguments

    assert window_arguments(argv) is None


def test_opening_the_window_builds_no_command_parser(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import journal.cli as cli

    opened: list[tuple[str | None, str | None]] = []

    def run_app(db: str | None, host: str | None) -> int:
        opened.append((db, host))
        return 0

    monkeypatch.setattr(cli, "build_parser", lambda: pytest.fail("the full parser was built"))
    monkeypatch.setattr("journal.gui.app.run_app", run_app)
    assert cli.main(["--db", str(db_path), "--host", "gpu-box"]) == 0
    assert opened == [(str(db_path), "gpu-box")]


@pytest.mark.parametrize(
    ("given", "resolved"),
    [
        ("127.0.0.1:11500", "http://127.0.0.1:11500"),
        ("gpu-box", "http://gpu-box:11434"),
        ("GPU-Box:8080/", "http://GPU-Box:8080"),
        ("https://ollama.example.org", "https://ollama.example.org:443"),
        ("HTTP://[::1]", "http://[::1]:11434"),
        ("http://[fe80::1%25eth0]:11434", "http://[fe80::1%25eth0]:11434"),
        (
            "https://user:secret@proxy.example.org/ollama",
            "https://user:secret@proxy.example.org:443/ollama",
        ),
        ("  http://localhost:11434  ", "http://localhost:11434"),
    ],
)
def test_good_hosts_are_normalised(given: str, resolved: str) -> None:
    assert resolve_ollama_host(given) == resolved


def test_no_host_anywhere_means_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OLLAMA_HOST")
    assert resolve_ollama_host() == "http://127.0.0.1:11434"
    monkeypatch.setenv("OLLAMA_HOST", "")
    assert resolve_ollama_host() == "http://127.0.0.1:11434"


def test_without_a_source_the_message_names_only_the_value() -> None:
    with pytest.raises(InvalidInputError, match=r"^'ftp://x' is not a usable Ollama address"):
        resolve_ollama_host("ftp://x")


# -- free text that begins with a dash --------------------------------------------------


def test_free_text_options_take_values_that_begin_with_a_dash(
    capsys: pytest.CaptureFixture[str], fake_ollama: FakeOllama, db_path: Path
) -> None:
    db = ["--db", str(db_path)]
    code, _, err = run_cli(
        capsys,
        *db,
        "run",
        "--host",
        fake_ollama.url,
        "-m",
        "llama3:8b",
        "-p",
        "-5 degrees?",
        "-s",
        "-be brief",
        "-H",
        "--maybe",
        "--title",
        "-x",
        "--tag",
        "-t1",
        "--tag=-t2",
    )
    assert code == 0, err
    code, _, err = run_cli(
        capsys, *db, "run", "--host", fake_ollama.url, "-m", "llama3:8b", "-p", "-5"
    )
    assert code == 0, err
    code, _, err = run_cli(capsys, *db, "verdict", "1", "worked", "--why", "---")
    assert code == 0, err
    with Journal.open(db_path) as journal, journal.read() as session:
        experiment = get_experiment(session, 1)
        first, second = get_run(session, 1), get_run(session, 2)
    assert (experiment.title, experiment.hypothesis, experiment.tags) == (
        "-x",
        "--maybe",
        ["-t1", "-t2"],
    )
    assert (first.prompt, first.system_prompt, first.verdict_note) == (
        "-5 degrees?",
        "-be brief",
        "---",
    )
    assert second.prompt == "-5"

    code, out, err = run_cli(capsys, *db, "list", "--tag", "-t1", "--search", "-x", "--json")
    assert code == 0, err
    code, out, err = run_cli(capsys, *db, "search", "-x")
    assert code == 0 and out.startswith("1: -x"), err
    code, out, err = run_cli(capsys, *db, "search", "--limit", "1", "-x")
    assert code == 0 and out.startswith("1: -x"), err
    code, _, err = run_cli(
        capsys, *db, "replay", "1", "--host", fake_ollama.url, "-p", "-10 degrees?", "--json"
    )
    assert code == 0, err
    with Journal.open(db_path) as journal, journal.read() as session:
        assert get_run(session, 3).prompt == "-10 degrees?"


def test_a_lone_dash_still_reads_standard_input(
    capsys: pytest.CaptureFixture[str],
    fake_ollama: FakeOllama,
    db_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("-from standard input"))
    code, _, err = run_cli(
        capsys, "--db", str(db_path), "run", "--host", fake_ollama.url, "-m", "llama3:8b", "-p", "-"
    )
    assert code == 0, err
    with Journal.open(db_path) as journal, journal.read() as session:
        assert get_run(session, 1).prompt == "-from standard input"


def test_options_that_are_not_free_text_still_refuse_a_dash(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run_cli(capsys, "run", "-m", "-x", "-p", "hello")
    assert code == 2 and "argument -m/--model: expected one argument" in _one_line(err)
