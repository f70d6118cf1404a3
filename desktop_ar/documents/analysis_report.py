"""A generic printable analysis report: letterhead, title, period line, then sections.

The report takes plain values only (:class:`ReportDoc`, :class:`Section`, :class:`Figure`):
the services turn their DTOs into these (``services.analysis_pdf``), already formatted as text
(amounts with their currency's decimals). Each section is either a key-figure table (label,
value, definition in small text) or a data table with right-aligned numeric columns and shaded
totals rows; a long table splits across pages with its header repeated (platypus
``repeatRows``). A wide report asks for turned pages (``Document(landscape=True)``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from desktop_ar.documents.base import CompanyInfo, Document, esc, letterhead, para, styles, table

__all__ = ["Figure", "ReportDoc", "Section", "report_document", "report_flowables"]


@dataclass(frozen=True, slots=True)
class Figure:
    """One key figure: its label, its value as text and its definition (small text)."""

    label: str
    value: str
    definition: str = ""


@dataclass(frozen=True, slots=True)
class Section:
    """One section: a heading, then key figures or a table (or both), then a note.

    ``numeric`` are the indexes of right-aligned columns; ``total_rows`` the indexes (into
    ``rows``) of rows shaded as totals; ``widths`` relative column widths (default even).
    """

    heading: str
    columns: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    numeric: frozenset[int] = frozenset()
    total_rows: tuple[int, ...] = ()
    note: str = ""
    figures: tuple[Figure, ...] = ()
    widths: tuple[float, ...] = ()
    empty: str = "—"


@dataclass(frozen=True, slots=True)
class ReportDoc:
    """A report: title, subtitle (as-of date and period), sections; landscape for wide ones."""

    title: str
    subtitle: str
    sections: tuple[Section, ...] = field(default=())
    lang: str = "en"
    landscape: bool = False


_FIGURE_WIDTHS = (0.28, 0.2, 0.52)


def _widths(section: Section, width: float) -> list[float]:
    count = len(section.columns)
    rel = list(section.widths) if len(section.widths) == count else [1.0] * count
    total = sum(rel) or 1.0
    return [width * r / total for r in rel]


def _figures(section: Section, width: float, lang: str) -> Flowable:
    st = styles()
    head = ("指标", "数值", "定义") if lang == "zh" else ("Figure", "Value", "Definition")
    rows: list[list[object]] = [
        [para(esc(head[0]), st.head), para(esc(head[1]), st.head_num), para(esc(head[2]), st.head)]
    ]
    for f in section.figures:
        rows.append(
            [
                para(esc(f.label), st.cell),
                para(esc(f.value), st.num),
                para(esc(f.definition), st.small),
            ]
        )
    return table(rows, [width * w for w in _FIGURE_WIDTHS])


def _data(section: Section, width: float) -> Flowable:
    st = styles()
    rows: list[list[object]] = [
        [
            para(esc(c), st.head_num if i in section.numeric else st.head)
            for i, c in enumerate(section.columns)
        ]
    ]
    for row in section.rows:
        rows.append(
            [para(esc(c), st.num if i in section.numeric else st.cell) for i, c in enumerate(row)]
        )
    bold = [i + 1 for i in section.total_rows if 0 <= i < len(section.rows)]
    return table(rows, _widths(section, width), bold_rows=bold)


def report_flowables(report: ReportDoc, company: CompanyInfo, *, width: float) -> list[Flowable]:
    """The report's flowables on a frame ``width`` points wide (letterhead included)."""
    st = styles()
    out: list[Flowable] = [*letterhead(company, st, report.lang)]
    out.append(para(esc(report.title), st.title))
    if report.subtitle:
        out.append(para(esc(report.subtitle), st.body))
    for section in report.sections:
        head = para(esc(section.heading), st.heading) if section.heading else Spacer(1, 2 * mm)
        parts: list[Flowable] = []
        if section.figures:
            parts.append(_figures(section, width, report.lang))
        if section.columns:
            if section.rows:
                parts.append(_data(section, width))
            else:
                parts.append(para(esc(section.empty), st.body))
        if section.note:
            parts += [Spacer(1, 1.5 * mm), para(esc(section.note), st.small)]
        # The heading stays with the start of its table; the table itself may split.
        if parts:
            out.append(KeepTogether([head, parts[0]]) if len(section.rows) < 30 else head)
            out.extend(parts[1:] if len(section.rows) < 30 else parts)
        else:
            out.append(head)
        out.append(Spacer(1, 3 * mm))
    return out


def report_document(report: ReportDoc, company: CompanyInfo, *, paper: str = "A4") -> Document:
    """The report as a :class:`Document` (turned pages when ``report.landscape``)."""
    from reportlab.lib.pagesizes import landscape as turned

    from desktop_ar.documents.base import MARGIN, PAPERS

    size = PAPERS.get(paper, PAPERS["A4"])
    page_width = turned(size)[0] if report.landscape else size[0]
    width = page_width - 2 * MARGIN - 1
    flowables = report_flowables(report, company, width=width)
    return Document(flowables, lang=report.lang, title=report.title, landscape=report.landscape)
