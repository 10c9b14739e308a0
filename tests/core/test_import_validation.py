"""An import is validated before its first write: nothing it lets in can break the journal
later (the next export, the next run, the next replay)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from journal.core.domain import MAX_RECORD_ID, RunStatus
from journal.core.export_markdown import export_to_path
from journal.core.import_markdown import EXPORTED_LIVE_MESSAGE, import_markdown
from journal.core.models import Run
from journal.core.notebook_format import ImportFormatError, dump_value
from journal.core.ollama_service import OllamaService
from journal.core.queries import create_experiment, get_run, runs_of
from journal.core.replay import Replayer
from journal.core.runner import RunRecorder, RunSpec
from journal.core.storage import Journal
from tests.fake_ollama import FakeModel, FakeOllama

T0 = datetime(2026, 1, 31, 14, 5, 9, 123456, tzinfo=UTC)
_BLOCK = re.compile(r"<!-- llm-journal:(run|experiment) (\{.*?\}) -->", re.DOTALL)

Record = dict[str, Any]
Change = Callable[[list[Record], list[Record]], None]


def _source(journal: Journal) -> None:
    """One experiment with an original run and a replay of it, as the journal records them."""
    with journal.write() as session:
        experiment = create_experiment(session, title="Rivers", tags=["geo"])
        assert experiment.id is not None
        original = Run(
            experiment_id=experiment.id,
            model="llama3:8b",
            model_digest=FakeModel("llama3:8b").digest,
            messages=[{"role": "user", "content": "Name three rivers"}],
            options={"temperature": 0.2, "seed": 42},
            keep_alive="5m",
            response="Rhine, Danube, Mekong.",
            status=RunStatus.DONE,
            created_at=T0,
            finished_at=T0 + timedelta(seconds=2),
        )
        session.add(original)
        session.flush()
        session.add(
            Run(
                experiment_id=experiment.id,
                replay_of_id=original.id,
                model="llama3:8b",
                messages=[{"role": "user", "content": "Name three rivers"}],
                options={"temperature": 0.2, "seed": 42},
                response="Rhine, Danube, Nile.",
                status=RunStatus.DONE,
                created_at=T0 + timedelta(minutes=1),
            )
        )


@pytest.fixture
def export_text(journal: Journal, tmp_path: Path) -> str:
    _source(journal)
    path = tmp_path / "export.md"
    export_to_path(journal, path)
    return path.read_text(encoding="utf-8")


@pytest.fixture
def target(tmp_path: Path) -> Iterator[Journal]:
    with Journal.open(tmp_path / "target.sqlite") as opened:
        yield opened


def _set(kind: str, index: int, **values: Any) -> Change:
    """Change fields of the `index`-th experiment or run record."""

    def change(experiments: list[Record], runs: list[Record]) -> None:
        (experiments if kind == "experiment" else runs)[index].update(values)

    return change


def _set_options(index: int, **values: Any) -> Change:
    def change(experiments: list[Record], runs: list[Record]) -> None:
        runs[index]["options"].update(values)

    return change


def _edited(text: str, change: Change) -> str:
    """The export with its metadata records changed (written back as the exporter does)."""
    blocks = list(_BLOCK.finditer(text))
    records = [json.loads(match.group(2)) for match in blocks]
    experiments = [r for m, r in zip(blocks, records, strict=True) if m.group(1) == "experiment"]
    runs = [r for m, r in zip(blocks, records, strict=True) if m.group(1) == "run"]
    change(experiments, runs)
    out, last = [], 0
    for match, record in zip(blocks, records, strict=True):
        out.append(text[last : match.start(2)])
        out.append(dump_value(dict(sorted(record.items()))))
        last = match.end(2)
    return "".join(out) + text[last:]


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "edited.md"
    path.write_text(text, encoding="utf-8")
    return path


def _line_of_run(text: str, index: int) -> int:
    starts = [m.start() for m in _BLOCK.finditer(text) if m.group(1) == "run"]
    return text[: starts[index]].count("\n") + 1


def _count(journal: Journal) -> int:
    with journal.read() as session:
        return len(session.exec(select(Run)).all())


def _refused(target: Journal, path: Path) -> ImportFormatError:
    before = _count(target)
    with pytest.raises(ImportFormatError) as refused:
        import_markdown(target, path)
    assert str(refused.value).startswith(f"{path}:{refused.value.line}: ")
    assert _count(target) == before  # nothing was written
    return refused.value


# -- the five cases -----------------------------------------------------------------------


def test_a_time_that_is_no_utc_time_is_refused_so_exports_keep_working(
    export_text: str, target: Journal, tmp_path: Path
) -> None:
    def year_one(experiments: list[Record], runs: list[Record]) -> None:
        runs[0]["created_at"] = "0001-01-01T00:00:00+14:00"

    path = _write(tmp_path, _edited(export_text, year_one))
    refused = _refused(target, path)
    assert refused.line == _line_of_run(export_text, 0)
    assert refused.reason == (
        "run field 'created_at' must be a time from 1970 to 9999 in UTC, "
        'not "0001-01-01T00:00:00+14:00"'
    )
    export_to_path(target, tmp_path / "again.md")  # the journal still exports

    for bad in ("1969-12-31T23:59:59+00:00", "9999-12-31T23:00:00-05:00"):
        text = _edited(export_text, _set("run", 1, finished_at=bad))
        path = _write(tmp_path, text)
        assert _refused(target, path).reason.startswith(
            "run field 'finished_at' must be a time from 1970 to 9999 in UTC"
        )


def test_an_offset_time_is_stored_as_the_journal_writes_times(
    export_text: str, target: Journal, tmp_path: Path
) -> None:
    def offset(experiments: list[Record], runs: list[Record]) -> None:
        experiments[0]["created_at"] = "2026-01-31T15:05:09+01:00"
        runs[0]["created_at"] = "2026-01-31T14:05:09"  # no offset: UTC, as the journal reads it

    import_markdown(target, _write(tmp_path, _edited(export_text, offset)))
    with target.read() as session:
        runs = runs_of(session, 1)
    assert runs[0].created_at == datetime(2026, 1, 31, 14, 5, 9, tzinfo=UTC)
    exported = tmp_path / "again.md"
    export_to_path(target, exported)
    text = exported.read_text(encoding="utf-8")
    assert '"created_at": "2026-01-31T14:05:09.000000+00:00"' in text  # sorts as text


def test_ids_beyond_what_the_journal_counts_to_are_refused(
    export_text: str, target: Journal, tmp_path: Path
) -> None:
    def huge(experiments: list[Record], runs: list[Record]) -> None:
        runs[1]["id"] = 2**63 - 1

    refused = _refused(target, _write(tmp_path, _edited(export_text, huge)))
    assert refused.line == _line_of_run(export_text, 1)
    assert refused.reason == (
        f"run field 'id' must be between 1 and {MAX_RECORD_ID}, not 9223372036854775807"
    )
    # The next run still gets an id (with 2^63-1 kept, SQLite said "database or disk is full").
    with target.write() as session:
        experiment = create_experiment(session, title="after")
        session.add(Run(experiment_id=experiment.id or 0, model="m"))

    for change, reason in [
        (_set("experiment", 0, id=MAX_RECORD_ID + 1), "experiment field 'id' must be"),
        (_set("run", 0, id=0), "run field 'id' must be between 1 and"),
        (_set("run", 1, replay_of_id=-5), "run field 'replay_of_id' must be between"),
    ]:
        text = _edited(export_text, change)
        assert _refused(target, _write(tmp_path, text)).reason.startswith(reason)


def test_nan_and_infinity_are_refused_so_replays_can_send_the_options(
    export_text: str, target: Journal, tmp_path: Path, fake_ollama: FakeOllama
) -> None:
    for value, shown in [(float("nan"), "NaN"), (float("inf"), "Infinity")]:
        text = _edited(export_text, _set_options(0, temperature=value))
        assert f'"temperature": {shown}' in text  # what Python's json writes and reads back
        refused = _refused(target, _write(tmp_path, text))
        assert refused.reason == f"run field 'options' holds {shown}, which JSON does not allow"
    text = _edited(export_text, _set("run", 0, wall_seconds=float("-inf")))
    assert "holds -Infinity" in _refused(target, _write(tmp_path, text)).reason

    # A key Ollama does not know, recorded by the run, imports and replays as recorded.
    text = _edited(export_text, _set_options(0, mirostat=2))
    import_markdown(target, _write(tmp_path, text))
    replayer = Replayer(target, OllamaService(fake_ollama.url))
    run = replayer.replay(replayer.plan(1))
    assert run.status is RunStatus.DONE, run.error
    sent = fake_ollama.requests_for("/api/chat")[-1].body["options"]
    assert sent == {"temperature": 0.2, "seed": 42, "mirostat": 2}


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"seed": 4.5}, "run options: Option seed needs a whole number, not 4.5"),
        ({"x": [[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]}, "run options: Option x is nested deeper"),
        ({"stop": "###"}, "run options: Option stop needs a list of texts"),
    ],
)
def test_options_a_replay_could_not_send_are_refused(
    export_text: str, target: Journal, tmp_path: Path, options: Record, reason: str
) -> None:
    text = _edited(export_text, _set_options(0, **options))
    assert _refused(target, _write(tmp_path, text)).reason.startswith(reason)


def test_a_run_that_replays_itself_or_a_cycle_of_replays_is_refused(
    export_text: str, target: Journal, tmp_path: Path
) -> None:
    def itself(experiments: list[Record], runs: list[Record]) -> None:
        runs[0]["replay_of_uuid"] = runs[0]["uuid"]

    refused = _refused(target, _write(tmp_path, _edited(export_text, itself)))
    assert refused.reason == "run 1 replays itself"
    assert refused.line == _line_of_run(export_text, 0)

    def cycle(experiments: list[Record], runs: list[Record]) -> None:
        runs[0]["replay_of_uuid"] = runs[1]["uuid"]  # and run 2 already replays run 1

    refused = _refused(target, _write(tmp_path, _edited(export_text, cycle)))
    assert refused.reason.startswith("runs replay each other in a cycle (")
    assert refused.reason.count("->") == 2

    import_markdown(target, _write(tmp_path, export_text))  # the real one imports
    with target.read() as session:
        assert get_run(session, 2).replay_of_id == 1


def test_a_run_exported_while_streaming_is_imported_as_interrupted(
    export_text: str, target: Journal, tmp_path: Path, fake_ollama: FakeOllama
) -> None:
    heartbeat = datetime.now(UTC).isoformat(timespec="microseconds")

    def live(experiments: list[Record], runs: list[Record]) -> None:
        runs[1].update(status="streaming", owner="other-laptop:4242", heartbeat_at=heartbeat)
        runs[0].update(status="pending", owner="other-laptop:4242", heartbeat_at=None)

    result = import_markdown(target, _write(tmp_path, _edited(export_text, live)))
    assert result.interrupted_runs == 2
    assert result.summary().endswith(
        "; 2 runs still in progress when exported, imported as interrupted."
    )
    with target.read() as session:
        runs = runs_of(session, 1)
    for run in runs:
        assert run.status is RunStatus.INTERRUPTED
        assert run.error == EXPORTED_LIVE_MESSAGE
        assert (run.owner, run.heartbeat_at) == ("", None)
    assert runs[0].response == "Rhine, Danube, Mekong."  # the text received is kept
    assert runs[1].finished_at is not None  # its last sign of life
    # Nothing in this journal waits for that stream: a new run starts and finishes.
    recorder = RunRecorder(target, OllamaService(fake_ollama.url))
    new = recorder.execute(RunSpec(experiment_id=1, model="llama3:8b", prompt="again"))
    assert new.status is RunStatus.DONE


# -- the rest the journal relies on -------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            _set("run", 0, response="\ud800"),
            "run field 'response' holds text that is not valid Unicode (a lone surrogate)",
        ),
        (
            _set("experiment", 0, tags=["ok", "\udfff"]),
            "experiment field 'tags' holds text that is not valid Unicode",
        ),
        (_set("run", 0, keep_alive="forever"), "run keep_alive takes a duration"),
        (_set("run", 0, think="extreme"), "run think takes true, false, low, medium"),
        (_set("run", 0, messages=[{"content": "hi"}]), "run message"),
        (
            _set("run", 0, messages=[{"role": "user", "content": 5}]),
            "run message content must be text, not 5",
        ),
        (_set("run", 0, status="exploded"), 'run status "exploded" is not one'),
        (_set("run", 0, options=[]), "run field 'options' has the wrong shape"),
    ],
)
def test_what_the_journal_relies_on_is_refused_with_the_reason(
    export_text: str, target: Journal, tmp_path: Path, change: Change, reason: str
) -> None:
    text = _edited(export_text, change)
    # json.dumps keeps a lone surrogate raw; the file holds it as an escape, as JSON may.
    text = text.replace("\ud800", "\\ud800").replace("\udfff", "\\udfff")
    assert _refused(target, _write(tmp_path, text)).reason.startswith(reason)
