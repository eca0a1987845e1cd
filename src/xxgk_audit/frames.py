"""The tables of a report as pandas DataFrames in the official layout (imported only on demand).

Rows are indexed by (group, official row label), columns by (column group, official column label),
so merged headers of the format (法人或其他组织, 行政诉讼 …) are levels of the column index. Cells the
report does not give (blank, missing, unreadable) are ``pd.NA``; ``frame.attrs`` records the table's
status (found | missing | inseparable) and the cell key of every position.
"""

from __future__ import annotations

import pandas as pd

from .report import Report


def _t4_column(layout, column) -> tuple[str, str, str]:
    for outcome in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计"):
        if column.label.endswith(outcome):
            head = column.label[: -len(outcome)]
            return (column.group or head, head if head != column.group else "", outcome)
    return (column.group or "", "", column.label)


def table_frame(report: Report, table: str) -> pd.DataFrame:
    layout = report.layout
    spec = layout.tables[table]
    keys: dict[tuple, dict[tuple, str]] = {}
    if table == "t4":
        columns = [_t4_column(layout, c) for c in spec.blocks[0].columns]
        index = [("", "件数")]
        keys[index[0]] = {col: f"t4.{c.key}" for col, c in zip(columns, spec.blocks[0].columns)}
        column_names = ["", "", ""]
    elif table == "t3":
        block = spec.blocks[0]
        columns = [(c.group or c.label, c.label if c.group else "") for c in block.columns]
        index = []
        for row in block.rows:
            if not row.data:
                continue
            position = (row.group or "", row.label)
            index.append(position)
            keys[position] = {col: f"t3.{row.key}.{c.key}" for col, c in zip(columns, block.columns)}
        column_names = ["申请人情况", ""]
    else:
        columns = []
        index = []
        for block in spec.blocks:
            for column in block.columns:
                if (column.label,) not in columns:
                    columns.append((column.label,))
            for row in block.rows:
                position = (block.header or "", row.label)
                index.append(position)
                keys[position] = {(c.label,): f"t2.{block.key}.{row.key}.{c.key}" for c in block.columns}
        column_names = ["信息内容"]
    data = []
    for position in index:
        values = []
        for column in columns:
            key = keys[position].get(column)
            value = report.value(key) if key else None
            values.append(pd.NA if value is None else value)
        data.append(values)
    frame = pd.DataFrame(
        data,
        index=pd.MultiIndex.from_tuples(index, names=["", spec.name]),
        columns=pd.MultiIndex.from_tuples(columns, names=column_names),
    )
    if table != "t2":  # counts: whole numbers, unless the report printed a decimal (CELL-NOT-INTEGER)
        frame = frame.astype({column: _count_dtype(frame[column]) for column in frame.columns})
    frame.attrs["status"] = report.tables.get(table, "missing")
    frame.attrs["keys"] = {(position, column): key for position, mapping in keys.items() for column, key in mapping.items()}
    return frame


def _count_dtype(column: pd.Series) -> str:
    """"Int64" for a column of whole numbers; "Float64" where a count was printed as ``7.5``."""
    return "Int64" if all(value is pd.NA or float(value).is_integer() for value in column) else "Float64"
