"""Web pages as published: whole CMS pages, Word-pasted markup, nested tables, merged cells.

The page is parsed with lxml's HTML parser (comments, scripts, styles and hidden elements are
dropped: text a reader cannot see is not part of the report). Block-level elements and ``<br>``
end a line of text; ``<h1>``–``<h6>`` are headings. A table whose cells hold the page's prose
(a layout table) is read as flowing text; a data table becomes rows on a grid where ``colspan``
and ``rowspan`` are expanded, a spanning cell appearing once per row it covers (``inherited`` in
the rows below its first). Nested tables are read as tables of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from ..document import Block, CellText, Document
from ..errors import InputError
from . import pictures
from .budget import HTML_ELEMENTS, TABLE_COLUMNS, Budget
from .decode import decode

_SKIP = {"script", "style", "noscript", "template", "head", "iframe", "svg", "select", "option", "button", "object", "embed", "canvas", "map", "audio", "video"}
_BLOCK = {
    "p", "div", "section", "article", "header", "footer", "main", "aside", "nav", "ul", "ol", "li", "dl", "dt", "dd",
    "blockquote", "pre", "center", "form", "hr", "address", "figure", "figcaption", "fieldset", "caption", "tr", "td", "th",
    "tbody", "thead", "tfoot", "body", "html",
}
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
_HIDDEN_ATTRIBUTES = etree.XPath("//@hidden | //@aria-hidden")  # attributes: a quarter of the time of testing every element
_STYLES = etree.XPath("//@style")
_NOT_DIGIT = re.compile(r"\D")
_SPACE = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*>", re.I)
# the report's widest table has 17 columns, the longest 30 rows: larger spans are junk markup (or an
# attack: 5 MB of <td colspan=64 rowspan=200> grew a grid of millions of cells), and the grid is
# bounded as a whole (budget.TABLE_CELLS, budget.TABLE_COLUMNS)
_MAX_COLSPAN, _MAX_ROWSPAN = 32, 64
_LAYOUT_CELL_CHARS = 300  # a cell with more text than this is prose: the table is page layout
_META_TITLE = ("articletitle", "og:title", "title", "dc.title")
_META_DATE = ("pubdate", "publishdate", "firstpublishedtime", "dc.date", "article:published_time", "publishtime", "released")


def _tag_name(tag) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].rsplit(":", 1)[-1].lower() if ":" in tag or "}" in tag else tag.lower()


def _hidden(element) -> bool:
    if element.get("hidden") is not None or (element.get("aria-hidden") == "true" and element.tag != "span"):
        return True
    style = element.get("style")
    return bool(style and _HIDDEN.search(style))


def _prepare(root) -> None:
    """One pass over the tree before it is read: scripts, styles, comments and hidden elements
    removed; tag names lower-cased, XHTML namespaces dropped, and Word's prefixed tags (``<o:p>``)
    made inline; a space after every ``<br>`` so that text extraction keeps the break."""
    etree.strip_elements(root, *_SKIP, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    for element in root.iter():
        tag = element.tag
        if isinstance(tag, str) and (":" in tag or "}" in tag or not tag.islower()):
            name = _tag_name(tag)
            element.tag = "span" if ":" in tag and not tag.startswith("{") else name
    for element in root.iter("br"):  # lxml refuses control characters on assignment: they carry no text anyway
        element.tail = " " + _CONTROL.sub("", element.tail or "")
    # only elements with one of these attributes can be hidden, and most pages style most elements:
    # a style that says neither "none" nor "hidden" is not looked at further
    hidden = {id(e): e for e in (a.getparent() for a in _HIDDEN_ATTRIBUTES(root)) if e.tag != "br" and _hidden(e)}
    for style in _STYLES(root):
        lowered = style.lower()
        if ("none" in lowered or "hidden" in lowered) and (element := style.getparent()).tag != "br" and _hidden(element):
            hidden[id(element)] = element
    found = list(hidden.values())
    if len(found) > 1:  # removed in document order, as their tails are moved
        order = {id(e): n for n, e in enumerate(root.iter())}
        found.sort(key=lambda e: order[id(e)])
    for element in found:
        if element.getparent() is not None:
            _drop(element)


def _drop(element) -> None:
    """Remove an element but keep its tail text, which belongs to the visible parent."""
    parent, tail = element.getparent(), element.tail
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _text_content(element) -> str:
    return "".join(element.itertext())


def _clean(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def _inline_text(element) -> str:
    """Text of an element, nested tables excluded (the tree is prepared: nothing invisible is left)."""
    if element.find(".//table") is None:
        return _clean(_text_content(element))
    parts: list[str] = []

    def visit(node) -> None:
        if node.text:
            parts.append(node.text)
        for child in node:
            if child.tag != "table":
                visit(child)
            if child.tail:
                parts.append(child.tail)

    visit(element)
    return _clean("".join(parts))


def _own_rows(table) -> list:
    rows = []
    for child in table:
        if child.tag == "tr":
            rows.append(child)
        elif child.tag in ("thead", "tbody", "tfoot"):
            rows.extend(c for c in child if c.tag == "tr")
    return rows


def _cells(row) -> list:
    return [c for c in row if c.tag in ("td", "th")]


def _span(value: str | None, limit: int) -> int:
    """A rowspan/colspan as printed, within what a report table can have (junk markup is capped)."""
    if value is None:
        return 1  # most cells: no span printed
    digits = value if value.isascii() and value.isdigit() else _NOT_DIGIT.sub("", value)
    return max(1, min(int(digits[:6] or 1), limit))


def _is_layout_table(table) -> bool:
    for row in _own_rows(table):
        for cell in _cells(row):
            if cell.find(".//table") is not None or len(_clean(_text_content(cell))) > _LAYOUT_CELL_CHARS:
                return True
    return False


@dataclass
class _Flow:
    budget: Budget
    blocks: list[Block] = field(default_factory=list)
    buffer: list[str] = field(default_factory=list)
    line: int | None = None
    table_count: int = 0
    pictures: list[pictures.Picture] = field(default_factory=list)  # <img> of the text, in order

    def add(self, text: str | None, line: int | None) -> None:
        if text and text.strip():
            if self.line is None:
                self.line = line
            self.buffer.append(text)
        elif text:
            self.buffer.append(" ")

    def flush(self) -> None:
        text = _clean("".join(self.buffer))
        if text:
            self.budget.spend_chars(len(text))
            self.blocks.append(Block("text", text, line=self.line))
        self.buffer.clear()
        self.line = None

    def walk(self, element) -> None:
        tag = element.tag
        if not isinstance(tag, str):
            return
        line = element.sourceline
        if tag == "br":
            self.flush()
            return
        if tag == "img":
            self.flush()
            source = (element.get("src") or "").strip()
            if source:
                width = _span(element.get("width"), 10_000) if element.get("width") else 0
                self.pictures.append(pictures.Picture(len(self.blocks), source, width * _EMU_PER_CSS_PIXEL, line))
            return
        if tag in _HEADINGS:
            self.flush()
            text = _inline_text(element)
            if text:
                self.blocks.append(Block("heading", text, line=line, level=_HEADINGS[tag]))
            for table in element.iter("table"):
                self.table(table)
            return
        if tag == "table":
            self.flush()
            if _is_layout_table(element):
                for row in _own_rows(element):
                    for cell in _cells(row):
                        self.walk(cell)
                        self.flush()
            else:
                self.table(element)
            return
        block = tag in _BLOCK
        if block:
            self.flush()
        self.add(element.text, line)
        for child in element:
            self.walk(child)
            self.add(child.tail, child.sourceline or line)
        if block:
            self.flush()

    def table(self, table) -> None:
        """A data table: rows on the expanded grid, nested tables after their row."""
        index = self.table_count
        self.table_count += 1
        pending: dict[int, list] = {}  # column -> [CellText, rows still covered]
        nested = []
        for row_no, row in enumerate(_own_rows(table), 1):
            out: list[CellText] = []
            column = 0

            def carry() -> None:
                nonlocal column
                while column in pending:
                    cell, remaining = pending[column]
                    out.append(CellText(cell.text, line=cell.line, colspan=cell.colspan, inherited=True, table_no=index + 1, row_no=row_no, col_no=column + 1))
                    remaining -= 1
                    span = cell.colspan
                    for c in range(column, column + span):
                        entry = pending.get(c)
                        if entry is None or entry[0] is not cell:
                            continue  # a later spanning cell took this column over
                        if remaining:
                            entry[1] = remaining
                        else:
                            del pending[c]
                    column += span

            for cell in _cells(row):
                carry()
                colspan, rowspan = _span(cell.get("colspan"), _MAX_COLSPAN), _span(cell.get("rowspan"), _MAX_ROWSPAN)
                text = CellText(_inline_text(cell), line=cell.sourceline, colspan=colspan, table_no=index + 1, row_no=row_no, col_no=column + 1)
                out.append(text)
                if rowspan > 1:
                    for c in range(column, column + colspan):
                        pending[c] = [text, rowspan - 1]
                column += colspan
                nested.extend(t for t in cell.iter("table") if next(t.iterancestors("table"), None) is table)
            carry()
            self.budget.spend_cells(len(out))
            if column > TABLE_COLUMNS:
                raise InputError(self.budget.path, f"网页表格过宽（展开合并单元格后超过 {TABLE_COLUMNS} 列），不像是一份年度报告，未读取")
            if any(c.text for c in out):
                line = next((c.line for c in out if c.line and not c.inherited), row.sourceline)
                self.blocks.append(Block("row", " | ".join(c.text for c in out), line=line, cells=tuple(out), table=index))
        for inner in nested:
            self.flush()
            if _is_layout_table(inner):
                self.walk(inner)
            else:
                self.table(inner)


def _meta(root) -> dict[str, str]:
    meta: dict[str, str] = {}
    for element in root.iter("meta"):
        name = (element.get("name") or element.get("property") or "").strip().lower()
        content = _clean(element.get("content") or "")
        if not content:
            continue
        if name in _META_TITLE and "title" not in meta:
            meta["title"] = content
        elif name in _META_DATE and "published" not in meta:
            meta["published"] = content
    title = root.find(".//title")
    if title is not None and _clean(_text_content(title)):
        meta["html_title"] = _clean(_text_content(title))
    return meta


_EMU_PER_CSS_PIXEL = 9525  # a CSS pixel is 1/96 inch
_DATA_URI = re.compile(r"data:image/(?:png|jpe?g);base64,(?P<data>[A-Za-z0-9+/=\s]+)$", re.I)


def _picture(path: str, source: str) -> tuple[str, bytes] | None:
    """The bytes of an ``<img>``'s picture where the page holds them: a ``data:`` URI, or a file
    beside the page (a page saved with its pictures); nothing is fetched, and no file outside the
    page's folder is read."""
    import base64
    import binascii
    import os
    from urllib.parse import unquote, urlsplit

    from . import images

    match = _DATA_URI.match(source)
    if match:
        if len(match.group("data")) > images.MAX_BYTES * 4 // 3:
            return None
        try:
            return "（网页内嵌图片）", base64.b64decode(match.group("data"), validate=False)
        except (binascii.Error, ValueError):
            return None
    try:
        parts = urlsplit(source)
        if parts.scheme or parts.netloc or not parts.path or parts.path.startswith("/"):
            return None  # on a server: never fetched
        folder = os.path.dirname(os.path.realpath(path))
        target = os.path.realpath(os.path.join(folder, unquote(parts.path)))
        if os.path.commonpath([folder, target]) != folder or not os.path.isfile(target):
            return None
        if os.path.getsize(target) > images.MAX_BYTES:
            return None
        with open(target, "rb") as handle:
            return os.path.relpath(target, folder), handle.read()
    except (OSError, ValueError):  # a NUL in the name, a name no file system takes
        return None


def load(path: str, data: bytes, sha256: str) -> Document:
    text, encoding = decode(data)
    tags = text.count("<")  # every element starts with one (a few may be text)
    if tags > HTML_ELEMENTS:
        raise InputError(path, f"网页标签过多（{tags // 10000} 万个，上限 {HTML_ELEMENTS // 10000} 万个），不像是一份年度报告，未读取")
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=False)
    try:
        root = etree.fromstring(_XML_DECL.sub("", text, count=1) or "<html/>", parser)
    except (etree.ParserError, ValueError):
        root = None
    if root is None:
        return Document(path, sha256, "html", encoding, [], {}, meta={})
    meta = _meta(root)
    _prepare(root)
    flow = _Flow(Budget(path))
    body = root.find(".//body")
    flow.walk(body if body is not None else root)
    flow.flush()
    if flow.pictures:
        meta.update(pictures.insert_tables(path, flow.blocks, flow.pictures, lambda source: _picture(path, source)))
    return Document(
        path=path,
        sha256=sha256,
        format="html",
        encoding=encoding,
        blocks=flow.blocks,
        source_lines={n + 1: line for n, line in enumerate(text.splitlines())},
        meta=meta,
    )
