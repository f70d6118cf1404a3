"""Reconciliation (对账): bank statements, matches, customer ledger comparisons, confirmations.

Revision 0005.
Amounts are signed integer minor units: bank lines credit (money in) positive; reconciliation
items as the customer owes us (invoices positive, payments and credits negative).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column

from desktop_ar.db.base import TABLE_ARGS, Base

BANK_FORMATS = ("mt940", "ofx", "camt053", "csv", "xlsx")
BANK_LINE_STATUSES = ("open", "matched", "exception", "ignored")
MATCH_KINDS = ("payment", "new_payment", "exception")
RECON_RESULTS = ("matched", "only_ours", "only_theirs", "amount_difference", "timing")
RECON_ACTIONS = ("", "note", "credit_note", "payment", "dispute")
CONFIRMATION_STATUSES = ("sent", "confirmed", "disputed")


class BankStatement(Base):
    """One imported bank statement (one account, one currency, one period)."""

    __tablename__ = "bank_statements"
    __table_args__ = (
        CheckConstraint("format IN ('mt940', 'ofx', 'camt053', 'csv', 'xlsx')", name="format"),
        CheckConstraint("status IN ('open', 'closed')", name="status"),
        CheckConstraint("length(file_hash) = 64", name="file_hash_length"),
        CheckConstraint("(status = 'closed') = (closed_at IS NOT NULL)", name="closed_has_time"),
        Index("ix_bank_statements_account", "account", "period_start"),
        Index("ix_bank_statements_file_hash", "file_hash"),
        TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_name: Mapped[str] = mapped_column(String(260))
    file_hash: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(10))
    format_detail: Mapped[str] = mapped_column(String(60), default="")
    account: Mapped[str] = mapped_column(String(60), default="")
    account_name: Mapped[str] = mapped_column(String(200), default="")
    bank: Mapped[str] = mapped_column(String(100), default="")
    statement_ref: Mapped[str] = mapped_column(String(60), default="")
    sequence: Mapped[str] = mapped_column(String(20), default="")
    currency: Mapped[str] = mapped_column(String(3))
    period_start: Mapped[date | None] = mapped_column(Date, default=None)
    period_end: Mapped[date | None] = mapped_column(Date, default=None)
    opening_minor: Mapped[int | None] = mapped_column(Integer, default=None)
    closing_minor: Mapped[int | None] = mapped_column(Integer, default=None)
    lines_count: Mapped[int] = mapped_column(Integer, default=0)
    # Non-empty when the lines do not add up from the opening to the closing balance.
    balance_problem: Mapped[str] = mapped_column(Text, default="")
    # Set when the same file (or the same account and period) was imported before.
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("bank_statements.id"), default=None
    )
    notes: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="open")
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    imported_by: Mapped[str] = mapped_column(String(100))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    closed_by: Mapped[str] = mapped_column(String(100), default="")
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version_id}  # noqa: RUF012


class BankLine(Base):
    """One booked line of a bank statement; credits (money in) positive."""

    __tablename__ = "bank_lines"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'matched', 'exception', 'ignored')", name="status"),
        CheckConstraint("seq >= 1", name="seq_positive"),
        Index("ix_bank_lines_statement", "statement_id", "seq", unique=True),
        Index("ix_bank_lines_fingerprint", "fingerprint"),
        Index("ix_bank_lines_amount", "currency", "amount_minor"),
        TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    statement_id: Mapped[int] = mapped_column(ForeignKey("bank_statements.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)
    booking_date: Mapped[date] = mapped_column(Date)
    value_date: Mapped[date | None] = mapped_column(Date, default=None)
    currency: Mapped[str] = mapped_column(String(3))
    amount_minor: Mapped[int] = mapped_column(Integer)
    counterparty_name: Mapped[str] = mapped_column(String(200), default="")
    counterparty_account: Mapped[str] = mapped_column(String(60), default="")
    reference: Mapped[str] = mapped_column(String(140), default="")
    end_to_end_id: Mapped[str] = mapped_column(String(140), default="")
    bank_reference: Mapped[str] = mapped_column(String(60), default="")
    memo: Mapped[str] = mapped_column(Text, default="")
    transaction_code: Mapped[str] = mapped_column(String(40), default="")
    position: Mapped[str] = mapped_column(String(60), default="")
    # account|date|amount|references: the same line in two files has the same fingerprint.
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(10), default="open")
    # Why an ignored line needs no receipt (bank fee, own transfer, supplier payment…).
    explanation: Mapped[str] = mapped_column(Text, default="")
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version_id}  # noqa: RUF012


class BankMatch(Base):
    """A statement line explained by a receipt (recorded or created) or an exception.

    Undoing a match keeps the row (``undone_at``) as a record; a payment can be the live match
    of one line only.
    """

    __tablename__ = "bank_matches"
    __table_args__ = (
        CheckConstraint("kind IN ('payment', 'new_payment', 'exception')", name="kind"),
        CheckConstraint("confidence >= 0 AND confidence <= 100", name="confidence_range"),
        CheckConstraint(
            "(kind = 'exception') = (exception_id IS NOT NULL)", name="exception_has_id"
        ),
        CheckConstraint(
            "kind = 'exception' OR payment_id IS NOT NULL", name="payment_kinds_have_payment"
        ),
        CheckConstraint("auto IN (0, 1)", name="auto_bool"),
        Index("ix_bank_matches_line", "line_id"),
        Index(
            "ix_bank_matches_live_payment",
            "payment_id",
            unique=True,
            sqlite_where=sql_text("undone_at IS NULL AND payment_id IS NOT NULL"),
            postgresql_where=sql_text("undone_at IS NULL AND payment_id IS NOT NULL"),
        ),
        TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    line_id: Mapped[int] = mapped_column(ForeignKey("bank_lines.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(12))
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), default=None)
    exception_id: Mapped[int | None] = mapped_column(
        ForeignKey("payment_exceptions.id"), default=None
    )
    amount_minor: Mapped[int] = mapped_column(Integer)
    confidence: Mapped[int] = mapped_column(Integer, default=100)  # percent
    reasons: Mapped[str] = mapped_column(Text, default="")  # JSON: [[code, {params}], …]
    auto: Mapped[bool] = mapped_column(Boolean, default=False)
    matched_at: Mapped[datetime] = mapped_column(DateTime)
    matched_by: Mapped[str] = mapped_column(String(100))
    undone_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    undone_by: Mapped[str] = mapped_column(String(100), default="")


class CustomerReconciliation(Base):
    """A comparison of our ledger of one customer with the customer's own (与客户对账)."""

    __tablename__ = "customer_reconciliations"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'closed')", name="status"),
        Index("ix_customer_reconciliations_customer", "customer_id", "date_to"),
        TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    currency: Mapped[str] = mapped_column(String(3))
    date_from: Mapped[date | None] = mapped_column(Date, default=None)
    date_to: Mapped[date] = mapped_column(Date)
    file_name: Mapped[str] = mapped_column(String(260), default="")
    file_hash: Mapped[str] = mapped_column(String(64), default="")
    our_closing_minor: Mapped[int] = mapped_column(Integer)
    their_closing_minor: Mapped[int | None] = mapped_column(Integer, default=None)
    status: Mapped[str] = mapped_column(String(10), default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version_id}  # noqa: RUF012


