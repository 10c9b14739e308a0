"""The check window, pre-triaged, against the fake Ollama: the replays land in groups with
the core's summary line, passes are accepted in one action, keyboard triage walks only what
is left, and a judge's item waits in "Still grading" until the judge answers (also after
the window was closed and the check resumed).

The fake target answers "GOOD answer to ..." except to "hard" prompts ("BAD answer"), so
every item's group is known before the check runs; the judge on the same fake server
answers only when the test lets it."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QModelIndex, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from journal.core.domain import Verdict
from journal.core.expectations import parse_expectation
from journal.core.grades import add_expectation
from journal.core.migration_check import item_runs
from journal.core.ollama_service import OllamaService
from journal.core.queries import create_experiment
from journal.core.settings import SettingsFile
from journal.core.storage import Journal
from journal.gui.check_items_model import WHY_COLUMN
from journal.gui.check_window import CheckWindow
from journal.gui.context import AppContext
from tests.fake_ollama import FakeModel, FakeOllama
from tests.past_runs import add_past_run

# Counts go through Qt's plural forms (the English ones come with the app's English
# translation): the text expected is the window's own, for the count.
translate = QCoreApplication.translate

TARGET = "newmodel:1b"
JUDGE = "judge:1b"


def _reply(messages: list[dict[str, Any]], options: dict[str, Any]) -> str:
    prompt = str([m for m in messages if m.get("role") == "user"][-1]["content"])
    return "BAD answer" if "hard" in prompt else f"GOOD answer to {prompt}"


class HeldJudge:
    """A judge that answers only once the test lets it (`release`); counts its questions."""

    def __init__(self) -> None:
        self.go = threading.Event()
        self.asked = 0
        self._lock = threading.Lock()

    def __call__(self, messages: list[dict[str, Any]], options: dict[str, Any]) -> str:
        with self._lock:
            self.asked += 1
        self.go.wait(30)
        return json.dumps({"pass": True, "score": 0.9, "reason": "it answers"})

    def release(self) -> None:
        self.go.set()


@pytest.fixture
def judge() -> Iterator[HeldJudge]:
    held = HeldJudge()
    yield held
    held.release()  # no server thread stays behind


@pytest.fixture
def server(fake_ollama: FakeOllama, judge: HeldJudge) -> FakeOllama:
    fake_ollama.add_model(FakeModel(TARGET, family="new", reply=_reply))
    fake_ollama.add_model(FakeModel(JUDGE, reply=judge))
    return fake_ollama


def _seed(journal: Journal, plan: list[tuple[str, list[str]]]) -> list[int]:
    """One experiment per (prompt, expectation lines), each with a past run that worked."""
    with journal.write() as session:
        sources = []
        for prompt, lines in plan:
            experiment = create_experiment(session, title=prompt).id or 0
            for line in lines:
                add_expectation(session, experiment, parse_expectation(line))
            sources.append(add_past_run(session, experiment, prompt, Verdict.WORKED))
        return sources


# Positions 3, 7 and 10 fail ("hard"), 12 states no expectations: it needs a look.
TWELVE = [
    (
        f"hard question {n}" if n in (3, 7, 10) else f"question {n}",
        [] if n == 12 else ["contains:GOOD"],
    )
    for n in range(1, 13)
]


def _window(qtbot: QtBot, journal: Journal, server: FakeOllama, sources: list[int]) -> CheckWindow:
    window = CheckWindow(AppContext.for_journal(journal, OllamaService(server.url)))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    picker = window.target_picker
    qtbot.waitUntil(lambda: picker.is_installed(TARGET), timeout=5000)
    window.set_runs(sources)
    picker.set_current_model(TARGET)
    return window


def _start(qtbot: QtBot, window: CheckWindow) -> None:
    with qtbot.waitSignal(window.check_finished, timeout=15_000):
        window.start_button.click()


def _groups(window: CheckWindow) -> dict[str, list[int]]:
    """The groups shown (hidden ones left out): header text -> the items' positions."""
    model, view, shown = window.items_model, window.items_view, {}
    for row in range(model.rowCount()):
        if view.isRowHidden(row, QModelIndex()):
            continue
        header = model.index(row, 0)
        shown[header.data()] = [
            model.index(child, 0, header).data() for child in range(model.rowCount(header))
        ]
    return shown


