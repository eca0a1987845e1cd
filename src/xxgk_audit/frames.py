"""The tables of a report as pandas DataFrames in the official layout (imported only on demand).

Built from the printed form of each table (:mod:`xxgk_audit.grid`, derived from the layout data):
表三's rows are indexed by their three label columns (三、本年度办理结果 › （三）不予公开 ›
1.属于国家秘密), its columns by 申请人情况 › 法人或其他组织 › 商业企业; 表四 has its header tree as
columns and one unlabeled row; 表二 is indexed by (block header, row label) over the union of the
blocks' columns. Cells the report does not give (blank, missing, unreadable) and positions the
format does not have (表二) are ``pd.NA``; ``frame.attrs`` records the table's status
(found | missing | inseparable) and the cell key of every position, so the two can be told apart.
"""

from __future__ import annotations

import pandas as pd

from .grid import table_grid
from .report import Report


def _column_tuple(column, depth: int) -> tuple[str, ...]:
    path = tuple("" if part is None else part for part in column.path)
    return path + ("",) * (depth - len(path))


def table_frame(report: Report, table: str) -> pd.DataFrame:
    layout = report.layout
    spec = layout.tables[table]
    grid = table_grid(layout, table)
    stacked = len(spec.blocks) > 1
    depth = max(len(c.path) for b in spec.blocks for c in b.columns)
    columns: list[tuple[str, ...]] = []
    keys: dict[tuple, str] = {}
    index: list = []
    for block in spec.blocks:
        for column in block.columns:
            label = _column_tuple(column, depth)
            if label not in columns:
                columns.append(label)
    data_rows = [row for row in grid.rows if row.labels or (not row.header and any(c.key for c in row.cells))]
    label_depth = max((len(row.labels) for row in data_rows), default=0)
    column_of = {
        ".".join(p for p in (table, b.key, r.key, c.key) if p): _column_tuple(c, depth)
        for b in spec.blocks
        for r in b.rows
        for c in b.columns
    }
    for n, row in enumerate(data_rows):
        position = row.labels + ("",) * (label_depth - len(row.labels)) if label_depth else n
        index.append(position)
        for cell in row.cells:
            if cell.key:
                keys[(position, column_of[cell.key])] = cell.key
    data = [[_value(report, keys.get((position, column))) for column in columns] for position in index]
    if label_depth:
        names = ["", spec.name] if stacked else [""] * (label_depth - 1) + [spec.name]
        row_index = pd.MultiIndex.from_tuples(index, names=names)
    else:
        row_index = pd.RangeIndex(len(index), name=spec.name)
    column_index = pd.MultiIndex.from_tuples(columns) if depth > 1 else pd.Index([c[0] for c in columns])
    frame = pd.DataFrame(data, index=row_index, columns=column_index)
    if not stacked:  # counts: whole numbers, unless the report printed a decimal (CELL-NOT-INTEGER)
        frame = frame.astype({column: _count_dtype(frame[column]) for column in frame.columns})
    frame.attrs["status"] = report.tables.get(table, "missing")
    frame.attrs["keys"] = {(position, column if depth > 1 else column[0]): key for (position, column), key in keys.items()}
    return frame


def _value(report: Report, key: str | None):
    value = report.value(key) if key else None
    return pd.NA if value is None else value


def _count_dtype(column: pd.Series) -> str:
    """"Int64" for a column of whole numbers; "Float64" where a count was printed as ``7.5``."""
    return "Int64" if all(value is pd.NA or float(value).is_integer() for value in column) else "Float64"
