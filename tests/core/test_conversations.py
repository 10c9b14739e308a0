"""Conversations against the fake Ollama: the history a turn is sent, branches, follow-up
defaults, the context warning, a turn replayed with its history, a whole conversation
regenerated, and a migration check of a conversation."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from journal.core.cancel import CancelToken
from journal.core.conversation_replay import regenerate_all
from journal.core.conversations import (
    OLLAMA_DEFAULT_NUM_CTX,
    chain,
    check_context,
    context_estimate,
    conversation_tree,
    follow_up,
    forest,
    history,
    tip,
)
from journal.core.errors import InvalidInputError
from journal.core.migration_check import MigrationChecker, check_items, get_check
from journal.core.models import Run, RunStatus
from journal.core.ollama_service import ModelShow, OllamaService
from journal.core.queries import get_run, runs_of
from journal.core.replay import QueueEvents, ReplayEdits, Replayer, plan_replay
from journal.core.runner import RunRecorder, RunSpec
from journal.core.storage import Journal
from tests.fake_ollama import FakeModel, FakeOllama
from tests.past_runs import add_past_run

TARGET = "newmodel:1b"


def _user_turns(messages: list[dict[str, Any]]) -> int:
    return sum(1 for message in messages if message.get("role") == "user")


def _counting_reply(messages: list[dict[str, Any]], options: dict[str, Any]) -> str:
    """An answer that depends on the whole history the fake was sent."""
    return f"answer {_user_turns(messages)} after {len(messages) - 1} messages"


@pytest.fixture
def ollama(fake_ollama: FakeOllama) -> OllamaService:
    fake_ollama.add_model(FakeModel(TARGET, family="new", reply=_counting_reply))
    return OllamaService(fake_ollama.url)


def _chat_bodies(fake: FakeOllama) -> list[dict[str, Any]]:
    return [request.body for request in fake.requests_for("/api/chat")]


def _turn(journal: Journal, experiment_id: int, prompt: str, **fields: Any) -> int:
    with journal.write() as session:
        return add_past_run(session, experiment_id, prompt, **fields)


def _conversation(journal: Journal, ollama: OllamaService, experiment_id: int) -> list[Run]:
    """Three turns on the fake's llama3:8b, each a follow-up of the one before."""
    recorder = RunRecorder(journal, ollama)
    first = recorder.execute(
        RunSpec(experiment_id, "llama3:8b", prompt="Name a river.", system_prompt="Be brief.")
    )
    runs = [first]
    for prompt in ("How long is it?", "And its source?"):
        with journal.read() as session:
            spec = follow_up(session, runs[-1].id or 0, prompt)
        runs.append(recorder.execute(spec))
    assert all(run.status is RunStatus.DONE for run in runs)
    return runs


