"""Converting mapped rows into records: every problem with its location, choices, duplicates."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from desktop_ar.domain.money import Money
from desktop_ar.io.excel.header import data_rows, find_header_row
from desktop_ar.io.excel.mapping import guess_mapping, known_headers
from desktop_ar.io.excel.reader import Cell, open_workbook
from desktop_ar.io.excel.records import (
    ConversionResult,
    Record,
    convert_rows,
    fingerprint,
    fingerprints,
)


def _convert(kind: str, sheet: list[list[Cell]], currency: str = "CNY") -> ConversionResult:
    mapping = guess_mapping(sheet[0], kind)
    rows = list(enumerate(sheet))[1:]
    return convert_rows(
        rows, mapping, kind, file="in.xlsx", sheet="Sheet1", default_currency=currency
    )


CUSTOMERS: list[list[Cell]] = [
    ["客户编号", "客户名称", "客户类型", "信用额度", "币种", "电话", "备注"],
    ["C001", "上海甲公司", "大客户", "¥100,000.00", None, "021-5555", "老客户"],
    ["C002", "  北京乙公司 ", "中小客户", 50000.0, "usd", 13800138000.0, None],
    [3.0, "张三", "个人", None, None, None, None],
    ["C004", "丙公司", "Key account", None, "CNY", None, None],
]


def test_customers_sheet_converts() -> None:
    result = _convert("customers", CUSTOMERS)
    assert result.errors == []
    first, second, third, fourth = result.records
    assert first.row_number == 2
    assert first.values == {
        "code": "C001",
        "name": "上海甲公司",
        "customer_type": "key_account",
        "credit_limit": Money.of("100000.00", "CNY"),
        "phone": "021-5555",
        "notes": "老客户",
    }
    assert second.values["name"] == "北京乙公司"
    assert second.values["currency"] == "USD"
    assert second.values["credit_limit"] == Money.of("50000", "USD")
    assert second.values["customer_type"] == "sme"
    assert second.values["phone"] == "13800138000"
    assert any("leading zeros" in n for n in second.notes)
    assert third.values["code"] == "3"
    assert third.values["customer_type"] == "individual"
    assert fourth.values["customer_type"] == "key_account"


def test_choices_in_chinese_and_bad_choice_reported() -> None:
    sheet: list[list[Cell]] = [
        ["收款日期", "客户", "金额", "收款方式"],
        ["2025-03-01", "甲", "100", "银行转账"],
        ["2025-03-01", "甲", "200", "转账"],
        ["2025-03-01", "甲", "300", "现金"],
        ["2025-03-01", "甲", "400", "支票"],
        ["2025-03-01", "甲", "500", "Cash"],
        ["2025-03-01", "甲", "600", "以物抵债"],
    ]
    result = _convert("payments", sheet)
    methods = [r.values["method"] for r in result.records]
    assert methods == ["bank_transfer", "bank_transfer", "cash", "cheque", "cash"]
    (error,) = result.errors
    assert (error.row, error.column, error.value) == (7, "D", "以物抵债")
    assert "bank_transfer" in error.message


INVOICE_HEADER: list[Cell] = [
    "发票号",
    "客户名称",
    "开票日期",
    "到期日",
    "币种",
    "不含税金额",
    "税额",
    "价税合计",
]


def test_invoices_with_ten_bad_rows_report_every_error_with_location() -> None:
    good: list[Cell] = [
        "INV-1",
        "甲公司",
        "2025-03-01",
        "2025-03-31",
        "CNY",
        "100.00",
        "13.00",
        "113.00",
    ]
    bad: list[list[Cell]] = [
        [None, "甲公司", "2025-03-01", None, None, "100", "13", None],  # 3: number missing
        ["INV-3", None, "2025-03-01", None, None, "100", "13", None],  # 4: customer missing
        ["INV-4", "甲", "2025-13-45", None, None, "100", "13", None],  # 5: bad date
        ["INV-5", "甲", "2025-03-01", "soon", None, "100", "13", None],  # 6: bad due date
        ["INV-6", "甲", "2025-03-01", None, "XXX", "100", "13", None],  # 7: bad currency
        ["INV-7", "甲", "2025-03-01", None, None, "12,3a", "13", None],  # 8: bad net
        ["INV-8", "甲", "2025-03-01", None, None, "100", "13", "120.00"],  # 9: mismatch
        ["INV-1", "甲", "2025-03-01", None, None, "100", "13", None],  # 10: duplicate number
        ["INV-10", "甲", None, None, None, None, None, None],  # 11: date and amount missing
        ["INV-11", "甲", "1900-01-05", None, None, "1.234", "13", None],  # 12: two errors
    ]
    result = _convert("invoices", [INVOICE_HEADER, good, *bad])
    assert [r.row_number for r in result.records] == [2]
    assert result.rejected_rows == list(range(3, 13))
    where = [(e.row, e.column) for e in result.errors]
    assert where == [
        (3, "A"), (4, "B"), (5, "C"), (6, "D"), (7, "E"), (8, "F"), (9, "H"), (10, "A"),
        (11, "C"), (11, "H"), (12, "C"), (12, "F"),
    ]  # fmt: skip
    for error in result.errors:
        assert error.file == "in.xlsx"
        assert error.sheet == "Sheet1"
        assert error.message.startswith(f"Sheet1 row {error.row}, column {error.column}")
    by_row = {e.row: e for e in result.errors}
    assert by_row[5].value == "2025-13-45"
    assert "XXX" in by_row[7].message
    assert "is not the amount" in by_row[9].message
    assert "row 2" in by_row[10].message
    assert "required" in by_row[3].message


def test_invoice_amount_completion() -> None:
    sheet: list[list[Cell]] = [
        ["发票号", "客户", "日期", "金额", "税额", "不含税金额"],
        ["A", "甲", date(2025, 3, 1), 113.0, None, None],
        ["B", "甲", date(2025, 3, 1), None, 13.0, 100.0],
        ["C", "甲", date(2025, 3, 1), 113.0, 13.0, None],
        ["D", "甲", date(2025, 3, 1), 113.0, None, 100.0],
        ["E", "甲", datetime(2025, 3, 1, 9, 30), None, None, 2087.0249999999996],
    ]
    result = _convert("invoices", sheet)
    assert result.errors == []
    totals = [tuple(str(r.values[k]) for k in ("net", "tax", "amount")) for r in result.records]
    cny = lambda v: str(Money.of(v, "CNY"))  # noqa: E731
    assert totals == [
        (cny("113"), cny("0"), cny("113")),
        (cny("100"), cny("13"), cny("113")),
        (cny("100"), cny("13"), cny("113")),
        (cny("100"), cny("13"), cny("113")),
        (cny("2087.03"), cny("0"), cny("2087.03")),
    ]
    notes = " ".join(result.records[-1].notes)
    assert "rounds half-up" in notes and "dropped" in notes


def test_unmapped_required_field_is_reported_once() -> None:
    result = _convert("invoices", [["发票号", "客户"], ["A", "甲"], ["B", "乙"]])
    assert result.records == []
    assert [(e.row, e.params["field"]) for e in result.errors] == [
        (0, "Issue date"),
        (0, "Amount"),
    ]


def test_payment_duplicates_are_kept_with_notes() -> None:
    sheet: list[list[Cell]] = [
        ["收款日期", "客户", "金额", "摘要"],
        ["2025-03-01", "甲", "100.00", "货款"],
        ["2025-03-01", "甲", "100.00", "货款"],
        ["2025-03-01", "甲", "100.00", "货款"],
        ["2025-03-02", "甲", "100.00", "货款"],
    ]
    result = _convert("payments", sheet)
    assert result.errors == []
    assert [r.values["occurrence"] for r in result.records] == [1, 2, 3, 1]
    assert result.records[1].notes == [
        "identical to row 2 (date, customer, amount and reference); both are kept — delete one "
        "if it was entered twice"
    ]
    assert "row 2" in result.records[2].notes[0]
    prints = [fingerprint(r) for r in result.records]
    assert len(set(prints)) == 4


def test_customer_and_order_duplicates() -> None:
    customers = _convert(
        "customers",
        [["客户编号", "客户名称"], ["C1", "甲"], ["c1", "乙"], [None, "丙"], [None, "丙 "]],
    )
    assert [(e.row, e.column) for e in customers.errors] == [(3, "A"), (5, "B")]
    orders = _convert(
        "orders",
        [
            ["订单号", "客户", "订单日期", "商品", "数量", "单价", "税率"],
            ["SO1", "甲", "2025-03-01", "螺丝", 10.0, "1.5", "13%"],
            ["SO1", "甲", "2025-03-01", "螺母", 5.0, "0.5", 13.0],
            ["SO1", "甲", "2025-03-01", "螺母", 5.0, "0.5", 0.13],
            ["SO2", "乙", "2025-03-02", "垫片", 1.0, "2", None],
            ["SO1", "乙", "2025-03-01", "螺栓", 1.0, "2", None],
        ],
    )
    assert [r.values["line"] for r in orders.records] == [1, 2, 3, 1]
    assert all(r.values.get("tax_rate") in (None, Decimal("0.13")) for r in orders.records)
    assert "identical to row 3" in orders.records[2].notes[0]
    (error,) = orders.errors
    assert (error.row, error.column) == (6, "B")
    assert "row 2" in error.message


def test_fingerprints_are_stable_across_runs_and_row_positions() -> None:
    sheet: list[list[Cell]] = [
        INVOICE_HEADER,
        ["INV-1", "甲公司", "2025-03-01", None, None, "100", "13", None],
    ]
    first = _convert("invoices", sheet).records[0]
    again = _convert("invoices", [INVOICE_HEADER, [], sheet[1]]).records[0]
    assert again.row_number == 3
    assert fingerprint(first) == fingerprint(again)
    same = Record(9, {"customer": "甲公司", "number": "INV-1"})
    assert fingerprint(same) == fingerprint(Record(1, {"number": "inv-1", "customer": "甲公司 "}))
    assert fingerprint(same) != fingerprint(Record(9, {"customer": "乙公司", "number": "INV-1"}))
    assert len(fingerprint(first)) == 64


def test_fingerprints_of_many_records_are_each_records_fingerprint() -> None:
    day = date(2025, 3, 1)
    records = [
        Record(1, {"number": "A-1", "customer": "甲公司", "issue_date": day}),
        Record(2, {"number": "A-2", "customer": "甲公司 ", "issue_date": day}),
        Record(3, {"number": "Ａ-3", "amount": Money(100, "CNY"), "customer": "ACME  Ltd"}),
        Record(4, {"number": "A-4", "rate": Decimal("0.130"), "refs": ("X 1", "y")}),
        Record(5, {"number": "A-1", "customer": "甲公司", "issue_date": day}),
    ]
    assert fingerprints(records) == [fingerprint(r) for r in records]


def test_real_northwind_customers(shared_data: Path) -> None:
    path = shared_data / "invoices_ar" / "northwind_csv" / "customers.csv"
    with open_workbook(path) as book:
        rows = list(book.rows(0))
    guess = find_header_row(rows, known_headers("customers"))
    assert guess.row_index == 0
    mapping = guess_mapping(rows[0], "customers")
    assert {"code", "name", "contact_name", "address", "phone"} <= set(mapping.columns)
    body = data_rows(rows, guess.row_index)
    result = convert_rows(
        body.rows, mapping, "customers", file=path.name, sheet="customers", default_currency="EUR"
    )
    assert result.errors == []
    assert len(result.records) == len(body.rows) > 50
    alfki = result.records[0]
    assert alfki.row_number == 2
    assert alfki.values["code"] == "ALFKI"
    assert alfki.values["name"] == "Alfreds Futterkiste"
    assert len({fingerprint(r) for r in result.records}) == len(result.records)
