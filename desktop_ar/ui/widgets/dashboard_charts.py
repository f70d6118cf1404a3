"""The dashboard's charts (QtCharts): aging bucket totals and invoiced vs collected per month."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSeries,
    QBarSet,
    QChart,
    QChartView,
    QValueAxis,
)
from PySide6.QtCore import QMargins, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QWidget

from desktop_ar.domain.money import Money
from desktop_ar.ui.formatting import format_money

__all__ = ["BarChartView", "major"]

INVOICED_COLOUR = "#1e88e5"
COLLECTED_COLOUR = "#43a047"


def major(m: Money) -> float:
    """The amount in major units, for a chart axis."""
    return float(m.to_decimal())


class BarChartView(QChartView):
    """A bar chart of one or more series over category labels, with a value axis from zero."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        chart = QChart()
        chart.setTitle(title)
        chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        chart.setMargins(QMargins(4, 4, 4, 4))
        chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        chart.setBackgroundRoundness(0)
        super().__init__(chart, parent)
        self.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.setMinimumSize(360, 240)
        self.series = QBarSeries()
        self.sets: list[QBarSet] = []
        self.category_axis = QBarCategoryAxis()
        self.value_axis = QValueAxis()
        self.value_axis.setLabelFormat("%.0f")
        chart.addSeries(self.series)
        chart.addAxis(self.category_axis, Qt.AlignmentFlag.AlignBottom)
        chart.addAxis(self.value_axis, Qt.AlignmentFlag.AlignLeft)
        self.series.attachAxis(self.category_axis)
        self.series.attachAxis(self.value_axis)

    def set_data(
        self,
        labels: Sequence[str],
        series: Sequence[tuple[str, str, Sequence[Money]]],
        *,
        legend: bool = True,
    ) -> None:
        """Show bars: ``series`` is (name, colour, amounts per label) for each bar set."""
        self.series.clear()  # deletes the old bar sets
        self.sets = []
        high = 0.0
        tips = []
        for name, colour, amounts in series:
            bar_set = QBarSet(name)
            bar_set.setColor(QColor(colour))
            bar_set.setBorderColor(QColor(colour))
            values = [major(m) for m in amounts]
            bar_set.append(values)
            high = max(high, *values, 0.0)
            self.series.append(bar_set)
            self.sets.append(bar_set)
            tips.append(
                (name, [format_money(m) for m in amounts]),
            )
        self.category_axis.clear()
        self.category_axis.append(list(labels))
        self.value_axis.setRange(0.0, high or 1.0)
        self.value_axis.applyNiceNumbers()  # round ticks: 0, 500000, 1000000, …
        self.chart().legend().setVisible(legend)
        self.setToolTip(_tooltip(labels, tips))

    def bar_counts(self) -> list[int]:
        """How many bars each set shows (tests)."""
        return [bar_set.count() for bar_set in self.sets]

    def categories(self) -> list[str]:
        return list(self.category_axis.categories())


def _tooltip(labels: Sequence[str], tips: list[tuple[str, list[str]]]) -> str:
    lines = []
    for i, label in enumerate(labels):
        parts = [f"{name} {texts[i]}" if len(tips) > 1 else texts[i] for name, texts in tips]
        lines.append(f"{label}: " + ", ".join(parts))
    return "\n".join(lines)
