"""Finding the header row and the data rows below it.

Real sheets put titles, merged banners, blank rows and report preambles (报表导出人, 考勤周期, card
numbers) above the header, and totals (合计 / Total) and footers (disclaimers, 制表人) below the
data. ``find_header_row`` scores the first rows; ``data_rows`` returns the rows between the header
and the footer, leaving out totals rows and reporting — never dropping — data after a long blank
gap. The user can always correct the guess.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from desktop_ar.domain.parsing import to_halfwidth
from desktop_ar.io.excel.reader import Cell

__all__ = [
    "BLANK_GAP",
    "SCAN_ROWS",
    "DataRows",
    "HeaderGuess",
    "data_rows",
    "find_header_row",
    "is_totals_row",
    "normalize_header",
]

SCAN_ROWS = 40  # rows looked at for the header
BLANK_GAP = 10  # this many blank rows in a row are reported as a gap
TOTALS_COLUMNS = 4  # totals labels are looked for in the first non-empty cells

_TOTALS_ZH = re.compile(r"(合计|小计|总计|合計|小計|總計|共计|共\d+笔)")
_TOTALS_EN = re.compile(r"(grand\s*)?(sub\s*)?totals?(\s*\(.*\))?\s*[:：]?", re.IGNORECASE)
_STRIP_MARKS = re.compile(r"[\s*:：]+")
# The ASCII characters _STRIP_MARKS removes (whitespace as ``\s`` reads it, ``*`` and ``:``).
_ASCII_MARKS = dict.fromkeys(c for c in range(128) if _STRIP_MARKS.match(chr(c)))
# Every totals label above has 计/計/笔 or "total" (maybe full-width) in it: rows whose first cells
# have none of these characters are not totals rows, without folding or matching anything else.
_MAYBE_TOTALS = re.compile("[计計笔tTｔＴ]")
_NUMBERISH = re.compile(r"[-+(（]?[¥$€£]?\s*[\d,.\s]+[)）元%]?")


def normalize_header(text: object) -> str:
    """The comparable form of a header label.

    Full-width letters and digits become half-width, the ideographic space and other spaces,
    newlines, ``*`` (required markers) and colons are removed, and letters are lower-cased:
    ``"金额\u3000"``, ``"*金额："`` and ``"金 额"`` all become ``"金额"``; ``"Invoice No"`` becomes
    ``"invoiceno"``.

    Args:
        text: a header cell value.

    Returns:
        The normalized label ("" for empty cells).
    """
    if text is None:
        return ""
    if type(text) is str and text.isascii():  # nothing to fold: drop the marks, lower-case
        return text.translate(_ASCII_MARKS).lower()
    return _STRIP_MARKS.sub("", to_halfwidth(str(text))).lower()


@dataclass(frozen=True, slots=True)
class HeaderGuess:
    """Where the header probably is.

    Attributes:
        row_index: zero-based index into the rows passed in (Excel row ``row_index + 1`` when
            the rows come from ``Workbook.rows``); ``None`` for a sheet with no usable row.
        confidence: 0..1; below 0.5 the UI should ask the user to confirm.
        reasons: sentences explaining the choice and the rows skipped above it.
        labels: the header cells, as read (``None`` for empty cells).
    """

    row_index: int | None
    confidence: float
    reasons: tuple[str, ...]
    labels: tuple[Cell, ...] = ()


@dataclass
class DataRows:
    """The data below a header.

    Attributes:
        rows: ``(row_index, cells)`` for every data row (zero-based index into the sheet).
        totals: indexes of totals rows left out (合计, Total…).
        footer: indexes of footer rows left out after the last data row.
        gaps: ``(first, last)`` indexes of long runs of blank rows; data after them is kept.
        notes: sentences for the user about all of the above.
    """

    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)
    totals: list[int] = field(default_factory=list)
    footer: list[int] = field(default_factory=list)
    gaps: list[tuple[int, int]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _filled(row: Sequence[Cell]) -> list[Cell]:
    return [c for c in row if c is not None and not (isinstance(c, str) and not c.strip())]


def _is_text(cell: Cell) -> bool:
    return isinstance(cell, str) and _NUMBERISH.fullmatch(to_halfwidth(cell).strip()) is None


def _is_data_value(cell: Cell) -> bool:
    if isinstance(cell, bool):
        return False
    return isinstance(cell, int | float | date | time | timedelta) or not _is_text(cell)


def is_totals_row(row: Sequence[Cell]) -> bool:
    """Whether a row is a totals row: 合计/小计/总计 or Total/Subtotal/Grand total near its start.

    Args:
        row: the cells of the row.

    Returns:
        ``True`` when one of the first few non-empty cells is a totals label and the row has
        figures in it (so a header such as 价税合计 is never taken for a totals row).
    """
    return _is_totals(_filled(row))


def _is_totals(filled: list[Cell]) -> bool:
    """:func:`is_totals_row` of a row's non-empty cells."""
    labels = [c for c in filled[:TOTALS_COLUMNS] if isinstance(c, str) and _MAYBE_TOTALS.search(c)]
    # A totals row carries figures; a header row is all text (价税合计 is a column name there).
    if not labels or not any(_is_data_value(c) for c in filled):
        return False
    for cell in labels:
        text = to_halfwidth(cell).strip()
        if len(text) <= 20 and _TOTALS_ZH.search(text):
            return True
        if _TOTALS_EN.fullmatch(text):
            return True
    return False


