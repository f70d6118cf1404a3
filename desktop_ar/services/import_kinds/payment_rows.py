"""Posting imported receipts in bulk: ``insert_payment``'s allocation, exceptions and audit.

``insert_payment`` posts one receipt in about 15 ms: it numbers it, reads the customer's open
items, allocates (oldest first, or to the invoices named), updates every balance through the
ORM, looks for exceptions (duplicates, late and short payments, overpayment…) and writes an
audit row. :func:`post_payments` does the same receipt after receipt against an in-memory copy
of the customers' open items (:class:`~.payment_ledger.OpenLedger`), with the same domain
functions (``oldest_first``, ``by_reference``, ``exceptions.detect``), and writes 1,000
receipts at a time with a few executemany statements of tuples; the balances of the lines and
invoices paid are written once, at the end. The rows are those ``insert_payment`` writes, ids
included; tests post the same sheets (fixed and random books) both ways and compare every table.

Only on SQLite: the ids are taken after the tables' largest ids while the import holds the
write lock. Other databases post row by row through ``insert_payment``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from desktop_ar.db.models import (
    Allocation,
    AuditEntry,
    Invoice,
    NumberSequence,
    Payment,
    PaymentException,
    ScheduleLine,
)
from desktop_ar.domain import allocation as alloc
from desktop_ar.domain import exceptions as rules
from desktop_ar.domain.errors import NotFound, UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.exception_facts import policy
from desktop_ar.services.import_kinds.base import chunks
from desktop_ar.services.import_kinds.bulk_rows import RowWriter, audit_json
from desktop_ar.services.import_kinds.payment_ledger import (
    CustomerBook,
    OpenLedger,
    find_one_number,
    receipt_facts,
)
from desktop_ar.services.ledger import invalid, invoice_status, plan_json, user_errors
from desktop_ar.services.payments import _PAYMENT_AUDIT, MODES
from desktop_ar.services.progress import Progress

if TYPE_CHECKING:
    from desktop_ar.services.import_kinds.payments import PaymentPlan

__all__ = ["ROWS_PER_WRITE", "post_payments"]

ROWS_PER_WRITE = 1_000
"""Receipts posted and written together; progress is reported and cancel checked between."""


def _over(amount: int, available: int, currency: str) -> UserFacingError:
    return UserFacingError(
        "over_allocation",
        amount=str(Money(amount, currency)),
        available=str(Money(available, currency)),
    )


class _Poster:
    """Posts receipts one after the other against the ledger; collects the rows to write."""

    def __init__(self, s: Session, ctx: ServiceContext, ledger: OpenLedger) -> None:
        self.s, self.ctx, self.ledger = s, ctx, ledger
        self.policy = policy(s)
        seq = s.execute(
            select(NumberSequence.prefix, NumberSequence.width, NumberSequence.next_value).where(
                NumberSequence.name == "payment"
            )
        ).first()
        if seq is None:
            raise NotFound("Number sequence", "payment")
        self.prefix, self.width, self.first_number = seq
        self.numbers = 0
        self.next_id = {model: self._last_id(model) + 1 for model in _ID_MODELS}
        self.payments: list[dict[str, Any]] = []
        # The other tables' rows as tuples of the values of their ``_KEYS`` (no dict per row).
        self.rows: dict[type[Any], list[tuple[Any, ...]]] = {m: [] for m in _TUPLES}
        self.writers = {m: RowWriter(s, m.__table__) for m in _WRITTEN}
        self.line_writer = RowWriter(s, ScheduleLine.__table__)  # type: ignore[arg-type]
        self.invoice_writer = RowWriter(s, Invoice.__table__)  # type: ignore[arg-type]

    def _last_id(self, model: type[Any]) -> int:
        return int(self.s.execute(select(func.max(model.id))).scalar_one() or 0)

    def _new_id(self, model: type[Any]) -> int:
        new = self.next_id[model]
        self.next_id[model] = new + 1
        return new

    def post(self, plan: PaymentPlan) -> int:
        """Post one receipt as ``insert_payment`` would; its id."""
        data, ledger = plan.data, self.ledger
        cid = data.customer_id
        if cid is None or cid not in ledger.collectors:
            raise NotFound("Customer", cid)  # type: ignore[arg-type]
        number = f"{self.prefix}{self.first_number + self.numbers:0{self.width}d}"
        self.numbers += 1
        pid = self._new_id(Payment)
        now, ccy = self.ctx.clock.now(), data.amount.currency
        reference = data.reference.strip()
        book = ledger.book(cid, ccy)
        allocation_plan = self._plan(plan, book, reference)
        left, paid, paid_lines = self._apply(allocation_plan, book, pid, data.payment_date, now)
        row = {
            "id": pid, "number": number, "customer_id": cid, "payment_date": data.payment_date,
            "currency": ccy, "exchange_rate": data.exchange_rate,
            "amount_minor": data.amount.minor, "unallocated_minor": left, "method": data.method,
            "reference": reference, "payer_name": data.payer_name.strip(),
            "bank_account": data.bank_account.strip(), "status": "posted",
            "idempotency_key": None, "notes": data.notes, "created_at": now,
            # The ORM bumps the version when the allocation lowers what is unallocated.
            "version_id": 2 if left != data.amount.minor else 1,
        }  # fmt: skip
        self.payments.append(row)
        me = receipt_facts(
            pid, number, cid, data.payment_date, data.amount, left, reference,
            row["payer_name"], data.exchange_rate, Money(book.open_total, ccy),
        )  # fmt: skip
        exceptions = self._exceptions(me, book, paid, paid_lines)
        after = {name: row.get(name) for name in _PAYMENT_AUDIT}  # reversed_on: None
        after["payment_date"] = data.payment_date.isoformat()
        after["exchange_rate"] = str(data.exchange_rate)
        after["allocations"] = plan_json(allocation_plan)
        after["exceptions"] = exceptions
        self.rows[AuditEntry].append(
            (now, self.ctx.user, "record_payment", "payment", str(pid), "", audit_json(after))
        )
        ledger.add_receipt(
            receipt_facts(pid, number, cid, data.payment_date, data.amount, left, reference,
                          row["payer_name"], data.exchange_rate)
        )  # fmt: skip
        return pid

    def _plan(self, plan: PaymentPlan, book: CustomerBook, reference: str) -> alloc.AllocationPlan:
        """``payments._plan`` over the ledger's open items."""
        amount = plan.data.amount
        if plan.mode not in MODES:
            raise invalid("allocation", f"use one of {', '.join(MODES)}")
        if plan.mode == "none" or amount.minor == 0:
            return alloc.AllocationPlan((), amount)
        if plan.mode == "manual":
            raise invalid("allocation", "imports never allocate by hand")
        with user_errors():
            if plan.mode == "oldest":
                return alloc.oldest_first(book.oldest_items(amount.minor), amount)
            text = reference if plan.invoice_numbers is None else plan.invoice_numbers
            named = book.named(text)
            found = find_one_number(text, [inv.number for inv in named])
            if found is None:
                return alloc.by_reference(book.items_of(named), amount, text)
            # by_reference fills the lines of the one invoice named, oldest due first.
            chosen = [inv for inv in named if inv.number in found]
            return alloc.oldest_first(book.items_of(chosen), amount)

    def _apply(
        self, plan: alloc.AllocationPlan, book: CustomerBook, pid: int, on: Any, now: Any
    ) -> tuple[int, list[rules.AllocFacts], set[int]]:
        """``ledger.apply_plan`` on the ledger.

        Returns what is left unallocated, what was paid and the schedule lines paid.
        """
        amount = plan.unallocated + plan.allocated
        ccy, left = amount.currency, amount.minor
        total = plan.allocated.minor
        if total > left:
            raise _over(total, left, ccy)
        paid: list[rules.AllocFacts] = []
        paid_lines: set[int] = set()
        touched: dict[int, Any] = {}
        for a in plan.allocations:
            value = a.amount.minor
            if a.amount.currency != ccy:
                raise UserFacingError("currency_mismatch", left=ccy, right=a.amount.currency)
            if value <= 0:
                raise UserFacingError(
                    "invalid", field="allocation", reason="must be more than zero"
                )
            line = self.ledger.lines.get(a.key)
            if line is None:
                raise NotFound("Schedule line", a.key)
            inv = line.invoice
            if inv.currency != ccy:
                raise UserFacingError("currency_mismatch", left=ccy, right=inv.currency)
            if inv.status == "void" or value > line.open_minor:
                raise _over(value, 0 if inv.status == "void" else line.open_minor, ccy)
            line.open_minor -= value
            inv.open_minor -= value
            inv.status = invoice_status(inv)  # type: ignore[arg-type]
            book.open_total -= value
            self.ledger.dirty_lines[line.id] = line
            touched[inv.id] = inv
            self.rows[Allocation].append(
                (self._new_id(Allocation), pid, line.id, inv.id, ccy, value, on, now)
            )
            paid.append(rules.AllocFacts(inv.id, inv.number, line.due_date, a.amount, inv.disputed))
            paid_lines.add(line.id)
        for inv in touched.values():
            inv.touched += 1
            self.ledger.dirty_invoices[inv.id] = inv
        return left - total, paid, paid_lines

    def _exceptions(
        self,
        me: rules.PaymentFacts,
        book: CustomerBook,
        paid: list[rules.AllocFacts],
        paid_lines: set[int],
    ) -> list[int]:
        """``detect_for_payment``: the exception rows of a new receipt; their ids."""
        recent = self.ledger.recent_same(me)
        invoices = self._invoice_facts(me, book, paid, paid_lines)
        found = rules.detect(me, paid, recent, self.policy, invoices=invoices)
        created: list[int] = []
        seen: set[tuple[str, int | None]] = set()
        for f in found:
            if (f.kind, f.invoice_key) in seen:
                continue
            seen.add((f.kind, f.invoice_key))
            eid = self._new_id(PaymentException)
            self.rows[PaymentException].append(
                (
                    eid, f.kind, me.key, f.invoice_key, me.customer_key, self.ctx.clock.today(),
                    f.cause, f.amount.currency, f.amount.minor,
                    self.ledger.collectors[me.customer_key],  # type: ignore[index]
                    "open", self.ctx.clock.now(),
                )
            )  # fmt: skip
            created.append(eid)
        return created

    def _invoice_facts(
        self,
        me: rules.PaymentFacts,
        book: CustomerBook,
        paid: list[rules.AllocFacts],
        paid_lines: set[int],
    ) -> list[rules.InvoiceFacts]:
        """``exception_facts._invoices``: the invoices paid or named, with what is left.

        What is left counts the lines due by the payment date and the lines the receipt paid.
        """
        numbers = {a.invoice_key: a.invoice_number for a in paid}
        if me.reference.strip():
            candidates = book.named(me.reference, open_invoices=True)
            known = [i.number for i in candidates]
            found = find_one_number(me.reference, known)
            named = set(alloc.find_invoice_numbers(me.reference, known) if found is None else found)
            numbers.update({i.id: i.number for i in candidates if i.number in named})
        if not numbers:
            return []
        out = []
        for key, number in numbers.items():
            inv = book.invoices.get(key)
            left = 0
            if inv is not None and inv.status != "void":
                left = sum(
                    ln.open_minor
                    for ln in inv.lines
                    if ln.due_date <= me.payment_date or ln.id in paid_lines
                )
            out.append(rules.InvoiceFacts(key, number, Money(left, me.amount.currency)))
        return out

    def write(self) -> None:
        """Write the rows posted since the last write (the balances are written by ``finish``).

        The balances change only in the ledger meanwhile: nothing reads them back from the
        database (a customer's open items are read before any of its receipts is posted), and
        a line or invoice paid by receipts of many chunks is updated once instead of per chunk.
        """
        if self.payments:  # every row has the keys of ``post``'s literal, in its order
            keys = tuple(self.payments[0])
            rows = [tuple(row.values()) for row in self.payments]
            self.writers[Payment].insert_tuples(keys, rows)
            self.payments = []
        for model, keys in _TUPLES.items():
            self.writers[model].insert_tuples(keys, self.rows[model])
            self.rows[model] = []

    def finish(self) -> None:
        """Write the changed balances and take the numbers used from the payment sequence."""
        ledger = self.ledger
        # A thousand at a time: the rows of one statement are all in memory at once.
        for lines in chunks(ledger.dirty_lines.values(), ROWS_PER_WRITE):
            self.line_writer.update([{"id": ln.id, "open_minor": ln.open_minor} for ln in lines])
        for invoices in chunks(ledger.dirty_invoices.values(), ROWS_PER_WRITE):
            rows = [
                {
                    "id": i.id,
                    "open_minor": i.open_minor,
                    "status": i.status,
                    "version_id": i.touched,
                }
                for i in invoices
            ]
            self.invoice_writer.update(rows, add=("version_id",))
            for inv in invoices:
                inv.touched = 0
        ledger.dirty_lines.clear()
        ledger.dirty_invoices.clear()
        self.s.execute(
            update(NumberSequence)
            .where(NumberSequence.name == "payment")
            .values(next_value=NumberSequence.next_value + self.numbers)
        )


