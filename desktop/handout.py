"""Printing a handout (index/handout.py says what is on it) to a printer or a PDF.

The text is laid out in a QTextDocument the size of a page's body; each page is
then painted with a header (title, source) and a footer (review and print dates,
the clinic, "Page N of M"). Before painting, page breaks are moved so that a
heading is never the last thing on a page and short lists, tables and paragraphs
are not split across two pages.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

from PySide6.QtCore import QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPageLayout,
    QPainter,
    QPdfWriter,
    QPen,
    QTextBlock,
    QTextCursor,
    QTextDocument,
    QTextFormat,
    QTextTable,
)
from PySide6.QtPrintSupport import QPrinter

from desktop.reader import text_fragments
from desktop.settings import Settings
from index.render.handout import ABOUT_HEADING, Handout

NORMAL_PT = 11.0
LARGE_PT = 17.0  # "large print" is at least 16 pt
PAGE_MARGINS_MM = QMarginsF(18, 16, 18, 16)
SHORT = 1 / 3  # lists, tables and paragraphs shorter than this part of a page stay whole


# Heading sizes in points, h1 to h6: in large print none is smaller than the text.
HEADING_PT = (20.0, 15.0, 13.0, 11.5, 11.5, 11.5)
LARGE_HEADING_PT = (26.0, 22.0, 19.5, 18.0, 18.0, 18.0)


def print_css(large: bool) -> str:
    """Typography for paper, black and white (not the screen's style sheet)."""
    scale = LARGE_PT / NORMAL_PT if large else 1.0

    def pt(size: float) -> str:  # font sizes
        return f"{size * scale:.1f}pt"

    def px(size_pt: float) -> str:  # other lengths: Qt's rich text takes px (1/96 inch)
        return f"{size_pt * scale * 96 / 72:.0f}px"

    spacing = "160%" if large else "135%"
    sizes = LARGE_HEADING_PT if large else HEADING_PT
    space = ((4, 4), (14, 5), (10, 4), (8, 3), (8, 3), (8, 3))  # above, below (unscaled)
    # One rule per heading: Qt's rich text does not apply a rule to h5 and h6
    # when they share it with h4.
    headings = "\n".join(
        f"    h{n} {{ font-size: {size:.1f}pt; font-weight: 700; "
        f"margin-top: {px(above)}; margin-bottom: {px(below)}; }}"
        for n, (size, (above, below)) in enumerate(zip(sizes, space, strict=True), start=1)
    )
    return f"""
    p, li {{ line-height: {spacing}; }}
    p {{ margin-top: 0; margin-bottom: {px(6)}; }}
    li {{ margin-bottom: {px(3)}; }}
{headings}
    h1 {{ margin-top: 0; }}
    a {{ color: #000000; text-decoration: none; }}
    p.given {{ font-size: {pt(12)}; font-weight: 700; margin-bottom: {px(4)}; }}
    p.part {{ font-style: italic; margin-bottom: {px(8)}; }}
    p.warning {{ margin-bottom: {px(3)}; }}
    table.warning {{ border-color: #000000; margin-bottom: {px(8)}; }}
    p.byline {{ font-style: italic; margin-bottom: {px(6)}; }}
    p.comments-note {{ font-style: italic; }}
    p.word {{ margin-bottom: {px(4)}; }}
    p.note {{ font-style: italic; margin-top: {px(10)}; }}
    td.qr-text {{ padding-left: {px(10)}; vertical-align: middle; }}
    table {{ border-color: #777777; }}
    td, th {{ padding: {px(3)}; }}
    """


def heading_sizes_from_css(doc: QTextDocument) -> None:
    """Qt's rich text sizes headings relative to the text (h5 is smaller than it)
    and that relative size wins over the style sheet's; drop it so the sizes set in
    print_css are the ones printed."""
    adjustment = QTextFormat.Property.FontSizeAdjustment
    runs = [f for block, f in text_fragments(doc) if block.blockFormat().headingLevel()]
    for fragment in runs:
        fmt = fragment.charFormat()
        if fmt.hasProperty(adjustment):
            fmt.clearProperty(adjustment)
            cursor = QTextCursor(doc)
            cursor.setPosition(fragment.position())
            cursor.setPosition(
                fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor
            )
            cursor.setCharFormat(fmt)


# A printer, or a PDF writer: both are paged paint devices with a page layout.
PageDevice = QPrinter | QPdfWriter


def page_layout() -> QPageLayout:
    from desktop.paper import page_size  # A4 or Letter, as chosen (or the locale's)

    return QPageLayout(
        page_size(),
        QPageLayout.Orientation.Portrait,
        PAGE_MARGINS_MM,
        QPageLayout.Unit.Millimeter,
    )


def new_printer() -> QPrinter:
    """A printer for the print dialog to set up (this asks the system's printing
    service for its printers)."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setPageLayout(page_layout())
    return printer


def new_pdf_writer(path: Path, title: str) -> QPdfWriter:
    """A PDF file, written without asking the printing service anything."""
    writer = QPdfWriter(str(path))
    writer.setPageLayout(page_layout())
    writer.setResolution(300)
    writer.setTitle(title)
    writer.setCreator("OncoRef")
    return writer


def qr_image(text: str) -> QImage:
    """The address as a QR code, made here (segno), never fetched."""
    import segno

    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="png", scale=8, border=2)
    return QImage.fromData(out.getvalue())  # the format is told by the PNG signature


class HandoutPainter:
    """Lays a handout out for one printer and paints it, page by page."""

    def __init__(self, handout: Handout, printer: PageDevice) -> None:
        self.handout = handout
        self.printer = printer
        large = handout.options.large_print
        self.body_font = QFont()
        self.body_font.setPointSizeF(LARGE_PT if large else NORMAL_PT)
        self.small_font = QFont(self.body_font)
        self.small_font.setPointSizeF(12.0 if large else 8.5)

        page = printer.pageLayout().paintRectPixels(printer.resolution())
        line = QFontMetricsF(self.small_font, printer).height()
        self.line_height = line
        self.header_height = line * 1.8
        self.footer_height = line * 2.9  # two lines: dates and page; the advice note
        self.page_rect = QRectF(0, 0, page.width(), page.height())
        self.body = QRectF(
            0,
            self.header_height,
            page.width(),
            page.height() - self.header_height - self.footer_height,
        )
        self.doc = self._document()

    def _document(self) -> QTextDocument:
        doc = QTextDocument()
        doc.documentLayout().setPaintDevice(self.printer)
        doc.setDefaultFont(self.body_font)
        doc.setDefaultStyleSheet(print_css(self.handout.options.large_print))
        doc.setDocumentMargin(0)
        url = self.handout.doc.meta.url
        if url:
            doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl("qr"), qr_image(url))
        doc.setHtml(self.handout.body_html)
        heading_sizes_from_css(doc)
        if url:
            self._size_qr(doc)
        doc.setPageSize(QSizeF(self.body.width(), self.body.height()))
        keep_together(doc, self.body.height())
        keep_ending_together(doc, self.body.height(), ABOUT_HEADING)
        return doc

    def _size_qr(self, doc: QTextDocument) -> None:
        """About 25 mm square on paper, whatever the printer's resolution."""
        side = 25 / 25.4 * self.printer.resolution()
        for _, fragment in text_fragments(doc):
            fmt = fragment.charFormat()
            if fmt.isImageFormat() and fmt.toImageFormat().name() == "qr":
                image = fmt.toImageFormat()
                image.setWidth(side)
                image.setHeight(side)
                cursor = QTextCursor(doc)
                cursor.setPosition(fragment.position())
                cursor.setPosition(
                    fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor
                )
                cursor.setCharFormat(image)

    @property
    def page_count(self) -> int:
        # The layout is made lazily; measuring the last block finishes it.
        self.doc.documentLayout().blockBoundingRect(self.doc.lastBlock())
        return self.doc.pageCount()

    def paint(self, painter: QPainter) -> None:
        """Every page; the printer's first page is already begun by `painter`."""
        pages = self.page_count
        for number in range(1, pages + 1):
            if number > 1:
                self.printer.newPage()
            self._paint_page(painter, number, pages)

    def _paint_page(self, painter: QPainter, number: int, pages: int) -> None:
        painter.save()
        height = self.body.height()
        painter.translate(self.body.left(), self.body.top() - (number - 1) * height)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.clip = QRectF(0, (number - 1) * height, self.body.width(), height)
        painter.setClipRect(context.clip)
        self.doc.documentLayout().draw(painter, context)
        painter.restore()
        self._paint_running_text(painter, number, pages)

    def _paint_running_text(self, painter: QPainter, number: int, pages: int) -> None:
        """Header: title and source, the clinic on the right. Footer: review and print
        dates; under them the not-medical-advice note, "Page N of M" on the right.
        Left parts are shortened to fit, never run on."""
        header, footer = self.handout.running_text()
        options = self.handout.options
        clinic = " · ".join(p for p in (options.clinic, options.phone) if p)
        painter.save()
        painter.setFont(self.small_font)
        painter.setPen(QPen(QColor("#000000")))
        metrics = QFontMetricsF(self.small_font, self.printer)
        width = self.page_rect.width()
        band = self.line_height * 1.26
        top = QRectF(0, 0, width, band)
        note = QRectF(0, self.page_rect.height() - self.line_height, width, self.line_height)
        bottom = QRectF(0, note.top() - band, width, band)
        middle = Qt.AlignmentFlag.AlignVCenter
        advice = self.handout.footer_note()
        for rect, left, right in (
            (top, header, clinic),
            (bottom, footer, ""),
            (note, advice, f"Page {number} of {pages}"),
        ):
            room = width - (metrics.horizontalAdvance(right) + metrics.averageCharWidth() * 3)
            left = metrics.elidedText(left, Qt.TextElideMode.ElideRight, room if right else width)
            painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | middle, left)
            painter.drawText(rect, Qt.AlignmentFlag.AlignRight | middle, right)
        rule = QPen(QColor("#888888"))
        rule.setWidthF(max(1.0, self.printer.resolution() / 150))
        painter.setPen(rule)
        painter.drawLine(0, int(top.bottom()), int(width), int(top.bottom()))
        painter.drawLine(0, int(bottom.top()), int(width), int(bottom.top()))
        painter.restore()