@contextmanager
def _counted(journal: Journal) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(*args: Any) -> None:
        if not str(args[2]).startswith("BEGIN"):
            statements.append(str(args[2]))

    event.listen(journal.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(journal.engine, "before_cursor_execute", count)


# -- history and the tree ---------------------------------------------------------------


def test_history_holds_each_turn_and_its_answer_partial_ones_as_written_never_thinking(
    journal: Journal, experiment_id: int
) -> None:
    root = _turn(journal, experiment_id, "Q1", response="A1", thinking="hmm 1")
    cut = _turn(
        journal,
        experiment_id,
        "Q2",
        response="half an ans",
        thinking="hmm 2",
        status=RunStatus.CANCELLED,
        parent_id=root,
    )
    last = _turn(journal, experiment_id, "Q3", parent_id=cut)
    with journal.read() as session:
        sent = history(session, get_run(session, last))
        assert history(session, root) == []
        assert [run.id for run in chain(session, last)] == [root, cut, last]
    assert sent == [
        {"role": "user", "content": "Q1"},
        {"role": "assistant", "content": "A1"},
        {"role": "user", "content": "Q2"},
        {"role": "assistant", "content": "half an ans"},
    ]
    assert "hmm" not in repr(sent)


def test_a_fifty_turn_chain_is_read_in_a_few_queries(journal: Journal, experiment_id: int) -> None:
    parent: int | None = None
    for number in range(1, 51):
        parent = _turn(
            journal, experiment_id, f"Q{number}", response=f"A{number}", parent_id=parent
        )
    assert parent is not None
    with journal.read() as session, _counted(journal) as statements:
        sent = history(session, parent)
        turns = chain(session, parent)
        tree = conversation_tree(session, parent)
    assert len(turns) == 50 and len(sent) == 98
    assert sent[-1] == {"role": "assistant", "content": "A49"}
    assert [node.turn for node in tree.walk()][-1] == 50
    assert len(statements) <= 7, statements  # 2 + 2 + 3, whatever the depth


def test_continuing_an_earlier_turn_makes_a_branch_and_the_tree_shows_it(
    journal: Journal, experiment_id: int
) -> None:
    root = _turn(journal, experiment_id, "Q1")
    first = _turn(journal, experiment_id, "Q2", parent_id=root)
    deeper = _turn(journal, experiment_id, "Q3", parent_id=first)
    branch = _turn(journal, experiment_id, "Q2 again", parent_id=root)
    alone = _turn(journal, experiment_id, "unrelated")
    with journal.read() as session:
        tree = conversation_tree(session, deeper)
        assert tip(session, root).id == branch  # the newest branch
        assert tip(session, first).id == deeper
        trees = forest(runs_of(session, experiment_id))
    labels = [node.label() for node in tree.walk()]
    assert labels == [
        f"turn 1 (run {root})",
        f"turn 2 (run {first}, branch 1 of 2 from run {root})",
        f"turn 3 (run {deeper}, follows run {first})",
        f"turn 2 (run {branch}, branch 2 of 2 from run {root})",
    ]
    assert [run.id for run in tree.tips()] == [deeper, branch]
    assert [node.run_id for node in trees] == [root, alone]


# -- following up -----------------------------------------------------------------------


def test_a_follow_up_inherits_the_parents_request_and_sends_the_history(
    journal: Journal, ollama: OllamaService, fake_ollama: FakeOllama, experiment_id: int
) -> None:
    root = _turn(
        journal,
        experiment_id,
        "Q1",
        response="A1",
        system_prompt="Be brief.",
        options={"temperature": 0.1, "seed": 7},
        keep_alive="3m",
        format="json",
    )
    with journal.read() as session:
        spec = follow_up(session, root, "Q2", options={"seed": None, "top_k": 5})
        other = follow_up(
            session, root, "Q2", model="qwen3:8b", system_prompt="", keep_alive=None, format=None
        )
    assert (spec.model, spec.system_prompt, spec.keep_alive, spec.format) == (
        "llama3:8b",
        "Be brief.",
        "3m",
        "json",
    )
    assert spec.options == {"temperature": 0.1, "top_k": 5}
    assert spec.parent_id == root and spec.experiment_id == experiment_id
    assert (other.model, other.system_prompt, other.keep_alive, other.format) == (
        "qwen3:8b",
        "",
        None,
        None,
    )
    run = RunRecorder(journal, ollama).execute(spec)
    assert run.parent_id == root and run.messages == [{"role": "user", "content": "Q2"}]
    body = _chat_bodies(fake_ollama)[-1]
    assert body["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Q1"},
        {"role": "assistant", "content": "A1"},
        {"role": "user", "content": "Q2"},
    ]


def test_a_follow_up_of_a_turn_still_answering_or_an_empty_one_is_refused(
    journal: Journal, experiment_id: int
) -> None:
    streaming = _turn(journal, experiment_id, "Q1", status=RunStatus.STREAMING)
    done = _turn(journal, experiment_id, "Q1")
    with journal.read() as session:
        with pytest.raises(InvalidInputError, match=f"Run {streaming} is still answering"):
            follow_up(session, streaming, "Q2")
        with pytest.raises(InvalidInputError, match="follow-up is empty"):
            follow_up(session, done, "  ")
        with pytest.raises(InvalidInputError):
            follow_up(session, done, "Q2", options={"temperature": "hot"})


# -- the context ------------------------------------------------------------------------


def test_the_context_warning_uses_the_measured_tokens_and_the_models_limit(
    journal: Journal, ollama: OllamaService, experiment_id: int
) -> None:
    root = _turn(journal, experiment_id, "Q1", response="A1", prompt_eval_count=3800, eval_count=90)
    with journal.read() as session:
        parent = get_run(session, root)
        spec = follow_up(session, root, "x" * 40)
    near = check_context(ollama, spec, parent)  # llama3:8b: 8192 in model_info, 4096 used
    assert (near.tokens, near.limit) == (3900, OLLAMA_DEFAULT_NUM_CTX)
    warning = near.warning()
    assert warning is not None
    assert warning.startswith("This conversation is about 3,900 of 4,096 tokens")
    assert "drops the oldest turns silently" in warning
    roomy = RunSpec(experiment_id, "llama3:8b", options={"num_ctx": 8192})
    assert context_estimate(roomy, parent).warning() is None
    # No counts recorded: characters / 4 of the history and the turn.
    spec.history = [{"role": "user", "content": "y" * 4000}]
    assert context_estimate(spec).tokens == 1000 + 10
    small = ModelShow("tiny", model_info={"tiny.context_length": 2048})
    assert context_estimate(spec, None, small).limit == 2048
    own = ModelShow("own", parameters="num_ctx 16384")
    assert context_estimate(spec, None, own).limit == 16384


