"""Where printing is reached from: the menus, the pages and the customer card.

File ▸ Print documents… (Ctrl+P), File ▸ Dunning run…, the Settings menu, and the "Print …"
actions of the customers page, the customer card, the invoices and the payments pages.

Every entry opens ``PrintDocumentsDialog`` preset to a kind of document and, where there is one,
the selected customer or document (an invoice or receipt number).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QPushButton, QToolButton, QWidget

from desktop_ar.ui.dialogs.print_documents_dialog import PrintDocumentsDialog

if TYPE_CHECKING:
    from desktop_ar.services.context import ServiceContext

PRINT_SHORTCUT = "Ctrl+P"


def _tr(text: str) -> str:
    return QCoreApplication.translate("print", text)


def action_text(kind: str) -> str:
    """The menu text of "Print <kind>…"."""
    texts = {
        "statement": _tr("Print &statement…"),
        "confirmation": _tr("Print &balance confirmation…"),
        "dunning": _tr("Print d&unning letter…"),
        "invoice": _tr("Print &invoice…"),
        "receipt": _tr("Print &receipt…"),
    }
    return texts[kind]


def open_print_dialog(
    parent: QWidget,
    ctx: ServiceContext,
    *,
    as_of: date,
    kind: str = "statement",
    customer_id: int | None = None,
    customer_label: str = "",
    number: str | None = None,
) -> PrintDocumentsDialog:
    """Open Print documents… (window-modal, deleted when closed)."""
    dialog = PrintDocumentsDialog(
        ctx=ctx,
        as_of=as_of,
        kind=kind,
        customer_id=customer_id,
        customer_label=customer_label,
        number=number,
        parent=parent,
    )
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def print_actions(
    parent: QWidget, kinds: tuple[str, ...], open_kind: Callable[[str], Any]
) -> list[QAction]:
    """One "Print <kind>…" action per kind, each calling ``open_kind(kind)``."""
    actions = []
    for kind in kinds:
        action = QAction(action_text(kind), parent)
        action.setObjectName(f"print_{kind}")
        action.triggered.connect(lambda _checked=False, k=kind: open_kind(k))
        actions.append(action)
    return actions


def print_menu_button(parent: QWidget, actions: list[QAction]) -> QPushButton:
    """A "Print" push button whose menu holds ``actions`` (the customer card)."""
    button = QPushButton(_tr("Prin&t"), parent)
    button.setObjectName("printMenuButton")
    button.setAutoDefault(False)
    menu = QMenu(button)
    menu.addActions(actions)
    button.setMenu(menu)
    return button


def print_tool_button(parent: QWidget, actions: list[QAction]) -> QToolButton:
    """A toolbar "Print" button whose menu holds ``actions`` (the customers page)."""
    button = QToolButton(parent)
    button.setObjectName("printToolButton")
    button.setText(_tr("Print"))
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    menu = QMenu(button)
    menu.addActions(actions)
    button.setMenu(menu)
    return button


def _selection(window: Any) -> dict[str, Any]:
    """The customer or document selected on the page on screen (Ctrl+P presets to it)."""
    key = window.current_key()
    page = window.current_page()
    row_of = getattr(getattr(page, "actions_", page), "current_row", None)
    row = row_of() if callable(row_of) else None
    if row is None or key not in ("customers", "invoices", "payments"):
        return {}
    if key == "customers":
        return {"customer_id": row.id, "customer_label": f"{row.code}  {row.name}"}
    label = f"{row.customer_code}  {row.customer_name}" if row.customer_id else ""
    return {
        "kind": "invoice" if key == "invoices" else "receipt",
        "number": row.number,
        "customer_id": row.customer_id,
        "customer_label": label,
    }


def install_print_menus(window: Any, file_menu: QMenu) -> None:
    """File ▸ Print documents… before the Quit separator, and the Settings menu.

    Call it before the Help menu is added: Settings comes right before Help.
    """
    window.print_action = QAction(_tr("&Print documents…"), window)
    window.print_action.setObjectName("printDocumentsAction")
    window.print_action.setShortcut(QKeySequence(PRINT_SHORTCUT))
    window.print_action.triggered.connect(
        lambda _checked=False: open_print_dialog(
            window, window.ctx, as_of=window.as_of(), **_selection(window)
        )
    )
    separators = [a for a in file_menu.actions() if a.isSeparator()]
    if separators:
        file_menu.insertAction(separators[-1], window.print_action)
    else:
        file_menu.addAction(window.print_action)
    window.dunning_run_action = QAction(_tr("D&unning run…"), window)
    window.dunning_run_action.setObjectName("dunningRunAction")
    window.dunning_run_action.triggered.connect(lambda _checked=False: open_dunning_run(window))
    actions = file_menu.actions()
    after = actions.index(window.print_action) + 1
    if after < len(actions):
        file_menu.insertAction(actions[after], window.dunning_run_action)
    else:
        file_menu.addAction(window.dunning_run_action)
    window.write_off_action = QAction(_tr("&Write-off approvals…"), window)
    window.write_off_action.setObjectName("writeOffApprovalsAction")
    window.write_off_action.triggered.connect(lambda _checked=False: open_write_offs(window))
    actions = file_menu.actions()
    after = actions.index(window.dunning_run_action) + 1
    if after < len(actions):
        file_menu.insertAction(actions[after], window.write_off_action)
    else:
        file_menu.addAction(window.write_off_action)

    menu = window.menuBar().addMenu(_tr("&Settings"))
    menu.setObjectName("settingsMenu")
    window.letterhead_action = QAction(_tr("Company &letterhead…"), window)
    window.letterhead_action.triggered.connect(lambda _checked=False: open_letterhead(window))
    window.dunning_levels_action = QAction(_tr("&Dunning levels and letters…"), window)
    window.dunning_levels_action.triggered.connect(
        lambda _checked=False: open_dunning_levels(window)
    )
    menu.addAction(window.letterhead_action)
    menu.addAction(window.dunning_levels_action)
    window.credit_grades_action = QAction(_tr("&Credit grades…"), window)
    window.credit_grades_action.setObjectName("creditGradesAction")
    window.credit_grades_action.triggered.connect(lambda _checked=False: open_credit_grades(window))
    menu.addAction(window.credit_grades_action)
    window.settings_menu = menu


def _open(dialog: QWidget) -> QWidget:
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()  # type: ignore[attr-defined]
    return dialog


def open_letterhead(window: Any) -> QWidget:
    """Open Settings ▸ Company letterhead."""
    from desktop_ar.ui.dialogs.letterhead_dialog import LetterheadDialog

    return _open(LetterheadDialog(ctx=window.ctx, parent=window))


def open_dunning_levels(window: Any) -> QWidget:
    """Open Settings ▸ Dunning levels and letters."""
    from desktop_ar.ui.dialogs.dunning_levels_dialog import DunningLevelsDialog

    return _open(DunningLevelsDialog(ctx=window.ctx, parent=window))


def open_dunning_run(window: Any) -> QWidget:
    """Open File ▸ Dunning run (催款)."""
    from desktop_ar.ui.dialogs.dunning_run_dialog import DunningRunDialog

    return _open(DunningRunDialog(ctx=window.ctx, as_of=window.as_of(), parent=window))


def open_credit_grades(window: Any) -> QWidget:
    """Open Settings ▸ Credit grades (信用等级)."""
    from desktop_ar.ui.dialogs.credit_grades_dialog import CreditGradesDialog

    return _open(CreditGradesDialog(ctx=window.ctx, as_of=window.as_of(), parent=window))


def open_write_offs(window: Any) -> QWidget:
    """Open File ▸ Write-off approvals (坏账核销审批)."""
    from desktop_ar.ui.dialogs.write_off_requests_dialog import WriteOffRequestsDialog

    return _open(WriteOffRequestsDialog(ctx=window.ctx, parent=window))


def card_print_button(card: Any) -> QPushButton:
    """The customer card's "Print" button: statement, balance confirmation, dunning letter."""

    def open_kind(kind: str) -> PrintDocumentsDialog:
        detail = card.data.detail if card.data is not None else None
        label = f"{detail.code}  {detail.name}" if detail is not None else ""
        card.print_dialog = open_print_dialog(
            card,
            card.ctx,
            as_of=card.as_of,
            kind=kind,
            customer_id=card.customer_id,
            customer_label=label,
        )
        return card.print_dialog

    card.print_actions = print_actions(card, ("statement", "confirmation", "dunning"), open_kind)
    card.print_button = print_menu_button(card, card.print_actions)
    return card.print_button
