"""The journal against a real Ollama server serving a real (tiny) model.

Run with OLLAMA_HOST and JOURNAL_TEST_MODEL set (scripts/ollama-test-server prints both);
skipped otherwise. Asserts what is stable (fields, statuses, counts), never model text.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from journal.core.cancel import CancelToken
from journal.core.models import RunStatus
from journal.core.ollama_service import OllamaService
from journal.core.queries import get_run
from journal.core.runner import RunEvents, RunRecorder, RunSpec
from journal.core.storage import Journal
from tests.journal_process import StreamingJournal, run_journal

pytestmark = pytest.mark.ollama

SHORT = {"num_predict": 24, "temperature": 0.0, "seed": 42}


@pytest.fixture
def service(real_ollama: str) -> OllamaService:
    return OllamaService(real_ollama)


@pytest.fixture
def recorder(journal: Journal, service: OllamaService) -> RunRecorder:
    return RunRecorder(journal, service)


def test_lists_the_model_with_its_real_digest_and_details(
    service: OllamaService, real_model: str
) -> None:
    model = service.find_model(real_model)
    assert model is not None
    assert len(model.digest) == 64 and all(c in "0123456789abcdef" for c in model.digest)
    assert model.family and model.parameter_size and model.quantization_level
    assert service.version()


def test_show_reports_template_capabilities_and_parameters(
    service: OllamaService, real_model: str
) -> None:
    shown = service.show_model(real_model)
    assert "completion" in shown.capabilities
    assert shown.template
    assert shown.details.get("family")
    assert isinstance(shown.parameter_defaults, dict)


def test_streamed_run_is_recorded_with_real_counts_and_durations(
    recorder: RunRecorder, service: OllamaService, experiment_id: int, real_model: str
) -> None:
    run = recorder.execute(
        RunSpec(
            experiment_id=experiment_id,
            model=real_model,
            prompt="Say hello.",
            system_prompt="Be brief.",
            options=SHORT,
        )
    )
    assert run.status is RunStatus.DONE, run.error
    assert run.response
    assert run.done_reason in ("stop", "length")
    assert run.eval_count and run.eval_count > 0
    assert run.prompt_eval_count and run.prompt_eval_count > 0
    assert run.total_duration and run.eval_duration and run.prompt_eval_duration
    assert run.load_duration is not None
    assert run.tokens_per_second and run.tokens_per_second > 0
    listed = service.find_model(real_model)
    assert listed is not None
    assert run.model_digest == listed.digest
    assert run.ollama_version == service.version()
    assert run.first_token_seconds is not None and run.wall_seconds is not None


def test_num_predict_truncates_with_done_reason_length(
    recorder: RunRecorder, experiment_id: int, real_model: str
) -> None:
    run = recorder.execute(
        RunSpec(
            experiment_id=experiment_id,
            model=real_model,
            prompt="Write a long story about the sea.",
            options={"num_predict": 5, "temperature": 0.0},
        )
    )
    assert run.status is RunStatus.DONE, run.error
    assert run.done_reason == "length"
    assert run.eval_count == 5


def test_unknown_model_fails_with_the_real_message(
    recorder: RunRecorder, experiment_id: int
) -> None:
    run = recorder.execute(
        RunSpec(experiment_id=experiment_id, model="no-such-model:1b", prompt="x")
    )
    assert run.status is RunStatus.FAILED
    assert "ollama pull no-such-model:1b" in run.error


def test_unknown_model_on_chat_is_a_404_the_service_recognises(
    service: OllamaService,
) -> None:
    from journal.core.errors import ModelNotFoundError
    from journal.core.ollama_service import ChatRequest

    with pytest.raises(ModelNotFoundError):
        service.chat(
            ChatRequest(model="no-such-model:1b", messages=[{"role": "user", "content": "x"}]),
            lambda *_: None,
        )


def test_cancel_mid_stream_keeps_the_partial_text(
    recorder: RunRecorder, experiment_id: int, real_model: str
) -> None:
    cancel = CancelToken()
    chunks: list[str] = []

    def chunk(text: str, _: str) -> None:
        chunks.append(text)
        if len(chunks) == 3:
            threading.Thread(target=cancel.cancel).start()

    run = recorder.execute(
        RunSpec(
            experiment_id=experiment_id,
            model=real_model,
            prompt="Count from one to two hundred in words.",
            options={"num_predict": 400, "temperature": 0.0},
        ),
        cancel=cancel,
        events=RunEvents(chunk=chunk),
    )
    assert run.status is RunStatus.CANCELLED
    assert run.response
    assert run.eval_count is None  # the final chunk never came


def test_thinking_disabled_and_enabled(
    recorder: RunRecorder, service: OllamaService, experiment_id: int, real_model: str
) -> None:
    off = recorder.execute(
        RunSpec(
            experiment_id=experiment_id, model=real_model, prompt="Hi", options=SHORT, think=False
        )
    )
    assert off.status is RunStatus.DONE, off.error
    assert off.thinking == ""
    on = recorder.execute(
        RunSpec(
            experiment_id=experiment_id, model=real_model, prompt="Hi", options=SHORT, think=True
        )
    )
    if "thinking" in service.show_model(real_model).capabilities:
        assert on.status is RunStatus.DONE, on.error
        assert on.thinking
    else:
        assert on.status is RunStatus.FAILED
        assert "does not support thinking" in on.error


def test_seed_and_temperature_are_recorded_and_behaviour_observed(
    recorder: RunRecorder, experiment_id: int, real_model: str
) -> None:
    options = {"seed": 1234, "temperature": 0.9, "num_predict": 16}
    runs = [
        recorder.execute(
            RunSpec(
                experiment_id=experiment_id,
                model=real_model,
                prompt="Name a colour.",
                options=options,
            )
        )
        for _ in range(2)
    ]
    for run in runs:
        assert run.status is RunStatus.DONE, run.error
        assert run.options == options
    # Best-effort reproducible: recorded, not promised. Say what this server did.
    same = runs[0].response == runs[1].response
    print(f"seed 1234 at temperature 0.9 gave {'the same' if same else 'different'} text")


def test_cli_models_and_run(real_ollama: str, real_model: str, db_path: Path) -> None:
    listed = run_journal(db_path, "--host", real_ollama, "models", "--json")
    assert listed.returncode == 0, listed.stderr
    assert real_model in {m["name"] for m in json.loads(listed.stdout)}
    ran = run_journal(
        db_path,
        "--host",
        real_ollama,
        "run",
        "-m",
        real_model,
        "-p",
        "Say hi.",
        "-o",
        "num_predict=12",
        "-o",
        "temperature=0",
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.strip()
    assert "run 1 done" in ran.stderr and "tokens" in ran.stderr
    shown = run_journal(db_path, "--host", real_ollama, "show", "1", "--json")
    run = json.loads(shown.stdout)["runs"][0]
    assert run["status"] == "done" and run["eval_count"] > 0


def test_cli_ctrl_c_keeps_the_partial_answer(
    real_ollama: str, real_model: str, db_path: Path
) -> None:
    with StreamingJournal(
        db_path,
        "--host",
        real_ollama,
        "run",
        "-m",
        real_model,
        "-p",
        "Count from one to two hundred in words.",
        "-o",
        "num_predict=400",
        "-o",
        "temperature=0",  # greedy: this model's long answer every time, never a 9-token one
    ) as running:
        running.read_words(3, timeout=120)
        code, _, err = running.interrupt()
    assert code == 130, err
    with Journal.open(db_path) as journal, journal.read() as session:
        run = get_run(session, 1)
    assert run.status is RunStatus.CANCELLED
    assert run.response


def test_a_pull_the_registry_cannot_serve_is_explained(service: OllamaService) -> None:
    """Offline (as in CI) the server cannot reach its registry; online the name is unknown
    there. Either way the person gets a sentence, not a raw error line. Nothing is fetched:
    the name does not exist in any registry."""
    from journal.core.errors import OllamaRegistryUnreachableError, OllamaResponseError

    with pytest.raises((OllamaRegistryUnreachableError, OllamaResponseError)) as caught:
        service.pull("llm-journal-tests/no-such-model:0", lambda *_: None)
    if isinstance(caught.value, OllamaRegistryUnreachableError):
        assert "could not reach its model registry" in caught.value.message
        assert "ollama create" in caught.value.message
    else:
        assert "file does not exist" in caught.value.message


def test_cli_sigterm_and_a_closed_pipe_keep_the_partial_answer(
    real_ollama: str, real_model: str, db_path: Path
) -> None:
    import signal

    # Greedy sampling: this model's same long answer every time, never a 9-token one.
    argv = ["--host", real_ollama, "run", "-m", real_model, "-o", "num_predict=400", "-o"]
    argv += ["temperature=0", "-p"]
    prompt = "Count from one to two hundred in words."
    with StreamingJournal(db_path, *argv, prompt) as running:
        running.read_words(3, timeout=120)
        code, _, err = running.interrupt(signum=signal.SIGTERM)
    assert code == 143, err
    with StreamingJournal(db_path, *argv, prompt) as running:
        running.read_words(3, timeout=120)
        code, err = running.close_output()
    assert code == 141, err
    with Journal.open(db_path) as journal, journal.read() as session:
        first, second = get_run(session, 1), get_run(session, 2)
    assert (first.status, first.error) == (RunStatus.CANCELLED, "stopped by SIGTERM")
    assert (second.status, second.error) == (RunStatus.CANCELLED, "output closed")
    assert first.response and second.response
