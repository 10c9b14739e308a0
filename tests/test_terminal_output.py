"""Item 12: what a model or an import wrote reaches a terminal harmless, a pipe byte-exact."""

from __future__ import annotations

import io
import os
import pty
import random
import select
import subprocess
import sys
import tty
from pathlib import Path

import pytest

from journal.cli_support import STYLE_END, STYLE_MATCH, VisibleControls, write_styled
from journal.core.terminal import visible_controls
from tests.fake_ollama import FakeModel, FakeOllama

ESC = "\x1b"
# Retitle the window, clear the screen, a hyperlink, the 8-bit CSI, a bell, a carriage
# return that would hide the start of the line, and a right-to-left override.
HOSTILE = (
    "Here you go:\n"
    f"{ESC}]0;pwned\x07{ESC}[2J{ESC}]8;;http://evil.example{ESC}\\click{ESC}]8;;{ESC}\\"
    " \u009b31mred\u009b0m fake\rreal \u202etxt.exe\u202c\tend\n"
)
THINKING = f"hmm {ESC}[5mblink\u2066isolate\u2069\n"


def _model(name: str = "ansi:1b") -> FakeModel:
    return FakeModel(
        name=name,
        capabilities=["completion", "thinking"],
        reply=lambda messages, options: HOSTILE,
        thinking=lambda messages, options: THINKING,
    )


# -- the pure function ------------------------------------------------------------------


def test_controls_and_bidi_become_visible_text() -> None:
    shown = visible_controls(HOSTILE)
    assert ESC not in shown and "\u009b" not in shown and "\r" not in shown
    assert "\u202e" not in shown and "\u202c" not in shown and "\x07" not in shown
    assert "␛]0;pwned␇␛[2J" in shown
    assert "<U+009B>31mred" in shown and "fake␍real" in shown
    assert "<U+202E>txt.exe<U+202C>\tend\n" in shown


@pytest.mark.parametrize(
    "kept", ["plain text\n", "tab\tand newline\n", "émigré 日本語 🧪 ‏", "\u00a0nbsp", "¡¿"]
)
def test_ordinary_text_is_untouched(kept: str) -> None:
    assert visible_controls(kept) == kept


def test_every_control_is_covered() -> None:
    controls = [chr(c) for c in (*range(0x20), 0x7F, *range(0x80, 0xA0))]
    bidi = [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
    for char in controls + bidi:
        shown = visible_controls(char)
        if char in "\n\t":
            assert shown == char
        else:
            assert shown != char and shown.isprintable(), repr(char)


def test_chunks_give_the_same_result_as_the_whole() -> None:
    rng = random.Random(5)
    for _ in range(200):
        cuts = sorted(rng.sample(range(1, len(HOSTILE)), 6))
        chunks = [HOSTILE[a:b] for a, b in zip([0, *cuts], [*cuts, len(HOSTILE)], strict=True)]
        assert "".join(visible_controls(chunk) for chunk in chunks) == visible_controls(HOSTILE)


def test_own_styles_pass_while_the_text_around_them_is_shown_safely() -> None:
    terminal = io.StringIO()
    write_styled(VisibleControls(terminal), f"{ESC}[2J{STYLE_MATCH}rivers{STYLE_END}!")  # type: ignore[arg-type]
    assert terminal.getvalue() == "␛[2J\x1b[1;33mrivers\x1b[0m!"
    piped = io.StringIO()
    write_styled(piped, f"{ESC}[2J{STYLE_MATCH}rivers{STYLE_END}")
    assert piped.getvalue() == "\x1b[2J\x1b[1;33mrivers\x1b[0m"


# -- through a real terminal ------------------------------------------------------------


def _journal(db: Path, *argv: str) -> list[str]:
    return [sys.executable, "-m", "journal", "--db", str(db), *argv]


def _on_terminal(argv: list[str], timeout: float = 120) -> tuple[int, bytes, bytes]:
    """Run with stdout and stderr each on its own pseudo-terminal; return what reached them.

    The terminals are raw, so the line discipline passes bytes unchanged (no \\n -> \\r\\n).
    """
    out_master, out_slave = pty.openpty()
    err_master, err_slave = pty.openpty()
    for slave in (out_slave, err_slave):
        tty.setraw(slave)
    process = subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, stdout=out_slave, stderr=err_slave, close_fds=True
    )
    os.close(out_slave)
    os.close(err_slave)
    received = {out_master: b"", err_master: b""}
    open_ends = set(received)
    try:
        while open_ends:
            ready, _, _ = select.select(list(open_ends), [], [], timeout)
            if not ready:
                break  # nothing for `timeout` seconds: give up rather than hang
            for fd in ready:
                try:
                    data = os.read(fd, 65536)
                except OSError:  # EIO: the program closed its end
                    data = b""
                if data:
                    received[fd] += data
                else:
                    open_ends.discard(fd)
        code = process.wait(timeout=timeout)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        os.close(out_master)
        os.close(err_master)
    return code, received[out_master], received[err_master]


