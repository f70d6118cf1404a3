"""Bank matching speed: 5,000 statement lines against 100,000 open invoices and 20,000 payments.

The data is generated in memory, deterministically (``random.Random(seed)``), shaped like a
real book: 10,000 customers (Chinese names built like the demo book's, a fifth with English
names; known accounts and payer names for some), invoices ``INV-000001…`` with skewed customers,
round and odd amounts, discounts and fapiao numbers, and recorded payments. The lines mix what
a bank statement holds: one invoice paid with its number in the memo (written in several ways,
full-width too), exact amounts with only a name, sums of two or three invoices, recorded
receipts, small differences and discounts, fapiao numbers, pinyin payer names, unknown payers
and debits. Each line knows its truth, so the run also reports how often the best candidate is
the right one.

The time measured is what a service does after loading the rows: build the ``Matcher`` (all
indexes) and match every line. Run alone: ``.venv/bin/python benchmarks/_matching_measures.py``.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from _common import ms, now, self_rss_kib

LINES, INVOICES, PAYMENTS, CUSTOMERS = 5_000, 100_000, 20_000, 10_000
SEED = 6
AS_OF = date(2026, 6, 30)
TARGET_S = 5.0


def _zh_name(rng: random.Random, n: Any) -> tuple[str, str]:
    city = rng.choice(n.CITIES)[0]
    core, word = rng.choice(n.CORE_NAMES), rng.choice(n.INDUSTRY_WORDS)
    return f"{city}{core}{word}{rng.choice(n.SUFFIXES_ZH)}", f"{core}{word}"


def _en_name(rng: random.Random, n: Any) -> tuple[str, str]:
    first, second = rng.choice(n.EN_FIRST), rng.choice(n.EN_SECOND)
    return f"{first} {second} {rng.choice(n.EN_SUFFIXES)[0]}", first


def _account(rng: random.Random) -> str:
    return "6222" + "".join(rng.choice("0123456789") for _ in range(15))


def _memo_number(rng: random.Random, number: str) -> str:
    digits = number.split("-")[1]
    return rng.choice(
        (
            number,
            number.lower().replace("-", ""),
            f"INV {digits.lstrip('0')}",
            number.translate({c: c + 0xFEE0 for c in range(0x21, 0x7F)}),
            f"{number}号",
        )
    )


def generate(seed: int = SEED, *, lines: int = LINES, invoices: int = INVOICES) -> dict[str, Any]:
    """Customers, open invoices, recorded payments and statement lines (with their truth)."""
    from desktop_ar.domain.matching import (
        Customer,
        EarlyDiscount,
        OpenInvoice,
        RecordedPayment,
        StatementLine,
    )
    from desktop_ar.domain.money import Money
    from desktop_ar.domain.search_text import search_keys
    from desktop_ar.services.demo import names as n

    rng = random.Random(seed)
    cny = "CNY"
    customers = []
    for cid in range(1, CUSTOMERS + 1):
        zh = rng.random() < 0.8
        name, short = _zh_name(rng, n) if zh else _en_name(rng, n)
        accounts = tuple(_account(rng) for _ in range(rng.choice((0, 1, 1, 2))))
        payers = (
            (f"{rng.choice(n.SURNAMES)}{rng.choice(n.GIVEN_NAMES)}",) if rng.random() < 0.1 else ()
        )
        pinyin = search_keys(name)[1] if zh else ""
        customers.append(Customer(cid, f"C{cid:05d}", name, short, payers, accounts, pinyin))
    weights = [1 / (i + 1) ** 0.8 for i in range(CUSTOMERS)]  # a few big customers, a long tail
    owners = rng.choices(range(1, CUSTOMERS + 1), weights=weights, k=invoices)
    invs = []
    for k in range(invoices):
        round_amount = rng.random() < 0.2
        minor = rng.randint(1, 2000) * 10_000 if round_amount else rng.randint(5_000, 20_000_000)
        due = AS_OF + timedelta(days=rng.randint(-120, 60))
        discount = None
        if rng.random() < 0.1:
            discount = EarlyDiscount(Money(minor // 50, cny), due - timedelta(days=20))
        fapiao = f"{44_000_000 + k:08d}" if rng.random() < 0.6 else ""
        invs.append(
            OpenInvoice(
                k + 1, f"INV-{k + 1:06d}", owners[k], Money(minor, cny), due, discount, fapiao
            )
        )
    by_customer: dict[int, list[Any]] = {}
    for inv in invs:
        by_customer.setdefault(inv.customer_id, []).append(inv)
    pays = []
    for k in range(PAYMENTS):
        c = customers[rng.randrange(CUSTOMERS)]
        when = AS_OF - timedelta(days=rng.randint(0, 45))
        account = c.bank_accounts[0] if c.bank_accounts else ""
        pays.append(
            RecordedPayment(
                k + 1, f"RC-{k + 1:06d}", c.id, Money(rng.randint(10_000, 5_000_000), cny), when,
                c.code, c.name, "", c.name, account,
            )
        )  # fmt: skip
    out_lines, truth = [], []
    for lid in range(1, lines + 1):
        kind = rng.random()
        booked = AS_OF - timedelta(days=rng.randint(0, 29))
        inv = invs[rng.randrange(invoices)]
        c = customers[inv.customer_id - 1]
        account = c.bank_accounts[0] if c.bank_accounts and rng.random() < 0.7 else ""
        name, memo, amount, expect = c.name, "货款", inv.open_amount.minor, ("invoice", (inv.id,))
        if kind < 0.25:
            memo = f"货款 {_memo_number(rng, inv.number)}"
        elif kind < 0.40:
            pass  # exact amount and the name only
        elif kind < 0.50:
            own = sorted(by_customer[c.id], key=lambda i: (i.due_date, i.id))[:8]  # oldest due
            picks = rng.sample(own, min(len(own), rng.choice((2, 3))))
            amount = sum(i.open_amount.minor for i in picks)
            ids = tuple(sorted(i.id for i in picks))
            expect = ("invoices", ids) if len(picks) > 1 else ("invoice", ids)
            if rng.random() < 0.5:
                memo = "付 " + ",".join(i.number for i in picks)
        elif kind < 0.65:
            p = pays[rng.randrange(PAYMENTS)]
            name, amount, account = p.payer_name, p.amount.minor, p.bank_account
            booked = p.date + timedelta(days=rng.randint(0, 2))
            expect = ("payment", (p.id,))
        elif kind < 0.70:
            amount -= rng.randint(1, 90)  # bank charges; tolerance 1.00
            memo = f"{memo} {inv.number}" if rng.random() < 0.5 else memo
        elif kind < 0.75 and inv.fapiao_number:
            memo = f"发票号{inv.fapiao_number}"
        elif kind < 0.80 and c.pinyin:
            name = c.pinyin[: max(6, len(c.pinyin) - 13)].upper() + " CO LTD"
            memo = f"PAYMENT {inv.number}"
        elif kind < 0.90:
            name = rng.choice(n.UNIDENTIFIED_PAYERS)
            amount, memo, account, expect = rng.randint(10_000, 9_000_000), "转账", "", ("none", ())
        else:
            amount, memo, expect = -rng.randint(1_000, 500_000), "手续费", ("none", ())
        out_lines.append(
            StatementLine(
                lid, booked, Money(amount, cny), booked, name, account, f"REF{lid:07d}", memo
            )
        )
        truth.append(expect)
    return {"customers": customers, "invoices": invs, "payments": pays, "lines": out_lines,
            "truth": truth}  # fmt: skip


def measure_matching(_db: Path | None, opts: argparse.Namespace) -> dict[str, Any]:
    """Generate the data, then time building the matcher and matching every line."""
    from desktop_ar.domain.matching import Matcher, MatchSettings
    from desktop_ar.domain.money import Money

    t0 = now()
    data = generate(getattr(opts, "seed", SEED))
    t1 = now()
    cpu1 = time.process_time()
    settings = MatchSettings(tolerance=Money.of("1.00", "CNY"))
    matcher = Matcher(
        invoices=data["invoices"],
        payments=data["payments"],
        customers=data["customers"],
        settings=settings,
    )
    t2 = now()
    results = matcher.match_all(data["lines"])
    t3 = now()
    cpu = time.process_time() - cpu1
    right = known = 0
    for result, (kind, ids) in zip(results, data["truth"], strict=True):
        if kind == "none":
            continue
        known += 1
        best = result.best
        right += best is not None and best.kind == kind and tuple(sorted(best.target_ids)) == ids
    return {
        "lines": len(data["lines"]),
        "invoices": len(data["invoices"]),
        "payments": len(data["payments"]),
        "customers": len(data["customers"]),
        "generate_s": round(t1 - t0, 3),
        "index_s": round(t2 - t1, 3),
        "match_s": round(t3 - t2, 3),
        "seconds": round(t3 - t1, 3),
        "cpu_s": round(cpu, 3),
        "ms_per_line": ms((t3 - t2) / len(data["lines"])),
        "candidates": sum(len(r.candidates) for r in results),
        "best_right_pct": round(100 * right / known, 1) if known else None,
        "target_s": TARGET_S,
        "rss_kib": self_rss_kib(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seed", type=int, default=SEED)
    opts = parser.parse_args(argv)
    result = measure_matching(None, opts)
    print(
        f"matching {result['lines']:,} lines against {result['invoices']:,} open invoices and "
        f"{result['payments']:,} payments: {result['seconds']} s (index {result['index_s']} s + "
        f"match {result['match_s']} s; CPU {result['cpu_s']} s; target < {TARGET_S} s); "
        f"best candidate right for {result['best_right_pct']} % of the lines with a known answer",
        file=sys.stderr,
    )
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
