"""The Insights window (issue 15): four charts over a real journal, sentences on an empty one,
the list's filter followed, a click on a bar setting the list, charts saved as PNG and SVG."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QObject, QRect, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtQuickWidgets import QQuickWidget
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel, QPushButton
from pytestqt.qtbot import QtBot

from journal.core.domain import ExperimentFilter, Verdict
from journal.core.queries import create_experiment
from journal.core.storage import Journal
from journal.gui.context import AppContext
from journal.gui.i18n import install_language, remove_language
from journal.gui.insights_window import InsightsWindow
from journal.gui.main_window import MainWindow
from tests.fake_ollama import FakeOllama
from tests.gui.window_setup import started_window
from tests.past_runs import add_past_run

# Offscreen, Qt Quick finds no OpenGL context and draws in software after saying so.
pytestmark = pytest.mark.qt_log_ignore("QRhiGles2: Failed to create")

QWEN = "qwen3:0.6b"


def _on(day: int) -> datetime:
    return datetime(2026, 1, day, 12, tzinfo=UTC)


def _fill(journal: Journal) -> None:
    """Two models over two tags and two weeks, timed; llama3:8b gets new weights."""
    with journal.write() as session:
        rivers = create_experiment(session, title="rivers", tags=["json"]).id
        lakes = create_experiment(session, title="lakes", tags=["code"]).id
        assert rivers and lakes
        timing: dict[str, Any] = {
            "eval_count": 100,
            "eval_duration": 2_000_000_000,
            "first_token_seconds": 0.4,
        }
        add_past_run(session, rivers, verdict=Verdict.WORKED, created_at=_on(5), **timing)
        add_past_run(
            session, rivers, verdict=Verdict.FAILED, digest="e" * 64, created_at=_on(14), **timing
        )
        add_past_run(session, rivers, model=QWEN, created_at=_on(6), **timing)
        add_past_run(session, lakes, model=QWEN, verdict=Verdict.PARTLY, created_at=_on(13))


def _open(qtbot: QtBot, journal: Journal, filters: ExperimentFilter) -> InsightsWindow:
    window = InsightsWindow(AppContext.for_journal(journal), filters)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitUntil(lambda: not window.busy(), timeout=15_000)
    return window


def _categories(window: InsightsWindow) -> list[str]:
    spec = window.outcomes.spec()
    assert spec is not None
    return list(spec["categories"])


def test_opens_with_four_charts_each_titled_with_its_question(
    qtbot: QtBot, journal: Journal
) -> None:
    _fill(journal)
    window = _open(qtbot, journal, ExperimentFilter())
    panels = (window.outcomes, window.trend, window.speed, window.activity)
    assert [panel.title.text() for panel in panels] == [
        "Which models work",
        "Getting better?",
        "How fast",
        "Where the time goes",
    ]
    assert all(panel.showing_chart() for panel in panels)
    labels = _categories(window)
    assert len(labels) == 3  # llama3:8b on two digests, qwen3
    assert any(label.startswith("llama3:8b@") and " · 1 of 1 " in label for label in labels)
    trend = window.trend.spec()
    assert trend is not None
    tips = [tip for line in trend["lines"] for tip in line["tips"]]
    assert any(tip.startswith("llama3:8b got new weights (digest eeeeeeeeeeee") for tip in tips)
    assert window.unrated_button.text() == "1 run waits for a verdict"
    # Choosers: one tag's bars, another speed figure.
    window.tag_choice.setCurrentIndex(window.tag_choice.findText("code"))
    assert [label.split("@")[0] for label in _categories(window)] == [QWEN]
    window.measure_choice.setCurrentIndex(1)
    speed = window.speed.spec()
    assert speed is not None and "first token" in speed["tips"][0]


def test_an_empty_journal_says_so_in_place_of_each_chart(qtbot: QtBot, journal: Journal) -> None:
    window = _open(qtbot, journal, ExperimentFilter())
    for panel in (window.outcomes, window.trend, window.speed, window.activity):
        assert not panel.showing_chart()
        assert panel.sentence.isVisible() and panel.sentence.text().endswith(".")
    assert "No run" in window.outcomes.sentence.text()
    assert not window.unrated_button.isVisible()


def test_a_filter_narrows_the_charts_and_says_so(qtbot: QtBot, journal: Journal) -> None:
    _fill(journal)
    window = _open(qtbot, journal, ExperimentFilter(tag="json", model="llama3:8b"))
    assert window.subtitle.text() == "Filtered by the list: Tag: json · Model: llama3:8b"
    assert len(_categories(window)) == 2  # llama3:8b's two digests, no qwen3
    window.set_filter(ExperimentFilter(tag="code"))
    qtbot.waitUntil(lambda: not window.busy(), timeout=15_000)
    assert [label.split("@")[0] for label in _categories(window)] == [QWEN]


def test_saves_a_chart_as_png_and_svg(qtbot: QtBot, journal: Journal, tmp_path: Path) -> None:
    _fill(journal)
    window = _open(qtbot, journal, ExperimentFilter())
    png, svg = tmp_path / "outcomes.png", tmp_path / "trend.svg"
    assert window.outcomes.save_png(str(png))
    assert png.read_bytes().startswith(b"\x89PNG") and png.stat().st_size > 1000
    assert window.trend.save_svg(str(svg))
    text = svg.read_text(encoding="utf-8")
    assert "<svg" in text and "Getting better?" in text


def _ink(image: QImage, background: QImage) -> QRect:
    """The box around the pixels where `image` differs from `background` (same size)."""
    box = QRect()
    for y in range(image.height()):
        for x in range(image.width()):
            if image.pixel(x, y) != background.pixel(x, y):
                box = box.united(QRect(x, y, 1, 1))
    return box


def test_the_save_buttons_arrow_stands_clear_of_its_text(qtbot: QtBot, journal: Journal) -> None:
    """The menu arrow of "Save…" is drawn beside the text, not over its "…"."""
    _fill(journal)
    window = _open(qtbot, journal, ExperimentFilter())
    button = window.outcomes.save_button
    assert button.menu() is not None and button.text() == "&Save…"
    button.resize(button.sizeHint())

    def picture(text: str) -> QImage:
        button.setText(text)
        return button.grab().toImage()

    whole, arrow_only = picture("&Save…"), picture("")
    button.setText("&Save…")
    plain = QPushButton()  # the same button, no text, no menu
    qtbot.addWidget(plain)
    plain.setEnabled(button.isEnabled())
    plain.resize(button.size())
    bare = plain.grab().toImage()
    text_box, arrow_box = _ink(whole, arrow_only), _ink(arrow_only, bare)
    assert not text_box.isEmpty() and not arrow_box.isEmpty()
    assert arrow_box.left() - text_box.right() > 4, (text_box, arrow_box)  # a clear gap


def test_follows_a_dark_palette(qtbot: QtBot, journal: Journal) -> None:
    _fill(journal)
    window = _open(qtbot, journal, ExperimentFilter())
    qtbot.waitUntil(window.outcomes.showing_chart)
    light_grid, light_axis = _lines(window)
    palette = window.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#2b2b2b"))
    palette.setColor(QPalette.ColorRole.WindowText, QColor("#e6e6e6"))
    window.setPalette(palette)
    assert window.outcomes.dark()
    # on dark the lines are quiet: a little lighter than the window, far darker than on light
    dark_grid, dark_axis = _lines(window)
    background = QColor("#2b2b2b").lightness()
    assert background < dark_grid.lightness() < dark_axis.lightness() < 128
    assert dark_grid.lightness() < light_grid.lightness()
    assert dark_axis.lightness() < light_axis.lightness()
    # on light, a little darker than the window
    assert light_axis.lightness() < light_grid.lightness() < QColor("#efefef").lightness()


def _lines(window: InsightsWindow) -> tuple[QColor, QColor]:
    """The grid and axis colours the outcome chart's QML was given."""
    view = window.outcomes.findChild(QQuickWidget)
    assert view is not None
    root = view.rootObject()
    return QColor(root.property("gridColor")), QColor(root.property("axisColor"))


