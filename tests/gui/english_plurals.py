"""The English plural forms in tests that read counted text ("1 run", "3 runs").

A counted string is marked once as "%n run(s)" (issue 15); the app installs the English
translation, whose only job is those forms, at start-up. Tests that build the window
without it install this stand-in, which says what that translation says: "(s)" dropped for
one, "s" for any other count.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, QTranslator
from PySide6.QtWidgets import QApplication


class EnglishPlurals(QTranslator):
    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str:
        if n < 0 or "(s)" not in source:
            return source
        return source.replace("(s)", "" if n == 1 else "s")


@pytest.fixture
def english_plurals(qapp: QApplication) -> Iterator[None]:
    translator = EnglishPlurals()
    QCoreApplication.installTranslator(translator)
    yield
    QCoreApplication.removeTranslator(translator)
