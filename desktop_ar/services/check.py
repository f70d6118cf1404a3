"""Book consistency check: the database file, and every maintained balance recomputed.

Balances are recomputed from the live (not reversed) allocations and the refunds with a handful
of set-based ``GROUP BY`` queries, so the check stays fast on a million invoices. Each query
returns only the rows that disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from desktop_ar.domain.money import Money
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.progress import NullProgress, Progress
from desktop_ar.services.uow import reader

MAX_PROBLEMS = 100

_LIVE_BY_LINE = (
    "SELECT schedule_line_id AS k, SUM(amount_minor) AS s FROM allocations"
    " WHERE reversed_on IS NULL GROUP BY schedule_line_id"
)
_LINES_BY_INVOICE = (
    "SELECT invoice_id AS k, SUM(open_minor) AS o, SUM(amount_minor) AS t"
    " FROM invoice_schedule_lines GROUP BY invoice_id"
)


def _by_source(column: str, table: str) -> str:
    where = " AND reversed_on IS NULL" if table == "allocations" else ""
    return (
        f"SELECT {column} AS k, SUM(amount_minor) AS s FROM {table}"
        f" WHERE {column} IS NOT NULL{where} GROUP BY {column}"
    )


def _m(minor: int, currency: str) -> str:
    try:
        return Money(int(minor), currency).amount_str()
    except (ValueError, TypeError, ArithmeticError):
        return f"{minor} minor units"


@dataclass(frozen=True, slots=True)
class _Rule:
    """One consistency query and how to describe a row it returns."""

    sql: str
    describe: Callable[[Sequence[Any]], str]


def _line(r: Sequence[Any]) -> str:
    number, seq, open_minor, expected, ccy = r
    return (
        f"invoice {number} line {seq}: open {_m(open_minor, ccy)}"
        f" but allocations leave {_m(expected, ccy)}"
    )


def _inv_open(r: Sequence[Any]) -> str:
    number, open_minor, lines_open, amount, lines_total, ccy = r
    if amount != lines_total:
        return (
            f"invoice {number}: amount {_m(amount, ccy)}"
            f" but its schedule lines add up to {_m(lines_total, ccy)}"
        )
    return (
        f"invoice {number}: open {_m(open_minor, ccy)} but allocations leave {_m(lines_open, ccy)}"
    )


def _inv_status(r: Sequence[Any]) -> str:
    number, status, open_minor, amount, ccy = r
    return (
        f"invoice {number}: status {status} does not fit open {_m(open_minor, ccy)}"
        f" of {_m(amount, ccy)}"
    )


def _source(kind: str) -> Callable[[Sequence[Any]], str]:
    def describe(r: Sequence[Any]) -> str:
        number, status, amount, unallocated, allocated, refunded, ccy = r
        if status in ("reversed", "void"):
            return (
                f"{kind} {number} ({status}): unallocated {_m(unallocated, ccy)} of"
                f" {_m(amount, ccy)} with {_m(allocated, ccy)} still allocated"
            )
        expected = amount - allocated - refunded
        return (
            f"{kind} {number}: unallocated {_m(unallocated, ccy)}"
            f" but allocations and refunds leave {_m(expected, ccy)}"
        )

    return describe


def _alloc(r: Sequence[Any]) -> str:
    alloc_id, number, problem = r
    return f"allocation {alloc_id} on invoice {number}: {problem}"


RULES: tuple[_Rule, ...] = (
    _Rule(
        "SELECT i.number, l.seq, l.open_minor,"
        " CASE WHEN i.status = 'void' THEN 0 ELSE l.amount_minor - COALESCE(a.s, 0) END,"
        " i.currency"
        " FROM invoice_schedule_lines l JOIN invoices i ON i.id = l.invoice_id"
        f" LEFT JOIN ({_LIVE_BY_LINE}) a ON a.k = l.id"
        " WHERE l.open_minor <> CASE WHEN i.status = 'void' THEN 0"
        " ELSE l.amount_minor - COALESCE(a.s, 0) END"
        " ORDER BY l.id",
        _line,
    ),
    _Rule(
        "SELECT i.number, i.open_minor, COALESCE(l.o, 0), i.amount_minor, COALESCE(l.t, 0),"
        " i.currency FROM invoices i"
        f" LEFT JOIN ({_LINES_BY_INVOICE}) l ON l.k = i.id"
        " WHERE i.open_minor <> COALESCE(l.o, 0) OR i.amount_minor <> COALESCE(l.t, 0)"
        " ORDER BY i.id",
        _inv_open,
    ),
    _Rule(
        "SELECT number, status, open_minor, amount_minor, currency FROM invoices WHERE NOT ("
        " (status IN ('paid', 'written_off', 'void') AND open_minor = 0)"
        " OR (status = 'open' AND open_minor = amount_minor)"
        " OR (status = 'partial' AND open_minor > 0 AND open_minor < amount_minor))"
        " ORDER BY id",
        _inv_status,
    ),
    _Rule(
        "SELECT p.number, p.status, p.amount_minor, p.unallocated_minor, COALESCE(a.s, 0),"
        " COALESCE(r.s, 0), p.currency FROM payments p"
        f" LEFT JOIN ({_by_source('payment_id', 'allocations')}) a ON a.k = p.id"
        f" LEFT JOIN ({_by_source('payment_id', 'refunds')}) r ON r.k = p.id"
        " WHERE CASE WHEN p.status = 'reversed'"
        " THEN p.unallocated_minor <> p.amount_minor OR COALESCE(a.s, 0) <> 0"
        " ELSE p.unallocated_minor <> p.amount_minor - COALESCE(a.s, 0) - COALESCE(r.s, 0)"
        " END ORDER BY p.id",
        _source("payment"),
    ),
    _Rule(
        "SELECT c.number, c.status, c.amount_minor, c.unallocated_minor, COALESCE(a.s, 0),"
        " COALESCE(r.s, 0), c.currency FROM credit_notes c"
        f" LEFT JOIN ({_by_source('credit_note_id', 'allocations')}) a ON a.k = c.id"
        f" LEFT JOIN ({_by_source('credit_note_id', 'refunds')}) r ON r.k = c.id"
        " WHERE CASE WHEN c.status = 'void'"
        " THEN c.unallocated_minor <> c.amount_minor OR COALESCE(a.s, 0) <> 0"
        " ELSE c.unallocated_minor <> c.amount_minor - COALESCE(a.s, 0) - COALESCE(r.s, 0)"
        " OR (c.status = 'applied') <> (c.unallocated_minor = 0)"
        " END ORDER BY c.id",
        _source("credit note"),
    ),
    _Rule(
        "SELECT a.id, i.number, CASE"
        " WHEN a.invoice_id <> l.invoice_id THEN 'its schedule line belongs to another invoice'"
        " WHEN a.currency <> i.currency THEN 'currency ' || a.currency || ' <> ' || i.currency"
        " ELSE 'the invoice is void' END"
        " FROM allocations a JOIN invoice_schedule_lines l ON l.id = a.schedule_line_id"
        " JOIN invoices i ON i.id = a.invoice_id"
        " WHERE a.reversed_on IS NULL AND (a.invoice_id <> l.invoice_id"
        " OR a.currency <> i.currency OR i.status = 'void')"
        " ORDER BY a.id",
        _alloc,
    ),
)


@dataclass(frozen=True, slots=True)
class CheckReport:
    """The outcome of ``check_book``: ``ok`` when ``problems`` is empty."""

    ok: bool
    problems: list[str] = field(default_factory=list)


def _sqlite_checks(session: Session, problems: list[str], *, quick: bool) -> None:
    pragma = "quick_check" if quick else "integrity_check"
    rows = session.execute(text(f"PRAGMA {pragma}")).all()
    if [tuple(r) for r in rows] != [("ok",)]:
        problems.extend(f"{pragma}: {r[0]}" for r in rows[: MAX_PROBLEMS + 1])
    for table, rowid, parent, _fk in session.execute(text("PRAGMA foreign_key_check")).all()[
        : MAX_PROBLEMS + 1
    ]:
        problems.append(f"{table} row {rowid}: refers to a missing {parent} row")


def check_book(
    ctx: ServiceContext, *, quick: bool = False, progress: Progress | None = None
) -> CheckReport:
    """Check the database file and recompute every maintained balance.

    Runs ``PRAGMA integrity_check`` (``quick_check`` when ``quick``) and
    ``PRAGMA foreign_key_check`` on SQLite, then compares schedule line and invoice open
    amounts, invoice statuses, and payment and credit note unallocated amounts with what the
    live allocations and refunds leave. Everything is read in one snapshot.

    Args:
        ctx: the service context (reads only).
        quick: skip the index verification of ``integrity_check`` (most of the time on a big
            file: about 19 s of 22 s for a million invoices here).
        progress: told about each step; cancelling raises ``Cancelled`` between steps.

    Returns:
        The report; at most 100 problem lines, followed by a line counting the rest.
    """
    progress = progress or NullProgress()
    steps = len(RULES) + 1
    problems: list[str] = []
    extra = 0
    with reader(ctx) as s:
        progress.report(0, steps, "file")
        if s.get_bind().dialect.name == "sqlite":
            _sqlite_checks(s, problems, quick=quick)
        for done, rule in enumerate(RULES, start=1):
            progress.check()
            progress.report(done, steps, "balances")
            room = MAX_PROBLEMS + 1 - len(problems)
            if room <= 0:
                extra += int(s.execute(text(f"SELECT COUNT(*) FROM ({rule.sql}) q")).scalar_one())
                continue
            rows = s.execute(text(f"{rule.sql} LIMIT {room + 1}")).all()
            problems.extend(rule.describe(r) for r in rows[:room])
            if len(rows) > room:
                total = int(s.execute(text(f"SELECT COUNT(*) FROM ({rule.sql}) q")).scalar_one())
                extra += total - room
    progress.report(steps, steps, "done")
    if len(problems) > MAX_PROBLEMS:
        extra += len(problems) - MAX_PROBLEMS
        del problems[MAX_PROBLEMS:]
    if extra:
        problems.append(f"… and {extra} more problems")
    return CheckReport(ok=not problems, problems=problems)
