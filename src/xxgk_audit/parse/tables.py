"""Locate the three tables and map every printed cell to its canonical key.

The blocks are read in order with a *context*: the table whose section (or whose header: 第二十条
第（一）项, the 表三 corner note, 行政复议/行政诉讼) was seen last. In a context each row is a header
row, a labeled row (its label matched to a layout row), a row of values without a label, or
content that cannot be mapped (reported, never dropped). Values are taken by position after the
label; empty cells at the ends of a row are padding only when the row has more cells than columns.

Rows of values without a label (PDF and Markdown conversions separate them from their labels) are
placed by document order when, between two labeled rows, there are exactly as many of them as
layout rows are missing there; otherwise they are reported as unmapped. Lines of run-together text
go to :mod:`.flat`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..document import Block, CellText, Document
from ..layout import BlockSpec, CellSpec, Layout, RowSpec, TableSpec
from ..report import Cell, Inseparable, LabelVariant, MissingRow, Report, SectionHit, Source, Unmapped
from . import flat
from .labels import LabelMatch, LabelMatcher, cosmetic
from .values import fold_cell, is_value_like, parse_value

_ROWIZE = re.compile(
    r"^(?P<label>.*?[^\d\s.,+\-])?(?P<values>(?:\s*(?:[+-]?\d[\d,]*(?:\.\d+)?|—|/))+)\s*$"
)
_VALUE_TOKEN = re.compile(r"[+-]?\d[\d,]*(?:\.\d+)?|—|/")
_T4_HEADER_WORDS = re.compile("行政复议|行政诉讼|未经复议直接起诉|复议后起诉|结果|维持|纠正|其他|尚未|审结|总计")
_MAX_ROW_LABEL = 40  # longer lines ending in a number are narrative, not table rows
_IMPLAUSIBLE = (10**9, 10**11)  # (counts, 万元 amounts): larger values are digits run together
_FUZZY_SWITCH = 90.0  # similarity needed to recognise a row of another table than the current one


@dataclass(slots=True)
class RowEvent:
    table: str
    block: BlockSpec | None
    row: RowSpec | None  # None: a row of values without a label
    label: str
    values: list[CellText]
    source: Block
    order: int
    match: LabelMatch | None = None
    placed_by_order: bool = False


@dataclass
class _Matchers:
    rows: dict[str, LabelMatcher[tuple[BlockSpec, RowSpec]]]
    headers: dict[str, LabelMatcher[str]]
    columns: dict[tuple[str, str | None], LabelMatcher[int]]
    blocks: LabelMatcher[tuple[str, BlockSpec]]


@lru_cache(maxsize=4)
def _matchers(layout: Layout) -> _Matchers:
    rows = {}
    headers = {}
    columns = {}
    block_entries = []
    for key, table in layout.tables.items():
        rows[key] = LabelMatcher((r.label, (b, r), r.variants) for b in table.blocks for r in b.rows if r.label)
        labels = [*table.header_labels, *(c.label for b in table.blocks for c in b.columns)]
        labels += [b.label_column for b in table.blocks if b.label_column]
        if key == "t4":
            labels += [c.label.removeprefix(c.group or "") for c in table.blocks[0].columns]
            labels += ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
        headers[key] = LabelMatcher((label, key, ()) for label in dict.fromkeys(labels))
        for block in table.blocks:
            columns[(key, block.key)] = LabelMatcher((c.label, i, ()) for i, c in enumerate(block.columns))
            if block.header:
                block_entries.append((block.header, (key, block), ()))
    return _Matchers(rows, headers, columns, LabelMatcher(block_entries))


def _kind(cell: CellText) -> str:
    return _text_kind(cell.text)


@lru_cache(maxsize=8192)
def _text_kind(text: str) -> str:
    """empty | value (a number or a blank marker) | text (a label)."""
    folded = fold_cell(text)
    if not folded:
        return "empty"
    return "value" if is_value_like(folded) else "text"


def fit(values: list[CellText], width: int) -> list[CellText] | None:
    """The ``width`` value cells of a row, or None when their places are ambiguous.

    Empty padding at the ends of a row with more cells than columns is dropped. If empty cells
    remain in between (a converted colspan leaves an empty field), they are padding too when the
    filled cells alone are exactly ``width``: with nothing blank there is nothing to misplace.
    """
    cells = list(values)
    while len(cells) > width and not cells[-1].text.strip():
        cells.pop()
    while len(cells) > width and not cells[0].text.strip():
        cells.pop(0)
    if len(cells) > width:
        filled = [c for c in cells if c.text.strip()]
        if len(filled) == width:
            return filled
    return cells if len(cells) == width else None


class TableParser:
    def __init__(self, document: Document, layout: Layout, report: Report):
        self.document = document
        self.layout = layout
        self.report = report
        self.m = _matchers(layout)
        self.context: str | None = None
        self.current_block: dict[str, BlockSpec | None] = {}
        self.events: dict[str, list[RowEvent]] = {key: [] for key in layout.tables}
        self.flat_rows: dict[str, list[flat.FlatRow]] = {key: [] for key in layout.tables}
        self.printed_columns: dict[str, str] = {}  # cell key -> printed column label (variants)
        self.fragments: list[Block] = []  # text lines just above, for labels wrapped over lines
        self.order = 0

    # -- reading -----------------------------------------------------------------------------
    def read(self, blocks: list[Block], sections: dict[str, SectionHit]) -> None:
        headings = {hit.block: hit.key for hit in sections.values()}
        for index, block in enumerate(blocks):
            self.order = index
            if index in headings:
                table = self.layout.section(headings[index]).table
                self._enter(table)
                continue
            if block.kind == "row":
                self._row(block, list(block.cells))
            else:
                self._text(block)

    def _enter(self, table: str | None, block: BlockSpec | None = None) -> None:
        if table != self.context or block is not None:
            self.current_block[table or ""] = block
        self.context = table

    def _marker(self, texts: list[str], where: Block) -> bool:
        """Switch context on a table's own header text; True when the row is only a header."""
        for text in texts:
            hit = self.m.blocks.match(text) if ("条" in text or "項" in text or "项" in text) else None
            if hit:
                table, block = hit.target
                self._enter(table, block)
                if hit.is_variant:
                    cells = tuple(c.key for c in self.layout.cells.values() if c.table == table and c.block == block.key)
                    self._variant("block", hit, cells, Source(self.document.path, where.line, where.page, text=text))
                return len([t for t in texts if t.strip()]) == 1
        joined = cosmetic("".join(texts))
        if "勾稽关系" in joined or ("申请人情况" in joined and len(joined) <= 60):
            self._enter("t3")
            return False
        if "行政复议" in joined and "行政诉讼" in joined and len(_T4_HEADER_WORDS.sub("", joined)) <= 4:
            self._enter("t4")
        return False

    def _header(self, cells: list[CellText]) -> bool:
        """A row of column labels: report column label variants, nothing else."""
        table = self.context
        if table is None:
            return False
        texts = [c for c in cells if c.text.strip()]
        matcher = self.m.headers[table]
        exact = sum(1 for c in texts if matcher.match(c.text, fuzzy=False))
        if exact < 2 and sum(1 for c in texts if matcher.match(c.text)) < 2:
            return False
        block = self.current_block.get(table)
        candidates = [block] if block else list(self.layout.tables[table].blocks)
        for cell in texts:
            for spec in candidates:
                hit = self.m.columns[(table, spec.key)].match(cell.text)
                if hit and hit.is_variant and abs(len(cosmetic(hit.printed)) - len(cosmetic(hit.official))) <= 1:
                    column = spec.columns[hit.target]
                    keys = tuple(c.key for c in self.layout.cells.values() if c.table == table and c.block == spec.key and c.column == column.key)
                    for key in keys:
                        self.printed_columns[key] = cell.text
                    self._variant("column", hit, keys, self._source(cell))
                    break
        return True

    def _row(self, block: Block, cells: list[CellText]) -> None:
        texts = [c.text for c in cells if c.text.strip()]
        if not texts:
            return
        kinds = [_kind(c) for c in cells]
        first_value = next((i for i, k in enumerate(kinds) if k == "value"), len(cells))
        if first_value == len(cells):  # headers and table markers carry no value
            if self._marker(texts, block) or self._header(cells):
                return
        labels = [i for i in range(first_value) if kinds[i] == "text"]
        if first_value == len(cells):  # no value: a blank row, a header, or a label wrapped onto the next row
            if self._blank_row(block, cells, labels):
                self.fragments = []
            else:
                text = "".join(cells[i].text for i in labels if not cells[i].inherited)
                self.fragments = (self.fragments + [Block("text", text, line=block.line, page=block.page)])[-2:]
            return
        fragments, self.fragments = self.fragments, []
        if not labels:
            if first_value < len(cells) and self.context:
                self._event(RowEvent(self.context, None, None, "", cells, block, self.order))
            return
        hit, end = self._match_label(cells, labels, has_values=True)
        wrapped = None
        if hit is None and fragments and labels:
            hit, end, wrapped = self._match_wrapped(fragments, cells, labels)
        if hit is None:
            if first_value < len(cells) and self.context:
                printed = " ".join(fold_cell(cells[i].text) for i in labels)
                self._unmapped(block, cells, f"表格行“{printed}”无法对应到{self._table_name()}的任何一行")
            return
        (table, (spec_block, row)) = hit
        values = cells[end + 1 :]
        if not values:
            return  # a label standing alone (a fragment of a wrapped label): nothing to place
        label = wrapped or " ".join(fold_cell(cells[i].text) for i in labels if i <= end and not cells[i].inherited) or fold_cell(cells[end].text)
        self._labeled(table, spec_block, row, label, values, block, hit_match=self._last_match)

    def _blank_row(self, block: Block, cells: list[CellText], labels: list[int]) -> bool:
        """A row of the layout printed with all its cells blank: placed, so that each blank is seen.

        The label must be a whole data-row label (not the first part of one wrapped onto the next
        line) followed by the row's empty cells.
        """
        if not labels or labels[-1] == len(cells) - 1:
            return False
        hit, end = self._match_label(cells, labels, has_values=False)
        if hit is None or self._last_match.truncated or end == len(cells) - 1:
            return False
        table, (spec_block, row) = hit
        if not row.data:
            return False
        label = " ".join(fold_cell(cells[i].text) for i in labels if i <= end and not cells[i].inherited)
        self._labeled(table, spec_block, row, label, cells[end + 1 :], block, hit_match=self._last_match)
        return True

    def _match_label(self, cells: list[CellText], labels: list[int], has_values: bool):
        """The deepest label cell that names a layout row (or two adjacent cells joined).

        Rows of another table than the current one are recognised only with values and a label
        long enough to be distinctive ("其他" alone could be a 表三 row or a 表四 header).
        """
        self._last_match = None
        tables = [self.context] if self.context else []
        if has_values:
            tables += [t for t in self.layout.tables if t not in tables]
        candidates = [(i, i, cells[i].text) for i in reversed(labels)]
        if len(labels) > 1:
            candidates += [(labels[k], labels[k + 1], cells[labels[k]].text + cells[labels[k + 1]].text) for k in range(len(labels) - 1)]
        for table in tables:
            threshold = None if table == self.context else _FUZZY_SWITCH
            for start, end, text in candidates:
                if threshold is None:
                    hit = self.m.rows[table].match(text)
                elif len(cosmetic(text)) >= 4:
                    hit = self.m.rows[table].match(text, threshold)
                else:
                    hit = None
                if hit:
                    self._last_match = hit
                    return (table, hit.target), end
        return None, -1

    def _match_wrapped(self, fragments: list[Block], cells: list[CellText], labels: list[int]):
        """A label whose beginning stands on the line(s) just above the row."""
        tail = "".join(cells[i].text for i in labels if not cells[i].inherited)
        for count in (1, 2):
            head = "".join(b.text for b in fragments[-count:])
            hit, _ = self._match_label([CellText(head + tail)], [0], has_values=True)
            if hit is not None:
                return hit, labels[-1], fold_cell(head + tail)
        return None, -1, None

    def _labeled(self, table: str, spec_block: BlockSpec, row: RowSpec, label: str, values: list[CellText], block: Block, hit_match: LabelMatch | None) -> None:
        if table != self.context:
            self._enter(table)
        if not row.data:
            filled = [v for v in values if v.text.strip()]
            if filled:
                self.report.subtotals.setdefault(f"{table}.{row.key}", []).extend(
                    Cell(f"{table}.{row.key}", parse_value(v.text).value, "number", self._source(v, label))
                    for v in values
                    if v.text.strip()
                )
            return
        self._event(RowEvent(table, spec_block, row, label, values, block, self.order, hit_match))

    def _event(self, event: RowEvent) -> None:
        self.events[event.table].append(event)

    def _text(self, block: Block) -> None:
        text = block.text
        if self._marker([text], block):
            return
        if self.context is None:
            return
        table = self.layout.tables[self.context]
        if len(text) > 20 and re.search(r"\d", text) and flat.count_labels(text, table) >= 3:
            self.flat_rows[self.context].extend(flat.scan(block, table))
            return
        match = _ROWIZE.match(text)
        if not match:
            self.fragments = (self.fragments + [block])[-2:]
            return
        label = (match.group("label") or "").strip()
        if len(label) > _MAX_ROW_LABEL:
            return
        offset = match.start("values")
        cells = [CellText(label, line=block.line, page=block.page, column=block.column)] if label else []
        for token in _VALUE_TOKEN.finditer(match.group("values")):
            cells.append(CellText(token.group(0), line=block.line, page=block.page, column=block.column + offset + token.start()))
        self._row(block, cells)

    # -- findings of the reading ---------------------------------------------------------------
    def _table_name(self) -> str:
        return self.layout.tables[self.context].name if self.context else "表格"

    def _source(self, cell: CellText, row_label: str | None = None, column_label: str | None = None) -> Source:
        return Source(
            file=self.document.path,
            line=cell.line,
            page=cell.page,
            row_label=row_label,
            column_label=column_label,
            text=cell.text,
            column=cell.column,
            ocr=cell.ocr,
        )

    def _variant(self, kind: str, hit: LabelMatch, cells: tuple[str, ...], source: Source) -> None:
        self.report.label_variants.append(LabelVariant(kind, hit.official, hit.printed, cells, source))

    def _unmapped(self, block: Block, cells: list[CellText], reason: str, keys: tuple[str, ...] = ()) -> None:
        text = " | ".join(fold_cell(c.text) for c in cells if c.text.strip()) or block.text
        source = Source(file=self.document.path, line=block.line, page=block.page, text=text, column=cells[0].column if cells else None)
        self.report.unmapped.append(Unmapped(self.context, text, reason, source, keys))

    # -- placing values -------------------------------------------------------------------------
    def finish(self) -> None:
        for key, table in self.layout.tables.items():
            if self.flat_rows[key]:
                self._finish_flat(table)
            else:
                self._finish_rows(table)

    def _finish_rows(self, table: TableSpec) -> None:
        events = self.events[table.key]
        placed: dict[tuple[str | None, str | None], RowEvent] = {}
        inseparable: list[RowEvent] = []
        if table.key == "t4":
            spec_block = table.blocks[0]
            for event in (e for e in events if e.row is None):
                values, joined = self._row_values(event, len(spec_block.columns))
                if joined:
                    inseparable.append(event)
                elif values is None:
                    self._unmapped_event(event, table, "无法对应到表四：数值个数与表四的15列不符")
                elif (None, None) in placed:
                    if [fold_cell(c.text) for c in placed[(None, None)].values] != [fold_cell(c.text) for c in values]:
                        self._unmapped_event(event, table, "表四重复出现且数值不同，未采用第二次出现的数值")
                else:
                    event.values, event.block, event.row = values, spec_block, spec_block.rows[0]
                    placed[(None, None)] = event
        else:
            for event in events:
                if event.row is None:
                    continue
                key = (event.block.key, event.row.key)
                values, joined = self._row_values(event, len(event.block.columns))
                if joined:
                    inseparable.append(event)
                    continue
                if values is None:
                    self._unmapped_event(event, table, f"“{event.label}”行的数值个数与表格的{len(event.block.columns)}列不符，无法逐格对应")
                    placed.setdefault(key, event)
                    event.values = []
                    continue
                event.values = values
                if key in placed:
                    if [fold_cell(c.text) for c in placed[key].values] != [fold_cell(c.text) for c in values]:
                        self._unmapped_event(event, table, f"“{event.label}”行重复出现且数值不同，未采用第二次出现的数值")
                    continue
                placed[key] = event
            self._place_by_order(table, events, placed)
        if inseparable:
            self._mark_inseparable(table, [(e.label, " ".join(c.text for c in e.values if c.text.strip()), e.source) for e in inseparable])
        elif not placed:
            self.report.tables[table.key] = "missing"
        else:
            self.report.tables[table.key] = "found"
            self._cells(table, placed)

    @staticmethod
    def _row_values(event: RowEvent, width: int) -> tuple[list[CellText] | None, bool]:
        """The row's ``width`` values, and whether they are digits run together in one cell that
        cannot be split unambiguously (then the values are None and the table inseparable)."""
        values = fit(event.values, width)
        if values is not None:
            return values, False
        filled = [c for c in event.values if c.text.strip()]
        if len(filled) != 1 or not re.fullmatch(r"\s*\d[\d\s]+", filled[0].text) or width == 1:
            return None, False
        cell = filled[0]
        holder = Block("text", cell.text, line=cell.line, page=cell.page, column=cell.column or 0)
        split = flat.split_run(cell.text, 0, width, holder)
        return split, split is None

    def _mark_inseparable(self, table: TableSpec, rows: list[tuple[str, str, Block | Source]]) -> None:
        self.report.tables[table.key] = "inseparable"
        keys = tuple(c.key for c in self.layout.table_cells(table.key))
        sources = []
        for label, raw, where in rows:
            if isinstance(where, Source):
                sources.append((label, raw, where))
            else:
                sources.append((label, raw, Source(self.document.path, where.line, where.page, label or None, None, raw, None)))
        self.report.inseparable.append(Inseparable(table.key, keys, tuple(sources)))

    def _place_by_order(self, table: TableSpec, events: list[RowEvent], placed: dict) -> None:
        template = [(b, r) for b, r in table.data_rows]
        position = {(b.key, r.key): i for i, (b, r) in enumerate(template)}
        anchors = sorted(
            (e.order, position[(e.block.key, e.row.key)]) for e in events if e.row is not None and placed.get((e.block.key, e.row.key)) is e
        )
        bounds = [(-1, -1)] + anchors + [(10**9, len(template))]
        unlabeled = [e for e in events if e.row is None]
        used: set[int] = set()
        for (order_a, row_a), (order_b, row_b) in zip(bounds, bounds[1:]):
            if row_b <= row_a:
                continue  # labeled rows out of layout order: no placement by order here
            missing = [template[i] for i in range(row_a + 1, row_b) if (template[i][0].key, template[i][1].key) not in placed]
            widths = {len(b.columns) for b, _ in missing}
            between = [e for e in unlabeled if order_a < e.order < order_b and any(fit(e.values, w) for w in widths)]
            if not missing or len(between) != len(missing):
                continue
            fitted = [fit(e.values, len(b.columns)) for e, (b, _) in zip(between, missing)]
            if any(v is None for v in fitted):
                continue
            for event, (spec_block, row), values in zip(between, missing, fitted):
                event.block, event.row, event.values, event.placed_by_order = spec_block, row, values, True
                event.label = ""
                placed[(spec_block.key, row.key)] = event
                used.add(id(event))
        for event in unlabeled:
            if id(event) not in used:
                self._unmapped_event(event, table, f"{table.name}中有一行数值没有行标签，无法确定它属于哪一行")

    def _unmapped_event(self, event: RowEvent, table: TableSpec, reason: str) -> None:
        previous = self.context
        self.context = table.key
        self._unmapped(event.source, ([CellText(event.label)] if event.label else []) + list(event.values), reason)
        self.context = previous

    def _cells(self, table: TableSpec, placed: dict) -> None:
        for spec_block, row in table.data_rows:
            cell_specs = self.layout.row_cells(table.key, spec_block.key, row.key)
            event = placed.get((spec_block.key, row.key))
            if event is None:
                self.report.missing_rows.append(MissingRow(table.key, row.label, tuple(c.key for c in cell_specs)))
                for spec in cell_specs:
                    self.report.cells[spec.key] = Cell(spec.key, None, "missing")
                continue
            if event.match and event.match.is_variant:
                source = self._source(event.values[0] if event.values else CellText(event.label, line=event.source.line), event.label)
                source.text = event.label
                self.report.label_variants.append(
                    LabelVariant("row", event.match.official, event.match.printed, tuple(c.key for c in cell_specs), source)
                )
            for spec, value_cell in zip(cell_specs, event.values or [None] * len(cell_specs)):
                self.report.cells[spec.key] = self._cell(spec, value_cell, event)

    def _cell(self, spec: CellSpec, value_cell: CellText | None, event: RowEvent) -> Cell:
        if value_cell is None:
            return Cell(spec.key, None, "unreadable", Source(self.document.path, event.source.line, event.source.page, event.label or None))
        parsed = parse_value(value_cell.text)
        source = Source(
            self.document.path,
            value_cell.line if value_cell.line is not None else event.source.line,
            value_cell.page if value_cell.page is not None else event.source.page,
            event.label or None,
            self.printed_columns.get(spec.key, spec.column_label),
            value_cell.text,
            value_cell.column,
            value_cell.ocr,
        )
        note = parsed.note
        if parsed.value is not None and abs(parsed.value) >= _IMPLAUSIBLE[spec.kind == "amount"]:
            # no report has a count this large: the digits of several cells ran together
            self.report.inseparable.append(Inseparable(spec.table, (spec.key,), ((event.label, value_cell.text, source),)))
            return Cell(spec.key, None, "unreadable", source, "数值位数过多，疑为多个单元格的数字连写，未采用")
        if event.placed_by_order:
            note = "原文此行数值没有行标签，按其在表中的先后顺序归入本行" + (f"；{note}" if note else "")
        return Cell(spec.key, parsed.value, parsed.status, source, note)

    def _finish_flat(self, table: TableSpec) -> None:
        rows = self.flat_rows[table.key]
        placed: dict[tuple[str | None, str | None], flat.FlatRow] = {}
        inseparable = []
        for item in rows:
            if item.unmapped:
                source = Source(self.document.path, item.line, None, None, None, item.raw, item.column)
                self.report.unmapped.append(Unmapped(table.key, item.raw, f"{table.name}中有数字无法对应到任何行", source))
                continue
            spec_block = item.block or table.blocks[0]
            row = item.row or spec_block.rows[0]
            key = (spec_block.key, row.key)
            if key in placed:
                continue
            placed[key] = item
            if item.values is None:
                inseparable.append(item)
        if inseparable:
            self._mark_inseparable(
                table,
                [(item.label, item.raw, Source(self.document.path, item.line, None, item.label or None, None, item.raw, item.column)) for item in inseparable],
            )
            return
        if not placed:
            self.report.tables[table.key] = "missing"
            return
        self.report.tables[table.key] = "found"
        events = {}
        for key, item in placed.items():
            spec_block = item.block or table.blocks[0]
            row = item.row or spec_block.rows[0]
            events[key] = RowEvent(table.key, spec_block, row, item.label, item.values or [], Block("text", item.raw, line=item.line), 0)
        self._cells(table, events)
