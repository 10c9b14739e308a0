"""Choose the model to run from what the Ollama server has, listed without blocking the window."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    Qt,
    Signal,
    Slot,
)
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QSizePolicy,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionComboBox,
    QStyleOptionViewItem,
    QStylePainter,
    QToolButton,
    QWidget,
)

from journal.core.errors import JournalError, OllamaTimeoutError, OllamaUnreachableError
from journal.core.formatting import human_size
from journal.gui.i18n import error_text
from journal.gui.tasks import Task, run_in_background
from journal.gui.translating import QT_TRANSLATE_NOOP

if TYPE_CHECKING:
    from journal.core.ollama_service import LoadedModel, ModelInfo

NAME_ROLE = Qt.ItemDataRole.UserRole
"""The model's name; None for status rows such as "Ollama unreachable"."""
DETAIL_ROLE = Qt.ItemDataRole.UserRole + 1
"""The muted second part of a row: family · parameter size · quantization · size · loaded."""

translate = QCoreApplication.translate

NOT_INSTALLED = QT_TRANSLATE_NOOP("model_picker", "(not installed)")
UNREACHABLE = QT_TRANSLATE_NOOP("model_picker", "(Ollama unreachable)")
LOADED_MARK = QT_TRANSLATE_NOOP("model_picker", "loaded")
LOADING_TEXT = QT_TRANSLATE_NOOP("model_picker", "Loading models…")
_GAP = 12  # pixels between a model's name and its details

ModelIndex = QModelIndex | QPersistentModelIndex


def muted(foreground: QColor, background: QColor, amount: float = 0.45) -> QColor:
    """`foreground` moved `amount` of the way towards `background`: secondary text that
    follows the palette, light or dark."""
    return QColor.fromRgbF(
        foreground.redF() + (background.redF() - foreground.redF()) * amount,
        foreground.greenF() + (background.greenF() - foreground.greenF()) * amount,
        foreground.blueF() + (background.blueF() - foreground.blueF()) * amount,
    )


def model_details(model: ModelInfo) -> str:
    """`llama · 8.0B · Q4_0`."""
    return " · ".join(
        p for p in (model.family, model.parameter_size, model.quantization_level) if p
    )


def _row_details(model: ModelInfo, until: str | None) -> str:
    """`llama · 8.0B · Q4_0 · 4.7 GB · loaded`: what the popup shows after the name."""
    facts = [model_details(model), human_size(model.size) if model.size else ""]
    return " · ".join(
        f for f in [*facts, translate("model_picker", LOADED_MARK) if until else ""] if f
    )


def _model_tooltip(model: ModelInfo, until: str | None) -> str:
    facts = [model_details(model)]
    if model.size:
        facts.append(
            translate("model_picker", "{size} on disk").format(size=human_size(model.size))
        )
    lines = [model.name, " · ".join(f for f in facts if f)]
    if until:
        lines.append(translate("model_picker", "Loaded in memory {until}").format(until=until))
    if model.digest:
        lines.append(translate("model_picker", "Digest {digest}").format(digest=model.short_digest))
    return "\n".join(line for line in lines if line)


def _same_model(a: str, b: str) -> bool:
    """Ollama reads `llama3` as `llama3:latest`; so does the picker."""

    def normal(name: str) -> str:
        return name if ":" in name.rsplit("/", 1)[-1] else f"{name}:latest"

    return normal(a) == normal(b)


