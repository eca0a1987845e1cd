"""A parsed report: metadata, sections, every cell with its provenance, and what the parser saw.

The parser fills a :class:`Report`; the rules read it and never the source. Parser observations
(label variants, unmapped content, inseparable digits, missing rows …) are kept as plain records so
that each rule turns them into findings in one small function.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .document import Document, OcrBox, place
from .layout import Layout

if TYPE_CHECKING:  # pandas is imported only when a table frame is asked for
    import pandas as pd


@dataclass(slots=True)
class Source:
    """Where a value was read: file, line or page, the printed row and column label, the raw text."""

    file: str
    line: int | None = None
    page: int | None = None
    row_label: str | None = None
    column_label: str | None = None
    text: str | None = None
    column: int | None = None  # character offset in the line, for cells cut out of running text
    table_no: int | None = None  # the table, row and grid column as a reader counts them (HTML, DOCX, PDF)
    row_no: int | None = None
    col_no: int | None = None
    ocr: OcrBox | None = None  # read by OCR from a scanned page: the box, text and confidence
    bbox: tuple[float, float, float, float] | None = None  # PDF: the printed cell's box on its page (x0, top, x1, bottom in points)

    @property
    def where(self) -> str:
        return place(self.line, self.page, self.table_no, self.row_no, self.col_no)


@dataclass(slots=True)
class Cell:
    key: str
    value: int | float | None
    status: str  # number | blank | text | missing | unreadable
    source: Source | None = None
    note: str | None = None
    origin: str | None = None  # how the parser placed it, where not printed in a cell of its own (see parse/tables.py)

    @property
    def raw(self) -> str | None:
        return self.source.text if self.source else None


@dataclass(slots=True)
class SectionHit:
    key: str
    official: str
    title: str  # as printed
    line: int | None
    page: int | None
    block: int  # index of the heading block
    number: str | None  # the printed ordinal (一 … 六), if any
    text: str = ""  # the section's narrative, headings and rows excluded
    inferred: bool = False  # printed without a heading: found by its table (``block`` is the table's first row) or by its words (the first line that has them)

    @property
    def is_variant(self) -> bool:
        from .parse.labels import cosmetic, strip_ordinal

        return self.inferred or cosmetic(strip_ordinal(self.title)) != cosmetic(strip_ordinal(self.official))


@dataclass(slots=True)
class StrayHeading:
    """A heading printed with a top-level ordinal that starts no section (a split part, a repeat,
    a sub-heading numbered like a section)."""

    title: str
    number: str
    line: int | None
    page: int | None
    block: int
    within: str | None  # the section whose text holds it


@dataclass(slots=True)
class LabelVariant:
    kind: str  # row | column | block | section
    official: str
    printed: str
    cells: tuple[str, ...]
    source: Source


@dataclass(slots=True)
class Unmapped:
    table: str | None
    text: str
    reason: str
    source: Source
    cells: tuple[str, ...] = ()


@dataclass(slots=True)
class Inseparable:
    table: str
    cells: tuple[str, ...]
    rows: tuple[tuple[str, str, Source], ...]  # (printed label, the run-together digits, where)
    short: int = 0  # not run together: this many values for more cells (blank cells lost in a conversion)
    merged: str | None = None  # a column group printed as one column (法人或其他组织): its label


@dataclass(slots=True)
class MissingRow:
    """Rows of the layout a found table does not print: one row, a group printed as one merged row
    (2019's single （六）其他处理 in a 2021 table), or a whole block (表二 第二十条第（五）项)."""

    table: str
    row_label: str  # the missing row's official label; the group's or block's for several rows
    cells: tuple[str, ...]
    note: str | None = None
    rows: tuple[str, ...] = ()  # the official labels of every layout row it stands for
    kind: str = "row"  # row | merged | block
    source: Source | None = None  # the merged row as printed, or the printed row it should follow

    @property
    def count(self) -> int:
        return len(self.rows) or 1


@dataclass
class Report:
    source: str
    sha256: str
    format: str
    encoding: str | None
    layout: Layout | None
    title: str | None = None
    agency: str | None = None
    year: int | None = None
    period_year: int | None = None
    period_text: str | None = None
    published: str | None = None
    sections: dict[str, SectionHit] = field(default_factory=dict)
    stray_headings: list[StrayHeading] = field(default_factory=list)  # top-level headings that start no section
    tables: dict[str, str] = field(default_factory=dict)  # t2/t3/t4 -> found | missing | inseparable
    cells: dict[str, Cell] = field(default_factory=dict)
    label_variants: list[LabelVariant] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)
    inseparable: list[Inseparable] = field(default_factory=list)
    missing_rows: list[MissingRow] = field(default_factory=list)
    subtotals: dict[str, list[Cell]] = field(default_factory=dict)  # values printed on label-only rows
    split_equations: list = field(default_factory=list)  # EquationInstances used to split run-together digits
    claims: list = field(default_factory=list)  # counts the narrative quotes (parse.narrative.Claim)
    # what the loader recorded about the file (its recognition, a PDF's dates, pictures it could not
    # read): kept with the report, which a memo receives without its document
    meta: dict[str, str] = field(default_factory=dict)
    document: Document | None = field(default=None, repr=False)

    @property
    def template(self) -> str | None:
        return self.layout.id if self.layout and any(s != "missing" for s in self.tables.values()) else None

    def value(self, key: str) -> int | float | None:
        cell = self.cells.get(key)
        return cell.value if cell else None

    def values(self) -> dict[str, int | float | None]:
        return {key: cell.value for key, cell in self.cells.items()}

    def section_text(self, key: str) -> str:
        hit = self.sections.get(key)
        return hit.text if hit else ""

    def table_frame(self, table: str) -> "pd.DataFrame":
        """One table in the official layout: official row labels as index, column labels as columns."""
        from .frames import table_frame

        return table_frame(self, table)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "sha256": self.sha256,
            "agency": self.agency,
            "year": self.year,
            "template": self.template,
            "sections": {
                k: {"title": s.title, "line": s.line, "page": s.page} for k, s in sorted(self.sections.items())
            },
            "cells": self.values(),
        }
