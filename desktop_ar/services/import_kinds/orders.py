"""Importing sales orders with lines: one order per order number, each row one line.

The rows of one order may be anywhere in the sheet (an export sorted by date, a sample): they
are grouped by order number (compared like headers: case, full-width and spaces ignored) and
the order is created once, with its lines in sheet order; every row's ``import_rows`` entry
points to that one order.

**Status: imported orders are created confirmed, without a credit check.** The orders table
records a confirmation apart from the check (``confirmed_at`` / ``confirmed_by``, with an empty
``credit_check``: no check was run here) and has a notes field, so each imported order is
``confirmed`` with the note "imported": it was confirmed in the system it comes from, can be
shipped and invoiced at once, and counts in the customer's credit exposure like any confirmed
order.

Checks: the customer is resolved and active; the order number is not used in the database
("order number already used", on every row of the order); quantity more than zero, unit price
and unit cost not negative and within the currency's decimals, tax rate 0 to 1 (``13`` and
``13%`` are read as 0.13); the payment terms parse; the delivery date (the latest of the lines)
is not before the order date. A problem on one line rejects the whole order: each of its rows is
listed, the others with "another line of order … has problems".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from desktop_ar.db.models import Customer, Order
from desktop_ar.domain.errors import CellError, DomainError
from desktop_ar.domain.money import Money
from desktop_ar.domain.terms import parse_terms
from desktop_ar.io.excel.cells import to_text
from desktop_ar.io.excel.header import normalize_header
from desktop_ar.io.excel.mapping import Mapping as ColumnMapping
from desktop_ar.io.excel.reader import Cell
from desktop_ar.io.excel.records import Record
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.import_kinds.base import Checked, KindImport, reason_of
from desktop_ar.services.orders import OrderInput, OrderLineInput, check_order, insert_order
from desktop_ar.services.progress import Progress

__all__ = ["IMPORTED_NOTE", "OrderImport", "OrderPlan"]

IMPORTED_NOTE = "imported"
_NUMBER_LENGTH = 40  # orders.number
_CHUNK = 500


@dataclass(frozen=True, slots=True)
class OrderPlan:
    """One order to create: the same object is the prepared input of each of its lines."""

    key: str
    number: str
    data: OrderInput


def _key(value: object) -> str:
    return normalize_header(value)


class OrderImport(KindImport):
    """Orders with lines: rows grouped by order number; the order is created once."""

    entity = "order"

    def __init__(self, session: Session, mapping: ColumnMapping, file: str, sheet: str) -> None:
        super().__init__(session, mapping, file, sheet)
        self.failed: dict[str, list[int]] = {}
        self._customers: dict[int, Customer | None] = {}

    def reject_groups_of(self, rejected: Mapping[int, Sequence[Cell]]) -> None:
        """Note the orders of rows rejected while converting: those orders are rejected whole.

        Args:
            rejected: Excel row number → the row's cells, for every row already rejected.
        """
        column = self.mapping.columns.get("order_number")
        if column is None:
            return
        for row, cells in rejected.items():
            cell = cells[column] if column < len(cells) else None
            text, error, _ = to_text(cell, identifier=True)
            if text and error is None:
                self.failed.setdefault(_key(text), []).append(row)

    def check_all(self, records: Sequence[Record]) -> Iterator[tuple[Record, Checked]]:
        """Group the lines by order number and check each order; yields in sheet order."""
        groups: dict[str, list[Record]] = {}
        for record in records:
            groups.setdefault(_key(record.values["order_number"]), []).append(record)
        used = self._used({str(lines[0].values["order_number"]) for lines in groups.values()})
        outcome: dict[int, Checked] = {}
        for key, lines in groups.items():
            outcome.update(self._check_order(key, lines, used))
        for record in records:
            yield record, outcome[record.row_number]

    def _used(self, numbers: set[str]) -> set[str]:
        values, used = sorted(numbers), set()
        for start in range(0, len(values), _CHUNK):
            chunk = values[start : start + _CHUNK]
            used.update(self.session.scalars(select(Order.number).where(Order.number.in_(chunk))))
        return used

    def _customer(self, cid: int) -> Customer | None:
        if cid not in self._customers:
            self._customers[cid] = self.session.get(Customer, cid)
        return self._customers[cid]

    def _check_order(self, key: str, lines: list[Record], used: set[str]) -> dict[int, Checked]:
        first = lines[0]
        number = str(first.values["order_number"])
        problems: dict[int, list[CellError]] = {r.row_number: [] for r in lines}

        def every_row(field: str, reason: str) -> None:
            for record in lines:
                value = record.values.get(field)
                problems[record.row_number].append(self.error(record, field, value, reason))

        if number in used:
            every_row("order_number", "order number already used")
        if len(number) > _NUMBER_LENGTH:
            every_row("order_number", f"longer than {_NUMBER_LENGTH} characters")
        cid, _ = self.customers.resolve(str(first.values["customer"]))
        if cid is None:
            for record in lines:
                problems[record.row_number].extend(self.resolve_customer(record)[1])
        elif cid not in self.customers.active:
            every_row("customer", "inactive customer")
        customer = None if cid is None else self._customer(cid)
        currency = str(first.values.get("currency") or (customer.currency if customer else ""))
        terms = first.values.get("payment_terms")
        if terms is not None:
            try:
                terms = parse_terms(str(terms)).spec
            except DomainError as exc:
                every_row("payment_terms", reason_of(exc))
        order_date = first.values["order_date"]
        assert isinstance(order_date, date)
        delivery: date | None = None
        for record in lines:
            when = record.values.get("delivery_date")
            if isinstance(when, date):
                if when < order_date:
                    problems[record.row_number].append(
                        self.error(record, "delivery_date", when, "before the order date")
                    )
                delivery = when if delivery is None else max(delivery, when)
        inputs = [self._line(record, currency, problems[record.row_number]) for record in lines]
        data = None
        if customer is not None and not any(problems.values()):
            data = OrderInput(
                customer_id=customer.id,
                order_date=order_date,
                lines=[line for line in inputs if line is not None],
                delivery_date=delivery,
                currency=currency,
                payment_terms=None if terms is None else str(terms),
                contract_ref=str(first.values.get("contract_ref", "")),
                notes=IMPORTED_NOTE,
            )
            try:
                check_order(self.session, data)
            except DomainError as exc:
                self._order_error(lines, exc, problems)
        failed = self.failed.get(key, [])
        if failed or any(problems.values()):
            return self._rejected(number, lines, problems, failed)
        assert data is not None
        plan = OrderPlan(key, number, data)
        return {record.row_number: Checked(plan) for record in lines}

    def _line(
        self, record: Record, currency: str, problems: list[CellError]
    ) -> OrderLineInput | None:
        values = record.values
        quantity, price = values["quantity"], values["unit_price"]
        rate, cost = values.get("tax_rate", Decimal(0)), values.get("unit_cost")
        assert isinstance(quantity, Decimal) and isinstance(price, Decimal)
        assert isinstance(rate, Decimal)
        if quantity <= 0:
            problems.append(self.error(record, "quantity", quantity, "must be more than zero"))
        if not 0 <= rate <= 1:
            reason = "must be between 0 and 1 (write 0.13, 13 or 13%)"
            problems.append(self.error(record, "tax_rate", rate, reason))
        amounts: list[Money] = []
        for field, value in (("unit_price", price), ("unit_cost", cost)):
            if not isinstance(value, Decimal):
                continue
            if value < 0:
                problems.append(self.error(record, field, value, "must not be negative"))
                continue
            if not currency:
                continue
            try:
                amounts.append(Money.from_decimal(value, currency))
            except DomainError as exc:
                problems.append(self.error(record, field, value, reason_of(exc)))
        if problems or not currency:
            return None
        return OrderLineInput(
            item=str(values["item"]),
            quantity=quantity,
            unit_price=amounts[0],
            tax_rate=rate,
            unit_cost=amounts[1] if len(amounts) > 1 else None,
        )

    def _order_error(
        self, lines: list[Record], exc: DomainError, problems: dict[int, list[CellError]]
    ) -> None:
        """A problem ``check_order`` found: on the line it names, else on every row."""
        field, reason = str(exc.params.get("field", "")), reason_of(exc)
        if field.startswith("line ") and field[5:].isdigit() and int(field[5:]) <= len(lines):
            record = lines[int(field[5:]) - 1]
            problems[record.row_number].append(self.error(record, None, "", reason))
            return
        for record in lines:
            shown = record.values.get(field, "")
            problems[record.row_number].append(self.error(record, field or None, shown, reason))

    def _rejected(
        self,
        number: str,
        lines: list[Record],
        problems: dict[int, list[CellError]],
        failed: list[int],
    ) -> dict[int, Checked]:
        bad = sorted({*failed, *(row for row, found in problems.items() if found)})
        rows = ("rows " if len(bad) > 1 else "row ") + ", ".join(str(row) for row in bad)
        why = f"another line of order {number} has problems ({rows}); the order is rejected"
        out = {}
        for record in lines:
            errors = problems[record.row_number] or [
                self.error(record, "order_number", number, why)
            ]
            out[record.row_number] = Checked(errors=errors)
        return out

    @classmethod
    def write(
        cls,
        session: Session,
        ctx: ServiceContext,
        items: Iterable[tuple[Record, Checked]],
        progress: Progress,
        total: int,
    ) -> list[int]:
        """Create each order once (at its first line); every line's id is its order's id."""
        ids: list[int] = []
        created: dict[str, int] = {}
        for done, (record, checked) in enumerate(items, start=1):
            progress.check()
            plan: OrderPlan = checked.prepared
            if plan.key not in created:
                order = insert_order(
                    session, ctx, plan.data, number=plan.number, confirmed_without_check=True
                )
                created[plan.key] = order.id
            ids.append(created[plan.key])
            progress.report(done, total, f"row {record.row_number}")
        return ids
