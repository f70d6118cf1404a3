"""Reasons in words: ``amount equal; invoice INV-1043 in memo; name 85 % similar``.

The matcher returns reasons as codes with parameters; this module renders them in English or
Chinese (金额相等；摘要含发票 INV-1043；名称相似度 85%). The Qt screens translate the English
templates through their own catalogue; the CLI prints these.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from desktop_ar.domain.matching.model import Reason

__all__ = ["REASON_CODES", "describe", "describe_reason"]

_EN: dict[str, str] = {
    "amount_equal": "amount equal",
    "amount_shared": "{count} open items have this amount",
    "amount_sum": "sum of {count} invoices",
    "within_tolerance": "within tolerance (difference {difference})",
    "discount_taken": "early-payment discount {discount} taken (until {until})",
    "amount_differs": "amount differs by {difference}",
    "invoice_in_memo": "invoice {number} in memo",
    "invoice_digits_in_memo": "digits of invoice {number} in memo",
    "fapiao_in_memo": "fapiao {number} in memo",
    "payment_in_memo": "payment {number} in memo",
    "reference_match": "reference {reference} matches",
    "name_equal": "name equal",
    "name_similar": "name {percent} % similar",
    "name_similar_pinyin": "name {percent} % similar (pinyin)",
    "payer_known": "known payer {name}",
    "payer_in_memo": "payer {name} in memo",
    "account_known": "known account {account}",
    "same_date": "same date",
    "date_near": "dates {days} days apart",
    "date_near_1": "dates 1 day apart",
    "due_today": "due that day",
    "due_near": "due {days} days away",
    "due_near_1": "due 1 day away",
    "debit_line": "outgoing money (debit): no invoice candidates",
    "zero_amount": "zero amount",
    "no_candidates": "no candidates found",
}
_ZH: dict[str, str] = {
    "amount_equal": "金额相等",
    "amount_shared": "{count} 笔未结项目金额相同",
    "amount_sum": "{count} 张发票合计",
    "within_tolerance": "差额 {difference} 在容差内",
    "discount_taken": "已扣现金折扣 {discount}（截至 {until}）",
    "amount_differs": "金额相差 {difference}",
    "invoice_in_memo": "摘要含发票 {number}",
    "invoice_digits_in_memo": "摘要含发票 {number} 的号码数字",
    "fapiao_in_memo": "摘要含发票号码 {number}",
    "payment_in_memo": "摘要含收款单 {number}",
    "reference_match": "参考号 {reference} 一致",
    "name_equal": "名称一致",
    "name_similar": "名称相似度 {percent}%",
    "name_similar_pinyin": "名称相似度 {percent}%（拼音）",
    "payer_known": "已知付款人 {name}",
    "payer_in_memo": "摘要含付款人 {name}",
    "account_known": "已知账号 {account}",
    "same_date": "同日",
    "date_near": "日期相差 {days} 天",
    "due_today": "当日到期",
    "due_near": "距到期日 {days} 天",
    "debit_line": "支出（借方）：无发票候选",
    "zero_amount": "金额为零",
    "no_candidates": "未找到候选",
}
_TEMPLATES = {"en": _EN, "zh": _ZH}
_SEPARATORS = {"en": "; ", "zh": "；"}
# The codes the matcher emits (the others above are variants chosen by their parameters).
REASON_CODES = frozenset(k for k in _EN if not k.endswith("_1")) - {
    "name_similar_pinyin",
    "same_date",
    "due_today",
}


def _key(code: str, params: Mapping[str, str | int], templates: Mapping[str, str]) -> str:
    if code == "name_similar" and params.get("via") == "pinyin":
        return "name_similar_pinyin"
    if code in ("date_near", "due_near"):
        days = params.get("days")
        if days == 0:
            return "same_date" if code == "date_near" else "due_today"
        if days == 1 and f"{code}_1" in templates:
            return f"{code}_1"
    return code


def _masked(account: str) -> str:
    return f"…{account[-4:]}" if len(account) > 4 else account


def describe_reason(reason: Reason | tuple[str, Mapping[str, str | int]], lang: str = "en") -> str:
    """One reason in words; an unknown code is shown as the code with its parameters."""
    code, params = reason
    values = dict(params)
    if "account" in values:
        values["account"] = _masked(str(values["account"]))
    templates = _TEMPLATES.get(lang, _EN)
    template = templates.get(_key(code, params, templates))
    if template is None:
        extra = ", ".join(f"{k}={v}" for k, v in sorted(values.items()))
        return f"{code} ({extra})" if extra else code
    try:
        return template.format(**values)
    except (KeyError, IndexError):
        return template


def describe(
    reasons: Iterable[Reason | tuple[str, Mapping[str, str | int]]], lang: str = "en"
) -> str:
    """Reasons joined in words: ``"amount equal; invoice INV-1043 in memo"``.

    Args:
        reasons: the reasons of a candidate (or the notes of a line).
        lang: ``"en"`` or ``"zh"`` (anything else falls back to English).

    Returns:
        The reasons rendered and joined with ``"; "`` (``"；"`` in Chinese).
    """
    return _SEPARATORS.get(lang, "; ").join(describe_reason(r, lang) for r in reasons)
