"""Each matching rule on the small book of ``book.py``."""

from __future__ import annotations

import pytest

from desktop_ar.domain.matching import MatchSettings, describe, match_lines
from desktop_ar.domain.money import Money
from tests.domain.matching.book import (
    CUSTOMERS,
    best,
    codes,
    d,
    discount,
    find,
    invoices,
    line,
    m,
    matcher,
    payment,
    reason,
)

# -- recorded payments first --------------------------------------------------------------------


def test_a_recorded_receipt_ranks_before_the_invoice_it_paid() -> None:
    pays = [payment(100, "RC-0100", 2, "4321.99", "2026-06-29", payer_name="北京华信科技")]
    result = matcher(payments=pays).match(line("4321.99", counterparty_name="北京华信科技"))
    assert best(result) == ("payment", ("RC-0100",))
    top = result.candidates[0]
    assert codes(top) == ["amount_equal", "name_equal", "date_near"]
    assert reason(top, "date_near") == {"days": 1}
    assert find(result, "INV-1046") is not None  # the invoice stays a (lower) candidate


def test_payment_outside_the_date_window_is_not_suggested() -> None:
    pays = [payment(100, "RC-0100", 2, "55.00", "2026-05-01")]
    assert matcher(payments=pays).match(line("55.00")).candidates == ()


def test_payment_number_in_memo_finds_it_outside_the_window() -> None:
    pays = [payment(100, "RC-0100", 2, "55.00", "2026-05-01")]
    result = matcher(payments=pays).match(line("55.00", memo="re RC-0100"))
    assert best(result) == ("payment", ("RC-0100",))
    assert "payment_in_memo" in codes(result.candidates[0])


def test_payment_reference_match_and_own_account() -> None:
    pays = [
        payment(
            100, "RC-0100", None, "60.00", reference="PO 7781-A", bank_account="NL91ABNA0417164300"
        )
    ]
    result = matcher(payments=pays).match(
        line("60.00", memo="PO7781A", counterparty_account="NL91 ABNA 0417 1643 00")
    )
    top = result.candidates[0]
    assert top.kind == "payment" and top.customer_id is None
    assert reason(top, "reference_match") == {"reference": "PO 7781-A"}
    assert reason(top, "account_known") == {"account": "NL91ABNA0417164300"}


# -- invoice numbers in the memo ----------------------------------------------------------------


@pytest.mark.parametrize(
    "memo",
    ["INV-1043", "inv1043", "ＩＮＶ－１０４３", "货款INV 1043", "INV/1043号",
     "Zahlung INV_1043 danke", "pay INV-1043,INV-1044", "INV-001043"],
)  # fmt: skip
def test_invoice_number_written_in_many_ways(memo: str) -> None:
    result = matcher().match(line("1000.00", memo=memo))
    assert best(result) == ("invoice", ("INV-1043",))
    assert reason(result.candidates[0], "invoice_in_memo") == {"number": "INV-1043"}


@pytest.mark.parametrize("memo", ["V-1043", "XINV1043", "INV-10435", "1,043.00", "2026-10-43"])
def test_no_false_invoice_number(memo: str) -> None:
    result = matcher().match(line("1.00", memo=memo))
    for c in result.candidates:
        assert "invoice_in_memo" not in codes(c)


def test_digits_only_are_a_weak_hint() -> None:
    result = matcher(min_confidence=0).match(line("1.00", booked="2026-01-05", memo="for 1043"))
    (cand,) = result.candidates
    assert cand.numbers == ("INV-1043",)
    assert codes(cand) == ["amount_differs", "invoice_digits_in_memo"]
    assert cand.confidence < 0.3


def test_number_in_memo_with_another_amount_is_a_partial_payment() -> None:
    result = matcher().match(
        line("400.00", memo="INV-1043 part 1", counterparty_name="上海明远贸易")
    )
    top = result.candidates[0]
    assert top.numbers == ("INV-1043",)
    assert reason(top, "amount_differs") == {"difference": "-600.00"}
    assert top.confidence <= 0.7  # never auto-accepted


