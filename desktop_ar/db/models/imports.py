"""Import batches: which files and rows were imported, to detect a second import."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from desktop_ar.db.base import TABLE_ARGS, Base

IMPORT_KINDS = ("customers", "invoices", "payments", "orders", "opening_balances")
IMPORT_ENTITIES = ("customer", "invoice", "payment", "order")


class ImportBatch(Base):
    """One committed import of one sheet of one file."""

    __tablename__ = "import_batches"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('customers', 'invoices', 'payments', 'orders', 'opening_balances')",
            name="kind",
        ),
        CheckConstraint("status IN ('committed')", name="status"),
        CheckConstraint("length(file_hash) = 64", name="file_hash_length"),
        CheckConstraint(
            "rows_total >= 0 AND rows_created >= 0 AND rows_skipped >= 0", name="counts_nonneg"
        ),
        Index("ix_import_batches_file_hash", "file_hash"),
        TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    file_name: Mapped[str] = mapped_column(String(260))
    file_hash: Mapped[str] = mapped_column(String(64))
    sheet: Mapped[str] = mapped_column(String(100))
    rows_total: Mapped[int] = mapped_column(Integer, default=0)
    rows_created: Mapped[int] = mapped_column(Integer, default=0)
    rows_skipped: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(12), default="committed")
    imported_at: Mapped[datetime] = mapped_column(DateTime)
    imported_by: Mapped[str] = mapped_column(String(100))


class ImportRow(Base):
    """One row of a batch and the record it created."""

    __tablename__ = "import_rows"
    __table_args__ = (
        CheckConstraint("entity IN ('customer', 'invoice', 'payment', 'order')", name="entity"),
        CheckConstraint("row_number >= 1", name="row_positive"),
        CheckConstraint("length(fingerprint) = 64", name="fingerprint_length"),
        Index("ix_import_rows_fingerprint", "fingerprint"),
        Index("ix_import_rows_batch", "batch_id"),
        TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batches.id", ondelete="CASCADE"))
    row_number: Mapped[int] = mapped_column(Integer)
    fingerprint: Mapped[str] = mapped_column(String(64))
    entity: Mapped[str] = mapped_column(String(12))
    entity_id: Mapped[int] = mapped_column(Integer)


TEMPLATE_KINDS = (*IMPORT_KINDS, "bank_lines", "customer_ledger")


class ImportTemplate(Base):
    """A saved column mapping for one import kind, offered again for the same header row.

    Besides the import kinds, ``bank_lines`` (a bank's CSV/Excel export) and ``customer_ledger``
    (a customer's own ledger, for reconciliation) keep their mappings here (revision 0005).
    """

    __tablename__ = "import_templates"
    __table_args__ = (
        CheckConstraint(
            "kind IN ('customers', 'invoices', 'payments', 'orders', 'opening_balances',"
            " 'bank_lines', 'customer_ledger')",
            name="kind",
        ),
        CheckConstraint("length(trim(name)) > 0", name="name_set"),
        CheckConstraint("header_row IS NULL OR header_row >= 1", name="header_row"),
        UniqueConstraint("kind", "name"),
        Index("ix_import_templates_signature", "kind", "header_signature"),
        TABLE_ARGS,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    header_signature: Mapped[str] = mapped_column(String(64))
    header_row: Mapped[int | None] = mapped_column(Integer, default=None)
    mapping_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by: Mapped[str] = mapped_column(String(100))
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    version_id: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version_id}  # noqa: RUF012
