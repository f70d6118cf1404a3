"""Dunning letters (催款函): a customer's overdue items with interest and fees, and the text.

An item is an open schedule line (an instalment of an invoice) due before ``as_of``; items of
disputed invoices are on hold and never dunned. Each item has reached a level by its days
overdue (:func:`desktop_ar.domain.dunning.level_for`; 0 when it has not reached level 1 yet);
the letter's level is the highest of them unless one is asked for. Interest is simple interest
at the letter level's annual rate on each item for its days overdue; the level's fee is charged
once per currency. Currencies are never added together: each has its own section and totals.

The subject and body come from the level's letter template in the letter's language, filled
in; the body keeps ``{items}`` where the document places its table (:func:`letter_text`
writes the items there as plain text, for email drafts).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from desktop_ar.db.models import Contact, Customer, Invoice, ScheduleLine
from desktop_ar.db.queries.balances import aging_rows, is_current
from desktop_ar.domain.dunning import (
    fill,
    letter_date,
    level_for,
    simple_interest,
)
from desktop_ar.domain.errors import NotFound
from desktop_ar.domain.money import Money
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.docs import document_language
from desktop_ar.services.dunning_levels import DunningLevelDTO, level_rows, load_template
from desktop_ar.services.dunning_text import items_text, letter_text, money_text
from desktop_ar.services.settings import load_settings
from desktop_ar.services.uow import reader

__all__ = [
    "PAY_WITHIN_DAYS",
    "DunningItem",
    "DunningLetter",
    "DunningSection",
    "LetterLine",
    "compose_letter",
    "customers_at_level",
    "dunning_letter",
    "items_text",
    "letter_text",
    "money_text",
]

PAY_WITHIN_DAYS = 7


@dataclass(frozen=True, slots=True)
class DunningItem:
    """One overdue instalment of an invoice."""

    invoice_id: int
    invoice_number: str
    issue_date: date
    due_date: date
    outstanding: Money
    days_overdue: int
    level: int  # the level this item has reached (0: not yet level 1)
    interest: Money  # at the letter's level rate
    schedule_line_id: int | None = None


@dataclass(frozen=True, slots=True)
class DunningSection:
    """The overdue items of one currency and their totals."""

    currency: str
    items: tuple[DunningItem, ...]
    overdue_total: Money
    interest_total: Money
    fee: Money
    total_due: Money


@dataclass(frozen=True, slots=True)
class DunningLetter:
    """Everything a dunning letter (or its email) shows."""

    customer_id: int
    customer_code: str
    customer_name: str
    customer_address: str
    contact_name: str
    language: str
    as_of: date
    level: int
    level_name: str
    interest_rate: Decimal  # annual fraction
    fee_each: Decimal  # per currency section
    sections: tuple[DunningSection, ...]
    subject: str
    body: str  # filled; ``{items}`` marks where the items go

    @property
    def pay_by(self) -> date:
        """The date the letter asks payment by."""
        return self.as_of + timedelta(days=PAY_WITHIN_DAYS)


@dataclass(frozen=True, slots=True)
class LetterLine:
    """One overdue schedule line a letter lists (``level`` None: the level its days reached)."""

    customer_id: int
    invoice_id: int
    invoice_number: str
    issue_date: date
    due_date: date
    currency: str
    open_minor: int
    schedule_line_id: int | None = None
    level: int | None = None


def _overdue_lines(session: Session, as_of: date, customer_id: int | None) -> list[LetterLine]:
    """Open, not disputed schedule lines due before ``as_of`` (one customer or all)."""
    disputed = select(Invoice.id).where(Invoice.disputed.is_(True))
    if customer_id is not None:
        disputed = disputed.where(Invoice.customer_id == customer_id)
    on_hold = set(session.execute(disputed).scalars())
    return [
        LetterLine(r[0], r[4], r[5], r[6], r[7], r[8], int(r[10]))
        for r in aging_rows(session, as_of, customer_id)
        if r[3] == "invoice" and r[7] < as_of and r[4] not in on_hold
    ]


def _fee(level: DunningLevelDTO, currency: str) -> Money:
    return Money.from_decimal(level.fee, currency, rounding=ROUND_HALF_UP)


def _sections(
    lines: list[LetterLine], as_of: date, levels: list[DunningLevelDTO], letter_level: int
) -> tuple[DunningSection, ...]:
    """The items by currency (oldest due first) at the letter level's rate and fee."""
    chosen = next(lv for lv in levels if lv.level == letter_level)
    by_ccy: dict[str, list[DunningItem]] = defaultdict(list)
    for line in lines:
        days = (as_of - line.due_date).days
        outstanding = Money(line.open_minor, line.currency)
        reached = line.level if line.level is not None else level_for(days, levels) or 0
        by_ccy[line.currency].append(
            DunningItem(
                invoice_id=line.invoice_id,
                invoice_number=line.invoice_number,
                issue_date=line.issue_date,
                due_date=line.due_date,
                outstanding=outstanding,
                days_overdue=days,
                level=reached,
                interest=simple_interest(outstanding, chosen.interest_rate, days)
                if chosen.interest_rate
                else Money(0, line.currency),
                schedule_line_id=line.schedule_line_id,
            )
        )
    sections = []
    for ccy in sorted(by_ccy):
        items = tuple(sorted(by_ccy[ccy], key=lambda i: (i.due_date, i.invoice_number)))
        overdue = Money.sum((i.outstanding for i in items), ccy)
        interest = Money.sum((i.interest for i in items), ccy)
        fee = _fee(chosen, ccy)
        sections.append(
            DunningSection(ccy, items, overdue, interest, fee, overdue + interest + fee)
        )
    return tuple(sections)


