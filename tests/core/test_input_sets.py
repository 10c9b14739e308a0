"""An experiment's input set: rows stored in order, checked, read from CSV and JSON Lines
whole before anything is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from journal.core.errors import InvalidInputError
from journal.core.input_sets import (
    InputFileError,
    add_row,
    check_row,
    import_file,
    list_rows,
    read_input_file,
    remove_row,
    reorder_rows,
    row_from_cells,
    update_row,
)
from journal.core.queries import get_run
from journal.core.runner import RunSpec, record_pending
from journal.core.storage import Journal


def _values(journal: Journal, experiment_id: int) -> list[dict[str, str]]:
    with journal.read() as session:
        return [row.values for row in list_rows(session, experiment_id)]


def test_rows_are_added_updated_reordered_and_removed_in_order(
    journal: Journal, experiment_id: int
) -> None:
    with journal.write() as session:
        first = add_row(session, experiment_id, check_row({"city": "Paris"}))
        second = add_row(session, experiment_id, check_row({"city": "Lyon"}, ["contains:L"]))
        third = add_row(session, experiment_id, check_row({"city": "Nice"}))
    assert [first.position, second.position, third.position] == [1, 2, 3]
    assert second.expectations == ("contains:L",)
    with journal.write() as session:
        reorder_rows(session, experiment_id, [third.id, first.id, second.id])
    assert _values(journal, experiment_id) == [
        {"city": "Nice"},
        {"city": "Paris"},
        {"city": "Lyon"},
    ]
    with journal.write() as session:
        update_row(session, first.id, check_row({"city": "Marseille"}))
        remove_row(session, third.id)
    with journal.read() as session:
        rows = list_rows(session, experiment_id)
    assert [(row.position, row.values["city"]) for row in rows] == [(1, "Marseille"), (2, "Lyon")]
    assert rows[0].uuid == first.uuid


def test_editing_a_row_never_rewrites_a_run_made_from_it(
    journal: Journal, experiment_id: int
) -> None:
    template = {"prompt": "say {{word}}", "system": "", "values": {"word": "kiwi"}}
    with journal.write() as session:
        row = add_row(session, experiment_id, check_row({"word": "kiwi"}))
        run = record_pending(
            session, RunSpec(experiment_id, "m", prompt="say kiwi", template=template)
        )
        update_row(session, row.id, check_row({"word": "mango"}))
    with journal.write() as session:
        remove_row(session, row.id)
    with journal.read() as session:
        assert run.id is not None
        assert get_run(session, run.id).template == template


def test_a_row_must_name_the_sets_variables_and_valid_names(
    journal: Journal, experiment_id: int
) -> None:
    with journal.write() as session:
        add_row(session, experiment_id, check_row({"city": "Paris"}))
    with (
        pytest.raises(InvalidInputError, match="name city; this one names town"),
        journal.write() as session,
    ):
        add_row(session, experiment_id, check_row({"town": "Paris"}))
    with pytest.raises(InvalidInputError, match="cannot be a variable name"):
        check_row({"two words": "x"})
    with pytest.raises(InvalidInputError, match="not-a-kind"):
        check_row({"a": "x"}, ["not-a-kind:x"])
    with pytest.raises(InvalidInputError, match="written out"):
        check_row({"a": "x"}, ["json-schema:@schema.json"])


def test_expected_is_contains_and_expect_holds_one_line_forms() -> None:
    row = row_from_cells(
        {"city": "Paris", "expected": "Fr|a`nce\nyes", "expect": "words<=50\n\nnot-icontains:lyon"}
    )
    assert row.values == {"city": "Paris"}
    assert row.expectations == ("contains:Fr|a`nce\\nyes", "words<=50", "not-icontains:lyon")
    with pytest.raises(InvalidInputError, match="words<=x"):
        row_from_cells({"city": "x", "expect": "words<=x"})


def test_a_french_locale_csv_with_bom_and_semicolons(tmp_path: Path) -> None:
    path = tmp_path / "cas.csv"
    content = (
        'ville;pays;expected\r\n"Saint-Étienne";France;"1,5 km"\r\n'
        '"Zürich; la ville";"Suisse\r\n(CH)";Zürich\r\n;;\r\n;;\r\n'
    )
    path.write_bytes(b"\xef\xbb\xbf" + content.encode("utf-8"))
    rows = read_input_file(path)
    assert [row.values for row in rows] == [
        {"ville": "Saint-Étienne", "pays": "France"},
        {"ville": "Zürich; la ville", "pays": "Suisse\r\n(CH)"},
    ]
    assert rows[0].expectations == ("contains:1,5 km",)


def test_an_expected_cell_over_several_lines_is_one_contains(tmp_path: Path) -> None:
    path = tmp_path / "cases.csv"
    path.write_bytes(b'a,expected\r\nx,"two\r\nlines"\r\n')
    (row,) = read_input_file(path)
    assert row.expectations == ("contains:two\\nlines",)


def test_a_comma_csv_without_bom_and_a_1_mb_cell(tmp_path: Path) -> None:
    big = "x|`<b>" * 200_000
    path = tmp_path / "cases.csv"
    path.write_text(f'text,expect\n"{big}",is-json\n', encoding="utf-8")
    (row,) = read_input_file(path)
    assert row.values == {"text": big} and row.expectations == ("is-json",)


@pytest.mark.parametrize(
    ("content", "where"),
    [
        ("a,b\n1,2\n1,2,3\n", ":3: 3 cells where the header names 2 columns"),
        ("a,a\n1,2\n", ":1: the column a is named twice"),
        ("a,b c\n1,2\n", ":1: 'b c' cannot be a variable name"),
        ("a\n1\n\n2\n", ":3: an empty row among the cases"),
        ("a,expect\n1,words<x\n", ":2: "),
        ("expected\nx\n", ":1: the header names no variable"),
        ("a\n", ":1: the header has no rows under it"),
        ("", ":1: the file is empty"),
        ('a\n"open\n', ":2: not valid CSV"),
    ],
)
def test_a_bad_csv_is_refused_with_file_and_line(
    tmp_path: Path, journal: Journal, experiment_id: int, content: str, where: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputFileError) as raised, journal.write() as session:
        import_file(session, experiment_id, path)
    assert raised.value.message.startswith(f"{path}{where}"), raised.value.message
    assert "\n" not in raised.value.message
    assert _values(journal, experiment_id) == []


def test_not_utf8_is_refused_at_its_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes("a\nok\ncaf\xe9\n".encode("latin-1"))
    with pytest.raises(InputFileError, match=r"latin1\.csv:3: this is not UTF-8"):
        read_input_file(path)


def test_json_lines_with_text_and_numbers(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    lines = [
        {"q": "2+2", "n": 4, "expected": "4"},
        {"q": "pipes | `ticks` <i>", "n": 1.50, "expect": ["is-json", "words<=3"]},
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines).replace("1.5", "1.50") + "\n\n")
    rows = read_input_file(path)
    assert [row.values for row in rows] == [
        {"q": "2+2", "n": "4"},
        {"q": "pipes | `ticks` <i>", "n": "1.50"},
    ]
    assert rows[0].expectations == ("contains:4",)
    assert rows[1].expectations == ("is-json", "words<=3")


@pytest.mark.parametrize(
    ("content", "where"),
    [
        ('{"a": "x"}\n{"a": true}\n', ":2: the value of a is true: values are text or numbers"),
        ('{"a": "x"}\n{"b": "x"}\n', ":2: this row names b where line 1 names a"),
        ('{"a": "x"}\n[1]\n', ":2: each line is one JSON object"),
        ('{"a": NaN}\n', ":1: not valid JSON"),
        ('{"a": "x"}\n\n{"a": "y"}\n', ":2: an empty line among the cases"),
        ('{"a b": "x"}\n', ":1: 'a b' cannot be a variable name"),
        ('{"a": "x", "expect": "regex:("}\n', ":1: "),
    ],
)
def test_bad_json_lines_are_refused_with_file_and_line(
    tmp_path: Path, content: str, where: str
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputFileError) as raised:
        read_input_file(path)
    assert raised.value.message.startswith(f"{path}{where}"), raised.value.message
    assert "\n" not in raised.value.message


def test_an_import_that_does_not_fit_the_set_writes_nothing(
    tmp_path: Path, journal: Journal, experiment_id: int
) -> None:
    with journal.write() as session:
        add_row(session, experiment_id, check_row({"city": "Paris"}))
    path = tmp_path / "other.csv"
    path.write_text("town\nLyon\n", encoding="utf-8")
    with (
        pytest.raises(InputFileError, match=r"other\.csv:1: .*name city"),
        journal.write() as session,
    ):
        import_file(session, experiment_id, path)
    assert _values(journal, experiment_id) == [{"city": "Paris"}]
