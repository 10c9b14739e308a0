"""The answer pane streams, renders Markdown, toggles raw text and never fetches what it shows."""

from __future__ import annotations

import random
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from PySide6.QtCore import QThreadPool, QUrl
from PySide6.QtGui import QColor, QImage, QPalette, QTextDocument
from PySide6.QtWidgets import QApplication, QLabel, QToolButton
from pytestqt.qtbot import QtBot

from journal.gui.answer_view import (
    BACKGROUND_RENDER_CHARS,
    STREAM_PARAGRAPH_CHARS,
    AnswerView,
    SafeTextBrowser,
)

ANSWER = """# Result

Some **bold** text.

```python
def add(a, b):
    return a + b
```

| Model | Score |
|-------|-------|
| llama | 0.9   |
"""


@pytest.fixture
def view(qtbot: QtBot) -> AnswerView:
    widget = AnswerView()
    qtbot.addWidget(widget)
    widget.resize(500, 400)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


class _CountingServer(ThreadingHTTPServer):
    requests: list[str]


class _CountingHandler(BaseHTTPRequestHandler):
    server: _CountingServer

    def do_GET(self) -> None:
        self.server.requests.append(self.path)
        self.send_response(404)
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def counting_server() -> Iterator[_CountingServer]:
    """An HTTP server on a free loopback port that records every request it gets."""
    server = _CountingServer(("127.0.0.1", 0), _CountingHandler)
    server.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_streamed_batches_append_in_order(view: AnswerView) -> None:
    batches = [f"part {n} `x` <b>\n" if n % 3 == 0 else f"part {n} " for n in range(200)]
    view.begin_stream()
    for batch in batches:
        view.append_text(batch, "")
    assert view.is_streaming() and not view.is_rendered()
    assert view.answer_text() == "".join(batches)
    assert view.response_text() == "".join(batches)


def test_end_of_stream_renders_markdown(view: AnswerView) -> None:
    view.begin_stream()
    for start in range(0, len(ANSWER), 7):
        view.append_text(ANSWER[start : start + 7], "")
    assert "```python" in view.answer_text()
    view.end_stream()
    assert view.is_rendered() and not view.is_streaming()
    html = view.browser.toHtml()
    assert "<pre" in html and "def add(a, b):" in view.answer_text()
    assert "<table" in html and "llama" in view.answer_text()
    assert "```" not in view.answer_text() and "|---" not in view.answer_text()
    assert view.response_text() == ANSWER


def test_raw_mode_shows_the_exact_text(view: AnswerView, qtbot: QtBot) -> None:
    text = "Use `code`, ``double``, and\n```\nfence\n```\n<b>not bold</b> & *stars*"
    view.show_answer(text, "")
    assert view.is_rendered()
    with qtbot.waitSignal(view.raw_mode_changed) as blocker:
        view.set_raw_mode(True)
    assert blocker.args == [True]
    assert view.raw_mode and not view.is_rendered()
    assert view.answer_text() == text
    view.set_raw_mode(False)
    assert view.is_rendered()
    assert "<b>not bold</b>" in view.answer_text()  # shown as text, not as markup


def test_raw_mode_survives_a_new_stream(view: AnswerView) -> None:
    view.set_raw_mode(True)
    view.begin_stream()
    view.append_text("# Title\n", "")
    view.end_stream()
    assert not view.is_rendered()
    assert view.answer_text() == "# Title\n"


def test_showing_an_answer_fetches_nothing(
    view: AnswerView, qtbot: QtBot, counting_server: _CountingServer, tmp_path: Path
) -> None:
    base = f"http://127.0.0.1:{counting_server.server_address[1]}"
    picture = tmp_path / "picture.png"
    QImage(40, 30, QImage.Format.Format_RGB32).save(str(picture))
    answer = (
        f'<img src="{base}/raw.png"> and ![chart]({base}/markdown.png)\n\n'
        f'<link rel="stylesheet" href="{base}/style.css">\n\n'
        f"![local]({picture.as_uri()})"
    )
    view.show_answer(answer, "")
    # Even HTML that does name resources (the renderer never writes any) loads nothing.
    view.browser.setHtml(
        f'<img src="{base}/direct.png"><img src="{picture.as_uri()}"><img src="{picture}">'
    )
    qtbot.wait(200)  # proving an absence: give any fetch time to happen
    assert counting_server.requests == []
    document = view.browser.document()
    for name in (picture.as_uri(), str(picture)):
        image = document.resource(QTextDocument.ResourceType.ImageResource, QUrl(name))
        assert isinstance(image, QImage) and image.size().width() == 1  # the blank stand-in


