"""Capabilities before sending: a run that needs what its model cannot do is refused in one
sentence before anything is written; unknown capabilities refuse nothing. And images travel
as the same bytes on every replay."""

from __future__ import annotations

import base64

import pytest
from sqlalchemy import text

from journal.core.batches import BatchRunner
from journal.core.capabilities import (
    IncapableModelError,
    Needs,
    check_specs,
    needs_of,
    refusal,
    require_capable,
)
from journal.core.images import add_image, user_message
from journal.core.migration_check import MigrationChecker
from journal.core.models import CheckStatus, RunStatus
from journal.core.ollama_service import OllamaService
from journal.core.queries import create_experiment
from journal.core.replay import Replayer
from journal.core.runner import RunRecorder, RunSpec
from journal.core.storage import Journal
from tests.fake_ollama import NO_VISION_ERROR, FakeModel, FakeOllama
from tests.image_bytes import jpeg, png

VISION = FakeModel("llava:7b", family="llava", capabilities=["completion", "vision"])
EMBEDDER = FakeModel("nomic-embed-text:latest", family="nomic-bert", capabilities=["embedding"])
OLD_OLLAMA = FakeModel("old:1b", capabilities=[])  # an Ollama too old to say


@pytest.mark.parametrize(
    ("capabilities", "needs", "said"),
    [
        (["completion"], Needs(vision=True), "m:1b cannot see images; pick a vision model."),
        (["completion", "vision"], Needs(thinking=True), "m:1b does not think; turn thinking off."),
        (["embedding"], Needs(), "m:1b is an embedding model; it cannot chat."),
        (["embedding"], Needs(vision=True), "m:1b is an embedding model; it cannot chat."),
        (["insert"], Needs(), "m:1b cannot chat; pick a model that can."),
        (["completion", "vision", "thinking"], Needs(vision=True, thinking=True), None),
        (["completion"], Needs(), None),
        ([], Needs(vision=True, thinking=True), None),  # unknown: never refused
    ],
)
def test_each_refusal_is_one_sentence(
    capabilities: list[str], needs: Needs, said: str | None
) -> None:
    assert refusal("m:1b", capabilities, needs) == said
    if said is None:
        require_capable("m:1b", capabilities, needs)
    else:
        with pytest.raises(IncapableModelError) as refused:
            require_capable("m:1b", capabilities, needs)
        assert refused.value.message == said


def test_what_a_run_needs() -> None:
    shows = user_message("what is this?", ["a" * 64])
    assert needs_of(RunSpec(1, "m", prompt="hi")) == Needs()
    assert needs_of(RunSpec(1, "m", prompt="hi", think=False)) == Needs()
    assert needs_of(RunSpec(1, "m", prompt="hi", think="high")) == Needs(thinking=True)
    assert needs_of(RunSpec(1, "m", messages=[shows])) == Needs(vision=True)
    # An image earlier in the conversation is sent again: it needs vision too.
    later = RunSpec(1, "m", prompt="and now?", history=[shows, {"role": "assistant"}])
    assert needs_of(later) == Needs(vision=True)


def test_check_specs_asks_each_model_once_and_refuses_before_sending(
    fake_ollama: FakeOllama,
) -> None:
    for model in (VISION, EMBEDDER, OLD_OLLAMA):
        fake_ollama.add_model(model)
    service = OllamaService(fake_ollama.url)
    image = user_message("what is this?", ["a" * 64])
    check_specs(service, [RunSpec(1, "llava:7b", messages=[image]), RunSpec(1, "llava:7b")])
    assert len(fake_ollama.requests_for("/api/show")) == 1
    check_specs(service, [RunSpec(1, "old:1b", messages=[image], think=True)])
    check_specs(service, [RunSpec(1, "gone:1b", messages=[image])])  # its run will say so
    cases = [
        (RunSpec(1, "llama3:8b", messages=[image]), "llama3:8b cannot see images"),
        (RunSpec(1, "llama3:8b", prompt="hi", think=True), "llama3:8b does not think"),
        (RunSpec(1, "nomic-embed-text:latest", prompt="hi"), "is an embedding model"),
    ]
    for spec, said in cases:
        with pytest.raises(IncapableModelError, match=said):
            check_specs(service, [RunSpec(1, "qwen3:0.6b", prompt="hi", think=True), spec])
    assert fake_ollama.requests_for("/api/chat") == []


def test_the_fake_answers_images_like_ollama(fake_ollama: FakeOllama, journal: Journal) -> None:
    """A model that cannot see fails as Ollama does (the run records it); a vision model
    says how many images it saw."""
    fake_ollama.add_model(VISION)
    with journal.write() as session:
        experiment = create_experiment(session, title="look").id or 0
        hashes = [add_image(session, png(), "a.png").sha256]
        hashes.append(add_image(session, jpeg(), "b.jpg").sha256)
    recorder = RunRecorder(journal, OllamaService(fake_ollama.url))
    blind = recorder.execute(RunSpec(experiment, "llama3:8b", messages=[user_message("?", hashes)]))
    assert blind.status is RunStatus.FAILED and NO_VISION_ERROR in blind.error
    seen = recorder.execute(RunSpec(experiment, "llava:7b", messages=[user_message("?", hashes)]))
    assert seen.status is RunStatus.DONE and seen.response.startswith("I see 2 images. ")


