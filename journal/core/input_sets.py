"""An experiment's input set: an ordered table of cases, one value per variable, and the
expectations each case adds for itself.

A row's expectations come from two optional columns: `expected` (read as `contains:VALUE`)
and `expect` (one or more expectations in the one-line form, one per line). Both are checked
by `expectations.parse_expectation` when the row is saved, so a batch never meets a rule that
cannot grade. Every row of a set names the same variables: a template is filled from a whole
row, and a row missing a name would only fail later, when the batch runs.

Files (CSV and JSON Lines) are read and checked whole before the first write, and every
problem is told as `file:line: reason`.
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

from sqlmodel import Session, col, select

from journal.core.errors import InvalidInputError, NotFoundError
from journal.core.expectations import Expectation, Kind, format_expectation, parse_expectation
from journal.core.models import InputRow, utcnow
from journal.core.queries import get_experiment, renumber_positions, touch_experiment
from journal.core.templates import NAME, NAME_RULE

__all__ = [
    "EXPECTED_COLUMN",
    "EXPECT_COLUMN",
    "InputFileError",
    "RowInput",
    "SavedRow",
    "add_column",
    "add_row",
    "add_rows",
    "check_row",
    "find_row",
    "import_file",
    "list_rows",
    "read_csv",
    "read_input_file",
    "read_jsonl",
    "read_pasted",
    "remove_row",
    "rename_column",
    "reorder_rows",
    "row_from_cells",
    "update_row",
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


def _check_name(name: str) -> None:
    if name in EXPECTATION_COLUMNS:
        raise InvalidInputError(
            f"{name!r} cannot be a variable: it names the row's expectations column."
        )
    if not NAME.fullmatch(name):
        raise InvalidInputError(f"{name!r} cannot be a variable name: {NAME_RULE}.")


def _expectation_line(line: str) -> str:
    """The line checked as saving an expectation checks it, in its one-line form."""
    expectation = parse_expectation(line)
    if expectation.kind is Kind.JSON_SCHEMA and expectation.value.startswith("@"):
        raise InvalidInputError(
            f"Expectation {line!r}: a row's json-schema is written out, not read from a file."
        )
    return format_expectation(expectation)


def check_row(values: Mapping[str, Any], expectations: Iterable[str] = ()) -> RowInput:
    """The row checked (InvalidInputError, one line): valid variable names, text values,
    at least one variable, expectations the journal can grade by."""
    if not values:
        raise InvalidInputError("A row gives at least one variable's value, as NAME=VALUE.")
    checked: dict[str, str] = {}
    for name, value in values.items():
        _check_name(name)
        if not isinstance(value, str):
            raise InvalidInputError(f"The value of {name} must be text.")
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


# -- storing rows ----------------------------------------------------------------------------


def _saved(row: InputRow) -> SavedRow:
    assert row.id is not None
    return SavedRow(
        id=row.id,
        uuid=row.uuid,
        experiment_id=row.experiment_id,
        position=row.position,
        values=dict(row.variables),
        expectations=tuple(row.expectations),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def _rows(session: Session, experiment_id: int) -> list[InputRow]:
    statement = (
        select(InputRow)
        .where(InputRow.experiment_id == experiment_id)
        .order_by(col(InputRow.position))
    )
    return list(session.exec(statement))


def _row(session: Session, row_id: int) -> InputRow:
    row = session.get(InputRow, row_id)
    if row is None:
        raise NotFoundError(f"There is no input row {row_id}.")
    return row


def _same_names(wanted: Sequence[str], row: RowInput, experiment_id: int) -> None:
    if wanted and sorted(wanted) != sorted(row.values):
        raise InvalidInputError(
            f"The rows of experiment {experiment_id} name {', '.join(wanted)}; "
            f"this one names {', '.join(row.values)}: give the same variables."
        )


def list_rows(session: Session, experiment_id: int) -> list[SavedRow]:
    """The experiment's input rows in order."""
    return [_saved(row) for row in _rows(session, experiment_id)]


def find_row(session: Session, experiment_id: int, ref: str) -> SavedRow:
    """The row at position `ref` (`2`), or with uuid `ref`."""
    get_experiment(session, experiment_id)
    rows = list_rows(session, experiment_id)
    wanted = ref.strip()
    if wanted.isascii() and wanted.isdigit():
        position = int(wanted)
        if not rows:
            raise NotFoundError(f"Experiment {experiment_id} has no input rows.")
        if not 1 <= position <= len(rows):
            raise NotFoundError(
                f"Experiment {experiment_id} has input rows 1 to {len(rows)}, not {position}."
            )
        return rows[position - 1]
    for row in rows:
        if row.uuid == wanted:
            return row
    raise NotFoundError(f"Experiment {experiment_id} has no input row {wanted!r}.")


def add_rows(session: Session, experiment_id: int, rows: Sequence[RowInput]) -> list[SavedRow]:
    """Add checked rows at the end of the set, in order; all of them or, if one does not
    fit the set's variables, none."""
    get_experiment(session, experiment_id)
    stored = _rows(session, experiment_id)
    wanted = list(stored[0].variables) if stored else []
    for row in rows:
        _same_names(wanted, row, experiment_id)
        wanted = wanted or list(row.values)
    added: list[InputRow] = []
    for place, row in enumerate(rows, start=len(stored) + 1):
        record = InputRow(
            experiment_id=experiment_id,
            position=place,
            variables=dict(row.values),
            expectations=list(row.expectations),
        )
        session.add(record)
        added.append(record)
    session.flush()
    touch_experiment(session, experiment_id)
    return [_saved(record) for record in added]


