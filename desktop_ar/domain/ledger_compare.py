"""Comparing our ledger of a customer with the customer's own ledger (与客户对账).

Both sides are lists of lines signed the same way: as the customer owes us (an invoice is
positive, a payment or a credit note negative). The customer's ledger is usually their accounts
*payable*, where our invoice is a credit and their payment a debit; turning it into this sign is
the reader's job (:mod:`desktop_ar.io.excel.ledger_columns`).

Lines are paired in passes, each on what is left by the one before:

1. the opening balances with each other;
2. by document number: the customer's number, or one of our numbers (or aliases such as the
   fapiao number) found in their number or description, compared after
   :func:`normalize_number` (full-width folded, upper case, punctuation dropped, leading zeros of
   digit runs dropped) — only lines of the same sign pair this way (a payment that names an
   invoice is not the invoice);
3. by equal amount with dates at most ``window_days`` apart, nearest date first;
4. by equal amount alone, nearest date first.

Each pair or single line is one :class:`ComparedItem`:

* ``matched`` — the same document on both sides with the same amount;
* ``amount_difference`` — paired by number, different amounts;
* ``timing`` — in transit: a pair where one side is dated after ``date_to``, or a line on one side
  only dated at most ``transit_days`` before ``date_to`` (an invoice they have not booked yet, a
  payment we have not received yet);
* ``only_ours`` / ``only_theirs`` — on one side only.

An item's ``difference`` is our amount minus theirs, each counted only when dated up to
``date_to``. Every line dated up to ``date_to`` is in exactly one item, so the closing
difference is explained line by line: ``our_closing − their_closing == Σ item differences``.
The customer's lines after ``date_to`` that pair with nothing are left out of the items (and out
of both closings).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from desktop_ar.domain.document_numbers import contains_number, normalize_number, usable_key
from desktop_ar.domain.money import CurrencyMismatch, Money

__all__ = [
    "RESULTS",
    "CompareSettings",
    "ComparedItem",
    "Comparison",
    "OurLine",
    "TheirLine",
    "compare_ledgers",
    "fold_opening",
    "normalize_number",
]

RESULTS = ("matched", "amount_difference", "timing", "only_ours", "only_theirs")
OPENING = "opening"


@dataclass(frozen=True, slots=True)
class OurLine:
    """One line of our statement of account, signed as the customer owes us.

    Attributes:
        on: the document date (the first day of the period for the opening balance).
        kind: ``opening`` or a statement kind (``invoice``, ``payment``, ``credit_note``…).
        number: our document number.
        description: our description.
        amount: signed amount: invoices positive, payments and credits negative.
        aliases: other numbers the customer may quote for it (fapiao number, payment reference).
        ref: the document's id, to trace the line back.
    """

    on: date
    kind: str
    number: str
    description: str
    amount: Money
    aliases: tuple[str, ...] = ()
    ref: int = 0

    @property
    def opening(self) -> bool:
        """Whether this is the opening balance."""
        return self.kind == OPENING


@dataclass(frozen=True, slots=True)
class TheirLine:
    """One line of the customer's ledger, already signed as the customer owes us.

    Attributes:
        row: the row of their file (1-based), 0 when made up (an opening balance computed).
        on: the date they booked it.
        number: their document number (voucher, invoice or fapiao number).
        description: their description (摘要).
        amount: signed amount, as the customer owes us.
        opening: the opening balance (期初余额 / 上年结转).
    """

    row: int
    on: date
    number: str
    description: str
    amount: Money
    opening: bool = False


@dataclass(frozen=True, slots=True)
class ComparedItem:
    """A pair of lines or a line on one side only.

    Attributes:
        result: one of :data:`RESULTS`.
        ours: our line, if any.
        theirs: their line, if any.
        difference: our amount minus theirs, each counted only when dated up to ``date_to``.
        how: how the pair was made: ``opening``, ``number``, ``amount_date`` or ``amount``
            ("" for a line on one side only).
    """

    result: str
    ours: OurLine | None
    theirs: TheirLine | None
    difference: Money
    how: str = ""


@dataclass(frozen=True, slots=True)
class CompareSettings:
    """How close lines must be to pair.

    Attributes:
        window_days: the most days between the dates of two lines paired by amount (pass 3).
        transit_days: a line on one side only dated at most this many days before ``date_to``
            is in transit (``timing``).
    """

    window_days: int = 7
    transit_days: int = 10


@dataclass(frozen=True, slots=True)
class Comparison:
    """The outcome of :func:`compare_ledgers`.

    Attributes:
        currency: the currency of both ledgers.
        date_to: the last day compared.
        items: the items, ours in our order then their lines on their own, by date.
        our_closing: Σ our lines dated up to ``date_to``.
        their_closing: Σ their lines dated up to ``date_to``.
        left_out: their lines after ``date_to`` that paired with nothing.
    """

    currency: str
    date_to: date
    items: tuple[ComparedItem, ...]
    our_closing: Money
    their_closing: Money
    left_out: tuple[TheirLine, ...] = ()

    @property
    def difference(self) -> Money:
        """Our closing balance minus theirs."""
        return self.our_closing - self.their_closing

    @property
    def explained(self) -> Money:
        """Σ item differences (always equal to :attr:`difference`)."""
        return Money.sum((i.difference for i in self.items), self.currency)

    def counts(self) -> dict[str, int]:
        """Items per result, every result present."""
        out = dict.fromkeys(RESULTS, 0)
        for item in self.items:
            out[item.result] += 1
        return out

    @property
    def paired(self) -> int:
        """How many items have a line on both sides."""
        return sum(1 for i in self.items if i.ours is not None and i.theirs is not None)


def _sign(m: Money) -> int:
    return (m.minor > 0) - (m.minor < 0)


def _same_sign(a: Money, b: Money) -> bool:
    return _sign(a) * _sign(b) >= 0


@dataclass
class _Pairing:
    """The lines still unpaired and the pairs made so far."""

    ours: dict[int, OurLine]
    theirs: dict[int, TheirLine]
    pairs: list[tuple[int, int, str]] = field(default_factory=list)

    def pair(self, o: int, t: int, how: str) -> None:
        del self.ours[o], self.theirs[t]
        self.pairs.append((o, t, how))


def _closest(candidates: Iterable[int], ours: dict[int, OurLine], line: TheirLine) -> int | None:
    """The candidate with the same amount first, then the nearest date, then the first."""
    best = None
    best_key: tuple[int, int, int] | None = None
    for o in candidates:
        our = ours[o]
        key = (our.amount != line.amount, abs((our.on - line.on).days), o)
        if best_key is None or key < best_key:
            best, best_key = o, key
    return best


def _by_opening(p: _Pairing) -> None:
    ours = [o for o, line in p.ours.items() if line.opening]
    theirs = [t for t, line in p.theirs.items() if line.opening]
    for o, t in zip(ours, theirs, strict=False):
        p.pair(o, t, "opening")


def _by_number(p: _Pairing) -> None:
    index: dict[str, list[int]] = defaultdict(list)
    for o, line in p.ours.items():
        if line.opening:
            continue
        for key in dict.fromkeys(normalize_number(n) for n in (line.number, *line.aliases)):
            if usable_key(key):
                index[key].append(o)
    keys = sorted(index, key=len, reverse=True)
    for t, line in sorted(p.theirs.items(), key=lambda kv: (kv[1].on, kv[0])):
        if line.opening:
            continue
        own = normalize_number(line.number)
        hits = [own] if own in index else []
        if not hits:
            text = normalize_number(f"{line.number} {line.description}")
            hits = [k for k in keys if contains_number(text, k)]
        found = {
            o
            for key in hits
            for o in index[key]
            if o in p.ours and _same_sign(p.ours[o].amount, line.amount)
        }
        chosen = _closest(sorted(found), p.ours, line)
        if chosen is not None:
            p.pair(chosen, t, "number")


def _by_amount(p: _Pairing, window: int | None) -> None:
    index: dict[int, list[int]] = defaultdict(list)
    for o, line in p.ours.items():
        if not line.opening:
            index[line.amount.minor].append(o)
    for t, line in sorted(p.theirs.items(), key=lambda kv: (kv[1].on, kv[0])):
        if line.opening:
            continue
        found = [
            o
            for o in index.get(line.amount.minor, ())
            if o in p.ours and (window is None or abs((p.ours[o].on - line.on).days) <= window)
        ]
        chosen = _closest(found, p.ours, line)
        if chosen is not None:
            p.pair(chosen, t, "amount" if window is None else "amount_date")


def _check(lines: Iterable[OurLine | TheirLine], currency: str) -> None:
    for line in lines:
        if line.amount.currency != currency:
            raise CurrencyMismatch(currency, line.amount.currency)


def compare_ledgers(
    ours: Sequence[OurLine],
    theirs: Sequence[TheirLine],
    *,
    date_to: date,
    currency: str,
    settings: CompareSettings | None = None,
) -> Comparison:
    """Compare our lines with the customer's, line by line (see the module docstring).

    Args:
        ours: our statement lines (opening balance first, if any), signed as owed to us.
        theirs: the customer's lines, signed the same way; lines before the period should be
            folded into an opening line first (:func:`fold_opening`).
        date_to: the last day of the period; later lines count in neither closing balance.
        currency: the currency of every line.
        settings: the date window and the days in transit.

    Returns:
        The comparison; ``our_closing − their_closing == Σ item differences``.

    Raises:
        CurrencyMismatch: a line in another currency.
    """
    rules = settings or CompareSettings()
    _check(ours, currency)
    _check(theirs, currency)
    p = _Pairing(dict(enumerate(ours)), dict(enumerate(theirs)))
    _by_opening(p)
    _by_number(p)
    _by_amount(p, rules.window_days)
    _by_amount(p, None)
    zero = Money.zero(currency)

    def counted(line: OurLine | TheirLine | None) -> Money:
        return line.amount if line is not None and line.on <= date_to else zero

    items: list[tuple[tuple[int, int, date, int], ComparedItem]] = []
    for o, t, how in p.pairs:
        our, their = ours[o], theirs[t]
        if our.on > date_to or their.on > date_to:
            result = "timing"
        else:
            result = "matched" if our.amount == their.amount else "amount_difference"
        diff = counted(our) - counted(their)
        items.append(((0, o, their.on, t), ComparedItem(result, our, their, diff, how)))
    for o, our in p.ours.items():
        if our.opening and not our.amount.minor:
            continue
        result = "only_ours"
        if not our.opening and 0 <= (date_to - our.on).days <= rules.transit_days:
            result = "timing"
        if our.on > date_to:
            result = "timing"
        items.append(((0, o, our.on, -1), ComparedItem(result, our, None, counted(our))))
    left_out = []
    for t, their in p.theirs.items():
        if their.on > date_to:
            left_out.append(their)
            continue
        if their.opening and not their.amount.minor:
            continue
        result = "only_theirs"
        if not their.opening and (date_to - their.on).days <= rules.transit_days:
            result = "timing"
        items.append(((1, 0, their.on, t), ComparedItem(result, None, their, -their.amount)))
    items.sort(key=lambda kv: kv[0])
    return Comparison(
        currency=currency,
        date_to=date_to,
        items=tuple(item for _, item in items),
        our_closing=Money.sum((counted(line) for line in ours), currency),
        their_closing=Money.sum((counted(line) for line in theirs), currency),
        left_out=tuple(left_out),
    )


def fold_opening(theirs: Sequence[TheirLine], date_from: date, currency: str) -> list[TheirLine]:
    """Fold opening rows and lines dated before ``date_from`` into one opening line.

    Args:
        theirs: the customer's lines, in their order.
        date_from: the first day of the period.
        currency: the ledger's currency.

    Returns:
        One opening line dated ``date_from`` (when anything was folded) followed by the other
        lines in their order.
    """
    folded = [line for line in theirs if line.opening or line.on < date_from]
    rest = [line for line in theirs if not (line.opening or line.on < date_from)]
    if not folded:
        return rest
    amount = Money.sum((line.amount for line in folded), currency)
    if len(folded) == 1 and folded[0].opening:
        first = folded[0]
        return [
            TheirLine(first.row, date_from, first.number, first.description, amount, True),
            *rest,
        ]
    before = sum(1 for line in folded if not line.opening)
    text = f"opening balance ({before} line{'s' if before != 1 else ''} before "
    text += f"{date_from.isoformat()} folded in)"
    return [TheirLine(folded[0].row, date_from, "", text, amount, True), *rest]
