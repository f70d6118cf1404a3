from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from desktop_ar.domain.exceptions import (
    CAUSES,
    AllocFacts,
    Finding,
    InvoiceFacts,
    PaymentFacts,
    Policy,
    cause_text,
    detect,
    is_duplicate,
    late_days,
    same_reference,
)
from desktop_ar.domain.money import Money


def cny(text: str) -> Money:
    return Money.of(text, "CNY")


POLICY = Policy(tolerance=cny("1.00"), late_payment_days=1, duplicate_window_days=5)
PAID = date(2026, 5, 24)


def payment(amount: str = "1000.00", left: str = "0", **kw) -> PaymentFacts:
    fields = {
        "key": 7,
        "number": "RC-000007",
        "customer_key": 3,
        "payment_date": PAID,
        "amount": cny(amount),
        "unallocated": cny(left),
        "reference": "INV-000123",
        "customer_open": cny("500.00"),
    }
    fields.update(kw)
    return PaymentFacts(**fields)


def alloc(invoice: int, due: date, amount: str, *, disputed: bool = False) -> AllocFacts:
    return AllocFacts(invoice, f"INV-{invoice:06d}", due, cny(amount), disputed)


def kinds(findings: list[Finding]) -> list[str]:
    return [f.kind for f in findings]


def test_an_ordinary_on_time_payment_is_no_exception() -> None:
    found = detect(payment(), [alloc(123, date(2026, 6, 1), "1000.00")], [], POLICY)
    assert found == []


def test_unidentified_payment_is_the_only_finding() -> None:
    p = payment(customer_key=None, left="1000.00", payer="张三 / Zhang San")
    (f,) = detect(p, [], [replace(p, key=8)], POLICY)
    assert (f.kind, f.invoice_key, f.amount) == ("unidentified", None, cny("1000.00"))
    assert f.cause == "No customer for RC-000007 received on 2026-05-24 from 张三 / Zhang San"
    (f,) = detect(replace(p, payer=" "), [], [], POLICY)
    assert f.cause.endswith("from an unknown payer")


def test_late_payment_names_days_due_date_and_invoice() -> None:
    rows = [alloc(123, date(2026, 5, 1), "600.00"), alloc(123, date(2026, 5, 20), "400.00")]
    (f,) = detect(payment(), rows, [], POLICY)
    assert (f.kind, f.invoice_key, f.amount) == ("late_payment", 123, cny("1000.00"))
    assert f.cause == "Paid 23 days after the due date 2026-05-01 on INV-000123"


def test_late_payment_days_policy() -> None:
    due = date(2026, 5, 20)
    assert late_days(PAID, due, POLICY) == 4
    assert late_days(PAID, due, replace(POLICY, late_payment_days=5)) == 0
    assert late_days(PAID, PAID, replace(POLICY, late_payment_days=0)) == 0  # on time
    assert late_days(PAID, PAID + timedelta(days=3), POLICY) == 0  # early


def test_one_late_finding_per_invoice_counting_only_late_lines() -> None:
    rows = [
        alloc(1, date(2026, 4, 1), "100.00"),
        alloc(2, date(2026, 6, 1), "300.00"),  # not yet due
        alloc(2, date(2026, 5, 10), "200.00"),
    ]
    found = detect(payment("600.00"), rows, [], POLICY)
    assert [(f.kind, f.invoice_key, f.amount) for f in found] == [
        ("late_payment", 1, cny("100.00")),
        ("late_payment", 2, cny("200.00")),
    ]


def test_short_payment_beyond_tolerance_only() -> None:
    rows = [alloc(123, date(2026, 6, 1), "1000.00")]
    short = InvoiceFacts(123, "INV-000123", cny("250.00"))
    (f,) = detect(payment(), rows, [], POLICY, invoices=[short])
    assert (f.kind, f.invoice_key, f.amount) == ("short_payment", 123, cny("250.00"))
    assert f.cause == "INV-000123 still has 250.00 CNY open after RC-000007"
    tiny = InvoiceFacts(123, "INV-000123", cny("1.00"))
    assert detect(payment(), rows, [], POLICY, invoices=[tiny]) == []
    # Money left over on the payment is not a short payment (nothing was held back).
    assert detect(payment(left="5.00"), rows, [], POLICY, invoices=[short]) == []


def test_short_payment_tolerance_in_base_currency() -> None:
    usd = PaymentFacts(
        key=1,
        number="RC-1",
        customer_key=3,
        payment_date=PAID,
        amount=Money(10000, "USD"),
        unallocated=Money(0, "USD"),
        exchange_rate=Decimal("7.2"),
    )
    small = InvoiceFacts(9, "INV-9", Money(13, "USD"))  # 0.94 CNY
    big = InvoiceFacts(9, "INV-9", Money(14, "USD"))  # 1.01 CNY
    assert detect(usd, [], [], POLICY, invoices=[small]) == []
    assert kinds(detect(usd, [], [], POLICY, invoices=[big])) == ["short_payment"]


