"""The import's quick invoice-number match agrees with ``find_invoice_numbers`` or steps aside."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from desktop_ar.domain.allocation import find_invoice_numbers
from desktop_ar.services.import_kinds.payment_ledger import find_one_number

NUMBER = st.text(alphabet="AIN-/._ 0123456789Ｉ１", min_size=1, max_size=10)
TEXT = st.text(alphabet="AIN-/._ 0123456789Ｉ１x回款", max_size=30)


@given(NUMBER, TEXT)
@example("INV-1043", "pay INV-1043")
@example("INV-1043", "INV-10435")
@example("INV-1043", "1INV-1043")
@example("1043", "ref 21043 and 1043")
@example("-A1-", "xA1x")
@example("INV-1", "INV-1-2")
def test_one_number(number: str, text: str) -> None:
    quick = find_one_number(text, [number])
    if quick is not None:
        assert quick == find_invoice_numbers(text, [number])


@given(TEXT)
def test_no_candidates(text: str) -> None:
    assert find_one_number(text, []) == [] == find_invoice_numbers(text, [])


def test_common_cases_are_quick() -> None:
    assert find_one_number("INV-1043", ["INV-1043"]) == ["INV-1043"]
    assert find_one_number("回款 inv-1043 谢谢", ["INV-1043"]) == ["INV-1043"]
    assert find_one_number("INV 1043", ["INV-1043"]) is None  # another spelling: ask the regex
