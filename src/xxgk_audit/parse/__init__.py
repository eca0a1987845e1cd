"""Document → Report: metadata, layout, sections, tables, each cell with its provenance."""

from __future__ import annotations

import re

from ..document import Block, Document
from ..layout import Layout, all_layouts, get_layout, layout_for_year
from ..report import Report
from .labels import cosmetic
from .metadata import Metadata, read_metadata
from .narrative import report_claims
from .sections import find_sections, split_inline_titles
from .serial import drop_serial_columns
from .spacers import drop_spacer_columns
from .tables import TableParser, table_anchors


def detect_layout(blocks: list[Block], year: int | None) -> Layout:
    """The layout whose identifying header labels the report prints (format-notes §2), else by year."""
    raw = "".join(b.text for b in blocks)
    hits = {layout.id: sum(1 for label in layout.detect if label in raw) for layout in all_layouts()}
    if not any(hits.values()):  # labels broken by spaces or line breaks
        compact = re.sub(r"\s+", "", raw)
        hits = {layout.id: sum(1 for label in layout.detect if label in compact) for layout in all_layouts()}
    if not any(hits.values()):  # printed in another form (width, traditional, punctuation): fold it all
        text = cosmetic(raw)
        hits = {layout.id: sum(1 for label in layout.detect if cosmetic(label) in text) for layout in all_layouts()}
    best = max(hits, key=lambda k: hits[k])
    if hits[best] and list(hits.values()).count(hits[best]) == 1:
        return get_layout(best)
    return layout_for_year(year)


def _blocks_and_metadata(document: Document, published: bool = True) -> tuple[list[Block], Metadata]:
    layout_probe = get_layout("2021")
    blocks = split_inline_titles(drop_serial_columns(drop_spacer_columns(document.blocks)), layout_probe.sections)
    return blocks, read_metadata(document, blocks, published=published)


def document_metadata(document: Document) -> Metadata:
    """Title, agency and year exactly as :func:`parse_document` reads them, without the tables
    (and without the publication date).

    The batch's first pass uses it to pair reports across years before parsing them in full.
    """
    return _blocks_and_metadata(document, published=False)[1]


def parse_document(document: Document) -> Report:
    blocks, meta = _blocks_and_metadata(document)
    layout = detect_layout(blocks, meta.year)
    report = Report(
        source=document.path,
        sha256=document.sha256,
        format=document.format,
        encoding=document.encoding,
        layout=layout,
        title=meta.title,
        agency=meta.agency,
        year=meta.year,
        period_year=meta.period_year,
        period_text=meta.period_text,
        published=meta.published,
        meta=dict(document.meta),
        document=document,
    )
    report.sections, report.stray_headings = find_sections(blocks, layout.sections, table_anchors(blocks, layout))
    parser = TableParser(document, layout, report)
    parser.read(blocks, report.sections)
    parser.finish()
    report.claims = report_claims(report)
    return report
