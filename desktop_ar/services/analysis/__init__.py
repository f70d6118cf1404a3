"""Receivables analysis: the dashboard figures, the cash-flow forecast and the aging history."""

from desktop_ar.services.analysis.aging_history import TrendPoint, aging_at, aging_trend
from desktop_ar.services.analysis.dashboard import Dashboard, dashboard, default_period
from desktop_ar.services.analysis.forecast import (
    CashBacktest,
    CashForecast,
    backtest_forecast,
    cash_forecast,
)

__all__ = [
    "CashBacktest",
    "CashForecast",
    "Dashboard",
    "TrendPoint",
    "aging_at",
    "aging_trend",
    "backtest_forecast",
    "cash_forecast",
    "dashboard",
    "default_period",
]
