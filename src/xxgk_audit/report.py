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
    ocr: OcrBox | None = None  # read by OCR from a scanned page: the box, text and confidence

    @property
    def where(self) -> str:
        return place(self.line, self.page)


@dataclass(slots=True)
class Cell:
    key: str
    value: int | float | None
    status: str  # number | blank | text | missing | unreadable
    source: Source | None = None
    note: str | None = None

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

    @property
    def is_variant(self) -> bool:
        from .parse.labels import cosmetic, strip_ordinal

        return cosmetic(strip_ordinal(self.title)) != cosmetic(strip_ordinal(self.official))


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


@dataclass(slots=True)
class MissingRow:
    table: str
    row_label: str
    cells: tuple[str, ...]
    note: str | None = None


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
    stray_headings: list[tuple[str, int | None]] = field(default_factory=list)  # top-level headings that are no section
    tables: dict[str, str] = field(default_factory=dict)  # t2/t3/t4 -> found | missing | inseparable
    cells: dict[str, Cell] = field(default_factory=dict)
    label_variants: list[LabelVariant] = field(default_factory=list)
    unmapped: list[Unmapped] = field(default_factory=list)
    inseparable: list[Inseparable] = field(default_factory=list)
    missing_rows: list[MissingRow] = field(default_factory=list)
    subtotals: dict[str, list[Cell]] = field(default_factory=dict)  # values printed on label-only rows
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
