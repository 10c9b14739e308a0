"""A journal with history, for tests that start from earlier runs.

`add_past_run` writes a run as if recorded earlier (finished, with the digest the fake Ollama
reports for its model), straight into the journal; `seed_past_runs` gives each prompt an
experiment of its own with one such run; `record_run` records one for real, through the
fake Ollama. Every test that needs "a past run" builds it here, so they all agree on what
one looks like.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from sqlmodel import Session

from journal.core.domain import RunStatus, Verdict
from journal.core.models import Run
from journal.core.ollama_service import OllamaService
from journal.core.queries import create_experiment, set_verdict
from journal.core.runner import RunRecorder, RunSpec
from journal.core.storage import Journal
from tests.fake_ollama import FakeModel

PAST_MODEL = "llama3:8b"
PAST_OPTIONS: dict[str, Any] = {"seed": 3, "temperature": 0.1}


def past_answer(prompt: str) -> str:
    return f"old answer to {prompt}"


def add_past_run(
    session: Session,
    experiment_id: int,
    prompt: str = "Name three rivers",
    verdict: Verdict | None = None,
    *,
    model: str = PAST_MODEL,
    digest: str | None = None,
    status: RunStatus = RunStatus.DONE,
    **fields: Any,
) -> int:
    """A run of `prompt` on `model`, finished (`status`) and judged `verdict`; its id.

    The digest is the fake Ollama's for `model` unless given ("" for a run that never
    reached a model); options, answer and messages have defaults that `fields` override.
    """
    fields.setdefault("messages", [{"role": "user", "content": prompt}])
    fields.setdefault("options", dict(PAST_OPTIONS))
    fields.setdefault("response", past_answer(prompt))
    run = Run(
        experiment_id=experiment_id,
        model=model,
        model_digest=FakeModel(model).digest if digest is None else digest,
        status=status,
        verdict=verdict,
        **fields,
    )
    session.add(run)
    session.flush()
    assert run.id is not None
    return run.id


def seed_past_runs(
    journal: Journal | Path,
    prompts: Iterable[str | tuple[str, Verdict | None]],
    verdict: Verdict | None = Verdict.WORKED,
    **fields: Any,
) -> list[int]:
    """One experiment per prompt (titled with it), each with one past run; the runs' ids.

    A prompt may come with its own verdict, `(prompt, verdict)`; `journal` may be the path
    of a journal file, opened and closed here.
    """
    if isinstance(journal, Path):
        with Journal.open(journal) as opened:
            return seed_past_runs(opened, prompts, verdict, **fields)
    ids = []
    with journal.write() as session:
        for entry in prompts:
            prompt, judged = entry if isinstance(entry, tuple) else (entry, verdict)
            experiment = create_experiment(session, title=prompt)
            assert experiment.id is not None
            ids.append(add_past_run(session, experiment.id, prompt, judged, **fields))
    return ids


def record_run(
    journal: Journal,
    ollama: OllamaService | str,
    experiment_id: int,
    prompt: str = "Name three rivers",
    verdict: Verdict | None = None,
    *,
    model: str = PAST_MODEL,
    **spec: Any,
) -> Run:
    """`prompt` run for real on `model` against `ollama` (the fake's URL will do), then
    judged `verdict`; `spec` holds the other RunSpec fields (options, keep_alive...)."""
    service = OllamaService(ollama) if isinstance(ollama, str) else ollama
    request = RunSpec(experiment_id, model, prompt=prompt, **spec)
    run = RunRecorder(journal, service).execute(request)
    assert run.status is RunStatus.DONE, run.error
    assert run.id is not None
    if verdict is not None:
        with journal.write() as session:
            run = set_verdict(session, run.id, verdict)
    return run
