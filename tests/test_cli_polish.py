"""Issue 14: help for every argument, "did you mean", a matrix that fits the terminal and
the search syntax documented."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from pathlib import Path

import pytest

from journal.cli import build_parser
from journal.cli_fit import clip, text_width
from journal.core.models import Verdict
from journal.core.queries import create_experiment
from journal.core.storage import Journal
from tests.journal_process import run_cli
from tests.past_runs import add_past_run


def _parsers(
    parser: argparse.ArgumentParser,
) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                yield from _parsers(sub)


def _without_help(parser: argparse.ArgumentParser) -> list[str]:
    missing = []
    for action in parser._actions:
        if not action.help:
            name = "/".join(action.option_strings) or action.metavar or action.dest
            missing.append(f"{parser.prog}: {name}")
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                if not choice.help:
                    missing.append(f"{parser.prog}: command {choice.dest}")
    return missing


def test_every_argument_of_every_command_has_help() -> None:
    parsers = list(_parsers(build_parser()))
    assert len(parsers) > 25  # the feature modules' commands and their actions are walked
    missing = [name for parser in parsers for name in _without_help(parser)]
    assert missing == []


@pytest.mark.parametrize("command", ["search", "list", "matrix", "show", "verdict"])
def test_command_help_explains_each_argument(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    with pytest.raises(SystemExit) as stop:
        build_parser().parse_args([command, "--help"])
    assert stop.value.code == 0
    usage = capsys.readouterr().out
    assert "positional arguments" in usage or "options" in usage
    for line in usage.splitlines():
        assert len(line) <= 100, line


# -- did you mean -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["serch", "x"], "journal: unknown command 'serch'. Did you mean 'search'?"),
        (["list", "--limt", "5"], "journal list: unknown option '--limt'. Did you mean '--limit'?"),
        (["list", "--limt=5"], "unknown option '--limt'. Did you mean '--limit'?"),
        (["list", "--verdict", "workd"], "'unrated'). Did you mean 'worked'?"),
        (["config", "gte", "x"], "journal config: unknown action 'gte'. Did you mean 'get'?"),
        (["matrix", "--wdie"], "unknown option '--wdie'. Did you mean '--wide'?"),
    ],
)
def test_a_misspelling_is_answered_with_the_likely_word(
    capsys: pytest.CaptureFixture[str], argv: list[str], said: str
) -> None:
    code, out, err = run_cli(capsys, *argv)
    assert code == 2
    assert out == ""
    assert "Traceback" not in err
    assert err.count("\n") == 1, err
    assert said in err
    assert "--help`." in err  # and where to read more


def test_nothing_close_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "xyzzy")
    assert code == 2
    assert "unknown command 'xyzzy'" in err
    assert "Did you mean" not in err
    assert "search" in err


# -- matrix width -----------------------------------------------------------------------

MODELS = [f"very-long-model-name-number-{index}:70b-instruct-q4_K_M" for index in range(6)]
WIDE_TITLE = "河流的名字 " * 12  # two columns a character


def _seed_matrix(db_path: Path) -> None:
    with Journal.open(db_path) as journal, journal.write() as session:
        experiment = create_experiment(session, title=WIDE_TITLE)
        assert experiment.id is not None
        for model in MODELS:
            add_past_run(session, experiment.id, model=model, verdict=Verdict.WORKED)


def test_matrix_fits_the_terminal_and_says_what_it_left_out(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db_path: Path
) -> None:
    _seed_matrix(db_path)
    monkeypatch.setenv("COLUMNS", "100")
    code, out, err = run_cli(capsys, "--db", str(db_path), "matrix")
    assert code == 0, err
    lines = out.splitlines()
    assert all(text_width(line) <= 100 for line in lines), out
    header = lines[0].split("  ")
    assert header[1].endswith("…") and header[1].startswith("very-long-model-name")
    shown = len([cell for cell in lines[1].split() if cell.startswith("worked#")])
    assert 0 < shown < len(MODELS)
    assert f"{len(MODELS) - shown} more models: --wide shows all" in err
    title = lines[1].split()[-1]
    assert title.endswith("…") and "\ufffd" not in title
    assert text_width(lines[1]) in (99, 100)  # a wide character is left out whole, not cut

    code, out, err = run_cli(capsys, "--db", str(db_path), "matrix", "--wide")
    assert code == 0 and "more model" not in err
    assert all(model in out for model in MODELS)
    assert WIDE_TITLE.strip()[:30] in out


def test_piped_matrix_without_columns_keeps_every_column(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, db_path: Path
) -> None:
    _seed_matrix(db_path)
    monkeypatch.delenv("COLUMNS", raising=False)
    code, out, err = run_cli(capsys, "--db", str(db_path), "matrix")
    assert code == 0 and "more model" not in err
    assert all(model in out for model in MODELS)


@pytest.mark.parametrize(
    ("text", "width", "clipped"),
    [
        ("abcdef", 6, "abcdef"),
        ("abcdef", 4, "abc…"),
        ("河流河流", 4, "河…"),  # 河 is two columns: a second would overflow
        ("河流河流", 5, "河流…"),
        ("e\u0301e\u0301e\u0301", 2, "e\u0301…"),  # an accent stays with its letter
        ("abc", 0, ""),
    ],
)
def test_clip_never_cuts_a_character(text: str, width: int, clipped: str) -> None:
    assert clip(text, width) == clipped
    assert text_width(clip(text, width)) <= width
