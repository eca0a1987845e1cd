"""What a loader may spend on one file: bytes inflated, characters extracted, table cells, time.

No real report comes near these limits (the largest report tables have 17 columns and 30 rows; a
dense A4 page holds some 8,000 characters); a file that needs more is broken or built to exhaust
the machine, and is refused with one line naming it (:class:`~xxgk_audit.errors.InputError`)
before its memory is spent. The README's bad-input table lists every budget.
"""

from __future__ import annotations

import time
from typing import Iterator

from ..errors import InputError

MB = 1024 * 1024

# PDF: streams are inflated and counted before PDFium parses anything (pdf_streams.py)
PDF_CONTENT_STREAM_BYTES = 16 * MB  # one page content stream or form, inflated
PDF_CONTENT_BYTES = 64 * MB  # all content streams and forms of the document, inflated
PDF_OTHER_STREAM_BYTES = 64 * MB  # one font, object stream, cross-reference stream …, inflated
PDF_OTHER_BYTES = 256 * MB  # all of them together
PDF_STREAMS = 100_000  # streams in one file
PDF_PAGE_OPERATIONS = 200_000  # operators that make a page object (paint, show text, draw), forms expanded
PDF_PAGE_TEXT_BYTES = 400_000  # bytes of text strings shown on one page, forms expanded
PDF_OPERATIONS = 2_000_000  # the same operators in the whole document
PDF_PAGE_CHARS = 40_000  # characters on one page, as PDFium counts them
PDF_PAGE_OBJECTS = 200_000  # text and path objects on one page, forms included
# DOCX: each zip member is inflated with a running count (docx_package.py), never trusting its header
DOCX_PART_BYTES = 64 * MB  # one XML part (the body, styles, numbering …)
# HTML: markup is counted before lxml builds its tree (some 300 bytes per element)
HTML_ELEMENTS = 500_000  # "<" in one decoded page: an upper bound of its elements
# every format
DOCUMENT_CHARS = 2_000_000  # characters of text extracted from one file
TABLE_CELLS = 200_000  # table cells after expanding colspan/rowspan/gridSpan
TABLE_COLUMNS = 256  # columns of one table row after expanding spans
SECONDS = 60  # wall-clock time to read one file


def inflate_steps(inflater, raw, step: int) -> Iterator[bytes]:
    """The output of a zlib ``inflater`` over ``raw``, at most ``step`` bytes at a time, so that the
    caller counts it against a budget before a zip bomb is ever whole in memory (zlib.error from a
    damaged stream goes to the caller)."""
    view = memoryview(raw)
    position = 0
    while not inflater.eof:
        if inflater.unconsumed_tail:
            yield inflater.decompress(inflater.unconsumed_tail, step)
        elif position < len(view):
            yield inflater.decompress(view[position : position + step], step)
            position += step
        else:
            return


class Budget:
    """The allowance of one file; each ``spend_*`` raises InputError when it is exhausted."""

    __slots__ = ("path", "deadline", "chars", "cells")

    def __init__(self, path: str, seconds: float = SECONDS):
        self.path = path
        self.deadline = time.monotonic() + seconds
        self.chars = 0
        self.cells = 0

    def restart_clock(self) -> None:
        self.deadline = time.monotonic() + SECONDS

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise InputError(self.path, f"读取用时超过 {SECONDS} 秒的上限，文件结构异常（可能是恶意构造的文件），未读取")

    def spend_chars(self, count: int) -> None:
        self.chars += count
        if self.chars > DOCUMENT_CHARS:
            raise InputError(self.path, f"文字过多（超过 {DOCUMENT_CHARS // 10000} 万个字符），不像是一份年度报告，未读取")
        if self.chars >> 16 != (self.chars - count) >> 16:  # about every 65,000 characters
            self.check_time()

    def spend_cells(self, count: int) -> None:
        self.cells += count
        if self.cells > TABLE_CELLS:
            raise InputError(self.path, f"表格单元格过多（展开合并单元格后超过 {TABLE_CELLS // 10000} 万个），不像是一份年度报告，未读取")
        if self.cells >> 10 != (self.cells - count) >> 10:  # about every 1,000 cells
            self.check_time()

    def page_chars(self, page: int, count: int) -> None:
        """The characters of one PDF page, counted by PDFium before they are read."""
        if count > PDF_PAGE_CHARS:
            raise InputError(self.path, f"PDF 第{page}页文字过多（超过 {PDF_PAGE_CHARS} 个字符），不像是一份年度报告，未读取")
        self.spend_chars(max(count, 0))
        self.check_time()

    def page_objects(self, page: int, count: int) -> None:
        if count > PDF_PAGE_OBJECTS:
            raise InputError(self.path, f"PDF 第{page}页的图形和文字对象过多（超过 {PDF_PAGE_OBJECTS // 10000} 万个），不像是一份年度报告，未读取")
        self.check_time()
