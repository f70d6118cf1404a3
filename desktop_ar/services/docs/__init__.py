"""Printable documents as PDF: one registry for every kind of document (issue 7).

Statements, invoices, receipts, dunning letters, balance confirmations, the aging report.

Each kind of document is a module ``desktop_ar.services.docs.<kind>`` (see :data:`KINDS`) with

* ``targets(ctx, opts, *, customer_id=None, number=None) -> list[Target]``: what to print —
  for one customer (``customer_id``), one document by its number (``number``: an invoice or
  receipt number), or, with neither, every customer the kind applies to (statements: every
  customer with a balance or activity; dunning: every customer with overdue items, at
  ``opts.level`` when given; …), in customer-code order;
* ``render(ctx, target, opts, company) -> Document``: the document's flowables (letterhead
  included), its language (``opts.lang``, else the customer's) and outline title;
* optionally ``render_many(ctx, targets, opts, company) -> Iterator[Document]``: the same for
  many targets at once (bulk reads); :func:`render_documents` uses it when present.

:func:`write_pdf` writes the targets as one combined PDF (each document with its own "Page X of
Y") or one file per target into a folder, always through a temporary name and a rename, with
progress and cancel; a big batch on a SQLite book is written by two processes
(:mod:`desktop_ar.services.docs.batch`). :func:`pdf_bytes` renders into memory (print preview).
One audit row ``print_documents`` per call on a writable book.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import re
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import BinaryIO

from desktop_ar.documents.base import CompanyInfo, Document, build_documents
from desktop_ar.domain.errors import UserFacingError
from desktop_ar.services.context import ServiceContext
from desktop_ar.services.progress import NullProgress, Progress
from desktop_ar.services.settings import SettingsDTO, get_settings

__all__ = [
    "KINDS",
    "DocOptions",
    "Target",
    "company_info",
    "document_language",
    "find_targets",
    "kind_module",
    "pdf_bytes",
    "render_documents",
    "safe_stem",
    "write_atomic",
    "write_pdf",
]

# Document kind → module under desktop_ar.services.docs (and the CLI's word for it).
KINDS: dict[str, str] = {
    "statement": "statement",
    "invoice": "invoice",
    "receipt": "receipt",
    "dunning": "dunning",
    "confirmation": "confirmation",
    "aging": "aging",
}
KIND_TITLES = {
    "statement": ("Statements of account", "对账单"),
    "invoice": ("Invoices", "账单"),
    "receipt": ("Payment receipts", "收款凭证"),
    "dunning": ("Dunning letters", "催款函"),
    "confirmation": ("Balance confirmations", "余额确认函"),
    "aging": ("Aging report", "账龄分析表"),
}


@dataclass(frozen=True, slots=True)
class DocOptions:
    """What every kind of document is printed with.

    ``as_of`` is the document date (open items, aging, days overdue); statements use the
    period ``date_from``..``date_to`` (default: ``as_of``'s month up to ``as_of``). ``lang``
    None means each customer's own language; ``paper`` None the company setting.
    """

    as_of: date
    date_from: date | None = None
    date_to: date | None = None
    lang: str | None = None
    paper: str | None = None
    level: int | None = None  # dunning: only customers at this level


@dataclass(frozen=True, slots=True)
class Target:
    """One document to print.

    ``key`` is a file-name stem (``statement-C00012``, ``invoice-INV-000123``); ``label`` is
    what progress and the PDF outline show; ``record_id`` the invoice or payment for those
    kinds (None for customer-level documents; ``customer_id`` None for a book-wide aging).
    """

    kind: str
    key: str
    label: str
    customer_id: int | None = None
    record_id: int | None = None
    extra: dict[str, object] = field(default_factory=dict, compare=False)


def kind_module(kind: str) -> ModuleType:
    """The module that builds ``kind``.

    Raises:
        UserFacingError: an unknown kind.
    """
    if kind not in KINDS:
        reason = f"{kind!r} is not one of {', '.join(KINDS)}"
        raise UserFacingError("invalid", field="document", reason=reason)
    return importlib.import_module(f"{__name__}.{KINDS[kind]}")


def company_info(settings: SettingsDTO) -> CompanyInfo:
    """The letterhead values of the company settings."""
    return CompanyInfo(
        name=settings.name,
        name_en=settings.name_en,
        address=settings.address,
        tax_id=settings.tax_id,
        phone=settings.phone,
        email=settings.email,
        bank_details=settings.bank_details,
        logo=settings.logo,
    )


def document_language(customer_language: str, lang: str | None) -> str:
    """``lang`` when given, else the customer's language (``zh``/``en``), else English."""
    if lang is not None:
        if lang not in {"en", "zh"}:
            raise UserFacingError("invalid", field="lang", reason=f"{lang!r} is not en or zh")
        return lang
    code = (customer_language or "").lower()[:2]
    return code if code in {"en", "zh"} else "en"


_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


def safe_stem(*parts: str) -> str:
    """A file-name stem from ``parts`` joined by ``-`` (no path separators or odd characters)."""
    text = "-".join(p.strip() for p in parts if p and p.strip())
    return _UNSAFE.sub("_", text).strip("._") or "document"


def find_targets(
    ctx: ServiceContext,
    kind: str,
    opts: DocOptions,
    *,
    customer_id: int | None = None,
    number: str | None = None,
) -> list[Target]:
    """What ``kind`` prints for one customer, one numbered document, or (neither) everyone."""
    return list(kind_module(kind).targets(ctx, opts, customer_id=customer_id, number=number))


def render_documents(
    ctx: ServiceContext,
    targets: Sequence[Target],
    opts: DocOptions,
    *,
    company: CompanyInfo | None = None,
    progress: Progress | None = None,
) -> Iterator[Document]:
    """Render each target (in order), reporting progress; raises ``Cancelled`` on cancel."""
    progress = progress or NullProgress()
    company = company or company_info(get_settings(ctx))
    by_kind: dict[str, list[Target]] = {}
    for t in targets:
        by_kind.setdefault(t.kind, []).append(t)
    total = len(targets)
    done = 0
    for kind, group in by_kind.items():
        module = kind_module(kind)
        many = getattr(module, "render_many", None)
        docs = (
            many(ctx, group, opts, company)
            if many is not None
            else (module.render(ctx, t, opts, company) for t in group)
        )
        for target, doc in zip(group, docs, strict=True):
            progress.check()
            done += 1
            progress.report(done, total, target.label)
            yield doc


# mkstemp creates files readable by their owner only; a PDF gets the usual permissions.
_UMASK = os.umask(0o022)
os.umask(_UMASK)


def write_atomic(
    path: Path,
    write: Callable[[BinaryIO], None],
    *,
    before_rename: Callable[[], None] | None = None,
) -> Path:
    """Write a file through a temporary name in the same folder and a rename.

    A failure (or cancel) leaves no partial file, and an existing file at ``path`` unchanged.
    ``before_rename`` runs once the data is on disk, just before the rename (an audit row: if
    it fails, the file is not put in place).

    Raises:
        UserFacingError: the file cannot be written (says why).
    """
    path = Path(path).expanduser()
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or Path()
        )
    except OSError as exc:
        reason = f"cannot write the file ({exc.strerror or exc})"
        raise UserFacingError("invalid", field=str(path), reason=reason) from exc
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            if hasattr(os, "fchmod"):  # not on Windows
                os.fchmod(fh.fileno(), 0o666 & ~_UMASK)
            os.fsync(fh.fileno())
        if before_rename is not None:
            before_rename()
        os.replace(tmp, path)
    except OSError as exc:
        reason = f"cannot write the file ({exc.strerror or exc})"
        raise UserFacingError("invalid", field=str(path), reason=reason) from exc
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
    return path


