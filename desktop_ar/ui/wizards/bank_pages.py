"""The bank import wizard's pages: sheet and header row, columns, and the statements found.

The sheet and column pages are the import wizard's own (``ImportSheetPage``,
``ImportMappingPage``) over a :class:`~desktop_ar.ui.wizards.bank_flow.BankFlow`; they only read
the file and keep templates through the bank statement services. The last page reads the file
with the chosen columns and shows each statement it gives (account, period, opening and closing
balance, lines, the balance check and the notes) before the import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_ar.domain.currency import known_currencies
from desktop_ar.services import bank_statements as bank
from desktop_ar.ui.tasks import BackgroundOp
from desktop_ar.ui.wizards.import_flow import Step
from desktop_ar.ui.wizards.import_mapping_page import ImportMappingPage
from desktop_ar.ui.wizards.import_page_base import NOTE_STYLE, OK_STYLE, ImportPage
from desktop_ar.ui.wizards.import_sheet_page import ImportSheetPage

if TYPE_CHECKING:
    from desktop_ar.services.bank_statements import BankTablePreview
    from desktop_ar.services.context import ServiceContext
    from desktop_ar.ui.wizards.bank_flow import BankFlow


def read_bank(ctx: ServiceContext, flow: BankFlow, **kw: Any) -> Any:
    """The work function of a read of the flow's file: ``preview_bank_table``."""
    path = flow.path
    return lambda: bank.preview_bank_table(ctx, path, **kw)


class BankSheetPage(ImportSheetPage):
    """The import wizard's sheet page; another sheet is read as a bank export."""

    flow: BankFlow

    def _on_sheet_combo_current_index_changed(self, index: int) -> None:
        name = self.sheet_combo.itemData(index)
        if name is None or self.flow.path is None or name == self.flow.sheet:
            return
        self.run_query(read_bank(self.ctx, self.flow, sheet=name), self._on_table_read)

    def _on_table_read(self, table: BankTablePreview) -> None:
        self.flow.set_table(table)
        self._show_preview()


class BankMappingPage(ImportMappingPage):
    """The import wizard's columns page over the bank fields and the bank templates."""

    flow: BankFlow

    def __init__(self, *, ctx: ServiceContext, flow: BankFlow, parent: QWidget) -> None:
        super().__init__(ctx=ctx, flow=flow, parent=parent)
        self.setSubTitle(
            self.tr(
                "Check which column holds each field: a date, and either one signed amount, "
                "debit and credit columns, or an amount with a debit/credit flag column."
            )
        )

    def initializePage(self) -> None:
        self._build_fields()
        ctx = self.ctx
        self.run_query(lambda: bank.list_bank_templates(ctx), self._on_templates_listed)

    def _on_save_button_clicked(self) -> None:
        flow = self.flow
        mapping = flow.bank_mapping()
        if mapping is None:
            return
        default = flow.template or (flow.path.stem if flow.path is not None else "")
        name, ok = QInputDialog.getText(
            self,
            self.tr("Save as template"),
            self.tr("Template name, e.g. the bank (used again for exports with these headers):"),
            QLineEdit.EchoMode.Normal,
            default,
        )
        if not ok or not name.strip():
            return
        ctx, headers, header_row = self.ctx, flow.headers, flow.header_row
        self.save_button.setEnabled(False)
        BackgroundOp(
            self,
            lambda _progress: bank.save_bank_template(ctx, name, mapping, headers, header_row),
        ).success(lambda _id: self._on_template_saved(name)).failure(self._on_save_failed).run()

    def _on_template_saved(self, name: str) -> None:
        self.flow.template = " ".join(name.split())
        ctx = self.ctx
        self.run_query(lambda: bank.list_bank_templates(ctx), self._on_templates_relisted)


SUMMARY_COLUMNS = ("Account", "Currency", "Period", "Opening", "Closing", "Lines", "Check")


class BankSummaryPage(ImportPage):
    """The statements the file gives with these columns; Import writes them."""

    step = Step.PREVIEW
    flow: BankFlow

    def __init__(self, *, ctx: ServiceContext, flow: BankFlow, parent: QWidget) -> None:
        super().__init__(ctx=ctx, flow=flow, parent=parent)
        self.setTitle(self.tr("Statements found"))
        self.setSubTitle(self.tr("Check the statements, then press Import."))
        self.currency_combo = QComboBox(self)
        self.currency_combo.setObjectName("currencyCombo")
        self.currency_combo.addItem(self.tr("As the file says"), None)
        for code in known_currencies():
            self.currency_combo.addItem(code, code)
        currency_label = QLabel(self.tr("&Currency if the file does not say:"), self)
        currency_label.setBuddy(self.currency_combo)
        top = QHBoxLayout()
        top.addWidget(currency_label)
        top.addWidget(self.currency_combo)
        top.addStretch(1)
        self.table = QTableWidget(0, len(SUMMARY_COLUMNS), self)
        self.table.setObjectName("statementsTable")
        self.table.setHorizontalHeaderLabels([self.tr(c) for c in SUMMARY_COLUMNS])
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.notes_label = QLabel(self)
        self.notes_label.setObjectName("notesLabel")
        self.notes_label.setWordWrap(True)
        self.notes_label.setStyleSheet(NOTE_STYLE)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.busy_bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.notes_label)
        layout.addWidget(self.message)
        self.currency_combo.activated.connect(self._on_currency_combo_activated)

    def initializePage(self) -> None:
        self.read()

    def cleanupPage(self) -> None:
        self.forget_pending()

    def read(self) -> None:
        """Read the file with the chosen columns (off the GUI thread)."""
        kw = self.flow.read_arguments()
        self.run_query(read_bank(self.ctx, self.flow, **kw), self._on_read)

    def _on_currency_combo_activated(self, index: int) -> None:
        self.flow.set_currency(self.currency_combo.itemData(index))
        self.read()

    def _on_read(self, preview: BankTablePreview) -> None:
        self.flow.set_result_preview(preview)
        self.show_statements()

    def show_statements(self) -> None:
        found = self.flow.result_preview
        statements = found.statements if found is not None else []
        self.table.setRowCount(len(statements))
        for row, st in enumerate(statements):
            period = f"{st.period_start or '?'} – {st.period_end or '?'}"
            opening = bank.amount_text(st.opening) if st.opening is not None else "—"
            closing = bank.amount_text(st.closing) if st.closing is not None else "—"
            if st.balance_problem:
                check = self.tr("Does not add up: %1").replace("%1", st.balance_problem)
            elif st.opening is None or st.closing is None:
                check = self.tr("No balances to check")
            else:
                check = self.tr("Adds up")
            if st.duplicate_of_id is not None:
                check += " · " + self.tr("imported before (statement %1)").replace(
                    "%1", str(st.duplicate_of_id)
                )
            lines = f"{st.lines_count} ({st.open_lines} {self.tr('to reconcile')})"
            cells = (st.account or "—", st.currency, period, opening, closing, lines, check)
            for column, text in enumerate(cells):
                self.table.setItem(row, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        notes = list(found.notes) if found is not None else []
        for st in statements:
            notes += [n for n in st.notes if n not in notes]
        self.notes_label.setText("\n".join(notes[:12]))
        if found is not None and found.problem:
            self.show_message(found.problem)
        elif found is not None and not statements:
            self.show_message(self.tr("No lines were found with these columns."))
        elif not self.flow.may_write:
            self.show_message(self.tr("Your role may not import bank statements."))
        else:
            count = len(statements)
            text = self.tr("%1 statement(s) ready to import.").replace("%1", str(count))
            self.show_message(text, OK_STYLE)
        self.refresh_complete()