def add_row(session: Session, experiment_id: int, row: RowInput) -> SavedRow:
    return add_rows(session, experiment_id, [row])[0]


def update_row(session: Session, row_id: int, row: RowInput) -> SavedRow:
    """Replace a row's values and expectations, keeping its place and uuid. Runs made from
    it keep the values they used (each run holds its own copy)."""
    record = _row(session, row_id)
    others = [other for other in _rows(session, record.experiment_id) if other.id != row_id]
    _same_names(list(others[0].variables) if others else [], row, record.experiment_id)
    record.variables = dict(row.values)
    record.expectations = list(row.expectations)
    record.updated_at = utcnow()
    session.add(record)
    session.flush()
    touch_experiment(session, record.experiment_id)
    return _saved(record)


def remove_row(session: Session, row_id: int) -> None:
    """Remove a row; the rows after it move up. Runs made from it stay as they are."""
    record = _row(session, row_id)
    experiment_id = record.experiment_id
    session.delete(record)
    session.flush()
    renumber_positions(session, "input_row", _rows(session, experiment_id))
    touch_experiment(session, experiment_id)


def reorder_rows(session: Session, experiment_id: int, row_ids: Sequence[int]) -> list[SavedRow]:
    """Put the rows in the order of `row_ids` (every row of the experiment, each once)."""
    rows: dict[int, InputRow] = {}
    for row in _rows(session, experiment_id):
        assert row.id is not None
        rows[row.id] = row
    if sorted(row_ids) != sorted(rows):
        raise InvalidInputError(
            f"A new order lists every input row of experiment {experiment_id} once "
            f"({len(rows)} of them)."
        )
    ordered = [rows[row_id] for row_id in row_ids]
    renumber_positions(session, "input_row", ordered)
    touch_experiment(session, experiment_id)
    return [_saved(row) for row in ordered]


def _columns_of(session: Session, experiment_id: int) -> list[InputRow]:
    get_experiment(session, experiment_id)
    rows = _rows(session, experiment_id)
    if not rows:
        raise InvalidInputError(
            f"Experiment {experiment_id} has no input rows yet: add a row, then more columns."
        )
    return rows


def _rewrite(session: Session, experiment_id: int, rows: Sequence[InputRow]) -> list[SavedRow]:
    now = utcnow()
    for row in rows:
        row.updated_at = now
        session.add(row)
    session.flush()
    touch_experiment(session, experiment_id)
    return [_saved(row) for row in rows]


def add_column(session: Session, experiment_id: int, name: str, value: str = "") -> list[SavedRow]:
    """A new variable for every row of the set, each with `value`. Runs keep the values
    they were made with."""
    _check_name(name)
    rows = _columns_of(session, experiment_id)
    if name in rows[0].variables:
        raise InvalidInputError(f"The inputs already have a column {name}: pick another name.")
    for row in rows:
        row.variables = {**row.variables, name: value}
    return _rewrite(session, experiment_id, rows)


def rename_column(session: Session, experiment_id: int, old: str, new: str) -> list[SavedRow]:
    """Rename a variable in every row of the set, keeping its place; runs made before keep
    the name they were made with."""
    _check_name(new)
    rows = _columns_of(session, experiment_id)
    if old not in rows[0].variables:
        raise InvalidInputError(f"The inputs have no column {old}.")
    if new != old and new in rows[0].variables:
        raise InvalidInputError(f"The inputs already have a column {new}: pick another name.")
    for row in rows:
        row.variables = {
            (new if key == old else key): value for key, value in row.variables.items()
        }
    return _rewrite(session, experiment_id, rows)


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
NEED_HEADER = "Paste a header line first (the variable names), or add a row."


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
            raise InvalidInputError("There is nothing to paste: copy some cells first.")
        if _is_header(parsed[0][1], columns):
            header = _header(parsed[0][1], PASTED, parsed[0][0])
            if len(parsed) == 1:
                raise InvalidInputError("Only a header line was pasted: copy the rows under it.")
            named = f"the header names {len(header)} columns"
            return _table_rows(header, parsed[1:], PASTED, len(header), named)
        variables = [name for name in columns if name not in EXPECTATION_COLUMNS]
        if not variables:
            raise InvalidInputError(NEED_HEADER)
        named = f"the columns are {', '.join(columns)}"
        return _table_rows(columns, parsed, PASTED, len(variables), named)
    except InputFileError as error:
        raise InvalidInputError(f"Line {error.line} of the pasted text: {error.reason}.") from None


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


def import_file(session: Session, experiment_id: int, path: Path) -> list[SavedRow]:
    """Add every row of the file at the end of the experiment's set, or none: the whole
    file is read and checked before the first write."""
    rows = read_input_file(path)
    get_experiment(session, experiment_id)
    try:
        return add_rows(session, experiment_id, rows)
    except InvalidInputError as error:
        raise InputFileError(path, 1, error.message.rstrip(".")) from None
