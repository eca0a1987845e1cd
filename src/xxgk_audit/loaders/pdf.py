"""PDF reports with a text layer: lines of text and ruled tables, page by page, in reading order.

Tables are found on the *visible* rules of a page only: word processors (WPS, Word) also paint
white, unstroked rectangles behind every line and cell, which would turn each paragraph into a
one-column "table". A table cut by a page break often has no rule along the break; such open ends
are closed so that the first and last rows are not lost. Merged cells are expanded as in the HTML
loader: a cell spanning several columns appears once with ``colspan``, a cell spanning several rows
is repeated in the rows below it with ``inherited=True``. A table continued on the next page keeps
its index; the spanning labels of its last row are carried into the empty label cells at the top of
the next page, and a row split by the page break is joined again.

Text outside the table cells becomes one block per printed line; page footers ("- 1 -", "第1页 共5页")
are dropped. Every block and cell carries its 1-based page; ``Document.source_pages`` holds each
page's text as pdfplumber lays it out.
"""

from __future__ import annotations

import io
import logging
import re
import statistics
import struct
import unicodedata
import zlib
from bisect import bisect_left, bisect_right
from collections import Counter
from dataclasses import dataclass, field

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdftypes import resolve1
from pdfminer.psexceptions import PSException
from pdfplumber.utils import extract_text, obj_to_edges
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException
from pdfplumber.utils.text import chars_to_textmap

from ..document import Block, CellText, Document
from ..errors import InputError
from .text import _is_footer as _is_text_footer

# pdfminer logs recoverable damage ("Data-loss while decompressing corrupted data") as warnings;
# without a handler of the application's, Python would print them bare on stderr next to the audit.
logging.getLogger("pdfminer").addHandler(logging.NullHandler())

MAX_PAGES = 200
_MIN_CHARS = 10  # fewer characters in the whole file: no text layer
_EOF_WINDOW = 2048  # a complete PDF ends with %%EOF within this many bytes
_TOL = 3.0  # points: how far apart two rules may be and still meet
_THIN = 3.0  # points: a filled rectangle this thin is a drawn rule
_WHITE = 0.97
_ALIGN = 15.0  # points: how far a continued table's left/right edges may move between pages
_MAX_RULES = 1500  # more rules than this on a page: a drawing, no open tables are closed
_HEADING_RATIO = 1.25  # a line printed this much larger than the body text is a heading

# Exceptions pdfminer/pdfplumber raise on malformed input; each is turned into an InputError.
_PDF_ERRORS = (
    PdfminerException,
    MalformedPDFException,
    PSException,
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    AssertionError,
    ArithmeticError,
    RecursionError,
    EOFError,
    OSError,
    NotImplementedError,
    UnicodeError,
    struct.error,
    zlib.error,
)
_BROKEN = "PDF 文件已损坏或不完整"
_NO_TEXT = "PDF 没有文字层（可能是扫描件），请先进行文字识别（OCR）"
_UNMAPPED = "PDF 的文字无法正确提取（字体缺少字符映射），请先进行文字识别（OCR）或提供网页、Word 版本"
_UNMAPPED_ENCRYPTED = "PDF 已加密（限制复制），文字无法正确提取：请提供未加密的版本"

_EXTRA_FOOTERS = (
    re.compile(r"^\s*[—\-–－]?\s*第?\s*\d{1,4}\s*页?\s*/\s*共?\s*\d{1,4}\s*页?\s*[—\-–－]?\s*$"),
    re.compile(r"^\s*共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页\s*$"),
    re.compile(r"^\s*page\s*\d{1,4}(\s*of\s*\d{1,4})?\s*$", re.I),
)
_ORDINAL = re.compile(r"^\s*(?:[（(]\s*[一二三四五六七八九十\d]{1,3}\s*[)）]|[一二三四五六七八九十]{1,3}\s*[、.．]|\d{1,2}\s*[、.．])")
_VALUE = re.compile(r"^[+\-]?[\d,，.]+\s*(?:万元|元|件|项|个|条|次)?$|^[—\-–－/／\\]+$|^无$")
_WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef\u2018-\u201d\u2026\u2014]")
_PDF_DATE = re.compile(r"^(?:D:)?(\d{4})(\d{2})(\d{2})")


