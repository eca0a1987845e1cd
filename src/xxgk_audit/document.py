"""What every loader produces: a report as an ordered list of blocks, each with its location.

A block is a line of text (a heading or a paragraph) or a table row. A table row keeps its cells as
printed, in reading order, each cell once (a cell spanning several columns is one cell); a label
cell that spans several rows (rowspan, vertical merge) is repeated in the rows below it with
``inherited=True``. Nothing here interprets the report: that is the parser's job.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field, replace
from typing import Iterator, Literal

BlockKind = Literal["heading", "text", "row"]


@dataclass(frozen=True, slots=True)
class OcrBox:
    """Where a cell of a scanned page was read by OCR (text recognition).

    ``box`` is (x0, top, x1, bottom) in points from the top-left corner of the page as recognized
    (after the skew correction); ``confidence`` the recognizer's mean probability of the cell's
    characters. ``suspect`` marks a value the recognizer may have misread: "low" (low confidence),
    "confusable" (a digit whose typical confusion — 0/6/8, 1/7, 5/6 … — the recognizer also
    considered) or "width" (its box is a digit wider than the number it read: a digit printed twice
    in a row read once); ``readings`` are the texts the printed value may then be. ``image`` is the box as a
    ``data:image/png;base64,…`` URI, for the memo (value cells only).
    """

    page: int
    box: tuple[float, float, float, float]
    text: str
    confidence: float
    suspect: str | None = None
    readings: tuple[str, ...] = ()
    image: str = field(default="", repr=False, compare=False)
    file: str | None = None  # the page's image file, when the report is a folder of page images


@dataclass(slots=True)
class CellText:
    text: str
    line: int | None = None  # 1-based line in the decoded source (text, HTML)
    page: int | None = None  # 1-based page (PDF)
    colspan: int = 1
    inherited: bool = False  # repeated from a cell above that spans this row
    column: int | None = None  # character offset in its line, for cells cut out of running text
    # where the cell sits in the table as a reader sees it (HTML, DOCX, PDF), all counted from 1:
    # the table's number in the page (PDF: on its page), its row (every printed row counts), and
    # its column on the expanded grid (merged cells widen the grid)
    table_no: int | None = None
    row_no: int | None = None
    col_no: int | None = None
    ocr: OcrBox | None = None  # read by OCR from a scanned page: the box, text and confidence
    bbox: tuple[float, float, float, float] | None = None  # PDF: the cell's box on its page (x0, top, x1, bottom; points from the top left)


@dataclass(slots=True)
class Block:
    kind: BlockKind
    text: str
    line: int | None = None
    page: int | None = None
    cells: tuple[CellText, ...] = ()
    table: int | None = None  # index of the source table a row belongs to (HTML, PDF, DOCX)
    level: int | None = None  # heading level, where the source marks one
    column: int = 0  # offset of ``text`` within its source line (for blocks cut out of a line)

    @property
    def where(self) -> str:
        return place(self.line, self.page)

    def with_cells(self, cells: tuple[CellText, ...]) -> "Block":
        """The same row with only ``cells`` (a column set aside), its text made of them."""
        return replace(self, cells=cells, text=" | ".join(cell.text for cell in cells))



@dataclass
class Document:
    path: str
    sha256: str
    format: str  # txt | md | html | pdf | docx
    encoding: str | None
    blocks: list[Block]
    # source lines as the auditor would see them (decoded text; HTML markup; PDF page text), used by
    # SOURCE-GATE to check that every number re-appears where it was read
    source_lines: dict[int, str] = field(default_factory=dict, repr=False)
    source_pages: dict[int, str] = field(default_factory=dict, repr=False)
    meta: dict[str, str] = field(default_factory=dict)  # title, published, metadata of the container

    def source_at(self, line: int | None, page: int | None, span: int = 0) -> str:
        """The source text at a location: a page, or ``span`` lines from ``line`` on."""
        if page is not None and page in self.source_pages:
            return self.source_pages[page]
        if line is None:
            return ""
        return "\n".join(self.source_lines.get(n, "") for n in range(line, line + span + 1))


_TAG = re.compile(r"<[^>]*>")


def table_runs(blocks: list[Block]) -> Iterator[tuple[list[Block], Block | None]]:
    """The blocks in order, each table's consecutive rows together: ``(rows, None)`` for a run of
    rows of one table, ``([], block)`` for any other block."""
    run: list[Block] = []
    for block in blocks:
        if block.kind == "row" and (not run or block.table == run[-1].table):
            run.append(block)
            continue
        if run:
            yield run, None
        run = [block] if block.kind == "row" else []
        if block.kind != "row":
            yield [], block
    if run:
        yield run, None


def place(
    line: int | None,
    page: int | None,
    table_no: int | None = None,
    row_no: int | None = None,
    col_no: int | None = None,
) -> str:
    """Where something was printed, as an auditor finds it: 第3页第1个表格第5行第3列 (PDF),
    第2个表格第5行第3列 (web page, Word document), 第58行 (text), 第58行第3列 (a Markdown or
    tab-separated table row)."""
    grid = ""
    if table_no is not None and row_no is not None:
        grid = f"第{table_no}个表格第{row_no}行" + (f"第{col_no}列" if col_no is not None else "")
    if page is not None:
        return f"第{page}页{grid}"
    if grid:
        return grid
    if line is not None:
        return f"第{line}行" + (f"第{col_no}列" if col_no is not None else "")
    return "位置不详"


def strip_tags(markup: str) -> str:
    return _TAG.sub(" ", markup)


_MD_BREAK = re.compile(r"<br\s*/?>", re.I)
# CommonMark: a backslash before ASCII punctuation (\\| stays: it is a pipe inside a table cell, for the
# table reader to keep when it cuts the row)
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{}~])")
_MD_MATH_NUMBER = re.compile(r"\$\s*([+-]?\d[\d,.]*)\s*\$")  # $12$: a number set as math by a converter
_MD_ENTITY = re.compile(r"&(?:#\d{1,6}|#x[0-9a-fA-F]{1,6}|[A-Za-z]{2,8});")


def markdown_inline(text: str) -> str:
    """A line of Markdown as its reader sees it: a line break tag is a space, character references
    are their characters, backslash escapes their punctuation, a number set as math the number."""
    if "<" in text:
        text = _MD_BREAK.sub(" ", text)
    if "&" in text:
        text = _MD_ENTITY.sub(lambda m: html.unescape(m.group()), text)
    if "\\" in text:
        text = _MD_ESCAPE.sub(r"\1", text)
    if "$" in text:
        text = _MD_MATH_NUMBER.sub(r"\1", text)
    return text.replace("\u00a0", " ")
