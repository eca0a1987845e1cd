"""The printed form of a table, as in the official template: header rows and body rows of cells
with their row and column spans, derived from the layout data (``layouts/<id>/layout.yaml``).

Nothing here names a label: the corner note, the header over all value columns, column groups,
the nesting of row labels (a label-only row spans the rows of its group), 表二's stacked blocks and
their column spans, 表四's header tree — all come from the layout. The memo's tables
(:mod:`xxgk_audit.render`) and the DataFrames (:mod:`xxgk_audit.frames`) are built from this grid.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .layout import BlockSpec, ColumnSpec, Layout, RowSpec, TableSpec


@dataclass(frozen=True, slots=True)
class GridCell:
    role: str  # corner | head | block (a block's header row) | label | value | na (no cell in the format)
    text: str = ""
    key: str | None = None  # the cell key of a value cell
    rowspan: int = 1
    colspan: int = 1
    level: int = 0  # a row label: the label column it starts in (0 = outermost)


@dataclass(frozen=True, slots=True)
class GridRow:
    cells: tuple[GridCell, ...]
    header: bool = False  # a header row (thead of a single-block table; a block's header rows in 表二)
    labels: tuple[str, ...] = ()  # a data row: its row labels, outermost first (for the DataFrame index)


@dataclass(frozen=True)
class TableGrid:
    table: str
    name: str
    rows: tuple[GridRow, ...]
    width: int  # grid columns: label columns + value columns
    label_columns: int
    head_rows: int  # leading header rows (repeated on each printed page); 0 for stacked blocks

    @property
    def value_keys(self) -> list[str]:
        return [cell.key for row in self.rows for cell in row.cells if cell.key]


def _header_rows(columns: tuple[ColumnSpec, ...]) -> list[list[GridCell]]:
    """Header cells from the columns' header paths: equal prefixes merge into one cell (colspan),
    a ``None`` below a label extends it down (rowspan)."""
    depth = max(len(c.path) for c in columns)
    paths = [tuple(c.path) + (None,) * (depth - len(c.path)) for c in columns]
    rows: list[list[GridCell]] = []
    for level in range(depth):
        row: list[GridCell] = []
        i = 0
        while i < len(columns):
            path = paths[i]
            if path[level] is None:
                i += 1
                continue
            j = i + 1
            while j < len(columns) and paths[j][: level + 1] == path[: level + 1]:
                j += 1
            down = 1
            while level + down < depth and all(paths[k][level + down] is None for k in range(i, j)):
                down += 1
            row.append(GridCell("head", path[level], rowspan=down, colspan=sum(c.span for c in columns[i:j])))
            i = j
        rows.append(row)
    return rows


def _depths(rows: tuple[RowSpec, ...]) -> dict[str, int]:
    by_label = {r.label: r for r in rows}
    depths: dict[str, int] = {}

    def depth(row: RowSpec) -> int:
        if row.label not in depths:
            parent = by_label.get(row.group) if row.group else None
            depths[row.label] = 0 if parent is None or parent is row else depth(parent) + 1
        return depths[row.label]

    for row in rows:
        depth(row)
    return depths


def _ancestors(row: RowSpec, by_label: dict[str, RowSpec]) -> list[RowSpec]:
    chain = []
    while row.group and row.group in by_label and by_label[row.group] is not row:
        row = by_label[row.group]
        chain.append(row)
    return chain[::-1]


def _values(table: TableSpec, block: BlockSpec, row: RowSpec, width: int) -> list[GridCell]:
    cells = [GridCell("value", key=".".join(p for p in (table.key, block.key, row.key, c.key) if p), colspan=c.span) for c in block.columns]
    used = sum(c.span for c in block.columns)
    if used < width:  # the format has no cell here: shown as not applicable, never as a blank
        cells.append(GridCell("na", colspan=width - used))
    return cells


def _single_block(table: TableSpec) -> TableGrid:
    block = table.blocks[0]
    data_rows = [r for r in block.rows if r.data]
    labeled = any(r.label for r in data_rows)
    depths = _depths(block.rows)
    label_columns = (max(depths[r.label] for r in data_rows) + 1) if labeled else 0
    value_width = sum(c.span for c in block.columns)
    header = _header_rows(block.columns)
    rows: list[GridRow] = []
    for n, cells in enumerate(header):
        if n == 0 and label_columns:
            cells = [GridCell("corner", table.corner_note or "", rowspan=len(header), colspan=label_columns)] + cells
        rows.append(GridRow(tuple(cells), header=True))
    by_label = {r.label: r for r in block.rows}
    descendants: dict[str, int] = {}
    for row in data_rows:
        for ancestor in _ancestors(row, by_label):
            descendants[ancestor.label] = descendants.get(ancestor.label, 0) + 1
    opened: set[str] = set()
    for row in data_rows:
        cells: list[GridCell] = []
        chain = _ancestors(row, by_label) if labeled else []
        for ancestor in chain:
            if ancestor.label not in opened:
                opened.add(ancestor.label)
                cells.append(GridCell("label", ancestor.label, rowspan=descendants[ancestor.label], level=depths[ancestor.label]))
        if labeled:
            cells.append(GridCell("label", row.label, colspan=label_columns - depths[row.label], level=depths[row.label]))
        cells += _values(table, block, row, value_width)
        rows.append(GridRow(tuple(cells), labels=tuple(a.label for a in chain) + ((row.label,) if labeled else ())))
    return TableGrid(table.key, table.name, tuple(rows), label_columns + value_width, label_columns, len(header))


def _stacked_blocks(table: TableSpec) -> TableGrid:
    width = table.grid_width or max(sum(c.span for c in b.columns) for b in table.blocks)
    rows: list[GridRow] = []
    for block in table.blocks:
        if block.header:
            rows.append(GridRow((GridCell("block", block.header, colspan=width + 1),), header=True))
        head = [GridCell("head", block.label_column or "")]
        head += [GridCell("head", c.label, colspan=c.span) for c in block.columns]
        used = sum(c.span for c in block.columns)
        if used < width:
            head.append(GridCell("na", colspan=width - used))
        rows.append(GridRow(tuple(head), header=True))
        for row in block.rows:
            if row.data:
                cells = [GridCell("label", row.label)] + _values(table, block, row, width)
                rows.append(GridRow(tuple(cells), labels=(block.header or "", row.label)))
    return TableGrid(table.key, table.name, tuple(rows), width + 1, 1, 0)


@cache
def _grid(layout: Layout, table: str) -> TableGrid:
    spec = layout.tables[table]
    return _stacked_blocks(spec) if len(spec.blocks) > 1 else _single_block(spec)


def table_grid(layout: Layout, table: str) -> TableGrid:
    """The printed form of ``table`` (t2 | t3 | t4) in ``layout``."""
    return _grid(layout, table)


def occupancy(grid: TableGrid) -> list[list[GridCell | None]]:
    """The grid expanded: for each row and grid column, the cell covering it (for tests and checks)."""
    height = len(grid.rows)
    out: list[list[GridCell | None]] = [[None] * grid.width for _ in range(height)]
    for r, row in enumerate(grid.rows):
        c = 0
        for cell in row.cells:
            while c < grid.width and out[r][c] is not None:
                c += 1
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    if r + dr < height and c + dc < grid.width:
                        out[r + dr][c + dc] = cell
            c += cell.colspan
    return out
