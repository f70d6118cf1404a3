"""Pure values and helpers of the import wizard: cell text, column letters, rows (no Qt)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from desktop_ar.domain.money import Money
from desktop_ar.io.excel.mapping import header_signature
from desktop_ar.services.changes import Changes
from desktop_ar.ui.formatting import format_money

if TYPE_CHECKING:
    from desktop_ar.io.excel.mapping import FieldSpec
    from desktop_ar.services.import_plan import ImportResult
    from desktop_ar.services.import_templates import TemplateInfo

SAMPLE_CHARS = 30


@dataclass(frozen=True, slots=True)
class ColumnChoice:
    """One column of the sheet, as offered in the mapping combos."""

    index: int
    letter: str
    label: str  # the header cell's text ("" when the header cell is empty)
    sample: str  # the first value below the header, shortened


@dataclass(frozen=True, slots=True)
class FieldRow:
    """One line of the mapping page: a field and the column it is read from."""

    spec: FieldSpec
    column: int | None
    confidence: float | None  # None: not mapped
    by_user: bool  # chosen by the user on the mapping page
    missing: bool  # a required field without a column


@dataclass(frozen=True, slots=True)
class Summary:
    """What the preview page says about a plan."""

    to_create: int
    to_update: int
    skipped: int
    rejected_rows: int
    problems: int
    blocker: str | None  # one of the constants above; None when the plan can be committed
    already_imported: tuple[datetime, str] | None = None

    @property
    def can_commit(self) -> bool:
        """True when pressing Import would write the rows."""
        return self.blocker is None


def column_letter(index: int) -> str:
    """Excel's column name for a zero-based index: 0 → ``A``, 26 → ``AA``."""
    letters = ""
    n = index + 1
    while n > 0:
        n, rest = divmod(n - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def cell_text(value: object) -> str:
    """A raw cell as the user would read it: ``15.0`` → ``15``, dates in ISO form."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def record_text(values: dict[str, object], limit: int = 3) -> str:
    """The first values of a converted record, for the list of skipped rows."""
    parts = []
    for value in list(values.values())[:limit]:
        if isinstance(value, Money):
            parts.append(format_money(value))
        elif isinstance(value, tuple):
            parts.append(", ".join(str(v) for v in value))
        else:
            parts.append(cell_text(value))
    return " · ".join(p for p in parts if p)


def changes_after_import(result: ImportResult) -> Changes:
    """What the lists must reload after a commit.

    An import adds many rows at once (payments also allocate to invoices and move customer
    balances) and ``ImportResult`` names no ids, so every list refreshes — as after a demo seed.
    A result that carries its own ``changes`` is used as it is.
    """
    own = getattr(result, "changes", None)
    if isinstance(own, Changes):
        return own
    return Changes.all() if result.created or result.updated else Changes()


def short(text: str, limit: int = SAMPLE_CHARS) -> str:
    """Text on one line, cut to ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def matching_template(
    templates: Sequence[TemplateInfo], headers: Sequence[object]
) -> TemplateInfo | None:
    """The most recently saved template made for this header row, if any."""
    signature = header_signature(headers)
    found = [t for t in templates if t.header_signature == signature]
    return max(found, key=lambda t: (t.updated_at, t.id)) if found else None


def template_for_rows(
    templates: Sequence[TemplateInfo], kind: str, rows: Sequence[Sequence[object]]
) -> TemplateInfo | None:
    """The latest template of ``kind`` saved with a header row that these rows have there.

    A template remembers a header row only when the user corrected the automatic guess; a file
    with the same layout then opens on that row again.
    """
    for info in sorted(templates, key=lambda t: (t.updated_at, t.id), reverse=True):
        row = info.header_row
        if info.kind != kind or row is None or not 1 <= row <= len(rows):
            continue
        if header_signature(rows[row - 1]) == info.header_signature:
            return info
    return None
