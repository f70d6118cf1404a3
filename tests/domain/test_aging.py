from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_ar.domain.aging import AgingItem, AgingReport, Buckets, age
from desktop_ar.domain.errors import DomainError
from desktop_ar.domain.money import Money

AS_OF = date(2025, 6, 30)
STD = Buckets.from_boundaries([30, 60, 90])


def item(
    n: int,
    customer: str,
    kind: str,
    doc_date: date,
    due: date,
    amount: str,
    currency: str = "CNY",
    rate: str = "1",
) -> AgingItem:
    cid = {"C001": 1, "C002": 2, "C003": 3}[customer]
    return AgingItem(
        customer_id=cid,
        customer_code=customer,
        customer_name=f"客户 {customer}",
        kind=kind,
        document_id=n,
        document_number=f"DOC-{n:03d}",
        document_date=doc_date,
        due_date=due,
        open=Money.of(amount, currency),
        rate_to_base=Decimal(rate),
    )


def cny(text: str) -> Money:
    return Money.of(text, "CNY")


def amounts(values: list[Money]) -> list[str]:
    return [m.amount_str() for m in values]


# no, customer, kind,                  document date,      due date,           open
TABLE = [
    (1, "C001", "invoice", date(2025, 6, 1), date(2025, 7, 1), "1000.00"),  # not yet due
    (2, "C001", "invoice", date(2025, 5, 1), date(2025, 5, 31), "200.00"),  # 30 days overdue
    (3, "C001", "invoice", date(2025, 3, 1), date(2025, 3, 31), "300.00"),  # 91 → 90+
    (4, "C001", "credit_note", date(2025, 6, 10), date(2025, 6, 10), "50.00"),  # 20 days old
    (5, "C002", "invoice", date(2025, 4, 1), date(2025, 5, 1), "0.01"),  # 60 → 31-60
    (6, "C002", "unallocated_payment", date(2025, 6, 29), date(2025, 6, 29), "80.00"),
    (7, "C002", "invoice", date(2025, 4, 1), date(2025, 4, 30), "0.00"),  # nothing open
    (8, "C002", "invoice", date(2025, 7, 1), date(2025, 7, 31), "999.00"),  # after as_of
]
ITEMS = [item(*row) for row in TABLE]


def test_buckets() -> None:
    assert STD.labels == ["current", "1-30", "31-60", "61-90", "90+"]
    assert Buckets() == STD
    assert Buckets.parse("30,60,90") == STD
    assert Buckets.parse(" 30, 60 ，90 ") == STD
    assert Buckets.parse("15 45").labels == ["current", "1-15", "16-45", "45+"]
    assert [STD.index_for(d) for d in (-5, 0, 1, 30, 31, 60, 61, 90, 91, 10_000)] == [
        0,
        0,
        1,
        1,
        2,
        2,
        3,
        3,
        4,
        4,
    ]


@pytest.mark.parametrize("text", ["", "30,30", "60,30", "0,30", "-30", "30.5", "abc", "30,,x"])
def test_bad_buckets(text: str) -> None:
    with pytest.raises(DomainError) as exc:
        Buckets.parse(text)
    assert exc.value.code == "invalid"


def test_bad_boundaries() -> None:
    for bad in ([], [30, 20], [0], [30, 30.5], [True]):
        with pytest.raises(DomainError):
            Buckets.from_boundaries(bad)  # type: ignore[arg-type]


