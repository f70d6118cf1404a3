"""Reasons in English and Chinese words."""

from __future__ import annotations

import re

import pytest

from desktop_ar.domain.matching import REASON_CODES, Reason, describe, describe_reason
from desktop_ar.domain.matching.describe import _EN, _ZH

EXAMPLE = [
    Reason("amount_equal", {}),
    Reason("invoice_in_memo", {"number": "INV-1043"}),
    Reason("name_similar", {"percent": 85}),
]


def test_the_issue_example_in_english_and_chinese() -> None:
    assert describe(EXAMPLE) == "amount equal; invoice INV-1043 in memo; name 85 % similar"
    assert describe(EXAMPLE, "zh") == "金额相等；摘要含发票 INV-1043；名称相似度 85%"


def test_reasons_compare_equal_to_plain_tuples() -> None:
    assert Reason("amount_equal", {}) == ("amount_equal", {})
    assert describe([("within_tolerance", {"difference": "0.50"})]) == (
        "within tolerance (difference 0.50)"
    )


@pytest.mark.parametrize(
    ("reason", "en", "zh"),
    [
        (("amount_sum", {"count": 3}), "sum of 3 invoices", "3 张发票合计"),
        (("within_tolerance", {"difference": "-0.50"}), "within tolerance (difference -0.50)",
         "差额 -0.50 在容差内"),
        (("discount_taken", {"discount": "20.00", "until": "2026-07-10"}),
         "early-payment discount 20.00 taken (until 2026-07-10)",
         "已扣现金折扣 20.00（截至 2026-07-10）"),
        (("amount_differs", {"difference": "-600.00"}), "amount differs by -600.00",
         "金额相差 -600.00"),
        (("amount_shared", {"count": 2}), "2 open items have this amount", "2 笔未结项目金额相同"),
        (("invoice_digits_in_memo", {"number": "INV-1043"}), "digits of invoice INV-1043 in memo",
         "摘要含发票 INV-1043 的号码数字"),
        (("fapiao_in_memo", {"number": "04400123"}), "fapiao 04400123 in memo",
         "摘要含发票号码 04400123"),
        (("payment_in_memo", {"number": "RC-0100"}), "payment RC-0100 in memo",
         "摘要含收款单 RC-0100"),
        (("reference_match", {"reference": "PO 7781"}), "reference PO 7781 matches",
         "参考号 PO 7781 一致"),
        (("name_equal", {}), "name equal", "名称一致"),
        (("name_similar", {"percent": 92, "via": "pinyin"}), "name 92 % similar (pinyin)",
         "名称相似度 92%（拼音）"),
        (("payer_known", {"name": "John Smith"}), "known payer John Smith",
         "已知付款人 John Smith"),
        (("payer_in_memo", {"name": "华信科技"}), "payer 华信科技 in memo",
         "摘要含付款人 华信科技"),
        (("account_known", {"account": "6222000011112222"}), "known account …2222",
         "已知账号 …2222"),
        (("date_near", {"days": 0}), "same date", "同日"),
        (("date_near", {"days": 1}), "dates 1 day apart", "日期相差 1 天"),
        (("date_near", {"days": 2}), "dates 2 days apart", "日期相差 2 天"),
        (("due_near", {"days": 0}), "due that day", "当日到期"),
        (("due_near", {"days": 1}), "due 1 day away", "距到期日 1 天"),
        (("due_near", {"days": 5}), "due 5 days away", "距到期日 5 天"),
        (("debit_line", {}), "outgoing money (debit): no invoice candidates",
         "支出（借方）：无发票候选"),
        (("zero_amount", {}), "zero amount", "金额为零"),
        (("no_candidates", {}), "no candidates found", "未找到候选"),
    ],
)  # fmt: skip
def test_each_reason(reason: tuple[str, dict[str, str | int]], en: str, zh: str) -> None:
    assert describe_reason(reason) == en
    assert describe_reason(reason, "zh") == zh


def test_every_code_has_both_languages_with_the_same_placeholders() -> None:
    assert set(_EN) - {"date_near_1", "due_near_1"} == set(_ZH)
    for code, text in _ZH.items():
        assert set(re.findall(r"{(\w+)}", text)) == set(re.findall(r"{(\w+)}", _EN[code]))
    assert {"amount_equal", "invoice_in_memo", "debit_line"} <= REASON_CODES
    assert "same_date" not in REASON_CODES


def test_unknown_codes_and_languages_fall_back() -> None:
    assert describe_reason(("refund_maybe", {"b": 2, "a": 1})) == "refund_maybe (a=1, b=2)"
    assert describe_reason(("refund_maybe", {})) == "refund_maybe"
    assert describe([("amount_equal", {})], "fr") == "amount equal"
    assert describe_reason(("invoice_in_memo", {})) == "invoice {number} in memo"
    assert describe([]) == ""
