"""The check window's own words for the core's counts (issue 15): English as the CLI says
them, and every word through the translator."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from journal.core.check_triage import Group, ItemTriage
from journal.core.domain import ExperimentFilter, Verdict
from journal.core.expectations import Kind
from journal.core.export_markdown import ExportResult, Layout
from journal.core.formatting import run_stats
from journal.core.grading import OutcomeStatus, RunOutcome
from journal.core.import_markdown import ImportResult
from journal.core.messages import KEPT_CHECKED_RUN, message
from journal.core.migration_check import CheckItemView, CheckSummary
from journal.core.models import Run
from journal.core.output_format import check_answer
from journal.core.trash import EmptiedTrash
from journal.gui.check_texts import nothing_left_line, progress_line, selection_text, summary_line
from journal.gui.filter_text import filter_text
from journal.gui.i18n import install_language, message_text, remove_language
from journal.gui.kind_help import KIND_HELP, kind_help
from journal.gui.run_display import figures_text
from journal.gui.transfer_texts import export_summary, import_summary
from journal.gui.trash_dialog import emptied_text
from tests.core.test_check_triage import _item
from tests.gui.pseudo_translation import is_marked, pseudo_translation

SUMMARY = CheckSummary(
    target_model="new:1b",
    total=12,
    passed=6,
    failed=3,
    needs_look=1,
    by_verdict=2,
    grading=1,
    pending=1,
)


def _items() -> list[CheckItemView]:
    passing = RunOutcome(OutcomeStatus.PASS, "1 of 1 pass", total=1, passed=1)
    open_two = RunOutcome(OutcomeStatus.NEEDS_LOOK, "not graded yet", total=3, ungraded=2)
    first = _item(1, ItemTriage(Group.PASS, "1 of 1 pass", outcome=passing))
    return [
        first,
        _item(2, ItemTriage(Group.FAIL, "your verdict: failed", True, passing), Verdict.FAILED),
        _item(3, ItemTriage(Group.GRADING, "more grades coming", outcome=open_two)),
        replace(first, triage=ItemTriage(Group.PENDING, "not replayed yet")),
    ]


def test_the_check_window_says_the_cores_counts_as_the_cli_does(qtbot: QtBot) -> None:
    assert summary_line(SUMMARY) == SUMMARY.line()
    assert summary_line(replace(SUMMARY, needs_look=2, by_verdict=0)) == (
        replace(SUMMARY, needs_look=2, by_verdict=0).line()
    )
    assert progress_line(SUMMARY, True) == "11 of 12 replayed…"
    assert progress_line(SUMMARY, False) == "11 of 12 replayed"
    items = _items()
    assert nothing_left_line(items[:2]) == "Nothing left to look at: 1 pass, 1 judged by you"
    assert nothing_left_line(items) == (
        "Nothing left to look at: 1 pass, 1 judged by you; 1 still grading; 1 not run yet"
    )
    assert selection_text([3, 5, 8], None) == "3 runs: 3, 5, 8"
    assert selection_text(list(range(1, 8)), None) == "7 runs: 1, 2, 3, 4, 5, …"
    assert selection_text(None, None) == (
        "the latest run of each experiment matching: all experiments"
    )
    worked = ExperimentFilter(model="m:1b", verdict=Verdict.WORKED, tag="geo")
    assert selection_text(None, worked) == (
        "the latest run of each experiment matching: model m:1b · worked · tag geo"
    )


def test_every_word_of_the_check_texts_goes_through_the_translator(qtbot: QtBot) -> None:
    with pseudo_translation():
        said = [
            summary_line(SUMMARY).replace("new:1b", ""),
            progress_line(SUMMARY, True),
            nothing_left_line(_items()),
            selection_text([3], None),
            selection_text(None, ExperimentFilter(verdict=Verdict.PARTLY, unrated=True)),
            selection_text(None, None),
        ]
    assert [text for text in said if not is_marked(text)] == []


def test_a_filter_is_described_by_each_set_filter(qtbot: QtBot) -> None:
    filters = ExperimentFilter(
        model="llama3:8b",
        verdict=Verdict.WORKED,
        tag="geo",
        search="rivers",
        since=datetime(2026, 1, 31, tzinfo=UTC),
        until=datetime(2026, 3, 1, tzinfo=UTC),
    )
    assert filter_text(filters) == (
        "model llama3:8b · worked · tag geo · “rivers” · since 2026-01-31 · before 2026-03-01"
    )
    assert filter_text(ExperimentFilter(model="m", unrated=True)) == "model m · unrated"
    assert filter_text(ExperimentFilter()) == ""
    with pseudo_translation():
        said = filter_text(filters)
    for data in ("llama3:8b", "geo", "rivers"):
        said = said.replace(data, "")
    assert is_marked(said)


def test_each_expectation_kind_is_described_with_an_example(qtbot: QtBot) -> None:
    assert set(KIND_HELP) == set(Kind)
    assert kind_help(Kind.REGEX) == (
        r"A regular expression matches somewhere in the text. Example: regex:^\d{3}-\d{4}$"
    )
    with pseudo_translation():
        said = [kind_help(kind).replace(kind.example, "") for kind in Kind]
    assert [text for text in said if not is_marked(text)] == []


@pytest.fixture
def french(qapp: QApplication) -> Iterator[None]:
    translators = install_language(qapp, "fr")
    yield
    remove_language(qapp, translators)


@pytest.mark.usefixtures("french")
def test_in_french_the_cores_counts_and_reasons_are_said_in_french() -> None:
    assert summary_line(SUMMARY) == (
        "6 sur 12 réussissent sur new:1b (3 échouent, 1 à vérifier ; 2 par votre verdict) ; "
        "1 en cours d'évaluation ; 1 pas encore exécutés"
    )
    emptied = EmptiedTrash(
        experiments=1, runs=2, kept=[message(KEPT_CHECKED_RUN, run=4, checks="1")]
    )
    assert emptied_text(emptied) == (
        "1 expérience et 2 exécutions supprimées définitivement.\n"
        "Exécution 4 gardée dans la corbeille : la vérification de migration 1 la compare."
    )
    assert message_text(check_answer("json", "").message) == "pas du JSON : la réponse est vide"
    assert kind_help(Kind.IS_JSON) == "Le texte est du JSON valide. Exemple : is-json"


def _timed_run() -> Run:
    return Run(
        experiment_id=1,
        model="m:1b",
        eval_count=90,
        eval_duration=3_191_489_362,  # 28.2 tokens per second
        first_token_seconds=0.026,
        load_duration=95_000_000,
        wall_seconds=2.79,
        done_reason="stop",
    )


def test_a_runs_figures_read_in_english_as_the_cli_writes_them() -> None:
    assert figures_text(_timed_run()) == run_stats(_timed_run())


@pytest.mark.usefixtures("french")
def test_in_french_a_runs_figures_take_the_decimal_comma() -> None:
    assert figures_text(_timed_run()) == (
        "90 jetons · 28,2 jetons/s · premier jeton 26 ms · chargement 95 ms · total 2,79 s · stop"
    )


EVERYTHING_IMPORTED = ImportResult(
    Path("notes.md"),
    new_experiments=3,
    new_runs=1,
    present_experiments=1,
    present_runs=2,
    dropped_replay_links=1,
    interrupted_runs=2,
    new_expectations=1,
    new_grades=4,
    new_inputs=2,
    new_images=1,
    new_checks=1,
    present_checks=0,
)
EXPORTED = ExportResult(Path("notes.md"), Layout.FILE, experiments=1, runs=2, size=None)


def test_import_and_export_summaries_read_in_english_as_the_cli_writes_them() -> None:
    assert import_summary(EVERYTHING_IMPORTED) == EVERYTHING_IMPORTED.summary()
    assert import_summary(ImportResult(Path("x"))) == ImportResult(Path("x")).summary()
    assert export_summary(EXPORTED) == EXPORTED.summary()
    to_stream = replace(EXPORTED, path=None)
    assert export_summary(to_stream) == to_stream.summary()


def test_import_and_export_summaries_are_marked() -> None:
    with pseudo_translation():
        said = [import_summary(EVERYTHING_IMPORTED), export_summary(EXPORTED)]
    assert [text.replace("notes.md", "") for text in said if not is_marked(text)] == []


@pytest.mark.usefixtures("french")
def test_in_french_the_import_summary_counts_in_french() -> None:
    assert import_summary(ImportResult(Path("x"), new_experiments=3, new_runs=1)) == (
        "3 nouvelles expériences, 1 nouvelle exécution, 0 déjà présente."
    )
