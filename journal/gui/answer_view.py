"""Show one run's answer and thinking, streamed or finished, without loading anything it names."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QByteArray,
    QCoreApplication,
    QEvent,
    QSizeF,
    Qt,
    QThread,
    QUrl,
    Signal,
    Slot,
)
from PySide6.QtGui import (
    QDesktopServices,
    QFont,
    QFontDatabase,
    QImage,
    QPalette,
    QTextCursor,
    QTextDocument,
    QTextOption,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QTextBrowser,
    QTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from journal.gui.i18n import message_text
from journal.gui.rich_text import header_colour, qt_html, qt_style_sheet
from journal.gui.tasks import Task, run_in_background
from journal.gui.translating import number

if TYPE_CHECKING:
    from journal.core.output_format import FormatCheck

# Schemes a clicked link may open in the user's browser or mail client.
translate = QCoreApplication.translate

OPENABLE_SCHEMES = frozenset({"http", "https", "mailto"})

# Answers longer than this are rendered on a pool thread while the exact text shows. Measured
# on a 1 MB answer: Python-Markdown 1.1 s (prose) to 3.5 s (code and tables), and building the
# QTextDocument from its HTML another 0.3 to 1.5 s. At 8,000 characters both together took
# 40 to 80 ms on the GUI thread (tables are the slowest: 10,000 characters of them took 160 ms).
BACKGROUND_RENDER_CHARS = 8_000

# A shorter answer that still takes longer than this to render (adversarial Markdown can be
# quadratic) is handed to the pool thread instead, so the GUI never waits longer than this.
GUI_RENDER_SECONDS = 0.15

# While streaming, a paragraph longer than this continues in a new paragraph on screen: Qt lays
# out a whole paragraph again after every insertion, so one endless line made each batch slower
# than the last (200 KB in 5,000 batches took 55 s). The exact text is shown when the stream ends.
STREAM_PARAGRAPH_CHARS = 4_000

# Qt's word-or-anywhere wrapping is quadratic in the length of an unbroken run of characters
# (1 MB of "[" took a minute to lay out); text with runs this long wraps anywhere instead.
_LONG_RUN = re.compile(r"\S{2000}")

# The thinking section grows with its text up to this many lines, then scrolls.
THINKING_LINES = 8

# How close to the end (in pixels) the scroll bar counts as "at the bottom" while streaming.
_BOTTOM_SLACK = 4

STATUS_KINDS = ("info", "warning", "error")


class SafeTextBrowser(QTextBrowser):
    """A text browser that never loads a resource and opens only web and mail links.

    The text comes from a model, so nothing it names is fetched: no images (remote, local or
    data:), no style sheets. Links are not followed inside the view; a click hands http(s)
    and mailto links to `open_url` (replace it on the instance in tests) and reports any other
    with `link_refused`.
    """

    link_refused = Signal(QUrl)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.anchorClicked.connect(self._on_self_anchor_clicked)

    def loadResource(self, kind: int, name: QUrl | str) -> Any:  # noqa: N802 (Qt override)
        # An empty answer is not enough: QTextDocument then reads local files and data: URLs
        # itself, and its image handler calls QImage.load(path) when the resource is not an
        # image. So images get a real, blank image and everything else empty (non-null) bytes.
        if kind == QTextDocument.ResourceType.ImageResource.value:
            return _blank_image()
        return QByteArray(b"")

    def open_url(self, url: QUrl) -> bool:
        """Open `url` outside the application; tests replace this on the instance."""
        return QDesktopServices.openUrl(url)

    @Slot(QUrl)
    def _on_self_anchor_clicked(self, url: QUrl) -> None:
        if url.scheme().lower() in OPENABLE_SCHEMES:
            self.open_url(url)
        else:
            self.link_refused.emit(url)


_blank: QImage | None = None


def _blank_image() -> QImage:
    global _blank
    if _blank is None:
        _blank = QImage(1, 1, QImage.Format.Format_ARGB32)
        _blank.fill(Qt.GlobalColor.transparent)
    return _blank


class AnswerView(QWidget):
    """The pane that shows one run: a collapsible thinking section, a status line, the answer.

    While a run streams, its text is appended as plain monospace text; once it ends (or for a
    finished run) the answer is shown as rendered Markdown, unless raw mode is on, which shows
    the exact text.
    """

    raw_mode_changed = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._init_state()
        header = self._init_header()
        self._init_thinking()
        self._init_status()
        self._init_browser()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(header)
        layout.addWidget(self._thinking_edit)
        layout.addWidget(self._status)
        layout.addWidget(self._format_status)
        layout.addWidget(self._browser, 1)
        self._init_connections()

        self._apply_palette()
        self._update_thinking_section()
        self.set_placeholder(translate("answer_view", "Run the prompt to see the answer here"))

    # --- layout and state -----------------------------------------------------------------

    def _init_state(self) -> None:
        # The answer arrives in many small batches: keep the pieces, join them when asked.
        self._parts: list[str] = []
        self._thinking_parts: list[str] = []
        self._thinking_length = 0
        self._answer_tail = _StreamTail()
        self._thinking_tail = _StreamTail()
        self._streaming = False
        self._rendered = False
        self._html: str | None = None  # the rendered fragment of the current answer
        self._pretty: str | None = None  # the answer as indented JSON (a run with a format)
        self._render_task: Task | None = None
        self._generation = 0  # bumped whenever the answer changes, to drop stale renders
        self._follow_end = True
        # Where to scroll once the layout (which Qt does lazily) has grown: a fraction of the
        # scroll range, kept until the user scrolls or the text changes.
        self._pending_fraction: float | None = None
        self._thinking_expanded = False
        self._thinking_touched = False  # the user opened or closed the section this run

    def _init_header(self) -> QHBoxLayout:
        """The thinking section's toggle on the left, Raw on the right."""
        self._thinking_button = QToolButton(self)
        self._thinking_button.setObjectName("thinkingToggle")
        self._thinking_button.setAutoRaise(True)  # not checkable: a checked button looks sunken
        self._thinking_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self._thinking_button.setArrowType(Qt.ArrowType.RightArrow)
        self._thinking_button.setToolTip(
            translate("answer_view", "Show or hide the model's thinking")
        )
        policy = self._thinking_button.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # the header keeps its height without thinking
        self._thinking_button.setSizePolicy(policy)

        self._raw_button = QToolButton(self)
        self._raw_button.setObjectName("rawToggle")
        self._raw_button.setText(translate("answer_view", "Raw"))
        self._raw_button.setCheckable(True)
        self._raw_button.setAutoRaise(True)
        self._raw_button.setToolTip(
            translate("answer_view", "Show the exact text instead of rendered Markdown")
        )

        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.setSpacing(4)
        header.addWidget(self._thinking_button)
        header.addStretch(1)
        header.addWidget(self._raw_button)
        return header

    def _init_thinking(self) -> None:
        # A QTextEdit rather than a QPlainTextEdit: its layout knows its height in pixels, so
        # the section can be as tall as its text, up to THINKING_LINES lines, then scroll.
        self._thinking_edit = QTextEdit(self)
        self._thinking_edit.setObjectName("thinkingText")
        self._thinking_edit.setReadOnly(True)
        self._thinking_edit.setAcceptRichText(False)
        self._thinking_edit.setFrameShape(QTextEdit.Shape.NoFrame)
        self._thinking_edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._thinking_edit.document().setUndoRedoEnabled(False)
        # Tinted and set apart by a rule on the left; _apply_palette mutes its text colour.
        self._thinking_edit.setStyleSheet(
            "QTextEdit#thinkingText { background: rgba(127, 127, 127, 0.08); border: none;"
            " border-left: 3px solid rgba(127, 127, 127, 0.45); padding: 2px 4px; }"
        )
        self._thinking_edit.hide()

    def _init_status(self) -> None:
        """A line above the answer: waiting, stopped, failed."""
        self._status = QLabel(self)
        self._status.setObjectName("answerStatus")
        self._status.setWordWrap(True)
        self._status.setTextFormat(Qt.TextFormat.PlainText)
        self._status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._status.setContentsMargins(6, 4, 6, 4)
        self._status.hide()
        # What the answer is against the format the run asked for: "✓ valid JSON, ...".
        self._format_status = QLabel(self)
        self._format_status.setObjectName("formatCheck")
        self._format_status.setWordWrap(True)
        self._format_status.setTextFormat(Qt.TextFormat.PlainText)
        self._format_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._format_status.setContentsMargins(6, 2, 6, 2)
        self._format_status.hide()

    def _init_browser(self) -> None:
        self._browser = SafeTextBrowser(self)
        self._browser.setObjectName("answerText")
        self._browser.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextBrowserInteraction
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self._browser.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        _prepare_document(self._browser.document())

    def _init_connections(self) -> None:
        self._thinking_button.clicked.connect(self._on_thinking_button_clicked)
        self._raw_button.toggled.connect(self._on_raw_button_toggled)
        self._thinking_edit.document().documentLayout().documentSizeChanged.connect(
            self._on_thinking_layout_size_changed
        )
        bar = self._browser.verticalScrollBar()
        bar.rangeChanged.connect(self._on_scroll_bar_range_changed)
        bar.valueChanged.connect(self._on_scroll_bar_value_changed)
        bar.actionTriggered.connect(self._on_scroll_bar_action_triggered)

    # --- public API -----------------------------------------------------------------------

    @property
    def browser(self) -> SafeTextBrowser:
        return self._browser

    @property
    def raw_mode(self) -> bool:
        return self._raw_button.isChecked()

    def set_raw_mode(self, raw: bool) -> None:
        """Show the exact text (True) or rendered Markdown (False); emits raw_mode_changed."""
        self._raw_button.setChecked(raw)  # toggled (and so the signal) only on a change

    def set_placeholder(self, text: str) -> None:
        """The text shown while there is no answer."""
        self._browser.setPlaceholderText(text)

    def clear(self) -> None:
        """Show nothing: no answer, no thinking, no status."""
        self._cancel_render()
        self._generation += 1
        self._streaming = False
        self._parts.clear()
        self._html = None
        self._pretty = None
        self._format_status.hide()
        self._thinking_parts.clear()
        self._thinking_length = 0
        self._thinking_touched = False
        self._thinking_expanded = False
        self._answer_tail = _StreamTail()
        self._thinking_tail = _StreamTail()
        self._thinking_edit.clear()
        self._show_plain("")
        self._update_thinking_section()
        self.set_status("")

    def begin_stream(self) -> None:
        """Start showing a run as it streams: plain monospace text, appended batch by batch."""
        self.clear()
        self._streaming = True
        self._follow_end = True
        self._pending_fraction = None

    def append_text(self, content: str, thinking: str = "") -> None:
        """Append one batch of streamed answer and thinking text."""
        if thinking:
            self._append_thinking(thinking)
        if not content:
            return
        if not self._parts and self._thinking_length and not self._thinking_touched:
            self._set_thinking_expanded(False)  # the answer starts: fold the thinking away
        self._parts.append(content)
        self._generation += 1
        self._html = None
        if not self._streaming:  # a batch after the end: show the whole answer again
            self._show_answer_text(keep_position=True)
            return
        self._answer_tail.append(self._browser.document(), content)
        if self._follow_end:
            self._scroll_to_end()

    def end_stream(self) -> None:
        """The run ended: show the answer as rendered Markdown (unless raw mode is on)."""
        if not self._streaming:
            return
        self._streaming = False
        if self._thinking_tail.broken:
            self._thinking_edit.setWordWrapMode(_wrap_mode_for(self.thinking_text()))
            self._thinking_edit.setPlainText(self.thinking_text())
        if not self.raw_mode or self._answer_tail.broken:
            # The streamed text on screen is the exact text unless long paragraphs were split.
            self._show_answer_text(keep_position=True, keep_screen=not self._answer_tail.broken)

    def show_answer(
        self, response: str, thinking: str = "", check: FormatCheck | None = None
    ) -> None:
        """Show a finished run (its thinking section starts folded). With `check` (a run
        that asked for a format), what the answer is against it, and the answer as indented
        JSON when it parses (Raw still shows the exact text)."""
        self.clear()
        if thinking:
            self._append_thinking(thinking)
            self._set_thinking_expanded(False)
        if response:
            self._parts.append(response)
        if check is not None:
            self._pretty = check.pretty if check.parsed else None
            mark = {True: "✓", False: "✗", None: "?"}[check.ok]
            self._format_status.setText(f"{mark} {message_text(check.message)}")
            kind = {True: "info", False: "error", None: "warning"}[check.ok]
            self._format_status.setStyleSheet(
                _STATUS_STYLES[kind].replace("#answerStatus", "#formatCheck")
            )
            self._format_status.show()
        self._show_answer_text(keep_position=False)

    def format_status_text(self) -> str:
        """The line saying what the answer is against the run's format ("" without one)."""
        return self._format_status.text() if self._format_status.isVisibleTo(self) else ""

    def set_status(self, text: str, kind: str = "info") -> None:
        """A line above the answer ("Cancelled — partial answer kept", an error); "" hides it.

        `kind` is "info", "warning" or "error".
        """
        if kind not in STATUS_KINDS:
            raise ValueError(f"unknown status kind: {kind!r}")
        self._status.setText(text)
        self._status.setProperty("kind", kind)
        self._status.setStyleSheet(_STATUS_STYLES[kind])
        self._status.setVisible(bool(text))

    def status_text(self) -> str:
        return self._status.text()

    def status_kind(self) -> str:
        return str(self._status.property("kind"))

    def response_text(self) -> str:
        """The exact answer text as the model sent it (what a "Copy" action should copy)."""
        if len(self._parts) > 1:
            self._parts[:] = ["".join(self._parts)]
        return self._parts[0] if self._parts else ""

    def answer_text(self) -> str:
        """The answer as displayed, as plain text."""
        return self._browser.toPlainText()

    def thinking_text(self) -> str:
        """The exact thinking text."""
        if len(self._thinking_parts) > 1:
            self._thinking_parts[:] = ["".join(self._thinking_parts)]
        return self._thinking_parts[0] if self._thinking_parts else ""

    def thinking_visible(self) -> bool:
        """Whether the thinking section's header is shown (only when there is thinking)."""
        return self._thinking_button.isVisibleTo(self)

    def thinking_header(self) -> str:
        return self._thinking_button.text()

    def thinking_expanded(self) -> bool:
        return self._thinking_expanded

    def is_rendered(self) -> bool:
        """Whether the answer shows as rendered Markdown (not raw, streaming or pending)."""
        return self._rendered

    def is_streaming(self) -> bool:
        return self._streaming

    # --- slots ------------------------------------------------------------------------------

    @Slot(bool)
    def _on_raw_button_toggled(self, raw: bool) -> None:
        if not self._streaming:
            # Leaving raw mode: the exact text may stay until a long answer's rendering is ready.
            self._show_answer_text(keep_position=True, keep_screen=not raw)
        self.raw_mode_changed.emit(raw)

    @Slot()
    def _on_thinking_button_clicked(self) -> None:
        self._thinking_touched = True
        self._set_thinking_expanded(not self._thinking_expanded)

    @Slot(QSizeF)
    def _on_thinking_layout_size_changed(self, size: QSizeF) -> None:
        margins = self._thinking_edit.contentsMargins()
        chrome = margins.top() + margins.bottom() + 2 * self._thinking_edit.frameWidth() + 2
        limit = self._thinking_edit.fontMetrics().lineSpacing() * THINKING_LINES
        self._thinking_edit.setFixedHeight(int(min(size.height(), limit)) + chrome)

    @Slot(int, int)
    def _on_scroll_bar_range_changed(self, _minimum: int, maximum: int) -> None:
        # The layout grows after the text is set (in steps, for long documents), so the end is
        # followed, and a kept position restored, here and not only right after the change.
        bar = self._browser.verticalScrollBar()
        if self._streaming and self._follow_end:
            bar.setValue(maximum)
        elif self._pending_fraction is not None:
            bar.setValue(round(self._pending_fraction * maximum))

    @Slot(int)
    def _on_scroll_bar_action_triggered(self, _action: int) -> None:
        self._pending_fraction = None  # the user scrolled: leave the position alone

    @Slot(int)
    def _on_scroll_bar_value_changed(self, value: int) -> None:
        if self._streaming:
            self._follow_end = value >= self._browser.verticalScrollBar().maximum() - _BOTTOM_SLACK

    def _on_render_done(self, result: tuple[int, str, QTextDocument]) -> None:
        # Called by journal.gui.tasks on the GUI thread, where the document now lives.
        generation, fragment, document = result
        self._render_task = None
        if generation != self._generation or self._streaming or self.raw_mode:
            document.deleteLater()
            return
        self._html = fragment
        position = self._current_fraction()
        previous = self._browser.document()
        # setDocument deletes the browser's own first document; the ones installed here (the
        # browser is their parent, so their resources are asked of it) are deleted here.
        installed_here = previous.parent() == self._browser
        document.setParent(self._browser)
        self._browser.setDocument(document)
        if installed_here:
            previous.deleteLater()
        self._rendered = True
        self._keep_fraction(position)

    # --- Qt overrides -----------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()
            if self._rendered or self._render_task is not None:  # colours mix the palette's
                self._show_answer_text(keep_position=True, keep_screen=True)

    # --- helpers ----------------------------------------------------------------------------

    def _apply_palette(self) -> None:
        palette = self._thinking_edit.palette()
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText)
        if palette.color(QPalette.ColorRole.Text) != muted:
            palette.setColor(QPalette.ColorRole.Text, muted)
            self._thinking_edit.setPalette(palette)

    def _append_thinking(self, thinking: str) -> None:
        first = not self._thinking_length
        self._thinking_parts.append(thinking)
        self._thinking_length += len(thinking)
        if self._streaming:
            self._thinking_tail.append(self._thinking_edit.document(), thinking)
        else:
            self._thinking_edit.setWordWrapMode(_wrap_mode_for(self.thinking_text()))
            self._thinking_edit.setPlainText(self.thinking_text())
        if first and not self._parts and not self._thinking_touched:
            self._set_thinking_expanded(True)  # thinking comes first: let it be read
        if self._streaming and not self._parts:
            bar = self._thinking_edit.verticalScrollBar()
            bar.setValue(bar.maximum())
        self._update_thinking_section()

    def _set_thinking_expanded(self, expanded: bool) -> None:
        self._thinking_expanded = expanded
        self._thinking_button.setArrowType(
            Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow
        )
        self._update_thinking_section()

    def _update_thinking_section(self) -> None:
        header = translate("answer_view", "Thinking ({count} chars)")
        self._thinking_button.setText(header.format(count=number(self._thinking_length)))
        self._thinking_button.setVisible(bool(self._thinking_length))
        self._thinking_edit.setVisible(self._thinking_expanded and bool(self._thinking_length))

    def _show_answer_text(self, *, keep_position: bool, keep_screen: bool = False) -> None:
        """Show the current answer the way the mode asks: exact text, or rendered Markdown.

        `keep_screen`: what the screen shows (the exact text, or the rendering in other
        colours) may stay there while a long answer renders in the background.
        """
        self._cancel_render()
        position = self._current_fraction() if keep_position else 0.0
        text = self.response_text()
        if self.raw_mode or self._streaming or not text:
            self._show_plain(text)
        elif self._pretty is not None:
            self._show_plain(self._pretty)
        else:
            if self._html is None and len(text) <= BACKGROUND_RENDER_CHARS:
                from journal.core.markdown_render import render_markdown_within

                self._html = render_markdown_within(text, GUI_RENDER_SECONDS)
            if self._html is not None and len(text) <= BACKGROUND_RENDER_CHARS:
                self._show_html(self._html)
            else:
                if not keep_screen:
                    self._show_plain(text)  # the exact text until the rendering is ready
                self._render_in_background(text)
        self._keep_fraction(position)

    def _show_plain(self, text: str) -> None:
        self._rendered = False
        document = self._browser.document()
        document.setDefaultFont(_fixed_font())
        document.setDefaultStyleSheet("")
        self._set_wrap_mode(text)
        self._browser.setPlainText(text)

    def _show_html(self, fragment: str) -> None:
        palette = self.palette()  # the browser hears of a change after this widget
        document = self._browser.document()
        document.setDefaultFont(self.font())
        document.setDefaultStyleSheet(qt_style_sheet(palette))
        self._set_wrap_mode(self.response_text())
        self._browser.setHtml(qt_html(fragment, header_colour(palette)))
        self._rendered = True

    def _render_in_background(self, text: str) -> None:
        # Building the QTextDocument is as slow as the Markdown itself, so it is built on the
        # pool thread too (QTextDocument is reentrant) and handed over to the GUI thread.
        from journal.core.markdown_render import render_markdown

        generation, fragment = self._generation, self._html
        font, gui_thread = QFont(self.font()), QThread.currentThread()
        palette = self.palette()
        style, header = qt_style_sheet(palette), header_colour(palette)

        def work() -> tuple[int, str, QTextDocument]:
            html = fragment if fragment is not None else render_markdown(text)
            document = QTextDocument()
            _prepare_document(document)
            document.setDefaultFont(font)
            document.setDefaultStyleSheet(style)
            document.setHtml(qt_html(html, header))
            document.moveToThread(gui_thread)
            return generation, html, document

        self._render_task = run_in_background(work, self._on_render_done)

    def _set_wrap_mode(self, text: str) -> None:
        self._browser.setWordWrapMode(_wrap_mode_for(text))

    def _current_fraction(self) -> float:
        bar = self._browser.verticalScrollBar()
        if self._pending_fraction is not None:
            return self._pending_fraction
        return bar.value() / bar.maximum() if bar.maximum() > 0 else 0.0

    def _keep_fraction(self, fraction: float) -> None:
        self._pending_fraction = fraction
        bar = self._browser.verticalScrollBar()
        bar.setValue(round(fraction * bar.maximum()))

    def _scroll_to_end(self) -> None:
        bar = self._browser.verticalScrollBar()
        bar.setValue(bar.maximum())

    def _cancel_render(self) -> None:
        if self._render_task is not None:
            self._render_task.cancel()
            self._render_task = None