def test_fapiao_number_in_memo() -> None:
    invs = invoices(**{"13": {"fapiao_number": "04400123"}})
    result = matcher(invs).match(line("4321.99", memo="发票号04400123"))
    top = result.candidates[0]
    assert top.numbers == ("INV-1046",)
    assert reason(top, "fapiao_in_memo") == {"number": "04400123"}


# -- amounts ----------------------------------------------------------------------------------


def test_exact_amount_and_name() -> None:
    result = matcher().match(line("980.00", counterparty_name="ACME TRADING CO LTD"))
    top = result.candidates[0]
    assert top.numbers == ("INV-1047",)
    assert codes(top) == ["amount_equal", "name_equal"]


def test_amount_shared_by_several_invoices_lowers_each() -> None:
    invs = invoices(**{"16": {"open_amount": m("980.00")}})
    result = matcher(invs).match(line("980.00"))
    assert {c.numbers for c in result.candidates} == {("INV-1047",), ("INV-1049",)}
    for c in result.candidates:
        assert reason(c, "amount_shared") == {"count": 2}
    alone = matcher().match(line("980.00")).candidates[0]
    assert all(c.confidence < alone.confidence for c in result.candidates)


def test_name_breaks_the_tie_of_a_shared_amount() -> None:
    invs = invoices(**{"16": {"open_amount": m("980.00")}})
    result = matcher(invs).match(line("980.00", counterparty_name="北京明远贸易有限公司"))
    assert best(result) == ("invoice", ("INV-1049",))


def test_within_tolerance_and_beyond() -> None:
    result = matcher().match(line("979.40", counterparty_name="ACME"))
    top = result.candidates[0]
    assert top.numbers == ("INV-1047",)
    assert reason(top, "within_tolerance") == {"difference": "-0.60"}
    assert matcher().match(line("978.00")).candidates == ()


def test_tolerance_per_currency() -> None:
    settings = MatchSettings(tolerance=[m("1.00"), Money.of("0.05", "USD")])
    assert settings.tolerance_minor("CNY") == 100
    assert settings.tolerance_minor("USD") == 5
    assert settings.tolerance_minor("EUR") == 0
    with pytest.raises(ValueError, match="tolerance"):
        MatchSettings(tolerance=m("-1.00"))


def test_early_payment_discount_taken_in_time() -> None:
    invs = invoices(**{"15": {"discount": discount("30.00", "2026-07-05")}})
    result = matcher(invs).match(line("1470.00", counterparty_name="Mueller Maschinenbau"))
    top = result.candidates[0]
    assert top.numbers == ("INV-1048",) and top.amount == m("1500.00")
    assert reason(top, "discount_taken") == {"discount": "30.00", "until": "2026-07-05"}
    late = matcher(invs).match(line("1470.00", booked="2026-07-06"))
    assert late.candidates == ()


def test_sum_of_several_invoices_of_one_customer() -> None:
    result = matcher().match(line("550.00", counterparty_account="6222000011112222"))
    top = result.candidates[0]
    assert top.kind == "invoices" and top.numbers == ("INV-1044", "INV-1045")
    assert codes(top) == ["amount_sum", "account_known"]
    assert top.amount == m("550.00") and top.customer_id == 1


def test_sum_named_in_memo_scores_above_each_named_invoice() -> None:
    result = matcher().match(line("1550.00", memo="INV-1043 INV-1044 INV-1045"))
    top = result.candidates[0]
    assert top.kind == "invoices" and top.numbers == ("INV-1043", "INV-1044", "INV-1045")
    assert codes(top).count("invoice_in_memo") == 3
    assert top.confidence > 0.9


def test_sums_need_a_customer_the_line_points_at() -> None:
    assert matcher().match(line("550.00")).candidates == ()


def test_sum_limited_in_count() -> None:
    memo_free = line("1550.00", counterparty_name="上海明远贸易有限公司")
    assert matcher(max_sum_invoices=2).match(memo_free).candidates == ()
    assert matcher(max_sum_invoices=3).match(memo_free).candidates[0].kind == "invoices"


