"""The window speaks the chosen language: French labels, Qt's own buttons in French, the
core's messages translated, plural forms, numbers in the locale's format; and nothing a
person sees in the Settings dialog escapes translation (pseudo-translation)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, QSettings, QTranslator
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QGroupBox, QLabel
from pytestqt.qtbot import QtBot

from journal.core.errors import InvalidInputError, OllamaTimeoutError, OllamaUnreachableError
from journal.core.expectations import parse_expectation
from journal.core.input_rows import check_row
from journal.core.ollama_service import OllamaService
from journal.gui.i18n import (
    chosen_language,
    error_text,
    install_language,
    remove_language,
    translation_file,
)
from journal.gui.settings_dialog import OPTIONS_PLACEHOLDER, SettingsDialog
from journal.gui.settings_store import SettingsStore
from tests.gui.pseudo_translation import is_marked, pseudo_translation, unmarked_texts
from tests.i18n_script import i18n_script

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> SettingsStore:
    monkeypatch.setenv("JOURNAL_CONFIG", str(tmp_path / "settings.toml"))
    return SettingsStore(QSettings(str(tmp_path / "window.ini"), QSettings.Format.IniFormat))


@pytest.fixture
def french(qapp: QApplication, store: SettingsStore) -> Iterator[None]:
    """The window started with "Français" chosen in Settings."""
    store.set_language("fr")
    translators = install_language(qapp, chosen_language(store.language()))
    yield
    remove_language(qapp, translators)


def _dialog(qtbot: QtBot, store: SettingsStore, db_path: Path) -> SettingsDialog:
    dialog = SettingsDialog(store, str(db_path), lambda host: OllamaService(host).version())
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_the_language_follows_the_setting_then_the_system() -> None:
    assert chosen_language("fr", QLocale(QLocale.Language.German)) == "fr"
    assert chosen_language("en", QLocale(QLocale.Language.French)) == "en"
    assert (
        chosen_language("system", QLocale(QLocale.Language.French, QLocale.Country.Canada)) == "fr"
    )
    assert chosen_language("system", QLocale(QLocale.Language.German)) == "en"
    assert translation_file("fr").is_file() and translation_file("en").is_file()


@pytest.mark.usefixtures("french")
def test_in_french_the_settings_dialog_and_qt_buttons_speak_french(
    qtbot: QtBot, store: SettingsStore, db_path: Path
) -> None:
    dialog = _dialog(qtbot, store, db_path)
    assert dialog.windowTitle() == "Paramètres"
    titles = {box.title() for box in dialog.findChildren(QGroupBox)}
    assert {"Évaluation", "Langue", "Fichier du journal"} <= titles
    assert dialog.test_button.text() == "&Tester la connexion"
    cancel = dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel)
    assert cancel.text().replace("&", "") == "Annuler"
    labels = [label.text() for label in dialog.findChildren(QLabel)]
    assert "Une nouvelle langue s’applique au prochain démarrage." in labels


@pytest.mark.usefixtures("french")
def test_in_french_numbers_and_dates_take_the_french_format() -> None:
    assert QLocale().toString(1234.5, "f", 1) in ("1\u202f234,5", "1\u00a0234,5", "1 234,5")
    assert QLocale().monthName(3) == "mars"


@pytest.mark.usefixtures("french")
def test_the_core_messages_reach_the_window_translated_and_the_cli_in_english() -> None:
    error = OllamaUnreachableError("http://gpu:11434", "connection refused")
    assert error_text(error).startswith("Impossible de joindre Ollama à http://gpu:11434 (")
    assert str(error).startswith("Cannot reach Ollama at http://gpu:11434 (connection refused)")
    timeout = OllamaTimeoutError("http://gpu:11434", "read", 2.5)
    assert "2,5 s (délai de lecture)" in error_text(timeout)  # the locale's decimal comma
    with pytest.raises(InvalidInputError) as raised:
        check_row({})
    assert error_text(raised.value) == (
        "Une ligne donne la valeur d’au moins une variable, sous la forme NOM=VALEUR."
    )
    with pytest.raises(InvalidInputError) as refused:
        parse_expectation("contans:Paris")
    assert error_text(refused.value) == (
        "Attente 'contans:Paris' : il n’y a pas de type contans : vouliez-vous dire contains ?"
    )
    assert (
        str(refused.value)
        == "Expectation 'contans:Paris': there is no kind contans: did you mean contains?"
    )


def test_without_a_translation_the_core_message_is_its_english_text() -> None:
    error = OllamaUnreachableError("http://gpu:11434")
    assert error_text(error) == str(error) == error.message


def test_the_language_choice_is_saved_and_applies_at_the_next_start(
    qtbot: QtBot, store: SettingsStore, db_path: Path
) -> None:
    dialog = _dialog(qtbot, store, db_path)
    assert dialog.language_combo.currentText() == "System"
    labels = [label.text() for label in dialog.findChildren(QLabel)]
    assert "A new language applies at the next start." in labels
    dialog.language_combo.setCurrentIndex(dialog.language_combo.findText("Français"))
    dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert store.language() == "fr"
    again = _dialog(qtbot, store, db_path)
    assert again.language_combo.currentText() == "Français"
    again.language_combo.setCurrentIndex(again.language_combo.findText("System"))
    again.accept()
    assert store.language() == "system"


def test_every_text_of_the_settings_dialog_is_marked_for_translation(
    qtbot: QtBot, store: SettingsStore, db_path: Path
) -> None:
    with pseudo_translation():
        dialog = _dialog(qtbot, store, db_path)
        shown_as_is = [
            str(db_path),  # the journal's path
            OPTIONS_PLACEHOLDER,  # option names, as typed
            "Refresh models (F5)",  # model_picker.py: marked on its own branch; then remove
        ]
        assert unmarked_texts(dialog, allowed=shown_as_is) == []


def test_the_pseudo_translation_finds_what_is_not_marked(qtbot: QtBot) -> None:
    assert is_marked("⟦Run {n}⟧".format(n="⟦three⟧")) and is_marked("42 %")
    assert is_marked("⟦Saved⟧ 3 <b>⟦runs⟧</b>")
    assert not is_marked("⟦Saved⟧ runs")
    with pseudo_translation():
        box = QGroupBox(QCoreApplication.translate("test", "Marked"))
        QLabel("Not marked", box)
        qtbot.addWidget(box)
        assert unmarked_texts(box) == ["QLabel: Not marked"]
        assert unmarked_texts(box, allowed=["Not marked"]) == []


PLURAL_TS = """<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="{language}" sourcelanguage="en">
<context>
    <name>list_panel</name>
    <message numerus="yes">
        <source>%n run(s)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
