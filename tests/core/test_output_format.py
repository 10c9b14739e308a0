"""Structured output: a format as a person gives it, its refusals, what an answer is against
it, the expectation it stands for, and a replay sending the recorded format again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from journal.core.errors import InvalidInputError
from journal.core.expectations import Kind, check_expectation
from journal.core.grading import GradeStatus, grade_deterministic
from journal.core.messages import FORMAT_EMPTY, FORMAT_NOT_JSON, message
from journal.core.models import Run, RunStatus
from journal.core.ollama_service import OllamaService
from journal.core.output_format import (
    check_answer,
    expectation_for,
    format_label,
    parse_format,
)
from journal.core.replay import Recorded, ReplayEdits, Replayer, plan_replay
from journal.core.storage import Journal
from tests.fake_ollama import FakeOllama
from tests.past_runs import record_run

PERSON = {
    "type": "object",
    "properties": {"name": {"type": "string"}, "age": {"type": "integer"}},
    "required": ["name", "age"],
}


# -- parsing ----------------------------------------------------------------------------


def test_a_format_is_none_json_a_schema_or_a_schema_file(tmp_path: Path) -> None:
    assert parse_format("") is None
    assert parse_format("  None ") is None
    assert parse_format("json") == "json"
    assert parse_format(json.dumps(PERSON)) == PERSON
    (tmp_path / "person.json").write_text(json.dumps(PERSON, indent=2), encoding="utf-8")
    assert parse_format("@person.json", base_dir=tmp_path) == PERSON
    assert parse_format(f"@{tmp_path / 'person.json'}") == PERSON


@pytest.mark.parametrize(
    ("given", "reason"),
    [
        ("xml", "not one the journal knows: give json, none, a JSON schema"),
        ('{"type": "object",}', r"the schema is not JSON \(Expecting property name"),
        ("[1, 2]", "not one the journal knows"),
        ('{"type": "thing"}', r"not a valid JSON schema: \$.type"),
        ('{"$ref": "https://example.com/s.json"}', "remote references are never fetched"),
        ("@", "needs a file name"),
        ("@missing.json", "Cannot read the format from .*missing.json"),
    ],
)
def test_a_format_the_journal_cannot_use_is_refused_saying_why(
    given: str, reason: str, tmp_path: Path
) -> None:
    with pytest.raises(InvalidInputError, match=reason):
        parse_format(given, base_dir=tmp_path)


def test_a_schema_file_must_hold_an_object(tmp_path: Path) -> None:
    (tmp_path / "list.json").write_text("[1]", encoding="utf-8")
    with pytest.raises(InvalidInputError, match=r"list\.json: a schema is a JSON object"):
        parse_format("@list.json", base_dir=tmp_path)


def test_the_label_is_one_line() -> None:
    assert format_label(None) == "none"
    assert format_label("json") == "json"
    assert format_label(PERSON) == json.dumps(PERSON, separators=(",", ":"))


# -- checking an answer -----------------------------------------------------------------


def test_an_answer_that_matches_the_schema_is_said_to_and_pretty_printed() -> None:
    check = check_answer(PERSON, '{"name": "Ada", "age": 36}')
    assert (check.parsed, check.valid, check.ok) == (True, True, True)
    assert check.summary == "valid JSON, matches the schema"
    assert check.pretty == '{\n  "name": "Ada",\n  "age": 36\n}'


def test_an_answer_that_is_not_json_says_where_it_broke() -> None:
    check = check_answer(PERSON, '{\n  "name": "Ada"\n  "age": 36\n}')
    assert (check.parsed, check.ok) == (False, False)
    assert check.summary == "not JSON: Expecting ',' delimiter at line 3, column 3"
    assert check.pretty.startswith('{\n  "name"')  # shown as it came
    assert check_answer("json", "").summary == "not JSON: the answer is empty"
    said = check_answer("json", "").message  # templates the window says in its language
    assert said.template == FORMAT_NOT_JSON and said.params["reason"] == message(FORMAT_EMPTY)


def test_an_answer_off_the_schema_names_the_first_error_on_one_line() -> None:
    check = check_answer(PERSON, '{"age": 36}')
    assert (check.parsed, check.valid, check.ok) == (True, False, False)
    assert check.summary == "does not match the schema: 'name' is a required property"
    deeper = check_answer(PERSON, '{"name": "Ada", "age": "old"}')
    assert deeper.summary == "does not match the schema: $.age: 'old' is not of type 'integer'"


def test_plain_json_mode_only_needs_json() -> None:
    check = check_answer("json", '[1, 2, {"a": "b"}]')
    assert (check.parsed, check.valid, check.ok) == (True, None, True)
    assert check.summary == "valid JSON"


# -- the expectation it stands for ------------------------------------------------------


def test_the_expectation_for_a_format_grades_like_the_check() -> None:
    assert expectation_for(None) is None
    is_json = expectation_for("json")
    assert is_json is not None and is_json.kind is Kind.IS_JSON
    schema = expectation_for(PERSON)
    assert schema is not None and schema.kind is Kind.JSON_SCHEMA
    assert check_expectation(schema).text == "json-schema:" + format_label(PERSON)
    run = Run(experiment_id=1, model="m", status=RunStatus.DONE, response='{"age": 36}')
    assert grade_deterministic(schema, run).status is GradeStatus.FAIL


# -- replays ----------------------------------------------------------------------------


def _bodies(fake: FakeOllama) -> list[dict[str, Any]]:
    return [request.body for request in fake.requests_for("/api/chat")]


def test_a_replay_sends_the_recorded_format_again_unless_told_otherwise(
    journal: Journal, fake_ollama: FakeOllama, experiment_id: int
) -> None:
    original = record_run(journal, fake_ollama.url, experiment_id, format=PERSON)
    assert original.format == PERSON
    assert check_answer(original.format, original.response).ok  # the fake follows it
    replayer = Replayer(journal, OllamaService(fake_ollama.url))
    again = replayer.replay(replayer.plan(original.id or 0))
    assert again.format == PERSON
    assert _bodies(fake_ollama)[-1]["format"] == PERSON
    as_json = replayer.replay(replayer.plan(original.id or 0, ReplayEdits(format="json")))
    assert as_json.format == "json" and _bodies(fake_ollama)[-1]["format"] == "json"
    dropped = plan_replay(original, ReplayEdits(format=None))
    assert dropped.spec.format is None and "format" in dropped.edited
    assert plan_replay(original, ReplayEdits(format=Recorded.AS_RECORDED)).edited == ()


def test_a_damaged_recorded_format_is_refused_before_sending(experiment_id: int) -> None:
    source = Run(id=3, experiment_id=experiment_id, model="m", format=["json"])
    with pytest.raises(InvalidInputError, match="recorded format"):
        plan_replay(source)


def test_a_migration_check_replays_keep_the_format(
    journal: Journal, fake_ollama: FakeOllama, experiment_id: int
) -> None:
    from journal.core.migration_check import MigrationChecker, item_runs

    original = record_run(journal, fake_ollama.url, experiment_id, format=PERSON)
    checker = MigrationChecker(journal, OllamaService(fake_ollama.url))
    check_id = checker.create("qwen3:0.6b", run_ids=[original.id or 0])
    checker.run(check_id)
    assert _bodies(fake_ollama)[-1]["format"] == PERSON
    with journal.read() as session:
        new = item_runs(session, check_id, 1)[1]
    assert new is not None and new.format == PERSON
    assert check_answer(new.format, new.response).ok
