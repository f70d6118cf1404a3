"""Evidence about one statement line: its text, its dates, and who the payer may be.

A :class:`LineFacts` is built once per line; the customer evidence (name, name in the memo,
known account) is computed at most once per customer and line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

from desktop_ar.domain.matching import scoring
from desktop_ar.domain.matching.model import MatchSettings, Reason, StatementLine
from desktop_ar.domain.matching.names import NameIndex, name_similarity
from desktop_ar.domain.matching.text import (
    DigitRun,
    account_key,
    digit_runs,
    name_core,
    squeeze,
    text_key,
)

__all__ = ["CustomerEvidence", "LineFacts", "date_evidence", "name_reasons"]

_MIN_ACCOUNT = 6  # shorter "accounts" (a card's last four digits) identify nobody


_KINDS = {"name_equal": "name", "name_similar": "name", "payer_known": "name"}


@dataclass(frozen=True, slots=True)
class CustomerEvidence:
    """What a line says about one customer: ``(strength, reason)`` parts of the customer group."""

    parts: tuple[tuple[float, Reason], ...]

    @property
    def strength(self) -> float:
        """The customer-group strength (noisy-OR of the parts)."""
        return scoring.combine(s for s, _ in self.parts)

    @property
    def reasons(self) -> tuple[Reason, ...]:
        """The reasons, in the order found."""
        return tuple(r for _, r in self.parts)

    def merged(self, extra: Iterable[tuple[float, Reason]]) -> CustomerEvidence:
        """With more parts; of two name matches, or two accounts, only the stronger counts.

        Taking the stronger of two parts of a kind never lowers the strength, so merging is
        monotone too.
        """
        best: dict[str, tuple[float, Reason]] = {}
        for part in (*self.parts, *extra):
            kind = _KINDS.get(part[1].code, part[1].code)
            if kind not in best or part[0] > best[kind][0]:
                best[kind] = part
        return CustomerEvidence(tuple(best.values()))


_NOTHING = CustomerEvidence(())


def name_reasons(percent: int, via: str, matched: str, threshold: int) -> tuple[float, Reason]:
    """The strength and reason of a payer name ``percent`` % similar (``via`` name/payer/pinyin)."""
    strength = scoring.name_strength(percent, threshold)
    if percent >= 100 and via == "payer":
        return strength, Reason("payer_known", {"name": matched})
    if percent >= 100 and via != "pinyin":
        return strength, Reason("name_equal", {})
    params: dict[str, str | int] = {"percent": percent}
    if via == "pinyin":
        params["via"] = "pinyin"
    return strength, Reason("name_similar", params)


def date_evidence(
    item_date: date, line_dates: tuple[date, ...], settings: MatchSettings, *, code: str
) -> tuple[float, Reason | None]:
    """How near the line is to ``item_date`` (a payment's date, an invoice's due date).

    The bank may book up to ``days_before`` days before and ``days_after`` days after it.
    """
    best: int | None = None
    for d in line_dates:
        delta = (d - item_date).days
        if -settings.days_before <= delta <= settings.days_after and (
            best is None or abs(delta) < abs(best)
        ):
            best = delta
    if best is None:
        return 0.0, None
    window = max(settings.days_before, settings.days_after)
    strength = scoring.date_strength(best, window)
    if code == "due_near":
        strength /= 2
    return strength, Reason(code, {"days": abs(best)})


@dataclass(slots=True)
class LineFacts:
    """One statement line, prepared for look-ups."""

    line: StatementLine
    settings: MatchSettings
    names: NameIndex
    accounts: Mapping[str, frozenset[int]]
    text: str = ""
    runs: list[DigitRun] = field(default_factory=list)
    squeezed: str = ""
    reference_key: str = ""
    dates: tuple[date, ...] = ()
    account: str = ""
    name_core: str = ""
    memo_key: str = ""
    _customers: dict[int, CustomerEvidence] = field(default_factory=dict)

    def __post_init__(self) -> None:
        line = self.line
        self.text = f"{line.memo} {line.reference}".strip()
        self.runs = digit_runs(self.text)
        self.squeezed = squeeze(self.text)
        self.reference_key = squeeze(line.reference)
        self.dates = tuple(dict.fromkeys(d for d in (line.booking_date, line.value_date) if d))
        key = account_key(line.counterparty_account)
        self.account = key if len(key) >= _MIN_ACCOUNT else ""
        self.name_core = name_core(line.counterparty_name) if line.counterparty_name else ""
        self.memo_key = text_key(line.memo) if line.memo else ""

    def account_customers(self) -> frozenset[int]:
        """Customers known to pay from the line's counterparty account."""
        return self.accounts.get(self.account, frozenset()) if self.account else frozenset()

    def customer(self, customer_id: int | None) -> CustomerEvidence:
        """The customer evidence for ``customer_id`` (cached per line)."""
        if customer_id is None:
            return _NOTHING
        have = self._customers.get(customer_id)
        if have is not None:
            return have
        parts: list[tuple[float, Reason]] = []
        hit = self.names.similarity(self.name_core, customer_id)
        if hit.percent >= self.settings.name_threshold:
            parts.append(name_reasons(hit.percent, hit.via, hit.matched, 0))
        if self.memo_key:
            memo_hit = self.names.found_in(self.memo_key, customer_id)
            strength = scoring.memo_name_strength(memo_hit.percent)
            if strength > 0:
                parts.append((strength, Reason("payer_in_memo", {"name": memo_hit.matched})))
        if customer_id in self.account_customers():
            parts.append((1.0, Reason("account_known", {"account": self.account})))
        evidence = CustomerEvidence(tuple(parts))
        self._customers[customer_id] = evidence
        return evidence

    def payer(
        self, payer_name: str, bank_account: str, customer_name: str = ""
    ) -> list[tuple[float, Reason]]:
        """Evidence from a recorded payment's own payer name (or customer name) and account."""
        parts: list[tuple[float, Reason]] = []
        for name, via in ((payer_name, "payer"), (customer_name, "name")):
            percent = name_similarity(self.line.counterparty_name, name)
            if percent >= self.settings.name_threshold:
                parts.append(name_reasons(percent, via, name, 0))
        if self.account and account_key(bank_account) == self.account:
            parts.append((1.0, Reason("account_known", {"account": self.account})))
        return parts