class _StreamTail:
    """Appends streamed text to the end of a document, keeping its paragraphs short on screen.

    A paragraph that reaches STREAM_PARAGRAPH_CHARS is continued in a new one (after a space
    when the text has one), and `broken` records that the screen no longer shows the exact text.
    """

    def __init__(self) -> None:
        self.length = 0  # characters in the document's last paragraph
        self.broken = False

    def append(self, document: QTextDocument, text: str) -> None:
        cursor = QTextCursor(document)
        cursor.movePosition(QTextCursor.MoveOperation.End)
        newline = text.rfind("\n")
        if self.length + len(text) <= STREAM_PARAGRAPH_CHARS:  # the usual batch: one insertion
            cursor.insertText(text)
            self.length = len(text) - newline - 1 if newline >= 0 else self.length + len(text)
            return
        start = 0
        while start < len(text):
            newline = text.find("\n", start)
            line_end = len(text) if newline < 0 else newline + 1
            line_length = line_end - start - (newline >= 0)
            room = STREAM_PARAGRAPH_CHARS - self.length
            if line_length <= room:
                cursor.insertText(text[start:line_end])
                self.length = 0 if newline >= 0 else self.length + line_length
                start = line_end
                continue
            cut = start + max(room, 0)
            space = text.rfind(" ", start, cut)
            if space > start:
                cut = space + 1
            cursor.insertText(text[start:cut])
            cursor.insertBlock()
            self.length = 0
            self.broken = True
            start = cut


def _wrap_mode_for(text: str) -> QTextOption.WrapMode:
    if _LONG_RUN.search(text) is not None:
        return QTextOption.WrapMode.WrapAnywhere
    return QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere


def _prepare_document(document: QTextDocument) -> None:
    document.setUndoRedoEnabled(False)  # read-only: an undo stack would only hold memory
    document.setDocumentMargin(8)


def _fixed_font() -> QFont:
    return QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)


# Translucent tints over the window colour, so they read in light and dark palettes alike.
_STATUS_STYLES = {
    "info": "QLabel#answerStatus { color: palette(window-text);"
    " background: rgba(127, 127, 127, 0.14); border-radius: 3px; }",
    "warning": "QLabel#answerStatus { color: palette(window-text);"
    " background: rgba(230, 160, 0, 0.24); border-radius: 3px; }",
    "error": "QLabel#answerStatus { color: palette(window-text);"
    " background: rgba(220, 40, 40, 0.22); border-radius: 3px; }",
}
