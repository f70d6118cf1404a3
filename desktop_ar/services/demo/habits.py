"""When and how much a demo customer pays each schedule line, by its payment habit."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from desktop_ar.services.demo.documents import Inv, Shop


@dataclass(slots=True)
class Plan:
    """The customer's money movements, before they become rows."""

    groups: dict[tuple[int, int], list[tuple[int, int, int]]] = field(default_factory=dict)
    # write-offs: (day, kind, invoice index, [(line index, amount)])
    write_offs: list[tuple[int, str, int, list[tuple[int, int]]]] = field(default_factory=list)
    small_diff_left: int = 0


def _line_days(
    rng: random.Random, profile: str, issue: int, due: int, amount: int
) -> list[tuple[int, int]]:
    """Payment (day, amount) pairs for one line under a habit (before the as-of cut)."""
    rnd = rng.random
    r = rnd()
    if profile in {"prompt", "discount"}:
        if r < 0.85:
            return [(due - int(rnd() * (min(7, due - issue) + 1)), amount)]
        return [(due + 1 + int(rnd() * 10), amount)]
    if profile == "late":
        if r < 0.2:
            return [(due + int(rnd() * 15), amount)]
        return [(due + 15 + int(rnd() * 76), amount)]
    if profile == "chronic":
        if r < 0.06:
            return []
        return [(due + 60 + int(rnd() * 91), amount)]
    # partial payer: two or three instalments of its own choosing
    if amount < 1000 or r < 0.15:
        return [(due + int(rnd() * 31), amount)]
    first = amount * (30 + int(rnd() * 41)) // 100
    d1 = due - 5 + int(rnd() * 36)
    if r < 0.22:
        return [(d1, first)]  # the rest never came
    d2 = d1 + 15 + int(rnd() * 46)
    if r < 0.5 and amount - first >= 2000:
        second = (amount - first) // 2
        return [(d1, first), (d2, second), (d2 + 10 + int(rnd() * 31), amount - first - second)]
    return [(d1, first), (d2, amount - first)]


def plan_payments(shop: Shop, invs: list[Inv]) -> Plan:
    """Decide every payment event of the customer's invoices.

    Disputed and bad-debt invoices are skipped here (they are handled as specials); events dated
    after as-of are dropped, so late payers naturally leave overdue invoices open.
    """
    c, rng, cal = shop.c, shop.rng, shop.cal
    a = shop.plan.as_of_day
    plan = Plan(small_diff_left=c.specials.get("small_diff", 0))
    groups = plan.groups
    if c.kind == "key_account" and rng.random() < 0.7:
        snap: list[int] | None = cal.next_25  # pays on the 25th, all at once
    elif c.kind == "sme" and rng.random() < 0.3:
        snap = cal.next_thursday  # weekly payment run
    else:
        snap = None
    profile = c.profile
    for i, inv in enumerate(invs):
        if inv.disputed or inv.bad_debt:
            continue
        issue = inv.issue
        for j, due in enumerate(inv.due):
            amount = inv.amount[j] - inv.credited[j]
            if amount <= 0:
                continue
            disc = inv.disc[j]
            if profile == "discount" and disc > 0 and rng.random() < 0.8:
                day = issue + rng.randint(min(2, inv.until[j] - issue), inv.until[j] - issue)
                if day <= a and amount > disc:
                    groups.setdefault((day, i), []).append((i, j, amount - disc))
                    plan.write_offs.append((day, "discount", i, [(j, disc)]))
                continue
            events = _line_days(rng, profile, issue, due, amount)
            small_wo = 0
            if profile == "partial" and len(events) > 1 and rng.random() < 0.35:
                # Pays all but a small remainder; some remainders are written off as differences.
                d_last, last = events[-1]
                if last >= 2:
                    if plan.small_diff_left > 0 and max(d_last, issue) <= a:
                        small_wo = small = rng.randint(1, min(100, last - 1))
                    else:
                        small = rng.randint(1, min(last - 1, 5000))
                    events[-1] = (d_last, last - small)
            day = -1
            for when, amt in events:
                day = max(when, issue)
                if day > a:
                    break
                if snap is not None:
                    day = snap[day]
                    if day > a:
                        break
                    key = (day, -1)
                else:
                    key = (day, i)
                groups.setdefault(key, []).append((i, j, amt))
            else:
                if small_wo and day >= 0:
                    plan.small_diff_left -= 1
                    plan.write_offs.append((day, "small_difference", i, [(j, small_wo)]))
    return plan
