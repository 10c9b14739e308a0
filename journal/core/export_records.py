"""A journal table's rows as the export writes them: every column, its JSON columns parsed,
shared by the modules that read what they export (export_markdown, export_checks).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from journal.core.notebook_format import ExportError, load_json

if TYPE_CHECKING:  # the ORM is imported only by a caller that has a session already
    from sqlmodel import Session


class RawReader:
    """What an export reads through: a sqlite3 connection inside one read transaction (one
    snapshot), as plain tuples. An export reads every row of the journal, and SQLAlchemy's
    import, statements and rows cost more than the queries; `journal export` reads without
    importing it at all (reading.ReadJournal). Statements bind `:name` parameters, as
    read_sql's Reader does."""

    def __init__(
        self, connection: sqlite3.Connection, session: Callable[[], Session] | None = None
    ) -> None:
        self._raw = connection
        self._session_of = session
        self._session: Session | None = None

    @classmethod
    def of_session(cls, session: Session | RawReader) -> RawReader:
        """The session's own connection, in its transaction (the same snapshot)."""
        if isinstance(session, RawReader):
            return session
        raw = session.connection().connection.driver_connection
        if not isinstance(raw, sqlite3.Connection):
            raise TypeError(f"an export reads SQLite, not {type(raw).__name__}")
        return cls(raw, lambda: session)

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

    def session(self) -> Session:
        """An ORM session on the same connection and transaction, for the one read that
        only the ORM's modules make (a migration check's grades: check_triage); made on
        first use, so an export of a journal without checks never imports SQLAlchemy."""
        if self._session is None:
            self._session = (self._session_of or _session_over(self._raw))()
        return self._session

    def close(self) -> None:
        """Close a session `session()` made (one the caller handed in stays open)."""
        if self._session is not None and self._session_of is None:
            self._session.close()
        self._session = None


def _session_over(connection: sqlite3.Connection) -> Callable[[], Session]:
    """A session factory on `connection` itself: the statements run in its transaction,
    and returning the connection neither rolls back (which would end the snapshot) nor
    closes it (its owner does)."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import StaticPool
    from sqlmodel import Session

    engine = create_engine(
        "sqlite://", creator=lambda: connection, poolclass=StaticPool, pool_reset_on_return=None
    )
    return lambda: Session(engine)


def json_columns(reader: RawReader, table: str) -> frozenset[str]:
    """The columns of `table` that hold JSON, to be parsed in every record read from it."""
    rows = reader.rows(f"PRAGMA table_info({table})")
    return frozenset(row[1] for row in rows if str(row[2]).upper() == "JSON")


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
