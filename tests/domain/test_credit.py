from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_ar.domain.credit import CreditCheckInput, Reason, credit_check, describe
from desktop_ar.domain.errors import DomainError
from desktop_ar.domain.money import CurrencyMismatch, Money
from desktop_ar.domain.orders import (
    LineAmounts,
    OrderLine,
    invoiceable,
    line_amounts,
    part_amounts,
    totals,
)


def cny(text: str) -> Money:
    return Money.of(text, "CNY")


def check(limit="10000", open_="0", orders="0", this="0", days=0, allowed=60, hold=False):
    return credit_check(
        CreditCheckInput(
            limit=cny(limit),
            open_balance=cny(open_),
            uninvoiced_orders=cny(orders),
            this_order=cny(this),
            oldest_overdue_days=days,
            block_after_days=allowed,
            on_hold=hold,
        )
    )


def test_within_limit_is_ok() -> None:
    result = check(open_="3000", orders="2000", this="5000")
    assert result.outcome == "ok" and not result.blocked
    assert result.exposure == cny("10000") and result.headroom == cny("0")
    assert result.reasons == []


def test_over_limit_names_the_figures() -> None:
    result = check(open_="3000", orders="2000", this="5000.01")
    assert result.outcome == "blocked"
    (reason,) = result.reasons
    assert reason.code == "over_limit"
    assert reason.params["excess"] == cny("0.01")
    assert result.headroom == cny("-0.01")
    assert "over the credit limit of 10,000.00 CNY by 0.01 CNY" in describe(reason)
    assert "超过信用额度" in describe(reason, "zh_CN")


def test_zero_limit_means_no_credit() -> None:
    assert check(limit="0", this="0.01").reasons[0].code == "over_limit"
    assert check(limit="0").outcome == "ok"  # nothing owed, nothing ordered
    reason = check(limit="0", this="5").reasons[0]
    assert "no credit" in describe(reason)
    assert "不赊销" in describe(reason, "zh")


def test_overdue_older_than_policy() -> None:
    assert check(days=60).outcome == "ok"
    result = check(days=61)
    assert [r.code for r in result.reasons] == ["overdue_too_long"]
    assert describe(result.reasons[0]) == (
        "An item is 61 days overdue; orders are blocked after 60 days."
    )


def test_every_reason_in_order() -> None:
    result = check(limit="100", this="200", days=90, hold=True)
    assert [r.code for r in result.reasons] == ["over_limit", "overdue_too_long", "on_credit_hold"]
    assert describe(result.reasons[2]) == "The customer is on credit hold."
    assert describe(result.reasons[2], "zh") == "客户处于信用冻结状态。"
    data = result.to_json()
    assert data["outcome"] == "blocked" and data["exposure"] == "200.00"
    assert data["reasons"][0]["params"]["limit"] == {"amount": "100.00", "currency": "CNY"}


def test_unknown_reason_is_described_plainly() -> None:
    assert describe(Reason("other", {"x": 1})) == "other: x=1"


def test_mixed_currencies_refused() -> None:
    with pytest.raises(CurrencyMismatch):
        credit_check(
            CreditCheckInput(cny("1"), Money.of("1", "USD"), cny("0"), cny("0"), 0, 60, False)
        )


amounts = st.integers(min_value=0, max_value=10**12)


@given(
    limit=amounts,
    open_=amounts,
    orders=amounts,
    this=amounts,
    days=st.integers(0, 400),
    allowed=st.integers(0, 400),
    hold=st.booleans(),
)
def test_blocked_exactly_when_a_rule_fails(limit, open_, orders, this, days, allowed, hold):
    m = lambda v: Money(v, "CNY")  # noqa: E731
    result = credit_check(
        CreditCheckInput(m(limit), m(open_), m(orders), m(this), days, allowed, hold)
    )
    exposure = open_ + orders + this
    assert result.exposure.minor == exposure
    assert result.headroom.minor == limit - exposure
    expected = {
        "over_limit": exposure > limit,
        "overdue_too_long": days > allowed,
        "on_credit_hold": hold,
    }
    assert {r.code for r in result.reasons} == {k for k, v in expected.items() if v}
    assert result.blocked == any(expected.values())
    for reason in result.reasons:
        assert describe(reason) and describe(reason, "zh")