# -- replays ----------------------------------------------------------------------------


def test_replaying_a_turn_sends_the_recorded_history_as_a_sibling_branch(
    journal: Journal, ollama: OllamaService, fake_ollama: FakeOllama, experiment_id: int
) -> None:
    runs = _conversation(journal, ollama, experiment_id)
    sent_then = _chat_bodies(fake_ollama)[-1]
    replayer = Replayer(journal, ollama)
    plan = replayer.plan(runs[-1].id or 0)
    replay = replayer.replay(plan)
    assert replay.parent_id == runs[1].id and replay.replay_of_id == runs[2].id
    assert replay.messages == runs[2].messages
    assert _chat_bodies(fake_ollama)[-1]["messages"] == sent_then["messages"]
    with pytest.raises(InvalidInputError, match="needs the conversation before it"):
        plan_replay(runs[-1])


def test_regenerate_all_sends_each_turn_with_the_new_answers_as_a_new_branch(
    journal: Journal, ollama: OllamaService, fake_ollama: FakeOllama, experiment_id: int
) -> None:
    runs = _conversation(journal, ollama, experiment_id)
    before = len(_chat_bodies(fake_ollama))
    seen: list[tuple[int, int]] = []
    new = regenerate_all(
        Replayer(journal, ollama),
        runs[-1].id or 0,
        ReplayEdits(model=TARGET),
        progress=lambda index, total, run: seen.append((index, total)),
        events=QueueEvents(),
    )
    assert seen == [(1, 3), (2, 3), (3, 3)]
    assert [run.replay_of_id for run in new] == [run.id for run in runs]
    assert [run.parent_id for run in new] == [None, new[0].id, new[1].id]
    assert [run.response for run in new] == [
        "answer 1 after 1 messages",
        "answer 2 after 3 messages",
        "answer 3 after 5 messages",
    ]
    last = _chat_bodies(fake_ollama)[before:][-1]["messages"]
    assert [m["content"] for m in last if m["role"] == "assistant"] == [
        new[0].response,
        new[1].response,
    ]
    assert last[0] == {"role": "system", "content": "Be brief."}
    with pytest.raises(InvalidInputError, match="no conversation to regenerate"):
        regenerate_all(Replayer(journal, ollama), runs[0].id or 0)


def test_regenerate_all_cancelled_keeps_what_ran_and_sends_nothing_more(
    journal: Journal, ollama: OllamaService, fake_ollama: FakeOllama, experiment_id: int
) -> None:
    runs = _conversation(journal, ollama, experiment_id)
    cancel = CancelToken()
    new = regenerate_all(
        Replayer(journal, ollama),
        runs[-1].id or 0,
        progress=lambda index, total, run: cancel.cancel("enough"),
        cancel=cancel,
    )
    assert len(new) == 1 and new[0].status is RunStatus.DONE


def test_a_check_replays_the_last_turn_with_history_or_regenerates_every_turn(
    journal: Journal, ollama: OllamaService, fake_ollama: FakeOllama, experiment_id: int
) -> None:
    runs = _conversation(journal, ollama, experiment_id)
    with MigrationChecker(journal, ollama) as checker:
        plain = checker.create(TARGET, run_ids=[runs[-1].id or 0])
        checker.run(plain)
        with journal.read() as session:
            (item,) = check_items(session, plain)
            replay = get_run(session, item.new_run_id or 0)
        # The recorded history (two turns) before this turn.
        assert replay.response == "answer 3 after 5 messages"
        assert replay.parent_id == runs[1].id

        again = checker.create(TARGET, run_ids=[runs[-1].id or 0], regenerate=True)
        checker.run(again)
        with journal.read() as session:
            view = get_check(session, again)
            (item,) = check_items(session, again)
            last = get_run(session, item.new_run_id or 0)
            turns = chain(session, last.id or 0)
    assert view.source_filter == {"run_ids": [runs[-1].id], "regenerate": True}
    assert "regenerate" not in view.name
    assert [turn.replay_of_id for turn in turns] == [run.id for run in runs]
    assert [turn.model for turn in turns] == [TARGET] * 3
    assert turns[1].response == "answer 2 after 3 messages"
    assert last.response == "answer 3 after 5 messages"