def _verdicts(journal: Journal, window: CheckWindow, count: int) -> list[Verdict | None]:
    check_id = window.current_check_id() or 0
    with journal.read() as session:
        return [
            new.verdict if new else None
            for _, new in (item_runs(session, check_id, n) for n in range(1, count + 1))
        ]


def test_a_twelve_item_check_lands_in_its_groups_with_the_summary(
    qtbot: QtBot, qtmodeltester: Any, journal: Journal, server: FakeOllama
) -> None:
    window = _window(qtbot, journal, server, _seed(journal, TWELVE))
    _start(qtbot, window)
    qtmodeltester.check(window.items_model)
    assert _groups(window) == {
        "Passes (8)": [1, 2, 4, 5, 6, 8, 9, 11],
        "Fails (3)": [3, 7, 10],
        "Needs a look (1)": [12],
    }
    assert window.summary_text() == "8 of 12 pass on newmodel:1b (3 fail, 1 needs a look)"
    model = window.items_model
    why = model.index_of(3, WHY_COLUMN)
    assert why.data() == "0 of 1 pass; missing 'GOOD'"  # the reason, in the row
    assert "✗ contains:GOOD: fails — missing 'GOOD'" in why.data(Qt.ItemDataRole.ToolTipRole)
    assert model.index_of(12, WHY_COLUMN).data() == "no expectations to grade it by"
    assert window.grading_text() == ""

    window.select_position(3)  # the triage view: old, new, and why the new one fails
    assert "BAD answer" in window.new_view.toPlainText()
    marks = window.grade_strip.marks
    assert [marks.item(row).text() for row in range(marks.count())] == ["✗ contains:GOOD"]
    assert marks.item(0).toolTip() == "contains:GOOD: fails — missing 'GOOD'"
    assert window.grade_strip.summary_label.text() == "✗ 0 of 1 pass; missing 'GOOD'"