# -- small helpers ------------------------------------------------------------------------------
def _is_footer(text: str) -> bool:
    return _is_text_footer(text) or any(p.match(text) for p in _EXTRA_FOOTERS)


def _is_value(text: str) -> bool:
    folded = unicodedata.normalize("NFKC", text).strip()
    return bool(folded) and bool(_VALUE.match(folded))


def _is_label(text: str) -> bool:
    return bool(text.strip()) and not _is_value(text)


def join_lines(text: str) -> str:
    """One cell's lines as one string: no space where either side is CJK (wrapped or vertical text)."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if not lines:
        return ""
    out = lines[0]
    for line in lines[1:]:
        glue = "" if _WIDE.match(out[-1]) or _WIDE.match(line[0]) else " "
        out += glue + line
    return out


def _is_white(color) -> bool:
    if color is None or isinstance(color, str):
        return False  # no colour set (black) or a pattern
    values = [color] if isinstance(color, (int, float)) else list(color)
    if not values or not all(isinstance(v, (int, float)) for v in values):
        return False
    if len(values) == 4:  # CMYK
        return max(values) <= 1 - _WHITE
    return min(values) >= _WHITE


def _visible(obj: dict) -> bool:
    """Whether a line, rectangle or curve shows on paper as a rule."""
    stroked = obj.get("stroke", obj["object_type"] == "line") and not _is_white(obj.get("stroking_color"))
    if stroked:
        return True
    thin = min(obj.get("width", 0), obj.get("height", 0)) <= _THIN
    return bool(obj.get("fill")) and thin and not _is_white(obj.get("non_stroking_color"))


def _dedupe(chars: list[dict]) -> list[dict]:
    """Drop characters painted twice at the same place (fake bold)."""
    seen = set()
    out = []
    for char in chars:
        key = (char["text"], round(char["x0"]), round(char["top"]))
        if key not in seen:
            seen.add(key)
            out.append(char)
    return out


# -- rules and the table grid --------------------------------------------------------------------
def _visible_edges(page) -> tuple[list[dict], list[dict]]:
    vertical, horizontal = [], []
    for obj in (*page.lines, *page.rects, *page.curves):
        if not _visible(obj):
            continue
        for edge in obj_to_edges(obj):
            (vertical if edge["orientation"] == "v" else horizontal).append(edge)
    return vertical, horizontal


def _meets(vertical: dict, y: float, horizontal: list[dict]) -> bool:
    x = vertical["x0"]
    return any(abs(h["top"] - y) <= _TOL and h["x0"] - _TOL <= x <= h["x1"] + _TOL for h in horizontal)


def _continued(v: dict, side: str, vertical: list[dict]) -> bool:
    """Whether another vertical segment carries on from this end of ``v`` (rules drawn cell by cell)."""
    other = "bottom" if side == "top" else "top"
    return any(w is not v and abs(w["x0"] - v["x0"]) <= _TOL and abs(w[other] - v[side]) <= _TOL for w in vertical)


def _crosses(h: dict, verticals: list[dict]) -> bool:
    hits = [v for v in verticals if v["top"] - _TOL <= h["top"] <= v["bottom"] + _TOL and h["x0"] - _TOL <= v["x0"] <= h["x1"] + _TOL]
    return len(hits) >= 2


def _closing_edges(vertical: list[dict], horizontal: list[dict]) -> list[dict]:
    """Horizontal rules where a table runs open off a page (no rule drawn along the page break).

    Vertical rules whose ends lie on one height form a group; when one of them ends in the open,
    a rule is added across the whole group, provided horizontal rules cross the group elsewhere
    (a ruled table, not a few vertical strokes).
    """
    if len(vertical) > _MAX_RULES or len(horizontal) > _MAX_RULES:
        return []  # a drawing, not a table: not worth the quadratic search
    ends: dict[str, list[tuple[float, dict, bool]]] = {"top": [], "bottom": []}
    for v in vertical:
        if v["bottom"] - v["top"] < 2 * _TOL:
            continue
        for side in ("top", "bottom"):
            if not _continued(v, side, vertical):
                ends[side].append((v[side], v, not _meets(v, v[side], horizontal)))
    closing = []
    for side, found in ends.items():
        found.sort(key=lambda item: item[0])
        groups: list[list[tuple[float, dict, bool]]] = []
        for item in found:
            if groups and item[0] - groups[-1][-1][0] <= _TOL:
                groups[-1].append(item)
            else:
                groups.append([item])
        for group in groups:
            edges = [v for _, v, _ in group]
            if len(edges) < 2 or not any(is_open for *_, is_open in group) or not any(_crosses(h, edges) for h in horizontal):
                continue
            y = max(item[0] for item in group) if side == "bottom" else min(item[0] for item in group)
            x0, x1 = min(v["x0"] for v in edges), max(v["x0"] for v in edges)
            closing.append({"object_type": "line_edge", "orientation": "h", "x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0})
    return closing


@dataclass(slots=True)
class _Slot:
    """A cell as drawn: its text and the grid positions it covers."""

    text: str
    row: int
    col: int
    rowspan: int
    colspan: int
    page: int
    inherited: bool = False  # its text continues a cell of the previous page


@dataclass
class _Grid:
    page: int
    bbox: tuple[float, float, float, float]
    tops: list[float]
    ncols: int
    cover: list[list[_Slot | None]]  # [row][column] -> the cell covering that position
    index: int = -1  # the document's table number, shared by the parts of a table over pages

    def origin(self, row: int, col: int) -> _Slot | None:
        slot = self.cover[row][col]
        return slot if slot is not None and slot.row == row and slot.col == col else None

    def row_cells(self, row: int) -> list[CellText]:
        cells: list[CellText] = []
        col = 0
        while col < self.ncols:
            slot = self.cover[row][col]
            if slot is None:
                cells.append(CellText("", page=self.page))
                col += 1
                continue
            if slot.col != col:
                col += 1
                continue
            cells.append(CellText(slot.text, page=slot.page, colspan=slot.colspan, inherited=slot.inherited or slot.row != row))
            col += slot.colspan
        return cells

    def has_own_text(self, row: int) -> bool:
        return any(s is not None and s.row == row and not s.inherited and s.text for s in self.cover[row])


def _span(bounds: list[float], low: float, high: float) -> tuple[int, int]:
    start = bisect_left(bounds, low - _TOL)
    end = bisect_right(bounds, high - _TOL)
    return start, max(1, end - start)


def _grid(table, chars: list[dict], number: int) -> tuple[_Grid, set[int]]:
    """The table's cells on a row/column grid, with their text; and the ids of the chars used."""
    cells = sorted(table.cells, key=lambda c: (c[1], c[0]))
    xs = sorted({round(c[0], 1) for c in cells})
    tops = sorted({round(c[1], 1) for c in cells})
    cover: list[list[_Slot | None]] = [[None] * len(xs) for _ in tops]
    x0, top, x1, bottom = table.bbox
    inside = sorted(
        (((c["top"] + c["bottom"]) / 2, (c["x0"] + c["x1"]) / 2, c) for c in chars if top <= (c["top"] + c["bottom"]) / 2 <= bottom and x0 <= (c["x0"] + c["x1"]) / 2 <= x1),
        key=lambda item: item[0],
    )
    ys = [item[0] for item in inside]
    used: set[int] = set()
    for cx0, ctop, cx1, cbottom in cells:
        row, rowspan = _span(tops, ctop, cbottom)
        col, colspan = _span(xs, cx0, cx1)
        if row >= len(tops) or col >= len(xs):
            continue
        own = [c for y, x, c in inside[bisect_left(ys, ctop) : bisect_right(ys, cbottom)] if cx0 <= x < cx1 and ctop <= y < cbottom]
        used.update(id(c) for c in own)
        text = join_lines(extract_text(own)) if own else ""
        slot = _Slot(text, row, col, min(rowspan, len(tops) - row), min(colspan, len(xs) - col), number)
        for r in range(row, row + slot.rowspan):
            for c in range(col, col + slot.colspan):
                if cover[r][c] is None:
                    cover[r][c] = slot
    return _Grid(number, table.bbox, tops, len(xs), cover), used


