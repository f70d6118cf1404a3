"""The bank-statement matcher: ranked candidates for each statement line.

Rules, in the order a bookkeeper would apply them:

1. A credit line may be a receipt already recorded: recorded payments of the same amount (or
   within the tolerance) inside the date window, or whose number is in the memo.
2. Otherwise it pays open invoices: those whose number (or fapiao number) is in the memo or
   reference, whose open amount equals the line, equals it after an early-payment discount still
   available on the line's date, or is within the tolerance.
3. Or several open invoices of one customer: the customer is recognised by the invoices named in
   the memo, a known counterparty account, the payer name or a name in the memo; among its open
   invoices (named ones first, then oldest due, at most ``max_sum_pool``) sets of up to
   ``max_sum_invoices`` whose sum matches are found by bisection, not by trying every subset.

Every candidate is scored by :mod:`desktop_ar.domain.matching.scoring`. Debit lines (money out)
and zero lines get no candidates, only a note. Look-ups go through indexes (amount dictionaries
and sorted arrays, document numbers by their digits, name tokens, accounts), so a line costs the
same against 1,000 or 100,000 open invoices.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date

from desktop_ar.domain.matching import scoring
from desktop_ar.domain.matching.amounts import AmountIndex
from desktop_ar.domain.matching.documents import FULL, DocIndex
from desktop_ar.domain.matching.evidence import LineFacts, date_evidence
from desktop_ar.domain.matching.model import (
    Candidate,
    Customer,
    LineMatch,
    MatchSettings,
    OpenInvoice,
    Reason,
    RecordedPayment,
    StatementLine,
)
from desktop_ar.domain.matching.names import NameIndex
from desktop_ar.domain.matching.sums import sum_candidates
from desktop_ar.domain.matching.text import account_key, squeeze
from desktop_ar.domain.money import Money

__all__ = ["Matcher", "match_lines"]

_KIND_ORDER = {"payment": 0, "invoice": 1, "invoices": 2}
_SUMS_UNLESS = 0.8  # no sums are searched when a candidate of the exact amount is this strong


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while building many small acyclic objects.

    Indexing 100,000 invoices allocates a few hundred thousand tuples and lists; each full
    collection then walks every object of the book already in memory, which doubled the time.
    Nothing built here forms a reference cycle, so plain reference counting frees it all.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Matcher:
    """Indexes the open items once; then :meth:`match` answers each statement line."""

    def __init__(
        self,
        *,
        invoices: Iterable[OpenInvoice],
        payments: Iterable[RecordedPayment] = (),
        customers: Iterable[Customer] = (),
        settings: MatchSettings | None = None,
    ) -> None:
        """Build the indexes.

        Args:
            invoices: the open invoices (those with an open amount of zero are ignored).
            payments: the recorded payments not yet reconciled with the bank.
            customers: the customers, for names and known accounts.
            settings: tolerance, date window and limits (defaults: no tolerance, ±7 days).
        """
        self.settings = settings or MatchSettings()
        with _collector_paused():
            self._build(invoices, payments, customers)

    def _build(
        self,
        invoices: Iterable[OpenInvoice],
        payments: Iterable[RecordedPayment],
        customers: Iterable[Customer],
    ) -> None:
        self._invoices = [i for i in invoices if i.open_amount.minor > 0]
        self._payments = list(payments)
        customer_list = list(customers)
        self._names = NameIndex(customer_list)
        self._inv_amounts = AmountIndex((k, i.open_amount) for k, i in enumerate(self._invoices))
        self._inv_discounted = AmountIndex(
            (k, i.open_amount - i.discount.amount)
            for k, i in enumerate(self._invoices)
            if i.discount is not None
            and i.discount.amount.currency == i.open_amount.currency
            and 0 < i.discount.amount.minor < i.open_amount.minor
        )
        self._inv_docs = DocIndex((k, i.number) for k, i in enumerate(self._invoices))
        self._fapiao = DocIndex((k, i.fapiao_number) for k, i in enumerate(self._invoices))
        by_customer: dict[tuple[int, str], list[int]] = defaultdict(list)
        for k, inv in enumerate(self._invoices):
            by_customer[(inv.customer_id, inv.open_amount.currency)].append(k)
        for keys in by_customer.values():
            keys.sort(key=lambda k: (self._invoices[k].due_date, self._invoices[k].id))
        self._by_customer = dict(by_customer)
        self._pay_amounts = AmountIndex((k, p.amount) for k, p in enumerate(self._payments))
        self._pay_docs = DocIndex((k, p.number) for k, p in enumerate(self._payments))
        accounts: dict[str, set[int]] = defaultdict(set)
        for c in customer_list:
            for acct in c.bank_accounts:
                accounts[account_key(acct)].add(c.id)
        keyed: dict[str, str] = {}  # receipts repeat their customers' few accounts
        for p in self._payments:
            if p.customer_id is not None and p.bank_account:
                key = keyed.get(p.bank_account)
                if key is None:
                    key = keyed[p.bank_account] = account_key(p.bank_account)
                accounts[key].add(p.customer_id)
        self._accounts = {k: frozenset(v) for k, v in accounts.items() if k}

    # -- public ---------------------------------------------------------------------------------
    def match(self, line: StatementLine) -> LineMatch:
        """The ranked candidates of one line (best first) and notes on the line."""
        if line.amount.minor < 0:
            return LineMatch(line.id, (), (Reason("debit_line", {}),))
        if line.amount.minor == 0:
            return LineMatch(line.id, (), (Reason("zero_amount", {}),))
        facts = LineFacts(line, self.settings, self._names, self._accounts)
        ccy = line.amount.currency
        docs = {
            k: v
            for k, v in self._inv_docs.find(facts.runs).items()
            if self._invoices[k].open_amount.currency == ccy
        }
        found = [*self._payment_candidates(facts), *self._invoice_candidates(facts, docs)]
        if not any(c.confidence >= _SUMS_UNLESS and c.amount == line.amount for c in found):
            exact = {
                c.customer_id for c in found if c.kind == "invoice" and c.amount == line.amount
            }
            found += sum_candidates(
                facts,
                docs,
                invoices=self._invoices,
                by_customer=self._by_customer,
                names=self._names,
                skip=exact,
            )
        s = self.settings
        kept = [c for c in found if c.confidence >= s.min_confidence]
        kept.sort(
            key=lambda c: (-c.confidence, _KIND_ORDER[c.kind], len(c.target_ids), c.target_ids)
        )
        notes = () if kept else (Reason("no_candidates", {}),)
        return LineMatch(line.id, tuple(kept[: s.max_candidates]), notes)

    def match_all(self, lines: Iterable[StatementLine]) -> list[LineMatch]:
        """:meth:`match` for every line, in order."""
        with _collector_paused():
            return [self.match(line) for line in lines]

    # -- recorded payments ----------------------------------------------------------------------
    def _payment_candidates(self, facts: LineFacts) -> list[Candidate]:
        line, s = facts.line, self.settings
        amount = line.amount
        tol = s.tolerance_minor(amount.currency)
        named = {
            k
            for k in self._pay_docs.find(facts.runs, full_only=True)
            if self._payments[k].amount.currency == amount.currency
        }
        keys = dict.fromkeys([*self._pay_amounts.exact(amount), *named])
        keys.update(dict.fromkeys(k for k, _ in self._pay_amounts.near(amount, tol)))
        rows = []
        for k in keys:
            p = self._payments[k]
            date_s, date_r = date_evidence(p.date, facts.dates, s, code="date_near")
            if date_r is not None or k in named:
                rows.append((k, p, date_s, date_r))
        same = sum(1 for _, p, _, _ in rows if p.amount.minor == amount.minor)
        out = []
        for k, p, date_s, date_r in rows:
            docs: list[tuple[float, Reason]] = []
            if k in named:
                docs.append((FULL, Reason("payment_in_memo", {"number": p.number})))
            ref = squeeze(p.reference)
            if len(ref) >= 4 and (
                ref in facts.squeezed
                or (len(facts.reference_key) >= 4 and facts.reference_key in ref)
            ):
                docs.append(
                    (
                        scoring.REFERENCE_STRENGTH,
                        Reason("reference_match", {"reference": p.reference}),
                    )
                )
            doc_s = scoring.combine(x for x, _ in docs)
            amount_s, amount_r = self._value_evidence(amount, p.amount, same, doc_s >= FULL)
            # The payment's own payer name and account count too (the stronger name counts).
            cust = facts.customer(p.customer_id).merged(
                facts.payer(p.payer_name, p.bank_account, p.customer_name)
            )
            cust_s, cust_reasons = cust.strength, cust.reasons
            conf = scoring.confidence(
                {"document": doc_s, "amount": amount_s, "customer": cust_s, "date": date_s},
                amount_differs=amount_s == 0,
            )
            reasons = [*amount_r, *(r for _, r in docs), *cust_reasons]
            if date_r is not None:
                reasons.append(date_r)
            out.append(
                Candidate(
                    "payment", (p.id,), p.customer_id, p.amount, conf, tuple(reasons), (p.number,)
                )
            )
        return out

    # -- single invoices ------------------------------------------------------------------------
    def _value_evidence(
        self,
        line: Money,
        target: Money,
        same: int,
        named: bool,
        *,
        inv: OpenInvoice | None = None,
        when: date | None = None,
    ) -> tuple[float, list[Reason]]:
        """Amount strength and reasons of a single target (payment or invoice)."""
        diff = line.minor - target.minor
        if diff == 0:
            reasons = [Reason("amount_equal", {})]
            if same > 1 and not named:
                reasons.append(Reason("amount_shared", {"count": same}))
            return scoring.equality_strength(same, named), reasons
        if inv is not None and self._discount_ok(inv, line, when):
            disc = inv.discount
            assert disc is not None
            params: dict[str, str | int] = {
                "discount": disc.amount.amount_str(),
                "until": disc.until.isoformat(),
            }
            return scoring.DISCOUNT_STRENGTH, [Reason("discount_taken", params)]
        tol = self.settings.tolerance_minor(line.currency)
        text = Money(diff, line.currency).amount_str()
        if abs(diff) <= tol:
            return scoring.tolerance_strength(diff, tol), [
                Reason("within_tolerance", {"difference": text})
            ]
        return 0.0, [Reason("amount_differs", {"difference": text})]

    @staticmethod
    def _discount_ok(inv: OpenInvoice, line: Money, when: date | None) -> bool:
        """Whether ``line`` is the invoice's open amount less a discount still open on ``when``."""
        disc = inv.discount
        return (
            disc is not None
            and when is not None
            and disc.amount.currency == line.currency
            and inv.open_amount.minor - disc.amount.minor == line.minor
            and when <= disc.until
        )

    def _invoice_candidates(self, facts: LineFacts, docs: dict[int, float]) -> list[Candidate]:
        line, s = facts.line, self.settings
        amount = line.amount
        ccy = amount.currency
        when = min(facts.dates)
        fapiao = {
            k
            for k in self._fapiao.find(facts.runs, full_only=True)
            if self._invoices[k].open_amount.currency == ccy
        }
        exact = self._inv_amounts.exact(amount)
        keys = dict.fromkeys([*docs, *fapiao, *exact])
        for k in self._inv_discounted.exact(amount):
            if self._discount_ok(self._invoices[k], amount, when):
                keys[k] = None
        tol = s.tolerance_minor(ccy)
        keys.update(dict.fromkeys(k for k, _ in self._inv_amounts.near(amount, tol)))
        out = []
        for k in keys:
            inv = self._invoices[k]
            doc_parts: list[tuple[float, Reason]] = []
            if k in docs:
                code = "invoice_in_memo" if docs[k] >= FULL else "invoice_digits_in_memo"
                doc_parts.append((docs[k], Reason(code, {"number": inv.number})))
            if k in fapiao:
                doc_parts.append((FULL, Reason("fapiao_in_memo", {"number": inv.fapiao_number})))
            doc_s = scoring.combine(x for x, _ in doc_parts)
            amount_s, amount_r = self._value_evidence(
                amount, inv.open_amount, len(exact), doc_s >= FULL, inv=inv, when=when
            )
            cust = facts.customer(inv.customer_id)
            date_s, date_r = date_evidence(inv.due_date, facts.dates, s, code="due_near")
            conf = scoring.confidence(
                {"document": doc_s, "amount": amount_s, "customer": cust.strength, "date": date_s},
                amount_differs=amount_s == 0,
            )
            reasons = [*amount_r, *(r for _, r in doc_parts), *cust.reasons]
            if date_r is not None:
                reasons.append(date_r)
            out.append(
                Candidate(
                    "invoice",
                    (inv.id,),
                    inv.customer_id,
                    inv.open_amount,
                    conf,
                    tuple(reasons),
                    (inv.number,),
                )
            )
        return out


def match_lines(
    lines: Iterable[StatementLine],
    *,
    invoices: Iterable[OpenInvoice],
    payments: Iterable[RecordedPayment] = (),
    customers: Iterable[Customer] = (),
    settings: MatchSettings | None = None,
) -> list[LineMatch]:
    """Match every line (builds a :class:`Matcher` and runs it once).

    Args:
        lines: the statement lines.
        invoices: the open invoices.
        payments: the recorded payments not yet reconciled.
        customers: the customers.
        settings: tolerance, date window and limits.

    Returns:
        One :class:`LineMatch` per line, in order.
    """
    matcher = Matcher(invoices=invoices, payments=payments, customers=customers, settings=settings)
    return matcher.match_all(lines)
