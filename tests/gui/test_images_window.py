"""Images in the window: attached to the prompt by file, drop or paste (a non-image refused in
one line), sent with Run and stored with the run; a model that cannot see is refused before
anything is recorded; a run's images show as thumbnails that open full size."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, QSettings, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QImage
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QToolButton
from pytestqt.qtbot import QtBot
from sqlalchemy import text

from journal.core.images import images_of_run
from journal.core.storage import Journal
from journal.gui.main_window import MainWindow
from journal.gui.settings_store import SettingsStore
from tests.fake_ollama import FakeModel, FakeOllama
from tests.gui.window_teardown import stop_runs
from tests.image_bytes import png


@pytest.fixture
def window(
    qtbot: QtBot, db_path: Path, tmp_path: Path, fake_ollama: FakeOllama
) -> Iterator[MainWindow]:
    fake_ollama.add_model(FakeModel("llava:7b", capabilities=["completion", "vision"]))
    settings = SettingsStore(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    window = MainWindow(db=str(db_path), host=fake_ollama.url, settings=settings)
    qtbot.addWidget(window)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.context.journal is not None, timeout=10_000)
    picker = window.prompt_panel.model_picker
    qtbot.waitUntil(lambda: len(picker.models()) > 0, timeout=10_000)
    picker.set_current_model("llava:7b")
    window.prompt_panel.set_prompt("What is in the picture?")
    yield window
    stop_runs(qtbot, window)


def _thumb_tips(widget: object) -> list[str]:
    assert hasattr(widget, "findChildren")
    return [
        button.toolTip()
        for button in widget.findChildren(QToolButton)
        if button.isVisibleTo(widget) and button.text() != "×"
    ]


def _runs(journal: Journal) -> int:
    with journal.read() as session:
        return int(session.execute(text("SELECT count(*) FROM run")).scalar_one())


def test_attach_by_file_with_the_shortcut_and_refuse_a_file_that_is_no_image(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cat, notes = tmp_path / "cat.png", tmp_path / "notes.png"
    cat.write_bytes(png(4, 3))
    notes.write_bytes(b"not a picture at all")
    answers = iter([[str(cat)], [str(notes)]])
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", staticmethod(lambda *_a, **_k: (next(answers), ""))
    )
    attached = window.prompt_panel.attached_images
    assert attached.isHidden()
    mods = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    QTest.keyClick(window, Qt.Key.Key_I, mods)
    assert _thumb_tips(attached) == [f"cat.png\nimage/png, {len(png(4, 3))} B\n4×3 pixels"]
    window.prompt_panel.attached_images.choose_files()  # the button does the same
    assert attached.message() == (
        f"{notes} is not a PNG, JPEG or WebP image (judged by its content, not its name)."
    )
    assert len(attached.images()) == 1  # the refused one is not attached
    remove = [b for b in attached.findChildren(QToolButton) if b.text() == "×"]
    assert remove[0].toolTip() == "Remove cat.png from the prompt"
    remove[0].click()
    assert attached.images() == [] and _thumb_tips(attached) == []


def test_paste_and_drop_attach_and_run_sends_and_stores_them(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, fake_ollama: FakeOllama
) -> None:
    picture = QImage(6, 5, QImage.Format.Format_RGB32)
    picture.fill(Qt.GlobalColor.red)
    QGuiApplication.clipboard().setImage(picture)
    prompt = window.prompt_panel.prompt_edit
    prompt.setFocus()
    QTest.keyClick(prompt, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
    QGuiApplication.clipboard().clear()
    attached = window.prompt_panel.attached_images
    assert len(attached.images()) == 1
    assert _thumb_tips(attached)[0].startswith("pasted image\nimage/png, ")
    assert window.prompt_panel.prompt() == "What is in the picture?"  # no text pasted

    photo = tmp_path / "photo.png"
    photo.write_bytes(png(5, 4, shade=200))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(photo))])
    buttons, keys = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(QPoint(5, 5), Qt.DropAction.CopyAction, mime, buttons, keys)
    QApplication.sendEvent(prompt.viewport(), enter)  # Qt drops only after an enter
    assert enter.isAccepted()
    drop = QDropEvent(QPointF(5, 5), Qt.DropAction.CopyAction, mime, buttons, keys)
    QApplication.sendEvent(prompt.viewport(), drop)
    assert [image.mime for image in attached.images()] == ["image/png", "image/png"]
    sent = [base64.b64encode(image.data).decode("ascii") for image in attached.images()]

    with qtbot.waitSignal(window.runs.finished, timeout=15_000) as finished:
        window.run_prompt()
    run = finished.args[0]
    assert run.response.startswith("I see 2 images. ")
    assert fake_ollama.images_sent() == sent
    assert len(attached.images()) == 2  # kept, like the prompt: Run again sends them again
    journal = window.context.journal
    assert journal is not None
    with journal.read() as session:
        assert [i.mime for i in images_of_run(session, run.id)] == ["image/png", "image/png"]

    # The run, once shown, says what it was shown: thumbnails that open full size.
    shown = window.display.run_images
    qtbot.waitUntil(lambda: len(shown.buttons()) == 2, timeout=5000)
    first, second = shown.buttons()
    assert first.toolTip().startswith(f"Image 1 of run {run.id}: ")
    assert "6x5" in first.toolTip() and "Click to see it full size" in first.toolTip()
    second.click()
    dialog = shown.dialog
    assert dialog is not None and dialog.isVisible()
    assert (dialog.image.pixmap().width(), dialog.image.pixmap().height()) == (5, 4)
    QTest.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_a_model_that_cannot_see_is_refused_before_anything_is_recorded(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, fake_ollama: FakeOllama
) -> None:
    cat = tmp_path / "cat.png"
    cat.write_bytes(png())
    window.prompt_panel.attached_images.attach_file(str(cat))
    window.prompt_panel.model_picker.set_current_model("llama3:8b")
    with qtbot.waitSignal(window.runs.failed, timeout=15_000) as failed:
        window.run_prompt()
    assert failed.args[0].message == "llama3:8b cannot see images; pick a vision model."
    journal = window.context.journal
    assert journal is not None
    assert _runs(journal) == 0 and fake_ollama.requests_for("/api/chat") == []
    assert len(window.prompt_panel.attached_images.images()) == 1  # still there to retry
