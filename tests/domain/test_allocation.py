from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_ar.domain.allocation import (
    Allocation,
    AllocationPlan,
    OpenItem,
    by_reference,
    find_invoice_numbers,
    manual,
    oldest_first,
    within_tolerance,
)
from desktop_ar.domain.errors import DomainError
from desktop_ar.domain.money import Money


def cny(text: str) -> Money:
    return Money.of(text, "CNY")


# key, invoice,  issued,            due,               open
TABLE = [
    (11, "INV-1044", date(2025, 2, 1), date(2025, 3, 3), "500.00"),
    (10, "INV-1043", date(2025, 1, 5), date(2025, 2, 4), "300.00"),
    (12, "INV-1045", date(2025, 2, 1), date(2025, 3, 3), "200.00"),  # same due as 1044
    (13, "INV-1046", date(2025, 3, 1), date(2025, 3, 31), "100.00"),
    (14, "INV-1046", date(2025, 3, 1), date(2025, 4, 30), "100.00"),  # 2nd instalment
]
ITEMS = [OpenItem(k, n, i, d, cny(o)) for k, n, i, d, o in TABLE]


def plan_of(plan: AllocationPlan) -> list[tuple[int, str]]:
    return [(a.key, a.amount.amount_str()) for a in plan.allocations]


def test_oldest_first_scenario() -> None:
    plan = oldest_first(ITEMS, cny("900.00"))
    # 1043 (due Feb) first; 1044 and 1045 share a due date and issue date → invoice number order.
    assert plan_of(plan) == [(10, "300.00"), (11, "500.00"), (12, "100.00")]
    assert plan.unallocated == cny("0")
    assert plan.allocated == cny("900.00")


def test_oldest_first_overpayment_stays_as_credit() -> None:
    plan = oldest_first(ITEMS, cny("1250.00"))
    assert plan.allocated == cny("1200.00")
    assert plan.unallocated == cny("50.00")


def test_oldest_first_zero_amount_and_no_items() -> None:
    assert oldest_first(ITEMS, cny("0")) == AllocationPlan((), cny("0"))
    assert oldest_first([], cny("10")) == AllocationPlan((), cny("10"))
    assert oldest_first([], cny("10")).allocated == cny("0")


def test_oldest_first_rejects_bad_input() -> None:
    with pytest.raises(DomainError):
        oldest_first(ITEMS, cny("-1"))
    with pytest.raises(DomainError) as exc:
        oldest_first(ITEMS, Money(100, "USD"))
    assert exc.value.code == "currency_mismatch"
    with pytest.raises(DomainError):
        oldest_first([ITEMS[0], ITEMS[0]], cny("1"))


@pytest.mark.parametrize(
    ("reference", "expected"),
    [
        ("pay INV-1043", ["INV-1043"]),
        ("pay inv1043 & INV-1044", ["INV-1043", "INV-1044"]),
        ("INV 1045 / inv_1043", ["INV-1045", "INV-1043"]),
        ("货款 ＩＮＶ－１０４４", ["INV-1044"]),
        ("INV-10435", []),  # a longer number is not 1043
        ("INV-1043INV-1044", ["INV-1043", "INV-1044"]),
        ("1043", []),  # the prefix is part of the number
        ("nothing here", []),
        ("INV-1044 again INV-1044 and INV-1043", ["INV-1044", "INV-1043"]),
    ],
)
def test_find_invoice_numbers(reference: str, expected: list[str]) -> None:
    known = ["INV-1043", "INV-1044", "INV-1045", "INV-1046"]
    assert find_invoice_numbers(reference, known) == expected


def test_find_plain_numbers_separated_by_spaces() -> None:
    known = ["1043", "1044", "20431"]
    assert find_invoice_numbers("paid 1044 1043", known) == ["1044", "1043"]
    assert find_invoice_numbers("ref 21043", known) == []
    assert find_invoice_numbers("", known) == []


def test_by_reference_pays_named_invoices_in_reference_order() -> None:
    plan = by_reference(ITEMS, cny("650.00"), "INV-1046, INV-1044")
    # INV-1046's two lines (oldest due first), then INV-1044 in part.
    assert plan_of(plan) == [(13, "100.00"), (14, "100.00"), (11, "450.00")]
    assert plan.unallocated == cny("0")


def test_by_reference_rest_stays_unallocated_or_goes_oldest_first() -> None:
    plan = by_reference(ITEMS, cny("600.00"), "INV-1045")
    assert plan_of(plan) == [(12, "200.00")]
    assert plan.unallocated == cny("400.00")
    plan = by_reference(ITEMS, cny("600.00"), "INV-1045", then_oldest=True)
    assert plan_of(plan) == [(12, "200.00"), (10, "300.00"), (11, "100.00")]
    assert plan.unallocated == cny("0")


def test_by_reference_without_a_known_number() -> None:
    assert by_reference(ITEMS, cny("10"), "thanks").unallocated == cny("10")
    plan = by_reference(ITEMS, cny("10"), "thanks", then_oldest=True)
    assert plan_of(plan) == [(10, "10.00")]


