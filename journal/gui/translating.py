"""Small helps for the window's translated texts (issue 15), shared by its modules.

Counted words ("1 run", "3 runs") read right even when no translator knows the message: the
window writes a count as `translate(context, "%n run(s)", None, n)` and the installed
translator (French, or the English one that only holds plural forms) picks the form; widgets
built without one (tests, a missing .qm file) would show "3 run(s)", which `english_plural`
turns into English, leaving a translator's answer as it came.
"""

from __future__ import annotations


def QT_TRANSLATE_NOOP(context: str, text: str) -> str:  # noqa: N802 - the name lupdate reads
    """Mark `text` for lupdate where it is defined (a module constant, before any translator
    exists); the code translates it where it is shown. PySide6's own returns `object` to
    type checkers, this one `str`."""
    return text


def english_plural(text: str, n: int) -> str:
    """`text` as translate returned it for the count `n`, with any "(s)" left by an
    untranslated source made singular or plural."""
    return text.replace("(s)", "" if n == 1 else "s")


def number(n: int) -> str:
    """`n` as the window's locale writes it ("1,234", "1 234"); with the C locale (no
    language chosen, as in tests) in English digits grouped by commas."""
    from PySide6.QtCore import QLocale

    locale = QLocale()
    return f"{n:,}" if locale.language() == QLocale.Language.C else locale.toString(n)
