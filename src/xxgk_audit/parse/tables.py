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

import itertools
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Iterable

from ..document import Block, CellText, Document
from ..layout import BlockSpec, CellSpec, Layout, RowSpec, TableSpec
from ..report import Cell, Inseparable, LabelVariant, MissingRow, Report, SectionHit, Source, Unmapped
from . import flat, splitting
from .labels import LabelMatch, LabelMatcher, cosmetic, matchable, ordinals_agree
from .values import fold_cell, is_value_like, parse_value

_ROWIZE = re.compile(
    r"^(?P<label>.*?[^\d\s.,+\-])?(?P<values>(?:\s*(?:[+-]?\d[\d,]*(?:\.\d+)?|—|/))+)\s*$"
)
_RUN = re.compile(r"\s*[+-]?\d[\d\s+-]*")  # digits (and 本年增/减 signs) that may hold several cells
_NUMERIC_RUN = re.compile(r"\s*[+-]?\d[\d\s.,+-]*")  # …or amounts: then no split is attempted
_VALUE_TOKEN = re.compile(r"[+-]?\d[\d,]*(?:\.\d+)?|—|/")
_MAX_ROW_LABEL = 40  # longer lines ending in a number are narrative, not table rows
_IMPLAUSIBLE = (10**9, 10**11)  # (counts, 万元 amounts): larger values are digits run together
_NON_DIGITS = re.compile(r"\D*")
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
    options: list[list[CellText]] | None = None  # digits run together: the splits still possible
    split: str | None = None  # how a run was split (splitting.HOW_*), for the cells' note
    group: int | None = None  # 表四 printed as one row per group: the group's index
    inserted: CellText | None = None  # a value printed outside its row, placed by the equations
    run: CellText | None = None  # the cell whose digits run together
    inseparable: bool = False  # recorded as CELLS-INSEPARABLE when it was read: no split is tried
    printed: str = ""  # a label printed beside the values that names no row (wrapped fragments, garbage)


@dataclass
class _Matchers:
    rows: dict[str, LabelMatcher[tuple[BlockSpec, RowSpec]]]
    headers: dict[str, LabelMatcher[str]]
    columns: dict[tuple[str, str | None], LabelMatcher[int]]
    blocks: LabelMatcher[tuple[str, BlockSpec]]
    groups: dict[str, LabelMatcher[int]]  # 表四's groups, for a table printed as one row per group


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
        labels += table.outcome_labels
        labels += [table.corner_note] if table.corner_note else []  # printed in the header's corner
        headers[key] = LabelMatcher((label, key, ()) for label in dict.fromkeys(labels))
        for block in table.blocks:
            columns[(key, block.key)] = LabelMatcher((c.label, i, ()) for i, c in enumerate(block.columns))
            if block.header:
                block_entries.append((block.header, (key, block), ()))
    groups = {key: LabelMatcher((label, i, ()) for i, label in enumerate(_t4_groups(table))) for key, table in layout.tables.items() if _t4_groups(table)}
    return _Matchers(rows, headers, columns, LabelMatcher(block_entries), groups)


@lru_cache(maxsize=4)
def _header_rest_patterns(layout: Layout) -> dict[str, re.Pattern[str]]:
    return {
        key: re.compile("|".join(re.escape(cosmetic(w)) for w in table.header_words if cosmetic(w)))
        for key, table in layout.tables.items()
        if any(m.header_only for m in table.markers)
    }


@lru_cache(maxsize=4)
def _markers(layout: Layout) -> tuple[re.Pattern[str], tuple]:
    """The layout's markers with their words folded, and one pattern of every first word (a
    line that holds none of them announces no table: one search in C for most lines)."""
    folded = tuple(
        (key, tuple(cosmetic(w) for w in marker.words), marker)
        for key, table in layout.tables.items()
        for marker in table.markers
    )
    first = re.compile("|".join(re.escape(words[0]) for _, words, _ in folded)) if folded else re.compile("(?!)")
    return first, folded


@lru_cache(maxsize=8192)  # a line is tested twice: for the anchors, then by the table parser
def marker_table(layout: Layout, joined: str) -> str | None:
    """The table a row or line announces by its markers (``layout.yaml``), given its folded text."""
    first, markers = _markers(layout)
    if not first.search(joined):
        return None
    for key, words, marker in markers:
        if not all(w in joined for w in words):
            continue
        if marker.max_chars is not None and len(joined) > marker.max_chars:
            continue
        if marker.header_only and len(_header_rest_patterns(layout)[key].sub("", joined)) > marker.rest_chars:
            continue
        return key
    return None


@lru_cache(maxsize=4)
def _header_gate(layout: Layout) -> tuple[str, ...]:
    return tuple(dict.fromkeys(cosmetic(g) for t in layout.tables.values() for g in t.header_gate))


@lru_cache(maxsize=8192)
def _block_header(layout: Layout, text: str) -> LabelMatch | None:
    """A block header of 表二 (第二十条第（一）项 …), printed exactly or nearly so."""
    folded = cosmetic(text) if len(text) <= 40 else ""
    if not folded or not any(g in folded for g in _header_gate(layout)):
        return None
    return _matchers(layout).blocks.match(text)


@lru_cache(maxsize=4)
def _anchor_rows(layout: Layout) -> dict[str, str]:
    """Row labels distinctive enough to announce their table on their own (matchable form → table)."""
    rows: dict[str, str] = {}
    for key, table in layout.tables.items():
        for block in table.blocks:
            for row in block.rows:
                form = matchable(row.label) if row.label else ""
                if row.data and len(form) >= 8:
                    rows.setdefault(form, key)
    return rows


@lru_cache(maxsize=8)
def _announcing(layout: Layout, key: str) -> tuple[tuple[str, ...], tuple[tuple, ...]]:
    """Table ``key``'s block headers and its markers with their words, folded once."""
    table = layout.tables[key]
    headers = tuple(cosmetic(block.header) for block in table.blocks if block.header)
    return headers, tuple((marker, tuple(cosmetic(w) for w in marker.words)) for marker in table.markers)


