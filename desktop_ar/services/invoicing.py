"""Invoices (with their payment schedules), voiding, credit notes, fapiao and disputes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_ar.db.models import CreditNote, Customer, Invoice, Order, ScheduleLine
from desktop_ar.db.models.invoices import InvoiceLine
from desktop_ar.db.models.orders import OrderInstalment, OrderLine
from desktop_ar.domain import orders as orders_calc
from desktop_ar.domain import terms as domain_terms
from desktop_ar.domain.allocation import oldest_first
from desktop_ar.domain.errors import UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.services import audit
from desktop_ar.services.changes import Changes
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.ledger import (
    apply_plan,
    get_row,
    live_allocations,
    load_open_items,
    user_errors,
)
from desktop_ar.services.order_views import (  # noqa: F401 - re-exported work lists
    FapiaoPending,
    UninvoicedDelivery,
    invoices_without_fapiao,
    uninvoiced_deliveries,
)
from desktop_ar.services.permissions import require
from desktop_ar.services.settings import next_number
from desktop_ar.services.uow import uow

_INVOICE_AUDIT = (
    "number",
    "customer_id",
    "order_id",
    "issue_date",
    "due_date",
    "currency",
    "exchange_rate",
    "payment_terms",
    "net_minor",
    "tax_minor",
    "amount_minor",
    "open_minor",
    "status",
)


@dataclass(frozen=True, slots=True)
class InvoiceInput:
    """A new invoice.

    ``currency`` defaults to the currency of ``net``; ``payment_terms`` to the customer's terms;
    ``number`` to the next number of the "invoice" sequence. ``schedule`` gives hand-entered
    instalments ``(due date, amount)`` adding up to net + tax instead of the terms' schedule.
    """

    customer_id: int
    issue_date: date
    net: Money
    tax: Money | None = None
    currency: str | None = None
    exchange_rate: Decimal = Decimal(1)
    payment_terms: str | None = None
    order_id: int | None = None
    number: str | None = None
    schedule: Sequence[tuple[date, Money]] | None = None
    notes: str = ""
    opening_balance: bool = False


def _invalid(field: str, reason: str) -> UserFacingError:
    return UserFacingError("invalid", field=field, reason=reason)


def _check_rate(rate: Decimal) -> Decimal:
    if isinstance(rate, float) or not isinstance(rate, Decimal):
        raise TypeError("exchange_rate must be a Decimal")
    if not rate.is_finite() or rate <= 0:
        raise _invalid("exchange_rate", "must be more than zero")
    return rate


def _schedule(
    data: InvoiceInput, spec: str, amount: Money, tax: Money
) -> list[domain_terms.ScheduleLine]:
    with user_errors():
        if data.schedule:
            lines = domain_terms.custom_instalments(amount, list(data.schedule))
        else:
            lines = domain_terms.build_schedule(
                domain_terms.parse_terms(spec), data.issue_date, amount, tax
            )
    lines = [line for line in lines if line.amount.minor > 0]  # a tiny amount on split terms
    if lines[0].due_date < data.issue_date:
        raise _invalid("schedule", "an instalment is due before the invoice date")
    return lines


def _active_customer(session: Session, customer_id: int) -> Customer:
    customer = get_row(session, Customer, customer_id, "Customer")
    if customer.status != "active":
        raise _invalid("customer", f"{customer.code} is inactive")
    return customer


def _amounts(data: InvoiceInput) -> tuple[str, Money, Money, Decimal]:
    """Currency, tax, total and rate of a new invoice, checked."""
    currency = (data.currency or data.net.currency).upper()
    tax = data.tax if data.tax is not None else Money.zero(currency)
    for field, value in (("net", data.net), ("tax", tax)):
        if value.currency != currency:
            raise _invalid(field, f"enter it in {currency}")
        if value.minor < 0:
            raise _invalid(field, "must not be negative")
    amount = data.net + tax
    if amount.minor <= 0:
        raise _invalid("amount", "the invoice total must be more than zero")
    return currency, tax, amount, _check_rate(data.exchange_rate)


def insert_invoice(s: Session, ctx: ServiceContext, data: InvoiceInput) -> Invoice:
    """Write an invoice, its schedule and its audit row inside the caller's transaction."""
    currency, tax, amount, rate = _amounts(data)
    customer = _active_customer(s, data.customer_id)
    spec = data.payment_terms or customer.payment_terms
    with user_errors():
        spec = domain_terms.parse_terms(spec).spec
    lines = _schedule(data, spec, amount, tax)
    if data.order_id is not None:
        order = get_row(s, Order, data.order_id, "Order")
        if order.customer_id != customer.id:
            raise _invalid("order", f"{order.number} belongs to another customer")
    number = (data.number or "").strip() or next_number(s, "invoice")
    if s.execute(select(Invoice.id).where(Invoice.number == number)).first():
        raise UserFacingError("duplicate", entity="Invoice", key=number)
    invoice = Invoice(
        number=number,
        order_id=data.order_id,
        customer_id=customer.id,
        issue_date=data.issue_date,
        due_date=lines[-1].due_date,
        currency=currency,
        exchange_rate=rate,
        payment_terms=spec,
        net_minor=data.net.minor,
        tax_minor=tax.minor,
        amount_minor=amount.minor,
        open_minor=amount.minor,
        status="open",
        notes=data.notes,
        opening_balance=data.opening_balance,
        created_at=ctx.clock.now(),
    )
    s.add(invoice)
    s.flush()
    for seq, line in enumerate(lines, start=1):
        s.add(
            ScheduleLine(
                invoice_id=invoice.id,
                seq=seq,
                due_date=line.due_date,
                amount_minor=line.amount.minor,
                open_minor=line.amount.minor,
                discount_until=line.discount_until,
                discount_minor=line.discount.minor,
            )
        )
    s.flush()
    after = audit.snapshot(invoice, _INVOICE_AUDIT)
    after["schedule"] = [(ln.due_date, ln.amount.amount_str()) for ln in lines]
    if data.opening_balance:
        after["opening_balance"] = True
    audit.record(s, ctx, "create_invoice", "invoice", invoice.id, after=after)
    return invoice