def find_header_row(rows: list[list[Cell]], known_headers: set[str]) -> HeaderGuess:
    """Guess which row is the header.

    Each of the first ``SCAN_ROWS`` rows is scored by how many of its cells are known header
    names (compared with :func:`normalize_header`, so full-width forms and trailing ideographic
    spaces match), by being mostly text with several cells, and by the rows below it looking
    like data (numbers, dates, as many cells). One-cell rows (titles, merged banners), blank
    rows and totals rows never win.

    Args:
        rows: the first rows of the sheet (``Workbook.rows(sheet, limit=...)``).
        known_headers: header names and synonyms in any form (English and Chinese).

    Returns:
        The guess, with reasons.
    """
    known = {normalize_header(h) for h in known_headers} - {""}
    scan = rows[:SCAN_ROWS]
    widest = max((len(_filled(r)) for r in scan), default=0)
    best: tuple[float, int, int, list[str]] | None = None
    for index, row in enumerate(scan):
        filled = _filled(row)
        if len(filled) < 2 or is_totals_row(row):
            continue
        labels = [normalize_header(c) for c in filled]
        matched = [c for c, n in zip(filled, labels, strict=True) if n in known]
        texts = sum(1 for c in filled if _is_text(c))
        if len(set(labels)) < len(labels) / 2:
            continue  # a repeated value across a merged block, not a header
        score = 3.0 * len(matched) + 2.0 * texts / len(filled) + len(filled) / max(widest, 1)
        following = [r for r in rows[index + 1 : index + 4] if _filled(r)]
        data_like = bool(following) and all(
            any(_is_data_value(c) for c in _filled(r))
            and len(_filled(r)) >= max(1, len(filled) // 2)
            for r in following
        )
        if data_like:
            score += 1.5
        why = []
        if matched:
            names = ", ".join(str(c).strip() for c in matched[:6])
            why.append(f"{len(matched)} of {len(filled)} cells are known headers ({names})")
        why.append(f"{texts} of {len(filled)} cells are text")
        if data_like:
            why.append("the rows below look like data")
        if best is None or score > best[0]:
            best = (score, index, len(matched), why)
    if best is None:
        return HeaderGuess(None, 0.0, ("no row has two or more filled cells",))
    score, index, matched_count, why = best
    filled_count = len(_filled(rows[index]))
    if matched_count:
        confidence = min(1.0, 0.5 + 0.5 * matched_count / filled_count + 0.1 * (matched_count > 2))
    else:
        confidence = min(0.45, score / 10)
    reasons = [f"row {index + 1}: " + "; ".join(why)]
    skipped = [i for i in range(index) if _filled(rows[i])]
    if skipped:
        shown = ", ".join(str(i + 1) for i in skipped[:10]) + ("…" if len(skipped) > 10 else "")
        reasons.append(f"rows above it skipped as title, banner or preamble: {shown}")
    return HeaderGuess(index, round(confidence, 2), tuple(reasons), tuple(rows[index]))


def data_rows(
    rows: Iterable[list[Cell]], header_row: int, *, blank_gap: int = BLANK_GAP
) -> DataRows:
    """Collect the data rows below the header.

    Totals rows (see :func:`is_totals_row`) are left out wherever they are; when real data
    follows a totals row it is kept and a note says so. Rows after the last data row that are
    sparse (fewer than half the header's filled cells, e.g. a disclaimer or 制表人 line) are the
    footer and are left out. A run of ``blank_gap`` or more blank rows is reported as a gap, and
    data after it is kept.

    Args:
        rows: all rows of the sheet from row 1 (a list or the ``Workbook.rows`` iterator).
        header_row: the zero-based header index from :func:`find_header_row` or the user.
        blank_gap: how many consecutive blank rows count as a gap worth reporting.

    Returns:
        The data rows and what was left out.
    """
    result = DataRows()
    width = 1
    blank_start: int | None = None
    after_totals = False
    pending: list[tuple[int, list[Cell]]] = []  # sparse rows that may turn out to be footer
    for index, row in enumerate(rows):
        if index < header_row:
            continue
        if index == header_row:
            width = len(_filled(row))
            continue
        filled = _filled(row)
        if not filled:
            if blank_start is None:
                blank_start = index
            continue
        if blank_start is not None:
            if index - blank_start >= blank_gap and result.rows:
                result.gaps.append((blank_start, index - 1))
                result.notes.append(
                    f"rows {blank_start + 1}–{index} are blank; the data after them is kept"
                )
            blank_start = None
        if _is_totals(filled):
            result.totals.append(index)
            after_totals = True
            continue
        if width >= 3 and len(filled) < (width + 1) // 2:
            pending.append((index, row))
            continue
        if after_totals:
            result.notes.append(f"row {index + 1} follows a totals row and is kept as data")
            after_totals = False
        result.rows.extend(pending)
        pending.clear()
        result.rows.append((index, row))
    result.footer = [i for i, _ in pending]
    if result.totals:
        result.notes.append(
            "totals rows left out: " + ", ".join(str(i + 1) for i in result.totals[:10])
        )
    if result.footer:
        result.notes.append(
            "footer rows left out: " + ", ".join(str(i + 1) for i in result.footer[:10])
        )
    return result
