"""Where a run is set up: model, system prompt, prompt and settings, with Run and Stop."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QEvent, QMargins, QSize, Qt, Signal, Slot
from PySide6.QtGui import QFontDatabase, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from journal.core.errors import InvalidInputError, JournalError
from journal.core.templates import RenderedTexts, render_run, variables_of
from journal.gui.elided_label import ElidedLabel
from journal.gui.format_setting import FormatSetting
from journal.gui.i18n import error_text
from journal.gui.image_strip import AttachedImages, ImageDrops
from journal.gui.model_picker import ModelPicker, muted
from journal.gui.options_panel import OptionsPanel, error_color
from journal.gui.shortcut_button import ShortcutButton
from journal.gui.tasks import Task, run_in_background
from journal.gui.translating import QT_TRANSLATE_NOOP
from journal.gui.variables_form import VariablesForm

if TYPE_CHECKING:
    from journal.core.ollama_service import ModelShow

translate = QCoreApplication.translate

RUN_TEXT = QT_TRANSLATE_NOOP("prompt_panel", "Run  Ctrl+Enter")
RUN_SHORT = QT_TRANSLATE_NOOP("prompt_panel", "Run")  # when the hint does not fit
REPEAT_LIMIT = 100  # in the window (the core allows stability.MAX_REPEAT, not imported
# here: the window shows before the storage layer is loaded)
STOP_TEXT = QT_TRANSLATE_NOOP("prompt_panel", "Stop  Esc")
STOP_SHORT = QT_TRANSLATE_NOOP("prompt_panel", "Stop")
# The panel widens by at most this for Run's and Stop's keyboard hints (English: a few px);
# a language whose hints cost more shows them only when there is room, so the window still
# fits half of a 1920-wide screen.
HINT_ALLOWANCE = 16
# How the core asks for a missing value here: the window has fields, not NAME=VALUE. Part
# of the core's English message, so it stays English until the core's messages are translated.
ASK_FOR_VALUES = ("type its value under Variables", "type their values under Variables")
# Beyond this a whitespace-only check would copy the whole prompt on every keystroke.
_CHEAP_CHECK_CHARS = 20_000


def _editor_height(editor: QPlainTextEdit, lines: int) -> int:
    margins = editor.contentsMargins()
    return (
        editor.fontMetrics().lineSpacing() * lines
        + int(2 * editor.document().documentMargin())
        + margins.top()
        + margins.bottom()
    )


def _section_label(text: str, buddy: QWidget) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    label.setBuddy(buddy)
    return label


class PromptPanel(QWidget):
    """Edits the next run; the window decides what Run and Stop do."""

    run_requested = Signal()
    stop_requested = Signal()
    prompt_edited = Signal()
    """The system prompt or the prompt changed (every keystroke: the window debounces)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._running = False
        self._show_model: Callable[[str], ModelShow] | None = None
        self._shows: dict[str, ModelShow] = {}
        self._show_task: Task | None = None

        model_row = self._init_model_row()
        self._init_editors()
        settings_row = self._init_settings()
        buttons = self._init_buttons()
        layout = QVBoxLayout(self)
        layout.setSpacing(4)
        layout.addLayout(model_row)
        layout.addSpacing(6)
        layout.addWidget(_section_label(translate("prompt_panel", "&System prompt"), self._system))
        layout.addWidget(self._system)
        layout.addSpacing(6)
        self._above_prompt = QVBoxLayout()
        self._above_prompt.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self._above_prompt)
        layout.addWidget(_section_label(translate("prompt_panel", "&Prompt"), self._prompt))
        layout.addWidget(self._prompt, 1)
        layout.addWidget(self._attached)
        layout.addWidget(self._variables)
        layout.addSpacing(2)
        layout.addLayout(settings_row)
        layout.addWidget(self._options_area)
        layout.addSpacing(6)
        layout.addLayout(buttons)
        self._init_connections()

        self._apply_muted_colors()
        self._update_summary()
        self._update_run_state()

    # -- layout ---------------------------------------------------------------------------

    def _init_model_row(self) -> QHBoxLayout:
        self._picker = ModelPicker()
        model_label = _section_label(translate("prompt_panel", "&Model"), self._picker.combo)
        model_row = QHBoxLayout()
        model_row.setSpacing(8)
        model_row.addWidget(model_label)
        model_row.addWidget(self._picker, 1)
        return model_row

    def _init_editors(self) -> None:
        """The system prompt (a few lines) and the prompt (monospaced, takes the height)."""
        self._system = QPlainTextEdit()
        self._system.setAccessibleName(translate("prompt_panel", "System prompt"))
        self._system.setPlaceholderText(
            translate("prompt_panel", "Optional: instructions sent as the system message")
        )
        self._system.setTabChangesFocus(True)
        self._system.setFixedHeight(_editor_height(self._system, 3))

        self._prompt = QPlainTextEdit()
        self._prompt.setAccessibleName(translate("prompt_panel", "Prompt"))
        self._prompt.setPlaceholderText(
            translate("prompt_panel", "Write the prompt to send to the model…")
        )
        self._prompt.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self._prompt.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self._prompt.setUndoRedoEnabled(True)
        self._prompt.setTabStopDistance(4 * self._prompt.fontMetrics().horizontalAdvance(" "))
        self._prompt.setMinimumHeight(_editor_height(self._prompt, 4))
        self._attached = AttachedImages()
        ImageDrops(self._prompt, self._attached)
        self._variables = VariablesForm()

    def _init_settings(self) -> QHBoxLayout:
        """The folding Settings header with its summary, and the options it unfolds."""
        self._options = OptionsPanel()
        self._format = FormatSetting()
        settings = QWidget()
        settings_layout = QVBoxLayout(settings)
        settings_layout.setContentsMargins(0, 0, 0, 0)
        settings_layout.setSpacing(8)
        settings_layout.addWidget(self._options)
        settings_layout.addWidget(self._format)
        self._settings_button = QToolButton()
        self._settings_button.setText(translate("prompt_panel", "Settings"))
        self._settings_button.setCheckable(True)
        self._settings_button.setAutoRaise(True)
        self._settings_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self._settings_button.setArrowType(Qt.ArrowType.RightArrow)
        self._settings_button.setToolTip(translate("prompt_panel", "Show or hide the run settings"))
        font = self._settings_button.font()
        font.setBold(True)
        self._settings_button.setFont(font)
        self._settings_summary = ElidedLabel()
        # Open settings share the panel's height with the prompt and scroll when it runs out:
        # they never push the window taller, and squeezed fields never overlap.
        self._options_area = QScrollArea()
        self._options_area.setWidget(settings)
        self._options_area.setWidgetResizable(True)
        self._options_area.setFrameShape(QFrame.Shape.NoFrame)
        self._options_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self._options_area.setMinimumHeight(4 * self.fontMetrics().lineSpacing())
        self._options_area.hide()
        settings_row = QHBoxLayout()
        settings_row.setSpacing(4)
        settings_row.addWidget(self._settings_button)
        settings_row.addWidget(self._settings_summary, 1)
        settings_row.addLayout(self._init_repeat())
        return settings_row

    def _init_buttons(self) -> QHBoxLayout:
        """Run and Stop, with a hint beside them."""
        self._run_button = ShortcutButton(
            translate("prompt_panel", RUN_TEXT), translate("prompt_panel", RUN_SHORT)
        )
        self._run_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
        self._run_button.setDefault(True)
        self._run_button.setAutoDefault(False)
        self._stop_button = ShortcutButton(
            translate("prompt_panel", STOP_TEXT), translate("prompt_panel", STOP_SHORT)
        )
        self._stop_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaStop))
        self._stop_button.setAutoDefault(False)
        self._stop_button.setEnabled(False)
        self._stop_button.setToolTip(
            translate("prompt_panel", "Stop the run (Esc); the text so far is kept")
        )
        self._attach_button = QPushButton(translate("prompt_panel", "&Image…"))
        self._attach_button.setAutoDefault(False)
        self._attach_button.setToolTip(
            translate(
                "prompt_panel",
                "Show the model PNG, JPEG or WebP images with the prompt (Ctrl+Shift+I); "
                "you can also drop or paste them into the prompt",
            )
        )
        self._attach_button.clicked.connect(self._attached.choose_files)
        self._hint = ElidedLabel()
        buttons = QHBoxLayout()
        buttons.addWidget(self._attach_button)
        buttons.addWidget(self._hint, 1)
        buttons.addWidget(self._stop_button)
        buttons.addWidget(self._run_button)
        self._buttons_row = buttons
        return buttons

    def _init_repeat(self) -> QHBoxLayout:
        """How many times Run sends the prompt, with seeds s, s+1, ... (the stability core's)."""
        self._repeat = QSpinBox()
        self._repeat.setRange(1, REPEAT_LIMIT)
        self._repeat.setValue(1)
        self._repeat.setAccessibleName(translate("prompt_panel", "Repeat"))
        self._repeat.setToolTip(
            translate(
                "prompt_panel",
                "Run the prompt this many times, one after another, with seeds s, s+1, … "
                "(s: the seed setting, else 0), to see whether it works every time (Alt+T)",
            )
        )
        label = QLabel(translate("prompt_panel", "Repea&t"))
        label.setBuddy(self._repeat)
        row = QHBoxLayout()
        row.setSpacing(4)
        row.addWidget(label)
        row.addWidget(self._repeat)
        return row

    def _init_connections(self) -> None:
        self._picker.model_changed.connect(self._on_picker_model_changed)
        self._picker.models_loaded.connect(self._on_picker_models_loaded)
        self._system.textChanged.connect(self._on_system_text_changed)
        self._prompt.textChanged.connect(self._on_prompt_text_changed)
        self._options.changed.connect(self._on_options_changed)
        self._format.changed.connect(self._on_options_changed)
        self._settings_button.toggled.connect(self._on_settings_button_toggled)
        self._run_button.clicked.connect(self._on_run_button_clicked)
        self._stop_button.clicked.connect(self._on_stop_button_clicked)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        """Room for Run's and Stop's keyboard hints when they cost at most HINT_ALLOWANCE,
        so the English window looks as it always did at its narrowest."""
        size = super().minimumSizeHint()
        row = getattr(self, "_buttons_row", None)
        if row is None:  # asked while the panel is still being built (an event filter asked)
            return size
        layout = self.layout()
        margins = layout.contentsMargins() if layout is not None else QMargins()
        with_hints = (
            margins.left()
            + self._attach_button.sizeHint().width()
            + self._stop_button.sizeHint().width()
            + self._run_button.sizeHint().width()
            + 3 * max(row.spacing(), 0)
            + margins.right()
        )
        if with_hints - size.width() <= HINT_ALLOWANCE:
            size.setWidth(max(size.width(), with_hints))
        return size

    # -- parts ----------------------------------------------------------------------------

    @property
    def model_picker(self) -> ModelPicker:
        return self._picker

    @property
    def options_panel(self) -> OptionsPanel:
        return self._options

    @property
    def format_setting(self) -> FormatSetting:
        return self._format

    def reveal_format(self) -> None:
        """Open Settings and scroll to the Format setting (it sits below the options)."""
        self.set_settings_expanded(True)
        self._options_area.ensureWidgetVisible(self._format, 0, 0)

    def output_format(self) -> str | dict[str, Any] | None:
        """Ollama's `format` for the next run: None, "json" or a checked JSON schema."""
        return self._format.value()

    @property
    def attached_images(self) -> AttachedImages:
        """The images the next run shows the model (attach, drop, paste; × removes)."""
        return self._attached

    @property
    def repeat_box(self) -> QSpinBox:
        return self._repeat

    def repeat(self) -> int:
        """How many times Run sends the prompt (1: once)."""
        return self._repeat.value()

    @property
    def run_button(self) -> QPushButton:
        return self._run_button

    @property
    def stop_button(self) -> QPushButton:
        return self._stop_button

    @property
    def prompt_edit(self) -> QPlainTextEdit:
        return self._prompt

    @property
    def system_edit(self) -> QPlainTextEdit:
        return self._system

    def add_above_prompt(self, widget: QWidget) -> None:
        """A line the window shows above the prompt (the follow-up banner)."""
        self._above_prompt.addWidget(widget)

    def set_show_model(self, show_model: Callable[[str], ModelShow] | None) -> None:
        """Where to ask for a model's defaults and capabilities (OllamaService.show_model)."""
        self._show_model = show_model
        self._shows.clear()
        self._fetch_show(self._picker.current_model() or "")

    # -- text -----------------------------------------------------------------------------

    def system_prompt(self) -> str:
        return self._system.toPlainText()

    def set_system_prompt(self, text: str) -> None:
        if text != self._system.toPlainText():
            self._system.setPlainText(text)

    def prompt(self) -> str:
        return self._prompt.toPlainText()

    def set_prompt(self, text: str) -> None:
        if text != self._prompt.toPlainText():
            self._prompt.setPlainText(text)

    @property
    def variables_form(self) -> VariablesForm:
        return self._variables

    def set_variable_values(self, values: dict[str, str]) -> None:
        """Values for the prompts' `{{name}}` variables (a run's), kept for names not used yet."""
        self._variables.set_values(values)

    def rendered(self) -> RenderedTexts | None:
        """What Run sends, rendered by the core as the CLI renders it; None, with the core's
        reason shown under the variables, when the values do not fit."""
        try:
            texts = render_run(
                self.prompt(), self.system_prompt(), self._variables.values(), ASK_FOR_VALUES
            )
        except InvalidInputError as error:
            self._variables.show_error(error_text(error))
            return None
        return texts

    def _update_variables(self) -> None:
        self._variables.set_names(variables_of([self.prompt(), self.system_prompt()]))
        # The prompt scrolls: two lines of it are enough room beside the variables.
        lines = 2 if self._variables.names() else 4
        self._prompt.setMinimumHeight(_editor_height(self._prompt, lines))
        # Fields made while typing come last in the tab order: put them after the prompt.
        chain = [self._prompt, *map(self._variables.edit, self._variables.names())]
        for before, after in zip(chain, [*chain[1:], self._settings_button], strict=True):
            QWidget.setTabOrder(before, after)

    def focus_prompt(self) -> None:
        self._prompt.setFocus(Qt.FocusReason.OtherFocusReason)

    # -- settings section -----------------------------------------------------------------

    def settings_expanded(self) -> bool:
        return self._settings_button.isChecked()

    def set_settings_expanded(self, expanded: bool) -> None:
        self._settings_button.setChecked(expanded)

    @Slot(bool)
    def _on_settings_button_toggled(self, expanded: bool) -> None:
        self._settings_button.setArrowType(
            Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow
        )
        self._options_area.setVisible(expanded)
        self._update_summary()
        self._update_run_state()

    def settings_summary(self) -> str:
        """What the folded Settings header says: the set options, or why they are invalid."""
        return self._settings_summary.text()

    def _setting_errors(self) -> list[str]:
        """Why the settings cannot be sent: the options', then the format's."""
        return self._options.errors() + ([self._format.error()] if self._format.error() else [])

    def _update_summary(self) -> None:
        errors = self._setting_errors()
        if errors:
            count = len(errors)
            text = translate("prompt_panel", "%n invalid setting(s)", None, count)
        elif self.settings_expanded():
            text = ""
        else:
            parts = [self._options.summary(), self._format.summary()]
            text = " · ".join(part for part in parts if part) or translate(
                "prompt_panel", "model defaults"
            )
        self._settings_summary.setText(text)
        self._settings_summary.setToolTip("\n".join(errors) or text)
        self._settings_summary.setPalette(self._summary_palette())

    def _summary_palette(self) -> QPalette:
        palette = self._settings_summary.palette()
        base = self.palette()
        if self._setting_errors():
            color = error_color(base)
        else:
            color = muted(
                base.color(QPalette.ColorRole.WindowText), base.color(QPalette.ColorRole.Window)
            )
        palette.setColor(QPalette.ColorRole.WindowText, color)
        return palette

    # -- running --------------------------------------------------------------------------

    def can_run(self) -> tuple[bool, str]:
        """Whether Run may start, and if not, why (said to the person)."""
        model = self._picker.current_model()
        if not model:
            if self._picker.is_loading():
                return False, translate("prompt_panel", "Waiting for the list of models.")
            return False, translate("prompt_panel", "Choose a model to run.")
        if self._prompt_is_empty():
            return False, translate("prompt_panel", "Write a prompt to run.")
        errors = self._setting_errors()
        if errors:
            return False, translate("prompt_panel", "Fix the settings first: {reason}").format(
                reason=errors[0]
            )
        return True, ""

    def _prompt_is_empty(self) -> bool:
        document = self._prompt.document()
        if document.isEmpty():
            return True
        if document.characterCount() > _CHEAP_CHECK_CHARS:
            return False
        return not self._prompt.toPlainText().strip()

    def is_running(self) -> bool:
        return self._running

    def set_running(self, running: bool) -> None:
        """Run off and Stop on while a run streams; the texts stay editable."""
        self._running = running
        self._stop_button.setEnabled(running)
        self._update_run_state()

    @Slot()
    def request_run(self) -> bool:
        """Emit run_requested if a run may start now (the window's Ctrl+Enter calls this)."""
        if self._running or not self.can_run()[0]:
            return False
        self.run_requested.emit()
        return True

    @Slot()
    def request_stop(self) -> bool:
        """Emit stop_requested if a run is going (the window's Esc calls this)."""
        if not self._running:
            return False
        self.stop_requested.emit()
        return True

    def _update_run_state(self) -> None:
        ok, reason = self.can_run()
        if self._running:
            self._run_button.setEnabled(False)
            self._run_button.setToolTip(
                translate("prompt_panel", "A run is going; stop it first (Esc)")
            )
            self._hint.setText("")
            return
        self._run_button.setEnabled(ok)
        self._run_button.setToolTip(
            translate("prompt_panel", "Run the prompt (Ctrl+Enter)") if ok else reason
        )
        if self._setting_errors() and self.settings_expanded():
            # the message is shown above
            hint = translate("prompt_panel", "Fix the settings marked in red to run.")
        else:
            hint = reason
        self._hint.setText(hint)
        self._hint.setToolTip(reason)

    @Slot()
    def _on_run_button_clicked(self) -> None:
        self.request_run()

    @Slot()
    def _on_stop_button_clicked(self) -> None:
        self.request_stop()

    # -- reactions ------------------------------------------------------------------------

    @Slot()
    def _on_prompt_text_changed(self) -> None:
        self._update_variables()
        self._update_run_state()
        self.prompt_edited.emit()

    @Slot()
    def _on_system_text_changed(self) -> None:
        self._update_variables()
        self.prompt_edited.emit()

    @Slot()
    def _on_options_changed(self) -> None:
        self._update_summary()
        self._update_run_state()

    @Slot(str)
    def _on_picker_model_changed(self, name: str) -> None:
        self._update_run_state()
        self._fetch_show(name)

    @Slot(list)
    def _on_picker_models_loaded(self, _models: list[object]) -> None:
        # A model pulled again may have new defaults: ask afresh, keeping the current one.
        current = self._picker.current_model()
        self._shows = {k: v for k, v in self._shows.items() if k == current}
        self._update_run_state()

    def current_model_show(self) -> ModelShow | None:
        """What the server said about the chosen model, once it has answered."""
        current = self._picker.current_model()
        return self._shows.get(current) if current else None

    def _fetch_show(self, name: str) -> None:
        if self._show_task is not None:
            self._show_task.cancel()
            self._show_task = None
        if not name or self._show_model is None:
            self._apply_show(None)
            return
        cached = self._shows.get(name)
        if cached is not None:
            self._apply_show(cached)
            return
        self._apply_show(None)  # the previous model's defaults would mislead meanwhile
        show_model = self._show_model
        self._show_task = run_in_background(
            partial(show_model, name),
            partial(self._on_show_done, name),
            partial(self._on_show_failed, name),
        )

    def _on_show_done(self, name: str, show: ModelShow) -> None:
        self._show_task = None
        self._shows[name] = show
        if name == self._picker.current_model():
            self._apply_show(show)

    def _on_show_failed(self, name: str, _error: JournalError) -> None:
        # Not installed, or the server went away: no defaults to show, nothing to block.
        self._show_task = None

    def _apply_show(self, show: ModelShow | None) -> None:
        if show is None:
            self._options.set_model_defaults({})
            self._options.set_thinking_supported(None)
            return
        self._options.set_model_defaults(show.parameter_defaults)
        self._options.set_thinking_supported("thinking" in show.capabilities)

    # -- looks ----------------------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_muted_colors()
        super().changeEvent(event)

    def _apply_muted_colors(self) -> None:
        base = self.palette()
        color = muted(
            base.color(QPalette.ColorRole.WindowText), base.color(QPalette.ColorRole.Window)
        )
        palette = self._hint.palette()
        palette.setColor(QPalette.ColorRole.WindowText, color)
        self._hint.setPalette(palette)
        self._settings_summary.setPalette(self._summary_palette())