@pytest.fixture
def main_window(
    qtbot: QtBot, db_path: Path, tmp_path: Path, fake_ollama: FakeOllama
) -> Iterator[MainWindow]:
    with Journal.open(db_path) as journal:
        _fill(journal)
    with started_window(qtbot, db_path, fake_ollama.url, tmp_path) as window:
        yield window


def test_opens_from_the_window_follows_the_list_and_a_click_sets_it(
    qtbot: QtBot, main_window: MainWindow
) -> None:
    QTest.keyClick(
        main_window,
        Qt.Key.Key_I,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier,
    )
    insights = main_window.findChild(InsightsWindow, "insightsWindow")
    assert insights is not None and insights.isVisible()
    qtbot.waitUntil(
        lambda: not insights.busy() and insights.outcomes.showing_chart(), timeout=15_000
    )
    assert len(_categories(insights)) == 3
    # The list's filter changes: the charts follow.
    main_window.list_panel.apply_filter(ExperimentFilter(tag="code"))
    qtbot.waitUntil(lambda: len(_categories(insights)) == 1, timeout=15_000)
    assert insights.subtitle.text().endswith("Tag: code")
    # A click on qwen3's "partly" segment sets the list to those experiments.
    insights.outcomes.bridge.click_bar(0, 1)
    chosen = main_window.list_panel.filter()
    assert (chosen.model, chosen.verdict, chosen.tag) == (QWEN, Verdict.PARTLY, "code")
    qtbot.waitUntil(lambda: main_window.list_panel.model().rowCount() == 1, timeout=10_000)
    assert main_window.list_panel.model().summary(0).title == "lakes"
    # A week's bar: the experiments made that week (both were made today).
    main_window.list_panel.clear_filters()
    qtbot.waitUntil(lambda: len(_categories(insights)) == 3, timeout=15_000)
    insights.activity.bridge.click_bar(0, 0)
    assert main_window.list_panel.filter().since == datetime(2026, 1, 5, tzinfo=UTC)
    # A point of a model's weekly line: that model, that week.
    main_window.list_panel.clear_filters()
    qtbot.waitUntil(lambda: len(_categories(insights)) == 3, timeout=15_000)
    insights.trend.bridge.click_point(0, 1)  # llama3:8b, the week of 12 January
    chosen = main_window.list_panel.filter()
    assert (chosen.model, chosen.since) == ("llama3:8b", datetime(2026, 1, 12, tzinfo=UTC))
    assert chosen.until == datetime(2026, 1, 19, tzinfo=UTC)
    # Runs waiting for a verdict: the list shows the unrated ones.
    main_window.list_panel.clear_filters()
    qtbot.waitUntil(lambda: len(_categories(insights)) == 3, timeout=15_000)
    insights.unrated_button.click()
    assert main_window.list_panel.filter().unrated


