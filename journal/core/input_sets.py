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

from collections.abc import Sequence
from pathlib import Path

from sqlmodel import Session, col, select

from journal.core.errors import InvalidInputError, NotFoundError
from journal.core.input_rows import (
    EXPECT_COLUMN,
    EXPECTATION_COLUMNS,
    EXPECTED_COLUMN,
    InputFileError,
    RowInput,
    SavedRow,
    check_name,
    check_row,
    read_csv,
    read_input_file,
    read_jsonl,
    read_pasted,
    row_from_cells,
)
from journal.core.models import InputRow, utcnow
from journal.core.queries import get_experiment, renumber_positions, touch_experiment

__all__ = [
    "EXPECTATION_COLUMNS",
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
    check_name(name)
    rows = _columns_of(session, experiment_id)
    if name in rows[0].variables:
        raise InvalidInputError(f"The inputs already have a column {name}: pick another name.")
    for row in rows:
        row.variables = {**row.variables, name: value}
    return _rewrite(session, experiment_id, rows)


def rename_column(session: Session, experiment_id: int, old: str, new: str) -> list[SavedRow]:
    """Rename a variable in every row of the set, keeping its place; runs made before keep
    the name they were made with."""
    check_name(new)
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


def import_file(session: Session, experiment_id: int, path: Path) -> list[SavedRow]:
    """Add every row of the file at the end of the experiment's set, or none: the whole
    file is read and checked before the first write."""
    rows = read_input_file(path)
    get_experiment(session, experiment_id)
    try:
        return add_rows(session, experiment_id, rows)
    except InvalidInputError as error:
        raise InputFileError(path, 1, error.message.rstrip(".")) from None
