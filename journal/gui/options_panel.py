"""The settings of one run, each unset by default (the model decides), typed and checked by
the core exactly as the command line's `-o` is."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator
from contextlib import contextmanager, suppress
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFontDatabase, QPalette, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from journal.core.errors import InvalidInputError
from journal.gui.i18n import error_text
from journal.gui.translating import QT_TRANSLATE_NOOP

translate = QCoreApplication.translate
# Marks a module-level text for lupdate; it is translated where it is shown.

NUMBER_FIELDS = ("temperature", "top_p", "top_k", "seed", "num_ctx", "num_predict")
# Grid order in two columns: the sampling knobs on the left, the budget and lifetime on the right.
LEFT_FIELDS = ("temperature", "top_p", "top_k", "seed")
RIGHT_FIELDS = ("num_ctx", "num_predict", "keep_alive", "think")
OWN_FIELDS = frozenset({*NUMBER_FIELDS, "stop", "keep_alive", "think"})

# Shown translated; the English word is what the core parses (chosen by position).
THINK_CHOICES = (
    QT_TRANSLATE_NOOP("options_panel", "Default"),
    QT_TRANSLATE_NOOP("options_panel", "On"),
    QT_TRANSLATE_NOOP("options_panel", "Off"),
    QT_TRANSLATE_NOOP("options_panel", "Low"),
    QT_TRANSLATE_NOOP("options_panel", "Medium"),
    QT_TRANSLATE_NOOP("options_panel", "High"),
)

TOOLTIPS = {
    "temperature": QT_TRANSLATE_NOOP(
        "options_panel",
        "How random the answer is: 0 picks the likeliest words, higher varies more.",
    ),
    "top_p": QT_TRANSLATE_NOOP(
        "options_panel",
        "Nucleus sampling: consider only the likeliest words adding up to this share (0–1).",
    ),
    "top_k": QT_TRANSLATE_NOOP(
        "options_panel", "Consider only this many likeliest words at each step."
    ),
    "seed": QT_TRANSLATE_NOOP(
        "options_panel", "A fixed seed makes a run repeatable (with the same model and settings)."
    ),
    "num_ctx": QT_TRANSLATE_NOOP(
        "options_panel", "Context window in tokens: how much of the conversation the model sees."
    ),
    "num_predict": QT_TRANSLATE_NOOP(
        "options_panel", "The most tokens to generate; -1 means no limit."
    ),
    "keep_alive": QT_TRANSLATE_NOOP(
        "options_panel",
        "How long the model stays loaded after the run: 5m, 1h30m, 90 (seconds), "
        "0 unloads at once, -1 keeps it loaded.",
    ),
    "think": QT_TRANSLATE_NOOP(
        "options_panel",
        "Whether a thinking model reasons before answering (Low/Medium/High for models "
        "that take a level). Default lets the model decide.",
    ),
    "stop": QT_TRANSLATE_NOOP(
        "options_panel",
        "Stop sequences, separated by commas. Write \\n for a newline, \\, for a comma, "
        '\\\\ for a backslash; or give a JSON list like ["###", "User:"].',
    ),
    "extra": QT_TRANSLATE_NOOP(
        "options_panel",
        "Any other Ollama option, one key=value per line (e.g. repeat_penalty=1.1, "
        "min_p=0.05). Lines starting with # are ignored.",
    ),
    "allow_unknown": QT_TRANSLATE_NOOP(
        "options_panel",
        "Send option names Ollama does not know. Ollama ignores them silently, "
        "so a typo would be recorded as if it had been used; options of a loaded run are always "
        "sent.",
    ),
}

ALLOW_UNKNOWN_HINT = QT_TRANSLATE_NOOP(
    "options_panel", "Tick “Allow unknown options” to send it anyway."
)

_ESCAPES = {"n": "\n", "t": "\t", ",": ",", "\\": "\\"}


def _core_parse(key: str, raw: str) -> Any:
    # Imported here by the house rule for core modules, although this one is light.
    from journal.core.options import parse_value

    return parse_value(key, raw)


def parse_number(key: str, text: str) -> int | float:
    return _core_parse(key, text)  # type: ignore[no-any-return]


def parse_stop(text: str) -> list[str]:
    """`###, User:` -> ["###", "User:"]; `\\n` is a newline, `\\,` a comma; JSON lists too."""
    stripped = text.strip()
    if stripped.startswith("["):
        return list(_core_parse("stop", stripped))
    stops: list[str] = []
    current: list[tuple[str, bool]] = []  # (character, escaped)

    def flush() -> None:
        # Spaces around commas are layout, not part of a stop; escaped characters are kept.
        while current and not current[0][1] and current[0][0] in " \t":
            current.pop(0)
        while current and not current[-1][1] and current[-1][0] in " \t":
            current.pop()
        if current:
            stops.append("".join(char for char, _ in current))
        current.clear()

    chars = iter(text)
    for char in chars:
        if char == "\\":
            following = next(chars, "")
            if following not in _ESCAPES:
                raise InvalidInputError(
                    translate(
                        "options_panel",
                        "Stop: unknown escape '\\{escape}'; use \\n, \\t, \\, or \\\\.",
                    ).format(escape=following)
                )
            current.append((_ESCAPES[following], True))
        elif char in ",\n":
            flush()
        else:
            current.append((char, False))
    flush()
    _check_stops(stops)
    return stops


def _check_stops(stops: list[str]) -> None:
    from journal.core.option_schema import check_value

    check_value("stop", stops)


def format_stop(stops: list[str]) -> str:
    """The inverse of parse_stop: a comma list when it round-trips, else JSON."""
    if any(not s or s[0] == " " or s[-1] == " " for s in stops):
        return json.dumps(stops, ensure_ascii=False)
    escaped = [
        s.replace("\\", "\\\\").replace(",", "\\,").replace("\n", "\\n").replace("\t", "\\t")
        for s in stops
    ]
    return ", ".join(escaped)


def check_keep_alive(text: str) -> str:
    return str(_core_parse("keep_alive", text))


def format_value(value: Any) -> str:
    if isinstance(value, bool) or value is None:
        return json.dumps(value)
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def _format_extra(key: str, value: Any) -> str:
    """`key=value` that parses back to `value` with the core's rules."""
    if isinstance(value, str):
        try:
            if _core_parse(key, value) == value and value == value.strip():
                return f"{key}={value}"
        except InvalidInputError:
            pass
        return f"{key}={json.dumps(value, ensure_ascii=False)}"
    return f"{key}={format_value(value)}"


