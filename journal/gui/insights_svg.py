"""An Insights chart as an SVG file. Qt Graphs draws on the GPU and cannot write SVG, so the
same spec (insights_specs.py) is drawn here with QPainter into a QSvgGenerator: plain bars,
lines and points with their labels, on white."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen
from PySide6.QtSvg import QSvgGenerator

from journal.gui.insights_specs import Spec
from journal.gui.translating import day_month_year

TEXT = QColor("#202020")
GRID = QColor("#dddddd")
CENTRE = Qt.AlignmentFlag.AlignHCenter
RIGHT = Qt.AlignmentFlag.AlignRight
RIGHT_MIDDLE = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


def write_svg(spec: Spec, title: str, path: str, width: int = 800, height: int = 480) -> bool:
    """Draw `spec` titled `title` into an SVG file at `path`; False when it cannot be
    written."""
    generator = QSvgGenerator()
    generator.setFileName(path)
    generator.setSize(QSize(width, height))
    generator.setViewBox(QRectF(0, 0, width, height))
    generator.setTitle(title)
    painter = QPainter()
    if not painter.begin(generator):
        return False
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.fillRect(QRectF(0, 0, width, height), QColor("white"))
        font = QFont(painter.font())
        font.setPointSizeF(9)
        painter.setFont(font)
        painter.setPen(TEXT)
        painter.drawText(QRectF(8, 4, width - 16, 22), Qt.AlignmentFlag.AlignLeft, title)
        plot = QRectF(8, 30, width - 16, height - 40)
        if spec.get("kind") == "lines":
            _lines(painter, spec, plot)
        else:
            _bars(painter, spec, plot)
    finally:
        painter.end()
    return True


def _bars(painter: QPainter, spec: Spec, area: QRectF) -> None:
    categories: list[str] = spec["categories"]
    sets: list[dict[str, Any]] = spec["sets"]
    top = float(spec["valueMax"]) or 1.0
    metrics = QFontMetricsF(painter.font())
    count = max(len(categories), 1)
    if spec.get("legend"):
        _legend(painter, spec, area.left(), area.bottom() - 2)
        area = area.adjusted(0, 0, 0, -20)
    if spec.get("horizontal"):
        label_width = min(max((metrics.horizontalAdvance(c) for c in categories), default=0), 320)
        left = area.left() + label_width + 8
        plot = QRectF(left, area.top(), area.right() - left, area.height() - 16)
        row = plot.height() / count
        _value_grid(painter, plot, spec, horizontal=True)
        for number, category in enumerate(categories):
            y = plot.top() + number * row
            painter.setPen(TEXT)
            label = QRectF(area.left(), y, label_width, row)
            painter.drawText(label, RIGHT_MIDDLE, category)
            x = plot.left()
            for bar_set in sets:
                value = float(bar_set["values"][number])
                length = value / top * plot.width()
                _fill(painter, QRectF(x, y + row * 0.15, length, row * 0.7), bar_set["color"])
                x += length if spec.get("stacked") else 0
        return
    plot = QRectF(area.left() + 32, area.top(), area.width() - 32, area.height() - 20)
    column = plot.width() / count
    _value_grid(painter, plot, spec, horizontal=False)
    every = max(1, int(metrics.horizontalAdvance("00 Mmm  ") * count / plot.width()) + 1)
    for number, category in enumerate(categories):
        x = plot.left() + number * column
        y = plot.bottom()
        for bar_set in sets:
            value = float(bar_set["values"][number])
            length = value / top * plot.height()
            bar = QRectF(x + column * 0.15, y - length, column * 0.7, length)
            _fill(painter, bar, bar_set["color"])
            y -= length if spec.get("stacked") else 0
        if number % every == 0:
            painter.setPen(TEXT)
            label = QRectF(x - 20, plot.bottom() + 2, column + 40, 16)
            painter.drawText(label, CENTRE, category)


def _fill(painter: QPainter, rect: QRectF, colour: str) -> None:
    fill = QColor(colour)
    if fill.alpha() and rect.width() > 0 and rect.height() > 0:
        painter.fillRect(rect, fill)


def _value_grid(painter: QPainter, plot: QRectF, spec: Spec, *, horizontal: bool) -> None:
    """Grid lines and labels at the spec's tick step (else quarters) up to its top."""
    top = float(spec["valueMax"]) or 1.0
    step = float(spec.get("tickInterval") or 0) or top / 4
    ticks = [step * number for number in range(int(top / step + 1e-9) + 1)]
    for value in ticks:
        share = value / top
        text = f"{value:g}"
        painter.setPen(QPen(GRID, 1))
        if horizontal:
            x = plot.left() + share * plot.width()
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
            painter.setPen(TEXT)
            painter.drawText(QRectF(x - 30, plot.bottom(), 60, 16), CENTRE, text)
        else:
            y = plot.bottom() - share * plot.height()
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(TEXT)
            painter.drawText(QRectF(plot.left() - 34, y - 8, 30, 16), RIGHT, text)


def _legend(painter: QPainter, spec: Spec, left: float, baseline: float) -> None:
    """The spec's legend: a coloured mark and a name each, in a row."""
    metrics = QFontMetricsF(painter.font())
    for entry in spec.get("legend", ()):
        colour = QColor(entry["color"])
        painter.fillRect(QRectF(left, baseline - 9, 9, 9), colour)
        painter.setPen(TEXT)
        painter.drawText(QPointF(left + 13, baseline), entry["name"])
        left += 13 + metrics.horizontalAdvance(entry["name"]) + 16


def _lines(painter: QPainter, spec: Spec, area: QRectF) -> None:
    lines: list[dict[str, Any]] = spec["lines"]
    plot = QRectF(area.left() + 32, area.top(), area.width() - 40, area.height() - 40)
    low, high = float(spec["xMin"]), float(spec["xMax"])
    top = float(spec["valueMax"]) or 1.0
    _value_grid(painter, plot, spec, horizontal=False)

    def place(x: float, y: float) -> QPointF:
        return QPointF(
            plot.left() + (x - low) / (high - low) * plot.width(),
            plot.bottom() - y / top * plot.height(),
        )

    painter.setPen(TEXT)
    for share in (0.0, 0.5, 1.0):
        moment = low + share * (high - low)
        day = day_month_year(datetime.fromtimestamp(moment / 1000, UTC))
        x = plot.left() + share * plot.width() - 50 * share  # the last ends at the edge
        painter.drawText(QRectF(x - 50, plot.bottom() + 2, 100, 16), CENTRE, day)
    for line in lines:
        colour = QColor(line["color"])
        points = [place(float(x), float(y)) for x, y in line["points"]]
        if line.get("scatter"):
            painter.setPen(QPen(colour, 1))
            painter.setBrush(colour)
            for point in points:
                painter.drawEllipse(point, 4, 4)
            painter.setBrush(Qt.BrushStyle.NoBrush)
        else:
            painter.setPen(QPen(colour, 2))
            painter.drawPolyline(points)
            for point in points:
                painter.drawEllipse(point, 2, 2)
    _legend(painter, spec, plot.left(), area.bottom() - 2)
