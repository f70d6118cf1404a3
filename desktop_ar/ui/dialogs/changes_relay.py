"""Passing a dialog's ``Changes`` on to the window that opened it.

``BackgroundOp`` hands a result's ``Changes`` to ``parent.window().on_changes``; for a dialog that
window is the dialog itself, so a dialog's ``on_changes`` calls ``forward_changes`` to reach the
main window (which fans them out to its pages) or, without one, the opening page.
``touches_customer`` tells a window about one customer (the customer card) whether changes made
elsewhere concern it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtWidgets import QWidget

    from desktop_ar.services.changes import Changes


def forward_changes(dialog: QWidget, changes: Changes) -> None:
    """Call ``on_changes`` of the window that owns ``dialog`` (not the dialog itself)."""
    parent = dialog.parentWidget()
    if parent is None:
        return
    window = parent.window()
    handler = getattr(window, "on_changes", None)
    if window is not dialog and callable(handler):
        handler(changes)


def touches_customer(
    changes: Changes,
    customer_id: int,
    *,
    invoice_row: Callable[[int], int | None],
    payment_row: Callable[[int], int | None],
) -> bool:
    """Whether ``changes`` concern one customer: itself, or an invoice or payment it lists.

    ``invoice_row`` / ``payment_row`` give the row of an id in the window's lists (None when
    not listed), so a payment moved to another customer still refreshes the one it left.
    """
    if changes.everything or customer_id in changes.customers:
        return True
    return any(invoice_row(i) is not None for i in changes.invoices) or any(
        payment_row(p) is not None for p in changes.payments
    )
