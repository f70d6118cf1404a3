"""Company settings and document numbering."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from desktop_ar.db.models import CompanySettings, NumberSequence
from desktop_ar.domain.aging import Buckets
from desktop_ar.domain.errors import NotFound, UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.domain.terms import parse_terms
from desktop_ar.services import audit
from desktop_ar.services.changes import Changes
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.permissions import require
from desktop_ar.services.uow import reader, uow


@dataclass(frozen=True, slots=True)
class SettingsDTO:
    """Company-wide settings."""

    name: str
    name_en: str
    address: str
    tax_id: str
    phone: str
    email: str
    bank_details: str
    base_currency: str
    default_terms: str
    aging_buckets: str
    aging_basis: str
    writeoff_tolerance: Money
    language: str

    @property
    def buckets(self) -> Buckets:
        """The aging buckets as a domain object."""
        return Buckets.parse(self.aging_buckets)


_EDITABLE = (
    "name",
    "name_en",
    "address",
    "tax_id",
    "phone",
    "email",
    "bank_details",
    "base_currency",
    "default_terms",
    "aging_buckets",
    "aging_basis",
    "writeoff_tolerance_minor",
    "language",
)


def _to_dto(row: CompanySettings) -> SettingsDTO:
    return SettingsDTO(
        name=row.name,
        name_en=row.name_en,
        address=row.address,
        tax_id=row.tax_id,
        phone=row.phone,
        email=row.email,
        bank_details=row.bank_details,
        base_currency=row.base_currency,
        default_terms=row.default_terms,
        aging_buckets=row.aging_buckets,
        aging_basis=row.aging_basis,
        writeoff_tolerance=Money(row.writeoff_tolerance_minor, row.base_currency),
        language=row.language,
    )


def load_settings(session: Session) -> SettingsDTO:
    """Settings read inside an existing session (for other services)."""
    row = session.get(CompanySettings, 1)
    if row is None:
        raise NotFound("Company settings", 1)
    return _to_dto(row)


def get_settings(ctx: ServiceContext) -> SettingsDTO:
    """The company settings."""
    with reader(ctx) as s:
        return load_settings(s)


def update_settings(ctx: ServiceContext, **values: Any) -> tuple[SettingsDTO, Changes]:
    """Change company settings (admin only); validates terms, buckets and basis."""
    require(ctx, "change_settings")
    unknown = set(values) - set(_EDITABLE)
    if unknown:
        raise UserFacingError("invalid", field=", ".join(sorted(unknown)), reason="not a setting")
    if "default_terms" in values:
        values["default_terms"] = parse_terms(values["default_terms"]).spec
    if "aging_buckets" in values:
        values["aging_buckets"] = ",".join(
            str(b) for b in Buckets.parse(values["aging_buckets"]).boundaries
        )
    if values.get("aging_basis", "due") not in ("due", "invoice"):
        raise UserFacingError("invalid", field="aging_basis", reason="use 'due' or 'invoice'")
    with uow(ctx) as s:
        row = s.get(CompanySettings, 1)
        if row is None:
            raise NotFound("Company settings", 1)
        before = {k: getattr(row, k) for k in values}
        for key, value in values.items():
            setattr(row, key, value)
        audit.record(s, ctx, "update_settings", "company_settings", 1, before=before, after=values)
        s.flush()
        return _to_dto(row), Changes(settings=True)


def next_number(session: Session, sequence: str) -> str:
    """Take the next document number of a sequence (inside the caller's write transaction)."""
    row = session.execute(
        select(NumberSequence).where(NumberSequence.name == sequence)
    ).scalar_one_or_none()
    if row is None:
        raise NotFound("Number sequence", sequence)
    number = f"{row.prefix}{row.next_value:0{row.width}d}"
    session.execute(
        update(NumberSequence)
        .where(NumberSequence.name == sequence)
        .values(next_value=NumberSequence.next_value + 1)
    )
    return number
