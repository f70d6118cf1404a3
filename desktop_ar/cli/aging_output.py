"""The ``aging`` command: its options and its output.

Output is an aligned text table (CJK names take two terminal columns), or JSON / CSV / xlsx
through ``services.exports``.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import sys
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TextIO

from desktop_ar.domain.aging import AgingReport, Buckets
from desktop_ar.domain.errors import DomainError
from desktop_ar.domain.parsing import format_money
from desktop_ar.services.exports import (
    OVERDUE_TITLES,
    aging_row_values,
    export_aging,
    report_rows,
    save_text,
)

FORMATS = ("table", "json", "csv", "xlsx")

NAME_WIDTH = 36
_KIND_SHORT = {"invoice": "", "credit_note": "credit", "unallocated_payment": "unallocated"}
_BASIS = {"due": "days past due date", "invoice": "days since invoice date"}


def display_width(text: str) -> int:
    """Terminal columns taken by ``text``: wide and full-width characters count two."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in "WF" else 1
    return width


def clip(text: str, width: int) -> str:
    """Cut ``text`` to at most ``width`` terminal columns, ending with … when cut."""
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for ch in text:
        w = display_width(ch)
        if used + w > width - 1:
            break
        out.append(ch)
        used += w
    return "".join(out) + "…"


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * max(width - display_width(text), 0)
    return gap + text if right else text + gap


def _clean(text: str) -> str:
    # Keep a name on one line whatever it holds (tabs, newlines, control characters).
    return "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)


def _render(
    header: list[str], rows: list[list[str]], totals: list[str], right: Sequence[bool]
) -> list[str]:
    widths = [display_width(h) for h in header]
    for row in [*rows, totals]:
        widths = [max(w, display_width(c)) for w, c in zip(widths, row, strict=True)]
    lines = ["  ".join(_pad(h, w, r) for h, w, r in zip(header, widths, right, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for row in [*rows, None, totals]:
        if row is None:
            lines.append(lines[1])
            continue
        cells = zip(row, widths, right, strict=True)
        lines.append("  ".join(_pad(c, w, r) for c, w, r in cells).rstrip())
    return lines


def render_aging_table(report: AgingReport, *, by: str) -> str:
    """The report as text: a title, then one aligned table per currency with a totals line.

    Args:
        report: the aging report.
        by: ``"customer"`` or ``"invoice"``.

    Returns:
        The text, ending with a newline.
    """
    basis = _BASIS.get(report.basis, report.basis)
    out = [f"Aging as of {report.as_of.isoformat()} by {by} (buckets by {basis})"]
    if not report.currencies:
        out.append("No open items.")
        return "\n".join(out) + "\n"
    labels = [*report.buckets, "Total"]
    head = ["Code", "Customer", "Kind"]
    if by == "invoice":
        head += ["Document", "Date", "Due", "Days", "Reason", "Measure"]
    header = [*head, *labels]
    right = [False] * len(head) + [True] * len(labels)
    if by == "invoice":
        right[head.index("Days")] = True
    for aging in report.currencies:
        rows = []
        for row in report_rows(aging, by):
            values = aging_row_values(report, row, by)
            cells = [
                _clean(row.customer_code),
                clip(_clean(row.customer_name), NAME_WIDTH),
                _KIND_SHORT.get(row.kind, row.kind),
            ]
            if by == "invoice":
                cells += [
                    _clean(row.document_number or ""),
                    values["invoice_date"].isoformat() if values["invoice_date"] else "",
                    values["due_date"].isoformat() if values["due_date"] else "",
                    str(values["days_overdue"]),
                    *(
                        OVERDUE_TITLES.get(code, code) if code else ""
                        for code in (values["overdue_reason"], values["agreed_measure"])
                    ),
                ]
            cells += [format_money(m, blank_zero=True) for m in (*row.amounts, row.total)]
            rows.append(cells)
        blanks = [""] * (len(head) - 1)
        totals = ["Total", *blanks, *(format_money(m) for m in (*aging.totals, aging.total))]
        out.append("")
        out.append(f"{aging.currency}")
        out.extend(_render(header, rows, totals, right))
    if len(report.currencies) > 1 or report.currencies[0].currency != report.base_currency:
        base = ", ".join(
            f"{label} {format_money(m)}"
            for label, m in zip(labels, (*report.base_totals, report.base_total), strict=True)
        )
        out.append("")
        out.append(f"All currencies in {report.base_currency}: {base}")
    return "\n".join(out) + "\n"


def bucket_list(text: str) -> Buckets:
    """Aging bucket boundaries such as ``30,60,90`` (argparse type)."""
    try:
        return Buckets.parse(text)
    except DomainError as exc:
        raise argparse.ArgumentTypeError(exc.message.rstrip(".")) from None


def add_aging_command(
    sub: Any, parents: list[argparse.ArgumentParser], func: Callable[..., int]
) -> None:
    """Add the ``aging`` sub-command and its options to ``sub``."""
    p = sub.add_parser("aging", parents=parents, help="aging report (账龄分析) as of a date")
    p.add_argument("--by", choices=("customer", "invoice"), default="customer")
    p.add_argument("--buckets", type=bucket_list, metavar="30,60,90", help="day boundaries")
    p.add_argument("--basis", choices=("due", "invoice"), help="age from due or invoice date")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (needed for xlsx)")
    p.set_defaults(func=func)


@contextlib.contextmanager
def utf8_stdout(newline: str | None = None) -> Iterator[TextIO]:
    """Standard output as UTF-8 whatever the console or pipe encoding is.

    A redirected Windows stdout would otherwise be cp1252 and fail on Chinese names.
    """
    out = sys.stdout
    buffer = getattr(out, "buffer", None)
    if buffer is None:
        yield out
        return
    out.flush()
    wrapper = io.TextIOWrapper(buffer, encoding="utf-8", newline=newline, write_through=True)
    try:
        yield wrapper
    finally:
        wrapper.flush()
        wrapper.detach()


def write_aging(report: AgingReport, *, by: str, fmt: str, output: str | None) -> Path | None:
    """Write the report in ``fmt`` to the file ``output``, or to stdout when it is None or "-".

    Returns:
        The file written, or None for stdout.
    """
    path = None if output in (None, "-") else Path(output).expanduser()
    if fmt == "table":
        text = render_aging_table(report, by=by)
        if path is not None:
            return save_text(path, text)
        with utf8_stdout() as out:
            out.write(text)
        return None
    if path is not None:
        return export_aging(report, by=by, fmt=fmt, path=path)
    # CSV keeps its own CRLF line ends; JSON gets the platform's.
    with utf8_stdout("" if fmt == "csv" else None) as out:
        export_aging(report, by=by, fmt=fmt, stream=out)
    return None
