"""A demo customer's money: payments, allocations, credit notes, write-offs and refunds.

The payment plan becomes rows here, and every maintained balance is brought up to date.

Payment and credit-note numbers are temporary here (``RC-T…``); the seeding service renumbers
them in date order once the whole book is in the database.
"""

from __future__ import annotations

from desktop_ar.services.demo.documents import Inv, Row, Shop
from desktop_ar.services.demo.habits import Plan
from desktop_ar.services.demo.names import DISPUTE_REASONS, OVERDUE_REASONS


def mark_specials(shop: Shop, invs: list[Inv]) -> None:
    """Disputes, the bad debt and credit notes against invoices, before payments are planned."""
    c, rng, a = shop.c, shop.rng, shop.plan.as_of_day
    if not invs:
        return
    for _ in range(c.specials.get("disputed", 0)):
        pool = [v for v in invs if a - 200 <= max(v.due) <= a - 5 and not v.disputed]
        pool = pool or [v for v in invs if max(v.due) < a and not v.disputed]
        if pool:
            v = rng.choice(pool)
            v.disputed = True
            v.row["disputed"] = True
            v.row["overdue_reason"] = rng.choice(DISPUTE_REASONS)
    if c.specials.get("bad_debt"):
        pool = [v for v in invs if v.issue <= a - 420 and not v.disputed] or invs[:1]
        rng.choice(pool).bad_debt = True
    for _ in range(c.specials.get("cn_invoice", 0)):
        pool = [v for v in invs if a - 400 <= v.issue <= a - 60 and not (v.disputed or v.bad_debt)]
        pool = pool or [v for v in invs if v.issue <= a - 25 and not (v.disputed or v.bad_debt)]
        pool = [v for v in pool if not any(v.credited) and v.amount[-1] >= 2]
        if pool:
            _credit_note(shop, rng.choice(pool))