def offscreen_application() -> QGuiApplication:
    """Qt without a window, for `oncoref print`: fonts and painting need an application."""
    app = QGuiApplication.instance()
    if app is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication([sys.argv[0] if sys.argv else "oncoref"])
    return app  # type: ignore[return-value]


class PdfHandouts:
    """`oncoref print`'s HandoutWriter: the clinic as set in the window, Qt offscreen."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings

    def clinic_details(self) -> tuple[str, str]:
        settings = self.settings or Settings()
        return settings.clinic, settings.phone

    def save_pdf(self, handout: Handout, path: Path) -> int:
        offscreen_application()
        return save_pdf(handout, path)


def print_handout(handout: Handout, printer: PageDevice, name: str = "") -> int:
    """Paint the handout on `printer`; returns the number of pages."""
    layout = HandoutPainter(handout, printer)
    painter = QPainter()
    if not painter.begin(printer):
        if isinstance(printer, QPrinter):
            name = name or printer.outputFileName() or printer.printerName()
        raise OSError(f"cannot print to {name or 'the printer'}")
    try:
        layout.paint(painter)
    finally:
        painter.end()
    return layout.page_count


def save_pdf(handout: Handout, path: Path) -> int:
    """Write the handout as a PDF; returns the number of pages."""
    path = Path(path)
    if not path.parent.is_dir():
        raise OSError(f"folder {path.parent} does not exist")
    if path.exists() and not path.is_file():
        # A device (/dev/full), a folder or a pipe: never replaced by a file.
        raise OSError(f"{path} is not a file")
    # Written beside and renamed over: a crash leaves the old file or the new one, and
    # a handout that fails half-way never replaces a good one.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        writer = new_pdf_writer(tmp, handout.title)
        pages = print_handout(handout, writer, str(path))
        del writer  # the file is complete once the writer is gone
        _check_complete(tmp)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return pages


def _check_complete(pdf: Path) -> None:
    """Qt reports no failed write (a full disk, a quota): a PDF ends with %%EOF, and
    one that does not was cut short. Synced, so the rename publishes all of it."""
    with pdf.open("rb+") as f:
        f.seek(0, os.SEEK_END)
        size = f.tell()
        f.seek(max(0, size - 64))
        if size < 64 or b"%%EOF" not in f.read():
            raise OSError("the PDF could not be written in full (is the disk full?)")
        os.fsync(f.fileno())


# -- page breaks ---------------------------------------------------------------------


def keep_together(doc: QTextDocument, page_height: float) -> None:
    """Move page breaks so headings stay with what follows them, and short lists,
    tables and paragraphs are not split. Each fix moves later text down, so the
    scan goes on from the block just fixed; text before it does not move."""
    layout = doc.documentLayout()

    def page_of(y: float) -> int:
        return int(y // page_height)

    def top(block: QTextBlock) -> float:
        return layout.blockBoundingRect(block).top()

    def bottom(block: QTextBlock) -> float:
        return layout.blockBoundingRect(block).bottom()

    def first_line_bottom(block: QTextBlock) -> float:
        lines = block.layout()
        rect = layout.blockBoundingRect(block)
        if lines.lineCount() == 0:
            return rect.bottom()
        return rect.top() + lines.lineAt(0).rect().bottom()

    def break_before(block: QTextBlock) -> QTextBlock:
        """Break before `block`, or before the headings (and a line ending in a colon,
        which introduces what follows) just above it."""
        while block.previous().isValid() and _leads_in(block.previous()):
            block = block.previous()
        if page_of(top(block)) * page_height == top(block):  # already at a page's top
            return block.next()
        cursor = QTextCursor(block)
        fmt = block.blockFormat()
        fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
        cursor.setBlockFormat(fmt)
        relayout_from(block.position())
        return block.next()

    def relayout_from(position: int) -> None:
        # Qt's lazy layout loses its place when a format changes half-way through it;
        # everything from the change on is laid out again.
        doc.markContentsDirty(position, doc.characterCount() - position)

    short = page_height * SHORT
    block = doc.begin()
    while block.isValid():
        table = _table_starting_at(doc, block)
        following = block.next()
        if block.blockFormat().headingLevel() and following.isValid():
            if page_of(first_line_bottom(following) - 1) != page_of(top(block)):
                block = break_before(block)
                continue
        elif table is not None:
            rect = layout.frameBoundingRect(table)
            natural = _natural_height(table, layout)  # a split row is taller than it is
            if natural < short and page_of(rect.top()) != page_of(rect.bottom() - 1):
                fmt = table.frameFormat()
                fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
                table.setFrameFormat(fmt)
                relayout_from(table.firstPosition())
                block = table.lastCursorPosition().block().next()
                continue
        elif block.textList() is not None and block.textList().item(0) == block:
            items = block.textList()
            last = items.item(items.count() - 1)
            if bottom(last) - top(block) < short and page_of(top(block)) != page_of(
                bottom(last) - 1
            ):
                block = break_before(block)
                continue
        elif (
            block.textList() is None
            and bottom(block) - top(block) < short / 2  # measured first: that lays it out
            and block.layout().lineCount() > 1
            and page_of(top(block)) != page_of(bottom(block) - 1)
        ):
            block = break_before(block)
            continue
        block = block.next()


def keep_ending_together(doc: QTextDocument, page_height: float, heading: str) -> None:
    """Start the part from `heading` to the end (About this handout: source, QR code
    and note) on a new page when it would be split and fits on one page."""
    layout = doc.documentLayout()
    block = doc.lastBlock()
    while block.isValid() and not (
        block.blockFormat().headingLevel() and block.text().strip() == heading
    ):
        block = block.previous()
    if not block.isValid():
        return
    start = layout.blockBoundingRect(block).top()
    end = layout.blockBoundingRect(doc.lastBlock()).bottom()
    if int(start // page_height) == int((end - 1) // page_height) or end - start > page_height:
        return
    cursor = QTextCursor(block)
    fmt = block.blockFormat()
    fmt.setPageBreakPolicy(QTextFormat.PageBreakFlag.PageBreak_AlwaysBefore)
    cursor.setBlockFormat(fmt)
    doc.markContentsDirty(block.position(), doc.characterCount() - block.position())


def _leads_in(block: QTextBlock) -> bool:
    return bool(block.blockFormat().headingLevel()) or (
        block.textList() is None and block.text().rstrip().endswith(":")
    )


def _natural_height(table: QTextTable, layout: QAbstractTextDocumentLayout) -> float:
    """The table's height on one page: its rows' tallest cells, added up."""
    total = 0.0
    for row in range(table.rows()):
        tallest = 0.0
        for column in range(table.columns()):
            cell = table.cellAt(row, column)
            block = cell.firstCursorPosition().block()
            last = cell.lastCursorPosition().block()
            height = 0.0
            while block.isValid():
                height += layout.blockBoundingRect(block).height()
                if block == last:
                    break
                block = block.next()
            tallest = max(tallest, height)
        total += tallest
    return total


def _table_starting_at(doc: QTextDocument, block: QTextBlock) -> QTextTable | None:
    cursor = QTextCursor(block)
    table = cursor.currentTable()
    if table is not None and table.cellAt(0, 0).firstCursorPosition().block() == block:
        return table
    return None
