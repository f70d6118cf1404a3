"""Bank statements (银行对账单): import, then explain each line by receipts and invoices (银行对账).

This module is the API of bank reconciliation; its parts live beside it and are re-exported
here:

* :mod:`~desktop_ar.services.bank_import`: ``import_bank_file`` (one transaction; balance
  problems, repeated files and lines flagged, never refused), ``preview_bank_file``;
* :mod:`~desktop_ar.services.bank_preview`: ``preview_bank_table`` (the import wizard's view
  of a file: sheet, header row, columns, statements, the saved template used);
* :mod:`~desktop_ar.services.bank_views`: the DTOs and the reads (``list_statements``,
  ``get_statement``, ``statement_lines``);
* :mod:`~desktop_ar.services.bank_templates`: saved column mappings of CSV/Excel exports;
* :mod:`~desktop_ar.services.bank_matching`: ``suggest`` (the domain matcher over the book);
* :mod:`~desktop_ar.services.bank_actions` and :mod:`~desktop_ar.services.bank_receipts`:
  accept a receipt or invoices, create a receipt or an exception, ignore a line;
* :mod:`~desktop_ar.services.bank_closing`: ``undo_match``, ``close_statement``,
  ``reopen_statement``;
* :mod:`~desktop_ar.services.bank_auto`: ``auto_accept``.
"""

from __future__ import annotations

from desktop_ar.services.bank_actions import (
    accept_candidate,
    accept_invoices,
    accept_payment,
    create_exception,
    create_unallocated_payment,
    ignore_line,
)
from desktop_ar.services.bank_auto import AUTO_MARGIN, auto_accept
from desktop_ar.services.bank_closing import close_statement, reopen_statement, undo_match
from desktop_ar.services.bank_import import import_bank_file, line_fingerprint, preview_bank_file
from desktop_ar.services.bank_matching import suggest
from desktop_ar.services.bank_preview import BankTablePreview, preview_bank_table
from desktop_ar.services.bank_templates import (
    BankTemplateInfo,
    list_bank_templates,
    load_bank_template,
    save_bank_template,
)
from desktop_ar.services.bank_views import (
    CandidateView,
    MatchView,
    StatementLineView,
    StatementSummary,
    amount_text,
    get_statement,
    list_statements,
    statement_lines,
)

__all__ = [
    "AUTO_MARGIN",
    "BankTablePreview",
    "BankTemplateInfo",
    "CandidateView",
    "MatchView",
    "StatementLineView",
    "StatementSummary",
    "accept_candidate",
    "accept_invoices",
    "accept_payment",
    "amount_text",
    "auto_accept",
    "close_statement",
    "create_exception",
    "create_unallocated_payment",
    "get_statement",
    "ignore_line",
    "import_bank_file",
    "line_fingerprint",
    "list_bank_templates",
    "list_statements",
    "load_bank_template",
    "preview_bank_file",
    "preview_bank_table",
    "reopen_statement",
    "save_bank_template",
    "statement_lines",
    "suggest",
    "undo_match",
]
