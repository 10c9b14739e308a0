"""What a person types into a search: words, "phrases", OR, and everything else as text."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from journal.core.domain import ExperimentFilter
from journal.core.queries import create_experiment, list_experiments, search
from journal.core.search_query import match_query
from journal.core.storage import Journal


def _new(journal: Journal, title: str) -> int:
    with journal.write() as session:
        experiment = create_experiment(session, title=title)
        assert experiment.id is not None
        return experiment.id


def _found(journal: Journal, typed: str) -> set[int]:
    with journal.read() as session:
        hits = {hit.experiment_id for hit in search(session, typed)}
        listed = {row.id for row in list_experiments(session, ExperimentFilter(search=typed))}
    assert hits == listed  # the search command and the list's filter read it alike
    return hits


@pytest.fixture
def titles(journal: Journal) -> dict[str, int]:
    return {
        title: _new(journal, title)
        for title in (
            "new york pizza",
            "york new pizza",
            "paris rivers",
            "london rivers",
            "berlin rivers",
            "c++ templates",
            "node.js streams",
        )
    }


def test_words_are_all_needed_in_any_order(journal: Journal, titles: dict[str, int]) -> None:
    assert _found(journal, "pizza york") == {titles["new york pizza"], titles["york new pizza"]}
    assert _found(journal, "pizza tokyo") == set()


def test_a_quoted_phrase_needs_its_words_together_in_order(
    journal: Journal, titles: dict[str, int]
) -> None:
    assert _found(journal, '"new york" pizza') == {titles["new york pizza"]}
    assert _found(journal, '"york pizz"') == set()  # a phrase is exact, never a prefix


def test_or_in_capitals_means_either_of_the_terms_beside_it(
    journal: Journal, titles: dict[str, int]
) -> None:
    assert _found(journal, "rivers paris OR london") == {
        titles["paris rivers"],
        titles["london rivers"],
    }
    assert _found(journal, "paris or london") == set()  # lower case: the word "or"
    assert _found(journal, 'london OR "new york"') == {
        titles["london rivers"],
        titles["new york pizza"],
    }


def test_punctuation_is_text_not_syntax(journal: Journal, titles: dict[str, int]) -> None:
    assert _found(journal, "c++") == {titles["c++ templates"]}
    assert _found(journal, "node.js") == {titles["node.js streams"]}
    assert _found(journal, '(paris) -rivers*^ "') == {titles["paris rivers"]}


@pytest.mark.parametrize(
    ("typed", "query"),
    [
        ("rivers", '"rivers"*'),
        ('"new york" pizza', '"new york" AND "pizza"*'),
        ("a b OR c", '"a" AND ("b" OR "c"*)'),
        ("OR x OR", '"OR" AND "x" AND "OR"*'),
        ('"unbalanced quote', '"unbalanced" AND "quote"*'),
        ("C# node.js a:b", '"C" AND "node js" AND "a b"*'),
        ("-*^ ()", None),
    ],
)
def test_the_query_built_for_typed_text(typed: str, query: str | None) -> None:
    assert match_query(typed) == query


_TYPED = st.text(
    alphabet=st.sampled_from([*'abc OR AND NOT NEAR"()*^-+:.#{}', "é", "字", "🧪", "\t", "\0"]),
    max_size=60,
) | st.text(max_size=60)


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(typed=_TYPED)
def test_anything_typed_only_finds_or_not(journal: Journal, typed: str) -> None:
    with journal.read() as session:
        search(session, typed)
        list_experiments(session, ExperimentFilter(search=typed))


def test_a_long_chain_of_ors_is_still_a_query(journal: Journal) -> None:
    _found(journal, " OR ".join(f"w{index}" for index in range(2000)))
