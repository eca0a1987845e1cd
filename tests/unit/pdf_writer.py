"""Write small PDFs the way word processors lay out reports, for the PDF loader tests.

Text is drawn with reportlab's built-in CJK font (STSong-Light, no font file needed). Like WPS and
Word exports, every line and every cell gets a white unstroked background rectangle, a table that
runs over a page break has no rule along the break (unless ``close_breaks``), and pages carry a
"- n -" footer. A cell text may contain "\\f": the part after it is printed on the next page, in the
continuation of the cell (a merged label cut by the page break).
"""

from __future__ import annotations

import io

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from report_grid import SECTIONS, TITLE, Grid, report_tables

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))
PAGE_W, PAGE_H = A4
MARGIN = 72
WIDTHS = {"t2": [150, 100, 100, 100], "t3": [30, 80, 130, 40, 30, 30, 30, 30, 30, 30], "t4": [30] * 15}


def wrap(text: str, width: float, size: float) -> list[str]:
    per = max(1, int((width - 4) // size))
    return [text[i : i + per] for i in range(0, len(text), per)] or [""]


class Writer:
    """Lines of text and ruled grids, top-down, page by page."""

    def __init__(self, close_breaks: bool = False, backgrounds: bool = True, page_height: float = PAGE_H, footer: str = "- {n} -", **options):
        self.buffer = io.BytesIO()
        self.height = page_height
        self.canvas = canvas.Canvas(self.buffer, pagesize=(PAGE_W, page_height), **options)
        self.top = MARGIN
        self.page = 1
        self.close_breaks = close_breaks
        self.backgrounds = backgrounds
        self.footer = footer

    def _white(self, x: float, top: float, width: float, height: float) -> None:
        if self.backgrounds:
            self.canvas.setFillColorRGB(1, 1, 1)
            self.canvas.rect(x, self.height - top - height, width, height, stroke=0, fill=1)
            self.canvas.setFillColorRGB(0, 0, 0)

    def _footer(self) -> None:
        if self.footer:
            self.canvas.setFont(FONT, 9)
            self.canvas.drawCentredString(PAGE_W / 2, 40, self.footer.format(n=self.page))

    def new_page(self) -> None:
        self._footer()
        self.canvas.showPage()
        self.page += 1
        self.top = MARGIN

    def text(self, line: str, size: float = 10) -> None:
        if self.top + size + 6 > self.height - MARGIN:
            self.new_page()
        self._white(MARGIN, self.top, PAGE_W - 2 * MARGIN, size + 6)
        self.canvas.setFont(FONT, size)
        self.canvas.drawString(MARGIN, self.height - self.top - size - 2, line)
        self.top += size + 6

    def grid(self, grid: Grid, widths: list[float], size: float = 5, breaks: set[int] = frozenset()) -> None:
        """A ruled table; a page break before each row in ``breaks`` and wherever the page is full."""
        xs = [MARGIN]
        for width in widths:
            xs.append(xs[-1] + width)
        heights = [12.0] * grid.rows
        for cell in grid.cells:
            if cell.rowspan == 1:
                lines = len(wrap(cell.text, xs[cell.col + cell.colspan] - xs[cell.col], size))
                heights[cell.row] = max(heights[cell.row], lines * (size + 1) + 4)
        on_page: dict[int, float] = {}
        starts = True
        for row in range(grid.rows):
            if on_page and (self.top + heights[row] > self.height - MARGIN or row in breaks):
                self._cells(grid, xs, heights, on_page, size, starts, ends=False)
                self.new_page()
                on_page, starts = {}, False
            on_page[row] = self.top
            self.top += heights[row]
        self._cells(grid, xs, heights, on_page, size, starts, ends=True)
        self.top += 8

    def _cells(self, grid: Grid, xs, heights, on_page: dict[int, float], size: float, starts: bool, ends: bool) -> None:
        """The parts of the cells on this page; no rule along a page break unless close_breaks."""
        first, last = min(on_page), max(on_page)
        c, h = self.canvas, self.height
        c.setLineWidth(0.5)
        for cell in grid.cells:
            low, high = max(cell.row, first), min(cell.row + cell.rowspan - 1, last)
            if low > high:
                continue
            x0, x1 = xs[cell.col], xs[cell.col + cell.colspan]
            y0, y1 = on_page[low], on_page[high] + heights[high]
            self._white(x0, y0, x1 - x0, y1 - y0)
            c.line(x0, h - y0, x0, h - y1)
            c.line(x1, h - y0, x1, h - y1)
            if (low == cell.row and (low > first or starts)) or (low == first and self.close_breaks):
                c.line(x0, h - y0, x1, h - y0)
            if (high == cell.row + cell.rowspan - 1 and (high < last or ends)) or (high == last and self.close_breaks):
                c.line(x0, h - y1, x1, h - y1)
            parts = cell.text.split("\f")
            part = parts[0] if low == cell.row else parts[1] if len(parts) > 1 and low == first else None
            if part:
                c.setFont(FONT, size)
                for i, line in enumerate(wrap(part, x1 - x0, size)):
                    c.drawString(x0 + 2, h - (y0 + 2 + size + i * (size + 1)), line)

    def save(self) -> bytes:
        self._footer()
        self.canvas.showPage()
        self.canvas.save()
        return self.buffer.getvalue()


def report_pdf(values: dict, **options) -> bytes:
    """A whole 2021-format report: title, the six sections, 表二/三/四 as ruled tables."""
    writer = Writer(**options)
    writer.text(TITLE, 14)
    tables = report_tables(values)
    for key, title in SECTIONS.items():
        writer.text(title, 12)
        writer.text("本节正文。")
        table = {"s2": "t2", "s3": "t3", "s4": "t4"}.get(key)
        if table:
            writer.grid(tables[table], WIDTHS[table])
    return writer.save()
