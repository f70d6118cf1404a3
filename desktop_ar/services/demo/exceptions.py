"""The demo book's payment exceptions queue, derived from the rows the generator wrote.

The generator inserts receipts in bulk without ``record_payment``, so nothing raised their
exceptions. This pass reads the candidates with a few set-based queries and runs the domain
rules (``domain.exceptions.detect``) over them, so the causes read exactly like live ones:

* every unidentified receipt (open: nobody has placed the money yet);
* every receipt left with customer credit (open), and every refunded overpayment (resolved,
  with the refund as the resolution);
* late payments, payments on disputed invoices and short payments of the last 90 days only
  (fewer on a very large book: the newest ~20,000 receipts), so the queue is a working list
  rather than the whole history; those older than a month are mostly resolved with a
  resolution, a few are in progress with a note.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, insert, or_, select
from sqlalchemy.orm import Session

from desktop_ar.db.models import (
    Allocation,
    Customer,
    ExceptionNote,
    Invoice,
    Payment,
    PaymentException,
    Refund,
    ScheduleLine,
)
from desktop_ar.domain import exceptions as rules
from desktop_ar.domain.money import Money
from desktop_ar.services.exception_facts import policy
from desktop_ar.services.ledger import LIVE

__all__ = ["seed_exceptions"]

RECENT_DAYS = 90
# On a very large book the recent window shrinks to its newest receipts, so the queue (and the
# time this pass takes) stays bounded: ~20,000 receipts give a few thousand late payments.
MAX_RECENT_PAYMENTS = 20_000
_RESOLUTIONS = {
    "late_payment": (
        "客户确认付款流程延误，已提醒账期 / Customer's payment run slipped; terms reminded",
        "首次逾期，免收滞纳金 / First time late: late fee waived",
        "已与财务经理沟通，下月起按时付款 / Agreed with their finance manager to pay on time",
    ),
    "short_payment": (
        "差额已于下次付款补齐 / Difference paid with the next payment",
        "客户扣减运费，已开红字发票 / Customer deducted freight; credit note issued",
    ),
    "disputed_invoice": ("争议已解决，付款有效 / Dispute settled; payment stands",),
}
_NOTES = (
    "已致电客户财务确认 / Called the customer's accounts payable",
    "已发邮件索取付款明细 / Emailed for the remittance advice",
)


def _stamp(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=UTC)


def _row(f: rules.Finding, p: Any, owner: str, detected: date, **extra: Any) -> dict[str, Any]:
    return {
        "kind": f.kind,
        "payment_id": p.id,
        "invoice_id": f.invoice_key,
        "customer_id": p.customer_id,
        "detected_on": detected,
        "cause": f.cause,
        "currency": f.amount.currency,
        "amount_minor": f.amount.minor,
        "owner": owner,
        "status": "open",
        "resolution": "",
        "resolved_on": None,
        "created_at": _stamp(detected),
        "version_id": 1,
        **extra,
    }


def _facts(p: Any, unallocated: int | None = None) -> rules.PaymentFacts:
    return rules.PaymentFacts(
        key=p.id,
        number=p.number,
        customer_key=p.customer_id,
        payment_date=p.payment_date,
        amount=Money(p.amount_minor, p.currency),
        unallocated=Money(p.unallocated_minor if unallocated is None else unallocated, p.currency),
        reference=p.reference,
        payer=p.payer_name,
        customer_open=None,
        exchange_rate=p.exchange_rate,
    )


def _money_kinds(s: Session, pol: rules.Policy) -> list[dict[str, Any]]:
    """Unidentified receipts, customer credit left on receipts, refunded overpayments."""
    out: list[dict[str, Any]] = []
    query = (
        select(Payment, Customer.collector)
        .outerjoin(Customer, Customer.id == Payment.customer_id)
        .where(
            Payment.status == "posted",
            or_(Payment.customer_id.is_(None), Payment.unallocated_minor > 0),
        )
    )
    for p, owner in s.execute(query):
        facts = _facts(p)
        if p.customer_id is None:
            found = rules.detect(facts, [], [], pol)
        else:
            # Left as credit: the demo's overpayers paid more than the invoices they settled.
            zero = Money(0, p.currency)
            found = rules.detect(replace(facts, customer_open=zero), [], [], pol)
        out += [_row(f, p, owner or "", p.payment_date) for f in found]
    refunds = (
        select(Payment, Customer.collector, Refund)
        .join(Refund, Refund.payment_id == Payment.id)
        .join(Customer, Customer.id == Payment.customer_id)
    )
    for p, owner, r in s.execute(refunds):
        facts = replace(_facts(p, r.amount_minor), customer_open=Money(0, p.currency))
        for f in rules.detect(facts, [], [], pol):
            resolution = f"已退款 {rules.money_text(f.amount)} / Refunded on {r.refund_date}"
            out.append(
                _row(f, p, owner or "", p.payment_date, status="resolved",
                     resolution=resolution, resolved_on=r.refund_date)
            )  # fmt: skip
    return out


_PAYMENT_COLUMNS = (
    Payment.id,
    Payment.number,
    Payment.customer_id,
    Payment.payment_date,
    Payment.currency,
    Payment.amount_minor,
    Payment.unallocated_minor,
    Payment.reference,
    Payment.payer_name,
    Payment.exchange_rate,
)


def _recent(s: Session, pol: rules.Policy, as_of: date) -> list[dict[str, Any]]:
    """Late payments, payments on disputed invoices and short payments of the last 90 days."""
    cutoff = as_of - timedelta(days=RECENT_DAYS)
    newest = s.execute(
        select(Payment.payment_date)
        .where(Payment.payment_date >= cutoff)
        .order_by(Payment.payment_date.desc())
        .offset(MAX_RECENT_PAYMENTS)
        .limit(1)
    ).scalar_one_or_none()
    if newest is not None:
        cutoff = newest + timedelta(days=1)
    query = (
        select(
            *_PAYMENT_COLUMNS, Customer.collector, Allocation.invoice_id,
            Allocation.amount_minor.label("paid_minor"), ScheduleLine.due_date,
            ScheduleLine.open_minor, Invoice.number.label("invoice_number"), Invoice.disputed,
        )
        .join(Allocation, and_(Allocation.payment_id == Payment.id, LIVE))
        .join(ScheduleLine, ScheduleLine.id == Allocation.schedule_line_id)
        .join(Invoice, Invoice.id == Allocation.invoice_id)
        .join(Customer, Customer.id == Payment.customer_id)
        .where(Payment.status == "posted", Payment.payment_date >= cutoff)
        .where(
            or_(
                ScheduleLine.due_date < Payment.payment_date,
                Invoice.disputed.is_(True),
                ScheduleLine.open_minor > pol.tolerance.minor,
            )
        )
        .order_by(Payment.id, Allocation.id)
    )  # fmt: skip
    groups: dict[int, list[Any]] = defaultdict(list)
    for r in s.execute(query):
        groups[r.id].append(r)
    out: list[dict[str, Any]] = []
    for rows in groups.values():
        p = rows[0]
        ccy, owner = p.currency, p.collector or ""
        allocs, left = [], {}
        for r in rows:
            number, paid = r.invoice_number, Money(r.paid_minor, ccy)
            allocs.append(rules.AllocFacts(r.invoice_id, number, r.due_date, paid, r.disputed))
            left[r.invoice_id] = (number, left.get(r.invoice_id, (number, 0))[1] + r.open_minor)
        invoices = [rules.InvoiceFacts(k, n, Money(v, ccy)) for k, (n, v) in left.items()]
        for f in rules.detect(_facts(p), allocs, [], pol, invoices=invoices):
            out.append(_row(f, p, owner, p.payment_date))
    return out


def _work(rows: list[dict[str, Any]], as_of: date) -> None:
    """Mostly open; older recent ones resolved with a resolution, a few in progress."""
    for n, row in enumerate(rows):
        choices = _RESOLUTIONS.get(row["kind"])
        if row["status"] != "open" or choices is None:
            continue
        age = (as_of - row["detected_on"]).days
        if age > 30 and n % 3 != 0:
            row["status"] = "resolved"
            row["resolution"] = choices[n % len(choices)]
            row["resolved_on"] = min(as_of, row["detected_on"] + timedelta(days=3 + n % 9))
        elif n % 5 == 0:
            row["status"] = "in_progress"


def seed_exceptions(s: Session, as_of: date) -> int:
    """Insert the demo book's payment exceptions (and notes on those in progress).

    Args:
        s: the seeding transaction.
        as_of: the demo book's date.

    Returns:
        How many exceptions were inserted.
    """
    pol = policy(s)
    rows = _money_kinds(s, pol) + _recent(s, pol, as_of)
    rows.sort(key=lambda r: (r["detected_on"], r["payment_id"], r["kind"]))
    _work(rows, as_of)
    if not rows:
        return 0
    s.execute(insert(PaymentException), rows)
    worked = s.execute(
        select(PaymentException.id, PaymentException.owner, PaymentException.detected_on)
        .where(PaymentException.status != "open")
        .order_by(PaymentException.id)
    ).all()
    notes = [
        {
            "exception_id": eid,
            "at": _stamp(min(as_of, detected + timedelta(days=1 + eid % 3))),
            "author": owner or "demo",
            "text": _NOTES[eid % len(_NOTES)],
        }
        for eid, owner, detected in worked
    ]
    if notes:
        s.execute(insert(ExceptionNote), notes)
    return len(rows)