def _is_layout_grid(grid: _Grid) -> bool:
    """A frame around text rather than a table: one column, or every row a single cell."""
    if grid.ncols < 2:
        return True
    return all(len({id(s) for s in row if s is not None}) <= 1 for row in grid.cover)


# -- continuing a table over a page break -------------------------------------------------------
def _label_columns(grid: _Grid, row: int) -> int:
    """Columns left of the first value cell of a row."""
    for col in range(grid.ncols):
        slot = grid.cover[row][col]
        if slot is not None and slot.col == col and _is_value(slot.text):
            return col
    return grid.ncols


def _label_right_of(grid: _Grid, row: int, col: int, end: int) -> bool:
    return any((s := grid.cover[row][c]) is not None and s.col == c and c > col and _is_label(s.text) for c in range(col + 1, end))


def _continues(previous: _Grid, grid: _Grid) -> bool:
    return (
        previous.ncols == grid.ncols
        and abs(previous.bbox[0] - grid.bbox[0]) <= _ALIGN
        and abs(previous.bbox[2] - grid.bbox[2]) <= _ALIGN
    )


def _split_row(previous: _Grid, grid: _Grid) -> bool:
    """Whether the first row of ``grid`` is the rest of the last row of ``previous``.

    Word lets a tall row break across pages: its label goes on under the break, and its values
    stand either before the break or after it. Both parts then have the same cells; where both
    parts hold text, it is label text, and the lower part does not start a new item ("（七）", "3.").
    """
    last = len(previous.tops) - 1
    values_below = values_above = False
    only_label_text_below = True
    for col in range(grid.ncols):
        before, after = previous.origin(last, col), grid.origin(0, col)
        top_text = before.text if before else ""
        bottom_text = after.text if after else ""
        if top_text and bottom_text:
            if before.colspan != after.colspan or not (_is_label(top_text) and _is_label(bottom_text)) or _ORDINAL.match(bottom_text):
                return False
        elif bottom_text:
            only_label_text_below = False
            values_below = values_below or _is_value(bottom_text)
        values_above = values_above or _is_value(top_text)
    if values_below:
        return True
    has_text_below = any(s is not None and s.row == 0 and s.text for s in grid.cover[0])
    return values_above and only_label_text_below and has_text_below


