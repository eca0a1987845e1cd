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

The ZIP container is checked before it is parsed (:mod:`.docx_package`): too large in total or too
highly compressed (a "zip bomb") is refused, as is a ZIP file that is not a Word document.

Speed. The loader was written on python-docx, which parsed every part of the package into its
element classes (a proxy class looked up per element) before the body was read: 12–14 ms for a
generated report, a third of it in opening the package (its template's 350 KB styles part alone
takes 3 ms to parse), most of the rest in the body walk's ``find`` calls and per-element tag
splitting. The same reading now runs on plain lxml elements: the package is opened as python-docx
opens it (same relationships, content types, parser settings and core-property quirks;
:mod:`.docx_package`), but only the parts in use are parsed — the styles part when a paragraph
first names a style, the numbering part when a paragraph may be numbered; tags are compared as
strings (local names cached), property children found in one pass, and a document without hidden
text, text boxes or nested tables is not searched for them paragraph by paragraph. 4 ms for the
same report, same blocks, lines and metadata on every DOCX the tests write and 80 generated
reports; python-docx is no longer needed at run time. One leniency: a damaged part the loader
does not read (a header, the settings) no longer makes the whole file "损坏".
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass, field

from lxml import etree

from ..document import Block, CellText, Document
from ..errors import InputError
from ..shown import shown
from . import docx_package, pictures
from .budget import Budget

MB = 1024 * 1024
MAX_UNCOMPRESSED = 200 * MB
MAX_RATIO = 100  # uncompressed : compressed, for members above RATIO_MIN_SIZE
RATIO_MIN_SIZE = 10 * MB
MAX_MEMBERS = 10000

_LAYOUT_CELL_CHARS = 300  # a cell with more text than this is prose: the table is page layout

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_SKIP = {"del", "moveFrom", "delText", "instrText", "pPr", "rPr", "txbxContent", "footnoteReference", "endnoteReference", "commentReference"}
_NOT_READ = _SKIP | {"Fallback"}  # subtrees paragraph_text leaves out (hidden runs are checked too)
_CONTAINERS = {"sdt", "sdtContent", "customXml", "smartTag", "ins", "moveTo"}
_HEADING_NAME = re.compile(r"^(?:heading|标题)\s*([1-9])$", re.I)
_TITLE_NAMES = {"title", "标题"}
_WIDE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef\u2018-\u201d\u2026\u2014]")
_BROKEN = "DOCX 文件已损坏或不完整"
_NOT_DOCX = "不是 Word（DOCX）文档"
_OTHER_ZIPS = (
    ("xl/workbook.xml", "这是 Excel（XLSX）文件，不是 Word（DOCX）文档"),
    ("ppt/presentation.xml", "这是 PowerPoint（PPTX）文件，不是 Word（DOCX）文档"),
    ("content.xml", "这是 OpenDocument（ODT/WPS 另存）文件，不是 Word（DOCX）文档：请另存为 DOCX 或 PDF 后再审核"),
)
_DOCX_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    etree.XMLSyntaxError,
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


_QUALIFIED: dict[str, str] = {}


def _w(name: str) -> str:
    found = _QUALIFIED.get(name)
    if found is None:
        found = _QUALIFIED[name] = f"{{{_W}}}{name}"
    return found


_VAL = _w("val")
_TBL, _PPR, _RPR, _TCPR, _TRPR, _T = (_w(n) for n in ("tbl", "pPr", "rPr", "tcPr", "trPr", "t"))
_PSTYLE, _NUMPR, _VANISH, _SPEC_VANISH = (_w(n) for n in ("pStyle", "numPr", "vanish", "specVanish"))
_TXBX = _w("txbxContent")
_BLIP = "{http://schemas.openxmlformats.org/drawingml/2006/main}blip"
_EMBED = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"
_EXTENT = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}extent"
_GRID_SPAN, _V_MERGE = _w("gridSpan"), _w("vMerge")
_LOCAL_NAMES: dict = {}


def _local(tag) -> str:
    """The local name of an element tag, in any namespace ("" for comments and instructions)."""
    name = _LOCAL_NAMES.get(tag)
    if name is None:
        name = tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""
        if len(_LOCAL_NAMES) < 4096:
            _LOCAL_NAMES[tag] = name
    return name


def _val(element, name: str) -> str | None:
    child = element.find(_w(name)) if element is not None else None
    return child.get(_VAL) if child is not None else None


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
    _open_zip(path, data).close()


