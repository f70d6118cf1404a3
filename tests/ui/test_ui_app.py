"""Application start-up helpers: run_app, fonts, translations, resources, formatting."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QApplication

from desktop_ar.domain.money import Money
from desktop_ar.resources import resource_path
from desktop_ar.ui.app import run_app
from desktop_ar.ui.formatting import format_date, format_money, format_pct
from desktop_ar.ui.i18n import ensure_cjk_font, find_cjk_family, install_translator


def test_run_app_builds_the_window_without_showing(qtbot, ctx) -> None:
    assert run_app(ctx, show=False) == 0


def test_cjk_font_is_used_when_installed(qtbot) -> None:
    app = QApplication.instance()
    family = find_cjk_family()
    size = app.font().pointSizeF()
    if family is None:
        assert ensure_cjk_font(app) is None
        return
    assert ensure_cjk_font(app) == family
    assert app.font().families()[0] == family
    assert app.font().pointSizeF() == size
    assert QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(family)


def test_translator_and_resources(qtbot) -> None:
    assert install_translator(QApplication.instance(), "en") is False
    assert resource_path("translations").parent.name == "resources"


def test_formatting() -> None:
    assert format_money(Money.of("-1234.5", "CNY")) == "-1,234.50"
    assert format_money(Money.of("1234.5", "CNY"), grouping=False) == "1234.50"
    assert format_date(date(2026, 6, 30)) == "2026-06-30"
    assert format_date(None) == ""
    assert format_pct(Decimal("85")) == "85.0 %"
    assert format_pct(None) == ""
