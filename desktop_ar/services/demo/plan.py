"""The plan of a demo book: who the customers are, how they pay, and when they buy.

The plan is small (a few numbers and a list of invoice days per customer), so it is made up
front for the whole book; rows are then generated customer batch by customer batch. Numbering
is planned here too: invoices are numbered in issue-date order and orders in order-date order
across the whole book, even though rows are produced one customer at a time.
"""

from __future__ import annotations

import random
from array import array
from dataclasses import dataclass, field
from datetime import date, timedelta

from desktop_ar.domain.money import allocate_minor

HISTORY_DAYS = 912  # about two and a half years of invoices, ending at as_of
LEAD_DAYS = 150  # customers are created and first orders placed before the first invoice
HORIZON_DAYS = 800  # due dates and planned deliveries reach this far past as_of

PROFILES = ("prompt", "late", "chronic", "partial", "discount")
_PROFILE_WEIGHTS = (34, 30, 12, 15, 9)
KINDS = ("key_account", "sme", "individual")
_KIND_WEIGHTS = (8, 72, 20)
_TERMS_CNY = (
    ("NET30", 30),
    ("NET60", 14),
    ("EOM30", 20),
    ("DAY10", 8),
    ("NET45", 6),
    ("EOM60", 5),
    ("30%NET30+50%NET60+20%NET90", 8),
    ("NET30 2%10D", 5),
    ("NET0", 4),
)
_TERMS_USD = (("NET30", 50), ("NET60", 40), ("30%NET30+50%NET60+20%NET90", 10))


@dataclass(slots=True)
class CustomerPlan:
    """What one customer is like; everything else about it is drawn from its own RNG."""

    index: int
    kind: str
    lang: str
    currency: str
    profile: str
    terms: str
    scale_pm: int  # order size, per mille of a typical SME order
    start_day: int
    end_day: int
    inactive: bool
    issue_days: array[int] = field(default_factory=lambda: array("H"))
    order_lags: array[int] = field(default_factory=lambda: array("B"))
    extra_orders: list[tuple[int, str]] = field(default_factory=list)
    specials: dict[str, int] = field(default_factory=dict)
    credit_hold: bool = False
    tier: str = "C"


@dataclass(slots=True)
class BookPlan:
    """The whole plan: customers, the day origin, and the running document numbers per day."""

    seed: int
    as_of: date
    origin: date
    as_of_day: int
    customers: list[CustomerPlan]
    invoice_next: list[int]  # next invoice number for each issue day
    order_next: list[int]  # next order number for each order day
    invoices: int
    orders: int
    unidentified: int
    numbering: dict[str, tuple[str, int, int]]  # sequence → (prefix, width, first number)

    def number(self, sequence: str, value: int) -> str:
        """A document number such as ``INV-000123`` in the book's numbering."""
        prefix, width, _first = self.numbering[sequence]
        return f"{prefix}{value:0{width}d}"

    def day(self, d: date) -> int:
        """The day index of a date."""
        return (d - self.origin).days

    def date(self, day: int) -> date:
        """The date of a day index."""
        return self.origin + timedelta(days=day)


