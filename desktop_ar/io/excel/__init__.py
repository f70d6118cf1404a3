"""Excel files: a formatted-table writer (readers and column mapping arrive with imports)."""

from __future__ import annotations

from desktop_ar.io.excel.writer import Column, SheetSpec, write_table_xlsx

__all__ = ["Column", "SheetSpec", "write_table_xlsx"]
