"""Text normalisation for matching: document numbers, company names, bank accounts.

Everything is folded the same way first: NFKC (full-width ``ＩＮＶ－１０４３`` → ``INV-1043``,
``（`` → ``(``), then the odd spaces and dashes of :func:`~desktop_ar.domain.parsing.to_halfwidth`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import NamedTuple

from desktop_ar.domain.parsing import to_halfwidth

__all__ = [
    "DigitRun",
    "DocKey",
    "account_key",
    "digit_runs",
    "doc_key",
    "fold",
    "has_cjk",
    "name_core",
    "name_tokens",
    "squeeze",
    "text_key",
]

_SEPARATORS = re.compile(r"[-_/.\s#:]+")
_DIGITS = re.compile(r"[0-9]+")
_NOT_ALNUM = re.compile(r"[^0-9A-Z]+")
# A digit run that is part of an amount (1,043.00 / 1043.5) or of a date (2026-06-30, 2026/6/3):
# such digits never stand for a document number on their own.
_AMOUNT_OR_DATE = re.compile(
    r"[0-9][0-9,]*[.,][0-9]{1,2}(?![0-9])|[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}(?![0-9])"
)
_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

# Legal forms stripped from the end of a name, longest first; they say nothing about who pays.
_ZH_SUFFIXES = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "股份公司",
    "集团公司",
    "分公司",
    "总公司",
    "公司",
    "集团",
)
_LATIN_FORMS = (
    "co company corp corporation inc incorporated ltd limited llc llp plc gmbh mbh ag kg kgaa "
    "ohg ug sa sas sarl sl srl spa bv nv ab oy as aps pte pty pvt holding holdings group the and"
)
_LATIN_SUFFIXES = frozenset(_LATIN_FORMS.split(" "))
_CJK_RANGE = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD = re.compile(rf"[{_CJK_RANGE}]+|[^\W_{_CJK_RANGE}]+")
_CJK_GAP = re.compile(rf"(?<=[{_CJK_RANGE}]) (?=[{_CJK_RANGE}])")


def fold(text: str) -> str:
    """NFKC, half-width and upper-case: ``ｉｎｖ－１０４３`` → ``INV-1043``."""
    return to_halfwidth(unicodedata.normalize("NFKC", text or "")).upper()


def squeeze(text: str) -> str:
    """Folded text with every separator removed (``inv 1043`` and ``INV/1043`` → ``INV1043``)."""
    return _SEPARATORS.sub("", fold(text))


def has_cjk(text: str) -> bool:
    """Whether ``text`` holds a Chinese character."""
    return _CJK.search(text) is not None


def account_key(text: str) -> str:
    """A bank account reduced to letters and digits (IBAN spaces, dashes and case dropped)."""
    return _NOT_ALNUM.sub("", fold(text))


class DocKey(NamedTuple):
    """A document number taken apart around its last run of digits.

    ``INV-001043`` → prefix ``INV``, digits ``001043``, value ``1043``, suffix ``""``. The
    number is indexed by ``value`` and recognised in a text by :meth:`DigitRun.full_match`.
    """

    prefix: str
    digits: str
    value: str
    suffix: str


def doc_key(number: str) -> DocKey | None:
    """Take a document number apart (``None`` when it has no digit)."""
    head = number.rstrip("0123456789")
    if head != number and head.isascii():  # the usual INV-001043: no folding needed
        prefix = head.rstrip("-_/. ").upper()
        if not prefix or prefix.isalpha():
            digits = number[len(head) :]
            return DocKey(prefix, digits, digits.lstrip("0") or "0", "")
    folded = fold(number)
    runs = list(_DIGITS.finditer(folded))
    if not runs:
        return None
    last = runs[-1]
    digits = last.group()
    before, after = folded[: last.start()], folded[last.end() :]
    return DocKey(squeeze(before), digits, digits.lstrip("0") or "0", squeeze(after))


@dataclass(frozen=True, slots=True)
class DigitRun:
    """A run of digits in a folded text, with the folded text around it."""

    digits: str
    value: str
    before: str  # folded text before the run (the nearest 24 characters)
    after: str  # squeezed text after the run (the nearest 24 characters)
    loose: bool  # part of an amount or a date: not a document number on its own

    def full_match(self, key: DocKey) -> bool:
        """Whether the number ``key`` is written here in full (leading zeros may differ).

        The prefix must stand right before the digits (separators ignored) and not be glued to
        a longer word (``XINV1043`` is not ``INV1043``, ``INV-1043`` is not ``V-1043``); a number
        without a prefix must be written with all its digits and have at least four.
        """
        if key.value != self.value or not self.after.startswith(key.suffix):
            return False
        if not key.prefix:
            return self.digits == key.digits and len(key.digits) >= 4 and not self.loose
        start = _prefix_start(self.before, key.prefix)
        if start is None:
            return False
        glued = self.before[start - 1 : start]
        return not (glued.isascii() and glued.isalpha())

    def digits_match(self, key: DocKey) -> bool:
        """Whether only the digits of ``key`` are here (a weaker hint: at least four digits).

        Digits glued to letters (``REF0001043``, ``CN1043``) belong to another identifier and
        are no hint; ``ref 1043`` or ``货款1043`` are.
        """
        if self.loose or key.value != self.value or len(self.digits) < 4:
            return False
        glued = self.before[-1:]
        if glued.isascii() and glued.isalpha():
            return False
        return self.digits == key.digits or len(self.value) >= 4


def _prefix_start(before: str, prefix: str) -> int | None:
    """Where ``prefix`` starts at the end of ``before``, separators skipped; ``None`` if absent."""
    i = len(before)
    for ch in reversed(prefix):
        while i > 0 and _SEPARATORS.fullmatch(before[i - 1]):
            i -= 1
        if i == 0 or before[i - 1] != ch:
            return None
        i -= 1
    return i


def digit_runs(text: str) -> list[DigitRun]:
    """The runs of digits in ``text`` with their surroundings."""
    folded = fold(text)
    loose_spans = [m.span() for m in _AMOUNT_OR_DATE.finditer(folded)]
    out: list[DigitRun] = []
    for m in _DIGITS.finditer(folded):
        start, end = m.span()
        loose = any(a <= start and end <= b for a, b in loose_spans)
        after = _SEPARATORS.sub("", folded[end : end + 24])
        digits = m.group()
        out.append(
            DigitRun(
                digits, digits.lstrip("0") or "0", folded[max(0, start - 24) : start], after, loose
            )
        )
    return out


def _strip_suffixes(words: list[str]) -> list[str]:
    while len(words) > 1 and words[-1] in _LATIN_SUFFIXES:
        words.pop()
    while len(words) > 1 and words[0] == "the":
        words.pop(0)
    return words


def _join(words: list[str]) -> str:
    # "上海 明远 贸易" (spaces typed between Chinese words) reads as one word.
    return _CJK_GAP.sub("", " ".join(words))


def text_key(text: str) -> str:
    """Free text folded like a name core, legal forms kept (for finding a name in a memo).

    Appending text to ``text`` only appends to its key, so a name found in a memo stays found
    when the memo grows.
    """
    plain = "".join(
        ch
        for ch in unicodedata.normalize("NFKD", to_halfwidth(unicodedata.normalize("NFKC", text)))
        if not unicodedata.combining(ch)
    ).casefold()
    return _join(_WORD.findall(plain))


def name_core(name: str) -> str:
    """A company or person name without legal form, brackets, punctuation or case.

    Chinese characters are kept together, Latin words are separated by one space:
    ``上海明远贸易有限公司`` → ``上海明远贸易``; ``Müller GmbH & Co. KG`` → ``muller``;
    ``ACME TRADING CO., LTD.`` → ``acme trading``.
    """
    words = _strip_suffixes(text_key(name).split(" "))
    core = _join(words)
    changed = True
    while changed:
        changed = False
        for suffix in _ZH_SUFFIXES:
            if core.endswith(suffix) and len(core) > len(suffix) + 1:
                core = _join(_strip_suffixes(core[: -len(suffix)].rstrip().split(" ")))
                changed = True
                break
    return core


def name_tokens(core: str) -> set[str]:
    """Index tokens of a name core: Chinese character pairs and Latin words (2+ letters)."""
    tokens: set[str] = set()
    for word in core.split(" "):
        if not word:
            continue
        if has_cjk(word):
            if len(word) <= 2:
                tokens.add(word)
            tokens.update(word[i : i + 2] for i in range(len(word) - 1))
        elif len(word) >= 2 and not word.isdigit():
            tokens.add(word)
    return tokens