# -- customers --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("上海明远贸易有限公司", "name_equal"),
        ("上海明远贸易", "name_equal"),  # legal form dropped
        ("ＡＣＭＥ　ＴＲＡＤＩＮＧ　ＣＯ．，ＬＴＤ．", "name_equal"),  # full-width
        ("John Smith", "payer_known"),
        ("上海明远贸易股份公司", "name_equal"),
    ],
)
def test_payer_name_forms(name: str, code: str) -> None:
    cust = {1: "INV-1043", 3: "INV-1047"}
    result = matcher().match(line("1.00", memo="INV-1043 INV-1047", counterparty_name=name))
    top = result.candidates[0]
    assert top.numbers[0] in cust.values()
    assert code in codes(top)


def test_similar_name_in_percent() -> None:
    result = matcher().match(line("1000.00", counterparty_name="上海明远商贸有限公司"))
    top = result.candidates[0]
    assert top.numbers == ("INV-1043",)
    percent = reason(top, "name_similar")
    assert percent is not None and 60 <= int(percent["percent"]) < 100


def test_latin_payer_name_against_chinese_name_through_pinyin() -> None:
    result = matcher().match(line("1000.00", counterparty_name="SHANGHAI MINGYUAN MAOYI CO LTD"))
    top = result.candidates[0]
    assert reason(top, "name_similar") == {"percent": 100, "via": "pinyin"}


def test_payer_name_in_the_memo() -> None:
    result = matcher().match(line("4321.99", memo="北京华信科技股份有限公司 货款"))
    assert reason(result.candidates[0], "payer_in_memo") == {"name": "北京华信科技股份有限公司"}


def test_known_account() -> None:
    result = matcher().match(line("1000.00", counterparty_account="6222-0000-1111-2222"))
    assert "account_known" in codes(result.candidates[0])


# -- lines without invoice candidates ----------------------------------------------------------


def test_debit_line_has_no_candidates_and_says_why() -> None:
    result = matcher().match(line("-1000.00", memo="INV-1043"))
    assert result.candidates == ()
    assert describe(result.notes) == "outgoing money (debit): no invoice candidates"


def test_zero_and_unknown_lines() -> None:
    assert [r.code for r in matcher().match(line("0.00")).notes] == ["zero_amount"]
    assert [r.code for r in matcher().match(line("12.34")).notes] == ["no_candidates"]


def test_no_candidate_in_another_currency() -> None:
    usd = invoices(**{"10": {"open_amount": Money.of("1000.00", "USD")}})
    result = matcher(usd).match(line("1000.00", memo="INV-1043"))
    assert result.candidates == ()
    eur = matcher().match(line(Money.of("980.00", "EUR"), counterparty_name="ACME"))
    assert eur.candidates == ()


# -- ranking and limits -----------------------------------------------------------------------


def test_candidates_ranked_and_cut() -> None:
    invs = invoices(**{str(i): {"open_amount": m("980.00")} for i in range(10, 17)})
    result = matcher(invs, max_candidates=3).match(line("980.00", counterparty_name="ACME"))
    assert len(result.candidates) == 3
    assert result.candidates[0].numbers == ("INV-1047",)
    confidences = [c.confidence for c in result.candidates]
    assert confidences == sorted(confidences, reverse=True)
    assert all(0.0 <= c <= 1.0 for c in confidences)


def test_match_lines_in_order() -> None:
    lines = [line("980.00", lid=7), line("-1.00", lid=8)]
    results = match_lines(lines, invoices=invoices(), customers=CUSTOMERS)
    assert [r.line_id for r in results] == [7, 8]
    assert results[0].best is not None and results[1].best is None


def test_reasons_of_a_real_match_in_both_languages() -> None:
    result = matcher().match(line("1000.00", memo="货款 INV1043", counterparty_name="上海明远贸易"))
    top = result.candidates[0]
    assert (
        describe(top.reasons) == "amount equal; invoice INV-1043 in memo; name equal; due that day"
    )
    assert describe(top.reasons, "zh") == "金额相等；摘要含发票 INV-1043；名称一致；当日到期"


def test_value_date_counts_for_the_date_window() -> None:
    pays = [payment(100, "RC-0100", 2, "55.00", "2026-06-20")]
    assert matcher(payments=pays).match(line("55.00", booked="2026-07-10")).candidates == ()
    with_value = line("55.00", booked="2026-07-10", value_date=d("2026-06-21"))
    top = matcher(payments=pays).match(with_value).candidates[0]
    assert reason(top, "date_near") == {"days": 1}
