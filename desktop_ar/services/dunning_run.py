"""The dunning run (催款): propose letters, issue them as notices, resolve and re-open them.

Which items a run proposes: open schedule lines due before ``as_of`` whose invoice is neither
at the legal stage nor disputed (``invoices.disputed`` or an open dispute on it) — those are
on hold. Each item's level is the highest active level its days overdue reached, but never
more than the next active level above the one it was last listed at in an issued (not
cancelled) notice, so an item climbs one level per notice. The letter's level is the highest
item level (customers whose items reached no level are left out); a customer is proposed only
when ``company_settings.dunning_interval_days`` have passed since its last notice, unless the
run is forced to a level (then only customers at exactly that level are proposed). The
candidate set comes from a few grouped queries for the whole book, never one per customer.

Issuing (:func:`issue_run`) records the notices and writes the files in one go; resolution,
listing and cancelling live in :mod:`desktop_ar.services.dunning_notices`.
"""

from __future__ import annotations

import os
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from desktop_ar.db.models import Contact, Customer, Dispute, Invoice, ScheduleLine
from desktop_ar.db.models.collections import DunningNotice, DunningNoticeItem
from desktop_ar.db.models.settings import CompanySettings
from desktop_ar.db.queries.balances import is_current
from desktop_ar.domain.dunning import level_for
from desktop_ar.domain.errors import NotFound, UserFacingError
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.docs import company_info, safe_stem
from desktop_ar.services.dunning_email import (
    discard_staged,
    email_draft,
    letter_pdf,
    stage_file,
)
from desktop_ar.services.dunning_letters import DunningLetter, LetterLine, compose_letter
from desktop_ar.services.dunning_levels import DunningLevelDTO, level_rows, load_template
from desktop_ar.services.dunning_notices import line_open, record_notice
from desktop_ar.services.permissions import require
from desktop_ar.services.progress import NullProgress, Progress
from desktop_ar.services.settings import load_settings
from desktop_ar.services.uow import reader, uow

__all__ = [
    "IssuedNotice",
    "Proposal",
    "capped_level",
    "issue_run",
    "propose_in",
    "propose_run",
]

_CHUNK = 500  # ids per IN (...) list


@dataclass(frozen=True, slots=True)
class Proposal:
    """The letter a run proposes for one customer (``email``: set only when issuing)."""

    customer_id: int
    customer_code: str
    customer_name: str
    level: int
    interest_rate: Decimal  # the level's annual rate, as a fraction
    email_to: str  # the primary contact's email, else the customer's (may be empty)
    last_notice_on: date | None
    letter: DunningLetter
    email: DunningLetter | None = None
    run_level: int | None = None  # the level the run was forced to, if any


def capped_level(days: int, last: int, active: list[DunningLevelDTO]) -> int:
    """The progression rule: the level ``days`` overdue reached, at most one step above ``last``.

    ``last`` is the level the item was last listed at (0: never); ``active`` are the active
    levels in order. A step goes to the next *active* level above ``last``.
    """
    reached = level_for(days, active) or 0
    if reached <= last:
        return reached
    return min(reached, next((lv.level for lv in active if lv.level > last), last))


