"""The line dialogs of the reconciliation screen: split, receipt on account, exception, ignore.

A mixin of ``ReconcileView`` (kept apart to keep each file small): each method opens its dialog
for the selected open line, non-blocking, and the dialog's save refreshes the screen like any
other action. On a closed statement, a line already explained or without the permission they
open nothing and return None.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt

from desktop_ar.ui.dialogs.bank_line_dialogs import (
    ExceptionLineDialog,
    IgnoreLineDialog,
    ReceiptOnAccountDialog,
)
from desktop_ar.ui.dialogs.bank_split_dialog import SplitLineDialog

if TYPE_CHECKING:
    from desktop_ar.ui.dialogs.form_dialog import FormDialog


class LineDialogs:
    """Opens the dialogs that explain a line without accepting a candidate."""

    ctx: Any
    panel: Any
    lines_view: Any

    def current_line(self) -> Any:
        raise NotImplementedError

    def _can_act(self) -> bool:
        raise NotImplementedError

    def _on_done(self, what: str, result: object) -> None:
        raise NotImplementedError

    def _open_line(self) -> Any:
        line = self.current_line()
        if line is None or line.status != "open" or not self._can_act():
            return None
        return line

    def _candidate_customer(self) -> tuple[int, str] | None:
        c = self.panel.current()
        if c is None or c.customer_id is None:
            return None
        return (c.customer_id, c.customer_code)

    def split_line(self) -> FormDialog | None:
        line = self._open_line()
        if line is None:
            return None
        c = self.panel.current()
        ids = tuple(c.target_ids) if c is not None and c.kind in ("invoice", "invoices") else ()
        dialog = SplitLineDialog(
            ctx=self.ctx,
            line=line,
            customer=self._candidate_customer(),
            invoice_ids=ids,
            parent=self,
        )
        return self._open(dialog, "split")

    def receipt_on_account(self) -> FormDialog | None:
        line = self._open_line()
        if line is None:
            return None
        dialog = ReceiptOnAccountDialog(
            ctx=self.ctx, line=line, customer=self._candidate_customer(), parent=self
        )
        return self._open(dialog, "receipt")

    def record_exception(self) -> FormDialog | None:
        line = self._open_line()
        if line is None:
            return None
        return self._open(ExceptionLineDialog(ctx=self.ctx, line=line, parent=self), "exception")

    def ignore_line(self) -> FormDialog | None:
        line = self._open_line()
        if line is None:
            return None
        return self._open(IgnoreLineDialog(ctx=self.ctx, line=line, parent=self), "ignore")

    def _open(self, dialog: FormDialog, what: str) -> FormDialog:
        """Show a line dialog (non-blocking); its save refreshes this screen."""
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(lambda result: self._on_done(what, result))
        dialog.finished.connect(lambda _code: self.lines_view.setFocus())
        dialog.open()
        return dialog
