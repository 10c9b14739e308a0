"""The last English texts in the French window (issue 15): a run's grade summary, the
journal and settings files refused at start, a settings line refused, an image refused,
the trend chart's dates. The core hands over templates and figures, the window says them
in its language; what the journal stores (a grade's reason) stays as written, and the CLI's
English is unchanged."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtQuick import QQuickItem
from PySide6.QtQuickWidgets import QQuickWidget
from PySide6.QtWidgets import QApplication, QPlainTextEdit
from pytestqt.qtbot import QtBot

from journal.core import messages
from journal.core.check_triage import ItemTriage, triage_item
from journal.core.domain import ExperimentFilter, RunStatus, Verdict
from journal.core.errors import JournalError
from journal.core.expectations import parse_expectation
from journal.core.grading import (
    CombineRule,
    GradeResult,
    GradeStatus,
    combine,
    grade_deterministic,
    not_graded,
)
from journal.core.images import MAX_IMAGE_BYTES
from journal.core.journal_file import inspect_file, storage_error
from journal.core.judging import judge, similar
from journal.core.messages import message
from journal.core.models import Run
from journal.core.ollama_service import OllamaService
from journal.core.queries import create_experiment
from journal.core.settings import SettingsFile, parse_host_lines, parse_option_lines
from journal.core.storage import Journal
from journal.gui.check_items_model import WHY_COLUMN, CheckItemsModel
from journal.gui.check_texts import triage_text
from journal.gui.context import AppContext
from journal.gui.expectation_row import ExpectationRow
from journal.gui.grade_marks import GradeStrip, Mark, RunGrades
from journal.gui.i18n import error_text, install_language, message_text, remove_language
from journal.gui.image_strip import AttachedImages
from journal.gui.insights_window import InsightsWindow
from journal.gui.options_panel import OptionsPanel
from tests.core.test_check_triage import _item
from tests.fake_ollama import FakeModel, FakeOllama
from tests.gui.pseudo_translation import is_marked, pseudo_translation
from tests.past_runs import add_past_run

# Offscreen, Qt Quick finds no OpenGL context and draws in software after saying so.
pytestmark = pytest.mark.qt_log_ignore("QRhiGles2: Failed to create")

MISSING = "missing 'Paris'"  # a grade's reason as the journal stores it


@pytest.fixture
def french(qapp: QApplication) -> Iterator[None]:
    translators = install_language(qapp, "fr")
    yield
    remove_language(qapp, translators)


def _refused(call: object) -> str:
    """What the window shows for the JournalError `call()` raises."""
    with pytest.raises(JournalError) as caught:
        call()  # type: ignore[operator]
    return error_text(caught.value)


# -- 1. the grade summary ------------------------------------------------------------------


def _failing() -> RunGrades:
    graded = [
        (1.0, GradeResult(GradeStatus.FAIL, MISSING, 0.0)),
        (1.0, GradeResult(GradeStatus.UNSURE, "the judge said maybe")),
        (1.0, None),
    ]
    outcome = combine(CombineRule(), graded)
    marks = (
        Mark("contains:Paris", GradeStatus.FAIL, MISSING),
        Mark("judge:polite", GradeStatus.UNSURE, "the judge said maybe"),
        Mark("words<=5", None, ""),
    )
    return RunGrades(1, marks, outcome)


def _summary_shown(qtbot: QtBot, grades: RunGrades) -> str:
    strip = GradeStrip()
    qtbot.addWidget(strip)
    strip.show_grades(grades)
    return strip.summary_label.text()


def test_the_cli_keeps_its_english_grade_summary() -> None:
    outcome = _failing().outcome
    assert outcome.reason == "0 of 3 pass (1 unsure, 1 not graded); missing 'Paris'"
    weighted = combine(
        CombineRule(0.7),
        [(1.0, GradeResult(GradeStatus.PASS, "ok", 1.0)), (1.0, None)],
    )
    assert weighted.reason == "1 of 2 pass (1 not graded), score 0.50 (needs 0.7); not graded yet"
    ended = not_graded(RunStatus.CANCELLED, 2)
    assert ended is not None and ended.reason == "the run cancelled: not graded"


@pytest.mark.usefixtures("french")
def test_in_french_the_grade_summary_is_built_from_the_figures(qtbot: QtBot) -> None:
    assert _summary_shown(qtbot, _failing()) == (
        "✗ 0 sur 3 réussit (1 incertain, 1 non évaluée) ; missing 'Paris'"
    )
    weighted = combine(
        CombineRule(0.7),
        [(1.0, GradeResult(GradeStatus.PASS, "ok", 1.0)), (1.0, None)],
    )
    grades = RunGrades(2, (Mark("a", GradeStatus.PASS, "ok"), Mark("b", None, "")), weighted)
    assert _summary_shown(qtbot, grades) == (
        "? À vérifier : 1 sur 2 réussit (1 non évaluée), score 0,50 (seuil 0,7) ; "
        "pas encore évaluée"
    )
    ended = not_graded(RunStatus.FAILED, 1)
    assert ended is not None
    grades = RunGrades(3, (Mark("a", None, ""),), ended)
    assert _summary_shown(qtbot, grades) == ("? À vérifier : l'exécution a échoué : non évaluée")


def test_the_grade_summary_leaves_only_the_stored_reason_unmarked(qtbot: QtBot) -> None:
    with pseudo_translation():
        shown = _summary_shown(qtbot, _failing())
        tooltip = _failing().tooltip
    assert MISSING in shown
    assert is_marked(shown.replace(MISSING, " "))
    stored = [MISSING, "the judge said maybe", "contains:Paris", "judge:polite", "words<=5"]
    for text in stored:
        tooltip = tooltip.replace(text, " ")
    assert is_marked(tooltip)


# -- 2. the journal file refused at start ---------------------------------------------------


def _sqlite_error(code: int) -> sqlite3.OperationalError:
    error = sqlite3.OperationalError("attempt to write a readonly database")
    error.sqlite_errorcode = code
    return error


@pytest.mark.usefixtures("french")
def test_in_french_a_refused_journal_file_says_why(tmp_path: Path) -> None:
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a journal", encoding="utf-8")
    assert _refused(lambda: inspect_file(text_file)) == (
        f"{text_file} n'est pas un fichier LLM Journal (ce n'est pas une base SQLite). "
        "Il n'a pas été modifié."
    )
    assert _refused(lambda: inspect_file(tmp_path)) == (
        f"{tmp_path} est un dossier, pas un fichier de journal."
    )
    db = tmp_path / "journal.sqlite"
    Journal.open(db).close()
    db.chmod(0o444)
    read_only = storage_error(db, _sqlite_error(8))  # SQLITE_READONLY
    assert read_only is not None
    said = error_text(read_only)
    assert said.startswith(f"Impossible d'écrire dans le journal {db} : ")
    if not said.endswith("son dossier " + str(tmp_path) + " est en lecture seule."):
        # as root, any file may be written: SQLite's own reason is said
        assert said.endswith(
            (
                "le fichier est en lecture seule.",
                "SQLite a refusé (attempt to write a readonly database).",
            )
        )
    damaged = storage_error(db, _sqlite_error(11), unchanged=True)  # SQLITE_CORRUPT
    assert damaged is not None
    assert error_text(damaged).startswith(
        f"Le journal {db} est endommagé (attempt to write a readonly database) ; "
        "il n'a pas été modifié.\nRécupérez ce qu'il contient encore"
    )
    db.chmod(0o644)


# -- 3. a settings line refused -------------------------------------------------------------


@pytest.mark.usefixtures("french")
def test_in_french_a_refused_settings_line_or_file_says_why(tmp_path: Path) -> None:
    hosts = "http://gpu:11434\nhttp://gpu:11434"
    assert _refused(lambda: parse_host_lines(hosts)) == (
        "Ligne 2 : http://gpu:11434 figure déjà dans la liste."
    )
    assert _refused(lambda: parse_option_lines("temperature=1\nkeep_alive=5m\n=")).startswith(
        "Ligne 3 : "
    )
    broken = tmp_path / "settings.toml"
    broken.write_text('[models]\njudge = "two words"\n', encoding="utf-8")
    assert _refused(SettingsFile(broken).load) == (
        f"Fichier de réglages {broken}:2 : models.judge est un nom de modèle, comme "
        "llama3:8b, pas 'two words'. Corrigez-le dans un éditeur ou avec "
        "`journal config unset models.judge`."
    )
    broken.write_text("[models\n", encoding="utf-8")
    assert _refused(SettingsFile(broken).load).startswith(
        f"Le fichier de réglages {broken}:1 n'est pas du TOML valide : "
    )
    broken.write_bytes(b"# \xff\n")
    assert _refused(SettingsFile(broken).load) == (
        f"Le fichier de réglages {broken}:1 n'est pas du TOML valide : ce n'est pas du texte "
        "UTF-8. Corrigez-le dans un éditeur ; il est laissé tel quel."
    )


# -- 4. an image refused --------------------------------------------------------------------


@pytest.mark.usefixtures("french")
def test_in_french_an_image_refused_says_why_with_french_sizes(
    qtbot: QtBot, tmp_path: Path
) -> None:
    strip = AttachedImages()
    qtbot.addWidget(strip)
    strip.show()
    huge = tmp_path / "huge.png"
    with huge.open("wb") as handle:
        handle.truncate(MAX_IMAGE_BYTES + 1)  # sparse: only its size is read
    assert not strip.attach_file(str(huge))
    assert strip.message() == (f"{huge} pèse 21,0 Mo : on peut envoyer des images jusqu'à 21,0 Mo.")
    assert not strip.attach_file(str(tmp_path / "gone.png"))
    assert strip.message() == f"{tmp_path / 'gone.png'} n'existe pas."
    assert not strip.attach_data(b"GIF89a....", "pasted image")
    assert "n'est pas une image PNG, JPEG ou WebP" in strip.message()


# -- 5. the trend chart's dates -------------------------------------------------------------


def _shown_texts(item: QQuickItem) -> list[str]:
    texts = []
    for child in item.findChildren(QQuickItem):
        value = child.property("text")
        if isinstance(value, str) and value:
            texts.append(value)
    return texts


@pytest.mark.usefixtures("french")
def test_in_french_the_trend_charts_dates_name_french_months(
    qtbot: QtBot, journal: Journal
) -> None:
    with journal.write() as session:
        rivers = create_experiment(session, title="rivers").id
        assert rivers is not None
        for day, verdict in ((5, Verdict.WORKED), (14, Verdict.FAILED), (27, Verdict.WORKED)):
            when = datetime(2026, 1, day, 12, tzinfo=UTC)
            add_past_run(session, rivers, verdict=verdict, created_at=when)
    window = InsightsWindow(AppContext.for_journal(journal), ExperimentFilter())
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.busy(), timeout=15_000)
    quick = window.trend.findChild(QQuickWidget)
    assert quick is not None and quick.rootObject() is not None
    qtbot.waitUntil(lambda: any("janv." in text for text in _shown_texts(quick.rootObject())))
    assert not [text for text in _shown_texts(quick.rootObject()) if re.search(r"\bJan\b", text)]


# -- 1. a grade's reason said now (the expectations editor's try) ----------------------------


@dataclass
class _Answer:
    response: str = "Lyon is a city."
    thinking: str = ""
    done_reason: str = "stop"
    eval_count: int | None = 90
    eval_duration: int | None = 3_000_000_000
    first_token_seconds: float | None = 0.2


def test_a_fresh_grades_reason_is_kept_in_english_for_the_journal() -> None:
    result = grade_deterministic(parse_expectation("contains:Paris"), _Answer())
    assert result.reason == "missing 'Paris'"
    result = grade_deterministic(parse_expectation("words<=3"), _Answer())
    assert result.reason == "4 words, expected <=3"


@pytest.mark.usefixtures("french")
def test_in_french_a_tried_expectation_says_its_reason_in_french(qtbot: QtBot) -> None:
    row = ExpectationRow(parse_expectation("contains:Paris"))
    qtbot.addWidget(row)
    row.show_result(grade_deterministic(parse_expectation("contains:Paris"), _Answer()))
    assert row.message_text() == "✗ échoué : il manque 'Paris'"
    row.show_result(grade_deterministic(parse_expectation("words<=3"), _Answer()))
    assert row.message_text().endswith(": 4 mots, attendu <=3")
    row.show_result(grade_deterministic(parse_expectation("lines>=1"), _Answer()))
    assert row.message_text().endswith(": 1 ligne")


# -- second pass, 1. numbers inside core templates in the window's locale ---------------------


def test_the_cli_keeps_its_english_numbers() -> None:
    answer = _Answer(eval_count=2801, eval_duration=100_000_000_000, first_token_seconds=2.5)
    result = grade_deterministic(parse_expectation("tokens-per-second>=50"), answer)
    assert result.reason == "28.0 tokens per second, expected >=50"
    result = grade_deterministic(parse_expectation("first-token<=2s"), answer)
    assert result.reason == "first token after 2.50 s, expected <=2s"
    words = grade_deterministic(parse_expectation("words<=3"), _Answer(response="a " * 1234))
    assert words.reason == "1,234 words, expected <=3"


@pytest.mark.usefixtures("french")
def test_in_french_a_messages_numbers_take_a_decimal_comma(qtbot: QtBot) -> None:
    answer = _Answer(eval_count=2801, eval_duration=100_000_000_000, first_token_seconds=2.5)
    said = grade_deterministic(parse_expectation("tokens-per-second>=50"), answer).said
    assert said is not None
    assert message_text(said) == "28,0 jetons par seconde, attendu >=50"
    said = grade_deterministic(parse_expectation("first-token<=2s"), answer).said
    assert said is not None and message_text(said).startswith("premier jeton après 2,50 s")
    said = grade_deterministic(parse_expectation("words<=3"), _Answer(response="a " * 1234)).said
    assert said is not None and message_text(said).startswith("1\u202f234 mots")
    timeout = message(messages.TIMEOUT_READ, host="http://h:1", seconds=2.5)
    assert "en 2,5 s" in message_text(timeout)
    http = message(messages.RESPONSE_HTTP, status=5000, detail="x")
    assert "5000" in message_text(http)  # a code, not a count: never grouped


# -- second pass, 2. option values and Ollama addresses refused --------------------------------


def test_the_cli_keeps_its_english_option_and_address_refusals() -> None:
    assert _refused(lambda: parse_option_lines("top_p=2")) == (
        "Line 1: Option top_p must be between 0 and 1, not 2.0."
    )
    assert _refused(lambda: parse_option_lines("num_predict=-5")) == (
        "Line 1: Option num_predict must be at least -2 (-1: no limit, -2: until the context "
        "is full), not -5."
    )
    assert _refused(lambda: parse_host_lines("ftp://gpu")) == (
        "Line 1: 'ftp://gpu' is not a usable Ollama address: only http:// and https:// work, "
        "as in http://127.0.0.1:11434."
    )


@pytest.mark.usefixtures("french")
def test_in_french_a_refused_option_or_address_says_why_in_french(qtbot: QtBot) -> None:
    assert _refused(lambda: parse_option_lines("top_p=2.5")) == (
        "Ligne 1 : L’option top_p doit être entre 0 et 1, pas 2.5."
    )
    assert _refused(lambda: parse_option_lines("num_predict=-5")) == (
        "Ligne 1 : L’option num_predict doit être au moins -2 (-1 : sans limite, -2 : "
        "jusqu’à remplir le contexte), pas -5."
    )
    assert _refused(lambda: parse_option_lines("temperature=chaud")) == (
        "Ligne 1 : L’option temperature attend un nombre, pas 'chaud'."
    )
    assert _refused(lambda: parse_option_lines("keep_alive=5x")) == (
        "Ligne 1 : keep_alive prend une durée comme 5m, 1h30m ou 300ms, ou des secondes comme "
        "90 (0 décharge aussitôt, -1 garde le modèle chargé), pas '5x' (unité inconnue « x »)."
    )
    assert _refused(lambda: parse_host_lines("ftp://gpu")) == (
        "Ligne 1 : 'ftp://gpu' n’est pas une adresse Ollama utilisable : seuls http:// et "
        "https:// fonctionnent, comme dans http://127.0.0.1:11434."
    )
    assert _refused(lambda: parse_host_lines("gpu limit=99")).startswith(
        "Ligne 1 : limit=99 n’est pas un nombre de requêtes de 1 à 64"
    )
    panel = OptionsPanel()
    qtbot.addWidget(panel)
    extra = panel.editor("extra")
    assert isinstance(extra, QPlainTextEdit)
    extra.setPlainText("temprature=0.2")
    (shown,) = panel.errors()
    assert "Option inconnue temprature : vouliez-vous dire temperature ?" in shown
    extra.setPlainText("num_thread=-3")
    (shown,) = panel.errors()
    assert shown == (
        "Options supplémentaires, ligne 1 : L’option num_thread doit être entre 0 et "
        "2147483647 (0 : laisser Ollama choisir), pas -3."
    )


# -- second pass, 3. a check's or batch's item: why it is in its group --------------------------


def _triaged() -> list[ItemTriage]:
    failing = combine(CombineRule(), [(1.0, GradeResult(GradeStatus.FAIL, MISSING, 0.0))])
    coming = combine(
        CombineRule(),
        [(1.0, GradeResult(GradeStatus.PASS, "ok", 1.0)), (1.0, None)],
    )
    return [
        triage_item(None, None, None),
        triage_item(RunStatus.CANCELLED, None, None),
        triage_item(RunStatus.DONE, Verdict.PARTLY, failing),
        triage_item(RunStatus.DONE, None, failing),
        triage_item(RunStatus.DONE, None, coming, grading=True),
    ]


def test_the_cli_keeps_its_english_triage_reasons() -> None:
    assert [triage.reason for triage in _triaged()] == [
        "not replayed yet",
        "the replay was cancelled: not graded",
        "your verdict: partly",
        "0 of 1 pass; missing 'Paris'",
        "1 of 2 pass (1 not graded); more grades coming",
    ]


@pytest.mark.usefixtures("french")
def test_in_french_a_check_item_says_why_in_french(qtbot: QtBot) -> None:
    assert [triage_text(triage) for triage in _triaged()] == [
        "pas encore rejouée",
        "le rejeu a été annulé : non évaluée",
        "votre verdict : en partie",
        "0 sur 1 réussit ; missing 'Paris'",
        "1 sur 2 réussit (1 non évaluée) ; d’autres évaluations arrivent",
    ]
    model = CheckItemsModel()
    item = _item(1, _triaged()[1])
    model.set_items([item], {})
    shown = model.index_of(1, WHY_COLUMN).data()
    assert shown == "le rejeu a été annulé : non évaluée"


# -- second pass, 4. a judge's or similarity's reason, fresh --------------------------------------


def _judged(fake_ollama: FakeOllama) -> tuple[GradeResult, GradeResult, GradeResult]:
    reply = json.dumps({"pass": True, "score": 0.5, "reason": "hm"})
    fake_ollama.add_model(FakeModel("judge:1b", reply=lambda _messages, _options: reply))
    fake_ollama.add_model(FakeModel("embed:1b", family="bert"))
    service = OllamaService(fake_ollama.url)
    run = Run(
        experiment_id=1,
        model="llama3:8b",
        status=RunStatus.DONE,
        messages=[{"role": "user", "content": "Name three rivers."}],
        response="Rhine, Danube and Loire.",
    )
    unsure = judge(service, "judge:1b", parse_expectation("judge:names rivers"), run)
    close = similar(service, "embed:1b", parse_expectation("similar(0.5):Rhine, Loire"), run)
    unset = judge(service, "", parse_expectation("judge:x"), run)
    return unsure, close, unset


def test_the_cli_keeps_its_english_judge_reasons(fake_ollama: FakeOllama) -> None:
    unsure, close, unset = _judged(fake_ollama)
    assert unsure.reason == "judge judge:1b: unsure (pass, score 0.50): hm"
    assert re.fullmatch(r"similarity 0\.\d\d >= 0\.5 \(embed:1b\)", close.reason)
    assert unset.reason.startswith("judge: no judge model is set; choose one in Settings")


@pytest.mark.usefixtures("french")
def test_in_french_a_fresh_judge_or_similarity_reason_is_french(
    qtbot: QtBot, fake_ollama: FakeOllama
) -> None:
    unsure, close, unset = _judged(fake_ollama)
    assert unsure.said is not None and close.said is not None and unset.said is not None
    assert message_text(unsure.said) == "juge judge:1b : incertain (réussi, score 0,50) : hm"
    assert re.fullmatch(r"similarité 0,\d\d >= 0,5 \(embed:1b\)", message_text(close.said))
    assert message_text(unset.said).startswith("juge : aucun modèle juge n’est choisi")
    row = ExpectationRow(parse_expectation("judge:names rivers"))
    qtbot.addWidget(row)
    row.show_result(unsure)
    assert row.message_text().endswith(": juge judge:1b : incertain (réussi, score 0,50) : hm")