def _piped(argv: list[str]) -> tuple[int, bytes, bytes]:
    result = subprocess.run(argv, capture_output=True, timeout=120, stdin=subprocess.DEVNULL)
    return result.returncode, result.stdout, result.stderr


def _no_escape_from_the_text(data: bytes) -> None:
    assert b"\x1b" not in data and "\u009b".encode() not in data
    assert "\u202e".encode() not in data and b"\x07" not in data and b"\r" not in data


@pytest.fixture
def hostile(fake_ollama: FakeOllama) -> FakeOllama:
    fake_ollama.add_model(_model())
    return fake_ollama


def test_run_on_a_terminal_shows_escapes_instead_of_obeying_them(
    hostile: FakeOllama, db_path: Path
) -> None:
    run = ["run", "--host", hostile.url, "-m", "ansi:1b", "-p", "hi", "-o", "think=true"]
    code, out, err = _on_terminal(_journal(db_path, *run))
    assert code == 0, err
    _no_escape_from_the_text(out)
    _no_escape_from_the_text(err)
    assert out.decode() == visible_controls(HOSTILE)
    assert visible_controls(THINKING) in err.decode()


def test_run_piped_is_byte_exact(hostile: FakeOllama, db_path: Path) -> None:
    run = ["run", "--host", hostile.url, "-m", "ansi:1b", "-p", "hi", "-o", "think=true"]
    code, out, err = _piped(_journal(db_path, *run))
    assert code == 0, err
    assert out == HOSTILE.encode()
    assert THINKING.encode() in err


def test_run_with_raw_is_byte_exact_on_a_terminal(hostile: FakeOllama, db_path: Path) -> None:
    run = ["run", "--raw", "--host", hostile.url, "-m", "ansi:1b", "-p", "hi"]
    code, out, err = _on_terminal(_journal(db_path, *run))
    assert code == 0, err
    assert out == HOSTILE.encode()


def _recorded(db_path: Path, fake: FakeOllama) -> None:
    argv = ["run", "--host", fake.url, "-m", "ansi:1b", "-p", "hi", "-t", f"title {ESC}]0;x\x07"]
    code, _, err = _piped(_journal(db_path, *argv))
    assert code == 0, err


@pytest.mark.parametrize(
    "argv",
    [
        ["show", "1"],
        ["list"],
        ["search", "fake"],
        ["matrix"],
        ["export", "-o", "-"],
        ["replay", "1", "--host", "FAKE"],
    ],
)
def test_recorded_text_reaches_a_terminal_harmless(
    hostile: FakeOllama, db_path: Path, argv: list[str]
) -> None:
    _recorded(db_path, hostile)
    argv = [hostile.url if arg == "FAKE" else arg for arg in argv]
    code, out, err = _on_terminal(_journal(db_path, *argv))
    assert code == 0, err
    if argv[0] == "search":  # the journal's own highlight is the one escape allowed
        out = out.replace(b"\x1b[1;33m", b"").replace(b"\x1b[0m", b"")
        assert b"fake" in out
    _no_escape_from_the_text(out)
    _no_escape_from_the_text(err)
    assert "␛" in out.decode()


@pytest.mark.parametrize("argv", [["show", "1", "--raw"], ["show", "1"]])
def test_recorded_text_is_exact_with_raw_or_piped(
    hostile: FakeOllama, db_path: Path, argv: list[str]
) -> None:
    _recorded(db_path, hostile)
    raw = "--raw" in argv
    code, out, err = (_on_terminal if raw else _piped)(_journal(db_path, *argv))
    assert code == 0, err
    text = out.decode()
    assert HOSTILE.split("\n")[1] in text
    assert f"{ESC}]0;x\x07" in text


def test_export_piped_is_the_file_byte_for_byte(
    hostile: FakeOllama, db_path: Path, tmp_path: Path
) -> None:
    _recorded(db_path, hostile)
    code, out, err = _piped(_journal(db_path, "export", "-o", "-"))
    assert code == 0, err
    assert _piped(_journal(db_path, "export", "-o", str(tmp_path / "x.md")))[0] == 0
    assert out == (tmp_path / "x.md").read_bytes()


def test_check_show_with_raw_is_exact_on_a_terminal(hostile: FakeOllama, db_path: Path) -> None:
    _recorded(db_path, hostile)
    hostile.add_model(_model("ansi:2b"))
    check = ["check", "--host", hostile.url, "--target", "ansi:2b", "--run", "1"]
    assert _piped(_journal(db_path, *check))[0] == 0
    code, out, err = _on_terminal(_journal(db_path, "check", "--show", "1", "--diff"))
    assert code == 0, err
    _no_escape_from_the_text(out)
    assert "␛]0;pwned␇" in out.decode()
    code, out, _ = _on_terminal(_journal(db_path, "check", "--show", "1", "--diff", "--raw"))
    assert code == 0 and b"\x1b]0;pwned\x07" in out