def _contact(session: Session, customer: Customer) -> str:
    name = session.execute(
        select(Contact.name)
        .where(Contact.customer_id == customer.id, Contact.is_primary.is_(True))
        .order_by(Contact.id)
        .limit(1)
    ).scalar_one_or_none()
    return name.strip() if name and name.strip() else customer.name


def _values(
    letter: dict[str, Any], sections: tuple[DunningSection, ...], company: str
) -> dict[str, str]:
    lang = letter["language"]
    items = [i for s in sections for i in s.items]

    def total(attr: str) -> str:
        return money_text([getattr(s, attr) for s in sections], lang)

    return {
        "contact_name": letter["contact_name"],
        "customer_name": letter["customer_name"],
        "customer_code": letter["customer_code"],
        "company_name": company,
        "as_of": letter_date(letter["as_of"], lang),
        "level_name": letter["level_name"],
        "overdue_total": total("overdue_total"),
        "interest_total": total("interest_total"),
        "fee": total("fee"),
        "total_due": total("total_due"),
        "pay_by": letter_date(letter["as_of"] + timedelta(days=PAY_WITHIN_DAYS), lang),
        "oldest_due_date": letter_date(min(i.due_date for i in items), lang),
        "item_count": str(len(items)),
    }


def dunning_letter(
    ctx: ServiceContext,
    customer_id: int,
    as_of: date,
    *,
    level: int | None = None,
    lang: str | None = None,
    channel: str = "letter",
) -> DunningLetter | None:
    """The dunning letter of a customer as of ``as_of``, or None when nothing is overdue.

    Args:
        ctx: the service context.
        customer_id: the customer.
        as_of: the letter date: items open on that date and due before it are overdue.
        level: the letter's level; None for the highest level any item has reached.
        lang: ``en`` or ``zh``; None for the customer's language.
        channel: whose template fills the subject and body: ``letter`` (the PDF) or
            ``email`` (an email draft; write its body with :func:`letter_text`).

    Returns:
        The letter, or None when nothing is overdue (disputed items are on hold), or when no
        item has reached an active level and no ``level`` is given.

    Raises:
        NotFound: no such customer, or no such level (or its template).
        UserFacingError: an unknown language or channel.
    """
    with reader(ctx) as s:
        customer = s.get(Customer, customer_id)
        if customer is None:
            raise NotFound("Customer", customer_id)
        language = document_language(customer.language, lang)
        lines = _overdue_lines(s, as_of, customer_id)
        if not lines:
            return None
        levels = level_rows(s)
        if level is None:
            reached = [level_for((as_of - line.due_date).days, levels) for line in lines]
            level = max((r for r in reached if r is not None), default=None)
            if level is None:
                return None
        if not any(lv.level == level for lv in levels):
            raise NotFound("Dunning level", level)
        template = load_template(s, level, language, channel)
        settings = load_settings(s)
        company = settings.name_en if language == "en" and settings.name_en.strip() else ""
        head: dict[str, Any] = {
            "customer_id": customer.id,
            "customer_code": customer.code,
            "customer_name": customer.name,
            "customer_address": customer.address,
            "contact_name": _contact(s, customer),
            "language": language,
            "as_of": as_of,
        }
    pair, company = (template.subject, template.body), company or settings.name
    return compose_letter(head, lines, levels=levels, level=level, template=pair, company=company)