def parse_extra(
    text: str, *, allow_unknown: bool = False, recorded: Collection[str] = ()
) -> dict[str, Any]:
    """`key=value` lines (blank lines and # comments skipped) into typed options.

    Unknown keys are refused unless allowed or `recorded` (a loaded run's own keys).
    """
    options: dict[str, Any] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        # Imported only for a line to parse: the empty field at start-up needs none of it.
        from journal.core.options import UnknownOptionError, parse_assignments

        key = line.partition("=")[0].strip()
        where = translate("options_panel", "Extra options, line {number}").format(number=number)
        if key in OWN_FIELDS:
            raise InvalidInputError(
                translate("options_panel", "{where}: {key} has its own field above.").format(
                    where=where, key=key
                )
            )
        try:
            parsed, _request = parse_assignments(
                [line], allow_unknown=allow_unknown, recorded=recorded
            )
        except UnknownOptionError as error:
            raise _line_refused(where, error.with_hint(_allow_unknown_hint())) from None
        except InvalidInputError as error:
            raise _line_refused(where, error) from None
        options.update(parsed)
    return options


def _line_refused(where: str, error: InvalidInputError) -> InvalidInputError:
    said = translate("options_panel", "{where}: {reason}")
    return InvalidInputError(said.format(where=where, reason=error_text(error)))


