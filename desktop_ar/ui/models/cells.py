"""Column specs and the display/clipboard text of a cell value (shared by the lazy models)."""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from desktop_ar.ui.formatting import format_date

# Status values from the services → English labels (translated in the "status" context).
# Every status a service or list filter uses is here, so a label never depends on which page
# module happened to be imported first.
STATUS_LABELS: dict[str, str] = {
    "all": QT_TRANSLATE_NOOP("status", "All"),
    "active": QT_TRANSLATE_NOOP("status", "Active"),
    "inactive": QT_TRANSLATE_NOOP("status", "Inactive"),
    "on_hold": QT_TRANSLATE_NOOP("status", "On credit hold"),
    "overdue": QT_TRANSLATE_NOOP("status", "Overdue"),
    "open": QT_TRANSLATE_NOOP("status", "Open"),
    "partial": QT_TRANSLATE_NOOP("status", "Partly paid"),
    "paid": QT_TRANSLATE_NOOP("status", "Paid"),
    "written_off": QT_TRANSLATE_NOOP("status", "Written off"),
    "disputed": QT_TRANSLATE_NOOP("status", "Disputed"),
    "void": QT_TRANSLATE_NOOP("status", "Void"),
    "posted": QT_TRANSLATE_NOOP("status", "Posted"),
    "unallocated": QT_TRANSLATE_NOOP("status", "Unallocated"),
    "reversed": QT_TRANSLATE_NOOP("status", "Reversed"),
    "unidentified": QT_TRANSLATE_NOOP("status", "Unidentified"),
    "no_fapiao": QT_TRANSLATE_NOOP("status", "Without fapiao"),
    # Orders.
    "draft": QT_TRANSLATE_NOOP("status", "Draft"),
    "confirmed": QT_TRANSLATE_NOOP("status", "Confirmed"),
    "uninvoiced": QT_TRANSLATE_NOOP("status", "Delivered, not invoiced"),
    "invoiced": QT_TRANSLATE_NOOP("status", "Invoiced"),
    "cancelled": QT_TRANSLATE_NOOP("status", "Cancelled"),
    # Payment exceptions and disputes ("open" is above).
    "unresolved": QT_TRANSLATE_NOOP("status", "To do"),
    "in_progress": QT_TRANSLATE_NOOP("status", "In progress"),
    "resolved": QT_TRANSLATE_NOOP("status", "Resolved"),
    "mine": QT_TRANSLATE_NOOP("status", "Mine (to do)"),
}


# Payment methods and customer types (translated in the "labels" context).
LABELS: dict[str, str] = {
    "bank_transfer": QT_TRANSLATE_NOOP("labels", "Bank transfer"),
    "cash": QT_TRANSLATE_NOOP("labels", "Cash"),
    "card": QT_TRANSLATE_NOOP("labels", "Card"),
    "cheque": QT_TRANSLATE_NOOP("labels", "Cheque"),
    "online": QT_TRANSLATE_NOOP("labels", "Online"),
    "other": QT_TRANSLATE_NOOP("labels", "Other"),
    "sme": QT_TRANSLATE_NOOP("labels", "SME"),
    "key_account": QT_TRANSLATE_NOOP("labels", "Key account"),
    "individual": QT_TRANSLATE_NOOP("labels", "Individual"),
    # Overdue reasons and agreed measures ("other" is above).
    "funds_tight": QT_TRANSLATE_NOOP("labels", "Funds tight"),
    "order_error": QT_TRANSLATE_NOOP("labels", "Order error"),
    "dispute": QT_TRANSLATE_NOOP("labels", "Dispute"),
    "quality_complaint": QT_TRANSLATE_NOOP("labels", "Quality complaint"),
    "extended_due_date": QT_TRANSLATE_NOOP("labels", "Extended due date"),
    "instalment_plan": QT_TRANSLATE_NOOP("labels", "Instalment plan"),
    # Contact log kinds.
    "call": QT_TRANSLATE_NOOP("labels", "Call"),
    "email": QT_TRANSLATE_NOOP("labels", "Email"),
    "visit": QT_TRANSLATE_NOOP("labels", "Visit"),
    "feedback": QT_TRANSLATE_NOOP("labels", "Feedback"),
    "complaint": QT_TRANSLATE_NOOP("labels", "Complaint"),
    # Payment exception kinds.
    "short_payment": QT_TRANSLATE_NOOP("labels", "Short payment"),
    "overpayment": QT_TRANSLATE_NOOP("labels", "Overpayment"),
    "late_payment": QT_TRANSLATE_NOOP("labels", "Late payment"),
    "unidentified": QT_TRANSLATE_NOOP("labels", "Unidentified payment"),
    "duplicate": QT_TRANSLATE_NOOP("labels", "Suspected duplicate"),
    "disputed_invoice": QT_TRANSLATE_NOOP("labels", "Paid on disputed invoice"),
}


def code_label(value: str) -> str:
    """Translated label of a coded value (payment method, customer type), else the value."""
    text = LABELS.get(value)
    return QCoreApplication.translate("labels", text) if text else value


def status_label(value: str) -> str:
    """Translated label of a status value (unknown values are shown as they are)."""
    return QCoreApplication.translate("status", STATUS_LABELS.get(value, value))


@dataclass(frozen=True, slots=True)
class ColumnSpec:
    """One column: the Row DTO attribute (dotted paths allowed), header, kind, SQL sort key."""

    key: str
    header: str  # marked with QT_TRANSLATE_NOOP("columns", …); translated when shown
    kind: str = "text"  # text | money | date | int | bool | status | label
    sort_key: str | None = None
    width: int = 100
    _get: Any = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_get", attrgetter(self.key))

    def value(self, row: object) -> Any:
        try:
            return self._get(row)
        except AttributeError:
            return None


def clipboard_text(col: ColumnSpec, value: Any) -> str:
    if value is None:
        return ""
    if col.kind == "date":
        return format_date(value)
    if col.kind == "bool":
        return "1" if value else "0"
    return str(value)


def display_text(col: ColumnSpec, value: Any) -> str:
    if value is None:
        return ""
    if col.kind == "date":
        return format_date(value)
    if col.kind == "bool":
        return "✓" if value else ""
    if col.kind == "status":
        return status_label(str(value))
    if col.kind == "label":
        return code_label(str(value))
    if col.kind == "int":
        return f"{value:,}" if value else ""
    return str(value)


class RowCells:
    """What a painted row shows: one text and one foreground brush per column."""

    __slots__ = ("brushes", "ok", "texts")

    def __init__(self, texts: tuple[str, ...], brushes: tuple[Any, ...], ok: bool) -> None:
        self.texts = texts
        self.brushes = brushes
        self.ok = ok

    @classmethod
    def failed(cls, message: str, n: int, brush: Any) -> RowCells:
        """A row whose page could not be fetched: the error in the first column."""
        return cls((message,) + ("",) * (n - 1), (brush,) * n, False)
