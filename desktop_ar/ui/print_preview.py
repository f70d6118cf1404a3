"""Print preview and printing of a rendered PDF (the documents of ``services.docs``).

The PDF made by ``services.docs.pdf_bytes`` is the one source of what is printed: each page is
rendered by Qt's PDF module (``QPdfDocument``) into an image at the printer's resolution (capped:
300 dpi on paper, less in the preview so a hundred pages stay within memory) and painted on the
printer's page, inside its printable area, keeping the page's aspect ratio.

    print_preview(parent, pdf, title)   # QPrintPreviewDialog (its own Print button prints)
    print_pdf(parent, pdf, title)       # QPrintDialog, then print (page range honoured)
"""

from __future__ import annotations

import math

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QIODevice,
    QRect,
    QSize,
    QSizeF,
    Qt,
)
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPaintEngine, QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter, QPrintPreviewDialog
from PySide6.QtWidgets import QDialog, QWidget

from desktop_ar.domain.errors import UserFacingError

PRINT_DPI = 300  # enough for text and a logo on paper
PREVIEW_BUDGET = 400 * 1024 * 1024  # bytes of page images the preview may hold at once
PREVIEW_MIN_DPI = 72


class PdfPrinter:
    """A PDF in memory, painted page by page on a ``QPrinter``."""

    def __init__(self, pdf: bytes, title: str = "") -> None:
        self.title = title
        self._data = QByteArray(pdf)
        self._buffer = QBuffer(self._data)  # QPdfDocument reads from it while it lives
        self._buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument()
        self.document.load(self._buffer)
        if self.document.status() != QPdfDocument.Status.Ready or self.page_count() == 0:
            raise UserFacingError("invalid", field="PDF", reason="the document cannot be read")

    def page_count(self) -> int:
        return self.document.pageCount()

    def page_size(self, page: int) -> QSizeF:
        """The page's size in points (1/72 inch)."""
        return self.document.pagePointSize(page)

    def setup(self, printer: QPrinter) -> None:
        """Give the printer the document's name, paper size and orientation (first page)."""
        printer.setDocName(self.title or "Desktop AR")
        size = self.page_size(0)
        portrait = QSize(
            round(min(size.width(), size.height())), round(max(size.width(), size.height()))
        )
        printer.setPageSize(
            QPageSize(portrait, self.title or "", QPageSize.SizeMatchPolicy.FuzzyMatch)
        )
        landscape = size.width() > size.height()
        printer.setPageOrientation(
            QPageLayout.Orientation.Landscape if landscape else QPageLayout.Orientation.Portrait
        )

    def render_dpi(self, printer: QPrinter, *, preview: bool) -> float:
        """The resolution page images are rendered at for ``printer``."""
        dpi = float(min(printer.resolution(), PRINT_DPI))
        if preview:
            size = self.page_size(0)
            square_inches = max(size.width() * size.height() / (72.0 * 72.0), 1.0)
            fits = math.sqrt(PREVIEW_BUDGET / (4 * self.page_count() * square_inches))
            dpi = max(PREVIEW_MIN_DPI, min(dpi, fits))
        return dpi

    def pages(self, printer: QPrinter) -> list[int]:
        """The page indexes to print: the printer's page range when one was chosen."""
        first, last = printer.fromPage(), printer.toPage()
        count = self.page_count()
        if first <= 0 or last <= 0:
            return list(range(count))
        return list(range(max(first, 1) - 1, min(last, count)))

    def paint(self, printer: QPrinter) -> int:
        """Paint the pages on ``printer`` (one printer page each); returns the pages painted.

        The preview records pages (a picture paint engine): there the image resolution is
        lowered so that every page of a long document fits in memory.
        """
        engine = printer.paintEngine()
        preview = engine is not None and engine.type() == QPaintEngine.Type.Picture
        dpi = self.render_dpi(printer, preview=preview)
        painter = QPainter()
        if not painter.begin(printer):
            raise UserFacingError("invalid", field="printer", reason="the printer cannot be used")
        painted = 0
        try:
            for index in self.pages(printer):
                if painted and not printer.newPage():
                    break
                self._paint_page(painter, printer, index, dpi)
                painted += 1
        finally:
            painter.end()
        return painted

    def _paint_page(self, painter: QPainter, printer: QPrinter, index: int, dpi: float) -> None:
        # The painter's origin is the top-left of the printable area (fullPage off).
        area = printer.pageLayout().paintRectPixels(printer.resolution())
        size = self.page_size(index)
        if size.width() <= 0 or size.height() <= 0 or area.isEmpty():
            return
        scale = min(area.width() / size.width(), area.height() / size.height())
        width, height = round(size.width() * scale), round(size.height() * scale)
        target = QRect((area.width() - width) // 2, (area.height() - height) // 2, width, height)
        pixels = QSize(round(size.width() * dpi / 72.0), round(size.height() * dpi / 72.0))
        image = self.document.render(index, pixels)
        if image.isNull():
            return
        if image.hasAlphaChannel():  # transparent parts of the page print white
            opaque = QImage(image.size(), QImage.Format.Format_RGB32)
            opaque.fill(Qt.GlobalColor.white)
            with_bg = QPainter(opaque)
            with_bg.drawImage(0, 0, image)
            with_bg.end()
            image = opaque
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        painter.drawImage(target, image)


def _tr_pages(count: int) -> str:
    return QCoreApplication.translate("print", "%n page(s)", "", count)


def print_preview(
    parent: QWidget | None, pdf: bytes, title: str, *, exec_: bool = True
) -> QPrintPreviewDialog:
    """Show the print preview of ``pdf``; its Print button prints to the chosen printer.

    With ``exec_`` False the dialog is returned unshown (tests, screenshots).
    """
    doc = PdfPrinter(pdf, title)
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    doc.setup(printer)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setObjectName("printPreview")
    dialog.setWindowTitle(f"{title} — {_tr_pages(doc.page_count())}")
    dialog.paintRequested.connect(doc.paint)
    dialog.resize(900, 1000)
    # The dialog keeps the document and printer alive as long as it lives.
    dialog._pdf_printer = doc  # type: ignore[attr-defined]
    dialog._printer = printer  # type: ignore[attr-defined]
    if exec_:
        dialog.exec()
    return dialog


def print_pdf(
    parent: QWidget | None, pdf: bytes, title: str, *, printer: QPrinter | None = None
) -> int:
    """Ask for a printer (``QPrintDialog``, page range offered) and print ``pdf``.

    With ``printer`` given, print to it without asking (tests print to a PDF-format printer).
    Returns the pages printed (0 when the dialog was cancelled).
    """
    doc = PdfPrinter(pdf, title)
    if printer is None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        doc.setup(printer)
        dialog = QPrintDialog(printer, parent)
        dialog.setWindowTitle(f"{title} — {_tr_pages(doc.page_count())}")
        dialog.setMinMax(1, doc.page_count())
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return 0
    return doc.paint(printer)
