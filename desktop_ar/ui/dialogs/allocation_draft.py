"""What the allocation dialog is about to do, computed without Qt (testable on its own).

The draft holds the amounts typed per schedule line, the discounts ticked and an optional
write-off; it answers the running totals, the first problem to fix and the preview of the
result. The service checks everything again when the user presses Apply.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from PySide6.QtCore import QCoreApplication

from desktop_ar.domain.money import Money
from desktop_ar.services.payments import AllocationInfo, OpenLineDTO
from desktop_ar.ui.formatting import format_money


@dataclass(frozen=True, slots=True)
class Totals:
    """The running totals under the table."""

    payment: Money  # what is left of the payment to allocate
    allocated: Money
    discount: Money
    write_off: Money
    remaining: Money  # stays as the customer's credit


@dataclass
class AllocationDraft:
    """The user's choices for one payment."""

    info: AllocationInfo
    lines: list[OpenLineDTO]
    apply: dict[int, Money] = field(default_factory=dict)
    bad_text: dict[int, str] = field(default_factory=dict)  # line id → why its text is no amount
    discounts: set[int] = field(default_factory=set)  # line ids whose discount is taken
    write_off_line: int | None = None
    write_off: Money | None = None
    write_off_reason: str = ""

    @property
    def currency(self) -> str:
        return self.info.unallocated.currency

    def line(self, line_id: int) -> OpenLineDTO:
        return next(ln for ln in self.lines if ln.line_id == line_id)

    def zero(self) -> Money:
        return Money.zero(self.currency)

    def applied(self, line_id: int) -> Money:
        return self.apply.get(line_id, self.zero())

    def discount_taken(self, line_id: int) -> Money:
        """The discount written off on a line: up to the offer, never more than is left."""
        if line_id not in self.discounts:
            return self.zero()
        ln = self.line(line_id)
        left = ln.open - self.applied(line_id)
        return min(ln.discount, left) if left.minor > 0 else self.zero()

    def written_off(self, line_id: int) -> Money:
        if line_id == self.write_off_line and self.write_off is not None:
            return self.write_off
        return self.zero()

    def open_after(self, line_id: int) -> Money:
        ln = self.line(line_id)
        return (
            ln.open
            - self.applied(line_id)
            - self.discount_taken(line_id)
            - self.written_off(line_id)
        )

    def set_proposal(self, proposal: dict[int, Money]) -> None:
        """Replace the amounts with a proposal; take the discounts that close their lines."""
        self.apply = dict(proposal)
        self.bad_text.clear()
        self.discounts = {
            ln.line_id
            for ln in self.lines
            if ln.line_id in proposal
            and ln.discount.minor > 0
            and proposal[ln.line_id] + ln.discount >= ln.open
        }

    def clear(self) -> None:
        self.apply.clear()
        self.bad_text.clear()
        self.discounts.clear()
        self.write_off_line, self.write_off, self.write_off_reason = None, None, ""

    def totals(self) -> Totals:
        z = self.zero()
        allocated = Money.sum(self.apply.values(), self.currency) if self.apply else z
        discount = Money.sum((self.discount_taken(i) for i in self.discounts), self.currency)
        written = self.write_off if self.write_off_line is not None and self.write_off else z
        payment = self.info.unallocated
        return Totals(payment, allocated, discount, written, payment - allocated)

    def small_difference(self) -> OpenLineDTO | None:
        """A touched line left with a difference the tolerance allows to write off."""
        limit = self.info.write_off_limit
        for ln in self.lines:
            if ln.line_id not in self.apply or ln.line_id == self.write_off_line:
                continue
            left = self.open_after(ln.line_id)
            if 0 < left.minor <= limit.minor:
                return ln
        return None

    def problem(self) -> str | None:
        """The first thing to fix before applying, as a sentence; None when all is well."""
        for line_id, reason in self.bad_text.items():
            return f"{self.line(line_id).invoice_number}: {reason}"
        for line_id, value in self.apply.items():
            ln = self.line(line_id)
            if value > ln.open:
                return (
                    QCoreApplication.translate(
                        "AllocationDraft", "{invoice}: cannot apply {amount}, only {open} is open."
                    )
                    .replace("{invoice}", ln.invoice_number)
                    .replace("{amount}", format_money(value))
                    .replace("{open}", format_money(ln.open))
                )
        totals = self.totals()
        if totals.remaining.minor < 0:
            return (
                QCoreApplication.translate(
                    "AllocationDraft",
                    "Allocated {allocated} is more than the {available} left of the payment.",
                )
                .replace("{allocated}", format_money(totals.allocated))
                .replace("{available}", format_money(totals.payment))
            )
        if self.write_off_line is not None:
            value = self.write_off
            left = self.line(self.write_off_line).open - self.applied(self.write_off_line)
            left -= self.discount_taken(self.write_off_line)
            if value is None or value.minor <= 0:
                return QCoreApplication.translate(
                    "AllocationDraft", "Enter the difference to write off."
                )
            if value > left:
                return QCoreApplication.translate(
                    "AllocationDraft", "The write-off is more than is left on the invoice."
                )
            if value > self.info.write_off_limit:
                return QCoreApplication.translate(
                    "AllocationDraft", "The write-off is more than the tolerance of {limit}."
                ).replace("{limit}", format_money(self.info.write_off_limit))
            if not self.write_off_reason.strip():
                return QCoreApplication.translate(
                    "AllocationDraft", "Say why the difference is written off."
                )
        if not self.apply and not self.discounts and self.write_off_line is None:
            return QCoreApplication.translate(
                "AllocationDraft", "Enter an amount to apply, or use Oldest first / By reference."
            )
        return None

    def preview(self) -> list[str]:
        """One line per invoice instalment touched (open before → after), then the credit left."""
        out = []
        for ln in self.lines:
            paid, disc = self.applied(ln.line_id), self.discount_taken(ln.line_id)
            wo = self.written_off(ln.line_id)
            if not (paid.minor or disc.minor or wo.minor):
                continue
            after = self.open_after(ln.line_id)
            parts = [
                QCoreApplication.translate("AllocationDraft", "{amount} paid").replace(
                    "{amount}", format_money(paid)
                )
            ]
            if disc.minor:
                parts.append(
                    QCoreApplication.translate("AllocationDraft", "{amount} discount").replace(
                        "{amount}", format_money(disc)
                    )
                )
            if wo.minor:
                parts.append(
                    QCoreApplication.translate("AllocationDraft", "{amount} written off").replace(
                        "{amount}", format_money(wo)
                    )
                )
            state = (
                QCoreApplication.translate("AllocationDraft", "closed")
                if after.minor == 0
                else QCoreApplication.translate("AllocationDraft", "partly paid")
            )
            out.append(
                f"{ln.invoice_number} ({ln.seq}/{ln.instalments}): {format_money(ln.open)} → "
                f"{format_money(after)}  [{', '.join(parts)}] {state}"
            )
        remaining = self.totals().remaining
        if remaining.minor > 0:
            out.append(
                QCoreApplication.translate(
                    "AllocationDraft", "Left as customer credit: {amount} {ccy}"
                )
                .replace("{amount}", format_money(remaining))
                .replace("{ccy}", remaining.currency)
            )
        elif remaining.minor == 0:
            out.append(
                QCoreApplication.translate("AllocationDraft", "The payment is fully allocated.")
            )
        return out

    def request(self) -> tuple[dict[int, Money], dict[int, Money], tuple[int, Money, str] | None]:
        """The service arguments: requested amounts, discounts, write-off."""
        requested = {k: v for k, v in self.apply.items() if v.minor > 0}
        discounts = {i: self.discount_taken(i) for i in self.discounts}
        discounts = {k: v for k, v in discounts.items() if v.minor > 0}
        write_off = None
        if self.write_off_line is not None and self.write_off is not None:
            write_off = (self.write_off_line, self.write_off, self.write_off_reason.strip())
        return requested, discounts, write_off