def _credit_note(shop: Shop, v: Inv) -> None:
    rng, cal, ids, c = shop.rng, shop.cal, shop.ids, shop.c
    total = v.row["amount_minor"]
    assert isinstance(total, int)
    amount = max(1, min(v.amount[-1] - 1, total * rng.randint(3, 12) // 100))
    day = min(v.issue + rng.randint(5, 20), shop.plan.as_of_day)
    cn_id = ids.take("credit_notes")
    shop.out["credit_notes"].append({
        "id": cn_id, "number": f"CN-T{cn_id:07d}", "customer_id": shop.customer_id,
        "invoice_id": v.row["id"], "issue_date": cal.days[day], "currency": c.currency,
        "exchange_rate": v.row["exchange_rate"], "amount_minor": amount, "unallocated_minor": 0,
        "reason": "退货 — 部分货物质量问题 / Goods returned: quality issue", "status": "applied",
        "created_at": cal.stamps[day], "version_id": 1,
    })  # fmt: skip
    v.credited[-1] += amount
    _allocate(shop, v, len(v.due) - 1, amount, day, credit_note_id=cn_id)


def _allocate(
    shop: Shop,
    v: Inv,
    j: int,
    amount: int,
    day: int,
    *,
    payment_id: int | None = None,
    credit_note_id: int | None = None,
    write_off_id: int | None = None,
    reversed_on: int = -1,
) -> None:
    shop.out["allocations"].append({
        "id": shop.ids.take("allocations"), "payment_id": payment_id,
        "credit_note_id": credit_note_id, "write_off_id": write_off_id,
        "schedule_line_id": v.lines[j]["id"], "invoice_id": v.row["id"],
        "currency": shop.c.currency, "amount_minor": amount,
        "allocation_date": shop.cal.days[day],
        "reversed_on": shop.cal.days[reversed_on] if reversed_on >= 0 else None,
        "created_at": shop.cal.stamps[day],
    })  # fmt: skip
    if reversed_on < 0:
        v.paid[j] += amount


def _reference(shop: Shop, invs: list[Inv], alloc: list[tuple[int, int, int]], day: int) -> str:
    rng, c = shop.rng, shop.c
    numbers: list[str] = []
    for i, _j, _amt in alloc:
        num = str(invs[i].row["number"])
        if num not in numbers:
            numbers.append(num)
    r = rng.random()
    if r < 0.08:
        d = shop.cal.dates[day]
        return (
            f"FT{d:%y%m%d}{rng.randint(10000, 99999)}" if c.lang == "en" else f"网银转账 {d:%m%d}"
        )
    joined = "/".join(numbers[:3])
    more = len(numbers) - 3
    if c.lang == "en":
        tail = f" +{more} more" if more > 0 else ""
        return f"Payment inv {joined}{tail}" if r < 0.7 else f"TT remittance {joined}{tail}"
    tail = f" 等{len(numbers)}笔" if more > 0 else ""
    if len(numbers) > 1 and r < 0.3:
        d = shop.cal.dates[day]
        return f"{d.year}年{d.month}月货款 {joined}{tail}"
    return f"货款 {joined}{tail}" if r < 0.75 else f"{shop.ident.short_name}付货款 {joined}{tail}"


def _method(shop: Shop) -> str:
    r = shop.rng.random()
    if shop.c.kind == "individual":
        return (
            "cash" if r < 0.2 else "online" if r < 0.4 else "card" if r < 0.5 else "bank_transfer"
        )
    return "cheque" if r < 0.03 else "online" if r < 0.06 else "bank_transfer"


def _payment_row(shop: Shop, pid: int, day: int, amount: int, *, ref: str, method: str) -> Row:
    cal, c = shop.cal, shop.c
    return {
        "id": pid, "number": f"RC-T{pid:07d}", "customer_id": shop.customer_id,
        "payment_date": cal.days[day], "currency": c.currency,
        "exchange_rate": cal.usd_rate[day] if c.currency == "USD" else cal.one,
        "amount_minor": amount, "unallocated_minor": 0, "method": method, "reference": ref,
        "payer_name": shop.ident.name, "bank_account": shop.ident.bank_account,
        "status": "posted", "reversed_on": None, "idempotency_key": None, "notes": "",
        "created_at": cal.stamps[day], "version_id": 1,
    }  # fmt: skip


def post_payments(shop: Shop, invs: list[Inv], plan: Plan) -> None:
    """Write the planned payments with their allocations, and the specials that hang off them."""
    rng, a, c = shop.rng, shop.plan.as_of_day, shop.c
    keys = sorted(plan.groups)
    reversed_key = None
    if c.specials.get("reversed") and keys:
        pool = [k for k in keys if a - 150 <= k[0] <= a - 20] or [k for k in keys if k[0] <= a - 10]
        reversed_key = rng.choice(pool) if pool else None
    extra_for: dict[tuple[int, int], tuple[str, int]] = {}
    big = 100 if c.currency == "CNY" else 14
    for special, low in (("refund", a - 120), ("overpay", a - 120)):
        if c.specials.get(special):
            pool = [k for k in keys if low <= k[0] <= a - 30 and k != reversed_key]
            pool = pool or [k for k in keys if k[0] <= a - 30 and k != reversed_key]
            if pool:
                extra_for[rng.choice(pool)] = (special, rng.randint(5, 200) * big * 100)
    payments = shop.out["payments"]
    round_up = c.kind != "key_account" and c.currency == "CNY"
    for key in keys:
        day = key[0]
        alloc = plan.groups[key]
        amount = sum(amt for _i, _j, amt in alloc)
        pid = shop.ids.take("payments")
        ref = _reference(shop, invs, alloc, day)
        row = _payment_row(shop, pid, day, amount, ref=ref, method=_method(shop))
        payments.append(row)
        if key == reversed_key:
            back = min(day + rng.randint(2, 6), a)
            row.update(
                status="reversed",
                reversed_on=shop.cal.days[back],
                method="cheque",
                unallocated_minor=amount,
                notes="支票退票，核销已撤销 / Cheque returned unpaid, allocations reversed",
            )
            for i, j, amt in alloc:
                _allocate(shop, invs[i], j, amt, day, payment_id=pid, reversed_on=back)
            again = back + rng.randint(3, 10)
            if again > a:
                continue
            pid = shop.ids.take("payments")
            ref = f"退票重付 / Replacement for returned cheque {ref}"
            row = _payment_row(shop, pid, again, amount, ref=ref, method="bank_transfer")
            payments.append(row)
            day = again
        for i, j, amt in alloc:
            _allocate(shop, invs[i], j, amt, day, payment_id=pid)
        extra = extra_for.get(key)
        if extra is not None:
            _overpay(shop, row, extra[0], extra[1], day)
        elif round_up and amount % 10000 and rng.random() < 0.01:
            row["amount_minor"] = amount + 10000 - amount % 10000
            row["unallocated_minor"] = 10000 - amount % 10000
            row["notes"] = "客户凑整付款，余额留作预收 / Rounded up, kept as credit"


def _overpay(shop: Shop, row: Row, kind: str, extra: int, day: int) -> None:
    amount = row["amount_minor"]
    assert isinstance(amount, int)
    row["amount_minor"] = amount + extra
    if kind == "overpay":
        row["unallocated_minor"] = extra
        row["notes"] = "多付款，留作预收 / Overpaid, kept as customer credit"
        return
    row["notes"] = "多付款已退回 / Overpayment refunded"
    back = min(day + shop.rng.randint(7, 25), shop.plan.as_of_day)
    shop.out["refunds"].append({
        "id": shop.ids.take("refunds"), "customer_id": shop.customer_id,
        "payment_id": row["id"], "credit_note_id": None, "refund_date": shop.cal.days[back],
        "currency": shop.c.currency, "amount_minor": extra, "method": "bank_transfer",
        "reference": "退还多付款 / Refund of overpayment",
        "created_at": shop.cal.stamps[back],
    })  # fmt: skip


def post_write_offs(shop: Shop, invs: list[Inv], plan: Plan) -> None:
    """Discount and small-difference write-offs from the plan, and the bad debt."""
    cal, out = shop.cal, shop.out
    for day, kind, i, parts in plan.write_offs:
        v = invs[i]
        wid = shop.ids.take("write_offs")
        reason = (
            "现金折扣 / Early-payment discount"
            if kind == "discount"
            else "尾差核销 / Small difference written off"
        )
        out["write_offs"].append(
            _write_off_row(
                shop, v, wid, day, amount=sum(p[1] for p in parts), kind=kind, reason=reason
            )
        )
        for j, amt in parts:
            _allocate(shop, v, j, amt, day, write_off_id=wid)
    for v in invs:
        if v.bad_debt:
            _bad_debt(shop, v)
    if shop.c.specials.get("cn_standalone"):
        _standalone_credit_note(shop, invs)
    del cal


def _write_off_row(
    shop: Shop, v: Inv, wid: int, day: int, *, amount: int, kind: str, reason: str
) -> Row:
    return {
        "id": wid, "customer_id": shop.customer_id, "invoice_id": v.row["id"],
        "write_off_date": shop.cal.days[day], "currency": shop.c.currency,
        "amount_minor": amount, "kind": kind, "reason": reason,
        "approved_by": "admin" if kind == "bad_debt" else "王芳",
        "created_at": shop.cal.stamps[day],
    }  # fmt: skip


def _bad_debt(shop: Shop, v: Inv) -> None:
    """Part paid early on, then the rest written off as a bad debt after a year of chasing."""
    rng, a = shop.rng, shop.plan.as_of_day
    last_due = max(v.due)
    day = v.issue
    part = v.amount[0] * rng.randint(20, 40) // 100
    if part > 0 and rng.random() < 0.6:
        day = min(v.due[0] + rng.randint(30, 90), a - 60)
        day = max(day, v.issue)
        pid = shop.ids.take("payments")
        ref = (
            f"部分货款 {v.row['number']}"
            if shop.c.lang == "zh"
            else f"Part payment {v.row['number']}"
        )
        row = _payment_row(shop, pid, day, part, ref=ref, method="bank_transfer")
        shop.out["payments"].append(row)
        _allocate(shop, v, 0, part, day, payment_id=pid)
    wo_day = max(day, min(last_due + rng.randint(270, 360), a - 15))
    parts = [(j, v.amount[j] - v.paid[j]) for j in range(len(v.due))]
    parts = [(j, amt) for j, amt in parts if amt > 0]
    if not parts:
        return
    wid = shop.ids.take("write_offs")
    reason = "客户破产清算，确认无法收回 / Customer in liquidation, uncollectable"
    shop.out["write_offs"].append(
        _write_off_row(
            shop, v, wid, wo_day, amount=sum(p[1] for p in parts), kind="bad_debt", reason=reason
        )
    )
    for j, amt in parts:
        _allocate(shop, v, j, amt, wo_day, write_off_id=wid)
    v.row["overdue_reason"] = "坏账已核销 / Written off as bad debt"


def _standalone_credit_note(shop: Shop, invs: list[Inv]) -> None:
    """A volume rebate for last year, not tied to an invoice: customer credit."""
    rng, a, cal = shop.rng, shop.plan.as_of_day, shop.cal
    year = sum(int(v.row["amount_minor"]) for v in invs if a - 365 <= v.issue)  # type: ignore[call-overload]
    amount = max(10_000, year * 2 // 100 // 100 * 100)
    day = a - rng.randint(10, 40)
    cn_id = shop.ids.take("credit_notes")
    shop.out["credit_notes"].append({
        "id": cn_id, "number": f"CN-T{cn_id:07d}", "customer_id": shop.customer_id,
        "invoice_id": None, "issue_date": cal.days[day], "currency": shop.c.currency,
        "exchange_rate": cal.usd_rate[day] if shop.c.currency == "USD" else cal.one,
        "amount_minor": amount, "unallocated_minor": amount,
        "reason": "年度返利 2% / Annual volume rebate", "status": "open",
        "created_at": cal.stamps[day], "version_id": 1,
    })  # fmt: skip


def finish(shop: Shop, invs: list[Inv]) -> None:
    """Fill in the maintained open amounts and statuses, and reasons on long-overdue invoices."""
    rng, a = shop.rng, shop.plan.as_of_day
    for v in invs:
        open_total = 0
        for j, line in enumerate(v.lines):
            left = v.amount[j] - v.paid[j]
            line["open_minor"] = left
            open_total += left
        row = v.row
        row["open_minor"] = open_total
        if v.bad_debt:
            row["status"] = "written_off"
        elif open_total == 0:
            row["status"] = "paid"
        elif open_total < row["amount_minor"]:  # type: ignore[operator]
            row["status"] = "partial"
        if open_total and not v.disputed and max(v.due) < a - 30 and rng.random() < 0.25:
            row["overdue_reason"] = rng.choice(OVERDUE_REASONS)
