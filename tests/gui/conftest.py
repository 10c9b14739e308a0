"""The window's tests read English as the app shows it.

Counted texts are marked once ("%n run(s)") and the app installs the English translation,
whose only job is their forms ("1 run", "3 runs"), at start-up (journal.gui.i18n). Tests
build windows without app.py, so the same translation is installed here, once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QTranslator
from PySide6.QtWidgets import QApplication

from journal.gui.i18n import translation_file
from tests.gui.pseudo_translation import pseudo_translation


@pytest.fixture(scope="session", autouse=True)
def english_forms(qapp: QApplication) -> Iterator[None]:
    translator = QTranslator()
    assert translator.load(str(translation_file("en"))), "journal_en.qm is missing"
    qapp.installTranslator(translator)
    yield
    qapp.removeTranslator(translator)


@pytest.fixture
def guillemets() -> Iterator[None]:
    """Every text built in the test comes back as «text»."""
    with pseudo_translation("«", "»"):
        yield
