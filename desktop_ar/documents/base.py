"""The printable-document base: paper, letterhead, fonts, escaping and "Page X of Y".

Every document is a list of reportlab platypus flowables built by :func:`build_pdf`: the
company letterhead (name, address, tax id, contact and an optional logo, from
:class:`CompanyInfo`) heads the first page, and every page carries a footer "Page X of Y"
(``第 X 页，共 Y 页`` in Chinese), counted in a second pass by :class:`_NumberedCanvas`.

Chinese text is drawn with an embedded TrueType CJK font (a subset is embedded by reportlab).
Noto CJK ships with PostScript (CFF) outlines, which reportlab cannot embed, so the font is
looked up among TrueType CJK fonts (:data:`FONT_CANDIDATES`, e.g. ``fonts-wqy-microhei`` on
Debian); :func:`cjk_font` raises a clear error when none is installed. The font is registered
once per process.

User text must go through :func:`esc` before it reaches :class:`Paragraph` markup, so that
``A <B> & Co`` prints as written; amounts go through :func:`amount` (the currency's decimals).
"""

from __future__ import annotations

import functools
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.pagesizes import landscape as turned
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    Flowable,
    Image,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tables import CellStyle

from desktop_ar.domain.errors import UserFacingError
from desktop_ar.domain.money import Money
from desktop_ar.domain.parsing import format_money

__all__ = [
    "FONT_CANDIDATES",
    "LANGS",
    "PAPERS",
    "CompanyInfo",
    "Document",
    "Styles",
    "amount",
    "build_documents",
    "build_pdf",
    "cjk_font",
    "esc",
    "letterhead",
    "para",
    "styles",
    "table",
]

PAPERS = {"A4": A4, "Letter": LETTER}
LANGS = ("en", "zh")
MARGIN = 18 * mm
FONT_NAME = "DesktopARCJK"
# TrueType CJK fonts reportlab can embed, best first: (path, sub-font index in a .ttc).
FONT_CANDIDATES: tuple[tuple[str, int], ...] = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0),
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
    ("/usr/share/fonts/truetype/arphic-gbsn00lp/gbsn00lp.ttf", 0),
    ("C:/Windows/Fonts/simsun.ttc", 0),
    ("C:/Windows/Fonts/simhei.ttf", 0),
    ("/System/Library/Fonts/Supplemental/Songti.ttc", 0),
    ("/Library/Fonts/Arial Unicode.ttf", 0),
)
_GREY = colors.HexColor("#555555")
_RULE = colors.HexColor("#999999")
_PAGE = {"en": "Page {page} of {pages}", "zh": "第 {page} 页，共 {pages} 页"}


@dataclass(frozen=True, slots=True)
class CompanyInfo:
    """The letterhead: plain values from the company settings (no database here)."""

    name: str
    name_en: str = ""
    address: str = ""
    tax_id: str = ""
    phone: str = ""
    email: str = ""
    bank_details: str = ""
    logo: bytes | None = None  # PNG or JPEG


def _font_error(tried: Sequence[str]) -> UserFacingError:
    reason = (
        "no TrueType Chinese font was found to embed in the PDF (Noto CJK's CFF outlines cannot "
        "be embedded); install one, e.g. `apt-get install fonts-wqy-microhei` (tried "
        + ", ".join(tried)
        + ")"
    )
    return UserFacingError("invalid", field="font", reason=reason)


def _keep_tables(font: TTFont) -> None:
    """Read each table of the font file once: every subset copies them (glyf is megabytes)."""
    face: Any = font.face
    read = face.get_table
    tables: dict[str, bytes] = {}

    def get_table(tag: str) -> bytes:
        data = tables.get(tag)
        if data is None:
            data = tables[tag] = read(tag)
        return data

    face.get_table = get_table