def create_invoice(ctx: ServiceContext, data: InvoiceInput) -> tuple[int, Changes]:
    """Create an invoice and its payment schedule; its whole amount is open.

    Args:
        ctx: the service context.
        data: the invoice.

    Returns:
        The new invoice's id and the changes.

    Raises:
        PermissionDenied: the role may not edit invoices.
        UserFacingError: ``invalid`` naming the field, ``bad_terms``, or ``duplicate`` number.
    """
    require(ctx, "edit_invoices")
    _amounts(data)  # bad input fails before the transaction starts
    with uow(ctx) as s:
        invoice = insert_invoice(s, ctx, data)
        return invoice.id, Changes(customers={invoice.customer_id}, invoices={invoice.id})


def void_invoice(ctx: ServiceContext, invoice_id: int, reason: str) -> Changes:
    """Void an invoice that nothing has been allocated to; its open amount becomes zero.

    An invoice made from an order gives its quantities back to the order lines it billed, and
    a fully invoiced order becomes ``confirmed`` again so the rest can be invoiced anew.

    Raises:
        UserFacingError: ``has_allocations`` while payments, credits or write-offs are applied
            to it; ``invalid`` when it is already void or no reason is given.
    """
    require(ctx, "edit_invoices")
    if not reason.strip():
        raise _invalid("reason", "say why the invoice is voided")
    with uow(ctx) as s:
        invoice = get_row(s, Invoice, invoice_id, "Invoice")
        if invoice.status == "void":
            raise _invalid("status", f"{invoice.number} is already void")
        if live_allocations(s, invoice_id=invoice_id):
            raise UserFacingError("has_allocations", entity="Invoice", key=invoice.number)
        before = audit.snapshot(invoice, ("status", "open_minor"))
        lines = s.execute(select(ScheduleLine).where(ScheduleLine.invoice_id == invoice_id))
        for line in lines.scalars():
            line.open_minor = 0
        invoice.status = "void"
        invoice.open_minor = 0
        invoice.notes = f"{invoice.notes}\nVoid: {reason.strip()}".strip()
        order_id, order_before, order_after = _give_back_to_order(s, invoice_id)
        s.flush()
        before.update(order_before)
        after = {"status": "void", "open_minor": 0, "reason": reason.strip(), **order_after}
        audit.record(s, ctx, "void_invoice", "invoice", invoice_id, before=before, after=after)
        orders = {order_id} if order_id is not None else set()
        return Changes(customers={invoice.customer_id}, invoices={invoice_id}, orders=orders)