def _announces(layout: Layout, key: str, text: str, folded: str) -> bool:
    """Whether a line holds a header marker of table ``key`` (its block headers, its markers' words)."""
    table = layout.tables[key]
    folded = folded or cosmetic(text)
    headers, markers = _announcing(layout, key)
    if table.header_gate:
        return any(header in folded for header in headers)
    for marker, words in markers:
        if not all(w in folded for w in words):
            continue
        if not marker.header_only:
            return True
        # a header row run together with its values: from its first word to the first digit, header
        # words only (at any occurrence of the first word: a sentence before may quote it, 行政复议1件)
        start = folded.find(words[0])
        while start >= 0:
            header = _NON_DIGITS.match(folded, start).group(0)
            if all(w in header for w in words) and len(_header_rest_patterns(layout)[key].sub("", header)) <= marker.rest_chars:
                return True
            start = folded.find(words[0], start + 1)
    return False


_MAX_HEADER_LINE = 40  # a line longer than this that announces a table holds more than its header


def _run_together_table(layout: Layout, text: str, anchors: dict[str, int]) -> str | None:
    """The table a line of run-together cells holds (a crawler's line of one table): its own header
    and at least three of its row labels, with numbers that are no sentence's counts."""
    folded = cosmetic(text)
    marked = _markers(layout)[0].search(folded) is not None  # a first word of some table's markers
    for key, table in layout.tables.items():
        if key in anchors or not (all(g in folded for g in _gate(table)) if table.header_gate else marked):
            continue  # cheap tests first: most lines are narrative
        if _announces(layout, key, text, folded) and flat.count_labels(text, table) >= 3 and not flat.narrative(text):
            return key
    return None


@lru_cache(maxsize=8)
def _gate(table: TableSpec) -> tuple[str, ...]:
    return tuple(cosmetic(g) for g in table.header_gate)


def _lone_value(block: Block) -> str | None:
    """The value a text line holds alone (one cell of a table printed one cell per line), else None."""
    if block.kind == "row" or len(block.text) > 24:
        return None
    text = block.text.strip()
    return text if _VALUE_TOKEN.fullmatch(text) else None


def table_anchors(blocks: list[Block], layout: Layout) -> dict[str, int]:
    """The first block of each table, found by the table's own header or a distinctive row label,
    independently of the section heading above it (which may be misspelled, renamed or absent)."""
    anchors: dict[str, int] = {}
    rows = _anchor_rows(layout)
    wanted = len(layout.tables)
    for index, block in enumerate(blocks):
        if block.kind == "row":
            first = next((c.text for c in block.cells if c.text.strip()), None)
            if first is None:
                continue
            if _text_kind(first) == "value":
                continue  # a row of values: it announces no table
            if any(_text_kind(c.text) == "value" for c in block.cells):
                found = rows.get(matchable(first))  # a labelled row: its label may be distinctive
            else:  # a header row: a block header or a marker
                hit = _block_header(layout, first)
                found = hit.target[0] if hit else marker_table(layout, cosmetic("".join(c.text for c in block.cells if c.text.strip())))
        else:
            text = block.text
            if len(text) > 400:  # narrative, or tables run together (crawler text): their own headers
                if any(map(str.isdigit, text)):
                    folded = cosmetic(text)
                    for key in layout.tables:
                        if key not in anchors and _announces(layout, key, text, folded):
                            anchors[key] = index
                continue
            hit = _block_header(layout, text)
            found = hit.target[0] if hit else marker_table(layout, cosmetic(text))
            if found is None and len(text) > _MAX_HEADER_LINE and any(map(str.isdigit, text)):
                found = _run_together_table(layout, text, anchors)
        if found is not None and found not in anchors:
            anchors[found] = index
        if len(anchors) == wanted:
            break
    return anchors


# notes on cells placed or split by the parser (shown beside the value in the memo)
_NOTES = {
    "by_order": "原文此行数值没有行标签，按其在表中的先后顺序归入本行",
    "by_order_printed": "原文此行的行标签“{printed}”无法识别，按其在表中的先后顺序归入本行",
    "split_count": "原文数字连写为“{run}”，按本行的单元格个数拆分",
    "split_row": "原文数字连写为“{run}”，按本行的合计关系唯一拆分（该关系因此不作核对）",
    "split_table": "原文数字连写为“{run}”，按表内勾稽关系唯一拆分（相关关系因此不作核对）",
    "inserted": "原文此行缺一个数值，该数值印在表格上方，按勾稽关系确定其位置",
    "unprinted": "原文表格没有印出此列（表头无此列），按空白处理",
}


def _position(cell: CellText, index: int) -> int:
    """Where a cell stands in its row: its column on the table's grid where the source has one
    (HTML, DOCX, PDF), else its place among the row's cells (text and Markdown tables)."""
    return cell.col_no if cell.col_no is not None else index


def _folded(values: list[CellText | None]) -> list[str | None]:
    """A row's values compared as printed (None: a cell of a group printed as one column)."""
    return [fold_cell(c.text) if c is not None else None for c in values]


def _join_notes(first: str, second: str | None) -> str:
    return f"{first}；{second}" if second else first


@lru_cache(maxsize=8)
def _t4_groups(table: TableSpec) -> tuple[str, ...]:
    """表四's groups (行政复议, 未经复议直接起诉, 复议后起诉) in the order of its cells."""
    return tuple(dict.fromkeys(c.group_label for b in table.blocks for c in b.columns if c.group_label))


_INNER_ORDINAL = re.compile(r"(?<=\S)\s*(?=[(（][一二三四五六七八九十]{1,2}[)）]|(?<![\d.])\d{1,2}[.．、](?!\d)|[一二三四五六七八九十][、.．])")


@lru_cache(maxsize=8192)
def _ordinal_of_another_row(printed: str, official: str) -> bool:
    """A label cell whose words are a row's but whose own ordinal is another's (2.其他 for 3.其他)."""
    return not _INNER_ORDINAL.search(printed) and not ordinals_agree(printed, official)


@lru_cache(maxsize=8192)
def _label_segments(text: str) -> tuple[str, ...]:
    """A label cell, deepest part first: "（三）不予公开 1.属于国家秘密" is tried as "1.属于国家秘密",
    then whole (a group label and a row label printed in one cell or line)."""
    parts = _INNER_ORDINAL.split(text)
    if len(parts) == 1:
        return (text,)
    return (parts[-1].strip(), text)