def _join_split_row(previous: _Grid, grid: _Grid) -> None:
    """Put the two parts of a row cut by the page break together, in the lower part's cells."""
    last = len(previous.tops) - 1
    for col in range(grid.ncols):
        before, after = previous.cover[last][col], grid.origin(0, col)
        if before is None or before.col != col:
            continue
        if after is None and grid.cover[0][col] is None and before.text:
            after = _Slot("", 0, col, 1, 1, grid.page)
            grid.cover[0][col] = after
        if after is None:
            continue
        if not after.text:
            after.text, after.page, after.inherited = before.text, before.page, before.inherited or before.row != last
        elif before.text and before.row == last:
            after.text, after.page = join_lines(before.text + "\n" + after.text), before.page


def _carry_labels(previous: _Grid, grid: _Grid) -> None:
    """Fill the top row's label cells that continue a spanning label cell of the previous page."""
    last = len(previous.tops) - 1
    end = _label_columns(grid, 0)
    before_end = _label_columns(previous, last)
    for col in range(min(end, before_end)):
        after, before = grid.origin(0, col), previous.cover[last][col]
        if after is None or before is None or before.col != col or not _is_label(before.text):
            continue
        if not _label_right_of(grid, 0, col, end):
            continue
        if not after.text:
            after.text, after.page, after.inherited = before.text, before.page, True
        elif _is_label(after.text) and not _ORDINAL.match(after.text) and _label_right_of(previous, last, col, before_end):
            after.text, after.page, after.inherited = join_lines(before.text + "\n" + after.text), before.page, True


# -- pages ---------------------------------------------------------------------------------------
@dataclass
class _Line:
    text: str
    top: float
    size: float


