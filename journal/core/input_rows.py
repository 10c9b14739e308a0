"""An input set's rows before they are stored: the variables and expectations of a case,
checked, and read from a spreadsheet's pasted cells or a CSV / JSON Lines file.

Free of the ORM, so the window can check what a person types or pastes without loading the
database layer before it shows (journal.core.input_sets stores the rows).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from journal.core import messages
from journal.core.errors import InvalidInputError
from journal.core.expectations import Expectation, Kind, format_expectation, parse_expectation
from journal.core.messages import NAME_RULE
from journal.core.templates import NAME

__all__ = [
    "EXPECTATION_COLUMNS",
    "EXPECTED_COLUMN",
    "EXPECT_COLUMN",
    "InputFileError",
    "RowInput",
    "SavedRow",
    "check_name",
    "check_row",
    "read_csv",
    "read_input_file",
    "read_jsonl",
    "read_pasted",
    "row_from_cells",
]

EXPECTED_COLUMN = "expected"  # one text the answer must contain
EXPECT_COLUMN = "expect"  # expectations in the one-line form, one per line
EXPECTATION_COLUMNS = (EXPECTED_COLUMN, EXPECT_COLUMN)
MAX_FILE_BYTES = 64 * 2**20


class InputFileError(InvalidInputError):
    """An input file the journal refuses, as `file:line: reason`; nothing was written."""

    def __init__(self, path: Path | str, line: int, reason: str) -> None:
        self.path = str(path)
        self.line = line
        self.reason = reason
        super().__init__(f"{path}:{line}: {reason}")


@dataclass(frozen=True)
class RowInput:
    """A row as given, checked: its values by variable name (in column order) and its
    expectations' one-line forms."""

    values: dict[str, str]
    expectations: tuple[str, ...] = ()


@dataclass(frozen=True)
class SavedRow:
    """A row as stored, in its place (1-based) in its experiment's input set."""

    id: int
    uuid: str
    experiment_id: int
    position: int
    values: dict[str, str]
    expectations: tuple[str, ...]
    created_at: datetime
    updated_at: datetime


# -- checking one row ------------------------------------------------------------------------


def check_name(name: str) -> None:
    if name in EXPECTATION_COLUMNS:
        raise InvalidInputError(messages.message(messages.ROW_NAME_IS_EXPECTATIONS, name=name))
    if not NAME.fullmatch(name):
        raise InvalidInputError(messages.message(messages.ROW_BAD_NAME, name=name))


def _expectation_line(line: str) -> str:
    """The line checked as saving an expectation checks it, in its one-line form."""
    expectation = parse_expectation(line)
    if expectation.kind is Kind.JSON_SCHEMA and expectation.value.startswith("@"):
        raise InvalidInputError(messages.message(messages.ROW_SCHEMA_FILE, line=line))
    return format_expectation(expectation)


def check_row(values: Mapping[str, Any], expectations: Iterable[str] = ()) -> RowInput:
    """The row checked (InvalidInputError, one line): valid variable names, text values,
    at least one variable, expectations the journal can grade by."""
    if not values:
        raise InvalidInputError(messages.message(messages.ROW_NO_VALUES))
    checked: dict[str, str] = {}
    for name, value in values.items():
        check_name(name)
        if not isinstance(value, str):
            raise InvalidInputError(messages.message(messages.ROW_VALUE_NOT_TEXT, name=name))
        checked[name] = value
    return RowInput(checked, tuple(_expectation_line(line) for line in expectations))


def _expect_lines(cell: str) -> list[str]:
    return [line for line in cell.splitlines() if line.strip()]


def row_from_cells(cells: Mapping[str, str], expect: Iterable[str] = ()) -> RowInput:
    """A table row (column name -> cell) as a checked row: `expected` becomes
    `contains:VALUE`, `expect` one expectation per line; an empty cell adds none. `expect`
    adds more expectation lines (the command line's --expect)."""
    values: dict[str, str] = {}
    lines: list[str] = []
    for name, cell in cells.items():
        if name == EXPECTED_COLUMN:
            if cell:  # one kind of line ending: the one-line form writes only \n
                text = cell.replace("\r\n", "\n").replace("\r", "\n")
                lines.append(format_expectation(Expectation(Kind.CONTAINS, text)))
        elif name == EXPECT_COLUMN:
            lines.extend(_expect_lines(cell))
        else:
            values[name] = cell
    return check_row(values, [*lines, *expect])