"""


def test_plural_forms_are_filled_compiled_and_counted(qapp: QApplication, tmp_path: Path) -> None:
    """fill writes the French and English forms, release compiles them, Qt picks the form
    for the count (the English file exists for exactly this)."""
    script = i18n_script()
    ts_folder, qm_folder = tmp_path / "ts", tmp_path / "qm"
    ts_folder.mkdir()
    for language in ("fr", "en"):
        script.ts_path(language, ts_folder).write_text(
            PLURAL_TS.format(language=language), encoding="utf-8"
        )
    entry = {
        "context": "list_panel",
        "source": "%n run(s)",
        "numerus": ["%n exécution", "%n exécutions"],
        "english": ["%n run", "%n runs"],
    }
    entries = {("list_panel", "%n run(s)"): entry}
    for language in ("fr", "en"):
        assert script.fill_ts(script.ts_path(language, ts_folder), language, entries) == 1
    assert shutil.which("pyside6-lrelease") or True  # the script finds it beside Python
    script.lrelease(ts_folder, qm_folder)
    shown = {}
    for language in ("fr", "en"):
        translator = QTranslator()
        assert translator.load(str(script.qm_path(language, qm_folder)))
        qapp.installTranslator(translator)
        try:
            shown[language] = [
                QCoreApplication.translate("list_panel", "%n run(s)", None, n) for n in (1, 3)
            ]
        finally:
            qapp.removeTranslator(translator)
    assert shown == {"fr": ["1 exécution", "3 exécutions"], "en": ["1 run", "3 runs"]}
