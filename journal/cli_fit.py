"""A table that fits the terminal: text measured in columns as a terminal draws it, cut
with an ellipsis between characters, never through one.

`len` counts characters, but a CJK character or an emoji takes two columns and a
combining accent none, so a table padded with `ljust` goes crooked and one cut by
slicing can overflow the line. `journal matrix` uses this to fit its many model columns.
"""

from __future__ import annotations

import os
import shutil
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

ELLIPSIS = "…"
GAP = "  "
WIDEST_LABEL = 24  # a column header longer than this is cut when fitting
NARROWEST_LAST = 12  # the last column (a title) keeps at least this when fitting


def char_width(char: str) -> int:
    """Columns a terminal gives `char`: 2 for wide (CJK, emoji), 0 for combining marks."""
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def text_width(text: str) -> int:
    return sum(char_width(char) for char in text)


def clip(text: str, width: int) -> str:
    """`text` in at most `width` columns, ending in `…` when cut."""
    if text_width(text) <= width:
        return text
    room = width - 1  # the ellipsis takes one
    kept: list[str] = []
    for char in text:
        room -= char_width(char)
        if room < 0:
            break
        kept.append(char)
    return "".join(kept) + ELLIPSIS if width > 0 else ""


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - text_width(text))


def fitting_width(*, wide: bool) -> int | None:
    """The columns to fit into, or None for the whole table: with --wide, and when the
    output is piped without COLUMNS set (a script or a file gets every column, as before)."""
    if wide or not (sys.stdout.isatty() or "COLUMNS" in os.environ):
        return None
    return shutil.get_terminal_size().columns


@dataclass(frozen=True)
class FittedTable:
    lines: list[str]
    hidden: int  # middle columns left out to fit, from the right


def fit_table(rows: Sequence[Sequence[str]], width: int | None) -> FittedTable:
    """Lay out `rows` (the first one the header) with two spaces between columns. With a
    `width`, headers are cut to WIDEST_LABEL (never narrower than their cells), middle
    columns left out from the right until the row fits, and the last column cut to what
    is left. The first and last columns always stay."""
    count = len(rows[0])
    widths = [max(text_width(row[i]) for row in rows) for i in range(count)]
    hidden = 0
    if width is not None:
        for i in range(1, count - 1):
            widest_cell = max((text_width(row[i]) for row in rows[1:]), default=0)
            widths[i] = max(widest_cell, min(widths[i], WIDEST_LABEL))
        last = min(widths[-1], NARROWEST_LAST)
        used = widths[0]
        shown = 0
        for column in widths[1:-1]:
            if used + len(GAP) + column + len(GAP) + last > width:
                break
            used += len(GAP) + column
            shown += 1
        hidden = count - 2 - shown
        widths = [*widths[: 1 + shown], max(1, width - used - len(GAP))]
    lines = []
    for row in rows:
        cells = [*row[: len(widths) - 1], row[-1]]
        shown_cells = [
            pad(clip(cell, size), size) for cell, size in zip(cells, widths, strict=True)
        ]
        lines.append(GAP.join(shown_cells).rstrip())
    return FittedTable(lines, hidden)
