"""Who may do what. Checked in every mutating service, not only by hiding buttons."""

from __future__ import annotations

from desktop_ar.domain.errors import PermissionDenied
from desktop_ar.services.context import ServiceContext

# action → roles allowed. Reads are open to every role.
ALLOWED: dict[str, frozenset[str]] = {
    "edit_customers": frozenset({"admin", "bookkeeper"}),
    "edit_orders": frozenset({"admin", "bookkeeper"}),
    "edit_invoices": frozenset({"admin", "bookkeeper"}),
    "post_payments": frozenset({"admin", "bookkeeper"}),
    "write_off": frozenset({"admin", "bookkeeper"}),
    "approve_write_off": frozenset({"admin"}),
    "log_contacts": frozenset({"admin", "bookkeeper", "collector"}),
    "change_settings": frozenset({"admin"}),
    "seed_demo": frozenset({"admin"}),
    "import_data": frozenset({"admin", "bookkeeper"}),
    "override_credit": frozenset({"admin"}),
    "reconcile": frozenset({"admin", "bookkeeper"}),
    "reopen_bank_statement": frozenset({"admin"}),
    "issue_dunning": frozenset({"admin", "bookkeeper", "collector"}),
    "change_credit": frozenset({"admin", "bookkeeper"}),
}


def can(ctx: ServiceContext, action: str) -> bool:
    """True when the context's role may perform ``action``."""
    return ctx.role in ALLOWED.get(action, frozenset({"admin"}))


def require(ctx: ServiceContext, action: str) -> None:
    """Raise ``PermissionDenied`` (and audit the denial) unless the role may do ``action``.

    The denial is written in its own transaction so the caller's rollback cannot erase it.
    """
    if can(ctx, action):
        return
    if not ctx.read_only:
        from desktop_ar.services.audit import record
        from desktop_ar.services.uow import uow

        try:
            with uow(ctx, check_writable=False) as s:
                record(s, ctx, "permission_denied", "permission", action, after={"role": ctx.role})
        except Exception:
            pass
    raise PermissionDenied(ctx.role, action)
