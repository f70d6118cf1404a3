"""Exports of reports to JSON, CSV and formatted Excel (the GUI and the command line share them).

The aging JSON shape is a public interface (documented in the README): keys may be added,
the documented ones stay. Amounts are decimal strings with the currency's decimals; credit
notes and unallocated payments are their own negative rows.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from desktop_ar.domain.aging import AgingReport, AgingRow, CurrencyAging
from desktop_ar.domain.currency import minor_digits
from desktop_ar.domain.errors import UserFacingError
from desktop_ar.domain.money import Money

if TYPE_CHECKING:
    from desktop_ar.services.context import ServiceContext
    from desktop_ar.services.lists import ListSpec, SortSpec
    from desktop_ar.services.progress import Progress

__all__ = [
    "AGING_BY",
    "AGING_FORMATS",
    "KIND_TITLES",
    "OVERDUE_TITLES",
    "ExportResult",
    "aging_columns",
    "aging_row_values",
    "aging_to_dict",
    "export_aging",
    "export_list",
    "report_rows",
    "save_text",
]

AGING_BY = ("customer", "invoice")
AGING_FORMATS = ("json", "csv", "xlsx")
KIND_TITLES = {
    "invoice": "Invoice",
    "credit_note": "Credit note",
    "unallocated_payment": "Unallocated payment",
}
# Overdue reason and agreed measure codes → English titles (the xlsx and the text table).
OVERDUE_TITLES = {
    "funds_tight": "Funds tight",
    "order_error": "Order error",
    "dispute": "Dispute",
    "quality_complaint": "Quality complaint",
    "extended_due_date": "Extended due date",
    "instalment_plan": "Instalment plan",
    "other": "Other",
}
_BASIS_TITLES = {"due": "days past due date", "invoice": "days since invoice date"}
_INVOICE_KEYS = ("invoice_number", "invoice_date", "due_date", "days_overdue")
# Added after "total" so the columns before them keep their places.
_REASON_KEYS = ("overdue_reason", "agreed_measure")


def _check_by(by: str) -> None:
    if by not in AGING_BY:
        raise UserFacingError(
            "invalid", field="aging by", reason=f"{by!r}: use customer or invoice"
        )


def report_rows(aging: CurrencyAging, by: str) -> list[AgingRow]:
    """The rows of one currency: one per customer and kind, or one per open item.

    Args:
        aging: one currency of the report.
        by: ``"customer"`` or ``"invoice"``.

    Returns:
        The domain rows, in report order.
    """
    _check_by(by)
    return aging.by_customer if by == "customer" else aging.by_item


def _days_overdue(report: AgingReport, row: AgingRow) -> int:
    if row.kind == "invoice" and row.due_date is not None:
        # With basis "invoice" the domain ages from the invoice date; days_overdue keeps its
        # plain meaning (days past the due date) for every basis.
        return max((report.as_of - row.due_date).days, 0)
    if row.days_overdue is not None:
        return row.days_overdue
    if row.document_date is not None:
        return max((report.as_of - row.document_date).days, 0)
    return 0


def aging_row_values(report: AgingReport, row: AgingRow, by: str) -> dict[str, Any]:
    """One row as plain values keyed like the JSON (amounts still ``Money``, dates ``date``).

    Args:
        report: the report the row belongs to.
        row: the row.
        by: ``"customer"`` or ``"invoice"``; the invoice keys are added for ``"invoice"``.

    Returns:
        ``customer_code, customer_name, kind, [invoice_number, invoice_date, due_date,
        days_overdue], <bucket labels…>, total[, overdue_reason, agreed_measure]``. For credit
        notes and unallocated payments the document number and date fill ``invoice_number`` /
        ``invoice_date``, and ``due_date``, ``overdue_reason`` and ``agreed_measure`` are
        ``None``; the last two are codes (``funds_tight``, ``extended_due_date``…) or ``None``.
    """
    values: dict[str, Any] = {
        "customer_code": row.customer_code,
        "customer_name": row.customer_name,
        "kind": row.kind,
    }
    if by == "invoice":
        values["invoice_number"] = row.document_number
        values["invoice_date"] = row.document_date
        values["due_date"] = row.due_date if row.kind == "invoice" else None
        values["days_overdue"] = _days_overdue(report, row)
    for label, amount in zip(report.buckets, row.amounts, strict=True):
        values[label] = amount
    values["total"] = row.total
    if by == "invoice":
        values["overdue_reason"] = row.overdue_reason
        values["agreed_measure"] = row.measure
    return values


def _amounts(labels: Sequence[str], amounts: Sequence[Money], total: Money) -> dict[str, str]:
    out = {label: m.amount_str() for label, m in zip(labels, amounts, strict=True)}
    out["total"] = total.amount_str()
    return out


def _json_value(value: object) -> object:
    if isinstance(value, Money):
        return value.amount_str()
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[union-attr]
    return value


def aging_to_dict(report: AgingReport, *, by: str) -> dict[str, Any]:
    """The aging report as the documented JSON structure.

    Args:
        report: the report.
        by: ``"customer"`` or ``"invoice"``.

    Returns:
        ``{"as_of", "basis", "by", "buckets", "currencies": [{"currency", "totals", "rows"}],
        "base_currency", "base_totals"}`` with amounts as decimal strings.

    Raises:
        UserFacingError: ``by`` is not customer or invoice.
    """
    _check_by(by)
    currencies = []
    for aging in report.currencies:
        rows = [
            {k: _json_value(v) for k, v in aging_row_values(report, row, by).items()}
            for row in report_rows(aging, by)
        ]
        currencies.append(
            {
                "currency": aging.currency,
                "totals": _amounts(report.buckets, aging.totals, aging.total),
                "rows": rows,
            }
        )
    return {
        "as_of": report.as_of.isoformat(),
        "basis": report.basis,
        "by": by,
        "buckets": list(report.buckets),
        "currencies": currencies,
        "base_currency": report.base_currency,
        "base_totals": _amounts(report.buckets, report.base_totals, report.base_total),
    }


def aging_columns(report: AgingReport, by: str) -> list[str]:
    """The machine column names of a flat aging table (CSV header, JSON row keys).

    Args:
        report: the report (for its bucket labels).
        by: ``"customer"`` or ``"invoice"``.

    Returns:
        ``customer_code, customer_name, kind, [invoice keys…], <buckets…>, total`` and, by
        invoice, ``overdue_reason, agreed_measure``.
    """
    _check_by(by)
    head = ["customer_code", "customer_name", "kind"]
    if by == "invoice":
        head.extend(_INVOICE_KEYS)
    tail = list(_REASON_KEYS) if by == "invoice" else []
    return [*head, *report.buckets, "total", *tail]


def _write_csv(report: AgingReport, by: str, path: Path | None, stream: TextIO | None) -> None:
    from desktop_ar.io.csv_writer import write_csv

    keys = aging_columns(report, by)
    rows = [
        [aging.currency, *aging_row_values(report, row, by).values()]
        for aging in report.currencies
        for row in report_rows(aging, by)
    ]
    target = path if path is not None else stream
    assert target is not None
    write_csv(target, ["currency", *keys], rows)


def _aging_sheets(report: AgingReport, by: str) -> list[Any]:
    from desktop_ar.io.excel.writer import Column, SheetSpec

    basis = _BASIS_TITLES.get(report.basis, report.basis)
    sheets = []
    currencies = report.currencies or [
        CurrencyAging(report.base_currency, report.base_totals, report.base_total, [], [])
    ]
    for aging in currencies:
        decimals = minor_digits(aging.currency)
        columns = [Column("Code"), Column("Customer"), Column("Kind")]
        if by == "invoice":
            columns += [
                Column("Document"),
                Column("Date", "date", width=12),
                Column("Due", "date", width=12),
                Column("Days overdue", "int", width=9),
                Column("Overdue reason", width=16),
                Column("Agreed measure", width=16),
            ]
        columns += [Column(label, "money", decimals) for label in report.buckets]
        columns.append(Column("Total", "money", decimals))
        rows = []
        for row in report_rows(aging, by):
            values = aging_row_values(report, row, by)
            values["kind"] = KIND_TITLES.get(row.kind, row.kind)
            codes = [values.pop(key, None) for key in _REASON_KEYS]
            titles = [OVERDUE_TITLES.get(c, c) if c else None for c in codes]
            cells = list(values.values())
            if by == "invoice":  # the reason and measure read best next to the days overdue
                at = len(_INVOICE_KEYS) + 3
                cells[at:at] = titles
            rows.append(cells)
        blanks = [None] * (len(columns) - len(report.buckets) - 2)
        totals = ["Total", *blanks, *aging.totals, aging.total]
        note = (
            f"Aging as of {report.as_of.isoformat()} by {by}, {aging.currency} (buckets by {basis})"
        )
        sheets.append(SheetSpec(aging.currency, columns, rows, totals, 2, (note,)))
    return sheets


def export_aging(
    report: AgingReport,
    *,
    by: str,
    fmt: str,
    path: Path | None = None,
    stream: TextIO | None = None,
) -> Path | None:
    """Write the aging report as JSON, CSV or ``.xlsx``.

    Args:
        report: the report (from ``services.reports.aging``).
        by: ``"customer"`` (one row per customer and kind) or ``"invoice"`` (one per item).
        fmt: ``"json"``, ``"csv"`` (UTF-8 with BOM, formula-guarded text) or ``"xlsx"``
            (formatted, one sheet per currency with a totals row; needs ``path``).
        path: the file to write (through ``name.tmp`` and a rename); ``None`` writes to
            ``stream``.
        stream: the text stream used when ``path`` is ``None``.

    Returns:
        ``path`` when a file was written, else ``None``.

    Raises:
        UserFacingError: an unknown format or grouping, ``xlsx`` without a path, or a file that
            cannot be written (naming the file; an existing file there is unchanged).
    """
    _check_by(by)
    if fmt not in AGING_FORMATS:
        raise UserFacingError(
            "invalid", field="format", reason=f"{fmt!r}: use {', '.join(AGING_FORMATS)}"
        )
    if path is None and (fmt == "xlsx" or stream is None):
        raise UserFacingError("invalid", field=f"{fmt} export", reason="choose a file to write")
    try:
        if fmt == "json":
            text = json.dumps(aging_to_dict(report, by=by), ensure_ascii=False, indent=2) + "\n"
            if path is None:
                assert stream is not None
                stream.write(text)
            else:
                save_text(path, text)
        elif fmt == "csv":
            _write_csv(report, by, path, stream)
        else:
            from desktop_ar.io.excel.writer import write_table_xlsx

            assert path is not None
            write_table_xlsx(path, _aging_sheets(report, by))
    except OSError as exc:
        where = str(path) if path is not None else "output"
        reason = f"cannot write the file ({exc.strerror or exc})"
        raise UserFacingError("invalid", field=where, reason=reason) from exc
    return path


def save_text(path: Path, text: str) -> Path:
    """Write a UTF-8 text file through ``name.tmp`` and a rename.

    Args:
        path: the destination.
        text: the content.

    Returns:
        ``path``.

    Raises:
        UserFacingError: the file cannot be written (an existing file there is unchanged).
    """
    from desktop_ar.io.csv_writer import atomic_target

    try:
        with atomic_target(path) as tmp, tmp.open("w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    except OSError as exc:
        reason = f"cannot write the file ({exc.strerror or exc})"
        raise UserFacingError("invalid", field=str(path), reason=reason) from exc
    return path


@dataclass(frozen=True, slots=True)
class ExportResult:
    """What an export wrote: the number of data rows and the file."""

    rows: int
    path: Path


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
    """Stream one list, filtered and sorted as on screen, to a formatted ``.xlsx`` file.

    See :func:`desktop_ar.services.list_exports.export_list` (kept there so that the command
    line's start-up does not load the list queries).

    Args:
        ctx: the service context.
        source_name: ``customers``, ``orders``, ``invoices``, ``payments`` or ``exceptions``.
        spec: the filter.
        sort: the sort.
        path: the ``.xlsx`` file to write.
        as_of: the as-of date (balances, days overdue, the title).
        progress: progress and cancel, checked between pages.

    Returns:
        The number of data rows and the file.
    """
    from desktop_ar.services.list_exports import export_list as run

    return run(ctx, source_name, spec, sort, path, as_of=as_of, progress=progress)