def test_load_resource_returns_nothing_for_local_files(qtbot: QtBot, tmp_path: Path) -> None:
    browser = SafeTextBrowser()
    qtbot.addWidget(browser)
    picture = tmp_path / "picture.png"
    QImage(40, 30, QImage.Format.Format_RGB32).save(str(picture))
    sheet = tmp_path / "sheet.css"
    sheet.write_text("p { color: red }")
    image = browser.loadResource(
        QTextDocument.ResourceType.ImageResource.value, QUrl.fromLocalFile(str(picture))
    )
    assert isinstance(image, QImage) and image.width() == 1 and image.height() == 1
    for kind in (
        QTextDocument.ResourceType.StyleSheetResource,
        QTextDocument.ResourceType.HtmlResource,
    ):
        assert browser.loadResource(kind.value, QUrl.fromLocalFile(str(sheet))).size() == 0
    # The document's own loader (which falls back to reading files itself) gets nothing either.
    loaded = browser.document().loadResource(
        QTextDocument.ResourceType.StyleSheetResource.value, QUrl.fromLocalFile(str(sheet))
    )
    assert not loaded


@pytest.mark.parametrize(
    ("url", "opened"),
    [
        ("https://example.com/a", True),
        ("http://example.com", True),
        ("mailto:someone@example.com", True),
        ("file:///etc/passwd", False),
        ("javascript:alert(1)", False),
        ("ftp://example.com/x", False),
        ("notes.md", False),
    ],
)
def test_clicked_links_open_only_web_and_mail(
    view: AnswerView, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch, url: str, opened: bool
) -> None:
    calls: list[str] = []

    def fake_open(target: QUrl) -> bool:
        calls.append(target.toString())
        return True

    monkeypatch.setattr(view.browser, "open_url", fake_open)
    if opened:
        view.browser.anchorClicked.emit(QUrl(url))
    else:
        with qtbot.waitSignal(view.browser.link_refused, timeout=1000):
            view.browser.anchorClicked.emit(QUrl(url))
    assert calls == ([QUrl(url).toString()] if opened else [])


def test_thinking_section_appears_only_with_thinking(view: AnswerView) -> None:
    view.show_answer("Just an answer.", "")
    assert not view.thinking_visible()
    view.show_answer("An answer.", "x" * 1234)
    assert view.thinking_visible()
    assert view.thinking_header() == "Thinking (1,234 chars)"
    assert view.thinking_text() == "x" * 1234
    assert not view.thinking_expanded()  # a finished run starts with it folded
    view.clear()
    assert not view.thinking_visible() and view.answer_text() == ""


def test_thinking_folds_when_the_answer_starts(view: AnswerView, qtbot: QtBot) -> None:
    view.begin_stream()
    view.append_text("", "Let me think. ")
    view.append_text("", "Still thinking.")
    assert view.thinking_visible() and view.thinking_expanded()
    assert view.thinking_header() == "Thinking (29 chars)"
    view.append_text("The answer", "")
    assert not view.thinking_expanded()
    button = view.findChild(QToolButton, "thinkingToggle")
    assert button is not None
    button.click()
    assert view.thinking_expanded()
    assert view.thinking_text() == "Let me think. Still thinking."


def test_status_line(view: AnswerView) -> None:
    assert view.status_text() == ""
    view.set_status("Cancelled — partial answer kept", "warning")
    label = view.findChild(QLabel, "answerStatus")
    assert label is not None and label.isVisible()
    assert view.status_text() == "Cancelled — partial answer kept"
    assert view.status_kind() == "warning"
    view.set_status("")
    assert not label.isVisible()
    with pytest.raises(ValueError, match="unknown status kind"):
        view.set_status("x", "fatal")


