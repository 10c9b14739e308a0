"""Issue 16: reading and checking an export takes shortcuts for what is common (JSON that
holds nothing unusable, values of the expected type, prose a stretch at a time) and still
refuses exactly what it refused, with the same words; the rows it stages are the same."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

import journal.core.import_markdown as importer
from journal.core.domain import RunStatus
from journal.core.export_markdown import export_to_path
from journal.core.import_markdown import import_markdown
from journal.core.models import Run
from journal.core.notebook_format import ImportFormatError, ProseDigest
from journal.core.queries import create_experiment
from journal.core.storage import Journal

T0 = datetime(2026, 1, 31, 14, 5, 9, 123456, tzinfo=UTC)
_RUN_OPTIONS = re.compile(r'("options": \{)"seed": 42')


@pytest.fixture
def export_text(journal: Journal, tmp_path: Path) -> str:
    with journal.write() as session:
        experiment = create_experiment(session, title="Rivers", tags=["geo"])
        for number in range(2):
            session.add(
                Run(
                    experiment_id=experiment.id or 0,
                    model="llama3:8b",
                    messages=[{"role": "user", "content": f"Name {number + 3} rivers"}],
                    options={"seed": 42, "temperature": 0.2},
                    keep_alive="5m",
                    response="Rhine\n\n```\ncode\n```\n\nDanube  \r\n\t\nMekong.",
                    status=RunStatus.DONE,
                    created_at=T0 + timedelta(minutes=number),
                    finished_at=T0 + timedelta(minutes=number, seconds=2),
                    wall_seconds=2.5,
                )
            )
    path = tmp_path / "export.md"
    export_to_path(journal, path)
    return path.read_text(encoding="utf-8")


@pytest.fixture
def target(tmp_path: Path) -> Iterator[Journal]:
    with Journal.open(tmp_path / "target.sqlite") as opened:
        yield opened


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "edited.md"
    path.write_text(text, encoding="utf-8")
    return path


def _refused(target: Journal, path: Path) -> ImportFormatError:
    with pytest.raises(ImportFormatError) as refused:
        import_markdown(target, path)
    return refused.value


def _with_option(text: str, raw_json: str) -> str:
    """The first run's options with `"x": <raw_json>` first, spelled as given."""
    edited, found = _RUN_OPTIONS.subn(
        lambda match: f'{match.group(1)}"x": {raw_json}, "seed": 42', text, count=1
    )
    assert found == 1
    return edited


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("1e999", "run field 'options' holds Infinity, which JSON does not allow"),
        ("-1E400", "run field 'options' holds -Infinity, which JSON does not allow"),
        ("[NaN]", "run field 'options' holds NaN, which JSON does not allow"),
        (
            '"\\uDFFF"',  # a lone surrogate escaped in capitals
            "run field 'options' holds text that is not valid Unicode (a lone surrogate)",
        ),
        ('{"k": "a\\ud800b"}', "run field 'options' holds text that is not valid Unicode"),
    ],
)
def test_numbers_json_cannot_hold_and_lone_surrogates_are_still_refused(
    export_text: str, target: Journal, tmp_path: Path, raw: str, reason: str
) -> None:
    """However a block spells them (an overflowing exponent reads as infinity)."""
    refused = _refused(target, _write(tmp_path, _with_option(export_text, raw)))
    assert refused.reason.startswith(reason)


def test_a_clean_export_is_checked_without_walking_its_records_or_json_dumps(
    export_text: str, target: Journal, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The walk for NaN and lone surrogates runs only for a block whose JSON may hold one,
    and staging encodes JSON with the one reused encoder: no json.dumps per value."""
    walked: list[Any] = []
    dumped: list[Any] = []
    real_unusable, real_dumps = importer._unusable, json.dumps

    def unusable(value: Any) -> str | None:
        walked.append(value)
        return real_unusable(value)

    def dumps(value: Any, *args: Any, **kwargs: Any) -> str:
        dumped.append(value)
        return real_dumps(value, *args, **kwargs)

    monkeypatch.setattr(importer, "_unusable", unusable)
    monkeypatch.setattr(json, "dumps", dumps)
    result = import_markdown(target, _write(tmp_path, export_text))
    assert (result.new_experiments, result.new_runs) == (1, 2)
    assert walked == []
    assert [value for value in dumped if isinstance(value, dict | list)] == []  # columns

    # A block whose JSON escapes a surrogate pair (a valid emoji) is walked, and imports.
    text = export_text.replace('"Name 3 rivers"', '"Name 3 rivers \\ud83c\\udf0a"', 1)
    with Journal.open(tmp_path / "other.sqlite") as other:
        import_markdown(other, _write(tmp_path, text))
        with other.read() as session:
            run = session.get(Run, 1)
            assert run is not None
            assert run.messages[0]["content"] == "Name 3 rivers \N{WATER WAVE}"
    assert len(walked) >= 1


def test_the_rows_staged_are_the_journals_own(
    export_text: str, journal: Journal, target: Journal, tmp_path: Path
) -> None:
    """JSON as the journal writes it, times in its one form, left-out columns as their
    defaults: the imported journal exports the very same text."""
    import_markdown(target, _write(tmp_path, export_text))
    again = tmp_path / "again.md"
    export_to_path(target, again)
    assert again.read_text(encoding="utf-8") == export_text
    with journal.read() as source, target.read() as imported:
        for table in ("experiment", "run"):
            query = f"SELECT * FROM {table} ORDER BY id"
            rows = [dict(row._mapping) for row in source.connection().exec_driver_sql(query)]
            again_rows = [
                dict(row._mapping) for row in imported.connection().exec_driver_sql(query)
            ]
            assert len(rows) == len(again_rows)
            for row, row_again in zip(rows, again_rows, strict=True):
                changed = {k: (row[k], v) for k, v in row_again.items() if row[k] != v}
                # Both read as None; the import has always stored SQL NULL for it.
                assert changed in ({}, {"think": ("null", None)})


@pytest.mark.parametrize(
    "lines",
    [
        [b"plain", b"", b"  ", b"trailing  \t", b"\r", b"a\r ", b"\tindented", b"x\r\r"],
        [],
        [b"", b" "],
    ],
)
def test_prose_hashed_a_stretch_at_a_time_hashes_as_line_by_line(lines: list[bytes]) -> None:
    one_by_one, at_once = ProseDigest(), ProseDigest()
    for line in lines:
        one_by_one.add_line(line)
    at_once.add_lines(lines)
    assert at_once.hexdigest() == one_by_one.hexdigest()


@pytest.mark.parametrize("ending", ["", "\n", "\r\n", "\n\n"])
def test_a_cut_file_names_its_last_line(
    export_text: str, target: Journal, tmp_path: Path, ending: str
) -> None:
    """Lines are numbered without a step per line in Python: the last one is still right."""
    cut = export_text[: export_text.index("<!-- llm-journal:end")].rstrip("\n") + ending
    refused = _refused(target, _write(tmp_path, "\ufeff" + cut))
    assert refused.reason.startswith("the file ends without its llm-journal:end marker")
    assert refused.line == len(cut.encode().split(b"\n")) - (1 if cut.endswith("\n") else 0)