# ---- order line arithmetic --------------------------------------------------------------------


def test_line_rounds_half_up() -> None:
    amounts = line_amounts(Decimal("2.5"), cny("0.05"), Decimal("0.13"))
    assert amounts.net == cny("0.13")  # 0.125 → 0.13
    assert amounts.tax == cny("0.02")  # 0.0169 → 0.02
    assert amounts.total == cny("0.15")


def test_totals_sum_rounded_lines() -> None:
    lines = [
        OrderLine(Decimal(10), cny("99.50"), Decimal("0.13"), cny("60")),
        OrderLine(Decimal("1.5"), cny("10.01"), Decimal(0), cny("5")),
    ]
    t = totals(lines, "CNY")
    assert (t.net, t.tax, t.total, t.cost) == (
        cny("1010.02"),
        cny("129.35"),
        cny("1139.37"),
        cny("607.50"),
    )
    assert t.margin == cny("402.52")


def test_invoiceable_is_delivered_less_invoiced() -> None:
    a = OrderLine(Decimal(10), cny("1"), Decimal(0), cny("0"), key=1, invoiced=Decimal(4))
    b = OrderLine(Decimal(5), cny("1"), Decimal(0), cny("0"), key=2)
    c = OrderLine(Decimal(5), cny("1"), Decimal(0), cny("0"), key=3, invoiced=Decimal(5))
    assert invoiceable([a, b, c], {1: Decimal("6.50"), 3: Decimal(5), 2: Decimal(9)}) == {
        1: Decimal("2.5"),
        2: Decimal(5),
    }


@given(
    st.lists(st.integers(1, 30), min_size=1, max_size=5),
    st.integers(100, 100_000),
    st.sampled_from(["0", "0.06", "0.13"]),
)
def test_parts_add_up_to_the_line(parts, price_minor, rate) -> None:
    line = OrderLine(Decimal(sum(parts)) / 10, Money(price_minor, "CNY"), Decimal(rate), cny("0"))
    billed = LineAmounts(Money.zero("CNY"), Money.zero("CNY"))
    invoiced = Decimal(0)
    for part in parts:
        q = Decimal(part) / 10
        current = replace(line, invoiced=invoiced)
        amounts = part_amounts(current, q, billed)
        billed = LineAmounts(billed.net + amounts.net, billed.tax + amounts.tax)
        invoiced += q
    assert billed == line.amounts


def test_part_more_than_left_is_refused() -> None:
    line = OrderLine(Decimal(3), cny("1"), Decimal(0), cny("0"), invoiced=Decimal(2))
    with pytest.raises(DomainError):
        part_amounts(line, Decimal(2))


def test_small_parts_of_a_cheap_line_never_overbill_tax() -> None:
    # Four parts of 0.1 at 1.00 with 6% tax: each part alone rounds 0.6 fen of tax up to 1,
    # which billed 3 fen of a 2-fen line before the last part (it was refused).
    line = OrderLine(Decimal("0.4"), cny("1.00"), Decimal("0.06"), cny("0"))
    billed = LineAmounts(Money.zero("CNY"), Money.zero("CNY"))
    taxes = []
    for k in range(4):
        amounts = part_amounts(replace(line, invoiced=Decimal(k) / 10), Decimal("0.1"), billed)
        billed = LineAmounts(billed.net + amounts.net, billed.tax + amounts.tax)
        taxes.append(amounts.tax.minor)
    assert taxes == [1, 0, 1, 0]
    assert billed == line.amounts
