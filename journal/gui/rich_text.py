"""Markdown's HTML as Qt's rich text shows it well: what the answer view and the export
dialog's preview both render (render_markdown's fragment, made fit for QTextDocument)."""

from __future__ import annotations

import re

from PySide6.QtGui import QColor, QPalette

# How far from the base colour towards the text colour the table headers are tinted.
_HEADER_TINT = 0.07


# Qt's rich text knows a subset of HTML and CSS: a <pre> takes no padding and a translucent cell
# background is painted twice (cell, then letters). So code blocks become one-cell tables (which
# do take padding and a background), header cells get a bgcolor, and every tint is an opaque
# mix of the palette's colours. The fragment comes from render_markdown, where every "<" of the
# model's own text is escaped, so each tag matched here is one the renderer wrote.
_CODE_BLOCK_START = re.compile(r"<pre(?: [^>]*)?><code(?: [^>]*)?>")
_CODE_BLOCK_END = "</code></pre>"
_TABLE_START = "<table>"
_HEADER_CELL = re.compile(r"<th(?=[ >])")


def qt_html(fragment: str, header_color: str) -> str:
    """`fragment` (from render_markdown) in the HTML subset that QTextDocument renders well.

    Plain string work, safe on any thread; `header_color` is the table headers' background.
    """
    fragment = _CODE_BLOCK_START.sub(
        '<table class="code" width="100%" cellspacing="0" cellpadding="8"><tr><td><pre>',
        fragment,
    )
    fragment = fragment.replace(_CODE_BLOCK_END, "</pre></td></tr></table>")
    fragment = fragment.replace(
        _TABLE_START, '<table class="grid" cellspacing="0" cellpadding="5" border="1">'
    )
    return _HEADER_CELL.sub(f'<th bgcolor="{header_color}"', fragment)


def qt_style_sheet(palette: QPalette) -> str:
    code = _tint(palette, 0.06)
    rule = _tint(palette, 0.2)
    return (
        f"table.code {{ background-color: {code}; margin-top: 4px; margin-bottom: 8px; }}"
        " table.code pre { margin: 0px; }"
        " table.grid { border-collapse: collapse; border-style: solid;"
        f" border-color: {rule}; margin-top: 4px; margin-bottom: 8px; }}"
        " table.grid td, table.grid th { border-width: 1px; border-style: solid;"
        f" border-color: {rule}; }}"
        f" code {{ background-color: {code}; }}"
        " pre, code { font-family: monospace; }"
        " h1, h2, h3, h4, h5, h6 { margin-top: 12px; margin-bottom: 6px; }"
        " p { margin-top: 0px; margin-bottom: 8px; }"
        " ul, ol { margin-top: 0px; margin-bottom: 8px; }"
    )


def _tint(palette: QPalette, amount: float) -> str:
    """The base colour moved `amount` of the way towards the text colour, as #rrggbb."""
    base = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Base)
    text = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.Text)
    return QColor.fromRgbF(
        base.redF() + (text.redF() - base.redF()) * amount,
        base.greenF() + (text.greenF() - base.greenF()) * amount,
        base.blueF() + (text.blueF() - base.blueF()) * amount,
    ).name()


def header_colour(palette: QPalette) -> str:
    """The table headers' background for qt_html, as #rrggbb: read on the GUI thread, where
    the palette lives, and handed to a render that may run on another."""
    return _tint(palette, _HEADER_TINT)


__all__ = ["header_colour", "qt_html", "qt_style_sheet"]