@functools.cache
def cjk_font() -> str:
    """Register the first usable TrueType CJK font once and return its reportlab name.

    Raises:
        UserFacingError: no usable font is installed (the message says what to install).
    """
    tried = []
    for path, index in FONT_CANDIDATES:
        if not Path(path).is_file():
            tried.append(path)
            continue
        try:
            font = TTFont(FONT_NAME, path, subfontIndex=index)
        except Exception:
            tried.append(path)
            continue
        _keep_tables(font)
        pdfmetrics.registerFont(font)
        # One face for every style (CJK fonts seldom ship a bold): <b> must not fail.
        pdfmetrics.registerFontFamily(
            FONT_NAME, normal=FONT_NAME, bold=FONT_NAME, italic=FONT_NAME, boldItalic=FONT_NAME
        )
        # Table cells given plain text (even an empty rule) default to Helvetica, which would
        # put an unembedded font in every PDF: cells default to the embedded font instead.
        CellStyle.fontname = FONT_NAME
        return FONT_NAME
    raise _font_error(tried)


def esc(text: object) -> str:
    """User text made safe for Paragraph markup: ``A <B> & Co`` prints as written.

    Line breaks become ``<br/>``; None is empty.
    """
    if text is None:
        return ""
    return escape(str(text)).replace("\r\n", "\n").replace("\n", "<br/>")


def amount(m: Money | None, *, blank_zero: bool = False) -> str:
    """An amount with its currency's decimals and thousands grouping (no currency code)."""
    if m is None:
        return ""
    return format_money(m, blank_zero=blank_zero)


@dataclass(frozen=True, slots=True)
class Styles:
    """The paragraph styles of a document."""

    title: ParagraphStyle
    heading: ParagraphStyle
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    num: ParagraphStyle
    head: ParagraphStyle
    head_num: ParagraphStyle
    company: ParagraphStyle


@functools.cache
def styles() -> Styles:
    """Paragraph styles on the embedded CJK font (wrapping at spaces; see :func:`para`)."""
    font = cjk_font()

    def style(name: str, size: float, **kw: Any) -> ParagraphStyle:
        kw.setdefault("leading", size * 1.3)
        return ParagraphStyle(name, fontName=font, fontSize=size, **kw)

    return Styles(
        title=style("title", 16, spaceBefore=4, spaceAfter=6),
        heading=style("heading", 11, spaceBefore=8, spaceAfter=3),
        body=style("body", 9),
        small=style("small", 7.5, textColor=_GREY),
        cell=style("cell", 8),
        num=style("num", 8, alignment=TA_RIGHT),
        head=style("head", 8, textColor=colors.white),
        head_num=style("head_num", 8, textColor=colors.white, alignment=TA_RIGHT),
        company=style("company", 14, leading=17),
    )


_CJK = re.compile(r"[\u2e80-\u9fff\uac00-\ud7af\uf900-\ufaff\uff00-\uffef]")
_CJK_STYLES: dict[int, ParagraphStyle] = {}
# Parsed markup by (markup, style): labels, dates and amounts repeat on every page of a batch,
# and reportlab's markup parser costs more than laying the paragraph out. Each paragraph gets
# copies of the cached fragments (the output is byte for byte the same).
_PARSED: dict[tuple[str, ParagraphStyle], tuple[str, ParagraphStyle, list[Any]]] = {}
_PARSED_MAX = 20_000


class _Paragraph(Paragraph):  # type: ignore[misc]
    """A paragraph that lays itself out once per width.

    A table wraps every cell to size its rows, then again to draw it, with the same width; the
    line breaks depend on the width only, so the second time reuses the first's.
    """

    _wrapped_at: float | None = None

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        # reportlab drops blPara when it moves or splits a paragraph: then lay it out again.
        if availWidth == self._wrapped_at and "blPara" in self.__dict__:
            return self.width, self.height
        size: tuple[float, float] = super().wrap(availWidth, availHeight)
        self._wrapped_at = availWidth
        return size


