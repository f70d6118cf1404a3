"""Comparing our ledger of a customer with theirs, line by line (domain.ledger_compare)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from desktop_ar.domain.ledger_compare import (
    RESULTS,
    CompareSettings,
    OurLine,
    TheirLine,
    compare_ledgers,
    fold_opening,
    normalize_number,
)
from desktop_ar.domain.money import CurrencyMismatch, Money

CNY = "CNY"
END = date(2026, 6, 30)


def m(text: str) -> Money:
    return Money.of(text, CNY)


def d(text: str) -> date:
    return date.fromisoformat(text)


def ours(*rows: tuple[str, str, str, str]) -> list[OurLine]:
    """(date, kind, number, amount) → our lines."""
    return [OurLine(d(on), kind, number, "", m(amount)) for on, kind, number, amount in rows]


def theirs(*rows: tuple[str, str, str, str]) -> list[TheirLine]:
    """(date, number, description, amount) → their lines, rows 2, 3, …"""
    return [
        TheirLine(i + 2, d(on), number, text, m(amount))
        for i, (on, number, text, amount) in enumerate(rows)
    ]


def compare(a: list[OurLine], b: list[TheirLine], **kw: object):  # type: ignore[no-untyped-def]
    return compare_ledgers(a, b, date_to=END, currency=CNY, **kw)  # type: ignore[arg-type]


def results(cmp) -> list[tuple[str, str, int | None, str]]:  # type: ignore[no-untyped-def]
    return [
        (
            i.result,
            i.ours.number if i.ours else "",
            i.theirs.row if i.theirs else None,
            str(i.difference.to_decimal()),
        )
        for i in cmp.items
    ]


# ---- normalised document numbers --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("INV-001043", "INV1043"),
        ("inv 1043", "INV1043"),
        ("ＩＮＶ－１０４３", "INV1043"),
        ("销货单〔2026〕12号", "销货单202612号"),
        ("发票号：00012345", "发票号12345"),
        ("  ", ""),
    ],
)
def test_normalize_number(text: str, expected: str) -> None:
    assert normalize_number(text) == expected


# ---- one scenario per kind of result ----------------------------------------------------------


def test_every_line_matched_gives_no_difference() -> None:
    a = ours(("2026-06-01", "invoice", "INV-1", "1000"), ("2026-06-10", "payment", "PAY-1", "-400"))
    b = theirs(("2026-06-02", "INV-1", "货款", "1000"), ("2026-06-10", "记-15", "付款", "-400"))
    cmp = compare(a, b)
    assert results(cmp) == [("matched", "INV-1", 2, "0.00"), ("matched", "PAY-1", 3, "0.00")]
    assert [i.how for i in cmp.items] == ["number", "amount_date"]
    assert cmp.difference == cmp.explained == m("0")


def test_same_number_other_amount_is_an_amount_difference() -> None:
    cmp = compare(
        ours(("2026-05-01", "invoice", "INV-7", "1000")),
        theirs(("2026-05-03", "inv 7", "", "950")),
    )
    assert results(cmp) == [("amount_difference", "INV-7", 2, "50.00")]
    assert cmp.difference == m("50")


def test_lines_on_one_side_only() -> None:
    cmp = compare(
        ours(("2026-04-01", "invoice", "INV-1", "300")),
        theirs(("2026-04-20", "X-9", "其他", "120")),
    )
    assert results(cmp) == [
        ("only_ours", "INV-1", None, "300.00"),
        ("only_theirs", "", 2, "-120.00"),
    ]


def test_recent_lines_on_one_side_are_in_transit() -> None:
    cmp = compare(
        ours(("2026-06-25", "invoice", "INV-9", "800")),
        theirs(("2026-06-28", "记-31", "电汇付款", "-500")),
    )
    assert results(cmp) == [("timing", "INV-9", None, "800.00"), ("timing", "", 2, "500.00")]
    tight = compare(
        ours(("2026-06-25", "invoice", "INV-9", "800")),
        [],
        settings=CompareSettings(transit_days=3),
    )
    assert tight.items[0].result == "only_ours"


def test_their_line_after_the_end_pairs_as_timing_and_counts_in_neither_closing() -> None:
    cmp = compare(
        ours(("2026-06-29", "payment", "PAY-3", "-200"), ("2026-01-05", "invoice", "INV-1", "9")),
        theirs(("2026-07-02", "", "payment", "-200"), ("2026-07-03", "", "later", "-77")),
    )
    assert results(cmp)[0] == ("timing", "PAY-3", 2, "-200.00")
    assert cmp.their_closing == m("0")
    assert [t.row for t in cmp.left_out] == [3]
    assert cmp.difference == cmp.explained == m("-191")


def test_number_found_in_their_description_and_fapiao_alias() -> None:
    a = [
        OurLine(d("2026-03-01"), "invoice", "INV-000012", "", m("500"), ("04412345",)),
        OurLine(d("2026-03-05"), "invoice", "INV-000013", "", m("700")),
    ]
    b = theirs(
        ("2026-03-20", "记-3", "收到发票 4412345", "500"),  # the fapiao number without its 0
        ("2026-03-21", "记-4", "购货 ＩＮＶ－１３ 差价", "690"),
    )
    cmp = compare(a, b)
    assert results(cmp) == [
        ("matched", "INV-000012", 2, "0.00"),
        ("amount_difference", "INV-000013", 3, "10.00"),
    ]


def test_a_payment_naming_an_invoice_does_not_pair_with_the_invoice() -> None:
    a = ours(("2026-02-01", "invoice", "INV-5", "100"), ("2026-02-10", "payment", "PAY-5", "-100"))
    b = theirs(("2026-02-01", "INV-5", "", "100"), ("2026-02-11", "", "pay INV-5", "-100"))
    assert [r[0] for r in results(compare(a, b))] == ["matched", "matched"]


def test_number_boundaries_inv1_is_not_inv10() -> None:
    a = ours(("2026-02-01", "invoice", "INV-1", "100"))
    b = theirs(("2026-03-25", "INV-10", "", "55"))
    assert [r[0] for r in results(compare(a, b))] == ["only_ours", "only_theirs"]


def test_amount_alone_pairs_when_dates_are_far_apart() -> None:
    cmp = compare(
        ours(("2026-01-10", "invoice", "A", "321.09")),
        theirs(("2026-03-01", "", "", "321.09")),
    )
    assert cmp.items[0].result == "matched" and cmp.items[0].how == "amount"


def test_openings_pair_with_each_other() -> None:
    a = [OurLine(d("2026-01-01"), "opening", "", "Opening", m("1500"))]
    b = [TheirLine(2, d("2026-01-01"), "", "期初余额", m("1400"), opening=True)]
    assert results(compare(a, b)) == [("amount_difference", "", 2, "100.00")]
    zero = [OurLine(d("2026-01-01"), "opening", "", "Opening", m("0"))]
    assert compare(zero, []).items == ()


def test_mixed_currencies_are_refused() -> None:
    with pytest.raises(CurrencyMismatch):
        compare([OurLine(END, "invoice", "A", "", Money.of("1", "USD"))], [])


def test_fold_opening_sums_lines_before_the_period() -> None:
    lines = [
        TheirLine(2, d("2025-12-31"), "", "上年结转", m("100"), opening=True),
        TheirLine(3, d("2025-12-15"), "INV-1", "", m("50")),
        TheirLine(4, d("2026-01-03"), "INV-2", "", m("70")),
    ]
    folded = fold_opening(lines, d("2026-01-01"), CNY)
    assert [(x.row, x.opening, x.amount) for x in folded] == [
        (2, True, m("150")),
        (4, False, m("70")),
    ]
    assert folded[0].on == d("2026-01-01")
    assert fold_opening(lines[2:], d("2026-01-01"), CNY) == lines[2:]


def test_chinese_and_full_width_numbers_pair() -> None:
    a = ours(("2026-05-01", "invoice", "销货单-2026-0012", "2000"))
    b = theirs(("2026-05-02", "销货单２０２６００１２", "", "2000"))
    assert results(compare(a, b)) == [("matched", "销货单-2026-0012", 2, "0.00")]


# ---- properties -------------------------------------------------------------------------------

_days = st.integers(min_value=-120, max_value=20)
_amounts = st.integers(min_value=-50_000, max_value=50_000)
_numbers = st.sampled_from(["", "INV-1", "INV-2", "INV-10", "PAY-1", "记-3", "ＩＮＶ－２"])


@st.composite
def _ledgers(draw: st.DrawFn) -> tuple[list[OurLine], list[TheirLine]]:
    a = [
        OurLine(END + timedelta(days=min(day, 0)), "invoice", n, "", Money(x, CNY))
        for day, n, x in draw(st.lists(st.tuples(_days, _numbers, _amounts), max_size=12))
    ]
    if draw(st.booleans()):
        a.insert(
            0, OurLine(END - timedelta(days=150), "opening", "", "", Money(draw(_amounts), CNY))
        )
    b = [
        TheirLine(i + 2, END + timedelta(days=day), n, t, Money(x, CNY), opening=o)
        for i, (day, n, t, x, o) in enumerate(
            draw(
                st.lists(st.tuples(_days, _numbers, _numbers, _amounts, st.booleans()), max_size=12)
            )
        )
    ]
    # A mirror of some of ours, so that pairs happen often.
    for line in draw(st.lists(st.sampled_from(a), max_size=len(a))) if a else []:
        b.append(TheirLine(len(b) + 2, line.on, line.number, "", line.amount, line.opening))
    return a, b


@given(_ledgers())
def test_the_closing_difference_is_explained_line_by_line(
    data: tuple[list[OurLine], list[TheirLine]],
) -> None:
    a, b = data
    cmp = compare(a, b)
    assert cmp.our_closing - cmp.their_closing == cmp.explained
    assert all(i.result in RESULTS for i in cmp.items)
    # Every line is in exactly one item (zero openings may be dropped), or left out.
    seen_ours = [id(i.ours) for i in cmp.items if i.ours is not None]
    seen_theirs = [id(i.theirs) for i in cmp.items if i.theirs is not None]
    seen_theirs += [id(t) for t in cmp.left_out]
    assert len(seen_ours) == len(set(seen_ours)) and len(seen_theirs) == len(set(seen_theirs))
    assert {id(x) for x in a if not (x.opening and not x.amount.minor)} <= set(seen_ours)
    assert {id(x) for x in b if not (x.opening and not x.amount.minor)} <= set(seen_theirs)
    for item in cmp.items:
        if item.result == "matched":
            assert item.difference.minor == 0 and item.ours and item.theirs
        if item.result == "amount_difference":
            assert item.ours and item.theirs and item.ours.amount != item.theirs.amount


@given(_ledgers())
def test_a_ledger_compared_with_its_mirror_is_all_matched(
    data: tuple[list[OurLine], list[TheirLine]],
) -> None:
    a, _ = data
    mirror = [
        TheirLine(i + 2, x.on, x.number, x.description, x.amount, x.opening)
        for i, x in enumerate(a)
    ]
    cmp = compare(a, mirror)
    assert cmp.difference.minor == 0
    assert all(i.result == "matched" for i in cmp.items)
