"""Orders, order lines, invoices and their schedule lines for one demo customer.

This is the hot loop of the generator (a million invoices), so it works on plain ints and day
numbers, and draws integers as ``lo + int(random() * span)`` (``randint`` costs four Python calls).
Schedules come from :class:`~desktop_ar.services.demo.schedules.TermsCache`, which matches
:func:`desktop_ar.domain.terms.build_schedule` exactly.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import timedelta

from desktop_ar.domain.money import Money
from desktop_ar.domain.terms import equal_instalments
from desktop_ar.services.demo.customers import Identity
from desktop_ar.services.demo.names import PRODUCTS, PRODUCTS_BY_CATEGORY
from desktop_ar.services.demo.plan import BookPlan, CustomerPlan
from desktop_ar.services.demo.render import Calendar, Counters
from desktop_ar.services.demo.schedules import TermsCache

Row = dict[str, object]
_LINE_COUNTS = (1, 1, 1, 1, 2, 2, 2, 3, 3, 4, 5)
_TAX_TEXT = {13: "0.13", 6: "0.06", 0: "0"}
FAPIAO_BASE = 24_000_000


@dataclass(slots=True)
class Inv:
    """An invoice being generated: its rows plus what the payment simulation needs."""

    row: Row
    lines: list[Row]
    issue: int
    due: list[int]
    amount: list[int]
    until: list[int]
    disc: list[int]
    credited: list[int] = field(default_factory=list)  # credit-note amount per line
    paid: list[int] = field(default_factory=list)  # live allocations per line
    disputed: bool = False
    bad_debt: bool = False


@dataclass(slots=True)
class Shop:
    """Everything needed to generate one customer's documents."""

    plan: BookPlan
    c: CustomerPlan
    rng: random.Random
    cal: Calendar
    ids: Counters
    cache: TermsCache
    out: dict[str, list[Row]]
    customer_id: int
    ident: Identity