def _weighted(rng: random.Random, options: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([o for o, _ in options], weights=[w for _, w in options])[0]


def _issue_days(rng: random.Random, start: int, end: int, count: int, sundays: int) -> array[int]:
    span = end - start
    days = []
    for _ in range(count):
        d = start + int(span * rng.random() ** 0.8)  # more business lately: the book grows
        if d % 7 == sundays and d + 1 <= end:  # nobody invoices on Sunday
            d += 1
        days.append(d)
    days.sort()
    return array("H", days)


def _customer(rng: random.Random, index: int, as_of_day: int, first_day: int) -> CustomerPlan:
    kind = rng.choices(KINDS, weights=_KIND_WEIGHTS)[0]
    roll = rng.random()
    usd = kind != "individual" and roll < 0.05
    lang = "en" if usd or (kind != "individual" and roll < 0.10) else "zh"
    profile = rng.choices(PROFILES, weights=_PROFILE_WEIGHTS)[0]
    terms = _weighted(rng, _TERMS_USD if usd else _TERMS_CNY)
    if profile == "discount":
        terms = "NET30 2%10D"
    elif kind == "individual":
        terms = rng.choice(("NET0", "NET15", "NET30"))
    scale = {"key_account": (1500, 4000), "sme": (250, 900), "individual": (50, 200)}[kind]
    start = first_day
    if kind != "key_account" and rng.random() < 0.6:
        start = first_day + rng.randrange(int(HISTORY_DAYS * 0.6))
    end = as_of_day
    inactive = kind != "key_account" and rng.random() < 0.03
    if inactive:
        end = as_of_day - rng.randint(200, 420)
        start = min(start, end - 180)
    return CustomerPlan(
        index=index,
        kind=kind,
        lang=lang,
        currency="USD" if usd else "CNY",
        profile=profile,
        terms=terms,
        scale_pm=rng.randint(*scale),
        start_day=max(first_day, start),
        end_day=end,
        inactive=inactive,
    )


def _extra_orders(rng: random.Random, c: CustomerPlan, as_of_day: int) -> list[tuple[int, str]]:
    extras = []
    n = int(len(c.issue_days) * 0.02 + rng.random() + (0.5 if c.kind == "key_account" else 0))
    for _ in range(n):
        roll = rng.random()
        if c.inactive or roll < 0.4:
            extras.append((rng.randint(c.start_day, c.end_day), "cancelled"))
        elif roll < 0.8:
            extras.append((as_of_day - rng.randint(0, 20), "confirmed"))
        else:
            extras.append((as_of_day - rng.randint(0, 7), "draft"))
    return extras


def _pick(rng: random.Random, pool: list[CustomerPlan], taken: set[int]) -> CustomerPlan | None:
    free = [c for c in pool if c.index not in taken]
    if not free:
        return None
    choice = rng.choice(free)
    taken.add(choice.index)
    return choice


def _assign_specials(rng: random.Random, plan: BookPlan, invoices: int) -> None:
    a = plan.as_of_day
    active = [c for c in plan.customers if not c.inactive and len(c.issue_days) >= 3]
    taken: set[int] = set()
    old = [c for c in active if c.issue_days[0] <= a - 420 and c.kind != "individual"]
    chronic_old = [c for c in old if c.profile == "chronic"]
    bad = _pick(rng, chronic_old or old or active, taken)
    if bad is not None:
        bad.profile = "chronic"
        bad.specials["bad_debt"] = 1
        bad.credit_hold = True
    steady = [c for c in active if c.profile in ("prompt", "late")]
    for name, count, pool in (
        ("reversed", 1, steady or active),
        ("cn_invoice", max(2, invoices // 20000), active),
        ("cn_standalone", 1, active),
        ("refund", 1, active),
        ("overpay", max(2, invoices // 50000), active),
    ):
        for _ in range(count):
            c = _pick(rng, pool, taken) or _pick(rng, active, taken)
            if c is not None:
                c.specials[name] = 1
    partial = [c for c in active if c.profile == "partial"] or active
    for _ in range(max(3, invoices // 2000)):
        c = rng.choice(partial) if partial else None
        if c is not None:
            c.specials["small_diff"] = c.specials.get("small_diff", 0) + 1
    disputable = [c for c in active if "bad_debt" not in c.specials]
    for _ in range(max(3, invoices // 1000)):
        if disputable:
            c = rng.choice(disputable)
            c.specials["disputed"] = c.specials.get("disputed", 0) + 1
    chronic = [c for c in plan.customers if c.profile == "chronic" and not c.inactive]
    for c in chronic:
        if rng.random() < 0.4:
            c.credit_hold = True


def _ensure_profiles(rng: random.Random, customers: list[CustomerPlan]) -> None:
    if len(customers) < 2 * len(PROFILES):
        return
    companies = [c for c in customers if c.kind != "individual" and not c.inactive]
    if companies and not any(c.currency == "USD" for c in customers):
        c = rng.choice(companies)
        c.currency, c.lang, c.terms = "USD", "en", _weighted(rng, _TERMS_USD)
    present = {c.profile for c in customers}
    candidates = [c for c in customers if c.kind != "individual" and not c.inactive]
    for profile in PROFILES:
        if profile not in present and candidates:
            c = rng.choice(candidates)
            c.profile = profile
            if profile == "discount":
                c.terms = "NET30 2%10D"


def _tiers(customers: list[CustomerPlan]) -> None:
    ranked = sorted(customers, key=lambda c: (-len(c.issue_days) * c.scale_pm, c.index))
    n = len(ranked)
    for rank, c in enumerate(ranked):
        c.tier = "A" if rank < n * 0.2 else "B" if rank < n * 0.5 else "C"


DEFAULT_NUMBERING: dict[str, tuple[str, int, int]] = {
    "invoice": ("INV-", 6, 1),
    "order": ("SO-", 6, 1),
    "payment": ("RC-", 6, 1),
    "credit_note": ("CN-", 6, 1),
    "customer": ("C", 5, 1),
}


def _numbering(counts: list[int], first: int) -> list[int]:
    nxt, running = [], first
    for n in counts:
        nxt.append(running)
        running += n
    return nxt


def make_plan(
    *,
    customers: int,
    invoices: int,
    seed: int,
    as_of: date,
    numbering: dict[str, tuple[str, int, int]] | None = None,
) -> BookPlan:
    """Plan a book of ``customers`` customers and about ``invoices`` invoices ending at ``as_of``.

    Args:
        customers: number of customers (1 or more).
        invoices: number of invoices (0 or more), spread by customer size.
        seed: the random seed; the same arguments always give the same plan.
        as_of: the last date anything happens on.
        numbering: (prefix, width, first number) of each sequence; defaults to a new book's.

    Returns:
        The plan.
    """
    rng = random.Random(seed)
    numbering = {**DEFAULT_NUMBERING, **(numbering or {})}
    origin = as_of - timedelta(days=HISTORY_DAYS + LEAD_DAYS)
    as_of_day = HISTORY_DAYS + LEAD_DAYS
    first_day = LEAD_DAYS
    sundays = (6 - origin.weekday()) % 7  # day index (mod 7) of Sundays
    plans = [_customer(rng, i, as_of_day, first_day) for i in range(customers)]
    _ensure_profiles(rng, plans)
    weights = [
        {"key_account": 80, "sme": 25, "individual": 6}[c.kind] + rng.randint(0, 20) for c in plans
    ]
    for c in plans:
        if c.inactive:
            weights[c.index] = max(3, weights[c.index] // 3)
    counts = allocate_minor(invoices, weights)
    inv_per_day = [0] * (as_of_day + 1)
    ord_per_day = [0] * (as_of_day + 1)
    for c, n in zip(plans, counts, strict=True):
        crng = random.Random(seed * 7_919 + c.index * 104_729 + 17)
        c.issue_days = _issue_days(crng, c.start_day, c.end_day, n, sundays)
        c.order_lags = array("B", (crng.choice((0, 1, 2, 3, 5, 7, 10, 14, 21)) for _ in range(n)))
        c.extra_orders = _extra_orders(crng, c, as_of_day)
        for d, lag in zip(c.issue_days, c.order_lags, strict=True):
            inv_per_day[d] += 1
            ord_per_day[max(0, d - lag)] += 1
        for d, _status in c.extra_orders:
            ord_per_day[d] += 1
    plan = BookPlan(
        seed=seed,
        as_of=as_of,
        origin=origin,
        as_of_day=as_of_day,
        customers=plans,
        invoice_next=_numbering(inv_per_day, numbering["invoice"][2]),
        order_next=_numbering(ord_per_day, numbering["order"][2]),
        invoices=sum(inv_per_day),
        orders=sum(ord_per_day),
        unidentified=max(3, invoices // 2500),
        numbering=numbering,
    )
    _assign_specials(rng, plan, invoices)
    _tiers(plans)
    return plan