def _root(panel: Any) -> Any:
    view = panel.findChild(QQuickWidget)
    assert view is not None
    return view.rootObject()


def test_a_narrow_window_cuts_no_figure_and_no_label_overlaps(
    qtbot: QtBot, journal: Journal
) -> None:
    """At half of a 1920-wide screen: each bar's model sits over its figures, so a long
    name gives way and "1 of 1 runs pass" never does; week labels take turns when all of
    them do not fit side by side; the trend axis has as many dates as fit."""
    with journal.write() as session:  # twelve weeks of activity
        for week in range(12):
            experiment = create_experiment(session, title=f"week {week}").id
            assert experiment
            moment = datetime(2026, 1, 5, 12, tzinfo=UTC) + week * (_on(8) - _on(1))
            add_past_run(
                session, experiment, model="a-model-with-a-long-name:latest",
                verdict=Verdict.WORKED, created_at=moment,
            )  # fmt: skip
    window = _open(qtbot, journal, ExperimentFilter())
    window.resize(960, 1000)
    outcomes, activity, trend = _root(window.outcomes), _root(window.activity), _root(window.trend)
    qtbot.waitUntil(lambda: bool(outcomes.property("twoLines")))
    assert outcomes.property("labelWidth") < outcomes.property("wholeWidth")  # two lines
    assert activity.property("labelStep") > 1
    axis = trend.findChild(QObject, "timeAxis")
    assert axis is not None
    narrow = axis.property("tickInterval")
    assert 2 <= narrow <= 6
    window.resize(1900, 1000)
    qtbot.waitUntil(lambda: activity.property("labelStep") == 1)
    qtbot.waitUntil(lambda: axis.property("tickInterval") > narrow)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_window_fits_half_of_a_1920_wide_screen_and_titles_wrap_only_then(
    qtbot: QtBot, qapp: QApplication, journal: Journal, language: str
) -> None:
    """In French the questions and choosers are long: a question goes onto two lines
    rather than widening the window past 960 px, and stays on one where there is room."""
    _fill(journal)
    translators = install_language(qapp, language)  # as at start-up
    try:
        window = _open(qtbot, journal, ExperimentFilter())
        assert window.unrated_button.isVisible()  # the longest header in French
        assert window.minimumSizeHint().width() <= 960
        titles = [panel.title for panel in (window.outcomes, window.trend, window.speed)]
        window.resize(1600, 900)
        qtbot.waitUntil(lambda: all(_lines_of(title) == 1 for title in titles))
    finally:
        remove_language(qapp, translators)


def _lines_of(label: QLabel) -> int:
    return round(label.height() / label.fontMetrics().lineSpacing())
