"""Words of the import wizard that several pages share: kinds, field labels, blockers.

The import kinds come from the services at run time (``IMPORT_KINDS``); a kind this module does
not know yet is shown by its key, so a new kind never breaks the wizard.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from desktop_ar.ui.wizards import import_flow

if TYPE_CHECKING:
    from desktop_ar.io.excel.mapping import FieldSpec

CONTEXT = "ImportWizard"

# kind → (English label, Chinese label, one-line hint)
KIND_LABELS: dict[str, tuple[str, str, str]] = {
    "customers": (
        QT_TRANSLATE_NOOP("ImportWizard", "Customers"),
        "客户",
        QT_TRANSLATE_NOOP("ImportWizard", "Customer list: codes, names, terms, credit limits."),
    ),
    "orders": (
        QT_TRANSLATE_NOOP("ImportWizard", "Orders with lines"),
        "订单",
        QT_TRANSLATE_NOOP("ImportWizard", "Sales orders, one row per order line."),
    ),
    "invoices": (
        QT_TRANSLATE_NOOP("ImportWizard", "Invoices"),
        "发票",
        QT_TRANSLATE_NOOP(
            "ImportWizard", "Invoices with customer, issue date and amount (or net and tax)."
        ),
    ),
    "payments": (
        QT_TRANSLATE_NOOP("ImportWizard", "Payments"),
        "收款",
        QT_TRANSLATE_NOOP(
            "ImportWizard",
            "Receipts; with an invoice number column they are allocated to those invoices.",
        ),
    ),
    "opening_balances": (
        QT_TRANSLATE_NOOP("ImportWizard", "Opening balances"),
        "期初余额",
        QT_TRANSLATE_NOOP(
            "ImportWizard", "Open items carried over from the previous system, per document."
        ),
    ),
}

BLOCKERS: dict[str, str] = {
    import_flow.ALREADY_IMPORTED: QT_TRANSLATE_NOOP(
        "ImportWizard", "This file was already imported on %1 by %2. Nothing will be imported."
    ),
    import_flow.NOT_ALLOWED: QT_TRANSLATE_NOOP(
        "ImportWizard",
        "You can check this file, but your role or a read-only database does not allow "
        "importing it.",
    ),
    import_flow.NOTHING_TO_IMPORT: QT_TRANSLATE_NOOP(
        "ImportWizard", "No row can be imported. Fix the problems listed, or choose another file."
    ),
    import_flow.HAS_PROBLEMS: QT_TRANSLATE_NOOP(
        "ImportWizard",
        "Some rows have problems. Fix them in the file and check again (Back, then Next), "
        "or tick “Skip invalid rows” to import the other rows.",
    ),
    import_flow.NOT_PLANNED: QT_TRANSLATE_NOOP("ImportWizard", "Checking the file…"),
}


def tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def kind_label(kind: str) -> str:
    """``Customers · 客户`` (or just ``客户`` in Chinese); an unknown kind shows its key."""
    if kind not in KIND_LABELS:
        return kind
    english, chinese, _hint = KIND_LABELS[kind]
    text = tr(english)
    return text if text == chinese else f"{text} · {chinese}"


def kind_name(kind: str) -> str:
    """The kind alone in the UI language (``Customers``), for sentences."""
    return tr(KIND_LABELS[kind][0]) if kind in KIND_LABELS else kind


def kind_hint(kind: str) -> str:
    return tr(KIND_LABELS[kind][2]) if kind in KIND_LABELS else ""


def field_label(spec: FieldSpec) -> str:
    """``Customer name (客户名称)``, for messages about a field."""
    return f"{spec.label_en} ({spec.label_zh})"


def blocker_text(blocker: str | None, already: tuple[object, str] | None = None) -> str:
    if blocker is None:
        return ""
    text = tr(BLOCKERS.get(blocker, blocker))
    if blocker == import_flow.ALREADY_IMPORTED and already is not None:
        when, who = already
        if isinstance(when, datetime):
            # Stored in UTC (naive when read back from SQLite); shown in the user's local time.
            local = (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone()
            when_text = f"{local:%Y-%m-%d %H:%M}"
        else:
            when_text = str(when)
        text = text.replace("%1", when_text).replace("%2", who)
    return text
