"""The synthetic report: known values plus the presentation choices the renderers apply.

A :class:`SyntheticReport` is the *truth* a parser is measured against. ``cells`` holds every cell
key of the layout with the value as printed (``None`` = the cell is printed blank, as
``blank_marker``); the narrative quotes numbers that agree with the tables (unless a test changed a
cell afterwards with :func:`synth.generate.inject_error`).

Only :mod:`xxgk_audit.layout` is used from the package under test: the truth must not depend on the
parser.
"""

from __future__ import annotations

import copy
import re
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from xxgk_audit.layout import LAYOUT_IDS, Layout, get_layout

BLANK_MARKERS = ("", "—", "/", "无")
FORMATS = ("html", "docx", "pdf", "txt", "md")
SUFFIXES = {"html": ".html", "docx": ".docx", "pdf": ".pdf", "txt": ".txt", "md": ".md"}
TEXT_SECTIONS = ("s1", "s5", "s6")
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030")

# A narrative paragraph that is a sub-heading, e.g. "（一）主动公开" or "（三）改进措施".
SUBHEADING = re.compile(r"^（[一二三四五六七八九十]{1,2}）[^。；;，,：:]{1,24}$")

Value = int | float | None


@dataclass(frozen=True)
class T4Column:
    key: str  # cell key, e.g. "t4.litigation_direct.upheld"
    parent: str  # 行政复议 | 行政诉讼
    subgroup: str | None  # 未经复议直接起诉 | 复议后起诉 | None
    outcome: str  # 结果维持 … 总计


def t4_columns(layout: Layout) -> list[T4Column]:
    """表四's 15 columns with their printed header labels, all read from the layout."""
    t4 = layout.tables["t4"]
    columns = t4.blocks[0].columns
    outcomes = [h for h in t4.header_labels if any(c.label.endswith(h) and c.label != h for c in columns)]
    out = []
    for c in columns:
        outcome = max((h for h in outcomes if c.label.endswith(h)), key=len)
        sub = c.label[: -len(outcome)]
        parent = c.group or sub
        out.append(T4Column(key=f"t4.{c.key}", parent=parent, subgroup=None if sub == parent else sub, outcome=outcome))
    return out


@dataclass(frozen=True)
class SiteInfo:
    """The CMS around the article in the HTML rendering (and the document properties elsewhere)."""

    name: str = "某某县人民政府"  # website name, used in <title> after the dash
    domain: str = "www.example.gov.cn"
    column: str = "政府信息公开年报"  # the CMS column the report is filed in
    icp: str = "京ICP备00000000号-1"
    site_code: str = "0000000000"  # 网站标识码
    police_record: str = "京公网安备 11000002000001号"
    index_number: str = "000000000/2024-00001"  # 索引号
    host: str = "某某县人民政府办公室"  # 主办单位
    address: str = "某某县人民路1号"
    postcode: str = "000000"
    phone: str = "0000-0000000"