def _open_zip(path: str, data: bytes) -> zipfile.ZipFile:
    """The open archive, if it may be inflated and is a Word document; else an InputError."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
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
            raise InputError(path, f"DOCX 内文件压缩比异常（{shown(member.filename)}：{ratio:.0f}∶1），疑似恶意压缩文件（zip 炸弹），未读取")
    names = {m.filename for m in members}
    if "word/document.xml" not in names:
        reason = next((r for name, r in _OTHER_ZIPS if name in names), f"{_NOT_DOCX}（是 ZIP 压缩包，但不含 Word 正文）")
        raise InputError(path, reason)
    if any(m.flag_bits & 0x1 for m in members):
        raise InputError(path, "DOCX 文件已加密，需要密码才能打开：请提供未加密的版本")
    return archive


# -- styles and numbering ------------------------------------------------------------------------
@dataclass(slots=True)
class _Style:
    name: str
    based_on: str | None
    num_id: str | None
    ilvl: int | None
    outline: int | None


def _style(style) -> _Style:
    ppr = style.find(_PPR)
    numpr = ppr.find(_NUMPR) if ppr is not None else None
    outline = _val(ppr, "outlineLvl")
    ilvl = _val(numpr, "ilvl")
    return _Style(
        name=(_val(style, "name") or "").strip(),
        based_on=_val(style, "basedOn"),
        num_id=_val(numpr, "numId"),
        ilvl=_int(ilvl, 0) if ilvl is not None else None,
        outline=_int(outline, 9) if outline is not None else None,
    )


class _Styles:
    """The styles by id (the last definition of an id wins): the styles part is parsed when a
    paragraph first names a style, each style read when first asked for."""

    def __init__(self, styles_element=None, load=None):
        self.load = load if load is not None else (lambda: styles_element)
        self.elements: dict | None = None
        self.read: dict[str, _Style] = {}

    def _index(self) -> dict:
        if self.elements is None:
            self.elements = {}
            root = self.load()
            if root is not None:
                for style in root.iter(_w("style")):
                    style_id = style.get(_w("styleId"))
                    if style_id:
                        self.elements[style_id] = style
        return self.elements

    def __contains__(self, style_id) -> bool:
        return style_id in self._index()

    def __getitem__(self, style_id: str) -> _Style:
        found = self.read.get(style_id)
        if found is None:
            found = self.read[style_id] = _style(self._index()[style_id])
        return found


def _style_chain(styles, style_id: str | None):
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

    def __init__(self, numbering_element, styles: _Styles, load=None):
        self.styles = styles
        self.load = load
        if load is not None:  # the numbering part is parsed when a paragraph may be numbered
            self.abstract, self.nums, self.counters, self.started = {}, {}, {}, set()
            return
        self._read(numbering_element)

    def _read(self, numbering_element) -> None:
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

    def _resolve(self, numpr, style_id: str | None) -> tuple[str, int] | None:
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

    def prefix(self, ppr, style_id: str | None, numpr=None) -> tuple[str, str]:
        """The generated number of a paragraph ("二、") and what separates it from the text
        (``numpr``: the paragraph's own ``w:numPr``, if the caller has looked it up)."""
        if numpr is None and ppr is not None:
            numpr = ppr.find(_NUMPR)
        if numpr is None and not style_id:
            return "", ""  # no list of its own, no style that could number it
        if self.load is not None:
            load, self.load = self.load, None
            self._read(load())
        resolved = self._resolve(numpr, style_id)
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
    for child in run:
        if child.tag == _RPR:  # the first rPr, as find() would
            found: dict = {}
            for flag in child:
                if (flag.tag == _VANISH or flag.tag == _SPEC_VANISH) and flag.tag not in found:
                    found[flag.tag] = flag
            for tag in (_VANISH, _SPEC_VANISH):
                flag = found.get(tag)
                if flag is not None and flag.get(_VAL, "true").lower() not in ("0", "false", "off"):
                    return True
            return False
    return False


def _walk(element, parts: list[str], hidden: bool = True) -> None:
    for child in element:
        name = _local(child.tag)
        if name in _NOT_READ or (hidden and name == "r" and _hidden(child)):
            continue
        if name == "t":
            parts.append(child.text or "")
        elif name == "tab" or name == "ptab":
            parts.append("\t")
        elif name == "br" or name == "cr":
            parts.append("\n")
        elif name == "noBreakHyphen":
            parts.append("-")
        if len(child):
            _walk(child, parts, hidden)


def paragraph_text(p, hidden: bool = True) -> str:
    """The visible text of a ``w:p``: runs, tabs and breaks; no deleted, hidden or fallback text.
    (``hidden=False``: the document marks no text hidden, runs need not be checked.)"""
    parts: list[str] = []
    _walk(p, parts, hidden)
    return "".join(parts)


def _textboxes(p) -> list:
    """Text box contents anchored in a paragraph (the modern version only, not its VML fallback)."""
    boxes = []
    for box in p.iter(_TXBX):
        if not any(_local(a.tag) in ("Fallback", "txbxContent") for a in box.iterancestors()):
            boxes.append(box)
    return boxes


def _paragraph_properties(p) -> tuple:
    """A paragraph's pPr and, from it, the style id and numPr (as ``find`` would find them)."""
    ppr = p.find(_PPR)
    style_id = numpr = None
    if ppr is not None:
        style = numbering = False
        for child in ppr:
            tag = child.tag
            if tag == _PSTYLE and not style:
                style_id, style = child.get(_VAL), True
            elif tag == _NUMPR and not numbering:
                numpr, numbering = child, True
    return ppr, style_id, numpr


@dataclass
class _Reader:
    styles: _Styles
    numbering: Numbering
    blocks: list[Block] = field(default_factory=list)
    lines: dict[int, str] = field(default_factory=dict)
    line: int = 0
    tables: int = 0
    levels: dict = field(default_factory=dict)  # heading level by paragraph style
    # what the document has at all: where it has none, no paragraph or cell is searched for it
    hidden: bool = True
    textboxes: bool = True
    nested_tables: bool = True
    drawings: bool = True
    budget: Budget | None = None
    pictures: list[pictures.Picture] = field(default_factory=list)  # of the body's paragraphs, in order

    def survey(self, document) -> None:
        self.hidden = next(document.iter(_VANISH, _SPEC_VANISH), None) is not None
        self.textboxes = next(document.iter(_TXBX), None) is not None
        self.drawings = next(document.iter(_BLIP), None) is not None
        self.nested_tables = any(_local(a.tag) == "tc" for t in document.iter(_TBL) for a in t.iterancestors())

    def _next_line(self, text: str) -> int:
        self.line += 1
        self.lines[self.line] = text
        if self.budget is not None:
            self.budget.spend_chars(len(text))
        return self.line

    def body(self, container) -> None:
        for child in container:
            name = _local(child.tag)
            if name == "p":
                self.paragraph(child)
            elif name == "tbl":
                self.table(child)
            elif name in _CONTAINERS:
                self.body(child)

    # paragraphs
    def _heading_level(self, ppr, style_id: str | None) -> int | None:
        outline = _val(ppr, "outlineLvl")
        if outline is not None and _int(outline, 9) < 9:
            return _int(outline, 9) + 1
        if style_id in self.levels:
            return self.levels[style_id]
        level = None
        for _, style in _style_chain(self.styles, style_id):
            match = _HEADING_NAME.match(style.name)
            if match:
                level = int(match.group(1))
                break
            if style.name.lower() in _TITLE_NAMES:
                level = 1
                break
            if style.outline is not None and style.outline < 9:
                level = style.outline + 1
                break
        self.levels[style_id] = level
        return level

    def paragraph_content(self, p, heading: bool = True) -> tuple[str, int | None]:
        ppr, style_id, numpr = _paragraph_properties(p)
        text = paragraph_text(p, self.hidden)
        prefix, separator = self.numbering.prefix(ppr, style_id, numpr)
        if prefix and text.strip():
            body = text.lstrip()
            text = prefix + ("" if _WIDE.match(body[0]) and not prefix[-1].isalnum() else separator) + body
        return text, self._heading_level(ppr, style_id) if heading else None

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
        if self.drawings:
            for blip in p.iter(_BLIP):
                rid = blip.get(_EMBED)
                if rid:
                    extent = next((a.find(_EXTENT) for a in blip.iterancestors() if a.find(_EXTENT) is not None), None)
                    width = _int(extent.get("cx") if extent is not None else None, 0)
                    self.pictures.append(pictures.Picture(len(self.blocks), rid, width, number))
        if self.textboxes:
            for box in _textboxes(p):
                self.body(box)

    # tables
    def _cell_text(self, tc) -> str:
        parts = []
        for p in _cell_paragraphs(tc):
            text, _ = self.paragraph_content(p, heading=False)
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
        for row_no, (tr, tcs) in enumerate(rows, 1):
            self._row(tr, tcs, index, pending, row_no)

    def _row(self, tr, tcs: list, index: int, pending: dict[int, CellText], row_no: int | None = None) -> None:
        cells: list[CellText] = []
        nested: list = []
        column = _int(_val(tr.find(_TRPR), "gridBefore"), 0)
        number = self.line + 1
        for tc in tcs:
            grid_span, merge = _cell_properties(tc)
            span = max(1, min(_int(grid_span, 1), 64))
            if merge is not None and merge.get(_VAL, "continue") == "continue":
                origin = pending.get(column)
                where = {"table_no": index + 1, "row_no": row_no, "col_no": column + 1}
                cells.append(CellText(origin.text, line=origin.line, colspan=span, inherited=True, **where) if origin else CellText("", line=number, colspan=span, **where))
            else:
                cell = CellText(self._cell_text(tc), line=number, colspan=span, table_no=index + 1, row_no=row_no, col_no=column + 1)
                cells.append(cell)
                for c in range(column, column + span):
                    if merge is not None:
                        pending[c] = cell
                    else:
                        pending.pop(c, None)
            if self.nested_tables:
                nested.extend(inner for inner in tc.iter(_TBL) if _nearest_table(inner, tc) is None)
            column += span
        if self.budget is not None:
            self.budget.spend_cells(len(cells))
        text = " | ".join(c.text for c in cells)
        self._next_line(text)
        if any(c.text and not c.inherited for c in cells):
            self.blocks.append(Block("row", text, line=number, cells=tuple(cells), table=index))
        for inner in nested:
            self.table(inner)


def _cell_properties(tc) -> tuple[str | None, object]:
    """A cell's ``gridSpan`` value and ``vMerge`` element (the first of each, as ``find``)."""
    tcpr = tc.find(_TCPR)
    grid_span = merge = None
    if tcpr is not None:
        span_seen = False
        for child in tcpr:
            tag = child.tag
            if tag == _GRID_SPAN and not span_seen:
                grid_span, span_seen = child.get(_VAL), True
            elif tag == _V_MERGE and merge is None:
                merge = child
    return grid_span, merge


def _ancestors_until(element, stop):
    for ancestor in element.iterancestors():
        if ancestor is stop:
            return
        yield ancestor


def _nearest_table(table, tc):
    """The table enclosing ``table`` below the cell ``tc`` (None: ``table`` sits directly in ``tc``)."""
    return next((a for a in _ancestors_until(table, tc) if _local(a.tag) == "tbl"), None)


def _children(container, wanted: str) -> list:
    """The children of ``container`` named ``wanted``, also inside content controls, in order."""
    out = []
    for child in container:
        name = _local(child.tag)
        if name == wanted:
            out.append(child)
        elif name in _CONTAINERS:
            out.extend(_children(child, wanted))
    return out


def _cell_paragraphs(container):
    """The paragraphs of a table cell, in order, without those of nested tables and text boxes."""
    return _children(container, "p")


def _rows(tbl) -> list:
    return _children(tbl, "tr")


def _row_cells(tr) -> list:
    return _children(tr, "tc")


def _is_layout_table(rows: list[list]) -> bool:
    """A table that frames prose: one column only, or a cell with a page of text."""
    if not rows:
        return True
    if all(len(tcs) <= 1 for tcs in rows):
        return True
    for tcs in rows:
        for tc in tcs:
            chars = sum(len(t.text or "") for t in tc.iter(_T))
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


def _meta(package: docx_package.Package) -> dict[str, str]:
    meta: dict[str, str] = {}
    if package.title is None:
        return meta  # python-docx could not read the core properties
    title = _sensible(package.title)
    if title:
        meta["title"] = title
    if package.created is not None:
        meta["docx_created"] = package.created.strftime("%Y-%m-%d")
    if package.modified is not None:
        meta["docx_modified"] = package.modified.strftime("%Y-%m-%d")
    return meta


def _body(document):
    if _local(document.tag) != "document" or not document.tag.startswith(f"{{{_W}}}"):
        raise AttributeError("the main part is not a w:document")
    body = document.find(_w("body"))
    if body is None:
        raise TypeError("the document has no body")
    return body


def load(path: str, data: bytes, sha256: str) -> Document:
    archive = _open_zip(path, data)
    try:
        package = docx_package.read(archive)
        styles = _Styles(load=package.styles)
        reader = _Reader(styles, Numbering(None, styles, load=package.numbering), budget=Budget(path))
        reader.survey(package.document)
        reader.body(_body(package.document))
        meta = _meta(package)
        meta.update(pictures.insert_tables(path, reader.blocks, reader.pictures, package.picture))
    except docx_package.NotWord:
        raise InputError(path, _NOT_DOCX) from None
    except docx_package.PartTooLarge as exc:
        raise InputError(path, f"DOCX 内文件解压后过大（{shown(exc.name)} 超过 {exc.limit // MB} MB 的上限），疑似恶意压缩文件（zip 炸弹），未读取") from None
    except docx_package.SizeMismatch as exc:
        raise InputError(path, f"DOCX 内文件解压后的大小与压缩包记录不符（{shown(exc.name)}：记录 {exc.declared} 字节），疑似恶意压缩文件（zip 炸弹），未读取") from None
    except RecursionError:
        raise InputError(path, "DOCX 文件结构嵌套过深，无法读取") from None
    except _DOCX_ERRORS:
        raise InputError(path, _BROKEN) from None
    finally:
        archive.close()
    return Document(
        path=path,
        sha256=sha256,
        format="docx",
        encoding=None,
        blocks=reader.blocks,
        source_lines=reader.lines,
        meta=meta,
    )
