"""schema v1

Revision ID: 0001
Revises:
Create Date: 2026-11-23

The first released schema. Money is INTEGER minor units; every table is STRICT; the
audit log is append-only (triggers refuse UPDATE and DELETE).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import desktop_ar.db.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("entity", sa.String(length=40), nullable=False),
        sa.Column("entity_id", sa.String(length=60), nullable=False),
        sa.Column("before", sa.Text(), nullable=False),
        sa.Column("after", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
        sqlite_strict=True,
    )
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.create_index("ix_audit_log_at", ["at"], unique=False)
        batch_op.create_index("ix_audit_log_entity", ["entity", "entity_id"], unique=False)

    op.create_table(
        "company_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("tax_id", sa.String(length=50), nullable=False),
        sa.Column("phone", sa.String(length=50), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("bank_details", sa.String(length=500), nullable=False),
        sa.Column("base_currency", sa.String(length=3), nullable=False),
        sa.Column("default_terms", sa.String(length=100), nullable=False),
        sa.Column("aging_buckets", sa.String(length=100), nullable=False),
        sa.Column("aging_basis", sa.String(length=10), nullable=False),
        sa.Column("writeoff_tolerance_minor", sa.BigInteger(), nullable=False),
        sa.Column("language", sa.String(length=10), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "aging_basis IN ('due', 'invoice')", name=op.f("ck_company_settings_aging_basis")
        ),
        sa.CheckConstraint("id = 1", name=op.f("ck_company_settings_single_row")),
        sa.CheckConstraint(
            "length(base_currency) = 3", name=op.f("ck_company_settings_base_currency")
        ),
        sa.CheckConstraint(
            "writeoff_tolerance_minor >= 0", name=op.f("ck_company_settings_tolerance_nonneg")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_company_settings")),
        sqlite_strict=True,
    )
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("short_name", sa.String(length=100), nullable=False),
        sa.Column("pinyin_initials", sa.String(length=200), nullable=False),
        sa.Column("pinyin_full", sa.String(length=800), nullable=False),
        sa.Column("customer_type", sa.String(length=20), nullable=False),
        sa.Column("industry", sa.String(length=100), nullable=False),
        sa.Column("region", sa.String(length=100), nullable=False),
        sa.Column("value_tier", sa.String(length=1), nullable=True),
        sa.Column("tags", sa.String(length=500), nullable=False),
        sa.Column("payment_terms", sa.String(length=100), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("credit_limit_minor", sa.BigInteger(), nullable=False),
        sa.Column("credit_grade", sa.String(length=5), nullable=False),
        sa.Column("collector", sa.String(length=100), nullable=False),
        sa.Column("credit_hold", sa.Boolean(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("language", sa.String(length=2), nullable=False),
        sa.Column("tax_id", sa.String(length=50), nullable=False),
        sa.Column("address", sa.String(length=500), nullable=False),
        sa.Column("phone", sa.String(length=50), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "customer_type IN ('key_account', 'sme', 'individual')",
            name=op.f("ck_customers_customer_type"),
        ),
        sa.CheckConstraint("language IN ('zh', 'en')", name=op.f("ck_customers_language")),
        sa.CheckConstraint("status IN ('active', 'inactive')", name=op.f("ck_customers_status")),
        sa.CheckConstraint(
            "value_tier IS NULL OR value_tier IN ('A', 'B', 'C')",
            name=op.f("ck_customers_value_tier"),
        ),
        sa.CheckConstraint("credit_hold IN (0, 1)", name=op.f("ck_customers_credit_hold_bool")),
        sa.CheckConstraint(
            "credit_limit_minor >= 0", name=op.f("ck_customers_credit_limit_nonneg")
        ),
        sa.CheckConstraint(
            "length(code) > 0 AND length(name) > 0", name=op.f("ck_customers_code_name")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customers")),
        sa.UniqueConstraint("code", name=op.f("uq_customers_code")),
        sqlite_strict=True,
    )
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.create_index("ix_customers_collector", ["collector"], unique=False)
        batch_op.create_index("ix_customers_name", ["name"], unique=False)

    op.create_table(
        "number_sequences",
        sa.Column("name", sa.String(length=30), nullable=False),
        sa.Column("prefix", sa.String(length=20), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("next_value", sa.Integer(), nullable=False),
        sa.CheckConstraint("next_value >= 1", name=op.f("ck_number_sequences_next_positive")),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_number_sequences")),
        sqlite_strict=True,
    )
    op.create_table(
        "contacts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("title", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=50), nullable=False),
        sa.Column("mobile", sa.String(length=50), nullable=False),
        sa.Column("email", sa.String(length=200), nullable=False),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("is_primary IN (0, 1)", name=op.f("ck_contacts_is_primary_bool")),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_contacts_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contacts")),
        sqlite_strict=True,
    )
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.create_index("ix_contacts_customer_id", ["customer_id"], unique=False)

    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("order_date", sa.Date(), nullable=False),
        sa.Column("delivery_date", sa.Date(), nullable=True),
        sa.Column("shipped_date", sa.Date(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("exchange_rate", desktop_ar.db.types.DecimalText(length=40), nullable=False),
        sa.Column("payment_terms", sa.String(length=100), nullable=False),
        sa.Column("contract_ref", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("net_minor", sa.BigInteger(), nullable=False),
        sa.Column("tax_minor", sa.BigInteger(), nullable=False),
        sa.Column("total_minor", sa.BigInteger(), nullable=False),
        sa.Column("cost_minor", sa.BigInteger(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('draft', 'confirmed', 'invoiced', 'cancelled')",
            name=op.f("ck_orders_status"),
        ),
        sa.CheckConstraint(
            "net_minor >= 0 AND tax_minor >= 0", name=op.f("ck_orders_amounts_nonneg")
        ),
        sa.CheckConstraint("total_minor = net_minor + tax_minor", name=op.f("ck_orders_total")),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_orders_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_orders")),
        sa.UniqueConstraint("number", name=op.f("uq_orders_number")),
        sqlite_strict=True,
    )
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.create_index("ix_orders_customer_id", ["customer_id", "order_date"], unique=False)
        batch_op.create_index("ix_orders_order_date", ["order_date"], unique=False)

    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("payment_date", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("exchange_rate", desktop_ar.db.types.DecimalText(length=40), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("unallocated_minor", sa.BigInteger(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("payer_name", sa.String(length=200), nullable=False),
        sa.Column("bank_account", sa.String(length=60), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reversed_on", sa.Date(), nullable=True),
        sa.Column("idempotency_key", sa.String(length=64), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(status = 'reversed') = (reversed_on IS NOT NULL)",
            name=op.f("ck_payments_reversed_has_date"),
        ),
        sa.CheckConstraint(
            "method IN ('bank_transfer', 'cash', 'card', 'cheque', 'online', 'other')",
            name=op.f("ck_payments_method"),
        ),
        sa.CheckConstraint("status IN ('posted', 'reversed')", name=op.f("ck_payments_status")),
        sa.CheckConstraint("amount_minor > 0", name=op.f("ck_payments_amount_positive")),
        sa.CheckConstraint(
            "unallocated_minor >= 0 AND unallocated_minor <= amount_minor",
            name=op.f("ck_payments_unallocated_in_range"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_payments_customer_id_customers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_payments_idempotency_key")),
        sa.UniqueConstraint("number", name=op.f("uq_payments_number")),
        sqlite_strict=True,
    )
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.create_index(
            "ix_payments_customer_id", ["customer_id", "payment_date"], unique=False
        )
        batch_op.create_index("ix_payments_payment_date", ["payment_date"], unique=False)
        batch_op.create_index(
            "ix_payments_reversed_on",
            ["reversed_on"],
            unique=False,
            sqlite_where=sa.text("reversed_on IS NOT NULL"),
            postgresql_where=sa.text("reversed_on IS NOT NULL"),
        )
        batch_op.create_index(
            "ix_payments_open",
            ["payment_date"],
            unique=False,
            sqlite_where=sa.text("unallocated_minor > 0 AND status = 'posted'"),
            postgresql_where=sa.text("unallocated_minor > 0 AND status = 'posted'"),
        )

    op.create_table(
        "invoices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=True),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("exchange_rate", desktop_ar.db.types.DecimalText(length=40), nullable=False),
        sa.Column("payment_terms", sa.String(length=100), nullable=False),
        sa.Column("net_minor", sa.BigInteger(), nullable=False),
        sa.Column("tax_minor", sa.BigInteger(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("open_minor", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("fapiao_issued", sa.Boolean(), nullable=False),
        sa.Column("fapiao_number", sa.String(length=40), nullable=False),
        sa.Column("fapiao_date", sa.Date(), nullable=True),
        sa.Column("disputed", sa.Boolean(), nullable=False),
        sa.Column("overdue_reason", sa.String(length=200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'partial', 'paid', 'written_off', 'void')",
            name=op.f("ck_invoices_status"),
        ),
        sa.CheckConstraint(
            "amount_minor = net_minor + tax_minor", name=op.f("ck_invoices_amount_is_net_plus_tax")
        ),
        sa.CheckConstraint("due_date >= issue_date", name=op.f("ck_invoices_due_after_issue")),
        sa.CheckConstraint(
            "fapiao_issued IN (0, 1) AND disputed IN (0, 1)", name=op.f("ck_invoices_bools")
        ),
        sa.CheckConstraint(
            "net_minor >= 0 AND tax_minor >= 0", name=op.f("ck_invoices_amounts_nonneg")
        ),
        sa.CheckConstraint(
            "open_minor >= 0 AND open_minor <= amount_minor", name=op.f("ck_invoices_open_in_range")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_invoices_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["order_id"], ["orders.id"], name=op.f("fk_invoices_order_id_orders")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoices")),
        sa.UniqueConstraint("number", name=op.f("uq_invoices_number")),
        sqlite_strict=True,
    )
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.create_index("ix_invoices_amount_minor", ["amount_minor"], unique=False)
        batch_op.create_index(
            "ix_invoices_customer_id", ["customer_id", "issue_date"], unique=False
        )
        batch_op.create_index("ix_invoices_due_date", ["due_date"], unique=False)
        batch_op.create_index("ix_invoices_issue_date", ["issue_date"], unique=False)
        batch_op.create_index(
            "ix_invoices_open_cover",
            ["customer_id", "currency", "exchange_rate", "issue_date", "status", "open_minor"],
            unique=False,
            sqlite_where=sa.text("open_minor > 0"),
            postgresql_where=sa.text("open_minor > 0"),
        )
        batch_op.create_index("ix_invoices_order_id", ["order_id"], unique=False)
        batch_op.create_index(
            "ix_invoices_search", ["number", "fapiao_number", "customer_id"], unique=False
        )

    op.create_table(
        "order_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=200), nullable=False),
        sa.Column("quantity", desktop_ar.db.types.DecimalText(length=40), nullable=False),
        sa.Column("unit_price_minor", sa.BigInteger(), nullable=False),
        sa.Column("tax_rate", desktop_ar.db.types.DecimalText(length=40), nullable=False),
        sa.Column("unit_cost_minor", sa.BigInteger(), nullable=False),
        sa.Column("net_minor", sa.BigInteger(), nullable=False),
        sa.Column("tax_minor", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "net_minor >= 0 AND tax_minor >= 0", name=op.f("ck_order_lines_amounts_nonneg")
        ),
        sa.CheckConstraint(
            "unit_price_minor >= 0 AND unit_cost_minor >= 0",
            name=op.f("ck_order_lines_prices_nonneg"),
        ),
        sa.ForeignKeyConstraint(
            ["order_id"],
            ["orders.id"],
            name=op.f("fk_order_lines_order_id_orders"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_order_lines")),
        sqlite_strict=True,
    )
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.create_index("ix_order_lines_order_id", ["order_id", "line_no"], unique=True)

    op.create_table(
        "credit_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=40), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=True),
        sa.Column("issue_date", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("exchange_rate", desktop_ar.db.types.DecimalText(length=40), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("unallocated_minor", sa.BigInteger(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'applied', 'void')", name=op.f("ck_credit_notes_status")
        ),
        sa.CheckConstraint("amount_minor > 0", name=op.f("ck_credit_notes_amount_positive")),
        sa.CheckConstraint(
            "unallocated_minor >= 0 AND unallocated_minor <= amount_minor",
            name=op.f("ck_credit_notes_unallocated_in_range"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_credit_notes_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_credit_notes_invoice_id_invoices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_credit_notes")),
        sa.UniqueConstraint("number", name=op.f("uq_credit_notes_number")),
        sqlite_strict=True,
    )
    with op.batch_alter_table("credit_notes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_credit_notes_customer_id", ["customer_id", "issue_date"], unique=False
        )
        batch_op.create_index(
            "ix_credit_notes_open",
            ["issue_date"],
            unique=False,
            sqlite_where=sa.text("unallocated_minor > 0 AND status <> 'void'"),
            postgresql_where=sa.text("unallocated_minor > 0 AND status <> 'void'"),
        )

    op.create_table(
        "invoice_schedule_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("open_minor", sa.BigInteger(), nullable=False),
        sa.Column("discount_until", sa.Date(), nullable=True),
        sa.Column("discount_minor", sa.BigInteger(), nullable=False),
        sa.CheckConstraint(
            "amount_minor > 0", name=op.f("ck_invoice_schedule_lines_amount_positive")
        ),
        sa.CheckConstraint(
            "discount_minor >= 0 AND discount_minor <= amount_minor",
            name=op.f("ck_invoice_schedule_lines_discount"),
        ),
        sa.CheckConstraint(
            "open_minor >= 0 AND open_minor <= amount_minor",
            name=op.f("ck_invoice_schedule_lines_open_in_range"),
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"],
            ["invoices.id"],
            name=op.f("fk_invoice_schedule_lines_invoice_id_invoices"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invoice_schedule_lines")),
        sqlite_strict=True,
    )
    with op.batch_alter_table("invoice_schedule_lines", schema=None) as batch_op:
        batch_op.create_index("ix_schedule_invoice_seq", ["invoice_id", "seq"], unique=True)
        batch_op.create_index(
            "ix_schedule_open_due",
            ["due_date"],
            unique=False,
            sqlite_where=sa.text("open_minor > 0"),
            postgresql_where=sa.text("open_minor > 0"),
        )
        batch_op.create_index(
            "ix_schedule_open_cover",
            ["invoice_id", "due_date", "open_minor"],
            unique=False,
            sqlite_where=sa.text("open_minor > 0"),
            postgresql_where=sa.text("open_minor > 0"),
        )

    op.create_table(
        "write_offs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("write_off_date", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("approved_by", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('small_difference', 'discount', 'bad_debt')", name=op.f("ck_write_offs_kind")
        ),
        sa.CheckConstraint("amount_minor > 0", name=op.f("ck_write_offs_amount_positive")),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_write_offs_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_write_offs_invoice_id_invoices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_write_offs")),
        sqlite_strict=True,
    )
    with op.batch_alter_table("write_offs", schema=None) as batch_op:
        batch_op.create_index("ix_write_offs_customer_id", ["customer_id"], unique=False)

    op.create_table(
        "allocations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("credit_note_id", sa.Integer(), nullable=True),
        sa.Column("write_off_id", sa.Integer(), nullable=True),
        sa.Column("schedule_line_id", sa.Integer(), nullable=False),
        sa.Column("invoice_id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("allocation_date", sa.Date(), nullable=False),
        sa.Column("reversed_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(payment_id IS NOT NULL) + (credit_note_id IS NOT NULL) + (write_off_id IS NOT NULL) = 1",
            name=op.f("ck_allocations_one_source"),
        ),
        sa.CheckConstraint("amount_minor > 0", name=op.f("ck_allocations_amount_positive")),
        sa.ForeignKeyConstraint(
            ["credit_note_id"],
            ["credit_notes.id"],
            name=op.f("fk_allocations_credit_note_id_credit_notes"),
        ),
        sa.ForeignKeyConstraint(
            ["invoice_id"], ["invoices.id"], name=op.f("fk_allocations_invoice_id_invoices")
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_allocations_payment_id_payments")
        ),
        sa.ForeignKeyConstraint(
            ["schedule_line_id"],
            ["invoice_schedule_lines.id"],
            name=op.f("fk_allocations_schedule_line_id_invoice_schedule_lines"),
        ),
        sa.ForeignKeyConstraint(
            ["write_off_id"], ["write_offs.id"], name=op.f("fk_allocations_write_off_id_write_offs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_allocations")),
        sqlite_strict=True,
    )
    with op.batch_alter_table("allocations", schema=None) as batch_op:
        batch_op.create_index("ix_allocations_credit_note_id", ["credit_note_id"], unique=False)
        batch_op.create_index("ix_allocations_invoice_id", ["invoice_id"], unique=False)
        batch_op.create_index("ix_allocations_payment_id", ["payment_id"], unique=False)
        batch_op.create_index("ix_allocations_schedule_line_id", ["schedule_line_id"], unique=False)
        batch_op.create_index("ix_allocations_allocation_date", ["allocation_date"], unique=False)
        batch_op.create_index(
            "ix_allocations_reversed_on",
            ["reversed_on"],
            unique=False,
            sqlite_where=sa.text("reversed_on IS NOT NULL"),
            postgresql_where=sa.text("reversed_on IS NOT NULL"),
        )
        batch_op.create_index("ix_allocations_write_off_id", ["write_off_id"], unique=False)

    op.create_table(
        "refunds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("credit_note_id", sa.Integer(), nullable=True),
        sa.Column("refund_date", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("method", sa.String(length=20), nullable=False),
        sa.Column("reference", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(
            "(payment_id IS NOT NULL) + (credit_note_id IS NOT NULL) = 1",
            name=op.f("ck_refunds_one_source"),
        ),
        sa.CheckConstraint("amount_minor > 0", name=op.f("ck_refunds_amount_positive")),
        sa.ForeignKeyConstraint(
            ["credit_note_id"],
            ["credit_notes.id"],
            name=op.f("fk_refunds_credit_note_id_credit_notes"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name=op.f("fk_refunds_customer_id_customers")
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_refunds_payment_id_payments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refunds")),
        sqlite_strict=True,
    )
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.create_index("ix_refunds_customer_id", ["customer_id"], unique=False)

    if op.get_bind().dialect.name == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_log_no_{verb.lower()} BEFORE {verb} ON audit_log "
                "BEGIN SELECT RAISE(ABORT, 'audit rows are append-only'); END"
            )
    elif op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'audit rows are append-only'; END $$"
        )
        op.execute(
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
            "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()"
        )
    op.bulk_insert(
        sa.table(
            "number_sequences",
            sa.column("name", sa.String),
            sa.column("prefix", sa.String),
            sa.column("width", sa.Integer),
            sa.column("next_value", sa.Integer),
        ),
        [
            {"name": "invoice", "prefix": "INV-", "width": 6, "next_value": 1},
            {"name": "order", "prefix": "SO-", "width": 6, "next_value": 1},
            {"name": "payment", "prefix": "RC-", "width": 6, "next_value": 1},
            {"name": "credit_note", "prefix": "CN-", "width": 6, "next_value": 1},
            {"name": "customer", "prefix": "C", "width": 5, "next_value": 1},
        ],
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for verb in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS audit_log_no_{verb}")
    elif op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    with op.batch_alter_table("refunds", schema=None) as batch_op:
        batch_op.drop_index("ix_refunds_customer_id")

    op.drop_table("refunds")
    with op.batch_alter_table("allocations", schema=None) as batch_op:
        batch_op.drop_index("ix_allocations_write_off_id")
        batch_op.drop_index("ix_allocations_schedule_line_id")
        batch_op.drop_index("ix_allocations_payment_id")
        batch_op.drop_index("ix_allocations_invoice_id")
        batch_op.drop_index("ix_allocations_credit_note_id")

    op.drop_table("allocations")
    with op.batch_alter_table("write_offs", schema=None) as batch_op:
        batch_op.drop_index("ix_write_offs_customer_id")

    op.drop_table("write_offs")
    with op.batch_alter_table("invoice_schedule_lines", schema=None) as batch_op:
        batch_op.drop_index(
            "ix_schedule_open_due",
            sqlite_where=sa.text("open_minor > 0"),
            postgresql_where=sa.text("open_minor > 0"),
        )
        batch_op.drop_index("ix_schedule_invoice_seq")

    op.drop_table("invoice_schedule_lines")
    with op.batch_alter_table("credit_notes", schema=None) as batch_op:
        batch_op.drop_index("ix_credit_notes_customer_id")

    op.drop_table("credit_notes")
    with op.batch_alter_table("order_lines", schema=None) as batch_op:
        batch_op.drop_index("ix_order_lines_order_id")

    op.drop_table("order_lines")
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_index("ix_invoices_order_id")
        batch_op.drop_index(
            "ix_invoices_open_cover",
            sqlite_where=sa.text("open_minor > 0"),
            postgresql_where=sa.text("open_minor > 0"),
        )
        batch_op.drop_index("ix_invoices_issue_date")
        batch_op.drop_index("ix_invoices_due_date")
        batch_op.drop_index("ix_invoices_customer_id")
        batch_op.drop_index("ix_invoices_amount_minor")

    op.drop_table("invoices")
    with op.batch_alter_table("payments", schema=None) as batch_op:
        batch_op.drop_index("ix_payments_payment_date")
        batch_op.drop_index("ix_payments_customer_id")

    op.drop_table("payments")
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_index("ix_orders_order_date")
        batch_op.drop_index("ix_orders_customer_id")

    op.drop_table("orders")
    with op.batch_alter_table("contacts", schema=None) as batch_op:
        batch_op.drop_index("ix_contacts_customer_id")

    op.drop_table("contacts")
    op.drop_table("number_sequences")
    with op.batch_alter_table("customers", schema=None) as batch_op:
        batch_op.drop_index("ix_customers_name")
        batch_op.drop_index("ix_customers_collector")

    op.drop_table("customers")
    op.drop_table("company_settings")
    with op.batch_alter_table("audit_log", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_log_entity")
        batch_op.drop_index("ix_audit_log_at")

    op.drop_table("audit_log")
