"""The statement of account as a PDF file (issue 7's first document).

:func:`write_statement_pdf` builds the statement (``services.statements``), renders it with the
company letterhead and bank details from the settings (``documents.statement``) to a temporary
file next to the target, adds one audit row ``export_statement_pdf`` and renames the file into
place: a failure never leaves half a PDF, and an existing file at the target is unchanged.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from desktop_ar.documents.statement import render_statement
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.docs import company_info, document_language, write_atomic
from desktop_ar.services.settings import get_settings
from desktop_ar.services.statements import Statement, statement_of_account

__all__ = ["company_info", "document_language", "write_statement_pdf"]


def _audit(ctx: ServiceContext, statement: Statement, lang: str, paper: str, path: Path) -> None:
    if ctx.read_only:  # a read-only book takes no writes, the audit row included
        return
    from desktop_ar.services.audit import record
    from desktop_ar.services.uow import uow

    after = {
        "from": statement.date_from,
        "to": statement.date_to,
        "currencies": [x.currency for x in statement.sections],
        "lang": lang,
        "paper": paper,
        "file": path.name,
    }
    with uow(ctx) as s:
        record(s, ctx, "export_statement_pdf", "customer", statement.customer_id, after=after)


def write_statement_pdf(
    ctx: ServiceContext,
    customer_id: int,
    date_from: date,
    date_to: date,
    path: Path | str,
    *,
    lang: str | None = None,
    paper: str = "A4",
) -> Path:
    """Write a customer's statement of account for a period as a PDF file.

    Args:
        ctx: the service context (any role may print; the audit row needs a writable book).
        customer_id: the customer.
        date_from: first day of the period.
        date_to: last day of the period (open items and aging as of this day).
        path: the PDF to write (through a temporary file in the same folder and a rename).
        lang: ``en`` or ``zh``; None uses the customer's language.
        paper: ``A4`` or ``Letter``.

    Returns:
        The file written.

    Raises:
        NotFound: no such customer.
        UserFacingError: bad period, language or paper; no CJK font; the file cannot be
            written (an existing file there is unchanged, no audit row is left).
    """
    path = Path(path).expanduser()
    statement = statement_of_account(ctx, customer_id, date_from, date_to)
    language = document_language(statement.customer_language, lang)
    company = company_info(get_settings(ctx))
    return write_atomic(
        path,
        lambda fh: render_statement(statement, company, fh, lang=language, paper=paper),
        before_rename=lambda: _audit(ctx, statement, language, paper, path),
    )