def _price_list(shop: Shop) -> list[tuple[str, int, int, int, object, int, int, bool]]:
    """The customer's products with its prices.

    Returns:
        (item, unit price, unit cost, tax %, tax-rate value, lowest quantity×10, quantity
        span×10, whole units) for each product the customer buys.
    """
    rng, c = shop.rng, shop.c
    pool = sorted({i for cat in shop.ident.categories for i in PRODUCTS_BY_CATEGORY[cat]})
    chosen = rng.sample(pool, min(len(pool), rng.randint(2, 6)))
    items = []
    for i in chosen:
        p = PRODUCTS[i]
        price = rng.randint(p.price_lo, p.price_hi)
        cost_pm = rng.randint(p.cost_lo, p.cost_hi) if rng.random() > 0.03 else 1040
        cost = price * cost_pm // 1000
        tax = p.tax_pct
        if c.currency != "CNY":
            price, cost, tax = max(1, price * 100 // 710), max(1, cost * 100 // 710), 0
        # whole units: lo + k × 10 tenths, k < span; tenths: lo + k, k < span
        span = (p.qty_hi - p.qty_lo) * 10 + 10 if p.decimal_qty else p.qty_hi - p.qty_lo + 1
        lo = p.qty_lo * 10
        items.append(
            (p.name, price, cost, tax, shop.cal.dec(_TAX_TEXT[tax]), lo, span, not p.decimal_qty)
        )
    return items


def make_documents(shop: Shop) -> list[Inv]:
    """Generate the customer's orders (with lines), invoices and schedule lines.

    Rows are appended to ``shop.out``; open amounts and statuses are filled in later by the
    payment simulation.

    Returns:
        The invoices, in issue-date order.
    """
    c, rng, cal, plan, out = shop.c, shop.rng, shop.cal, shop.plan, shop.out
    ids, cache = shop.ids, shop.cache
    ccy, cid, terms_spec = c.currency, shop.customer_id, c.terms
    prices = _price_list(shop)
    scale = c.scale_pm
    days, stamps, dec = cal.days, cal.stamps, cal.dec
    rates = cal.usd_rate if ccy == "USD" else None
    one = cal.one
    order_next, invoice_next = plan.order_next, plan.invoice_next
    op, ow, _ = plan.numbering["order"]
    ip, iw, _ = plan.numbering["invoice"]
    orders, order_lines, invoices, sched = (
        out["orders"], out["order_lines"], out["invoices"], out["invoice_schedule_lines"]
    )  # fmt: skip
    a = plan.as_of_day
    qty_cache = cal.quantities
    oid, olid = ids.next["orders"], ids.next["order_lines"]
    iid, sid = ids.next["invoices"], ids.next["invoice_schedule_lines"]
    contract = f"HT-{cal.dates[c.start_day].year}-{rng.randint(1, 400):04d}"
    result: list[Inv] = []
    rand = rng.random
    n_prices = len(prices)
    key_account = c.kind == "key_account"
    for issue, lag in zip(c.issue_days, c.order_lags, strict=True):
        order_day = issue - lag if issue >= lag else 0
        net = tax = cost = 0
        for line_no in range(1, _LINE_COUNTS[int(rand() * 11)] + 1):
            item, price, unit_cost, pct, tax_text, lo, span, whole = prices[int(rand() * n_prices)]
            if whole:
                q10 = (lo + int(rand() * span) * 10) * scale // 1000
                q10 = q10 - q10 % (100 if q10 >= 2000 else 10) if q10 >= 10 else 10
            else:
                q10 = (lo + int(rand() * span)) * scale // 1000
                q10 = max(q10, 10)
            quantity = qty_cache.get(q10)
            if quantity is None:
                quantity = qty_cache[q10] = dec(
                    f"{q10 // 10}.{q10 % 10}" if q10 % 10 else str(q10 // 10)
                )
            ln_net = (q10 * price + 5) // 10
            ln_tax = (ln_net * pct * 2 + 100) // 200
            net += ln_net
            tax += ln_tax
            cost += (q10 * unit_cost + 5) // 10
            order_lines.append({
                "id": olid, "order_id": oid, "line_no": line_no, "item": item,
                "quantity": quantity, "unit_price_minor": price, "tax_rate": tax_text,
                "unit_cost_minor": unit_cost, "net_minor": ln_net, "tax_minor": ln_tax,
            })  # fmt: skip
            olid += 1
        total = net + tax
        rate = rates[issue] if rates is not None else one
        ono = order_next[order_day]
        order_next[order_day] = ono + 1
        ref = contract if key_account else ""
        if not key_account and rand() < 0.3:
            ref = f"PO{100000 + int(rand() * 900000)}"  # the customer's purchase order
        orders.append({
            "id": oid, "number": f"{op}{ono:0{ow}d}", "customer_id": cid,
            "order_date": days[order_day], "delivery_date": days[issue],
            "shipped_date": days[issue],
            "currency": ccy, "exchange_rate": rates[order_day] if rates is not None else one,
            "payment_terms": terms_spec,
            "contract_ref": ref,
            "status": "invoiced", "net_minor": net, "tax_minor": tax, "total_minor": total,
            "cost_minor": cost, "notes": "", "created_at": stamps[order_day], "version_id": 1,
        })  # fmt: skip
        spec, notes = terms_spec, ""
        roll = rand()
        if roll < 0.03 and key_account and total >= 10_000_000:
            count = (3, 4, 6)[int(rand() * 3)]
            first = cal.dates[issue] + timedelta(days=30)
            plan_lines = equal_instalments(Money(total, ccy), first, count)
            schedule = [(cal.day_of(ln.due_date), ln.amount.minor, -1, 0) for ln in plan_lines]
            notes = f"分{count}期付款 / {count} monthly instalments"
        else:
            if roll > 0.97:
                spec = ("NET60", "NET45", "EOM30")[int(rand() * 3)]
                notes = "特批账期 / Special terms approved"
            schedule = cache.schedule(spec, issue, total, tax, ccy)
        ino = invoice_next[issue]
        invoice_next[issue] = ino + 1
        fapiao = ccy == "CNY" and (rand() < 0.97 if issue < a - 30 else rand() < 0.6)
        fp_day = issue + int(rand() * 4) if fapiao else 0
        row = {
            "id": iid, "number": f"{ip}{ino:0{iw}d}", "order_id": oid, "customer_id": cid,
            "issue_date": days[issue], "due_date": days[max(s[0] for s in schedule)],
            "currency": ccy, "exchange_rate": rate, "payment_terms": spec,
            "net_minor": net, "tax_minor": tax, "amount_minor": total, "open_minor": total,
            "status": "open", "fapiao_issued": fapiao,
            "fapiao_number": f"{FAPIAO_BASE + ino:08d}" if fapiao else "",
            "fapiao_date": days[fp_day if fp_day <= a else a] if fapiao else None,
            "disputed": False, "overdue_reason": "", "notes": notes,
            "created_at": stamps[issue], "version_id": 1,
        }  # fmt: skip
        invoices.append(row)
        lines = []
        for seq, (due, amount, until, disc) in enumerate(schedule, start=1):
            line = {
                "id": sid, "invoice_id": iid, "seq": seq, "due_date": days[due],
                "amount_minor": amount, "open_minor": amount,
                "discount_until": days[until] if until >= 0 else None, "discount_minor": disc,
            }  # fmt: skip
            sched.append(line)
            lines.append(line)
            sid += 1
        n = len(schedule)
        result.append(
            Inv(
                row,
                lines,
                issue,
                [s[0] for s in schedule],
                [s[1] for s in schedule],
                [s[2] for s in schedule],
                [s[3] for s in schedule],
                [0] * n,
                [0] * n,
            )
        )
        oid += 1
        iid += 1
    ids.next.update(order_lines=olid, invoices=iid, invoice_schedule_lines=sid)
    ids.next["orders"] = _extra_orders(shop, prices, oid)
    return result


def _extra_orders(
    shop: Shop, prices: list[tuple[str, int, int, int, object, int, int, bool]], oid: int
) -> int:
    """Orders not (yet) invoiced: confirmed, draft and cancelled ones, with one line each."""
    c, rng, cal, plan, out = shop.c, shop.rng, shop.cal, shop.plan, shop.out
    olid = shop.ids.next["order_lines"]
    for day, status in c.extra_orders:
        item, price, unit_cost, pct, tax_text, *_ = rng.choice(prices)
        q = rng.randint(1, 50)
        net = q * price
        tax = (net * pct * 2 + 100) // 200
        ono = plan.order_next[day]
        plan.order_next[day] = ono + 1
        delivery = day + rng.randint(7, 30)
        rate = cal.usd_rate[day] if c.currency == "USD" else cal.one
        out["orders"].append({
            "id": oid, "number": plan.number("order", ono), "customer_id": shop.customer_id,
            "order_date": cal.days[day], "delivery_date": cal.days[delivery], "shipped_date": None,
            "currency": c.currency, "exchange_rate": rate, "payment_terms": c.terms,
            "contract_ref": "", "status": status, "net_minor": net, "tax_minor": tax,
            "total_minor": net + tax, "cost_minor": q * unit_cost,
            "notes": "客户取消 / Cancelled by customer" if status == "cancelled" else "",
            "created_at": cal.stamps[day], "version_id": 1,
        })  # fmt: skip
        out["order_lines"].append({
            "id": olid, "order_id": oid, "line_no": 1, "item": item, "quantity": cal.dec(str(q)),
            "unit_price_minor": price, "tax_rate": tax_text, "unit_cost_minor": unit_cost,
            "net_minor": net, "tax_minor": tax,
        })  # fmt: skip
        olid += 1
        oid += 1
    shop.ids.next["order_lines"] = olid
    return oid
