"""Importing bank files: every statement of a file, with its lines, in one transaction.

Nothing is refused for being odd, only flagged:

* ``balance_problem``: the lines do not add up from the opening to the closing balance;
* ``duplicate_of_id`` and a note: the same file was imported before (same SHA-256), or a
  statement with the same account, period and closing balance, or one holding most of its
  lines (same fingerprint);
* a line whose fingerprint (account | booking date | amount | reference or end-to-end id |
  memo, normalised) is already on another statement is imported as ``ignored`` with the
  explanation "Already imported: statement N, line M", so the same money cannot be reconciled
  twice; ``undo_match`` reopens it if the user disagrees.

A broken or unsupported file raises the parser's ``UserFacingError`` and nothing is written.
Re-exported by :mod:`desktop_ar.services.bank_statements`.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from desktop_ar.db.models import BankLine, BankStatement
from desktop_ar.io import bank as bankio
from desktop_ar.io.files import refuse
from desktop_ar.services import audit
from desktop_ar.services.bank_table_reading import file_kind, read_table
from desktop_ar.services.bank_views import StatementSummary, summary_of
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.import_plan import file_sha256
from desktop_ar.services.permissions import require
from desktop_ar.services.progress import NullProgress, Progress
from desktop_ar.services.uow import reader, uow

__all__ = ["import_bank_file", "line_fingerprint", "preview_bank_file"]

_TABLE_FORMATS = ("auto", "csv", "xlsx", "xls", "txt")
_CHUNK = 1000
_MAX_LINE_NOTES = 20


def _norm(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFKC", text or "").casefold().split())


def line_fingerprint(account: str | None, line: bankio.BankLine) -> str:
    """The SHA-256 of a line's account | booking date | amount | reference | memo, normalised.

    The same booked line read twice (the same file, or an overlapping export) has the same
    fingerprint; case, full-width forms and spacing do not matter.
    """
    account_key = "".join(_norm(account).split()).upper()
    reference = line.reference or line.end_to_end_id
    parts = (
        account_key,
        line.booking_date.isoformat(),
        f"{line.amount.minor} {line.amount.currency}",
        "".join(_norm(reference).split()),
        _norm(line.memo),
    )
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()


# -- reading the file ---------------------------------------------------------------------------
def _parse(
    ctx: ServiceContext,
    path: Path,
    fmt: str,
    template: str | None,
    currency: str | None,
    *,
    table: dict[str, Any] | None = None,
) -> list[bankio.BankStatement]:
    """The statements of a file; a CSV/Excel export is read with :func:`read_table`."""
    table = {k: v for k, v in (table or {}).items() if v is not None}
    requested = fmt.lower().strip()
    if (template is not None or table) and requested not in _TABLE_FORMATS:
        raise refuse(path, f"a template maps the columns of a CSV or Excel export, not {fmt}")
    kind = file_kind(path)
    if kind not in ("csv", "xlsx"):
        if template is not None or table:
            raise refuse(
                path, f"this is a {kind} file; a template is only for CSV or Excel exports"
            )
        return bankio.parse_bank_file(path, fmt, currency=currency)
    if {"xls": "xlsx", "txt": "csv"}.get(requested, requested) not in ("auto", kind):
        return bankio.parse_bank_file(path, fmt, currency=currency)  # refuses: not that format
    return read_table(ctx, path, template=template, currency=currency, **table).statements


# -- duplicates ---------------------------------------------------------------------------------
@dataclass
class _Analysis:
    """What a statement repeats of the statements already in the book."""

    fingerprints: list[str]
    repeated: dict[int, tuple[int, int]] = field(default_factory=dict)  # line index → (id, seq)
    duplicate_of: int | None = None
    notes: list[str] = field(default_factory=list)


def _period(st: bankio.BankStatement) -> tuple[Any, Any]:
    dates = [line.booking_date for line in st.lines]
    start = st.period_start or (min(dates) if dates else None)
    end = st.period_end or (max(dates) if dates else None)
    return start, end


def _analyse(s: Session, st: bankio.BankStatement, file_hash: str, exclude: set[int]) -> _Analysis:
    account = st.account or ""
    result = _Analysis([line_fingerprint(account, line) for line in st.lines])
    start, end = _period(st)
    same_file = s.execute(
        select(BankStatement)
        .where(BankStatement.file_hash == file_hash, BankStatement.id.not_in(exclude))
        .order_by(BankStatement.id)
    ).scalars()
    same = sorted(
        same_file,
        key=lambda r: r.account != account or r.currency != st.currency or r.period_end != end,
    )
    if same:
        first = same[0]
        result.duplicate_of = first.id
        result.notes.append(
            f"imported before: the same file as statement {first.id} (imported "
            f"{first.imported_at:%Y-%m-%d %H:%M} by {first.imported_by})"
        )
    elif account and st.closing_balance is not None and start and end:
        twin = s.execute(
            select(BankStatement.id)
            .where(
                BankStatement.account == account,
                BankStatement.currency == st.currency,
                BankStatement.period_start == start,
                BankStatement.period_end == end,
                BankStatement.closing_minor == st.closing_balance.minor,
                BankStatement.id.not_in(exclude),
            )
            .order_by(BankStatement.id)
            .limit(1)
        ).scalar()
        if twin is not None:
            result.duplicate_of = int(twin)
            result.notes.append(
                f"imported before: statement {twin} has the same account, period and closing "
                "balance"
            )
    _repeated_lines(s, result, exclude)
    return result


def _repeated_lines(s: Session, result: _Analysis, exclude: set[int]) -> None:
    """Mark the lines already on other statements (each earlier line used once)."""
    wanted = sorted(set(result.fingerprints))
    earlier: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for k in range(0, len(wanted), 500):
        rows = s.execute(
            select(BankLine.fingerprint, BankLine.statement_id, BankLine.seq)
            .where(
                BankLine.fingerprint.in_(wanted[k : k + 500]),
                BankLine.statement_id.not_in(exclude),
            )
            .order_by(BankLine.statement_id, BankLine.seq)
        )
        for fp, sid, seq in rows:
            earlier[fp].append((sid, seq))
    for index, fp in enumerate(result.fingerprints):
        if earlier.get(fp):
            result.repeated[index] = earlier[fp].pop(0)
    if not result.repeated:
        return
    hits: dict[int, int] = defaultdict(int)
    for sid, _seq in result.repeated.values():
        hits[sid] += 1
    named = ", ".join(str(sid) for sid in sorted(hits))
    n, total = len(result.repeated), len(result.fingerprints)
    result.notes.append(
        f"{n} of {total} lines were imported before (statement {named}); they are marked ignored"
    )
    best = max(sorted(hits), key=lambda sid: hits[sid])
    if result.duplicate_of is None and 2 * n > total:
        result.duplicate_of = best


# -- building rows ------------------------------------------------------------------------------
def _statement_row(
    ctx: ServiceContext, st: bankio.BankStatement, path: Path, file_hash: str, found: _Analysis
) -> BankStatement:
    start, end = _period(st)
    notes = [*found.notes, *st.notes]
    line_notes = [f"{ln.position}: {note}" for ln in st.lines for note in ln.notes]
    notes += line_notes[:_MAX_LINE_NOTES]
    if len(line_notes) > _MAX_LINE_NOTES:
        notes.append(f"… and {len(line_notes) - _MAX_LINE_NOTES} more notes on lines")
    if st.period_start is None and start is not None:
        notes.append("the file gives no period; it is taken from the line dates")
    return BankStatement(
        file_name=path.name[:260],
        file_hash=file_hash,
        format="xlsx" if st.format == "xls" else st.format,
        format_detail=st.format_detail[:60],
        account=(st.account or "")[:60],
        account_name=(st.account_name or "")[:200],
        bank=(st.bank or "")[:100],
        statement_ref=(st.statement_id or "")[:60],
        sequence=(st.sequence or "")[:20],
        currency=st.currency,
        period_start=start,
        period_end=end,
        opening_minor=None if st.opening_balance is None else st.opening_balance.minor,
        closing_minor=None if st.closing_balance is None else st.closing_balance.minor,
        lines_count=len(st.lines),
        balance_problem="; ".join(bankio.check_balances(st)),
        duplicate_of_id=found.duplicate_of,
        notes="\n".join(n.replace("\n", " ") for n in notes),
        status="open",
        imported_at=ctx.clock.now(),
        imported_by=ctx.user,
    )


def _line_values(
    statement_id: int, st: bankio.BankStatement, found: _Analysis
) -> list[dict[str, Any]]:
    out = []
    for k, ln in enumerate(st.lines):
        seen = found.repeated.get(k)
        out.append(
            {
                "statement_id": statement_id,
                "seq": k + 1,
                "booking_date": ln.booking_date,
                "value_date": ln.value_date,
                "currency": ln.amount.currency,
                "amount_minor": ln.amount.minor,
                "counterparty_name": (ln.counterparty_name or "")[:200],
                "counterparty_account": (ln.counterparty_account or "")[:60],
                "reference": (ln.reference or "")[:140],
                "end_to_end_id": (ln.end_to_end_id or "")[:140],
                "bank_reference": (ln.bank_reference or "")[:60],
                "memo": ln.memo,
                "transaction_code": (ln.transaction_code or "")[:40],
                "position": ln.position[:60],
                "fingerprint": found.fingerprints[k],
                "status": "ignored" if seen else "open",
                "explanation": (
                    f"Already imported: statement {seen[0]}, line {seen[1]}" if seen else ""
                ),
                "version_id": 1,
            }
        )
    return out


# -- use cases ----------------------------------------------------------------------------------
def preview_summaries(
    ctx: ServiceContext, path: Path, statements: list[bankio.BankStatement]
) -> list[StatementSummary]:
    """The summaries :func:`import_bank_file` would give these statements; nothing is written."""
    file_hash = file_sha256(path)
    out = []
    with reader(ctx) as s:
        for st in statements:
            found = _analyse(s, st, file_hash, set())
            row = _statement_row(ctx, st, path, file_hash, found)
            counts = {"open": len(st.lines) - len(found.repeated)}
            out.append(replace(summary_of(row, counts), imported_at=None, imported_by=""))
    return out


def preview_bank_file(
    ctx: ServiceContext,
    path: str | Path,
    *,
    format: str = "auto",
    template: str | None = None,
    currency: str | None = None,
) -> list[StatementSummary]:
    """What :func:`import_bank_file` would import, with its flags; nothing is written.

    Returns:
        One summary per statement (``id`` 0, ``imported_at`` None); ``open_lines`` leaves out
        the lines already imported.

    Raises:
        UserFacingError: as :func:`import_bank_file`.
    """
    path = Path(path)
    return preview_summaries(ctx, path, _parse(ctx, path, format, template, currency))


def import_bank_file(
    ctx: ServiceContext,
    path: str | Path,
    *,
    format: str = "auto",
    template: str | None = None,
    currency: str | None = None,
    progress: Progress | None = None,
    sheet: str | None = None,
    header_row: int | None = None,
    mapping: bankio.BankMapping | None = None,
) -> list[StatementSummary]:
    """Import every statement of a bank file, with its lines, in one transaction.

    Args:
        ctx: the service context.
        path: an MT940, OFX/QFX, camt.053, CSV or Excel file.
        format: ``auto`` (from the content) or ``csv``, ``xlsx``, ``ofx``, ``mt940``,
            ``camt053``.
        template: a saved bank template (:func:`save_bank_template`) mapping the columns of a
            CSV or Excel export, instead of the guess. Without it, a saved template made for
            the file's header row is used (with a note), else the guess.
        currency: the currency of a CSV/Excel export that does not name it.
        progress: reported per 1,000 lines and checked for cancel as often.
        sheet: the sheet of an Excel export (``None``: the first with a bank header).
        header_row: the 1-based header row of a CSV/Excel export (``0``: none; ``None``: found).
        mapping: the columns of a CSV/Excel export chosen by the user (the import wizard).

    Returns:
        One summary per statement, in file order, with its flags (``balance_problem``,
        ``duplicate_of_id``, ``notes``). One audit row per statement.

    Raises:
        PermissionDenied: the role may not reconcile.
        UserFacingError: ``invalid`` naming the file and what is wrong (broken, unsupported,
            camt.052/054, MT942…), ``file_missing``, ``not_found`` for an unknown template.
        Cancelled: the user cancelled; nothing is written.
    """
    require(ctx, "reconcile")
    progress = progress or NullProgress()
    path = Path(path)
    table = {"sheet": sheet, "header_row": header_row, "mapping": mapping}
    statements = _parse(ctx, path, format, template, currency, table=table)
    file_hash = file_sha256(path)
    total = max(1, sum(len(st.lines) for st in statements))
    done = 0
    progress.report(0, total, path.name)
    out: list[StatementSummary] = []
    with uow(ctx) as s:
        batch: set[int] = set()
        for st in statements:
            progress.check()
            found = _analyse(s, st, file_hash, batch)
            row = _statement_row(ctx, st, path, file_hash, found)
            s.add(row)
            s.flush()
            batch.add(row.id)
            values = _line_values(row.id, st, found)
            for k in range(0, len(values), _CHUNK):
                s.execute(insert(BankLine), values[k : k + _CHUNK])
                done += len(values[k : k + _CHUNK])
                progress.report(done, total, path.name)
                progress.check()
            after = audit.snapshot(
                row,
                ("file_name", "file_hash", "format", "account", "currency", "period_start",
                 "period_end", "opening_minor", "closing_minor", "lines_count",
                 "balance_problem", "duplicate_of_id"),
            )  # fmt: skip
            after["ignored_lines"] = len(found.repeated)
            audit.record(s, ctx, "import_bank_statement", "bank_statement", row.id, after=after)
            counts = {"open": len(st.lines) - len(found.repeated)}
            out.append(summary_of(row, counts))
    progress.report(total, total, "done")
    return out
