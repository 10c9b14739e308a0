"""Replays against the fake Ollama: the exact request again, edits, model identity, the
queue with cancel, lineage, and the experiment x model matrix."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event

from journal.core.cancel import CancelToken
from journal.core.domain import ExperimentFilter
from journal.core.errors import InvalidInputError, ModelNotFoundError, OllamaUnreachableError
from journal.core.matrix import MatrixColumn, experiment_matrix, matrix_columns
from journal.core.models import Run, RunStatus, Verdict
from journal.core.ollama_service import OllamaService
from journal.core.queries import create_experiment, get_run, runs_of
from journal.core.replay import (
    QueueEvents,
    ReplayEdits,
    Replayer,
    ReplayQueue,
    lineage,
    missing_models,
    plan_replay,
    require_available,
)
from journal.core.storage import Journal
from journal.core.templates import render_run
from tests.fake_ollama import FakeModel, FakeOllama
from tests.past_runs import add_past_run, record_run

OLD_DIGEST = "1a2b3c4d5e6f" + "0" * 52
NEW_DIGEST = "9f8e7d6c5b4a" + "1" * 52


@pytest.fixture
def ollama(fake_ollama: FakeOllama) -> OllamaService:
    return OllamaService(fake_ollama.url)


@pytest.fixture
def replayer(journal: Journal, ollama: OllamaService) -> Replayer:
    return Replayer(journal, ollama)


def _original(journal: Journal, ollama: OllamaService, experiment_id: int, **changes: Any) -> Run:
    """A recorded run with a system prompt, options and keep_alive, for replays to repeat."""
    spec: dict[str, Any] = {
        "system_prompt": "Be brief.",
        "options": {"temperature": 0.2, "seed": 42, "stop": ["END"]},
        "keep_alive": "2m",
    }
    return record_run(journal, ollama, experiment_id, **(spec | changes))


def _chat_bodies(fake: FakeOllama) -> list[dict[str, Any]]:
    return [request.body for request in fake.requests_for("/api/chat")]


# -- the request again ------------------------------------------------------------------


def test_replay_sends_exactly_the_recorded_request(
    journal: Journal,
    ollama: OllamaService,
    replayer: Replayer,
    fake_ollama: FakeOllama,
    experiment_id: int,
) -> None:
    original = _original(journal, ollama, experiment_id)
    assert original.id is not None
    replay = replayer.replay(replayer.plan(original.id))

    assert replay.status is RunStatus.DONE
    assert replay.replay_of_id == original.id
    assert replay.experiment_id == experiment_id
    assert replay.id != original.id
    for name in ("model", "system_prompt", "messages", "options", "keep_alive", "think"):
        assert getattr(replay, name) == getattr(original, name), name
    assert replay.model_digest == original.model_digest
    first, second = _chat_bodies(fake_ollama)
    assert second == first
    assert second["options"] == {"temperature": 0.2, "seed": 42, "stop": ["END"]}
    assert second["messages"][0] == {"role": "system", "content": "Be brief."}
    # The fake answers deterministically for the same model, prompt and seed.
    assert replay.response == original.response
    assert replay.replay_info == {
        "source_run_id": original.id,
        "source_model": "llama3:8b",
        "source_digest": original.model_digest,
        "model": "llama3:8b",
        "digest_before": original.model_digest,
        "digest_now": original.model_digest,
        "digest_changed": False,
        "edited": [],
    }


def test_replay_keeps_think_and_a_whole_conversation(
    journal: Journal,
    ollama: OllamaService,
    replayer: Replayer,
    fake_ollama: FakeOllama,
    experiment_id: int,
) -> None:
    conversation = [
        {"role": "user", "content": "Hi"},
        {"role": "assistant", "content": "Hello!"},
        {"role": "user", "content": "Count to three ```1 2 3```"},
    ]
    original = _original(
        journal,
        ollama,
        experiment_id,
        model="qwen3:0.6b",
        messages=conversation,
        think=True,
        keep_alive=None,
    )
    assert original.id is not None and original.thinking
    replay = replayer.replay(replayer.plan(original.id))
    assert replay.thinking == original.thinking
    first, second = _chat_bodies(fake_ollama)
    assert second == first
    assert second["think"] is True
    assert [m["content"] for m in second["messages"][1:]] == [m["content"] for m in conversation]


def test_edited_replay_changes_only_what_was_asked(
    journal: Journal,
    ollama: OllamaService,
    replayer: Replayer,
    fake_ollama: FakeOllama,
    experiment_id: int,
) -> None:
    original = _original(journal, ollama, experiment_id)
    assert original.id is not None
    edits = ReplayEdits(
        model="qwen3:0.6b",
        options={"seed": 7, "temperature": None, "top_k": 20},
        request={"keep_alive": "10m"},
        prompt="Name three seas",
    )
    plan = replayer.plan(original.id, edits)
    assert plan.edited == ("model", "messages", "options", "keep_alive")
    replay = replayer.replay(plan)
    assert replay.status is RunStatus.DONE
    assert replay.replay_of_id == original.id
    body = _chat_bodies(fake_ollama)[-1]
    assert body["model"] == "qwen3:0.6b"
    assert body["options"] == {"seed": 7, "stop": ["END"], "top_k": 20}
    assert body["keep_alive"] == "10m"
    assert body["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Name three seas"},
    ]
    assert replay.replay_info is not None
    assert replay.replay_info["edited"] == ["model", "messages", "options", "keep_alive"]
    # Another model is not compared with the original's digest.
    assert replay.replay_info["digest_before"] is None
    assert replay.replay_info["digest_changed"] is False


def test_plan_edits_the_last_user_turn_or_adds_one(experiment_id: int) -> None:
    source = Run(
        id=5,
        experiment_id=experiment_id,
        model="llama3:8b",
        messages=[
            {"role": "user", "content": "first"},
            {"role": "assistant", "content": "reply"},
            {"role": "user", "content": "second"},
        ],
        think="high",
    )
    plan = plan_replay(source, ReplayEdits(prompt="changed"))
    assert plan.spec.messages == [
        {"role": "user", "content": "first"},
        {"role": "assistant", "content": "reply"},
        {"role": "user", "content": "changed"},
    ]
    assert plan.spec.think == "high" and plan.spec.replay_of_id == 5
    assert source.messages[-1]["content"] == "second"  # the source is never modified
    empty = Run(id=6, experiment_id=experiment_id, model="m", messages=[])
    assert plan_replay(empty, ReplayEdits(prompt="new")).spec.messages == [
        {"role": "user", "content": "new"}
    ]
    assert plan_replay(source, ReplayEdits(request={"think": None})).spec.think is None
    with pytest.raises(InvalidInputError, match="keep_alive and think"):
        ReplayEdits(request={"format": "json"})
    with pytest.raises(InvalidInputError, match="Only a recorded run"):
        plan_replay(Run(experiment_id=experiment_id, model="m"))


# -- model identity ---------------------------------------------------------------------


def test_a_tag_pointing_to_other_weights_is_reported_and_recorded(
    journal: Journal,
    ollama: OllamaService,
    replayer: Replayer,
    fake_ollama: FakeOllama,
    experiment_id: int,
) -> None:
    fake_ollama.models["llama3:latest"] = FakeModel("llama3:latest", digest=OLD_DIGEST)
    original = _original(journal, ollama, experiment_id, model="llama3")
    assert original.id is not None and original.model_digest == OLD_DIGEST

    fake_ollama.models["llama3:latest"] = FakeModel("llama3:latest", digest=NEW_DIGEST)
    plan = replayer.plan(original.id)
    identity = replayer.identify(plan)
    assert identity.changed and identity.available
    assert identity.warning() == (
        f"llama3:latest changed since run {original.id}: 1a2b3c4d5e6f -> 9f8e7d6c5b4a"
    )
    replay = replayer.replay(plan, identity=identity)
    assert replay.status is RunStatus.DONE
    assert replay.model_digest == NEW_DIGEST  # the new run records its own digest
    assert replay.replay_info is not None
    assert replay.replay_info["digest_before"] == OLD_DIGEST
    assert replay.replay_info["digest_now"] == NEW_DIGEST
    assert replay.replay_info["digest_changed"] is True
    with journal.read() as session:  # persisted, not just returned
        stored = get_run(session, replay.id or 0).replay_info
    assert stored is not None and stored["digest_changed"] is True


def test_same_weights_give_no_warning(
    journal: Journal, ollama: OllamaService, replayer: Replayer, experiment_id: int
) -> None:
    original = _original(journal, ollama, experiment_id)
    assert original.id is not None
    identities = replayer.identify_all(replayer.fan_out(original.id, ["llama3:8b", "qwen3:0.6b"]))
    assert [identity.warning() for identity in identities] == [None, None]
    assert [identity.same_model for identity in identities] == [True, False]


def test_a_missing_model_is_reported_with_the_fix_and_nothing_is_recorded(
    journal: Journal,
    ollama: OllamaService,
    replayer: Replayer,
    fake_ollama: FakeOllama,
    experiment_id: int,
) -> None:
    original = _original(journal, ollama, experiment_id)
    assert original.id is not None
    fake_ollama.remove_model("llama3:8b")
    plans = replayer.fan_out(original.id, ["llama3:8b", "qwen3:0.6b"])
    identities = replayer.identify_all(plans)
    assert [identity.available for identity in identities] == [False, True]
    assert missing_models(identities) == ["llama3:8b"]
    warning = identities[0].warning()
    assert warning is not None and "`ollama pull llama3:8b`" in warning
    with pytest.raises(ModelNotFoundError, match=r"ollama pull llama3:8b"):
        require_available(identities)
    with journal.read() as session:
        assert len(runs_of(session, experiment_id)) == 1


def test_a_model_gone_at_run_time_is_recorded_as_failed(
    journal: Journal,
    ollama: OllamaService,
    replayer: Replayer,
    fake_ollama: FakeOllama,
    experiment_id: int,
) -> None:
    original = _original(journal, ollama, experiment_id)
    assert original.id is not None
    fake_ollama.remove_model("llama3:8b")
    replay = replayer.replay(replayer.plan(original.id))
    assert replay.status is RunStatus.FAILED
    assert "ollama pull llama3:8b" in replay.error
    assert replay.replay_of_id == original.id
    assert replay.replay_info is not None and replay.replay_info["digest_now"] is None


# -- the queue --------------------------------------------------------------------------


def test_fan_out_to_three_models_cancelled_mid_way(
    journal: Journal,
    ollama: OllamaService,
    replayer: Replayer,
    fake_ollama: FakeOllama,
    experiment_id: int,
) -> None:
    fake_ollama.add_model(FakeModel("mistral:7b", family="mistral"))
    original = _original(journal, ollama, experiment_id)
    assert original.id is not None
    plans = replayer.fan_out(original.id, ["llama3:8b", "qwen3:0.6b", "mistral:7b"])
    cancel = CancelToken()
    seen: list[tuple[int, int, int | None, RunStatus]] = []
    chunks: dict[int, int] = {}

    def started(index: int, total: int, run: Run) -> None:
        if index == 2:
            fake_ollama.stall_after = 3  # without a working cancel the stream never ends

    def chunk(index: int, content: str, thinking: str) -> None:
        chunks[index] = chunks.get(index, 0) + 1
        if index == 2 and chunks[index] == 3:
            cancel.cancel()

    def progress(index: int, total: int, run: Run) -> None:
        seen.append((index, total, run.replay_of_id, run.status))

    runs = ReplayQueue(replayer, plans).run(
        cancel, progress, QueueEvents(started=started, chunk=chunk)
    )
    assert [run.status for run in runs] == [RunStatus.DONE, RunStatus.CANCELLED]
    assert [run.model for run in runs] == ["llama3:8b", "qwen3:0.6b"]
    assert runs[1].response  # the partial answer is kept
    assert seen == [
        (1, 3, original.id, RunStatus.DONE),
        (2, 3, original.id, RunStatus.CANCELLED),
    ]
    # The third model was never asked and nothing was recorded for it.
    assert [body["model"] for body in _chat_bodies(fake_ollama)] == [
        "llama3:8b",
        "llama3:8b",
        "qwen3:0.6b",
    ]
    with journal.read() as session:
        assert [run.model for run in runs_of(session, experiment_id)] == [
            "llama3:8b",
            "llama3:8b",
            "qwen3:0.6b",
        ]


def test_queue_runs_in_parallel_when_asked_and_takes_late_additions(
    journal: Journal, ollama: OllamaService, replayer: Replayer, experiment_id: int
) -> None:
    original = _original(journal, ollama, experiment_id)
    assert original.id is not None
    plans = replayer.fan_out(original.id, ["llama3:8b", "qwen3:0.6b"])
    queue = ReplayQueue(replayer, plans[:1], parallel=2)
    queue.add(plans[1])
    runs = queue.run()
    assert [run.model for run in runs] == ["llama3:8b", "qwen3:0.6b"]
    assert all(run.status is RunStatus.DONE for run in runs)
    assert queue.waiting == 0
    with pytest.raises(InvalidInputError):
        ReplayQueue(replayer, parallel=0)


def test_a_server_gone_mid_queue_raises_and_leaves_the_rest_queued(
    journal: Journal,
    ollama: OllamaService,
    replayer: Replayer,
    fake_ollama: FakeOllama,
    experiment_id: int,
) -> None:
    original = _original(journal, ollama, experiment_id)
    assert original.id is not None
    queue = ReplayQueue(replayer, replayer.fan_out(original.id, ["llama3:8b", "qwen3:0.6b"]))
    with pytest.raises(OllamaUnreachableError):
        queue.run(progress=lambda index, total, run: fake_ollama.stop())
    assert queue.waiting == 1
    with journal.read() as session:
        assert len(runs_of(session, experiment_id)) == 2  # the original and one replay
    fake_ollama.start()
    runs = queue.run()
    assert [run.model for run in runs] == ["qwen3:0.6b"]


# -- lineage ----------------------------------------------------------------------------


def test_lineage_follows_replays_both_ways(
    journal: Journal, ollama: OllamaService, replayer: Replayer, experiment_id: int
) -> None:
    original = _original(journal, ollama, experiment_id)
    assert original.id is not None
    first = replayer.replay(replayer.plan(original.id))
    assert first.id is not None
    second = replayer.replay(replayer.plan(first.id))
    sibling = replayer.replay(replayer.plan(original.id, ReplayEdits(model="qwen3:0.6b")))
    with journal.read() as session:
        of_second = lineage(session, second.id or 0)
        of_original = lineage(session, original.id)
    assert [run.id for run in of_second.ancestors] == [first.id, original.id]
    assert of_second.replays_run is not None and of_second.replays_run.id == first.id
    assert of_second.replays == []
    assert of_original.ancestors == [] and of_original.replays_run is None
    assert [run.id for run in of_original.replays] == [first.id, sibling.id]


# -- the matrix -------------------------------------------------------------------------


def test_matrix_cells_hold_the_latest_verdict_per_model_and_digest(journal: Journal) -> None:
    a, b = "a" * 64, "b" * 64
    with journal.write() as session:
        first = create_experiment(session, title="first").id or 0
        second = create_experiment(session, title="second").id or 0
        empty = create_experiment(session, title="no runs").id or 0
        add_past_run(session, first, verdict=Verdict.WORKED, model="llama3", digest=a)
        latest = "llama3:latest"
        # the same weights under another name, then newer but unjudged, then new weights
        r2 = add_past_run(session, first, verdict=Verdict.FAILED, model=latest, digest=a)
        r3 = add_past_run(session, first, model=latest, digest=a)
        r4 = add_past_run(session, first, verdict=Verdict.PARTLY, model=latest, digest=b)
        r5 = add_past_run(session, second, model="qwen3:0.6b", digest=b)
        add_past_run(session, second, model="qwen3:0.6b", digest="")  # never reached a model
    with journal.read() as session:
        matrix = experiment_matrix(session)
    old, new, qwen = (
        MatrixColumn("llama3:latest", a),
        MatrixColumn("llama3:latest", b),
        MatrixColumn("qwen3:0.6b", b),
    )
    assert matrix.columns == [old, new, qwen]
    assert [c.label for c in matrix.columns] == [
        f"llama3:latest@{'a' * 12}",
        f"llama3:latest@{'b' * 12}",
        f"qwen3:0.6b@{'b' * 12}",
    ]
    assert [row.experiment_id for row in matrix.rows] == [empty, second, first]
    cells = matrix.rows[2].cells
    assert cells[old].verdict is Verdict.FAILED and cells[old].run_id == r2
    assert cells[old].latest_run_id == r3 and cells[old].runs == 3
    assert cells[new].verdict is Verdict.PARTLY and cells[new].run_id == r4
    unjudged = matrix.rows[1].cells[qwen]
    assert unjudged.verdict is None and unjudged.run_id == r5
    assert matrix.rows[0].cells == {}
    assert matrix.next_before_id is None
    record = matrix.as_dict()
    assert record["rows"][2]["cells"][old.label] == {
        "verdict": "failed",
        "run_id": r2,
        "latest_run_id": r3,
        "runs": 3,
    }


def test_matrix_pages_filters_and_uses_one_query(journal: Journal) -> None:
    digest = "c" * 64
    with journal.write() as session:
        ids = []
        for number in range(7):
            experiment = create_experiment(
                session, title=f"e{number}", tags=["even" if number % 2 == 0 else "odd"]
            )
            assert experiment.id is not None
            ids.append(experiment.id)
            add_past_run(session, experiment.id, verdict=Verdict.WORKED, digest=digest)
            add_past_run(session, experiment.id, model=f"m{number}:1b", digest=digest)
    statements: list[str] = []

    def count(*args: Any) -> None:
        statements.append(str(args[2]))

    event.listen(journal.engine, "before_cursor_execute", count)
    try:
        with journal.read() as session:
            page = experiment_matrix(session, limit=3)
    finally:
        event.remove(journal.engine, "before_cursor_execute", count)
    assert len([s for s in statements if s.lstrip().upper().startswith(("SELECT", "WITH"))]) == 1
    assert [row.experiment_id for row in page.rows] == ids[::-1][:3]
    assert page.next_before_id == ids[4]
    with journal.read() as session:
        rest = experiment_matrix(session, limit=3, before_id=page.next_before_id)
        last = experiment_matrix(session, limit=3, before_id=rest.next_before_id)
        even = experiment_matrix(session, ExperimentFilter(tag="even"), models=["llama3:8b"])
        columns = matrix_columns(session)
        some = matrix_columns(session, ExperimentFilter(tag="odd"), models=["m1:1b"])
    assert [row.experiment_id for row in rest.rows] == ids[::-1][3:6]
    assert [row.experiment_id for row in last.rows] == ids[:1] and last.next_before_id is None
    assert [row.title for row in even.rows] == ["e6", "e4", "e2", "e0"]
    assert [column.model for column in even.columns] == ["llama3:8b"]
    assert len(columns) == 8
    assert some == [MatrixColumn("m1:1b", digest)]


def test_a_replay_sends_the_rendered_messages_and_never_renders_again(
    journal: Journal,
    ollama: OllamaService,
    replayer: Replayer,
    fake_ollama: FakeOllama,
    experiment_id: int,
) -> None:
    # The value holds `{{x}}`: rendering again would read it as a variable and fail or change.
    texts = render_run("Say {{word}}", "Answer in {{lang}}.", {"word": "{{x}}", "lang": "French"})
    assert texts.template is not None
    original = record_run(
        journal,
        ollama,
        experiment_id,
        texts.prompt,
        system_prompt=texts.system,
        template=texts.template.to_json(),
    )
    assert original.id is not None and original.prompt == "Say {{x}}"
    assert original.template == {
        "prompt": "Say {{word}}",
        "system": "Answer in {{lang}}.",
        "values": {"word": "{{x}}", "lang": "French"},
    }
    replay = replayer.replay(replayer.plan(original.id))
    assert replay.status is RunStatus.DONE
    assert _chat_bodies(fake_ollama)[-1]["messages"] == [
        {"role": "system", "content": "Answer in French."},
        {"role": "user", "content": "Say {{x}}"},
    ]
    assert replay.messages == original.messages and replay.template == original.template
    # An edited prompt is no longer what the template gave: the replay keeps no template.
    edited = replayer.replay(replayer.plan(original.id, ReplayEdits(prompt="Say {{y}}")))
    assert _chat_bodies(fake_ollama)[-1]["messages"][-1]["content"] == "Say {{y}}"
    assert edited.template is None
