"""Word documents (DOCX): paragraphs and tables in body order.

The body is read in order (``w:p`` and ``w:tbl``, inside content controls too). A paragraph is a
heading when its style is a heading style (Heading 1…9, 标题 1…, or an outline level), text
otherwise; a soft line break splits it into several blocks. List numbers that Word generates from
the numbering definitions ("一、", "（一）", "1.") are put back in front of the text, as a reader
sees them. Tables are expanded like the HTML loader's: a cell spanning columns (``gridSpan``)
appears once with ``colspan``, a vertically merged cell (``vMerge``) is repeated in the rows below
with ``inherited=True``; nested tables follow the row that holds them; a table that only frames
prose (one column, or very long cells) is read as text. Text a reader cannot see (hidden runs,
deleted revisions) is left out.

DOCX has no pages or printed line numbers: each paragraph and table row gets a synthetic 1-based
``line`` (its index in body order) and ``Document.source_lines[line]`` holds its text.

The ZIP container is checked before it is parsed: too large in total or too highly compressed
(a "zip bomb") is refused, as is a ZIP file that is not a Word document.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field

import docx
from docx.opc.exceptions import OpcError
from lxml import etree

from ..document import Block, CellText, Document
from ..errors import InputError

MB = 1024 * 1024
MAX_UNCOMPRESSED = 200 * MB
MAX_RATIO = 100  # uncompressed : compressed, for members above RATIO_MIN_SIZE
RATIO_MIN_SIZE = 10 * MB
MAX_MEMBERS = 10000
_LAYOUT_CELL_CHARS = 300  # a cell with more text than this is prose: the table is page layout

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_SKIP = {"del", "moveFrom", "delText", "instrText", "pPr", "rPr", "txbxContent", "footnoteReference", "endnoteReference", "commentReference"}
_CONTAINERS = {"sdt", "sdtContent", "customXml", "smartTag", "ins", "moveTo"}
_HEADING_NAME = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.I)
_TITLE_NAMES = {"title", "标题"}
_WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef\u2018-\u201d\u2026\u2014]")
_DOCX_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    etree.XMLSyntaxError,
    OpcError,
    KeyError,
    ValueError,
    TypeError,
    AttributeError,
    IndexError,
    NotImplementedError,
    RuntimeError,
    EOFError,
    OSError,
    UnicodeError,
)
_BROKEN = "DOCX 文件已损坏或不完整"
_NOT_DOCX = "不是 Word（DOCX）文档"
_OTHER_ZIPS = (
    ("xl/workbook.xml", "这是 Excel（XLSX）文件，不是 Word（DOCX）文档"),
    ("ppt/presentation.xml", "这是 PowerPoint（PPTX）文件，不是 Word（DOCX）文档"),
    ("content.xml", "这是 OpenDocument（ODT/WPS 另存）文件，不是 Word（DOCX）文档：请另存为 DOCX 或 PDF 后再审核"),
)


def _tag(element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _w(name: str) -> str:
    return f"{{{_W}}}{name}"


def _val(element, name: str) -> str | None:
    child = element.find(_w(name)) if element is not None else None
    return child.get(_w("val")) if child is not None else None


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def join_lines(parts: list[str]) -> str:
    """Pieces of one cell as one string: no space where either side is CJK (the PDF loader's rule)."""
    pieces = [p.strip() for p in parts if p and p.strip()]
    if not pieces:
        return ""
    out = pieces[0]
    for piece in pieces[1:]:
        out += ("" if _WIDE.match(out[-1]) or _WIDE.match(piece[0]) else " ") + piece
    return out


# -- the container ---------------------------------------------------------------------------------
def check_zip(path: str, data: bytes) -> None:
    """Refuse a ZIP that is not a DOCX, or whose contents would inflate beyond reason."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError):
        raise InputError(path, _BROKEN) from None
    if len(members) > MAX_MEMBERS:
        raise InputError(path, f"DOCX 压缩包内文件过多（{len(members)} 个），疑似恶意文件，未读取")
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED:
        raise InputError(path, f"DOCX 解压后过大（{total / MB:.0f} MB，上限 {MAX_UNCOMPRESSED // MB} MB），疑似恶意压缩文件（zip 炸弹），未读取")
    for member in members:
        if member.file_size > RATIO_MIN_SIZE and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            ratio = member.file_size / max(member.compress_size, 1)
            raise InputError(path, f"DOCX 内文件压缩比异常（{member.filename}：{ratio:.0f}∶1），疑似恶意压缩文件（zip 炸弹），未读取")
    names = {m.filename for m in members}
    if "word/document.xml" not in names:
        reason = next((r for name, r in _OTHER_ZIPS if name in names), f"{_NOT_DOCX}（是 ZIP 压缩包，但不含 Word 正文）")
        raise InputError(path, reason)
    if any(m.flag_bits & 0x1 for m in members):
        raise InputError(path, "DOCX 文件已加密，需要密码才能打开：请提供未加密的版本")


# -- styles and numbering ------------------------------------------------------------------------
@dataclass(slots=True)
class _Style:
    name: str
    based_on: str | None
    num_id: str | None
    ilvl: int | None
    outline: int | None


def _styles(styles_element) -> dict[str, _Style]:
    found = {}
    if styles_element is None:
        return found
    for style in styles_element.iter(_w("style")):
        style_id = style.get(_w("styleId"))
        if not style_id:
            continue
        ppr = style.find(_w("pPr"))
        numpr = ppr.find(_w("numPr")) if ppr is not None else None
        outline = _val(ppr, "outlineLvl")
        found[style_id] = _Style(
            name=(_val(style, "name") or "").strip(),
            based_on=_val(style, "basedOn"),
            num_id=_val(numpr, "numId"),
            ilvl=_int(_val(numpr, "ilvl"), 0) if _val(numpr, "ilvl") is not None else None,
            outline=_int(outline, 9) if outline is not None else None,
        )
    return found


def _style_chain(styles: dict[str, _Style], style_id: str | None):
    seen = set()
    while style_id and style_id in styles and style_id not in seen:
        seen.add(style_id)
        yield style_id, styles[style_id]
        style_id = styles[style_id].based_on


_CN_DIGITS = "零一二三四五六七八九"
_CN_LEGAL = "零壹贰叁肆伍陆柒捌玖"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"


def _chinese(n: int, digits: str = _CN_DIGITS, ten: str = "十") -> str:
    """一 … 十, 十一 … 九十九, 一百 … 九百九十九 (larger counters are printed as digits)."""
    if n <= 0 or n >= 1000:
        return str(n)
    if n < 10:
        return digits[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else digits[tens]) + ten + (digits[ones] if ones else "")
    hundreds, rest = divmod(n, 100)
    head = digits[hundreds] + ("佰" if digits == _CN_LEGAL else "百")
    if rest == 0:
        return head
    if rest < 10:
        return head + "零" + digits[rest]
    return head + (digits[1] if rest < 20 else "") + _chinese(rest, digits, ten)


def _roman(n: int) -> str:
    if not 0 < n < 4000:
        return str(n)
    out = ""
    for value, numeral in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + numeral, n - value
    return out


def _letters(n: int) -> str:
    if n <= 0:
        return str(n)
    letter = chr(ord("a") + (n - 1) % 26)
    return letter * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    """A list counter as Word prints it in the given ``w:numFmt``."""
    fmt = fmt or "decimal"
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting", "taiwaneseCountingThousand"):
        return _chinese(n)
    if fmt in ("chineseLegalSimplified", "japaneseLegal"):
        return _chinese(n, _CN_LEGAL, "拾")
    if fmt == "ideographDigital" or fmt == "taiwaneseDigital" or fmt == "japaneseDigitalTenThousand":
        return "".join("〇" if d == "0" else _CN_DIGITS[int(d)] for d in str(n))
    if fmt in ("ideographTraditional",):
        return _STEMS[(n - 1) % 10] if n > 0 else str(n)
    if fmt in ("ideographZodiac",):
        return _BRANCHES[(n - 1) % 12] if n > 0 else str(n)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese", "ideographEnclosedCircle"):
        return _CIRCLED[n - 1] if 0 < n <= len(_CIRCLED) else str(n)
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return "".join(chr(ord(d) + 0xFEE0) for d in str(n))
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt in ("decimalEnclosedParen",):
        return f"({n})"
    if fmt in ("decimalEnclosedFullstop",):
        return f"{n}."
    return str(n)


@dataclass(slots=True)
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = ""
    legal: bool = False
    style: str | None = None
    suffix: str = "tab"


def _level(lvl) -> _Level:
    fmt_element = lvl.find(_w("numFmt"))
    if fmt_element is None:  # newer formats sit in mc:AlternateContent, with a fallback
        fmt_element = lvl.find(f"{{{_MC}}}AlternateContent/{{{_MC}}}Fallback/{{{_W}}}numFmt")
    text = lvl.find(_w("lvlText"))
    return _Level(
        start=_int(_val(lvl, "start"), 1),
        fmt=(fmt_element.get(_w("val")) if fmt_element is not None else None) or "decimal",
        text=(text.get(_w("val")) if text is not None else None) or "",
        legal=lvl.find(_w("isLgl")) is not None,
        style=_val(lvl, "pStyle"),
        suffix=_val(lvl, "suff") or "tab",
    )


class Numbering:
    """Counters of Word's list numbering, replayed in body order."""

    def __init__(self, numbering_element, styles: dict[str, _Style]):
        self.styles = styles
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.nums: dict[str, tuple[str, dict[int, _Level | int]]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        if numbering_element is None:
            return
        for abstract in numbering_element.iter(_w("abstractNum")):
            levels = {_int(lvl.get(_w("ilvl")), 0): _level(lvl) for lvl in abstract.iter(_w("lvl"))}
            self.abstract[abstract.get(_w("abstractNumId"), "")] = levels
        for num in numbering_element.iter(_w("num")):
            overrides: dict[int, _Level | int] = {}
            for override in num.iter(_w("lvlOverride")):
                ilvl = _int(override.get(_w("ilvl")), 0)
                lvl = override.find(_w("lvl"))
                start = _val(override, "startOverride")
                if lvl is not None:
                    overrides[ilvl] = _level(lvl)
                elif start is not None:
                    overrides[ilvl] = _int(start, 1)
            self.nums[num.get(_w("numId"), "")] = (_val(num, "abstractNumId") or "", overrides)

    def _levels(self, num_id: str) -> tuple[str, dict[int, _Level]] | None:
        if num_id not in self.nums:
            return None
        abstract_id, overrides = self.nums[num_id]
        levels = dict(self.abstract.get(abstract_id, {}))
        for ilvl, override in overrides.items():
            if isinstance(override, _Level):
                levels[ilvl] = override
        return abstract_id, levels

    def _resolve(self, ppr, style_id: str | None) -> tuple[str, int] | None:
        numpr = ppr.find(_w("numPr")) if ppr is not None else None
        num_id, ilvl = _val(numpr, "numId"), _val(numpr, "ilvl")
        style_level = None
        for sid, style in _style_chain(self.styles, style_id):
            if num_id is None and style.num_id is not None:
                num_id = style.num_id
                style_level = style.ilvl
                if style_level is None:
                    found = self._levels(num_id)
                    style_level = next((i for i, lvl in (found[1].items() if found else []) if lvl.style == sid), 0)
            if num_id is not None:
                break
        if num_id is None or num_id == "0":
            return None
        return num_id, _int(ilvl, style_level if style_level is not None else 0)

    def prefix(self, ppr, style_id: str | None) -> tuple[str, str]:
        """The generated number of a paragraph ("二、") and what separates it from the text."""
        resolved = self._resolve(ppr, style_id)
        if resolved is None:
            return "", ""
        num_id, ilvl = resolved
        found = self._levels(num_id)
        if found is None or ilvl not in found[1]:
            return "", ""
        abstract_id, levels = found
        level = levels[ilvl]
        counters = self.counters.setdefault(abstract_id, {})
        overrides = self.nums[num_id][1]
        if num_id not in self.started:
            self.started.add(num_id)
            for i, override in overrides.items():
                if isinstance(override, int):
                    counters[i] = override - 1
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper in [i for i in counters if i > ilvl]:
            del counters[deeper]
        if level.fmt in ("bullet", "none") or not level.text:
            return "", ""

        def number(match: re.Match) -> str:
            index = int(match.group(1)) - 1
            source = levels.get(index, _Level())
            value = counters.get(index, source.start)
            return format_number(value, "decimal" if level.legal and index < ilvl else source.fmt)

        text = re.sub(r"%([1-9])", number, level.text)
        separator = "" if level.suffix == "nothing" or (text and _WIDE.match(text[-1])) else " "
        return text, separator


# -- the body ------------------------------------------------------------------------------------
def _hidden(run) -> bool:
    rpr = run.find(_w("rPr"))
    if rpr is None:
        return False
    for name in ("vanish", "specVanish"):
        flag = rpr.find(_w(name))
        if flag is not None and flag.get(_w("val"), "true").lower() not in ("0", "false", "off"):
            return True
    return False


def paragraph_text(p) -> str:
    """The visible text of a ``w:p``: runs, tabs and breaks; no deleted, hidden or fallback text."""
    parts: list[str] = []

    def walk(element) -> None:
        tag = _tag(element)
        if tag in _SKIP or tag == "Fallback" or (tag == "r" and _hidden(element)):
            return
        if tag == "t":
            parts.append(element.text or "")
        elif tag in ("tab", "ptab"):
            parts.append("\t")
        elif tag in ("br", "cr"):
            parts.append("\n")
        elif tag == "noBreakHyphen":
            parts.append("-")
        for child in element:
            walk(child)

    for child in p:
        walk(child)
    return "".join(parts)


def _textboxes(p) -> list:
    """Text box contents anchored in a paragraph (the modern version only, not its VML fallback)."""
    boxes = []
    for box in p.iter(_w("txbxContent")):
        if not any(_tag(a) == "Fallback" for a in box.iterancestors()) and not any(_tag(a) == "txbxContent" for a in box.iterancestors()):
            boxes.append(box)
    return boxes


@dataclass
class _Reader:
    styles: dict[str, _Style]
    numbering: Numbering
    blocks: list[Block] = field(default_factory=list)
    lines: dict[int, str] = field(default_factory=dict)
    line: int = 0
    tables: int = 0

    def _next_line(self, text: str) -> int:
        self.line += 1
        self.lines[self.line] = text
        return self.line

    def body(self, container) -> None:
        for child in container:
            tag = _tag(child)
            if tag == "p":
                self.paragraph(child)
            elif tag == "tbl":
                self.table(child)
            elif tag in _CONTAINERS:
                self.body(child)

    # paragraphs
    def _heading_level(self, ppr, style_id: str | None) -> int | None:
        outline = _val(ppr, "outlineLvl")
        if outline is not None and _int(outline, 9) < 9:
            return _int(outline, 9) + 1
        for _, style in _style_chain(self.styles, style_id):
            match = _HEADING_NAME.match(style.name)
            if match:
                return int(match.group(1))
            if style.name.lower() in _TITLE_NAMES:
                return 1
            if style.outline is not None and style.outline < 9:
                return style.outline + 1
        return None

    def paragraph_content(self, p) -> tuple[str, int | None]:
        ppr = p.find(_w("pPr"))
        style_id = _val(ppr, "pStyle")
        text = paragraph_text(p)
        prefix, separator = self.numbering.prefix(ppr, style_id)
        if prefix and text.strip():
            body = text.lstrip()
            text = prefix + ("" if _WIDE.match(body[0]) and not prefix[-1].isalnum() else separator) + body
        return text, self._heading_level(ppr, style_id)

    def paragraph(self, p) -> None:
        text, level = self.paragraph_content(p)
        number = self._next_line(text)
        offset = 0
        for piece in text.split("\n"):
            clean = piece.replace("\t", " ").replace("\u3000", " ")
            stripped = clean.strip()
            if stripped:
                column = offset + len(clean) - len(clean.lstrip())
                kind = "heading" if level is not None else "text"
                self.blocks.append(Block(kind, re.sub(r"\s+", " ", stripped), line=number, level=level, column=column))
            offset += len(piece) + 1
        for box in _textboxes(p):
            self.body(box)

    # tables
    def _cell_text(self, tc) -> str:
        parts = []
        for p in _cell_paragraphs(tc):
            text, _ = self.paragraph_content(p)
            parts.extend(text.replace("\t", " ").split("\n"))
        return join_lines(parts)

    def table(self, tbl) -> None:
        rows = [(tr, _row_cells(tr)) for tr in _rows(tbl)]
        if _is_layout_table([tcs for _, tcs in rows]):
            for _, tcs in rows:
                for tc in tcs:
                    self.body(tc)
            return
        index = self.tables
        self.tables += 1
        pending: dict[int, CellText] = {}
        for tr, tcs in rows:
            self._row(tr, tcs, index, pending)

    def _row(self, tr, tcs: list, index: int, pending: dict[int, CellText]) -> None:
        cells: list[CellText] = []
        nested: list = []
        column = _int(_val(tr.find(_w("trPr")), "gridBefore"), 0)
        number = self.line + 1
        for tc in tcs:
            tcpr = tc.find(_w("tcPr"))
            span = max(1, min(_int(_val(tcpr, "gridSpan"), 1), 64))
            merge = tcpr.find(_w("vMerge")) if tcpr is not None else None
            if merge is not None and merge.get(_w("val"), "continue") == "continue":
                origin = pending.get(column)
                cells.append(CellText(origin.text, line=origin.line, colspan=span, inherited=True) if origin else CellText("", line=number, colspan=span))
            else:
                cell = CellText(self._cell_text(tc), line=number, colspan=span)
                cells.append(cell)
                for c in range(column, column + span):
                    if merge is not None:
                        pending[c] = cell
                    else:
                        pending.pop(c, None)
            nested.extend(t for t in tc.iter(_w("tbl")) if _nearest_table(t, tc) is None)
            column += span
        text = " | ".join(c.text for c in cells)
        self._next_line(text)
        if any(c.text and not c.inherited for c in cells):
            self.blocks.append(Block("row", text, line=number, cells=tuple(cells), table=index))
        for inner in nested:
            self.table(inner)


def _ancestors_until(element, stop):
    for ancestor in element.iterancestors():
        if ancestor is stop:
            return
        yield ancestor


def _nearest_table(table, tc):
    """The table enclosing ``table`` below the cell ``tc`` (None: ``table`` sits directly in ``tc``)."""
    return next((a for a in _ancestors_until(table, tc) if _tag(a) == "tbl"), None)


def _cell_paragraphs(container):
    """The paragraphs of a table cell, in order, without those of nested tables and text boxes."""
    for child in container:
        tag = _tag(child)
        if tag == "p":
            yield child
        elif tag in _CONTAINERS:
            yield from _cell_paragraphs(child)


def _rows(tbl) -> list:
    rows = []
    for child in tbl:
        tag = _tag(child)
        if tag == "tr":
            rows.append(child)
        elif tag in _CONTAINERS:
            rows.extend(_rows(child))
    return rows


def _row_cells(tr) -> list:
    cells = []
    for child in tr:
        tag = _tag(child)
        if tag == "tc":
            cells.append(child)
        elif tag in _CONTAINERS:
            cells.extend(_row_cells(child))
    return cells


def _is_layout_table(rows: list[list]) -> bool:
    """A table that frames prose: one column only, or a cell with a page of text."""
    if not rows:
        return True
    if all(len(tcs) <= 1 for tcs in rows):
        return True
    for tcs in rows:
        for tc in tcs:
            chars = sum(len(t.text or "") for t in tc.iter(_w("t")))
            if chars > _LAYOUT_CELL_CHARS:
                return True
    return False


# -- the file ------------------------------------------------------------------------------------
def _sensible(text: str | None) -> str | None:
    if not text:
        return None
    text = re.sub(r"\s+", " ", text).strip()
    if not text or any(unicodedata.category(ch) in ("Cc", "Co", "Cs") for ch in text) or "\ufffd" in text:
        return None
    return text


def _meta(document) -> dict[str, str]:
    meta: dict[str, str] = {}
    try:
        core = document.core_properties
        title, created, modified = core.title, core.created, core.modified
    except _DOCX_ERRORS:
        return meta
    title = _sensible(title)
    if title:
        meta["title"] = title
    if created is not None:
        meta["docx_created"] = created.strftime("%Y-%m-%d")
    if modified is not None:
        meta["docx_modified"] = modified.strftime("%Y-%m-%d")
    return meta


def _parts(document):
    body = document.element.body
    styles = document.styles.element
    part = document.part
    numbering = None
    if any(rel.reltype.endswith("/numbering") for rel in part.rels.values()):
        numbering = part.numbering_part.element
    return body, styles, numbering


def load(path: str, data: bytes, sha256: str) -> Document:
    check_zip(path, data)
    try:
        document = docx.Document(io.BytesIO(data))
        body, styles_element, numbering_element = _parts(document)
        styles = _styles(styles_element)
        reader = _Reader(styles, Numbering(numbering_element, styles))
        reader.body(body)
        meta = _meta(document)
    except ValueError as exc:
        if "content type" in str(exc) or "not a Word file" in str(exc):
            raise InputError(path, _NOT_DOCX) from None
        raise InputError(path, _BROKEN) from None
    except RecursionError:
        raise InputError(path, "DOCX 文件结构嵌套过深，无法读取") from None
    except _DOCX_ERRORS:
        raise InputError(path, _BROKEN) from None
    return Document(
        path=path,
        sha256=sha256,
        format="docx",
        encoding=None,
        blocks=reader.blocks,
        source_lines=reader.lines,
        meta=meta,
    )
