"""Dunning letters (催款函) in the document registry.

Targets: one customer's letter when anything is overdue (none otherwise), or the letters of
every customer with overdue items, at ``opts.level`` only when given, in code order. A letter
is printed at the level its target was found at, in ``opts.lang`` or the customer's language.
"""

from __future__ import annotations

from desktop_ar.documents.base import CompanyInfo, Document
from desktop_ar.documents.dunning import dunning_flowables, dunning_title
from desktop_ar.domain.errors import UserFacingError
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.docs import DocOptions, Target, safe_stem
from desktop_ar.services.dunning_letters import customers_at_level, dunning_letter

__all__ = ["render", "targets"]


def _target(cid: int, code: str, name: str, level: int) -> Target:
    key = safe_stem("dunning", code, f"L{level}")
    return Target("dunning", key, f"{code} {name}", cid, extra={"level": level})


def targets(
    ctx: ServiceContext,
    opts: DocOptions,
    *,
    customer_id: int | None = None,
    number: str | None = None,
) -> list[Target]:
    """One customer's letter (if anything is overdue), or every customer's at ``opts.level``."""
    del number
    if customer_id is not None:
        letter = dunning_letter(ctx, customer_id, opts.as_of, level=opts.level, lang=opts.lang)
        if letter is None:
            return []
        return [
            _target(letter.customer_id, letter.customer_code, letter.customer_name, letter.level)
        ]
    return [_target(*row) for row in customers_at_level(ctx, opts.as_of, opts.level)]


def render(ctx: ServiceContext, target: Target, opts: DocOptions, company: CompanyInfo) -> Document:
    """The dunning letter of ``target``'s customer as of ``opts.as_of``.

    Raises:
        UserFacingError: nothing is overdue any more (paid since the targets were found).
    """
    assert target.customer_id is not None
    level = target.extra.get("level", opts.level)
    letter = dunning_letter(
        ctx,
        target.customer_id,
        opts.as_of,
        level=level if isinstance(level, int) else None,
        lang=opts.lang,
    )
    if letter is None:
        reason = f"nothing is overdue on {opts.as_of.isoformat()}"
        raise UserFacingError("invalid", field=target.label, reason=reason)
    return Document(dunning_flowables(letter, company), letter.language, dunning_title(letter))