def error_color(palette: QPalette) -> QColor:
    """A red that reads on this palette's window colour, light or dark."""
    dark = palette.color(QPalette.ColorRole.Window).lightness() < 128
    return QColor("#ff7b72") if dark else QColor("#c42b1c")


class OptionsPanel(QWidget):
    """A compact form of run settings; empty fields mean "the model's default"."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._init_state()
        self._init_fields()
        self._init_extra()
        self._init_labels()
        self._init_layout()
        self._init_connections()
        self._arrange(two_columns=True)
        self.set_model_defaults({})
        self._apply_error_colors()

    def _init_state(self) -> None:
        self._quiet = 0
        self._extra_tooltip = _tip("extra")
        self._errors: dict[str, str] = {}
        self._recorded: frozenset[str] = frozenset()  # keys of the loaded run: not typos
        self._two_columns: bool | None = None
        self._labels: dict[str, QLabel] = {}
        self._edits: dict[str, QLineEdit] = {}

    def _init_fields(self) -> None:
        """A line per number, keep_alive and stop; a choice for think."""
        for key in (*NUMBER_FIELDS, "keep_alive", "stop"):
            edit = QLineEdit()
            edit.setClearButtonEnabled(True)
            edit.setToolTip(_tip(key))
            edit.setAccessibleName(key)
            widest = _model_default("0.95")
            edit.setMinimumWidth(self.fontMetrics().horizontalAdvance(widest) + 24)
            edit.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            self._edits[key] = edit

        self._think = QComboBox()
        self._think.addItems([translate("options_panel", choice) for choice in THINK_CHOICES])
        self._think.setToolTip(_tip("think"))
        self._think.setAccessibleName("think")

    def _init_extra(self) -> None:
        """Any other option, one `key=value` a line, and whether unknown names may pass."""
        self._extra = QPlainTextEdit()
        self._extra.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self._extra.setTabChangesFocus(True)
        self._extra.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self._extra.setToolTip(_tip("extra"))
        self._extra.setAccessibleName(translate("options_panel", "Extra options"))
        lines = 3
        margins = self._extra.contentsMargins()
        self._extra.setFixedHeight(
            self._extra.fontMetrics().lineSpacing() * lines
            + int(2 * self._extra.document().documentMargin())
            + margins.top()
            + margins.bottom()
        )
        self._allow_unknown = QCheckBox(translate("options_panel", "Allow unknown options"))
        self._allow_unknown.setToolTip(_tip("allow_unknown"))

    def _init_labels(self) -> None:
        for key in (*NUMBER_FIELDS, "keep_alive", "think", "stop", "extra"):
            label = QLabel(key)
            label.setBuddy(self._widget(key))
            label.setToolTip(_tip(key))
            self._labels[key] = label

        self._error_label = QLabel()
        self._error_label.setWordWrap(True)
        self._error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._error_label.hide()

    def _init_layout(self) -> None:
        """A grid that _arrange fills with one or two columns, and the errors under it."""
        self._grid = QGridLayout()
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(8)
        self._grid.setVerticalSpacing(6)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        # The layout must not pin the minimum width to the two-column arrangement.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        layout.addLayout(self._grid)
        layout.addWidget(self._error_label)

    def _init_connections(self) -> None:
        for edit in self._edits.values():
            edit.textChanged.connect(self._on_field_text_changed)
        self._think.currentIndexChanged.connect(self._on_think_current_index_changed)
        self._extra.textChanged.connect(self._on_extra_text_changed)
        self._allow_unknown.toggled.connect(self._on_allow_unknown_toggled)

    # -- layout ---------------------------------------------------------------------------

    def editor(self, key: str) -> QWidget:
        """The field for `key` ("temperature", ..., "think", "stop", "extra",
        "allow_unknown")."""
        return self._widget(key)

    def _widget(self, key: str) -> QWidget:
        if key == "think":
            return self._think
        if key == "extra":
            return self._extra
        if key == "allow_unknown":
            return self._allow_unknown
        return self._edits[key]

    def _two_column_width(self) -> int:
        label = max(self._labels[k].sizeHint().width() for k in (*LEFT_FIELDS, *RIGHT_FIELDS))
        field = self._edits["temperature"].minimumWidth()
        return 2 * (label + field) + 3 * self._grid.horizontalSpacing() + 16

    def _arrange(self, two_columns: bool) -> None:
        """Lay the fields out in two label/field column pairs, or one when narrow."""
        if two_columns == self._two_columns:
            return
        self._two_columns = two_columns
        for key, label in self._labels.items():
            self._grid.removeWidget(label)
            self._grid.removeWidget(self._widget(key))
        align = Qt.AlignmentFlag(
            self.style().styleHint(QStyle.StyleHint.SH_FormLayoutLabelAlignment)
        )
        place: list[tuple[str, int, int]] = []
        if two_columns:
            place += [(key, row, 0) for row, key in enumerate(LEFT_FIELDS)]
            place += [(key, row, 2) for row, key in enumerate(RIGHT_FIELDS)]
            next_row = len(LEFT_FIELDS)
        else:
            place += [(key, row, 0) for row, key in enumerate((*LEFT_FIELDS, *RIGHT_FIELDS))]
            next_row = len(LEFT_FIELDS) + len(RIGHT_FIELDS)
        for key, row, column in place:
            self._grid.addWidget(
                self._labels[key], row, column, align | Qt.AlignmentFlag.AlignVCenter
            )
            self._grid.addWidget(self._widget(key), row, column + 1)
        span = 3 if two_columns else 1
        for offset, key in enumerate(("stop", "extra")):
            row = next_row + offset
            vertical = (
                Qt.AlignmentFlag.AlignTop if key == "extra" else Qt.AlignmentFlag.AlignVCenter
            )
            self._grid.addWidget(self._labels[key], row, 0, align | vertical)
            self._grid.addWidget(self._widget(key), row, 1, 1, span)
        self._grid.removeWidget(self._allow_unknown)
        self._grid.addWidget(self._allow_unknown, next_row + 2, 1, 1, span)
        self._grid.setColumnStretch(1, 1)
        self._grid.setColumnStretch(3, 1 if two_columns else 0)
        # Breathing room between the two column pairs.
        self._labels["num_ctx"].setContentsMargins(12 if two_columns else 0, 0, 0, 0)
        for key in RIGHT_FIELDS:
            self._labels[key].setContentsMargins(12 if two_columns else 0, 0, 0, 0)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        # As narrow as one column allows: resizeEvent switches to it when space runs out.
        hint = super().minimumSizeHint()
        label = max(label.sizeHint().width() for label in self._labels.values())
        one_column = (
            label + self._grid.horizontalSpacing() + self._edits["temperature"].minimumWidth()
        )
        return QSize(min(hint.width(), one_column), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        self._arrange(two_columns=event.size().width() >= self._two_column_width())
        super().resizeEvent(event)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_error_colors()
        super().changeEvent(event)

    # -- model defaults -------------------------------------------------------------------

    def set_model_defaults(self, defaults: dict[str, Any]) -> None:
        """Show the model's own values as placeholders: "0.7 (model default)"."""
        for key, edit in self._edits.items():
            if key in defaults:
                value = defaults[key]
                shown = (
                    format_stop(value)
                    if key == "stop" and isinstance(value, list)
                    else (format_value(value))
                )
                edit.setPlaceholderText(_model_default(shown))
            else:
                edit.setPlaceholderText(translate("options_panel", "default"))
        others = {k: v for k, v in defaults.items() if k not in OWN_FIELDS}
        self._extra.setPlaceholderText(
            translate("options_panel", "key=value per line, e.g. repeat_penalty=1.1")
        )
        tooltip = _tip("extra")
        if others:
            listed = "\n".join(f"{k}={format_value(v)}" for k, v in sorted(others.items()))
            heading = translate("options_panel", "This model's other defaults:")
            tooltip += f"\n\n{heading}\n{listed}"
        self._extra_tooltip = tooltip
        if "extra" not in self._errors:
            self._extra.setToolTip(tooltip)

    def set_thinking_supported(self, supported: bool | None) -> None:
        """False: the model cannot think, so Default is chosen and the tooltip says why
        (the choice stays open: capabilities reported by old servers can be incomplete)."""
        if supported is False:
            self._think.setCurrentIndex(0)
            self._think.setToolTip(
                translate(
                    "options_panel",
                    "This model does not support thinking; Ollama refuses On/Off/levels for it.",
                )
            )
        else:
            self._think.setToolTip(_tip("think"))

    # -- values ---------------------------------------------------------------------------

    def options(self) -> dict[str, Any]:
        """The model options that are set and valid, typed as Ollama expects."""
        options: dict[str, Any] = {}
        for key in NUMBER_FIELDS:
            text = self._edits[key].text()
            if text.strip():
                with suppress(InvalidInputError):
                    options[key] = parse_number(key, text)
        stop_text = self._edits["stop"].text()
        if stop_text.strip():
            try:
                stops = parse_stop(stop_text)
            except InvalidInputError:
                stops = []
            if stops:
                options["stop"] = stops
        with suppress(InvalidInputError):
            options.update(self._parse_extra())
        return options

    def allows_unknown(self) -> bool:
        """Whether option names Ollama does not know are sent (the person ticked it)."""
        return self._allow_unknown.isChecked()

    def _parse_extra(self) -> dict[str, Any]:
        return parse_extra(
            self._extra.toPlainText(), allow_unknown=self.allows_unknown(), recorded=self._recorded
        )

    def request_fields(self) -> dict[str, Any]:
        """keep_alive and think, when set."""
        fields: dict[str, Any] = {}
        keep_alive = self._edits["keep_alive"].text()
        if keep_alive.strip():
            with suppress(InvalidInputError):
                fields["keep_alive"] = check_keep_alive(keep_alive)
        think = self.think()
        if think is not None:
            fields["think"] = think
        return fields

    def think(self) -> bool | str | None:
        index = self._think.currentIndex()
        if index <= 0:
            return None
        return _core_parse("think", THINK_CHOICES[index])  # type: ignore[no-any-return]

    def set_values(
        self,
        options: dict[str, Any],
        keep_alive: str | None = None,
        think: bool | str | None = None,
    ) -> None:
        """Show the settings of a past run (fields it did not set become empty)."""
        options = dict(options)
        # Old records may carry the request fields among the options.
        if keep_alive is None and "keep_alive" in options:
            keep_alive = str(options.pop("keep_alive"))
        if think is None and "think" in options:
            think = options.pop("think")
        options.pop("keep_alive", None)
        options.pop("think", None)
        with self._bulk():
            self._clear_fields()
            self._recorded = frozenset(options)
            extra: list[str] = []
            for key, value in options.items():
                if key in NUMBER_FIELDS:
                    self._edits[key].setText(format_value(value))
                elif key == "stop":
                    stops = value if isinstance(value, list) else [value]
                    self._edits["stop"].setText(format_stop([str(s) for s in stops]))
                else:
                    extra.append(_format_extra(key, value))
            self._extra.setPlainText("\n".join(extra))
            self._edits["keep_alive"].setText("" if keep_alive is None else str(keep_alive))
            self._think.setCurrentIndex(_think_index(think))

    @Slot()
    def clear(self) -> None:
        with self._bulk():
            self._clear_fields()

    def _clear_fields(self) -> None:
        self._recorded = frozenset()
        for edit in self._edits.values():
            edit.clear()
        self._extra.clear()
        self._think.setCurrentIndex(0)

    def summary(self) -> str:
        """`temperature=0.2 · seed=42 · think=high`, or "" when everything is the default."""
        parts = [f"{k}={format_value(v)}" for k, v in self.options().items()]
        parts += [f"{k}={format_value(v)}" for k, v in self.request_fields().items()]
        return " · ".join(parts)

    # -- validity -------------------------------------------------------------------------

    def is_valid(self) -> bool:
        return not self._errors

    def errors(self) -> list[str]:
        order = (*NUMBER_FIELDS, "keep_alive", "stop", "extra")
        return [self._errors[key] for key in order if key in self._errors]

    def _validate(self, key: str) -> None:
        message = ""
        try:
            if key == "extra":
                self._parse_extra()
            else:
                text = self._edits[key].text()
                if text.strip():
                    if key == "stop":
                        parse_stop(text)
                    elif key == "keep_alive":
                        check_keep_alive(text)
                    else:
                        parse_number(key, text)
        except InvalidInputError as error:
            message = error_text(error)
        was_invalid = key in self._errors
        if message:
            self._errors[key] = message
        else:
            self._errors.pop(key, None)
        widget = self._widget(key)
        if was_invalid != bool(message):
            self._style_invalid(widget, bool(message))
        widget.setToolTip(message or self._tooltip(key))
        self._show_errors()

    def _tooltip(self, key: str) -> str:
        return self._extra_tooltip if key == "extra" else _tip(key)

    def _style_invalid(self, widget: QWidget, invalid: bool) -> None:
        widget.setProperty("invalid", invalid)
        if invalid:
            color = error_color(self.palette()).name()
            kind = type(widget).__name__
            widget.setStyleSheet(
                f"{kind} {{ border: 1px solid {color}; border-radius: 3px; padding: 2px; }}"
            )
        else:
            widget.setStyleSheet("")

    def _show_errors(self) -> None:
        errors = self.errors()
        self._error_label.setText("\n".join(errors))
        self._error_label.setVisible(bool(errors))

    def _apply_error_colors(self) -> None:
        palette = self._error_label.palette()
        palette.setColor(QPalette.ColorRole.WindowText, error_color(self.palette()))
        self._error_label.setPalette(palette)
        for key in self._errors:
            self._style_invalid(self._widget(key), True)

    # -- change tracking ------------------------------------------------------------------

    @contextmanager
    def _bulk(self) -> Iterator[None]:
        """Many edits, one `changed`."""
        self._quiet += 1
        try:
            yield
        finally:
            self._quiet -= 1
        if not self._quiet:
            self.changed.emit()

    def _notify(self) -> None:
        if not self._quiet:
            self.changed.emit()

    @Slot(str)
    def _on_field_text_changed(self, _text: str) -> None:
        sender = self.sender()
        for key, edit in self._edits.items():
            if edit is sender:
                self._validate(key)
        self._notify()

    @Slot()
    def _on_extra_text_changed(self) -> None:
        self._validate("extra")
        self._notify()

    @Slot(int)
    def _on_think_current_index_changed(self, _index: int) -> None:
        self._notify()

    @Slot(bool)
    def _on_allow_unknown_toggled(self, _checked: bool) -> None:
        self._validate("extra")
        self._notify()


def _allow_unknown_hint() -> str:
    return translate("options_panel", ALLOW_UNKNOWN_HINT)


def _tip(key: str) -> str:
    """The tooltip of field `key`, in the window's language."""
    return translate("options_panel", TOOLTIPS[key])


def _model_default(value: str) -> str:
    """ "0.7 (model default)": a placeholder showing the model's own value."""
    return translate("options_panel", "{value} (model default)").format(value=value)


def _think_index(think: bool | str | None) -> int:
    if think is None:
        return 0
    if isinstance(think, bool):
        return THINK_CHOICES.index("On" if think else "Off")
    try:
        value = _core_parse("think", str(think))
    except InvalidInputError:
        return 0
    return _think_index(value) if isinstance(value, bool) else THINK_CHOICES.index(value.title())
