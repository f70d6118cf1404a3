"""Receivables key figures (应收指标) and their definitions, as the dashboard shows them.

Pure arithmetic on integer minor units of one currency (the base currency); each figure is a
``Decimal`` rounded half-up to one decimal place, or None when it is undefined (a division by
zero: nothing sold, nothing owed). :data:`DEFINITIONS` holds the wording of each figure in
English and Chinese for tooltips, reports and the README.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

__all__ = [
    "DEFINITIONS",
    "average_days_to_pay",
    "cei",
    "collection_rate",
    "dso",
    "overdue_share",
    "share",
]

_TENTH = Decimal("0.1")

DEFINITIONS: dict[str, tuple[str, str]] = {
    "receivable": (
        "Total receivable: everything customers owe at the as-of date, less their unapplied "
        "credits, in the base currency.",
        "应收总额：截至统计日客户所欠款项合计（扣除未核销的预收款和贷项），按本位币计。",
    ),
    "overdue_share": (
        "Overdue share: the part of the receivable past its due date, as a percentage of the "
        "total receivable.",
        "逾期占比：已过到期日的应收金额占应收总额的百分比。",
    ),
    "dso": (
        "DSO (days sales outstanding): receivable at the end of the period ÷ credit sales in the "
        "period × days in the period.",
        "应收账款周转天数（DSO）：期末应收余额 ÷ 本期赊销额 × 本期天数。",
    ),
    "cei": (
        "CEI (collection effectiveness index): (opening receivable + sales − closing receivable) "
        "÷ (opening receivable + sales − closing current receivable) × 100. 100 means everything "
        "collectable was collected.",
        "回款有效性指数（CEI）：（期初应收 + 本期销售 − 期末应收）"
        "÷（期初应收 + 本期销售 − 期末未到期应收）× 100；100 表示可收回的款项全部收回。",
    ),
    "average_days_to_pay": (
        "Average days to pay: days from invoice date to payment, weighted by the amount paid, "
        "for payments received in the period.",
        "平均回款天数：本期收到的款项自开票日至收款日的天数，按金额加权平均。",
    ),
    "collection_rate": (
        "Collection rate: collected in the period ÷ (receivable at the start + invoiced in the "
        "period) × 100.",
        "回款率：本期回款 ÷（期初应收 + 本期开票）× 100。",
    ),
    "unpaid_orders_share": (
        "Unpaid orders: orders with an invoice still open, as a percentage of the orders "
        "invoiced in the period.",
        "未回款订单占比：本期已开票订单中仍有未付发票的订单所占百分比。",
    ),
}


def _ratio(numerator: Decimal, denominator: Decimal) -> Decimal | None:
    if denominator == 0:
        return None
    return (numerator / denominator).quantize(_TENTH, rounding=ROUND_HALF_UP)


def share(part_minor: int, whole_minor: int) -> Decimal | None:
    """``part`` as a percentage of ``whole`` (None when ``whole`` is not positive)."""
    if whole_minor <= 0:
        return None
    return _ratio(Decimal(part_minor) * 100, Decimal(whole_minor))


def overdue_share(overdue_minor: int, receivable_minor: int) -> Decimal | None:
    """Overdue as a percentage of the receivable."""
    return share(overdue_minor, receivable_minor)


def dso(closing_receivable_minor: int, credit_sales_minor: int, days: int) -> Decimal | None:
    """Days sales outstanding over a period of ``days`` days."""
    if credit_sales_minor <= 0 or days <= 0:
        return None
    return _ratio(Decimal(closing_receivable_minor) * days, Decimal(credit_sales_minor))


def cei(
    opening_minor: int, sales_minor: int, closing_minor: int, closing_current_minor: int
) -> Decimal | None:
    """Collection effectiveness index (percent)."""
    collectable = opening_minor + sales_minor - closing_current_minor
    if collectable <= 0:
        return None
    return _ratio(Decimal(opening_minor + sales_minor - closing_minor) * 100, Decimal(collectable))


def collection_rate(
    collected_minor: int, opening_minor: int, invoiced_minor: int
) -> Decimal | None:
    """Collected as a percentage of what was there to collect."""
    return share(collected_minor, opening_minor + invoiced_minor)


def average_days_to_pay(weighted_days_minor: int, paid_minor: int) -> Decimal | None:
    """Σ(days × amount) ÷ Σ amount."""
    if paid_minor <= 0:
        return None
    return _ratio(Decimal(weighted_days_minor), Decimal(paid_minor))
