"""Replays and a small migration check against a real Ollama serving a real (tiny) model.

Skipped unless OLLAMA_HOST and JOURNAL_TEST_MODEL are set (see the README). Asserts
statuses, links and digests, never the model's words.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from journal.core.cancel import CancelToken
from journal.core.domain import ExperimentFilter
from journal.core.migration_check import (
    CheckEvents,
    MigrationChecker,
    check_items,
    get_check,
    triage,
)
from journal.core.models import CheckStatus, Run, RunStatus, Verdict
from journal.core.ollama_service import OllamaService
from journal.core.queries import create_experiment, get_run, set_verdict
from journal.core.replay import ReplayEdits, Replayer
from journal.core.runner import RunRecorder, RunSpec
from journal.core.storage import Journal
from tests.journal_process import run_journal

pytestmark = pytest.mark.ollama

SHORT = {"num_predict": 16, "temperature": 0.0, "seed": 42}


@pytest.fixture
def service(real_ollama: str) -> OllamaService:
    return OllamaService(real_ollama)


def _digest(service: OllamaService, model: str) -> str:
    info = service.find_model(model)
    assert info is not None
    return info.digest


def _worked_runs(journal: Journal, service: OllamaService, model: str, count: int) -> list[int]:
    recorder = RunRecorder(journal, service)
    ids = []
    for number in range(count):
        with journal.write() as session:
            experiment = create_experiment(session, title=f"real {number}")
        run = recorder.execute(
            RunSpec(
                experiment_id=experiment.id or 0,
                model=model,
                prompt=f"Say the number {number}.",
                system_prompt="Be brief.",
                options=SHORT,
            )
        )
        assert run.status is RunStatus.DONE, run.error
        with journal.write() as session:
            set_verdict(session, run.id or 0, Verdict.WORKED)
        ids.append(run.id or 0)
    return ids


def test_replay_repeats_the_run_on_the_same_weights(
    journal: Journal, service: OllamaService, real_model: str
) -> None:
    (original_id,) = _worked_runs(journal, service, real_model, 1)
    replayer = Replayer(journal, service)
    plan = replayer.plan(original_id)
    identity = replayer.identify(plan)
    assert identity.available and not identity.changed and identity.warning() is None
    replay = replayer.replay(plan, identity=identity)
    assert replay.status is RunStatus.DONE, replay.error
    with journal.read() as session:
        original = get_run(session, original_id)
    assert replay.replay_of_id == original_id
    assert replay.experiment_id == original.experiment_id
    assert (replay.messages, replay.options, replay.system_prompt) == (
        original.messages,
        original.options,
        original.system_prompt,
    )
    assert replay.model_digest == original.model_digest == _digest(service, real_model)
    assert replay.replay_info is not None
    assert replay.replay_info["digest_before"] == replay.replay_info["digest_now"]
    assert replay.eval_count and replay.eval_count > 0

    edited = replayer.replay(replayer.plan(original_id, ReplayEdits(options={"num_predict": 4})))
    assert edited.status is RunStatus.DONE and edited.options["num_predict"] == 4
    assert edited.eval_count is not None and edited.eval_count <= 4


def test_a_small_check_with_cancel_and_resume(
    journal: Journal, service: OllamaService, real_model: str
) -> None:
    sources = _worked_runs(journal, service, real_model, 3)
    checker = MigrationChecker(journal, service)
    check_id = checker.create(
        real_model, filters=ExperimentFilter(model=real_model, verdict=Verdict.WORKED)
    )
    cancel = CancelToken()

    def chunk(position: int, content: str, thinking: str) -> None:
        if position == 2:
            cancel.cancel()

    first = checker.run(check_id, cancel=cancel, events=CheckEvents(chunk=chunk))
    assert first.cancelled and first.ran == 2
    assert (first.summary.untriaged, first.summary.failed_to_run) == (1, 1)
    second = checker.resume(check_id)
    assert not second.cancelled and second.ran == 2
    digest = _digest(service, real_model)
    with journal.write() as session:
        items = check_items(session, check_id)
        assert [item.source_run_id for item in items] == sources
        for item in items:
            new = get_run(session, item.new_run_id or 0)
            assert new.status is RunStatus.DONE, new.error
            assert new.replay_of_id == item.source_run_id and new.model_digest == digest
        triage(session, check_id, 1, Verdict.WORKED)
    assert second.summary.untriaged == 3 and second.summary.total == 3
    with journal.read() as session:
        view = get_check(session, check_id)
    assert view.status is CheckStatus.DONE and view.target_digest == digest
    assert view.summary.still_work == 1 and view.summary.untriaged == 2


def test_the_commands_against_real_ollama(
    db_path: Path, service: OllamaService, real_ollama: str, real_model: str
) -> None:
    with Journal.open(db_path) as journal:
        _worked_runs(journal, service, real_model, 2)
    host = ("--host", real_ollama)
    result = run_journal(db_path, "replay", *host, "1", "-o", "num_predict=8")
    assert result.returncode == 0, result.stderr
    assert "run 3 replays run 1" in result.stderr and "run 3 done" in result.stderr
    result = run_journal(
        db_path, "check", *host, "--target", real_model, "--verdict", "worked", "--json"
    )
    assert result.returncode == 0, result.stderr
    # Graded as it ends: no expectations here, so it needs a look.
    assert re.search(
        r"^\[2/2\] run \d+ -> run \d+: done, \d+\.\d s · needs a look: no expectations",
        result.stderr,
        re.M,
    )
    record = json.loads(result.stdout)
    assert record["status"] == "done" and record["summary"]["untriaged"] == 2
    with Journal.open(db_path) as journal, journal.read() as session:
        replay: Run = get_run(session, 3)
    assert replay.replay_of_id == 1 and replay.options["num_predict"] == 8