@dataclass
class _Reader:
    blocks: list[Block] = field(default_factory=list)
    pages: dict[int, str] = field(default_factory=dict)
    lines: list[tuple[Block, float]] = field(default_factory=list)  # text blocks with their font size
    tables: int = 0
    open_grid: _Grid | None = None  # a table that ran to the end of the previous page
    open_block: Block | None = None
    chars: int = 0
    unmapped: int = 0  # glyphs without a character ("(cid:123)"): the font has no Unicode map
    blank_pages: list[int] = field(default_factory=list)

    def page(self, number: int, page) -> None:
        chars = _dedupe(page.chars)  # spaces too: they separate words in the lines
        printed = sum(1 for c in chars if c["text"].strip())
        self.chars += printed
        self.unmapped += sum(1 for c in chars if c["text"].startswith("(cid:"))
        if not printed:
            self.blank_pages.append(number)
            self.open_grid = None
            return
        grids, used = self._tables(page, chars, number)
        rest = [c for c in chars if id(c) not in used]
        lines = self._lines(rest)
        self._continue(grids, lines)
        self._emit(number, grids, lines)
        self.pages[number] = page.extract_text() or ""

    def _tables(self, page, chars: list[dict], number: int) -> tuple[list[_Grid], set[int]]:
        vertical, horizontal = _visible_edges(page)
        horizontal += _closing_edges(vertical, horizontal)
        if len(vertical) < 2 or len(horizontal) < 2:
            return [], set()
        settings = {
            "vertical_strategy": "explicit",
            "horizontal_strategy": "explicit",
            "explicit_vertical_lines": vertical,
            "explicit_horizontal_lines": horizontal,
        }
        grids, used = [], set()
        for table in page.find_tables(settings):
            grid, ids = _grid(table, chars, number)
            if _is_layout_grid(grid) or not any(grid.has_own_text(r) for r in range(len(grid.tops))):
                continue
            grids.append(grid)
            used |= ids
        return grids, used

    @staticmethod
    def _lines(chars: list[dict]) -> list[_Line]:
        if not chars:
            return []
        lines = []
        for found in chars_to_textmap(chars).extract_text_lines(strip=True, return_chars=True):
            text = found["text"].replace("\u3000", " ").strip()
            if not text or _is_footer(text):
                continue
            size = statistics.median(c["size"] for c in found["chars"])
            lines.append(_Line(text, found["top"], size))
        return lines

    def _continue(self, grids: list[_Grid], lines: list[_Line]) -> None:
        """Link the first table of the page to the table that ended the previous page."""
        previous, self.open_grid = self.open_grid, None
        if previous is None or not grids:
            return
        first = min(grids, key=lambda g: g.bbox[1])
        if any(line.top < first.bbox[1] for line in lines) or not _continues(previous, first):
            return
        first.index = previous.index
        if _split_row(previous, first) and self.blocks and self.blocks[-1] is self.open_block:
            self.blocks.pop()
            _join_split_row(previous, first)
        _carry_labels(previous, first)

    def _emit(self, number: int, grids: list[_Grid], lines: list[_Line]) -> None:
        items: list[tuple[float, int, object]] = [(line.top, 0, line) for line in lines]
        for grid in grids:
            if grid.index < 0:
                grid.index = self.tables
                self.tables += 1
            items += [(grid.tops[r], 1, (grid, r)) for r in range(len(grid.tops))]
        items.sort(key=lambda item: (item[0], item[1]))
        last_block = None
        for _, _, item in items:
            if isinstance(item, _Line):
                block = Block("text", item.text, page=number)
                self.lines.append((block, item.size))
                last_block = None
                self.blocks.append(block)
                continue
            grid, row = item
            if not grid.has_own_text(row):
                continue
            cells = tuple(grid.row_cells(row))
            block = Block("row", " | ".join(c.text for c in cells), page=number, cells=cells, table=grid.index)
            self.blocks.append(block)
            last_block = (grid, block)
        if last_block is not None:
            self.open_grid, self.open_block = last_block

    def headings(self) -> None:
        """Lines printed clearly larger than the body text become headings."""
        sizes = Counter()
        for block, size in self.lines:
            sizes[round(size)] += len(block.text)
        if not sizes:
            return
        body = sizes.most_common(1)[0][0]
        for block, size in self.lines:
            if size >= body * _HEADING_RATIO and len(block.text) <= 60:
                block.kind = "heading"
                block.level = 1 if size >= body * 1.5 else 2


# -- the file ------------------------------------------------------------------------------------
def _decode_info(value) -> str | None:
    value = resolve1(value)
    if isinstance(value, str):
        return value
    if not isinstance(value, bytes) or not value:
        return None
    for bom, codec in ((b"\xfe\xff", "utf-16-be"), (b"\xff\xfe", "utf-16-le"), (b"\xef\xbb\xbf", "utf-8")):
        if value.startswith(bom):
            return value[len(bom) :].decode(codec, errors="replace")
    for codec in ("utf-8", "gb18030"):
        try:
            return value.decode(codec)
        except UnicodeDecodeError:
            continue
    return value.decode("latin-1")


