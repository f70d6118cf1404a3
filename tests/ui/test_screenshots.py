"""render_all writes a real picture of every page and dialog over a seeded book."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from desktop_ar.services.progress import NullProgress
from desktop_ar.ui.pages.exceptions import ExceptionsPage
from desktop_ar.ui.screenshots import _prepare, render_all
from tests.services.helpers import pay

AS_OF = date(2026, 6, 30)
PAGES = ("customers", "orders", "invoices", "payments", "exceptions", "aging")


@pytest.fixture
def seeded(ctx, request: pytest.FixtureRequest):
    """The demo book when the demo service is there, else the small hand-made book."""
    try:
        from desktop_ar.services.demo import seed_demo
    except ImportError:
        request.getfixturevalue("book")
    else:
        seed_demo(ctx, customers=40, invoices=400, seed=3, as_of=AS_OF, progress=NullProgress())
    return ctx


def colours(path: Path, samples: int = 40) -> set[int]:
    image = QImage(str(path))
    assert not image.isNull(), path
    step_x, step_y = max(1, image.width() // samples), max(1, image.height() // samples)
    return {
        image.pixel(x, y)
        for x in range(0, image.width(), step_x)
        for y in range(0, image.height(), step_y)
    }


def test_render_all_writes_every_page(qapp, seeded, tmp_path: Path, ui_settings: Path) -> None:
    font = QApplication.font()
    paths = render_all(seeded, tmp_path / "shots", as_of=AS_OF)
    names = [p.stem for p in paths]
    assert names[: len(PAGES)] == list(PAGES)
    assert {"about", "as_of"} <= set(names)
    for path in paths:
        assert path.is_file() and path.suffix == ".png"
        assert len(colours(path)) > 1, f"{path.name} is a single colour"
        if path.stem in PAGES:
            assert path.stat().st_size > 10_000, path.name
            assert QImage(str(path)).width() >= 1400
    # The caller's application and settings are left as they were.
    assert QApplication.font() == font
    assert os.environ["DESKTOP_AR_SETTINGS"] == str(ui_settings)
    assert not ui_settings.exists()  # the window's layout went to a scratch file


def test_exceptions_page_is_shot_with_the_first_exception_open(qtbot, book) -> None:
    """Like the customers page, the picture shows a selected row and its detail pane."""
    pay(book.ctx, None, "2026-06-20", "321.00")  # unidentified
    pay(book.ctx, book.acme, "2026-06-25", "150.00")  # overpayment
    page = ExceptionsPage(book.ctx, as_of=AS_OF)
    qtbot.addWidget(page)
    page.resize(1400, 800)
    page.show()
    qtbot.waitExposed(page)
    qtbot.waitUntil(lambda: page.row_count() > 0, timeout=3000)
    _prepare("exceptions", page)
    first = page.model.row_id(0)
    assert page.current_id() == first
    qtbot.waitUntil(
        lambda: page.panel.detail is not None and page.panel.detail.id == first, timeout=3000
    )
