"""One Insights chart: its question as a title, its choosers, a Qt Graphs view (QML in a
QQuickWidget) or a sentence when there is nothing to draw, and Save as PNG/SVG.

Qt Quick and Qt Graphs load with this module, which only the Insights window imports: the
main window never pays for them at start-up."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSize, Qt, QUrl, Signal, Slot
from PySide6.QtGui import QAction, QColor, QPalette
from PySide6.QtQuickWidgets import QQuickWidget
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from journal.gui.insights_specs import Spec
from journal.gui.insights_svg import write_svg

translate = QCoreApplication.translate

QML = Path(__file__).resolve().parent / "qml" / "insights_chart.qml"

GRID_INK = 0.15  # how far grid lines go from the window's colour toward its text's
AXIS_INK = 0.4  # the axes, a little firmer


def _toward(start: QColor, end: QColor, share: float) -> QColor:
    return QColor.fromRgbF(
        start.redF() + (end.redF() - start.redF()) * share,
        start.greenF() + (end.greenF() - start.greenF()) * share,
        start.blueF() + (end.blueF() - start.blueF()) * share,
    )


def line_colours(palette: QPalette) -> tuple[QColor, QColor]:
    """Grid and axis lines for a chart drawn on `palette`'s window: a shade of it, nudged
    toward its text, so they guide the eye without shouting on a dark palette (Qt Graphs'
    own dark scheme draws them near white) or fading out on a light one."""
    window = palette.color(QPalette.ColorRole.Window)
    text = palette.color(QPalette.ColorRole.WindowText)
    return _toward(window, text, GRID_INK), _toward(window, text, AXIS_INK)


class ChartTitle(QLabel):
    """A chart's question: on one line when there is room, on two in a narrow window, so
    that the Insights window fits half of a 1920-wide screen in French too. (A wrapping
    label asks for less than its line even when there is room; this one asks for the line.)"""

    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.setWordWrap(True)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        line = self.fontMetrics().horizontalAdvance(self.text()) + 2 * self.margin() + 2
        return QSize(line, super().sizeHint().height())


class ChartBridge(QObject):
    """What the QML view calls back: a bar (category index, bar set index) or a point
    (series index, point index) was clicked."""

    bar_clicked = Signal(int, int)
    point_clicked = Signal(int, int)

    @Slot(int, int)
    def click_bar(self, index: int, set_index: int) -> None:
        self.bar_clicked.emit(index, set_index)

    @Slot(int, int)
    def click_point(self, series: int, point: int) -> None:
        self.point_clicked.emit(series, point)


class ChartPanel(QWidget):
    """A titled chart, or the sentence that says why there is none."""

    def __init__(self, title: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.bridge = ChartBridge(self)
        self._spec: Spec | None = None
        self._dark = False
        self._init_header(title)
        self._init_body()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addLayout(self._header)
        layout.addWidget(self._stack, 1)

    def _init_header(self, title: str) -> None:
        self.title = ChartTitle(title)
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)
        # A push button keeps its menu arrow beside its text (a tool button's sits on the "…")
        self.save_button = QPushButton(translate("insights_chart", "&Save…"))
        self.save_button.setToolTip(
            translate("insights_chart", "Save this chart as a PNG or SVG file")
        )
        menu = QMenu(self.save_button)
        self.save_png_action = QAction(translate("insights_chart", "Save as &PNG…"), menu)
        self.save_svg_action = QAction(translate("insights_chart", "Save as S&VG…"), menu)
        self.save_png_action.triggered.connect(self._on_save_png_triggered)
        self.save_svg_action.triggered.connect(self._on_save_svg_triggered)
        menu.addAction(self.save_png_action)
        menu.addAction(self.save_svg_action)
        self.save_button.setMenu(menu)
        self._header = QHBoxLayout()
        self._header.setSpacing(6)
        self._header.addWidget(self.title)
        self._header.addStretch(1)
        self._header.addWidget(self.save_button)

    def _init_body(self) -> None:
        self.sentence = QLabel()
        self.sentence.setObjectName("chart-sentence")
        self.sentence.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.sentence.setWordWrap(True)
        self.sentence.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self._quick: QQuickWidget | None = None
        self._stack = QStackedWidget()
        self._stack.addWidget(self.sentence)

    def add_control(self, widget: QWidget) -> None:
        """A chooser or a link beside the title, before the Save button."""
        self._header.insertWidget(self._header.count() - 1, widget)

    # -- what it shows --------------------------------------------------------------------

    def _view(self) -> QQuickWidget:
        """The Qt Graphs view, made when the first chart shows."""
        if self._quick is None:
            quick = QQuickWidget()
            quick.setResizeMode(QQuickWidget.ResizeMode.SizeRootObjectToView)
            quick.setClearColor(self.palette().window().color())
            quick.rootContext().setContextProperty("bridge", self.bridge)
            quick.setSource(QUrl.fromLocalFile(str(QML)))
            quick.setMinimumSize(200, 120)
            quick.setMouseTracking(True)  # hovering a bar or a point shows its tooltip
            self._quick = quick
            self._stack.addWidget(quick)
        return self._quick

    def show_sentence(self, text: str) -> None:
        self._spec = None
        self.sentence.setText(text)
        self._stack.setCurrentWidget(self.sentence)
        self.save_button.setEnabled(False)

    def show_chart(self, spec: Spec) -> None:
        self._spec = spec
        view = self._view()
        root = view.rootObject()
        if root is not None:
            self._paint_root(root)
            root.setProperty("specJson", json.dumps(spec))
        self._stack.setCurrentWidget(view)
        self.save_button.setEnabled(True)

    def showing_chart(self) -> bool:
        return self._spec is not None

    def spec(self) -> Spec | None:
        return self._spec

    def dark(self) -> bool:
        """Whether the chart is drawn in Qt Graphs' dark colour scheme."""
        return self._dark

    def set_dark(self, dark: bool) -> None:
        self._dark = dark
        if self._quick is not None:
            self._quick.setClearColor(self.palette().window().color())
            root = self._quick.rootObject()
            if root is not None:
                self._paint_root(root)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt override
        """A new palette reaches this panel after the window has said dark or light: the
        lines follow it here."""
        if event.type() == QEvent.Type.PaletteChange and self._quick is not None:
            root = self._quick.rootObject()
            if root is not None:
                self._paint_root(root)
        super().changeEvent(event)

    def _paint_root(self, root: QObject) -> None:
        """The QML chart's colour scheme and its lines, after this panel's palette."""
        grid, axis = line_colours(self.palette())
        root.setProperty("dark", self._dark)
        root.setProperty("gridColor", grid)
        root.setProperty("axisColor", axis)

    # -- saving ---------------------------------------------------------------------------

    def save_png(self, path: str) -> bool:
        """The chart as drawn on screen; False when there is none or it could not be written."""
        if self._quick is None or self._spec is None:
            return False
        return bool(self._quick.grabFramebuffer().save(path))  # PNG: the name ends in .png

    def save_svg(self, path: str) -> bool:
        """The same data drawn with QPainter into an SVG (Qt Graphs cannot write SVG)."""
        if self._spec is None:
            return False
        width = self._quick.width() if self._quick is not None else 800
        height = self._quick.height() if self._quick is not None else 480
        return write_svg(self._spec, self.title.text(), path, max(width, 480), max(height, 300))

    def _ask_path(self, kind: str, pattern: str) -> str:
        name = self.objectName().replace("-chart", "") + "." + kind
        path, _ = QFileDialog.getSaveFileName(
            self, translate("insights_chart", "Save chart"), name, pattern
        )
        if path and not path.lower().endswith("." + kind):
            path += "." + kind
        return path

    @Slot()
    def _on_save_png_triggered(self) -> None:
        path = self._ask_path("png", translate("insights_chart", "PNG image (*.png)"))
        if path:
            self.save_png(path)

    @Slot()
    def _on_save_svg_triggered(self) -> None:
        path = self._ask_path("svg", translate("insights_chart", "SVG drawing (*.svg)"))
        if path:
            self.save_svg(path)
