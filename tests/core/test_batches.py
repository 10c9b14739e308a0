"""Batches against fake Ollamas: rows x models x repeats, spread over two hosts, one of them
killed mid-batch; paused, cancelled and resumed with nothing run twice."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import text

from journal.core.batches import (
    BatchEvents,
    BatchRunner,
    batch_items,
    default_template,
    get_batch,
    list_batches,
    results_grid,
)
from journal.core.cancel import CancelToken
from journal.core.check_triage import Group
from journal.core.dispatch import HostLimit, parse_host_limit
from journal.core.domain import ExperimentFilter
from journal.core.errors import InvalidInputError, ModelNotFoundError, OllamaUnreachableError
from journal.core.expectations import parse_expectation
from journal.core.grades import add_expectation
from journal.core.input_sets import RowInput, add_rows
from journal.core.migration_check import MigrationChecker, check_items
from journal.core.models import CheckStatus, Run, RunStatus
from journal.core.ollama_service import OllamaService
from journal.core.queries import create_experiment
from journal.core.storage import Journal
from tests.fake_ollama import FakeModel, FakeOllama

ALPHA, BETA = "alpha:1b", "beta:1b"


def _last_prompt(messages: list[dict[str, Any]]) -> str:
    return str([m for m in messages if m.get("role") == "user"][-1]["content"])


def _alpha(messages: list[dict[str, Any]], options: dict[str, Any]) -> str:
    return f"The capital is {_last_prompt(messages).split()[-1].upper()}."


def _beta(messages: list[dict[str, Any]], options: dict[str, Any]) -> str:
    return "I do not know."


def _models(digest: str = "") -> list[FakeModel]:
    return [
        FakeModel(ALPHA, digest=digest or "a" * 64, reply=_alpha),
        FakeModel(BETA, digest="b" * 64, reply=_beta),
    ]


@pytest.fixture
def hosts() -> Iterator[tuple[FakeOllama, FakeOllama]]:
    first, second = FakeOllama(_models()).start(), FakeOllama(_models()).start()
    try:
        yield first, second
    finally:
        first.stop()
        second.stop()


def _experiment(journal: Journal, words: list[str]) -> int:
    with journal.write() as session:
        experiment = create_experiment(session, title="capitals")
        assert experiment.id is not None
        add_expectation(session, experiment.id, parse_expectation("contains:capital"))
        if words:
            add_rows(session, experiment.id, [RowInput({"word": word}) for word in words])
        return experiment.id


def _done_runs_per_item(journal: Journal, batch_id: int) -> Counter[tuple[str, str]]:
    """Finished runs per (model, values): exactly once means every count is 1."""
    with journal.read() as session:
        rows = session.execute(
            text(
                "SELECT model, json_extract(template, '$.values.word') FROM run "
                "WHERE status = 'done' AND experiment_id = "
                "(SELECT experiment_id FROM batch WHERE id = :id)"
            ),
            {"id": batch_id},
        )
        return Counter((row[0], row[1]) for row in rows)


def test_a_batch_runs_every_row_on_every_model_and_grades_each_answer(
    journal: Journal, hosts: tuple[FakeOllama, FakeOllama]
) -> None:
    first, _ = hosts
    experiment_id = _experiment(journal, ["paris", "rome", "oslo"])
    with BatchRunner(journal, OllamaService(first.url)) as runner:
        batch_id = runner.create(experiment_id, [ALPHA, BETA], prompt="Capital of {{word}}")
        result = runner.run(batch_id)
    assert result.status is CheckStatus.DONE and result.ran == 6
    assert result.summary.line() == f"{ALPHA} 3/3 · {BETA} 0/3"
    with journal.read() as session:
        view = get_batch(session, batch_id)
        items = batch_items(session, batch_id)
        runs = [session.get(Run, item.run_id) for item in items]
    assert [item.model for item in items] == [ALPHA] * 3 + [BETA] * 3  # model by model
    capitals = ["Capital of paris", "Capital of rome", "Capital of oslo"]
    assert [run.prompt for run in runs if run] == capitals * 2
    first_run = runs[0]
    assert first_run is not None
    assert first_run.template == {
        "prompt": "Capital of {{word}}",
        "system": "",
        "values": {"word": "paris"},
    }
    assert first_run.host == first.url and first_run.input_row_id == items[0].row_id
    assert view.pins == {ALPHA: "a" * 64, BETA: "b" * 64}
    grid = results_grid(view, items)
    assert grid.columns == (f"{ALPHA}@{'a' * 12}", f"{BETA}@{'b' * 12}")
    assert grid.rows == ("word=paris", "word=rome", "word=oslo")
    assert [[cell.text for cell in row] for row in grid.cells] == [["✓", "✗"]] * 3
    assert grid.cells[0][1].run_id == items[3].run_id  # a click opens the run


def test_the_template_defaults_to_the_experiments_latest_prompt(
    journal: Journal, hosts: tuple[FakeOllama, FakeOllama]
) -> None:
    first, _ = hosts
    experiment_id = _experiment(journal, ["paris"])
    with BatchRunner(journal, OllamaService(first.url)) as runner:
        with pytest.raises(InvalidInputError, match="has no runs yet"):
            runner.create(experiment_id, [ALPHA])
        with journal.read() as session:
            assert default_template(session, experiment_id) is None
        runner.run(runner.create(experiment_id, [ALPHA], prompt="Tell me {{word}}"))
        with journal.read() as session:
            assert default_template(session, experiment_id) == ("Tell me {{word}}", "")
        second = runner.create(experiment_id, [BETA], repeat=2)
        runner.run(second)
    with journal.read() as session:
        view = get_batch(session, second)
    assert view.prompt == "Tell me {{word}}" and view.repeat == 2
    assert view.summary.total == 2


def test_a_row_that_cannot_fill_the_template_refuses_the_whole_batch(
    journal: Journal, hosts: tuple[FakeOllama, FakeOllama]
) -> None:
    first, _ = hosts
    experiment_id = _experiment(journal, ["paris"])
    with BatchRunner(journal, OllamaService(first.url)) as runner:
        with pytest.raises(InvalidInputError, match=r"uses {{lang}}, but input row 1 has no"):
            runner.create(experiment_id, [ALPHA], prompt="{{word}} in {{lang}}")
        with pytest.raises(ModelNotFoundError, match="nosuch:1b"):
            runner.create(experiment_id, [ALPHA, "nosuch:1b"], prompt="{{word}}")
        with pytest.raises(InvalidInputError, match="at least one model"):
            runner.create(experiment_id, [" "], prompt="{{word}}")
    with journal.read() as session:
        assert list_batches(session) == []


def test_a_batch_spreads_over_two_hosts_and_records_which_served_each_run(
    journal: Journal, hosts: tuple[FakeOllama, FakeOllama]
) -> None:
    first, second = hosts
    for fake in hosts:
        fake.chunk_delay = 0.02  # long enough that both hosts are busy at once
    experiment_id = _experiment(journal, [f"w{n}" for n in range(8)])
    limits = [HostLimit(first.url), HostLimit(second.url)]
    with BatchRunner(journal, OllamaService(first.url), hosts=limits) as runner:
        batch_id = runner.create(experiment_id, [ALPHA], prompt="Capital of {{word}}")
        result = runner.run(batch_id)
    assert result.status is CheckStatus.DONE
    with journal.read() as session:
        served = Counter(item.host for item in batch_items(session, batch_id))
        assert get_batch(session, batch_id).hosts == tuple(limits)
    assert set(served) == {first.url, second.url}
    assert sum(served.values()) == 8


def test_a_host_with_other_weights_is_named_and_never_used(
    journal: Journal, hosts: tuple[FakeOllama, FakeOllama]
) -> None:
    first, second = hosts
    second.add_model(FakeModel(ALPHA, digest="c" * 64, reply=_alpha))
    experiment_id = _experiment(journal, ["paris", "rome"])
    limits = [HostLimit(first.url), HostLimit(second.url)]
    with BatchRunner(journal, OllamaService(first.url), hosts=limits) as runner:
        result = runner.run(runner.create(experiment_id, [ALPHA], prompt="{{word}}"))
    assert result.warnings == (
        f"{second.url} has {ALPHA} as {'c' * 12}, batch 1 started with {'a' * 12}: skipped for it",
    )
    assert not second.requests_for("/api/chat")


def test_a_host_killed_mid_batch_sends_its_items_to_the_other_exactly_once(
    journal: Journal, hosts: tuple[FakeOllama, FakeOllama]
) -> None:
    first, second = hosts
    first.chunk_delay = 0.01
    second.chunk_delay = 0.05  # the second host is mid-answer when it dies
    words = [f"w{n}" for n in range(10)]
    experiment_id = _experiment(journal, words)
    told: list[tuple[str, str]] = []
    finished: list[int] = []

    def kill_second(position: int, total: int, run: Run) -> None:
        finished.append(position)
        if len(finished) == 3:
            threading.Thread(target=second.stop).start()

    events = BatchEvents(finished=kill_second, host_down=lambda a, why: told.append((a, why)))
    limits = [HostLimit(first.url), HostLimit(second.url)]
    with BatchRunner(journal, OllamaService(first.url), hosts=limits) as runner:
        batch_id = runner.create(experiment_id, [ALPHA], prompt="Capital of {{word}}")
        result = runner.run(batch_id, events=events)
    assert result.status is CheckStatus.DONE
    assert [address for address, _ in told] == [second.url]
    assert any(line.startswith(f"{second.url} stopped answering") for line in result.warnings)
    done = _done_runs_per_item(journal, batch_id)
    assert done == Counter({(ALPHA, word): 1 for word in words})  # nothing lost, none twice
    with journal.read() as session:
        failed = session.execute(
            text("SELECT count(*) FROM run WHERE status = 'failed' AND host = :host"),
            {"host": second.url},
        ).scalar_one()
        items = batch_items(session, batch_id)
    assert failed >= 1  # the answer it was giving stays, as failed
    assert all(item.status is RunStatus.DONE for item in items)


def test_the_only_host_going_down_interrupts_the_batch_for_resume(
    journal: Journal, hosts: tuple[FakeOllama, FakeOllama]
) -> None:
    first, _ = hosts
    experiment_id = _experiment(journal, ["a", "b", "c", "d"])

    def stop_after_two(position: int, total: int, run: Run) -> None:
        if position == 2:
            first.stop()

    runner = BatchRunner(journal, OllamaService(first.url))
    batch_id = runner.create(experiment_id, [ALPHA], prompt="{{word}}")
    with pytest.raises(OllamaUnreachableError):
        runner.run(batch_id, events=BatchEvents(finished=stop_after_two))
    with journal.read() as session:
        assert get_batch(session, batch_id).status is CheckStatus.INTERRUPTED
    first.start()
    result = runner.resume(batch_id)
    runner.close()
    assert result.status is CheckStatus.DONE
    assert all(count == 1 for count in _done_runs_per_item(journal, batch_id).values())
    assert len(_done_runs_per_item(journal, batch_id)) == 4


def test_pause_lets_running_items_end_and_resume_runs_only_the_rest(
    journal: Journal, hosts: tuple[FakeOllama, FakeOllama]
) -> None:
    first, _ = hosts
    experiment_id = _experiment(journal, [f"w{n}" for n in range(6)])
    drain = threading.Event()

    def pause_after_two(position: int, total: int, run: Run) -> None:
        if position == 2:
            drain.set()

    with BatchRunner(journal, OllamaService(first.url)) as runner:
        batch_id = runner.create(experiment_id, [ALPHA], prompt="{{word}}")
        paused = runner.run(batch_id, drain=drain, events=BatchEvents(finished=pause_after_two))
        assert paused.status is CheckStatus.PAUSED and paused.ran == 2
        with journal.read() as session:
            view = get_batch(session, batch_id)
        assert view.resumable and view.summary.pending == 4
        resumed = runner.resume(batch_id)
    assert resumed.status is CheckStatus.DONE and resumed.ran == 4
    assert sum(_done_runs_per_item(journal, batch_id).values()) == 6


def test_cancel_stops_the_streams_and_resume_reruns_what_did_not_finish(
    journal: Journal, hosts: tuple[FakeOllama, FakeOllama]
) -> None:
    first, _ = hosts
    first.chunk_delay = 0.02
    experiment_id = _experiment(journal, ["a", "b", "c"])
    cancel = CancelToken()
    with BatchRunner(journal, OllamaService(first.url)) as runner:
        batch_id = runner.create(experiment_id, [ALPHA], prompt="{{word}}")
        events = BatchEvents(chunk=lambda position, content, thinking: cancel.cancel())
        cancelled = runner.run(batch_id, cancel=cancel, events=events)
        assert cancelled.cancelled
        first.chunk_delay = 0.0
        resumed = runner.resume(batch_id)
    assert resumed.status is CheckStatus.DONE
    with journal.read() as session:
        items = batch_items(session, batch_id)
        statuses = Counter(row[0] for row in session.execute(text("SELECT status FROM run")).all())
    assert [item.group for item in items] == [Group.PASS] * 3
    assert statuses == Counter({"done": 3, "cancelled": 1})


def test_host_limits_parse_and_refuse_nonsense() -> None:
    assert parse_host_limit("http://gpu:11434 limit=2") == HostLimit("http://gpu:11434", 2)
    assert parse_host_limit("gpu:11434,limit=3").limit == 3
    assert parse_host_limit("http://127.0.0.1:11434").limit == 1
    for bad in ("http://gpu:11434 limit=0", "gpu limit=x", "gpu limit=65"):
        with pytest.raises(InvalidInputError, match="limit="):
            parse_host_limit(bad)


def test_a_check_of_an_experiment_with_an_input_set_replays_every_row(
    journal: Journal, hosts: tuple[FakeOllama, FakeOllama]
) -> None:
    first, _ = hosts
    experiment_id = _experiment(journal, ["paris", "rome", "oslo"])
    service = OllamaService(first.url)
    with BatchRunner(journal, service) as runner:
        runner.run(runner.create(experiment_id, [ALPHA], prompt="Capital of {{word}}"))
    with MigrationChecker(journal, service) as checker:
        check_id = checker.create(BETA, filters=ExperimentFilter())
        checker.run(check_id)
    with journal.read() as session:
        items = check_items(session, check_id)
        replays = [session.get(Run, item.new_run_id) for item in items]
    assert [item.prompt for item in items] == [
        "Capital of paris",
        "Capital of rome",
        "Capital of oslo",
    ]
    assert all(replay is not None and replay.input_row_id for replay in replays)


def test_each_row_is_graded_by_its_own_expectations_too(
    journal: Journal, hosts: tuple[FakeOllama, FakeOllama]
) -> None:
    first, _ = hosts
    experiment_id = _experiment(journal, [])
    with journal.write() as session:
        add_rows(
            session,
            experiment_id,
            [
                RowInput({"word": "paris"}, ("contains:PARIS",)),
                RowInput({"word": "rome"}, ("contains:MADRID",)),
            ],
        )
    with BatchRunner(journal, OllamaService(first.url)) as runner:
        result = runner.run(runner.create(experiment_id, [ALPHA], prompt="Capital of {{word}}"))
    with journal.read() as session:
        items = batch_items(session, result.batch_id)
    assert [item.group for item in items] == [Group.PASS, Group.FAIL]
    assert "MADRID" in items[1].triage.reason
    assert result.summary.line() == f"{ALPHA} 1/2"


def test_a_batch_sends_the_format_of_the_latest_run_unless_told_otherwise(
    journal: Journal, hosts: tuple[FakeOllama, FakeOllama]
) -> None:
    first, _ = hosts
    schema = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    experiment_id = _experiment(journal, ["paris"])
    with BatchRunner(journal, OllamaService(first.url)) as runner:
        runner.run(runner.create(experiment_id, [ALPHA], prompt="{{word}}", format=schema))
        runner.run(runner.create(experiment_id, [ALPHA]))  # the latest run's format
        runner.run(runner.create(experiment_id, [ALPHA], format=None))
    sent = [request.body.get("format") for request in first.requests_for("/api/chat")]
    assert sent == [schema, schema, None]
    with journal.read() as session:
        assert [view.pins for view in list_batches(session)]  # three batches saved
