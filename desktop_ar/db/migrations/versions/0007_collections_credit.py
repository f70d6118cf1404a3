"""collections and credit management

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23

Promises to pay, issued dunning notices and the items they listed, bad-debt write-off requests
with approval, and credit-policy classes; collections flags on invoices (legal stage, credit
insurance, factoring); the customer's class, automatic credit hold and last credit score; the
company's collections settings. Existing tables only gain columns (no table is rebuilt).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import desktop_ar.db.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def _bool(table: str, name: str) -> sa.Column:
    return sa.Column(
        name,
        sa.Boolean(),
        sa.CheckConstraint(f"{name} IN (0, 1)", name=op.f(f"ck_{table}_{name}_bool")),
        server_default="0",
        nullable=False,
    )


def _days(name: str, check: str, default: str) -> sa.Column:
    return sa.Column(
        name,
        sa.Integer(),
        sa.CheckConstraint(f"{name} >= 0", name=op.f(f"ck_company_settings_{check}")),
        server_default=default,
        nullable=False,
    )


def upgrade() -> None:
    op.create_table(
        "customer_classes",
        sa.Column("code", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("payment_terms", sa.String(length=100), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("credit_limit_minor", sa.BigInteger(), nullable=False),
        sa.Column("discount", desktop_ar.db.types.DecimalText(length=40), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "credit_limit_minor >= 0", name=op.f("ck_customer_classes_limit_nonneg")
        ),
        sa.CheckConstraint("length(trim(code)) > 0", name=op.f("ck_customer_classes_code_set")),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_customer_classes")),
        sqlite_strict=True,
    )
    op.create_table(
        "dunning_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("lang", sa.String(length=2), nullable=False),
        sa.Column("totals_json", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("pdf_file", sa.String(length=400), nullable=False),
        sa.Column("email_file", sa.String(length=400), nullable=False),
        sa.Column("issued_at", sa.DateTime(), nullable=False),
        sa.Column("issued_by", sa.String(length=100), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("lang IN ('en', 'zh')", name=op.f("ck_dunning_notices_lang")),
        sa.CheckConstraint(
            "status IN ('issued', 'resolved', 'cancelled')", name=op.f("ck_dunning_notices_status")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_dunning_notices_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["level"],
            ["dunning_levels.level"],
            name=op.f("fk_dunning_notices_level_dunning_levels"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dunning_notices")),
        sqlite_strict=True,
    )
    op.create_index(
        "ix_dunning_notices_customer", "dunning_notices", ["customer_id", "as_of"], unique=False
    )
    op.create_table(
        "promises_to_pay",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        sa.Column("contact_log_id", sa.Integer(), nullable=True),
        sa.Column("made_on", sa.Date(), nullable=False),
        sa.Column("promised_date", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("paid_minor", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'kept', 'partly_kept', 'broken', 'cancelled')",
            name=op.f("ck_promises_to_pay_status"),
        ),
        sa.CheckConstraint("amount_minor > 0", name=op.f("ck_promises_to_pay_amount_positive")),
        sa.CheckConstraint("paid_minor >= 0", name=op.f("ck_promises_to_pay_paid_nonneg")),
        sa.CheckConstraint("promised_date >= made_on", name=op.f("ck_promises_to_pay_after_made")),
        sa.ForeignKeyConstraint(
            ["contact_log_id"],
            ["contact_log.id"],
            name=op.f("fk_promises_to_pay_contact_log_id_contact_log"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_promises_to_pay_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_promises_to_pay_invoice_id_invoices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promises_to_pay")),
        sqlite_strict=True,
    )
    op.create_index(
        "ix_promises_to_pay_customer",
        "promises_to_pay",
        ["customer_id", "promised_date"],
        unique=False,
    )
    op.create_index(
        "ix_promises_to_pay_status", "promises_to_pay", ["status", "promised_date"], unique=False
    )
    op.create_table(
        "dunning_notice_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("schedule_line_id", sa.Integer(), nullable=True),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("days_overdue", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("outstanding_minor", sa.BigInteger(), nullable=False),
        sa.Column("interest_minor", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "interest_minor >= 0", name=op.f("ck_dunning_notice_items_interest_nonneg")
        ),
        sa.CheckConstraint(
            "outstanding_minor > 0", name=op.f("ck_dunning_notice_items_outstanding_positive")
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_dunning_notice_items_invoice_id_invoices"),
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["dunning_notices.id"],
            name=op.f("fk_dunning_notice_items_notice_id_dunning_notices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["schedule_line_id"],
            ["invoice_schedule_lines.id"],
            name=op.f("fk_dunning_notice_items_schedule_line_id_invoice_schedule_lines"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dunning_notice_items")),
        sqlite_strict=True,
    )
    op.create_index(
        "ix_dunning_notice_items_invoice", "dunning_notice_items", ["invoice_id"], unique=False
    )
    op.create_index(
        "ix_dunning_notice_items_notice", "dunning_notice_items", ["notice_id"], unique=False
    )
    op.create_table(
        "write_off_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("requested_by", sa.String(length=100), nullable=False),
        sa.Column("requested_at", sa.DateTime(), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decision_note", sa.Text(), nullable=False),
        sa.Column("write_off_id", sa.Integer(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'rejected')",
            name=op.f("ck_write_off_requests_status"),
        ),
        sa.CheckConstraint("amount_minor > 0", name=op.f("ck_write_off_requests_amount_positive")),
        sa.CheckConstraint(
            "length(trim(reason)) > 0", name=op.f("ck_write_off_requests_reason_set")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_write_off_requests_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_write_off_requests_invoice_id_invoices")
        ),
        sa.ForeignKeyConstraint(
            ["write_off_id"],
            ["write_offs.id"],
            name=op.f("fk_write_off_requests_write_off_id_write_offs"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_write_off_requests")),
        sqlite_strict=True,
    )
    op.create_index(
        "ix_write_off_requests_status",
        "write_off_requests",
        ["status", "requested_at"],
        unique=False,
    )
    with op.batch_alter_table("company_settings", schema=None) as batch_op:
        batch_op.add_column(_days("credit_hold_overdue_days", "hold_days", "0"))
        batch_op.add_column(_days("reminder_days_before_due", "reminder_days", "5"))
        batch_op.add_column(_days("promise_grace_days", "grace_days", "3"))
        batch_op.add_column(_days("dunning_interval_days", "interval_days", "14"))
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("customer_class", sa.String(length=20), nullable=True))
        batch_op.add_column(_bool("customers", "credit_hold_auto"))
        batch_op.add_column(sa.Column("credit_score", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("credit_scored_on", sa.Date(), nullable=True))
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.add_column(_bool("invoices", "legal_stage"))
        batch_op.add_column(_bool("invoices", "credit_insured"))
        batch_op.add_column(_bool("invoices", "factored"))
    _create_dashboard_indexes()


def _create_dashboard_indexes() -> None:
    """Covering indexes the dashboard reads instead of the tables (a million invoices)."""
    op.create_index(
        "ix_invoices_issued_cover",
        "invoices",
        ["issue_date", "currency", "exchange_rate", "status", "amount_minor"],
        unique=False,
    )
    op.create_index(
        "ix_invoices_order_cover",
        "invoices",
        ["order_id", "issue_date", "status", "open_minor"],
        unique=False,
        sqlite_where=sa.text("order_id IS NOT NULL"),
        postgresql_where=sa.text("order_id IS NOT NULL"),
    )
    op.create_index(
        "ix_payments_received_cover",
        "payments",
        ["payment_date", "currency", "exchange_rate", "amount_minor", "reversed_on"],
        unique=False,
        sqlite_where=sa.text("customer_id IS NOT NULL"),
        postgresql_where=sa.text("customer_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.drop_index("ix_payments_received_cover", table_name="payments")
    op.drop_index("ix_invoices_order_cover", table_name="invoices")
    op.drop_index("ix_invoices_issued_cover", table_name="invoices")
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        for name in ("factored", "credit_insured", "legal_stage"):
            batch_op.drop_column(name)
    with op.batch_alter_table("customers", schema=None) as batch_op:
        for name in ("credit_scored_on", "credit_score", "credit_hold_auto", "customer_class"):
            batch_op.drop_column(name)
    with op.batch_alter_table("company_settings", schema=None) as batch_op:
        for name in (
            "dunning_interval_days",
            "promise_grace_days",
            "reminder_days_before_due",
            "credit_hold_overdue_days",
        ):
            batch_op.drop_column(name)
    op.drop_table("write_off_requests")
    op.drop_table("dunning_notice_items")
    op.drop_table("promises_to_pay")
    op.drop_table("dunning_notices")
    op.drop_table("customer_classes")