def test_aging_by_due_date_scenario() -> None:
    report = age(ITEMS, as_of=AS_OF, buckets=STD, base_currency="CNY")
    assert isinstance(report, AgingReport)
    assert report.buckets == STD.labels
    [cny_aging] = report.currencies
    assert amounts(cny_aging.totals) == ["1000.00", "70.00", "0.01", "0.00", "300.00"]
    assert cny_aging.total == cny("1370.01")
    rows = [
        (r.customer_code, r.kind, r.document_number, r.days_overdue, amounts(r.amounts))
        for r in cny_aging.by_item
    ]
    assert rows == [
        ("C001", "invoice", "DOC-003", 91, ["0.00", "0.00", "0.00", "0.00", "300.00"]),
        ("C001", "invoice", "DOC-002", 30, ["0.00", "200.00", "0.00", "0.00", "0.00"]),
        ("C001", "credit_note", "DOC-004", 20, ["0.00", "-50.00", "0.00", "0.00", "0.00"]),
        ("C001", "invoice", "DOC-001", 0, ["1000.00", "0.00", "0.00", "0.00", "0.00"]),
        ("C002", "invoice", "DOC-005", 60, ["0.00", "0.00", "0.01", "0.00", "0.00"]),
        ("C002", "unallocated_payment", "DOC-006", 1, ["0.00", "-80.00", "0.00", "0.00", "0.00"]),
    ]
    customers = [
        (r.customer_code, r.kind, r.document_number, amounts(r.amounts), r.total.amount_str())
        for r in cny_aging.by_customer
    ]
    assert customers == [
        ("C001", "invoice", None, ["1000.00", "200.00", "0.00", "0.00", "300.00"], "1500.00"),
        ("C001", "credit_note", None, ["0.00", "-50.00", "0.00", "0.00", "0.00"], "-50.00"),
        ("C002", "invoice", None, ["0.00", "0.00", "0.01", "0.00", "0.00"], "0.01"),
        ("C002", "unallocated_payment", None, ["0.00", "-80.00", "0.00", "0.00", "0.00"], "-80.00"),
    ]
    assert report.base_total == cny("1370.01")


def test_aging_by_invoice_date() -> None:
    report = age(ITEMS, as_of=AS_OF, buckets=STD, basis="invoice", base_currency="CNY")
    [cny_aging] = report.currencies
    by_doc = {r.document_number: (r.days_overdue, amounts(r.amounts)) for r in cny_aging.by_item}
    assert by_doc["DOC-001"] == (29, ["0.00", "1000.00", "0.00", "0.00", "0.00"])
    assert by_doc["DOC-002"] == (60, ["0.00", "0.00", "200.00", "0.00", "0.00"])
    assert by_doc["DOC-003"] == (121, ["0.00", "0.00", "0.00", "0.00", "300.00"])
    assert by_doc["DOC-005"] == (90, ["0.00", "0.00", "0.00", "0.01", "0.00"])
    # Credits age by their own date whatever the basis.
    assert by_doc["DOC-004"] == (20, ["0.00", "-50.00", "0.00", "0.00", "0.00"])


def test_future_dated_and_zero_items_are_ignored_and_earlier_as_of_changes_the_picture() -> None:
    report = age(ITEMS, as_of=date(2025, 4, 15), buckets=STD, base_currency="CNY")
    [cny_aging] = report.currencies
    assert [r.document_number for r in cny_aging.by_item] == ["DOC-003", "DOC-005"]
    assert amounts(cny_aging.totals) == ["0.01", "300.00", "0.00", "0.00", "0.00"]
    assert age([], as_of=AS_OF, buckets=STD, base_currency="CNY").currencies == []


def test_multi_currency_with_base_conversion() -> None:
    items = [
        item(1, "C001", "invoice", date(2025, 6, 1), date(2025, 6, 1), "100.00", "USD", "7.1234"),
        item(2, "C001", "invoice", date(2025, 6, 1), date(2025, 6, 1), "100.00", "USD", "7.1235"),
        item(3, "C002", "invoice", date(2025, 6, 1), date(2025, 7, 1), "5000", "JPY", "0.04829"),
        item(4, "C003", "credit_note", date(2025, 6, 1), date(2025, 6, 1), "10.00", "USD", "7.2"),
        item(5, "C003", "invoice", date(2025, 6, 1), date(2025, 7, 1), "10.00"),
    ]
    report = age(items, as_of=AS_OF, buckets=STD, base_currency="CNY")
    assert [c.currency for c in report.currencies] == ["CNY", "JPY", "USD"]
    usd = report.currency("USD")
    assert usd is not None
    assert usd.total == Money.of("190.00", "USD")
    assert report.currency("EUR") is None
    # 712.34 + 712.35 - 72.00 in 1-30; 241.45 (241.45) + 10.00 current; rounded per item.
    assert amounts(report.base_totals) == ["251.45", "1352.69", "0.00", "0.00", "0.00"]
    assert report.base_total == cny("1604.14")