def compose_letter(
    head: dict[str, Any],
    lines: list[LetterLine],
    *,
    levels: list[DunningLevelDTO],
    level: int,
    template: tuple[str, str],
    company: str,
) -> DunningLetter:
    """A letter from data already read (``head``: customer fields, ``language``, ``as_of``).

    ``template`` is the level's (subject, body); a line's ``level`` overrides the level its
    days reached (the run's progression rule). No query: runs compose many letters.
    """
    chosen = next(lv for lv in levels if lv.level == level)
    head = {**head, "level": level, "level_name": chosen.name(head["language"])}
    sections = _sections(lines, head["as_of"], levels, level)
    values = _values(head, sections, company)
    return DunningLetter(
        **head,
        interest_rate=chosen.interest_rate,
        fee_each=chosen.fee,
        sections=sections,
        subject=fill(template[0], values),
        body=fill(template[1], values),
    )


def customers_at_level(
    ctx: ServiceContext, as_of: date, level: int | None
) -> list[tuple[int, str, str, int]]:
    """Every customer with overdue (not disputed) items and the level it has reached.

    The level is that of the customer's oldest overdue item (the highest any item reached);
    customers whose items have not reached level 1 yet are left out. One query for the whole
    book (the maintained open amounts when ``as_of`` is current).

    Args:
        ctx: the service context.
        as_of: the date items are overdue on.
        level: only customers at exactly this level; None for every level.

    Returns:
        (customer id, code, name, level) in customer-code order.
    """
    with reader(ctx) as s:
        levels = level_rows(s)
        if is_current(s, as_of):
            rows = s.execute(
                select(Customer.id, Customer.code, Customer.name, func.min(ScheduleLine.due_date))
                .select_from(ScheduleLine)
                .join(Invoice, Invoice.id == ScheduleLine.invoice_id)
                .join(Customer, Customer.id == Invoice.customer_id)
                .where(
                    ScheduleLine.open_minor > 0,
                    ScheduleLine.due_date < as_of,
                    Invoice.open_minor > 0,
                    Invoice.issue_date <= as_of,
                    Invoice.status != "void",
                    Invoice.disputed.is_(False),
                )
                .group_by(Customer.id, Customer.code, Customer.name)
            ).all()
            oldest = [(cid, code, name, due) for cid, code, name, due in rows]
        else:
            names = dict(
                (r[0], (r[1], r[2]))
                for r in s.execute(select(Customer.id, Customer.code, Customer.name))
            )
            first: dict[int, date] = {}
            for line in _overdue_lines(s, as_of, None):
                cid, due = line.customer_id, line.due_date
                first[cid] = min(first.get(cid, due), due)
            oldest = [(cid, *names[cid], due) for cid, due in first.items()]
    out = []
    for cid, code, name, due in oldest:
        due_day = date.fromisoformat(due) if isinstance(due, str) else due
        reached = level_for((as_of - due_day).days, levels)
        if reached is not None and (level is None or reached == level):
            out.append((cid, code, name, reached))
    return sorted(out, key=lambda r: r[1])
