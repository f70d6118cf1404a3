"""Column mapping: synonyms, containment, required fields, templates and header signatures."""

from __future__ import annotations

import json

import pytest

from desktop_ar.io.excel.header import normalize_header
from desktop_ar.io.excel.mapping import (
    KINDS,
    Mapping,
    guess_mapping,
    header_signature,
    known_headers,
)

FAMILIES = [
    ("invoices", "customer", ["客户名称", "单位名称", "公司名称", "客户", "Customer", "Client",
                              "Customer name", "ＣＵＳＴＯＭＥＲ", "客户名称\u3000",
                              "客 户 名 称"]),
    ("invoices", "amount", ["金额", "Amount", "Total", "价税合计", "ａｍｏｕｎｔ", "金额\u3000"]),
    ("invoices", "issue_date", ["日期", "Date", "开票日期"]),
    ("invoices", "number", ["发票号", "发票号码", "Invoice No", "Invoice number", "INVOICE NO.",
                            "*发票号："]),
    ("invoices", "tax", ["税额", "Tax"]),
    ("invoices", "due_date", ["到期日", "应收日期", "Due date"]),
    ("invoices", "notes", ["备注", "Notes", "Memo"]),
    ("payments", "date", ["收款日期", "日期", "Date", "交易日期"]),
    ("payments", "reference", ["摘要", "附言", "用途", "Reference"]),
    ("payments", "amount", ["金额", "Amount", "收入金额", "贷方发生额"]),
    ("customers", "code", ["客户编号", "客户代码", "Customer code", "CustomerID"]),
    ("customers", "customer_type", ["客户分类", "客户类型", "Customer type"]),
    ("customers", "tax_id", ["纳税人识别号", "统一社会信用代码", "税号", "Tax ID"]),
    ("orders", "order_number", ["订单编号", "订单号", "Order number", "InvoiceNo"]),
    ("orders", "unit_price", ["单价", "Unit price", "UnitPrice"]),
    ("opening_balances", "amount", ["余额", "未收金额", "欠款", "Balance"]),
]  # fmt: skip


@pytest.mark.parametrize(("kind", "key", "labels"), FAMILIES)
def test_every_synonym_maps(kind: str, key: str, labels: list[str]) -> None:
    for label in labels:
        mapping = guess_mapping(["无关列", label], kind)
        assert mapping.columns.get(key) == 1, (label, mapping)
        assert mapping.confidence[key] == 1.0 or "." in label


def test_no_name_belongs_to_two_fields_of_one_kind() -> None:
    for kind, specs in KINDS.items():
        owner: dict[str, str] = {}
        for spec in specs:
            for name in spec.names:
                norm = normalize_header(name)
                assert owner.setdefault(norm, spec.key) == spec.key, (kind, name)


def test_containment_matching_prefers_longest_name() -> None:
    headers = [
        "发票号码",
        "客户名称(全称)",
        "开票日期",
        "金额(不含税)合计",
        "税额",
        "应收金额（元）",
    ]
    mapping = guess_mapping(headers, "invoices")
    assert mapping.columns == {
        "number": 0,
        "customer": 1,
        "issue_date": 2,
        "net": 3,
        "tax": 4,
        "amount": 5,
    }
    assert mapping.confidence["number"] == 1.0
    assert 0.5 <= mapping.confidence["customer"] < 1.0
    assert mapping.missing_required == []


def test_one_column_never_maps_to_two_fields() -> None:
    mapping = guess_mapping(["金额", "金额", "日期"], "payments")
    assert mapping.columns["amount"] == 0
    assert list(mapping.columns.values()).count(0) == 1
    assert len(set(mapping.columns.values())) == len(mapping.columns)
    assert mapping.unmapped_headers == ["金额"]


def test_missing_required_and_unmapped_headers() -> None:
    mapping = guess_mapping(["客户", "Remarks", "Colour", None, ""], "invoices")
    assert mapping.missing_required == ["number", "issue_date", "amount"]
    assert mapping.unmapped_headers == ["Colour"]
    assert (
        guess_mapping(["发票号", "客户", "日期", "不含税金额"], "invoices").missing_required == []
    )


def test_assign_corrects_and_never_doubles_a_column() -> None:
    headers = ["发票号", "客户", "日期", "金额", "说明"]
    mapping = guess_mapping(headers, "invoices")
    fixed = mapping.assign("notes", 3, headers)
    assert fixed.columns["notes"] == 3
    assert "amount" not in fixed.columns
    assert fixed.missing_required == ["amount"]
    assert fixed.unmapped_headers == ["说明"]
    with pytest.raises(KeyError):
        mapping.assign("nope", 1, headers)


def test_template_round_trip_through_json() -> None:
    mapping = guess_mapping(
        ["Invoice No", "Client", "Date", "Net", "VAT", "Total", "x"], "invoices"
    )
    again = Mapping.from_dict(json.loads(json.dumps(mapping.to_dict(), ensure_ascii=False)))
    assert again == mapping


@pytest.mark.parametrize(
    "data",
    [
        {"kind": "nope", "columns": {}},
        {"kind": "invoices", "columns": {"colour": 1}},
        {"kind": "invoices", "columns": {"number": -1}},
        {"kind": "invoices", "columns": {"number": "A"}},
        {"kind": "invoices", "columns": {"number": 1, "customer": 1}},
    ],
)
def test_template_from_dict_rejects_bad_data(data: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Mapping.from_dict(data)


def test_header_signature_is_stable_and_normalized() -> None:
    headers = ["发票号", "客户名称", "金额"]
    signature = header_signature(headers)
    assert signature == header_signature(["发票号 ", "客户名称\u3000", "金　额", None, ""])
    assert signature == header_signature(tuple(headers))
    assert len(signature) == 64
    assert signature != header_signature(["客户名称", "发票号", "金额"])
    assert header_signature(["Amount"]) == header_signature(["ＡＭＯＵＮＴ"])


def test_known_headers_cover_labels() -> None:
    assert {"客户名称", "Invoice No", "收款日期"} <= known_headers()
    assert "收款日期" not in known_headers("invoices")
    with pytest.raises(KeyError):
        guess_mapping(["a"], "nope")