def test_bad_basis() -> None:
    with pytest.raises(DomainError):
        age(ITEMS, as_of=AS_OF, buckets=STD, basis="posted", base_currency="CNY")


def test_bad_kind() -> None:
    with pytest.raises(DomainError):
        item(1, "C001", "receipt", AS_OF, AS_OF, "1")


# -- properties ------------------------------------------------------------------------------

KINDS = ["invoice", "invoice", "credit_note", "unallocated_payment"]


@st.composite
def aging_items(draw: st.DrawFn) -> list[AgingItem]:
    out = []
    for n in range(draw(st.integers(0, 25))):
        cid = draw(st.integers(1, 4))
        doc = AS_OF - timedelta(days=draw(st.integers(-20, 200)))
        due = doc + timedelta(days=draw(st.integers(0, 90)))
        currency = draw(st.sampled_from(["CNY", "USD", "JPY"]))
        out.append(
            AgingItem(
                customer_id=cid,
                customer_code=f"C{cid:03d}",
                customer_name=f"Customer {cid}",
                kind=draw(st.sampled_from(KINDS)),
                document_id=n,
                document_number=f"D{draw(st.integers(1, 50))}",
                document_date=doc,
                due_date=due,
                open=Money(draw(st.integers(0, 10**12)), currency),
                rate_to_base=Decimal(draw(st.sampled_from(["1", "7.1234", "0.04829"]))),
            )
        )
    return out


@given(
    items=aging_items(),
    boundaries=st.lists(st.integers(1, 200), min_size=1, max_size=6, unique=True).map(sorted),
    basis=st.sampled_from(["due", "invoice"]),
)
def test_aging_partition_properties(
    items: list[AgingItem], boundaries: list[int], basis: str
) -> None:
    buckets = Buckets.from_boundaries(boundaries)
    report = age(items, as_of=AS_OF, buckets=buckets, basis=basis, base_currency="CNY")
    visible = [i for i in items if i.document_date <= AS_OF and i.open.minor != 0]
    currencies = sorted({i.open.currency for i in visible})
    assert [c.currency for c in report.currencies] == currencies
    for ca in report.currencies:
        ccy = ca.currency
        mine = [i for i in visible if i.open.currency == ccy]
        signed = sum(i.open.minor if i.kind == "invoice" else -i.open.minor for i in mine)
        assert len(ca.totals) == len(buckets.labels)
        assert Money.sum(ca.totals, ccy) == ca.total
        assert ca.total.minor == signed
        assert sum(r.total.minor for r in ca.by_customer) == signed
        assert sum(r.total.minor for r in ca.by_item) == signed
        for col in range(len(buckets.labels)):
            assert sum(r.amounts[col].minor for r in ca.by_customer) == ca.totals[col].minor
            assert sum(r.amounts[col].minor for r in ca.by_item) == ca.totals[col].minor
        assert len(ca.by_item) == len(mine)
        for row in ca.by_item:
            assert sum(1 for a in row.amounts if a.minor != 0) == 1  # exactly one bucket
            assert Money.sum(row.amounts, ccy) == row.total
            assert (row.total.minor > 0) == (row.kind == "invoice")
        keys = [(r.customer_id, r.kind) for r in ca.by_customer]
        assert len(keys) == len(set(keys))
        order = [(r.customer_code, r.due_date, r.document_number) for r in ca.by_item]
        assert order == sorted(order)
    assert Money.sum(report.base_totals, "CNY") == report.base_total
    assert age(items, as_of=AS_OF, buckets=buckets, basis=basis, base_currency="CNY") == report
