"""import batches

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23

Import batches and their rows: the file hash and the row fingerprints of every committed import,
so that importing the same file or the same rows again is detected. New tables only.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_batches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("file_name", sa.String(length=260), nullable=False),
        sa.Column("file_hash", sa.String(length=64), nullable=False),
        sa.Column("sheet", sa.String(length=100), nullable=False),
        sa.Column("rows_total", sa.Integer(), nullable=False),
        sa.Column("rows_created", sa.Integer(), nullable=False),
        sa.Column("rows_skipped", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("imported_by", sa.String(length=100), nullable=False),
        sa.CheckConstraint(
            "kind IN ('customers', 'invoices', 'payments', 'orders', 'opening_balances')",
            name=op.f("ck_import_batches_kind"),
        ),
        sa.CheckConstraint("status IN ('committed')", name=op.f("ck_import_batches_status")),
        sa.CheckConstraint(
            "length(file_hash) = 64", name=op.f("ck_import_batches_file_hash_length")
        ),
        sa.CheckConstraint(
            "rows_total >= 0 AND rows_created >= 0 AND rows_skipped >= 0",
            name=op.f("ck_import_batches_counts_nonneg"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_batches")),
        sqlite_strict=True,
    )
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.create_index("ix_import_batches_file_hash", ["file_hash"], unique=False)

    op.create_table(
        "import_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("batch_id", sa.Integer(), nullable=False),
        sa.Column("row_number", sa.Integer(), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("entity", sa.String(length=12), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "entity IN ('customer', 'invoice', 'payment', 'order')",
            name=op.f("ck_import_rows_entity"),
        ),
        sa.CheckConstraint("row_number >= 1", name=op.f("ck_import_rows_row_positive")),
        sa.CheckConstraint(
            "length(fingerprint) = 64", name=op.f("ck_import_rows_fingerprint_length")
        ),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["import_batches.id"],
            name=op.f("fk_import_rows_batch_id_import_batches"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_rows")),
        sqlite_strict=True,
    )
    with op.batch_alter_table("import_rows", schema=None) as batch_op:
        batch_op.create_index("ix_import_rows_fingerprint", ["fingerprint"], unique=False)
        batch_op.create_index("ix_import_rows_batch", ["batch_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("import_rows", schema=None) as batch_op:
        batch_op.drop_index("ix_import_rows_batch")
        batch_op.drop_index("ix_import_rows_fingerprint")

    op.drop_table("import_rows")
    with op.batch_alter_table("import_batches", schema=None) as batch_op:
        batch_op.drop_index("ix_import_batches_file_hash")

    op.drop_table("import_batches")
