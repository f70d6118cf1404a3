"""The documents of customers as statement entries (see ``services/statements.py``).

One query per kind of document for a whole list of customers (a few hundred ids per ``IN``
list), each row turned into a :class:`~desktop_ar.domain.statement.Entry` with an English
description (the exports' language). The rules of what counts and when are told in
``services/statements.py``. :func:`customer_entries` is one customer's share;
:func:`entries_many` serves batch printing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from desktop_ar.db.models import Allocation, CreditNote, Invoice, Payment, Refund, WriteOff
from desktop_ar.domain.money import Money
from desktop_ar.domain.statement import Entry

__all__ = ["customer_entries", "entries_many"]

_WRITE_OFF_TITLES = {
    "small_difference": "small difference",
    "discount": "early-payment discount",
    "bad_debt": "bad debt",
}


def _join(*parts: str) -> str:
    return ", ".join(p for p in parts if p)


Entries = dict[str, list[Entry]]  # currency → entries
_CHUNK = 500  # ids per IN (...) list
_NOTE = aliased(CreditNote)


def _invoices(s: Session, ids: list[int], date_to: date) -> Iterable[tuple[int, Entry]]:
    rows = s.execute(
        select(
            Invoice.customer_id,
            Invoice.id,
            Invoice.number,
            Invoice.issue_date,
            Invoice.due_date,
            Invoice.currency,
            Invoice.amount_minor,
            Invoice.opening_balance,
            Invoice.fapiao_number,
        ).where(
            Invoice.customer_id.in_(ids), Invoice.status != "void", Invoice.issue_date <= date_to
        )
    )
    for cid, iid, number, issued, due, ccy, amount, carried, fapiao in rows:
        text = _join(
            "Invoice (opening balance)" if carried else "Invoice",
            f"due {due.isoformat()}",
            f"fapiao {fapiao}" if fapiao else "",
        )
        money = Money(amount, ccy)
        yield cid, Entry.debit_of(issued, "invoice", number, text, money, ref=iid)


def _credit_notes(s: Session, ids: list[int], date_to: date) -> Iterable[tuple[int, Entry]]:
    rows = s.execute(
        select(
            CreditNote.customer_id,
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
            CreditNote.customer_id.in_(ids),
            CreditNote.status != "void",
            CreditNote.issue_date <= date_to,
        )
    )
    for cid, nid, number, issued, ccy, amount, reason, invoice in rows:
        text = _join("Credit note", f"for {invoice}" if invoice else "", reason)
        money = Money(amount, ccy)
        yield cid, Entry.credit_of(issued, "credit_note", number, text, money, ref=nid)


def _payments(s: Session, ids: list[int], date_to: date) -> Iterable[tuple[int, Entry]]:
    rows = s.execute(
        select(
            Payment.customer_id,
            Payment.id,
            Payment.number,
            Payment.payment_date,
            Payment.currency,
            Payment.amount_minor,
            Payment.method,
            Payment.reference,
            Payment.reversed_on,
        ).where(Payment.customer_id.in_(ids), Payment.payment_date <= date_to)
    )
    for cid, pid, number, paid, ccy, amount, method, ref, reversed_on in rows:
        money = Money(amount, ccy)
        text = _join("Payment", method.replace("_", " "), f"ref {ref}" if ref else "")
        yield cid, Entry.credit_of(paid, "payment", number, text, money, ref=pid)
        if reversed_on is not None and reversed_on <= date_to:
            text = f"Reversal of payment {number}"
            yield (
                cid,
                Entry.debit_of(reversed_on, "payment_reversal", number, text, money, ref=pid),
            )


def _refunds(s: Session, ids: list[int], date_to: date) -> Iterable[tuple[int, Entry]]:
    rows = s.execute(
        select(
            Refund.customer_id,
            Refund.id,
            Refund.refund_date,
            Refund.currency,
            Refund.amount_minor,
            Refund.method,
            Refund.reference,
            Payment.number,
            _NOTE.number,
        )
        .outerjoin(Payment, Payment.id == Refund.payment_id)
        .outerjoin(_NOTE, _NOTE.id == Refund.credit_note_id)
        .where(Refund.customer_id.in_(ids), Refund.refund_date <= date_to)
    )
    for cid, rid, on, ccy, amount, method, ref, payment, credit_note in rows:
        source = f"of payment {payment}" if payment else f"of credit note {credit_note}"
        text = _join(f"Refund {source}", method.replace("_", " "), f"ref {ref}" if ref else "")
        number = ref or payment or credit_note or ""
        yield cid, Entry.debit_of(on, "refund", number, text, Money(amount, ccy), ref=rid)


def _write_offs(s: Session, ids: list[int], date_to: date) -> Iterable[tuple[int, Entry]]:
    rows = s.execute(
        select(
            WriteOff.customer_id,
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
            WriteOff.customer_id.in_(ids),
            Invoice.status != "void",
            Allocation.allocation_date <= date_to,
        )
    )
    about: dict[int, tuple[int, str, str, str]] = {}  # write-off → customer, invoice, ccy, text
    made: dict[tuple[int, date], int] = defaultdict(int)
    undone: dict[tuple[int, date], int] = defaultdict(int)
    for cid, wid, kind, reason, invoice, ccy, amount, on, reversed_on in rows:
        text = _join(f"Write-off, {_WRITE_OFF_TITLES.get(kind, kind)}", reason)
        about[wid] = (cid, invoice, ccy, text)
        made[wid, on] += amount
        if reversed_on is not None and reversed_on <= date_to:
            undone[wid, reversed_on] += amount
    for (wid, on), amount in made.items():
        cid, invoice, ccy, text = about[wid]
        money = Money(amount, ccy)
        yield cid, Entry.credit_of(on, "write_off", invoice, text, money, ref=wid)
    for (wid, on), amount in undone.items():
        cid, invoice, ccy, _text = about[wid]
        text = f"Reversal of write-off on {invoice}"
        money = Money(amount, ccy)
        yield cid, Entry.debit_of(on, "write_off_reversal", invoice, text, money, ref=wid)


def entries_many(s: Session, customer_ids: Sequence[int], date_to: date) -> dict[int, Entries]:
    """Every entry of each customer dated up to ``date_to``: customer → currency → entries.

    Args:
        s: an open session (a read transaction).
        customer_ids: the customers (a customer without entries gets an empty mapping).
        date_to: the last day; later documents, reversals and refunds are left out.
    """
    out: dict[int, Entries] = {cid: defaultdict(list) for cid in customer_ids}
    fetchers: tuple[Any, ...] = (_invoices, _credit_notes, _payments, _refunds, _write_offs)
    unique = list(dict.fromkeys(customer_ids))
    for i in range(0, len(unique), _CHUNK):
        ids = unique[i : i + _CHUNK]
        for fetch in fetchers:
            for cid, entry in fetch(s, ids, date_to):
                out[cid][entry.currency].append(entry)
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
    return dict(entries_many(s, [cid], date_to)[cid])
