"""Amount look-ups: exact amounts by dictionary, tolerance windows by bisection, bounded sums.

Amounts are plain minor units per currency, so an amount of another currency can never match.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from itertools import combinations

from desktop_ar.domain.money import Money

__all__ = ["AmountIndex", "find_sums"]


class AmountIndex:
    """Keys by amount: a dict ``(currency, minor) → keys`` and a sorted array per currency."""

    def __init__(self, items: Iterable[tuple[int, Money]]) -> None:
        """Index ``(key, amount)`` pairs."""
        self._exact: dict[tuple[str, int], list[int]] = defaultdict(list)
        pairs: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for key, amount in items:
            self._exact[(amount.currency, amount.minor)].append(key)
            pairs[amount.currency].append((amount.minor, key))
        self._sorted: dict[str, tuple[list[int], list[int]]] = {}
        for currency, rows in pairs.items():
            rows.sort()
            self._sorted[currency] = ([m for m, _ in rows], [k for _, k in rows])

    def exact(self, amount: Money) -> list[int]:
        """Keys whose amount equals ``amount`` (same currency)."""
        return self._exact.get((amount.currency, amount.minor), [])

    def near(self, amount: Money, tolerance: int, *, limit: int = 20) -> list[tuple[int, int]]:
        """``(key, difference)`` within ``tolerance`` but not equal, the closest ``limit`` first.

        ``difference`` is ``amount`` minus the key's amount, in minor units.
        """
        table = self._sorted.get(amount.currency)
        if table is None or tolerance <= 0:
            return []
        minors, keys = table
        target = amount.minor
        lo = bisect_left(minors, target - tolerance)
        hi = bisect_right(minors, target + tolerance)
        # Walk outwards from the amount itself (left out), a whole distance at a time, until
        # ``limit`` are found: the nearest come first without sorting the whole window.
        below = bisect_left(minors, target, lo, hi) - 1
        above = bisect_right(minors, target, below + 1, hi)
        found: list[tuple[int, int]] = []
        while len(found) < limit and (below >= lo or above < hi):
            step = min(
                target - minors[below] if below >= lo else tolerance + 1,
                minors[above] - target if above < hi else tolerance + 1,
            )
            while below >= lo and target - minors[below] == step:
                found.append((keys[below], step))
                below -= 1
            while above < hi and minors[above] - target == step:
                found.append((keys[above], -step))
                above += 1
        found.sort(key=lambda kd: (abs(kd[1]), kd[0]))
        return found[:limit]


def find_sums(
    values: Sequence[int], target: int, tolerance: int, *, max_count: int, limit: int
) -> list[tuple[tuple[int, ...], int]]:
    """Sets of 2..``max_count`` values whose sum is within ``tolerance`` of ``target``.

    Sums of two and three are found by bisecting the sorted values and pair sums, of four by
    meeting in the middle over pair sums; larger sets are searched depth-first with bounds. Keep
    ``values`` short (a customer's open items, 20 or so).

    Args:
        values: positive amounts in minor units (the pool).
        target: the amount to reach.
        tolerance: the largest difference allowed (0: exact).
        max_count: the most values in one set.
        limit: the most sets returned.

    Returns:
        ``(indexes into values in ascending order, target - sum)``: fewest values first, then
        the smallest difference, then the earliest indexes.
    """
    n = len(values)
    if n < 2 or max_count < 2:
        return []
    order = sorted(range(n), key=lambda i: (values[i], i))
    vals = [values[i] for i in order]
    lo_t, hi_t = target - tolerance, target + tolerance
    found: dict[tuple[int, ...], int] = {}

    def add(positions: Iterable[int]) -> None:
        pos = tuple(sorted(positions))
        idx = tuple(sorted(order[p] for p in pos))
        found.setdefault(idx, target - sum(vals[p] for p in pos))

    # Pairs: for each first value, bisect for the second among the larger ones.
    for i in range(n - 1):
        lo = bisect_left(vals, lo_t - vals[i], i + 1)
        hi = bisect_right(vals, hi_t - vals[i], i + 1)
        for j in range(lo, hi):
            add((i, j))
    if max_count >= 3 and n >= 3:
        pair_sums = sorted((vals[i] + vals[j], i, j) for i, j in combinations(range(n), 2))
        sums = [s for s, _, _ in pair_sums]
        for k in range(n):
            lo = bisect_left(sums, lo_t - vals[k])
            hi = bisect_right(sums, hi_t - vals[k])
            for s_idx in range(lo, hi):
                _, i, j = pair_sums[s_idx]
                if k < i:
                    add((k, i, j))
        if max_count >= 4 and n >= 4:
            for a_sum, a, b in pair_sums:
                lo = bisect_left(sums, lo_t - a_sum)
                hi = bisect_right(sums, hi_t - a_sum)
                for s_idx in range(lo, hi):
                    _, c, d = pair_sums[s_idx]
                    if b < c:
                        add((a, b, c, d))
    if max_count >= 5 and n >= 5:
        _depth_first(vals, lo_t, hi_t, max_count, add)
    ranked = sorted(found.items(), key=lambda kv: (len(kv[0]), abs(kv[1]), kv[0]))
    return ranked[:limit]


def _depth_first(
    vals: list[int], lo_t: int, hi_t: int, max_count: int, add: Callable[[Iterable[int]], None]
) -> None:
    """Sets of 5..max_count sorted values summing into [lo_t, hi_t] (bounded depth-first)."""
    n = len(vals)

    def walk(start: int, chosen: list[int], total: int) -> None:
        if len(chosen) >= 5 and lo_t <= total <= hi_t:
            add(chosen)
        if len(chosen) == max_count:
            return
        for i in range(start, n):
            if total + vals[i] > hi_t:
                break  # sorted: every later value is larger
            chosen.append(i)
            walk(i + 1, chosen, total + vals[i])
            chosen.pop()

    walk(0, [], 0)