def _give_back_to_order(
    s: Session, invoice_id: int
) -> tuple[int | None, dict[str, Any], dict[str, Any]]:
    """Take a voided invoice's quantities off its order lines: (order id, audit before, after)."""
    rows = s.execute(
        select(OrderLine, InvoiceLine.quantity)
        .join(InvoiceLine, InvoiceLine.order_line_id == OrderLine.id)
        .where(InvoiceLine.invoice_id == invoice_id)
        .order_by(OrderLine.line_no)
    ).all()
    if not rows:
        return None, {}, {}
    order = get_row(s, Order, rows[0][0].order_id, "Order")
    before = {"order_status": order.status, "order_invoiced": {}}
    after = {"order_id": order.id, "order_invoiced": {}}
    for line, quantity in rows:
        before["order_invoiced"][line.line_no] = str(line.invoiced_quantity)
        left = orders_calc.normalise_quantity(max(line.invoiced_quantity - quantity, Decimal(0)))
        line.invoiced_quantity = left
        after["order_invoiced"][line.line_no] = str(left)
    if order.status == "invoiced" and any(ln.invoiced_quantity < ln.quantity for ln, _q in rows):
        order.status = "confirmed"
    after["order_status"] = order.status
    return order.id, before, after


def create_credit_note(  # noqa: PLR0917 - the agreed interface
    ctx: ServiceContext,
    customer_id: int,
    amount: Money,
    issue_date: date,
    reason: str,
    invoice_id: int | None = None,
    apply_to_invoice: bool = True,
    *,
    exchange_rate: Decimal | None = None,
) -> tuple[int, Changes]:
    """Issue a credit note, against an invoice or standalone.

    Against an invoice (and ``apply_to_invoice``) it is applied right away to that invoice's open
    lines, oldest due first; whatever exceeds the open amount stays as unallocated credit.

    Args:
        ctx: the service context.
        customer_id: the customer credited.
        amount: the credit (more than zero).
        issue_date: its date (also the allocation date).
        reason: why (returned goods, price correction, …).
        invoice_id: the invoice it corrects, if any.
        apply_to_invoice: allocate it to that invoice now.
        exchange_rate: defaults to the invoice's rate, else 1.

    Returns:
        The credit note id and the changes.
    """
    require(ctx, "edit_invoices")
    if amount.minor <= 0:
        raise _invalid("amount", "the credit must be more than zero")
    with uow(ctx) as s:
        customer = get_row(s, Customer, customer_id, "Customer")
        invoice = None
        if invoice_id is not None:
            invoice = get_row(s, Invoice, invoice_id, "Invoice")
            if invoice.customer_id != customer_id:
                raise _invalid("invoice", f"{invoice.number} belongs to another customer")
            if invoice.currency != amount.currency:
                raise _invalid("amount", f"enter it in {invoice.currency}")
            if invoice.status == "void":
                raise _invalid("invoice", f"{invoice.number} is void")
        rate = exchange_rate or (invoice.exchange_rate if invoice else Decimal(1))
        note = CreditNote(
            number=next_number(s, "credit_note"),
            customer_id=customer.id,
            invoice_id=invoice_id,
            issue_date=issue_date,
            currency=amount.currency,
            exchange_rate=_check_rate(rate),
            amount_minor=amount.minor,
            unallocated_minor=amount.minor,
            reason=reason.strip(),
            status="open",
            created_at=ctx.clock.now(),
        )
        s.add(note)
        s.flush()
        touched: set[int] = set()
        if invoice is not None and apply_to_invoice:
            items = load_open_items(s, customer_id, amount.currency, invoice_id=invoice.id)
            with user_errors():
                plan = oldest_first(items, amount)
            touched = apply_plan(s, ctx, plan, on=issue_date, credit_note=note)
        after = audit.snapshot(
            note,
            (
                "number",
                "customer_id",
                "invoice_id",
                "issue_date",
                "currency",
                "amount_minor",
                "unallocated_minor",
                "reason",
                "status",
            ),
        )
        audit.record(s, ctx, "create_credit_note", "credit_note", note.id, after=after)
        return note.id, Changes(
            customers={customer_id},
            invoices=touched | ({invoice_id} if invoice_id else set()),
            credit_notes={note.id},
        )