def _sensible(text: str | None) -> str | None:
    if not text:
        return None
    text = re.sub(r"\s+", " ", text).strip()
    if not text or "\ufffd" in text or any(unicodedata.category(ch) in ("Cc", "Co", "Cs") for ch in text):
        return None
    if not re.search(r"[\u4e00-\u9fff]", text) and not re.search(r"[A-Za-z]{3}", text):
        return None
    return text


def _pdf_date(text: str | None) -> str | None:
    match = _PDF_DATE.match((text or "").strip())
    if not match:
        return None
    year, month, day = (int(g) for g in match.groups())
    if 1990 <= year <= 2100 and 1 <= month <= 12 and 1 <= day <= 31:
        return f"{year:04d}-{month:02d}-{day:02d}"
    return None


def _metadata(pdf) -> dict[str, str]:
    info: dict = {}
    try:
        for entry in pdf.doc.info:
            info.update(entry)
        raw = {key: _decode_info(value) for key, value in info.items()}
    except _PDF_ERRORS:
        return {}
    meta = {}
    title = _sensible(raw.get("Title"))
    if title:
        meta["title"] = title
    created = _pdf_date(raw.get("CreationDate")) or _pdf_date(raw.get("ModDate"))
    if created:
        meta["pdf_created"] = created
    return meta


def _page_count(pdf) -> int | None:
    try:
        count = resolve1(resolve1(pdf.doc.catalog.get("Pages")).get("Count"))
    except _PDF_ERRORS:
        return None
    return count if isinstance(count, int) else None


def _open(path: str, data: bytes):
    try:
        return pdfplumber.open(io.BytesIO(data))
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect):
            raise InputError(path, "PDF 已加密，需要密码才能打开：请提供未加密的版本") from None
        if isinstance(cause, PDFEncryptionError):
            raise InputError(path, "PDF 已加密（加密方式无法识别），无法读取：请提供未加密的版本") from None
        raise InputError(path, _BROKEN) from None
    except _PDF_ERRORS:
        raise InputError(path, _BROKEN) from None


def _read(path: str, pdf) -> _Reader:
    count = _page_count(pdf)
    if count is not None and count > MAX_PAGES:
        raise InputError(path, f"PDF 共 {count} 页，超过 {MAX_PAGES} 页的上限，不像是一份年度报告，未读取")
    pages = pdf.pages
    if len(pages) > MAX_PAGES:
        raise InputError(path, f"PDF 共 {len(pages)} 页，超过 {MAX_PAGES} 页的上限，不像是一份年度报告，未读取")
    if not pages:
        raise InputError(path, _BROKEN)
    reader = _Reader()
    for number, page in enumerate(pages, 1):
        try:
            reader.page(number, page)
        finally:
            page.close()
    return reader


def load(path: str, data: bytes, sha256: str) -> Document:
    if b"%%EOF" not in data[-_EOF_WINDOW:]:
        raise InputError(path, _BROKEN + "（文件末尾缺少结束标记，可能下载不完整）")
    pdf = _open(path, data)
    try:
        meta = _metadata(pdf)
        encrypted = pdf.doc.encryption is not None
        reader = _read(path, pdf)
    except _PDF_ERRORS:
        raise InputError(path, _BROKEN) from None
    finally:
        pdf.close()
    if reader.chars - reader.unmapped < _MIN_CHARS:
        raise InputError(path, _NO_TEXT if not reader.unmapped else _UNMAPPED_ENCRYPTED if encrypted else _UNMAPPED)
    if reader.unmapped > reader.chars / 2:
        raise InputError(path, _UNMAPPED_ENCRYPTED if encrypted else _UNMAPPED)
    reader.headings()
    meta["pages"] = str(len(reader.pages) + len(reader.blank_pages))
    if reader.blank_pages:
        meta["pages_without_text"] = ", ".join(str(n) for n in reader.blank_pages)
    return Document(
        path=path,
        sha256=sha256,
        format="pdf",
        encoding=None,
        blocks=reader.blocks,
        source_pages=reader.pages,
        meta=meta,
    )
