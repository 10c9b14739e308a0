"""Experiments, runs, filters, paging and the full-text index staying in sync."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal.core.domain import ExperimentFilter
from journal.core.errors import InvalidInputError, NotFoundError
from journal.core.models import Run, RunStatus, Verdict, utcnow
from journal.core.queries import (
    all_tags,
    count_experiments,
    create_experiment,
    delete_experiment,
    experiment_detail,
    list_experiments,
    normalise_tags,
    search,
    set_verdict,
    update_experiment,
)
from journal.core.search_query import match_query
from journal.core.storage import Journal
from tests.past_runs import add_past_run


def _new(journal: Journal, **fields: object) -> int:
    with journal.write() as session:
        experiment = create_experiment(session, **fields)  # type: ignore[arg-type]
        assert experiment.id is not None
        return experiment.id


def test_tags_are_trimmed_and_deduplicated() -> None:
    assert normalise_tags(" json ,  json, long   form ,,") == ["json", "long form"]


def test_update_touches_updated_at_and_rejects_unknown_fields(journal: Journal) -> None:
    eid = _new(journal, title="t")
    with journal.write() as session:
        before = experiment_detail(session, eid).experiment.updated_at
        updated = update_experiment(session, eid, conclusion="it works", tags="a, b")
    assert updated.updated_at > before
    assert updated.tags == ["a", "b"]
    with journal.write() as session, pytest.raises(InvalidInputError):
        update_experiment(session, eid, uuid="nope")


def test_missing_records_say_which_id(journal: Journal) -> None:
    with journal.read() as session, pytest.raises(NotFoundError, match="experiment 42"):
        experiment_detail(session, 42)
    with journal.write() as session, pytest.raises(NotFoundError, match="run 7"):
        set_verdict(session, 7, Verdict.WORKED)


def test_list_is_newest_first_with_last_run_summary(journal: Journal) -> None:
    first = _new(journal, title="first")
    second = _new(journal, title="second")
    with journal.write() as session:
        add_past_run(session, first, verdict=Verdict.FAILED)
        add_past_run(session, first, verdict=Verdict.WORKED, model="qwen3:0.6b")
    with journal.read() as session:
        rows = list_experiments(session)
    assert [row.id for row in rows] == [second, first]
    assert rows[1].run_count == 2
    assert rows[1].last_model == "qwen3:0.6b"
    assert rows[1].last_verdict == "worked"
    assert rows[0].last_model is None


def test_keyset_paging_walks_everything_once(journal: Journal) -> None:
    ids = [_new(journal, title=f"e{n}") for n in range(25)]
    seen: list[int] = []
    before = None
    with journal.read() as session:
        while page := list_experiments(session, limit=10, before_id=before):
            seen += [row.id for row in page]
            before = page[-1].id
    assert seen == sorted(ids, reverse=True)


def test_filters_narrow_the_list(journal: Journal) -> None:
    haiku = _new(journal, title="haiku", tags=["poetry"])
    json_task = _new(journal, title="json", tags=["json", "format"])
    with journal.write() as session:
        add_past_run(session, haiku, verdict=Verdict.WORKED)
        add_past_run(session, haiku, verdict=Verdict.FAILED, model="qwen3:0.6b")
        add_past_run(
            session,
            json_task,
            verdict=Verdict.WORKED,
            model="qwen3:0.6b",
            response="a zebra answer",
        )

    def ids(**kwargs: object) -> list[int]:
        with journal.read() as session:
            return [row.id for row in list_experiments(session, ExperimentFilter(**kwargs))]  # type: ignore[arg-type]

    assert ids(model="llama3:8b") == [haiku]
    assert ids(model="qwen3:0.6b") == [json_task, haiku]
    # model and verdict must hold for the same run
    assert ids(model="qwen3:0.6b", verdict=Verdict.WORKED) == [json_task]
    assert ids(model="llama3:8b", verdict=Verdict.FAILED) == []
    assert ids(tag="format") == [json_task]
    assert ids(search="zebra") == [json_task]
    assert ids(since=utcnow() + timedelta(days=1)) == []
    assert ids(until=utcnow() + timedelta(days=1)) == [json_task, haiku]
    with journal.read() as session:
        assert count_experiments(session, ExperimentFilter(model="qwen3:0.6b")) == 2
        assert all_tags(session) == ["format", "json", "poetry"]


def test_model_filter_treats_bare_name_as_latest(journal: Journal) -> None:
    eid = _new(journal, title="x")
    with journal.write() as session:
        add_past_run(session, eid, model="llama3:latest")
    with journal.read() as session:
        assert [r.id for r in list_experiments(session, ExperimentFilter(model="llama3"))] == [eid]


def test_search_index_follows_every_write_and_delete(journal: Journal) -> None:
    eid = _new(journal, title="Platypus facts", hypothesis="mammals lay eggs")

    def found(word: str) -> list[int]:
        with journal.read() as session:
            return [hit.experiment_id for hit in search(session, word)]

    assert found("platypus") == [eid]
    assert found("eggs") == [eid]
    with journal.write() as session:
        update_experiment(session, eid, title="Echidna facts", conclusion="spiny")
    assert found("platypus") == []
    assert found("echidna") == [eid]
    assert found("spiny") == [eid]
    with journal.write() as session:
        run_id = add_past_run(
            session,
            eid,
            "describe the quoll",
            model="m",
            system_prompt="be terse",
            response="A marsupial",
            thinking="hmm carnivore",
        )
    for word in ("terse", "quoll", "marsupial", "carnivore"):
        assert found(word) == [eid], word
    with journal.write() as session:
        run = session.get(Run, run_id)
        assert run is not None
        run.response = "A dasyurid"
        session.add(run)
    assert found("marsupial") == []
    assert found("dasyurid") == [eid]
    with journal.write() as session:
        set_verdict(session, run_id, Verdict.PARTLY, "missed the spots")
    assert found("spots") == [eid]
    with journal.write() as session:
        session.delete(session.get(Run, run_id))
    assert found("dasyurid") == []
    assert found("echidna") == [eid]
    with journal.write() as session:
        delete_experiment(session, eid)
    assert found("echidna") == []


def test_search_snippets_mark_the_match_and_newest_come_first(journal: Journal) -> None:
    older = _new(journal, title="older", hypothesis="the word banana appears")
    newer = _new(journal, title="newer", hypothesis="banana again")
    with journal.read() as session:
        hits = search(session, "banana", marks=("<b>", "</b>"))
    assert [hit.experiment_id for hit in hits] == [newer, older]
    assert "<b>banana</b>" in hits[0].snippet


def test_search_matches_prefix_and_ignores_accents(journal: Journal) -> None:
    eid = _new(journal, title="Crème brûlée recipe")
    with journal.read() as session:
        assert [h.experiment_id for h in search(session, "creme brul")] == [eid]


@pytest.mark.parametrize(
    "typed", ['"', "AND", "a OR", "*", "NEAR(", "foo-bar", "x:y", "(((", "🧪", "   "]
)
def test_odd_search_text_never_breaks(journal: Journal, typed: str) -> None:
    _new(journal, title="foo bar x y AND")
    with journal.read() as session:
        search(session, typed)
        list_experiments(session, ExperimentFilter(search=typed))


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=40))
def test_any_search_text_is_a_valid_query(journal: Journal, typed: str) -> None:
    query = match_query(typed)
    with journal.read() as session:
        search(session, typed)
    assert query is None or query.startswith(('"', "("))


def test_deleting_an_experiment_deletes_its_runs_and_keeps_replay_links_safe(
    journal: Journal,
) -> None:
    one = _new(journal, title="one")
    two = _new(journal, title="two")
    with journal.write() as session:
        original = add_past_run(session, one, model="m")
        replay = add_past_run(session, two, model="m", replay_of_id=original)
    with journal.write() as session:
        delete_experiment(session, one)
    with journal.read() as session:
        assert session.get(Run, original) is None
        kept = session.get(Run, replay)
        assert kept is not None
        assert kept.replay_of_id is None


def test_run_defaults_are_pending_and_unrated(journal: Journal) -> None:
    eid = _new(journal)
    with journal.write() as session:
        added = Run(experiment_id=eid, model="m")
        session.add(added)
        session.flush()
        rid = added.id
    with journal.read() as session:
        run = session.get(Run, rid)
        assert run is not None
        assert run.status is RunStatus.PENDING
        assert run.verdict is None
        assert len(run.uuid) == 36
