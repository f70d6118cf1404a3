"""A small bar chart of the aging bucket totals, drawn with QPainter (no QtCharts)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QWidget

from desktop_ar.domain.money import Money
from desktop_ar.ui.formatting import format_money
from desktop_ar.ui.models.aging_model import bucket_header


class BucketChart(QWidget):
    """A small bar chart of bucket totals, drawn with QPainter (no QtCharts dependency)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._labels: list[str] = []
        self._values: list[int] = []
        self.setMinimumSize(340, 100)

    def set_values(self, labels: list[str], totals: list[Money]) -> None:
        self._labels = [bucket_header(label) for label in labels]
        self._values = [m.minor for m in totals]
        tips = zip(self._labels, totals, strict=True)
        self.setToolTip("\n".join(f"{h}: {format_money(m)}" for h, m in tips))
        self.update()

    def paintEvent(self, event: Any) -> None:
        if not self._values:
            return
        painter = QPainter(self)
        metrics, text_h = painter.fontMetrics(), painter.fontMetrics().height()
        top, bottom = 4.0, float(self.height() - text_h - 4)
        high, low = max(0, *self._values), min(0, *self._values)
        zero_y = top + (bottom - top) * high / ((high - low) or 1)
        slot, last = self.width() / len(self._values), max(len(self._values) - 1, 1)
        for i, (label, value) in enumerate(zip(self._labels, self._values, strict=True)):
            hue = int(120 * (1 - i / last))  # green for current … red for the oldest bucket
            bar_h = (bottom - top) * abs(value) / ((high - low) or 1)
            y = zero_y - bar_h if value >= 0 else zero_y
            bar = QRectF(i * slot + slot * 0.15, y, slot * 0.7, bar_h)
            painter.fillRect(bar, QColor.fromHsv(hue, 150, 200))
            painter.setPen(self.palette().text().color())
            text = metrics.elidedText(label, Qt.TextElideMode.ElideRight, int(slot))
            rect = QRectF(i * slot, bottom + 2, slot, text_h)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.setPen(self.palette().mid().color())
        painter.drawLine(0, int(zero_y), self.width(), int(zero_y))
        painter.end()
