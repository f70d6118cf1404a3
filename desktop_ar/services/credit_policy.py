"""Credit policy (信用政策): customer classes and the automatic credit hold.

* A **customer class** carries the policy for its customers: payment terms, a credit limit (in
  the class's currency) and a discount (a fraction: ``0.02`` is 2 %). Assigning a class to a
  customer may copy its terms and limit onto the customer (``apply_policy``); a class still used
  by customers cannot be deleted.
* The **automatic credit hold**: when ``company_settings.credit_hold_overdue_days`` is above 0,
  :func:`apply_credit_holds` holds every customer with a schedule line of a non-disputed invoice
  overdue longer than that (``credit_hold = 1``, ``credit_hold_auto = 1``) and releases the
  customers it held whose overdue items are now within it. A hold set by hand
  (``credit_hold = 1``, ``credit_hold_auto = 0``) is never touched. With the threshold at 0 the
  rule is off and the automatic holds still standing are released. The order credit check
  blocks a customer on hold whatever set it.
All changes need the ``change_credit`` role and are audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from desktop_ar.db.models import CompanySettings, Customer, Invoice, ScheduleLine
from desktop_ar.db.models.collections import CustomerClass
from desktop_ar.domain.currency import minor_digits
from desktop_ar.domain.errors import NotFound, UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.domain.terms import parse_terms
from desktop_ar.services import audit
from desktop_ar.services.changes import Changes
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.ledger import get_row, invalid, user_errors
from desktop_ar.services.permissions import require
from desktop_ar.services.uow import reader, uow

__all__ = [
    "CustomerClassDTO",
    "HoldRun",
    "HoldTarget",
    "apply_credit_holds",
    "assign_class",
    "delete_class",
    "list_classes",
    "save_class",
]

CODE_MAX = 20
NAME_MAX = 100


@dataclass(frozen=True, slots=True)
class CustomerClassDTO:
    """A customer class and how many customers are in it."""

    code: str
    name: str
    payment_terms: str
    credit_limit: Money
    discount: Decimal
    customers: int
    version_id: int

    @property
    def currency(self) -> str:
        """The currency of the class's credit limit."""
        return self.credit_limit.currency


@dataclass(frozen=True, slots=True)
class HoldTarget:
    """A customer put on or released from the automatic credit hold."""

    customer_id: int
    customer_code: str
    customer_name: str
    oldest_overdue_days: int  # of its non-disputed items on the run's date (0: none overdue)


@dataclass(frozen=True, slots=True)
class HoldRun:
    """What :func:`apply_credit_holds` did."""

    as_of: date
    threshold_days: int
    held: list[HoldTarget]
    released: list[HoldTarget]


def _dto(row: CustomerClass, customers: int) -> CustomerClassDTO:
    return CustomerClassDTO(
        code=row.code,
        name=row.name,
        payment_terms=row.payment_terms,
        credit_limit=Money(row.credit_limit_minor, row.currency),
        discount=row.discount,
        customers=customers,
        version_id=row.version_id,
    )


def _members(s: Session, code: str | None = None) -> dict[str, int]:
    q = select(Customer.customer_class, func.count()).where(Customer.customer_class.is_not(None))
    if code is not None:
        q = q.where(Customer.customer_class == code)
    return {c: int(n) for c, n in s.execute(q.group_by(Customer.customer_class))}


def list_classes(ctx: ServiceContext) -> list[CustomerClassDTO]:
    """Every customer class by code, with the number of customers in each."""
    with reader(ctx) as s:
        counts = _members(s)
        rows = s.execute(select(CustomerClass).order_by(CustomerClass.code)).scalars()
        return [_dto(r, counts.get(r.code, 0)) for r in rows]


