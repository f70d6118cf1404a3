"""reconciliation

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23

Bank statements with their lines and matches, customer reconciliations with their items, and
balance confirmations (issue 6). Import templates may also hold bank-export and customer-ledger
mappings: the kind CHECK of ``import_templates`` is widened (a small table, rebuilt on SQLite).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_OLD_KINDS = "'customers', 'invoices', 'payments', 'orders', 'opening_balances'"
_NEW_KINDS = _OLD_KINDS + ", 'bank_lines', 'customer_ledger'"

_TEMPLATES_DDL = """CREATE TABLE import_templates (
    id INTEGER NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    header_signature TEXT NOT NULL,
    header_row INTEGER,
    mapping_json TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version_id INTEGER NOT NULL,
    CONSTRAINT pk_import_templates PRIMARY KEY (id),
    CONSTRAINT ck_import_templates_kind CHECK (kind IN ({kinds})),
    CONSTRAINT ck_import_templates_name_set CHECK (length(trim(name)) > 0),
    CONSTRAINT ck_import_templates_header_row CHECK (header_row IS NULL OR header_row >= 1),
    CONSTRAINT uq_import_templates_kind UNIQUE (kind, name)
) STRICT"""
_COLUMNS = (
    "id, name, kind, header_signature, header_row, mapping_json, created_at, created_by,"
    " updated_at, version_id"
)


def _template_kinds(kinds: str) -> None:
    """Replace the kind CHECK of import_templates (SQLite: rebuild the table, keep its rows)."""
    if op.get_bind().dialect.name != "sqlite":
        op.drop_constraint("ck_import_templates_kind", "import_templates", type_="check")
        op.create_check_constraint(
            "ck_import_templates_kind", "import_templates", f"kind IN ({kinds})"
        )
        return
    op.execute("ALTER TABLE import_templates RENAME TO _import_templates_old")
    op.execute("DROP INDEX ix_import_templates_signature")
    op.execute(_TEMPLATES_DDL.format(kinds=kinds))
    op.execute(
        f"INSERT INTO import_templates ({_COLUMNS}) SELECT {_COLUMNS} FROM _import_templates_old"
    )
    op.execute("DROP TABLE _import_templates_old")
    op.execute(
        "CREATE INDEX ix_import_templates_signature ON import_templates (kind, header_signature)"
    )


def upgrade() -> None:
    _template_kinds(_NEW_KINDS)
    op.create_table(
        "bank_statements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_name", sa.String(length=260), nullable=False),
        sa.Column("file_hash", sa.String(length=64), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("format_detail", sa.String(length=60), nullable=False),
        sa.Column("account", sa.String(length=60), nullable=False),
        sa.Column("account_name", sa.String(length=200), nullable=False),
        sa.Column("bank", sa.String(length=100), nullable=False),
        sa.Column("statement_ref", sa.String(length=60), nullable=False),
        sa.Column("sequence", sa.String(length=20), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("period_start", sa.Date(), nullable=True),
        sa.Column("period_end", sa.Date(), nullable=True),
        sa.Column("opening_minor", sa.Integer(), nullable=True),
        sa.Column("closing_minor", sa.Integer(), nullable=True),
        sa.Column("lines_count", sa.Integer(), nullable=False),
        sa.Column("balance_problem", sa.Text(), nullable=False),
        sa.Column("duplicate_of_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("imported_by", sa.String(length=100), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("closed_by", sa.String(length=100), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "(status = 'closed') = (closed_at IS NOT NULL)",
            name=op.f("ck_bank_statements_closed_has_time"),
        ),
        sa.CheckConstraint(
            "format IN ('mt940', 'ofx', 'camt053', 'csv', 'xlsx')",
            name=op.f("ck_bank_statements_format"),
        ),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_bank_statements_status")),
        sa.CheckConstraint(
            "length(file_hash) = 64", name=op.f("ck_bank_statements_file_hash_length")
        ),
        sa.ForeignKeyConstraint(
            ["duplicate_of_id"],
            ["bank_statements.id"],
            name=op.f("fk_bank_statements_duplicate_of_id_bank_statements"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_statements")),
        sqlite_strict=True,
    )
    op.create_index(
        "ix_bank_statements_account", "bank_statements", ["account", "period_start"], unique=False
    )
    op.create_index("ix_bank_statements_file_hash", "bank_statements", ["file_hash"], unique=False)
    op.create_table(
        "balance_confirmations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("our_balance_minor", sa.Integer(), nullable=False),
        sa.Column("their_balance_minor", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("reply_date", sa.Date(), nullable=True),
        sa.Column("contact_person", sa.String(length=100), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_by", sa.String(length=100), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('sent', 'confirmed', 'disputed')",
            name=op.f("ck_balance_confirmations_status"),
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_balance_confirmations_customer_id_customers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_balance_confirmations")),
        sqlite_strict=True,
    )
    op.create_index(
        "ix_balance_confirmations_customer",
        "balance_confirmations",
        ["customer_id", "as_of"],
        unique=False,
    )
    op.create_table(
        "bank_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("statement_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("booking_date", sa.Date(), nullable=False),
        sa.Column("value_date", sa.Date(), nullable=True),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("amount_minor", sa.Integer(), nullable=False),
        sa.Column("counterparty_name", sa.String(length=200), nullable=False),
        sa.Column("counterparty_account", sa.String(length=60), nullable=False),
        sa.Column("reference", sa.String(length=140), nullable=False),
        sa.Column("end_to_end_id", sa.String(length=140), nullable=False),
        sa.Column("bank_reference", sa.String(length=60), nullable=False),
        sa.Column("memo", sa.Text(), nullable=False),
        sa.Column("transaction_code", sa.String(length=40), nullable=False),
        sa.Column("position", sa.String(length=60), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("explanation", sa.Text(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'matched', 'exception', 'ignored')",
            name=op.f("ck_bank_lines_status"),
        ),
        sa.CheckConstraint("seq >= 1", name=op.f("ck_bank_lines_seq_positive")),
        sa.ForeignKeyConstraint(
            ["statement_id"],
            ["bank_statements.id"],
            name=op.f("fk_bank_lines_statement_id_bank_statements"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_lines")),
        sqlite_strict=True,
    )
    op.create_index(
        "ix_bank_lines_amount", "bank_lines", ["currency", "amount_minor"], unique=False
    )
    op.create_index("ix_bank_lines_fingerprint", "bank_lines", ["fingerprint"], unique=False)
    op.create_index("ix_bank_lines_statement", "bank_lines", ["statement_id", "seq"], unique=True)
    op.create_table(
        "customer_reconciliations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("date_from", sa.Date(), nullable=True),
        sa.Column("date_to", sa.Date(), nullable=False),
        sa.Column("file_name", sa.String(length=260), nullable=False),
        sa.Column("file_hash", sa.String(length=64), nullable=False),
        sa.Column("our_closing_minor", sa.Integer(), nullable=False),
        sa.Column("their_closing_minor", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "status IN ('open', 'closed')", name=op.f("ck_customer_reconciliations_status")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_customer_reconciliations_customer_id_customers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_customer_reconciliations")),
        sqlite_strict=True,
    )
    op.create_index(
        "ix_customer_reconciliations_customer",
        "customer_reconciliations",
        ["customer_id", "date_to"],
        unique=False,
    )
    op.create_table(
        "reconciliation_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reconciliation_id", sa.Integer(), nullable=False),
        sa.Column("result", sa.String(length=20), nullable=False),
        sa.Column("our_date", sa.Date(), nullable=True),
        sa.Column("our_type", sa.String(length=20), nullable=False),
        sa.Column("our_number", sa.String(length=60), nullable=False),
        sa.Column("our_amount_minor", sa.Integer(), nullable=True),
        sa.Column("their_row", sa.Integer(), nullable=True),
        sa.Column("their_date", sa.Date(), nullable=True),
        sa.Column("their_number", sa.String(length=60), nullable=False),
        sa.Column("their_description", sa.Text(), nullable=False),
        sa.Column("their_amount_minor", sa.Integer(), nullable=True),
        sa.Column("difference_minor", sa.Integer(), nullable=False),
        sa.Column("resolved", sa.Boolean(), nullable=False),
        sa.Column("action", sa.String(length=12), nullable=False),
        sa.Column("action_ref", sa.String(length=60), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("resolved_at", sa.DateTime(), nullable=True),
        sa.Column("resolved_by", sa.String(length=100), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "action IN ('', 'note', 'credit_note', 'payment', 'dispute')",
            name=op.f("ck_reconciliation_items_action"),
        ),
        sa.CheckConstraint(
            "result IN ('matched', 'only_ours', 'only_theirs', 'amount_difference', 'timing')",
            name=op.f("ck_reconciliation_items_result"),
        ),
        sa.CheckConstraint(
            "resolved IN (0, 1)", name=op.f("ck_reconciliation_items_resolved_bool")
        ),
        sa.ForeignKeyConstraint(
            ["reconciliation_id"],
            ["customer_reconciliations.id"],
            name=op.f("fk_reconciliation_items_reconciliation_id_customer_reconciliations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reconciliation_items")),
        sqlite_strict=True,
    )
    op.create_index(
        "ix_reconciliation_items_recon", "reconciliation_items", ["reconciliation_id"], unique=False
    )
    op.create_table(
        "bank_matches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("line_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("payment_id", sa.Integer(), nullable=True),
        sa.Column("exception_id", sa.Integer(), nullable=True),
        sa.Column("amount_minor", sa.Integer(), nullable=False),
        sa.Column("confidence", sa.Integer(), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("auto", sa.Boolean(), nullable=False),
        sa.Column("matched_at", sa.DateTime(), nullable=False),
        sa.Column("matched_by", sa.String(length=100), nullable=False),
        sa.Column("undone_at", sa.DateTime(), nullable=True),
        sa.Column("undone_by", sa.String(length=100), nullable=False),
        sa.CheckConstraint(
            "(kind = 'exception') = (exception_id IS NOT NULL)",
            name=op.f("ck_bank_matches_exception_has_id"),
        ),
        sa.CheckConstraint(
            "kind = 'exception' OR payment_id IS NOT NULL",
            name=op.f("ck_bank_matches_payment_kinds_have_payment"),
        ),
        sa.CheckConstraint(
            "kind IN ('payment', 'new_payment', 'exception')", name=op.f("ck_bank_matches_kind")
        ),
        sa.CheckConstraint("auto IN (0, 1)", name=op.f("ck_bank_matches_auto_bool")),
        sa.CheckConstraint(
            "confidence >= 0 AND confidence <= 100", name=op.f("ck_bank_matches_confidence_range")
        ),
        sa.ForeignKeyConstraint(
            ["exception_id"],
            ["payment_exceptions.id"],
            name=op.f("fk_bank_matches_exception_id_payment_exceptions"),
        ),
        sa.ForeignKeyConstraint(
            ["line_id"],
            ["bank_lines.id"],
            name=op.f("fk_bank_matches_line_id_bank_lines"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["payment_id"], ["payments.id"], name=op.f("fk_bank_matches_payment_id_payments")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_matches")),
        sqlite_strict=True,
    )
    op.create_index("ix_bank_matches_line", "bank_matches", ["line_id"], unique=False)
    op.create_index(
        "ix_bank_matches_live_payment",
        "bank_matches",
        ["payment_id"],
        unique=True,
        sqlite_where=sa.text("undone_at IS NULL AND payment_id IS NOT NULL"),
        postgresql_where=sa.text("undone_at IS NULL AND payment_id IS NOT NULL"),
    )


def downgrade() -> None:
    op.execute("DELETE FROM import_templates WHERE kind IN ('bank_lines', 'customer_ledger')")
    _template_kinds(_OLD_KINDS)
    for index, table in (
        ("ix_bank_matches_live_payment", "bank_matches"),
        ("ix_bank_matches_line", "bank_matches"),
        ("ix_reconciliation_items_recon", "reconciliation_items"),
        ("ix_customer_reconciliations_customer", "customer_reconciliations"),
        ("ix_bank_lines_statement", "bank_lines"),
        ("ix_bank_lines_fingerprint", "bank_lines"),
        ("ix_bank_lines_amount", "bank_lines"),
        ("ix_balance_confirmations_customer", "balance_confirmations"),
        ("ix_bank_statements_file_hash", "bank_statements"),
        ("ix_bank_statements_account", "bank_statements"),
    ):
        op.drop_index(index, table_name=table)
    for table in (
        "bank_matches",
        "reconciliation_items",
        "customer_reconciliations",
        "bank_lines",
        "balance_confirmations",
        "bank_statements",
    ):
        op.drop_table(table)
