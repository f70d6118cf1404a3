"""Candidates made of several open invoices of one customer whose sum matches the line.

Only customers the line points at are searched: those whose invoices are named in the memo,
whose known account paid, whose name is the payer's or is written in the memo (at most three per
line, the best supported first). Of each, the invoices named in the memo come first, then the
oldest due, at most ``max_sum_pool`` of them; :func:`~desktop_ar.domain.matching.amounts.find_sums`
finds the sets of up to ``max_sum_invoices`` whose sum is the line's amount (or within the
tolerance) by bisection over sorted values and pair sums, never by trying every subset.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence

from desktop_ar.domain.matching import scoring
from desktop_ar.domain.matching.amounts import find_sums
from desktop_ar.domain.matching.documents import FULL
from desktop_ar.domain.matching.evidence import LineFacts
from desktop_ar.domain.matching.model import Candidate, OpenInvoice, Reason
from desktop_ar.domain.matching.names import NameIndex
from desktop_ar.domain.money import Money

__all__ = ["SUM_CUSTOMERS", "sum_candidates"]

SUM_CUSTOMERS = 3  # customers searched per line
_SETS_PER_CUSTOMER = 3


def sum_candidates(
    facts: LineFacts,
    docs: Mapping[int, float],
    *,
    invoices: Sequence[OpenInvoice],
    by_customer: Mapping[tuple[int, str], Sequence[int]],
    names: NameIndex,
    skip: Collection[int | None] = (),
) -> list[Candidate]:
    """The "invoices" candidates of one line.

    Args:
        facts: the line.
        docs: invoice keys named in the memo → :data:`~.documents.FULL` or ``PARTIAL``.
        invoices: the open invoices (keys are positions in this list).
        by_customer: ``(customer id, currency)`` → invoice keys, oldest due first.
        names: the customer name index.
        skip: customers not to search (one of their invoices already has the exact amount).

    Returns:
        Candidates, unscored order.
    """
    s = facts.settings
    amount = facts.line.amount
    ccy = amount.currency
    named_by_customer: dict[int, list[int]] = defaultdict(list)
    for k, strength in docs.items():
        if strength >= FULL:
            named_by_customer[invoices[k].customer_id].append(k)
    pool_ids = set(named_by_customer) | set(facts.account_customers())
    pool_ids.update(names.lookup(facts.name_core, limit=SUM_CUSTOMERS))
    pool_ids.update(names.named_in(facts.memo_key, limit=SUM_CUSTOMERS))
    ranked = []
    for cid in pool_ids:
        if cid in skip or (cid, ccy) not in by_customer:
            continue
        strength = facts.customer(cid).strength
        if strength > 0 or cid in named_by_customer:
            ranked.append((-len(named_by_customer.get(cid, ())), -strength, cid))
    ranked.sort()
    tol = s.tolerance_minor(ccy)
    out: list[Candidate] = []
    for _, _, cid in ranked[:SUM_CUSTOMERS]:
        named = named_by_customer.get(cid, [])
        rest = [k for k in by_customer[(cid, ccy)] if k not in named]
        pool = [*named, *rest][: max(s.max_sum_pool, len(named))]
        values = [invoices[k].open_amount.minor for k in pool]
        combos = find_sums(
            values, amount.minor, tol, max_count=s.max_sum_invoices, limit=_SETS_PER_CUSTOMER
        )
        sets = [tuple(pool[i] for i in idx) for idx, _ in combos]
        if len(named) >= 2 and abs(amount.minor - sum(values[: len(named)])) <= tol:
            sets.insert(0, tuple(named))  # exactly the invoices the memo names, however many
        for keys in dict.fromkeys(tuple(sorted(ks)) for ks in sets):
            out.append(_candidate(facts, cid, keys, docs, invoices))
    return out


def _candidate(
    facts: LineFacts,
    cid: int,
    keys: tuple[int, ...],
    docs: Mapping[int, float],
    invoices: Sequence[OpenInvoice],
) -> Candidate:
    keys = tuple(sorted(keys, key=lambda k: (invoices[k].due_date, invoices[k].id)))
    invs = [invoices[k] for k in keys]
    amount = facts.line.amount
    total = sum(i.open_amount.minor for i in invs)
    diff = amount.minor - total
    tol = facts.settings.tolerance_minor(amount.currency)
    named = [k for k in keys if docs.get(k, 0.0) >= FULL]
    doc_s = sum(docs.get(k, 0.0) for k in keys) / len(keys)
    amount_s = scoring.sum_strength(len(keys), diff, tol, len(named) == len(keys))
    reasons = [Reason("amount_sum", {"count": len(keys)})]
    if diff:
        difference = Money(diff, amount.currency).amount_str()
        reasons.append(Reason("within_tolerance", {"difference": difference}))
    reasons += [Reason("invoice_in_memo", {"number": invoices[k].number}) for k in named]
    cust = facts.customer(cid)
    reasons += cust.reasons
    conf = scoring.confidence({"document": doc_s, "amount": amount_s, "customer": cust.strength})
    return Candidate(
        "invoices",
        tuple(i.id for i in invs),
        cid,
        Money(total, amount.currency),
        conf,
        tuple(reasons),
        tuple(i.number for i in invs),
    )