def _paper(ctx: ServiceContext, opts: DocOptions) -> str:
    return opts.paper or get_settings(ctx).paper


def _audit(ctx: ServiceContext, targets: Sequence[Target], opts: DocOptions, files: int) -> None:
    if ctx.read_only:  # a read-only book takes no writes, the audit row included
        return
    from desktop_ar.services.audit import record
    from desktop_ar.services.uow import uow

    after = {
        "kinds": sorted({t.kind for t in targets}),
        "documents": len(targets),
        "keys": [t.key for t in targets[:50]],
        "files": files,
        "as_of": opts.as_of,
        "lang": opts.lang,
    }
    single = targets[0].customer_id if len(targets) == 1 else None
    with uow(ctx) as s:
        record(
            s, ctx, "print_documents", "customer" if single else "documents", single, after=after
        )


def _nothing(kind: str) -> UserFacingError:
    return UserFacingError("invalid", field=kind, reason="there is nothing to print")


def pdf_bytes(
    ctx: ServiceContext,
    targets: Sequence[Target],
    opts: DocOptions,
    *,
    progress: Progress | None = None,
) -> bytes:
    """The targets as one combined PDF in memory (print preview, printing). Not audited."""
    import io

    if not targets:
        raise _nothing("documents")
    buf = io.BytesIO()
    docs = list(render_documents(ctx, targets, opts, progress=progress))
    build_documents(buf, docs, paper=_paper(ctx, opts), title=_title(targets, docs))
    return buf.getvalue()


