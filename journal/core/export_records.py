"""A journal table's rows as the export writes them: every column, its JSON columns parsed,
shared by the modules that read what they export (export_markdown, export_checks).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from journal.core.notebook_format import ExportError, load_json


def json_columns(session: Session, table: str) -> frozenset[str]:
    """The columns of `table` that hold JSON, to be parsed in every record read from it."""
    rows = session.execute(text(f"PRAGMA table_info({table})"))
    return frozenset(row[1] for row in rows if str(row[2]).upper() == "JSON")


class RawReader:
    """The session's own sqlite3 connection, in its transaction (the same snapshot): an
    export reads every row of the journal, and SQLAlchemy's statements and rows cost more
    than the queries. Statements bind `:name` parameters, as read_sql's Reader does."""

    def __init__(self, session: Session) -> None:
        raw = session.connection().connection.driver_connection
        if not isinstance(raw, sqlite3.Connection):
            raise TypeError(f"an export reads SQLite, not {type(raw).__name__}")
        self._raw = raw

    def rows(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        found: list[tuple[Any, ...]] = self._raw.execute(sql, params or {}).fetchall()
        return found

    def keyed(
        self, sql: str, params: Mapping[str, Any] | None = None
    ) -> tuple[list[str], list[tuple[Any, ...]]]:
        """The column names, and the rows."""
        cursor = self._raw.execute(sql, params or {})
        found: list[tuple[Any, ...]] = cursor.fetchall()
        return [column[0] for column in cursor.description], found


def id_list(ids: Iterable[int]) -> str:
    """`(1, 2, 3)`, for `IN`: ids are integers, written as such (never text from a row)."""
    return f"({', '.join(str(int(number)) for number in ids)})"


def read_record(
    table: str, keys: list[str], row: Iterable[Any], json_names: frozenset[str]
) -> dict[str, Any]:
    """One row as a record; JSON the journal cannot parse stops the export, which would
    otherwise carry it as a string and import it back as something else."""
    record = dict(zip(keys, row, strict=True))
    for name in json_names:
        value = record.get(name)
        if value is not None:
            try:
                record[name] = load_json(value)
            except ValueError:
                raise ExportError(
                    f"The journal's {table} {record.get('id')} holds damaged JSON in "
                    f"{name}; nothing was written."
                ) from None
    return record


__all__ = ["RawReader", "id_list", "json_columns", "read_record"]