def test_placeholder(view: AnswerView) -> None:
    assert view.browser.placeholderText() == "Run the prompt to see the answer here"
    view.set_placeholder("Pick a run")
    assert view.browser.placeholderText() == "Pick a run"


def test_streaming_follows_the_end_unless_the_user_scrolled_up(
    view: AnswerView, qtbot: QtBot
) -> None:
    bar = view.browser.verticalScrollBar()
    view.begin_stream()
    for n in range(100):
        view.append_text(f"line {n}\n", "")
    qtbot.waitUntil(lambda: bar.maximum() > 0 and bar.value() == bar.maximum())
    bar.setValue(0)  # the user scrolls up to read
    for n in range(100):
        view.append_text(f"more {n}\n", "")
    QApplication.processEvents()
    assert bar.value() == 0
    bar.setValue(bar.maximum())  # and back down: following again
    view.append_text("last\n" * 20, "")
    qtbot.waitUntil(lambda: bar.value() == bar.maximum())


def test_rendering_follows_the_palette(view: AnswerView) -> None:
    view.show_answer("```\ncode\n```", "")
    light = view.browser.toHtml()
    palette = QPalette(view.palette())
    palette.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#e0e0e0"))
    view.setPalette(palette)
    assert view.is_rendered()
    dark = view.browser.toHtml()
    assert dark != light
    assert "#2a2a2a" in dark  # the code block: #1e1e1e moved 6% of the way to #e0e0e0


def test_a_megabyte_of_backticks_renders(view: AnswerView, qtbot: QtBot) -> None:
    rng = random.Random(3)
    pieces = ["`", "``", "```", "````", "```python\n", " ", "word", "\n", "\n\n", "<img src=x>"]
    text = "".join(rng.choice(pieces) for _ in range(260_000))[:1_000_000]
    view.show_answer(text, "")
    assert not view.is_rendered()  # long: the exact text shows while it renders elsewhere
    assert view.answer_text() == text
    qtbot.waitUntil(view.is_rendered, timeout=15_000)
    assert view.response_text() == text
    assert "<img" not in view.browser.toHtml()


def test_a_stale_background_render_is_dropped(view: AnswerView, qtbot: QtBot) -> None:
    view.show_answer("# Long\n\n" + "word " * BACKGROUND_RENDER_CHARS, "")
    assert not view.is_rendered()
    view.show_answer("*short*", "")
    assert view.is_rendered()
    QThreadPool.globalInstance().waitForDone(15_000)
    qtbot.wait(50)  # let the finished render's result arrive (and be dropped)
    assert view.answer_text() == "short"


def test_long_answers_render_one_after_another(view: AnswerView, qtbot: QtBot) -> None:
    for word in ("first", "second", "third"):
        text = f"# {word}\n\n" + f"{word} *word* " * (BACKGROUND_RENDER_CHARS // 10)
        view.show_answer(text, "")
        qtbot.waitUntil(view.is_rendered, timeout=10_000)
        assert view.answer_text().startswith(f"{word}\n{word} word {word} word")
        view.set_raw_mode(True)
        assert view.answer_text() == text
        view.set_raw_mode(False)
        qtbot.waitUntil(view.is_rendered, timeout=10_000)


def test_an_endless_line_streams_in_short_paragraphs(view: AnswerView) -> None:
    # Qt lays out a whole paragraph again after each insertion; one endless line would make
    # every batch slower than the last, so on screen it is split while it streams.
    view.set_raw_mode(True)
    view.begin_stream()
    batches = ["x" * 50 for _ in range(200)] + ["end"]
    for batch in batches:
        view.append_text(batch, "y" * 50)
    shown = view.answer_text()
    assert shown.replace("\n", "") == "".join(batches)
    assert all(len(line) <= STREAM_PARAGRAPH_CHARS for line in shown.split("\n"))
    assert view.thinking_text() == "y" * 50 * 201
    view.end_stream()
    assert view.answer_text() == "".join(batches)  # the exact text once the stream ends
    assert view.thinking_text() == "y" * 50 * 201