def para(markup: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph that wraps Chinese text anywhere (``wordWrap='CJK'``) and English at spaces.

    ``markup`` must already be escaped (:func:`esc`).
    """
    if _CJK.search(markup):
        cjk = _CJK_STYLES.get(id(style))
        if cjk is None:
            cjk = ParagraphStyle(f"{style.name}_cjk", parent=style, wordWrap="CJK")
            _CJK_STYLES[id(style)] = cjk
        style = cjk
    key = (markup, style)  # the style itself: a style made per call never reuses an id here
    hit = _PARSED.get(key)
    if hit is None:
        made = _Paragraph(markup, style)
        if len(_PARSED) >= _PARSED_MAX:
            _PARSED.clear()
        _PARSED[key] = (made.text, made.style, [f.clone() for f in made.frags])
        return made
    text, parsed_style, frags = hit
    return _Paragraph(text, parsed_style, frags=[f.clone() for f in frags])


def letterhead(company: CompanyInfo, st: Styles, lang: str) -> list[Flowable]:
    """The company's letterhead: name (and English name), address, tax id, contact; logo."""
    tax = "税号" if lang == "zh" else "Tax ID"
    tel = "电话" if lang == "zh" else "Tel"
    name = esc(company.name)
    if company.name_en.strip() and company.name_en.strip() not in company.name:
        name += f"<br/><font size=10>{esc(company.name_en)}</font>"
    lines = [esc(company.address)] if company.address.strip() else []
    bits = [f"{tax}: {esc(company.tax_id)}"] if company.tax_id.strip() else []
    if company.phone.strip():
        bits.append(f"{tel}: {esc(company.phone)}")
    if company.email.strip():
        bits.append(esc(company.email))
    if bits:
        lines.append(" · ".join(bits))
    text: list[Flowable] = [para(name, st.company)]
    text += [para(x, st.small) for x in lines]
    if company.logo:
        logo = Image(io.BytesIO(company.logo))
        scale = min(1.0, (18 * mm) / max(logo.imageHeight, 1), (45 * mm) / max(logo.imageWidth, 1))
        logo.drawWidth, logo.drawHeight = logo.imageWidth * scale, logo.imageHeight * scale
        head: Flowable = Table([[text, logo]], colWidths=["*", 50 * mm])
        head.setStyle(
            TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("ALIGN", (1, 0), (1, 0), "RIGHT")])
        )
        parts = [head]
    else:
        parts = text
    rule = Table([[""]], colWidths=["*"], rowHeights=[2])
    rule.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.8, _RULE)]))
    return [*parts, rule, Spacer(1, 4 * mm)]


def table(
    rows: list[list[Any]],
    widths: Sequence[float | str],
    *,
    header: bool = True,
    bold_rows: Sequence[int] = (),
    spans: Sequence[tuple[tuple[int, int], tuple[int, int]]] = (),
) -> Table:
    """A ruled table: a dark header row, thin row lines, the given rows shaded as totals."""
    t = Table(rows, colWidths=list(widths), repeatRows=1 if header else 0)
    cmds: list[tuple[Any, ...]] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, _RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        cmds.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#3A4A5C")))
    cmds += [("BACKGROUND", (0, r), (-1, r), colors.HexColor("#EEF1F4")) for r in bold_rows]
    cmds += [("SPAN", start, end) for start, end in spans]
    t.setStyle(TableStyle(cmds))
    return t


class _NumberedCanvas(rl_canvas.Canvas):
    """A canvas that holds every page back to write "Page X of Y" once Y is known.

    In a combined file (:func:`build_documents`) each document counts its own pages: the
    :class:`_DocStart` marker at a document's start sets ``_doc_index`` and ``_doc_lang``,
    which every page's saved state carries.
    """

    lang = "en"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # No unembedded Helvetica reference (platypus passes initialFontName=None explicitly).
        kwargs["initialFontName"] = kwargs.get("initialFontName") or FONT_NAME
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self._doc_index = 0
        self._doc_lang = self.lang

    def showPage(self) -> None:  # noqa: N802 - reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        totals: dict[int, int] = {}
        for state in self._pages:
            totals[state["_doc_index"]] = totals.get(state["_doc_index"], 0) + 1
        seen: dict[int, int] = {}
        for state in self._pages:
            doc = state["_doc_index"]
            seen[doc] = seen.get(doc, 0) + 1
            self.__dict__.update(state)
            self._footer(seen[doc], totals[doc], state["_doc_lang"])
            super().showPage()
        super().save()

    def _footer(self, page: int, total: int, lang: str) -> None:
        width, _ = self._pagesize
        self.setFont(FONT_NAME, 7.5)
        self.setFillColor(_GREY)
        text = _PAGE.get(lang, _PAGE["en"]).format(page=page, pages=total)
        self.drawRightString(width - MARGIN, 10 * mm, text)