_ID_MODELS: tuple[type[Any], ...] = (Payment, Allocation, PaymentException)
_WRITTEN: tuple[type[Any], ...] = (Payment, Allocation, PaymentException, AuditEntry)
"""Tables in the order their rows are written (foreign keys first)."""
_TUPLES: dict[type[Any], tuple[str, ...]] = {
    Allocation: (
        "id", "payment_id", "schedule_line_id", "invoice_id", "currency", "amount_minor",
        "allocation_date", "created_at",
    ),
    PaymentException: (
        "id", "kind", "payment_id", "invoice_id", "customer_id", "detected_on", "cause",
        "currency", "amount_minor", "owner", "status", "created_at",
    ),
    AuditEntry: ("at", "actor", "action", "entity", "entity_id", "before", "after"),
}  # fmt: skip
"""The columns of the rows kept as tuples, after the payments, in ``_WRITTEN`` order."""


def post_payments(
    session: Session,
    ctx: ServiceContext,
    items: Iterable[tuple[int, PaymentPlan]],
    progress: Progress,
    total: int,
) -> list[int]:
    """Post imported receipts as ``insert_payment`` would, writing 1,000 at a time (SQLite).

    Args:
        session: the import's write transaction (SQLite).
        ctx: the service context (user, clock).
        items: ``(Excel row number, plan)`` of every receipt, in sheet order.
        progress: reported after every 1,000 receipts, checked for cancel before each.
        total: the number of items (for progress).

    Returns:
        The new payment ids, in the order of ``items``.

    Raises:
        UserFacingError, NotFound: what ``insert_payment`` raises for the first receipt that
            fails; nothing is written then.
        Cancelled: the user cancelled.
    """
    plans = list(items)
    if not plans:
        return []
    data = [plan.data for _, plan in plans]
    keys = {(d.customer_id or 0, d.amount.currency, d.amount.minor) for d in data}
    days = (min(d.payment_date for d in data), max(d.payment_date for d in data))
    ledger = OpenLedger(session, keys, days, policy(session).duplicate_window_days)
    poster = _Poster(session, ctx, ledger)
    ids: list[int] = []
    for chunk in chunks(plans, ROWS_PER_WRITE):
        progress.check()
        ledger.load(plan.data.customer_id for _, plan in chunk if plan.data.customer_id)
        ids.extend(poster.post(plan) for _, plan in chunk)
        poster.write()
        progress.report(len(ids), total, f"row {chunk[-1][0]}")
    poster.finish()
    return ids
