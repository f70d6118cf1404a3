"""Company settings and document numbering."""

from __future__ import annotations

import hashlib
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
    paper: str = "A4"
    logo: bytes | None = None
    credit_hold_overdue_days: int = 0  # automatic credit hold past this many days (0: off)

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
    "paper",
    "credit_hold_overdue_days",
)
PAPERS = ("A4", "Letter")
LOGO_MAX_BYTES = 2 * 1024 * 1024


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
        paper=row.paper,
        logo=row.logo,
        credit_hold_overdue_days=row.credit_hold_overdue_days,
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
    if values.get("paper", "A4") not in PAPERS:
        raise UserFacingError("invalid", field="paper", reason="use 'A4' or 'Letter'")
    if values.get("aging_basis", "due") not in ("due", "invoice"):
        raise UserFacingError("invalid", field="aging_basis", reason="use 'due' or 'invoice'")
    hold_days = values.get("credit_hold_overdue_days", 0)
    if isinstance(hold_days, bool) or not isinstance(hold_days, int) or hold_days < 0:
        raise UserFacingError("invalid", field="credit_hold_overdue_days", reason="use 0 or more")
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


def logo_kind(data: bytes) -> str:
    """``png`` or ``jpeg`` from the file's first bytes.

    Raises:
        UserFacingError: empty, too large, or neither PNG nor JPEG.
    """
    if not data:
        raise UserFacingError("invalid", field="logo", reason="the file is empty")
    if len(data) > LOGO_MAX_BYTES:
        reason = (
            f"the logo is {len(data) // 1024} KB; use an image under {LOGO_MAX_BYTES // 1024} KB"
        )
        raise UserFacingError("invalid", field="logo", reason=reason)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    raise UserFacingError("invalid", field="logo", reason="use a PNG or JPEG image")


def set_logo(ctx: ServiceContext, data: bytes | None) -> tuple[SettingsDTO, Changes]:
    """Set (PNG or JPEG bytes) or remove (None) the letterhead logo; admin only, audited.

    The audit row records the image's size and SHA-256, not the image.

    Raises:
        PermissionDenied: not allowed to change settings.
        UserFacingError: not a PNG or JPEG image, or too large (see :func:`logo_kind`).
    """
    require(ctx, "change_settings")
    if data is not None:
        logo_kind(data)

    def brief(image: bytes | None) -> dict[str, Any] | None:
        if image is None:
            return None
        return {"bytes": len(image), "sha256": hashlib.sha256(image).hexdigest()}

    with uow(ctx) as s:
        row = s.get(CompanySettings, 1)
        if row is None:
            raise NotFound("Company settings", 1)
        before = {"logo": brief(row.logo)}
        row.logo = data
        audit.record(
            s, ctx, "set_logo", "company_settings", 1, before=before, after={"logo": brief(data)}
        )
        s.flush()
        return _to_dto(row), Changes(settings=True)