class _DocStart(Flowable):
    """A zero-size mark where a document of a combined file begins (page count, outline)."""

    def __init__(self, index: int, lang: str, title: str) -> None:
        super().__init__()
        self.index, self.lang, self.title = index, lang, title
        self.width = self.height = 0

    def wrap(self, *_: Any) -> tuple[float, float]:
        return 0, 0

    def draw(self) -> None:
        canv: Any = self.canv
        canv._doc_index = self.index
        canv._doc_lang = self.lang
        if self.title:
            key = f"doc{self.index}"
            canv.bookmarkPage(key)
            canv.addOutlineEntry(self.title, key, level=0)


@dataclass(frozen=True, slots=True)
class Document:
    """One document of a combined file: its flowables, language and outline title.

    ``landscape``: the document wants its pages turned (a wide table); a combined file is
    turned only when every document in it wants it.
    """

    flowables: list[Flowable]
    lang: str = "en"
    title: str = ""
    landscape: bool = False


def build_pdf(
    out: Path | BinaryIO,
    flowables: list[Flowable],
    *,
    paper: str = "A4",
    lang: str = "en",
    title: str = "",
    author: str = "",
    landscape: bool = False,
) -> None:
    """Lay out ``flowables`` on pages of ``paper`` and write the PDF to ``out``.

    Args:
        out: a file path or a binary file object.
        flowables: the document's content (letterhead included).
        paper: ``A4`` or ``Letter``.
        lang: ``en`` or ``zh``: the footer's language.
        title: the PDF's title metadata.
        author: the PDF's author metadata.
        landscape: turn the pages (wide tables).

    Raises:
        UserFacingError: an unknown paper size or language, or no CJK font.
    """
    if paper not in PAPERS:
        raise UserFacingError("invalid", field="paper", reason=f"{paper!r} is not A4 or Letter")
    if lang not in LANGS:
        raise UserFacingError("invalid", field="lang", reason=f"{lang!r} is not en or zh")
    cjk_font()
    canvas_class = type("_Canvas", (_NumberedCanvas,), {"lang": lang})
    target: Any = str(out) if isinstance(out, Path) else out
    doc = SimpleDocTemplate(
        target,
        pagesize=turned(PAPERS[paper]) if landscape else PAPERS[paper],
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=15 * mm,
        bottomMargin=18 * mm,
        title=title,
        author=author,
        invariant=1,
    )
    doc.build(flowables, canvasmaker=canvas_class)


def render_bytes(flowables: list[Flowable], **kwargs: Any) -> bytes:
    """:func:`build_pdf` into memory."""
    buf = io.BytesIO()
    build_pdf(buf, flowables, **kwargs)
    return buf.getvalue()


def build_documents(
    out: Path | BinaryIO,
    documents: Sequence[Document],
    *,
    paper: str = "A4",
    title: str = "",
    author: str = "",
) -> None:
    """Several documents in one PDF, each on new pages with its own "Page X of Y" and language.

    Each document gets an outline (bookmark) entry with its title.

    Raises:
        UserFacingError: no documents, an unknown paper size or language, or no CJK font.
    """
    if not documents:
        raise UserFacingError("invalid", field="documents", reason="nothing to print")
    flowables: list[Flowable] = []
    for index, doc in enumerate(documents):
        if doc.lang not in LANGS:
            raise UserFacingError("invalid", field="lang", reason=f"{doc.lang!r} is not en or zh")
        if index:
            flowables.append(PageBreak())
        flowables.append(_DocStart(index, doc.lang, doc.title))
        flowables.extend(doc.flowables)
    build_pdf(
        out,
        flowables,
        paper=paper,
        lang=documents[0].lang,
        title=title,
        author=author,
        landscape=all(d.landscape for d in documents),
    )
