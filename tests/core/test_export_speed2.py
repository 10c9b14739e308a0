"""The export's second round of fast paths (issue 16): each gives the very text or answer
the plain way gave, and is shown to be taken. No timing here: the machines are shared."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from journal.core import export_markdown, export_target, export_text, notebook_format
from journal.core.export_entries import ExperimentEntry, RunEntry
from journal.core.export_markdown import Layout, export_to_path, render_experiment
from journal.core.notebook_format import FRONT_MATTER_LIMIT, escape_inline, escape_lines
from journal.core.storage import Journal
from tests.core.test_export_import import populate

_PIECES = ["a", " ", "  ", "\t", "\n", "\r", "é", "·", "\u00a0", "\u2028", "\x1b", "_", "*",
           "&", "&amp;", "%%", "%", ":", "://", "ftp://x", "#", "-", "1.", "`", "|", "<", "~",
           "$", "[", "snake_case", "w42"]  # fmt: skip


def _texts(seed: int, count: int) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 12))) for _ in range(count)]


def _plain_quote(value: str) -> str:
    """export_text.quote as it was before its one-line fast path."""
    lines = escape_lines(export_text.readable(value)) or [""]
    quoted = []
    for number, line in enumerate(lines):
        if not line:
            quoted.append(">")
        elif number + 1 < len(lines) and lines[number + 1]:
            quoted.append(f"> {line}  ")
        else:
            quoted.append(f"> {line}")
    return "\n".join(quoted) + "\n\n"


def test_a_one_line_quote_is_the_plain_quote_without_splitting_lines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for text in _texts(23, 4000):
        assert export_text.quote(text) == _plain_quote(text), repr(text)
    split: list[str] = []

    def counted(text: str) -> list[str]:
        split.append(text)
        return escape_lines(text)

    monkeypatch.setattr(export_text, "escape_lines", counted)
    assert export_text.quote("A *plain* hypothesis, one line  ") == (
        "> A \\*plain\\* hypothesis, one line\n\n"
    )
    assert export_text.quote("   ") == ">\n\n"
    assert split == []


def _plain_escape_inline(text: str) -> str:
    """notebook_format.escape_inline as it was before its scan for anything to escape."""
    if "&" in text:
        text = notebook_format._ENTITY.sub("&amp;", text)
    text = text.translate(notebook_format._INLINE)
    if "_" in text:
        text = notebook_format._UNDERSCORES.sub(notebook_format._underscores, text)
    if "%%" in text:
        text = text.replace("%%", "%&#37;")
    if ":/" in text:
        text = notebook_format._SCHEME.sub(notebook_format._link_scheme, text)
    return text


def test_escape_inline_returns_plain_text_as_it_is() -> None:
    for text in _texts(29, 4000):
        assert escape_inline(text) == _plain_escape_inline(text), repr(text)
    plain = "Rivers that cross borders, 3 of them"
    assert escape_inline(plain) is plain  # no translate: nothing in it needs escaping


def _run(number: int, **columns: Any) -> RunEntry:
    record: dict[str, Any] = {
        "id": number,
        "uuid": f"00000000-0000-4000-9000-{number:012d}",
        "experiment_id": 1,
        "model": "llama3:8b",
        "model_digest": "ab" * 32,
        "model_family": None,
        "model_parameter_size": "8B",
        "model_quantization": None,
        "host": "http://127.0.0.1:11434",
        "status": "done",
        "options": {"temperature": 0.7},
        "messages": [{"role": "user", "content": f"Prompt {number}"}],
        "response": "An answer.",
        "created_at": "2026-01-01T00:00:00.000000+00:00",
    }
    record.update(columns)
    return RunEntry(record)


def _experiment(runs: list[RunEntry]) -> ExperimentEntry:
    record = {"id": 1, "uuid": "00000000-0000-4000-8000-000000000001", "title": "Labels"}
    return ExperimentEntry(record, runs)


def test_an_experiment_renders_as_one_list_of_pieces() -> None:
    pieces = render_experiment(_experiment([_run(1)]), level=2, metadata=False)
    assert isinstance(pieces, list)  # built, then joined once: no generator steps
    prose, blocks = render_experiment(_experiment([_run(1)]), level=2, metadata=True)
    assert prose.startswith("## Labels\n") and blocks.startswith("<!-- llm-journal:text ")


def test_a_model_s_and_options_labels_are_made_once(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[str] = []
    real_model, real_options = export_markdown._make_model_line, export_markdown._make_options_line

    def model(run: dict[str, Any]) -> str:
        made.append("model")
        return real_model(run)

    def options(values: dict[str, Any]) -> str:
        made.append("options")
        return real_options(values)

    monkeypatch.setattr(export_markdown, "_make_model_line", model)
    monkeypatch.setattr(export_markdown, "_make_options_line", options)
    monkeypatch.setattr(export_markdown, "_model_lines", {})
    monkeypatch.setattr(export_markdown, "_option_labels", {})
    monkeypatch.setattr(export_markdown, "_glance_models", {})
    runs = [_run(number) for number in range(1, 6)]
    text = "".join(render_experiment(_experiment(runs), level=2, metadata=False))
    assert made == ["model", "options"]
    assert text.count("- **Options:** `temperature=0.7`") == 5


def test_labels_tell_apart_values_that_compare_equal() -> None:
    runs = [
        _run(1, options={"seed": 1}),
        _run(2, options={"seed": 1.0}),
        _run(3, options={"seed": True}),
        _run(4, options={"seed": 1}, model=None),
        _run(5, options={"seed": 1}, model_family=1),
        _run(6, options={"seed": 1}, model_family=True),
    ]
    del runs[3].record["model"]
    again = [_run(7, options={"seed": 1}, model=None)]
    text = "".join(render_experiment(_experiment(runs + again), level=2, metadata=False))
    assert "`seed=1`" in text and "`seed=1.0`" in text and "`seed=true`" in text
    assert "- **Model:** *(empty)* · digest" in text  # a missing model is "", not None's text
    assert "- **Model:** `None`" in text  # model None: as str(None) always showed it
    assert "- **Model:** `llama3:8b` · digest `abababababab` · 1 · 8B · on" in text
    assert "- **Model:** `llama3:8b` · digest `abababababab` · True · 8B · on" in text


def test_runs_without_a_conversation_keep_their_order_without_turn_lines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(export_markdown, "_turn_line", None)  # not called at all
    runs = [_run(3), _run(1), _run(2)]
    order, lines = export_markdown._in_conversations(runs)
    assert order == runs and order is not runs and lines == {}


def test_a_folder_export_writes_each_experiment_file_with_one_os_write(
    journal: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    populate(journal)
    made: list[str] = []
    real = export_target.write_export_file

    def counted(path: str, text: str) -> int:
        made.append(Path(path).name)
        return real(path, text)

    monkeypatch.setattr(export_markdown, "write_export_file", counted)
    opened: list[str] = []
    real_new = export_target.new_text_file

    def counted_new(path: Path, buffering: int = -1) -> Any:
        opened.append(path.name)
        return real_new(path, buffering)

    monkeypatch.setattr(export_markdown, "new_text_file", counted_new)
    folder = tmp_path / "out"
    export_to_path(journal, folder, layout=Layout.FOLDER, workers=1)  # counted here
    files = sorted(path.name for path in folder.glob("0*.md"))
    assert files and sorted(made) == files
    assert opened == ["index.md"]  # the index alone is written through a text file
    first = (folder / files[0]).read_bytes().decode("utf-8")
    assert first.startswith("---\n{\n") and "<!-- llm-journal:end " in first


def test_a_file_of_the_exports_own_folder_is_written_again(tmp_path: Path) -> None:
    """A worker that died halfway through a file leaves it behind; its page is rendered
    again in the exporting process, which writes the file anew."""
    path = tmp_path / "0001-half.md"
    path.write_text("half writ", encoding="utf-8")
    assert export_target.write_export_file(str(path), "whole\n") == 6
    assert path.read_text(encoding="utf-8") == "whole\n"


def test_write_new_file_writes_utf_8_and_never_replaces(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    text = "é·\n" + "x" * 100_000 + "\r\n␀"
    assert export_target.write_new_file(str(path), text) == len(text.encode("utf-8"))
    assert path.read_bytes() == text.encode("utf-8")  # no line ending changed
    with pytest.raises(FileExistsError):
        export_target.write_new_file(str(path), "other")
    assert path.read_bytes() == text.encode("utf-8")
    with pytest.raises(UnicodeEncodeError):  # as a text file refuses a lone surrogate
        export_target.write_new_file(str(tmp_path / "b.md"), "\ud800")
    assert not (tmp_path / "b.md").exists()


def _heads(seed: int, count: int) -> list[bytes]:
    rng = random.Random(seed)
    parts = [b"---", b"\n", b"\r", b"\r\n", b"\xef\xbb\xbf", b"{", b"}", b'"layout": "x"',
             b'"llm_journal": 11', b",", b" ", b"----", b"-", b"?", b"\xff"]  # fmt: skip
    heads = []
    for _ in range(count):
        body = b"".join(rng.choice(parts) for _ in range(rng.randint(0, 14)))
        start = rng.choice([b"---\n", b"---\r\n", b"\xef\xbb\xbf---\n", b"--- \n", b"---", b""])
        heads.append(start + body)
    return heads


def test_front_matter_read_at_once_is_the_line_by_line_read(tmp_path: Path) -> None:
    for head in _heads(31, 5000):
        found = notebook_format._front_matter_text(head, whole=True)
        if found == notebook_format._READ_BY_LINES:
            continue
        path = tmp_path / "f.md"
        path.write_bytes(head)
        with path.open("rb") as handle:
            assert found == notebook_format._front_matter_by_lines(handle), repr(head)


def test_export_layout_reads_a_large_front_matter_line_by_line(tmp_path: Path) -> None:
    chunk = notebook_format._FRONT_MATTER_CHUNK
    header = b'{"llm_journal": 11, "layout": "experiment", "pad": "' + b"x" * chunk + b'"}'
    big = tmp_path / "0001-big.md"
    big.write_bytes(b"---\r\n" + header + b"\r\n---\r\n\n# Big\n")
    assert notebook_format.export_layout(big) == "experiment"
    cut = tmp_path / "0002-cut.md"  # the closing fence lies exactly at the chunk's end
    padding = chunk - len(b'---\n{"llm_journal": 1, "layout": "x", "p": ""}\n---')
    cut.write_bytes(b'---\n{"llm_journal": 1, "layout": "x", "p": "' + b"y" * padding + b'"}\n---')
    assert len(cut.read_bytes()) == chunk
    assert notebook_format.export_layout(cut) == "x"
    cut.write_bytes(cut.read_bytes() + b"-\n---\n")  # that line goes on: no fence there
    assert notebook_format.export_layout(cut) is None
    huge = tmp_path / "0003-huge.md"
    huge.write_bytes(b"---\n" + b"x" * (FRONT_MATTER_LIMIT + 10) + b"\n---\n")
    assert notebook_format.export_layout(huge) is None
    assert notebook_format.export_layout(str(big)) == "experiment"  # a str path as well
