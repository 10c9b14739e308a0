"""A journal table's rows as the export writes them: every column, its JSON columns parsed,
shared by the modules that read what they export (export_markdown, export_checks).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import text
from sqlmodel import Session

from journal.core.notebook_format import ExportError, load_json


def json_columns(session: Session, table: str) -> frozenset[str]:
    """The columns of `table` that hold JSON, to be parsed in every record read from it."""
    rows = session.execute(text(f"PRAGMA table_info({table})"))
    return frozenset(row[1] for row in rows if str(row[2]).upper() == "JSON")


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


__all__ = ["json_columns", "read_record"]