def _checked(  # noqa: PLR0917
    code: str, name: str, terms: str, currency: str, limit: Money, discount: Decimal
) -> tuple[str, str, str, str, Decimal]:
    code, name, currency = code.strip(), name.strip(), currency.strip().upper()
    if not code or len(code) > CODE_MAX:
        raise invalid("code", f"give a code of 1 to {CODE_MAX} characters")
    if not name or len(name) > NAME_MAX:
        raise invalid("name", f"give a name of 1 to {NAME_MAX} characters")
    with user_errors():
        minor_digits(currency)
        spec = parse_terms(terms).spec
    if limit.currency != currency:
        raise invalid("credit_limit", f"enter it in {currency}")
    if limit.minor < 0:
        raise invalid("credit_limit", "cannot be negative")
    try:
        rate = Decimal(discount)
    except (InvalidOperation, TypeError, ValueError):
        raise invalid("discount", "give a fraction such as 0.02 for 2 %") from None
    if not rate.is_finite() or not Decimal(0) <= rate < Decimal(1):
        raise invalid("discount", "give a fraction from 0 to below 1 (0.02 for 2 %)")
    return code, name, spec, currency, rate


def save_class(  # noqa: PLR0917 (the positional order is the briefed interface)
    ctx: ServiceContext,
    code: str,
    name: str,
    payment_terms: str,
    currency: str,
    credit_limit: Money,
    discount: Decimal,
) -> tuple[CustomerClassDTO, Changes]:
    """Create or update the customer class ``code`` (role ``change_credit``; audited).

    Raises:
        UserFacingError: ``invalid`` naming the field (empty code or name, unknown terms or
            currency, a limit in another currency or negative, a discount outside 0 ≤ d < 1).
    """
    require(ctx, "change_credit")
    code, name, terms, currency, rate = _checked(
        code, name, payment_terms, currency, credit_limit, discount
    )
    fields = ("name", "payment_terms", "currency", "credit_limit_minor", "discount")
    values = dict(zip(fields, (name, terms, currency, credit_limit.minor, rate), strict=True))
    with uow(ctx) as s:
        row = s.get(CustomerClass, code)
        before = None
        if row is None:
            row = CustomerClass(code=code, **values)
            s.add(row)
        else:
            before = audit.snapshot(row, fields)
            for key, value in values.items():
                setattr(row, key, value)
        audit.record(
            s, ctx, "save_customer_class", "customer_class", code, before=before, after=values
        )
        s.flush()
        return _dto(row, _members(s, code).get(code, 0)), Changes(settings=True)


def delete_class(ctx: ServiceContext, code: str) -> Changes:
    """Delete a customer class no customer uses (role ``change_credit``; audited).

    Raises:
        NotFound: no such class.
        UserFacingError: ``class_in_use`` while customers are in the class.
    """
    require(ctx, "change_credit")
    with uow(ctx) as s:
        row = s.get(CustomerClass, code)
        if row is None:
            raise NotFound("Customer class", code)
        used = _members(s, code).get(code, 0)
        if used:
            raise UserFacingError("class_in_use", class_code=code, count=used)
        before = audit.snapshot(row, ("name", "payment_terms", "currency", "credit_limit_minor"))
        s.delete(row)
        audit.record(s, ctx, "delete_customer_class", "customer_class", code, before=before)
    return Changes(settings=True)


def assign_class(
    ctx: ServiceContext, customer_id: int, code: str | None, *, apply_policy: bool = True
) -> Changes:
    """Put a customer in class ``code`` (None: in no class); role ``change_credit``; audited.

    With ``apply_policy`` the class's payment terms and credit limit are copied onto the
    customer; the limit only when the class's currency is the customer's.

    Raises:
        NotFound: no such customer or class.
        UserFacingError: ``invalid`` (credit_limit) when applying a limit in another currency.
    """
    require(ctx, "change_credit")
    fields = ("customer_class", "payment_terms", "credit_limit_minor")
    with uow(ctx) as s:
        customer = get_row(s, Customer, customer_id, "Customer")
        before = audit.snapshot(customer, fields)
        customer.customer_class = code
        if code is not None:
            cls = s.get(CustomerClass, code)
            if cls is None:
                raise NotFound("Customer class", code)
            if apply_policy:
                if cls.currency != customer.currency:
                    raise invalid(
                        "credit_limit",
                        f"class {code} sets a limit in {cls.currency}, "
                        f"the customer is in {customer.currency}",
                    )
                customer.payment_terms = cls.payment_terms
                customer.credit_limit_minor = cls.credit_limit_minor
        after = audit.snapshot(customer, fields)
        after["apply_policy"] = apply_policy
        audit.record(
            s, ctx, "assign_customer_class", "customer", customer_id, before=before, after=after
        )
    return Changes(customers={customer_id})