# -- reading files ---------------------------------------------------------------------------


def _decode(data: bytes, shown: str) -> str:
    """UTF-8, with or without a byte order mark."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise InputFileError(
            shown, line, "this is not UTF-8 text; save the file as UTF-8"
        ) from None


def _header(names: Sequence[str], shown: str, line: int) -> list[str]:
    header = [name.strip() for name in names]
    seen: set[str] = set()
    for name in header:
        if not name:
            raise InputFileError(shown, line, "a column has no name: the first row names them")
        if name in seen:
            raise InputFileError(shown, line, f"the column {name} is named twice")
        seen.add(name)
        if name not in EXPECTATION_COLUMNS and not NAME.fullmatch(name):
            raise InputFileError(shown, line, f"{name!r} cannot be a variable name: {NAME_RULE}")
    if all(name in EXPECTATION_COLUMNS for name in header):
        raise InputFileError(shown, line, "the header names no variable, only expectations")
    return header


def _delimiter(first_line: str) -> str:
    """`;` as spreadsheets in French (and other comma-decimal) locales write CSV, else `,`.
    The header holds only names, which hold neither, so counting them there is safe."""
    return ";" if first_line.count(";") > first_line.count(",") else ","


def _cell_row(cells: Mapping[str, str], shown: str, line: int) -> RowInput:
    try:
        return row_from_cells(cells)
    except InvalidInputError as error:
        raise InputFileError(shown, line, error.message.rstrip(".")) from None


def _table_lines(content: str, delimiter: str, shown: str) -> list[tuple[int, list[str]]]:
    """Each row of a delimited text with the line it starts on (a quoted cell may hold line
    breaks); empty rows at the end are dropped."""
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter, strict=True)
    previous_limit = csv.field_size_limit()
    csv.field_size_limit(MAX_FILE_BYTES)
    try:
        parsed: list[tuple[int, list[str]]] = []
        start = 1
        try:
            for cells in reader:
                parsed.append((start, cells))
                start = reader.line_num + 1
        except csv.Error as exc:
            raise InputFileError(shown, reader.line_num or 1, f"not valid CSV: {exc}") from None
    finally:
        csv.field_size_limit(previous_limit)
    while parsed and not any(cell.strip() for cell in parsed[-1][1]):
        parsed.pop()
    return parsed


def _table_rows(
    columns: Sequence[str],
    lines: Sequence[tuple[int, list[str]]],
    shown: str,
    least: int,
    named: str,
) -> list[RowInput]:
    """The rows under `columns` (which `named` describes), each with `least` cells to one
    for every column (the ones left out at the end are empty); an empty row is refused."""
    rows: list[RowInput] = []
    for line, cells in lines:
        if not any(cell.strip() for cell in cells):
            raise InputFileError(shown, line, "an empty row among the cases; remove it")
        if not least <= len(cells) <= len(columns):
            raise InputFileError(shown, line, f"{len(cells)} cells where {named}")
        by_name = dict.fromkeys(columns, "") | dict(zip(columns, cells, strict=False))
        rows.append(_cell_row(by_name, shown, line))
    return rows


def read_csv(content: str, shown: str) -> list[RowInput]:
    """Rows of a CSV text (comma or semicolon separated, the first row naming the columns);
    empty rows at the end are ignored, an empty row among the cases is refused."""
    first_line = content.split("\n", 1)[0]
    parsed = _table_lines(content, _delimiter(first_line), shown)
    if not parsed:
        raise InputFileError(shown, 1, "the file is empty: the first row names the variables")
    header = _header(parsed[0][1], shown, parsed[0][0])
    if len(parsed) == 1:
        raise InputFileError(shown, parsed[0][0], "the header has no rows under it")
    named = f"the header names {len(header)} columns"
    return _table_rows(header, parsed[1:], shown, len(header), named)


PASTED = "the pasted text"


def _is_header(cells: Sequence[str], columns: Sequence[str]) -> bool:
    """Whether a pasted line names the columns (in any order, the expectation columns
    optional); with no columns yet, whether it could name them."""
    names = [cell.strip() for cell in cells]
    variables = [name for name in columns if name not in EXPECTATION_COLUMNS]
    if variables:
        given = [name for name in names if name not in EXPECTATION_COLUMNS]
        return len(set(names)) == len(names) and sorted(given) == sorted(variables)
    try:
        _header(names, PASTED, 1)
    except InputFileError:
        return False
    return True


def read_pasted(text: str, columns: Sequence[str]) -> list[RowInput]:
    """Rows copied from a spreadsheet: tab-separated cells, lines ending in \\n or \\r\\n,
    a cell holding a line break or a quote in double quotes (as Excel, LibreOffice and Google
    Sheets copy them). A first line naming the columns is a header and cells go by name;
    otherwise they fill `columns` in order, and may leave out the expectation columns at the
    end. Every row is checked before any is returned (InvalidInputError, one line)."""
    try:
        parsed = _table_lines(text, "\t", PASTED)
        if not parsed:
            raise InvalidInputError(messages.message(messages.PASTE_NOTHING))
        if _is_header(parsed[0][1], columns):
            header = _header(parsed[0][1], PASTED, parsed[0][0])
            if len(parsed) == 1:
                raise InvalidInputError(messages.message(messages.PASTE_ONLY_HEADER))
            named = f"the header names {len(header)} columns"
            return _table_rows(header, parsed[1:], PASTED, len(header), named)
        variables = [name for name in columns if name not in EXPECTATION_COLUMNS]
        if not variables:
            raise InvalidInputError(messages.message(messages.PASTE_NEED_HEADER))
        named = f"the columns are {', '.join(columns)}"
        return _table_rows(columns, parsed, PASTED, len(variables), named)
    except InputFileError as error:
        raise InvalidInputError(
            messages.message(messages.PASTE_BAD_LINE, line=error.line, reason=error.reason)
        ) from None


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number a value can hold")


def _json_cell(name: str, value: Any, shown: str, line: int) -> str:
    if (
        name == EXPECT_COLUMN
        and isinstance(value, list)
        and all(isinstance(item, str) for item in value)
    ):
        return "\n".join(value)
    if isinstance(value, str):
        return value
    what = "null" if value is None else json.dumps(value)[:40]
    raise InputFileError(shown, line, f"the value of {name} is {what}: values are text or numbers")


def read_jsonl(content: str, shown: str) -> list[RowInput]:
    """Rows of JSON Lines: one object per line, values text or numbers (kept as written:
    `1.50` stays `1.50`); blank lines at the end are ignored. Every row names the same
    variables as the first."""
    lines = content.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    if not lines:
        raise InputFileError(shown, 1, "the file is empty: one JSON object per line")
    rows: list[RowInput] = []
    names: list[str] | None = None
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            raise InputFileError(shown, number, "an empty line among the cases; remove it")
        try:
            record = json.loads(
                raw, parse_float=str, parse_int=str, parse_constant=_refuse_constant
            )
        except ValueError as exc:
            raise InputFileError(shown, number, f"not valid JSON: {exc}") from None
        if not isinstance(record, dict):
            raise InputFileError(shown, number, "each line is one JSON object")
        for name in record:
            if name not in EXPECTATION_COLUMNS and not NAME.fullmatch(name):
                raise InputFileError(
                    shown, number, f"{name!r} cannot be a variable name: {NAME_RULE}"
                )
        cells = {name: _json_cell(name, value, shown, number) for name, value in record.items()}
        row = _cell_row(cells, shown, number)
        if names is None:
            names = list(row.values)
        elif sorted(names) != sorted(row.values):
            raise InputFileError(
                shown,
                number,
                f"this row names {', '.join(row.values)} where line 1 names {', '.join(names)}",
            )
        rows.append(row)
    return rows


def read_input_file(path: Path) -> list[RowInput]:
    """Every row of a CSV or JSON Lines file (by its suffix: .jsonl, .ndjson, .json are JSON
    Lines), checked whole: InputFileError names the first problem."""
    shown = str(path)
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputFileError(shown, 1, f"the file is over {MAX_FILE_BYTES // 2**20} MB")
        data = path.read_bytes()
    except OSError as exc:
        raise InvalidInputError(f"Cannot read {path}: {exc.strerror or exc}.") from None
    content = _decode(data, shown)
    if path.suffix.lower() in (".jsonl", ".ndjson", ".json"):
        return read_jsonl(content, shown)
    return read_csv(content, shown)