def test_manual_scenario() -> None:
    plan = manual(ITEMS, cny("1000.00"), {12: cny("200.00"), 10: cny("150.00")})
    assert plan_of(plan) == [(10, "150.00"), (12, "200.00")]
    assert plan.unallocated == cny("650.00")


@pytest.mark.parametrize(
    ("requested", "code", "field"),
    [
        ({99: cny("1")}, "invalid", "allocation"),
        ({10: cny("0")}, "invalid", "INV-1043"),
        ({10: cny("-5")}, "invalid", "INV-1043"),
        ({10: cny("300.01")}, "invalid", "INV-1043"),
        ({10: Money(100, "USD")}, "invalid", "INV-1043"),
        ({10: cny("300"), 11: cny("500"), 12: cny("200.01")}, "invalid", "INV-1045"),
        ({10: cny("300"), 11: cny("500"), 12: cny("200")}, "over_allocation", None),
    ],
)
def test_manual_rejects(requested: dict[int, Money], code: str, field: str | None) -> None:
    with pytest.raises(DomainError) as exc:
        manual(ITEMS, cny("900.00"), requested)
    assert exc.value.code == code
    if field is not None:
        assert exc.value.params["field"] == field
    else:
        assert exc.value.params == {"amount": "1000.00 CNY", "available": "900.00 CNY"}


def test_within_tolerance() -> None:
    tol = cny("0.05")
    assert within_tolerance(cny("0.05"), tol)
    assert within_tolerance(cny("-0.03"), tol)
    assert not within_tolerance(cny("0"), tol)
    assert not within_tolerance(cny("0.06"), tol)
    assert not within_tolerance(cny("-0.06"), tol)
    with pytest.raises(DomainError):
        within_tolerance(cny("0.01"), Money(5, "USD"))


# -- properties ------------------------------------------------------------------------------

DAY0 = date(2025, 1, 1)


@st.composite
def open_items(draw: st.DrawFn) -> list[OpenItem]:
    n = draw(st.integers(0, 12))
    keys = draw(st.lists(st.integers(1, 10**6), min_size=n, max_size=n, unique=True))
    items = []
    for key in keys:
        issue = DAY0 + timedelta(days=draw(st.integers(0, 60)))
        due = issue + timedelta(days=draw(st.integers(0, 90)))
        number = f"INV-{draw(st.integers(1, 6))}"
        items.append(OpenItem(key, number, issue, due, Money(draw(st.integers(0, 10**9)), "CNY")))
    return items


def check_invariants(items: list[OpenItem], amount: Money, plan: AllocationPlan) -> None:
    assert plan.allocated + plan.unallocated == amount
    assert plan.unallocated.minor >= 0
    by_key = {i.key: i for i in items}
    keys = [a.key for a in plan.allocations]
    assert len(keys) == len(set(keys))
    for a in plan.allocations:
        assert isinstance(a, Allocation)
        assert 0 < a.amount.minor <= by_key[a.key].open.minor
        assert a.amount.currency == amount.currency


@given(items=open_items(), minor=st.integers(0, 10**10))
def test_oldest_first_properties(items: list[OpenItem], minor: int) -> None:
    amount = Money(minor, "CNY")
    plan = oldest_first(items, amount)
    check_invariants(items, amount, plan)
    assert oldest_first(items, amount) == plan
    assert oldest_first(list(reversed(items)), amount) == plan  # order of input is irrelevant
    total_open = sum(i.open.minor for i in items)
    assert plan.allocated.minor == min(minor, total_open)


@given(
    items=open_items(),
    minor=st.integers(0, 10**10),
    named=st.lists(st.integers(1, 7), max_size=4),
    then_oldest=st.booleans(),
)
def test_by_reference_properties(
    items: list[OpenItem], minor: int, named: list[int], then_oldest: bool
) -> None:
    amount = Money(minor, "CNY")
    reference = " ".join(f"INV-{n}" for n in named)
    plan = by_reference(items, amount, reference, then_oldest=then_oldest)
    check_invariants(items, amount, plan)
    assert by_reference(items, amount, reference, then_oldest=then_oldest) == plan
    if then_oldest:
        assert plan.allocated.minor == min(minor, sum(i.open.minor for i in items))


@given(items=open_items(), data=st.data())
def test_manual_properties(items: list[OpenItem], data: st.DataObject) -> None:
    chosen = [i for i in items if i.open.minor > 0]
    requested = (
        {
            i.key: Money(data.draw(st.integers(1, i.open.minor)), "CNY")
            for i in data.draw(st.lists(st.sampled_from(chosen), unique_by=lambda i: i.key))
        }
        if chosen
        else {}
    )
    need = sum(m.minor for m in requested.values())
    amount = Money(need + data.draw(st.integers(0, 10**6)), "CNY")
    plan = manual(items, amount, requested)
    check_invariants(items, amount, plan)
    assert {a.key: a.amount for a in plan.allocations} == requested