def _oldest_overdue(s: Session, as_of: date) -> dict[int, date]:
    """Per customer, the oldest due date of an open line of a non-disputed invoice."""
    q = (
        select(Invoice.customer_id, func.min(ScheduleLine.due_date))
        .join(Invoice, Invoice.id == ScheduleLine.invoice_id)
        .where(
            ScheduleLine.open_minor > 0,
            ScheduleLine.due_date < as_of,
            Invoice.open_minor > 0,
            Invoice.status != "void",
            Invoice.disputed.is_(False),
        )
        .group_by(Invoice.customer_id)
    )
    out = {}
    for cid, due in s.execute(q):
        out[cid] = date.fromisoformat(due) if isinstance(due, str) else due
    return out


def _set_hold(s: Session, ids: list[int], on: bool) -> None:
    if ids:
        s.execute(
            update(Customer.__table__)
            .where(Customer.__table__.c.id.in_(ids))
            .values(
                credit_hold=on,
                credit_hold_auto=on,
                version_id=Customer.__table__.c.version_id + 1,
            )
        )


def apply_credit_holds(ctx: ServiceContext, as_of: date) -> tuple[HoldRun, Changes]:
    """Hold and release customers by the overdue rule (role ``change_credit``; audited).

    Held: not on hold and with a non-disputed item overdue more than
    ``credit_hold_overdue_days`` on ``as_of``. Released: held automatically and no longer so.
    """
    require(ctx, "change_credit")
    with uow(ctx) as s:
        threshold = get_row(s, CompanySettings, 1, "Company settings").credit_hold_overdue_days
        oldest = _oldest_overdue(s, as_of)
        cutoff = as_of - timedelta(days=threshold)
        late = {cid for cid, due in oldest.items() if due < cutoff} if threshold > 0 else set()
        rows = s.execute(
            select(
                Customer.id,
                Customer.code,
                Customer.name,
                Customer.credit_hold,
                Customer.credit_hold_auto,
            ).where(Customer.id.in_(list(late)) | Customer.credit_hold_auto.is_(True))
        ).all()

        def target(cid: int, code: str, name: str) -> HoldTarget:
            due = oldest.get(cid)
            return HoldTarget(cid, code, name, (as_of - due).days if due else 0)

        held = [target(c, k, n) for c, k, n, on, _ in rows if c in late and not on]
        released = [target(c, k, n) for c, k, n, on, auto in rows if on and auto and c not in late]
        # an automatic flag left without a hold (the hold cleared by hand) is simply reset
        stale = [c for c, _, _, on, auto in rows if auto and not on and c not in late]
        _set_hold(s, [t.customer_id for t in held], True)
        _set_hold(s, [t.customer_id for t in released] + stale, False)
        audit.record(
            s,
            ctx,
            "apply_credit_holds",
            "customers",
            as_of.isoformat(),
            after={
                "as_of": as_of,
                "threshold_days": threshold,
                "held": [t.customer_code for t in held],
                "released": [t.customer_code for t in released],
            },
        )
    run = HoldRun(
        as_of,
        threshold,
        sorted(held, key=lambda t: t.customer_code),
        sorted(released, key=lambda t: t.customer_code),
    )
    ids = {t.customer_id for t in run.held} | {t.customer_id for t in run.released} | set(stale)
    return run, Changes(customers=ids)
