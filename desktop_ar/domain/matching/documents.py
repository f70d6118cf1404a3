"""Finding document numbers (invoices, payments, fapiao) in bank memos through an index.

Numbers are indexed by the value of their last run of digits (``INV-001043`` → ``1043``). A memo
is cut into its runs of digits and each run is looked up, so the cost does not grow with the
number of open documents; each hit is then checked against the text around the run:

- *full*: the number is written with its prefix (``INV1043``, ``inv 001043``, ``ＩＮＶ－１０４３``)
  or, for a number of digits only, with all its digits;
- *digits*: only the digits are written (``1043`` for ``INV-1043``), at least four of them and
  not as part of an amount (``1,043.00``) or a date (``2026-10-43``). A weak hint, dropped when
  the same digits end the numbers of too many documents.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from desktop_ar.domain.matching.text import DigitRun, DocKey, doc_key

__all__ = ["FULL", "PARTIAL", "DocIndex"]

FULL = 1.0
PARTIAL = 0.3  # strength of a digits-only hit (see scoring)


class DocIndex:
    """Document numbers by the value of their last digits."""

    def __init__(self, numbers: Iterable[tuple[int, str]], *, digits_cap: int = 20) -> None:
        """Index ``(key, number)`` pairs; digits-only hits are ignored past ``digits_cap``."""
        self._by_value: dict[str, list[tuple[int, DocKey]]] = defaultdict(list)
        self._digits_cap = digits_cap
        for key, number in numbers:
            parsed = doc_key(number) if number else None
            if parsed is not None:
                self._by_value[parsed.value].append((key, parsed))

    def find(self, runs: Sequence[DigitRun], *, full_only: bool = False) -> dict[int, float]:
        """The documents named around ``runs``: key → :data:`FULL` or :data:`PARTIAL`."""
        found: dict[int, float] = {}
        for run in runs:
            hits = self._by_value.get(run.value)
            if not hits:
                continue
            full = [key for key, parsed in hits if run.full_match(parsed)]
            found.update(dict.fromkeys(full, FULL))
            if full or full_only or len(hits) > self._digits_cap:
                continue  # digits written with a prefix name that document only
            for key, parsed in hits:
                if key not in found and run.digits_match(parsed):
                    found[key] = PARTIAL
        return found
