"""Formatted ``.xlsx`` exports of every list, streamed a page at a time, and their audit rows.

The list's own filter and sort (``ListSpec``, ``SortSpec``) choose the rows, so a file holds
exactly what the page shows. Ids come first (8 bytes each: 8 MB for a million invoices), then
rows a page at a time into :class:`~desktop_ar.io.excel.streaming.StreamingSheetWriter`, which
keeps them in a temporary file: memory stays bounded whatever the size of the book. Progress is
reported and cancel honoured between pages; a cancelled or failed export leaves no file, and an
existing file at the destination is unchanged. Each export of customer data writes one audit row
``export_<list>`` with the row count, in its own small transaction (RELIABILITY K1).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from desktop_ar.domain.aging import AgingReport
from desktop_ar.domain.errors import UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.io.excel.writer import Column
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.exports import ExportResult, export_aging, report_rows
from desktop_ar.services.lists import ListSource, ListSpec, SortSpec
from desktop_ar.services.progress import Progress

__all__ = ["EXPORT_LISTS", "PAGE_SIZE", "export_aging_file", "export_list"]

PAGE_SIZE = 1000


@dataclass(frozen=True, slots=True)
class _Field:
    column: Column
    get: Callable[[Any], object]


def _yes(flag: bool) -> str:
    return "Yes" if flag else "No"


def _text(title: str, get: Callable[[Any], object], width: float | None = None) -> _Field:
    return _Field(Column(title, width=width), get)


def _money(title: str, get: Callable[[Any], object]) -> _Field:
    return _Field(Column(title, "money", width=16), get)


def _date(title: str, get: Callable[[Any], object]) -> _Field:
    return _Field(Column(title, "date", width=12), get)


def _currency(get: Callable[[Any], Money]) -> _Field:
    return _Field(Column("Currency", width=9), lambda r: get(r).currency)


_CUSTOMER_FIELDS = (
    _text("Code", lambda r: r.code),
    _text("Name", lambda r: r.name),
    _text("Short name", lambda r: r.short_name),
    _text("Type", lambda r: r.customer_type),
    _text("Region", lambda r: r.region),
    _text("Industry", lambda r: r.industry),
    _text("Tier", lambda r: r.value_tier or ""),
    _text("Collector", lambda r: r.collector),
    _text("Terms", lambda r: r.payment_terms),
    _currency(lambda r: r.credit_limit),
    _money("Credit limit", lambda r: r.credit_limit),
    _money("Balance", lambda r: r.balance),
    _money("Overdue", lambda r: r.overdue),
    _text("Credit hold", lambda r: _yes(r.credit_hold)),
    _text("Status", lambda r: r.status),
)
_ORDER_FIELDS = (
    _text("Number", lambda r: r.number),
    _text("Customer code", lambda r: r.customer_code),
    _text("Customer", lambda r: r.customer_name),
    _date("Order date", lambda r: r.order_date),
    _date("Delivery", lambda r: r.delivery_date),
    _date("Shipped", lambda r: r.shipped_date),
    _text("Contract", lambda r: r.contract_ref),
    _currency(lambda r: r.total),
    _money("Total", lambda r: r.total),
    _money("Invoiced", lambda r: r.invoiced),
    _money("Not invoiced", lambda r: r.uninvoiced),
    _text("Status", lambda r: r.status),
)
_INVOICE_FIELDS = (
    _text("Number", lambda r: r.number),
    _text("Customer code", lambda r: r.customer_code),
    _text("Customer", lambda r: r.customer_name),
    _date("Issued", lambda r: r.issue_date),
    _date("Due", lambda r: r.due_date),
    _currency(lambda r: r.amount),
    _money("Amount", lambda r: r.amount),
    _money("Open", lambda r: r.open),
    _text("Status", lambda r: r.status),
    _Field(Column("Days overdue", "int", width=9), lambda r: r.days_overdue),
    _text("Fapiao", lambda r: _yes(r.fapiao_issued)),
    _text("Disputed", lambda r: _yes(r.disputed)),
    _text("Overdue reason", lambda r: r.overdue_reason_code or ""),
    _text("Agreed measure", lambda r: r.agreed_measure or ""),
)
_PAYMENT_FIELDS = (
    _text("Number", lambda r: r.number),
    _text("Customer code", lambda r: r.customer_code),
    _text("Customer", lambda r: r.customer_name),
    _date("Date", lambda r: r.payment_date),
    _currency(lambda r: r.amount),
    _money("Amount", lambda r: r.amount),
    _money("Unallocated", lambda r: r.unallocated),
    _text("Method", lambda r: r.method),
    _text("Reference", lambda r: r.reference),
    _text("Payer", lambda r: r.payer_name),
    _text("Status", lambda r: r.status),
)
_EXCEPTION_FIELDS = (
    _date("Detected", lambda r: r.detected_on),
    _text("Kind", lambda r: r.kind.replace("_", " ")),
    _text("Customer code", lambda r: r.customer_code),
    _text("Customer / payer", lambda r: r.party),
    _text("Payment", lambda r: r.payment_number),
    _text("Invoice", lambda r: r.invoice_number),
    _currency(lambda r: r.amount),
    _money("Amount", lambda r: r.amount),
    _text("Cause", lambda r: r.cause),
    _text("Owner", lambda r: r.owner),
    _text("Status", lambda r: r.status.replace("_", " ")),
    _date("Resolved", lambda r: r.resolved_on),
)

# list name → (sheet title, fields, leading columns frozen)
EXPORT_LISTS: dict[str, tuple[str, tuple[_Field, ...], int]] = {
    "customers": ("Customers", _CUSTOMER_FIELDS, 2),
    "orders": ("Orders", _ORDER_FIELDS, 1),
    "invoices": ("Invoices", _INVOICE_FIELDS, 1),
    "payments": ("Payments", _PAYMENT_FIELDS, 1),
    "exceptions": ("Exceptions", _EXCEPTION_FIELDS, 1),
}


def _source(name: str) -> ListSource:
    from desktop_ar.services import lists
    from desktop_ar.services.lists.exceptions import exceptions
    from desktop_ar.services.lists.orders import orders

    sources: dict[str, Any] = {
        "customers": lists.customers,
        "orders": orders,
        "invoices": lists.invoices,
        "payments": lists.payments,
        "exceptions": exceptions,
    }
    return sources[name]  # type: ignore[no-any-return]


def _audit(ctx: ServiceContext, name: str, rows: int, path: Path) -> None:
    if ctx.read_only:  # nothing can be written to a read-only book, the audit row included
        return
    from desktop_ar.services.audit import record
    from desktop_ar.services.uow import uow

    with uow(ctx) as s:
        record(s, ctx, f"export_{name}", name, after={"rows": rows, "file": path.name})


def _write_error(path: Path, exc: OSError) -> UserFacingError:
    reason = f"cannot write the file ({exc.strerror or exc})"
    return UserFacingError("invalid", field=str(path), reason=reason)


def _totals(fields: Sequence[_Field], sums: dict[str, list[int]]) -> list[list[object]]:
    rows: list[list[object]] = []
    for ccy in sorted(sums):
        values = iter(sums[ccy])
        row: list[object] = [
            Money(next(values), ccy) if f.column.kind == "money" else None for f in fields
        ]
        row[0] = f"Total {ccy}"
        currency_at = next(i for i, f in enumerate(fields) if f.column.title == "Currency")
        row[currency_at] = ccy
        rows.append(row)
    return rows


def export_list(
    ctx: ServiceContext,
    source_name: str,
    spec: ListSpec,
    sort: SortSpec,
    path: Path,
    *,
    as_of: date,
    progress: Progress,
) -> ExportResult:
    """Write one list, filtered and sorted as on screen, to a formatted ``.xlsx`` file.

    The sheet has a title row ("Invoices as of 2026-06-30"), a bold frozen header with a
    filter, amounts as numbers with their currency's decimals next to a currency column, real
    date cells, guarded text cells and one bold totals row per currency.

    Args:
        ctx: the service context.
        source_name: ``customers``, ``orders``, ``invoices``, ``payments`` or ``exceptions``.
        spec: the filter (text, status, customer, dates).
        sort: the sort key and direction.
        path: the ``.xlsx`` file to write (through ``name.tmp`` and a rename).
        as_of: the date balances and days overdue are computed for (and shown in the title).
        progress: told the rows written after each page; cancelling stops between pages.

    Returns:
        The number of data rows and the file.

    Raises:
        UserFacingError: an unknown list, sort or status, or a file that cannot be written
            (naming it; an existing file there is unchanged).
        Cancelled: the user cancelled; no file is written.
    """
    from desktop_ar.io.excel.streaming import StreamingSheetWriter

    if source_name not in EXPORT_LISTS:
        choices = ", ".join(EXPORT_LISTS)
        raise UserFacingError("invalid", field="list", reason=f"{source_name!r}: use {choices}")
    title, fields, freeze = EXPORT_LISTS[source_name]
    source = _source(source_name)
    ids = source.ids(ctx, spec, sort)
    total = len(ids)
    money_at = [i for i, f in enumerate(fields) if f.column.kind == "money"]
    sums: dict[str, list[int]] = {}
    progress.report(0, total, f"{title}: 0 of {total:,}")
    columns = [f.column for f in fields]
    note = f"{title} as of {as_of.isoformat()}"
    try:
        with StreamingSheetWriter(
            path, columns, sheet_name=title, notes=[note], freeze_columns=freeze
        ) as sheet:
            for start in range(0, total, PAGE_SIZE):
                progress.check()
                for row in source.rows(ctx, ids[start : start + PAGE_SIZE], as_of):
                    values = [f.get(row) for f in fields]
                    ccy = values[money_at[0]].currency  # type: ignore[attr-defined]
                    acc = sums.setdefault(ccy, [0] * len(money_at))
                    for k, i in enumerate(money_at):
                        acc[k] += values[i].minor  # type: ignore[attr-defined]
                    sheet.append(values)
                done = min(start + PAGE_SIZE, total)
                progress.report(done, total, f"{title}: {done:,} of {total:,}")
            progress.check()
            for totals in _totals(fields, sums):
                sheet.append(totals, bold=True)
            count = sheet.rows_written
            sheet.before_rename = lambda: _audit(ctx, source_name, count, path)
    except OSError as exc:
        raise _write_error(path, exc) from exc
    return ExportResult(count, path)


def export_aging_file(
    ctx: ServiceContext, report: AgingReport, path: Path, *, by: str = "customer"
) -> ExportResult:
    """Write an aging report to a formatted ``.xlsx`` file and audit the export.

    Args:
        ctx: the service context (for the audit row).
        report: the report (``services.reports.aging``); by invoice needs its detail rows.
        path: the ``.xlsx`` file (written through ``name.tmp`` and a rename).
        by: ``"customer"`` or ``"invoice"``.

    Returns:
        The number of data rows (all currencies) and the file.

    Raises:
        UserFacingError: the file cannot be written (naming it; an existing file is unchanged).
    """
    export_aging(report, by=by, fmt="xlsx", path=path)
    rows = sum(len(report_rows(aging, by)) for aging in report.currencies)
    _audit(ctx, "aging", rows, path)
    return ExportResult(rows, path)
