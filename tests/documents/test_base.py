"""The document base: escaping, amounts, the CJK font lookup, paper sizes."""

from __future__ import annotations

import pytest

from desktop_ar.documents import base
from desktop_ar.domain.errors import UserFacingError
from desktop_ar.domain.money import Money


def test_escape_keeps_user_text_as_written() -> None:
    assert base.esc("A <B> & Co") == "A &lt;B&gt; &amp; Co"
    assert base.esc("one\ntwo") == "one<br/>two"
    assert base.esc(None) == ""


def test_amounts_have_the_currencys_decimals() -> None:
    assert base.amount(Money.of("1234.5", "CNY")) == "1,234.50"
    assert base.amount(Money.of("1234", "JPY")) == "1,234"
    assert base.amount(Money.of("-1.5", "KWD")) == "-1.500"
    assert base.amount(Money.zero("CNY"), blank_zero=True) == ""


def test_no_cjk_font_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    monkeypatch.setattr(base, "FONT_CANDIDATES", ((str(tmp_path / "none.ttc"), 0),))
    base.cjk_font.cache_clear()
    try:
        with pytest.raises(UserFacingError, match="fonts-wqy-microhei"):
            base.cjk_font()
    finally:
        base.cjk_font.cache_clear()
        monkeypatch.undo()
        assert base.cjk_font() == base.FONT_NAME


def test_unknown_paper_is_refused() -> None:
    with pytest.raises(UserFacingError, match="paper"):
        base.render_bytes([], paper="A3")
