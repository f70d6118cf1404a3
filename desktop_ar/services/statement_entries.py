"""The documents of a customer as statement entries (see ``services/statements.py``).

One query per kind of document, each turned into :class:`~desktop_ar.domain.statement.Entry`
values with an English description (the exports' language). The rules of what counts and when
are told in ``services/statements.py``.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from desktop_ar.db.models import Allocation, CreditNote, Invoice, Payment, Refund, WriteOff
from desktop_ar.domain.money import Money
from desktop_ar.domain.statement import Entry

__all__ = ["customer_entries"]

_WRITE_OFF_TITLES = {
    "small_difference": "small difference",
    "discount": "early-payment discount",
    "bad_debt": "bad debt",
}


def _join(*parts: str) -> str:
    return ", ".join(p for p in parts if p)


def _invoice_entries(s: Session, cid: int, date_to: date) -> list[Entry]:
    rows = s.execute(
        select(
            Invoice.id,
            Invoice.number,
            Invoice.issue_date,
            Invoice.due_date,
            Invoice.currency,
            Invoice.amount_minor,
            Invoice.opening_balance,
            Invoice.fapiao_number,
        ).where(Invoice.customer_id == cid, Invoice.status != "void", Invoice.issue_date <= date_to)
    )
    out = []
    for iid, number, issued, due, ccy, amount, carried, fapiao in rows:
        text = _join(
            "Invoice (opening balance)" if carried else "Invoice",
            f"due {due.isoformat()}",
            f"fapiao {fapiao}" if fapiao else "",
        )
        out.append(Entry.debit_of(issued, "invoice", number, text, Money(amount, ccy), ref=iid))
    return out


def _credit_note_entries(s: Session, cid: int, date_to: date) -> list[Entry]:
    rows = s.execute(
        select(
            CreditNote.id,
            CreditNote.number,
            CreditNote.issue_date,
            CreditNote.currency,
            CreditNote.amount_minor,
            CreditNote.reason,
            Invoice.number,
        )
        .outerjoin(Invoice, Invoice.id == CreditNote.invoice_id)
        .where(
            CreditNote.customer_id == cid,
            CreditNote.status != "void",
            CreditNote.issue_date <= date_to,
        )
    )
    out = []
    for nid, number, issued, ccy, amount, reason, invoice in rows:
        text = _join("Credit note", f"for {invoice}" if invoice else "", reason)
        out.append(
            Entry.credit_of(issued, "credit_note", number, text, Money(amount, ccy), ref=nid)
        )
    return out


def _payment_entries(s: Session, cid: int, date_to: date) -> list[Entry]:
    rows = s.execute(
        select(
            Payment.id,
            Payment.number,
            Payment.payment_date,
            Payment.currency,
            Payment.amount_minor,
            Payment.method,
            Payment.reference,
            Payment.reversed_on,
        ).where(Payment.customer_id == cid, Payment.payment_date <= date_to)
    )
    out = []
    for pid, number, paid, ccy, amount, method, ref, reversed_on in rows:
        money = Money(amount, ccy)
        text = _join("Payment", method.replace("_", " "), f"ref {ref}" if ref else "")
        out.append(Entry.credit_of(paid, "payment", number, text, money, ref=pid))
        if reversed_on is not None and reversed_on <= date_to:
            text = f"Reversal of payment {number}"
            out.append(
                Entry.debit_of(reversed_on, "payment_reversal", number, text, money, ref=pid)
            )
    return out


def _refund_entries(s: Session, cid: int, date_to: date) -> list[Entry]:
    note = aliased(CreditNote)
    rows = s.execute(
        select(
            Refund.id,
            Refund.refund_date,
            Refund.currency,
            Refund.amount_minor,
            Refund.method,
            Refund.reference,
            Payment.number,
            note.number,
        )
        .outerjoin(Payment, Payment.id == Refund.payment_id)
        .outerjoin(note, note.id == Refund.credit_note_id)
        .where(Refund.customer_id == cid, Refund.refund_date <= date_to)
    )
    out = []
    for rid, on, ccy, amount, method, ref, payment, credit_note in rows:
        source = f"of payment {payment}" if payment else f"of credit note {credit_note}"
        text = _join(f"Refund {source}", method.replace("_", " "), f"ref {ref}" if ref else "")
        number = ref or payment or credit_note or ""
        out.append(Entry.debit_of(on, "refund", number, text, Money(amount, ccy), ref=rid))
    return out


def _write_off_entries(s: Session, cid: int, date_to: date) -> list[Entry]:
    """Write-offs, from their allocations.

    A credit when a write-off closed the invoice, a debit when it was undone (with a reversed
    payment). Write-offs on void invoices are left out, as the aging leaves them out.
    """
    rows = s.execute(
        select(
            WriteOff.id,
            WriteOff.kind,
            WriteOff.reason,
            Invoice.number,
            Allocation.currency,
            Allocation.amount_minor,
            Allocation.allocation_date,
            Allocation.reversed_on,
        )
        .join(WriteOff, WriteOff.id == Allocation.write_off_id)
        .join(Invoice, Invoice.id == Allocation.invoice_id)
        .where(
            WriteOff.customer_id == cid,
            Invoice.status != "void",
            Allocation.allocation_date <= date_to,
        )
    )
    about: dict[int, tuple[str, str, str]] = {}  # write-off id → invoice, currency, text
    made: dict[tuple[int, date], int] = defaultdict(int)
    undone: dict[tuple[int, date], int] = defaultdict(int)
    for wid, kind, reason, invoice, ccy, amount, on, reversed_on in rows:
        text = _join(f"Write-off, {_WRITE_OFF_TITLES.get(kind, kind)}", reason)
        about[wid] = (invoice, ccy, text)
        made[wid, on] += amount
        if reversed_on is not None and reversed_on <= date_to:
            undone[wid, reversed_on] += amount
    out = []
    for (wid, on), amount in made.items():
        invoice, ccy, text = about[wid]
        out.append(Entry.credit_of(on, "write_off", invoice, text, Money(amount, ccy), ref=wid))
    for (wid, on), amount in undone.items():
        invoice, ccy, _text = about[wid]
        text = f"Reversal of write-off on {invoice}"
        money = Money(amount, ccy)
        out.append(Entry.debit_of(on, "write_off_reversal", invoice, text, money, ref=wid))
    return out


def customer_entries(s: Session, cid: int, date_to: date) -> dict[str, list[Entry]]:
    """Every entry of one customer dated up to ``date_to``, by currency (any order).

    Args:
        s: an open session (a read transaction).
        cid: the customer's id.
        date_to: the last day; later documents, reversals and refunds are left out.

    Returns:
        Currency → the entries in it; :func:`desktop_ar.domain.statement.split_period` and
        :func:`~desktop_ar.domain.statement.build_ledger` make the statement of them.
    """
    by_currency: dict[str, list[Entry]] = defaultdict(list)
    for fetch in (
        _invoice_entries,
        _credit_note_entries,
        _payment_entries,
        _refund_entries,
        _write_off_entries,
    ):
        for entry in fetch(s, cid, date_to):
            by_currency[entry.currency].append(entry)
    return by_currency