def test_overpayment_only_when_nothing_else_is_open() -> None:
    rows = [alloc(123, date(2026, 6, 1), "900.00")]
    (f,) = detect(payment(left="100.00", customer_open=cny("0")), rows, [], POLICY)
    assert (f.kind, f.invoice_key, f.amount) == ("overpayment", None, cny("100.00"))
    assert f.cause == "RC-000007 paid 100.00 CNY more than was open; left as customer credit"
    assert detect(payment(left="100.00"), rows, [], POLICY) == []  # other invoices still open
    assert detect(payment(left="100.00", customer_open=None), rows, [], POLICY) == []


def test_payment_on_a_disputed_invoice() -> None:
    rows = [alloc(5, date(2026, 6, 1), "1000.00", disputed=True)]
    (f,) = detect(payment(), rows, [], POLICY)
    assert (f.kind, f.invoice_key, f.amount) == ("disputed_invoice", 5, cny("1000.00"))
    assert f.cause == "RC-000007 paid 1,000.00 CNY on disputed invoice INV-000005"


def test_duplicate_same_reference_within_window() -> None:
    earlier = payment(key=6, number="RC-000006", payment_date=PAID - timedelta(days=3))
    earlier = replace(earlier, reference="  inv-000123 ")
    (f,) = detect(payment(), [], [earlier], POLICY)
    assert (f.kind, f.cause_code, f.invoice_key) == ("duplicate", "duplicate_reference", None)
    assert f.cause == "Same amount and reference 'inv-000123' as RC-000006 of 2026-05-21"
    far = replace(earlier, payment_date=PAID - timedelta(days=6))
    assert detect(payment(), [], [far], POLICY) == []


def test_duplicate_same_day_without_reference() -> None:
    twin = payment(key=6, number="RC-000006", reference="")
    (f,) = detect(payment(reference=""), [], [twin], POLICY)
    assert f.cause_code == "duplicate_same_day"
    other_day = replace(twin, payment_date=PAID - timedelta(days=1))
    assert detect(payment(reference=""), [], [other_day], POLICY) == []
    other_amount = replace(twin, amount=cny("999.00"))
    assert detect(payment(reference=""), [], [other_amount], POLICY) == []
    assert is_duplicate(payment(), payment(), POLICY) is None  # itself


def test_duplicate_prefers_the_reference_match() -> None:
    same_day = payment(key=5, number="RC-5", reference="other")
    by_ref = payment(key=6, number="RC-6", payment_date=PAID - timedelta(days=2))
    (f,) = detect(payment(), [], [same_day, by_ref], POLICY)
    assert (f.cause_code, f.params["other"]) == ("duplicate_reference", "RC-6")


def test_same_reference_folds_width_case_and_spaces() -> None:
    assert same_reference("ＩＮＶ－１２３  货款", "inv-123 货款")
    assert not same_reference("", "")
    assert not same_reference("a", "b")


def test_several_findings_in_a_stable_order() -> None:
    twin = payment(key=6, number="RC-000006", reference="INV-000123")
    rows = [alloc(5, date(2026, 4, 1), "1000.00", disputed=True)]
    short = InvoiceFacts(5, "INV-000005", cny("20.00"))
    found = detect(payment(), rows, [twin], POLICY, invoices=[short])
    assert kinds(found) == ["duplicate", "disputed_invoice", "late_payment", "short_payment"]


def test_every_cause_code_has_a_template_and_bad_params_do_not_raise() -> None:
    assert set(CAUSES) >= {"unidentified", "overpayment", "short_payment", "late_payment"}
    assert cause_text("nope", {"a": "1"}) == "nope: {'a': '1'}"
    assert cause_text("late_payment", {}).startswith("late_payment:")


@given(
    st.integers(1, 10**9),
    st.integers(0, 10**9),
    st.integers(-60, 120),
    st.booleans(),
)
def test_findings_never_exceed_what_was_paid_or_open(amount, left, days, disputed) -> None:
    left = min(left, amount)
    used = amount - left
    p = payment(amount=Money(amount, "CNY").amount_str(), left=Money(left, "CNY").amount_str())
    rows = [
        alloc(1, PAID - timedelta(days=days), Money(used, "CNY").amount_str(), disputed=disputed)
    ]
    rows = rows if used else []
    for f in detect(p, rows, [], POLICY):
        assert 0 < f.amount.minor <= amount
        assert f.kind != "late_payment" or days >= 1
        assert f.cause and "{" not in f.cause
