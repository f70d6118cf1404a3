"""Recognising a customer by name: the payer name on the line, or a name written in the memo.

Names are compared on their core (:func:`~desktop_ar.domain.matching.text.name_core`: legal
forms such as 有限公司 / Co., Ltd. / GmbH dropped, full-width folded, case ignored) with
RapidFuzz's normalised Indel similarity (``fuzz.ratio``; for Latin names also with the words
sorted, so ``Mingyuan Shanghai`` equals ``Shanghai Mingyuan``). A Latin payer name is compared
with a Chinese customer name through the customer's pinyin (``SHANGHAI MINGYUAN TRADING`` vs
上海明远贸易 → ``shanghaimingyuanmaoyi``).

Looking customers up never compares every name: an index maps name tokens (pairs of Chinese
characters, Latin words) to customers, tokens shared by too many customers (上海, trading) are
skipped, and only the few customers sharing the most tokens are compared.
"""

from __future__ import annotations

import heapq
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz

from desktop_ar.domain.matching.model import Customer
from desktop_ar.domain.matching.text import has_cjk, name_core, name_tokens

__all__ = ["NameHit", "NameIndex", "name_similarity"]

# Pinyin of the legal forms that ``name_core`` drops, for a stored full pinyin of the name.
_PINYIN_FORMS = (
    "gufenyouxiangongsi",
    "youxianzerengongsi",
    "jituanyouxiangongsi",
    "youxiangongsi",
    "jituangongsi",
    "fengongsi",
    "zonggongsi",
    "gongsi",
    "jituan",
)
_SHORT_IN_MEMO = 90  # the most a short name written in a memo counts (percent)
_MIN_IN_MEMO = {True: 3, False: 4}  # shortest name looked for in a memo: CJK / Latin characters


@dataclass(frozen=True, slots=True)
class NameHit:
    """How well a text names a customer: ``percent`` 0..100, ``via`` and the name matched.

    ``via`` is ``name`` (the customer's name), ``short`` (its short name), ``payer`` (a payer
    name seen on an earlier payment) or ``pinyin`` (a Latin name against the pinyin of a Chinese
    name).
    """

    percent: int
    via: str
    matched: str


_NO_HIT = NameHit(0, "name", "")


@dataclass(slots=True)
class _Names:
    cores: list[tuple[str, str, str]]  # (core, via, original name)
    cjk: bool
    pinyin: str | None  # pinyin core; None until needed


def _pinyin_core(stored: str, core: str) -> str:
    if stored:
        key = "".join(ch for ch in stored.lower() if ch.isalnum())
        for form in _PINYIN_FORMS:
            if key.endswith(form) and len(key) > len(form):
                return key[: -len(form)]
        return key
    from desktop_ar.domain.search_text import search_keys  # pypinyin: loaded only when needed

    return search_keys(core)[1]


def _similarity(a: str, b: str) -> int:
    if a == b:
        return 100
    score = fuzz.ratio(a, b)
    if " " in a or " " in b:
        score = max(score, fuzz.token_sort_ratio(a, b))
    return int(score)


class NameIndex:
    """Customers by name: exact cores and tokens of their names, short names and payer names."""

    def __init__(self, customers: Iterable[Customer], *, token_cap: int = 200) -> None:
        """Index ``customers``; a token shared by more than ``token_cap`` of them is not used."""
        self._names: dict[int, _Names] = {}
        self._stored_pinyin: dict[int, str] = {}
        self._exact: dict[str, list[int]] = defaultdict(list)
        self._tokens: dict[str, list[int]] = defaultdict(list)
        self._token_cap = token_cap
        for c in customers:
            cores: list[tuple[str, str, str]] = []
            groups = (("name", (c.name,)), ("short", (c.short_name,)), ("payer", c.payer_names))
            for via, names in groups:
                for original in names:
                    core = name_core(original) if original else ""
                    if core and all(core != have for have, _, _ in cores):
                        cores.append((core, via, original))
            self._names[c.id] = _Names(cores, has_cjk(c.name), None)
            self._stored_pinyin[c.id] = c.pinyin
            tokens: set[str] = set()
            for core, _, _ in cores:
                self._exact[core].append(c.id)
                tokens |= name_tokens(core)
            for token in tokens:
                self._tokens[token].append(c.id)

    def _vote(self, tokens: Iterable[str], limit: int) -> list[int]:
        votes: Counter[int] = Counter()
        for token in tokens:
            ids = self._tokens.get(token)
            if ids and len(ids) <= self._token_cap:
                votes.update(ids)
        ranked = heapq.nsmallest(limit, votes.items(), key=lambda kv: (-kv[1], kv[0]))
        return [cid for cid, _ in ranked]

    def lookup(self, core: str, *, limit: int = 8) -> list[int]:
        """Customers whose name may be the name with this core (:func:`name_core`).

        Exact cores first, then by the number of shared tokens.
        """
        if not core:
            return []
        exact = self._exact.get(core, [])
        others = [cid for cid in self._vote(name_tokens(core), limit) if cid not in exact]
        return [*exact, *others][: max(limit, len(exact))]

    def named_in(self, key: str, *, limit: int = 5) -> list[int]:
        """Customers whose name shares tokens with a free text (its :func:`text_key`)."""
        return self._vote(name_tokens(key), limit) if key else []

    def similarity(self, core: str, customer_id: int) -> NameHit:
        """How similar a payer name (its :func:`name_core`) is to the customer's names."""
        names = self._names.get(customer_id)
        if names is None or not core:
            return _NO_HIT
        best = _NO_HIT
        for have, via, original in names.cores:
            score = _similarity(core, have)
            if score > best.percent:
                best = NameHit(score, via, original)
        if names.cjk and names.cores and not has_cjk(core) and best.percent < 100:
            if names.pinyin is None:
                names.pinyin = _pinyin_core(self._stored_pinyin[customer_id], names.cores[0][0])
            latin = core.replace(" ", "")
            if names.pinyin and latin.isascii():
                score = int(fuzz.ratio(latin, names.pinyin))
                if score > best.percent:
                    best = NameHit(score, "pinyin", names.cores[0][2])
        return best

    def found_in(self, key: str, customer_id: int) -> NameHit:
        """How well one of the customer's names is written inside a free text (its text_key).

        A name is looked for only where the text is at least as long as the name, so text
        appended to a memo never makes a name found there less found.
        """
        names = self._names.get(customer_id)
        if names is None or not key:
            return _NO_HIT
        best = _NO_HIT
        for have, via, original in names.cores:
            if len(have) < _MIN_IN_MEMO[has_cjk(have)] or len(key) < len(have):
                continue
            score = 100 if have in key else int(fuzz.partial_ratio(have, key))
            if via == "short":  # a short name also stands inside other companies' names
                score = min(score, _SHORT_IN_MEMO)
            if score > best.percent:
                best = NameHit(score, via, original)
        return best


def name_similarity(a: str, b: str) -> int:
    """How similar two names are, 0..100, compared on their cores (legal forms dropped)."""
    core_a = name_core(a) if a else ""
    core_b = name_core(b) if b else ""
    return _similarity(core_a, core_b) if core_a and core_b else 0
