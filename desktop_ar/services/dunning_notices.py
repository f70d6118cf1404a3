"""Issued dunning notices (催款记录): record, list, resolve, re-open and cancel them.

A notice is ``issued`` until every item it listed is paid or credited (its schedule line's
open amount is 0 as of the date asked), then ``resolved`` on that date; reversing a payment
opens an item again and the notice goes back to ``issued`` (:func:`refresh_notices`). A
cancelled notice stays cancelled and no longer counts for the progression or the interval.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import Session

from desktop_ar.db.models import Allocation, Customer, Invoice, ScheduleLine
from desktop_ar.db.models.collections import DunningNotice, DunningNoticeItem
from desktop_ar.db.queries.balances import is_current
from desktop_ar.domain.errors import NotFound, UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.services import audit
from desktop_ar.services.changes import Changes
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.dunning_letters import DunningLetter
from desktop_ar.services.permissions import require
from desktop_ar.services.uow import reader, uow

__all__ = [
    "NoticeDTO",
    "cancel_notice",
    "line_open",
    "list_notices",
    "notice_totals",
    "record_notice",
    "refresh_notices",
]


@dataclass(frozen=True, slots=True)
class NoticeDTO:
    """One issued notice as lists show it."""

    id: int
    customer_id: int
    customer_code: str
    customer_name: str
    level: int
    as_of: date
    lang: str
    status: str
    resolved_on: date | None
    totals: dict[str, dict[str, Money]]  # currency → overdue, interest, fee, total
    pdf_file: str
    email_file: str
    issued_at: datetime
    issued_by: str


def line_open(as_of: date, current: bool) -> tuple[Any, list[ColumnElement[bool]]]:
    """A schedule line's open amount on ``as_of`` and the filter keeping open lines.

    ``current``: the maintained amounts are exact (read through the partial indexes);
    otherwise the line amount less the allocations live on ``as_of`` (the filter then keeps
    only lines that may be open, the open amount itself must still be checked).
    """
    if current:
        return ScheduleLine.open_minor, [ScheduleLine.open_minor > 0, Invoice.open_minor > 0]
    live = and_(
        Allocation.allocation_date <= as_of,
        or_(Allocation.reversed_on.is_(None), Allocation.reversed_on > as_of),
    )
    allocated = (
        select(func.coalesce(func.sum(Allocation.amount_minor), 0))
        .where(Allocation.schedule_line_id == ScheduleLine.id, live)
        .correlate(ScheduleLine)
        .scalar_subquery()
    )
    # A line open on ``as_of`` is open now, or had an allocation made after ``as_of`` (one live
    # now but not then): this keeps the correlated sums off the lines settled long ago.
    later = select(Allocation.schedule_line_id).where(Allocation.allocation_date > as_of)
    maybe_open = or_(ScheduleLine.open_minor > 0, ScheduleLine.id.in_(later))
    return ScheduleLine.amount_minor - allocated, [maybe_open]


def notice_totals(letter: DunningLetter) -> dict[str, dict[str, int]]:
    """Per currency: overdue, interest, fee and total due in minor units (``totals_json``)."""
    return {
        sec.currency: {
            "overdue": sec.overdue_total.minor,
            "interest": sec.interest_total.minor,
            "fee": sec.fee.minor,
            "total": sec.total_due.minor,
        }
        for sec in letter.sections
    }


def record_notice(
    s: Session, ctx: ServiceContext, letter: DunningLetter, pdf: Path, eml: Path
) -> int:
    """Insert the notice of ``letter`` and its items inside a write session (audited)."""
    notice = DunningNotice(
        customer_id=letter.customer_id,
        level=letter.level,
        as_of=letter.as_of,
        lang=letter.language,
        totals_json=json.dumps(notice_totals(letter), sort_keys=True),
        status="issued",
        pdf_file=str(pdf),
        email_file=str(eml),
        issued_at=ctx.clock.now(),
        issued_by=ctx.user,
    )
    s.add(notice)
    s.flush()
    for sec in letter.sections:
        s.add_all(
            DunningNoticeItem(
                notice_id=notice.id,
                invoice_id=i.invoice_id,
                schedule_line_id=i.schedule_line_id,
                level=i.level,
                days_overdue=i.days_overdue,
                currency=sec.currency,
                outstanding_minor=i.outstanding.minor,
                interest_minor=i.interest.minor,
            )
            for i in sec.items
        )
    after = {
        "customer_id": letter.customer_id,
        "level": letter.level,
        "as_of": letter.as_of,
        "totals": notice_totals(letter),
        "items": sum(len(sec.items) for sec in letter.sections),
        "pdf_file": str(pdf),
        "email_file": str(eml),
    }
    audit.record(s, ctx, "issue_dunning", "dunning_notice", notice.id, after=after)
    return notice.id


def _dto(row: Any) -> NoticeDTO:
    notice, code, name = row
    raw = json.loads(notice.totals_json or "{}")
    totals = {ccy: {k: Money(int(v), ccy) for k, v in parts.items()} for ccy, parts in raw.items()}
    return NoticeDTO(
        id=notice.id,
        customer_id=notice.customer_id,
        customer_code=code,
        customer_name=name,
        level=notice.level,
        as_of=notice.as_of,
        lang=notice.lang,
        status=notice.status,
        resolved_on=notice.resolved_on,
        totals=totals,
        pdf_file=notice.pdf_file,
        email_file=notice.email_file,
        issued_at=notice.issued_at,
        issued_by=notice.issued_by,
    )


def list_notices(
    ctx: ServiceContext, customer_id: int | None = None, status: str | None = None
) -> list[NoticeDTO]:
    """Issued notices, newest first (one customer's, or of one status, when given)."""
    with reader(ctx) as s:
        stmt = (
            select(DunningNotice, Customer.code, Customer.name)
            .join(Customer, Customer.id == DunningNotice.customer_id)
            .order_by(DunningNotice.as_of.desc(), DunningNotice.id.desc())
        )
        if customer_id is not None:
            stmt = stmt.where(DunningNotice.customer_id == customer_id)
        if status is not None:
            stmt = stmt.where(DunningNotice.status == status)
        return [_dto(r) for r in s.execute(stmt)]


def refresh_notices(ctx: ServiceContext, as_of: date) -> Changes:
    """Resolve notices whose items are all paid or credited as of ``as_of``; re-open others.

    One grouped query over the notices issued on or before ``as_of``; each change audited.

    Raises:
        PermissionDenied: the role may not issue dunning notices.
    """
    require(ctx, "issue_dunning")
    changes = Changes()
    with uow(ctx) as s:
        open_amount, _filter = line_open(as_of, is_current(s, as_of))  # all lines, open or not
        rows = s.execute(
            select(DunningNotice.id, func.max(case((open_amount > 0, 1), else_=0)))
            .join(DunningNoticeItem, DunningNoticeItem.notice_id == DunningNotice.id)
            .join(ScheduleLine, ScheduleLine.id == DunningNoticeItem.schedule_line_id)
            .join(Invoice, Invoice.id == ScheduleLine.invoice_id)
            .where(DunningNotice.status.in_(("issued", "resolved")), DunningNotice.as_of <= as_of)
            .group_by(DunningNotice.id)
        ).all()
        for notice_id, any_open in rows:
            notice = s.get(DunningNotice, notice_id)
            assert notice is not None
            wanted = "issued" if any_open else "resolved"
            if notice.status == wanted:
                continue
            before = {"status": notice.status, "resolved_on": notice.resolved_on}
            notice.status = wanted
            notice.resolved_on = as_of if wanted == "resolved" else None
            action = "resolve_dunning" if wanted == "resolved" else "reopen_dunning"
            after = {"status": notice.status, "resolved_on": notice.resolved_on}
            audit.record(s, ctx, action, "dunning_notice", notice.id, before=before, after=after)
            changes.customers.add(notice.customer_id)
    return changes


def cancel_notice(ctx: ServiceContext, notice_id: int, reason: str) -> Changes:
    """Cancel an issued or resolved notice (it no longer counts for progression or interval).

    Raises:
        PermissionDenied: the role may not issue dunning notices.
        NotFound: no such notice.
        UserFacingError: no reason given, or the notice is already cancelled.
    """
    require(ctx, "issue_dunning")
    if not (reason or "").strip():
        raise UserFacingError("invalid", field="reason", reason="say why the notice is cancelled")
    with uow(ctx) as s:
        notice = s.get(DunningNotice, notice_id)
        if notice is None:
            raise NotFound("Dunning notice", notice_id)
        if notice.status == "cancelled":
            raise UserFacingError("invalid", field="notice", reason="it is already cancelled")
        before = {"status": notice.status}
        notice.status = "cancelled"
        after = {"status": "cancelled", "reason": reason.strip()}
        audit.record(
            s, ctx, "cancel_dunning", "dunning_notice", notice.id, before=before, after=after
        )
        return Changes(customers={notice.customer_id})