def set_fapiao(
    ctx: ServiceContext, invoice_id: int, number: str, fapiao_date: date | None
) -> Changes:
    """Record (or, with an empty number, clear) the fapiao issued for an invoice.

    Args:
        ctx: the service context.
        invoice_id: the invoice.
        number: the fapiao number; empty clears it.
        fapiao_date: the fapiao date (defaults to today).
    """
    require(ctx, "edit_invoices")
    number = number.strip()
    with uow(ctx) as s:
        invoice = get_row(s, Invoice, invoice_id, "Invoice")
        fields = ("fapiao_issued", "fapiao_number", "fapiao_date")
        before = audit.snapshot(invoice, fields)
        invoice.fapiao_issued = bool(number)
        invoice.fapiao_number = number
        invoice.fapiao_date = (fapiao_date or ctx.clock.today()) if number else None
        s.flush()
        after = audit.snapshot(invoice, fields)
        audit.record(s, ctx, "set_fapiao", "invoice", invoice_id, before=before, after=after)
        return Changes(invoices={invoice_id})


def set_dispute(ctx: ServiceContext, invoice_id: int, disputed: bool, reason: str) -> Changes:
    """Mark an invoice as disputed by the customer (or resolved), with the reason.

    Disputed invoices are skipped by automatic oldest-first allocation.
    """
    require(ctx, "edit_invoices")
    with uow(ctx) as s:
        invoice = get_row(s, Invoice, invoice_id, "Invoice")
        fields = ("disputed", "overdue_reason")
        before = audit.snapshot(invoice, fields)
        invoice.disputed = bool(disputed)
        if reason.strip() or disputed:
            invoice.overdue_reason = reason.strip()[:200]
        s.flush()
        after = audit.snapshot(invoice, fields)
        audit.record(s, ctx, "set_dispute", "invoice", invoice_id, before=before, after=after)
        return Changes(customers={invoice.customer_id}, invoices={invoice_id})


# ---- invoicing from orders (开票) -------------------------------------------------------------


def _billed(s: Session, line_ids: Sequence[int], ccy: str) -> dict[int, orders_calc.LineAmounts]:
    """Net and tax already invoiced per order line (invoices that are not void)."""
    rows = s.execute(
        select(
            InvoiceLine.order_line_id,
            func.sum(InvoiceLine.net_minor),
            func.sum(InvoiceLine.tax_minor),
        )
        .join(Invoice, Invoice.id == InvoiceLine.invoice_id)
        .where(InvoiceLine.order_line_id.in_(list(line_ids)), Invoice.status != "void")
        .group_by(InvoiceLine.order_line_id)
    )
    return {
        int(k): orders_calc.LineAmounts(Money(int(n), ccy), Money(int(t), ccy)) for k, n, t in rows
    }


def _wanted(
    order: Order, lines: Sequence[OrderLine], quantities: Mapping[int, Decimal] | None
) -> dict[int, Decimal]:
    ccy = order.currency
    calc = [_calc_line(ln, ccy) for ln in lines]
    available = orders_calc.invoiceable(calc, {ln.id: ln.delivered_quantity for ln in lines})
    if quantities is None:
        wanted = {int(k): v for k, v in available.items()}  # type: ignore[call-overload]
    else:
        by_id = {ln.id: ln for ln in lines}
        wanted = {}
        for line_id, quantity in quantities.items():
            if line_id not in by_id:
                raise _invalid("line", f"{line_id} is not a line of {order.number}")
            with user_errors():
                q = orders_calc.normalise_quantity(quantity)
            left = available.get(line_id, Decimal(0))
            if q > left:
                n = by_id[line_id].line_no
                raise _invalid(f"line {n}", f"only {left} is delivered and not yet invoiced")
            if q > 0:
                wanted[line_id] = q
    if not wanted:
        raise _invalid("quantities", f"nothing delivered on {order.number} is left to invoice")
    return wanted


