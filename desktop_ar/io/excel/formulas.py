"""Cells of an ``.xlsx`` whose value no reader can give: formulas never calculated, error values.

python-calamine returns ``""`` for an empty cell, for an error value (``#DIV/0!``, ``#N/A``…) and
for a formula whose result was never saved (files written by scripts such as openpyxl), so such
cells silently look empty. :func:`formula_problems` finds them in the worksheet XML:

* ``<c>`` elements with an ``<f>`` child and no ``<v>``, or an empty ``<v>`` (unless the cell is
  ``t="str"``: a formula whose result is the empty text), shared-formula children
  (``<f t="shared" si="0"/>``) included — "formula =A1*B1 has no saved value; …";
* cells with ``t="e"`` — "error value #DIV/0! …".

Cost: the file check (:func:`desktop_ar.io.files.check_zip_package`) already notes, in its
DTD-scanning pass, which worksheet parts contain a formula or an error at all; other sheets are
never read again. For a sheet with formulas, a byte scan (about 0.35 s for the 40 MB of a
100,000-row, eight-column sheet) looks for the shapes a problem cell can take (``</f></c>``,
``<v/>``, ``t="e"``, whitespace after a formula…); only when one is there is the part parsed,
streaming, with defusedxml (about 3 s for that sheet when every row has such a cell). XML from
users is only ever parsed with defusedxml, and only after the zip/XML-bomb and DTD checks of
:mod:`desktop_ar.io.files`.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from pathlib import Path

from defusedxml.ElementTree import DefusedXMLParser, fromstring

from desktop_ar.io.files import part_key

__all__ = ["formula_problems", "sheet_part"]

_CHUNK = 1024 * 1024
_SHOWN = 80  # characters of a formula shown in a message
# Byte shapes that a formula without a saved value or an error cell takes in a worksheet part.
_SUSPECTS = (
    b't="e"',
    b"t='e'",
    b"</f></c>",
    b"/></c>",
    b"<v></v>",
    b"<v/>",
    b"<v />",
    b"</f>\n",
    b"</f>\r",
    b"</f> ",
    b"</f>\t",
    b"/>\n",
    b"/>\r",
)
_PREFIXED = b":sheetData"  # a part with prefixed tags (<x:c>) is always parsed
_REF = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")
_NO_VALUE = "has no saved value; open the file in Excel and save it again"


def _local(tag: str) -> str:
    return tag[tag.rfind("}") + 1 :]


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index - 1


def _shown(formula: str) -> str:
    return formula if len(formula) <= _SHOWN else formula[: _SHOWN - 1] + "…"


def sheet_part(zf: zipfile.ZipFile, sheet: str) -> zipfile.ZipInfo | None:
    """The worksheet part of ``sheet``, through ``xl/workbook.xml`` and its relationships.

    Args:
        zf: the opened, already checked package.
        sheet: the sheet name exactly as stored.

    Returns:
        The part, or ``None`` when the package does not say (a damaged or unusual file).
    """
    parts = {part_key(info.filename): info for info in zf.infolist()}
    workbook, rels = parts.get("xl/workbook.xml"), parts.get("xl/_rels/workbook.xml.rels")
    if workbook is None or rels is None:
        return None
    targets = {
        el.get("Id"): el.get("Target", "")
        for el in fromstring(zf.read(rels)).iter()
        if _local(el.tag) == "Relationship"
    }
    for el in fromstring(zf.read(workbook)).iter():
        if _local(el.tag) == "sheet" and el.get("name") == sheet:
            rid = next((v for k, v in el.attrib.items() if _local(k) == "id"), None)
            target = (targets.get(rid) or "").replace("\\", "/")
            if not target:
                return None
            name = target if target.startswith("/") else posixpath.normpath("xl/" + target)
            return parts.get(part_key(name))
    return None


def _suspect(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether the part may hold a problem cell (a byte scan; no false negatives on real files)."""
    tail = b""
    with zf.open(info) as part:
        while chunk := part.read(_CHUNK):
            window = tail + chunk
            if _PREFIXED in window or any(marker in window for marker in _SUSPECTS):
                return True
            tail = window[-16:]
    return False


