"""The window's language: chosen once at start-up, before the first widget is built.

Qt's own tooling does the work (see README, "Translations"): the journal's compiled
translations ship in journal/gui/translations/, Qt's own (standard buttons, file dialogs)
come with PySide6. The English file only holds plural forms ("1 run", "2 runs"): without it
"%n run(s)" would show as written.
"""

from __future__ import annotations

import string
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from journal.core.errors import JournalError
from journal.core.messages import ByteSize, Message
from journal.gui.translating import size_text, spec_number

translate = QCoreApplication.translate

SYSTEM = "system"
LANGUAGES = ("en", "fr")
# Shown in their own language, untranslated, so a person lost in the other one finds theirs.
LANGUAGE_NAMES = {"en": "English", "fr": "Français"}
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def chosen_language(setting: str, system: QLocale | None = None) -> str:
    """ "en" or "fr": the setting when it names one, else the system locale's language
    when the journal speaks it, else English."""
    if setting in LANGUAGES:
        return setting
    locale = system if system is not None else QLocale.system()
    return "fr" if locale.language() == QLocale.Language.French else "en"


def translation_file(language: str) -> Path:
    return TRANSLATIONS / f"journal_{language}.qm"


def install_language(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Install the journal's and Qt's translators for `language` ("en" or "fr") and make it
    the default locale, so QLocale() formats numbers and dates the same way. Returns the
    installed translators (children of `app`, so they live as long as it does)."""
    chosen = QLocale.Language.French if language == "fr" else QLocale.Language.English
    system = QLocale.system()  # its country's formats, when it speaks the chosen language
    QLocale.setDefault(system if system.language() == chosen else QLocale(chosen))
    installed: list[QTranslator] = []
    files = [translation_file(language)]
    qt_folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    if language != "en":  # Qt's own strings are written in English
        files.append(qt_folder / f"qtbase_{language}.qm")
    for path in files:
        translator = QTranslator(app)
        if path.is_file() and translator.load(str(path)):
            app.installTranslator(translator)
            installed.append(translator)
        else:
            translator.deleteLater()
    return installed


def remove_language(app: QCoreApplication, translators: list[QTranslator]) -> None:
    """Undo install_language (tests switch languages within one application)."""
    for translator in translators:
        app.removeTranslator(translator)
        translator.deleteLater()
    QLocale.setDefault(QLocale.system())


def error_text(error: JournalError) -> str:
    """What the window shows for `error`: the core's message translated when it came as a
    template with parameters (journal.core.messages), else its text as raised."""
    said = error.core_message
    return error.message if said is None else message_text(said)


def message_text(said: Message) -> str:
    """A core message (journal.core.messages) in the window's language, its parameters
    filled in."""
    # The context is "core" for every template: journal/gui/core_messages.py lists them.
    params = {
        name: size_text(value) if isinstance(value, ByteSize) else value
        for name, value in said.filled(message_text).items()
    }
    return _LOCALE_NUMBERS.format(translate("core", said.template), **params)


class _LocaleNumbers(string.Formatter):
    """Fills a template's numbers as the window's locale writes them (a decimal comma in
    French), the template's format spec giving the precision; anything else as Python does."""

    def format_field(self, value: Any, format_spec: str) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return spec_number(value, format_spec)
        return super().format_field(value, format_spec)


_LOCALE_NUMBERS = _LocaleNumbers()
