"""import templates

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23

Saved import mappings (named templates, offered again for files with the same header row) and
the opening-balance mark on invoices (an item carried over from the previous system). Existing
tables only gain columns.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("header_signature", sa.String(length=64), nullable=False),
        sa.Column("header_row", sa.Integer(), nullable=True),
        sa.Column("mapping_json", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ('customers', 'invoices', 'payments', 'orders', 'opening_balances')",
            name=op.f("ck_import_templates_kind"),
        ),
        sa.CheckConstraint("length(trim(name)) > 0", name=op.f("ck_import_templates_name_set")),
        sa.CheckConstraint(
            "header_row IS NULL OR header_row >= 1", name=op.f("ck_import_templates_header_row")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_templates")),
        sa.UniqueConstraint("kind", "name", name=op.f("uq_import_templates_kind")),
        sqlite_strict=True,
    )
    with op.batch_alter_table("import_templates", schema=None) as batch_op:
        batch_op.create_index(
            "ix_import_templates_signature", ["kind", "header_signature"], unique=False
        )

    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "opening_balance",
                sa.Boolean(),
                sa.CheckConstraint(
                    "opening_balance IN (0, 1)", name=op.f("ck_invoices_opening_balance_bool")
                ),
                server_default="0",
                nullable=False,
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_column("opening_balance")
    with op.batch_alter_table("import_templates", schema=None) as batch_op:
        batch_op.drop_index("ix_import_templates_signature")
    op.drop_table("import_templates")
