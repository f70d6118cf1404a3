"""Item data roles shared by every model (declared once, like Electrum's ``ROLE_*``)."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import Qt

_BASE = int(Qt.ItemDataRole.UserRole)


class Role(IntEnum):
    """Custom roles: the row id, the SQL sort key, the raw value and the clipboard text."""

    Id = _BASE + 1
    SortKey = _BASE + 2
    Raw = _BASE + 3
    Clipboard = _BASE + 4
