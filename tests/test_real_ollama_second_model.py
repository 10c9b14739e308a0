"""Two real models on one real Ollama: a run of the first replayed on the second.

The `ollama` test needs OLLAMA_HOST, JOURNAL_TEST_MODEL and JOURNAL_TEST_MODEL2 (see the
README; scripts/ollama-test-server prints the last one). It asserts digests and links, never
the models' words: the second model may be the base Gemma 3 270M, which answers loosely.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from journal.core.models import RunStatus
from journal.core.ollama_service import OllamaService, normalise_model_name
from journal.core.queries import get_run
from journal.core.replay import ReplayEdits, Replayer
from journal.core.runner import RunRecorder, RunSpec
from journal.core.storage import Journal

SHORT = {"num_predict": 16, "temperature": 0.0, "seed": 42}
SERVER_SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "ollama-test-server"


def _digest(service: OllamaService, model: str) -> str:
    info = service.find_model(model)
    assert info is not None, f"{model} is not on {service.host}"
    return info.digest


@pytest.mark.ollama
def test_a_run_replayed_on_the_second_model_is_recorded_against_its_digest(
    journal: Journal, experiment_id: int, real_ollama: str, real_model: str, real_model2: str
) -> None:
    service = OllamaService(real_ollama)
    first_digest, second_digest = _digest(service, real_model), _digest(service, real_model2)
    assert first_digest != second_digest

    original = RunRecorder(journal, service).execute(
        RunSpec(
            experiment_id=experiment_id,
            model=real_model,
            prompt="Say the number 7.",
            system_prompt="Be brief.",
            options=SHORT,
        )
    )
    assert original.status is RunStatus.DONE, original.error
    assert original.model_digest == first_digest

    replayer = Replayer(journal, service)
    plan = replayer.plan(original.id or 0, ReplayEdits(model=real_model2))
    identity = replayer.identify(plan)
    # Another model is expected to have other weights: no "changed" warning.
    assert identity.available and not identity.same_model and identity.warning() is None
    replay = replayer.replay(plan, identity=identity)

    assert replay.status is RunStatus.DONE, replay.error
    assert replay.eval_count and replay.eval_count > 0
    with journal.read() as session:
        stored = get_run(session, replay.id or 0)
    assert normalise_model_name(stored.model) == normalise_model_name(real_model2)
    assert stored.model_digest == second_digest
    assert stored.replay_of_id == original.id and stored.experiment_id == experiment_id
    assert (stored.messages, stored.system_prompt, stored.options) == (
        original.messages,
        original.system_prompt,
        original.options,
    )
    assert stored.replay_info is not None
    assert stored.replay_info["source_model"] == real_model
    assert stored.replay_info["source_digest"] == first_digest
    assert stored.replay_info["digest_now"] == second_digest
    assert stored.replay_info["digest_before"] is None
    assert stored.replay_info["digest_changed"] is False


def test_the_test_server_rejects_an_unknown_second_model_choice() -> None:
    # Checked first, before the arguments: nothing is built, fetched or started.
    result = subprocess.run(
        [str(SERVER_SCRIPT)],
        env={**os.environ, "JOURNAL_TEST_SECOND_MODEL": "llama"},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 1 and result.stdout == ""
    assert "JOURNAL_TEST_SECOND_MODEL must be gemma, 1, 0 or empty, not llama" in result.stderr
