"""The demo book generator: pure, seeded, streaming.

``BookGenerator(...).batches()`` yields the rows of every table, a batch of customers at a
time, so a million invoices never sit in memory at once. Everything is drawn from
``random.Random`` instances seeded from the one seed (the plan's, and one per customer), so the
same seed, as-of date and sizes always give byte-identical rows.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from desktop_ar.services.demo.customers import contact_rows, customer_row, make_identity
from desktop_ar.services.demo.documents import Inv, Row, Shop, make_documents
from desktop_ar.services.demo.habits import plan_payments
from desktop_ar.services.demo.ledger import finish, mark_specials, post_payments, post_write_offs
from desktop_ar.services.demo.names import BANKS, UNIDENTIFIED_PAYERS
from desktop_ar.services.demo.plan import HORIZON_DAYS, BookPlan, CustomerPlan, make_plan
from desktop_ar.services.demo.render import Calendar, Counters
from desktop_ar.services.demo.schedules import TermsCache

__all__ = ["TABLES", "Batch", "BookGenerator"]

# Tables in foreign-key order: a batch is inserted in this order.
TABLES: tuple[str, ...] = (
    "customers",
    "contacts",
    "orders",
    "order_lines",
    "invoices",
    "invoice_schedule_lines",
    "credit_notes",
    "payments",
    "write_offs",
    "allocations",
    "refunds",
)


@dataclass(slots=True)
class Batch:
    """The rows of some customers, per table, and how many invoices they hold."""

    rows: dict[str, list[Row]]
    invoices: int


def _empty() -> dict[str, list[Row]]:
    return {t: [] for t in TABLES}


class BookGenerator:
    """Generates a believable small-company book, deterministically from a seed."""

    def __init__(
        self,
        *,
        customers: int,
        invoices: int,
        seed: int,
        as_of: date,
        first_ids: dict[str, int] | None = None,
        numbering: dict[str, tuple[str, int, int]] | None = None,
        text: bool = True,
    ) -> None:
        """Plan the book.

        Args:
            customers: number of customers.
            invoices: number of invoices.
            seed: the random seed.
            as_of: nothing happens after this date; history reaches back about 2.5 years.
            first_ids: the first primary key of each table (default 1).
            numbering: (prefix, width, first number) per number sequence.
            text: True to render dates and decimals as SQLite storage text.
        """
        self.plan: BookPlan = make_plan(
            customers=customers, invoices=invoices, seed=seed, as_of=as_of, numbering=numbering
        )
        self.cal = Calendar(self.plan.origin, self.plan.as_of_day + HORIZON_DAYS, text=text)
        self.ids = Counters({t: (first_ids or {}).get(t, 1) for t in TABLES})
        self.cache = TermsCache(self.cal)
        self._used_names: set[str] = set()
        self.seed = seed

    @property
    def total_invoices(self) -> int:
        """How many invoices the book will have."""
        return self.plan.invoices

    def batches(self, invoices_per_batch: int = 5000) -> Iterator[Batch]:
        """Yield the book's rows batch by batch (each batch holds whole customers).

        Args:
            invoices_per_batch: start a new batch once this many invoices are in the current one.

        Yields:
            Batches in customer order; the last one also holds the unidentified payments.
        """
        out, n = _empty(), 0
        for c in self.plan.customers:
            n += self._customer(c, out)
            if n >= invoices_per_batch:
                yield Batch(out, n)
                out, n = _empty(), 0
        self._unidentified(out)
        yield Batch(out, n)

    def _customer(self, c: CustomerPlan, out: dict[str, list[Row]]) -> int:
        rng = random.Random(self.seed * 1_000_003 + c.index * 7_777_777 + 5)
        ident = make_identity(rng, c, self._used_names)
        cid = self.ids.take("customers")
        contacts = contact_rows(rng, c, ident, customer_id=cid, first_id=self.ids.next["contacts"])
        self.ids.take("contacts", len(contacts))
        out["contacts"].extend(contacts)
        shop = Shop(self.plan, c, rng, self.cal, self.ids, self.cache, out, cid, ident)
        invs = make_documents(shop)
        mark_specials(shop, invs)
        money = plan_payments(shop, invs)
        post_payments(shop, invs, money)
        post_write_offs(shop, invs, money)
        finish(shop, invs)
        created = max(0, c.start_day - rng.randint(10, 120))
        prefix, width, first = self.plan.numbering["customer"]
        out["customers"].append(
            customer_row(
                rng,
                c,
                ident,
                customer_id=cid,
                code=f"{prefix}{first + c.index:0{width}d}",
                credit_limit=self._credit_limit(c, invs),
                created_at=self.cal.stamps[created],
            )
        )
        return len(invs)

    def _credit_limit(self, c: CustomerPlan, invs: list[Inv]) -> int:
        a = self.plan.as_of_day
        year = 0
        for v in invs:
            if v.issue >= a - 365:
                year += v.row["amount_minor"]  # type: ignore[operator]
        if c.kind == "individual":
            return 0 if c.terms == "NET0" else 500_000
        months = 1 + (max(invs[-1].due) - invs[-1].issue) // 30 if invs else 1
        step = 1_000_000 if c.currency == "CNY" else 100_000  # 10,000 CNY / 1,000 USD
        limit = year // 12 * (months + 1)
        return max(step * 5, (limit + step - 1) // step * step)

    def _unidentified(self, out: dict[str, list[Row]]) -> None:
        """Money nobody can place yet: no customer, just the payer's name on the statement."""
        rng = random.Random(self.seed * 1_000_003 + 999_999_937)
        cal, a = self.cal, self.plan.as_of_day
        for k in range(self.plan.unidentified):
            pid = self.ids.take("payments")
            day = a - rng.randint(0, 90)
            payer = UNIDENTIFIED_PAYERS[k % len(UNIDENTIFIED_PAYERS)]
            amount = rng.randint(50, 8000) * 1000 + rng.choice((0, 0, rng.randint(1, 999)))
            account = (
                f"{rng.choice(BANKS)} {rng.randint(1000, 9999)} **** {rng.randint(1000, 9999)}"
            )
            out["payments"].append({
                "id": pid, "number": f"RC-T{pid:07d}", "customer_id": None,
                "payment_date": cal.days[day], "currency": "CNY", "exchange_rate": cal.one,
                "amount_minor": amount, "unallocated_minor": amount, "method": "bank_transfer",
                "reference": rng.choice(("货款", "转账", "", "往来款", "TT REMITTANCE", "付款")),
                "payer_name": payer, "bank_account": account, "status": "posted",
                "reversed_on": None, "idempotency_key": None,
                "notes": "无法识别付款人，待确认 / Payer not identified yet",
                "created_at": cal.stamps[day], "version_id": 1,
            })  # fmt: skip

    def company_settings(self) -> dict[str, object]:
        """The demo company: a Hangzhou supply-chain firm."""
        return {
            "name": "杭州云帆供应链有限公司",
            "name_en": "Hangzhou Yunfan Supply Chain Co., Ltd.",
            "address": "浙江省杭州市滨江区江南大道3888号云帆大厦12楼",
            "tax_id": "91330108MA2H3YFN7R",
            "phone": "0571-8765 4321",
            "email": "ar@yunfan-scm.com.cn",
            "bank_details": "招商银行杭州分行 571908888810801",
            "base_currency": "CNY",
            "default_terms": "NET30",
            "language": "zh_CN",
        }

    def next_numbers(self) -> dict[str, int]:
        """The next free number of the invoice, order and customer sequences after the book."""
        n = self.plan.numbering
        return {
            "invoice": n["invoice"][2] + self.plan.invoices,
            "order": n["order"][2] + self.plan.orders,
            "customer": n["customer"][2] + len(self.plan.customers),
        }
