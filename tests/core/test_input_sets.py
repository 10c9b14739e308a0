"""An experiment's input set: rows stored in order, checked, read from CSV and JSON Lines
whole before anything is written."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from journal.core.errors import InvalidInputError
from journal.core.input_sets import (
    InputFileError,
    add_column,
    add_row,
    check_row,
    import_file,
    list_rows,
    read_input_file,
    read_pasted,
    remove_row,
    rename_column,
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


# -- pasted from a spreadsheet, and whole columns ------------------------------------------


def test_pasted_cells_fill_the_columns_in_order_or_by_a_header_line() -> None:
    plain = read_pasted("Paris\tFrance\r\nRome\tItaly\r\n", ["city", "country"])
    assert [row.values for row in plain] == [
        {"city": "Paris", "country": "France"},
        {"city": "Rome", "country": "Italy"},
    ]
    named = read_pasted("country\tcity\texpected\nFrance\tParis\tSeine\n", ["city", "country"])
    assert named[0].values == {"country": "France", "city": "Paris"}
    assert named[0].expectations == ("contains:Seine",)
    # A spreadsheet quotes a cell holding a line break or a quote; the expect column may be
    # left out at the end of a line.
    quoted = read_pasted('Paris\t"contains:Seine\ncontains:""Louvre"""\nRome\n', ["city", "expect"])
    assert [row.expectations for row in quoted] == [
        ("contains:Seine", 'contains:"Louvre"'),
        (),
    ]


def test_pasted_text_is_checked_whole_and_needs_columns() -> None:
    with pytest.raises(InvalidInputError, match="Paste a header line first"):
        read_pasted("Paris\tFrance!\n", [])
    with pytest.raises(InvalidInputError, match="Line 2 of the pasted text: 1 cells where"):
        read_pasted("Paris\tFrance\nRome\n", ["city", "country"])
    with pytest.raises(InvalidInputError, match=r"Line 2 of the pasted text: .*not-a-kind"):
        read_pasted("city\texpect\nParis\tnot-a-kind:x\n", [])
    with pytest.raises(InvalidInputError, match="nothing to paste"):
        read_pasted("\n\n", ["city"])
    rows = read_pasted("city\tcountry\nParis\tFrance\n", [])
    assert rows[0].values == {"city": "Paris", "country": "France"}


def test_columns_are_added_and_renamed_in_every_row_but_not_in_runs(
    journal: Journal, experiment_id: int
) -> None:
    template = {"prompt": "say {{word}}", "system": "", "values": {"word": "kiwi"}}
    with journal.write() as session:
        add_row(session, experiment_id, check_row({"word": "kiwi"}))
        add_row(session, experiment_id, check_row({"word": "fig"}, ["contains:f"]))
        run = record_pending(
            session, RunSpec(experiment_id, "m", prompt="say kiwi", template=template)
        )
        add_column(session, experiment_id, "tone", "calm")
        rename_column(session, experiment_id, "word", "fruit")
    assert _values(journal, experiment_id) == [
        {"fruit": "kiwi", "tone": "calm"},
        {"fruit": "fig", "tone": "calm"},
    ]
    with journal.read() as session:
        assert list(list_rows(session, experiment_id)[0].values) == ["fruit", "tone"]
        assert list_rows(session, experiment_id)[1].expectations == ("contains:f",)
        assert run.id is not None
        assert get_run(session, run.id).template == template


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s, e: add_column(s, e, "tone"), "already have a column tone"),
        (lambda s, e: add_column(s, e, "2nd"), "cannot be a variable name"),
        (lambda s, e: add_column(s, e, "expect"), "cannot be a variable"),
        (lambda s, e: rename_column(s, e, "word", "tone"), "already have a column tone"),
        (lambda s, e: rename_column(s, e, "word", "a b"), "cannot be a variable name"),
        (lambda s, e: rename_column(s, e, "nope", "x"), "no column nope"),
    ],
)
def test_a_column_clash_or_bad_name_is_refused_and_nothing_changes(
    journal: Journal, experiment_id: int, change: object, message: str
) -> None:
    with journal.write() as session:
        add_row(session, experiment_id, check_row({"word": "kiwi", "tone": "calm"}))
    with pytest.raises(InvalidInputError, match=message), journal.write() as session:
        change(session, experiment_id)  # type: ignore[operator]
    assert _values(journal, experiment_id) == [{"word": "kiwi", "tone": "calm"}]


def test_a_column_needs_a_row_to_go_in(journal: Journal, experiment_id: int) -> None:
    with pytest.raises(InvalidInputError, match="no input rows yet"), journal.write() as s:
        add_column(s, experiment_id, "tone")