def _title(targets: Sequence[Target], docs: Sequence[Document]) -> str:
    if len(docs) == 1:
        return docs[0].title
    en, zh = KIND_TITLES.get(targets[0].kind, ("Documents", "文件"))
    return zh if docs and docs[0].lang == "zh" else en


def write_pdf(
    ctx: ServiceContext,
    targets: Sequence[Target],
    opts: DocOptions,
    out: Path | str,
    *,
    per_file: bool = False,
    progress: Progress | None = None,
    workers: int | None = None,
) -> list[Path]:
    """Write the targets as PDF: one combined file at ``out``, or one file per target.

    Args:
        ctx: the service context (any role may print; the audit row needs a writable book).
        targets: from :func:`find_targets`.
        opts: date, period, language, paper, level.
        out: the PDF file, or (``per_file``) the folder to write ``<key>.pdf`` files into
            (created when missing).
        per_file: one file per target instead of one combined file.
        progress: progress (per document) and cancel; cancel leaves no file of this call
            behind.
        workers: processes to write with; None: two for a big batch on a SQLite book (see
            ``services.docs.batch``), else one.

    Returns:
        The files written (per file: in target order).

    Raises:
        Cancelled: the user cancelled (files already written by this call are removed).
        UserFacingError: nothing to print; a file cannot be written; no CJK font.
    """
    if not targets:
        raise _nothing("documents")
    out = Path(out).expanduser()
    paper = _paper(ctx, opts)
    if per_file:
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            reason = f"cannot create the folder ({exc.strerror or exc})"
            raise UserFacingError("invalid", field=str(out), reason=reason) from exc
    from desktop_ar.services.docs import batch

    count = batch.auto_workers(ctx, len(targets)) if workers is None else workers
    if count > 1 and len(targets) > 1 and ctx.db_path is not None:
        company = company_info(get_settings(ctx))
        en, zh = KIND_TITLES.get(targets[0].kind, ("Documents", "文件"))
        title = zh if opts.lang == "zh" else en
        written = batch.write_parallel(
            ctx,
            targets,
            opts,
            out,
            per_file=per_file,
            paper=paper,
            title=title,
            company=company,
            workers=count,
            progress=progress,
        )
    else:
        written = _write_here(ctx, targets, opts, out, per_file=per_file, progress=progress)
    _audit(ctx, targets, opts, len(written))
    return written


def _write_here(
    ctx: ServiceContext,
    targets: Sequence[Target],
    opts: DocOptions,
    out: Path,
    *,
    per_file: bool,
    progress: Progress | None,
) -> list[Path]:
    """:func:`write_pdf` in this process."""
    paper = _paper(ctx, opts)
    docs = render_documents(ctx, targets, opts, progress=progress)
    written: list[Path] = []
    try:
        if per_file:
            for target, doc in zip(targets, docs, strict=True):
                path = out / f"{target.key}.pdf"
                written.append(
                    write_atomic(
                        path,
                        lambda fh, d=doc: build_documents(fh, [d], paper=paper, title=d.title),
                    )
                )
        else:
            rendered = list(docs)
            title = _title(targets, rendered)
            written.append(
                write_atomic(
                    out, lambda fh: build_documents(fh, rendered, paper=paper, title=title)
                )
            )
    except BaseException:
        for path in written:
            with contextlib.suppress(OSError):
                path.unlink()
        raise
    return written
