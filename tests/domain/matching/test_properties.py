"""Properties of the matcher over random small books (hypothesis)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from desktop_ar.domain.matching import (
    Customer,
    EarlyDiscount,
    LineMatch,
    Matcher,
    MatchSettings,
    OpenInvoice,
    RecordedPayment,
    StatementLine,
)
from desktop_ar.domain.money import Money

AS_OF = date(2026, 6, 30)
NAMES = [
    "上海明远贸易有限公司",
    "北京明远贸易有限公司",
    "深圳鑫源电子有限公司",
    "ACME Trading Co., Ltd.",
    "Acme Traders Ltd",
    "杭州华信科技股份有限公司",
]
AMOUNTS = [10_000, 25_000, 98_000, 100_000, 123_456]
NOISE = ["货款", "payment", "转账", "付", "thanks", "六月", "Zahlung", ""]
Book = tuple[list[Customer], list[OpenInvoice], list[RecordedPayment]]

amounts = st.sampled_from(AMOUNTS) | st.integers(1, 500_000)
offsets = st.integers(-40, 40)


@st.composite
def books(draw: st.DrawFn) -> Book:
    n_cust = draw(st.integers(1, len(NAMES)))
    customers = [
        Customer(i + 1, f"C{i + 1}", NAMES[i], bank_accounts=(f"62220000{i:08d}",))
        for i in range(n_cust)
    ]
    values = draw(st.lists(st.integers(1, 9999), min_size=1, max_size=20, unique=True))
    invoices = []
    for k, value in enumerate(values):
        ccy = draw(st.sampled_from(["CNY", "CNY", "CNY", "USD"]))
        minor = draw(amounts)
        discount = None
        if draw(st.booleans()) and minor > 100:
            until = AS_OF + timedelta(days=draw(offsets))
            discount = EarlyDiscount(Money(minor // 50, ccy), until)
        invoices.append(
            OpenInvoice(
                k + 1,
                f"INV-{value:04d}",
                draw(st.integers(1, n_cust)),
                Money(minor, ccy),
                AS_OF + timedelta(days=draw(offsets)),
                discount,
            )
        )
    payments = [
        RecordedPayment(
            k + 1,
            f"RC-{k + 1:04d}",
            draw(st.none() | st.integers(1, n_cust)),
            Money(draw(amounts), draw(st.sampled_from(["CNY", "USD"]))),
            AS_OF + timedelta(days=draw(st.integers(-10, 10))),
            payer_name=draw(st.sampled_from([*NAMES, ""])),
            bank_account=draw(st.sampled_from(["", "62220000000000001"])),
        )
        for k in range(draw(st.integers(0, 8)))
    ]
    return customers, invoices, payments


def matcher(book: Book, **settings: object) -> Matcher:
    customers, invoices, payments = book
    tolerance = [Money(100, "CNY"), Money(5, "USD")]
    return Matcher(
        invoices=invoices,
        payments=payments,
        customers=customers,
        settings=MatchSettings(tolerance=tolerance, **settings),  # type: ignore[arg-type]
    )


def written(number: str, style: int) -> str:
    digits = number.split("-")[1]
    return [
        number,
        number.lower().replace("-", ""),
        number.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)}),
        f"INV {digits.lstrip('0')}",
        f"{number}号",
    ][style]


@given(
    book=books(),
    pick=st.integers(0, 10_000),
    style=st.integers(0, 4),
    noise=st.tuples(st.sampled_from(NOISE), st.sampled_from(NOISE)),
    name=st.sampled_from([*NAMES, ""]),
    account=st.sampled_from(["", "6222000000000000", "6222000000000001"]),
    booked=offsets,
)
def test_exact_single_invoice_named_in_memo_ranks_first(
    book: Book,
    pick: int,
    style: int,
    noise: tuple[str, str],
    name: str,
    account: str,
    booked: int,
) -> None:
    target = book[1][pick % len(book[1])]
    memo = f"{noise[0]} {written(target.number, style)} {noise[1]}"
    line = StatementLine(
        1,
        AS_OF + timedelta(days=booked),
        target.open_amount,
        counterparty_name=name,
        counterparty_account=account,
        memo=memo,
    )
    best = matcher(book).match(line).best
    assert best is not None
    assert (best.kind, best.target_ids) == ("invoice", (target.id,))


lines = st.builds(
    StatementLine,
    id=st.just(1),
    booking_date=st.builds(lambda d: AS_OF + timedelta(days=d), offsets),
    amount=st.builds(
        Money,
        st.sampled_from(AMOUNTS) | st.integers(-500_000, 500_000),
        st.sampled_from(["CNY", "CNY", "USD", "EUR"]),
    ),
    value_date=st.none() | st.builds(lambda d: AS_OF + timedelta(days=d), offsets),
    counterparty_name=st.sampled_from([*NAMES, "", "李明"]),
    counterparty_account=st.sampled_from(["", "6222000000000000", "62220000000000001"]),
    memo=st.lists(
        st.sampled_from([*NOISE, "INV-0001", "inv 12", "RC-0001", "1043", *NAMES]), max_size=4
    ).map(" ".join),
)


def _check_bounded(result: LineMatch, line: StatementLine, limit: int) -> None:
    confidences = [c.confidence for c in result.candidates]
    assert all(0.0 <= c <= 1.0 for c in confidences)
    assert confidences == sorted(confidences, reverse=True)
    assert len(confidences) <= limit
    assert all(c.amount.currency == line.amount.currency for c in result.candidates)
    if line.amount.minor <= 0:
        assert result.candidates == ()


@given(book=books(), line=lines)
def test_confidence_bounded_ranked_and_never_another_currency(
    book: Book, line: StatementLine
) -> None:
    _check_bounded(matcher(book).match(line), line, 5)
    _check_bounded(matcher(book, max_candidates=50, min_confidence=0).match(line), line, 50)


@given(book=books(), line=lines)
def test_no_candidate_for_a_currency_without_items(book: Book, line: StatementLine) -> None:
    other = dataclasses.replace(line, amount=Money(abs(line.amount.minor) + 1, "JPY"))
    assert matcher(book).match(other).candidates == ()


@given(book=books(), line=lines, what=st.sets(st.sampled_from(["number", "name", "account"])))
def test_agreeing_evidence_never_lowers_confidence(
    book: Book, line: StatementLine, what: set[str]
) -> None:
    found = matcher(book, max_candidates=1000, min_confidence=0).match(line)
    customers = {c.id: c for c in book[0]}
    for cand in found.candidates:
        if cand.kind == "invoices":
            continue
        stronger = line
        if "number" in what:
            stronger = dataclasses.replace(stronger, memo=f"{stronger.memo} {cand.numbers[0]}")
        customer = customers.get(cand.customer_id or 0)
        if "name" in what and customer and not line.counterparty_name:
            stronger = dataclasses.replace(stronger, counterparty_name=customer.name)
        if "account" in what and customer and not line.counterparty_account:
            stronger = dataclasses.replace(stronger, counterparty_account=customer.bank_accounts[0])
        again = matcher(book, max_candidates=1000, min_confidence=0).match(stronger)
        same = [
            c for c in again.candidates if (c.kind, c.target_ids) == (cand.kind, cand.target_ids)
        ]
        assert same, f"{cand} disappeared with {stronger}"
        assert same[0].confidence >= cand.confidence


@given(
    book=books(),
    memo=st.text(max_size=60),
    name=st.text(max_size=30),
    account=st.text(max_size=24),
    reference=st.text(max_size=20),
)
def test_any_text_is_handled(
    book: Book, memo: str, name: str, account: str, reference: str
) -> None:
    line = StatementLine(1, AS_OF, Money(100_000, "CNY"), None, name, account, reference, memo)
    _check_bounded(matcher(book).match(line), line, 5)