def _lost_cell(event: RowEvent, values: list[CellText], usual: int | None) -> bool:
    """A row printed with one cell fewer than the table's other rows, whose values were aligned by
    taking an empty padding cell for a blank value: a cell was lost, its place is not known."""
    if usual is None or event.source.kind != "row" or len(event.source.cells) >= usual:
        return False
    return not values[0].text.strip() or not values[-1].text.strip()


def _as_cell(event: RowEvent, value) -> CellText:
    """A value of a chosen split: a piece of the row's run of digits, or a cell as printed."""
    return _piece_cell(event.run, value) if isinstance(value, splitting.Piece) else value


def _piece_cell(cell: CellText, piece) -> CellText:
    column = None if cell.column is None else cell.column + piece.offset
    return CellText(piece.text, cell.line, cell.page, 1, False, column, None, None, None, None, cell.bbox)  # positional: made per digit


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
        self.header_labels: dict[str, set[str]] = defaultdict(set)  # table -> official header labels its header rows print
        # (table, block) -> {a column's index: where its label stands in the header} (the latest
        # header printing it: a header cut by a page break is printed on a grid of its own)
        self.header_columns: dict[tuple[str, str], dict[int, int]] = defaultdict(dict)
        self.unprinted: set[int] = set()  # ids of the blank cells made for columns the table does not print
        self.fragments: list[Block] = []  # text lines just above, for labels wrapped over lines
        self.order = 0
        self.previous: Block | None = None  # the block read just before the current one
        self.last_event: RowEvent | None = None
        self.column: tuple[Block | None, list[CellText]] | None = None  # a row printed one cell per line

    # -- reading -----------------------------------------------------------------------------
    def read(self, blocks: list[Block], sections: dict[str, SectionHit]) -> None:
        headings = {hit.block: hit.key for hit in sections.values() if not hit.inferred}
        for index, block in enumerate(blocks):
            self.order = index
            alone = _lone_value(block) if index not in headings else None
            if self.column is not None and alone is None:
                self._end_column()
            if index in headings:
                table = self.layout.section(headings[index]).table
                self._enter(table)
            elif alone is not None and self.context is not None:
                self._column_cell(block, alone)
            elif block.kind == "row":
                self._row(block, list(block.cells))
            else:
                self._text(block)
            self.previous = block
        self._end_column()

    def _column_cell(self, block: Block, text: str) -> None:
        """A value standing alone on its line (a table's cells one per line, as a crawler takes the
        text of a web page): the values after a row's label line, up to the next line that is not a
        value, are that row's cells."""
        if self.column is None:
            label = self.previous if self.previous is not None and self.fragments and self.fragments[-1] is self.previous else None
            if label is not None and not self.m.rows[self.context].match(label.text, prefix=True):
                label = None  # column labels just above (表四's 总计): the row has no label of its own
            if label is not None:
                self.fragments = self.fragments[:-1]
            self.column = (label, [])
        self.column[1].append(CellText(text, line=block.line, page=block.page, column=block.column))

    def _end_column(self) -> None:
        if self.column is None:
            return
        label, values = self.column
        self.column = None
        if label is None:
            first = values[0]
            self._row(Block("text", " ".join(v.text for v in values), line=first.line, page=first.page, column=first.column), values)
            return
        cells = [CellText(label.text, line=label.line, page=label.page, column=label.column), *values]
        self._row(label, cells)

    def _enter(self, table: str | None, block: BlockSpec | None = None) -> None:
        if table != self.context or block is not None:
            self.current_block[table or ""] = block
        self.context = table

    def _marker(self, texts: list[str], where: Block) -> bool:
        """Switch context on a table's own header text; True when the row is only a header."""
        for text in texts:
            hit = _block_header(self.layout, text)
            if hit:
                table, block = hit.target
                self._enter(table, block)
                if hit.is_variant:
                    cells = tuple(c.key for c in self.layout.cells.values() if c.table == table and c.block == block.key)
                    self._variant("block", hit, cells, Source(self.document.path, where.line, where.page, text=text))
                return len([t for t in texts if t.strip()]) == 1
        table = marker_table(self.layout, cosmetic("".join(texts)))
        if table is not None:
            self._enter(table)
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
        self.header_labels[table].update(hit.official for c in texts if (hit := matcher.match(c.text)) is not None)
        block = self.current_block.get(table)
        candidates = [block] if block else list(self.layout.tables[table].blocks)
        for position, cell in enumerate(cells):
            if not cell.text.strip():
                continue
            reported = False  # a variant is reported once, for the first block it names a column of
            for spec in candidates:
                hit = self.m.columns[(table, spec.key)].match(cell.text)
                if hit is None:
                    continue
                if not hit.fuzzy:  # where the header prints the column (a table without some columns)
                    self.header_columns[(table, spec.key)][hit.target] = _position(cell, position)
                if not reported and hit.is_variant and abs(len(cosmetic(hit.printed)) - len(cosmetic(hit.official))) <= 1:
                    column = spec.columns[hit.target]
                    keys = tuple(c.key for c in self.layout.cells.values() if c.table == table and c.block == spec.key and c.column == column.key)
                    for key in keys:
                        self.printed_columns[key] = cell.text
                    self._variant("column", hit, keys, self._source(cell))
                    reported = True
        return True

    def _row(self, block: Block, cells: list[CellText]) -> None:
        texts = [c.text for c in cells if c.text.strip()]
        if not texts:
            return
        kinds = [_text_kind(c.text) for c in cells]
        first_value = kinds.index("value") if "value" in kinds else len(cells)
        if first_value == len(cells):  # headers and table markers carry no value
            if self._marker(texts, block) or self._header(cells):
                return
        labels = [i for i in range(first_value) if kinds[i] == "text"]
        if first_value == len(cells):  # no value: a blank row, a header, or a label wrapped onto the next row
            if self._blank_row(block, cells, labels) or self._wrapped_blank_row(block, cells, labels):
                self.fragments = []
            else:
                text = "".join(cells[i].text for i in labels if not cells[i].inherited)
                self.fragments = (self.fragments + [Block("text", text, line=block.line, page=block.page)])[-2:]
            return
        fragments, self.fragments = self.fragments, []
        if not labels:
            if first_value < len(cells) and self.context and not self._wrapped_digits(block, cells):
                self._event(RowEvent(self.context, None, None, "", cells, block, self.order))
            return
        hit, end = self._match_label(cells, labels, has_values=True)
        if hit is None and self._group_row(block, cells, labels):
            return
        wrapped = None
        if hit is None and fragments and labels:
            hit, end, wrapped = self._match_wrapped(fragments, cells, labels)
        if hit is None:
            if first_value < len(cells) and self.context:
                # a label that names no row (fragments of wrapped labels a PDF without ruling lines
                # interleaves, a garbled label): its values are placed by their order in the table
                # where that alone decides, like a row printed without a label; else it is unmapped
                printed = " ".join(fold_cell(cells[i].text) for i in labels)
                if not self._wrapped_digits(block, cells[labels[-1] + 1 :]):
                    self._event(RowEvent(self.context, None, None, "", cells[labels[-1] + 1 :], block, self.order, printed=printed))
            return
        (table, (spec_block, row)) = hit
        values = cells[end + 1 :]
        if not values:
            return  # a label standing alone (a fragment of a wrapped label): nothing to place
        label = wrapped or " ".join(fold_cell(cells[i].text) for i in labels if i <= end and not cells[i].inherited) or fold_cell(cells[end].text)
        self._labeled(table, spec_block, row, label, values, block, hit_match=self._last_match)

    def _group_row(self, block: Block, cells: list[CellText], labels: list[int]) -> bool:
        """A row of 表四 printed with one group's values (行政复议 | 1 | 0 | 0 | 0 | 1)."""
        for table, matcher in self.m.groups.items():
            if self.context not in (table, None):
                continue
            hit = matcher.match(cells[labels[-1]].text)
            if hit is None:
                continue
            self._enter(table)
            label = fold_cell(cells[labels[-1]].text)
            event = RowEvent(table, None, None, label, cells[labels[-1] + 1 :], block, self.order, hit, group=hit.target)
            self._event(event)
            return True
        return False

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

    def _wrapped_blank_row(self, block: Block, cells: list[CellText], labels: list[int]) -> bool:
        """The rest of a blank row's label, its beginning on the row above (a row cut by a page
        break, or a label wrapped over two rows of a conversion): the row is placed, blank."""
        if not labels or not self.fragments or labels[-1] == len(cells) - 1:
            return False
        hit, end, wrapped = self._match_wrapped(self.fragments, cells, labels)
        if hit is None or self._last_match is None or self._last_match.truncated:
            return False
        table, (spec_block, row) = hit
        if not row.data:
            return False
        self._labeled(table, spec_block, row, wrapped, cells[end + 1 :], block, hit_match=self._last_match)
        return True

    def _match_label(self, cells: list[CellText], labels: list[int], has_values: bool):
        """The deepest label cell that names a layout row (or two adjacent cells joined).

        Rows of another table than the current one are recognised only with values and a label
        long enough to be distinctive ("其他" alone could be a 表三 row or a 表四 header).
        """
        self._last_match = None
        tables: Iterable[str] = [self.context] if self.context else []
        if has_values:
            tables = itertools.chain(tables, (t for t in self.layout.tables if t != self.context))  # others only if needed
        candidates = [(i, i, text) for i in reversed(labels) for text in _label_segments(cells[i].text)]
        if len(labels) > 1:
            candidates += [(labels[k], labels[k + 1], cells[labels[k]].text + cells[labels[k + 1]].text) for k in range(len(labels) - 1)]
        for table in tables:
            threshold = None if table == self.context else _FUZZY_SWITCH
            for start, end, text in candidates:
                if threshold is None:
                    hit = self.m.rows[table].match(text, prefix=True)
                elif len(cosmetic(text)) >= 4:
                    hit = self.m.rows[table].match(text, threshold, prefix=True)
                else:
                    hit = None
                if hit and start == end and _ordinal_of_another_row(text, hit.official):
                    hit = None  # the words of a row under another row's ordinal: a fragment of a longer label
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
        self.last_event = event

    def _wrapped_digits(self, block: Block, values: list[CellText]) -> bool:
        """Digits of the row above wrapped onto this line: a PDF without ruling lines prints a number
        too long for its narrow cell over two lines ("1848 0 … 1848" then "开申请数量 7 7" for 18487).
        Fewer numbers than the row above, under a label that names no row, right below it: the row
        above's values are not known (CELLS-INSEPARABLE with both lines), never read cut short."""
        above = self.last_event
        if self.document.format != "pdf" or above is None or above.source is not self.previous or above.inseparable:
            return False
        digits = [c.text.strip() for c in values if c.text.strip()]
        printed = [c for c in above.values if c.text.strip()]
        if not digits or len(digits) >= len(printed) or not all(d.isdigit() for d in digits):
            return False
        table = self.layout.tables[above.table]
        if above.row is not None:
            keys = self._event_keys(table, (above.block.key, above.row.key), above)
        elif len(table.data_rows) == 1:  # 表四's one row of values, printed without a label
            keys = tuple(c.key for c in self.layout.table_cells(table.key))
        else:
            return False  # a row of values without a label: by its order, or unmapped
        above.inseparable = True
        where = self._source(printed[0], above.label or None)
        where.text = " ".join(c.text.strip() for c in printed)
        run = f"{where.text}（下一行：{' '.join(digits)}）"
        self.report.inseparable.append(Inseparable(table.key, keys, ((above.label, run, where),)))
        return True

    def _text(self, block: Block) -> None:
        text = block.text
        if len(text) > 20 and re.search(r"\d", text) and self._run_together(block):
            return
        if self._marker([text], block):
            return
        if self.context is None:
            return
        match = _ROWIZE.match(text)
        if not match:
            self.fragments = (self.fragments + [block])[-2:]
            return
        label = (match.group("label") or "").strip()
        values = _VALUE_TOKEN.findall(match.group("values"))
        if len(label) > _MAX_ROW_LABEL and (len(values) < 3 or len(label) > 2 * _MAX_ROW_LABEL):
            return  # narrative that happens to end in a number; a row of several values may have a long label
        offset = match.start("values")
        cells = [CellText(label, line=block.line, page=block.page, column=block.column)] if label else []
        for token in _VALUE_TOKEN.finditer(match.group("values")):
            cells.append(CellText(token.group(0), line=block.line, page=block.page, column=block.column + offset + token.start()))
        self._row(block, cells)

    def _run_together(self, block: Block) -> bool:
        """A line holding a table with its cells run together (crawler text), or several tables
        when a section heading between them is missing: each table is scanned on its own stretch
        of the line, from its first label on. Only the current table and tables whose own header
        markers the line holds are considered, so narrative that names 规章 and 行政许可 is no table."""
        text = block.text
        folded = cosmetic(text)  # once: a crawler line may hold the whole report
        tables = [
            key for key, table in self.layout.tables.items()
            if (key == self.context or _announces(self.layout, key, text, folded)) and flat.count_labels(text, table) >= 3
        ]
        starts = sorted((flat.first_label(text, self.layout.tables[key]) or 0, key) for key in tables)
        stretches = [(start, end, key) for (start, key), (end, _) in zip(starts, starts[1:] + [(len(text), None)])]
        # a sentence quoting counts (制发规章1件、…) is narrative, not a table
        stretches = [(start, end, key) for start, end, key in stretches if not flat.narrative(text[start:end])]
        if not stretches:
            return False
        for start, end, key in stretches:
            piece = Block("text", text[start:end], line=block.line, page=block.page, column=block.column + start)
            self._enter(key)
            self.flat_rows[key].extend(flat.scan(piece, self.layout.tables[key]))
        return True

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
            table_no=cell.table_no,
            row_no=cell.row_no,
            col_no=cell.col_no,
            ocr=cell.ocr,
            bbox=cell.bbox,
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
                self._events_from_flat(table)
            self._finish_rows(table)

    def _events_from_flat(self, table: TableSpec) -> None:
        """Rows found in run-together text become row events like any other (values or splits)."""
        for item in self.flat_rows[table.key]:
            if item.unmapped:
                source = Source(self.document.path, item.line, None, None, None, item.raw, item.column)
                self.report.unmapped.append(Unmapped(table.key, item.raw, f"{table.name}中有数字无法对应到任何行", source))
                continue
            spec_block = item.block or table.blocks[0]
            row = item.row if item.row is not None else (None if table.key == "t4" else spec_block.rows[0])
            run = CellText(item.raw, line=item.line, column=item.column)
            holder = Block("text", item.raw, line=item.line, column=item.column)
            event = RowEvent(table.key, spec_block if row is not None else None, row, item.label, [run], holder, self.order, item.match)
            if item.values is not None and not _RUN.fullmatch(item.raw):  # numbers and blank marks printed apart
                event.values = item.values
            if item.unsplittable:  # a serial number may end these digits, or a group's columns are one: never split
                event.inseparable = True
                keys = self._event_keys(table, (spec_block.key, row.key), event) if row is not None else tuple(c.key for c in self.layout.table_cells(table.key))
                where = Source(self.document.path, item.line, None, item.label or None, None, item.raw, item.column)
                self.report.inseparable.append(Inseparable(table.key, keys, ((item.label, item.raw, where),)))
            self._event(event)

    def _finish_rows(self, table: TableSpec) -> None:
        events = self.events[table.key]
        placed: dict[tuple[str | None, str | None], RowEvent] = {}
        short: list[tuple[tuple, RowEvent, list[CellText]]] = []  # rows one value short
        usual = None
        if self.document.format in ("txt", "md"):  # converted tables, whose rows may lose a cell
            widths = Counter(len(e.source.cells) for e in events if e.row is not None and e.source.kind == "row")
            usual = widths.most_common(1)[0][0] if widths else None
        if table.key == "t4":
            self._place_t4(table, events, placed)
        else:
            columns_unprinted = self._short_everywhere(table, events)
            for event in events:
                if event.row is None:
                    continue
                key = (event.block.key, event.row.key)
                width = len(event.block.columns)
                if event.inseparable:
                    placed.setdefault(key, event)
                    event.values = []
                    continue
                by_header = self._by_header(table, event, width, event.block.key in columns_unprinted)
                values, options = (by_header, None) if by_header is not None else self._row_values(event, width)
                if by_header is None and values is not None and _lost_cell(event, values, usual):
                    values = None
                if options is not None:
                    event.values, event.options = [], options
                elif values is None and (merged := self._merged_group(table, key, event)) is not None:
                    event.values = merged
                elif values is None:
                    shorter = fit(event.values, width - 1) if width > 1 else None
                    if shorter is not None and key not in placed:
                        short.append((key, event, shorter))
                    else:
                        self._miscounted(table, key, event, width)
                    placed.setdefault(key, event)
                    event.values = []
                    continue
                else:
                    event.values = values
                if key in placed:
                    if _folded(placed[key].values) != _folded(event.values):
                        self._unmapped_event(event, table, f"“{event.label}”行重复出现且数值不同，未采用第二次出现的数值")
                    continue
                placed[key] = event
            loose = self._place_by_order(table, events, placed)
            loose = self._insert_loose(table, events, short, loose)
            for event in loose:
                if event.printed:
                    event.label = event.printed
                    self._unmapped_event(event, table, f"表格行“{event.printed}”无法对应到{table.name}的任何一行")
                else:
                    self._unmapped_event(event, table, f"{table.name}中有一行数值没有行标签，无法确定它属于哪一行")
        self._resolve_splits(table, placed)
        if not placed:
            self.report.tables[table.key] = "missing"
            return
        readable = any(e.values for e in placed.values())
        self.report.tables[table.key] = "found" if readable else "inseparable"
        if readable:
            self._cells(table, placed)

    def _place_t4(self, table: TableSpec, events: list[RowEvent], placed: dict) -> None:
        """表四: one row of all its cells, or one row per group (行政复议 / 直接起诉 / 复议后起诉)."""
        spec_block = table.blocks[0]
        width = len(spec_block.columns)
        groups = _t4_groups(table)
        per_group = width // len(groups)
        by_group: dict[int, RowEvent] = {}
        parts: list[RowEvent] = []  # rows of fewer values than the table: its groups, printed as tables of their own?
        for event in events:
            if event.inseparable:
                placed.setdefault((None, None), event)
                event.values = []
                continue
            if event.group is not None:
                values, options = self._row_values(event, per_group)
                if values is None and options is None:
                    self._unmapped_event(event, table, f"表四“{groups[event.group]}”行的数值个数与{per_group}列不符，无法逐格对应")
                    continue
                if options is not None:
                    options = [o for o in options]
                event.values, event.options = (values or []), options
                by_group.setdefault(event.group, event)
                continue
            if event.row is not None:
                continue
            values, options = self._row_values(event, width)
            if values is None and options is None:
                parts.append(event)
            elif (None, None) in placed:
                if options is not None or [fold_cell(c.text) for c in placed[(None, None)].values] != [fold_cell(c.text) for c in values]:
                    self._unmapped_event(event, table, "表四重复出现且数值不同，未采用第二次出现的数值")
            else:
                event.values, event.options, event.block, event.row = values or [], options, spec_block, spec_block.rows[0]
                placed[(None, None)] = event
        split = self._t4_parts(parts, per_group, len(groups)) if (None, None) not in placed and not by_group else None
        if split is not None:
            by_group = split
        else:
            for event in parts:
                self._unmapped_event(event, table, f"无法对应到表四：数值个数与表四的{width}列不符")
        if (None, None) in placed or not by_group:
            for event in by_group.values():
                if (None, None) in placed:
                    self._unmapped_event(event, table, "表四已有完整的一行数值，此行未采用")
            return
        for index, event in sorted(by_group.items()):
            event.block, event.row = spec_block, spec_block.rows[0]
            placed[("group", index)] = event
        for index, label in enumerate(groups):
            if index not in by_group:
                keys = tuple(c.key for c in self.layout.table_cells(table.key))[index * per_group : (index + 1) * per_group]
                self.report.missing_rows.append(MissingRow(table.key, label, keys, rows=(label,)))

    @staticmethod
    def _t4_parts(parts: list[RowEvent], per_group: int, groups: int) -> dict[int, RowEvent] | None:
        """表四 printed as tables of its own (行政复议 with five values, then 行政诉讼 with ten): rows
        without a label whose values are whole groups, in the layout's order, all groups once."""
        if not parts:
            return None
        by_group: dict[int, RowEvent] = {}
        for event in parts:
            fitted = next(((n, v) for n in range(1, groups - len(by_group) + 1) if (v := fit(event.values, n * per_group)) is not None), None)
            if fitted is None:
                return None
            count, values = fitted
            for part in range(count):
                by_group[len(by_group)] = replace(event, values=values[part * per_group : (part + 1) * per_group], options=None)
        return by_group if len(by_group) == groups else None

    @staticmethod
    def _row_values(event: RowEvent, width: int) -> tuple[list[CellText] | None, list[list[CellText]] | None]:
        """The row's ``width`` values; or, for digits run together in one cell, the splits the
        number of cells allows (one when it alone decides); (None, None) when neither fits."""
        values = fit(event.values, width)
        filled = [c for c in event.values if c.text.strip()]
        if width == 1 or len(filled) != 1 or not _NUMERIC_RUN.fullmatch(filled[0].text):
            return values, None
        cell = filled[0]
        if values is not None and sum(map(str.isdigit, cell.text)) < width:
            return values, None  # one number and blank cells
        single = splitting.by_count(cell.text, width)
        if single is not None and len(single) == len(cell.text.split()):
            return [_piece_cell(cell, p) for p in single], None  # numbers printed apart in one cell
        event.run = cell
        if single is not None:
            event.split = splitting.HOW_COUNT
            return [_piece_cell(cell, p) for p in single], None
        options = splitting.all_splits(cell.text, width)
        if not options:
            return None, []  # digits of several cells that no split fits: inseparable
        if len(options) == 1:
            event.split = splitting.HOW_COUNT
            return [_piece_cell(cell, p) for p in options[0]], None
        return None, options  # pieces of ``event.run``: cells are made of the one split chosen

    def _resolve_splits(self, table: TableSpec, placed: dict) -> None:
        """Narrow the rows of run-together digits with the layout's equations; rows left open are
        inseparable (reported), the rest of the table is kept."""
        open_events = [e for e in placed.values() if e.options is not None]
        if not open_events:
            return
        known: dict[str, int | float | None] = {}
        rows: list[splitting.OpenRow] = []
        for key, event in placed.items():
            keys = self._event_keys(table, key, event)
            if event.options is not None:
                signed = [self.layout.cells[k].kind == "signed" for k in keys]
                if "-" in (event.run.text if event.run else "-") and not all(signed):
                    event.options = [o for o in event.options if all(s or not c.text.startswith("-") for s, c in zip(signed, o))]
                rows.append(splitting.OpenRow(keys, list(event.options)))
            else:
                known.update((k, parse_value(c.text).value) for k, c in zip(keys, event.values) if c is not None)
        before = [len(r.options) for r in rows]
        used = splitting.resolve(self.layout, table.key, known, rows)
        for event, row, count in zip(open_events, rows, before):
            chosen = row.options
            if len(row.options) == 1 and chosen:
                event.values, event.options, event.split = [_as_cell(event, p) for p in chosen[0]], None, row.how
                if count > 1:
                    keys = set(row.keys)
                    self.report.split_equations.extend(i for i in used if not keys.isdisjoint(i.cells))
            else:
                event.values, event.options = [], None
                run = event.run or CellText(" ".join(c.text for c in event.source.cells) or event.source.text, event.source.line, event.source.page)
                where = self._source(run, event.label or None)
                self.report.inseparable.append(Inseparable(table.key, row.keys, ((event.label, run.text, where),)))

    def _event_keys(self, table: TableSpec, key: tuple, event: RowEvent) -> tuple[str, ...]:
        keys = self.layout.row_keys(table.key, event.block.key if event.block else None, event.row.key if event.row else None)
        if key[0] == "group":
            per_group = len(keys) // len(_t4_groups(table))
            return keys[key[1] * per_group : (key[1] + 1) * per_group]
        return keys

    def _insert_loose(self, table: TableSpec, events: list[RowEvent], short: list, loose: list[RowEvent]) -> list[RowEvent]:
        """A row one value short and one value printed loose above the table: the value belongs to
        the row where the layout's equations allow only one place for it."""
        if len(short) != 1:
            for key, event, _ in short:
                self._miscounted(table, key, event, len(event.block.columns))
            return loose
        key, event, values = short[0]
        first = min((e.order for e in events if e.row is not None), default=0)
        above = [e for e in loose if e.order <= first and len([c for c in e.values if c.text.strip()]) == 1]
        if len(above) != 1:
            self._miscounted(table, key, event, len(event.block.columns))
            return loose
        value = next(c for c in above[0].values if c.text.strip())
        options, seen = [], set()
        for position in range(len(values) + 1):
            option = values[:position] + [value] + values[position:]
            texts = tuple(fold_cell(c.text) for c in option)
            if texts not in seen:
                seen.add(texts)
                options.append(option)
        if len(options) == 1:
            event.values = options[0]
        else:
            event.options = options
        event.inserted = value
        placed_loose = above[0]
        return [e for e in loose if e is not placed_loose]

    def _place_by_order(self, table: TableSpec, events: list[RowEvent], placed: dict) -> list[RowEvent]:
        if all(e.row is not None for e in events):
            return []  # every row printed its label: nothing to place by order
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
                if event.printed:
                    event.match = LabelMatch((spec_block, row), row.label, event.printed, 0.0, fuzzy=True)
                placed[(spec_block.key, row.key)] = event
                used.add(id(event))
        return [e for e in unlabeled if id(e) not in used]

    def _merged_group(self, table: TableSpec, key: tuple, event: RowEvent) -> list[CellText | None] | None:
        """A row under a header that prints a column group as one column (法人或其他组织 without its
        five columns): one value for each column outside the group and one for the group. The
        columns outside it are read; the group's cells stay unknown (CELLS-INSEPARABLE says why)."""
        columns = event.block.columns
        printed = self.header_labels[table.key]
        for group in dict.fromkeys(c.group for c in columns if c.group):
            members = [c for c in columns if c.group == group]
            if group not in printed or any(c.label in printed for c in members):
                continue
            values = fit(event.values, len(columns) - len(members) + 1)
            if values is None:
                return None
            first = columns.index(members[0])
            merged = values[first]
            if list(columns[first : first + len(members)]) != members or not merged.text.strip():
                return None
            where = self._source(merged, event.label or None)
            where.text = merged.text
            keys = tuple(spec.key for spec in self.layout.row_cells(table.key, event.block.key, event.row.key) if spec.column in {c.key for c in members})
            self.report.inseparable.append(Inseparable(table.key, keys, ((event.label, merged.text.strip(), where),), merged=group))
            return values[:first] + [None] * len(members) + values[first + 1 :]
        return None

    def _by_header(self, table: TableSpec, event: RowEvent, width: int, in_order: bool) -> list[CellText] | None:
        """The values of a row of a table printed without some of its columns (表三 without 总计):
        each under the column label its header prints above it, a blank cell for each column the
        header does not print. None unless the header omits a column and names one at the place of
        every value printed. With ``in_order`` (every row of the table prints as many values as the
        header names columns), a row printed on another grid (the next page of a PDF) has its
        values taken in the order of the columns printed.
        """
        printed = self.header_columns.get((table.key, event.block.key))
        if not printed or len(printed) >= width or len(set(printed.values())) != len(printed):
            return None
        placed = self._under_labels(event, {position: column for column, position in printed.items()})
        if placed is None and in_order:
            values = fit(event.values, len(printed))
            placed = dict(zip(sorted(printed), values)) if values is not None else None
        if placed is None:
            return None
        out = []
        for column in range(width):
            cell = placed.get(column)
            if cell is None:
                cell = CellText("", line=event.source.line, page=event.source.page)
                self.unprinted.add(id(cell))
            out.append(cell)
        return out

    @staticmethod
    def _under_labels(event: RowEvent, columns: dict[int, int]) -> dict[int, CellText] | None:
        """{column: value} for a row whose every value stands where the header prints a column label."""
        row = event.source.cells
        placed: dict[int, CellText] = {}
        for value in event.values:
            index = next((i for i, cell in enumerate(row) if cell is value), None)
            if index is None:
                return None
            column = columns.get(_position(value, index))
            if column is None:
                if value.text.strip():
                    return None  # a value under no column label
                continue
            placed[column] = value
        return placed if len(placed) == len(columns) else None

    def _short_everywhere(self, table: TableSpec, events: list[RowEvent]) -> set[str | None]:
        """The blocks of ``table`` whose header omits columns and whose every row prints exactly as
        many values as the header names: the columns are not printed, no value was lost."""
        out = set()
        for (key, block_key), printed in self.header_columns.items():
            if key != table.key:
                continue
            rows = [e for e in events if e.row is not None and e.block.key == block_key and not e.inseparable]
            width = len(rows[0].block.columns) if rows else 0
            if len(printed) < width and all(fit(e.values, width) is None and fit(e.values, len(printed)) is not None for e in rows):
                out.add(block_key)
        return out

    def _miscounted(self, table: TableSpec, key: tuple, event: RowEvent, width: int) -> None:
        """A row whose values do not match its cells one to one. Fewer values than cells (a
        conversion that dropped the blank cells): which value belongs to which cell cannot be told,
        so the row's cells are inseparable — never guessed. More values than cells: content that
        cannot be mapped."""
        filled = [c for c in event.values if c.text.strip()]
        if 0 < len(filled) < width:
            where = self._source(filled[0], event.label or None)
            run = " ".join(c.text.strip() for c in filled)
            where.text = run
            self.report.inseparable.append(Inseparable(table.key, self._event_keys(table, key, event), ((event.label, run, where),), short=width))
            return
        self._unmapped_event(event, table, f"“{event.label}”行的数值个数与表格的{width}列不符，无法逐格对应")

    def _unmapped_event(self, event: RowEvent, table: TableSpec, reason: str) -> None:
        previous = self.context
        self.context = table.key
        self._unmapped(event.source, ([CellText(event.label)] if event.label else []) + [c for c in event.values if c is not None], reason)
        self.context = previous

    def _cells(self, table: TableSpec, placed: dict) -> None:
        for spec_block, row in table.data_rows:
            cell_specs = self.layout.row_cells(table.key, spec_block.key, row.key)
            event = placed.get((spec_block.key, row.key))
            if event is None and table.key == "t4" and any(k[0] == "group" for k in placed):
                self._group_cells(table, cell_specs, placed)
                continue
            if event is None:
                for spec in cell_specs:
                    self.report.cells[spec.key] = Cell(spec.key, None, "missing")
                continue
            if event.match and event.match.is_variant:
                printed = event.label or event.printed
                source = self._source(event.values[0] if event.values else CellText(printed, line=event.source.line), printed)
                source.text = printed
                self.report.label_variants.append(
                    LabelVariant("row", event.match.official, event.match.printed, tuple(c.key for c in cell_specs), source)
                )
            self._row_cells(cell_specs, event)
        self._missing_rows(table, placed)

    def _missing_rows(self, table: TableSpec, placed: dict) -> None:
        """One record per omission: a row; a group printed as one merged row; a whole block."""
        if any(k[0] == "group" for k in placed):
            return  # 表四 by groups: its missing groups were recorded when placed
        last: RowEvent | None = None  # the row printed before an omission: where it is reported
        done: set[tuple] = set()
        for spec_block, row in table.data_rows:
            key = (spec_block.key, row.key)
            event = placed.get(key)
            if event is not None:
                last = event
                continue
            if key in done:
                continue
            previous = self._event_source(last) if last is not None else None
            cells = lambda rows: tuple(c.key for r in rows for c in self.layout.row_cells(table.key, spec_block.key, r.key))  # noqa: E731
            siblings = [r for r in spec_block.rows if r.data and r.group and r.group == row.group]
            group = next((r for r in spec_block.rows if r.label == row.group and not r.data), None)
            merged = self.report.subtotals.get(f"{table.key}.{group.key}") if group is not None else None
            if merged and all((spec_block.key, r.key) not in placed for r in siblings):
                first = merged[0].source
                source = Source(first.file, first.line, first.page, group.label, None, " ".join(c.raw or "" for c in merged), first.column) if first else None
                self.report.missing_rows.append(
                    MissingRow(table.key, group.label, cells(siblings), rows=tuple(r.label for r in siblings), kind="merged", source=source)
                )
                done.update((spec_block.key, r.key) for r in siblings)
                continue
            block_rows = [r for r in spec_block.rows if r.data]
            if spec_block.header and len(block_rows) > 1 and all((spec_block.key, r.key) not in placed for r in block_rows):
                self.report.missing_rows.append(
                    MissingRow(table.key, spec_block.header, cells(block_rows), rows=tuple(r.label for r in block_rows), kind="block", source=previous)
                )
                done.update((spec_block.key, r.key) for r in block_rows)
                continue
            self.report.missing_rows.append(MissingRow(table.key, row.label, cells([row]), rows=(row.label,), source=previous))

    def _event_source(self, event: RowEvent) -> Source:
        anchor = event.values[0] if event.values else CellText(event.label, line=event.source.line, page=event.source.page)
        return self._source(anchor, event.label or None)

    def _group_cells(self, table: TableSpec, cell_specs: list[CellSpec], placed: dict) -> None:
        """表四 printed as one row per group: each group's cells from its own row."""
        per_group = len(cell_specs) // len(_t4_groups(table))
        for index in range(len(_t4_groups(table))):
            event = placed.get(("group", index))
            specs = cell_specs[index * per_group : (index + 1) * per_group]
            if event is None:
                for spec in specs:
                    self.report.cells[spec.key] = Cell(spec.key, None, "missing")
            else:
                self._row_cells(specs, event)

    def _row_cells(self, specs: list[CellSpec], event: RowEvent) -> None:
        """The cells of one placed row, each with its source. What every cell of the row shares
        (file, row label, how the row was placed) is worked out once: this runs for every cell of
        every report."""
        cells = self.report.cells
        path = self.document.path
        line, page = event.source.line, event.source.page
        row_label = event.label or event.printed or None
        printed_columns = self.printed_columns
        unprinted = self.unprinted
        origin = None
        if event.placed_by_order:
            origin = "by_order"
        if event.split and event.run is not None:
            origin = f"split_{event.split}"
        placed_note = None
        if origin:
            wording = "by_order_printed" if origin == "by_order" and event.printed else origin
            placed_note = _NOTES[wording].format(run=event.run.text.strip() if event.run else "", printed=event.printed)
        inserted_note = _NOTES["inserted"] if event.inserted is not None else None
        for spec, value_cell in zip(specs, event.values or [None] * len(specs)):
            if value_cell is None:
                cells[spec.key] = Cell(spec.key, None, "unreadable", Source(path, line, page, event.label or None))
                continue
            text = value_cell.text
            parsed = parse_value(text)
            # positional: one Source per cell of every report, and keywords cost twice as much
            source = Source(
                path,
                line if value_cell.line is None else value_cell.line,
                page if value_cell.page is None else value_cell.page,
                row_label,
                printed_columns.get(spec.key, spec.column_label),
                text,
                value_cell.column,
                value_cell.table_no,
                value_cell.row_no,
                value_cell.col_no,
                value_cell.ocr,
                value_cell.bbox,
            )
            value, note = parsed.value, parsed.note
            if value is not None and abs(value) >= _IMPLAUSIBLE[spec.kind == "amount"]:
                # no report has a count this large: the digits of several cells ran together
                self.report.inseparable.append(Inseparable(spec.table, (spec.key,), ((event.label, text, source),)))
                cells[spec.key] = Cell(spec.key, None, "unreadable", source, "数值位数过多，疑为多个单元格的数字连写，未采用")
                continue
            if unprinted and id(value_cell) in unprinted:
                note = _NOTES["unprinted"]
            if event.inserted is value_cell:
                cells[spec.key] = Cell(spec.key, value, parsed.status, source, _join_notes(inserted_note, note), "inserted")
            elif origin:
                cells[spec.key] = Cell(spec.key, value, parsed.status, source, _join_notes(placed_note, note), origin)
            else:
                cells[spec.key] = Cell(spec.key, value, parsed.status, source, note)
