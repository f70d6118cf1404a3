"""The facts ``domain.exceptions.detect`` needs about one receipt, read in the caller's session.

Split out of ``services.exceptions_queue``: allocations with their due dates, the invoices the
receipt paid or named with what is left on them, the customer's open balance, and the other
receipts of the same customer and amount around its date. ``orphaned_duplicates`` finds the
receipts that were suspected duplicates only because of one that is now reversed.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from desktop_ar.db.models import Allocation, CompanySettings, Invoice, Payment, ScheduleLine
from desktop_ar.domain import allocation as alloc
from desktop_ar.domain import exceptions as rules
from desktop_ar.domain.money import Money
from desktop_ar.services.ledger import LIVE, get_row

__all__ = ["findings", "orphaned_duplicates", "policy"]


def policy(session: Session) -> rules.Policy:
    """The company's exception policy: write-off tolerance, late days, duplicate window."""
    row = get_row(session, CompanySettings, 1, "Company settings")
    return rules.Policy(
        tolerance=Money(row.writeoff_tolerance_minor, row.base_currency),
        late_payment_days=row.late_payment_days,
        duplicate_window_days=row.duplicate_window_days,
    )


def _payment_facts(p: Payment, customer_open: Money | None) -> rules.PaymentFacts:
    return rules.PaymentFacts(
        key=p.id,
        number=p.number,
        customer_key=p.customer_id,
        payment_date=p.payment_date,
        amount=Money(p.amount_minor, p.currency),
        unallocated=Money(p.unallocated_minor, p.currency),
        reference=p.reference,
        payer=p.payer_name,
        customer_open=customer_open,
        exchange_rate=p.exchange_rate,
    )


def _allocations(s: Session, p: Payment) -> tuple[list[rules.AllocFacts], set[int]]:
    query = (
        select(Allocation, ScheduleLine.due_date, Invoice.number, Invoice.disputed)
        .join(ScheduleLine, ScheduleLine.id == Allocation.schedule_line_id)
        .join(Invoice, Invoice.id == Allocation.invoice_id)
        .where(Allocation.payment_id == p.id, LIVE)
        .order_by(Allocation.id)
    )
    facts, lines = [], set()
    for a, due, number, disputed in s.execute(query):
        amount = Money(a.amount_minor, a.currency)
        facts.append(rules.AllocFacts(a.invoice_id, number, due, amount, bool(disputed)))
        lines.add(a.schedule_line_id)
    return facts, lines


def _invoices(
    s: Session, p: Payment, paid: list[rules.AllocFacts], lines: set[int]
) -> list[rules.InvoiceFacts]:
    """The invoices the payment paid or named, with what is left on their due or paid lines."""
    assert p.customer_id is not None
    numbers = {a.invoice_key: a.invoice_number for a in paid}
    if p.reference.strip():
        open_rows = s.execute(
            select(Invoice.id, Invoice.number).where(
                Invoice.customer_id == p.customer_id,
                Invoice.currency == p.currency,
                Invoice.open_minor > 0,
                Invoice.status != "void",
            )
        ).all()
        named = set(alloc.find_invoice_numbers(p.reference, (n for _i, n in open_rows)))
        numbers.update({i: n for i, n in open_rows if n in named})
    if not numbers:
        return []
    due_or_paid = or_(ScheduleLine.due_date <= p.payment_date, ScheduleLine.id.in_(lines))
    left = dict(
        s.execute(
            select(ScheduleLine.invoice_id, func.sum(ScheduleLine.open_minor))
            .join(Invoice, Invoice.id == ScheduleLine.invoice_id)
            .where(ScheduleLine.invoice_id.in_(numbers), due_or_paid, Invoice.status != "void")
            .group_by(ScheduleLine.invoice_id)
        ).all()
    )
    return [
        rules.InvoiceFacts(key, number, Money(int(left.get(key) or 0), p.currency))
        for key, number in numbers.items()
    ]


def _recent_same(s: Session, p: Payment, window: int) -> list[rules.PaymentFacts]:
    lo, hi = p.payment_date.toordinal() - window, p.payment_date.toordinal() + window
    query = select(Payment).where(
        Payment.customer_id == p.customer_id,
        Payment.currency == p.currency,
        Payment.amount_minor == p.amount_minor,
        Payment.status == "posted",
        Payment.id != p.id,
        Payment.payment_date.between(date.fromordinal(lo), date.fromordinal(hi)),
    )
    return [_payment_facts(o, None) for o in s.execute(query.order_by(Payment.id)).scalars()]


def findings(s: Session, p: Payment, pol: rules.Policy) -> list[rules.Finding]:
    """What is wrong with one posted receipt as it stands in the session."""
    if p.customer_id is None:
        return rules.detect(_payment_facts(p, None), [], [], pol)
    paid, lines = _allocations(s, p)
    open_total = s.execute(
        select(func.coalesce(func.sum(Invoice.open_minor), 0)).where(
            Invoice.customer_id == p.customer_id,
            Invoice.currency == p.currency,
            Invoice.open_minor > 0,
            Invoice.status != "void",
        )
    ).scalar_one()
    facts = _payment_facts(p, Money(int(open_total), p.currency))
    recent = _recent_same(s, p, pol.duplicate_window_days)
    return rules.detect(facts, paid, recent, pol, invoices=_invoices(s, p, paid, lines))


def orphaned_duplicates(s: Session, p: Payment, pol: rules.Policy) -> list[int]:
    """Posted receipts that look like duplicates of ``p`` and of no other posted receipt.

    Called once ``p`` is reversed (and flushed): their suspected-duplicate exceptions lost
    their reason. A receipt that still pairs with a third one keeps its exception.

    Args:
        s: the caller's session.
        p: the reversed receipt.
        pol: the exception policy (duplicate window).

    Returns:
        The ids of those receipts.
    """
    if p.customer_id is None:
        return []
    gone = _payment_facts(p, None)
    window = pol.duplicate_window_days
    out = []
    for other in _recent_same(s, p, window):
        if rules.is_duplicate(other, gone, pol) is None:
            continue
        row = get_row(s, Payment, other.key, "Payment")
        if not any(rules.is_duplicate(other, x, pol) for x in _recent_same(s, row, window)):
            out.append(other.key)
    return out
