"""Reading a customer's ledger: columns, rows left out, problems located, signs (ledger_columns)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from desktop_ar.domain.money import Money
from desktop_ar.io.excel.header import find_header_row
from desktop_ar.io.excel.ledger_columns import (
    LedgerMapping,
    guess_ledger_mapping,
    known_ledger_headers,
    orient,
    read_ledger_rows,
)


def m(text: str) -> Money:
    return Money.of(text, "CNY")


def read(rows: list[list[Any]], header: int = 0, mapping: LedgerMapping | None = None):  # type: ignore[no-untyped-def]
    mapping = mapping or guess_ledger_mapping(rows[header])
    return read_ledger_rows(rows, header, mapping, file="l.xlsx", sheet="明细账", currency="CNY")


def test_chinese_english_and_full_width_headers_are_guessed() -> None:
    headers = ["日期", "凭证字号", "摘要", "借方金额", "贷方金额", "借或贷", "余额"]
    mapping = guess_ledger_mapping(headers)
    assert mapping.columns == {
        "date": 0, "number": 1, "description": 2, "debit": 3, "credit": 4, "balance": 6,
        "direction": 5,
    }  # fmt: skip
    assert mapping.missing_required == []
    english = guess_ledger_mapping(["Posting date", "Doc No", "Text", "Amount", "Balance"])
    assert english.columns == {
        "date": 0, "number": 1, "description": 2, "amount": 3, "balance": 4,
    }  # fmt: skip
    wide = guess_ledger_mapping(["日\u3000期", "发票号码", "说明", "借方（元）", "贷方（元）"])
    assert wide.columns["date"] == 0 and wide.columns["debit"] == 3 and wide.columns["credit"] == 4
    assert guess_ledger_mapping(["日期", "摘要"]).missing_required == ["amount"]


def test_header_row_is_found_below_titles() -> None:
    rows = [
        ["应付账款明细账"],
        ["科目：测试公司"],
        [],
        ["日期", "凭证号", "摘要", "借方", "贷方", "余额"],
    ]
    rows.append([date(2026, 1, 3), "记-1", "货款", None, 100, 100])
    assert find_header_row(rows, known_ledger_headers()).row_index == 3


def test_mapping_round_trip_assign_and_refusals() -> None:
    headers = ["日期", "单据号", "金额", "备注"]
    mapping = guess_ledger_mapping(headers).assign("description", 3, headers)
    assert mapping.columns == {"date": 0, "number": 1, "description": 3, "amount": 2}
    saved = LedgerMapping.from_dict({**mapping.to_dict(), "their_side": "receivable"})
    assert saved.columns == mapping.columns and saved.their_side == "receivable"
    with pytest.raises(KeyError):
        mapping.assign("customer", 1, headers)
    with pytest.raises(ValueError, match="not a customer ledger"):
        LedgerMapping.from_dict({"kind": "payments", "columns": {}})
    with pytest.raises(ValueError, match="two fields"):
        LedgerMapping.from_dict({"kind": "customer_ledger", "columns": {"date": 0, "debit": 0}})
    assert mapping.assign("amount", None, headers).missing_required == ["amount"]


HEADER = ["日期", "凭证号", "摘要", "借方", "贷方", "借或贷", "余额"]


def test_opening_running_totals_carries_and_footers() -> None:
    rows = [
        HEADER,
        [None, None, "上年结转", None, None, "贷", 500],
        [date(2026, 1, 5), "INV-1", "货款", None, 1000, "贷", 1500],
        [date(2026, 1, 31), None, "本月合计", None, 1000, "贷", 1500],
        [date(2026, 1, 31), None, "本年累计", None, 1000, "贷", 1500],
        [None, None, "承前页", None, None, "贷", 1500],
        [date(2026, 2, 1), None, "备注：对账联系人王五", None, None, None, None],
        [date(2026, 2, 3), "记-7", "付款", 400, None, "贷", 1100],
        [date(2026, 2, 28), None, "合计", 400, 1000, "贷", 1100],
        ["制表：张三"],
    ]
    out = read(rows)
    assert out.errors == []
    assert [(r.row, r.opening, r.description) for r in out.rows] == [
        (2, True, "上年结转"),
        (3, False, "货款"),
        (8, False, "付款"),
    ]
    assert "totals rows left out: 4, 9" in out.notes  # 本月合计 and 合计, by data_rows
    assert "row 5: a running total or page carry, left out" in out.notes  # 本年累计
    assert "row 6: a running total or page carry, left out" in out.notes  # 承前页
    assert "row 7: no debit, credit or amount; left out" in out.notes
    oriented = orient(out.rows, "payable", "CNY")
    assert [(x.row, x.amount, x.opening) for x in oriented.lines] == [
        (2, m("500"), True),
        (3, m("1000"), False),
        (8, m("-400"), False),
    ]
    assert oriented.lines[0].on == date(2026, 1, 5)  # an undated opening takes the first date
    assert [b for _, _, b in oriented.balances] == [m("500"), m("1500"), m("1100")]


def test_problems_name_sheet_row_and_column() -> None:
    rows = [
        HEADER,
        [date(2026, 1, 5), "INV-1", "货款", None, "1,0,0", "贷", 100],
        [None, "INV-2", "货款", None, 50, "贷", 150],
        ["2026-02-30", "INV-3", "货款", None, 50, "贷", 200],
    ]
    out = read(rows)
    assert [(e.sheet, e.row, e.column) for e in out.errors] == [
        ("明细账", 2, "E"),
        ("明细账", 3, "A"),
        ("明细账", 4, "A"),
    ]
    assert out.rows == []
    missing = read([["日期", "摘要"], [date(2026, 1, 1), "x"]])
    assert missing.errors[0].row == 0 and "Debit, Credit or Amount" in missing.errors[0].message


def test_signs_payable_receivable_and_a_signed_amount_column() -> None:
    rows = [HEADER, [date(2026, 1, 5), "INV-1", "", 30, 1000, "贷", 970]]
    out = read(rows).rows
    assert orient(out, "payable", "CNY").lines[-1].amount == m("970")
    assert orient(out, "receivable", "CNY").lines[-1].amount == m("-970")
    signed = [
        ["日期", "单据号", "金额"],
        [date(2026, 1, 5), "INV-1", -1000],
        [date(2026, 1, 9), "P", 300],
    ]
    out = read(signed).rows
    assert [x.amount for x in orient(out, "payable", "CNY").lines] == [m("1000"), m("-300")]
    assert [x.amount for x in orient(out, "receivable", "CNY").lines] == [m("-1000"), m("300")]


def test_balance_sides_and_the_opening_implied_by_the_first_balance() -> None:
    rows = [
        HEADER,
        [date(2026, 1, 5), "INV-1", "", None, 1000, "贷", 1200],
        [date(2026, 1, 9), "P-1", "", 1500, None, "借", 300],
    ]
    oriented = orient(read(rows).rows, "payable", "CNY")
    assert [(x.row, x.amount, x.opening) for x in oriented.lines] == [
        (0, m("200"), True),
        (2, m("1000"), False),
        (3, m("-1500"), False),
    ]
    assert [b for _, _, b in oriented.balances] == [m("1200"), m("-300")]


def test_a_balance_column_running_the_other_way_is_recognised() -> None:
    rows = [
        ["日期", "单据号", "借方", "贷方", "余额"],
        [date(2026, 1, 5), "INV-1", None, 1000, -1000],
        [date(2026, 1, 9), "P-1", 400, None, -600],
    ]
    oriented = orient(read(rows).rows, "payable", "CNY")
    assert [b for _, _, b in oriented.balances] == [m("1000"), m("600")]
    assert any("other way" in n for n in oriented.notes)
    assert not any(x.opening for x in oriented.lines)


def test_the_readme_lists_every_ledger_column_name() -> None:
    from pathlib import Path

    from desktop_ar.io.excel.ledger_columns import LEDGER_FIELDS

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Customer reconciliation") :]
    for spec in LEDGER_FIELDS:
        row = next(line for line in section.splitlines() if f"| {spec.label_zh} |" in line)
        assert all(name.replace("|", "\\|") in row for name in spec.names), spec.key
