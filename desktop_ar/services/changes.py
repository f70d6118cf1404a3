"""What a service changed, so the UI refreshes only what it must."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(slots=True)
class Changes:
    """Ids of changed records per kind; ``everything`` after bulk work such as a demo seed."""

    customers: set[int] = field(default_factory=set)
    orders: set[int] = field(default_factory=set)
    invoices: set[int] = field(default_factory=set)
    payments: set[int] = field(default_factory=set)
    credit_notes: set[int] = field(default_factory=set)
    settings: bool = False
    everything: bool = False

    def merge(self, other: Changes) -> Changes:
        """Add another set of changes to this one and return self."""
        self.customers |= other.customers
        self.orders |= other.orders
        self.invoices |= other.invoices
        self.payments |= other.payments
        self.credit_notes |= other.credit_notes
        self.settings = self.settings or other.settings
        self.everything = self.everything or other.everything
        return self

    def __bool__(self) -> bool:
        return bool(
            self.everything
            or self.settings
            or self.customers
            or self.orders
            or self.invoices
            or self.payments
            or self.credit_notes
        )

    @classmethod
    def all(cls) -> Changes:
        """Changes that touch everything."""
        return cls(everything=True)