@dataclass
class SyntheticReport:
    layout_id: str  # "2021" | "2019"
    agency: str
    year: int
    cells: dict[str, Value]  # every cell key of the layout, in layout order
    narrative: dict[str, str]  # s1, s5, s6; paragraphs separated by "\n"
    published: str  # ISO date of publication, "2024-01-18"
    title: str = ""  # printed title; default "{agency}{year}年政府信息公开工作年度报告"
    preamble: str = ""  # paragraph(s) before 一、总体情况 (holds the statistics-period sentence)
    slug: str = "synthetic"  # ASCII file stem part, e.g. "linshu-nyncj"
    site: SiteInfo = field(default_factory=SiteInfo)
    # facts the narrative of section 六 states (信息处理费, 2021 format)
    fee_notices: int = 0  # 收费通知 issued
    fee_notice_amount: int = 0  # their total, in 元
    fee_collected: int = 0  # actually collected, in 元
    # presentation: what the renderers print instead of the official wording
    section_titles: dict[str, str] = field(default_factory=dict)  # section key -> printed title
    label_variants: dict[str, str] = field(default_factory=dict)  # official label -> printed label
    blank_marker: str = ""  # how a None cell is printed: "", "—", "/", "无"
    # rendering variants
    word_markup: bool = False  # html: Word-pasted markup (<p class=MsoNormal><span>…<o:p></o:p>)
    span_quirk: bool = False  # html, 2019 表二: data rows use other colspans than their header row
    pubdate_meta: bool = True  # html: <meta name="PubDate">
    page_footers: bool = False  # txt/pdf/docx: page numbers "— 1 —"
    wrap_width: int = 0  # txt: hard-wrap narrative lines at this many characters (0 = off)
    traditional: bool = False  # print in traditional characters (mirror sites)
    encoding: str = "utf-8"  # txt/md/html byte encoding
    style_seed: int = 0  # drives small render-time choices (span splitting, page length)

    def __post_init__(self) -> None:
        if self.layout_id not in LAYOUT_IDS:
            raise ValueError(f"unknown layout {self.layout_id!r}")
        expected = list(self.layout.cells)
        if list(self.cells) != expected:
            missing = [k for k in expected if k not in self.cells]
            extra = [k for k in self.cells if k not in self.layout.cells]
            if missing or extra:
                raise ValueError(f"cells do not match layout {self.layout_id}: missing {missing[:3]}, unknown {extra[:3]}")
            self.cells = {k: self.cells[k] for k in expected}  # layout order
        for key in TEXT_SECTIONS:
            self.narrative.setdefault(key, "")
        unknown = set(self.narrative) - set(TEXT_SECTIONS)
        if unknown:
            raise ValueError(f"narrative keys must be {TEXT_SECTIONS}, got {sorted(unknown)}")
        if self.blank_marker not in BLANK_MARKERS:
            raise ValueError(f"blank_marker must be one of {BLANK_MARKERS}")
        if self.encoding not in ENCODINGS:
            raise ValueError(f"encoding must be one of {ENCODINGS}")
        if not self.title:
            self.title = f"{self.agency}{self.year}年政府信息公开工作年度报告"
        date.fromisoformat(self.published)

    # -- layout access -------------------------------------------------------------------------
    @property
    def layout(self) -> Layout:
        return get_layout(self.layout_id)

    @property
    def published_date(self) -> date:
        return date.fromisoformat(self.published)

    def section_title(self, key: str) -> str:
        return self.section_titles.get(key) or self.layout.section(key).label

    def label(self, official: str) -> str:
        """The printed form of an official label (a table, row, column or block label)."""
        return self.label_variants.get(official, official)

    def value(self, key: str) -> int | float:
        """The cell's number, blank counted as 0 (for sums quoted in the narrative)."""
        v = self.cells[key]
        return 0 if v is None else v

    def value_text(self, key: str) -> str:
        """The cell as printed."""
        v = self.cells[key]
        if v is None:
            return self.blank_marker
        kind = self.layout.cells[key].kind
        if kind == "amount":
            return "0" if v == 0 else f"{v:.2f}"
        if kind == "signed":
            return f"+{int(v)}" if v > 0 else str(int(v))
        return str(int(v))

    def paragraphs(self, section: str) -> list[str]:
        return [p for p in self.narrative.get(section, "").split("\n") if p.strip()]

    # -- copies and export ---------------------------------------------------------------------
    def copy(self, **changes: Any) -> "SyntheticReport":
        """A deep copy with some fields replaced (cells and dicts are never shared)."""
        data = {f: copy.deepcopy(getattr(self, f)) for f in self.__dataclass_fields__}
        data.update(changes)
        return SyntheticReport(**data)

    def expected(self, file: str | None = None) -> dict[str, Any]:
        """The truth in the shape of the shared corpus ``expected/*.json`` files."""
        return {
            "file": file,
            "agency": self.agency,
            "year": self.year,
            "template": self.layout_id,
            "cells": dict(self.cells),
        }

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