class _ModelDelegate(QStyledItemDelegate):
    """Popup rows: the name in the normal colour, the details muted after it."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        detail = str(index.data(DETAIL_ROLE) or "")
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        text_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, opt, widget)
        name = opt.text
        opt.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)
        state = opt.state
        palette: QPalette = opt.palette
        group = (
            QPalette.ColorGroup.Normal
            if state & QStyle.StateFlag.State_Enabled
            else QPalette.ColorGroup.Disabled
        )
        if state & QStyle.StateFlag.State_Selected:
            fg = palette.color(group, QPalette.ColorRole.HighlightedText)
            bg = palette.color(group, QPalette.ColorRole.Highlight)
        else:
            fg = palette.color(group, QPalette.ColorRole.Text)
            bg = palette.color(group, QPalette.ColorRole.Base)
        _draw_name_and_detail(painter, text_rect.adjusted(4, 0, -4, 0), opt, name, detail, fg, bg)

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:  # noqa: N802
        size = super().sizeHint(option, index)
        size.setHeight(size.height() + 6)  # rows a finger can tell apart
        size.setWidth(size.width() + 8)
        detail = str(index.data(DETAIL_ROLE) or "")
        if detail:
            size.setWidth(size.width() + _GAP + option.fontMetrics.horizontalAdvance(detail) + 8)
        return size


def _draw_name_and_detail(
    painter: QPainter,
    rect: QRect,
    option: Any,
    name: str,
    detail: str,
    fg: QColor,
    bg: QColor,
) -> None:
    metrics = option.fontMetrics
    align = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
    painter.save()
    painter.setPen(fg)
    shown = metrics.elidedText(name, Qt.TextElideMode.ElideRight, rect.width())
    painter.drawText(rect, align, shown)
    used = metrics.horizontalAdvance(shown) + _GAP
    if detail and used < rect.width():
        painter.setPen(muted(fg, bg))
        rest = rect.adjusted(used, 0, 0, 0)
        painter.drawText(
            rest, align, metrics.elidedText(detail, Qt.TextElideMode.ElideRight, rest.width())
        )
    painter.restore()


class _ModelCombo(QComboBox):
    """A combo box whose closed face shows the details muted, like its popup rows."""

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        detail = str(self.currentData(DETAIL_ROLE) or "")
        if not detail:
            super().paintEvent(event)
            return
        painter = QStylePainter(self)
        opt = QStyleOptionComboBox()
        self.initStyleOption(opt)
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, opt)
        name = opt.currentText
        opt.currentText = ""
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, opt)  # the frame's inside
        rect = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, opt, QStyle.SubControl.SC_ComboBoxEditField, self
        )
        group = QPalette.ColorGroup.Normal if self.isEnabled() else QPalette.ColorGroup.Disabled
        fg = self.palette().color(group, QPalette.ColorRole.ButtonText)
        bg = self.palette().color(group, QPalette.ColorRole.Button)
        _draw_name_and_detail(painter, rect.adjusted(1, 0, -1, 0), opt, name, detail, fg, bg)


class ModelPicker(QWidget):
    """A combo box of the server's models and a button to list them again."""

    model_changed = Signal(str)
    """The chosen model's name; "" when no model is chosen (e.g. the server is unreachable)."""
    models_loaded = Signal(list)
    """The models the server listed (`list[ModelInfo]`)."""
    load_failed = Signal(object)
    """Listing failed: the JournalError (its message is written for the person)."""

    def __init__(
        self,
        list_models: Callable[[], list[ModelInfo]] | None = None,
        parent: QWidget | None = None,
        *,
        none_text: str = "",
    ) -> None:
        super().__init__(parent)
        self._lister = list_models
        self._loaded_lister: Callable[[], list[LoadedModel]] | None = None
        self._loaded: dict[str, str] = {}  # model name -> "until 14:05", for loaded ones
        self._unreachable = False  # the server did not answer: a missing model may be there
        self._none_text = none_text  # when set: a first row that means "no model", choosable
        self._models: list[ModelInfo] = []
        self._task: Task | None = None
        self._announced: str = ""  # the last name model_changed carried
        self._last_choice: str | None = None  # survives a failed refresh

        self._items = QStandardItemModel(self)
        self._combo = _ModelCombo()
        self._combo.setModel(self._items)
        self._combo.setItemDelegate(_ModelDelegate(self._combo))
        self._combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self._combo.setMinimumContentsLength(22)
        self._combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._combo.setPlaceholderText(translate("model_picker", "No model"))
        self._combo.setAccessibleName(translate("model_picker", "Model"))
        self._combo.currentIndexChanged.connect(self._on_combo_current_index_changed)

        self._refresh_button = QToolButton()
        self._refresh_button.setIcon(
            self.style().standardIcon(QStyle.StandardPixmap.SP_BrowserReload)
        )
        self._refresh_button.setToolTip(translate("model_picker", "Refresh models (F5)"))
        self._refresh_button.setAccessibleName(translate("model_picker", "Refresh models"))
        self._refresh_button.setAutoRaise(True)
        self._refresh_button.clicked.connect(self.refresh)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self._combo, 1)
        layout.addWidget(self._refresh_button)
        self.setFocusProxy(self._combo)
        self._append_none()

    # -- configuration --------------------------------------------------------------------

    @property
    def combo(self) -> QComboBox:
        return self._combo

    @property
    def refresh_button(self) -> QToolButton:
        return self._refresh_button

    def set_lister(self, list_models: Callable[[], list[ModelInfo]] | None) -> None:
        """Use another source of models (e.g. after the host changed); call refresh() next."""
        self._lister = list_models

    def set_loaded_lister(self, list_loaded: Callable[[], list[LoadedModel]] | None) -> None:
        """Where to learn which models are in memory, to mark them "loaded" (optional)."""
        self._loaded_lister = list_loaded

    def set_reachable(self, reachable: bool) -> None:
        """The server watcher's word: a chosen model missing from the list reads
        "(Ollama unreachable)" while it is down, "(not installed)" once it answers."""
        self._unreachable = not reachable
        for row in range(self._items.rowCount()):
            item = self._items.item(row)
            if item.data(DETAIL_ROLE) in (NOT_INSTALLED, UNREACHABLE):
                self._mark_missing(item, str(item.data(NAME_ROLE)))
        self._combo.update()
        self._announce()

    # -- loading --------------------------------------------------------------------------

    def is_loading(self) -> bool:
        return self._task is not None

    @Slot()
    def refresh(self) -> None:
        """List the models again in the background; the choice survives if the model does."""
        if self._lister is None:
            return
        if self._task is not None:
            self._task.cancel()
        self._refresh_button.setEnabled(False)
        loading = translate("model_picker", LOADING_TEXT)
        self._refresh_button.setToolTip(loading)
        if not self._models and self.current_model() is None:
            self._fill_status(None, loading, "")
        lister, loaded = self._lister, self._loaded_lister

        def work() -> tuple[list[ModelInfo], dict[str, str]]:
            models = lister()
            try:  # the marks are a nicety: a listing without them is still a listing
                marks = {m.name: m.until() for m in loaded()} if loaded else {}
            except JournalError:
                marks = {}
            return models, marks

        self._task = run_in_background(work, self._on_list_done, self._on_list_failed)

    def _on_list_done(self, listed: tuple[list[ModelInfo], dict[str, str]]) -> None:
        self._end_loading()
        self._unreachable = False
        models, self._loaded = listed
        self._models = list(models)
        self._fill(self._models)
        self.models_loaded.emit(list(self._models))

    def _on_list_failed(self, error: JournalError) -> None:
        self._end_loading()
        self._models = []
        unreachable = isinstance(error, OllamaUnreachableError | OllamaTimeoutError)
        self._unreachable = unreachable
        text = (
            translate("model_picker", "Ollama unreachable")
            if unreachable
            else translate("model_picker", "Models unavailable")
        )
        self._fill_status(QStyle.StandardPixmap.SP_MessageBoxWarning, text, error_text(error))
        self.load_failed.emit(error)

    def _end_loading(self) -> None:
        self._task = None
        self._refresh_button.setEnabled(True)
        self._refresh_button.setToolTip(translate("model_picker", "Refresh models (F5)"))

    # -- the list -------------------------------------------------------------------------

    def _fill(self, models: list[ModelInfo]) -> None:
        chosen = self.current_model()
        self._combo.blockSignals(True)
        try:
            self._items.clear()
            self._combo.setPlaceholderText(translate("model_picker", "No model"))
            self._append_none()
            for model in models:
                item = QStandardItem(model.name)
                item.setData(model.name, NAME_ROLE)
                until = self._loaded.get(model.name)
                item.setData(_row_details(model, until), DETAIL_ROLE)
                item.setToolTip(_model_tooltip(model, until))
                item.setData(
                    f"{model.name} — {_row_details(model, until)}",
                    Qt.ItemDataRole.AccessibleTextRole,
                )
                self._items.appendRow(item)
            if not models:
                self._append_status(
                    None,
                    translate("model_picker", "No models installed"),
                    translate(
                        "model_picker",
                        "This Ollama has no models yet. Pull one, e.g. `ollama pull llama3.2`.",
                    ),
                )
            if chosen:  # chosen on purpose: it stays, marked if the server lost it
                row = self._row_of(chosen)
                if row < 0:
                    row = self._append_missing(chosen)
            else:
                row = max(self._row_of(self._last_choice) if self._last_choice else -1, 0)
            self._combo.setCurrentIndex(row)
        finally:
            self._combo.blockSignals(False)
        self._fit_popup()
        self._announce()

    def _fill_status(self, icon: QStyle.StandardPixmap | None, text: str, tooltip: str) -> None:
        """Replace the list by one disabled row saying why there are no models (or, while
        loading, by the placeholder)."""
        self._combo.blockSignals(True)
        try:
            self._items.clear()
            if self._none_text:  # "none" stays a choice, and so does the model chosen
                self._append_none()
                self._append_status(icon, text, tooltip)
                chosen = self._last_choice
                self._combo.setCurrentIndex(self._append_missing(chosen) if chosen else 0)
            elif text == translate("model_picker", LOADING_TEXT):
                self._combo.setPlaceholderText(text)
                self._combo.setCurrentIndex(-1)
            else:
                self._combo.setPlaceholderText(translate("model_picker", "No model"))
                self._append_status(icon, text, tooltip)
                self._combo.setCurrentIndex(0)
        finally:
            self._combo.blockSignals(False)
        self._fit_popup()
        self._announce()

    def _append_status(self, icon: QStyle.StandardPixmap | None, text: str, tooltip: str) -> None:
        item = QStandardItem(text)
        item.setData(None, NAME_ROLE)
        item.setToolTip(tooltip)
        item.setEnabled(False)
        if icon is not None:
            item.setIcon(self.style().standardIcon(icon))
        self._items.appendRow(item)

    def _append_none(self) -> None:
        if not self._none_text:
            return
        item = QStandardItem(self._none_text)
        item.setData("", NAME_ROLE)
        self._items.appendRow(item)

    def _append_missing(self, name: str) -> int:
        item = QStandardItem(name)
        item.setData(name, NAME_ROLE)
        self._mark_missing(item, name)
        self._items.appendRow(item)
        return self._items.rowCount() - 1

    def _mark_missing(self, item: QStandardItem, name: str) -> None:
        """A chosen model the list lacks: not installed, or unknown while Ollama is down."""
        mark = translate("model_picker", UNREACHABLE if self._unreachable else NOT_INSTALLED)
        item.setData(mark, DETAIL_ROLE)
        tip = (
            translate(
                "model_picker",
                "Ollama cannot be reached, so whether {name} is installed is not known.",
            )
            if self._unreachable
            else translate(
                "model_picker", "{name} is not installed on this Ollama; pull it to run it again."
            )
        )
        item.setToolTip(tip.format(name=name))
        item.setData(f"{name} {mark}", Qt.ItemDataRole.AccessibleTextRole)

    def _row_of(self, name: str) -> int:
        for row in range(self._items.rowCount()):
            listed = self._items.item(row).data(NAME_ROLE)
            if listed and _same_model(str(listed), name):
                return row
        return -1

    def _fit_popup(self) -> None:
        """Let the popup be wider than the combo so the details are not cut."""
        view = self._combo.view()
        option = QStyleOptionViewItem()
        option.initFrom(view)
        delegate = self._combo.itemDelegate()
        widest = 0
        for row in range(self._items.rowCount()):
            hint = delegate.sizeHint(option, self._items.index(row, 0))
            widest = max(widest, hint.width())
        scrollbar = view.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent)
        view.setMinimumWidth(widest + scrollbar + 2 * view.frameWidth())

    # -- the choice -----------------------------------------------------------------------

    def current_model(self) -> str | None:
        name = self._combo.currentData(NAME_ROLE)
        return str(name) if name else None

    def set_current_model(self, name: str | None) -> None:
        """Choose `name`; a model the server does not list is added, marked (not installed)."""
        if not name:
            self._last_choice = None
            self._combo.setCurrentIndex(0 if self._none_text else -1)
            return
        row = self._row_of(name)
        if row < 0:
            if self._items.rowCount() == 0:
                self._combo.setPlaceholderText(translate("model_picker", "No model"))
            row = self._append_missing(name)
            self._fit_popup()
        self._combo.setCurrentIndex(row)
        self._announce()

    def models(self) -> list[ModelInfo]:
        return list(self._models)

    def model_info(self, name: str) -> ModelInfo | None:
        for model in self._models:
            if _same_model(model.name, name):
                return model
        return None

    def is_installed(self, name: str) -> bool:
        return self.model_info(name) is not None

    @Slot(int)
    def _on_combo_current_index_changed(self, _row: int) -> None:
        self._announce()

    def _announce(self) -> None:
        current = self.current_model() or ""
        if current:
            self._last_choice = current
        elif self._none_text and self._combo.currentIndex() == 0:
            self._last_choice = None  # "none" chosen: a refresh keeps it
        self._combo.setToolTip(str(self._combo.currentData(Qt.ItemDataRole.ToolTipRole) or ""))
        if current != self._announced:
            self._announced = current
            self.model_changed.emit(current)