class ReconciliationItem(Base):
    """One line of a customer reconciliation: matched, or a difference to explain."""

    __tablename__ = "reconciliation_items"
    __table_args__ = (
        CheckConstraint(
            "result IN ('matched', 'only_ours', 'only_theirs', 'amount_difference', 'timing')",
            name="result",
        ),
        CheckConstraint(
            "action IN ('', 'note', 'credit_note', 'payment', 'dispute')", name="action"
        ),
        CheckConstraint("resolved IN (0, 1)", name="resolved_bool"),
        Index("ix_reconciliation_items_recon", "reconciliation_id"),
        TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reconciliation_id: Mapped[int] = mapped_column(
        ForeignKey("customer_reconciliations.id", ondelete="CASCADE")
    )
    result: Mapped[str] = mapped_column(String(20))
    our_date: Mapped[date | None] = mapped_column(Date, default=None)
    our_type: Mapped[str] = mapped_column(String(20), default="")
    our_number: Mapped[str] = mapped_column(String(60), default="")
    our_amount_minor: Mapped[int | None] = mapped_column(Integer, default=None)  # signed
    their_row: Mapped[int | None] = mapped_column(Integer, default=None)
    their_date: Mapped[date | None] = mapped_column(Date, default=None)
    their_number: Mapped[str] = mapped_column(String(60), default="")
    their_description: Mapped[str] = mapped_column(Text, default="")
    their_amount_minor: Mapped[int | None] = mapped_column(Integer, default=None)  # signed
    difference_minor: Mapped[int] = mapped_column(Integer, default=0)
    resolved: Mapped[bool] = mapped_column(Boolean, default=False)
    action: Mapped[str] = mapped_column(String(12), default="")
    action_ref: Mapped[str] = mapped_column(String(60), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
    resolved_by: Mapped[str] = mapped_column(String(100), default="")
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version_id}  # noqa: RUF012


class BalanceConfirmation(Base):
    """A balance confirmation (余额确认): sent, confirmed or disputed by the customer."""

    __tablename__ = "balance_confirmations"
    __table_args__ = (
        CheckConstraint("status IN ('sent', 'confirmed', 'disputed')", name="status"),
        Index("ix_balance_confirmations_customer", "customer_id", "as_of"),
        TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"))
    as_of: Mapped[date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    our_balance_minor: Mapped[int] = mapped_column(Integer)
    their_balance_minor: Mapped[int | None] = mapped_column(Integer, default=None)
    status: Mapped[str] = mapped_column(String(10))
    reply_date: Mapped[date | None] = mapped_column(Date, default=None)
    contact_person: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    recorded_at: Mapped[datetime] = mapped_column(DateTime)
    recorded_by: Mapped[str] = mapped_column(String(100))
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version_id}  # noqa: RUF012
