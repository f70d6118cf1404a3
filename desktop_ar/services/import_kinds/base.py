"""The shared part of every import kind: customer lookup, problems, the check and write hooks.

Each import kind (``customers``, ``invoices``, ``payments``…) is a :class:`KindImport` subclass
in its own module, registered in :data:`desktop_ar.services.import_kinds.HANDLERS`. The
generic pipeline in :mod:`desktop_ar.services.imports` calls :meth:`KindImport.check_all` while
planning (one read transaction, nothing written) and :meth:`KindImport.write` while committing
(inside the import's single write transaction).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from desktop_ar.db.models import Customer
from desktop_ar.domain.errors import CellError, DomainError
from desktop_ar.io.excel.cells import column_letter
from desktop_ar.io.excel.mapping import Mapping
from desktop_ar.io.excel.records import Record
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.progress import Progress
from desktop_ar.services.settings import load_settings

__all__ = [
    "ALREADY_EXISTS",
    "CHUNK",
    "Checked",
    "CustomerLookup",
    "KindImport",
    "chunks",
    "reason_of",
    "rows_in",
]

ALREADY_EXISTS = "already exists"
CHUNK = 500
"""Values per ``IN (…)`` query (well under every database's limit on bound parameters)."""


@dataclass(frozen=True, slots=True)
class Checked:
    """The outcome of checking one record against the database.

    Attributes:
        prepared: the input the kind's ``write`` needs (``None`` when skipped or rejected).
        skip: why the row is left out ("already exists"…), or ``None``.
        errors: the row's problems (the row is rejected when there are any).
        update: the row updates an existing record instead of creating one.
    """

    prepared: Any = None
    skip: str | None = None
    errors: list[CellError] = field(default_factory=list)
    update: bool = False


class CustomerLookup:
    """Every customer's id by code and by name (exact, then ignoring case), read once."""

    def __init__(self, session: Session) -> None:
        self.by_code: dict[str, int] = {}
        self.by_name: dict[str, int] = {}
        self.folded: dict[str, set[int]] = {}
        self.active: set[int] = set()
        rows = session.execute(select(Customer.id, Customer.code, Customer.name, Customer.status))
        for cid, code, name, status in rows:
            self.by_code[code] = cid
            self.by_name.setdefault(name, cid)
            for text in {code.casefold(), name.strip().casefold()}:
                self.folded.setdefault(text, set()).add(cid)
            if status == "active":
                self.active.add(cid)

    def resolve(self, text: str) -> tuple[int | None, str | None]:
        """``(customer id, None)``, or ``(None, what to fix)``."""
        text = text.strip()
        cid = self.by_code.get(text, self.by_name.get(text))
        if cid is not None:
            return cid, None
        found = self.folded.get(text.casefold(), set())
        if len(found) > 1:
            return None, "matches several customers; use the customer code"
        if not found:
            return None, "no customer has this code or name; import or create the customer first"
        return next(iter(found)), None


class KindImport:
    """Checks and writes the records of one import kind (subclass per kind).

    Attributes:
        entity: the ``import_rows.entity`` of the records written.
    """

    entity = ""

    def __init__(self, session: Session, mapping: Mapping, file: str, sheet: str) -> None:
        self.session = session
        self.mapping = mapping
        self.file = file
        self.sheet = sheet
        settings = load_settings(session)
        self.currency, self.terms = settings.base_currency, settings.default_terms
        self.customers = CustomerLookup(session)

    def error(self, record: Record, key: str | None, value: object, reason: str) -> CellError:
        """A problem on ``record`` in the column of field ``key``."""
        column = self.mapping.columns.get(key or "")
        letter = "" if column is None else column_letter(column)
        shown = "" if value is None else str(value)[:200]
        params = {"field": key or "row", "reason": reason}
        return CellError(self.file, self.sheet, record.row_number, letter, shown, "invalid", params)

    def resolve_customer(self, record: Record, key: str = "customer") -> tuple[int | None, list]:
        """The customer id named in field ``key`` of the record, or the problem."""
        text = str(record.values.get(key, ""))
        cid, why = self.customers.resolve(text)
        if why is not None:
            return None, [self.error(record, key, text.strip(), why)]
        return cid, []

    def rows_in(
        self, query: Select[Any], column: InstrumentedAttribute[Any], values: Iterable[Any]
    ) -> list[Any]:
        """The rows of ``query`` whose ``column`` is one of ``values`` (see :func:`rows_in`)."""
        return rows_in(self.session, query, column, values)

    def check_all(self, records: Sequence[Record]) -> Iterator[tuple[Record, Checked]]:
        """Check every record (override for set-based checks); yields in sheet order."""
        for record in records:
            try:
                yield record, self.check(record)
            except DomainError as exc:
                key = str(exc.params.get("field", "")) or None
                value = record.values.get(key or "")
                yield record, Checked(errors=[self.error(record, key, value, reason_of(exc))])

    def check(self, record: Record) -> Checked:
        """Check one record (subclasses implement this or override ``check_all``)."""
        raise NotImplementedError

    @classmethod
    def write(
        cls,
        session: Session,
        ctx: ServiceContext,
        items: Iterable[tuple[Record, Checked]],
        progress: Progress,
        total: int,
    ) -> list[int]:
        """Write the checked records in the open transaction; the entity id of each, in order.

        The default writes one record at a time with :meth:`write_one`, reporting progress and
        checking for cancel between records.
        """
        ids = []
        for done, (record, checked) in enumerate(items, start=1):
            progress.check()
            ids.append(cls.write_one(session, ctx, checked))
            progress.report(done, total, f"row {record.row_number}")
        return ids

    @classmethod
    def write_one(cls, session: Session, ctx: ServiceContext, checked: Checked) -> int:
        """Create (or update) the record of one checked row; its id."""
        raise NotImplementedError


def chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """``items`` in lists of ``size`` (the last one shorter), in order."""
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def rows_in(
    session: Session,
    query: Select[Any],
    column: InstrumentedAttribute[Any],
    values: Iterable[Any],
) -> list[Any]:
    """The rows of ``query`` whose ``column`` is one of ``values``: one query per 500 values.

    Set-based checks use it instead of one query per row (100,000 rows: 200 queries).
    """
    found: list[Any] = []
    for chunk in chunks(sorted(set(values)), CHUNK):
        found.extend(session.execute(query.where(column.in_(chunk))).all())
    return found


def reason_of(exc: DomainError) -> str:
    """The reason of a domain error, for a problem line."""
    reason = exc.params.get("reason")
    return str(reason) if reason else exc.message
