"""The credit check run when an order is confirmed (确认订单 → 信用检查).

Exposure is what the customer would owe us if the order went ahead: the open balance of its
invoices, plus confirmed orders not invoiced yet, plus this order. The order is blocked when

* the exposure is more than the credit limit (``over_limit``). A limit of zero means *no
  credit*: any exposure at all is over it (cash-in-advance customers);
* the customer has an item overdue for more days than the policy allows (``overdue_too_long``);
* the customer is on credit hold (``on_credit_hold``, 信用冻结 / 停止发货).

Every failed rule gives a ``Reason`` with its figures, so the screen can say why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from desktop_ar.domain.money import Money
from desktop_ar.domain.parsing import format_money

__all__ = ["CreditCheckInput", "CreditCheckResult", "Reason", "credit_check", "describe"]

OUTCOMES = ("ok", "blocked")
REASON_CODES = ("over_limit", "overdue_too_long", "on_credit_hold")


@dataclass(frozen=True, slots=True)
class CreditCheckInput:
    """What the check needs, all amounts in the customer's currency.

    ``oldest_overdue_days`` is the age in days past due of the customer's oldest open item
    (0 when nothing is overdue); ``block_after_days`` is the policy (settings).
    """

    limit: Money
    open_balance: Money
    uninvoiced_orders: Money
    this_order: Money
    oldest_overdue_days: int
    block_after_days: int
    on_hold: bool


@dataclass(frozen=True, slots=True)
class Reason:
    """Why an order is blocked: a stable code and the figures behind it."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Plain JSON values (amounts as text with their currency)."""
        out: dict[str, Any] = {}
        for key, value in self.params.items():
            if isinstance(value, Money):
                out[key] = {"amount": value.amount_str(), "currency": value.currency}
            else:
                out[key] = value
        return {"code": self.code, "params": out}


@dataclass(frozen=True, slots=True)
class CreditCheckResult:
    """The outcome (``ok`` or ``blocked``), the exposure, what is left of the limit, reasons."""

    outcome: str
    exposure: Money
    headroom: Money
    reasons: list[Reason]

    @property
    def blocked(self) -> bool:
        """True when at least one rule failed."""
        return self.outcome == "blocked"

    def to_json(self) -> dict[str, Any]:
        """The result as plain JSON values (stored on the order when it is confirmed)."""
        return {
            "outcome": self.outcome,
            "currency": self.exposure.currency,
            "exposure": self.exposure.amount_str(),
            "headroom": self.headroom.amount_str(),
            "reasons": [r.to_json() for r in self.reasons],
        }


def credit_check(inp: CreditCheckInput) -> CreditCheckResult:
    """Run the credit check.

    Args:
        inp: the customer's figures; every amount in the currency of ``inp.limit``.

    Returns:
        ``blocked`` with one reason per failed rule (over the limit, overdue too long, on
        hold, in that order), else ``ok``. ``headroom`` = limit − exposure (negative when over).

    Raises:
        CurrencyMismatch: when the amounts are in different currencies.
    """
    exposure = inp.open_balance + inp.uninvoiced_orders + inp.this_order
    headroom = inp.limit - exposure
    reasons: list[Reason] = []
    if exposure > inp.limit:
        reasons.append(
            Reason(
                "over_limit",
                {"limit": inp.limit, "exposure": exposure, "excess": exposure - inp.limit},
            )
        )
    if inp.oldest_overdue_days > inp.block_after_days:
        reasons.append(
            Reason(
                "overdue_too_long",
                {"days": inp.oldest_overdue_days, "allowed": inp.block_after_days},
            )
        )
    if inp.on_hold:
        reasons.append(Reason("on_credit_hold", {}))
    return CreditCheckResult("blocked" if reasons else "ok", exposure, headroom, reasons)


def _money(value: Any) -> str:
    if isinstance(value, Money):
        return f"{format_money(value)} {value.currency}"
    return str(value)


def describe(reason: Reason, lang: str = "en") -> str:
    """One sentence saying why, in English or Chinese (``lang`` ``"zh"`` or any ``zh-…``).

    Args:
        reason: a reason from :func:`credit_check`.
        lang: ``"en"`` or ``"zh"``; other values give English.

    Returns:
        The sentence; unknown codes are shown as the code with their figures.
    """
    zh = lang.lower().startswith("zh")
    p = {k: _money(v) for k, v in reason.params.items()}
    if reason.code == "over_limit":
        limit = reason.params.get("limit")
        if isinstance(limit, Money) and limit.is_zero():
            if zh:
                return f"该客户信用额度为零（不赊销），本次信用占用 {p['exposure']}。"
            return f"The customer has no credit (the limit is zero); exposure is {p['exposure']}."
        if zh:
            return f"信用占用 {p['exposure']} 超过信用额度 {p['limit']}，超出 {p['excess']}。"
        return (
            f"Exposure of {p['exposure']} is over the credit limit of {p['limit']}"
            f" by {p['excess']}."
        )
    if reason.code == "overdue_too_long":
        if zh:
            return f"有应收款已逾期 {p['days']} 天，超过允许的 {p['allowed']} 天。"
        return f"An item is {p['days']} days overdue; orders are blocked after {p['allowed']} days."
    if reason.code == "on_credit_hold":
        return "客户处于信用冻结状态。" if zh else "The customer is on credit hold."
    details = ", ".join(f"{k}={v}" for k, v in p.items())
    return f"{reason.code}: {details}" if details else reason.code