def test_a_replay_sends_the_very_same_bytes(fake_ollama: FakeOllama, journal: Journal) -> None:
    fake_ollama.add_model(VISION)
    data = png(6, 5, shade=200)
    with journal.write() as session:
        experiment = create_experiment(session, title="look").id or 0
        sha = add_image(session, data, "shot.png").sha256
    service = OllamaService(fake_ollama.url)
    spec = RunSpec(experiment, "llava:7b", messages=[user_message("What colour?", [sha])])
    original = RunRecorder(journal, service).execute(spec)
    assert original.id is not None and original.messages[0]["images"] == [sha]  # the hash
    replayer = Replayer(journal, service)
    replay = replayer.replay(replayer.plan(original.id))
    assert replay.status is RunStatus.DONE and replay.messages == original.messages
    sent = base64.b64encode(data).decode("ascii")
    assert fake_ollama.images_sent() == [sent, sent]
    with journal.read() as session:
        links = session.execute(
            text("SELECT run_id FROM run_image WHERE sha256 = :sha ORDER BY run_id"), {"sha": sha}
        ).all()
    assert [row[0] for row in links] == [original.id, replay.id]


def test_a_check_on_a_target_that_cannot_see_is_refused_before_it_is_saved_or_run(
    fake_ollama: FakeOllama, journal: Journal
) -> None:
    fake_ollama.add_model(VISION)
    with journal.write() as session:
        experiment = create_experiment(session, title="look").id or 0
        sha = add_image(session, png(), "a.png").sha256
    service = OllamaService(fake_ollama.url)
    source = RunRecorder(journal, service).execute(
        RunSpec(experiment, "llava:7b", messages=[user_message("What is it?", [sha])])
    )
    assert source.id is not None
    checker = MigrationChecker(journal, service)
    with pytest.raises(IncapableModelError, match=r"^llama3:8b cannot see images"):
        checker.create("llama3:8b", run_ids=[source.id])
    assert _count(journal, "migration_check") == 0
    # Created while the target's capabilities were unknown, refused when its pass starts.
    blind = fake_ollama.models["llama3:8b"]
    blind.capabilities = []
    check_id = checker.create("llama3:8b", run_ids=[source.id])
    blind.capabilities = ["completion"]
    chats = len(fake_ollama.requests_for("/api/chat"))
    with pytest.raises(IncapableModelError, match=r"^llama3:8b cannot see images"):
        checker.run(check_id)
    assert len(fake_ollama.requests_for("/api/chat")) == chats  # nothing was sent
    with journal.read() as session:
        status = session.execute(
            text("SELECT status FROM migration_check WHERE id = :id"), {"id": check_id}
        ).scalar_one()
    assert _count(journal, "run") == 1 and status == CheckStatus.INTERRUPTED.value


def test_a_batch_that_thinks_on_a_model_that_does_not_is_refused(
    fake_ollama: FakeOllama, journal: Journal
) -> None:
    fake_ollama.add_model(EMBEDDER)
    with journal.write() as session:
        experiment = create_experiment(session, title="capitals").id or 0
    with BatchRunner(journal, OllamaService(fake_ollama.url)) as runner:
        with pytest.raises(IncapableModelError, match=r"^llama3:8b does not think"):
            runner.create(experiment, ["qwen3:0.6b", "llama3:8b"], prompt="hi", think=True)
        with pytest.raises(IncapableModelError, match="is an embedding model; it cannot chat"):
            runner.create(experiment, ["nomic-embed-text:latest"], prompt="hi")
        assert _count(journal, "batch") == 0
        # Created while capabilities were unknown, refused when its pass starts.
        plain = fake_ollama.models["llama3:8b"]
        plain.capabilities = []
        batch_id = runner.create(experiment, ["qwen3:0.6b", "llama3:8b"], prompt="hi", think=True)
        plain.capabilities = ["completion"]
        with pytest.raises(IncapableModelError, match=r"^llama3:8b does not think"):
            runner.run(batch_id)
    assert fake_ollama.requests_for("/api/chat") == []
    assert _count(journal, "run") == 0


def _count(journal: Journal, table: str) -> int:
    with journal.read() as session:
        return int(session.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())


def test_a_check_of_a_follow_up_whose_earlier_turn_shows_an_image_needs_vision(
    fake_ollama: FakeOllama, journal: Journal
) -> None:
    from journal.core.conversations import follow_up

    fake_ollama.add_model(VISION)
    with journal.write() as session:
        experiment = create_experiment(session, title="look, then ask").id or 0
        sha = add_image(session, png(), "a.png").sha256
    service = OllamaService(fake_ollama.url)
    recorder = RunRecorder(journal, service)
    first = recorder.execute(
        RunSpec(experiment, "llava:7b", messages=[user_message("What is it?", [sha])])
    )
    assert first.id is not None
    with journal.read() as session:
        spec = follow_up(session, first.id, "And its colour?")
    second = recorder.execute(spec)  # no image of its own: its history shows one
    assert second.id is not None
    with pytest.raises(IncapableModelError, match=r"^llama3:8b cannot see images"):
        MigrationChecker(journal, service).create("llama3:8b", run_ids=[second.id])