def test_accept_all_passes_marks_exactly_the_passes_without_a_verdict(
    qtbot: QtBot, journal: Journal, server: FakeOllama
) -> None:
    window = _window(qtbot, journal, server, _seed(journal, TWELVE))
    _start(qtbot, window)
    window.select_position(2)  # the person says this pass did not really work
    window.items_view.setFocus()
    with qtbot.waitSignal(window.item_triaged, timeout=3000):
        QTest.keyClick(window.items_view, Qt.Key.Key_F)
    assert window.accept_button.isEnabled()

    with qtbot.waitSignal(window.passes_accepted, timeout=3000) as accepted:
        QTest.keyClick(
            window.items_view,
            Qt.Key.Key_A,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    assert accepted.args == [7]
    assert window.message_text() == translate(
        "check_window", "Marked %n passing replay(s) as worked.", None, 7
    )
    assert window.summary_text() == (
        "7 of 12 pass on newmodel:1b (4 fail, 1 needs a look; 8 by your verdict)"
    )
    worked, failed = Verdict.WORKED, Verdict.FAILED
    assert _verdicts(journal, window, 12) == [
        worked, failed, None, worked, worked, worked, None, worked, worked, None, worked, None,
    ]  # fmt: skip
    assert not window.accept_button.isEnabled()  # nothing left to accept


def test_keyboard_triage_walks_only_the_fails_and_what_needs_a_look(
    qtbot: QtBot, journal: Journal, server: FakeOllama
) -> None:
    window = _window(qtbot, journal, server, _seed(journal, TWELVE))
    _start(qtbot, window)
    view = window.items_view
    view.setFocus()
    assert window.selected_position() == 3  # the first item left, not the first pass

    walked = []
    for _ in range(4):
        QTest.keyClick(view, Qt.Key.Key_N)
        walked.append(window.selected_position())
    assert walked == [7, 10, 12, 3]  # round to the start, never a pass
    QTest.keyClick(view, Qt.Key.Key_N, Qt.KeyboardModifier.ShiftModifier)
    assert window.selected_position() == 12

    window.select_position(3)
    judged = []
    for key in (Qt.Key.Key_F, Qt.Key.Key_P, Qt.Key.Key_F, Qt.Key.Key_W):
        judged.append(window.selected_position())
        with qtbot.waitSignal(window.item_triaged, timeout=3000):
            QTest.keyClick(view, key)
    assert judged == [3, 7, 10, 12]
    assert window.message_text() == "Nothing left to look at: 8 pass, 4 judged by you"
    assert window.summary_text() == (
        "9 of 12 pass on newmodel:1b (3 fail, 0 need a look; 4 by your verdict)"
    )
    QTest.keyClick(view, Qt.Key.Key_N)
    assert window.message_text() == "Nothing left to look at: 8 pass, 4 judged by you"


JUDGED = [("question 1", ["contains:GOOD"]), ("question 2", ["contains:GOOD", "judge:answers"])]


def test_a_judge_item_is_still_grading_until_the_judge_replies(
    qtbot: QtBot, journal: Journal, server: FakeOllama, judge: HeldJudge
) -> None:
    SettingsFile().update({"models.judge": JUDGE})
    window = _window(qtbot, journal, server, _seed(journal, JUDGED))
    _start(qtbot, window)
    assert _groups(window) == {"Passes (1)": [1], "Still grading (1)": [2]}
    assert window.summary_text() == (
        "1 of 2 pass on newmodel:1b (0 fail, 0 need a look); 1 still grading"
    )
    assert window.grading_text() == translate("check_window", "%n grade(s) still coming", None, 1)
    assert window.message_text() == translate(
        "check_window", "Replays finished (%n replay(s)); grading goes on.", None, 2
    )
    window.select_position(2)
    marks = window.grade_strip.marks
    assert [marks.item(row).text() for row in range(marks.count())] == [
        "✓ contains:GOOD",
        "… judge:answers",
    ]

    judge.release()
    qtbot.waitUntil(lambda: _groups(window) == {"Passes (2)": [1, 2]}, timeout=15_000)
    assert window.summary_text() == "2 of 2 pass on newmodel:1b (0 fail, 0 need a look)"
    assert window.grading_text() == ""
    assert window.message_text() == "Finished: every grade is in."
    qtbot.waitUntil(lambda: marks.count() == 2 and marks.item(1).text() == "✓ judge:answers")


def test_a_check_closed_while_grading_says_so_and_resuming_gives_only_the_missing_grade(
    qtbot: QtBot, journal: Journal, server: FakeOllama, judge: HeldJudge
) -> None:
    SettingsFile().update({"models.judge": JUDGE})
    sources = _seed(journal, JUDGED)
    window = _window(qtbot, journal, server, sources)
    _start(qtbot, window)
    qtbot.waitUntil(lambda: judge.asked == 1, timeout=15_000)  # asked; it does not answer
    check_id = window.current_check_id() or 0
    window.close()

    again = _window(qtbot, journal, server, sources)
    again.open_check(check_id)
    assert again.grading_text() == translate(
        "check_window", "%n grade(s) missing (grading stopped): Resume grades them", None, 1
    )
    assert again.summary_text() == "1 of 2 pass on newmodel:1b (0 fail, 1 needs a look)"
    assert again.resume_button.isEnabled()
    with qtbot.waitSignal(again.check_finished, timeout=15_000):
        again.resume_button.click()
    assert again.grading_text() == translate("check_window", "%n grade(s) still coming", None, 1)
    assert _groups(again) == {"Passes (1)": [1], "Still grading (1)": [2]}
    replays = [r for r in server.requests_for("/api/chat") if r.body["model"] == TARGET]
    assert len(replays) == 2  # no replay ran again: only the missing grade is given

    judge.release()
    qtbot.waitUntil(lambda: _groups(again) == {"Passes (2)": [1, 2]}, timeout=15_000)
    assert judge.asked == 2  # the cancelled question, and the missing grade asked again
    assert not again.resume_button.isEnabled()
