"""collections workflow

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Customer activity (contact log, disputes), the payment exceptions queue, order instalment
plans and confirmation data, invoice lines, delivered/invoiced quantities, overdue reasons and
agreed measures, and the credit and exception policy settings. Existing tables only gain
columns (ALTER TABLE ADD COLUMN, with column CHECKs), so no table is rebuilt.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import desktop_ar.db.types

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contact_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("log_date", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("contact_person", sa.String(length=100), nullable=False),
        sa.Column("staff", sa.String(length=100), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("next_follow_up", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('call', 'email', 'visit', 'feedback', 'complaint')",
            name=op.f("ck_contact_log_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_contact_log_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_log")),
        sqlite_strict=True,
    )
    with op.batch_alter_table("contact_log", schema=None) as batch_op:
        batch_op.create_index("ix_contact_log_customer", ["customer_id", "log_date"], unique=False)
        batch_op.create_index(
            "ix_contact_log_follow_up",
            ["next_follow_up"],
            unique=False,
            sqlite_where=sa.text("next_follow_up IS NOT NULL"),
            postgresql_where=sa.text("next_follow_up IS NOT NULL"),
        )

    op.create_table(
        "order_instalments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("amount_minor > 0", name=op.f("ck_order_instalments_amount_positive")),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_instalments_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_instalments")),
        sqlite_strict=True,
    )
    with op.batch_alter_table("order_instalments", schema=None) as batch_op:
        batch_op.create_index("ix_order_instalments_order_seq", ["order_id", "seq"], unique=True)

    op.create_table(
        "disputes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(status = 'resolved') = (resolved_on IS NOT NULL)",
            name=op.f("ck_disputes_resolved_has_date"),
        ),
        sa.CheckConstraint("status IN ('open', 'resolved')", name=op.f("ck_disputes_status")),
        sa.CheckConstraint("amount_minor >= 0", name=op.f("ck_disputes_amount_nonneg")),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_disputes_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_disputes_invoice_id_invoices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_disputes")),
        sqlite_strict=True,
    )
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.create_index("ix_disputes_customer", ["customer_id", "opened_on"], unique=False)
        batch_op.create_index("ix_disputes_invoice", ["invoice_id"], unique=False)

    op.create_table(
        "invoice_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("order_line_id", sa.Integer(), nullable=True),
        sa.Column("item", sa.String(length=200), nullable=False),
        sa.Column("quantity", desktop_ar.db.types.DecimalText(length=40), nullable=False),
        sa.Column("unit_price_minor", sa.BigInteger(), nullable=False),
        sa.Column("tax_rate", desktop_ar.db.types.DecimalText(length=40), nullable=False),
        sa.Column("unit_cost_minor", sa.BigInteger(), nullable=False),
        sa.Column("net_minor", sa.BigInteger(), nullable=False),
        sa.Column("tax_minor", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "net_minor >= 0 AND tax_minor >= 0", name=op.f("ck_invoice_lines_amounts_nonneg")
        ),
        sa.CheckConstraint(
            "unit_price_minor >= 0 AND unit_cost_minor >= 0",
            name=op.f("ck_invoice_lines_prices_nonneg"),
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_invoice_lines_invoice_id_invoices"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["order_line_id"],
            ["order_lines.id"],
            name=op.f("fk_invoice_lines_order_line_id_order_lines"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_lines")),
        sqlite_strict=True,
    )
    with op.batch_alter_table("invoice_lines", schema=None) as batch_op:
        batch_op.create_index(
            "ix_invoice_lines_invoice_line", ["invoice_id", "line_no"], unique=True
        )
        batch_op.create_index("ix_invoice_lines_order_line", ["order_line_id"], unique=False)

    op.create_table(
        "payment_exceptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("detected_on", sa.Date(), nullable=False),
        sa.Column("cause", sa.Text(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("owner", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("resolution", sa.Text(), nullable=False),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(status = 'resolved') = (resolved_on IS NOT NULL)",
            name=op.f("ck_payment_exceptions_resolved_has_date"),
        ),
        sa.CheckConstraint(
            "kind IN ('short_payment', 'overpayment', 'late_payment', 'unidentified', 'duplicate', 'disputed_invoice')",
            name=op.f("ck_payment_exceptions_kind"),
        ),
        sa.CheckConstraint(
            "status IN ('open', 'in_progress', 'resolved')",
            name=op.f("ck_payment_exceptions_status"),
        ),
        sa.CheckConstraint("amount_minor >= 0", name=op.f("ck_payment_exceptions_amount_nonneg")),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_payment_exceptions_customer_id_customers"),
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_payment_exceptions_invoice_id_invoices")
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_payment_exceptions_payment_id_payments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payment_exceptions")),
        sqlite_strict=True,
    )
    with op.batch_alter_table("payment_exceptions", schema=None) as batch_op:
        batch_op.create_index("ix_payment_exceptions_customer", ["customer_id"], unique=False)
        batch_op.create_index("ix_payment_exceptions_payment", ["payment_id"], unique=False)
        batch_op.create_index(
            "ix_payment_exceptions_status", ["status", "detected_on"], unique=False
        )

    op.create_table(
        "exception_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exception_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("author", sa.String(length=100), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["exception_id"],
            ["payment_exceptions.id"],
            name=op.f("fk_exception_notes_exception_id_payment_exceptions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_exception_notes")),
        sqlite_strict=True,
    )
    with op.batch_alter_table("exception_notes", schema=None) as batch_op:
        batch_op.create_index("ix_exception_notes_exception", ["exception_id", "at"], unique=False)

    with op.batch_alter_table("company_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "credit_block_overdue_days",
                sa.Integer(),
                sa.CheckConstraint(
                    "credit_block_overdue_days >= 0", name=op.f("ck_company_settings_block_days")
                ),
                server_default="60",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column(
                "duplicate_window_days",
                sa.Integer(),
                sa.CheckConstraint(
                    "duplicate_window_days >= 0", name=op.f("ck_company_settings_duplicate_days")
                ),
                server_default="5",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column(
                "late_payment_days",
                sa.Integer(),
                sa.CheckConstraint(
                    "late_payment_days >= 0", name=op.f("ck_company_settings_late_days")
                ),
                server_default="1",
                nullable=False,
            )
        )

    # A plain ADD COLUMN with an inline REFERENCES (no table rebuild): the receipt a discount or
    # small difference was written off with. Alembic only adds a foreign key to an SQLite table
    # by rebuilding it, so SQLite gets the column-level constraint in plain SQL.
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            "ALTER TABLE write_offs ADD COLUMN payment_id INTEGER"
            " CONSTRAINT fk_write_offs_payment_id_payments REFERENCES payments (id)"
        )
    else:
        op.add_column("write_offs", sa.Column("payment_id", sa.Integer(), nullable=True))
        op.create_foreign_key(
            op.f("fk_write_offs_payment_id_payments"),
            "write_offs",
            "payments",
            ["payment_id"],
            ["id"],
        )
    op.create_index("ix_write_offs_payment_id", "write_offs", ["payment_id"], unique=False)

    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "overdue_reason_code",
                sa.String(length=20),
                sa.CheckConstraint(
                    "overdue_reason_code IS NULL OR overdue_reason_code IN ('funds_tight', 'order_error', 'dispute', 'quality_complaint', 'other')",
                    name=op.f("ck_invoices_overdue_reason_code"),
                ),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column(
                "agreed_measure",
                sa.String(length=20),
                sa.CheckConstraint(
                    "agreed_measure IS NULL OR agreed_measure IN ('extended_due_date', 'instalment_plan', 'other')",
                    name=op.f("ck_invoices_agreed_measure"),
                ),
                nullable=True,
            )
        )
        batch_op.add_column(sa.Column("measure_note", sa.Text(), server_default="", nullable=False))

    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "delivered_quantity",
                desktop_ar.db.types.DecimalText(length=40),
                server_default="0",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column(
                "invoiced_quantity",
                desktop_ar.db.types.DecimalText(length=40),
                server_default="0",
                nullable=False,
            )
        )

    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("shipment_ref", sa.String(length=100), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("confirmed_at", sa.DateTime(), nullable=True))
        batch_op.add_column(
            sa.Column("confirmed_by", sa.String(length=100), server_default="", nullable=False)
        )
        batch_op.add_column(sa.Column("credit_check", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(
            sa.Column(
                "credit_override_by", sa.String(length=100), server_default="", nullable=False
            )
        )
        batch_op.add_column(
            sa.Column("credit_override_reason", sa.Text(), server_default="", nullable=False)
        )
        batch_op.add_column(
            sa.Column("cancel_reason", sa.Text(), server_default="", nullable=False)
        )


def downgrade() -> None:
    op.drop_index("ix_write_offs_payment_id", table_name="write_offs")
    with op.batch_alter_table("write_offs", schema=None) as batch_op:
        batch_op.drop_column("payment_id")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("cancel_reason")
        batch_op.drop_column("credit_override_reason")
        batch_op.drop_column("credit_override_by")
        batch_op.drop_column("credit_check")
        batch_op.drop_column("confirmed_by")
        batch_op.drop_column("confirmed_at")
        batch_op.drop_column("shipment_ref")

    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.drop_column("invoiced_quantity")
        batch_op.drop_column("delivered_quantity")

    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_column("measure_note")
        batch_op.drop_column("agreed_measure")
        batch_op.drop_column("overdue_reason_code")

    with op.batch_alter_table("company_settings", schema=None) as batch_op:
        batch_op.drop_column("late_payment_days")
        batch_op.drop_column("duplicate_window_days")
        batch_op.drop_column("credit_block_overdue_days")

    with op.batch_alter_table("exception_notes", schema=None) as batch_op:
        batch_op.drop_index("ix_exception_notes_exception")

    op.drop_table("exception_notes")
    with op.batch_alter_table("payment_exceptions", schema=None) as batch_op:
        batch_op.drop_index("ix_payment_exceptions_status")
        batch_op.drop_index("ix_payment_exceptions_payment")
        batch_op.drop_index("ix_payment_exceptions_customer")

    op.drop_table("payment_exceptions")
    with op.batch_alter_table("invoice_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_invoice_lines_order_line")
        batch_op.drop_index("ix_invoice_lines_invoice_line")

    op.drop_table("invoice_lines")
    with op.batch_alter_table("disputes", schema=None) as batch_op:
        batch_op.drop_index("ix_disputes_invoice")
        batch_op.drop_index("ix_disputes_customer")

    op.drop_table("disputes")
    with op.batch_alter_table("order_instalments", schema=None) as batch_op:
        batch_op.drop_index("ix_order_instalments_order_seq")

    op.drop_table("order_instalments")
    with op.batch_alter_table("contact_log", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_contact_log_follow_up",
            sqlite_where=sa.text("next_follow_up IS NOT NULL"),
            postgresql_where=sa.text("next_follow_up IS NOT NULL"),
        )
        batch_op.drop_index("ix_contact_log_customer")

    op.drop_table("contact_log")