def _calc_line(line: OrderLine, ccy: str) -> orders_calc.OrderLine:
    return orders_calc.OrderLine(
        line.quantity,
        Money(line.unit_price_minor, ccy),
        line.tax_rate,
        Money(line.unit_cost_minor, ccy),
        key=line.id,
        invoiced=line.invoiced_quantity,
    )


def invoice_order(
    ctx: ServiceContext,
    order_id: int,
    *,
    issue_date: date,
    quantities: Mapping[int, Decimal] | None = None,
) -> tuple[int, Changes]:
    """Invoice what was delivered of a confirmed order (the whole order or a partial delivery).

    Each invoiced line becomes an invoice line; the part that completes an order line takes
    what is left of its net and tax, so an order's invoices add up exactly to the order. When
    one invoice covers the whole order, the order's instalment plan (if any) is its schedule;
    otherwise the order's payment terms are. The order becomes ``invoiced`` once every line is.

    Args:
        ctx: the service context.
        order_id: a confirmed order.
        issue_date: the invoice date.
        quantities: per order line id, how much to invoice (at most delivered − invoiced);
            None invoices everything delivered and not yet invoiced.

    Returns:
        The new invoice's id and the changes.

    Raises:
        UserFacingError: ``invalid`` when the order is not confirmed, a quantity is more than
            is delivered and not invoiced, or nothing is left to invoice.
    """
    require(ctx, "edit_invoices")
    with uow(ctx) as s:
        order = get_row(s, Order, order_id, "Order")
        if order.status != "confirmed":
            raise _invalid("order", f"{order.number} is {order.status}, not confirmed")
        ccy = order.currency
        query = select(OrderLine).where(OrderLine.order_id == order_id).order_by(OrderLine.line_no)
        lines = list(s.execute(query).scalars())
        wanted = _wanted(order, lines, quantities)
        billed = _billed(s, [ln.id for ln in lines], ccy)
        parts = {}
        for ln in lines:
            if ln.id in wanted:
                with user_errors():
                    parts[ln.id] = orders_calc.part_amounts(
                        _calc_line(ln, ccy), wanted[ln.id], billed.get(ln.id)
                    )
        whole = all(ln.invoiced_quantity == 0 and wanted.get(ln.id) == ln.quantity for ln in lines)
        plan = s.execute(
            select(OrderInstalment.due_date, OrderInstalment.amount_minor)
            .where(OrderInstalment.order_id == order_id)
            .order_by(OrderInstalment.seq)
        ).all()
        data = InvoiceInput(
            customer_id=order.customer_id,
            issue_date=issue_date,
            net=Money.sum((p.net for p in parts.values()), ccy),
            tax=Money.sum((p.tax for p in parts.values()), ccy),
            currency=ccy,
            exchange_rate=order.exchange_rate,
            payment_terms=order.payment_terms,
            order_id=order.id,
            schedule=[(due, Money(a, ccy)) for due, a in plan] if whole and plan else None,
        )
        invoice = insert_invoice(s, ctx, data)
        before = {ln.line_no: str(ln.invoiced_quantity) for ln in lines if ln.id in wanted}
        for n, ln in enumerate((ln for ln in lines if ln.id in wanted), start=1):
            q, amounts = wanted[ln.id], parts[ln.id]
            s.add(
                InvoiceLine(
                    invoice_id=invoice.id,
                    line_no=n,
                    order_line_id=ln.id,
                    item=ln.item,
                    quantity=q,
                    unit_price_minor=ln.unit_price_minor,
                    tax_rate=ln.tax_rate,
                    unit_cost_minor=ln.unit_cost_minor,
                    net_minor=amounts.net.minor,
                    tax_minor=amounts.tax.minor,
                )
            )
            ln.invoiced_quantity = orders_calc.normalise_quantity(ln.invoiced_quantity + q)
        if all(ln.invoiced_quantity >= ln.quantity for ln in lines):
            order.status = "invoiced"
        s.flush()
        after = {
            "invoice_id": invoice.id,
            "invoice": invoice.number,
            "invoiced": {ln.line_no: str(ln.invoiced_quantity) for ln in lines if ln.id in wanted},
            "status": order.status,
        }
        audit.record(
            s, ctx, "invoice_order", "order", order_id, before={"invoiced": before}, after=after
        )
        return invoice.id, Changes(
            customers={order.customer_id}, invoices={invoice.id}, orders={order_id}
        )
