"""Expectations, how their grades combine, and grades in the Markdown export (format 3): read
like a notebook, carried exactly, checked before an import writes anything."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from journal.core.expectations import parse_expectation
from journal.core.export_markdown import Layout, export_to_path
from journal.core.grades import (
    add_expectation,
    current_grades,
    get_combine_rule,
    list_expectations,
    record_grade,
    remove_expectation,
    run_outcome,
    set_combine_rule,
)
from journal.core.grading import CombineRule, GradeResult, GradeStatus, grade_deterministic
from journal.core.import_markdown import import_markdown
from journal.core.notebook_format import ImportFormatError, dump_record
from journal.core.queries import get_run
from journal.core.storage import Journal
from tests.core.test_export_import import populate, snapshot
from tests.markdown_readers import markdown_it_problems

JUDGE_REASON = "judge llama3:8b: <script>alert(1)</script> lists [two](javascript:x) rivers"
GRADER = {"model": "llama3:8b", "digest": "abc", "prompt": "<b>grade</b>", "raw": "{}"}


def graded(journal: Journal) -> dict[str, int]:
    """populate()'s journal, with expectations and a weighted rule on the rivers experiment
    and its first run graded: a pass, a fail graded twice, an unsure judge, and a grade of
    an expectation removed since."""
    ids = populate(journal)
    rivers, first = ids["rivers"], ids["first"]
    with journal.write() as session:
        rhine = add_expectation(
            session, rivers, parse_expectation("contains:Rhine", name="names the Rhine")
        )
        lines = add_expectation(session, rivers, parse_expectation("lines==3"))
        judge = add_expectation(
            session, rivers, parse_expectation("judge:lists three real rivers", weight=2)
        )
        gone = add_expectation(session, rivers, parse_expectation("not-contains:Nile"))
        set_combine_rule(session, rivers, CombineRule.parse("score>=0.7"))
        run = get_run(session, first)
        record_grade(session, first, rhine, grade_deterministic(rhine.expectation, run))
        record_grade(session, first, lines, GradeResult(GradeStatus.ERROR, "an older try"))
        record_grade(session, first, lines, grade_deterministic(lines.expectation, run))
        record_grade(
            session, first, judge, GradeResult(GradeStatus.UNSURE, JUDGE_REASON, 0.5, GRADER)
        )
        record_grade(session, first, gone, grade_deterministic(gone.expectation, run))
        remove_expectation(session, gone.id)
        ids.update(rhine=rhine.id, lines=lines.id, judge=judge.id)
    return ids


def _rows(journal: Journal, sql: str) -> list[tuple[Any, ...]]:
    conn = sqlite3.connect(journal.path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def _counts(journal: Journal) -> tuple[int, ...]:
    return tuple(
        _rows(journal, f"SELECT count(*) FROM {table}")[0][0]
        for table in ("experiment", "run", "expectation", "experiment_grading", "grade")
    )


@pytest.fixture
def ids(journal: Journal) -> dict[str, int]:
    return graded(journal)


@pytest.fixture
def other(tmp_path: Path) -> Any:
    with Journal.open(tmp_path / "other.sqlite") as opened:
        yield opened


# -- reading like a notebook --------------------------------------------------------------


def test_expectations_and_grades_read_like_a_notebook(
    journal: Journal, ids: dict[str, int], tmp_path: Path
) -> None:
    export_to_path(journal, tmp_path / "export.md")
    text = (tmp_path / "export.md").read_text(encoding="utf-8")
    assert (
        "\n### Expectations\n\n"
        "- contains:Rhine · named names the Rhine\n"
        "- lines==3\n"
        "- judge:lists three real rivers · weight 2\n\n"
        "*A run passes with a weighted score of 0.7 or more.*\n\n"
        "### Conclusion\n"
    ) in text
    run = text[text.index(f"### Run {ids['first']} ·") : text.index(f"### Run {ids['replay']} ·")]
    grades = run[run.index("#### Grades") : run.index("#### Verdict")]
    assert grades == (
        "#### Grades\n\n"
        "- **pass** · contains:Rhine · `contains 'Rhine'`\n"
        "- **fail** · lines==3 · `1 line, expected ==3`\n"
        f"- **unsure** · judge:lists three real rivers · `{JUDGE_REASON}`\n\n"
        "*2 other grades (earlier, or of an expectation since removed) in the metadata.*\n\n"
    )
    markers = re.findall(r"^<!-- llm-journal:(\w+) ", text, re.M)
    assert markers.count("expectation") == 3 and markers.count("grade") == 5
    assert text.endswith(
        '<!-- llm-journal:end {"expectations": 3, "experiments": 3, "grades": 5, "runs": 3} -->\n'
    )
    record = json.loads(
        text[text.index("{", text.index("llm-journal:experiment")) :].split(" -->")[0]
    )
    assert record["grading"]["threshold"] == 0.7
    # A judge's reason is a model's text: it shows, and nothing in it is live.
    assert not markdown_it_problems(text, own_links=frozenset(), blocks=3 + 3 + 3 + 5 + 1 + 3 + 1)


def test_an_experiment_with_only_a_rule_says_how_runs_pass(
    journal: Journal, tmp_path: Path
) -> None:
    ids = populate(journal)
    with journal.write() as session:
        set_combine_rule(session, ids["tricky"], CombineRule.parse("score>=0.5"))
    export_to_path(journal, tmp_path / "export.md")
    text = (tmp_path / "export.md").read_text(encoding="utf-8")
    assert "### Expectations\n\n*A run passes with a weighted score of 0.5 or more.*\n" in text
    assert text.count("### Expectations") == 1  # none for experiments without either
    assert text.endswith('<!-- llm-journal:end {"experiments": 3, "runs": 3} -->\n')


# -- the round trip ------------------------------------------------------------------------


def test_a_restore_gives_back_expectations_rules_and_grades_byte_for_byte(
    journal: Journal, ids: dict[str, int], other: Journal, tmp_path: Path
) -> None:
    export_to_path(journal, tmp_path / "export.md")
    result = import_markdown(other, tmp_path / "export.md")
    assert (result.new_expectations, result.new_grades) == (3, 5)
    assert result.summary().endswith("; 3 new expectations and 5 new grades.")
    assert snapshot(other.path) == snapshot(journal.path)
    export_to_path(other, tmp_path / "again.md")
    assert (tmp_path / "again.md").read_bytes() == (tmp_path / "export.md").read_bytes()
    with other.read() as session:
        shown = [grade.label for grade in current_grades(session, ids["first"])]
        outcome = run_outcome(session, ids["first"])
        assert get_combine_rule(session, ids["rivers"]).threshold == 0.7
    assert shown == ["names the Rhine", "lines==3", "judge:lists three real rivers"]
    assert outcome.summary == "1 of 3 pass (1 unsure)"


def test_a_folder_export_carries_them_too(
    journal: Journal, ids: dict[str, int], other: Journal, tmp_path: Path
) -> None:
    folder = tmp_path / "export"
    export_to_path(journal, folder, layout=Layout.FOLDER)
    page = (folder / "0001-rivers-that-cross-borders.md").read_text(encoding="utf-8")
    assert page.endswith('<!-- llm-journal:end {"expectations": 3, "grades": 5, "runs": 2} -->\n')
    index = (folder / "index.md").read_text(encoding="utf-8")
    assert '"expectations": 3' in index.splitlines()[-1]
    import_markdown(other, folder)
    assert snapshot(other.path) == snapshot(journal.path)
    again = import_markdown(other, folder)
    assert (again.new_expectations, again.new_grades) == (0, 0)
    assert _counts(other) == (3, 3, 3, 1, 5)


def test_a_merge_adds_new_expectations_after_the_journals_own_and_keeps_its_rule(
    journal: Journal, ids: dict[str, int], other: Journal, tmp_path: Path
) -> None:
    rivers, first = ids["rivers"], ids["first"]
    export_to_path(journal, tmp_path / "first.md")
    import_markdown(other, tmp_path / "first.md")
    with other.write() as session:  # the other journal goes its own way
        add_expectation(session, rivers, parse_expectation("words<=10"))
        set_combine_rule(session, rivers, CombineRule())
    with journal.write() as session:  # and so does this one
        mekong = add_expectation(session, rivers, parse_expectation("icontains:mekong"))
        add_expectation(session, rivers, parse_expectation("starts-with:Rhine"))
        set_combine_rule(session, rivers, CombineRule.parse("score>=0.9"))
        run = get_run(session, first)
        record_grade(session, first, mekong, grade_deterministic(mekong.expectation, run))
    export_to_path(journal, tmp_path / "second.md")
    result = import_markdown(other, tmp_path / "second.md")
    assert (result.new_experiments, result.new_runs) == (0, 0)
    assert (result.new_expectations, result.new_grades) == (2, 1)
    with other.read() as session:
        texts = [(saved.position, saved.text) for saved in list_expectations(session, rivers)]
        assert get_combine_rule(session, rivers).threshold is None  # its own, kept
        labels = [grade.label for grade in current_grades(session, first)]
    assert texts == [
        (1, "contains:Rhine"),
        (2, "lines==3"),
        (3, "judge:lists three real rivers"),
        (4, "words<=10"),
        (5, "icontains:mekong"),
        (6, "starts-with:Rhine"),
    ]
    assert labels == [
        "names the Rhine",
        "lines==3",
        "judge:lists three real rivers",
        "icontains:mekong",
    ]


def test_a_new_experiment_into_a_journal_with_entries_gets_its_rule_and_new_ids(
    journal: Journal, ids: dict[str, int], other: Journal, tmp_path: Path
) -> None:
    graded(other)  # a journal of its own: the same titles, other uuids
    export_to_path(journal, tmp_path / "export.md")
    result = import_markdown(other, tmp_path / "export.md")
    assert not result.kept_ids and (result.new_expectations, result.new_grades) == (3, 5)
    rules = _rows(other, "SELECT experiment_id, threshold FROM experiment_grading ORDER BY 1")
    assert rules == [(ids["rivers"], 0.7), (ids["rivers"] + 3, 0.7)]
    source = snapshot(journal.path)
    merged = snapshot(other.path)
    assert all(merged[uuid] == value for uuid, value in source.items())


# -- checked before anything is written ----------------------------------------------------

_BLOCK = re.compile(r"<!-- llm-journal:(\w+) (\{.*?\}) -->", re.DOTALL)


def _edit(text: str, kind: str, index: int, change: Callable[[dict[str, Any]], None]) -> str:
    """The export with the `index`-th record of `kind` changed, written as the exporter does."""
    blocks = [match for match in _BLOCK.finditer(text) if match.group(1) == kind]
    match = blocks[index]
    record = json.loads(match.group(2))
    change(record)
    return text[: match.start(2)] + dump_record(record) + text[match.end(2) :]


def _set(**values: Any) -> Callable[[dict[str, Any]], None]:
    return lambda record: record.update(values)


def _line(text: str, kind: str, index: int) -> int:
    starts = [m.start() for m in _BLOCK.finditer(text) if m.group(1) == kind]
    return text[: starts[index]].count("\n") + 1


def _uuid_of(text: str, kind: str, index: int) -> str:
    blocks = [m for m in _BLOCK.finditer(text) if m.group(1) == kind]
    return str(json.loads(blocks[index].group(2))["uuid"])


DAMAGES: dict[str, tuple[Callable[[str], str], str, int, str]] = {
    "bad regex": (
        lambda t: _edit(t, "expectation", 1, _set(kind="regex", value="(")),
        "expectation",
        1,
        "Expectation 'regex:(': not a valid regex",
    ),
    "unknown kind": (
        lambda t: _edit(t, "expectation", 0, _set(kind="colour")),
        "expectation",
        0,
        'expectation kind "colour" is not one this version of LLM Journal knows',
    ),
    "negated two": (
        lambda t: _edit(t, "expectation", 0, _set(negated=2)),
        "expectation",
        0,
        "expectation field 'negated' must be 0 or 1, not 2",
    ),
    "weight zero": (
        lambda t: _edit(t, "expectation", 2, _set(weight=0)),
        "expectation",
        2,
        "Expectation 'judge:lists three real rivers': the weight is a number above 0",
    ),
    "schema from a file": (
        lambda t: _edit(t, "expectation", 0, _set(kind="json-schema", value="@/etc/x.json")),
        "expectation",
        0,
        "expectation json-schema names a file",
    ),
    "remote schema": (
        lambda t: _edit(
            t,
            "expectation",
            0,
            _set(kind="json-schema", value='{"$ref": "https://example.com/s.json"}'),
        ),
        "expectation",
        0,
        "Expectation 'names the Rhine': $ref 'https://example.com/s.json' points outside",
    ),
    "gap in positions": (
        lambda t: _edit(t, "expectation", 1, _set(position=3)),
        "expectation",
        1,
        "expectation position 3 where 2 was expected",
    ),
    "moved expectation": (
        lambda t: _edit(t, "expectation", 0, _set(experiment_id=2)),
        "expectation",
        0,
        "this expectation belongs to experiment 2 but sits under experiment 1",
    ),
    "duplicate expectation uuid": (
        lambda t: _edit(t, "expectation", 1, _set(uuid=_uuid_of(t, "expectation", 0))),
        "expectation",
        1,
        "expectation uuid ",
    ),
    "bad threshold": (
        lambda t: _edit(t, "experiment", 0, lambda r: r["grading"].update(threshold=1.5)),
        "experiment",
        0,
        "experiment grading: A score threshold is above 0, up to 1",
    ),
    "grading not an object": (
        lambda t: _edit(t, "experiment", 0, _set(grading=0.7)),
        "experiment",
        0,
        "experiment grading must be null or an object with threshold and updated_at",
    ),
    "bad status": (
        lambda t: _edit(t, "grade", 0, _set(status="great")),
        "grade",
        0,
        'grade status "great" is not pass, fail, unsure or error',
    ),
    "score above one": (
        lambda t: _edit(t, "grade", 3, _set(score=1.5)),
        "grade",
        3,
        "grade score must be from 0 to 1, or null, not 1.5",
    ),
    "text score": (
        lambda t: _edit(t, "grade", 3, _set(score="high")),
        "grade",
        3,
        "grade field 'score' must be a number",
    ),
    "grade of another run": (
        lambda t: _edit(t, "grade", 0, _set(run_id=2)),
        "grade",
        0,
        "this grade belongs to run 2 but sits under run 1",
    ),
    "grade of an expectation not there": (
        lambda t: _edit(t, "grade", 0, _set(expectation_id=99)),
        "grade",
        0,
        "this grade is about expectation 99, which is not one of experiment 1's",
    ),
    "grade naming the wrong uuid": (
        lambda t: _edit(t, "grade", 0, _set(expectation_uuid=_uuid_of(t, "expectation", 1))),
        "grade",
        0,
        "this grade's expectation_uuid is not the uuid of expectation 1",
    ),
    "grade removed": (
        lambda t: t.replace(
            t[
                t.index("<!-- llm-journal:grade") : t.index(
                    "-->", t.index("<!-- llm-journal:grade")
                )
                + 4
            ],
            "",
            1,
        ),
        "end",
        0,
        "the end marker counts",
    ),
}


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_a_damaged_expectation_rule_or_grade_is_refused_and_nothing_imported(
    journal: Journal, ids: dict[str, int], other: Journal, tmp_path: Path, damage: str
) -> None:
    change, kind, index, reason = DAMAGES[damage]
    export_to_path(journal, tmp_path / "export.md")
    damaged = change((tmp_path / "export.md").read_text(encoding="utf-8"))
    path = tmp_path / "damaged.md"
    path.write_text(damaged, encoding="utf-8")
    with pytest.raises(ImportFormatError) as refused:
        import_markdown(other, path)
    assert refused.value.reason.startswith(reason), refused.value.reason
    assert refused.value.line == _line(damaged, kind, index)
    assert _counts(other) == (0, 0, 0, 0, 0)
