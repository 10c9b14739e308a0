"""Conversations in the window: Continue a run, the history's threads, the turn line."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from journal.core.models import Run, RunStatus
from journal.core.queries import get_run
from journal.core.storage import Journal
from journal.gui.main_window import MainWindow
from journal.gui.run_history import INDENT, MAX_INDENT, RunHistoryModel
from journal.gui.settings_store import SettingsStore
from tests.fake_ollama import FakeOllama
from tests.gui.window_teardown import stop_runs

WindowFactory = Callable[[str], MainWindow]
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def open_window(qtbot: QtBot, db_path: Path, tmp_path: Path) -> Iterator[WindowFactory]:
    windows: list[MainWindow] = []
    settings = SettingsStore(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))

    def factory(host: str) -> MainWindow:
        window = MainWindow(db=str(db_path), host=host, settings=settings)
        qtbot.addWidget(window)
        window.show()
        window.start()
        qtbot.waitUntil(lambda: window.context.journal is not None, timeout=10_000)
        picker = window.prompt_panel.model_picker
        qtbot.waitUntil(lambda: len(picker.models()) > 0, timeout=10_000)
        windows.append(window)
        return window

    yield factory
    for window in windows:
        stop_runs(qtbot, window)


def _run(qtbot: QtBot, window: MainWindow, prompt: str) -> Run:
    window.prompt_panel.set_prompt(prompt)
    with qtbot.waitSignal(window.runs.finished, timeout=15_000) as finished:
        QTest.keyClick(window.prompt_panel, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    run = finished.args[0]
    assert isinstance(run, Run)
    return run


def _continue(window: MainWindow) -> None:
    QTest.keyClick(window, Qt.Key.Key_F, CTRL_SHIFT)


def _rows(window: MainWindow) -> list[tuple[int, str, str | None]]:
    """(run id, model cell, model tooltip) for every row of the history, top down."""
    model = window.history_model
    return [
        (
            model.run(row).id,
            model.data(model.index(row, model.MODEL)),
            model.data(model.index(row, model.MODEL), Qt.ItemDataRole.ToolTipRole),
        )
        for row in range(model.rowCount())
    ]


def test_continue_sends_the_history_and_shows_the_new_turn_under_its_parent(
    qtbot: QtBot, open_window: WindowFactory, fake_ollama: FakeOllama, db_path: Path
) -> None:
    window = open_window(fake_ollama.url)
    window.prompt_panel.model_picker.set_current_model("llama3:8b")
    first = _run(qtbot, window, "What is the capital of France?")
    banner = window.follow_ups.banner
    assert not banner.isVisible()

    _continue(window)
    assert banner.isVisible()
    assert banner.label.text() == f"Follow-up to run {first.id} · turn 2 · llama3:8b"
    assert window.prompt_panel.prompt() == ""
    assert window.prompt_panel.model_picker.current_model() == "llama3:8b"
    second = _run(qtbot, window, "And of Italy?")

    sent = fake_ollama.requests_for("/api/chat")[-1].body["messages"]
    assert sent == [
        {"role": "user", "content": "What is the capital of France?"},
        {"role": "assistant", "content": first.response},
        {"role": "user", "content": "And of Italy?"},
    ]
    with Journal.open(db_path) as journal, journal.read() as session:
        assert get_run(session, second.id or 0).parent_id == first.id
    assert _rows(window) == [
        (first.id, "llama3:8b", f"turn 1 (run {first.id})"),
        (second.id, "↳ llama3:8b", f"turn 2 (run {second.id}, follows run {first.id})"),
    ]
    assert window.display.current_run_id() == second.id  # the new turn is selected
    assert window.display.turn_label.text() == f"Turn 2 · follows run {first.id}"
    # The conversation goes on from the new turn, with an empty prompt.
    assert banner.label.text() == f"Follow-up to run {second.id} · turn 3 · llama3:8b"
    assert window.prompt_panel.prompt() == ""


def test_continuing_an_earlier_turn_makes_a_branch(
    qtbot: QtBot, open_window: WindowFactory, fake_ollama: FakeOllama
) -> None:
    window = open_window(fake_ollama.url)
    window.prompt_panel.model_picker.set_current_model("llama3:8b")
    root = _run(qtbot, window, "Name a river.")
    _continue(window)
    turn2 = _run(qtbot, window, "Another one?")
    turn3 = _run(qtbot, window, "And a third?")  # follow-up mode went on from turn 2
    assert turn3.parent_id == turn2.id

    window.display.select_run(turn2.id or 0)  # another run: follow-up mode ends
    assert not window.follow_ups.banner.isVisible()
    assert window.prompt_panel.prompt() == "Another one?"  # loaded as usual
    _continue(window)
    branch = _run(qtbot, window, "A longer one?")

    sent = fake_ollama.requests_for("/api/chat")[-1].body["messages"]
    assert [message["content"] for message in sent] == [
        "Name a river.",
        root.response,
        "Another one?",
        turn2.response,
        "A longer one?",
    ]
    assert _rows(window) == [
        (root.id, "llama3:8b", f"turn 1 (run {root.id})"),
        (turn2.id, "↳ llama3:8b", f"turn 2 (run {turn2.id}, follows run {root.id})"),
        (
            turn3.id,
            INDENT + "↳ llama3:8b",
            f"turn 3 (run {turn3.id}, branch 1 of 2 from run {turn2.id})",
        ),
        (
            branch.id,
            INDENT + "↳ llama3:8b",
            f"turn 3 (run {branch.id}, branch 2 of 2 from run {turn2.id})",
        ),
    ]
    model = window.history_model
    assert model.data(model.index(0, model.ID), Qt.ItemDataRole.ToolTipRole) == (
        f"turn 1 (run {root.id})\nIts 2 branches end at runs {turn3.id}, {branch.id}"
    )
    assert model.data(model.index(2, model.ID), Qt.ItemDataRole.ToolTipRole) == (
        f"turn 3 (run {turn3.id}, branch 1 of 2 from run {turn2.id})"
    )
    assert window.display.current_run_id() == branch.id
    assert window.display.turn_label.text() == (f"Turn 3 · follows run {turn2.id} · branch 2 of 2")


def test_esc_and_the_cross_leave_follow_up_mode(
    qtbot: QtBot, open_window: WindowFactory, fake_ollama: FakeOllama
) -> None:
    window = open_window(fake_ollama.url)
    window.prompt_panel.model_picker.set_current_model("llama3:8b")
    _run(qtbot, window, "Say hello.")
    banner = window.follow_ups.banner
    _continue(window)
    assert banner.isVisible()
    QTest.keyClick(window, Qt.Key.Key_Escape)
    assert not banner.isVisible()
    _continue(window)
    assert banner.close_button.toolTip().startswith("Leave follow-up mode")
    banner.close_button.click()
    assert not banner.isVisible()
    plain = _run(qtbot, window, "Say goodbye.")
    assert plain.parent_id is None
    assert window.display.turn_label.isHidden()
    sent = fake_ollama.requests_for("/api/chat")[-1].body["messages"]
    assert sent == [{"role": "user", "content": "Say goodbye."}]


def test_a_conversation_near_its_context_shows_a_warning_and_is_still_sent(
    qtbot: QtBot, open_window: WindowFactory, fake_ollama: FakeOllama
) -> None:
    window = open_window(fake_ollama.url)
    panel = window.prompt_panel
    panel.model_picker.set_current_model("llama3:8b")
    panel.options_panel.set_values({"num_ctx": 64}, None, None)
    first = _run(qtbot, window, "Tell me about rivers. " * 20)
    _continue(window)
    assert window.follow_ups.banner.warning.isHidden()
    follow = _run(qtbot, window, "More, please.")
    assert follow.parent_id == first.id and follow.status is RunStatus.DONE
    warning = window.follow_ups.banner.warning
    assert warning.isVisible()
    assert "of 64 tokens (num_ctx option)" in warning.text()
    assert "raise num_ctx" in warning.text()


def _conversation(journal: Journal, experiment_id: int, turns: int) -> list[Run]:
    """A run on its own, then a conversation of `turns` turns with a branch at turn 2."""
    with journal.write() as session:
        single = Run(experiment_id=experiment_id, model="qwen3:0.6b", status=RunStatus.DONE)
        session.add(single)
        chain: list[Run] = []
        for number in range(turns):
            run = Run(
                experiment_id=experiment_id,
                model="llama3:8b",
                status=RunStatus.DONE,
                parent_id=chain[-1].id if chain else None,
            )
            session.add(run)
            session.flush()
            chain.append(run)
            assert number == len(chain) - 1
        branch = Run(
            experiment_id=experiment_id,
            model="llama3:8b",
            status=RunStatus.DONE,
            parent_id=chain[1].id,
        )
        session.add(branch)
        session.flush()
        return [single, *chain, branch]


def test_a_fifty_turn_conversation_is_listed_as_one_indented_thread(
    journal: Journal, experiment_id: int
) -> None:
    single, *chain, branch = _conversation(journal, experiment_id, 50)
    model = RunHistoryModel()
    model.set_runs([single, *chain, branch])
    ids = [model.run(row).id for row in range(model.rowCount())]
    # The thread with the newest run first; in it the root, then depth first, oldest
    # branch first; the run on its own after it, as before.
    assert ids == [*(run.id for run in chain), branch.id, single.id]
    cells = [model.data(model.index(row, model.MODEL)) for row in range(model.rowCount())]
    assert cells[0] == "llama3:8b"
    for depth in range(1, 50):
        assert cells[depth] == INDENT * (min(depth, MAX_INDENT) - 1) + "↳ llama3:8b"
    assert cells[50] == INDENT + "↳ llama3:8b"  # the branch from turn 2 is a turn 3
    assert cells[51] == "qwen3:0.6b"
    tooltip = model.data(model.index(49, model.MODEL), Qt.ItemDataRole.ToolTipRole)
    assert tooltip == f"turn 50 (run {chain[49].id}, follows run {chain[48].id})"
    assert model.data(model.index(51, model.MODEL), Qt.ItemDataRole.ToolTipRole) is None


def test_replay_on_several_models_can_regenerate_every_turn_of_a_conversation(
    qtbot: QtBot,
    open_window: WindowFactory,
    fake_ollama: FakeOllama,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from journal.gui.fan_out_dialog import FanOutDialog

    window = open_window(fake_ollama.url)
    window.prompt_panel.model_picker.set_current_model("llama3:8b")
    root = _run(qtbot, window, "Name a colour.")
    _continue(window)
    turn2 = _run(qtbot, window, "And another?")
    asked: list[int] = []

    def ask_conversation(
        cls: object, parent: object, run_id: int, models: list[str]
    ) -> tuple[list[str], bool]:
        asked.append(run_id)
        return ["qwen3:0.6b"], True

    monkeypatch.setattr(FanOutDialog, "ask_conversation", classmethod(ask_conversation))
    window.fan_out_action.trigger()
    qtbot.waitUntil(
        lambda: window.history_model.rowCount() == 4 and not window.runs.is_running,
        timeout=20_000,
    )
    assert asked == [turn2.id]
    rows = [window.history_model.run(row) for row in range(4)]
    new_root, new_turn = rows[0], rows[1]  # the newest thread first
    assert (new_root.model, new_root.replay_of_id, new_root.parent_id) == (
        "qwen3:0.6b",
        root.id,
        None,
    )
    assert (new_turn.replay_of_id, new_turn.parent_id) == (turn2.id, new_root.id)
    sent = fake_ollama.requests_for("/api/chat")[-1].body["messages"]
    assert [message["content"] for message in sent] == [
        "Name a colour.",
        new_root.response,  # the NEW answer, not the recorded one
        "And another?",
    ]


def test_the_fan_out_dialog_offers_regeneration_only_for_a_conversation(qtbot: QtBot) -> None:
    from journal.gui.fan_out_dialog import FanOutDialog

    single = FanOutDialog(3, ["a:1b"])
    turn = FanOutDialog(4, ["a:1b"], conversation=True)
    for dialog in (single, turn):
        qtbot.addWidget(dialog)
    assert single.regenerate.isHidden()
    assert not turn.regenerate.isHidden()
    assert "every turn up to run 4 again" in turn.regenerate.toolTip()


def test_a_stopped_run_can_be_continued_with_its_partial_answer(
    qtbot: QtBot, open_window: WindowFactory, fake_ollama: FakeOllama
) -> None:
    fake_ollama.stall_after = 3
    window = open_window(fake_ollama.url)
    window.prompt_panel.model_picker.set_current_model("llama3:8b")
    window.prompt_panel.set_prompt("Tell me a long story.")
    QTest.keyClick(window.prompt_panel, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: len(window.answer_view.answer_text().split()) >= 3, timeout=10_000)
    with qtbot.waitSignal(window.runs.finished, timeout=5000) as finished:
        QTest.keyClick(window, Qt.Key.Key_Escape)
    stopped = finished.args[0]
    assert stopped.status is RunStatus.CANCELLED
    fake_ollama.stall_after = None
    _continue(window)
    assert window.follow_ups.banner.isVisible()
    follow = _run(qtbot, window, "Go on.")
    assert follow.parent_id == stopped.id
    sent = fake_ollama.requests_for("/api/chat")[-1].body["messages"]
    assert sent[1] == {"role": "assistant", "content": stopped.response}
