"""The statement of account as a printable ``.xlsx`` file, one sheet per currency.

Each sheet reads like the paper statement: the company name, the title with the as-of date
(the last day of the period), the customer and the period; then the lines with a bold opening
row, the running balance and a bold closing row with the period's totals; then, below, the open
items that make up the closing balance (due date, days overdue, aging bucket) and an aging
summary. Headings are English, like every other export. Amounts are numbers with the currency's
decimals, dates are date cells and every piece of user text is a guarded string cell. The sheet
is set up to print on A4, fitted to the page width. Writing the file adds one audit row
``export_statement``; nothing else is written.
"""

from __future__ import annotations

from pathlib import Path

from desktop_ar.domain.errors import UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.io.excel.report_sheet import Block, ReportSheet, write_report_xlsx
from desktop_ar.io.excel.writer import Column
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.exports import KIND_TITLES, ExportResult
from desktop_ar.services.statements import Statement, StatementSection

__all__ = ["LINE_TITLES", "bucket_title", "export_statement", "statement_sheets"]

# Statement line kinds → the "Type" column.
LINE_TITLES = {
    "invoice": "Invoice",
    "credit_note": "Credit note",
    "payment": "Payment",
    "write_off": "Write-off",
    "refund": "Refund",
    "payment_reversal": "Payment reversal",
    "write_off_reversal": "Write-off reversal",
}
_BASIS = {"due": "days past the due date", "invoice": "days since the document date"}
# The description (the open items' due date sits under it, left-aligned). Other columns are
# sized to their contents, so the sheet stays narrow enough to print legibly on A4 portrait.
_TEXT_WIDTH = 40


def bucket_title(label: str) -> str:
    """A bucket label as a column title: ``current`` → ``Current``, ``1-30`` → ``1-30 days``."""
    return "Current" if label == "current" else f"{label} days"


def _company(statement: Statement) -> str:
    name, english = statement.company_name.strip(), statement.company_name_en.strip()
    if english and english not in name:
        return f"{name} {english}".strip()
    return name


def _heading(statement: Statement, section: StatementSection) -> list[str]:
    who = f"Customer: {statement.customer_code} {statement.customer_name}"
    if statement.customer_tax_id:
        who += f" · Tax ID {statement.customer_tax_id}"
    period = (
        f"Period: {statement.date_from.isoformat()} to {statement.date_to.isoformat()}"
        f" · Currency: {section.currency}"
    )
    lines = [
        _company(statement),
        f"Statement of account as of {statement.date_to.isoformat()}",
        who,
    ]
    if statement.customer_address:
        lines.append(f"Address: {statement.customer_address}")
    lines.append(period)
    return lines


def _lines_block(statement: Statement, section: StatementSection) -> Block:
    decimals = Money.zero(section.currency).decimals
    columns = [
        Column("Date", "date"),
        Column("Type"),
        Column("Number"),
        Column("Description", width=_TEXT_WIDTH),
        Column("Debit", "money", decimals),
        Column("Credit", "money", decimals),
        Column("Balance", "money", decimals),
    ]
    rows = [
        [
            line.on,
            LINE_TITLES.get(line.kind, line.kind),
            line.number,
            line.description,
            line.debit if line.debit.minor else None,
            line.credit if line.credit.minor else None,
            line.balance,
        ]
        for line in section.lines
    ]
    opening = [
        statement.date_from,
        "Opening balance",
        None,
        "Balance brought forward",
        None,
        None,
        section.opening,
    ]
    closing = [
        statement.date_to,
        "Closing balance",
        None,
        "Totals of the period; balance carried forward",
        section.total_debit,
        section.total_credit,
        section.closing,
    ]
    return Block(columns, rows, lead=[opening], totals=[closing])


def _open_items_block(statement: Statement, section: StatementSection) -> Block:
    decimals = Money.zero(section.currency).decimals
    columns = [
        Column("Date", "date"),
        Column("Type"),
        Column("Number"),
        Column("Due date", "date", width=_TEXT_WIDTH),
        Column("Days overdue", "int"),
        Column("Aging"),
        Column("Open amount", "money", decimals),
    ]
    rows = [
        [
            item.document_date,
            KIND_TITLES.get(item.kind, item.kind),
            item.number,
            item.due_date,
            item.days_overdue,
            bucket_title(item.bucket),
            item.amount,
        ]
        for item in section.open_items
    ]
    total = [None, "Total open items", None, None, None, None, section.open_total]
    basis = _BASIS.get(statement.basis, statement.basis)
    title = f"Open items as of {statement.date_to.isoformat()} (aging by {basis})"
    return Block(columns, rows, title=title, totals=[total], align={3: "left"})


def _aging_block(statement: Statement, section: StatementSection) -> Block:
    decimals = Money.zero(section.currency).decimals
    columns = [Column(bucket_title(b), "money", decimals) for b in statement.buckets]
    columns.append(Column("Total", "money", decimals))
    total = Money.sum(section.aging, section.currency)
    return Block(columns, [[*section.aging, total]], title="Aging summary")


def _footer(section: StatementSection) -> list[str]:
    lines = [
        "A positive balance is owed to us; a negative balance is your credit with us.",
        "Please check this statement and tell us of any difference.",
    ]
    if section.open_total != section.closing:  # never seen; said rather than hidden
        gap = section.closing - section.open_total
        lines.insert(0, f"Note: the open items differ from the closing balance by {gap}.")
    return lines


def statement_sheets(statement: Statement) -> list[ReportSheet]:
    """The statement as report sheets, one per currency section.

    Args:
        statement: from :func:`desktop_ar.services.statements.statement_of_account`.

    Returns:
        One sheet per section, named ``Statement <currency>``.
    """
    return [
        ReportSheet(
            f"Statement {section.currency}",
            _heading(statement, section),
            [
                _lines_block(statement, section),
                _open_items_block(statement, section),
                _aging_block(statement, section),
            ],
            footer=_footer(section),
        )
        for section in statement.sections
    ]


def _audit(ctx: ServiceContext, statement: Statement, rows: int, path: Path) -> None:
    if ctx.read_only:  # a read-only book takes no writes, the audit row included
        return
    from desktop_ar.services.audit import record
    from desktop_ar.services.uow import uow

    after = {
        "from": statement.date_from,
        "to": statement.date_to,
        "currencies": [x.currency for x in statement.sections],
        "rows": rows,
        "file": path.name,
    }
    with uow(ctx) as s:
        record(s, ctx, "export_statement", "customer", statement.customer_id, after=after)


def export_statement(ctx: ServiceContext, statement: Statement, path: Path) -> ExportResult:
    """Write a statement of account to a formatted ``.xlsx`` file and audit the export.

    Args:
        ctx: the service context (for the audit row; any role may export).
        statement: the statement to write.
        path: the ``.xlsx`` file (written through ``name.tmp`` and a rename).

    Returns:
        The number of statement lines and open items written, and the file.

    Raises:
        UserFacingError: the file cannot be written (naming it; an existing file there is
            unchanged, and no audit row is left).
    """
    rows = sum(len(x.lines) + len(x.open_items) for x in statement.sections)
    try:
        write_report_xlsx(
            path,
            statement_sheets(statement),
            before_rename=lambda: _audit(ctx, statement, rows, path),
        )
    except OSError as exc:
        reason = f"cannot write the file ({exc.strerror or exc})"
        raise UserFacingError("invalid", field=str(path), reason=reason) from exc
    return ExportResult(rows, path)