class _Cells:
    """An XMLParser target that records the problem cells of a worksheet as it streams by."""

    def __init__(self) -> None:
        self.found: dict[tuple[int, int], str] = {}
        self.row = -1
        self.last_ref: str | None = None  # the last r="…" seen in the row
        self.since_ref = 0  # cells since then (for writers that leave r out)
        self.shared: dict[str, tuple[str, str]] = {}  # si → (formula, anchor cell)
        self.cell: dict[str, str] | None = None
        self.formula: dict[str, str] | None = None
        self.value: str | None = None
        self.text: list[str] | None = None
        self.names: dict[str, str] = {}  # "{namespace}c" → "c"

    def _name(self, tag: str) -> str:
        name = self.names.get(tag)
        if name is None:
            name = self.names[tag] = _local(tag)
        return name

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        name = self.names.get(tag) or self._name(tag)
        if name == "c":
            self.cell, self.formula, self.value = attrib, None, None
            if "r" in attrib:
                self.last_ref, self.since_ref = attrib["r"], 0
            else:
                self.since_ref += 1
        elif name == "row":
            self.row = int(attrib["r"]) - 1 if "r" in attrib else self.row + 1
            self.last_ref, self.since_ref = None, 0
        elif self.cell is not None and name in ("f", "v"):
            self.text = []
            if name == "f":
                self.formula = dict(attrib)

    def data(self, text: str) -> None:
        if self.text is not None:
            self.text.append(text)

    def end(self, tag: str) -> None:
        name = self.names.get(tag) or self._name(tag)
        if name == "c":
            cell, self.cell = self.cell, None
            if cell is not None and (self.formula is not None or cell.get("t") == "e"):
                self._cell_done(cell)
        elif name == "f" and self.formula is not None and self.text is not None:
            self.formula["text"] = "".join(self.text)
            self.text = None
        elif name == "v" and self.text is not None:
            self.value = "".join(self.text).strip()
            self.text = None

    def close(self) -> dict[tuple[int, int], str]:
        return self.found

    def _position(self) -> tuple[int, int, str]:
        match = _REF.fullmatch(self.last_ref or "")
        if match is None:
            return self.row, self.since_ref - 1, ""
        col = _column_index(match[1]) + self.since_ref
        row = int(match[2]) - 1 if self.since_ref == 0 else self.row
        return row, col, f"{match[1].upper()}{match[2]}" if self.since_ref == 0 else ""

    def _cell_done(self, cell: dict[str, str]) -> None:
        kind, formula, value = cell.get("t", "n"), self.formula, self.value
        shown = ""
        if formula is not None:
            text = formula.get("text", "")
            shown = f"={_shown(text)}" if text else ""
            if formula.get("t") == "shared" and "si" in formula:
                if text:
                    self.shared.setdefault(formula["si"], (shown, self._position()[2]))
                else:
                    master, anchor = self.shared.get(formula["si"], ("", ""))
                    shown = f"{master} (shared from {anchor or 'another cell'})" if master else ""
        if kind == "e":
            message = f"error value {value or ''}".rstrip()
            message += f" from the formula {shown}" if shown else ""
            message += "; correct it in the file or type the value"
        elif formula is not None and not value and (value is None or kind != "str"):
            message = f"formula {shown} {_NO_VALUE}" if shown else f"a formula {_NO_VALUE}"
        else:
            return
        row, col, _ = self._position()
        if row >= 0 and col >= 0:
            self.found[(row, col)] = message


def formula_problems(path: Path, sheet: str, parts: frozenset[str]) -> dict[tuple[int, int], str]:
    """The cells of a sheet that hold an error value or a formula without a saved value.

    Args:
        path: the ``.xlsx`` / ``.xlsm`` file (already checked by ``check_zip_package``).
        sheet: the sheet name exactly as stored.
        parts: ``FileKind.formula_parts``: the worksheet parts with formulas or errors at all.

    Returns:
        ``{(row_index, col_index): message}``, zero-based like ``Workbook.rows`` (``(1, 2)`` is
        cell C2); empty when the sheet has none or its part cannot be found.

    Raises:
        zipfile.BadZipFile, OSError, xml.etree.ElementTree.ParseError,
        defusedxml.DefusedXmlException: a damaged part (the caller turns them into a message).
    """
    if not parts:
        return {}
    with zipfile.ZipFile(path) as zf:
        info = sheet_part(zf, sheet)
        if info is None or part_key(info.filename) not in parts or not _suspect(zf, info):
            return {}
        target = _Cells()
        parser = DefusedXMLParser(target=target, forbid_dtd=True)
        with zf.open(info) as part:
            while chunk := part.read(_CHUNK):
                parser.feed(chunk)
        return parser.close()
