"""A three-turn conversation on a real Ollama serving a real (tiny) model, and a replay of
its last turn with the recorded history.

Skipped unless OLLAMA_HOST and JOURNAL_TEST_MODEL are set (see the README). Asserts what was
recorded and what the server measured, never the model's words.
"""

from __future__ import annotations

import pytest

from journal.core.conversations import chain, check_context, follow_up, history
from journal.core.models import Run, RunStatus
from journal.core.ollama_service import OllamaService
from journal.core.queries import create_experiment, get_run
from journal.core.replay import Replayer
from journal.core.runner import RunRecorder, RunSpec
from journal.core.storage import Journal

pytestmark = pytest.mark.ollama

SHORT = {"num_predict": 16, "temperature": 0.0, "seed": 42}


@pytest.mark.timeout(600)  # four requests to a CPU-only model on a shared machine
def test_a_three_turn_conversation_and_a_replay_of_its_last_turn_with_history(
    journal: Journal, real_ollama: str, real_model: str
) -> None:
    service = OllamaService(real_ollama)
    recorder = RunRecorder(journal, service)
    with journal.write() as session:
        experiment = create_experiment(session, title="a real conversation").id or 0
    turns: list[Run] = [
        recorder.execute(
            RunSpec(
                experiment,
                real_model,
                prompt="Name a colour.",
                system_prompt="Be brief.",
                options=SHORT,
            )
        )
    ]
    for prompt in ("Name another one.", "Which of the two is darker?"):
        with journal.read() as session:
            spec = follow_up(session, turns[-1].id or 0, prompt)
        assert check_context(service, spec, turns[-1]).warning() is None
        turns.append(recorder.execute(spec))
    assert [turn.status for turn in turns] == [RunStatus.DONE] * 3, [t.error for t in turns]
    assert [turn.parent_id for turn in turns] == [None, turns[0].id, turns[1].id]
    # The server read the whole conversation: each turn's prompt is longer than the last's.
    counts = [turn.prompt_eval_count or 0 for turn in turns]
    assert counts[0] < counts[1] < counts[2], counts

    replayer = Replayer(journal, service)
    replay = replayer.replay(replayer.plan(turns[2].id or 0))
    assert replay.status is RunStatus.DONE, replay.error
    with journal.read() as session:
        replay = get_run(session, replay.id or 0)
        assert replay.parent_id == turns[1].id and replay.replay_of_id == turns[2].id
        assert history(session, replay) == history(session, turns[2])
        assert [run.id for run in chain(session, replay.id or 0)][:2] == [
            turns[0].id,
            turns[1].id,
        ]
    # Same history, same settings, same seed: the server read as many tokens again.
    assert replay.prompt_eval_count == turns[2].prompt_eval_count
