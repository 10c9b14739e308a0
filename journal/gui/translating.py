"""Small helps for the window's translated texts (issue 15), shared by its modules.

Counted words ("1 run", "3 runs") are written once as `translate(context, "%n run(s)", None,
n)`: the installed translator (French, or the English one that only holds plural forms, see
journal.gui.i18n) picks the form.
"""

from __future__ import annotations


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate reads
    """Mark `text` for lupdate where it is defined (a module constant, before any translator
    exists); the code translates it where it is shown. PySide6's own returns `object` to
    type checkers, this one `str`."""
    return text


def number(n: int) -> str:
    """`n` as the window's locale writes it ("1,234", "1 234"); with the C locale (no
    language chosen, as in tests) in English digits grouped by commas."""
    from PySide6.QtCore import QLocale

    locale = QLocale()
    return f"{n:,}" if locale.language() == QLocale.Language.C else locale.toString(n)
