"""PDF reports with a text layer: lines of text and ruled tables, page by page, in reading order.

Tables are found on the *visible* rules of a page only: word processors (WPS, Word) also paint
white, unstroked rectangles behind every line and cell, which would turn each paragraph into a
one-column "table". A table cut by a page break often has no rule along the break; such open ends
are closed so that the first and last rows are not lost. Merged cells are expanded as in the HTML
loader: a cell spanning several columns appears once with ``colspan``, a cell spanning several rows
is repeated in the rows below it with ``inherited=True``. A table continued on the next page keeps
its index; the spanning labels of its last row are carried into the empty label cells at the top of
the next page, and a row split by the page break is joined again (:mod:`.pdf_tables`).

Text outside the table cells becomes one block per printed line; page footers ("- 1 -", "第1页 共5页")
are dropped. Every block and cell carries its 1-based page; ``Document.source_pages`` holds each
page's text as pdfplumber lays it out.

How the file is read, and why this way. The loader was first written on pdfplumber/pdfminer.six,
and pdfminer's pure-Python content-stream interpreter was almost all of its time: 86–92 ms for a
generated 3-page report, 214–230 ms for the corpus PDFs (after warm-up). Measured alternatives:

* pdfplumber used more cheaply (no layout analysis, one pass over the objects, no repeated
  ``extract_text``/``find_tables``): pdfminer's interpreter alone takes ~55 ms of the 90 ms before
  the first character reaches the loader, so 5× is out of reach whatever the loader does after;
* PDFium through pypdfium2 (Apache-2.0/BSD, binary wheels; already installed as a pdfplumber
  dependency) parses a page in C in 0.5–1.5 ms. Its characters (origin, matrix, font size, the
  font's PDF widths and descent) and path objects are turned into pdfplumber's geometry
  (:mod:`.pdf_content`), and pdfplumber's text assembly and explicit-rule table finder are
  reproduced on them without its per-object dictionaries and all-pairs scans (:mod:`.pdf_text`,
  :mod:`.pdf_tables`). Fonts a PDF does not embed get a 340-byte placeholder font
  (:mod:`.pdf_fonts`), so PDFium neither loads a 20 MB system CJK font per document (10–30 ms)
  nor, on a machine without CJK fonts, drops one-character text objects.

This one won: ~12 ms for a generated report, 24–30 ms for a corpus PDF, and the CLI starts faster
(pypdfium2 imports in half pdfplumber's time). pdfplumber is no longer needed at run time.

Checked against the pdfplumber version on 351 PDFs (the corpus, 320 generated reports, the 28 PDFs
the unit tests write): character boxes agree within 0.01 pt, rules within 0.0001 pt, and every
Document (blocks, cells, pages, source text, metadata) is identical; rotated pages and Form
XObjects too. Where PDFium itself reads text differently, the loader keeps
PDFium's reading, which is the better one: it maps compatibility ideographs to the unified ones
(Kangxi radical "⼈" → "人", as Chromium's "print to PDF" writes them), drops a text object drawn a
second time over itself (fake bold), and uses ActualText where a PDF gives it; and for Type3 fonts
(Chromium again) the vertical box comes from the font size, not from each subfont's bounding box, so
digits no longer fall onto lines of their own. On 60 Chromium-printed reports the parsed cells and
the findings are the same as before. The metadata (title, creation date) is read from the raw Info
dictionary where possible, so titles stored in GB18030 or UTF-8 without a byte order mark decode
as before; PDFium's decoding is the fallback (encrypted files, object streams).
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

from ..document import Block, Document
from ..errors import InputError
from . import pdf_content, pdf_streams, scans
from .budget import MB, Budget
from .pdf_content import Char
from .pdf_tables import Grid, align_columns, carry_labels, closing_edges, continues, find_tables, grid, join_lines, join_split_row, split_row
from .pdf_text import page_text, text_lines
from .text import _is_footer as _is_text_footer

__all__ = ["MAX_PAGES", "join_lines", "load"]

MAX_PAGES = 200
_MIN_CHARS = 10  # fewer characters in the whole file: no text layer
_EOF_WINDOW = 2048  # a complete PDF ends with %%EOF within this many bytes
_HEADING_RATIO = 1.25  # a line printed this much larger than the body text is a heading

_BROKEN = "PDF 文件已损坏或不完整"
_NO_TEXT = "PDF 没有文字层（可能是扫描件），请先进行文字识别（OCR）"
_NO_TEXT_RECOGNIZED = "PDF 没有文字层，文字识别（OCR）也未识别出文字：请提供更清晰的扫描件，或网页、Word 版本"
_UNMAPPED = "PDF 的文字无法正确提取（字体缺少字符映射），请先进行文字识别（OCR）或提供网页、Word 版本"
_TOO_LARGE = {
    "content": "PDF 页面内容解压后过大（超过 {mb} MB 的上限），疑似恶意文件（压缩炸弹），未读取",
    "other": "PDF 内嵌数据（字体、对象流等）解压后过大（超过 {mb} MB 的上限），疑似恶意文件（压缩炸弹），未读取",
    "page_operations": "PDF 某一页的绘图和文字指令过多（超过 {limit} 条），不像是一份年度报告，未读取",
    "page_text": "PDF 某一页的文字内容过多（超过 {limit} 字节），不像是一份年度报告，未读取",
    "operations": "PDF 全文的绘图和文字指令过多（超过 {limit} 条），不像是一份年度报告，未读取",
    "streams": "PDF 内的数据流过多（超过 {limit} 个），不像是一份年度报告，未读取",
    "dictionaries": "PDF 结构异常（数据流的字典过大或过多），不像是一份年度报告，未读取",
}
_UNMAPPED_ENCRYPTED = "PDF 已加密（限制复制），文字无法正确提取：请提供未加密的版本"

_EXTRA_FOOTERS = (
    re.compile(r"^\s*[—\-–－]?\s*第?\s*\d{1,4}\s*页?\s*/\s*共?\s*\d{1,4}\s*页?\s*[—\-–－]?\s*$"),
    re.compile(r"^\s*共\s*\d{1,4}\s*页\s*[,，]?\s*第\s*\d{1,4}\s*页\s*$"),
    re.compile(r"^\s*page\s*\d{1,4}(\s*of\s*\d{1,4})?\s*$", re.I),
)
_PDF_DATE = re.compile(r"^(?:D:)?(\d{4})(\d{2})(\d{2})")


def _is_footer(text: str) -> bool:
    return _is_text_footer(text) or any(p.match(text) for p in _EXTRA_FOOTERS)


def _dedupe(chars: list[Char]) -> list[Char]:
    """Drop characters painted twice at the same place (fake bold)."""
    keys = [(c.text, round(c.x0), round(c.top)) for c in chars]
    if len(set(keys)) == len(keys):
        return chars
    seen = set()
    out = []
    for char in chars:
        key = (char.text, round(char.x0), round(char.top))
        if key not in seen:
            seen.add(key)
            out.append(char)
    return out


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
    open_grid: Grid | None = None  # a table that ran to the end of the previous page
    open_block: Block | None = None
    heads: dict[int, list[tuple[str, ...]]] = field(default_factory=dict)  # each table's header rows
    chars: int = 0
    unmapped: int = 0  # glyphs without a character ("(cid:123)"): the font has no Unicode map
    blank_pages: list[int] = field(default_factory=list)

    def page(self, page: pdf_content.Page) -> None:
        number = page.number
        chars = _dedupe(page.chars)  # spaces too: they separate words in the lines
        printed = sum(1 for c in chars if c.text.strip())
        self.chars += printed
        self.unmapped += sum(1 for c in chars if c.text.startswith("(cid:"))
        if not printed:
            self.blank_pages.append(number)
            self.open_grid = None
            return
        grids, used = self._tables(page, chars)
        rest = [c for c in chars if id(c) not in used] if used else chars
        lines = self._lines(rest)
        self._continue(grids, lines)
        self._emit(number, grids, lines)
        text = page_text(page.chars)
        wrapped = [n for found in grids for n in found.wrapped]
        # a number wrapped over two lines of a narrow cell is one number of the page (SOURCE-GATE)
        self.pages[number] = text + "\n" + " ".join(wrapped) if wrapped else text

    @staticmethod
    def _tables(page: pdf_content.Page, chars: list[Char]) -> tuple[list[Grid], set[int]]:
        vertical, horizontal = page.vertical, page.horizontal
        horizontal = horizontal + closing_edges(vertical, horizontal)
        if len(vertical) < 2 or len(horizontal) < 2:
            return [], set()
        grids, used = [], set()
        for cells in find_tables(vertical, horizontal):
            found, ids = grid(cells, chars, page.number)
            if found.is_layout() or not any(found.has_own_text(r) for r in range(len(found.tops))):
                continue
            grids.append(found)
            used |= ids
        return grids, used

    @staticmethod
    def _lines(chars: list[Char]) -> list[_Line]:
        lines = []
        for text, top, own in text_lines(chars):
            text = text.replace("\u3000", " ").strip()
            if not text or _is_footer(text):
                continue
            lines.append(_Line(text, top, statistics.median(c.size for c in own)))
        return lines

    def _continue(self, grids: list[Grid], lines: list[_Line]) -> None:
        """Link the first table of the page to the table that ended the previous page."""
        previous, self.open_grid = self.open_grid, None
        if previous is None or not grids:
            return
        first = min(grids, key=lambda g: g.bbox[1])
        if any(line.top < first.bbox[1] for line in lines):
            return
        align_columns(previous, first)
        if not continues(previous, first):
            return
        first.drop_repeated_header(self.heads.get(previous.index, []))
        first.index = previous.index
        if split_row(previous, first) and self.blocks and self.blocks[-1] is self.open_block:
            self.blocks.pop()
            joined = join_split_row(previous, first)
            if joined and previous.page in self.pages:
                self.pages[previous.page] += "\n" + " ".join(joined)
        carry_labels(previous, first)

    def _emit(self, number: int, grids: list[Grid], lines: list[_Line]) -> None:
        items: list[tuple[float, int, object]] = [(line.top, 0, line) for line in lines]
        for found in grids:
            if found.index < 0:
                found.index = self.tables
                self.heads[found.index] = found.header_rows()
                self.tables += 1
            items += [(found.tops[r], 1, (found, r)) for r in range(len(found.tops))]
        items.sort(key=lambda item: (item[0], item[1]))
        on_page = {id(found): n for n, found in enumerate(sorted(grids, key=lambda g: g.bbox[1]), 1)}
        last_block = None
        for _, _, item in items:
            if isinstance(item, _Line):
                block = Block("text", item.text, page=number)
                self.lines.append((block, item.size))
                last_block = None
                self.blocks.append(block)
                continue
            found, row = item
            if not found.has_own_text(row):
                continue
            cells = tuple(found.row_cells(row, on_page[id(found)]))
            block = Block("row", " | ".join(c.text for c in cells), page=number, cells=cells, table=found.index)
            self.blocks.append(block)
            last_block = (found, block)
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


# -- metadata ------------------------------------------------------------------------------------
_INFO_REF = re.compile(rb"/Info\s*(\d+)\s+(\d+)\s+R")
_INFO_KEYS = (b"Title", b"CreationDate", b"ModDate")
_ESCAPES = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}
_DELIMITERS = b"()<>[]{}/% \t\r\n\f\0"


def _literal(data: bytes, at: int) -> tuple[bytes, int]:
    """A PDF literal string starting after its "(": the bytes, and the position after ")"."""
    out = bytearray()
    depth = 1
    while at < len(data):
        byte = data[at]
        at += 1
        if byte == 0x5C:  # backslash
            if at >= len(data):
                break
            escaped = data[at]
            at += 1
            if escaped in _ESCAPES:
                out += _ESCAPES[escaped]
            elif 0x30 <= escaped <= 0x37:
                digits = bytes([escaped])
                while len(digits) < 3 and at < len(data) and 0x30 <= data[at] <= 0x37:
                    digits += bytes([data[at]])
                    at += 1
                out.append(int(digits, 8) & 0xFF)
            elif escaped == 0x0D:  # a line continuation
                if at < len(data) and data[at] == 0x0A:
                    at += 1
            elif escaped != 0x0A:
                out.append(escaped)
        elif byte == 0x28:
            depth += 1
            out.append(byte)
        elif byte == 0x29:
            depth -= 1
            if depth == 0:
                return bytes(out), at
            out.append(byte)
        else:
            out.append(byte)
    raise ValueError("unterminated string")


def _raw_info(data: bytes) -> dict[str, bytes]:
    """Title and dates as the bytes stored in the trailer's Info dictionary (when it is a plain,
    unencrypted object with direct strings); empty where the file keeps them otherwise."""
    refs = _INFO_REF.findall(data, max(0, len(data) - 65536)) or _INFO_REF.findall(data)
    if not refs:
        return {}
    number, generation = refs[-1]
    starts = list(re.finditer(rb"(?<![0-9])" + number + rb"\s+" + generation + rb"\s+obj\s*<<", data))
    if not starts:
        return {}
    at = starts[-1].end()
    limit = min(len(data), at + 65536)
    found: dict[str, bytes] = {}
    depth = 1  # dictionaries and arrays
    key = None  # the key whose value comes next, at the top level
    try:
        while at < limit and depth > 0:
            byte = data[at]
            if byte in b" \t\r\n\f\0":
                at += 1
            elif byte == 0x25:  # a comment
                while at < limit and data[at] not in b"\r\n":
                    at += 1
            elif byte == 0x2F:  # /Name: a key, or the value of one
                end = at + 1
                while end < limit and data[end] not in _DELIMITERS:
                    end += 1
                if depth == 1:
                    key = data[at + 1 : end] if key is None else None
                at = end
            elif byte == 0x28 or (byte == 0x3C and not data.startswith(b"<<", at)):  # (literal) or <hex>
                if byte == 0x28:
                    value, at = _literal(data, at + 1)
                else:
                    end = data.index(b">", at)
                    digits = re.sub(rb"[^0-9A-Fa-f]", b"", data[at + 1 : end])
                    value, at = bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode()), end + 1
                if depth == 1 and key is not None:
                    if key in _INFO_KEYS:
                        found[key.decode()] = value
                    key = None
            elif data.startswith(b"<<", at) or byte == 0x5B:
                key = None if depth == 1 else key
                depth += 1
                at += 2 if byte == 0x3C else 1
            elif data.startswith(b">>", at) or byte == 0x5D:
                depth -= 1
                at += 2 if byte == 0x3E else 1
            else:  # a number, reference, boolean: the value of the pending key, if any
                end = at + 1
                while end < limit and data[end] not in _DELIMITERS:
                    end += 1
                if depth == 1:
                    key = None
                at = end
    except (ValueError, IndexError):
        return {}
    return found


def _decode_info(value) -> str | None:
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


def _metadata(data: bytes, contents: pdf_content.Contents) -> dict[str, str]:
    raw = {} if contents.encrypted else _raw_info(data)
    info = {key: _decode_info(raw[key]) if key in raw else contents.info.get(key) for key in ("Title", "CreationDate", "ModDate")}
    meta = {}
    title = _sensible(info["Title"])
    if title:
        meta["title"] = title
    created = _pdf_date(info["CreationDate"]) or _pdf_date(info["ModDate"])
    if created:
        meta["pdf_created"] = created
    return meta


# -- the file ------------------------------------------------------------------------------------
def _contents(path: str, data: bytes, budget: Budget) -> pdf_content.Contents:
    def scan(copy: bytes) -> None:
        _check_streams(path, copy, budget)

    _check_streams(path, data, budget)
    try:
        return pdf_content.read(data, MAX_PAGES, budget, scan_decrypted=scan)
    except pdf_content.PasswordRequired:
        raise InputError(path, "PDF 已加密，需要密码才能打开：请提供未加密的版本") from None
    except pdf_content.UnknownEncryption:
        raise InputError(path, "PDF 已加密（加密方式无法识别），无法读取：请提供未加密的版本") from None
    except pdf_content.TooManyPages as exc:
        raise InputError(path, f"PDF 共 {exc.count} 页，超过 {MAX_PAGES} 页的上限，不像是一份年度报告，未读取") from None
    except (pdf_content.Broken, ValueError, OSError, MemoryError):
        raise InputError(path, _BROKEN) from None


def _check_streams(path: str, data: bytes, budget: Budget) -> None:
    """The inflated size of every stream, counted before PDFium parses any (:mod:`.pdf_streams`)."""
    try:
        pdf_streams.check(data, budget.check_time)
    except pdf_streams.TooLarge as exc:
        raise InputError(path, _TOO_LARGE[exc.what].format(limit=exc.limit, mb=exc.limit // MB)) from None


def load(path: str, data: bytes, sha256: str) -> Document:
    if b"%%EOF" not in data[-_EOF_WINDOW:]:
        raise InputError(path, _BROKEN + "（文件末尾缺少结束标记，可能下载不完整）")
    budget = Budget(path)
    contents = _contents(path, data, budget)
    recognized = scans.recognize_scans(path, data, sha256, contents)  # scanned pages, with the OCR extra
    if recognized:
        budget.restart_clock()  # recognition keeps its own time limit (scans.MAX_SECONDS)
    reader = _Reader()
    for page in contents.pages:
        budget.check_time()
        reader.page(page)
    if reader.chars - reader.unmapped < _MIN_CHARS:
        no_text = _NO_TEXT_RECOGNIZED if recognized else _NO_TEXT + scans.ocr.install_hint()
        raise InputError(path, no_text if not reader.unmapped else _UNMAPPED_ENCRYPTED if contents.encrypted else _UNMAPPED)
    if reader.unmapped > reader.chars / 2:
        raise InputError(path, _UNMAPPED_ENCRYPTED if contents.encrypted else _UNMAPPED)
    reader.headings()
    meta = _metadata(data, contents)
    meta.update(recognized)
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