def _date(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _chunks(ids: list[int]) -> list[list[int]]:
    return [ids[i : i + _CHUNK] for i in range(0, len(ids), _CHUNK)]


def _lines(
    s: Session,
    as_of: date,
    customer_ids: list[int] | None,
    last_level: dict[int, int],
    active: list[DunningLevelDTO],
) -> dict[int, list[LetterLine]]:
    """Overdue, not held lines per customer at their capped levels (one query, or per chunk)."""
    open_amount, open_filter = line_open(as_of, is_current(s, as_of))
    disputed = exists().where(Dispute.invoice_id == Invoice.id, Dispute.status == "open")
    stmt = (
        select(
            Invoice.customer_id,
            Invoice.id,
            Invoice.number,
            Invoice.issue_date,
            ScheduleLine.due_date,
            Invoice.currency,
            open_amount.label("open"),
            ScheduleLine.id,
        )
        .select_from(ScheduleLine)
        .join(Invoice, Invoice.id == ScheduleLine.invoice_id)
        .where(
            *open_filter,
            ScheduleLine.due_date < as_of,
            Invoice.issue_date <= as_of,
            Invoice.status != "void",
            Invoice.disputed.is_(False),
            Invoice.legal_stage.is_(False),
            ~disputed,
        )
    )
    batches = [None] if customer_ids is None else _chunks(customer_ids)
    out: dict[int, list[LetterLine]] = defaultdict(list)
    for batch in batches:
        query = stmt if batch is None else stmt.where(Invoice.customer_id.in_(batch))
        for cid, iid, num, issued, due, ccy, open_minor, sid in s.execute(query):
            if open_minor and open_minor > 0:
                due_day = _date(due)
                lvl = capped_level((as_of - due_day).days, last_level.get(sid, 0), active)
                line = LetterLine(cid, iid, num, _date(issued), due_day, ccy, open_minor, sid, lvl)
                out[cid].append(line)
    return out


def _history(s: Session, as_of: date) -> tuple[dict[int, int], dict[int, date]]:
    """Per schedule line the level it was last listed at; per customer its last notice date."""
    live = and_(DunningNotice.status != "cancelled", DunningNotice.as_of <= as_of)
    last_level = {
        int(sid): int(lvl)
        for sid, lvl in s.execute(
            select(DunningNoticeItem.schedule_line_id, func.max(DunningNoticeItem.level))
            .join(DunningNotice, DunningNotice.id == DunningNoticeItem.notice_id)
            .where(live, DunningNoticeItem.schedule_line_id.is_not(None))
            .group_by(DunningNoticeItem.schedule_line_id)
        )
    }
    last_notice = {
        int(cid): _date(day)
        for cid, day in s.execute(
            select(DunningNotice.customer_id, func.max(DunningNotice.as_of))
            .where(live)
            .group_by(DunningNotice.customer_id)
        )
    }
    return last_level, last_notice


def _customers(s: Session, ids: list[int]) -> tuple[dict[int, Any], dict[int, tuple[str, str]]]:
    """The customers' rows and their primary contacts (name, email), by chunks of ids."""
    rows: dict[int, Any] = {}
    contacts: dict[int, tuple[str, str]] = {}
    for batch in _chunks(ids):
        for r in s.execute(
            select(
                Customer.id,
                Customer.code,
                Customer.name,
                Customer.address,
                Customer.language,
                Customer.email,
            ).where(Customer.id.in_(batch))
        ):
            rows[r[0]] = r
        for cid, name, email in s.execute(
            select(Contact.customer_id, Contact.name, Contact.email)
            .where(Contact.customer_id.in_(batch), Contact.is_primary.is_(True))
            .order_by(Contact.id.desc())
        ):
            contacts[cid] = (name or "", email or "")
    return rows, contacts


def _language(code: str) -> str:
    lang = (code or "").lower()[:2]
    return lang if lang in {"en", "zh"} else "en"


def propose_in(
    s: Session,
    as_of: date,
    *,
    level: int | None = None,
    customer_ids: list[int] | None = None,
    with_email: bool = False,
) -> list[Proposal]:
    """:func:`propose_run` inside an existing session (issuing re-proposes in its transaction)."""
    levels = level_rows(s)
    active = [lv for lv in levels if lv.active]
    if level is not None and not any(lv.level == level for lv in levels):
        raise NotFound("Dunning level", level)
    interval = int(
        s.execute(select(CompanySettings.dunning_interval_days)).scalar_one_or_none() or 0
    )
    last_level, last_notice = _history(s, as_of)
    lines = _lines(s, as_of, customer_ids, last_level, active)
    chosen: dict[int, tuple[int, list[LetterLine]]] = {}
    for cid, capped in lines.items():
        top = max(ln.level or 0 for ln in capped)
        if top == 0 or (level is not None and top != level):
            continue
        previous = last_notice.get(cid)
        if level is None and previous is not None and (as_of - previous).days < interval:
            continue
        chosen[cid] = (top, capped)
    if not chosen:
        return []
    rows, contacts = _customers(s, sorted(chosen))
    settings = load_settings(s)
    templates: dict[tuple[int, str, str], Any] = {}

    def template(lvl: int, lang: str, channel: str) -> Any:
        key = (lvl, lang, channel)
        if key not in templates:
            templates[key] = load_template(s, lvl, lang, channel)
        return templates[key]

    out = []
    for cid, (top, capped) in chosen.items():
        _id, code, name, address, language, email = rows[cid]
        lang = _language(language)
        contact_name, contact_email = contacts.get(cid, ("", ""))
        head = {
            "customer_id": cid,
            "customer_code": code,
            "customer_name": name,
            "customer_address": address,
            "contact_name": contact_name.strip() or name,
            "language": lang,
            "as_of": as_of,
        }
        company = settings.name_en if lang == "en" and settings.name_en.strip() else settings.name
        letters = []
        for channel in ("letter", "email") if with_email else ("letter",):
            t = template(top, lang, channel)
            letters.append(
                compose_letter(
                    head,
                    capped,
                    levels=levels,
                    level=top,
                    template=(t.subject, t.body),
                    company=company,
                )
            )
        out.append(
            Proposal(
                customer_id=cid,
                customer_code=code,
                customer_name=name,
                level=top,
                interest_rate=next(lv.interest_rate for lv in levels if lv.level == top),
                email_to=(contact_email.strip() or (email or "").strip()),
                last_notice_on=last_notice.get(cid),
                letter=letters[0],
                email=letters[1] if with_email else None,
                run_level=level,
            )
        )
    return sorted(out, key=lambda p: p.customer_code)


def propose_run(ctx: ServiceContext, as_of: date, *, level: int | None = None) -> list[Proposal]:
    """The letters a dunning run proposes as of ``as_of``, in customer-code order.

    Args:
        ctx: the service context (any role may look).
        as_of: the run date: items open then and due before it are overdue.
        level: force the run to a level: only customers whose letter is at exactly this
            level, whatever the interval since their last notice.

    Raises:
        NotFound: no such level.
    """
    with reader(ctx) as s:
        return propose_in(s, as_of, level=level)


# ---- issuing ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class IssuedNotice:
    """A notice a run issued and its files (``note`` says what the user must still do)."""

    notice_id: int
    proposal: Proposal
    pdf: Path
    eml: Path
    note: str = ""


def issue_run(
    ctx: ServiceContext,
    as_of: date,
    proposals_or_customer_ids: Sequence[Proposal | int],
    out_dir: Path | str,
    *,
    progress: Progress | None = None,
) -> list[IssuedNotice]:
    """Issue the letters of a run: record each notice and write its PDF and ``.eml`` draft.

    The letters are proposed again inside the one write transaction of the whole run (so
    they match the book as it is; a customer with nothing left to dun is skipped). Files are
    ``<code>-L<level>-<as_of>.pdf`` and ``.eml`` in ``out_dir``, written under temporary
    names and renamed only after the commit: on any failure (or cancel) nothing is recorded
    and no file is left. One audit row per notice.

    Args:
        ctx: the service context (permission ``issue_dunning``).
        as_of: the run date.
        proposals_or_customer_ids: from :func:`propose_run` (a run forced to a level stays
            at it), or customer ids (proposed without forcing).
        out_dir: the folder for the files (created when missing).
        progress: per notice; cancel rolls everything back.

    Raises:
        PermissionDenied: the role may not issue dunning notices.
        UserFacingError: the folder cannot be written.
    """
    require(ctx, "issue_dunning")
    progress = progress or NullProgress()
    wanted = list(proposals_or_customer_ids)
    ids = sorted({w.customer_id if isinstance(w, Proposal) else int(w) for w in wanted})
    forced = {w.run_level for w in wanted if isinstance(w, Proposal)}
    level = forced.pop() if len(forced) == 1 else None
    if not ids:
        return []
    folder = Path(out_dir).expanduser()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        reason = f"cannot create the folder ({exc.strerror or exc})"
        raise UserFacingError("invalid", field=str(folder), reason=reason) from exc
    staged: list[tuple[Path, Path]] = []
    issued: list[IssuedNotice] = []
    try:
        with uow(ctx) as s:
            proposals = propose_in(s, as_of, level=level, customer_ids=ids, with_email=True)
            settings = load_settings(s)
            company = company_info(settings)
            for done, p in enumerate(proposals, 1):
                progress.check()
                stem = safe_stem(p.customer_code, f"L{p.level}", as_of.isoformat())
                pdf_path, eml_path = folder / f"{stem}.pdf", folder / f"{stem}.eml"
                pdf = letter_pdf(p.letter, company, paper=settings.paper)
                assert p.email is not None
                eml = email_draft(
                    p.email,
                    to=p.email_to,
                    sender=settings.email,
                    pdf=pdf,
                    pdf_name=pdf_path.name,
                    when=ctx.clock.now(),
                )
                staged.append((stage_file(pdf_path, pdf), pdf_path))
                staged.append((stage_file(eml_path, eml), eml_path))
                notice_id = record_notice(s, ctx, p.letter, pdf_path, eml_path)
                note = "" if p.email_to else "no email address: fill in the recipient"
                issued.append(IssuedNotice(notice_id, p, pdf_path, eml_path, note))
                progress.report(done, len(proposals), f"{p.customer_code} {p.customer_name}")
    except OSError as exc:
        discard_staged(staged)
        reason = f"cannot write the files ({exc.strerror or exc})"
        raise UserFacingError("invalid", field=str(folder), reason=reason) from exc
    except BaseException:
        discard_staged(staged)
        raise
    for tmp, final in staged:
        os.replace(tmp, final)
    return issued
